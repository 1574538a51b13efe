import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";

type Fixture = Awaited<ReturnType<typeof stablecoinPoolFixture>>;

/** One step of a random session against the pool. Amounts are fractions so they stay in range as the pool moves. */
type Operation =
  | { kind: "deposit"; lender: number; amount: bigint }
  | { kind: "mint"; lender: number; shares: bigint }
  | { kind: "withdraw"; lender: number; fractionBps: number }
  | { kind: "redeem"; lender: number; fractionBps: number }
  | { kind: "borrow"; fractionBps: number }
  | { kind: "repay"; fractionBps: number }
  | { kind: "repayAll" }
  | { kind: "wait"; seconds: number };

const lender = fc.integer({ min: 0, max: 2 });
const fraction = fc.integer({ min: 1, max: 10_000 });
// Amounts from 1 wei to 10 million USDC, biased towards the small ones where rounding bites.
const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: USDC(10_000_000) }));
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("deposit" as const), lender, amount }),
  fc.record({ kind: fc.constant("mint" as const), lender, shares: amount }),
  fc.record({ kind: fc.constant("withdraw" as const), lender, fractionBps: fraction }),
  fc.record({ kind: fc.constant("redeem" as const), lender, fractionBps: fraction }),
  fc.record({ kind: fc.constant("borrow" as const), fractionBps: fraction }),
  fc.record({ kind: fc.constant("repay" as const), fractionBps: fraction }),
  fc.record({ kind: fc.constant("repayAll" as const) }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 400 * 86_400 }) }),
);

const part = (value: bigint, fractionBps: number) => (value * BigInt(fractionBps)) / 10_000n;

/** Runs one operation; reverts are fine (the pool refusing is allowed), what matters is the state after. */
async function apply(fixture: Fixture, op: Operation): Promise<void> {
  const { pool, borrower } = fixture;
  const lenders = [fixture.alice, fixture.bob, fixture.carol];
  const tx = async () => {
    switch (op.kind) {
      case "deposit":
        return pool.connect(lenders[op.lender]).deposit(op.amount, lenders[op.lender].address);
      case "mint":
        return pool.connect(lenders[op.lender]).mint(op.shares, lenders[op.lender].address);
      case "withdraw": {
        const who = lenders[op.lender];
        return pool.connect(who).withdraw(part(await pool.maxWithdraw(who.address), op.fractionBps), who.address, who.address);
      }
      case "redeem": {
        const who = lenders[op.lender];
        return pool.connect(who).redeem(part(await pool.maxRedeem(who.address), op.fractionBps), who.address, who.address);
      }
      case "borrow":
        return pool.connect(borrower).borrow(part(await pool.cash(), op.fractionBps));
      case "repay":
        return pool.connect(borrower).repay(borrower.address, part(await pool.borrowBalance(borrower.address), op.fractionBps));
      case "repayAll":
        return pool.connect(borrower).repay(borrower.address, ethers.MaxUint256);
      case "wait":
        return time.increase(op.seconds);
    }
  };
  try {
    await tx();
  } catch (error) {
    // Only the pool's own named refusals are acceptable; anything else (a panic, an overflow) fails the property.
    const message = String((error as Error).message);
    if (!/ZeroAmount|ZeroShares|InsufficientCash|UnknownBorrower|ERC4626Exceeded/.test(message)) throw error;
  }
}

/** The solvency invariant: what the pool holds and is owed covers every lender's redeemable value plus reserves. */
async function assertSolvent(fixture: Fixture): Promise<void> {
  const { pool, token, borrower } = fixture;
  const lenders = [fixture.alice, fixture.bob, fixture.carol];
  const cash = await pool.cash();
  const owed = await pool.borrowBalance(borrower.address);
  const reserves = await pool.reserves();
  let redeemable = 0n;
  for (const who of lenders) redeemable += await pool.previewRedeem(await pool.balanceOf(who.address));
  expect(cash + owed).to.be.greaterThanOrEqual(redeemable + reserves, "assets cover lenders plus reserves");
  expect(await token.balanceOf(await pool.getAddress())).to.be.greaterThanOrEqual(cash, "tokens held cover tracked cash");
  // With one borrower, the pool's total debt is exactly that borrower's debt: no debt appears or vanishes.
  expect(await pool.totalBorrows()).to.be.lessThanOrEqual(owed);
}

describe("LendingPool rounding favours the pool (property-based)", () => {
  it("stays solvent through random deposit/mint/withdraw/redeem/borrow/repay/wait sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 30 }), async (operations) => {
        const fixture = await loadFixture(stablecoinPoolFixture);
        for (const op of operations) {
          await apply(fixture, op);
          await assertSolvent(fixture);
        }
        // Wind down: the borrower repays everything, then every lender can leave with what the pool says it owns.
        const { pool, borrower } = fixture;
        if ((await pool.borrowBalance(borrower.address)) > 0n) {
          await pool.connect(borrower).repay(borrower.address, ethers.MaxUint256);
        }
        for (const who of [fixture.alice, fixture.bob, fixture.carol]) {
          const shares = await pool.balanceOf(who.address);
          if (shares > 0n && (await pool.previewRedeem(shares)) > 0n) {
            await pool.connect(who).redeem(shares, who.address, who.address);
          }
        }
        expect(await pool.cash()).to.be.greaterThanOrEqual(await pool.reserves());
      }),
      { numRuns: 40 },
    );
  });
});

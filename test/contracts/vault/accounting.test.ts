import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { Contract, Signer } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { advanceDays, FAR_FUTURE, lensOf, USDC, vaultStackFixture } from "./fixtures";
import { getAmountOut, sqrt } from "../../../lib/vaultMath";

/** Every error LeveragedVault itself declares: the only refusals a random step may meet. */
const VAULT_ERRORS = [
  "ZeroAmount",
  "ZeroAddress",
  "DeadlineExpired",
  "VaultPaused",
  "NotGuardian",
  "UnknownPosition",
  "NotPositionOwner",
  "WrongToken",
  "LeverageTooHigh",
  "WorkFactorExceeded",
  "VaultDebtCapExceeded",
  "PriceDeviationTooHigh",
  "InsufficientLiquidityMinted",
  "SlippageExceeded",
  "HarvestSlippageExceeded",
  "PositionHealthy",
  "InsufficientProceeds",
  "FractionOutOfRange",
  "InvalidRiskParameters",
  "UpgradeChangesPair",
  "PositionTooSmall",
  "InsufficientSharesMinted",
  "SwapOutsideOracleBound",
  "HarvestNothingSellable",
];

/** The vault and the modules it delegates to: a refusal must come from one of them, not from a pool. */
const VAULT_FRAMES = ["StakingRewardsVault", "StakingRewardsVaultEntries", "StakingRewardsVaultExits", "StakingRewardsVaultHarvest"];

/** The vault stack, with the farmers topped up so no random step runs out of tokens, and an arbitrageur (the
 *  fixture's liquidator) who keeps the pairs at the oracle's prices, as arbitrage does on a real chain. */
async function accountingFixture() {
  const fixture = await vaultStackFixture();
  const { deployer, liquidator: arbitrageur, alice, bob, carol, tokens, stable } = fixture;
  for (const who of [alice, bob, carol, arbitrageur]) {
    for (const token of [tokens.USDC, tokens.USDT]) {
      for (let i = 0; i < 3; i++) await token.connect(who).faucet(USDC(100_000));
    }
  }
  await tokens.FLUX.connect(deployer).transfer(arbitrageur.address, ethers.parseUnits("500000", 18));
  const vault = stable.vault;
  const pool0 = await ethers.getContractAt("LendingPool", await vault.pool0());
  const pool1 = await ethers.getContractAt("LendingPool", await vault.pool1());
  const token0 = await ethers.getContractAt("FaucetToken", await vault.token0());
  const token1 = await ethers.getContractAt("FaucetToken", await vault.token1());
  return { ...fixture, arbitrageur, farmers: [alice, bob, carol], vault, pool0, pool1, token0, token1 };
}

type Fixture = Awaited<ReturnType<typeof accountingFixture>>;

/** One step of a random session on the stable vault. Dollar amounts are whole USDC/USDT, small
 *  enough against the pair's $2M a side that one step moves its price by well under the 1% the vault tolerates. */
type Operation =
  | { kind: "open"; farmer: number; side: 0 | 1 | 2; leverageTenths: number; supply: number }
  | { kind: "increase"; pick: number; collateral0: number; collateral1: number; borrowToken1: boolean; borrow: number }
  | { kind: "repayDebt"; pick: number; fraction0Bps: number; fraction1Bps: number; inFull: boolean }
  | { kind: "closePart"; pick: number; fractionBps: number; receiveAs: number }
  | { kind: "closeAll"; pick: number; receiveAs: number }
  | { kind: "harvest" }
  | { kind: "wait"; days: number }
  | { kind: "arbitrage" };

const pick = fc.nat({ max: 1_000 });
const receiveAs = fc.integer({ min: 0, max: 2 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      farmer: fc.integer({ min: 0, max: 2 }),
      side: fc.constantFrom(0 as const, 1 as const, 2 as const),
      leverageTenths: fc.integer({ min: 10, max: 90 }),
      supply: fc.integer({ min: 50, max: 1_500 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("increase" as const),
      pick,
      collateral0: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000 })),
      collateral1: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000 })),
      borrowToken1: fc.boolean(),
      borrow: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_500 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("repayDebt" as const),
      pick,
      fraction0Bps: fc.integer({ min: 0, max: 10_000 }),
      fraction1Bps: fc.integer({ min: 0, max: 10_000 }),
      inFull: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("closePart" as const), pick, fractionBps: fc.integer({ min: 1, max: 9_999 }), receiveAs }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("closeAll" as const), pick, receiveAs }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("harvest" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("arbitrage" as const) }) },
);

/** Moves a pair's price back to the oracle's by one swap from the arbitrageur (fees make it land just short). */
async function arbitrage(fixture: Fixture, pair: Contract) {
  const { arbitrageur } = fixture;
  const oracle = fixture.farming.oracle;
  const [reserve0, reserve1] = await pair.getReserves();
  const [r0, r1] = [BigInt(reserve0), BigInt(reserve1)];
  const tokenA = await ethers.getContractAt("FaucetToken", await pair.token0());
  const tokenB = await ethers.getContractAt("FaucetToken", await pair.token1());
  const [price0, price1] = [await oracle.priceOf(await tokenA.getAddress()), await oracle.priceOf(await tokenB.getAddress())];
  const [unit0, unit1] = [10n ** (await tokenA.decimals()), 10n ** (await tokenB.decimals())];
  // At the oracle price r1 / r0 = (price0 / unit0) / (price1 / unit1); along r0 * r1 = k that is r0 = sqrt(k / ratio).
  const target0 = sqrt((r0 * r1 * price1 * unit0) / (price0 * unit1));
  const swapper = pair.connect(arbitrageur) as Contract;
  if (target0 > r0) {
    const amountIn = target0 - r0;
    const out = getAmountOut(amountIn, r0, r1);
    if (out === 0n) return;
    await tokenA.connect(arbitrageur).transfer(await pair.getAddress(), amountIn);
    await swapper.swap(0n, out, arbitrageur.address, "0x");
  } else {
    const target1 = (r0 * r1) / target0;
    if (target1 <= r1) return;
    const amountIn = target1 - r1;
    const out = getAmountOut(amountIn, r1, r0);
    if (out === 0n) return;
    await tokenB.connect(arbitrageur).transfer(await pair.getAddress(), amountIn);
    await swapper.swap(out, 0n, arbitrageur.address, "0x");
  }
}

/** The position a step acts on and its owner; null when there is none. Any id ever opened, closed ones included
 *  (adding to a closed position reopens it), or with `live` only positions that still hold LP shares: closing an
 *  emptied position again is its own test below. */
async function positionFor(fixture: Fixture, pickIndex: number, live = false): Promise<{ id: bigint; owner: Signer } | null> {
  const { vault } = fixture;
  const candidates: Array<{ id: bigint; owner: string }> = [];
  for (let id = 1n; id <= (await vault.lastPositionId()); id++) {
    const position = await vault.positions(id);
    if (!live || position.lpShares > 0n) candidates.push({ id, owner: position.owner });
  }
  if (candidates.length === 0) return null;
  const { id, owner: ownerAddress } = candidates[pickIndex % candidates.length];
  const owner = fixture.farmers.find((farmer) => farmer.address === ownerAddress);
  if (!owner) throw new Error(`position ${id} is owned by ${ownerAddress}, not one of the farmers`);
  return { id, owner };
}

const part = (value: bigint, fractionBps: number) => (value * BigInt(fractionBps)) / 10_000n;
const lesser = (a: bigint, b: bigint) => (a < b ? a : b);

/** Runs one step. Returns "ok", or the name of the vault's own error that refused it; anything else throws. */
async function apply(fixture: Fixture, op: Operation): Promise<string> {
  const { vault } = fixture;
  const run = async (): Promise<unknown> => {
    switch (op.kind) {
      case "open": {
        const supply = USDC(op.supply);
        const borrow = (supply * BigInt(op.leverageTenths - 10)) / 10n;
        const params =
          op.side === 0
            ? { amount0: supply, amount1: 0n, borrow0: 0n, borrow1: borrow }
            : op.side === 1
              ? { amount0: 0n, amount1: supply, borrow0: borrow, borrow1: 0n }
              : { amount0: supply / 2n, amount1: supply / 2n, borrow0: borrow / 2n, borrow1: borrow / 2n };
        return vault.connect(fixture.farmers[op.farmer]).open({ ...params, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
      }
      case "increase": {
        const target = await positionFor(fixture, op.pick);
        if (!target) return;
        const borrow = USDC(op.borrow);
        return vault.connect(target.owner).increase(target.id, {
          amount0: USDC(op.collateral0),
          amount1: USDC(op.collateral1),
          borrow0: op.borrowToken1 ? 0n : borrow,
          borrow1: op.borrowToken1 ? borrow : 0n,
          minShares: 0n, minLp: 0,
          deadline: FAR_FUTURE,
        });
      }
      case "repayDebt": {
        const target = await positionFor(fixture, op.pick);
        if (!target) return;
        const view = await vault.positionView(target.id);
        const address = await target.owner.getAddress();
        // Never more than the wallet holds (a shortfall there is the token's refusal, not the vault's).
        const wallet0 = await fixture.token0.balanceOf(address);
        const wallet1 = await fixture.token1.balanceOf(address);
        const amount0 = op.inFull ? (view.debt0 * 2n <= wallet0 ? ethers.MaxUint256 : wallet0 / 2n) : lesser(part(view.debt0, op.fraction0Bps), wallet0);
        const amount1 = op.inFull ? (view.debt1 * 2n <= wallet1 ? ethers.MaxUint256 : wallet1 / 2n) : lesser(part(view.debt1, op.fraction1Bps), wallet1);
        return vault.connect(target.owner).repayDebt(target.id, amount0, amount1);
      }
      case "closePart":
      case "closeAll": {
        const target = await positionFor(fixture, op.pick, true);
        if (!target) return;
        return vault.connect(target.owner).close({
          positionId: target.id,
          fractionBps: op.kind === "closeAll" ? 10_000 : op.fractionBps,
          receiveAs: op.receiveAs,
          minAmount0: 0,
          minAmount1: 0,
          deadline: FAR_FUTURE,
        });
      }
      case "harvest":
        return vault.connect(fixture.carol).harvest(0n);
      case "wait":
        return advanceDays(fixture, op.days);
      case "arbitrage":
        await arbitrage(fixture, fixture.stable.pair);
        return arbitrage(fixture, fixture.farming.fluxPair);
    }
  };
  try {
    await run();
    return "ok";
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    const name = /reverted with custom error '(\w+)\(/.exec(message)?.[1];
    if (name === undefined || !VAULT_ERRORS.includes(name)) throw error;
    // A pool shares some names with the vault (ZeroAmount): the innermost Solidity frame must be the vault itself.
    const frame = /\n\s+at (\w+)\.\w+ \(contracts\//.exec(String((error as Error).stack))?.[1];
    if (frame !== undefined && !VAULT_FRAMES.includes(frame)) throw error;
    return name;
  }
}

/** The accounting invariants, all read in one block so interest cannot move between the reads. */
async function checkAccounting(fixture: Fixture, label: string) {
  const { vault, pool0, pool1, token0, token1, stable } = fixture;
  const at = { blockTag: await ethers.provider.getBlockNumber() };
  const vaultAddress = await vault.getAddress();
  const last = await vault.lastPositionId(at);
  const views = last === 0n ? [] : await lensOf(fixture).positionViews(await vault.getAddress(), 1, last, at);
  expect(views.length, label).to.equal(Number(last));

  let [debt0, debt1, debtShares0, debtShares1, lpShares, lpAmount] = [0n, 0n, 0n, 0n, 0n, 0n];
  let [indebted0, indebted1, holders] = [0n, 0n, 0n];
  for (let id = 1n; id <= last; id++) {
    const position = await vault.positions(id, at);
    const view = views[Number(id - 1n)];
    debt0 += view.debt0;
    debt1 += view.debt1;
    debtShares0 += position.debtShares0;
    debtShares1 += position.debtShares1;
    lpShares += position.lpShares;
    lpAmount += view.lpAmount;
    if (position.debtShares0 > 0n) indebted0 += 1n;
    if (position.debtShares1 > 0n) indebted1 += 1n;
    if (position.lpShares > 0n) holders += 1n;
  }
  const [totalLp, totalLpShares] = await vault.totals(at);

  // The positions' debt shares are exactly the vault's borrow shares in each pool.
  expect(debtShares0, `${label}: token-0 debt shares`).to.equal((await pool0.borrowerAccount(vaultAddress, at)).borrowShares);
  expect(debtShares1, `${label}: token-1 debt shares`).to.equal((await pool1.borrowerAccount(vaultAddress, at)).borrowShares);
  // Each position's debt rounds up on its own, the pool's total once: the sum is at least the pool's figure and
  // exceeds it by less than one wei per indebted position.
  const owed0 = await pool0.borrowBalance(vaultAddress, at);
  const owed1 = await pool1.borrowBalance(vaultAddress, at);
  expect(debt0 - owed0, `${label}: sum of debt0 ${debt0} vs pool0.borrowBalance ${owed0}`).to.be.within(0n, indebted0 > 0n ? indebted0 - 1n : 0n);
  expect(debt1 - owed1, `${label}: sum of debt1 ${debt1} vs pool1.borrowBalance ${owed1}`).to.be.within(0n, indebted1 > 0n ? indebted1 - 1n : 0n);
  // LP shares add up exactly; the LP they are worth never exceeds what the vault holds and falls short of it by
  // less than one wei per holder (each position's LP rounds down). With no shares left, a harvest may still have
  // compounded rewards the closed positions earned into LP that nobody holds until the next open takes it.
  expect(lpShares, `${label}: sum of lpShares`).to.equal(totalLpShares);
  if (holders > 0n) {
    expect(totalLp - lpAmount, `${label}: LP of the positions ${lpAmount} vs totalLp ${totalLp}`).to.be.within(0n, holders - 1n);
  } else {
    expect(lpAmount, `${label}: LP of positions without shares`).to.equal(0n);
  }
  // The vault's books match the farm's, and the vault keeps nothing unstaked or unsent.
  expect(totalLp, `${label}: totalLp vs farm.balanceOf(vault)`).to.equal(await stable.farm.balanceOf(vaultAddress, at));
  expect(await stable.pair.balanceOf(vaultAddress, at), `${label}: loose LP in the vault`).to.equal(0n);
  // Tokens stay in the vault only as what it keeps for an account to claim; reward tokens also as a harvest's carry
  // (sold by the next harvest). Rewards still in the farm are the vault's too (claim collects them), so the reward
  // balance plus the farm's earned() back every claim.
  const claimable = async (token: { getAddress(): Promise<string> }) => {
    let total = 0n;
    for (const account of fixture.farmers) total += await vault.claimable(await token.getAddress(), account.address, at);
    return total;
  };
  expect(await token0.balanceOf(vaultAddress, at), `${label}: loose token 0 in the vault`).to.equal(await claimable(token0));
  expect(await token1.balanceOf(vaultAddress, at), `${label}: loose token 1 in the vault`).to.equal(await claimable(token1));
  const rewardBalance = (await fixture.tokens.FLUX.balanceOf(vaultAddress, at)) + (await stable.farm.earned(vaultAddress, at));
  expect(rewardBalance, `${label}: reward kept in the vault vs the rewards credited to farmers`).to.be.gte(await claimable(fixture.tokens.FLUX));
}

/** Closes every position in full and checks the vault then owes the pools nothing and has no LP shares left. */
async function windDown(fixture: Fixture) {
  const { vault, pool0, pool1 } = fixture;
  const last = await vault.lastPositionId();
  for (let id = 1n; id <= last; id++) {
    const position = await vault.positions(id);
    if (position.lpShares === 0n && position.debtShares0 === 0n && position.debtShares1 === 0n) continue;
    // Each close may swap for its repayment; the market puts the price back in between.
    await arbitrage(fixture, fixture.stable.pair);
    const owner = fixture.farmers.find((farmer) => farmer.address === position.owner)!;
    await vault.connect(owner).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
  }
  await checkAccounting(fixture, "after closing every position");
  const vaultAddress = await vault.getAddress();
  expect(await pool0.borrowBalance(vaultAddress)).to.equal(0n);
  expect(await pool1.borrowBalance(vaultAddress)).to.equal(0n);
  expect((await vault.totals()).totalLpShares).to.equal(0n);
}

describe("LeveragedVault accounting (property-based)", () => {
  it("keeps the positions' debts, LP shares and the staked LP equal to the pools' and the vault's totals", async () => {
    const outcomes = new Map<string, Map<string, number>>();
    let compounded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 15, maxLength: 25 }), async (operations) => {
        const fixture = await loadFixture(accountingFixture);
        await checkAccounting(fixture, "at the start");
        for (const [step, op] of operations.entries()) {
          const totalLpBefore = op.kind === "harvest" ? (await fixture.vault.totals()).totalLp : 0n;
          const outcome = await apply(fixture, op);
          if (op.kind === "harvest" && outcome === "ok" && (await fixture.vault.totals()).totalLp > totalLpBefore) compounded += 1;
          const byKind = outcomes.get(op.kind) ?? new Map<string, number>();
          byKind.set(outcome, (byKind.get(outcome) ?? 0) + 1);
          outcomes.set(op.kind, byKind);
          await checkAccounting(fixture, `after step ${step} ${JSON.stringify(op)} (${outcome})`);
        }
        await windDown(fixture);
      }),
      // Shrinking replays whole sessions against the chain: cap it so a failure reports its counterexample well
      // inside mocha's timeout instead of timing out.
      { numRuns: 15, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
    // The sessions did real work: every kind of step went through at least once and a harvest compounded rewards.
    for (const kind of ["open", "increase", "repayDebt", "closePart", "closeAll", "harvest", "wait", "arbitrage"]) {
      expect(outcomes.get(kind)?.get("ok") ?? 0, `successful ${kind} steps`).to.be.greaterThan(0);
    }
    expect(compounded, "harvests that compounded rewards").to.be.greaterThan(0);
  });

  it("closes an emptied position again without touching the books, also once no position holds LP shares", async () => {
    const fixture = await loadFixture(accountingFixture);
    const { vault, alice, bob } = fixture;
    const fullClose = (positionId: bigint) => ({ positionId, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    await vault.connect(alice).open({ amount0: USDC(1_000), amount1: 0, borrow0: 0, borrow1: USDC(2_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    await vault.connect(bob).open({ amount0: 0, amount1: USDC(1_000), borrow0: USDC(1_000), borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    await vault.connect(alice).close(fullClose(1n));
    // Bob still holds shares: closing alice's empty position again removes nothing, repays nothing, pays nothing.
    await expect(vault.connect(alice).close(fullClose(1n))).to.emit(vault, "PositionDecreased").withArgs(1, 0, 0, 0, 0, 0);
    await checkAccounting(fixture, "after closing an empty position next to a live one");

    await vault.connect(bob).close(fullClose(2n));
    expect((await vault.totals()).totalLpShares).to.equal(0n);
    // With no shares left in the vault, the same call must not fail on a division by zero (Panic 0x12) in the
    // LP-share arithmetic: at most the vault's own named refusal, and no tokens move.
    const before = [await fixture.token0.balanceOf(alice.address), await fixture.token1.balanceOf(alice.address)];
    await expect(vault.connect(alice).close(fullClose(1n))).not.to.be.revertedWithPanic();
    await expect(vault.connect(alice).close({ ...fullClose(1n), fractionBps: 5_000 })).not.to.be.revertedWithPanic();
    expect([await fixture.token0.balanceOf(alice.address), await fixture.token1.balanceOf(alice.address)]).to.deep.equal(before);
    await checkAccounting(fixture, "after closing an empty position in an empty vault");
  });
});

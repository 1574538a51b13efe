import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { stablecoinPoolFixture, USDC } from "./fixtures";
import { mulWadUp } from "../../../lib/math";
import { LIQUIDATION_INCENTIVE_BPS, writeOffIncentive } from "../../../lib/pools";

describe("LendingPool share-exact repayment and bad debt", () => {
  it("repays an exact number of borrow shares for their value rounded up", async () => {
    const { pool, token, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(300_000));
    await pool.connect(borrower).borrow(USDC(200_000));
    await time.increase(90 * 86_400);
    const { borrowShares } = await pool.borrowerAccount(borrower.address);
    const part = borrowShares / 3n;
    const before = await token.balanceOf(borrower.address);
    await expect(pool.connect(borrower).repayShares(borrower.address, part)).to.emit(pool, "Repay");
    const paid = before - (await token.balanceOf(borrower.address));
    expect(paid).to.equal(mulWadUp(part, await pool.borrowIndex()));
    expect((await pool.borrowerAccount(borrower.address)).borrowShares).to.equal(borrowShares - part);
    await expect(pool.connect(borrower).repayShares(borrower.address, borrowShares))
      .to.be.revertedWithCustomError(pool, "RepayExceedsDebt")
      .withArgs(borrower.address, borrowShares, borrowShares - part);
  });

  it("charges bad debt to the insurance reserve first, then to lenders, and says so", async () => {
    const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(900_000));
    await time.increase(365 * 86_400);
    await pool.accrueInterest();
    const reserves = await pool.reserves();
    expect(reserves).to.be.greaterThan(USDC(3_000));

    // A small loss: the reserve covers all of it and lenders lose nothing.
    const lenderBefore = await pool.balanceOfUnderlying(alice.address);
    const smallShares = 1_000n * 10n ** 6n;
    const smallAmount = mulWadUp(smallShares, await pool.borrowIndex());
    await expect(pool.connect(borrower).writeOffBadDebt(smallShares, ethers.ZeroAddress))
      .to.emit(pool, "BadDebtWrittenOff")
      .withArgs(
        borrower.address,
        (amount: bigint) => amount >= smallAmount && amount <= smallAmount + 100n,
        (covered: bigint) => covered >= smallAmount,
        0,
        ethers.ZeroAddress,
        0,
      );
    expect(await pool.balanceOfUnderlying(alice.address)).to.be.closeTo(lenderBefore, USDC(1) / 100n);
    expect(await pool.reserves()).to.be.closeTo(reserves - smallAmount, USDC(1) / 100n);

    // A large loss: the reserve is emptied and lenders take the rest, pro rata.
    const { borrowShares } = await pool.borrowerAccount(borrower.address);
    const half = borrowShares / 2n;
    const tx = pool.connect(borrower).writeOffBadDebt(half, ethers.ZeroAddress);
    await expect(tx).to.emit(pool, "BadDebtWrittenOff");
    const receipt = await (await tx).wait();
    const event = pool.interface.parseLog(receipt!.logs.find((log) => log.topics[0] === pool.interface.getEvent("BadDebtWrittenOff").topicHash)!)!;
    const [, amount, covered, lost] = event.args as unknown as [string, bigint, bigint, bigint];
    expect(covered + lost).to.equal(amount);
    expect(lost).to.be.greaterThan(USDC(400_000));
    expect(await pool.reserves()).to.equal(0n);
    const lenderAfter = await pool.balanceOfUnderlying(alice.address);
    expect(lenderBefore - lenderAfter).to.be.closeTo(lost, USDC(1));
  });

  it("only writes off the caller's own debt", async () => {
    const { pool, alice, borrower, stranger } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000), alice.address);
    await pool.connect(borrower).borrow(USDC(100));
    await expect(pool.connect(stranger).writeOffBadDebt(1n, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(pool, "RepayExceedsDebt")
      .withArgs(stranger.address, 1n, 0n);
  });
});

describe("LendingPool write-off incentive: a share of the bad debt cleared, capped, from the reserve above its floor", () => {
  /** 1,000,000 USDC lent, 500,000 borrowed, a 10,000 USDC reserve deposited, a 50 USDC cap per write-off. */
  async function incentiveFixture() {
    const base = await stablecoinPoolFixture();
    const { pool, owner, alice, borrower, token } = base;
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await token.connect(owner).faucet(USDC(10_000));
    await token.connect(owner).approve(await pool.getAddress(), ethers.MaxUint256);
    await pool.connect(owner).depositReserves(USDC(10_000));
    await pool.connect(owner).setLiquidationIncentive(USDC(50));
    await pool.connect(borrower).borrow(USDC(500_000));
    return base;
  }

  async function writeOff(fixture: Awaited<ReturnType<typeof incentiveFixture>>, shares: bigint) {
    const { pool, borrower, stranger, token } = fixture;
    const before = await token.balanceOf(stranger.address);
    const receipt = await (await pool.connect(borrower).writeOffBadDebt(shares, stranger.address)).wait();
    const log = receipt!.logs.find((entry) => entry.topics[0] === pool.interface.getEvent("BadDebtWrittenOff").topicHash)!;
    const [, amount, covered, lost, recipient, incentive] = pool.interface.parseLog(log)!.args as unknown as [string, bigint, bigint, bigint, string, bigint];
    expect(recipient).to.equal(stranger.address);
    expect((await token.balanceOf(stranger.address)) - before).to.equal(incentive);
    return { amount, covered, lost, incentive };
  }

  it("pays 5% of the amount written off, rounded down: nothing for a few wei, 5 USDC for 100, the 50 USDC cap for 2,000", async () => {
    const fixture = await loadFixture(incentiveFixture);
    expect(await fixture.pool.LIQUIDATION_INCENTIVE_BPS()).to.equal(LIQUIDATION_INCENTIVE_BPS); // lib/pools.ts mirrors it
    const dust = await writeOff(fixture, 10n);
    expect(dust.amount).to.be.lessThan(20n); // 10-11 wei of bad debt: 5% rounds to nothing
    expect(dust.incentive).to.equal(0n);
    const hundred = await writeOff(fixture, USDC(100));
    expect(hundred.incentive).to.equal((hundred.amount * 500n) / 10_000n);
    expect(hundred.incentive).to.be.within(USDC(5), USDC(5) + 1n);
    const large = await writeOff(fixture, USDC(2_000));
    expect(large.incentive).to.equal(USDC(50));
    console.log(`    write-offs of ${dust.amount} wei, ${Number(hundred.amount) / 1e6} and ${Number(large.amount) / 1e6} USDC paid ${dust.incentive}, ${Number(hundred.incentive) / 1e6} and ${Number(large.incentive) / 1e6} USDC`);
  });

  it("splitting one write-off into 20 pays no more in total", async () => {
    const fixture = await loadFixture(incentiveFixture);
    const snapshot = await takeSnapshot();
    const whole = await writeOff(fixture, USDC(600));
    await snapshot.restore();
    let split = 0n;
    let splitAmount = 0n;
    for (let i = 0; i < 20; i++) {
      const part = await writeOff(fixture, USDC(30));
      split += part.incentive;
      splitAmount += part.amount;
    }
    console.log(`    one write-off of ${Number(whole.amount) / 1e6} USDC paid ${Number(whole.incentive) / 1e6}; twenty of 30 (${Number(splitAmount) / 1e6}) paid ${Number(split) / 1e6}`);
    expect(split).to.be.at.most((splitAmount * 500n) / 10_000n);
    expect(split).to.be.at.most(whole.incentive + 20n); // a wei of the later writes' accrual each
  });

  it("pays only out of the reserve above its floor, after covering the loss, and never below it", async () => {
    const fixture = await loadFixture(incentiveFixture);
    const { pool, owner } = fixture;
    await pool.accrueInterest();
    // The floor sits 3 USDC under what the reserve keeps after covering a 1,000 USDC write-off (plus a little for
    // the accrual of the write-off's own block).
    const reserves = await pool.reserves();
    const amount = mulWadUp(USDC(1_000), await pool.borrowIndex());
    await pool.connect(owner).setReserveFloor(reserves - amount - USDC(3));
    const floor = (await pool.configuration()).reserveFloor;
    const mirror = writeOffIncentive(amount, { reserves, reserveFloor: floor, cash: await pool.cash(), cap: await pool.liquidationIncentive() });
    const { covered, incentive, lost } = await writeOff(fixture, USDC(1_000));
    expect(incentive).to.be.closeTo(mirror, USDC(1) / 100n); // the mirror, but for the write-off block's accrual
    expect(lost).to.equal(0n);
    expect(covered).to.be.greaterThan(USDC(1_000));
    expect(incentive).to.be.within(USDC(3), USDC(3) + USDC(1) / 100n); // not the 50 USDC share: the floor binds
    expect(await pool.reserves()).to.be.closeTo(floor, 1_000n);
    expect(await pool.reserves()).to.be.at.least(floor);
    // At the floor: the reserve still covers bad debt (lenders lose nothing) but pays no incentive.
    const atFloor = await writeOff(fixture, USDC(100));
    expect(atFloor.incentive).to.equal(0n);
    expect(atFloor.covered).to.equal(atFloor.amount);
    // With no recipient nothing is paid at all.
    const { pool: p, borrower } = fixture;
    await expect(p.connect(borrower).writeOffBadDebt(USDC(1), ethers.ZeroAddress)).to.emit(p, "BadDebtWrittenOff").withArgs(borrower.address, anyValue, anyValue, 0, ethers.ZeroAddress, 0);
  });
});

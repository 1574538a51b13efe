import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { constantRatePoolFixture, stablecoinPoolFixture, USDC } from "./fixtures";
import {
  accrueInterest,
  borrowRatePerSecond,
  mulWadUp,
  type PoolAccrualState,
  SECONDS_PER_YEAR,
  WAD,
} from "../../../lib/math";

const DAY = 86_400n;
const toNumber = (wad: bigint) => Number(wad) / 1e18;

async function readState(pool: Awaited<ReturnType<typeof stablecoinPoolFixture>>["pool"]): Promise<PoolAccrualState> {
  return {
    cash: await pool.cash(),
    reserves: await pool.reserves(),
    borrowIndex: await pool.borrowIndex(),
    totalBorrowShares: await pool.totalBorrowShares(),
  };
}

describe("LendingPool interest accrual", () => {
  it("over one long period matches the closed form index = 1 + rate x time", async () => {
    const { pool, alice, borrower, rateModel } = await loadFixture(constantRatePoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(500_000));
    const ratePerSecond = borrowRatePerSecond(rateModel, 0n, 1n, 0n);
    // 5% a year spread over the seconds of a year, rounded up to the wei.
    expect(ratePerSecond).to.equal((WAD / 20n + SECONDS_PER_YEAR - 1n) / SECONDS_PER_YEAR);

    const start = BigInt(await time.latest());
    await time.setNextBlockTimestamp(start + SECONDS_PER_YEAR);
    await pool.accrueInterest();

    const index = await pool.borrowIndex();
    expect(index).to.equal(WAD + ratePerSecond * SECONDS_PER_YEAR);
    expect(toNumber(index)).to.be.closeTo(1.05, 1e-9);
    expect(await pool.borrowBalance(borrower.address)).to.equal(mulWadUp(USDC(500_000), index));
    expect(Number(await pool.totalBorrows()) / 1e6).to.be.closeTo(525_000, 0.001);
  });

  it("over many small steps compounds to (1 + rate x step)^n and approaches e^(rate x time)", async () => {
    const { pool, alice, borrower, rateModel } = await loadFixture(constantRatePoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(500_000));
    const ratePerSecond = borrowRatePerSecond(rateModel, 0n, 1n, 0n);

    let expectedIndex = WAD;
    let timestamp = BigInt(await time.latest());
    for (let day = 0; day < 365; day++) {
      timestamp += DAY;
      await time.setNextBlockTimestamp(timestamp);
      await pool.accrueInterest();
      expectedIndex += mulWadUp(expectedIndex, ratePerSecond * DAY);
    }
    const index = await pool.borrowIndex();
    expect(index).to.equal(expectedIndex);
    // Daily compounding of 5%: (1 + 0.05/365)^365.
    expect(toNumber(index)).to.be.closeTo(Math.pow(1 + 0.05 / 365, 365), 1e-9);
    expect(toNumber(index)).to.be.closeTo(Math.exp(0.05), 2e-4);
    // Compounding pays more than one simple accrual over the same year.
    expect(index).to.be.greaterThan(WAD + ratePerSecond * SECONDS_PER_YEAR);
  });

  it("follows the kinked model to the wei over irregular steps as utilization moves", async () => {
    const { pool, alice, bob, borrower, rateModel } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(880_000));
    const rateAtStart = await pool.borrowRatePerSecond();
    let timestamp = BigInt(await time.latest());
    const steps = [1n, 13n, 3_600n, DAY, 7n * DAY, 30n * DAY, 90n * DAY, 365n * DAY];
    for (const [i, step] of steps.entries()) {
      const before = await readState(pool);
      const expected = accrueInterest(before, rateModel, 1_000n, step);
      timestamp += step;
      await time.setNextBlockTimestamp(timestamp);
      await pool.accrueInterest();
      const after = await readState(pool);
      expect(after.borrowIndex).to.equal(expected.borrowIndex, `index after step ${i}`);
      expect(after.reserves).to.equal(expected.reserves, `reserves after step ${i}`);
      expect(await pool.totalBorrows()).to.equal(expected.totalBorrows);
      // Deposits between steps move utilization, and with it the rate.
      if (i % 2 === 0) await pool.connect(bob).deposit(USDC(10_000), bob.address), (timestamp = BigInt(await time.latest()));
    }
    // Interest and deposits moved utilization, and the model's rate with it: the replica tracked a moving rate.
    expect(await pool.borrowRatePerSecond()).to.not.equal(rateAtStart);
  });

  it("pays lenders borrow APR x utilization x (1 - reserve factor)", async () => {
    const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(700_000));
    await pool.accrueInterest();

    const borrowApr = toNumber(await pool.borrowRatePerYear());
    const supplyApr = toNumber(await pool.supplyRatePerYear());
    const utilization = toNumber(await pool.utilization());
    expect(utilization).to.be.closeTo(0.7, 1e-6);
    expect(supplyApr).to.be.closeTo(borrowApr * utilization * 0.9, 1e-9);

    // And the lender's balance really grows at that rate over a day.
    const before = await pool.balanceOfUnderlying(alice.address);
    await time.increase(Number(DAY));
    const after = await pool.balanceOfUnderlying(alice.address);
    const earned = Number(after - before) / 1e6;
    expect(earned).to.be.closeTo((1_000_000 * supplyApr) / 365, 0.01);
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { STABLECOIN_RATE_MODEL, VOLATILE_RATE_MODEL } from "../../../lib/pools";
import { borrowRatePerSecond, borrowRatePerYearAtUtilization, WAD } from "../../../lib/math";
import { deployRateModel } from "./fixtures";
import hre from "hardhat";

const percent = (value: number) => (BigInt(Math.round(value * 1e4)) * WAD) / 1_000_000n;

describe("KinkedRateModel", () => {
  it("draws the stablecoin curve: 0% at rest, 4% at the 90% kink, 60% when full", async () => {
    const model = await deployRateModel(hre, STABLECOIN_RATE_MODEL);
    expect(await model.borrowRatePerYearAtUtilization(0)).to.equal(0n);
    expect(await model.borrowRatePerYearAtUtilization(percent(45))).to.equal(percent(2));
    expect(await model.borrowRatePerYearAtUtilization(percent(90))).to.equal(percent(4));
    expect(await model.borrowRatePerYearAtUtilization(percent(95))).to.equal(percent(32));
    expect(await model.borrowRatePerYearAtUtilization(WAD)).to.equal(percent(60));
    expect(await model.borrowRatePerYearAtUtilization(2n * WAD)).to.equal(percent(60));
  });

  it("charges a volatile asset more than a stablecoin at every utilization", async () => {
    const stable = await deployRateModel(hre, STABLECOIN_RATE_MODEL);
    const volatile = await deployRateModel(hre, VOLATILE_RATE_MODEL);
    for (let u = 0; u <= 100; u += 5) {
      expect(await volatile.borrowRatePerYearAtUtilization(percent(u))).to.be.greaterThan(
        await stable.borrowRatePerYearAtUtilization(percent(u)),
      );
    }
  });

  it("agrees with the shared math to the wei, per year and per second", async () => {
    const model = await deployRateModel(hre, VOLATILE_RATE_MODEL);
    const states: Array<[bigint, bigint, bigint]> = [
      [1_000n, 0n, 0n],
      [1_000n, 3_000n, 10n],
      [1n, 999_999n, 0n],
      [0n, 5n, 7n],
      [123_456_789n, 987_654_321n, 1_234_567n],
    ];
    for (const [cash, borrows, reserves] of states) {
      expect(await model.borrowRatePerSecond(cash, borrows, reserves)).to.equal(
        borrowRatePerSecond(VOLATILE_RATE_MODEL, cash, borrows, reserves),
      );
    }
    for (let u = 0n; u <= WAD; u += WAD / 37n) {
      expect(await model.borrowRatePerYearAtUtilization(u)).to.equal(borrowRatePerYearAtUtilization(VOLATILE_RATE_MODEL, u));
    }
  });

  it("turns steep exactly at the kink: one wei past the optimal utilization already takes the steep slope", async () => {
    const model = await deployRateModel(hre, STABLECOIN_RATE_MODEL);
    const kink = STABLECOIN_RATE_MODEL.optimalUtilization;
    for (const u of [kink - 1n, kink, kink + 1n, kink + WAD / 200n, kink + WAD / 100n]) {
      expect(await model.borrowRatePerYearAtUtilization(u)).to.equal(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, u));
    }
    // 4% at the kink; one wei past it adds (60% - 4%) / 10% per unit of utilization, 5 wei a year after rounding down.
    expect(await model.borrowRatePerYearAtUtilization(kink)).to.equal(percent(4));
    expect(await model.borrowRatePerYearAtUtilization(kink + 1n)).to.equal(percent(4) + 5n);
    expect(await model.borrowRatePerYearAtUtilization(kink + WAD / 200n)).to.equal(percent(4) + percent(2.8));
  });

  it("rejects a misconfigured curve with a named error", async () => {
    const factory = await ethers.getContractFactory("KinkedRateModel");
    await expect(factory.deploy(0, percent(4), percent(60), 0)).to.be.revertedWithCustomError(factory, "OptimalUtilizationOutOfRange").withArgs(0);
    await expect(factory.deploy(0, percent(4), percent(60), WAD)).to.be.revertedWithCustomError(factory, "OptimalUtilizationOutOfRange");
    await expect(factory.deploy(percent(5), percent(4), percent(60), percent(90)))
      .to.be.revertedWithCustomError(factory, "RatesNotIncreasing")
      .withArgs(percent(5), percent(4), percent(60));
    await expect(factory.deploy(0, percent(4), 11n * WAD, percent(90)))
      .to.be.revertedWithCustomError(factory, "RateTooHigh")
      .withArgs(11n * WAD, 10n * WAD);
  });
});

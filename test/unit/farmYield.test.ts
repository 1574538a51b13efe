import { describe, expect, it } from "vitest";
import { SECONDS_PER_YEAR, WAD } from "../../lib/math";
import { averageBorrowApr, farmRewardApr, type FarmRewardInput } from "../../lib/farmYield";

// 1 FLUX a second at $0.50 is $15,768,000 a year; 100,000 LP at $1,000 is $100,000,000 staked: 15.768%.
const INPUT: FarmRewardInput = {
  rewardRatePerSecond: WAD,
  rewardDecimals: 18,
  rewardPriceWad: WAD / 2n,
  stakedLp: 100_000n * WAD,
  lpPriceWad: 1_000n * WAD,
  periodFinish: 2_000n,
  now: 1_000n,
};

describe("farmRewardApr", () => {
  it("is a year of rewards in USD over the USD value staked", () => {
    expect(farmRewardApr(INPUT)).toBeCloseTo((Number(SECONDS_PER_YEAR) * 0.5) / 100_000_000, 12);
  });

  it("scales the reward by its own decimals", () => {
    const sixDecimals = { ...INPUT, rewardRatePerSecond: 10n ** 6n, rewardDecimals: 6 };
    expect(farmRewardApr(sixDecimals)).toBeCloseTo(farmRewardApr(INPUT)!, 12);
  });

  it("is 0 once the reward period has ended and null when nothing is staked", () => {
    expect(farmRewardApr({ ...INPUT, now: 2_000n })).toBe(0);
    expect(farmRewardApr({ ...INPUT, stakedLp: 0n })).toBeNull();
  });
});

describe("averageBorrowApr", () => {
  it("is the mean of the two pools' rates", () => {
    expect(averageBorrowApr(0.04, 0.1)).toBeCloseTo(0.07, 12);
  });
});

import { describe, expect, it } from "vitest";
import { SECONDS_PER_YEAR, WAD } from "../../lib/math";
import {
  averageBorrowApr,
  farmRewardApr,
  lpYieldApr,
  tradingFeeApr,
  type FarmRewardInput,
  type TradingFeeInput,
} from "../../lib/farmYield";

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

// A WETH-USDC pair worth $4,000,000 that saw 1,000,000 USDC and 500 WETH ($1,000,000) swapped in over one day:
// $2,000,000 of volume pays $6,000 of fees a day, $2,190,000 a year, 54.75% of the liquidity.
const DAY = 86_400n;
const FEES: TradingFeeInput = {
  amount0In: 1_000_000n * 10n ** 6n,
  amount1In: 500n * WAD,
  price0Wad: WAD,
  price1Wad: 2_000n * WAD,
  decimals0: 6,
  decimals1: 18,
  windowSeconds: DAY,
  liquidityValueWad: 4_000_000n * WAD,
};

describe("tradingFeeApr", () => {
  it("is 0.3% of the volume in, at oracle prices, annualized over the window, over the pair's liquidity", () => {
    expect(tradingFeeApr(FEES)).toBeCloseTo(0.5475, 12);
  });

  it("annualizes by the window's length: the same volume over two days is half the rate", () => {
    expect(tradingFeeApr({ ...FEES, windowSeconds: 2n * DAY })).toBeCloseTo(0.5475 / 2, 12);
  });

  it("values each side at its own price and decimals", () => {
    // Only the WETH side: 500 WETH at $2,000 is half the volume.
    expect(tradingFeeApr({ ...FEES, amount0In: 0n })).toBeCloseTo(0.5475 / 2, 12);
    expect(tradingFeeApr({ ...FEES, amount1In: 0n, price0Wad: 2n * WAD })).toBeCloseTo(0.5475, 12);
  });

  it("is 0 with no swaps, and null with no window yet or no liquidity", () => {
    expect(tradingFeeApr({ ...FEES, amount0In: 0n, amount1In: 0n })).toBe(0);
    expect(tradingFeeApr({ ...FEES, windowSeconds: 0n })).toBeNull();
    expect(tradingFeeApr({ ...FEES, liquidityValueWad: 0n })).toBeNull();
  });
});

describe("lpYieldApr", () => {
  it("adds the farm's rewards and the pair's fees, counting an unknown one as 0", () => {
    expect(lpYieldApr(0.1, 0.05)).toBeCloseTo(0.15, 12);
    expect(lpYieldApr(null, 0.05)).toBeCloseTo(0.05, 12);
    expect(lpYieldApr(0.1, null)).toBeCloseTo(0.1, 12);
    expect(lpYieldApr(null, null)).toBeNull();
  });
});

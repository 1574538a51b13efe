import { describe, expect, it } from "vitest";
import { SECONDS_PER_YEAR, WAD } from "../../lib/math";
import {
  averageBorrowApr,
  DAY_SECONDS,
  farmRewardApr,
  isBeyondPlausibleBound,
  leveredNetYield,
  lpPerShareGrowthWad,
  lpYieldApr,
  PLAUSIBLE_RATE_BOUND,
  realizedApy,
  realizedYieldWindow,
  tradingFeeApr,
  tradingFeeWindow,
  tradingFeeYield,
  type FarmRewardInput,
  type TradingFeeInput,
  type YieldWindow,
} from "../../lib/farmYield";
import { formatTooYoung, formatWindow, formatYieldWindow } from "../../app/farms/formatWindow";

const HOUR = 3_600;
const DAY = DAY_SECONDS;

describe("tradingFeeWindow", () => {
  it("has no window for a deployment younger than 24 h, and says how old it is", () => {
    expect(tradingFeeWindow(19 * 60)).toEqual({ kind: "tooYoung", ageSeconds: 1_140, neededSeconds: DAY });
    expect(tradingFeeWindow(DAY - 1)).toEqual({ kind: "tooYoung", ageSeconds: DAY - 1, neededSeconds: DAY });
  });

  it("uses the last 24 h from one day of history up to seven, and 7 days from then on", () => {
    expect(tradingFeeWindow(DAY)).toEqual({ kind: "window", seconds: DAY, sinceDeployment: false });
    expect(tradingFeeWindow(3 * DAY)).toEqual({ kind: "window", seconds: DAY, sinceDeployment: false });
    expect(tradingFeeWindow(7 * DAY - 1)).toEqual({ kind: "window", seconds: DAY, sinceDeployment: false });
    expect(tradingFeeWindow(7 * DAY)).toEqual({ kind: "window", seconds: 7 * DAY, sinceDeployment: false });
    expect(tradingFeeWindow(8 * DAY)).toEqual({ kind: "window", seconds: 7 * DAY, sinceDeployment: false });
  });
});

describe("realizedYieldWindow", () => {
  it("is too young under 24 h, since deployment up to 7 days, and the last 7 days after", () => {
    expect(realizedYieldWindow(5 * HOUR)).toEqual({ kind: "tooYoung", ageSeconds: 5 * HOUR, neededSeconds: DAY });
    expect(realizedYieldWindow(3 * DAY)).toEqual({ kind: "window", seconds: 3 * DAY, sinceDeployment: true });
    expect(realizedYieldWindow(8 * DAY)).toEqual({ kind: "window", seconds: 7 * DAY, sinceDeployment: false });
  });
});

describe("the windows in words", () => {
  it("states the window and, for a young deployment, why there is no figure", () => {
    expect(formatYieldWindow({ kind: "window", seconds: 7 * DAY, sinceDeployment: false })).toBe("7 d");
    expect(formatYieldWindow({ kind: "window", seconds: DAY, sinceDeployment: false })).toBe("24 h");
    expect(formatYieldWindow({ kind: "window", seconds: 3 * DAY + 2 * HOUR, sinceDeployment: true })).toBe("since deployment, 3 d");
    expect(formatTooYoung({ kind: "tooYoung", ageSeconds: 19 * 60, neededSeconds: DAY })).toBe(
      "deployment is 19 minutes old; shown after 24 h of history",
    );
    expect(formatWindow(7 * DAY)).toBe("7 days");
    expect(formatWindow(30 * HOUR)).toBe("30 hours");
    expect(formatWindow(1)).toBe("1 second");
  });
});

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
    const apr = farmRewardApr(INPUT, 0n)!;
    expect(apr.rate).toBeCloseTo((Number(SECONDS_PER_YEAR) * 0.5) / 100_000_000, 12);
    expect(apr.stakedValueWad).toBe(100_000_000n * WAD);
    expect(apr.implausibleReason).toBeNull();
  });

  it("is lower after the farmer's own deposit: $100,000,000 staked plus $25,000,000 deposited pays 12.6144%", () => {
    const now = farmRewardApr(INPUT, 0n)!;
    const after = farmRewardApr(INPUT, 25_000_000n * WAD)!;
    expect(after.rate).toBeCloseTo(0.126144, 12);
    expect(after.rate).toBeLessThan(now.rate);
    expect(after.stakedValueWad).toBe(125_000_000n * WAD);
  });

  it("scales the reward by its own decimals", () => {
    const sixDecimals = { ...INPUT, rewardRatePerSecond: 10n ** 6n, rewardDecimals: 6 };
    expect(farmRewardApr(sixDecimals, 0n)!.rate).toBeCloseTo(farmRewardApr(INPUT, 0n)!.rate, 12);
  });

  it("is 0 once the reward period has ended and null when nothing is staked or deposited", () => {
    expect(farmRewardApr({ ...INPUT, now: 2_000n }, 0n)!.rate).toBe(0);
    expect(farmRewardApr({ ...INPUT, stakedLp: 0n }, 0n)).toBeNull();
    // The farmer's deposit alone is a stake: the rate it would earn, and a very high one.
    expect(farmRewardApr({ ...INPUT, stakedLp: 0n }, 1_000n * WAD)!.rate).toBeCloseTo(15_768, 6);
  });
});

describe("the plausibility bound", () => {
  // 1 FLUX a second at $1 is $31,536,000 a year: on exactly $3,153,600 staked that is exactly 1,000%.
  const AT_BOUND: FarmRewardInput = { ...INPUT, rewardPriceWad: WAD, stakedLp: 3_153_600n * WAD, lpPriceWad: WAD };

  it("is 1,000% a year", () => {
    expect(PLAUSIBLE_RATE_BOUND).toBe(10);
  });

  it("passes a figure exactly at the bound and flags the one a cent of stake less gives, with the reason", () => {
    const at = farmRewardApr(AT_BOUND, 0n)!;
    expect(at.rate).toBe(10);
    expect(at.implausibleReason).toBeNull();
    // $3,153,599.99 staked: 1,000.0000003% a year, just past the bound.
    const past = farmRewardApr({ ...AT_BOUND, stakedLp: AT_BOUND.stakedLp - 10n ** 16n }, 0n)!;
    expect(past.rate).toBeGreaterThan(10);
    expect(past.implausibleReason).toBe("the farm has only $3,153,599.99 staked; one deposit changes this a lot");
  });

  it("compares numbers the same way: at the bound is plausible, past it is not", () => {
    expect(isBeyondPlausibleBound(10)).toBe(false);
    expect(isBeyondPlausibleBound(10.0001)).toBe(true);
    expect(isBeyondPlausibleBound(10n * WAD)).toBe(false);
    expect(isBeyondPlausibleBound(10n * WAD + 1n)).toBe(true);
    expect(isBeyondPlausibleBound(Infinity)).toBe(true);
  });
});

describe("averageBorrowApr", () => {
  it("is the mean of the two pools' rates", () => {
    expect(averageBorrowApr(0.04, 0.1)).toBeCloseTo(0.07, 12);
  });
});

// A WETH-USDC pair worth $4,000,000 that saw 1,000,000 USDC and 500 WETH ($1,000,000) swapped in over one day:
// $2,000,000 of volume pays $6,000 of fees a day, $2,190,000 a year, 54.75% of the liquidity.
const FEES: TradingFeeInput = {
  amount0In: 1_000_000n * 10n ** 6n,
  amount1In: 500n * WAD,
  price0Wad: WAD,
  price1Wad: 2_000n * WAD,
  decimals0: 6,
  decimals1: 18,
  windowSeconds: BigInt(DAY),
  liquidityValueWad: 4_000_000n * WAD,
};

describe("tradingFeeApr", () => {
  it("is 0.3% of the volume in, at oracle prices, annualized over the window, over the pair's liquidity", () => {
    expect(tradingFeeApr(FEES)!.rate).toBeCloseTo(0.5475, 12);
  });

  it("annualizes by the window's length: the same volume over seven days is a seventh of the rate", () => {
    expect(tradingFeeApr({ ...FEES, windowSeconds: BigInt(7 * DAY) })!.rate).toBeCloseTo(0.5475 / 7, 12);
  });

  it("values each side at its own price and decimals", () => {
    // Only the WETH side: 500 WETH at $2,000 is half the volume.
    expect(tradingFeeApr({ ...FEES, amount0In: 0n })!.rate).toBeCloseTo(0.5475 / 2, 12);
    expect(tradingFeeApr({ ...FEES, amount1In: 0n, price0Wad: 2n * WAD })!.rate).toBeCloseTo(0.5475, 12);
  });

  it("is 0 with no swaps, and null with no window or no liquidity", () => {
    expect(tradingFeeApr({ ...FEES, amount0In: 0n, amount1In: 0n })!.rate).toBe(0);
    expect(tradingFeeApr({ ...FEES, windowSeconds: 0n })).toBeNull();
    expect(tradingFeeApr({ ...FEES, liquidityValueWad: 0n })).toBeNull();
  });

  it("flags a pair whose day of swaps is many times its liquidity", () => {
    // The same $2,000,000 of volume on $100,000 of liquidity: 2,190%.
    const thin = tradingFeeApr({ ...FEES, liquidityValueWad: 100_000n * WAD })!;
    expect(thin.rate).toBeCloseTo(21.9, 9);
    expect(thin.implausibleReason).toBe("$2,000,000.00 of swaps against only $100,000.00 of liquidity; trading that heavy rarely lasts a year");
  });
});

describe("tradingFeeYield", () => {
  const pricing = { price0Wad: FEES.price0Wad, price1Wad: FEES.price1Wad, decimals0: 6, decimals1: 18, liquidityValueWad: FEES.liquidityValueWad };

  it("annualizes over the window the deployment's age allows", () => {
    const window = tradingFeeWindow(3 * DAY);
    const measured = tradingFeeYield({ window, amount0In: FEES.amount0In, amount1In: FEES.amount1In, swapCount: 40 }, pricing);
    expect(measured.window).toEqual({ kind: "window", seconds: DAY, sinceDeployment: false });
    expect(measured.rate!.rate).toBeCloseTo(0.5475, 12);
  });

  it("gives no figure for a deployment 19 minutes old, whatever it traded", () => {
    const window = tradingFeeWindow(19 * 60);
    const measured = tradingFeeYield({ window, amount0In: FEES.amount0In, amount1In: FEES.amount1In, swapCount: 40 }, pricing);
    expect(measured).toEqual({ window, rate: null });
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

describe("realized APY from harvests", () => {
  // A vault with 1,000 LP harvested three times: +10 LP (1%), then +10.1 (1% of 1,010), then +10.201 (1% of 1,020.1).
  const HARVESTS = [
    { lpAdded: 10n * WAD, totalLp: 1_010n * WAD },
    { lpAdded: 10_100n * 10n ** 15n, totalLp: 1_020_100n * 10n ** 15n },
    { lpAdded: 10_201n * 10n ** 15n, totalLp: 1_030_301n * 10n ** 15n },
  ];

  it("multiplies LP per share by totalLp / (totalLp - lpAdded) at every harvest", () => {
    expect(lpPerShareGrowthWad(HARVESTS)).toBe(1_030_301n * 10n ** 12n); // 1.01^3
    expect(lpPerShareGrowthWad([])).toBe(WAD);
  });

  it("compounds the window's growth to a year: 3.0301% in 7 days", () => {
    const window = realizedYieldWindow(8 * DAY);
    const realized = realizedApy({ window, harvests: HARVESTS, vaultValueWad: 2_000_000n * WAD });
    expect(realized.window).toEqual({ kind: "window", seconds: 7 * DAY, sinceDeployment: false });
    expect(realized.rate!.rate).toBeCloseTo(1.030301 ** (365 / 7) - 1, 9);
    expect(realized.rate!.implausibleReason).toBeNull();
  });

  it("uses the time since deployment when the vault is younger than a week", () => {
    const window = realizedYieldWindow(3 * DAY);
    const realized = realizedApy({ window, harvests: HARVESTS.slice(0, 1), vaultValueWad: 2_000_000n * WAD });
    expect(realized.rate!.rate).toBeCloseTo(1.01 ** (365 / 3) - 1, 9);
  });

  it("is 0 with positions but no harvest, and has no figure with nobody in the vault or a day not yet passed", () => {
    expect(realizedApy({ window: realizedYieldWindow(3 * DAY), harvests: [], vaultValueWad: WAD }).rate!.rate).toBe(0);
    expect(realizedApy({ window: realizedYieldWindow(3 * DAY), harvests: [], vaultValueWad: 0n }).rate).toBeNull();
    const young: YieldWindow = realizedYieldWindow(HOUR);
    expect(realizedApy({ window: young, harvests: HARVESTS, vaultValueWad: WAD })).toEqual({ window: young, rate: null });
  });

  it("flags a strong stretch on a small vault", () => {
    // 5% of LP per share in one day is 1.05^365 - 1, far beyond 1,000%.
    const realized = realizedApy({
      window: realizedYieldWindow(DAY),
      harvests: [{ lpAdded: 5n * WAD, totalLp: 105n * WAD }],
      vaultValueWad: 210n * WAD,
    });
    expect(realized.rate!.implausibleReason).toMatch(/^the harvests grew LP per share 5\.00% in the window on a vault of only \$210\.00/);
  });
});

describe("leveredNetYield", () => {
  it("is (rewards + fees) x L - borrow x (L - 1), compounded daily for the APY", () => {
    const { netApr, netApy } = leveredNetYield(0.2, 0.05, 3, [null, null]);
    expect(netApr.rate).toBeCloseTo(0.5, 12);
    expect(netApy.rate).toBeCloseTo((1 + 0.5 / 365) ** 365 - 1, 12);
    expect(netApr.implausibleReason).toBeNull();
    expect(netApy.implausibleReason).toBeNull();
  });

  it("carries a flagged component's reason, and flags an APY that alone is past the bound", () => {
    const inherited = leveredNetYield(0.2, 0.05, 3, [null, "the farm has only $10.00 staked; one deposit changes this a lot"]);
    expect(inherited.netApy.implausibleReason).toBe("the farm has only $10.00 staked; one deposit changes this a lot");
    // 300% a year is plausible; compounded daily it is about 5,360%, which is not.
    const compounding = leveredNetYield(1, 0, 3, [null, null]);
    expect(compounding.netApr.implausibleReason).toBeNull();
    expect(compounding.netApy.implausibleReason).toBe("300.00% a year compounded daily for a whole year; a rate this high rarely lasts that long");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WAD } from "../../lib/math";
import {
  borrowPlan,
  borrowProblem,
  debtAfterBorrow,
  formatLeverage,
  leverageToBorrowFor,
  minimumLp,
  newPositionLp,
  openLeverageCheckWad,
  openYield,
  pairPriceCheck,
  parseLeverage,
  previewOpen,
  swapPriceImpact,
  type BorrowChoice,
  type BorrowLimits,
  type OpenMarket,
  type OpenRisk,
} from "../../lib/openPreview";
import { sqrt } from "../../lib/vaultMath";

const usdc = (amount: number) => BigInt(Math.round(amount * 1e6));
const ether = (amount: number) => BigInt(Math.round(amount * 1e6)) * 10n ** 12n;
const whole = (value: bigint, decimals = 18) => Number(value) / 10 ** decimals;

// The local WETH-USDC pair: USDC is token 0 (6 decimals), WETH token 1 (18), 2,000,000 USDC and 1,000 WETH at $2,000.
const VOLATILE: OpenMarket = {
  reserve0: usdc(2_000_000),
  reserve1: ether(1_000),
  lpTotalSupply: sqrt(usdc(2_000_000) * ether(1_000)),
  price0Wad: WAD,
  price1Wad: 2_000n * WAD,
  decimals0: 6,
  decimals1: 18,
  borrowIndex0: WAD,
  borrowIndex1: WAD,
  vaultTotalLp: 0n,
  vaultTotalLpShares: 0n,
};
const VOLATILE_RISK: OpenRisk = { workFactorBps: 7_000n, killFactorBps: 8_000n, maxLeverageWad: 3n * WAD };

// The stable pair: 1,000,000 USDC and 1,000,000 USDT, both 6 decimals at $1.
const STABLE: OpenMarket = {
  ...VOLATILE,
  reserve0: usdc(1_000_000),
  reserve1: usdc(1_000_000),
  lpTotalSupply: usdc(1_000_000) * 10n ** 6n,
  price1Wad: WAD,
  decimals1: 6,
};
const STABLE_RISK: OpenRisk = { workFactorBps: 9_100n, killFactorBps: 9_500n, maxLeverageWad: 10n * WAD };

describe("borrowPlan", () => {
  it("borrows equity x (L - 1) in the token chosen, or half the value in each", () => {
    const request = { amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD };
    expect(borrowPlan({ ...request, borrow: "token0" }, VOLATILE)).toEqual({
      equityWad: 1_000n * WAD,
      borrowValueWad: 2_000n * WAD,
      borrow0: usdc(2_000),
      borrow1: 0n,
    });
    expect(borrowPlan({ ...request, borrow: "token1" }, VOLATILE)).toMatchObject({ borrow0: 0n, borrow1: ether(1) });
    expect(borrowPlan({ ...request, borrow: "both" }, VOLATILE)).toMatchObject({ borrow0: usdc(1_000), borrow1: ether(0.5) });
  });

  it("values both supplied tokens at the oracle and borrows nothing at 1x", () => {
    const plan = borrowPlan({ amount0: usdc(500), amount1: ether(0.25), leverageWad: WAD, borrow: "both" }, VOLATILE);
    expect(plan).toEqual({ equityWad: 1_000n * WAD, borrowValueWad: 0n, borrow0: 0n, borrow1: 0n });
  });

  it("rounds the borrowed amount down where the price does not divide it", () => {
    // $2,000 at $1,999.99 a WETH is 1.000005000025000125... WETH: the last wei is dropped, never added.
    const market = { ...VOLATILE, price1Wad: 199_999n * 10n ** 16n };
    const plan = borrowPlan({ amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "token1" }, market);
    expect(plan.borrow1).toBe((2_000n * WAD * WAD) / market.price1Wad);
    expect(plan.borrow1 * market.price1Wad).toBeLessThan(2_000n * WAD * WAD);
  });

  it("never asks for more leverage than requested by the vault's own check, so the exact maximum passes", () => {
    const choices: BorrowChoice[] = ["token0", "token1", "both"];
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 10n ** 14n, max: 10n ** 23n }),
        fc.bigInt({ min: 10n ** 14n, max: 10n ** 23n }),
        fc.integer({ min: 100, max: 1_000 }),
        fc.constantFrom(...choices),
        (amount0, amount1, price0Wad, price1Wad, hundredths, borrow) => {
          const market = { ...VOLATILE, price0Wad, price1Wad };
          const leverageWad = (BigInt(hundredths) * WAD) / 100n;
          const plan = borrowPlan({ amount0, amount1, leverageWad, borrow }, market);
          if (plan.equityWad === 0n) return;
          const checked = openLeverageCheckWad({ amount0, amount1, borrow0: plan.borrow0, borrow1: plan.borrow1 }, market);
          expect(checked === null || checked <= leverageWad).toBe(true);
          // And it is tight: what is left unborrowed is less than one base unit of each token borrowed.
          const borrowedDown = (plan.borrow0 * price0Wad) / 10n ** 6n + (plan.borrow1 * price1Wad) / 10n ** 18n;
          expect(plan.borrowValueWad - borrowedDown).toBeLessThanOrEqual(price0Wad / 10n ** 6n + price1Wad / 10n ** 18n + 2n);
        },
      ),
    );
  });
});

describe("openLeverageCheckWad", () => {
  it("is (supplied + borrowed rounded up) / supplied, rounded down, as LeveragedVault._increase computes it", () => {
    const market = VOLATILE;
    expect(openLeverageCheckWad({ amount0: usdc(1_000), amount1: 0n, borrow0: usdc(2_000), borrow1: 0n }, market)).toBe(3n * WAD);
    // One more USDC base unit than 3x is above 3x: the vault would refuse it on a 3x vault.
    expect(openLeverageCheckWad({ amount0: usdc(1_000), amount1: 0n, borrow0: usdc(2_000) + 1n, borrow1: 0n }, market)).toBe(
      3n * WAD + 10n ** 9n,
    );
    // Half a wei of USD borrowed counts as a whole wei: on $1 supplied that is 1x plus one wei per 1e18.
    expect(openLeverageCheckWad({ amount0: usdc(1), amount1: 0n, borrow0: 0n, borrow1: 1n }, { ...market, price1Wad: WAD / 2n })).toBe(
      WAD + 1n,
    );
    expect(openLeverageCheckWad({ amount0: usdc(1_000), amount1: 0n, borrow0: 0n, borrow1: 0n }, market)).toBeNull();
  });
});

describe("pool debts and vault shares", () => {
  it("records a borrow as shares rounded up, valued up again", () => {
    // 1,000 USDC at an index of 1.05: 952,380,953 shares (952,380,952.38 rounded up), owing 1,000.000001 USDC.
    expect(debtAfterBorrow(usdc(1_000), 105n * 10n ** 16n)).toBe(1_000_000_001n);
    expect(debtAfterBorrow(usdc(1_000), WAD)).toBe(usdc(1_000));
    expect(debtAfterBorrow(0n, 105n * 10n ** 16n)).toBe(0n);
  });

  it("gives the first position all its LP and a later one its LP rounded down twice", () => {
    expect(newPositionLp(1_000n, 0n, 0n)).toBe(1_000n);
    // 333 LP into 1,000,003 LP held as 1,000,000 shares: 332 shares (332.999), worth 332 LP.
    expect(newPositionLp(333n, 1_000_003n, 1_000_000n)).toBe(332n);
  });

  it("accepts the previewed LP less the slippage tolerance, rounded down", () => {
    expect(minimumLp(WAD, 50n)).toBe((WAD * 995n) / 1_000n);
    expect(minimumLp(999n, 10n)).toBe(998n);
    expect(minimumLp(WAD, 0n)).toBe(WAD);
  });
});

describe("swapPriceImpact and pairPriceCheck", () => {
  it("measures execution against the spot price, fee included", () => {
    // 1,000 in against 1,000,000 : 1,000,000 returns 996: 0.4% worse than spot (0.3% fee, 0.1% impact).
    expect(swapPriceImpact(1_000n, 996n, 1_000_000n, 1_000_000n)).toBeCloseTo(0.004, 15);
    expect(swapPriceImpact(0n, 0n, 1_000_000n, 1_000_000n)).toBe(0);
  });

  it("compares the pair's spot price with the oracle's like the vault's manipulation guard", () => {
    const atOracle = pairPriceCheck(VOLATILE, 200n);
    // One USDC is 0.0005 WETH both ways.
    expect(atOracle).toEqual({ spotWad: 5n * 10n ** 14n, oracleWad: 5n * 10n ** 14n, deviation: 0, withinLimit: true });
    const pushed = pairPriceCheck({ ...VOLATILE, reserve0: usdc(2_100_000) }, 200n);
    expect(pushed.deviation).toBeCloseTo(1 - 2 / 2.1, 9);
    expect(pushed.withinLimit).toBe(false);
    expect(pairPriceCheck({ ...VOLATILE, reserve0: usdc(2_030_000) }, 200n).withinLimit).toBe(true);
  });
});

describe("previewOpen", () => {
  it("previews 3x on WETH-USDC from 1,000 USDC, borrowing USDC", () => {
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "token0", slippageBps: 50n },
      VOLATILE,
      VOLATILE_RISK,
    )!;
    expect(preview.borrow0).toBe(usdc(2_000));
    expect(preview.debt0).toBe(usdc(2_000));
    expect(preview.debtValueWad).toBe(2_000n * WAD);
    expect(preview.leverageCheckWad).toBe(3n * WAD);
    // 3,000 USDC one-sided: about half is sold for WETH, paying the 0.3% fee and ~0.07% price impact on it.
    expect(preview.swap?.zeroForOne).toBe(true);
    expect(whole(preview.swap!.amountIn, 6)).toBeGreaterThan(1_500);
    expect(whole(preview.swap!.amountIn, 6)).toBeLessThan(1_505);
    expect(preview.swap!.spotPrice).toBeCloseTo(0.0005, 12);
    expect(preview.swap!.priceImpact).toBeGreaterThan(0.0037);
    expect(preview.swap!.priceImpact).toBeLessThan(0.0039);
    // Worth $3,000 less what the swap cost: the 0.3% fee and the impact on ~$1,500 (0.375%, about $5.6) go to
    // the pair's other liquidity providers.
    const value = whole(preview.positionValueWad);
    expect(value).toBeGreaterThan(3_000 - 1_502 * 0.004);
    expect(value).toBeLessThan(3_000 - 1_500 * 0.003);
    expect(preview.positionLp).toBe(preview.lp);
    expect(preview.minLp).toBe((preview.lp * 9_950n) / 10_000n);
    // 2,000 / ~2,997.5: a debt ratio of 66.73% (rounded up), under the 70% work factor.
    expect(Number(preview.debtRatioBps)).toBe(Math.ceil((2_000 * 10_000) / value));
    expect(preview.exceedsWorkFactor).toBe(false);
    expect(preview.exceedsMaxLeverage).toBe(false);
    expect(whole(preview.leverageAfterWad!)).toBeCloseTo(value / (value - 2_000), 6);
    // Owing USDC only, the position is liquidated when WETH falls until the LP (worth V sqrt(p / 2,000)) is
    // 2,000 / 80% = $2,500: p = 2,000 x (2,500 / V)^2, about $1,391. It never is on the way up.
    expect(preview.liquidation.token1.below).toBeCloseTo(2_000 * (2_500 / value) ** 2, 3);
    expect(preview.liquidation.token1.above).toBeNull();
  });

  it("previews 3x from USDC borrowing WETH: liquidated when WETH rises", () => {
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "token1", slippageBps: 50n },
      VOLATILE,
      VOLATILE_RISK,
    )!;
    expect(preview.borrow1).toBe(ether(1));
    // $1,000 of USDC and $2,000 of WETH: about a quarter of a WETH ($500) is sold to even them out, at ~$1,993.5.
    expect(preview.swap?.zeroForOne).toBe(false);
    expect(whole(preview.swap!.amountIn)).toBeCloseTo(0.25, 2);
    expect(preview.swap!.spotPrice).toBeCloseTo(2_000, 9);
    expect(preview.swap!.executionPrice).toBeLessThan(2_000 * 0.997);
    const value = whole(preview.positionValueWad);
    expect(value).toBeGreaterThan(3_000 - 500 * 0.004);
    // 1 WETH owed: 0.8 x V sqrt(p / 2,000) = p at p = 2,000 x (0.8 V / 2,000)^2, about $2,880.
    expect(preview.liquidation.token1.above).toBeCloseTo(2_000 * ((0.8 * value) / 2_000) ** 2, 3);
    expect(preview.liquidation.token1.below).toBeNull();
  });

  it("lets 10x open on the stable vault's 91% work factor and refuses it at 90%", () => {
    const request = { amount0: usdc(1_000), amount1: 0n, leverageWad: 10n * WAD, borrow: "token1" as const, slippageBps: 50n };
    const preview = previewOpen(request, STABLE, STABLE_RISK)!;
    expect(preview.borrow1).toBe(usdc(9_000));
    expect(Number(preview.debtRatioBps)).toBeGreaterThan(9_000);
    expect(Number(preview.debtRatioBps)).toBeLessThan(9_100);
    expect(preview.exceedsWorkFactor).toBe(false);
    expect(previewOpen(request, STABLE, { ...STABLE_RISK, workFactorBps: 9_000n })!.exceedsWorkFactor).toBe(true);
    expect(previewOpen(request, STABLE, { ...STABLE_RISK, maxLeverageWad: 5n * WAD })!.exceedsMaxLeverage).toBe(true);
  });

  it("values the debt in borrow shares at the pool's index and the LP as a later position's share", () => {
    const market = { ...STABLE, borrowIndex1: 105n * 10n ** 16n, vaultTotalLp: 1_000_003n * WAD, vaultTotalLpShares: 1_000_000n * WAD };
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: 2n * WAD, borrow: "token1", slippageBps: 50n },
      market,
      STABLE_RISK,
    )!;
    expect(preview.debt1).toBe(debtAfterBorrow(usdc(1_000), 105n * 10n ** 16n));
    expect(preview.debt1).toBeGreaterThan(usdc(1_000));
    expect(preview.positionLp).toBeLessThan(preview.lp);
  });

  it("is null with nothing supplied", () => {
    expect(previewOpen({ amount0: 0n, amount1: 0n, leverageWad: 2n * WAD, borrow: "both", slippageBps: 50n }, STABLE, STABLE_RISK)).toBeNull();
  });
});

describe("openYield", () => {
  const DAY_WINDOW = { kind: "window", seconds: 86_400, sinceDeployment: false } as const;

  it("levers the farm's and the pair's APRs and charges each pool's rate on what it lends", () => {
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "both", slippageBps: 50n },
      VOLATILE,
      VOLATILE_RISK,
    )!;
    const value = whole(preview.positionValueWad);
    // 10 FLUX a second at $0.50 is $157,680,000 a year; 1,000,000 LP are staked by others.
    const stakedLp = 1_000_000n * WAD;
    const othersValue = whole(stakedLp * preview.lpPriceAfterWad, 36);
    const result = openYield(preview, VOLATILE, {
      farm: {
        rewardRatePerSecond: 10n * WAD,
        rewardDecimals: 18,
        rewardPriceWad: WAD / 2n,
        stakedLp,
        lpPriceWad: 0n,
        periodFinish: 2_000n,
        now: 1_000n,
      },
      // $2,000,000 swapped in a day: $2,190,000 of fees a year over the pair's ~$4,003,000 after the zap.
      swapVolume: { window: DAY_WINDOW, amount0In: usdc(1_000_000), amount1In: ether(500), swapCount: 2 },
      borrowApr0: 0.04,
      borrowApr1: 0.08,
    });
    // The leverage the preview shows: value / (value - debt) after the zap, a touch above 3x for the swap's fee.
    const equityAfter = value - whole(preview.debtValueWad);
    expect(result.leverage).toBeCloseTo(value / equityAfter, 9);
    expect(result.leverage).toBeCloseTo(whole(preview.leverageAfterWad!), 9);
    // The rate now is the others' stake alone; the rate after the deposit counts this position's value too.
    expect(result.rewardNow!.rate).toBeCloseTo(157_680_000 / othersValue, 6);
    expect(result.rewardAfterDeposit!.rate).toBeCloseTo(157_680_000 / (othersValue + value), 6);
    expect(result.rewardAfterDeposit!.rate).toBeLessThan(result.rewardNow!.rate);
    expect(result.tradingFees.window).toEqual(DAY_WINDOW);
    const feeApr = result.tradingFees.rate!.rate;
    expect(feeApr).toBeCloseTo(2_190_000 / (4_000_000 + value), 3);
    // $1,000 of each token borrowed, on the equity left after the zap.
    expect(result.borrowCost0).toBeCloseTo((0.04 * whole(preview.borrowValue0Wad)) / equityAfter, 9);
    expect(result.borrowCost1).toBeCloseTo((0.08 * whole(preview.borrowValue1Wad)) / equityAfter, 9);
    const net = result.leverage * (result.rewardAfterDeposit!.rate + feeApr) - result.borrowCost0 - result.borrowCost1;
    expect(result.netApr.rate).toBeCloseTo(net, 9);
    expect(result.netApy.rate).toBeCloseTo((1 + net / 365) ** 365 - 1, 9);
    expect(result.netApy.implausibleReason).toBeNull();
  });

  it("flags the rate, and the net figures built on it, when the position would be the farm's only stake", () => {
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "both", slippageBps: 50n },
      VOLATILE,
      VOLATILE_RISK,
    )!;
    // 0.1 FLUX a second at $0.50 on this position's ~$3,000 alone: about 52,000% a year.
    const result = openYield(preview, VOLATILE, {
      farm: { rewardRatePerSecond: 10n ** 17n, rewardDecimals: 18, rewardPriceWad: WAD / 2n, stakedLp: 0n, lpPriceWad: 0n, periodFinish: 2_000n, now: 1_000n },
      swapVolume: { window: { kind: "tooYoung", ageSeconds: 1_140, neededSeconds: 86_400 }, amount0In: 0n, amount1In: 0n, swapCount: 0 },
      borrowApr0: 0.04,
      borrowApr1: 0.08,
    });
    expect(result.rewardNow).toBeNull();
    expect(result.rewardAfterDeposit!.implausibleReason).toMatch(/^the farm has only \$2,99\d\.\d\d staked; one deposit changes this a lot$/);
    expect(result.netApr.implausibleReason).toBe(result.rewardAfterDeposit!.implausibleReason);
    expect(result.netApy.implausibleReason).toBe(result.rewardAfterDeposit!.implausibleReason);
    expect(result.tradingFees.rate).toBeNull();
  });

  it("counts unknown rates as 0 and charges nothing at 1x", () => {
    const preview = previewOpen(
      { amount0: usdc(1_000), amount1: 0n, leverageWad: WAD, borrow: "token1", slippageBps: 50n },
      VOLATILE,
      VOLATILE_RISK,
    )!;
    const result = openYield(preview, VOLATILE, {
      farm: { rewardRatePerSecond: 10n ** 15n, rewardDecimals: 18, rewardPriceWad: WAD, stakedLp: 0n, lpPriceWad: 0n, periodFinish: 1n, now: 1_000n },
      swapVolume: { window: { kind: "tooYoung", ageSeconds: 600, neededSeconds: 86_400 }, amount0In: 0n, amount1In: 0n, swapCount: 0 },
      borrowApr0: 0.04,
      borrowApr1: 0.08,
    });
    expect(result.leverage).toBe(1);
    expect(result.rewardAfterDeposit!.rate).toBe(0); // the reward period has ended
    expect(result.tradingFees).toEqual({ window: { kind: "tooYoung", ageSeconds: 600, neededSeconds: 86_400 }, rate: null });
    expect(result.borrowCost1).toBe(0);
    expect(result.netApr.rate).toBe(0);
  });
});

describe("borrowProblem", () => {
  const limits: BorrowLimits = {
    symbol: "USDC",
    decimals: 6,
    poolCash: usdc(50_000),
    borrowIndexWad: WAD,
    vaultDebtShares: usdc(900_000),
    creditLimit: usdc(10_000_000),
    maxDebt: usdc(1_000_000),
  };

  it("accepts what the pool holds and the cap leaves room for", () => {
    expect(borrowProblem(usdc(50_000), limits)).toBeNull();
    expect(borrowProblem(0n, { ...limits, poolCash: 0n })).toBeNull();
  });

  it("names the limit that refuses: the pool's cash, the vault's cap, the credit line", () => {
    expect(borrowProblem(usdc(50_001), limits)).toBe(
      "The USDC pool can lend only 50,000 USDC now; this needs 50,001 USDC. Lower the leverage or borrow the other token.",
    );
    expect(borrowProblem(usdc(40_000), { ...limits, maxDebt: usdc(930_000) })).toMatch(
      /^The vault's USDC debt cap leaves room for 30,000 USDC; this needs 40,000 USDC/,
    );
    expect(borrowProblem(usdc(40_000), { ...limits, creditLimit: usdc(920_000) })).toMatch(
      /^The vault's credit line at the USDC pool leaves room for 20,000 USDC/,
    );
  });

  it("checks the debt as the pool records it, shares rounded up, so the last base unit counts", () => {
    const index = 105n * 10n ** 16n;
    const shares = usdc(100_000);
    const debtNow = (shares * index - 1n) / WAD + 1n;
    const exactlyFull = { ...limits, borrowIndexWad: index, vaultDebtShares: shares, maxDebt: debtNow + usdc(1_000) };
    expect(borrowProblem(usdc(1_000) - 1n, exactlyFull)).toBeNull();
    expect(borrowProblem(usdc(1_000) + 1n, exactlyFull)).toMatch(/debt cap/);
  });
});

describe("parseLeverage and formatLeverage", () => {
  it("reads leverage in steps of 0.01x between 1x and the vault's maximum", () => {
    expect(parseLeverage("3", 3n * WAD)).toEqual({ leverageWad: 3n * WAD, error: null });
    expect(parseLeverage(" 2.5x ", 3n * WAD)).toEqual({ leverageWad: (5n * WAD) / 2n, error: null });
    expect(parseLeverage("1.01", 3n * WAD)).toEqual({ leverageWad: (101n * WAD) / 100n, error: null });
    expect(parseLeverage("3.01", 3n * WAD).error).toBe("This vault allows at most 3.00x.");
    expect(parseLeverage("0.5", 3n * WAD).error).toBe("Leverage starts at 1x (borrowing nothing).");
    expect(parseLeverage("2.555", 3n * WAD).error).toBe("Leverage moves in steps of 0.01x.");
    expect(parseLeverage("lots", 3n * WAD).error).toBe('"lots" is not a leverage; enter a number such as 2.5.');
    expect(parseLeverage("", 3n * WAD).error).toBe("Enter a leverage.");
  });

  it("shows leverage rounded up to the hundredth", () => {
    expect(formatLeverage(3n * WAD)).toBe("3.00x");
    expect(formatLeverage(3n * WAD + 1n)).toBe("3.01x");
    expect(formatLeverage((1_025n * WAD) / 100n)).toBe("10.25x");
  });
});

describe("leverageToBorrowFor", () => {
  it("keeps the slippage tolerance as room below the vault's maximum, and leaves lower requests alone", () => {
    // 3x max, 0.5%: (L - 1) x 1.005 <= 2, so L <= 1 + 2 / 1.005 = 2.99004975...x.
    expect(leverageToBorrowFor(3n * WAD, 3n * WAD, 50n)).toBe(WAD + (2n * WAD * 10_000n) / 10_050n);
    expect(leverageToBorrowFor(3n * WAD, 3n * WAD, 50n)).toBe(2_990_049_751_243_781_094n);
    expect(leverageToBorrowFor(29n * WAD / 10n, 3n * WAD, 50n)).toBe(29n * WAD / 10n);
    expect(leverageToBorrowFor(10n * WAD, 10n * WAD, 100n)).toBe(WAD + (9n * WAD * 10_000n) / 10_100n);
    expect(leverageToBorrowFor(3n * WAD, 3n * WAD, 0n)).toBe(3n * WAD);
  });

  it("survives the price move it leaves room for: a borrowed token up by the tolerance still passes the vault's check", () => {
    const asked = leverageToBorrowFor(3n * WAD, VOLATILE_RISK.maxLeverageWad, 50n);
    const plan = borrowPlan({ amount0: usdc(1_000), amount1: 0n, leverageWad: asked, borrow: "token1" }, VOLATILE);
    const wethUp = { ...VOLATILE, price1Wad: (VOLATILE.price1Wad * 10_050n) / 10_000n };
    const check = openLeverageCheckWad({ amount0: usdc(1_000), amount1: 0n, borrow0: plan.borrow0, borrow1: plan.borrow1 }, wethUp);
    expect(check).not.toBeNull();
    expect(check!).toBeLessThanOrEqual(VOLATILE_RISK.maxLeverageWad);
    // Without the room, the same move is refused.
    const exact = borrowPlan({ amount0: usdc(1_000), amount1: 0n, leverageWad: 3n * WAD, borrow: "token1" }, VOLATILE);
    expect(openLeverageCheckWad({ amount0: usdc(1_000), amount1: 0n, borrow0: exact.borrow0, borrow1: exact.borrow1 }, wethUp)!).toBeGreaterThan(VOLATILE_RISK.maxLeverageWad);
  });
});

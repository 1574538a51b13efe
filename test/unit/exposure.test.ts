import { describe, expect, it } from "vitest";
import { describeExposure, exposureSide, lpHoldings, NEUTRAL_SHARE_BPS, netExposure } from "../../lib/exposure";

const WAD = 10n ** 18n;
const WETH = { symbol: "WETH", decimals: 18 };
const USDC = { symbol: "USDC", decimals: 6 };

// A WETH-USDC pair at $2,000: 100 WETH + 200,000 USDC, 1,000 LP. A position with 10 LP holds 1 WETH + 2,000 USDC ($4,000).
const pair = { reserve0: 100n * WAD, reserve1: 200_000n * 10n ** 6n, pairTotalSupply: 1_000n * WAD };
const market = { price0Wad: 2_000n * WAD, price1Wad: WAD, decimals0: 18, decimals1: 6 };

describe("net exposure per token", () => {
  it("holds the LP's share of each reserve, rounded down", () => {
    expect(lpHoldings(10n * WAD, pair.reserve0, pair.reserve1, pair.pairTotalSupply)).toEqual([WAD, 2_000n * 10n ** 6n]);
    expect(lpHoldings(1n, 3n, 3n, 2n)).toEqual([1n, 1n]);
    expect(lpHoldings(1n, 1n, 1n, 0n)).toEqual([0n, 0n]);
  });

  it("is long the token borrowed less than held, short the one borrowed more (3x, USDC borrowed)", () => {
    // $4,000 of LP, $2,666.67 USDC owed: long 1 WETH, short 666.67 USDC.
    const [weth, usdc] = netExposure({ lpAmount: 10n * WAD, ...pair, debt0: 0n, debt1: 2_666_670_000n, ...market, valueWad: 4_000n * WAD });
    expect(weth).toMatchObject({ held: WAD, owed: 0n, net: WAD, side: "long" });
    expect(usdc).toMatchObject({ held: 2_000_000_000n, owed: 2_666_670_000n, net: -666_670_000n, side: "short" });
    expect(describeExposure(weth, WETH)).toBe("Long 1 WETH");
    expect(describeExposure(usdc, USDC)).toBe("Short 666.67 USDC");
  });

  it("reads neutral below 1% of the position's value, and at exactly zero", () => {
    expect(NEUTRAL_SHARE_BPS).toBe(100n);
    // Borrowing 0.995 WETH against 1 held: 0.005 WETH = $10, 0.25% of $4,000: neutral.
    const [weth] = netExposure({ lpAmount: 10n * WAD, ...pair, debt0: 995n * 10n ** 15n, debt1: 0n, ...market, valueWad: 4_000n * WAD });
    expect(weth.side).toBe("neutral");
    expect(describeExposure(weth, WETH)).toBe("Neutral");
    // The boundary: $40 of $4,000 is exactly 1%, no longer neutral; a wei below is.
    expect(exposureSide(1n, 40n * WAD, 4_000n * WAD)).toBe("long");
    expect(exposureSide(-1n, 40n * WAD - 1n, 4_000n * WAD)).toBe("neutral");
    expect(exposureSide(0n, 0n, 0n)).toBe("neutral");
  });

  it("reads a closed position (no LP, no debt) as neutral in both tokens", () => {
    const both = netExposure({ lpAmount: 0n, ...pair, debt0: 0n, debt1: 0n, ...market, valueWad: 0n });
    expect(both.map((entry) => entry.side)).toEqual(["neutral", "neutral"]);
  });
});

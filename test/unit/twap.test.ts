import { describe, expect, it } from "vitest";
import {
  cumulativePriceNow,
  entryRewardValueWad,
  feedRewardRate,
  RATE_SCALE,
  TWAP_WINDOW_SECONDS,
  twapAverage,
  twapPrice0Wad,
  twapRate,
} from "../../lib/vaultMath";

const Q112 = 1n << 112n;

describe("the vault's TWAP twins (VaultState._cumulativeNow, _twapOf, _rewardRates, _pendingRewardsAsLpUp)", () => {
  it("adds the current reserves' price for the time since the pair's last update, and nothing within its block", () => {
    // 4,000,000 FLUX (18 decimals) against 2,000,000 USDC (6): token 0 = FLUX costs 5e-13 USDC base units per base unit.
    const reserves = { reserve0: 4_000_000n * 10n ** 18n, reserve1: 2_000_000n * 10n ** 6n };
    const price0 = (reserves.reserve1 * Q112) / reserves.reserve0;
    expect(cumulativePriceNow({ cumulativeLast: 7n, ...reserves, updatedAt: 1_000n, now: 1_600n, ofToken0: true })).toBe(7n + price0 * 600n);
    const price1 = (reserves.reserve0 * Q112) / reserves.reserve1;
    expect(cumulativePriceNow({ cumulativeLast: 7n, ...reserves, updatedAt: 1_000n, now: 1_600n, ofToken0: false })).toBe(7n + price1 * 600n);
    // Traded in this block: the pair already accumulated the reserves before the trade.
    expect(cumulativePriceNow({ cumulativeLast: 7n, ...reserves, updatedAt: 1_600n, now: 1_600n, ofToken0: true })).toBe(7n);
  });

  it("averages since the newest observation a window old, else the oldest from an earlier block, else none; modulo 2^224", () => {
    const at = (timestamp: bigint, cumulative: bigint) => ({ timestamp, cumulative });
    const now = 10_000n;
    // Observations at 7,000 (3,000 s old), 8,000 (2,000 s) and 9,500 (500 s): the newest at least 1,800 s old is 8,000.
    const observations = [at(7_000n, 100n), at(8_000n, 1_000n), at(9_500n, 5_000n), at(0n, 0n)];
    expect(TWAP_WINDOW_SECONDS).toBe(1_800n);
    expect(twapAverage(observations, 21_000n, now)).toBe((21_000n - 1_000n) / 2_000n);
    // Only young ones: the oldest of them; one from this block does not count.
    expect(twapAverage([at(9_500n, 5_000n), at(9_000n, 3_000n), at(now, 9_999n)], 21_000n, now)).toBe((21_000n - 3_000n) / 1_000n);
    expect(twapAverage([at(now, 9_999n)], 21_000n, now)).toBe(0n);
    // The cumulative wrapped past 2^224 since the observation: the difference is still exact.
    const mod = 1n << 224n;
    expect(twapAverage([at(7_000n, mod - 3_000n)], mod + 3_000n, now)).toBe(6_000n / 3_000n);
  });

  it("values pending rewards at the higher of the feeds' rate and the TWAP, rounded up", () => {
    const oraclePriceWad = 5n * 10n ** 17n; // $0.50 a FLUX
    const otherPriceWad = 10n ** 18n; // $1 a USDC
    const feed = feedRewardRate(oraclePriceWad, otherPriceWad, 18, 6);
    expect(feed).toBe(5n * 10n ** 23n); // 5e-13 base units per base unit, x 1e36
    const rewards = 1_000n * 10n ** 18n;
    // TWAP below the feed: the feed's price, $500.
    expect(entryRewardValueWad({ rewards, oraclePriceWad, twapRate: feed - 1n, rewardDecimals: 18, otherPriceWad, otherDecimals: 6 })).toBe(500n * 10n ** 18n);
    // TWAP 2% above the feed: 1,000 FLUX buy 510 USDC at it, $510.
    const higher = (feed * 102n) / 100n;
    expect(entryRewardValueWad({ rewards, oraclePriceWad, twapRate: higher, rewardDecimals: 18, otherPriceWad, otherDecimals: 6 })).toBe(510n * 10n ** 18n);
    // A UQ112x112 average of exactly 5e-13 as a rate.
    expect(twapRate(5n * Q112) / 5n).toBe(RATE_SCALE);
    // The pair's token 0 (6 decimals) at 0.99 token 1 (6 decimals) worth $1.02: $1.0098, each division rounded down.
    expect(twapPrice0Wad((99n * Q112) / 100n, 6, 6, 102n * 10n ** 16n)).toBe(1_009_799_999_999_999_998n);
  });
});

import { describe, expect, it } from "vitest";
import { borrowRoomWad, previewIncrease } from "../../lib/increasePreview";
import type { OpenMarket } from "../../lib/openPreview";
import { debtRatioBps, fairLpPriceWad, lpValueWad, tokenValueWadUp } from "../../lib/vaultMath";

const WAD = 10n ** 18n;
// WETH-USDC at $2,000 on a deep pair; the vault holds the position's 10 LP of 10 in all.
const market: OpenMarket = {
  reserve0: 1_000n * WAD,
  reserve1: 2_000_000n * 10n ** 6n,
  lpTotalSupply: 1_000n * 10n ** 12n * 1_000n,
  price0Wad: 2_000n * WAD,
  price1Wad: WAD,
  decimals0: 18,
  decimals1: 6,
  borrowIndex0: WAD,
  borrowIndex1: WAD,
  vaultTotalLp: 0n,
  vaultTotalLpShares: 0n,
};
const lpPrice = fairLpPriceWad(market.reserve0, market.reserve1, market.lpTotalSupply, market.price0Wad, market.price1Wad, 18, 6);
const lpAmount = (4_000n * WAD * WAD) / lpPrice;
const valueWad = lpValueWad(lpAmount, lpPrice);
const position = { lpAmount, valueWad, debtValueWad: 2_000n * WAD, equityWad: valueWad - 2_000n * WAD, debt0: 0n, debt1: 2_000n * 10n ** 6n, debtRatioBps: debtRatioBps(2_000n * WAD, valueWad) };
const risk = { workFactorBps: 8_000n, killFactorBps: 9_000n, maxLeverageWad: 5n * WAD, paused: false };
const borrowUsdc = (usdc: bigint) => ({ amount0: 0n, amount1: 0n, borrow0: 0n, borrow1: usdc * 10n ** 6n, slippageBps: 50n });

describe("borrow more", () => {
  it("previews the new debt, debt ratio and leverage", () => {
    // $4,000 position, $2,000 owed (2x). Borrow $2,000 more: about $6,000 of value, $4,000 owed: 66.7%, 3x.
    const preview = previewIncrease(position, borrowUsdc(2_000n), { ...market, vaultTotalLp: lpAmount, vaultTotalLpShares: lpAmount }, risk);
    expect(preview.refusal).toBeNull();
    expect(preview.debt1After).toBe(4_000n * 10n ** 6n);
    expect(preview.debtValueAfterWad).toBe(tokenValueWadUp(4_000n * 10n ** 6n, WAD, 6));
    expect(Number(preview.valueAfterWad) / 1e18).toBeGreaterThan(5_990);
    expect(Number(preview.valueAfterWad) / 1e18).toBeLessThan(6_000);
    expect(preview.debtRatioAfterBps).toBeGreaterThan(6_666n);
    expect(preview.debtRatioAfterBps).toBeLessThan(6_690n);
    expect(Number(preview.leverageBeforeWad) / 1e18).toBeCloseTo(2, 9);
    expect(Number(preview.leverageAfterWad) / 1e18).toBeCloseTo(3, 1);
    // The vault's own check: (value + borrowed) / equity = 6,000 / 2,000.
    expect(preview.leverageCheckWad).toBe(3n * WAD);
    expect(preview.minLp).toBe((preview.lp * 9_950n) / 10_000n);
  });

  it("refuses past the work factor, past the leverage cap, while paused, and nothing", () => {
    // $5,000 more: about 77.8%, under the 80% work factor, and 4.5x under a 5x cap.
    expect(previewIncrease(position, borrowUsdc(5_000n), market, risk).refusal).toBeNull();
    const capped = previewIncrease(position, borrowUsdc(5_000n), market, { ...risk, maxLeverageWad: 3n * WAD });
    expect(capped.refusal).toBe("That takes the position to 4.50x leverage as the vault counts it, above its 3.00x cap. Borrow less.");
    expect(previewIncrease(position, borrowUsdc(10n), market, { ...risk, paused: true }).refusal).toMatch(/paused/);
    expect(previewIncrease(position, borrowUsdc(0n), market, risk).refusal).toBe("Enter an amount to borrow.");
  });

  it("refuses a borrow that ends above the work factor with the work factor's words", () => {
    const preview = previewIncrease(position, borrowUsdc(7_000n), market, { ...risk, maxLeverageWad: 10n * WAD });
    expect(preview.debtRatioAfterBps).toBeGreaterThan(8_000n);
    expect(preview.refusal).toMatch(/above the 80.00% work factor up to which the vault lends/);
  });

  it("says how much more fits under the work factor", () => {
    // debt + x <= (value + x) x 0.8: x <= (4,000 x 0.8 - 2,000) / 0.2 = $6,000.
    expect(borrowRoomWad({ valueWad: 4_000n * WAD, debtValueWad: 2_000n * WAD }, 8_000n)).toBe(6_000n * WAD);
    expect(borrowRoomWad({ valueWad: 4_000n * WAD, debtValueWad: 3_500n * WAD }, 8_000n)).toBe(0n);
  });
});

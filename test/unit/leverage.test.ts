/**
 * One leverage, defined once: position value / equity (value - debt) at oracle prices, rounded up, and shown with
 * formatLeverage. The open preview, the position card and the calculator all show this figure.
 */
import { describe, expect, it } from "vitest";
import { WAD } from "../../lib/math";
import { formatLeverage, previewOpen, type OpenMarket, type OpenRisk } from "../../lib/openPreview";
import { isWarning, riskLevel } from "../../lib/risk";
import { positionLeverageWad, sqrt } from "../../lib/vaultMath";

const usdc = (amount: number) => BigInt(Math.round(amount * 1e6));

// A stable pair of 1,000,000 USDC and 1,000,000 USDT at $1, as the local deployment starts.
const STABLE: OpenMarket = {
  reserve0: usdc(1_000_000),
  reserve1: usdc(1_000_000),
  lpTotalSupply: sqrt(usdc(1_000_000) * usdc(1_000_000)),
  price0Wad: WAD,
  price1Wad: WAD,
  decimals0: 6,
  decimals1: 6,
  borrowIndex0: WAD,
  borrowIndex1: WAD,
  vaultTotalLp: 0n,
  vaultTotalLpShares: 0n,
};
const STABLE_RISK: OpenRisk = { workFactorBps: 9_100n, killFactorBps: 9_500n, maxLeverageWad: 10n * WAD };

describe("positionLeverageWad", () => {
  it("is value / (value - debt)", () => {
    expect(positionLeverageWad(3_000n * WAD, 2_000n * WAD)).toBe(3n * WAD);
    expect(positionLeverageWad(10_000n * WAD, 9_000n * WAD)).toBe(10n * WAD);
    expect(positionLeverageWad(1_000n * WAD, 0n)).toBe(WAD);
  });

  it("rounds up, so a position never reads less levered than it is", () => {
    // 1,000 / 999 ... 1.001001...x
    expect(positionLeverageWad(1_000n * WAD, 1n * WAD)).toBe((1_000n * WAD * WAD - 1n) / (999n * WAD) + 1n);
    expect(formatLeverage(positionLeverageWad(1_000n * WAD, 1n * WAD)!)).toBe("1.01x");
  });

  it("has no figure once the debt reaches the value", () => {
    expect(positionLeverageWad(1_000n * WAD, 1_000n * WAD)).toBeNull();
    expect(positionLeverageWad(1_000n * WAD, 2_000n * WAD)).toBeNull();
  });
});

describe("formatLeverage", () => {
  it("shows hundredths, rounded up", () => {
    expect(formatLeverage(3n * WAD)).toBe("3.00x");
    expect(formatLeverage(9_955n * 10n ** 15n)).toBe("9.96x");
    expect(formatLeverage(9_961n * 10n ** 15n)).toBe("9.97x");
    expect(formatLeverage(WAD)).toBe("1.00x");
  });
});

describe("the open preview's leverage", () => {
  it("is the same definition as a position's: a 10x stable open shows one figure, and is not flagged", () => {
    const preview = previewOpen({ amount0: usdc(1_000), amount1: 0n, leverageWad: 10n * WAD, borrow: "token1", slippageBps: 50n }, STABLE, STABLE_RISK)!;
    expect(preview.leverageAfterWad).toBe(positionLeverageWad(preview.positionValueWad, preview.debtValueWad));
    // The zap's swap fee costs a little equity, so the position is a touch above the 10x asked.
    const shown = formatLeverage(preview.leverageAfterWad!);
    expect(shown).toMatch(/^10\.\d\dx$/);
    expect(isWarning(riskLevel(preview.debtRatioBps, STABLE_RISK.workFactorBps, STABLE_RISK.killFactorBps))).toBe(false);
    expect(riskLevel(preview.debtRatioBps, STABLE_RISK.workFactorBps, STABLE_RISK.killFactorBps)).toBe("safe");
  });
});

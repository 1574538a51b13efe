import { describe, expect, it } from "vitest";
import { DEFAULT_SLIPPAGE_BPS, MAX_SLIPPAGE_BPS, parseSlippage, SLIPPAGE_PRESETS_BPS, slippagePresetText } from "../../lib/slippage";

describe("parseSlippage", () => {
  it("takes a tolerance above 0 and at most 50%, in basis points", () => {
    expect(parseSlippage("0.5")).toEqual({ slippageBps: 50n, error: null });
    expect(parseSlippage("0.01")).toEqual({ slippageBps: 1n, error: null });
    expect(parseSlippage("50")).toEqual({ slippageBps: MAX_SLIPPAGE_BPS, error: null });
    expect(parseSlippage(" 1 % ")).toEqual({ slippageBps: 100n, error: null });
    expect(parseSlippage(".3").slippageBps).toBe(30n);
    // A percentage has no thousands: its comma is a decimal comma.
    expect(parseSlippage("0,5").slippageBps).toBe(50n);
  });

  it("refuses 0% in words: any price move would make the transaction fail", () => {
    const zero = "A tolerance of 0% fails on any price move before the transaction is mined; enter at least 0.01%.";
    expect(parseSlippage("0")).toEqual({ slippageBps: null, error: zero });
    expect(parseSlippage("0.00").error).toBe(zero);
    expect(parseSlippage("0%").error).toBe(zero);
  });

  it("refuses more than 50% one basis point past it", () => {
    const tooHigh = "A tolerance above 50% protects nothing; enter 50 or less.";
    expect(parseSlippage("50.01").error).toBe(tooHigh);
    expect(parseSlippage("100").error).toBe(tooHigh);
    expect(parseSlippage("9".repeat(40)).error).toBe(tooHigh);
  });

  it("names what is not a percentage", () => {
    expect(parseSlippage("").error).toBe("Enter a slippage tolerance.");
    expect(parseSlippage("-1").error).toBe('"-1" is not a percentage; enter a number such as 0.5.');
    expect(parseSlippage("abc").error).toBe('"abc" is not a percentage; enter a number such as 0.5.');
    expect(parseSlippage("0.005").error).toBe("Use at most two decimals (0.01% steps).");
  });
});

describe("the slippage presets", () => {
  it("are 0.1%, 0.5% and 1%, with 0.5% chosen first, and read back through parseSlippage", () => {
    expect(SLIPPAGE_PRESETS_BPS.map(slippagePresetText)).toEqual(["0.1", "0.5", "1"]);
    expect(slippagePresetText(DEFAULT_SLIPPAGE_BPS)).toBe("0.5");
    for (const bps of SLIPPAGE_PRESETS_BPS) expect(parseSlippage(slippagePresetText(bps)).slippageBps).toBe(bps);
    expect(slippagePresetText(1_234n)).toBe("12.34");
  });
});

import { describe, expect, it } from "vitest";
import { formatPercent, formatTokenAmount } from "../../lib/format";

describe("formatPercent", () => {
  it("shows fractions as percentages with separators and the asked digits", () => {
    expect(formatPercent(0.0523)).toBe("5.23%");
    expect(formatPercent(251.1552)).toBe("25,115.52%");
    expect(formatPercent(0.9, 0)).toBe("90%");
    expect(formatPercent(-0.004)).toBe("-0.40%");
  });

  it("caps what no reader can use", () => {
    expect(formatPercent(9.97e82)).toBe("> 1,000,000%");
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe("> 1,000,000%");
    expect(formatPercent(-2e5)).toBe("< -1,000,000%");
  });
});

describe("formatTokenAmount", () => {
  it("shows base units as whole tokens with separators, cutting trailing zeros", () => {
    expect(formatTokenAmount(2_000_000_000_000n, 6)).toBe("2,000,000");
    expect(formatTokenAmount(1_234_567n, 6)).toBe("1.23");
    expect(formatTokenAmount(1_500_000_000_000_000_000n, 18, 6)).toBe("1.5");
    expect(formatTokenAmount(-5n * 10n ** 17n, 18)).toBe("-0.5");
  });
});

import { describe, expect, it } from "vitest";
import { formatBps, formatPercent, formatSignificant, formatTokenAmount, formatTokenReadable, formatUsd, formatUsdWad, tokenFractionDigits } from "../../lib/format";

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

describe("formatTokenReadable: a token amount at its useful precision", () => {
  const weth = (text: string) => BigInt(Math.round(Number(text) * 1e6)) * 10n ** 12n;

  it("keeps 6 significant digits, fewer decimals as the whole part grows, at least cents from 1 on", () => {
    expect(tokenFractionDigits(0, 18)).toBe(6);
    expect(tokenFractionDigits(1, 18)).toBe(5);
    expect(tokenFractionDigits(2, 18)).toBe(4);
    expect(tokenFractionDigits(3, 18)).toBe(3);
    expect(tokenFractionDigits(4, 18)).toBe(2);
    expect(tokenFractionDigits(9, 18)).toBe(2);
    // Never more decimals than the token has.
    expect(tokenFractionDigits(0, 2)).toBe(2);
    expect(tokenFractionDigits(0, 0)).toBe(0);
  });

  it("shows what the issue saw as 0.995025062025527468 WETH and 1,955.123456 USDC readably, cut toward zero", () => {
    expect(formatTokenReadable(995_025_062_025_527_468n, 18)).toBe("0.995025");
    expect(formatTokenReadable(1_955_123_456n, 6)).toBe("1,955.12");
    expect(formatTokenReadable(1_955_129_999n, 6)).toBe("1,955.12");
    expect(formatTokenReadable(3n * 10n ** 18n, 18)).toBe("3");
    expect(formatTokenReadable(weth("12.345678"), 18)).toBe("12.3456");
    expect(formatTokenReadable(weth("123.456789"), 18)).toBe("123.456");
    expect(formatTokenReadable(2_000_000n * 10n ** 6n, 6)).toBe("2,000,000");
    expect(formatTokenReadable(0n, 18)).toBe("0");
  });

  it("says a tiny non-zero amount is below the smallest shown step, never in scientific notation", () => {
    // 1.424e-12 LP, as the harvest table once showed it.
    expect(formatTokenReadable(1_424_000n, 18)).toBe("< 0.000001");
    expect(formatTokenReadable(1n, 18)).toBe("< 0.000001");
    expect(formatTokenReadable(999_999_999_999n, 18)).toBe("< 0.000001");
    expect(formatTokenReadable(1_000_000_000_000n, 18)).toBe("0.000001");
    expect(formatTokenReadable(-1n, 18)).toBe("> -0.000001");
    expect(formatTokenReadable(1n, 0)).toBe("1");
  });

  it("keeps the sign of a real negative amount", () => {
    expect(formatTokenReadable(-1_500_000n, 6)).toBe("-1.5");
  });

  it("formats huge amounts in full digits with separators", () => {
    expect(formatTokenReadable(10n ** 30n, 6)).toBe("1,000,000,000,000,000,000,000,000");
    expect(formatTokenReadable(10n ** 30n, 6)).not.toMatch(/e/);
  });
});

describe("no negative zero", () => {
  it("shows a percentage that rounds to zero as 0.00%, whatever its sign", () => {
    expect(formatPercent(-0.00001)).toBe("0.00%");
    expect(formatPercent(-0)).toBe("0.00%");
    expect(formatPercent(-0.00004, 1)).toBe("0.0%");
    expect(formatPercent(-0.0001)).toBe("-0.01%");
    expect(formatBps(0n)).toBe("0.00%");
  });

  it("shows dollars that round to zero without a sign", () => {
    expect(formatUsd(-0.000001)).toBe("$0.0000");
    expect(formatUsd(-12.3)).toBe("-$12.30");
    expect(formatUsdWad(-(10n ** 15n))).toBe("$0.00");
    expect(formatTokenAmount(-1n, 18)).toBe("0");
  });
});

describe("formatSignificant", () => {
  it("shows a ratio to 6 significant digits without scientific notation", () => {
    expect(formatSignificant(1999.123456)).toBe("1,999.12");
    expect(formatSignificant(0.000000123456789)).toBe("0.000000123457");
    expect(formatSignificant(2_000_000_000)).toBe("2,000,000,000");
    expect(formatSignificant(-0.0000000001, 6)).toBe("-0.0000000001");
    expect(formatSignificant(Number.NaN)).toBe("—");
  });
});

import { describe, expect, it } from "vitest";
import { amountToInput, checkAmount, debtCeiling, LARGEST_AMOUNT, parseDecimalText, quoteInput } from "../../lib/amountInput";

const usdc = { symbol: "USDC", decimals: 6 };

describe("checkAmount", () => {
  it("parses decimals exactly into base units, without floating point", () => {
    expect(checkAmount("1234.567891", usdc)).toEqual({ amount: 1_234_567_891n, error: null });
    expect(checkAmount("0.1", { symbol: "WETH", decimals: 18 })).toEqual({ amount: 100_000_000_000_000_000n, error: null });
    // 0.1 + 0.2 in floats is 0.30000000000000004; here it is exactly 0.3.
    expect(checkAmount("0.3", { symbol: "WETH", decimals: 18 }).amount).toBe(300_000_000_000_000_000n);
    expect(checkAmount(" 1,000,000 ", usdc).amount).toBe(1_000_000_000_000n);
    expect(checkAmount(".5", usdc).amount).toBe(500_000n);
    expect(checkAmount("7.", usdc).amount).toBe(7_000_000n);
  });

  it("names what is wrong with the input", () => {
    expect(checkAmount("", usdc).error).toBe("Enter an amount.");
    expect(checkAmount("abc", usdc).error).toBe('"abc" is not a number.');
    expect(checkAmount("1e6", usdc).error).toBe('"1e6" is not a number.');
    expect(checkAmount("-5", usdc).error).toBe('"-5" is not a number.');
    expect(checkAmount(".", usdc).error).toBe('"." is not a number.');
    expect(checkAmount("0", usdc).error).toBe("Enter an amount above zero.");
    expect(checkAmount("1.0000001", usdc).error).toBe("USDC has 6 decimals; use at most 6 digits after the point.");
  });

  it("refuses more than the wallet holds and more than a ceiling, with the figure", () => {
    expect(checkAmount("100.000001", { ...usdc, balance: 100_000_000n }).error).toBe("More than your wallet holds (100 USDC).");
    expect(checkAmount("100", { ...usdc, balance: 100_000_000n }).amount).toBe(100_000_000n);
    const ceiling = { amount: 2_500_000n, refusal: (shown: string) => `More than the pool can lend (${shown}).` };
    expect(checkAmount("3", { ...usdc, ceiling }).error).toBe("More than the pool can lend (2.5 USDC).");
    expect(checkAmount("2.5", { ...usdc, ceiling }).amount).toBe(2_500_000n);
  });

  it("treats an empty optional field as zero", () => {
    expect(checkAmount("", { ...usdc, optional: true })).toEqual({ amount: 0n, error: null });
    expect(checkAmount("0", { ...usdc, optional: true })).toEqual({ amount: 0n, error: null });
  });
});

describe("amountToInput", () => {
  it("writes the exact amount back as field text and round-trips through checkAmount", () => {
    expect(amountToInput(1_234_500_000n, 6)).toBe("1234.5");
    expect(amountToInput(7n, 18)).toBe("0.000000000000000007");
    expect(amountToInput(5_000_000n, 6)).toBe("5");
    for (const amount of [1n, 999_999n, 123_456_789_012n]) {
      expect(checkAmount(amountToInput(amount, 6), usdc).amount).toBe(amount);
    }
  });
});

describe("decimal commas and thousands separators", () => {
  const weth = { symbol: "WETH", decimals: 18 };

  it("reads a lone comma as the decimal point where it cannot be a thousands separator", () => {
    expect(checkAmount("1,5", usdc).amount).toBe(1_500_000n);
    expect(checkAmount("0,25", usdc).amount).toBe(250_000n);
    expect(checkAmount("1,50", usdc).amount).toBe(1_500_000n);
    expect(checkAmount("12,3456", usdc).amount).toBe(12_345_600n);
    // A first group of four digits is not a thousands group, and a leading zero group is none either.
    expect(checkAmount("1234,567", usdc).amount).toBe(1_234_567_000n);
    expect(checkAmount("0,500", usdc).amount).toBe(500_000n);
    expect(checkAmount(",5", usdc).amount).toBe(500_000n);
    expect(checkAmount("7,", usdc).amount).toBe(7_000_000n);
    expect(checkAmount("1,5", weth).amount).toBe(1_500_000_000_000_000_000n);
  });

  it("refuses a lone comma before three digits, which could be either, and says how to write each", () => {
    expect(checkAmount("1,500", usdc)).toEqual({
      amount: null,
      error: '"1,500" could mean 1500 or 1.5: write 1500, or use a dot for decimals (1.5).',
    });
    expect(checkAmount("1,000", usdc).error).toBe('"1,000" could mean 1000 or 1: write 1000, or use a dot for decimals (1).');
    expect(checkAmount("999,999", usdc).error).toMatch(/^"999,999" could mean 999999 or 999\.999/);
  });

  it("accepts commas as thousands separators when they can be nothing else", () => {
    expect(checkAmount("1,000,000", usdc).amount).toBe(1_000_000_000_000n);
    expect(checkAmount("1,234.56", usdc).amount).toBe(1_234_560_000n);
    expect(checkAmount("12,345,678.9", usdc).amount).toBe(12_345_678_900_000n);
  });

  it("refuses a comma after the dot or a dot used for thousands, never guessing", () => {
    const mixed = /mixes a dot and a comma: use a dot for decimals, and commas only between thousands \(1,234\.5\)\.$/;
    expect(checkAmount("1.000,25", usdc).error).toMatch(mixed);
    expect(checkAmount("1,00.5", usdc).error).toMatch(mixed);
    expect(checkAmount("1.5,0", usdc).error).toMatch(mixed);
    expect(checkAmount("1,5,0", usdc).error).toBe('"1,5,0" is not a number.');
    expect(checkAmount(",", usdc).error).toBe('"," is not a number.');
    expect(checkAmount("1 000", usdc).error).toBe('"1 000" is not a number.');
  });

  it("never reads a comma as nothing: every accepted text is the number it shows", () => {
    for (const [text, expected] of [
      ["1,5", "1.5"],
      ["1,000,000", "1000000"],
      ["1,234.5", "1234.5"],
    ] as const) {
      const parsed = parseDecimalText(text);
      expect("error" in parsed ? null : `${parsed.whole}${parsed.fraction ? `.${parsed.fraction}` : ""}`).toBe(expected);
    }
  });
});

describe("huge and tiny amounts", () => {
  it("refuses more than any token can have (a uint128 of base units), in words", () => {
    const sixty = "9".repeat(60);
    expect(checkAmount(sixty, usdc)).toEqual({ amount: null, error: "That is more USDC than can ever exist; check the amount." });
    expect(checkAmount(amountToInput(LARGEST_AMOUNT, 6), usdc).amount).toBe(LARGEST_AMOUNT);
    expect(checkAmount(amountToInput(LARGEST_AMOUNT + 1n, 6), usdc).error).toBe("That is more USDC than can ever exist; check the amount.");
    expect(checkAmount("1000000000000000000000", { symbol: "WETH", decimals: 18 }).error).toBe("That is more WETH than can ever exist; check the amount.");
  });

  it("refuses more decimals than the token has, however long", () => {
    expect(checkAmount("0.0000001", usdc).error).toBe("USDC has 6 decimals; use at most 6 digits after the point.");
    expect(checkAmount(`0.${"0".repeat(59)}1`, { symbol: "WETH", decimals: 18 }).error).toBe("WETH has 18 decimals; use at most 18 digits after the point.");
    expect(checkAmount("0.000001", usdc).amount).toBe(1n);
  });

  it("quotes a long input shortened, so the message cannot stretch the page", () => {
    const long = `${"1".repeat(60)}x`;
    expect(quoteInput(long)).toBe(`"${"1".repeat(23)}…"`);
    expect(checkAmount(long, usdc).error).toBe(`"${"1".repeat(23)}…" is not a number.`);
    expect(quoteInput("  12abc ")).toBe('"12abc"');
  });
});

describe("the repay ceiling", () => {
  const debt = 1_955_120_000n;

  it("caps a repayment at the debt and says so, before looking at the wallet", () => {
    expect(checkAmount("999999", { ...usdc, balance: 500_000_000n, ceiling: debtCeiling(debt) }).error).toBe(
      "You owe 1,955.12 USDC; repay at most that.",
    );
    expect(checkAmount("1955.120001", { ...usdc, balance: 10n ** 12n, ceiling: debtCeiling(debt) }).error).toBe(
      "You owe 1,955.12 USDC; repay at most that.",
    );
    expect(checkAmount("1955.12", { ...usdc, balance: 10n ** 12n, ceiling: debtCeiling(debt) }).amount).toBe(debt);
  });

  it("still refuses what the wallet lacks within the debt", () => {
    expect(checkAmount("1000", { ...usdc, balance: 500_000_000n, ceiling: debtCeiling(debt) }).error).toBe("More than your wallet holds (500 USDC).");
  });
});

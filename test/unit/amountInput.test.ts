import { describe, expect, it } from "vitest";
import { amountToInput, checkAmount } from "../../lib/amountInput";

const usdc = { symbol: "USDC", decimals: 6 };

describe("checkAmount", () => {
  it("parses decimals exactly into base units, without floating point", () => {
    expect(checkAmount("1234.567891", usdc)).toEqual({ amount: 1_234_567_891n, error: null });
    expect(checkAmount("0.1", { symbol: "WETH", decimals: 18 })).toEqual({ amount: 100_000_000_000_000_000n, error: null });
    // 0.1 + 0.2 in floats is 0.30000000000000004; here it is exactly 0.3.
    expect(checkAmount("0.3", { symbol: "WETH", decimals: 18 }).amount).toBe(300_000_000_000_000_000n);
    expect(checkAmount(" 1,000 ", usdc).amount).toBe(1_000_000_000n);
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
    const ceiling = { amount: 2_500_000n, reason: "More than the pool can lend" };
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

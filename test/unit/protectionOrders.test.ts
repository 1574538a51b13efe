import { describe, expect, it } from "vitest";
import {
  bpsToPercentInput,
  checkDeleverageOrder,
  checkPriceOrder,
  describeDeleverageOrder,
  describePriceOrder,
  formatOrderPrice,
  isDeleverageActive,
  isPriceActive,
  MAX_EXECUTOR_FEE_BPS,
  MAX_ORDER_SLIPPAGE_BPS,
  parsePercentBps,
  parseUsdPriceWad,
  previewDeleverageOrder,
  previewPriceOrder,
  wadToPriceInput,
} from "../../lib/protectionOrders";

const WAD = 10n ** 18n;
const deleverage = (trigger: string, target: string, executorFee = "0.3", maxSlippage = "1") =>
  checkDeleverageOrder({ trigger, target, executorFee, maxSlippage }, { killFactorBps: 9_000n, debtRatioBps: 6_000n });
const price = (low: string, high: string, fraction = "100", executorFee = "0.3", maxSlippage = "1", current = 2_000n * WAD) =>
  checkPriceOrder({ low, high, fraction, executorFee, maxSlippage }, { priceOfToken1: false, receiveAs: 2 }, { currentPriceWad: current });

describe("protection order inputs", () => {
  it("match the vault's constants", () => {
    expect(MAX_EXECUTOR_FEE_BPS).toBe(100n);
    expect(MAX_ORDER_SLIPPAGE_BPS).toBe(500n);
  });

  it("read percentages exactly, with a decimal comma where it can be nothing else", () => {
    expect(parsePercentBps("85", "x")).toEqual({ value: 8_500n, error: null });
    expect(parsePercentBps("85.5%", "x")).toEqual({ value: 8_550n, error: null });
    expect(parsePercentBps("0,3", "x")).toEqual({ value: 30n, error: null });
    expect(parsePercentBps("0.305", "fee").error).toMatch(/steps of 0.01%/);
    expect(parsePercentBps("", "trigger").error).toBe("Enter the trigger.");
    expect(parsePercentBps("abc", "trigger").error).toMatch(/not a number/);
  });

  it("read USD prices exactly; empty means no bound; beyond a uint96 refused", () => {
    expect(parseUsdPriceWad("$1,800.50", "low price")).toEqual({ value: 18_005n * WAD / 10n, error: null });
    expect(parseUsdPriceWad("0,998", "low price")).toEqual({ value: 998n * WAD / 1000n, error: null });
    expect(parseUsdPriceWad("", "low price")).toEqual({ value: 0n, error: null });
    expect(parseUsdPriceWad("100000000000", "high price").error).toMatch(/larger than the vault can store/);
    expect(wadToPriceInput(18_005n * WAD / 10n)).toBe("1800.5");
    expect(bpsToPercentInput(8_550n)).toBe("85.5");
    expect(bpsToPercentInput(30n)).toBe("0.3");
  });
});

describe("deleverage orders: every input the vault refuses, in words", () => {
  it("accepts a good order", () => {
    const check = deleverage("85", "75");
    expect(check.error).toBeNull();
    expect(check.order).toEqual({ triggerDebtRatioBps: 8_500n, targetDebtRatioBps: 7_500n, executorFeeBps: 30n, maxSlippageBps: 100n });
    expect(check.warning).toBeNull();
  });

  it("refuses a trigger outside (0, kill factor) — TriggerOutOfRange", () => {
    expect(deleverage("0", "0").error).toMatch(/above 0%/);
    expect(deleverage("90", "75").error).toBe("The trigger (90.00%) must be below the kill factor (90.00%): at the kill factor anyone may liquidate the position first.");
    expect(deleverage("95", "75").error).toMatch(/below the kill factor/);
    expect(deleverage("89.99", "75").error).toBeNull();
  });

  it("refuses a target at or above the trigger, or zero — TargetNotBelowTrigger", () => {
    expect(deleverage("80", "80").error).toBe("The target (80.00%) must be below the trigger (80.00%): the order lowers the debt ratio.");
    expect(deleverage("80", "85").error).toMatch(/must be below the trigger/);
    expect(deleverage("80", "0").error).toMatch(/target debt ratio must be above 0%/);
  });

  it("refuses a fee above the cap and a swap bound outside (0, 5%] — ExecutorFeeTooHigh, OrderSlippageOutOfRange", () => {
    expect(deleverage("85", "75", "1").error).toBeNull();
    expect(deleverage("85", "75", "1.01").error).toBe("The executor fee (1.01%) is above the vault's cap of 1.00% of the value unwound.");
    expect(deleverage("85", "75", "0.3", "0").error).toMatch(/swap bound must be above 0%/);
    expect(deleverage("85", "75", "0.3", "5.01").error).toMatch(/above the vault's limit of 5.00%/);
    expect(deleverage("85", "75", "0.3", "5").error).toBeNull();
  });

  it("warns when the position is already past the trigger", () => {
    const check = checkDeleverageOrder({ trigger: "60", target: "50", executorFee: "0.3", maxSlippage: "1" }, { killFactorBps: 9_000n, debtRatioBps: 6_000n });
    expect(check.error).toBeNull();
    expect(check.warning).toMatch(/already at 60.00%/);
  });
});

describe("price orders: every input the vault refuses, in words", () => {
  it("accepts a stop-loss, a take-profit and both", () => {
    expect(price("1800", "").order).toMatchObject({ lowPriceWad: 1_800n * WAD, highPriceWad: 0n, fractionBps: 10_000n, receiveAs: 2 });
    expect(price("", "2500").order).toMatchObject({ lowPriceWad: 0n, highPriceWad: 2_500n * WAD });
    expect(price("1800", "2500").error).toBeNull();
  });

  it("refuses no bound and a low above (or at) the high — InvalidPriceRange", () => {
    expect(price("", "").error).toBe("Enter a low price (stop-loss), a high price (take-profit), or both.");
    expect(price("2500", "1800").error).toBe("The low price ($2,500.00) must be below the high price ($1,800.00).");
    expect(price("1800", "1800").error).toMatch(/must be below the high price/);
  });

  it("refuses a fraction outside (0, 100%] — FractionOutOfRange; and the order costs", () => {
    expect(price("1800", "", "0").error).toMatch(/above 0% and at most 100%/);
    expect(price("1800", "", "100.01").error).toMatch(/at most 100%/);
    expect(price("1800", "", "50", "2").error).toMatch(/above the vault's cap/);
  });

  it("warns when the price is already outside the range", () => {
    expect(price("2100", "").warning).toMatch(/already outside this range/);
    expect(price("", "1900").warning).toMatch(/already outside this range/);
    expect(price("1800", "2500").warning).toBeNull();
  });
});

describe("orders in words", () => {
  it("say a deleverage order as the farmer set it", () => {
    expect(describeDeleverageOrder({ triggerDebtRatioBps: 8_500n, targetDebtRatioBps: 7_500n, executorFeeBps: 30n, maxSlippageBps: 100n })).toBe(
      "Deleverage: when the debt ratio reaches 85%, close enough to return to 75%; executor fee up to 0.30%; swaps may lose up to 1.00% against the oracle",
    );
  });

  it("say a stop-loss, a take-profit and a range", () => {
    const base = { priceOfToken1: false, receiveAs: 2 as const, fractionBps: 10_000n, executorFeeBps: 30n, maxSlippageBps: 100n };
    expect(describePriceOrder({ ...base, lowPriceWad: 1_800n * WAD, highPriceWad: 0n }, "WETH", "USDC")).toMatch(/^Stop-loss: when WETH is at or below \$1,800, close 100% into USDC; executor fee up to 0.30%/);
    expect(describePriceOrder({ ...base, lowPriceWad: 0n, highPriceWad: 2_500n * WAD, receiveAs: 0, fractionBps: 5_000n }, "WETH", "USDC")).toMatch(
      /^Take-profit: when WETH is at or above \$2,500, close 50% into both tokens/,
    );
    expect(describePriceOrder({ ...base, lowPriceWad: 1_800n * WAD, highPriceWad: 2_500n * WAD, receiveAs: 1 }, "WETH", "USDC")).toMatch(
      /^Stop-loss \/ take-profit: when WETH is at or below \$1,800 or at or above \$2,500, close 100% into WETH/,
    );
    expect(formatOrderPrice(995n * WAD / 1000n)).toBe("$0.9950");
    expect(formatOrderPrice(18_005n * WAD / 10n)).toBe("$1,800.50");
  });

  it("tell set orders from unset ones", () => {
    expect(isDeleverageActive({ triggerDebtRatioBps: 0n, targetDebtRatioBps: 0n, executorFeeBps: 0n, maxSlippageBps: 0n })).toBe(false);
    expect(isDeleverageActive({ triggerDebtRatioBps: 1n, targetDebtRatioBps: 0n, executorFeeBps: 0n, maxSlippageBps: 0n })).toBe(true);
    const unset = { lowPriceWad: 0n, highPriceWad: 0n, priceOfToken1: false, receiveAs: 0 as const, fractionBps: 0n, executorFeeBps: 0n, maxSlippageBps: 0n };
    expect(isPriceActive(unset)).toBe(false);
    expect(isPriceActive({ ...unset, highPriceWad: 1n })).toBe(true);
    expect(isPriceActive(null)).toBe(false);
  });
});

describe("order previews", () => {
  it("unwind enough at the trigger to reach the target, and cap the fee on that", () => {
    // $10,000 at 85% -> 75%: x = 10,000 x 0.10 / 0.25 = $4,000; fee at most 0.30% = $12.
    const preview = previewDeleverageOrder({ triggerDebtRatioBps: 8_500n, targetDebtRatioBps: 7_500n, executorFeeBps: 30n, maxSlippageBps: 100n }, 10_000n * WAD);
    expect(preview).toEqual({ unwoundWad: 4_000n * WAD, maxFeeWad: 12n * WAD });
    // Check the algebra: (D - x) / (V - x) = target.
    expect(((8_500n * 10_000n - 4_000n * 10_000n) * 10_000n) / (10_000n * 10_000n - 4_000n * 10_000n)).toBe(7_500n);
  });

  it("unwind a price order's fraction", () => {
    const order = { lowPriceWad: 1n, highPriceWad: 0n, priceOfToken1: false, receiveAs: 0 as const, fractionBps: 5_000n, executorFeeBps: 100n, maxSlippageBps: 100n };
    expect(previewPriceOrder(order, 10_000n * WAD)).toEqual({ unwoundWad: 5_000n * WAD, maxFeeWad: 50n * WAD });
  });
});

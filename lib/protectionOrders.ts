/**
 * Protection orders (ILeveragedVault's DeleverageOrder and PriceOrder): reading what a person typed into an order,
 * refusing in words everything the vault would refuse (VaultExits.setDeleverageOrder / setPriceOrder and
 * _requireOrderCosts), describing an order in one sentence, and the preview shown before it is set (what an
 * execution would unwind and the most the executor can be paid).
 *
 * Percentages are typed in percent ("85", "0.3") and kept in basis points; prices in USD ("1800", "$1,800.50") and
 * kept as WAD, both parsed as exact decimals (lib/amountInput's separator rules), never through a float.
 */
import { parseDecimalText } from "./amountInput";
import { formatBps, formatUsdWad } from "./format";
import type { DeleverageOrderRecord, PriceOrderRecord } from "./positionHistory";

export const BPS = 10_000n;
const WAD = 10n ** 18n;

/** VaultState.MAX_EXECUTOR_FEE_BPS: the most an order may pay its executor, as a share of the value unwound. */
export const MAX_EXECUTOR_FEE_BPS = 100n;
/** VaultState.MAX_ORDER_SLIPPAGE_BPS: the largest loss against the oracle an order's swaps may be allowed. */
export const MAX_ORDER_SLIPPAGE_BPS = 500n;
/** A price is stored as a uint96 of WAD. */
export const LARGEST_ORDER_PRICE_WAD = 2n ** 96n - 1n;

/** What the forms start with: the executor fee of the example orders and a 1% swap bound. */
export const DEFAULT_EXECUTOR_FEE_BPS = 30n;
export const DEFAULT_ORDER_SLIPPAGE_BPS = 100n;

/** receiveAs, as the vault's ReceiveAs enum: 0 both tokens, 1 token 0, 2 token 1. */
export type ReceiveChoice = 0 | 1 | 2;

export type Parsed<T> = { value: T; error: null } | { value: null; error: string };

/** Whether each kind of order is set: a deleverage order while its trigger is non-zero, a price order while a bound is. */
export function isDeleverageActive(order: DeleverageOrderRecord | null | undefined): order is DeleverageOrderRecord {
  return Boolean(order && order.triggerDebtRatioBps !== 0n);
}
export function isPriceActive(order: PriceOrderRecord | null | undefined): order is PriceOrderRecord {
  return Boolean(order && (order.lowPriceWad !== 0n || order.highPriceWad !== 0n));
}

/** A percentage typed as "85", "85.5%" or "0,3" to basis points (at most two decimals), or why not. */
export function parsePercentBps(text: string, what: string): Parsed<bigint> {
  const trimmed = text.trim().replace(/%$/, "").trim();
  if (trimmed === "") return { value: null, error: `Enter the ${what}.` };
  const parsed = parseDecimalText(trimmed);
  if ("error" in parsed) return { value: null, error: `The ${what}: ${parsed.error}` };
  if (parsed.fraction.length > 2) return { value: null, error: `The ${what} moves in steps of 0.01%.` };
  const bps = BigInt(parsed.whole || "0") * 100n + BigInt(parsed.fraction.padEnd(2, "0") || "0");
  if (bps > 1_000_000n) return { value: null, error: `The ${what} (${trimmed}%) is far beyond 100%; check it.` };
  return { value: bps, error: null };
}

/** A USD price typed as "1800", "$1,800.50" or "0,998" to WAD; empty is "no bound" (zero). */
export function parseUsdPriceWad(text: string, what: string): Parsed<bigint> {
  const trimmed = text.trim().replace(/^\$/, "").trim();
  if (trimmed === "") return { value: 0n, error: null };
  const parsed = parseDecimalText(trimmed);
  if ("error" in parsed) return { value: null, error: `The ${what}: ${parsed.error}` };
  if (parsed.fraction.length > 18) return { value: null, error: `The ${what} has more than 18 decimals.` };
  const wad = BigInt(parsed.whole || "0") * WAD + BigInt(parsed.fraction.padEnd(18, "0") || "0");
  if (wad > LARGEST_ORDER_PRICE_WAD) return { value: null, error: `The ${what} is larger than the vault can store (about $79 billion).` };
  return { value: wad, error: null };
}

/** The executor fee and swap bound every order carries, as the vault checks them. */
export function orderCostsProblem(executorFeeBps: bigint, maxSlippageBps: bigint): string | null {
  if (executorFeeBps < 0n) return "The executor fee cannot be negative.";
  if (executorFeeBps > MAX_EXECUTOR_FEE_BPS) {
    return `The executor fee (${formatBps(executorFeeBps)}) is above the vault's cap of ${formatBps(MAX_EXECUTOR_FEE_BPS)} of the value unwound.`;
  }
  if (maxSlippageBps <= 0n) return "The swap bound must be above 0%: an order that may lose nothing to a swap could never execute.";
  if (maxSlippageBps > MAX_ORDER_SLIPPAGE_BPS) {
    return `The swap bound (${formatBps(maxSlippageBps)}) is above the vault's limit of ${formatBps(MAX_ORDER_SLIPPAGE_BPS)}.`;
  }
  return null;
}

export interface DeleverageCheckContext {
  killFactorBps: bigint;
  /** The position's debt ratio now: a trigger at or below it executes at once (allowed, but said). */
  debtRatioBps: bigint;
}

export interface OrderCheck<T> {
  order: T | null;
  /** Why the vault would refuse it (nothing is sent); null when it is fine. */
  error: string | null;
  /** Accepted by the vault, but worth knowing before signing. */
  warning: string | null;
}

/**
 * A deleverage order from its typed fields, refused with the vault's own rules: trigger strictly between 0 and the
 * kill factor (TriggerOutOfRange), target above 0 and below the trigger (TargetNotBelowTrigger), executor fee at most
 * MAX_EXECUTOR_FEE_BPS (ExecutorFeeTooHigh), swap bound in (0, MAX_ORDER_SLIPPAGE_BPS] (OrderSlippageOutOfRange).
 */
export function checkDeleverageOrder(
  texts: { trigger: string; target: string; executorFee: string; maxSlippage: string },
  context: DeleverageCheckContext,
): OrderCheck<DeleverageOrderRecord> {
  const refuse = (error: string): OrderCheck<DeleverageOrderRecord> => ({ order: null, error, warning: null });
  const trigger = parsePercentBps(texts.trigger, "trigger debt ratio");
  if (trigger.error !== null) return refuse(trigger.error);
  const target = parsePercentBps(texts.target, "target debt ratio");
  if (target.error !== null) return refuse(target.error);
  const fee = parsePercentBps(texts.executorFee, "executor fee");
  if (fee.error !== null) return refuse(fee.error);
  const slippage = parsePercentBps(texts.maxSlippage, "swap bound");
  if (slippage.error !== null) return refuse(slippage.error);
  const kill = context.killFactorBps;
  if (trigger.value === 0n) return refuse("The trigger debt ratio must be above 0%.");
  if (trigger.value >= kill) {
    return refuse(`The trigger (${formatBps(trigger.value)}) must be below the kill factor (${formatBps(kill)}): at the kill factor anyone may liquidate the position first.`);
  }
  if (target.value === 0n) return refuse("The target debt ratio must be above 0%; to pay off all debt, close the position.");
  if (target.value >= trigger.value) {
    return refuse(`The target (${formatBps(target.value)}) must be below the trigger (${formatBps(trigger.value)}): the order lowers the debt ratio.`);
  }
  const costs = orderCostsProblem(fee.value, slippage.value);
  if (costs) return refuse(costs);
  const order = { triggerDebtRatioBps: trigger.value, targetDebtRatioBps: target.value, executorFeeBps: fee.value, maxSlippageBps: slippage.value };
  const warning =
    context.debtRatioBps >= trigger.value
      ? `The position is already at ${formatBps(context.debtRatioBps)}, at or above this trigger: anyone may execute the order as soon as it is set.`
      : null;
  return { order, error: null, warning };
}

export interface PriceCheckContext {
  /** The oracle's USD price of the order's token now, WAD: a range that excludes it executes at once. */
  currentPriceWad: bigint;
}

/**
 * A stop-loss / take-profit order from its typed fields, refused with the vault's rules: at least one bound and the
 * low below the high (InvalidPriceRange), a fraction in (0, 100%] (FractionOutOfRange), and the order costs.
 */
export function checkPriceOrder(
  texts: { low: string; high: string; fraction: string; executorFee: string; maxSlippage: string },
  choice: { priceOfToken1: boolean; receiveAs: ReceiveChoice },
  context: PriceCheckContext,
): OrderCheck<PriceOrderRecord> {
  const refuse = (error: string): OrderCheck<PriceOrderRecord> => ({ order: null, error, warning: null });
  const low = parseUsdPriceWad(texts.low, "low price");
  if (low.error !== null) return refuse(low.error);
  const high = parseUsdPriceWad(texts.high, "high price");
  if (high.error !== null) return refuse(high.error);
  const fraction = parsePercentBps(texts.fraction, "part to close");
  if (fraction.error !== null) return refuse(fraction.error);
  const fee = parsePercentBps(texts.executorFee, "executor fee");
  if (fee.error !== null) return refuse(fee.error);
  const slippage = parsePercentBps(texts.maxSlippage, "swap bound");
  if (slippage.error !== null) return refuse(slippage.error);
  if (low.value === 0n && high.value === 0n) return refuse("Enter a low price (stop-loss), a high price (take-profit), or both.");
  if (high.value !== 0n && low.value >= high.value) {
    return refuse(`The low price (${formatUsdWad(low.value)}) must be below the high price (${formatUsdWad(high.value)}).`);
  }
  if (fraction.value === 0n || fraction.value > BPS) return refuse("The part to close must be above 0% and at most 100%.");
  const costs = orderCostsProblem(fee.value, slippage.value);
  if (costs) return refuse(costs);
  const order: PriceOrderRecord = {
    lowPriceWad: low.value,
    highPriceWad: high.value,
    priceOfToken1: choice.priceOfToken1,
    receiveAs: choice.receiveAs,
    fractionBps: fraction.value,
    executorFeeBps: fee.value,
    maxSlippageBps: slippage.value,
  };
  const price = context.currentPriceWad;
  const warning =
    (low.value !== 0n && price <= low.value) || (high.value !== 0n && price >= high.value)
      ? `The price now (${formatUsdWad(price)}) is already outside this range: anyone may execute the order as soon as it is set.`
      : null;
  return { order, error: null, warning };
}

/** "$1,800", "$1,800.50", or with four decimals below $10 (a stablecoin's "$0.9950"). */
export function formatOrderPrice(priceWad: bigint): string {
  if (priceWad >= 10n * WAD) {
    const text = formatUsdWad(priceWad);
    return text.endsWith(".00") ? text.slice(0, -3) : text;
  }
  const tenThousandths = (priceWad + 5n * 10n ** 13n) / 10n ** 14n;
  return `$${tenThousandths / 10_000n}.${(tenThousandths % 10_000n).toString().padStart(4, "0")}`;
}

/** "Deleverage: when the debt ratio reaches 85%, close enough to return to 75%; executor fee up to 0.30%". */
export function describeDeleverageOrder(order: DeleverageOrderRecord): string {
  return (
    `Deleverage: when the debt ratio reaches ${formatBps(order.triggerDebtRatioBps, percentDigits(order.triggerDebtRatioBps))}, ` +
    `close enough to return to ${formatBps(order.targetDebtRatioBps, percentDigits(order.targetDebtRatioBps))}; ` +
    `executor fee up to ${formatBps(order.executorFeeBps)}; swaps may lose up to ${formatBps(order.maxSlippageBps)} against the oracle`
  );
}

/**
 * "Stop-loss: when WETH is at or below $1,800, close 100% into USDC"; "Take-profit: ... at or above ...";
 * both bounds: "Stop-loss / take-profit: when WETH is at or below $1,800 or at or above $2,500, ...".
 */
export function describePriceOrder(order: PriceOrderRecord, symbol0: string, symbol1: string): string {
  const token = order.priceOfToken1 ? symbol1 : symbol0;
  const kind = order.lowPriceWad !== 0n && order.highPriceWad !== 0n ? "Stop-loss / take-profit" : order.lowPriceWad !== 0n ? "Stop-loss" : "Take-profit";
  const bounds = [
    order.lowPriceWad !== 0n ? `at or below ${formatOrderPrice(order.lowPriceWad)}` : null,
    order.highPriceWad !== 0n ? `at or above ${formatOrderPrice(order.highPriceWad)}` : null,
  ]
    .filter(Boolean)
    .join(" or ");
  const into = order.receiveAs === 0 ? "both tokens" : order.receiveAs === 1 ? symbol0 : symbol1;
  return (
    `${kind}: when ${token} is ${bounds}, close ${formatBps(order.fractionBps, percentDigits(order.fractionBps))} into ${into}; ` +
    `executor fee up to ${formatBps(order.executorFeeBps)}; swaps may lose up to ${formatBps(order.maxSlippageBps)} against the oracle`
  );
}

/** Whole percentages without decimals ("85%"), others with two ("85.50%"). */
function percentDigits(bps: bigint): number {
  return bps % 100n === 0n ? 0 : 2;
}

export interface OrderPreview {
  /** Value the order would unwind if it executed at today's position value, USD WAD. */
  unwoundWad: bigint;
  /** The most the executor could be paid on that, USD WAD. */
  maxFeeWad: bigint;
}

/**
 * What a deleverage order would unwind if it executed with the position at its trigger and today's value: unwinding
 * value x and repaying x of debt takes debt D = trigger x V to the target t when x = V (trigger - t) / (1 - t); the
 * executor's fee is at most fee x x. A preview, rounded up (the larger fee is the one to know about).
 */
export function previewDeleverageOrder(order: DeleverageOrderRecord, positionValueWad: bigint): OrderPreview {
  const gap = order.triggerDebtRatioBps - order.targetDebtRatioBps;
  const rest = BPS - order.targetDebtRatioBps;
  const unwoundWad = gap <= 0n || rest <= 0n ? 0n : ceilDiv(positionValueWad * gap, rest);
  return { unwoundWad, maxFeeWad: ceilDiv(unwoundWad * order.executorFeeBps, BPS) };
}

/** What a price order would unwind at today's value: its fraction of the position; the fee at most its rate on that. */
export function previewPriceOrder(order: PriceOrderRecord, positionValueWad: bigint): OrderPreview {
  const unwoundWad = ceilDiv(positionValueWad * order.fractionBps, BPS);
  return { unwoundWad, maxFeeWad: ceilDiv(unwoundWad * order.executorFeeBps, BPS) };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** A basis-point figure as the text a percent field holds ("85", "0.3"). */
export function bpsToPercentInput(bps: bigint): string {
  const whole = bps / 100n;
  const fraction = (bps % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** A WAD price as the text a price field holds ("1800", "0.995"); zero (no bound) is empty. */
export function wadToPriceInput(wad: bigint): string {
  if (wad === 0n) return "";
  const fraction = (wad % WAD).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction ? `${wad / WAD}.${fraction}` : `${wad / WAD}`;
}

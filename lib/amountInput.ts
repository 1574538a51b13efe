/**
 * Turning what a person typed into a token amount, with the reason in words when it cannot be used. Every form
 * in the app checks its fields here before anything is signed.
 *
 * Separators: the dot is the decimal point and commas may group thousands ("1,234,567.89"). A decimal comma, as
 * typed in much of Europe, is read as the point when it cannot be anything else: a single comma, no dot, and not
 * in the shape of a thousands group ("1,5" and "0,25" and "1234,567" are 1.5, 0.25 and 1234.567). A single comma
 * that could be either ("1,500": fifteen hundred, or one and a half) is refused, as is a dot and a comma used the
 * other way round ("1.000,25"): an amount is never silently read as another number.
 */
import { formatTokenAmount } from "./format";

export type AmountCheck = { amount: bigint; error: null } | { amount: null; error: string };

export interface AmountCeiling {
  amount: bigint;
  /** The refusal in words, given the ceiling as shown ("1,955.12 USDC"). */
  refusal(shownCeiling: string): string;
}

export interface AmountLimits {
  symbol: string;
  decimals: number;
  /** What the wallet holds; more is refused. */
  balance?: bigint;
  /**
   * Another ceiling with its own wording, e.g. the debt or what is withdrawable. It is checked before the balance:
   * it is the limit of what the action can do, whatever the wallet holds.
   */
  ceiling?: AmountCeiling;
  /** An empty field means zero instead of an error (an optional second token, say). */
  optional?: boolean;
}

/**
 * No token amount is larger than a uint128 in base units (pools and vaults keep amounts in at most 128 bits, and no
 * real supply comes near): a larger number is a typing mistake, and refusing it keeps 60-digit figures off the page.
 */
export const LARGEST_AMOUNT = 2n ** 128n - 1n;

const PLAIN_NUMBER = /^(\d*)(?:\.(\d*))?$/;
/** Whole digits grouped by commas in threes, the first group without a leading zero: "1,234", "12,345,678". */
const THOUSANDS_GROUPED = /^[1-9]\d{0,2}(?:,\d{3})+$/;
const DECIMAL_COMMA = /^(\d*),(\d*)$/;
/** Past this, the typed text is shortened inside a message, so a pasted wall of digits cannot stretch the page. */
const QUOTED_INPUT_LENGTH = 24;

/** The typed text inside quotes, shortened when long. */
export function quoteInput(text: string): string {
  const trimmed = text.trim();
  return `"${trimmed.length > QUOTED_INPUT_LENGTH ? `${trimmed.slice(0, QUOTED_INPUT_LENGTH - 1)}…` : trimmed}"`;
}

type ParsedDecimal = { whole: string; fraction: string } | { error: string };

/** The typed text as whole and fraction digits, separators resolved by the rules above. */
export function parseDecimalText(text: string): ParsedDecimal {
  const trimmed = text.trim();
  const notANumber = { error: `${quoteInput(text)} is not a number.` };
  if (!trimmed.includes(",")) {
    const match = PLAIN_NUMBER.exec(trimmed);
    if (!match || (match[1] === "" && !match[2])) return notANumber;
    return { whole: match[1], fraction: match[2] ?? "" };
  }
  if (trimmed.includes(".")) {
    const [wholePart, ...rest] = trimmed.split(".");
    if (rest.length === 1 && THOUSANDS_GROUPED.test(wholePart) && /^\d*$/.test(rest[0])) {
      return { whole: wholePart.replace(/,/g, ""), fraction: rest[0] };
    }
    if (/^[\d.,]+$/.test(trimmed)) {
      return { error: `${quoteInput(text)} mixes a dot and a comma: use a dot for decimals, and commas only between thousands (1,234.5).` };
    }
    return notANumber;
  }
  if (THOUSANDS_GROUPED.test(trimmed)) {
    // Two or more commas can only be thousands; one comma before three digits may also be a decimal comma.
    if (trimmed.indexOf(",") === trimmed.lastIndexOf(",")) {
      const [before, after] = trimmed.split(",");
      const asDecimal = after.replace(/0+$/, "") === "" ? before : `${before}.${after.replace(/0+$/, "")}`;
      return {
        error: `${quoteInput(text)} could mean ${before}${after} or ${asDecimal}: write ${before}${after}, or use a dot for decimals (${asDecimal}).`,
      };
    }
    return { whole: trimmed.replace(/,/g, ""), fraction: "" };
  }
  const decimalComma = DECIMAL_COMMA.exec(trimmed);
  if (decimalComma && (decimalComma[1] !== "" || decimalComma[2] !== "")) return { whole: decimalComma[1], fraction: decimalComma[2] };
  return notANumber;
}

/** Parses a decimal string into base units exactly (no floats), or says what is wrong with it. */
export function checkAmount(text: string, limits: AmountLimits): AmountCheck {
  if (text.trim() === "") {
    return limits.optional ? { amount: 0n, error: null } : { amount: null, error: "Enter an amount." };
  }
  const parsed = parseDecimalText(text);
  if ("error" in parsed) return { amount: null, error: parsed.error };
  const { whole, fraction } = parsed;
  if (fraction.length > limits.decimals) {
    return { amount: null, error: `${limits.symbol} has ${limits.decimals} decimals; use at most ${limits.decimals} digits after the point.` };
  }
  const amount = BigInt(whole || "0") * 10n ** BigInt(limits.decimals) + BigInt(fraction.padEnd(limits.decimals, "0") || "0");
  if (amount > LARGEST_AMOUNT) return { amount: null, error: `That is more ${limits.symbol} than can ever exist; check the amount.` };
  if (amount === 0n && !limits.optional) return { amount: null, error: "Enter an amount above zero." };
  const shown = (value: bigint) => `${formatTokenAmount(value, limits.decimals, 6)} ${limits.symbol}`;
  if (limits.ceiling && amount > limits.ceiling.amount) {
    return { amount: null, error: limits.ceiling.refusal(shown(limits.ceiling.amount)) };
  }
  if (limits.balance !== undefined && amount > limits.balance) {
    return { amount: null, error: `More than your wallet holds (${shown(limits.balance)}).` };
  }
  return { amount, error: null };
}

/** The repay form's ceiling: at most the debt, said as the debt. */
export function debtCeiling(debt: bigint): AmountCeiling {
  return { amount: debt, refusal: (shownDebt) => `You owe ${shownDebt}; repay at most that.` };
}

/** An amount in base units as the exact decimal text a field would hold ("Max" buttons). */
export function amountToInput(amount: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const fraction = (amount % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${amount / unit}.${fraction}` : `${amount / unit}`;
}

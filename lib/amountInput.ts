/**
 * Turning what a person typed into a token amount, with the reason in words when it cannot be used. Every form
 * in the app checks its fields here before anything is signed.
 */
import { formatTokenAmount } from "./format";

export type AmountCheck = { amount: bigint; error: null } | { amount: null; error: string };

export interface AmountLimits {
  symbol: string;
  decimals: number;
  /** What the wallet holds; more is refused. */
  balance?: bigint;
  /** Another ceiling with its own wording, e.g. what a pool can lend or what is withdrawable. */
  ceiling?: { amount: bigint; reason: string };
  /** An empty field means zero instead of an error (an optional second token, say). */
  optional?: boolean;
}

const NUMBER_PATTERN = /^(\d+)?(?:\.(\d*))?$/;

/** Parses a decimal string into base units exactly (no floats), or says what is wrong with it. */
export function checkAmount(text: string, limits: AmountLimits): AmountCheck {
  const trimmed = text.trim().replace(/,/g, "");
  if (trimmed === "") {
    return limits.optional ? { amount: 0n, error: null } : { amount: null, error: "Enter an amount." };
  }
  const match = NUMBER_PATTERN.exec(trimmed);
  if (!match || (match[1] === undefined && !match[2])) {
    return { amount: null, error: `"${text.trim()}" is not a number.` };
  }
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > limits.decimals) {
    return { amount: null, error: `${limits.symbol} has ${limits.decimals} decimals; use at most ${limits.decimals} digits after the point.` };
  }
  const amount = BigInt(whole) * 10n ** BigInt(limits.decimals) + BigInt(fraction.padEnd(limits.decimals, "0") || "0");
  if (amount === 0n && !limits.optional) return { amount: null, error: "Enter an amount above zero." };
  if (limits.balance !== undefined && amount > limits.balance) {
    return {
      amount: null,
      error: `More than your wallet holds (${formatTokenAmount(limits.balance, limits.decimals, 6)} ${limits.symbol}).`,
    };
  }
  if (limits.ceiling && amount > limits.ceiling.amount) {
    return {
      amount: null,
      error: `${limits.ceiling.reason} (${formatTokenAmount(limits.ceiling.amount, limits.decimals, 6)} ${limits.symbol}).`,
    };
  }
  return { amount, error: null };
}

/** An amount in base units as the exact decimal text a field would hold ("Max" buttons). */
export function amountToInput(amount: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const fraction = (amount % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${amount / unit}.${fraction}` : `${amount / unit}`;
}

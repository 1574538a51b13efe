/**
 * The slippage tolerance a person sets: the most a transaction may lose against its preview before the vault
 * refuses it. Zero would make any price move between signing and mining revert the transaction, and beyond half the
 * amount the tolerance protects nothing, so both are refused.
 */
import { quoteInput } from "./amountInput";

/** 50%: the most a tolerance may be. */
export const MAX_SLIPPAGE_BPS = 5_000n;

const PERCENT_PATTERN = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

export type SlippageCheck = { slippageBps: bigint; error: null } | { slippageBps: null; error: string };

/** A tolerance as typed in percent ("0.5", "0.5%", "0,5") to basis points, above 0 and at most 50%, or why not. */
export function parseSlippage(text: string): SlippageCheck {
  const trimmed = text.trim().replace(/%$/, "").trim();
  if (trimmed === "") return { slippageBps: null, error: "Enter a slippage tolerance." };
  // A percentage has no thousands, so a comma can only be a decimal comma.
  const match = PERCENT_PATTERN.exec(trimmed.replace(",", "."));
  if (!match) return { slippageBps: null, error: `${quoteInput(text)} is not a percentage; enter a number such as 0.5.` };
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? match[3] ?? "";
  if (fraction.length > 2) return { slippageBps: null, error: "Use at most two decimals (0.01% steps)." };
  const slippageBps = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  if (slippageBps === 0n) {
    return { slippageBps: null, error: "A tolerance of 0% fails on any price move before the transaction is mined; enter at least 0.01%." };
  }
  if (slippageBps > MAX_SLIPPAGE_BPS) return { slippageBps: null, error: "A tolerance above 50% protects nothing; enter 50 or less." };
  return { slippageBps, error: null };
}

/** The tolerances offered with one click on every form (0.1%, 0.5%, 1%), and the one chosen until the farmer picks. */
export const SLIPPAGE_PRESETS_BPS = [10n, 50n, 100n] as const;
export const DEFAULT_SLIPPAGE_BPS: bigint = 50n;

/** A preset as the open form's text field holds it: basis points to percent ("0.5"). */
export function slippagePresetText(bps: bigint): string {
  const whole = bps / 100n;
  const fraction = (bps % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}

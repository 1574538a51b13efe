/** Number formatting shared by the app and the scripts' output. */

/** A token amount in base units as a readable number with thousands separators. */
export function formatTokenAmount(amount: bigint, decimals: number, maximumFractionDigits = 2): string {
  const negative = amount < 0n;
  const absolute = negative ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  const whole = absolute / unit;
  const fraction = absolute % unit;
  const fractionDigits = fraction.toString().padStart(decimals, "0").slice(0, maximumFractionDigits).replace(/0+$/, "");
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${wholeText}${fractionDigits ? `.${fractionDigits}` : ""}`;
}

/** Beyond this (1,000,000%) a percentage stops meaning anything to a reader; compounding tiny pools gets there. */
const LARGEST_READABLE_PERCENT = 1_000_000;

/** A fraction (0.0523) as a percentage ("5.23%"), with thousands separators ("25,115.52%"). */
export function formatPercent(fraction: number, fractionDigits = 2): string {
  const percent = fraction * 100;
  if (!Number.isFinite(percent) || Math.abs(percent) > LARGEST_READABLE_PERCENT) {
    return `${percent < 0 ? "< -" : "> "}${LARGEST_READABLE_PERCENT.toLocaleString("en-US")}%`;
  }
  return `${percent.toLocaleString("en-US", { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits })}%`;
}

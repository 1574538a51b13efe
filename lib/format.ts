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

/** A fraction (0.0523) as a percentage ("5.23%"). */
export function formatPercent(fraction: number, fractionDigits = 2): string {
  return `${(fraction * 100).toFixed(fractionDigits)}%`;
}

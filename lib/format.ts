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

/** A USD amount in WAD as "$1,234.57" (rounded to the cent), negative as "-$12.30". */
export function formatUsdWad(valueWad: bigint): string {
  const negative = valueWad < 0n;
  const absolute = negative ? -valueWad : valueWad;
  const cents = (absolute + 5n * 10n ** 15n) / 10n ** 16n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative && cents > 0n ? "-" : ""}$${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** A USD amount as a number, "$1,234.57"; prices of tokens worth less than a dollar keep 4 significant decimals. */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const digits = Math.abs(value) !== 0 && Math.abs(value) < 10 ? 4 : 2;
  const text = Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${value < 0 ? "-" : ""}$${text}`;
}

/** A ratio in basis points as a percentage. */
export function formatBps(bps: bigint, fractionDigits = 2): string {
  return formatPercent(Number(bps) / 10_000, fractionDigits);
}

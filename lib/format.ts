/**
 * Number formatting shared by the app and the scripts' output. Amounts are formatted from bigint base units with
 * integer math, so no figure ever reads in scientific notation, and a figure that rounds to zero never carries a
 * minus sign ("-0.00%").
 */

const withThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A token amount in base units as a readable number with thousands separators. */
export function formatTokenAmount(amount: bigint, decimals: number, maximumFractionDigits = 2): string {
  const negative = amount < 0n;
  const absolute = negative ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  const whole = absolute / unit;
  const fraction = absolute % unit;
  const fractionDigits = fraction.toString().padStart(decimals, "0").slice(0, maximumFractionDigits).replace(/0+$/, "");
  const wholeText = withThousands(whole.toString());
  return `${negative && (whole > 0n || fractionDigits !== "") ? "-" : ""}${wholeText}${fractionDigits ? `.${fractionDigits}` : ""}`;
}

/** Significant digits a token amount is shown with: enough for any balance decision, few enough to read. */
export const TOKEN_SIGNIFICANT_DIGITS = 6;
/** Amounts of 1 or more keep at least cents, even a large one (12,345.67 USDC). */
const TOKEN_MIN_FRACTION_DIGITS = 2;

/**
 * How many decimals a token amount is shown with: 6 significant digits, so fewer as the whole part grows (6 below 1,
 * 5 from 1, 4 from 10, 3 from 100, 2 from 1,000 on), never more than the token has.
 */
export function tokenFractionDigits(wholeDigits: number, decimals: number): number {
  const fraction = wholeDigits === 0 ? TOKEN_SIGNIFICANT_DIGITS : Math.max(TOKEN_MIN_FRACTION_DIGITS, TOKEN_SIGNIFICANT_DIGITS - wholeDigits);
  return Math.min(fraction, decimals);
}

/**
 * A token amount (base units) at its useful precision (tokenFractionDigits), cut toward zero so it never shows more
 * than there is, trailing zeros dropped: "1,955.12", "0.995025", "3". A non-zero amount too small for the shown
 * decimals reads "< 0.000001" (negative: "> -0.000001"), never 0 and never scientific notation.
 */
export function formatTokenReadable(amount: bigint, decimals: number): string {
  if (amount === 0n) return "0";
  const absolute = amount < 0n ? -amount : amount;
  const whole = absolute / 10n ** BigInt(decimals);
  const digits = tokenFractionDigits(whole === 0n ? 0 : whole.toString().length, decimals);
  const text = formatTokenAmount(absolute, decimals, digits);
  if (text === "0") {
    const smallest = digits === 0 ? "1" : `0.${"1".padStart(digits, "0")}`;
    return amount < 0n ? `> -${smallest}` : `< ${smallest}`;
  }
  return `${amount < 0n ? "-" : ""}${text}`;
}

/** Beyond this (1,000,000%) a percentage stops meaning anything to a reader; compounding tiny pools gets there. */
const LARGEST_READABLE_PERCENT = 1_000_000;

/** A number with exactly `fractionDigits` decimals and separators; what rounds to zero is "0.00", never "-0.00". */
function fixedDigits(value: number, fractionDigits: number): string {
  const text = value.toLocaleString("en-US", { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
  return /^-[0.,]*$/.test(text) ? text.slice(1) : text;
}

/** A fraction (0.0523) as a percentage ("5.23%"), with thousands separators ("25,115.52%"); -0.001% reads 0.00%. */
export function formatPercent(fraction: number, fractionDigits = 2): string {
  const percent = fraction * 100;
  if (!Number.isFinite(percent) || Math.abs(percent) > LARGEST_READABLE_PERCENT) {
    return `${percent < 0 ? "< -" : "> "}${LARGEST_READABLE_PERCENT.toLocaleString("en-US")}%`;
  }
  return `${fixedDigits(percent, fractionDigits)}%`;
}

/** A USD amount in WAD as "$1,234.57" (rounded to the cent), negative as "-$12.30". */
export function formatUsdWad(valueWad: bigint): string {
  const negative = valueWad < 0n;
  const absolute = negative ? -valueWad : valueWad;
  const cents = (absolute + 5n * 10n ** 15n) / 10n ** 16n;
  const whole = withThousands((cents / 100n).toString());
  return `${negative && cents > 0n ? "-" : ""}$${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** A USD amount as a number, "$1,234.57"; prices of tokens worth less than a dollar keep 4 significant decimals. */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const digits = Math.abs(value) !== 0 && Math.abs(value) < 10 ? 4 : 2;
  const text = fixedDigits(value, digits);
  return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
}

/** A ratio in basis points as a percentage. */
export function formatBps(bps: bigint, fractionDigits = 2): string {
  return formatPercent(Number(bps) / 10_000, fractionDigits);
}

/** A ratio such as a price of one token in another, to 6 significant digits, never in scientific notation. */
export function formatSignificant(value: number, significantDigits = 6): string {
  if (!Number.isFinite(value)) return "—";
  const text = value.toLocaleString("en-US", { maximumSignificantDigits: significantDigits });
  return /^-[0.,]*$/.test(text) ? text.slice(1) : text;
}

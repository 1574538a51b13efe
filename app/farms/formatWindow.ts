/** A window length in the largest unit that reads naturally: "24 hours", "9 minutes", "40 seconds". */
export function formatWindow(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (seconds >= 2 * 3_600) return plural(Math.round(seconds / 3_600), "hour");
  if (seconds >= 120) return plural(Math.round(seconds / 60), "minute");
  return plural(seconds, "second");
}

import { MIN_YIELD_WINDOW_SECONDS, type YieldWindow } from "../../lib/farmYield";

const DAY = 86_400;
const HOUR = 3_600;
const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;

/** A duration in the largest unit that reads naturally: "7 days", "24 hours", "19 minutes", "40 seconds". */
export function formatWindow(seconds: number): string {
  if (seconds >= 2 * DAY) return plural(Math.round(seconds / DAY), "day");
  if (seconds >= 2 * HOUR) return plural(Math.round(seconds / HOUR), "hour");
  if (seconds >= 120) return plural(Math.round(seconds / 60), "minute");
  return plural(Math.max(0, Math.round(seconds)), "second");
}

/** The same, short enough for a table cell: "7 d", "24 h", "19 min", "40 s". */
export function formatWindowShort(seconds: number): string {
  if (seconds >= 2 * DAY) return `${Math.round(seconds / DAY)} d`;
  if (seconds >= 2 * HOUR) return `${Math.round(seconds / HOUR)} h`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${Math.max(0, Math.round(seconds))} s`;
}

/** The basis a measured yield was taken over: "7 d", "24 h", "since deployment, 3 d". */
export function formatYieldWindow(window: YieldWindow & { kind: "window" }): string {
  return window.sinceDeployment ? `since deployment, ${formatWindowShort(window.seconds)}` : formatWindowShort(window.seconds);
}

/** Why a measured yield has no figure yet: "deployment is 19 minutes old; shown after 24 h of history". */
export function formatTooYoung(window: YieldWindow & { kind: "tooYoung" }): string {
  return `deployment is ${formatWindow(window.ageSeconds)} old; shown after ${formatWindowShort(window.neededSeconds)} of history`;
}

/** The shortest window any yield is measured over, for footnotes: "24 h". */
export const MIN_YIELD_WINDOW_TEXT = formatWindowShort(MIN_YIELD_WINDOW_SECONDS);

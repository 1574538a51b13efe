/**
 * Which app URLs name something that exists: /farms/<vault> and /positions/<vault>/<id>. An unknown vault or an id
 * that is not a position id answers HTTP 404 (the proxy checks before the page streams; see proxy.ts). Pure.
 */

/** A URL segment decoded once ("USDC%20USDT" is "USDC USDT"); a malformed escape is kept as it is. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Position ids count from 1 in each vault; written as a plain whole number (no sign, no leading zero). */
export function parsePositionId(segment: string): bigint | null {
  return /^[1-9]\d{0,29}$/.test(segment) ? BigInt(segment) : null;
}

export type RouteVerdict = "found" | "not-found" | "not-checked";

/**
 * Whether `pathname` names a known vault (and a well-formed position id). "not-checked" for every other URL. Ids
 * beyond the vault's last position need the chain: the position page checks those.
 */
export function routeVerdict(pathname: string, vaultNames: ReadonlySet<string>): RouteVerdict {
  const parts = pathname.split("/").filter((part) => part !== "");
  if (parts[0] === "farms" && parts.length === 2) {
    return vaultNames.has(decodeSegment(parts[1])) ? "found" : "not-found";
  }
  if (parts[0] === "positions" && parts.length === 3) {
    return vaultNames.has(decodeSegment(parts[1])) && parsePositionId(parts[2]) !== null ? "found" : "not-found";
  }
  return "not-checked";
}

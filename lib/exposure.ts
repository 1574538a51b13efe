/**
 * Net exposure per token of a leveraged LP position, as Extra Finance shows it: what the position holds of each
 * token through its share of the pair's liquidity, less what it owes in that token. Positive is long (the position
 * gains when that token's price rises), negative is short (it gains when it falls), and a figure worth less than
 * NEUTRAL_SHARE_BPS of the position's value reads "Neutral".
 *
 * Holdings are the position's LP x the pair's reserve / the pair's LP supply, rounded down (what burning that LP
 * would return, before fees); debts as the vault reports them.
 */
import { formatTokenReadable } from "./format";
import { tokenValueWad } from "./vaultMath";

/**
 * Below this share of the position's value (100 bps = 1%), a token's net exposure reads "Neutral": a 10% move of
 * that token's price then changes the position's value by less than 0.1%, inside the noise of fees and rounding.
 */
export const NEUTRAL_SHARE_BPS = 100n;
const BPS = 10_000n;

export interface ExposureInput {
  /** The position's LP tokens, and the pair's reserves and LP total supply at the same block. */
  lpAmount: bigint;
  reserve0: bigint;
  reserve1: bigint;
  pairTotalSupply: bigint;
  debt0: bigint;
  debt1: bigint;
  /** Oracle prices (WAD per whole token) and decimals, for the neutral test. */
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  /** The position's value (positionView valueWad): the base of the neutral share. */
  valueWad: bigint;
}

export type ExposureSide = "long" | "short" | "neutral";

export interface TokenExposure {
  /** Held through the LP, base units. */
  held: bigint;
  owed: bigint;
  /** held - owed, base units; negative is short. */
  net: bigint;
  /** |net| at the oracle price, USD WAD. */
  valueWad: bigint;
  side: ExposureSide;
}

/** The position's tokens in its LP: lp x reserve / supply, rounded down; nothing when the pair has no supply. */
export function lpHoldings(lpAmount: bigint, reserve0: bigint, reserve1: bigint, pairTotalSupply: bigint): [bigint, bigint] {
  if (pairTotalSupply === 0n) return [0n, 0n];
  return [(lpAmount * reserve0) / pairTotalSupply, (lpAmount * reserve1) / pairTotalSupply];
}

/** Long, short or neutral: neutral when |net| x price is below NEUTRAL_SHARE_BPS of the value (compared without division). */
export function exposureSide(net: bigint, netValueWad: bigint, positionValueWad: bigint): ExposureSide {
  if (net === 0n || netValueWad * BPS < positionValueWad * NEUTRAL_SHARE_BPS) return "neutral";
  return net > 0n ? "long" : "short";
}

/** Each token's net exposure, in the vault's (the pair's) token order. */
export function netExposure(input: ExposureInput): [TokenExposure, TokenExposure] {
  const [held0, held1] = lpHoldings(input.lpAmount, input.reserve0, input.reserve1, input.pairTotalSupply);
  const one = (held: bigint, owed: bigint, priceWad: bigint, decimals: number): TokenExposure => {
    const net = held - owed;
    const valueWad = tokenValueWad(net < 0n ? -net : net, priceWad, decimals);
    return { held, owed, net, valueWad, side: exposureSide(net, valueWad, input.valueWad) };
  };
  return [one(held0, input.debt0, input.price0Wad, input.decimals0), one(held1, input.debt1, input.price1Wad, input.decimals1)];
}

/** "Long 0.42 WETH", "Short 120 USDC", "Neutral". */
export function describeExposure(exposure: TokenExposure, token: { symbol: string; decimals: number }): string {
  if (exposure.side === "neutral") return "Neutral";
  const amount = formatTokenReadable(exposure.net < 0n ? -exposure.net : exposure.net, token.decimals);
  return `${exposure.side === "long" ? "Long" : "Short"} ${amount} ${token.symbol}`;
}

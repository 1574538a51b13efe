/**
 * The deploy preflight's sanity check of every price, before anything is sent: a feed that answers is not yet a feed
 * that prices the right token on the right scale. Swapped feeds, a feed with the wrong decimals and a feed for
 * another asset all answer happily and would be written into the oracle; here each is refused by name.
 *
 *   - description: a Chainlink feed says what it prices ("ETH / USD"); it must be the token's (or the gas token's)
 *     USD feed. Catches swapped feeds of equal price (USDC's feed under USDT), which no price comparison can.
 *   - spot: on every pair the config names (each vault's and the reward pair), the two feeds' price ratio must be
 *     within PRICE_SANITY_TOLERANCE_BPS of the pair's own price. Each feed is so compared with the other feeds through
 *     the pairs that link them, and catches swapped feeds of different prices, a wrong scale, a stale or wrong feed.
 */
import { Contract, formatUnits, type Provider } from "ethers";
import type { DeployConfig } from "../../lib/deployConfig";
import { readFeed, readFeedDescription, type FeedReading } from "../../lib/priceFeeds";

/**
 * How far (either way) two feeds' price ratio may be from their pair's spot price. A liquid pair sits within a fraction
 * of a percent of the feeds (arbitrage) and a Chainlink feed moves on a 0.5-2% deviation threshold; the errors this
 * is for are 20% and more (a wrong feed), 1000x (swapped) or 10^10 (wrong decimals). A pair more than 10% off its
 * feeds on deployment day is itself a reason to stop and look.
 */
export const PRICE_SANITY_TOLERANCE_BPS = 1_000;

const PAIR_ABI = [
  "function token0() view returns (address)",
  "function token1() view returns (address)",
  "function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)",
];

/** What a USD feed for `symbol` may call its base asset: the symbol, its unwrapped name, Polygon's renamed gas token. */
function baseNamesFor(symbol: string): Set<string> {
  const upper = symbol.toUpperCase();
  const names = new Set([upper]);
  if (upper.endsWith(".E")) names.add(upper.slice(0, -2)); // bridged: USDC.e
  if (upper.startsWith("W") && upper.length > 3) names.add(upper.slice(1)); // wrapped: WETH, WBTC, WBNB, WPOL
  for (const name of [...names]) {
    if (name === "POL") names.add("MATIC");
    if (name === "MATIC") names.add("POL");
  }
  return names;
}

/** Whether a feed's description ("ETH / USD") is a USD price of `symbol`. */
export function describesUsdPriceOf(description: string, symbol: string): boolean {
  const [base, quote] = description.split("/").map((part) => part.trim().toUpperCase());
  if (quote !== "USD" || !base) return false;
  const wanted = baseNamesFor(symbol);
  return [...baseNamesFor(base)].some((name) => wanted.has(name));
}

/**
 * How far apart two ratios are, in basis points of the smaller: |a/b - 1| measured from whichever is lower, so 20%
 * above and 20% below read alike. Given as numerator and denominator pairs of bigints to stay exact.
 */
export function apartBps(aNumerator: bigint, aDenominator: bigint, bNumerator: bigint, bDenominator: bigint): bigint {
  const left = aNumerator * bDenominator;
  const right = bNumerator * aDenominator;
  const [high, low] = left >= right ? [left, right] : [right, left];
  if (low === 0n) return BigInt(Number.MAX_SAFE_INTEGER);
  return ((high - low) * 10_000n) / low;
}

const SIGNIFICANT = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });
const amount = (value: number) => SIGNIFICANT.format(value);
const usd = (priceWad: bigint) => `$${amount(Number(formatUnits(priceWad, 18)))}`;

/**
 * Every price problem of `config` on the chain behind `provider`, in words naming the tokens involved; empty when
 * every feed is sane. Feeds that do not answer at all are left to the caller's own checks (code, positive answer).
 */
export async function priceSanityProblems(provider: Provider, config: DeployConfig): Promise<string[]> {
  const problems: string[] = [];
  const readings = new Map<string, FeedReading>();
  const feeds: { field: string; symbol: string; feed: string }[] = [
    ...Object.values(config.tokens).map((token) => ({ field: `tokens.${token.symbol}.feed`, symbol: token.symbol, feed: token.feed })),
    { field: "nativeToken.feed", symbol: config.nativeToken.symbol, feed: config.nativeToken.feed },
  ];
  for (const { field, symbol, feed } of feeds) {
    try {
      const reading = await readFeed(provider, feed);
      if (field !== "nativeToken.feed") readings.set(symbol, reading);
    } catch {
      continue; // no answer: reported by the preflight's own feed checks
    }
    const description = await readFeedDescription(provider, feed);
    if (description !== undefined && !describesUsdPriceOf(description, symbol)) {
      const sharing = Object.values(config.tokens).find((token) => token.symbol !== symbol && token.feed.toLowerCase() === feed.toLowerCase());
      const whose = sharing ? ` (it is tokens.${sharing.symbol}.feed too)` : "";
      problems.push(`${field} (${feed}) describes itself as "${description}", not a USD price of ${symbol}${whose}: is it another token's feed?`);
    }
  }

  const pairs = [
    ...Object.values(config.vaults).map((vault) => ({ field: `vaults["${vault.name}"].pair`, address: vault.pair })),
    { field: "rewards.pair", address: config.rewards.pair },
  ];
  const symbolOf = new Map(Object.values(config.tokens).map((token) => [token.address.toLowerCase(), token.symbol]));
  for (const { field, address } of pairs) {
    let token0: string, token1: string, reserve0: bigint, reserve1: bigint, decimals0: number, decimals1: number;
    try {
      const pair = new Contract(address, PAIR_ABI, provider);
      const [address0, address1, reserves] = await Promise.all([pair.token0(), pair.token1(), pair.getReserves()]);
      [token0, token1] = [symbolOf.get(String(address0).toLowerCase()) ?? "", symbolOf.get(String(address1).toLowerCase()) ?? ""];
      [reserve0, reserve1] = [BigInt(reserves[0]), BigInt(reserves[1])];
      const erc20 = (token: string) => new Contract(token, ["function decimals() view returns (uint8)"], provider);
      [decimals0, decimals1] = (await Promise.all([erc20(address0).decimals(), erc20(address1).decimals()])).map(Number);
    } catch {
      continue; // not a pair of the config's tokens: reported by the preflight's own pair checks
    }
    const price0 = readings.get(token0);
    const price1 = readings.get(token1);
    if (!token0 || !token1 || !price0 || !price1) continue;
    if (reserve0 === 0n || reserve1 === 0n) {
      problems.push(`${field} holds no ${reserve0 === 0n ? token0 : token1}: its price cannot confirm the feeds of ${token0} and ${token1}`);
      continue;
    }
    // 1 token0 in token1, by the feeds (price0 / price1) and by the pair (reserve1 / reserve0, in whole tokens).
    const apart = apartBps(price0.priceWad, price1.priceWad, reserve1 * 10n ** BigInt(decimals0), reserve0 * 10n ** BigInt(decimals1));
    if (apart > BigInt(PRICE_SANITY_TOLERANCE_BPS)) {
      const byFeeds = Number(formatUnits((price0.priceWad * 10n ** 18n) / price1.priceWad, 18));
      const byPair = Number(formatUnits(reserve1, decimals1)) / Number(formatUnits(reserve0, decimals0));
      problems.push(
        `${field}: the feeds price ${token0} at ${usd(price0.priceWad)} and ${token1} at ${usd(price1.priceWad)} ` +
          `(1 ${token0} = ${amount(byFeeds)} ${token1}), but the pair trades 1 ${token0} = ${amount(byPair)} ${token1}: ` +
          `${apart >= 10_000n ? `${amount(1 + Number(apart) / 10_000)} times` : `${(Number(apart) / 100).toFixed(1)}%`} apart, ` +
          `more than the ${PRICE_SANITY_TOLERANCE_BPS / 100}% allowed. ` +
          `Are the feeds of ${token0} and ${token1} swapped, on the wrong scale, or for another asset?`,
      );
    }
  }
  return problems;
}

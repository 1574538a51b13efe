/**
 * The deploy preflight's sanity check of every price, before anything is sent: a feed that answers is not yet a feed
 * that prices the right token on the right scale. Swapped feeds, a feed with the wrong decimals and a feed for
 * another asset all answer happily and would be written into the oracle; here each is refused by name.
 *
 *   - description: a Chainlink feed says what it prices ("ETH / USD"); it must be the token's (or the gas token's)
 *     USD feed. Catches swapped feeds of equal price (USDC's feed under USDT), which no price comparison can.
 *   - spot: on every pair the config names (each vault's and the reward pair), the two feeds' price ratio must be
 *     within PRICE_SANITY_TOLERANCE_BPS of the pair's own price. Each feed is so compared with the other feeds through
 *     the pairs that link them, and catches swapped feeds of different prices, a wrong scale, a stale or wrong feed;
 *   - the gas token's feed (nativeToken.feed) the same way: against the feed of its wrapped token when the config
 *     names one (WETH for ETH), else against nativeToken.pair, the wrapped gas token's pair with a config token;
 *   - freshness: a feed older than its maxStalenessSeconds is refused (the oracle would refuse it), and so is a limit
 *     shorter than the feed's own update interval (its latest rounds' gaps: the oracle would refuse it between
 *     updates);
 *   - one feed for two tokens is refused (the gas token may share its wrapped token's feed).
 *
 * Fails closed: a check the node did not let it make (an RPC error, not a revert) is refused by name, never skipped.
 */
import { Contract, formatUnits, type Provider } from "ethers";
import type { DeployConfig } from "../../lib/deployConfig";
import { isError } from "ethers";
import { isRevert, readFeed, readFeedDescription, readRecentRounds, type FeedReading } from "../../lib/priceFeeds";
import { rpcFailureWords } from "./deployRpc";

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

/** How many of a feed's latest rounds are read to see how far apart its updates come. */
export const HEARTBEAT_ROUNDS = 6;

/** The gas token's staleness limit when the config gives none and no token shares its feed: a day and an hour. */
export const DEFAULT_NATIVE_STALENESS_SECONDS = 90_000;

/** Whether two symbols name the same asset (WETH and ETH, WPOL and POL or MATIC). */
export function sameAsset(a: string, b: string): boolean {
  const names = baseNamesFor(b);
  return [...baseNamesFor(a)].some((name) => names.has(name));
}

/** Whether the chain answered (a revert, or no contract there to decode an answer from): else the node failed. */
const chainAnswered = (error: unknown) => isRevert(error) || isError(error, "BAD_DATA");

export interface PriceReview {
  /** What is wrong with the prices, in words naming the fields. */
  problems: string[];
  /** Checks the node did not let the preflight make (RPC errors): each refuses the deploy as surely as a problem. */
  unchecked: string[];
}

/**
 * Every price problem of `config` on the chain behind `provider`, in words naming the tokens involved; empty when
 * every feed is sane and every check could be made. Feeds and pairs that are no contract or revert are left to the
 * caller's own checks (code, positive answer, pair tokens); a node that fails to answer is a problem here.
 */
export async function priceSanityProblems(provider: Provider, config: DeployConfig): Promise<string[]> {
  const review = await reviewPrices(provider, config);
  return [...review.unchecked, ...review.problems];
}

export async function reviewPrices(provider: Provider, config: DeployConfig): Promise<PriceReview> {
  const problems: string[] = [];
  const unchecked: string[] = [];
  const couldNot = (field: string, what: string, error: unknown) =>
    unchecked.push(`${field}: could not ${what}, the node did not answer (${rpcFailureWords(error)}); a price that cannot be checked is refused: run again`);
  let now: number;
  try {
    now = (await provider.getBlock("latest"))!.timestamp;
  } catch (error) {
    couldNot("the chain", "read the latest block's time", error);
    return { problems, unchecked };
  }

  const tokens = Object.values(config.tokens);
  const native = config.nativeToken;
  // The gas token's wrapped token among the config's (WETH for ETH): its feed prices the gas token too.
  const wrappedNative = tokens.find((token) => sameAsset(token.symbol, native.symbol));
  const nativeStaleness =
    native.maxStalenessSeconds ??
    tokens.find((token) => token.feed.toLowerCase() === native.feed.toLowerCase())?.maxStalenessSeconds ??
    wrappedNative?.maxStalenessSeconds ??
    DEFAULT_NATIVE_STALENESS_SECONDS;
  const feeds: { field: string; symbol: string; feed: string; maxStalenessSeconds: number; limitField: string }[] = [
    ...tokens.map((token) => ({
      field: `tokens.${token.symbol}.feed`,
      symbol: token.symbol,
      feed: token.feed,
      maxStalenessSeconds: token.maxStalenessSeconds,
      limitField: `tokens.${token.symbol}.maxStalenessSeconds`,
    })),
    // The gas token's own feed; one it shares with a token (ETH with WETH) is that token's, checked once as its.
    ...(tokens.some((token) => token.feed.toLowerCase() === native.feed.toLowerCase()) ? [] : [{
      field: "nativeToken.feed",
      symbol: native.symbol,
      feed: native.feed,
      maxStalenessSeconds: nativeStaleness,
      limitField: native.maxStalenessSeconds !== undefined ? "nativeToken.maxStalenessSeconds" : "the gas token's staleness limit",
    }]),
  ];

  // One feed, one token: the same feed under two tokens prices one of them wrongly, whatever it describes.
  const firstWithFeed = new Map<string, string>();
  for (const token of tokens) {
    const other = firstWithFeed.get(token.feed.toLowerCase());
    if (other) problems.push(`tokens.${token.symbol}.feed (${token.feed}) is the same feed as tokens.${other}.feed: one feed cannot price two tokens`);
    else firstWithFeed.set(token.feed.toLowerCase(), token.symbol);
  }
  const sharedWithNative = firstWithFeed.get(native.feed.toLowerCase());
  if (sharedWithNative && !sameAsset(sharedWithNative, native.symbol)) {
    problems.push(
      `nativeToken.feed (${native.feed}) is tokens.${sharedWithNative}.feed, but the gas token ${native.symbol} is not ${sharedWithNative}: ` +
        `name the gas token's own USD feed`,
    );
  }

  const readings = new Map<string, FeedReading>();
  for (const { field, symbol, feed, maxStalenessSeconds, limitField } of feeds) {
    let reading: FeedReading;
    try {
      reading = await readFeed(provider, feed);
    } catch (error) {
      if (chainAnswered(error)) continue; // no feed there: reported by the preflight's own feed checks
      if (error instanceof Error && /a price must be positive/.test(error.message)) continue; // the preflight says so
      couldNot(`${field} (${feed})`, "read its latest price", error);
      continue;
    }
    readings.set(field, reading);

    let description: string | undefined;
    try {
      description = await readFeedDescription(provider, feed);
    } catch (error) {
      couldNot(`${field} (${feed})`, "read its description()", error);
    }
    if (description !== undefined && !describesUsdPriceOf(description, symbol)) {
      const sharing = tokens.find((token) => token.symbol !== symbol && token.feed.toLowerCase() === feed.toLowerCase());
      const whose = sharing ? ` (it is tokens.${sharing.symbol}.feed too)` : "";
      problems.push(`${field} (${feed}) describes itself as "${description}", not a USD price of ${symbol}${whose}: is it another token's feed?`);
    }

    const age = now - reading.updatedAt;
    if (age > maxStalenessSeconds) {
      problems.push(
        `${field} (${feed}) last answered ${age} s ago, more than ${limitField} (${maxStalenessSeconds} s): a stale feed is refused ` +
          `(the oracle would refuse its price); is it the live feed?`,
      );
    }
    try {
      const rounds = await readRecentRounds(provider, feed, HEARTBEAT_ROUNDS);
      let widest = { gap: 0, from: 0n, to: 0n };
      for (let index = 1; index < rounds.length; index++) {
        const gap = rounds[index - 1].updatedAt - rounds[index].updatedAt;
        if (gap > widest.gap) widest = { gap, from: rounds[index].roundId, to: rounds[index - 1].roundId };
      }
      if (widest.gap > maxStalenessSeconds) {
        problems.push(
          `${limitField} (${maxStalenessSeconds} s) is shorter than ${field}'s heartbeat: its rounds ${widest.from} and ${widest.to} came ` +
            `${widest.gap} s apart, and the oracle would refuse its price between updates; set it a little above the heartbeat`,
        );
      }
    } catch (error) {
      couldNot(`${field} (${feed})`, "read its recent rounds (getRoundData) to check the staleness limit against its heartbeat", error);
    }
  }

  if (sharedWithNative && readings.has(`tokens.${sharedWithNative}.feed`)) readings.set("nativeToken.feed", readings.get(`tokens.${sharedWithNative}.feed`)!);

  // The gas token's price is compared like any other: with its wrapped token's feed, or through nativeToken.pair.
  const nativeReading = readings.get("nativeToken.feed");
  if (nativeReading && wrappedNative && native.feed.toLowerCase() !== wrappedNative.feed.toLowerCase()) {
    const wrapped = readings.get(`tokens.${wrappedNative.symbol}.feed`);
    if (wrapped) {
      const apart = apartBps(nativeReading.priceWad, 1n, wrapped.priceWad, 1n);
      if (apart > BigInt(PRICE_SANITY_TOLERANCE_BPS)) {
        problems.push(
          `nativeToken.feed prices ${native.symbol} at ${usd(nativeReading.priceWad)}, but tokens.${wrappedNative.symbol}.feed prices ` +
            `${wrappedNative.symbol} at ${usd(wrapped.priceWad)}: ${apartWords(apart)} apart, more than the ${PRICE_SANITY_TOLERANCE_BPS / 100}% ` +
            `allowed. Is nativeToken.feed on the wrong scale or for another asset?`,
        );
      }
    }
  } else if (nativeReading && !wrappedNative && !native.pair) {
    problems.push(
      `nativeToken.feed (${native.feed}) cannot be checked against any price: name nativeToken.pair (a Uniswap V2 pair of the wrapped ` +
        `${native.symbol} with one of the tokens) or list the wrapped ${native.symbol} under "tokens"`,
    );
  }

  // Pair prices: each pair's two feeds against its reserves. By token address; the gas token's pair prices its wrapped token.
  const byAddress = new Map<string, { symbol: string; field: string }>(tokens.map((token) => [token.address.toLowerCase(), { symbol: token.symbol, field: `tokens.${token.symbol}.feed` }]));
  const pairs = [
    ...Object.values(config.vaults).map((vault) => ({ field: `vaults["${vault.name}"].pair`, address: vault.pair, native: false })),
    { field: "rewards.pair", address: config.rewards.pair, native: false },
    ...(native.pair ? [{ field: "nativeToken.pair", address: native.pair, native: true }] : []),
  ];
  for (const { field, address, native: isNativePair } of pairs) {
    let address0: string, address1: string, reserve0: bigint, reserve1: bigint, decimals0: number, decimals1: number;
    try {
      const pair = new Contract(address, PAIR_ABI, provider);
      const [first, second, reserves] = await Promise.all([pair.token0(), pair.token1(), pair.getReserves()]);
      [address0, address1] = [String(first).toLowerCase(), String(second).toLowerCase()];
      [reserve0, reserve1] = [BigInt(reserves[0]), BigInt(reserves[1])];
      const erc20 = (token: string) => new Contract(token, ["function decimals() view returns (uint8)"], provider);
      [decimals0, decimals1] = (await Promise.all([erc20(address0).decimals(), erc20(address1).decimals()])).map(Number);
    } catch (error) {
      if (chainAnswered(error)) {
        if (isNativePair) problems.push(`nativeToken.pair (${address}) does not answer token0(), token1(), getReserves() and decimals(): is it a Uniswap V2 pair?`);
        continue; // not a pair of the config's tokens: reported by the preflight's own pair checks
      }
      couldNot(`${field} (${address})`, "read its tokens and reserves to compare its price with the feeds", error);
      continue;
    }
    const side = (token: string) => byAddress.get(token) ?? (isNativePair ? { symbol: native.symbol, field: "nativeToken.feed" } : undefined);
    const [one, two] = [side(address0), side(address1)];
    if (isNativePair && (byAddress.has(address0) === byAddress.has(address1))) {
      problems.push(`nativeToken.pair (${address}) must pair the wrapped ${native.symbol} with one of the tokens under "tokens"`);
      continue;
    }
    const price0 = one && readings.get(one.field);
    const price1 = two && readings.get(two.field);
    if (!one || !two || !price0 || !price1) continue;
    const [token0, token1] = [one.symbol, two.symbol];
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
          `${apartWords(apart)} apart, more than the ${PRICE_SANITY_TOLERANCE_BPS / 100}% allowed. ` +
          `Are the feeds of ${token0} and ${token1} swapped, on the wrong scale, or for another asset?`,
      );
    }
  }
  return { problems, unchecked };
}

function apartWords(apart: bigint): string {
  return apart >= 10_000n ? `${amount(1 + Number(apart) / 10_000)} times` : `${(Number(apart) / 100).toFixed(1)}%`;
}

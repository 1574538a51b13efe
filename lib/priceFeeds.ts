/**
 * Reading a Chainlink AggregatorV3 USD feed off-chain, the way PriceOracle reads it on-chain: the latest round's
 * answer scaled by the feed's decimals to a WAD (18 decimals) USD price per whole token. Used by the keeper (the gas
 * token's price) and the deploy preflight (every feed's sanity).
 */
import { Contract, type ContractRunner } from "ethers";

export const AGGREGATOR_V3_ABI = [
  "function decimals() view returns (uint8)",
  "function description() view returns (string)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
];

const WAD_DECIMALS = 18n;

/** A feed answer with `decimals` decimals as a WAD. */
export function feedAnswerToWad(answer: bigint, decimals: number): bigint {
  const scale = BigInt(decimals);
  return scale <= WAD_DECIMALS ? answer * 10n ** (WAD_DECIMALS - scale) : answer / 10n ** (scale - WAD_DECIMALS);
}

export interface FeedReading {
  /** The raw answer and its decimals, as the feed reports them. */
  answer: bigint;
  decimals: number;
  /** USD per whole token, 18 decimals. */
  priceWad: bigint;
  /** Unix seconds of the latest round. */
  updatedAt: number;
}

/** The feed's latest round. Throws when the feed does not answer or answers zero or less (no price at all). */
export async function readFeed(runner: ContractRunner, feedAddress: string): Promise<FeedReading> {
  const feed = new Contract(feedAddress, AGGREGATOR_V3_ABI, runner);
  const [decimals, round] = await Promise.all([feed.decimals() as Promise<bigint>, feed.latestRoundData() as Promise<{ answer: bigint; updatedAt: bigint }>]);
  if (round.answer <= 0n) throw new Error(`The price feed ${feedAddress} answers ${round.answer}, and a price must be positive`);
  return { answer: round.answer, decimals: Number(decimals), priceWad: feedAnswerToWad(round.answer, Number(decimals)), updatedAt: Number(round.updatedAt) };
}

/** The feed's description() ("ETH / USD"), or undefined for a feed without one. */
export async function readFeedDescription(runner: ContractRunner, feedAddress: string): Promise<string | undefined> {
  try {
    const description = String(await new Contract(feedAddress, AGGREGATOR_V3_ABI, runner).description());
    return description.length > 0 ? description : undefined;
  } catch {
    return undefined;
  }
}

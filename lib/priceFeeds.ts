/**
 * Reading a Chainlink AggregatorV3 USD feed off-chain, the way PriceOracle reads it on-chain: the latest round's
 * answer scaled by the feed's decimals to a WAD (18 decimals) USD price per whole token. Used by the keeper (the gas
 * token's price) and the deploy preflight (every feed's sanity).
 */
import { Contract, isError, type ContractRunner } from "ethers";

export const AGGREGATOR_V3_ABI = [
  "function decimals() view returns (uint8)",
  "function description() view returns (string)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
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

/**
 * Whether `error` is the chain's answer that the call reverted (a contract without that function, a feed refusing a
 * round), as opposed to a failure to get an answer at all (a refused connection, an HTTP 502, a timeout): only the
 * first says something about the contract. A check that meets the second must fail closed, never read it as "no".
 */
export function isRevert(error: unknown): boolean {
  if (isError(error, "CALL_EXCEPTION")) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /execution reverted|reverted with|VM Exception while processing transaction: revert/i.test(message);
}

/**
 * The feed's description() ("ETH / USD"), or undefined for a feed without one (the call reverts or answers empty).
 * Throws when the node could not be asked: a feed is never taken for description-less because its node failed.
 */
export async function readFeedDescription(runner: ContractRunner, feedAddress: string): Promise<string | undefined> {
  try {
    const description = String(await new Contract(feedAddress, AGGREGATOR_V3_ABI, runner).description());
    return description.length > 0 ? description : undefined;
  } catch (error) {
    if (isRevert(error)) return undefined;
    throw error;
  }
}

/** A round's answer time, as getRoundData(roundId) reports it. */
export interface FeedRound {
  roundId: bigint;
  updatedAt: number;
}

/**
 * The update times of the feed's latest `count` rounds (newest first), as far back as the feed answers: a Chainlink
 * round id counts up within a phase and a round before the phase's first reverts, which ends the list. Throws when
 * the node could not be asked.
 */
export async function readRecentRounds(runner: ContractRunner, feedAddress: string, count: number): Promise<FeedRound[]> {
  const feed = new Contract(feedAddress, AGGREGATOR_V3_ABI, runner);
  const latest = (await feed.latestRoundData()) as { roundId: bigint; updatedAt: bigint };
  const rounds: FeedRound[] = [{ roundId: latest.roundId, updatedAt: Number(latest.updatedAt) }];
  for (let roundId = latest.roundId - 1n; rounds.length < count && roundId > 0n; roundId--) {
    try {
      const round = (await feed.getRoundData(roundId)) as { updatedAt: bigint };
      if (round.updatedAt === 0n) break;
      rounds.push({ roundId, updatedAt: Number(round.updatedAt) });
    } catch (error) {
      if (isRevert(error)) break;
      throw error;
    }
  }
  return rounds;
}

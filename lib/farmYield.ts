/**
 * The yield side of a leveraged farm, for the Farms page: what a StakingRewards farm pays per dollar staked.
 * Number results are for display; the inputs are the chain's bigints so the arithmetic stays exact until the end.
 */
import { SECONDS_PER_YEAR, WAD } from "./math";
import { lpValueWad, tokenValueWad, UNISWAP_V2_FEE_DENOMINATOR, UNISWAP_V2_FEE_NUMERATOR } from "./vaultMath";

export interface FarmRewardInput {
  /** Reward tokens (base units) the farm pays per second to all stakers together: StakingRewards.rewardRate(). */
  rewardRatePerSecond: bigint;
  /** Decimals of the reward token. */
  rewardDecimals: number;
  /** USD price (WAD) of one whole reward token. */
  rewardPriceWad: bigint;
  /** LP tokens (18 decimals) staked in the farm by everyone: StakingRewards.totalSupply(). */
  stakedLp: bigint;
  /** USD price (WAD) of one whole LP token, e.g. vaultMath's fairLpPriceWad. */
  lpPriceWad: bigint;
  /** StakingRewards.periodFinish() and the latest block's timestamp, in seconds. */
  periodFinish: bigint;
  now: bigint;
}

/**
 * The farm's reward APR: rewards paid in a year, in USD, over the USD value of all LP staked, as a fraction. Every
 * staker earns the same per dollar, so this is the vault's rate too. StakingRewards keeps its last rewardRate after
 * the period ends but pays nothing more, so an ended period is 0. Nothing staked has no defined rate: null.
 */
export function farmRewardApr(input: FarmRewardInput): number | null {
  if (input.now >= input.periodFinish) return 0;
  const stakedValueWad = lpValueWad(input.stakedLp, input.lpPriceWad);
  if (stakedValueWad === 0n) return null;
  const rewardsPerYear = input.rewardRatePerSecond * SECONDS_PER_YEAR;
  const rewardValuePerYearWad = (rewardsPerYear * input.rewardPriceWad) / 10n ** BigInt(input.rewardDecimals);
  // Scale to WAD before dividing so small rates keep their digits, then leave bigint for display.
  return Number((rewardValuePerYearWad * WAD) / stakedValueWad) / 1e18;
}

/**
 * The borrow APR the Farms page charges against leverage: the plain average of the vault's two pools. A position's
 * real cost depends on how its debt is split between the two tokens; the average is the cost of borrowing equal
 * values of each, which is what opening a balanced position from one token's collateral comes close to.
 */
export function averageBorrowApr(borrowApr0: number, borrowApr1: number): number {
  return (borrowApr0 + borrowApr1) / 2;
}

export interface TradingFeeInput {
  /** Tokens swapped into the pair over the window, base units: the sums of its Swap events' amount0In and amount1In. */
  amount0In: bigint;
  amount1In: bigint;
  /** USD prices (WAD) of one whole token 0 and token 1, and the tokens' decimals. */
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  /** Seconds the window of swaps covers, from block timestamps. */
  windowSeconds: bigint;
  /** USD value (WAD) of all the pair's liquidity: the fair LP price x the pair's LP total supply. */
  liquidityValueWad: bigint;
}

/**
 * The pair's trading-fee APR: the 0.3% of every swap's input that stays in the pair, valued at oracle prices,
 * scaled from the window to a year and divided by the value of all the pair's liquidity, as a fraction. Every LP
 * token earns the same share, so it is the vault's rate too. Past volume is the estimate of future volume: the
 * figure moves with trading. No window yet (or no liquidity) has no rate: null.
 */
export function tradingFeeApr(input: TradingFeeInput): number | null {
  if (input.windowSeconds <= 0n || input.liquidityValueWad === 0n) return null;
  const volumeWad =
    tokenValueWad(input.amount0In, input.price0Wad, input.decimals0) + tokenValueWad(input.amount1In, input.price1Wad, input.decimals1);
  const feesWad = (volumeWad * (UNISWAP_V2_FEE_DENOMINATOR - UNISWAP_V2_FEE_NUMERATOR)) / UNISWAP_V2_FEE_DENOMINATOR;
  const feesPerYearWad = (feesWad * SECONDS_PER_YEAR) / input.windowSeconds;
  // Scale to WAD before dividing so small rates keep their digits, as farmRewardApr does.
  return Number((feesPerYearWad * WAD) / input.liquidityValueWad) / 1e18;
}

/** The APR a farmer's LP earns before leverage: the farm's rewards plus the pair's trading fees, either unknown as 0. */
export function lpYieldApr(rewardApr: number | null, feeApr: number | null): number | null {
  if (rewardApr === null && feeApr === null) return null;
  return (rewardApr ?? 0) + (feeApr ?? 0);
}

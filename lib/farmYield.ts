/**
 * The yield side of a leveraged farm, for the Farms page: what a StakingRewards farm pays per dollar staked.
 * Number results are for display; the inputs are the chain's bigints so the arithmetic stays exact until the end.
 */
import { SECONDS_PER_YEAR, WAD } from "./math";
import { lpValueWad } from "./vaultMath";

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

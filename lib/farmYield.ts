/**
 * The yield side of a leveraged farm, for the Farms page and the open preview: what a StakingRewards farm pays per
 * dollar staked, what the pair's trading fees pay, what the vault's harvests actually compounded, and over which
 * window each was measured. Number results are for display; the inputs are the chain's bigints so the arithmetic
 * stays exact until the end, and the plausibility bound is checked on the exact figure.
 */
import { aprToApy, SECONDS_PER_YEAR, WAD } from "./math";
import { formatPercent, formatUsdWad } from "./format";
import { aprAtLeverage, lpValueWad, tokenValueWad, UNISWAP_V2_FEE_DENOMINATOR, UNISWAP_V2_FEE_NUMERATOR } from "./vaultMath";

// ---------------------------------------------------------------------------------------------- windows

export const HOUR_SECONDS = 3_600;
export const DAY_SECONDS = 24 * HOUR_SECONDS;
/**
 * The window a measured yield uses once the chain has it: a week of trading spans weekdays and a weekend, and a week
 * of harvests holds dozens of them, so one burst of swaps or one large harvest moves the figure little.
 */
export const FULL_YIELD_WINDOW_SECONDS = 7 * DAY_SECONDS;
/**
 * The shortest window a measured yield is annualized from. Minutes of simulator swaps scaled to a year read 79% and
 * then 605% a quarter of an hour later; a day covers a full daily cycle of trading and several keeper harvests
 * (at most 6 h apart). A younger deployment gets no figure, and says how old it is instead.
 */
export const MIN_YIELD_WINDOW_SECONDS = DAY_SECONDS;

/**
 * Over what a measured yield is taken: a window of `seconds` ending at the latest block (`sinceDeployment` when it
 * starts at the deployment), or nothing yet because the deployment is `ageSeconds` old and a figure needs
 * `neededSeconds` of history.
 */
export type YieldWindow =
  | { kind: "window"; seconds: number; sinceDeployment: boolean }
  | { kind: "tooYoung"; ageSeconds: number; neededSeconds: number };

function tooYoung(historySeconds: number): YieldWindow {
  return { kind: "tooYoung", ageSeconds: Math.max(0, historySeconds), neededSeconds: MIN_YIELD_WINDOW_SECONDS };
}

/**
 * The trading-fee APR's window for a deployment `historySeconds` old: 7 days when there are 7 days of history, else
 * the last 24 h when there are 24 h, else none. A fixed window (rather than "since deployment") keeps the figure
 * about recent trading, which is what the next days' fees follow.
 */
export function tradingFeeWindow(historySeconds: number): YieldWindow {
  if (historySeconds >= FULL_YIELD_WINDOW_SECONDS) return { kind: "window", seconds: FULL_YIELD_WINDOW_SECONDS, sinceDeployment: false };
  if (historySeconds >= MIN_YIELD_WINDOW_SECONDS) return { kind: "window", seconds: MIN_YIELD_WINDOW_SECONDS, sinceDeployment: false };
  return tooYoung(historySeconds);
}

/**
 * The realized APY's window: 7 days when there are 7 days of history, else everything since the deployment once it
 * is at least 24 h old (harvests are few, so every one counts), else none.
 */
export function realizedYieldWindow(historySeconds: number): YieldWindow {
  if (historySeconds >= FULL_YIELD_WINDOW_SECONDS) return { kind: "window", seconds: FULL_YIELD_WINDOW_SECONDS, sinceDeployment: false };
  if (historySeconds >= MIN_YIELD_WINDOW_SECONDS) return { kind: "window", seconds: historySeconds, sinceDeployment: true };
  return tooYoung(historySeconds);
}

// ---------------------------------------------------------------------------------------------- plausibility

/**
 * 1,000% a year. Farms that last (Alpaca, Alpha Homora, Extra Finance) pay from a few percent to a few hundred
 * percent; a figure beyond ten times the money in a year comes from a tiny denominator (a farm with almost nothing
 * staked, a pair with almost no liquidity, a short burst of harvests) and moves by orders of magnitude with the next
 * deposit. Such a figure is never shown as a bare number: it carries the reason it is that high. One bound for APRs
 * and APYs alike, since either can headline a page.
 */
export const PLAUSIBLE_RATE_BOUND = 10;
export const PLAUSIBLE_RATE_BOUND_WAD = BigInt(PLAUSIBLE_RATE_BOUND) * WAD;

/** A yearly rate for display: the fraction (0.05 is 5%) and, when it is beyond the plausibility bound, why. */
export interface CheckedRate {
  rate: number;
  implausibleReason: string | null;
}

/** Strictly above PLAUSIBLE_RATE_BOUND (exactly at it is plausible); a WAD rate is compared exactly. */
export function isBeyondPlausibleBound(rate: bigint | number): boolean {
  if (typeof rate === "bigint") return rate > PLAUSIBLE_RATE_BOUND_WAD;
  return Number.isNaN(rate) || rate > PLAUSIBLE_RATE_BOUND;
}

function checkedWad(rateWad: bigint, reason: () => string): CheckedRate {
  return { rate: Number(rateWad) / 1e18, implausibleReason: isBeyondPlausibleBound(rateWad) ? reason() : null };
}

function checkedNumber(rate: number, reason: () => string): CheckedRate {
  return { rate, implausibleReason: isBeyondPlausibleBound(rate) ? reason() : null };
}

// ---------------------------------------------------------------------------------------------- farm rewards

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

/** A farm reward APR and the stake it is spread over. */
export interface FarmRewardApr extends CheckedRate {
  /** USD (WAD) staked in the farm the rate is computed on: everyone's stake plus the deposit. */
  stakedValueWad: bigint;
}

/**
 * The farm's reward APR for LP worth `depositValueWad` (USD, WAD) joining it: rewards paid in a year, in USD, over
 * the USD value of all LP staked once the deposit is in. A preview passes its position's value, since a farmer's
 * own LP dilutes the rate it earns; the Farms table passes 0 (the rate at the current stake). Every staker earns the
 * same per dollar, so this is the vault's rate too. StakingRewards keeps its last rewardRate after the period ends
 * but pays nothing more, so an ended period is 0. Nothing staked and nothing deposited has no rate: null.
 */
export function farmRewardApr(input: FarmRewardInput, depositValueWad: bigint): FarmRewardApr | null {
  const stakedValueWad = lpValueWad(input.stakedLp, input.lpPriceWad) + depositValueWad;
  if (stakedValueWad === 0n) return null;
  if (input.now >= input.periodFinish) return { rate: 0, implausibleReason: null, stakedValueWad };
  const rewardsPerYear = input.rewardRatePerSecond * SECONDS_PER_YEAR;
  const rewardValuePerYearWad = (rewardsPerYear * input.rewardPriceWad) / 10n ** BigInt(input.rewardDecimals);
  // Scale to WAD before dividing so small rates keep their digits, then leave bigint for display.
  const aprWad = (rewardValuePerYearWad * WAD) / stakedValueWad;
  return {
    ...checkedWad(aprWad, () => `the farm has only ${formatUsdWad(stakedValueWad)} staked; one deposit changes this a lot`),
    stakedValueWad,
  };
}

/**
 * The borrow APR the Farms page charges against leverage: the plain average of the vault's two pools. A position's
 * real cost depends on how its debt is split between the two tokens; the average is the cost of borrowing equal
 * values of each, which is what opening a balanced position from one token's collateral comes close to.
 */
export function averageBorrowApr(borrowApr0: number, borrowApr1: number): number {
  return (borrowApr0 + borrowApr1) / 2;
}

// ---------------------------------------------------------------------------------------------- trading fees

/** Swaps into a pair over its fee window: the tokens paid in, read from the pair's Swap events. */
export interface SwapVolume {
  /** The window chosen by tradingFeeWindow; a deployment too young to measure has no swaps summed. */
  window: YieldWindow;
  /** Tokens swapped into the pair over the window, base units: the sums of its Swap events' amount0In and amount1In. */
  amount0In: bigint;
  amount1In: bigint;
  swapCount: number;
}

export interface TradingFeeInput {
  amount0In: bigint;
  amount1In: bigint;
  /** USD prices (WAD) of one whole token 0 and token 1, and the tokens' decimals. */
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  /** Seconds the window of swaps covers. */
  windowSeconds: bigint;
  /** USD value (WAD) of all the pair's liquidity: the fair LP price x the pair's LP total supply. */
  liquidityValueWad: bigint;
}

/**
 * The pair's trading-fee APR: the 0.3% of every swap's input that stays in the pair, valued at oracle prices,
 * scaled from the window to a year and divided by the value of all the pair's liquidity. Every LP token earns the
 * same share, so it is the vault's rate too. Past volume is the estimate of future volume: the figure moves with
 * trading. No window (or no liquidity) has no rate: null.
 */
export function tradingFeeApr(input: TradingFeeInput): CheckedRate | null {
  if (input.windowSeconds <= 0n || input.liquidityValueWad === 0n) return null;
  const volumeWad =
    tokenValueWad(input.amount0In, input.price0Wad, input.decimals0) + tokenValueWad(input.amount1In, input.price1Wad, input.decimals1);
  const feesWad = (volumeWad * (UNISWAP_V2_FEE_DENOMINATOR - UNISWAP_V2_FEE_NUMERATOR)) / UNISWAP_V2_FEE_DENOMINATOR;
  const feesPerYearWad = (feesWad * SECONDS_PER_YEAR) / input.windowSeconds;
  // Scale to WAD before dividing so small rates keep their digits, as farmRewardApr does.
  const aprWad = (feesPerYearWad * WAD) / input.liquidityValueWad;
  return checkedWad(
    aprWad,
    () => `${formatUsdWad(volumeWad)} of swaps against only ${formatUsdWad(input.liquidityValueWad)} of liquidity; trading that heavy rarely lasts a year`,
  );
}

/** A measured yield: the window it was taken over and the rate, null when there is no window yet or nothing to measure. */
export interface MeasuredYield {
  window: YieldWindow;
  rate: CheckedRate | null;
}

/** The trading-fee APR over the swap volume's window, valued at `pricing`; a too-young deployment has no rate. */
export function tradingFeeYield(
  volume: SwapVolume,
  pricing: Omit<TradingFeeInput, "amount0In" | "amount1In" | "windowSeconds">,
): MeasuredYield {
  if (volume.window.kind === "tooYoung") return { window: volume.window, rate: null };
  return {
    window: volume.window,
    rate: tradingFeeApr({ ...pricing, amount0In: volume.amount0In, amount1In: volume.amount1In, windowSeconds: BigInt(volume.window.seconds) }),
  };
}

/** The APR a farmer's LP earns before leverage: the farm's rewards plus the pair's trading fees, either unknown as 0. */
export function lpYieldApr(rewardApr: number | null, feeApr: number | null): number | null {
  if (rewardApr === null && feeApr === null) return null;
  return (rewardApr ?? 0) + (feeApr ?? 0);
}

// ---------------------------------------------------------------------------------------------- realized

/** What a vault's Harvested event says about its LP: what the harvest added and the vault's LP after it. */
export interface HarvestGrowth {
  lpAdded: bigint;
  totalLp: bigint;
}

/**
 * How much the LP behind one vault share grew over a run of harvests, WAD (1.01e18 is 1% more), rounded down. Only a
 * harvest changes LP per share: entries and exits move LP and shares together. A harvest adds LP without shares, so
 * it multiplies LP per share by totalLp / (totalLp - lpAdded).
 */
export function lpPerShareGrowthWad(harvests: readonly HarvestGrowth[]): bigint {
  let growthWad = WAD;
  for (const { lpAdded, totalLp } of harvests) {
    const before = totalLp - lpAdded;
    if (before <= 0n) continue; // a harvest into an empty vault adds nothing to anybody's share
    growthWad = (growthWad * totalLp) / before;
  }
  return growthWad;
}

export interface RealizedYieldInput {
  /** The window chosen by realizedYieldWindow. */
  window: YieldWindow;
  /** The vault's Harvested events inside the window, in chain order. */
  harvests: readonly HarvestGrowth[];
  /** USD value (WAD) of the LP the vault holds now; a vault nobody is in has no realized rate. */
  vaultValueWad: bigint;
}

/**
 * The vault's realized APY: the growth of LP per share from its harvests over the window, compounded to a year at
 * the window's pace. It is the compounded farm rewards on the LP, before leverage and borrow interest; the pair's
 * trading fees are in the LP's value, not its amount, so they come on top. Null with no window yet, or when nobody
 * has been in the vault to compound anything.
 */
export function realizedApy(input: RealizedYieldInput): MeasuredYield {
  if (input.window.kind === "tooYoung") return { window: input.window, rate: null };
  if (input.harvests.length === 0 && input.vaultValueWad === 0n) return { window: input.window, rate: null };
  const growth = Number(lpPerShareGrowthWad(input.harvests) - WAD) / 1e18;
  const years = input.window.seconds / Number(SECONDS_PER_YEAR);
  const apy = Math.expm1(Math.log1p(growth) / years);
  return {
    window: input.window,
    rate: checkedNumber(
      apy,
      () =>
        `the harvests grew LP per share ${formatPercent(growth)} in the window on a vault of only ${formatUsdWad(input.vaultValueWad)}; a short strong stretch compounded to a year`,
    ),
  };
}

// ---------------------------------------------------------------------------------------------- at leverage

/**
 * Compounding periods a year behind every APY shown from an APR: daily. The keeper harvests and compounds at most
 * 6 h apart (more often when the rewards pay for the gas), so daily is the conservative round figure.
 */
export const APY_COMPOUNDING_PERIODS_PER_YEAR = 365;

/**
 * The net APR and APY on a farmer's equity at `leverage`: (rewards + fees) x L - borrow x (L - 1), and that APR
 * compounded daily. Each carries the first reason of the rates it is built on (`componentReasons`, e.g. a farm with
 * almost nothing staked), or its own when it alone is beyond the bound: the APY of a plausible APR can still be one
 * nobody should read as a promise.
 */
export function leveredNetYield(
  yieldApr: number,
  borrowApr: number,
  leverage: number,
  componentReasons: readonly (string | null)[],
): { netApr: CheckedRate; netApy: CheckedRate } {
  const inherited = componentReasons.find((reason) => reason !== null) ?? null;
  const apr = aprAtLeverage(yieldApr, borrowApr, leverage);
  const apy = aprToApy(apr, APY_COMPOUNDING_PERIODS_PER_YEAR);
  const netApr = checkedNumber(apr, () => `${formatPercent(yieldApr)} of yield levered ${leverage.toFixed(2)} times`);
  const netApy = checkedNumber(apy, () => `${formatPercent(apr)} a year compounded daily for a whole year; a rate this high rarely lasts that long`);
  return {
    netApr: { rate: apr, implausibleReason: inherited ?? netApr.implausibleReason },
    netApy: { rate: apy, implausibleReason: inherited ?? netApr.implausibleReason ?? netApy.implausibleReason },
  };
}

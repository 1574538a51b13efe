/**
 * Protocol math of leveraged LP positions, shared by the app, keeper, scripts and tests.
 *
 * The bigint functions mirror contracts/libraries/LiquidityMath.sol (and the vaults' risk checks) to the wei,
 * operation order and rounding included, so a test can compare the chain against them exactly and the app can preview
 * what a transaction will do. Solidity reverts where a uint256 would overflow; bigint does not, so these functions
 * only match the chain for inputs the chain accepts. The number functions are for display.
 */

import { aprToApy, BPS, WAD } from "./math";

/** Integer square root, rounded down: the largest r with r * r <= value (OpenZeppelin Math.sqrt). */
export function sqrt(value: bigint): bigint {
  if (value < 0n) throw new Error(`sqrt of a negative number: ${value}`);
  if (value < 2n) return value;
  // Start from a power of two at or above the root, so Newton's iteration decreases monotonically onto the floor of
  // the root in a few dozen steps even for 256-bit values (starting from `value` itself would take hundreds).
  let estimate = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (estimate + value / estimate) >> 1n;
    if (next >= estimate) return estimate;
    estimate = next;
  }
}

/** Uniswap V2 keeps 997/1000 of every input: the 0.3% swap fee. */
export const UNISWAP_V2_FEE_NUMERATOR = 997n;
export const UNISWAP_V2_FEE_DENOMINATOR = 1000n;

/**
 * Output of swapping `amountIn` into a pair with these reserves (0.3% fee), rounded down, exactly as
 * UniswapV2Library.getAmountOut. Throws on an empty reserve, where the library reverts with INSUFFICIENT_LIQUIDITY.
 */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (reserveIn === 0n || reserveOut === 0n) throw new Error("getAmountOut: the pair has no liquidity");
  const amountInWithFee = amountIn * UNISWAP_V2_FEE_NUMERATOR;
  return (amountInWithFee * reserveOut) / (reserveIn * UNISWAP_V2_FEE_DENOMINATOR + amountInWithFee);
}

/** Input needed to receive `amountOut` (0.3% fee), rounded up (+1): UniswapV2Library.getAmountIn. */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (reserveIn === 0n || reserveOut === 0n) throw new Error("getAmountIn: the pair has no liquidity");
  if (amountOut >= reserveOut) throw new Error("getAmountIn: the pair cannot pay out its whole reserve");
  return (
    (reserveIn * amountOut * UNISWAP_V2_FEE_DENOMINATOR) / ((reserveOut - amountOut) * UNISWAP_V2_FEE_NUMERATOR) + 1n
  );
}

/**
 * Alpha Homora V2's closed form for the swap s of token A that leaves (amountA - s) : (amountB + out(s)) equal to the
 * pair's ratio after the swap, so the remainder adds as liquidity with nothing left over but rounding. It is the
 * positive root of a*s^2 + b*s - c = 0; every division rounds down, in exactly LiquidityMath._optimalDepositA's order.
 */
function optimalDepositA(amountA: bigint, amountB: bigint, reserveA: bigint, reserveB: bigint): bigint {
  if (amountA * reserveB < amountB * reserveA) {
    throw new Error("optimalDepositA: token A is not the token in excess");
  }
  const a = UNISWAP_V2_FEE_NUMERATOR;
  const b = (UNISWAP_V2_FEE_DENOMINATOR + UNISWAP_V2_FEE_NUMERATOR) * reserveA;
  const excess = amountA * reserveB - amountB * reserveA;
  const c = ((excess * UNISWAP_V2_FEE_DENOMINATOR) / (amountB + reserveB)) * reserveA;
  const d = a * c * 4n;
  const e = sqrt(b * b + d);
  return (e - b) / (2n * a);
}

/**
 * How much of the token in excess to swap before adding liquidity, so the two amounts end up in the pair's ratio
 * (LiquidityMath.optimalSwapAmount). `swapAtoB` says the excess is token A; the amount is rounded down, so the swap
 * never overshoots and any dust left over is of the token that was in excess.
 */
export function optimalSwapAmount(
  amountA: bigint,
  amountB: bigint,
  reserveA: bigint,
  reserveB: bigint,
): { swapAmount: bigint; swapAtoB: boolean } {
  if (amountA * reserveB >= amountB * reserveA) {
    return { swapAmount: optimalDepositA(amountA, amountB, reserveA, reserveB), swapAtoB: true };
  }
  return { swapAmount: optimalDepositA(amountB, amountA, reserveB, reserveA), swapAtoB: false };
}

/**
 * USD price (WAD) of one whole LP token (18 decimals) that a flash loan cannot move (LiquidityMath.fairLpPriceWad):
 * 2 * sqrt(r0 * r1) * sqrt(p0 * p1) / totalSupply, rounded down (each square root and the division round down).
 *
 * sqrt(r0 * r1) is the pair's invariant, which a swap cannot lower, and the prices are the oracle's, so pushing the
 * reserves off the market price does not raise the value a vault lends against. The reserves are first normalised
 * to 18 decimals (valid for tokens of at most 18 decimals); p0 and p1 are the USD prices of one whole token, WAD.
 */
export function fairLpPriceWad(
  reserve0: bigint,
  reserve1: bigint,
  totalSupply: bigint,
  price0Wad: bigint,
  price1Wad: bigint,
  decimals0: number,
  decimals1: number,
): bigint {
  if (decimals0 > 18 || decimals1 > 18) throw new Error("fairLpPriceWad: tokens of more than 18 decimals");
  if (totalSupply === 0n) throw new Error("fairLpPriceWad: the pair has no LP supply");
  const normalized0 = reserve0 * 10n ** BigInt(18 - decimals0);
  const normalized1 = reserve1 * 10n ** BigInt(18 - decimals1);
  return (2n * sqrt(normalized0 * normalized1) * sqrt(price0Wad * price1Wad)) / totalSupply;
}

/** USD value (WAD) of `amount` base units at `priceWad` per whole token, rounded down (LeveragedVault._value). */
export function tokenValueWad(amount: bigint, priceWad: bigint, decimals: number): bigint {
  return (amount * priceWad) / 10n ** BigInt(decimals);
}

/** The same, rounded up, as the vault values debts (LeveragedVault._valueUp): a debt is never shown smaller. */
export function tokenValueWadUp(amount: bigint, priceWad: bigint, decimals: number): bigint {
  const product = amount * priceWad;
  return product === 0n ? 0n : (product - 1n) / 10n ** BigInt(decimals) + 1n;
}

/** The vaults' TWAP window (VaultState.TWAP_WINDOW_SECONDS). */
export const TWAP_WINDOW_SECONDS = 1_800n;
/** Scale of the reward pair's rates, base units per base unit (VaultState.RATE_SCALE). */
export const RATE_SCALE = 10n ** 36n;
const Q112 = 1n << 112n;
const MOD224 = 1n << 224n;

/** A TWAP observation as a vault records it (VaultState.Observation; its PricesObserved event carries the cumulative). */
export interface TwapObservation {
  timestamp: bigint;
  cumulative: bigint;
}

/**
 * Twin of VaultState._cumulativeNow: the pair's cumulative price of token 0 in token 1 (`ofToken0`) or of token 1,
 * as the pair would write it at `now` (its last cumulative plus the reserves' UQ112x112 price for the time since).
 */
export function cumulativePriceNow(input: {
  cumulativeLast: bigint;
  reserve0: bigint;
  reserve1: bigint;
  updatedAt: bigint;
  now: bigint;
  ofToken0: boolean;
}): bigint {
  const { cumulativeLast, reserve0, reserve1, updatedAt, now, ofToken0 } = input;
  const now32 = now % 2n ** 32n;
  if (updatedAt === now32 || reserve0 === 0n || reserve1 === 0n) return cumulativeLast;
  const price = ofToken0 ? (reserve1 * Q112) / reserve0 : (reserve0 * Q112) / reserve1;
  const elapsed = (now32 - updatedAt + 2n ** 32n) % 2n ** 32n;
  return (cumulativeLast + price * elapsed) % 2n ** 256n;
}

/**
 * Twin of VaultState._twapOf: the UQ112x112 average since the newest observation at least a window old, or, while none
 * is, since the oldest from an earlier block; zero without one.
 */
export function twapAverage(observations: TwapObservation[], cumulativeNow: bigint, now: bigint): bigint {
  const usable = observations.filter((o) => o.timestamp !== 0n && o.timestamp < now);
  if (usable.length === 0) return 0n;
  const old = usable.filter((o) => now - o.timestamp >= TWAP_WINDOW_SECONDS);
  const chosen = old.length
    ? old.reduce((a, b) => (b.timestamp > a.timestamp ? b : a))
    : usable.reduce((a, b) => (b.timestamp < a.timestamp ? b : a));
  const difference = (((cumulativeNow % MOD224) - (chosen.cumulative % MOD224)) % MOD224 + MOD224) % MOD224;
  return difference / (now - chosen.timestamp);
}

/** A UQ112x112 average as a reward-pair rate (base units of the other token per reward base unit, RATE_SCALE). */
export function twapRate(average: bigint): bigint {
  return (average * RATE_SCALE) / Q112;
}

/** The feeds' reward rate in the same units, rounded down (VaultState._rewardRates). */
export function feedRewardRate(rewardPriceWad: bigint, otherPriceWad: bigint, rewardDecimals: number, otherDecimals: number): bigint {
  return (rewardPriceWad * 10n ** BigInt(otherDecimals) * RATE_SCALE) / (otherPriceWad * 10n ** BigInt(rewardDecimals));
}

/** What a vault needs to value its pending rewards for an entrant (VaultState._pendingRewardsAsLpUp). */
export interface EntryRewardValueInput {
  rewards: bigint;
  oraclePriceWad: bigint;
  /** The reward pair's TWAP as a rate (twapRate). */
  twapRate: bigint;
  rewardDecimals: number;
  otherPriceWad: bigint;
  otherDecimals: number;
}

/**
 * Twin of the reward value in VaultState._pendingRewardsAsLpUp, rounded up: an entrant pays for the rewards already
 * pending at the higher of the feeds' rate and the reward pair's TWAP (which no single block can move), so neither a
 * pumped pair nor a feed lagging the market moves what it pays. (The vault refuses the entry, PriceSourcesDisagree,
 * when the pair's spot is more than `harvestSlippageBps` from the feeds, or its TWAP more than 10%.)
 */
export function entryRewardValueWad(input: EntryRewardValueInput): bigint {
  const { rewards, oraclePriceWad, rewardDecimals, otherPriceWad, otherDecimals } = input;
  if (input.twapRate > feedRewardRate(oraclePriceWad, otherPriceWad, rewardDecimals, otherDecimals)) {
    const other = (rewards * input.twapRate + RATE_SCALE - 1n) / RATE_SCALE;
    return tokenValueWadUp(other, otherPriceWad, otherDecimals);
  }
  return tokenValueWadUp(rewards, oraclePriceWad, rewardDecimals);
}

/** Token 0's USD price (WAD) at the pair's TWAP in token 1 (VaultState._pendingRewardsAsLpUp), for the LP's TWAP price. */
export function twapPrice0Wad(average: bigint, decimals0: number, decimals1: number, price1Wad: bigint): bigint {
  return (((average * 10n ** BigInt(18 + decimals0)) / (10n ** BigInt(decimals1) * Q112)) * price1Wad) / WAD;
}

/** Pending rewards worth `valueWad` counted as LP at `lpPriceWad`, rounded up (VaultState._pendingRewardsAsLpUp). */
export function pendingRewardsAsLpUp(valueWad: bigint, lpPriceWad: bigint): bigint {
  if (valueWad === 0n) return 0n;
  return (valueWad * WAD + lpPriceWad - 1n) / lpPriceWad;
}

/** USD value (WAD) of `lpAmount` LP tokens (18 decimals) at `lpPriceWad` per whole token, rounded down. */
export function lpValueWad(lpAmount: bigint, lpPriceWad: bigint): bigint {
  return (lpAmount * lpPriceWad) / WAD;
}

/**
 * The debt ratio of a position with debt but no value. A position worth nothing with any debt is past every kill
 * factor and no finite ratio describes it, so it reads as the largest uint256 (type(uint256).max on chain), which
 * compares above any kill factor and cannot be mistaken for a real ratio.
 */
export const UNBACKED_DEBT_RATIO_BPS = 2n ** 256n - 1n;

/**
 * Debt / position value in basis points, rounded up so a position is never shown safer than it is. No debt is 0;
 * debt with no value is UNBACKED_DEBT_RATIO_BPS.
 */
export function debtRatioBps(debtValueWad: bigint, positionValueWad: bigint): bigint {
  if (debtValueWad === 0n) return 0n;
  if (positionValueWad === 0n) return UNBACKED_DEBT_RATIO_BPS;
  return (debtValueWad * BPS - 1n) / positionValueWad + 1n;
}

/**
 * Leverage, value / (value - debt), WAD (3e18 is 3x), rounded up so a position is never shown safer than it is.
 * A position whose debt reaches its value has no equity and no finite leverage, so that throws.
 */
export function leverageWad(positionValueWad: bigint, debtValueWad: bigint): bigint {
  const equity = positionValueWad - debtValueWad;
  if (equity <= 0n) {
    throw new Error(
      `leverageWad: no equity (position value ${positionValueWad} <= debt ${debtValueWad}), leverage is unbounded`,
    );
  }
  const product = positionValueWad * WAD;
  return product === 0n ? 0n : (product - 1n) / equity + 1n;
}

/**
 * The one leverage the app shows, for a preview and for a position alike: position value / equity (value - debt) at
 * the oracle prices, WAD, rounded up (leverageWad). Null when the debt reaches the value and no equity is left.
 */
export function positionLeverageWad(positionValueWad: bigint, debtValueWad: bigint): bigint | null {
  return positionValueWad > debtValueWad ? leverageWad(positionValueWad, debtValueWad) : null;
}

/**
 * The most a position worth `positionValueWad` may owe when it is opened or changed: value x work factor, rounded
 * down, because the check is debt * 10000 <= value * workFactor.
 */
export function maxDebtForWorkFactor(positionValueWad: bigint, workFactorBps: bigint): bigint {
  return (positionValueWad * workFactorBps) / BPS;
}

/** Whether a keeper may liquidate: debt * 10000 > value * killFactor, compared exactly with no division. */
export function isLiquidatable(debtValueWad: bigint, positionValueWad: bigint, killFactorBps: bigint): boolean {
  return debtValueWad * BPS > positionValueWad * killFactorBps;
}

/** A leveraged LP position as liquidationPrices reads it. */
export interface LiquidationPriceInput {
  /** USD value (WAD) of the position's LP tokens at the current prices. */
  lpValueWad: bigint;
  /** Debt in token 0, whole tokens (1.5 is 1.5 tokens). */
  debt0: number;
  /** Debt in token 1, whole tokens. */
  debt1: number;
  /** Current USD price of one whole token 0. */
  price0: number;
  /** Current USD price of one whole token 1, held fixed by the model. */
  price1: number;
  /** Debt / value at which the position can be liquidated, a fraction (0.9 is 90%). */
  killFactor: number;
}

/**
 * The token-0 prices at which the position's debt / value reaches the kill factor, with token 1's price held fixed.
 *
 * Model: arbitrage keeps the pair at the market price along x * y = k, so the LP's value moves as sqrt(price0):
 * at price p it is V * sqrt(p / price0). The debt is worth debt0 * p + debt1 * price1. Writing x = sqrt(p), the
 * ratio equals killFactor where debt0 * x^2 - killFactor * V / sqrt(price0) * x + debt1 * price1 = 0. The position is
 * liquidatable outside the roots and safe between them, so a safe position has one crossing below the current price
 * (if it owes token 1) and one above (if it owes token 0). `below` is the nearest crossing under the current price,
 * `above` the nearest over it (for a position already past the kill factor, where it becomes safe again); null where
 * there is none. Fees, interest and rewards are ignored: this is a display figure, in number math.
 */
export function liquidationPrices(input: LiquidationPriceInput): { below: number | null; above: number | null } {
  const { debt0, debt1, price0, price1, killFactor } = input;
  const positionValue = Number(input.lpValueWad) / 1e18;
  if (!(price0 > 0) || !(killFactor > 0) || !(positionValue > 0)) return { below: null, above: null };

  const quadratic = debt0;
  const linear = (-killFactor * positionValue) / Math.sqrt(price0);
  const constant = debt1 * price1;

  const roots: number[] = [];
  if (quadratic === 0) {
    if (constant > 0) roots.push(-constant / linear);
  } else {
    const discriminant = linear * linear - 4 * quadratic * constant;
    if (discriminant >= 0) {
      // The cancellation-free form: q carries the larger root, and the smaller one is constant / q, so a tiny
      // debt in token 1 does not vanish in the subtraction -linear - sqrt(discriminant).
      const q = (-linear + Math.sqrt(discriminant)) / 2;
      roots.push(q / quadratic, constant / q);
    }
  }

  const currentRoot = Math.sqrt(price0);
  let below: number | null = null;
  let above: number | null = null;
  // A root at 0 is no crossing: with nothing owed in token 1 the ratio falls to 0 as the price does.
  for (const root of roots.filter((candidate) => candidate > 0 && Number.isFinite(candidate))) {
    const price = root * root;
    if (root <= currentRoot) {
      if (below === null || price > below) below = price;
    } else if (above === null || price < above) {
      above = price;
    }
  }
  return { below, above };
}

/** Simple annual return on equity at `leverage`: the farm yields on L x equity, the borrowed L - 1 pays interest. */
export function aprAtLeverage(yieldApr: number, borrowApr: number, leverage: number): number {
  return yieldApr * leverage - borrowApr * (leverage - 1);
}

/** aprAtLeverage compounded `periodsPerYear` times a year (daily by default), as an APY fraction. */
export function apyAtLeverage(yieldApr: number, borrowApr: number, leverage: number, periodsPerYear = 365): number {
  return aprToApy(aprAtLeverage(yieldApr, borrowApr, leverage), periodsPerYear);
}

/**
 * The swap that moves a Uniswap V2 pair to a target price, as an arbitrageur would: which way, and how much to
 * put in (fee included) so that reserve1 / reserve0 = targetPrice0In1Wad / 1e18 (base units) on the same invariant.
 * Returns amountIn 0 when the pair is already there.
 */
export function arbitrageSwap(
  reserve0: bigint,
  reserve1: bigint,
  targetPrice0In1Wad: bigint,
): { zeroForOne: boolean; amountIn: bigint } {
  const invariant = reserve0 * reserve1;
  const target0 = sqrt((invariant * 10n ** 18n) / targetPrice0In1Wad);
  if (target0 > reserve0) return { zeroForOne: true, amountIn: ((target0 - reserve0) * UNISWAP_V2_FEE_DENOMINATOR) / UNISWAP_V2_FEE_NUMERATOR };
  if (target0 < reserve0) {
    return { zeroForOne: false, amountIn: ((invariant / target0 - reserve1) * UNISWAP_V2_FEE_DENOMINATOR) / UNISWAP_V2_FEE_NUMERATOR };
  }
  return { zeroForOne: true, amountIn: 0n };
}

/**
 * What the vault's zap does with (amount0, amount1) on a pair: the optimal swap, then adding liquidity. Returns
 * the LP minted (rounded down, as UniswapV2Pair.mint) and the pair's state afterwards. Used for the app's preview
 * and as the tests' independent calculation.
 */
export function simulateZap(
  amount0: bigint,
  amount1: bigint,
  reserve0: bigint,
  reserve1: bigint,
  totalSupply: bigint,
): { lp: bigint; reserve0: bigint; reserve1: bigint; totalSupply: bigint; swap: ZapSwap | null } {
  let [r0, r1, a0, a1] = [reserve0, reserve1, amount0, amount1];
  const { swapAmount, swapAtoB } = optimalSwapAmount(a0, a1, r0, r1);
  let swap: ZapSwap | null = null;
  // As the vault does: a swap of dust that buys nothing is skipped (the pair would revert on a zero output).
  const out = swapAmount === 0n ? 0n : swapAtoB ? getAmountOut(swapAmount, r0, r1) : getAmountOut(swapAmount, r1, r0);
  if (out > 0n) {
    if (swapAtoB) {
      swap = { zeroForOne: true, amountIn: swapAmount, amountOut: out };
      [a0, a1, r0, r1] = [a0 - swapAmount, a1 + out, r0 + swapAmount, r1 - out];
    } else {
      swap = { zeroForOne: false, amountIn: swapAmount, amountOut: out };
      [a0, a1, r0, r1] = [a0 + out, a1 - swapAmount, r0 - out, r1 + swapAmount];
    }
  }
  const fromToken0 = (a0 * totalSupply) / r0;
  const fromToken1 = (a1 * totalSupply) / r1;
  const lp = fromToken0 < fromToken1 ? fromToken0 : fromToken1;
  return { lp, reserve0: r0 + a0, reserve1: r1 + a1, totalSupply: totalSupply + lp, swap };
}

/** The swap a zap makes before adding liquidity: token 0 for token 1 (zeroForOne) or the reverse, in base units. */
export interface ZapSwap {
  zeroForOne: boolean;
  amountIn: bigint;
  amountOut: bigint;
}

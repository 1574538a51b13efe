/**
 * What opening a leveraged position will do, computed before anything is signed: the amounts to borrow for the
 * leverage asked for, the LP the zap mints, and the position's value, debt, debt ratio and leverage as the vault
 * will judge them, with its liquidation prices, the zap's price impact and the yield at that leverage.
 *
 * Built on vaultMath's mirrors of the contracts, so at the state read the figures are the vault's to the wei; prices
 * and reserves move before a transaction is mined, which the slippage tolerance (minLp) covers. Every rounding goes
 * against the farmer: borrow amounts down, debts up, value down.
 */
import {
  farmRewardApr,
  leveredNetYield,
  lpYieldApr,
  tradingFeeYield,
  type CheckedRate,
  type FarmRewardApr,
  type FarmRewardInput,
  type MeasuredYield,
  type SwapVolume,
} from "./farmYield";
import { BPS, divWadUp, mulWadUp, WAD } from "./math";
import {
  debtRatioBps,
  fairLpPriceWad,
  leverageWad,
  liquidationPrices,
  lpValueWad,
  simulateZap,
  tokenValueWad,
  tokenValueWadUp,
} from "./vaultMath";
import { formatTokenAmount } from "./format";

/** Which of the pair's tokens the position borrows; "both" splits the borrowed value equally. */
export type BorrowChoice = "token0" | "token1" | "both";

/** The chain's state an open is previewed against. */
export interface OpenMarket {
  /** The pair's reserves and LP total supply. */
  reserve0: bigint;
  reserve1: bigint;
  lpTotalSupply: bigint;
  /** Oracle USD prices (WAD) of one whole token 0 and token 1, and the tokens' decimals. */
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  /** The pools' borrow indexes (WAD): debts are held in borrow shares that round up twice. */
  borrowIndex0: bigint;
  borrowIndex1: bigint;
  /** The vault's totals(): LP staked for all positions and the LP shares they hold. */
  vaultTotalLp: bigint;
  vaultTotalLpShares: bigint;
}

/** The vault's riskParameters() that judge an open. */
export interface OpenRisk {
  workFactorBps: bigint;
  killFactorBps: bigint;
  maxLeverageWad: bigint;
}

export interface OpenRequest {
  /** Collateral supplied from the wallet, base units. */
  amount0: bigint;
  amount1: bigint;
  /** The leverage asked for, WAD (3e18 is 3x): position value / equity before the zap's costs. */
  leverageWad: bigint;
  borrow: BorrowChoice;
  /** Least LP accepted, as a loss from the preview's LP: 50 is 0.5%. */
  slippageBps: bigint;
}

/** Base units of a token worth `valueWad` at `priceWad`, rounded down. */
export function tokenAmountForValue(valueWad: bigint, priceWad: bigint, decimals: number): bigint {
  return (valueWad * 10n ** BigInt(decimals)) / priceWad;
}

/**
 * The amounts to borrow for `leverageWad`: equity (supplied value at oracle prices, rounded down as the vault does)
 * x (L - 1), split by value, each converted to base units rounded down. A converted amount valued back rounded up
 * is at most the value it came from, so the vault's leverage check, (supplied + borrowed rounded up) / supplied,
 * never exceeds the leverage asked for: the exact maximum is never refused.
 */
export function borrowPlan(
  request: Pick<OpenRequest, "amount0" | "amount1" | "leverageWad" | "borrow">,
  market: Pick<OpenMarket, "price0Wad" | "price1Wad" | "decimals0" | "decimals1">,
): { equityWad: bigint; borrowValueWad: bigint; borrow0: bigint; borrow1: bigint } {
  if (request.leverageWad < WAD) throw new Error(`borrowPlan: leverage ${request.leverageWad} is below 1x`);
  const equityWad =
    tokenValueWad(request.amount0, market.price0Wad, market.decimals0) +
    tokenValueWad(request.amount1, market.price1Wad, market.decimals1);
  const borrowValueWad = (equityWad * (request.leverageWad - WAD)) / WAD;
  const value0 = request.borrow === "token0" ? borrowValueWad : request.borrow === "both" ? borrowValueWad / 2n : 0n;
  const value1 = borrowValueWad - value0;
  return {
    equityWad,
    borrowValueWad,
    borrow0: tokenAmountForValue(value0, market.price0Wad, market.decimals0),
    borrow1: tokenAmountForValue(value1, market.price1Wad, market.decimals1),
  };
}

/**
 * The leverage LeveragedVault._increase checks for a new position, WAD, rounded down:
 * (supplied + borrowed) / supplied, with the supply valued down and the borrowing valued up. Null when nothing is
 * borrowed (the vault then skips the check).
 */
export function openLeverageCheckWad(
  amounts: { amount0: bigint; amount1: bigint; borrow0: bigint; borrow1: bigint },
  market: Pick<OpenMarket, "price0Wad" | "price1Wad" | "decimals0" | "decimals1">,
): bigint | null {
  const supplied =
    tokenValueWad(amounts.amount0, market.price0Wad, market.decimals0) +
    tokenValueWad(amounts.amount1, market.price1Wad, market.decimals1);
  const borrowed =
    tokenValueWadUp(amounts.borrow0, market.price0Wad, market.decimals0) +
    tokenValueWadUp(amounts.borrow1, market.price1Wad, market.decimals1);
  if (borrowed === 0n) return null;
  if (supplied === 0n) return 2n ** 256n - 1n;
  return ((supplied + borrowed) * WAD) / supplied;
}

/** What a pool records as owed right after lending `amount`: shares rounded up, then valued rounded up. */
export function debtAfterBorrow(amount: bigint, borrowIndexWad: bigint): bigint {
  return amount === 0n ? 0n : mulWadUp(divWadUp(amount, borrowIndexWad), borrowIndexWad);
}

/**
 * The LP a new position holds after `lp` joins the vault's shared LP: its shares round down when minted and its
 * LP rounds down again when read (LeveragedVault._increase then _view).
 */
export function newPositionLp(lp: bigint, vaultTotalLp: bigint, vaultTotalLpShares: bigint): bigint {
  const shares = vaultTotalLpShares === 0n ? lp : (lp * vaultTotalLpShares) / vaultTotalLp;
  const totalShares = vaultTotalLpShares + shares;
  return totalShares === 0n ? 0n : (shares * (vaultTotalLp + lp)) / totalShares;
}

/** The least LP to accept: the previewed LP less the slippage tolerance, rounded down. */
export function minimumLp(lp: bigint, slippageBps: bigint): bigint {
  return (lp * (BPS - slippageBps)) / BPS;
}

/**
 * How much worse than the pair's spot price a swap executes, fee included, as a fraction rounded up:
 * 1 - (amountOut / amountIn) / (reserveOut / reserveIn).
 */
export function swapPriceImpact(amountIn: bigint, amountOut: bigint, reserveIn: bigint, reserveOut: bigint): number {
  const spotOut = amountIn * reserveOut;
  if (spotOut === 0n) return 0;
  const shortfall = spotOut - amountOut * reserveIn;
  const impactWad = shortfall <= 0n ? 0n : (shortfall * WAD - 1n) / spotOut + 1n;
  return Number(impactWad) / 1e18;
}

/**
 * The vault's manipulation guard (LeveragedVault._checkedPrices): the pair's spot price of token 0 in token 1 and
 * the oracle's, both WAD per whole token, and whether they are close enough for the vault to trade.
 */
export function pairPriceCheck(
  market: Pick<OpenMarket, "reserve0" | "reserve1" | "price0Wad" | "price1Wad" | "decimals0" | "decimals1">,
  maxDeviationBps: bigint,
): { spotWad: bigint; oracleWad: bigint; deviation: number; withinLimit: boolean } {
  const spotWad =
    (market.reserve1 * 10n ** BigInt(36 - market.decimals1)) / (market.reserve0 * 10n ** BigInt(18 - market.decimals0));
  const oracleWad = (market.price0Wad * WAD) / market.price1Wad;
  const gap = spotWad > oracleWad ? spotWad - oracleWad : oracleWad - spotWad;
  return {
    spotWad,
    oracleWad,
    deviation: Number((gap * WAD) / oracleWad) / 1e18,
    withinLimit: gap * BPS <= oracleWad * maxDeviationBps,
  };
}

/** The zap's swap as the preview shows it: whole-token prices of the token sold, in the token bought. */
export interface SwapPreview {
  zeroForOne: boolean;
  amountIn: bigint;
  amountOut: bigint;
  /** Token bought per token sold at the pair's price before the swap, and as executed (fee included). */
  spotPrice: number;
  executionPrice: number;
  priceImpact: number;
}

export interface OpenPreview {
  /** Value of the collateral supplied at oracle prices, rounded down: the position's equity before costs. */
  equityWad: bigint;
  borrow0: bigint;
  borrow1: bigint;
  /** USD value of each borrowed amount at oracle prices, rounded down (for the interest each costs). */
  borrowValue0Wad: bigint;
  borrowValue1Wad: bigint;
  /** The vault's own leverage check on these amounts; null when nothing is borrowed. */
  leverageCheckWad: bigint | null;
  /** LP the zap mints, the least accepted, and what the position holds of the vault's shared LP. */
  lp: bigint;
  minLp: bigint;
  positionLp: bigint;
  swap: SwapPreview | null;
  /** The pair after the zap, and the fair LP price there. */
  pairAfter: { reserve0: bigint; reserve1: bigint; totalSupply: bigint };
  lpPriceAfterWad: bigint;
  /** The position as LeveragedVault.positionView would read it right after opening. */
  positionValueWad: bigint;
  debt0: bigint;
  debt1: bigint;
  debtValueWad: bigint;
  debtRatioBps: bigint;
  /** Value / equity after the zap's costs, WAD rounded up; null when the debt reaches the value. */
  leverageAfterWad: bigint | null;
  exceedsMaxLeverage: boolean;
  exceedsWorkFactor: boolean;
  /** Prices (USD per whole token) at which the position reaches the kill factor when only that token moves. */
  liquidation: { token0: { below: number | null; above: number | null }; token1: { below: number | null; above: number | null } };
}

/**
 * The leverage to borrow for: what was asked, but never so close to the vault's maximum that a price move within the
 * slippage tolerance carries it past. The vault checks leverage at the oracle prices of the block the transaction
 * lands in, and a borrowed token that gains s against the supplied one raises the borrowed value by s: so
 * (L - 1) x (1 + s) must stay within (max - 1). Below that band the request is left as it is. Rounded down.
 */
export function leverageToBorrowFor(leverageWad: bigint, maxLeverageWad: bigint, slippageBps: bigint): bigint {
  const headroomWad = ((maxLeverageWad - WAD) * BPS) / (BPS + slippageBps);
  return leverageWad - WAD > headroomWad ? WAD + headroomWad : leverageWad;
}

/** Previews an open; null when nothing is supplied (no equity, nothing to lever). */
export function previewOpen(request: OpenRequest, market: OpenMarket, risk: OpenRisk): OpenPreview | null {
  const plan = borrowPlan(request, market);
  if (plan.equityWad === 0n) return null;
  const { borrow0, borrow1 } = plan;
  const leverageCheckWad = openLeverageCheckWad({ ...request, borrow0, borrow1 }, market);

  const zap = simulateZap(
    request.amount0 + borrow0,
    request.amount1 + borrow1,
    market.reserve0,
    market.reserve1,
    market.lpTotalSupply,
  );
  const lpPriceAfterWad = fairLpPriceWad(
    zap.reserve0,
    zap.reserve1,
    zap.totalSupply,
    market.price0Wad,
    market.price1Wad,
    market.decimals0,
    market.decimals1,
  );
  const positionLp = newPositionLp(zap.lp, market.vaultTotalLp, market.vaultTotalLpShares);
  const positionValueWad = lpValueWad(positionLp, lpPriceAfterWad);
  const debt0 = debtAfterBorrow(borrow0, market.borrowIndex0);
  const debt1 = debtAfterBorrow(borrow1, market.borrowIndex1);
  const debtValueWad =
    tokenValueWadUp(debt0, market.price0Wad, market.decimals0) + tokenValueWadUp(debt1, market.price1Wad, market.decimals1);
  const ratio = debtRatioBps(debtValueWad, positionValueWad);

  let swap: SwapPreview | null = null;
  if (zap.swap) {
    const [reserveIn, reserveOut, decimalsIn, decimalsOut] = zap.swap.zeroForOne
      ? [market.reserve0, market.reserve1, market.decimals0, market.decimals1]
      : [market.reserve1, market.reserve0, market.decimals1, market.decimals0];
    const wholeRatio = (numerator: bigint, denominator: bigint) =>
      (Number(numerator) / Number(denominator)) * 10 ** (decimalsIn - decimalsOut);
    swap = {
      ...zap.swap,
      spotPrice: wholeRatio(reserveOut, reserveIn),
      executionPrice: wholeRatio(zap.swap.amountOut, zap.swap.amountIn),
      priceImpact: swapPriceImpact(zap.swap.amountIn, zap.swap.amountOut, reserveIn, reserveOut),
    };
  }

  const price0 = Number(market.price0Wad) / 1e18;
  const price1 = Number(market.price1Wad) / 1e18;
  const debt0Whole = Number(debt0) / 10 ** market.decimals0;
  const debt1Whole = Number(debt1) / 10 ** market.decimals1;
  const killFactor = Number(risk.killFactorBps) / 10_000;
  // liquidationPrices moves token 0 with token 1 fixed; the model is symmetric, so swapping the tokens' roles
  // gives token 1's prices with token 0 fixed.
  const liquidation = {
    token0: liquidationPrices({ lpValueWad: positionValueWad, debt0: debt0Whole, debt1: debt1Whole, price0, price1, killFactor }),
    token1: liquidationPrices({
      lpValueWad: positionValueWad,
      debt0: debt1Whole,
      debt1: debt0Whole,
      price0: price1,
      price1: price0,
      killFactor,
    }),
  };

  return {
    equityWad: plan.equityWad,
    borrow0,
    borrow1,
    borrowValue0Wad: tokenValueWad(borrow0, market.price0Wad, market.decimals0),
    borrowValue1Wad: tokenValueWad(borrow1, market.price1Wad, market.decimals1),
    leverageCheckWad,
    lp: zap.lp,
    minLp: minimumLp(zap.lp, request.slippageBps),
    positionLp,
    swap,
    pairAfter: { reserve0: zap.reserve0, reserve1: zap.reserve1, totalSupply: zap.totalSupply },
    lpPriceAfterWad,
    positionValueWad,
    debt0,
    debt1,
    debtValueWad,
    debtRatioBps: ratio,
    leverageAfterWad: positionValueWad > debtValueWad ? leverageWad(positionValueWad, debtValueWad) : null,
    exceedsMaxLeverage: leverageCheckWad !== null && leverageCheckWad > risk.maxLeverageWad,
    exceedsWorkFactor: ratio > risk.workFactorBps,
    liquidation,
  };
}

/** What the farm, the pair's trading and the pools say about yield, before the position joins. */
export interface OpenYieldInputs {
  /** The farm's state as farmRewardApr reads it; stakedLp is everyone's LP before this position's. */
  farm: FarmRewardInput;
  /** Swaps into the pair over its fee window (a deployment too young to measure has none). */
  swapVolume: SwapVolume;
  /** The pools' borrow APRs, fractions. */
  borrowApr0: number;
  borrowApr1: number;
}

export interface OpenYield {
  /** Position value / (value - debt) after the zap, the leverage the preview shows: the multiple the yield is earned on. */
  leverage: number;
  /** The farm's reward APR at its stake now, and once this position's LP is staked too; null when unknown. */
  rewardNow: FarmRewardApr | null;
  rewardAfterDeposit: FarmRewardApr | null;
  /** The pair's trading-fee APR over its window, with this position's LP in the pair; or why there is none yet. */
  tradingFees: MeasuredYield;
  /** Interest on each token's debt as a share of equity, a fraction a year. */
  borrowCost0: number;
  borrowCost1: number;
  /** The net APR on equity and that compounded daily, each with the reason when it is beyond the plausibility bound. */
  netApr: CheckedRate;
  netApy: CheckedRate;
}

/**
 * The yield of the previewed position on its equity: the farm's rewards and the pair's fees on L x equity, less the
 * interest on each borrowed token. The rates are taken with this position's LP already in the farm and the pair,
 * so a large position sees the rate it dilutes itself to; the farm's rate now is returned beside it. Unknown rates
 * (a fee window the deployment is too young for) count as 0 in the net figures.
 */
export function openYield(preview: OpenPreview, market: OpenMarket, inputs: OpenYieldInputs): OpenYield {
  const farmAtPrice = { ...inputs.farm, lpPriceWad: preview.lpPriceAfterWad };
  const rewardNow = farmRewardApr(farmAtPrice, 0n);
  const rewardAfterDeposit = farmRewardApr(farmAtPrice, preview.positionValueWad);
  const tradingFees = tradingFeeYield(inputs.swapVolume, {
    price0Wad: market.price0Wad,
    price1Wad: market.price1Wad,
    decimals0: market.decimals0,
    decimals1: market.decimals1,
    liquidityValueWad: lpValueWad(preview.pairAfter.totalSupply, preview.lpPriceAfterWad),
  });
  const rewardApr = rewardAfterDeposit?.rate ?? null;
  const feeApr = tradingFees.rate?.rate ?? null;
  // The yield is on the equity the position holds after the zap (value - debt), so its multiple is the one leverage
  // the preview shows (leverageAfterWad); with no equity left, the equity supplied stands in.
  const value = Number(preview.positionValueWad) / 1e18;
  const afterCosts = preview.positionValueWad > preview.debtValueWad ? value - Number(preview.debtValueWad) / 1e18 : null;
  const equity = afterCosts ?? Number(preview.equityWad) / 1e18;
  const borrowed0 = Number(preview.borrowValue0Wad) / 1e18;
  const borrowed1 = Number(preview.borrowValue1Wad) / 1e18;
  const leverage = afterCosts === null ? (equity + borrowed0 + borrowed1) / equity : value / equity;
  const borrowCost0 = (inputs.borrowApr0 * borrowed0) / equity;
  const borrowCost1 = (inputs.borrowApr1 * borrowed1) / equity;
  // aprAtLeverage charges one borrow rate on L - 1; the rate here is the two pools' weighted by what is borrowed.
  const blendedBorrowApr = leverage > 1 ? (borrowCost0 + borrowCost1) / (leverage - 1) : 0;
  const { netApr, netApy } = leveredNetYield(lpYieldApr(rewardApr, feeApr) ?? 0, blendedBorrowApr, leverage, [
    rewardAfterDeposit?.implausibleReason ?? null,
    tradingFees.rate?.implausibleReason ?? null,
  ]);
  return {
    leverage,
    rewardNow,
    rewardAfterDeposit,
    tradingFees,
    borrowCost0,
    borrowCost1,
    netApr,
    netApy,
  };
}

/** What limits borrowing one token: the pool's cash, the pool's credit line for the vault, the vault's cap. */
export interface BorrowLimits {
  symbol: string;
  decimals: number;
  /** LendingPool.cash(): what the pool can lend now. */
  poolCash: bigint;
  /** The pool's borrow index and the vault's account there (borrowerAccount): its debt shares and credit limit. */
  borrowIndexWad: bigint;
  vaultDebtShares: bigint;
  creditLimit: bigint;
  /** The vault's own cap on its debt in this token (configuration()'s maxDebt0 or maxDebt1). */
  maxDebt: bigint;
}

/**
 * Why the pool or the vault would refuse to lend `amount`, in words, or null. The vault's debt after the borrow is
 * computed as the pool records it (its shares plus the new ones, both rounded up), which is what the cap and the
 * credit line are checked against.
 */
export function borrowProblem(amount: bigint, limits: BorrowLimits): string | null {
  if (amount === 0n) return null;
  const shown = (value: bigint) => `${formatTokenAmount(value, limits.decimals, 6)} ${limits.symbol}`;
  if (amount > limits.poolCash) {
    return `The ${limits.symbol} pool can lend only ${shown(limits.poolCash)} now; this needs ${shown(amount)}. Lower the leverage or borrow the other token.`;
  }
  const debtNow = mulWadUp(limits.vaultDebtShares, limits.borrowIndexWad);
  const debtAfter = mulWadUp(limits.vaultDebtShares + divWadUp(amount, limits.borrowIndexWad), limits.borrowIndexWad);
  const room = (ceiling: bigint) => (ceiling > debtNow ? ceiling - debtNow : 0n);
  if (debtAfter > limits.maxDebt) {
    return `The vault's ${limits.symbol} debt cap leaves room for ${shown(room(limits.maxDebt))}; this needs ${shown(amount)}. Lower the leverage or borrow the other token.`;
  }
  if (debtAfter > limits.creditLimit) {
    return `The vault's credit line at the ${limits.symbol} pool leaves room for ${shown(room(limits.creditLimit))}; this needs ${shown(amount)}. Lower the leverage or borrow the other token.`;
  }
  return null;
}

const LEVERAGE_PATTERN = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/;

/** Leverage as typed ("2.5", "3x") to WAD in steps of 0.01x, between 1x and the vault's maximum, or why not. */
export function parseLeverage(text: string, maxLeverageWad: bigint): { leverageWad: bigint; error: null } | { leverageWad: null; error: string } {
  const trimmed = text.trim().replace(/x$/i, "").trim();
  if (trimmed === "") return { leverageWad: null, error: "Enter a leverage." };
  const match = LEVERAGE_PATTERN.exec(trimmed);
  if (!match) return { leverageWad: null, error: `"${text.trim()}" is not a leverage; enter a number such as 2.5.` };
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? match[3] ?? "";
  if (fraction.length > 2) return { leverageWad: null, error: "Leverage moves in steps of 0.01x." };
  const hundredths = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  const leverageWad = (hundredths * WAD) / 100n;
  if (leverageWad < WAD) return { leverageWad: null, error: "Leverage starts at 1x (borrowing nothing)." };
  if (leverageWad > maxLeverageWad) {
    return { leverageWad: null, error: `This vault allows at most ${formatLeverage(maxLeverageWad)}.` };
  }
  return { leverageWad, error: null };
}

/** Leverage WAD as "3.00x", rounded up to the hundredth so a position never reads less levered than it is. */
export function formatLeverage(leverageWadValue: bigint): string {
  const hundredths = (leverageWadValue * 100n + WAD - 1n) / WAD;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}x`;
}

/**
 * "Borrow more" on an open position (ILeveragedVault.increase with borrow0 / borrow1, and optionally collateral):
 * what the position's debt, debt ratio and leverage become, and whether the vault would refuse it, before anything
 * is signed. Built on lib/openPreview's and lib/vaultMath's mirrors of the vault (the zap, the fair LP price, the
 * pools' share rounding); every rounding goes against the farmer (debts up, value down).
 *
 * "Lower leverage" is the other direction: repaying part of the debt from the wallet (repayDebt), previewed by the
 * repay form.
 */
import { debtAfterBorrow, formatLeverage, minimumLp, newPositionLp, type OpenMarket } from "./openPreview";
import { formatBps } from "./format";
import { debtRatioBps, fairLpPriceWad, lpValueWad, positionLeverageWad, simulateZap, tokenValueWad, tokenValueWadUp } from "./vaultMath";

const WAD = 10n ** 18n;

export interface IncreasePosition {
  lpAmount: bigint;
  valueWad: bigint;
  debtValueWad: bigint;
  equityWad: bigint;
  debt0: bigint;
  debt1: bigint;
  debtRatioBps: bigint;
}

export interface IncreaseRequest {
  /** Collateral from the wallet, base units (zero for a pure "borrow more"). */
  amount0: bigint;
  amount1: bigint;
  /** New borrowing, base units. */
  borrow0: bigint;
  borrow1: bigint;
  slippageBps: bigint;
}

export interface IncreaseRisk {
  workFactorBps: bigint;
  killFactorBps: bigint;
  maxLeverageWad: bigint;
  paused: boolean;
}

export interface IncreasePreview {
  /** LP the zap mints and the least accepted (slippage). */
  lp: bigint;
  minLp: bigint;
  /** The position's LP, value, debts and figures after. */
  lpAfter: bigint;
  valueAfterWad: bigint;
  debt0After: bigint;
  debt1After: bigint;
  debtValueAfterWad: bigint;
  debtRatioAfterBps: bigint;
  leverageBeforeWad: bigint | null;
  leverageAfterWad: bigint | null;
  /** The leverage the vault checks (VaultEntries._increase): (value + supplied + borrowed) / (equity + supplied). */
  leverageCheckWad: bigint | null;
  /** Value borrowed, at the oracle (rounded up as the vault does). */
  borrowedValueWad: bigint;
  /** Why the vault would refuse it, in words; null when it would accept it at this state. */
  refusal: string | null;
}

/**
 * The position after borrowing (and supplying) the request's amounts. The vault's checks, in its order: nothing
 * asked (ZeroAmount), borrowing while paused (VaultPaused), the leverage cap (LeverageTooHigh), then the work factor
 * on the result (WorkFactorExceeded).
 */
export function previewIncrease(position: IncreasePosition, request: IncreaseRequest, market: OpenMarket, risk: IncreaseRisk): IncreasePreview {
  const supplied = tokenValueWad(request.amount0, market.price0Wad, market.decimals0) + tokenValueWad(request.amount1, market.price1Wad, market.decimals1);
  const borrowedValueWad =
    tokenValueWadUp(request.borrow0, market.price0Wad, market.decimals0) + tokenValueWadUp(request.borrow1, market.price1Wad, market.decimals1);
  const borrowing = request.borrow0 > 0n || request.borrow1 > 0n;
  const equityIn = position.equityWad + supplied;
  const leverageCheckWad = !borrowing ? null : equityIn === 0n ? 2n ** 256n - 1n : ((position.valueWad + supplied + borrowedValueWad) * WAD) / equityIn;

  const zap = simulateZapFor(request, market);
  const lpPriceAfterWad = fairLpPriceWad(zap.reserve0, zap.reserve1, zap.totalSupply, market.price0Wad, market.price1Wad, market.decimals0, market.decimals1);
  const addedLp = newPositionLp(zap.lp, market.vaultTotalLp, market.vaultTotalLpShares);
  const lpAfter = position.lpAmount + addedLp;
  const valueAfterWad = lpValueWad(lpAfter, lpPriceAfterWad);
  const debt0After = position.debt0 + debtAfterBorrow(request.borrow0, market.borrowIndex0);
  const debt1After = position.debt1 + debtAfterBorrow(request.borrow1, market.borrowIndex1);
  const debtValueAfterWad = tokenValueWadUp(debt0After, market.price0Wad, market.decimals0) + tokenValueWadUp(debt1After, market.price1Wad, market.decimals1);
  const debtRatioAfterBps = debtRatioBps(debtValueAfterWad, valueAfterWad);

  let refusal: string | null = null;
  if (request.amount0 + request.amount1 + request.borrow0 + request.borrow1 === 0n) refusal = "Enter an amount to borrow.";
  else if (borrowing && risk.paused) refusal = "The vault is paused by its guardian: it lends nothing new until it is unpaused.";
  else if (leverageCheckWad !== null && leverageCheckWad > risk.maxLeverageWad) {
    refusal = `That takes the position to ${formatLeverage(leverageCheckWad)} leverage as the vault counts it, above its ${formatLeverage(risk.maxLeverageWad)} cap. Borrow less.`;
  } else if (debtRatioAfterBps > risk.workFactorBps) {
    refusal = `The debt ratio would be ${formatBps(debtRatioAfterBps)}, above the ${formatBps(risk.workFactorBps)} work factor up to which the vault lends. Borrow less, or add collateral first.`;
  } else if (zap.lp === 0n) refusal = "That is too little to add any liquidity; borrow more than dust.";

  return {
    lp: zap.lp,
    minLp: minimumLp(zap.lp, request.slippageBps),
    lpAfter,
    valueAfterWad,
    debt0After,
    debt1After,
    debtValueAfterWad,
    debtRatioAfterBps,
    leverageBeforeWad: positionLeverageWad(position.valueWad, position.debtValueWad),
    leverageAfterWad: positionLeverageWad(valueAfterWad, debtValueAfterWad),
    leverageCheckWad,
    borrowedValueWad,
    refusal,
  };
}

/** The largest extra debt (USD WAD) that keeps the position at or below the work factor, at its value now plus what it adds: a guide for the form. */
export function borrowRoomWad(position: Pick<IncreasePosition, "valueWad" | "debtValueWad">, workFactorBps: bigint): bigint {
  // debt + x <= (value + x) * wf  =>  x <= (value * wf - debt) / (1 - wf), all in bps.
  const room = position.valueWad * workFactorBps - position.debtValueWad * 10_000n;
  const rest = 10_000n - workFactorBps;
  return room <= 0n || rest <= 0n ? 0n : room / rest;
}

function simulateZapFor(request: IncreaseRequest, market: OpenMarket) {
  return simulateZap(request.amount0 + request.borrow0, request.amount1 + request.borrow1, market.reserve0, market.reserve1, market.lpTotalSupply);
}

/**
 * What closing (part of) a leveraged position returns, computed the way LeveragedVault.close does it, in bigint
 * and in the contract's order of operations, so the app can show the outcome and set the close's minimum amounts.
 *
 * The steps mirror the contract:
 *   close             fractionBps of the LP shares (rounded down) and of each debt's shares (rounded up);
 *   _removeLiquidity  shares -> LP (rounded down), then UniswapV2Pair.burn: each token pro rata to the pair's
 *                     balances (rounded down), after the protocol fee mint when the factory has feeTo set;
 *   _repayFromProceeds what each debt costs now (shares x borrow index, rounded up); when one token falls short
 *                     and the other has a surplus, buy exactly the shortfall with the surplus (_buyExact), or
 *                     spend the whole surplus if it cannot buy all of it; then repay every debt that is covered;
 *   _convertProceeds  to one token if asked: the whole balance of the other token sold into the pair.
 * Each swap moves the pair's reserves, and the next step trades against the moved reserves, as on chain.
 *
 * The preview is exact for the state it is given. Between the preview and the block the close is mined in, interest
 * accrues (a little more debt) and the market may move; the minimums the app sends are the preview less the
 * slippage tolerance, and the app recomputes the preview from the latest block right before asking for a signature.
 */
import { getAmountIn, getAmountOut, sqrt } from "./vaultMath";

/** LeveragedVault.ReceiveAs: how the proceeds come back. The values are the Solidity enum's. */
export enum ReceiveAs {
  BothTokens = 0,
  Token0 = 1,
  Token1 = 2,
}

export const BPS = 10_000n;
const WAD = 10n ** 18n;

/** PoolMath.mulWadUp: x * y / 1e18, rounded up. */
function mulWadUp(x: bigint, y: bigint): bigint {
  const product = x * y;
  return product === 0n ? 0n : (product - 1n) / WAD + 1n;
}

/** LeveragedVault._partRoundedUp: a fraction of a debt's shares, rounded up (the whole of it at 100%). */
export function partRoundedUp(amount: bigint, fractionBps: bigint): bigint {
  return fractionBps === BPS ? amount : (amount * fractionBps + BPS - 1n) / BPS;
}

export interface ClosePreviewInput {
  /** vault.positions(id): the position's raw record. */
  lpShares: bigint;
  debtShares0: bigint;
  debtShares1: bigint;
  /** vault.totals(). */
  totalLp: bigint;
  totalLpShares: bigint;
  /** pair.getReserves(). */
  reserve0: bigint;
  reserve1: bigint;
  /** pair.totalSupply(). */
  pairTotalSupply: bigint;
  /** The pair's token balances, which burn() pays out of; the reserves when not given (they are equal unless
   *  someone sent tokens to the pair without a sync). */
  pairBalance0?: bigint;
  pairBalance1?: bigint;
  /** pool0.borrowIndex() and pool1.borrowIndex(), WAD, as of the block the close will run in. */
  borrowIndex0: bigint;
  borrowIndex1: bigint;
  /** 1 to 10000. */
  fractionBps: bigint;
  receiveAs: ReceiveAs;
  /**
   * When the pair's factory has feeTo set, burn() first mints the protocol's fee: pass the pair's kLast. Uniswap V2
   * (and SushiSwap) mint 1/6 of the growth of sqrt(k), `feeDenominatorMultiplier` 5; forks with another share
   * pass theirs.
   */
  protocolFee?: { kLast: bigint; feeDenominatorMultiplier?: bigint };
}

export interface ClosePreview {
  lpShares: bigint;
  debtShares0: bigint;
  debtShares1: bigint;
  /** LP tokens unwound. */
  lpRemoved: bigint;
  /** Tokens the burn returned. */
  burned0: bigint;
  burned1: bigint;
  /** What the debts cost: repaid in full, or the close reverts (InsufficientProceeds). */
  owed0: bigint;
  owed1: bigint;
  repaid0: bigint;
  repaid1: bigint;
  /** The close would revert: the proceeds cannot repay the closed part of the debt. */
  insufficientProceeds: boolean;
  /** The close would revert in the pair: so little LP that one token's share rounds to zero
   *  (UniswapV2: INSUFFICIENT_LIQUIDITY_BURNED). */
  burnTooSmall: boolean;
  /** What the owner receives (zero on a revert). */
  amount0: bigint;
  amount1: bigint;
  /** The pair's reserves after the close. */
  reserve0After: bigint;
  reserve1After: bigint;
}

/** UniswapV2Pair._mintFee: the LP minted to feeTo before a burn. */
function protocolFeeLiquidity(reserve0: bigint, reserve1: bigint, totalSupply: bigint, kLast: bigint, multiplier: bigint): bigint {
  if (kLast === 0n) return 0n;
  const rootK = sqrt(reserve0 * reserve1);
  const rootKLast = sqrt(kLast);
  if (rootK <= rootKLast) return 0n;
  return (totalSupply * (rootK - rootKLast)) / (rootK * multiplier + rootKLast);
}

/** What LeveragedVault.close would do with this state; see the file's comment for the steps. */
export function previewClose(input: ClosePreviewInput): ClosePreview {
  const { fractionBps, receiveAs } = input;
  if (fractionBps <= 0n || fractionBps > BPS) throw new Error(`previewClose: fraction ${fractionBps} bps is outside 1-10000`);

  const lpShares = (input.lpShares * fractionBps) / BPS;
  const debtShares0 = partRoundedUp(input.debtShares0, fractionBps);
  const debtShares1 = partRoundedUp(input.debtShares1, fractionBps);

  // _removeLiquidity
  let reserve0 = input.reserve0;
  let reserve1 = input.reserve1;
  let lpRemoved = 0n;
  let balance0 = 0n;
  let balance1 = 0n;
  if (lpShares > 0n && input.totalLpShares > 0n) {
    lpRemoved = (lpShares * input.totalLp) / input.totalLpShares;
    if (lpRemoved > 0n) {
      const pairBalance0 = input.pairBalance0 ?? reserve0;
      const pairBalance1 = input.pairBalance1 ?? reserve1;
      let supply = input.pairTotalSupply;
      if (input.protocolFee) {
        supply += protocolFeeLiquidity(reserve0, reserve1, supply, input.protocolFee.kLast, input.protocolFee.feeDenominatorMultiplier ?? 5n);
      }
      balance0 = (lpRemoved * pairBalance0) / supply;
      balance1 = (lpRemoved * pairBalance1) / supply;
      // burn() syncs the reserves to what the pair holds afterwards.
      reserve0 = pairBalance0 - balance0;
      reserve1 = pairBalance1 - balance1;
    }
  }
  const burned0 = balance0;
  const burned1 = balance1;
  const burnTooSmall = lpRemoved > 0n && (burned0 === 0n || burned1 === 0n);

  // _repayFromProceeds
  const owed0 = debtShares0 === 0n ? 0n : mulWadUp(debtShares0, input.borrowIndex0);
  const owed1 = debtShares1 === 0n ? 0n : mulWadUp(debtShares1, input.borrowIndex1);
  const buyExact = (buyToken0: boolean, amountNeeded: bigint, spendable: bigint) => {
    const [reserveIn, reserveOut] = buyToken0 ? [reserve1, reserve0] : [reserve0, reserve1];
    let amountIn = amountNeeded < reserveOut ? getAmountIn(amountNeeded, reserveIn, reserveOut) : null;
    let amountOut = amountNeeded;
    if (amountIn === null || amountIn > spendable) {
      amountIn = spendable;
      amountOut = getAmountOut(amountIn, reserveIn, reserveOut);
    }
    if (amountOut === 0n) return;
    if (buyToken0) {
      balance0 += amountOut;
      balance1 -= amountIn;
      reserve0 -= amountOut;
      reserve1 += amountIn;
    } else {
      balance0 -= amountIn;
      balance1 += amountOut;
      reserve0 += amountIn;
      reserve1 -= amountOut;
    }
  };
  if (balance0 < owed0 && balance1 > owed1) buyExact(true, owed0 - balance0, balance1 - owed1);
  else if (balance1 < owed1 && balance0 > owed0) buyExact(false, owed1 - balance1, balance0 - owed0);
  let repaid0 = 0n;
  let repaid1 = 0n;
  if (owed0 > 0n && balance0 >= owed0) {
    repaid0 = owed0;
    balance0 -= owed0;
  }
  if (owed1 > 0n && balance1 >= owed1) {
    repaid1 = owed1;
    balance1 -= owed1;
  }
  const insufficientProceeds = (debtShares0 > 0n && repaid0 === 0n) || (debtShares1 > 0n && repaid1 === 0n);

  // _convertProceeds
  if (!insufficientProceeds) {
    if (receiveAs === ReceiveAs.Token0 && balance1 > 0n) {
      const out = getAmountOut(balance1, reserve1, reserve0);
      reserve1 += balance1;
      reserve0 -= out;
      balance0 += out;
      balance1 = 0n;
    } else if (receiveAs === ReceiveAs.Token1 && balance0 > 0n) {
      const out = getAmountOut(balance0, reserve0, reserve1);
      reserve0 += balance0;
      reserve1 -= out;
      balance1 += out;
      balance0 = 0n;
    }
  }

  return {
    lpShares,
    debtShares0,
    debtShares1,
    lpRemoved,
    burned0,
    burned1,
    owed0,
    owed1,
    repaid0,
    repaid1,
    insufficientProceeds,
    burnTooSmall,
    amount0: insufficientProceeds || burnTooSmall ? 0n : balance0,
    amount1: insufficientProceeds || burnTooSmall ? 0n : balance1,
    reserve0After: reserve0,
    reserve1After: reserve1,
  };
}

/** `amount` less a slippage tolerance in basis points (50 = 0.5%), rounded down: a minimum to send. */
export function withSlippage(amount: bigint, slippageBps: bigint): bigint {
  if (slippageBps < 0n || slippageBps >= BPS) throw new Error(`withSlippage: ${slippageBps} bps is not a tolerance`);
  return (amount * (BPS - slippageBps)) / BPS;
}

/** The close's minAmount0 / minAmount1 from a preview: zero for a token the owner does not receive. */
export function closeMinimums(preview: ClosePreview, slippageBps: bigint): { minAmount0: bigint; minAmount1: bigint } {
  return {
    minAmount0: withSlippage(preview.amount0, slippageBps),
    minAmount1: withSlippage(preview.amount1, slippageBps),
  };
}

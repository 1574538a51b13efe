/**
 * A lender's side of a core pool: what can be deposited and withdrawn now, and which pool call a withdrawal uses.
 * The Lend page checks its forms here before anything is signed.
 */
import { checkAmount, type AmountCheck } from "./amountInput";
import { formatTokenAmount } from "./format";

/** What a lender holds in one pool, read in one block. */
export interface LenderPosition {
  /** fTokens held. */
  shares: bigint;
  /** Those fTokens valued in the asset, rounded down (convertToAssets). */
  suppliedAssets: bigint;
  /** The asset the pool holds; the rest of its assets are lent out. */
  cash: bigint;
}

/**
 * LendingPool.maxWithdraw: everything supplied, unless the pool holds less cash than that. `limitedByCash` says
 * that the lender's own deposit is not the limit, so the page can explain why the figure is lower.
 */
export function withdrawableNow(position: Pick<LenderPosition, "suppliedAssets" | "cash">): { amount: bigint; limitedByCash: boolean } {
  const limitedByCash = position.cash < position.suppliedAssets;
  return { amount: limitedByCash ? position.cash : position.suppliedAssets, limitedByCash };
}

export interface DepositLimits {
  symbol: string;
  decimals: number;
  walletBalance: bigint;
  depositsPaused: boolean;
}

/** A deposit amount from the field, or why it cannot be sent. */
export function checkDeposit(text: string, limits: DepositLimits): AmountCheck {
  // Paused first: no amount would go through, so the reason is the pause, not the number.
  if (limits.depositsPaused) {
    return { amount: null, error: "Deposits to this pool are paused by its guardian. Withdrawals still work." };
  }
  return checkAmount(text, { symbol: limits.symbol, decimals: limits.decimals, balance: limits.walletBalance });
}

export interface WithdrawalLimits {
  symbol: string;
  decimals: number;
  suppliedAssets: bigint;
  cash: bigint;
}

/** A withdrawal amount from the field, or why it cannot be sent: beyond the deposit, or beyond the pool's cash. */
export function checkWithdrawal(text: string, limits: WithdrawalLimits): AmountCheck {
  if (limits.suppliedAssets === 0n && text.trim() !== "") {
    return { amount: null, error: `You have no ${limits.symbol} supplied to this pool.` };
  }
  const checked = checkAmount(text, {
    symbol: limits.symbol,
    decimals: limits.decimals,
    ceiling: { amount: limits.suppliedAssets, refusal: (shownSupplied) => `More than you have supplied (${shownSupplied}).` },
  });
  if (checked.error !== null) return checked;
  if (checked.amount > limits.cash) {
    return {
      amount: null,
      error: `The pool has only ${formatTokenAmount(limits.cash, limits.decimals, 6)} ${limits.symbol} available; the rest is lent out. Withdraw less or wait for borrowers to repay.`,
    };
  }
  return checked;
}

/** The pool call that carries out a withdrawal. */
export type WithdrawalPlan = { method: "redeem"; shares: bigint } | { method: "withdraw"; assets: bigint };

/**
 * Withdrawing everything burns every fToken with redeem(): interest keeps raising the deposit's value between the
 * moment the amount is read and the block the transaction lands in, so withdraw(amount) would leave that growth
 * behind as dust. `everything` is the Max button's intent, kept even after the value has grown past the field's
 * text. Redeeming all is only possible while the pool's cash covers the whole deposit; otherwise the amount is
 * withdrawn as asked.
 */
export function planWithdrawal(amount: bigint, position: LenderPosition, everything: boolean): WithdrawalPlan {
  const cashCoversAll = position.suppliedAssets <= position.cash;
  if (position.shares > 0n && cashCoversAll && (everything || amount >= position.suppliedAssets)) {
    return { method: "redeem", shares: position.shares };
  }
  return { method: "withdraw", assets: amount };
}

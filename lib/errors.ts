/**
 * Why a transaction failed, in words: the protocol's custom errors decoded from revert data, and the wallet's
 * own refusals. Used by the app for every form and by scripts that report a failed call.
 */
import { ErrorDescription, Interface, isError, type InterfaceAbi } from "ethers";
import {
  FlashLiquidator__factory,
  FluxToken__factory,
  LendingPool__factory,
  PriceOracle__factory,
  StakingRewardsVault__factory,
} from "../typechain-types";
import { FaucetToken__factory } from "./contracts";
import { formatTokenAmount, formatUsdWad } from "./format";

/** What the sentences need to name tokens: address (any case) -> symbol and decimals. */
export type TokenBook = Record<string, { symbol: string; decimals: number }>;

/** Every custom error any protocol contract can revert with, deduplicated by selector. */
const PROTOCOL_ERRORS = new Interface(
  dedupeErrors([
    StakingRewardsVault__factory.abi,
    LendingPool__factory.abi,
    PriceOracle__factory.abi,
    FluxToken__factory.abi,
    FaucetToken__factory.abi,
    FlashLiquidator__factory.abi,
  ]),
);

function dedupeErrors(abis: InterfaceAbi[]): InterfaceAbi {
  const bySignature = new Map<string, unknown>();
  for (const abi of abis) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment.type === "error") bySignature.set(fragment.format("sighash"), JSON.parse(fragment.format("json")));
    }
  }
  return [...bySignature.values()] as InterfaceAbi;
}

const bps = (value: bigint) => `${(Number(value) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
const wadNumber = (value: bigint) => Number(value) / 1e18;

/** Sentences for the errors a farmer or lender can meet; the rest are named with their arguments. */
function sentence(error: ErrorDescription, tokens: TokenBook): string {
  const token = (address: string) => tokens[address.toLowerCase()];
  const amountOf = (address: string, amount: bigint) => {
    const known = token(address);
    return known ? `${formatTokenAmount(amount, known.decimals, 6)} ${known.symbol}` : `${amount} base units`;
  };
  const args = error.args;
  switch (error.name) {
    case "ZeroAmount":
      return "The amount is zero: enter an amount to supply, borrow or repay.";
    case "ZeroShares":
      return "The amount is too small to move a single share; enter a larger amount.";
    case "DeadlineExpired":
      return "The transaction waited too long before it was mined and its deadline passed; send it again.";
    case "VaultPaused":
      return "The vault is paused by its guardian: no new positions or borrowing until it is unpaused. Closing still works.";
    case "DepositsPaused":
      return "Deposits to this pool are paused by its guardian.";
    case "BorrowsPaused":
      return "Borrowing from this pool is paused by its guardian.";
    case "NotPositionOwner":
      return `Position #${args[0]} belongs to another account.`;
    case "UnknownPosition":
      return `There is no open position #${args[0]}.`;
    case "LeverageTooHigh":
      return `Leverage ${wadNumber(args[0]).toFixed(2)}x is above this vault's maximum of ${wadNumber(args[1]).toFixed(2)}x.`;
    case "WorkFactorExceeded":
      return `The position would have a debt ratio of ${bps(args[0])}, above the ${bps(args[1])} this vault lets a position open or borrow at. Borrow less or add more collateral.`;
    case "VaultDebtCapExceeded":
      return `The vault would owe ${amountOf(args[0], args[1])}, above its cap of ${amountOf(args[0], args[2])}. Borrow less.`;
    case "PriceDeviationTooHigh":
      return `The pair's price (${wadNumber(args[0]).toPrecision(6)}) is more than ${bps(args[2])} away from the oracle's (${wadNumber(args[1]).toPrecision(6)}), so the vault refuses to trade on it. Wait for arbitrage to bring it back.`;
    case "InsufficientLiquidityMinted":
      return "The price moved beyond your slippage tolerance before the transaction was mined (fewer LP tokens than the minimum). Try again or allow more slippage.";
    case "SlippageExceeded":
      return `You would receive ${amountOf(args[0], args[1])}, less than the minimum ${amountOf(args[0], args[2])}: the price moved beyond your slippage tolerance.`;
    case "PositionHealthy":
      return `Position #${args[0]} is healthy (debt ratio ${bps(args[1])}, kill factor ${bps(args[2])}) and cannot be liquidated.`;
    case "InsufficientProceeds":
      return `Closing position #${args[0]} would not return enough to repay its debt; repay some debt from your wallet first.`;
    case "FractionOutOfRange":
      return `Close between 0.01% and 100% of the position (asked for ${bps(args[0])}).`;
    case "PositionClosed":
      return `Position #${args[0]} is already closed: it holds nothing and owes nothing.`;
    case "PositionTooSmall":
      return `That would leave the position with ${args[0]} LP shares, below the vault's minimum of ${args[1]}: close it in full or leave more in.`;
    case "SwapOutsideOracleBound":
      return `The pair's price (${wadNumber(args[0]).toPrecision(6)}) is ${bps(args[2])} worse than the oracle's (${wadNumber(args[1]).toPrecision(6)}), beyond the ${bps(args[3])} a swap may lose. Wait for arbitrage, or close receiving both tokens (no swap).`;
    case "InsufficientSharesMinted":
      return `The position would receive ${args[0]} LP shares, fewer than the minimum ${args[1]}: the share price moved before the transaction was mined. Try again.`;
    case "HarvestSlippageExceeded":
      return `The harvest would receive ${args[0]} base units for its rewards, less than the minimum ${args[1]}; try again after arbitrage.`;
    case "HarvestNothingSellable":
      return "The reward pair's price is below the oracle's floor, so the harvest sells nothing now; the rewards stay in the vault for the next harvest.";
    case "NotBorrower":
      return `Only the borrower ${args[1]} can repay its own debt at this pool.`;
    case "TriggerOutOfRange":
      return `The order's trigger (${bps(args[0])} debt ratio) must be above zero and below the kill factor (${bps(args[1])}).`;
    case "TargetNotBelowTrigger":
      return `The order's target debt ratio (${bps(args[0])}) must be below its trigger (${bps(args[1])}).`;
    case "InvalidPriceRange":
      return "The order's low price must be below its high price (leave one side at zero to use only the other).";
    case "ExecutorFeeTooHigh":
      return `The executor's payment (${bps(args[0])}) is above the cap of ${bps(args[1])}.`;
    case "OrderSlippageOutOfRange":
      return `The order's slippage (${bps(args[0])}) must be above 0% and at most ${bps(args[1])}.`;
    case "NoOrder":
      return `Position #${args[0]} has no such order (never set, cancelled or already executed).`;
    case "DeleverageNotTriggered":
      return `Position #${args[0]} is at a ${bps(args[1])} debt ratio, below the order's trigger of ${bps(args[2])}.`;
    case "PriceNotTriggered":
      return `The price (${wadNumber(args[1]).toPrecision(6)}) is still inside the order's range, so it does not execute.`;
    case "UnderwaterNeedsRepayment":
      return `Position #${args[0]} is underwater (debt ${formatUsdWad(args[1])} against ${formatUsdWad(args[2])} of value): it is liquidated by repayment (liquidateWithRepayment, or with no capital through liquidateWithCallback and the FlashLiquidator), so no swap's loss falls on lenders.`;
    case "TargetUnreachable":
      return `Position #${args[0]} (debt ratio ${bps(args[1])}) cannot reach ${bps(args[2])} by closing part of it.`;
    case "NothingToClaim":
      return "There is nothing of that token kept for you to claim.";
    case "TwapUnavailable":
      return "The vault has no time-weighted average price for this pair yet, so it waits before pricing value between farmers on it; any harvest records one, which counts from the next block.";
    case "PriceSourcesDisagree":
      return `The pair's price (${Number(args[1]).toPrecision(6)}) or its time-weighted average (${Number(args[2]).toPrecision(6)}) is more than ${bps(args[4])} from the oracle's (${Number(args[3]).toPrecision(6)}), so the vault waits before pricing value between farmers on it. Try again once the market and the feeds agree.`;
    case "ExecutionShortfall":
      return `Executing position #${args[0]}'s order would lose $${wadNumber(args[1]).toFixed(2)} to the pair's price beyond a fair execution, more than the executor's fee of $${wadNumber(args[2]).toFixed(2)}: it waits until the pair is back near the oracle.`;
    case "SequencerDown":
      return "The network's sequencer is down, so prices cannot be trusted; try again when it is back.";
    case "SequencerGracePeriodNotOver":
      return "The network's sequencer has just come back up; prices are trusted again after a short grace period.";
    case "PositionValueTooSmall":
      return `The position would be worth ${formatUsdWad(args[0])}, below this vault's minimum of ${formatUsdWad(args[1])}: smaller positions do not pay for their own liquidation. Add more.`;
    case "SequencerStatusNotStarted":
      return "The network's sequencer status feed has not reported yet, so prices cannot be trusted; try again later.";
    case "SequencerStatusFromFuture":
      return "The network's sequencer status feed reports a time ahead of the chain's, so prices are not trusted until the two agree; try again shortly.";
    case "FeedDecimalsChanged":
      return `A price feed changed its decimals (from ${args[1]} to ${args[2]}), so its price is refused until the oracle's owner sets it again.`;
    case "InvalidRiskParameter":
      return `The risk parameter ${args[0]} is out of its allowed range.`;
    case "ReentrancyGuardReentrantCall":
      return "A token or contract tried to call the protocol again from inside one of its own calls, and was refused.";
    case "InsufficientCash":
      return `The pool has only ${args[1]} base units available, less than the ${args[0]} asked for. Borrow or withdraw less.`;
    case "CreditLimitExceeded":
      return "The vault's credit line at the pool is used up: borrow less.";
    case "RepayExceedsDebt":
      return "That repays more than is owed.";
    case "StalePrice":
      return "The price feed has not updated recently enough for the protocol to trust it; try again later. Repaying debt, and a close whose proceeds repay the debt without a swap, work without it.";
    case "InvalidPrice":
    case "FeedNotSet":
      return "The price oracle has no valid price for one of the tokens.";
    case "FaucetLimitExceeded":
      return `The faucet gives at most ${args[1]} base units per request.`;
    case "ERC20InsufficientBalance":
      return "Your wallet holds less of the token than this needs.";
    case "ERC20InsufficientAllowance":
      return "The contract is not approved to spend that much of your token; approve it first.";
    case "ERC4626ExceededMaxWithdraw":
    case "ERC4626ExceededMaxRedeem":
      return "That is more than you can withdraw: your deposit or the pool's available cash is smaller.";
    case "ERC4626ExceededMaxDeposit":
      return "The pool does not accept that deposit now.";
    case "SafeERC20FailedOperation":
      return "A token transfer failed: check your balance and approval.";
    case "CannotRepay":
      return `Burning the position's LP and swapping in the pair leaves ${args[2]} base units of ${args[0]}, short of the ${args[1]} the vault takes back: the pair is too far from the oracle for a liquidation with no capital now. Wait for arbitrage, or liquidate by repayment.`;
    case "NotInLiquidation":
      return "Only the vault the FlashLiquidator is liquidating, during that liquidation, may call it back.";
    case "LiquidationInProgress":
      return "The FlashLiquidator is already running a liquidation in this transaction.";
    case "ProfitTooLow":
      return `The liquidation would leave ${args[0]} and ${args[2]} base units of the pair's tokens, less than the ${args[1]} and ${args[3]} asked for.`;
    case "OwnableUnauthorizedAccount":
      return "Only the contract's owner can do that.";
    default: {
      const shown = error.args.map((value) => String(value)).join(", ");
      return `The contract refused: ${error.name}(${shown}).`;
    }
  }
}

/** Finds revert data in an ethers error or a wallet's JSON-RPC error, however deeply the wallet nested it. */
function revertData(error: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown): string | null => {
    if (!value || typeof value !== "object" || seen.has(value)) return null;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.data === "string" && /^0x[0-9a-fA-F]{8}/.test(record.data)) return record.data;
    for (const key of ["data", "error", "info", "cause", "payload"]) {
      const found = visit(record[key]);
      if (found) return found;
    }
    return null;
  };
  return visit(error);
}

/** The protocol error behind revert data, or null if the data is not one of ours. */
export function decodeProtocolError(data: string): ErrorDescription | null {
  try {
    return PROTOCOL_ERRORS.parseError(data);
  } catch {
    return null;
  }
}

/**
 * Why something failed, as one sentence for a person: a rejected signature, a decoded custom error, a plain
 * revert reason, a network problem. Never a hex blob.
 */
export function describeError(error: unknown, tokens: TokenBook = {}): string {
  if (isError(error, "ACTION_REJECTED") || (error as { code?: unknown })?.code === 4001) {
    return "You rejected the request in your wallet; nothing was sent.";
  }
  const data = revertData(error);
  if (data) {
    const decoded = decodeProtocolError(data);
    if (decoded) {
      if (decoded.name === "Error") return `The transaction would fail: ${decoded.args[0]}.`;
      return sentence(decoded, tokens);
    }
  }
  if (isError(error, "CALL_EXCEPTION")) {
    return error.reason ? `The transaction would fail: ${error.reason}.` : "The transaction would fail (the contract reverted without a reason).";
  }
  if (isError(error, "INSUFFICIENT_FUNDS")) return "Your wallet has too little of the chain's native token to pay for gas.";
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT")) return "The chain could not be reached; check your connection and try again.";
  const message = (error as { shortMessage?: string; message?: string })?.shortMessage ?? (error as Error)?.message;
  return message ? String(message) : "Something went wrong.";
}

/** A TokenBook from a deployment's tokens, keyed by lower-case address. */
export function tokenBook(tokens: Record<string, { address: string; decimals: number }>): TokenBook {
  return Object.fromEntries(
    Object.entries(tokens).map(([symbol, token]) => [token.address.toLowerCase(), { symbol, decimals: token.decimals }]),
  );
}

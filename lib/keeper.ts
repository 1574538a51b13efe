/**
 * The keeper: liquidates every position past its vault's kill factor and harvests each vault when its pending
 * rewards are worth more than the gas by a margin, or after a maximum interval.
 *
 * Careful by construction:
 * - every transaction is simulated first (eth_call, then eth_estimateGas) and never sent when either reverts;
 * - one transaction at a time through ethers' NonceManager, each receipt awaited before the next send;
 * - a send whose outcome is unknown is never repeated blindly: if the node took the nonce the transaction is out
 *   there and we only wait for it; if not, the next attempt simulates again (a liquidated position is no longer
 *   liquidatable, a harvested vault has nothing pending), so nothing is ever sent twice;
 * - reads are retried with exponential backoff; a pass scans thousands of positions in a few calls
 *   (the lens's `keeperPage` in pages);
 * - one bad feed stops only what depends on it: positions whose token price the oracle refuses are held with the
 *   reason (and liquidated by the first pass that can value them), every other position goes ahead, and each scan,
 *   liquidation, order and harvest is isolated so that one failure never throws the pass;
 * - a liquidation is sent only when its bounty pays its gas times `bountyGasMarginMultiplier` (shouldLiquidate).
 *
 * The decision functions are pure and exported for tests; `scripts/keeper.ts` is the command line around `Keeper`.
 */
import { Contract, NonceManager, type ContractTransactionResponse, type Provider, type Signer, type TransactionReceipt } from "ethers";
import type { Deployment, NativeToken } from "./deployments";
import { readFeed } from "./priceFeeds";
import { lpValueWad, tokenValueWad, tokenValueWadUp } from "./vaultMath";
import { GAS_LIMIT_HEADROOM_PERCENT, withGasHeadroom } from "./transactionPolicy";
import {
  FlashLiquidator__factory,
  LeveragedVault__factory,
  PriceOracle__factory,
  VaultLens__factory,
  type FlashLiquidator,
  type LeveragedVault,
  type PriceOracle,
  type VaultLens,
} from "../typechain-types";

const WAD = 10n ** 18n;
const ERC20_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address, address) view returns (uint256)",
  "function approve(address, uint256) returns (bool)",
];

// ---------------------------------------------------------------- the harvest decision

export interface HarvestInputs {
  /** What the pending rewards would sell for now (the vault's `pendingHarvest`), in USD. */
  pendingValueUsd: number;
  /** The harvest's estimated gas times the gas price, in USD. */
  gasCostUsd: number;
  /** Harvest only when the rewards are worth more than this many times the gas. */
  marginMultiplier: number;
  /** Chain time since the vault was last harvested (by anyone), or since it was deployed. */
  secondsSinceLastHarvest: number;
  /** Harvest anyway once this much time has passed, so small vaults still compound. */
  maxIntervalSeconds: number;
}

export interface HarvestDecision {
  harvest: boolean;
  reason: string;
  /** The value the pending rewards must exceed for a harvest on value alone. */
  thresholdUsd: number;
}

/**
 * Harvest when the pending rewards are worth strictly more than the gas times the margin, or once the maximum
 * interval has passed; never when nothing is pending (the harvest would pay gas to compound nothing).
 */
export function shouldHarvest(inputs: HarvestInputs): HarvestDecision {
  const { pendingValueUsd, gasCostUsd, marginMultiplier, secondsSinceLastHarvest, maxIntervalSeconds } = inputs;
  const thresholdUsd = gasCostUsd * marginMultiplier;
  if (!(pendingValueUsd > 0)) return { harvest: false, reason: "nothing pending", thresholdUsd };
  if (pendingValueUsd > thresholdUsd) {
    return { harvest: true, reason: "pending rewards are worth more than the gas cost times the margin", thresholdUsd };
  }
  if (secondsSinceLastHarvest >= maxIntervalSeconds) {
    return { harvest: true, reason: "the maximum interval since the last harvest has passed", thresholdUsd };
  }
  return { harvest: false, reason: "pending rewards are not yet worth the gas cost times the margin", thresholdUsd };
}

/** The least a harvest's reward sale may return: what it returns now less `toleranceBps`, rounded up. */
export function harvestMinimumOut(amountOutNow: bigint, toleranceBps: number): bigint {
  if (!Number.isInteger(toleranceBps) || toleranceBps < 0 || toleranceBps >= 10_000) {
    throw new Error(`The harvest tolerance must be a whole number of basis points from 0 to 9999, not ${toleranceBps}`);
  }
  const product = amountOutNow * BigInt(10_000 - toleranceBps);
  return product === 0n ? 0n : (product - 1n) / 10_000n + 1n;
}

/** Gas units at a gas price (wei) paid in a gas token worth `gasTokenPriceWad` USD (WAD per whole token), in USD. */
export function gasCostUsd(gasUnits: bigint, gasPriceWei: bigint, gasTokenPriceWad: bigint): number {
  const costWad = (gasUnits * gasPriceWei * gasTokenPriceWad) / WAD;
  return Number(costWad) / 1e18;
}

/** The `keeperPage` pages that cover ids 1..lastPositionId, `pageSize` ids each. */
export function scanPages(lastPositionId: number, pageSize: number): Array<{ firstId: number; count: number }> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`The scan page size must be a whole number of at least 1, not ${pageSize}`);
  const pages: Array<{ firstId: number; count: number }> = [];
  for (let firstId = 1; firstId <= lastPositionId; firstId += pageSize) {
    pages.push({ firstId, count: Math.min(pageSize, lastPositionId - firstId + 1) });
  }
  return pages;
}

// ---------------------------------------------------------------- the scan: one bad feed stops only what needs it

/** Why the lens returned a position without the vault's valuation (VaultLens.ViewStatus; all false when valued). */
export interface ViewStatusOfPosition {
  valued: boolean;
  price0Refused: boolean;
  price1Refused: boolean;
  /** The refusal in words (the oracle's custom error with its numbers). */
  reason: string;
}

/** One row of a keeper page: the position's view (only id, owner and shares when unvalued), orders and status. */
export interface KeeperPageRow {
  view: RankedPosition & { lpShares: bigint };
  orders: Omit<OrdersOfPosition, "positionId" | "debtRatioBps">;
  status: ViewStatusOfPosition;
}

/** A position the scan could not value: held until the oracle accepts its tokens' prices again. */
export interface UnvaluedPosition {
  positionId: bigint;
  /** The vault's tokens whose price the oracle refused (empty when the view failed for another reason). */
  refusedTokens: string[];
  reason: string;
}

export interface PageSelection {
  openPositions: number;
  liquidatable: RankedPosition[];
  orders: OrdersOfPosition[];
  unvalued: UnvaluedPosition[];
}

/**
 * Sorts a vault's scanned rows: open positions past the kill factor (to liquidate), set protection orders of the
 * others, and positions that could not be valued (a refused price), each kept with the token and the reason. A
 * position that cannot be valued is never liquidated or ordered on a guess; it waits for the next pass.
 */
export function selectFromPage(rows: KeeperPageRow[], tokenSymbols: [string, string]): PageSelection {
  const selection: PageSelection = { openPositions: 0, liquidatable: [], orders: [], unvalued: [] };
  for (const { view, orders, status } of rows) {
    if (view.lpShares === 0n) continue;
    selection.openPositions += 1;
    if (!status.valued) {
      const refusedTokens = [status.price0Refused ? tokenSymbols[0] : null, status.price1Refused ? tokenSymbols[1] : null].filter((token): token is string => token !== null);
      selection.unvalued.push({ positionId: view.positionId, refusedTokens, reason: status.reason });
      continue;
    }
    if (view.liquidatable) {
      selection.liquidatable.push({ positionId: view.positionId, valueWad: view.valueWad, debtValueWad: view.debtValueWad, debtRatioBps: view.debtRatioBps, liquidatable: true });
      continue; // about to be liquidated: its orders wait
    }
    const { deleverage, price } = orders;
    if (BigInt(deleverage.triggerDebtRatioBps) === 0n && price.lowPriceWad === 0n && price.highPriceWad === 0n) continue;
    selection.orders.push({ positionId: view.positionId, debtRatioBps: view.debtRatioBps, deleverage, price });
  }
  return selection;
}

// ---------------------------------------------------------------- the liquidation decision: gas against the bounty

/** What a liquidation's simulation says the liquidator gets (ILeveragedVault.DeleverageOutcome), in token units. */
export interface LiquidationProceeds {
  /** Paid to the liquidator from the unwound tokens (the bounty). */
  paid0: bigint;
  paid1: bigint;
  /** The reserves' incentive for clearing bad debt, in each debt token. */
  incentive0: bigint;
  incentive1: bigint;
  /** By repayment: LP the liquidator took, and what it brought for it (the repayment and the owner's part). */
  lpPaid: bigint;
  repaid0: bigint;
  repaid1: bigint;
  returned0: bigint;
  returned1: bigint;
}

export interface ProceedsPrices {
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  /** Fair LP price; only needed when the liquidator took LP (`lpPaid > 0`). */
  lpPriceWad?: bigint;
}

/**
 * The liquidator's gain from one liquidation at oracle prices, in USD WAD: the bounty paid in tokens plus the
 * reserves' incentive, plus, when it took LP for a repayment it brought, the LP's value less what it brought.
 * Rounded down (the keeper never counts on more than it gets); never below zero.
 */
export function liquidationBountyWad(proceeds: LiquidationProceeds, prices: ProceedsPrices): bigint {
  const value0 = (amount: bigint) => tokenValueWad(amount, prices.price0Wad, prices.decimals0);
  const value1 = (amount: bigint) => tokenValueWad(amount, prices.price1Wad, prices.decimals1);
  let gain = value0(proceeds.paid0 + proceeds.incentive0) + value1(proceeds.paid1 + proceeds.incentive1);
  if (proceeds.lpPaid > 0n) {
    if (prices.lpPriceWad === undefined) throw new Error("A liquidation that pays LP needs the LP price to be weighed");
    const brought = tokenValueWadUp(proceeds.repaid0 + proceeds.returned0, prices.price0Wad, prices.decimals0) + tokenValueWadUp(proceeds.repaid1 + proceeds.returned1, prices.price1Wad, prices.decimals1);
    gain += lpValueWad(proceeds.lpPaid, prices.lpPriceWad) - brought;
  }
  return gain > 0n ? gain : 0n;
}

export interface LiquidationGasInputs {
  bountyUsd: number;
  gasCostUsd: number;
  /** Liquidate only when the bounty is at least the gas times this; 0 liquidates whatever the gas. */
  marginMultiplier: number;
}

/**
 * Liquidate when the bounty pays the gas times the margin (at least); decline otherwise. A declined position stays
 * open to anyone (`liquidate` is permissionless): a keeper with cheaper gas, the owner, or a later pass once gas
 * is cheaper or the position (and its bounty) larger.
 */
export function shouldLiquidate(inputs: LiquidationGasInputs): { liquidate: boolean; reason: string; thresholdUsd: number } {
  const { bountyUsd, gasCostUsd, marginMultiplier } = inputs;
  if (!Number.isFinite(marginMultiplier) || marginMultiplier < 0) throw new Error(`The bounty-to-gas margin must be a number of at least 0, not ${marginMultiplier}`);
  const thresholdUsd = gasCostUsd * marginMultiplier;
  if (marginMultiplier === 0) return { liquidate: true, reason: "gas is not weighed (bounty-to-gas margin 0)", thresholdUsd };
  if (bountyUsd >= thresholdUsd) return { liquidate: true, reason: `the bounty $${bountyUsd} pays the gas $${gasCostUsd} times the margin ${marginMultiplier}`, thresholdUsd };
  return { liquidate: false, reason: `declined: the bounty $${bountyUsd} does not pay the gas $${gasCostUsd} times the margin ${marginMultiplier}; anyone may still liquidate it`, thresholdUsd };
}

// ---------------------------------------------------------------- retries

// ---------------------------------------------------------------- crash ordering, orders and cadence

/** What the keeper needs of a position to rank it (fields of the vault's PositionView). */
export interface RankedPosition {
  positionId: bigint;
  valueWad: bigint;
  debtValueWad: bigint;
  debtRatioBps: bigint;
  liquidatable: boolean;
}

/**
 * The positions past the kill factor, worst first: the largest shortfall (debt above value, at oracle prices)
 * first, then the highest debt ratio, then the oldest id. In a crash every liquidation moves the pair and the
 * pools, so the position that would leave lenders the most bad debt must not wait behind smaller ones.
 */
export function rankLiquidations<T extends RankedPosition>(positions: T[]): T[] {
  const shortfall = (view: RankedPosition) => (view.debtValueWad > view.valueWad ? view.debtValueWad - view.valueWad : 0n);
  return positions
    .filter((view) => view.liquidatable)
    .sort((a, b) => {
      const bySortfall = shortfall(b) - shortfall(a);
      if (bySortfall !== 0n) return bySortfall > 0n ? 1 : -1;
      if (a.debtRatioBps !== b.debtRatioBps) return b.debtRatioBps > a.debtRatioBps ? 1 : -1;
      return a.positionId < b.positionId ? -1 : a.positionId > b.positionId ? 1 : 0;
    });
}

/** A position's protection orders as the vault stores them (ILeveragedVault.ProtectionOrders). */
export interface OrdersOfPosition {
  positionId: bigint;
  debtRatioBps: bigint;
  deleverage: { triggerDebtRatioBps: bigint | number };
  price: { lowPriceWad: bigint; highPriceWad: bigint; priceOfToken1: boolean };
}

export type TriggeredOrder = { positionId: bigint; kind: "deleverage" | "price"; reason: string };

/**
 * The orders the vault would execute now, with the same comparisons as VaultExits: a deleverage order at or above
 * its trigger debt ratio; a price order at or below its low bound or at or above its high bound (a zero bound is
 * unset), on the oracle's price of the order's token.
 */
export function triggeredOrders(positions: OrdersOfPosition[], price0Wad: bigint | null, price1Wad: bigint | null): TriggeredOrder[] {
  const triggered: TriggeredOrder[] = [];
  for (const position of positions) {
    const trigger = BigInt(position.deleverage.triggerDebtRatioBps);
    if (trigger > 0n && position.debtRatioBps >= trigger) {
      triggered.push({ positionId: position.positionId, kind: "deleverage", reason: `debt ratio ${position.debtRatioBps} bps reached the trigger ${trigger} bps` });
    }
    const { lowPriceWad, highPriceWad, priceOfToken1 } = position.price;
    const price = priceOfToken1 ? price1Wad : price0Wad;
    if (price === null || (lowPriceWad === 0n && highPriceWad === 0n)) continue;
    if (lowPriceWad !== 0n && price <= lowPriceWad) {
      triggered.push({ positionId: position.positionId, kind: "price", reason: `price ${price} at or below the low bound ${lowPriceWad}` });
    } else if (highPriceWad !== 0n && price >= highPriceWad) {
      triggered.push({ positionId: position.positionId, kind: "price", reason: `price ${price} at or above the high bound ${highPriceWad}` });
    }
  }
  return triggered;
}

/** The largest move of any price between two readings, in basis points of the earlier one. */
export function largestMoveBps(before: Map<string, bigint>, after: Map<string, bigint>): number {
  let largest = 0;
  for (const [token, price] of after) {
    const previous = before.get(token);
    if (previous === undefined || previous === 0n) continue;
    const gap = price > previous ? price - previous : previous - price;
    largest = Math.max(largest, Number((gap * 10_000n) / previous));
  }
  return largest;
}

/**
 * How long to wait before the next pass: the configured interval while prices are calm; a quarter of it once a
 * price moved 2% since the last pass; a twelfth from 5%; never below `minimumSeconds` (about a block).
 */
export function nextPassDelaySeconds(intervalSeconds: number, moveBps: number, minimumSeconds = 2): number {
  const divisor = moveBps >= 500 ? 12 : moveBps >= 200 ? 4 : 1;
  return Math.max(minimumSeconds, intervalSeconds / divisor);
}

export interface RetryOptions {
  /** Tries in all, the first one included. */
  attempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs?: number;
  /** Which errors are worth another try; by default transient RPC errors (never a revert). */
  shouldRetry?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** How to wait; tests pass a fake. */
  sleep?: (milliseconds: number) => Promise<void>;
}

export const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** The wait after failed attempt `attempt` (1-based): base, 2 x base, 4 x base, ... capped at `maxDelayMs`. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs = Number.POSITIVE_INFINITY): number {
  return Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
}

/** Calls `fn` until it succeeds, at most `attempts` times, waiting longer after each failure; rethrows the last error. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new Error(`A retry needs at least one attempt, not ${options.attempts}`);
  }
  const shouldRetry = options.shouldRetry ?? isTransientRpcError;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !shouldRetry(error)) throw error;
      const delayMs = backoffDelayMs(attempt, options.baseDelayMs, options.maxDelayMs);
      options.onRetry?.(error, attempt, delayMs);
      await wait(delayMs);
    }
  }
}

/** ethers error codes that another try cannot fix: the call itself is wrong, or the chain said no. */
const PERMANENT_ERROR_CODES = new Set([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "INVALID_ARGUMENT",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "VALUE_MISMATCH",
  "BAD_DATA",
  "NUMERIC_FAULT",
  "BUFFER_OVERRUN",
  "UNSUPPORTED_OPERATION",
  "NOT_IMPLEMENTED",
  "ACTION_REJECTED",
  "UNCONFIGURED_NAME",
]);

/** Messages of the same kind from nodes that do not go through ethers' error codes (Hardhat's in-process node). */
const PERMANENT_ERROR_MESSAGE = /revert|nonce too (low|high)|insufficient funds|already known|replacement transaction|invalid opcode|out of gas/i;

/** A connection failure, timeout, rate limit or node hiccup: worth another try. A revert or a bad call is not. */
export function isTransientRpcError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && PERMANENT_ERROR_CODES.has(code)) return false;
  // JSON-RPC 3 is "execution reverted" (geth and Hardhat).
  if (code === 3) return false;
  const message = error instanceof Error ? error.message : String(error);
  return !PERMANENT_ERROR_MESSAGE.test(message);
}

/** The error a reverted call raised, named with its arguments when the ABI knows it, else the node's first line. */
export function describeError(error: unknown, contract?: { interface: { parseError(data: string): { name: string; args: unknown } | null } }): string {
  const candidate = error as { revert?: { name: string; args: unknown[] }; data?: unknown; shortMessage?: string; message?: string };
  if (candidate?.revert) return `${candidate.revert.name}(${[...candidate.revert.args].map(String).join(", ")})`;
  const named = typeof candidate?.data === "string" ? namedError(candidate.data, contract) : null;
  if (named) return named;
  const message = candidate?.shortMessage ?? candidate?.message ?? String(error);
  return message.split("\n")[0];
}

type ErrorDecoder = { interface: { parseError(data: string): { name: string; args: unknown } | null } };

/** A custom error's bytes as `Name(arg, ...)` when `contract`'s ABI has the error, else null. */
function namedError(data: string, contract?: ErrorDecoder): string | null {
  if (!contract || data.length < 10) return null;
  try {
    const parsed = contract.interface.parseError(data);
    return parsed ? `${parsed.name}(${[...(parsed.args as unknown[])].map(String).join(", ")})` : null;
  } catch {
    return null; // not one of the contract's errors
  }
}

/** Revert data (a custom error's bytes) in words: the error's name and arguments when `contract`'s ABI has it. */
export function describeRevertData(data: string, contract?: ErrorDecoder): string {
  if (data === "0x" || data === "") return "reverted without a reason";
  return namedError(data, contract) ?? `reverted with data ${data.slice(0, 74)}`;
}

// ---------------------------------------------------------------- structured log

export type KeeperAction =
  | "scan"
  | "liquidate"
  | "would-liquidate"
  | "skip-liquidation"
  | "harvest"
  | "would-harvest"
  | "skip-harvest"
  | "execute-order"
  | "would-execute-order"
  | "skip-order"
  | "approve"
  | "held"
  | "error";

export interface DecisionLogEntry {
  time: string;
  vault: string;
  action: KeeperAction | string;
  reason: string;
  positionId?: string;
  numbers?: Record<string, number | string>;
  txHash?: string;
}

export type DecisionLogger = (entry: Omit<DecisionLogEntry, "time"> & { time?: string }) => void;

/** One JSON object per line (bigints as decimal strings), so `jq` and log shippers read the keeper's decisions. */
export function toJsonLine(entry: DecisionLogEntry): string {
  return JSON.stringify(entry, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

export function createJsonLineLogger(write: (line: string) => void = (line) => console.log(line)): DecisionLogger {
  return (entry) => write(toJsonLine({ time: new Date().toISOString(), ...entry }));
}

// ---------------------------------------------------------------- the keeper

export interface KeeperOptions {
  /** Simulate and log what would be sent; send nothing. */
  dryRun: boolean;
  harvestMarginMultiplier: number;
  maxHarvestIntervalSeconds: number;
  /** The harvest's own minimum: the sale's output at simulation time less this (basis points). */
  harvestToleranceBps: number;
  /** Liquidate only when the bounty (plus any reserve incentive) is worth at least the gas times this; 0 sends
   *  every liquidation whatever its gas (see shouldLiquidate). */
  bountyGasMarginMultiplier: number;
  /** Positions per `keeperPage` call. A view costs about 39k gas (more with debt): 300 of them, about 12M gas,
   *  stay under common nodes' eth_call gas caps and under Osaka's 16.7M per transaction (EIP-7825), should a node
   *  apply that to calls too. */
  scanPageSize: number;
  /** Pages requested at once; an HTTP provider batches them into one request. */
  scanConcurrency: number;
  /** Gas limit sent = estimate plus this share, since state may move between estimate and inclusion. */
  gasLimitHeadroomPercent: number;
  /** Blocks per eth_getLogs request when looking for the last `Harvested` event (providers cap the range). */
  logBlockRange: number;
  /** Retries of every read; sends are never retried as such (see `sendAndConfirm`). */
  retry: RetryOptions;
  /** Attempts at a send whose transaction certainly never reached the node, each after a fresh simulation. */
  sendAttempts: number;
  /** How long to wait for a sent transaction's receipt before leaving it to the next pass. */
  receiptTimeoutMs: number;
  /** The FlashLiquidator (contracts/periphery) the keeper liquidates through with no capital of its own. Unset, the
   *  keeper deploys one the first time a position needs it (one transaction, logged), and a dry run skips that path. */
  flashLiquidator?: string;
  log: DecisionLogger;
}

export const DEFAULT_KEEPER_OPTIONS: KeeperOptions = {
  dryRun: false,
  harvestMarginMultiplier: 3,
  // A harvest sells at most a small share of the reward pair per call (the sandwich bound) and carries the rest, so
  // a keeper that harvests at least every few hours keeps compounding current.
  maxHarvestIntervalSeconds: 6 * 3_600,
  harvestToleranceBps: 50,
  bountyGasMarginMultiplier: 1,
  scanPageSize: 300,
  scanConcurrency: 4,
  gasLimitHeadroomPercent: GAS_LIMIT_HEADROOM_PERCENT,
  logBlockRange: 10_000,
  retry: { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 },
  sendAttempts: 3,
  receiptTimeoutMs: 120_000,
  log: createJsonLineLogger(),
};

export interface KeeperRunSummary {
  /** JSON-RPC requests this pass made: one per provider or contract call, retries included (a send and its
   *  receipt count one each, though ethers may spend a few more requests filling in fees). */
  rpcCalls: number;
  /** Of those, the position scans: one `lastPositionId` plus one `keeperPage` per page, per vault. */
  scanRpcCalls: number;
  /** Position ids scanned (closed positions included: ids are never reused). */
  positionsScanned: number;
  liquidatable: number;
  /** Open positions the scan could not value (the oracle refused a price of theirs): held for a later pass. */
  unvalued: number;
  liquidated: number;
  /** Liquidatable positions declined because the bounty does not pay the gas (see shouldLiquidate). */
  declined: number;
  /** Of those, by the liquidator bringing the repayment (the pair was too far from the oracle to swap). */
  liquidatedByRepayment: number;
  /** Protection orders whose trigger had fired, and of those the ones executed. */
  ordersTriggered: number;
  ordersExecuted: number;
  harvested: number;
  /** Largest oracle price move of any vault token since the previous pass (basis points), for the cadence. */
  largestPriceMoveBps: number;
  /** Dry run: transactions that simulated fine and would have been sent. */
  wouldSend: number;
  skipped: number;
  /** Transactions that reverted on-chain after a clean simulation (someone got there first) or whose outcome
   *  stayed unknown. */
  failed: number;
}

export interface VaultScan {
  vault: string;
  positionsScanned: number;
  openPositions: number;
  /** Past the kill factor, worst first (see rankLiquidations). */
  liquidatableIds: bigint[];
  liquidatable: RankedPosition[];
  /** Positions that could not be valued this pass, with the refused token and the reason. */
  unvalued: UnvaluedPosition[];
  /** Protection orders whose trigger has fired. */
  triggeredOrders: TriggeredOrder[];
  rpcCalls: number;
  milliseconds: number;
}

/** The vault entry point a liquidation went through (the FlashLiquidator calls `liquidateWithCallback`). */
export type LiquidationPathName = "liquidate" | "liquidateWithCallback" | "liquidateWithRepayment";

/** What became of one liquidation or harvest. */
export type KeeperOutcome = "sent" | "would-send" | "skipped" | "declined" | "failed";

type SendResult =
  | { kind: "mined"; receipt: TransactionReceipt }
  | { kind: "reverted"; txHash: string; reason: string }
  | { kind: "not-sent"; reason: string; retryable: boolean }
  | { kind: "unconfirmed"; txHash?: string; reason: string };

interface VaultHarvestState {
  /** Chain time of the newest `Harvested` event seen (or of the deployment, before any). */
  lastHarvestTimestamp: number;
  /** Events are known up to this block; later passes only look at newer blocks. */
  logsScannedThroughBlock: number;
}

/**
 * The chain's gas token from the deployment file. Never assumed: the gas token's price turns every gas estimate into
 * USD, and guessing it (WETH on Polygon, where gas is POL) would misjudge every harvest by orders of magnitude.
 */
export function gasTokenOf(deployment: Deployment): NativeToken {
  const native = deployment.nativeToken;
  if (!native || typeof native.symbol !== "string" || native.symbol === "" || !/^0x[0-9a-fA-F]{40}$/.test(String(native.feed))) {
    throw new Error(
      `The deployment file for "${deployment.network}" has no nativeToken setting (the chain's gas token and its USD feed, ` +
        `e.g. "nativeToken": { "symbol": "POL", "feed": "0x..." }), so the keeper cannot price gas: add nativeToken to ` +
        `config/networks/${deployment.network}.json and run the deploy again, which records it (a local deployment ` +
        `records it itself: redeploy with npm start)`,
    );
  }
  return native;
}

export class Keeper {
  readonly options: KeeperOptions;
  private readonly provider: Provider;
  private readonly nonceManager: NonceManager;
  private readonly oracle: PriceOracle;
  private readonly lens: VaultLens;
  private readonly vaultNames: string[];
  /** What gas is paid in, and the feed that prices it in USD. */
  private readonly nativeToken: NativeToken;
  private readonly harvestStates = new Map<string, VaultHarvestState>();
  /** Oracle prices of the vaults' tokens at the previous pass, to see how fast the market moves. */
  private lastPrices = new Map<string, bigint>();
  /** Tokens whose allowance to a vault this keeper has already set for liquidations by repayment. */
  private readonly approved = new Set<string>();
  /** The FlashLiquidator in use (from the options, or deployed by this keeper on first need). */
  private flash?: Promise<FlashLiquidator | null>;
  private rpcCallCount = 0;
  private address?: string;
  /** Per pass: the latest block, gas pricing and oracle prices, read once and shared by every decision of the pass. */
  private passCache: {
    latestBlock?: Promise<{ number: number; timestamp: number }>;
    gasPricing?: Promise<{ gasPriceWei: bigint; gasTokenPriceWad: bigint }>;
    oraclePrices?: Map<string, Promise<bigint | null>>;
  } = {};
  /** Whether this pass already made sure no earlier transaction of ours is still pending. */
  private pendingChecked = false;
  /** Whether the NonceManager holds a nonce read from the chain (after that it counts up without a request). */
  private nonceRead = false;

  constructor(
    signer: Signer,
    private readonly deployment: Deployment,
    options: Partial<KeeperOptions> = {},
  ) {
    if (!signer.provider) throw new Error("The keeper's signer must be connected to a provider");
    if (!deployment.farming) throw new Error(`The deployment for "${deployment.network}" has no farming section: there are no vaults to keep`);
    this.options = { ...DEFAULT_KEEPER_OPTIONS, ...options, retry: { ...DEFAULT_KEEPER_OPTIONS.retry, ...options.retry } };
    scanPages(0, this.options.scanPageSize); // checks the page size now rather than mid-pass
    this.provider = signer.provider;
    this.nonceManager = signer instanceof NonceManager ? signer : new NonceManager(signer);
    this.oracle = PriceOracle__factory.connect(deployment.farming.oracle.address, this.provider);
    this.lens = VaultLens__factory.connect(deployment.farming.lens.address, this.provider);
    this.vaultNames = Object.keys(deployment.farming.vaults);
    this.nativeToken = gasTokenOf(deployment);
  }

  /** JSON-RPC requests made since the keeper started. */
  get rpcCalls(): number {
    return this.rpcCallCount;
  }

  /** One pass: for every vault, scan all positions, liquidate those past the kill factor, then harvest if due. */
  async runOnce(): Promise<KeeperRunSummary> {
    const callsBefore = this.rpcCallCount;
    const summary: KeeperRunSummary = {
      rpcCalls: 0,
      scanRpcCalls: 0,
      positionsScanned: 0,
      liquidatable: 0,
      unvalued: 0,
      liquidated: 0,
      declined: 0,
      liquidatedByRepayment: 0,
      ordersTriggered: 0,
      ordersExecuted: 0,
      harvested: 0,
      largestPriceMoveBps: 0,
      wouldSend: 0,
      skipped: 0,
      failed: 0,
    };
    // Someone may have used the key since the last pass, or a send of ours may have ended in doubt: read the
    // nonce from the chain again and check for pending transactions before the first send of this pass.
    this.nonceManager.reset();
    this.nonceRead = false;
    this.pendingChecked = false;
    this.passCache = {};
    const tally = (outcome: KeeperOutcome | "sent-by-repayment", sentCounter: "liquidated" | "harvested" | "ordersExecuted") => {
      if (outcome === "sent-by-repayment") {
        summary.liquidated += 1;
        summary.liquidatedByRepayment += 1;
      } else if (outcome === "sent") summary[sentCounter] += 1;
      else if (outcome === "would-send") summary.wouldSend += 1;
      else if (outcome === "failed") summary.failed += 1;
      else if (outcome === "declined") summary.declined += 1;
      else summary.skipped += 1;
    };
    summary.largestPriceMoveBps = await this.readPriceMove();
    // Isolation: one vault, position or harvest that fails (a refused price, a node error past its retries) is
    // logged and counted as failed, and the pass goes on with everything else.
    const isolated = async <T>(vault: string, what: string, positionId: bigint | undefined, run: () => Promise<T>): Promise<T | "failed"> => {
      try {
        return await run();
      } catch (error) {
        this.options.log({ vault, action: "error", reason: `${what} failed, the pass goes on: ${describeError(error)}`, ...(positionId === undefined ? {} : { positionId: positionId.toString() }) });
        return "failed";
      }
    };
    const scans: VaultScan[] = [];
    for (const name of this.vaultNames) {
      const scan = await isolated(name, "scan", undefined, () => this.scanVault(name));
      if (scan === "failed") {
        summary.failed += 1;
        continue;
      }
      scans.push(scan);
      summary.scanRpcCalls += scan.rpcCalls;
      summary.positionsScanned += scan.positionsScanned;
      summary.liquidatable += scan.liquidatableIds.length;
      summary.unvalued += scan.unvalued.length;
      summary.ordersTriggered += scan.triggeredOrders.length;
    }
    // Worst first across every vault; each is re-read just before its turn, since the ones before it moved the
    // pairs and the pools.
    const candidates = rankLiquidations(scans.flatMap((scan) => scan.liquidatable.map((view) => ({ ...view, vault: scan.vault }))));
    for (const candidate of candidates) {
      tally(await isolated(candidate.vault, "liquidation", candidate.positionId, () => this.tryLiquidate(candidate.vault, candidate.positionId)), "liquidated");
    }
    for (const scan of scans) {
      for (const order of scan.triggeredOrders) tally(await isolated(scan.vault, `${order.kind} order`, order.positionId, () => this.tryExecuteOrder(scan.vault, order)), "ordersExecuted");
    }
    for (const name of this.vaultNames) tally(await isolated(name, "harvest", undefined, () => this.tryHarvest(name)), "harvested");
    summary.rpcCalls = this.rpcCallCount - callsBefore;
    return summary;
  }

  /** Scans every vault's positions (reads only). */
  async scanPositions(): Promise<{ positionsScanned: number; liquidatable: number; rpcCalls: number; vaults: VaultScan[] }> {
    const vaults: VaultScan[] = [];
    for (const name of this.vaultNames) vaults.push(await this.scanVault(name));
    return {
      positionsScanned: vaults.reduce((sum, scan) => sum + scan.positionsScanned, 0),
      liquidatable: vaults.reduce((sum, scan) => sum + scan.liquidatableIds.length, 0),
      rpcCalls: vaults.reduce((sum, scan) => sum + scan.rpcCalls, 0),
      vaults,
    };
  }

  /** Every position of one vault, with its orders, through the lens: one call for the newest id, one per page. */
  async scanVault(name: string): Promise<VaultScan> {
    const startedAt = Date.now();
    const callsBefore = this.rpcCallCount;
    const vault = this.vaultReader(name);
    const lastPositionId = Number(await this.rpc(() => vault.lastPositionId()));
    const pages = scanPages(lastPositionId, this.options.scanPageSize);
    const record = this.deployment.farming!.vaults[name];
    const vaultAddress = record.vault.address;
    const rows: KeeperPageRow[] = [];
    for (let index = 0; index < pages.length; index += this.options.scanConcurrency) {
      const batch = pages.slice(index, index + this.options.scanConcurrency);
      for (const pageRows of await Promise.all(batch.map((page) => this.readKeeperPage(vaultAddress, page.firstId, page.count)))) rows.push(...pageRows);
    }
    const { openPositions, liquidatable, orders, unvalued } = selectFromPage(rows, [record.token0, record.token1]);
    if (unvalued.length > 0) {
      // Held, not dropped: liquidated (or ordered) by the first pass in which the oracle accepts their prices.
      const refused = [...new Set(unvalued.flatMap((position) => position.refusedTokens))];
      const reasons = [...new Set(unvalued.map((position) => position.reason))];
      this.options.log({
        vault: name,
        action: "held",
        reason: `${unvalued.length} position(s) cannot be valued now${refused.length ? `: the oracle refuses the price of ${refused.join(" and ")}` : ""} (${reasons.join("; ")}); they wait for a pass in which it accepts one`,
        numbers: { unvalued: unvalued.length, positionIds: unvalued.map((position) => position.positionId).join(","), refusedTokens: refused.join(",") },
      });
    }
    const ranked = rankLiquidations(liquidatable);
    const liquidatableIds = ranked.map((view) => view.positionId);
    let triggered: TriggeredOrder[] = [];
    if (orders.length > 0) {
      const [price0, price1] = await this.vaultPrices(name);
      triggered = triggeredOrders(orders, price0, price1);
    }
    const scan: VaultScan = {
      vault: name,
      positionsScanned: lastPositionId,
      openPositions,
      liquidatableIds,
      liquidatable: ranked,
      unvalued,
      triggeredOrders: triggered,
      rpcCalls: this.rpcCallCount - callsBefore,
      milliseconds: Date.now() - startedAt,
    };
    this.options.log({
      vault: name,
      action: "scan",
      reason: liquidatableIds.length === 0 ? "no position past the kill factor" : "positions past the kill factor",
      numbers: {
        positionsScanned: scan.positionsScanned,
        openPositions,
        liquidatable: liquidatableIds.length,
        unvalued: unvalued.length,
        worstFirst: liquidatableIds.join(","),
        ordersSet: orders.length,
        ordersTriggered: triggered.length,
        pages: pages.length,
        rpcCalls: scan.rpcCalls,
        milliseconds: scan.milliseconds,
      },
    });
    return scan;
  }

  /**
   * One lens page as rows. The lens reports a refused price per position instead of reverting; should a page revert
   * anyway (an older lens, a view that fails for another reason), it is read again in halves down to single
   * positions, so one bad position never hides the others. A transient error (the node) is not split: it throws.
   */
  private async readKeeperPage(vaultAddress: string, firstId: number, count: number): Promise<KeeperPageRow[]> {
    let page: Awaited<ReturnType<VaultLens["keeperPage"]>>;
    try {
      page = await this.rpc(() => this.lens.keeperPage(vaultAddress, firstId, count));
    } catch (error) {
      if (isTransientRpcError(error)) throw error;
      if (count > 1) {
        const half = Math.ceil(count / 2);
        return [...(await this.readKeeperPage(vaultAddress, firstId, half)), ...(await this.readKeeperPage(vaultAddress, firstId + half, count - half))];
      }
      const unreadable = { positionId: BigInt(firstId), valueWad: 0n, debtValueWad: 0n, debtRatioBps: 0n, liquidatable: false, lpShares: 1n };
      const orders = { deleverage: { triggerDebtRatioBps: 0n }, price: { lowPriceWad: 0n, highPriceWad: 0n, priceOfToken1: false } };
      return [{ view: unreadable, orders, status: { valued: false, price0Refused: false, price1Refused: false, reason: `the lens cannot read it: ${describeError(error, this.oracle)}` } }];
    }
    const [views, orders, statuses] = page;
    return views.map((view, index) => {
      const status = statuses[index];
      return {
        view: { positionId: view.positionId, valueWad: view.valueWad, debtValueWad: view.debtValueWad, debtRatioBps: view.debtRatioBps, liquidatable: view.liquidatable, lpShares: view.lpShares },
        orders: { deleverage: orders[index].deleverage, price: orders[index].price },
        status: { valued: status.valued, price0Refused: status.price0Refused, price1Refused: status.price1Refused, reason: status.valued ? "" : describeRevertData(status.reason, this.oracle) },
      };
    });
  }

  /**
   * Liquidates one position if, and only if, a transaction simulates cleanly; logs the decision. The position is
   * re-read first (earlier sends of the pass moved the market). The keeper needs no working capital: the first path
   * is `liquidate` (the vault swaps, bounded by the oracle); when that refuses (the pair too far off, or the position
   * underwater), the FlashLiquidator (`liquidateWithCallback`: the keeper is sent the LP, burns it and swaps in the
   * pair to pay, all in one transaction); only when both refuse, `liquidateWithRepayment` with whatever of the
   * pair's tokens the keeper happens to hold (none by default).
   */
  async tryLiquidate(name: string, positionId: bigint): Promise<KeeperOutcome | "sent-by-repayment"> {
    const vault = this.vaultWriter(name);
    const log = (action: KeeperAction, reason: string, extra: Partial<DecisionLogEntry> = {}) =>
      this.options.log({ vault: name, action, reason, positionId: positionId.toString(), ...extra });
    const now = await this.rpc(() => vault.positionView(positionId));
    if (!now.liquidatable) {
      log("skip-liquidation", "no longer past the kill factor when re-read (an earlier send of this pass or someone else got there)", {
        numbers: { debtRatioBps: Number(now.debtRatioBps) },
      });
      return "skipped";
    }
    const numbersOf = (gas: bigint) => ({ gasEstimate: Number(gas), debtRatioBps: Number(now.debtRatioBps), shortfallUsd: round(Math.max(0, Number(now.debtValueWad - now.valueWad) / 1e18)) });
    const vaultAddress = this.deployment.farming!.vaults[name].vault.address;
    for (let attempt = 1; ; attempt++) {
      // Simulated afresh on every attempt: if an earlier send did land, the position is no longer liquidatable.
      const bySwap = await this.simulate(vault, () => vault.liquidate.staticCall(positionId), () => vault.liquidate.estimateGas(positionId));
      let path: LiquidationPathName = "liquidate";
      let simulation: { ok: true; gas: bigint; result: LiquidationProceeds } | { ok: false; reason: string } = bySwap;
      let flash: FlashLiquidator | null = null;
      if (!bySwap.ok) {
        const byCallback = await this.simulateLiquidationByCallback(name, vault, vaultAddress, positionId);
        flash = byCallback.flash;
        if (byCallback.ok) {
          // What the FlashLiquidator hands the keeper is its whole gain: the bounty net of the swap that repaid.
          const [paid0, paid1] = byCallback.result;
          const none = { incentive0: 0n, incentive1: 0n, lpPaid: 0n, repaid0: 0n, repaid1: 0n, returned0: 0n, returned1: 0n };
          simulation = { ok: true, gas: byCallback.gas, result: { paid0, paid1, ...none } };
          path = "liquidateWithCallback";
        } else {
          const repayment = await this.simulateLiquidationByRepayment(name, vault, positionId);
          if (!repayment.ok) {
            log("skip-liquidation", `liquidate: ${bySwap.reason}; liquidateWithCallback: ${byCallback.reason}; liquidateWithRepayment: ${repayment.reason}`);
            return "skipped";
          }
          simulation = repayment;
          path = "liquidateWithRepayment";
        }
      }
      if (!simulation.ok) return "skipped"; // narrowed above; keeps the compiler sure
      const numbers: Record<string, number | string> = { ...numbersOf(simulation.gas), path };
      const weighed = await this.weighLiquidation(name, simulation.result, simulation.gas);
      Object.assign(numbers, weighed.numbers);
      if (!weighed.liquidate) {
        log("skip-liquidation", weighed.reason, { numbers });
        return "declined";
      }
      if (this.options.dryRun) {
        log("would-liquidate", `dry run: ${numbers.path} simulates cleanly`, { numbers });
        return "would-send";
      }
      const keeper = await this.keeperAddress();
      const sent = await this.sendAndConfirm((gasLimit) => {
        if (path === "liquidateWithCallback") return flash!.liquidate(vaultAddress, positionId, keeper, 0n, 0n, { gasLimit });
        return path === "liquidateWithRepayment" ? vault.liquidateWithRepayment(positionId, { gasLimit }) : vault.liquidate(positionId, { gasLimit });
      }, simulation.gas);
      if (sent.kind === "not-sent" && sent.retryable && attempt < this.options.sendAttempts) {
        await (this.options.retry.sleep ?? sleep)(backoffDelayMs(attempt, this.options.retry.baseDelayMs, this.options.retry.maxDelayMs));
        continue;
      }
      const reasons: Record<LiquidationPathName, string> = {
        liquidate: "position past the kill factor",
        liquidateWithCallback: "past the kill factor; the vault's own swap refused, so the keeper liquidated with no capital through the FlashLiquidator",
        liquidateWithRepayment: "past the kill factor; the pair is too far off to swap, so the keeper repaid",
      };
      const outcome = this.logSendResult(sent, log, "liquidate", reasons[path], numbers);
      return outcome === "sent" && path === "liquidateWithRepayment" ? "sent-by-repayment" : outcome;
    }
  }

  /**
   * The bounty of a simulated liquidation against its gas, both in USD (gas at the node's gas price, priced by the
   * gas token's feed). When the gas cannot be priced the liquidation goes ahead: a position past the kill factor
   * left open is worse than a keeper paying for gas it could not weigh.
   */
  private async weighLiquidation(
    name: string,
    outcome: LiquidationProceeds,
    gas: bigint,
  ): Promise<{ liquidate: boolean; reason: string; numbers: Record<string, number | string> }> {
    const margin = this.options.bountyGasMarginMultiplier;
    if (margin === 0) return { liquidate: true, reason: "gas is not weighed (bounty-to-gas margin 0)", numbers: { bountyGasMargin: 0 } };
    try {
      const record = this.deployment.farming!.vaults[name];
      const [[price0Wad, price1Wad], pricing] = await Promise.all([this.vaultPrices(name), this.gasPricing()]);
      if (price0Wad === null || price1Wad === null) throw new Error("the oracle refuses a price of the vault's tokens");
      const lpPriceWad = outcome.lpPaid > 0n ? (await this.rpc(() => this.lens.vaultState(record.vault.address))).lpPriceWad : undefined;
      const tokens = this.deployment.tokens;
      const bountyWad = liquidationBountyWad(outcome, { price0Wad, price1Wad, decimals0: tokens[record.token0].decimals, decimals1: tokens[record.token1].decimals, lpPriceWad });
      const gasUsd = gasCostUsd(gas, pricing.gasPriceWei, pricing.gasTokenPriceWad);
      const decision = shouldLiquidate({ bountyUsd: round(Number(bountyWad) / 1e18), gasCostUsd: round(gasUsd), marginMultiplier: margin });
      return {
        ...decision,
        numbers: { bountyUsd: round(Number(bountyWad) / 1e18), gasCostUsd: round(gasUsd), gasPriceGwei: round(Number(pricing.gasPriceWei) / 1e9), bountyGasMargin: margin, thresholdUsd: round(decision.thresholdUsd) },
      };
    } catch (error) {
      return { liquidate: true, reason: `liquidating without weighing the gas: ${describeError(error, this.oracle)}`, numbers: { bountyGasMargin: margin, gasUnweighed: describeError(error, this.oracle) } };
    }
  }

  /** Executes one triggered protection order if it simulates cleanly; logs the decision. */
  async tryExecuteOrder(name: string, order: TriggeredOrder): Promise<KeeperOutcome> {
    const vault = this.vaultWriter(name);
    const log = (action: KeeperAction, reason: string, extra: Partial<DecisionLogEntry> = {}) =>
      this.options.log({ vault: name, action, reason, positionId: order.positionId.toString(), ...extra });
    const { positionId } = order;
    const simulation =
      order.kind === "deleverage"
        ? await this.simulate(vault, () => vault.executeDeleverageOrder.staticCall(positionId), () => vault.executeDeleverageOrder.estimateGas(positionId))
        : await this.simulate(vault, () => vault.executePriceOrder.staticCall(positionId), () => vault.executePriceOrder.estimateGas(positionId));
    if (!simulation.ok) {
      log("skip-order", `${order.kind} order: ${simulation.reason}`);
      return "skipped";
    }
    const numbers = { gasEstimate: Number(simulation.gas), order: order.kind };
    if (this.options.dryRun) {
      log("would-execute-order", `dry run: ${order.reason}`, { numbers });
      return "would-send";
    }
    const sent = await this.sendAndConfirm(
      (gasLimit) => (order.kind === "deleverage" ? vault.executeDeleverageOrder(positionId, { gasLimit }) : vault.executePriceOrder(positionId, { gasLimit })),
      simulation.gas,
    );
    return this.logSendResult(sent, log, "execute-order", order.reason, numbers);
  }

  /** Harvests one vault if it is due and the transaction simulates cleanly; logs the decision. */
  async tryHarvest(name: string): Promise<KeeperOutcome> {
    const vault = this.vaultWriter(name);
    const log = (action: KeeperAction, reason: string, extra: Partial<DecisionLogEntry> = {}) =>
      this.options.log({ vault: name, action, reason, ...extra });
    for (let attempt = 1; ; attempt++) {
      let plan: Awaited<ReturnType<LeveragedVault["previewHarvest"]>>;
      try {
        plan = await this.rpc(() => vault.previewHarvest());
      } catch (error) {
        if (isTransientRpcError(error)) throw error;
        // A refused price (a stale feed) stops this vault's harvest only; the pass goes on.
        log("skip-harvest", `cannot preview the harvest: ${describeError(error, this.oracle)}`);
        return "skipped";
      }
      const rewardAmount = plan.rewardToSell;
      if (plan.rewardAvailable === 0n) {
        log("skip-harvest", "nothing pending", { numbers: { rewardAmount: "0" } });
        return "skipped";
      }
      const rewardValueWad = rewardAmount === 0n ? 0n : await this.rpc(() => this.oracle.usdValueOf(this.deployment.farming!.flux.address, rewardAmount));
      // The sale must return what it would now, less a small tolerance: a sandwich in between makes it revert.
      const minAmountOut = harvestMinimumOut(plan.amountOut, this.options.harvestToleranceBps);
      const simulation = await this.simulate(
        vault,
        () => vault.harvest.staticCall(minAmountOut),
        () => vault.harvest.estimateGas(minAmountOut),
      );
      if (!simulation.ok) {
        log("skip-harvest", simulation.reason, { numbers: { rewardAmount: rewardAmount.toString() } });
        return "skipped";
      }
      if (simulation.result === 0n) {
        // Only dust is sellable yet (or no position holds shares): the gas would buy nothing.
        log("skip-harvest", "the harvest would compound nothing yet (only dust is sellable, or no position holds shares)");
        return "skipped";
      }
      let pricing: { gasPriceWei: bigint; gasTokenPriceWad: bigint };
      try {
        pricing = await this.gasPricing();
      } catch (error) {
        log("skip-harvest", `cannot price the gas: ${describeError(error, this.oracle)}`);
        return "skipped";
      }
      const latest = await this.latestBlock();
      const lastHarvestTimestamp = await this.lastHarvestTimestamp(name);
      const inputs: HarvestInputs = {
        pendingValueUsd: Number(rewardValueWad) / 1e18,
        gasCostUsd: gasCostUsd(simulation.gas, pricing.gasPriceWei, pricing.gasTokenPriceWad),
        marginMultiplier: this.options.harvestMarginMultiplier,
        secondsSinceLastHarvest: latest.timestamp - lastHarvestTimestamp,
        maxIntervalSeconds: this.options.maxHarvestIntervalSeconds,
      };
      const decision = shouldHarvest(inputs);
      const numbers = {
        rewardAmount: rewardAmount.toString(),
        pendingValueUsd: round(inputs.pendingValueUsd),
        gasEstimate: Number(simulation.gas),
        gasPriceGwei: round(Number(pricing.gasPriceWei) / 1e9),
        gasCostUsd: round(inputs.gasCostUsd),
        thresholdUsd: round(decision.thresholdUsd),
        secondsSinceLastHarvest: inputs.secondsSinceLastHarvest,
        maxIntervalSeconds: inputs.maxIntervalSeconds,
      };
      if (!decision.harvest) {
        log("skip-harvest", decision.reason, { numbers });
        return "skipped";
      }
      if (this.options.dryRun) {
        log("would-harvest", `dry run: ${decision.reason}`, { numbers });
        return "would-send";
      }
      const sent = await this.sendAndConfirm((gasLimit) => vault.harvest(minAmountOut, { gasLimit }), simulation.gas);
      if (sent.kind === "not-sent" && sent.retryable && attempt < this.options.sendAttempts) {
        await (this.options.retry.sleep ?? sleep)(backoffDelayMs(attempt, this.options.retry.baseDelayMs, this.options.retry.maxDelayMs));
        continue;
      }
      if (sent.kind === "mined" || sent.kind === "unconfirmed") {
        // Good enough until the next pass reads the event's own block time.
        this.harvestStates.get(name)!.lastHarvestTimestamp = latest.timestamp;
      }
      return this.logSendResult(sent, log, "harvest", decision.reason, numbers);
    }
  }

  // ---------------------------------------------------------------- internals

  /** Counts one JSON-RPC request per attempt and retries transient failures with backoff. */
  private rpc<T>(call: () => Promise<T>, retry: RetryOptions = this.options.retry): Promise<T> {
    return withRetry(async () => {
      this.rpcCallCount += 1;
      return call();
    }, retry);
  }

  private vaultReader(name: string): LeveragedVault {
    return LeveragedVault__factory.connect(this.deployment.farming!.vaults[name].vault.address, this.provider);
  }

  private vaultWriter(name: string): LeveragedVault {
    return LeveragedVault__factory.connect(this.deployment.farming!.vaults[name].vault.address, this.nonceManager);
  }

  /** eth_call, then eth_estimateGas, from the keeper's account; the first revert stops it, with its reason. */
  private async simulate<T>(
    vault: { interface: { parseError(data: string): { name: string; args: unknown } | null } },
    staticCall: () => Promise<T>,
    estimateGas: () => Promise<bigint>,
  ): Promise<{ ok: true; result: T; gas: bigint } | { ok: false; reason: string }> {
    let result: T;
    try {
      result = await this.rpc(staticCall);
    } catch (error) {
      return { ok: false, reason: `simulation reverted: ${describeError(error, vault)}` };
    }
    try {
      return { ok: true, result, gas: await this.rpc(estimateGas) };
    } catch (error) {
      return { ok: false, reason: `gas estimation failed: ${describeError(error, vault)}` };
    }
  }

  /**
   * Sends one transaction and waits for its receipt. The send itself is never retried here: when it fails we
   * ask the node whether it took our nonce. If it did, the transaction is out and we only wait for it to be
   * mined; if not, the caller may try again, simulating first.
   */
  private async sendAndConfirm(send: (gasLimit: bigint) => Promise<ContractTransactionResponse>, gasEstimate: bigint): Promise<SendResult> {
    const address = await this.keeperAddress();
    if (!this.pendingChecked) {
      try {
        await this.waitForOwnPendingTransactions(address);
      } catch (error) {
        return { kind: "not-sent", reason: describeError(error), retryable: false };
      }
      this.pendingChecked = true;
    }
    // The NonceManager reads the nonce once per pass (one request) and counts up locally after that.
    const nonce = this.nonceRead ? await this.nonceManager.getNonce("pending") : await this.rpc(() => this.nonceManager.getNonce("pending"));
    this.nonceRead = true;
    const gasLimit = withGasHeadroom(gasEstimate, this.options.gasLimitHeadroomPercent);
    let response: ContractTransactionResponse;
    try {
      this.rpcCallCount += 1;
      response = await send(gasLimit);
    } catch (error) {
      // The NonceManager already counted this nonce as used; forget it and read the truth from the chain.
      this.nonceManager.reset();
      this.nonceRead = false;
      const reason = describeError(error);
      let pendingNonce: number;
      try {
        pendingNonce = await this.rpc(() => this.provider.getTransactionCount(address, "pending"));
      } catch {
        this.pendingChecked = false;
        return { kind: "unconfirmed", reason: `send failed (${reason}) and the node cannot say whether it took nonce ${nonce}` };
      }
      if (pendingNonce > nonce) {
        // Our transaction with this nonce is out there; we do not know its hash. The next pass waits for it.
        this.pendingChecked = false;
        return { kind: "unconfirmed", reason: `send reported ${reason}, but the node took nonce ${nonce}: not sending again` };
      }
      return { kind: "not-sent", reason, retryable: isTransientRpcError(error) || isNonceError(error) };
    }
    try {
      // A timeout is not retried: the transaction may sit in the mempool for long (underpriced); the next pass's
      // pending check waits for it rather than this one blocking the keeper.
      const receipt = await this.rpc(() => response.wait(1, this.options.receiptTimeoutMs), {
        ...this.options.retry,
        shouldRetry: (error) => isTransientRpcError(error) && (error as { code?: string }).code !== "TIMEOUT",
      });
      if (!receipt) return { kind: "unconfirmed", txHash: response.hash, reason: "no receipt" };
      return { kind: "mined", receipt };
    } catch (error) {
      const failure = error as { code?: string; receipt?: TransactionReceipt };
      if (failure.code === "CALL_EXCEPTION" && failure.receipt) {
        return { kind: "reverted", txHash: response.hash, reason: "reverted on-chain after a clean simulation (the state moved first)" };
      }
      // The transaction is out: the next pass's pending check waits for it instead of sending another.
      this.pendingChecked = false;
      return { kind: "unconfirmed", txHash: response.hash, reason: `sent, but no receipt yet: ${describeError(error)}` };
    }
  }

  /** After a restart or a send in doubt, transactions of ours may still be in the mempool: wait for them. */
  private async waitForOwnPendingTransactions(address: string): Promise<void> {
    const { attempts, baseDelayMs, maxDelayMs } = this.options.retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const [latest, pending] = await Promise.all([
        this.rpc(() => this.provider.getTransactionCount(address, "latest")),
        this.rpc(() => this.provider.getTransactionCount(address, "pending")),
      ]);
      if (pending <= latest) return;
      if (attempt < attempts) await (this.options.retry.sleep ?? sleep)(backoffDelayMs(attempt, baseDelayMs, maxDelayMs));
    }
    throw new Error(`Transactions from ${address} are still pending: sending nothing more until they are mined, so nothing is sent twice`);
  }

  private logSendResult(
    sent: SendResult,
    log: (action: KeeperAction, reason: string, extra?: Partial<DecisionLogEntry>) => void,
    action: "liquidate" | "harvest" | "execute-order",
    reason: string,
    numbers: Record<string, number | string>,
  ): KeeperOutcome {
    const skipAction = action === "liquidate" ? "skip-liquidation" : action === "harvest" ? "skip-harvest" : "skip-order";
    switch (sent.kind) {
      case "mined":
        log(action, reason, { numbers: { ...numbers, gasUsed: Number(sent.receipt.gasUsed), block: sent.receipt.blockNumber }, txHash: sent.receipt.hash });
        return "sent";
      case "not-sent":
        log(skipAction, `not sent: ${sent.reason}`, { numbers });
        return "skipped";
      case "reverted":
        log("error", `${action} ${sent.reason}`, { numbers, txHash: sent.txHash });
        return "failed";
      case "unconfirmed":
        log("error", `${action} ${sent.reason}`, { numbers, txHash: sent.txHash });
        return "failed";
    }
  }

  /**
   * Simulates a capital-free liquidation through the FlashLiquidator from the keeper's account (proceeds to the
   * keeper). Errors are named from the helper's ABI or, when the vault refused, from the vault's.
   */
  private async simulateLiquidationByCallback(name: string, vault: LeveragedVault, vaultAddress: string, positionId: bigint) {
    const flash = await this.flashLiquidator(name);
    if (!flash) return { ok: false as const, reason: "no FlashLiquidator yet (a dry run deploys none)", flash };
    const keeper = await this.keeperAddress();
    const errors = {
      interface: { parseError: (data: string) => flash.interface.parseError(data) ?? vault.interface.parseError(data) },
    };
    const simulation = await this.simulate(
      errors,
      () => flash.liquidate.staticCall(vaultAddress, positionId, keeper, 0n, 0n),
      () => flash.liquidate.estimateGas(vaultAddress, positionId, keeper, 0n, 0n),
    );
    return { ...simulation, flash };
  }

  /** The FlashLiquidator: the configured one, or one this keeper deploys the first time it needs it. */
  private flashLiquidator(name: string): Promise<FlashLiquidator | null> {
    this.flash ??= (async () => {
      if (this.options.flashLiquidator) return FlashLiquidator__factory.connect(this.options.flashLiquidator, this.nonceManager);
      if (this.options.dryRun) return null;
      const factory = new FlashLiquidator__factory(this.nonceManager);
      const request = await factory.getDeployTransaction();
      const gas = await this.rpc(() => this.nonceManager.estimateGas(request));
      const sent = await this.sendAndConfirm((gasLimit) => this.nonceManager.sendTransaction({ ...request, gasLimit }) as Promise<ContractTransactionResponse>, gas);
      const address = sent.kind === "mined" ? sent.receipt.contractAddress : null;
      this.options.log({ vault: name, action: "deploy", reason: `deploy a FlashLiquidator for liquidations with no capital (${sent.kind})`, numbers: { address: address ?? "", gas: Number(gas) } });
      return address ? FlashLiquidator__factory.connect(address, this.nonceManager) : null;
    })();
    // A failed deployment is not kept: the next need tries again.
    void this.flash.then((flash) => {
      if (!flash) this.flash = undefined;
    }, () => (this.flash = undefined));
    return this.flash;
  }

  /**
   * Simulates `liquidateWithRepayment` from the keeper's account. The keeper pays with what it holds of the pair's
   * tokens: the first time, it allows the vault to take up to its balance (an approval it sends, unless dry run).
   */
  private async simulateLiquidationByRepayment(name: string, vault: LeveragedVault, positionId: bigint) {
    const address = await this.keeperAddress();
    const vaultAddress = this.deployment.farming!.vaults[name].vault.address;
    for (const tokenAddress of await this.rpc(() => Promise.all([vault.token0(), vault.token1()]))) {
      const key = `${vaultAddress}:${tokenAddress}`.toLowerCase();
      if (this.approved.has(key) || this.options.dryRun) continue;
      const token = new Contract(tokenAddress, ERC20_ABI, this.nonceManager);
      const [balance, allowance] = await this.rpc(() => Promise.all([token.balanceOf(address) as Promise<bigint>, token.allowance(address, vaultAddress) as Promise<bigint>]));
      if (balance === 0n) continue;
      if (allowance < balance) {
        const gas = await this.rpc(() => token.approve.estimateGas(vaultAddress, balance) as Promise<bigint>);
        const sent = await this.sendAndConfirm((gasLimit) => token.approve(vaultAddress, balance, { gasLimit }) as Promise<ContractTransactionResponse>, gas);
        this.options.log({ vault: name, action: "approve", reason: `allow the vault to take up to the keeper's ${tokenAddress} for liquidations by repayment (${sent.kind})`, numbers: { amount: balance.toString() } });
        if (sent.kind !== "mined") continue;
      }
      this.approved.add(key);
    }
    return this.simulate(vault, () => vault.liquidateWithRepayment.staticCall(positionId), () => vault.liquidateWithRepayment.estimateGas(positionId));
  }

  /** The oracle's prices of a vault's two tokens (null where the oracle refuses one), by their deployment symbols. */
  private async vaultPrices(name: string): Promise<[bigint | null, bigint | null]> {
    const record = this.deployment.farming!.vaults[name];
    return Promise.all([this.oraclePrice(record.token0), this.oraclePrice(record.token1)]);
  }

  /** A token's oracle price this pass (null where the oracle refuses it): one read per token per pass. */
  private oraclePrice(symbol: string): Promise<bigint | null> {
    const prices = (this.passCache.oraclePrices ??= new Map());
    let price = prices.get(symbol);
    if (!price) {
      price = this.rpc(() => this.oracle.priceOf(this.deployment.tokens[symbol].address)).catch(() => null);
      prices.set(symbol, price);
    }
    return price;
  }

  /** Reads every vault token's oracle price and returns the largest move since the previous pass (bps). */
  private async readPriceMove(): Promise<number> {
    const symbols = new Set(this.vaultNames.flatMap((name) => [this.deployment.farming!.vaults[name].token0, this.deployment.farming!.vaults[name].token1]));
    const prices = new Map<string, bigint>();
    for (const symbol of symbols) {
      const price = await this.oraclePrice(symbol);
      if (price !== null) prices.set(symbol, price);
    }
    const move = largestMoveBps(this.lastPrices, prices);
    this.lastPrices = prices;
    return move;
  }

  private async keeperAddress(): Promise<string> {
    this.address ??= await this.nonceManager.getAddress();
    return this.address;
  }

  private latestBlock(): Promise<{ number: number; timestamp: number }> {
    this.passCache.latestBlock ??= this.rpc(async () => {
      const block = await this.provider.getBlock("latest");
      if (!block) throw new Error("The node returned no latest block");
      return { number: block.number, timestamp: block.timestamp };
    });
    return this.passCache.latestBlock;
  }

  private gasPricing(): Promise<{ gasPriceWei: bigint; gasTokenPriceWad: bigint }> {
    this.passCache.gasPricing ??= (async () => {
      const feeData = await this.rpc(() => this.provider.getFeeData());
      const gasPriceWei = feeData.gasPrice ?? feeData.maxFeePerGas;
      if (gasPriceWei === null) throw new Error("The node reports no gas price");
      // The gas token's own feed, not a vault token's oracle price: on Polygon gas is POL, not WETH.
      const { priceWad: gasTokenPriceWad } = await this.rpc(() => readFeed(this.provider, this.nativeToken.feed));
      return { gasPriceWei, gasTokenPriceWad };
    })();
    // A failed read is not cached: the next decision tries again.
    this.passCache.gasPricing.catch(() => (this.passCache.gasPricing = undefined));
    return this.passCache.gasPricing;
  }

  /**
   * Chain time of the vault's newest `Harvested` event. The first pass searches backwards from the newest block
   * (harvests are frequent, so it stops early) and, finding none, counts from the deployment's first block; later
   * passes read only the blocks since. So a restarted keeper knows when anyone, itself included, last harvested.
   */
  private async lastHarvestTimestamp(name: string): Promise<number> {
    const vault = this.vaultReader(name);
    const latest = await this.latestBlock();
    const range = this.options.logBlockRange;
    const filter = vault.filters.Harvested();
    const timestampOf = async (blockNumber: number) => {
      const block = await this.rpc(() => this.provider.getBlock(blockNumber));
      if (!block) throw new Error(`The node returned no block ${blockNumber}`);
      return block.timestamp;
    };
    let state = this.harvestStates.get(name);
    if (!state) {
      const startBlock = this.deployment.startBlock;
      let found: number | undefined;
      for (let to = latest.number; to >= startBlock && found === undefined; to -= range) {
        const from = Math.max(startBlock, to - range + 1);
        const events = await this.rpc(() => vault.queryFilter(filter, from, to));
        if (events.length > 0) found = events[events.length - 1].blockNumber;
      }
      state = { lastHarvestTimestamp: await timestampOf(found ?? startBlock), logsScannedThroughBlock: latest.number };
      this.harvestStates.set(name, state);
      return state.lastHarvestTimestamp;
    }
    let newest: number | undefined;
    for (let from = state.logsScannedThroughBlock + 1; from <= latest.number; from += range) {
      const to = Math.min(latest.number, from + range - 1);
      const events = await this.rpc(() => vault.queryFilter(filter, from, to));
      if (events.length > 0) newest = events[events.length - 1].blockNumber;
    }
    if (newest !== undefined) state.lastHarvestTimestamp = await timestampOf(newest);
    state.logsScannedThroughBlock = Math.max(state.logsScannedThroughBlock, latest.number);
    return state.lastHarvestTimestamp;
  }
}

function isNonceError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "NONCE_EXPIRED" || code === "REPLACEMENT_UNDERPRICED" || /nonce too low/i.test(error instanceof Error ? error.message : String(error));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

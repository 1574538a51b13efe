/**
 * A leveraged position's story, read from the chain: which positions an account owns (PositionOpened logs), what
 * happened to each (the vault's events), its value, debt and prices at past blocks (historical eth_call), the
 * harvests that compounded into it, and the figures the app derives from them (profit and loss; the risk
 * levels are lib/risk.ts's). Nothing here is stored off chain: every number comes back after a reload.
 *
 * The pure functions are unit-tested; the readers take any ethers Provider (the app's, a script's, a test's).
 */
import type { Log, Provider } from "ethers";
import { PriceOracle__factory, StakingRewardsVault__factory } from "../typechain-types";
import { getLogsChunked, type ChunkOptions } from "./chainLogs";
import { liquidationPrices, tokenValueWad } from "./vaultMath";

export const BPS = 10_000n;

/** Kill factor minus debt ratio, in basis points (100 bps = one percentage point); negative past the kill line. */
export function safetyBufferBps(killFactorBps: bigint, debtRatioBps: bigint): bigint {
  return killFactorBps - debtRatioBps;
}

/** A position that holds nothing and owes nothing: closed in full or liquidated. */
export function isClosedPosition(view: { lpAmount: bigint; debt0: bigint; debt1: bigint }): boolean {
  return view.lpAmount === 0n && view.debt0 === 0n && view.debt1 === 0n;
}

// ---------------------------------------------------------------------------------------------- values

// ---------------------------------------------------------------------------------------------- events

interface EventBase {
  positionId: bigint;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

export type PositionEvent =
  | (EventBase & { kind: "opened"; owner: string })
  | (EventBase & {
      kind: "increased";
      amount0: bigint;
      amount1: bigint;
      borrow0: bigint;
      borrow1: bigint;
      lpAdded: bigint;
      lpShares: bigint;
    })
  | (EventBase & { kind: "repaid"; repaid0: bigint; repaid1: bigint })
  | (EventBase & {
      kind: "decreased";
      lpRemoved: bigint;
      repaid0: bigint;
      repaid1: bigint;
      returned0: bigint;
      returned1: bigint;
    })
  | (EventBase & { kind: "liquidated"; liquidator: string } & UnwindOutcome)
  | (EventBase & { kind: "deleverageOrderSet"; order: DeleverageOrderRecord; replaced: boolean })
  | (EventBase & { kind: "priceOrderSet"; order: PriceOrderRecord; replaced: boolean })
  | (EventBase & { kind: "deleverageOrderCancelled" })
  | (EventBase & { kind: "priceOrderCancelled" })
  | (EventBase & { kind: "deleverageOrderExecuted"; executor: string; debtRatioBps: bigint } & UnwindOutcome)
  | (EventBase & {
      kind: "priceOrderExecuted";
      executor: string;
      /** Token A's oracle price when it executed, WAD. */
      priceWad: bigint;
      lpRemoved: bigint;
      repaid0: bigint;
      repaid1: bigint;
      /** The executor's fee, from the proceeds. */
      fee0: bigint;
      fee1: bigint;
      /** Sent to the owner (or kept for them to claim). */
      returned0: bigint;
      returned1: bigint;
    });

/**
 * What a liquidation or an executed deleverage order did (the contract's DeleverageOutcome): debt repaid first, then
 * the liquidator's bounty or the executor's fee (`bounty`), then what is kept for the owner (`returned`).
 */
export interface UnwindOutcome {
  /** The whole position was unwound (a full liquidation); false for a partial one. */
  whole: boolean;
  lpRemoved: bigint;
  repaid0: bigint;
  repaid1: bigint;
  bounty0: bigint;
  bounty1: bigint;
  /** LP tokens the liquidator took (liquidateWithRepayment). */
  lpPaid: bigint;
  returned0: bigint;
  returned1: bigint;
  badDebt0: bigint;
  badDebt1: bigint;
  reserveCovered0: bigint;
  reserveCovered1: bigint;
}

/** ILeveragedVault.DeleverageOrder, as bigints. Active while the trigger is non-zero. */
export interface DeleverageOrderRecord {
  triggerDebtRatioBps: bigint;
  targetDebtRatioBps: bigint;
  executorFeeBps: bigint;
  maxSlippageBps: bigint;
}

/** ILeveragedVault.PriceOrder, as bigints (receiveAs: 0 both tokens, 1 token 0, 2 token 1). Active while a bound is set. */
export interface PriceOrderRecord {
  lowPriceWad: bigint;
  highPriceWad: bigint;
  priceOfToken1: boolean;
  receiveAs: 0 | 1 | 2;
  fractionBps: bigint;
  executorFeeBps: bigint;
  maxSlippageBps: bigint;
}

/** The struct fields of a decoded DeleverageOrder (an ethers Result or a lens answer) as a plain record. */
export function deleverageOrderRecord(order: { triggerDebtRatioBps: bigint | number; targetDebtRatioBps: bigint | number; executorFeeBps: bigint | number; maxSlippageBps: bigint | number }): DeleverageOrderRecord {
  return {
    triggerDebtRatioBps: BigInt(order.triggerDebtRatioBps),
    targetDebtRatioBps: BigInt(order.targetDebtRatioBps),
    executorFeeBps: BigInt(order.executorFeeBps),
    maxSlippageBps: BigInt(order.maxSlippageBps),
  };
}

/** The struct fields of a decoded PriceOrder as a plain record. */
export function priceOrderRecord(order: {
  lowPriceWad: bigint | number;
  highPriceWad: bigint | number;
  priceOfToken1: boolean;
  receiveAs: bigint | number;
  fractionBps: bigint | number;
  executorFeeBps: bigint | number;
  maxSlippageBps: bigint | number;
}): PriceOrderRecord {
  return {
    lowPriceWad: BigInt(order.lowPriceWad),
    highPriceWad: BigInt(order.highPriceWad),
    priceOfToken1: Boolean(order.priceOfToken1),
    receiveAs: Number(order.receiveAs) as 0 | 1 | 2,
    fractionBps: BigInt(order.fractionBps),
    executorFeeBps: BigInt(order.executorFeeBps),
    maxSlippageBps: BigInt(order.maxSlippageBps),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unwindOutcome(outcome: any): UnwindOutcome {
  return {
    whole: Boolean(outcome.whole),
    lpRemoved: outcome.lpRemoved,
    repaid0: outcome.repaid0,
    repaid1: outcome.repaid1,
    bounty0: outcome.paid0,
    bounty1: outcome.paid1,
    lpPaid: outcome.lpPaid,
    returned0: outcome.returned0,
    returned1: outcome.returned1,
    badDebt0: outcome.badDebt0,
    badDebt1: outcome.badDebt1,
    reserveCovered0: outcome.reserveCovered0,
    reserveCovered1: outcome.reserveCovered1,
  };
}

const VAULT_INTERFACE = StakingRewardsVault__factory.createInterface();
const EVENT_NAMES = [
  "PositionOpened",
  "PositionIncreased",
  "DebtRepaid",
  "PositionDecreased",
  "PositionLiquidated",
  "DeleverageOrderSet",
  "PriceOrderSet",
  "DeleverageOrderCancelled",
  "PriceOrderCancelled",
  "DeleverageOrderExecuted",
  "PriceOrderExecuted",
] as const;
export const POSITION_EVENT_TOPICS = EVENT_NAMES.map((name) => VAULT_INTERFACE.getEvent(name).topicHash);
export const POSITION_OPENED_TOPIC = VAULT_INTERFACE.getEvent("PositionOpened").topicHash;
export const HARVESTED_TOPIC = VAULT_INTERFACE.getEvent("Harvested").topicHash;

/** A uint256 or an address as a 32-byte topic, for filtering indexed event arguments. */
export function topicOf(value: bigint | string): string {
  const hex = typeof value === "bigint" ? value.toString(16) : value.toLowerCase().replace(/^0x/, "");
  return `0x${hex.padStart(64, "0")}`;
}

/** One of the vault's position events as a typed record; null for any other log. */
export function decodePositionLog(log: Log): PositionEvent | null {
  let parsed;
  try {
    parsed = VAULT_INTERFACE.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
  if (!parsed || !(EVENT_NAMES as readonly string[]).includes(parsed.name)) return null;
  const base: EventBase = {
    positionId: parsed.args.positionId as bigint,
    blockNumber: log.blockNumber,
    logIndex: log.index,
    transactionHash: log.transactionHash,
  };
  const a = parsed.args;
  switch (parsed.name) {
    case "PositionOpened":
      return { ...base, kind: "opened", owner: a.owner };
    case "PositionIncreased":
      return { ...base, kind: "increased", amount0: a.amount0, amount1: a.amount1, borrow0: a.borrow0, borrow1: a.borrow1, lpAdded: a.lpAdded, lpShares: a.lpShares };
    case "DebtRepaid":
      return { ...base, kind: "repaid", repaid0: a.repaid0, repaid1: a.repaid1 };
    case "PositionDecreased":
      return { ...base, kind: "decreased", lpRemoved: a.lpRemoved, repaid0: a.repaid0, repaid1: a.repaid1, returned0: a.returned0, returned1: a.returned1 };
    case "PositionLiquidated":
      return { ...base, kind: "liquidated", liquidator: a.liquidator, ...unwindOutcome(a.outcome) };
    case "DeleverageOrderSet":
      return { ...base, kind: "deleverageOrderSet", order: deleverageOrderRecord(a.order), replaced: a.replaced };
    case "PriceOrderSet":
      return { ...base, kind: "priceOrderSet", order: priceOrderRecord(a.order), replaced: a.replaced };
    case "DeleverageOrderCancelled":
      return { ...base, kind: "deleverageOrderCancelled" };
    case "PriceOrderCancelled":
      return { ...base, kind: "priceOrderCancelled" };
    case "DeleverageOrderExecuted":
      return { ...base, kind: "deleverageOrderExecuted", executor: a.executor, debtRatioBps: a.debtRatioBps, ...unwindOutcome(a.outcome) };
    case "PriceOrderExecuted": {
      const outcome = a.outcome;
      return {
        ...base,
        kind: "priceOrderExecuted",
        executor: a.executor,
        priceWad: a.priceWad,
        lpRemoved: outcome.lpRemoved,
        repaid0: outcome.repaid0,
        repaid1: outcome.repaid1,
        fee0: outcome.fee0,
        fee1: outcome.fee1,
        returned0: outcome.amount0,
        returned1: outcome.amount1,
      };
    }
    default:
      return null;
  }
}

/** Chain order: by block, then by position in the block. */
export function compareEvents(a: { blockNumber: number; logIndex: number }, b: { blockNumber: number; logIndex: number }): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/**
 * Tokens the owner moved with an event: `in` from the wallet into the position (collateral added, debt repaid
 * from the wallet), `out` back to the wallet (a close's proceeds, what a liquidation or an executed order left over,
 * sent or kept for the owner to claim). Borrowed tokens are
 * neither: they are the position's debt, already counted in its equity.
 */
export function ownerFlows(event: PositionEvent): { in0: bigint; in1: bigint; out0: bigint; out1: bigint } {
  switch (event.kind) {
    case "increased":
      return { in0: event.amount0, in1: event.amount1, out0: 0n, out1: 0n };
    case "repaid":
      return { in0: event.repaid0, in1: event.repaid1, out0: 0n, out1: 0n };
    case "decreased":
    case "liquidated":
    case "deleverageOrderExecuted":
    case "priceOrderExecuted":
      return { in0: 0n, in1: 0n, out0: event.returned0, out1: event.returned1 };
    default:
      return { in0: 0n, in1: 0n, out0: 0n, out1: 0n };
  }
}

export interface PricesWad {
  price0Wad: bigint;
  price1Wad: bigint;
}

export interface ProfitAndLoss {
  /** USD (WAD) of everything the owner put in, each at the oracle prices of its event's block. */
  putInWad: bigint;
  /** USD (WAD) of everything returned to the owner, each at its block's prices. */
  returnedWad: bigint;
  equityWad: bigint;
  /** equity + returned - put in. */
  pnlWad: bigint;
  /** pnl / put in; null when nothing was put in. */
  pnlFraction: number | null;
}

/**
 * Profit and loss of a position: its equity now, plus the USD value of everything it returned to the owner, minus
 * the USD value of everything the owner put in, each flow valued at the oracle prices of the block it happened in.
 * `pricesAt` must know every event's block.
 */
export function profitAndLoss(
  events: PositionEvent[],
  pricesAt: (blockNumber: number) => PricesWad | undefined,
  decimals0: number,
  decimals1: number,
  equityWad: bigint,
): ProfitAndLoss {
  let putInWad = 0n;
  let returnedWad = 0n;
  for (const event of events) {
    const flows = ownerFlows(event);
    if (flows.in0 === 0n && flows.in1 === 0n && flows.out0 === 0n && flows.out1 === 0n) continue;
    const prices = pricesAt(event.blockNumber);
    if (!prices) throw new Error(`profitAndLoss: no prices for block ${event.blockNumber}`);
    putInWad += tokenValueWad(flows.in0, prices.price0Wad, decimals0) + tokenValueWad(flows.in1, prices.price1Wad, decimals1);
    returnedWad += tokenValueWad(flows.out0, prices.price0Wad, decimals0) + tokenValueWad(flows.out1, prices.price1Wad, decimals1);
  }
  const pnlWad = equityWad + returnedWad - putInWad;
  const pnlFraction = putInWad === 0n ? null : Number((pnlWad * 10n ** 12n) / putInWad) / 1e12;
  return { putInWad, returnedWad, equityWad, pnlWad, pnlFraction };
}

/** This position's part of a harvest's LP: lpAdded x the position's LP shares / all LP shares, rounded down. */
export function harvestShareLp(lpAdded: bigint, positionLpShares: bigint, totalLpShares: bigint): bigint {
  return totalLpShares === 0n ? 0n : (lpAdded * positionLpShares) / totalLpShares;
}

// ---------------------------------------------------------------------------------------------- sampling

/**
 * About `count` blocks spread evenly from `fromBlock` to `toBlock` (both included), plus every block in `extra`
 * that falls in the range (the position's events, so every change shows as a point), sorted, without repeats.
 */
export function sampleBlocks(fromBlock: number, toBlock: number, count: number, extra: Iterable<number> = []): number[] {
  if (toBlock < fromBlock) return [];
  const chosen = new Set<number>();
  const span = toBlock - fromBlock;
  if (span + 1 <= count) {
    for (let block = fromBlock; block <= toBlock; block++) chosen.add(block);
  } else {
    const steps = Math.max(count - 1, 1);
    for (let index = 0; index <= steps; index++) chosen.add(fromBlock + Math.round((index * span) / steps));
  }
  for (const block of extra) if (block >= fromBlock && block <= toBlock) chosen.add(block);
  return [...chosen].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------- chain readers

/** The ids of positions `owner` opened in `vault`, and the block each was opened in. */
export async function findOwnedPositions(
  provider: Provider,
  vault: string,
  owner: string,
  fromBlock: number,
  toBlock: number,
  options?: ChunkOptions,
): Promise<{ positionId: bigint; blockNumber: number }[]> {
  const logs = await getLogsChunked(provider, { address: vault, topics: [POSITION_OPENED_TOPIC, null, topicOf(owner)] }, fromBlock, toBlock, options);
  return logs.map((log) => ({ positionId: BigInt(log.topics[1]), blockNumber: log.blockNumber }));
}

/** Every position event of these ids in `vault` over the range, in chain order. */
export async function readPositionEvents(
  provider: Provider,
  vault: string,
  positionIds: bigint[],
  fromBlock: number,
  toBlock: number,
  options?: ChunkOptions,
): Promise<PositionEvent[]> {
  if (positionIds.length === 0) return [];
  const logs = await getLogsChunked(
    provider,
    { address: vault, topics: [POSITION_EVENT_TOPICS, positionIds.map((id) => topicOf(id))] },
    fromBlock,
    toBlock,
    options,
  );
  return logs.map(decodePositionLog).filter((event): event is PositionEvent => event !== null).sort(compareEvents);
}

/** The block a position was opened in, or null if the vault has no such position. */
export async function findOpeningBlock(provider: Provider, vault: string, positionId: bigint, fromBlock: number, toBlock: number, options?: ChunkOptions): Promise<number | null> {
  const logs = await getLogsChunked(provider, { address: vault, topics: [POSITION_OPENED_TOPIC, topicOf(positionId)] }, fromBlock, toBlock, options);
  return logs.length > 0 ? logs[0].blockNumber : null;
}

/** The oracle's USD prices (WAD) of the two tokens at each block (historical eth_call), keyed by block. */
export async function readPricesAt(
  provider: Provider,
  oracleAddress: string,
  token0: string,
  token1: string,
  blocks: number[],
): Promise<Map<number, PricesWad>> {
  const oracle = PriceOracle__factory.connect(oracleAddress, provider);
  const unique = [...new Set(blocks)];
  const answers = await Promise.all(
    unique.map(async (blockTag) => {
      const [price0Wad, price1Wad] = await Promise.all([oracle.priceOf(token0, { blockTag }), oracle.priceOf(token1, { blockTag })]);
      return [blockTag, { price0Wad, price1Wad }] as const;
    }),
  );
  return new Map(answers);
}

/** A position's figures as the vault's positionView reports them, its owner and liquidatable verdict aside. */
export interface PositionViewFigures {
  lpAmount: bigint;
  debt0: bigint;
  debt1: bigint;
  valueWad: bigint;
  debtValueWad: bigint;
  equityWad: bigint;
  debtRatioBps: bigint;
}

/** Just the figures, copied out of positionView's answer (an ethers Result, which also holds the other fields). */
export function positionViewFigures(view: PositionViewFigures): PositionViewFigures {
  return {
    lpAmount: view.lpAmount,
    debt0: view.debt0,
    debt1: view.debt1,
    valueWad: view.valueWad,
    debtValueWad: view.debtValueWad,
    equityWad: view.equityWad,
    debtRatioBps: view.debtRatioBps,
  };
}

/** Where a position stood at one block. */
export interface HistoryPoint extends PositionViewFigures {
  blockNumber: number;
  /** Unix seconds. */
  timestamp: number;
  price0Wad: bigint;
  price1Wad: bigint;
  workFactorBps: bigint;
  killFactorBps: bigint;
}

export interface HistorySubject {
  vault: string;
  oracle: string;
  token0: string;
  token1: string;
  positionId: bigint;
}

/** positionView, both oracle prices, the risk parameters and the block's time, at each block. */
export async function readPositionHistory(provider: Provider, subject: HistorySubject, blocks: number[]): Promise<HistoryPoint[]> {
  const vault = StakingRewardsVault__factory.connect(subject.vault, provider);
  const oracle = PriceOracle__factory.connect(subject.oracle, provider);
  return Promise.all(
    blocks.map(async (blockTag): Promise<HistoryPoint> => {
      const [view, price0Wad, price1Wad, risk, block] = await Promise.all([
        vault.positionView(subject.positionId, { blockTag }),
        oracle.priceOf(subject.token0, { blockTag }),
        oracle.priceOf(subject.token1, { blockTag }),
        vault.riskParameters({ blockTag }),
        provider.getBlock(blockTag),
      ]);
      if (!block) throw new Error(`the node has no block ${blockTag}`);
      return {
        blockNumber: blockTag,
        timestamp: block.timestamp,
        ...positionViewFigures(view),
        price0Wad,
        price1Wad,
        workFactorBps: BigInt(risk.workFactorBps),
        killFactorBps: BigInt(risk.killFactorBps),
      };
    }),
  );
}

/** One Harvested event of a vault: the reward sold and the LP it compounded into, for the whole vault. */
export interface VaultHarvest {
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  /** Reward tokens sold, base units. */
  rewardSold: bigint;
  /** LP the harvest added, and the vault's LP after it. */
  lpAdded: bigint;
  totalLp: bigint;
}

/** The vault's Harvested events over [fromBlock, toBlock], in chain order: the one reader of a vault's harvests. */
export async function readVaultHarvests(
  provider: Provider,
  vaultAddress: string,
  fromBlock: number,
  toBlock: number,
  options: ChunkOptions = {},
): Promise<VaultHarvest[]> {
  const logs = await getLogsChunked(provider, { address: vaultAddress, topics: [HARVESTED_TOPIC] }, fromBlock, toBlock, options);
  return logs.map((log) => {
    const parsed = VAULT_INTERFACE.parseLog({ topics: [...log.topics], data: log.data })!;
    return {
      blockNumber: log.blockNumber,
      logIndex: log.index,
      transactionHash: log.transactionHash,
      rewardSold: parsed.args.rewardSold as bigint,
      lpAdded: parsed.args.lpAdded as bigint,
      totalLp: parsed.args.totalLp as bigint,
    };
  });
}

/** One harvest and this position's part of it. */
export interface HarvestShare {
  blockNumber: number;
  timestamp: number;
  transactionHash: string;
  /** FLUX (reward token) the harvest sold, for the whole vault. */
  rewardAmount: bigint;
  /** LP the harvest added for the whole vault. */
  lpAdded: bigint;
  /** This position's part of lpAdded. */
  positionLp: bigint;
  /** positionLp at the fair LP price of that block, USD (WAD). */
  valueWad: bigint;
}

/**
 * The vault's harvests over the range with this position's part of each: lpAdded x position LP shares / all LP
 * shares (vault.positions(id) and vault.totals() at the harvest's block), valued at that block's fair LP price (the
 * position's own value / LP). Only the `limit` most recent harvests are read; `total` says how many there were.
 */
export async function readHarvestShares(
  provider: Provider,
  vaultAddress: string,
  positionId: bigint,
  fromBlock: number,
  toBlock: number,
  options: ChunkOptions & { limit?: number } = {},
): Promise<{ total: number; harvests: HarvestShare[] }> {
  const vault = StakingRewardsVault__factory.connect(vaultAddress, provider);
  const all = await readVaultHarvests(provider, vaultAddress, fromBlock, toBlock, options);
  const limit = options.limit ?? 300;
  const recent = all.slice(-limit);
  // Several harvests can share a block; the state at that block is read once.
  const blocks = [...new Set(recent.map((log) => log.blockNumber))];
  const states = new Map(
    await Promise.all(
      blocks.map(async (blockTag) => {
        const [position, totals, view, block] = await Promise.all([
          vault.positions(positionId, { blockTag }),
          vault.totals({ blockTag }),
          vault.positionView(positionId, { blockTag }),
          provider.getBlock(blockTag),
        ]);
        if (!block) throw new Error(`the node has no block ${blockTag}`);
        return [blockTag, { lpShares: position.lpShares, totalLpShares: totals.totalLpShares, lpAmount: view.lpAmount, valueWad: view.valueWad, timestamp: block.timestamp }] as const;
      }),
    ),
  );
  const harvests = recent.map((harvest): HarvestShare => {
    const state = states.get(harvest.blockNumber)!;
    const positionLp = harvestShareLp(harvest.lpAdded, state.lpShares, state.totalLpShares);
    const valueWad = state.lpAmount === 0n ? 0n : (positionLp * state.valueWad) / state.lpAmount;
    return {
      blockNumber: harvest.blockNumber,
      timestamp: state.timestamp,
      transactionHash: harvest.transactionHash,
      rewardAmount: harvest.rewardSold,
      lpAdded: harvest.lpAdded,
      positionLp,
      valueWad,
    };
  });
  return { total: all.length, harvests };
}

// ---------------------------------------------------------------------------------------------- prices

/** Symbols treated as dollar stablecoins when choosing which token's price a position is exposed to. */
export const STABLECOIN_SYMBOLS = new Set(["USDC", "USDT", "DAI", "BUSD", "FDUSD", "TUSD", "USDP", "FRAX", "LUSD", "USDC.E", "USDBC", "USDT.E"]);

/**
 * Whose price the liquidation price is about: the pair's non-stable token, in USD (WETH in WETH-USDC); for a pair
 * of two stablecoins (or two volatile tokens), token 0 priced in token 1 (USDC in USDT terms).
 */
export interface PriceSubject {
  /** 0 or 1: the token whose price moves. */
  base: 0 | 1;
  /** Priced in the other token rather than in USD. */
  inOtherToken: boolean;
}

export function priceSubjectOf(symbol0: string, symbol1: string): PriceSubject {
  const stable0 = STABLECOIN_SYMBOLS.has(symbol0.toUpperCase());
  const stable1 = STABLECOIN_SYMBOLS.has(symbol1.toUpperCase());
  if (stable0 && !stable1) return { base: 1, inOtherToken: false };
  if (stable1 && !stable0) return { base: 0, inOtherToken: false };
  return { base: 0, inOtherToken: true };
}

export interface LiquidationPriceInput {
  valueWad: bigint;
  debt0: bigint;
  debt1: bigint;
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
  killFactorBps: bigint;
}

/**
 * The base token's price now and where the position would reach its kill factor (lib/vaultMath liquidationPrices,
 * with the other token's price held), in USD or, for a pair priced in its other token, in that token.
 */
export function liquidationPriceView(input: LiquidationPriceInput, subject: PriceSubject): { current: number; below: number | null; above: number | null } {
  const whole = (amount: bigint, decimals: number) => Number(amount) / 10 ** decimals;
  const prices = [Number(input.price0Wad) / 1e18, Number(input.price1Wad) / 1e18];
  const debts = [whole(input.debt0, input.decimals0), whole(input.debt1, input.decimals1)];
  const base = subject.base;
  const other = base === 0 ? 1 : 0;
  const { below, above } = liquidationPrices({
    lpValueWad: input.valueWad,
    debt0: debts[base],
    debt1: debts[other],
    price0: prices[base],
    price1: prices[other],
    killFactor: Number(input.killFactorBps) / 10_000,
  });
  const unit = subject.inOtherToken ? prices[other] : 1;
  return { current: prices[base] / unit, below: below === null ? null : below / unit, above: above === null ? null : above / unit };
}

/** The change from `from` to `to` as a fraction (-0.25 is 25% lower). */
export function relativeChange(from: number, to: number): number {
  return from === 0 ? 0 : to / from - 1;
}

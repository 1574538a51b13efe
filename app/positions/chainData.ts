"use client";

/**
 * The positions pages' reads, shared by /positions, the detail page and the header's liquidation banner: the
 * vaults' wiring (read once), the connected account's positions (found incrementally from PositionOpened logs, so
 * each new block costs one small getLogs per vault), their events and the oracle prices at those events' blocks
 * (cached: the past does not change).
 */
import { useEffect, useSyncExternalStore } from "react";
import { Contract, ZeroAddress, type JsonRpcProvider } from "ethers";
import type { Deployment } from "../../lib/deployments";
import type { TokenBook } from "../../lib/errors";
import { describeError } from "../../lib/errors";
import {
  IERC20Metadata__factory,
  IUniswapV2Pair__factory,
  LendingPool__factory,
  StakingRewardsVault__factory,
  VaultLens__factory,
} from "../../typechain-types";
import type { VaultLens } from "../../typechain-types";
import type { ClosePreviewInput } from "../../lib/closePreview";
import type { BorrowLimits, OpenMarket } from "../../lib/openPreview";
import {
  deleverageOrderRecord,
  findOwnedPositions,
  isClosedPosition,
  priceOrderRecord,
  positionViewFigures,
  readPositionEvents,
  readPricesAt,
  type DeleverageOrderRecord,
  type PositionEvent,
  type PositionViewFigures,
  type PriceOrderRecord,
  type PricesWad,
} from "../../lib/positionHistory";
import { positionRisk, type RiskLevel } from "../../lib/risk";
import { useChain, useWallet } from "../wallet/WalletProvider";
import { fromLensState } from "../farms/useVaultState";

export interface TokenMeta {
  address: string;
  symbol: string;
  decimals: number;
}

/** A vault's wiring, read from the vault itself (its immutables), with the deployment's name for it. */
export interface VaultMeta {
  name: string;
  address: string;
  /** The deployment's VaultLens, which answers a vault's per-block state and its positions in one call each. */
  lens: string;
  pair: string;
  oracle: string;
  pool0: string;
  pool1: string;
  token0: TokenMeta;
  token1: TokenMeta;
}

/** What changes block to block for a whole vault. */
export interface VaultLive {
  workFactorBps: bigint;
  killFactorBps: bigint;
  paused: boolean;
  price0Wad: bigint;
  price1Wad: bigint;
  /** The pair's reserves and LP supply at that block: what one LP token holds (net exposure). */
  reserve0: bigint;
  reserve1: bigint;
  pairTotalSupply: bigint;
}

/** A position's protection orders as the vault stores them; an inactive one has a zero trigger / no bound. */
export interface PositionOrders {
  deleverage: DeleverageOrderRecord;
  price: PriceOrderRecord;
}

/** positionView's whole answer at one block: the figures, the owner and the vault's own liquidatable verdict. */
export interface PositionViewData extends PositionViewFigures {
  owner: string;
  liquidatable: boolean;
}

export interface OwnedPosition {
  key: string;
  vault: VaultMeta;
  live: VaultLive;
  id: bigint;
  openedBlock: number;
  view: PositionViewData;
  orders: PositionOrders;
  closed: boolean;
  risk: RiskLevel;
}

// ------------------------------------------------------------------------------------------- vault wiring

const metaCache = new Map<string, Promise<VaultMeta[]>>();

async function tokenMeta(provider: JsonRpcProvider, address: string, tokens: TokenBook): Promise<TokenMeta> {
  const known = tokens[address.toLowerCase()];
  if (known) return { address, symbol: known.symbol, decimals: known.decimals };
  const erc20 = IERC20Metadata__factory.connect(address, provider);
  const [symbol, decimals] = await Promise.all([erc20.symbol(), erc20.decimals()]);
  return { address, symbol, decimals: Number(decimals) };
}

/** Every vault of the deployment, its tokens in the vault's (the pair's) order. Read once per page load. */
export function loadVaultMetas(provider: JsonRpcProvider, deployment: Deployment, tokens: TokenBook): Promise<VaultMeta[]> {
  const key = `${deployment.network}:${deployment.updatedAt}`;
  let cached = metaCache.get(key);
  if (!cached) {
    cached = Promise.all(
      Object.values(deployment.farming?.vaults ?? {}).map(async (record) => {
        const vault = StakingRewardsVault__factory.connect(record.vault.address, provider);
        const [pair, oracle, pool0, pool1, token0, token1] = await Promise.all([
          vault.pair(),
          vault.oracle(),
          vault.pool0(),
          vault.pool1(),
          vault.token0(),
          vault.token1(),
        ]);
        return {
          name: record.name,
          address: record.vault.address,
          lens: deployment.farming!.lens.address,
          pair,
          oracle,
          pool0,
          pool1,
          token0: await tokenMeta(provider, token0, tokens),
          token1: await tokenMeta(provider, token1, tokens),
        };
      }),
    );
    // A failed read is retried on the next call instead of being remembered.
    cached.catch(() => metaCache.delete(key));
    metaCache.set(key, cached);
  }
  return cached;
}

type LensVaultState = Awaited<ReturnType<VaultLens["vaultState"]>>;

function vaultLiveOf(meta: VaultMeta, state: LensVaultState): VaultLive {
  // The lens reports a refused price as zero; a page must not value positions at zero, so it says why instead.
  if (!state.pricesAvailable) throw new Error(`The oracle gives no price for ${meta.name} right now (a feed is stale or the sequencer is down)`);
  return {
    workFactorBps: BigInt(state.risk.workFactorBps),
    killFactorBps: BigInt(state.risk.killFactorBps),
    paused: state.paused,
    price0Wad: state.price0Wad,
    price1Wad: state.price1Wad,
    reserve0: state.reserve0,
    reserve1: state.reserve1,
    pairTotalSupply: state.pairTotalSupply,
  };
}

/** A vault's risk, pause and prices at one block: one lens call. */
export async function readVaultLive(provider: JsonRpcProvider, meta: VaultMeta, blockTag: number | "latest"): Promise<VaultLive> {
  return vaultLiveOf(meta, await VaultLens__factory.connect(meta.lens, provider).vaultState(meta.address, { blockTag }));
}

/** Every vault's risk, pause and prices at one block: one lens call for all of them. */
async function readVaultLives(provider: JsonRpcProvider, metas: VaultMeta[], blockTag: number): Promise<Map<string, VaultLive>> {
  if (metas.length === 0) return new Map();
  const states = await VaultLens__factory.connect(metas[0].lens, provider).vaultStates(
    metas.map((meta) => meta.address),
    { blockTag },
  );
  return new Map(metas.map((meta, i) => [meta.address, vaultLiveOf(meta, states[i])]));
}

export async function readPositionView(provider: JsonRpcProvider, meta: VaultMeta, id: bigint, blockTag: number | "latest"): Promise<PositionViewData> {
  const view = await StakingRewardsVault__factory.connect(meta.address, provider).positionView(id, { blockTag });
  return { owner: view.owner, ...positionViewFigures(view), liquidatable: view.liquidatable };
}

type LensPositionEntry = Awaited<ReturnType<VaultLens["positionEntries"]>>[number];

function ordersOf(entry: LensPositionEntry): PositionOrders {
  return { deleverage: deleverageOrderRecord(entry.orders.deleverage), price: priceOrderRecord(entry.orders.price) };
}

/** Several positions of one vault at one block, with their protection orders: one lens call. */
async function readPositionEntries(provider: JsonRpcProvider, meta: VaultMeta, ids: bigint[], blockTag: number | "latest"): Promise<{ view: PositionViewData; orders: PositionOrders }[]> {
  if (ids.length === 0) return [];
  const entries = await VaultLens__factory.connect(meta.lens, provider).positionEntries(meta.address, ids, { blockTag });
  return entries.map((entry, i) => {
    if (!entry.valued) throw new Error(`${meta.name} #${ids[i]} cannot be valued right now (the oracle refuses a price)`);
    return { view: { owner: entry.view_.owner, ...positionViewFigures(entry.view_), liquidatable: entry.view_.liquidatable }, orders: ordersOf(entry) };
  });
}

/** One position's protection orders at one block (the lens's entry for it). */
export async function readPositionOrders(provider: JsonRpcProvider, meta: VaultMeta, id: bigint, blockTag: number | "latest"): Promise<PositionOrders> {
  const [entry] = await VaultLens__factory.connect(meta.lens, provider).positionEntries(meta.address, [id], { blockTag });
  return ordersOf(entry);
}

// ------------------------------------------------------------------------------------------- owned positions

export interface OwnedPositionsSnapshot {
  owner: string | null;
  /** loading: nothing read yet for this owner. */
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
  positions: OwnedPosition[];
  blockNumber: number | null;
}

/** Blocks a chain may go back (a reorg) before the scans treat it as a different chain and start again. */
const RESTART_DEPTH = 64;

const IDLE: OwnedPositionsSnapshot = { owner: null, status: "idle", error: null, positions: [], blockNumber: null };

/** One store for the page and the banner, so they share one scan of the logs. */
class OwnedPositionsStore {
  private snapshot: OwnedPositionsSnapshot = IDLE;
  private listeners = new Set<() => void>();
  private found: { owner: string; scannedTo: number; positions: { vault: VaultMeta; id: bigint; openedBlock: number }[] } | null = null;
  private running: Promise<void> | null = null;
  private wanted: { provider: JsonRpcProvider; deployment: Deployment; tokens: TokenBook; owner: string | null; blockNumber: number } | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  private set(next: OwnedPositionsSnapshot) {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  /** Brings the store to `blockNumber` for `owner`; calls for the same block are shared, newer ones queued. */
  sync(provider: JsonRpcProvider, deployment: Deployment, tokens: TokenBook, owner: string | null, blockNumber: number) {
    const normalized = owner?.toLowerCase() ?? null;
    if (this.snapshot.owner !== normalized) {
      this.found = null;
      this.set(normalized ? { owner: normalized, status: "loading", error: null, positions: [], blockNumber: null } : IDLE);
    }
    if (!normalized) return;
    const seen = this.snapshot.blockNumber;
    // Already read at this block (or a block or two later: the banner and the page poll separately); a chain far
    // behind is a restarted one and is read again.
    if (seen !== null && this.snapshot.status === "ready" && seen >= blockNumber && seen - blockNumber <= RESTART_DEPTH) return;
    this.wanted = { provider, deployment, tokens, owner: normalized, blockNumber };
    if (!this.running) this.running = this.drain().finally(() => (this.running = null));
  }

  private async drain() {
    while (this.wanted) {
      const job = this.wanted;
      this.wanted = null;
      if (!job.owner) continue;
      try {
        const positions = await this.read(job.provider, job.deployment, job.tokens, job.owner, job.blockNumber);
        if (this.snapshot.owner === job.owner) {
          this.set({ owner: job.owner, status: "ready", error: null, positions, blockNumber: job.blockNumber });
        }
      } catch (error) {
        if (this.snapshot.owner === job.owner) {
          this.set({ ...this.snapshot, status: this.snapshot.positions.length > 0 ? "ready" : "error", error: describeError(error) });
        }
      }
    }
  }

  private async read(provider: JsonRpcProvider, deployment: Deployment, tokens: TokenBook, owner: string, blockNumber: number): Promise<OwnedPosition[]> {
    const metas = await loadVaultMetas(provider, deployment, tokens);
    // A chain far behind what was scanned is a new chain (the local stack restarted): start over.
    const restarted = this.found !== null && blockNumber < this.found.scannedTo - RESTART_DEPTH;
    if (!this.found || this.found.owner !== owner || restarted) this.found = { owner, scannedTo: deployment.startBlock - 1, positions: [] };
    const found = this.found;
    if (blockNumber > found.scannedTo) {
      const fresh = await Promise.all(
        metas.map(async (vault) =>
          (await findOwnedPositions(provider, vault.address, owner, found.scannedTo + 1, blockNumber)).map((entry) => ({
            vault,
            id: entry.positionId,
            openedBlock: entry.blockNumber,
          })),
        ),
      );
      found.positions.push(...fresh.flat());
      found.scannedTo = blockNumber;
    }
    const lives = await readVaultLives(provider, metas, blockNumber);
    const entries = new Map<string, { view: PositionViewData; orders: PositionOrders }>();
    await Promise.all(
      metas.map(async (meta) => {
        const ids = found.positions.filter((position) => position.vault.address === meta.address).map((position) => position.id);
        const read = await readPositionEntries(provider, meta, ids, blockNumber);
        ids.forEach((id, i) => entries.set(`${meta.address}:${id}`, read[i]));
      }),
    );
    return found.positions.map(({ vault, id, openedBlock }) => {
      const key = `${vault.address}:${id}`;
      const { view, orders } = entries.get(key)!;
      const live = lives.get(vault.address)!;
      return { key, vault, live, id, openedBlock, view, orders, closed: isClosedPosition(view), risk: positionRisk(view, live.workFactorBps, live.killFactorBps) };
    });
  }
}

const ownedPositionsStore = new OwnedPositionsStore();

/** The connected account's positions in every vault, kept current block by block. */
export function useOwnedPositions(): OwnedPositionsSnapshot {
  const { readProvider, deployment, tokens, blockNumber } = useChain();
  const { address } = useWallet();
  useEffect(() => {
    if (blockNumber === null) return;
    ownedPositionsStore.sync(readProvider, deployment, tokens, address, blockNumber);
  }, [readProvider, deployment, tokens, address, blockNumber]);
  const snapshot = useSyncExternalStore(ownedPositionsStore.subscribe, ownedPositionsStore.getSnapshot, () => IDLE);
  // Between a disconnect and the effect above, do not show the previous account's positions.
  if (snapshot.owner !== (address?.toLowerCase() ?? null)) return address ? { ...IDLE, owner: address.toLowerCase(), status: "loading" } : IDLE;
  return snapshot;
}

// ------------------------------------------------------------------------------------------- events and prices

interface VaultEvents {
  ids: Set<string>;
  scannedTo: number;
  events: PositionEvent[];
}

const eventCache = new Map<string, VaultEvents>();
/** One scan at a time per vault, so two pages asking at once do not both append the same logs. */
const eventLocks = new Map<string, Promise<unknown>>();
const priceCache = new Map<string, PricesWad>();

/**
 * Every event of these positions of `vault`, up to `toBlock`. New ids are scanned from their opening block; known
 * ones only over the blocks not seen yet.
 */
export function positionEvents(
  provider: JsonRpcProvider,
  vault: string,
  positions: { id: bigint; openedBlock: number }[],
  toBlock: number,
): Promise<PositionEvent[]> {
  const previous = eventLocks.get(vault) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => scanPositionEvents(provider, vault, positions, toBlock));
  eventLocks.set(vault, next);
  return next;
}

async function scanPositionEvents(
  provider: JsonRpcProvider,
  vault: string,
  positions: { id: bigint; openedBlock: number }[],
  toBlock: number,
): Promise<PositionEvent[]> {
  let cache = eventCache.get(vault);
  if (cache && toBlock < cache.scannedTo - RESTART_DEPTH) {
    // A restarted chain: its past is not the one cached.
    eventCache.clear();
    priceCache.clear();
    cache = undefined;
  }
  if (!cache) {
    cache = { ids: new Set(), scannedTo: toBlock, events: [] };
    eventCache.set(vault, cache);
  }
  const entry = cache;
  const unseen = positions.filter((position) => !entry.ids.has(position.id.toString()));
  if (unseen.length > 0) {
    const from = Math.min(...unseen.map((position) => position.openedBlock));
    const events = await readPositionEvents(provider, vault, unseen.map((position) => position.id), from, entry.scannedTo);
    entry.events.push(...events);
    for (const position of unseen) entry.ids.add(position.id.toString());
  }
  if (toBlock > entry.scannedTo && entry.ids.size > 0) {
    const ids = [...entry.ids].map((id) => BigInt(id));
    entry.events.push(...(await readPositionEvents(provider, vault, ids, entry.scannedTo + 1, toBlock)));
    entry.scannedTo = toBlock;
  } else if (toBlock > entry.scannedTo) {
    entry.scannedTo = toBlock;
  }
  const wanted = new Set(positions.map((position) => position.id.toString()));
  return entry.events
    .filter((event) => wanted.has(event.positionId.toString()) && event.blockNumber <= toBlock)
    .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/** The oracle's prices of a vault's two tokens at each block, from the cache where it has them. */
export async function pricesAtBlocks(provider: JsonRpcProvider, meta: VaultMeta, blocks: number[]): Promise<Map<number, PricesWad>> {
  const key = (block: number) => `${meta.oracle}:${meta.token0.address}:${meta.token1.address}:${block}`;
  const missing = [...new Set(blocks)].filter((block) => !priceCache.has(key(block)));
  if (missing.length > 0) {
    const read = await readPricesAt(provider, meta.oracle, meta.token0.address, meta.token1.address, missing);
    for (const [block, prices] of read) priceCache.set(key(block), prices);
  }
  return new Map(blocks.map((block) => [block, priceCache.get(key(block))!]));
}

// ------------------------------------------------------------------------------------------- action previews

const FACTORY_ABI = ["function feeTo() view returns (address)"];

/** Everything lib/closePreview needs except the fraction and the token to receive, at one block. */
export type CloseState = Omit<ClosePreviewInput, "fractionBps" | "receiveAs">;

export async function readCloseState(provider: JsonRpcProvider, meta: VaultMeta, id: bigint, factory: string | undefined, blockTag: number | "latest"): Promise<CloseState> {
  const vault = StakingRewardsVault__factory.connect(meta.address, provider);
  const pair = IUniswapV2Pair__factory.connect(meta.pair, provider);
  const [position, totals, reserves, pairTotalSupply, borrowIndex0, borrowIndex1, feeTo, kLast] = await Promise.all([
    vault.positions(id, { blockTag }),
    vault.totals({ blockTag }),
    pair.getReserves({ blockTag }),
    pair.totalSupply({ blockTag }),
    LendingPool__factory.connect(meta.pool0, provider).borrowIndex({ blockTag }),
    LendingPool__factory.connect(meta.pool1, provider).borrowIndex({ blockTag }),
    factory ? (new Contract(factory, FACTORY_ABI, provider).feeTo({ blockTag }) as Promise<string>) : Promise.resolve(ZeroAddress),
    pair.kLast({ blockTag }),
  ]);
  return {
    lpShares: position.lpShares,
    debtShares0: position.debtShares0,
    debtShares1: position.debtShares1,
    totalLp: totals.totalLp,
    totalLpShares: totals.totalLpShares,
    reserve0: reserves[0],
    reserve1: reserves[1],
    pairTotalSupply,
    borrowIndex0,
    borrowIndex1,
    protocolFee: feeTo !== ZeroAddress ? { kLast } : undefined,
  };
}

/** The pair's reserves and LP supply, for the zap preview of adding collateral. */
export async function readPairState(provider: JsonRpcProvider, meta: VaultMeta, blockTag: number | "latest") {
  const pair = IUniswapV2Pair__factory.connect(meta.pair, provider);
  const [reserves, totalSupply] = await Promise.all([pair.getReserves({ blockTag }), pair.totalSupply({ blockTag })]);
  return { reserve0: reserves[0], reserve1: reserves[1], totalSupply };
}

/** What lib/increasePreview needs to preview borrowing more, at one block: one lens call. */
export interface IncreaseState {
  market: OpenMarket;
  maxLeverageWad: bigint;
  limits: [BorrowLimits, BorrowLimits];
}

export async function readIncreaseState(provider: JsonRpcProvider, meta: VaultMeta, blockTag: number | "latest"): Promise<IncreaseState> {
  const state = await VaultLens__factory.connect(meta.lens, provider).vaultState(meta.address, { blockTag });
  if (!state.pricesAvailable) throw new Error(`The oracle gives no price for ${meta.name} right now (a feed is stale or the sequencer is down)`);
  const { market, pools } = fromLensState(state, meta.token0, meta.token1);
  return {
    market,
    maxLeverageWad: BigInt(state.risk.maxLeverageWad),
    limits: pools,
  };
}

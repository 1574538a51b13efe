"use client";

/**
 * One position, for anyone (no wallet needed): its figures now, its history drawn from the chain (positionView and
 * the oracle's prices at ~40 blocks from its opening plus every block it changed in), the harvests that compounded
 * into it, and its events. The owner also gets the actions.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { describeError, decodeProtocolError } from "../../lib/errors";
import { formatTokenReadable, formatUsd, formatUsdWad } from "../../lib/format";
import { pairLabel, positionName } from "../../lib/names";
import { positionRisk } from "../../lib/risk";
import {
  findOpeningBlock,
  isClosedPosition,
  liquidationPriceView,
  priceSubjectOf,
  profitAndLoss,
  readHarvestShares,
  readPositionHistory,
  sampleBlocks,
  type HarvestShare,
  type HistoryPoint,
  type PositionEvent,
} from "../../lib/positionHistory";
import { useChain, useWallet } from "../wallet/WalletProvider";
import {
  loadVaultMetas,
  positionEvents,
  pricesAtBlocks,
  readPositionOrders,
  readPositionView,
  readVaultLive,
  type PositionOrders,
  type PositionViewData,
  type VaultLive,
  type VaultMeta,
} from "./chainData";
import { RiskBadge } from "../risk/DebtRatioBar";
import { formatTime, HealthWarning, PnlFigure, PnlPartsTable, PositionOverview } from "./display";
import { describePositionEvent } from "../../lib/positionEventWords";
import { pnlBreakdown } from "../../lib/pnlBreakdown";
import { isDeleverageActive, isPriceActive } from "../../lib/protectionOrders";
import { FlashMessages } from "./flash";
import { PositionActions } from "./PositionActions";
import { DebtRatioChart, EquityDebtChart, HarvestChart, PriceChart, type ChartMarker, type ChartPoint } from "./PositionCharts";
import "./positions.css";

/** Blocks sampled evenly over the position's life, on top of every block it changed in. */
const SAMPLE_COUNT = 40;
/** Harvests read in detail (three historical calls each); older ones are counted but not drawn. */
const HARVEST_LIMIT = 300;
/** Harvest rows shown before "show all". */
const HARVEST_ROWS = 10;

interface Current {
  meta: VaultMeta;
  live: VaultLive;
  view: PositionViewData;
  orders: PositionOrders;
  openedBlock: number;
  blockNumber: number;
  timestamp: number;
}

interface History {
  /** The last block the history was read up to. */
  toBlock: number;
  eventCount: number;
  points: HistoryPoint[];
  harvests: { total: number; harvests: HarvestShare[] };
  eventTimes: Map<number, number>;
}

type Load<T> = { status: "loading" } | { status: "error"; error: string } | { status: "missing"; reason: string } | { status: "ready"; value: T };

export function PositionDetail({ vaultName, positionId }: { vaultName: string; positionId: string }) {
  const { readProvider, deployment, tokens, blockNumber } = useChain();
  const { address } = useWallet();
  const id = useMemo(() => BigInt(positionId), [positionId]);
  const [current, setCurrent] = useState<Load<Current>>({ status: "loading" });
  const [events, setEvents] = useState<PositionEvent[] | null>(null);
  const [history, setHistory] = useState<Load<History>>({ status: "loading" });
  const [historyRequest, setHistoryRequest] = useState(0);
  const [pnlPrices, setPnlPrices] = useState<Map<number, { price0Wad: bigint; price1Wad: bigint }> | null>(null);

  // Now: the position and its vault at the latest block, every block.
  useEffect(() => {
    if (blockNumber === null) return;
    let cancelled = false;
    void (async () => {
      try {
        const metas = await loadVaultMetas(readProvider, deployment, tokens);
        const meta = metas.find((candidate) => candidate.name === vaultName);
        if (!meta) {
          const names = metas.map((candidate) => candidate.name).join(", ") || "none";
          if (!cancelled) setCurrent({ status: "missing", reason: `This deployment has no vault named "${vaultName}" (its vaults: ${names}).` });
          return;
        }
        const previous = current.status === "ready" && current.value.meta.address === meta.address ? current.value : null;
        const openedBlock = previous?.openedBlock ?? (await findOpeningBlock(readProvider, meta.address, id, deployment.startBlock, blockNumber));
        if (openedBlock === null) {
          if (!cancelled) setCurrent({ status: "missing", reason: `${vaultName} has no position #${positionId}.` });
          return;
        }
        const [live, view, orders, block] = await Promise.all([
          readVaultLive(readProvider, meta, blockNumber),
          readPositionView(readProvider, meta, id, blockNumber),
          readPositionOrders(readProvider, meta, id, blockNumber),
          readProvider.getBlock(blockNumber),
        ]);
        const found = await positionEvents(readProvider, meta.address, [{ id, openedBlock }], blockNumber);
        const prices = await pricesAtBlocks(readProvider, meta, found.map((event) => event.blockNumber));
        if (cancelled) return;
        setCurrent({ status: "ready", value: { meta, live, view, orders, openedBlock, blockNumber, timestamp: block?.timestamp ?? 0 } });
        setEvents(found);
        setPnlPrices(prices);
      } catch (error) {
        const data = (error as { data?: string })?.data;
        if (typeof data === "string" && decodeProtocolError(data)?.name === "UnknownPosition") {
          if (!cancelled) setCurrent({ status: "missing", reason: `${vaultName} has no position #${positionId}.` });
        } else if (!cancelled && current.status !== "ready") {
          setCurrent({ status: "error", error: describeError(error) });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
    // `current` is read only to reuse the opening block; refetching when it changes would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readProvider, deployment, tokens, blockNumber, vaultName, id, positionId]);

  const ready = current.status === "ready" ? current.value : null;
  const eventCount = events?.length ?? 0;
  const closed = ready ? isClosedPosition(ready.view) : false;

  // History: read on the first load, again when the position changes (a new event) or on request.
  const loadHistory = useCallback(
    async (meta: VaultMeta, openedBlock: number, toBlock: number, known: PositionEvent[]) => {
      const eventBlocks = known.map((event) => event.blockNumber);
      const lastEvent = eventBlocks.length > 0 ? Math.max(...eventBlocks) : openedBlock;
      const subject = { vault: meta.address, oracle: meta.oracle, token0: meta.token0.address, token1: meta.token1.address, positionId: id };
      const view = await readPositionView(readProvider, meta, id, toBlock);
      // A closed position stopped changing at its last event: its history ends there.
      const end = isClosedPosition(view) ? lastEvent : toBlock;
      const blocks = sampleBlocks(openedBlock, end, SAMPLE_COUNT, eventBlocks);
      const [points, harvests, eventTimes] = await Promise.all([
        readPositionHistory(readProvider, subject, blocks),
        readHarvestShares(readProvider, meta.address, id, openedBlock, end, { limit: HARVEST_LIMIT }),
        Promise.all([...new Set(eventBlocks)].map(async (block) => [block, (await readProvider.getBlock(block))?.timestamp ?? 0] as const)),
      ]);
      return { toBlock: end, eventCount: known.length, points, harvests, eventTimes: new Map(eventTimes) };
    },
    [readProvider, id],
  );

  useEffect(() => {
    if (!ready || !events) return;
    const loaded = history.status === "ready" ? history.value : null;
    if (loaded && loaded.eventCount === eventCount && historyRequest === 0) return;
    let cancelled = false;
    void loadHistory(ready.meta, ready.openedBlock, ready.blockNumber, events)
      .then((value) => !cancelled && setHistory({ status: "ready", value }))
      .catch((error) => !cancelled && setHistory({ status: "error", error: describeError(error) }))
      .finally(() => setHistoryRequest(0));
    return () => {
      cancelled = true;
    };
    // Reloads on a new event or a request, not on every block.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready?.meta.address, ready?.openedBlock, eventCount, historyRequest, loadHistory]);

  if (current.status !== "ready") {
    return (
      <section>
        <a className="pos-back" href="/positions">
          ← My positions
        </a>
        <h1>
          {positionName(vaultName, positionId)}
        </h1>
        {current.status === "loading" ? (
          <p className="muted" role="status">
            Reading the position from the chain…
          </p>
        ) : (
          <p className="notice" role="alert">
            {current.status === "missing" ? current.reason : `The position could not be read: ${current.error}`}
          </p>
        )}
      </section>
    );
  }

  const { meta, live, view, orders } = current.value;
  const risk = positionRisk(view, live.workFactorBps, live.killFactorBps);
  const isOwner = address !== null && address.toLowerCase() === view.owner.toLowerCase();
  const pnl =
    events && pnlPrices && events.every((event) => pnlPrices.has(event.blockNumber))
      ? profitAndLoss(events, (block) => pnlPrices.get(block), meta.token0.decimals, meta.token1.decimals, view.equityWad)
      : null;
  const openedAt = history.status === "ready" ? history.value.eventTimes.get(current.value.openedBlock) : undefined;

  return (
    <section>
      <a className="pos-back" href="/positions">
        ← My positions
      </a>
      <div className="pos-title">
        <h1>
          {positionName(meta.name, positionId)}
        </h1>
        <RiskBadge level={risk} closed={closed} />
      </div>
      <FlashMessages />
      <p className="muted">
        Owner <code title={view.owner}>{view.owner.slice(0, 6)}…{view.owner.slice(-4)}</code>
        {isOwner && " (you)"} · opened in block {current.value.openedBlock}
        {openedAt ? `, ${formatTime(openedAt)}` : ""} · {pairLabel(meta.name, meta.token0.symbol, meta.token1.symbol)} pair · figures as of block {current.value.blockNumber}
      </p>
      {!closed && (
        <HealthWarning vaultName={meta.name} id={id} level={risk} ratioBps={view.debtRatioBps} workFactorBps={live.workFactorBps} killFactorBps={live.killFactorBps} />
      )}

      {closed ? (
        <div className="card pos-section">
          <p style={{ margin: 0 }}>
            This position is closed: it holds no liquidity and owes nothing. Final profit and loss:{" "}
            <strong>
              <PnlFigure pnl={pnl} />
            </strong>
            {pnl && ` on ${formatUsdWad(pnl.putInWad)} put in, ${formatUsdWad(pnl.returnedWad)} returned to the owner.`}
          </p>
        </div>
      ) : (
        <div className="card pos-section">
          <PositionOverview vault={meta} live={live} view={view} pnl={pnl} orders={orders} />
          {isOwner ? (
            <PositionActions vault={meta} live={live} id={id} view={view} orders={orders} />
          ) : (
            <p className="muted" style={{ margin: 0 }}>
              {address
                ? "Only the owner's wallet can add collateral, borrow, repay, close or set protection orders on this position."
                : "Connect the owner's wallet to add collateral, borrow, repay, close or set protection orders on this position."}
            </p>
          )}
        </div>
      )}

      <PnlSection history={history} current={current.value} events={events} pnlWad={pnl?.pnlWad ?? null} />
      <HistorySection history={history} current={current.value} events={events} closed={closed} onRefresh={() => setHistoryRequest((count) => count + 1)} />
      <EventList events={events} meta={meta} closed={closed} history={history.status === "ready" ? history.value : undefined} />
    </section>
  );
}

/**
 * The fair LP price (USD WAD per whole LP) at a block, from the history point there (value / LP), or the latest
 * earlier point with LP (a block that unwound everything holds none after it).
 */
function lpPriceAt(points: HistoryPoint[], blockNumber: number): bigint | null {
  let found: bigint | null = null;
  for (const point of points) {
    if (point.blockNumber > blockNumber) break;
    if (point.lpAmount > 0n) found = (point.valueWad * 10n ** 18n) / point.lpAmount;
  }
  return found;
}

/** The USD value of an unwind's LP at its block, for the history's words. */
function unwoundValue(points: HistoryPoint[]) {
  return (event: PositionEvent): bigint | null => {
    if (event.kind !== "liquidated" && event.kind !== "deleverageOrderExecuted" && event.kind !== "priceOrderExecuted" && event.kind !== "decreased") return null;
    // The point at the event's block is after it; the price per LP hardly moves within a block, but the LP before
    // the unwind is what was priced: take the last point before the block when there is one.
    const price = lpPriceAt(points, event.blockNumber - 1) ?? lpPriceAt(points, event.blockNumber);
    return price === null ? null : (event.lpRemoved * price) / 10n ** 18n;
  };
}

function PnlSection({ history, current, events, pnlWad }: { history: Load<History>; current: Current; events: PositionEvent[] | null; pnlWad: bigint | null }) {
  const { meta, live, view } = current;
  const parts = useMemo(() => {
    if (history.status !== "ready" || !events || pnlWad === null) return null;
    const points = [...history.value.points];
    // End the fee index at the live figures when the samples stop earlier.
    if (current.blockNumber > history.value.toBlock && view.lpAmount > 0n) points.push({ ...points[points.length - 1], ...view, price0Wad: live.price0Wad, price1Wad: live.price1Wad, blockNumber: current.blockNumber });
    return pnlBreakdown({
      totalWad: pnlWad,
      harvestValuesWad: history.value.harvests.harvests.map((harvest) => harvest.valueWad),
      points,
      events,
      debt0Now: view.debt0,
      debt1Now: view.debt1,
      price0Wad: live.price0Wad,
      price1Wad: live.price1Wad,
      decimals0: meta.token0.decimals,
      decimals1: meta.token1.decimals,
    });
  }, [history, events, pnlWad, current, meta, live, view]);
  return (
    <div className="pos-section" data-testid="pnl-section">
      <h2>Profit and loss, part by part</h2>
      {parts && history.status === "ready" ? (
        <>
          <PnlPartsTable parts={parts} harvestsShown={history.value.harvests.harvests.length} harvestsTotal={history.value.harvests.total} />
          <p className="pos-chart-note">
            Each part from the chain: harvests (Harvested events and this position&apos;s LP shares at each), the pair&apos;s fee growth between the history&apos;s
            points, and interest from the borrow and repay events against the debt now. Price move and impermanent loss is what remains of the total, so the four add
            up to it exactly.
          </p>
        </>
      ) : (
        <p className="muted" role="status">
          Reading the history the parts are worked out from…
        </p>
      )}
    </div>
  );
}

/** The history's unwinds as chart markers: partial and full liquidations, executed orders. */
function eventMarkers(events: PositionEvent[] | null, times: Map<number, number>): ChartMarker[] {
  if (!events) return [];
  const markers: ChartMarker[] = [];
  for (const event of events) {
    const time = times.get(event.blockNumber);
    if (!time) continue;
    if (event.kind === "liquidated") markers.push({ t: time * 1000, label: event.whole ? "Liquidated" : "Partly liquidated", kind: event.whole ? "liquidation" : "partial" });
    else if (event.kind === "deleverageOrderExecuted") markers.push({ t: time * 1000, label: "Deleverage order", kind: "order" });
    else if (event.kind === "priceOrderExecuted") markers.push({ t: time * 1000, label: "Price order", kind: "order" });
  }
  return markers;
}

function HistorySection({
  history,
  current,
  events,
  closed,
  onRefresh,
}: {
  history: Load<History>;
  current: Current;
  events: PositionEvent[] | null;
  closed: boolean;
  onRefresh: () => void;
}) {
  const { meta } = current;
  const subject = priceSubjectOf(meta.token0.symbol, meta.token1.symbol);
  const base = subject.base === 0 ? meta.token0 : meta.token1;
  const other = subject.base === 0 ? meta.token1 : meta.token0;
  const unit = subject.inOtherToken ? other.symbol : "USD";
  const formatPrice = (value: number) => (subject.inOtherToken ? value.toLocaleString("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 }) : formatUsd(value));

  const points: ChartPoint[] = useMemo(() => {
    if (history.status !== "ready") return [];
    const toPoint = (point: HistoryPoint): ChartPoint => {
      const prices = liquidationPriceView(
        {
          valueWad: point.valueWad,
          debt0: point.debt0,
          debt1: point.debt1,
          price0Wad: point.price0Wad,
          price1Wad: point.price1Wad,
          decimals0: meta.token0.decimals,
          decimals1: meta.token1.decimals,
          killFactorBps: point.killFactorBps,
        },
        subject,
      );
      const hasDebt = point.debtValueWad > 0n;
      return {
        t: point.timestamp * 1000,
        blockNumber: point.blockNumber,
        equity: Number(point.equityWad) / 1e18,
        debt: Number(point.debtValueWad) / 1e18,
        ratio: point.valueWad === 0n ? null : Number(point.debtRatioBps) / 10_000,
        kill: Number(point.killFactorBps) / 10_000,
        work: Number(point.workFactorBps) / 10_000,
        price: prices.current,
        liquidationBelow: hasDebt ? prices.below : null,
        liquidationAbove: hasDebt ? prices.above : null,
      };
    };
    const sampled = history.value.points.map(toPoint);
    // The live figures as the last point, so the charts end now and not at the last sample.
    if (!closed && current.blockNumber > history.value.toBlock && current.timestamp > 0) {
      sampled.push(
        toPoint({
          blockNumber: current.blockNumber,
          timestamp: current.timestamp,
          ...current.view,
          price0Wad: current.live.price0Wad,
          price1Wad: current.live.price1Wad,
          workFactorBps: current.live.workFactorBps,
          killFactorBps: current.live.killFactorBps,
        }),
      );
    }
    return sampled;
  }, [history, current, closed, meta, subject]);

  if (history.status === "loading") {
    return (
      <div className="pos-section">
        <h2>History</h2>
        <p className="muted" role="status">
          Reading the position&apos;s history from the chain (its state at {SAMPLE_COUNT} blocks and every block it changed in)…
        </p>
      </div>
    );
  }
  if (history.status !== "ready") {
    return (
      <div className="pos-section">
        <h2>History</h2>
        <p className="notice">The history could not be read: {history.status === "error" ? history.error : ""}</p>
        <button type="button" className="button-secondary" onClick={onRefresh}>
          Try again
        </button>
      </div>
    );
  }
  const { harvests } = history.value;
  const markers = eventMarkers(events, history.value.eventTimes);
  const { orders } = current;
  const deleverage = !closed && isDeleverageActive(orders.deleverage) ? orders.deleverage : null;
  const priceOrder = !closed && isPriceActive(orders.price) ? orders.price : null;
  // The price chart is in USD of its base token; a price order on that token draws there (a pair priced in its other
  // token, two stablecoins, is drawn in that token, so its USD order is only said in words).
  const priceOnChart = priceOrder && !subject.inOtherToken && (priceOrder.priceOfToken1 ? 1 : 0) === subject.base ? priceOrder : null;
  const orderLines = {
    low: priceOnChart && priceOnChart.lowPriceWad > 0n ? Number(priceOnChart.lowPriceWad) / 1e18 : null,
    high: priceOnChart && priceOnChart.highPriceWad > 0n ? Number(priceOnChart.highPriceWad) / 1e18 : null,
  };
  const harvestTotal = harvests.harvests.reduce((sum, harvest) => sum + harvest.valueWad, 0n);
  return (
    <div className="pos-section">
      <div className="pos-title">
        <h2>History</h2>
        {!closed && (
          <button type="button" className="button-secondary pos-chip" onClick={onRefresh}>
            Update charts
          </button>
        )}
      </div>
      <p className="muted" style={{ margin: 0 }}>
        {history.value.points.length} points read from the chain between blocks {history.value.points[0]?.blockNumber} and {history.value.toBlock}: the position&apos;s
        value, debt and the oracle&apos;s prices as they were at each block.
      </p>
      <div className="pos-chart-grid">
        <article className="card" data-testid="chart-equity">
          <h3>Equity and debt (USD)</h3>
          <EquityDebtChart points={points} markers={markers} />
          <p className="pos-chart-note">Stacked: debt below, equity above; together the position&apos;s value.</p>
        </article>
        <article className="card" data-testid="chart-ratio">
          <h3>Debt ratio</h3>
          <DebtRatioChart
            points={points}
            markers={markers}
            trigger={deleverage ? Number(deleverage.triggerDebtRatioBps) / 10_000 : null}
            target={deleverage ? Number(deleverage.targetDebtRatioBps) / 10_000 : null}
          />
          <p className="pos-chart-note">
            Anyone may liquidate the position above the kill factor; opening and borrowing stop at the work factor.
            {deleverage ? " The deleverage order's trigger and target are drawn dashed." : ""}
            {markers.length > 0 ? " Liquidations (full and partial) and executed orders are marked where they happened." : ""}
          </p>
        </article>
        <article className="card" data-testid="chart-price">
          <h3>
            {base.symbol} price and liquidation price ({unit})
          </h3>
          <PriceChart points={points} unit={unit} format={formatPrice} markers={markers} orderLow={orderLines.low} orderHigh={orderLines.high} />
          <p className="pos-chart-note">
            Where the position would reach its kill factor if only {base.symbol}&apos;s price moved{subject.inOtherToken ? ` (in ${other.symbol})` : ""}, at each point&apos;s debt and value.
            {priceOnChart ? " The stop-loss / take-profit prices are drawn dashed." : priceOrder ? " The price order is on a USD price, said in words above." : ""}
          </p>
        </article>
        <article className="card" data-testid="chart-harvests">
          <h3>Compounded rewards</h3>
          {harvests.harvests.length === 0 ? (
            <p className="muted">No harvest since this position opened: the keeper harvests the farm&apos;s FLUX when it is worth the gas.</p>
          ) : (
            <>
              <HarvestChart harvests={harvests.harvests.map((harvest) => ({ t: harvest.timestamp * 1000, blockNumber: harvest.blockNumber, value: Number(harvest.valueWad) / 1e18 }))} />
              <p className="pos-chart-note">
                {harvests.total} harvest{harvests.total === 1 ? "" : "s"} since the position opened
                {harvests.total > harvests.harvests.length ? ` (the latest ${harvests.harvests.length} shown)` : ""}, adding {formatUsdWad(harvestTotal)} to it at the
                time of each.
              </p>
            </>
          )}
        </article>
      </div>
      {harvests.harvests.length > 0 && <HarvestTable harvests={harvests.harvests} />}
    </div>
  );
}

function HarvestTable({ harvests }: { harvests: HarvestShare[] }) {
  const [all, setAll] = useState(false);
  const rows = [...harvests].reverse();
  const shown = all ? rows : rows.slice(0, HARVEST_ROWS);
  return (
    <div>
      <h3>Harvests</h3>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>FLUX sold (whole vault)</th>
              <th>LP added to this position</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((harvest) => (
              <tr key={`${harvest.transactionHash}-${harvest.blockNumber}`}>
                <td>{formatTime(harvest.timestamp)}</td>
                <td>{formatTokenReadable(harvest.rewardAmount, 18)} FLUX</td>
                <td title={`${harvest.positionLp} LP base units of ${harvest.lpAdded} added`}>{formatLp(harvest.positionLp)} LP</td>
                <td>{formatUsdWad(harvest.valueWad)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > HARVEST_ROWS && (
        <button type="button" className="button-secondary pos-chip" style={{ marginTop: 8 }} onClick={() => setAll(!all)}>
          {all ? "Show the latest only" : `Show all ${rows.length}`}
        </button>
      )}
    </div>
  );
}

/** LP tokens have 18 decimals; a stablecoin pair's LP is a tiny number of whole tokens, read "< 0.000001". */
function formatLp(amount: bigint): string {
  return formatTokenReadable(amount, 18);
}

function EventList({ events, meta, closed, history }: { events: PositionEvent[] | null; meta: VaultMeta; closed: boolean; history: History | undefined }) {
  if (!events) return null;
  const last = events[events.length - 1];
  const eventTimes = history?.eventTimes;
  const unwound = history ? unwoundValue(history.points) : undefined;
  const describe = (event: PositionEvent): [string, string] => {
    const words = describePositionEvent(event, { token0: meta.token0, token1: meta.token1, unwoundValueWad: unwound, closedIt: closed && event === last });
    return [words.title, words.detail];
  };
  return (
    <div className="pos-section">
      <h2>Events</h2>
      <div className="table-scroll">
        <table className="pos-events" data-testid="events">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>What happened</th>
              <th>Transaction</th>
            </tr>
          </thead>
          <tbody>
            {[...events].reverse().map((event) => {
              const [title, detail] = describe(event);
              const time = eventTimes?.get(event.blockNumber);
              return (
                <tr key={`${event.transactionHash}-${event.logIndex}`}>
                  <td>{time ? formatTime(time) : `block ${event.blockNumber}`}</td>
                  <td>{title}</td>
                  <td>{detail}</td>
                  <td>
                    <code title={event.transactionHash}>{event.transactionHash.slice(0, 10)}…</code>
                    <span className="pos-sub">block {event.blockNumber}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

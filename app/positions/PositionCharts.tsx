"use client";

/** The detail page's charts, drawn from points read from the chain (see PositionDetail). */
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatPercent, formatUsd } from "../../lib/format";
import { formatTime } from "./display";

export interface ChartPoint {
  /** Milliseconds since 1970, from the block's timestamp. */
  t: number;
  blockNumber: number;
  equity: number;
  debt: number;
  /** Debt / value, a fraction; null with no value. */
  ratio: number | null;
  kill: number;
  work: number;
  price: number;
  liquidationBelow: number | null;
  liquidationAbove: number | null;
}

/** An event drawn on the time axis: a liquidation (full or partial) or an executed protection order. */
export interface ChartMarker {
  t: number;
  label: string;
  kind: "liquidation" | "partial" | "order";
}

const MARKER_COLORS: Record<ChartMarker["kind"], string> = { liquidation: "#b42318", partial: "#e8590c", order: "#7a5af8" };
const ORDER_COLOR = "#7a5af8";

/** The markers as vertical reference lines (recharts needs them as direct children, so this returns elements). */
function markerLines(markers: ChartMarker[] | undefined) {
  return (markers ?? []).map((marker, index) => (
    <ReferenceLine
      key={`${marker.t}-${index}`}
      x={marker.t}
      stroke={MARKER_COLORS[marker.kind]}
      strokeDasharray="3 3"
      label={{ value: marker.label, position: "insideTopRight", fontSize: 10, fill: MARKER_COLORS[marker.kind] }}
    />
  ));
}

export interface HarvestPoint {
  t: number;
  blockNumber: number;
  value: number;
}

const CHART_HEIGHT = 240;
const GRID = "#e3e7ee";
const EQUITY_COLOR = "#2a6df4";
const DEBT_COLOR = "#f79009";
const KILL_COLOR = "#d92d20";
const WORK_COLOR = "#14213d";
const PRICE_COLOR = "#2a6df4";

/** Tick labels: times of day over a day or less, dates over more. */
function timeTick(span: number) {
  return (value: number) => {
    const date = new Date(value);
    if (span <= 30 * 60_000) return date.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
    if (span <= 36 * 3_600_000) return date.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });
    return date.toLocaleDateString("en-US", { month: "short", day: "numeric" });
  };
}

function TimeAxis({ points }: { points: { t: number }[] }) {
  const span = points.length > 1 ? points[points.length - 1].t - points[0].t : 0;
  return <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={timeTick(span)} fontSize={11} minTickGap={28} />;
}

const tooltipLabel = (label: unknown) => formatTime(Number(label) / 1000);

/** Short USD for an axis: $1.2k, $950. */
function compactUsd(value: number): string {
  return `$${Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value)}`;
}

export function EquityDebtChart({ points, markers }: { points: ChartPoint[]; markers?: ChartMarker[] }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
        {TimeAxis({ points })}
        <YAxis tickFormatter={compactUsd} width={52} fontSize={11} />
        <Tooltip labelFormatter={tooltipLabel} formatter={(value) => formatUsd(Number(value))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Area type="stepAfter" dataKey="debt" name="Debt" stackId="value" stroke={DEBT_COLOR} fill={DEBT_COLOR} fillOpacity={0.35} isAnimationActive={false} />
        <Area type="stepAfter" dataKey="equity" name="Equity" stackId="value" stroke={EQUITY_COLOR} fill={EQUITY_COLOR} fillOpacity={0.35} isAnimationActive={false} />
        {markerLines(markers)}
      </AreaChart>
    </ResponsiveContainer>
  );
}

/**
 * The debt ratio over time with the kill and work factors, and, when a deleverage order is set, its trigger (where it
 * fires) and target (where it brings the position back) as dashed lines.
 */
export function DebtRatioChart({
  points,
  markers,
  trigger,
  target,
}: {
  points: ChartPoint[];
  markers?: ChartMarker[];
  trigger?: number | null;
  target?: number | null;
}) {
  const last = points[points.length - 1];
  const highest = Math.max(...points.map((point) => point.ratio ?? 0), last?.kill ?? 0, trigger ?? 0);
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <LineChart data={points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
        {TimeAxis({ points })}
        <YAxis domain={[0, Math.min(1.5, Math.ceil((highest + 0.05) * 20) / 20)]} tickFormatter={(value: number) => formatPercent(value, 0)} width={44} fontSize={11} />
        <Tooltip labelFormatter={tooltipLabel} formatter={(value) => formatPercent(Number(value))} />
        <Line type="stepAfter" dataKey="ratio" name="Debt ratio" stroke={EQUITY_COLOR} strokeWidth={2} dot={false} isAnimationActive={false} />
        {last && (
          <ReferenceLine
            y={last.kill}
            stroke={KILL_COLOR}
            strokeDasharray="6 3"
            label={{ value: `Kill ${formatPercent(last.kill, 0)}`, position: "top", fontSize: 11, fill: KILL_COLOR }}
          />
        )}
        {last && (
          <ReferenceLine
            y={last.work}
            stroke={WORK_COLOR}
            strokeDasharray="2 4"
            label={{ value: `Work ${formatPercent(last.work, 0)}`, position: "insideBottomLeft", fontSize: 11, fill: WORK_COLOR }}
          />
        )}
        {trigger != null && (
          <ReferenceLine
            y={trigger}
            stroke={ORDER_COLOR}
            strokeDasharray="8 4"
            label={{ value: `Order trigger ${formatPercent(trigger, trigger * 100 === Math.round(trigger * 100) ? 0 : 2)}`, position: "insideTopLeft", fontSize: 11, fill: ORDER_COLOR }}
          />
        )}
        {target != null && (
          <ReferenceLine
            y={target}
            stroke={ORDER_COLOR}
            strokeDasharray="1 4"
            label={{ value: `Order target ${formatPercent(target, target * 100 === Math.round(target * 100) ? 0 : 2)}`, position: "insideBottomRight", fontSize: 11, fill: ORDER_COLOR }}
          />
        )}
        {markerLines(markers)}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** An axis price: whole dollars from $100, cents from $10, four decimals below (a stablecoin near 1). */
function axisPrice(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 2 : 4;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === "USD" ? `$${text}` : text;
}

/** The price with the liquidation prices, and a price order's stop-loss (low) and take-profit (high) as dashed lines. */
export function PriceChart({
  points,
  unit,
  format,
  markers,
  orderLow,
  orderHigh,
}: {
  points: ChartPoint[];
  unit: string;
  format: (value: number) => string;
  markers?: ChartMarker[];
  orderLow?: number | null;
  orderHigh?: number | null;
}) {
  const hasAbove = points.some((point) => point.liquidationAbove !== null);
  const hasBelow = points.some((point) => point.liquidationBelow !== null);
  // The order's prices stay in view even when far from the price line.
  const values = points.flatMap((point) => [point.price, point.liquidationBelow, point.liquidationAbove]).filter((value): value is number => value !== null);
  const orderPrices = [orderLow, orderHigh].filter((value): value is number => value != null);
  const domain: [number | string, number | string] =
    orderPrices.length > 0 && values.length > 0 ? [Math.min(...values, ...orderPrices) * 0.98, Math.max(...values, ...orderPrices) * 1.02] : ["auto", "auto"];
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
        {TimeAxis({ points })}
        <YAxis domain={domain} tickFormatter={(value: number) => axisPrice(value, unit)} width={60} fontSize={11} />
        <Tooltip labelFormatter={tooltipLabel} formatter={(value) => `${format(Number(value))}${unit === "USD" ? "" : ` ${unit}`}`} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Line type="monotone" dataKey="price" name="Price" stroke={PRICE_COLOR} strokeWidth={2} dot={false} isAnimationActive={false} />
        {hasBelow && (
          <Line type="stepAfter" dataKey="liquidationBelow" name="Liquidation price" stroke={KILL_COLOR} strokeDasharray="6 3" dot={false} connectNulls={false} isAnimationActive={false} />
        )}
        {hasAbove && (
          <Line type="stepAfter" dataKey="liquidationAbove" name="Liquidation price (above)" stroke="#9e1c10" strokeDasharray="2 3" dot={false} connectNulls={false} isAnimationActive={false} />
        )}
        {orderLow != null && (
          <ReferenceLine y={orderLow} stroke={ORDER_COLOR} strokeDasharray="8 4" label={{ value: `Stop-loss ${format(orderLow)}`, position: "insideBottomLeft", fontSize: 11, fill: ORDER_COLOR }} />
        )}
        {orderHigh != null && (
          <ReferenceLine y={orderHigh} stroke={ORDER_COLOR} strokeDasharray="8 4" label={{ value: `Take-profit ${format(orderHigh)}`, position: "insideTopLeft", fontSize: 11, fill: ORDER_COLOR }} />
        )}
        {markerLines(markers)}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function HarvestChart({ harvests }: { harvests: HarvestPoint[] }) {
  const span = harvests.length > 1 ? harvests[harvests.length - 1].t - harvests[0].t : 0;
  // With a handful of harvests, bars on a time scale would be hair-thin; one bar per harvest, labelled with its time.
  const data = harvests.map((harvest) => ({ ...harvest, label: timeTick(span)(harvest.t) }));
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" fontSize={11} minTickGap={20} />
        <YAxis tickFormatter={(value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`} width={56} fontSize={11} />
        <Tooltip
          labelFormatter={(_label, payload) => {
            const point = payload?.[0]?.payload as HarvestPoint | undefined;
            return point ? `${formatTime(point.t / 1000)} · block ${point.blockNumber}` : "";
          }}
          formatter={(value) => formatUsd(Number(value))}
        />
        <Bar dataKey="value" name="Compounded into this position" fill="#12b76a" maxBarSize={32} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatPercent } from "../../lib/format";
import type { RateCurvePoint } from "../../lib/rateCurve";

export interface RateCurveProps {
  symbol: string;
  points: RateCurvePoint[];
  /** The pool's utilization now, a fraction. */
  currentUtilization: number;
  /** Where the model's kink is, a fraction. */
  optimalUtilization: number;
}

const BORROW_COLOR = "#d9480f";
const SUPPLY_COLOR = "#2a6df4";

/** Borrow and supply APR across utilization for one pool, with where it is now and where the kink is. */
export function RateCurve({ symbol, points, currentUtilization, optimalUtilization }: RateCurveProps) {
  return (
    <LineChart
      responsive
      style={{ width: "100%", height: 260 }}
      data={points}
      margin={{ top: 20, right: 16, bottom: 4, left: 4 }}
      accessibilityLayer
      title={`Interest rate curve of the ${symbol} pool`}
    >
      <CartesianGrid stroke="#e3e7ee" strokeDasharray="3 3" />
      <XAxis
        dataKey="utilization"
        type="number"
        domain={[0, 1]}
        ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]}
        tickFormatter={(value: number) => formatPercent(value, 0)}
        fontSize={12}
      />
      <YAxis tickFormatter={(value: number) => formatPercent(value, 0)} width={48} fontSize={12} />
      <Tooltip
        labelFormatter={(label) => `Utilization ${formatPercent(Number(label))}`}
        formatter={(value) => formatPercent(Number(value))}
      />
      <Legend wrapperStyle={{ fontSize: 12 }} />
      {/* Linear segments, not smoothed curves: the model is exactly two straight lines, and smoothing would hide the kink. */}
      <Line type="linear" dataKey="borrowApr" name="Borrow APR" stroke={BORROW_COLOR} dot={false} strokeWidth={2} isAnimationActive={false} />
      <Line type="linear" dataKey="supplyApr" name="Supply APR" stroke={SUPPLY_COLOR} dot={false} strokeWidth={2} isAnimationActive={false} />
      <ReferenceLine
        x={optimalUtilization}
        stroke="#5c677d"
        strokeDasharray="4 4"
        // Left of the line: optimal utilization sits near 100%, where a label to its right runs off the chart.
        label={{ value: `Optimal ${formatPercent(optimalUtilization, 0)}`, position: "insideTopRight", fontSize: 11, fill: "#5c677d" }}
      />
      <ReferenceLine
        x={currentUtilization}
        stroke="#14213d"
        label={{ value: `Now ${formatPercent(currentUtilization)}`, position: "top", fontSize: 11, fill: "#14213d" }}
      />
    </LineChart>
  );
}

"use client";

import { useId, useState } from "react";
import { parseUnits } from "ethers";
import { formatLeverage } from "../../lib/openPreview";
import { leveredNetYield, lpYieldApr, type CheckedRate, type MeasuredYield } from "../../lib/farmYield";
import { formatPercent } from "../../lib/format";
import { MeasuredYieldFigure, RateFigure } from "./YieldFigure";

/** Leverage moves in hundredths, fine enough to land on any leverage a farmer would type into the open form. */
const LEVERAGE_STEP = 0.01;

export interface LeverageCalculatorProps {
  vaultName: string;
  /** The farm's reward APR at its current stake; null when the farm has nothing staked and so no rate. */
  rewardApr: CheckedRate | null;
  /** The pair's measured trading-fee APR over its window, or why there is none yet. */
  tradingFees: MeasuredYield;
  /** The average of the vault's two pools' borrow APRs, a fraction. */
  borrowApr: number;
  maxLeverage: number;
}

/** A slider from 1x to the vault's maximum, and the net return on the farmer's own capital at that leverage. */
export function LeverageCalculator({ vaultName, rewardApr, tradingFees, borrowApr, maxLeverage }: LeverageCalculatorProps) {
  const sliderId = useId();
  // Start at the maximum: it is the figure farms are compared on, and the slider shows what less leverage gives.
  const [leverage, setLeverage] = useState(maxLeverage);

  const feeApr = tradingFees.rate;
  const yieldApr = lpYieldApr(rewardApr?.rate ?? null, feeApr?.rate ?? null);
  const noRewardRate = rewardApr === null && (
    <p className="muted">
      No LP is staked in this farm yet, so it has no reward rate to lever
      {yieldApr === null ? "." : "; the figures below count the trading fees alone."}
    </p>
  );
  if (yieldApr === null) return noRewardRate;
  const { netApr, netApy } = leveredNetYield(yieldApr, borrowApr, leverage, [rewardApr?.implausibleReason ?? null, feeApr?.implausibleReason ?? null]);
  return (
    <div className="leverage-calculator">
      {noRewardRate}
      <label htmlFor={sliderId}>
        Leverage <strong>{formatLeverage(parseUnits(leverage.toFixed(2), 18))}</strong>
      </label>
      <input
        id={sliderId}
        type="range"
        min={1}
        max={maxLeverage}
        step={LEVERAGE_STEP}
        value={leverage}
        onChange={(event) => setLeverage(Number(event.target.value))}
        aria-label={`Leverage for ${vaultName}`}
      />
      <dl className="figures">
        <div>
          <dt>Farm rewards</dt>
          <dd>{rewardApr === null ? "—" : <RateFigure rate={rewardApr} times={leverage} basis="at current stake" />}</dd>
        </div>
        <div>
          <dt>Trading fees</dt>
          <dd>
            <MeasuredYieldFigure measured={tradingFees} times={leverage} />
          </dd>
        </div>
        <div>
          <dt>Borrow interest</dt>
          <dd>-{formatPercent(borrowApr * (leverage - 1))}</dd>
        </div>
        <div>
          <dt>Net APR</dt>
          <dd>
            <RateFigure rate={netApr} />
          </dd>
        </div>
        <div>
          <dt>Net APY (daily compounding)</dt>
          {/* A figure beyond the plausibility bound carries its reason and loses the headline style. */}
          <dd className={netApy.implausibleReason ? undefined : "headline"}>
            <RateFigure rate={netApy} />
          </dd>
        </div>
      </dl>
      {tradingFees.window.kind === "tooYoung" && <p className="muted">The net figures count no trading fees until there is a day of history.</p>}
    </div>
  );
}

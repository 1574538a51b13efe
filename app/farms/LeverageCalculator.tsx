"use client";

import { useId, useState } from "react";
import { lpYieldApr } from "../../lib/farmYield";
import { formatPercent } from "../../lib/format";
import { aprAtLeverage, apyAtLeverage } from "../../lib/vaultMath";

/** Leverage moves in hundredths, fine enough to land on any leverage a farmer would type into the open form. */
const LEVERAGE_STEP = 0.01;

export interface LeverageCalculatorProps {
  vaultName: string;
  /** The farm's reward APR, a fraction; null when the farm has nothing staked and so no rate. */
  rewardApr: number | null;
  /** The pair's measured trading-fee APR, a fraction; null before there is a window of trading to measure. */
  tradingFeeApr: number | null;
  /** The average of the vault's two pools' borrow APRs, a fraction. */
  borrowApr: number;
  maxLeverage: number;
}

/** A slider from 1x to the vault's maximum, and the net return on the farmer's own capital at that leverage. */
export function LeverageCalculator({ vaultName, rewardApr, tradingFeeApr, borrowApr, maxLeverage }: LeverageCalculatorProps) {
  const sliderId = useId();
  // Start at the maximum: it is the figure farms are compared on, and the slider shows what less leverage gives.
  const [leverage, setLeverage] = useState(maxLeverage);

  const yieldApr = lpYieldApr(rewardApr, tradingFeeApr);
  const noRewardRate = rewardApr === null && (
    <p className="muted">
      No LP is staked in this farm yet, so it has no reward rate to lever
      {yieldApr === null ? "." : "; the figures below count the trading fees alone."}
    </p>
  );
  if (yieldApr === null) return noRewardRate;
  const netApr = aprAtLeverage(yieldApr, borrowApr, leverage);
  const netApy = apyAtLeverage(yieldApr, borrowApr, leverage);
  return (
    <div className="leverage-calculator">
      {noRewardRate}
      <label htmlFor={sliderId}>
        Leverage <strong>{leverage.toFixed(2)}x</strong>
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
          <dd>{rewardApr === null ? "—" : formatPercent(rewardApr * leverage)}</dd>
        </div>
        <div>
          <dt>Trading fees</dt>
          <dd>{tradingFeeApr === null ? "—" : formatPercent(tradingFeeApr * leverage)}</dd>
        </div>
        <div>
          <dt>Borrow interest</dt>
          <dd>-{formatPercent(borrowApr * (leverage - 1))}</dd>
        </div>
        <div>
          <dt>Net APR</dt>
          <dd>{formatPercent(netApr)}</dd>
        </div>
        <div>
          <dt>Net APY</dt>
          {/* Daily compounding of a rate in the thousands of percent overflows a float; say so rather than print Infinity. */}
          <dd className="headline">{formatPercent(netApy)}</dd>
        </div>
      </dl>
    </div>
  );
}

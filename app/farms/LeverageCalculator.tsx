"use client";

import { useId, useState } from "react";
import { formatPercent } from "../../lib/format";
import { aprAtLeverage, apyAtLeverage } from "../../lib/vaultMath";

/** Leverage moves in hundredths, fine enough to land on any leverage a farmer would type into the open form. */
const LEVERAGE_STEP = 0.01;

export interface LeverageCalculatorProps {
  vaultName: string;
  /** The farm's reward APR, a fraction; null when the farm has nothing staked and so no rate. */
  yieldApr: number | null;
  /** The average of the vault's two pools' borrow APRs, a fraction. */
  borrowApr: number;
  maxLeverage: number;
}

/** A slider from 1x to the vault's maximum, and the net return on the farmer's own capital at that leverage. */
export function LeverageCalculator({ vaultName, yieldApr, borrowApr, maxLeverage }: LeverageCalculatorProps) {
  const sliderId = useId();
  // Start at the maximum: it is the figure farms are compared on, and the slider shows what less leverage gives.
  const [leverage, setLeverage] = useState(maxLeverage);

  if (yieldApr === null) {
    return <p className="muted">No LP is staked in this farm yet, so it has no reward rate to lever.</p>;
  }
  const netApr = aprAtLeverage(yieldApr, borrowApr, leverage);
  const netApy = apyAtLeverage(yieldApr, borrowApr, leverage);
  return (
    <div className="leverage-calculator">
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
          <dd>{formatPercent(yieldApr * leverage)}</dd>
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

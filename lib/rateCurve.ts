/**
 * The interest rate curve of a core pool: borrow and supply APR across utilization, for the Lend page's chart.
 *
 * The rates come from lib/math.ts's borrowRatePerYearAtUtilization, which reproduces KinkedRateModel exactly, so the
 * curve is the pool's own model rather than a drawing of it. The chain charges the annual rate spread per second and
 * rounded up; that rounding is below a billionth of a percent, so the curve uses the annual rate directly.
 */
import { BPS, borrowRatePerYearAtUtilization, type KinkedRateParameters, WAD } from "./math";

export interface RateCurvePoint {
  /** Utilization as a fraction (0.8 is 80%). */
  utilization: number;
  /** Borrow APR at this utilization, a fraction. */
  borrowApr: number;
  /** What lenders earn at this utilization: borrow APR x utilization x (1 - reserve factor), a fraction. */
  supplyApr: number;
}

/** Borrow and supply APR (WAD) at one utilization (WAD), with the pool's reserve factor in basis points. */
export function ratesAtUtilization(
  model: KinkedRateParameters,
  reserveFactorBps: bigint,
  utilizationWad: bigint,
): { borrowRatePerYearWad: bigint; supplyRatePerYearWad: bigint } {
  const borrowRatePerYearWad = borrowRatePerYearAtUtilization(model, utilizationWad);
  // Lenders share the interest in proportion to how much of the pool is lent out, minus the reserve's cut.
  const supplyRatePerYearWad = (((borrowRatePerYearWad * utilizationWad) / WAD) * (BPS - reserveFactorBps)) / BPS;
  return { borrowRatePerYearWad, supplyRatePerYearWad };
}

/**
 * `stepCount + 1` evenly spaced points from 0% to 100% utilization, plus the optimal utilization itself when it falls
 * between two steps: the curve is two straight lines joined at the kink, so without that point a chart would cut the
 * corner and understate the rate there.
 */
export function interestRateCurve(
  model: KinkedRateParameters,
  reserveFactorBps: bigint,
  stepCount = 100,
): RateCurvePoint[] {
  if (!Number.isInteger(stepCount) || stepCount < 1) throw new Error(`interestRateCurve: stepCount must be a positive integer, got ${stepCount}`);
  const utilizations: bigint[] = [];
  for (let step = 0; step <= stepCount; step++) utilizations.push((WAD * BigInt(step)) / BigInt(stepCount));
  if (model.optimalUtilization > 0n && model.optimalUtilization < WAD && !utilizations.includes(model.optimalUtilization)) {
    utilizations.push(model.optimalUtilization);
    utilizations.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  }
  return utilizations.map((utilizationWad) => {
    const { borrowRatePerYearWad, supplyRatePerYearWad } = ratesAtUtilization(model, reserveFactorBps, utilizationWad);
    return {
      utilization: Number(utilizationWad) / 1e18,
      borrowApr: Number(borrowRatePerYearWad) / 1e18,
      supplyApr: Number(supplyRatePerYearWad) / 1e18,
    };
  });
}

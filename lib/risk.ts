/**
 * One risk language for every place a debt ratio is shown (the open preview, the position card and page, the
 * site-wide banner): the same levels, the same words, the same scale.
 *
 * The levels follow the vault's two lines. At or below the work factor a position is where the vault lets it be
 * opened or borrow more, so it is never flagged: a new 10x stable position sits at its 91% work factor. Above the
 * kill factor anyone can liquidate it. Between the two, the first half is worth watching (the vault lends it no more)
 * and the second half is close to liquidation; only that half and beyond raise warnings.
 */
import { formatBps } from "./format";
import { BPS } from "./math";

export type RiskLevel = "safe" | "watch" | "danger" | "liquidatable";

/**
 * Where "close to liquidation" starts: halfway from the work factor to the kill factor, rounded down. A ratio above
 * it is in danger. With 91% / 95% that is 93%; with 70% / 80%, 75%.
 */
export function dangerThresholdBps(workFactorBps: bigint, killFactorBps: bigint): bigint {
  return workFactorBps + (killFactorBps - workFactorBps) / 2n;
}

/**
 * The level of a debt ratio (bps): safe at or below the work factor, watch up to the danger threshold, danger up to
 * the kill factor, liquidatable above it. `liquidatable`, the vault's own exact verdict when it is known, wins over
 * the rounded ratio.
 */
export function riskLevel(debtRatioBps: bigint, workFactorBps: bigint, killFactorBps: bigint, liquidatable?: boolean): RiskLevel {
  if (liquidatable === true || (liquidatable === undefined && debtRatioBps > killFactorBps)) return "liquidatable";
  if (debtRatioBps > dangerThresholdBps(workFactorBps, killFactorBps)) return "danger";
  if (debtRatioBps > workFactorBps) return "watch";
  return "safe";
}

/** The parts of a positionView (and its vault) the level reads. */
export interface PositionRiskInput {
  debtRatioBps: bigint;
  /** The vault's verdict: debt x 10000 > value x kill factor, exact. */
  liquidatable: boolean;
}

export function positionRisk(view: PositionRiskInput, workFactorBps: bigint, killFactorBps: bigint): RiskLevel {
  return riskLevel(view.debtRatioBps, workFactorBps, killFactorBps, view.liquidatable);
}

/** Levels that warn beyond the position itself (the site-wide banner, alerts on the card). */
export function isWarning(level: RiskLevel): boolean {
  return level === "danger" || level === "liquidatable";
}

/** The badge's word for each level. */
export const RISK_LABEL: Record<RiskLevel, string> = {
  safe: "Healthy",
  watch: "Above the work factor",
  danger: "Close to liquidation",
  liquidatable: "Can be liquidated now",
};

/** What a level means for this vault, in a sentence with its numbers. */
export function riskExplanation(level: RiskLevel, workFactorBps: bigint, killFactorBps: bigint): string {
  const work = formatBps(workFactorBps);
  const kill = formatBps(killFactorBps);
  switch (level) {
    case "safe":
      return `At or below the ${work} work factor, where the vault lets a position open or borrow.`;
    case "watch":
      return `Above the ${work} work factor: the vault lends it no more, and it is liquidated above ${kill}.`;
    case "danger":
      return `Above ${formatBps(dangerThresholdBps(workFactorBps, killFactorBps))}, close to the ${kill} kill factor: add collateral or repay debt to stay safe.`;
    case "liquidatable":
      return `Past the ${kill} kill factor: anyone can liquidate it now.`;
  }
}

/** The debt-ratio bar's geometry, as shares of its width: the bar runs from 0% to the kill factor. */
export interface DebtRatioScale {
  /** The debt ratio's share of the kill factor, capped at the end of the bar. */
  fill: number;
  workMark: number;
  dangerMark: number;
}

export function debtRatioScale(debtRatioBps: bigint, workFactorBps: bigint, killFactorBps: bigint): DebtRatioScale {
  const share = (bps: bigint) => Number((bps < killFactorBps ? bps : killFactorBps) * BPS / killFactorBps) / Number(BPS);
  return { fill: share(debtRatioBps), workMark: share(workFactorBps), dangerMark: share(dangerThresholdBps(workFactorBps, killFactorBps)) };
}

/** The scale in words, shown under every bar. */
export function debtRatioScaleText(workFactorBps: bigint, killFactorBps: bigint): string {
  return `Scale: 0% to the ${formatBps(killFactorBps, 0)} kill factor, where liquidation starts. A position opens or borrows only up to the ${formatBps(workFactorBps, 0)} work factor.`;
}

/** The debt ratio drawn and worded the same way wherever it appears: the open preview, position cards and pages. */
import { formatBps } from "../../lib/format";
import { dangerThresholdBps, debtRatioScale, debtRatioScaleText, RISK_LABEL, riskLevel, type RiskLevel } from "../../lib/risk";
import "./risk.css";

export interface DebtRatioBarProps {
  ratioBps: bigint;
  workFactorBps: bigint;
  killFactorBps: bigint;
  /** The vault's exact verdict when it is known (a live position); a preview leaves it to the ratio. */
  liquidatable?: boolean;
  /** What the ratio is of, for screen readers: "Debt ratio after the zap". */
  label?: string;
}

/** The bar runs from 0% to the kill factor; the fill is the debt ratio in its level's colour; lines mark the work factor and the danger threshold. */
export function DebtRatioBar({ ratioBps, workFactorBps, killFactorBps, liquidatable, label = "Debt ratio against the kill factor" }: DebtRatioBarProps) {
  const level = riskLevel(ratioBps, workFactorBps, killFactorBps, liquidatable);
  const scale = debtRatioScale(ratioBps, workFactorBps, killFactorBps);
  const danger = dangerThresholdBps(workFactorBps, killFactorBps);
  return (
    <div className="risk-bar" data-risk={level}>
      <div className="risk-bar-head">
        <span>
          Debt ratio <strong>{formatBps(ratioBps)}</strong>
        </span>
        <RiskBadge level={level} />
      </div>
      <div
        className="risk-bar-track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Number(killFactorBps) / 100}
        aria-valuenow={Number(ratioBps < killFactorBps ? ratioBps : killFactorBps) / 100}
        aria-valuetext={`${formatBps(ratioBps)}, ${RISK_LABEL[level]}`}
      >
        <div className={`risk-bar-fill risk-fill-${level}`} style={{ width: `${scale.fill * 100}%` }} />
        <div className="risk-bar-mark risk-mark-work" style={{ left: `${scale.workMark * 100}%` }} title={`Work factor ${formatBps(workFactorBps)}`} />
        <div className="risk-bar-mark risk-mark-danger" style={{ left: `${scale.dangerMark * 100}%` }} title={`Close to liquidation above ${formatBps(danger)}`} />
      </div>
      <div className="muted risk-bar-keys">
        <span>
          <i className="risk-key risk-mark-work" /> work factor {formatBps(workFactorBps, 0)}
        </span>
        <span>
          <i className="risk-key risk-mark-danger" /> close to liquidation above {formatBps(danger, 1)}
        </span>
        <span>kill factor {formatBps(killFactorBps, 0)} (end of bar)</span>
      </div>
      <p className="muted risk-bar-scale">{debtRatioScaleText(workFactorBps, killFactorBps)}</p>
    </div>
  );
}

/** The level's word in its colour; "Closed" for a position that holds and owes nothing. */
export function RiskBadge({ level, closed }: { level: RiskLevel; closed?: boolean }) {
  if (closed) return <span className="risk-badge risk-badge-closed">Closed</span>;
  return <span className={`risk-badge risk-badge-${level}`}>{RISK_LABEL[level]}</span>;
}

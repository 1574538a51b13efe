import { PLAUSIBLE_RATE_BOUND, type CheckedRate, type MeasuredYield } from "../../lib/farmYield";
import { formatPercent, formatUsdWad } from "../../lib/format";
import type { OpenYield } from "../../lib/openPreview";
import { formatTooYoung, formatYieldWindow } from "./formatWindow";
import styles from "./farms.module.css";

/**
 * A yearly rate with its basis, "12.30% (7 d)", times `times` (a leverage) when given. Beyond the plausibility bound
 * the reason stands beside the figure, so it is never read as a bare headline.
 */
export function RateFigure({
  rate,
  basis,
  suffix,
  times = 1,
  testId,
}: {
  rate: CheckedRate;
  /** The window or stake the rate is taken over, shown in parentheses. */
  basis?: string;
  /** Words that finish the figure's sentence: "now", "after your deposit". */
  suffix?: string;
  times?: number;
  testId?: string;
}) {
  return (
    <span data-testid={testId}>
      {formatPercent(rate.rate * times)}
      {suffix && ` ${suffix}`}
      {basis && <span className={styles.basis}> ({basis})</span>}
      {rate.implausibleReason && (
        <span className={styles.implausible} data-testid={testId && `${testId}-implausible`}>
          Above the {formatPercent(PLAUSIBLE_RATE_BOUND, 0)} plausibility bound: {rate.implausibleReason}.
        </span>
      )}
    </span>
  );
}

/** A measured yield over its window ("31.20% (since deployment, 3 d)"), or why there is no figure yet. */
export function MeasuredYieldFigure({ measured, times, suffix, testId }: { measured: MeasuredYield; times?: number; suffix?: string; testId?: string }) {
  if (measured.window.kind === "tooYoung") {
    return (
      <span className={styles.notYet} data-testid={testId}>
        Not yet: {formatTooYoung(measured.window)}
      </span>
    );
  }
  if (!measured.rate) return <span data-testid={testId}>—</span>;
  const basis = formatYieldWindow(measured.window);
  return <RateFigure rate={measured.rate} basis={suffix ? `${basis}, ${suffix}` : basis} times={times} testId={testId} />;
}

/** The open preview's farm rewards at its leverage: "45.60% now, 38.00% after your deposit". */
export function RewardNowAndAfter({ yieldFigures }: { yieldFigures: OpenYield }) {
  const { rewardNow, rewardAfterDeposit, leverage } = yieldFigures;
  if (!rewardAfterDeposit) return <span>—</span>;
  return (
    <span>
      {rewardNow && (
        <>
          <RateFigure rate={rewardNow} times={leverage} suffix="now" />,{" "}
        </>
      )}
      <RateFigure rate={rewardAfterDeposit} times={leverage} suffix="after your deposit" testId="preview-reward-after-deposit" />
    </span>
  );
}

/** What the open preview's yield figures are taken over, unlevered, in a sentence. */
export function YieldBasis({ yieldFigures }: { yieldFigures: OpenYield }) {
  const { rewardNow, rewardAfterDeposit, tradingFees } = yieldFigures;
  const rewards = rewardAfterDeposit
    ? `Rewards: the farm's FLUX at the oracle price over all LP staked, ${rewardNow ? `${formatPercent(rewardNow.rate)} unlevered now, ` : ""}${formatPercent(rewardAfterDeposit.rate)} once this position makes the stake ${formatUsdWad(rewardAfterDeposit.stakedValueWad)}.`
    : "Rewards: the farm has nothing staked, so no rate.";
  const fees =
    tradingFees.window.kind === "tooYoung"
      ? `Fees: no figure yet (${formatTooYoung(tradingFees.window)}), so the net figures count none.`
      : tradingFees.rate
        ? `Fees: the pair's swaps over ${formatYieldWindow(tradingFees.window)}, ${formatPercent(tradingFees.rate.rate)} unlevered with this position's LP in the pair.`
        : "Fees: the pair has no liquidity to measure them on.";
  return (
    <span data-testid="preview-yield-basis">
      {rewards} {fees} The APY compounds the net APR daily.
    </span>
  );
}

/**
 * What every position action's form shares: the form frame (Enter submits, the button waits, progress, the
 * confirmation) and the preview lines for the debt ratio and leverage after the action. Its own file so that the
 * actions (PositionActions, BorrowMore) import it and not each other.
 */
import type { ReactNode } from "react";
import { formatBps } from "../../lib/format";
import { formatLeverage } from "../../lib/openPreview";
import { TransactionStatus } from "../tx/TransactionStatus";
import type { TransactionFlow } from "../tx/useTransactionFlow";

/**
 * What every action's form has around its own fields: submitting by Enter as well as by the button, a button that
 * waits while the transactions run, their progress, and the confirmation once they are mined.
 */
export function ActionForm({
  onSubmit,
  canSubmit,
  label,
  busyLabel,
  flow,
  done,
  note,
  testId,
  children,
}: {
  onSubmit: () => Promise<void>;
  canSubmit: boolean;
  label: string;
  busyLabel: string;
  flow: TransactionFlow;
  done: string | null;
  /** Shown under the button. */
  note?: ReactNode;
  /** data-testid of the submit button. */
  testId?: string;
  children: ReactNode;
}) {
  return (
    <form
      className="pos-form"
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      {children}
      <button type="submit" disabled={!canSubmit || flow.busy} data-testid={testId}>
        {flow.busy ? busyLabel : label}
      </button>
      {note}
      <TransactionStatus flow={flow} />
      {done && (
        <p className="pos-success" role="status">
          {done}
        </p>
      )}
    </form>
  );
}

/** A preview's debt ratio after the action, next to the ratio now. */
export function DebtRatioAfter({ afterBps, nowBps }: { afterBps: bigint; nowBps: bigint }) {
  return (
    <div>
      <dt>Debt ratio after</dt>
      <dd>
        ≈ {formatBps(afterBps)} <span className="muted">(now {formatBps(nowBps)})</span>
      </dd>
    </div>
  );
}

/** A preview's leverage after the action (value / equity), next to the leverage now. */
export function LeverageAfter({ afterWad, nowWad }: { afterWad: bigint | null; nowWad: bigint | null }) {
  return (
    <div>
      <dt>Leverage after</dt>
      <dd data-testid="leverage-after">
        {afterWad === null ? "no equity left" : formatLeverage(afterWad)} <span className="muted">(now {nowWad === null ? "no equity" : formatLeverage(nowWad)})</span>
      </dd>
    </div>
  );
}

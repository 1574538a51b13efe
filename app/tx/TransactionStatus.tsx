"use client";

import type { TransactionFlow, StepStatus } from "./useTransactionFlow";

const STATUS_TEXT: Record<StepStatus, string> = {
  waiting: "waiting",
  signing: "waiting for your signature…",
  pending: "pending…",
  confirmed: "confirmed",
  skipped: "not needed",
  failed: "failed",
};

/** The state of each transaction of a flow, and why it stopped if it did. */
export function TransactionStatus({ flow }: { flow: TransactionFlow }) {
  if (flow.steps.length === 0 && !flow.error) return null;
  return (
    <div className="transaction-status" aria-live="polite">
      {flow.steps.length > 0 && (
        <ol>
          {flow.steps.map((step, index) => (
            <li key={index} className={`step-${step.status}`} data-status={step.status}>
              {step.label}: {STATUS_TEXT[step.status]}
              {step.hash && <code title={step.hash}> {step.hash.slice(0, 10)}…</code>}
            </li>
          ))}
        </ol>
      )}
      {flow.error && (
        <p className="field-error" role="alert">
          {flow.error}
        </p>
      )}
    </div>
  );
}

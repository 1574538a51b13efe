"use client";

import { useEffect, useMemo, useRef } from "react";
import type { Deployment } from "../../lib/deployments";
import { describeTransaction, shortAddress, transactionBook } from "../../lib/transactionDescription";
import type { SignatureRequest } from "./developmentWallet";
import styles from "./SignatureDialog.module.css";

export interface SignatureDialogProps {
  deployment: Deployment;
  request: SignatureRequest;
  /** How many more requests wait behind this one. */
  queued: number;
  onAnswer(approved: boolean): void;
}

/**
 * The development wallet's confirmation, as a browser wallet would show it: what the transaction does in words,
 * its amounts, the contract it calls (named from the deployment), and Confirm / Reject. Escape rejects.
 */
export function SignatureDialog({ deployment, request, queued, onAnswer }: SignatureDialogProps) {
  const book = useMemo(() => transactionBook(deployment), [deployment]);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onAnswer(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [request, onAnswer]);

  const description =
    request.kind === "transaction"
      ? describeTransaction(request.transaction, book)
      : { action: "Sign a message", details: [request.message], contract: null, known: true };

  return (
    <div className={styles.backdrop}>
      <div className={styles.dialog} role="dialog" aria-modal="true" aria-labelledby="signature-dialog-title" data-testid="signature-dialog">
        <p className={styles.wallet}>
          <span className="badge">local test key</span> {request.accountName}
        </p>
        <h2 id="signature-dialog-title" className={styles.title}>
          {request.kind === "transaction" ? "Confirm this transaction?" : "Sign this message?"}
        </h2>
        <p className={styles.action} data-testid="signature-action">
          {description.action}
        </p>
        {description.details.length > 0 && (
          <ul className={styles.details} data-testid="signature-details">
            {description.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
        {description.contract && (
          <p className="muted" data-testid="signature-contract">
            Contract: {description.contract}
            {request.kind === "transaction" && request.transaction.to && (
              <span className={styles.address} title={request.transaction.to}>
                {" "}
                {request.transaction.to}
              </span>
            )}
          </p>
        )}
        {!description.known && (
          <p className="field-error">This call is not one of Flux&apos;s known contracts and functions: confirm only if you expected it.</p>
        )}
        <p className="muted">
          From {shortAddress(request.account)}. Nothing is signed until you confirm.
          {queued > 0 && ` ${queued} more ${queued === 1 ? "request waits" : "requests wait"} after this one.`}
        </p>
        <div className={styles.buttons}>
          <button type="button" className="button-secondary" onClick={() => onAnswer(false)} data-testid="signature-reject">
            Reject
          </button>
          <button type="button" ref={confirmRef} onClick={() => onAnswer(true)} data-testid="signature-confirm">
            Confirm
          </button>
        </div>
      </div>
    </div>
  );
}

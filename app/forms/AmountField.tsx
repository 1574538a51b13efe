"use client";

import { useId } from "react";
import { amountToInput } from "../../lib/amountInput";
import styles from "./AmountField.module.css";

/** The Max button beside the field: what it fills in and what it is called. */
export interface MaxButton {
  /** Base units to fill in; null while they are unknown (not read yet, no wallet), which disables the button. */
  amount: bigint | null;
  decimals: number;
  /** "Max" unless the amount means something more specific, e.g. "All" for a whole debt. */
  label?: string;
}

/** data-testid of each part, for the browser tests; a part without one gets none. */
export interface AmountFieldTestIds {
  input?: string;
  max?: string;
  error?: string;
  hint?: string;
}

export interface AmountFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** Why the amount cannot be used, shown under the field; null when it is fine or not checked (yet). */
  error: string | null;
  /** The token's symbol, shown inside the field at its right end. */
  unit?: string;
  /** A line beside the label about the amount's bounds, e.g. the wallet balance; it stays while an error shows. */
  hint?: string;
  /** Without it, no Max button. */
  max?: MaxButton;
  /**
   * Called with the filled-in text when Max is pressed, instead of onChange: for a form that must tell "all of it"
   * from the same number typed (a withdrawal of everything redeems every share, interest included).
   */
  onMax?(text: string): void;
  /**
   * Errors that appear on submit are announced (role="alert"), since the person's attention is on the button; errors
   * checked as the amount is typed are not, or a screen reader would interrupt every keystroke.
   */
  announceError?: boolean;
  disabled?: boolean;
  testIds?: AmountFieldTestIds;
}

/** A token amount typed as text (parsed bigint-exact by the caller, no float rounding), with its Max button and error. */
export function AmountField({ label, value, onChange, error, unit, hint, max, onMax, announceError, disabled, testIds = {} }: AmountFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  const maxAmount = max?.amount ?? null;
  return (
    <div className={styles.field}>
      <div className={styles.labelRow}>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <span id={hintId} className={styles.hint} data-testid={testIds.hint}>
            {hint}
          </span>
        )}
      </div>
      <div className={styles.inputRow}>
        <div className={styles.inputBox}>
          <input
            id={id}
            className={unit ? styles.withUnit : undefined}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.0"
            value={value}
            onChange={(event) => onChange(event.target.value)}
            disabled={disabled}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            data-testid={testIds.input}
          />
          {unit && (
            <span className={styles.unit} aria-hidden="true">
              {unit}
            </span>
          )}
        </div>
        {max && (
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              if (maxAmount === null) return;
              (onMax ?? onChange)(amountToInput(maxAmount, max.decimals));
            }}
            disabled={disabled || maxAmount === null}
            data-testid={testIds.max}
          >
            {max.label ?? "Max"}
          </button>
        )}
      </div>
      {error && (
        <p id={errorId} className="field-error" role={announceError ? "alert" : undefined} data-testid={testIds.error}>
          {error}
        </p>
      )}
    </div>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { LendingPool__factory } from "../../lib/contracts";
import { formatTokenAmount } from "../../lib/format";
import { checkDeposit } from "../../lib/lending";
import { TransactionStatus } from "../tx/TransactionStatus";
import { approvalStep, useTransactionFlow } from "../tx/useTransactionFlow";
import { AmountField } from "../forms/AmountField";
import type { LenderPoolState } from "./useLenderPools";
import styles from "./lend.module.css";

export interface LenderFormProps {
  pool: LenderPoolState;
  account: string;
  walletBalance: bigint;
}

/** Supplies the asset to the pool: an exact approval if the allowance is short, then deposit(assets, account). */
export function DepositForm({ pool, account, walletBalance }: LenderFormProps) {
  const router = useRouter();
  const flow = useTransactionFlow();
  const [text, setText] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkDeposit(text, {
      symbol: pool.symbol,
      decimals: pool.decimals,
      walletBalance,
      depositsPaused: pool.depositsPaused,
    });
    if (checked.error !== null) {
      setFieldError(checked.error);
      return;
    }
    setFieldError(null);
    const amount = checked.amount;
    const confirmed = await flow.run([
      approvalStep(pool.asset, pool.symbol, pool.pool, amount),
      {
        label: `Deposit ${formatTokenAmount(amount, pool.decimals, pool.decimals)} ${pool.symbol}`,
        send: (signer) => LendingPool__factory.connect(pool.pool, signer).deposit(amount, account),
      },
    ]);
    // A refusal or a revert leaves the field as it was, so the person can adjust and retry.
    if (confirmed) {
      setText("");
      router.refresh();
    }
  };

  return (
    <form className={styles.form} onSubmit={(event) => void submit(event)} noValidate data-testid="deposit-form">
      {pool.depositsPaused && (
        <p className="notice" data-testid="deposits-paused">
          Deposits to this pool are paused by its guardian. Withdrawals still work.
        </p>
      )}
      <AmountField
        label={`Amount to deposit`}
        unit={pool.symbol}
        value={text}
        onChange={(value) => {
          setText(value);
          setFieldError(null);
        }}
        max={{ amount: walletBalance, decimals: pool.decimals }}
        error={fieldError}
        announceError
        disabled={flow.busy}
        testIds={{ input: "deposit-amount", max: "deposit-max", error: "deposit-error" }}
      />
      <button type="submit" className={styles.submit} disabled={flow.busy || pool.depositsPaused} data-testid="deposit-submit">
        {flow.busy ? "Depositing…" : `Deposit ${pool.symbol}`}
      </button>
      <div data-testid="deposit-status">
        <TransactionStatus flow={flow} />
      </div>
    </form>
  );
}

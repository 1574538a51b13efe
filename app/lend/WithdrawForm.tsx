"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { LendingPool__factory } from "../../lib/contracts";
import { formatTokenAmount } from "../../lib/format";
import { checkWithdrawal, planWithdrawal, withdrawableNow } from "../../lib/lending";
import { TransactionStatus } from "../tx/TransactionStatus";
import { useTransactionFlow, type TransactionStep } from "../tx/useTransactionFlow";
import { AmountField } from "../forms/AmountField";
import type { LenderPoolState } from "./useLenderPools";
import styles from "./lend.module.css";

export interface WithdrawFormProps {
  pool: LenderPoolState;
  account: string;
  shares: bigint;
  suppliedAssets: bigint;
}

/** Takes the asset back: withdraw(assets) for a part, redeem(every fToken) for everything so no dust stays behind. */
export function WithdrawForm({ pool, account, shares, suppliedAssets }: WithdrawFormProps) {
  const router = useRouter();
  const flow = useTransactionFlow();
  const [text, setText] = useState("");
  // Max means "all of it" even when interest has grown the deposit past the text in the field by the time it is sent.
  const [everything, setEverything] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const position = { shares, suppliedAssets, cash: pool.cash };
  const withdrawable = withdrawableNow(position);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const limits = { symbol: pool.symbol, decimals: pool.decimals, suppliedAssets, cash: pool.cash };
    const checked = checkWithdrawal(text, limits);
    if (checked.error !== null) {
      setFieldError(checked.error);
      return;
    }
    setFieldError(null);
    const plan = planWithdrawal(checked.amount, position, everything);
    const step: TransactionStep =
      plan.method === "redeem"
        ? {
            label: `Withdraw everything (${formatTokenAmount(plan.shares, pool.decimals, pool.decimals)} f${pool.symbol})`,
            send: (signer) => LendingPool__factory.connect(pool.pool, signer).redeem(plan.shares, account, account),
          }
        : {
            label: `Withdraw ${formatTokenAmount(plan.assets, pool.decimals, pool.decimals)} ${pool.symbol}`,
            send: (signer) => LendingPool__factory.connect(pool.pool, signer).withdraw(plan.assets, account, account),
          };
    const confirmed = await flow.run([step]);
    if (confirmed) {
      setText("");
      setEverything(false);
      router.refresh();
    }
  };

  return (
    <form className={styles.form} onSubmit={(event) => void submit(event)} noValidate data-testid="withdraw-form">
      <AmountField
        label="Amount to withdraw"
        unit={pool.symbol}
        value={text}
        onChange={(value) => {
          setText(value);
          setEverything(false);
          setFieldError(null);
        }}
        max={{ amount: withdrawable.amount, decimals: pool.decimals }}
        onMax={(maxText) => {
          setText(maxText);
          setEverything(!withdrawable.limitedByCash);
          setFieldError(null);
        }}
        error={fieldError}
        announceError
        disabled={flow.busy}
        testIds={{ input: "withdraw-amount", max: "withdraw-max", error: "withdraw-error" }}
      />
      {everything && <p className={styles.hint}>Withdraws every f{pool.symbol} you hold, interest up to the last second included.</p>}
      <button type="submit" className={styles.submit} disabled={flow.busy} data-testid="withdraw-submit">
        {flow.busy ? "Withdrawing…" : `Withdraw ${pool.symbol}`}
      </button>
      <div data-testid="withdraw-status">
        <TransactionStatus flow={flow} />
      </div>
    </form>
  );
}

"use client";

import { useCallback, useState } from "react";
import type { JsonRpcSigner, TransactionResponse } from "ethers";
import { IERC20Metadata__factory } from "../../typechain-types";
import { describeError } from "../../lib/errors";
import { useChain, useWallet } from "../wallet/WalletProvider";

export type StepStatus = "waiting" | "signing" | "pending" | "confirmed" | "skipped" | "failed";

/** One transaction of a flow (an approval, then the action). `send` returns null when nothing needs sending. */
export interface TransactionStep {
  label: string;
  send(signer: JsonRpcSigner): Promise<TransactionResponse | null>;
}

export interface StepState {
  label: string;
  status: StepStatus;
  hash?: string;
}

export interface TransactionFlow {
  steps: StepState[];
  /** Why the flow stopped, in words; the form's inputs are left as they were. */
  error: string | null;
  busy: boolean;
  /** Sends the steps in order, each after the previous one is mined; true when all were confirmed or skipped. */
  run(steps: TransactionStep[]): Promise<boolean>;
  reset(): void;
}

/** Runs a sequence of transactions with the connected signer and tracks each one's state for the page. */
export function useTransactionFlow(): TransactionFlow {
  const { signer } = useWallet();
  const { tokens, refresh } = useChain();
  const [steps, setSteps] = useState<StepState[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async (plan: TransactionStep[]) => {
      if (!signer) {
        setError("Connect a wallet on the right chain first.");
        return false;
      }
      setBusy(true);
      setError(null);
      const states: StepState[] = plan.map((step) => ({ label: step.label, status: "waiting" }));
      const update = (index: number, change: Partial<StepState>) => {
        states[index] = { ...states[index], ...change };
        setSteps([...states]);
      };
      setSteps([...states]);
      try {
        for (const [index, step] of plan.entries()) {
          update(index, { status: "signing" });
          const response = await step.send(signer);
          if (!response) {
            update(index, { status: "skipped" });
            continue;
          }
          update(index, { status: "pending", hash: response.hash });
          const receipt = await response.wait();
          if (!receipt || receipt.status !== 1) throw new Error(`${step.label} was mined but reverted`);
          update(index, { status: "confirmed" });
        }
        return true;
      } catch (reason) {
        const failed = states.findIndex((state) => state.status === "signing" || state.status === "pending");
        if (failed >= 0) update(failed, { status: "failed" });
        setError(describeError(reason, tokens));
        return false;
      } finally {
        setBusy(false);
        refresh();
      }
    },
    [signer, tokens, refresh],
  );

  const reset = useCallback(() => {
    setSteps([]);
    setError(null);
  }, []);

  return { steps, error, busy, run, reset };
}

/** An approval of exactly `amount` for `spender`, skipped when the allowance already covers it. */
export function approvalStep(token: string, symbol: string, spender: string, amount: bigint): TransactionStep {
  return {
    label: `Approve ${symbol}`,
    async send(signer) {
      if (amount === 0n) return null;
      const erc20 = IERC20Metadata__factory.connect(token, signer);
      const allowance = await erc20.allowance(await signer.getAddress(), spender);
      if (allowance >= amount) return null;
      // Exactly what this action spends, never an unlimited allowance left behind.
      return erc20.approve(spender, amount);
    },
  };
}

"use client";

import { useRouter } from "next/navigation";
import { TestTokens } from "../wallet/TestTokens";
import { useChain, useWallet } from "../wallet/WalletProvider";
import { PoolSupplyCard } from "./PoolSupplyCard";
import { useLenderPools } from "./useLenderPools";

/** The lender's side of the Lend page: balances in every core pool, with deposit and withdraw forms. */
export function LendingPanel() {
  const router = useRouter();
  const { readError } = useChain();
  const { address } = useWallet();
  const { pools, error } = useLenderPools(address);
  const problem = readError ?? error;

  return (
    <section aria-labelledby="your-supply" data-testid="lending-panel">
      <h2 id="your-supply">Deposit and withdraw</h2>
      <TestTokens onFunded={() => router.refresh()} />
      {problem && (
        <p className="notice" role="alert" data-testid="lending-read-error">
          {pools ? "These figures may be out of date: " : "Your balances could not be read: "}
          {problem}
        </p>
      )}
      {!pools ? (
        !problem && <p className="muted" data-testid="lending-loading">Reading the pools…</p>
      ) : (
        <div className="card-grid">
          {pools.map((pool) => (
            <PoolSupplyCard key={pool.pool} pool={pool} />
          ))}
        </div>
      )}
    </section>
  );
}

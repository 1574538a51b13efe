"use client";

import { useState } from "react";
import { formatPercent, formatTokenAmount } from "../../lib/format";
import { withdrawableNow } from "../../lib/lending";
import { useWallet } from "../wallet/WalletProvider";
import { DepositForm } from "./DepositForm";
import { WithdrawForm } from "./WithdrawForm";
import type { LenderPoolState } from "./useLenderPools";
import styles from "./lend.module.css";

type Action = "deposit" | "withdraw";

/** Up to 6 decimals: enough to see interest arrive on a stablecoin deposit, few enough to read at a glance. */
const SHOWN_DIGITS = 6;

/** One pool from the lender's side: the account's balances in it, and the deposit and withdraw forms. */
export function PoolSupplyCard({ pool }: { pool: LenderPoolState }) {
  const wallet = useWallet();
  const [action, setAction] = useState<Action>("deposit");
  const amount = (value: bigint) => formatTokenAmount(value, pool.decimals, SHOWN_DIGITS);
  const accountSide = pool.account;
  const withdrawable = accountSide ? withdrawableNow({ suppliedAssets: accountSide.suppliedAssets, cash: pool.cash }) : null;

  return (
    <article className={`card ${styles.poolCard}`} data-testid={`lend-pool-${pool.symbol}`} aria-label={`Supply ${pool.symbol}`}>
      <header className={styles.cardHeader}>
        <h3>{pool.symbol}</h3>
        <div className={styles.apy}>
          <span className={styles.apyValue} data-testid="supply-apy">
            {formatPercent(pool.supplyApy)}
          </span>
          <span className={styles.apyLabel}>supply APY</span>
        </div>
      </header>

      <dl className={`figures ${styles.figures}`}>
        {accountSide && (
          <>
            <div>
              <dt>In your wallet</dt>
              <dd data-testid="wallet-balance" data-base-units={accountSide.walletBalance.toString()}>
                {amount(accountSide.walletBalance)} {pool.symbol}
              </dd>
            </div>
            <div>
              <dt>You supplied</dt>
              <dd data-testid="supplied" data-base-units={accountSide.suppliedAssets.toString()}>
                {amount(accountSide.suppliedAssets)} {pool.symbol}
                <span className={styles.subFigure} data-testid="supplied-shares" data-base-units={accountSide.shares.toString()}>
                  {amount(accountSide.shares)} f{pool.symbol}
                </span>
              </dd>
            </div>
            <div>
              <dt>Withdrawable now</dt>
              <dd data-testid="withdrawable" data-base-units={accountSide.maxWithdraw.toString()}>
                {amount(accountSide.maxWithdraw)} {pool.symbol}
              </dd>
            </div>
          </>
        )}
        <div>
          <dt>Available in the pool</dt>
          <dd data-testid="pool-cash">
            {formatTokenAmount(pool.cash, pool.decimals)} {pool.symbol}
          </dd>
        </div>
      </dl>
      {withdrawable?.limitedByCash && (
        <p className={styles.limitNote} data-testid="withdraw-limited-by-cash">
          Most of this pool is lent out: you can withdraw {amount(pool.cash)} {pool.symbol} now, the pool&apos;s available
          cash. The rest becomes withdrawable as borrowers repay.
        </p>
      )}

      {!wallet.address ? (
        <p className={styles.walletNote} data-testid="connect-to-deposit">
          Connect a wallet to deposit.
        </p>
      ) : wallet.wrongChain || !wallet.signer ? (
        <div className={styles.walletNote} data-testid="wrong-chain">
          <p>Your wallet is on another chain. Switch to deposit or withdraw.</p>
          <button type="button" className="button-secondary" onClick={() => void wallet.switchChain()}>
            Switch chain
          </button>
        </div>
      ) : !accountSide ? (
        <p className={styles.walletNote}>Reading your balances…</p>
      ) : (
        <>
          <div className={styles.tabs} role="tablist" aria-label={`Deposit or withdraw ${pool.symbol}`}>
            {(["deposit", "withdraw"] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                aria-selected={action === tab}
                className={action === tab ? styles.tabActive : styles.tab}
                onClick={() => setAction(tab)}
                data-testid={`${tab}-tab`}
              >
                {tab === "deposit" ? "Deposit" : "Withdraw"}
              </button>
            ))}
          </div>
          {/* Both forms stay mounted so switching tabs keeps what was typed and any transaction's progress. */}
          <div role="tabpanel" hidden={action !== "deposit"}>
            <DepositForm pool={pool} account={wallet.address} walletBalance={accountSide.walletBalance} />
          </div>
          <div role="tabpanel" hidden={action !== "withdraw"}>
            <WithdrawForm pool={pool} account={wallet.address} shares={accountSide.shares} suppliedAssets={accountSide.suppliedAssets} />
          </div>
        </>
      )}
    </article>
  );
}

"use client";

import { useEffect, useState } from "react";
import { LendingPool__factory } from "../../lib/contracts";
import { IERC20Metadata__factory } from "../../typechain-types";
import { describeError } from "../../lib/errors";
import { ratePerSecondToApy } from "../../lib/math";
import { useChain } from "../wallet/WalletProvider";

/** One core pool as a lender sees it, read in one block. */
export interface LenderPoolState {
  /** The pool's asset symbol, e.g. "USDC" (its fToken is "fUSDC"). */
  symbol: string;
  decimals: number;
  asset: string;
  pool: string;
  supplyApy: number;
  cash: bigint;
  depositsPaused: boolean;
  /** The connected account's side; null without an account. */
  account: {
    walletBalance: bigint;
    shares: bigint;
    suppliedAssets: bigint;
    maxWithdraw: bigint;
  } | null;
}

export interface LenderPools {
  pools: LenderPoolState[] | null;
  /** Why the last read failed, in words; earlier figures stay on screen meanwhile. */
  error: string | null;
}

/**
 * Every core pool's live figures and the account's balances in them, refetched on each new block. All reads of one
 * refresh name the same block, so a deposit's fTokens and the wallet balance it came from never disagree.
 */
export function useLenderPools(account: string | null): LenderPools {
  const { deployment, readProvider, blockNumber, tokens } = useChain();
  // Tagged with the account they were read for: another account's figures must never show, even for a moment.
  const [read, setRead] = useState<{ account: string | null; pools: LenderPoolState[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (blockNumber === null) return;
    let cancelled = false;
    const overrides = { blockTag: blockNumber };
    void Promise.all(
      Object.values(deployment.pools).map(async (record): Promise<LenderPoolState> => {
        const pool = LendingPool__factory.connect(record.pool.address, readProvider);
        const assetToken = IERC20Metadata__factory.connect(record.asset, readProvider);
        const [supplyRate, cash, configuration, accountSide] = await Promise.all([
          pool.supplyRatePerSecond(overrides),
          pool.cash(overrides),
          pool.configuration(overrides),
          account
            ? Promise.all([
                assetToken.balanceOf(account, overrides),
                pool.balanceOf(account, overrides),
                pool.balanceOfUnderlying(account, overrides),
                pool.maxWithdraw(account, overrides),
              ])
            : null,
        ]);
        return {
          symbol: record.symbol,
          decimals: record.decimals,
          asset: record.asset,
          pool: record.pool.address,
          supplyApy: ratePerSecondToApy(supplyRate),
          cash,
          depositsPaused: configuration.depositsPaused,
          account: accountSide
            ? { walletBalance: accountSide[0], shares: accountSide[1], suppliedAssets: accountSide[2], maxWithdraw: accountSide[3] }
            : null,
        };
      }),
    ).then(
      (result) => {
        if (cancelled) return;
        setRead({ account, pools: result });
        setError(null);
      },
      (reason) => {
        if (!cancelled) setError(describeError(reason, tokens));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [account, blockNumber, deployment.pools, readProvider, tokens]);

  return { pools: read && read.account === account ? read.pools : null, error };
}

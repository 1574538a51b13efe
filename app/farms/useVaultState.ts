"use client";

import { useEffect, useRef, useState } from "react";
import type { JsonRpcProvider } from "ethers";
import { IERC20Metadata__factory, VaultLens__factory } from "../../typechain-types";
import { describeError } from "../../lib/errors";
import type { FarmRewardInput } from "../../lib/farmYield";
import type { BorrowLimits, OpenMarket, OpenRisk } from "../../lib/openPreview";
import { useChain } from "../wallet/WalletProvider";
import type { OpenSetup } from "./vaults";

/** One core pool as an open needs it: what it can lend, at what rate, and whether it lends at all. */
export interface PoolState extends BorrowLimits {
  borrowApr: number;
  borrowsPaused: boolean;
}

/** Everything an open is previewed and checked against, read in one block. */
export interface VaultState {
  blockNumber: number;
  market: OpenMarket;
  risk: OpenRisk & { maxPriceDeviationBps: bigint };
  paused: boolean;
  pools: [PoolState, PoolState];
  /** The farm as farmRewardApr reads it, with everyone's stake before this position (lpPriceWad is filled later). */
  farm: FarmRewardInput;
  /** The account's wallet balances; null when no account is connected. */
  balances: { token0: bigint; token1: bigint } | null;
}

type LensVaultState = Awaited<ReturnType<ReturnType<typeof VaultLens__factory.connect>["vaultState"]>>;
type TokenDecimals = { symbol: string; decimals: number };

/**
 * The market and the two pools' lending room, from one VaultLens.vaultState answer: the one mapping from the lens
 * to lib/openPreview's inputs, for the open form and for borrowing more on a position.
 */
export function fromLensState(state: LensVaultState, token0: TokenDecimals, token1: TokenDecimals): { market: OpenMarket; pools: [PoolState, PoolState] } {
  const pool = (lensPool: LensVaultState["pool0"], token: TokenDecimals, maxDebt: bigint): PoolState => ({
    symbol: token.symbol,
    decimals: token.decimals,
    poolCash: lensPool.cash,
    borrowIndexWad: lensPool.borrowIndexWad,
    vaultDebtShares: lensPool.vaultDebtShares,
    creditLimit: lensPool.vaultCreditLimit,
    maxDebt,
    borrowApr: Number(lensPool.borrowRatePerYearWad) / 1e18,
    borrowsPaused: lensPool.borrowsPaused,
  });
  return {
    market: {
      reserve0: state.reserve0,
      reserve1: state.reserve1,
      lpTotalSupply: state.pairTotalSupply,
      price0Wad: state.price0Wad,
      price1Wad: state.price1Wad,
      decimals0: token0.decimals,
      decimals1: token1.decimals,
      borrowIndex0: state.pool0.borrowIndexWad,
      borrowIndex1: state.pool1.borrowIndexWad,
      vaultTotalLp: state.totalLp,
      vaultTotalLpShares: state.totalLpShares,
    },
    pools: [pool(state.pool0, token0, state.maxDebt0), pool(state.pool1, token1, state.maxDebt1)],
  };
}

/**
 * Reads the vault, its pair, pools, farm and oracle in one call to the deployment's VaultLens (plus the account's
 * two balances), all at the latest block.
 */
export async function readVaultState(provider: JsonRpcProvider, setup: OpenSetup, account: string | null): Promise<VaultState> {
  const lens = VaultLens__factory.connect(setup.lensAddress, provider);
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("the node returned no latest block");
  const at = { blockTag: block.number };
  const tokens = [setup.token0, setup.token1];
  const [state, balances] = await Promise.all([
    lens.vaultState(setup.vaultAddress, at),
    account ? Promise.all(tokens.map((token) => IERC20Metadata__factory.connect(token.address, provider).balanceOf(account, at))) : null,
  ]);
  if (!state.pricesAvailable) {
    throw new Error("The price oracle has no fresh price for one of this vault's tokens, so opening is unavailable until its feed updates.");
  }
  const { market, pools } = fromLensState(state, setup.token0, setup.token1);

  return {
    blockNumber: block.number,
    market,
    risk: {
      workFactorBps: state.risk.workFactorBps,
      killFactorBps: state.risk.killFactorBps,
      maxLeverageWad: state.risk.maxLeverageWad,
      maxPriceDeviationBps: state.risk.maxPriceDeviationBps,
    },
    paused: state.paused,
    pools,
    farm: {
      rewardRatePerSecond: state.farm.rewardRatePerSecond,
      rewardDecimals: setup.rewardToken.decimals,
      rewardPriceWad: state.rewardPriceWad,
      stakedLp: state.farm.totalStaked,
      lpPriceWad: 0n,
      periodFinish: state.farm.periodFinish,
      now: BigInt(block.timestamp),
    },
    balances: balances ? { token0: balances[0], token1: balances[1] } : null,
  };
}

/**
 * The vault's state, refetched on every new block; keeps the last good reading while the next one is in flight
 * and says in words when the chain cannot be read.
 */
export function useVaultState(setup: OpenSetup, account: string | null): { state: VaultState | null; error: string | null } {
  const { readProvider, blockNumber, tokens } = useChain();
  const [state, setState] = useState<VaultState | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Readings can finish out of order; only the newest request may write.
  const latestRequest = useRef(0);

  // A different account's balances must not show under the new one, even for a block.
  useEffect(() => setState(null), [account]);

  useEffect(() => {
    const request = ++latestRequest.current;
    readVaultState(readProvider, setup, account).then(
      (next) => {
        if (request !== latestRequest.current) return;
        setState(next);
        setError(null);
      },
      (reason) => {
        if (request !== latestRequest.current) return;
        setError(describeError(reason, tokens));
      },
    );
  }, [readProvider, setup, account, blockNumber, tokens]);

  return { state, error };
}

"use client";

import { useEffect, useRef, useState } from "react";
import type { JsonRpcProvider } from "ethers";
import {
  IERC20Metadata__factory,
  IStakingRewards__factory,
  IUniswapV2Pair__factory,
  LendingPool__factory,
  PriceOracle__factory,
  StakingRewardsVault__factory,
} from "../../typechain-types";
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

/** Reads the vault, its pair, pools, farm and oracle (and the account's balances) at the latest block. */
export async function readVaultState(provider: JsonRpcProvider, setup: OpenSetup, account: string | null): Promise<VaultState> {
  const vault = StakingRewardsVault__factory.connect(setup.vaultAddress, provider);
  const pair = IUniswapV2Pair__factory.connect(setup.pairAddress, provider);
  const farm = IStakingRewards__factory.connect(setup.farmAddress, provider);
  const oracle = PriceOracle__factory.connect(setup.oracleAddress, provider);
  const pools = [setup.pool0Address, setup.pool1Address].map((address) => LendingPool__factory.connect(address, provider));
  const tokens = [setup.token0, setup.token1];
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("the node returned no latest block");
  const at = { blockTag: block.number };

  const [risk, configuration, totals, reserves, lpTotalSupply, price0Wad, price1Wad, rewardPriceWad, rewardRate, stakedLp, periodFinish] =
    await Promise.all([
      vault.riskParameters(at),
      vault.configuration(at),
      vault.totals(at),
      pair.getReserves(at),
      pair.totalSupply(at),
      oracle.priceOf(setup.token0.address, at),
      oracle.priceOf(setup.token1.address, at),
      oracle.priceOf(setup.rewardToken.address, at),
      farm.rewardRate(at),
      farm.totalSupply(at),
      farm.periodFinish(at),
    ]);
  const poolStates = await Promise.all(
    pools.map(async (pool, index): Promise<PoolState> => {
      const [cash, borrowIndex, account_, rate, poolConfiguration] = await Promise.all([
        pool.cash(at),
        pool.borrowIndex(at),
        pool.borrowerAccount(setup.vaultAddress, at),
        pool.borrowRatePerYear(at),
        pool.configuration(at),
      ]);
      return {
        symbol: tokens[index].symbol,
        decimals: tokens[index].decimals,
        poolCash: cash,
        borrowIndexWad: borrowIndex,
        vaultDebtShares: account_.borrowShares,
        creditLimit: account_.creditLimit,
        maxDebt: index === 0 ? configuration.maxDebt0 : configuration.maxDebt1,
        borrowApr: Number(rate) / 1e18,
        borrowsPaused: poolConfiguration.borrowsPaused,
      };
    }),
  );
  const balances = account
    ? await Promise.all(tokens.map((token) => IERC20Metadata__factory.connect(token.address, provider).balanceOf(account, at)))
    : null;

  return {
    blockNumber: block.number,
    market: {
      reserve0: reserves[0],
      reserve1: reserves[1],
      lpTotalSupply,
      price0Wad,
      price1Wad,
      decimals0: setup.token0.decimals,
      decimals1: setup.token1.decimals,
      borrowIndex0: poolStates[0].borrowIndexWad,
      borrowIndex1: poolStates[1].borrowIndexWad,
      vaultTotalLp: totals.totalLp,
      vaultTotalLpShares: totals.totalLpShares,
    },
    risk: {
      workFactorBps: risk.workFactorBps,
      killFactorBps: risk.killFactorBps,
      maxLeverageWad: risk.maxLeverageWad,
      maxPriceDeviationBps: risk.maxPriceDeviationBps,
    },
    paused: configuration.paused,
    pools: [poolStates[0], poolStates[1]],
    farm: {
      rewardRatePerSecond: rewardRate,
      rewardDecimals: setup.rewardToken.decimals,
      rewardPriceWad,
      stakedLp,
      lpPriceWad: 0n,
      periodFinish,
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

import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { KinkedRateModel__factory, LendingPool__factory } from "../../lib/contracts";
import { ratePerSecondToApr, ratePerSecondToApy, type KinkedRateParameters } from "../../lib/math";
import { rpcFetchRequest } from "../../lib/rpcUrl";

export interface PoolOverview {
  symbol: string;
  decimals: number;
  address: string;
  totalAssets: bigint;
  totalBorrows: bigint;
  cash: bigint;
  reserves: bigint;
  utilization: number;
  borrowApr: number;
  supplyApy: number;
  exchangeRate: bigint;
  /** The pool's rate model now (read through configuration(): an admin can swap it after deployment). */
  rateModel: KinkedRateParameters;
  reserveFactorBps: bigint;
}

/** Reads every core pool of a deployment over plain JSON-RPC (no wallet needed). */
export async function readPools(network: string, rpcUrl: string): Promise<PoolOverview[]> {
  const deployment = readDeployment(network);
  const provider = new JsonRpcProvider(rpcFetchRequest(rpcUrl), deployment.chainId, { staticNetwork: true });
  return Promise.all(
    Object.values(deployment.pools).map(async (record) => {
      const pool = LendingPool__factory.connect(record.pool.address, provider);
      const [totalAssets, totalBorrows, cash, reserves, utilization, borrowRate, supplyRate, exchangeRate, configuration] =
        await Promise.all([
          pool.totalAssets(),
          pool.totalBorrows(),
          pool.cash(),
          pool.reserves(),
          pool.utilization(),
          pool.borrowRatePerSecond(),
          pool.supplyRatePerSecond(),
          pool.exchangeRate(),
          pool.configuration(),
        ]);
      const model = KinkedRateModel__factory.connect(configuration.interestRateModel, provider);
      const [baseRatePerYear, rateAtOptimalPerYear, rateAtFullPerYear, optimalUtilization] = await Promise.all([
        model.baseRatePerYear(),
        model.rateAtOptimalPerYear(),
        model.rateAtFullPerYear(),
        model.optimalUtilization(),
      ]);
      return {
        symbol: record.symbol,
        decimals: record.decimals,
        address: record.pool.address,
        totalAssets,
        totalBorrows,
        cash,
        reserves,
        utilization: Number(utilization) / 1e18,
        borrowApr: ratePerSecondToApr(borrowRate),
        supplyApy: ratePerSecondToApy(supplyRate),
        exchangeRate,
        rateModel: { baseRatePerYear, rateAtOptimalPerYear, rateAtFullPerYear, optimalUtilization },
        reserveFactorBps: configuration.reserveFactorBps,
      };
    }),
  );
}

import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { KinkedRateModel__factory, LendingPool__factory } from "../../lib/contracts";
import type { KinkedRateParameters } from "../../lib/math";

export interface PoolRateModel {
  /** The pool's address, to pair the model with the pool's row from readPools. */
  poolAddress: string;
  symbol: string;
  modelAddress: string;
  parameters: KinkedRateParameters;
  reserveFactorBps: bigint;
}

/**
 * Reads the rate model every core pool uses, and its reserve factor. The model's address comes from the pool's
 * configuration() rather than the deployment file, because an admin can swap a pool's model after deployment.
 */
export async function readRateModels(network: string, rpcUrl: string): Promise<PoolRateModel[]> {
  const deployment = readDeployment(network);
  const provider = new JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true });
  return Promise.all(
    Object.values(deployment.pools).map(async (record) => {
      const pool = LendingPool__factory.connect(record.pool.address, provider);
      const configuration = await pool.configuration();
      const model = KinkedRateModel__factory.connect(configuration.interestRateModel, provider);
      const [baseRatePerYear, rateAtOptimalPerYear, rateAtFullPerYear, optimalUtilization] = await Promise.all([
        model.baseRatePerYear(),
        model.rateAtOptimalPerYear(),
        model.rateAtFullPerYear(),
        model.optimalUtilization(),
      ]);
      return {
        poolAddress: record.pool.address,
        symbol: record.symbol,
        modelAddress: configuration.interestRateModel,
        parameters: { baseRatePerYear, rateAtOptimalPerYear, rateAtFullPerYear, optimalUtilization },
        reserveFactorBps: configuration.reserveFactorBps,
      };
    }),
  );
}

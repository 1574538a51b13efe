/**
 * Deploys the core lending pools: one KinkedRateModel and one UUPS-proxied LendingPool per asset.
 * Used by the local stack, the tests and the benchmark, so all three run the same deployment.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { KinkedRateParameters } from "../../lib/math";
import { DEFAULT_RESERVE_FACTOR_BPS, fTokenName } from "../../lib/pools";
import type { DeployedPool } from "../../lib/deployments";
import type { KinkedRateModel, LendingPool } from "../../typechain-types";

export interface PoolAsset {
  address: string;
  symbol: string;
  decimals: number;
  rateModel: KinkedRateParameters;
}

export interface CorePoolOptions {
  owner: string;
  guardian: string;
  reserveFactorBps?: number;
}

export async function deployRateModel(hre: HardhatRuntimeEnvironment, parameters: KinkedRateParameters): Promise<KinkedRateModel> {
  const factory = await hre.ethers.getContractFactory("KinkedRateModel");
  const model = await factory.deploy(
    parameters.baseRatePerYear,
    parameters.rateAtOptimalPerYear,
    parameters.rateAtFullPerYear,
    parameters.optimalUtilization,
  );
  await model.waitForDeployment();
  return model;
}

export async function deployPool(
  hre: HardhatRuntimeEnvironment,
  asset: PoolAsset,
  options: CorePoolOptions,
): Promise<{ pool: LendingPool; model: KinkedRateModel; record: DeployedPool }> {
  const model = await deployRateModel(hre, asset.rateModel);
  const { name, symbol } = fTokenName(asset.symbol);
  const factory = await hre.ethers.getContractFactory("LendingPool");
  const pool = (await hre.upgrades.deployProxy(
    factory,
    [name, symbol, await model.getAddress(), options.reserveFactorBps ?? DEFAULT_RESERVE_FACTOR_BPS, options.owner, options.guardian],
    // The asset is an immutable of the implementation: each pool gets its own.
    { kind: "uups", constructorArgs: [asset.address] },
  )) as unknown as LendingPool;
  await pool.waitForDeployment();
  const poolAddress = await pool.getAddress();
  return {
    pool,
    model,
    record: {
      asset: asset.address,
      symbol: asset.symbol,
      decimals: asset.decimals,
      pool: {
        address: poolAddress,
        artifact: "LendingPool",
        implementation: await hre.upgrades.erc1967.getImplementationAddress(poolAddress),
      },
      interestRateModel: { address: await model.getAddress(), artifact: "KinkedRateModel" },
    },
  };
}

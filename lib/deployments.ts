/**
 * The deployment file: where a network's contracts live. Written by the deploy scripts to
 * deployments/<network>.json and read by the app, the keeper, scripts and tests.
 */
import fs from "node:fs";
import path from "node:path";

export interface DeployedContract {
  address: string;
  /** The Hardhat artifact (contract name) whose ABI describes this address, e.g. "LendingPool". */
  artifact: string;
  /** For proxies: the implementation behind it when last deployed or upgraded. */
  implementation?: string;
}

export interface DeployedPool {
  asset: string;
  symbol: string;
  decimals: number;
  pool: DeployedContract;
  interestRateModel: DeployedContract;
}

export interface DeployedVaultRecord {
  name: string;
  vault: DeployedContract;
  pair: string;
  farm: string;
  token0: string;
  token1: string;
}

export interface Deployment {
  network: string;
  chainId: number;
  /** The block the first contract was deployed in: where event scans start. */
  startBlock: number;
  deployer: string;
  owner: string;
  guardian: string;
  tokens: Record<string, DeployedContract & { decimals: number }>;
  pools: Record<string, DeployedPool>;
  /** The farming side; absent from a pools-only deployment. */
  farming?: {
    flux: DeployedContract;
    oracle: DeployedContract;
    feeds: Record<string, string>;
    uniswapFactory: string;
    uniswapRouter: string;
    rewardPair: string;
    /** The stateless VaultLens that answers the app's and keepers' batch reads. */
    lens: DeployedContract;
    vaults: Record<string, DeployedVaultRecord>;
  };
  updatedAt: string;
}

/** deployments/ at the project root; every entry point (Hardhat, Next, the keeper) runs from there. */
export const DEPLOYMENTS_DIRECTORY = process.env.FLUX_DEPLOYMENTS_DIR ?? path.resolve(process.cwd(), "deployments");

export function deploymentPath(network: string, directory = DEPLOYMENTS_DIRECTORY): string {
  return path.join(directory, `${network}.json`);
}

export function readDeployment(network: string, directory = DEPLOYMENTS_DIRECTORY): Deployment {
  const file = deploymentPath(network, directory);
  if (!fs.existsSync(file)) throw new Error(`No deployment for network "${network}": ${file} does not exist`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
}

export function writeDeployment(deployment: Deployment, directory = DEPLOYMENTS_DIRECTORY): string {
  const file = deploymentPath(deployment.network, directory);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(deployment, null, 2) + "\n");
  return file;
}

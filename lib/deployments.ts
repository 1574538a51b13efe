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

/** The chain's gas token, which nothing in the protocol holds but the keeper pays every transaction in. */
export interface NativeToken {
  /** As the chain names it: "ETH", "POL", "BNB". */
  symbol: string;
  /** A Chainlink AggregatorV3 feed quoting it in USD (on many chains not any vault token's feed). */
  feed: string;
}

export interface Deployment {
  network: string;
  chainId: number;
  /** The block the first contract was deployed in: where event scans start. */
  startBlock: number;
  deployer: string;
  owner: string;
  guardian: string;
  /** What gas is paid in and its USD feed; the keeper refuses to start without it rather than guess. */
  nativeToken?: NativeToken;
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

/**
 * Every address the deployment file names that someone reading the protocol calls: its tokens, pools and rate
 * models, and on the farming side the reward token, oracle, feeds, DEX factory and router, reward pair, lens and each
 * vault with its pair and farm. Lower-case, so a caller compares `address.toLowerCase()`. Implementations are left
 * out: everyone calls the proxies.
 */
export function deploymentAddresses(deployment: Deployment): Set<string> {
  const addresses: string[] = [
    ...Object.values(deployment.tokens).map((token) => token.address),
    ...Object.values(deployment.pools).flatMap((pool) => [pool.asset, pool.pool.address, pool.interestRateModel.address]),
  ];
  const farming = deployment.farming;
  if (farming) {
    addresses.push(
      farming.flux.address,
      farming.oracle.address,
      ...Object.values(farming.feeds),
      farming.uniswapFactory,
      farming.uniswapRouter,
      farming.rewardPair,
      farming.lens.address,
      ...Object.values(farming.vaults).flatMap((vault) => [vault.vault.address, vault.pair, vault.farm]),
    );
  }
  return new Set(addresses.filter((address) => typeof address === "string").map((address) => address.toLowerCase()));
}

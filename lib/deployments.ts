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

/**
 * `file` parsed as JSON, or an error naming the file: a deployment or progress file cut short (a full disk, a copy
 * interrupted, an editor) must say which file it is, not only where the JSON ended.
 */
export function readJsonFile<T>(file: string, what: string): T {
  const text = fs.readFileSync(file, "utf8");
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(
      `${file} (${what}) is not valid JSON: ${(error as Error).message} (${text.length} characters; ` +
        `${text.trim().length === 0 ? "it is empty" : "truncated or edited by hand?"}). Restore it from a backup or from version control`,
    );
  }
}

export function readDeployment(network: string, directory = DEPLOYMENTS_DIRECTORY): Deployment {
  const file = deploymentPath(network, directory);
  if (!fs.existsSync(file)) throw new Error(`No deployment for network "${network}": ${file} does not exist`);
  return readJsonFile<Deployment>(file, `the deployment file of network "${network}"`);
}

/** Writes `content` to `file` so that a crash leaves either the old file or the new one, never half of either. */
export function writeFileDurably(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = fs.openSync(temporary, "w");
  try {
    fs.writeSync(handle, content);
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  fs.renameSync(temporary, file);
  // The rename itself is durable once the directory is synced (not supported on every platform: best effort).
  try {
    const directory = fs.openSync(path.dirname(file), "r");
    fs.fsyncSync(directory);
    fs.closeSync(directory);
  } catch {
    /* the rename is still atomic */
  }
}


/** Writes deployments/<network>.json atomically (a reader sees the old file or the new one, never half). */
export function writeDeployment(deployment: Deployment, directory = DEPLOYMENTS_DIRECTORY): string {
  const file = deploymentPath(deployment.network, directory);
  writeFileDurably(file, JSON.stringify(deployment, null, 2) + "\n");
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

/**
 * The production deployment: Flux on a chain that already has its tokens, Chainlink feeds, a Uniswap V2-compatible
 * DEX and StakingRewards-compatible farms, all named by config/networks/<network>.json (lib/deployConfig.ts).
 *
 *   1. checks the config against the chain (every address has code, pairs belong to the factory, farms stake the
 *      pairs and pay the reward token, decimals match, every feed describes its token and agrees with the pairs'
 *      prices: priceSanity.ts; governance a real chain can trust: governanceChecks.ts) before sending anything;
 *   2. deploys the PriceOracle and sets a feed per token; one KinkedRateModel + LendingPool per pool; one
 *      StakingRewardsVault per vault (with its entry, exit and harvest modules); sets each pool's credit limit for the vaults that borrow from it;
 *   3. deploys a TimelockController (FluxTimelock) and hands it every contract: transferOwnership, then the
 *      timelock's acceptOwnership (Ownable2Step) as one batch operation, scheduled at once and executed as soon as
 *      the delay allows: within this run if the delay is short enough, else by a rerun (or any executor) later;
 *   4. writes deployments/<network>.json, the same format as the local deployment (lib/deployments.ts), plus the
 *      timelock and anything still pending.
 *
 * Idempotent: each deployment step's result goes to deployments/<network>.progress.json as soon as it is done, and a
 * rerun skips it; configuration and ownership steps compare the chain with the config and only send what differs.
 * A run that failed midway is continued by running it again.
 *
 * Crash-proof: every transaction is signed, recorded in the progress file (deployJournal.ts) and only then sent, and
 * a rerun first settles every recorded transaction (mined, replaced, or still pending: then it waits), so a run
 * killed with a transaction in flight is continued without sending that step twice. Implementations and ERC1967
 * proxies are therefore deployed here, through the journal, not by the plugin's deployProxy (which sends its own
 * transactions): the plugin still validates each implementation first and records it in its manifest afterwards.
 * Last, every contract the deployer's account created since the deployment's first nonce (read from the chain) must
 * be one the deployment file names, and after the hand-over owned by the timelock, or the run refuses to say done.
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, Contract, ZeroAddress, ZeroHash, isError, keccak256 } from "ethers";
import { Manifest } from "@openzeppelin/upgrades-core";
// The ERC1967Proxy the plugin itself deploys for UUPS proxies, so proxies deployed here are the ones it recognises.
import ERC1967_PROXY_ARTIFACT from "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";
import {
  DEPLOYMENTS_DIRECTORY,
  readJsonFile,
  writeDeployment,
  type DeployedContract,
  type DeployedPool,
  type DeployedVaultRecord,
  type Deployment,
} from "../../lib/deployments";
import { DeployConfigError, MAX_CREDIT_LIMIT, SEQUENCER_L2_CHAIN_IDS, toBaseUnits, type DeployConfig, type VaultConfig } from "../../lib/deployConfig";
import { DEFAULT_RESERVE_FACTOR_BPS, fTokenName } from "../../lib/pools";
import { STAKING_REWARDS_VAULT_MODULES, wiringArgs, type VaultWiring } from "./vaultImplementation";
import { DeployJournal, contractsCreatedSince, deployerWallet, writeFileDurably, type JournalRecord, type TransactionKind } from "./deployJournal";
import { AGGREGATOR_V3_ABI, isRevert } from "../../lib/priceFeeds";
import { reviewPrices } from "./priceSanity";
import { retryTransientRpcErrors, rpcFailureWords } from "./deployRpc";
import { acquireDeployLock, lockPath } from "./deployLock";
import { reviewGovernance } from "./governanceChecks";

const ERC20_ABI = ["function decimals() view returns (uint8)"];
const ROUTER_ABI = ["function factory() view returns (address)"];
const FACTORY_ABI = ["function getPair(address tokenA, address tokenB) view returns (address)"];
const PAIR_ABI = ["function token0() view returns (address)", "function token1() view returns (address)"];
const FARM_ABI = ["function stakingToken() view returns (address)", "function rewardsToken() view returns (address)"];
const OWNABLE_ABI = [
  "function owner() view returns (address)",
  "function pendingOwner() view returns (address)",
  "function transferOwnership(address newOwner)",
  "function acceptOwnership()",
];

/** The ABI of a token the protocol did not deploy. */
export const EXTERNAL_TOKEN_ARTIFACT = "IERC20Metadata";

/** An owner-only call the deployer could not make because the timelock already owns the contract. */
export interface GovernanceAction {
  description: string;
  target: string;
  data: string;
}

/** A timelock batch operation, with everything a proposer or executor needs to act on it. */
export interface TimelockOperationRecord {
  description: string;
  id: string;
  targets: string[];
  values: string[];
  payloads: string[];
  predecessor: string;
  salt: string;
  delaySeconds: number;
  state: "unscheduled" | "waiting" | "ready" | "done";
  /** When it may be executed (unix seconds), once scheduled. */
  readyAt?: number;
}

/** A contract the deployer's account created during the deployment, and what it is. */
export interface CreatedContract {
  nonce: number;
  address: string;
  what: string;
}

/** A vault record of a production deployment: the local format plus the modules its implementation delegatecalls. */
export type ProtocolVaultRecord = DeployedVaultRecord & { modules?: string[] };

/** deployments/<network>.json for a production deployment: the local format plus governance. */
export interface ProtocolDeployment extends Deployment {
  /** The config file it was deployed from. */
  config?: string;
  dex?: { name?: string; factory: string; router: string };
  timelock?: DeployedContract & { minDelaySeconds: number; proposers: string[]; executors: string[] };
  /** Until the timelock has accepted ownership of every contract: the timelock (`owner` is still the deployer). */
  pendingOwner?: string;
  /** Timelock operations of this deployment that still have to be scheduled or executed. */
  pendingOperations?: TimelockOperationRecord[];
  /** Owner calls needed to match the config that only the timelock can make now: schedule them through it. */
  governanceActions?: GovernanceAction[];
  /** Every contract the deployer's account created since the deployment's first nonce (read from the chain), by nonce. */
  createdContracts?: CreatedContract[];
}

interface TimelockStep {
  address: string;
  /** The deployer got proposer (and canceller) rights only to schedule the hand-over; it renounces them. */
  temporaryProposer: boolean;
  /** The deployer got executor rights only to execute the hand-over; it renounces them afterwards. */
  temporaryExecutor: boolean;
}

/** deployments/<network>.progress.json: what earlier runs did, and every transaction they sent (the journal). */
export interface DeployProgress extends JournalRecord {
  network: string;
  chainId: number;
  /** The chain's block 0 hash when the deployment started: a node reset (or another chain with the same id) has another. */
  genesisHash?: string;
  deployer: string;
  startBlock: number;
  /** Step name ("oracle", "pool:USDC", "vault:USDC-USDT", "timelock") to its result. */
  steps: Record<string, unknown>;
  /**
   * Written by hand: contracts the deployer created that are not part of the protocol (a test, a mistake), by address,
   * with why. The final account then names them instead of refusing; it still refuses any the deployer owns.
   */
  acknowledgedContracts?: Record<string, string>;
  updatedAt: string;
}

export interface DeployProtocolOptions {
  config: DeployConfig;
  /** Where deployments/<network>.json and the progress file go; deployments/ by default. */
  deploymentsDir?: string;
  log?: (line: string) => void;
  /** Throws right after this step is done, to rehearse a run that fails midway (FLUX_DEPLOY_FAIL_AFTER). */
  failAfterStep?: string;
}

export interface DeployProtocolResult {
  deployment: ProtocolDeployment;
  file: string;
  progressFile: string;
  /** Every contract is owned by the timelock and nothing is pending. */
  complete: boolean;
  /** The deployment steps this run did (none on a rerun after a complete run). */
  stepsRun: string[];
  /** Transactions this run sent, deployments included. */
  transactionsSent: number;
}

export function progressPath(network: string, directory = DEPLOYMENTS_DIRECTORY): string {
  return path.join(directory, `${network}.progress.json`);
}

export function readProgress(network: string, directory = DEPLOYMENTS_DIRECTORY): DeployProgress | undefined {
  const file = progressPath(network, directory);
  return fs.existsSync(file) ? readJsonFile<DeployProgress>(file, `the deploy's progress file and journal of network "${network}"`) : undefined;
}

const OPERATION_STATES = ["unscheduled", "waiting", "ready", "done"] as const;

/**
 * The deployment, run under the deployments folder's lock for the network (a second operator's run is refused, see
 * deployLock.ts) and with transient RPC errors retried with backoff (deployRpc.ts).
 */
export async function deployProtocol(hre: HardhatRuntimeEnvironment, options: DeployProtocolOptions): Promise<DeployProtocolResult> {
  const log = options.log ?? (() => {});
  const lock = acquireDeployLock(lockPath(hre.network.name, options.deploymentsDir ?? DEPLOYMENTS_DIRECTORY), log);
  const restore = retryTransientRpcErrors(hre.network.provider, { log });
  try {
    return await runDeployment(hre, options);
  } finally {
    restore();
    lock.release();
  }
}

async function runDeployment(hre: HardhatRuntimeEnvironment, options: DeployProtocolOptions): Promise<DeployProtocolResult> {
  const { ethers, upgrades } = hre;
  const { config } = options;
  const log = options.log ?? (() => {});
  const directory = options.deploymentsDir ?? DEPLOYMENTS_DIRECTORY;
  const network = hre.network.name;

  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error(`No account to deploy with on ${network}: set DEPLOYER_PRIVATE_KEY (see .env.example)`);
  const deployerAddress = deployer.address;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  if (config.chainId !== undefined && config.chainId !== chainId) {
    throw new Error(`${config.source} is for chain id ${config.chainId}, but network ${network} is chain id ${chainId}`);
  }

  // ---------------------------------------------------------------- progress of earlier runs
  const progressFile = progressPath(network, directory);
  const progress: DeployProgress = readProgress(network, directory) ?? {
    network,
    chainId,
    deployer: deployerAddress,
    startBlock: await ethers.provider.getBlockNumber(),
    steps: {},
    updatedAt: new Date().toISOString(),
  };
  if (progress.chainId !== chainId) {
    throw new Error(`${progressFile} records a deployment on chain id ${progress.chainId}, not ${chainId}: wrong network or wrong file`);
  }
  if (progress.deployer.toLowerCase() !== deployerAddress.toLowerCase()) {
    throw new Error(
      `${progressFile} was started by ${progress.deployer}, which owns what it deployed; rerun with that key, not ${deployerAddress}`,
    );
  }
  const saveProgress = () => {
    progress.updatedAt = new Date().toISOString();
    writeFileDurably(progressFile, JSON.stringify(progress, null, 2) + "\n");
  };

  // ---------------------------------------------------------------- transactions of earlier runs, settled first
  const wallet = deployerWallet(hre);
  if (wallet.address !== deployerAddress) {
    throw new Error(
      `DEPLOYER_PRIVATE_KEY is the key of ${wallet.address}, but network ${network}'s first account is ${deployerAddress}: ` +
        `the deployer must be the first account (hardhat.config.ts puts DEPLOYER_PRIVATE_KEY first)`,
    );
  }
  const journal = new DeployJournal({ hre, wallet, record: progress, save: saveProgress, log });
  const resumed = Object.keys(progress.steps).length > 0 || journal.transactions.length > 0;
  log(`network ${network} (chain id ${chainId}), deployer ${deployerAddress}, config ${config.source}`);
  if (resumed) log(`continuing the deployment recorded in ${progressFile}`);
  // Before anything is broadcast, the recorded transactions included: is this the chain the journal was written on?
  const genesisHash = (await ethers.provider.getBlock(0))?.hash ?? undefined;
  refuseResetChain(progress, { genesisHash, nonce: await ethers.provider.getTransactionCount(deployerAddress, "latest"), network, progressFile, directory });
  if (genesisHash && !progress.genesisHash) {
    progress.genesisHash = genesisHash;
    saveProgress();
  }
  await journal.settle();
  if (progress.startNonce === undefined) {
    // Where the final account of created contracts starts: a fresh deployment at the deployer's nonce now; one whose
    // progress file predates the journal at the deployer's nonce at the block it started (which a pruned node may not
    // know: then from now on, said so).
    const nonceNow = () => ethers.provider.getTransactionCount(deployerAddress, "latest");
    progress.startNonce = resumed
      ? await ethers.provider.getTransactionCount(deployerAddress, progress.startBlock).catch(() => {
          log(`! the node cannot tell the deployer's nonce at block ${progress.startBlock}: contracts are accounted for from its nonce now`);
          return nonceNow();
        })
      : await nonceNow();
  }
  for (const address of recordedAddresses(progress.steps)) {
    if ((await ethers.provider.getCode(address)) === "0x") {
      throw new Error(
        `${progressFile} records a contract at ${address}, but there is no code there: the chain was reset or the file belongs ` +
          `to another chain. Move the file away to deploy afresh.`,
      );
    }
  }

  // ---------------------------------------------------------------- the config against the chain
  const facts = await inspectChain(hre, config, log);
  saveProgress();

  const stepsRun: string[] = [];
  const countFrom = await ethers.provider.getTransactionCount(deployerAddress);

  const step = async <T>(key: string, description: string, run: () => Promise<T>): Promise<T> => {
    if (key in progress.steps) {
      log(`= ${description}: done earlier`);
      return structuredClone(progress.steps[key]) as T;
    }
    log(`+ ${description}`);
    const result = await run();
    stepsRun.push(key);
    progress.steps[key] = result;
    saveProgress();
    if (options.failAfterStep === key) {
      throw new Error(`Stopped after step "${key}" as FLUX_DEPLOY_FAIL_AFTER asked; run again to continue`);
    }
    return structuredClone(result);
  };
  /** An owner or timelock call, recorded in the journal before it is sent. */
  const send = (kind: TransactionKind, description: string, target: string, data: string) => journal.call(description, kind, target, data);
  const governanceActions: GovernanceAction[] = [];
  /** Sends an owner-only call if the deployer still owns `target`, else records it for the timelock's proposers. */
  const asOwner = async (target: string, abi: readonly string[] | Contract["interface"], description: string, method: string, args: unknown[]) => {
    const contract = new Contract(target, abi as never, deployer);
    const data = contract.interface.encodeFunctionData(method, args);
    const owner = String(await new Contract(target, OWNABLE_ABI, deployer).owner());
    if (owner.toLowerCase() === deployerAddress.toLowerCase()) {
      await send("configuration", description, target, data);
    } else {
      governanceActions.push({ description, target, data });
      log(`! ${description}: ${target} is owned by ${owner}; schedule it through the timelock (listed in the deployment file)`);
    }
  };

  const proxyFactory = await ethers.getContractFactory(ERC1967_PROXY_ARTIFACT.abi, ERC1967_PROXY_ARTIFACT.bytecode, deployer);
  /** A plain contract (no proxy), created through the journal. */
  const createContract = async (purpose: string, kind: TransactionKind, contractName: string, constructorArgs: unknown[]) => {
    const factory = await ethers.getContractFactory(contractName, deployer);
    return journal.create(purpose, kind, (await factory.getDeployTransaction(...constructorArgs)).data);
  };
  /**
   * `contractName`'s implementation and a UUPS proxy initialized in its constructor (one transaction, so nobody can
   * initialize it first), as the plugin's deployProxy would: the plugin validates the implementation before anything
   * is sent and records proxy and implementation in its manifest after, for upgrades.
   */
  const deployUupsProxy = async (key: string, contractName: string, initializerArgs: unknown[], constructorArgs: unknown[] = []) => {
    const factory = await ethers.getContractFactory(contractName, deployer);
    // The plugin reads constructorArgs here although its ValidationOptions type omits it.
    const validation = { kind: "uups" as const, constructorArgs } as Parameters<typeof upgrades.validateImplementation>[1];
    await upgrades.validateImplementation(factory, validation);
    const implementation = await journal.create(`${key}/implementation`, "implementation", (await factory.getDeployTransaction(...constructorArgs)).data);
    const initializer = factory.interface.encodeFunctionData("initialize", initializerArgs);
    const proxy = await journal.create(`${key}/proxy`, "proxy", (await proxyFactory.getDeployTransaction(implementation, initializer)).data);
    await upgrades.forceImport(proxy, factory, validation);
    return { address: proxy, implementation };
  };
  /** A vault's three modules for `wiring`, validated and recorded in the manifest as the plugin's deployImplementation would. */
  const deployVaultModules = async (key: string, wiring: VaultWiring): Promise<string[]> => {
    const modules: string[] = [];
    for (const name of STAKING_REWARDS_VAULT_MODULES) {
      const factory = await ethers.getContractFactory(name, deployer);
      // A module has no initializer: it runs inside the vault, which the vault's initializer set up.
      const validation = { constructorArgs: wiringArgs(wiring), unsafeAllow: ["missing-initializer", "missing-initializer-call"] } as Parameters<
        typeof upgrades.validateImplementation
      >[1];
      await upgrades.validateImplementation(factory, validation);
      const address = await journal.create(`${key}/module:${name}`, "implementation", (await factory.getDeployTransaction(...wiringArgs(wiring))).data);
      await upgrades.forceImport(address, factory, validation);
      modules.push(address);
    }
    return modules;
  };

  // ---------------------------------------------------------------- oracle and feeds
  const oracleRecord = await step<DeployedContract>("oracle", "PriceOracle (UUPS proxy)", async () => {
    const { address, implementation } = await deployUupsProxy("oracle", "PriceOracle", [deployerAddress]);
    return { address, artifact: "PriceOracle", implementation };
  });
  const oracle = await ethers.getContractAt("PriceOracle", oracleRecord.address, deployer);
  for (const token of Object.values(config.tokens)) {
    const [feed, staleness] = await oracle.feedOf(token.address);
    if (feed.toLowerCase() !== token.feed.toLowerCase() || Number(staleness) !== token.maxStalenessSeconds) {
      await asOwner(oracleRecord.address, oracle.interface, `oracle.setFeed(${token.symbol}, ${token.feed}, ${token.maxStalenessSeconds} s)`, "setFeed", [
        token.address,
        token.feed,
        token.maxStalenessSeconds,
      ]);
    }
  }

  // The L2 sequencer's uptime feed, set while the deployer still owns the oracle (before the hand-over).
  if (config.sequencer) {
    const { uptimeFeed, gracePeriodSeconds } = config.sequencer;
    const [feed, grace] = await oracle.sequencerUptimeFeed();
    if (feed.toLowerCase() !== uptimeFeed.toLowerCase() || Number(grace) !== gracePeriodSeconds) {
      await asOwner(
        oracleRecord.address,
        oracle.interface,
        `oracle.setSequencerUptimeFeed(${uptimeFeed}, ${gracePeriodSeconds} s)`,
        "setSequencerUptimeFeed",
        [uptimeFeed, gracePeriodSeconds],
      );
    }
  }

  // ---------------------------------------------------------------- pools
  const pools: Record<string, DeployedPool> = {};
  for (const poolConfig of Object.values(config.pools)) {
    const { symbol } = poolConfig;
    const token = config.tokens[symbol];
    pools[symbol] = await step<DeployedPool>(`pool:${symbol}`, `f${symbol} pool (UUPS proxy) and its KinkedRateModel`, async () => {
      // As deployCorePools.deployPool does, one transaction at a time through the journal.
      const { rateModel } = poolConfig;
      const model = await createContract(`pool:${symbol}/rateModel`, "contract", "KinkedRateModel", [
        rateModel.baseRatePerYear,
        rateModel.rateAtOptimalPerYear,
        rateModel.rateAtFullPerYear,
        rateModel.optimalUtilization,
      ]);
      const fToken = fTokenName(symbol);
      const reserveFactorBps = poolConfig.reserveFactorBps ?? DEFAULT_RESERVE_FACTOR_BPS;
      // The asset is an immutable of the implementation: each pool gets its own.
      const pool = await deployUupsProxy(
        `pool:${symbol}`,
        "LendingPool",
        [fToken.name, fToken.symbol, model, reserveFactorBps, deployerAddress, config.guardian],
        [token.address],
      );
      return {
        asset: token.address,
        symbol,
        decimals: facts.decimals[symbol],
        pool: { address: pool.address, artifact: "LendingPool", implementation: pool.implementation },
        interestRateModel: { address: model, artifact: "KinkedRateModel" },
      };
    });
  }

  // The config may have changed since a pool was deployed: its reserve factor follows; a new rate model is a new
  // contract, left to the operator.
  for (const poolConfig of Object.values(config.pools)) {
    const record = pools[poolConfig.symbol];
    const pool = await ethers.getContractAt("LendingPool", record.pool.address, deployer);
    const configuration = await pool.configuration();
    if (Number(configuration.reserveFactorBps) !== poolConfig.reserveFactorBps) {
      await asOwner(record.pool.address, pool.interface, `f${poolConfig.symbol}.setReserveFactor(${poolConfig.reserveFactorBps})`, "setReserveFactor", [
        poolConfig.reserveFactorBps,
      ]);
    }
    const incentive = toBaseUnits(poolConfig.liquidationIncentive, facts.decimals[poolConfig.symbol], MAX_CREDIT_LIMIT);
    if ((await pool.liquidationIncentive()) !== incentive) {
      await asOwner(record.pool.address, pool.interface, `f${poolConfig.symbol}.setLiquidationIncentive(${incentive})`, "setLiquidationIncentive", [
        incentive,
      ]);
    }
    const model = await ethers.getContractAt("KinkedRateModel", String(configuration.interestRateModel), deployer);
    const wanted = poolConfig.rateModel;
    const [base, atOptimal, atFull, optimal] = await Promise.all([
      model.baseRatePerYear(),
      model.rateAtOptimalPerYear(),
      model.rateAtFullPerYear(),
      model.optimalUtilization(),
    ]);
    if (base !== wanted.baseRatePerYear || atOptimal !== wanted.rateAtOptimalPerYear || atFull !== wanted.rateAtFullPerYear || optimal !== wanted.optimalUtilization) {
      log(
        `! f${poolConfig.symbol}'s rate model ${configuration.interestRateModel} differs from the config: deploy a KinkedRateModel ` +
          `with the new parameters and have the owner call setInterestRateModel`,
      );
    }
  }

  // ---------------------------------------------------------------- vaults and credit limits
  const vaults: Record<string, ProtocolVaultRecord> = {};
  for (const vaultConfig of Object.values(config.vaults)) {
    const { name } = vaultConfig;
    const { token0, token1 } = facts.vaults[name];
    const [cap0, cap1] = debtCaps(vaultConfig, token0, token1, facts.decimals);
    const record = await step<ProtocolVaultRecord>(`vault:${name}`, `${name} StakingRewardsVault (UUPS proxy)`, async () => {
      const wiring: VaultWiring = {
        pair: vaultConfig.pair,
        pool0: pools[token0].pool.address,
        pool1: pools[token1].pool.address,
        oracle: oracleRecord.address,
        farm: vaultConfig.farm,
        rewardPair: config.rewards.pair,
      };
      const modules = await deployVaultModules(`vault:${name}`, wiring);
      const vault = await deployUupsProxy(
        `vault:${name}`,
        "StakingRewardsVault",
        [deployerAddress, config.guardian, vaultConfig.risk, cap0, cap1],
        [...wiringArgs(wiring), ...modules],
      );
      return {
        name,
        vault: { address: vault.address, artifact: "StakingRewardsVault", implementation: vault.implementation },
        modules,
        pair: vaultConfig.pair,
        farm: vaultConfig.farm,
        token0,
        token1,
      };
    });
    vaults[name] = record;

    // The config may have changed since the vault was deployed: bring its parameters in line.
    const vault = await ethers.getContractAt("StakingRewardsVault", record.vault.address, deployer);
    const risk = await vault.riskParameters();
    const wanted = vaultConfig.risk;
    const differs = (Object.keys(wanted) as Array<keyof typeof wanted>).some((key) => BigInt(risk[key]) !== BigInt(wanted[key]));
    if (differs) {
      await asOwner(record.vault.address, vault.interface, `${name}.setRiskParameters`, "setRiskParameters", [wanted]);
    }
    const [maxDebt0, maxDebt1] = await vault.configuration();
    const uint128Max = (1n << 128n) - 1n;
    const clamp = (value: bigint) => (value > uint128Max ? uint128Max : value);
    if (maxDebt0 !== clamp(cap0) || maxDebt1 !== clamp(cap1)) {
      await asOwner(record.vault.address, vault.interface, `${name}.setDebtCaps(${cap0}, ${cap1})`, "setDebtCaps", [cap0, cap1]);
    }
    for (const symbol of [token0, token1]) {
      const amount = vaultConfig.creditLimits[symbol] ?? vaultConfig.debtCaps[symbol];
      const limit = toBaseUnits(amount, facts.decimals[symbol], MAX_CREDIT_LIMIT);
      const pool = await ethers.getContractAt("LendingPool", pools[symbol].pool.address, deployer);
      const [, current] = await pool.borrowerAccount(record.vault.address);
      if (current !== limit) {
        await asOwner(pools[symbol].pool.address, pool.interface, `f${symbol}.setCreditLimit(${name} vault, ${limit})`, "setCreditLimit", [
          record.vault.address,
          limit,
        ]);
      }
    }
  }

  // ---------------------------------------------------------------- the lens (stateless, owned by nobody)
  const lensRecord = await step<DeployedContract>("lens", "VaultLens", async () => {
    return { address: await createContract("lens", "contract", "VaultLens", []), artifact: "VaultLens" };
  });

  // ---------------------------------------------------------------- the timelock
  const timelockConfig = config.timelock;
  const isDeployer = (address: string) => address.toLowerCase() === deployerAddress.toLowerCase();
  const timelockRecord = await step<TimelockStep>("timelock", `FluxTimelock (delay ${timelockConfig.minDelaySeconds} s)`, async () => {
    const temporaryProposer = !timelockConfig.proposers.some(isDeployer);
    const temporaryExecutor = !timelockConfig.executors.includes(ZeroAddress) && !timelockConfig.executors.some(isDeployer);
    const address = await createContract("timelock", "contract", "FluxTimelock", [
      timelockConfig.minDelaySeconds,
      temporaryProposer ? [...timelockConfig.proposers, deployerAddress] : timelockConfig.proposers,
      temporaryExecutor ? [...timelockConfig.executors, deployerAddress] : timelockConfig.executors,
      timelockConfig.admin,
    ]);
    return { address, temporaryProposer, temporaryExecutor };
  });
  const timelock = await ethers.getContractAt("FluxTimelock", timelockRecord.address, deployer);
  const minDelay = Number(await timelock.getMinDelay());
  if (minDelay !== timelockConfig.minDelaySeconds) {
    log(`! the timelock's delay is ${minDelay} s, the config says ${timelockConfig.minDelaySeconds} s: change it through the timelock (updateDelay)`);
  }
  const [PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE] = await Promise.all([
    timelock.PROPOSER_ROLE(),
    timelock.CANCELLER_ROLE(),
    timelock.EXECUTOR_ROLE(),
  ]);

  // ---------------------------------------------------------------- hand-over: transferOwnership, then acceptOwnership
  const owned: { label: string; address: string }[] = [
    { label: "PriceOracle", address: oracleRecord.address },
    ...Object.values(pools).map((pool) => ({ label: `f${pool.symbol} pool`, address: pool.pool.address })),
    ...Object.values(vaults).map((vault) => ({ label: `${vault.name} vault`, address: vault.vault.address })),
  ];
  const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const toAccept: { label: string; address: string }[] = [];
  for (const contract of owned) {
    const ownable = new Contract(contract.address, OWNABLE_ABI, deployer);
    const owner = String(await ownable.owner());
    if (sameAddress(owner, timelockRecord.address)) continue;
    toAccept.push(contract);
    if (sameAddress(String(await ownable.pendingOwner()), timelockRecord.address)) continue;
    if (!isDeployer(owner)) {
      throw new Error(`The ${contract.label} (${contract.address}) is owned by ${owner}, neither the deployer nor the timelock: hand it over by hand`);
    }
    await send(
      "hand-over",
      `${contract.label}.transferOwnership(timelock)`,
      contract.address,
      ownable.interface.encodeFunctionData("transferOwnership", [timelockRecord.address]),
    );
  }

  const pendingOperations: TimelockOperationRecord[] = [];
  let handedOver = toAccept.length === 0;
  if (toAccept.length > 0) {
    const targets = toAccept.map((contract) => contract.address);
    const acceptOwnership = new Contract(ZeroAddress, OWNABLE_ABI).interface.encodeFunctionData("acceptOwnership");
    const operation: TimelockOperationRecord = {
      description: `the timelock accepts ownership of ${toAccept.map((contract) => contract.label).join(", ")}`,
      id: ZeroHash,
      targets,
      values: targets.map(() => "0"),
      payloads: targets.map(() => acceptOwnership),
      predecessor: ZeroHash,
      // The same contracts give the same salt, so a rerun finds the operation it scheduled before.
      salt: keccak256(AbiCoder.defaultAbiCoder().encode(["string", "address[]"], ["flux.deploy.acceptOwnership", targets])),
      delaySeconds: minDelay,
      state: "unscheduled",
    };
    operation.id = await timelock.hashOperationBatch(targets, operation.values, operation.payloads, operation.predecessor, operation.salt);
    const stateOf = async () => OPERATION_STATES[Number(await timelock.getOperationState(operation.id))];
    operation.state = await stateOf();
    if (operation.state === "unscheduled") {
      if (await timelock.hasRole(PROPOSER_ROLE, deployerAddress)) {
        await send(
          "hand-over",
          `timelock.scheduleBatch(acceptOwnership x ${targets.length}, delay ${minDelay} s)`,
          timelockRecord.address,
          timelock.interface.encodeFunctionData("scheduleBatch", [targets, operation.values, operation.payloads, operation.predecessor, operation.salt, minDelay]),
        );
        operation.state = await stateOf();
      } else {
        log(`! the deployer is not a proposer: a proposer must schedule ${operation.description} (operation ${operation.id})`);
      }
    }
    if (operation.state === "waiting") {
      operation.readyAt = Number(await timelock.getTimestamp(operation.id));
      const now = Math.max((await ethers.provider.getBlock("latest"))!.timestamp, Math.floor(Date.now() / 1000));
      const wait = operation.readyAt - now;
      if (wait <= timelockConfig.waitForExecutionSeconds) {
        log(`  waiting ${Math.max(wait, 0) + 1} s for the timelock's delay`);
        await new Promise((resolve) => setTimeout(resolve, (Math.max(wait, 0) + 1) * 1000));
        // Ready for the next block? (A view at the latest block can lag on a chain that mines only on demand.)
        try {
          await timelock.executeBatch.estimateGas(targets, operation.values, operation.payloads, operation.predecessor, operation.salt);
          operation.state = "ready";
        } catch {
          operation.state = await stateOf();
        }
      }
    }
    if (operation.state === "ready") {
      const mayExecute =
        (await timelock.hasRole(EXECUTOR_ROLE, ZeroAddress)) || (await timelock.hasRole(EXECUTOR_ROLE, deployerAddress));
      if (mayExecute) {
        await send(
          "hand-over",
          `timelock.executeBatch(acceptOwnership x ${targets.length})`,
          timelockRecord.address,
          timelock.interface.encodeFunctionData("executeBatch", [targets, operation.values, operation.payloads, operation.predecessor, operation.salt]),
        );
        operation.state = await stateOf();
      } else {
        log(`! an executor must now execute ${operation.description} (operation ${operation.id})`);
      }
    }
    if (operation.state === "done") {
      handedOver = true;
    } else {
      if (operation.state !== "unscheduled" && operation.readyAt === undefined) {
        operation.readyAt = Number(await timelock.getTimestamp(operation.id));
      }
      pendingOperations.push(operation);
      if (operation.state === "waiting") {
        log(
          `! ownership is pending: ${operation.description} is scheduled and can be executed from ` +
            `${new Date(operation.readyAt! * 1000).toISOString()}; run the deploy again then (or let an executor execute it)`,
        );
      }
    }
  }

  // The deployer's temporary rights end as soon as they have served: proposing once the hand-over is scheduled,
  // executing once it is done.
  const scheduled = pendingOperations.every((operation) => operation.state !== "unscheduled");
  if (timelockRecord.temporaryProposer && scheduled) {
    for (const [name, role] of [["proposer", PROPOSER_ROLE], ["canceller", CANCELLER_ROLE]] as const) {
      if (await timelock.hasRole(role, deployerAddress)) {
        await send("hand-over", `timelock.renounceRole(${name}, deployer)`, timelockRecord.address, timelock.interface.encodeFunctionData("renounceRole", [role, deployerAddress]));
      }
    }
  }
  if (timelockRecord.temporaryExecutor && handedOver && (await timelock.hasRole(EXECUTOR_ROLE, deployerAddress))) {
    await send(
      "hand-over",
      "timelock.renounceRole(executor, deployer)",
      timelockRecord.address,
      timelock.interface.encodeFunctionData("renounceRole", [EXECUTOR_ROLE, deployerAddress]),
    );
  }

  // ---------------------------------------------------------------- the deployment file
  // What each contract the deployment created is, for the final account: the implementations deployed with the
  // proxies are named before an upgrade's replace them in the records.
  const named = new Map<string, string>();
  const nameContract = (address: string | undefined, what: string) => {
    if (address && !named.has(address.toLowerCase())) named.set(address.toLowerCase(), what);
  };
  const nameProxies = () => {
    nameContract(oracleRecord.address, "PriceOracle proxy");
    nameContract(oracleRecord.implementation, "PriceOracle implementation");
    for (const pool of Object.values(pools)) {
      nameContract(pool.pool.address, `f${pool.symbol} pool proxy`);
      nameContract(pool.pool.implementation, `f${pool.symbol} pool implementation`);
      nameContract(pool.interestRateModel.address, `f${pool.symbol} rate model`);
    }
    for (const vault of Object.values(vaults)) {
      nameContract(vault.vault.address, `${vault.name} vault proxy`);
      nameContract(vault.vault.implementation, `${vault.name} vault implementation`);
      (vault.modules ?? []).forEach((module, index) => nameContract(module, `${vault.name} vault module ${STAKING_REWARDS_VAULT_MODULES[index]}`));
    }
  };
  nameProxies();
  const implementationOf = (address: string) => upgrades.erc1967.getImplementationAddress(address);
  for (const pool of Object.values(pools)) pool.pool.implementation = await implementationOf(pool.pool.address);
  for (const vault of Object.values(vaults)) vault.vault.implementation = await implementationOf(vault.vault.address);
  oracleRecord.implementation = await implementationOf(oracleRecord.address);
  const rewardToken = config.tokens[config.rewards.token];
  const deployment: ProtocolDeployment = {
    network,
    chainId,
    startBlock: progress.startBlock,
    deployer: deployerAddress,
    owner: handedOver ? timelockRecord.address : deployerAddress,
    guardian: config.guardian,
    nativeToken: config.nativeToken,
    tokens: Object.fromEntries(
      Object.values(config.tokens).map((token) => [
        token.symbol,
        { address: token.address, artifact: EXTERNAL_TOKEN_ARTIFACT, decimals: facts.decimals[token.symbol] },
      ]),
    ),
    pools,
    farming: {
      flux: { address: rewardToken.address, artifact: EXTERNAL_TOKEN_ARTIFACT },
      oracle: oracleRecord,
      feeds: Object.fromEntries(Object.values(config.tokens).map((token) => [token.symbol, token.feed])),
      uniswapFactory: config.dex.factory,
      uniswapRouter: config.dex.router,
      rewardPair: config.rewards.pair,
      lens: lensRecord,
      vaults,
    },
    updatedAt: new Date().toISOString(),
    config: config.source,
    dex: config.dex,
    timelock: {
      address: timelockRecord.address,
      artifact: "FluxTimelock",
      minDelaySeconds: minDelay,
      proposers: timelockConfig.proposers,
      executors: timelockConfig.executors,
    },
    pendingOwner: handedOver ? undefined : timelockRecord.address,
    pendingOperations: pendingOperations.length > 0 ? pendingOperations : undefined,
    governanceActions: governanceActions.length > 0 ? governanceActions : undefined,
  };
  // An upgrade since (scripts/upgrade.ts) may have given a proxy a new implementation contract: keep its ABI.
  const previousFile = path.join(directory, `${network}.json`);
  if (fs.existsSync(previousFile)) {
    const previous = readJsonFile<ProtocolDeployment>(previousFile, `the deployment file of network "${network}"`);
    const artifacts = new Map<string, string>();
    for (const pool of Object.values(previous.pools ?? {})) artifacts.set(pool.pool.address, pool.pool.artifact);
    for (const vault of Object.values(previous.farming?.vaults ?? {})) artifacts.set(vault.vault.address, vault.vault.artifact);
    if (previous.farming?.oracle) artifacts.set(previous.farming.oracle.address, previous.farming.oracle.artifact);
    for (const record of [...Object.values(pools).map((pool) => pool.pool), ...Object.values(vaults).map((vault) => vault.vault), oracleRecord]) {
      record.artifact = artifacts.get(record.address) ?? record.artifact;
    }
  }
  nameProxies();
  nameContract(lensRecord.address, "VaultLens");
  nameContract(timelockRecord.address, "FluxTimelock");
  for (const [address, why] of Object.entries(progress.acknowledgedContracts ?? {})) nameContract(address, `not part of the protocol: ${why}`);
  const account = await accountForCreatedContracts(hre, {
    deployer: deployerAddress,
    startNonce: progress.startNonce!,
    named,
    timelock: handedOver ? timelockRecord.address : undefined,
  });
  deployment.createdContracts = account.created;
  const file = writeDeployment(deployment, directory);

  const transactionsSent = (await ethers.provider.getTransactionCount(deployerAddress)) - countFrom;
  log(`wrote ${file}`);
  if (account.problems.length > 0) {
    throw new Error(
      `Not done: ${account.problems.length} of the ${account.created.length} contracts the deployer ${deployerAddress} created since ` +
        `its nonce ${progress.startNonce} are not accounted for:\n  - ${account.problems.join("\n  - ")}\n` +
        `Each is live on chain; its creation transaction is the deployer's at that nonce. Find out what it is: one that is not ` +
        `part of the protocol goes under "acknowledgedContracts" in ${progressFile} ({ "<address>": "<why>" }), and one that is ` +
        `owned by the deployer must be handed to the timelock or disowned (renounceOwnership) first; then run again.`,
    );
  }
  // Done means the deployer is out of governance too: no timelock role left that one key could use.
  const DEFAULT_ADMIN_ROLE = await timelock.DEFAULT_ADMIN_ROLE();
  const rolesHeld: string[] = [];
  for (const [name, role] of [["proposer", PROPOSER_ROLE], ["canceller", CANCELLER_ROLE], ["executor", EXECUTOR_ROLE], ["admin", DEFAULT_ADMIN_ROLE]] as const) {
    if (await timelock.hasRole(role, deployerAddress)) rolesHeld.push(name);
  }
  const complete = handedOver && pendingOperations.length === 0 && governanceActions.length === 0 && rolesHeld.length === 0;
  log(
    complete
      ? `done: every contract is owned by the timelock ${timelockRecord.address}, and the deployer holds no timelock role`
      : `not finished: ${pendingOperations.length} timelock operation(s) and ${governanceActions.length} owner call(s) pending (see ${file})` +
          (rolesHeld.length > 0
            ? `; the deployer ${deployerAddress} still holds the timelock's ${rolesHeld.join(", ")} role(s)` +
              (handedOver ? " (named in the config's timelock settings, or not yet renounced): not done while it does" : ", renounced once the hand-over is done")
            : ""),
  );
  return { deployment, file, progressFile, complete, stepsRun, transactionsSent };
}

// ---------------------------------------------------------------------------------------------- helpers

/**
 * Refuses, before anything is broadcast, a chain that is not the one the journal was written on: another genesis
 * block (a development node restarted empty, a reset testnet, another chain with the same id), or a deployer whose
 * nonce is below what the journal saw mined (the chain lost those transactions). Re-broadcasting the journal's signed
 * transactions there would replay the old deployment's tail onto a new chain, so the words say what to do instead.
 */
export function refuseResetChain(
  progress: DeployProgress,
  chain: { genesisHash?: string; nonce: number; network: string; progressFile: string; directory: string },
): void {
  const settledNonces = (progress.transactions ?? []).filter((entry) => entry.state !== "sent").map((entry) => entry.nonce);
  const highest = settledNonces.length > 0 ? Math.max(...settledNonces) : undefined;
  let why: string | undefined;
  if (progress.genesisHash && chain.genesisHash && progress.genesisHash !== chain.genesisHash) {
    why = `its genesis block is ${chain.genesisHash}, but the journal was written on a chain whose genesis block is ${progress.genesisHash}`;
  } else if (highest !== undefined && chain.nonce <= highest) {
    why = `the deployer's nonce there is ${chain.nonce}, but the journal saw its transaction with nonce ${highest} mined`;
  } else if (progress.startNonce !== undefined && chain.nonce < progress.startNonce) {
    why = `the deployer's nonce there is ${chain.nonce}, below the nonce ${progress.startNonce} the deployment started at`;
  }
  if (!why) return;
  throw new Error(
    `Network ${chain.network} is not the chain ${chain.progressFile} records: ${why}. The node was reset or replaced ` +
      `(a restarted development node starts empty), or the RPC URL points at another chain. Nothing was sent, and the ` +
      `journal's signed transactions must not be: they belong to the old chain. If the node is the wrong one, point the ` +
      `network's RPC URL at the right node and run again. If the chain really started over (a rehearsal node restarted), ` +
      `the old deployment is gone with it: move ${chain.progressFile}, ${path.join(chain.directory, `${chain.network}.json`)} and the ` +
      `OpenZeppelin manifest for this chain id (${path.join(chain.directory, ".openzeppelin")} or .openzeppelin/) away, then deploy afresh.`,
  );
}

/**
 * Every contract the deployer's account created since `startNonce`, read from the chain (a creation at nonce n puts
 * its contract at the address n decides), each named from what the deployment file records or the plugin's manifest
 * knows as an implementation (an upgrade's). A contract neither names is a problem, and so, once the timelock owns
 * the protocol (`timelock` given), is a created contract owned by anyone else.
 */
async function accountForCreatedContracts(
  hre: HardhatRuntimeEnvironment,
  options: { deployer: string; startNonce: number; named: Map<string, string>; timelock?: string },
): Promise<{ created: CreatedContract[]; problems: string[] }> {
  const manifestImplementations = new Set<string>();
  const manifest = await Manifest.forNetwork(hre.network.provider);
  for (const implementation of Object.values((await manifest.read()).impls)) {
    for (const address of [implementation!.address, ...(implementation!.allAddresses ?? [])]) manifestImplementations.add(address.toLowerCase());
  }
  const created: CreatedContract[] = [];
  const problems: string[] = [];
  for (const { nonce, address } of await contractsCreatedSince(hre, options.deployer, options.startNonce)) {
    const what =
      options.named.get(address.toLowerCase()) ??
      (manifestImplementations.has(address.toLowerCase()) ? "an implementation in the OpenZeppelin manifest (an upgrade's)" : undefined);
    if (!what) {
      problems.push(`${address} (nonce ${nonce}) is in no record of this deployment`);
      created.push({ nonce, address, what: "NOT ACCOUNTED FOR: in no record of this deployment" });
      continue;
    }
    created.push({ nonce, address, what });
    if (options.timelock) {
      // Implementations, modules, rate models, the lens and the timelock have no owner (or none set): only proxies answer.
      const owner = await new Contract(address, OWNABLE_ABI, hre.ethers.provider).owner().then(String, () => ZeroAddress);
      if (owner !== ZeroAddress && owner.toLowerCase() !== options.timelock.toLowerCase()) {
        problems.push(`${address} (nonce ${nonce}, ${what}) is owned by ${owner}, not the timelock ${options.timelock}`);
      }
    }
  }
  return { created, problems };
}

function debtCaps(vault: VaultConfig, token0: string, token1: string, decimals: Record<string, number>): [bigint, bigint] {
  const cap = (symbol: string) => toBaseUnits(vault.debtCaps[symbol], decimals[symbol], (1n << 256n) - 1n);
  return [cap(token0), cap(token1)];
}

/** Every address an earlier run recorded. */
function recordedAddresses(steps: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) found.add(value);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(steps);
  return [...found];
}

interface ChainFacts {
  decimals: Record<string, number>;
  /** Each vault's tokens, by symbol, in the pair's order. */
  vaults: Record<string, { token0: string; token1: string }>;
}

/** Checks the config against the chain before anything is sent; every problem is reported at once. */
async function inspectChain(hre: HardhatRuntimeEnvironment, config: DeployConfig, log: (line: string) => void): Promise<ChainFacts> {
  const { provider } = hre.ethers;
  const problems: string[] = [];
  const facts: ChainFacts = { decimals: {}, vaults: {} };
  const contract = (address: string, abi: string[]) => new Contract(address, abi, provider);
  const hasCode = async (address: string, field: string): Promise<boolean> => {
    if ((await provider.getCode(address)) !== "0x") return true;
    problems.push(`${field} (${address}) is not a contract on this chain`);
    return false;
  };
  const unchecked: string[] = [];
  const read = async <T>(field: string, what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      // A revert is the contract's answer; anything else is the node's failure, which says nothing about the config.
      if (isRevert(error) || isError(error, "BAD_DATA")) problems.push(`${field} does not answer ${what}: is it the right kind of contract?`);
      else unchecked.push(`${field}: could not ask for ${what}, the node did not answer (${rpcFailureWords(error)})`);
      return undefined;
    }
  };
  const symbolOf = new Map(Object.values(config.tokens).map((token) => [token.address.toLowerCase(), token.symbol]));

  for (const token of Object.values(config.tokens)) {
    const field = `tokens.${token.symbol}`;
    if (await hasCode(token.address, `${field}.address`)) {
      const decimals = await read(`${field}.address`, "decimals()", async () => Number(await contract(token.address, ERC20_ABI).decimals()));
      if (decimals !== undefined) {
        facts.decimals[token.symbol] = decimals;
        if (token.decimals !== undefined && token.decimals !== decimals) {
          problems.push(`${field}.decimals is ${token.decimals}, but the token says ${decimals}`);
        }
      }
    }
    if (await hasCode(token.feed, `${field}.feed`)) {
      const round = await read(`${field}.feed`, "latestRoundData()", () => contract(token.feed, AGGREGATOR_V3_ABI).latestRoundData());
      // Its age and its heartbeat: priceSanity.ts refuses a stale feed and a limit shorter than the feed's updates.
      if (round && round.answer <= 0n) problems.push(`${field}.feed answers ${round.answer}, and a price must be positive`);
    }
  }

  if (await hasCode(config.nativeToken.feed, "nativeToken.feed")) {
    const round = await read("nativeToken.feed", "latestRoundData()", () => contract(config.nativeToken.feed, AGGREGATOR_V3_ABI).latestRoundData());
    if (round && round.answer <= 0n) problems.push(`nativeToken.feed answers ${round.answer}, and a price must be positive`);
  }

  const { factory, router } = config.dex;
  if ((await hasCode(factory, "dex.factory")) && (await hasCode(router, "dex.router"))) {
    const routerFactory = await read("dex.router", "factory()", async () => String(await contract(router, ROUTER_ABI).factory()));
    if (routerFactory && routerFactory.toLowerCase() !== factory.toLowerCase()) {
      problems.push(`dex.router (${router}) belongs to the factory ${routerFactory}, not to dex.factory (${factory})`);
    }
  }

  const rewardToken = config.tokens[config.rewards.token];
  let rewardPairTokens: string[] = [];
  if (await hasCode(config.rewards.pair, "rewards.pair")) {
    const pair = contract(config.rewards.pair, PAIR_ABI);
    const tokens = await read("rewards.pair", "token0() and token1()", async () => [String(await pair.token0()), String(await pair.token1())]);
    if (tokens) {
      rewardPairTokens = tokens.map((token) => token.toLowerCase());
      if (!rewardPairTokens.includes(rewardToken.address.toLowerCase())) {
        problems.push(`rewards.pair (${config.rewards.pair}) does not trade the reward token ${config.rewards.token} (${rewardToken.address})`);
      }
    }
  }

  for (const vault of Object.values(config.vaults)) {
    const field = `vaults["${vault.name}"]`;
    if (await hasCode(vault.pair, `${field}.pair`)) {
      const pair = contract(vault.pair, PAIR_ABI);
      const tokens = await read(`${field}.pair`, "token0() and token1()", async () => [String(await pair.token0()), String(await pair.token1())]);
      if (tokens) {
        const symbols = tokens.map((token) => symbolOf.get(token.toLowerCase()));
        symbols.forEach((symbol, index) => {
          if (!symbol) problems.push(`${field}.pair's token${index} (${tokens[index]}) is not one of the tokens under "tokens"`);
          else if (!config.pools[symbol]) problems.push(`${field}.pair trades ${symbol}, which has no pool under "pools" to borrow it from`);
        });
        if (symbols[0] && symbols[1]) {
          facts.vaults[vault.name] = { token0: symbols[0], token1: symbols[1] };
          const capped = Object.keys(vault.debtCaps).sort().join(", ");
          if (capped !== [...symbols].sort().join(", ")) {
            problems.push(`${field}.debtCaps names ${capped}, but the pair trades ${symbols[0]} and ${symbols[1]}`);
          }
        }
        const fromFactory = await read("dex.factory", "getPair()", async () => String(await contract(factory, FACTORY_ABI).getPair(tokens[0], tokens[1])));
        if (fromFactory && fromFactory.toLowerCase() !== vault.pair.toLowerCase()) {
          problems.push(`${field}.pair (${vault.pair}) is not dex.factory's pair of its tokens (the factory has ${fromFactory})`);
        }
        if (rewardPairTokens.length === 2) {
          const other = rewardPairTokens.find((token) => token !== rewardToken.address.toLowerCase());
          if (other && !tokens.some((token) => token.toLowerCase() === other)) {
            problems.push(`rewards.pair sells ${config.rewards.token} for ${symbolOf.get(other) ?? other}, which ${field}'s pair does not hold`);
          }
        }
      }
    }
    if (await hasCode(vault.farm, `${field}.farm`)) {
      const farm = contract(vault.farm, FARM_ABI);
      const staking = await read(`${field}.farm`, "stakingToken() (is it StakingRewards-compatible?)", async () => String(await farm.stakingToken()));
      if (staking && staking.toLowerCase() !== vault.pair.toLowerCase()) {
        problems.push(`${field}.farm (${vault.farm}) stakes ${staking}, not the vault's pair ${vault.pair}`);
      }
      const reward = await read(`${field}.farm`, "rewardsToken()", async () => String(await farm.rewardsToken()));
      if (reward && reward.toLowerCase() !== rewardToken.address.toLowerCase()) {
        problems.push(`${field}.farm pays ${symbolOf.get(reward.toLowerCase()) ?? reward}, not rewards.token ${config.rewards.token}`);
      }
    }
  }
  const chainId = Number((await provider.getNetwork()).chainId);
  if (SEQUENCER_L2_CHAIN_IDS[chainId] && !config.sequencer) {
    problems.push(
      `sequencerUptimeFeed is missing: network ${hre.network.name} is chain id ${chainId}, ${SEQUENCER_L2_CHAIN_IDS[chainId]}, an L2 whose ` +
        `prices stop while its sequencer is down; name Chainlink's sequencer uptime feed for it`,
    );
  }
  if (config.sequencer && (await hasCode(config.sequencer.uptimeFeed, "sequencerUptimeFeed"))) {
    const round = await read("sequencerUptimeFeed", "latestRoundData()", () => contract(config.sequencer!.uptimeFeed, AGGREGATOR_V3_ABI).latestRoundData());
    if (round && round.answer !== 0n && round.answer !== 1n) {
      problems.push(`sequencerUptimeFeed (${config.sequencer.uptimeFeed}) answers ${round.answer}, not 0 (up) or 1 (down): is it a sequencer uptime feed?`);
    } else if (round?.answer === 1n) {
      log(`! sequencerUptimeFeed reports the sequencer down: every price is refused until it is back up for ${config.sequencer.gracePeriodSeconds} s`);
    }
  }
  const prices = await reviewPrices(provider, config);
  problems.push(...prices.problems);
  unchecked.push(...prices.unchecked);
  const governance = await reviewGovernance(provider, config, chainId);
  for (const waived of governance.overridden) log(`! governance override: ${waived}`);
  problems.push(...governance.problems);
  unchecked.push(...governance.unchecked);
  if (unchecked.length > 0) {
    // Fails closed, and says it is the node: a config problem found as well is listed after.
    throw new Error(
      `The preflight could not make ${unchecked.length} of its checks against network ${hre.network.name} (transient RPC error: the node ` +
        `failed to answer, the config may be fine); nothing was sent. Run again when the node answers:\n  - ${unchecked.join("\n  - ")}` +
        (problems.length > 0 ? `\nand ${config.source} has these problems besides:\n  - ${problems.join("\n  - ")}` : ""),
    );
  }
  if (problems.length > 0) throw new DeployConfigError(`${config.source} (checked against network ${hre.network.name})`, problems);
  return facts;
}

/**
 * Upgrades a UUPS proxy of the protocol to a new implementation, through the OpenZeppelin plugin:
 *
 *   1. works out the implementation's constructor arguments from the live proxy (they are immutables of the
 *      implementation: a pool's asset, a vault's pair, pools, oracle, farm and reward pair) and, for a vault,
 *      deploys the new implementation's modules with the same wiring;
 *   2. validates the new implementation against the proxy's current one (storage layout, initializers, unsafe
 *      patterns) before anything is sent; a storage-breaking implementation stops here;
 *   3. if the signer owns the proxy (local chains, or a real chain before the hand-over to the timelock completes),
 *      upgrades it directly;
 *      if a TimelockController owns it (real chains), deploys the implementation (prepareUpgrade) and builds the
 *      timelock operation `proxy.upgradeToAndCall(newImplementation, call)`: schedules it if the proposer (the
 *      signer unless told otherwise) is one, executes it once it is ready if the executor may execute, and otherwise
 *      returns it to print.
 *
 * Running it again for the same upgrade finds the same implementation and the same operation (a deterministic
 * salt), so it moves the operation on: schedule, then (after the delay) execute. "The same implementation" is found
 * in the network's manifest (.openzeppelin/, committed with the deployment file), together with the current
 * implementation's storage layout that step 2 checks against: without it the upgrade refuses (see
 * `describeMissingManifest`), and a run from a checkout whose manifest lacks the scheduling run's record would deploy
 * a new implementation and so build a different operation.
 */
import os from "node:os";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, Contract, Interface, ZeroAddress, ZeroHash, keccak256, type Signer } from "ethers";
// The plugin's own core (a dependency of @openzeppelin/hardhat-upgrades, same version): it says where the manifest is.
import { Manifest } from "@openzeppelin/upgrades-core";
import { vaultConstructorArgs } from "./vaultImplementation";

const PROXY_ABI = [
  "function owner() view returns (address)",
  "function upgradeToAndCall(address newImplementation, bytes data) payable",
  "function asset() view returns (address)",
  "function pair() view returns (address)",
  "function pool0() view returns (address)",
  "function pool1() view returns (address)",
  "function oracle() view returns (address)",
  "function farm() view returns (address)",
  "function rewardPair() view returns (address)",
];

export interface UpgradeRequest {
  /** The proxy to upgrade. */
  proxy: string;
  /** The new implementation's contract name, e.g. "StakingRewardsVault" or "LendingPoolV2". */
  contract: string;
  /** Who acts: owns the proxy (a direct upgrade) or pays for the implementation; the network's first account by default. */
  signer?: Signer;
  /** Who schedules the timelock operation (PROPOSER_PRIVATE_KEY); the signer by default. */
  proposer?: Signer;
  /** Who executes it once the delay is over (EXECUTOR_PRIVATE_KEY); the signer by default. */
  executor?: Signer;
  /** A function of the new implementation to call in the upgrade transaction (a reinitializer). */
  call?: { fn: string; args?: unknown[] };
  /** The implementation's constructor arguments; read from the live proxy when omitted. */
  constructorArgs?: unknown[];
  log?: (line: string) => void;
}

/** The timelock operation that performs the upgrade, with what a proposer or executor needs to act on it. */
export interface TimelockUpgradeOperation {
  timelock: string;
  id: string;
  target: string;
  value: string;
  data: string;
  predecessor: string;
  salt: string;
  delaySeconds: number;
  /** The calldata to send to the timelock to schedule it (a proposer) and, after the delay, to execute it. */
  scheduleCalldata: string;
  executeCalldata: string;
  /** When it may be executed (unix seconds), once scheduled. */
  readyAt?: number;
}

export type UpgradeOutcome =
  | {
      mode: "direct";
      proxy: string;
      contract: string;
      constructorArgs: unknown[];
      previousImplementation: string;
      newImplementation: string;
      /** The manifest file this run read and wrote (commit it with the deployment file). */
      manifestFile: string;
    }
  | {
      mode: "timelock";
      /** scheduled: this call scheduled it; waiting: scheduled, delay not over; ready: an executor may execute it;
       *  executed: done (by this call or earlier); needs-proposer: the signer cannot schedule it, a proposer must. */
      status: "scheduled" | "waiting" | "ready" | "executed" | "needs-proposer";
      proxy: string;
      contract: string;
      constructorArgs: unknown[];
      previousImplementation: string;
      newImplementation: string;
      operation: TimelockUpgradeOperation;
      /** The accounts this run checked for the proposer's and the executor's roles. */
      proposer: string;
      executor: string;
      /** Whether the timelock lets anyone execute a ready operation (the zero address holds the executor role). */
      anyoneMayExecute: boolean;
      /** The manifest file this run read and wrote, which must be committed for the next run to find the same
       *  implementation. */
      manifestFile: string;
    };

/**
 * The constructor arguments of `contract`'s implementations for this proxy, read from the live proxy according to
 * the constructor's shape: none; one (a pool's asset); or nine (a vault's pair, pool0, pool1, oracle, farm, reward
 * pair, then its three modules, which are deployed here for the new implementation).
 */
export async function constructorArgsFromProxy(
  hre: HardhatRuntimeEnvironment,
  proxy: string,
  contract: string,
  signer?: Signer,
): Promise<unknown[]> {
  const factory = await hre.ethers.getContractFactory(contract);
  const inputs = factory.interface.deploy.inputs;
  const live = new Contract(proxy, PROXY_ABI, hre.ethers.provider);
  const read = async (name: string): Promise<string> => {
    try {
      return String(await live.getFunction(name)());
    } catch {
      throw new Error(`${contract}'s constructor needs ${name}(), which the proxy ${proxy} does not answer: is this the right contract for it?`);
    }
  };
  switch (inputs.length) {
    case 0:
      return [];
    case 1:
      return [await read("asset")];
    case 9: {
      const [pair, pool0, pool1, oracle, farm, rewardPair] = await Promise.all(
        ["pair", "pool0", "pool1", "oracle", "farm", "rewardPair"].map(read),
      );
      const deployer = signer ?? (await hre.ethers.getSigners())[0];
      return vaultConstructorArgs(hre, deployer, { pair, pool0, pool1, oracle, farm, rewardPair });
    }
    default:
      throw new Error(
        `Cannot tell ${contract}'s constructor arguments (${inputs.map((input) => input.name).join(", ")}) from the proxy: pass them (UPGRADE_CONSTRUCTOR_ARGS)`,
      );
  }
}

/**
 * The refusal when the manifest has no record of the proxy's current implementation: the plugin's own words
 * ("Deployment at address ... is not registered", "use the forceImport function") name neither the file it looked in
 * nor why it might be missing.
 */
export function describeMissingManifest(proxy: string, currentImplementation: string, manifestFile: string, network: string): string {
  return (
    `Refusing to upgrade ${proxy}: the manifest ${manifestFile} has no record of its current implementation ` +
    `${currentImplementation}, so the new implementation's storage layout cannot be checked against it. The deploy ` +
    `wrote that record; it is committed with deployments/${network}.json (.openzeppelin/ beside deployments/, or inside ` +
    `FLUX_DEPLOYMENTS_DIR). Run the upgrade from a checkout that has it. If it is lost, rebuild it from the source of the ` +
    `version that is deployed (the plugin's upgrades.forceImport with that contract), check the result, then upgrade.`
  );
}

export async function upgradeProxy(hre: HardhatRuntimeEnvironment, request: UpgradeRequest): Promise<UpgradeOutcome> {
  const { ethers, upgrades } = hre;
  const log = request.log ?? (() => {});
  const signer = request.signer ?? (await ethers.getSigners())[0];
  if (!signer) throw new Error(`No account on ${hre.network.name}: set PROPOSER_PRIVATE_KEY (or DEPLOYER_PRIVATE_KEY while the deployer still owns the proxy)`);
  const signerAddress = await signer.getAddress();
  const proposer = request.proposer ?? signer;
  const executor = request.executor ?? signer;
  const proxy = ethers.getAddress(request.proxy);
  const manifestFile = (await Manifest.forNetwork(hre.network.provider)).file;

  const factory = await ethers.getContractFactory(request.contract, signer);
  log(`validating ${request.contract} as the new implementation of ${proxy} against the manifest ${manifestFile}`);
  // Throws (e.g. "New storage layout is incompatible") before anything is sent, module deployments included.
  // The validation checks code and storage, not constructor arguments, so placeholders of the right types let it
  // run before the modules exist. The plugin reads constructorArgs here although its ValidationOptions type omits it.
  const placeholders = factory.interface.deploy.inputs.map((input) => (input.type === "address" ? ZeroAddress : 0n));
  const validation = { kind: "uups" as const, constructorArgs: placeholders } as Parameters<typeof upgrades.validateUpgrade>[2];
  try {
    await upgrades.validateUpgrade(proxy, factory, validation);
  } catch (error) {
    if (error instanceof Error && /Deployment at address \S+ is not registered/.test(error.message)) {
      const current = await upgrades.erc1967.getImplementationAddress(proxy);
      throw new Error(describeMissingManifest(proxy, current, manifestFile, hre.network.name), { cause: error });
    }
    throw error;
  }
  const constructorArgs = request.constructorArgs ?? (await constructorArgsFromProxy(hre, proxy, request.contract, signer));
  const options = { kind: "uups" as const, constructorArgs };

  const previousImplementation = await upgrades.erc1967.getImplementationAddress(proxy);
  const live = new Contract(proxy, PROXY_ABI, signer);
  const owner = String(await live.owner());
  const callData = request.call ? factory.interface.encodeFunctionData(request.call.fn, request.call.args ?? []) : "0x";

  if (owner.toLowerCase() === signerAddress.toLowerCase()) {
    log(`the signer owns the proxy: upgrading directly`);
    await upgrades.upgradeProxy(proxy, factory, {
      ...options,
      ...(request.call ? { call: { fn: request.call.fn, args: request.call.args ?? [] } } : {}),
    });
    const newImplementation = await upgrades.erc1967.getImplementationAddress(proxy);
    log(`upgraded ${proxy}: ${previousImplementation} -> ${newImplementation}`);
    return { mode: "direct", proxy, contract: request.contract, constructorArgs, previousImplementation, newImplementation, manifestFile };
  }

  // Not the owner: the owner must be a timelock for this script to prepare the upgrade.
  const timelock = await ethers.getContractAt("FluxTimelock", owner, signer);
  let delaySeconds: number;
  try {
    delaySeconds = Number(await timelock.getMinDelay());
  } catch {
    throw new Error(`The proxy's owner ${owner} is neither the signer (${signerAddress}) nor a TimelockController: the owner must upgrade it`);
  }
  const newImplementation = String(await upgrades.prepareUpgrade(proxy, factory, options));
  log(`implementation ${newImplementation} deployed (or found); the timelock ${owner} owns the proxy`);
  const data = live.interface.encodeFunctionData("upgradeToAndCall", [newImplementation, callData]);
  const salt = keccak256(AbiCoder.defaultAbiCoder().encode(["string", "address", "bytes"], ["flux.upgrade", proxy, data]));
  const timelockInterface = timelock.interface as unknown as Interface;
  const operation: TimelockUpgradeOperation = {
    timelock: owner,
    id: await timelock.hashOperation(proxy, 0, data, ZeroHash, salt),
    target: proxy,
    value: "0",
    data,
    predecessor: ZeroHash,
    salt,
    delaySeconds,
    scheduleCalldata: timelockInterface.encodeFunctionData("schedule", [proxy, 0, data, ZeroHash, salt, delaySeconds]),
    executeCalldata: timelockInterface.encodeFunctionData("execute", [proxy, 0, data, ZeroHash, salt]),
  };
  const proposerAddress = await proposer.getAddress();
  const executorAddress = await executor.getAddress();
  const executorRole = await timelock.EXECUTOR_ROLE();
  const anyoneMayExecute = await timelock.hasRole(executorRole, ZeroAddress);
  const outcome = (status: Extract<UpgradeOutcome, { mode: "timelock" }>["status"]): UpgradeOutcome => ({
    mode: "timelock",
    status,
    proxy,
    contract: request.contract,
    constructorArgs,
    previousImplementation,
    newImplementation,
    operation,
    proposer: proposerAddress,
    executor: executorAddress,
    anyoneMayExecute,
    manifestFile,
  });
  const stateOf = async () => Number(await timelock.getOperationState(operation.id)); // Unset, Waiting, Ready, Done

  let state = await stateOf();
  let scheduledNow = false;
  if (state === 0) {
    if (!(await timelock.hasRole(await timelock.PROPOSER_ROLE(), proposerAddress))) {
      log(`${proposerAddress} is not a proposer of the timelock: a proposer must schedule operation ${operation.id}`);
      return outcome("needs-proposer");
    }
    await (await timelock.connect(proposer).schedule(proxy, 0, data, ZeroHash, salt, delaySeconds)).wait();
    scheduledNow = true;
    state = await stateOf();
    log(`scheduled operation ${operation.id} as the proposer ${proposerAddress}`);
  }
  operation.readyAt = Number(await timelock.getTimestamp(operation.id));
  if (state === 1) return outcome(scheduledNow ? "scheduled" : "waiting");
  if (state === 2) {
    const mayExecute = anyoneMayExecute || (await timelock.hasRole(executorRole, executorAddress));
    if (!mayExecute) return outcome(scheduledNow ? "scheduled" : "ready");
    await (await timelock.connect(executor).execute(proxy, 0, data, ZeroHash, salt)).wait();
    log(`executed operation ${operation.id} as ${executorAddress}: ${proxy} now runs ${newImplementation}`);
  }
  return outcome("executed");
}

/** Whether `file` is one of the plugin's development manifests (upgrades-core: `<os temp>/openzeppelin-upgrades/`). */
export function isDevelopmentManifest(file: string): boolean {
  return path.resolve(file).startsWith(path.join(os.tmpdir(), "openzeppelin-upgrades") + path.sep);
}

/**
 * What the person who ran the upgrade does next, in words, for each outcome: nothing (done), schedule it with a
 * proposer's key, wait out the delay (and until when), or execute it with an executor's key. `now` is the chain's
 * time (unix seconds), for how long is left.
 */
export function nextSteps(outcome: UpgradeOutcome, now: number, network: string): string[] {
  // A development node's manifest is a throw-away file under the OS temp folder: nothing to commit.
  const committable = !isDevelopmentManifest(outcome.manifestFile);
  if (outcome.mode === "direct" || outcome.status === "executed") {
    return [
      `Done: ${outcome.proxy} runs ${outcome.newImplementation}.` +
        (committable ? ` Commit deployments/${network}.json and the manifest ${outcome.manifestFile}.` : ""),
    ];
  }
  const { operation } = outcome;
  const readyAt = operation.readyAt ? new Date(operation.readyAt * 1000).toISOString() : undefined;
  const secondsLeft = operation.readyAt ? Math.max(0, operation.readyAt - now) : operation.delaySeconds;
  const executeHow = outcome.anyoneMayExecute
    ? "run this again with any key (the timelock lets anyone execute), or send the execute calldata above from any account"
    : "run this again with EXECUTOR_PRIVATE_KEY set to an executor's key, or send the execute calldata above from an executor (the multisig)";
  const commit = !committable
    ? "(This chain is a development node: its manifest is a temporary file, kept only while the node runs.)"
    : `Commit the manifest ${outcome.manifestFile} now: the run that executes must find the same implementation in it, or it builds a different operation.`;
  switch (outcome.status) {
    case "needs-proposer":
      return [
        `Nothing was scheduled: ${outcome.proposer} is not a proposer of the timelock ${operation.timelock}.`,
        `Next: run this again with PROPOSER_PRIVATE_KEY set to a proposer's key, or send the schedule calldata above to the timelock from a proposer (the multisig). The implementation is deployed and recorded in ${outcome.manifestFile}${committable ? "; commit it" : ""}.`,
      ];
    case "scheduled":
    case "waiting":
      return [
        outcome.status === "scheduled"
          ? `Scheduled operation ${operation.id}; the timelock's delay is ${operation.delaySeconds} s.`
          : `Operation ${operation.id} was scheduled earlier; its delay is not over.`,
        `Next: after ${readyAt ?? `${operation.delaySeconds} s`} (in about ${secondsLeft} s by the chain's clock), ${executeHow}.`,
        ...(outcome.status === "scheduled" ? [commit] : []),
      ];
    case "ready":
      return [
        `Operation ${operation.id} is ready, but ${outcome.executor} may not execute it.`,
        `Next: ${executeHow.replace("run this again", "run this again now")}.`,
      ];
  }
}

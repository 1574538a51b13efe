/**
 * Upgrades a UUPS proxy of the protocol to a new implementation, through the OpenZeppelin plugin:
 *
 *   1. works out the implementation's constructor arguments from the live proxy (they are immutables of the
 *      implementation: a pool's asset, a vault's pair, pools, oracle, farm and reward pair) and, for a vault,
 *      deploys the new implementation's modules with the same wiring;
 *   2. validates the new implementation against the proxy's current one (storage layout, initializers, unsafe
 *      patterns) before anything is sent; a storage-breaking implementation stops here;
 *   3. if the signer owns the proxy (local chains), upgrades it directly;
 *      if a TimelockController owns it (real chains), deploys the implementation (prepareUpgrade) and builds the
 *      timelock operation `proxy.upgradeToAndCall(newImplementation, call)`: schedules it if the signer is a
 *      proposer, executes it once it is ready if the signer may execute, and otherwise returns it to print.
 *
 * Running it again for the same upgrade finds the same implementation and the same operation (a deterministic
 * salt), so it moves the operation on: schedule, then (after the delay) execute.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, Contract, Interface, ZeroAddress, ZeroHash, keccak256, type Signer } from "ethers";
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
  /** Who acts; the network's first account by default. */
  signer?: Signer;
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

export async function upgradeProxy(hre: HardhatRuntimeEnvironment, request: UpgradeRequest): Promise<UpgradeOutcome> {
  const { ethers, upgrades } = hre;
  const log = request.log ?? (() => {});
  const signer = request.signer ?? (await ethers.getSigners())[0];
  if (!signer) throw new Error(`No account on ${hre.network.name}: set DEPLOYER_PRIVATE_KEY`);
  const signerAddress = await signer.getAddress();
  const proxy = ethers.getAddress(request.proxy);

  const factory = await ethers.getContractFactory(request.contract, signer);
  log(`validating ${request.contract} as the new implementation of ${proxy}`);
  // Throws (e.g. "New storage layout is incompatible") before anything is sent, module deployments included.
  // The validation checks code and storage, not constructor arguments, so placeholders of the right types let it
  // run before the modules exist. The plugin reads constructorArgs here although its ValidationOptions type omits it.
  const placeholders = factory.interface.deploy.inputs.map((input) => (input.type === "address" ? ZeroAddress : 0n));
  const validation = { kind: "uups" as const, constructorArgs: placeholders } as Parameters<typeof upgrades.validateUpgrade>[2];
  await upgrades.validateUpgrade(proxy, factory, validation);
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
    return { mode: "direct", proxy, contract: request.contract, constructorArgs, previousImplementation, newImplementation };
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
  const outcome = (status: Extract<UpgradeOutcome, { mode: "timelock" }>["status"]): UpgradeOutcome => ({
    mode: "timelock",
    status,
    proxy,
    contract: request.contract,
    constructorArgs,
    previousImplementation,
    newImplementation,
    operation,
  });
  const stateOf = async () => Number(await timelock.getOperationState(operation.id)); // Unset, Waiting, Ready, Done

  let state = await stateOf();
  let scheduledNow = false;
  if (state === 0) {
    if (!(await timelock.hasRole(await timelock.PROPOSER_ROLE(), signerAddress))) {
      log(`the signer is not a proposer: a proposer must schedule operation ${operation.id}`);
      return outcome("needs-proposer");
    }
    await (await timelock.schedule(proxy, 0, data, ZeroHash, salt, delaySeconds)).wait();
    scheduledNow = true;
    state = await stateOf();
    log(`scheduled operation ${operation.id}`);
  }
  operation.readyAt = Number(await timelock.getTimestamp(operation.id));
  if (state === 1) return outcome(scheduledNow ? "scheduled" : "waiting");
  if (state === 2) {
    const executorRole = await timelock.EXECUTOR_ROLE();
    const mayExecute = (await timelock.hasRole(executorRole, ZeroAddress)) || (await timelock.hasRole(executorRole, signerAddress));
    if (!mayExecute) return outcome(scheduledNow ? "scheduled" : "ready");
    await (await timelock.execute(proxy, 0, data, ZeroHash, salt)).wait();
    log(`executed operation ${operation.id}: ${proxy} now runs ${newImplementation}`);
  }
  return outcome("executed");
}

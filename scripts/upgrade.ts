/**
 * Upgrades one proxy of a deployment to a new implementation, validated by the OpenZeppelin plugin first:
 *
 *   npm run upgrade -- --contract StakingRewardsVault --target USDC-USDT --network bsc
 *   UPGRADE_CONTRACT=StakingRewardsVault UPGRADE_TARGET=USDC-USDT npx hardhat run --network bsc scripts/upgrade.ts
 *
 * Environment (Hardhat's `run` takes no arguments of its own):
 *   UPGRADE_CONTRACT          the new implementation's contract name (required)
 *   UPGRADE_TARGET            which proxy, by its name in deployments/<network>.json: a pool's symbol ("USDC" or
 *                             "fUSDC"), a vault's name ("USDC-USDT"), "oracle" or a token ("FLUX")
 *   UPGRADE_PROXY             or the proxy's address
 *   UPGRADE_CALL              a function of the new implementation to call in the upgrade (a reinitializer)
 *   UPGRADE_CALL_ARGS         its arguments, as a JSON array
 *   UPGRADE_CONSTRUCTOR_ARGS  the implementation's constructor arguments as a JSON array, when they cannot be read
 *                             from the proxy
 *
 * Keys, by role (hardhat.config.ts makes each one that is set an account of the network):
 *   DEPLOYER_PRIVATE_KEY      owns the proxies until the hand-over to the timelock completes: upgrades directly
 *   PROPOSER_PRIVATE_KEY      a timelock proposer: schedules the upgrade
 *   EXECUTOR_PRIVATE_KEY      a timelock executor: executes it once the delay is over
 * A role without its own key falls back to the first key that is set (so DEPLOYER_PRIVATE_KEY alone still works, as
 * it did when it was the only variable: it then has to be the proposer's or the executor's key).
 *
 * If the signer owns the proxy (a local chain) it upgrades at once. If a TimelockController owns it (a real chain)
 * it deploys the implementation and prints the timelock operation, schedules it when the proposer is one, and
 * executes it when run again after the delay by an executor; its last lines say what to do next. The new
 * implementation is validated against the network's manifest (.openzeppelin/, committed with the deployment file).
 * deployments/<network>.json is updated once the proxy runs the new implementation.
 */
import fs from "node:fs";
import hre from "hardhat";
import { Wallet, type Signer } from "ethers";
import { deploymentPath, readDeployment, writeDeployment, type DeployedContract, type Deployment } from "../lib/deployments";
import { nextSteps, upgradeProxy } from "./lib/upgradeProxy";

/** The network's account for the key in `variable`, or undefined when it is not set. */
async function signerFromKey(variable: "PROPOSER_PRIVATE_KEY" | "EXECUTOR_PRIVATE_KEY"): Promise<Signer | undefined> {
  const key = process.env[variable];
  if (!key) return undefined;
  let address: string;
  try {
    address = new Wallet(key.startsWith("0x") ? key : `0x${key}`).address;
  } catch {
    throw new Error(`${variable} is not a valid private key (64 hex digits)`);
  }
  return hre.ethers.getSigner(address);
}

/** The proxy records of a deployment that `target` (a name or an address) refers to. */
function findRecords(deployment: Deployment, target: string): DeployedContract[] {
  const records: DeployedContract[] = [];
  const byAddress = target.startsWith("0x");
  const matches = (record: DeployedContract | undefined, ...names: string[]) =>
    record && (byAddress ? record.address.toLowerCase() === target.toLowerCase() : names.some((name) => name.toLowerCase() === target.toLowerCase()));
  for (const pool of Object.values(deployment.pools)) {
    if (matches(pool.pool, pool.symbol, `f${pool.symbol}`)) records.push(pool.pool);
  }
  for (const vault of Object.values(deployment.farming?.vaults ?? {})) {
    if (matches(vault.vault, vault.name)) records.push(vault.vault);
  }
  if (matches(deployment.farming?.oracle, "oracle", "PriceOracle")) records.push(deployment.farming!.oracle);
  for (const [symbol, token] of Object.entries(deployment.tokens)) {
    if (token.implementation && matches(token, symbol)) records.push(token);
  }
  if (deployment.farming?.flux && records.some((record) => record.address === deployment.farming!.flux.address)) {
    records.push(deployment.farming.flux);
  }
  return records;
}

async function main() {
  const contract = process.env.UPGRADE_CONTRACT;
  const target = process.env.UPGRADE_PROXY || process.env.UPGRADE_TARGET;
  if (!contract || !target) {
    throw new Error("Set UPGRADE_CONTRACT (the new implementation) and UPGRADE_TARGET (a name in the deployment file) or UPGRADE_PROXY");
  }
  const network = hre.network.name;
  const deployment = fs.existsSync(deploymentPath(network)) ? readDeployment(network) : undefined;
  const records = deployment ? findRecords(deployment, target) : [];
  let proxy = process.env.UPGRADE_PROXY;
  if (!proxy) {
    if (!deployment) throw new Error(`No ${deploymentPath(network)} to look "${target}" up in: set UPGRADE_PROXY to the proxy's address`);
    if (records.length === 0) throw new Error(`"${target}" names no pool, vault, oracle or upgradeable token in ${deploymentPath(network)}`);
    proxy = records[0].address;
  }
  const parseJson = (name: string): unknown[] | undefined => {
    const value = process.env[name];
    if (!value) return undefined;
    const parsed = JSON.parse(value) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${name} must be a JSON array`);
    return parsed;
  };

  const outcome = await upgradeProxy(hre, {
    proxy,
    contract,
    proposer: await signerFromKey("PROPOSER_PRIVATE_KEY"),
    executor: await signerFromKey("EXECUTOR_PRIVATE_KEY"),
    call: process.env.UPGRADE_CALL ? { fn: process.env.UPGRADE_CALL, args: parseJson("UPGRADE_CALL_ARGS") ?? [] } : undefined,
    constructorArgs: parseJson("UPGRADE_CONSTRUCTOR_ARGS"),
    log: (line) => console.log(line),
  });

  if (outcome.mode === "timelock") {
    const { operation } = outcome;
    console.log(`\ntimelock operation (${outcome.status}): ${contract} for ${proxy}`);
    console.log(`  timelock     ${operation.timelock} (delay ${operation.delaySeconds} s)`);
    console.log(`  id           ${operation.id}`);
    console.log(`  target       ${operation.target}`);
    console.log(`  value        ${operation.value}`);
    console.log(`  data         ${operation.data}   (upgradeToAndCall(${outcome.newImplementation}, ...))`);
    console.log(`  predecessor  ${operation.predecessor}`);
    console.log(`  salt         ${operation.salt}`);
    console.log(`  schedule     send to the timelock: ${operation.scheduleCalldata}`);
    console.log(`  execute      send to the timelock: ${operation.executeCalldata}`);
    if (operation.readyAt) console.log(`  ready at     ${new Date(operation.readyAt * 1000).toISOString()}`);
  }
  if (deployment && (outcome.mode === "direct" || outcome.status === "executed")) {
    for (const record of records) {
      record.implementation = outcome.newImplementation;
      if (record.artifact !== "IERC20Metadata") record.artifact = contract;
    }
    if (records.length > 0) {
      deployment.updatedAt = new Date().toISOString();
      console.log(`updated ${writeDeployment(deployment)}`);
    }
  }
  // The chain's time: its latest block's, or the clock's when no block was mined for a while (a rehearsal node mines
  // only on demand, and its clock may have been moved ahead).
  const latest = await hre.ethers.provider.getBlock("latest");
  const now = Math.max(latest?.timestamp ?? 0, Math.floor(Date.now() / 1000));
  console.log("");
  for (const line of nextSteps(outcome, now, network)) console.log(line);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
});

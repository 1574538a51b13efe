/**
 * A vault implementation is four contracts: the proxied vault and the three modules it delegatecalls (entries,
 * exits, harvest), each built with the same wiring. This is the one place that knows it: the local deployment, the
 * real-chain deployment, the upgrade script and the tests all get a vault's constructor arguments from here.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

/** The wiring every vault contract is built with, in constructor order. */
export interface VaultWiring {
  pair: string;
  pool0: string;
  pool1: string;
  oracle: string;
  farm: string;
  rewardPair: string;
}

/** The modules of a StakingRewardsVault, in the vault constructor's order. */
export const STAKING_REWARDS_VAULT_MODULES = [
  "StakingRewardsVaultEntries",
  "StakingRewardsVaultExits",
  "StakingRewardsVaultHarvest",
] as const;

export function wiringArgs(wiring: VaultWiring): string[] {
  return [wiring.pair, wiring.pool0, wiring.pool1, wiring.oracle, wiring.farm, wiring.rewardPair];
}

/**
 * Deploys the three modules for `wiring` and returns their addresses (entries, exits, harvest). They go through the
 * upgrades plugin's implementation deployment, which records them in the network's manifest: deploying the same
 * module code with the same wiring again finds the one already there, so an upgrade that is run twice (schedule, then
 * execute through a timelock) builds the same vault implementation both times.
 */
export async function deployVaultModules(hre: HardhatRuntimeEnvironment, signer: Signer, wiring: VaultWiring): Promise<string[]> {
  const addresses: string[] = [];
  for (const name of STAKING_REWARDS_VAULT_MODULES) {
    const address = await hre.upgrades.deployImplementation(await hre.ethers.getContractFactory(name, signer), {
      constructorArgs: wiringArgs(wiring),
      // A module is never a proxy's implementation: it has no initializer (it runs inside the vault, which the vault's
      // initializer set up). Its constructor and immutables are annotated in the source, so the plugin prints nothing.
      unsafeAllow: ["missing-initializer", "missing-initializer-call"],
    });
    addresses.push(String(address));
  }
  return addresses;
}

/** The vault implementation's constructor arguments: the wiring, then freshly deployed modules. */
export async function vaultConstructorArgs(hre: HardhatRuntimeEnvironment, signer: Signer, wiring: VaultWiring): Promise<string[]> {
  return [...wiringArgs(wiring), ...(await deployVaultModules(hre, signer, wiring))];
}

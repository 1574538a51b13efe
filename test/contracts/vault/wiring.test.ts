/**
 * Issue 18, cause 6: a vault implementation refuses a module built for another farm (WrongModule), as it refuses one
 * for another pair, pool, oracle or reward pair. Real pair, real StakingRewards farms.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { vaultStackFixture } from "./fixtures";
import { deployFarm } from "../../../scripts/lib/deployUniswap";
import { deployVaultModules, wiringArgs, type VaultWiring } from "../../../scripts/lib/vaultImplementation";

describe("Vault wiring: every module is built for the vault's farm", () => {
  it("refuses an entries, exits or harvest module built for another farm of the same pair and reward, and builds with its own", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { deployer, stable, tokens } = fixture;
    const vault = stable.vault;
    const wiring: VaultWiring = {
      pair: await vault.pair(),
      pool0: await vault.pool0(),
      pool1: await vault.pool1(),
      oracle: await vault.oracle(),
      farm: await vault.farm(),
      rewardPair: await vault.rewardPair(),
    };
    // A second farm for the same LP paying the same reward: every other part of the wiring matches.
    const otherFarm = await deployFarm(hre, deployer, await tokens.FLUX.getAddress(), wiring.pair, 0n);
    const own = await deployVaultModules(hre, deployer, wiring);
    const foreign = await deployVaultModules(hre, deployer, { ...wiring, farm: await otherFarm.getAddress() });
    const factory = await ethers.getContractFactory("StakingRewardsVault", deployer);
    const build = (modules: string[]) => factory.deploy(...([...wiringArgs(wiring), ...modules] as Parameters<typeof factory.deploy>));
    for (const [index, name] of ["entries", "exits", "harvest"].entries()) {
      const modules = [...own];
      modules[index] = foreign[index];
      await expect(build(modules), `${name} module of another farm`)
        .to.be.revertedWithCustomError(factory, "WrongModule")
        .withArgs(foreign[index]);
    }
    // A contract that is no module at all is refused as well.
    const modules = [...own];
    modules[1] = await tokens.FLUX.getAddress();
    await expect(build(modules)).to.be.reverted;
    const built = await build(own);
    expect(await built.farm()).to.equal(wiring.farm);
    expect(await built.exits()).to.equal(own[1]);
  });
});

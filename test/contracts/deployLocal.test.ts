import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { deployLocal } from "../../scripts/lib/deployLocal";
import { LOCAL_TOKENS } from "../../lib/pools";

describe("local deployment", () => {
  it("deploys seeded pools, vaults and their farms, and describes them in the deployment record", async () => {
    const { deployment } = await deployLocal(hre);
    expect(Object.keys(deployment.pools)).to.deep.equal(["USDC", "USDT", "WETH"]);
    expect(deployment.chainId).to.equal(31337);
    for (const spec of LOCAL_TOKENS) {
      const record = deployment.pools[spec.symbol];
      const pool = await ethers.getContractAt("LendingPool", record.pool.address);
      expect(await pool.symbol()).to.equal(`f${spec.symbol}`);
      expect(await pool.asset()).to.equal(deployment.tokens[spec.symbol].address);
      expect(await pool.totalAssets()).to.equal(ethers.parseUnits(String(spec.seedDepositWholeTokens), spec.decimals));
      expect(await hre.upgrades.erc1967.getImplementationAddress(record.pool.address)).to.equal(record.pool.implementation);
      const model = await ethers.getContractAt("KinkedRateModel", record.interestRateModel.address);
      expect(await model.rateAtOptimalPerYear()).to.equal(spec.rateModel.rateAtOptimalPerYear);
    }
    const farming = deployment.farming!;
    expect(Object.keys(farming.vaults)).to.deep.equal(["USDC-USDT", "WETH-USDC"]);
    for (const record of Object.values(farming.vaults)) {
      const vault = await ethers.getContractAt("StakingRewardsVault", record.vault.address);
      expect(await vault.pair()).to.equal(record.pair);
      expect(await vault.farm()).to.equal(record.farm);
      // The vault may borrow from both of its pools.
      for (const symbol of [record.token0, record.token1]) {
        const pool = await ethers.getContractAt("LendingPool", deployment.pools[symbol].pool.address);
        expect((await pool.borrowerAccount(record.vault.address)).creditLimit).to.be.greaterThan(0n);
      }
    }
    const oracle = await ethers.getContractAt("PriceOracle", farming.oracle.address);
    expect(await oracle.priceOf(deployment.tokens.WETH.address)).to.equal(ethers.parseUnits("2000", 18));
  });
});

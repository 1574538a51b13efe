import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { deployLocal } from "../../scripts/lib/deployLocal";
import { LOCAL_TOKENS } from "../../lib/pools";

describe("local deployment", () => {
  it("deploys a seeded, upgradeable pool per token and describes it in the deployment record", async () => {
    const deployment = await deployLocal(hre);
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
  });
});

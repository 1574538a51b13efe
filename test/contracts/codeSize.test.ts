import { expect } from "chai";
import { artifacts } from "hardhat";

/**
 * Every contract the protocol deploys stays at or below 22,000 bytes of runtime code (the EVM's limit is 24,576):
 * the margin is what the next fix may add without another split.
 */
const CODE_SIZE_BUDGET_BYTES = 22_000;
const EIP170_LIMIT_BYTES = 24_576;

const DEPLOYED_CONTRACTS = [
  "LendingPool",
  "KinkedRateModel",
  "PriceOracle",
  "FluxTimelock",
  "FluxToken",
  "StakingRewardsVault",
  "StakingRewardsVaultEntries",
  "StakingRewardsVaultExits",
  "StakingRewardsVaultHarvest",
  "VaultLens",
];

describe("contract sizes", () => {
  it(`keeps every deployed contract at or below ${CODE_SIZE_BUDGET_BYTES.toLocaleString("en-US")} bytes`, async () => {
    const sizes: { contract: string; bytes: number; headroom: number }[] = [];
    for (const contract of DEPLOYED_CONTRACTS) {
      const artifact = await artifacts.readArtifact(contract);
      const bytes = (artifact.deployedBytecode.length - 2) / 2;
      sizes.push({ contract, bytes, headroom: CODE_SIZE_BUDGET_BYTES - bytes });
    }
    console.table(sizes);
    for (const { contract, bytes } of sizes) {
      expect(bytes, `${contract} runtime code (EIP-170 limit ${EIP170_LIMIT_BYTES})`).to.be.greaterThan(0);
      expect(bytes, `${contract} runtime code`).to.be.at.most(CODE_SIZE_BUDGET_BYTES);
    }
  });
});

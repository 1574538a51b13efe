import hre, { ethers } from "hardhat";
import { deployPool, deployRateModel } from "../../../scripts/lib/deployCorePools";
import { STABLECOIN_RATE_MODEL } from "../../../lib/pools";
import type { KinkedRateParameters } from "../../../lib/math";
import { WAD } from "../../../lib/math";

export const USDC = (wholeTokens: number | string): bigint => ethers.parseUnits(String(wholeTokens), 6);

/** A constant 5% a year: the rate model whose compounding has a closed form. */
export const CONSTANT_FIVE_PERCENT: KinkedRateParameters = {
  baseRatePerYear: WAD / 20n,
  rateAtOptimalPerYear: WAD / 20n,
  rateAtFullPerYear: WAD / 20n,
  optimalUtilization: (WAD * 9n) / 10n,
};

async function deployWithModel(rateModel: KinkedRateParameters) {
  const [owner, guardian, borrower, alice, bob, carol, stranger] = await ethers.getSigners();
  const token = await (await ethers.getContractFactory("FaucetToken")).deploy("USD Coin", "USDC", 6, USDC(1_000_000_000));
  const { pool, model } = await deployPool(
    hre,
    { address: await token.getAddress(), symbol: "USDC", decimals: 6, rateModel },
    { owner: owner.address, guardian: guardian.address },
  );
  const poolAddress = await pool.getAddress();
  for (const account of [borrower, alice, bob, carol, stranger]) {
    await token.connect(account).faucet(USDC(100_000_000));
    await token.connect(account).approve(poolAddress, ethers.MaxUint256);
  }
  await pool.setCreditLimit(borrower.address, USDC(1_000_000_000));
  return { pool, model, token, owner, guardian, borrower, alice, bob, carol, stranger, rateModel };
}

/** A USDC pool with the stablecoin kinked model, a whitelisted borrower (standing in for a vault), and funded lenders. */
export async function stablecoinPoolFixture() {
  return deployWithModel(STABLECOIN_RATE_MODEL);
}

export async function constantRatePoolFixture() {
  return deployWithModel(CONSTANT_FIVE_PERCENT);
}

export { deployRateModel };

/**
 * Gas of the core pool's lender and borrower operations, measured on the Hardhat network against a pool in a
 * realistic state: borrows outstanding and an hour between operations, so each one also accrues interest.
 */
import hre from "hardhat";
import { deployPool } from "../lib/deployCorePools";
import { STABLECOIN_RATE_MODEL } from "../../lib/pools";
import type { ContractTransactionResponse } from "ethers";

export type GasResults = Record<string, number>;

/** Hashes of the measured transactions, in order, for `npm run bench -- --profile` style gas work. */
export const measuredTransactions: string[] = [];

/** Gas used by a transaction once mined. */
export async function gasOf(transaction: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await transaction).wait();
  if (!receipt) throw new Error("transaction was not mined");
  measuredTransactions.push(receipt.hash);
  return Number(receipt.gasUsed);
}

export async function benchPool(): Promise<GasResults> {
  const { ethers } = hre;
  const [owner, guardian, borrower, alice, bob] = await ethers.getSigners();
  const usdc = (amount: number) => ethers.parseUnits(String(amount), 6);
  const token = await (await ethers.getContractFactory("FaucetToken")).deploy("USD Coin", "USDC", 6, usdc(10_000_000));
  const { pool } = await deployPool(
    hre,
    { address: await token.getAddress(), symbol: "USDC", decimals: 6, rateModel: STABLECOIN_RATE_MODEL },
    { owner: owner.address, guardian: guardian.address },
  );
  const poolAddress = await pool.getAddress();
  for (const account of [borrower, alice, bob]) {
    await token.connect(account).faucet(usdc(1_000_000));
    await token.connect(account).approve(poolAddress, ethers.MaxUint256);
  }
  await pool.setCreditLimit(borrower.address, usdc(10_000_000));
  const anHourLater = () => hre.network.provider.send("evm_increaseTime", [3600]);

  const results: GasResults = {};
  results["pool.deposit.first"] = await gasOf(pool.connect(alice).deposit(usdc(100_000), alice.address));
  await anHourLater();
  results["pool.borrow"] = await gasOf(pool.connect(borrower).borrow(usdc(50_000)));
  await anHourLater();
  results["pool.deposit.newDepositor"] = await gasOf(pool.connect(bob).deposit(usdc(10_000), bob.address));
  await anHourLater();
  results["pool.deposit.repeat"] = await gasOf(pool.connect(alice).deposit(usdc(10_000), alice.address));
  await anHourLater();
  results["pool.withdraw"] = await gasOf(pool.connect(alice).withdraw(usdc(5_000), alice.address, alice.address));
  await anHourLater();
  results["pool.redeem"] = await gasOf(pool.connect(alice).redeem(usdc(5_000), alice.address, alice.address));
  await anHourLater();
  results["pool.borrow.repeat"] = await gasOf(pool.connect(borrower).borrow(usdc(10_000)));
  await anHourLater();
  results["pool.repay"] = await gasOf(pool.connect(borrower).repay(borrower.address, usdc(20_000)));
  await anHourLater();
  // What interest accrual alone adds to any of the operations above: the rate model call, the index and
  // reserve writes and the AccrueInterest event.
  results["pool.accrueInterest"] = await gasOf(pool.accrueInterest());
  await anHourLater();
  results["pool.repay.full"] = await gasOf(pool.connect(borrower).repay(borrower.address, ethers.MaxUint256));
  return results;
}

/** A mature anchor's lending pool, measured on the same EVM (from the foundation issue); we aim for 3/4 of it. */
export const POOL_ANCHORS: GasResults = {
  "pool.deposit.first": 158_000,
  "pool.deposit.newDepositor": 124_000,
  "pool.deposit.repeat": 107_000,
  "pool.withdraw": 104_000,
};

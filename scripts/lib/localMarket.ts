/**
 * The rest of a live market, for the local stack that `npm start` runs: other borrowers already in the pools, so
 * the borrow rates a farmer sees are the rate model's at a realistic utilization rather than 0%. (Other liquidity
 * providers already farm: deployVaults stakes half of each pair's liquidity in its farm.) Local chains only.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "../../lib/deployments";

/** Utilization each pool is borrowed to by the background borrower: stablecoins 60%, WETH 35%. */
export const LOCAL_BACKGROUND_UTILIZATION_BPS: Record<string, bigint> = { USDC: 6_000n, USDT: 6_000n, WETH: 3_500n };

/** Hardhat's public account #6: nobody else on the local stack uses it (see DEVELOPERS.md). */
const BACKGROUND_BORROWER_INDEX = 6;

export async function seedLocalBorrowers(hre: HardhatRuntimeEnvironment, deployment: Deployment, log: (line: string) => void = () => {}) {
  const { ethers } = hre;
  const signers = await ethers.getSigners();
  const [deployer] = signers;
  const borrower = signers[BACKGROUND_BORROWER_INDEX];
  for (const [symbol, utilizationBps] of Object.entries(LOCAL_BACKGROUND_UTILIZATION_BPS)) {
    const record = deployment.pools[symbol];
    if (!record) continue;
    const pool = await ethers.getContractAt("LendingPool", record.pool.address);
    const cash = await pool.cash();
    const borrows = await pool.totalBorrows();
    const target = ((cash + borrows) * utilizationBps) / 10_000n;
    if (target <= borrows) continue;
    const amount = target - borrows;
    await (await pool.connect(deployer).setCreditLimit(borrower.address, amount)).wait();
    await (await pool.connect(borrower).borrow(amount)).wait();
    log(`market ${borrower.address} borrows ${ethers.formatUnits(amount, record.decimals)} ${symbol}: f${symbol} at ${Number(utilizationBps) / 100}% utilization`);
  }
}

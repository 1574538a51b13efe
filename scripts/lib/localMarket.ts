/**
 * The rest of a live market, for the local stack that `npm start` runs: other borrowers already in the pools, so
 * the borrow rates a farmer sees are the rate model's at a realistic utilization rather than 0%, and another farmer
 * already in each leveraged vault, so a vault's TVL is not $0 and its harvests compound something from the start
 * (the realized APY needs them). Other liquidity providers already farm: deployVaults stakes half of each pair's
 * liquidity in its farm. Local chains only.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "../../lib/deployments";
import { WAD } from "../../lib/math";
import { borrowPlan, tokenAmountForValue } from "../../lib/openPreview";
import { IERC20Metadata__factory, PriceOracle__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { fundFromLocalSources } from "./localFunds";

/** Utilization each pool is borrowed to by the background borrower: stablecoins 60%, WETH 35%. */
export const LOCAL_BACKGROUND_UTILIZATION_BPS: Record<string, bigint> = { USDC: 6_000n, USDT: 6_000n, WETH: 3_500n };

/** Hardhat's public account #6: nobody else on the local stack uses it (see DEVELOPERS.md). */
const BACKGROUND_BORROWER_INDEX = 6;
/**
 * Hardhat's public account #10: not the development wallet's (#2-#4), the keeper's (#5), the background borrower's
 * (#6), nor the browser tests' (#7, and #8 as their stand-in keeper).
 */
const BACKGROUND_FARMER_INDEX = 10;

/**
 * The farmer already in each vault: its equity, supplied half in each token, and its leverage, borrowing both.
 * Sized like a farmer among a few: next to the half of each pair staked by plain LPs ($2M stable, $1M WETH-USDC),
 * these keep the farms' reward APRs in the tens of percent and take the pools a few points of utilization.
 */
export const LOCAL_BACKGROUND_FARMS: Record<string, { equityUsd: bigint; leverageWad: bigint }> = {
  "USDC-USDT": { equityUsd: 150_000n, leverageWad: 3n * WAD },
  "WETH-USDC": { equityUsd: 100_000n, leverageWad: 2n * WAD },
};

/**
 * Opens each vault's background farmer position (LOCAL_BACKGROUND_FARMS) from account #10, at the oracle's prices.
 * Run before seedLocalBorrowers, which then tops each pool up to its target utilization.
 */
export async function seedLocalFarmers(hre: HardhatRuntimeEnvironment, deployment: Deployment, log: (line: string) => void = () => {}) {
  const { ethers } = hre;
  const farmer = (await ethers.getSigners())[BACKGROUND_FARMER_INDEX];
  const symbolOf = new Map(Object.entries(deployment.tokens).map(([symbol, token]) => [token.address.toLowerCase(), symbol]));
  for (const [name, farm] of Object.entries(LOCAL_BACKGROUND_FARMS)) {
    const record = deployment.farming?.vaults[name];
    if (!record) continue;
    const vault = StakingRewardsVault__factory.connect(record.vault.address, farmer);
    const [token0, token1, oracleAddress] = await Promise.all([vault.token0(), vault.token1(), vault.oracle()]);
    const oracle = PriceOracle__factory.connect(oracleAddress, farmer);
    const [price0Wad, price1Wad] = await Promise.all([oracle.priceOf(token0), oracle.priceOf(token1)]);
    const tokens = [token0, token1].map((address) => {
      const symbol = symbolOf.get(address.toLowerCase())!;
      return { address, symbol, decimals: deployment.tokens[symbol].decimals };
    });
    const market = { price0Wad, price1Wad, decimals0: tokens[0].decimals, decimals1: tokens[1].decimals };
    const halfWad = (farm.equityUsd * WAD) / 2n;
    const amount0 = tokenAmountForValue(halfWad, price0Wad, market.decimals0);
    const amount1 = tokenAmountForValue(halfWad, price1Wad, market.decimals1);
    const { borrow0, borrow1 } = borrowPlan({ amount0, amount1, leverageWad: farm.leverageWad, borrow: "both" }, market);
    for (const [index, amount] of [amount0, amount1].entries()) {
      await fundFromLocalSources(deployment, tokens[index].symbol, farmer, amount);
      await (await IERC20Metadata__factory.connect(tokens[index].address, farmer).approve(record.vault.address, amount)).wait();
    }
    const latest = await ethers.provider.getBlock("latest");
    // Slippage bounds guard a person against prices moving under a signature; this runs alone at deployment.
    await (await vault.open({ amount0, amount1, borrow0, borrow1, minLp: 0n, minShares: 0n, deadline: BigInt(latest!.timestamp + 3_600) })).wait();
    log(`market ${farmer.address} farms ${name} #${await vault.lastPositionId()}: $${farm.equityUsd} of equity at ${Number(farm.leverageWad) / 1e18}x`);
  }
}

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
    // A few base units of room: the pool records the debt in borrow shares rounded up, and once interest has
    // accrued (the background farmers borrowed first) that reads a unit or two above the amount lent.
    await (await pool.connect(deployer).setCreditLimit(borrower.address, amount + 10n)).wait();
    await (await pool.connect(borrower).borrow(amount)).wait();
    log(`market ${borrower.address} borrows ${ethers.formatUnits(amount, record.decimals)} ${symbol}: f${symbol} at ${Number(utilizationBps) / 100}% utilization`);
  }
}

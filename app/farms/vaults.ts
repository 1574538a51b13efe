import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
// lib/contracts.ts only re-exports the pool bindings; the vault, pair, farm and oracle bindings come straight from
// the generated typechain-types, which is where lib/contracts.ts gets its own.
import {
  IERC20Metadata__factory,
  IStakingRewards__factory,
  IUniswapV2Pair__factory,
  LendingPool__factory,
  PriceOracle__factory,
  StakingRewardsVault__factory,
} from "../../typechain-types";
import { averageBorrowApr, farmRewardApr } from "../../lib/farmYield";
import { fairLpPriceWad, lpValueWad } from "../../lib/vaultMath";

export interface BorrowPoolOverview {
  /** The pool's fToken symbol, e.g. "fUSDC". */
  symbol: string;
  borrowApr: number;
}

export interface VaultOverview {
  name: string;
  address: string;
  token0Symbol: string;
  token1Symbol: string;
  /** USD value (WAD) of the LP the vault has staked, at the fair LP price. */
  tvlWad: bigint;
  /** The farm's reward APR, a fraction; null when nothing is staked in the farm. */
  rewardApr: number | null;
  pools: [BorrowPoolOverview, BorrowPoolOverview];
  /** The average of the two pools' borrow APRs, what the leverage calculator charges. */
  averageBorrowApr: number;
  /** The largest leverage the vault lets a farmer open, e.g. 3 for 3x. */
  maxLeverage: number;
}

/**
 * Reads every leveraged vault of a deployment over plain JSON-RPC (no wallet needed). Addresses the vault knows
 * itself (pair, pools, oracle, farm) are read from its immutables rather than the deployment file, so the page
 * shows what the vault actually uses.
 */
export async function readVaults(network: string, rpcUrl: string): Promise<VaultOverview[]> {
  const deployment = readDeployment(network);
  const records = Object.values(deployment.farming?.vaults ?? {});
  if (records.length === 0) return [];
  const provider = new JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true });
  const latestBlock = await provider.getBlock("latest");
  if (!latestBlock) throw new Error("the node returned no latest block");
  const now = BigInt(latestBlock.timestamp);

  return Promise.all(
    records.map(async (record) => {
      const vault = StakingRewardsVault__factory.connect(record.vault.address, provider);
      const [pairAddress, pool0Address, pool1Address, oracleAddress, farmAddress, risk, totals] = await Promise.all([
        vault.pair(),
        vault.pool0(),
        vault.pool1(),
        vault.oracle(),
        vault.farm(),
        vault.riskParameters(),
        vault.totals(),
      ]);
      const pair = IUniswapV2Pair__factory.connect(pairAddress, provider);
      const farm = IStakingRewards__factory.connect(farmAddress, provider);
      const oracle = PriceOracle__factory.connect(oracleAddress, provider);
      const pool0 = LendingPool__factory.connect(pool0Address, provider);
      const pool1 = LendingPool__factory.connect(pool1Address, provider);

      const [pairToken0, pairToken1, reserves, lpSupply, rewardToken, rewardRate, farmStakedLp, periodFinish] =
        await Promise.all([
          pair.token0(),
          pair.token1(),
          pair.getReserves(),
          pair.totalSupply(),
          farm.rewardsToken(),
          farm.rewardRate(),
          farm.totalSupply(),
          farm.periodFinish(),
        ]);
      const decimalsOf = (token: string) => IERC20Metadata__factory.connect(token, provider).decimals();
      const [decimals0, decimals1, rewardDecimals, price0, price1, rewardPrice, symbol0, symbol1, borrowRate0, borrowRate1] =
        await Promise.all([
          decimalsOf(pairToken0),
          decimalsOf(pairToken1),
          decimalsOf(rewardToken),
          oracle.priceOf(pairToken0),
          oracle.priceOf(pairToken1),
          oracle.priceOf(rewardToken),
          pool0.symbol(),
          pool1.symbol(),
          pool0.borrowRatePerYear(),
          pool1.borrowRatePerYear(),
        ]);

      // The fair price is what the vault itself lends against, so a pair pushed off the market price does not
      // inflate the TVL or deflate the APR shown here.
      const lpPriceWad = fairLpPriceWad(
        reserves[0],
        reserves[1],
        lpSupply,
        price0,
        price1,
        Number(decimals0),
        Number(decimals1),
      );
      const borrowApr0 = Number(borrowRate0) / 1e18;
      const borrowApr1 = Number(borrowRate1) / 1e18;
      return {
        name: record.name,
        address: record.vault.address,
        token0Symbol: record.token0,
        token1Symbol: record.token1,
        tvlWad: lpValueWad(totals.totalLp, lpPriceWad),
        rewardApr: farmRewardApr({
          rewardRatePerSecond: rewardRate,
          rewardDecimals: Number(rewardDecimals),
          rewardPriceWad: rewardPrice,
          stakedLp: farmStakedLp,
          lpPriceWad,
          periodFinish,
          now,
        }),
        pools: [
          { symbol: symbol0, borrowApr: borrowApr0 },
          { symbol: symbol1, borrowApr: borrowApr1 },
        ],
        averageBorrowApr: averageBorrowApr(borrowApr0, borrowApr1),
        maxLeverage: Number(risk.maxLeverageWad) / 1e18,
      } satisfies VaultOverview;
    }),
  );
}

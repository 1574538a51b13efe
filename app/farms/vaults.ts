import { JsonRpcProvider, type Block } from "ethers";
import { readDeployment, type DeployedVaultRecord, type Deployment } from "../../lib/deployments";
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
import { averageBorrowApr, farmRewardApr, lpYieldApr, tradingFeeApr } from "../../lib/farmYield";
import { fairLpPriceWad, lpValueWad } from "../../lib/vaultMath";
import { getLogsChunked } from "../../lib/chainLogs";

/** The trading-fee APR looks at this much recent trading: a day smooths out single trades without going stale. */
export const FEE_WINDOW_SECONDS = 24 * 60 * 60;
/** Blocks per eth_getLogs request to start with: public RPC endpoints commonly refuse wider ranges. */
const LOG_CHUNK_BLOCKS = 5_000;
const PAIR_INTERFACE = IUniswapV2Pair__factory.createInterface();
const SWAP_TOPIC = PAIR_INTERFACE.getEvent("Swap").topicHash;

export interface BorrowPoolOverview {
  /** The pool's fToken symbol, e.g. "fUSDC". */
  symbol: string;
  borrowApr: number;
}

/** Swaps into a pair over a recent window: the tokens paid in and the seconds the window covers. */
export interface SwapVolume {
  amount0In: bigint;
  amount1In: bigint;
  /** Seconds from the window's first block to the latest, by block timestamps; 0 when there is no window yet. */
  windowSeconds: bigint;
  swapCount: number;
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
  /** The pair's trading-fee APR over the last FEE_WINDOW_SECONDS (or since deployment); null with no window yet. */
  tradingFeeApr: number | null;
  feeWindowSeconds: number;
  /** Rewards plus fees: what an unlevered LP earns, and what the leverage calculator levers. */
  yieldApr: number | null;
  pools: [BorrowPoolOverview, BorrowPoolOverview];
  /** The average of the two pools' borrow APRs, what the leverage calculator charges. */
  averageBorrowApr: number;
  /** The largest leverage the vault lets a farmer open, e.g. 3 for 3x. */
  maxLeverage: number;
}

function providerFor(deployment: Deployment, rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true });
}

async function latestBlockOf(provider: JsonRpcProvider): Promise<Block> {
  const latest = await provider.getBlock("latest");
  if (!latest) throw new Error("the node returned no latest block");
  return latest;
}

async function blockAt(provider: JsonRpcProvider, blockNumber: number): Promise<Block> {
  const block = await provider.getBlock(blockNumber);
  if (!block) throw new Error(`the node returned no block ${blockNumber}`);
  return block;
}

/**
 * The first block of the fee window: the earliest at or after `startBlock` whose timestamp is within
 * FEE_WINDOW_SECONDS of the latest block. Block times vary (a local chain mines a block per transaction), so it is
 * found by timestamp, by bisection, not by counting blocks.
 */
async function windowStartBlock(provider: JsonRpcProvider, startBlock: number, latest: Block): Promise<Block> {
  const earliestTimestamp = latest.timestamp - FEE_WINDOW_SECONDS;
  let low = await blockAt(provider, startBlock);
  if (low.timestamp >= earliestTimestamp) return low;
  // Invariant: `low` is before the window, `high` inside it.
  let high = latest;
  while (high.number - low.number > 1) {
    const middle = await blockAt(provider, Math.floor((low.number + high.number) / 2));
    if (middle.timestamp >= earliestTimestamp) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Sums the pair's Swap events after the window's first block up to the latest (a day, or since the deployment when
 * it is younger), reading the logs in chunks.
 */
export async function readSwapVolume(
  provider: JsonRpcProvider,
  pairAddress: string,
  startBlock: number,
  latest: Block,
): Promise<SwapVolume> {
  const first = await windowStartBlock(provider, startBlock, latest);
  // The window runs from the first block's timestamp, so its own swaps are before the window and not counted.
  const logs = await getLogsChunked(provider, { address: pairAddress, topics: [SWAP_TOPIC] }, first.number + 1, latest.number, {
    chunkSize: LOG_CHUNK_BLOCKS,
  });
  let amount0In = 0n;
  let amount1In = 0n;
  for (const log of logs) {
    const swap = PAIR_INTERFACE.parseLog(log)!;
    amount0In += swap.args.amount0In as bigint;
    amount1In += swap.args.amount1In as bigint;
  }
  return { amount0In, amount1In, windowSeconds: BigInt(latest.timestamp - first.timestamp), swapCount: logs.length };
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
  const provider = providerFor(deployment, rpcUrl);
  const latestBlock = await latestBlockOf(provider);
  return Promise.all(
    records.map(async (record) =>
      readVaultOverview(provider, await readVaultSetup(provider, record, deployment.farming!.lens.address, deployment.startBlock, latestBlock), latestBlock),
    ),
  );
}

async function readVaultOverview(provider: JsonRpcProvider, setup: OpenSetup, latestBlock: Block): Promise<VaultOverview> {
  const vault = StakingRewardsVault__factory.connect(setup.vaultAddress, provider);
  const pair = IUniswapV2Pair__factory.connect(setup.pairAddress, provider);
  const farm = IStakingRewards__factory.connect(setup.farmAddress, provider);
  const oracle = PriceOracle__factory.connect(setup.oracleAddress, provider);
  const pool0 = LendingPool__factory.connect(setup.pool0Address, provider);
  const pool1 = LendingPool__factory.connect(setup.pool1Address, provider);
  const [risk, totals, reserves, lpSupply, rewardRate, farmStakedLp, periodFinish, price0, price1, rewardPrice, symbol0, symbol1, borrowRate0, borrowRate1] =
    await Promise.all([
      vault.riskParameters(),
      vault.totals(),
      pair.getReserves(),
      pair.totalSupply(),
      farm.rewardRate(),
      farm.totalSupply(),
      farm.periodFinish(),
      oracle.priceOf(setup.token0.address),
      oracle.priceOf(setup.token1.address),
      oracle.priceOf(setup.rewardToken.address),
      pool0.symbol(),
      pool1.symbol(),
      pool0.borrowRatePerYear(),
      pool1.borrowRatePerYear(),
    ]);

  // The fair price is what the vault itself lends against, so a pair pushed off the market price does not
  // inflate the TVL or deflate the APR shown here.
  const lpPriceWad = fairLpPriceWad(reserves[0], reserves[1], lpSupply, price0, price1, setup.token0.decimals, setup.token1.decimals);
  const rewardApr = farmRewardApr({
    rewardRatePerSecond: rewardRate,
    rewardDecimals: setup.rewardToken.decimals,
    rewardPriceWad: rewardPrice,
    stakedLp: farmStakedLp,
    lpPriceWad,
    periodFinish,
    now: BigInt(latestBlock.timestamp),
  });
  const feeApr = tradingFeeApr({
    amount0In: setup.swapVolume.amount0In,
    amount1In: setup.swapVolume.amount1In,
    price0Wad: price0,
    price1Wad: price1,
    decimals0: setup.token0.decimals,
    decimals1: setup.token1.decimals,
    windowSeconds: setup.swapVolume.windowSeconds,
    liquidityValueWad: lpValueWad(lpSupply, lpPriceWad),
  });
  const borrowApr0 = Number(borrowRate0) / 1e18;
  const borrowApr1 = Number(borrowRate1) / 1e18;
  return {
    name: setup.name,
    address: setup.vaultAddress,
    token0Symbol: setup.token0.symbol,
    token1Symbol: setup.token1.symbol,
    tvlWad: lpValueWad(totals.totalLp, lpPriceWad),
    rewardApr,
    tradingFeeApr: feeApr,
    feeWindowSeconds: Number(setup.swapVolume.windowSeconds),
    yieldApr: lpYieldApr(rewardApr, feeApr),
    pools: [
      { symbol: symbol0, borrowApr: borrowApr0 },
      { symbol: symbol1, borrowApr: borrowApr1 },
    ],
    averageBorrowApr: averageBorrowApr(borrowApr0, borrowApr1),
    maxLeverage: Number(risk.maxLeverageWad) / 1e18,
  };
}

export interface TokenSetup {
  address: string;
  symbol: string;
  decimals: number;
}

/** What the open form needs that does not change from block to block: the vault's wiring and recent volume. */
export interface OpenSetup {
  name: string;
  vaultAddress: string;
  pairAddress: string;
  farmAddress: string;
  oracleAddress: string;
  /** The deployment's VaultLens: the vault's per-block state in one call. */
  lensAddress: string;
  pool0Address: string;
  pool1Address: string;
  token0: TokenSetup;
  token1: TokenSetup;
  rewardToken: TokenSetup;
  /** Swaps into the pair over the fee window, read when the page was served. */
  swapVolume: SwapVolume;
}

/** The names of a deployment's vaults, for links and for saying which exist when a name is unknown. */
export function vaultNames(network: string): string[] {
  return Object.keys(readDeployment(network).farming?.vaults ?? {});
}

/** Reads the wiring of the vault named `name`; null when the deployment has no vault by that name. */
export async function readOpenSetup(network: string, rpcUrl: string, name: string): Promise<OpenSetup | null> {
  const deployment = readDeployment(network);
  const record = deployment.farming?.vaults[name];
  if (!record) return null;
  const provider = providerFor(deployment, rpcUrl);
  return readVaultSetup(provider, record, deployment.farming!.lens.address, deployment.startBlock, await latestBlockOf(provider));
}

/** A vault's wiring from its immutables, its tokens' symbols and decimals, and the pair's recent swaps. */
async function readVaultSetup(
  provider: JsonRpcProvider,
  record: DeployedVaultRecord,
  lensAddress: string,
  startBlock: number,
  latest: Block,
): Promise<OpenSetup> {
  const vault = StakingRewardsVault__factory.connect(record.vault.address, provider);
  const [pairAddress, token0Address, token1Address, pool0Address, pool1Address, oracleAddress, farmAddress, rewardAddress] =
    await Promise.all([
      vault.pair(),
      vault.token0(),
      vault.token1(),
      vault.pool0(),
      vault.pool1(),
      vault.oracle(),
      vault.farm(),
      vault.rewardToken(),
    ]);
  const tokenSetup = async (address: string): Promise<TokenSetup> => {
    const token = IERC20Metadata__factory.connect(address, provider);
    const [symbol, decimals] = await Promise.all([token.symbol(), token.decimals()]);
    return { address, symbol, decimals: Number(decimals) };
  };
  const [token0, token1, rewardToken, swapVolume] = await Promise.all([
    tokenSetup(token0Address),
    tokenSetup(token1Address),
    tokenSetup(rewardAddress),
    readSwapVolume(provider, pairAddress, startBlock, latest),
  ]);
  return {
    name: record.name,
    vaultAddress: record.vault.address,
    pairAddress,
    farmAddress,
    oracleAddress,
    lensAddress,
    pool0Address,
    pool1Address,
    token0,
    token1,
    rewardToken,
    swapVolume,
  };
}

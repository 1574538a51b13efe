import { JsonRpcProvider, type Block } from "ethers";
import { readDeployment, type DeployedVaultRecord, type Deployment } from "../../lib/deployments";
// lib/contracts.ts only re-exports the pool bindings; the vault, pair, farm and oracle bindings come straight from
// the generated typechain-types, which is where lib/contracts.ts gets its own.
import { IERC20Metadata__factory, IUniswapV2Pair__factory, LendingPool__factory, StakingRewardsVault__factory, VaultLens__factory } from "../../typechain-types";
import {
  averageBorrowApr,
  farmRewardApr,
  realizedApy,
  realizedYieldWindow,
  tradingFeeWindow,
  tradingFeeYield,
  type FarmRewardApr,
  type MeasuredYield,
  type SwapVolume,
  type YieldWindow,
} from "../../lib/farmYield";
import { fairLpPriceWad, lpValueWad } from "../../lib/vaultMath";
import { getLogsChunked } from "../../lib/chainLogs";
import { readVaultHarvests, type VaultHarvest } from "../../lib/positionHistory";
import { rpcFetchRequest } from "../../lib/rpcUrl";

export type { SwapVolume } from "../../lib/farmYield";

/** Blocks per eth_getLogs request to start with: public RPC endpoints commonly refuse wider ranges. */
const LOG_CHUNK_BLOCKS = 5_000;
const PAIR_INTERFACE = IUniswapV2Pair__factory.createInterface();
const SWAP_TOPIC = PAIR_INTERFACE.getEvent("Swap").topicHash;

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
  /** The farm's reward APR at its current stake (nothing deposited); null when nothing is staked in the farm. */
  rewardApr: FarmRewardApr | null;
  /** The pair's trading-fee APR over its window (7 d or 24 h), or why there is none yet. */
  tradingFees: MeasuredYield;
  /** What the vault's harvests compounded into LP per share (7 d or since deployment), or why there is none yet. */
  realized: MeasuredYield;
  pools: [BorrowPoolOverview, BorrowPoolOverview];
  /** The average of the two pools' borrow APRs, what the leverage calculator charges. */
  averageBorrowApr: number;
  /** The largest leverage the vault lets a farmer open, e.g. 3 for 3x. */
  maxLeverage: number;
}

function providerFor(deployment: Deployment, rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcFetchRequest(rpcUrl), deployment.chainId, { staticNetwork: true });
}

async function blockAt(provider: JsonRpcProvider, blockTag: number | "latest"): Promise<Block> {
  const block = await provider.getBlock(blockTag);
  if (!block) throw new Error(`the node returned no block ${blockTag}`);
  return block;
}

/**
 * The chain's history as one page load sees it: the deployment's first block, the latest block, and the first
 * block of each yield window, found once and shared by every vault and by the fee and realized windows.
 */
interface ChainHistory {
  provider: JsonRpcProvider;
  deploymentStart: Block;
  latest: Block;
  /** Seconds from the deployment's first block to the latest, by block timestamps. */
  historySeconds: number;
  windowStarts: Map<number, Promise<Block>>;
}

async function readChainHistory(provider: JsonRpcProvider, startBlock: number): Promise<ChainHistory> {
  const [deploymentStart, latest] = await Promise.all([blockAt(provider, startBlock), blockAt(provider, "latest")]);
  return { provider, deploymentStart, latest, historySeconds: latest.timestamp - deploymentStart.timestamp, windowStarts: new Map() };
}

/**
 * The first block of a window of `seconds` ending at the latest block: the earliest from the deployment on whose
 * timestamp is within the window. Block times vary (a local chain mines a block per transaction), so it is found by
 * timestamp, by bisection, not by counting blocks.
 */
function windowFirstBlock(history: ChainHistory, seconds: number): Promise<Block> {
  let found = history.windowStarts.get(seconds);
  if (!found) {
    found = (async () => {
      const earliestTimestamp = history.latest.timestamp - seconds;
      let low = history.deploymentStart;
      if (low.timestamp >= earliestTimestamp) return low;
      // Invariant: `low` is before the window, `high` inside it.
      let high = history.latest;
      while (high.number - low.number > 1) {
        const middle = await blockAt(history.provider, Math.floor((low.number + high.number) / 2));
        if (middle.timestamp >= earliestTimestamp) high = middle;
        else low = middle;
      }
      return high;
    })();
    history.windowStarts.set(seconds, found);
  }
  return found;
}

/** The blocks a window covers, from its first block to the latest, inclusive. */
async function windowBlocks(history: ChainHistory, window: YieldWindow & { kind: "window" }): Promise<[number, number]> {
  return [(await windowFirstBlock(history, window.seconds)).number, history.latest.number];
}

/**
 * Sums the pair's Swap events over the trading-fee window (7 d, else 24 h); a deployment younger than a day has no
 * window, and nothing is read.
 */
async function readSwapVolume(history: ChainHistory, pairAddress: string): Promise<SwapVolume> {
  const window = tradingFeeWindow(history.historySeconds);
  if (window.kind === "tooYoung") return { window, amount0In: 0n, amount1In: 0n, swapCount: 0 };
  const [fromBlock, toBlock] = await windowBlocks(history, window);
  const logs = await getLogsChunked(history.provider, { address: pairAddress, topics: [SWAP_TOPIC] }, fromBlock, toBlock, {
    chunkSize: LOG_CHUNK_BLOCKS,
  });
  let amount0In = 0n;
  let amount1In = 0n;
  for (const log of logs) {
    const swap = PAIR_INTERFACE.parseLog(log)!;
    amount0In += swap.args.amount0In as bigint;
    amount1In += swap.args.amount1In as bigint;
  }
  return { window, amount0In, amount1In, swapCount: logs.length };
}

/** The vault's harvests over the realized window (7 d, else since deployment); none before the deployment is a day old. */
async function readRealizedHarvests(history: ChainHistory, vaultAddress: string): Promise<{ window: YieldWindow; harvests: VaultHarvest[] }> {
  const window = realizedYieldWindow(history.historySeconds);
  if (window.kind === "tooYoung") return { window, harvests: [] };
  const [fromBlock, toBlock] = await windowBlocks(history, window);
  return { window, harvests: await readVaultHarvests(history.provider, vaultAddress, fromBlock, toBlock, { chunkSize: LOG_CHUNK_BLOCKS }) };
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
  const history = await readChainHistory(providerFor(deployment, rpcUrl), deployment.startBlock);
  return Promise.all(
    records.map(async (record) => {
      const [setup, realized] = await Promise.all([
        readVaultSetup(history, record, deployment.farming!.lens.address),
        readRealizedHarvests(history, record.vault.address),
      ]);
      return readVaultOverview(history, setup, realized);
    }),
  );
}

async function readVaultOverview(
  history: ChainHistory,
  setup: OpenSetup,
  realized: { window: YieldWindow; harvests: VaultHarvest[] },
): Promise<VaultOverview> {
  const { provider, latest } = history;
  const pool0 = LendingPool__factory.connect(setup.pool0Address, provider);
  const pool1 = LendingPool__factory.connect(setup.pool1Address, provider);
  // Everything that changes from block to block in one lens call, at the block the page's history ends at.
  const [state, symbol0, symbol1] = await Promise.all([
    VaultLens__factory.connect(setup.lensAddress, provider).vaultState(setup.vaultAddress, { blockTag: latest.number }),
    pool0.symbol(),
    pool1.symbol(),
  ]);
  if (!state.pricesAvailable) throw new Error(`the oracle gives no fresh price for one of ${setup.name}'s tokens (a feed is stale or the sequencer is down)`);
  // The fair price is what the vault itself lends against, so a pair pushed off the market price does not
  // inflate the TVL or deflate the APR shown here.
  const lpPriceWad = fairLpPriceWad(state.reserve0, state.reserve1, state.pairTotalSupply, state.price0Wad, state.price1Wad, setup.token0.decimals, setup.token1.decimals);
  const tvlWad = lpValueWad(state.totalLp, lpPriceWad);
  // The table shows the rate at the farm's current stake; the open preview adds the farmer's own deposit.
  const rewardApr = farmRewardApr(
    {
      rewardRatePerSecond: state.farm.rewardRatePerSecond,
      rewardDecimals: setup.rewardToken.decimals,
      rewardPriceWad: state.rewardPriceWad,
      stakedLp: state.farm.totalStaked,
      lpPriceWad,
      periodFinish: state.farm.periodFinish,
      now: BigInt(latest.timestamp),
    },
    0n,
  );
  const tradingFees = tradingFeeYield(setup.swapVolume, {
    price0Wad: state.price0Wad,
    price1Wad: state.price1Wad,
    decimals0: setup.token0.decimals,
    decimals1: setup.token1.decimals,
    liquidityValueWad: lpValueWad(state.pairTotalSupply, lpPriceWad),
  });
  const borrowApr0 = Number(state.pool0.borrowRatePerYearWad) / 1e18;
  const borrowApr1 = Number(state.pool1.borrowRatePerYearWad) / 1e18;
  return {
    name: setup.name,
    address: setup.vaultAddress,
    token0Symbol: setup.token0.symbol,
    token1Symbol: setup.token1.symbol,
    tvlWad,
    rewardApr,
    tradingFees,
    realized: realizedApy({ window: realized.window, harvests: realized.harvests, vaultValueWad: tvlWad }),
    pools: [
      { symbol: symbol0, borrowApr: borrowApr0 },
      { symbol: symbol1, borrowApr: borrowApr1 },
    ],
    averageBorrowApr: averageBorrowApr(borrowApr0, borrowApr1),
    maxLeverage: Number(state.risk.maxLeverageWad) / 1e18,
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
  return readVaultSetup(await readChainHistory(providerFor(deployment, rpcUrl), deployment.startBlock), record, deployment.farming!.lens.address);
}

/** A vault's wiring from its immutables, its tokens' symbols and decimals, and the pair's recent swaps. */
async function readVaultSetup(history: ChainHistory, record: DeployedVaultRecord, lensAddress: string): Promise<OpenSetup> {
  const { provider } = history;
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
    readSwapVolume(history, pairAddress),
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

/**
 * One crash run: a scenario's hourly price path under one lag mode, with the project's keeper (lib/keeper.ts)
 * passing every `cadence` steps, and the numbers the report needs. The caller reverts the chain to the opened book
 * before each run.
 */
import type { Contract } from "ethers";
import { Keeper, type DecisionLogEntry, type KeeperRunSummary } from "../../lib/keeper";
import { VaultLens__factory } from "../../typechain-types";
import type { CrashContext, OpenedPosition } from "./book";
import { applyStep, DECIMALS, reservesOf, type LagMode, type MarketState } from "./market";
import { congestedSteps, marketPath, type Prices, type Scenario, type Symbol } from "./scenarios";

/**
 * The project's keeper, unchanged for liquidations and protection orders; only its harvest decision is switched off
 * (harvests are not under test, and each pass would otherwise simulate two harvests for nothing).
 */
export class CrashKeeper extends Keeper {
  override async tryHarvest(): Promise<"skipped"> {
    return "skipped";
  }
}

export const timing = { market: 0, keeper: 0, events: 0, final: 0 };

const SYMBOLS: Symbol[] = ["USDC", "USDT", "WETH"];
const WAD = 10n ** 18n;

export interface RiskExperiment {
  name: string;
  description: string;
  /** Applied as the deployer right after the revert, before the first step. */
  apply: (ctx: CrashContext) => Promise<void>;
}

export interface BlockedLiquidation {
  step: number;
  vault: string;
  positionId: string;
  bucket: string;
  reason: string;
}

export interface LiquidationRecord {
  step: number;
  vault: string;
  positionId: string;
  bucket: string;
  whole: boolean;
  /** The liquidator took the LP and paid (by repayment or, capital-free, by callback through the FlashLiquidator). */
  byRepayment: boolean;
  /** Of those, capital-free: the FlashLiquidator was the vault's caller. */
  byCallback: boolean;
  badDebtUsd: number;
  reserveCoveredUsd: number;
  incentiveUsd: number;
  bountyUsd: number;
}

export interface PoolOutcome {
  symbol: Symbol;
  sharePriceBefore: string;
  sharePriceAfter: string;
  /** (after - before) / before, parts per million; negative is a loss for lenders. */
  sharePriceChangePpm: number;
  lenderLossUsd: number;
  reservesBefore: number;
  reservesAfter: number;
  badDebtWrittenOffUsd: number;
  reserveUsedUsd: number;
  cash: number;
  lenderAssets: number;
  /** Every lender can withdraw all it holds, or (the seed lender) all of the pool's cash, with cash coverage no
   *  worse than before the crash. */
  everyLenderCanWithdraw: boolean;
  lendersWithdrawingInFull: string;
  /** Cash / lender assets: the share of all lenders' money withdrawable at once. */
  cashCoverageBefore: number;
  cashCoverageAfter: number;
  /** The most any single lender is short of its full withdrawal (whole tokens; > 0 only when cash binds). */
  largestWithdrawalShortfall: number;
}

export interface RunResult {
  scenario: string;
  scenarioKind: Scenario["kind"];
  shock?: Scenario["shock"];
  lagMode: LagMode;
  cadence: number;
  experiment?: string;
  steps: number;
  keeperPasses: number;
  liquidatableSeen: number;
  liquidations: { full: number; partial: number; byRepayment: number; byCallback: number };
  ordersExecuted: number;
  blocked: BlockedLiquidation[];
  blockedCount: number;
  keeperErrors: string[];
  liquidationRecords: LiquidationRecord[];
  leftPastKillFactor: Array<{ vault: string; positionId: string; bucket: string; debtRatioBps: number; shortfallUsd: number }>;
  badDebtUsd: number;
  /** Realised bad debt (written off) plus the shortfall of positions still open and underwater at the end. */
  badDebtByBucketUsd: Record<string, number>;
  openShortfallUsd: number;
  reserveUsedUsd: number;
  lenderLossUsd: number;
  pools: PoolOutcome[];
  everyLenderCanWithdraw: boolean;
  bountyUsd: number;
  /** Peak of the keeper's working capital tied up in liquidations by repayment (token balances below their start, USD). */
  keeperCapitalUsedUsd: number;
  gasUsd: number;
  gasUsed: number;
  seconds: number;
}

const wholeOf = (amount: bigint, symbol: string) => Number(amount) / 10 ** DECIMALS[symbol];

/** USD of a Uniswap V2 LP amount at fair value (2 sqrt(k p0 p1) / supply), at `prices`. */
async function lpValueUsd(pair: Contract, token0: string, token1: string, lp: bigint, prices: Prices): Promise<number> {
  if (lp === 0n) return 0;
  const [r0, r1] = await reservesOf(pair);
  const supply = BigInt(await pair.totalSupply());
  const x = wholeOf(r0, token0);
  const y = wholeOf(r1, token1);
  const fair = 2 * Math.sqrt(x * y * prices[token0 as Symbol] * prices[token1 as Symbol]);
  return (fair * Number(lp)) / Number(supply);
}

export interface RunOptions {
  experiment?: RiskExperiment;
  /** Keeper decision lines go here too (verbose mode). */
  onLog?: (entry: DecisionLogEntry) => void;
}

export async function runScenario(ctx: CrashContext, scenario: Scenario, mode: LagMode, cadence: number, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const { hre, stack, deployer } = ctx;
  const provider = hre.ethers.provider;
  const startBlock = await provider.getBlockNumber();
  if (options.experiment) await options.experiment.apply(ctx);
  const byKey = new Map<string, OpenedPosition>(ctx.book.map((position) => [`${position.vaultName}:${position.id}`, position]));
  const bucketOfId = (vault: string, id: string) => byKey.get(`${vault}:${id}`)?.bucket ?? "unknown";

  const entries: DecisionLogEntry[] = [];
  const keeper = new CrashKeeper(ctx.keeper, stack.deployment, {
    // Harvests are not under test: never due within a run.
    harvestMarginMultiplier: 1e12,
    maxHarvestIntervalSeconds: 1e12,
    retry: { attempts: 2, baseDelayMs: 1 },
    log: (entry) => {
      const full = { time: new Date().toISOString(), ...entry } as DecisionLogEntry;
      entries.push(full);
      options.onLog?.(full);
    },
  });
  const keeperAddress = await ctx.keeper.getAddress();
  const keeperToken = (symbol: Symbol) => hre.ethers.getContractAt("IERC20", stack.deployment.tokens[symbol].address);
  const keeperBalances = async () => Promise.all(SYMBOLS.map(async (symbol) => (await keeperToken(symbol)).balanceOf(keeperAddress) as Promise<bigint>));
  const capitalAtStart = await keeperBalances();
  let keeperCapitalUsedUsd = 0;

  const lenders = [await deployer.getAddress(), ...(await Promise.all(ctx.lenders.map((lender) => lender.getAddress())))];
  const before = new Map<Symbol, { sharePrice: bigint; reserves: bigint; cashCoverage: number }>();
  for (const symbol of SYMBOLS) {
    const pool = stack.pools[symbol];
    await (await pool.accrueInterest()).wait();
    before.set(symbol, { sharePrice: await pool.convertToAssets(WAD), reserves: await pool.reserves(), cashCoverage: Number(await pool.cash()) / Number(await pool.totalAssets()) });
  }

  const path = marketPath(scenario, ctx.base);
  const congested = congestedSteps(path, ctx.base);
  const state: MarketState = { feeds: new Map(SYMBOLS.map((symbol) => [symbol, ctx.base[symbol]])) };
  const summaries: KeeperRunSummary[] = [];
  const records: LiquidationRecord[] = [];
  const blocked: BlockedLiquidation[] = [];
  const keeperErrors: string[] = [];
  let ordersExecuted = 0;
  let gasUsd = 0;
  let gasUsed = 0;

  for (let index = 0; index < path.length; index++) {
    await hre.network.provider.send("evm_increaseTime", [3_600]);
    const market = path[index];
    const previous = index === 0 ? ctx.base : path[index - 1];
    let t = Date.now();
    await applyStep(hre, stack, deployer, mode, { index, market, previous, congested: congested.has(index) }, state);
    timing.market += Date.now() - t;
    if (index % cadence !== cadence - 1) continue;

    const fromBlock = (await provider.getBlockNumber()) + 1;
    const ethBefore = await provider.getBalance(keeperAddress);
    const firstEntry = entries.length;
    t = Date.now();
    const summary = await keeper.runOnce();
    timing.keeper += Date.now() - t;
    t = Date.now();
    summaries.push(summary);
    const ethAfter = await provider.getBalance(keeperAddress);
    const balances = await keeperBalances();
    const tiedUp = SYMBOLS.reduce((sum, symbol, i) => sum + Math.max(0, wholeOf(capitalAtStart[i] - balances[i], symbol)) * market[symbol], 0);
    keeperCapitalUsedUsd = Math.max(keeperCapitalUsedUsd, tiedUp);
    gasUsd += (Number(ethBefore - ethAfter) / 1e18) * market.WETH;
    ordersExecuted += summary.ordersExecuted;
    for (const entry of entries.slice(firstEntry)) {
      if (entry.action === "skip-liquidation" && !/^no longer past the kill factor/.test(entry.reason)) {
        blocked.push({ step: index, vault: entry.vault, positionId: entry.positionId ?? "", bucket: bucketOfId(entry.vault, entry.positionId ?? ""), reason: entry.reason });
      }
      if (entry.action === "error") keeperErrors.push(`step ${index} ${entry.vault} #${entry.positionId ?? "-"}: ${entry.reason}`);
      if (entry.numbers?.gasUsed !== undefined) gasUsed += Number(entry.numbers.gasUsed);
    }
    const toBlock = await provider.getBlockNumber();
    if (toBlock < fromBlock) continue;
    for (const deployed of Object.values(ctx.vaults)) {
      const events = await deployed.vault.queryFilter(deployed.vault.filters.PositionLiquidated(), fromBlock, toBlock);
      const s0 = deployed.token0Symbol as Symbol;
      const s1 = deployed.token1Symbol as Symbol;
      const usd = (amount0: bigint, amount1: bigint) => wholeOf(amount0, s0) * market[s0] + wholeOf(amount1, s1) * market[s1];
      for (const event of events) {
        const outcome = event.args.outcome;
        const byRepayment = outcome.lpPaid > 0n;
        const byCallback = byRepayment && String(event.args.liquidator).toLowerCase() !== keeperAddress.toLowerCase();
        const incentiveUsd = usd(outcome.incentive0, outcome.incentive1);
        let bountyUsd: number;
        if (byRepayment) {
          const lpUsd = await lpValueUsd(deployed.pair, s0, s1, outcome.lpPaid, market);
          bountyUsd = lpUsd - usd(outcome.repaid0 + outcome.returned0, outcome.repaid1 + outcome.returned1) + incentiveUsd;
        } else {
          bountyUsd = usd(outcome.paid0, outcome.paid1) + incentiveUsd;
        }
        records.push({
          step: index,
          vault: deployed.name,
          positionId: event.args.positionId.toString(),
          bucket: bucketOfId(deployed.name, event.args.positionId.toString()),
          whole: outcome.whole,
          byRepayment,
          byCallback,
          badDebtUsd: usd(outcome.badDebt0, outcome.badDebt1),
          reserveCoveredUsd: usd(outcome.reserveCovered0, outcome.reserveCovered1),
          incentiveUsd,
          bountyUsd,
        });
      }
      const orders = await deployed.vault.queryFilter(deployed.vault.filters.DeleverageOrderExecuted(), fromBlock, toBlock);
      for (const event of orders) {
        // The executor's fee counts as keeper income too.
        const outcome = event.args[3] as unknown as { paid0: bigint; paid1: bigint };
        records.push({
          step: index, vault: deployed.name, positionId: event.args[0].toString(), bucket: bucketOfId(deployed.name, event.args[0].toString()),
          whole: false, byRepayment: false, byCallback: false, badDebtUsd: 0, reserveCoveredUsd: 0, incentiveUsd: 0, bountyUsd: usd(outcome.paid0, outcome.paid1),
        });
        records[records.length - 1].positionId += " (order)";
      }
    }
  }

  const finalStarted = Date.now();
  // Final state: positions still past the kill factor, and the shortfall of the underwater ones.
  const final = path[path.length - 1];
  const lens = VaultLens__factory.connect(stack.deployment.farming!.lens.address, provider);
  const leftPastKillFactor: RunResult["leftPastKillFactor"] = [];
  const badDebtByBucketUsd: Record<string, number> = {};
  let openShortfallUsd = 0;
  for (const deployed of Object.values(ctx.vaults)) {
    const last = Number(await deployed.vault.lastPositionId());
    const views = await lens.positionViews(await deployed.vault.getAddress(), 1, last);
    for (const view of views) {
      if (view.lpShares === 0n && view.debtValueWad === 0n) continue;
      // Oracle values; in the feed-lag mode the feeds end one step behind, so value at the market instead.
      const shortfall = Math.max(0, Number(view.debtValueWad - view.valueWad) / 1e18);
      const id = view.positionId.toString();
      if (view.liquidatable) leftPastKillFactor.push({ vault: deployed.name, positionId: id, bucket: bucketOfId(deployed.name, id), debtRatioBps: Number(view.debtRatioBps), shortfallUsd: shortfall });
      if (shortfall > 0) {
        openShortfallUsd += shortfall;
        const bucket = bucketOfId(deployed.name, id);
        badDebtByBucketUsd[bucket] = (badDebtByBucketUsd[bucket] ?? 0) + shortfall;
      }
    }
  }
  for (const record of records) {
    if (record.badDebtUsd > 0) badDebtByBucketUsd[record.bucket] = (badDebtByBucketUsd[record.bucket] ?? 0) + record.badDebtUsd;
  }

  const pools: PoolOutcome[] = [];
  for (const symbol of SYMBOLS) {
    const pool = stack.pools[symbol];
    await (await pool.accrueInterest()).wait();
    const after = await pool.convertToAssets(WAD);
    const was = before.get(symbol)!;
    const supply = await pool.totalSupply();
    const lossPerShare = was.sharePrice > after ? was.sharePrice - after : 0n;
    const lenderLossUsd = wholeOf((lossPerShare * supply) / WAD, symbol) * final[symbol];
    const reservesAfter = await pool.reserves();
    const cash = await pool.cash();
    // A lender "can withdraw" when maxWithdraw gives it everything it holds, or everything the pool's cash holds
    // (utilisation, as before the crash); the seed lender's 2M deposit is larger than the cash in normal times.
    let everyLenderCanWithdraw = true;
    let largestShortfall = 0n;
    let lendersInFull = 0;
    for (const lender of lenders) {
      const assets = await pool.convertToAssets(await pool.balanceOf(lender));
      const max = await pool.maxWithdraw(lender);
      if (max + 1n >= assets) lendersInFull += 1;
      else {
        if (max + 1n < cash) everyLenderCanWithdraw = false;
        if (assets - max > largestShortfall) largestShortfall = assets - max;
      }
    }
    const cashCoverage = Number(cash) / Number(await pool.totalAssets());
    // Interest moves coverage by ppm; a real drop (cash drained while lenders' claims stay) counts.
    if (cashCoverage < was.cashCoverage - 0.001 && lendersInFull < lenders.length) everyLenderCanWithdraw = false;
    pools.push({
      symbol,
      sharePriceBefore: was.sharePrice.toString(),
      sharePriceAfter: after.toString(),
      sharePriceChangePpm: Number(((after - was.sharePrice) * 1_000_000n) / was.sharePrice),
      lenderLossUsd,
      reservesBefore: wholeOf(was.reserves, symbol),
      reservesAfter: wholeOf(reservesAfter, symbol),
      badDebtWrittenOffUsd: 0,
      reserveUsedUsd: 0,
      cash: wholeOf(cash, symbol),
      lenderAssets: wholeOf(await pool.totalAssets(), symbol),
      everyLenderCanWithdraw,
      lendersWithdrawingInFull: `${lendersInFull}/${lenders.length}`,
      cashCoverageBefore: was.cashCoverage,
      cashCoverageAfter: cashCoverage,
      largestWithdrawalShortfall: wholeOf(largestShortfall, symbol),
    });
  }
  // Per pool write-offs, from the pools' own events over the run.
  for (const outcome of pools) {
    const pool = stack.pools[outcome.symbol];
    const events = await pool.queryFilter(pool.filters.BadDebtWrittenOff());
    let written = 0n;
    let covered = 0n;
    let incentive = 0n;
    for (const event of events) {
      if (event.blockNumber <= startBlock) continue;
      written += event.args[1];
      covered += event.args[2];
      incentive += event.args[5];
    }
    outcome.badDebtWrittenOffUsd = wholeOf(written, outcome.symbol) * final[outcome.symbol];
    outcome.reserveUsedUsd = wholeOf(covered + incentive, outcome.symbol) * final[outcome.symbol];
  }

  timing.final += Date.now() - finalStarted;
  const liquidations = records.filter((record) => !record.positionId.endsWith("(order)"));
  return {
    scenario: scenario.name,
    scenarioKind: scenario.kind,
    shock: scenario.shock,
    lagMode: mode,
    cadence,
    experiment: options.experiment?.name,
    steps: path.length,
    keeperPasses: summaries.length,
    liquidatableSeen: summaries.reduce((sum, summary) => sum + summary.liquidatable, 0),
    liquidations: {
      full: liquidations.filter((record) => record.whole).length,
      partial: liquidations.filter((record) => !record.whole).length,
      byRepayment: liquidations.filter((record) => record.byRepayment).length,
      byCallback: liquidations.filter((record) => record.byCallback).length,
    },
    ordersExecuted,
    blocked,
    blockedCount: blocked.length,
    keeperErrors,
    liquidationRecords: records,
    leftPastKillFactor,
    badDebtUsd: liquidations.reduce((sum, record) => sum + record.badDebtUsd, 0),
    badDebtByBucketUsd,
    openShortfallUsd,
    reserveUsedUsd: pools.reduce((sum, pool) => sum + pool.reserveUsedUsd, 0),
    lenderLossUsd: pools.reduce((sum, pool) => sum + pool.lenderLossUsd, 0),
    pools,
    everyLenderCanWithdraw: pools.every((pool) => pool.everyLenderCanWithdraw),
    bountyUsd: records.reduce((sum, record) => sum + record.bountyUsd, 0),
    keeperCapitalUsedUsd,
    gasUsd,
    gasUsed,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Crash replay: `npm run crash` (hardhat run scripts/crash.ts, in-process Hardhat network).
 *
 * Deploys the local stack, opens a book of 62 leveraged positions, accrues 30 days of interest, snapshots, then for
 * every scenario x lag mode x keeper cadence reverts to the snapshot, replays the hourly price path with the project's
 * keeper (lib/keeper.ts) and measures what lenders lost. Writes crash-report/report.md and report.json.
 *
 * Environment (all optional): CRASH_SCENARIOS (regex on scenario names), CRASH_MODES (comma list of arb-full,
 * arb-half, congested, feed-lag), CRASH_CADENCES (e.g. "1,2,4"), CRASH_EXPERIMENTS ("0" to skip the parameter
 * experiments, or a regex on their names), CRASH_OUT (output folder, default crash-report).
 */
import os from "node:os";
import { execSync } from "node:child_process";
import hre from "hardhat";
import { WAD } from "../lib/math";
import { STABLE_VAULT_RISK, VOLATILE_VAULT_RISK, type RiskParameters } from "../lib/vaults";
import { DEFAULT_KEEPER_CAPITAL, FUNDED_KEEPER_CAPITAL, fullBook, fundKeeper, setupCrashState, type CrashContext } from "./crash/book";
import { LAG_MODES, type LagMode } from "./crash/market";
import { SUMMARY_HEADER, summaryRows, textTable, writeReport } from "./crash/report";
import { measureLiquidationLoss, offeredLeverages } from "./crash/liquidationLoss";
import { runScenario, timing, type RiskExperiment, type RunResult } from "./crash/run";
import { allScenarios, wethDrop, type Scenario } from "./crash/scenarios";

const CADENCES = (process.env.CRASH_CADENCES ?? "1,2,4").split(",").map(Number);
const MODES = (process.env.CRASH_MODES ? process.env.CRASH_MODES.split(",") : LAG_MODES) as LagMode[];
const SCENARIO_FILTER = process.env.CRASH_SCENARIOS ? new RegExp(process.env.CRASH_SCENARIOS, "i") : null;
const OUT = process.env.CRASH_OUT ?? "crash-report";

async function setRisk(ctx: CrashContext, which: "stable" | "volatile", risk: RiskParameters) {
  await (await ctx.vaults[which].vault.connect(ctx.deployer).setRiskParameters(risk)).wait();
}

/** Parameter experiments: applied on the local deployment as its owner (the deployer) after each revert. */
export const EXPERIMENTS: Array<{ experiment: RiskExperiment; scenarios: (scenario: Scenario) => boolean; modes: LagMode[]; cadences: number[] }> = [
  {
    experiment: {
      name: "WETH-USDC kill 75% / work 65% / target 65%",
      description: "volatile vault liquidates earlier (kill factor 80% -> 75%)",
      apply: (ctx) => setRisk(ctx, "volatile", { ...VOLATILE_VAULT_RISK, killFactorBps: 7_500, workFactorBps: 6_500, liquidationTargetBps: 6_500 }),
    },
    scenarios: (s) => s.kind === "weth-drop" || s.kind === "history",
    modes: ["arb-full", "feed-lag"],
    cadences: [1],
  },
  {
    experiment: {
      name: "WETH-USDC swapSlippage 5%",
      description: "liquidation swap bound 3% -> 5% (liquidator absorbs more price impact out of its bounty)",
      apply: (ctx) => setRisk(ctx, "volatile", { ...VOLATILE_VAULT_RISK, swapSlippageBps: 500 }),
    },
    scenarios: (s) => s.kind === "weth-drop" || s.kind === "history",
    modes: ["feed-lag", "congested"],
    cadences: [1],
  },
  {
    experiment: {
      name: "USDC-USDT kill 93% / work 90% / max 8x",
      description: "stable vault liquidates earlier (kill 95% -> 93%); existing 10x positions keep their leverage",
      apply: (ctx) => setRisk(ctx, "stable", { ...STABLE_VAULT_RISK, killFactorBps: 9_300, workFactorBps: 9_000, liquidationTargetBps: 9_000, maxLeverageWad: 8n * WAD }),
    },
    scenarios: (s) => (s.kind === "depeg" && !s.shock!.recovers) || s.kind === "depeg-step",
    modes: ["arb-full", "feed-lag"],
    cadences: [1],
  },
  {
    experiment: {
      name: "USDC-USDT bounty 1%",
      description: "stable vault liquidation bounty 3% -> 1%: shrinks the debt-ratio band (97.1%-100% -> 99%-100%) in which neither liquidation path works",
      apply: (ctx) => setRisk(ctx, "stable", { ...STABLE_VAULT_RISK, liquidationBountyBps: 100 }),
    },
    scenarios: (s) => s.kind === "depeg-step",
    modes: ["arb-full", "feed-lag"],
    cadences: [1],
  },
  {
    experiment: {
      name: "keeper with working capital",
      description: "the keeper is given 300,000 USDC, 300,000 USDT and 100 WETH (the replay's capital before capital-free liquidation), so liquidateWithRepayment is open to it too",
      apply: (ctx) => fundKeeper(ctx.stack.deployment, ctx.keeper, FUNDED_KEEPER_CAPITAL),
    },
    scenarios: (s) => s.kind === "history" || (s.kind === "weth-drop" && s.shock!.drop >= 0.3) || s.kind === "depeg-step",
    modes: ["arb-full", "feed-lag"],
    cadences: [1],
  },
  {
    experiment: {
      name: "USDC reserve cut to 1,000",
      description: "the USDC pool's insurance reserve (20,000 seeded) is withdrawn down to 1,000 USDC by the owner",
      apply: async (ctx) => {
        const pool = ctx.stack.pools.USDC.connect(ctx.deployer);
        const reserves = await pool.reserves();
        const keep = 1_000n * 10n ** 6n;
        if (reserves > keep) await (await pool.withdrawReserves(reserves - keep, await ctx.deployer.getAddress())).wait();
      },
    },
    scenarios: (s) => s.kind === "weth-drop" && s.shock!.drop >= 0.5,
    modes: ["arb-full", "feed-lag"],
    cadences: [1],
  },
];

function findingsOf(results: RunResult[]): string[] {
  const base = results.filter((r) => !r.experiment);
  const losing = base.filter((r) => r.lenderLossUsd > 0.005);
  const badDebt = base.filter((r) => r.badDebtUsd > 0.005 || r.openShortfallUsd > 0.005);
  const blocked = base.filter((r) => r.blockedCount > 0);
  const left = base.filter((r) => r.leftPastKillFactor.length > 0);
  const noWithdraw = base.filter((r) => !r.everyLenderCanWithdraw);
  const lines = [
    `${losing.length} of ${base.length} runs lost lenders money (share price below its starting value); worst: ${losing.length ? losing.sort((a, b) => b.lenderLossUsd - a.lenderLossUsd).slice(0, 3).map((r) => `${r.scenario}/${r.lagMode}/every ${r.cadence}: $${r.lenderLossUsd.toFixed(2)}`).join("; ") : "none"}.`,
    `${badDebt.length} runs had bad debt (written off or open underwater at the end); total written off across runs $${base.reduce((s, r) => s + r.badDebtUsd, 0).toFixed(2)}, of which the reserves covered $${base.reduce((s, r) => s + r.reserveUsedUsd, 0).toFixed(2)} (incentives included).`,
    `${blocked.length} runs had blocked liquidations (${base.reduce((s, r) => s + r.blockedCount, 0)} skip-liquidation lines in all).`,
    `${left.length} runs ended with positions still past the kill factor.`,
    `${noWithdraw.length} runs ended with a lender unable to withdraw all it holds.`,
  ];
  return lines;
}

function gitHead(): string {
  try {
    return execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function dirtyContracts(): string {
  try {
    const files = execSync("git status --short contracts", { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    return files.length ? `${files.length} modified/untracked paths under contracts/` : "none modified";
  } catch {
    return "unknown";
  }
}

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const log = (line: string) => console.log(`[crash ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  const snapshot = async () => (await hre.network.provider.send("evm_snapshot", [])) as string;
  // The farmer's loss to a partial liquidation at the kill factor, every offered leverage, on a fresh deployment of
  // its own (the replay's book carries 30 days of unharvested rewards, which an entrant would pay for), then
  // reverted so the replay starts from a clean chain.
  const clean = await snapshot();
  const lossCtx = await setupCrashState(hre, { book: [], farmerCount: 1, lenderCount: 1, keeperCapital: DEFAULT_KEEPER_CAPITAL, interestDays: 0 });
  const liquidationLoss = [
    ...(await measureLiquidationLoss(lossCtx, "stable", offeredLeverages(Number(STABLE_VAULT_RISK.maxLeverageWad / (WAD / 10n)) / 10))),
    ...(await measureLiquidationLoss(lossCtx, "volatile", offeredLeverages(Number(VOLATILE_VAULT_RISK.maxLeverageWad / (WAD / 10n)) / 10))),
  ];
  await hre.network.provider.send("evm_revert", [clean]);
  const ctx = await setupCrashState(hre, { book: fullBook(), farmerCount: 12, lenderCount: 3, keeperCapital: DEFAULT_KEEPER_CAPITAL, interestDays: 30, log });
  for (const row of liquidationLoss) log(`liquidation at the kill factor: ${row.vault} ${row.leverage}x loses ${(row.lossShare * 100).toFixed(1)}% of equity ($${row.lossUsd.toFixed(2)} of $${row.equityUsd.toFixed(2)}) via ${row.path}`);
  let id = await snapshot();

  const scenarios = allScenarios().filter((scenario) => !SCENARIO_FILTER || SCENARIO_FILTER.test(scenario.name));
  const results: RunResult[] = [];
  const matrixStarted = Date.now();
  const runOne = async (scenario: Scenario, mode: LagMode, cadence: number, experiment?: RiskExperiment) => {
    const result = await runScenario(ctx, scenario, mode, cadence, { experiment });
    results.push(result);
    await hre.network.provider.send("evm_revert", [id]);
    id = await snapshot();
    log(`${scenario.name} / ${mode} / every ${cadence}${experiment ? ` [${experiment.name}]` : ""}: liq ${result.liquidations.full}/${result.liquidations.partial}, blocked ${result.blockedCount}, left ${result.leftPastKillFactor.length}, bad debt $${result.badDebtUsd.toFixed(2)}, open shortfall $${result.openShortfallUsd.toFixed(2)}, lender loss $${result.lenderLossUsd.toFixed(2)} (${result.seconds.toFixed(1)} s)`);
  };
  for (const scenario of scenarios) for (const mode of MODES) for (const cadence of CADENCES) await runOne(scenario, mode, cadence);
  const baseSeconds = (Date.now() - matrixStarted) / 1000;

  const experimentFilter = process.env.CRASH_EXPERIMENTS;
  if (experimentFilter !== "0") {
    const pattern = experimentFilter ? new RegExp(experimentFilter, "i") : null;
    for (const { experiment, scenarios: pick, modes, cadences } of EXPERIMENTS) {
      if (pattern && !pattern.test(experiment.name)) continue;
      for (const scenario of scenarios.filter(pick)) for (const mode of modes.filter((m) => MODES.includes(m))) for (const cadence of cadences) await runOne(scenario, mode, cadence, experiment);
    }
  }
  const matrixSeconds = (Date.now() - matrixStarted) / 1000;
  log(`time in market moves ${(timing.market / 1000).toFixed(0)} s, keeper passes ${(timing.keeper / 1000).toFixed(0)} s, final reads ${(timing.final / 1000).toFixed(0)} s`);
  void wethDrop;

  console.log("\n" + textTable(SUMMARY_HEADER, summaryRows(results)) + "\n");
  const totalSeconds = (Date.now() - started) / 1000;
  const { markdown } = writeReport(OUT, {
    ctx,
    scenarios,
    results,
    totalSeconds,
    matrixSeconds,
    load: { before: loadBefore, after: os.loadavg(), cpus: os.cpus().length },
    notes: [
      `Base matrix (${results.filter((r) => !r.experiment).length} runs: ${scenarios.length} scenarios x ${MODES.length} lag modes x ${CADENCES.length} cadences) took ${baseSeconds.toFixed(0)} s; experiments ${(matrixSeconds - baseSeconds).toFixed(0)} s.`,
      "Diagnosis, parameter recommendations and the evidence behind them: crash-report/analysis.md (written by hand from this report's numbers).",
      "Interpretation: the large positions' size is the collateral supplied (a $50k 10x stable position is a $500k position with $450k of debt).",
      `Contracts as compiled from the working tree at ${new Date().toISOString()} (git HEAD ${gitHead()}; other engineers were editing contracts in the same checkout during the run: ${dirtyContracts()}).`,
      "USD values use the scenario's market price at the step (bad debt, bounty, gas) or at the end (lender loss).",
    ],
    findings: [
      ...findingsOf(results),
      `Farmer's loss to a partial liquidation at the kill factor: at most ${(Math.max(...liquidationLoss.map((row) => row.lossShare)) * 100).toFixed(1)}% of equity at any offered leverage (goal 20%); per vault, worst: ${["USDC-USDT", "WETH-USDC"].map((name) => `${name} ${(Math.max(...liquidationLoss.filter((row) => row.vault === name).map((row) => row.lossShare)) * 100).toFixed(1)}%`).join(", ")}.`,
    ],
    recommendations: [],
    liquidationLoss,
  });
  void markdown;
  log(`wrote ${OUT}/report.md and ${OUT}/report.json; total ${totalSeconds.toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

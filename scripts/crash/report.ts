/** The crash replay's outputs: the console summary table, crash-report/report.md and crash-report/report.json. */
import fs from "node:fs";
import path from "node:path";
import { BUCKET_ORDER, type CrashContext } from "./book";
import { LAG_MODE_LABEL, type LagMode } from "./market";
import { liquidationLossTable, type LiquidationLossRow } from "./liquidationLoss";
import type { RunResult } from "./run";
import type { Scenario } from "./scenarios";

const usd = (value: number) => (Math.abs(value) < 0.005 ? "0" : value.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 }));
const MODE_SHORT: Record<LagMode, string> = { "arb-full": "a", "arb-half": "b", congested: "c", "feed-lag": "d" };

export function summaryRows(results: RunResult[]): string[][] {
  return results.map((r) => [
    r.scenario + (r.experiment ? ` [exp: ${r.experiment}]` : ""),
    `${MODE_SHORT[r.lagMode]}`,
    `${r.cadence}`,
    `${r.liquidations.full}/${r.liquidations.partial}`,
    `${r.liquidations.byRepayment - r.liquidations.byCallback}/${r.liquidations.byCallback}`,
    `${r.ordersExecuted}`,
    `${r.blockedCount}`,
    `${r.leftPastKillFactor.length}`,
    usd(r.badDebtUsd),
    usd(r.openShortfallUsd),
    usd(r.reserveUsedUsd),
    usd(r.lenderLossUsd),
    r.everyLenderCanWithdraw ? "yes" : "NO",
    `${usd(r.bountyUsd)} / ${usd(r.gasUsd)}`,
    usd(r.keeperCapitalUsedUsd),
    r.seconds.toFixed(1),
  ]);
}

export const SUMMARY_HEADER = [
  "scenario", "lag", "every", "liq full/part", "by repay/callback", "orders", "blocked", "left >kill", "bad debt $", "open shortfall $", "reserve used $", "lender loss $", "withdraw", "bounty $ / gas $", "keeper capital used $", "s",
];

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index].length)));
  const line = (row: string[]) => row.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

/** Whether a bucket had bad debt (written off, or open and underwater at the end) in a run. */
const hadBadDebt = (run: RunResult, bucket: string) => (run.badDebtByBucketUsd[bucket] ?? 0) > 0.005;

/**
 * For each leverage bucket and lag mode (keeper every step): the largest single-step WETH drop, and the largest
 * stablecoin depeg (no recovery), with no bad debt in that bucket, given that every smaller shock was survived too.
 */
export function frontier(results: RunResult[], buckets: string[], cadence = 1): Array<{ bucket: string; weth: Record<string, string>; depeg: Record<string, string>; depegStep: Record<string, string> }> {
  const modes = [...new Set(results.map((r) => r.lagMode))];
  return buckets.map((bucket) => {
    const weth: Record<string, string> = {};
    const depeg: Record<string, string> = {};
    const depegStep: Record<string, string> = {};
    for (const mode of modes) {
      const steps = results
        .filter((r) => !r.experiment && r.scenarioKind === "depeg-step" && r.lagMode === mode && r.cadence === cadence)
        .sort((a, b) => a.shock!.drop - b.shock!.drop);
      let stepSurvived = steps[0] ? `< ${Math.round(steps[0].shock!.drop * 100)}%` : "-";
      for (const run of steps) {
        if (hadBadDebt(run, bucket)) break;
        stepSurvived = `${Math.round(run.shock!.drop * 100)}%`;
      }
      if (steps.length > 0 && !steps.some((run) => hadBadDebt(run, bucket))) stepSurvived = `>= ${Math.round(steps[steps.length - 1].shock!.drop * 100)}%`;
      depegStep[mode] = stepSurvived;
      const drops = results
        .filter((r) => !r.experiment && r.scenarioKind === "weth-drop" && r.lagMode === mode && r.cadence === cadence)
        .sort((a, b) => a.shock!.drop - b.shock!.drop);
      let survived = "< " + (drops[0] ? `${Math.round(drops[0].shock!.drop * 100)}%` : "?");
      for (const run of drops) {
        if (hadBadDebt(run, bucket)) break;
        survived = `${Math.round(run.shock!.drop * 100)}%`;
      }
      if (drops.length > 0 && !drops.some((run) => hadBadDebt(run, bucket))) survived = `>= ${Math.round(drops[drops.length - 1].shock!.drop * 100)}%`;
      weth[mode] = drops.length ? survived : "-";
      const depegs = results
        .filter((r) => !r.experiment && r.scenarioKind === "depeg" && !r.shock!.recovers && r.lagMode === mode && r.cadence === cadence)
        .sort((a, b) => a.shock!.drop - b.shock!.drop);
      let depegSurvived = "none";
      for (const run of depegs) {
        if (hadBadDebt(run, bucket)) break;
        depegSurvived = `${run.shock!.symbol} -${Math.round(run.shock!.drop * 100)}%`;
      }
      if (depegs.length > 0 && !depegs.some((run) => hadBadDebt(run, bucket))) depegSurvived = `all (to ${depegSurvived})`;
      depeg[mode] = depegs.length ? depegSurvived : "-";
    }
    return { bucket, weth, depeg, depegStep };
  });
}

export interface ReportInput {
  ctx: CrashContext;
  scenarios: Scenario[];
  results: RunResult[];
  totalSeconds: number;
  matrixSeconds: number;
  load: { before: number[]; after: number[]; cpus: number };
  notes: string[];
  findings: string[];
  recommendations: string[][];
  /** The farmer's loss to a partial liquidation at the kill factor, per vault and offered leverage. */
  liquidationLoss?: LiquidationLossRow[];
}

export function writeReport(outDir: string, input: ReportInput): { markdown: string; json: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const { ctx, results } = input;
  const baseRuns = results.filter((r) => !r.experiment);
  const experimentRuns = results.filter((r) => r.experiment);
  const modes = [...new Set(results.map((r) => r.lagMode))];
  const buckets = BUCKET_ORDER.filter((bucket) => ctx.book.some((position) => position.bucket === bucket));
  const front = frontier(baseRuns, buckets);
  const stableCount = ctx.book.filter((p) => p.vault === "stable").length;
  const md: string[] = [];
  md.push(`# Flux V2 crash replay`);
  md.push("");
  md.push(`Generated ${new Date().toISOString()} by \`npm run crash\` (scripts/crash.ts) on the in-process Hardhat network.`);
  md.push("");
  md.push(`- Book: ${ctx.book.length} positions from ${new Set(ctx.book.map((p) => p.owner)).size} accounts: ${stableCount} on USDC-USDT (1x-10x), ${ctx.book.length - stableCount} on WETH-USDC (1x-3x); every supply (token0 / token1 / both) x borrow (token0 / token1 / both) variant; large positions: ${ctx.book.filter((p) => p.label?.startsWith("large")).map((p) => `${p.label} (#${p.id}, $${p.collateralUsd.toLocaleString()} supplied)`).join(", ")}; deleverage orders on ${ctx.book.filter((p) => p.order).length} positions. 30 days of interest accrued before the crash.`);
  md.push(`- Keeper: lib/keeper.ts \`Keeper\`, its own account, working capital ${ctx.keeperCapital.USDC.toLocaleString()} USDC, ${ctx.keeperCapital.USDT.toLocaleString()} USDT, ${ctx.keeperCapital.WETH} WETH (plus ETH for gas); it liquidates through the vault's own swap, else with no capital through the FlashLiquidator (\`liquidateWithCallback\`), else by repayment with what it holds. Harvests disabled in the replay (not under test).`);
  md.push(`- Lag modes: ${modes.map((mode) => `${MODE_SHORT[mode]} = ${LAG_MODE_LABEL[mode]}`).join("; ")}. "every" = keeper cadence in hourly steps.`);
  md.push(`- Runtime: setup ${ctx.setupSeconds.toFixed(0)} s, matrix of ${results.length} runs ${input.matrixSeconds.toFixed(0)} s, total ${input.totalSeconds.toFixed(0)} s on ${input.load.cpus} cores; load average before ${input.load.before.map((v) => v.toFixed(2)).join("/")}, after ${input.load.after.map((v) => v.toFixed(2)).join("/")} (shared machine).`);
  for (const note of input.notes) md.push(`- ${note}`);
  md.push("");
  if (input.findings.length) {
    md.push(`## Findings`);
    md.push("");
    for (const finding of input.findings) md.push(`- ${finding}`);
    md.push("");
  }
  if (input.recommendations.length) {
    md.push(`## Recommendations`);
    md.push("");
    md.push(markdownTable(["parameter", "value", "measured effect / evidence"], input.recommendations));
    md.push("");
  }
  if (input.liquidationLoss?.length) {
    md.push(`## Farmer's loss to a partial liquidation at the kill factor, every offered leverage`);
    md.push("");
    md.push("A fresh $2,000-collateral position per leverage, its debt in the steadier token, brought just past the kill factor by the other token's fall (feed and pair together), liquidated by the keeper with no capital. Loss = equity before less equity after less what the vault kept for the owner, at oracle prices. Goal: at most 20% of equity at every leverage the vault offers.");
    md.push("");
    for (const line of liquidationLossTable(input.liquidationLoss)) md.push(line);
    md.push("");
  }
  md.push(`## Scenarios`);
  md.push("");
  for (const scenario of input.scenarios) md.push(`- **${scenario.name}** (${scenario.steps.length} h): ${scenario.description}`);
  md.push("");
  md.push(`## Summary (per scenario x lag mode x keeper cadence)`);
  md.push("");
  md.push("bad debt = written off at liquidation; open shortfall = debt above value of positions still open at the end (future bad debt); lender loss from the pools' share price (convertToAssets(1e18)) before vs after, in USD; withdraw = every lender can withdraw all it holds.");
  md.push("");
  md.push(markdownTable(SUMMARY_HEADER, summaryRows(baseRuns)));
  md.push("");
  md.push(`## Frontier (keeper every step): largest shock survived with no bad debt in the bucket`);
  md.push("");
  md.push("Tested steps: WETH -20/-30/-40/-50/-60% in one hour; USDC -15/-20/-25% in one hour; ramped depegs USDT 0.95, USDT 0.90, USDC 0.88 (no recovery). \">= x\" = survived the largest shock tested; \"< x\" = bad debt already at the smallest.");
  md.push("");
  md.push(markdownTable(
    ["bucket", ...modes.map((m) => `WETH 1-step drop (${MODE_SHORT[m]})`), ...modes.map((m) => `USDC 1-step depeg (${MODE_SHORT[m]})`), ...modes.map((m) => `ramped depegs (${MODE_SHORT[m]})`)],
    front.map((row) => [row.bucket, ...modes.map((m) => row.weth[m] ?? "-"), ...modes.map((m) => row.depegStep[m] ?? "-"), ...modes.map((m) => row.depeg[m] ?? "-")]),
  ));
  md.push("");
  md.push(`## Bad debt per leverage bucket (USD, written off + open shortfall)`);
  md.push("");
  const withDebt = baseRuns.filter((r) => Object.values(r.badDebtByBucketUsd).some((v) => v > 0.005));
  if (withDebt.length === 0) md.push("None in any run.");
  else md.push(markdownTable(["run", ...buckets], withDebt.map((r) => [`${r.scenario} / ${MODE_SHORT[r.lagMode]} / ${r.cadence}`, ...buckets.map((b) => usd(r.badDebtByBucketUsd[b] ?? 0))])));
  md.push("");
  md.push(`## Blocked liquidations (keeper skip-liquidation lines)`);
  md.push("");
  const blockedRuns = baseRuns.filter((r) => r.blockedCount > 0 || r.keeperErrors.length > 0);
  if (blockedRuns.length === 0) md.push("None: every liquidation the keeper attempted went through.");
  for (const run of blockedRuns) {
    md.push(`- ${run.scenario} / ${MODE_SHORT[run.lagMode]} / every ${run.cadence}: ${run.blockedCount} blocked`);
    const reasons = new Map<string, string[]>();
    for (const b of run.blocked) {
      const key = b.reason.replace(/\d{6,}/g, "N");
      reasons.set(key, [...(reasons.get(key) ?? []), `${b.vault}#${b.positionId}@${b.step} (${b.bucket})`]);
    }
    for (const [reason, ids] of reasons) md.push(`  - ${ids.length}x \`${reason.slice(0, 300)}\`: ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", ..." : ""}`);
    for (const error of run.keeperErrors.slice(0, 5)) md.push(`  - error: \`${error.slice(0, 300)}\``);
  }
  md.push("");
  md.push(`## Positions left past the kill factor after the final step`);
  md.push("");
  const left = baseRuns.filter((r) => r.leftPastKillFactor.length > 0);
  if (left.length === 0) md.push("None in any run.");
  for (const run of left) {
    md.push(`- ${run.scenario} / ${MODE_SHORT[run.lagMode]} / every ${run.cadence}: ${run.leftPastKillFactor.map((p) => `${p.vault}#${p.positionId} ${p.bucket} ${(p.debtRatioBps / 100).toFixed(1)}%${p.shortfallUsd > 0 ? ` short $${usd(p.shortfallUsd)}` : ""}`).join("; ")}`);
  }
  md.push("");
  md.push(`## Pools (share price change ppm, reserve used, lender withdrawals)`);
  md.push("");
  md.push(markdownTable(
    ["run", ...["USDC", "USDT", "WETH"].map((s) => `${s} share px ppm`), "reserve used $", "largest withdrawal shortfall"],
    baseRuns.map((r) => [
      `${r.scenario} / ${MODE_SHORT[r.lagMode]} / ${r.cadence}`,
      ...r.pools.map((p) => `${p.sharePriceChangePpm}`),
      usd(r.reserveUsedUsd),
      r.pools.map((p) => (p.largestWithdrawalShortfall > 0 ? `${p.symbol} ${p.largestWithdrawalShortfall.toFixed(2)}` : "")).filter(Boolean).join(", ") || "0",
    ]),
  ));
  md.push("");
  if (experimentRuns.length) {
    md.push(`## Experiments (risk parameters changed on the local deployment inside the replay, as the deployer; lib/ unchanged)`);
    md.push("");
    md.push(markdownTable(SUMMARY_HEADER, summaryRows(experimentRuns)));
    md.push("");
  }
  const markdown = md.join("\n");
  const json = JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      runtime: { setupSeconds: ctx.setupSeconds, matrixSeconds: input.matrixSeconds, totalSeconds: input.totalSeconds, load: input.load },
      keeperCapital: ctx.keeperCapital,
      book: ctx.book.map((p) => ({ ...p, id: p.id.toString() })),
      scenarios: input.scenarios,
      frontier: front,
      liquidationLoss: input.liquidationLoss ?? [],
      findings: input.findings,
      recommendations: input.recommendations,
      notes: input.notes,
      runs: results,
    },
    (_key, value) => (typeof value === "bigint" ? value.toString() : value),
    2,
  );
  fs.writeFileSync(path.join(outDir, "report.md"), markdown + "\n");
  fs.writeFileSync(path.join(outDir, "report.json"), json + "\n");
  return { markdown, json };
}

/**
 * `npm run mutants`: plants small bugs, one at a time, in a copy of the repository and reports which ones the test
 * suite catches. Each mutation flips one rounding direction, threshold comparison or operand in the pool, the vault,
 * the oracle or the shared TypeScript math; a mutation the suite does not notice marks a place where the tests are
 * blind.
 *
 *   npm run mutants                      # every mutation, each against the tests that cover its file
 *   MUTANTS=vault-kill-gte,pool-deposit-ceil npm run mutants   # only these
 *   MUTANTS_FULL=1 npm run mutants       # each mutant against the whole Hardhat suite (slow)
 *
 * The working copy is never touched: the repository is copied to a temporary folder (node_modules linked, the
 * compile cache copied so each mutant recompiles only what it changed). Results go to `mutants-report/`
 * (report.json and report.md). Exit code 1 when fewer than 95% are killed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

interface Mutation {
  id: string;
  file: string;
  /** Exact text to replace; must occur exactly once in the file. */
  from: string;
  to: string;
  why: string;
  /** Test files that cover the file (Hardhat for Solidity, vitest for TypeScript). */
  tests: string[];
}

const VAULT_TESTS = ["test/contracts/vault", "test/contracts/security"];
const POOL_TESTS = ["test/contracts/pool"];
const ORACLE_TESTS = ["test/contracts/oracle", "test/contracts/vault/manipulation.test.ts", "test/contracts/vault/boundaries.test.ts"];

export const MUTATIONS: Mutation[] = [
  // ---------------------------------------------------------------- vault: thresholds
  { id: "vault-kill-gte", file: "contracts/vault/VaultState.sol", from: "result.debtValueWad * BPS > result.valueWad * $.risk.killFactorBps", to: "result.debtValueWad * BPS >= result.valueWad * $.risk.killFactorBps", why: "kill factor compared with >= instead of >", tests: VAULT_TESTS },
  { id: "vault-work-gte", file: "contracts/vault/VaultEntries.sol", from: "if (after_.debtRatioBps > $.risk.workFactorBps)", to: "if (after_.debtRatioBps >= $.risk.workFactorBps)", why: "work factor refuses a position exactly at it", tests: VAULT_TESTS },
  { id: "vault-leverage-gte", file: "contracts/vault/VaultEntries.sol", from: "if (leverage > $.risk.maxLeverageWad)", to: "if (leverage >= $.risk.maxLeverageWad)", why: "maximum leverage refused exactly at it", tests: VAULT_TESTS },
  { id: "vault-deviation-doubled", file: "contracts/vault/VaultState.sol", from: "if (gap * BPS > fair * maxDeviation)", to: "if (gap * BPS > 2 * fair * maxDeviation)", why: "deviation tolerance doubled", tests: VAULT_TESTS },
  { id: "vault-deviation-gte", file: "contracts/vault/VaultState.sol", from: "if (gap * BPS > fair * maxDeviation)", to: "if (gap * BPS >= fair * maxDeviation)", why: "deviation band refuses exactly at its limit", tests: VAULT_TESTS },
  { id: "vault-cap-token0-for-1", file: "contracts/vault/VaultEntries.sol", from: "_borrow(pool1, params.borrow1, $.maxDebt1)", to: "_borrow(pool1, params.borrow1, $.maxDebt0)", why: "token-1 borrows checked against token 0's cap", tests: VAULT_TESTS },
  { id: "vault-cap-gte", file: "contracts/vault/VaultEntries.sol", from: "if (debtAfter > cap)", to: "if (debtAfter >= cap)", why: "debt cap refuses exactly at the cap", tests: VAULT_TESTS },
  { id: "vault-min-shares-lte", file: "contracts/vault/VaultEntries.sol", from: "if (shares < params.minShares)", to: "if (shares <= params.minShares)", why: "minimum shares refuses exactly the minimum", tests: VAULT_TESTS },
  { id: "vault-min-lp-skip", file: "contracts/vault/VaultEntries.sol", from: "if (lp < params.minLp)", to: "if (lp < params.minLp / 2)", why: "minimum LP loosened", tests: VAULT_TESTS },
  { id: "vault-deadline-gte", file: "contracts/vault/VaultState.sol", from: "if (block.timestamp > deadline)", to: "if (block.timestamp >= deadline)", why: "deadline refuses its own second", tests: VAULT_TESTS },
  { id: "vault-close-slippage-lte", file: "contracts/vault/VaultExits.sol", from: "if (amount0 < params.minAmount0)", to: "if (amount0 < params.minAmount0 / 2)", why: "close minimum loosened", tests: VAULT_TESTS },
  { id: "vault-order-trigger-gt", file: "contracts/vault/VaultExits.sol", from: "order.triggerDebtRatioBps >= killFactor", to: "order.triggerDebtRatioBps > killFactor", why: "deleverage trigger allowed at the kill factor", tests: VAULT_TESTS },
  { id: "vault-order-fires-early", file: "contracts/vault/VaultExits.sol", from: "if (health.debtRatioBps < order.triggerDebtRatioBps)", to: "if (health.debtRatioBps + 100 < order.triggerDebtRatioBps)", why: "deleverage order fires 1 pp early", tests: VAULT_TESTS },
  { id: "vault-fee-cap-gte", file: "contracts/vault/VaultExits.sol", from: "if (executorFeeBps > MAX_EXECUTOR_FEE_BPS)", to: "if (executorFeeBps > 2 * MAX_EXECUTOR_FEE_BPS)", why: "executor fee cap doubled", tests: VAULT_TESTS },
  { id: "vault-swap-bound-loose", file: "contracts/vault/VaultExits.sol", from: "if (valueOut * BPS < valueIn * (BPS - slippageBps))", to: "if (valueOut * BPS < valueIn * (BPS - 2 * slippageBps))", why: "oracle bound on swaps loosened to twice the slippage", tests: VAULT_TESTS },
  { id: "vault-harvest-min-ignored", file: "contracts/vault/VaultHarvest.sol", from: "if (plan.amountOut < minOut)", to: "if (plan.amountOut < minOut / 2)", why: "harvest's minimum output halved", tests: VAULT_TESTS },
  { id: "vault-full-liq-threshold", file: "contracts/vault/VaultExits.sol", from: "health.valueWad < uint256(risk.fullLiquidationBelowUsd) * WAD ? 0", to: "health.valueWad > uint256(risk.fullLiquidationBelowUsd) * WAD ? 0", why: "small positions liquidated partially, large ones in full", tests: VAULT_TESTS },
  // ---------------------------------------------------------------- vault: rounding
  { id: "vault-part-debt-floor", file: "contracts/vault/VaultState.sol", from: "Math.mulDiv(amount, fractionBps, BPS, Math.Rounding.Ceil)", to: "Math.mulDiv(amount, fractionBps, BPS)", why: "partial-close debt part rounded down", tests: VAULT_TESTS },
  { id: "vault-open-shares-ceil", file: "contracts/vault/VaultEntries.sol", from: "Math.mulDiv(lp, sharesPerLpNum, sharesPerLpDen)", to: "Math.mulDiv(lp, sharesPerLpNum, sharesPerLpDen, Math.Rounding.Ceil)", why: "LP shares on open rounded up", tests: VAULT_TESTS },
  { id: "vault-pending-lp-floor", file: "contracts/vault/VaultState.sol", from: "return Math.mulDiv(rewardValue, WAD, lpPrice, Math.Rounding.Ceil);", to: "return Math.mulDiv(rewardValue, WAD, lpPrice);", why: "pending rewards as LP rounded down (share price understated)", tests: VAULT_TESTS },
  { id: "vault-pending-ignored", file: "contracts/vault/VaultState.sol", from: "return Math.mulDiv(rewardValue, WAD, lpPrice, Math.Rounding.Ceil);", to: "return 0;", why: "share price leaves out pending rewards (reward sniping)", tests: VAULT_TESTS },
  { id: "vault-remove-lp-ceil", file: "contracts/vault/VaultExits.sol", from: "lp = Math.mulDiv(lpShares, totalLp, totalShares);", to: "lp = Math.mulDiv(lpShares, totalLp, totalShares, Math.Rounding.Ceil);", why: "LP paid for leaving shares rounded up", tests: VAULT_TESTS },
  { id: "vault-debt-ratio-floor", file: "contracts/libraries/PositionMath.sol", from: "return Math.mulDiv(debtValueWad, BPS, valueWad, Math.Rounding.Ceil);", to: "return Math.mulDiv(debtValueWad, BPS, valueWad);", why: "debt ratio rounded down", tests: VAULT_TESTS },
  { id: "vault-value-up-floor", file: "contracts/libraries/PositionMath.sol", from: "return Math.mulDiv(amount, priceWad, 10 ** decimals, Math.Rounding.Ceil);", to: "return Math.mulDiv(amount, priceWad, 10 ** decimals);", why: "debt value rounded down", tests: VAULT_TESTS },
  { id: "vault-liq-shares-floor", file: "contracts/libraries/PositionMath.sol", from: "valueWad * (BPS - rewardBps - targetBps), Math.Rounding.Ceil);", to: "valueWad * (BPS - rewardBps - targetBps));", why: "shares to reach the liquidation target rounded down", tests: VAULT_TESTS },
  { id: "vault-liq-debt-ceil", file: "contracts/vault/VaultExits.sol", from: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, repayValue, health.debtValueWad);", to: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, repayValue, health.debtValueWad) / 2;", why: "partial liquidation repays half the planned token-0 debt", tests: VAULT_TESTS },
  { id: "vault-get-amount-in-no-plus-one", file: "contracts/libraries/LiquidityMath.sol", from: "/ ((reserveOut - amountOut) * 997) + 1;", to: "/ ((reserveOut - amountOut) * 997);", why: "getAmountIn rounded down", tests: VAULT_TESTS },
  // ---------------------------------------------------------------- oracle
  { id: "oracle-stale-lte", file: "contracts/oracle/PriceOracle.sol", from: "if (updatedAt + configuration.maxStalenessSeconds < block.timestamp)", to: "if (updatedAt + 2 * configuration.maxStalenessSeconds < block.timestamp)", why: "staleness window doubled", tests: ORACLE_TESTS },
  { id: "oracle-zero-price", file: "contracts/oracle/PriceOracle.sol", from: "if (answer <= 0) revert InvalidPrice(token, answer);", to: "if (answer < 0) revert InvalidPrice(token, answer);", why: "a zero answer accepted", tests: ORACLE_TESTS },
  { id: "oracle-grace-lte", file: "contracts/oracle/PriceOracle.sol", from: "block.timestamp - startedAt < $.sequencerGracePeriodSeconds", to: "block.timestamp - startedAt + 60 < $.sequencerGracePeriodSeconds", why: "sequencer grace period a minute short", tests: ORACLE_TESTS },
  // ---------------------------------------------------------------- pool
  { id: "pool-deposit-ceil", file: "contracts/pool/LendingPool.sol", from: "shares = _toShares(assets, _accrueInterest(), Math.Rounding.Floor);", to: "shares = _toShares(assets, _accrueInterest(), Math.Rounding.Ceil);", why: "deposit shares rounded up", tests: POOL_TESTS },
  { id: "pool-mint-floor", file: "contracts/pool/LendingPool.sol", from: "assets = _toAssets(shares, _accrueInterest(), Math.Rounding.Ceil);", to: "assets = _toAssets(shares, _accrueInterest(), Math.Rounding.Floor);", why: "mint's assets rounded down", tests: POOL_TESTS },
  { id: "pool-withdraw-floor", file: "contracts/pool/LendingPool.sol", from: "shares = _toShares(assets, totalAssets_, Math.Rounding.Ceil);", to: "shares = _toShares(assets, totalAssets_, Math.Rounding.Floor);", why: "withdraw burns shares rounded down", tests: POOL_TESTS },
  { id: "pool-redeem-ceil", file: "contracts/pool/LendingPool.sol", from: "assets = _toAssets(shares, totalAssets_, Math.Rounding.Floor);", to: "assets = _toAssets(shares, totalAssets_, Math.Rounding.Ceil);", why: "redeem pays assets rounded up", tests: POOL_TESTS },
  { id: "pool-credit-gte", file: "contracts/pool/LendingPool.sol", from: "if (debtAfter > creditLimit)", to: "if (debtAfter > creditLimit + creditLimit / 10)", why: "credit limit 10% loose", tests: POOL_TESTS },
  { id: "pool-repay-over", file: "contracts/pool/LendingPool.sol", from: "if (borrowShares > sharesHeld) revert RepayExceedsDebt(borrower, borrowShares, sharesHeld);", to: "if (borrowShares > sharesHeld + 1) revert RepayExceedsDebt(borrower, borrowShares, sharesHeld);", why: "repay of one share more than held accepted", tests: POOL_TESTS },
  { id: "pool-debt-floor", file: "contracts/libraries/PoolMath.sol", from: "return product == 0 ? 0 : (product - 1) / WAD + 1;", to: "return product / WAD;", why: "debt from borrow shares rounded down", tests: [...POOL_TESTS, "test/contracts/vault"] },
  { id: "pool-shares-ceil", file: "contracts/libraries/PoolMath.sol", from: "return product == 0 ? 0 : (product - 1) / y + 1;", to: "return product / y;", why: "borrow shares for an amount rounded down", tests: [...POOL_TESTS, "test/contracts/vault"] },
  { id: "pool-reserve-cover", file: "contracts/pool/LendingPool.sol", from: "coveredByReserves = amount < reserves_ ? amount : reserves_;", to: "coveredByReserves = amount;", why: "bad debt 'covered' beyond the reserve", tests: POOL_TESTS },
  // "<" for "<=" at the kink is an equivalent mutant (both slopes give rateAtOptimalPerYear exactly there), so the
  // kink is mutated one point late instead: the gentle slope extrapolated past the optimal utilization.
  { id: "pool-utilization-kink", file: "contracts/pool/KinkedRateModel.sol", from: "if (utilization <= optimalUtilization) {", to: "if (utilization <= optimalUtilization + 1e16) {", why: "kink a percentage point late", tests: POOL_TESTS },
  // ---------------------------------------------------------------- shared TypeScript math
  { id: "lib-apy-periods", file: "lib/math.ts", from: "return Math.pow(1 + apr / periodsPerYear, periodsPerYear) - 1;", to: "return Math.pow(1 + apr / 365, 365) - 1;", why: "aprToApy ignores its periods", tests: ["test/unit"] },
  { id: "lib-liq-price1", file: "lib/vaultMath.ts", from: "const constant = debt1 * price1;", to: "const constant = debt1;", why: "liquidationPrices ignores price1", tests: ["test/unit"] },
  { id: "lib-liquidatable-gte", file: "lib/vaultMath.ts", from: "return debtValueWad * BPS > positionValueWad * killFactorBps;", to: "return debtValueWad * BPS >= positionValueWad * killFactorBps;", why: "the keeper's liquidatable check at >=", tests: ["test/unit", "test/contracts/keeper.test.ts"] },
  { id: "lib-close-part-floor", file: "lib/closePreview.ts", from: "return fractionBps === BPS ? amount : (amount * fractionBps + BPS - 1n) / BPS;", to: "return fractionBps === BPS ? amount : (amount * fractionBps) / BPS;", why: "close preview's debt part rounded down", tests: ["test/unit", "test/contracts/vault/closePreview.test.ts"] },
  { id: "lib-get-amount-in", file: "lib/vaultMath.ts", from: "((reserveOut - amountOut) * UNISWAP_V2_FEE_NUMERATOR) + 1n", to: "((reserveOut - amountOut) * UNISWAP_V2_FEE_NUMERATOR)", why: "mirror of getAmountIn rounded down", tests: ["test/unit", "test/contracts/vault/closePreview.test.ts"] },
];

const KILL_TARGET = 0.95;

function run(command: string, args: string[], cwd: string, timeoutMs: number): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, FORCE_COLOR: "0" } });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function prepareCopy(root: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "flux-mutants-"));
  for (const entry of fs.readdirSync(root)) {
    if ([".git", "node_modules", "mutants-report", "test-results", "crash-report", ".next"].includes(entry)) continue;
    fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}

function testCommand(mutation: Mutation): [string, string[]] {
  const solidity = mutation.file.endsWith(".sol");
  // --bail: the first failing test kills the mutant; only survivors pay for the whole run.
  if (solidity && process.env.MUTANTS_FULL) return ["npx", ["hardhat", "test", "--bail"]];
  if (solidity) return ["npx", ["hardhat", "test", "--bail", ...expand(mutation.tests)]];
  const hardhat = mutation.tests.filter((test) => test.startsWith("test/contracts"));
  const unit = mutation.tests.filter((test) => !test.startsWith("test/contracts"));
  // A TypeScript mutation is killed by either runner: vitest first (seconds), then the Hardhat tests named.
  return ["bash", ["-c", [`npx vitest run ${unit.join(" ")}`, ...(hardhat.length ? [`npx hardhat test --bail ${expand(hardhat).join(" ")}`] : [])].join(" && ")]];
}

/** Folders become their *.test.ts files (Hardhat's `test` task takes files). */
function expand(tests: string[]): string[] {
  return tests.flatMap((test) => {
    const full = path.join(process.cwd(), test);
    if (!fs.existsSync(full)) return [];
    if (fs.statSync(full).isFile()) return [test];
    return fs.readdirSync(full).filter((name) => name.endsWith(".test.ts")).map((name) => `${test}/${name}`);
  });
}

function main() {
  const root = process.cwd();
  const only = process.env.MUTANTS?.split(",").map((id) => id.trim()).filter(Boolean);
  const selected = only ? MUTATIONS.filter((mutation) => only.includes(mutation.id)) : MUTATIONS;
  if (only && selected.length !== only.length) throw new Error(`Unknown mutation ids in MUTANTS: ${only.filter((id) => !MUTATIONS.some((m) => m.id === id)).join(", ")}`);

  console.log(`mutants: ${selected.length} mutations; copying the repository to a temporary folder`);
  const copy = prepareCopy(root);
  console.log(`mutants: compiling the unmutated copy in ${copy}`);
  const baseline = run("npx", ["hardhat", "compile", "--quiet"], copy, 30 * 60_000);
  if (!baseline.ok) throw new Error(`The unmutated copy does not compile:\n${baseline.output}`);

  const results: { id: string; file: string; why: string; outcome: "killed" | "survived" | "stale"; seconds: number }[] = [];
  for (const [index, mutation] of selected.entries()) {
    const file = path.join(copy, mutation.file);
    const original = fs.readFileSync(file, "utf8");
    const occurrences = original.split(mutation.from).length - 1;
    const started = Date.now();
    if (occurrences !== 1) {
      results.push({ id: mutation.id, file: mutation.file, why: mutation.why, outcome: "stale", seconds: 0 });
      console.log(`[${index + 1}/${selected.length}] ${mutation.id}: STALE (the text occurs ${occurrences} times in ${mutation.file})`);
      continue;
    }
    fs.writeFileSync(file, original.replace(mutation.from, mutation.to));
    try {
      const [command, args] = testCommand(mutation);
      const outcome = run(command, args, copy, 40 * 60_000);
      const seconds = Math.round((Date.now() - started) / 1000);
      const verdict = outcome.ok ? "survived" : "killed";
      results.push({ id: mutation.id, file: mutation.file, why: mutation.why, outcome: verdict, seconds });
      console.log(`[${index + 1}/${selected.length}] ${mutation.id}: ${verdict.toUpperCase()} in ${seconds} s (${mutation.why})`);
    } finally {
      fs.writeFileSync(file, original);
    }
  }

  const counted = results.filter((result) => result.outcome !== "stale");
  const killed = counted.filter((result) => result.outcome === "killed").length;
  const rate = counted.length === 0 ? 0 : killed / counted.length;
  const reportDir = path.join(root, "mutants-report");
  fs.mkdirSync(reportDir, { recursive: true });
  fs.writeFileSync(path.join(reportDir, "report.json"), `${JSON.stringify({ killed, total: counted.length, rate, results }, null, 2)}\n`);
  const rows = results.map((result) => `| ${result.id} | ${result.file} | ${result.why} | ${result.outcome} | ${result.seconds} |`);
  fs.writeFileSync(
    path.join(reportDir, "report.md"),
    [`# Mutation testing`, ``, `Killed ${killed} of ${counted.length} (${(rate * 100).toFixed(1)}%; goal ${KILL_TARGET * 100}%).`, ``, `| id | file | mutation | outcome | seconds |`, `|---|---|---|---|---|`, ...rows, ``].join("\n"),
  );
  console.log(`mutants: killed ${killed} of ${counted.length} (${(rate * 100).toFixed(1)}%); survivors: ${counted.filter((r) => r.outcome === "survived").map((r) => r.id).join(", ") || "none"}`);
  console.log(`mutants: report in ${path.relative(root, reportDir)}/report.md`);
  execFileSync("rm", ["-rf", copy]);
  if (rate < KILL_TARGET) process.exitCode = 1;
}

main();

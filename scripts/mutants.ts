/**
 * `npm run mutants`: plants small bugs, one at a time, in copies of the repository and reports which ones the test
 * suite catches. Each mutation flips one rounding direction, threshold comparison or operand in the pool, the vault,
 * the oracle, the keeper or the shared TypeScript; a mutation the suite does not notice marks a place where the tests
 * are blind.
 *
 *   npm run mutants                      # every mutation, each against every test file that covers its file
 *   MUTANTS=vault-kill-gte,pool-deposit-ceil npm run mutants   # only these, in this order
 *   MUTANTS_JOBS=1 npm run mutants       # one mutant at a time (default: 2, one per core, at most the CPU count)
 *   MUTANTS_FULL=1 npm run mutants       # each Solidity mutant against the whole Hardhat suite
 *   MUTANTS_PLAN=1 npm run mutants       # print each mutant's test files and stop (nothing compiled or run)
 *
 * Which tests: every test file that covers the mutated file, from imports (scripts/lib/mutantCoverage.ts), the
 * mutation's own `tests` first. With --bail the first failure kills a mutant, so a killed one costs its compile and
 * the seconds to the first failing test; only a survivor pays for every covering file.
 * How it stays under 2 hours on 2 cores: the work is mostly solc-js recompiling what a mutant changed (about a
 * minute for a vault module); MUTANTS_JOBS workers each own a copy of the repository (its own cache, artifacts and
 * in-process Hardhat network; no test left in the map binds a port), so two mutants compile and test at once.
 *
 * Every snippet is checked before anything is copied: a `from` text that does not occur exactly once in its file
 * (another change moved the code) stops the run with the ids and files, so a mutant is never silently skipped;
 * `test/unit/mutants.test.ts` checks the same in `npm test`. A mutant that does not compile is reported as invalid,
 * not killed. Results go to `mutants-report/` (report.json and report.md), rewritten after every mutant so a run cut
 * short still leaves its counts. Exit code 1 when fewer than 95% are killed, 2 on a stale or invalid mutant.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildCoverageMap, coveringTests, type CoverageMap } from "./lib/mutantCoverage";

interface Mutation {
  id: string;
  file: string;
  /** Exact text to replace; must occur exactly once in the file. */
  from: string;
  to: string;
  /** The same mutation of the code as another change in flight rewrites it (the first text found exactly once is
   *  used), so a merge does not leave the mutation stale. */
  alternatives?: { from: string; to: string }[];
  why: string;
  /** Test files or folders run first (the quickest to kill it); every other covering test file follows. */
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
  { id: "vault-deviation-doubled", file: "contracts/vault/VaultState.sol", from: "if (gap * BPS > fair * maxDeviation)", to: "if (gap * BPS > 2 * fair * maxDeviation)", why: "deviation tolerance doubled", tests: VAULT_TESTS, alternatives: [{ from: ": reference_ - price) * BPS > reference_ * bandBps;", to: ": reference_ - price) * BPS > 2 * reference_ * bandBps;" }] },
  { id: "vault-deviation-gte", file: "contracts/vault/VaultState.sol", from: "if (gap * BPS > fair * maxDeviation)", to: "if (gap * BPS >= fair * maxDeviation)", why: "deviation band refuses exactly at its limit", tests: VAULT_TESTS, alternatives: [{ from: ": reference_ - price) * BPS > reference_ * bandBps;", to: ": reference_ - price) * BPS >= reference_ * bandBps;" }] },
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
  // ---------------------------------------------------------------- the independent audit's survivors (issue 18)
  { id: "oracle-sequencer-never-started", file: "contracts/oracle/PriceOracle.sol", from: "startedAt == 0 || ", to: "", alternatives: [{ from: "if (startedAt == 0) revert SequencerStatusNotStarted();", to: "" }], why: "a sequencer round that never started (startedAt 0) accepted", tests: ["test/contracts/oracle"] },
  { id: "vault-underwater-shares-floor", file: "contracts/vault/VaultExits.sol", from: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, amounts.unwoundValue, health.debtValueWad, Math.Rounding.Ceil);", to: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, amounts.unwoundValue, health.debtValueWad);", alternatives: [{ from: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, price, health.debtValueWad, Math.Rounding.Ceil);", to: "amounts.debtShares0 = Math.mulDiv(position.debtShares0, price, health.debtValueWad);" }], why: "underwater repayment's debt shares rounded down (more written off)", tests: ["test/contracts/vault/liquidationPaths.test.ts", "test/contracts/vault/liquidation.test.ts"] },
  { id: "vault-full-liq-at-threshold", file: "contracts/vault/VaultExits.sol", from: "health.valueWad < uint256(risk.fullLiquidationBelowUsd) * WAD", to: "health.valueWad <= uint256(risk.fullLiquidationBelowUsd) * WAD", why: "a position worth exactly fullLiquidationBelowUsd liquidated in full", tests: ["test/contracts/vault/liquidation.test.ts", "test/contracts/vault/boundaries.test.ts"] },
  { id: "vault-harvest-dust-bound-10x", file: "contracts/vault/VaultState.sol", from: "if (out * pair.totalSupply() < 1_000 * (", to: "if (out * pair.totalSupply() < 100 * (", why: "harvest dust bound lowered 10x", tests: ["test/contracts/vault/harvestDust.test.ts", "test/contracts/vault/harvest.test.ts"] },
  { id: "keeper-rank-keys-swapped", file: "lib/keeper.ts", from: "      const bySortfall = shortfall(b) - shortfall(a);\n      if (bySortfall !== 0n) return bySortfall > 0n ? 1 : -1;\n      if (a.debtRatioBps !== b.debtRatioBps) return b.debtRatioBps > a.debtRatioBps ? 1 : -1;\n", to: "      if (a.debtRatioBps !== b.debtRatioBps) return b.debtRatioBps > a.debtRatioBps ? 1 : -1;\n      const bySortfall = shortfall(b) - shortfall(a);\n      if (bySortfall !== 0n) return bySortfall > 0n ? 1 : -1;\n", why: "rankLiquidations orders by debt ratio before shortfall", tests: ["test/unit/keeperScan.test.ts"] },
  { id: "keeper-harvest-min-no-tolerance", file: "lib/keeper.ts", from: "const product = amountOutNow * BigInt(10_000 - toleranceBps);", to: "const product = amountOutNow * 10_000n;", why: "harvestMinimumOut ignores its tolerance", tests: ["test/unit/keeperScan.test.ts"] },
  { id: "keeper-unvalued-liquidated", file: "lib/keeper.ts", from: "    if (!status.valued) {\n", to: "    if (!status.valued && !view.liquidatable) {\n", why: "the scan liquidates a position it could not value", tests: ["test/unit/keeperScan.test.ts"] },
  { id: "keeper-bounty-strict", file: "lib/keeper.ts", from: "if (bountyUsd >= thresholdUsd) return", to: "if (bountyUsd > thresholdUsd) return", why: "a bounty exactly paying gas times the margin declined", tests: ["test/unit/keeperScan.test.ts"] },
  { id: "keeper-bounty-ignores-incentive", file: "lib/keeper.ts", from: "value1(proceeds.paid1 + proceeds.incentive1)", to: "value1(proceeds.paid1)", why: "the reserve's incentive left out of the bounty weighed against gas", tests: ["test/unit/keeperScan.test.ts"] },
  { id: "lens-unpriced-reverts", file: "contracts/vault/VaultLens.sol", from: "            if (priced.valued) {", to: "            if (true) {", why: "keeperPage asks the vault to value positions whose price the oracle refuses (the page reverts)", tests: ["test/contracts/keeperSafety.test.ts"] },
  { id: "rate-limit-last-call", file: "app/api/rpc/relayPolicy.ts", from: "if (bucket.tokens < calls) return", to: "if (bucket.tokens <= calls) return", why: "the RPC rate limiter refuses the last call of a full burst", tests: ["test/unit/mutationGuards.test.ts"] },
  { id: "pnl-price-order-repaid", file: "lib/pnlBreakdown.ts", from: "      case \"decreased\":\n      case \"priceOrderExecuted\":\n", to: "      case \"decreased\":\n", why: "pnlBreakdown ignores a price order's repayments", tests: ["test/unit/mutationGuards.test.ts"] },
  { id: "plausible-nan", file: "lib/farmYield.ts", from: "return Number.isNaN(rate) || rate > PLAUSIBLE_RATE_BOUND;", to: "return rate > PLAUSIBLE_RATE_BOUND;", why: "isBeyondPlausibleBound lets NaN through", tests: ["test/unit/mutationGuards.test.ts"] },
];

const KILL_TARGET = 0.95;
/** Longest one mutant may take (compile and tests). */
const MUTANT_TIMEOUT_MS = 40 * 60_000;

type Outcome = "killed" | "survived" | "invalid" | "stale" | "timeout";
interface Result {
  id: string;
  file: string;
  why: string;
  outcome: Outcome;
  seconds: number;
  /** The first failing test (killed), or the compiler's first error (invalid). */
  detail?: string;
  testFiles: number;
}

const occurrencesIn = (text: string, snippet: string) => text.split(snippet).length - 1;

/** The mutation's text and replacement that apply to `text`: the first of `from` and its alternatives found exactly once. */
export function variantFor(text: string, mutation: Mutation): { from: string; to: string } | null {
  return [{ from: mutation.from, to: mutation.to }, ...(mutation.alternatives ?? [])].find((variant) => occurrencesIn(text, variant.from) === 1) ?? null;
}

/** Mutations none of whose texts occurs exactly once in their file under `root`, with the count of `from` found. */
export function staleMutations(root: string, mutations: Mutation[] = MUTATIONS): { id: string; file: string; occurrences: number }[] {
  return mutations.flatMap((mutation) => {
    const full = path.join(root, mutation.file);
    const text = fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "";
    return variantFor(text, mutation) ? [] : [{ id: mutation.id, file: mutation.file, occurrences: occurrencesIn(text, mutation.from) }];
  });
}

/** Folders become their *.test.ts(x) files, recursively; files stay. */
function expand(root: string, tests: string[]): string[] {
  return tests.flatMap((test) => {
    const full = path.join(root, test);
    if (!fs.existsSync(full)) return [];
    if (fs.statSync(full).isFile()) return [test];
    return fs
      .readdirSync(full, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? expand(root, [`${test}/${entry.name}`]) : /\.test\.tsx?$/.test(entry.name) ? [`${test}/${entry.name}`] : []));
  });
}

/** The mutation's test files in the order they run: its own first, then every other file that covers its file. */
export function testPlan(root: string, mutation: Mutation, map: CoverageMap): { vitest: string[]; hardhat: string[] } {
  const covering = coveringTests(root, mutation.file, map);
  const all = process.env.MUTANTS_FULL && mutation.file.endsWith(".sol") ? map.tests.filter((test) => test.startsWith("test/contracts/")) : covering;
  const ordered = [...new Set([...expand(root, mutation.tests), ...all])];
  return {
    vitest: ordered.filter((test) => test.startsWith("test/unit/")),
    hardhat: ordered.filter((test) => test.startsWith("test/contracts/")),
  };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ ok: boolean; timedOut: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" }, detached: true });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 400_000) output = output.slice(-200_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL"); // the whole group: npx, hardhat, mocha
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, timedOut, output });
    });
  });
}

/** The first failing test's title and its error's first line, from mocha's or vitest's output. */
function firstFailure(output: string): string | undefined {
  const mocha = output.match(/failing\s*\n+\s*1\) ([^\n]+)\n\s*([^\n]+)\n+\s*([^\n]*)/);
  if (mocha) return `${mocha[1].trim()} ${mocha[2].trim().replace(/:$/, "")}: ${mocha[3].trim().slice(0, 160)}`;
  const vitest = output.match(/FAIL\s+(test\/[^\n]+)/);
  if (vitest) return vitest[1].trim();
  return output.trim().split("\n").slice(-1)[0]?.slice(0, 200);
}

function prepareCopy(root: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "flux-mutants-"));
  for (const entry of fs.readdirSync(root)) {
    if ([".git", "node_modules", "mutants-report", "test-results", "crash-report", ".next"].includes(entry)) continue;
    fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
  // Mocha's per-test limit (5 min in hardhat.config.ts) is for one test on an idle machine; the stateful invariants
  // need longer while two mutants compile beside them, and a test cut off by it says nothing about the mutant. The
  // copy gets 20 minutes (each mutant is still bounded by MUTANT_TIMEOUT_MS).
  const configFile = path.join(copy, "hardhat.config.ts");
  const config = fs.readFileSync(configFile, "utf8");
  if (config.includes("mocha: { timeout: 300_000 }")) fs.writeFileSync(configFile, config.replace("mocha: { timeout: 300_000 }", "mocha: { timeout: 1_200_000 }"));
  else console.warn("mutants: hardhat.config.ts has no `mocha: { timeout: 300_000 }` to lengthen; tests keep its own limit");
  // Hardhat's compile cache is keyed by absolute path (and compares content hashes): re-key it to the copy, or the
  // copy's first compile rebuilds every contract (two minutes of solc-js) instead of nothing.
  const cacheFile = path.join(copy, "cache", "solidity-files-cache.json");
  if (fs.existsSync(cacheFile)) {
    const cache = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as { files: Record<string, unknown> };
    for (const [key, entry] of Object.entries(cache.files)) {
      if (key.startsWith(`${root}/`)) cache.files[`${copy}${key.slice(root.length)}`] = entry;
    }
    fs.writeFileSync(cacheFile, JSON.stringify(cache, null, 2));
  }
  return copy;
}

async function runMutant(copy: string, mutation: Mutation, plan: { vitest: string[]; hardhat: string[] }): Promise<Result> {
  const file = path.join(copy, mutation.file);
  const original = fs.readFileSync(file, "utf8");
  const started = Date.now();
  const base = { id: mutation.id, file: mutation.file, why: mutation.why, testFiles: plan.vitest.length + plan.hardhat.length };
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const variant = variantFor(original, mutation);
  if (!variant) return { ...base, outcome: "stale", seconds: 0 };
  fs.writeFileSync(file, original.replace(variant.from, variant.to));
  try {
    const deadline = started + MUTANT_TIMEOUT_MS;
    if (mutation.file.endsWith(".sol")) {
      const compiled = await run("npx", ["hardhat", "compile", "--quiet"], copy, deadline - Date.now());
      if (!compiled.ok) {
        const error = compiled.output.split("\n").find((line) => /Error/.test(line));
        return { ...base, outcome: compiled.timedOut ? "timeout" : "invalid", seconds: seconds(), detail: error?.trim() };
      }
    }
    // vitest first (seconds), then Hardhat; either failing kills the mutant.
    const steps: [string, string[]][] = [];
    if (plan.vitest.length > 0) steps.push(["npx", ["vitest", "run", "--bail", "1", ...plan.vitest]]);
    if (plan.hardhat.length > 0) steps.push(["npx", ["hardhat", "test", "--no-compile", "--bail", ...plan.hardhat]]);
    for (const [command, args] of steps) {
      const outcome = await run(command, args, copy, Math.max(1, deadline - Date.now()));
      if (outcome.timedOut) return { ...base, outcome: "timeout", seconds: seconds() };
      if (!outcome.ok) {
        const detail = firstFailure(outcome.output);
        // A test that ran out of mocha's time on a busy machine says nothing about the mutant: not a kill.
        if (detail && /Timeout of \d+ms exceeded/.test(detail)) return { ...base, outcome: "timeout", seconds: seconds(), detail };
        return { ...base, outcome: "killed", seconds: seconds(), detail };
      }
    }
    return { ...base, outcome: "survived", seconds: seconds() };
  } finally {
    fs.writeFileSync(file, original);
  }
}

function writeReport(root: string, results: Result[], total: number, jobs: number, startedAt: number) {
  const counted = results.filter((result) => result.outcome === "killed" || result.outcome === "survived" || result.outcome === "timeout");
  const killed = counted.filter((result) => result.outcome === "killed").length;
  const rate = counted.length === 0 ? 0 : killed / counted.length;
  const minutes = Math.round((Date.now() - startedAt) / 60_000);
  const reportDir = path.join(root, "mutants-report");
  fs.mkdirSync(reportDir, { recursive: true });
  const summary = { killed, counted: counted.length, done: results.length, selected: total, rate, jobs, minutes, complete: results.length === total };
  fs.writeFileSync(path.join(reportDir, "report.json"), `${JSON.stringify({ ...summary, results }, null, 2)}\n`);
  const rows = results.map((result) => `| ${result.id} | ${result.file} | ${result.why} | ${result.outcome} | ${result.testFiles} | ${result.seconds} | ${(result.detail ?? "").replace(/\|/g, "/")} |`);
  fs.writeFileSync(
    path.join(reportDir, "report.md"),
    [
      `# Mutation testing`,
      ``,
      `Killed ${killed} of ${counted.length} (${(rate * 100).toFixed(1)}%; goal ${KILL_TARGET * 100}%)${summary.complete ? "" : `; partial: ${results.length} of ${total} mutants done`}, ${jobs} at a time, ${minutes} min.`,
      ``,
      `| id | file | mutation | outcome | test files | seconds | first failure |`,
      `|---|---|---|---|---|---|---|`,
      ...rows,
      ``,
    ].join("\n"),
  );
  return { killed, counted: counted.length, rate };
}

async function main() {
  const root = process.cwd();
  const startedAt = Date.now();
  const only = process.env.MUTANTS?.split(",").map((id) => id.trim()).filter(Boolean);
  // In the order given: MUTANTS chooses what runs first.
  const selected = only ? only.flatMap((id) => MUTATIONS.filter((mutation) => mutation.id === id)) : MUTATIONS;
  if (only && selected.length !== only.length) throw new Error(`Unknown mutation ids in MUTANTS: ${only.filter((id) => !MUTATIONS.some((m) => m.id === id)).join(", ")}`);
  const duplicates = MUTATIONS.map((m) => m.id).filter((id, index, ids) => ids.indexOf(id) !== index);
  if (duplicates.length > 0) throw new Error(`Duplicate mutation ids: ${duplicates.join(", ")}`);

  const stale = staleMutations(root, selected);
  if (stale.length > 0) {
    for (const entry of stale) console.error(`mutants: STALE ${entry.id}: its text occurs ${entry.occurrences} times in ${entry.file} (must be exactly once; no alternative matches either)`);
    console.error("mutants: the code moved under these mutations; update their `from` text in scripts/mutants.ts. Nothing was run.");
    process.exitCode = 2;
    return;
  }
  const map = buildCoverageMap(root);
  const plans = new Map(selected.map((mutation) => [mutation.id, testPlan(root, mutation, map)]));
  if (process.env.MUTANTS_PLAN) {
    for (const mutation of selected) {
      const plan = plans.get(mutation.id)!;
      console.log(`${mutation.id} (${mutation.file}): ${plan.vitest.length + plan.hardhat.length} test files: ${[...plan.vitest, ...plan.hardhat].join(" ")}`);
    }
    return;
  }
  const jobs = Math.max(1, Math.min(Number(process.env.MUTANTS_JOBS ?? 2) || 1, os.cpus().length, selected.length));
  console.log(`mutants: ${selected.length} mutations, ${jobs} at a time; copying the repository ${jobs} time(s)`);
  const copies = Array.from({ length: jobs }, () => prepareCopy(root));
  try {
    // The unmutated copies compile one after the other (the artifacts copied in make it incremental).
    for (const copy of copies) {
      const baseline = await run("npx", ["hardhat", "compile", "--quiet"], copy, 30 * 60_000);
      if (!baseline.ok) throw new Error(`The unmutated copy ${copy} does not compile:\n${baseline.output}`);
    }
    const results: Result[] = [];
    let next = 0;
    const worker = async (copy: string) => {
      while (next < selected.length) {
        const index = next++;
        const mutation = selected[index];
        const result = await runMutant(copy, mutation, plans.get(mutation.id)!);
        results.push(result);
        const { killed, counted } = writeReport(root, results, selected.length, jobs, startedAt);
        console.log(
          `[${results.length}/${selected.length}] ${mutation.id}: ${result.outcome.toUpperCase()} in ${result.seconds} s, ${result.testFiles} test files (${mutation.why})` +
            `${result.detail ? ` - ${result.detail}` : ""}; so far ${killed}/${counted} killed`,
        );
      }
    };
    await Promise.all(copies.map(worker));
    const { killed, counted, rate } = writeReport(root, results, selected.length, jobs, startedAt);
    const broken = results.filter((result) => result.outcome === "invalid" || result.outcome === "stale");
    console.log(`mutants: killed ${killed} of ${counted} (${(rate * 100).toFixed(1)}%) in ${Math.round((Date.now() - startedAt) / 60_000)} min; survivors: ${results.filter((r) => r.outcome === "survived").map((r) => r.id).join(", ") || "none"}`);
    if (broken.length > 0) console.error(`mutants: INVALID or STALE (fix them in scripts/mutants.ts): ${broken.map((r) => `${r.id} (${r.outcome}${r.detail ? `: ${r.detail}` : ""})`).join(", ")}`);
    console.log(`mutants: report in ${path.relative(root, path.join(root, "mutants-report"))}/report.md`);
    if (broken.length > 0) process.exitCode = 2;
    else if (rate < KILL_TARGET) process.exitCode = 1;
  } finally {
    for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

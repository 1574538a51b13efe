import path from "node:path";
import { describe, expect, it } from "vitest";
import { MUTATIONS, staleMutations, testPlan } from "../../scripts/mutants";
import { buildCoverageMap, contractsBuiltFrom, coveringTests } from "../../scripts/lib/mutantCoverage";

const ROOT = path.resolve(__dirname, "../..");

describe("npm run mutants: its mutations", () => {
  it("each mutation's text occurs exactly once in its file (a change that moves the code must update the mutation)", () => {
    expect(staleMutations(ROOT)).toEqual([]);
    expect(new Set(MUTATIONS.map((mutation) => mutation.id)).size).toBe(MUTATIONS.length);
    for (const mutation of MUTATIONS) {
      for (const variant of [mutation, ...(mutation.alternatives ?? [])]) expect(variant.from, mutation.id).not.toBe(variant.to);
    }
  });

  it("covers the independent audit's survivors (issue 18)", () => {
    const ids = MUTATIONS.map((mutation) => mutation.id);
    for (const id of [
      "oracle-sequencer-never-started",
      "vault-underwater-shares-floor",
      "vault-full-liq-at-threshold",
      "vault-harvest-dust-bound-10x",
      "keeper-rank-keys-swapped",
      "keeper-harvest-min-no-tolerance",
      "rate-limit-last-call",
      "pnl-price-order-repaid",
      "plausible-nan",
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe("npm run mutants: which tests cover a file, from imports", () => {
  const map = buildCoverageMap(ROOT);

  it("a TypeScript file: every test whose imports reach it, vitest and Hardhat alike", () => {
    const keeper = coveringTests(ROOT, "lib/keeper.ts", map);
    expect(keeper).toEqual(expect.arrayContaining(["test/unit/keeper.test.ts", "test/unit/keeperScan.test.ts", "test/contracts/keeper.test.ts", "test/contracts/keeperSafety.test.ts"]));
    expect(keeper).not.toContain("test/unit/format.test.ts");
    // Reached through another module (app/api/rpc/route.ts imports relayPolicy), not named in any list.
    expect(coveringTests(ROOT, "app/api/rpc/relayPolicy.ts", map)).toEqual(expect.arrayContaining(["test/unit/rpcRoute.test.ts", "test/unit/mutationGuards.test.ts"]));
  });

  it("a Solidity file: every Hardhat test that names a contract built from it, never e2e or the operations tests", () => {
    expect([...contractsBuiltFrom(ROOT, "contracts/libraries/PoolMath.sol")]).toEqual(expect.arrayContaining(["PoolMath", "LendingPool"]));
    const oracle = coveringTests(ROOT, "contracts/oracle/PriceOracle.sol", map);
    expect(oracle).toEqual(expect.arrayContaining(["test/contracts/oracle/PriceOracle.test.ts", "test/contracts/oracle/sequencerNeverStarted.test.ts", "test/contracts/vault/harvest.test.ts"]));
    const vault = coveringTests(ROOT, "contracts/vault/VaultState.sol", map);
    expect(vault).toEqual(expect.arrayContaining(["test/contracts/vault/harvestDust.test.ts", "test/contracts/security/vaultAttacks.test.ts", "test/contracts/keeper.test.ts"]));
    for (const test of [...oracle, ...vault]) {
      expect(test.startsWith("test/contracts/")).toBe(true);
      expect(test.startsWith("test/contracts/operations/")).toBe(false);
    }
  });

  it("runs a mutation's own tests first, then the rest of the covering files, each once", () => {
    const mutation = MUTATIONS.find((entry) => entry.id === "vault-harvest-dust-bound-10x")!;
    const plan = testPlan(ROOT, mutation, map);
    expect(plan.hardhat.slice(0, 2)).toEqual(["test/contracts/vault/harvestDust.test.ts", "test/contracts/vault/harvest.test.ts"]);
    expect(new Set(plan.hardhat).size).toBe(plan.hardhat.length);
    expect(plan.vitest).toEqual([]);
  });
});

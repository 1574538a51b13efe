import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  createJsonLineLogger,
  describeError,
  gasCostUsd,
  isTransientRpcError,
  largestMoveBps,
  nextPassDelaySeconds,
  rankLiquidations,
  scanPages,
  triggeredOrders,
  shouldHarvest,
  withRetry,
} from "../../lib/keeper";

const DAY = 86_400;
const base = { pendingValueUsd: 10, gasCostUsd: 2, marginMultiplier: 3, secondsSinceLastHarvest: 60, maxIntervalSeconds: DAY };

/** A retry clock that records every wait instead of waiting. */
function fakeClock() {
  const waits: number[] = [];
  return { waits, sleep: async (milliseconds: number) => void waits.push(milliseconds) };
}

/** An error as ethers raises it for a dropped connection or a revert. */
const rpcError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("shouldHarvest", () => {
  it("harvests only when the pending value is strictly above gas x margin", () => {
    // $2 of gas x 3 = $6: at exactly $6 the harvest is not yet worth it; a cent more and it is.
    const atThreshold = shouldHarvest({ ...base, pendingValueUsd: 6 });
    expect(atThreshold.harvest).toBe(false);
    expect(atThreshold.thresholdUsd).toBe(6);
    expect(atThreshold.reason).toMatch(/not yet worth/);
    const justAbove = shouldHarvest({ ...base, pendingValueUsd: 6.01 });
    expect(justAbove.harvest).toBe(true);
    expect(justAbove.reason).toMatch(/worth more than the gas/);
    expect(shouldHarvest({ ...base, pendingValueUsd: 5.99 }).harvest).toBe(false);
  });

  it("scales the threshold with the margin", () => {
    expect(shouldHarvest({ ...base, pendingValueUsd: 10, marginMultiplier: 4 }).harvest).toBe(true); // $8
    expect(shouldHarvest({ ...base, pendingValueUsd: 10, marginMultiplier: 5 }).harvest).toBe(false); // $10, not above
    expect(shouldHarvest({ ...base, pendingValueUsd: 10, marginMultiplier: 5 }).thresholdUsd).toBe(10);
  });

  it("harvests after the maximum interval even when the rewards are small, from the interval on", () => {
    const small = { ...base, pendingValueUsd: 0.5 };
    expect(shouldHarvest({ ...small, secondsSinceLastHarvest: DAY - 1 }).harvest).toBe(false);
    const due = shouldHarvest({ ...small, secondsSinceLastHarvest: DAY });
    expect(due.harvest).toBe(true);
    expect(due.reason).toMatch(/maximum interval/);
    expect(shouldHarvest({ ...small, secondsSinceLastHarvest: 10 * DAY }).harvest).toBe(true);
  });

  it("never harvests nothing, however long it has been", () => {
    const decision = shouldHarvest({ ...base, pendingValueUsd: 0, gasCostUsd: 0, secondsSinceLastHarvest: 30 * DAY });
    expect(decision.harvest).toBe(false);
    expect(decision.reason).toBe("nothing pending");
    expect(shouldHarvest({ ...base, pendingValueUsd: Number.NaN, secondsSinceLastHarvest: 30 * DAY }).harvest).toBe(false);
  });

  it("harvests on value when gas is free (a zero threshold)", () => {
    expect(shouldHarvest({ ...base, pendingValueUsd: 0.01, gasCostUsd: 0 }).harvest).toBe(true);
  });
});

describe("gasCostUsd", () => {
  it("is gas x price x the gas token's USD price", () => {
    // 360,000 gas at 2 gwei is 0.00072 ETH; at $2,000 that is $1.44.
    expect(gasCostUsd(360_000n, 2_000_000_000n, 2_000n * 10n ** 18n)).toBeCloseTo(1.44, 12);
    expect(gasCostUsd(0n, 2_000_000_000n, 2_000n * 10n ** 18n)).toBe(0);
  });
});

describe("scanPages", () => {
  it("covers ids 1..last in pages of the given size, the last one short", () => {
    expect(scanPages(0, 500)).toEqual([]);
    expect(scanPages(3, 2)).toEqual([
      { firstId: 1, count: 2 },
      { firstId: 3, count: 1 },
    ]);
    const pages = scanPages(10_000, 500);
    expect(pages).toHaveLength(20);
    expect(pages.reduce((sum, page) => sum + page.count, 0)).toBe(10_000);
    expect(scanPages(10_001, 500)).toHaveLength(21);
  });

  it("refuses a page size that cannot make progress", () => {
    expect(() => scanPages(10, 0)).toThrow(/page size/);
    expect(() => scanPages(10, 2.5)).toThrow(/page size/);
  });
});

describe("withRetry", () => {
  it("retries transient errors with doubling waits, then succeeds", async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw rpcError("NETWORK_ERROR", "connection refused");
        return "ok";
      },
      { attempts: 5, baseDelayMs: 100, sleep: clock.sleep },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(clock.waits).toEqual([100, 200]);
  });

  it("gives up after the given attempts with the last error, waiting between each", async () => {
    const clock = fakeClock();
    let calls = 0;
    const failing = withRetry(
      async (attempt) => {
        calls += 1;
        throw rpcError("TIMEOUT", `timeout ${attempt}`);
      },
      { attempts: 4, baseDelayMs: 100, maxDelayMs: 250, sleep: clock.sleep },
    );
    await expect(failing).rejects.toThrow("timeout 4");
    expect(calls).toBe(4);
    // 100, 200, then capped at 250 (not 400); no wait after the last attempt.
    expect(clock.waits).toEqual([100, 200, 250]);
  });

  it("does not retry a revert: another try cannot change the answer", async () => {
    const clock = fakeClock();
    let calls = 0;
    const reverting = withRetry(
      async () => {
        calls += 1;
        throw rpcError("CALL_EXCEPTION", "execution reverted: PositionHealthy(1, 6667, 8000)");
      },
      { attempts: 5, baseDelayMs: 100, sleep: clock.sleep },
    );
    await expect(reverting).rejects.toThrow(/PositionHealthy/);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it("really waits when given no fake clock (tiny delays)", async () => {
    let calls = 0;
    const startedAt = Date.now();
    await withRetry(
      async () => {
        if (++calls < 3) throw new Error("socket hang up");
      },
      { attempts: 3, baseDelayMs: 10 },
    );
    expect(calls).toBe(3);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(25); // 10 + 20, less timer slack
  });

  it("reports each retry and refuses zero attempts", async () => {
    const retries: Array<[number, number]> = [];
    const clock = fakeClock();
    await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new Error("ECONNRESET");
        return attempt;
      },
      { attempts: 3, baseDelayMs: 5, sleep: clock.sleep, onRetry: (_error, attempt, delayMs) => retries.push([attempt, delayMs]) },
    );
    expect(retries).toEqual([
      [1, 5],
      [2, 10],
    ]);
    await expect(withRetry(async () => 1, { attempts: 0, baseDelayMs: 1 })).rejects.toThrow(/at least one attempt/);
  });

  it("computes the backoff schedule", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, 500, 4_000))).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
  });
});

describe("isTransientRpcError and describeError", () => {
  it("tells outages from reverts and bad calls", () => {
    for (const transient of [rpcError("NETWORK_ERROR"), rpcError("SERVER_ERROR"), rpcError("TIMEOUT"), new Error("fetch failed"), new Error("429 Too Many Requests")]) {
      expect(isTransientRpcError(transient), String(transient)).toBe(true);
    }
    for (const permanent of [
      rpcError("CALL_EXCEPTION"),
      rpcError("INSUFFICIENT_FUNDS"),
      rpcError("NONCE_EXPIRED"),
      new Error("VM Exception while processing transaction: reverted with custom error 'PositionHealthy(1, 2, 3)'"),
      Object.assign(new Error("execution reverted"), { code: 3 }),
    ]) {
      expect(isTransientRpcError(permanent), String(permanent)).toBe(false);
    }
  });

  it("names a decoded custom error with its arguments, else the first line of the message", () => {
    const decoded = Object.assign(new Error("execution reverted"), { revert: { name: "PositionHealthy", args: [1n, 6_667n, 8_000n] } });
    expect(describeError(decoded)).toBe("PositionHealthy(1, 6667, 8000)");
    expect(describeError(new Error("first line\nstack"))).toBe("first line");
  });
});

describe("the decision log", () => {
  it("writes one JSON line per decision, with a time and bigints as strings", () => {
    const lines: string[] = [];
    const log = createJsonLineLogger((line) => lines.push(line));
    log({ vault: "WETH-USDC", action: "liquidate", reason: "position past the kill factor", positionId: "7", numbers: { gasUsed: 391_821 }, txHash: "0xabc" });
    log({ vault: "USDC-USDT", action: "skip-harvest", reason: "nothing pending", numbers: { rewardAmount: 0n as unknown as string } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain("\n");
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ vault: "WETH-USDC", action: "liquidate", positionId: "7", numbers: { gasUsed: 391_821 }, txHash: "0xabc" });
    expect(new Date(entry.time).getTime()).toBeGreaterThan(0);
    expect(JSON.parse(lines[1]).numbers.rewardAmount).toBe("0");
  });
});

const WAD = 10n ** 18n;
const usd = (dollars: number) => BigInt(Math.round(dollars * 100)) * 10n ** 16n;

describe("rankLiquidations", () => {
  const view = (id: number, value: number, debt: number, liquidatable = true) => ({
    positionId: BigInt(id),
    valueWad: usd(value),
    debtValueWad: usd(debt),
    debtRatioBps: (usd(debt) * 10_000n + usd(value) - 1n) / usd(value),
    liquidatable,
  });

  it("puts the largest shortfall first, then the highest debt ratio, then the oldest id, and drops healthy ones", () => {
    const ranked = rankLiquidations([
      view(1, 1_000, 850), // 85%, no shortfall
      view(2, 10_000, 10_400), // $400 short
      view(3, 500, 520), // $20 short
      view(4, 2_000, 1_900), // 95%, no shortfall
      view(5, 3_000, 1_000, false), // healthy
      view(6, 1_000, 950), // 95% like #4, younger
    ]);
    expect(ranked.map((entry) => Number(entry.positionId))).toEqual([2, 3, 4, 6, 1]);
  });
});

describe("triggeredOrders", () => {
  const none = { lowPriceWad: 0n, highPriceWad: 0n, priceOfToken1: false };
  it("fires a deleverage order at its trigger and not one basis point before, as the vault compares", () => {
    const order = (debtRatioBps: bigint) => ({ positionId: 1n, debtRatioBps, deleverage: { triggerDebtRatioBps: 8_000n }, price: none });
    expect(triggeredOrders([order(7_999n)], WAD, WAD)).toEqual([]);
    expect(triggeredOrders([order(8_000n)], WAD, WAD).map((entry) => entry.kind)).toEqual(["deleverage"]);
  });

  it("fires a price order at or past either bound on the order's own token, and ignores unset bounds", () => {
    const order = (low: bigint, high: bigint, priceOfToken1: boolean) => ({
      positionId: 7n,
      debtRatioBps: 5_000n,
      deleverage: { triggerDebtRatioBps: 0n },
      price: { lowPriceWad: low, highPriceWad: high, priceOfToken1 },
    });
    const eth = 2_000n * WAD;
    expect(triggeredOrders([order(1_500n * WAD, 0n, true)], WAD, eth)).toEqual([]);
    expect(triggeredOrders([order(eth, 0n, true)], WAD, eth)).toHaveLength(1);
    expect(triggeredOrders([order(0n, eth + 1n, true)], WAD, eth)).toEqual([]);
    expect(triggeredOrders([order(0n, eth, true)], WAD, eth)).toHaveLength(1);
    // The same bounds read against token 0 ($1) trigger the low side.
    expect(triggeredOrders([order(1_500n * WAD, 0n, false)], WAD, eth)).toHaveLength(1);
    // Without the order token's price the keeper cannot judge it (and the vault would refuse too).
    expect(triggeredOrders([order(1_500n * WAD, 0n, true)], WAD, null)).toEqual([]);
  });
});

describe("the keeper's cadence", () => {
  it("measures the largest price move in basis points of the previous reading", () => {
    const before = new Map([["WETH", 2_000n * WAD], ["USDC", WAD]]);
    expect(largestMoveBps(before, new Map([["WETH", 1_900n * WAD], ["USDC", WAD]]))).toBe(500);
    expect(largestMoveBps(before, new Map([["WETH", 2_000n * WAD], ["USDC", (WAD * 97n) / 100n]]))).toBe(300);
    expect(largestMoveBps(new Map(), new Map([["WETH", WAD]]))).toBe(0);
  });

  it("keeps the interval while prices are calm and tightens it from 2% and 5% moves, never below about a block", () => {
    expect(nextPassDelaySeconds(60, 199)).toBe(60);
    expect(nextPassDelaySeconds(60, 200)).toBe(15);
    expect(nextPassDelaySeconds(60, 500)).toBe(5);
    expect(nextPassDelaySeconds(12, 900)).toBe(2);
  });
});

/**
 * Edges the independent mutation audit found unguarded (issue 18): each test here kills one mutant listed in
 * scripts/mutants.ts, and says which.
 */
import { describe, expect, it } from "vitest";
import { CallRateLimiter } from "../../app/api/rpc/relayPolicy";
import { isBeyondPlausibleBound } from "../../lib/farmYield";
import { borrowInterestTokens, pnlBreakdown } from "../../lib/pnlBreakdown";
import type { PositionEvent } from "../../lib/positionHistory";

const WAD = 10n ** 18n;
const base = { positionId: 1n, blockNumber: 1, logIndex: 0, transactionHash: "0x" };

describe("the RPC relay's rate limiter (mutant rate-limit-last-call)", () => {
  it("grants every call of a full burst, the last one included, and refuses the next until the bucket refills", () => {
    let nowMs = 1_000_000;
    const limiter = new CallRateLimiter(5, 1, () => nowMs);
    for (let call = 1; call <= 5; call++) expect(limiter.take("client", 1), `call ${call} of 5`).toEqual({ ok: true });
    expect(limiter.take("client", 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    nowMs += 1_000;
    expect(limiter.take("client", 1)).toEqual({ ok: true });
    // A batch the size of the whole burst, on a full bucket, passes at once.
    expect(new CallRateLimiter(500, 25, () => nowMs).take("other", 500)).toEqual({ ok: true });
  });
});

describe("pnlBreakdown counts a price order's repayments as debt cleared (mutant pnl-price-order-repaid)", () => {
  const events: PositionEvent[] = [
    { ...base, kind: "increased", amount0: 1_000_000_000n, amount1: 0n, borrow0: 0n, borrow1: 3_000_000_000n, lpAdded: 1n, lpShares: 1n },
    {
      ...base,
      blockNumber: 2,
      kind: "priceOrderExecuted",
      executor: "0x",
      priceWad: 2_000n * WAD,
      lpRemoved: 1n,
      repaid0: 0n,
      repaid1: 3_012_345_678n,
      fee0: 0n,
      fee1: 0n,
      returned0: 0n,
      returned1: 0n,
    },
  ];

  it("borrowed 3,000 USDC, the order repaid 3,012.345678 and nothing is owed now: 12.345678 USDC of interest", () => {
    expect(borrowInterestTokens(events, 0n, 0n)).toEqual([0n, 12_345_678n]);
    const parts = pnlBreakdown({ totalWad: -50n * WAD, harvestValuesWad: [], points: [], events, debt0Now: 0n, debt1Now: 0n, price0Wad: WAD, price1Wad: WAD, decimals0: 6, decimals1: 6 });
    expect(parts.borrowInterestWad).toBe(-12_345_678n * 10n ** 12n);
    expect(parts.rewardsWad + parts.tradingFeesWad + parts.borrowInterestWad + parts.priceEffectWad).toBe(parts.totalWad);
  });
});

describe("isBeyondPlausibleBound refuses NaN (mutant plausible-nan)", () => {
  it("a rate that is not a number is never shown as plausible", () => {
    expect(isBeyondPlausibleBound(Number.NaN)).toBe(true);
    expect(isBeyondPlausibleBound(0 / 0)).toBe(true);
    expect(isBeyondPlausibleBound(9.99)).toBe(false);
  });
});

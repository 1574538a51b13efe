import { describe, expect, it } from "vitest";
import {
  accrueInterest,
  aprToApy,
  borrowRatePerSecond,
  borrowRatePerYearAtUtilization,
  divWadDown,
  divWadUp,
  mulWadDown,
  mulWadUp,
  ratePerSecondToApr,
  ratePerSecondToApy,
  SECONDS_PER_YEAR,
  supplyRatePerSecond,
  utilization,
  WAD,
} from "../../lib/math";
import { STABLECOIN_RATE_MODEL, VOLATILE_RATE_MODEL } from "../../lib/pools";

const percent = (value: number) => (BigInt(Math.round(value * 100)) * WAD) / 10_000n;

describe("rounding helpers", () => {
  it("round down and up by at most one unit, in the named direction", () => {
    expect(mulWadDown(3n, WAD / 2n)).toBe(1n);
    expect(mulWadUp(3n, WAD / 2n)).toBe(2n);
    expect(mulWadUp(4n, WAD / 2n)).toBe(2n);
    expect(divWadDown(1n, 3n * WAD)).toBe(0n);
    expect(divWadUp(1n, 3n * WAD)).toBe(1n);
    expect(mulWadUp(0n, WAD)).toBe(0n);
    expect(divWadUp(0n, WAD)).toBe(0n);
  });
});

describe("utilization", () => {
  it("is borrows over lendable assets, and 0 with no borrows", () => {
    expect(utilization(100n, 0n, 0n)).toBe(0n);
    expect(utilization(100n, 100n, 0n)).toBe(WAD / 2n);
    expect(utilization(110n, 100n, 10n)).toBe(WAD / 2n);
  });

  it("caps at 100% when reserves exceed cash", () => {
    expect(utilization(5n, 100n, 10n)).toBe(WAD);
  });
});

describe("kinked rate curve", () => {
  it("passes through the stablecoin points: 0%, 2% at 45%, 4% at the kink, 32% at 95%, 60% full", () => {
    expect(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, 0n)).toBe(0n);
    expect(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, percent(45))).toBe(percent(2));
    expect(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, percent(90))).toBe(percent(4));
    expect(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, percent(95))).toBe(percent(32));
    expect(borrowRatePerYearAtUtilization(STABLECOIN_RATE_MODEL, WAD)).toBe(percent(60));
  });

  it("rounds the per-second rate up", () => {
    const perSecond = borrowRatePerSecond(STABLECOIN_RATE_MODEL, 10n, 90n, 0n);
    expect(perSecond * SECONDS_PER_YEAR).toBeGreaterThanOrEqual(percent(4));
    expect((perSecond - 1n) * SECONDS_PER_YEAR).toBeLessThan(percent(4));
  });

  it("pays suppliers borrow rate x utilization x (1 - reserve factor)", () => {
    const borrow = borrowRatePerSecond(VOLATILE_RATE_MODEL, 300n * WAD, 700n * WAD, 0n);
    const supply = supplyRatePerSecond(VOLATILE_RATE_MODEL, 300n * WAD, 700n * WAD, 0n, 1_000n);
    expect(Number(supply)).toBeCloseTo(Number(borrow) * 0.7 * 0.9, -1);
    expect(supply).toBeLessThanOrEqual((borrow * 7n * 9n) / 100n);
  });
});

describe("interest accrual", () => {
  it("grows the index by rate x time and gives the reserve its share", () => {
    const state = { cash: 100n * WAD, reserves: 0n, borrowIndex: WAD, totalBorrowShares: 900n * WAD };
    const after = accrueInterest(state, STABLECOIN_RATE_MODEL, 1_000n, SECONDS_PER_YEAR);
    // 90% utilization: 4% a year, simple over one accrual.
    expect(Number(after.borrowIndex) / 1e18).toBeCloseTo(1.04, 9);
    expect(Number(after.interest) / 1e18).toBeCloseTo(36, 6);
    expect(after.reserves).toBe(after.interest / 10n);
    expect(after.totalBorrows).toBe(mulWadUp(900n * WAD, after.borrowIndex));
  });

  it("changes nothing with no borrows or no time", () => {
    const state = { cash: 100n, reserves: 3n, borrowIndex: WAD, totalBorrowShares: 0n };
    expect(accrueInterest(state, STABLECOIN_RATE_MODEL, 1_000n, 1_000n).borrowIndex).toBe(WAD);
    const borrowed = { ...state, totalBorrowShares: 50n };
    expect(accrueInterest(borrowed, STABLECOIN_RATE_MODEL, 1_000n, 0n).interest).toBe(0n);
  });
});

describe("APR and APY", () => {
  it("converts per-second rates and compounds", () => {
    const fivePercentPerSecond = percent(5) / SECONDS_PER_YEAR;
    expect(ratePerSecondToApr(fivePercentPerSecond)).toBeCloseTo(0.05, 9);
    expect(aprToApy(0.05)).toBeCloseTo(0.051267, 6);
    expect(ratePerSecondToApy(fivePercentPerSecond)).toBeCloseTo(Math.exp(0.05) - 1, 8);
    expect(aprToApy(0)).toBe(0);
  });

  it("compounds over the periods it is given, not always daily", () => {
    expect(aprToApy(0.12, 12)).toBeCloseTo(Math.pow(1.01, 12) - 1, 12); // monthly: 12.6825%
    expect(aprToApy(0.12, 1)).toBeCloseTo(0.12, 12); // once a year is the APR itself
    expect(aprToApy(0.12, 12)).toBeLessThan(aprToApy(0.12, 365));
  });
});

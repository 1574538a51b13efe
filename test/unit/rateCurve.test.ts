import { describe, expect, it } from "vitest";
import { borrowRatePerYearAtUtilization, type KinkedRateParameters, WAD } from "../../lib/math";
import { interestRateCurve, ratesAtUtilization } from "../../lib/rateCurve";

const percent = (value: number) => (WAD * BigInt(Math.round(value * 100))) / 10_000n;

// A typical kinked model: 2% at 0, 10% at the 80% kink, 100% when fully lent out.
const MODEL: KinkedRateParameters = {
  baseRatePerYear: percent(2),
  rateAtOptimalPerYear: percent(10),
  rateAtFullPerYear: percent(100),
  optimalUtilization: percent(80),
};

describe("ratesAtUtilization", () => {
  it("takes the borrow rate from the model and gives lenders borrow x utilization x (1 - reserve factor)", () => {
    const { borrowRatePerYearWad, supplyRatePerYearWad } = ratesAtUtilization(MODEL, 1_000n, percent(50));
    expect(borrowRatePerYearWad).toBe(borrowRatePerYearAtUtilization(MODEL, percent(50)));
    // 2% + 8% x 50/80 = 7%; lenders get 7% x 50% x 90% = 3.15%.
    expect(borrowRatePerYearWad).toBe(percent(7));
    expect(supplyRatePerYearWad).toBe(percent(3.15));
  });

  it("pays lenders nothing when nothing is borrowed", () => {
    expect(ratesAtUtilization(MODEL, 1_000n, 0n).supplyRatePerYearWad).toBe(0n);
  });
});

describe("interestRateCurve", () => {
  it("spans 0% to 100% utilization with the model's rates at the ends and the kink", () => {
    const points = interestRateCurve(MODEL, 1_000n, 100);
    expect(points).toHaveLength(101);
    expect(points[0]).toEqual({ utilization: 0, borrowApr: 0.02, supplyApr: 0 });
    expect(points[100].utilization).toBe(1);
    expect(points[100].borrowApr).toBeCloseTo(1, 12);
    expect(points[100].supplyApr).toBeCloseTo(0.9, 12);
    const kink = points.find((point) => point.utilization === 0.8);
    expect(kink?.borrowApr).toBeCloseTo(0.1, 12);
    expect(kink?.supplyApr).toBeCloseTo(0.1 * 0.8 * 0.9, 12);
  });

  it("adds the optimal utilization when it falls between steps, keeping the points in order", () => {
    const model = { ...MODEL, optimalUtilization: percent(85) };
    const points = interestRateCurve(model, 0n, 10);
    expect(points).toHaveLength(12);
    expect(points.map((point) => point.utilization)).toEqual([...points.map((point) => point.utilization)].sort((a, b) => a - b));
    expect(points.find((point) => point.utilization === 0.85)?.borrowApr).toBeCloseTo(0.1, 12);
  });

  it("never decreases: a higher utilization never costs borrowers or pays lenders less", () => {
    const points = interestRateCurve(MODEL, 1_000n, 50);
    for (let index = 1; index < points.length; index++) {
      expect(points[index].borrowApr).toBeGreaterThanOrEqual(points[index - 1].borrowApr);
      expect(points[index].supplyApr).toBeGreaterThanOrEqual(points[index - 1].supplyApr);
    }
  });

  it("rejects a step count that is not a positive integer", () => {
    expect(() => interestRateCurve(MODEL, 0n, 0)).toThrow(/stepCount/);
    expect(() => interestRateCurve(MODEL, 0n, 2.5)).toThrow(/stepCount/);
  });
});

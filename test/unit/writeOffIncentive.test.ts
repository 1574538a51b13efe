import { describe, expect, it } from "vitest";
import { LIQUIDATION_INCENTIVE_BPS, writeOffIncentive } from "../../lib/pools";

const USDC = (n: number) => BigInt(Math.round(n * 1e6));
const pool = { reserves: USDC(10_000), reserveFloor: 0n, cash: USDC(1_000_000), cap: USDC(50) };

describe("writeOffIncentive (LendingPool.writeOffBadDebt's payment)", () => {
  it("is 5% of the bad debt, rounded down: nothing for dust, 5 USDC for 100, the cap for 2,000", () => {
    expect(LIQUIDATION_INCENTIVE_BPS).toBe(500n);
    expect(writeOffIncentive(19n, pool)).toBe(0n);
    expect(writeOffIncentive(20n, pool)).toBe(1n);
    expect(writeOffIncentive(USDC(100), pool)).toBe(USDC(5));
    expect(writeOffIncentive(USDC(2_000), pool)).toBe(USDC(50));
  });

  it("comes only from the reserve above its floor after covering the bad debt, and from cash", () => {
    expect(writeOffIncentive(USDC(100), { ...pool, reserveFloor: USDC(9_897) })).toBe(USDC(3));
    expect(writeOffIncentive(USDC(100), { ...pool, reserveFloor: USDC(9_900) })).toBe(0n);
    expect(writeOffIncentive(USDC(20_000), pool)).toBe(0n); // the reserve is used up covering it
    expect(writeOffIncentive(USDC(100), { ...pool, cash: USDC(2) })).toBe(USDC(2));
  });

  it("pays no more for a bad debt split into parts than for the whole", () => {
    const uncapped = { ...pool, cap: USDC(1_000_000) };
    const whole = writeOffIncentive(USDC(600), uncapped);
    let split = 0n;
    for (let i = 0; i < 20; i++) split += writeOffIncentive(USDC(30) + 19n, uncapped); // 19 wei each round away
    expect(whole).toBe(USDC(30));
    expect(split).toBe(USDC(30));
  });
});

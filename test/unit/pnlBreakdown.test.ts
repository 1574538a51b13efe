import { describe, expect, it } from "vitest";
import { Interface, type Log } from "ethers";
import fc from "fast-check";
import { decodePositionLog, type PositionEvent } from "../../lib/positionHistory";
import { borrowInterestTokens, feeIndexWad, pnlBreakdown, tradingFeesWad, type FeePoint } from "../../lib/pnlBreakdown";
import { fairLpPriceWad, lpValueWad } from "../../lib/vaultMath";
import { StakingRewardsVault__factory } from "../../typechain-types";

const WAD = 10n ** 18n;
const USDC = 10n ** 6n;
const vaultInterface = new Interface(StakingRewardsVault__factory.abi);
function log(name: string, args: unknown[], blockNumber: number): PositionEvent {
  const encoded = vaultInterface.encodeEventLog(vaultInterface.getEvent(name)!, args);
  return decodePositionLog({ topics: encoded.topics, data: encoded.data, blockNumber, index: 0, transactionHash: "0x" } as unknown as Log)!;
}
const KEEPER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

/** A history point of `lp` LP on a pair with reserves (r0 WETH, r1 USDC) and supply s, at the given prices. */
function point(lp: bigint, r0: bigint, r1: bigint, supply: bigint, price0Wad: bigint, price1Wad = WAD): FeePoint {
  const lpPrice = fairLpPriceWad(r0, r1, supply, price0Wad, price1Wad, 18, 6);
  return { lpAmount: lp, valueWad: lpValueWad(lp, lpPrice), price0Wad, price1Wad };
}

describe("profit and loss, part by part", () => {
  it("measures trading fees by the pair's fee index, which prices do not move", () => {
    const a = point(10n * WAD, 100n * WAD, 200_000n * USDC, 1_000n * WAD, 2_000n * WAD);
    // Same pair, WETH at $2,500: the index is the same (up to rounding), so no fees.
    const b = point(10n * WAD, 100n * WAD, 200_000n * USDC, 1_000n * WAD, 2_500n * WAD);
    const ia = feeIndexWad(a)!;
    const ib = feeIndexWad(b)!;
    expect(Number(ib - ia) / Number(ia)).toBeLessThan(1e-12);
    // The reserves grow 1% each with no new LP (fees): the position's LP earns 1% of its value.
    const c = point(10n * WAD, 101n * WAD, 202_000n * USDC, 1_000n * WAD, 2_000n * WAD);
    const fees = tradingFeesWad([a, c]);
    expect(Number(fees) / 1e18).toBeCloseTo(Number(a.valueWad) / 1e18 / 100, 3);
    // No LP on either side of a step: nothing earned there.
    expect(tradingFeesWad([{ ...a, lpAmount: 0n, valueWad: 0n }, c])).toBe(0n);
    expect(feeIndexWad({ lpAmount: 1n, valueWad: 1n, price0Wad: 0n, price1Wad: WAD })).toBeNull();
  });

  it("counts borrow interest as owed now + cleared - borrowed, in each token", () => {
    const events = [
      log("PositionIncreased", [1n, WAD, 0n, 0n, 2_000n * USDC, 1n, 1n, 1n], 1),
      log("DebtRepaid", [1n, 0n, 500n * USDC], 2),
      log("PositionDecreased", [1n, 1n, 0n, 100n * USDC, 0n, 0n], 3),
      log("DeleverageOrderExecuted", [1n, KEEPER, 8_500n, [false, 1n, 0n, 300n * USDC, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]], 4),
      log("PositionLiquidated", [1n, KEEPER, [true, 1n, 0n, 1_000n * USDC, 0n, 0n, 0n, 0n, 0n, 0n, 150n * USDC, 0n, 0n, 0n, 0n]], 5),
    ];
    // 500 + 100 + 300 + 1,000 + 150 written off = 2,050 cleared of 2,000 borrowed: 50 USDC of interest.
    expect(borrowInterestTokens(events, 0n, 0n)).toEqual([0n, 50n * USDC]);
    expect(borrowInterestTokens(events.slice(0, 2), 0n, 1_510n * USDC)).toEqual([0n, 10n * USDC]);
  });

  it("gives parts that add up to the total exactly", () => {
    const events = [log("PositionIncreased", [1n, 0n, 1_000n * USDC, 0n, 2_000n * USDC, 1n, 1n, 1n], 1)];
    const points = [
      point(10n * WAD, 100n * WAD, 200_000n * USDC, 1_000n * WAD, 2_000n * WAD),
      point(10n * WAD, 100_500n * 10n ** 15n, 201_000n * USDC, 1_000n * WAD, 2_000n * WAD),
      point(10n * WAD, 100_500n * 10n ** 15n, 201_000n * USDC, 1_000n * WAD, 1_900n * WAD),
    ];
    const parts = pnlBreakdown({
      totalWad: -123_456_789_012_345_678n,
      harvestValuesWad: [3n * WAD, 2n * WAD],
      points,
      events,
      debt0Now: 0n,
      debt1Now: 2_004n * USDC,
      price0Wad: 1_900n * WAD,
      price1Wad: WAD,
      decimals0: 18,
      decimals1: 6,
    });
    expect(parts.rewardsWad).toBe(5n * WAD);
    expect(parts.borrowInterestWad).toBe(-4n * WAD);
    expect(parts.tradingFeesWad).toBeGreaterThan(0n);
    expect(parts.rewardsWad + parts.tradingFeesWad + parts.borrowInterestWad + parts.priceEffectWad).toBe(parts.totalWad);
  });

  it("adds up exactly for any figures (property)", () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 30n });
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.array(amount, { maxLength: 5 }),
        fc.array(fc.record({ lp: fc.bigInt({ min: 0n, max: 10n ** 24n }), value: amount, p0: fc.bigInt({ min: 1n, max: 10n ** 24n }), p1: fc.bigInt({ min: 1n, max: 10n ** 24n }) }), { maxLength: 6 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (total, harvests, raw, borrowed, debtNow) => {
          const events = [log("PositionIncreased", [1n, 0n, 0n, borrowed, borrowed, 1n, 1n, 1n], 1)];
          const parts = pnlBreakdown({
            totalWad: total,
            harvestValuesWad: harvests,
            points: raw.map((entry) => ({ lpAmount: entry.lp, valueWad: entry.value, price0Wad: entry.p0, price1Wad: entry.p1 })),
            events,
            debt0Now: debtNow,
            debt1Now: 0n,
            price0Wad: 3n * WAD,
            price1Wad: WAD,
            decimals0: 18,
            decimals1: 6,
          });
          return parts.rewardsWad + parts.tradingFeesWad + parts.borrowInterestWad + parts.priceEffectWad === total;
        },
      ),
      { numRuns: 300 },
    );
  });
});

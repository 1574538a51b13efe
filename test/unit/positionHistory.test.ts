import { formatUsd, formatUsdWad } from "../../lib/format";
import { describe, expect, it } from "vitest";
import { Interface, type Log } from "ethers";
import {
  decodePositionLog,
  harvestShareLp,
  isClosedPosition,
  liquidationPriceView,
  ownerFlows,
  POSITION_EVENT_TOPICS,
  priceSubjectOf,
  profitAndLoss,
  safetyBufferBps,
  sampleBlocks,
  topicOf,
  type PositionEvent,
} from "../../lib/positionHistory";
import { liquidationPrices, tokenValueWad } from "../../lib/vaultMath";
import { StakingRewardsVault__factory } from "../../typechain-types";

const WAD = 10n ** 18n;
const usd = (amount: number) => BigInt(Math.round(amount * 1e6)) * 10n ** 12n;

describe("the safety buffer", () => {
  it("measure the safety buffer in basis points of debt ratio, negative past the kill factor", () => {
    expect(safetyBufferBps(8_000n, 5_881n)).toBe(2_119n);
    expect(safetyBufferBps(8_000n, 8_100n)).toBe(-100n);
  });

  it("call a position with no LP and no debt closed", () => {
    expect(isClosedPosition({ lpAmount: 0n, debt0: 0n, debt1: 0n })).toBe(true);
    expect(isClosedPosition({ lpAmount: 0n, debt0: 1n, debt1: 0n })).toBe(false);
    expect(isClosedPosition({ lpAmount: 1n, debt0: 0n, debt1: 0n })).toBe(false);
  });
});

describe("USD values", () => {
  it("value base units at a WAD price per whole token, rounded down like the vault", () => {
    expect(tokenValueWad(1_500_000n, WAD, 6)).toBe(usd(1.5));
    expect(tokenValueWad(10n ** 18n / 2n, 2_000n * WAD, 18)).toBe(1_000n * WAD);
    expect(tokenValueWad(1n, WAD / 3n, 6)).toBe(333_333_333_333n);
  });

  it("format dollars with two decimals, rounded to the cent, and a minus sign before the $", () => {
    expect(formatUsdWad(usd(1234.567))).toBe("$1,234.57");
    expect(formatUsdWad(0n)).toBe("$0.00");
    expect(formatUsdWad(-usd(12.3))).toBe("-$12.30");
    expect(formatUsdWad(4n * 10n ** 15n)).toBe("$0.00");
    expect(formatUsdWad(-4n * 10n ** 15n)).toBe("$0.00");
    expect(formatUsdWad(1_000_000n * WAD)).toBe("$1,000,000.00");
    expect(formatUsd(2075.159)).toBe("$2,075.16");
    expect(formatUsd(0.99987)).toBe("$0.9999");
    expect(formatUsd(-3.5)).toBe("-$3.5000");
  });
});

// ------------------------------------------------------------------------------------------------ events and PnL

const vaultInterface = new Interface(StakingRewardsVault__factory.abi);

function log(name: string, args: unknown[], blockNumber: number, index = 0): Log {
  const fragment = vaultInterface.getEvent(name)!;
  const encoded = vaultInterface.encodeEventLog(fragment, args);
  return { topics: encoded.topics, data: encoded.data, blockNumber, index, transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}` } as unknown as Log;
}

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/** A DeleverageOutcome in the struct's field order: whole, lpRemoved, repaid0/1, paid0/1, lpPaid, returned0/1,
 *  badDebt0/1, reserveCovered0/1, incentive0/1. */
function outcome(fields: { paid?: [bigint, bigint]; repaid?: [bigint, bigint]; returned?: [bigint, bigint]; badDebt?: [bigint, bigint] }) {
  const [paid0, paid1] = fields.paid ?? [0n, 0n];
  const [repaid0, repaid1] = fields.repaid ?? [0n, 0n];
  const [returned0, returned1] = fields.returned ?? [0n, 0n];
  const [badDebt0, badDebt1] = fields.badDebt ?? [0n, 0n];
  return [true, 1n, repaid0, repaid1, paid0, paid1, 0n, returned0, returned1, badDebt0, badDebt1, 0n, 0n, 0n, 0n];
}

describe("position events", () => {
  it("decodes every position event the vault emits, and nothing else", () => {
    const opened = decodePositionLog(log("PositionOpened", [7n, OWNER], 10));
    expect(opened).toMatchObject({ kind: "opened", positionId: 7n, owner: OWNER, blockNumber: 10 });
    const increased = decodePositionLog(log("PositionIncreased", [7n, 1n, 2n, 3n, 4n, 5n, 5n, 6n], 10, 1));
    expect(increased).toMatchObject({ kind: "increased", amount0: 1n, amount1: 2n, borrow0: 3n, borrow1: 4n, lpAdded: 5n, lpShares: 6n, logIndex: 1 });
    expect(decodePositionLog(log("DebtRepaid", [7n, 8n, 9n], 11))).toMatchObject({ kind: "repaid", repaid0: 8n, repaid1: 9n });
    expect(decodePositionLog(log("PositionDecreased", [7n, 1n, 2n, 3n, 4n, 5n], 12))).toMatchObject({ kind: "decreased", lpRemoved: 1n, returned0: 4n, returned1: 5n });
    expect(decodePositionLog(log("PositionLiquidated", [7n, OWNER, outcome({ paid: [1n, 2n], repaid: [3n, 4n], returned: [5n, 6n], badDebt: [7n, 8n] })], 13))).toMatchObject({
      kind: "liquidated",
      returned0: 5n,
      returned1: 6n,
      badDebt1: 8n,
    });
    expect(decodePositionLog(log("Harvested", [OWNER, 1n, 2n, 3n, 4n, 5n], 14))).toBeNull();
    expect(POSITION_EVENT_TOPICS).toHaveLength(11);
  });

  it("pads ids and addresses into 32-byte topics", () => {
    expect(topicOf(7n)).toBe(`0x${"0".repeat(63)}7`);
    expect(topicOf(OWNER)).toBe(`0x${"0".repeat(24)}${OWNER.slice(2).toLowerCase()}`);
  });

  it("counts collateral and wallet repayments as put in, proceeds as returned, and borrowing as neither", () => {
    const increased = decodePositionLog(log("PositionIncreased", [1n, 100n, 200n, 999n, 999n, 5n, 5n, 5n], 1))!;
    expect(ownerFlows(increased)).toEqual({ in0: 100n, in1: 200n, out0: 0n, out1: 0n });
    expect(ownerFlows(decodePositionLog(log("DebtRepaid", [1n, 3n, 4n], 2))!)).toEqual({ in0: 3n, in1: 4n, out0: 0n, out1: 0n });
    expect(ownerFlows(decodePositionLog(log("PositionDecreased", [1n, 9n, 9n, 9n, 5n, 6n], 3))!)).toEqual({ in0: 0n, in1: 0n, out0: 5n, out1: 6n });
    expect(ownerFlows(decodePositionLog(log("PositionLiquidated", [1n, OWNER, outcome({ paid: [9n, 9n], repaid: [9n, 9n], returned: [7n, 8n] })], 4))!)).toEqual({ in0: 0n, in1: 0n, out0: 7n, out1: 8n });
  });
});

describe("profitAndLoss", () => {
  // token 0: USDC (6 decimals), token 1: WETH (18 decimals)
  const events: PositionEvent[] = [
    decodePositionLog(log("PositionOpened", [1n, OWNER], 100))!,
    // 1 WETH at $2,000 in block 100
    decodePositionLog(log("PositionIncreased", [1n, 0n, WAD, 3_000_000_000n, 0n, 1n, 1n, 1n], 100, 1))!,
    // 500 USDC of debt repaid at block 200
    decodePositionLog(log("DebtRepaid", [1n, 500_000_000n, 0n], 200))!,
    // 0.5 WETH returned at block 300, when WETH was $2,400
    decodePositionLog(log("PositionDecreased", [1n, 1n, 0n, 0n, 0n, WAD / 2n], 300))!,
  ];
  const prices = new Map([
    [100, { price0Wad: WAD, price1Wad: 2_000n * WAD }],
    [200, { price0Wad: WAD, price1Wad: 1_800n * WAD }],
    [300, { price0Wad: WAD, price1Wad: 2_400n * WAD }],
  ]);

  it("is equity + returned - put in, each flow at its own block's prices", () => {
    const result = profitAndLoss(events, (block) => prices.get(block), 6, 18, usd(1_400));
    expect(result.putInWad).toBe(usd(2_500)); // $2,000 of WETH + $500 of USDC
    expect(result.returnedWad).toBe(usd(1_200)); // 0.5 WETH at $2,400
    expect(result.pnlWad).toBe(usd(100));
    expect(result.pnlFraction).toBeCloseTo(0.04, 12);
  });

  it("can be negative, and has no percentage without capital put in", () => {
    expect(profitAndLoss(events, (block) => prices.get(block), 6, 18, 0n).pnlWad).toBe(-usd(1_300));
    expect(profitAndLoss([events[0]], () => undefined, 6, 18, usd(5)).pnlFraction).toBeNull();
  });

  it("refuses to guess a price it was not given", () => {
    expect(() => profitAndLoss(events, () => undefined, 6, 18, 0n)).toThrow(/no prices for block 100/);
  });
});

describe("harvestShareLp", () => {
  it("is lpAdded x the position's shares / all shares, rounded down", () => {
    expect(harvestShareLp(1_000n, 1n, 3n)).toBe(333n);
    expect(harvestShareLp(1_000n, 3n, 3n)).toBe(1_000n);
    expect(harvestShareLp(1_000n, 0n, 0n)).toBe(0n);
  });
});

describe("sampleBlocks", () => {
  it("spreads the count evenly from the first block to the last, both included", () => {
    const blocks = sampleBlocks(100, 490, 40);
    expect(blocks).toHaveLength(40);
    expect(blocks[0]).toBe(100);
    expect(blocks[39]).toBe(490);
    expect(blocks[1] - blocks[0]).toBe(10);
  });

  it("adds every event block in range, without repeats, sorted", () => {
    const blocks = sampleBlocks(100, 490, 40, [105, 110, 105, 50, 999]);
    expect(blocks).toContain(105);
    expect(blocks).not.toContain(50);
    expect(blocks).not.toContain(999);
    expect(blocks).toHaveLength(41);
    expect([...blocks].sort((a, b) => a - b)).toEqual(blocks);
  });

  it("takes every block of a short life, and nothing of an empty range", () => {
    expect(sampleBlocks(5, 9, 40)).toEqual([5, 6, 7, 8, 9]);
    expect(sampleBlocks(5, 5, 40)).toEqual([5]);
    expect(sampleBlocks(9, 5, 40)).toEqual([]);
  });
});

describe("liquidation prices", () => {
  it("follow the pair's non-stable token in USD, or token 0 in token 1 for two stablecoins", () => {
    expect(priceSubjectOf("USDC", "WETH")).toEqual({ base: 1, inOtherToken: false });
    expect(priceSubjectOf("WETH", "USDC")).toEqual({ base: 0, inOtherToken: false });
    expect(priceSubjectOf("USDC", "USDT")).toEqual({ base: 0, inOtherToken: true });
  });

  it("swap the roles so the moving token is token 1 when WETH is the pair's token 1", () => {
    // USDC-WETH, 3,000 USDC owed, LP worth $6,000 at WETH $2,000, kill factor 80%.
    const view = liquidationPriceView(
      { valueWad: usd(6_000), debt0: 3_000_000_000n, debt1: 0n, price0Wad: WAD, price1Wad: 2_000n * WAD, decimals0: 6, decimals1: 18, killFactorBps: 8_000n },
      priceSubjectOf("USDC", "WETH"),
    );
    const direct = liquidationPrices({ lpValueWad: usd(6_000), debt0: 0, debt1: 3_000, price0: 2_000, price1: 1, killFactor: 0.8 });
    expect(view.current).toBe(2_000);
    expect(view.below).toBeCloseTo(direct.below!, 6);
    // value at p: 6000 sqrt(p / 2000); liquidated when 3000 / value = 0.8 -> p = 2000 (3000 / 0.8 / 6000)^2 = 781.25
    expect(view.below).toBeCloseTo(781.25, 6);
    expect(view.above).toBeNull();
  });

  it("quote a stable pair's price in the other token", () => {
    // USDC-USDT, 9x the equity owed in USDT, USDT at $1.0002.
    const view = liquidationPriceView(
      { valueWad: usd(10_000), debt0: 0n, debt1: 9_000_000_000n, price0Wad: WAD, price1Wad: (10_002n * WAD) / 10_000n, decimals0: 6, decimals1: 6, killFactorBps: 9_500n },
      priceSubjectOf("USDC", "USDT"),
    );
    expect(view.current).toBeCloseTo(1 / 1.0002, 9);
    expect(view.below).not.toBeNull();
    expect(view.below!).toBeLessThan(view.current);
  });
});

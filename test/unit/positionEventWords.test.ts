import { describe, expect, it } from "vitest";
import { Interface, type Log } from "ethers";
import { decodePositionLog, ownerFlows, profitAndLoss, type PositionEvent } from "../../lib/positionHistory";
import { describePositionEvent, endedBy, isPartialUnwind, tokenPair } from "../../lib/positionEventWords";
import { StakingRewardsVault__factory } from "../../typechain-types";

const WAD = 10n ** 18n;
const vaultInterface = new Interface(StakingRewardsVault__factory.abi);
const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const KEEPER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const WETH = { symbol: "WETH", decimals: 18 };
const USDC = { symbol: "USDC", decimals: 6 };

function log(name: string, args: unknown[], blockNumber: number, index = 0): Log {
  const encoded = vaultInterface.encodeEventLog(vaultInterface.getEvent(name)!, args);
  return { topics: encoded.topics, data: encoded.data, blockNumber, index, transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}` } as unknown as Log;
}

/** DeleverageOutcome in field order: whole, lpRemoved, repaid0/1, paid0/1, lpPaid, returned0/1, badDebt0/1, reserveCovered0/1, incentive0/1. */
function outcome(whole: boolean, o: { lp?: bigint; repaid?: [bigint, bigint]; paid?: [bigint, bigint]; returned?: [bigint, bigint]; badDebt?: [bigint, bigint]; covered?: [bigint, bigint] }) {
  const [r0, r1] = o.repaid ?? [0n, 0n];
  const [p0, p1] = o.paid ?? [0n, 0n];
  const [t0, t1] = o.returned ?? [0n, 0n];
  const [b0, b1] = o.badDebt ?? [0n, 0n];
  const [c0, c1] = o.covered ?? [0n, 0n];
  return [whole, o.lp ?? WAD, r0, r1, p0, p1, 0n, t0, t1, b0, b1, c0, c1, 0n, 0n];
}

const context = { token0: WETH, token1: USDC };
const decode = (name: string, args: unknown[], block = 10) => decodePositionLog(log(name, args, block))!;

describe("order and liquidation events decoded", () => {
  it("decodes set, changed, cancelled and executed orders", () => {
    const set = decode("DeleverageOrderSet", [3n, [8_500, 7_500, 30, 100], false]);
    expect(set).toMatchObject({ kind: "deleverageOrderSet", positionId: 3n, replaced: false, order: { triggerDebtRatioBps: 8_500n, targetDebtRatioBps: 7_500n, executorFeeBps: 30n, maxSlippageBps: 100n } });
    const price = decode("PriceOrderSet", [3n, [1_800n * WAD, 0n, false, 2, 10_000, 30, 100], true]);
    expect(price).toMatchObject({ kind: "priceOrderSet", replaced: true, order: { lowPriceWad: 1_800n * WAD, receiveAs: 2, fractionBps: 10_000n } });
    expect(decode("DeleverageOrderCancelled", [3n])).toMatchObject({ kind: "deleverageOrderCancelled", positionId: 3n });
    expect(decode("PriceOrderCancelled", [3n])).toMatchObject({ kind: "priceOrderCancelled" });
    const executed = decode("DeleverageOrderExecuted", [3n, KEEPER, 8_612n, outcome(false, { repaid: [0n, 400_000_000n], paid: [0n, 1_200_000n], returned: [0n, 5_000_000n] })]);
    expect(executed).toMatchObject({ kind: "deleverageOrderExecuted", executor: KEEPER, debtRatioBps: 8_612n, whole: false, repaid1: 400_000_000n, bounty1: 1_200_000n, returned1: 5_000_000n });
    const priceExecuted = decode("PriceOrderExecuted", [3n, KEEPER, 1_790n * WAD, [WAD, 0n, 900_000_000n, 0n, 3_000_000n, 0n, 1_100_000_000n]]);
    expect(priceExecuted).toMatchObject({ kind: "priceOrderExecuted", priceWad: 1_790n * WAD, repaid1: 900_000_000n, fee1: 3_000_000n, returned1: 1_100_000_000n });
    // What an executed order leaves for the owner counts as returned in the P&L.
    expect(ownerFlows(executed)).toEqual({ in0: 0n, in1: 0n, out0: 0n, out1: 5_000_000n });
    expect(ownerFlows(priceExecuted)).toEqual({ in0: 0n, in1: 0n, out0: 0n, out1: 1_100_000_000n });
    expect(ownerFlows(set)).toEqual({ in0: 0n, in1: 0n, out0: 0n, out1: 0n });
  });

  it("tells a partial liquidation from a full one", () => {
    const partial = decode("PositionLiquidated", [3n, KEEPER, outcome(false, { repaid: [0n, 1n] })]);
    const full = decode("PositionLiquidated", [3n, KEEPER, outcome(true, { repaid: [0n, 1n] })]);
    expect(partial).toMatchObject({ kind: "liquidated", whole: false });
    expect(isPartialUnwind(partial as Extract<PositionEvent, { kind: "liquidated" }>)).toBe(true);
    expect(isPartialUnwind(full as Extract<PositionEvent, { kind: "liquidated" }>)).toBe(false);
  });
});

describe("events in words", () => {
  it("says a partial liquidation with what was unwound, repaid, paid and returned", () => {
    const partial = decode("PositionLiquidated", [3n, KEEPER, outcome(false, { lp: WAD / 10n, repaid: [0n, 1_500_000_000n], paid: [0n, 25_000_000n], returned: [0n, 0n] })]);
    const words = describePositionEvent(partial, { ...context, unwoundValueWad: () => 1_600n * WAD });
    expect(words.title).toBe("Partly liquidated");
    expect(words.detail).toBe("By 0x9965…A4dc: $1,600.00 unwound (0.1 LP); debt repaid 1,500 USDC; bounty 25 USDC; returned to you nothing");
  });

  it("says a full liquidation with its bad debt and how the reserve covered it", () => {
    const full = decode("PositionLiquidated", [3n, KEEPER, outcome(true, { repaid: [0n, 900_000_000n], paid: [0n, 5_000_000n], badDebt: [0n, 40_000_000n], covered: [0n, 40_000_000n] })]);
    const words = describePositionEvent(full, context);
    expect(words.title).toBe("Liquidated in full");
    expect(words.detail).toMatch(/1 LP unwound; debt repaid 900 USDC; bounty 5 USDC; returned to you nothing; bad debt written off 40 USDC \(the pools' reserves covered 40 USDC\)$/);
  });

  it("says orders set, changed, cancelled and executed", () => {
    expect(describePositionEvent(decode("DeleverageOrderSet", [3n, [8_500, 7_500, 30, 100], false]), context)).toEqual({
      title: "Deleverage order set",
      detail: "Deleverage: when the debt ratio reaches 85%, close enough to return to 75%; executor fee up to 0.30%; swaps may lose up to 1.00% against the oracle",
    });
    expect(describePositionEvent(decode("DeleverageOrderSet", [3n, [8_000, 7_000, 30, 100], true]), context).title).toBe("Deleverage order changed");
    expect(describePositionEvent(decode("PriceOrderSet", [3n, [1_800n * WAD, 0n, false, 2, 10_000, 30, 100], false]), context).detail).toMatch(
      /^Stop-loss: when WETH is at or below \$1,800, close 100% into USDC/,
    );
    expect(describePositionEvent(decode("DeleverageOrderCancelled", [3n]), context).title).toBe("Deleverage order cancelled");
    expect(describePositionEvent(decode("PriceOrderCancelled", [3n]), context).title).toBe("Price order cancelled");
    const executed = describePositionEvent(decode("DeleverageOrderExecuted", [3n, KEEPER, 8_612n, outcome(false, { repaid: [0n, 400_000_000n], paid: [0n, 1_200_000n], returned: [0n, 0n] })]), context);
    expect(executed.title).toBe("Deleverage order executed");
    expect(executed.detail).toMatch(/^By 0x9965…A4dc at a 86.12% debt ratio: 1 LP unwound; debt repaid 400 USDC; executor fee 1.2 USDC; returned to you nothing$/);
    const priceExecuted = describePositionEvent(decode("PriceOrderExecuted", [3n, KEEPER, 1_790n * WAD, [WAD, 0n, 900_000_000n, 0n, 3_000_000n, 0n, 1_100_000_000n]]), context);
    expect(priceExecuted.detail).toBe("By 0x9965…A4dc at $1,790: unwound 1 LP; debt repaid 900 USDC; executor fee 3 USDC; returned to you 1,100 USDC");
  });

  it("says borrowing more apart from adding collateral", () => {
    expect(describePositionEvent(decode("PositionIncreased", [3n, 0n, 0n, 0n, 500_000_000n, WAD, WAD, WAD]), context)).toEqual({
      title: "Borrowed more",
      detail: "Borrowed 500 USDC; 1 LP added",
    });
    expect(describePositionEvent(decode("PositionIncreased", [3n, WAD, 0n, 0n, 0n, WAD, WAD, WAD]), context).title).toBe("Collateral added");
    expect(tokenPair(0n, 0n, WETH, USDC)).toBe("nothing");
  });

  it("says how a closed position ended", () => {
    const opened = decode("PositionOpened", [3n, OWNER]);
    expect(endedBy([opened, decode("PositionLiquidated", [3n, KEEPER, outcome(true, {})])])).toBe("Liquidated in full");
    expect(endedBy([opened, decode("PositionDecreased", [3n, 1n, 0n, 0n, 0n, 1n])])).toBe("Closed by you");
    expect(endedBy([opened, decode("PriceOrderExecuted", [3n, KEEPER, WAD, [WAD, 0n, 0n, 0n, 0n, 0n, 1n]])])).toBe("Price order");
  });

  it("counts an executed order's proceeds in the profit and loss", () => {
    const events = [
      decode("PositionIncreased", [3n, 0n, 1_000_000_000n, 0n, 0n, WAD, WAD, WAD], 1),
      decode("PriceOrderExecuted", [3n, KEEPER, WAD, [WAD, 0n, 0n, 0n, 0n, 0n, 1_100_000_000n]], 2),
    ];
    const pnl = profitAndLoss(events, () => ({ price0Wad: 2_000n * WAD, price1Wad: WAD }), 18, 6, 0n);
    expect(pnl.pnlWad).toBe(100n * WAD);
  });
});

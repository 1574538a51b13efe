import { describe, expect, it } from "vitest";
import { Interface } from "ethers";
import {
  describeRevertData,
  harvestMinimumOut,
  liquidationBountyWad,
  rankLiquidations,
  selectFromPage,
  shouldLiquidate,
  type KeeperPageRow,
  type LiquidationProceeds,
} from "../../lib/keeper";

const WAD = 10n ** 18n;
const usd = (amount: number) => BigInt(Math.round(amount * 1e6)) * 10n ** 12n;
const NO_ORDERS = { deleverage: { triggerDebtRatioBps: 0n }, price: { lowPriceWad: 0n, highPriceWad: 0n, priceOfToken1: false } };
const VALUED = { valued: true, price0Refused: false, price1Refused: false, reason: "" };

function row(id: number, value: number, debt: number, options: Partial<{ liquidatable: boolean; lpShares: bigint; status: KeeperPageRow["status"]; orders: KeeperPageRow["orders"] }> = {}): KeeperPageRow {
  const valueWad = usd(value);
  const debtValueWad = usd(debt);
  return {
    view: {
      positionId: BigInt(id),
      valueWad,
      debtValueWad,
      debtRatioBps: valueWad === 0n ? 0n : (debtValueWad * 10_000n + valueWad - 1n) / valueWad,
      liquidatable: options.liquidatable ?? false,
      lpShares: options.lpShares ?? 1_000n,
    },
    orders: options.orders ?? NO_ORDERS,
    status: options.status ?? VALUED,
  };
}

describe("selectFromPage: one refused price holds only the positions that need it", () => {
  it("liquidates valued positions past the kill factor, keeps set orders of the others, and holds unvalued ones with the token and reason", () => {
    const stale = "StalePrice(0xWETH, 1700000000, 259200)";
    const selection = selectFromPage(
      [
        row(1, 1_000, 960, { liquidatable: true }),
        row(2, 0, 0, { lpShares: 0n }), // closed
        row(3, 0, 0, { status: { valued: false, price0Refused: true, price1Refused: false, reason: stale } }),
        row(4, 2_000, 1_000, { orders: { ...NO_ORDERS, deleverage: { triggerDebtRatioBps: 7_000n } } }),
        row(5, 2_000, 1_000), // healthy, no orders
        row(6, 0, 0, { status: { valued: false, price0Refused: true, price1Refused: true, reason: stale } }),
        row(7, 0, 0, { status: { valued: false, price0Refused: false, price1Refused: false, reason: "the lens cannot read it: UnknownPosition(7)" } }),
      ],
      ["WETH", "USDC"],
    );
    expect(selection.openPositions).toBe(6);
    expect(selection.liquidatable.map((view) => view.positionId)).toEqual([1n]);
    expect(selection.orders.map((order) => order.positionId)).toEqual([4n]);
    expect(selection.unvalued).toEqual([
      { positionId: 3n, refusedTokens: ["WETH"], reason: stale },
      { positionId: 6n, refusedTokens: ["WETH", "USDC"], reason: stale },
      { positionId: 7n, refusedTokens: [], reason: "the lens cannot read it: UnknownPosition(7)" },
    ]);
  });

  it("never liquidates an unvalued position, even one the lens marked liquidatable", () => {
    const selection = selectFromPage([row(1, 1_000, 990, { liquidatable: true, status: { valued: false, price0Refused: false, price1Refused: true, reason: "x" } })], ["USDC", "USDT"]);
    expect(selection.liquidatable).toEqual([]);
    expect(selection.unvalued[0].refusedTokens).toEqual(["USDT"]);
  });
});

describe("describeRevertData", () => {
  const oracle = { interface: new Interface(["error StalePrice(address token, uint256 updatedAt, uint256 maxStalenessSeconds)"]) };
  it("names the oracle's error with its numbers, and says so when there is no reason or an unknown one", () => {
    const data = oracle.interface.encodeErrorResult("StalePrice", ["0x00000000000000000000000000000000000000aa", 1_700_000_000n, 259_200n]);
    expect(describeRevertData(data, oracle)).toBe("StalePrice(0x00000000000000000000000000000000000000AA, 1700000000, 259200)");
    expect(describeRevertData("0x", oracle)).toBe("reverted without a reason");
    expect(describeRevertData("0x12345678", oracle)).toBe("reverted with data 0x12345678");
  });
});

describe("the liquidation's gas against its bounty", () => {
  const none: LiquidationProceeds = { paid0: 0n, paid1: 0n, incentive0: 0n, incentive1: 0n, lpPaid: 0n, repaid0: 0n, repaid1: 0n, returned0: 0n, returned1: 0n };
  // WETH (18 decimals) at $1,350 and USDC (6) at $1.
  const prices = { price0Wad: 1_350n * WAD, price1Wad: WAD, decimals0: 18, decimals1: 6 };

  it("values the bounty paid in tokens and the reserves' incentive at oracle prices, to the wei, rounded down", () => {
    // 0.02 WETH ($27) + 33.787933 USDC + a 5 USDC incentive = $65.787933.
    const bounty = liquidationBountyWad({ ...none, paid0: 2n * 10n ** 16n, paid1: 33_787_933n, incentive1: 5_000_000n }, prices);
    expect(bounty).toBe(65_787_933n * 10n ** 12n);
    // One wei of WETH is worth 1,350 x 10^-18 USD: 1350 wei of USD WAD.
    expect(liquidationBountyWad({ ...none, paid0: 1n }, prices)).toBe(1_350n);
  });

  it("by repayment: the LP taken less what the liquidator brought (rounded up), never below zero", () => {
    // 10 LP at $100 = $1,000, for 600 USDC repaid and 0.2 WETH ($270) returned to the owner: $130 gained.
    const byRepayment = { ...none, lpPaid: 10n * WAD, repaid1: 600_000_000n, returned0: 2n * 10n ** 17n };
    expect(liquidationBountyWad(byRepayment, { ...prices, lpPriceWad: 100n * WAD })).toBe(130n * WAD);
    expect(liquidationBountyWad(byRepayment, { ...prices, lpPriceWad: 80n * WAD })).toBe(0n);
    expect(() => liquidationBountyWad(byRepayment, prices)).toThrow(/needs the LP price/);
  });

  it("liquidates when the bounty pays the gas times the margin, at that amount exactly; declines below with both numbers", () => {
    expect(shouldLiquidate({ bountyUsd: 10, gasCostUsd: 5, marginMultiplier: 2 })).toMatchObject({ liquidate: true, thresholdUsd: 10 });
    const declined = shouldLiquidate({ bountyUsd: 9.99, gasCostUsd: 5, marginMultiplier: 2 });
    expect(declined).toMatchObject({ liquidate: false, thresholdUsd: 10 });
    expect(declined.reason).toBe("declined: the bounty $9.99 does not pay the gas $5 times the margin 2; anyone may still liquidate it");
    // The crash replay at 300 gwei: a $5.92 bounty against $10.96 of gas.
    expect(shouldLiquidate({ bountyUsd: 5.92, gasCostUsd: 10.96, marginMultiplier: 1 }).liquidate).toBe(false);
    expect(shouldLiquidate({ bountyUsd: 0, gasCostUsd: 1_000, marginMultiplier: 0 }).liquidate).toBe(true);
    expect(() => shouldLiquidate({ bountyUsd: 1, gasCostUsd: 1, marginMultiplier: -1 })).toThrow(/at least 0/);
    expect(() => shouldLiquidate({ bountyUsd: 1, gasCostUsd: 1, marginMultiplier: Number.NaN })).toThrow(/at least 0/);
  });
});

describe("rankLiquidations when the debt-ratio order and the shortfall order disagree", () => {
  it("puts the larger shortfall first though its debt ratio is lower", () => {
    const ranked = rankLiquidations([
      row(1, 100, 200, { liquidatable: true }).view, // $100 short, 200%
      row(2, 10_000, 10_500, { liquidatable: true }).view, // $500 short, 105%
      row(3, 1_000, 990, { liquidatable: true }).view, // no shortfall, 99%
      row(4, 1_000, 960, { liquidatable: true }).view, // no shortfall, 96%
    ]);
    expect(ranked.map((view) => Number(view.positionId))).toEqual([2, 1, 3, 4]);
  });
});

describe("harvestMinimumOut", () => {
  it("takes the tolerance off what the sale returns now, rounded up", () => {
    expect(harvestMinimumOut(1_000_000n, 50)).toBe(995_000n);
    // 1001 x 0.995 = 995.995: rounded up to 996.
    expect(harvestMinimumOut(1_001n, 50)).toBe(996n);
    expect(harvestMinimumOut(1_000_000n, 0)).toBe(1_000_000n);
    expect(harvestMinimumOut(0n, 50)).toBe(0n);
    expect(() => harvestMinimumOut(1n, 10_000)).toThrow(/0 to 9999/);
  });
});

describe("the keeper's --bounty-gas-margin", () => {
  it("defaults to 1, takes 0 (weigh nothing) and any larger number, and refuses the rest", async () => {
    const { parseArguments } = await import("../../scripts/keeper");
    const NO_ENV = {} as NodeJS.ProcessEnv;
    expect(parseArguments([], NO_ENV).bountyGasMarginMultiplier).toBe(1);
    expect(parseArguments(["--bounty-gas-margin", "0"], NO_ENV).bountyGasMarginMultiplier).toBe(0);
    expect(parseArguments(["--bounty-gas-margin", "2.5"], NO_ENV).bountyGasMarginMultiplier).toBe(2.5);
    expect(() => parseArguments(["--bounty-gas-margin", "-1"], NO_ENV)).toThrow(/at least 0/);
    expect(() => parseArguments(["--bounty-gas-margin", "lots"], NO_ENV)).toThrow(/at least 0/);
  });
});

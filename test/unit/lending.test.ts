import { describe, expect, it } from "vitest";
import { checkDeposit, checkWithdrawal, planWithdrawal, withdrawableNow } from "../../lib/lending";

const USDC = 1_000_000n;
const WETH = 10n ** 18n;

describe("withdrawableNow", () => {
  it("is the whole deposit while the pool holds enough cash", () => {
    expect(withdrawableNow({ suppliedAssets: 1_000_000_004n, cash: 2_000_000n * USDC })).toEqual({
      amount: 1_000_000_004n,
      limitedByCash: false,
    });
  });

  it("is the pool's cash when most of the deposit is lent out", () => {
    expect(withdrawableNow({ suppliedAssets: 1_000n * USDC, cash: 250n * USDC })).toEqual({
      amount: 250n * USDC,
      limitedByCash: true,
    });
  });

  it("is the deposit when cash equals it exactly", () => {
    expect(withdrawableNow({ suppliedAssets: 5n * WETH, cash: 5n * WETH })).toEqual({ amount: 5n * WETH, limitedByCash: false });
  });
});

describe("checkDeposit", () => {
  const limits = { symbol: "USDC", decimals: 6, walletBalance: 10_000n * USDC, depositsPaused: false };

  it("takes an amount the wallet holds, in base units", () => {
    expect(checkDeposit("1,000.00", limits)).toEqual({ amount: 1_000n * USDC, error: null });
    // "1,5" is one and a half with a decimal comma, never fifteen (lib/amountInput.ts).
    expect(checkDeposit("1,5", limits)).toEqual({ amount: 1_500_000n, error: null });
    expect(checkDeposit("10000", limits)).toEqual({ amount: 10_000n * USDC, error: null });
    expect(checkDeposit("0.000001", limits)).toEqual({ amount: 1n, error: null });
  });

  it("refuses empty, letters and more than the wallet holds", () => {
    expect(checkDeposit("", limits).error).toBe("Enter an amount.");
    expect(checkDeposit("abc", limits).error).toBe('"abc" is not a number.');
    expect(checkDeposit("10000.000001", limits).error).toBe("More than your wallet holds (10,000 USDC).");
  });

  it("says deposits are paused whatever the amount", () => {
    expect(checkDeposit("1", { ...limits, depositsPaused: true }).error).toBe(
      "Deposits to this pool are paused by its guardian. Withdrawals still work.",
    );
  });
});

describe("checkWithdrawal", () => {
  const limits = { symbol: "USDC", decimals: 6, suppliedAssets: 1_000_000_004n, cash: 2_000_000n * USDC };

  it("takes up to the deposit", () => {
    expect(checkWithdrawal("400", limits)).toEqual({ amount: 400n * USDC, error: null });
    expect(checkWithdrawal("1000.000004", limits)).toEqual({ amount: 1_000_000_004n, error: null });
  });

  it("refuses more than supplied, naming the deposit", () => {
    expect(checkWithdrawal("1000.000005", limits).error).toBe("More than you have supplied (1,000.000004 USDC).");
  });

  it("refuses more than the pool's cash, saying the rest is lent out", () => {
    const lentOut = { ...limits, suppliedAssets: 1_000n * USDC, cash: 250_500_000n };
    expect(checkWithdrawal("300", lentOut).error).toBe(
      "The pool has only 250.5 USDC available; the rest is lent out. Withdraw less or wait for borrowers to repay.",
    );
    expect(checkWithdrawal("250.5", lentOut)).toEqual({ amount: 250_500_000n, error: null });
  });

  it("says so when nothing is supplied", () => {
    expect(checkWithdrawal("1", { ...limits, suppliedAssets: 0n }).error).toBe("You have no USDC supplied to this pool.");
    expect(checkWithdrawal("", { ...limits, suppliedAssets: 0n }).error).toBe("Enter an amount.");
  });

  it("refuses letters and too many decimals", () => {
    expect(checkWithdrawal("4OO", limits).error).toBe('"4OO" is not a number.');
    expect(checkWithdrawal("1.0000001", limits).error).toBe("USDC has 6 decimals; use at most 6 digits after the point.");
  });
});

describe("planWithdrawal", () => {
  // 999.99 fUSDC worth 1,000.000004 USDC after some interest.
  const position = { shares: 999_990_000n, suppliedAssets: 1_000_000_004n, cash: 2_000_000n * USDC };

  it("withdraws a part as asked", () => {
    expect(planWithdrawal(400n * USDC, position, false)).toEqual({ method: "withdraw", assets: 400n * USDC });
  });

  it("redeems every fToken for Max, even after interest has grown the deposit past the field", () => {
    expect(planWithdrawal(1_000n * USDC, position, true)).toEqual({ method: "redeem", shares: 999_990_000n });
  });

  it("redeems every fToken when the whole deposit is typed in", () => {
    expect(planWithdrawal(1_000_000_004n, position, false)).toEqual({ method: "redeem", shares: 999_990_000n });
  });

  it("withdraws only the cash when the pool cannot pay out the whole deposit", () => {
    const lentOut = { ...position, cash: 250n * USDC };
    expect(planWithdrawal(250n * USDC, lentOut, true)).toEqual({ method: "withdraw", assets: 250n * USDC });
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closeMinimums, partRoundedUp, previewClose, ReceiveAs, withSlippage, type ClosePreviewInput } from "../../lib/closePreview";
import { getAmountIn, getAmountOut } from "../../lib/vaultMath";

const WAD = 10n ** 18n;
const usd = (amount: number) => BigInt(Math.round(amount * 1e6));

/**
 * A stable pair of 2,000,000 USDC / 2,000,000 USDT (6 decimals each), LP supply sqrt(r0 r1), and a vault that holds
 * 10% of it: the position owns half of the vault's shares.
 */
function stableState(overrides: Partial<ClosePreviewInput> = {}): ClosePreviewInput {
  const reserve = usd(2_000_000);
  return {
    lpShares: 100_000_000_000n,
    debtShares0: 0n,
    debtShares1: usd(8_000),
    totalLp: 200_000_000_000n,
    totalLpShares: 200_000_000_000n,
    reserve0: reserve,
    reserve1: reserve,
    pairTotalSupply: 2_000_000_000_000n,
    borrowIndex0: WAD,
    borrowIndex1: WAD,
    fractionBps: 10_000n,
    receiveAs: ReceiveAs.BothTokens,
    ...overrides,
  };
}

describe("previewClose", () => {
  it("matches the Solidity enum's values", () => {
    expect([ReceiveAs.BothTokens, ReceiveAs.Token0, ReceiveAs.Token1]).toEqual([0, 1, 2]);
  });

  it("unwinds the position's LP pro rata and buys only the token the debt is short of", () => {
    // The position's LP: 100e9 shares of 200e9 on 200e9 LP = 100e9 LP = 5% of the pair: 100,000 of each token.
    const preview = previewClose(stableState());
    expect(preview.lpRemoved).toBe(100_000_000_000n);
    expect(preview.burned0).toBe(usd(100_000));
    expect(preview.burned1).toBe(usd(100_000));
    // Owes 8,000 USDT, holds 100,000: no swap, both tokens come back.
    expect(preview.owed1).toBe(usd(8_000));
    expect(preview.repaid1).toBe(usd(8_000));
    expect(preview.amount0).toBe(usd(100_000));
    expect(preview.amount1).toBe(usd(92_000));
    expect(preview.reserve0After).toBe(usd(1_900_000));
    expect(preview.insufficientProceeds).toBe(false);
  });

  it("when one token's proceeds fall short, buys exactly the shortfall at the post-burn reserves (getAmountIn)", () => {
    const preview = previewClose(stableState({ debtShares1: usd(130_000) }));
    const reserve0 = usd(1_900_000);
    const reserve1 = usd(1_900_000);
    const shortfall = usd(30_000);
    const paid = getAmountIn(shortfall, reserve0, reserve1);
    expect(preview.repaid1).toBe(usd(130_000));
    expect(preview.amount1).toBe(0n);
    expect(preview.amount0).toBe(usd(100_000) - paid);
    expect(preview.reserve0After).toBe(reserve0 + paid);
    expect(preview.reserve1After).toBe(reserve1 - shortfall);
  });

  it("converts the rest to one token at the reserves the repayment swap left", () => {
    const both = previewClose(stableState({ debtShares1: usd(130_000) }));
    const token1 = previewClose(stableState({ debtShares1: usd(130_000), receiveAs: ReceiveAs.Token1 }));
    expect(token1.amount0).toBe(0n);
    expect(token1.amount1).toBe(getAmountOut(both.amount0, both.reserve0After, both.reserve1After));
    const token0 = previewClose(stableState({ receiveAs: ReceiveAs.Token0 }));
    expect(token0.amount1).toBe(0n);
    expect(token0.amount0).toBe(usd(100_000) + getAmountOut(usd(92_000), usd(1_900_000), usd(1_900_000)));
  });

  it("closes a fraction: LP shares rounded down, debt shares rounded up, debt valued at the borrow index rounded up", () => {
    const index = WAD + WAD / 7n; // 1.142857... : interest has accrued
    const preview = previewClose(stableState({ fractionBps: 3_333n, debtShares0: 1_000_001n, borrowIndex0: index, lpShares: 99_999_999_999n }));
    expect(preview.lpShares).toBe((99_999_999_999n * 3_333n) / 10_000n);
    expect(preview.debtShares0).toBe(partRoundedUp(1_000_001n, 3_333n));
    expect(preview.debtShares0).toBe((1_000_001n * 3_333n + 9_999n) / 10_000n);
    const product = preview.debtShares0 * index;
    expect(preview.owed0).toBe((product - 1n) / WAD + 1n);
  });

  it("says when the proceeds cannot repay the debt (the vault reverts with InsufficientProceeds)", () => {
    const preview = previewClose(stableState({ debtShares1: usd(250_000) }));
    expect(preview.insufficientProceeds).toBe(true);
    expect(preview.amount0).toBe(0n);
    expect(preview.amount1).toBe(0n);
    expect(preview.repaid1).toBe(0n);
  });

  it("counts the protocol fee the pair mints before a burn when the factory's feeTo is set", () => {
    // kLast below the current k: the pair has earned fees since the last liquidity event.
    const kLast = (usd(2_000_000) - usd(2_000)) ** 2n;
    const withFee = previewClose(stableState({ protocolFee: { kLast } }));
    const without = previewClose(stableState());
    expect(withFee.burned0).toBeLessThan(without.burned0);
    const rootK = usd(2_000_000);
    const rootKLast = usd(2_000_000) - usd(2_000);
    const minted = (2_000_000_000_000n * (rootK - rootKLast)) / (rootK * 5n + rootKLast);
    expect(withFee.burned0).toBe((100_000_000_000n * usd(2_000_000)) / (2_000_000_000_000n + minted));
  });

  it("flags a part too small to burn (the pair refuses a burn that returns zero of a token)", () => {
    const preview = previewClose(stableState({ lpShares: 10n, totalLp: 10n, totalLpShares: 10n, debtShares1: 0n, fractionBps: 1n }));
    expect(preview.lpRemoved).toBe(0n);
    const tiny = previewClose(stableState({ lpShares: 5n, totalLp: 5n, totalLpShares: 5n, debtShares1: 0n, reserve0: 10n ** 6n, pairTotalSupply: 10n ** 12n }));
    expect(tiny.burnTooSmall).toBe(true);
  });

  it("refuses fractions outside 1-10000 bps", () => {
    expect(() => previewClose(stableState({ fractionBps: 0n }))).toThrow(/outside/);
    expect(() => previewClose(stableState({ fractionBps: 10_001n }))).toThrow(/outside/);
  });

  it("never returns more value than the closed part of the pool holds, and conserves the pair's tokens", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.constantFrom(ReceiveAs.BothTokens, ReceiveAs.Token0, ReceiveAs.Token1),
        fc.bigInt({ min: 0n, max: usd(60_000) }),
        fc.bigInt({ min: 0n, max: usd(60_000) }),
        (fractionBps, receiveAs, debt0, debt1) => {
          const input = stableState({ fractionBps, receiveAs, debtShares0: debt0, debtShares1: debt1 });
          const preview = previewClose(input);
          if (preview.insufficientProceeds) return;
          // Tokens out of the pair = what the owner receives + what repaid the debts.
          const out0 = input.reserve0 - preview.reserve0After;
          const out1 = input.reserve1 - preview.reserve1After;
          expect(out0 + out1).toBe(preview.amount0 + preview.amount1 + preview.repaid0 + preview.repaid1);
          expect(out0 + out1).toBeLessThanOrEqual(preview.burned0 + preview.burned1);
          if (receiveAs === ReceiveAs.Token0) expect(preview.amount1).toBe(0n);
          if (receiveAs === ReceiveAs.Token1) expect(preview.amount0).toBe(0n);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("slippage minimums", () => {
  it("takes the tolerance off each amount, rounded down", () => {
    expect(withSlippage(1_000_000n, 50n)).toBe(995_000n);
    expect(withSlippage(1_999n, 50n)).toBe(1_989n); // 1,989.005 rounds down
    expect(withSlippage(123n, 0n)).toBe(123n);
    expect(() => withSlippage(1n, 10_000n)).toThrow();
  });

  it("sets no minimum for the token the owner does not receive", () => {
    const preview = previewClose(stableState({ receiveAs: ReceiveAs.Token0 }));
    const { minAmount0, minAmount1 } = closeMinimums(preview, 50n);
    expect(minAmount1).toBe(0n);
    expect(minAmount0).toBe((preview.amount0 * 9_950n) / 10_000n);
  });
});

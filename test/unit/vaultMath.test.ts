import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aprToApy, WAD } from "../../lib/math";
import {
  aprAtLeverage,
  apyAtLeverage,
  debtRatioBps,
  fairLpPriceWad,
  getAmountIn,
  getAmountOut,
  isLiquidatable,
  leverageWad,
  liquidationPrices,
  lpValueWad,
  maxDebtForWorkFactor,
  optimalSwapAmount,
  simulateZap,
  sqrt,
  tokenValueWad,
  tokenValueWadUp,
  UNBACKED_DEBT_RATIO_BPS,
  UNISWAP_V2_FEE_DENOMINATOR,
  UNISWAP_V2_FEE_NUMERATOR,
} from "../../lib/vaultMath";

const ether = (amount: number) => BigInt(amount) * WAD;
const usdc = (amount: number) => BigInt(amount) * 10n ** 6n;

/** |a - b| / max(|a|, |b|), from bigints too large for a number to hold exactly. */
function relativeDifference(a: bigint, b: bigint): number {
  const absolute = (value: bigint) => (value < 0n ? -value : value);
  const larger = absolute(a) > absolute(b) ? absolute(a) : absolute(b);
  return larger === 0n ? 0 : Number((absolute(a - b) * WAD) / larger) / 1e18;
}

function expectFloorSquareRoot(value: bigint) {
  const root = sqrt(value);
  expect(root * root <= value).toBe(true);
  expect((root + 1n) * (root + 1n) > value).toBe(true);
}

describe("sqrt", () => {
  it("is exact on perfect squares", () => {
    expect(sqrt(0n)).toBe(0n);
    expect(sqrt(1n)).toBe(1n);
    expect(sqrt(4n)).toBe(2n);
    expect(sqrt(144n)).toBe(12n);
    expect(sqrt(10n ** 36n)).toBe(10n ** 18n);
    expect(sqrt(2n ** 200n)).toBe(2n ** 100n);
    expect(sqrt((2n ** 128n - 1n) ** 2n)).toBe(2n ** 128n - 1n);
  });

  it("rounds non-squares down", () => {
    expect(sqrt(2n)).toBe(1n);
    expect(sqrt(3n)).toBe(1n);
    expect(sqrt(8n)).toBe(2n);
    expect(sqrt(99n)).toBe(9n);
    expect(sqrt(10n ** 36n - 1n)).toBe(10n ** 18n - 1n);
    expect(sqrt(2n ** 200n - 1n)).toBe(2n ** 100n - 1n);
  });

  it("brackets the root of 2^200-sized and 256-bit values", () => {
    for (const value of [2n ** 201n, 2n ** 200n + 1n, 3n ** 127n + 12_345n, 7n ** 72n - 1n, 2n ** 256n - 1n]) {
      expectFloorSquareRoot(value);
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (value) => expectFloorSquareRoot(value)),
      { numRuns: 500 },
    );
  });

  it("refuses negative numbers", () => {
    expect(() => sqrt(-1n)).toThrow(/negative/);
  });
});

describe("Uniswap V2 swap quotes", () => {
  it("keeps 997/1000 of the input as the fee", () => {
    expect(UNISWAP_V2_FEE_NUMERATOR).toBe(997n);
    expect(UNISWAP_V2_FEE_DENOMINATOR).toBe(1000n);
  });

  it("matches hand-computed outputs, rounded down", () => {
    // 1000 * 997 * 1e6 / (1e6 * 1000 + 1000 * 997) = 996.0069...
    expect(getAmountOut(1_000n, 1_000_000n, 1_000_000n)).toBe(996n);
    // 1 ETH into 100 ETH / 200,000 USDC: 997e18 * 2e11 / (1e23 + 997e18) = 1,974.316068 79... USDC.
    expect(getAmountOut(ether(1), ether(100), usdc(200_000))).toBe(1_974_316_068n);
    expect(getAmountOut(0n, ether(100), usdc(200_000))).toBe(0n);
  });

  it("quotes the input for an output rounded up, so it always buys at least that output", () => {
    // 1e6 * 996 * 1000 / ((1e6 - 996) * 997) = 999.99..., rounded down then + 1.
    expect(getAmountIn(996n, 1_000_000n, 1_000_000n)).toBe(1_000n);
    const wanted = usdc(1_974);
    const input = getAmountIn(wanted, ether(100), usdc(200_000));
    expect(getAmountOut(input, ether(100), usdc(200_000))).toBeGreaterThanOrEqual(wanted);
    expect(getAmountOut(input - 1n, ether(100), usdc(200_000))).toBeLessThan(wanted);
  });

  it("refuses an empty pair", () => {
    expect(() => getAmountOut(1n, 0n, 1n)).toThrow(/no liquidity/);
    expect(() => getAmountIn(1n, 1n, 0n)).toThrow(/no liquidity/);
  });
});

/**
 * Swaps as optimalSwapAmount says, then returns how far the remaining amounts are from the pair's new ratio
 * (relative), and the swap, so a test can also check its direction.
 */
function mismatchAfterOptimalSwap(amountA: bigint, amountB: bigint, reserveA: bigint, reserveB: bigint) {
  const { swapAmount, swapAtoB } = optimalSwapAmount(amountA, amountB, reserveA, reserveB);
  // Signed changes to the depositor's amounts; the reserves move the opposite way.
  let changeA: bigint;
  let changeB: bigint;
  if (swapAtoB) {
    changeA = -swapAmount;
    changeB = getAmountOut(swapAmount, reserveA, reserveB);
  } else {
    changeA = getAmountOut(swapAmount, reserveB, reserveA);
    changeB = -swapAmount;
  }
  const [remainingA, remainingB] = [amountA + changeA, amountB + changeB];
  const [newReserveA, newReserveB] = [reserveA - changeA, reserveB - changeB];
  // remainingA / remainingB = newReserveA / newReserveB, cross-multiplied to stay in integers.
  const mismatch = relativeDifference(remainingA * newReserveB, remainingB * newReserveA);
  return { mismatch, swapAmount, swapAtoB };
}

describe("optimalSwapAmount", () => {
  // 1,000 ETH / 2,000,000 USDC: $2,000 an ether.
  const reserveEther = ether(1_000);
  const reserveUsdc = usdc(2_000_000);

  it("swaps a little under half of a one-sided token A deposit", () => {
    const result = mismatchAfterOptimalSwap(ether(10), 0n, reserveEther, reserveUsdc);
    expect(result.swapAtoB).toBe(true);
    expect(result.mismatch).toBeLessThan(1e-6);
    // The swap leaves the pool holding more ether per USDC, so the deposit needs a little more ether than half.
    expect(result.swapAmount).toBeGreaterThan(ether(49) / 10n);
    expect(result.swapAmount).toBeLessThan(ether(5));
  });

  it("swaps a one-sided token B deposit towards A", () => {
    const result = mismatchAfterOptimalSwap(0n, usdc(50_000), reserveEther, reserveUsdc);
    expect(result.swapAtoB).toBe(false);
    expect(result.mismatch).toBeLessThan(1e-6);
  });

  it("swaps only the excess when both sides are imbalanced, in either direction", () => {
    // In the pool's ratio 10 ETH goes with 20,000 USDC: here A is in excess, then B.
    const excessA = mismatchAfterOptimalSwap(ether(10), usdc(5_000), reserveEther, reserveUsdc);
    expect(excessA.swapAtoB).toBe(true);
    expect(excessA.mismatch).toBeLessThan(1e-6);
    expect(excessA.swapAmount).toBeLessThan(ether(5));

    const excessB = mismatchAfterOptimalSwap(ether(1), usdc(10_000), reserveEther, reserveUsdc);
    expect(excessB.swapAtoB).toBe(false);
    expect(excessB.mismatch).toBeLessThan(1e-6);
    expect(excessB.swapAmount).toBeLessThan(usdc(4_000));
  });

  it("swaps nothing when the amounts are already in the pool's ratio", () => {
    expect(optimalSwapAmount(ether(10), usdc(20_000), reserveEther, reserveUsdc)).toEqual({
      swapAmount: 0n,
      swapAtoB: true,
    });
  });

  it("holds for amounts tiny and huge against the reserves", () => {
    const deepReserve = ether(1_000_000_000);
    // A trillionth of the pool, on each side in turn.
    expect(mismatchAfterOptimalSwap(10n ** 15n, 0n, deepReserve, deepReserve * 3n).mismatch).toBeLessThan(1e-6);
    expect(mismatchAfterOptimalSwap(0n, 10n ** 15n, deepReserve, deepReserve * 3n).mismatch).toBeLessThan(1e-6);
    // A million times the pool.
    const hugeEther = mismatchAfterOptimalSwap(ether(1_000_000_000), 0n, reserveEther, reserveUsdc);
    expect(hugeEther.mismatch).toBeLessThan(1e-6);
    const hugeUsdc = mismatchAfterOptimalSwap(ether(3), usdc(2_000_000_000_000), reserveEther, reserveUsdc);
    expect(hugeUsdc.mismatch).toBeLessThan(1e-6);
  });

  it("holds for arbitrary pools and deposits", () => {
    // Reserves deep enough, and deposits large enough, that a wei of rounding is far below 1e-6 of what is left.
    const amount = fc.bigInt({ min: 10n ** 21n, max: 10n ** 33n });
    fc.assert(
      fc.property(amount, amount, amount, amount, (reserveA, reserveB, depositA, depositB) => {
        expect(mismatchAfterOptimalSwap(depositA, depositB, reserveA, reserveB).mismatch).toBeLessThan(1e-6);
        expect(mismatchAfterOptimalSwap(depositA, 0n, reserveA, reserveB).mismatch).toBeLessThan(1e-6);
      }),
      { numRuns: 300 },
    );
  });
});

describe("fair LP price", () => {
  // An ETH (18 decimals) / USDC (6 decimals) pool at the oracle's $2,000, supply as the pair mints it: sqrt(x * y).
  const price0 = ether(2_000);
  const price1 = WAD;
  const reserve0 = ether(1_000);
  const reserve1 = usdc(2_000_000);
  const totalSupply = sqrt(reserve0 * reserve1);

  /** Value of the reserves at the oracle's prices over the supply: what a flash loan can move. */
  const naiveLpPriceWad = (amount0: bigint, amount1: bigint) =>
    (((amount0 * price0) / WAD + (amount1 * 10n ** 12n * price1) / WAD) * WAD) / totalSupply;

  it("equals the naive price for a pool balanced at the oracle price", () => {
    const fair = fairLpPriceWad(reserve0, reserve1, totalSupply, price0, price1, 18, 6);
    expect(relativeDifference(fair, naiveLpPriceWad(reserve0, reserve1))).toBeLessThan(1e-12);
    // $4,000,000 over sqrt(1e21 * 2e12) = 4.47e16 LP wei, about $89.4 million a whole LP token.
    expect(Number(fair) / 1e18).toBeCloseTo(4e6 / (Math.sqrt(2e33) / 1e18), 0);
  });

  it("does not move when a large swap pushes the reserves along x * y = k, while the naive price does", () => {
    // 4,000 ETH x 500,000 USDC = 1,000 ETH x 2,000,000 USDC: the same invariant, ether's pool price now $125.
    const skewed0 = ether(4_000);
    const skewed1 = usdc(500_000);
    expect(skewed0 * skewed1).toBe(reserve0 * reserve1);

    const before = fairLpPriceWad(reserve0, reserve1, totalSupply, price0, price1, 18, 6);
    const after = fairLpPriceWad(skewed0, skewed1, totalSupply, price0, price1, 18, 6);
    expect(relativeDifference(before, after)).toBeLessThan(1e-9);
    // $8.5 million of reserves at the oracle price against $4 million balanced.
    const naiveMove = relativeDifference(naiveLpPriceWad(reserve0, reserve1), naiveLpPriceWad(skewed0, skewed1));
    expect(naiveMove).toBeGreaterThan(0.5);
  });

  it("refuses tokens of more than 18 decimals", () => {
    expect(() => fairLpPriceWad(1n, 1n, 1n, WAD, WAD, 24, 18)).toThrow(/18 decimals/);
  });

  it("values an LP amount at its price, rounded down", () => {
    expect(lpValueWad(ether(3), ether(100))).toBe(ether(300));
    expect(lpValueWad(1n, WAD / 2n)).toBe(0n);
  });
});

describe("position risk", () => {
  it("rounds the debt ratio up", () => {
    expect(debtRatioBps(ether(200), ether(300))).toBe(6_667n);
    expect(debtRatioBps(1n, 3n)).toBe(3_334n);
    expect(debtRatioBps(1n, 2n)).toBe(5_000n);
    const ratio = debtRatioBps(123_456_789n, 987_654_321n);
    expect(ratio * 987_654_321n).toBeGreaterThanOrEqual(123_456_789n * 10_000n);
    expect((ratio - 1n) * 987_654_321n).toBeLessThan(123_456_789n * 10_000n);
  });

  it("reads no debt as 0 and debt with no value as the unbacked maximum", () => {
    expect(debtRatioBps(0n, 0n)).toBe(0n);
    expect(debtRatioBps(0n, ether(5))).toBe(0n);
    expect(debtRatioBps(1n, 0n)).toBe(UNBACKED_DEBT_RATIO_BPS);
    expect(UNBACKED_DEBT_RATIO_BPS).toBe(2n ** 256n - 1n);
  });

  it("computes leverage as value over equity, rounded up", () => {
    expect(leverageWad(ether(300), ether(200))).toBe(ether(3));
    expect(leverageWad(ether(300), 0n)).toBe(WAD);
    // 10 / 7 = 1.428571428571428571 428...
    expect(leverageWad(10n, 3n)).toBe(1_428_571_428_571_428_572n);
  });

  it("refuses leverage without equity", () => {
    expect(() => leverageWad(ether(200), ether(200))).toThrow(/no equity/);
    expect(() => leverageWad(ether(100), ether(200))).toThrow(/no equity/);
  });

  it("liquidates only above the kill factor", () => {
    expect(isLiquidatable(ether(90), ether(100), 9_000n)).toBe(false);
    expect(isLiquidatable(ether(90) + 1n, ether(100), 9_000n)).toBe(true);
    expect(isLiquidatable(0n, 0n, 9_000n)).toBe(false);
    expect(isLiquidatable(1n, 0n, 9_000n)).toBe(true);
  });

  it("caps the debt at value x work factor, rounded down", () => {
    expect(maxDebtForWorkFactor(ether(300), 7_000n)).toBe(ether(210));
    expect(maxDebtForWorkFactor(3n, 5_000n)).toBe(1n);
  });
});

describe("liquidation prices", () => {
  // $30,000 of ETH/USDC LP with ether at $2,000, liquidated at 90% debt / value.
  const position = { lpValueWad: ether(30_000), price0: 2_000, price1: 1, killFactor: 0.9 };

  /** Debt / value at a token-0 price, in the model liquidationPrices documents. */
  const ratioAt = (debt0: number, debt1: number, price: number) =>
    (debt0 * price + debt1 * position.price1) / (30_000 * Math.sqrt(price / position.price0));

  it("prices token-1 debt at token 1's price: with token 1 at $2 the fall is where value x kill factor meets twice the debt", () => {
    const dearer = { ...position, price1: 2, debt0: 0, debt1: 10_000 };
    const { below } = liquidationPrices(dearer);
    expect(below).not.toBeNull();
    // At `below`, the LP (worth V sqrt(p / price0)) times the kill factor equals 10,000 token 1 at $2.
    expect(30_000 * Math.sqrt(below! / 2_000) * 0.9).toBeCloseTo(20_000, 6);
    // A token-1 price of $1 would put the crossing much lower: price1 is not ignored.
    expect(liquidationPrices({ ...dearer, price1: 1 }).below!).toBeLessThan(below! / 2);
  });

  it("finds only a fall for a position that owes token 1", () => {
    const { below, above } = liquidationPrices({ ...position, debt0: 0, debt1: 20_000 });
    expect(above).toBeNull();
    expect(below).not.toBeNull();
    expect(below!).toBeLessThan(position.price0);
    // sqrt(p) = 20,000 * sqrt(2,000) / 27,000, so p = 2,000 * (20 / 27)^2.
    expect(below!).toBeCloseTo(2_000 * (20 / 27) ** 2, 9);
    expect(Math.abs(ratioAt(0, 20_000, below!) / position.killFactor - 1)).toBeLessThan(1e-9);
  });

  it("finds only a rise for a position that owes token 0", () => {
    const { below, above } = liquidationPrices({ ...position, debt0: 10, debt1: 0 });
    expect(below).toBeNull();
    expect(above!).toBeGreaterThan(position.price0);
    // 10 p = 0.9 * 30,000 * sqrt(p / 2,000), so p = 2,000 * (27 / 20)^2.
    expect(above!).toBeCloseTo(2_000 * (27 / 20) ** 2, 9);
    expect(Math.abs(ratioAt(10, 0, above!) / position.killFactor - 1)).toBeLessThan(1e-9);
  });

  it("finds a fall and a rise for a position that owes both", () => {
    const { below, above } = liquidationPrices({ ...position, debt0: 5, debt1: 10_000 });
    expect(below!).toBeLessThan(position.price0);
    expect(above!).toBeGreaterThan(position.price0);
    expect(Math.abs(ratioAt(5, 10_000, below!) / position.killFactor - 1)).toBeLessThan(1e-9);
    expect(Math.abs(ratioAt(5, 10_000, above!) / position.killFactor - 1)).toBeLessThan(1e-9);
  });

  it("keeps a tiny token-1 debt's crossing precise", () => {
    const { below } = liquidationPrices({ ...position, debt0: 5, debt1: 1e-6 });
    expect(Math.abs(ratioAt(5, 1e-6, below!) / position.killFactor - 1)).toBeLessThan(1e-9);
  });

  it("finds no crossing without debt, or when no price makes the position safe", () => {
    expect(liquidationPrices({ ...position, debt0: 0, debt1: 0 })).toEqual({ below: null, above: null });
    // $40,000 owed on $30,000: liquidatable at every price.
    expect(liquidationPrices({ ...position, debt0: 10, debt1: 20_000 })).toEqual({ below: null, above: null });
  });
});

describe("returns at leverage", () => {
  it("earns the yield on the whole position and pays interest on the borrowed part", () => {
    expect(aprAtLeverage(0.2, 0.05, 3)).toBeCloseTo(0.5, 12);
    expect(aprAtLeverage(0.2, 0.05, 1)).toBeCloseTo(0.2, 12);
    expect(aprAtLeverage(0.05, 0.2, 3)).toBeCloseTo(-0.25, 12);
  });

  it("compounds daily by default", () => {
    expect(apyAtLeverage(0.2, 0.05, 3)).toBeCloseTo(aprToApy(0.5), 12);
    expect(apyAtLeverage(0.2, 0.05, 3)).toBeCloseTo(0.648157, 6);
    expect(apyAtLeverage(0.2, 0.05, 3, 12)).toBeCloseTo(aprToApy(0.5, 12), 12);
  });
});

describe("token values", () => {
  it("values base units at a WAD price per whole token, down for collateral and up for debt", () => {
    // 1.5 USDC at $1 and 2 WETH at $2,000.
    expect(tokenValueWad(usdc(3) / 2n, WAD, 6)).toBe(WAD + WAD / 2n);
    expect(tokenValueWad(ether(2), ether(2_000), 18)).toBe(ether(4_000));
    // 1 wei of an 18-decimal token at $0.50 is half a wei of USD: nothing as collateral, 1 wei as debt.
    expect(tokenValueWad(1n, WAD / 2n, 18)).toBe(0n);
    expect(tokenValueWadUp(1n, WAD / 2n, 18)).toBe(1n);
    expect(tokenValueWadUp(ether(2), ether(2_000), 18)).toBe(ether(4_000));
    expect(tokenValueWadUp(0n, ether(2_000), 18)).toBe(0n);
  });
});

describe("simulateZap", () => {
  const reserve = usdc(1_000_000);
  const supply = usdc(1_000_000) * 10n ** 6n; // sqrt(1e12 * 1e12) at 6 decimals each

  it("reports the one-sided zap's swap: the optimal amount in and the pair's quote out", () => {
    const zap = simulateZap(usdc(10_000), 0n, reserve, reserve, supply);
    const { swapAmount } = optimalSwapAmount(usdc(10_000), 0n, reserve, reserve);
    expect(zap.swap).toEqual({ zeroForOne: true, amountIn: swapAmount, amountOut: getAmountOut(swapAmount, reserve, reserve) });
    // A little under half is swapped: the swap itself moves the price towards the side sold.
    expect(Number(swapAmount) / 1e6).toBeGreaterThan(4_990);
    expect(Number(swapAmount) / 1e6).toBeLessThan(5_000);
    const fromToken1 = simulateZap(0n, usdc(10_000), reserve, reserve, supply);
    expect(fromToken1.swap?.zeroForOne).toBe(false);
    expect(fromToken1.swap?.amountIn).toBe(swapAmount);
  });

  it("makes no swap when the amounts are already in the pair's ratio", () => {
    const zap = simulateZap(usdc(500), usdc(500), reserve, reserve, supply);
    expect(zap.swap).toBeNull();
    expect(zap.lp).toBe((usdc(500) * supply) / reserve);
  });
});

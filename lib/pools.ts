/**
 * The core pools of the local deployment and their rate models, in one place for the deploy script, tests and
 * docs. Values are in the range Aave and Compound use: stablecoins borrow cheaply until utilization reaches the
 * kink; volatile assets cost more at every utilization.
 */
import type { KinkedRateParameters } from "./math";
import { BPS, WAD } from "./math";

const percent = (value: number): bigint => (BigInt(Math.round(value * 100)) * WAD) / 10_000n;

export const STABLECOIN_RATE_MODEL: KinkedRateParameters = {
  baseRatePerYear: percent(0),
  rateAtOptimalPerYear: percent(4),
  rateAtFullPerYear: percent(60),
  optimalUtilization: percent(90),
};

export const VOLATILE_RATE_MODEL: KinkedRateParameters = {
  baseRatePerYear: percent(1),
  rateAtOptimalPerYear: percent(8),
  rateAtFullPerYear: percent(150),
  optimalUtilization: percent(80),
};

/** 10% of interest goes to each pool's insurance reserve. */
export const DEFAULT_RESERVE_FACTOR_BPS = 1_000;

export interface LocalTokenSpec {
  symbol: string;
  name: string;
  decimals: number;
  /** The most one faucet call hands out, in whole tokens. */
  faucetWholeTokens: number;
  rateModel: KinkedRateParameters;
  /** Whole tokens the seed lender deposits so the pool has liquidity from the start. */
  seedDepositWholeTokens: number;
  /** Whole tokens the deployer puts into the insurance reserve, which absorbs bad debt before lenders do. */
  seedReserveWholeTokens: number;
  /**
   * What the reserve pays whoever liquidates an underwater position, per write-off (whole tokens). 50 USD: the crash
   * replay's underwater liquidations cost 300-500k gas, about $20-30 at 30 gwei on a mainnet-like chain, so the earlier
   * $10 left clearing bad debt a loss for the keeper. Capped per write-off, so the reserve's exposure is bounded.
   */
  liquidationIncentiveWholeTokens: number;
}

export const LOCAL_TOKENS: LocalTokenSpec[] = [
  { symbol: "USDC", name: "USD Coin (Flux local)", decimals: 6, faucetWholeTokens: 100_000, rateModel: STABLECOIN_RATE_MODEL, seedDepositWholeTokens: 2_000_000, seedReserveWholeTokens: 20_000, liquidationIncentiveWholeTokens: 50 },
  { symbol: "USDT", name: "Tether USD (Flux local)", decimals: 6, faucetWholeTokens: 100_000, rateModel: STABLECOIN_RATE_MODEL, seedDepositWholeTokens: 2_000_000, seedReserveWholeTokens: 20_000, liquidationIncentiveWholeTokens: 50 },
  // WETH is the real WETH9 from @uniswap/v2-periphery; it has no faucet, you wrap ETH.
  { symbol: "WETH", name: "Wrapped Ether", decimals: 18, faucetWholeTokens: 0, rateModel: VOLATILE_RATE_MODEL, seedDepositWholeTokens: 1_000, seedReserveWholeTokens: 10, liquidationIncentiveWholeTokens: 0.025 },
];

export function fTokenName(symbol: string): { name: string; symbol: string } {
  return { name: `Flux ${symbol}`, symbol: `f${symbol}` };
}

/** Share of the bad debt a write-off clears that the pool's reserve pays the liquidator (LendingPool's
 *  LIQUIDATION_INCENTIVE_BPS). */
export const LIQUIDATION_INCENTIVE_BPS = 500n;

/** What `LendingPool.writeOffBadDebt` pays the liquidator for writing off `badDebt` (base units), the mirror of its
 *  `_writeOffIncentive`: 5% of it (rounded down), at most the pool's per-write-off `cap`, and only out of what the
 *  reserve keeps above its `floor` after covering the bad debt (and the pool's cash). */
export function writeOffIncentive(badDebt: bigint, pool: { reserves: bigint; reserveFloor: bigint; cash: bigint; cap: bigint }): bigint {
  const covered = badDebt < pool.reserves ? badDebt : pool.reserves;
  const left = pool.reserves - covered;
  const aboveFloor = left > pool.reserveFloor ? left - pool.reserveFloor : 0n;
  return [(badDebt * LIQUIDATION_INCENTIVE_BPS) / BPS, pool.cap, aboveFloor, pool.cash].reduce((a, b) => (a < b ? a : b));
}

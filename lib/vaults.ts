/**
 * The leveraged vaults of the local deployment and their risk parameters, in one place for the deploy script,
 * tests and docs. Values are in the range Alpaca Finance and Alpha Homora use.
 */
import { WAD } from "./math";

/** LeveragedVault.RiskParameters, field for field (ILeveragedVault.sol documents each). */
export interface RiskParameters {
  workFactorBps: number;
  killFactorBps: number;
  liquidationBountyBps: number;
  maxPriceDeviationBps: number;
  maxLeverageWad: bigint;
  harvestSlippageBps: number;
  /** Most a harvest sells per call, as a share of the reward pair's reward reserve (<= 25: sandwiches lose). */
  harvestMaxSaleBps: number;
  /** Largest loss against the oracle a swap inside close, liquidation or an order may take. */
  swapSlippageBps: number;
  /** Debt ratio a partial liquidation returns a position to. */
  liquidationTargetBps: number;
  /** Positions worth less than this (whole USD) are liquidated in full. */
  fullLiquidationBelowUsd: number;
}

/** A stablecoin pair moves little, so it may run at 10x. Opening at exactly 10x costs swap fees, which the work
 *  factor's 1% above 90% leaves room for.
 *  Liquidation (issue 18, from test/contracts/liquidationLoss.test.ts and the crash report): with a 5% equity
 *  cushion at the kill factor, a partial liquidation back to 91% unwinds about 53% of the position, so every basis
 *  point of haircut costs the farmer about 0.1% of its equity. At the former 3% bounty and 3% swap bound (1.5%
 *  allowance) that was 55% of equity at every leverage; at a 1% bounty and a 1% swap bound (0.5% allowance, which
 *  a stable pair's 0.3% fee on the half it swaps fits, and what the swap does not use goes back to the owner) it is
 *  at most 20%. */
export const STABLE_VAULT_RISK: RiskParameters = {
  workFactorBps: 9_100,
  killFactorBps: 9_500,
  liquidationBountyBps: 100,
  maxPriceDeviationBps: 100,
  maxLeverageWad: 10n * WAD,
  harvestSlippageBps: 300,
  harvestMaxSaleBps: 20,
  swapSlippageBps: 100,
  liquidationTargetBps: 9_100,
  fullLiquidationBelowUsd: 500,
};

/** A volatile pair (WETH-USDC): at most 3x, liquidated at an 80% debt ratio. Liquidation kept at a 3% bounty and
 *  3% swap bound: with a 20% equity cushion at the kill factor a partial liquidation back to 70% unwinds about 39%
 *  of the position and costs the farmer 5.9% of its equity at every leverage (measured), and a WETH swap in a crash
 *  needs the room. */
export const VOLATILE_VAULT_RISK: RiskParameters = {
  workFactorBps: 7_000,
  killFactorBps: 8_000,
  liquidationBountyBps: 300,
  maxPriceDeviationBps: 200,
  maxLeverageWad: 3n * WAD,
  harvestSlippageBps: 300,
  harvestMaxSaleBps: 20,
  swapSlippageBps: 300,
  liquidationTargetBps: 7_000,
  fullLiquidationBelowUsd: 500,
};

/** USD prices the local feeds start at (8 decimals, as Chainlink's USD feeds). */
export const LOCAL_PRICES_USD: Record<string, number> = { USDC: 1, USDT: 1, WETH: 2_000, FLUX: 0.5 };

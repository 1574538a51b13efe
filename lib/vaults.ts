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
 *  factor's 1% above 90% leaves room for. */
export const STABLE_VAULT_RISK: RiskParameters = {
  workFactorBps: 9_100,
  killFactorBps: 9_500,
  liquidationBountyBps: 300,
  maxPriceDeviationBps: 100,
  maxLeverageWad: 10n * WAD,
  harvestSlippageBps: 300,
  harvestMaxSaleBps: 20,
  swapSlippageBps: 300,
  liquidationTargetBps: 9_100,
  fullLiquidationBelowUsd: 500,
};

/** A volatile pair (WETH-USDC): at most 3x, liquidated at an 80% debt ratio. */
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

/**
 * The leveraged vaults of the local deployment and their risk parameters, in one place for the deploy script,
 * tests and docs. Values are in the range Alpaca Finance and Alpha Homora use.
 */
import { WAD } from "./math";

export interface RiskParameters {
  workFactorBps: number;
  killFactorBps: number;
  liquidationBountyBps: number;
  maxPriceDeviationBps: number;
  maxLeverageWad: bigint;
  harvestSlippageBps: number;
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
};

/** A volatile pair (WETH-USDC): at most 3x, liquidated at an 80% debt ratio. */
export const VOLATILE_VAULT_RISK: RiskParameters = {
  workFactorBps: 7_000,
  killFactorBps: 8_000,
  liquidationBountyBps: 300,
  maxPriceDeviationBps: 200,
  maxLeverageWad: 3n * WAD,
  harvestSlippageBps: 300,
};

/** USD prices the local feeds start at (8 decimals, as Chainlink's USD feeds). */
export const LOCAL_PRICES_USD: Record<string, number> = { USDC: 1, USDT: 1, WETH: 2_000, FLUX: 0.5 };

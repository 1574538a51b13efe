/**
 * The market side of a crash replay: moving the real Uniswap V2 pairs (arbitrage by the deployer, who holds a
 * float of every token) and the oracle's feeds, under four lag modes.
 *
 *  (a) "arb-full"   every hourly step the pairs are arbitraged to the market price, feeds follow the market;
 *  (b) "arb-half"   arbitrage closes only half the gap (in log price) each step;
 *  (c) "congested"  no arbitrage at all during the 4 congested hours (scenarios.congestedSteps), full otherwise;
 *  (d) "feed-lag"   pairs fully arbitraged, but the feeds show the previous step's market price.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Contract, Signer } from "ethers";
import { arbitrageSwap } from "../../lib/vaultMath";
import type { DeployedVault } from "../lib/deployVaults";
import type { LocalStack } from "../lib/deployLocal";
import { usdToFeedAnswer } from "../lib/deployVaults";
import type { Prices, Symbol } from "./scenarios";

export const DECIMALS: Record<string, number> = { USDC: 6, USDT: 6, WETH: 18, FLUX: 18 };

export type LagMode = "arb-full" | "arb-half" | "congested" | "feed-lag";
export const LAG_MODES: LagMode[] = ["arb-full", "arb-half", "congested", "feed-lag"];
export const LAG_MODE_LABEL: Record<LagMode, string> = {
  "arb-full": "(a) full arbitrage",
  "arb-half": "(b) half-way arbitrage",
  congested: "(c) no arbitrage in the 4 congested hours",
  "feed-lag": "(d) feeds 1 h behind the market",
};

export function toUnits(amount: number, decimals: number): bigint {
  const [whole, fraction = ""] = amount.toFixed(Math.min(decimals, 9)).split(".");
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + "0".repeat(decimals)).slice(0, decimals) || "0");
}

export async function reservesOf(pair: Contract): Promise<[bigint, bigint]> {
  const reserves = await pair.getReserves();
  return [BigInt(reserves[0]), BigInt(reserves[1])];
}

/** The pair's price of token 0 in token 1, whole units (the USD ratio price0 / price1 when it agrees with the market). */
export async function pairRatio(deployed: DeployedVault): Promise<number> {
  const [reserve0, reserve1] = await reservesOf(deployed.pair);
  return Number(reserve1) / 10 ** DECIMALS[deployed.token1Symbol] / (Number(reserve0) / 10 ** DECIMALS[deployed.token0Symbol]);
}

/** Trades the pair (as the arbitrageur) until token 0 costs `ratio` whole token 1. No-op when within 1e-6. */
export async function setPairToRatio(hre: HardhatRuntimeEnvironment, stack: LocalStack, trader: Signer, deployed: DeployedVault, ratio: number): Promise<void> {
  const pair = deployed.pair;
  const [reserve0, reserve1] = await reservesOf(pair);
  const current = Number(reserve1) / 10 ** DECIMALS[deployed.token1Symbol] / (Number(reserve0) / 10 ** DECIMALS[deployed.token0Symbol]);
  if (Math.abs(current / ratio - 1) < 1e-6) return;
  const scale0 = 10n ** BigInt(DECIMALS[deployed.token0Symbol]);
  const scale1 = 10n ** BigInt(DECIMALS[deployed.token1Symbol]);
  const targetWad = (BigInt(Math.round(ratio * 1e12)) * 10n ** 6n * scale1) / scale0;
  const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
  if (amountIn === 0n) return;
  const [address0, address1] = [await pair.token0(), await pair.token1()];
  const path = zeroForOne ? [address0, address1] : [address1, address0];
  const router = stack.farming.uniswap.router.connect(trader) as Contract;
  await (await router.swapExactTokensForTokens(amountIn, 0, path, await trader.getAddress(), 2n ** 40n)).wait();
  void hre;
}

/** Sets the three token feeds to USD prices (only the ones that change). */
export async function setFeeds(stack: LocalStack, prices: Prices, current: Map<Symbol, number>): Promise<void> {
  for (const symbol of ["USDC", "USDT", "WETH"] as Symbol[]) {
    if (current.get(symbol) === prices[symbol]) continue;
    await (await stack.farming.feeds[symbol].setAnswer(usdToFeedAnswer(prices[symbol]))).wait();
    current.set(symbol, prices[symbol]);
  }
}

export interface MarketState {
  /** What the feeds show now. */
  feeds: Map<Symbol, number>;
}

/**
 * One hourly step: the market is at `market` (the path's prices after this step, `previous` before it). Moves the
 * pairs and the feeds as the lag mode says. Returns the oracle prices set.
 */
export async function applyStep(
  hre: HardhatRuntimeEnvironment,
  stack: LocalStack,
  trader: Signer,
  mode: LagMode,
  step: { index: number; market: Prices; previous: Prices; congested: boolean },
  state: MarketState,
): Promise<Prices> {
  const oracle = mode === "feed-lag" ? step.previous : step.market;
  // Feeds first (Chainlink updates on its own heartbeat/deviation); arbitrage follows within the hour.
  await setFeeds(stack, oracle, state.feeds);
  for (const deployed of Object.values(stack.farming.vaults)) {
    const s0 = deployed.token0Symbol as Symbol;
    const s1 = deployed.token1Symbol as Symbol;
    const target = step.market[s0] / step.market[s1];
    if (mode === "congested" && step.congested) continue;
    if (mode === "arb-half") {
      const current = await pairRatio(deployed);
      await setPairToRatio(hre, stack, trader, deployed, Math.sqrt(current * target));
    } else {
      await setPairToRatio(hre, stack, trader, deployed, target);
    }
  }
  return oracle;
}

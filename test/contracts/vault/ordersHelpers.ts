import { ethers } from "hardhat";
import type { Contract, ContractTransactionResponse, Signer } from "ethers";
import { arbitrageSwap } from "../../../lib/vaultMath";
import { FAR_FUTURE, tokenOf, type VaultFixture } from "./fixtures";
import { fund, moveMarket, reservesOf } from "./market";

export const BPS = 10_000;

/** The volatile (WETH-USDC) vault, its tokens and which side WETH is on. */
export async function wethVault(fixture: VaultFixture) {
  const { volatile } = fixture;
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const token0 = tokenOf(fixture, volatile, 0);
  const token1 = tokenOf(fixture, volatile, 1);
  const usdcPool = await ethers.getContractAt("LendingPool", wethIsToken0 ? await volatile.vault.pool1() : await volatile.vault.pool0());
  return { vault: volatile.vault, pair: volatile.pair as unknown as Contract, wethIsToken0, token0, token1, usdcPool };
}

/** `owner` opens `leverage`x on WETH-USDC: `weth` WETH of its own ($2,000 each at the start), the rest borrowed in USDC. */
export async function openWeth(fixture: VaultFixture, owner: Signer, weth: number, leverage = 3, wethUsd = 2_000): Promise<bigint> {
  const { vault, wethIsToken0 } = await wethVault(fixture);
  const wethAmount = ethers.parseUnits(weth.toFixed(6), 18);
  const usdc = BigInt(Math.round(weth * wethUsd * (leverage - 1) * 1e6));
  await vault.connect(owner).open({
    amount0: wethIsToken0 ? wethAmount : 0n,
    amount1: wethIsToken0 ? 0n : wethAmount,
    borrow0: wethIsToken0 ? 0n : usdc,
    borrow1: wethIsToken0 ? usdc : 0n,
    minShares: 0n,
    minLp: 0n,
    deadline: FAR_FUTURE,
  });
  return await vault.lastPositionId();
}

/** Pair and oracle both move to `wethUsd` (arbitrage done, feeds follow). */
export async function moveWeth(fixture: VaultFixture, wethUsd: number) {
  const { wethIsToken0 } = await wethVault(fixture);
  if (wethIsToken0) await moveMarket(fixture, fixture.volatile, wethUsd, 1);
  else await moveMarket(fixture, fixture.volatile, 1, wethUsd);
}

/** Sets only the oracle: WETH at `answer` (8 decimals), USDC at $1. The pair is not touched. */
export async function setWethAnswer(fixture: VaultFixture, answer: bigint) {
  await fixture.farming.feeds.USDC.setAnswer(100_000_000n);
  await fixture.farming.feeds.WETH.setAnswer(answer);
}

/** Moves only the pair's spot (a big swap by the deployer) so that WETH costs `wethUsd` USDC in it; the oracle stays. */
export async function displacePair(fixture: VaultFixture, wethUsd: number) {
  const { deployer, farming, volatile } = fixture;
  const { pair, wethIsToken0 } = await wethVault(fixture);
  const [reserve0, reserve1] = await reservesOf(pair);
  // token 0 priced in token 1, base units, WAD.
  // Token 0 priced in token 1, in base units, WAD (as moveMarket computes it).
  const microUsd = BigInt(Math.round(wethUsd * 1e6));
  const targetWad = wethIsToken0 ? microUsd : 10n ** 36n / microUsd;
  const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
  if (amountIn === 0n) return;
  const router = farming.uniswap.router.connect(deployer) as Contract;
  const [address0, address1] = [await pair.token0(), await pair.token1()];
  const [symbolIn, tokenIn, tokenOut] = zeroForOne
    ? [volatile.token0Symbol, address0, address1]
    : [volatile.token1Symbol, address1, address0];
  await fund(fixture, symbolIn, amountIn);
  const token = await ethers.getContractAt("IERC20", tokenIn, deployer);
  await token.approve(await router.getAddress(), amountIn);
  await router.swapExactTokensForTokens(amountIn, 0, [tokenIn, tokenOut], deployer.address, FAR_FUTURE);
}

/** WETH's price in the pair (USDC per WETH). */
export async function pairWethUsd(fixture: VaultFixture): Promise<number> {
  const { pair, wethIsToken0 } = await wethVault(fixture);
  const [r0, r1] = await reservesOf(pair);
  const [weth, usdc] = wethIsToken0 ? [Number(r0) / 1e18, Number(r1) / 1e6] : [Number(r1) / 1e18, Number(r0) / 1e6];
  return usdc / weth;
}

export async function oraclePrices(fixture: VaultFixture): Promise<[number, number]> {
  const { token0, token1 } = await wethVault(fixture);
  return [
    Number(await fixture.farming.oracle.priceOf(await token0.getAddress())) / 1e18,
    Number(await fixture.farming.oracle.priceOf(await token1.getAddress())) / 1e18,
  ];
}

/** USD value at oracle prices of amounts of the volatile vault's token 0 and token 1. */
export async function usdValue(fixture: VaultFixture, amount0: bigint, amount1: bigint): Promise<number> {
  const { token0, token1 } = await wethVault(fixture);
  const [p0, p1] = await oraclePrices(fixture);
  const d0 = Number(await token0.decimals());
  const d1 = Number(await token1.decimals());
  return (Number(amount0) / 10 ** d0) * p0 + (Number(amount1) / 10 ** d1) * p1;
}

/** Balances of token 0, token 1 and the pair's LP of `account`. */
export async function balancesOf(fixture: VaultFixture, account: string): Promise<bigint[]> {
  const { token0, token1, pair } = await wethVault(fixture);
  return [await token0.balanceOf(account), await token1.balanceOf(account), BigInt(await pair.balanceOf(account))];
}

/** Everything bad input must not move: the owner's, the vault's and the pair's balances and reserves. */
export async function snapshotBalances(fixture: VaultFixture, accounts: string[]): Promise<string> {
  const { pair, vault } = await wethVault(fixture);
  const rows: bigint[] = [];
  for (const a of [...accounts, await vault.getAddress(), await pair.getAddress()]) rows.push(...(await balancesOf(fixture, a)));
  const [r0, r1] = await reservesOf(pair);
  rows.push(r0, r1);
  return rows.join(",");
}

/** All events of `name` the vault emitted in the transaction. */
export async function eventsOf(fixture: VaultFixture, tx: Promise<ContractTransactionResponse> | ContractTransactionResponse, name: string) {
  const receipt = await (await tx).wait();
  const vault = fixture.volatile.vault;
  const found = [];
  for (const log of receipt!.logs) {
    if (log.address.toLowerCase() !== (await vault.getAddress()).toLowerCase()) continue;
    try {
      const parsed = vault.interface.parseLog(log);
      if (parsed?.name === name) found.push(parsed.args);
    } catch {
      // not the vault's
    }
  }
  return { receipt, events: found };
}

/**
 * Sets the WETH oracle answer (8 decimals, pair untouched) to the highest price at which the position's debt
 * ratio is still at least `ratioBps`. Returns that answer; one unit higher gives a lower ratio.
 */
export async function tuneWethToRatio(
  fixture: VaultFixture,
  id: bigint,
  ratioBps: number,
  bracket: [bigint, bigint] = [100n * 10n ** 8n, 4_000n * 10n ** 8n],
): Promise<bigint> {
  const { vault } = await wethVault(fixture);
  let [lo, hi] = bracket; // ratio at lo >= target (WETH cheap), at hi below it
  const ratioAt = async (answer: bigint) => {
    await fixture.farming.feeds.WETH.setAnswer(answer);
    return Number((await vault.positionView(id)).debtRatioBps);
  };
  if ((await ratioAt(lo)) < ratioBps || (await ratioAt(hi)) >= ratioBps) throw new Error("ratio not bracketed");
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if ((await ratioAt(mid)) >= ratioBps) lo = mid;
    else hi = mid;
  }
  await fixture.farming.feeds.WETH.setAnswer(lo);
  return lo;
}

/**
 * The WETH answers at which the position's debt ratio first reads `triggerBps` (the threshold: the highest price
 * at which it is at least the trigger) and, safely inside the band that reads `triggerBps - 1`, a price just before
 * it (half a basis point of ratio away from either rounding edge, so a block's interest cannot move it).
 */
export async function thresholdAnswers(fixture: VaultFixture, id: bigint, triggerBps: number): Promise<{ at: bigint; justBefore: bigint }> {
  await fixture.farming.feeds.USDC.setAnswer(100_000_000n);
  const at = await tuneWethToRatio(fixture, id, triggerBps);
  const edge = await tuneWethToRatio(fixture, id, triggerBps - 1, [at, (at * 101n) / 100n]);
  const justBefore = (at + edge) / 2n;
  await fixture.farming.feeds.WETH.setAnswer(at);
  return { at, justBefore };
}

/** USD per LP token at the vault's fair LP price, from a position view. */
export function lpPriceOf(view: { valueWad: bigint; lpAmount: bigint }): number {
  return Number(view.valueWad) / 1e18 / Number(view.lpAmount);
}

/** What `lp` LP tokens would pay if burnt now, valued at oracle prices. */
export async function burnValueOfLp(fixture: VaultFixture, lp: bigint): Promise<number> {
  const { pair } = await wethVault(fixture);
  const [r0, r1] = await reservesOf(pair);
  const supply = BigInt(await pair.totalSupply());
  return usdValue(fixture, (lp * r0) / supply, (lp * r1) / supply);
}

export const fmt = (x: number, digits = 2) => x.toFixed(digits);

/**
 * Helpers for the vault attack suite: valuing wallets (tokens plus claimable credits) at oracle prices, reading
 * events, pushing pairs and funding the attacker. Copied or imported from the vault tests' fixtures; nothing here
 * changes the protocol.
 */
import hre, { ethers } from "hardhat";
import type { BaseContract, Contract, ContractTransactionReceipt, Signer } from "ethers";
import { arbitrageSwap } from "../../../lib/vaultMath";
import { advanceDays, FAR_FUTURE, vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { fund, reservesOf } from "../vault/market";

export const WAD = 10n ** 18n;
export const usd6 = (amount: number) => BigInt(Math.round(amount * 1e6));
export const e18 = (amount: number | string) => ethers.parseUnits(String(amount), 18);

/** Read every time, never cached: snapshots revert deployments, so one address can hold tokens of different
 *  decimals from one test to the next. */
export async function decimalsOf(token: string): Promise<number> {
  return Number(await (await ethers.getContractAt("IERC20Metadata", token)).decimals());
}

/** USD value (float) of `amount` base units of `token` at the oracle's price. */
export async function usdOf(fixture: VaultFixture, token: string, amount: bigint): Promise<number> {
  const price = await fixture.farming.oracle.priceOf(token);
  const scale = 10n ** BigInt(await decimalsOf(token));
  // Keep 1e-6 USD precision in bigint before converting.
  return Number((amount * price) / scale / 10n ** 12n) / 1e6;
}

/** What `who` holds of each token: wallet balance plus what each vault keeps for it to claim. */
export async function holdings(who: string, tokens: string[], vaults: BaseContract[]): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const token of tokens) {
    const erc20 = await ethers.getContractAt("IERC20", token);
    let total = await erc20.balanceOf(who);
    for (const vault of vaults) total += await (vault as unknown as Contract).claimable(token, who);
    out.push(total);
  }
  return out;
}

/** USD value of holdings(after) - holdings(before), token by token at the oracle. */
export async function usdDelta(fixture: VaultFixture, tokens: string[], before: bigint[], after: bigint[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < tokens.length; i++) {
    const diff = after[i] - before[i];
    const value = await usdOf(fixture, tokens[i], diff < 0n ? -diff : diff);
    total += diff < 0n ? -value : value;
  }
  return total;
}

/** A position's equity at oracle prices, pending rewards included (USD, float; may be negative). */
export async function positionWorth(fixture: VaultFixture, vault: BaseContract, id: bigint | number): Promise<number> {
  const v = await (vault as unknown as Contract).positionView(id);
  const flux = await usdOf(fixture, await fixture.tokens.FLUX.getAddress(), BigInt(v.pendingReward));
  return (Number(BigInt(v.valueWad) - BigInt(v.debtValueWad)) / 1e18) + flux;
}

/** A lending pool's share price: assets per 10^12 whole shares (base units of the asset), fine enough to see a cent. */
export async function sharePrice(pool: BaseContract): Promise<bigint> {
  const p = pool as unknown as Contract;
  return p.convertToAssets(10n ** BigInt(Number(await p.decimals()) + 12));
}

/** The parsed events named `name` that `contract` emitted in `receipt`. */
export function eventsOf(contract: BaseContract, receipt: ContractTransactionReceipt | null, name: string) {
  const address = (contract as unknown as { target: string }).target.toString().toLowerCase();
  const found = [];
  for (const log of receipt?.logs ?? []) {
    if (log.address.toLowerCase() !== address) continue;
    try {
      const parsed = contract.interface.parseLog(log);
      if (parsed?.name === name) found.push(parsed.args);
    } catch {
      // not this contract's event
    }
  }
  return found;
}

/** Sends `amount` of `symbol` to `to`, from the local sources (faucet, WETH9, FLUX minter) via the deployer. */
export async function give(fixture: VaultFixture, symbol: string, to: string, amount: bigint) {
  await fund(fixture, symbol, amount);
  const token = await ethers.getContractAt("IERC20", await tokenAddress(fixture, symbol), fixture.deployer);
  await token.transfer(to, amount);
}

export async function tokenAddress(fixture: VaultFixture, symbol: string): Promise<string> {
  return fixture.tokens[symbol as keyof VaultFixture["tokens"]].getAddress();
}

/** Swaps exactly `amountIn` of `tokenIn` for `tokenOut` through the router, from `signer` (which holds it). */
export async function routerSwap(fixture: VaultFixture, signer: Signer, tokenIn: string, tokenOut: string, amountIn: bigint) {
  const router = fixture.farming.uniswap.router.connect(signer) as Contract;
  const token = await ethers.getContractAt("IERC20", tokenIn, signer);
  await token.approve(await router.getAddress(), amountIn);
  await router.swapExactTokensForTokens(amountIn, 0, [tokenIn, tokenOut], await signer.getAddress(), FAR_FUTURE);
}

/** The input (token and amount) that moves `pair`'s price of token 0 (in token 1) by `moveBps` (negative: down). */
export async function pushAmount(pair: Contract, moveBps: number): Promise<{ zeroForOne: boolean; amountIn: bigint }> {
  const [r0, r1] = await reservesOf(pair);
  const target = (r1 * WAD * BigInt(10_000 + moveBps)) / r0 / 10_000n;
  return arbitrageSwap(r0, r1, target);
}

/** Trades the FLUX-USDC pair back to the oracle's FLUX price (as arbitrage would), with the deployer's funds. */
export async function arbitrageFluxPair(fixture: VaultFixture) {
  const pair = fixture.farming.fluxPair as Contract;
  const [reserve0, reserve1] = await reservesOf(pair);
  const flux = await fixture.tokens.FLUX.getAddress();
  const usdc = await fixture.tokens.USDC.getAddress();
  const fluxIsToken0 = (await pair.token0()).toLowerCase() === flux.toLowerCase();
  const fluxPrice = await fixture.farming.oracle.priceOf(flux);
  const usdcPrice = await fixture.farming.oracle.priceOf(usdc);
  // reserve1 / reserve0 in base units at the oracle's prices.
  const targetWad = fluxIsToken0 ? (fluxPrice * WAD * 10n ** 6n) / usdcPrice / 10n ** 18n : (usdcPrice * WAD * 10n ** 18n) / fluxPrice / 10n ** 6n;
  const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
  if (amountIn === 0n) return;
  const [tokenIn, tokenOut, symbol] = zeroForOne === fluxIsToken0 ? [flux, usdc, "FLUX"] : [usdc, flux, "USDC"];
  await fund(fixture, symbol, amountIn);
  await routerSwap(fixture, fixture.deployer, tokenIn, tokenOut, amountIn);
}

/** Deploys the attack contract for `signer`. */
export async function deployAttacker(signer: Signer) {
  const factory = await ethers.getContractFactory("VaultAttacker", signer);
  const attacker = await factory.deploy();
  await attacker.waitForDeployment();
  return attacker;
}

/** The stable vault with two farmers in (alice 3x, bob 2.5x) and a day of rewards pending. */
export async function farmedStable() {
  const fixture = await vaultStackFixture();
  const { stable, alice, bob } = fixture;
  await stable.vault.connect(alice).open({ amount0: usd6(1_000), amount1: 0, borrow0: 0, borrow1: usd6(2_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
  await stable.vault.connect(bob).open({ amount0: usd6(2_500), amount1: usd6(2_500), borrow0: usd6(10_000), borrow1: usd6(10_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
  await advanceDays(fixture, 1);
  return fixture;
}

/** What the positions `ids` are worth together (positionWorth), USD. */
export async function victimsWorth(fixture: VaultFixture, vault: unknown, ids: number[]) {
  let total = 0;
  for (const id of ids) total += await positionWorth(fixture, vault as Contract, id);
  return total;
}

export { hre, reservesOf, fund };

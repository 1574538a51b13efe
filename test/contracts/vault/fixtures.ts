import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import { deployLocal } from "../../../scripts/lib/deployLocal";
import type { DeployedVault } from "../../../scripts/lib/deployVaults";
import { usdToFeedAnswer } from "../../../scripts/lib/deployVaults";
import { LOCAL_PRICES_USD } from "../../../lib/vaults";
import { VaultLens__factory, type VaultLens } from "../../../typechain-types";

export const USDC = (amount: number | string) => ethers.parseUnits(String(amount), 6);
export const USDT = USDC;
export const WETH = (amount: number | string) => ethers.parseUnits(String(amount), 18);
export const FAR_FUTURE = 2n ** 40n;

/** The full local stack: pools with lenders, real Uniswap V2 pairs, StakingRewards farms, FLUX, oracle, vaults;
 *  plus funded farmers who approved both vaults. */
export async function vaultStackFixture() {
  const stack = await deployLocal(hre);
  const signers = await ethers.getSigners();
  const [deployer, guardian, alice, bob, carol, liquidator, attacker] = signers;
  const tokens = {
    USDC: await ethers.getContractAt("FaucetToken", stack.deployment.tokens.USDC.address),
    USDT: await ethers.getContractAt("FaucetToken", stack.deployment.tokens.USDT.address),
    WETH: await ethers.getContractAt("FaucetToken", stack.deployment.tokens.WETH.address),
    FLUX: stack.farming.flux,
  };
  const { stable, volatile } = stack.farming.vaults;
  for (const farmer of [alice, bob, carol, attacker]) {
    await tokens.USDC.connect(farmer).faucet(USDC(100_000));
    await tokens.USDT.connect(farmer).faucet(USDT(100_000));
    await new ethers.Contract(await tokens.WETH.getAddress(), WETH9.abi, farmer).deposit({ value: WETH(100) });
    for (const vault of [stable.vault, volatile.vault]) {
      for (const token of [tokens.USDC, tokens.USDT, tokens.WETH]) {
        await token.connect(farmer).approve(await vault.getAddress(), ethers.MaxUint256);
      }
    }
  }
  return { ...stack, tokens, stable, volatile, deployer, guardian, alice, bob, carol, liquidator, attacker };
}

export type VaultFixture = Awaited<ReturnType<typeof vaultStackFixture>>;

/** The deployment's VaultLens, for batch reads. */
export function lensOf(fixture: { deployment: { farming?: { lens: { address: string } } } }): VaultLens {
  return VaultLens__factory.connect(fixture.deployment.farming!.lens.address, ethers.provider);
}

/** Keeps every feed fresh after a long time jump, at its current answer unless a new USD price is given. */
export async function refreshFeeds(fixture: VaultFixture, pricesUsd: Partial<Record<string, number>> = {}) {
  for (const [symbol, feed] of Object.entries(fixture.farming.feeds)) {
    const price = pricesUsd[symbol];
    const answer = price === undefined ? (await feed.latestRoundData()).answer : usdToFeedAnswer(price);
    await feed.setAnswer(answer);
  }
}

export async function advanceDays(fixture: VaultFixture, days: number) {
  await time.increase(days * 86_400);
  await refreshFeeds(fixture);
}

/** The token of a vault by position (0 or 1), as a contract. */
export function tokenOf(fixture: VaultFixture, deployed: DeployedVault, index: 0 | 1) {
  const symbol = index === 0 ? deployed.token0Symbol : deployed.token1Symbol;
  return fixture.tokens[symbol as keyof VaultFixture["tokens"]];
}

export { LOCAL_PRICES_USD };

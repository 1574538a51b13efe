import { ethers } from "hardhat";
import type { Contract } from "ethers";
import { arbitrageSwap } from "../../../lib/vaultMath";
import type { DeployedVault } from "../../../scripts/lib/deployVaults";
import { fundFromLocalSources } from "../../../scripts/lib/localFunds";
import { FAR_FUTURE, type VaultFixture } from "./fixtures";

const DECIMALS: Record<string, number> = { USDC: 6, USDT: 6, WETH: 18, FLUX: 18 };

export async function reservesOf(pair: Contract): Promise<[bigint, bigint]> {
  const reserves = await pair.getReserves();
  return [BigInt(reserves[0]), BigInt(reserves[1])];
}

/** Gives the deployer `amount` of `symbol`, from the faucet, WETH9 or the FLUX minter. */
export async function fund(fixture: VaultFixture, symbol: string, amount: bigint): Promise<void> {
  await fundFromLocalSources(fixture.deployment, symbol, fixture.deployer, amount);
}

/**
 * Trades the real pair until token 0 costs `usdPrice0 / usdPrice1` of token 1, as arbitrage would after a market
 * move, then sets both tokens' oracle feeds to the prices the pair now shows.
 */
export async function moveMarket(fixture: VaultFixture, deployed: DeployedVault, usdPrice0: number, usdPrice1: number) {
  const { deployer, farming } = fixture;
  const pair = deployed.pair as Contract;
  const [symbol0, symbol1] = [deployed.token0Symbol, deployed.token1Symbol];
  const scale0 = 10n ** BigInt(DECIMALS[symbol0]);
  const scale1 = 10n ** BigInt(DECIMALS[symbol1]);
  const [reserve0, reserve1] = await reservesOf(pair);
  // Target: reserve1 / reserve0 in base units = (price0 / price1) * scale1 / scale0.
  const targetWad = (BigInt(Math.round((usdPrice0 / usdPrice1) * 1e18)) * scale1) / scale0;
  const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
  const router = farming.uniswap.router.connect(deployer) as Contract;
  const [address0, address1] = [await pair.token0(), await pair.token1()];
  const swapIn = async (symbol: string, tokenIn: string, tokenOut: string, amount: bigint) => {
    await fund(fixture, symbol, amount);
    const token = await ethers.getContractAt("IERC20", tokenIn, deployer);
    await token.approve(await router.getAddress(), amount);
    await router.swapExactTokensForTokens(amount, 0, [tokenIn, tokenOut], deployer.address, FAR_FUTURE);
  };
  if (amountIn > 0n) {
    if (zeroForOne) await swapIn(symbol0, address0, address1, amountIn);
    else await swapIn(symbol1, address1, address0, amountIn);
  }
  await pointOracleAtPair(fixture, deployed, usdPrice1);
}

/** Sets token 1's feed to `usdPrice1` and token 0's to the price the pair's reserves imply. */
export async function pointOracleAtPair(fixture: VaultFixture, deployed: DeployedVault, usdPrice1: number) {
  const [reserve0, reserve1] = await reservesOf(deployed.pair as Contract);
  const whole0 = Number(reserve0) / 10 ** DECIMALS[deployed.token0Symbol];
  const whole1 = Number(reserve1) / 10 ** DECIMALS[deployed.token1Symbol];
  const feeds = fixture.farming.feeds;
  await feeds[deployed.token1Symbol].setAnswer(BigInt(Math.round(usdPrice1 * 1e8)));
  await feeds[deployed.token0Symbol].setAnswer(BigInt(Math.round((whole1 / whole0) * usdPrice1 * 1e8)));
}

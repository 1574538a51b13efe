/**
 * The farming side of a local deployment: FLUX, price feeds and the oracle, real Uniswap V2 pairs with liquidity,
 * StakingRewards farms paying FLUX, and one leveraged vault per pair. Builds on the core pools.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Contract, Signer } from "ethers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import { createPairWithLiquidity, deployFarm, deployUniswap, type UniswapDeployment } from "./deployUniswap";
import { faucetInChunks } from "./localFunds";
import { vaultConstructorArgs } from "./vaultImplementation";
import { LOCAL_PRICES_USD, STABLE_VAULT_RISK, VOLATILE_VAULT_RISK, type RiskParameters } from "../../lib/vaults";
import type { FluxToken, LendingPool, PriceOracle, SettableAggregator, StakingRewardsVault } from "../../typechain-types";

export interface VaultStackInput {
  deployer: Signer;
  guardian: string;
  tokens: { USDC: string; USDT: string; WETH: string };
  pools: { USDC: LendingPool; USDT: LendingPool; WETH: LendingPool };
  /** Seconds after which a price is stale. */
  maxPriceStalenessSeconds?: number;
  log?: (line: string) => void;
}

export interface DeployedVault {
  name: string;
  vault: StakingRewardsVault;
  pair: Contract;
  farm: Contract;
  token0Symbol: string;
  token1Symbol: string;
}

export interface VaultStack {
  flux: FluxToken;
  oracle: PriceOracle;
  feeds: Record<string, SettableAggregator>;
  uniswap: UniswapDeployment;
  fluxPair: Contract;
  vaults: { stable: DeployedVault; volatile: DeployedVault };
}

const FEED_DECIMALS = 8;

export function usdToFeedAnswer(priceUsd: number): bigint {
  return BigInt(Math.round(priceUsd * 10 ** FEED_DECIMALS));
}

export async function deployVaultStack(hre: HardhatRuntimeEnvironment, input: VaultStackInput): Promise<VaultStack> {
  const { ethers, upgrades } = hre;
  const log = input.log ?? (() => {});
  const { deployer } = input;
  const deployerAddress = await deployer.getAddress();
  const units = (amount: number, decimals: number) => ethers.parseUnits(String(amount), decimals);

  const flux = (await upgrades.deployProxy(await ethers.getContractFactory("FluxToken", deployer), [deployerAddress], {
    kind: "uups",
  })) as unknown as FluxToken;
  await flux.waitForDeployment();
  await (await flux.setMinter(deployerAddress, true)).wait();
  const fluxAddress = await flux.getAddress();
  log(`FLUX  ${fluxAddress}`);

  const oracle = (await upgrades.deployProxy(await ethers.getContractFactory("PriceOracle", deployer), [deployerAddress], {
    kind: "uups",
  })) as unknown as PriceOracle;
  await oracle.waitForDeployment();
  const addresses: Record<string, string> = { ...input.tokens, FLUX: fluxAddress };
  const feeds: Record<string, SettableAggregator> = {};
  for (const [symbol, priceUsd] of Object.entries(LOCAL_PRICES_USD)) {
    const feed = await (await ethers.getContractFactory("SettableAggregator", deployer)).deploy(
      FEED_DECIMALS,
      `${symbol} / USD`,
      usdToFeedAnswer(priceUsd),
    );
    await feed.waitForDeployment();
    feeds[symbol] = feed;
    await (await oracle.setFeed(addresses[symbol], await feed.getAddress(), input.maxPriceStalenessSeconds ?? 3 * 86_400)).wait();
  }
  log(`oracle ${await oracle.getAddress()} with feeds for ${Object.keys(feeds).join(", ")}`);

  // Liquidity for the pairs, bought from the faucets, WETH9 and the FLUX minter.
  const faucet = async (symbol: "USDC" | "USDT", wholeTokens: number) =>
    faucetInChunks(await ethers.getContractAt("FaucetToken", addresses[symbol], deployer), units(wholeTokens, 6));
  await faucet("USDC", 5_000_000);
  await faucet("USDT", 2_000_000);
  await (await new ethers.Contract(addresses.WETH, WETH9.abi, deployer).deposit({ value: units(500, 18) })).wait();
  await (await flux.mint(deployerAddress, units(6_000_000, 18))).wait();

  const uniswap = await deployUniswap(hre, deployer, addresses.WETH);
  log(`uniswap factory ${await uniswap.factory.getAddress()} router ${await uniswap.router.getAddress()}`);
  const stablePair = await createPairWithLiquidity(hre, uniswap, deployer, addresses.USDC, addresses.USDT, units(2_000_000, 6), units(2_000_000, 6));
  const volatilePair = await createPairWithLiquidity(hre, uniswap, deployer, addresses.WETH, addresses.USDC, units(500, 18), units(1_000_000, 6));
  // Deep enough that a day's rewards of both farms (about 17,000 FLUX) sells within two harvests' size cap (0.2% of
  // the FLUX reserve each).
  const fluxPair = await createPairWithLiquidity(hre, uniswap, deployer, fluxAddress, addresses.USDC, units(4_000_000, 18), units(2_000_000, 6));
  log(`pairs USDC-USDT ${await stablePair.getAddress()}, WETH-USDC ${await volatilePair.getAddress()}, FLUX-USDC ${await fluxPair.getAddress()}`);

  const symbolOf = Object.fromEntries(Object.entries(addresses).map(([symbol, address]) => [address.toLowerCase(), symbol]));
  const deployVault = async (name: string, pair: Contract, risk: RiskParameters, farmReward: bigint): Promise<DeployedVault> => {
    const farm = await deployFarm(hre, deployer, fluxAddress, await pair.getAddress(), farmReward);
    // Other liquidity providers already farm here: half the pair's liquidity is staked from the start, so the
    // farm's reward rate is shared as on a live market and a vault's reward APR is what its share earns.
    const lp = (await pair.balanceOf(deployerAddress)) as bigint;
    await (await pair.approve(await farm.getAddress(), lp / 2n)).wait();
    await (await farm.stake(lp / 2n)).wait();
    const token0Symbol = symbolOf[String(await pair.token0()).toLowerCase()];
    const token1Symbol = symbolOf[String(await pair.token1()).toLowerCase()];
    const pools = input.pools as Record<string, LendingPool>;
    const constructorArgs = await vaultConstructorArgs(hre, deployer, {
      pair: await pair.getAddress(),
      pool0: await pools[token0Symbol].getAddress(),
      pool1: await pools[token1Symbol].getAddress(),
      oracle: await oracle.getAddress(),
      farm: await farm.getAddress(),
      rewardPair: await fluxPair.getAddress(),
    });
    const vault = (await upgrades.deployProxy(
      await ethers.getContractFactory("StakingRewardsVault", deployer),
      [deployerAddress, input.guardian, risk, ethers.MaxUint256, ethers.MaxUint256],
      { kind: "uups", constructorArgs },
    )) as unknown as StakingRewardsVault;
    await vault.waitForDeployment();
    const vaultAddress = await vault.getAddress();
    for (const symbol of [token0Symbol, token1Symbol]) {
      await (await pools[symbol].connect(deployer).setCreditLimit(vaultAddress, ethers.MaxUint256 >> 129n)).wait();
    }
    log(`vault ${name} ${vaultAddress} (farm ${await farm.getAddress()})`);
    return { name, vault, pair, farm, token0Symbol, token1Symbol };
  };
  // 60-day reward periods sized for reward APRs in the tens of percent on the staked liquidity ($2M and $1M).
  const stable = await deployVault("USDC-USDT", stablePair, STABLE_VAULT_RISK, units(200_000, 18));
  const volatile = await deployVault("WETH-USDC", volatilePair, VOLATILE_VAULT_RISK, units(150_000, 18));
  return { flux, oracle, feeds, uniswap, fluxPair, vaults: { stable, volatile } };
}

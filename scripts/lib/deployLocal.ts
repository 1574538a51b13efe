/**
 * The local deployment: test tokens (faucet stablecoins and the real WETH9), one core pool per token with
 * its rate model, and a seed lender's deposits so the pools have liquidity from the first block.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import { LOCAL_TOKENS } from "../../lib/pools";
import type { Deployment } from "../../lib/deployments";
import { deployPool } from "./deployCorePools";
import { fundFromLocalSources } from "./localFunds";
import { deployVaultStack, type VaultStack } from "./deployVaults";
import type { LendingPool } from "../../typechain-types";

export interface LocalDeployOptions {
  /** Progress output; silent when omitted. */
  log?: (line: string) => void;
}

export interface LocalStack {
  deployment: Deployment;
  pools: Record<string, LendingPool>;
  farming: VaultStack;
}

export async function deployLocal(hre: HardhatRuntimeEnvironment, options: LocalDeployOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const { ethers } = hre;
  const [deployer, guardian] = await ethers.getSigners();
  const network = await ethers.provider.getNetwork();
  const startBlock = await ethers.provider.getBlockNumber();

  const deployment: Deployment = {
    network: hre.network.name,
    chainId: Number(network.chainId),
    startBlock,
    deployer: deployer.address,
    owner: deployer.address,
    guardian: guardian.address,
    tokens: {},
    pools: {},
    updatedAt: new Date().toISOString(),
  };

  const pools: Record<string, LendingPool> = {};
  for (const spec of LOCAL_TOKENS) {
    let address: string;
    if (spec.symbol === "WETH") {
      const weth = await new ethers.ContractFactory(WETH9.abi, WETH9.bytecode, deployer).deploy();
      await weth.waitForDeployment();
      address = await weth.getAddress();
      deployment.tokens.WETH = { address, artifact: "@uniswap/v2-periphery/build/WETH9.json", decimals: 18 };
    } else {
      const factory = await ethers.getContractFactory("FaucetToken");
      const faucetLimit = ethers.parseUnits(String(spec.faucetWholeTokens), spec.decimals);
      const token = await factory.deploy(spec.name, spec.symbol, spec.decimals, faucetLimit);
      await token.waitForDeployment();
      address = await token.getAddress();
      deployment.tokens[spec.symbol] = { address, artifact: "FaucetToken", decimals: spec.decimals };
    }
    log(`token ${spec.symbol.padEnd(5)} ${address}`);

    const { pool, record } = await deployPool(
      hre,
      { address, symbol: spec.symbol, decimals: spec.decimals, rateModel: spec.rateModel },
      { owner: deployer.address, guardian: guardian.address },
    );
    deployment.pools[spec.symbol] = record;
    pools[spec.symbol] = pool;
    log(`pool  f${spec.symbol.padEnd(4)} ${record.pool.address} (rate model ${record.interestRateModel.address})`);

    // Seed liquidity from the deployer, so lenders and (later) vaults find a live pool.
    const seed = ethers.parseUnits(String(spec.seedDepositWholeTokens), spec.decimals);
    const token = await ethers.getContractAt("IERC20", address, deployer);
    await fundFromLocalSources(deployment, spec.symbol, deployer, seed);
    await (await token.approve(record.pool.address, seed)).wait();
    await (await pool.deposit(seed, deployer.address)).wait();
    log(`seed  ${spec.seedDepositWholeTokens} ${spec.symbol} deposited into f${spec.symbol}`);
    const reserveSeed = ethers.parseUnits(String(spec.seedReserveWholeTokens), spec.decimals);
    await fundFromLocalSources(deployment, spec.symbol, deployer, reserveSeed);
    await (await token.approve(record.pool.address, reserveSeed)).wait();
    await (await pool.depositReserves(reserveSeed)).wait();
    await (await pool.setLiquidationIncentive(ethers.parseUnits(String(spec.liquidationIncentiveWholeTokens), spec.decimals))).wait();
  }

  const farming = await deployVaultStack(hre, {
    deployer,
    guardian: guardian.address,
    tokens: { USDC: deployment.tokens.USDC.address, USDT: deployment.tokens.USDT.address, WETH: deployment.tokens.WETH.address },
    pools: { USDC: pools.USDC, USDT: pools.USDT, WETH: pools.WETH },
    log,
  });
  const implementationOf = (address: string) => hre.upgrades.erc1967.getImplementationAddress(address);
  const fluxAddress = await farming.flux.getAddress();
  const oracleAddress = await farming.oracle.getAddress();
  deployment.tokens.FLUX = { address: fluxAddress, artifact: "FluxToken", decimals: 18, implementation: await implementationOf(fluxAddress) };
  const vaults: NonNullable<Deployment["farming"]>["vaults"] = {};
  for (const deployed of Object.values(farming.vaults)) {
    const address = await deployed.vault.getAddress();
    vaults[deployed.name] = {
      name: deployed.name,
      vault: { address, artifact: "StakingRewardsVault", implementation: await implementationOf(address) },
      pair: await deployed.pair.getAddress(),
      farm: await deployed.farm.getAddress(),
      token0: deployed.token0Symbol,
      token1: deployed.token1Symbol,
    };
  }
  const lens = await (await ethers.getContractFactory("VaultLens", deployer)).deploy();
  await lens.waitForDeployment();
  log(`lens  ${await lens.getAddress()}`);
  // Hardhat's chain pays gas in ETH, which the WETH feed prices: recorded explicitly, as a real network's config does.
  deployment.nativeToken = { symbol: "ETH", feed: await farming.feeds.WETH.getAddress() };
  deployment.farming = {
    flux: { address: fluxAddress, artifact: "FluxToken" },
    oracle: { address: oracleAddress, artifact: "PriceOracle", implementation: await implementationOf(oracleAddress) },
    feeds: Object.fromEntries(await Promise.all(Object.entries(farming.feeds).map(async ([symbol, feed]) => [symbol, await feed.getAddress()]))),
    uniswapFactory: await farming.uniswap.factory.getAddress(),
    uniswapRouter: await farming.uniswap.router.getAddress(),
    rewardPair: await farming.fluxPair.getAddress(),
    lens: { address: await lens.getAddress(), artifact: "VaultLens" },
    vaults,
  };
  deployment.updatedAt = new Date().toISOString();
  return { deployment, pools, farming };
}

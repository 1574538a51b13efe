/**
 * What a real chain already has before Flux arrives, recreated on a rehearsal node: tokens, Chainlink-style feeds,
 * a Uniswap V2 factory and router with liquid pairs, and StakingRewards farms paying a reward token. The production
 * deploy (scripts/deploy.ts) then runs against it exactly as it would against BSC or Polygon, from
 * config/networks/rehearsal.json, which names these contracts.
 *
 * Plain ethers, no Hardhat runtime: it runs against any JSON-RPC node with any signer. Deployed from a fresh
 * account on a fresh node, every address is fixed by the account and its nonce, so the committed config names them.
 */
import { ContractFactory, Contract, type InterfaceAbi, type Signer, parseUnits } from "ethers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import UniswapV2Factory from "@uniswap/v2-core/build/UniswapV2Factory.json";
import UniswapV2Router02 from "@uniswap/v2-periphery/build/UniswapV2Router02.json";
import StakingRewards from "@uniswap/liquidity-staker/build/StakingRewards.json";
import { LOCAL_PRICES_USD } from "../../lib/vaults";
import type { DeployConfig } from "../../lib/deployConfig";

export interface BuildArtifact {
  abi: InterfaceAbi;
  bytecode: string;
}

/** Reads a compiled contract of this project (FaucetToken, SettableAggregator), e.g. hre.artifacts.readArtifact. */
export type ArtifactReader = (name: string) => Promise<BuildArtifact>;

export interface RehearsalEcosystem {
  tokens: Record<"USDC" | "USDT" | "WETH" | "FLUX", string>;
  feeds: Record<"USDC" | "USDT" | "WETH" | "FLUX", string>;
  factory: string;
  router: string;
  pairs: { "USDC-USDT": string; "WETH-USDC": string; "FLUX-USDC": string };
  farms: { "USDC-USDT": string; "WETH-USDC": string };
}

const FEED_DECIMALS = 8;
const ERC20_ABI = ["function approve(address spender, uint256 amount) returns (bool)", "function transfer(address to, uint256 amount) returns (bool)"];

/** Deploys the stand-in ecosystem from `signer`; about 30 transactions. */
export async function deployRehearsalEcosystem(signer: Signer, readArtifact: ArtifactReader): Promise<RehearsalEcosystem> {
  const owner = await signer.getAddress();
  const deploy = async (artifact: BuildArtifact, ...args: unknown[]): Promise<Contract> => {
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, signer).deploy(...args);
    await contract.waitForDeployment();
    return contract as unknown as Contract;
  };
  const send = async (contract: Contract, method: string, ...args: unknown[]) => {
    await (await contract.getFunction(method)(...args)).wait();
  };

  // Tokens: USD stablecoins with 6 decimals, the real WETH9, and FLUX standing in for the DEX's reward token.
  const faucetToken = await readArtifact("FaucetToken");
  const usdc = await deploy(faucetToken, "USD Coin (rehearsal)", "USDC", 6, parseUnits("100000000", 6));
  const usdt = await deploy(faucetToken, "Tether USD (rehearsal)", "USDT", 6, parseUnits("100000000", 6));
  const weth = await deploy({ abi: WETH9.abi, bytecode: WETH9.bytecode });
  const flux = await deploy(faucetToken, "Flux (rehearsal reward token)", "FLUX", 18, parseUnits("100000000", 18));
  const tokens = {
    USDC: await usdc.getAddress(),
    USDT: await usdt.getAddress(),
    WETH: await weth.getAddress(),
    FLUX: await flux.getAddress(),
  };

  // Chainlink-style USD feeds.
  const aggregator = await readArtifact("SettableAggregator");
  const feeds = {} as RehearsalEcosystem["feeds"];
  for (const symbol of ["USDC", "USDT", "WETH", "FLUX"] as const) {
    const answer = BigInt(Math.round(LOCAL_PRICES_USD[symbol] * 10 ** FEED_DECIMALS));
    feeds[symbol] = await (await deploy(aggregator, FEED_DECIMALS, `${symbol} / USD`, answer)).getAddress();
  }

  // The DEX.
  const factory = await deploy({ abi: UniswapV2Factory.abi, bytecode: UniswapV2Factory.bytecode }, owner);
  const router = await deploy({ abi: UniswapV2Router02.abi, bytecode: UniswapV2Router02.bytecode }, await factory.getAddress(), tokens.WETH);
  const routerAddress = await router.getAddress();

  // Balances for the liquidity and the farms' rewards.
  await send(usdc, "faucet", parseUnits("3500000", 6));
  await send(usdt, "faucet", parseUnits("2000000", 6));
  await send(flux, "faucet", parseUnits("3000000", 18));
  await send(weth, "deposit", { value: parseUnits("500", 18) });

  const addLiquidity = async (tokenA: string, tokenB: string, amountA: bigint, amountB: bigint): Promise<string> => {
    for (const [token, amount] of [[tokenA, amountA], [tokenB, amountB]] as const) {
      await send(new Contract(token, ERC20_ABI, signer), "approve", routerAddress, amount);
    }
    const deadline = 2n ** 40n;
    await send(router, "addLiquidity", tokenA, tokenB, amountA, amountB, amountA, amountB, owner, deadline);
    return String(await factory.getFunction("getPair")(tokenA, tokenB));
  };
  const pairs = {
    "USDC-USDT": await addLiquidity(tokens.USDC, tokens.USDT, parseUnits("2000000", 6), parseUnits("2000000", 6)),
    "WETH-USDC": await addLiquidity(tokens.WETH, tokens.USDC, parseUnits("500", 18), parseUnits("1000000", 6)),
    "FLUX-USDC": await addLiquidity(tokens.FLUX, tokens.USDC, parseUnits("1000000", 18), parseUnits("500000", 6)),
  };

  // StakingRewards farms for the two vault pairs, paying FLUX over 60 days.
  const farms = {} as RehearsalEcosystem["farms"];
  for (const name of ["USDC-USDT", "WETH-USDC"] as const) {
    const farm = await deploy({ abi: StakingRewards.abi, bytecode: StakingRewards.bytecode }, owner, tokens.FLUX, pairs[name]);
    const reward = parseUnits("500000", 18);
    await send(new Contract(tokens.FLUX, ERC20_ABI, signer), "transfer", await farm.getAddress(), reward);
    await send(farm, "notifyRewardAmount", reward);
    farms[name] = await farm.getAddress();
  }
  return { tokens, feeds, factory: await factory.getAddress(), router: routerAddress, pairs, farms };
}


/** Hardhat's default account #9: the rehearsal's "rest of the chain", so the deployer's nonces stay its own. */
export const REHEARSAL_ECOSYSTEM_ACCOUNT = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

/** Where the config names another address than the ecosystem has; empty when they agree. */
export function ecosystemMismatches(ecosystem: RehearsalEcosystem, config: DeployConfig): string[] {
  const mismatches: string[] = [];
  const expect = (field: string, configured: string | undefined, actual: string) => {
    if (configured?.toLowerCase() !== actual.toLowerCase()) mismatches.push(`  ${field}: config ${configured}, deployed ${actual}`);
  };
  for (const symbol of Object.keys(ecosystem.tokens) as (keyof RehearsalEcosystem["tokens"])[]) {
    expect(`tokens.${symbol}.address`, config.tokens[symbol]?.address, ecosystem.tokens[symbol]);
    expect(`tokens.${symbol}.feed`, config.tokens[symbol]?.feed, ecosystem.feeds[symbol]);
  }
  expect("dex.factory", config.dex.factory, ecosystem.factory);
  expect("dex.router", config.dex.router, ecosystem.router);
  expect("rewards.pair", config.rewards.pair, ecosystem.pairs["FLUX-USDC"]);
  for (const name of Object.keys(ecosystem.farms) as (keyof RehearsalEcosystem["farms"])[]) {
    expect(`vaults["${name}"].pair`, config.vaults[name]?.pair, ecosystem.pairs[name]);
    expect(`vaults["${name}"].farm`, config.vaults[name]?.farm, ecosystem.farms[name]);
  }
  return mismatches;
}

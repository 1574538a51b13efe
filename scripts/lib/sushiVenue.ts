/**
 * The SushiSwap venue on a chain: SushiSwap's factory and router, SushiToken and MasterChef, deployed from the
 * artifacts `scripts/lib/sushiBuild.ts` compiles from @sushiswap/core's shipped sources. No mocks. Pairs are seeded
 * with `createPairWithLiquidity` from deployUniswap.ts: SushiSwap's factory and router have Uniswap V2's interface.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Contract, Signer } from "ethers";
import type { UniswapDeployment } from "./deployUniswap";
import { sushiArtifact, type SushiContractName } from "./sushiBuild";

export const SUSHI_PAIR_ABI = sushiArtifact("UniswapV2Pair").abi;
export const MASTER_CHEF_ABI = sushiArtifact("MasterChef").abi;

/** A venue contract's factory, for `deploy(...)` or `attach(address)`. */
export async function sushiContractFactory(hre: HardhatRuntimeEnvironment, name: SushiContractName, signer: Signer) {
  return hre.ethers.getContractFactoryFromArtifact(sushiArtifact(name), signer);
}

/** SushiSwap's factory (fees off: the deployer is feeToSetter) and router on `weth`. */
export async function deploySushiSwap(hre: HardhatRuntimeEnvironment, deployer: Signer, weth: string): Promise<UniswapDeployment> {
  const factory = await (await sushiContractFactory(hre, "UniswapV2Factory", deployer)).deploy(await deployer.getAddress());
  await factory.waitForDeployment();
  const router = await (await sushiContractFactory(hre, "UniswapV2Router02", deployer)).deploy(await factory.getAddress(), weth);
  await router.waitForDeployment();
  return { factory: factory as unknown as Contract, router: router as unknown as Contract };
}

export interface MasterChefSetup {
  /** Receives a tenth of every reward on top (MasterChef's dev share). */
  dev: string;
  /** SUSHI minted per block across all pools, before the bonus multiplier (10x until `bonusEndBlock`). */
  sushiPerBlock: bigint;
  startBlock: bigint;
  bonusEndBlock: bigint;
  /** SUSHI minted to the deployer before MasterChef takes the token over (for example to seed a SUSHI pair). */
  premint?: bigint;
}

export interface MasterChefDeployment {
  sushi: Contract;
  chef: Contract;
}

/**
 * SushiToken and a MasterChef minting it: the deployer mints `premint`, hands the token to MasterChef (from then on
 * only MasterChef mints) and stays MasterChef's owner, so it can add the pools before `handOverMasterChef`.
 */
export async function deployMasterChef(hre: HardhatRuntimeEnvironment, deployer: Signer, setup: MasterChefSetup): Promise<MasterChefDeployment> {
  const sushi = (await (await sushiContractFactory(hre, "SushiToken", deployer)).deploy()) as unknown as Contract;
  await sushi.waitForDeployment();
  if (setup.premint) await (await sushi.mint(await deployer.getAddress(), setup.premint)).wait();
  const chef = (await (await sushiContractFactory(hre, "MasterChef", deployer)).deploy(
    await sushi.getAddress(),
    setup.dev,
    setup.sushiPerBlock,
    setup.startBlock,
    setup.bonusEndBlock,
  )) as unknown as Contract;
  await chef.waitForDeployment();
  await (await sushi.transferOwnership(await chef.getAddress())).wait();
  return { sushi, chef };
}

/**
 * Adds each pool (MasterChef refuses nothing: the same LP token added twice breaks its rewards, so this refuses it),
 * then hands MasterChef's ownership (pools, allocations, the migrator) to `owner`, on a real chain a timelock.
 */
export async function addPoolsAndHandOver(chef: Contract, pools: { lpToken: string; allocPoint: bigint }[], owner: string): Promise<void> {
  const tokens = pools.map((pool) => pool.lpToken.toLowerCase());
  const existing = Number(await chef.poolLength());
  for (let pid = 0; pid < existing; pid++) tokens.push(String((await chef.poolInfo(pid)).lpToken).toLowerCase());
  if (new Set(tokens).size !== tokens.length) throw new Error("MasterChef: an LP token would be added twice (its rewards would be wrong)");
  for (const pool of pools) await (await chef.add(pool.allocPoint, pool.lpToken, true)).wait();
  await (await chef.transferOwnership(owner)).wait();
}

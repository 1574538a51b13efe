/**
 * Real Uniswap V2 (factory, router, pairs) and Synthetix-style StakingRewards farms, deployed from the build
 * artifacts published in @uniswap/v2-core, @uniswap/v2-periphery and @uniswap/liquidity-staker. No mocks.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Contract, Signer } from "ethers";
import UniswapV2Factory from "@uniswap/v2-core/build/UniswapV2Factory.json";
import UniswapV2Pair from "@uniswap/v2-core/build/UniswapV2Pair.json";
import UniswapV2Router02 from "@uniswap/v2-periphery/build/UniswapV2Router02.json";
import StakingRewards from "@uniswap/liquidity-staker/build/StakingRewards.json";

export const PAIR_ABI = UniswapV2Pair.abi;
export const ROUTER_ABI = UniswapV2Router02.abi;
export const STAKING_REWARDS_ABI = StakingRewards.abi;

export interface UniswapDeployment {
  factory: Contract;
  router: Contract;
}

export async function deployUniswap(hre: HardhatRuntimeEnvironment, deployer: Signer, weth: string): Promise<UniswapDeployment> {
  const { ethers } = hre;
  const factory = await new ethers.ContractFactory(UniswapV2Factory.abi, UniswapV2Factory.bytecode, deployer).deploy(
    await deployer.getAddress(),
  );
  await factory.waitForDeployment();
  const router = await new ethers.ContractFactory(UniswapV2Router02.abi, UniswapV2Router02.bytecode, deployer).deploy(
    await factory.getAddress(),
    weth,
  );
  await router.waitForDeployment();
  return { factory: factory as unknown as Contract, router: router as unknown as Contract };
}

/** Creates the pair (if needed) and seeds it through the router, so its price is amountA : amountB. */
export async function createPairWithLiquidity(
  hre: HardhatRuntimeEnvironment,
  uniswap: UniswapDeployment,
  deployer: Signer,
  tokenA: string,
  tokenB: string,
  amountA: bigint,
  amountB: bigint,
): Promise<Contract> {
  const { ethers } = hre;
  const owner = await deployer.getAddress();
  const router = uniswap.router.connect(deployer) as Contract;
  for (const [token, amount] of [[tokenA, amountA], [tokenB, amountB]] as const) {
    const erc20 = await ethers.getContractAt("IERC20", token, deployer);
    await (await erc20.approve(await router.getAddress(), amount)).wait();
  }
  const deadline = (await ethers.provider.getBlock("latest"))!.timestamp + 3600;
  await (await router.addLiquidity(tokenA, tokenB, amountA, amountB, amountA, amountB, owner, deadline)).wait();
  const pairAddress: string = await uniswap.factory.getPair(tokenA, tokenB);
  return new ethers.Contract(pairAddress, UniswapV2Pair.abi, deployer);
}

/**
 * A StakingRewards farm for `stakingToken` paying `rewardToken`; the deployer is the rewards distributor and
 * starts a 60-day reward period with `rewardAmount` (which it must hold).
 */
export async function deployFarm(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
  rewardToken: string,
  stakingToken: string,
  rewardAmount: bigint,
): Promise<Contract> {
  const { ethers } = hre;
  const farm = await new ethers.ContractFactory(StakingRewards.abi, StakingRewards.bytecode, deployer).deploy(
    await deployer.getAddress(),
    rewardToken,
    stakingToken,
  );
  await farm.waitForDeployment();
  if (rewardAmount > 0n) {
    const reward = await ethers.getContractAt("IERC20", rewardToken, deployer);
    await (await reward.transfer(await farm.getAddress(), rewardAmount)).wait();
    await (await (farm as unknown as Contract).notifyRewardAmount(rewardAmount)).wait();
  }
  return farm as unknown as Contract;
}

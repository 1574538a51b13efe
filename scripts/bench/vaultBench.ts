/**
 * Gas of the leveraged vault's operations and, in the same run on the same pair, of the bare primitives they are
 * built from (router swap, addLiquidity, removeLiquidity; farm stake, withdraw, getReward).
 * The vaults run on the full local stack: real Uniswap V2, StakingRewards, pools with lenders, an hour between
 * operations so the pools accrue interest as they would live.
 */
import hre from "hardhat";
import type { Contract } from "ethers";
import { deployLocal } from "../lib/deployLocal";
import { STAKING_REWARDS_ABI } from "../lib/deployUniswap";
import { VOLATILE_VAULT_RISK } from "../../lib/vaults";
import { gasOf, type GasResults } from "./poolBench";

const FAR_FUTURE = 2n ** 40n;

export async function benchVaults(): Promise<GasResults> {
  const { ethers } = hre;
  const { deployment, farming } = await deployLocal(hre);
  const [deployer, , alice, bob, carol, dave, liquidator] = await ethers.getSigners();
  const { stable, volatile } = farming.vaults;
  const usd = (amount: number) => BigInt(amount) * 10n ** 6n;
  const anHourLater = async () => {
    await hre.network.provider.send("evm_increaseTime", [3600]);
    for (const feed of Object.values(farming.feeds)) await feed.setAnswer((await feed.latestRoundData()).answer);
  };
  const token = (symbol: string) => ethers.getContractAt("FaucetToken", deployment.tokens[symbol].address);
  const [usdc, usdt, weth] = [await token("USDC"), await token("USDT"), await token("WETH")];
  const stableAddress = await stable.vault.getAddress();
  for (const farmer of [alice, bob, carol, dave]) {
    await usdc.connect(farmer).faucet(usd(100_000));
    await usdt.connect(farmer).faucet(usd(100_000));
    await usdc.connect(farmer).approve(stableAddress, ethers.MaxUint256);
    await usdt.connect(farmer).approve(stableAddress, ethers.MaxUint256);
  }
  const stableToken0IsUsdc = stable.token0Symbol === "USDC";
  const oneSide = (supplied: bigint, borrowed: bigint) =>
    stableToken0IsUsdc
      ? { amount0: supplied, amount1: 0n, borrow0: 0n, borrow1: borrowed, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE }
      : { amount0: 0n, amount1: supplied, borrow0: borrowed, borrow1: 0n, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE };

  const results: GasResults = {};
  // A position already in the vault, so the measured ones find it warm, as any but the first farmer does.
  await stable.vault.connect(dave).open(oneSide(usd(1_000), usd(2_000)));
  await anHourLater();
  results["vault.open3x.oneSide"] = await gasOf(stable.vault.connect(alice).open(oneSide(usd(1_000), usd(2_000))));
  const aliceId = await stable.vault.lastPositionId();
  await anHourLater();
  results["vault.open3x.bothSides"] = await gasOf(
    stable.vault.connect(bob).open({ amount0: usd(500), amount1: usd(500), borrow0: usd(1_000), borrow1: usd(1_000), minShares: 0n, minLp: 0n, deadline: FAR_FUTURE }),
  );
  const bobId = await stable.vault.lastPositionId();
  await anHourLater();
  results["vault.open10x"] = await gasOf(stable.vault.connect(carol).open(oneSide(usd(1_000), usd(9_000))));
  await anHourLater();
  results["vault.addCollateral"] = await gasOf(stable.vault.connect(alice).increase(aliceId, oneSide(usd(500), 0n)));
  await anHourLater();
  results["vault.partialClose"] = await gasOf(
    stable.vault.connect(bob).close({ positionId: bobId, fractionBps: 5_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }),
  );
  await hre.network.provider.send("evm_increaseTime", [86_400]);
  await anHourLater();
  results["vault.harvest"] = await gasOf(stable.vault.connect(carol).harvest(0n));
  await anHourLater();
  results["vault.close"] = await gasOf(
    stable.vault.connect(alice).close({ positionId: aliceId, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }),
  );

  // Liquidation: two 3x WETH-USDC positions become liquidatable when the admin tightens the kill factor below them
  // (the unwind, bounty, swap-to-repay and repayment are the same as after a price drop); one is liquidated through
  // the pair, the other by a liquidator who pays the debt and takes the LP.
  const volatileAddress = await volatile.vault.getAddress();
  await weth.connect(dave).approve(volatileAddress, ethers.MaxUint256);
  await new ethers.Contract(deployment.tokens.WETH.address, ["function deposit() payable"], dave).deposit({ value: ethers.parseEther("3") });
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const open3xWeth = () =>
    volatile.vault.connect(dave).open({
      amount0: wethIsToken0 ? ethers.parseEther("1") : 0n,
      amount1: wethIsToken0 ? 0n : ethers.parseEther("1"),
      borrow0: wethIsToken0 ? 0n : usd(4_000),
      borrow1: wethIsToken0 ? usd(4_000) : 0n,
      minShares: 0n, minLp: 0n,
      deadline: FAR_FUTURE,
    });
  await open3xWeth();
  const throughPair = await volatile.vault.lastPositionId();
  await open3xWeth();
  const withRepayment = await volatile.vault.lastPositionId();
  await open3xWeth();
  const withCallback = await volatile.vault.lastPositionId();
  await volatile.vault.connect(deployer).setRiskParameters({ ...VOLATILE_VAULT_RISK, workFactorBps: 6_000, killFactorBps: 6_500, liquidationTargetBps: 6_000 });
  // A working keeper already holds both tokens and LP from earlier liquidations; a first-ever liquidation costs
  // about 20k more per new token balance.
  await usdc.connect(liquidator).faucet(usd(10_000));
  await usdc.connect(liquidator).approve(volatileAddress, ethers.MaxUint256);
  await new ethers.Contract(deployment.tokens.WETH.address, ["function deposit() payable"], liquidator).deposit({ value: 1n });
  await (volatile.pair.connect(deployer) as Contract).transfer(liquidator.address, 1n);
  await anHourLater();
  results["vault.liquidate"] = await gasOf(volatile.vault.connect(liquidator).liquidate(throughPair));
  await anHourLater();
  results["vault.liquidateWithRepayment"] = await gasOf(volatile.vault.connect(liquidator).liquidateWithRepayment(withRepayment));
  // Capital-free, through the FlashLiquidator: the vault's callback path plus the burn and swap in the pair and the
  // sweep to the liquidator (its balances already warm, as above).
  const flash = await (await ethers.getContractFactory("FlashLiquidator", liquidator)).deploy();
  await anHourLater();
  results["vault.liquidateWithCallback"] = await gasOf(flash.liquidate(volatileAddress, withCallback, liquidator.address, 0n, 0n));

  // The bare primitives, by an EOA on the same pair and farm.
  const router = farming.uniswap.router.connect(deployer) as Contract;
  const pair = stable.pair.connect(deployer) as Contract;
  const [token0, token1] = stableToken0IsUsdc ? [usdc, usdt] : [usdt, usdc];
  for (const erc20 of [usdc, usdt]) {
    await erc20.connect(deployer).faucet(usd(100_000));
    await erc20.connect(deployer).approve(await router.getAddress(), ethers.MaxUint256);
  }
  await pair.approve(await router.getAddress(), ethers.MaxUint256);
  // A farm of our own for the EOA, so its stake is not mixed with the vault's.
  const farm = new ethers.Contract(await stable.farm.getAddress(), STAKING_REWARDS_ABI, deployer);
  await pair.approve(await farm.getAddress(), ethers.MaxUint256);
  const path = [await token0.getAddress(), await token1.getAddress()];
  await router.swapExactTokensForTokens(usd(100), 0, path, deployer.address, FAR_FUTURE); // warm the EOA's balances
  await anHourLater();
  results["primitive.swap"] = await gasOf(router.swapExactTokensForTokens(usd(1_000), 0, path, deployer.address, FAR_FUTURE));
  results["primitive.addLiquidity"] = await gasOf(
    router.addLiquidity(path[0], path[1], usd(1_000), usd(1_000), 0, 0, deployer.address, FAR_FUTURE),
  );
  const lp = (await pair.balanceOf(deployer.address)) as bigint;
  results["primitive.stake"] = await gasOf(farm.stake(lp / 2n));
  await anHourLater();
  results["primitive.getReward"] = await gasOf(farm.getReward());
  results["primitive.unstake"] = await gasOf(farm.withdraw(lp / 2n));
  results["primitive.removeLiquidity"] = await gasOf(router.removeLiquidity(path[0], path[1], lp / 2n, 0, 0, deployer.address, FAR_FUTURE));
  return results;
}

/** Alpaca Finance's own contracts measured on this EVM, 3x positions (the vault safety issue gives half of each);
 *  we aim for at most half. */
export const VAULT_ANCHORS: GasResults = {
  "vault.open3x.oneSide": 829_434,
  "vault.open3x.bothSides": 859_562,
  "vault.open10x": 829_434,
  "vault.close": 750_672,
  "vault.partialClose": 871_300,
  "vault.addCollateral": 1_070_000,
  "vault.harvest": 606_612,
  "vault.liquidate": 710_018,
  "vault.liquidateWithRepayment": 710_018,
  "vault.liquidateWithCallback": 710_018,
};

/** The primitives each vault operation needs, for the "times the sum of its parts" column. */
export const VAULT_PARTS: Record<string, string[]> = {
  "vault.open3x.oneSide": ["primitive.swap", "primitive.addLiquidity", "primitive.stake"],
  "vault.open3x.bothSides": ["primitive.swap", "primitive.addLiquidity", "primitive.stake"],
  "vault.open10x": ["primitive.swap", "primitive.addLiquidity", "primitive.stake"],
  "vault.addCollateral": ["primitive.swap", "primitive.addLiquidity", "primitive.stake"],
  "vault.partialClose": ["primitive.unstake", "primitive.removeLiquidity", "primitive.swap"],
  "vault.close": ["primitive.unstake", "primitive.removeLiquidity", "primitive.swap"],
  "vault.harvest": ["primitive.getReward", "primitive.swap", "primitive.swap", "primitive.addLiquidity", "primitive.stake"],
  "vault.liquidate": ["primitive.unstake", "primitive.removeLiquidity", "primitive.swap"],
  "vault.liquidateWithRepayment": ["primitive.unstake"],
  "vault.liquidateWithCallback": ["primitive.unstake", "primitive.removeLiquidity", "primitive.swap"],
};

import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, type Contract, type ContractTransactionResponse } from "ethers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import { createPairWithLiquidity } from "../../../scripts/lib/deployUniswap";
import { addPoolsAndHandOver, deployMasterChef, deploySushiSwap } from "../../../scripts/lib/sushiVenue";

/**
 * The SushiSwap venue for the venue tests: SushiSwap's factory and router, SushiToken and MasterChef built from
 * @sushiswap/core's shipped sources, a WETH-USDT pair (MasterChef pool 0) and a SUSHI-WETH reward pair (pool 1),
 * MasterChef owned by the project's FluxTimelock, and two farmers holding LP they added through the router.
 */

export const WETH = (amount: number) => ethers.parseUnits(String(amount), 18);
export const USDT = (amount: number) => ethers.parseUnits(String(amount), 6);
export const SUSHI = (amount: number) => ethers.parseUnits(String(amount), 18);
export const SUSHI_PER_BLOCK = SUSHI(100);
export const BONUS_MULTIPLIER = 10n;
export const BONUS_BLOCKS = 60n;
export const TIMELOCK_DELAY = 2n * 24n * 3600n;
export const PRECISION = 10n ** 12n; // MasterChef's accSushiPerShare scale
export const WETH_USDT_ALLOC = 1_000n;
export const SUSHI_WETH_ALLOC = 500n;
export const TOTAL_ALLOC = WETH_USDT_ALLOC + SUSHI_WETH_ALLOC;

export async function sushiVenueFixture() {
  const [deployer, governor, dev, alice, bob, carol] = await ethers.getSigners();
  const weth = (await new ethers.ContractFactory(WETH9.abi, WETH9.bytecode, deployer).deploy()) as unknown as Contract;
  const usdt = (await (await ethers.getContractFactory("FaucetToken")).deploy("Tether USD", "USDT", 6, USDT(10_000_000))) as unknown as Contract;
  const [wethAddress, usdtAddress] = [await weth.getAddress(), await usdt.getAddress()];
  const sushiswap = await deploySushiSwap(hre, deployer, wethAddress);

  const startBlock = BigInt(await ethers.provider.getBlockNumber()) + 40n;
  const { sushi, chef } = await deployMasterChef(hre, deployer, {
    dev: dev.address,
    sushiPerBlock: SUSHI_PER_BLOCK,
    startBlock,
    bonusEndBlock: startBlock + BONUS_BLOCKS,
    premint: SUSHI(10_000),
  });
  const sushiAddress = await sushi.getAddress();

  await (await weth.connect(deployer).getFunction("deposit")({ value: WETH(110) })).wait();
  await (await usdt.connect(deployer).getFunction("faucet")(USDT(300_000))).wait();
  // 1 WETH = 3,000 USDT; 1 SUSHI = 0.001 WETH (3 USDT): the reward pair a vault sells SUSHI into.
  const wethUsdt = await createPairWithLiquidity(hre, sushiswap, deployer, wethAddress, usdtAddress, WETH(100), USDT(300_000));
  const sushiWeth = await createPairWithLiquidity(hre, sushiswap, deployer, sushiAddress, wethAddress, SUSHI(10_000), WETH(10));

  const timelock = (await (await ethers.getContractFactory("FluxTimelock")).deploy(
    TIMELOCK_DELAY,
    [governor.address],
    [governor.address],
    ethers.ZeroAddress,
  )) as unknown as Contract;
  await addPoolsAndHandOver(
    chef,
    [
      { lpToken: await wethUsdt.getAddress(), allocPoint: WETH_USDT_ALLOC },
      { lpToken: await sushiWeth.getAddress(), allocPoint: SUSHI_WETH_ALLOC },
    ],
    await timelock.getAddress(),
  );

  // Farmers add their own liquidity through the router: alice 2 WETH + 6,000 USDT, bob 3 WETH + 9,000 USDT.
  const lpOf: Record<string, bigint> = {};
  for (const [farmer, eth] of [[alice, 2], [bob, 3]] as const) {
    await (await weth.connect(farmer).getFunction("deposit")({ value: WETH(eth) })).wait();
    await (await usdt.connect(farmer).getFunction("faucet")(USDT(eth * 3_000))).wait();
    const router = sushiswap.router.connect(farmer) as Contract;
    await (await weth.connect(farmer).getFunction("approve")(await router.getAddress(), WETH(eth))).wait();
    await (await usdt.connect(farmer).getFunction("approve")(await router.getAddress(), USDT(eth * 3_000))).wait();
    await (await router.addLiquidity(wethAddress, usdtAddress, WETH(eth), USDT(eth * 3_000), 0, 0, farmer.address, 2n ** 40n)).wait();
    lpOf[farmer.address] = await wethUsdt.balanceOf(farmer.address);
    await (await wethUsdt.connect(farmer).getFunction("approve")(await chef.getAddress(), lpOf[farmer.address])).wait();
  }
  return { deployer, governor, dev, alice, bob, carol, weth, usdt, sushi, chef, sushiswap, wethUsdt, sushiWeth, timelock, startBlock, lpOf };
}

export type Venue = Awaited<ReturnType<typeof sushiVenueFixture>>;

/**
 * MasterChef's reward arithmetic for one pool, written from its documented rules (not from its code): SUSHI per
 * block times the multiplier (10x before bonusEndBlock), the pool's share of the allocation points, spread over the
 * staked LP at a 1e12 scale, each division rounding down (so dust stays in MasterChef).
 */
export class ChefPoolModel {
  acc = 0n;
  last: bigint;
  staked = 0n;
  minted = 0n;
  devMinted = 0n;
  readonly users = new Map<string, { amount: bigint; debt: bigint }>();
  constructor(
    readonly startBlock: bigint,
    readonly bonusEndBlock: bigint,
    readonly allocPoint: bigint,
  ) {
    this.last = startBlock;
  }
  multiplier(from: bigint, to: bigint): bigint {
    if (to <= this.bonusEndBlock) return (to - from) * BONUS_MULTIPLIER;
    if (from >= this.bonusEndBlock) return to - from;
    return (this.bonusEndBlock - from) * BONUS_MULTIPLIER + (to - this.bonusEndBlock);
  }
  private accAt(block: bigint): bigint {
    if (block <= this.last || this.staked === 0n) return this.acc;
    const reward = (this.multiplier(this.last, block) * SUSHI_PER_BLOCK * this.allocPoint) / TOTAL_ALLOC;
    return this.acc + (reward * PRECISION) / this.staked;
  }
  private update(block: bigint) {
    if (block <= this.last) return;
    if (this.staked > 0n) {
      const reward = (this.multiplier(this.last, block) * SUSHI_PER_BLOCK * this.allocPoint) / TOTAL_ALLOC;
      this.minted += reward;
      this.devMinted += reward / 10n;
    }
    this.acc = this.accAt(block);
    this.last = block;
  }
  private user(address: string) {
    if (!this.users.has(address)) this.users.set(address, { amount: 0n, debt: 0n });
    return this.users.get(address)!;
  }
  pending(address: string, block: bigint): bigint {
    const user = this.user(address);
    return (user.amount * this.accAt(block)) / PRECISION - user.debt;
  }
  /** deposit(pid, amount) at `block`; returns the SUSHI it pays. */
  deposit(address: string, amount: bigint, block: bigint): bigint {
    this.update(block);
    const user = this.user(address);
    const paid = user.amount > 0n ? (user.amount * this.acc) / PRECISION - user.debt : 0n;
    user.amount += amount;
    this.staked += amount;
    user.debt = (user.amount * this.acc) / PRECISION;
    return paid;
  }
  /** withdraw(pid, amount) at `block`; returns the SUSHI it pays. */
  withdraw(address: string, amount: bigint, block: bigint): bigint {
    this.update(block);
    const user = this.user(address);
    const paid = (user.amount * this.acc) / PRECISION - user.debt;
    user.amount -= amount;
    this.staked -= amount;
    user.debt = (user.amount * this.acc) / PRECISION;
    return paid;
  }
}

export async function blockOf(tx: Promise<ContractTransactionResponse>): Promise<{ block: bigint; gas: bigint }> {
  const receipt = (await (await tx).wait())!;
  return { block: BigInt(receipt.blockNumber), gas: receipt.gasUsed };
}

/** The timelock's governor schedules `calls` on MasterChef, waits the delay and executes them. */
export async function governChef(venue: Venue, calls: string[], salt: string) {
  const { timelock, governor, chef } = venue;
  const targets = calls.map(() => chef.target);
  const values = calls.map(() => 0n);
  await (await timelock.connect(governor).getFunction("scheduleBatch")(targets, values, calls, ZeroHash, salt, TIMELOCK_DELAY)).wait();
  await time.increase(TIMELOCK_DELAY);
  await (await timelock.connect(governor).getFunction("executeBatch")(targets, values, calls, ZeroHash, salt)).wait();
}

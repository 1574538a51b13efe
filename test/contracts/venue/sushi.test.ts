import { expect } from "chai";
import fs from "node:fs";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, solidityPacked, ZeroHash, type Contract } from "ethers";
import { SHIPPED_INIT_CODE_HASH, sushiArtifact, sushiBuildInfo, sushiSourceFile } from "../../../scripts/lib/sushiBuild";
import { SUSHI_PAIR_ABI } from "../../../scripts/lib/sushiVenue";
import { getAmountOut } from "../../../lib/vaultMath";
import {
  BONUS_BLOCKS,
  BONUS_MULTIPLIER,
  blockOf,
  ChefPoolModel,
  governChef,
  SUSHI_PER_BLOCK,
  sushiVenueFixture,
  TIMELOCK_DELAY,
  TOTAL_ALLOC,
  WETH,
  WETH_USDT_ALLOC,
} from "./fixtures";

/**
 * The SushiSwap venue, real: SushiSwap's factory, pair and router, SushiToken and MasterChef compiled from
 * @sushiswap/core 1.4.2's shipped sources (scripts/lib/sushiBuild.ts), owned by the project's own timelock. What a
 * vault farming on MasterChef meets: rewards per block with the bonus multiplier and the allocation split, harvest
 * by deposit(pid, 0), emergencyWithdraw when the farm fails, and the owner's migrator power.
 */

describe("SushiSwap venue (real SushiSwap and MasterChef from @sushiswap/core 1.4.2)", () => {
  it("is compiled from the shipped sources, the router's init code hash the only literal replaced, and routes to the factory's pairs", async () => {
    const info = sushiBuildInfo();
    const replaced = info.substitutions.map((substitution) => substitution.source);
    expect(replaced).to.deep.equal(["@sushiswap/core/contracts/uniswapv2/libraries/UniswapV2Library.sol"]);
    let identical = 0;
    for (const [unit, compiledHash] of Object.entries(info.sources)) {
      const shipped = keccak256(fs.readFileSync(sushiSourceFile(unit)));
      if (replaced.includes(unit)) expect(compiledHash, unit).to.not.equal(shipped);
      else {
        expect(compiledHash, unit).to.equal(shipped);
        identical++;
      }
    }
    console.log(`      ${identical} of ${Object.keys(info.sources).length} sources byte-identical to node_modules; ${info.compiler}`);

    const venue = await loadFixture(sushiVenueFixture);
    const { sushiswap, wethUsdt, weth, usdt, carol } = venue;
    const pairCodeHash: string = await sushiswap.factory.pairCodeHash();
    expect(pairCodeHash).to.equal(keccak256(sushiArtifact("UniswapV2Pair").bytecode));
    expect(info.substitutions[0]).to.deep.equal({ source: replaced[0], from: SHIPPED_INIT_CODE_HASH, to: pairCodeHash });
    const routerCode = await ethers.provider.getCode(sushiswap.router.target);
    expect(routerCode).to.include(pairCodeHash.slice(2));
    expect(routerCode).to.not.include(SHIPPED_INIT_CODE_HASH.slice(2));

    // With the shipped literal the router would send every transfer to an empty address: mainnet's pair, not ours.
    const [token0, token1] = [await wethUsdt.token0(), await wethUsdt.token1()];
    const salt = keccak256(solidityPacked(["address", "address"], [token0, token1]));
    const wherePairIs = await sushiswap.factory.getPair(await weth.getAddress(), await usdt.getAddress());
    expect(wherePairIs).to.equal(await wethUsdt.getAddress());
    expect(ethers.getCreate2Address(String(sushiswap.factory.target), salt, pairCodeHash)).to.equal(wherePairIs);
    expect(ethers.getCreate2Address(String(sushiswap.factory.target), salt, SHIPPED_INIT_CODE_HASH)).to.not.equal(wherePairIs);

    // A swap through the router pays exactly the constant-product quote with SushiSwap's 0.3% fee.
    const amountIn = WETH(1);
    const [reserve0, reserve1] = await wethUsdt.getReserves();
    const wethIs0 = token0 === (await weth.getAddress());
    const expectedOut = getAmountOut(amountIn, wethIs0 ? reserve0 : reserve1, wethIs0 ? reserve1 : reserve0);
    await (await weth.connect(carol).getFunction("deposit")({ value: amountIn })).wait();
    await (await weth.connect(carol).getFunction("approve")(sushiswap.router.target, amountIn)).wait();
    const router = sushiswap.router.connect(carol) as Contract;
    expect((await router.getAmountsOut(amountIn, [await weth.getAddress(), await usdt.getAddress()]))[1]).to.equal(expectedOut);
    await (await router.swapExactTokensForTokens(amountIn, expectedOut, [await weth.getAddress(), await usdt.getAddress()], carol.address, 2n ** 40n)).wait();
    expect(await usdt.balanceOf(carol.address)).to.equal(expectedOut);
    console.log(`      1 WETH -> ${ethers.formatUnits(expectedOut, 6)} USDT through SushiSwap's router; pair init code hash ${pairCodeHash}`);
  });

  it("pays SUSHI per block to the wei: 10x bonus, allocation split, pro rata by stake, harvest by deposit(pid, 0)", async () => {
    const venue = await loadFixture(sushiVenueFixture);
    const { chef, sushi, alice, bob, dev, lpOf, startBlock } = venue;
    const model = new ChefPoolModel(startBlock, startBlock + BONUS_BLOCKS, WETH_USDT_ALLOC);

    // Alice stakes before the start: nothing accrues until startBlock.
    let step = await blockOf(chef.connect(alice).getFunction("deposit")(0, lpOf[alice.address]));
    expect(step.block).to.be.lessThan(startBlock);
    model.deposit(alice.address, lpOf[alice.address], step.block);
    await mine(startBlock - step.block + 19n); // 19 blocks into the bonus period
    const viewBlock = BigInt(await ethers.provider.getBlockNumber());
    const alicePending = await chef.pendingSushi(0, alice.address);
    // 19 bonus blocks x 100 SUSHI x 10 x 1000/1500 of the allocation, all to alice's LP (minus rounding dust).
    expect(alicePending).to.equal(model.pending(alice.address, viewBlock));
    expect(alicePending).to.be.closeTo((19n * SUSHI_PER_BLOCK * BONUS_MULTIPLIER * WETH_USDT_ALLOC) / TOTAL_ALLOC, 10n ** 7n);

    // Bob stakes 1.5x alice's LP during the bonus.
    step = await blockOf(chef.connect(bob).getFunction("deposit")(0, lpOf[bob.address]));
    expect(model.deposit(bob.address, lpOf[bob.address], step.block)).to.equal(0n);

    // Past the end of the bonus: the next interval straddles bonusEndBlock.
    await mine(BONUS_BLOCKS);
    const aliceBefore = await sushi.balanceOf(alice.address);
    step = await blockOf(chef.connect(alice).getFunction("deposit")(0, 0)); // the harvest
    const aliceHarvest = model.deposit(alice.address, 0n, step.block);
    expect((await sushi.balanceOf(alice.address)) - aliceBefore).to.equal(aliceHarvest);
    expect(step.block).to.be.greaterThan(startBlock + BONUS_BLOCKS);

    await mine(7);
    step = await blockOf(chef.connect(bob).getFunction("withdraw")(0, lpOf[bob.address]));
    const bobPaid = model.withdraw(bob.address, lpOf[bob.address], step.block);
    expect(await sushi.balanceOf(bob.address)).to.equal(bobPaid);
    expect(await venue.wethUsdt.balanceOf(bob.address)).to.equal(lpOf[bob.address]);

    // MasterChef minted exactly the model's rewards, a tenth more to dev, and holds what it still owes alice plus
    // the rounding dust of accSushiPerShare (rounded down: the chef never owes more than it has).
    expect(await sushi.balanceOf(dev.address)).to.equal(model.devMinted);
    const chefBalance: bigint = await sushi.balanceOf(chef.target);
    expect(chefBalance).to.equal(model.minted - aliceHarvest - bobPaid);
    const aliceOwed = model.pending(alice.address, step.block);
    expect(await chef.pendingSushi(0, alice.address)).to.equal(model.pending(alice.address, BigInt(await ethers.provider.getBlockNumber())));
    const dust = chefBalance - aliceOwed;
    expect(dust).to.be.greaterThanOrEqual(0n);
    expect(dust).to.be.lessThan(10n ** 7n);
    console.log(
      `      minted ${ethers.formatUnits(model.minted, 18)} SUSHI (dev ${ethers.formatUnits(model.devMinted, 18)}); ` +
        `alice harvested ${ethers.formatUnits(aliceHarvest, 18)}, bob ${ethers.formatUnits(bobPaid, 18)}; ` +
        `alice still owed ${ethers.formatUnits(aliceOwed, 18)}; rounding dust kept by MasterChef ${dust} wei`,
    );
  });

  it("measures MasterChef's deposit, harvest, withdraw and emergencyWithdraw gas on this EVM", async () => {
    const venue = await loadFixture(sushiVenueFixture);
    const { chef, sushi, alice, bob, lpOf, startBlock, wethUsdt } = venue;
    const half = lpOf[alice.address] / 2n;
    await mine(startBlock - BigInt(await ethers.provider.getBlockNumber()) + 5n);
    await (await chef.connect(bob).getFunction("deposit")(0, lpOf[bob.address])).wait(); // the pool is already staked
    await mine(10);

    const gas: Record<string, bigint> = {};
    gas["masterChef.deposit.first"] = (await blockOf(chef.connect(alice).getFunction("deposit")(0, half))).gas;
    await mine(10);
    const beforeRepeat = await sushi.balanceOf(alice.address);
    gas["masterChef.deposit.repeat"] = (await blockOf(chef.connect(alice).getFunction("deposit")(0, lpOf[alice.address] - half))).gas;
    expect(await sushi.balanceOf(alice.address)).to.be.greaterThan(beforeRepeat); // a repeat deposit pays the pending SUSHI
    await mine(10);
    const beforeHarvest = await sushi.balanceOf(alice.address);
    gas["masterChef.harvest"] = (await blockOf(chef.connect(alice).getFunction("deposit")(0, 0))).gas;
    expect(await sushi.balanceOf(alice.address)).to.be.greaterThan(beforeHarvest);
    await mine(10);
    gas["masterChef.withdraw.partial"] = (await blockOf(chef.connect(alice).getFunction("withdraw")(0, half))).gas;
    await mine(10);
    gas["masterChef.withdraw.all"] = (await blockOf(chef.connect(alice).getFunction("withdraw")(0, lpOf[alice.address] - half))).gas;
    expect(await wethUsdt.balanceOf(alice.address)).to.equal(lpOf[alice.address]);
    await mine(10);
    gas["masterChef.emergencyWithdraw"] = (await blockOf(chef.connect(bob).getFunction("emergencyWithdraw")(0))).gas;
    expect(await wethUsdt.balanceOf(bob.address)).to.equal(lpOf[bob.address]);

    console.table(Object.entries(gas).map(([operation, used]) => ({ operation, gas: Number(used) })));
    // Every reward-paying call mints twice (dev and chef) and transfers once; emergencyWithdraw touches no reward.
    for (const operation of ["masterChef.deposit.repeat", "masterChef.harvest", "masterChef.withdraw.partial"]) {
      expect(gas[operation], operation).to.be.greaterThan(gas["masterChef.emergencyWithdraw"]);
    }
  });

  it("lets a staker out with emergencyWithdraw when the farm fails, forfeiting only the pending SUSHI", async () => {
    const venue = await loadFixture(sushiVenueFixture);
    const { chef, sushi, alice, bob, lpOf, startBlock, wethUsdt } = venue;
    await mine(startBlock - BigInt(await ethers.provider.getBlockNumber()));
    await (await chef.connect(alice).getFunction("deposit")(0, lpOf[alice.address])).wait();
    await (await chef.connect(bob).getFunction("deposit")(0, lpOf[bob.address])).wait();
    await mine(20);

    // A healthy farm: emergencyWithdraw returns every LP token and drops the pending reward.
    const bobPending: bigint = await chef.pendingSushi(0, bob.address);
    expect(bobPending).to.be.greaterThan(0n);
    await expect(chef.connect(bob).getFunction("emergencyWithdraw")(0)).to.emit(chef, "EmergencyWithdraw").withArgs(bob.address, 0n, lpOf[bob.address]);
    expect(await wethUsdt.balanceOf(bob.address)).to.equal(lpOf[bob.address]);
    expect(await sushi.balanceOf(bob.address)).to.equal(0n);
    expect((await chef.userInfo(0, bob.address)).amount).to.equal(0n);

    // A failed farm: governance sets every allocation to 0, so updatePool divides by a zero total and every
    // deposit, harvest and withdraw reverts. emergencyWithdraw skips the reward arithmetic and still pays out.
    const zeroAllocations = [0, 1].map((pid) => chef.interface.encodeFunctionData("set", [pid, 0, false]));
    await governChef(venue, zeroAllocations, ethers.id("zero-allocations"));
    expect(await chef.totalAllocPoint()).to.equal(0n);
    await expect(chef.connect(alice).getFunction("withdraw")(0, lpOf[alice.address])).to.be.revertedWith("SafeMath: division by zero");
    await expect(chef.connect(alice).getFunction("deposit")(0, 0)).to.be.revertedWith("SafeMath: division by zero");
    const aliceStaked = (await chef.userInfo(0, alice.address)).amount;
    await expect(chef.connect(alice).getFunction("emergencyWithdraw")(0)).to.emit(chef, "EmergencyWithdraw").withArgs(alice.address, 0n, lpOf[alice.address]);
    expect(aliceStaked).to.equal(lpOf[alice.address]);
    expect(await wethUsdt.balanceOf(alice.address)).to.equal(lpOf[alice.address]);
    expect(await wethUsdt.balanceOf(chef.target)).to.equal(0n);
    console.log(`      bob forfeited ${ethers.formatUnits(bobPending, 18)} SUSHI; alice left a frozen farm with all ${lpOf[alice.address]} LP`);
  });

  it("trusts MasterChef's owner: a migrator it sets can take every staked LP; the timelock's delay is the stakers' window", async () => {
    const venue = await loadFixture(sushiVenueFixture);
    const { chef, alice, bob, carol, governor, timelock, lpOf, wethUsdt, startBlock } = venue;
    await mine(startBlock - BigInt(await ethers.provider.getBlockNumber()));
    await (await chef.connect(alice).getFunction("deposit")(0, lpOf[alice.address])).wait();
    await (await chef.connect(bob).getFunction("deposit")(0, lpOf[bob.address])).wait();

    // Nobody but the owner (the timelock) sets a migrator.
    await expect(chef.connect(carol).getFunction("setMigrator")(carol.address)).to.be.revertedWith("Ownable: caller is not the owner");
    await expect(chef.connect(governor).getFunction("setMigrator")(carol.address)).to.be.revertedWith("Ownable: caller is not the owner");

    // The owner's migrator keeps whatever it is approved for: here everything goes to carol.
    const migrator = (await (await ethers.getContractFactory("MasterChefDrainMigrator")).deploy(chef.target, carol.address)) as unknown as Contract;
    const call = chef.interface.encodeFunctionData("setMigrator", [migrator.target]);
    const salt = ethers.id("drain");
    await expect(timelock.connect(governor).getFunction("schedule")(chef.target, 0, call, ZeroHash, salt, TIMELOCK_DELAY)).to.emit(timelock, "CallScheduled");
    // The call is public from now on and cannot run before the delay: alice reads it and leaves with her LP.
    await expect(timelock.connect(governor).getFunction("execute")(chef.target, 0, call, ZeroHash, salt)).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
    await (await chef.connect(alice).getFunction("withdraw")(0, lpOf[alice.address])).wait();
    expect(await wethUsdt.balanceOf(alice.address)).to.equal(lpOf[alice.address]);

    // Bob stays. After the delay the migrator is set, and anyone can call migrate(pid).
    await time.increase(TIMELOCK_DELAY);
    await (await timelock.connect(governor).getFunction("execute")(chef.target, 0, call, ZeroHash, salt)).wait();
    await expect(chef.connect(carol).getFunction("migrate")(0)).to.emit(migrator, "Drained").withArgs(wethUsdt.target, lpOf[bob.address], carol.address);
    expect(await wethUsdt.balanceOf(carol.address)).to.equal(lpOf[bob.address]);
    expect(await wethUsdt.balanceOf(chef.target)).to.equal(0n);
    expect((await chef.poolInfo(0)).lpToken).to.equal(migrator.target);

    // Bob's withdraw now pays him the migrator's token, not LP.
    await (await chef.connect(bob).getFunction("withdraw")(0, lpOf[bob.address])).wait();
    expect(await wethUsdt.balanceOf(bob.address)).to.equal(0n);
    expect(await migrator.balanceOf(bob.address)).to.equal(lpOf[bob.address]);
    const pair = new ethers.Contract(wethUsdt.target, SUSHI_PAIR_ABI, ethers.provider);
    const [reserve0, reserve1] = await pair.getReserves();
    const lpValueWeth = ((await pair.token0()) === (await venue.weth.getAddress()) ? reserve0 : reserve1) * 2n * lpOf[bob.address] / (await pair.totalSupply());
    console.log(`      the migrator took bob's ${lpOf[bob.address]} LP (about ${ethers.formatUnits(lpValueWeth, 18)} WETH of value); alice left within the ${TIMELOCK_DELAY / 3600n} h delay`);
  });
});


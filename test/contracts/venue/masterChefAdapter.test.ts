import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { BONUS_BLOCKS, blockOf, ChefPoolModel, governChef, sushiVenueFixture, WETH_USDT_ALLOC, type Venue } from "./fixtures";

/**
 * contracts/vault/farms/MasterChefAdapter.sol, the calls MasterChefFarm makes for a vault, on its own (through
 * MasterChefAdapterHarness) against the real MasterChef: one staker holding everyone's LP, as a vault is.
 */
describe("MasterChefAdapter (the MasterChef farm's calls, against the real MasterChef)", () => {
  async function harnessFixture() {
    const venue = await sushiVenueFixture();
    const { chef, wethUsdt, sushi, bob } = venue;
    const harness = (await (await ethers.getContractFactory("MasterChefAdapterHarness")).deploy(chef.target, 0, wethUsdt.target, sushi.target)) as unknown as Contract;
    await (await wethUsdt.connect(bob).getFunction("approve")(harness.target, venue.lpOf[bob.address])).wait();
    return { ...venue, harness };
  }

  async function startRewards(venue: Venue) {
    await mine(venue.startBlock - BigInt(await ethers.provider.getBlockNumber()) + 1n);
  }

  it("refuses a MasterChef pool that stakes another LP token or pays another reward, naming what it found", async () => {
    const { chef, wethUsdt, sushiWeth, sushi, usdt } = await loadFixture(sushiVenueFixture);
    const factory = await ethers.getContractFactory("MasterChefAdapterHarness");
    await expect(factory.deploy(chef.target, 1, wethUsdt.target, sushi.target))
      .to.be.revertedWithCustomError(factory, "MasterChefPoolMismatch")
      .withArgs(chef.target, 1n, sushiWeth.target, sushi.target);
    await expect(factory.deploy(chef.target, 0, wethUsdt.target, usdt.target))
      .to.be.revertedWithCustomError(factory, "MasterChefPoolMismatch")
      .withArgs(chef.target, 0n, wethUsdt.target, sushi.target);
  });

  it("stakes, harvests and unstakes to the wei; MasterChef's payouts on stake and unstake keep pending + held SUSHI whole", async () => {
    const venue = await loadFixture(harnessFixture);
    const { chef, sushi, harness, alice, bob, lpOf, startBlock, wethUsdt } = venue;
    const model = new ChefPoolModel(startBlock, startBlock + BONUS_BLOCKS, WETH_USDT_ALLOC);
    const vault = String(harness.target);
    await startRewards(venue);
    // Another staker in the same pool, so the harness earns its share, not all of it.
    let step = await blockOf(chef.connect(alice).getFunction("deposit")(0, lpOf[alice.address]));
    model.deposit(alice.address, lpOf[alice.address], step.block);

    const half = lpOf[bob.address] / 2n;
    const gas: Record<string, bigint> = {};
    step = await blockOf(harness.connect(bob).getFunction("stake")(half));
    gas["adapter.stake.first"] = step.gas;
    expect(model.deposit(vault, half, step.block)).to.equal(0n);
    await mine(10);
    const pendingBefore: bigint = await harness.pending();
    expect(pendingBefore).to.equal(model.pending(vault, BigInt(await ethers.provider.getBlockNumber())));
    expect(pendingBefore).to.equal(await chef.pendingSushi(0, vault));

    // A second stake pays the pending SUSHI out to the staker: pending drops to 0 and the harness holds what was
    // pending at the stake's block, so pending + held (what the vault prices its shares with) is whole.
    step = await blockOf(harness.connect(bob).getFunction("stake")(lpOf[bob.address] - half));
    gas["adapter.stake.repeat"] = step.gas;
    const paidOnStake = model.deposit(vault, lpOf[bob.address] - half, step.block);
    expect(await sushi.balanceOf(vault)).to.equal(paidOnStake);
    expect(await harness.pending()).to.equal(0n);
    expect(paidOnStake).to.be.greaterThan(pendingBefore);

    await mine(5);
    step = await blockOf(harness.getFunction("harvest")());
    gas["adapter.harvest"] = step.gas;
    const harvested = model.deposit(vault, 0n, step.block);
    expect(await sushi.balanceOf(vault)).to.equal(paidOnStake + harvested);

    await mine(5);
    step = await blockOf(harness.getFunction("unstake")(half));
    gas["adapter.unstake"] = step.gas;
    const paidOnUnstake = model.withdraw(vault, half, step.block);
    expect(await sushi.balanceOf(vault)).to.equal(paidOnStake + harvested + paidOnUnstake);
    expect(await wethUsdt.balanceOf(vault)).to.equal(half);
    expect(await harness.staked()).to.equal(lpOf[bob.address] - half);
    console.table(Object.entries(gas).map(([operation, used]) => ({ operation, gas: Number(used) })));
    console.log(
      `      the harness was paid ${ethers.formatUnits(paidOnStake, 18)} SUSHI by its second stake, ${ethers.formatUnits(harvested, 18)} by the ` +
        `harvest and ${ethers.formatUnits(paidOnUnstake, 18)} by the unstake`,
    );
  });

  it("takes every staked LP back with the emergency exit when MasterChef's reward arithmetic reverts", async () => {
    const venue = await loadFixture(harnessFixture);
    const { chef, sushi, harness, bob, lpOf, wethUsdt } = venue;
    await startRewards(venue);
    await (await harness.connect(bob).getFunction("stake")(lpOf[bob.address])).wait();
    await mine(10);
    await (await harness.getFunction("harvest")()).wait();
    const held: bigint = await sushi.balanceOf(harness.target);
    expect(held).to.be.greaterThan(0n);

    const zeroAllocations = [0, 1].map((pid) => chef.interface.encodeFunctionData("set", [pid, 0, false]));
    await governChef(venue, zeroAllocations, ethers.id("farm-failure"));
    await expect(harness.getFunction("harvest")()).to.be.revertedWith("SafeMath: division by zero");
    await expect(harness.getFunction("unstake")(1n)).to.be.revertedWith("SafeMath: division by zero");

    expect(await harness.emergencyExit.staticCall()).to.equal(lpOf[bob.address]);
    await expect(harness.getFunction("emergencyExit")()).to.emit(chef, "EmergencyWithdraw").withArgs(harness.target, 0n, lpOf[bob.address]);
    expect(await wethUsdt.balanceOf(harness.target)).to.equal(lpOf[bob.address]);
    expect(await harness.staked()).to.equal(0n);
    expect(await sushi.balanceOf(harness.target)).to.equal(held); // what was harvested stays; the pending is forfeited
    console.log(`      ${lpOf[bob.address]} LP back out of a frozen MasterChef; ${ethers.formatUnits(held, 18)} SUSHI harvested before it froze kept`);
  });
});

import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";
import type { LendingPoolV2Test } from "../../../typechain-types";
import { accrueInterest } from "../../../lib/math";

async function poolWithPositions() {
  const fixture = await loadFixture(stablecoinPoolFixture);
  const { pool, alice, bob, borrower } = fixture;
  await pool.connect(alice).deposit(USDC(700_000), alice.address);
  await pool.connect(bob).deposit(USDC(300_000), bob.address);
  await pool.connect(borrower).borrow(USDC(600_000));
  await time.increase(90 * 86_400);
  await pool.accrueInterest();
  return fixture;
}

describe("LendingPool upgrades", () => {
  it("keeps every balance across an upgrade to a V2 implementation", async () => {
    const { pool, alice, bob, borrower, owner, rateModel } = await poolWithPositions();
    const proxy = await pool.getAddress();
    // Stored state only: views add pending interest, and the upgrade transactions take a few seconds.
    const snapshot = async () => {
      const configuration = await pool.configuration();
      return {
        alice: await pool.balanceOf(alice.address),
        bob: await pool.balanceOf(bob.address),
        totalSupply: await pool.totalSupply(),
        cash: await pool.cash(),
        totalBorrowShares: await pool.totalBorrowShares(),
        account: (await pool.borrowerAccount(borrower.address)).toString(),
        rateModel: configuration.interestRateModel,
        reserveFactorBps: configuration.reserveFactorBps,
        guardian: configuration.guardian,
        owner: await pool.owner(),
        name: await pool.name(),
        asset: await pool.asset(),
      };
    };
    await pool.accrueInterest();
    const before = await snapshot();
    const accrualBefore = {
      cash: before.cash,
      reserves: await pool.reserves(),
      borrowIndex: await pool.borrowIndex(),
      totalBorrowShares: before.totalBorrowShares,
    };
    const timeBefore = BigInt(await time.latest());
    const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);

    const upgraded = (await upgrades.upgradeProxy(proxy, await ethers.getContractFactory("LendingPoolV2Test"), {
      kind: "uups",
      constructorArgs: [before.asset],
      call: { fn: "initializeV2", args: [7] },
    })) as unknown as LendingPoolV2Test;
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.not.equal(implementationBefore);
    expect(await upgraded.version()).to.equal("2-test");
    expect(await snapshot()).to.deep.equal(before);

    // Interest kept accruing through the upgrade exactly as the shared math says for the seconds that passed.
    await upgraded.accrueInterest();
    const expected = accrueInterest(accrualBefore, rateModel, 1_000n, BigInt(await time.latest()) - timeBefore);
    expect(await upgraded.borrowIndex()).to.equal(expected.borrowIndex);
    expect(await upgraded.reserves()).to.equal(expected.reserves);
    expect(await upgraded.borrowBalance(borrower.address)).to.equal(expected.totalBorrows);

    // The reinitializer ran once, in the upgrade; it cannot run again.
    expect(await upgraded.upgradeNote()).to.equal(7n);
    await expect(upgraded.initializeV2(8)).to.be.revertedWithCustomError(upgraded, "InvalidInitialization");
    // The new namespaced field works, and the old behaviour still does.
    await upgraded.connect(owner).setUpgradeNote(42);
    expect(await upgraded.upgradeNote()).to.equal(42n);
    await upgraded.connect(alice).withdraw(USDC(1_000), alice.address, alice.address);
    await upgraded.connect(borrower).repay(borrower.address, ethers.MaxUint256);
    expect(await upgraded.borrowBalance(borrower.address)).to.equal(0n);
  });

  it("reverts an upgrade by anyone but the owner", async () => {
    const { pool, stranger } = await poolWithPositions();
    const implementation = await upgrades.deployImplementation(await ethers.getContractFactory("LendingPoolV2Test"), {
      kind: "uups",
      constructorArgs: [await pool.asset()],
    });
    await expect(pool.connect(stranger).upgradeToAndCall(implementation as string, "0x"))
      .to.be.revertedWithCustomError(pool, "OwnableUnauthorizedAccount")
      .withArgs(stranger.address);
  });

  it("cannot initialize the implementation directly", async () => {
    const { pool, model, stranger } = await poolWithPositions();
    const implementation = await ethers.getContractAt(
      "LendingPool",
      await upgrades.erc1967.getImplementationAddress(await pool.getAddress()),
    );
    await expect(
      implementation.initialize("x", "x", await model.getAddress(), 0, stranger.address, stranger.address),
    ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
  });

  it("refuses an implementation built for another asset", async () => {
    const { pool, owner } = await poolWithPositions();
    const otherToken = await (await ethers.getContractFactory("FaucetToken")).deploy("Other", "OTH", 18, 1n);
    const wrongImplementation = await (await ethers.getContractFactory("LendingPool")).deploy(await otherToken.getAddress());
    await expect(pool.connect(owner).upgradeToAndCall(await wrongImplementation.getAddress(), "0x"))
      .to.be.revertedWithCustomError(pool, "UpgradeChangesAsset")
      .withArgs(await pool.asset(), await otherToken.getAddress());
  });

  it("has the plugin reject a storage-breaking implementation", async () => {
    const { pool } = await poolWithPositions();
    const broken = await ethers.getContractFactory("LendingPoolBrokenLayout");
    await expect(upgrades.validateUpgrade(await pool.getAddress(), broken, { kind: "uups" })).to.be.rejectedWith(
      /New storage layout is incompatible/,
    );
    await expect(upgrades.upgradeProxy(await pool.getAddress(), broken, { kind: "uups" })).to.be.rejectedWith(
      /New storage layout is incompatible/,
    );
  });
});

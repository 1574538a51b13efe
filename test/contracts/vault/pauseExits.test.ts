import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { advanceDays, vaultStackFixture, FAR_FUTURE } from "./fixtures";
import { moveWeth, openWeth, wethVault } from "./ordersHelpers";
import { ReceiveAs } from "../../../lib/closePreview";

/**
 * The guardian's pause stops only what adds risk. With the WETH-USDC vault and both of its pools paused at once (the
 * guardian's whole reach), every exit still works: a harvest compounds, a position past the kill factor is
 * liquidated, a farmer repays and closes, and a lender withdraws what the pool has in cash.
 */
describe("pause: exits never wait for the owner's unpause", () => {
  it("harvests, liquidates, repays, closes and lets a lender withdraw with the vault and both its pools paused", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, guardian, alice, bob, carol, liquidator } = fixture;
    const { vault, usdcPool } = await wethVault(fixture);
    const wethPool = await ethers.getContractAt("LendingPool", await vault.pool0() === (await usdcPool.getAddress()) ? await vault.pool1() : await vault.pool0());
    const usdc = fixture.tokens.USDC;

    // Carol lends USDC; Alice (3x) and Bob (2x) farm.
    await usdc.connect(carol).approve(await usdcPool.getAddress(), ethers.MaxUint256);
    await usdcPool.connect(carol).deposit(50_000n * 10n ** 6n, carol.address);
    const aliceId = await openWeth(fixture, alice, 1);
    const bobId = await openWeth(fixture, bob, 1, 2);
    await advanceDays(fixture, 1);

    await vault.connect(guardian).setPaused(true);
    await usdcPool.connect(guardian).setPaused(true, true);
    await wethPool.connect(guardian).setPaused(true, true);
    expect((await vault.configuration()).paused).to.equal(true);

    // Compounding goes on.
    const lpBefore = (await vault.totals())[0];
    await expect(vault.connect(liquidator).harvest(0n)).to.emit(vault, "Harvested");
    expect((await vault.totals())[0]).to.be.greaterThan(lpBefore);

    // WETH to $1,350 puts Alice's 3x past the 80% kill factor: she is liquidated (partly) while everything is paused.
    await moveWeth(fixture, 1_350);
    expect((await vault.positionView(aliceId)).liquidatable).to.equal(true);
    await expect(vault.connect(liquidator).liquidate(aliceId)).to.emit(vault, "PositionLiquidated");
    const afterLiquidation = await vault.positionView(aliceId);
    expect(afterLiquidation.liquidatable).to.equal(false);
    expect(Number(afterLiquidation.debtRatioBps)).to.be.at.most(7_000);

    // Bob repays part of his debt, then closes the rest into USDC.
    const usdcIndex = volatile.token0Symbol === "USDC" ? 0 : 1;
    await usdc.connect(bob).approve(await vault.getAddress(), ethers.MaxUint256);
    const repay = 500n * 10n ** 6n;
    await vault.connect(bob).repayDebt(bobId, usdcIndex === 0 ? repay : 0n, usdcIndex === 0 ? 0n : repay);
    const usdcBefore = await usdc.balanceOf(bob.address);
    await vault.connect(bob).close({
      positionId: bobId,
      fractionBps: 10_000,
      receiveAs: usdcIndex === 0 ? ReceiveAs.Token0 : ReceiveAs.Token1,
      minAmount0: 0n,
      minAmount1: 0n,
      deadline: FAR_FUTURE,
    });
    expect(await usdc.balanceOf(bob.address)).to.be.greaterThan(usdcBefore);
    expect((await vault.positionView(bobId)).lpAmount).to.equal(0n);

    // Carol withdraws all she lent: deposits and borrows are paused, withdrawals are not.
    const owed = await usdcPool.maxWithdraw(carol.address);
    expect(owed).to.be.greaterThanOrEqual(50_000n * 10n ** 6n - 1n);
    const carolBefore = await usdc.balanceOf(carol.address);
    await usdcPool.connect(carol).withdraw(owed, carol.address, carol.address);
    expect((await usdc.balanceOf(carol.address)) - carolBefore).to.equal(owed);

    // What stays refused: opening, and borrowing at the pools.
    await expect(openWeth(fixture, bob, 1)).to.be.revertedWithCustomError(vault, "VaultPaused");
  });
});

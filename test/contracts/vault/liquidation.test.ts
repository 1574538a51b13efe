import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { FAR_FUTURE, tokenOf, vaultStackFixture, type VaultFixture } from "./fixtures";
import { moveMarket } from "./market";

/** Alice opens 3x on WETH-USDC: 1 WETH ($2,000) of her own, 4,000 USDC borrowed. Debt ratio about 66.7%. */
async function threeTimesWethPosition(fixture: VaultFixture) {
  const { volatile, alice } = fixture;
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const weth = ethers.parseUnits("1", 18);
  const usdc = 4_000n * 10n ** 6n;
  await volatile.vault.connect(alice).open({
    amount0: wethIsToken0 ? weth : 0n,
    amount1: wethIsToken0 ? 0n : weth,
    borrow0: wethIsToken0 ? 0n : usdc,
    borrow1: wethIsToken0 ? usdc : 0n,
    minLp: 0,
    deadline: FAR_FUTURE,
  });
  const usdcPool = await ethers.getContractAt("LendingPool", wethIsToken0 ? await volatile.vault.pool1() : await volatile.vault.pool0());
  return { id: await volatile.vault.lastPositionId(), wethIsToken0, usdcPool };
}

async function moveWeth(fixture: VaultFixture, wethUsd: number, wethIsToken0: boolean) {
  if (wethIsToken0) await moveMarket(fixture, fixture.volatile, wethUsd, 1);
  else await moveMarket(fixture, fixture.volatile, 1, wethUsd);
}

describe("LeveragedVault liquidation", () => {
  it("cannot liquidate a healthy position", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { id } = await threeTimesWethPosition(fixture);
    const view = await fixture.volatile.vault.positionView(id);
    expect(view.liquidatable).to.equal(false);
    await expect(fixture.volatile.vault.connect(fixture.liquidator).liquidate(id))
      .to.be.revertedWithCustomError(fixture.volatile.vault, "PositionHealthy")
      .withArgs(id, view.debtRatioBps, 8_000);
  });

  it("liquidates past the kill factor: bounty to the liquidator, pools repaid in full, the rest to the owner", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, liquidator } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture);

    // 80% kill factor: value 6000 * sqrt(p / 2000) against 4000 of debt crosses it below about $1,389.
    await moveWeth(fixture, 1_350, wethIsToken0);
    const view = await volatile.vault.positionView(id);
    expect(view.liquidatable).to.equal(true);
    expect(Number(view.debtRatioBps)).to.be.within(8_000, 8_300);

    const token0 = tokenOf(fixture, volatile, 0);
    const token1 = tokenOf(fixture, volatile, 1);
    const balances = async (who: string) => [await token0.balanceOf(who), await token1.balanceOf(who)];
    const [liquidator0, liquidator1] = await balances(liquidator.address);
    const [owner0, owner1] = await balances(alice.address);
    await expect(volatile.vault.connect(liquidator).liquidate(id)).to.emit(volatile.vault, "PositionLiquidated");

    // USD value at oracle prices, in whole dollars.
    const price0 = Number(await fixture.farming.oracle.priceOf(await token0.getAddress())) / 1e18;
    const price1 = Number(await fixture.farming.oracle.priceOf(await token1.getAddress())) / 1e18;
    const [decimals0, decimals1] = [Number(await token0.decimals()), Number(await token1.decimals())];
    const valueOf = async (amount0: bigint, amount1: bigint) =>
      (Number(amount0) / 10 ** decimals0) * price0 + (Number(amount1) / 10 ** decimals1) * price1;

    const [liquidatorAfter0, liquidatorAfter1] = await balances(liquidator.address);
    const bountyValue = await valueOf(liquidatorAfter0 - liquidator0, liquidatorAfter1 - liquidator1);
    const positionValue = Number(view.valueWad) / 1e18;
    // 3% of the position's value, within the fair-price vs. burn-amount rounding.
    expect(bountyValue / positionValue).to.be.closeTo(0.03, 0.0005);

    // The USDC pool got every wei back: the vault owes it nothing.
    expect(await usdcPool.borrowBalance(await volatile.vault.getAddress())).to.equal(0n);
    const after = await volatile.vault.positionView(id);
    expect(after.lpAmount).to.equal(0n);
    expect(after.debt0 + after.debt1).to.equal(0n);

    // The owner got the rest: the equity less the bounty and the swap that repaid the debt.
    const [ownerAfter0, ownerAfter1] = await balances(alice.address);
    const returned = await valueOf(ownerAfter0 - owner0, ownerAfter1 - owner1);
    const equity = Number(view.equityWad) / 1e18;
    expect(returned).to.be.within(equity - bountyValue - positionValue * 0.01, equity - bountyValue + 1);
  });

  it("charges a shortfall to the pool's reserve first, then to lenders, and records it", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, liquidator } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture);
    // A crash nobody liquidated in time: at $500 the position is worth about $3,000 against $4,000 of debt.
    await moveWeth(fixture, 500, wethIsToken0);
    const view = await volatile.vault.positionView(id);
    expect(view.valueWad).to.be.lessThan(view.debtValueWad);

    const reservesBefore = await usdcPool.reserves();
    const lenderAssetsBefore = await usdcPool.totalAssets();
    const tx = volatile.vault.connect(liquidator).liquidate(id);
    await expect(tx).to.emit(usdcPool, "BadDebtWrittenOff");
    const receipt = await (await tx).wait();
    const event = receipt!.logs
      .map((log) => {
        try {
          return volatile.vault.interface.parseLog(log);
        } catch {
          return null;
        }
      })
      .find((parsed) => parsed?.name === "PositionLiquidated")!;
    const badDebt = wethIsToken0 ? event.args.badDebt1 : event.args.badDebt0;
    expect(Number(badDebt) / 1e6).to.be.within(900, 1_300);
    expect(await usdcPool.borrowBalance(await volatile.vault.getAddress())).to.equal(0n);
    // The reserve absorbed what it could; lenders lost the rest, no more.
    const reservesAfter = await usdcPool.reserves();
    const covered = reservesBefore - reservesAfter;
    expect(covered).to.be.lessThanOrEqual(reservesBefore);
    const lenderLoss = lenderAssetsBefore - (await usdcPool.totalAssets());
    expect(lenderLoss + covered).to.be.closeTo(badDebt, 10n ** 6n);
  });
});

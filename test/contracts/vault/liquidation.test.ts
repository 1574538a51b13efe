import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { tokenOf, vaultStackFixture, type VaultFixture } from "./fixtures";
import { moveWeth, openWeth, wethVault } from "./ordersHelpers";

/** Alice opens 3x on WETH-USDC: `weth` WETH ($2,000 each) of her own, twice its value in USDC borrowed. */
async function threeTimesWethPosition(fixture: VaultFixture, weth = 1) {
  const { wethIsToken0, usdcPool } = await wethVault(fixture);
  return { id: await openWeth(fixture, fixture.alice, weth), wethIsToken0, usdcPool };
}

/** The PositionLiquidated event's outcome. */
async function outcomeOf(fixture: VaultFixture, tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  const vault = fixture.volatile.vault;
  for (const log of receipt!.logs) {
    try {
      const parsed = vault.interface.parseLog(log);
      if (parsed?.name === "PositionLiquidated") return parsed.args.outcome;
    } catch {
      // another contract's event
    }
  }
  throw new Error("no PositionLiquidated event");
}

async function valueOf(fixture: VaultFixture, amount0: bigint, amount1: bigint): Promise<number> {
  const { volatile, farming } = fixture;
  const [token0, token1] = [tokenOf(fixture, volatile, 0), tokenOf(fixture, volatile, 1)];
  const price0 = Number(await farming.oracle.priceOf(await token0.getAddress())) / 1e18;
  const price1 = Number(await farming.oracle.priceOf(await token1.getAddress())) / 1e18;
  return (Number(amount0) / 10 ** Number(await token0.decimals())) * price0 + (Number(amount1) / 10 ** Number(await token1.decimals())) * price1;
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

  it("liquidates just past the kill factor only as far as the 70% target: debt first, 3% bounty on the part unwound, owner keeps the rest", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, liquidator } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture);
    // 80% kill factor: value 6000 * sqrt(p / 2000) against 4000 of debt crosses it below about $1,389.
    await moveWeth(fixture, 1_350);
    const before = await volatile.vault.positionView(id);
    expect(before.liquidatable).to.equal(true);
    expect(Number(before.debtRatioBps)).to.be.within(8_000, 8_300);
    const vaultDebtBefore = await usdcPool.borrowBalance(await volatile.vault.getAddress());

    const token0 = tokenOf(fixture, volatile, 0);
    const token1 = tokenOf(fixture, volatile, 1);
    const ownerBalances = [await token0.balanceOf(alice.address), await token1.balanceOf(alice.address)];
    const liquidatorBefore = [await token0.balanceOf(liquidator.address), await token1.balanceOf(liquidator.address)];
    const outcome = await outcomeOf(fixture, volatile.vault.connect(liquidator).liquidate(id));
    const after = await volatile.vault.positionView(id);

    expect(outcome.whole).to.equal(false);
    // The target, within 0.1 percentage point.
    expect(Number(after.debtRatioBps)).to.be.within(6_990, 7_010);
    // (D - t V) / (V (1 - b - a - t)) of the LP was unwound, with the 1.5% swap allowance a (half the 3% swap
    // bound) set aside so the proceeds cover the repayment: 44% here, not the whole position.
    const fraction = Number(before.lpAmount - after.lpAmount) / Number(before.lpAmount);
    const expected = (Number(before.debtValueWad) - 0.7 * Number(before.valueWad)) / (Number(before.valueWad) * (1 - 0.03 - 0.015 - 0.7));
    expect(fraction).to.be.closeTo(expected, 0.001);
    // The pool got exactly what was repaid; the bounty is at most 3% of the value unwound (the liquidator paid the
    // swap's fee out of it), and nothing went to the owner's wallet.
    expect(vaultDebtBefore - (await usdcPool.borrowBalance(await volatile.vault.getAddress()))).to.be.closeTo(
      wethIsToken0 ? outcome.repaid1 : outcome.repaid0,
      10n,
    );
    const liquidatorAfter = [await token0.balanceOf(liquidator.address), await token1.balanceOf(liquidator.address)];
    const bounty = await valueOf(fixture, liquidatorAfter[0] - liquidatorBefore[0], liquidatorAfter[1] - liquidatorBefore[1]);
    const unwound = (Number(before.valueWad) / 1e18) * fraction;
    expect(bounty / unwound).to.be.within(0.02, 0.03);
    expect([await token0.balanceOf(alice.address), await token1.balanceOf(alice.address)]).to.deep.equal(ownerBalances);
    // The swap allowance the swap did not need is kept for the owner to claim: 1.5% of the value unwound.
    const credited = await valueOf(
      fixture,
      await volatile.vault.claimable(await token0.getAddress(), alice.address),
      await volatile.vault.claimable(await token1.getAddress(), alice.address),
    );
    expect(credited / unwound).to.be.closeTo(0.015, 0.0005);
    // The position is no longer liquidatable and still the owner's.
    expect(after.liquidatable).to.equal(false);
    expect(after.owner).to.equal(alice.address);
  });

  it("liquidates a small position (below $500) in full: all its debt repaid, what is left above the bounty kept for its owner", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, liquidator, alice } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture, 0.05);
    await moveWeth(fixture, 1_350);
    const before = await volatile.vault.positionView(id);
    expect(Number(before.valueWad) / 1e18).to.be.lessThan(500);
    expect(before.liquidatable).to.equal(true);
    const outcome = await outcomeOf(fixture, volatile.vault.connect(liquidator).liquidate(id));
    const after = await volatile.vault.positionView(id);
    expect(after.debt0 + after.debt1).to.equal(0n);
    expect(await usdcPool.borrowBalance(await volatile.vault.getAddress())).to.equal(0n);
    // Repaying everything would leave less than the minimum position, so all of it was unwound; the owner's equity
    // less the 3% bounty (and the swap's costs, the liquidator's) is kept for the owner to claim, in both tokens.
    expect(outcome.whole).to.equal(true);
    expect(after.lpShares).to.equal(0n);
    const [token0, token1] = [tokenOf(fixture, volatile, 0), tokenOf(fixture, volatile, 1)];
    const claimable0 = await volatile.vault.claimable(await token0.getAddress(), alice.address);
    const claimable1 = await volatile.vault.claimable(await token1.getAddress(), alice.address);
    expect([claimable0, claimable1]).to.deep.equal([outcome.returned0, outcome.returned1]);
    const kept = await valueOf(fixture, claimable0, claimable1);
    const equity = Number(before.equityWad) / 1e18;
    const bounty = (Number(before.valueWad) / 1e18) * 0.03;
    expect(kept).to.be.within(equity - bounty - 0.01, equity - bounty + 0.01);
    // The owner takes it whenever, to any address.
    for (const [token, amount] of [[token0, claimable0], [token1, claimable1]] as const) {
      if (amount === 0n) {
        await expect(volatile.vault.connect(alice).claim(await token.getAddress(), alice.address))
          .to.be.revertedWithCustomError(volatile.vault, "NothingToClaim")
          .withArgs(await token.getAddress());
        continue;
      }
      const before = await token.balanceOf(alice.address);
      await volatile.vault.connect(alice).claim(await token.getAddress(), alice.address);
      expect((await token.balanceOf(alice.address)) - before).to.equal(amount);
      expect(await volatile.vault.claimable(await token.getAddress(), alice.address)).to.equal(0n);
    }
  });

  it("liquidates an underwater position only by repayment: lenders lose exactly the shortfall at oracle prices, covered by the reserve, which pays the liquidator's incentive", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, liquidator } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture);
    // A crash nobody liquidated in time: at $500 the position is worth about $3,000 against $4,000 of debt.
    await moveWeth(fixture, 500);
    const view = await volatile.vault.positionView(id);
    expect(view.valueWad).to.be.lessThan(view.debtValueWad);
    const usdc = fixture.tokens.USDC;
    // A swap's loss would fall on the pools: the vault refuses to unwind it through the pair.
    await expect(volatile.vault.connect(liquidator).liquidate(id))
      .to.be.revertedWithCustomError(volatile.vault, "UnderwaterNeedsRepayment")
      .withArgs(id, view.debtValueWad, view.valueWad);

    await usdcPool.accrueInterest();
    const reservesBefore = await usdcPool.reserves();
    const lenderAssetsBefore = await usdcPool.totalAssets();
    await usdc.connect(liquidator).faucet(10_000n * 10n ** 6n);
    await usdc.connect(liquidator).approve(await volatile.vault.getAddress(), ethers.MaxUint256);
    const liquidatorUsdc = await usdc.balanceOf(liquidator.address);
    const outcome = await outcomeOf(fixture, volatile.vault.connect(liquidator).liquidateWithRepayment(id));
    expect(outcome.whole).to.equal(true);
    const [badDebt, covered, incentive] = wethIsToken0
      ? [outcome.badDebt1, outcome.reserveCovered1, outcome.incentive1]
      : [outcome.badDebt0, outcome.reserveCovered0, outcome.incentive0];
    // The shortfall at oracle prices, to the cent: the liquidator paid the LP's whole value, no swap ran.
    const shortfall = Number(view.debtValueWad - view.valueWad) / 1e18;
    const usdcUsd = Number(await fixture.farming.oracle.priceOf(await usdc.getAddress())) / 1e18;
    expect((Number(badDebt) / 1e6) * usdcUsd).to.be.closeTo(shortfall, 0.01);
    expect(covered).to.equal(badDebt); // the seeded reserve covers it all
    // 5% of the bad debt cleared (rounded down), at most the pool's 50 USDC cap per write-off, from the reserve.
    const share = (BigInt(badDebt) * 500n) / 10_000n;
    const cap = await usdcPool.liquidationIncentive();
    expect(cap).to.equal(50n * 10n ** 6n);
    expect(incentive).to.equal(share < cap ? share : cap);
    expect(incentive).to.be.greaterThan(0n);
    expect(await usdcPool.borrowBalance(await volatile.vault.getAddress())).to.equal(0n);
    // The liquidator paid the LP's value at the fair price and got the incentive back: no bounty out of lenders.
    const paid = Number(liquidatorUsdc - (await usdc.balanceOf(liquidator.address))) / 1e6;
    const lpValue = (Number(outcome.lpPaid) * Number(view.valueWad)) / Number(view.lpAmount) / 1e18;
    expect((paid + Number(incentive) / 1e6) * usdcUsd).to.be.closeTo(lpValue, 0.01);
    // Lenders: not a wei lost (interest of the block aside, which only adds).
    expect(await usdcPool.totalAssets()).to.be.greaterThanOrEqual(lenderAssetsBefore);
    expect(reservesBefore - (await usdcPool.reserves())).to.be.closeTo(badDebt + incentive, 10n ** 4n);
    const after = await volatile.vault.positionView(id);
    expect(after.lpShares).to.equal(0n);
  });

  it("lets a liquidator pay the debt and take the LP instead, with no trade in the pair: bounty exactly 3% at the fair LP price", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, liquidator } = fixture;
    const { id, wethIsToken0, usdcPool } = await threeTimesWethPosition(fixture);
    await moveWeth(fixture, 1_350);
    const before = await volatile.vault.positionView(id);
    const usdc = fixture.tokens.USDC;
    await usdc.connect(liquidator).faucet(10_000n * 10n ** 6n);
    await usdc.connect(liquidator).approve(await volatile.vault.getAddress(), ethers.MaxUint256);
    const [reserve0, reserve1] = await volatile.pair.getReserves();
    const paid = await usdc.balanceOf(liquidator.address);
    const outcome = await outcomeOf(fixture, volatile.vault.connect(liquidator).liquidateWithRepayment(id));
    const repaid = paid - (await usdc.balanceOf(liquidator.address));
    // The pair was not traded in.
    expect(await volatile.pair.getReserves()).to.deep.equal(await volatile.pair.getReserves());
    const [reserve0After, reserve1After] = await volatile.pair.getReserves();
    expect([reserve0After, reserve1After]).to.deep.equal([reserve0, reserve1]);
    // The liquidator holds the LP, worth the repayment plus 3% of itself at the fair LP price.
    const lp = await volatile.pair.balanceOf(liquidator.address);
    expect(lp).to.equal(outcome.lpPaid);
    const lpValue = (Number(before.valueWad) / 1e18) * (Number(lp) / Number(before.lpAmount));
    const repaidValue = await valueOf(fixture, wethIsToken0 ? 0n : repaid, wethIsToken0 ? repaid : 0n);
    expect(repaidValue / lpValue).to.be.closeTo(0.97, 0.00002);
    const after = await volatile.vault.positionView(id);
    expect(Number(after.debtRatioBps)).to.be.within(6_990, 7_010);
    expect(await usdcPool.borrowBalance(await volatile.vault.getAddress())).to.equal(after.debt0 + after.debt1);
  });
});

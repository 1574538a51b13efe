import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { FAR_FUTURE, tokenOf, vaultStackFixture, type VaultFixture } from "./fixtures";
import { getAmountOut, optimalSwapAmount, simulateZap } from "../../../lib/vaultMath";
import type { DeployedVault } from "../../../scripts/lib/deployVaults";

type Side = "token0" | "token1" | "both";
const ReceiveAs = { BothTokens: 0, Token0: 1, Token1: 2 } as const;

/** Independent calculation of the LP a zap of (amount0, amount1) mints from the pair's current state. */
async function expectedLp(deployed: DeployedVault, amount0: bigint, amount1: bigint): Promise<bigint> {
  const [reserve0, reserve1] = await deployed.pair.getReserves();
  return simulateZap(amount0, amount1, BigInt(reserve0), BigInt(reserve1), BigInt(await deployed.pair.totalSupply())).lp;
}

/** Supplies `supply` whole-dollar worth from `side` and borrows (leverage - 1) x supply of the other token(s). */
function openParameters(side: Side, leverage: number, supplyUnits: bigint) {
  const borrowUnits = (supplyUnits * BigInt(Math.round((leverage - 1) * 100))) / 100n;
  switch (side) {
    case "token0":
      return { amount0: supplyUnits, amount1: 0n, borrow0: 0n, borrow1: borrowUnits };
    case "token1":
      return { amount0: 0n, amount1: supplyUnits, borrow0: borrowUnits, borrow1: 0n };
    case "both":
      return { amount0: supplyUnits / 2n, amount1: supplyUnits / 2n, borrow0: borrowUnits / 2n, borrow1: borrowUnits / 2n };
  }
}

async function openOnStable(fixture: VaultFixture, side: Side, leverage: number) {
  const { stable, alice } = fixture;
  const params = openParameters(side, leverage, 1_000n * 10n ** 6n);
  const lp = await expectedLp(stable, params.amount0 + params.borrow0, params.amount1 + params.borrow1);
  await stable.vault.connect(alice).open({ ...params, minShares: 0n, minLp: lp, deadline: FAR_FUTURE });
  const id = await stable.vault.lastPositionId();
  return { id, params, expectedLp: lp };
}

describe("LeveragedVault open and close", () => {
  for (const side of ["token0", "token1", "both"] as const) {
    for (const leverage of [1, 2, 3, 5, 10]) {
      it(`opens ${leverage}x from ${side === "both" ? "both tokens" : side} with the LP and leverage an independent calculation gives`, async () => {
        const fixture = await loadFixture(vaultStackFixture);
        const { id, params, expectedLp: lp } = await openOnStable(fixture, side, leverage);
        const view = await fixture.stable.vault.positionView(id);
        expect(view.owner).to.equal(fixture.alice.address);
        expect(view.lpAmount).to.equal(lp);
        expect(view.debt0).to.equal(params.borrow0);
        expect(view.debt1).to.equal(params.borrow1);
        // $1,000 of equity levered `leverage` times, less the zap's swap fee and price impact (under 0.5%).
        const value = Number(view.valueWad) / 1e18;
        expect(value).to.be.within(1_000 * leverage * 0.995, 1_000 * leverage);
        const leverageNow = value / (Number(view.equityWad) / 1e18);
        expect(leverageNow).to.be.within(leverage * 0.995, leverage * 1.06);
        // The vault staked exactly the LP it holds for its positions.
        const [totalLp] = await fixture.stable.vault.totals();
        expect(await fixture.stable.farm.balanceOf(await fixture.stable.vault.getAddress())).to.equal(totalLp);
      });
    }
  }

  it("opens 3x on the volatile WETH-USDC vault and refuses more than its 3x limit", async () => {
    const { volatile, alice } = await loadFixture(vaultStackFixture);
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    const weth = ethers.parseUnits("1", 18); // $2,000
    const usdc = 4_000n * 10n ** 6n;
    const params = wethIsToken0
      ? { amount0: weth, amount1: 0n, borrow0: 0n, borrow1: usdc }
      : { amount0: 0n, amount1: weth, borrow0: usdc, borrow1: 0n };
    await volatile.vault.connect(alice).open({ ...params, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const view = await volatile.vault.positionView(1);
    expect(Number(view.valueWad) / 1e18).to.be.within(5_970, 6_000);
    const more = wethIsToken0 ? { ...params, borrow1: usdc + 10n ** 6n } : { ...params, borrow0: usdc + 10n ** 6n };
    await expect(volatile.vault.connect(alice).open({ ...more, minShares: 0n, minLp: 0, deadline: FAR_FUTURE })).to.be.revertedWithCustomError(
      volatile.vault,
      "LeverageTooHigh",
    );
  });

  it("opens from both tokens already in the pair's ratio plus dust, where the zap's swap would buy nothing", async () => {
    // Regression: found by the property-based accounting test. The optimal swap of a few wei of WETH buys 0 USDC
    // base units, and the pair reverts a swap with no output (UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT).
    const { volatile, alice } = await loadFixture(vaultStackFixture);
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    const [reserve0, reserve1] = (await volatile.pair.getReserves()).map(BigInt);
    const [reserveWeth, reserveUsdc] = wethIsToken0 ? [reserve0, reserve1] : [reserve1, reserve0];
    const usdc = 1_000n * 10n ** 6n;
    const weth = (usdc * reserveWeth) / reserveUsdc + 1_000_000n; // in ratio, and 1e6 wei of WETH (~$0.000000002) over
    const [amount0, amount1] = wethIsToken0 ? [weth, usdc] : [usdc, weth];
    const { swapAmount } = optimalSwapAmount(amount0, amount1, reserve0, reserve1);
    expect(swapAmount).to.be.greaterThan(0n);
    expect(getAmountOut(swapAmount, reserveWeth, reserveUsdc)).to.equal(0n);

    const lp = await expectedLp(volatile, amount0, amount1);
    expect(simulateZap(amount0, amount1, reserve0, reserve1, BigInt(await volatile.pair.totalSupply())).swap).to.equal(null);
    await volatile.vault.connect(alice).open({ amount0, amount1, borrow0: 0n, borrow1: 0n, minShares: 0n, minLp: lp, deadline: FAR_FUTURE });
    expect((await volatile.vault.positionView(await volatile.vault.lastPositionId())).lpAmount).to.equal(lp);
  });

  for (const receiveAs of ["BothTokens", "Token0", "Token1"] as const) {
    it(`closes a 3x position fully, receiving ${receiveAs}, for the equity less swap fees`, async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      const { id } = await openOnStable(fixture, "token0", 3);
      const token0 = tokenOf(fixture, stable, 0);
      const token1 = tokenOf(fixture, stable, 1);
      const [before0, before1] = [await token0.balanceOf(alice.address), await token1.balanceOf(alice.address)];
      const opened = await stable.vault.positionView(id);
      const equity = Number(opened.equityWad) / 1e18;

      const tx = await stable.vault.connect(alice).close({
        positionId: id,
        fractionBps: 10_000,
        receiveAs: ReceiveAs[receiveAs],
        minAmount0: 0,
        minAmount1: 0,
        deadline: FAR_FUTURE,
      });
      const received0 = (await token0.balanceOf(alice.address)) - before0;
      const received1 = (await token1.balanceOf(alice.address)) - before1;
      // The event reports token amounts: the LP unwound, the debt repaid (a second of interest more than viewed),
      // and what the owner received.
      await expect(tx)
        .to.emit(stable.vault, "PositionDecreased")
        .withArgs(id, opened.lpAmount, 0n, (repaid1: bigint) => repaid1 >= opened.debt1 && repaid1 <= opened.debt1 + 10n, received0, received1);
      if (receiveAs === "Token0") expect(received1).to.equal(0n);
      if (receiveAs === "Token1") expect(received0).to.equal(0n);
      const received = Number(received0 + received1) / 1e6; // both $1 stablecoins
      // Minimize-trading only swaps what repaying needs; converting to one token swaps the rest too.
      expect(received).to.be.within(equity * 0.994, equity * 1.0001);
      const view = await stable.vault.positionView(id);
      expect(view.lpAmount).to.equal(0n);
      expect(view.debt0 + view.debt1).to.equal(0n);
    });
  }

  for (const receiveAs of ["BothTokens", "Token1"] as const) {
    it(`closes part of a position, receiving ${receiveAs}: the same share of LP and of debt, the rest untouched`, async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      const { id } = await openOnStable(fixture, "both", 5);
      const before = await stable.vault.positions(id);
      const token0 = tokenOf(fixture, stable, 0);
      const token1 = tokenOf(fixture, stable, 1);
      const [before0, before1] = [await token0.balanceOf(alice.address), await token1.balanceOf(alice.address)];
      const equityClosed = (Number((await stable.vault.positionView(id)).equityWad) / 1e18) * 0.4;
      await stable.vault.connect(alice).close({ positionId: id, fractionBps: 4_000, receiveAs: ReceiveAs[receiveAs], minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
      const got0 = (await token0.balanceOf(alice.address)) - before0;
      const got1 = (await token1.balanceOf(alice.address)) - before1;
      if (receiveAs === "Token1") expect(got0).to.equal(0n);
      expect(Number(got0 + got1) / 1e6).to.be.within(equityClosed * 0.994, equityClosed * 1.0001);
      const after = await stable.vault.positions(id);
      expect(after.lpShares).to.equal(before.lpShares - (before.lpShares * 4_000n) / 10_000n);
      expect(after.debtShares0).to.equal(before.debtShares0 - (before.debtShares0 * 4_000n + 9_999n) / 10_000n);
      expect(after.debtShares1).to.equal(before.debtShares1 - (before.debtShares1 * 4_000n + 9_999n) / 10_000n);
      const view = await stable.vault.positionView(id);
      // (Swap fees left in the pair by the close raise the remaining LP's value by a hair.)
      expect(Number(view.valueWad) / 1e18).to.be.within(2_990, 3_001);
      // Leverage is unchanged by a proportional close.
      expect(Number(view.valueWad) / Number(view.equityWad)).to.be.within(4.95, 5.05);
    });
  }

  it("adds collateral, borrows more, and repays debt from the wallet", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice } = fixture;
    const { id } = await openOnStable(fixture, "token0", 3);
    const vault = stable.vault.connect(alice);
    const leverageOf = async () => {
      const view = await stable.vault.positionView(id);
      return Number(view.valueWad) / Number(view.equityWad);
    };
    const start = await leverageOf();
    await vault.increase(id, { amount0: 1_000n * 10n ** 6n, amount1: 0, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const afterCollateral = await leverageOf();
    expect(afterCollateral).to.be.within(1.95, 2.05); // $3,000 on $2,000 of equity
    expect(afterCollateral).to.be.lessThan(start);
    await vault.increase(id, { amount0: 0, amount1: 0, borrow0: 0, borrow1: 4_000n * 10n ** 6n, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    expect(await leverageOf()).to.be.within(3.9, 4.05);
    const debtBefore = (await stable.vault.positionView(id)).debt1;
    await vault.repayDebt(id, 0, 1_500n * 10n ** 6n);
    const debtAfter = (await stable.vault.positionView(id)).debt1;
    expect(debtBefore - debtAfter).to.be.closeTo(1_500n * 10n ** 6n, 2n);
    await vault.repayDebt(id, 0, ethers.MaxUint256);
    expect((await stable.vault.positionView(id)).debt1).to.equal(0n);
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract, Signer } from "ethers";
import { vaultStackFixture, FAR_FUTURE, type VaultFixture } from "../vault/fixtures";
import { balancesOf, eventsOf, fmt, moveWeth, openWeth, usdValue, wethVault } from "../vault/ordersHelpers";
import { VOLATILE_VAULT_RISK } from "../../../lib/vaults";
import type { FlashLiquidator, LiquidationCalleeAttacker } from "../../../typechain-types";

/**
 * Capital-free liquidation (issue 18, cause 10): `liquidateWithCallback` sends the liquidator the freed LP, calls it
 * back, then takes the repayment. The FlashLiquidator burns the LP in the real pair and swaps what the repayment
 * lacks, so a liquidator holding nothing but gas clears any liquidatable position, underwater ones included.
 * Written as the liquidator (an empty wallet) and as an attacker whose callback re-enters, underpays or lies.
 */

/** The swap allowance the callback path discounts an underwater position's LP by: half the swap bound, rounded up. */
const DISCOUNT_BPS = Math.ceil(VOLATILE_VAULT_RISK.swapSlippageBps / 2);

/** A fresh account with 1 ETH for gas and not one base unit of any token. */
async function emptyWallet(fixture: VaultFixture): Promise<Signer> {
  const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
  await fixture.deployer.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") });
  const [b0, b1, lp] = await balancesOf(fixture, wallet.address);
  expect([b0, b1, lp, await fixture.tokens.USDT.balanceOf(wallet.address)]).to.deep.equal([0n, 0n, 0n, 0n]);
  return wallet;
}

async function deployFlash(): Promise<FlashLiquidator> {
  return (await (await ethers.getContractFactory("FlashLiquidator")).deploy()) as unknown as FlashLiquidator;
}

async function deployAttacker(attacker: Signer): Promise<LiquidationCalleeAttacker> {
  return (await (await ethers.getContractFactory("LiquidationCalleeAttacker", attacker)).deploy()) as unknown as LiquidationCalleeAttacker;
}

/** A 3x WETH-USDC position of `weth` WETH, its debt in USDC, and WETH then moved (pair arbitraged, feed follows). */
async function crashedPosition(fixture: VaultFixture, weth: number, wethUsd: number) {
  const id = await openWeth(fixture, fixture.alice, weth);
  await moveWeth(fixture, wethUsd);
  return id;
}

/** What the pools, the owner and the liquidator got from one liquidation (everything the test compares). */
async function bookOf(fixture: VaultFixture, tx: Promise<unknown>) {
  const { vault } = await wethVault(fixture);
  const { events } = await eventsOf(fixture, tx as never, "PositionLiquidated");
  expect(events.length).to.equal(1);
  const o = events[0].outcome;
  return { repaid: [o.repaid0, o.repaid1], lpPaid: o.lpPaid, returned: [o.returned0, o.returned1], badDebt: [o.badDebt0, o.badDebt1], incentive: [o.incentive0, o.incentive1], whole: o.whole, vault };
}

describe("capital-free liquidation: liquidateWithCallback and the FlashLiquidator", () => {
  it("an empty-wallet liquidator clears an underwater WETH-USDC position: debt repaid or written off, lenders lose at most the shortfall plus the swap allowance, the reserve covers it, the liquidator ends with more than nothing", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { vault, usdcPool } = await wethVault(fixture);
    const id = await crashedPosition(fixture, 1, 500);
    const view = await vault.positionView(id);
    expect(view.valueWad, "underwater").to.be.lessThan(view.debtValueWad);
    const keeper = await emptyWallet(fixture);
    const flash = await deployFlash();
    // Neither capital path is open to it: the swap path refuses an underwater position, and it cannot pay.
    await expect(vault.connect(keeper).liquidate(id)).to.be.revertedWithCustomError(vault, "UnderwaterNeedsRepayment");
    await expect(vault.connect(keeper).liquidateWithRepayment(id)).to.be.reverted;

    await usdcPool.accrueInterest();
    const lenderAssetsBefore = await usdcPool.totalAssets();
    const reservesBefore = await usdcPool.reserves();
    const book = await bookOf(fixture, flash.connect(keeper).liquidate(await vault.getAddress(), id, await keeper.getAddress(), 0, 0));
    const after = await vault.positions(id);
    expect([after.lpShares, after.debtShares0, after.debtShares1]).to.deep.equal([0n, 0n, 0n]);
    expect(await usdcPool.borrowBalance(await vault.getAddress())).to.equal(0n);
    expect(book.whole).to.equal(true);

    const shortfall = Number(view.debtValueWad - view.valueWad) / 1e18;
    const value = Number(view.valueWad) / 1e18;
    const badDebtUsd = await usdValue(fixture, book.badDebt[0], book.badDebt[1]);
    const repaidUsd = await usdValue(fixture, book.repaid[0], book.repaid[1]);
    const [g0, g1, glp] = await balancesOf(fixture, await keeper.getAddress());
    const gainUsd = await usdValue(fixture, g0, g1);
    const incentiveUsd = await usdValue(fixture, book.incentive[0], book.incentive[1]);
    console.log(
      `    value $${fmt(value)} debt $${fmt(Number(view.debtValueWad) / 1e18)} shortfall $${fmt(shortfall)}; repaid $${fmt(repaidUsd)} (value less ${DISCOUNT_BPS} bps), ` +
        `written off $${fmt(badDebtUsd)}, reserve incentive $${fmt(incentiveUsd)}; empty-wallet liquidator ends with $${fmt(gainUsd)} and ${glp} LP`,
    );
    // The LP was sold for its value less the swap allowance, rounded for the pools.
    expect(repaidUsd).to.be.closeTo((value * (10_000 - DISCOUNT_BPS)) / 10_000, 0.01);
    expect(badDebtUsd).to.be.closeTo(shortfall + (value * DISCOUNT_BPS) / 10_000, 0.01);
    expect(badDebtUsd).to.be.at.most(shortfall + (value * DISCOUNT_BPS) / 10_000 + 0.01);
    // The seeded reserve covered it all: lenders are whole (the block's interest only adds).
    expect(await usdcPool.totalAssets()).to.be.greaterThanOrEqual(lenderAssetsBefore);
    expect(reservesBefore - (await usdcPool.reserves())).to.be.closeTo(book.badDebt[0] + book.badDebt[1] + book.incentive[0] + book.incentive[1], 10n ** 4n);
    // It started with nothing and ends with something; the helper keeps nothing.
    expect(gainUsd).to.be.greaterThan(0);
    expect(gainUsd).to.be.at.most(incentiveUsd + (value * DISCOUNT_BPS) / 10_000 + 0.01);
    expect(await balancesOf(fixture, await flash.getAddress())).to.deep.equal([0n, 0n, 0n]);
  });

  it("a position just past the kill factor: the callback path repays exactly what liquidateWithRepayment repays, the owner keeps the same, and the empty-wallet liquidator earns the bounty less its swap", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { vault } = await wethVault(fixture);
    const id = await crashedPosition(fixture, 1, 1_350);
    const view = await vault.positionView(id);
    expect(view.liquidatable).to.equal(true);
    const snapshot = await takeSnapshot();

    // Control: a funded liquidator pays and takes the LP.
    const { liquidator, tokens } = fixture;
    await tokens.USDC.connect(liquidator).faucet(10_000n * 10n ** 6n);
    await tokens.USDC.connect(liquidator).approve(await vault.getAddress(), ethers.MaxUint256);
    const control = await bookOf(fixture, vault.connect(liquidator).liquidateWithRepayment(id));
    const controlView = await vault.positionView(id);
    await snapshot.restore();

    const keeper = await emptyWallet(fixture);
    const flash = await deployFlash();
    const book = await bookOf(fixture, flash.connect(keeper).liquidate(await vault.getAddress(), id, await keeper.getAddress(), 0, 0));
    const afterView = await vault.positionView(id);
    expect(book.repaid).to.deep.equal(control.repaid);
    expect(book.lpPaid).to.equal(control.lpPaid);
    expect(book.returned).to.deep.equal(control.returned);
    expect([afterView.lpShares, afterView.debt0, afterView.debt1]).to.deep.equal([controlView.lpShares, controlView.debt0, controlView.debt1]);
    const [g0, g1] = await balancesOf(fixture, await keeper.getAddress());
    const gainUsd = await usdValue(fixture, g0, g1);
    const unwound = (Number(view.valueWad) / 1e18) * (Number(book.lpPaid) / Number(view.lpAmount));
    const bounty = (unwound * VOLATILE_VAULT_RISK.liquidationBountyBps) / 10_000;
    console.log(`    unwound $${fmt(unwound)}, bounty $${fmt(bounty)}; empty-wallet liquidator kept $${fmt(gainUsd)} after burning and swapping in the pair; debt ratio ${view.debtRatioBps} -> ${afterView.debtRatioBps} bps`);
    expect(gainUsd).to.be.greaterThan(0);
    expect(gainUsd).to.be.at.most(bounty + 0.01);
    expect(afterView.liquidatable).to.equal(false);
  });

  describe("the attacker's callback", () => {
    async function armed(fixture: VaultFixture) {
      const { vault } = await wethVault(fixture);
      const id = await crashedPosition(fixture, 1, 500);
      const bot = await deployAttacker(fixture.attacker);
      // Funded so that only its intent, not its means, decides whether it pays.
      await fixture.tokens.USDC.connect(fixture.attacker).transfer(await bot.getAddress(), 10_000n * 10n ** 6n);
      const before = await vault.positions(id);
      return { vault, id, bot, before };
    }

    async function unchanged(vault: Contract | Awaited<ReturnType<typeof wethVault>>["vault"], id: bigint, before: { lpShares: bigint; debtShares0: bigint; debtShares1: bigint }) {
      const now = await vault.positions(id);
      expect([now.lpShares, now.debtShares0, now.debtShares1]).to.deep.equal([before.lpShares, before.debtShares0, before.debtShares1]);
    }

    it("re-entering the vault from the callback (liquidate, liquidateWithCallback, close, harvest, positionView) reverts the whole liquidation: nothing moves", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { vault, id, bot, before } = await armed(fixture);
      const closeParams = { positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE };
      const calls: Array<[string, string]> = [
        ["liquidate", vault.interface.encodeFunctionData("liquidate", [id])],
        ["liquidateWithCallback", vault.interface.encodeFunctionData("liquidateWithCallback", [id, "0x"])],
        ["liquidateWithRepayment", vault.interface.encodeFunctionData("liquidateWithRepayment", [id])],
        ["close", vault.interface.encodeFunctionData("close", [closeParams])],
        ["harvest", vault.interface.encodeFunctionData("harvest", [0])],
        ["positionView", vault.interface.encodeFunctionData("positionView", [id])],
      ];
      for (const [name, data] of calls) {
        await bot.connect(fixture.attacker).arm(await vault.getAddress(), data, 0);
        await expect(bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id), name).to.be.revertedWithCustomError(vault, "ReentrancyGuardReentrantCall");
        await unchanged(vault, id, before);
      }
      console.log(`    ${calls.length} re-entries from the callback, each refused by the vault's lock; position unchanged`);
    });

    it("paying one base unit less than owed, or approving what it does not hold, reverts the whole liquidation", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { vault, id, bot, before } = await armed(fixture);
      const usdc = fixture.tokens.USDC;
      await bot.connect(fixture.attacker).arm(ethers.ZeroAddress, "0x", 1);
      await expect(bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id)).to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance");
      await unchanged(vault, id, before);
      // Lying: approves the full amount but has sent its tokens away.
      await bot.connect(fixture.attacker).execute(await usdc.getAddress(), usdc.interface.encodeFunctionData("transfer", [fixture.attacker.address, await usdc.balanceOf(await bot.getAddress())]));
      await bot.connect(fixture.attacker).arm(ethers.ZeroAddress, "0x", 0);
      await expect(bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id)).to.be.revertedWithCustomError(usdc, "ERC20InsufficientBalance");
      await unchanged(vault, id, before);
      // An account with no code cannot be called back at all.
      await expect(vault.connect(fixture.attacker).liquidateWithCallback(id, "0x")).to.be.reverted;
      await unchanged(vault, id, before);
    });

    it("nobody but the vault it is liquidating can call the FlashLiquidator's callback, and it holds nothing to take", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { vault, id, bot } = await armed(fixture);
      const flash = await deployFlash();
      // Directly, from an account.
      await expect(flash.connect(fixture.attacker).onFluxLiquidation(id, 1n, 0n, 0n, "0x"))
        .to.be.revertedWithCustomError(flash, "NotInLiquidation")
        .withArgs(fixture.attacker.address);
      // From inside the attacker's own liquidation (the vault calls the attacker, which calls the helper).
      await bot.connect(fixture.attacker).arm(await flash.getAddress(), flash.interface.encodeFunctionData("onFluxLiquidation", [id, 1n, 0n, 0n, "0x"]), 0);
      await expect(bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id)).to.be.revertedWithCustomError(flash, "NotInLiquidation");
      expect(await balancesOf(fixture, await flash.getAddress())).to.deep.equal([0n, 0n, 0n]);
    });

    it("trading in the pair inside the callback changes nothing the pools or the owner get: the amounts are fixed before the call back", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { vault, id, bot } = await armed(fixture);
      const { pair, token0, token1 } = await wethVault(fixture);
      const snapshot = await takeSnapshot();
      await bot.connect(fixture.attacker).arm(ethers.ZeroAddress, "0x", 0);
      const honest = await bookOf(fixture, bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id));
      await snapshot.restore();
      // Inside the callback: dump 10,000 USDC into the pair (a 5x larger push than the position).
      const usdc = fixture.tokens.USDC;
      const usdcIs0 = (await token0.getAddress()) === (await usdc.getAddress());
      const router = fixture.farming.uniswap.router as Contract;
      await bot.connect(fixture.attacker).execute(await usdc.getAddress(), usdc.interface.encodeFunctionData("approve", [await router.getAddress(), ethers.MaxUint256]));
      await fixture.tokens.USDC.connect(fixture.attacker).transfer(await bot.getAddress(), 20_000n * 10n ** 6n);
      const path = [await usdc.getAddress(), usdcIs0 ? await token1.getAddress() : await token0.getAddress()];
      const swap = router.interface.encodeFunctionData("swapExactTokensForTokens", [10_000n * 10n ** 6n, 0n, path, await bot.getAddress(), FAR_FUTURE]);
      await bot.connect(fixture.attacker).arm(await router.getAddress(), swap, 0);
      const reservesBefore = await (pair as Contract).getReserves();
      const pushed = await bookOf(fixture, bot.connect(fixture.attacker).liquidate(await vault.getAddress(), id));
      const reservesAfter = await (pair as Contract).getReserves();
      console.log(`    the callback moved the pair's reserves ${reservesBefore[0]}/${reservesBefore[1]} -> ${reservesAfter[0]}/${reservesAfter[1]}; repaid, written off, owner credit identical`);
      expect(pushed.repaid).to.deep.equal(honest.repaid);
      expect(pushed.badDebt).to.deep.equal(honest.badDebt);
      expect(pushed.returned).to.deep.equal(honest.returned);
      expect(pushed.lpPaid).to.equal(honest.lpPaid);
    });
  });
});

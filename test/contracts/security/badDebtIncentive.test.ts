/**
 * Issue 18, cause 3, written as the attacker: the reserve's incentive for clearing an underwater position is a share
 * (LendingPool.LIQUIDATION_INCENTIVE_BPS, 5%) of the bad debt it clears, capped per write-off and by the reserve
 * above its floor, and nothing when the owner clears his own position. So dust positions before a depeg, a position
 * split into many, and the owner's second account as liquidator all lose money; and one underwater liquidation by
 * repayment costs the pool its shortfall plus at most 5% of it (nothing more once the reserve is at its floor).
 * Real pairs, farms and pools of the local stack; only the feeds move.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract, ContractTransactionReceipt, Signer } from "ethers";
import { vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { moveUsdc, openStable10x } from "../vault/stableHelpers";
import { moveWeth, openWeth, wethVault } from "../vault/ordersHelpers";
import { eventsOf, holdings, usd6, usdDelta, usdOf } from "./vaultAttackHelpers";
import { BPS, mulWadUp } from "../../../lib/math";
import { tokenValueWadUp } from "../../../lib/vaultMath";
import { LIQUIDATION_INCENTIVE_BPS, writeOffIncentive } from "../../../lib/pools";

const INCENTIVE_BPS = LIQUIDATION_INCENTIVE_BPS;
/** Gas priced for the printout: 50 gwei on an L1 at the local ETH price. */
const GAS_USD = (gas: bigint) => (Number(gas) * 50e-9 * 2_000);
const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(2) : n.toPrecision(6));

async function addr(c: { getAddress(): Promise<string> }) {
  return c.getAddress();
}

/** USDC to $0.80 on the feed, the pair arbitraged to it. */
const depegUsdc = (fixture: VaultFixture) => moveUsdc(fixture, 0.8);

interface Cleared {
  badDebtUsd: number;
  incentiveUsd: number;
  gas: bigint;
}

/** Liquidates `id` by repayment from `liquidator` and checks the pools paid at most 5% of each bad debt (to the wei). */
async function liquidateByRepayment(fixture: VaultFixture, vault: Contract, liquidator: Signer, id: bigint): Promise<Cleared> {
  const receipt: ContractTransactionReceipt | null = await (await (vault.connect(liquidator) as Contract).liquidateWithRepayment(id)).wait();
  const outcome = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
  const token0 = await vault.token0();
  const token1 = await vault.token1();
  for (const [badDebt, incentive] of [[outcome.badDebt0, outcome.incentive0], [outcome.badDebt1, outcome.incentive1]] as const) {
    expect(BigInt(incentive), `position ${id}: incentive vs 5% of its bad debt`).to.be.at.most((BigInt(badDebt) * INCENTIVE_BPS) / BPS);
  }
  return {
    badDebtUsd: (await usdOf(fixture, token0, BigInt(outcome.badDebt0))) + (await usdOf(fixture, token1, BigInt(outcome.badDebt1))),
    incentiveUsd: (await usdOf(fixture, token0, BigInt(outcome.incentive0))) + (await usdOf(fixture, token1, BigInt(outcome.incentive1))),
    gas: receipt!.gasUsed,
  };
}

/** The attack: the attacker opens `count` positions with `open`, `crash` puts them underwater, his second account
 *  clears each by repayment. Returns the bad debt, the incentives and the attacker's profit over both accounts
 *  (tokens and claimable credits at the oracle's prices after the crash, the LP taken at the fair LP price), before
 *  gas, and the gas. */
async function dustAttack(
  fixture: VaultFixture,
  vault: Contract,
  watched: string[],
  count: number,
  open: () => Promise<{ id: bigint; gas: bigint }>,
  crash: () => Promise<void>,
) {
  const { attacker, carol: second } = fixture;
  const pair = await ethers.getContractAt("IERC20", await vault.pair());
  const accounts = [attacker.address, second.address];
  const lpOf = async () => (await pair.balanceOf(attacker.address)) + (await pair.balanceOf(second.address));
  const lpBefore = await lpOf();
  const before = [await holdings(attacker.address, watched, [vault]), await holdings(second.address, watched, [vault])];
  let gas = 0n;
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const opened = await open();
    ids.push(opened.id);
    gas += opened.gas;
  }
  await crash();
  const view = await vault.positionView(ids[0]);
  expect(BigInt(view.valueWad), "underwater after the crash").to.be.lessThan(BigInt(view.debtValueWad));
  const lpPriceWad = (BigInt(view.valueWad) * 10n ** 18n) / BigInt(view.lpAmount);
  let badDebtUsd = 0;
  let incentiveUsd = 0;
  for (const id of ids) {
    const cleared = await liquidateByRepayment(fixture, vault, second, id);
    badDebtUsd += cleared.badDebtUsd;
    incentiveUsd += cleared.incentiveUsd;
    gas += cleared.gas;
  }
  let profit = 0;
  for (const [i, who] of accounts.entries()) profit += await usdDelta(fixture, watched, before[i], await holdings(who, watched, [vault]));
  profit += Number((((await lpOf()) - lpBefore) * lpPriceWad) / 10n ** 18n) / 1e18;
  return { profit, badDebtUsd, incentiveUsd, gas };
}

/** Alice's 3x WETH-USDC position ($2,000 of WETH, $4,000 of USDC debt) after WETH falls to $500: about $1,000
 *  underwater, all its debt in USDC; the liquidator holds 10,000 USDC approved to the vault. */
async function underwaterWethFixture() {
  const fixture = await vaultStackFixture();
  const { vault, wethIsToken0 } = await wethVault(fixture);
  const id = await openWeth(fixture, fixture.alice, 1, 3);
  await moveWeth(fixture, 500);
  await fixture.tokens.USDC.connect(fixture.liquidator).faucet(usd6(10_000));
  await fixture.tokens.USDC.connect(fixture.liquidator).approve(await addr(vault), ethers.MaxUint256);
  return { fixture, vault, wethIsToken0, usdcPool: fixture.pools.USDC, id };
}

describe("Security: the reserve pays only for real bad debt (issue 18, cause 3)", function () {
  this.timeout(600_000);

  it("25 dust positions before a USDC depeg to $0.80, cleared by the owner's second account: the attacker loses, and splitting one position into 25 gains nothing", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { attacker, carol: second, tokens } = fixture;
    const vault = fixture.stable.vault as unknown as Contract;
    const watched = [await addr(tokens.USDC), await addr(tokens.USDT), await addr(tokens.FLUX)];
    // The second account brings the repayment (USDT) itself.
    await tokens.USDT.connect(second).approve(await addr(vault), ethers.MaxUint256);
    const snapshot = await takeSnapshot();

    /** Opens `count` positions of `valueUsd`, depegs, has the second account clear them all; the attacker's
     *  profit over both accounts at the depegged prices (tokens, claimable credits and the LP taken at the
     *  fair LP price), before gas. */
    const run = async (label: string, count: number, valueUsd: number) => {
      await snapshot.restore();
      const { profit, badDebtUsd, incentiveUsd, gas } = await dustAttack(fixture, vault, watched, count, () => openStable10x(fixture, attacker, valueUsd), () => depegUsdc(fixture));
      console.log(
        `    [3${label}] ${count} x $${valueUsd} at 10x, USDC to $0.80: bad debt $${fmt(badDebtUsd)}, incentives $${fmt(incentiveUsd)} ` +
          `(${((incentiveUsd / Math.max(badDebtUsd, 1e-9)) * 100).toFixed(2)}%), attacker profit before gas $${fmt(profit)}, gas ${gas} ($${fmt(GAS_USD(gas))} at 50 gwei)`,
      );
      return { profit, badDebtUsd, incentiveUsd };
    };

    const dust = await run("a", 25, 2.5);
    const whole = await run("b", 1, 62.5);
    // Measured on 3060a06 with a flat incentive per write-off: +$2,244.18 for 25 positions of $2.
    expect(dust.profit, "25 dust positions: attacker's profit").to.be.at.most(0);
    expect(whole.profit, "one position: attacker's profit").to.be.at.most(0);
    expect(dust.incentiveUsd, "25 dust positions: incentives vs 5% of the bad debt").to.be.at.most(dust.badDebtUsd * 0.05 + 1e-6);
    // Splitting the same money into 25 positions earns no more than keeping it in one (a cent of rounding aside).
    expect(dust.profit, "split vs whole").to.be.at.most(whole.profit + 0.01);
    expect(dust.incentiveUsd, "split vs whole: incentives").to.be.at.most(whole.incentiveUsd + 0.01);
  });

  it("WETH-USDC: 10 small 3x positions before a crash to $500, cleared by the owner's second account: the attacker loses", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { attacker, carol: second, tokens } = fixture;
    const { vault: wethVaultContract } = await wethVault(fixture);
    const vault = wethVaultContract as unknown as Contract;
    const watched = [await addr(tokens.USDC), await addr(tokens.WETH), await addr(tokens.FLUX)];
    await tokens.USDC.connect(second).faucet(usd6(10_000));
    await tokens.USDC.connect(second).approve(await addr(vault), ethers.MaxUint256);
    await tokens.WETH.connect(second).approve(await addr(vault), ethers.MaxUint256);
    const { profit, badDebtUsd, incentiveUsd } = await dustAttack(
      fixture,
      vault,
      watched,
      10,
      async () => ({ id: await openWeth(fixture, attacker, 0.05, 3), gas: 0n }), // $100 of WETH, $200 borrowed
      () => moveWeth(fixture, 500),
    );
    console.log(
      `    [3g] 10 x $300 WETH-USDC at 3x, WETH $2,000 -> $500: bad debt $${fmt(badDebtUsd)}, incentives $${fmt(incentiveUsd)}, attacker profit before gas $${fmt(profit)} (was +$572.58 with a flat incentive)`,
    );
    expect(badDebtUsd).to.be.greaterThan(0);
    expect(incentiveUsd).to.be.at.most(badDebtUsd * 0.05 + 1e-6);
    expect(profit, "attacker's profit").to.be.at.most(0);
  });

  it("an owner clearing his own underwater position gets no incentive; his second account gets 5% of the bad debt, never his equity back", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { attacker, carol: second, tokens } = fixture;
    const vault = fixture.stable.vault as unknown as Contract;
    for (const who of [attacker, second]) await tokens.USDT.connect(who).approve(await addr(vault), ethers.MaxUint256);
    const own = await openStable10x(fixture, attacker, 5_000);
    const other = await openStable10x(fixture, attacker, 5_000);
    await depegUsdc(fixture);
    const byOwner = await liquidateByRepayment(fixture, vault, attacker, own.id);
    const bySecond = await liquidateByRepayment(fixture, vault, second, other.id);
    console.log(
      `    [3c] $5,000 at 10x, USDC to $0.80: bad debt $${fmt(byOwner.badDebtUsd)} / $${fmt(bySecond.badDebtUsd)}; ` +
        `incentive to the owner $${fmt(byOwner.incentiveUsd)}, to his second account $${fmt(bySecond.incentiveUsd)} (equity put in $500)`,
    );
    expect(byOwner.badDebtUsd).to.be.greaterThan(1);
    expect(byOwner.incentiveUsd).to.equal(0);
    expect(bySecond.incentiveUsd).to.be.greaterThan(0);
    expect(bySecond.incentiveUsd).to.be.at.most(bySecond.badDebtUsd * 0.05 + 1e-6);
    expect(bySecond.incentiveUsd).to.be.lessThan(500 * 0.8);
  });

  it("one underwater liquidation by repayment costs the pool its bad debt (at most the shortfall) plus at most 5% of it from the reserve above its floor; at the floor, exactly the bad debt", async () => {
    const { fixture, vault, wethIsToken0, usdcPool, id } = await loadFixture(underwaterWethFixture);
    const { liquidator, deployer, tokens } = fixture;
    const snapshot = await takeSnapshot();

    const run = async (label: string, cap: bigint, toFloor: boolean) => {
      await snapshot.restore();
      await usdcPool.connect(deployer).setLiquidationIncentive(cap);
      if (toFloor) {
        const floor = BigInt((await usdcPool.configuration()).reserveFloor);
        await usdcPool.connect(deployer).withdrawReserves((await usdcPool.reserves()) - floor, deployer.address);
      }
      const view = await vault.positionView(id);
      const shortfallUsd = Number(BigInt(view.debtValueWad) - BigInt(view.valueWad)) / 1e18;
      await usdcPool.accrueInterest();
      const cashBefore = BigInt(await usdcPool.cash());
      const poolBefore = cashBefore + BigInt(await usdcPool.totalBorrows());
      const lendersBefore = BigInt(await usdcPool.totalAssets());
      const reservesBefore = BigInt(await usdcPool.reserves());
      const floor = BigInt((await usdcPool.configuration()).reserveFloor);
      const receipt = await (await vault.connect(liquidator).liquidateWithRepayment(id)).wait();
      const o = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
      const [badDebt, covered, incentive] = (wethIsToken0 ? [o.badDebt1, o.reserveCovered1, o.incentive1] : [o.badDebt0, o.reserveCovered0, o.incentive0]).map(BigInt);
      const poolCost = poolBefore - (BigInt(await usdcPool.cash()) + BigInt(await usdcPool.totalBorrows()));
      const lendersLoss = lendersBefore - BigInt(await usdcPool.totalAssets());
      const reservesAfter = BigInt(await usdcPool.reserves());
      const usdc = await addr(tokens.USDC);
      const [badDebtUsd, incentiveUsd, poolCostUsd] = [await usdOf(fixture, usdc, badDebt), await usdOf(fixture, usdc, incentive), await usdOf(fixture, usdc, poolCost)];
      console.log(
        `    [3${label}] shortfall $${fmt(shortfallUsd)}: bad debt $${fmt(badDebtUsd)}, reserve covered $${fmt(Number(covered) / 1e6)}, incentive $${fmt(incentiveUsd)} ` +
          `(cap ${Number(cap) / 1e6} USDC); pool cost $${fmt(poolCostUsd)}, lenders' loss ${Number(lendersLoss) / 1e6} USDC; reserve ${Number(reservesBefore) / 1e6} -> ${Number(reservesAfter) / 1e6} (floor ${Number(floor) / 1e6})`,
      );
      // The liquidator paid the LP's whole value: the bad debt is the shortfall, rounded for the pool.
      expect(badDebtUsd, `${label}: bad debt vs shortfall`).to.be.at.most(shortfallUsd + 0.01);
      // The incentive is exactly 5% of the bad debt (rounded down), unless the cap or the floor is lower.
      const share = (badDebt * INCENTIVE_BPS) / BPS;
      const expected = writeOffIncentive(badDebt, { reserves: reservesBefore, reserveFloor: floor, cash: cashBefore, cap });
      expect(incentive, `${label}: incentive`).to.be.closeTo(expected, 10n); // the block's accrual moves the reserve by wei
      expect(incentive, `${label}: incentive vs 5%`).to.be.at.most(share);
      expect(reservesAfter, `${label}: the reserve never pays below its floor`).to.be.at.least(toFloor ? 0n : floor);
      // What the pool as a whole (lenders and reserve) lost: the bad debt and the incentive, nothing else.
      expect(poolCost, `${label}: pool cost`).to.be.at.most(badDebt + incentive);
      if (toFloor) expect(incentive, `${label}: nothing from a reserve at its floor`).to.equal(0n);
      return { badDebtUsd, incentiveUsd, poolCostUsd, shortfallUsd };
    };

    const proportional = await run("d", usd6(1_000_000), false);
    await run("e", usd6(10), false);
    const atFloor = await run("f", usd6(1_000_000), true);
    expect(proportional.incentiveUsd).to.be.greaterThan(0);
    expect(proportional.poolCostUsd, "pool cost vs shortfall plus 5%").to.be.at.most(proportional.shortfallUsd * 1.05 + 0.01);
    expect(atFloor.poolCostUsd, "at the floor: pool cost vs shortfall").to.be.at.most(atFloor.shortfallUsd + 0.01);
  });

  it("underwater repayment to the wei: the liquidator repays ceil(shares x value / debt) debt shares, so the pool writes off the shortfall and never a share more", async () => {
    const { fixture, vault, wethIsToken0, usdcPool, id } = await loadFixture(underwaterWethFixture);
    const { liquidator, tokens, farming } = fixture;
    const view = await vault.positionView(id);
    const position = await vault.positions(id);
    const shares = BigInt(wethIsToken0 ? position.debtShares1 : position.debtShares0);
    expect(BigInt(wethIsToken0 ? position.debtShares0 : position.debtShares1)).to.equal(0n); // all its debt is USDC
    const receipt = await (await vault.connect(liquidator).liquidateWithRepayment(id)).wait();
    const o = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
    const [repaid, badDebt] = (wethIsToken0 ? [o.repaid1, o.badDebt1] : [o.repaid0, o.badDebt0]).map(BigInt);
    // The debt as the vault valued it in the liquidation's block (the pool's index of that block, debt rounded up);
    // the value does not move between blocks (no trade, same feeds).
    const index = BigInt(await usdcPool.borrowIndex({ blockTag: receipt!.blockNumber }));
    const price = BigInt(await farming.oracle.priceOf(await addr(tokens.USDC)));
    const debtValueWad = tokenValueWadUp(mulWadUp(shares, index), price, 6);
    const value = BigInt(view.valueWad);
    const repaidShares = (shares * value + debtValueWad - 1n) / debtValueWad; // rounded up, for the pool
    console.log(
      `    [3h] ${shares} debt shares at index ${index}: ${repaidShares} repaid (${Number(repaid) / 1e6} USDC), ${shares - repaidShares} written off (${Number(badDebt) / 1e6} USDC)`,
    );
    expect(repaid).to.equal(mulWadUp(repaidShares, index));
    expect(badDebt).to.equal(mulWadUp(shares - repaidShares, index));
    // One share fewer repaid (rounding down) would write off a share more than the shortfall.
    expect((shares * value) % debtValueWad, "the case is not exact, so the rounding shows").to.not.equal(0n);
  });
});


import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { vaultStackFixture, type VaultFixture } from "./fixtures";
import { fund } from "./market";
import {
  balancesOf,
  burnValueOfLp,
  displacePair,
  eventsOf,
  fmt,
  lpPriceOf,
  moveWeth,
  openWeth,
  oraclePrices,
  pairWethUsd,
  usdValue,
  wethVault,
} from "./ordersHelpers";

const BOUNTY_BPS = 300;
const TARGET_BPS = 7_000;
/** Rounding allowance on the bounty: the vault's dust threshold ($0.01) plus a cent. */
const BOUNTY_DUST_USD = 0.02;

type Path = "liquidate" | "liquidateWithRepayment";

/** The liquidator holds plenty of USDC (the debt token) and has approved the vault, for the repayment path. */
async function armLiquidator(fixture: VaultFixture, usdc: bigint) {
  const { liquidator, deployer, tokens, volatile } = fixture;
  await fund(fixture, "USDC", usdc);
  await tokens.USDC.connect(deployer).transfer(liquidator.address, usdc);
  await tokens.USDC.connect(liquidator).approve(await volatile.vault.getAddress(), ethers.MaxUint256);
}

async function oracleWethInUsdc(fixture: VaultFixture): Promise<number> {
  const { wethIsToken0 } = await wethVault(fixture);
  const [p0, p1] = await oraclePrices(fixture);
  return wethIsToken0 ? p0 / p1 : p1 / p0;
}

/**
 * Liquidates `id` by `liquidate` if its oracle-bounded swap can go through, else (after checking that it reverts
 * with SwapOutsideOracleBound and nothing else) by `liquidateWithRepayment`. Measures everything.
 */
async function liquidateEitherWay(fixture: VaultFixture, id: bigint, liquidator: Signer) {
  const { vault, usdcPool } = await wethVault(fixture);
  const who = await liquidator.getAddress();
  const before = await vault.positionView(id);
  expect(before.liquidatable).to.equal(true);
  const poolDebtBefore = await usdcPool.borrowBalance(await vault.getAddress());
  const gainBefore = await balancesOf(fixture, who);
  let path: Path = "liquidate";
  let swapError = "";
  try {
    await vault.connect(liquidator).liquidate.staticCall(id);
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data ? vault.interface.parseError(data) : null;
    expect(parsed?.name, `liquidate reverted with ${parsed?.name ?? (e as Error).message}`).to.equal("SwapOutsideOracleBound");
    swapError = `SwapOutsideOracleBound(shortfall ${parsed!.args.shortfallBps} bps > ${parsed!.args.maxSlippageBps})`;
    path = "liquidateWithRepayment";
  }
  const { events } = await eventsOf(fixture, path === "liquidate" ? vault.connect(liquidator).liquidate(id) : vault.connect(liquidator).liquidateWithRepayment(id), "PositionLiquidated");
  expect(events.length).to.equal(1);
  const outcome = events[0].outcome;
  const after = await vault.positionView(id);
  const gainAfter = await balancesOf(fixture, who);
  const [d0, d1, dLp] = [gainAfter[0] - gainBefore[0], gainAfter[1] - gainBefore[1], gainAfter[2] - gainBefore[2]];
  const lpPrice = lpPriceOf(before);
  // The liquidator's gain at oracle prices (LP at the vault's fair LP price).
  const gain = (await usdValue(fixture, d0, d1)) + Number(dLp) * lpPrice;
  // ...and if it burnt the LP at the pair's current spot instead.
  const gainIfBurnt = (await usdValue(fixture, d0, d1)) + (dLp > 0n ? await burnValueOfLp(fixture, dLp) : 0);
  const unwound = lpPrice * Number(outcome.lpRemoved);
  const poolDebtAfter = await usdcPool.borrowBalance(await vault.getAddress());
  // The owner's side: what stays in the position plus what is kept for it to claim.
  const credited = await usdValue(fixture, outcome.returned0, outcome.returned1);
  return { before, after, outcome, path, swapError, gain, gainIfBurnt, unwound, poolDebtBefore, poolDebtAfter, credited };
}

type Measured = Awaited<ReturnType<typeof liquidateEitherWay>>;

/** What every liquidation must satisfy, whatever the path. */
function checkLiquidation(m: Measured, label: string) {
  const { before, after, outcome } = m;
  // Value at oracle prices covered the debt: no bad debt, the pool got exactly what was repaid.
  expect(before.valueWad).to.be.greaterThan(before.debtValueWad);
  expect(outcome.badDebt0 + outcome.badDebt1, `${label}: bad debt`).to.equal(0n);
  // (A block's interest on the vault's whole debt, about 1e-10 of it, accrues between the reads.)
  const interestSlack = 10n + m.poolDebtBefore / 100_000_000n;
  expect(m.poolDebtBefore - m.poolDebtAfter, `${label}: pool repaid`).to.be.closeTo(outcome.repaid0 + outcome.repaid1, interestSlack);
  if (outcome.whole) {
    expect(after.debt0 + after.debt1, `${label}: whole liquidation leaves debt`).to.equal(0n);
    expect(after.lpShares).to.equal(0n);
  } else {
    expect(Number(after.debtRatioBps), `${label}: ratio after`).to.be.within(TARGET_BPS - 10, TARGET_BPS + 10);
  }
  expect(after.liquidatable).to.equal(false);
  // Nobody gets more than the stated bounty on the value liquidated.
  const cap = (m.unwound * BOUNTY_BPS) / 10_000;
  expect(m.gain, `${label}: liquidator gain $${fmt(m.gain)} above the ${BOUNTY_BPS} bps bounty $${fmt(cap)} on $${fmt(m.unwound)} liquidated`).to.be.at.most(cap + BOUNTY_DUST_USD);
  // And the owner keeps the rest of its equity (position + claimable), less the bounty.
  const ownerAfter = Number(after.equityWad) / 1e18 + m.credited;
  const equityBefore = Number(before.equityWad) / 1e18;
  expect(ownerAfter, `${label}: owner kept $${fmt(ownerAfter)} of equity $${fmt(equityBefore)}`).to.be.at.least(equityBefore - cap - BOUNTY_DUST_USD);
}

function line(m: Measured) {
  return (
    `${m.path}${m.swapError ? ` (liquidate: ${m.swapError})` : ""}; ratio ${m.before.debtRatioBps}->${m.outcome.whole ? "closed" : m.after.debtRatioBps}; ` +
    `liquidated $${fmt(m.unwound)}; gain $${fmt(m.gain)} = ${fmt((m.gain / m.unwound) * 1e4, 1)} bps (cap ${BOUNTY_BPS})` +
    (m.path === "liquidateWithRepayment" ? ` [LP burnt at spot: $${fmt(m.gainIfBurnt)} = ${fmt((m.gainIfBurnt / m.unwound) * 1e4, 1)} bps]` : "") +
    `; repaid ${fmt(Number(m.outcome.repaid0 + m.outcome.repaid1) / 1e6)} USDC, bad debt ${m.outcome.badDebt0 + m.outcome.badDebt1}; ` +
    `owner equity $${fmt(Number(m.before.equityWad) / 1e18)} -> kept $${fmt(Number(m.after.equityWad) / 1e18 + m.credited)}`
  );
}

describe("LeveragedVault liquidation paths with the pair off the oracle", () => {
  for (const offset of [5, 20, 50]) {
    for (const direction of [+1, -1]) {
      for (const size of ["large", "small"] as const) {
        const sign = direction > 0 ? "+" : "-";
        // Selling WETH for the USDC debt: a pair that prices WETH above the oracle is on the liquidation's side.
        const favourable = direction > 0;
        it(`pair ${sign}${offset}% (WETH ${direction > 0 ? "dearer" : "cheaper"} in the pair), ${size} position: ${favourable ? "liquidate" : "SwapOutsideOracleBound, then liquidateWithRepayment"}; debt repaid, bounty capped`, async () => {
          const fixture = await loadFixture(vaultStackFixture);
          const { vault } = await wethVault(fixture);
          const owner = size === "large" ? fixture.alice : fixture.bob;
          const id = await openWeth(fixture, owner, size === "large" ? 1 : 0.05);
          // Past the kill factor at the oracle ($1,350: about 82%), then a big swap moves only the pair.
          await moveWeth(fixture, 1_350);
          const oracleWeth = await oracleWethInUsdc(fixture);
          await displacePair(fixture, oracleWeth * (1 + (direction * offset) / 100));
          const spot = await pairWethUsd(fixture);
          expect(spot / oracleWeth - 1).to.be.closeTo((direction * offset) / 100, 0.001);
          expect(await oracleWethInUsdc(fixture)).to.equal(oracleWeth);
          expect((await vault.positionView(id)).liquidatable).to.equal(true);
          await armLiquidator(fixture, 10_000n * 10n ** 6n);

          const m = await liquidateEitherWay(fixture, id, fixture.liquidator);
          console.log(`      [${sign}${offset}% ${size}] pair $${fmt(spot)} vs oracle $${fmt(oracleWeth)}: ${line(m)}`);
          expect(m.path).to.equal(favourable ? "liquidate" : "liquidateWithRepayment");
          expect(m.outcome.whole).to.equal(size === "small");
          checkLiquidation(m, `${sign}${offset}% ${size}`);
        });
      }
    }
  }

  it("minimal case, pair at the oracle: liquidateWithRepayment of a small position (unwound whole) pays the liquidator no more than the bounty", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { vault, token0, token1 } = await wethVault(fixture);
    const id = await openWeth(fixture, fixture.bob, 0.05);
    await moveWeth(fixture, 1_350);
    await armLiquidator(fixture, 10_000n * 10n ** 6n);
    const before = await vault.positionView(id);
    const { events } = await eventsOf(fixture, vault.connect(fixture.liquidator).liquidateWithRepayment(id), "PositionLiquidated");
    const outcome = events[0].outcome;
    const lpValue = lpPriceOf(before) * Number(outcome.lpPaid);
    // The liquidator pays the debt and, for the owner, the equity above the bounty (outcome.returned).
    const paid = await usdValue(fixture, outcome.repaid0 + outcome.returned0, outcome.repaid1 + outcome.returned1);
    const claimable = await usdValue(
      fixture,
      await vault.claimable(await token0.getAddress(), fixture.bob.address),
      await vault.claimable(await token1.getAddress(), fixture.bob.address),
    );
    console.log(
      `      [at oracle, small, withRepayment] value $${fmt(Number(before.valueWad) / 1e18)} debt $${fmt(Number(before.debtValueWad) / 1e18)}: ` +
        `liquidator paid $${fmt(paid)} for LP worth $${fmt(lpValue)} (gain ${fmt(((lpValue - paid) / lpValue) * 1e4, 1)} bps, cap ${BOUNTY_BPS}); owner claimable $${fmt(claimable)}, lpShares left ${(await vault.positionView(id)).lpShares}`,
    );
    expect(outcome.whole).to.equal(true);
    expect(lpValue - paid).to.be.at.most((lpValue * BOUNTY_BPS) / 10_000 + BOUNTY_DUST_USD);
    expect(claimable).to.be.at.least(Number(before.equityWad) / 1e18 - (lpValue * BOUNTY_BPS) / 10_000 - BOUNTY_DUST_USD);
  });

  for (const arbitrage of [true, false]) {
    it(`ten positions past the kill factor are all liquidated in one pass, worst first (${arbitrage ? "full arbitrage between calls" : "no arbitrage"})`, async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { vault, usdcPool } = await wethVault(fixture);
      const { alice, bob, carol, attacker, liquidator } = fixture;
      const farmers = [alice, bob, carol, attacker];
      const sizes = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15];
      const leverages = [2.5, 2.95, 2.6, 2.9, 2.7, 2.8, 2.55, 2.93, 2.65, 2.85];
      const ids: bigint[] = [];
      for (let i = 0; i < sizes.length; i++) {
        ids.push(await openWeth(fixture, farmers[i % farmers.length], sizes[i], leverages[i]));
        await moveWeth(fixture, 2_000); // arbitrage the open's zap away before the next one
      }
      // The market halves: every position is past the 80% kill factor, none underwater.
      await moveWeth(fixture, 1_000);
      for (const id of ids) {
        const view = await vault.positionView(id);
        expect(view.liquidatable).to.equal(true);
        expect(view.valueWad).to.be.greaterThan(view.debtValueWad);
      }
      await armLiquidator(fixture, 500_000n * 10n ** 6n);

      const order: string[] = [];
      const paths: Record<Path, number> = { liquidate: 0, liquidateWithRepayment: 0 };
      let maxGainBps = 0;
      let calls = 0;
      let maxDrift = 0;
      const done = new Set<bigint>();
      for (;;) {
        const views = [];
        for (const id of ids) views.push(await vault.positionView(id));
        const open = views.filter((v) => v.liquidatable);
        if (open.length === 0) break;
        expect(calls, "more calls than positions").to.be.lessThan(ids.length);
        open.sort((a, b) => (b.debtRatioBps > a.debtRatioBps ? 1 : b.debtRatioBps < a.debtRatioBps ? -1 : 0));
        const worst = open[0];
        // Worst first: nothing open is worse than the one chosen, and no position comes round twice.
        expect(open.every((v) => v.debtRatioBps <= worst.debtRatioBps)).to.equal(true);
        expect(done.has(worst.positionId), `#${worst.positionId} liquidated twice`).to.equal(false);
        done.add(worst.positionId);
        const m = await liquidateEitherWay(fixture, worst.positionId, liquidator);
        calls++;
        checkLiquidation(m, `#${worst.positionId}`);
        paths[m.path]++;
        maxGainBps = Math.max(maxGainBps, (m.gain / m.unwound) * 1e4);
        order.push(`#${worst.positionId}@${worst.debtRatioBps}${m.path === "liquidate" ? "L" : "R"}`);
        const oracleWeth = await oracleWethInUsdc(fixture);
        maxDrift = Math.max(maxDrift, Math.abs((await pairWethUsd(fixture)) / oracleWeth - 1));
        if (arbitrage) await displacePair(fixture, oracleWeth);
      }
      expect(calls).to.equal(ids.length);
      expect(done.size).to.equal(ids.length);
      // The vault owes the pool exactly what the remaining positions owe, and none is liquidatable.
      let remaining = 0n;
      for (const id of ids) {
        const v = await vault.positionView(id);
        expect(v.liquidatable).to.equal(false);
        remaining += v.debt0 + v.debt1;
      }
      expect(await usdcPool.borrowBalance(await vault.getAddress())).to.be.closeTo(remaining, 10n * BigInt(ids.length));
      console.log(
        `      [10 positions, ${arbitrage ? "arbitrage" : "no arbitrage"}] ${calls} calls: liquidate ${paths.liquidate}, withRepayment ${paths.liquidateWithRepayment}; ` +
          `max pair drift ${fmt(maxDrift * 100, 2)}%; max gain ${fmt(maxGainBps, 1)} bps; order ${order.join(" ")}`,
      );
    });
  }
});

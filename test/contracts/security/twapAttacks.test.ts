/**
 * Issue 18, causes 1 and 2 (and the orders' executor, causes 4 and 5): attacks on every price that moves value
 * between farmers, written as the attacker on the real local stack (Uniswap V2 pairs, StakingRewards farm, FLUX,
 * lending pools). Each asserts the attacker's profit at oracle prices is at most zero and prints its numbers.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { advanceDays, FAR_FUTURE, vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { e18, eventsOf, farmedStable, give, holdings, positionWorth, pushAmount, routerSwap, usd6, usdDelta, usdOf, victimsWorth, WAD } from "./vaultAttackHelpers";
import { usdToFeedAnswer } from "../../../scripts/lib/deployVaults";
import { moveWeth, openWeth, wethVault } from "../vault/ordersHelpers";

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(2) : n.toPrecision(6));
const addr = (c: { getAddress(): Promise<string> }) => c.getAddress();

/** USDC base units per FLUX base unit at the oracle, WAD. */
async function oracleUsdcPerFluxWad(fixture: VaultFixture) {
  const flux = await fixture.farming.oracle.priceOf(await addr(fixture.tokens.FLUX));
  const usdc = await fixture.farming.oracle.priceOf(await addr(fixture.tokens.USDC));
  return (flux * 10n ** 6n * WAD) / (usdc * 10n ** 18n);
}

describe("Security: the TWAP and the prices that move value between farmers (issue 18)", function () {
  this.timeout(600_000);

  it("cause 1: repeated harvests (1-30 calls in one transaction, or one per block), with or without a 10,000 FLUX dump, minAmountOut 0, at carries of 10k-60k FLUX, then buying back: the caller never gains", async () => {
    const fixture = await loadFixture(farmedStable);
    const { stable, attacker, farming } = fixture;
    const vault = stable.vault;
    const flux = await addr(fixture.tokens.FLUX);
    const usdc = await addr(fixture.tokens.USDC);
    const pair = farming.fluxPair as Contract;
    const factory = await ethers.getContractFactory("HarvestRepeater", attacker);
    const bot = await factory.deploy();
    const botAddress = await addr(bot);
    const oracleRate = await oracleUsdcPerFluxWad(fixture);
    const snapshot = await takeSnapshot();
    let worst = -Infinity;
    let runs = 0;
    for (const carry of [10_000, 30_000, 60_000]) {
      for (const [calls, dump, acrossBlocks] of [[1, 0, false], [30, 0, false], [30, 10_000, false], [5, 0, true], [5, 10_000, true]] as const) {
        // The attacker buys back to the oracle's price, or only the cheap part (to 0.3% under it, where the pair's fee
        // makes the next unit cost the oracle's price).
        for (const targetBps of [10_000n, 9_970n]) {
          await snapshot.restore();
          await give(fixture, "FLUX", await addr(vault), e18(carry));
          await give(fixture, "FLUX", botAddress, e18(dump));
          await give(fixture, "USDC", botAddress, usd6(100_000));
          const tokens = [flux, usdc];
          const before = await holdings(attacker.address, tokens, []);
          const funded = (await usdOf(fixture, flux, e18(dump))) + 100_000;
          const victimsBefore = await victimsWorth(fixture, vault, [1, 2]);
          const target = (oracleRate * targetBps) / 10_000n;
          let sold = 0n;
          let sales = 0;
          if (acrossBlocks) {
            await bot.dump(await addr(pair), flux, e18(dump));
            for (let i = 0; i < calls; i++) {
              const receipt = await (await bot.harvestMany(await addr(vault), 1, 0)).wait();
              for (const h of eventsOf(vault, receipt, "Harvested")) (sold += BigInt(h.rewardSold), sales++);
            }
            await bot.buyBack(await addr(pair), flux, usdc, target);
          } else {
            const receipt = await (await bot.run(await addr(pair), flux, usdc, e18(dump), await addr(vault), calls, 0, target)).wait();
            for (const h of eventsOf(vault, receipt, "Harvested")) (sold += BigInt(h.rewardSold), sales++);
          }
          const after = await holdings(attacker.address, tokens, []);
          const profit = (await usdDelta(fixture, tokens, before, after)) - funded;
          const victimsDelta = (await victimsWorth(fixture, vault, [1, 2])) - victimsBefore;
          const soldUsd = await usdOf(fixture, flux, sold);
          console.log(
            `    [c1] carry ${carry} FLUX, ${calls} call(s) ${acrossBlocks ? "one per block" : "in one tx"}, dump ${dump}, buy back to ${Number(targetBps) / 100}% of the oracle: ` +
              `${sales} sale(s) of ${fmt(Number(sold) / 1e18)} FLUX ($${fmt(soldUsd)}); attacker profit $${fmt(profit)}; farmers Δ $${fmt(victimsDelta)}`,
          );
          worst = Math.max(worst, profit);
          runs++;
          expect(profit).to.be.at.most(0);
          // However many calls, they sold no more than walking the spot 0.25% under the oracle allows (about 0.125%
          // of the 4M FLUX reserve) plus the pair's fee growth: later calls in the block find it at the bound.
          expect(Number(sold) / 1e18).to.be.at.most(dump === 0 ? 5_100 : 5_100);
          // Farmers pay at most the walk (0.25%) and the pair's fee (0.3%) on what was sold, plus the zap's fee.
          expect(-victimsDelta).to.be.at.most(0.0065 * soldUsd + 0.01);
        }
      }
    }
    console.log(`    [c1] ${runs} runs, best attacker outcome $${fmt(worst)}`);
  });

  it("cause 2: pumping the FLUX pair 3% before a $400,000 entry earns the holder nothing; a feed lagging the market 5% or 10% refuses the entry", async () => {
    const fixture = await loadFixture(farmedStable);
    const { stable, attacker, carol, farming } = fixture;
    const vault = stable.vault;
    const flux = await addr(fixture.tokens.FLUX);
    const usdc = await addr(fixture.tokens.USDC);
    const usdt = await addr(fixture.tokens.USDT);
    const pair = farming.fluxPair as Contract;
    const fluxIsToken0 = (await pair.token0()).toLowerCase() === flux.toLowerCase();
    // The holder: a $100,000 position a day old (its share of a day's rewards pending).
    await vault.connect(attacker).open({ amount0: usd6(50_000), amount1: usd6(50_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const holderId = await vault.lastPositionId();
    await advanceDays(fixture, 1);
    await give(fixture, "USDC", carol.address, usd6(200_000));
    await give(fixture, "USDT", carol.address, usd6(200_000));
    await give(fixture, "USDC", attacker.address, usd6(100_000));
    const entry = { amount0: usd6(200_000), amount1: usd6(200_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE };
    const tokens = [usdc, usdt, flux];
    const snapshot = await takeSnapshot();

    const entrantLoss = async () => 400_000 - (await positionWorth(fixture, vault as unknown as Contract, await vault.lastPositionId()));
    await vault.connect(carol).open(entry);
    const baseLoss = await entrantLoss();
    console.log(`    [c2] unpumped: the $400,000 entrant pays $${fmt(baseLoss)} (the zap's fee), pending rewards ${fmt(Number(await vault.pendingRewards()) / 1e18)} FLUX`);

    for (const moveBps of [300, 290]) {
      await snapshot.restore();
      const holderBefore = (await holdings(attacker.address, tokens, [vault])) ;
      const worthBefore = await positionWorth(fixture, vault as unknown as Contract, holderId);
      // Pump FLUX (in USDC) by moveBps with the holder's USDC, let the entrant in, then sell the FLUX back.
      const push = await pushAmount(pair, fluxIsToken0 ? moveBps : -moveBps);
      const fluxBefore = await fixture.tokens.FLUX.balanceOf(attacker.address);
      await routerSwap(fixture, attacker, usdc, flux, push.amountIn);
      let entered = true;
      try {
        await vault.connect(carol).open(entry);
      } catch (error) {
        entered = false;
        expect(String(error)).to.match(/PriceSourcesDisagree/);
      }
      const bought = (await fixture.tokens.FLUX.balanceOf(attacker.address)) - fluxBefore;
      await routerSwap(fixture, attacker, flux, usdc, bought);
      const gain = (await usdDelta(fixture, tokens, holderBefore, await holdings(attacker.address, tokens, [vault])))
        + (await positionWorth(fixture, vault as unknown as Contract, holderId)) - worthBefore;
      const loss = entered ? await entrantLoss() : 0;
      console.log(`    [c2] pump ${moveBps / 100}%: entry ${entered ? "priced at the feed/TWAP" : "refused (PriceSourcesDisagree)"}; holder gain $${fmt(gain)}; entrant pays $${fmt(loss)} (unpumped $${fmt(baseLoss)})`);
      expect(gain).to.be.at.most(0);
      if (entered) expect(loss).to.be.at.most(baseLoss + 0.01);
    }

    for (const lagPct of [5, 10]) {
      await snapshot.restore();
      // The market (the pair, for an hour, so its TWAP too) is lagPct above the FLUX feed.
      await farming.feeds.FLUX.setAnswer(usdToFeedAnswer(0.5 * (1 - lagPct / 100)));
      await expect(vault.connect(carol).open(entry)).to.be.revertedWithCustomError(vault, "PriceSourcesDisagree");
      console.log(`    [c2] FLUX feed ${lagPct}% under the market: the entry is refused (PriceSourcesDisagree), the carry is not sold cheap`);
    }
  });

  it("causes 4 and 5: an executor that front-runs a price order or a deleverage order (pushing WETH 1%-4.5% with the owner's slippage at 5%, fee 0, 0.5% or 1%) never earns more than the fee, and the owner gets what an honest execution gives, or the order waits", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { alice, attacker } = fixture;
    const { vault, pair, wethIsToken0, token0, token1 } = await wethVault(fixture);
    const weth = await addr(fixture.tokens.WETH);
    const usdc = await addr(fixture.tokens.USDC);
    const tokens = [await addr(token0), await addr(token1)];
    const usdcIndex = wethIsToken0 ? 1 : 0;
    const bot = await (await ethers.getContractFactory("VaultAttacker", attacker)).deploy();
    const botAddress = await addr(bot);
    const ids: bigint[] = [];
    for (const size of [2, 6]) ids.push(await openWeth(fixture, alice, size));
    await advanceDays(fixture, 0.02);
    // WETH falls to $1,800 in the market and the feed: price orders at $1,800 fire, 3x positions pass 70% debt.
    await moveWeth(fixture, 1_800);
    const snapshot = await takeSnapshot();
    let runs = 0;
    for (const kind of ["price", "deleverage"] as const) {
      for (const id of ids) {
        for (const feeBps of [0, 50, 100]) {
          await snapshot.restore();
          if (kind === "price") {
            await vault.connect(alice).setPriceOrder(id, {
              lowPriceWad: 1_800n * WAD, highPriceWad: 0n, priceOfToken1: !wethIsToken0, receiveAs: usdcIndex === 0 ? 1 : 2,
              fractionBps: 10_000, executorFeeBps: feeBps, maxSlippageBps: 500,
            });
          } else {
            await vault.connect(alice).setDeleverageOrder(id, { triggerDebtRatioBps: 6_900, targetDebtRatioBps: 6_000, executorFeeBps: feeBps, maxSlippageBps: 500 });
          }
          const execute = () => (kind === "price" ? vault.interface.encodeFunctionData("executePriceOrder", [id]) : vault.interface.encodeFunctionData("executeDeleverageOrder", [id]));
          const closedValue = Number((await vault.positionView(id)).valueWad) / 1e18;
          const ownerWorth = async () =>
            (await usdDelta(fixture, tokens, [0n, 0n], await holdings(alice.address, tokens, [vault]))) + (await positionWorth(fixture, vault as unknown as Contract, id));
          const pushSnapshot = await takeSnapshot();
          // Honest execution, for the owner's baseline.
          const ownerBefore = await ownerWorth();
          let honestOk = true;
          try {
            await (await vault.connect(attacker).getFunction(kind === "price" ? "executePriceOrder" : "executeDeleverageOrder")(id)).wait();
          } catch {
            honestOk = false;
          }
          const honestOwner = (await ownerWorth()) - ownerBefore;
          for (const moveBps of [100, 200, 450]) {
            await pushSnapshot.restore();
            const push = await pushAmount(pair, wethIsToken0 ? -moveBps : moveBps);
            const tokenIn = push.zeroForOne ? tokens[0] : tokens[1];
            expect(tokenIn.toLowerCase()).to.equal(weth.toLowerCase()); // selling WETH, as the orders do
            await give(fixture, "WETH", botAddress, push.amountIn);
            const before = await holdings(attacker.address, [weth, usdc], []);
            const spent = await usdOf(fixture, weth, push.amountIn);
            const ownerStart = await ownerWorth();
            const view = await vault.positionView(id);
            const receipt = await (await bot.connect(attacker).sandwich(await addr(pair), weth, push.amountIn, await addr(vault), execute(), [weth, usdc])).wait();
            const executed = await bot.lastCallOk();
            const done = eventsOf(vault, receipt, kind === "price" ? "PriceOrderExecuted" : "DeleverageOrderExecuted");
            // The stated fee: feeBps of the value unwound (at the fair LP price of the block).
            const unwoundUsd = done.length ? (Number(view.valueWad) / 1e18) * (Number(done[0].outcome.lpRemoved) / Number(view.lpAmount)) : 0;
            const feeUsd = (unwoundUsd * feeBps) / 10_000;
            const profit = (await usdDelta(fixture, [weth, usdc], before, await holdings(attacker.address, [weth, usdc], []))) - spent;
            const ownerGot = (await ownerWorth()) - ownerStart;
            console.log(
              `    [c${kind === "price" ? 4 : 5}] ${kind} order on a $${fmt(closedValue)} position, fee ${feeBps / 100}%, WETH pushed ${moveBps / 100}%: ` +
                `${executed ? `executed, unwound $${fmt(unwoundUsd)}` : "refused (waits)"}; executor profit $${fmt(profit)} (fee $${fmt(feeUsd)}); ` +
                `owner Δ $${fmt(ownerGot)} (honest execution ${honestOk ? `$${fmt(honestOwner)}` : "refused"})`,
            );
            runs++;
            // The executor's whole take, fee included, is at most the fee (two cents of rounding allowed).
            expect(profit).to.be.at.most(feeUsd + 0.02);
            if (executed && honestOk) expect(ownerGot).to.be.at.least(honestOwner - 0.001 * closedValue);
            // Refused: the owner lost nothing (its pending rewards kept accruing).
            if (!executed) expect(ownerGot).to.be.at.least(-0.01);
          }
        }
      }
    }
    console.log(`    [c4/c5] ${runs} sandwiched executions`);
  });
});

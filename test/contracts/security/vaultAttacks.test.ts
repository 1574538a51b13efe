/**
 * Adversarial suite against the leveraged vaults, written as the attacker on the real local stack (Uniswap V2 pairs,
 * StakingRewards farms, FLUX, lending pools with lenders). Each `it` is one attack class; it asserts that the
 * attacker's profit at oracle prices (all tokens, claimable credits included) is at most zero and that lenders and
 * other farmers are whole, and prints one line of numbers.
 */
import { expect } from "chai";
import hre, { ethers, upgrades } from "hardhat";
import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { Contract, ContractTransactionReceipt } from "ethers";
import { advanceDays, FAR_FUTURE, refreshFeeds, tokenOf, vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { moveWeth, openWeth, wethVault } from "../vault/ordersHelpers";
import {
  arbitrageFluxPair,
  deployAttacker,
  e18,
  eventsOf,
  farmedStable,
  fund,
  give,
  holdings,
  positionWorth,
  pushAmount,
  reservesOf,
  routerSwap,
  sharePrice,
  usd6,
  usdDelta,
  usdOf,
  victimsWorth,
  WAD,
} from "./vaultAttackHelpers";
import { createPairWithLiquidity, deployFarm } from "../../../scripts/lib/deployUniswap";
import { deployPool } from "../../../scripts/lib/deployCorePools";
import { vaultConstructorArgs } from "../../../scripts/lib/vaultImplementation";
import { usdToFeedAnswer } from "../../../scripts/lib/deployVaults";
import { STABLECOIN_RATE_MODEL } from "../../../lib/pools";
import { VOLATILE_VAULT_RISK, STABLE_VAULT_RISK } from "../../../lib/vaults";
import type { StakingRewardsVault } from "../../../typechain-types";

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(2) : n.toPrecision(6));

async function addr(c: { getAddress(): Promise<string> }) {
  return c.getAddress();
}

/** Pools of a vault, as contracts. */
async function poolsOf(vault: Contract | VaultFixture["stable"]["vault"]) {
  const v = vault as unknown as Contract;
  return [await ethers.getContractAt("LendingPool", await v.pool0()), await ethers.getContractAt("LendingPool", await v.pool1())];
}

async function stableTokens(fixture: VaultFixture) {
  return [await addr(tokenOf(fixture, fixture.stable, 0)), await addr(tokenOf(fixture, fixture.stable, 1)), await addr(fixture.tokens.FLUX)];
}

describe("Security: attacks on the leveraged vaults", function () {
  this.timeout(300_000);

  it("1. reward sniping: an open+harvest+close in one transaction (and an open/close across one block) takes none of the rewards earned before it", async () => {
    const fixture = await loadFixture(farmedStable);
    const { stable, attacker, farming } = fixture;
    const vault = stable.vault;
    const tokens = await stableTokens(fixture);
    const [pool0, pool1] = await poolsOf(vault);
    const snapshot = await takeSnapshot();

    // --- variant A: one transaction, with a harvest in the middle.
    const pending = await vault.pendingRewards();
    const pendingUsd = await usdOf(fixture, tokens[2], pending);
    expect(pendingUsd).to.be.greaterThan(10); // a real day of rewards is at stake
    const victimsBefore = await victimsWorth(fixture, vault, [1, 2]);
    const lenders = [await sharePrice(pool0), await sharePrice(pool1)];
    const bot = await deployAttacker(attacker);
    const botAddress = await addr(bot);
    await tokenOf(fixture, stable, 0).connect(attacker).transfer(botAddress, usd6(10_000));
    const before = await holdings(attacker.address, tokens, [vault]);
    // 5x: 10,000 of its own, 40,000 borrowed.
    const params = { amount0: usd6(10_000), amount1: 0, borrow0: usd6(15_000), borrow1: usd6(25_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE };
    const receipt = await (await bot.connect(attacker).snipe(await addr(vault), params, true, FAR_FUTURE)).wait();
    expect(eventsOf(vault, receipt, "Harvested").length).to.equal(1);
    const after = await holdings(attacker.address, tokens, [vault]);
    const botLeft = await holdings(botAddress, tokens, [vault]);
    expect(botLeft).to.deep.equal([0n, 0n, 0n]);
    const spent = await usdOf(fixture, tokens[0], usd6(10_000));
    const received = await usdDelta(fixture, tokens, before, after);
    const profitA = received - spent;
    const fluxTaken = after[2] - before[2];
    const victimsAfter = await victimsWorth(fixture, vault, [1, 2]);
    console.log(
      `    [1a] spent $${fmt(spent)} received $${fmt(received)} profit $${fmt(profitA)} FLUX taken ${ethers.formatEther(fluxTaken)}; ` +
        `victims Δ $${fmt(victimsAfter - victimsBefore)} of $${fmt(pendingUsd)} pending`,
    );
    expect(fluxTaken).to.equal(0n);
    expect(profitA).to.be.at.most(0);
    // The farmers already in keep at least 99% of the day's rewards (the harvest's own swap costs are the rest).
    expect(victimsAfter - victimsBefore).to.be.at.least(-0.01 * pendingUsd);
    expect(await sharePrice(pool0)).to.be.at.least(lenders[0]);
    expect(await sharePrice(pool1)).to.be.at.least(lenders[1]);

    // --- variant B: open in one block, close in the next, no harvest.
    await snapshot.restore();
    const vBefore = await victimsWorth(fixture, vault, [1, 2]);
    const pendingB = await vault.pendingRewards();
    const hBefore = await holdings(attacker.address, tokens, [vault]);
    const openReceipt = await (await vault.connect(attacker).open(params)).wait();
    const id = await vault.lastPositionId();
    const lpHeld = (await vault.positionView(id)).lpAmount;
    const closeReceipt = await (
      await vault.connect(attacker).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })
    ).wait();
    const hAfter = await holdings(attacker.address, tokens, [vault]);
    const profitB = await usdDelta(fixture, tokens, hBefore, hAfter);
    const held = BigInt((await ethers.provider.getBlock(closeReceipt!.blockNumber))!.timestamp - (await ethers.provider.getBlock(openReceipt!.blockNumber))!.timestamp);
    const farm = stable.farm as Contract;
    // What the farm paid for the attacker's LP while it was staked (rate x time x its share of the farm's stake).
    const earnedWhileIn = (BigInt(await farm.rewardRate()) * held * lpHeld) / BigInt(await farm.totalSupply());
    const credited = eventsOf(vault, closeReceipt, "RewardCredited");
    const fluxCredited = credited.length ? BigInt(credited[0].amount) : 0n;
    // The credit is its share of all pending rewards, which it paid for in LP at the oracle price when it entered.
    const shareAtEntry = Number(lpHeld) / Number((await vault.totals())[0] + lpHeld);
    const vAfter = await victimsWorth(fixture, vault, [1, 2]);
    console.log(
      `    [1b] held ${held}s, profit $${fmt(profitB)}, FLUX credited ${ethers.formatEther(fluxCredited)} (earned while in ${ethers.formatEther(earnedWhileIn)}, ` +
        `share of pending ${fmt(shareAtEntry * Number(ethers.formatEther(pendingB)))}); victims Δ $${fmt(vAfter - vBefore)}`,
    );
    expect(profitB).to.be.at.most(0);
    expect(vAfter - vBefore).to.be.at.least(-0.01 * (await usdOf(fixture, tokens[2], pendingB)));

    // --- variant C: a large uncompounded carry (30,000 FLUX waiting for harvests) while the FLUX feed lags the
    // market by 1% or 2% (within a usual feed deviation threshold): buy into the carry at the feed's price, leave in
    // the same block with the FLUX in kind, sell it in the FLUX pair at the market.
    const usdc = await addr(fixture.tokens.USDC);
    const failures: string[] = [];
    for (const lagBps of [100, 200]) {
      await snapshot.restore();
      await give(fixture, "FLUX", await addr(vault), e18(30_000));
      await farming.feeds.FLUX.setAnswer(usdToFeedAnswer(0.5 * (1 - lagBps / 10_000)));
      const watched = [...tokens, usdc].filter((t, i, all) => all.indexOf(t) === i);
      const start = await holdings(attacker.address, watched, [vault]);
      const vStart = await victimsWorth(fixture, vault, [1, 2]);
      // Unlevered: the carry is not counted in a position's value for its debt ratio, so a levered entry is refused.
      await vault.connect(attacker).open({ amount0: usd6(40_000), amount1: usd6(40_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
      const cid = await vault.lastPositionId();
      await vault.connect(attacker).close({ positionId: cid, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
      const fluxCredit = await vault.claimable(tokens[2], attacker.address);
      await vault.connect(attacker).claim(tokens[2], attacker.address);
      await routerSwap(fixture, attacker, tokens[2], usdc, fluxCredit);
      const profitC = await usdDelta(fixture, watched, start, await holdings(attacker.address, watched, [vault]));
      // The farmers' loss, valuing their FLUX at the market (the pair) rather than the lagging feed.
      const vEnd = await victimsWorth(fixture, vault, [1, 2]);
      const pendingLeft = await vault.pendingRewards();
      console.log(
        `    [1c] feed ${lagBps / 100}% below the FLUX market, 30,000 FLUX carry: attacker bought ${fmt(Number(fluxCredit) / 1e18)} FLUX of carry at the feed and sold it: ` +
          `profit $${fmt(profitC)}; victims Δ at the feed $${fmt(vEnd - vStart)}, at the market ≈ $${fmt(-(Number(fluxCredit) / 1e18) * 0.5 * (lagBps / 10_000))}, ` +
          `FLUX left to them ${fmt(Number(pendingLeft) / 1e18)}`,
      );
      if (profitC > 0) failures.push(`lag ${lagBps} bps: attacker profit $${profitC.toFixed(2)}`);
    }
    expect(failures, failures.join("; ")).to.deep.equal([]);
  });

  it("2. time-weighted rewards: three farmers entering and leaving at different times each get their share of what the farm paid, within 1%", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob, carol } = fixture;
    const vault = stable.vault;
    const farm = stable.farm as Contract;
    const vaultAddress = await addr(vault);
    const flux = await addr(fixture.tokens.FLUX);
    const farmers = [alice, bob, carol];
    const ids: bigint[] = [0n, 0n, 0n];
    const lpIn = [0n, 0n, 0n];
    const expectedFlux = [0, 0, 0];
    const measuredUsd = [0, 0, 0];
    const rate = Number(await farm.rewardRate());
    // State after the last vault transaction: rewards accrue on it until the next one.
    let last: { ts: number; stake: number; farmTotal: number; shares: number[]; totalShares: number } | null = null;
    const step = async (receipt: ContractTransactionReceipt | null) => {
      const ts = (await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp;
      if (last && last.totalShares > 0) {
        for (let i = 0; i < 3; i++) expectedFlux[i] += (rate * (ts - last.ts) * last.stake * (last.shares[i] / last.totalShares)) / last.farmTotal;
      }
      const shares = [];
      for (const id of ids) shares.push(id === 0n ? 0 : Number((await vault.positions(id)).lpShares));
      last = { ts, stake: Number(await farm.balanceOf(vaultAddress)), farmTotal: Number(await farm.totalSupply()), shares, totalShares: Number((await vault.totals())[1]) };
    };
    const open = async (i: number, params: { amount0: bigint; amount1: bigint; borrow0: bigint; borrow1: bigint }) => {
      const receipt = await (await vault.connect(farmers[i]).open({ ...params, minShares: 0n, minLp: 0, deadline: FAR_FUTURE })).wait();
      ids[i] = await vault.lastPositionId();
      lpIn[i] = BigInt(eventsOf(vault, receipt, "PositionIncreased")[0].lpAdded);
      await step(receipt);
    };
    const close = async (i: number) => {
      const view = await vault.positionView(ids[i]);
      const lpPrice = (BigInt(view.valueWad) * WAD) / BigInt(view.lpAmount);
      const receipt = await (
        await vault.connect(farmers[i]).close({ positionId: ids[i], fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })
      ).wait();
      const lpOut = BigInt(eventsOf(vault, receipt, "PositionDecreased")[0].lpRemoved);
      const credited = eventsOf(vault, receipt, "RewardCredited");
      const fluxOut = credited.length ? BigInt(credited[0].amount) : 0n;
      expect(await vault.claimable(flux, farmers[i].address)).to.equal(fluxOut);
      // What it got: the LP that compounding added to its shares, plus the reward tokens kept for it.
      measuredUsd[i] = Number(((lpOut - lpIn[i]) * lpPrice) / WAD) / 1e18 + (await usdOf(fixture, flux, fluxOut));
      await step(receipt);
    };
    const harvest = async () => step(await (await vault.harvest(0n)).wait());

    await open(0, { amount0: usd6(10_000), amount1: usd6(10_000), borrow0: usd6(10_000), borrow1: usd6(10_000) });
    await advanceDays(fixture, 1);
    await open(1, { amount0: usd6(20_000), amount1: usd6(20_000), borrow0: 0n, borrow1: 0n });
    await advanceDays(fixture, 1);
    await harvest();
    await advanceDays(fixture, 1);
    await open(2, { amount0: usd6(5_000), amount1: 0n, borrow0: usd6(5_000), borrow1: usd6(10_000) }); // enters with a day pending
    await advanceDays(fixture, 2); // two days with no harvest
    await close(0);
    await advanceDays(fixture, 1);
    await harvest();
    await advanceDays(fixture, 1);
    await close(1);
    await advanceDays(fixture, 1);
    await close(2); // leaves with a day uncompounded

    const fluxPrice = await usdOf(fixture, flux, WAD);
    const ratios = expectedFlux.map((f, i) => measuredUsd[i] / (f * 1e-18 * fluxPrice));
    console.log(
      `    [2] expected $${expectedFlux.map((f) => fmt(f * 1e-18 * fluxPrice)).join("/")} got $${measuredUsd.map(fmt).join("/")} ratio ${ratios.map((r) => r.toFixed(4)).join("/")}`,
    );
    for (const r of ratios) expect(r).to.be.within(0.99, 1.01);
  });

  it("3. harvest sandwich: dumping 1k-200k FLUX before a harvest and buying back after loses money at every size; the sale stays above the oracle floor", async () => {
    const fixture = await loadFixture(farmedStable);
    const { stable, attacker, farming } = fixture;
    const vault = stable.vault;
    const flux = await addr(fixture.tokens.FLUX);
    const usdc = await addr(fixture.tokens.USDC);
    // A big harvest to sandwich: a day of farm rewards plus 20,000 FLUX topped up (more than one call's sale cap).
    await give(fixture, "FLUX", await addr(vault), e18(20_000));
    const bot = await deployAttacker(attacker);
    const botAddress = await addr(bot);
    const pair = farming.fluxPair as Contract;
    const harvestData = vault.interface.encodeFunctionData("harvest", [0n]);
    const floorPerFlux = (Number(await farming.oracle.priceOf(flux)) / Number(await farming.oracle.priceOf(usdc))) * 0.97; // USDC per FLUX
    const snapshot = await takeSnapshot();

    // Baseline: the harvest alone.
    const v0 = await victimsWorth(fixture, vault, [1, 2]);
    const baseReceipt = await (await vault.harvest(0n)).wait();
    const baseSold = BigInt(eventsOf(vault, baseReceipt, "Harvested")[0].rewardSold);
    const baseLoss = v0 - (await victimsWorth(fixture, vault, [1, 2]));

    for (const size of [1_000, 10_000, 50_000, 200_000]) {
      await snapshot.restore();
      await give(fixture, "FLUX", botAddress, e18(size));
      const victimsBefore = await victimsWorth(fixture, vault, [1, 2]);
      const before = await holdings(attacker.address, [flux, usdc], []);
      const receipt = await (await bot.connect(attacker).sandwich(await addr(pair), flux, e18(size), await addr(vault), harvestData, [flux, usdc])).wait();
      const after = await holdings(attacker.address, [flux, usdc], []);
      const spent = await usdOf(fixture, flux, e18(size));
      const profit = (await usdDelta(fixture, [flux, usdc], before, after)) - spent;
      const harvested = eventsOf(vault, receipt, "Harvested");
      const harvestOk = await bot.lastCallOk();
      const victimsLoss = victimsBefore - (await victimsWorth(fixture, vault, [1, 2]));
      let sold = 0n;
      if (harvested.length) {
        sold = BigInt(harvested[0].rewardSold);
        const out = Number(harvested[0].amountOut) / 1e6;
        // Sold within the oracle floor: at least 97% of the oracle's value.
        expect(out).to.be.at.least((Number(sold) / 1e18) * floorPerFlux * 0.99999);
      }
      const soldUsd = await usdOf(fixture, flux, sold);
      console.log(
        `    [3] dump ${size} FLUX: spent $${fmt(spent)} received $${fmt(spent + profit)} profit $${fmt(profit)}; harvest ${harvestOk ? "ok" : "refused"}, ` +
          `sold ${fmt(Number(sold) / 1e18)} FLUX ($${fmt(soldUsd)}); victims Δ $${fmt(-victimsLoss)} (unsandwiched Δ $${fmt(-baseLoss)}, sold ${fmt(Number(baseSold) / 1e18)})`,
      );
      expect(profit).to.be.lessThan(0);
      // Farmers lose at most what the oracle floor allows on what was sold (3%) plus the zap's fee; nothing when it
      // sold nothing (the rewards stay pending, valued at the oracle).
      expect(victimsLoss).to.be.at.most(0.035 * soldUsd + 0.01);
      if (!harvestOk) expect(harvested.length).to.equal(0);
    }
  });

  it("4. harvest blocking: a 30,000 FLUX donation and 4 days without harvest never block compounding; each harvest shrinks the carry", async () => {
    const fixture = await loadFixture(farmedStable);
    const { stable, carol } = fixture;
    const vault = stable.vault;
    const flux = await addr(fixture.tokens.FLUX);
    await give(fixture, "FLUX", await addr(vault), e18(30_000));
    await advanceDays(fixture, 4);
    const startPending = await vault.pendingRewards();
    const worthBefore = await victimsWorth(fixture, vault, [1, 2]);
    const carries: bigint[] = [];
    let refused = 0;
    for (let round = 0; round < 12; round++) {
      // Two calls back to back with no arbitrage between them, then arbitrage, as a busy keeper and the market would.
      for (let back = 0; back < 2; back++) {
        const plan = await vault.previewHarvest();
        if (plan.rewardAvailable === 0n) break;
        try {
          const receipt = await (await vault.connect(carol).harvest(0n)).wait();
          const h = eventsOf(vault, receipt, "Harvested");
          if (h.length) carries.push(BigInt(h[0].rewardCarried));
        } catch (error) {
          // Only a temporary, named refusal is allowed (the reward pair is below the oracle floor until arbitrage).
          expect(String(error)).to.match(/HarvestNothingSellable/);
          refused++;
        }
      }
      if ((await vault.pendingRewards()) === 0n) break;
      await arbitrageFluxPair(fixture);
    }
    const worthAfter = await victimsWorth(fixture, vault, [1, 2]);
    console.log(
      `    [4] ${ethers.formatEther(startPending)} FLUX to compound: ${carries.length} harvests, carries ${carries.map((c) => Math.round(Number(c) / 1e18)).join(">")}, ` +
        `${refused} temporary refusals; farmers Δ $${fmt(worthAfter - worthBefore)} on $${fmt(await usdOf(fixture, flux, startPending))}`,
    );
    for (let i = 1; i < carries.length; i++) expect(carries[i]).to.be.lessThan(carries[i - 1]);
    expect(await vault.pendingRewards()).to.equal(0n);
    expect(carries[carries.length - 1]).to.equal(0n);
    // Compounding at no worse than the 3% oracle floor (plus the zap fee).
    expect(worthAfter - worthBefore).to.be.at.least(-0.035 * (await usdOf(fixture, flux, startPending)));
  });

  it("5. empty-vault inflation: a minimum first position plus LP, FLUX and token donations costs the next depositor at most 0.01%; also after every position has left; minShares refuses a moved price", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, attacker, alice, bob, carol, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await addr(vault);
    const tokens = await stableTokens(fixture);
    const [token0, token1] = [tokenOf(fixture, stable, 0), tokenOf(fixture, stable, 1)];
    const pair = stable.pair as Contract;
    const minShares = await vault.minPositionShares();
    const [pool0, pool1] = await poolsOf(vault);
    const lenders = [await sharePrice(pool0), await sharePrice(pool1)];
    expect(await vault.totals()).to.deep.equal([0n, 0n]);
    // A 1-wei first position cannot exist, and neither can one below the minimum.
    await expect(vault.connect(attacker).open({ amount0: 1n, amount1: 1n, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE })).to.be.reverted;
    await expect(vault.connect(attacker).open({ amount0: usd6(0.4), amount1: usd6(0.4), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE }))
      .to.be.revertedWithCustomError(vault, "PositionTooSmall");

    // The attacker buys its donations first, so its holdings before include them.
    await give(fixture, "FLUX", attacker.address, e18(20_000));
    const attackerBefore = await holdings(attacker.address, tokens, [vault]);

    const victimRound = async (label: string, victim: typeof alice) => {
      await vault.connect(attacker).open({ amount0: usd6(1.5), amount1: usd6(1.5), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
      const attackerId = await vault.lastPositionId();
      const attackerShares = (await vault.positions(attackerId)).lpShares;
      expect(attackerShares).to.be.within(minShares, 2n * minShares);
      // Donations: LP sent to the vault, FLUX (counted as pending rewards), and plain tokens.
      const router = farming.uniswap.router.connect(attacker) as Contract;
      await token0.connect(attacker).approve(await router.getAddress(), ethers.MaxUint256);
      await token1.connect(attacker).approve(await router.getAddress(), ethers.MaxUint256);
      await router.addLiquidity(tokens[0], tokens[1], usd6(1_000), usd6(1_000), 0, 0, attacker.address, FAR_FUTURE);
      await (pair.connect(attacker) as Contract).transfer(vaultAddress, await pair.balanceOf(attacker.address));
      await fixture.tokens.FLUX.connect(attacker).transfer(vaultAddress, e18(10_000));
      await token0.connect(attacker).transfer(vaultAddress, usd6(1_000));
      await token1.connect(attacker).transfer(vaultAddress, 1n);
      // The victim deposits $40,000 in the pair's ratio (no zap swap), then leaves at once.
      const victimBefore = await holdings(victim.address, tokens, [vault]);
      await vault.connect(victim).open({ amount0: usd6(20_000), amount1: usd6(20_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
      const id = await vault.lastPositionId();
      const deposit = await usdDelta(fixture, tokens, await holdings(victim.address, tokens, [vault]), victimBefore);
      const worth = await positionWorth(fixture, vault, id);
      await vault.connect(victim).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
      const victimLoss = -(await usdDelta(fixture, tokens, victimBefore, await holdings(victim.address, tokens, [vault])));
      await vault.connect(attacker).close({ positionId: attackerId, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
      console.log(
        `    [5${label}] attacker ${attackerShares} shares + $${fmt(2_000 + 5_000 + 1_000)} donated; victim deposit $${fmt(deposit)}, worth in vault $${fmt(worth)}, ` +
          `loss on exit $${fmt(victimLoss)} (${fmt((victimLoss / deposit) * 100)}%)`,
      );
      expect((deposit - worth) / deposit).to.be.at.most(0.0001);
      expect(victimLoss / deposit).to.be.at.most(0.0001);
    };
    await victimRound("a", alice);
    // Every position has left: the next first position gets one share per LP and whatever dust remains.
    expect((await vault.totals())[1]).to.equal(0n);
    await victimRound("b", bob);
    expect((await vault.totals())[1]).to.equal(0n);
    const attackerAfter = await holdings(attacker.address, tokens, [vault]);
    const profit = await usdDelta(fixture, tokens, attackerBefore, attackerAfter);
    console.log(`    [5] attacker profit over both rounds $${fmt(profit)}`);
    expect(profit).to.be.at.most(0);
    expect(await sharePrice(pool0)).to.be.at.least(lenders[0]);
    expect(await sharePrice(pool1)).to.be.at.least(lenders[1]);

    // minShares: carol asks for the shares she would get now; a front-running FLUX donation moves the share price.
    await vault.connect(alice).open({ amount0: usd6(20_000), amount1: usd6(20_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const snap = await takeSnapshot();
    const params = { amount0: usd6(5_000), amount1: usd6(5_000), borrow0: 0, borrow1: 0, minLp: 0, deadline: FAR_FUTURE };
    const quoted = BigInt(eventsOf(vault, await (await vault.connect(carol).open({ ...params, minShares: 0n })).wait(), "PositionIncreased")[0].sharesMinted);
    await snap.restore();
    await give(fixture, "FLUX", vaultAddress, e18(2_000));
    await expect(vault.connect(carol).open({ ...params, minShares: quoted }))
      .to.be.revertedWithCustomError(vault, "InsufficientSharesMinted")
      .withArgs((shares: bigint) => shares < quoted, quoted);
    await snap.restore();
    await expect(vault.connect(carol).open({ ...params, minShares: (quoted * 9_999n) / 10_000n })).to.emit(vault, "PositionIncreased");
  });

  /** Opens a 3x WETH position on the volatile vault for `who`: `weth` WETH of its own and twice its value in USDC. */
  async function wethPosition(fixture: VaultFixture, who: VaultFixture["alice"], weth: number) {
    const { wethIsToken0 } = await wethVault(fixture);
    return { id: await openWeth(fixture, who, weth), wethIsToken0 };
  }

  /** The vault's books: its positions' debt shares add up to what the pools say it owes. */
  async function expectBooks(vault: Contract | VaultFixture["volatile"]["vault"], label: string) {
    const v = vault as unknown as Contract;
    const [pool0, pool1] = await poolsOf(v);
    let sum0 = 0n;
    let sum1 = 0n;
    for (let id = 1n; id <= BigInt(await v.lastPositionId()); id++) {
      const p = await v.positions(id);
      sum0 += BigInt(p.debtShares0);
      sum1 += BigInt(p.debtShares1);
    }
    const [shares0] = await pool0.borrowerAccount(await v.getAddress());
    const [shares1] = await pool1.borrowerAccount(await v.getAddress());
    expect([sum0, sum1], label).to.deep.equal([shares0, shares1]);
    return [sum0, sum1];
  }

  it("6. stranger repay: nobody but the vault can repay (or write off) the vault's debt; the books hold and the last position still closes, repays and is liquidated", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, bob, attacker, tokens } = fixture;
    const vault = volatile.vault;
    const vaultAddress = await addr(vault);
    const [pool0, pool1] = await poolsOf(vault);
    const lenders = [await sharePrice(pool0), await sharePrice(pool1)];
    const { id: aliceId, wethIsToken0 } = await wethPosition(fixture, alice, 5);
    const { id: bobId } = await wethPosition(fixture, bob, 2);
    const usdcPool = wethIsToken0 ? pool1 : pool0;
    const wethPool = wethIsToken0 ? pool0 : pool1;
    const watched = [await addr(tokens.WETH), await addr(tokens.USDC)];
    await tokens.USDC.connect(attacker).approve(await usdcPool.getAddress(), ethers.MaxUint256);
    await tokens.WETH.connect(attacker).approve(await wethPool.getAddress(), ethers.MaxUint256);
    const before = await holdings(attacker.address, watched, [vault]);
    const booksBefore = await expectBooks(vault, "before");
    let refused = 0;
    for (const pool of [usdcPool, wethPool]) {
      await expect(pool.connect(attacker).repay(vaultAddress, 1_000n)).to.be.revertedWithCustomError(pool, "NotBorrower").withArgs(attacker.address, vaultAddress);
      await expect(pool.connect(attacker).repay(vaultAddress, ethers.MaxUint256)).to.be.revertedWithCustomError(pool, "NotBorrower").withArgs(attacker.address, vaultAddress);
      await expect(pool.connect(attacker).repayShares(vaultAddress, 1n)).to.be.revertedWithCustomError(pool, "NotBorrower").withArgs(attacker.address, vaultAddress);
      await expect(pool.connect(attacker).writeOffBadDebt(1n, attacker.address)).to.be.revertedWithCustomError(pool, "RepayExceedsDebt");
      refused += 4;
    }
    await expect(vault.connect(attacker).repayDebt(aliceId, 1_000n, 1_000n)).to.be.revertedWithCustomError(vault, "NotPositionOwner").withArgs(aliceId, attacker.address);
    refused++;
    expect(await holdings(attacker.address, watched, [vault])).to.deep.equal(before);
    expect(await expectBooks(vault, "after the stranger")).to.deep.equal(booksBefore);

    // Bob leaves (his close swaps WETH for the USDC his debt needs); alice is the last position.
    await vault.connect(bob).close({ positionId: bobId, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    await expectBooks(vault, "after bob");
    await moveWeth(fixture, 1_350);
    expect((await vault.positionView(aliceId)).liquidatable).to.equal(true);
    const liquidatorBefore = await holdings(attacker.address, watched, [vault]);
    await vault.connect(attacker).liquidate(aliceId);
    const bounty = await usdDelta(fixture, watched, liquidatorBefore, await holdings(attacker.address, watched, [vault]));
    await expectBooks(vault, "after the liquidation");
    await vault.connect(alice).repayDebt(aliceId, wethIsToken0 ? 0n : ethers.MaxUint256, wethIsToken0 ? ethers.MaxUint256 : 0n);
    await expectBooks(vault, "after repayDebt");
    await vault.connect(alice).close({ positionId: aliceId, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    const books = await expectBooks(vault, "after the last close");
    expect(books).to.deep.equal([0n, 0n]);
    expect(await usdcPool.borrowBalance(vaultAddress)).to.equal(0n);
    console.log(
      `    [6] ${refused} stranger repayments refused; attacker spent $0 received $0 profit $0 (then a legitimate bounty $${fmt(bounty)}); ` +
        `vault debt shares before ${booksBefore.join("/")} → ${books.join("/")}; lenders share price Δ ${(await sharePrice(pool0)) - lenders[0]}/${(await sharePrice(pool1)) - lenders[1]}`,
    );
    expect(await sharePrice(pool0)).to.be.at.least(lenders[0]);
    expect(await sharePrice(pool1)).to.be.at.least(lenders[1]);
  });

  it("7. liquidation sandwich: pushing the pair 1%, 1.9% or 5% around its own liquidation earns the liquidator no more than the bounty; the owner loses nothing to it", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, attacker, tokens } = fixture;
    const vault = volatile.vault;
    const pair = volatile.pair as Contract;
    const weth = await addr(tokens.WETH);
    const usdc = await addr(tokens.USDC);
    const watched = [weth, usdc];
    const { id } = await wethPosition(fixture, alice, 10);
    await moveWeth(fixture, 1_350);
    const health = await vault.positionView(id);
    expect(health.liquidatable).to.equal(true);
    const [pool0, pool1] = await poolsOf(vault);
    const bot = await deployAttacker(attacker);
    const botAddress = await addr(bot);
    const liquidateData = vault.interface.encodeFunctionData("liquidate", [id]);
    const ownerWorth = async () =>
      (await positionWorth(fixture, vault, id)) + (await usdDelta(fixture, watched, [0n, 0n], await holdings(alice.address, watched, [vault]))) ;
    const snapshot = await takeSnapshot();

    // Baseline: the same liquidation, unsandwiched.
    const ownerStart = await ownerWorth();
    const lenders = [await sharePrice(pool0), await sharePrice(pool1)];
    const b0 = await holdings(attacker.address, watched, [vault]);
    const baseReceipt = await (await vault.connect(attacker).liquidate(id)).wait();
    const baseProfit = await usdDelta(fixture, watched, b0, await holdings(attacker.address, watched, [vault]));
    const outcome = eventsOf(vault, baseReceipt, "PositionLiquidated")[0].outcome;
    const unwound = (Number(health.valueWad) / 1e18) * (Number(outcome.lpRemoved) / Number(health.lpAmount));
    const bountyCap = (unwound * VOLATILE_VAULT_RISK.liquidationBountyBps) / 10_000;
    const ownerBase = (await ownerWorth()) - ownerStart;
    console.log(`    [7] unsandwiched: unwound $${fmt(unwound)}, bounty cap $${fmt(bountyCap)}, liquidator got $${fmt(baseProfit)}, owner Δ $${fmt(ownerBase)}`);
    expect(baseProfit).to.be.at.most(bountyCap);

    for (const moveBps of [100, 190, 500]) {
      for (const wethDown of [true, false]) {
        await snapshot.restore();
        const wethIsToken0 = volatile.token0Symbol === "WETH";
        const push = await pushAmount(pair, (wethDown === wethIsToken0 ? -1 : 1) * moveBps);
        const sellsWeth = push.zeroForOne === wethIsToken0;
        const tokenIn = sellsWeth ? weth : usdc;
        if (sellsWeth) await tokens.WETH.connect(attacker).transfer(botAddress, push.amountIn);
        else await give(fixture, "USDC", botAddress, push.amountIn);
        const spent = await usdOf(fixture, tokenIn, push.amountIn);
        const before = await holdings(attacker.address, watched, [vault]);
        const receipt = await (await bot.connect(attacker).sandwich(await addr(pair), tokenIn, push.amountIn, await addr(vault), liquidateData, watched)).wait();
        const ok = await bot.lastCallOk();
        const received = await usdDelta(fixture, watched, before, await holdings(attacker.address, watched, [vault]));
        const profit = received - spent;
        const ownerDelta = (await ownerWorth()) - ownerStart;
        const liquidated = eventsOf(vault, receipt, "PositionLiquidated").length === 1;
        expect(liquidated).to.equal(ok);
        console.log(
          `    [7] push WETH ${wethDown ? "down" : "up"} ${moveBps / 100}%: liquidation ${ok ? "done" : "refused"}; spent $${fmt(spent)} received $${fmt(received)} ` +
            `profit $${fmt(profit)} (cap $${fmt(bountyCap)}); owner Δ $${fmt(ownerDelta)} vs unsandwiched $${fmt(ownerBase)}`,
        );
        expect(profit).to.be.at.most(bountyCap);
        expect(ownerDelta).to.be.at.least(ownerBase - 0.01);
        expect(await sharePrice(pool0)).to.be.at.least(lenders[0]);
        expect(await sharePrice(pool1)).to.be.at.least(lenders[1]);
      }
    }
  });

  it("8. bounty paid by lenders: an underwater liquidation costs lenders at most the shortfall at oracle prices, pays the liquidator only from proceeds and the reserve, and its outcome says how it was covered", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, attacker, tokens, deployer } = fixture;
    const vault = volatile.vault;
    const weth = await addr(tokens.WETH);
    const usdc = await addr(tokens.USDC);
    const watched = [weth, usdc];
    const { id: small, wethIsToken0 } = await wethPosition(fixture, alice, 1);
    const { id: large } = await wethPosition(fixture, fixture.bob, 5);
    await moveWeth(fixture, 500);
    const shortfallOf = async (id: bigint) => {
      const view = await vault.positionView(id);
      return Number(BigInt(view.debtValueWad) - BigInt(view.valueWad)) / 1e18;
    };
    expect(await shortfallOf(small)).to.be.greaterThan(500);
    const usdcPool = fixture.pools.USDC;
    const bot = await deployAttacker(attacker);
    const snapshot = await takeSnapshot();

    // pushBps < 0: no trade in the pair, the liquidator pays the debt and takes the LP (liquidateWithRepayment).
    const run = async (label: string, drainReserve: boolean, pushBps: number, id: bigint) => {
      await snapshot.restore();
      const shortfall = await shortfallOf(id);
      const lpView = await vault.positionView(id);
      const lpPrice = Number(lpView.valueWad) / Number(lpView.lpAmount);
      const lpBefore = await (volatile.pair as Contract).balanceOf(attacker.address);
      if (drainReserve) {
        const floor = BigInt((await usdcPool.configuration()).reserveFloor);
        // The owner takes the reserve down to its floor: the lenders are now the insurer of last resort.
        const amount = (await usdcPool.reserves()) - floor;
        await usdcPool.connect(deployer).withdrawReserves(amount, deployer.address);
      }
      await usdcPool.accrueInterest();
      const assetsBefore = await usdcPool.totalAssets();
      const priceBefore = await sharePrice(usdcPool);
      const reservesBefore = await usdcPool.reserves();
      const before = await holdings(attacker.address, watched, [vault]);
      let spent = 0;
      let receipt: ContractTransactionReceipt | null;
      if (pushBps === 0) {
        // Through the pair, the swap's loss would fall on the pools: the vault refuses and names the other path.
        await expect(vault.connect(attacker).liquidate(id)).to.be.revertedWithCustomError(vault, "UnderwaterNeedsRepayment");
      } else if (pushBps > 0) {
        // The sandwich has nothing to squeeze: the liquidation inside it is refused, so the whole bundle reverts.
        const pair = volatile.pair as Contract;
        const push = await pushAmount(pair, (wethIsToken0 ? -1 : 1) * pushBps);
        await tokens.WETH.connect(attacker).transfer(await addr(bot), push.amountIn);
        const bundle = await (
          await bot.connect(attacker).sandwich(await addr(pair), weth, push.amountIn, await addr(vault), vault.interface.encodeFunctionData("liquidate", [id]), watched)
        ).wait();
        expect(eventsOf(vault, bundle, "PositionLiquidated"), `${label}: liquidation inside the sandwich`).to.have.length(0);
      }
      // The one path for an underwater position: the liquidator pays the LP's value and takes it.
      receipt = await (await vault.connect(attacker).liquidateWithRepayment(id)).wait();
      const lpTaken = (await (volatile.pair as Contract).balanceOf(attacker.address)) - lpBefore;
      const received =
        (await usdDelta(fixture, watched, before, await holdings(attacker.address, watched, [vault]))) + spent + (Number(lpTaken) * lpPrice) / 1e18;
      if (eventsOf(vault, receipt, "PositionLiquidated").length === 0) {
        console.log(`    [8${label}] liquidation refused under the push; liquidator spent $${fmt(spent)} received $${fmt(received)}`);
        return [() => expect(received - spent, label).to.be.at.most(0)];
      }
      const o = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
      const [badDebt, covered, incentive, paidUsdc] = wethIsToken0 ? [o.badDebt1, o.reserveCovered1, o.incentive1, o.paid1] : [o.badDebt0, o.reserveCovered0, o.incentive0, o.paid0];
      const assetsAfter = await usdcPool.totalAssets();
      const lendersLoss = Number(assetsBefore - assetsAfter) / 1e6;
      const lendersLossUsd = assetsBefore > assetsAfter ? await usdOf(fixture, usdc, assetsBefore - assetsAfter) : 0;
      const sharePriceDrop = Number(priceBefore - (await sharePrice(usdcPool))) / Number(priceBefore);
      const reserveDrop = reservesBefore - (await usdcPool.reserves());
      const paidUsd = await usdOf(fixture, weth, BigInt(wethIsToken0 ? o.paid0 : o.paid1)) + (await usdOf(fixture, usdc, BigInt(paidUsdc)));
      console.log(
        `    [8${label}] shortfall $${fmt(shortfall)}; bad debt $${fmt(Number(badDebt) / 1e6)} reserve covered $${fmt(Number(covered) / 1e6)} incentive $${fmt(Number(incentive) / 1e6)} ` +
          `paid from proceeds $${fmt(paidUsd)}; liquidator spent $${fmt(spent)} received $${fmt(received)} profit $${fmt(received - spent)}; ` +
          `lenders Δ $${fmt(-lendersLossUsd)} (share price ${(sharePriceDrop * -100).toFixed(5)}%)`,
      );
      const sharePriceDropUsd = await usdOf(fixture, usdc, BigInt(Math.max(0, Math.round(sharePriceDrop * Number(assetsBefore)))));
      const incentiveUsd = await usdOf(fixture, usdc, BigInt(incentive));
      const left = await vault.positions(id);
      const debtLeft = BigInt(left.debtShares0) + BigInt(left.debtShares1);
      await expectBooks(vault, label);
      // Checked after all the runs, so that every run's numbers are printed.
      return [
        () => expect(o.whole, label).to.equal(true),
        () => expect(debtLeft, label).to.equal(0n),
        // The outcome says how the shortfall was covered: the reserve's part, the lenders' part, and the incentive.
        () => expect(reserveDrop, label).to.be.closeTo(BigInt(covered) + BigInt(incentive), 10n ** 4n),
        () => expect(lendersLoss, label).to.be.closeTo(Number(BigInt(badDebt) - BigInt(covered)) / 1e6, 0.01),
        // Lenders lose at most the shortfall at oracle prices.
        () => expect(lendersLossUsd, `${label}: lenders' loss vs the oracle shortfall`).to.be.at.most(shortfall),
        () => expect(sharePriceDropUsd, label).to.be.at.most(shortfall + 0.01),
        // The liquidator is paid only out of proceeds (nothing is left of an underwater position) and the reserve.
        () => expect(paidUsd, label).to.be.at.most(0.01),
        () => expect(received - spent, `${label}: liquidator's profit vs the incentive`).to.be.at.most(incentiveUsd + paidUsd + 0.01),
      ];
    };
    const checks = [
      await run("a", false, 0, small),
      await run("b", true, 0, small),
      await run("c", true, 150, small),
      await run("d", true, 0, large),
      await run("e", true, 80, large),
      await run("f", true, 120, large),
      await run("g", true, -1, large),
    ].flat();
    const failures: string[] = [];
    for (const check of checks) {
      try {
        check();
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });

  it("9. stale feed: with stale feeds and the pair pushed ~9% out of band, a close that needs no swap and repayDebt work; a close needing a swap gives a named error", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker, farming } = fixture;
    const vault = stable.vault;
    const oracle = farming.oracle;
    const tokens = await stableTokens(fixture);
    const [pool0, pool1] = await poolsOf(vault);
    const lenders = [await sharePrice(pool0), await sharePrice(pool1)];
    const aliceStart = await holdings(alice.address, tokens, [vault]);
    await vault.connect(alice).open({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(5_000), borrow1: usd6(5_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const id = await vault.lastPositionId();
    const attackerStart = await holdings(attacker.address, tokens, [vault]);
    await time.increase(4 * 86_400);
    await expect(oracle.priceOf(tokens[0])).to.be.revertedWithCustomError(oracle, "StalePrice");
    // The attacker pushes the pair about 5% away from where the (stale) oracle last stood.
    const [r0, r1] = await reservesOf(stable.pair as Contract);
    const received1 = await ethers.getContractAt("IERC20", tokens[1]);
    const t1Before = await received1.balanceOf(attacker.address);
    await routerSwap(fixture, attacker, tokens[0], tokens[1], usd6(100_000));
    const [s0, s1] = await reservesOf(stable.pair as Contract);
    const moved = 1 - Number(s1) / Number(s0) / (Number(r1) / Number(r0));
    expect(moved).to.be.greaterThan(0.04);

    const half = await (await vault.connect(alice).close({ positionId: id, fractionBps: 5_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })).wait();
    const decreased = eventsOf(vault, half, "PositionDecreased")[0];
    expect(decreased.repaid0).to.be.greaterThan(0n);
    expect(decreased.repaid1).to.be.greaterThan(0n);
    await expect(vault.connect(alice).repayDebt(id, usd6(100), usd6(100))).to.emit(vault, "DebtRepaid");
    await expect(vault.connect(alice).repayDebt(id, ethers.MaxUint256, 0n)).to.emit(vault, "DebtRepaid");
    // A close that must swap (all proceeds as token 0) needs a price, and says so by name.
    await expect(vault.connect(alice).close({ positionId: id, fractionBps: 10_000, receiveAs: 1, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(anyValue, anyValue, 3 * 86_400);
    await vault.connect(alice).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    expect(await expectBooks(vault, "closed")).to.deep.equal([0n, 0n]);
    // The attacker buys back, then everything is valued once the feeds are fresh again.
    await routerSwap(fixture, attacker, tokens[1], tokens[0], (await received1.balanceOf(attacker.address)) - t1Before + usd6(0));
    await refreshFeeds(fixture);
    const attackerProfit = await usdDelta(fixture, tokens, attackerStart, await holdings(attacker.address, tokens, [vault]));
    const aliceDelta = await usdDelta(fixture, tokens, aliceStart, await holdings(alice.address, tokens, [vault]));
    console.log(
      `    [9] pair moved ${(moved * 100).toFixed(2)}%, feeds 4 days old: half close (no swap) and repayDebt ok, swap close refused StalePrice; ` +
        `attacker spent $${fmt(100_000)} profit $${fmt(attackerProfit)}; farmer Δ $${fmt(aliceDelta)} on $10,000`,
    );
    expect(attackerProfit).to.be.at.most(0);
    expect(await sharePrice(pool0)).to.be.at.least(lenders[0]);
    expect(await sharePrice(pool1)).to.be.at.least(lenders[1]);
  });

  /** A test token with a blocklist, its $1 feed in the oracle, and a lending pool with `poolLiquidity` lent. */
  async function blocklistAsset(fixture: VaultFixture, symbol: string, poolLiquidity: bigint) {
    const { deployer, guardian, farming } = fixture;
    const token = await (await ethers.getContractFactory("BlocklistToken", deployer)).deploy(`Blocklist ${symbol}`, symbol, 18);
    const address = await addr(token);
    const feed = await (await ethers.getContractFactory("SettableAggregator", deployer)).deploy(8, `${symbol} / USD`, usdToFeedAnswer(1));
    await farming.oracle.connect(deployer).setFeed(address, await addr(feed), 3 * 86_400);
    const { pool } = await deployPool(hre, { address, symbol, decimals: 18, rateModel: STABLECOIN_RATE_MODEL }, { owner: deployer.address, guardian: guardian.address });
    await token.mint(deployer.address, poolLiquidity);
    await token.connect(deployer).approve(await addr(pool), ethers.MaxUint256);
    await pool.connect(deployer).deposit(poolLiquidity, deployer.address);
    return { token, address, feed, pool };
  }

  /** A StakingRewardsVault on a new pair of `tokenA` and `tokenB` (liquidity from the deployer), built like the local stack's. */
  async function customVault(
    fixture: VaultFixture,
    tokenA: string,
    tokenB: string,
    amountA: bigint,
    amountB: bigint,
    pools: Record<string, { getAddress(): Promise<string> }>,
    rewardPair: string,
    risk: typeof STABLE_VAULT_RISK,
  ) {
    const { deployer, guardian, farming } = fixture;
    const pair = await createPairWithLiquidity(hre, farming.uniswap, deployer, tokenA, tokenB, amountA, amountB);
    const farm = await deployFarm(hre, deployer, await addr(fixture.tokens.FLUX), await pair.getAddress(), 0n);
    const t0 = String(await pair.token0()).toLowerCase();
    const t1 = String(await pair.token1()).toLowerCase();
    const args = await vaultConstructorArgs(hre, deployer, {
      pair: await pair.getAddress(),
      pool0: await pools[t0].getAddress(),
      pool1: await pools[t1].getAddress(),
      oracle: await addr(farming.oracle),
      farm: await farm.getAddress(),
      rewardPair,
    });
    const vault = (await upgrades.deployProxy(
      await ethers.getContractFactory("StakingRewardsVault", deployer),
      [deployer.address, guardian.address, risk, ethers.MaxUint256, ethers.MaxUint256],
      { kind: "uups", constructorArgs: args },
    )) as unknown as StakingRewardsVault;
    await vault.waitForDeployment();
    for (const t of [t0, t1]) {
      const pool = await ethers.getContractAt("LendingPool", await pools[t].getAddress(), deployer);
      await pool.setCreditLimit(await vault.getAddress(), ethers.MaxUint256 >> 129n);
    }
    return { vault, pair, farm, t0, t1 };
  }

  it("10. blocklisted owner: a token that blocks the owner cannot stop its liquidation or its price order; the remainder is claimable, to another address", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { deployer, carol, bob, attacker, tokens, farming } = fixture;
    const usdc = (await addr(tokens.USDC)).toLowerCase();
    const blk = await blocklistAsset(fixture, "BLK", e18(1_000_000));
    const blkAddress = blk.address.toLowerCase();
    await blk.token.mint(deployer.address, e18(1_000_000));
    await fund(fixture, "USDC", usd6(1_000_000));
    const v = await customVault(
      fixture,
      blk.address,
      usdc,
      e18(1_000_000),
      usd6(1_000_000),
      { [blkAddress]: blk.pool, [usdc]: fixture.pools.USDC },
      await addr(farming.fluxPair),
      VOLATILE_VAULT_RISK,
    );
    const vault = v.vault;
    const usdcIs0 = v.t0 === usdc;
    const lenders = await sharePrice(fixture.pools.USDC);
    await tokens.USDC.connect(carol).approve(await vault.getAddress(), ethers.MaxUint256);
    // Carol: $100 of USDC, $200 borrowed (3x).
    await vault.connect(carol).open({
      amount0: usdcIs0 ? usd6(100) : 0n,
      amount1: usdcIs0 ? 0n : usd6(100),
      borrow0: usdcIs0 ? usd6(200) : 0n,
      borrow1: usdcIs0 ? 0n : usd6(200),
      minShares: 0n,
      minLp: 0,
      deadline: FAR_FUTURE,
    });
    // BLK falls to $0.60, in the pair and at the oracle.
    const push = await pushAmount(v.pair, usdcIs0 ? 6_667 : -4_000);
    await blk.token.mint(deployer.address, push.amountIn);
    await routerSwap(fixture, deployer, blk.address, usdc, push.amountIn);
    const [r0, r1] = await reservesOf(v.pair);
    const [rBlk, rUsdc] = usdcIs0 ? [r1, r0] : [r0, r1];
    const usdcPrice = Number(await farming.oracle.priceOf(usdc)) / 1e18;
    await blk.feed.setAnswer(BigInt(Math.round(((Number(rUsdc) / 1e6) / (Number(rBlk) / 1e18)) * usdcPrice * 1e8)));
    // A second position, no debt, with a price order to close if BLK is at or below $0.70 (already true).
    await vault.connect(carol).open({ amount0: usdcIs0 ? usd6(100) : 0n, amount1: usdcIs0 ? 0n : usd6(100), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    await vault.connect(carol).setPriceOrder(2, { lowPriceWad: e18(0.7), highPriceWad: 0, priceOfToken1: usdcIs0, receiveAs: 0, fractionBps: 10_000, executorFeeBps: 0, maxSlippageBps: 100 });
    const view = await vault.positionView(1);
    expect(view.liquidatable).to.equal(true);
    await blk.token.setBlocked(carol.address, true);

    const watched = [blk.address, usdc];
    const before = await holdings(attacker.address, watched, [vault]);
    const receipt = await (await vault.connect(attacker).liquidate(1)).wait();
    const profit = await usdDelta(fixture, watched, before, await holdings(attacker.address, watched, [vault]));
    const o = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
    const [returnedBlk, returnedUsdc] = usdcIs0 ? [o.returned1, o.returned0] : [o.returned0, o.returned1];
    // All the debt is repaid (a position under $500 is cleared in full); what is left stays the owner's: credited
    // to claim, or still in the position.
    expect((await vault.positions(1)).debtShares0 + (await vault.positions(1)).debtShares1).to.equal(0n);
    expect(await vault.claimable(blk.address, carol.address)).to.equal(returnedBlk);
    expect(await vault.claimable(usdc, carol.address)).to.equal(returnedUsdc);
    const kept = (await usdDelta(fixture, watched, [0n, 0n], [BigInt(returnedBlk), BigInt(returnedUsdc)])) + (await positionWorth(fixture, vault, 1));
    if ((await vault.positions(1)).lpShares > 0n) {
      // Her remaining LP: closing into both tokens would send her BLK (refused by the token, by name); into USDC only works.
      await expect(vault.connect(carol).close({ positionId: 1, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }))
        .to.be.revertedWithCustomError(blk.token, "Blocked")
        .withArgs(carol.address);
      await vault.connect(carol).close({ positionId: 1, fractionBps: 10_000, receiveAs: usdcIs0 ? 1 : 2, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    }
    const equity = Number(view.equityWad) / 1e18;
    const bountyCap = (Number(view.valueWad) / 1e18) * 0.03;
    // The price order pays the blocked owner: the BLK part is deferred, not lost, and the order does not revert.
    const orderReceipt = await (await vault.connect(attacker).executePriceOrder(2)).wait();
    const deferred = eventsOf(vault, orderReceipt, "PaymentDeferred").filter((e) => String(e.token).toLowerCase() === blkAddress);
    expect(deferred.length).to.equal(1);
    expect(deferred[0].account).to.equal(carol.address);
    const claimableBlk = await vault.claimable(blk.address, carol.address);
    expect(claimableBlk).to.equal(BigInt(returnedBlk) + BigInt(deferred[0].amount));
    expect(claimableBlk).to.be.greaterThan(0n);
    // Carol cannot take BLK to her own (blocked) address, but can to another one; USDC comes to her.
    await expect(vault.connect(carol).claim(blk.address, carol.address)).to.be.revertedWithCustomError(blk.token, "Blocked").withArgs(carol.address);
    const bobBefore = await blk.token.balanceOf(bob.address);
    await vault.connect(carol).claim(blk.address, bob.address);
    expect((await blk.token.balanceOf(bob.address)) - bobBefore).to.equal(claimableBlk);
    if (BigInt(returnedUsdc) > 0n) await vault.connect(carol).claim(usdc, carol.address);
    console.log(
      `    [10] liquidator spent $0 received $${fmt(profit)} profit $${fmt(profit)} (bounty cap $${fmt(bountyCap)}); blocked owner equity $${fmt(equity)}, ` +
        `kept for her $${fmt(kept)} + deferred price-order BLK ${fmt(Number(deferred[0].amount) / 1e18)}, claimed to another address`,
    );
    expect(profit).to.be.at.most(bountyCap);
    expect(kept).to.be.at.least(equity - bountyCap - 0.01);
    expect(await sharePrice(fixture.pools.USDC)).to.be.at.least(lenders);
  });

  it("11. dust and narrowing casts: 1-wei leftovers never make settlement, partial close or harvest revert; amounts past uint96 LP shares or the pools' uint112 revert by name instead of truncating", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob, attacker, deployer, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await addr(vault);
    const tokens = await stableTokens(fixture);
    const minShares = await vault.minPositionShares();
    // Dust: a $6 position borrowing 1 wei, next to a real one; 1 wei of every token (and of LP) donated.
    await vault.connect(alice).open({ amount0: usd6(3), amount1: usd6(3), borrow0: 0, borrow1: 1n, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const dustId = await vault.lastPositionId();
    expect((await vault.positions(dustId)).debtShares1).to.be.greaterThan(0n);
    await vault.connect(bob).open({ amount0: usd6(1_000), amount1: usd6(1_000), borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    for (const token of tokens) await (await ethers.getContractAt("IERC20", token, attacker)).transfer(vaultAddress, 1n).catch(async () => give(fixture, "FLUX", vaultAddress, 1n));
    await (stable.pair.connect(deployer) as Contract).transfer(vaultAddress, 1n);
    await expect(vault.harvest(0n)).to.not.be.reverted;
    await expect(vault.connect(alice).close({ positionId: dustId, fractionBps: 1, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })).to.emit(vault, "PositionDecreased");
    await expect(vault.connect(alice).close({ positionId: dustId, fractionBps: 1, receiveAs: 1, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })).to.emit(vault, "PositionDecreased");
    await expect(vault.connect(alice).close({ positionId: dustId, fractionBps: 9_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }))
      .to.be.revertedWithCustomError(vault, "PositionTooSmall")
      .withArgs(anyValue, minShares);
    await expect(vault.connect(alice).close({ positionId: dustId, fractionBps: 10_000, receiveAs: 2, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })).to.emit(vault, "PositionDecreased");
    expect((await vault.positions(dustId)).lpShares).to.equal(0n);
    await expect(vault.connect(bob).increase(2, { amount0: 0, amount1: usd6(1), borrow0: 1n, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE })).to.emit(vault, "PositionIncreased");
    await expect(vault.connect(bob).repayDebt(2, ethers.MaxUint256, 0n)).to.emit(vault, "DebtRepaid");
    await expectBooks(vault, "after dust");

    // Casts: a vault on a pair of two 18-decimal tokens with 2^100 of each in the pair (LP supply 2^100 > uint96).
    const huge = 2n ** 100n;
    const a = await blocklistAsset(fixture, "HUGA", 2n ** 101n);
    const b = await blocklistAsset(fixture, "HUGB", 2n ** 101n);
    await a.token.mint(deployer.address, huge + e18(100_000));
    await b.token.mint(deployer.address, huge);
    await fund(fixture, "FLUX", e18(200_000));
    const rewardPair = await createPairWithLiquidity(hre, farming.uniswap, deployer, tokens[2], a.address, e18(200_000), e18(100_000));
    const v = await customVault(
      fixture,
      a.address,
      b.address,
      huge,
      huge,
      { [a.address.toLowerCase()]: a.pool, [b.address.toLowerCase()]: b.pool },
      await rewardPair.getAddress(),
      STABLE_VAULT_RISK,
    );
    const entries = await ethers.getContractAt("StakingRewardsVaultEntries", await v.vault.getAddress());
    for (const t of [a, b]) {
      await t.token.mint(attacker.address, 2n ** 99n);
      await t.token.connect(attacker).approve(await v.vault.getAddress(), ethers.MaxUint256);
    }
    const big = 2n ** 95n;
    const opened = await (await v.vault.connect(attacker).open({ amount0: big, amount1: big, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE })).wait();
    const lp = BigInt(eventsOf(v.vault, opened, "PositionIncreased")[0].lpAdded);
    const id = await v.vault.lastPositionId();
    expect((await v.vault.positions(id)).lpShares).to.equal(lp); // 2^95 LP shares kept exactly
    expect(lp).to.be.greaterThan(2n ** 94n);
    const maxUint96 = 2n ** 96n - 1n;
    await expect(v.vault.connect(attacker).increase(id, { amount0: big, amount1: big, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE }))
      .to.be.revertedWithCustomError(entries, "SafeCastOverflowedUintDowncast")
      .withArgs(96, (value: bigint) => value > maxUint96);
    await expect(v.vault.connect(attacker).open({ amount0: 2n ** 97n, amount1: 2n ** 97n, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE }))
      .to.be.revertedWithCustomError(entries, "SafeCastOverflowedUintDowncast")
      .withArgs(96, (value: bigint) => value > maxUint96);
    expect((await v.vault.positions(id)).lpShares).to.equal(lp);
    // Debt of 2^94 base units is booked to the wei in the position's uint128 and the pool's shares alike.
    await v.vault.connect(attacker).open({ amount0: 2n ** 94n, amount1: 0, borrow0: 2n ** 94n, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const debtId = await v.vault.lastPositionId();
    const [vaultShares0] = await (v.t0 === a.address.toLowerCase() ? a.pool : b.pool).borrowerAccount(await v.vault.getAddress());
    expect((await v.vault.positions(debtId)).debtShares0).to.equal(vaultShares0);
    expect(vaultShares0).to.be.greaterThan(2n ** 93n);
    // A pool never holds more than uint112: debt shares can never reach uint128, and the pool says so by name.
    await a.token.mint(deployer.address, 2n ** 112n);
    await expect(a.pool.connect(deployer).deposit(2n ** 112n, deployer.address))
      .to.be.revertedWithCustomError(a.pool, "SafeCastOverflowedUintDowncast")
      .withArgs(112, anyValue);
    console.log(
      `    [11] dust position (${minShares} min shares, 1-wei debt, 1-wei donations): harvest, 1-bps closes and full close ok; ` +
        `huge pair: ${lp} LP shares stored exactly, ${2n ** 96n}+ refused (uint96), debt ${vaultShares0} shares booked exactly, pool deposit 2^112 refused (uint112); attacker profit $0`,
    );
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { FAR_FUTURE, lensOf, USDC, vaultStackFixture, WETH, type VaultFixture } from "./vault/fixtures";
import { moveMarket } from "./vault/market";
import { usdToFeedAnswer } from "../../scripts/lib/deployVaults";
import { Keeper, type DecisionLogEntry } from "../../lib/keeper";

/** The local oracle's staleness window (deployVaults' default): three days. */
const STALENESS_SECONDS = 3 * 86_400;

function keeperFor(fixture: VaultFixture) {
  const entries: DecisionLogEntry[] = [];
  const keeper = new Keeper(fixture.liquidator, fixture.deployment, {
    scanPageSize: 2,
    harvestMarginMultiplier: 1e9,
    maxHarvestIntervalSeconds: 1e9,
    retry: { attempts: 2, baseDelayMs: 1 },
    log: (entry) => entries.push({ time: new Date().toISOString(), ...entry }),
  });
  return { keeper, entries };
}

/** Opens a position on `deployed` with `own` of `ownSymbol` from the farmer and `borrowed` of the other token. */
async function openWith(deployed: VaultFixture["stable"], farmer: Signer, ownSymbol: string, own: bigint, borrowed: bigint): Promise<bigint> {
  const ownIsToken0 = deployed.token0Symbol === ownSymbol;
  await deployed.vault.connect(farmer).open({
    amount0: ownIsToken0 ? own : 0n,
    amount1: ownIsToken0 ? 0n : own,
    borrow0: ownIsToken0 ? 0n : borrowed,
    borrow1: ownIsToken0 ? borrowed : 0n,
    minShares: 0n,
    minLp: 0,
    deadline: FAR_FUTURE,
  });
  return deployed.vault.lastPositionId();
}

/**
 * Mid-crash, the WETH feed stops answering: WETH falls to $1,350 (two WETH-USDC positions past the kill factor),
 * then the feed freezes while time runs on past its staleness window, and USDC depegs to $0.90 on the stable pair
 * (three 10x USDC-USDT positions past theirs). The USDC, USDT and FLUX feeds keep answering.
 */
async function crashWithWethFeedFrozen() {
  const fixture = await loadFixture(vaultStackFixture);
  const { volatile, stable, alice, bob, carol, tokens, liquidator } = fixture;
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const wethIds = [await openWith(volatile, alice, "WETH", WETH(1), USDC(4_000)), await openWith(volatile, bob, "WETH", WETH(1), USDC(3_900))];
  // 10x on the stable pair: 1,000 USDC of the farmer's, 9,000 USDT borrowed.
  const usdcIsToken0 = stable.token0Symbol === "USDC";
  const stableIds: bigint[] = [];
  for (const farmer of [alice, bob, carol]) stableIds.push(await openWith(stable, farmer, "USDC", USDC(1_000), USDC(9_000)));
  if (wethIsToken0) await moveMarket(fixture, volatile, 1_350, 1);
  else await moveMarket(fixture, volatile, 1, 1_350);
  for (const id of wethIds) expect((await volatile.vault.positionView(id)).liquidatable, `WETH-USDC #${id} past the kill factor`).to.equal(true);

  // The WETH feed freezes; the others keep answering.
  await time.increase(STALENESS_SECONDS + 60);
  for (const symbol of ["USDC", "USDT", "FLUX"]) {
    const feed = fixture.farming.feeds[symbol];
    await feed.setAnswer((await feed.latestRoundData()).answer);
  }
  if (usdcIsToken0) await moveMarket(fixture, stable, 0.9, 1);
  else await moveMarket(fixture, stable, 1, 0.9);
  for (const id of stableIds) {
    const view = await stable.vault.positionView(id);
    console.log(`      USDC-USDT #${id}: debt ratio ${view.debtRatioBps} bps, value $${Number(view.valueWad) / 1e18}, debt $${Number(view.debtValueWad) / 1e18}`);
    expect(view.liquidatable, `USDC-USDT #${id} past the kill factor`).to.equal(true);
  }
  // The liquidator holds no tokens: every liquidation here must work by the vault's own swap.
  expect(await tokens.USDC.balanceOf(liquidator.address)).to.equal(0n);
  return { fixture, wethIds, stableIds };
}

describe("keeper with one feed frozen mid-crash", () => {
  it("the lens reports the WETH-USDC positions unvalued with the refused token and reason instead of reverting", async () => {
    const { fixture, wethIds } = await crashWithWethFeedFrozen();
    const { volatile } = fixture;
    const wethAddress = fixture.deployment.tokens.WETH.address;
    // The vault itself refuses to value them: the feed is really frozen.
    await expect(volatile.vault.positionView(wethIds[0])).to.be.revertedWithCustomError(fixture.farming.oracle, "StalePrice");

    const [views, , statuses] = await lensOf(fixture).keeperPage(await volatile.vault.getAddress(), 1, 10);
    expect(views).to.have.length(2);
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    for (const [index, status] of statuses.entries()) {
      expect(status.valued).to.equal(false);
      expect(status.price0Refused).to.equal(wethIsToken0);
      expect(status.price1Refused).to.equal(!wethIsToken0);
      const decoded = fixture.farming.oracle.interface.parseError(status.reason)!;
      expect(decoded.name).to.equal("StalePrice");
      expect(decoded.args[0]).to.equal(wethAddress);
      // The record is there, so the keeper knows the position is open and whose it is.
      const record = await volatile.vault.positions(wethIds[index]);
      expect(views[index].positionId).to.equal(wethIds[index]);
      expect(views[index].owner).to.equal(record.owner);
      expect(views[index].lpShares).to.equal(record.lpShares);
      expect(views[index].liquidatable).to.equal(false);
    }
    // The stable vault's page is valued as usual.
    const [, , stableStatuses] = await lensOf(fixture).keeperPage(await fixture.stable.vault.getAddress(), 1, 10);
    for (const status of stableStatuses) expect([status.valued, status.price0Refused, status.price1Refused, status.reason]).to.deep.equal([true, false, false, "0x"]);
  });

  it("liquidates the USDC-USDT positions in the same pass, holds the WETH-USDC ones with the reason, and liquidates them once WETH is priced", async () => {
    const { fixture, wethIds, stableIds } = await crashWithWethFeedFrozen();
    const { volatile, stable, liquidator } = fixture;
    const { keeper, entries } = keeperFor(fixture);

    const first = await keeper.runOnce();

    const liquidated = async (deployed: typeof stable) =>
      (await deployed.vault.queryFilter(deployed.vault.filters.PositionLiquidated())).map((event) => event.args.positionId);
    expect(first).to.include({ liquidatable: 3, liquidated: 3, unvalued: 2 });
    expect(await liquidated(stable)).to.have.members(stableIds);
    for (const id of stableIds) expect((await stable.vault.positionView(id)).liquidatable, `USDC-USDT #${id} after the pass`).to.equal(false);
    expect(await liquidated(volatile)).to.have.length(0);
    const held = entries.find((entry) => entry.action === "held")!;
    expect(held).to.include({ vault: "WETH-USDC" });
    expect(held.reason).to.contain("the oracle refuses the price of WETH");
    expect(held.reason).to.contain(`StalePrice(${fixture.deployment.tokens.WETH.address}`);
    expect(held.numbers).to.include({ unvalued: 2, positionIds: wethIds.join(","), refusedTokens: "WETH" });
    console.log(`      pass 1, WETH frozen: ${first.liquidated} USDC-USDT liquidated, ${first.unvalued} WETH-USDC held (${held.reason})`);

    // The feed answers again, at what the pair shows (1,350 USDC a WETH, USDC at $0.90: $1,215): the next pass
    // liquidates the held positions.
    await fixture.farming.feeds.WETH.setAnswer(usdToFeedAnswer(1_350 * 0.9));
    for (const id of wethIds) expect((await volatile.vault.positionView(id)).liquidatable, `WETH-USDC #${id} once priced`).to.equal(true);
    const second = await keeper.runOnce();
    expect(second).to.include({ liquidatable: 2, liquidated: 2, unvalued: 0 });
    expect(await liquidated(volatile)).to.have.members(wethIds);
    for (const event of await volatile.vault.queryFilter(volatile.vault.filters.PositionLiquidated())) expect(event.args.liquidator).to.equal(liquidator.address);
    console.log(`      pass 2, WETH priced again: ${second.liquidated} WETH-USDC liquidated`);
  });
});

describe("keeper weighs gas against the bounty", () => {
  it("at 300 gwei declines a liquidation whose bounty does not pay its gas, stating both; at 1 gwei sends it and earns what it estimated", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, liquidator, tokens } = fixture;
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    const id = await openWith(volatile, alice, "WETH", WETH(1), USDC(4_000));
    if (wethIsToken0) await moveMarket(fixture, volatile, 1_350, 1);
    else await moveMarket(fixture, volatile, 1, 1_350);
    expect((await volatile.vault.positionView(id)).liquidatable).to.equal(true);
    const node = ethers.provider;

    // 300 gwei, as in the independent crash replay: a ~500k-gas liquidation costs about $200 with ETH at $1,350.
    await node.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + (300n * 10n ** 9n).toString(16)]);
    const expensive = keeperFor(fixture);
    const declinedPass = await expensive.keeper.runOnce();
    expect(declinedPass).to.include({ liquidatable: 1, liquidated: 0, declined: 1, failed: 0 });
    const declined = expensive.entries.find((entry) => entry.action === "skip-liquidation")!;
    const { bountyUsd, gasCostUsd, gasPriceGwei } = declined.numbers as Record<string, number>;
    console.log(`      at ${gasPriceGwei} gwei: bounty $${bountyUsd} against gas $${gasCostUsd}: ${declined.reason}`);
    expect(gasPriceGwei).to.be.at.least(300);
    expect(bountyUsd).to.be.greaterThan(0);
    expect(gasCostUsd).to.be.greaterThan(bountyUsd);
    expect(declined.reason).to.contain(`the bounty $${bountyUsd} does not pay the gas $${gasCostUsd}`);
    expect(declined.reason).to.contain("anyone may still liquidate it");
    expect((await volatile.vault.positionView(id)).liquidatable).to.equal(true);

    // Gas back to 1 gwei: the same position is worth liquidating, and the bounty the keeper weighed is what it got.
    await node.send("hardhat_setNextBlockBaseFeePerGas", ["0x" + (10n ** 9n).toString(16)]);
    const [usdcBefore, wethBefore] = await Promise.all([tokens.USDC.balanceOf(liquidator.address), tokens.WETH.balanceOf(liquidator.address)]);
    const cheap = keeperFor(fixture);
    const sentPass = await cheap.keeper.runOnce();
    expect(sentPass).to.include({ liquidated: 1, declined: 0 });
    const sent = cheap.entries.find((entry) => entry.action === "liquidate")!;
    const [usdcAfter, wethAfter] = await Promise.all([tokens.USDC.balanceOf(liquidator.address), tokens.WETH.balanceOf(liquidator.address)]);
    const oracle = fixture.farming.oracle;
    const gainedWad =
      (await oracle.usdValueOf(fixture.deployment.tokens.USDC.address, usdcAfter - usdcBefore)) +
      (await oracle.usdValueOf(fixture.deployment.tokens.WETH.address, wethAfter - wethBefore));
    const gainedUsd = Number(gainedWad) / 1e18;
    console.log(`      at ${(sent.numbers as Record<string, number>).gasPriceGwei} gwei: bounty $${sent.numbers!.bountyUsd} (received $${gainedUsd.toFixed(6)}) against gas $${sent.numbers!.gasCostUsd}: sent`);
    expect(Number(sent.numbers!.bountyUsd)).to.be.closeTo(gainedUsd, 0.01);
    expect(Number(sent.numbers!.bountyUsd)).to.be.greaterThan(Number(sent.numbers!.gasCostUsd));
  });
});

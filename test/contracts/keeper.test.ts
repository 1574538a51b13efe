import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { AbstractSigner, type Provider, type Signer, type TransactionRequest, type TransactionResponse, type TypedDataDomain, type TypedDataField } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { advanceDays, FAR_FUTURE, USDC, vaultStackFixture, WETH, type VaultFixture } from "./vault/fixtures";
import { moveMarket, reservesOf } from "./vault/market";
import { usdToFeedAnswer } from "../../scripts/lib/deployVaults";
import { Keeper, type DecisionLogEntry, type KeeperOptions } from "../../lib/keeper";

/**
 * On WETH-USDC: Alice at 3x (past the 80% kill factor once WETH falls to $1,350), Bob at 2x and Carol at 1.5x
 * (both stay healthy). On USDC-USDT: Bob at 3x. Then WETH falls to $1,350.
 */
async function marketWithOneUnhealthyPosition() {
  const fixture = await loadFixture(vaultStackFixture);
  const { volatile, stable, alice, bob, carol } = fixture;
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const openWeth = async (farmer: Signer, borrowedUsdc: bigint) => {
    await volatile.vault.connect(farmer).open({
      amount0: wethIsToken0 ? WETH(1) : 0n,
      amount1: wethIsToken0 ? 0n : WETH(1),
      borrow0: wethIsToken0 ? 0n : borrowedUsdc,
      borrow1: wethIsToken0 ? borrowedUsdc : 0n,
      minShares: 0n, minLp: 0,
      deadline: FAR_FUTURE,
    });
    return volatile.vault.lastPositionId();
  };
  const unhealthyId = await openWeth(alice, USDC(4_000));
  const healthyIds = [await openWeth(bob, USDC(2_000)), await openWeth(carol, USDC(1_000))];
  await stable.vault.connect(bob).open({ amount0: USDC(1_000), amount1: 0, borrow0: 0, borrow1: USDC(2_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
  const stableId = await stable.vault.lastPositionId();

  if (wethIsToken0) await moveMarket(fixture, volatile, 1_350, 1);
  else await moveMarket(fixture, volatile, 1, 1_350);
  expect((await volatile.vault.positionView(unhealthyId)).liquidatable).to.equal(true);
  for (const id of healthyIds) expect((await volatile.vault.positionView(id)).liquidatable).to.equal(false);
  return { ...fixture, unhealthyId, healthyIds, stableId };
}

/** Sets the FLUX feed to the FLUX-USDC pair's price. */
async function pointFluxFeedAtPair(fixture: VaultFixture) {
  const pair = fixture.farming.fluxPair;
  const [reserve0, reserve1] = await reservesOf(pair);
  const fluxIsToken0 = String(await pair.token0()).toLowerCase() === fixture.deployment.tokens.FLUX.address.toLowerCase();
  const [flux, usdc] = fluxIsToken0 ? [reserve0, reserve1] : [reserve1, reserve0];
  await fixture.farming.feeds.FLUX.setAnswer(usdToFeedAnswer(Number(usdc) / 1e6 / (Number(flux) / 1e18)));
}

/** A keeper signing as the fixture's liquidator, recording its decision lines instead of printing them. */
function keeperFor(fixture: VaultFixture, options: Partial<KeeperOptions> = {}, signer: Signer = fixture.liquidator) {
  const entries: DecisionLogEntry[] = [];
  const keeper = new Keeper(signer, fixture.deployment, {
    scanPageSize: 2,
    // A harvest costs about $1 of gas here: only a few hours of rewards are worth 1000 times that.
    harvestMarginMultiplier: 1_000,
    maxHarvestIntervalSeconds: 86_400,
    retry: { attempts: 3, baseDelayMs: 1 },
    log: (entry) => entries.push({ time: new Date().toISOString(), ...entry }),
    ...options,
  });
  return { keeper, entries };
}

/** Per vault: its lastPositionId call and one page of views and orders per page: WETH-USDC has 3 positions (2 pages
 *  of 2), USDC-USDT 1 (1 page). */
const EXPECTED_SCAN_CALLS = 1 + Math.ceil(3 / 2) + 1 + Math.ceil(1 / 2);

const nonceOf = (fixture: VaultFixture) => ethers.provider.getTransactionCount(fixture.liquidator.address);

async function liquidationsOf(fixture: VaultFixture) {
  return fixture.volatile.vault.queryFilter(fixture.volatile.vault.filters.PositionLiquidated());
}

/**
 * A signer whose connection drops around sends: `before` sends fail without reaching the node, `after` sends reach
 * the node (and are mined) but the caller sees the error, as when a connection drops before the answer arrives.
 */
class FlakySigner extends AbstractSigner {
  constructor(
    private readonly inner: Signer,
    private readonly failures: { before: number; after: number },
  ) {
    super(inner.provider);
  }
  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }
  connect(_provider: Provider | null): Signer {
    throw new Error("A flaky signer stays on its provider");
  }
  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction(tx);
  }
  signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    return this.inner.signTypedData(domain, types, value);
  }
  async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (this.failures.before > 0) {
      this.failures.before -= 1;
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "NETWORK_ERROR" });
    }
    const response = await this.inner.sendTransaction(tx);
    if (this.failures.after > 0) {
      this.failures.after -= 1;
      throw Object.assign(new Error("socket hang up"), { code: "NETWORK_ERROR" });
    }
    return response;
  }
}

describe("keeper", () => {
  it("in a dry run simulates and logs what it would do, and sends nothing", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const { keeper, entries } = keeperFor(fixture, { dryRun: true });
    const nonceBefore = await nonceOf(fixture);

    const summary = await keeper.runOnce();

    expect(summary).to.include({ positionsScanned: 4, liquidatable: 1, liquidated: 0, harvested: 0, failed: 0 });
    expect(summary.scanRpcCalls).to.equal(EXPECTED_SCAN_CALLS);
    expect(await nonceOf(fixture)).to.equal(nonceBefore);
    const view = await fixture.volatile.vault.positionView(fixture.unhealthyId);
    expect(view.liquidatable).to.equal(true);
    expect(view.lpAmount).to.be.greaterThan(0n);
    const wouldLiquidate = entries.filter((entry) => entry.action === "would-liquidate");
    expect(wouldLiquidate).to.have.length(1);
    expect(wouldLiquidate[0]).to.include({ vault: "WETH-USDC", positionId: fixture.unhealthyId.toString() });
    expect(Number(wouldLiquidate[0].numbers!.gasEstimate)).to.be.greaterThan(100_000);
  });

  it("liquidates exactly the unhealthy position, harvests when due, and never sends twice", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const { volatile, stable, liquidator } = fixture;
    const { keeper, entries } = keeperFor(fixture);
    const healthyBefore = await Promise.all(fixture.healthyIds.map((id) => volatile.vault.positionView(id)));
    const stableBefore = await stable.vault.positionView(fixture.stableId);
    const nonceBefore = await nonceOf(fixture);

    const first = await keeper.runOnce();
    expect(first).to.include({ positionsScanned: 4, liquidatable: 1, liquidated: 1, harvested: 0, failed: 0 });
    expect(first.scanRpcCalls).to.equal(EXPECTED_SCAN_CALLS);
    const liquidations = await liquidationsOf(fixture);
    expect(liquidations).to.have.length(1);
    expect(liquidations[0].args.positionId).to.equal(fixture.unhealthyId);
    expect(liquidations[0].args.liquidator).to.equal(liquidator.address);
    expect(await nonceOf(fixture)).to.equal(nonceBefore + 1);
    // The healthy positions are untouched, but for the liquidated shares' rounding: the LP removed with them is rounded
    // down, so the wei it leaves behind stays with the positions that remain (never taken from them).
    for (const [index, id] of fixture.healthyIds.entries()) {
      const after = await volatile.vault.positionView(id);
      expect(after.lpAmount - healthyBefore[index].lpAmount).to.be.within(0n, 1n);
      expect(after.liquidatable).to.equal(false);
    }
    expect((await stable.vault.positionView(fixture.stableId)).lpAmount).to.equal(stableBefore.lpAmount);
    const liquidated = entries.find((entry) => entry.action === "liquidate")!;
    expect(liquidated).to.include({ vault: "WETH-USDC", positionId: fixture.unhealthyId.toString(), txHash: liquidations[0].transactionHash });
    const notDue = entries.filter((entry) => entry.action === "skip-harvest");
    // Seconds of rewards: either not worth the gas, or so few the harvest would sell nothing.
    expect(notDue).to.have.length(2);
    for (const entry of notDue) {
      expect(entry.reason).to.be.oneOf([
        "pending rewards are not yet worth the gas cost times the margin",
        "the harvest would compound nothing yet (only dust is sellable, or no position holds shares)",
      ]);
    }

    // A day of rewards (about 8,300 FLUX, $4,100, per vault) is worth far more than 1000 x the gas: harvest both.
    await advanceDays(fixture, 1);
    const totalLpBefore = (await stable.vault.totals()).totalLp;
    const second = await keeper.runOnce();
    expect(second).to.include({ liquidatable: 0, liquidated: 0, harvested: 2, failed: 0 });
    for (const deployed of [stable, volatile]) {
      const harvests = await deployed.vault.queryFilter(deployed.vault.filters.Harvested());
      expect(harvests).to.have.length(1);
      expect(harvests[0].args.caller).to.equal(liquidator.address);
    }
    expect((await stable.vault.totals()).totalLp).to.be.greaterThan(totalLpBefore);

    // Right after: nothing is due and nothing is liquidatable, so nothing is sent.
    const nonceAfterHarvest = await nonceOf(fixture);
    const third = await keeper.runOnce();
    expect(third).to.include({ liquidated: 0, harvested: 0, wouldSend: 0, failed: 0 });
    expect(await nonceOf(fixture)).to.equal(nonceAfterHarvest);

    // A restarted keeper finds the last harvest in the vaults' events: a minute later nothing is due (were it
    // counting from the deployment instead, the one-day maximum interval would make it harvest).
    await time.increase(60);
    // The two harvests sold FLUX into its pair; arbitrage and the feed follow, or every harvest would now exceed
    // the 3% slippage guard (the keeper rightly skips those: its simulation reverts).
    await pointFluxFeedAtPair(fixture);
    const restarted = keeperFor(fixture);
    const afterRestart = await restarted.keeper.runOnce();
    expect(afterRestart).to.include({ liquidated: 0, harvested: 0, failed: 0 });
    expect(await nonceOf(fixture)).to.equal(nonceAfterHarvest);
    const decisions = restarted.entries.filter((entry) => entry.action === "skip-harvest");
    expect(decisions).to.have.length(2);
    for (const entry of decisions) {
      expect(entry.reason).to.equal("pending rewards are not yet worth the gas cost times the margin");
      expect(Number(entry.numbers!.secondsSinceLastHarvest)).to.be.within(60, 600);
    }
    expect(await liquidationsOf(fixture)).to.have.length(1);
  });

  it("reports the scan's RPC calls as the node saw them: one per vault plus one per page of views and orders", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const { keeper } = keeperFor(fixture, { scanPageSize: 2, scanConcurrency: 1 });
    const node = hre.network.provider as { send: (method: string, params?: unknown[]) => Promise<unknown> };
    const send = node.send;
    const seen: string[] = [];
    node.send = function (method: string, params?: unknown[]) {
      seen.push(method);
      return send.call(this, method, params);
    };
    let scan;
    try {
      scan = await keeper.scanPositions();
    } finally {
      node.send = send;
    }
    expect(scan.positionsScanned).to.equal(4);
    expect(scan.rpcCalls).to.equal(EXPECTED_SCAN_CALLS);
    expect(seen).to.deep.equal(Array(EXPECTED_SCAN_CALLS).fill("eth_call"));
  });

  it("re-reads a position before liquidating it and skips, with the reason, one that is no longer past the kill factor", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const { keeper, entries } = keeperFor(fixture);
    const nonceBefore = await nonceOf(fixture);
    const outcome = await keeper.tryLiquidate("WETH-USDC", fixture.healthyIds[0]);
    expect(outcome).to.equal("skipped");
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ action: "skip-liquidation", positionId: fixture.healthyIds[0].toString() });
    expect(entries[0].reason).to.match(/^no longer past the kill factor when re-read/);
    expect(Number(entries[0].numbers!.debtRatioBps)).to.be.within(1, 7_999);
    expect(await nonceOf(fixture)).to.equal(nonceBefore);
  });

  it("does not send again when a send's outcome is unknown but the node took it", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const flaky = new FlakySigner(fixture.liquidator, { before: 0, after: 1 });
    const { keeper, entries } = keeperFor(fixture, { harvestMarginMultiplier: 1e9 }, flaky);
    const nonceBefore = await nonceOf(fixture);

    const first = await keeper.runOnce();
    // The liquidation went out once; the keeper could not confirm it, said so, and did not repeat it.
    expect(first).to.include({ liquidated: 0, failed: 1 });
    expect(entries.find((entry) => entry.action === "error")!.reason).to.match(/took nonce \d+: not sending again/);
    expect(await nonceOf(fixture)).to.equal(nonceBefore + 1);
    expect(await liquidationsOf(fixture)).to.have.length(1);

    // The next pass sees the position gone and sends nothing.
    const second = await keeper.runOnce();
    expect(second).to.include({ liquidatable: 0, liquidated: 0, failed: 0 });
    expect(await nonceOf(fixture)).to.equal(nonceBefore + 1);
  });

  it("simulates again and sends once when a send certainly did not reach the node", async () => {
    const fixture = await marketWithOneUnhealthyPosition();
    const flaky = new FlakySigner(fixture.liquidator, { before: 1, after: 0 });
    const { keeper } = keeperFor(fixture, { harvestMarginMultiplier: 1e9 }, flaky);
    const nonceBefore = await nonceOf(fixture);
    const summary = await keeper.runOnce();
    expect(summary).to.include({ liquidated: 1, failed: 0 });
    expect(await nonceOf(fixture)).to.equal(nonceBefore + 1);
    expect(await liquidationsOf(fixture)).to.have.length(1);
  });
});

type CrashMode = "arbitraged" | "pair left behind, above the oracle" | "pair far below the oracle";

/**
 * Ten 1-WETH positions on WETH-USDC borrowing 3,100 to 4,000 USDC (2.55x to 3x), then WETH falls from $2,000 to
 * $1,100 at the oracle, which puts every one past the 80% kill factor (82% to 90%). The pair either follows
 * (arbitraged), stays at $2,000 (no arbitrage yet), or sits at $700 (a pair dumped below the oracle: a swap there
 * loses 36% against the oracle, so only the liquidator's own repayment can work).
 */
async function tenPositionsPastTheKillFactor(mode: CrashMode) {
  const fixture = await loadFixture(vaultStackFixture);
  const { volatile, alice, bob, carol, liquidator, tokens } = fixture;
  const wethIsToken0 = volatile.token0Symbol === "WETH";
  const ids: bigint[] = [];
  const farmers = [alice, bob, carol];
  for (let index = 0; index < 10; index++) {
    const borrowed = USDC(3_100 + 100 * index);
    await volatile.vault.connect(farmers[index % 3]).open({
      amount0: wethIsToken0 ? WETH(1) : 0n,
      amount1: wethIsToken0 ? 0n : WETH(1),
      borrow0: wethIsToken0 ? 0n : borrowed,
      borrow1: wethIsToken0 ? borrowed : 0n,
      minShares: 0n,
      minLp: 0,
      deadline: FAR_FUTURE,
    });
    ids.push(await volatile.vault.lastPositionId());
  }
  const setWethFeed = (usd: number) => fixture.farming.feeds.WETH.setAnswer(usdToFeedAnswer(usd));
  if (mode === "arbitraged") {
    if (wethIsToken0) await moveMarket(fixture, volatile, 1_100, 1);
    else await moveMarket(fixture, volatile, 1, 1_100);
  } else if (mode === "pair left behind, above the oracle") {
    await setWethFeed(1_100);
  } else {
    if (wethIsToken0) await moveMarket(fixture, volatile, 700, 1);
    else await moveMarket(fixture, volatile, 1, 700);
    await setWethFeed(1_100);
  }
  // A keeper runs with working capital in the debt tokens, for when the pair is too far off to swap.
  await tokens.USDC.connect(liquidator).faucet(USDC(100_000));
  for (const id of ids) expect((await volatile.vault.positionView(id)).liquidatable, `#${id} past the kill factor`).to.equal(true);
  return { fixture, ids };
}

describe("keeper in a crash", () => {
  for (const mode of ["arbitraged", "pair left behind, above the oracle", "pair far below the oracle"] as CrashMode[]) {
    it(`liquidates ten positions past the kill factor in one pass, worst first, with the ${mode}`, async () => {
      const { fixture, ids } = await tenPositionsPastTheKillFactor(mode);
      const { volatile } = fixture;
      const { keeper, entries } = keeperFor(fixture, { harvestMarginMultiplier: 1e9 });
      const ratiosBefore = await Promise.all(ids.map(async (id) => (await volatile.vault.positionView(id)).debtRatioBps));

      const summary = await keeper.runOnce();

      expect(summary).to.include({ liquidatable: 10, liquidated: 10, failed: 0 });
      // Each liquidation's own swap pushes the pair; once it is past the swap bound the keeper repays instead.
      if (mode === "pair far below the oracle") expect(summary.liquidatedByRepayment).to.equal(10);
      if (mode === "pair left behind, above the oracle") expect(summary.liquidatedByRepayment).to.equal(0);
      for (const id of ids) expect((await volatile.vault.positionView(id)).liquidatable, `#${id} after the pass`).to.equal(false);
      // Worst first: the keeper sent in falling order of debt ratio (no position is underwater here).
      const order = entries.filter((entry) => entry.action === "liquidate").map((entry) => BigInt(entry.positionId!));
      const expected = [...ids].sort((a, b) => Number(ratiosBefore[ids.indexOf(b)] - ratiosBefore[ids.indexOf(a)]));
      expect(order).to.deep.equal(expected);
      // Every position's value at the oracle covered its debt: the pools were repaid in full, nothing written off.
      const pools = [fixture.pools.USDC, fixture.pools.WETH].filter(Boolean);
      for (const pool of pools) expect(await pool.queryFilter(pool.filters.BadDebtWrittenOff())).to.have.length(0);
      console.log(`      ${mode}: 10 liquidated in one pass (${summary.liquidatedByRepayment} by repayment), ${summary.rpcCalls} RPC calls`);
    });
  }

  it("executes a triggered deleverage order in its pass, and leaves an untriggered one alone", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, bob } = fixture;
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    const open = async (farmer: Signer) => {
      await volatile.vault.connect(farmer).open({
        amount0: wethIsToken0 ? WETH(1) : 0n,
        amount1: wethIsToken0 ? 0n : WETH(1),
        borrow0: wethIsToken0 ? 0n : USDC(3_000),
        borrow1: wethIsToken0 ? USDC(3_000) : 0n,
        minShares: 0n,
        minLp: 0,
        deadline: FAR_FUTURE,
      });
      return volatile.vault.lastPositionId();
    };
    const triggered = await open(alice);
    const untouched = await open(bob);
    const order = { triggerDebtRatioBps: 7_000, targetDebtRatioBps: 5_000, executorFeeBps: 10, maxSlippageBps: 100 };
    await volatile.vault.connect(alice).setDeleverageOrder(triggered, order);
    await volatile.vault.connect(bob).setDeleverageOrder(untouched, { ...order, triggerDebtRatioBps: 7_900 });
    // WETH to $1,500: 3,000 of debt on a position now worth about 4,330, a debt ratio near 69-70%.
    if (wethIsToken0) await moveMarket(fixture, volatile, 1_450, 1);
    else await moveMarket(fixture, volatile, 1, 1_450);
    const before = await volatile.vault.positionView(triggered);
    expect(before.debtRatioBps).to.be.within(7_000n, 7_899n);
    expect(before.liquidatable).to.equal(false);

    const { keeper, entries } = keeperFor(fixture, { harvestMarginMultiplier: 1e9 });
    const summary = await keeper.runOnce();

    expect(summary).to.include({ ordersTriggered: 1, ordersExecuted: 1, liquidated: 0, failed: 0 });
    const after = await volatile.vault.positionView(triggered);
    expect(Number(after.debtRatioBps)).to.be.within(4_990, 5_010);
    expect((await volatile.vault.protectionOrders(triggered)).deleverage.triggerDebtRatioBps).to.equal(0n);
    expect((await volatile.vault.protectionOrders(untouched)).deleverage.triggerDebtRatioBps).to.equal(7_900n);
    expect(entries.find((entry) => entry.action === "execute-order")).to.include({ positionId: triggered.toString() });
  });
});

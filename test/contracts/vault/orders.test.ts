import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { FAR_FUTURE, vaultStackFixture, type VaultFixture } from "./fixtures";
import {
  balancesOf,
  eventsOf,
  fmt,
  lpPriceOf,
  moveWeth,
  openWeth,
  setWethAnswer,
  snapshotBalances,
  thresholdAnswers,
  usdValue,
  wethVault,
} from "./ordersHelpers";

const WAD = 10n ** 18n;
const KILL = 8_000;
const MAX_FEE = 100;
const MAX_SLIPPAGE = 500;
enum ReceiveAs {
  BothTokens = 0,
  Token0 = 1,
  Token1 = 2,
}

type Deleverage = { triggerDebtRatioBps: number; targetDebtRatioBps: number; executorFeeBps: number; maxSlippageBps: number };
type Price = {
  lowPriceWad: bigint;
  highPriceWad: bigint;
  priceOfToken1: boolean;
  receiveAs: number;
  fractionBps: number;
  executorFeeBps: number;
  maxSlippageBps: number;
};

const deleverageOrder = (o: Partial<Deleverage> = {}): Deleverage => ({
  triggerDebtRatioBps: 7_500,
  targetDebtRatioBps: 6_500,
  executorFeeBps: 50,
  maxSlippageBps: 100,
  ...o,
});

function deleverageFields(stored: { triggerDebtRatioBps: bigint; targetDebtRatioBps: bigint; executorFeeBps: bigint; maxSlippageBps: bigint }) {
  return [stored.triggerDebtRatioBps, stored.targetDebtRatioBps, stored.executorFeeBps, stored.maxSlippageBps].map(Number);
}
function priceFields(stored: {
  lowPriceWad: bigint;
  highPriceWad: bigint;
  priceOfToken1: boolean;
  receiveAs: bigint;
  fractionBps: bigint;
  executorFeeBps: bigint;
  maxSlippageBps: bigint;
}) {
  return [stored.lowPriceWad, stored.highPriceWad, stored.priceOfToken1, Number(stored.receiveAs), Number(stored.fractionBps), Number(stored.executorFeeBps), Number(stored.maxSlippageBps)];
}
const asFields = (o: Deleverage) => [o.triggerDebtRatioBps, o.targetDebtRatioBps, o.executorFeeBps, o.maxSlippageBps];
const asPriceFields = (o: Price) => [o.lowPriceWad, o.highPriceWad, o.priceOfToken1, o.receiveAs, o.fractionBps, o.executorFeeBps, o.maxSlippageBps];

async function setup() {
  const fixture = await loadFixture(vaultStackFixture);
  const w = await wethVault(fixture);
  const id = await openWeth(fixture, fixture.alice, 1);
  // The USDC side (the debt token) and the WETH side, by index.
  const usdcIndex = w.wethIsToken0 ? 1 : 0;
  const wethIndex = 1 - usdcIndex;
  const priceOrder = (o: Partial<Price> = {}): Price => ({
    lowPriceWad: 1_800n * WAD,
    highPriceWad: 0n,
    priceOfToken1: !w.wethIsToken0,
    receiveAs: usdcIndex === 0 ? ReceiveAs.Token0 : ReceiveAs.Token1,
    fractionBps: 10_000,
    executorFeeBps: MAX_FEE,
    maxSlippageBps: 200,
    ...o,
  });
  return { fixture, ...w, id, usdcIndex, wethIndex, priceOrder };
}

/** Executes the triggered deleverage order and checks every measured number; prints one line. */
async function executeDeleverageAndCheck(fixture: VaultFixture, id: bigint, order: Deleverage, label: string) {
  const { vault } = await wethVault(fixture);
  const executor = fixture.liquidator;
  const before = await vault.positionView(id);
  expect(Number(before.debtRatioBps)).to.be.greaterThanOrEqual(order.triggerDebtRatioBps);
  const executorBefore = await balancesOf(fixture, executor.address);
  const { events } = await eventsOf(fixture, vault.connect(executor).executeDeleverageOrder(id), "DeleverageOrderExecuted");
  expect(events.length).to.equal(1);
  const [positionId, executorAddress, ratioAtExecution, outcome] = events[0];
  expect(positionId).to.equal(id);
  expect(executorAddress).to.equal(executor.address);
  expect(ratioAtExecution).to.equal(before.debtRatioBps);
  const after = await vault.positionView(id);
  // Back to the target, within 0.1 percentage point; only part of the position unwound.
  expect(Number(after.debtRatioBps)).to.be.within(order.targetDebtRatioBps - 10, order.targetDebtRatioBps + 10);
  expect(outcome.whole).to.equal(false);
  expect(after.lpShares).to.be.greaterThan(0n);
  expect(outcome.lpRemoved).to.equal(before.lpAmount - after.lpAmount);
  // The fee: paid to the executor as stated in the event, at most executorFeeBps of the value unwound.
  const executorAfter = await balancesOf(fixture, executor.address);
  expect(executorAfter[0] - executorBefore[0]).to.equal(outcome.paid0);
  expect(executorAfter[1] - executorBefore[1]).to.equal(outcome.paid1);
  const fee = await usdValue(fixture, outcome.paid0, outcome.paid1);
  const unwound = lpPriceOf(before) * Number(outcome.lpRemoved);
  expect(fee).to.be.greaterThan(0);
  expect(fee).to.be.at.most((unwound * order.executorFeeBps) / 10_000 + 0.01);
  // Order consumed.
  expect(deleverageFields((await vault.protectionOrders(id)).deleverage)).to.deep.equal([0, 0, 0, 0]);
  console.log(
    `      [${label}] ratio ${before.debtRatioBps} -> ${after.debtRatioBps} bps (trigger ${order.triggerDebtRatioBps}, target ${order.targetDebtRatioBps}); ` +
      `unwound $${fmt(unwound)} of $${fmt(Number(before.valueWad) / 1e18)}; fee $${fmt(fee, 4)} = ${fmt((fee / unwound) * 1e4, 1)} bps (cap ${order.executorFeeBps})`,
  );
  return { before, after, outcome, fee, unwound };
}

describe("LeveragedVault protection orders", () => {
  it("deleverage order: not executable one basis point below its trigger, executes at it and returns to the target within 0.1 pp; fee capped and stated", async () => {
    const { fixture, vault, id } = await setup();
    const order = deleverageOrder({ executorFeeBps: MAX_FEE });
    await vault.connect(fixture.alice).setDeleverageOrder(id, order);
    // Market down near the trigger (pair and oracle together), then the oracle alone to the exact threshold.
    await moveWeth(fixture, 1_585);
    const { at: answer, justBefore } = await thresholdAnswers(fixture, id, order.triggerDebtRatioBps);
    await fixture.farming.feeds.WETH.setAnswer(justBefore);
    const below = await vault.positionView(id);
    expect(Number(below.debtRatioBps)).to.equal(order.triggerDebtRatioBps - 1);
    const executorBefore = await balancesOf(fixture, fixture.liquidator.address);
    await expect(vault.connect(fixture.liquidator).executeDeleverageOrder(id))
      .to.be.revertedWithCustomError(vault, "DeleverageNotTriggered")
      .withArgs(id, order.triggerDebtRatioBps - 1, order.triggerDebtRatioBps);
    expect(await balancesOf(fixture, fixture.liquidator.address)).to.deep.equal(executorBefore);
    await fixture.farming.feeds.WETH.setAnswer(answer);
    expect(Number((await vault.positionView(id)).debtRatioBps)).to.equal(order.triggerDebtRatioBps);
    console.log(`      WETH oracle $${Number(justBefore) / 1e8} -> ratio ${below.debtRatioBps} (not triggered); $${Number(answer) / 1e8} -> ${order.triggerDebtRatioBps}`);
    await executeDeleverageAndCheck(fixture, id, order, "deleverage 75->65, fee 100");
  });

  it("deleverage order at a different trigger (6,900 -> 6,000, fee 0): fires at its own threshold, pays no fee", async () => {
    const { fixture, vault, id } = await setup();
    const order = deleverageOrder({ triggerDebtRatioBps: 6_900, targetDebtRatioBps: 6_000, executorFeeBps: 0, maxSlippageBps: 50 });
    await vault.connect(fixture.alice).setDeleverageOrder(id, order);
    await moveWeth(fixture, 1_880);
    const { at: answer, justBefore } = await thresholdAnswers(fixture, id, order.triggerDebtRatioBps);
    await fixture.farming.feeds.WETH.setAnswer(justBefore);
    await expect(vault.connect(fixture.liquidator).executeDeleverageOrder(id))
      .to.be.revertedWithCustomError(vault, "DeleverageNotTriggered")
      .withArgs(id, order.triggerDebtRatioBps - 1, order.triggerDebtRatioBps);
    await fixture.farming.feeds.WETH.setAnswer(answer);
    const executor = fixture.liquidator;
    const executorBefore = await balancesOf(fixture, executor.address);
    const before = await vault.positionView(id);
    const { events } = await eventsOf(fixture, vault.connect(executor).executeDeleverageOrder(id), "DeleverageOrderExecuted");
    const outcome = events[0].outcome;
    const after = await vault.positionView(id);
    expect(Number(after.debtRatioBps)).to.be.within(5_990, 6_010);
    expect(await balancesOf(fixture, executor.address)).to.deep.equal(executorBefore);
    expect([outcome.paid0, outcome.paid1]).to.deep.equal([0n, 0n]);
    console.log(`      [deleverage 69->60, fee 0] ratio ${before.debtRatioBps} -> ${after.debtRatioBps}; executor paid ${outcome.paid0}/${outcome.paid1}; owner credited ${outcome.returned0}/${outcome.returned1}`);
  });

  it("price order, low bound: not at a price one unit above it, closes fully at it, proceeds only in the chosen token (USDC), 1% fee to the executor", async () => {
    const { fixture, vault, id, priceOrder, usdcIndex, wethIndex } = await setup();
    const { alice, liquidator: executor } = fixture;
    const order = priceOrder({ lowPriceWad: 1_800n * WAD, fractionBps: 10_000 });
    await vault.connect(alice).setPriceOrder(id, order);
    await vault.connect(alice).setDeleverageOrder(id, deleverageOrder());
    await moveWeth(fixture, 1_805);
    await setWethAnswer(fixture, 1_800n * 10n ** 8n + 1n);
    await expect(vault.connect(executor).executePriceOrder(id))
      .to.be.revertedWithCustomError(vault, "PriceNotTriggered")
      .withArgs(id, 1_800n * WAD + 10n ** 10n, order.lowPriceWad, 0n);
    await setWethAnswer(fixture, 1_800n * 10n ** 8n);
    const before = await vault.positionView(id);
    const aliceBefore = await balancesOf(fixture, alice.address);
    const executorBefore = await balancesOf(fixture, executor.address);
    const { events } = await eventsOf(fixture, vault.connect(executor).executePriceOrder(id), "PriceOrderExecuted");
    expect(events.length).to.equal(1);
    const [positionId, executorAddress, priceWad, outcome] = events[0];
    expect([positionId, executorAddress, priceWad]).to.deep.equal([id, executor.address, 1_800n * WAD]);
    const after = await vault.positionView(id);
    expect(after.lpShares).to.equal(0n);
    expect(after.debt0 + after.debt1).to.equal(0n);
    const aliceAfter = await balancesOf(fixture, alice.address);
    // Only the chosen token arrives.
    expect(aliceAfter[wethIndex]).to.equal(aliceBefore[wethIndex]);
    const received = aliceAfter[usdcIndex] - aliceBefore[usdcIndex];
    expect(received).to.equal(usdcIndex === 0 ? outcome.amount0 : outcome.amount1);
    expect(usdcIndex === 0 ? outcome.amount1 : outcome.amount0).to.equal(0n);
    // The fee as stated, 1% of the value closed (the cap).
    const executorAfter = await balancesOf(fixture, executor.address);
    expect([executorAfter[0] - executorBefore[0], executorAfter[1] - executorBefore[1]]).to.deep.equal([outcome.fee0, outcome.fee1]);
    const fee = await usdValue(fixture, outcome.fee0, outcome.fee1);
    const value = Number(before.valueWad) / 1e18;
    expect(fee / value).to.be.within(0.0099, 0.01);
    // The owner gets the equity less the fee, less at most the order's 2% slippage on what was sold.
    const receivedUsd = await usdValue(fixture, usdcIndex === 0 ? received : 0n, usdcIndex === 0 ? 0n : received);
    const equity = Number(before.equityWad) / 1e18;
    expect(receivedUsd).to.be.within((equity - fee) * 0.98, equity - fee + 0.01);
    // A closed position's orders are gone.
    const stored = await vault.protectionOrders(id);
    expect(deleverageFields(stored.deleverage)).to.deep.equal([0, 0, 0, 0]);
    expect(stored.price.lowPriceWad + stored.price.highPriceWad).to.equal(0n);
    console.log(
      `      [price low $1800, 100%, USDC] value $${fmt(value)} equity $${fmt(equity)}; owner got ${fmt(Number(received) / 1e6)} USDC ($${fmt(receivedUsd)}), 0 WETH; fee $${fmt(fee, 4)} = ${fmt((fee / value) * 1e4, 1)} bps`,
    );
  });

  it("price order, high bound (with a low bound too): not at one unit below it, closes half at it, proceeds only in WETH", async () => {
    const { fixture, vault, id, priceOrder, usdcIndex, wethIndex } = await setup();
    const { alice, liquidator: executor } = fixture;
    const order = priceOrder({
      lowPriceWad: 1_500n * WAD,
      highPriceWad: 2_200n * WAD,
      fractionBps: 5_000,
      receiveAs: wethIndex === 0 ? ReceiveAs.Token0 : ReceiveAs.Token1,
      executorFeeBps: 30,
    });
    await vault.connect(alice).setPriceOrder(id, order);
    // Inside the range: nothing.
    await expect(vault.connect(executor).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "PriceNotTriggered");
    await moveWeth(fixture, 2_195);
    await setWethAnswer(fixture, 2_200n * 10n ** 8n - 1n);
    await expect(vault.connect(executor).executePriceOrder(id))
      .to.be.revertedWithCustomError(vault, "PriceNotTriggered")
      .withArgs(id, 2_200n * WAD - 10n ** 10n, order.lowPriceWad, order.highPriceWad);
    await setWethAnswer(fixture, 2_200n * 10n ** 8n);
    const before = await vault.positionView(id);
    const aliceBefore = await balancesOf(fixture, alice.address);
    const executorBefore = await balancesOf(fixture, executor.address);
    const { events } = await eventsOf(fixture, vault.connect(executor).executePriceOrder(id), "PriceOrderExecuted");
    const [, , priceWad, outcome] = events[0];
    expect(priceWad).to.equal(2_200n * WAD);
    const after = await vault.positionView(id);
    // Half closed: half the shares and half the debt remain.
    expect(Number(after.lpShares) / Number(before.lpShares)).to.be.closeTo(0.5, 0.0001);
    expect(Number(after.debt0 + after.debt1) / Number(before.debt0 + before.debt1)).to.be.closeTo(0.5, 0.0001);
    const aliceAfter = await balancesOf(fixture, alice.address);
    expect(aliceAfter[usdcIndex]).to.equal(aliceBefore[usdcIndex]);
    const received = aliceAfter[wethIndex] - aliceBefore[wethIndex];
    expect(received).to.be.greaterThan(0n);
    const executorAfter = await balancesOf(fixture, executor.address);
    expect([executorAfter[0] - executorBefore[0], executorAfter[1] - executorBefore[1]]).to.deep.equal([outcome.fee0, outcome.fee1]);
    const fee = await usdValue(fixture, outcome.fee0, outcome.fee1);
    const closedValue = (Number(before.valueWad) / 1e18) * 0.5;
    // 0.3% of the closed value, less what the swap to WETH lost beyond a fair execution at the oracle (the pair sits
    // at $2,195 against the oracle's $2,200): the executor, not the owner, absorbs that.
    expect(fee / closedValue).to.be.within(0.0025, 0.003);
    const receivedUsd = await usdValue(fixture, wethIndex === 0 ? received : 0n, wethIndex === 0 ? 0n : received);
    const equityHalf = Number(before.equityWad) / 1e18 / 2;
    expect(receivedUsd).to.be.within((equityHalf - fee) * 0.98, equityHalf - fee + 0.01);
    // The order ran once: the price order is gone, the position stays open.
    expect(priceFields((await vault.protectionOrders(id)).price)[0]).to.equal(0n);
    console.log(
      `      [price high $2200, 50%, WETH] shares ${before.lpShares} -> ${after.lpShares}; owner got ${fmt(Number(received) / 1e18, 6)} WETH ($${fmt(receivedUsd)}) of half-equity $${fmt(equityHalf)}, 0 USDC; fee $${fmt(fee, 4)} = ${fmt((fee / closedValue) * 1e4, 1)} bps`,
    );
  });

  it("executor fee is capped at 1% (100 ok, 101 ExecutorFeeTooHigh) and nothing is paid before execution", async () => {
    const { fixture, vault, id, priceOrder } = await setup();
    const { alice, liquidator: executor } = fixture;
    const accounts = [alice.address, executor.address];
    const snapshot = await snapshotBalances(fixture, accounts);
    await vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ executorFeeBps: MAX_FEE }));
    await vault.connect(alice).setPriceOrder(id, priceOrder({ executorFeeBps: MAX_FEE }));
    await expect(vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ executorFeeBps: MAX_FEE + 1 })))
      .to.be.revertedWithCustomError(vault, "ExecutorFeeTooHigh")
      .withArgs(MAX_FEE + 1, MAX_FEE);
    await expect(vault.connect(alice).setPriceOrder(id, priceOrder({ executorFeeBps: 65_535 })))
      .to.be.revertedWithCustomError(vault, "ExecutorFeeTooHigh")
      .withArgs(65_535, MAX_FEE);
    // Not-triggered attempts, a change and a cancel pay nobody.
    await expect(vault.connect(executor).executeDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "DeleverageNotTriggered");
    await expect(vault.connect(executor).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "PriceNotTriggered");
    await vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ executorFeeBps: 80 }));
    await vault.connect(alice).cancelPriceOrder(id);
    expect(await snapshotBalances(fixture, accounts)).to.equal(snapshot);
    const stored = await vault.protectionOrders(id);
    expect(deleverageFields(stored.deleverage)).to.deep.equal([7_500, 6_500, 80, 100]);
    console.log(`      fee 100 accepted, 101 and 65535 refused (ExecutorFeeTooHigh); balances of owner, executor, vault, pair unchanged before execution`);
  });

  it("a stranger cannot set, change or cancel another's orders (NotPositionOwner); the orders stay as the owner set them", async () => {
    const { fixture, vault, id, priceOrder } = await setup();
    const { alice, attacker } = fixture;
    await expect(vault.connect(attacker).setDeleverageOrder(id, deleverageOrder()))
      .to.be.revertedWithCustomError(vault, "NotPositionOwner")
      .withArgs(id, attacker.address);
    await expect(vault.connect(attacker).setPriceOrder(id, priceOrder()))
      .to.be.revertedWithCustomError(vault, "NotPositionOwner")
      .withArgs(id, attacker.address);
    const d = deleverageOrder();
    const p = priceOrder();
    await vault.connect(alice).setDeleverageOrder(id, d);
    await vault.connect(alice).setPriceOrder(id, p);
    const snapshot = await snapshotBalances(fixture, [alice.address, attacker.address]);
    for (const call of [
      () => vault.connect(attacker).setDeleverageOrder(id, deleverageOrder({ triggerDebtRatioBps: 7_900, targetDebtRatioBps: 100 })),
      () => vault.connect(attacker).setPriceOrder(id, priceOrder({ lowPriceWad: 1_999n * WAD })),
      () => vault.connect(attacker).cancelDeleverageOrder(id),
      () => vault.connect(attacker).cancelPriceOrder(id),
    ]) {
      await expect(call()).to.be.revertedWithCustomError(vault, "NotPositionOwner").withArgs(id, attacker.address);
    }
    const stored = await vault.protectionOrders(id);
    expect(deleverageFields(stored.deleverage)).to.deep.equal(asFields(d));
    expect(priceFields(stored.price)).to.deep.equal(asPriceFields(p));
    expect(await snapshotBalances(fixture, [alice.address, attacker.address])).to.equal(snapshot);
    // An unknown position is named as such.
    await expect(vault.connect(attacker).setDeleverageOrder(999n, d)).to.be.revertedWithCustomError(vault, "UnknownPosition").withArgs(999n);
    console.log(`      6 stranger calls refused with NotPositionOwner(${id}, attacker); orders unchanged`);
  });

  it("an executed order cannot be executed twice (NoOrder), nor cancelled", async () => {
    const { fixture, vault, id, priceOrder } = await setup();
    const order = deleverageOrder();
    await vault.connect(fixture.alice).setDeleverageOrder(id, order);
    await vault.connect(fixture.alice).setPriceOrder(id, priceOrder({ lowPriceWad: 1_000n * WAD, fractionBps: 2_000 }));
    await moveWeth(fixture, 1_560);
    await executeDeleverageAndCheck(fixture, id, order, "first execution");
    // Still past the trigger? Push it there again; the order is gone all the same.
    await moveWeth(fixture, 1_150);
    const ratio = Number((await vault.positionView(id)).debtRatioBps);
    expect(ratio).to.be.greaterThanOrEqual(order.triggerDebtRatioBps);
    await expect(vault.connect(fixture.liquidator).executeDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder").withArgs(id);
    await expect(vault.connect(fixture.alice).cancelDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder").withArgs(id);
    // The same for a price order.
    await moveWeth(fixture, 995);
    await vault.connect(fixture.liquidator).executePriceOrder(id);
    await expect(vault.connect(fixture.liquidator).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder").withArgs(id);
    console.log(`      second deleverage execution at ratio ${ratio} -> NoOrder; second price execution -> NoOrder`);
  });

  it("an order on a closed position cannot execute (PositionClosed): closed by its owner, or liquidated whole", async () => {
    const { fixture, vault, id, priceOrder } = await setup();
    const { alice, bob, liquidator } = fixture;
    await vault.connect(alice).setDeleverageOrder(id, deleverageOrder());
    await vault.connect(alice).setPriceOrder(id, priceOrder({ lowPriceWad: 0n, highPriceWad: 1_000n * WAD }));
    await vault.connect(alice).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0n, minAmount1: 0n, deadline: FAR_FUTURE });
    // The price order's bound (WETH >= $1000) and the deleverage trigger would both be met; the position is closed.
    const stored = await vault.protectionOrders(id);
    expect(deleverageFields(stored.deleverage)).to.deep.equal([0, 0, 0, 0]);
    await expect(vault.connect(liquidator).executeDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "PositionClosed").withArgs(id);
    await expect(vault.connect(liquidator).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "PositionClosed").withArgs(id);
    await expect(vault.connect(alice).setDeleverageOrder(id, deleverageOrder())).to.be.revertedWithCustomError(vault, "PositionClosed").withArgs(id);

    // Bob's small position ($300) with orders, crashed and liquidated whole by someone else.
    const small = await openWeth(fixture, bob, 0.05);
    await vault.connect(bob).setDeleverageOrder(small, deleverageOrder());
    await vault.connect(bob).setPriceOrder(small, priceOrder({ lowPriceWad: 1_400n * WAD }));
    await moveWeth(fixture, 1_350);
    await vault.connect(liquidator).liquidate(small);
    expect((await vault.positionView(small)).lpShares).to.equal(0n);
    await expect(vault.connect(liquidator).executeDeleverageOrder(small)).to.be.revertedWithCustomError(vault, "PositionClosed").withArgs(small);
    await expect(vault.connect(liquidator).executePriceOrder(small)).to.be.revertedWithCustomError(vault, "PositionClosed").withArgs(small);
    console.log(`      closed position #${id} and whole-liquidated #${small}: both order kinds -> PositionClosed`);
  });

  it("a farmer's orders are honoured while the guardian has paused the vault", async () => {
    const { fixture, vault, id, priceOrder, usdcIndex } = await setup();
    const { alice, bob, guardian, liquidator } = fixture;
    const bobId = await openWeth(fixture, bob, 1, 2);
    const order = deleverageOrder();
    await vault.connect(alice).setDeleverageOrder(id, order);
    await vault.connect(bob).setPriceOrder(bobId, priceOrder({ lowPriceWad: 1_600n * WAD, fractionBps: 10_000 }));
    await vault.connect(guardian).setPaused(true);
    expect((await vault.configuration()).paused).to.equal(true);
    // The pause is real: no new borrowing.
    await expect(
      vault.connect(alice).open({ amount0: 0n, amount1: 10n ** 17n, borrow0: 100n * 10n ** 6n, borrow1: 0n, minLp: 0n, minShares: 0n, deadline: FAR_FUTURE }),
    ).to.be.revertedWithCustomError(vault, "VaultPaused");
    await moveWeth(fixture, 1_560);
    await executeDeleverageAndCheck(fixture, id, order, "paused: deleverage");
    const bobBefore = await balancesOf(fixture, bob.address);
    await vault.connect(liquidator).executePriceOrder(bobId);
    expect((await vault.positionView(bobId)).lpShares).to.equal(0n);
    const got = (await balancesOf(fixture, bob.address))[usdcIndex] - bobBefore[usdcIndex];
    expect(got).to.be.greaterThan(0n);
    expect((await vault.configuration()).paused).to.equal(true);
    console.log(`      paused: bob's price order closed his position, he got ${fmt(Number(got) / 1e6)} USDC`);
  });

  it("bad input gets a named custom error and moves no tokens (owner, executor, vault, pair balances; stored orders unchanged)", async () => {
    const { fixture, vault, id, priceOrder } = await setup();
    const { alice, liquidator } = fixture;
    const good = deleverageOrder();
    const goodPrice = priceOrder();
    await vault.connect(alice).setDeleverageOrder(id, good);
    await vault.connect(alice).setPriceOrder(id, goodPrice);
    const accounts = [alice.address, liquidator.address];
    const snapshot = await snapshotBalances(fixture, accounts);
    const cases: [string, () => Promise<unknown>, string, unknown[]][] = [
      ["trigger 0", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ triggerDebtRatioBps: 0 })), "TriggerOutOfRange", [0, KILL]],
      ["trigger = kill", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ triggerDebtRatioBps: KILL })), "TriggerOutOfRange", [KILL, KILL]],
      ["trigger > kill", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ triggerDebtRatioBps: 9_000 })), "TriggerOutOfRange", [9_000, KILL]],
      ["target = trigger", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ targetDebtRatioBps: 7_500 })), "TargetNotBelowTrigger", [7_500, 7_500]],
      ["target > trigger", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ targetDebtRatioBps: 7_600 })), "TargetNotBelowTrigger", [7_600, 7_500]],
      ["target 0", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ targetDebtRatioBps: 0 })), "TargetNotBelowTrigger", [0, 7_500]],
      ["deleverage fee 101", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ executorFeeBps: 101 })), "ExecutorFeeTooHigh", [101, MAX_FEE]],
      ["deleverage slippage 0", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ maxSlippageBps: 0 })), "OrderSlippageOutOfRange", [0, MAX_SLIPPAGE]],
      ["deleverage slippage 501", () => vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ maxSlippageBps: 501 })), "OrderSlippageOutOfRange", [501, MAX_SLIPPAGE]],
      ["low > high", () => vault.connect(alice).setPriceOrder(id, priceOrder({ lowPriceWad: 2_500n * WAD, highPriceWad: 1_500n * WAD })), "InvalidPriceRange", [2_500n * WAD, 1_500n * WAD]],
      ["low = high", () => vault.connect(alice).setPriceOrder(id, priceOrder({ lowPriceWad: 2_000n * WAD, highPriceWad: 2_000n * WAD })), "InvalidPriceRange", [2_000n * WAD, 2_000n * WAD]],
      ["no bound", () => vault.connect(alice).setPriceOrder(id, priceOrder({ lowPriceWad: 0n, highPriceWad: 0n })), "InvalidPriceRange", [0n, 0n]],
      ["price fee 101", () => vault.connect(alice).setPriceOrder(id, priceOrder({ executorFeeBps: 101 })), "ExecutorFeeTooHigh", [101, MAX_FEE]],
      ["price slippage 0", () => vault.connect(alice).setPriceOrder(id, priceOrder({ maxSlippageBps: 0 })), "OrderSlippageOutOfRange", [0, MAX_SLIPPAGE]],
      ["price slippage 501", () => vault.connect(alice).setPriceOrder(id, priceOrder({ maxSlippageBps: 501 })), "OrderSlippageOutOfRange", [501, MAX_SLIPPAGE]],
      ["fraction 0", () => vault.connect(alice).setPriceOrder(id, priceOrder({ fractionBps: 0 })), "FractionOutOfRange", [0]],
      ["fraction 10001", () => vault.connect(alice).setPriceOrder(id, priceOrder({ fractionBps: 10_001 })), "FractionOutOfRange", [10_001]],
    ];
    for (const [label, call, error, args] of cases) {
      try {
        await expect(call()).to.be.revertedWithCustomError(vault, error).withArgs(...args);
      } catch (e) {
        throw new Error(`${label}: ${(e as Error).message}`);
      }
    }
    expect(await snapshotBalances(fixture, accounts)).to.equal(snapshot);
    const stored = await vault.protectionOrders(id);
    expect(deleverageFields(stored.deleverage)).to.deep.equal(asFields(good));
    expect(priceFields(stored.price)).to.deep.equal(asPriceFields(goodPrice));
    // The bounds themselves are accepted: trigger kill-1, target trigger-1, fee 100, slippage 1 and 500.
    await vault.connect(alice).setDeleverageOrder(id, deleverageOrder({ triggerDebtRatioBps: KILL - 1, targetDebtRatioBps: KILL - 2, executorFeeBps: 100, maxSlippageBps: 500 }));
    await vault.connect(alice).setPriceOrder(id, priceOrder({ lowPriceWad: 0n, highPriceWad: 1n, maxSlippageBps: 1 }));
    console.log(`      ${cases.length} bad inputs refused with their named errors; no balance moved; edge values accepted`);
  });

  it("events: set (replaced=false), changed (replaced=true), cancelled, executed, with their fields", async () => {
    const { fixture, vault, id, priceOrder, usdcIndex } = await setup();
    const { alice, liquidator } = fixture;
    const first = deleverageOrder();
    const second = deleverageOrder({ triggerDebtRatioBps: 7_600, targetDebtRatioBps: 6_600, executorFeeBps: 20, maxSlippageBps: 150 });
    let r = await eventsOf(fixture, vault.connect(alice).setDeleverageOrder(id, first), "DeleverageOrderSet");
    expect(r.events.length).to.equal(1);
    expect([r.events[0].positionId, deleverageFields(r.events[0].order), r.events[0].replaced]).to.deep.equal([id, asFields(first), false]);
    r = await eventsOf(fixture, vault.connect(alice).setDeleverageOrder(id, second), "DeleverageOrderSet");
    expect([r.events[0].positionId, deleverageFields(r.events[0].order), r.events[0].replaced]).to.deep.equal([id, asFields(second), true]);
    expect(deleverageFields((await vault.protectionOrders(id)).deleverage)).to.deep.equal(asFields(second));
    r = await eventsOf(fixture, vault.connect(alice).cancelDeleverageOrder(id), "DeleverageOrderCancelled");
    expect(r.events.length).to.equal(1);
    expect(r.events[0].positionId).to.equal(id);
    expect(deleverageFields((await vault.protectionOrders(id)).deleverage)).to.deep.equal([0, 0, 0, 0]);
    await expect(vault.connect(alice).cancelDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder").withArgs(id);
    // After a cancel, setting again is a new order.
    r = await eventsOf(fixture, vault.connect(alice).setDeleverageOrder(id, first), "DeleverageOrderSet");
    expect(r.events[0].replaced).to.equal(false);

    const p1 = priceOrder({ highPriceWad: 2_500n * WAD });
    const p2 = priceOrder({ lowPriceWad: 0n, highPriceWad: 2_400n * WAD, receiveAs: ReceiveAs.BothTokens, fractionBps: 4_000, executorFeeBps: 10 });
    r = await eventsOf(fixture, vault.connect(alice).setPriceOrder(id, p1), "PriceOrderSet");
    expect([r.events[0].positionId, priceFields(r.events[0].order), r.events[0].replaced]).to.deep.equal([id, asPriceFields(p1), false]);
    r = await eventsOf(fixture, vault.connect(alice).setPriceOrder(id, p2), "PriceOrderSet");
    expect([r.events[0].positionId, priceFields(r.events[0].order), r.events[0].replaced]).to.deep.equal([id, asPriceFields(p2), true]);
    r = await eventsOf(fixture, vault.connect(alice).cancelPriceOrder(id), "PriceOrderCancelled");
    expect(r.events.length).to.equal(1);
    expect(r.events[0].positionId).to.equal(id);
    expect(priceFields((await vault.protectionOrders(id)).price)[1]).to.equal(0n);
    await expect(vault.connect(alice).cancelPriceOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder").withArgs(id);
    r = await eventsOf(fixture, vault.connect(alice).setPriceOrder(id, p2), "PriceOrderSet");
    expect(r.events[0].replaced).to.equal(false);

    // Executed, with the executor, the price and the outcome.
    await moveWeth(fixture, 2_410);
    const before = await vault.positionView(id);
    const aliceBefore = await balancesOf(fixture, alice.address);
    const p1Usd = Number(await fixture.farming.oracle.priceOf(await fixture.tokens.WETH.getAddress()));
    const executed = await eventsOf(fixture, vault.connect(liquidator).executePriceOrder(id), "PriceOrderExecuted");
    expect(executed.events.length).to.equal(1);
    const ev = executed.events[0];
    expect(ev.positionId).to.equal(id);
    expect(ev.executor).to.equal(liquidator.address);
    expect(Number(ev.priceWad)).to.equal(p1Usd);
    expect(ev.outcome.lpRemoved).to.equal(before.lpAmount - (await vault.positionView(id)).lpAmount);
    expect(ev.outcome.repaid0 + ev.outcome.repaid1).to.be.greaterThan(0n);
    // Both tokens asked for: nothing converted beyond what repaying the USDC debt needed, so all the USDC went to
    // the debt and the owner gets the WETH left.
    const usdcOut = usdcIndex === 0 ? ev.outcome.amount0 : ev.outcome.amount1;
    const wethOut = usdcIndex === 0 ? ev.outcome.amount1 : ev.outcome.amount0;
    expect(usdcOut).to.equal(0n);
    expect(wethOut).to.be.greaterThan(0n);
    const aliceAfter = await balancesOf(fixture, alice.address);
    expect([aliceAfter[0] - aliceBefore[0], aliceAfter[1] - aliceBefore[1]]).to.deep.equal([ev.outcome.amount0, ev.outcome.amount1]);
    console.log(
      `      events ok; PriceOrderExecuted at $${fmt(p1Usd / 1e18)}: lpRemoved ${ev.outcome.lpRemoved}, repaid ${ev.outcome.repaid0}/${ev.outcome.repaid1}, fee ${ev.outcome.fee0}/${ev.outcome.fee1}, out ${ev.outcome.amount0}/${ev.outcome.amount1}`,
    );
  });
});

/**
 * A crash on the local stack, watched from the browser: a farmer sets a stop-loss in the page, WETH falls 35% in
 * one answer of its feed, and the stack's own keeper (started by `npm start`, account #5) executes the stop-loss and
 * partly liquidates a second, 3x position of the same farmer. Each position's history then says what happened, in
 * words. Nothing here calls the vault's execute or liquidate functions: if the keeper did not act, the test fails.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider, MaxUint256, NonceManager, Wallet } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { withGasHeadroom } from "../../lib/transactionPolicy";
import { FaucetToken__factory, SettableAggregator__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, testAccountKey, waitForConfirmed } from "./pageHelpers";

/** Hardhat's public account #11: neither the stack's scripts nor the other browser tests sign with it. */
const FARMER_KEY = testAccountKey(11);
/** Account #0 owns the simulated feeds (the market simulator moves them with the same key). */
const FEED_OWNER_KEY = testAccountKey(0);
/** The keeper runs every 15 s and the simulator re-arbitrages every 5 s: a few passes. */
const KEEPER_TIMEOUT_MS = 150_000;
const USDC = 10n ** 6n;

describe("a crash on the local stack, handled by its keeper", () => {
  const browser = useStackAndBrowser();
  // No response cache: the feed owner's nonce is read afresh on every send (the simulator shares the key).
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1 });
  afterAll(() => provider.destroy());

  it("executes a stop-loss set in the page and partly liquidates a 3x position after WETH falls 35%", async () => {
    const deployment = readDeployment("localhost");
    const setup = deployment.farming!.vaults["WETH-USDC"];
    const farmer = new NonceManager(new Wallet(FARMER_KEY, provider));
    const farmerAddress = await farmer.getAddress();
    const vault = StakingRewardsVault__factory.connect(setup.vault.address, farmer);
    const usdc = FaucetToken__factory.connect(deployment.tokens.USDC.address, farmer);
    const usdcIsToken0 = (await vault.token0()).toLowerCase() === deployment.tokens.USDC.address.toLowerCase();
    const usdcOnly = (amount: bigint, borrow: bigint) => ({
      amount0: usdcIsToken0 ? amount : 0n,
      amount1: usdcIsToken0 ? 0n : amount,
      borrow0: usdcIsToken0 ? borrow : 0n,
      borrow1: usdcIsToken0 ? 0n : borrow,
      minLp: 0n,
      minShares: 0n,
    });
    const deadline = async () => BigInt((await provider.getBlock("latest"))!.timestamp + 3_600);

    // Two positions opened from the farmer's own script (the browser flow of opening has its own test):
    // 2x from 2,000 USDC, which gets the stop-loss, and 2.97x from 5,000 USDC, which the crash puts past the kill factor.
    await (await usdc.faucet(7_000n * USDC)).wait();
    await (await usdc.approve(setup.vault.address, MaxUint256)).wait();
    const open = async (amount: bigint, borrow: bigint) => {
      const request = { ...usdcOnly(amount, borrow), deadline: await deadline() };
      await (await vault.open(request, { gasLimit: withGasHeadroom(await vault.open.estimateGas(request)) })).wait();
      return vault.lastPositionId();
    };
    const guardedId = await open(2_000n * USDC, 2_000n * USDC);
    const leveragedId = await open(5_000n * USDC, 9_800n * USDC);
    const leveragedBefore = await vault.positionView(leveragedId);
    expect(Number(leveragedBefore.debtRatioBps)).toBeGreaterThan(6_500);
    expect(Number(leveragedBefore.debtRatioBps)).toBeLessThan(7_000);

    // The stop-loss, set in the page: close everything into USDC when WETH is at or below 90% of its price now.
    const feed = SettableAggregator__factory.connect(deployment.farming!.feeds.WETH, new Wallet(FEED_OWNER_KEY, provider));
    const wethNow = (await feed.latestRoundData()).answer / 10n ** 8n;
    const stopPrice = (wethNow * 9n) / 10n;
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    await installTestWallet(page, FARMER_KEY, RPC_URL);
    await gotoSettled(page, `/positions/WETH-USDC/${guardedId}`, "orders-summary");
    await connectTestWallet(page);
    await page.getByTestId("tab-orders").click();
    await page.getByTestId("order-price-low").fill(stopPrice.toString());
    await page.getByTestId("order-price-form").getByLabel("Only USDC").check();
    await expect.poll(() => page.getByTestId("order-price-preview").innerText(), { timeout: 20_000 }).toMatch(/WETH/);
    await page.getByTestId("order-price-submit").click();
    await waitForConfirmed(page.getByTestId("order-price-form"));
    const order = (await vault.protectionOrders(guardedId)).price;
    expect(order.lowPriceWad).toBe(stopPrice * 10n ** 18n);
    expect(order.highPriceWad).toBe(0n);
    expect(order.fractionBps).toBe(10_000n);

    // The crash: WETH's feed answers 65% of its price. The simulator signs with the same key and walks on from the
    // feed's latest answer, so the shock stands; a send that races one of its own is simply sent again.
    const crashAnswer = (await feed.latestRoundData()).answer * 65n / 100n;
    await expect
      .poll(
        async () => {
          const { answer } = await feed.latestRoundData();
          if (answer > (crashAnswer * 102n) / 100n) await (await feed.setAnswer(crashAnswer)).wait().catch(() => undefined);
          return (await feed.latestRoundData()).answer <= (crashAnswer * 102n) / 100n;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(true);

    // The keeper executes the stop-loss in full and liquidates the 3x position only part of the way.
    const executed = vault.filters.PriceOrderExecuted(guardedId);
    const liquidated = vault.filters.PositionLiquidated(leveragedId);
    await expect.poll(async () => (await vault.queryFilter(executed)).length, { timeout: KEEPER_TIMEOUT_MS, interval: 2_000 }).toBe(1);
    await expect.poll(async () => (await vault.queryFilter(liquidated)).length, { timeout: KEEPER_TIMEOUT_MS, interval: 2_000 }).toBe(1);
    const [execution] = await vault.queryFilter(executed);
    expect(execution.args.executor).not.toBe(farmerAddress);
    expect((await vault.positionView(guardedId)).lpAmount).toBe(0n);
    const [liquidation] = await vault.queryFilter(liquidated);
    expect(liquidation.args.outcome.whole).toBe(false);
    expect(liquidation.args.outcome.lpRemoved).toBeGreaterThan(0n);
    const leveragedAfter = await vault.positionView(leveragedId);
    expect(leveragedAfter.lpAmount).toBeGreaterThan(0n);
    expect(leveragedAfter.lpAmount).toBeLessThan(leveragedBefore.lpAmount);
    // Back at or below the work factor (70%) at the prices of the liquidation, well below the 80% kill factor now.
    expect(Number(leveragedAfter.debtRatioBps)).toBeLessThan(7_500);

    // The histories say it in words.
    await gotoSettled(page, `/positions/WETH-USDC/${guardedId}`, "events");
    await expect.poll(() => page.getByTestId("events").innerText(), { timeout: 30_000 }).toMatch(/Price order executed/);
    expect(await page.getByTestId("events").innerText()).toMatch(/Price order set/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "crash-stop-loss.png"), fullPage: true });
    await gotoSettled(page, `/positions/WETH-USDC/${leveragedId}`, "events");
    await expect.poll(() => page.getByTestId("events").innerText(), { timeout: 30_000 }).toMatch(/Partly liquidated/);
    expect(await page.getByTestId("events").innerText()).not.toMatch(/Liquidated in full/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "crash-partial-liquidation.png"), fullPage: true });
    await page.close();
  });
});

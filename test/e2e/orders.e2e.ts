/**
 * A farmer's protection orders and "borrow more" in a real browser against the real local stack: open a 2x position,
 * set a deleverage order (its preview shows the executor-fee cap first), see it in words on the card and the detail
 * page, cancel it, set it again; then borrow more with its preview (new debt, debt ratio, leverage) and see the
 * position's debt grow. Screenshots go to test-results/screenshots/.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { StakingRewardsVault__factory } from "../../typechain-types";
import { APP_URL, SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, testAccountKey, TRANSACTION_TIMEOUT_MS, waitForConfirmed } from "./pageHelpers";

/** Hardhat's public account #13: neither the stack's scripts nor the other browser tests sign with it. */
const FARMER_KEY = testAccountKey(13);

describe("protection orders and borrowing more in the browser", () => {
  const browser = useStackAndBrowser();
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
  afterAll(() => provider.destroy());

  it("sets, cancels and sets again a deleverage order, and borrows more with its preview", async () => {
    const deployment = readDeployment("localhost");
    const vault = StakingRewardsVault__factory.connect(deployment.farming!.vaults["WETH-USDC"].vault.address, provider);
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    await installTestWallet(page, FARMER_KEY, RPC_URL);

    // Tokens, then a 2x position from 1,000 USDC.
    await page.goto(`${APP_URL}/lend`);
    await connectTestWallet(page);
    await page.getByTestId("test-tokens-button").click();
    await waitForConfirmed(page.getByTestId("test-tokens"));
    await gotoSettled(page, "/farms/WETH-USDC", "open-position-form");
    await expect.poll(() => page.getByTestId("balance-0").innerText(), { timeout: 20_000 }).toMatch(/Wallet: [\d,.]+ [A-Z]+/);
    const usdcIndex = (await page.getByTestId("balance-0").innerText()).endsWith("USDC") ? 0 : 1;
    await page.getByTestId(`amount-${usdcIndex}`).fill("1000");
    await page.getByTestId("leverage-input").fill("2");
    await page.getByTestId("borrow-both").click();
    await expect.poll(() => page.getByTestId("preview-leverage").innerText(), { timeout: 20_000 }).toMatch(/^(1\.99|2\.0\d)x/);
    await page.getByTestId("open-submit").click();
    await waitForConfirmed(page.getByTestId("open-position-form"));
    await page.getByTestId("open-success").waitFor({ timeout: TRANSACTION_TIMEOUT_MS });
    const positionId = await vault.lastPositionId();

    // The detail page: no orders yet, the exposure per token in words.
    await gotoSettled(page, `/positions/WETH-USDC/${positionId}`, "orders-summary");
    await expect.poll(() => page.getByTestId("orders-none").count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId("exposure").innerText()).toMatch(/WETH: (Long [\d.,]+ WETH|Neutral)/);
    expect(await page.getByTestId("exposure").innerText()).toMatch(/USDC: (Long|Short) [\d.,]+ USDC|USDC: Neutral/);

    // A deleverage order: bad input refused in words, then the preview with the executor-fee cap before setting.
    await page.getByTestId("tab-orders").click();
    const form = page.getByTestId("order-deleverage-form");
    await page.getByTestId("order-deleverage-trigger").fill("95");
    await page.getByTestId("order-deleverage-target").fill("75");
    await expect.poll(() => page.getByTestId("order-deleverage-error").innerText()).toMatch(/must be below the kill factor/);
    await page.getByTestId("order-deleverage-trigger").fill("75");
    await page.getByTestId("order-deleverage-target").fill("85");
    await expect.poll(() => page.getByTestId("order-deleverage-error").innerText()).toMatch(/must be below the trigger/);
    await page.getByTestId("order-deleverage-target").fill("70");
    await page.getByTestId("order-deleverage-executorFee").fill("2");
    await expect.poll(() => page.getByTestId("order-deleverage-error").innerText()).toMatch(/above the vault's cap of 1.00%/);
    await page.getByTestId("order-deleverage-executorFee").fill("0.3");
    await expect.poll(() => page.getByTestId("order-deleverage-max-fee").innerText()).toMatch(/\$[\d,.]+ \(0\.30%; cap 1\.00%\)/);
    expect(await page.getByTestId("order-deleverage-preview-text").innerText()).toMatch(
      /^Deleverage: when the debt ratio reaches 75%, close enough to return to 70%; executor fee up to 0\.30%/,
    );
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "order-preview.png"), fullPage: true });
    await page.getByTestId("order-deleverage-submit").click();
    await waitForConfirmed(form);
    await expect.poll(() => page.getByTestId("order-deleverage-text").innerText(), { timeout: 30_000 }).toMatch(/^Deleverage: when the debt ratio reaches 75%, close enough to return to 70%/);
    expect((await vault.protectionOrders(positionId)).deleverage.triggerDebtRatioBps).toBe(7_500n);

    // Cancel it, then set it again.
    await page.getByTestId("order-deleverage-cancel").click();
    await waitForConfirmed(form);
    await expect.poll(() => page.getByTestId("orders-none").count(), { timeout: 30_000 }).toBe(1);
    expect((await vault.protectionOrders(positionId)).deleverage.triggerDebtRatioBps).toBe(0n);
    await expect.poll(() => page.getByTestId("order-deleverage-submit").isEnabled(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId("order-deleverage-submit").click();
    await waitForConfirmed(form);
    await expect.poll(() => page.getByTestId("order-deleverage-text").innerText(), { timeout: 30_000 }).toMatch(/reaches 75%, close enough to return to 70%/);
    // The history says so, and the debt-ratio chart draws the trigger.
    await expect.poll(() => page.getByTestId("events").innerText(), { timeout: 30_000 }).toMatch(/Deleverage order cancelled/);
    expect(await page.getByTestId("events").innerText()).toMatch(/Deleverage order set/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "order-set.png"), fullPage: true });

    // The card on My positions says it in words too.
    await gotoSettled(page, "/positions", "position-card");
    const card = page.getByTestId("position-card").filter({ hasText: `WETH-USDC #${positionId}` });
    await expect.poll(() => card.getByTestId("order-deleverage-text").innerText(), { timeout: 30_000 }).toMatch(/^Deleverage: when the debt ratio reaches 75%/);

    // Borrow more: 300 USDC, with its preview.
    const debtBefore = (await vault.positionView(positionId)).debtValueWad;
    await card.getByTestId("card-action-borrow").click();
    await card.getByTestId("borrow-input-USDC").fill("300");
    await expect.poll(() => card.getByTestId("borrow-new-debt").innerText(), { timeout: 20_000 }).toMatch(/^≈ \$[\d,.]+ \(now \$[\d,.]+\)/);
    expect(await card.getByTestId("borrow-preview").innerText()).toMatch(/Debt ratio after/);
    expect(await card.getByTestId("leverage-after").innerText()).toMatch(/^\d+\.\d\dx \(now \d+\.\d\dx\)/);
    expect(await card.getByTestId("borrow-submit").isEnabled()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "borrow-more-preview.png"), fullPage: true });
    await card.getByTestId("borrow-submit").click();
    await waitForConfirmed(card);
    const debtAfter = (await vault.positionView(positionId)).debtValueWad;
    expect(debtAfter - debtBefore).toBeGreaterThan(299n * 10n ** 18n);

    // Far too much is refused in words before anything is sent.
    await card.getByTestId("borrow-input-USDC").fill("50000");
    await expect
      .poll(async () => ((await card.getByTestId("borrow-refusal").count()) > 0 ? card.getByTestId("borrow-refusal").innerText() : card.getByTestId("borrow-error-USDC").innerText()), { timeout: 20_000 })
      .toMatch(/work factor|leverage|can lend only|cap|credit line/);
    expect(await card.getByTestId("borrow-submit").isDisabled()).toBe(true);
    await page.close();
  });
});

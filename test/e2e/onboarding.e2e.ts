/**
 * A newcomer's first minutes in a real browser against the real local stack: the home page says what Flux is and
 * leads to Farms, My positions and Lend; "Get test tokens" is in the header of every page (here from Farms);
 * unknown vaults and positions answer HTTP 404 with a page in words; and every page fits a 390 px phone without
 * sideways scrolling, the Farms table as one card per vault with its Open button on screen.
 *
 * Signing goes through the injected test wallet (Hardhat account #12, test/e2e/testWallet.ts), never the
 * development wallet, whose confirmation dialog these tests do not need.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { IERC20Metadata__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { APP_URL, SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, sidewaysOverflow, testAccountKey, waitForConfirmed } from "./pageHelpers";

/** Hardhat's public account #12, the test wallet's key: no script of the local stack and no other browser test signs with it. */
const NEWCOMER_KEY = testAccountKey(12);
const PHONE = { width: 390, height: 844 };

describe("onboarding in the browser", () => {
  const browser = useStackAndBrowser();
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
  afterAll(() => provider.destroy());

  it("home page says what Flux is and links to Farms, My positions and Lend", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${APP_URL}/`);
    expect(response?.status()).toBe(200);
    const text = await page.locator("main").innerText();
    expect(text).toMatch(/Lenders/);
    expect(text).toMatch(/9x more/);
    expect(text).toMatch(/10x/);
    expect(text).toMatch(/Keepers compound/);
    expect(text).toMatch(/no opening, deposit or profit fee/i);
    expect(await page.getByTestId("home-local-chain").isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "home.png"), fullPage: true });

    for (const [testId, route, heading] of [
      ["home-farms", "/farms", "Farms"],
      ["home-positions", "/positions", "My positions"],
      ["home-lend", "/lend", "Lend"],
    ]) {
      await page.goto(`${APP_URL}/`);
      await page.getByTestId(testId).click();
      await page.waitForURL(`${APP_URL}${route}`);
      await expect.poll(() => page.locator("h1").first().innerText(), { timeout: 60_000 }).toBe(heading);
    }
  });

  it("gets test tokens from the header of the Farms page", async () => {
    const deployment = readDeployment("localhost");
    const usdc = IERC20Metadata__factory.connect(deployment.tokens.USDC.address, provider);
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    const wallet = await installTestWallet(page, NEWCOMER_KEY, RPC_URL);
    await page.goto(`${APP_URL}/farms`);
    await expect.poll(() => page.locator("h1").first().innerText(), { timeout: 60_000 }).toBe("Farms");

    // Before connecting, the panel says what to do first.
    await page.getByTestId("header-test-tokens").click();
    await page.getByTestId("test-tokens-connect-first").waitFor({ timeout: 15_000 });
    await page.getByTestId("header-test-tokens").click();

    await connectTestWallet(page);
    const before = await usdc.balanceOf(wallet.address);
    await page.getByTestId("header-test-tokens").click();
    const panel = page.getByTestId("header-test-tokens-panel");
    await panel.getByTestId("test-tokens-button").click();
    await waitForConfirmed(panel.getByTestId("test-tokens"));
    expect(await usdc.balanceOf(wallet.address)).toBeGreaterThan(before);
    // Every mint and the wrap went through the injected wallet.
    expect(wallet.requests.filter((method) => method === "eth_sendTransaction").length).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "test-tokens-header.png"), fullPage: false });
  });

  it("answers 404 for an unknown vault or position, in words with links back", async () => {
    const deployment = readDeployment("localhost");
    const vault = StakingRewardsVault__factory.connect(deployment.farming!.vaults["WETH-USDC"].vault.address, provider);
    const beyondLast = (await vault.lastPositionId()) + 1000n;
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    for (const route of [
      "/farms/NOPE-USDC",
      "/farms/constructor",
      "/positions/NOPE-USDC/1",
      "/positions/WETH-USDC/0",
      "/positions/WETH-USDC/abc",
      `/positions/WETH-USDC/${beyondLast}`,
      "/no-such-page",
    ]) {
      const response = await page.goto(`${APP_URL}${route}`);
      expect(response?.status(), route).toBe(404);
      await page.getByTestId("not-found").waitFor({ timeout: 30_000 });
      expect(await page.getByTestId("not-found").innerText()).toContain("WETH-USDC");
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "not-found.png"), fullPage: true });
    await page.getByTestId("not-found-farms").click();
    await page.waitForURL(`${APP_URL}/farms`);
    // A known vault and a known position still answer 200.
    expect((await page.goto(`${APP_URL}/farms/WETH-USDC`))?.status()).toBe(200);
    if ((await vault.lastPositionId()) > 0n) expect((await page.goto(`${APP_URL}/positions/WETH-USDC/1`))?.status()).toBe(200);
  });

  it("fits every page into 390 px without sideways scrolling", async () => {
    const page = await browser().newPage({ viewport: PHONE });
    for (const [route, heading] of [
      ["/", "Flux V2: leveraged yield farming"],
      ["/farms", "Farms"],
      ["/farms/WETH-USDC", "Open a WETH-USDC position"],
      ["/positions", "My positions"],
      ["/lend", "Lend"],
      ["/farms/NOPE-USDC", "Nothing here"],
    ]) {
      await page.goto(`${APP_URL}${route}`);
      await expect.poll(() => page.locator("h1").first().innerText(), { timeout: 60_000 }).toBe(heading);
      await page.waitForLoadState("networkidle");
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, `${route} is ${scrollWidth}px wide`).toBeLessThanOrEqual(PHONE.width);
      expect(await sidewaysOverflow(page), route).toBeLessThanOrEqual(0);
      const name = route === "/" ? "home" : route.slice(1).replace(/\//g, "-");
      await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, `onboarding-${name}-phone.png`), fullPage: true });
    }

    // The Farms table is one card per vault: each Open button is inside the screen, not in a sideways scroll.
    // Settled: while Next streams the page in, its content can exist once but still hidden, with no box yet.
    await gotoSettled(page, "/farms", "open-position-WETH-USDC");
    for (const name of ["WETH-USDC", "USDC-USDT"]) {
      await page.getByTestId(`open-position-${name}`).waitFor({ state: "visible", timeout: 30_000 });
      const box = await page.getByTestId(`open-position-${name}`).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x, name).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(PHONE.width);
    }

    // The header's "Get test tokens" panel fits the phone too.
    await page.getByTestId("header-test-tokens").click();
    await page.getByTestId("header-test-tokens-panel").waitFor({ state: "visible", timeout: 15_000 });
    const panel = await page.getByTestId("header-test-tokens-panel").boundingBox();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(PHONE.width);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "onboarding-test-tokens-phone.png") });
  });
});

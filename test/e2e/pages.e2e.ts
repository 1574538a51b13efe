import path from "node:path";
import { describe, expect, it } from "vitest";
import { APP_URL, SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";

describe("the web app against the local stack", () => {
  const browser = useStackAndBrowser();

  it("shows every core pool with live numbers and its rate curve", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${APP_URL}/lend`);
    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(3);
    const table = await page.locator("table").innerText();
    for (const pool of ["fUSDC", "fUSDT", "fWETH"]) expect(table).toContain(pool);
    // The seed lenders' deposits, read from the chain, plus the interest the local market's background borrowers
    // have paid since (a few cents by the time the page loads).
    expect(table).toMatch(/2,000,0\d\d(\.\d+)? USDC/);
    expect(table).toContain("1,000 WETH");
    // One chart per pool, drawn in the browser by recharts.
    await expect.poll(() => page.locator(".recharts-wrapper").count(), { timeout: 30_000 }).toBe(3);
    // Without a wallet each pool's deposit card asks for one instead of guessing balances.
    for (const symbol of ["USDC", "USDT", "WETH"]) {
      await page.getByTestId(`lend-pool-${symbol}`).getByTestId("connect-to-deposit").waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "lend.png"), fullPage: true });
  });

  it("shows every vault with its pair and leverage limit", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 1100 } });
    await page.goto(`${APP_URL}/farms`);
    const table = page.locator("table");
    await expect.poll(async () => (await table.innerText()).includes("USDC-USDT"), { timeout: 60_000 }).toBe(true);
    const text = await table.innerText();
    expect(text).toContain("WETH-USDC");
    // The pair reads in the vault name's order, whatever the pair contract's token order (USDC is token0 here).
    expect(text).toContain("WETH / USDC");
    expect(text).not.toContain("USDC / WETH");
    expect(text).toContain("10.00x");
    expect(text).toContain("3.00x");
    // The local market has other LPs staked in both farms, so the reward rate is computed on a real stake.
    expect(await page.locator(".card").first().innerText()).toMatch(/Farm rewards\s+[\d,.]+%/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "farms.png"), fullPage: true });
  });

  it("works at phone width", async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 900 } });
    for (const [route, heading] of [
      ["/farms", "Farms"],
      ["/farms/WETH-USDC", "Open a WETH-USDC position"],
      ["/positions", "My positions"],
      ["/lend", "Lend"],
    ]) {
      await page.goto(`${APP_URL}${route}`);
      await expect.poll(async () => page.locator("h1").first().innerText(), { timeout: 60_000 }).toBe(heading);
      // Nothing overflows the page sideways: wide tables scroll inside their own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${route} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      // Let the page's first reads land, so the screenshot shows figures rather than loading states.
      await page.waitForLoadState("networkidle");
      const name = route.slice(1).replace(/\//g, "-");
      await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, `${name}-phone.png`), fullPage: true });
    }
  });
});

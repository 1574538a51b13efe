/** Steps the browser tests share: test keys, connecting the test wallet, settled pages and confirmed transactions. */
import { expect } from "vitest";
import { HDNodeWallet, Mnemonic } from "ethers";
import type { Page } from "playwright-core";
import { APP_URL } from "./stack";
import { TEST_WALLET_NAME } from "./testWallet";

export const RPC_URL = "http://127.0.0.1:8545";
export const TRANSACTION_TIMEOUT_MS = 60_000;

/** The private key of Hardhat's public test account `index` (the well-known "test ... junk" mnemonic). */
export function testAccountKey(index: number): string {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase("test test test test test test test test test test test junk"), `m/44'/60'/0'/0/${index}`).privateKey;
}

/** How far the page is wider than the window: 0 or less when nothing scrolls sideways. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

export async function connectTestWallet(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("menuitem", { name: new RegExp(TEST_WALLET_NAME) }).click();
  await page.getByTestId("connected-account").waitFor({ timeout: 15_000 });
}

/**
 * Opens a page and waits until `testId` is there once and visible. While Next streams a page behind its loading
 * state, the content briefly exists twice (a hidden copy being swapped in), which strict locators refuse.
 */
export async function gotoSettled(page: Page, route: string, testId: string): Promise<void> {
  await page.goto(`${APP_URL}${route}`);
  await expect.poll(async () => (await page.getByTestId(testId).count()) === 1 && (await page.getByTestId(testId).isVisible()), { timeout: 30_000 }).toBe(true);
}

/** Waits until every step of the transaction list inside `scope` is confirmed or not needed, failing fast on a failure. */
export async function waitForConfirmed(scope: ReturnType<Page["locator"]>): Promise<void> {
  await expect
    .poll(
      async () => {
        const statuses = await scope.locator("li[data-status]").evaluateAll((items) => items.map((item) => item.getAttribute("data-status")));
        if (statuses.includes("failed")) throw new Error(`a transaction failed: ${await scope.innerText()}`);
        return statuses.length > 0 && statuses.every((status) => status === "confirmed" || status === "skipped");
      },
      { timeout: TRANSACTION_TIMEOUT_MS, interval: 250 },
    )
    .toBe(true);
}


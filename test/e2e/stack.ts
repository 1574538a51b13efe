/**
 * Debian's chromium through playwright-core for the browser tests (no browser download: see DEVELOPERS.md). The
 * local stack they drive is started once for the whole run by test/e2e/globalStack.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export { APP_URL } from "./localStack";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIRECTORY = path.join(process.cwd(), "test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * Registers a suite's browser: launched before its tests, closed after them. Returns a getter for it (it exists
 * once the setup has run). The stack is already up: test/e2e/globalStack.ts started it before the first file.
 */
export function useStackAndBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is not running: useStackAndBrowser's setup has not run");
    return browser;
  };
}

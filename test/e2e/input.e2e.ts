/**
 * Input that must never silently change money, in a real browser against the real local stack: a decimal comma on
 * Lend deposits exactly what it says (and the ambiguous "1,500" is refused), a 60-digit amount is refused without
 * widening a phone's page, and a slippage tolerance of 0% is refused.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { IERC20Metadata__factory } from "../../typechain-types";
import { SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, sidewaysOverflow, testAccountKey, waitForConfirmed } from "./pageHelpers";

/** Hardhat's public account #9: no script of the local stack and no other browser test signs with it. */
const LENDER_KEY = testAccountKey(9);

describe("safe input in the browser", () => {
  const browser = useStackAndBrowser();
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
  afterAll(() => provider.destroy());

  it('deposits exactly 1.5 USDC for "1,5" on Lend, and refuses the ambiguous "1,500" with its two readings', async () => {
    const deployment = readDeployment("localhost");
    const usdc = IERC20Metadata__factory.connect(deployment.tokens.USDC.address, provider);
    const fUsdc = IERC20Metadata__factory.connect(deployment.pools.USDC.pool.address, provider);
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    const wallet = await installTestWallet(page, LENDER_KEY, RPC_URL);
    await gotoSettled(page, "/lend", "lend-pool-USDC");
    await connectTestWallet(page);
    await page.getByTestId("test-tokens-button").click();
    await waitForConfirmed(page.getByTestId("test-tokens"));

    const card = page.getByTestId("lend-pool-USDC");
    const field = card.getByTestId("deposit-amount");
    const usdcBefore = await usdc.balanceOf(wallet.address);
    expect(usdcBefore).toBeGreaterThan(1_500_000n);

    // "1,500" could be fifteen hundred or one and a half: refused, nothing sent.
    await field.fill("1,500");
    await card.getByTestId("deposit-submit").click();
    await expect
      .poll(() => card.getByTestId("deposit-error").innerText(), { timeout: 10_000 })
      .toBe('"1,500" could mean 1500 or 1.5: write 1500, or use a dot for decimals (1.5).');
    expect(await usdc.balanceOf(wallet.address)).toBe(usdcBefore);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "lend-ambiguous-comma.png"), fullPage: true });

    // "1,5" can only be one and a half: exactly 1,500,000 base units leave the wallet, not 15 USDC.
    await field.fill("1,5");
    await card.getByTestId("deposit-submit").click();
    await waitForConfirmed(card.getByTestId("deposit-form"));
    expect(await usdc.balanceOf(wallet.address)).toBe(usdcBefore - 1_500_000n);
    expect(await fUsdc.balanceOf(wallet.address)).toBeGreaterThan(0n);
    await expect.poll(() => card.getByTestId("supplied").getAttribute("data-base-units"), { timeout: 20_000 }).toMatch(/^14\d{5}$|^1500000$/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "lend-decimal-comma.png"), fullPage: true });
    await page.close();
  });

  it("refuses a 60-digit amount in words and keeps a 390 px page from scrolling sideways", async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 900 } });
    // The open form previews without a wallet, so the refusal is what stands between the digits and the figures.
    await gotoSettled(page, "/farms/WETH-USDC", "open-position-form");
    await page.getByTestId("amount-0").fill("9".repeat(60));
    await expect
      .poll(() => page.getByTestId("amount-0-error").innerText(), { timeout: 10_000 })
      .toMatch(/^That is more [A-Z]+ than can ever exist; check the amount\.$/);
    // No preview from a refused amount: no 70-digit dollar figures.
    await page.getByTestId("preview-empty").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("open-preview").innerText()).not.toMatch(/\d{16}/);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "huge-amount-phone.png"), fullPage: true });

    // Sixty digits after the point, and a long pasted non-number: refused, the message shortened, the page as wide.
    await page.getByTestId("amount-0").fill(`0.${"0".repeat(59)}1`);
    await expect.poll(() => page.getByTestId("amount-0-error").innerText(), { timeout: 10_000 }).toMatch(/has \d+ decimals; use at most \d+ digits after the point\.$/);
    await page.getByTestId("amount-0").fill(`${"1".repeat(60)}abc`);
    await expect.poll(() => page.getByTestId("amount-0-error").innerText(), { timeout: 10_000 }).toBe(`"${"1".repeat(23)}…" is not a number.`);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("refuses a custom slippage tolerance of 0% and above 50%, and takes one in between", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    await gotoSettled(page, "/farms/WETH-USDC", "open-position-form");
    await page.getByTestId("amount-0").fill("1000");
    await page.getByTestId("slippage-custom").check();
    const custom = page.getByTestId("slippage-custom-input");

    await custom.fill("0");
    await expect
      .poll(() => page.getByTestId("slippage-error").innerText(), { timeout: 10_000 })
      .toBe("A tolerance of 0% fails on any price move before the transaction is mined; enter at least 0.01%.");
    expect(await custom.getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "slippage-zero.png"), fullPage: true });

    await custom.fill("50.01");
    await expect.poll(() => page.getByTestId("slippage-error").innerText(), { timeout: 10_000 }).toBe("A tolerance above 50% protects nothing; enter 50 or less.");

    await custom.fill("0.3");
    await expect.poll(() => page.getByTestId("slippage-error").count(), { timeout: 10_000 }).toBe(0);
    await page.getByTestId("preview-figures").waitFor({ timeout: 20_000 });
    await page.close();
  });
});

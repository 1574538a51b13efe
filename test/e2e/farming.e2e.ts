/**
 * A farmer's whole journey in a real browser against the real local stack, signing through an injected EIP-1193
 * wallet: connect, get test tokens, open a 3x position, see it listed with its debt ratio, add collateral, look at
 * its charts, close it into one token and see the balance come back. Then a lender's deposit and withdrawal, and the
 * wrong-chain banner.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider, Wallet } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { formatTokenReadable } from "../../lib/format";
import { withGasHeadroom } from "../../lib/transactionPolicy";
import { IERC20Metadata__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { APP_URL, SCREENSHOT_DIRECTORY, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, testAccountKey, TRANSACTION_TIMEOUT_MS, waitForConfirmed } from "./pageHelpers";

/** Hardhat's public account #7: no script of the local stack signs with it. */
const FARMER_KEY = testAccountKey(7);
/** Hardhat's public account #8 stands in for a keeper; the stack's own keeper (#5) may harvest too. */
const KEEPER_KEY = testAccountKey(8);

describe("a farmer and a lender in the browser", () => {
  const browser = useStackAndBrowser();
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
  afterAll(() => provider.destroy());

  it("connects, opens a 3x position, adds collateral, closes it and gets the balance back", async () => {
    const deployment = readDeployment("localhost");
    const usdc = IERC20Metadata__factory.connect(deployment.tokens.USDC.address, provider);
    const vaultAddress = deployment.farming!.vaults["WETH-USDC"].vault.address;
    const vault = StakingRewardsVault__factory.connect(vaultAddress, provider);

    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    const wallet = await installTestWallet(page, FARMER_KEY, RPC_URL);

    // Connect and fill the wallet from the local faucets, all from the page.
    await page.goto(`${APP_URL}/lend`);
    await connectTestWallet(page);
    expect(await page.getByTestId("connected-account").innerText()).toBe(`${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`);
    await page.getByTestId("test-tokens-button").click();
    await waitForConfirmed(page.getByTestId("test-tokens"));
    const usdcBefore = await usdc.balanceOf(wallet.address);
    expect(usdcBefore).toBeGreaterThanOrEqual(10_000_000_000n);

    // The open form: USDC only, 3x, borrowing both tokens.
    await gotoSettled(page, "/farms/WETH-USDC", "open-position-form");
    await expect.poll(() => page.getByTestId("balance-0").innerText(), { timeout: 20_000 }).toMatch(/Wallet: [\d,.]+ [A-Z]+/);
    const usdcIndex = (await page.getByTestId("balance-0").innerText()).endsWith("USDC") ? 0 : 1;
    expect(await page.getByTestId(`balance-${usdcIndex}`).innerText()).toMatch(/Wallet: [\d,.]+ USDC/);
    const amountField = page.getByTestId(`amount-${usdcIndex}`);
    await amountField.fill("12abc");
    await expect.poll(() => page.getByTestId(`amount-${usdcIndex}-error`).innerText()).toBe('"12abc" is not a number.');
    await amountField.fill("99999999");
    await expect.poll(() => page.getByTestId(`amount-${usdcIndex}-error`).innerText()).toMatch(/^More than your wallet holds/);
    expect(await page.getByTestId("open-submit").isDisabled()).toBe(true);
    await amountField.fill("1000");
    await page.getByTestId("leverage-input").fill("3");
    await page.getByTestId("borrow-both").click();
    const preview = page.getByTestId("open-preview");
    await expect.poll(() => page.getByTestId("preview-leverage").innerText(), { timeout: 20_000 }).toMatch(/^(2\.99|3\.0\d)x/);
    // 3x from $1,000 of equity: about $3,000 of position and $2,000 of debt, a debt ratio near 2/3.
    const previewRatio = Number((await page.getByTestId("preview-debt-ratio").innerText()).match(/([\d.]+)%/)![1]);
    expect(previewRatio).toBeGreaterThan(66);
    expect(previewRatio).toBeLessThan(67.5);
    expect(await preview.innerText()).toMatch(/Liquidation/i);
    // At the vault's 3x limit the 0.5% slippage tolerance is kept as room for prices to move before mining.
    expect(await page.getByTestId("leverage-headroom").innerText()).toMatch(/^At the vault's limit the form borrows a little less than 3\.00x/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "open-form.png"), fullPage: true });

    // A rejected signature leaves the form as it was and says why.
    const lastIdBefore = await vault.lastPositionId();
    wallet.rejectNextSignature();
    await page.getByTestId("open-submit").click();
    const rejection = "You rejected the request in your wallet; nothing was sent.";
    await expect.poll(() => page.getByRole("alert").allInnerTexts(), { timeout: 20_000 }).toContain(rejection);
    expect(await amountField.inputValue()).toBe("1000");
    expect(await vault.lastPositionId()).toBe(lastIdBefore);

    await page.getByTestId("open-submit").click();
    // The new attempt clears the old reason before its own steps run.
    await expect.poll(() => page.getByRole("alert").allInnerTexts(), { timeout: 20_000 }).not.toContain(rejection);
    await waitForConfirmed(page.getByTestId("open-position-form"));
    await page.getByTestId("open-success").waitFor({ timeout: TRANSACTION_TIMEOUT_MS });
    const positionId = await vault.lastPositionId();
    expect(positionId).toBe(lastIdBefore + 1n);
    // Ids count per vault, so the name says which vault.
    expect(await page.getByTestId("open-success").innerText()).toContain(`WETH-USDC #${positionId} opened`);
    const opened = await vault.positionView(positionId);
    expect(opened.owner).toBe(wallet.address);
    expect(Number(opened.debtRatioBps)).toBeGreaterThan(6_550);
    expect(Number(opened.debtRatioBps)).toBeLessThan(6_750);
    const usdcAfterOpen = await usdc.balanceOf(wallet.address);
    expect(usdcBefore - usdcAfterOpen).toBe(1_000_000_000n);

    // My positions lists it with its debt ratio.
    await page.goto(`${APP_URL}/positions`);
    const card = page.getByTestId("position-card").filter({ hasText: `#${positionId}` }).filter({ hasText: "WETH-USDC" });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toMatch(/Debt ratio[\s\S]*6\d\.\d\d%/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "positions.png"), fullPage: true });
    // The same card on a phone: nothing runs off the side.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "positions-connected-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 1000 });

    // Add 100 USDC of collateral: the debt stays, the value grows, so the debt ratio falls.
    await card.getByRole("button", { name: "Add collateral" }).click();
    await card.getByLabel("USDC to add").fill("100");
    await card.locator("form").getByRole("button", { name: /Add collateral/ }).click();
    await waitForConfirmed(card);
    const increased = await vault.positionView(positionId);
    // The LP it added is worth the 100 USDC less the zap's swap fee, at the prices of now (the market moves the
    // rest of the position's value meanwhile, so compare the added LP, not the whole value).
    const addedLp = increased.lpAmount - opened.lpAmount;
    const addedValue = Number((increased.valueWad * addedLp) / increased.lpAmount) / 1e18;
    expect(addedValue).toBeGreaterThan(98.5);
    expect(addedValue).toBeLessThan(100.5);
    expect(increased.debtRatioBps).toBeLessThan(opened.debtRatioBps);
    expect(await usdc.balanceOf(wallet.address)).toBe(usdcAfterOpen - 100_000_000n);

    // A keeper harvests: the farm's FLUX is sold and compounded into every position, this one included.
    const keeper = new Wallet(KEEPER_KEY, provider);
    // With the headroom every sender uses (lib/transactionPolicy): mined a second after its estimate, the harvest
    // claims a second more of rewards than it was estimated with.
    // A harvest sells only while the reward pair's spot is within its walk bound of the feeds (issue 18): the
    // market simulator walks FLUX, so like a keeper it waits for a block in which the sale fits (at most 2 minutes).
    const harvestWhenSellable = async (deadline: number): Promise<Awaited<ReturnType<Awaited<ReturnType<typeof vault.harvest>>["wait"]>>> => {
      try {
        const gasLimit = withGasHeadroom(await vault.connect(keeper).harvest.estimateGas(0n));
        return await (await vault.connect(keeper).harvest(0n, { gasLimit })).wait();
      } catch (error) {
        const data = (error as { data?: string }).data;
        const refusal = data ? vault.interface.parseError(data) : null;
        if (refusal?.name !== "HarvestNothingSellable" || Date.now() > deadline) throw error;
        console.log(`      harvest waits: ${refusal.name}(${refusal.args.join(", ")})`);
        await new Promise((resume) => setTimeout(resume, 3_000));
        return harvestWhenSellable(deadline);
      }
    };
    const harvest = await harvestWhenSellable(Date.now() + 120_000);
    const harvested = harvest!.logs.map((log) => vault.interface.parseLog(log)).find((parsed) => parsed?.name === "Harvested");
    expect(harvested!.args.lpAdded).toBeGreaterThan(0n);
    expect((await vault.positionView(positionId)).lpAmount).toBeGreaterThan(increased.lpAmount);

    // The position's page: its four charts, drawn from the chain's history, and the harvest it just got.
    await page.goto(`${APP_URL}/positions/WETH-USDC/${positionId}`);
    for (const chart of ["chart-equity", "chart-ratio", "chart-price", "chart-harvests"]) {
      await page.getByTestId(chart).waitFor({ timeout: 30_000 });
    }
    await expect.poll(() => page.locator(".recharts-wrapper").count(), { timeout: 30_000 }).toBe(4);
    const harvestRows = await page.locator("table").filter({ hasText: "FLUX" }).locator("tbody tr").allInnerTexts();
    expect(harvestRows.some((row) => row.includes(`${formatTokenReadable(harvested!.args.rewardSold as bigint, 18)} FLUX`))).toBe(true);
    // No amount in scientific notation (a stable pair's LP once read 1.424e-12).
    expect(harvestRows.join("\n")).not.toMatch(/\de[-+]\d/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIRECTORY, "position-charts.png"), fullPage: true });

    // Close it all into USDC: the 1,100 USDC come back, less the pair's fees and whatever WETH did meanwhile.
    await page.goto(`${APP_URL}/positions`);
    await card.waitFor({ timeout: 30_000 });
    await card.getByRole("button", { name: "Close", exact: true }).click();
    await card.getByRole("button", { name: "Close all" }).click();
    await card.getByLabel("Only USDC").check();
    await card.locator("form").getByRole("button", { name: /Close position/ }).click();
    // A full close takes the card and its form away; the confirmation stays at the top of the page.
    const closedNotice = page.getByRole("status").filter({ hasText: `WETH-USDC #${positionId} is closed` });
    await expect
      .poll(
        async () => {
          const failed = card.locator('li[data-status="failed"]');
          if ((await failed.count()) > 0) throw new Error(`closing failed: ${await card.innerText()}`);
          return closedNotice.isVisible();
        },
        { timeout: TRANSACTION_TIMEOUT_MS, interval: 250 },
      )
      .toBe(true);
    const closed = await vault.positionView(positionId);
    expect(closed.lpAmount).toBe(0n);
    expect(closed.debtValueWad).toBe(0n);
    const returned = (await usdc.balanceOf(wallet.address)) - (usdcAfterOpen - 100_000_000n);
    expect(returned).toBeGreaterThan(1_067_000_000n); // > 97% of the 1,100 USDC put in
    expect(returned).toBeLessThan(1_133_000_000n);
    // The page drops it from the open positions, and the wallet shows the balance back.
    await expect.poll(() => page.getByTestId("position-card").filter({ hasText: `#${positionId}` }).filter({ hasText: "WETH-USDC" }).count(), { timeout: 30_000 }).toBe(0);
    await gotoSettled(page, "/farms/WETH-USDC", "open-position-form");
    const finalBalance = await usdc.balanceOf(wallet.address);
    const shown = Number((finalBalance / 10_000n).toString()) / 100; // to the cent, as the form shows it
    await expect
      .poll(async () => Number((await page.getByTestId(`balance-${usdcIndex}`).innerText()).replace(/[^\d.]/g, "")), { timeout: 20_000 })
      .toBeCloseTo(shown, 1);
  });

  it("lets a lender deposit and withdraw everything", async () => {
    const deployment = readDeployment("localhost");
    const fUsdc = IERC20Metadata__factory.connect(deployment.pools.USDC.pool.address, provider);
    const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
    const wallet = await installTestWallet(page, FARMER_KEY, RPC_URL);
    await page.goto(`${APP_URL}/lend`);
    await connectTestWallet(page);
    const card = page.getByTestId("lend-pool-USDC");
    await card.getByTestId("deposit-amount").fill("500");
    await card.getByTestId("deposit-form").getByRole("button", { name: /Deposit/ }).click();
    await waitForConfirmed(card.getByTestId("deposit-form"));
    expect(await fUsdc.balanceOf(wallet.address)).toBeGreaterThan(0n);
    await expect.poll(() => card.getByTestId("supplied").getAttribute("data-base-units"), { timeout: 20_000 }).toMatch(/^49\d{7}$|^500000000$/);

    await card.getByTestId("withdraw-tab").click();
    await card.getByTestId("withdraw-max").click();
    await card.getByTestId("withdraw-form").getByRole("button", { name: /Withdraw/ }).click();
    await waitForConfirmed(card.getByTestId("withdraw-form"));
    expect(await fUsdc.balanceOf(wallet.address)).toBe(0n);
    await expect.poll(() => card.getByTestId("supplied").getAttribute("data-base-units"), { timeout: 20_000 }).toBe("0");
  });

  it("shows a wrong-chain banner and switches the wallet to the deployment's chain, adding it when the wallet lacks it", async () => {
    for (const chainUnknown of [false, true]) {
      const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
      const wallet = await installTestWallet(page, FARMER_KEY, RPC_URL, { startOnChainId: 1, chainUnknown });
      await page.goto(`${APP_URL}/farms`);
      await connectTestWallet(page);
      const banner = page.getByRole("alert").filter({ hasText: "Your wallet is on chain 1" });
      await banner.waitFor({ timeout: 15_000 });
      expect(await banner.innerText()).toContain("Flux here runs on the local chain (31337)");
      await banner.getByRole("button", { name: /Switch to/ }).click();
      await banner.waitFor({ state: "detached", timeout: 15_000 });
      if (chainUnknown) {
        expect(wallet.addedChains).toEqual([
          expect.objectContaining({ chainId: "0x7a69", rpcUrls: ["http://127.0.0.1:8545"], nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 } }),
        ]);
      } else {
        expect(wallet.addedChains).toEqual([]);
      }
      await page.close();
    }
  });
});

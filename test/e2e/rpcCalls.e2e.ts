/**
 * How many JSON-RPC calls the app makes through its relay (/api/rpc): for the first load of Farms, My positions with
 * three positions and a position's detail page, and then for each new block the page refreshes on. Counted in the
 * browser, every call of a batch counted once. The figures go to test-results/rpc-calls.json; the bounds below are
 * what the lens makes possible (each vault's state in one call per block), so a page that starts reading contract by
 * contract again fails here.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonRpcProvider, MaxUint256, NonceManager, Wallet } from "ethers";
import type { Page } from "playwright-core";
import { readDeployment } from "../../lib/deployments";
import { readVaults } from "../../app/farms/vaults";
import { withGasHeadroom } from "../../lib/transactionPolicy";
import { FaucetToken__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { APP_URL, useStackAndBrowser } from "./stack";
import { installTestWallet } from "./testWallet";
import { connectTestWallet, gotoSettled, RPC_URL, testAccountKey } from "./pageHelpers";

/** Hardhat's public account #14: neither the stack's scripts nor the other browser tests sign with it. */
const FARMER_KEY = testAccountKey(14);
const USDC = 10n ** 6n;
/** After the page's content is there, how long to let its first reads finish. */
const SETTLE_MS = 4_000;
/** How long each page is watched for its per-block reads (the app polls the block number every 4 s). */
const WATCH_MS = 12_000;

interface PageCalls {
  page: string;
  load: number;
  loadByMethod: Record<string, number>;
  blocksSeen: number;
  perBlock: number;
}

/** Counts every JSON-RPC call the page sends to the relay, by method, from the moment it is installed. */
function countCalls(page: Page) {
  const byMethod: Record<string, number> = {};
  let total = 0;
  page.on("request", (request) => {
    if (!request.url().includes("/api/rpc") || request.method() !== "POST") return;
    const body = request.postDataJSON() as { method: string } | Array<{ method: string }>;
    for (const call of Array.isArray(body) ? body : [body]) {
      byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
      total += 1;
    }
  });
  return {
    total: () => total,
    snapshot: () => ({ ...byMethod }),
  };
}

/**
 * A relay between the Farms page's server-side reader and the node that counts the JSON-RPC calls passing through:
 * the Farms page renders on the server (app/farms/page.tsx), so its reads never cross the browser's relay.
 */
async function countingProxy(target: string): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const parsed = JSON.parse(body) as unknown;
      calls += Array.isArray(parsed) ? parsed.length : 1;
      const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("JSON-RPC calls per page", () => {
  const browser = useStackAndBrowser();
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1 });
  afterAll(() => provider.destroy());

  it("reads Farms, My positions (three positions) and a position's page in a bounded number of calls per block", async () => {
    const deployment = readDeployment("localhost");
    const setup = deployment.farming!.vaults["USDC-USDT"];
    const farmer = new NonceManager(new Wallet(FARMER_KEY, provider));
    const vault = StakingRewardsVault__factory.connect(setup.vault.address, farmer);
    const usdc = FaucetToken__factory.connect(deployment.tokens.USDC.address, farmer);
    const usdcIsToken0 = (await vault.token0()).toLowerCase() === deployment.tokens.USDC.address.toLowerCase();
    await (await usdc.faucet(3_000n * USDC)).wait();
    await (await usdc.approve(setup.vault.address, MaxUint256)).wait();
    for (let index = 0; index < 3; index++) {
      const amount = 1_000n * USDC;
      const request = {
        amount0: usdcIsToken0 ? amount : 0n,
        amount1: usdcIsToken0 ? 0n : amount,
        borrow0: usdcIsToken0 ? amount * BigInt(index + 1) : 0n,
        borrow1: usdcIsToken0 ? 0n : amount * BigInt(index + 1),
        minLp: 0n,
        minShares: 0n,
        deadline: BigInt((await provider.getBlock("latest"))!.timestamp + 3_600),
      };
      await (await vault.open(request, { gasLimit: withGasHeadroom(await vault.open.estimateGas(request)) })).wait();
    }
    const lastId = await vault.lastPositionId();

    const results: PageCalls[] = [];
    const measure = async (name: string, route: string, readyTestId: string, connect: boolean) => {
      const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
      await installTestWallet(page, FARMER_KEY, RPC_URL);
      if (connect) {
        // Connect once on another page, so the measured load is a returning farmer's (the wallet reconnects quietly).
        await gotoSettled(page, "/lend", "lend-pool-USDC");
        await connectTestWallet(page);
      }
      const calls = countCalls(page);
      await page.goto(`${APP_URL}${route}`);
      await page.getByTestId(readyTestId).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(SETTLE_MS);
      const load = calls.total();
      const loadByMethod = calls.snapshot();
      const blockBefore = await provider.getBlockNumber();
      await page.waitForTimeout(WATCH_MS);
      const blocksSeen = Math.max(1, (await provider.getBlockNumber()) - blockBefore);
      const watched = calls.total() - load;
      // The app reads at most once per poll (every 4 s) however many blocks were mined: per refresh is the fair unit.
      const refreshes = Math.min(blocksSeen, Math.floor(WATCH_MS / 4_000));
      results.push({ page: name, load, loadByMethod, blocksSeen, perBlock: Math.round((watched / Math.max(1, refreshes)) * 10) / 10 });
      await page.close();
    };
    await measure("Farms", "/farms", "trading-fee-footnote", false);
    // The Farms page's own reads, on the server, per render: every vault's state through the lens in one call, plus
    // the chain history its yield windows need.
    const proxy = await countingProxy(RPC_URL);
    const vaults = await readVaults("localhost", proxy.url);
    const farmsServerCalls = proxy.calls();
    await proxy.close();
    expect(vaults.map((overview) => overview.name).sort()).toEqual(["USDC-USDT", "WETH-USDC"]);
    await measure("My positions (3 positions)", "/positions", "position-card", true);
    await measure("Position detail", `/positions/USDC-USDT/${lastId}`, "events", true);

    fs.mkdirSync(path.join(process.cwd(), "test-results"), { recursive: true });
    fs.writeFileSync(path.join(process.cwd(), "test-results", "rpc-calls.json"), JSON.stringify({ farmsServerCallsPerRender: farmsServerCalls, pages: results }, null, 2));
    console.log(`Farms (server render, ${vaults.length} vaults): ${farmsServerCalls} calls`);
    console.log(results.map((result) => `${result.page}: ${result.load} calls to load, ${result.perBlock} per refresh (${result.blocksSeen} blocks watched)`).join("\n"));

    const byPage = Object.fromEntries(results.map((result) => [result.page, result]));
    // The lens answers each vault's state in one call; what remains per refresh is the block number, the wallet's
    // balances and the lens calls themselves, never a read per contract.
    expect(byPage["Farms"].perBlock).toBeLessThanOrEqual(2);
    // 36 on a fresh local chain with two vaults; the yield windows' block search grows with the log of the chain's length.
    expect(farmsServerCalls).toBeLessThanOrEqual(60);
    expect(byPage["My positions (3 positions)"].perBlock).toBeLessThanOrEqual(15);
    expect(byPage["Position detail"].perBlock).toBeLessThanOrEqual(25);
    for (const result of results) expect(result.load).toBeGreaterThan(0);
  });
});

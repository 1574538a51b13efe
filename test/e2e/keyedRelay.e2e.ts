/**
 * Issue 17, findings 1-3 and 9 (app and relay): the app served by scripts/serve.ts with a keyed node URL
 * (user:pass@, a path key and a query key) in front of the stack's chain, driven as a visitor and as an attacker.
 *   - Every page (the 404 and the chain-error pages too), every script and response the browser loads, carries no
 *     part of the URL, and the server's log shows it as scheme://host:port only.
 *   - The relay holds against a hostile client on 127.0.0.1: rotating X-Forwarded-For, a 256 MiB chunked body,
 *     multi-byte characters, slow bodies, refusals that would grow with the request, a payment to 0x...dEaD.
 * The app is a second `next dev` beside the stack's (its own build folder, FLUX_NEXT_DIST_DIR), on port 3160; the
 * keyed node is a stand-in on 3161 that checks the credentials and keys and forwards to the stack's chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonRpcProvider, parseEther, Wallet } from "ethers";
import { readDeployment } from "../../lib/deployments";
import { StakingRewardsVault__factory } from "../../typechain-types";
import { BODY_TIMEOUT_MS, MAX_BATCH_SIZE, MAX_BODY_BYTES, RATE_LIMIT_BURST_CALLS } from "../../app/api/rpc/relayPolicy";
import { RPC_URL as STACK_RPC_URL, testAccountKey } from "./pageHelpers";
import { launchBrowser } from "./stack";

/** The stack's chain (FLUX_E2E_NODE_URL: a chain on another port, for a run beside someone else's stack). */
const RPC_URL = process.env.FLUX_E2E_NODE_URL ?? STACK_RPC_URL;
const APP_PORT = 3160;
const NODE_PORT = 3161;
const APP = `http://127.0.0.1:${APP_PORT}`;
// Distinct values, so a library's own words ("apiKey", "projectSecret" in ethers' bundle) cannot pass for a leak.
const USER = "opuser";
const PASSWORD = "pa55-8f3e1d";
const PATH_KEY = "key-123c9e";
const QUERY_KEY = "qv-456a7b";
const KEYED_URL = `http://${USER}:${PASSWORD}@127.0.0.1:${NODE_PORT}/${PATH_KEY}?apikey=${QUERY_KEY}`;
/** No part of the keyed URL may reach the browser, its host and port included; a log line may show scheme://host:port. */
const LOG_SECRETS = [USER, PASSWORD, PATH_KEY, QUERY_KEY, "apikey="];
const BROWSER_SECRETS = [...LOG_SECRETS, `127.0.0.1:${NODE_PORT}`];
/** Hardhat's public test account #19 (DEVELOPERS.md, "Browser tests"): the attacker's payment to 0x...dEaD. */
const ATTACKER_KEY = testAccountKey(19);
const DEAD = "0x000000000000000000000000000000000000dEaD";
const ROOT = process.cwd();
/**
 * FLUX_E2E_RELAY_BUILT=1 serves a production build instead (`FLUX_NEXT_DIST_DIR=.next-relay npx next build` first):
 * the README's production command, exactly.
 */
const BUILT = process.env.FLUX_E2E_RELAY_BUILT === "1";
const NEXT_ENV = path.join(ROOT, "next-env.d.ts");

/** The keyed node: answers only with the right credentials, path and query, forwarding to the stack's chain. */
let nodeFailing = false;
let nodeRequests = 0;
let refusedCredentials = 0;
const node = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", async () => {
    nodeRequests++;
    if (request.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` || request.url !== `/${PATH_KEY}?apikey=${QUERY_KEY}`) {
      refusedCredentials++;
      response.writeHead(401).end("unauthorized");
      return;
    }
    if (nodeFailing) {
      // A provider's error page that quotes the key, as real ones do.
      response.writeHead(502, { "content-type": "text/plain" }).end(`bad gateway for key ${PATH_KEY} (${KEYED_URL})`);
      return;
    }
    const upstream = await fetch(RPC_URL, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
    response.writeHead(upstream.status, { "content-type": "application/json" }).end(Buffer.from(await upstream.arrayBuffer()));
  });
});

let app: ChildProcess;
let appLog = "";
let nextEnvBefore: string | null = null;

beforeAll(async () => {
  nextEnvBefore = fs.existsSync(NEXT_ENV) ? fs.readFileSync(NEXT_ENV, "utf8") : null;
  await new Promise<void>((resolve) => node.listen(NODE_PORT, "127.0.0.1", resolve));
  const mode = BUILT ? [] : ["--dev"];
  app = spawn(process.execPath, [path.join(ROOT, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "scripts/serve.ts", ...mode, "--port", String(APP_PORT)], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_IGNORE_INCORRECT_LOCKFILE: "1",
      FLUX_NEXT_DIST_DIR: ".next-relay",
      FLUX_NETWORK: "localhost",
      FLUX_RPC_URL: KEYED_URL,
      FLUX_WALLET_RPC_URL: "",
    },
  });
  app.stdout!.on("data", (chunk: Buffer) => (appLog += chunk.toString()));
  app.stderr!.on("data", (chunk: Buffer) => (appLog += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!appLog.includes(`[serve] ${BUILT ? "next start" : "next dev"} for localhost at ${APP}`)) {
    if (app.exitCode !== null) throw new Error(`scripts/serve.ts exited ${app.exitCode}:\n${appLog}`);
    if (Date.now() > deadline) throw new Error(`scripts/serve.ts not listening after 120 s:\n${appLog}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 150_000);

afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app.once("exit", resolve));
    process.kill(-app.pid!, "SIGTERM");
    const kill = setTimeout(() => process.kill(-app.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(kill);
  }
  await new Promise<void>((resolve) => node.close(() => resolve()));
  // next dev rewrote next-env.d.ts to point at its own build folder; give the stack's back.
  if (nextEnvBefore === null) fs.rmSync(NEXT_ENV, { force: true });
  else fs.writeFileSync(NEXT_ENV, nextEnvBefore);
});

/** The client's socket address: each attack comes from its own, so it spends only its own rate-limit bucket. */
function post(body: string | Buffer, options: { localAddress: string; headers?: Record<string, string> }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: APP_PORT, path: "/api/rpc", method: "POST", localAddress: options.localAddress, headers: { "content-type": "application/json", ...options.headers } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const call = (id: number, method: string, params: unknown[] = []) => ({ jsonrpc: "2.0", id, method, params });

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

describe("a keyed FLUX_RPC_URL never reaches a browser or a log line", () => {
  it("no page, script or response the browser loads carries any part of it, chain-error pages included", async () => {
    const deployment = readDeployment("localhost");
    const [vaultName, vault] = Object.entries(deployment.farming!.vaults)[0];
    const last = await StakingRewardsVault__factory.connect(vault.vault.address, new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true })).lastPositionId();
    const routes = ["/", "/farms", `/farms/${vaultName}`, "/positions", `/positions/${vaultName}/${last > 0n ? last : 1n}`, "/lend", "/no-such-page", "/farms/NO-SUCH-VAULT"];
    const browser = await launchBrowser();
    const seen: { url: string; bytes: number }[] = [];
    const leaks: string[] = [];
    try {
      const visit = async (route: string) => {
        const page = await browser.newPage();
        const bodies: Promise<void>[] = [];
        page.on("response", (response) => {
          bodies.push(
            response
              .body()
              .then((body) => {
                const text = body.toString("utf8");
                seen.push({ url: response.url(), bytes: body.length });
                for (const secret of BROWSER_SECRETS) if (text.includes(secret)) leaks.push(`${route}: ${response.url()} contains ${secret}`);
              })
              .catch(() => undefined), // a redirect or an aborted stream has no body
          );
        });
        const response = await page.goto(`${APP}${route}`, { timeout: 180_000 });
        await page.waitForLoadState("networkidle", { timeout: 60_000 }).catch(() => undefined);
        const html = await page.content();
        const text = await page.locator("body").innerText();
        for (const secret of BROWSER_SECRETS) if (html.includes(secret)) leaks.push(`${route}: the rendered page contains ${secret}`);
        await Promise.all(bodies);
        await page.close();
        return { status: response?.status(), text };
      };
      const statuses: string[] = [];
      for (const route of routes) statuses.push(`${route} ${(await visit(route)).status}`);
      // The node fails, answering an error page that quotes the key: the chain-error pages and the relay's errors.
      nodeFailing = true;
      for (const route of ["/farms", `/farms/${vaultName}`, "/lend", `/positions/${vaultName}/1`]) {
        const { status, text } = await visit(route);
        const chainError = /could not be read from the localhost chain/.test(text);
        statuses.push(`${route} (node failing) ${status}${chainError ? ", the chain-error page" : ""}`);
        if (route === "/farms" || route === "/lend") expect(chainError, `${route} shows the chain-error page`).toBe(true);
      }
      const relayed = await post(JSON.stringify([call(1, "eth_blockNumber")]), { localAddress: "127.0.0.1" });
      for (const secret of BROWSER_SECRETS) if (relayed.text.includes(secret)) leaks.push(`/api/rpc with the node failing contains ${secret}`);
      nodeFailing = false;
      console.log(statuses.join("\n"));
      console.log(`${seen.length} responses read (${(seen.reduce((sum, entry) => sum + entry.bytes, 0) / 2 ** 20).toFixed(1)} MiB: HTML, scripts, flight data, /api/rpc answers); node requests ${nodeRequests}, refused for wrong credentials ${refusedCredentials}`);
      expect(statuses.some((line) => line.startsWith("/no-such-page 404"))).toBe(true);
      expect(appLog).toContain("reading the vaults (localhost) failed"); // the chain-error pages logged their cause
      expect(refusedCredentials).toBe(0); // the credentials reached the node as a header on every request
      expect(seen.length).toBeGreaterThan(20);
      expect(leaks).toEqual([]);
    } finally {
      nodeFailing = false;
      await browser.close();
    }
  }, 600_000);

  it("the server's log names the node as scheme://host:port and nothing more", () => {
    expect(appLog).toContain(`chain http://127.0.0.1:${NODE_PORT}`);
    const lines = appLog.split("\n");
    const leaking = lines.filter((line) => LOG_SECRETS.some((secret) => line.includes(secret)));
    console.log(`${lines.length} log lines, ${leaking.length} with a secret`);
    expect(leaking).toEqual([]);
  });
});

describe("the relay against a hostile client on 127.0.0.1", () => {
  it("rotating X-Forwarded-For buys no fresh bucket: 429 once the socket's burst is spent", async () => {
    const batch = JSON.stringify(Array.from({ length: MAX_BATCH_SIZE }, (_, index) => call(index, "eth_chainId")));
    const statuses: number[] = [];
    for (let rotation = 0; rotation < 30; rotation++) {
      statuses.push((await post(batch, { localAddress: "127.0.0.21", headers: { "x-forwarded-for": `198.18.${rotation}.1`, "x-real-ip": `198.18.${rotation}.1` } })).status);
    }
    const other = await post(batch, { localAddress: "127.0.0.22" });
    console.log(`30 batches of ${MAX_BATCH_SIZE}, a new X-Forwarded-For each: ${statuses.join(" ")}; another socket address: ${other.status}`);
    const burst = RATE_LIMIT_BURST_CALLS / MAX_BATCH_SIZE;
    // The bucket refills at 25 calls a second while the batches go out: at most one more batch may pass.
    expect(statuses.slice(0, burst).every((status) => status === 200)).toBe(true);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(burst + 1);
    expect(statuses.slice(-10).every((status) => status === 429)).toBe(true);
    expect(other.status).toBe(200);
  }, 120_000);

  it("a 256 MiB chunked body is refused early (413) with the server's memory bounded", async () => {
    const before = rssMiB(app.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(app.pid!))), 50);
    const started = Date.now();
    let sent = 0;
    const result = await new Promise<{ status?: number; text: string; ms: number; error?: string }>((resolve) => {
      const outcome: { status?: number; text: string; error?: string } = { text: "" };
      const request = http.request(
        { host: "127.0.0.1", port: APP_PORT, path: "/api/rpc", method: "POST", localAddress: "127.0.0.23", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (response) => {
          outcome.status = response.statusCode;
          response.on("data", (chunk) => (outcome.text += chunk));
        },
      );
      // The server closes the connection after its 413 while the client is still writing: EPIPE, or a reset that can
      // discard the 413 before the client has read it.
      request.on("error", (error: NodeJS.ErrnoException) => (outcome.error = error.code));
      request.on("close", () => resolve({ ...outcome, ms: Date.now() - started }));
      const chunk = Buffer.alloc(1 << 20, "a");
      const pump = () => {
        while (sent < 256 * 2 ** 20) {
          if (request.destroyed) return;
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once("drain", pump);
        }
        request.end();
      };
      pump();
    });
    clearInterval(sampler);
    console.log(
      `256 MiB chunked: HTTP ${result.status ?? `none read (${result.error})`}, connection closed after ${result.ms} ms with ${(sent / 2 ** 20).toFixed(0)} MiB sent; answer ${result.text.length} bytes; ` +
        `server RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MiB`,
    );
    // Declared up front, it is refused before a byte of it is read.
    const declared = await new Promise<number | undefined>((resolve) => {
      const request = http.request(
        { host: "127.0.0.1", port: APP_PORT, path: "/api/rpc", method: "POST", localAddress: "127.0.0.23", headers: { "content-type": "application/json", "content-length": String(256 * 2 ** 20) } },
        (response) => {
          resolve(response.statusCode);
          request.destroy();
        },
      );
      request.on("error", () => resolve(undefined));
      request.flushHeaders();
    });
    console.log(`256 MiB declared in content-length, no body sent: HTTP ${declared}`);
    expect(declared).toBe(413);
    if (result.status === undefined) expect(["ECONNRESET", "EPIPE"]).toContain(result.error);
    else expect(result.status).toBe(413);
    expect(sent).toBeLessThan(64 * 2 ** 20);
    expect(peak - before).toBeLessThan(64);
    expect(result.text.length).toBeLessThan(200);
  }, 120_000);

  it("counts multi-byte characters as their bytes: a body of MAX/3 + 1 euro signs is refused", async () => {
    const euros = "€".repeat(Math.floor(MAX_BODY_BYTES / 3) + 1);
    const body = JSON.stringify(call(1, "eth_call", [{ to: DEAD, data: euros }]));
    const answer = await post(Buffer.from(body), { localAddress: "127.0.0.24", headers: { "transfer-encoding": "chunked" } });
    console.log(`"€" body: ${body.length} characters, ${Buffer.byteLength(body)} bytes (limit ${MAX_BODY_BYTES}): HTTP ${answer.status}, ${answer.text.length} bytes`);
    expect(answer.status).toBe(413);
  }, 60_000);

  it("closes 40 slow bodies (one byte every 2 s) once the body timeout passes", async () => {
    const started = Date.now();
    const closedAfter = await Promise.all(
      Array.from(
        { length: 40 },
        (_, index) =>
          new Promise<number>((resolve) => {
            const socket = net.connect({ host: "127.0.0.1", port: APP_PORT, localAddress: `127.0.0.${30 + (index % 10)}` }, () => {
              socket.write(`POST /api/rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
            });
            const drip = setInterval(() => socket.destroyed || socket.write("["), 2_000);
            socket.on("error", () => undefined);
            socket.on("close", () => {
              clearInterval(drip);
              resolve(Date.now() - started);
            });
            setTimeout(() => socket.destroy(), BODY_TIMEOUT_MS + 30_000); // the test's own bound: counted as open
          }),
      ),
    );
    closedAfter.sort((a, b) => a - b);
    console.log(`40 slow bodies closed by the server after ${closedAfter[0]}..${closedAfter.at(-1)} ms (body timeout ${BODY_TIMEOUT_MS} ms)`);
    expect(closedAfter.at(-1)!).toBeLessThan(BODY_TIMEOUT_MS + 6_000);
  }, 120_000);

  it("keeps refusals small, whatever the request's size", async () => {
    const cases: [string, string][] = [
      ["60 KB batch of 20,000 empty calls", JSON.stringify(Array.from({ length: 20_000 }, () => ({})))],
      ["100 calls of an unknown 1 KB method name", JSON.stringify(Array.from({ length: 100 }, (_, index) => call(index, "x".repeat(1_000))))],
      ["100 reads of a foreign 1 KB 'address'", JSON.stringify(Array.from({ length: 100 }, (_, index) => call(index, "eth_getCode", ["0x" + "ab".repeat(500)])))],
      ["1.9 MB of invalid JSON", "[" + "9,".repeat(950_000)],
    ];
    const lines: string[] = [];
    for (const [name, body] of cases) {
      const answer = await post(body, { localAddress: "127.0.0.25" });
      lines.push(`${name}: request ${body.length} bytes -> HTTP ${answer.status}, ${answer.text.length} bytes`);
      // One small error for the whole request, or at most 256 bytes per call of a batch within its limit.
      expect(answer.text.length).toBeLessThanOrEqual(256 * MAX_BATCH_SIZE);
      expect(answer.text.length).toBeLessThanOrEqual(Math.max(1_024, body.length));
    }
    console.log(lines.join("\n"));
  }, 60_000);

  it("refuses a signed payment to 0x...dEaD; nothing reaches the chain", async () => {
    const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
    const attacker = new Wallet(ATTACKER_KEY, provider);
    const [nonce, deadBefore, feeData] = await Promise.all([provider.getTransactionCount(attacker.address), provider.getBalance(DEAD), provider.getFeeData()]);
    const { chainId } = await provider.getNetwork();
    const raw = await attacker.signTransaction({
      to: DEAD,
      value: parseEther("1"),
      nonce,
      chainId,
      gasLimit: 21_000,
      maxFeePerGas: feeData.maxFeePerGas! * 2n,
      maxPriorityFeePerGas: feeData.maxPriorityFeePerGas ?? 1n,
      type: 2,
    });
    const answer = await post(JSON.stringify(call(1, "eth_sendRawTransaction", [raw])), { localAddress: "127.0.0.26" });
    console.log(`payment of 1 ETH to ${DEAD} through the relay: HTTP ${answer.status}, ${answer.text}`);
    expect(JSON.parse(answer.text).error.message).toContain(`${DEAD} is not one of this deployment's contracts`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await provider.getTransactionCount(attacker.address)).toBe(nonce);
    expect(await provider.getBalance(DEAD)).toBe(deadBefore);
    provider.destroy();
  }, 60_000);
});

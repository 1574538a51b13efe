import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Deployment } from "../../lib/deployments";
import { Wallet } from "ethers";
import {
  CLIENT_HEADER,
  CLIENT_PROOF_HEADER,
  MAX_BATCH_SIZE,
  MAX_LOG_BLOCK_RANGE,
  RATE_LIMIT_BURST_CALLS,
  RPC_ERROR,
} from "../../app/api/rpc/relayPolicy";

/**
 * The browser's JSON-RPC endpoint against a stand-in node on a local port: the app's own calls pass (reads of the
 * deployment's contracts, signed transactions), everything else is refused without reaching the node, and no answer
 * carries the node's URL.
 */

const VAULT = "0x1111111111111111111111111111111111111111";
const LENS = "0x2222222222222222222222222222222222222222";
const PAIR = "0x3333333333333333333333333333333333333333";
const USDC = "0x4444444444444444444444444444444444444444";
const FOREIGN = "0x9999999999999999999999999999999999999999";
const ACCOUNT = "0x5555555555555555555555555555555555555555";
const NODE_HEAD = 1_000_000;

function contract(address: string, artifact: string) {
  return { address, artifact };
}

const deployment: Deployment = {
  network: "relaytest",
  chainId: 31337,
  startBlock: 0,
  deployer: ACCOUNT,
  owner: ACCOUNT,
  guardian: ACCOUNT,
  tokens: { USDC: { ...contract(USDC, "FaucetToken"), decimals: 6 } },
  pools: {
    USDC: {
      asset: USDC,
      symbol: "USDC",
      decimals: 6,
      pool: contract("0x6666666666666666666666666666666666666666", "LendingPool"),
      interestRateModel: contract("0x7777777777777777777777777777777777777777", "KinkedRateModel"),
    },
  },
  farming: {
    flux: contract("0x8888888888888888888888888888888888888888", "FluxToken"),
    oracle: contract("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "PriceOracle"),
    feeds: { USDC: "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
    uniswapFactory: "0xcccccccccccccccccccccccccccccccccccccccc",
    uniswapRouter: "0xdddddddddddddddddddddddddddddddddddddddd",
    rewardPair: "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    lens: contract(LENS, "VaultLens"),
    vaults: { "USDC-USDT": { name: "USDC-USDT", vault: contract(VAULT, "StakingRewardsVault"), pair: PAIR, farm: "0xffffffffffffffffffffffffffffffffffffffff", token0: "USDC", token1: "USDT" } },
  },
  updatedAt: "2025-01-01T00:00:00.000Z",
};

type Answer = { jsonrpc: string; id: number | null; result?: string; error?: { code: number; message: string } };

let directory: string;
/** Imports the route afresh with the node at `rpcUrl` (the route reads its environment when it loads). */
/** What scripts/serve.ts puts in the environment and on each request: the client's address, with its proof. */
const PROOF = "test-proof-0123456789";
async function routeWith(rpcUrl: string): Promise<(request: Request) => Promise<Response>> {
  process.env.FLUX_CLIENT_PROOF = PROOF;
  process.env.FLUX_RPC_URL = rpcUrl;
  process.env.FLUX_NETWORK = "relaytest";
  process.env.FLUX_DEPLOYMENTS_DIR = directory;
  vi.resetModules();
  return (await import("../../app/api/rpc/route")).POST;
}

function rpcRequest(body: unknown, client = "198.51.100.1"): Request {
  return new Request("http://localhost/api/rpc", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", [CLIENT_HEADER]: client, [CLIENT_PROOF_HEADER]: PROOF },
  });
}

/** A signed transaction (Hardhat's public test account #2) to `to`, as a wallet hands it to eth_sendRawTransaction. */
const signer = new Wallet("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const signedTo = (to: string | null) =>
  signer.signTransaction({ to, data: to ? "0x095ea7b3" : "0x6080", chainId: 31337, nonce: 0, gasLimit: 100_000, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, type: 2 });

const call = (id: number, method: string, params: unknown[] = []) => ({ jsonrpc: "2.0", id, method, params });

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-relay-"));
  fs.writeFileSync(path.join(directory, "relaytest.json"), JSON.stringify(deployment));
});
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describe("/api/rpc", () => {
  let server: http.Server;
  const received: { method: string; params: unknown[] }[] = [];
  let POST: (request: Request) => Promise<Response>;
  let clients = 0;
  /** A fresh client address per test, so one test's calls do not count against another's rate limit. */
  const send = (body: unknown) => POST(rpcRequest(body, `198.51.100.${++clients}`));

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const calls = JSON.parse(body) as { id: number; method: string; params: unknown[] }[];
        received.push(...calls.map(({ method, params }) => ({ method, params })));
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify(
            calls.map((entry) => ({ jsonrpc: "2.0", id: entry.id, result: entry.method === "eth_blockNumber" ? `0x${NODE_HEAD.toString(16)}` : `${entry.method}-answer` })),
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    POST = await routeWith(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("forwards a read and answers it in the caller's shape", async () => {
    const response = await send(call(7, "eth_blockNumber"));
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 7, result: `0x${NODE_HEAD.toString(16)}` });
  });

  it("passes the allowed calls of a batch and refuses the rest by name, without sending them to the node", async () => {
    received.length = 0;
    const response = await send([
      call(1, "eth_call", [{ to: VAULT, data: "0x" }, "latest"]),
      call(2, "hardhat_setBalance"),
      call(3, "eth_sendTransaction"),
      call(4, "eth_sendRawTransaction", [await signedTo(USDC)]),
    ]);
    const answers = (await response.json()) as Answer[];
    expect(received.map((entry) => entry.method)).toEqual(["eth_call", "eth_sendRawTransaction"]);
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    expect(byId.get(1)!.result).toBe("eth_call-answer");
    expect(byId.get(4)!.result).toBe("eth_sendRawTransaction-answer");
    expect(byId.get(2)!.error!.message).toBe("method hardhat_setBalance is not available through the app's RPC endpoint");
    expect(byId.get(3)!.error!.message).toBe("method eth_sendTransaction is not available through the app's RPC endpoint");
  });

  it("forwards every call the app makes: reads of the deployment's contracts (any case), account reads, signed transactions", async () => {
    received.length = 0;
    const appCalls = [
      call(1, "eth_chainId"),
      call(2, "eth_getBlockByNumber", ["latest", false]),
      call(3, "eth_getBalance", [ACCOUNT, "latest"]),
      call(4, "eth_getTransactionCount", [ACCOUNT, "pending"]),
      call(5, "eth_getTransactionReceipt", ["0x" + "ab".repeat(32)]),
      call(6, "eth_gasPrice"),
      call(7, "eth_maxPriorityFeePerGas"),
      // The lens's batch views (vaultStates, positionEntries) and a vault read at a past block.
      call(8, "eth_call", [{ to: LENS, data: "0x12345678" }, "0x10"]),
      call(9, "eth_call", [{ to: VAULT.toUpperCase().replace("0X", "0x"), data: "0x" }, "latest"]),
      // The development wallet's gas estimate for an approval, then the signed transaction.
      call(10, "eth_estimateGas", [{ from: ACCOUNT, to: USDC, data: "0x095ea7b3" }]),
      call(11, "eth_sendRawTransaction", [await signedTo(VAULT)]),
      call(12, "eth_getCode", [PAIR, "latest"]),
      call(13, "eth_getStorageAt", [VAULT, "0x0", "latest"]),
      // getLogsChunked's chunk: exactly the largest range, and a tag range near the head.
      call(14, "eth_getLogs", [{ address: VAULT, topics: [], fromBlock: "0x1", toBlock: `0x${MAX_LOG_BLOCK_RANGE.toString(16)}` }]),
      call(15, "eth_getLogs", [{ address: [PAIR, VAULT], fromBlock: `0x${(NODE_HEAD - 10).toString(16)}`, toBlock: "latest" }]),
    ];
    const answers = (await (await send(appCalls)).json()) as Answer[];
    expect(answers.filter((answer) => answer.error)).toEqual([]);
    expect(answers.map((answer) => answer.id)).toEqual(appCalls.map((entry) => entry.id));
    // The head was asked once for the tag range; every call went to the node unchanged.
    expect(received.map((entry) => entry.method)).toEqual(["eth_blockNumber", ...appCalls.map((entry) => entry.method)]);
    expect(received.slice(1).map((entry) => entry.params)).toEqual(appCalls.map((entry) => entry.params));
  });

  it("refuses eth_call, eth_estimateGas, eth_getCode and eth_getStorageAt to an address outside the deployment, naming it", async () => {
    received.length = 0;
    const answers = (await (
      await send([
        call(1, "eth_call", [{ to: FOREIGN, data: "0x" }, "latest"]),
        call(2, "eth_estimateGas", [{ from: ACCOUNT, to: FOREIGN }]),
        call(3, "eth_getCode", [FOREIGN, "latest"]),
        call(4, "eth_getStorageAt", [FOREIGN, "0x0", "latest"]),
        call(5, "eth_call", [{ data: "0x6080" }, "latest"]),
        call(6, "eth_call", [{ to: VAULT, data: "0x" }, "latest", { [VAULT]: { code: "0x00" } }]),
      ])
    ).json()) as Answer[];
    expect(received).toEqual([]);
    for (const answer of answers.slice(0, 4)) {
      expect(answer.error!.code).toBe(RPC_ERROR.refusedParameters);
      expect(answer.error!.message).toContain(`${FOREIGN} is not one of this deployment's contracts, tokens, pairs or farms`);
    }
    expect(answers[0].error!.message).toMatch(/^eth_call refused: /);
    expect(answers[4].error!.message).toBe('eth_call without a "to" address (running creation code) is not available through the app\'s RPC endpoint');
    expect(answers[5].error!.message).toBe("eth_call with state overrides is not available through the app's RPC endpoint");
  });

  it("refuses eth_getLogs for a foreign address, for no address, and over a range wider than the limit", async () => {
    received.length = 0;
    const wide = { address: VAULT, fromBlock: "0x0", toBlock: `0x${MAX_LOG_BLOCK_RANGE.toString(16)}` };
    const answers = (await (
      await send([
        call(1, "eth_getLogs", [{ address: [VAULT, FOREIGN], fromBlock: "0x1", toBlock: "0x2" }]),
        call(2, "eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x2" }]),
        call(3, "eth_getLogs", [wide]),
        call(4, "eth_getLogs", [{ address: VAULT, fromBlock: "earliest", toBlock: "latest" }]),
      ])
    ).json()) as Answer[];
    expect(received.map((entry) => entry.method)).toEqual(["eth_blockNumber"]);
    expect(answers[0].error).toEqual({ code: RPC_ERROR.refusedParameters, message: expect.stringContaining(`${FOREIGN} is not one of this deployment's contracts`) });
    expect(answers[1].error!.message).toBe("eth_getLogs needs an address filter naming the deployment's contracts (logs of every contract are not available)");
    expect(answers[2].error).toEqual({
      code: RPC_ERROR.limitExceeded,
      message: `eth_getLogs range too large: blocks 0 to ${MAX_LOG_BLOCK_RANGE} are ${MAX_LOG_BLOCK_RANGE + 1} blocks, more than the ${MAX_LOG_BLOCK_RANGE} the app's RPC endpoint reads per request`,
    });
    expect(answers[3].error!.message).toContain(`blocks 0 to ${NODE_HEAD}`);
    // getLogsChunked (lib/chainLogs.ts) halves its range on this refusal instead of giving up.
    expect(answers[2].error!.message).toMatch(/range|more than/);
  });

  it("refuses a batch larger than the limit without sending any of it, in one small error", async () => {
    received.length = 0;
    const batch = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, index) => call(index, "eth_blockNumber"));
    const refused = await send(batch);
    expect(refused.status).toBe(413);
    expect(received).toEqual([]);
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: RPC_ERROR.limitExceeded, message: `batch too large: more than the ${MAX_BATCH_SIZE} calls the app's RPC endpoint takes in one request` },
    });
    // The largest batch ethers sends passes.
    const largest = (await (await send(batch.slice(0, MAX_BATCH_SIZE))).json()) as Answer[];
    expect(largest.every((answer) => answer.result !== undefined)).toBe(true);
  });

  it("refuses a client's burst past the rate limit with HTTP 429, while another client is still served", async () => {
    const burster = "203.0.113.7";
    const batch = Array.from({ length: MAX_BATCH_SIZE }, (_, index) => call(index, "eth_chainId"));
    for (let served = 0; served + MAX_BATCH_SIZE <= RATE_LIMIT_BURST_CALLS; served += MAX_BATCH_SIZE) {
      expect((await POST(rpcRequest(batch, burster))).status).toBe(200);
    }
    received.length = 0;
    const refused = await POST(rpcRequest(batch, burster));
    expect(refused.status).toBe(429);
    expect(received).toEqual([]);
    const first = (await refused.json()) as Answer;
    expect(first.error!.code).toBe(RPC_ERROR.limitExceeded);
    expect(first.error!.message).toMatch(/^rate limit: more calls than the app's RPC endpoint serves one client; try again in \d+ s$/);
    expect((await POST(rpcRequest(call(1, "eth_chainId"), "203.0.113.8"))).status).toBe(200);
  });

  it("counts a request without scripts/serve.ts's proof as one shared client, whatever X-Forwarded-For or client header it forges", async () => {
    const batch = Array.from({ length: MAX_BATCH_SIZE }, (_, index) => call(index, "eth_chainId"));
    const statuses: number[] = [];
    for (let rotation = 0; rotation < 8; rotation++) {
      const forged = `198.18.${rotation}.1`;
      const request = new Request("http://localhost/api/rpc", {
        method: "POST",
        body: JSON.stringify(batch),
        headers: { "x-forwarded-for": forged, "x-real-ip": forged, [CLIENT_HEADER]: forged, [CLIENT_PROOF_HEADER]: "guessed" },
      });
      statuses.push((await POST(request)).status);
    }
    console.log(`8 batches of ${MAX_BATCH_SIZE} with a new forged address each: ${statuses.join(" ")}`);
    expect(statuses.slice(0, RATE_LIMIT_BURST_CALLS / MAX_BATCH_SIZE).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(RATE_LIMIT_BURST_CALLS / MAX_BATCH_SIZE).every((status) => status === 429)).toBe(true);
  });

  it("relays signed transactions only to the deployment's addresses", async () => {
    received.length = 0;
    const dead = "0x000000000000000000000000000000000000dEaD";
    const answers = (await (
      await send([
        call(1, "eth_sendRawTransaction", [await signedTo(dead)]),
        call(2, "eth_sendRawTransaction", [await signedTo(null)]),
        call(3, "eth_sendRawTransaction", ["0x02f8"]),
        call(4, "eth_sendRawTransaction", [await signedTo(PAIR)]),
      ])
    ).json()) as Answer[];
    expect(received.map((entry) => entry.method)).toEqual(["eth_sendRawTransaction"]);
    expect(answers[0].error!.message).toBe(`eth_sendRawTransaction refused: ${dead} is not one of this deployment's contracts, tokens, pairs or farms, the only addresses the app's RPC endpoint reads`);
    expect(answers[1].error!.message).toBe("eth_sendRawTransaction refused: a contract creation is not relayed by the app's RPC endpoint");
    expect(answers[2].error!.message).toBe("eth_sendRawTransaction needs one signed transaction (0x-prefixed hex)");
    expect(answers[3].result).toBe("eth_sendRawTransaction-answer");
  });

  it("answers a body that is not JSON with a parse error", async () => {
    const response = await POST(new Request("http://localhost/api/rpc", { method: "POST", body: "{not json" }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it("counts the body's limit in bytes: multi-byte characters count as their bytes, chunked or not", async () => {
    const { MAX_BODY_BYTES } = await import("../../app/api/rpc/relayPolicy");
    // "€" is 3 bytes: a string of MAX/3 + 1 of them is MAX + 3 bytes in MAX/3 + 1 characters.
    const euros = "€".repeat(Math.floor(MAX_BODY_BYTES / 3) + 1);
    const body = JSON.stringify(call(1, "eth_call", [{ to: VAULT, data: euros }]));
    console.log(`"€" body: ${body.length} characters, ${Buffer.byteLength(body)} bytes, limit ${MAX_BODY_BYTES} bytes`);
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = Buffer.from(body);
          for (let offset = 0; offset < bytes.length; offset += 65_536) controller.enqueue(bytes.subarray(offset, offset + 65_536));
          controller.close();
        },
      });
    for (const request of [
      new Request("http://localhost/api/rpc", { method: "POST", body }),
      new Request("http://localhost/api/rpc", { method: "POST", body: stream(), duplex: "half" } as RequestInit),
    ]) {
      const response = await POST(request);
      const text = await response.text();
      expect(response.status).toBe(413);
      expect(text.length).toBeLessThan(200);
    }
  });
});

describe("/api/rpc when the node does not answer", () => {
  it("answers an error that names neither the node's URL nor its key", async () => {
    // A keyed URL on a port nothing listens on.
    const secretUrl = "http://user:hunter2secret@127.0.0.1:9/v3/0123456789abcdef0123456789abcdef?apikey=topsecretkey42";
    const POST = await routeWith(secretUrl);
    const errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await POST(rpcRequest([call(1, "eth_blockNumber"), call(2, "eth_call", [{ to: VAULT, data: "0x" }, "latest"])], "192.0.2.1"));
      const text = await response.text();
      const answers = JSON.parse(text) as Answer[];
      expect(answers.map((answer) => answer.error)).toEqual([
        { code: RPC_ERROR.internal, message: "the chain's node did not answer the app's RPC endpoint; try again shortly" },
        { code: RPC_ERROR.internal, message: "the chain's node did not answer the app's RPC endpoint; try again shortly" },
      ]);
      expect(text).not.toContain("127.0.0.1");
      // The operator's log names the node as scheme://host:port, and nothing more of its URL.
      expect(errorLog.mock.calls.map(([line]) => String(line)).join("\n")).toContain("the node at http://127.0.0.1:9 did not answer");
      for (const secret of ["hunter2secret", "0123456789abcdef", "topsecretkey42", "/v3/", "user:"]) {
        expect(text).not.toContain(secret);
        for (const [line] of errorLog.mock.calls) expect(String(line)).not.toContain(secret);
      }
    } finally {
      errorLog.mockRestore();
    }
  });

  it("takes the node's URL out of the error messages the node itself sends", async () => {
    const server = http.createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify([{ jsonrpc: "2.0", id: 1, error: { code: -32000, message: `key 0123456789abcdef0123456789abcdef is over its quota at ${url}` } }]));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/0123456789abcdef0123456789abcdef`;
    try {
      const POST = await routeWith(url);
      const [answer] = (await (await POST(rpcRequest([call(1, "eth_blockNumber")], "192.0.2.2"))).json()) as Answer[];
      expect(answer.error).toEqual({ code: -32000, message: "key [redacted] is over its quota at [redacted]" });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("/api/rpc with FLUX_RELAY_TRANSACTIONS=none", () => {
  it("relays no signed transaction, even to the deployment's own contracts, and still serves reads", async () => {
    let forwarded: string[] = [];
    const server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const calls = JSON.parse(body) as { id: number; method: string }[];
        forwarded = calls.map((entry) => entry.method);
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify(calls.map((entry) => ({ jsonrpc: "2.0", id: entry.id, result: "0x1" }))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.FLUX_RELAY_TRANSACTIONS = "none";
    try {
      const POST = await routeWith(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const answers = (await (await POST(rpcRequest([call(1, "eth_sendRawTransaction", [await signedTo(VAULT)]), call(2, "eth_chainId")], "192.0.2.9"))).json()) as Answer[];
      expect(forwarded).toEqual(["eth_chainId"]);
      expect(answers[0].error!.message).toBe("this app's RPC endpoint relays no transactions (FLUX_RELAY_TRANSACTIONS=none): send it through your wallet's own RPC");
      expect(answers[1].result).toBe("0x1");
    } finally {
      delete process.env.FLUX_RELAY_TRANSACTIONS;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("/api/rpc with a user:pass@ node URL", () => {
  it("sends the credentials as a Basic Authorization header (Node's fetch refuses them in the URL)", async () => {
    const seen: { url?: string; authorization?: string }[] = [];
    const server = http.createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        if (request.headers.authorization !== `Basic ${Buffer.from("relayuser:relay-pw-9").toString("base64")}`) return void response.writeHead(401).end();
        const calls = JSON.parse(body) as { id: number }[];
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify(calls.map((entry) => ({ jsonrpc: "2.0", id: entry.id, result: "0x7a69" }))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const POST = await routeWith(`http://relayuser:relay-pw-9@127.0.0.1:${(server.address() as AddressInfo).port}/key-abc123?apikey=q-789`);
      const answer = (await (await POST(rpcRequest(call(1, "eth_chainId"), "192.0.2.10"))).json()) as Answer;
      console.log(`node saw ${seen.at(-1)?.url} with ${seen.at(-1)?.authorization ? "a Basic authorization header" : "no authorization"}; answer ${JSON.stringify(answer)}`);
      expect(answer).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
      expect(seen.at(-1)?.url).toBe("/key-abc123?apikey=q-789");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/**
 * lib/rpcUrl.ts: a keyed RPC URL (credentials, path key, query key) is shown only as scheme://host:port, text quoting it
 * loses every secret part, and user:pass@ URLs work by sending the credentials as a Basic Authorization header.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { JsonRpcProvider, Network } from "ethers";
import { publicRedactor, redactRpcText, redactRpcUrl, rpcConnection, rpcFetchRequest, rpcUrlProblem } from "../../lib/rpcUrl";

const PORT = 3150;
const KEYED = `http://user:secret@127.0.0.1:${PORT}/key123?apikey=q456`;
const SECRETS = ["user", "secret", "key123", "q456", "apikey"];

describe("redactRpcUrl and redactRpcText", () => {
  it("shows scheme://host:port and nothing else", () => {
    expect(redactRpcUrl(KEYED)).toBe(`http://127.0.0.1:${PORT}`);
    expect(redactRpcUrl("https://polygon-mainnet.example-rpc.io/v3/0123456789abcdef")).toBe("https://polygon-mainnet.example-rpc.io:443");
    expect(redactRpcUrl("wss://a%40b:p%3Ass@[::1]/ws?token=zzzz")).toBe("wss://[::1]:443");
    expect(redactRpcUrl("not a url user:secret")).toBe("(not a URL)");
  });

  it("takes every secret part out of text quoting the URL, even where a part stands alone", () => {
    const ethersLike = `server response 401 (request={ }, info={ "requestUrl": "${KEYED}", "responseBody": "bad key key123" }, code=SERVER_ERROR)`;
    const redacted = redactRpcText(ethersLike, KEYED);
    console.log(redacted);
    expect(redacted).toContain(`"requestUrl": "http://127.0.0.1:${PORT}"`);
    for (const secret of ["secret", "key123", "q456"]) expect(redacted).not.toContain(secret);
    // Any other URL in the text is reduced too, known or not.
    expect(redactRpcText("retrying https://u:p4ss@rpc.example.org/abc/KEYKEY?x=1 in 2 s")).toBe("retrying https://rpc.example.org:443 in 2 s");
    // Punctuation after a URL stays outside it.
    expect(redactRpcText(`serving at http://127.0.0.1:3000; chain ${KEYED}. Done`)).toBe(`serving at http://127.0.0.1:3000; chain http://127.0.0.1:${PORT}. Done`);
    // Percent-encoded credentials are hidden in both spellings.
    const encoded = "https://a%40b:p%3Ass99@rpc.example.org/";
    expect(redactRpcText("a@b p:ss99 a%40b p%3Ass99", encoded)).toBe("[redacted] [redacted] [redacted] [redacted]");
  });

  it("hides the node's host from a visitor as well", () => {
    const redact = publicRedactor(KEYED);
    const shown = redact(`connect ECONNREFUSED 127.0.0.1:${PORT} via ${KEYED}`);
    expect(shown).toBe("connect ECONNREFUSED [redacted] via [redacted]");
  });

  it("refuses what cannot be an RPC URL, in words that quote no secret", () => {
    expect(rpcUrlProblem("127.0.0.1:8545")).toMatch(/FLUX_RPC_URL is not a URL/);
    const ftp = rpcUrlProblem("ftp://user:secret@host/key123");
    expect(ftp).toMatch(/only http:\/\/ and https:\/\//);
    for (const secret of SECRETS) expect(ftp).not.toContain(secret);
    expect(rpcUrlProblem(KEYED)).toBeNull();
  });
});

const connectionHeader = () => `Basic ${Buffer.from("user:secret").toString("base64")}`;

describe("user:pass@ URLs connect with a Basic Authorization header", () => {
  const seen: { url?: string; authorization?: string }[] = [];
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        if (request.headers.authorization !== `Basic ${Buffer.from("user:secret").toString("base64")}`) {
          response.writeHead(401).end("unauthorized");
          return;
        }
        const calls = JSON.parse(body);
        const answer = (call: { id: number }) => ({ jsonrpc: "2.0", id: call.id, result: "0x2a" });
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls)));
      });
    });
    await new Promise<void>((resolve) => server.listen(PORT, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("rpcConnection strips the credentials into a header", () => {
    const connection = rpcConnection(KEYED);
    expect(connection.url).toBe(`http://127.0.0.1:${PORT}/key123?apikey=q456`);
    expect(connection.headers.authorization).toBe(`Basic ${Buffer.from("user:secret").toString("base64")}`);
    expect(rpcConnection("http://127.0.0.1:1/").headers).toEqual({});
  });

  it("Node's fetch reaches the node through rpcConnection (it refuses the raw URL)", async () => {
    await expect(fetch(KEYED, { method: "POST", body: "{}" })).rejects.toThrow(/credentials/);
    const connection = rpcConnection(KEYED);
    const response = await fetch(connection.url, {
      method: "POST",
      headers: { ...connection.headers, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: "0x2a" });
  });

  it("an ethers provider built on rpcFetchRequest authenticates, and its URL carries no credentials", async () => {
    const request = rpcFetchRequest(KEYED);
    expect(request.url).not.toContain("secret");
    const provider = new JsonRpcProvider(request, Network.from(31337), { staticNetwork: true });
    expect(await provider.getBlockNumber()).toBe(42);
    provider.destroy();
    const last = seen.at(-1)!;
    console.log(`node saw ${last.url}, Basic authorization ${last.authorization === connectionHeader() ? "matching user:secret" : "missing"}`);
    expect(last.authorization).toBe(connectionHeader());
    expect(last.url).toBe("/key123?apikey=q456");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The browser's JSON-RPC endpoint against a stand-in node on a local port: reads and signed transactions pass,
 * everything else (the node's admin and signing methods) is refused without reaching the node.
 */
describe("/api/rpc", () => {
  let server: http.Server;
  const received: string[] = [];
  let POST: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const calls = JSON.parse(body) as { id: number; method: string }[];
        received.push(...calls.map((call) => call.method));
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify(calls.map((call) => ({ jsonrpc: "2.0", id: call.id, result: `${call.method}-answer` }))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.FLUX_RPC_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ POST } = await import("../../app/api/rpc/route"));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (body: unknown) =>
    POST(new Request("http://localhost/api/rpc", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }));

  it("forwards a read and answers it in the caller's shape", async () => {
    const response = await call({ jsonrpc: "2.0", id: 7, method: "eth_blockNumber", params: [] });
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 7, result: "eth_blockNumber-answer" });
  });

  it("passes the allowed calls of a batch and refuses the rest by name, without sending them to the node", async () => {
    received.length = 0;
    const response = await call([
      { jsonrpc: "2.0", id: 1, method: "eth_call", params: [] },
      { jsonrpc: "2.0", id: 2, method: "hardhat_setBalance", params: [] },
      { jsonrpc: "2.0", id: 3, method: "eth_sendTransaction", params: [] },
      { jsonrpc: "2.0", id: 4, method: "eth_sendRawTransaction", params: ["0x00"] },
    ]);
    const answers = (await response.json()) as { id: number; result?: string; error?: { message: string } }[];
    expect(received).toEqual(["eth_call", "eth_sendRawTransaction"]);
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    expect(byId.get(1)!.result).toBe("eth_call-answer");
    expect(byId.get(4)!.result).toBe("eth_sendRawTransaction-answer");
    expect(byId.get(2)!.error!.message).toBe("method hardhat_setBalance is not available through the app's RPC endpoint");
    expect(byId.get(3)!.error!.message).toBe("method eth_sendTransaction is not available through the app's RPC endpoint");
  });

  it("answers a body that is not JSON with a parse error", async () => {
    const response = await POST(new Request("http://localhost/api/rpc", { method: "POST", body: "{not json" }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });
});

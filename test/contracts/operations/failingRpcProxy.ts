/**
 * A JSON-RPC proxy in front of a test node that fails the requests a rule picks with HTTP 502 "Bad Gateway", as a
 * load balancer in front of a sick node does: before the node sees the request, or after it has answered (the
 * answer is lost on the way back: a transaction sent that way reached the node all the same).
 */
import http from "node:http";

export interface JsonRpcCall {
  method: string;
  params?: unknown[];
}

/** What to do with a request (one call or a batch): pass it on, or fail it before or after the node sees it. */
export type ProxyVerdict = "pass" | "fail-before" | "fail-after";

export interface FailingRpcProxy {
  url: string;
  /** Requests failed so far, and requests in all. */
  failed(): number;
  requests(): number;
  /** The calls of each failed request, by method. */
  failedMethods(): string[];
  setRule(rule: (calls: JsonRpcCall[]) => ProxyVerdict): void;
  close(): Promise<void>;
}

/** A deterministic random number in [0, 1) per call, from `seed` (mulberry32): a run that fails can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function startFailingRpcProxy(port: number, target: string, rule: (calls: JsonRpcCall[]) => ProxyVerdict): Promise<FailingRpcProxy> {
  let current = rule;
  let failed = 0;
  let requests = 0;
  const failedMethods: string[] = [];
  const badGateway = (response: http.ServerResponse) => {
    response.writeHead(502, { "content-type": "text/html" });
    response.end("<html><body>502 Bad Gateway</body></html>");
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      let calls: JsonRpcCall[] = [];
      try {
        const parsed = JSON.parse(body) as JsonRpcCall | JsonRpcCall[];
        calls = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        /* passed on as it is */
      }
      const verdict = current(calls);
      if (verdict !== "pass") {
        failed++;
        failedMethods.push(...calls.map((call) => call.method));
      }
      if (verdict === "fail-before") return badGateway(response);
      try {
        const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await answer.text();
        if (verdict === "fail-after") return badGateway(response);
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(text);
      } catch {
        badGateway(response); // the node itself is down
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    requests: () => requests,
    failedMethods: () => failedMethods,
    setRule: (next) => (current = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

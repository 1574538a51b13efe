/**
 * The web app in production: `npx next build`, then
 *   FLUX_NETWORK=<name> FLUX_RPC_URL=<node> npx ts-node --transpile-only scripts/serve.ts [--hostname H] [--port P]
 * (`--dev` serves `next dev`'s hot-reloading build instead, as the browser tests do). It is Next's own request handler
 * behind a Node HTTP server that does what a route handler cannot:
 *   - the relay's client identity (/api/rpc's rate limit) comes from the socket's address and a configured number of
 *     trusted proxies (FLUX_TRUSTED_PROXIES, default 0: X-Forwarded-For is ignored), set on each request with a proof
 *     only this process knows (app/api/rpc/relayPolicy.ts, clientOf);
 *   - a request must arrive whole within its timeout, so a client dribbling bytes cannot hold connections open;
 *   - every setting is checked before it listens, and refused in words (a user:pass@ FLUX_RPC_URL is fine: the
 *     credentials go to the node as a Basic Authorization header); its log shows the node as scheme://host:port.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { format } from "node:util";
import { BODY_TIMEOUT_MS, CLIENT_HEADER, CLIENT_PROOF_HEADER, clientAddressOf, relaySettingsFrom } from "../app/api/rpc/relayPolicy";
import { redactRpcText, redactRpcUrl, rpcUrlProblem } from "../lib/rpcUrl";

const ROOT = path.join(__dirname, "..");

/** Headers must have arrived this long after a connection opens a request. */
const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request (headers and body) must have arrived this long after it began; the relay's own limit is tighter. */
const REQUEST_TIMEOUT_MS = BODY_TIMEOUT_MS + 5_000;

interface ServeOptions {
  dev: boolean;
  hostname: string;
  port: number;
}

function parseArguments(argv: string[]): ServeOptions {
  const options: ServeOptions = { dev: false, hostname: "127.0.0.1", port: 3000 };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--dev") options.dev = true;
    else if (argument === "--hostname") options.hostname = argv[++index] ?? "";
    else if (argument === "--port") options.port = Number(argv[++index]);
    else throw new Error(`unknown argument ${argument} (serve.ts takes --hostname H, --port P and --dev)`);
  }
  if (!options.hostname) throw new Error("--hostname needs an address (0.0.0.0 for every interface)");
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) throw new Error("--port needs a port number (1-65535)");
  return options;
}

/** Every setting the app reads, checked before it listens; the first wrong one is refused in words. */
function checkSettings(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const rpcUrl = env.FLUX_RPC_URL ?? "http://127.0.0.1:8545";
  const rpcProblem = rpcUrlProblem(rpcUrl, "FLUX_RPC_URL");
  if (rpcProblem) problems.push(rpcProblem);
  const walletUrl = env.FLUX_WALLET_RPC_URL?.trim();
  if (walletUrl) {
    const walletProblem = rpcUrlProblem(walletUrl, "FLUX_WALLET_RPC_URL");
    if (walletProblem) problems.push(walletProblem);
    else if (new URL(walletUrl).username || new URL(walletUrl).password) {
      problems.push(`FLUX_WALLET_RPC_URL carries user:pass@ (${redactRpcUrl(walletUrl)}); every visitor's wallet is given this URL, so it must be a public endpoint (leave it empty for the app's relay, /api/rpc)`);
    }
  }
  const relay = relaySettingsFrom(env);
  if (!relay.ok) problems.push(relay.reason);
  return problems;
}

/**
 * Every line this process logs (Next's own included: an uncaught error's message may quote the node's URL, as ethers'
 * do) goes through redactRpcText with the RPC URLs of its environment.
 */
function redactConsole(secretUrls: string[]) {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => original(redactRpcText(format(...args), ...secretUrls));
  }
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  // The .env files Next reads (.env, .env.production or .env.development, .env.local), loaded the way Next loads
  // them, so the settings checked here are the ones the app will run with.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("@next/env") as typeof import("@next/env")).loadEnvConfig(ROOT, options.dev, { info: () => undefined, error: console.error });
  redactConsole([process.env.FLUX_RPC_URL, process.env.FLUX_WALLET_RPC_URL].filter((url): url is string => Boolean(url)));
  const problems = checkSettings(process.env);
  if (problems.length > 0) throw new Error(`refusing to start:\n  - ${problems.join("\n  - ")}`);
  const relay = relaySettingsFrom(process.env);
  if (!relay.ok) throw new Error(relay.reason);
  const { trustedProxies, transactions } = relay.value;
  const rpcUrl = process.env.FLUX_RPC_URL ?? "http://127.0.0.1:8545";

  // The relay (in this process) believes CLIENT_HEADER only with this value beside it.
  const proof = randomBytes(24).toString("hex");
  process.env.FLUX_CLIENT_PROOF = proof;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const next = require("next") as typeof import("next").default;
  const app = next({ dev: options.dev, dir: ROOT, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((request, response) => {
    const forwarded = request.headers["x-forwarded-for"];
    const client = clientAddressOf(request.socket.remoteAddress ?? "unknown", Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trustedProxies);
    request.headers[CLIENT_HEADER] = client;
    request.headers[CLIENT_PROOF_HEADER] = proof;
    // Next fills X-Forwarded-For from the socket only when it is absent; with no trusted proxy a client's own is dropped.
    if (trustedProxies === 0) request.headers["x-forwarded-for"] = client;
    handle(request, response).catch((error: unknown) => {
      console.error(`[serve] ${request.method} ${request.url?.split("?")[0]} failed: ${redactRpcText(error instanceof Error ? error.message : String(error), rpcUrl)}`);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  // next dev's hot reload runs over a WebSocket.
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (request, socket, head) => void upgrade(request, socket, head).catch(() => socket.destroy()));
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, resolve);
  });
  console.log(
    `[serve] ${options.dev ? "next dev" : "next start"} for ${process.env.FLUX_NETWORK ?? "localhost"} at http://${options.hostname}:${options.port}; ` +
      `chain ${redactRpcUrl(rpcUrl)}; trusted proxies ${trustedProxies}; signed transactions relayed: ${transactions === "none" ? "none" : "to the deployment's contracts"}`,
  );
}

main().catch((error) => {
  console.error(`[serve] ${redactRpcText(error instanceof Error ? error.message : String(error), process.env.FLUX_RPC_URL ?? "")}`);
  process.exit(1);
});

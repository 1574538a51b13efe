import fs from "node:fs";
import { deploymentPath } from "../../../lib/deployments";
import { publicRedactor, redactRpcText, redactRpcUrl, rpcConnection } from "../../../lib/rpcUrl";
import { loadDeployment, NETWORK, RPC_URL } from "../../chain";
import {
  addressBookOf,
  BODY_TIMEOUT_MS,
  CallRateLimiter,
  clientOf,
  logFilterNeedsHead,
  MAX_BATCH_SIZE,
  MAX_BODY_BYTES,
  relaySettingsFrom,
  refusalOf,
  RPC_ERROR,
  rpcError,
  type AddressBook,
  type JsonRpcRequest,
  UNATTRIBUTED_CLIENT,
} from "./relayPolicy";

export const dynamic = "force-dynamic";

/**
 * The browser's way to the chain: JSON-RPC forwarded to the node the server reads (FLUX_RPC_URL), so the page works
 * wherever it is opened from and a keyed RPC URL never reaches the browser. It serves the app and nothing else
 * (relayPolicy.ts): reads of the deployment's contracts and already-signed transactions, in bounded batches and log
 * ranges, at a bounded rate per client. No answer it gives contains the node's URL.
 */

const rateLimiter = new CallRateLimiter();
const redact = publicRedactor(RPC_URL);
/** user:pass@ in FLUX_RPC_URL goes to the node as a Basic Authorization header (Node's fetch refuses it in a URL). */
const node = (() => {
  try {
    return rpcConnection(RPC_URL);
  } catch {
    return undefined;
  }
})();
const settings = relaySettingsFrom(process.env);
let warnedUnattributed = false;
if (!settings.ok) console.error(`/api/rpc: ${settings.reason}; every call is refused until it is fixed`);

/** The deployment's addresses, read again only when the deployment file changes (a redeploy while the app runs). */
let addressBookCache: { stamp: string; book: AddressBook } | undefined;
function addressBook(): AddressBook {
  let stamp: string;
  try {
    stamp = String(fs.statSync(deploymentPath(NETWORK)).mtimeMs);
  } catch {
    stamp = "missing";
  }
  if (addressBookCache?.stamp !== stamp) addressBookCache = { stamp, book: addressBookOf(loadDeployment()) };
  return addressBookCache.book;
}

/** Thrown when the node cannot be reached or answers nothing usable; the message is safe to show a browser. */
class NodeUnavailable extends Error {}

async function askNode(calls: unknown[]): Promise<unknown[]> {
  let upstream: Response;
  try {
    if (!node) throw new TypeError("FLUX_RPC_URL is not a URL");
    upstream = await fetch(node.url, {
      method: "POST",
      headers: { ...node.headers, "content-type": "application/json" },
      body: JSON.stringify(calls),
      cache: "no-store",
    });
  } catch (error) {
    // The operator's log gets the cause (ECONNREFUSED, ENOTFOUND, the fetch's own words) with the node's URL reduced
    // to scheme://host:port and its credentials and keys taken out.
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const words = [error instanceof Error ? `${error.name}: ${error.message}` : String(error), cause?.code ?? cause?.message].filter(Boolean).join(", ");
    console.error(`/api/rpc: the node at ${redactRpcUrl(RPC_URL)} did not answer (${redactRpcText(words, RPC_URL)})`);
    throw new NodeUnavailable("the chain's node did not answer the app's RPC endpoint; try again shortly");
  }
  let result: unknown;
  try {
    result = await upstream.json();
  } catch {
    throw new NodeUnavailable(`the chain's node answered HTTP ${upstream.status} without JSON-RPC; try again shortly`);
  }
  // A node that refuses a whole batch answers one error object: it is every call's answer.
  if (!Array.isArray(result)) return calls.map((call) => ({ ...(result as object), id: (call as JsonRpcRequest).id }));
  return result;
}

/** The node's answer with any part of its URL taken out of error messages. */
function redacted(answer: unknown): unknown {
  const error = (answer as { error?: { message?: unknown; data?: unknown } })?.error;
  if (!error) return answer;
  return {
    ...(answer as object),
    error: {
      ...error,
      ...(typeof error.message === "string" ? { message: redact(error.message) } : {}),
      ...(typeof error.data === "string" ? { data: redact(error.data) } : {}),
    },
  };
}

/** A refusal of the whole request: one small JSON-RPC error, and the connection closed (nothing more is read). */
function refuse(status: number, code: number, message: string): Response {
  return Response.json(rpcError(null, code, message), { status, headers: { connection: "close" } });
}

/**
 * The request's body as text, counted in bytes as it arrives (chunked or not; a multi-byte character is its bytes),
 * refused as soon as it passes MAX_BODY_BYTES or when it has not all arrived BODY_TIMEOUT_MS after reading began.
 */
async function readBody(request: Request): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const tooLarge = () => refuse(413, RPC_ERROR.limitExceeded, `request too large: the app's RPC endpoint reads at most ${MAX_BODY_BYTES} bytes`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel().catch(() => undefined);
  }, BODY_TIMEOUT_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_BODY_BYTES) {
        void reader.cancel().catch(() => undefined);
        return { ok: false, response: tooLarge() };
      }
      chunks.push(value);
    }
  } catch {
    if (!timedOut) return { ok: false, response: refuse(400, RPC_ERROR.invalidRequest, "the request body could not be read") };
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) return { ok: false, response: refuse(408, RPC_ERROR.limitExceeded, `request too slow: the body must arrive within ${BODY_TIMEOUT_MS / 1000} s`) };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, response: refuse(400, RPC_ERROR.parse, "parse error: the request is not UTF-8 text") };
  }
}

export async function POST(request: Request): Promise<Response> {
  if (!settings.ok) return refuse(503, RPC_ERROR.internal, "the app's RPC endpoint is misconfigured; its operator's log says how");
  const read = await readBody(request);
  if (!read.ok) return read.response;
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    return refuse(400, RPC_ERROR.parse, "parse error: the request is not JSON");
  }
  const isBatch = Array.isArray(body);
  const requests: unknown[] = isBatch ? (body as unknown[]) : [body];
  const idOf = (entry: unknown) => (entry && typeof entry === "object" ? ((entry as JsonRpcRequest).id ?? null) : null);
  const answer = (responses: unknown[], status = 200) => Response.json(isBatch ? responses : responses[0], { status });

  if (isBatch && requests.length === 0) return answer([rpcError(null, RPC_ERROR.invalidRequest, "an empty batch asks for nothing")]);
  // Refusals of the whole request are one error object, not one per call: never bigger because the request was.
  if (requests.length > MAX_BATCH_SIZE) {
    return refuse(413, RPC_ERROR.limitExceeded, `batch too large: more than the ${MAX_BATCH_SIZE} calls the app's RPC endpoint takes in one request`);
  }
  const client = clientOf(request);
  if (client === UNATTRIBUTED_CLIENT && process.env.NODE_ENV === "production" && !warnedUnattributed) {
    warnedUnattributed = true;
    console.warn("/api/rpc: the app is not served by scripts/serve.ts, so clients cannot be told apart and all share one rate-limit bucket (README, \"Serving the app in production\")");
  }
  const allowance = rateLimiter.take(client, requests.length);
  if (!allowance.ok) {
    // 429 makes ethers' FetchRequest back off and retry by itself. No Retry-After header: ethers reads it as
    // milliseconds and would retry at once; the wait is in the words instead.
    return refuse(429, RPC_ERROR.limitExceeded, `rate limit: more calls than the app's RPC endpoint serves one client; try again in ${allowance.retryAfterSeconds} s`);
  }

  try {
    const book = addressBook();
    let head: number | undefined;
    if (requests.some((entry) => entry && typeof entry === "object" && logFilterNeedsHead(entry as JsonRpcRequest))) {
      const [blockNumber] = await askNode([{ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] }]);
      const result = (blockNumber as { result?: unknown })?.result;
      if (typeof result !== "string") throw new NodeUnavailable("the chain's node gave no block number; try again shortly");
      head = Number.parseInt(result, 16);
    }
    const refusals = requests.map((entry) => refusalOf(entry, book, () => head!, settings.value.transactions));
    const forwarded = requests.filter((_, index) => refusals[index] === null);
    const answers = forwarded.length > 0 ? (await askNode(forwarded)).map(redacted) : [];
    const byId = new Map(answers.map((entry) => [JSON.stringify((entry as { id?: unknown })?.id ?? null), entry]));
    return answer(
      requests.map((entry, index) => {
        if (refusals[index]) return refusals[index];
        return byId.get(JSON.stringify(idOf(entry))) ?? rpcError(idOf(entry), RPC_ERROR.internal, "the chain's node gave no answer to this call");
      }),
    );
  } catch (error) {
    if (!(error instanceof NodeUnavailable)) throw error;
    return answer(requests.map((entry) => rpcError(idOf(entry), RPC_ERROR.internal, error.message)));
  }
}

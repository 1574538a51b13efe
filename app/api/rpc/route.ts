import fs from "node:fs";
import { deploymentPath } from "../../../lib/deployments";
import { publicRedactor } from "../../../lib/rpcUrl";
import { loadDeployment, NETWORK, RPC_URL } from "../../chain";
import {
  addressBookOf,
  CallRateLimiter,
  clientOf,
  logFilterNeedsHead,
  MAX_BATCH_SIZE,
  MAX_BODY_BYTES,
  refusalOf,
  RPC_ERROR,
  rpcError,
  type AddressBook,
  type JsonRpcRequest,
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
    upstream = await fetch(RPC_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls),
      cache: "no-store",
    });
  } catch (error) {
    // The operator's log gets the cause's code (ECONNREFUSED, ENOTFOUND...), never the URL or its key.
    const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error instanceof Error ? error.name : "error");
    console.error(`/api/rpc: the node did not answer (${cause})`);
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

export async function POST(request: Request): Promise<Response> {
  const declaredLength = Number(request.headers.get("content-length") ?? 0);
  const text = declaredLength > MAX_BODY_BYTES ? undefined : await request.text();
  if (text === undefined || text.length > MAX_BODY_BYTES) {
    return Response.json(rpcError(null, RPC_ERROR.limitExceeded, `request too large: the app's RPC endpoint reads at most ${MAX_BODY_BYTES} bytes`), {
      status: 413,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json(rpcError(null, RPC_ERROR.parse, "parse error: the request is not JSON"), { status: 400 });
  }
  const isBatch = Array.isArray(body);
  const requests: unknown[] = isBatch ? (body as unknown[]) : [body];
  const idOf = (entry: unknown) => (entry && typeof entry === "object" ? ((entry as JsonRpcRequest).id ?? null) : null);
  const answer = (responses: unknown[], status = 200) => Response.json(isBatch ? responses : responses[0], { status });

  if (isBatch && requests.length === 0) return answer([rpcError(null, RPC_ERROR.invalidRequest, "an empty batch asks for nothing")]);
  if (requests.length > MAX_BATCH_SIZE) {
    const message = `batch too large: ${requests.length} calls, more than the ${MAX_BATCH_SIZE} the app's RPC endpoint takes in one request`;
    return answer(requests.map((entry) => rpcError(idOf(entry), RPC_ERROR.limitExceeded, message)));
  }
  const allowance = rateLimiter.take(clientOf(request), requests.length);
  if (!allowance.ok) {
    // 429 makes ethers' FetchRequest back off and retry by itself. No Retry-After header: ethers reads it as
    // milliseconds and would retry at once; the wait is in the words instead.
    const message = `rate limit: more calls than the app's RPC endpoint serves one client; try again in ${allowance.retryAfterSeconds} s`;
    return answer(requests.map((entry) => rpcError(idOf(entry), RPC_ERROR.limitExceeded, message)), 429);
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
    const refusals = requests.map((entry) => refusalOf(entry, book, () => head!));
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

/**
 * What the app's RPC relay (/api/rpc) forwards to the operator's node and what it refuses, in one place: the limits
 * that keep one visitor from spending the node's quota, the methods a browser may use, and the addresses reads may
 * touch (the deployment's own contracts). route.ts applies them; a Next route file may only export handlers.
 */
import { Transaction } from "ethers";
import { deploymentAddresses, type Deployment } from "../../../lib/deployments";

// ------------------------------------------------------------------------------------------------ limits

/**
 * Calls in one JSON-RPC batch. ethers' JsonRpcProvider (the app's read provider) batches up to 100 calls
 * (`batchMaxCount`'s default), so the app never sends more; a bigger batch is someone else's bulk job.
 */
export const MAX_BATCH_SIZE = 100;

/**
 * Blocks one eth_getLogs may span (toBlock - fromBlock + 1). The app reads logs through getLogsChunked in chunks of
 * 5,000 blocks (lib/chainLogs.ts, app/farms/vaults.ts), and halves its chunk when a node refuses a range, so it never
 * meets this; wider ranges are what make a node scan its whole index.
 */
export const MAX_LOG_BLOCK_RANGE = 5_000;

/**
 * Calls a client may make at once (a token bucket's size). Opening the positions page reads the vaults' wiring,
 * the account's position logs and the prices at each event's block: a few hundred calls in a few seconds.
 */
export const RATE_LIMIT_BURST_CALLS = 500;

/**
 * Calls per second a client may keep up (the bucket's refill). One open tab polls eth_blockNumber every 4 s and
 * makes a handful of lens and balance reads per new block, well under 1 a second; 25 leaves room for several tabs and
 * a fast chain while holding one visitor to about 65 million calls a month, not the node's whole quota.
 */
export const RATE_LIMIT_CALLS_PER_SECOND = 25;

/** Clients remembered at once; past this, those whose bucket has refilled (idle ones) are forgotten first. */
export const RATE_LIMIT_MAX_CLIENTS = 10_000;

/**
 * A request body larger than this (in bytes, as they arrive, chunked or not) is refused: unread when its
 * content-length says so, and as soon as the count passes it otherwise. 100 calls and a large signed transaction fit
 * well inside.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The whole body must have arrived this long after the handler starts reading it. The app's largest request (100
 * calls, ~30 KB) takes milliseconds; a client dribbling a byte every few seconds holds a connection and a handler.
 */
export const BODY_TIMEOUT_MS = 10_000;

/** At most this much of anything a client sent is quoted back in a refusal (an address is 42). */
const MAX_ECHO_CHARS = 66;

/** A client's value for a refusal's words, cut short: a refusal is never bigger because the request was. */
function echo(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value ?? null) ?? String(value));
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}...` : text;
}

// ------------------------------------------------------------------------------------------------ settings

/**
 * Which signed transactions the relay forwards (FLUX_RELAY_TRANSACTIONS): "deployment", those whose `to` is one of the
 * deployment's addresses (every transaction the app builds); "none", none (wallets then send through their own RPC).
 */
export type RelayTransactions = "deployment" | "none";

export interface RelaySettings {
  /**
   * Proxies in front of the app that append the client's address to X-Forwarded-For (FLUX_TRUSTED_PROXIES, default
   * 0): the client is the entry that many places from the end of [X-Forwarded-For entries..., socket address]. 0
   * means the socket's address and X-Forwarded-For is ignored.
   */
  trustedProxies: number;
  transactions: RelayTransactions;
}

/** The relay's settings from the environment, or the words saying which one is wrong. */
export function relaySettingsFrom(env: Record<string, string | undefined>): { ok: true; value: RelaySettings } | { ok: false; reason: string } {
  const problems: string[] = [];
  const proxies = (env.FLUX_TRUSTED_PROXIES ?? "").trim() || "0";
  if (!/^\d{1,2}$/.test(proxies)) {
    problems.push(`FLUX_TRUSTED_PROXIES must be the number of proxies in front of the app (0 when clients connect to it directly), got ${echo(proxies)}`);
  }
  const transactions = (env.FLUX_RELAY_TRANSACTIONS ?? "").trim() || "deployment";
  if (transactions !== "deployment" && transactions !== "none") {
    problems.push(`FLUX_RELAY_TRANSACTIONS must be "deployment" (relay transactions to the deployment's contracts) or "none", got ${echo(transactions)}`);
  }
  if (problems.length > 0) return { ok: false, reason: problems.join("; ") };
  return { ok: true, value: { trustedProxies: Number(proxies), transactions: transactions as RelayTransactions } };
}

/**
 * The client's address: the socket's when no proxy is trusted, else the entry `trustedProxies` places before the
 * socket in X-Forwarded-For (each trusted proxy appended the address it saw). Entries further left are whatever the
 * client wrote and never count; with fewer entries than trusted proxies the leftmost is taken.
 */
export function clientAddressOf(socketAddress: string, forwardedFor: string | undefined, trustedProxies: number): string {
  const chain = [...(forwardedFor ?? "").split(",").map((entry) => entry.trim()).filter(Boolean), socketAddress];
  return chain[Math.max(0, chain.length - 1 - trustedProxies)];
}

// ------------------------------------------------------------------------------------------------ error codes

/** JSON-RPC error codes (the spec's, and EIP-1474's for limits), named for what the relay means by them. */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotAvailable: -32601,
  /** EIP-1474 "invalid input": a call to an address outside the deployment, a missing `to`, a state override. */
  refusedParameters: -32000,
  /** EIP-1474 "limit exceeded": batch size, log range, rate. getLogsChunked halves its range on this code. */
  limitExceeded: -32005,
  internal: -32603,
} as const;

// ------------------------------------------------------------------------------------------------ methods

/**
 * Only reads and already-signed transactions pass: this endpoint holds no key and must not become a general proxy
 * for the node's admin, signing or filter methods.
 */
export const ALLOWED_METHODS = new Set([
  "eth_chainId",
  "net_version",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_call",
  "eth_estimateGas",
  "eth_getLogs",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_sendRawTransaction",
]);

/** Methods that run or read a contract: their target must be one of the deployment's addresses. */
const CALL_METHODS = new Set(["eth_call", "eth_estimateGas"]);
const ACCOUNT_READ_METHODS = new Set(["eth_getStorageAt", "eth_getCode"]);

// ------------------------------------------------------------------------------------------------ requests

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface JsonRpcError {
  jsonrpc: "2.0";
  id: number | string | null;
  error: { code: number; message: string };
}

export function rpcError(id: JsonRpcRequest["id"] | undefined, code: number, message: string): JsonRpcError {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}

/** The addresses reads may touch, or why there are none (no deployment file for the app's network). */
export type AddressBook = { ok: true; addresses: Set<string> } | { ok: false; reason: string };

export function addressBookOf(deployment: { ok: true; value: Deployment } | { ok: false; reason: string }): AddressBook {
  return deployment.ok ? { ok: true, addresses: deploymentAddresses(deployment.value) } : { ok: false, reason: deployment.reason };
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BLOCK_TAGS_AT_HEAD = new Set(["latest", "pending", "safe", "finalized"]);

/** A block parameter as a number: "earliest" is 0, a tag at the chain's head is `head`, absent is "latest". */
function blockNumberOf(value: unknown, head: () => number): number | undefined {
  if (value === undefined || value === null) return head();
  if (typeof value !== "string") return undefined;
  if (value === "earliest") return 0;
  if (BLOCK_TAGS_AT_HEAD.has(value)) return head();
  return /^0x[0-9a-fA-F]+$/.test(value) ? Number.parseInt(value, 16) : undefined;
}

/** Whether a getLogs filter names a block by tag (so the range check needs the chain's head). */
export function logFilterNeedsHead(request: JsonRpcRequest): boolean {
  if (request.method !== "eth_getLogs") return false;
  const filter = request.params?.[0] as { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown } | undefined;
  if (!filter || typeof filter !== "object" || filter.blockHash !== undefined) return false;
  return [filter.fromBlock, filter.toBlock].some((value) => value === undefined || value === null || BLOCK_TAGS_AT_HEAD.has(value as string));
}

/**
 * Why `request` may not go to the node, or null when it may. `head` is the chain's latest block number, asked for only
 * when a log filter names a block by tag.
 */
export function refusalOf(request: unknown, book: AddressBook, head: () => number, transactions: RelayTransactions = "deployment"): JsonRpcError | null {
  if (!request || typeof request !== "object" || Array.isArray(request)) {
    return rpcError(null, RPC_ERROR.invalidRequest, "each call must be a JSON-RPC request object");
  }
  const { id, method, params } = request as Partial<JsonRpcRequest>;
  if (typeof method !== "string" || !ALLOWED_METHODS.has(method)) {
    return rpcError(id, RPC_ERROR.methodNotAvailable, `method ${echo(method === undefined ? "undefined" : method)} is not available through the app's RPC endpoint`);
  }
  if (params !== undefined && !Array.isArray(params)) {
    return rpcError(id, RPC_ERROR.invalidRequest, `${method}'s params must be a list`);
  }
  const list = params ?? [];
  const outsideDeployment = (address: unknown, what: string): JsonRpcError | null => {
    if (typeof address !== "string" || !ADDRESS.test(address)) {
      return rpcError(id, RPC_ERROR.refusedParameters, `${method} needs ${what} as an address (0x and 40 hex digits), got ${echo(address)}`);
    }
    if (!book.ok) {
      return rpcError(id, RPC_ERROR.refusedParameters, `${method} to ${address} refused: the app has no deployment to check addresses against`);
    }
    if (book.addresses.has(address.toLowerCase())) return null;
    return rpcError(
      id,
      RPC_ERROR.refusedParameters,
      `${method} refused: ${address} is not one of this deployment's contracts, tokens, pairs or farms, the only addresses the app's RPC endpoint reads`,
    );
  };

  if (CALL_METHODS.has(method)) {
    const transaction = list[0] as { to?: unknown } | undefined;
    if (!transaction || typeof transaction !== "object") return rpcError(id, RPC_ERROR.invalidRequest, `${method} needs a transaction object`);
    // A third parameter is a state override: any code at any address, which is a free compute service, not a read.
    if (list.length > 2) return rpcError(id, RPC_ERROR.refusedParameters, `${method} with state overrides is not available through the app's RPC endpoint`);
    if (transaction.to === undefined || transaction.to === null) {
      return rpcError(id, RPC_ERROR.refusedParameters, `${method} without a "to" address (running creation code) is not available through the app's RPC endpoint`);
    }
    return outsideDeployment(transaction.to, 'its "to"');
  }
  if (ACCOUNT_READ_METHODS.has(method)) return outsideDeployment(list[0], "the account");
  if (method === "eth_sendRawTransaction") {
    if (transactions === "none") {
      return rpcError(id, RPC_ERROR.methodNotAvailable, "this app's RPC endpoint relays no transactions (FLUX_RELAY_TRANSACTIONS=none): send it through your wallet's own RPC");
    }
    let to: string | null;
    try {
      to = Transaction.from(String(list[0])).to;
    } catch {
      return rpcError(id, RPC_ERROR.invalidRequest, "eth_sendRawTransaction needs one signed transaction (0x-prefixed hex)");
    }
    if (to === null) return rpcError(id, RPC_ERROR.refusedParameters, "eth_sendRawTransaction refused: a contract creation is not relayed by the app's RPC endpoint");
    return outsideDeployment(to, 'its "to"');
  }
  if (method === "eth_getLogs") {
    const filter = list[0] as { address?: unknown; fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown } | undefined;
    if (!filter || typeof filter !== "object") return rpcError(id, RPC_ERROR.invalidRequest, "eth_getLogs needs a filter object");
    const addresses = Array.isArray(filter.address) ? filter.address : [filter.address];
    if (addresses.length === 0 || filter.address === undefined || filter.address === null) {
      return rpcError(id, RPC_ERROR.refusedParameters, "eth_getLogs needs an address filter naming the deployment's contracts (logs of every contract are not available)");
    }
    for (const address of addresses) {
      const refused = outsideDeployment(address, "each filter address");
      if (refused) return refused;
    }
    // A blockHash filter is one block.
    if (filter.blockHash === undefined) {
      const from = blockNumberOf(filter.fromBlock, head);
      const to = blockNumberOf(filter.toBlock, head);
      if (from === undefined || to === undefined) return rpcError(id, RPC_ERROR.invalidRequest, "eth_getLogs's fromBlock and toBlock must be block numbers or tags");
      const blocks = to - from + 1;
      if (blocks > MAX_LOG_BLOCK_RANGE) {
        return rpcError(
          id,
          RPC_ERROR.limitExceeded,
          `eth_getLogs range too large: blocks ${from} to ${to} are ${blocks} blocks, more than the ${MAX_LOG_BLOCK_RANGE} the app's RPC endpoint reads per request`,
        );
      }
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------------------ rate limit

/**
 * A token bucket per client: RATE_LIMIT_BURST_CALLS calls at once, refilled at RATE_LIMIT_CALLS_PER_SECOND. A request
 * takes one token per call in it, all or none.
 */
export class CallRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAtMs: number }>();

  constructor(
    private readonly burst = RATE_LIMIT_BURST_CALLS,
    private readonly perSecond = RATE_LIMIT_CALLS_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `calls` tokens from `client`'s bucket; when there are too few, takes none and says how long to wait (s). */
  take(client: string, calls: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, updatedAtMs: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAtMs) / 1000) * this.perSecond);
    bucket.updatedAtMs = now;
    this.buckets.delete(client);
    this.buckets.set(client, bucket); // most recently used last, so forgetting starts with the idlest
    if (this.buckets.size > RATE_LIMIT_MAX_CLIENTS) this.forgetIdle();
    if (bucket.tokens < calls) return { ok: false, retryAfterSeconds: Math.ceil((calls - bucket.tokens) / this.perSecond) };
    bucket.tokens -= calls;
    return { ok: true };
  }

  private forgetIdle() {
    for (const client of this.buckets.keys()) {
      if (this.buckets.size <= RATE_LIMIT_MAX_CLIENTS) break;
      this.buckets.delete(client);
    }
  }
}

/**
 * The header scripts/serve.ts sets on every request to the client's address (from the socket and the trusted proxy
 * depth, clientAddressOf), with FLUX_CLIENT_PROOF (a random value it puts in this process's environment) in
 * CLIENT_PROOF_HEADER. Both are overwritten on every request, so a client cannot choose them.
 */
export const CLIENT_HEADER = "x-flux-client";
export const CLIENT_PROOF_HEADER = "x-flux-client-proof";
/** The one bucket of every request whose client cannot be told (the app not served by scripts/serve.ts). */
export const UNATTRIBUTED_CLIENT = "unattributed";

/**
 * Who is asking, for the rate limit. A route handler does not see the socket, and `next start` passes through an
 * X-Forwarded-For the client wrote, so only scripts/serve.ts's header counts, and only with its proof. Served any
 * other way (next start, next dev) every request shares one bucket: a forged header never buys a fresh one.
 */
export function clientOf(request: Request, proof: string | undefined = process.env.FLUX_CLIENT_PROOF): string {
  if (!proof || request.headers.get(CLIENT_PROOF_HEADER) !== proof) return UNATTRIBUTED_CLIENT;
  return request.headers.get(CLIENT_HEADER) ?? UNATTRIBUTED_CLIENT;
}

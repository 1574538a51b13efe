/**
 * The deploy's view of its node: an RPC failure is not an answer. A refused connection, an HTTP 502 or 503, an answer
 * that is not JSON-RPC, a timeout or a rate limit says nothing about the chain, so the deploy retries it with backoff
 * (logging each retry as a "transient RPC error") and, when the node still fails, stops with those words, never with
 * a verdict on the config. A revert or any other JSON-RPC error the node answers is the chain's answer and is passed
 * on at once.
 *
 * A retried eth_sendRawTransaction may have reached the node the first time (the answer was lost on the way back):
 * when the retry is refused, the transaction is looked up by its hash and, if the node knows it, taken as sent.
 */
import { isError, keccak256 } from "ethers";
import type { EIP1193Provider, RequestArguments } from "hardhat/types";
import { redactRpcText } from "../../lib/rpcUrl";

/** Waits between attempts: 0.25 s, 0.5 s, 1 s, 2 s, 4 s, 8 s (about 16 s in all, a node restart's worth). */
export const RPC_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);
/** Hardhat's own words for a node it could not reach or understand: HH108 not running, HH109 timeout, HH110 not JSON-RPC. */
const TRANSIENT_HARDHAT_ERRORS = new Set([108, 109, 110]);
const TRANSIENT_MESSAGE = /Invalid JSON-RPC response|socket hang up|ECONNRESET|ECONNREFUSED|Bad Gateway|Service Unavailable|Gateway Time-?out|Too Many Requests|other side closed|fetch failed/i;

/** Whether `error` is a failure to get the node's answer (worth retrying) rather than the node's answer. */
export function isTransientRpcError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, number, cause } = error as { code?: unknown; number?: unknown; cause?: unknown };
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  if (code === -32005) return true; // limit exceeded (EIP-1474): a rate limit
  if (typeof number === "number" && TRANSIENT_HARDHAT_ERRORS.has(number)) return true;
  if (isError(error, "SERVER_ERROR") || isError(error, "TIMEOUT") || isError(error, "NETWORK_ERROR")) return true;
  if (error instanceof Error && TRANSIENT_MESSAGE.test(error.message)) return true;
  return cause !== undefined && cause !== error && isTransientRpcError(cause);
}

/** The first line of an error's message, with any URL cut to scheme, host and port (a node URL may carry its key). */
export function rpcFailureWords(error: unknown): string {
  const text = (error as { shortMessage?: string })?.shortMessage ?? (error instanceof Error ? error.message : String(error));
  return redactRpcText(text.split("\n")[0]);
}

export class TransientRpcError extends Error {
  constructor(
    public readonly method: string,
    public readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `transient RPC error: ${method} failed ${attempts} time(s) in a row (${rpcFailureWords(cause)}). This is the node ` +
        `or the connection to it, not the config: check the node and run again (nothing unrecorded was sent)`,
    );
    this.name = "TransientRpcError";
  }
}

export interface RetryOptions {
  log?: (line: string) => void;
  delaysMs?: number[];
}

/**
 * Makes every request through `provider` (Hardhat's network provider, which hre.ethers and the upgrades plugin use)
 * retry transient failures. Returns a function that undoes it.
 */
export function retryTransientRpcErrors(provider: EIP1193Provider & { send?: unknown }, options: RetryOptions = {}): () => void {
  const log = options.log ?? (() => {});
  const delays = options.delaysMs ?? RPC_RETRY_DELAYS_MS;
  const original = provider.request.bind(provider);
  const originalSend = provider.send;
  const request = async (args: RequestArguments): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await original(args);
      } catch (error) {
        if (attempt > 0 && args.method === "eth_sendRawTransaction" && !isTransientRpcError(error)) {
          // The first attempt may have delivered it: a node that knows the hash has it.
          const raw = (args.params as string[])[0];
          const hash = keccak256(raw);
          const known = await request({ method: "eth_getTransactionByHash", params: [hash] }).catch(() => null);
          if (known) return hash;
          throw error;
        }
        if (!isTransientRpcError(error)) throw error;
        if (attempt >= delays.length) throw new TransientRpcError(args.method, attempt + 1, error);
        log(`  transient RPC error on ${args.method} (${rpcFailureWords(error)}): retrying in ${delays[attempt]} ms`);
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  };
  provider.request = request as EIP1193Provider["request"];
  provider.send = (method: string, params?: unknown[]) => request({ method, params });
  return () => {
    provider.request = original;
    provider.send = originalSend;
  };
}

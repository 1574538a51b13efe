/**
 * eth_getLogs over block ranges of any length: public RPC endpoints cap the block range (or the result size) of one
 * request, so a long range is read in chunks that shrink when the node refuses one.
 */
import type { Filter, Log } from "ethers";

/** The part of a Provider that getLogsChunked needs (a test passes a fake). */
export interface LogSource {
  getLogs(filter: Filter): Promise<Log[]>;
}

export interface ChunkOptions {
  /** Blocks per request to start with; many public RPCs cap a request at 1,000-10,000 blocks. */
  chunkSize?: number;
  /** Below this, a refused request is an error rather than a reason to ask for less. */
  minChunkSize?: number;
}

/** Errors with which nodes refuse a block range or a result set that is too large. */
const RANGE_REFUSAL = /range|limit|too many|too large|exceed|more than|10000 results|response size|timeout|-32005|-32602|-32614/i;

/** Every text an ethers error carries: the node's own refusal is often nested under `error` or `info`. */
function errorText(error: unknown): string {
  if (!error || typeof error !== "object") return String(error);
  const record = error as { message?: unknown; shortMessage?: unknown; error?: { message?: unknown; code?: unknown }; info?: unknown };
  return [record.shortMessage, record.message, record.error?.message, record.error?.code, JSON.stringify(record.info ?? "")]
    .filter(Boolean)
    .join(" ");
}

/**
 * eth_getLogs over [fromBlock, toBlock] in chunks, so it also works on chains whose RPCs cap the block range of a
 * request. A chunk the node refuses as too large is retried in halves (and the smaller size kept); any other
 * error, or a refusal at the minimum size, is thrown. Logs come back in chain order.
 */
export async function getLogsChunked(
  source: LogSource,
  filter: { address?: string | string[]; topics?: Filter["topics"] },
  fromBlock: number,
  toBlock: number,
  options: ChunkOptions = {},
): Promise<Log[]> {
  let chunk = Math.max(1, options.chunkSize ?? 5_000);
  const minChunk = Math.max(1, options.minChunkSize ?? 1);
  const logs: Log[] = [];
  let start = fromBlock;
  while (start <= toBlock) {
    const end = Math.min(start + chunk - 1, toBlock);
    try {
      logs.push(...(await source.getLogs({ ...filter, fromBlock: start, toBlock: end })));
      start = end + 1;
    } catch (error) {
      if (chunk <= minChunk || !RANGE_REFUSAL.test(errorText(error))) throw error;
      chunk = Math.max(minChunk, Math.floor(chunk / 2));
    }
  }
  return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}

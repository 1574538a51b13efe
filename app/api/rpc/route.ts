import { RPC_URL } from "../../chain";

export const dynamic = "force-dynamic";

/**
 * The browser's way to the chain: JSON-RPC forwarded to the node the server reads (FLUX_RPC_URL), so the page works
 * wherever it is opened from and a keyed RPC URL never reaches the browser. Only reads and already-signed
 * transactions pass: this endpoint holds no key and must not become a general proxy for the node's admin methods.
 */
const ALLOWED_METHODS = new Set([
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

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

function refusal(request: Partial<JsonRpcRequest>) {
  return {
    jsonrpc: "2.0",
    id: request.id ?? null,
    error: { code: -32601, message: `method ${String(request.method)} is not available through the app's RPC endpoint` },
  };
}

export async function POST(request: Request): Promise<Response> {
  let body: JsonRpcRequest | JsonRpcRequest[];
  try {
    body = await request.json();
  } catch {
    return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }, { status: 400 });
  }
  const requests = Array.isArray(body) ? body : [body];
  const allowed = requests.filter((entry) => ALLOWED_METHODS.has(entry?.method));
  const refused = requests.filter((entry) => !ALLOWED_METHODS.has(entry?.method)).map(refusal);
  let answered: unknown[] = [];
  if (allowed.length > 0) {
    try {
      const upstream = await fetch(RPC_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(allowed),
        cache: "no-store",
      });
      const result = await upstream.json();
      answered = Array.isArray(result) ? result : [result];
    } catch (error) {
      const message = `the chain at ${RPC_URL} did not answer: ${error instanceof Error ? error.message : String(error)}`;
      answered = allowed.map((entry) => ({ jsonrpc: "2.0", id: entry.id, error: { code: -32603, message } }));
    }
  }
  const responses = [...answered, ...refused];
  return Response.json(Array.isArray(body) ? responses : responses[0]);
}

import { readDeployment, type Deployment } from "../lib/deployments";
import { publicRedactor, redactRpcText, redactRpcUrl, rpcUrlProblem } from "../lib/rpcUrl";

/** Where the app reads the chain: which deployment file, and the JSON-RPC endpoint (no wallet needed to read). */
export const NETWORK = process.env.FLUX_NETWORK ?? "localhost";
export const RPC_URL = process.env.FLUX_RPC_URL ?? "http://127.0.0.1:8545";
/**
 * The RPC URL offered to a wallet that has to add the chain: its own setting, FLUX_WALLET_RPC_URL, never derived from
 * the server's (which may be private or keyed). Unset (or carrying user:pass@, which every visitor would see) it is
 * null, and the browser is given the app's own relay, /api/rpc.
 */
export const WALLET_RPC_URL: string | null = walletRpcUrlSetting(process.env.FLUX_WALLET_RPC_URL);

function walletRpcUrlSetting(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  const problem = rpcUrlProblem(value, "FLUX_WALLET_RPC_URL");
  let credentials = false;
  try {
    const url = new URL(value);
    credentials = url.username !== "" || url.password !== "";
  } catch {
    // rpcUrlProblem says why
  }
  if (problem || credentials) {
    console.error(`FLUX_WALLET_RPC_URL ignored, wallets are given the app's relay (/api/rpc): ${problem ?? `it carries user:pass@, which every visitor would see (${redactRpcUrl(value)})`}`);
    return null;
  }
  return value;
}

/** The deployment file for NETWORK, or why there is none. */
export function loadDeployment(): { ok: true; value: Deployment } | { ok: false; reason: string } {
  try {
    return { ok: true, value: readDeployment(NETWORK) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Why a server-side read of the chain failed, in words safe to show a visitor. FLUX_RPC_URL may carry an API key (in
 * its path, query or user info), and ethers puts the request URL into its error messages ("info={ requestUrl: ... }"),
 * so neither the URL nor any part of it that could be a key reaches the page: the operator finds the full cause in the
 * server's log, where the URL is redacted too (logs are shared more often than keys should be).
 */
export function describeChainReadFailure(error: unknown, rpcUrl: string = RPC_URL): string {
  const redact = publicRedactor(rpcUrl);
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.cause?.code ?? (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  // A node that is down answers nothing: say so, rather than show a socket error that names the host and port.
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/.test(message)) {
    return "the chain's node did not answer";
  }
  // ethers appends its request and response details in parentheses; the first clause is the reason in words.
  const reason = message.split(" (")[0].trim();
  return redact(reason.length > 0 ? reason : message).slice(0, 300);
}

/** The page's state when the chain cannot be read: what failed, in words, and what to do about it. */
export function ChainReadError({ title, what, error }: { title: string; what: string; error: unknown }) {
  console.error(`reading the ${what} (${NETWORK}) failed: ${redactRpcText(error instanceof Error ? error.message : String(error), RPC_URL)}`);
  return (
    <section>
      <h1>{title}</h1>
      <p className="notice">
        The {what} could not be read from the {NETWORK} chain: {describeChainReadFailure(error)}. Is the chain running?{" "}
        <code>npm start</code> brings up the local stack.
      </p>
    </section>
  );
}

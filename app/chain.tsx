import { readDeployment, type Deployment } from "../lib/deployments";

/** Where the app reads the chain: which deployment file, and the JSON-RPC endpoint (no wallet needed to read). */
export const NETWORK = process.env.FLUX_NETWORK ?? "localhost";
export const RPC_URL = process.env.FLUX_RPC_URL ?? "http://127.0.0.1:8545";
/** The RPC URL offered to a wallet that has to add the chain; the server's own may be private or keyed. */
export const WALLET_RPC_URL = process.env.FLUX_WALLET_RPC_URL ?? RPC_URL;

/** The deployment file for NETWORK, or why there is none. */
export function loadDeployment(): { ok: true; value: Deployment } | { ok: false; reason: string } {
  try {
    return { ok: true, value: readDeployment(NETWORK) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The page's state when the chain cannot be read: what failed, in words, and what to do about it. */
export function ChainReadError({ title, what, error }: { title: string; what: string; error: unknown }) {
  return (
    <section>
      <h1>{title}</h1>
      <p className="notice">
        The {what} could not be read from {RPC_URL} ({NETWORK}): {error instanceof Error ? error.message : String(error)}.
        Is the chain running? <code>npm start</code> brings up the local stack.
      </p>
    </section>
  );
}

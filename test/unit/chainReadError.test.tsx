/**
 * The page a visitor sees when the server cannot read the chain (app/chain.tsx): it says what failed in words and
 * never shows the node's URL, which may carry the operator's API key (FLUX_RPC_URL).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { FetchRequest, makeError } from "ethers";

const KEYED_RPC_URL = "https://polygon-mainnet.example-rpc.io/v3/0123456789abcdefSECRETKEY?apikey=querysecret42";
const SECRETS = ["polygon-mainnet.example-rpc.io", "0123456789abcdefSECRETKEY", "querysecret42", KEYED_RPC_URL];

/** ethers' own shape for an HTTP failure: the message carries the request URL in its info. */
function ethersServerError(url: string): Error {
  const request = new FetchRequest(url);
  return makeError("server response 401 Unauthorized", "SERVER_ERROR", {
    request,
    response: undefined as never,
    info: { requestUrl: url, responseBody: "invalid project id", responseStatus: "401 Unauthorized" },
  });
}

/** A socket error as Node's fetch throws it: the host and port in the cause's message. */
function connectionRefused(): Error {
  const cause = Object.assign(new Error("connect ECONNREFUSED polygon-mainnet.example-rpc.io:443"), { code: "ECONNREFUSED" });
  return new TypeError("fetch failed", { cause });
}

describe("ChainReadError and describeChainReadFailure (app/chain.tsx)", () => {
  beforeEach(() => {
    vi.resetModules();
    vi.stubEnv("FLUX_RPC_URL", KEYED_RPC_URL);
    vi.stubEnv("FLUX_NETWORK", "polygon");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("renders the failure in words, naming the network, with no part of a keyed URL", async () => {
    const { ChainReadError } = await import("../../app/chain");
    for (const error of [ethersServerError(KEYED_RPC_URL), connectionRefused(), new Error(`bad response from ${KEYED_RPC_URL}`), KEYED_RPC_URL]) {
      const html = renderToStaticMarkup(<ChainReadError title="Farms" what="vaults" error={error} />);
      expect(html).toContain("The vaults could not be read from the polygon chain");
      for (const secret of SECRETS) expect(html).not.toContain(secret);
      // The operator's log keeps the cause, with the URL redacted to scheme://host:port (lib/rpcUrl.ts).
      const logged = String(vi.mocked(console.error).mock.calls.at(-1)?.[0]);
      expect(logged).toContain("reading the vaults (polygon) failed");
      for (const secret of SECRETS.slice(1)) expect(logged).not.toContain(secret);
    }
  });

  it("says the node did not answer when it is down, and keeps ethers' reason otherwise", async () => {
    const { describeChainReadFailure } = await import("../../app/chain");
    expect(describeChainReadFailure(connectionRefused(), KEYED_RPC_URL)).toBe("the chain's node did not answer");
    expect(describeChainReadFailure(ethersServerError(KEYED_RPC_URL), KEYED_RPC_URL)).toBe("server response 401 Unauthorized");
    expect(describeChainReadFailure(new Error(`no contract code at 0x12 on ${KEYED_RPC_URL}`), KEYED_RPC_URL)).toBe(
      "no contract code at 0x12 on [redacted]",
    );
  });
});

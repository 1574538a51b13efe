/**
 * The relay's settings and client identity (app/api/rpc/relayPolicy.ts) and scripts/serve.ts's refusal to start on a
 * wrong one: in words, naming the setting, quoting no secret.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { clientAddressOf, relaySettingsFrom } from "../../app/api/rpc/relayPolicy";

describe("clientAddressOf: the socket's address, or the entry the trusted proxies appended", () => {
  it("ignores X-Forwarded-For with no trusted proxy, and takes the right entry behind one or two", () => {
    expect(clientAddressOf("203.0.113.9", "1.2.3.4, 5.6.7.8", 0)).toBe("203.0.113.9");
    expect(clientAddressOf("203.0.113.9", undefined, 0)).toBe("203.0.113.9");
    // Behind one proxy (the socket is the proxy): the last entry is the one it appended; earlier ones are the client's.
    expect(clientAddressOf("10.0.0.2", "6.6.6.6, 198.51.100.4", 1)).toBe("198.51.100.4");
    expect(clientAddressOf("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1", 2)).toBe("198.51.100.4");
    // Fewer entries than trusted proxies: the leftmost (the proxy's own view when it is the first hop).
    expect(clientAddressOf("10.0.0.2", "198.51.100.4", 3)).toBe("198.51.100.4");
    expect(clientAddressOf("10.0.0.2", "", 1)).toBe("10.0.0.2");
  });
});

describe("relaySettingsFrom", () => {
  it("defaults to no trusted proxy and transactions to the deployment's contracts", () => {
    expect(relaySettingsFrom({})).toEqual({ ok: true, value: { trustedProxies: 0, transactions: "deployment" } });
    expect(relaySettingsFrom({ FLUX_TRUSTED_PROXIES: "1", FLUX_RELAY_TRANSACTIONS: "none" })).toEqual({ ok: true, value: { trustedProxies: 1, transactions: "none" } });
  });
  it("refuses a wrong value in words", () => {
    expect(relaySettingsFrom({ FLUX_TRUSTED_PROXIES: "-1" })).toEqual({ ok: false, reason: expect.stringContaining("FLUX_TRUSTED_PROXIES must be the number of proxies") });
    expect(relaySettingsFrom({ FLUX_RELAY_TRANSACTIONS: "all" })).toEqual({ ok: false, reason: expect.stringContaining('FLUX_RELAY_TRANSACTIONS must be "deployment"') });
  });
});

describe("scripts/serve.ts refuses to start on a wrong setting", () => {
  const serve = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join("node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "scripts/serve.ts", "--port", "3170"], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("names each wrong setting, quotes no credential or key, and exits 1 before listening", () => {
    const run = serve({
      FLUX_RPC_URL: "ftp://opuser:pa55-8f3e1d@rpc.example.org/key-123c9e?apikey=qv-456a7b",
      FLUX_WALLET_RPC_URL: "https://walletuser:wpass-77a1@rpc.example.org/",
      FLUX_TRUSTED_PROXIES: "many",
      FLUX_RELAY_TRANSACTIONS: "all",
    });
    const output = `${run.stdout}${run.stderr}`;
    console.log(output.trim());
    expect(run.status).toBe(1);
    expect(output).toContain("refusing to start");
    expect(output).toContain("FLUX_RPC_URL uses ftp://, but only http:// and https:// RPC URLs are supported (ftp://rpc.example.org)");
    expect(output).toContain("FLUX_WALLET_RPC_URL carries user:pass@ (https://rpc.example.org:443)");
    expect(output).toContain("FLUX_TRUSTED_PROXIES must be the number of proxies");
    expect(output).toContain('FLUX_RELAY_TRANSACTIONS must be "deployment"');
    for (const secret of ["opuser", "pa55-8f3e1d", "key-123c9e", "qv-456a7b", "walletuser", "wpass-77a1"]) expect(output).not.toContain(secret);
  }, 60_000);
});

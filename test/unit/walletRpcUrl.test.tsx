/**
 * Finding 1 of issue 17: the layout handed FLUX_RPC_URL (keyed) to a client component, so every page's HTML carried it.
 * The browser's RPC URL is now its own setting (FLUX_WALLET_RPC_URL) and defaults to the app's relay.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";

// The header's client components ask for Next's router, which only a running app has.
vi.mock("next/navigation", () => ({
  useRouter: () => ({ refresh() {}, push() {}, replace() {}, prefetch() {} }),
  usePathname: () => "/",
  useSearchParams: () => new URLSearchParams(),
}));

const KEYED_RPC_URL = "http://user:secret@127.0.0.1:3152/key123?apikey=q456";
const SECRET_PARTS = ["user:", "secret", "key123", "q456", "apikey", "3152"];
const ADDRESS = (digit: string) => `0x${digit.repeat(40)}`;

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-wallet-url-"));
  fs.writeFileSync(
    path.join(directory, "keyed.json"),
    JSON.stringify({
      network: "keyed",
      chainId: 31337,
      startBlock: 0,
      deployer: ADDRESS("1"),
      owner: ADDRESS("1"),
      guardian: ADDRESS("1"),
      tokens: { USDC: { address: ADDRESS("4"), artifact: "FaucetToken", decimals: 6 } },
      pools: {},
      updatedAt: "2025-01-01T00:00:00.000Z",
    }),
  );
  vi.resetModules();
  vi.stubEnv("FLUX_RPC_URL", KEYED_RPC_URL);
  vi.stubEnv("FLUX_NETWORK", "keyed");
  vi.stubEnv("FLUX_DEPLOYMENTS_DIR", directory);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  fs.rmSync(directory, { recursive: true, force: true });
});

/**
 * The layout's element tree as the server hands it over: every prop of every element (a client component's props are
 * what Next serializes into the page's flight data, so they are what a visitor's browser receives), and its HTML.
 */
async function renderLayout(): Promise<{ props: string; html: string }> {
  const { default: RootLayout } = await import("../../app/layout");
  const tree = RootLayout({ children: "page" });
  const props: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object" || !("props" in node)) return;
    const { children, ...rest } = (node as { props: Record<string, unknown> }).props;
    props.push(JSON.stringify(rest, (_, value) => (typeof value === "bigint" ? value.toString() : value)));
    walk(children);
  };
  walk(tree);
  return { props: props.join("\n"), html: renderToStaticMarkup(tree) };
}

describe("the browser's RPC URL (app/chain.tsx, app/layout.tsx)", () => {
  it("is not derived from a keyed FLUX_RPC_URL: the rendered layout carries no part of it", async () => {
    vi.stubEnv("FLUX_WALLET_RPC_URL", "");
    const { WALLET_RPC_URL } = await import("../../app/chain");
    expect(WALLET_RPC_URL).toBeNull();
    const { props, html } = await renderLayout();
    console.log(`layout rendered: ${props.length} characters of props, ${html.length} of HTML, with FLUX_RPC_URL=<keyed>`);
    expect(props).toContain('"walletRpcUrl":null');
    expect(html).toContain("Flux V2");
    for (const part of SECRET_PARTS) {
      expect(props).not.toContain(part);
      expect(html).not.toContain(part);
    }
  }, 30_000); // the first import of the layout's module tree (ethers, the wallet) takes seconds on a busy machine

  it("is FLUX_WALLET_RPC_URL when set, and refused (relay instead) when it carries user:pass@", async () => {
    vi.stubEnv("FLUX_WALLET_RPC_URL", "https://rpc.public.example/");
    expect((await import("../../app/chain")).WALLET_RPC_URL).toBe("https://rpc.public.example/");
    vi.resetModules();
    vi.stubEnv("FLUX_WALLET_RPC_URL", KEYED_RPC_URL);
    expect((await import("../../app/chain")).WALLET_RPC_URL).toBeNull();
    const logged = String(vi.mocked(console.error).mock.calls.at(-1)?.[0]);
    expect(logged).toContain("FLUX_WALLET_RPC_URL ignored");
    for (const part of ["secret", "key123", "q456"]) expect(logged).not.toContain(part);
  });
});

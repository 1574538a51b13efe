/**
 * Finding the browser's wallets: EIP-6963 announcements (every extension that supports it answers a request
 * event), then `window.ethereum` for older wallets that only inject themselves.
 */

/** The EIP-1193 surface the app uses: requests and the two events that make it rebuild its signer. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: "accountsChanged" | "chainChanged", listener: (value: never) => void): void;
  removeListener?(event: "accountsChanged" | "chainChanged", listener: (value: never) => void): void;
}

export interface WalletChoice {
  /** Stable across reloads, so the app can reconnect to the wallet chosen last time. */
  id: string;
  name: string;
  /** A data: URI the wallet announced, if any. */
  icon?: string;
  provider: Eip1193Provider;
  kind: "browser" | "development";
}

interface Eip6963AnnounceEvent extends Event {
  detail: { info: { uuid: string; name: string; icon: string; rdns: string }; provider: Eip1193Provider };
}

/**
 * Asks every EIP-6963 wallet to announce itself and collects the answers for `waitMs`. Falls back to
 * window.ethereum when nobody answered, so a wallet that only injects is still offered.
 */
export async function discoverBrowserWallets(waitMs = 300): Promise<WalletChoice[]> {
  if (typeof window === "undefined") return [];
  const found = new Map<string, WalletChoice>();
  const onAnnounce = (event: Event) => {
    const { info, provider } = (event as Eip6963AnnounceEvent).detail;
    // rdns identifies the wallet across page loads; the uuid is per session.
    found.set(info.rdns, { id: `eip6963:${info.rdns}`, name: info.name, icon: info.icon, provider, kind: "browser" });
  };
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  window.removeEventListener("eip6963:announceProvider", onAnnounce);

  const injected = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  const alreadyFound = [...found.values()].some((choice) => choice.provider === injected);
  if (injected && !alreadyFound) {
    found.set("injected", { id: "injected", name: "Browser wallet", provider: injected, kind: "browser" });
  }
  return [...found.values()];
}

/**
 * An EIP-1193 wallet injected into the page for browser tests, standing in for a browser extension: the page sees a
 * provider announced through EIP-6963 (and as window.ethereum); every request crosses to the test process, which
 * signs with a test key and talks to the node. Nothing in the app knows it is a test.
 */
import { JsonRpcProvider, toQuantity, Wallet } from "ethers";
import { sendRpcTransaction, type RpcTransaction } from "../../app/wallet/developmentWallet";
import type { Page } from "playwright-core";

export const TEST_WALLET_NAME = "Flux Test Wallet";


/** What crosses back into the page: a result, or an EIP-1193 error (code, message, revert data). */
type WalletAnswer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

export interface TestWallet {
  address: string;
  /** Every method the page asked for, in order: the test can check that signing went through the wallet. */
  requests: string[];
  /** What the page asked the wallet to add with wallet_addEthereumChain. */
  addedChains: unknown[];
  /** Makes the wallet refuse the next signature, as a person pressing "Reject" would. */
  rejectNextSignature(): void;
}

export interface TestWalletOptions {
  /** The chain the wallet says it is on at first, to test the wrong-chain banner; switching moves it to the node's. */
  startOnChainId?: number;
  /** A wallet that has never seen the node's chain: switching fails with 4902 until the page adds the chain. */
  chainUnknown?: boolean;
}

export async function installTestWallet(page: Page, privateKey: string, rpcUrl: string, options: TestWalletOptions = {}): Promise<TestWallet> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  const chainId = Number((await provider.getNetwork()).chainId);
  let currentChainId = options.startOnChainId ?? chainId;
  let chainKnown = !options.chainUnknown;
  const addedChains: unknown[] = [];
  const signer = new Wallet(privateKey, provider);
  const requests: string[] = [];
  let rejectNext = false;

  const answer = async (method: string, params: unknown[]): Promise<WalletAnswer> => {
    requests.push(method);
    try {
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return { result: [signer.address] };
        case "eth_chainId":
          return { result: toQuantity(currentChainId) };
        case "wallet_switchEthereumChain":
          if (Number((params[0] as { chainId: string }).chainId) !== chainId || !chainKnown) {
            return { error: { code: 4902, message: "Unrecognized chain ID. Try adding the chain using wallet_addEthereumChain first." } };
          }
          currentChainId = chainId;
          return { result: null };
        case "wallet_addEthereumChain":
          // As wallets do: adding a chain also switches to it.
          addedChains.push(params[0]);
          if (Number((params[0] as { chainId: string }).chainId) !== chainId) return { error: { code: -32602, message: "The chain's RPC answers with another chain id." } };
          chainKnown = true;
          currentChainId = chainId;
          return { result: null };
        case "eth_sendTransaction": {
          if (currentChainId !== chainId) return { error: { code: 4901, message: "The wallet is on another chain." } };
          if (rejectNext) {
            rejectNext = false;
            return { error: { code: 4001, message: "User rejected the request." } };
          }
          return { result: await sendRpcTransaction(signer, provider, params[0] as RpcTransaction) };
        }
        default:
          return { result: await provider.send(method, params) };
      }
    } catch (error) {
      // A node error keeps its code and revert data, as a real wallet passes them on.
      const nodeError = (error as { error?: { code?: number; message?: string; data?: unknown } }).error;
      return { error: { code: nodeError?.code ?? -32603, message: nodeError?.message ?? String(error), data: nodeError?.data } };
    }
  };
  await page.exposeFunction("__fluxTestWalletRequest", (method: string, params: unknown[]) => answer(method, params ?? []));

  await page.addInitScript((name: string) => {
    type Answer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };
    const bridge = (window as unknown as { __fluxTestWalletRequest(method: string, params: unknown[]): Promise<Answer> }).__fluxTestWalletRequest;
    const listeners = new Map<string, Set<(value: unknown) => void>>();
    const provider = {
      async request({ method, params }: { method: string; params?: unknown[] }) {
        const reply = await bridge(method, params ?? []);
        if ("error" in reply) throw Object.assign(new Error(reply.error.message), reply.error);
        // A real wallet tells the page it moved to another chain; so does this one.
        if (method === "wallet_switchEthereumChain" || method === "wallet_addEthereumChain") {
          for (const listener of listeners.get("chainChanged") ?? []) listener((params as [{ chainId: string }])[0].chainId);
        }
        return reply.result;
      },
      on(event: string, listener: (value: unknown) => void) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
      },
      removeListener(event: string, listener: (value: unknown) => void) {
        listeners.get(event)?.delete(listener);
      },
    };
    const info = {
      uuid: "8c6f0f2e-5c1a-4a38-9e0b-2f7d7a1c0001",
      name,
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 20'%3E%3Ccircle cx='10' cy='10' r='9' fill='%232a6df4'/%3E%3C/svg%3E",
      rdns: "dev.flux.testwallet",
    };
    const announce = () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
    (window as unknown as { ethereum: unknown }).ethereum = provider;
  }, TEST_WALLET_NAME);

  return {
    address: signer.address,
    requests,
    addedChains,
    rejectNextSignature: () => {
      rejectNext = true;
    },
  };
}

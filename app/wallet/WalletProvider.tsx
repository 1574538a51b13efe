"use client";

import { JsonRpcProvider, Network, toQuantity, type JsonRpcSigner } from "ethers";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Deployment } from "../../lib/deployments";
import { describeError, tokenBook, type TokenBook } from "../../lib/errors";
import { discoverBrowserWallets, type Eip1193Provider, type WalletChoice } from "./discovery";
import { developmentWalletChoices, LOCAL_CHAIN_ID, type SignatureRequest } from "./developmentWallet";
import { SignatureDialog } from "./SignatureDialog";
import { GasHeadroomBrowserProvider } from "./gasHeadroomProvider";

/** How often the app asks for the latest block; every read that shows live numbers refetches on a new block. */
const BLOCK_POLL_MS = 4_000;
const LAST_WALLET_KEY = "flux.lastWallet";

export interface ChainContextValue {
  deployment: Deployment;
  /** Reads go through the app's own /api/rpc endpoint: visible before any wallet is connected. */
  readProvider: JsonRpcProvider;
  tokens: TokenBook;
  /** The latest block seen; null until the first answer. Use it as a dependency to refetch live data. */
  blockNumber: number | null;
  /** The chain could not be read; shown by the pages, in words. */
  readError: string | null;
  /** Ask for the latest block now (after a transaction), instead of at the next poll. */
  refresh(): void;
}

export interface WalletContextValue {
  choices: WalletChoice[];
  /** The connected account, or null. */
  address: string | null;
  chainId: number | null;
  /** Null until connected to the deployment's chain: a signer on another chain would send to the wrong place. */
  signer: JsonRpcSigner | null;
  walletName: string | null;
  wrongChain: boolean;
  connecting: boolean;
  error: string | null;
  connect(choice: WalletChoice): Promise<void>;
  disconnect(): void;
  switchChain(): Promise<void>;
}

const ChainContext = createContext<ChainContextValue | null>(null);
const WalletContext = createContext<WalletContextValue | null>(null);

export function useChain(): ChainContextValue {
  const value = useContext(ChainContext);
  if (!value) throw new Error("useChain must be used inside <AppProviders>");
  return value;
}

export function useWallet(): WalletContextValue {
  const value = useContext(WalletContext);
  if (!value) throw new Error("useWallet must be used inside <AppProviders>");
  return value;
}

interface Connection {
  choice: WalletChoice;
  address: string;
  chainId: number;
  signer: JsonRpcSigner | null;
}

export interface AppProvidersProps {
  deployment: Deployment;
  /**
   * The RPC URL a wallet is given when it must add the chain (wallet_addEthereumChain): FLUX_WALLET_RPC_URL, or null
   * for the app's own relay (/api/rpc on this page's origin). Never the server's FLUX_RPC_URL, which may be keyed.
   */
  walletRpcUrl: string | null;
  children: ReactNode;
}

export function AppProviders({ deployment, walletRpcUrl, children }: AppProvidersProps) {
  const readProvider = useMemo(() => {
    const url = typeof window === "undefined" ? "http://localhost/api/rpc" : new URL("/api/rpc", window.location.origin).href;
    return new JsonRpcProvider(url, Network.from(deployment.chainId), { staticNetwork: true, polling: false });
  }, [deployment.chainId]);
  const tokens = useMemo(() => tokenBook(deployment.tokens), [deployment.tokens]);

  const [blockNumber, setBlockNumber] = useState<number | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const poll = useCallback(async () => {
    try {
      setBlockNumber(await readProvider.getBlockNumber());
      setReadError(null);
    } catch (error) {
      setReadError(describeError(error));
    }
  }, [readProvider]);
  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), BLOCK_POLL_MS);
    return () => clearInterval(timer);
  }, [poll]);

  const [choices, setChoices] = useState<WalletChoice[]>([]);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connectionRef = useRef<Connection | null>(null);
  connectionRef.current = connection;

  // The development wallet's requests waiting for Confirm or Reject, first shown first.
  const [signatureQueue, setSignatureQueue] = useState<{ id: number; request: SignatureRequest; answer(approved: boolean): void }[]>([]);
  const signatureIds = useRef(0);
  const confirmSignature = useCallback(
    (request: SignatureRequest) =>
      new Promise<boolean>((resolve) => {
        const id = ++signatureIds.current;
        setSignatureQueue((queue) => [...queue, { id, request, answer: resolve }]);
      }),
    [],
  );
  const answerSignature = useCallback(
    (approved: boolean) => {
      const first = signatureQueue[0];
      if (!first) return;
      first.answer(approved);
      setSignatureQueue((queue) => queue.filter((entry) => entry.id !== first.id));
    },
    [signatureQueue],
  );

  /** Builds a fresh provider and signer for the wallet's current account and chain: ethers' BrowserProvider is
   *  bound to one network, so any change in the wallet means a new one. */
  const attach = useCallback(
    async (choice: WalletChoice, requestAccess: boolean) => {
      const method = requestAccess ? "eth_requestAccounts" : "eth_accounts";
      const accounts = (await choice.provider.request({ method })) as string[];
      if (!accounts || accounts.length === 0) {
        setConnection(null);
        return;
      }
      const chainId = Number(await choice.provider.request({ method: "eth_chainId" }));
      const browserProvider = new GasHeadroomBrowserProvider(choice.provider, chainId);
      const signer = chainId === deployment.chainId ? await browserProvider.getSigner(accounts[0]) : null;
      setConnection({ choice, address: accounts[0], chainId, signer });
      window.localStorage.setItem(LAST_WALLET_KEY, choice.id);
    },
    [deployment.chainId],
  );

  // Discover wallets once, offer the development wallet on the local chain only, and quietly reconnect to the
  // wallet chosen last time (eth_accounts asks nothing of the person if access was granted before).
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const browserWallets = await discoverBrowserWallets();
      const all = deployment.chainId === LOCAL_CHAIN_ID ? [...browserWallets, ...developmentWalletChoices(readProvider, confirmSignature)] : browserWallets;
      if (cancelled) return;
      setChoices(all);
      const last = window.localStorage.getItem(LAST_WALLET_KEY);
      const previous = all.find((choice) => choice.id === last);
      if (previous) await attach(previous, false).catch(() => undefined);
    })();
    return () => {
      cancelled = true;
    };
  }, [attach, confirmSignature, deployment.chainId, readProvider]);

  // Account and chain changes in the wallet rebuild provider and signer.
  useEffect(() => {
    const provider: Eip1193Provider | undefined = connection?.choice.provider;
    if (!provider?.on || !connection) return;
    const choice = connection.choice;
    const onChange = () => void attach(choice, false).catch((reason) => setError(describeError(reason)));
    provider.on("accountsChanged", onChange);
    provider.on("chainChanged", onChange);
    return () => {
      provider.removeListener?.("accountsChanged", onChange);
      provider.removeListener?.("chainChanged", onChange);
    };
  }, [attach, connection]);

  const connect = useCallback(
    async (choice: WalletChoice) => {
      setConnecting(true);
      setError(null);
      try {
        await attach(choice, true);
      } catch (reason) {
        setError(describeError(reason));
      } finally {
        setConnecting(false);
      }
    },
    [attach],
  );

  const disconnect = useCallback(() => {
    window.localStorage.removeItem(LAST_WALLET_KEY);
    setConnection(null);
  }, []);

  const switchChain = useCallback(async () => {
    const current = connectionRef.current;
    if (!current) return;
    setError(null);
    const chainIdHex = toQuantity(deployment.chainId);
    try {
      await current.choice.provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: chainIdHex }] });
    } catch (reason) {
      // 4902: the wallet does not know this chain yet; add it (which also switches to it).
      if ((reason as { code?: number })?.code === 4902 || (reason as { data?: { originalError?: { code?: number } } })?.data?.originalError?.code === 4902) {
        try {
          await current.choice.provider.request({
            method: "wallet_addEthereumChain",
            params: [
              {
                chainId: chainIdHex,
                chainName: deployment.network === "localhost" ? "Flux local (Hardhat)" : deployment.network,
                rpcUrls: [walletRpcUrl ?? new URL("/api/rpc", window.location.origin).href],
                nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
              },
            ],
          });
        } catch (addError) {
          setError(describeError(addError));
          return;
        }
      } else {
        setError(describeError(reason));
        return;
      }
    }
    await attach(current.choice, false).catch((reason) => setError(describeError(reason)));
  }, [attach, deployment.chainId, deployment.network, walletRpcUrl]);

  const chainValue = useMemo<ChainContextValue>(
    () => ({ deployment, readProvider, tokens, blockNumber, readError, refresh: () => void poll() }),
    [deployment, readProvider, tokens, blockNumber, readError, poll],
  );
  const walletValue = useMemo<WalletContextValue>(
    () => ({
      choices,
      address: connection?.address ?? null,
      chainId: connection?.chainId ?? null,
      signer: connection?.signer ?? null,
      walletName: connection?.choice.name ?? null,
      wrongChain: connection !== null && connection.chainId !== deployment.chainId,
      connecting,
      error,
      connect,
      disconnect,
      switchChain,
    }),
    [choices, connection, connecting, error, connect, disconnect, switchChain, deployment.chainId],
  );

  return (
    <ChainContext.Provider value={chainValue}>
      <WalletContext.Provider value={walletValue}>
        {children}
        {signatureQueue.length > 0 && (
          <SignatureDialog
            key={signatureQueue[0].id}
            deployment={deployment}
            request={signatureQueue[0].request}
            queued={signatureQueue.length - 1}
            onAnswer={answerSignature}
          />
        )}
      </WalletContext.Provider>
    </ChainContext.Provider>
  );
}

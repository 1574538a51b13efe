"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { LOCAL_CHAIN_ID } from "./developmentWallet";
import { TestTokens } from "./TestTokens";
import { useChain, useWallet } from "./WalletProvider";

/**
 * "Get test tokens" in the header, next to the wallet button, on every page of the local chain (31337) only: opens
 * the same faucet card the Lend page shows. Without a connected wallet it says what to do first.
 */
export function TestTokensMenu() {
  const router = useRouter();
  const { deployment, refresh } = useChain();
  const { address } = useWallet();
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);

  // A click outside the panel or Escape closes it, as the wallet menu's choices do.
  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (container.current && !container.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onClick);
    window.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onClick);
      window.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (deployment.chainId !== LOCAL_CHAIN_ID) return null;
  return (
    <div className="test-tokens-menu" ref={container}>
      <button
        type="button"
        className="button-secondary"
        aria-expanded={open}
        aria-controls="test-tokens-panel"
        onClick={() => setOpen(!open)}
        data-testid="header-test-tokens"
      >
        Get test tokens
      </button>
      {open && (
        <div id="test-tokens-panel" className="test-tokens-panel" data-testid="header-test-tokens-panel">
          {address ? (
            <TestTokens
              onFunded={() => {
                refresh();
                router.refresh();
              }}
            />
          ) : (
            <p className="muted" data-testid="test-tokens-connect-first">
              Connect a wallet first (the development wallet&apos;s accounts or your own, on the local chain): the test
              tokens go to the connected account.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

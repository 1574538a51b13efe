"use client";

import { useState } from "react";
import { TestTokensMenu } from "./TestTokensMenu";
import { useWallet } from "./WalletProvider";

/** The header's wallet control: a menu of the wallets found, then the connected account; on the local chain,
 *  "Get test tokens" beside it. */
export function ConnectButton() {
  const wallet = useWallet();
  const [open, setOpen] = useState(false);

  if (wallet.address) {
    return (
      <div className="wallet-control">
        <TestTokensMenu />
        <span className="wallet-account" title={`${wallet.walletName}: ${wallet.address}`} data-testid="connected-account">
          {wallet.address.slice(0, 6)}…{wallet.address.slice(-4)}
        </span>
        <button type="button" className="button-secondary" onClick={wallet.disconnect}>
          Disconnect
        </button>
      </div>
    );
  }
  return (
    <div className="wallet-control">
      <TestTokensMenu />
      <button type="button" onClick={() => setOpen(!open)} disabled={wallet.connecting} aria-expanded={open}>
        {wallet.connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {open && (
        <div className="wallet-menu" role="menu">
          {wallet.choices.length === 0 && (
            <p className="muted">No browser wallet found. Install one (MetaMask, Rabby…) and reload the page.</p>
          )}
          {wallet.choices.map((choice) => (
            <button
              key={choice.id}
              type="button"
              role="menuitem"
              className="wallet-choice"
              onClick={() => {
                setOpen(false);
                void wallet.connect(choice);
              }}
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- wallets announce their icon as a data: URI */}
              {choice.icon && <img src={choice.icon} alt="" width={20} height={20} />}
              <span>{choice.name}</span>
              {choice.kind === "development" && <span className="badge">local test key</span>}
            </button>
          ))}
        </div>
      )}
      {wallet.error && <p className="field-error wallet-error">{wallet.error}</p>}
    </div>
  );
}

/** Shown under the header while the wallet is on another chain than the deployment's. */
export function WrongChainBanner({ chainName }: { chainName: string }) {
  const wallet = useWallet();
  if (!wallet.wrongChain) return null;
  return (
    <div className="banner banner-warning" role="alert">
      Your wallet is on chain {wallet.chainId}, but Flux here runs on {chainName}. Nothing can be signed until you
      switch.{" "}
      <button type="button" onClick={() => void wallet.switchChain()}>
        Switch to {chainName}
      </button>
      {wallet.error && <span className="field-error"> {wallet.error}</span>}
    </div>
  );
}

import type { ReactNode } from "react";
import "./globals.css";
import { loadDeployment, NETWORK, WALLET_RPC_URL } from "./chain";
import { AppProviders } from "./wallet/WalletProvider";
import { ConnectButton, WrongChainBanner } from "./wallet/ConnectButton";
import { LiquidationWarningBanner } from "./positions/LiquidationWarningBanner";

export const metadata = {
  title: "Flux V2",
  description: "Leveraged yield farming on the Flux lending pools",
};

// The deployment file is read per request: a redeploy (npm start again) shows without rebuilding the app.
export const dynamic = "force-dynamic";

function Header({ children }: { children?: ReactNode }) {
  return (
    <header className="site-header">
      <a href="/" className="brand">Flux V2</a>
      <nav>
        <a href="/farms">Farms</a>
        <a href="/positions">My positions</a>
        <a href="/lend">Lend</a>
      </nav>
      {children}
    </header>
  );
}

export default function RootLayout({ children }: { children: ReactNode }) {
  const deployment = loadDeployment();
  if (!deployment.ok) {
    return (
      <html lang="en">
        <body>
          <Header />
          <main>
            <p className="notice">
              No deployment to show: {deployment.reason}. Run <code>npm start</code> for the local stack, or set
              FLUX_NETWORK to a network with a file in deployments/.
            </p>
          </main>
        </body>
      </html>
    );
  }
  return (
    <html lang="en">
      <body>
        <AppProviders deployment={deployment.value} walletRpcUrl={WALLET_RPC_URL}>
          <Header>
            <ConnectButton />
          </Header>
          <WrongChainBanner chainName={deployment.value.network === "localhost" ? "the local chain (31337)" : `${NETWORK} (${deployment.value.chainId})`} />
          <LiquidationWarningBanner />
          <main>{children}</main>
        </AppProviders>
      </body>
    </html>
  );
}

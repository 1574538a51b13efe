import { readVaults, type VaultOverview } from "./vaults";
import { LeverageCalculator } from "./LeverageCalculator";
import { formatPercent, formatTokenAmount } from "../../lib/format";
import { ChainReadError, NETWORK, RPC_URL } from "../chain";
import styles from "./farms.module.css";
import { MIN_YIELD_WINDOW_TEXT } from "./formatWindow";
import { MeasuredYieldFigure, RateFigure } from "./YieldFigure";
import { PLAUSIBLE_RATE_BOUND } from "../../lib/farmYield";
import { pairLabel } from "../../lib/names";

export const dynamic = "force-dynamic";

/** Where a vault's open form lives: /farms/<vault name, URL-encoded>. */
function openHref(vaultName: string): string {
  return `/farms/${encodeURIComponent(vaultName)}`;
}

export default async function FarmsPage() {
  let vaults: VaultOverview[];
  try {
    vaults = await readVaults(NETWORK, RPC_URL);
  } catch (error) {
    return <ChainReadError title="Farms" what="vaults" error={error} />;
  }
  if (vaults.length === 0) {
    return (
      <section>
        <h1>Farms</h1>
        <p className="notice">
          The {NETWORK} deployment has no leveraged vaults yet. Deploy the farming side (<code>npm start</code> does
          locally) and they appear here.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Farms</h1>
      <p>
        Bring capital, borrow more from the core pools and farm a Uniswap V2 pair; the vault stakes the LP and
        compounds the FLUX rewards and earns the pair&apos;s trading fees. Rates are live from the chain.
      </p>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Vault</th>
              <th>Pair</th>
              <th>TVL</th>
              <th>Farm reward APR</th>
              <th>Trading-fee APR*</th>
              <th>Realized APY†</th>
              <th>Borrow APR</th>
              <th>Max leverage</th>
              {/* The column's links say what they do; the header only names the column for screen readers. */}
              <th aria-label="Open a position" />
            </tr>
          </thead>
          <tbody>
            {vaults.map((vault) => (
              <tr key={vault.address}>
                <td>{vault.name}</td>
                <td>{pairLabel(vault.name, vault.token0Symbol, vault.token1Symbol)}</td>
                <td>${formatTokenAmount(vault.tvlWad, 18)}</td>
                <td>
                  {vault.rewardApr === null ? "—" : <RateFigure rate={vault.rewardApr} basis="at current stake" testId={`reward-apr-${vault.name}`} />}
                </td>
                <td>
                  <MeasuredYieldFigure measured={vault.tradingFees} testId={`trading-fee-apr-${vault.name}`} />
                </td>
                <td>
                  <MeasuredYieldFigure measured={vault.realized} testId={`realized-apy-${vault.name}`} />
                </td>
                <td className="stacked">
                  {vault.pools.map((pool) => (
                    <span key={pool.symbol}>
                      {pool.symbol} {formatPercent(pool.borrowApr)}
                    </span>
                  ))}
                </td>
                <td>{vault.maxLeverage.toFixed(2)}x</td>
                <td>
                  <a className={styles.openLink} href={openHref(vault.name)} data-testid={`open-position-${vault.name}`}>
                    Open position
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Net APY at your leverage</h2>
      <div className="card-grid">
        {vaults.map((vault) => (
          <article key={vault.address} className="card">
            <h3>{vault.name}</h3>
            <LeverageCalculator
              vaultName={vault.name}
              rewardApr={vault.rewardApr}
              tradingFees={vault.tradingFees}
              borrowApr={vault.averageBorrowApr}
              maxLeverage={vault.maxLeverage}
            />
            <p className="muted">Borrow APR used: {formatPercent(vault.averageBorrowApr)} (average of the two pools).</p>
            <a className={styles.openLink} href={openHref(vault.name)}>
              Open a {vault.name} position
            </a>
          </article>
        ))}
      </div>

      <div className="footnotes">
        <p>
          TVL is the LP each vault has staked, valued at the fair LP price (the pair&apos;s invariant at the oracle&apos;s
          prices), the same price the vault lends against. The farm reward APR is the FLUX the farm pays in a year at
          the oracle&apos;s FLUX price over the value of all LP staked in it now; your own deposit dilutes it, and the
          open form shows the rate after it beside the rate now.
        </p>
        <p>
          Net APR at leverage L = (farm reward APR + trading-fee APR) x L - borrow APR x (L - 1); the net APY compounds
          it daily, a conservative round figure for the keeper&apos;s harvests (at most 6 hours apart). The borrow APR is
          the average of the vault&apos;s two pools&apos; current rates: a position&apos;s real cost depends on how its
          debt is split between the two tokens, and rates move with each pool&apos;s utilization.
        </p>
        <p data-testid="trading-fee-footnote">
          * The trading-fee APR is measured from the chain: the 0.3% fee Uniswap V2 keeps from every swap into the
          pair, summed from the pair&apos;s Swap events over the last 7 days (the last 24 hours while the deployment is
          younger than a week), valued at the oracle&apos;s prices, scaled to a year and divided by the value of all
          the pair&apos;s liquidity at the fair LP price. A deployment younger than {MIN_YIELD_WINDOW_TEXT} shows no
          figure: minutes of trading scaled to a year say nothing about a year. Past trading stands in for future
          trading, so the figure moves with volume.
        </p>
        <p data-testid="realized-footnote">
          † The realized APY is what the vault&apos;s harvests actually compounded: the growth of LP per vault share
          over the last 7 days (or since the deployment, once it is {MIN_YIELD_WINDOW_TEXT} old), compounded to a year
          at that pace. It is the farm rewards on the LP, before leverage and borrow interest; trading fees add to the
          LP&apos;s value on top.
        </p>
        <p data-testid="plausibility-footnote">
          A figure above {formatPercent(PLAUSIBLE_RATE_BOUND, 0)} a year is shown with the reason it is that high
          (usually a farm or pair with little in it, where one deposit changes the rate a lot), never as a bare
          headline.
        </p>
      </div>
    </section>
  );
}

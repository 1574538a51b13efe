import { readVaults, type VaultOverview } from "./vaults";
import { LeverageCalculator } from "./LeverageCalculator";
import { formatPercent, formatTokenAmount } from "../../lib/format";
import { ChainReadError, NETWORK, RPC_URL } from "../chain";

export const dynamic = "force-dynamic";


/** A rate that may be undefined (a farm with nothing staked) as a percentage or a dash, never a made-up 0%. */
function formatOptionalPercent(fraction: number | null): string {
  return fraction === null ? "—" : formatPercent(fraction);
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
        compounds the FLUX rewards. Rates are live from the chain.
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
              <th>Borrow APR</th>
              <th>Max leverage</th>
            </tr>
          </thead>
          <tbody>
            {vaults.map((vault) => (
              <tr key={vault.address}>
                <td>{vault.name}</td>
                <td>{vault.token0Symbol} / {vault.token1Symbol}</td>
                <td>${formatTokenAmount(vault.tvlWad, 18)}</td>
                <td>{formatOptionalPercent(vault.rewardApr)}</td>
                <td>—</td>
                <td className="stacked">
                  {vault.pools.map((pool) => (
                    <span key={pool.symbol}>
                      {pool.symbol} {formatPercent(pool.borrowApr)}
                    </span>
                  ))}
                </td>
                <td>{vault.maxLeverage.toFixed(2)}x</td>
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
              yieldApr={vault.rewardApr}
              borrowApr={vault.averageBorrowApr}
              maxLeverage={vault.maxLeverage}
            />
            <p className="muted">Borrow APR used: {formatPercent(vault.averageBorrowApr)} (average of the two pools).</p>
          </article>
        ))}
      </div>

      <div className="footnotes">
        <p>
          TVL is the LP each vault has staked, valued at the fair LP price (the pair&apos;s invariant at the oracle&apos;s
          prices), the same price the vault lends against. The farm reward APR is the FLUX the farm pays in a year at
          the oracle&apos;s FLUX price over the value of all LP staked in it.
        </p>
        <p>
          Net APR at leverage L = farm reward APR x L - borrow APR x (L - 1); the net APY compounds it daily, as the
          keeper&apos;s harvests roughly do. The borrow APR is the average of the vault&apos;s two pools&apos; current
          rates: a position&apos;s real cost depends on how its debt is split between the two tokens, and rates move
          with each pool&apos;s utilization.
        </p>
        <p>
          * Trading fees the pair earns are not shown and not counted in the net APY: the app does not yet track
          the pair&apos;s volume, so there is no measured fee rate to show.
        </p>
      </div>
    </section>
  );
}

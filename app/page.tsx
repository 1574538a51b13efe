import { loadDeployment } from "./chain";

/** Hardhat's chain id: the local stack, where test tokens are free. */
const LOCAL_CHAIN_ID = 31337;

/**
 * The front door: what Flux is in a few lines, and the three ways in. Everything here comes from the deployment
 * file, so it renders at once without reading the chain.
 */
export default function HomePage() {
  const deployment = loadDeployment();
  const vaultNames = deployment.ok ? Object.keys(deployment.value.farming?.vaults ?? {}) : [];
  const poolSymbols = deployment.ok ? Object.values(deployment.value.pools).map((pool) => pool.symbol) : [];
  const local = deployment.ok && deployment.value.chainId === LOCAL_CHAIN_ID;
  return (
    <section>
      <h1>Flux V2: leveraged yield farming</h1>
      <p className="home-intro">
        Lenders supply tokens to Flux&apos;s lending pools and earn the interest farmers pay. Farmers bring capital, borrow
        up to 9x more from those pools and farm a Uniswap V2 pair at up to 10x leverage. Keepers compound the farm
        rewards and liquidate positions that get too risky. There is no opening, deposit or profit fee.
      </p>
      <ul className="home-roles">
        <li className="card">
          <h2>Farm with leverage</h2>
          <p>
            Pick a pair{vaultNames.length > 0 ? ` (${vaultNames.join(", ")})` : ""}, supply either token or both, choose
            your leverage and see what you would earn and where you would be liquidated before you sign.
          </p>
          <a className="button-link" href="/farms" data-testid="home-farms">
            Browse the farms
          </a>
        </li>
        <li className="card">
          <h2>Follow your positions</h2>
          <p>Value, debt, debt ratio against the liquidation line, profit and loss; add collateral, repay or close.</p>
          <a className="button-link button-secondary" href="/positions" data-testid="home-positions">
            My positions
          </a>
        </li>
        <li className="card">
          <h2>Lend</h2>
          <p>
            Supply {poolSymbols.length > 0 ? poolSymbols.join(", ").replace(/, ([^,]*)$/, " or $1") : "tokens"} to a lending
            pool and earn the interest the vaults pay to borrow; withdraw whenever the pool has the cash.
          </p>
          <a className="button-link button-secondary" href="/lend" data-testid="home-lend">
            Lend to the pools
          </a>
        </li>
      </ul>
      {local && (
        <p className="muted" data-testid="home-local-chain">
          This is the local test chain: connect the development wallet (or your own on chain 31337) and use &quot;Get test
          tokens&quot; at the top of any page to try everything with free tokens.
        </p>
      )}
    </section>
  );
}

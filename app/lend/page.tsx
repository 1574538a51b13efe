import { readPools } from "./pools";
import { formatPercent, formatTokenAmount } from "../../lib/format";

export const dynamic = "force-dynamic";

const NETWORK = process.env.FLUX_NETWORK ?? "localhost";
const RPC_URL = process.env.FLUX_RPC_URL ?? "http://127.0.0.1:8545";

export default async function LendPage() {
  let pools;
  try {
    pools = await readPools(NETWORK, RPC_URL);
  } catch (error) {
    return (
      <section>
        <h1>Lend</h1>
        <p className="notice">
          The pools could not be read from {RPC_URL} ({NETWORK}): {error instanceof Error ? error.message : String(error)}.
          Is the chain running? <code>npm start</code> brings up the local stack.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Lend</h1>
      <p>Supply to a core pool and earn what the leveraged vaults pay to borrow. Your fTokens grow in value every second.</p>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Pool</th>
              <th>Total supplied</th>
              <th>Borrowed</th>
              <th>Available</th>
              <th>Utilization</th>
              <th>Supply APY</th>
              <th>Borrow APR</th>
              <th>1 fToken =</th>
            </tr>
          </thead>
          <tbody>
            {pools.map((pool) => (
              <tr key={pool.address}>
                <td>f{pool.symbol}</td>
                <td>{formatTokenAmount(pool.totalAssets, pool.decimals)} {pool.symbol}</td>
                <td>{formatTokenAmount(pool.totalBorrows, pool.decimals)}</td>
                <td>{formatTokenAmount(pool.cash, pool.decimals)}</td>
                <td>{formatPercent(pool.utilization)}</td>
                <td>{formatPercent(pool.supplyApy)}</td>
                <td>{formatPercent(pool.borrowApr)}</td>
                <td>{formatTokenAmount(pool.exchangeRate, pool.decimals, 6)} {pool.symbol}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

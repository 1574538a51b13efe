import { readPools } from "./pools";
import { RateCurve } from "./RateCurve";
import { LendingPanel } from "./LendingPanel";
import { formatPercent, formatTokenAmount } from "../../lib/format";
import { interestRateCurve } from "../../lib/rateCurve";
import { ChainReadError, NETWORK, RPC_URL } from "../chain";

export const dynamic = "force-dynamic";


export default async function LendPage() {
  let pools;
  try {
    pools = await readPools(NETWORK, RPC_URL);
  } catch (error) {
    return <ChainReadError title="Lend" what="pools" error={error} />;
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

      <LendingPanel />

      <h2>Interest rate curves</h2>
      <p>
        Each pool&apos;s rate follows its own kinked model: it rises gently up to the optimal utilization and steeply
        beyond it, so lenders can always withdraw. Lenders earn the borrow rate x utilization x (1 - reserve factor).
      </p>
      <div className="card-grid">
        {pools.map((pool) => {
          const rateModel = pool.rateModel;
          const optimalUtilization = Number(rateModel.optimalUtilization) / 1e18;
          return (
            <article key={pool.address} className="card">
              <h3>f{pool.symbol}</h3>
              <p className="muted">
                {formatPercent(Number(rateModel.baseRatePerYear) / 1e18)} at 0%,{" "}
                {formatPercent(Number(rateModel.rateAtOptimalPerYear) / 1e18)} at{" "}
                {formatPercent(optimalUtilization, 0)}, {formatPercent(Number(rateModel.rateAtFullPerYear) / 1e18)} at
                100%; reserve factor {formatPercent(Number(pool.reserveFactorBps) / 10_000, 0)}.
              </p>
              <RateCurve
                symbol={pool.symbol}
                points={interestRateCurve(rateModel, pool.reserveFactorBps)}
                currentUtilization={pool.utilization}
                optimalUtilization={optimalUtilization}
              />
            </article>
          );
        })}
      </div>
    </section>
  );
}

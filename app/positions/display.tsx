"use client";

/** Small pieces the positions pages share: amounts with units, the risk badge and warning, prices. */
import { formatBps, formatPercent, formatTokenReadable, formatUsd, formatUsdWad } from "../../lib/format";
import { positionName } from "../../lib/names";
import { formatLeverage } from "../../lib/openPreview";
import { liquidationPriceView, priceSubjectOf, relativeChange, safetyBufferBps, type ProfitAndLoss } from "../../lib/positionHistory";
import { dangerThresholdBps, type RiskLevel } from "../../lib/risk";
import { positionLeverageWad, tokenValueWad } from "../../lib/vaultMath";
import { describeExposure, NEUTRAL_SHARE_BPS, netExposure } from "../../lib/exposure";
import { describeDeleverageOrder, describePriceOrder, isDeleverageActive, isPriceActive } from "../../lib/protectionOrders";
import type { PnlParts } from "../../lib/pnlBreakdown";
import type { PositionOrders, PositionViewData, TokenMeta, VaultLive, VaultMeta } from "./chainData";
import { DebtRatioBar } from "../risk/DebtRatioBar";

/** Whole tokens at their useful precision (lib/format.ts formatTokenReadable) with their symbol: "0.995025 WETH". */
export function formatToken(amount: bigint, token: TokenMeta): string {
  return `${formatTokenReadable(amount, token.decimals)} ${token.symbol}`;
}

/** A difference of two percentages, in percentage points. */
export function formatPoints(bps: bigint): string {
  return `${(Number(bps) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} pp`;
}

/** A block's time, readable: "Nov 23, 14:05:12". */
export function formatTime(seconds: number, withSeconds = true): string {
  return new Date(seconds * 1000).toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined,
    hour12: false,
  });
}

export function vaultHref(vaultName: string, id: bigint): string {
  return `/positions/${encodeURIComponent(vaultName)}/${id}`;
}

/** Kill factor minus debt ratio, and what that means. */
export function SafetyBuffer({ killFactorBps, ratioBps }: { killFactorBps: bigint; ratioBps: bigint }) {
  const buffer = safetyBufferBps(killFactorBps, ratioBps);
  return <span className={buffer <= 0n ? "pos-negative" : undefined}>{buffer <= 0n ? `past the kill factor by ${formatPoints(-buffer)}` : formatPoints(buffer)}</span>;
}

export function PnlFigure({ pnl }: { pnl: ProfitAndLoss | null | undefined }) {
  if (!pnl) return <span className="muted">reading history…</span>;
  const sign = pnl.pnlWad > 0n ? "+" : "";
  return (
    <span className={pnl.pnlWad < 0n ? "pos-negative" : pnl.pnlWad > 0n ? "pos-positive" : undefined}>
      {sign}
      {formatUsdWad(pnl.pnlWad)}
      {pnl.pnlFraction !== null && ` (${sign}${formatPercent(pnl.pnlFraction)})`}
    </span>
  );
}

/** Beyond this distance from today's price, a liquidation price is said to be far away. */
const FAR_AWAY = 0.5;

/** The position's value and debts with the oracle prices and decimals they are valued at: what the liquidation
 *  prices and the net exposure both start from. */
function pricedDebt(vault: VaultMeta, live: VaultLive, view: PositionViewData) {
  return {
    valueWad: view.valueWad,
    debt0: view.debt0,
    debt1: view.debt1,
    price0Wad: live.price0Wad,
    price1Wad: live.price1Wad,
    decimals0: vault.token0.decimals,
    decimals1: vault.token1.decimals,
  };
}

/**
 * The price the position is exposed to next to where it would be liquidated: WETH in USD for WETH-USDC; USDC in
 * USDT for a pair of two stablecoins.
 */
export function LiquidationPrices({ vault, live, view }: { vault: VaultMeta; live: VaultLive; view: PositionViewData }) {
  const subject = priceSubjectOf(vault.token0.symbol, vault.token1.symbol);
  const base = subject.base === 0 ? vault.token0 : vault.token1;
  const other = subject.base === 0 ? vault.token1 : vault.token0;
  const prices = liquidationPriceView({ ...pricedDebt(vault, live, view), killFactorBps: live.killFactorBps }, subject);
  const show = (price: number) => (subject.inOtherToken ? `${price.toLocaleString("en-US", { maximumFractionDigits: 4, minimumFractionDigits: 4 })} ${other.symbol}` : formatUsd(price));
  const crossings = [prices.below, prices.above].filter((price): price is number => price !== null);
  return (
    <div className="pos-liquidation">
      <div>
        {base.symbol} now <strong>{show(prices.current)}</strong>
      </div>
      {view.debtValueWad === 0n ? (
        <div className="muted">No debt: this position cannot be liquidated.</div>
      ) : crossings.length === 0 ? (
        <div className="muted">No {base.symbol} price brings this position to its kill factor on its own.</div>
      ) : (
        crossings.map((price) => {
          const change = relativeChange(prices.current, price);
          return (
            <div key={price}>
              Liquidation at <strong>{show(price)}</strong>{" "}
              <span className="muted">
                ({change > 0 ? "+" : ""}
                {formatPercent(change)} from now{Math.abs(change) > FAR_AWAY ? ", far away" : ""})
              </span>
            </div>
          );
        })
      )}
    </div>
  );
}

/**
 * The warning in words, with the numbers: an alert close to and past the kill factor, a note above the work factor,
 * nothing at or below it (where every new position may sit).
 */
export function HealthWarning({
  vaultName,
  id,
  level,
  ratioBps,
  workFactorBps,
  killFactorBps,
  link,
}: {
  vaultName: string;
  id: bigint;
  level: RiskLevel;
  ratioBps: bigint;
  workFactorBps: bigint;
  killFactorBps: bigint;
  link?: boolean;
}) {
  if (level === "safe") return null;
  const name = positionName(vaultName, id);
  const ratio = formatBps(ratioBps);
  const kill = formatBps(killFactorBps);
  const detail = link ? (
    <>
      {" "}
      <a href={vaultHref(vaultName, id)}>View position</a>
    </>
  ) : null;
  if (level === "liquidatable") {
    return (
      <p className="pos-alert pos-alert-liquidatable" role="alert">
        {name} is at {ratio} debt ratio, past its {kill} kill factor: anyone can liquidate it now. Repay debt or add collateral immediately, or close it.
        {detail}
      </p>
    );
  }
  if (level === "danger") {
    return (
      <p className="pos-alert pos-alert-danger" role="alert">
        {name} is at {ratio} debt ratio, above {formatBps(dangerThresholdBps(workFactorBps, killFactorBps))} and close to liquidation at {kill}. Add collateral
        or repay debt to stay safe.{detail}
      </p>
    );
  }
  return (
    <p className="pos-alert pos-alert-watch">
      {name} is at {ratio} debt ratio, above the {formatBps(workFactorBps)} work factor: the vault lends it no more, and it is liquidated above {kill}.
      {detail}
    </p>
  );
}

/** Each token owed with its USD value; "No debt" when there is none. */
export function DebtBreakdown({ vault, live, view }: { vault: VaultMeta; live: VaultLive; view: PositionViewData }) {
  const rows = [
    { token: vault.token0, amount: view.debt0, price: live.price0Wad },
    { token: vault.token1, amount: view.debt1, price: live.price1Wad },
  ].filter((row) => row.amount > 0n);
  if (rows.length === 0) return <span className="pos-sub">No debt</span>;
  return (
    <>
      {rows.map((row) => (
        <span className="pos-sub" key={row.token.address}>
          {formatToken(row.amount, row.token)} ({formatUsdWad(tokenValueWad(row.amount, row.price, row.token.decimals))})
        </span>
      ))}
    </>
  );
}

/** Value, debt, equity, profit and loss, safety buffer and liquidation price: the card's and the detail page's figures. */
export function PositionFigures({ vault, live, view, pnl }: { vault: VaultMeta; live: VaultLive; view: PositionViewData; pnl: ProfitAndLoss | null | undefined }) {
  const leverage = positionLeverageWad(view.valueWad, view.debtValueWad);
  return (
    <dl className="pos-figures">
      <div>
        <dt>Value</dt>
        <dd>{formatUsdWad(view.valueWad)}</dd>
      </div>
      <div>
        <dt>Debt</dt>
        <dd>
          {formatUsdWad(view.debtValueWad)}
          <DebtBreakdown vault={vault} live={live} view={view} />
        </dd>
      </div>
      <div>
        <dt>Equity</dt>
        <dd>
          {formatUsdWad(view.equityWad)}
          {leverage !== null && <span className="pos-sub">{formatLeverage(leverage)} leverage</span>}
        </dd>
      </div>
      <div>
        <dt>Profit and loss</dt>
        <dd>
          <PnlFigure pnl={pnl} />
          {pnl && <span className="pos-sub">on {formatUsdWad(pnl.putInWad)} put in</span>}
        </dd>
      </div>
      <div>
        <dt>Safety buffer</dt>
        <dd>
          <SafetyBuffer killFactorBps={live.killFactorBps} ratioBps={view.debtRatioBps} />
          <span className="pos-sub">kill factor − debt ratio</span>
        </dd>
      </div>
      <div className="pos-figure-wide">
        <dt>Price and liquidation price</dt>
        <dd>
          <LiquidationPrices vault={vault} live={live} view={view} />
        </dd>
      </div>
    </dl>
  );
}

/**
 * Net exposure per token: what the position's LP holds of it less what it owes in it (lib/exposure.ts), "Long 0.42
 * WETH", "Short 120 USDC", or "Neutral" below 1% of the position's value.
 */
export function ExposureFigures({ vault, live, view }: { vault: VaultMeta; live: VaultLive; view: PositionViewData }) {
  const exposures = netExposure({
    ...pricedDebt(vault, live, view),
    lpAmount: view.lpAmount,
    reserve0: live.reserve0,
    reserve1: live.reserve1,
    pairTotalSupply: live.pairTotalSupply,
  });
  return (
    <div className="pos-exposure" data-testid="exposure">
      {([vault.token0, vault.token1] as const).map((token, index) => {
        const exposure = exposures[index];
        return (
          <span key={token.address} className={`pos-exposure-${exposure.side}`} data-testid={`exposure-${token.symbol}`} title={`Held through the LP ${formatToken(exposure.held, token)}, owed ${formatToken(exposure.owed, token)}`}>
            <strong>{token.symbol}</strong>: {describeExposure(exposure, token)}
            {exposure.side !== "neutral" && <span className="muted"> ({formatUsdWad(exposure.valueWad)})</span>}
          </span>
        );
      })}
      <span className="pos-sub">
        Held in the LP minus owed; neutral below {formatBps(NEUTRAL_SHARE_BPS, 0)} of the position&apos;s value. Long gains when that token rises, short when it falls.
      </span>
    </div>
  );
}

/** The position's protection orders in words; "none" with what they are for. */
export function OrdersSummary({ vault, orders }: { vault: VaultMeta; orders: PositionOrders | null | undefined }) {
  if (!orders) return null;
  const deleverage = isDeleverageActive(orders.deleverage) ? orders.deleverage : null;
  const price = isPriceActive(orders.price) ? orders.price : null;
  return (
    <div className="pos-orders" data-testid="orders-summary">
      <strong className="pos-orders-title">Protection orders</strong>
      {!deleverage && !price && (
        <span className="muted" data-testid="orders-none">
          None set. A deleverage order unwinds part of the position when its debt ratio reaches a trigger; a stop-loss / take-profit closes it at a price.
        </span>
      )}
      {deleverage && <span data-testid="order-deleverage-text">{describeDeleverageOrder(deleverage)}.</span>}
      {price && <span data-testid="order-price-text">{describePriceOrder(price, vault.token0.symbol, vault.token1.symbol)}.</span>}
      {(deleverage || price) && <span className="pos-sub">Anyone may execute a triggered order (the keeper does); the vault checks the trigger at oracle prices.</span>}
    </div>
  );
}

/** Profit and loss in its parts (lib/pnlBreakdown.ts), which add up to the total exactly. */
export function PnlPartsTable({ parts, harvestsShown, harvestsTotal }: { parts: PnlParts; harvestsShown: number; harvestsTotal: number }) {
  const rows: [string, bigint, string, string][] = [
    ["Rewards compounded", parts.rewardsWad, "pnl-rewards", `This position's share of ${harvestsTotal === harvestsShown ? "every" : `the latest ${harvestsShown} of ${harvestsTotal}`} harvest${harvestsTotal === 1 ? "" : "s"}, at the time of each.`],
    ["Trading fees", parts.tradingFeesWad, "pnl-fees", "The pair's fee growth on the position's LP (sqrt(reserve0 × reserve1) per LP token, which only fees raise), between the history's points."],
    ["Borrow interest", parts.borrowInterestWad, "pnl-interest", "Owed now + every debt cleared − everything borrowed, in each token, at today's prices."],
    ["Price move and impermanent loss", parts.priceEffectWad, "pnl-price", "The rest: the tokens' prices on what the position holds and owes, the LP's rebalancing, and the zap's swap costs."],
  ];
  const sign = (value: bigint) => (value > 0n ? "+" : "");
  return (
    <div className="table-scroll">
      <table className="pos-pnl-parts" data-testid="pnl-parts">
        <tbody>
          {rows.map(([label, value, testId, note]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className={value < 0n ? "pos-negative" : value > 0n ? "pos-positive" : undefined} data-testid={testId}>
                {sign(value)}
                {formatUsdWad(value)}
              </td>
              <td className="muted">{note}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            <td data-testid="pnl-total">
              <strong>
                {sign(parts.totalWad)}
                {formatUsdWad(parts.totalWad)}
              </strong>
            </td>
            <td className="muted">Equity now + returned to you − put in, as above.</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export { formatUsdWad };

/**
 * A position at a glance, the same on its card and its detail page: the figures, the debt ratio on the one scale,
 * the net exposure per token and its protection orders.
 */
export function PositionOverview({ vault, live, view, pnl, orders }: { vault: VaultMeta; live: VaultLive; view: PositionViewData; pnl: ProfitAndLoss | null | undefined; orders: PositionOrders | null | undefined }) {
  return (
    <>
      <PositionFigures vault={vault} live={live} view={view} pnl={pnl} />
      <DebtRatioBar ratioBps={view.debtRatioBps} workFactorBps={live.workFactorBps} killFactorBps={live.killFactorBps} liquidatable={view.liquidatable} />
      <div className="pos-card-extras">
        <div>
          <span className="pos-orders-title">Net exposure</span>
          <ExposureFigures vault={vault} live={live} view={view} />
        </div>
        <OrdersSummary vault={vault} orders={orders} />
      </div>
    </>
  );
}

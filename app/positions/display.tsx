"use client";

/** Small pieces the positions pages share: amounts with units, the health badge, the debt-ratio bar, prices. */
import { formatBps, formatPercent, formatTokenAmount, formatUsd, formatUsdWad } from "../../lib/format";
import {
  liquidationPriceView,
  priceSubjectOf,
  relativeChange,
  safetyBufferBps,
  warningThresholdBps,
  type PositionHealth,
  type ProfitAndLoss,
} from "../../lib/positionHistory";
import { tokenValueWad } from "../../lib/vaultMath";
import type { PositionViewData, TokenMeta, VaultLive, VaultMeta } from "./chainData";

/**
 * Whole tokens with their symbol, "4,490.00 USDT" or "0.5123 WETH": 2 decimals for tokens of a few decimals
 * (dollar-sized units), 4 to 6 for 18-decimal tokens, truncated (never rounded up).
 */
export function formatToken(amount: bigint, token: TokenMeta, maximumFractionDigits?: number): string {
  const digits = Math.min(maximumFractionDigits ?? (token.decimals >= 18 ? 6 : 2), token.decimals);
  const minimum = Math.min(token.decimals >= 18 ? 4 : 2, digits);
  const text = formatTokenAmount(amount, token.decimals, digits);
  const [whole, fraction = ""] = text.split(".");
  return `${whole}${minimum > 0 || fraction ? `.${fraction.padEnd(minimum, "0")}` : ""} ${token.symbol}`;
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

const HEALTH_TEXT: Record<PositionHealth, string> = {
  safe: "Healthy",
  warning: "Close to liquidation",
  liquidatable: "Can be liquidated now",
};

export function HealthBadge({ health, closed }: { health: PositionHealth; closed?: boolean }) {
  if (closed) return <span className="pos-badge pos-badge-closed">Closed</span>;
  return <span className={`pos-badge pos-badge-${health}`}>{HEALTH_TEXT[health]}</span>;
}

/**
 * The debt ratio against the kill factor: the bar's full width is the kill factor, the fill is the debt ratio, and
 * ticks mark the work factor (the most a position may open or borrow at) and where the warning starts.
 */
export function DebtRatioBar({ ratioBps, workFactorBps, killFactorBps, health }: { ratioBps: bigint; workFactorBps: bigint; killFactorBps: bigint; health: PositionHealth }) {
  const kill = Number(killFactorBps);
  const fill = Math.min(1, Number(ratioBps) / kill);
  const work = Number(workFactorBps) / kill;
  const warn = Number(warningThresholdBps(killFactorBps)) / kill;
  return (
    <div className="pos-ratio">
      <div
        className={`pos-ratio-track pos-ratio-${health}`}
        role="meter"
        aria-label="Debt ratio against the kill factor"
        aria-valuemin={0}
        aria-valuemax={kill / 100}
        aria-valuenow={Math.min(Number(ratioBps), kill) / 100}
      >
        <div className="pos-ratio-fill" style={{ width: `${fill * 100}%` }} />
        <div className="pos-ratio-mark pos-ratio-warn" style={{ left: `${warn * 100}%` }} title={`Warning from ${formatBps(warningThresholdBps(killFactorBps))}`} />
        <div className="pos-ratio-mark pos-ratio-work" style={{ left: `${work * 100}%` }} title={`Work factor ${formatBps(workFactorBps)}`} />
      </div>
      <div className="pos-ratio-legend">
        <span>
          Debt ratio <strong>{formatBps(ratioBps)}</strong>
        </span>
        <span className="muted pos-ratio-keys">
          <span>
            <i className="pos-key pos-key-work" /> work factor {formatBps(workFactorBps, 0)}
          </span>
          <span>
            <i className="pos-key pos-key-warn" /> warning from {formatBps(warningThresholdBps(killFactorBps), 1)}
          </span>
          <span>kill factor {formatBps(killFactorBps, 0)} (end of bar)</span>
        </span>
      </div>
    </div>
  );
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

/**
 * The price the position is exposed to next to where it would be liquidated: WETH in USD for WETH-USDC; USDC in
 * USDT for a pair of two stablecoins.
 */
export function LiquidationPrices({ vault, live, view }: { vault: VaultMeta; live: VaultLive; view: PositionViewData }) {
  const subject = priceSubjectOf(vault.token0.symbol, vault.token1.symbol);
  const base = subject.base === 0 ? vault.token0 : vault.token1;
  const other = subject.base === 0 ? vault.token1 : vault.token0;
  const prices = liquidationPriceView(
    {
      valueWad: view.valueWad,
      debt0: view.debt0,
      debt1: view.debt1,
      price0Wad: live.price0Wad,
      price1Wad: live.price1Wad,
      decimals0: vault.token0.decimals,
      decimals1: vault.token1.decimals,
      killFactorBps: live.killFactorBps,
    },
    subject,
  );
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

/** The health warning in words, with the numbers; null for a safe position. */
export function HealthWarning({ vaultName, id, health, ratioBps, killFactorBps, link }: { vaultName: string; id: bigint; health: PositionHealth; ratioBps: bigint; killFactorBps: bigint; link?: boolean }) {
  if (health === "safe") return null;
  const name = `Position #${id.toString()} in ${vaultName}`;
  const detail = link ? (
    <>
      {" "}
      <a href={vaultHref(vaultName, id)}>View position</a>
    </>
  ) : null;
  if (health === "liquidatable") {
    return (
      <p className="pos-alert pos-alert-danger" role="alert">
        {name} is at {formatBps(ratioBps)} debt ratio, past its {formatBps(killFactorBps)} kill factor: anyone can liquidate it now. Repay debt or add
        collateral immediately, or close it.{detail}
      </p>
    );
  }
  return (
    <p className="pos-alert pos-alert-warning" role="alert">
      {name} is at {formatBps(ratioBps)} debt ratio, liquidation at {formatBps(killFactorBps)}. Add collateral or repay debt to stay safe.{detail}
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
  const leverage = view.equityWad > 0n ? Number((view.valueWad * 100n) / view.equityWad) / 100 : null;
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
          {leverage !== null && <span className="pos-sub">{leverage.toFixed(2)}x leverage</span>}
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

export { formatUsdWad };

"use client";

import { formatUsd, formatUsdWad } from "../../lib/format";
import { useEffect, useState } from "react";
import { positionName } from "../../lib/names";
import type { PositionEvent, ProfitAndLoss } from "../../lib/positionHistory";
import { RiskBadge } from "../risk/DebtRatioBar";
import { useWallet } from "../wallet/WalletProvider";
import { useOwnedPositions, type OwnedPosition } from "./chainData";
import { HealthWarning, PnlFigure, PositionOverview, vaultHref } from "./display";
import { ACTION_LABELS, PositionActions, type ActionTab } from "./PositionActions";
import { endedBy as endedByEvents } from "../../lib/positionEventWords";
import { usePositionsPnl } from "./usePositionsPnl";
import { FlashMessages } from "./flash";
import "./positions.css";

export function MyPositions() {
  const { address } = useWallet();
  const snapshot = useOwnedPositions();
  const open = snapshot.positions.filter((position) => !position.closed);
  const closed = snapshot.positions.filter((position) => position.closed);
  const pnl = usePositionsPnl(snapshot.positions, snapshot.blockNumber);
  const reconnecting = useReconnecting(address);

  if (!address && reconnecting) {
    return (
      <section>
        <h1>My positions</h1>
        <p className="muted" role="status">
          Reconnecting your wallet…
        </p>
      </section>
    );
  }
  if (!address) {
    return (
      <section>
        <h1>My positions</h1>
        <p className="notice">Connect a wallet to see your positions.</p>
      </section>
    );
  }
  if (snapshot.status === "loading" || snapshot.status === "idle") {
    return (
      <section>
        <h1>My positions</h1>
        <p className="muted" role="status">
          Reading your positions from the chain…
        </p>
      </section>
    );
  }
  if (snapshot.status === "error") {
    return (
      <section>
        <h1>My positions</h1>
        <p className="notice" role="alert">
          Your positions could not be read: {snapshot.error} It is retried with every new block.
        </p>
      </section>
    );
  }

  const totals = open.reduce(
    (sum, position) => ({
      value: sum.value + position.view.valueWad,
      debt: sum.debt + position.view.debtValueWad,
      equity: sum.equity + position.view.equityWad,
    }),
    { value: 0n, debt: 0n, equity: 0n },
  );
  const allPnl = snapshot.positions.map((position) => pnl.byKey.get(position.key)?.pnl);
  const pnlKnown = allPnl.every((entry): entry is ProfitAndLoss => entry !== undefined);
  const totalPnl = pnlKnown
    ? allPnl.reduce(
        (sum, entry) => ({ ...sum, pnlWad: sum.pnlWad + entry.pnlWad, putInWad: sum.putInWad + entry.putInWad, returnedWad: sum.returnedWad + entry.returnedWad, equityWad: sum.equityWad + entry.equityWad }),
        { pnlWad: 0n, putInWad: 0n, returnedWad: 0n, equityWad: 0n, pnlFraction: null as number | null },
      )
    : null;
  if (totalPnl && totalPnl.putInWad > 0n) totalPnl.pnlFraction = Number((totalPnl.pnlWad * 10n ** 12n) / totalPnl.putInWad) / 1e12;

  return (
    <section>
      <h1>My positions</h1>
      <FlashMessages />
      {snapshot.error && <p className="notice">The latest block could not be read ({snapshot.error}); the figures are from block {snapshot.blockNumber}.</p>}
      {pnl.error && <p className="notice">Profit and loss could not be worked out from the chain&apos;s history: {pnl.error}</p>}
      {snapshot.positions.length === 0 ? (
        <div className="pos-empty">
          <h2>No positions yet</h2>
          <p>
            Open a leveraged farming position on the <a href="/farms">Farms</a> page; it shows up here with its value, debt and health.
          </p>
        </div>
      ) : (
        <>
          <dl className="pos-summary">
            <div>
              <dt>Open positions</dt>
              <dd>{open.length}</dd>
            </div>
            <div>
              <dt>Total value</dt>
              <dd>{formatUsdWad(totals.value)}</dd>
            </div>
            <div>
              <dt>Total debt</dt>
              <dd>{formatUsdWad(totals.debt)}</dd>
            </div>
            <div>
              <dt>Total equity</dt>
              <dd>{formatUsdWad(totals.equity)}</dd>
            </div>
            <div>
              <dt>Profit and loss, all positions</dt>
              <dd>
                <PnlFigure pnl={totalPnl} />
              </dd>
            </div>
          </dl>
          {open.length === 0 && <p className="muted">All your positions are closed.</p>}
          <div className="pos-list">
            {open.map((position) => (
              <PositionCard key={position.key} position={position} pnl={pnl.byKey.get(position.key)?.pnl} />
            ))}
          </div>
          {closed.length > 0 && (
            <details className="pos-closed">
              <summary>Closed positions ({closed.length})</summary>
              <div className="table-scroll">
                <table>
                  <thead>
                    <tr>
                      <th>Position</th>
                      <th>Ended by</th>
                      <th>Put in</th>
                      <th>Returned</th>
                      <th>Profit and loss</th>
                    </tr>
                  </thead>
                  <tbody>
                    {closed.map((position) => {
                      const entry = pnl.byKey.get(position.key);
                      return (
                        <tr key={position.key}>
                          <td>
                            <a href={vaultHref(position.vault.name, position.id)}>
                              {positionName(position.vault.name, position.id)}
                            </a>
                          </td>
                          <td>{endedBy(entry?.events)}</td>
                          <td>{entry ? formatUsdWad(entry.pnl.putInWad) : "…"}</td>
                          <td>{entry ? formatUsdWad(entry.pnl.returnedWad) : "…"}</td>
                          <td>
                            <PnlFigure pnl={entry?.pnl} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </details>
          )}
          <p className="footnotes">
            Values use the oracle&apos;s prices and the fair LP price, as the vault does. Profit and loss = equity now + what the position returned to you − what
            you put in (collateral added and debt repaid from your wallet), each valued at the oracle prices of the block it happened in; each position&apos;s page
            breaks it into rewards, trading fees, borrow interest and price effect. Net exposure = a token held through the LP − the same token owed. Risk: healthy at or below
            the vault&apos;s work factor (where every position may open); above it the vault lends no more; close to liquidation from halfway between
            the work and kill factors; liquidatable past the kill factor.
          </p>
        </>
      )}
    </section>
  );
}

/** The wallet used last time reconnects by itself a moment after the page loads; until then, do not ask to connect. */
const RECONNECT_GRACE_MS = 1_500;

function useReconnecting(address: string | null): boolean {
  const [waiting, setWaiting] = useState(true);
  const [remembered, setRemembered] = useState(false);
  useEffect(() => {
    setRemembered(window.localStorage.getItem("flux.lastWallet") !== null);
    const timer = setTimeout(() => setWaiting(false), RECONNECT_GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  return address === null && waiting && remembered;
}

function endedBy(events: PositionEvent[] | undefined): string {
  return events ? endedByEvents(events) : "…";
}

function PositionCard({ position, pnl }: { position: OwnedPosition; pnl: ProfitAndLoss | undefined }) {
  const [action, setAction] = useState<ActionTab | null>(null);
  const { vault, live, view, id } = position;
  return (
    <article className={`card pos-card pos-card-${position.risk}`} data-testid="position-card">
      <header className="pos-card-header">
        <h2>
          <a href={vaultHref(vault.name, id)}>
            {positionName(vault.name, id)}
          </a>
        </h2>
        <RiskBadge level={position.risk} />
        <a className="pos-details-link" href={vaultHref(vault.name, id)}>
          Details and charts →
        </a>
      </header>
      <HealthWarning vaultName={vault.name} id={id} level={position.risk} ratioBps={view.debtRatioBps} workFactorBps={live.workFactorBps} killFactorBps={live.killFactorBps} />
      <PositionOverview vault={vault} live={live} view={view} pnl={pnl} orders={position.orders} />
      <div className="pos-card-actions">
        {(["add", "borrow", "repay", "close", "orders"] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            className={action === tab ? undefined : "button-secondary"}
            aria-expanded={action === tab}
            onClick={() => setAction(action === tab ? null : tab)}
            data-testid={`card-action-${tab}`}
          >
            {ACTION_LABELS[tab]}
          </button>
        ))}
      </div>
      {action && <PositionActions vault={vault} live={live} id={id} view={view} orders={position.orders} tab={action} />}
      <p className="muted pos-card-foot">
        Opened in block {position.openedBlock} · oracle prices: {vault.token0.symbol} {formatUsd(Number(live.price0Wad) / 1e18)}, {vault.token1.symbol}{" "}
        {formatUsd(Number(live.price1Wad) / 1e18)}
      </p>
    </article>
  );
}

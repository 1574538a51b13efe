"use client";

/**
 * Under the header on every page while a wallet is connected: the account's positions close to liquidation or
 * past it (lib/risk.ts isWarning: never one at or just above its work factor, where new positions sit), each with a
 * link to it. Shares its reads with /positions (one scan of the logs for both).
 */
import { formatBps } from "../../lib/format";
import { positionName } from "../../lib/names";
import { isWarning } from "../../lib/risk";
import { useOwnedPositions } from "./chainData";
import { vaultHref } from "./display";
import "./positions.css";

export function LiquidationWarningBanner() {
  const { positions } = useOwnedPositions();
  const flagged = positions.filter((position) => !position.closed && isWarning(position.risk));
  if (flagged.length === 0) return null;
  const danger = flagged.some((position) => position.risk === "liquidatable");
  return (
    <div className={`banner ${danger ? "banner-danger" : "banner-warning"} pos-banner`} role="alert" data-testid="liquidation-warning">
      <ul className={flagged.length === 1 ? "pos-banner-single" : undefined}>
        {flagged.map((position) => {
          const name = positionName(position.vault.name, position.id);
          const ratio = formatBps(position.view.debtRatioBps);
          const kill = formatBps(position.live.killFactorBps);
          return (
            <li key={position.key}>
              {position.risk === "liquidatable" ? (
                <>
                  <strong>{name} can be liquidated by anyone now:</strong> its debt ratio is {ratio}, past the {kill} kill factor.{" "}
                </>
              ) : (
                <>
                  <strong>{name} is close to liquidation:</strong> its debt ratio is {ratio}, liquidated above {kill}.{" "}
                </>
              )}
              <a href={vaultHref(position.vault.name, position.id)}>View position →</a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

"use client";

/**
 * Under the header on every page while a wallet is connected: the account's positions at or above 90% of their
 * vault's kill factor (LIQUIDATION_WARNING_SHARE_OF_KILL_FACTOR_BPS), and those anyone can liquidate already, each
 * with a link to it. Shares its reads with /positions (one scan of the logs for both).
 */
import { formatBps } from "../../lib/format";
import { useOwnedPositions } from "./chainData";
import { vaultHref } from "./display";
import "./positions.css";

export function LiquidationWarningBanner() {
  const { positions } = useOwnedPositions();
  const flagged = positions.filter((position) => !position.closed && position.health !== "safe");
  if (flagged.length === 0) return null;
  const danger = flagged.some((position) => position.health === "liquidatable");
  return (
    <div className={`banner ${danger ? "banner-danger" : "banner-warning"} pos-banner`} role="alert" data-testid="liquidation-warning">
      <ul className={flagged.length === 1 ? "pos-banner-single" : undefined}>
        {flagged.map((position) => {
          const name = `Position #${position.id.toString()} in ${position.vault.name}`;
          const ratio = formatBps(position.view.debtRatioBps);
          const kill = formatBps(position.live.killFactorBps);
          return (
            <li key={position.key}>
              {position.health === "liquidatable" ? (
                <>
                  <strong>{name} can be liquidated by anyone now:</strong> its debt ratio is {ratio}, past the {kill} kill factor.{" "}
                </>
              ) : (
                <>
                  <strong>{name}</strong> is at {ratio} debt ratio, liquidation at {kill}.{" "}
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

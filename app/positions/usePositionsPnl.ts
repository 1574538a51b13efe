"use client";

import { useEffect, useState } from "react";
import { describeError } from "../../lib/errors";
import { profitAndLoss, type PositionEvent, type ProfitAndLoss } from "../../lib/positionHistory";
import { useChain } from "../wallet/WalletProvider";
import { positionEvents, pricesAtBlocks, type OwnedPosition } from "./chainData";

export interface PositionsPnl {
  byKey: Map<string, { pnl: ProfitAndLoss; events: PositionEvent[] }>;
  error: string | null;
}

/**
 * Profit and loss of each position: its events (cached, scanned incrementally) and the oracle prices at each
 * event's block (historical eth_call, cached), against the equity of `blockNumber`, the block the positions were
 * read at.
 */
export function usePositionsPnl(positions: OwnedPosition[], blockNumber: number | null): PositionsPnl {
  const { readProvider } = useChain();
  const [result, setResult] = useState<PositionsPnl>({ byKey: new Map(), error: null });
  useEffect(() => {
    if (blockNumber === null || positions.length === 0) return;
    let cancelled = false;
    const byVault = new Map<string, OwnedPosition[]>();
    for (const position of positions) byVault.set(position.vault.address, [...(byVault.get(position.vault.address) ?? []), position]);
    void (async () => {
      try {
        const byKey = new Map<string, { pnl: ProfitAndLoss; events: PositionEvent[] }>();
        await Promise.all(
          [...byVault.values()].map(async (group) => {
            const vault = group[0].vault;
            const events = await positionEvents(readProvider, vault.address, group.map(({ id, openedBlock }) => ({ id, openedBlock })), blockNumber);
            const prices = await pricesAtBlocks(readProvider, vault, events.map((event) => event.blockNumber));
            for (const position of group) {
              const own = events.filter((event) => event.positionId === position.id);
              byKey.set(position.key, {
                events: own,
                pnl: profitAndLoss(own, (block) => prices.get(block), vault.token0.decimals, vault.token1.decimals, position.view.equityWad),
              });
            }
          }),
        );
        if (!cancelled) setResult({ byKey, error: null });
      } catch (error) {
        if (!cancelled) setResult((previous) => ({ ...previous, error: describeError(error) }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [readProvider, positions, blockNumber]);
  return result;
}

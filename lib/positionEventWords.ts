/**
 * A position's events (lib/positionHistory decodePositionLog) in words, for the detail page's history and the
 * closed-positions table: what happened, and the amounts, each through lib/format.
 */
import { formatBps, formatTokenReadable, formatUsdWad } from "./format";
import type { PositionEvent, UnwindOutcome } from "./positionHistory";
import { describeDeleverageOrder, describePriceOrder, formatOrderPrice } from "./protectionOrders";

export interface EventToken {
  symbol: string;
  decimals: number;
}

export interface EventWords {
  title: string;
  detail: string;
}

export interface EventWordsContext {
  token0: EventToken;
  token1: EventToken;
  /** The USD value (WAD) of an unwind's LP, when the page knows it; the words then say "$X unwound". */
  unwoundValueWad?: (event: PositionEvent) => bigint | null;
  /** Whether this event closed the position (the last event of a closed one). */
  closedIt?: boolean;
}

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** "1.5 WETH + 300 USDC", the non-zero amounts only; "nothing" when both are zero. */
export function tokenPair(amount0: bigint, amount1: bigint, token0: EventToken, token1: EventToken): string {
  const parts = [
    amount0 > 0n ? `${formatTokenReadable(amount0, token0.decimals)} ${token0.symbol}` : null,
    amount1 > 0n ? `${formatTokenReadable(amount1, token1.decimals)} ${token1.symbol}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" + ") : "nothing";
}

/** LP tokens have 18 decimals. */
const lp = (amount: bigint) => `${formatTokenReadable(amount, 18)} LP`;

/** Whether an unwind is a partial one: the words and the charts tell "partly liquidated" from "liquidated in full". */
export function isPartialUnwind(outcome: Pick<UnwindOutcome, "whole">): boolean {
  return !outcome.whole;
}

function unwindDetail(event: UnwindOutcome & PositionEvent, context: EventWordsContext, paidTo: "bounty" | "executor fee"): string {
  const { token0, token1 } = context;
  const pair = (a: bigint, b: bigint) => tokenPair(a, b, token0, token1);
  const value = context.unwoundValueWad?.(event) ?? null;
  const unwound = value !== null ? `${formatUsdWad(value)} unwound (${lp(event.lpRemoved)})` : `${lp(event.lpRemoved)} unwound`;
  const parts = [unwound, `debt repaid ${pair(event.repaid0, event.repaid1)}`, `${paidTo} ${pair(event.bounty0, event.bounty1)}`];
  if (event.lpPaid > 0n) parts.push(`${lp(event.lpPaid)} to the liquidator for bringing the repayment`);
  parts.push(`returned to you ${pair(event.returned0, event.returned1)}`);
  if (event.badDebt0 + event.badDebt1 > 0n) {
    const covered = event.reserveCovered0 + event.reserveCovered1 > 0n ? ` (the pools' reserves covered ${pair(event.reserveCovered0, event.reserveCovered1)})` : "";
    parts.push(`bad debt written off ${pair(event.badDebt0, event.badDebt1)}${covered}`);
  }
  return parts.join("; ");
}

/** One event as a title and a sentence. */
export function describePositionEvent(event: PositionEvent, context: EventWordsContext): EventWords {
  const { token0, token1 } = context;
  const pair = (a: bigint, b: bigint) => tokenPair(a, b, token0, token1);
  switch (event.kind) {
    case "opened":
      return { title: "Opened", detail: `By ${short(event.owner)}` };
    case "increased": {
      const borrowed = event.borrow0 + event.borrow1 > 0n;
      const supplied = event.amount0 + event.amount1 > 0n;
      const title = borrowed && !supplied ? "Borrowed more" : borrowed ? "Increased" : "Collateral added";
      const parts = [supplied ? `Put in ${pair(event.amount0, event.amount1)}` : null, borrowed ? `borrowed ${pair(event.borrow0, event.borrow1)}` : null, `${lp(event.lpAdded)} added`];
      const text = parts.filter(Boolean).join("; ");
      return { title, detail: text.charAt(0).toUpperCase() + text.slice(1) };
    }
    case "repaid":
      return { title: "Debt repaid", detail: `Repaid ${pair(event.repaid0, event.repaid1)} from the wallet` };
    case "decreased":
      return {
        title: context.closedIt ? "Closed" : "Partly closed",
        detail: `Unwound ${lp(event.lpRemoved)}; debt repaid ${pair(event.repaid0, event.repaid1)}; returned to you ${pair(event.returned0, event.returned1)}`,
      };
    case "liquidated":
      return {
        title: event.whole ? "Liquidated in full" : "Partly liquidated",
        detail: `By ${short(event.liquidator)}: ${unwindDetail(event, context, "bounty")}`,
      };
    case "deleverageOrderSet":
      return { title: event.replaced ? "Deleverage order changed" : "Deleverage order set", detail: describeDeleverageOrder(event.order) };
    case "priceOrderSet":
      return {
        title: event.replaced ? "Price order changed" : "Price order set",
        detail: describePriceOrder(event.order, token0.symbol, token1.symbol),
      };
    case "deleverageOrderCancelled":
      return { title: "Deleverage order cancelled", detail: "The deleverage order was cancelled by the owner." };
    case "priceOrderCancelled":
      return { title: "Price order cancelled", detail: "The stop-loss / take-profit order was cancelled by the owner." };
    case "deleverageOrderExecuted":
      return {
        title: "Deleverage order executed",
        detail: `By ${short(event.executor)} at a ${formatBps(event.debtRatioBps)} debt ratio: ${unwindDetail(event, context, "executor fee")}`,
      };
    case "priceOrderExecuted":
      return {
        title: "Price order executed",
        detail: `By ${short(event.executor)} at ${formatOrderPrice(event.priceWad)}: unwound ${lp(event.lpRemoved)}; debt repaid ${pair(event.repaid0, event.repaid1)}; executor fee ${pair(
          event.fee0,
          event.fee1,
        )}; returned to you ${pair(event.returned0, event.returned1)}`,
      };
  }
}

/** How a closed position ended, from its events: the last unwind's kind. */
export function endedBy(events: PositionEvent[]): string {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (event.kind === "liquidated") return event.whole ? "Liquidated in full" : "Liquidation (partly), then closed";
    if (event.kind === "priceOrderExecuted") return "Price order";
    if (event.kind === "decreased") return events.some((earlier) => earlier.kind === "liquidated") ? "Closed by you after a partial liquidation" : "Closed by you";
  }
  return "Closed";
}

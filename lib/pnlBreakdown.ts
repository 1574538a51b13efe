/**
 * A position's profit and loss (lib/positionHistory profitAndLoss: equity now + returned - put in) broken into what
 * it is made of, each part from chain data:
 *
 * - Rewards compounded: the position's share of every harvest's LP, valued at that harvest's block (Harvested events,
 *   with the position's and the vault's LP shares at the block: readHarvestShares).
 * - Trading fees: the pair's fee growth earned by the position's LP. Fees are the only thing that raises a Uniswap V2
 *   pair's sqrt(reserve0 x reserve1) per LP token; the fair LP price is 2 sqrt(r0 r1) sqrt(p0 p1) / supply, so the
 *   fee index fairLpPrice / sqrt(p0 p1) moves with fees only, never with prices. Between consecutive history points
 *   (positionView and oracle prices at past blocks) the position earns LP_before x (index_after - index_before) x
 *   sqrt(p0 p1)_after.
 * - Borrow interest: in each token, what the position owes now plus every debt cleared (repaid from the wallet, by a
 *   close, an order or a liquidation, or written off) minus everything borrowed (events), valued at today's oracle
 *   prices rounded up, as the vault values debts; a cost, so negative.
 * - Price move and impermanent loss: the rest, total - the three above. It is the remainder by definition (prices of
 *   the tokens held and owed, the LP's rebalancing against them, the zap's own swap costs, and interest paid at other
 *   prices than today's), which is what makes the parts add up to the total exactly, in bigint, to the wei.
 */
import { sqrt, tokenValueWadUp } from "./vaultMath";
import type { PositionEvent } from "./positionHistory";

const WAD = 10n ** 18n;

export interface PnlParts {
  rewardsWad: bigint;
  tradingFeesWad: bigint;
  /** Zero or negative: interest is a cost. */
  borrowInterestWad: bigint;
  priceEffectWad: bigint;
  /** The total the parts add up to: profitAndLoss's pnlWad. */
  totalWad: bigint;
}

/** What the fee index needs from one history point (lib/positionHistory HistoryPoint has it). */
export interface FeePoint {
  lpAmount: bigint;
  valueWad: bigint;
  price0Wad: bigint;
  price1Wad: bigint;
}

/** fairLpPrice / sqrt(p0 p1), WAD: moves with the pair's fees only. Null without LP or prices. */
export function feeIndexWad(point: FeePoint): bigint | null {
  if (point.lpAmount === 0n) return null;
  const rootPrice = sqrt(point.price0Wad * point.price1Wad);
  if (rootPrice === 0n) return null;
  // valueWad = lp x lpPrice / WAD, so lpPrice = valueWad x WAD / lp; index = lpPrice x WAD / rootPrice.
  return (point.valueWad * WAD * WAD) / (point.lpAmount * rootPrice);
}

/**
 * Trading fees earned between consecutive points (chain order): the LP held at the start of each step times the
 * index's growth over it, valued at the step's end prices. A step into or out of no LP earns nothing. A falling index
 * (rounding, or an LP burn's protocol fee) counts as it is: negative.
 */
export function tradingFeesWad(points: FeePoint[]): bigint {
  let total = 0n;
  for (let index = 1; index < points.length; index++) {
    const before = points[index - 1];
    const after = points[index];
    const start = feeIndexWad(before);
    const end = feeIndexWad(after);
    if (start === null || end === null) continue;
    const rootPrice = sqrt(after.price0Wad * after.price1Wad);
    total += (before.lpAmount * (end - start) * rootPrice) / (WAD * WAD);
  }
  return total;
}

/** Interest accrued in each token, base units: owed now + every debt cleared - every amount borrowed. */
export function borrowInterestTokens(events: PositionEvent[], debt0Now: bigint, debt1Now: bigint): [bigint, bigint] {
  let borrowed0 = 0n;
  let borrowed1 = 0n;
  let cleared0 = 0n;
  let cleared1 = 0n;
  for (const event of events) {
    switch (event.kind) {
      case "increased":
        borrowed0 += event.borrow0;
        borrowed1 += event.borrow1;
        break;
      case "repaid":
      case "decreased":
      case "priceOrderExecuted":
        cleared0 += event.repaid0;
        cleared1 += event.repaid1;
        break;
      case "liquidated":
      case "deleverageOrderExecuted":
        cleared0 += event.repaid0 + event.badDebt0;
        cleared1 += event.repaid1 + event.badDebt1;
        break;
      default:
        break;
    }
  }
  return [debt0Now + cleared0 - borrowed0, debt1Now + cleared1 - borrowed1];
}

export interface PnlBreakdownInput {
  /** profitAndLoss(...).pnlWad. */
  totalWad: bigint;
  /** Each harvest's value for this position (HarvestShare.valueWad). */
  harvestValuesWad: bigint[];
  /** The position's history points in chain order, ending now. */
  points: FeePoint[];
  events: PositionEvent[];
  debt0Now: bigint;
  debt1Now: bigint;
  price0Wad: bigint;
  price1Wad: bigint;
  decimals0: number;
  decimals1: number;
}

/** The four parts; price effect is the remainder, so rewards + fees + interest + price effect === total exactly. */
export function pnlBreakdown(input: PnlBreakdownInput): PnlParts {
  const rewardsWad = input.harvestValuesWad.reduce((sum, value) => sum + value, 0n);
  const tradingFees = tradingFeesWad(input.points);
  const [interest0, interest1] = borrowInterestTokens(input.events, input.debt0Now, input.debt1Now);
  const signedValueUp = (amount: bigint, priceWad: bigint, decimals: number) =>
    amount >= 0n ? tokenValueWadUp(amount, priceWad, decimals) : -tokenValueWadUp(-amount, priceWad, decimals);
  const borrowInterestWad = -(signedValueUp(interest0, input.price0Wad, input.decimals0) + signedValueUp(interest1, input.price1Wad, input.decimals1));
  const priceEffectWad = input.totalWad - rewardsWad - tradingFees - borrowInterestWad;
  return { rewardsWad, tradingFeesWad: tradingFees, borrowInterestWad, priceEffectWad, totalWad: input.totalWad };
}

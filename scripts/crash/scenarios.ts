/**
 * Crash price paths, hourly steps, as multiples of the local starting prices (lib/vaults.ts LOCAL_PRICES_USD).
 * Every path starts from 1.0 for every token (the state the book was opened in) and lists the market price
 * after each hourly step. Tokens not named in a step keep their previous price.
 */
import { LOCAL_PRICES_USD } from "../../lib/vaults";

export type Symbol = "USDC" | "USDT" | "WETH";
export type Prices = Record<Symbol, number>;

export interface Scenario {
  name: string;
  /** Which family the frontier table reads it as. */
  kind: "history" | "depeg" | "depeg-step" | "weth-drop";
  /** For depeg / single-step scenarios: the size of the shock (fraction lost by the token that moves). */
  shock?: { symbol: Symbol; drop: number; recovers: boolean };
  /** Market multiples after each hourly step. */
  steps: Array<Partial<Record<Symbol, number>>>;
  description: string;
}

/**
 * Black Thursday, 12-13 March 2020, ETH/USD hourly (Coinbase/Bitstamp closes, rounded), as fractions of the
 * $195 open: a slow slide through the morning, two hourly candles of more than -10% around noon UTC, a grind
 * down through the evening, a -14% capitulation hour to the $101 trough (0.518) after midnight, then a partial
 * rebound to about $130.
 */
export const BLACK_THURSDAY_FRACTIONS = [
  0.99, 0.985, 0.975, 0.965, 0.955, 0.945, 0.93, 0.915, 0.9, // 01:00-09:00 slide
  0.8, 0.71, // 10:00, 11:00: -11.1%, -11.3%
  0.7, 0.68, 0.665, 0.65, 0.64, 0.66, 0.645, 0.625, 0.61, 0.6, // afternoon and evening grind
  0.518, // 02:00 13 March: -13.7% to $101
  0.55, 0.6, 0.64, 0.665, 0.67, // partial rebound (to about $130)
];

function depeg(symbol: Symbol, trough: number, recovers: boolean, ramp: number[]): Scenario {
  const down = ramp.map((value) => ({ [symbol]: value }));
  const hold = [{ [symbol]: trough }, { [symbol]: trough }];
  const back = recovers ? [{ [symbol]: (trough + 1) / 2 }, { [symbol]: 1 }] : [{ [symbol]: trough }, { [symbol]: trough }];
  return {
    name: `${symbol} ${trough.toFixed(2)}${recovers ? " + recovery" : ""}`,
    kind: "depeg",
    shock: { symbol, drop: 1 - trough, recovers },
    steps: [...down, ...hold, ...back],
    description: `${symbol} slides to $${trough.toFixed(2)} over ${ramp.length} h, holds 2 h, then ${recovers ? "recovers to $1.00 over 2 h" : "stays there 2 h more"}`,
  };
}

function wethDrop(drop: number): Scenario {
  // One hourly step, then four quiet hours in which the keeper (on any cadence) gets its turn.
  return {
    name: `WETH -${Math.round(drop * 100)}% (1 step)`,
    kind: "weth-drop",
    shock: { symbol: "WETH", drop, recovers: false },
    steps: [{ WETH: 1 - drop }, {}, {}, {}, {}],
    description: `WETH falls ${Math.round(drop * 100)}% in one hourly step, then 4 h flat`,
  };
}

function usdcStep(trough: number): Scenario {
  return {
    name: `USDC ${trough.toFixed(2)} (1 step)`,
    kind: "depeg-step",
    shock: { symbol: "USDC", drop: 1 - trough, recovers: false },
    steps: [{ USDC: trough }, {}, {}, {}, {}],
    description: `USDC falls to $${trough.toFixed(2)} in one hourly step (both vaults: USDC-USDT, and WETH-USDC where WETH gains against USDC), then 4 h flat; for the frontier`,
  };
}

export function allScenarios(): Scenario[] {
  return [
    {
      name: "Black Thursday",
      kind: "history",
      steps: BLACK_THURSDAY_FRACTIONS.map((fraction) => ({ WETH: fraction })),
      description: `ETH path of 12-13 March 2020 ($195 -> $101 trough in 22 h, hourly drops of -11.1%, -11.3%, -13.7%, rebound to 0.67), scaled to the local $${LOCAL_PRICES_USD.WETH}`,
    },
    depeg("USDT", 0.95, true, [0.98, 0.95]),
    depeg("USDT", 0.95, false, [0.98, 0.95]),
    depeg("USDT", 0.9, true, [0.97, 0.95, 0.92, 0.9]),
    depeg("USDT", 0.9, false, [0.97, 0.95, 0.92, 0.9]),
    depeg("USDC", 0.88, true, [0.97, 0.93, 0.9, 0.88]),
    depeg("USDC", 0.88, false, [0.97, 0.93, 0.9, 0.88]),
    ...[0.2, 0.3, 0.4, 0.5, 0.6].map(wethDrop),
    ...[0.85, 0.8, 0.75].map(usdcStep),
  ];
}

export { wethDrop, usdcStep };

/** The market's USD prices after every step (index 0 = after the first step); `base` is the opening state. */
export function marketPath(scenario: Scenario, base: Prices = basePrices()): Prices[] {
  const path: Prices[] = [];
  let multiples: Record<Symbol, number> = { USDC: 1, USDT: 1, WETH: 1 };
  for (const step of scenario.steps) {
    multiples = { ...multiples, ...step } as Record<Symbol, number>;
    path.push({ USDC: base.USDC * multiples.USDC, USDT: base.USDT * multiples.USDT, WETH: base.WETH * multiples.WETH });
  }
  return path;
}

export function basePrices(): Prices {
  return { USDC: LOCAL_PRICES_USD.USDC, USDT: LOCAL_PRICES_USD.USDT, WETH: LOCAL_PRICES_USD.WETH };
}

/**
 * The congested hours for lag mode (c): the 4 consecutive steps with the largest total absolute log move of any
 * token (the earliest window on a tie). A single-step shock is the step itself and the three after it.
 */
export function congestedSteps(path: Prices[], base: Prices = basePrices(), width = 4): Set<number> {
  const moves = path.map((prices, index) => {
    const before = index === 0 ? base : path[index - 1];
    return (Object.keys(prices) as Symbol[]).reduce((sum, symbol) => sum + Math.abs(Math.log(prices[symbol] / before[symbol])), 0);
  });
  let bestStart = 0;
  let best = -1;
  for (let start = 0; start + width <= Math.max(moves.length, width); start++) {
    const total = moves.slice(start, start + width).reduce((a, b) => a + b, 0);
    if (total > best + 1e-12) {
      best = total;
      bestStart = start;
    }
  }
  return new Set(Array.from({ length: width }, (_, offset) => bestStart + offset).filter((index) => index < path.length));
}

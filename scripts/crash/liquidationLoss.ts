/**
 * The farmer's loss to a partial liquidation at the kill factor, as a share of its equity, measured on the real
 * stack for every leverage a vault offers (issue 18, "a liquidation takes only what it must").
 *
 * For each leverage: from the crash book's snapshot, a fresh position of $2,000 collateral is opened with its debt
 * in the pair's steadier token; the other token's price then falls (feed and pair together, fully arbitraged) until
 * the position is just past the kill factor; the project's keeper (no working capital) liquidates it. The loss is
 * the owner's equity before, at oracle prices, less its equity after and what the vault kept for it to claim.
 */
import { Keeper } from "../../lib/keeper";
import { openParams, type CrashContext, type PositionSpec } from "./book";
import { DECIMALS, setPairToRatio, toUnits } from "./market";
import { fundFromLocalSources } from "../lib/localFunds";
import { usdToFeedAnswer } from "../lib/deployVaults";
import type { Symbol } from "./scenarios";

export interface LiquidationLossRow {
  vault: string;
  leverage: number;
  /** The leverage it actually opened at (below `leverage` only where the entry's reward payment needed it). */
  opened: number;
  /** Debt ratio when liquidated, and after. */
  debtRatioBps: number;
  debtRatioAfterBps: number;
  equityUsd: number;
  lossUsd: number;
  /** lossUsd / equityUsd. */
  lossShare: number;
  /** Share of the position's value unwound. */
  unwoundShare: number;
  whole: boolean;
  path: string;
}

/** The leverages a vault offers, sampled: every half step up to 3x, every whole step above (1x borrows nothing). */
export function offeredLeverages(maxLeverage: number): number[] {
  const step = maxLeverage <= 3 ? 0.5 : 1;
  const steps: number[] = [];
  for (let leverage = 1 + step; leverage <= maxLeverage + 1e-9; leverage += step) steps.push(Math.round(leverage * 10) / 10);
  return steps;
}

const wholeOf = (amount: bigint, symbol: string) => Number(amount) / 10 ** DECIMALS[symbol];

/**
 * Measures one position per leverage on `which` vault; reverts the chain to where it was after each. The caller's
 * snapshot is kept (this takes and reverts its own).
 */
export async function measureLiquidationLoss(ctx: CrashContext, which: "stable" | "volatile", leverages: number[]): Promise<LiquidationLossRow[]> {
  const { hre, stack, deployer } = ctx;
  const deployed = ctx.vaults[which];
  const vault = deployed.vault;
  const s0 = deployed.token0Symbol as Symbol;
  const s1 = deployed.token1Symbol as Symbol;
  // Debt in the steady token (USDT on the stable pair, USDC on WETH-USDC); the other token falls.
  const steady: Symbol = which === "stable" ? "USDT" : "USDC";
  const falling: Symbol = s0 === steady ? s1 : s0;
  const risk = await vault.riskParameters();
  const rows: LiquidationLossRow[] = [];
  const farmer = ctx.farmers[0];
  for (const leverage of leverages) {
    const snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    try {
      // A low leverage reaches the kill factor only after a deep fall: the arbitrageur needs a larger float.
      await fundFromLocalSources(stack.deployment, falling, deployer, toUnits(falling === "WETH" ? 6_000 : 12_000_000, DECIMALS[falling]));
      // An entrant pays for the rewards pending in the vault (the replay does not harvest, so 30 days of them), which
      // can take the very top leverage past the work factor at opening: then it opens 0.1x lower, and says so.
      let opened = leverage;
      for (;;) {
        const spec: PositionSpec = { vault: which, leverage: opened, collateralUsd: 2_000, supply: s0 === steady ? "token0" : "token1", borrow: "token0", borrowSymbol: steady };
        try {
          await (await vault.connect(farmer).open(openParams(deployed, spec, ctx.base))).wait();
          break;
        } catch (error) {
          if (!/WorkFactorExceeded/.test(String((error as Error).message)) || opened <= leverage - 0.5) throw error;
          opened = Math.round((opened - 0.1) * 10) / 10;
        }
      }
      const id = await vault.lastPositionId();
      let price = ctx.base[falling];
      const target = Number(risk.killFactorBps) + 10;
      for (let attempt = 0; attempt < 6; attempt++) {
        const view = await vault.positionView(id);
        if (view.liquidatable) break;
        // Value goes with sqrt(price) of the falling token (the pair follows it); the debt does not move.
        const ratio = Number(view.debtRatioBps) + 0.5;
        price *= (ratio / target) ** 2 * (attempt === 0 ? 1 : 0.9995);
        if (process.env.LOSS_DEBUG) console.log(`${deployed.name} ${leverage}x: ratio ${view.debtRatioBps} -> ${falling} at ${price}`);
        await (await stack.farming.feeds[falling].setAnswer(usdToFeedAnswer(price))).wait();
        const prices = { ...ctx.base, [falling]: price };
        await setPairToRatio(hre, stack, deployer, deployed, prices[s0] / prices[s1]);
      }
      const before = await vault.positionView(id);
      if (!before.liquidatable) throw new Error(`${deployed.name} ${leverage}x: could not bring the position past the kill factor`);
      const paths: string[] = [];
      const keeper = new Keeper(ctx.keeper, stack.deployment, {
        retry: { attempts: 2, baseDelayMs: 1 },
        log: (entry) => {
          if (entry.action === "liquidate" && entry.numbers?.path) paths.push(String(entry.numbers.path));
        },
      });
      const owner = await farmer.getAddress();
      const claimable = async () => {
        const [c0, c1] = [await vault.claimable(await vault.token0(), owner), await vault.claimable(await vault.token1(), owner)];
        return [c0, c1] as const;
      };
      const [c0Before, c1Before] = await claimable();
      const fromBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
      const outcome = await keeper.tryLiquidate(deployed.name, id);
      if (outcome !== "sent" && outcome !== "sent-by-repayment") throw new Error(`${deployed.name} ${leverage}x: the keeper did not liquidate (${outcome})`);
      const events = await vault.queryFilter(vault.filters.PositionLiquidated(id), fromBlock);
      const after = await vault.positionView(id);
      const [c0After, c1After] = await claimable();
      const p0 = Number(await stack.farming.oracle.priceOf(await vault.token0())) / 1e18;
      const p1 = Number(await stack.farming.oracle.priceOf(await vault.token1())) / 1e18;
      const credited = wholeOf(c0After - c0Before, s0) * p0 + wholeOf(c1After - c1Before, s1) * p1;
      const equityUsd = Number(before.equityWad) / 1e18;
      const lossUsd = equityUsd - Number(after.equityWad) / 1e18 - credited;
      const lpRemoved = events.length ? Number(events[0].args.outcome.lpRemoved) : 0;
      rows.push({
        vault: deployed.name,
        leverage,
        opened,
        debtRatioBps: Number(before.debtRatioBps),
        debtRatioAfterBps: Number(after.debtRatioBps),
        equityUsd,
        lossUsd,
        lossShare: lossUsd / equityUsd,
        unwoundShare: lpRemoved / Number(before.lpAmount),
        whole: events.length ? events[0].args.outcome.whole : false,
        path: paths[0] ?? "",
      });
    } finally {
      await hre.network.provider.send("evm_revert", [snapshot]);
    }
  }
  return rows;
}

/** The report's table: one row per vault and leverage. */
export function liquidationLossTable(rows: LiquidationLossRow[]): string[] {
  return [
    "| vault | leverage | debt ratio at liquidation | after | unwound | equity | farmer's loss | share of equity | path |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.vault} | ${row.leverage}x${row.opened !== row.leverage ? ` (opened ${row.opened}x)` : ""} | ${(row.debtRatioBps / 100).toFixed(2)}% | ${(row.debtRatioAfterBps / 100).toFixed(2)}% | ${(row.unwoundShare * 100).toFixed(1)}%${row.whole ? " (whole)" : ""} | $${row.equityUsd.toFixed(2)} | $${row.lossUsd.toFixed(2)} | ${(row.lossShare * 100).toFixed(1)}% | ${row.path} |`,
    ),
  ];
}

import { expect } from "chai";
import hre from "hardhat";
import { setupCrashState, smallBook, type CrashContext } from "../../scripts/crash/book";
import { runScenario } from "../../scripts/crash/run";
import { wethDrop } from "../../scripts/crash/scenarios";

/**
 * The crash replay's smoke scenario (the full matrix is `npm run crash`): 12 positions on both vaults, WETH -40% in
 * one hourly step, pairs fully arbitraged, the project's keeper every step. Lenders must lose nothing.
 */
describe("crash replay: WETH -40% in one step, full arbitrage, keeper every step", function () {
  this.timeout(120_000);
  let ctx: CrashContext;

  before(async () => {
    ctx = await setupCrashState(hre, {
      book: smallBook(),
      farmerCount: 4,
      lenderCount: 2,
      keeperCapital: { USDC: 50_000, USDT: 50_000, WETH: 20 },
      interestDays: 30,
    });
  });

  it("liquidates what it must and leaves lenders whole", async () => {
    const result = await runScenario(ctx, wethDrop(0.4), "arb-full", 1);

    // The 3x WETH-USDC positions that borrowed USDC go past the 80% kill factor: the keeper must have acted.
    expect(result.liquidations.full + result.liquidations.partial, "liquidations").to.be.greaterThan(0);
    expect(result.blocked, "blocked liquidations").to.deep.equal([]);
    expect(result.keeperErrors, "keeper errors").to.deep.equal([]);
    expect(result.leftPastKillFactor, "positions left past the kill factor").to.deep.equal([]);
    for (const pool of result.pools) {
      expect(BigInt(pool.sharePriceAfter), `${pool.symbol} share price`).to.be.greaterThanOrEqual(BigInt(pool.sharePriceBefore));
      expect(pool.everyLenderCanWithdraw, `${pool.symbol} lenders can withdraw`).to.equal(true);
    }
    expect(result.lenderLossUsd).to.equal(0);
    expect(result.everyLenderCanWithdraw).to.equal(true);
  });
});

import { expect } from "chai";
import hre from "hardhat";
import { DEFAULT_KEEPER_CAPITAL, setupCrashState, smallBook, type CrashContext } from "../../scripts/crash/book";
import { runScenario, type RunResult } from "../../scripts/crash/run";
import { usdcStep, wethDrop, type Scenario } from "../../scripts/crash/scenarios";

/**
 * The crash replay's smoke scenarios (the full matrix is `npm run crash`): 12 positions on both vaults, pairs fully
 * arbitraged, the project's keeper every step, and the keeper holding no working capital at all (only ETH for gas):
 * it liquidates through the vault's own swap or, capital-free, through the FlashLiquidator. Lenders must lose
 * nothing, and nothing may be left past the kill factor.
 */
describe("crash replay with an empty-wallet keeper (pairs fully arbitraged, keeper every step)", function () {
  this.timeout(300_000);
  let ctx: CrashContext;
  let snapshot: string;

  before(async () => {
    ctx = await setupCrashState(hre, {
      book: smallBook(),
      farmerCount: 4,
      lenderCount: 2,
      keeperCapital: DEFAULT_KEEPER_CAPITAL,
      interestDays: 30,
    });
    snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
  });

  async function run(scenario: Scenario): Promise<RunResult> {
    await hre.network.provider.send("evm_revert", [snapshot]);
    snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    const keeper = await ctx.keeper.getAddress();
    for (const symbol of ["USDC", "USDT", "WETH"]) {
      const token = await hre.ethers.getContractAt("IERC20", ctx.stack.deployment.tokens[symbol].address);
      expect(await token.balanceOf(keeper), `keeper's ${symbol}`).to.equal(0n);
    }
    const result = await runScenario(ctx, scenario, "arb-full", 1);
    console.log(
      `    ${scenario.name}: liquidations ${result.liquidations.full} whole / ${result.liquidations.partial} partial (${result.liquidations.byCallback} capital-free by callback), ` +
        `bad debt $${result.badDebtUsd.toFixed(2)} (reserve used $${result.reserveUsedUsd.toFixed(2)}), open shortfall $${result.openShortfallUsd.toFixed(2)}, ` +
        `lender loss $${result.lenderLossUsd.toFixed(2)}, keeper capital used $${result.keeperCapitalUsedUsd.toFixed(2)}, bounties $${result.bountyUsd.toFixed(2)}`,
    );
    return result;
  }

  function expectPromisesKept(result: RunResult) {
    expect(result.liquidations.full + result.liquidations.partial, "liquidations").to.be.greaterThan(0);
    expect(result.blocked, "blocked liquidations").to.deep.equal([]);
    expect(result.keeperErrors, "keeper errors").to.deep.equal([]);
    expect(result.leftPastKillFactor, "positions left past the kill factor").to.deep.equal([]);
    expect(result.openShortfallUsd, "open shortfall").to.equal(0);
    for (const pool of result.pools) {
      expect(BigInt(pool.sharePriceAfter), `${pool.symbol} share price`).to.be.greaterThanOrEqual(BigInt(pool.sharePriceBefore));
      expect(pool.everyLenderCanWithdraw, `${pool.symbol} lenders can withdraw`).to.equal(true);
    }
    expect(result.lenderLossUsd).to.equal(0);
    expect(result.everyLenderCanWithdraw).to.equal(true);
    expect(result.keeperCapitalUsedUsd, "the keeper had nothing to tie up").to.equal(0);
  }

  it("WETH -40% in one step: liquidates what it must and leaves lenders whole", async () => {
    expectPromisesKept(await run(wethDrop(0.4)));
  });

  it("WETH -60% in one step: the underwater 3x positions are cleared with no capital, the reserve covers the bad debt", async () => {
    const result = await run(wethDrop(0.6));
    expectPromisesKept(result);
    expect(result.liquidations.byCallback, "capital-free liquidations").to.be.greaterThan(0);
  });

  it("USDC to $0.80 in one step: the 10x stable positions are cleared with no capital, lenders whole", async () => {
    expectPromisesKept(await run(usdcStep(0.8)));
  });
});

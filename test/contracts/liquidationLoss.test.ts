import { expect } from "chai";
import hre from "hardhat";
import { DEFAULT_KEEPER_CAPITAL, setupCrashState, type CrashContext } from "../../scripts/crash/book";
import { liquidationLossTable, measureLiquidationLoss, offeredLeverages } from "../../scripts/crash/liquidationLoss";
import { STABLE_VAULT_RISK, VOLATILE_VAULT_RISK } from "../../lib/vaults";
import { WAD } from "../../lib/math";

/**
 * "A liquidation takes only what it must" (issue 18): at every leverage each vault offers, a position just past the
 * kill factor, liquidated in part by the project's keeper holding no capital, costs its owner at most 20% of its
 * equity. The same measurement is in the crash report (npm run crash).
 */
describe("the farmer's loss to a partial liquidation at the kill factor, at every offered leverage", function () {
  this.timeout(300_000);
  let ctx: CrashContext;

  before(async () => {
    ctx = await setupCrashState(hre, { book: [], farmerCount: 1, lenderCount: 1, keeperCapital: DEFAULT_KEEPER_CAPITAL, interestDays: 0 });
  });

  for (const [which, risk] of [["stable", STABLE_VAULT_RISK], ["volatile", VOLATILE_VAULT_RISK]] as const) {
    it(`${which} vault (kill ${risk.killFactorBps / 100}%, target ${risk.liquidationTargetBps / 100}%, bounty ${risk.liquidationBountyBps / 100}%, swap bound ${risk.swapSlippageBps / 100}%): at most 20% of equity`, async () => {
      const leverages = offeredLeverages(Number(risk.maxLeverageWad / (WAD / 10n)) / 10);
      const rows = await measureLiquidationLoss(ctx, which, leverages);
      console.log(liquidationLossTable(rows).map((line) => `    ${line}`).join("\n"));
      expect(rows.map((row) => row.leverage)).to.deep.equal(leverages);
      for (const row of rows) {
        expect(row.whole, `${row.leverage}x unwound whole`).to.equal(false);
        expect(row.debtRatioBps, `${row.leverage}x just past the kill factor`).to.be.within(risk.killFactorBps, risk.killFactorBps + 50);
        expect(row.debtRatioAfterBps, `${row.leverage}x back at the target`).to.be.at.most(risk.liquidationTargetBps + 5);
        expect(row.lossUsd, `${row.leverage}x lost something (the bounty)`).to.be.greaterThan(0);
        expect(row.lossShare, `${row.leverage}x loss as a share of equity`).to.be.at.most(0.2);
      }
    });
  }
});

import { describe, expect, it } from "vitest";
import {
  dangerThresholdBps,
  debtRatioScale,
  debtRatioScaleText,
  isWarning,
  positionRisk,
  RISK_LABEL,
  riskExplanation,
  riskLevel,
} from "../../lib/risk";
import { STABLE_VAULT_RISK, VOLATILE_VAULT_RISK } from "../../lib/vaults";
import { UNBACKED_DEBT_RATIO_BPS } from "../../lib/vaultMath";

const STABLE = { work: 9_100n, kill: 9_500n };
const VOLATILE = { work: 7_000n, kill: 8_000n };

describe("riskLevel", () => {
  it("uses the local vaults' factors as these tests do", () => {
    expect(BigInt(STABLE_VAULT_RISK.workFactorBps)).toBe(STABLE.work);
    expect(BigInt(STABLE_VAULT_RISK.killFactorBps)).toBe(STABLE.kill);
    expect(BigInt(VOLATILE_VAULT_RISK.workFactorBps)).toBe(VOLATILE.work);
    expect(BigInt(VOLATILE_VAULT_RISK.killFactorBps)).toBe(VOLATILE.kill);
  });

  it("starts close to liquidation halfway from the work factor to the kill factor", () => {
    expect(dangerThresholdBps(STABLE.work, STABLE.kill)).toBe(9_300n);
    expect(dangerThresholdBps(VOLATILE.work, VOLATILE.kill)).toBe(7_500n);
    // An odd gap rounds down: 9,100 + 401 / 2.
    expect(dangerThresholdBps(9_100n, 9_501n)).toBe(9_300n);
  });

  for (const [name, { work, kill }] of Object.entries({ stable: STABLE, volatile: VOLATILE })) {
    const danger = dangerThresholdBps(work, kill);
    it(`changes level exactly at each threshold and one bps past it (${name}: ${work} / ${danger} / ${kill})`, () => {
      expect(riskLevel(0n, work, kill)).toBe("safe");
      expect(riskLevel(work - 1n, work, kill)).toBe("safe");
      expect(riskLevel(work, work, kill)).toBe("safe");
      expect(riskLevel(work + 1n, work, kill)).toBe("watch");
      expect(riskLevel(danger, work, kill)).toBe("watch");
      expect(riskLevel(danger + 1n, work, kill)).toBe("danger");
      expect(riskLevel(kill, work, kill)).toBe("danger");
      expect(riskLevel(kill + 1n, work, kill)).toBe("liquidatable");
      expect(riskLevel(UNBACKED_DEBT_RATIO_BPS, work, kill)).toBe("liquidatable");
    });
  }

  it("never flags a fresh 10x stable position at its 91% work factor", () => {
    const fresh = riskLevel(9_100n, STABLE.work, STABLE.kill);
    expect(fresh).toBe("safe");
    expect(isWarning(fresh)).toBe(false);
    // Interest nudging it just past the work factor is worth a look, not a site-wide warning.
    expect(isWarning(riskLevel(9_150n, STABLE.work, STABLE.kill))).toBe(false);
    expect(isWarning(riskLevel(9_301n, STABLE.work, STABLE.kill))).toBe(true);
  });

  it("trusts the vault's exact liquidatable verdict over the rounded ratio", () => {
    // The ratio rounds up, so 95.00% may still be at (not above) the kill factor: the vault's verdict decides.
    expect(riskLevel(9_500n, STABLE.work, STABLE.kill, true)).toBe("liquidatable");
    expect(riskLevel(9_500n, STABLE.work, STABLE.kill, false)).toBe("danger");
    expect(positionRisk({ debtRatioBps: 8_001n, liquidatable: true }, VOLATILE.work, VOLATILE.kill)).toBe("liquidatable");
    expect(positionRisk({ debtRatioBps: 0n, liquidatable: false }, VOLATILE.work, VOLATILE.kill)).toBe("safe");
    expect(positionRisk({ debtRatioBps: 7_001n, liquidatable: false }, VOLATILE.work, VOLATILE.kill)).toBe("watch");
  });

  it("warns (banner, alerts) only close to and past the kill factor", () => {
    expect(["safe", "watch", "danger", "liquidatable"].map((level) => isWarning(level as never))).toEqual([false, false, true, true]);
  });
});

describe("the risk words", () => {
  it("labels every level and explains it with the vault's numbers", () => {
    expect(RISK_LABEL).toEqual({ safe: "Healthy", watch: "Above the work factor", danger: "Close to liquidation", liquidatable: "Can be liquidated now" });
    expect(riskExplanation("safe", STABLE.work, STABLE.kill)).toBe("At or below the 91.00% work factor, where the vault lets a position open or borrow.");
    expect(riskExplanation("watch", STABLE.work, STABLE.kill)).toBe("Above the 91.00% work factor: the vault lends it no more, and it is liquidated above 95.00%.");
    expect(riskExplanation("danger", STABLE.work, STABLE.kill)).toBe("Above 93.00%, close to the 95.00% kill factor: add collateral or repay debt to stay safe.");
    expect(riskExplanation("liquidatable", STABLE.work, STABLE.kill)).toBe("Past the 95.00% kill factor: anyone can liquidate it now.");
  });
});

describe("the debt-ratio scale", () => {
  it("runs from 0% to the kill factor, with the work factor and the danger threshold marked", () => {
    expect(debtRatioScale(6_000n, VOLATILE.work, VOLATILE.kill)).toEqual({ fill: 0.75, workMark: 0.875, dangerMark: 0.9375 });
    expect(debtRatioScale(9_100n, STABLE.work, STABLE.kill).fill).toBeCloseTo(0.9578, 4);
    expect(debtRatioScale(0n, STABLE.work, STABLE.kill).fill).toBe(0);
  });

  it("stops the fill at the end of the bar past the kill factor", () => {
    expect(debtRatioScale(9_100n, VOLATILE.work, VOLATILE.kill).fill).toBe(1);
    expect(debtRatioScale(UNBACKED_DEBT_RATIO_BPS, VOLATILE.work, VOLATILE.kill).fill).toBe(1);
  });

  it("says what the scale is", () => {
    expect(debtRatioScaleText(STABLE.work, STABLE.kill)).toBe(
      "Scale: 0% to the 95% kill factor, where liquidation starts. A position opens or borrows only up to the 91% work factor.",
    );
  });
});

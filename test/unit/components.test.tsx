/**
 * The app's components that format and compute, rendered to HTML as the server would: what a person reads for a
 * given state.
 */
import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { TransactionStatus } from "../../app/tx/TransactionStatus";
import type { TransactionFlow } from "../../app/tx/useTransactionFlow";
import { HealthWarning, SafetyBuffer } from "../../app/positions/display";
import { DebtRatioBar, RiskBadge } from "../../app/risk/DebtRatioBar";
import { LeverageCalculator } from "../../app/farms/LeverageCalculator";

/** Visible text, tags dropped and entities decoded, the way a test reads a page. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

function flow(partial: Partial<TransactionFlow>): TransactionFlow {
  return { steps: [], error: null, busy: false, run: async () => true, reset: () => undefined, ...partial };
}

describe("TransactionStatus", () => {
  it("shows each step's state in words and the reason a flow stopped", () => {
    const html = renderToStaticMarkup(
      <TransactionStatus
        flow={flow({
          steps: [
            { label: "Approve USDC", status: "confirmed", hash: "0xabcdef0123456789" },
            { label: "Open position", status: "failed" },
          ],
          error: "You rejected the request in your wallet; nothing was sent.",
        })}
      />,
    );
    const text = textOf(html);
    expect(text).toContain("Approve USDC: confirmed 0xabcdef01…");
    expect(text).toContain("Open position: failed");
    expect(html).toMatch(/role="alert"[^>]*>You rejected the request in your wallet; nothing was sent\./);
  });

  it("says a step is waiting for the signature, then pending, and that a skipped approval was not needed", () => {
    const text = textOf(
      renderToStaticMarkup(
        <TransactionStatus
          flow={flow({
            steps: [
              { label: "Approve WETH", status: "skipped" },
              { label: "Deposit", status: "signing" },
              { label: "Close", status: "pending", hash: "0x1234567890abcdef" },
            ],
          })}
        />,
      ),
    );
    expect(text).toBe("Approve WETH: not needed Deposit: waiting for your signature… Close: pending… 0x12345678…");
  });

  it("renders nothing before anything was sent", () => {
    expect(renderToStaticMarkup(<TransactionStatus flow={flow({})} />)).toBe("");
  });
});

describe("the debt-ratio bar and warnings", () => {
  it("fills the bar as the share of the kill factor used and marks the work factor and the danger threshold", () => {
    const html = renderToStaticMarkup(<DebtRatioBar ratioBps={6_000n} workFactorBps={7_000n} killFactorBps={8_000n} />);
    expect(html).toContain('style="width:75%"'); // 60% of an 80% kill factor
    expect(html).toContain('style="left:87.5%"'); // the work factor, 70 / 80
    expect(html).toContain('style="left:93.75%"'); // close to liquidation above 75%, halfway to the kill factor
    expect(html).toContain("risk-fill-safe");
    const text = textOf(html);
    expect(text).toContain("Debt ratio 60.00% Healthy");
    expect(text).toContain("work factor 70%");
    expect(text).toContain("close to liquidation above 75.0%");
    expect(text).toContain("kill factor 80% (end of bar)");
    expect(text).toContain("Scale: 0% to the 80% kill factor, where liquidation starts. A position opens or borrows only up to the 70% work factor.");
  });

  it("colours and words each level the same way (one rule for the preview, the card and the page)", () => {
    const level = (ratioBps: bigint, liquidatable?: boolean) => {
      const html = renderToStaticMarkup(<DebtRatioBar ratioBps={ratioBps} workFactorBps={9_100n} killFactorBps={9_500n} liquidatable={liquidatable} />);
      return [/risk-fill-(\w+)/.exec(html)![1], /risk-badge-(\w+)/.exec(html)![1]];
    };
    expect(level(9_100n)).toEqual(["safe", "safe"]); // a fresh 10x stable position
    expect(level(9_101n)).toEqual(["watch", "watch"]);
    expect(level(9_301n)).toEqual(["danger", "danger"]);
    expect(level(9_501n)).toEqual(["liquidatable", "liquidatable"]);
    expect(level(9_500n, true)).toEqual(["liquidatable", "liquidatable"]);
  });

  it("stops the fill at the end of the bar for a position past the kill factor", () => {
    const html = renderToStaticMarkup(<DebtRatioBar ratioBps={9_100n} workFactorBps={7_000n} killFactorBps={8_000n} liquidatable />);
    expect(html).toContain('style="width:100%"');
    expect(textOf(html)).toContain("Debt ratio 91.00% Can be liquidated now");
  });

  it("words the safety buffer in percentage points, and past the kill factor as such", () => {
    expect(textOf(renderToStaticMarkup(<SafetyBuffer killFactorBps={9_500n} ratioBps={8_936n} />))).toBe("5.64 pp");
    expect(textOf(renderToStaticMarkup(<SafetyBuffer killFactorBps={8_000n} ratioBps={8_125n} />))).toBe("past the kill factor by 1.25 pp");
  });

  it("warns close to the kill factor, notes a ratio above the work factor, and says anyone can liquidate past it", () => {
    const warning = (level: "safe" | "watch" | "danger" | "liquidatable", ratioBps: bigint) =>
      renderToStaticMarkup(<HealthWarning vaultName="USDC-USDT" id={1n} level={level} ratioBps={ratioBps} workFactorBps={9_100n} killFactorBps={9_500n} />);
    expect(textOf(warning("danger", 9_336n))).toBe(
      "USDC-USDT #1 is at 93.36% debt ratio, above 93.00% and close to liquidation at 95.00%. Add collateral or repay debt to stay safe.",
    );
    expect(warning("danger", 9_336n)).toContain('role="alert"');
    expect(textOf(warning("watch", 9_150n))).toBe(
      "USDC-USDT #1 is at 91.50% debt ratio, above the 91.00% work factor: the vault lends it no more, and it is liquidated above 95.00%.",
    );
    expect(warning("watch", 9_150n)).not.toContain('role="alert"');
    const past = textOf(renderToStaticMarkup(<HealthWarning vaultName="WETH-USDC" id={4n} level="liquidatable" ratioBps={8_100n} workFactorBps={7_000n} killFactorBps={8_000n} />));
    expect(past).toMatch(/^WETH-USDC #4 is at 81\.00% debt ratio, past its 80\.00% kill factor: anyone can liquidate it now\./);
    expect(warning("safe", 9_100n)).toBe("");
  });

  it("badges a closed position as closed", () => {
    expect(textOf(renderToStaticMarkup(<RiskBadge level="safe" closed />))).toBe("Closed");
    expect(textOf(renderToStaticMarkup(<RiskBadge level="danger" />))).toBe("Close to liquidation");
  });
});

describe("LeverageCalculator", () => {
  const DAY = 86_400;
  const week = (rate: number) => ({ window: { kind: "window", seconds: 7 * DAY, sinceDeployment: false } as const, rate: { rate, implausibleReason: null } });
  const plausible = (rate: number) => ({ rate, implausibleReason: null });

  it("starts at the vault's maximum and shows APR at leverage L = (rewards + fees) x L - borrow x (L - 1), each with its basis", () => {
    const text = textOf(
      renderToStaticMarkup(<LeverageCalculator vaultName="WETH-USDC" rewardApr={plausible(0.15)} tradingFees={week(0.05)} borrowApr={0.05} maxLeverage={3} />),
    );
    expect(text).toContain("Leverage 3.00x");
    expect(text).toContain("Farm rewards 45.00% (at current stake)");
    expect(text).toContain("Trading fees 15.00% (7 d)");
    expect(text).toContain("Borrow interest -10.00%");
    expect(text).toContain("Net APR 50.00%");
    // 50% compounded daily: (1 + 0.5 / 365)^365 - 1.
    expect(text).toContain(`Net APY (daily compounding) ${(((1 + 0.5 / 365) ** 365 - 1) * 100).toFixed(2)}%`);
  });

  it("says there is no rate to lever when nothing is staked and nothing traded", () => {
    const text = textOf(
      renderToStaticMarkup(
        <LeverageCalculator vaultName="USDC-USDT" rewardApr={null} tradingFees={{ ...week(0), rate: null }} borrowApr={0.01} maxLeverage={10} />,
      ),
    );
    expect(text).toBe("No LP is staked in this farm yet, so it has no reward rate to lever.");
  });

  it("levers the trading fees alone when the farm has nothing staked yet", () => {
    const text = textOf(
      renderToStaticMarkup(<LeverageCalculator vaultName="USDC-USDT" rewardApr={null} tradingFees={week(0.1)} borrowApr={0.02} maxLeverage={2} />),
    );
    expect(text).toMatch(/^No LP is staked in this farm yet, so it has no reward rate to lever; the figures below count the trading fees alone\./);
    expect(text).toContain("Net APR 18.00%"); // 0.1 x 2 - 0.02 x 1
  });

  it("says why a young deployment has no fee figure, and shows an implausible reward with its reason, not as a headline", () => {
    const html = renderToStaticMarkup(
      <LeverageCalculator
        vaultName="USDC-USDT"
        rewardApr={{ rate: 144.3788, implausibleReason: "the farm has only $2,000.00 staked; one deposit changes this a lot" }}
        tradingFees={{ window: { kind: "tooYoung", ageSeconds: 19 * 60, neededSeconds: DAY }, rate: null }}
        borrowApr={0.02}
        maxLeverage={2}
      />,
    );
    const text = textOf(html);
    expect(text).toContain("Trading fees Not yet: deployment is 19 minutes old; shown after 24 h of history");
    expect(text).toContain(
      "Farm rewards 28,875.76% (at current stake) Above the 1,000% plausibility bound: the farm has only $2,000.00 staked; one deposit changes this a lot.",
    );
    expect(html).not.toContain('class="headline"');
  });
});

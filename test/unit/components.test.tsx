/**
 * The app's components that format and compute, rendered to HTML as the server would: what a person reads for a
 * given state.
 */
import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { TransactionStatus } from "../../app/tx/TransactionStatus";
import type { TransactionFlow } from "../../app/tx/useTransactionFlow";
import { DebtRatioBar, HealthWarning, SafetyBuffer } from "../../app/positions/display";
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
  it("fills the bar as the share of the kill factor used and marks the work factor", () => {
    const html = renderToStaticMarkup(<DebtRatioBar ratioBps={6_000n} workFactorBps={7_000n} killFactorBps={8_000n} health="safe" />);
    expect(html).toContain('style="width:75%"'); // 60% of an 80% kill factor
    expect(html).toContain('style="left:87.5%"'); // the work factor, 70 / 80
    expect(textOf(html)).toContain("Debt ratio 60.00%");
    expect(textOf(html)).toContain("kill factor 80% (end of bar)");
  });

  it("stops the fill at the end of the bar for a position past the kill factor", () => {
    const html = renderToStaticMarkup(<DebtRatioBar ratioBps={9_100n} workFactorBps={7_000n} killFactorBps={8_000n} health="liquidatable" />);
    expect(html).toContain('style="width:100%"');
    expect(textOf(html)).toContain("Debt ratio 91.00%");
  });

  it("words the safety buffer in percentage points, and past the kill factor as such", () => {
    expect(textOf(renderToStaticMarkup(<SafetyBuffer killFactorBps={9_500n} ratioBps={8_936n} />))).toBe("5.64 pp");
    expect(textOf(renderToStaticMarkup(<SafetyBuffer killFactorBps={8_000n} ratioBps={8_125n} />))).toBe("past the kill factor by 1.25 pp");
  });

  it("warns near the kill factor and says anyone can liquidate past it", () => {
    const near = textOf(renderToStaticMarkup(<HealthWarning vaultName="USDC-USDT" id={1n} health="warning" ratioBps={8_936n} killFactorBps={9_500n} />));
    expect(near).toBe("Position #1 in USDC-USDT is at 89.36% debt ratio, liquidation at 95.00%. Add collateral or repay debt to stay safe.");
    const past = textOf(renderToStaticMarkup(<HealthWarning vaultName="WETH-USDC" id={4n} health="liquidatable" ratioBps={8_100n} killFactorBps={8_000n} />));
    expect(past).toMatch(/^Position #4 in WETH-USDC is at 81\.00% debt ratio, past its 80\.00% kill factor: anyone can liquidate it now\./);
    expect(renderToStaticMarkup(<HealthWarning vaultName="WETH-USDC" id={4n} health="safe" ratioBps={5_000n} killFactorBps={8_000n} />)).toBe("");
  });
});

describe("LeverageCalculator", () => {
  it("starts at the vault's maximum and shows APR at leverage L = (rewards + fees) x L - borrow x (L - 1)", () => {
    const text = textOf(
      renderToStaticMarkup(<LeverageCalculator vaultName="WETH-USDC" rewardApr={0.15} tradingFeeApr={0.05} borrowApr={0.05} maxLeverage={3} />),
    );
    expect(text).toContain("Leverage 3.00x");
    expect(text).toContain("Farm rewards 45.00%");
    expect(text).toContain("Trading fees 15.00%");
    expect(text).toContain("Borrow interest -10.00%");
    expect(text).toContain("Net APR 50.00%");
    // 50% compounded daily: (1 + 0.5 / 365)^365 - 1.
    expect(text).toContain(`Net APY ${(((1 + 0.5 / 365) ** 365 - 1) * 100).toFixed(2)}%`);
  });

  it("says there is no rate to lever when nothing is staked and nothing traded", () => {
    const text = textOf(
      renderToStaticMarkup(<LeverageCalculator vaultName="USDC-USDT" rewardApr={null} tradingFeeApr={null} borrowApr={0.01} maxLeverage={10} />),
    );
    expect(text).toBe("No LP is staked in this farm yet, so it has no reward rate to lever.");
  });

  it("levers the trading fees alone when the farm has nothing staked yet", () => {
    const text = textOf(
      renderToStaticMarkup(<LeverageCalculator vaultName="USDC-USDT" rewardApr={null} tradingFeeApr={0.1} borrowApr={0.02} maxLeverage={2} />),
    );
    expect(text).toMatch(/^No LP is staked in this farm yet, so it has no reward rate to lever; the figures below count the trading fees alone\./);
    expect(text).toContain("Net APR 18.00%"); // 0.1 x 2 - 0.02 x 1
  });
});

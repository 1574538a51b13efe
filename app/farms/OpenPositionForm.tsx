"use client";

import { useId, useState } from "react";
import type { TransactionResponse } from "ethers";
import { StakingRewardsVault__factory } from "../../typechain-types";
import { checkAmount } from "../../lib/amountInput";
import { transactionDeadline } from "../../lib/transactionPolicy";
import { formatBps, formatPercent, formatSignificant, formatTokenAmount, formatTokenReadable, formatUsd, formatUsdWad } from "../../lib/format";
import {
  borrowProblem,
  formatLeverage,
  leverageToBorrowFor,
  openYield,
  pairPriceCheck,
  parseLeverage,
  previewOpen,
  type BorrowChoice,
  type OpenPreview,
  type OpenRequest,
  type OpenYield,
} from "../../lib/openPreview";
import { inNameOrder, positionName } from "../../lib/names";
import { DEFAULT_SLIPPAGE_BPS, parseSlippage, SLIPPAGE_PRESETS_BPS, slippagePresetText } from "../../lib/slippage";
import { DebtRatioBar } from "../risk/DebtRatioBar";
import { approvalStep, useTransactionFlow, type TransactionStep } from "../tx/useTransactionFlow";
import { TransactionStatus } from "../tx/TransactionStatus";
import { useChain, useWallet } from "../wallet/WalletProvider";
import { AmountField } from "../forms/AmountField";
import { readVaultState, useVaultState, type VaultState } from "./useVaultState";
import type { OpenSetup, TokenSetup } from "./vaults";
import { MeasuredYieldFigure, RateFigure, RewardNowAndAfter, YieldBasis } from "./YieldFigure";
import styles from "./open.module.css";

const SLIPPAGE_PRESETS = SLIPPAGE_PRESETS_BPS.map(slippagePresetText);
type SlippageChoice = string;

const tokenText = (amount: bigint, token: TokenSetup) => `${formatTokenReadable(amount, token.decimals)} ${token.symbol}`;
interface FormInputs {
  amountText0: string;
  amountText1: string;
  leverageText: string;
  borrow: BorrowChoice;
  slippageChoice: SlippageChoice;
  customSlippageText: string;
}

/** What is wrong with the form, field by field; `reason` is the first, shown under the submit button. */
interface Problems {
  amount0: string | null;
  amount1: string | null;
  amounts: string | null;
  leverage: string | null;
  borrow: string | null;
  slippage: string | null;
  vault: string | null;
  reason: string | null;
}

/** The request the inputs describe, when they parse (balances aside: a preview works before connecting). */
function parseRequest(inputs: FormInputs, setup: OpenSetup, state: VaultState | null) {
  const amount0 = checkAmount(inputs.amountText0, { symbol: setup.token0.symbol, decimals: setup.token0.decimals, optional: true });
  const amount1 = checkAmount(inputs.amountText1, { symbol: setup.token1.symbol, decimals: setup.token1.decimals, optional: true });
  const leverage = state ? parseLeverage(inputs.leverageText, state.risk.maxLeverageWad) : null;
  const slippageText = inputs.slippageChoice === "custom" ? inputs.customSlippageText : inputs.slippageChoice;
  const slippage = parseSlippage(slippageText);
  const request: OpenRequest | null =
    amount0.amount !== null && amount1.amount !== null && leverage?.leverageWad && slippage.slippageBps !== null
      ? {
          amount0: amount0.amount,
          amount1: amount1.amount,
          // At the limit, keep the slippage tolerance as room for prices to move before the transaction is mined.
          leverageWad: leverageToBorrowFor(leverage.leverageWad, state!.risk.maxLeverageWad, slippage.slippageBps),
          borrow: inputs.borrow,
          slippageBps: slippage.slippageBps,
        }
      : null;
  return { request, amount0, amount1, leverage, slippage };
}

/** Every check the vault, its pools and the wallet would make, in words, before anything is signed. */
function findProblems(inputs: FormInputs, setup: OpenSetup, state: VaultState | null, preview: OpenPreview | null): Problems {
  const parsed = parseRequest(inputs, setup, state);
  const balance = (index: 0 | 1) => (state?.balances ? (index === 0 ? state.balances.token0 : state.balances.token1) : undefined);
  const amount0 = checkAmount(inputs.amountText0, { symbol: setup.token0.symbol, decimals: setup.token0.decimals, balance: balance(0), optional: true });
  const amount1 = checkAmount(inputs.amountText1, { symbol: setup.token1.symbol, decimals: setup.token1.decimals, balance: balance(1), optional: true });
  const problems: Problems = {
    amount0: amount0.error,
    amount1: amount1.error,
    amounts:
      amount0.amount === 0n && amount1.amount === 0n ? `Enter an amount of ${setup.token0.symbol}, ${setup.token1.symbol} or both.` : null,
    leverage: parsed.leverage?.error ?? null,
    borrow: null,
    slippage: parsed.slippage.error,
    vault: null,
    reason: null,
  };
  if (state) {
    if (state.paused) problems.vault = "The vault is paused by its guardian: no new positions until it is unpaused.";
    else {
      const priceCheck = pairPriceCheck(state.market, state.risk.maxPriceDeviationBps);
      if (!priceCheck.withinLimit) {
        problems.vault = `The pair's price is ${formatPercent(priceCheck.deviation)} away from the oracle's, more than the ${formatBps(state.risk.maxPriceDeviationBps)} the vault trades at; wait for arbitrage to bring it back.`;
      }
    }
  }
  if (state && preview) {
    const borrows = [preview.borrow0, preview.borrow1];
    for (const index of [0, 1] as const) {
      const pool = state.pools[index];
      if (borrows[index] > 0n && pool.borrowsPaused) problems.borrow ??= `Borrowing from the ${pool.symbol} pool is paused; borrow the other token.`;
      problems.borrow ??= borrowProblem(borrows[index], pool);
    }
    if (preview.exceedsMaxLeverage) {
      problems.leverage ??= `The vault would count this as ${formatLeverage(preview.leverageCheckWad!)}, above its ${formatLeverage(state.risk.maxLeverageWad)} maximum.`;
    }
    if (preview.exceedsWorkFactor) {
      problems.leverage ??= `After the zap the debt ratio would be ${formatBps(preview.debtRatioBps)}, above the vault's ${formatBps(state.risk.workFactorBps)} work factor: lower the leverage.`;
    }
  }
  problems.reason =
    problems.vault ?? problems.amount0 ?? problems.amount1 ?? problems.amounts ?? problems.leverage ?? problems.borrow ?? problems.slippage;
  return problems;
}

export function OpenPositionForm({ setup }: { setup: OpenSetup }) {
  const { readProvider, readError, deployment } = useChain();
  const wallet = useWallet();
  const { state, error: stateError } = useVaultState(setup, wallet.address);
  const flow = useTransactionFlow();
  const ids = { leverage: useId(), slider: useId(), slippage: useId() };

  const [inputs, setInputs] = useState<FormInputs>({
    amountText0: "",
    amountText1: "",
    leverageText: "2.00",
    borrow: "both",
    slippageChoice: slippagePresetText(DEFAULT_SLIPPAGE_BPS),
    customSlippageText: "",
  });
  const [opened, setOpened] = useState<{ positionId: bigint } | null>(null);
  const update = (change: Partial<FormInputs>) => setInputs((current) => ({ ...current, ...change }));

  // Cheap enough (a few bigint square roots) to recompute on every render and every block.
  const { request, leverage: parsedLeverage } = parseRequest(inputs, setup, state);
  const parsedLeverageWad = parsedLeverage?.leverageWad ?? null;
  const preview = state && request ? previewOpen(request, state.market, state.risk) : null;
  const yieldFigures: OpenYield | null =
    state && preview
      ? openYield(preview, state.market, {
          farm: state.farm,
          swapVolume: setup.swapVolume,
          borrowApr0: state.pools[0].borrowApr,
          borrowApr1: state.pools[1].borrowApr,
        })
      : null;
  const problems = findProblems(inputs, setup, state, preview);

  // Fields in the vault name's order (WETH before USDC in WETH-USDC); each keeps its pair index for the amounts.
  const tokenFields = inNameOrder(setup.name, setup.token0.symbol, setup.token1.symbol, [
    { token: setup.token0, index: 0 as const },
    { token: setup.token1, index: 1 as const },
  ]);
  const connected = wallet.address !== null;
  const canSign = wallet.signer !== null;
  const maxLeverage = state ? Number(state.risk.maxLeverageWad) / 1e18 : null;
  const sliderValue = (() => {
    const value = Number(inputs.leverageText);
    return Number.isFinite(value) && maxLeverage ? Math.min(Math.max(value, 1), maxLeverage) : 1;
  })();

  async function submit() {
    if (!request || problems.reason || !canSign) return;
    setOpened(null);
    flow.reset();
    const openRequest = request;
    let openResponse: TransactionResponse | null = null;
    const steps: TransactionStep[] = [];
    if (openRequest.amount0 > 0n) steps.push(approvalStep(setup.token0.address, setup.token0.symbol, setup.vaultAddress, openRequest.amount0));
    if (openRequest.amount1 > 0n) steps.push(approvalStep(setup.token1.address, setup.token1.symbol, setup.vaultAddress, openRequest.amount1));
    steps.push({
      label: `Open the ${setup.name} position`,
      async send(signer) {
        // Prices move every few seconds and the approvals took blocks of their own: borrow for the leverage asked
        // at the prices of now, with the same checks the form showed.
        const fresh = await readVaultState(readProvider, setup, await signer.getAddress());
        const freshPreview = previewOpen(openRequest, fresh.market, fresh.risk);
        const freshProblems = findProblems(inputs, setup, fresh, freshPreview);
        if (!freshPreview || freshProblems.reason) throw new Error(freshProblems.reason ?? "Nothing to open.");
        const latest = await readProvider.getBlock("latest");
        if (!latest) throw new Error("The chain's latest block could not be read.");
        const vault = StakingRewardsVault__factory.connect(setup.vaultAddress, signer);
        // The least LP at the share price of now: a share price pushed up before the open (a donation, a
        // compounding harvest ahead of it) makes the vault refuse rather than mint fewer shares than this.
        const minShares = await StakingRewardsVault__factory.connect(setup.vaultAddress, readProvider).sharesForLp(freshPreview.minLp);
        openResponse = await vault.open({
          amount0: openRequest.amount0,
          amount1: openRequest.amount1,
          borrow0: freshPreview.borrow0,
          borrow1: freshPreview.borrow1,
          minLp: freshPreview.minLp,
          minShares,
          deadline: transactionDeadline(latest.timestamp),
        });
        return openResponse;
      },
    });
    const confirmed = await flow.run(steps);
    if (!confirmed || !openResponse) return;
    const receipt = await (openResponse as TransactionResponse).wait();
    const vaultInterface = StakingRewardsVault__factory.createInterface();
    for (const log of receipt?.logs ?? []) {
      if (log.address.toLowerCase() !== setup.vaultAddress.toLowerCase()) continue;
      const parsed = vaultInterface.parseLog(log);
      if (parsed?.name === "PositionOpened") {
        setOpened({ positionId: parsed.args.positionId as bigint });
        // The position exists now; clearing the amounts keeps a second click from opening another one.
        update({ amountText0: "", amountText1: "" });
        return;
      }
    }
  }

  const buttonLabel = !connected
    ? "Connect a wallet to open a position"
    : wallet.wrongChain
      ? `Switch your wallet to chain ${deployment.chainId} to open a position`
      : flow.busy
        ? "Opening…"
        : "Open position";
  const chainProblem = readError ?? stateError;

  return (
    <div className={styles.layout}>
      <form
        className={`card ${styles.form}`}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        data-testid="open-position-form"
      >
        <fieldset className={styles.fieldset} disabled={flow.busy}>
          <legend className={styles.legend}>Supply</legend>
          {tokenFields.map(({ token, index }) => {
            const key = index === 0 ? "amountText0" : "amountText1";
            const balance = state?.balances ? (index === 0 ? state.balances.token0 : state.balances.token1) : null;
            return (
              <AmountField
                key={token.address}
                label={token.symbol}
                value={inputs[key]}
                onChange={(value) => update({ [key]: value })}
                error={index === 0 ? problems.amount0 : problems.amount1}
                hint={connected ? (balance === null ? "Wallet: reading…" : `Wallet: ${tokenText(balance, token)}`) : "Wallet: not connected"}
                max={{ amount: balance, decimals: token.decimals }}
                testIds={{ input: `amount-${index}`, max: `max-${index}`, error: `amount-${index}-error`, hint: `balance-${index}` }}
              />
            );
          })}
          {problems.amounts && (inputs.amountText0.trim() !== "" || inputs.amountText1.trim() !== "") && (
            <p className="field-error" data-testid="amounts-error">
              {problems.amounts}
            </p>
          )}
        </fieldset>

        <fieldset className={styles.fieldset} disabled={flow.busy}>
          <legend className={styles.legend}>Leverage</legend>
          <div className={styles.leverageRow}>
            <input
              id={ids.slider}
              type="range"
              min={1}
              max={maxLeverage ?? 1}
              step={0.01}
              value={sliderValue}
              disabled={maxLeverage === null}
              onChange={(event) => update({ leverageText: Number(event.target.value).toFixed(2) })}
              aria-label="Leverage"
              data-testid="leverage-slider"
            />
            <input
              id={ids.leverage}
              className={styles.leverageInput}
              type="text"
              inputMode="decimal"
              value={inputs.leverageText}
              onChange={(event) => update({ leverageText: event.target.value })}
              aria-label="Leverage, x"
              aria-invalid={problems.leverage ? true : undefined}
              data-testid="leverage-input"
            />
            <span aria-hidden="true">x</span>
          </div>
          <p className="muted">
            {maxLeverage === null ? "Reading the vault's limits…" : `From 1x (no borrowing) to this vault's ${maxLeverage.toFixed(2)}x.`}
          </p>
          {request && parsedLeverageWad !== null && request.leverageWad < parsedLeverageWad && (
            <p className="muted" data-testid="leverage-headroom">
              At the vault&apos;s limit the form borrows a little less than {formatLeverage(parsedLeverageWad)}: your slippage tolerance is
              kept as room for prices to move before the transaction is mined, so the vault does not refuse it. The preview shows the
              leverage this gives.
            </p>
          )}
          {problems.leverage && (
            <p className="field-error" data-testid="leverage-error">
              {problems.leverage}
            </p>
          )}

          <div className={styles.field} role="radiogroup" aria-label="Borrow">
            <span className={styles.groupLabel}>Borrow</span>
            <div className={styles.choices}>
              {(
                [
                  ["token0", setup.token0.symbol],
                  ["token1", setup.token1.symbol],
                  ["both", `Both (equal value)`],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className={styles.choice}>
                  <input
                    type="radio"
                    name="borrow"
                    value={value}
                    checked={inputs.borrow === value}
                    onChange={() => update({ borrow: value })}
                    data-testid={`borrow-${value}`}
                  />
                  {label}
                </label>
              ))}
            </div>
            {problems.borrow && (
              <p className="field-error" data-testid="borrow-error">
                {problems.borrow}
              </p>
            )}
          </div>
        </fieldset>

        <fieldset className={styles.fieldset} disabled={flow.busy}>
          <legend className={styles.legend}>Slippage tolerance</legend>
          <div className={styles.choices} role="radiogroup" aria-label="Slippage tolerance">
            {[...SLIPPAGE_PRESETS, "custom" as const].map((choice) => (
              <label key={choice} className={styles.choice}>
                <input
                  type="radio"
                  name="slippage"
                  value={choice}
                  checked={inputs.slippageChoice === choice}
                  onChange={() => update({ slippageChoice: choice })}
                  data-testid={`slippage-${choice.replace(".", "-")}`}
                />
                {choice === "custom" ? "Custom" : `${choice}%`}
              </label>
            ))}
            {inputs.slippageChoice === "custom" && (
              <span className={styles.customSlippage}>
                <input
                  id={ids.slippage}
                  type="text"
                  inputMode="decimal"
                  placeholder="0.3"
                  value={inputs.customSlippageText}
                  onChange={(event) => update({ customSlippageText: event.target.value })}
                  aria-label="Custom slippage tolerance, percent"
                  aria-invalid={problems.slippage ? true : undefined}
                  data-testid="slippage-custom-input"
                />
                %
              </span>
            )}
          </div>
          {problems.slippage && (
            <p className="field-error" data-testid="slippage-error">
              {problems.slippage}
            </p>
          )}
        </fieldset>

        {problems.vault && (
          <p className="notice" role="alert" data-testid="vault-problem">
            {problems.vault}
          </p>
        )}
        <button
          type="submit"
          className={styles.submit}
          disabled={!canSign || flow.busy || problems.reason !== null || !preview}
          data-testid="open-submit"
        >
          {buttonLabel}
        </button>
        {connected && !wallet.wrongChain && problems.reason && !flow.busy && (
          <p className="muted" data-testid="submit-reason">
            {problems.reason}
          </p>
        )}
        {!connected && (
          <p className="muted" data-testid="submit-reason">
            The preview works without a wallet; connecting one shows your balances and lets you sign.
          </p>
        )}
        <TransactionStatus flow={flow} />
        {opened && (
          <p className={styles.success} role="status" data-testid="open-success">
            {positionName(setup.name, opened.positionId)} opened.{" "}
            <a href={`/positions/${encodeURIComponent(setup.name)}/${opened.positionId}`} data-testid="open-success-link">
              See {positionName(setup.name, opened.positionId)}
            </a>
          </p>
        )}
      </form>

      <section className={`card ${styles.preview}`} aria-label="Preview" data-testid="open-preview">
        <h2 className={styles.previewTitle}>Preview</h2>
        {chainProblem && (
          <p className="notice" role="alert" data-testid="chain-error">
            The chain could not be read: {chainProblem}
          </p>
        )}
        {!state && !chainProblem && <p className="muted">Reading the vault, its pair and pools…</p>}
        {state && !preview && (
          <p className="muted" data-testid="preview-empty">
            Enter an amount of {setup.token0.symbol} and/or {setup.token1.symbol} and a leverage to see what the position
            would be.
          </p>
        )}
        {state && preview && <PreviewFigures setup={setup} state={state} preview={preview} yieldFigures={yieldFigures} />}
      </section>
    </div>
  );
}

function PreviewFigures({
  setup,
  state,
  preview,
  yieldFigures,
}: {
  setup: OpenSetup;
  state: VaultState;
  preview: OpenPreview;
  yieldFigures: OpenYield | null;
}) {
  const { token0, token1 } = setup;
  const { workFactorBps, killFactorBps } = state.risk;
  // The one leverage figure of the preview (value / equity after the zap), the same in every line that names one.
  const leverageShown = preview.leverageAfterWad === null ? "no equity left" : formatLeverage(preview.leverageAfterWad);
  const swap = preview.swap;
  const [soldToken, boughtToken] = swap?.zeroForOne ? [token0, token1] : [token1, token0];
  const borrowed = [
    preview.borrow0 > 0n ? tokenText(preview.borrow0, token0) : null,
    preview.borrow1 > 0n ? tokenText(preview.borrow1, token1) : null,
  ].filter(Boolean);

  return (
    <>
      <dl className="figures" data-testid="preview-figures">
        <div>
          <dt>Your equity</dt>
          <dd data-testid="preview-equity">{formatUsdWad(preview.equityWad)}</dd>
        </div>
        <div>
          <dt>Borrow</dt>
          <dd data-testid="preview-borrow">{borrowed.length ? borrowed.join(" + ") : "nothing"}</dd>
        </div>
        <div>
          <dt>Position value after the zap</dt>
          <dd data-testid="preview-value">{formatUsdWad(preview.positionValueWad)}</dd>
        </div>
        <div>
          <dt>Debt value</dt>
          <dd data-testid="preview-debt">{formatUsdWad(preview.debtValueWad)}</dd>
        </div>
        <div>
          <dt>Leverage</dt>
          <dd data-testid="preview-leverage">{leverageShown}</dd>
        </div>
        <div>
          <dt>LP minted (least accepted)</dt>
          <dd data-testid="preview-lp">
            {formatTokenAmount(preview.lp, 18, 12)} ({formatTokenAmount(preview.minLp, 18, 12)})
          </dd>
        </div>
      </dl>

      <div className={styles.ratio} data-testid="preview-debt-ratio">
        <DebtRatioBar ratioBps={preview.debtRatioBps} workFactorBps={workFactorBps} killFactorBps={killFactorBps} label="Debt ratio after the zap" />
      </div>

      <h3 className={styles.subheading}>Liquidation prices</h3>
      <ul className={styles.list} data-testid="preview-liquidation">
        {(
          [
            [token0, token1, preview.liquidation.token0],
            [token1, token0, preview.liquidation.token1],
          ] as const
        ).map(([moving, fixed, prices]) => (
          <li key={moving.address}>
            {moving.symbol} (now {formatUsd(Number(moving === token0 ? state.market.price0Wad : state.market.price1Wad) / 1e18)}, {fixed.symbol}{" "}
            held):{" "}
            {prices.below === null && prices.above === null
              ? "no price liquidates it"
              : [prices.below !== null && `below ${formatUsd(prices.below)}`, prices.above !== null && `above ${formatUsd(prices.above)}`]
                  .filter(Boolean)
                  .join(", ")}
          </li>
        ))}
      </ul>

      <h3 className={styles.subheading}>The zap&apos;s swap</h3>
      {swap ? (
        <p data-testid="preview-swap">
          Sells {tokenText(swap.amountIn, soldToken)} for {tokenText(swap.amountOut, boughtToken)} at{" "}
          {formatSignificant(swap.executionPrice)} {boughtToken.symbol} per {soldToken.symbol} (spot {formatSignificant(swap.spotPrice)}):
          price impact <strong data-testid="preview-price-impact">{formatPercent(swap.priceImpact, 3)}</strong>, the pair&apos;s 0.3% fee
          included.
        </p>
      ) : (
        <p data-testid="preview-swap">No swap: the amounts are already in the pair&apos;s ratio.</p>
      )}

      <h3 className={styles.subheading}>Yield on your equity</h3>
      {yieldFigures && (
        <dl className={`figures ${styles.yieldFigures}`} data-testid="preview-yield">
          <div>
            <dt>Farm rewards at {leverageShown}</dt>
            <dd data-testid="preview-reward-apr">
              <RewardNowAndAfter yieldFigures={yieldFigures} />
            </dd>
          </div>
          <div>
            <dt>Trading fees at {leverageShown}</dt>
            <dd data-testid="preview-fee-apr">
              <MeasuredYieldFigure measured={yieldFigures.tradingFees} times={yieldFigures.leverage} suffix="after your deposit" />
            </dd>
          </div>
          {preview.borrow0 > 0n && (
            <div>
              <dt>{token0.symbol} borrow interest</dt>
              <dd data-testid="preview-borrow-cost-0">-{formatPercent(yieldFigures.borrowCost0)}</dd>
            </div>
          )}
          {preview.borrow1 > 0n && (
            <div>
              <dt>{token1.symbol} borrow interest</dt>
              <dd data-testid="preview-borrow-cost-1">-{formatPercent(yieldFigures.borrowCost1)}</dd>
            </div>
          )}
          <div>
            <dt>Net APR</dt>
            <dd data-testid="preview-net-apr">
              <RateFigure rate={yieldFigures.netApr} />
            </dd>
          </div>
          <div>
            <dt>Net APY (daily compounding)</dt>
            <dd className={yieldFigures.netApy.implausibleReason ? undefined : "headline"} data-testid="preview-net-apy">
              <RateFigure rate={yieldFigures.netApy} testId="preview-net-apy-figure" />
            </dd>
          </div>
        </dl>
      )}
      <p className="muted">
        {yieldFigures && <YieldBasis yieldFigures={yieldFigures} />} Prices
        move before the transaction is mined: the borrow amounts are recomputed at the latest prices when you sign, and
        the slippage tolerance bounds the LP.
      </p>
    </>
  );
}

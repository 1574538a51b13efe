"use client";

/**
 * "Borrow more" on an open position: the vault's `increase` with new borrowing and no collateral. The preview
 * (lib/increasePreview.ts) shows the new debt, the new debt ratio against the work factor and the new leverage, and
 * says in words why the vault would refuse; the pools' limits come from lib/openPreview's borrowProblem.
 */
import { useMemo, useState } from "react";
import { checkAmount } from "../../lib/amountInput";
import { readTransactionDeadline } from "../../lib/transactionPolicy";
import { formatBps, formatUsdWad } from "../../lib/format";
import { borrowRoomWad, previewIncrease } from "../../lib/increasePreview";
import { positionName } from "../../lib/names";
import { borrowProblem } from "../../lib/openPreview";
import { tokenValueWad } from "../../lib/vaultMath";
import { StakingRewardsVault__factory } from "../../typechain-types";
import { AmountField } from "../forms/AmountField";
import { DebtRatioBar } from "../risk/DebtRatioBar";
import { useTransactionFlow } from "../tx/useTransactionFlow";
import { useBlockRead } from "../wallet/useBlockRead";
import { useChain } from "../wallet/WalletProvider";
import { readIncreaseState, type PositionViewData, type VaultLive, type VaultMeta } from "./chainData";
import { formatToken } from "./display";
import { ActionForm, DebtRatioAfter, LeverageAfter } from "./ActionForm";

export function BorrowMore({ vault, live, id, view, slippageBps }: { vault: VaultMeta; live: VaultLive; id: bigint; view: PositionViewData; slippageBps: bigint }) {
  const { readProvider } = useChain();
  const flow = useTransactionFlow();
  const [texts, setTexts] = useState<[string, string]>(["", ""]);
  const { value: state, error: stateError } = useBlockRead((blockNumber) => readIncreaseState(readProvider, vault, blockNumber), [readProvider, vault]);
  const [done, setDone] = useState<string | null>(null);


  const tokens = [vault.token0, vault.token1] as const;
  const checks = tokens.map((token, index) => {
    const check = checkAmount(texts[index], { symbol: token.symbol, decimals: token.decimals, optional: true });
    if (check.error !== null || !state) return check;
    const limit = borrowProblem(check.amount, state.limits[index]);
    return limit ? { amount: null, error: limit } : check;
  });
  const borrow0 = checks[0].amount ?? 0n;
  const borrow1 = checks[1].amount ?? 0n;
  const fieldsValid = checks[0].error === null && checks[1].error === null;
  const typed = texts[0].trim() !== "" || texts[1].trim() !== "";

  const risk = useMemo(
    () => (state ? { workFactorBps: live.workFactorBps, killFactorBps: live.killFactorBps, maxLeverageWad: state.maxLeverageWad, paused: live.paused } : null),
    [state, live],
  );
  const preview = useMemo(() => {
    if (!state || !risk || !fieldsValid || borrow0 + borrow1 === 0n) return null;
    return previewIncrease(view, { amount0: 0n, amount1: 0n, borrow0, borrow1, slippageBps }, state.market, risk);
  }, [state, risk, fieldsValid, borrow0, borrow1, view, slippageBps]);
  const room = borrowRoomWad(view, live.workFactorBps);

  const submit = async () => {
    if (!preview || preview.refusal || !risk) return;
    setDone(null);
    const ok = await flow.run([
      {
        label: "Borrow more",
        async send(signer) {
          // The least LP from the state of the latest block, moments before signing.
          const latest = await readIncreaseState(readProvider, vault, "latest");
          const fresh = previewIncrease(view, { amount0: 0n, amount1: 0n, borrow0, borrow1, slippageBps }, latest.market, risk);
          const minShares = await StakingRewardsVault__factory.connect(vault.address, readProvider).sharesForLp(fresh.minLp);
          return StakingRewardsVault__factory.connect(vault.address, signer).increase(id, {
            amount0: 0n,
            amount1: 0n,
            borrow0,
            borrow1,
            minLp: fresh.minLp,
            minShares,
            deadline: await readTransactionDeadline(readProvider),
          });
        },
      },
    ]);
    if (ok) {
      const what = [borrow0 > 0n && formatToken(borrow0, vault.token0), borrow1 > 0n && formatToken(borrow1, vault.token1)].filter(Boolean).join(" and ");
      setDone(`Borrowed ${what} more into ${positionName(vault.name, id)}.`);
      setTexts(["", ""]);
    }
  };

  return (
    <ActionForm
      onSubmit={submit}
      canSubmit={Boolean(preview) && !preview?.refusal}
      label="Borrow more"
      busyLabel="Borrowing…"
      flow={flow}
      done={done}
      testId="borrow-submit"
      note={
        <p className="muted pos-hint">
          The borrowed tokens are zapped into the pair&apos;s liquidity and staked with the rest of the position: more exposure, more debt, higher leverage. To lower
          the leverage, repay debt instead.
        </p>
      }
    >
      <p className="muted">
        Borrow either token or both. Up to about {formatUsdWad(room)} more debt keeps the position at or below the {formatBps(live.workFactorBps)} work factor at
        today&apos;s prices (the vault lends no further).
      </p>
      {live.paused && <p className="field-error">The vault is paused by its guardian: it lends nothing new until it is unpaused.</p>}
      {tokens.map((token, index) => (
        <AmountField
          key={token.address}
          label={`${token.symbol} to borrow`}
          unit={token.symbol}
          value={texts[index]}
          onChange={(text) => {
            setTexts((current) => (index === 0 ? [text, current[1]] : [current[0], text]));
            flow.reset();
          }}
          error={texts[index].trim() !== "" ? checks[index].error : null}
          hint={state ? `Pool can lend ${formatToken(state.limits[index].poolCash, token)}` : undefined}
          testIds={{ input: `borrow-input-${token.symbol}`, error: `borrow-error-${token.symbol}` }}
        />
      ))}
      {stateError && <p className="field-error">The vault&apos;s state could not be read: {stateError}</p>}
      {typed && fieldsValid && borrow0 + borrow1 === 0n && <p className="field-error">Enter an amount of {vault.token0.symbol} or {vault.token1.symbol} to borrow.</p>}
      {preview && (
        <>
          <dl className="pos-preview" data-testid="borrow-preview">
            <div>
              <dt>New debt</dt>
              <dd data-testid="borrow-new-debt">
                ≈ {formatUsdWad(preview.debtValueAfterWad)} <span className="muted">(now {formatUsdWad(view.debtValueWad)})</span>
                {[
                  [preview.debt0After, vault.token0, live.price0Wad],
                  [preview.debt1After, vault.token1, live.price1Wad],
                ].map(([amount, token, price]) =>
                  (amount as bigint) > 0n ? (
                    <span className="pos-sub" key={(token as typeof vault.token0).address}>
                      {formatToken(amount as bigint, token as typeof vault.token0)} ({formatUsdWad(tokenValueWad(amount as bigint, price as bigint, (token as typeof vault.token0).decimals))})
                    </span>
                  ) : null,
                )}
              </dd>
            </div>
            <div>
              <dt>Value after</dt>
              <dd>
                ≈ {formatUsdWad(preview.valueAfterWad)} <span className="muted">(now {formatUsdWad(view.valueWad)})</span>
              </dd>
            </div>
            <DebtRatioAfter afterBps={preview.debtRatioAfterBps} nowBps={view.debtRatioBps} />
            <LeverageAfter afterWad={preview.leverageAfterWad} nowWad={preview.leverageBeforeWad} />
          </dl>
          <div data-testid="borrow-new-ratio">
            <DebtRatioBar ratioBps={preview.debtRatioAfterBps} workFactorBps={live.workFactorBps} killFactorBps={live.killFactorBps} liquidatable={false} label="Debt ratio after borrowing" />
          </div>
          {preview.refusal && (
            <p className="field-error" role="alert" data-testid="borrow-refusal">
              {preview.refusal}
            </p>
          )}
        </>
      )}
    </ActionForm>
  );
}

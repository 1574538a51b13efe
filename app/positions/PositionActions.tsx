"use client";

/**
 * The owner's actions on a position, used on /positions and on the detail page: add collateral, borrow more, lower
 * the leverage (repay debt from the wallet), close part or all of it, and set, change or cancel its protection
 * orders. Every field is checked as it is typed (the debt as a ceiling, then the wallet),
 * approvals are exact and skipped when not needed, and each transaction's state shows under the form.
 */
import { formatBps, formatUsdWad } from "../../lib/format";
import { useEffect, useId, useMemo, useState } from "react";
import { MaxUint256 } from "ethers";
import { checkAmount, debtCeiling, type AmountCeiling } from "../../lib/amountInput";
import { positionName } from "../../lib/names";
import { closeMinimums, previewClose, ReceiveAs, withSlippage, type ClosePreview } from "../../lib/closePreview";
import { debtRatioBps, positionLeverageWad, simulateZap, tokenValueWad } from "../../lib/vaultMath";
import { readTransactionDeadline } from "../../lib/transactionPolicy";
import { DEFAULT_SLIPPAGE_BPS, SLIPPAGE_PRESETS_BPS } from "../../lib/slippage";
import { IERC20Metadata__factory, StakingRewardsVault__factory } from "../../typechain-types";
import { AmountField } from "../forms/AmountField";
import { approvalStep, useTransactionFlow, type TransactionFlow, type TransactionStep } from "../tx/useTransactionFlow";
import { useBlockRead } from "../wallet/useBlockRead";
import { useChain, useWallet } from "../wallet/WalletProvider";
import { readCloseState, readPairState, type PositionOrders, type PositionViewData, type VaultLive, type VaultMeta } from "./chainData";
import { formatToken } from "./display";
import { pushFlash } from "./flash";
import { ActionForm, DebtRatioAfter, LeverageAfter } from "./ActionForm";
import { BorrowMore } from "./BorrowMore";
import { ProtectionOrdersPanel } from "./ProtectionOrdersPanel";

export type ActionTab = "add" | "borrow" | "repay" | "close" | "orders";

/** Each action's name, for the tabs here and the cards' buttons. */
export const ACTION_LABELS: Record<ActionTab, string> = {
  add: "Add collateral",
  borrow: "Borrow more",
  repay: "Lower leverage (repay)",
  close: "Close",
  orders: "Protection orders",
};


export interface PositionActionsProps {
  vault: VaultMeta;
  live: VaultLive;
  id: bigint;
  view: PositionViewData;
  /** The position's protection orders, for the orders tab (read with the position). */
  orders?: PositionOrders;
  /** Shows only this action, chosen outside (the /positions cards' buttons); without it, tabs choose. */
  tab?: ActionTab;
}

function useBalances(vault: VaultMeta) {
  const { readProvider, blockNumber } = useChain();
  const { address } = useWallet();
  const [balances, setBalances] = useState<[bigint, bigint] | null>(null);
  useEffect(() => {
    if (!address || blockNumber === null) return;
    let cancelled = false;
    const balanceOf = (token: string) => IERC20Metadata__factory.connect(token, readProvider).balanceOf(address, { blockTag: blockNumber });
    Promise.all([balanceOf(vault.token0.address), balanceOf(vault.token1.address)])
      .then(([balance0, balance1]) => !cancelled && setBalances([balance0, balance1]))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [readProvider, address, blockNumber, vault.token0.address, vault.token1.address]);
  return balances;
}

export function PositionActions({ vault, live, id, view, orders, tab: chosenTab }: PositionActionsProps) {
  const [ownTab, setTab] = useState<ActionTab>("add");
  const tab = chosenTab ?? ownTab;
  const [slippageBps, setSlippageBps] = useState(DEFAULT_SLIPPAGE_BPS);
  const balances = useBalances(vault);
  const hasDebt = view.debt0 > 0n || view.debt1 > 0n;

  const tabs: { id: ActionTab; label: string }[] = (["add", "borrow", "repay", "close", "orders"] as const).map((entry) => ({ id: entry, label: ACTION_LABELS[entry] }));
  return (
    <div className="pos-actions">
      {chosenTab === undefined && (
      <div className="pos-tabs" role="tablist">
        {tabs.map((entry) => (
          <button
            key={entry.id}
            type="button"
            role="tab"
            aria-selected={tab === entry.id}
            className={tab === entry.id ? "pos-tab pos-tab-active" : "pos-tab"}
            onClick={() => setTab(entry.id)}
            data-testid={`tab-${entry.id}`}
          >
            {entry.label}
          </button>
        ))}
      </div>
      )}
      {live.paused && (
        <p className="muted" style={{ margin: 0 }}>
          The vault is paused by its guardian: nothing new can be borrowed, but adding collateral, repaying, closing and protection orders still work.
        </p>
      )}
      {tab === "add" && <AddCollateral vault={vault} live={live} id={id} view={view} balances={balances} slippageBps={slippageBps} />}
      {tab === "repay" &&
        (hasDebt ? (
          <RepayDebt vault={vault} live={live} id={id} view={view} balances={balances} />
        ) : (
          <p className="muted">This position owes nothing.</p>
        ))}
      {tab === "borrow" && <BorrowMore vault={vault} live={live} id={id} view={view} slippageBps={slippageBps} />}
      {tab === "close" && <ClosePosition vault={vault} live={live} id={id} view={view} slippageBps={slippageBps} />}
      {tab === "orders" && (orders ? <ProtectionOrdersPanel vault={vault} live={live} id={id} view={view} orders={orders} /> : <p className="muted">Reading the position&apos;s orders…</p>)}
      {tab !== "repay" && tab !== "orders" && <SlippageSetting value={slippageBps} onChange={setSlippageBps} />}
    </div>
  );
}

function SlippageSetting({ value, onChange }: { value: bigint; onChange: (value: bigint) => void }) {
  return (
    <div className="pos-slippage">
      <span className="muted">Slippage tolerance</span>
      {SLIPPAGE_PRESETS_BPS.map((choice) => (
        <button
          key={choice.toString()}
          type="button"
          className={choice === value ? "pos-chip pos-chip-active" : "pos-chip"}
          aria-pressed={choice === value}
          onClick={() => onChange(choice)}
        >
          {formatBps(choice, 1)}
        </button>
      ))}
    </div>
  );
}

/**
 * The two token amounts of the add-collateral and repay forms, either or both: the texts as typed, each checked
 * against the wallet and, when given, a ceiling of its own (the debt); an empty field counts as zero. `onEdit` runs
 * on every change (the forms clear the last transaction's status).
 */
function useTokenAmounts(vault: VaultMeta, balances: [bigint, bigint] | null, onEdit: () => void, ceilings?: [AmountCeiling, AmountCeiling]) {
  const [texts, setTexts] = useState<[string, string]>(["", ""]);
  const [check0, check1] = [vault.token0, vault.token1].map((token, index) =>
    checkAmount(texts[index], { symbol: token.symbol, decimals: token.decimals, balance: balances?.[index], ceiling: ceilings?.[index], optional: true }),
  );
  const amount0 = check0.amount ?? 0n;
  const amount1 = check1.amount ?? 0n;
  const nothing = check0.error === null && check1.error === null && amount0 === 0n && amount1 === 0n;
  return {
    texts,
    amount0,
    amount1,
    nothing,
    valid: check0.error === null && check1.error === null && !nothing,
    /** Field `index`'s text, its edits and its error (none while empty: nothing entered yet is not a mistake). */
    field: (index: 0 | 1) => ({
      value: texts[index],
      onChange: (text: string) => {
        setTexts((current) => (index === 0 ? [text, current[1]] : [current[0], text]));
        onEdit();
      },
      error: texts[index].trim() !== "" ? (index === 0 ? check0 : check1).error : null,
    }),
    clear: () => setTexts(["", ""]),
    /** The amounts entered, "1.5 WETH and 300 USDC", for the confirmation. */
    enteredText: [amount0 > 0n && formatToken(amount0, vault.token0), amount1 > 0n && formatToken(amount1, vault.token1)].filter(Boolean).join(" and "),
  };
}

// ------------------------------------------------------------------------------------------------ add collateral

function AddCollateral({ vault, live, id, view, balances, slippageBps }: { vault: VaultMeta; live: VaultLive; id: bigint; view: PositionViewData; balances: [bigint, bigint] | null; slippageBps: bigint }) {
  const { readProvider } = useChain();
  const flow = useTransactionFlow();
  const amounts = useTokenAmounts(vault, balances, flow.reset);
  const { amount0, amount1, nothing, valid } = amounts;
  const [done, setDone] = useState<string | null>(null);
  const { value: pair } = useBlockRead((blockNumber) => readPairState(readProvider, vault, blockNumber), [readProvider, vault]);

  const preview = useMemo(() => {
    if (!valid || !pair) return null;
    const lp = simulateZap(amount0, amount1, pair.reserve0, pair.reserve1, pair.totalSupply).lp;
    const supplied = tokenValueWad(amount0, live.price0Wad, vault.token0.decimals) + tokenValueWad(amount1, live.price1Wad, vault.token1.decimals);
    return { lp, minLp: withSlippage(lp, slippageBps), supplied, ratioAfter: debtRatioBps(view.debtValueWad, view.valueWad + supplied) };
  }, [valid, pair, amount0, amount1, live, vault, view, slippageBps]);

  const submit = async () => {
    if (!valid) return;
    setDone(null);
    const steps: TransactionStep[] = [
      approvalStep(vault.token0.address, vault.token0.symbol, vault.address, amount0),
      approvalStep(vault.token1.address, vault.token1.symbol, vault.address, amount1),
      {
        label: "Add collateral",
        async send(signer) {
          // The minimum LP from the pair as it is now, not as it was when the form was filled.
          const state = await readPairState(readProvider, vault, "latest");
          const lp = simulateZap(amount0, amount1, state.reserve0, state.reserve1, state.totalSupply).lp;
          const minLp = withSlippage(lp, slippageBps);
          const minShares = await StakingRewardsVault__factory.connect(vault.address, readProvider).sharesForLp(minLp);
          return StakingRewardsVault__factory.connect(vault.address, signer).increase(id, {
            amount0,
            amount1,
            borrow0: 0n,
            borrow1: 0n,
            minLp,
            minShares,
            deadline: await readTransactionDeadline(readProvider),
          });
        },
      },
    ];
    if (await flow.run(steps)) {
      setDone(`Added ${amounts.enteredText} to ${positionName(vault.name, id)}.`);
      amounts.clear();
    }
  };

  return (
    <ActionForm onSubmit={submit} canSubmit={valid} label="Add collateral" busyLabel="Adding…" flow={flow} done={done}>
      <p className="muted">Supply either token or both; the vault swaps to the pair&apos;s ratio and adds the liquidity. Nothing is borrowed, so the debt ratio falls.</p>
      {([0, 1] as const).map((index) => {
        const token = index === 0 ? vault.token0 : vault.token1;
        const balance = balances?.[index];
        return (
          <AmountField
            key={token.address}
            label={`${token.symbol} to add`}
            {...amounts.field(index)}
            max={balance !== undefined ? { amount: balance, decimals: token.decimals } : undefined}
            hint={balance !== undefined ? `Wallet: ${formatToken(balance, token)}` : undefined}
          />
        );
      })}
      {nothing && (amounts.texts[0] !== "" || amounts.texts[1] !== "") && <p className="field-error">Enter an amount of {vault.token0.symbol} or {vault.token1.symbol}.</p>}
      {preview && (
        <dl className="pos-preview">
          <div>
            <dt>Value added</dt>
            <dd>≈ {formatUsdWad(preview.supplied)}</dd>
          </div>
          <DebtRatioAfter afterBps={preview.ratioAfter} nowBps={view.debtRatioBps} />
        </dl>
      )}
    </ActionForm>
  );
}

// ------------------------------------------------------------------------------------------------ repay

function RepayDebt({ vault, live, id, view, balances }: { vault: VaultMeta; live: VaultLive; id: bigint; view: PositionViewData; balances: [bigint, bigint] | null }) {
  const flow = useTransactionFlow();
  const amounts = useTokenAmounts(vault, balances, flow.reset, [debtCeiling(view.debt0), debtCeiling(view.debt1)]);
  const { amount0, amount1, valid } = amounts;
  const [done, setDone] = useState<string | null>(null);
  // Repaying the whole debt of a token: interest keeps accruing until the transaction is mined, so the vault is
  // asked to repay "everything" (type(uint256).max) and allowed a little more than the debt shown now.
  const full0 = view.debt0 > 0n && amount0 === view.debt0;
  const full1 = view.debt1 > 0n && amount1 === view.debt1;
  const withInterestMargin = (debt: bigint) => debt + debt / 1_000n + 1n;

  const repaidValue = tokenValueWad(amount0, live.price0Wad, vault.token0.decimals) + tokenValueWad(amount1, live.price1Wad, vault.token1.decimals);
  const debtAfter = view.debtValueWad > repaidValue ? view.debtValueWad - repaidValue : 0n;

  const submit = async () => {
    if (!valid) return;
    setDone(null);
    const steps: TransactionStep[] = [
      approvalStep(vault.token0.address, vault.token0.symbol, vault.address, full0 ? withInterestMargin(amount0) : amount0),
      approvalStep(vault.token1.address, vault.token1.symbol, vault.address, full1 ? withInterestMargin(amount1) : amount1),
      {
        label: "Repay debt",
        send: (signer) => StakingRewardsVault__factory.connect(vault.address, signer).repayDebt(id, full0 ? MaxUint256 : amount0, full1 ? MaxUint256 : amount1),
      },
    ];
    if (await flow.run(steps)) {
      setDone(`Repaid ${amounts.enteredText}${full0 || full1 ? " (in full, with the interest until it was mined)" : ""} of ${positionName(vault.name, id)}'s debt.`);
      amounts.clear();
    }
  };

  const field = (index: 0 | 1) => {
    const token = index === 0 ? vault.token0 : vault.token1;
    const debt = index === 0 ? view.debt0 : view.debt1;
    const balance = balances?.[index];
    if (debt === 0n) return <p className="muted">No {token.symbol} debt.</p>;
    const full = index === 0 ? full0 : full1;
    return (
      <AmountField
        label={`${token.symbol} to repay`}
        {...amounts.field(index)}
        max={{ amount: debt, decimals: token.decimals, label: "All" }}
        hint={
          full
            ? `Repays the whole ${token.symbol} debt, including interest until the transaction is mined.`
            : `Owed: ${formatToken(debt, token)}${balance !== undefined ? ` · wallet: ${formatToken(balance, token)}` : ""}`
        }
      />
    );
  };

  return (
    <ActionForm onSubmit={submit} canSubmit={valid} label="Repay debt" busyLabel="Repaying…" flow={flow} done={done} testId="repay-submit">
      <p className="muted">
        Lower the leverage: pay debt back from your wallet. The position keeps all its liquidity, so its debt ratio and leverage fall.
      </p>
      {field(0)}
      {field(1)}
      {valid && (
        <dl className="pos-preview">
          <div>
            <dt>Debt after</dt>
            <dd>≈ {formatUsdWad(debtAfter)}</dd>
          </div>
          <DebtRatioAfter afterBps={debtRatioBps(debtAfter, view.valueWad)} nowBps={view.debtRatioBps} />
          <LeverageAfter afterWad={positionLeverageWad(view.valueWad, debtAfter)} nowWad={positionLeverageWad(view.valueWad, view.debtValueWad)} />
        </dl>
      )}
    </ActionForm>
  );
}

// ------------------------------------------------------------------------------------------------ close

function ClosePosition({ vault, live, id, view, slippageBps }: { vault: VaultMeta; live: VaultLive; id: bigint; view: PositionViewData; slippageBps: bigint }) {
  const { readProvider, deployment } = useChain();
  const flow = useTransactionFlow();
  const sliderId = useId();
  const [percent, setPercent] = useState(100);
  const [receiveAs, setReceiveAs] = useState<ReceiveAs>(ReceiveAs.BothTokens);
  const [done, setDone] = useState<string | null>(null);
  const factory = deployment.farming?.uniswapFactory;
  const { value: state, error: stateError } = useBlockRead((blockNumber) => readCloseState(readProvider, vault, id, factory, blockNumber), [readProvider, vault, id, factory]);


  const fractionBps = BigInt(percent) * 100n;
  const preview: ClosePreview | null = useMemo(() => (state ? previewClose({ ...state, fractionBps, receiveAs }) : null), [state, fractionBps, receiveAs]);
  const minimums = preview ? closeMinimums(preview, slippageBps) : null;
  const reverts = preview?.insufficientProceeds || preview?.burnTooSmall;
  const receivedValue = preview
    ? tokenValueWad(preview.amount0, live.price0Wad, vault.token0.decimals) + tokenValueWad(preview.amount1, live.price1Wad, vault.token1.decimals)
    : 0n;

  const submit = async () => {
    setDone(null);
    const closing = percent;
    const ok = await flow.run([
      {
        label: closing === 100 ? "Close position" : `Close ${closing}%`,
        async send(signer) {
          // Minimums from the latest block, moments before signing: what the close returns now, less the tolerance.
          const latest = previewClose({ ...(await readCloseState(readProvider, vault, id, factory, "latest")), fractionBps, receiveAs });
          if (latest.insufficientProceeds) throw new Error("The proceeds would not repay the debt being closed; repay some debt from your wallet first.");
          const { minAmount0, minAmount1 } = closeMinimums(latest, slippageBps);
          return StakingRewardsVault__factory.connect(vault.address, signer).close({
            positionId: id,
            fractionBps,
            receiveAs,
            minAmount0,
            minAmount1,
            deadline: await readTransactionDeadline(readProvider),
          });
        },
      },
    ]);
    if (!ok) return;
    // A full close unmounts this form (the position leaves the open list), so its confirmation goes to the page.
    if (closing === 100) pushFlash(`${positionName(vault.name, id)} is closed; the proceeds are in your wallet.`);
    else setDone(`Closed ${closing}% of ${positionName(vault.name, id)}; the proceeds are in your wallet.`);
  };

  const receiveOptions: { value: ReceiveAs; label: string }[] = [
    { value: ReceiveAs.BothTokens, label: "Both tokens" },
    { value: ReceiveAs.Token0, label: `Only ${vault.token0.symbol}` },
    { value: ReceiveAs.Token1, label: `Only ${vault.token1.symbol}` },
  ];
  const amounts = (a0: bigint, a1: bigint) =>
    [a0 > 0n || receiveAs !== ReceiveAs.Token1 ? formatToken(a0, vault.token0) : null, a1 > 0n || receiveAs !== ReceiveAs.Token0 ? formatToken(a1, vault.token1) : null]
      .filter(Boolean)
      .join(" + ");

  if (view.lpAmount === 0n && view.debt0 === 0n && view.debt1 === 0n) return <p className="muted">This position is closed.</p>;
  return (
    <ActionForm
      onSubmit={submit}
      canSubmit={Boolean(preview) && !reverts}
      label={percent === 100 ? "Close position" : `Close ${percent}%`}
      busyLabel="Closing…"
      flow={flow}
      done={done}
      note={
        <p className="muted pos-hint">
          The preview follows the vault&apos;s own close: the LP is unwound, the debt repaid swapping only what repayment needs
          {receiveAs === ReceiveAs.BothTokens ? "" : `, and the rest converted to ${receiveAs === ReceiveAs.Token0 ? vault.token0.symbol : vault.token1.symbol}`}. Debt ratio now {formatBps(view.debtRatioBps)}.
        </p>
      }
    >
      <div className="pos-field">
        <label htmlFor={sliderId}>
          Close <strong>{percent}%</strong> of the position
        </label>
        <div className="pos-field-row">
          <input
            id={sliderId}
            type="range"
            min={1}
            max={100}
            step={1}
            value={percent}
            onChange={(event) => {
              setPercent(Number(event.target.value));
              flow.reset();
            }}
          />
          <button type="button" className="button-secondary" onClick={() => setPercent(100)}>
            Close all
          </button>
        </div>
      </div>
      <fieldset className="pos-receive">
        <legend>Receive</legend>
        {receiveOptions.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name={`receive-${vault.address}-${id}`}
              checked={receiveAs === option.value}
              onChange={() => {
                setReceiveAs(option.value);
                flow.reset();
              }}
            />{" "}
            {option.label}
          </label>
        ))}
      </fieldset>
      {stateError && <p className="field-error">The close preview could not be read: {stateError}</p>}
      {preview && minimums && (
        <dl className="pos-preview">
          <div>
            <dt>You receive</dt>
            <dd>
              ≈ {amounts(preview.amount0, preview.amount1)} <span className="muted">({formatUsdWad(receivedValue)})</span>
            </dd>
          </div>
          <div>
            <dt>Debt repaid</dt>
            <dd>
              {preview.owed0 === 0n && preview.owed1 === 0n
                ? "none"
                : [preview.owed0 > 0n && formatToken(preview.owed0, vault.token0), preview.owed1 > 0n && formatToken(preview.owed1, vault.token1)].filter(Boolean).join(" + ")}
            </dd>
          </div>
          <div>
            <dt>Least accepted ({formatBps(slippageBps, 1)} slippage)</dt>
            <dd>{amounts(minimums.minAmount0, minimums.minAmount1)}</dd>
          </div>
        </dl>
      )}
      {preview?.insufficientProceeds && (
        <p className="field-error">
          Closing {percent}% would not raise enough to repay its share of the debt, so the vault would refuse it. Repay some debt from your wallet first.
        </p>
      )}
      {preview?.burnTooSmall && !preview.insufficientProceeds && <p className="field-error">That part of the position is too small to unwind; close a larger share.</p>}
    </ActionForm>
  );
}

"use client";

/**
 * The owner's protection orders on a position: a deleverage order (when the debt ratio reaches a trigger, unwind
 * just enough to return to a target) and a stop-loss / take-profit (when a token's oracle price leaves a range, close
 * part or all). Each can be set, changed and cancelled; the fields are checked by lib/protectionOrders.ts with the
 * vault's own rules, and the preview (what would be unwound, the most the executor can be paid, its cap) shows before
 * anything is signed.
 */
import { useState } from "react";
import { formatBps, formatUsdWad } from "../../lib/format";
import { positionName } from "../../lib/names";
import {
  bpsToPercentInput,
  checkDeleverageOrder,
  checkPriceOrder,
  DEFAULT_EXECUTOR_FEE_BPS,
  DEFAULT_ORDER_SLIPPAGE_BPS,
  describeDeleverageOrder,
  describePriceOrder,
  formatOrderPrice,
  isDeleverageActive,
  isPriceActive,
  MAX_EXECUTOR_FEE_BPS,
  MAX_ORDER_SLIPPAGE_BPS,
  previewDeleverageOrder,
  previewPriceOrder,
  wadToPriceInput,
  type ReceiveChoice,
} from "../../lib/protectionOrders";
import { priceSubjectOf, type DeleverageOrderRecord, type PriceOrderRecord } from "../../lib/positionHistory";
import { StakingRewardsVault__factory } from "../../typechain-types";
import { AmountField } from "../forms/AmountField";
import { TransactionStatus } from "../tx/TransactionStatus";
import { useTransactionFlow } from "../tx/useTransactionFlow";
import type { PositionOrders, PositionViewData, VaultLive, VaultMeta } from "./chainData";

interface PanelProps {
  vault: VaultMeta;
  live: VaultLive;
  id: bigint;
  view: PositionViewData;
  orders: PositionOrders;
}

export function ProtectionOrdersPanel(props: PanelProps) {
  return (
    <div className="pos-form" data-testid="orders-panel">
      <p className="muted">
        Orders are kept by the vault and executed by anyone once triggered (the keeper watches every block); the vault checks the trigger at oracle prices. No
        protocol fee: the executor is paid only the fee you set, at most {formatBps(MAX_EXECUTOR_FEE_BPS)} of the value unwound (the vault&apos;s cap), and only on
        execution.
      </p>
      <DeleverageOrderForm {...props} />
      <PriceOrderForm {...props} />
    </div>
  );
}

const feeHint = `At most ${formatBps(MAX_EXECUTOR_FEE_BPS)} (the vault's cap), of the value unwound`;
const slippageHint = `Above 0%, at most ${formatBps(MAX_ORDER_SLIPPAGE_BPS)}`;

/** Set / change and cancel buttons with one transaction flow under them. */
function OrderButtons({
  active,
  canSet,
  kind,
  onCancel,
  flow,
  done,
}: {
  active: boolean;
  canSet: boolean;
  kind: "deleverage" | "price";
  onCancel: () => void;
  flow: ReturnType<typeof useTransactionFlow>;
  done: string | null;
}) {
  const name = kind === "deleverage" ? "deleverage order" : "price order";
  return (
    <>
      <div className="pos-order-buttons">
        <button type="submit" disabled={!canSet || flow.busy} data-testid={`order-${kind}-submit`}>
          {flow.busy ? "Sending…" : active ? `Change ${name}` : `Set ${name}`}
        </button>
        {active && (
          <button type="button" className="button-secondary" disabled={flow.busy} onClick={onCancel} data-testid={`order-${kind}-cancel`}>
            Cancel {name}
          </button>
        )}
      </div>
      <TransactionStatus flow={flow} />
      {done && (
        <p className="pos-success" role="status" data-testid={`order-${kind}-done`}>
          {done}
        </p>
      )}
    </>
  );
}

// ------------------------------------------------------------------------------------------------ deleverage

function DeleverageOrderForm({ vault, live, id, view, orders }: PanelProps) {
  const current = isDeleverageActive(orders.deleverage) ? orders.deleverage : null;
  const flow = useTransactionFlow();
  const [done, setDone] = useState<string | null>(null);
  const [texts, setTexts] = useState(() => ({
    trigger: current ? bpsToPercentInput(current.triggerDebtRatioBps) : "",
    target: current ? bpsToPercentInput(current.targetDebtRatioBps) : "",
    executorFee: bpsToPercentInput(current?.executorFeeBps ?? DEFAULT_EXECUTOR_FEE_BPS),
    maxSlippage: bpsToPercentInput(current?.maxSlippageBps ?? DEFAULT_ORDER_SLIPPAGE_BPS),
  }));
  const [touched, setTouched] = useState(false);
  const check = checkDeleverageOrder(texts, { killFactorBps: live.killFactorBps, debtRatioBps: view.debtRatioBps });
  const preview = check.order ? previewDeleverageOrder(check.order, view.valueWad) : null;
  const same = current && check.order && sameDeleverage(current, check.order);
  const name = positionName(vault.name, id);

  const field = (key: keyof typeof texts, label: string, hint?: string) => (
    <AmountField
      label={label}
      unit="%"
      value={texts[key]}
      onChange={(text) => {
        setTexts((previous) => ({ ...previous, [key]: text }));
        setTouched(true);
        setDone(null);
        flow.reset();
      }}
      error={null}
      hint={hint}
      testIds={{ input: `order-deleverage-${key}` }}
    />
  );

  const set = async () => {
    if (!check.order) return;
    const order = check.order;
    setDone(null);
    const ok = await flow.run([
      { label: current ? "Change deleverage order" : "Set deleverage order", send: (signer) => StakingRewardsVault__factory.connect(vault.address, signer).setDeleverageOrder(id, order) },
    ]);
    if (ok) setDone(`${current ? "Changed" : "Set"} on ${name}: ${describeDeleverageOrder(order)}.`);
  };
  const cancel = async () => {
    setDone(null);
    const ok = await flow.run([{ label: "Cancel deleverage order", send: (signer) => StakingRewardsVault__factory.connect(vault.address, signer).cancelDeleverageOrder(id) }]);
    if (ok) setDone(`Cancelled the deleverage order on ${name}.`);
  };

  return (
    <form
      className="pos-order-form"
      data-testid="order-deleverage-form"
      onSubmit={(event) => {
        event.preventDefault();
        void set();
      }}
    >
      <h3>Deleverage order</h3>
      <p className="muted" style={{ margin: 0 }}>
        {current ? `Now: ${describeDeleverageOrder(current)}.` : "None set."} Debt ratio now {formatBps(view.debtRatioBps)}; work factor {formatBps(live.workFactorBps)};
        kill factor {formatBps(live.killFactorBps)}.
      </p>
      <div className="pos-order-row">
        {field("trigger", "When the debt ratio reaches", `Above 0%, below the ${formatBps(live.killFactorBps)} kill factor`)}
        {field("target", "Close enough to return to", "Below the trigger")}
      </div>
      <div className="pos-order-row">
        {field("executorFee", "Executor fee up to", feeHint)}
        {field("maxSlippage", "Swaps may lose up to", slippageHint)}
      </div>
      {touched && check.error && (
        <p className="field-error" data-testid="order-deleverage-error">
          {check.error}
        </p>
      )}
      {check.warning && <p className="pos-warning">{check.warning}</p>}
      {check.order && preview && (
        <dl className="pos-preview" data-testid="order-deleverage-preview">
          <div className="pos-figure-wide">
            <dt>The order</dt>
            <dd data-testid="order-deleverage-preview-text">{describeDeleverageOrder(check.order)}</dd>
          </div>
          <div>
            <dt>Unwound if it ran at today&apos;s value</dt>
            <dd>≈ {formatUsdWad(preview.unwoundWad)}</dd>
          </div>
          <div>
            <dt>Executor paid at most</dt>
            <dd data-testid="order-deleverage-max-fee">
              {formatUsdWad(preview.maxFeeWad)} <span className="muted">({formatBps(check.order.executorFeeBps)}; cap {formatBps(MAX_EXECUTOR_FEE_BPS)})</span>
            </dd>
          </div>
        </dl>
      )}
      <OrderButtons active={current !== null} canSet={check.order !== null && !same} kind="deleverage" onCancel={() => void cancel()} flow={flow} done={done} />
      {same && <p className="muted pos-hint">This is the order already set; change a field to replace it.</p>}
    </form>
  );
}

function sameDeleverage(a: DeleverageOrderRecord, b: DeleverageOrderRecord): boolean {
  return a.triggerDebtRatioBps === b.triggerDebtRatioBps && a.targetDebtRatioBps === b.targetDebtRatioBps && a.executorFeeBps === b.executorFeeBps && a.maxSlippageBps === b.maxSlippageBps;
}

// ------------------------------------------------------------------------------------------------ price

function PriceOrderForm({ vault, live, id, view, orders }: PanelProps) {
  const current = isPriceActive(orders.price) ? orders.price : null;
  const flow = useTransactionFlow();
  const [done, setDone] = useState<string | null>(null);
  // The token whose price moves by default: the non-stable one (WETH in WETH-USDC), else token 0.
  const defaultToken1 = priceSubjectOf(vault.token0.symbol, vault.token1.symbol).base === 1;
  const [priceOfToken1, setPriceOfToken1] = useState(current?.priceOfToken1 ?? defaultToken1);
  const [receiveAs, setReceiveAs] = useState<ReceiveChoice>(current?.receiveAs ?? 0);
  const [texts, setTexts] = useState(() => ({
    low: current ? wadToPriceInput(current.lowPriceWad) : "",
    high: current ? wadToPriceInput(current.highPriceWad) : "",
    fraction: current ? bpsToPercentInput(current.fractionBps) : "100",
    executorFee: bpsToPercentInput(current?.executorFeeBps ?? DEFAULT_EXECUTOR_FEE_BPS),
    maxSlippage: bpsToPercentInput(current?.maxSlippageBps ?? DEFAULT_ORDER_SLIPPAGE_BPS),
  }));
  const [touched, setTouched] = useState(false);
  const token = priceOfToken1 ? vault.token1 : vault.token0;
  const currentPriceWad = priceOfToken1 ? live.price1Wad : live.price0Wad;
  const check = checkPriceOrder(texts, { priceOfToken1, receiveAs }, { currentPriceWad });
  const preview = check.order ? previewPriceOrder(check.order, view.valueWad) : null;
  const same = current && check.order && samePrice(current, check.order);
  const name = positionName(vault.name, id);
  const edit = () => {
    setTouched(true);
    setDone(null);
    flow.reset();
  };

  const field = (key: keyof typeof texts, label: string, unit: string, hint?: string) => (
    <AmountField
      label={label}
      unit={unit}
      value={texts[key]}
      onChange={(text) => {
        setTexts((previous) => ({ ...previous, [key]: text }));
        edit();
      }}
      error={null}
      hint={hint}
      testIds={{ input: `order-price-${key}` }}
    />
  );

  const set = async () => {
    if (!check.order) return;
    const order = check.order;
    setDone(null);
    const ok = await flow.run([
      { label: current ? "Change price order" : "Set price order", send: (signer) => StakingRewardsVault__factory.connect(vault.address, signer).setPriceOrder(id, order) },
    ]);
    if (ok) setDone(`${current ? "Changed" : "Set"} on ${name}: ${describePriceOrder(order, vault.token0.symbol, vault.token1.symbol)}.`);
  };
  const cancel = async () => {
    setDone(null);
    const ok = await flow.run([{ label: "Cancel price order", send: (signer) => StakingRewardsVault__factory.connect(vault.address, signer).cancelPriceOrder(id) }]);
    if (ok) setDone(`Cancelled the price order on ${name}.`);
  };

  return (
    <form
      className="pos-order-form"
      data-testid="order-price-form"
      onSubmit={(event) => {
        event.preventDefault();
        void set();
      }}
    >
      <h3>Stop-loss / take-profit</h3>
      <p className="muted" style={{ margin: 0 }}>
        {current ? `Now: ${describePriceOrder(current, vault.token0.symbol, vault.token1.symbol)}.` : "None set."} {token.symbol} now {formatOrderPrice(currentPriceWad)} (oracle).
      </p>
      <fieldset className="pos-receive">
        <legend>Price of</legend>
        {[vault.token0, vault.token1].map((entry, index) => (
          <label key={entry.address}>
            <input
              type="radio"
              name={`order-token-${vault.address}-${id}`}
              checked={priceOfToken1 === (index === 1)}
              onChange={() => {
                setPriceOfToken1(index === 1);
                edit();
              }}
            />{" "}
            {entry.symbol}
          </label>
        ))}
      </fieldset>
      <div className="pos-order-row">
        {field("low", `Stop-loss: ${token.symbol} at or below`, "USD", "Empty: no low bound")}
        {field("high", `Take-profit: ${token.symbol} at or above`, "USD", "Empty: no high bound")}
      </div>
      <div className="pos-order-row">
        {field("fraction", "Close this part", "%", "Above 0%, at most 100%")}
        {field("executorFee", "Executor fee up to", "%", feeHint)}
        {field("maxSlippage", "Swaps may lose up to", "%", slippageHint)}
      </div>
      <fieldset className="pos-receive">
        <legend>Receive</legend>
        {(
          [
            [0, "Both tokens"],
            [1, `Only ${vault.token0.symbol}`],
            [2, `Only ${vault.token1.symbol}`],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name={`order-receive-${vault.address}-${id}`}
              checked={receiveAs === value}
              onChange={() => {
                setReceiveAs(value);
                edit();
              }}
            />{" "}
            {label}
          </label>
        ))}
      </fieldset>
      {touched && check.error && (
        <p className="field-error" data-testid="order-price-error">
          {check.error}
        </p>
      )}
      {check.warning && <p className="pos-warning">{check.warning}</p>}
      {check.order && preview && (
        <dl className="pos-preview" data-testid="order-price-preview">
          <div className="pos-figure-wide">
            <dt>The order</dt>
            <dd>{describePriceOrder(check.order, vault.token0.symbol, vault.token1.symbol)}</dd>
          </div>
          <div>
            <dt>Unwound at today&apos;s value</dt>
            <dd>≈ {formatUsdWad(preview.unwoundWad)}</dd>
          </div>
          <div>
            <dt>Executor paid at most</dt>
            <dd>
              {formatUsdWad(preview.maxFeeWad)} <span className="muted">({formatBps(check.order.executorFeeBps)}; cap {formatBps(MAX_EXECUTOR_FEE_BPS)})</span>
            </dd>
          </div>
        </dl>
      )}
      <OrderButtons active={current !== null} canSet={check.order !== null && !same} kind="price" onCancel={() => void cancel()} flow={flow} done={done} />
      {same && <p className="muted pos-hint">This is the order already set; change a field to replace it.</p>}
    </form>
  );
}

function samePrice(a: PriceOrderRecord, b: PriceOrderRecord): boolean {
  return (
    a.lowPriceWad === b.lowPriceWad &&
    a.highPriceWad === b.highPriceWad &&
    a.priceOfToken1 === b.priceOfToken1 &&
    a.receiveAs === b.receiveAs &&
    a.fractionBps === b.fractionBps &&
    a.executorFeeBps === b.executorFeeBps &&
    a.maxSlippageBps === b.maxSlippageBps
  );
}

/**
 * A transaction in words, before it is signed: what it does ("Open a position on WETH-USDC"), its amounts with the
 * deployment's token symbols, and which contract it calls ("WETH-USDC vault (0x1234…abcd)"). The development wallet
 * shows this and asks before signing. Pure: everything comes from the deployment file and the calldata.
 */
import { Interface, MaxUint256, ZeroAddress, type Result } from "ethers";
import { FaucetToken__factory, ILeveragedVault__factory, LendingPool__factory } from "../typechain-types";
import type { Deployment } from "./deployments";
import { formatBps, formatTokenReadable, formatUsdWad } from "./format";
import { positionName } from "./names";

export interface TransactionRequestLike {
  to?: string | null;
  data?: string | null;
  /** Wei, as a bigint or an RPC quantity ("0x…") or decimal string. */
  value?: bigint | string | null;
  from?: string | null;
}

export interface TransactionDescription {
  /** One sentence: what the transaction does. */
  action: string;
  /** Further lines: amounts, limits, recipients, the ETH sent. */
  details: string[];
  /** The contract called, by its name in the deployment and a short address; the address alone when unknown. */
  contract: string;
  /** False when neither the contract nor the function is known: the dialog says so. */
  known: boolean;
}

interface TokenInfo {
  symbol: string;
  decimals: number;
}

type KnownContract =
  | { kind: "token"; name: string; token: TokenInfo; weth: boolean }
  | { kind: "pool"; name: string; token: TokenInfo; share: TokenInfo }
  | { kind: "vault"; name: string; vaultName: string; token0: TokenInfo; token1: TokenInfo }
  | { kind: "other"; name: string };

/** What the describer knows about a deployment: every address it names, by lower-case address. */
export interface TransactionBook {
  contracts: Map<string, KnownContract>;
}

/** ERC-20 and the test faucet, plus WETH9's wrap and unwrap. */
const TOKEN_ABI = new Interface([...FaucetToken__factory.abi, "function deposit() payable", "function withdraw(uint256 wad)"]);
const POOL_ABI = new Interface(LendingPool__factory.abi);
const VAULT_ABI = new Interface(ILeveragedVault__factory.abi);
const RECEIVE_AS = ["both tokens", "token0", "token1"] as const;

/** "0x1234…abcd". */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** The book for a deployment: tokens, pools (and their fTokens), vaults, and the farming side's other contracts. */
export function transactionBook(deployment: Deployment): TransactionBook {
  const contracts = new Map<string, KnownContract>();
  const tokensByAddress = new Map<string, TokenInfo>();
  for (const [symbol, token] of Object.entries(deployment.tokens)) {
    const info = { symbol, decimals: token.decimals };
    tokensByAddress.set(token.address.toLowerCase(), info);
    contracts.set(token.address.toLowerCase(), { kind: "token", name: `${symbol} token`, token: info, weth: token.artifact.includes("WETH9") || /^W(ETH|BNB|POL|MATIC)$/i.test(symbol) });
  }
  for (const pool of Object.values(deployment.pools)) {
    const token = { symbol: pool.symbol, decimals: pool.decimals };
    contracts.set(pool.pool.address.toLowerCase(), {
      kind: "pool",
      name: `${pool.symbol} lending pool`,
      token,
      share: { symbol: `f${pool.symbol}`, decimals: pool.decimals },
    });
    contracts.set(pool.interestRateModel.address.toLowerCase(), { kind: "other", name: `${pool.symbol} rate model` });
  }
  const farming = deployment.farming;
  if (farming) {
    const unknownToken = (address: string): TokenInfo => tokensByAddress.get(address.toLowerCase()) ?? { symbol: shortAddress(address), decimals: 18 };
    for (const [name, record] of Object.entries(farming.vaults)) {
      contracts.set(record.vault.address.toLowerCase(), {
        kind: "vault",
        name: `${name} vault`,
        vaultName: name,
        token0: unknownToken(record.token0),
        token1: unknownToken(record.token1),
      });
      contracts.set(record.pair.toLowerCase(), { kind: "other", name: `${name} Uniswap pair` });
      contracts.set(record.farm.toLowerCase(), { kind: "other", name: `${name} farm` });
    }
    const others: [string, string][] = [
      [farming.oracle.address, "price oracle"],
      [farming.lens.address, "vault lens"],
      [farming.uniswapRouter, "Uniswap V2 router"],
      [farming.uniswapFactory, "Uniswap V2 factory"],
      [farming.rewardPair, "reward Uniswap pair"],
      ...Object.entries(farming.feeds).map(([symbol, feed]): [string, string] => [feed, `${symbol} price feed`]),
    ];
    for (const [address, name] of others) {
      if (address && !contracts.has(address.toLowerCase())) contracts.set(address.toLowerCase(), { kind: "other", name });
    }
  }
  return { contracts };
}

function toWei(value: TransactionRequestLike["value"]): bigint {
  if (value === undefined || value === null || value === "") return 0n;
  return typeof value === "bigint" ? value : BigInt(value);
}

function amount(value: bigint, token: TokenInfo): string {
  if (value === MaxUint256) return `an unlimited amount of ${token.symbol}`;
  return `${formatTokenReadable(value, token.decimals)} ${token.symbol}`;
}

/** "1 WETH and 500 USDC", "500 USDC", or null when both are zero; in the vault's name order. */
function pairAmounts(first: [bigint, TokenInfo], second: [bigint, TokenInfo]): string | null {
  const parts = [first, second].filter(([value]) => value > 0n).map(([value, token]) => amount(value, token));
  return parts.length === 0 ? null : parts.join(" and ");
}

/** The vault's two tokens in the vault name's order ("WETH-USDC" lists WETH first even when token0 is USDC). */
function nameOrder<T>(vault: Extract<KnownContract, { kind: "vault" }>, pair: [T, T]): [T, T] {
  const parts = vault.vaultName.toUpperCase().split(/[-/\s]+/);
  const at0 = parts.indexOf(vault.token0.symbol.toUpperCase());
  const at1 = parts.indexOf(vault.token1.symbol.toUpperCase());
  return at0 >= 0 && at1 >= 0 && at1 < at0 ? [pair[1], pair[0]] : pair;
}

/** Who a spender or recipient is: a contract of the deployment by name ("the WETH-USDC vault"), you, or an address. */
function party(address: string, book: TransactionBook, from?: string | null): string {
  if (from && address.toLowerCase() === from.toLowerCase()) return "your account";
  const known = book.contracts.get(address.toLowerCase());
  if (known) return `the ${known.name}`;
  return shortAddress(address);
}

function deadlineLine(deadline: bigint): string | null {
  if (deadline === 0n || deadline > 10n ** 12n) return null;
  return `Valid until ${new Date(Number(deadline) * 1000).toISOString().replace("T", " ").slice(0, 16)} UTC (chain time)`;
}

function describeToken(contract: Extract<KnownContract, { kind: "token" }>, name: string, args: Result, value: bigint, book: TransactionBook, from?: string | null) {
  const token = contract.token;
  switch (name) {
    case "approve":
      return { action: `Approve ${amount(args[1], token)} for ${party(args[0], book, from)}`, details: [] };
    case "transfer":
      return { action: `Send ${amount(args[1], token)} to ${party(args[0], book, from)}`, details: [] };
    case "transferFrom":
      return { action: `Move ${amount(args[2], token)} from ${party(args[0], book, from)} to ${party(args[1], book, from)}`, details: [] };
    case "faucet":
      return { action: `Get ${amount(args[0], token)} from the test faucet`, details: [] };
    case "deposit":
      if (contract.weth) return { action: `Wrap ${formatTokenReadable(value, 18)} ETH into ${token.symbol}`, details: [] };
      return null;
    case "withdraw":
      if (contract.weth) return { action: `Unwrap ${amount(args[0], token)} into ETH`, details: [] };
      return null;
    default:
      return null;
  }
}

function describePool(contract: Extract<KnownContract, { kind: "pool" }>, name: string, args: Result, book: TransactionBook, from?: string | null) {
  const { token, share } = contract;
  const to = (address: string) => (from && address.toLowerCase() === from.toLowerCase() ? [] : [`Sent to ${party(address, book, from)}`]);
  switch (name) {
    case "deposit":
      return { action: `Lend ${amount(args[0], token)} to the ${token.symbol} pool`, details: [`You receive ${share.symbol}, which grows in value as interest accrues`, ...to(args[1])] };
    case "mint":
      return { action: `Lend to the ${token.symbol} pool for ${amount(args[0], share)}`, details: to(args[1]) };
    case "withdraw":
      return { action: `Withdraw ${amount(args[0], token)} from the ${token.symbol} pool`, details: to(args[1]) };
    case "redeem":
      return { action: `Redeem ${amount(args[0], share)} from the ${token.symbol} pool for ${token.symbol}`, details: to(args[1]) };
    case "approve":
      return { action: `Approve ${amount(args[1], share)} for ${party(args[0], book, from)}`, details: [] };
    case "transfer":
      return { action: `Send ${amount(args[1], share)} to ${party(args[0], book, from)}`, details: [] };
    case "accrueInterest":
      return { action: `Bring the ${token.symbol} pool's interest up to date`, details: [] };
    default:
      return null;
  }
}

function receiveAsWords(contract: Extract<KnownContract, { kind: "vault" }>, receiveAs: bigint): string {
  const index = Number(receiveAs);
  if (index === 1) return `all in ${contract.token0.symbol}`;
  if (index === 2) return `all in ${contract.token1.symbol}`;
  return RECEIVE_AS[0];
}

function describeVault(contract: Extract<KnownContract, { kind: "vault" }>, name: string, args: Result) {
  const { vaultName, token0, token1 } = contract;
  const ordered = (value0: bigint, value1: bigint) => pairAmounts(...nameOrder(contract, [[value0, token0], [value1, token1]] as [[bigint, TokenInfo], [bigint, TokenInfo]]));
  const entryDetails = (params: Result): string[] => {
    const supplied = ordered(params.amount0, params.amount1);
    const borrowed = ordered(params.borrow0, params.borrow1);
    return [
      supplied ? `You supply ${supplied}` : "You supply nothing",
      borrowed ? `The vault borrows ${borrowed} from the lending pools` : "No borrowing",
      deadlineLine(params.deadline),
    ].filter((line): line is string => line !== null);
  };
  const position = (id: bigint) => positionName(vaultName, id);
  switch (name) {
    case "open":
      return { action: `Open a position on ${vaultName}`, details: entryDetails(args[0]) };
    case "increase":
      return { action: `Add to ${position(args[0])}`, details: entryDetails(args[1]) };
    case "close": {
      const params = args[0];
      const fraction = BigInt(params.fractionBps);
      const minimum = ordered(params.minAmount0, params.minAmount1);
      return {
        action: fraction >= 10_000n ? `Close ${position(params.positionId)}` : `Close ${formatBps(fraction)} of ${position(params.positionId)}`,
        details: [
          `You receive ${receiveAsWords(contract, params.receiveAs)}`,
          ...(minimum ? [`At least ${minimum}, or the transaction fails`] : []),
          deadlineLine(params.deadline),
        ].filter((line): line is string => line !== null),
      };
    }
    case "repayDebt": {
      const repaid = ordered(args[1], args[2]);
      return { action: `Repay ${repaid ?? "nothing"} of ${position(args[0])}'s debt`, details: [] };
    }
    case "setDeleverageOrder": {
      const order = args[1];
      return {
        action: `Set a protection order on ${position(args[0])}`,
        details: [
          `When the debt ratio reaches ${formatBps(BigInt(order.triggerDebtRatioBps))}, bring it back to ${formatBps(BigInt(order.targetDebtRatioBps))}`,
          `Executor fee ${formatBps(BigInt(order.executorFeeBps))}, slippage at most ${formatBps(BigInt(order.maxSlippageBps))}`,
        ],
      };
    }
    case "setPriceOrder": {
      const order = args[1];
      const symbol = order.priceOfToken1 ? token1.symbol : token0.symbol;
      const bounds = [
        BigInt(order.lowPriceWad) > 0n ? `at or below ${formatUsdWad(BigInt(order.lowPriceWad))}` : null,
        BigInt(order.highPriceWad) > 0n ? `at or above ${formatUsdWad(BigInt(order.highPriceWad))}` : null,
      ].filter((bound): bound is string => bound !== null);
      return {
        action: `Set a price order on ${position(args[0])}`,
        details: [
          `When ${symbol}'s oracle price is ${bounds.join(" or ")}, close ${formatBps(BigInt(order.fractionBps))} and receive ${receiveAsWords(contract, order.receiveAs)}`,
          `Executor fee ${formatBps(BigInt(order.executorFeeBps))}, slippage at most ${formatBps(BigInt(order.maxSlippageBps))}`,
        ],
      };
    }
    case "cancelDeleverageOrder":
      return { action: `Cancel the protection order on ${position(args[0])}`, details: [] };
    case "cancelPriceOrder":
      return { action: `Cancel the price order on ${position(args[0])}`, details: [] };
    case "harvest":
      return { action: `Harvest and compound the ${vaultName} vault's farm rewards`, details: [] };
    case "liquidate":
    case "liquidateWithRepayment":
      return { action: `Liquidate ${position(args[0])}`, details: [] };
    case "executeDeleverageOrder":
      return { action: `Execute the protection order on ${position(args[0])}`, details: [] };
    case "executePriceOrder":
      return { action: `Execute the price order on ${position(args[0])}`, details: [] };
    case "claim":
      return { action: `Claim what the ${vaultName} vault holds for you`, details: [`To ${shortAddress(args[1])}`] };
    default:
      return null;
  }
}

function decode(abi: Interface, data: string) {
  try {
    return abi.parseTransaction({ data });
  } catch {
    return null;
  }
}

/** Which ABI matches this selector, among the ones the describer knows (for a call it cannot put in words). */
function anyFunctionName(data: string): string | null {
  for (const abi of [VAULT_ABI, POOL_ABI, TOKEN_ABI]) {
    const parsed = decode(abi, data);
    if (parsed) return parsed.name;
  }
  return null;
}

/** The transaction in words; never throws (an undecodable call is described as such, with `known` false). */
export function describeTransaction(transaction: TransactionRequestLike, book: TransactionBook): TransactionDescription {
  const value = toWei(transaction.value);
  const data = transaction.data && transaction.data !== "0x" ? transaction.data : null;
  const valueLine = value > 0n ? [`Sends ${formatTokenReadable(value, 18)} ETH with it`] : [];
  if (!transaction.to || transaction.to === ZeroAddress) {
    return { action: "Deploy a contract", details: valueLine, contract: "a new contract", known: false };
  }
  const known = book.contracts.get(transaction.to.toLowerCase());
  const contract = known ? `${capitalize(known.name)} (${shortAddress(transaction.to)})` : shortAddress(transaction.to);
  if (!data) {
    return { action: `Send ${formatTokenReadable(value, 18)} ETH to ${known ? `the ${known.name}` : shortAddress(transaction.to)}`, details: [], contract, known: true };
  }
  let described: { action: string; details: string[] } | null = null;
  try {
    if (known?.kind === "token") {
      const parsed = decode(TOKEN_ABI, data);
      if (parsed) described = describeToken(known, parsed.name, parsed.args, value, book, transaction.from);
    } else if (known?.kind === "pool") {
      const parsed = decode(POOL_ABI, data);
      if (parsed) described = describePool(known, parsed.name, parsed.args, book, transaction.from);
    } else if (known?.kind === "vault") {
      const parsed = decode(VAULT_ABI, data);
      if (parsed) described = describeVault(known, parsed.name, parsed.args);
    }
  } catch {
    described = null;
  }
  if (described) {
    const skipValue = known?.kind === "token" && known.weth && described.action.startsWith("Wrap");
    return { action: described.action, details: [...described.details, ...(skipValue ? [] : valueLine)], contract, known: true };
  }
  const functionName = anyFunctionName(data);
  return {
    action: functionName ? `Call ${functionName} on ${known ? `the ${known.name}` : shortAddress(transaction.to)}` : `Call an unknown function (${data.slice(0, 10)})`,
    details: valueLine,
    contract,
    known: Boolean(known && functionName),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

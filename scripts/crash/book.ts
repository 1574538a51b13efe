/**
 * The crash replay's starting state: the project's local deployment (scripts/lib/deployLocal), extra lenders in
 * every pool, a book of leveraged positions on both vaults opened at oracle prices (the pairs arbitraged back to
 * the oracle after every open), a few protection orders, 30 days of interest, and a funded keeper account.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import { ethers as ethersLib } from "ethers";
import { deployLocal, type LocalStack } from "../lib/deployLocal";
import type { DeployedVault } from "../lib/deployVaults";
import { fundFromLocalSources } from "../lib/localFunds";
import { usdToFeedAnswer } from "../lib/deployVaults";
import type { Deployment } from "../../lib/deployments";
import { LOCAL_PRICES_USD } from "../../lib/vaults";
import { basePrices, type Prices, type Symbol } from "./scenarios";
import { DECIMALS, setPairToRatio, toUnits } from "./market";

export const FAR_FUTURE = 2n ** 40n;

export type SupplyVariant = "token0" | "token1" | "both";
export type BorrowVariant = "none" | "token0" | "token1" | "both";

export interface PositionSpec {
  vault: "stable" | "volatile";
  leverage: number;
  /** Collateral supplied, USD at the opening oracle prices. */
  collateralUsd: number;
  supply: SupplyVariant;
  borrow: BorrowVariant;
  label?: string;
  /** Borrow only this token, whichever side of the pair it is (overrides `borrow`). */
  borrowSymbol?: Symbol;
  /** A deleverage order set right after opening. */
  order?: { triggerDebtRatioBps: number; targetDebtRatioBps: number; executorFeeBps: number; maxSlippageBps: number };
}

export interface OpenedPosition extends PositionSpec {
  id: bigint;
  owner: string;
  vaultName: string;
  bucket: string;
}

export interface KeeperCapital {
  USDC: number;
  USDT: number;
  WETH: number;
}

export interface CrashContext {
  hre: HardhatRuntimeEnvironment;
  stack: LocalStack;
  deployer: Signer;
  keeper: Signer;
  keeperCapital: KeeperCapital;
  farmers: Signer[];
  lenders: Signer[];
  vaults: { stable: DeployedVault; volatile: DeployedVault };
  book: OpenedPosition[];
  /** Oracle prices the book was opened at. */
  base: Prices;
  setupSeconds: number;
}

/** Leverage bucket label of a position, for the bad-debt and frontier tables. */
export function bucketOf(vault: "stable" | "volatile", leverage: number): string {
  if (vault === "stable") {
    const edge = leverage <= 1 ? "1x" : leverage <= 3 ? "2-3x" : leverage <= 5 ? "4-5x" : leverage <= 7 ? "6-7x" : leverage <= 9 ? "8-9x" : "10x";
    return `USDC-USDT ${edge}`;
  }
  const edge = leverage <= 1 ? "1x" : leverage <= 1.75 ? "1.25-1.75x" : leverage <= 2.25 ? "2-2.25x" : leverage <= 2.75 ? "2.5-2.75x" : "2.9-3x";
  return `WETH-USDC ${edge}`;
}

export const BUCKET_ORDER = [
  "USDC-USDT 1x", "USDC-USDT 2-3x", "USDC-USDT 4-5x", "USDC-USDT 6-7x", "USDC-USDT 8-9x", "USDC-USDT 10x",
  "WETH-USDC 1x", "WETH-USDC 1.25-1.75x", "WETH-USDC 2-2.25x", "WETH-USDC 2.5-2.75x", "WETH-USDC 2.9-3x",
];

const SUPPLY: SupplyVariant[] = ["token0", "token1", "both"];
const BORROW: BorrowVariant[] = ["token0", "token1", "both"];

/**
 * The full book: 31 positions on USDC-USDT (1x-10x) and 31 on WETH-USDC (1x-3x). Every (supply, borrow) pair
 * appears at several leverages; plus a large 10x stable position ($50k supplied) and a large 3x WETH one
 * ($15k supplied).
 */
export function fullBook(): PositionSpec[] {
  const specs: PositionSpec[] = [];
  const stableLeverages = [2, 3, 4, 5, 6, 7, 8, 9, 10];
  const volatileLeverages = [1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 2.9, 3];
  for (const supply of SUPPLY) specs.push({ vault: "stable", leverage: 1, collateralUsd: 2_000, supply, borrow: "none" });
  stableLeverages.forEach((leverage, i) => {
    BORROW.forEach((borrow, j) => {
      specs.push({ vault: "stable", leverage, collateralUsd: 1_000 + 500 * ((i + j) % 5), supply: SUPPLY[(i + j) % 3], borrow });
    });
  });
  for (const supply of SUPPLY) specs.push({ vault: "volatile", leverage: 1, collateralUsd: 2_000, supply, borrow: "none" });
  volatileLeverages.forEach((leverage, i) => {
    BORROW.forEach((borrow, j) => {
      specs.push({ vault: "volatile", leverage, collateralUsd: 1_000 + 500 * ((i + 2 * j) % 5), supply: SUPPLY[(i + j) % 3], borrow });
    });
  });
  specs.push({ vault: "stable", leverage: 10, collateralUsd: 50_000, supply: "both", borrow: "both", label: "large 10x stable" });
  specs.push({ vault: "volatile", leverage: 3, collateralUsd: 15_000, supply: "both", borrow: "token1", borrowSymbol: "USDC", label: "large 3x WETH" });
  // Protection orders on a few positions (the owners' own deleverage orders, executed by the keeper).
  const withOrder = (match: (spec: PositionSpec) => boolean, order: PositionSpec["order"]) => {
    const spec = specs.find((candidate) => match(candidate) && !candidate.order && !candidate.label);
    // (stable-vault orders go on existing book positions; the WETH ones are extra positions below)
    if (spec) spec.order = order;
  };
  withOrder((s) => s.vault === "stable" && s.leverage === 9 && s.borrow === "token0", { triggerDebtRatioBps: 9_300, targetDebtRatioBps: 8_500, executorFeeBps: 10, maxSlippageBps: 100 });
  withOrder((s) => s.vault === "stable" && s.leverage === 10 && s.borrow === "token1", { triggerDebtRatioBps: 9_300, targetDebtRatioBps: 8_500, executorFeeBps: 10, maxSlippageBps: 100 });
  // Two WETH-USDC farmers who borrow USDC (the side a WETH crash hurts) protect themselves with orders.
  const volatileOrder = { triggerDebtRatioBps: 7_400, targetDebtRatioBps: 6_000, executorFeeBps: 10, maxSlippageBps: 200 };
  specs.push({ vault: "volatile", leverage: 2.75, collateralUsd: 2_000, supply: "token0", borrow: "token0", borrowSymbol: "USDC", order: volatileOrder, label: "2.75x with deleverage order" });
  specs.push({ vault: "volatile", leverage: 3, collateralUsd: 2_500, supply: "token1", borrow: "token1", borrowSymbol: "USDC", order: volatileOrder, label: "3x with deleverage order" });
  return specs;
}

/** The test's small book: 12 positions, both vaults, every supply and borrow variant, up to the maximum leverage. */
export function smallBook(): PositionSpec[] {
  return [
    { vault: "stable", leverage: 1, collateralUsd: 2_000, supply: "token0", borrow: "none" },
    { vault: "stable", leverage: 3, collateralUsd: 2_000, supply: "token1", borrow: "token0" },
    { vault: "stable", leverage: 6, collateralUsd: 2_000, supply: "both", borrow: "token1" },
    { vault: "stable", leverage: 8, collateralUsd: 2_000, supply: "token0", borrow: "both" },
    { vault: "stable", leverage: 10, collateralUsd: 2_000, supply: "token1", borrow: "token1" },
    { vault: "stable", leverage: 10, collateralUsd: 2_000, supply: "both", borrow: "token0" },
    { vault: "volatile", leverage: 1, collateralUsd: 2_000, supply: "token1", borrow: "none" },
    { vault: "volatile", leverage: 1.5, collateralUsd: 2_000, supply: "token0", borrow: "token1" },
    { vault: "volatile", leverage: 2, collateralUsd: 2_000, supply: "both", borrow: "token0" },
    { vault: "volatile", leverage: 2.5, collateralUsd: 2_000, supply: "token1", borrow: "both" },
    { vault: "volatile", leverage: 3, collateralUsd: 2_000, supply: "token0", borrow: "token0" },
    { vault: "volatile", leverage: 3, collateralUsd: 3_000, supply: "both", borrow: "token1" },
  ];
}

export interface SetupOptions {
  book: PositionSpec[];
  /** Farmer accounts the book is spread over (signers 2..). */
  farmerCount: number;
  lenderCount: number;
  keeperCapital: KeeperCapital;
  interestDays: number;
  log?: (line: string) => void;
}

/** The keeper holds no working capital by default: it liquidates through the vault's swap or the FlashLiquidator. */
export const DEFAULT_KEEPER_CAPITAL: KeeperCapital = { USDC: 0, USDT: 0, WETH: 0 };
/** What the replay gave the keeper before capital-free liquidation (kept for the experiment that compares). */
export const FUNDED_KEEPER_CAPITAL: KeeperCapital = { USDC: 300_000, USDT: 300_000, WETH: 100 };

/** Deploys, funds, opens the book and accrues interest. Call once, then evm_snapshot. */
export async function setupCrashState(hre: HardhatRuntimeEnvironment, options: SetupOptions): Promise<CrashContext> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const { ethers } = hre;
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const stack = await deployLocal(hre);
  log(`deployed the local stack in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const vaults = stack.farming.vaults;
  const farmers = signers.slice(2, 2 + options.farmerCount);
  const lenders = signers.slice(2 + options.farmerCount, 2 + options.farmerCount + options.lenderCount);
  const keeper = signers[2 + options.farmerCount + options.lenderCount];
  if (!keeper) throw new Error("Not enough Hardhat accounts for the farmers, lenders and keeper asked for");
  const token = (symbol: Symbol, signer: Signer) => ethers.getContractAt("IERC20", stack.deployment.tokens[symbol].address, signer);

  // The market maker (the deployer) holds a float of every token and has approved the router once, so each
  // arbitrage step is a single swap.
  const router = await stack.farming.uniswap.router.getAddress();
  await fundFromLocalSources(stack.deployment, "USDC", deployer, toUnits(6_000_000, 6));
  await fundFromLocalSources(stack.deployment, "USDT", deployer, toUnits(6_000_000, 6));
  await fundFromLocalSources(stack.deployment, "WETH", deployer, toUnits(3_000, 18));
  for (const symbol of ["USDC", "USDT", "WETH"] as Symbol[]) await (await (await token(symbol, deployer)).approve(router, ethersLib.MaxUint256)).wait();

  // Lenders besides the seed deposit: each puts 100k USDC, 100k USDT and 50 WETH into the pools.
  for (const lender of lenders) {
    for (const [symbol, amount] of [["USDC", 100_000], ["USDT", 100_000], ["WETH", 50]] as Array<[Symbol, number]>) {
      const units = toUnits(amount, DECIMALS[symbol]);
      await fundFromLocalSources(stack.deployment, symbol, lender, units);
      await (await (await token(symbol, lender)).approve(await stack.pools[symbol].getAddress(), units)).wait();
      await (await stack.pools[symbol].connect(lender).deposit(units, await lender.getAddress())).wait();
    }
  }

  // Farmers: stablecoins, WETH, approvals to both vaults.
  const largest = Math.max(...options.book.map((spec) => spec.collateralUsd));
  for (const farmer of farmers) {
    await fundFromLocalSources(stack.deployment, "USDC", farmer, toUnits(Math.max(60_000, largest), 6));
    await fundFromLocalSources(stack.deployment, "USDT", farmer, toUnits(Math.max(60_000, largest), 6));
    await fundFromLocalSources(stack.deployment, "WETH", farmer, toUnits(40, 18));
    for (const deployed of [vaults.stable, vaults.volatile]) {
      for (const symbol of ["USDC", "USDT", "WETH"] as Symbol[]) {
        await (await (await token(symbol, farmer)).approve(await deployed.vault.getAddress(), ethersLib.MaxUint256)).wait();
      }
    }
  }
  log(`funded ${farmers.length} farmers and ${lenders.length} lenders`);

  const base = basePrices();
  const book: OpenedPosition[] = [];
  for (const [index, spec] of options.book.entries()) {
    const farmer = farmers[index % farmers.length];
    const deployed = vaults[spec.vault];
    const params = openParams(deployed, spec, base);
    await (await deployed.vault.connect(farmer).open(params)).wait();
    const id = await deployed.vault.lastPositionId();
    if (spec.order) await (await deployed.vault.connect(farmer).setDeleverageOrder(id, spec.order)).wait();
    book.push({ ...spec, id, owner: await farmer.getAddress(), vaultName: deployed.name, bucket: bucketOf(spec.vault, spec.leverage) });
    // The zap's swap moved the pair: arbitrage brings it back to the oracle before the next open.
    await setPairToRatio(hre, stack, deployer, deployed, base[deployed.token0Symbol as Symbol] / base[deployed.token1Symbol as Symbol]);
  }
  log(`opened ${book.length} positions`);

  // 30 days of interest, then fresh feeds at the same prices.
  await hre.network.provider.send("evm_increaseTime", [options.interestDays * 86_400]);
  await hre.network.provider.send("evm_mine", []);
  for (const feed of Object.values(stack.farming.feeds)) await (await feed.setAnswer((await feed.latestRoundData()).answer)).wait();
  for (const symbol of ["USDC", "USDT", "WETH"] as Symbol[]) await (await stack.pools[symbol].accrueInterest()).wait();

  // The keeper's working capital, for liquidations by repayment (none by default); ETH stays for gas.
  const keeperCapital = options.keeperCapital;
  await fundKeeper(stack.deployment, keeper, keeperCapital);
  log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { hre, stack, deployer, keeper, keeperCapital, farmers, lenders, vaults, book, base, setupSeconds: (Date.now() - started) / 1000 };
}

/** Gives the keeper `capital` of each token (none asked: nothing sent). */
export async function fundKeeper(deployment: Deployment, keeper: Signer, capital: KeeperCapital): Promise<void> {
  for (const symbol of ["USDC", "USDT", "WETH"] as Symbol[]) {
    if (capital[symbol] > 0) await fundFromLocalSources(deployment, symbol, keeper, toUnits(capital[symbol], DECIMALS[symbol]));
  }
}

export function openParams(deployed: DeployedVault, spec: PositionSpec, prices: Prices) {
  const s0 = deployed.token0Symbol as Symbol;
  const s1 = deployed.token1Symbol as Symbol;
  const amount = (symbol: Symbol, usd: number) => toUnits(usd / prices[symbol], DECIMALS[symbol]);
  const c = spec.collateralUsd;
  const supply0 = spec.supply === "token0" ? c : spec.supply === "both" ? c / 2 : 0;
  const supply1 = c - supply0;
  // A hair under the target, so rounding never takes it past the maximum leverage.
  const borrowed = spec.borrow === "none" ? 0 : (spec.leverage - 1) * c * 0.9999;
  const variant = spec.borrowSymbol ? (spec.borrowSymbol === s0 ? "token0" : "token1") : spec.borrow;
  const borrow0 = variant === "token0" ? borrowed : variant === "both" ? borrowed / 2 : 0;
  const borrow1 = variant === "token1" ? borrowed : variant === "both" ? borrowed / 2 : 0;
  return {
    amount0: amount(s0, supply0),
    amount1: amount(s1, supply1),
    borrow0: amount(s0, borrow0),
    borrow1: amount(s1, borrow1),
    minLp: 0n,
    minShares: 0n,
    deadline: FAR_FUTURE,
  };
}

export { usdToFeedAnswer, LOCAL_PRICES_USD };

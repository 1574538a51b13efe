/**
 * The stateful invariant model shared by test/contracts/invariants/stateful.test.ts and scripts/fuzz.ts: the
 * operation generators, the step that applies one operation to the chain (and books what every account sent and
 * received), and the invariant checks (cheap ones after every step, expensive ones every few steps).
 *
 * Both vaults (USDC-USDT and WETH-USDC) and all three pools take part. USDC stays at $1 throughout; USDT and WETH
 * move, each only together with its pair (arbitrage), so the oracle and the pairs agree as they do on a chain.
 */
import fc from "fast-check";
import hre, { ethers } from "hardhat";
import type { Contract, Signer, TransactionReceipt } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import { vaultStackFixture, lensOf, type VaultFixture } from "../vault/fixtures";
import { arbitrageSwap, fairLpPriceWad, getAmountOut, sqrt } from "../../../lib/vaultMath";
import { usdToFeedAnswer } from "../../../scripts/lib/deployVaults";
import { faucetInChunks } from "../../../scripts/lib/localFunds";

/* eslint-disable @typescript-eslint/no-explicit-any */

const WAD = 10n ** 18n;
const BPS = 10_000n;
const FAR_FUTURE = 2n ** 40n;
const GAS = { gasLimit: 12_000_000 };

// ------------------------------------------------------------------ allowed refusals

/** The vault's and its modules' own refusals that a random step may meet (a named custom error, raised with the
 *  vault or one of its modules as the innermost Solidity frame). Anything else fails the run. */
/** The most a harvest may leave in the vault when its zap would mint no LP: base units of either token. */
const HARVEST_DUST_UNITS = 1_000n;

export const VAULT_ERRORS = [
  "ZeroAmount", // a repayment too small to clear one debt share
  "ZeroShares", // an entry too small to mint one LP share
  "PositionClosed",
  "PositionTooSmall", // a position (or what a partial close leaves) under minPositionShares
  "LeverageTooHigh",
  "WorkFactorExceeded",
  "VaultDebtCapExceeded",
  "PriceDeviationTooHigh", // an entry or a harvest while the pair is off the oracle
  "InsufficientLiquidityMinted",
  "SwapOutsideOracleBound", // an exit's swap that would lose more than the bound against the oracle
  "InsufficientProceeds", // a close whose proceeds do not repay its part of the debt
  "HarvestSlippageExceeded",
  "HarvestNothingSellable",
  "PositionHealthy", // liquidating a position at or below the kill factor (checked against the view, see (e))
  "UnderwaterNeedsRepayment", // liquidate() of a position whose value less the bounty does not cover its debt
  "NothingToClaim",
  "PriceSourcesDisagree", // an entry paying for pending rewards, or a harvest, while the reward pair's spot or TWAP is off the feeds
  "TwapUnavailable",
];
export const VAULT_FRAMES = ["StakingRewardsVault", "StakingRewardsVaultEntries", "StakingRewardsVaultExits", "StakingRewardsVaultHarvest"];
/** The pools' refusals a step may meet, with the pool as the innermost frame: a borrow or a withdrawal larger than
 *  the pool's cash. NotBorrower is not in the list: it is the one outcome the third-party repayment step demands. */
export const POOL_ERRORS = ["InsufficientCash"];
export const POOL_FRAMES = ["LendingPool"];

export class InvariantViolation extends Error {}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/** The name of the custom error a call reverted with, if it is an allowed refusal; otherwise rethrows. */
export function allowedRefusal(error: unknown, extra: string[] = []): string {
  if (error instanceof InvariantViolation) throw error;
  const message = String((error as Error)?.message ?? error);
  const name = /reverted with custom error '(\w+)\(/.exec(message)?.[1];
  const frame = /\n\s+at (\w+)\.\w+ \(contracts\//.exec(String((error as Error)?.stack))?.[1];
  if (name !== undefined) {
    if (extra.includes(name)) return name;
    if (VAULT_ERRORS.includes(name) && (frame === undefined || VAULT_FRAMES.includes(frame))) return name;
    if (POOL_ERRORS.includes(name) && (frame === undefined || POOL_FRAMES.includes(frame))) return name;
  }
  throw new InvariantViolation(`disallowed refusal ${name ?? "(no custom error)"} in frame ${frame}: ${message.slice(0, 400)}`);
}

// ------------------------------------------------------------------ batched reads

/**
 * One eth_call for many reads, so the per-step checks stay cheap. Compiled with solc 0.8.28 (optimizer, 200 runs)
 * from:
 *   contract BatchReader {
 *     function read(address[] calldata targets, bytes[] calldata data) external view returns (bytes[] memory results) {
 *       results = new bytes[](targets.length);
 *       for (uint256 i = 0; i < targets.length; i++) {
 *         (bool ok, bytes memory result) = targets[i].staticcall(data[i]);
 *         if (!ok) { assembly { revert(add(result, 32), mload(result)) } }
 *         results[i] = result;
 *       }
 *     }
 *   }
 * It is a test helper deployed by the fixture, not part of the protocol.
 */
const BATCH_READER_BYTECODE = "0x6080604052348015600e575f5ffd5b506103aa8061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610029575f3560e01c8063849419371461002d575b5f5ffd5b61004061003b3660046101dd565b610056565b60405161004d9190610249565b60405180910390f35b60608367ffffffffffffffff811115610071576100716102cd565b6040519080825280602002602001820160405280156100a457816020015b606081526020019060019003908161008f5790505b5090505f5b8481101561018c575f5f8787848181106100c5576100c56102e1565b90506020020160208101906100da91906102f5565b6001600160a01b03168686858181106100f5576100f56102e1565b90506020028101906101079190610322565b604051610115929190610365565b5f60405180830381855afa9150503d805f811461014d576040519150601f19603f3d011682016040523d82523d5f602084013e610152565b606091505b50915091508161016457805160208201fd5b80848481518110610177576101776102e1565b602090810291909101015250506001016100a9565b50949350505050565b5f5f83601f8401126101a5575f5ffd5b50813567ffffffffffffffff8111156101bc575f5ffd5b6020830191508360208260051b85010111156101d6575f5ffd5b9250929050565b5f5f5f5f604085870312156101f0575f5ffd5b843567ffffffffffffffff811115610206575f5ffd5b61021287828801610195565b909550935050602085013567ffffffffffffffff811115610231575f5ffd5b61023d87828801610195565b95989497509550505050565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b828110156102c157603f19878603018452815180518087528060208301602089015e5f602082890101526020601f19601f8301168801019650505060208201915060208401935060018101905061026f565b50929695505050505050565b634e487b7160e01b5f52604160045260245ffd5b634e487b7160e01b5f52603260045260245ffd5b5f60208284031215610305575f5ffd5b81356001600160a01b038116811461031b575f5ffd5b9392505050565b5f5f8335601e19843603018112610337575f5ffd5b83018035915067ffffffffffffffff821115610351575f5ffd5b6020019150368190038213156101d6575f5ffd5b818382375f910190815291905056fea26469706673582212200cce66eec497ffa2284b7a9607c6c14850c8bc510752edd22395c407440bd9e364736f6c634300081c0033";
const BATCH_READER_ABI = ["function read(address[] targets, bytes[] data) view returns (bytes[] results)"];

/** Word `i` of an ABI-encoded static return value. */
function word(hex: string, i: number): bigint {
  return BigInt("0x" + hex.slice(2 + 64 * i, 66 + 64 * i));
}

// ------------------------------------------------------------------ fixture

export async function invariantFixture() {
  const fx = await vaultStackFixture();
  const signers = await ethers.getSigners();
  const arbitrageur = signers[7];
  const lenders = [signers[8], signers[9]];
  const { deployer, liquidator, alice, bob, carol, attacker, tokens } = fx;
  const farmers = [alice, bob, carol, attacker];
  const weth = new ethers.Contract(await tokens.WETH.getAddress(), WETH9.abi, deployer);
  const big = async (who: Signer, usd: number, ethAmount: number) => {
    await faucetInChunks(tokens.USDC.connect(who) as any, ethers.parseUnits(String(usd), 6));
    await faucetInChunks(tokens.USDT.connect(who) as any, ethers.parseUnits(String(usd), 6));
    if (ethAmount > 0) await (weth.connect(who) as any).deposit({ value: ethers.parseUnits(String(ethAmount), 18) });
  };
  for (const farmer of farmers) await big(farmer, 400_000, 200);
  await big(arbitrageur, 4_000_000, 2_000);
  await big(liquidator, 600_000, 300);
  for (const lender of lenders) await big(lender, 1_000_000, 500);
  await big(deployer, 400_000, 100);
  await (await tokens.FLUX.connect(deployer).mint(arbitrageur.address, ethers.parseUnits("3000000", 18))).wait();
  await (await tokens.FLUX.connect(deployer).mint(deployer.address, ethers.parseUnits("3000000", 18))).wait();
  const pools = [fx.pools.USDC, fx.pools.USDT, fx.pools.WETH] as any[];
  const poolTokens = [tokens.USDC, tokens.USDT, tokens.WETH] as any[];
  for (const who of [liquidator, ...lenders, ...farmers]) {
    for (const token of poolTokens) {
      for (const vault of [fx.stable.vault, fx.volatile.vault]) await (await token.connect(who).approve(await vault.getAddress(), ethers.MaxUint256)).wait();
      for (const pool of pools) await (await token.connect(who).approve(await pool.getAddress(), ethers.MaxUint256)).wait();
    }
  }
  const reader = await new ethers.ContractFactory(BATCH_READER_ABI, BATCH_READER_BYTECODE, deployer).deploy();
  await reader.waitForDeployment();
  // The empty-wallet liquidator: gas only, never a token; it liquidates through the FlashLiquidator and the proceeds
  // go to the (funded) liquidator's account, whose gain the model bounds as for any liquidation.
  const emptyLiquidator = signers[11];
  for (const token of poolTokens) if ((await token.balanceOf(emptyLiquidator.address)) !== 0n) throw new Error("the empty-wallet liquidator holds tokens");
  const flash = await (await ethers.getContractFactory("FlashLiquidator", deployer)).deploy();
  await flash.waitForDeployment();
  return { ...fx, arbitrageur, lenders, farmers, poolList: pools, poolTokens, reader: reader as any, emptyLiquidator, flash: flash as any };
}
export type InvariantFixture = Awaited<ReturnType<typeof invariantFixture>>;

// ------------------------------------------------------------------ operations

export type Op =
  | { k: "deposit"; pool: number; lender: number; usd: number }
  | { k: "withdraw"; pool: number; lender: number; bps: number }
  | { k: "open"; v: number; farmer: number; side: number; borrow: number; lev: number; usd: number; odd: number }
  | { k: "increase"; v: number; pick: number; usd0: number; usd1: number; borrowSide: number; borrowUsd: number }
  | { k: "repay"; v: number; pick: number; bps0: number; bps1: number; full: boolean }
  | { k: "foreignRepay"; v: number; pick: number; side: number; byShares: boolean }
  | { k: "close"; v: number; pick: number; bps: number; receiveAs: number }
  | { k: "harvest"; v: number }
  | { k: "harvestRepeat"; v: number; calls: number }
  | { k: "wait"; hours: number }
  | { k: "donate"; what: number; v: number; side: number; usd: number }
  | { k: "price"; v: number; moveBps: number }
  | { k: "squeeze"; v: number; stepBps: number }
  | { k: "arb" }
  | { k: "liquidate"; v: number; pick: number; withRepayment: boolean; worst: boolean; flash?: boolean }
  | { k: "claim"; v: number; farmer: number };

const pick = fc.nat({ max: 10_000 });
const vaultIndex = fc.integer({ min: 0, max: 1 });
export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant("deposit" as const), pool: fc.integer({ min: 0, max: 2 }), lender: fc.integer({ min: 0, max: 1 }), usd: fc.integer({ min: 1, max: 300_000 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("withdraw" as const), pool: fc.integer({ min: 0, max: 2 }), lender: fc.integer({ min: 0, max: 1 }), bps: fc.integer({ min: 1, max: 10_000 }) }) },
  {
    weight: 7,
    arbitrary: fc.record({
      k: fc.constant("open" as const),
      v: vaultIndex,
      farmer: fc.integer({ min: 0, max: 3 }),
      side: fc.integer({ min: 0, max: 2 }), // collateral: token 0, token 1, both
      borrow: fc.integer({ min: 0, max: 3 }), // borrow: the other token, the same token, both, none
      lev: fc.integer({ min: 0, max: 105 }), // percent of the way from 1x to the vault's max leverage (>100: over it)
      usd: fc.integer({ min: 20, max: 4_000 }),
      odd: fc.nat({ max: 999_999 }), // extra base units, for amounts like 1,234.567891
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("increase" as const),
      v: vaultIndex,
      pick,
      usd0: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000 })),
      usd1: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000 })),
      borrowSide: fc.integer({ min: 0, max: 1 }),
      borrowUsd: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6_000 })),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("repay" as const), v: vaultIndex, pick, bps0: fc.integer({ min: 0, max: 10_000 }), bps1: fc.integer({ min: 0, max: 10_000 }), full: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("foreignRepay" as const), v: vaultIndex, pick, side: fc.integer({ min: 0, max: 1 }), byShares: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("close" as const),
      v: vaultIndex,
      pick,
      bps: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 9_999 })),
      receiveAs: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("harvest" as const), v: vaultIndex }) },
  // Issue 18, cause 1: many harvests in one transaction (an attacker contract), which must sell no more than one.
  { weight: 1, arbitrary: fc.record({ k: fc.constant("harvestRepeat" as const), v: vaultIndex, calls: fc.integer({ min: 2, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("wait" as const), hours: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 24, max: 72 })) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("donate" as const), what: fc.integer({ min: 0, max: 5 }), v: vaultIndex, side: fc.integer({ min: 0, max: 1 }), usd: fc.integer({ min: 1, max: 2_000 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("price" as const), v: vaultIndex, moveBps: fc.integer({ min: -1_500, max: 1_500 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("arb" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("squeeze" as const), v: vaultIndex, stepBps: fc.integer({ min: 300, max: 1_500 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("liquidate" as const), v: vaultIndex, pick, withRepayment: fc.boolean(), worst: fc.boolean(), flash: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("claim" as const), v: vaultIndex, farmer: fc.integer({ min: 0, max: 3 }) }) },
);

// ------------------------------------------------------------------ the model

interface Mirror {
  v: number;
  id: bigint;
  owner: string;
  lpShares: bigint;
  ds0: bigint;
  ds1: bigint;
  /** value - debt + pending reward, USD WAD (signed), when last read */
  worth: bigint;
  /** the vault's value per LP share (x1e18) when last read */
  vps: bigint;
  liquidatable: boolean;
  debtRatioBps: bigint;
  /** the vault's market epoch (count of oracle moves) when last read */
  epoch: number;
}

interface VaultSide {
  deployed: any;
  vault: any;
  address: string;
  pair: any;
  pairAddress: string;
  farm: any;
  symbols: [string, string];
  decimals: [number, number];
  pools: [any, any];
  poolIdx: [number, number];
  /** which token moves (the non-USDC one) */
  moving: 0 | 1;
  band: [number, number];
}

interface Ledger {
  inUsd: bigint;
  outUsd: bigint;
  /** sum of the yield budget granted to the account's positions */
  yieldAllowance: bigint;
  /** sum of the changes of its holdings at oracle moves */
  market: bigint;
  /** sum of the tolerances its steps were allowed */
  tolerance: bigint;
  /** bounties the account earned as a liquidator (within its allowance) */
  bounty: bigint;
}

const DECIMALS: Record<string, number> = { USDC: 6, USDT: 6, WETH: 18, FLUX: 18 };
const TRANSFER = ethers.id("Transfer(address,address,uint256)");

export interface Stats {
  ops: number;
  outcomes: Record<string, Record<string, number>>;
  cheapChecks: number;
  fullChecks: number;
  liquidations: number;
  healthyRefusals: number;
  badDebtEvents: number;
  /** opens into a vault without shares that took more than a cent nobody owned */
  windfalls: number;
}

export class Model {
  fx: InvariantFixture;
  lens: any;
  sides: VaultSide[] = [];
  prices: Record<string, bigint> = {};
  addressOf: Record<string, string> = {};
  symbolOfAddress: Record<string, string> = {};
  mirror = new Map<string, Mirror>(); // key `${v}:${id}`
  ledger = new Map<string, Ledger>();
  vaultState: any[] = [];
  donatedToVault: Array<Record<string, bigint>> = [{}, {}];
  donatedToPool: bigint[] = [0n, 0n, 0n];
  lenderPrincipal = new Map<string, bigint>(); // `${pool}:${lender}` net tokens in (in - out)
  lenderLossSince: bigint[] = [0n, 0n, 0n];
  lastRate: bigint[] = [0n, 0n, 0n];
  stats: Stats = { ops: 0, outcomes: {}, cheapChecks: 0, fullChecks: 0, liquidations: 0, healthyRefusals: 0, badDebtEvents: 0, windfalls: 0 };
  trace: string[] = [];
  /** per kind: count, ms applying, ms checking */
  timings: Record<string, [number, number, number]> = {};
  /** The attacker's contract that harvests many times in one transaction (deployed on first use). */
  harvestRepeater: any;

  constructor(fx: InvariantFixture) {
    this.fx = fx;
    this.lens = lensOf(fx);
  }

  async init() {
    const { fx } = this;
    for (const symbol of ["USDC", "USDT", "WETH", "FLUX"]) {
      const address = await (fx.tokens as any)[symbol].getAddress();
      this.addressOf[symbol] = address;
      this.symbolOfAddress[address.toLowerCase()] = symbol;
      this.prices[symbol] = await fx.farming.oracle.priceOf(address);
    }
    const poolIndex: Record<string, number> = { USDC: 0, USDT: 1, WETH: 2 };
    for (const deployed of [fx.stable, fx.volatile]) {
      const symbols: [string, string] = [deployed.token0Symbol, deployed.token1Symbol];
      const pools: [any, any] = [fx.poolList[poolIndex[symbols[0]]], fx.poolList[poolIndex[symbols[1]]]];
      this.sides.push({
        deployed,
        vault: deployed.vault,
        address: await deployed.vault.getAddress(),
        pair: deployed.pair,
        pairAddress: await deployed.pair.getAddress(),
        farm: deployed.farm,
        symbols,
        decimals: [DECIMALS[symbols[0]], DECIMALS[symbols[1]]],
        pools,
        poolIdx: [poolIndex[symbols[0]], poolIndex[symbols[1]]],
        moving: symbols[0] === "USDC" ? 1 : 0,
        band: symbols.includes("WETH") ? [1_000, 3_600] : [0.85, 1.15],
      });
    }
    for (const side of this.sides) this.risk.push(await side.vault.riskParameters());
    for (const address of [...(await this.accounts())]) this.ledger.set(address, { inUsd: 0n, outUsd: 0n, yieldAllowance: 0n, market: 0n, tolerance: 0n, bounty: 0n });
    await this.readVaultStates();
    await this.refreshAll();
    for (let p = 0; p < 3; p++) this.lastRate[p] = await this.rateOf(p);
  }

  async accounts(): Promise<string[]> {
    const { fx } = this;
    return [...fx.farmers.map((f) => f.address), fx.liquidator.address];
  }

  // -------------------------------------------------------------- helpers

  usd(symbol: string, amount: bigint): bigint {
    return (amount * this.prices[symbol]) / 10n ** BigInt(DECIMALS[symbol]);
  }
  units(symbol: string, usd: number, odd = 0): bigint {
    const whole = (BigInt(Math.round(usd * 1e6)) * 10n ** BigInt(DECIMALS[symbol]) * WAD) / (this.prices[symbol] * 1_000_000n);
    return whole + BigInt(odd) * (DECIMALS[symbol] === 18 ? 10n ** 6n : 1n);
  }

  private key(v: number, id: bigint) {
    return `${v}:${id}`;
  }

  live(v: number): Mirror[] {
    return [...this.mirror.values()].filter((m) => m.v === v && m.lpShares > 0n);
  }
  any(v: number): Mirror[] {
    return [...this.mirror.values()].filter((m) => m.v === v);
  }

  signerOf(address: string): Signer {
    const { fx } = this;
    const found = [...fx.farmers, fx.liquidator].find((s) => s.address.toLowerCase() === address.toLowerCase());
    if (!found) fail(`position owner ${address} is not a test account`);
    return found;
  }

  /** Every transaction (mined, reverted or not) and every time jump counts: a cached read is of the same state
   *  only while the count stands still. */
  txCount = 0;
  stateAt: number[] = [-1, -1];
  pairTokens = new Map<string, [string, string]>();

  risk: any[] = [];
  /** Oracle moves per vault: a mirror read before the latest move is re-based (the change booked as the market's). */
  epoch = [0, 0];

  async batch(calls: Array<[string, string]>): Promise<string[]> {
    return this.fx.reader.read(calls.map((c) => c[0]), calls.map((c) => c[1]));
  }

  /** The vault's totals, the pair, the vault's debt shares at both pools and its stake in the farm: one call. */
  async fresh(v: number) {
    if (this.stateAt[v] === this.txCount) return;
    const side = this.sides[v];
    const vi = side.vault.interface;
    const pi = side.pools[0].interface;
    const [farmAddress, poolAddress0, poolAddress1] = [await side.farm.getAddress(), await side.pools[0].getAddress(), await side.pools[1].getAddress()];
    const r = await this.batch([
      [side.address, vi.encodeFunctionData("totals")],
      [side.address, vi.encodeFunctionData("lastPositionId")],
      [side.address, vi.encodeFunctionData("pendingRewards")],
      [side.pairAddress, side.pair.interface.encodeFunctionData("getReserves")],
      [side.pairAddress, side.pair.interface.encodeFunctionData("totalSupply")],
      [poolAddress0, pi.encodeFunctionData("borrowerAccount", [side.address])],
      [poolAddress1, pi.encodeFunctionData("borrowerAccount", [side.address])],
      [farmAddress, side.farm.interface.encodeFunctionData("balanceOf", [side.address])],
    ]);
    const [reserve0, reserve1, pairTotalSupply] = [word(r[3], 0), word(r[3], 1), word(r[4], 0)];
    const [p0, p1] = [this.prices[side.symbols[0]], this.prices[side.symbols[1]]];
    const lpPriceWad = fairLpPriceWad(reserve0, reserve1, pairTotalSupply, p0, p1, side.decimals[0], side.decimals[1]);
    this.vaultState[v] = {
      totalLp: word(r[0], 0),
      totalLpShares: word(r[0], 1),
      lastPositionId: word(r[1], 0),
      pendingRewards: word(r[2], 0),
      reserve0,
      reserve1,
      pairTotalSupply,
      lpPriceWad,
      rewardPriceWad: this.prices.FLUX,
      debtShares0: word(r[5], 0),
      debtShares1: word(r[6], 0),
      farmStaked: word(r[7], 0),
      risk: this.risk[v],
    };
    this.stateAt[v] = this.txCount;
  }

  async readVaultStates() {
    await this.fresh(0);
    await this.fresh(1);
  }

  /** Value per LP share (x1e18, USD): staked LP at the fair price plus uncompounded rewards at the oracle price. */
  vpsOf(state: any): bigint {
    const shares = BigInt(state.totalLpShares);
    if (shares === 0n) return 0n;
    const value = (BigInt(state.totalLp) * BigInt(state.lpPriceWad)) / WAD + (BigInt(state.pendingRewards) * BigInt(state.rewardPriceWad)) / WAD;
    return (value * WAD) / shares;
  }

  /** What a position is worth to its owner: its equity (debt is non-recourse, so never below zero: an underwater
   *  position's shortfall is the pools' bad debt, not the owner's) plus its uncompounded rewards. */
  worthOf(view: any): bigint {
    return BigInt(view.equityWad) + (BigInt(view.pendingReward) * this.prices.FLUX) / WAD;
  }

  /** Reads positions `ids` of vault `v` through the lens (record, view and the owner's claimable reward). */
  async entries(v: number, ids: bigint[], owners: string[] = []): Promise<any[]> {
    if (ids.length === 0) return [];
    const side = this.sides[v];
    const vi = side.vault.interface;
    const out: any[] = [];
    for (let start = 0; start < ids.length; start += 80) {
      const chunk = ids.slice(start, start + 80);
      const calls: Array<[string, string]> = [];
      for (const [i, id] of chunk.entries()) {
        const owner = owners[start + i] ?? this.mirror.get(this.key(v, id))?.owner;
        if (!owner) fail(`no owner known for position ${v}:${id}`);
        calls.push([side.address, vi.encodeFunctionData("positions", [id])]);
        calls.push([side.address, vi.encodeFunctionData("positionView", [id])]);
        calls.push([side.address, vi.encodeFunctionData("claimable", [this.addressOf.FLUX, owner])]);
      }
      const r = await this.batch(calls);
      for (let i = 0; i < chunk.length; i++) {
        const [record, view, claim] = [r[3 * i], r[3 * i + 1], r[3 * i + 2]];
        out.push({
          valued: true,
          record: { owner: ethers.getAddress("0x" + record.slice(26, 66)), lpShares: word(record, 1), debtShares0: word(record, 2), debtShares1: word(record, 3) },
          view_: {
            positionId: word(view, 0),
            lpShares: word(view, 2),
            lpAmount: word(view, 3),
            pendingReward: word(view, 4),
            debt0: word(view, 5),
            debt1: word(view, 6),
            valueWad: word(view, 7),
            debtValueWad: word(view, 8),
            equityWad: word(view, 9),
            debtRatioBps: word(view, 10),
            liquidatable: word(view, 11) === 1n,
          },
          claimableReward: word(claim, 0),
        });
      }
    }
    return out;
  }

  /** Records what was read as the mirror of a position. */
  setMirror(v: number, id: bigint, entry: any) {
    if (!entry.valued) fail(`position ${v}:${id} could not be valued by the lens`);
    const view = entry.view_;
    this.mirror.set(this.key(v, id), {
      v,
      id,
      owner: entry.record.owner,
      lpShares: BigInt(entry.record.lpShares),
      ds0: BigInt(entry.record.debtShares0),
      ds1: BigInt(entry.record.debtShares1),
      worth: this.worthOf(view),
      vps: this.vpsOf(this.vaultState[v]),
      liquidatable: view.liquidatable,
      debtRatioBps: BigInt(view.debtRatioBps),
      epoch: this.epoch[v],
    });
  }

  /** (d), yield part: a position's worth changed since it was last read only by time, fees, rewards, harvests and
   *  donations (nobody acted on it and no price moved). It may grow by at most its LP shares' part of the growth of
   *  the vault's value per share; interest only lowers it. */
  yieldCheck(v: number, id: bigint, entry: any, label: string) {
    const m = this.mirror.get(this.key(v, id));
    if (!m) return;
    const lpShares = BigInt(entry.record.lpShares);
    if (m.epoch !== this.epoch[v]) {
      // Read before an oracle move: what changed since is the market's (and the yield's) doing, booked unbounded.
      this.ledger.get(m.owner)!.market += this.worthOf(entry.view_) - m.worth;
      if (lpShares !== m.lpShares || BigInt(entry.record.debtShares0) !== m.ds0 || BigInt(entry.record.debtShares1) !== m.ds1) {
        fail(`${label}: position ${v}:${id} changed behind the model's back: ${m.lpShares}/${m.ds0}/${m.ds1} -> ${lpShares}/${entry.record.debtShares0}/${entry.record.debtShares1}`);
      }
      return;
    }
    if (lpShares !== m.lpShares || BigInt(entry.record.debtShares0) !== m.ds0 || BigInt(entry.record.debtShares1) !== m.ds1 || entry.record.owner !== m.owner) {
      fail(`${label}: position ${v}:${id} changed behind the model's back: ${m.lpShares}/${m.ds0}/${m.ds1} -> ${lpShares}/${entry.record.debtShares0}/${entry.record.debtShares1}`);
    }
    const now = this.worthOf(entry.view_);
    const vpsNow = this.vpsOf(this.vaultState[v]);
    const growth = vpsNow > m.vps ? (lpShares * (vpsNow - m.vps)) / WAD : 0n;
    const tolerance = 10n ** 13n + (now > 0n ? now / 1_000_000n : 0n); // rounding: fractions of a cent
    if (now - m.worth > growth + tolerance) {
      fail(`${label}: position ${v}:${id} gained ${fmt(now - m.worth)} USD with nobody acting on it, more than its share of the vault's yield ${fmt(growth)} (+${fmt(tolerance)})`);
    }
    const ledger = this.ledger.get(m.owner)!;
    ledger.yieldAllowance += growth;
    ledger.tolerance += tolerance;
  }

  /** Re-reads every position of both vaults: checks each against its mirror (yield bound) and refreshes it. */
  async refreshAll(label = "refresh", market = false, vaults = [0, 1], activeOnly = false) {
    for (const v of vaults) {
      await this.fresh(v);
      const last = BigInt(this.vaultState[v].lastPositionId);
      const ids: bigint[] = [];
      for (let id = 1n; id <= last; id++) {
        const m = this.mirror.get(this.key(v, id));
        if (!activeOnly || !m || m.lpShares > 0n || m.ds0 > 0n || m.ds1 > 0n) ids.push(id);
      }
      const entries = await this.entries(v, ids);
      for (const [i, entry] of entries.entries()) {
        const id = ids[i];
        const m = this.mirror.get(this.key(v, id));
        if (market && m) {
          // An oracle move: what the holdings gained or lost is the market's doing, booked but not bounded.
          const ledger = this.ledger.get(m.owner)!;
          ledger.market += this.worthOf(entry.view_) - m.worth;
        } else if (m) {
          this.yieldCheck(v, id, entry, label);
        }
        this.setMirror(v, id, entry);
      }
    }
  }

  /** Tokens the receipt moved to and from `account` (tracked tokens and the pairs' LP), in USD at oracle prices. */
  flows(receipt: TransactionReceipt | null, account: string): { inUsd: bigint; outUsd: bigint } {
    let inUsd = 0n;
    let outUsd = 0n;
    if (!receipt) return { inUsd, outUsd };
    const me = account.toLowerCase();
    for (const log of receipt.logs) {
      if (log.topics[0] !== TRANSFER || log.topics.length !== 3) continue;
      const from = ethers.getAddress("0x" + log.topics[1].slice(26)).toLowerCase();
      const to = ethers.getAddress("0x" + log.topics[2].slice(26)).toLowerCase();
      if (from !== me && to !== me) continue;
      const amount = BigInt(log.data);
      const token = log.address.toLowerCase();
      let value: bigint | null = null;
      const symbol = this.symbolOfAddress[token];
      if (symbol) value = this.usd(symbol, amount);
      for (const [v, side] of this.sides.entries()) {
        if (side.pairAddress.toLowerCase() === token) value = (amount * BigInt(this.vaultState[v].lpPriceWad)) / WAD;
      }
      if (value === null) continue; // fTokens and others: the pools' shares are booked as holdings
      if (from === me) inUsd += value;
      if (to === me) outUsd += value;
    }
    return { inUsd, outUsd };
  }

  async send(promise: Promise<any>): Promise<TransactionReceipt | null> {
    this.txCount += 1;
    try {
      const tx = await promise;
      return await tx.wait();
    } finally {
      this.txCount += 1;
    }
  }

  /** Brings a pair back to the oracle's price with one swap from the arbitrageur (fees make it land just short). */
  async arbitrage(pair: any) {
    const { arbitrageur } = this.fx;
    const [reserve0, reserve1] = await pair.getReserves();
    const [r0, r1] = [BigInt(reserve0), BigInt(reserve1)];
    const pairAddress = String(await pair.getAddress());
    if (!this.pairTokens.has(pairAddress)) this.pairTokens.set(pairAddress, [String(await pair.token0()).toLowerCase(), String(await pair.token1()).toLowerCase()]);
    const [a0, a1] = this.pairTokens.get(pairAddress)!;
    const [s0, s1] = [this.symbolOfAddress[a0], this.symbolOfAddress[a1]];
    const [p0, p1] = [this.prices[s0], this.prices[s1]];
    const [u0, u1] = [10n ** BigInt(DECIMALS[s0]), 10n ** BigInt(DECIMALS[s1])];
    const target0 = sqrt((r0 * r1 * p1 * u0) / (p0 * u1));
    const swapper = pair.connect(arbitrageur);
    const token = (s: string) => (this.fx.tokens as any)[s].connect(arbitrageur);
    if (target0 > r0) {
      const amountIn = target0 - r0;
      const out = getAmountOut(amountIn, r0, r1);
      if (out === 0n) return;
      await this.send(token(s0).transfer(await pair.getAddress(), amountIn, GAS));
      await this.send(swapper.swap(0n, out, arbitrageur.address, "0x", GAS));
    } else {
      const target1 = (r0 * r1) / target0;
      if (target1 <= r1) return;
      const amountIn = target1 - r1;
      const out = getAmountOut(amountIn, r1, r0);
      if (out === 0n) return;
      await this.send(token(s1).transfer(await pair.getAddress(), amountIn, GAS));
      await this.send(swapper.swap(out, 0n, arbitrageur.address, "0x", GAS));
    }
  }

  /** The pair's spot price against the oracle's, in basis points. */
  async gapBps(v: number): Promise<bigint> {
    const side = this.sides[v];
    await this.fresh(v);
    const [reserve0, reserve1] = [this.vaultState[v].reserve0, this.vaultState[v].reserve1];
    const spot = (BigInt(reserve1) * 10n ** BigInt(18 - side.decimals[1]) * WAD) / (BigInt(reserve0) * 10n ** BigInt(18 - side.decimals[0]));
    const fair = (this.prices[side.symbols[0]] * WAD) / this.prices[side.symbols[1]];
    const gap = spot > fair ? spot - fair : fair - spot;
    return (gap * BPS) / fair;
  }

  /** Exits swap at the pair's price: an exit that finds the pair off the oracle by more than its fee would earn
   *  the arbitrage for itself. The market closes such a gap first, as it would between blocks. */
  async settleMarket(v: number) {
    if ((await this.gapBps(v)) > 30n) await this.arbitrage(this.sides[v].pair);
  }

  tolerance(valueWad: bigint): bigint {
    const abs = valueWad < 0n ? -valueWad : valueWad;
    return 10n ** 16n + abs / 20_000n; // a cent, plus 0.5 bp of the value at stake (LP burnt off the fair ratio)
  }

  /** (d), step part: an account acting on its own position (or pool shares) gains nothing at fixed prices: what it
   *  received plus the change of its holdings is at most what it paid, within the tolerance. */
  actorCheck(account: string, receipt: TransactionReceipt | null, holdingsDelta: bigint, stake: bigint, label: string, allowance = 0n) {
    const { inUsd, outUsd } = this.flows(receipt, account);
    const gain = outUsd - inUsd + holdingsDelta;
    const tolerance = this.tolerance(stake) + this.tolerance(inUsd + outUsd) - 10n ** 16n;
    if (gain > allowance + tolerance) {
      fail(`${label}: ${account} gained ${fmt(gain)} USD (out ${fmt(outUsd)}, in ${fmt(inUsd)}, holdings ${fmt(holdingsDelta)}), more than its allowance ${fmt(allowance)} + tolerance ${fmt(tolerance)}`);
    }
    const ledger = this.ledger.get(account);
    if (ledger) {
      ledger.inUsd += inUsd;
      ledger.outUsd += outUsd;
      ledger.tolerance += tolerance;
      ledger.bounty += allowance;
    }
  }

  /** Moves the vault's non-USDC token to `target` USD: the arbitrageur trades the pair there, then the feed follows.
   *  Positions are re-based lazily: the next read of each books its change as the market's. */
  async movePrice(v: number, target: number) {
    const { fx } = this;
    const side = this.sides[v];
    const symbol = side.symbols[side.moving];
    const answer = usdToFeedAnswer(target);
    const priceWad = answer * 10n ** 10n;
    await this.fresh(v);
    const [reserve0, reserve1] = [this.vaultState[v].reserve0, this.vaultState[v].reserve1];
    const p0 = side.moving === 0 ? priceWad : this.prices.USDC;
    const p1 = side.moving === 1 ? priceWad : this.prices.USDC;
    const targetWad = (p0 * WAD * 10n ** BigInt(side.decimals[1])) / (p1 * 10n ** BigInt(side.decimals[0]));
    const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
    const [rIn, rOut] = zeroForOne ? [reserve0, reserve1] : [reserve1, reserve0];
    const out = amountIn > 0n ? getAmountOut(amountIn, rIn, rOut) : 0n;
    // A move too small to buy a single base unit leaves the pair as it is (Uniswap refuses a swap that pays out
    // nothing: found by npm run fuzz, seed 766399414, session 9, a 0 bps move on a pair already at the target).
    if (out > 0n) {
      const { arbitrageur } = fx;
      await this.send((fx.tokens as any)[side.symbols[zeroForOne ? 0 : 1]].connect(arbitrageur).transfer(side.pairAddress, amountIn, GAS));
      await this.send(side.pair.connect(arbitrageur).swap(zeroForOne ? 0n : out, zeroForOne ? out : 0n, arbitrageur.address, "0x", GAS));
    }
    await this.send((fx.farming.feeds as any)[symbol].setAnswer(answer, GAS));
    this.prices[symbol] = priceWad;
    this.epoch[v] += 1;
  }

  // -------------------------------------------------------------- the step

  async step(op: Op): Promise<string> {
    this.stats.ops += 1;
    this.trace.push(JSON.stringify(op));
    const t0 = Date.now();
    const outcome = await this.apply(op);
    const t1 = Date.now();
    const byKind = (this.stats.outcomes[op.k] ??= {});
    byKind[outcome] = (byKind[outcome] ?? 0) + 1;
    // The vault the step acted on; steps on pools, time and the market alternate between the vaults.
    await this.cheapCheck(`after ${JSON.stringify(op)} (${outcome})`, ["v" in op ? op.v : this.stats.ops % 2]);
    const timing = (this.timings[op.k] ??= [0, 0, 0]);
    timing[0] += 1;
    timing[1] += t1 - t0;
    timing[2] += Date.now() - t1;
    return outcome;
  }

  private async apply(op: Op): Promise<string> {
    const { fx } = this;
    switch (op.k) {
      case "deposit":
      case "withdraw": {
        const pool = fx.poolList[op.pool];
        const lender = fx.lenders[op.lender];
        const symbol = ["USDC", "USDT", "WETH"][op.pool];
        const before = await pool.balanceOfUnderlying(lender.address);
        let receipt: TransactionReceipt | null;
        let amountIn = 0n;
        let amountOut = 0n;
        try {
          if (op.k === "deposit") {
            amountIn = this.units(symbol, op.usd);
            const wallet = BigInt(await fx.poolTokens[op.pool].balanceOf(lender.address));
            if (amountIn > wallet) amountIn = wallet / 2n;
            receipt = await this.send(pool.connect(lender).deposit(amountIn, lender.address, GAS));
          } else {
            const shares = ((await pool.balanceOf(lender.address)) * BigInt(op.bps)) / BPS;
            if (shares === 0n) return "skip";
            receipt = await this.send(pool.connect(lender).redeem(shares, lender.address, lender.address, GAS));
            for (const log of receipt!.logs) {
              try {
                const parsed = pool.interface.parseLog(log);
                if (parsed?.name === "Withdraw") amountOut = parsed.args.assets;
              } catch {
                /* other contracts' logs */
              }
            }
          }
        } catch (error) {
          return allowedRefusal(error, op.k === "deposit" ? ["ZeroShares"] : []);
        }
        const after = await pool.balanceOfUnderlying(lender.address);
        // In the pool's own token: a lender's deposit or withdrawal never makes it richer (rounding favours the pool).
        // Interest of the second between the read and the transaction is the lender's (at most 150% a year).
        const interest = before / 10_000_000n + 2n;
        if (amountOut - amountIn + after - before > interest) fail(`lender ${op.lender} gained ${amountOut - amountIn + after - before} base units of ${symbol} on ${op.k}`);
        const key = `${op.pool}:${op.lender}`;
        this.lenderPrincipal.set(key, (this.lenderPrincipal.get(key) ?? 0n) + amountIn - amountOut);
        return "ok";
      }
      case "open": {
        const side = this.sides[op.v];
        const farmer = fx.farmers[op.farmer];
        const maxLev = op.v === 0 ? 10 : 3;
        const leverage = 1 + ((maxLev - 1) * op.lev) / 100;
        const supplyUsd = op.usd;
        const borrowUsd = supplyUsd * (leverage - 1);
        const amount = [0n, 0n];
        const borrow = [0n, 0n];
        if (op.side === 2) {
          amount[0] = this.units(side.symbols[0], supplyUsd / 2, op.odd);
          amount[1] = this.units(side.symbols[1], supplyUsd / 2, op.odd);
        } else amount[op.side] = this.units(side.symbols[op.side], supplyUsd, op.odd);
        const collateralSide = op.side === 2 ? 0 : op.side;
        if (op.borrow === 0) borrow[1 - collateralSide] = this.units(side.symbols[1 - collateralSide], borrowUsd);
        else if (op.borrow === 1) borrow[collateralSide] = this.units(side.symbols[collateralSide], borrowUsd);
        else if (op.borrow === 2) {
          borrow[0] = this.units(side.symbols[0], borrowUsd / 2);
          borrow[1] = this.units(side.symbols[1], borrowUsd / 2);
        }
        await this.settleMarket(op.v);
        await this.fresh(op.v);
        // The first position in a vault no position holds shares of gets one share per LP and, by design, what
        // the vault still holds that nobody owns (LP left by rounding, rewards pending or donated since the last
        // position left): that windfall, valued here, is its allowance, and nothing more.
        const pre = this.vaultState[op.v];
        const windfall = pre.totalLpShares === 0n ? (BigInt(pre.totalLp) * BigInt(pre.lpPriceWad)) / WAD + this.usd("FLUX", BigInt(pre.pendingRewards)) : 0n;
        if (windfall > 10n ** 16n) this.stats.windfalls += 1;
        let receipt: TransactionReceipt | null;
        try {
          receipt = await this.send(
            side.vault.connect(farmer).open({ amount0: amount[0], amount1: amount[1], borrow0: borrow[0], borrow1: borrow[1], minLp: 0n, minShares: 0n, deadline: FAR_FUTURE }, GAS),
          );
        } catch (error) {
          return allowedRefusal(error);
        }
        await this.fresh(op.v);
        const id = BigInt(this.vaultState[op.v].lastPositionId);
        const [entry] = await this.entries(op.v, [id], [farmer.address]);
        this.setMirror(op.v, id, entry);
        const stake = BigInt(entry.view_.valueWad);
        this.actorCheck(farmer.address, receipt, this.worthOf(entry.view_), stake, `open ${op.v}:${id}`, windfall);
        return "ok";
      }
      case "increase":
      case "repay":
      case "close": {
        const candidates = op.k === "close" ? this.live(op.v) : this.any(op.v);
        if (candidates.length === 0) return "skip";
        const target = candidates[op.pick % candidates.length];
        const side = this.sides[op.v];
        const owner = this.signerOf(target.owner);
        if (op.k !== "repay") await this.settleMarket(op.v);
        await this.fresh(op.v);
        const [before] = await this.entries(op.v, [target.id]);
        // Adding to a closed position in a vault nobody holds shares of reopens it as the first position: the same
        // windfall as an open's (see there).
        const pre = this.vaultState[op.v];
        const windfall = op.k === "increase" && BigInt(pre.totalLpShares) === 0n ? (BigInt(pre.totalLp) * BigInt(pre.lpPriceWad)) / WAD + this.usd("FLUX", BigInt(pre.pendingRewards)) : 0n;
        if (windfall > 10n ** 16n) this.stats.windfalls += 1;
        this.yieldCheck(op.v, target.id, before, `before ${op.k}`);
        this.setMirror(op.v, target.id, before);
        let receipt: TransactionReceipt | null;
        try {
          if (op.k === "increase") {
            const borrow = [0n, 0n];
            borrow[op.borrowSide] = this.units(side.symbols[op.borrowSide], op.borrowUsd);
            receipt = await this.send(
              side.vault.connect(owner).increase(
                target.id,
                { amount0: this.units(side.symbols[0], op.usd0), amount1: this.units(side.symbols[1], op.usd1), borrow0: borrow[0], borrow1: borrow[1], minLp: 0n, minShares: 0n, deadline: FAR_FUTURE },
                GAS,
              ),
            );
          } else if (op.k === "repay") {
            const view = before.view_;
            const amount0 = op.full ? ethers.MaxUint256 : (BigInt(view.debt0) * BigInt(op.bps0)) / BPS;
            const amount1 = op.full ? ethers.MaxUint256 : (BigInt(view.debt1) * BigInt(op.bps1)) / BPS;
            receipt = await this.send(side.vault.connect(owner).repayDebt(target.id, amount0, amount1, GAS));
          } else {
            receipt = await this.send(
              side.vault.connect(owner).close({ positionId: target.id, fractionBps: op.bps, receiveAs: op.receiveAs, minAmount0: 0n, minAmount1: 0n, deadline: FAR_FUTURE }, GAS),
            );
          }
        } catch (error) {
          return allowedRefusal(error);
        }
        await this.fresh(op.v);
        const [after] = await this.entries(op.v, [target.id]);
        if (op.k === "close") {
          // Partial close: the debt part rounds up, the LP part down, so the position keeps no less debt than its share.
          const m = this.mirror.get(this.key(op.v, target.id))!;
          const left = BigInt(after.record.lpShares);
          if (op.bps === 10_000 && (left !== 0n || BigInt(after.record.debtShares0) !== 0n || BigInt(after.record.debtShares1) !== 0n)) {
            fail(`full close of ${op.v}:${target.id} left ${left} LP shares and debt ${after.record.debtShares0}/${after.record.debtShares1}`);
          }
          for (const [kept, had] of [
            [BigInt(after.record.debtShares0), m.ds0],
            [BigInt(after.record.debtShares1), m.ds1],
          ]) {
            // kept / had <= left / lpShares  <=>  kept * lpShares <= left * had (no more debt than LP goes away)
            if (m.lpShares > 0n && kept * m.lpShares > left * had + m.lpShares) fail(`close of ${op.v}:${target.id}: kept debt shares ${kept} of ${had} but LP shares ${left} of ${m.lpShares}`);
          }
        }
        const holdingsDelta = this.worthOf(after.view_) - this.worthOf(before.view_) + this.usd("FLUX", BigInt(after.claimableReward) - BigInt(before.claimableReward));
        this.setMirror(op.v, target.id, after);
        this.actorCheck(target.owner, receipt, holdingsDelta, BigInt(before.view_.valueWad) + BigInt(after.view_.valueWad), `${op.k} ${op.v}:${target.id}`, windfall);
        return "ok";
      }
      case "foreignRepay": {
        const candidates = this.any(op.v).filter((m) => (op.side === 0 ? m.ds0 : m.ds1) > 0n);
        if (candidates.length === 0) return "skip";
        const side = this.sides[op.v];
        const pool = side.pools[op.side];
        const vaultAddress = side.address;
        const before = await pool.borrowerAccount(vaultAddress);
        const cashBefore = await pool.cash();
        try {
          if (op.byShares) await this.send(pool.connect(fx.attacker).repayShares(vaultAddress, 1n, GAS));
          else await this.send(pool.connect(fx.attacker).repay(vaultAddress, ethers.MaxUint256, GAS));
        } catch (error) {
          const name = allowedRefusal(error, ["NotBorrower"]);
          if (name !== "NotBorrower") fail(`a stranger's repayment for the vault was refused with ${name}, not NotBorrower`);
          const after = await pool.borrowerAccount(vaultAddress);
          if (after.borrowShares !== before.borrowShares || (await pool.cash()) !== cashBefore) fail("a refused third-party repayment changed the pool's books");
          return "NotBorrower";
        }
        fail(`a stranger repaid the vault's debt at pool ${op.side} of vault ${op.v}: the pool must refuse (NotBorrower)`);
      }
      case "harvest":
      case "harvestRepeat": {
        const side = this.sides[op.v];
        const vaultAddress = await side.vault.getAddress();
        const balances = () => Promise.all(side.symbols.map((symbol) => (fx.tokens as any)[symbol].balanceOf(vaultAddress) as Promise<bigint>));
        const before = await balances();
        if (op.k === "harvestRepeat") {
          if (!this.harvestRepeater) this.harvestRepeater = await (await ethers.getContractFactory("HarvestRepeater", fx.attacker)).deploy(GAS);
          const receipt = await this.send(this.harvestRepeater.harvestMany(vaultAddress, op.calls, 0n, GAS));
          const sold = (receipt?.logs ?? []).filter((log: any) => log.address.toLowerCase() === vaultAddress.toLowerCase())
            .map((log: any) => { try { return side.vault.interface.parseLog(log)?.name; } catch { return undefined; } })
            .filter((name: string | undefined) => name === "Harvested").length;
          // The sale is judged against the feeds and the TWAP, and never walks the reward pair's spot more than 0.25%
          // below them: after the first, a call in the same block finds next to nothing to sell.
          if (sold > 3) fail(`${op.calls} harvests of vault ${op.v} in one transaction sold ${sold} times`);
        } else {
          try {
            await this.send(side.vault.connect(fx.carol).harvest(0n, GAS));
          } catch (error) {
            return allowedRefusal(error);
          }
        }
        // A harvest whose zap would mint zero LP (the pair refuses that) keeps its sale's dust in the vault rather
        // than reverting; only dust may stay, and it is counted with what the vault holds beyond its claims.
        const after = await balances();
        for (const [i, symbol] of side.symbols.entries()) {
          const kept = after[i] - before[i];
          if (kept === 0n) continue;
          if (kept < 0n || kept > HARVEST_DUST_UNITS) throw new Error(`harvest of vault ${op.v} kept ${kept} ${symbol} (more than dust, or took some)`);
          this.donatedToVault[op.v][symbol] = (this.donatedToVault[op.v][symbol] ?? 0n) + kept;
        }
        return after.some((balance, i) => balance !== before[i]) ? "dust" : "ok";
      }
      case "wait": {
        await time.increase(op.hours * 3_600);
        for (const [symbol, feed] of Object.entries(fx.farming.feeds)) await this.send((feed as any).setAnswer(this.prices[symbol] / 10n ** 10n, GAS));
        return "ok";
      }
      case "donate": {
        const side = this.sides[op.v];
        const { deployer } = fx;
        const symbol = side.symbols[op.side];
        const amount = this.units(symbol, op.usd);
        const token = (fx.tokens as any)[symbol].connect(deployer);
        switch (op.what) {
          case 0: {
            // tokens to a pool: not cash, so nobody's claim changes
            await this.send(token.transfer(await side.pools[op.side].getAddress(), amount, GAS));
            this.donatedToPool[side.poolIdx[op.side]] += amount;
            return "pool";
          }
          case 1: {
            await this.send(token.transfer(side.address, amount, GAS));
            this.donatedToVault[op.v][symbol] = (this.donatedToVault[op.v][symbol] ?? 0n) + amount;
            return "vaultToken";
          }
          case 2: {
            // LP to the vault, unstaked: the vault's books count only what it staked
            const { arbitrageur } = fx;
            await this.send((fx.tokens as any)[side.symbols[0]].connect(arbitrageur).transfer(side.pairAddress, this.units(side.symbols[0], op.usd / 2), GAS));
            await this.send((fx.tokens as any)[side.symbols[1]].connect(arbitrageur).transfer(side.pairAddress, this.units(side.symbols[1], op.usd / 2), GAS));
            await this.send(side.pair.connect(arbitrageur).mint(arbitrageur.address, GAS));
            const give = BigInt(await side.pair.balanceOf(arbitrageur.address));
            if (give > 0n) await this.send(side.pair.connect(arbitrageur).transfer(side.address, give, GAS));
            this.donatedToVault[op.v].LP = (this.donatedToVault[op.v].LP ?? 0n) + give;
            return "vaultLp";
          }
          case 3: {
            // FLUX to the vault: it is reward the positions share
            await this.send(fx.tokens.FLUX.connect(deployer).transfer(side.address, this.units("FLUX", op.usd), GAS));
            return "vaultFlux";
          }
          case 4: {
            await this.send(token.transfer(side.pairAddress, amount / 20n + 1n, GAS));
            await this.send(side.pair.connect(deployer).sync(GAS));
            return "pair";
          }
          default: {
            // FLUX rewards for the farm, through its rewards distribution (the deployer)
            const reward = this.units("FLUX", op.usd * 5);
            await this.send(fx.tokens.FLUX.connect(deployer).transfer(await side.farm.getAddress(), reward, GAS));
            try {
              await this.send(side.farm.connect(deployer).notifyRewardAmount(reward, GAS));
            } catch (error) {
              if (/Provided reward too high/.test(String((error as Error).message))) return "farmTooHigh";
              throw error;
            }
            return "farm";
          }
        }
      }
      case "price": {
        const side = this.sides[op.v];
        const current = Number(this.prices[side.symbols[side.moving]]) / 1e18;
        let target = current * (1 + op.moveBps / 10_000);
        // Mean-reverting inside the band, so prices wander but stay plausible.
        if (target < side.band[0] || target > side.band[1]) target = current * (1 - op.moveBps / 10_000);
        await this.movePrice(op.v, Math.min(Math.max(target, side.band[0]), side.band[1]));
        return "ok";
      }
      case "squeeze": {
        // The market moves against the most indebted position of the vault, in steps, until it is past the kill
        // factor (at most three steps): liquidations need positions to liquidate.
        const live = this.live(op.v);
        if (live.length === 0) return "skip";
        const target = live.reduce((a, b) => (b.debtRatioBps > a.debtRatioBps ? b : a));
        const side = this.sides[op.v];
        for (let stepIndex = 0; stepIndex < 3; stepIndex++) {
          await this.fresh(op.v);
          const [entry] = await this.entries(op.v, [target.id]);
          if (entry.view_.liquidatable) return stepIndex === 0 ? "already" : "ok";
          const view = entry.view_;
          const owedMoving = this.usd(side.symbols[side.moving], BigInt(side.moving === 0 ? view.debt0 : view.debt1));
          const up = owedMoving * 2n > BigInt(view.valueWad); // short the moving token: its rise hurts
          const current = Number(this.prices[side.symbols[side.moving]]) / 1e18;
          const next = current * (1 + ((up ? 1 : -1) * op.stepBps) / 10_000);
          const [low, high] = [side.band[0] * 0.6, side.band[1] * 1.5];
          if (next < low || next > high) return "limit";
          await this.movePrice(op.v, next);
        }
        return "ok";
      }
      case "arb": {
        for (const side of this.sides) await this.arbitrage(side.pair);
        await this.arbitrage(fx.farming.fluxPair);
        return "ok";
      }
      case "claim": {
        const farmer = fx.farmers[op.farmer];
        const side = this.sides[op.v];
        const amount = BigInt(await side.vault.claimable(this.addressOf.FLUX, farmer.address));
        let receipt: TransactionReceipt | null;
        try {
          receipt = await this.send(side.vault.connect(farmer).claim(this.addressOf.FLUX, farmer.address, GAS));
        } catch (error) {
          return allowedRefusal(error);
        }
        this.actorCheck(farmer.address, receipt, -this.usd("FLUX", amount), 0n, `claim ${op.v}`);
        return "ok";
      }
      case "liquidate":
        return this.liquidate(op);
    }
  }

  /** (e): a position the view calls healthy cannot be liquidated (PositionHealthy); one past the kill factor can. */
  private async liquidate(op: Extract<Op, { k: "liquidate" }>): Promise<string> {
    const { fx } = this;
    const live = this.live(op.v);
    if (live.length === 0) return "skip";
    const target = op.worst ? live.reduce((a, b) => (b.debtRatioBps > a.debtRatioBps ? b : a)) : live[op.pick % live.length];
    const side = this.sides[op.v];
    await this.settleMarket(op.v);
    await this.fresh(op.v);
    const [before] = await this.entries(op.v, [target.id]);
    this.yieldCheck(op.v, target.id, before, "before liquidation");
    this.setMirror(op.v, target.id, before);
    const view = before.view_;
    const kill = BigInt(this.vaultState[op.v].risk.killFactorBps);
    const debtValue = BigInt(view.debtValueWad);
    const value = BigInt(view.valueWad);
    // The transaction runs one second later than the view: interest of that second (under 1e-7 of the debt at
    // any rate the models allow) could carry a position sitting on the kill factor across it.
    const onTheEdge = (debtValue * BPS <= value * kill) !== ((debtValue + debtValue / 10_000_000n + 1n) * BPS <= value * kill);
    const claims = async () => [
      BigInt(await side.vault.claimable(this.addressOf[side.symbols[0]], target.owner)),
      BigInt(await side.vault.claimable(this.addressOf[side.symbols[1]], target.owner)),
    ];
    const claimsBefore = await claims();
    const liquidator = fx.liquidator;
    // By the empty-wallet liquidator through the FlashLiquidator (liquidateWithCallback), proceeds to `liquidator`.
    const flash = op.flash === true;
    const attempt = async (withRepayment: boolean, viaFlash = false) =>
      this.send(
        viaFlash
          ? fx.flash.connect(fx.emptyLiquidator).liquidate(side.vault.target, target.id, liquidator.address, 0n, 0n, GAS)
          : withRepayment
            ? side.vault.connect(liquidator).liquidateWithRepayment(target.id, GAS)
            : side.vault.connect(liquidator).liquidate(target.id, GAS),
      );
    let receipt: TransactionReceipt | null = null;
    let refusal: string | null = null;
    try {
      receipt = await attempt(op.withRepayment, flash);
    } catch (error) {
      // The FlashLiquidator's one refusal: burning and swapping cannot pay (the pair too far from the oracle).
      refusal = allowedRefusal(error, flash ? ["CannotRepay"] : []);
    }
    if (!view.liquidatable) {
      if (refusal === null && !onTheEdge) fail(`position ${op.v}:${target.id} was liquidated while its view said healthy (debt ratio ${view.debtRatioBps} bps, kill ${kill})`);
      if (refusal !== null && refusal !== "PositionHealthy") fail(`liquidating healthy ${op.v}:${target.id} was refused with ${refusal}, not PositionHealthy`);
      if (refusal === "PositionHealthy") {
        this.stats.healthyRefusals += 1;
        return "PositionHealthy";
      }
    } else if (refusal !== null) {
      // Past the kill factor: liquidate() may refuse (the pair's swap outside the oracle bound, proceeds short of
      // the debt, or an underwater position that must be liquidated by repayment), but a funded liquidator taking
      // the other side at the oracle price must always get through.
      // Through the FlashLiquidator, the vault itself never refuses one past the kill factor.
      if (flash ? refusal !== "CannotRepay" : op.withRepayment || !["SwapOutsideOracleBound", "InsufficientProceeds", "UnderwaterNeedsRepayment"].includes(refusal)) {
        fail(`position ${op.v}:${target.id} past the kill factor (debt ratio ${view.debtRatioBps} > ${kill}) could not be liquidated: ${refusal}`);
      }
      try {
        receipt = await attempt(true);
      } catch (error) {
        fail(`position ${op.v}:${target.id} past the kill factor: liquidate refused (${refusal}) and liquidateWithRepayment too: ${String((error as Error).message).slice(0, 300)}`);
      }
    }
    this.stats.liquidations += 1;
    await this.fresh(op.v);
    const [after] = await this.entries(op.v, [target.id]);
    this.setMirror(op.v, target.id, after);
    // The liquidator's allowance: the bounty on the value unwound and the pools' incentive for clearing bad debt.
    let allowance = 0n;
    for (const log of receipt!.logs) {
      for (const contract of [side.vault, side.pools[0], side.pools[1]]) {
        try {
          const parsed = contract.interface.parseLog(log);
          if (parsed?.name === "PositionLiquidated") {
            const outcome = parsed.args.outcome;
            const unwound = (BigInt(outcome.lpRemoved) * BigInt(this.vaultState[op.v].lpPriceWad)) / WAD;
            allowance += (unwound * BigInt(this.vaultState[op.v].risk.liquidationBountyBps)) / BPS;
            // By callback, an underwater position's LP is sold for its value less the swap allowance.
            if (flash && refusal === null) allowance += (unwound * BigInt(Math.ceil(Number(this.vaultState[op.v].risk.swapSlippageBps) / 2))) / BPS;
            allowance += this.usd(side.symbols[0], BigInt(outcome.incentive0)) + this.usd(side.symbols[1], BigInt(outcome.incentive1));
          }
          if (parsed?.name === "BadDebtWrittenOff" && log.address.toLowerCase() === (contract.target as string).toLowerCase()) {
            this.stats.badDebtEvents += 1;
            const p = log.address.toLowerCase() === (side.pools[0].target as string).toLowerCase() ? side.poolIdx[0] : side.poolIdx[1];
            this.lenderLossSince[p] += BigInt(parsed.args.lostByLenders);
          }
        } catch {
          /* not this contract's event */
        }
      }
    }
    this.actorCheck(liquidator.address, receipt, 0n, value, `liquidation of ${op.v}:${target.id}`, allowance);
    if (flash) {
      // Capital-free: neither the empty wallet nor the helper keeps a base unit of anything.
      for (const who of [fx.emptyLiquidator.address, fx.flash.target as string]) {
        for (const token of fx.poolTokens) {
          const held = BigInt(await token.balanceOf(who));
          if (held !== 0n) fail(`after the flash liquidation of ${op.v}:${target.id}, ${who} holds ${held} of ${token.target}`);
        }
      }
    }
    // The owner never gains by being liquidated: its position's worth plus what was kept for it to claim.
    const claimsAfter = await claims();
    const ownerDelta =
      this.worthOf(after.view_) -
      this.worthOf(before.view_) +
      this.usd("FLUX", BigInt(after.claimableReward) - BigInt(before.claimableReward)) +
      this.usd(side.symbols[0], claimsAfter[0] - claimsBefore[0]) +
      this.usd(side.symbols[1], claimsAfter[1] - claimsBefore[1]);
    const ownerTolerance = this.tolerance(value);
    if (ownerDelta > ownerTolerance) {
      fail(`liquidation of ${op.v}:${target.id} made its owner ${fmt(ownerDelta)} USD richer: worth ${fmt(this.worthOf(before.view_))} -> ${fmt(this.worthOf(after.view_))} (value ${fmt(BigInt(view.valueWad))}, debt ${fmt(debtValue)}), credited ${claimsAfter[0] - claimsBefore[0]} / ${claimsAfter[1] - claimsBefore[1]}, reward ${BigInt(after.claimableReward) - BigInt(before.claimableReward)}`);
    }
    const ledger = this.ledger.get(target.owner)!;
    ledger.outUsd += this.usd(side.symbols[0], claimsAfter[0] - claimsBefore[0]) + this.usd(side.symbols[1], claimsAfter[1] - claimsBefore[1]);
    ledger.tolerance += ownerTolerance;
    return receipt === null ? "none" : flash ? (refusal === null ? "liquidated-flash" : "liquidated-flash-fallback") : "liquidated";
  }

  // -------------------------------------------------------------- invariants

  /** After every step, from one lens read per vault: (b) debt shares, (c) LP shares and the farm's stake, and the
   *  pools' books (a, cheap part). */
  async cheapCheck(label: string, vaults: number[]) {
    this.stats.cheapChecks += 1;
    for (const v of vaults) {
      const side = this.sides[v];
      await this.fresh(v);
      const state = this.vaultState[v];
      const positions = this.any(v);
      if (BigInt(state.lastPositionId) !== BigInt(positions.length)) fail(`${label}: vault ${v} has ${state.lastPositionId} positions, the model ${positions.length}`);
      let [ds0, ds1, shares] = [0n, 0n, 0n];
      for (const m of positions) {
        ds0 += m.ds0;
        ds1 += m.ds1;
        shares += m.lpShares;
      }
      // (b) per pool, exactly in the pool's borrow shares
      for (const [i, sum] of [ds0, ds1].entries()) {
        const pool = i === 0 ? state.debtShares0 : state.debtShares1;
        if (pool !== sum) fail(`${label}: (b) vault ${v} ${side.symbols[i]}: the positions hold ${sum} debt shares, the pool's borrowShares of the vault are ${pool}`);
      }
      // (c)
      if (shares !== BigInt(state.totalLpShares)) fail(`${label}: (c) vault ${v}: the positions hold ${shares} LP shares, totalLpShares is ${state.totalLpShares}`);
      if (state.totalLp !== state.farmStaked) fail(`${label}: (c) vault ${v}: totalLp ${state.totalLp} but the farm holds ${state.farmStaked} for it`);
    }
  }

  /** Every few steps: each record read back against the model (and the yield bound on every position), the pools'
   *  lenders (a), the vault's loose balances, and each account's whole ledger (d). */
  async fullCheck(label: string) {
    const { fx } = this;
    this.stats.fullChecks += 1;
    await this.readVaultStates();
    await this.refreshAll(label);
    // One batched read of everything else.
    const calls: Array<[string, string]> = [];
    const at = (target: any, fn: string, args: unknown[] = []): number => {
      calls.push([target.target as string, target.interface.encodeFunctionData(fn, args)]);
      return calls.length - 1;
    };
    const owners = [...fx.farmers.map((f) => f.address), fx.liquidator.address];
    const poolReads = fx.poolList.map((pool, p) => ({
      cash: at(pool, "cash"),
      borrows: at(pool, "totalBorrows"),
      reserves: at(pool, "reserves"),
      supply: at(pool, "totalSupply"),
      rate: at(pool, "convertToAssets", [10n ** 24n]),
      balance: at(fx.poolTokens[p], "balanceOf", [pool.target]),
    }));
    const vaultReads = this.sides.map((side) => ({
      borrowShares: [at(side.pools[0], "borrowerAccount", [side.address]), at(side.pools[1], "borrowerAccount", [side.address])],
      claim: side.symbols.map((symbol) => owners.map((owner) => at(side.vault, "claimable", [this.addressOf[symbol], owner]))),
      balance: side.symbols.map((symbol) => at((fx.tokens as any)[symbol], "balanceOf", [side.address])),
      claimFlux: owners.map((owner) => at(side.vault, "claimable", [this.addressOf.FLUX, owner])),
      flux: at(fx.tokens.FLUX, "balanceOf", [side.address]),
      earned: at(side.farm, "earned", [side.address]),
      looseLp: at(side.pair, "balanceOf", [side.address]),
    }));
    const r = await this.batch(calls);
    const w = (i: number, j = 0) => word(r[i], j);
    for (const [p, reads] of poolReads.entries()) {
      const [cash, borrows, reserves, supply, balance, rate] = [w(reads.cash), w(reads.borrows), w(reads.reserves), w(reads.supply), w(reads.balance), w(reads.rate)];
      // (a) cash plus borrows cover what lenders can redeem plus the reserves; the pool holds its cash; and a share
      // is worth no less than before, except by the losses the pool recorded (BadDebtWrittenOff's lostByLenders).
      const redeemable = BigInt(await fx.poolList[p].convertToAssets(supply));
      if (cash + borrows < redeemable + reserves) fail(`${label}: (a) pool ${p}: cash ${cash} + borrows ${borrows} < redeemable ${redeemable} + reserves ${reserves}`);
      if (balance !== cash + this.donatedToPool[p]) fail(`${label}: (a) pool ${p} holds ${balance}, its cash is ${cash} (+ ${this.donatedToPool[p]} donated)`);
      const allowedDrop = supply === 0n ? 0n : (this.lenderLossSince[p] * 10n ** 24n) / supply + 1n;
      if (rate + allowedDrop < this.lastRate[p]) fail(`${label}: (a) pool ${p}: a lender share fell from ${this.lastRate[p]} to ${rate} with ${this.lenderLossSince[p]} of recorded losses`);
      this.lastRate[p] = rate;
      this.lenderLossSince[p] = 0n;
    }
    const claimableFlux = new Map<string, bigint>();
    for (const [v, reads] of vaultReads.entries()) {
      const side = this.sides[v];
      // (b) exactly, in the pools' borrow shares, after every record was read back.
      for (const i of [0, 1]) {
        const sum = this.any(v).reduce((total, m) => total + (i === 0 ? m.ds0 : m.ds1), 0n);
        if (sum !== w(reads.borrowShares[i])) fail(`${label}: (b) vault ${v} token ${i}: positions hold ${sum} debt shares, the pool ${w(reads.borrowShares[i])}`);
      }
      // The vault keeps tokens only for accounts to claim (and what was donated); LP only as donated; reward tokens
      // (its own and the farm's) at least for every claim.
      for (const [i, symbol] of side.symbols.entries()) {
        const claimable = reads.claim[i].reduce((total, index) => total + w(index), 0n);
        const donated = this.donatedToVault[v][symbol] ?? 0n;
        if (w(reads.balance[i]) !== claimable + donated) fail(`${label}: vault ${v} holds ${w(reads.balance[i])} ${symbol}, owes ${claimable} to claimants (+ ${donated} donated)`);
      }
      const fluxClaims = reads.claimFlux.reduce((total, index) => total + w(index), 0n);
      if (w(reads.flux) + w(reads.earned) < fluxClaims) fail(`${label}: vault ${v} holds ${w(reads.flux) + w(reads.earned)} FLUX (with the farm's) for ${fluxClaims} of claims`);
      if (w(reads.looseLp) !== (this.donatedToVault[v].LP ?? 0n)) fail(`${label}: vault ${v} holds ${w(reads.looseLp)} loose LP, ${this.donatedToVault[v].LP ?? 0n} donated`);
      for (const [j, owner] of owners.entries()) claimableFlux.set(owner, (claimableFlux.get(owner) ?? 0n) + w(reads.claimFlux[j]));
    }
    // (d) The whole ledger of each account: received plus held at most paid plus its yield, its liquidation
    // bounties, what the market moved its holdings by, and the tolerances of its steps.
    for (const [address, ledger] of this.ledger.entries()) {
      let holdings = this.usd("FLUX", claimableFlux.get(address) ?? 0n);
      for (const m of this.mirror.values()) if (m.owner === address) holdings += m.worth;
      const gain = ledger.outUsd + holdings - ledger.inUsd;
      const bound = ledger.yieldAllowance + ledger.market + ledger.bounty + ledger.tolerance;
      if (gain > bound) fail(`${label}: (d) ${address} got ${fmt(gain)} USD more than it brought; its yield, bounties and market moves only allow ${fmt(bound)}`);
    }
  }

  async rateOf(p: number): Promise<bigint> {
    return BigInt(await this.fx.poolList[p].convertToAssets(10n ** 24n));
  }
}

export function fmt(valueWad: bigint): string {
  return (Number(valueWad) / 1e18).toFixed(4);
}

/** Runs `ops` from the current chain state, checking the cheap invariants after every step and the expensive ones
 *  every `fullEvery` steps and at the end. */
export async function runSession(model: Model, ops: Op[], fullEvery = 50, onStep?: (index: number) => void) {
  for (const [index, op] of ops.entries()) {
    try {
      await model.step(op);
      if ((index + 1) % fullEvery === 0) await model.fullCheck(`full check after step ${index}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const wrapped = new InvariantViolation(`step ${index} ${JSON.stringify(op)}: ${message}`);
      (wrapped as any).stepIndex = index;
      throw wrapped;
    }
    onStep?.(index);
  }
  await model.fullCheck("final full check");
}

export { hre };

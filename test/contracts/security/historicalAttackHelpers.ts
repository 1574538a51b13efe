/**
 * Helpers for the historical-attack suite: the scripted attacker contract, reading what each scripted step did,
 * and measuring the attacker's wealth in USD at oracle prices (every token it may hold, claimables and open
 * positions included), the lenders' exchange rates and other farmers' positions.
 */
import hre, { ethers, upgrades } from "hardhat";
import type { BaseContract, ContractTransactionResponse, Interface, Signer } from "ethers";
import { STABLECOIN_RATE_MODEL } from "../../../lib/pools";
import { STABLE_VAULT_RISK } from "../../../lib/vaults";
import { deployPool } from "../../../scripts/lib/deployCorePools";
import { createPairWithLiquidity, deployFarm } from "../../../scripts/lib/deployUniswap";
import { vaultConstructorArgs } from "../../../scripts/lib/vaultImplementation";
import { fund } from "../vault/market";
import type { VaultFixture } from "../vault/fixtures";
import type { HistoricalAttacker, HookToken, LendingPool, StakingRewardsVault } from "../../../typechain-types";

export const WAD = 10n ** 18n;
export const FAR = 2n ** 40n;
export const ReceiveAs = { BothTokens: 0, Token0: 1, Token1: 2 } as const;
export const usd6 = (amount: number) => BigInt(Math.round(amount * 1e6));
export const e18 = (amount: number) => ethers.parseUnits(String(amount), 18);
/** USD WAD as a number of dollars, for printing. */
export const dollars = (wad: bigint) => Number(wad) / 1e18;

export interface Step {
  target: string;
  data: string;
  allowFailure: boolean;
}

/** One scripted step: `contract.fn(...args)` from the attacker contract. */
export async function step(contract: BaseContract, fn: string, args: unknown[], allowFailure = false): Promise<Step> {
  return { target: await contract.getAddress(), data: contract.interface.encodeFunctionData(fn, args), allowFailure };
}

export interface StepResult {
  step: number;
  target: string;
  ok: boolean;
  result: string;
}

/** The CallResult events of a transaction of the attacker contract, in order. */
export async function stepResults(attacker: HistoricalAttacker, tx: ContractTransactionResponse): Promise<StepResult[]> {
  const receipt = await tx.wait();
  const results: StepResult[] = [];
  const attackerAddress = (await attacker.getAddress()).toLowerCase();
  for (const log of receipt!.logs) {
    if (log.address.toLowerCase() !== attackerAddress) continue;
    const parsed = attacker.interface.parseLog(log);
    if (parsed?.name !== "CallResult") continue;
    results.push({ step: Number(parsed.args.step), target: parsed.args.target, ok: parsed.args.ok, result: parsed.args.result });
  }
  return results;
}

/** The name of the custom error (or revert string) in `data`, trying each interface. */
export function errorName(data: string, interfaces: Interface[]): string {
  if (data === "0x") return "empty revert";
  if (data.startsWith("0x08c379a0")) return `Error(${ethers.AbiCoder.defaultAbiCoder().decode(["string"], "0x" + data.slice(10))[0]})`;
  if (data.startsWith("0x4e487b71")) return `Panic(${ethers.AbiCoder.defaultAbiCoder().decode(["uint256"], "0x" + data.slice(10))[0]})`;
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return parsed.name;
    } catch {
      // not this interface's
    }
  }
  // The attacker's StepFailed(step, result) wraps a step's revert.
  return `unknown ${data.slice(0, 10)}`;
}

/** A HistoricalAttacker owned by the fixture's attacker, funded with what the deployer can mint or fetch. */
export async function deployAttacker(fixture: VaultFixture, funding: Partial<Record<"USDC" | "USDT" | "WETH" | "FLUX", bigint>> = {}) {
  const attacker = (await (await ethers.getContractFactory("HistoricalAttacker", fixture.attacker)).deploy()) as unknown as HistoricalAttacker;
  await attacker.waitForDeployment();
  const address = await attacker.getAddress();
  for (const [symbol, amount] of Object.entries(funding)) {
    if (!amount) continue;
    await fund(fixture, symbol, amount);
    await fixture.tokens[symbol as keyof VaultFixture["tokens"]].connect(fixture.deployer).transfer(address, amount);
  }
  return attacker;
}

export interface Extra {
  token: string;
  decimals: number;
}

/**
 * What `holders` are worth in USD WAD at oracle prices: every token balance (USDC, USDT, WETH, FLUX and `extra`),
 * everything the vaults keep for them to claim, and the equity plus pending rewards of every open position they own.
 * Native ETH (gas) is not counted: it only makes an attack costlier.
 */
export async function worthUsd(fixture: VaultFixture, holders: string[], extra: Extra[] = [], vaults: StakingRewardsVault[] = []): Promise<bigint> {
  const oracle = fixture.farming.oracle;
  const tokens: Extra[] = [
    { token: await fixture.tokens.USDC.getAddress(), decimals: 6 },
    { token: await fixture.tokens.USDT.getAddress(), decimals: 6 },
    { token: await fixture.tokens.WETH.getAddress(), decimals: 18 },
    { token: await fixture.tokens.FLUX.getAddress(), decimals: 18 },
    ...extra,
  ];
  const allVaults = [fixture.stable.vault, fixture.volatile.vault, ...vaults];
  const lower = holders.map((holder) => holder.toLowerCase());
  let total = 0n;
  for (const { token, decimals } of tokens) {
    const price = await oracle.priceOf(token);
    const erc20 = await ethers.getContractAt("IERC20", token);
    let amount = 0n;
    for (const holder of holders) {
      amount += await erc20.balanceOf(holder);
      for (const vault of allVaults) amount += await vault.claimable(token, holder);
    }
    total += (amount * price) / 10n ** BigInt(decimals);
  }
  const fluxPrice = await oracle.priceOf(await fixture.tokens.FLUX.getAddress());
  for (const vault of allVaults) {
    const last = await vault.lastPositionId();
    for (let id = 1n; id <= last; id++) {
      const position = await vault.positions(id);
      if (!lower.includes(position.owner.toLowerCase()) || position.lpShares === 0n) continue;
      const view = await vault.positionView(id);
      total += view.equityWad + (view.pendingReward * fluxPrice) / WAD;
    }
  }
  return total;
}

/** Every core pool's exchange rate (assets per 10**decimals shares): lenders are whole if none went down. */
export async function lenderRates(fixture: VaultFixture): Promise<Record<string, bigint>> {
  const rates: Record<string, bigint> = {};
  for (const [symbol, pool] of Object.entries(fixture.pools)) rates[symbol] = await pool.exchangeRate();
  return rates;
}

/** LP per share and value of the given positions (other farmers). */
export async function farmerState(vault: StakingRewardsVault, ids: bigint[]) {
  return Promise.all(
    ids.map(async (id) => {
      const view = await vault.positionView(id);
      return { id, lpAmount: view.lpAmount, valueWad: view.valueWad, pendingReward: view.pendingReward };
    }),
  );
}

/** The stack a hook token needs: a pool lending it, a pair with USDC, a feed, a farm and a vault. */
/** `farmReward` FLUX is paid to the hook pair's farm over 60 days (zero: no yield, so any profit is the attack's). */
export async function hookStack(fixture: VaultFixture, withVault: boolean, farmReward = 0n) {
  const { deployer, guardian, farming } = fixture;
  const hook = (await (await ethers.getContractFactory("HookToken", deployer)).deploy("Hook USD", "hUSD", 6)) as unknown as HookToken;
  await hook.waitForDeployment();
  const hookAddress = await hook.getAddress();
  const { pool } = await deployPool(
    hre,
    { address: hookAddress, symbol: "hUSD", decimals: 6, rateModel: STABLECOIN_RATE_MODEL },
    { owner: deployer.address, guardian: guardian.address },
  );
  const hookPool = pool as LendingPool;
  await hook.mint(deployer.address, usd6(5_000_000));
  await hook.approve(await hookPool.getAddress(), ethers.MaxUint256);
  await hookPool.deposit(usd6(1_000_000), deployer.address);
  const feed = await (await ethers.getContractFactory("SettableAggregator", deployer)).deploy(8, "hUSD / USD", 100_000_000n);
  await farming.oracle.connect(deployer).setFeed(hookAddress, await feed.getAddress(), 3 * 86_400);
  if (!withVault) return { hook, hookPool, feed };

  const usdc = await fixture.tokens.USDC.getAddress();
  await fund(fixture, "USDC", usd6(1_000_000));
  const pair = await createPairWithLiquidity(hre, farming.uniswap, deployer, hookAddress, usdc, usd6(1_000_000), usd6(1_000_000));
  if (farmReward > 0n) await fund(fixture, "FLUX", farmReward);
  const farm = await deployFarm(hre, deployer as Signer, await farming.flux.getAddress(), await pair.getAddress(), farmReward);
  const hookIsToken0 = (await pair.token0()).toLowerCase() === hookAddress.toLowerCase();
  const [pool0, pool1] = hookIsToken0 ? [hookPool, fixture.pools.USDC] : [fixture.pools.USDC, hookPool];
  const constructorArgs = await vaultConstructorArgs(hre, deployer, {
    pair: await pair.getAddress(),
    pool0: await pool0.getAddress(),
    pool1: await pool1.getAddress(),
    oracle: await farming.oracle.getAddress(),
    farm: await farm.getAddress(),
    rewardPair: await farming.fluxPair.getAddress(),
  });
  const vault = (await upgrades.deployProxy(
    await ethers.getContractFactory("StakingRewardsVault", deployer),
    [deployer.address, guardian.address, STABLE_VAULT_RISK, ethers.MaxUint256, ethers.MaxUint256],
    { kind: "uups", constructorArgs },
  )) as unknown as StakingRewardsVault;
  await vault.waitForDeployment();
  for (const p of [hookPool, fixture.pools.USDC]) await p.connect(deployer).setCreditLimit(await vault.getAddress(), ethers.MaxUint256 >> 129n);
  return { hook, hookPool, feed, pair, farm, vault, hookIsToken0 };
}

/** Strips the CBOR metadata and lists the opcodes actually in `code` (PUSH data skipped). */
export function opcodesOf(code: string): Set<number> {
  const bytes = ethers.getBytes(code);
  const metadataLength = bytes.length >= 2 ? (bytes[bytes.length - 2] << 8) + bytes[bytes.length - 1] + 2 : 0;
  const end = metadataLength < bytes.length ? bytes.length - metadataLength : bytes.length;
  const ops = new Set<number>();
  for (let i = 0; i < end; i++) {
    const op = bytes[i];
    ops.add(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return ops;
}

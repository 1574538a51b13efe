/**
 * The per-network deployment config: config/networks/<network>.json names what already exists on a chain (tokens
 * and their Chainlink feeds, the Uniswap V2-compatible factory and router, the farms and their reward token) and
 * how the protocol is set up there (rate models, vault risk parameters and debt caps, the timelock). scripts/deploy.ts
 * reads it; config/networks/polygon.example.json documents every field.
 *
 * The loader checks everything it can without a chain and names each bad field in words; the deploy script then
 * checks the addresses against the chain before it sends anything.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress, isAddress, parseUnits, ZeroAddress } from "ethers";
import { WAD, type KinkedRateParameters } from "./math";
import { DEFAULT_RESERVE_FACTOR_BPS, STABLECOIN_RATE_MODEL, VOLATILE_RATE_MODEL } from "./pools";
import { STABLE_VAULT_RISK, VOLATILE_VAULT_RISK, type RiskParameters } from "./vaults";

/** config/networks/ at the project root; FLUX_DEPLOY_CONFIG names one file instead (rehearsals, tests). */
export const NETWORK_CONFIG_DIRECTORY = path.resolve(process.cwd(), "config", "networks");

/** A token amount in whole tokens ("2500000", "0.5"), or no limit at all. */
export type TokenAmount = { unlimited: true } | { unlimited: false; wholeTokens: string };

export interface TokenConfig {
  symbol: string;
  address: string;
  /** When given, the deploy script checks the token's decimals() against it. */
  decimals?: number;
  /** A Chainlink AggregatorV3 feed quoting the token in USD. */
  feed: string;
  /** The oldest feed answer the oracle accepts: a little above the feed's heartbeat. */
  maxStalenessSeconds: number;
}

export interface PoolConfig {
  symbol: string;
  rateModel: KinkedRateParameters;
  reserveFactorBps: number;
  /** Paid from the insurance reserve to whoever liquidates an underwater position (whole tokens, per write-off). */
  liquidationIncentive: TokenAmount;
}

export interface VaultConfig {
  name: string;
  /** The existing Uniswap V2-compatible pair whose LP the vault farms. */
  pair: string;
  /** The existing StakingRewards-compatible farm staking that LP. */
  farm: string;
  risk: RiskParameters;
  /** The vault's own cap on its total debt in each of its two tokens, keyed by token symbol. */
  debtCaps: Record<string, TokenAmount>;
  /** Each pool's credit limit for the vault, keyed by token symbol; the debt cap when not given. */
  creditLimits: Record<string, TokenAmount>;
}

export interface TimelockConfig {
  /** Seconds every admin operation waits between schedule and execute. */
  minDelaySeconds: number;
  /** Who may schedule (and cancel) operations: a multisig, usually. */
  proposers: string[];
  /** Who may execute ready operations; the zero address lets anyone execute. */
  executors: string[];
  /** An optional admin who can grant timelock roles without delay; the zero address (the default) for none. */
  admin: string;
  /** How long the deploy script may wait for the delay to execute the ownership hand-over itself. */
  waitForExecutionSeconds: number;
}

/** The chain's gas token: not a vault token, but what the keeper pays gas in (ETH, POL, BNB). */
export interface NativeTokenConfig {
  symbol: string;
  /** A Chainlink AggregatorV3 feed quoting the gas token in USD. */
  feed: string;
  /** The oldest answer of that feed the preflight accepts; by default its wrapped token's limit (or 25 hours). */
  maxStalenessSeconds?: number;
  /**
   * A Uniswap V2 pair of the wrapped gas token with one of `tokens`, against which the preflight checks the gas
   * token's feed when no token under `tokens` is the wrapped gas token (WPOL-USDC on Polygon).
   */
  pair?: string;
}

/**
 * Chain ids of the L2s whose prices depend on a sequencer (Arbitrum One, Nova and Sepolia; OP Mainnet and Sepolia;
 * Base and Base Sepolia): a config for one must name the sequencer uptime feed, or the oracle would keep serving the
 * last prices from before a sequencer outage as if they were current.
 */
export const SEQUENCER_L2_CHAIN_IDS: Record<number, string> = {
  42161: "Arbitrum One",
  42170: "Arbitrum Nova",
  421614: "Arbitrum Sepolia",
  10: "OP Mainnet",
  11155420: "OP Sepolia",
  8453: "Base",
  84532: "Base Sepolia",
};

/** Chainlink's recommended wait after the sequencer comes back up before prices are trusted again: an hour. */
export const DEFAULT_SEQUENCER_GRACE_PERIOD_SECONDS = 3_600;

/** An L2's sequencer uptime feed (Chainlink: answer 0 up, 1 down) and how long prices stay refused after it is back. */
export interface SequencerConfig {
  uptimeFeed: string;
  gracePeriodSeconds: number;
}

/**
 * The governance checks a non-local deployment may be let off, each with the reason the deployer logs: a rehearsal
 * with test accounts, a chain without a multisig yet. Explicit and committed, never silent.
 */
export const GOVERNANCE_OVERRIDES = ["eoaRoles", "shortDelay", "oneAddressHoldsEveryRole"] as const;
export type GovernanceOverride = (typeof GOVERNANCE_OVERRIDES)[number];

export interface DeployConfig {
  /** The file the config came from. */
  source: string;
  /** When given, the chain must report this chain id. */
  chainId?: number;
  nativeToken: NativeTokenConfig;
  /** On an L2: its sequencer uptime feed (sequencerUptimeFeed) and grace period (sequencerGracePeriodSeconds). */
  sequencer?: SequencerConfig;
  /** Who may pause the pools and vaults. */
  guardian: string;
  tokens: Record<string, TokenConfig>;
  dex: { name?: string; factory: string; router: string };
  /** The farms' reward token (a symbol in `tokens`) and the pair of it with a vault token that sells it. */
  rewards: { token: string; pair: string };
  pools: Record<string, PoolConfig>;
  vaults: Record<string, VaultConfig>;
  timelock: TimelockConfig;
  /** Governance checks waived, each with its reason (see GOVERNANCE_OVERRIDES). */
  governanceOverrides: Partial<Record<GovernanceOverride, string>>;
}

export const RATE_MODEL_PRESETS: Record<string, KinkedRateParameters> = {
  stablecoin: STABLECOIN_RATE_MODEL,
  volatile: VOLATILE_RATE_MODEL,
};

export const RISK_PRESETS: Record<string, RiskParameters> = {
  stable: STABLE_VAULT_RISK,
  volatile: VOLATILE_VAULT_RISK,
};

/** The largest credit limit a pool stores (uint128). */
export const MAX_CREDIT_LIMIT = (1n << 128n) - 1n;

export class DeployConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: string[],
  ) {
    super(`${source} is not a valid deployment config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "DeployConfigError";
  }
}

/** The config file for `network`: FLUX_DEPLOY_CONFIG if set, else config/networks/<network>.json. */
export function deployConfigPath(network: string, directory = NETWORK_CONFIG_DIRECTORY): string {
  return process.env.FLUX_DEPLOY_CONFIG ? path.resolve(process.env.FLUX_DEPLOY_CONFIG) : path.join(directory, `${network}.json`);
}

export function loadDeployConfig(network: string, directory = NETWORK_CONFIG_DIRECTORY): DeployConfig {
  const file = deployConfigPath(network, directory);
  if (!fs.existsSync(file)) {
    throw new Error(
      `No deployment config for network "${network}": ${file} does not exist. ` +
        `Copy config/networks/polygon.example.json to config/networks/${network}.json and fill it in.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new DeployConfigError(file, [`the file is not valid JSON (${(error as Error).message})`]);
  }
  return parseDeployConfig(raw, path.relative(process.cwd(), file) || file);
}

type Json = Record<string, unknown>;

/** Validates a parsed config; every problem found is reported at once, each naming its field. */
export function parseDeployConfig(raw: unknown, source = "the deployment config"): DeployConfig {
  const problems: string[] = [];
  const problem = (field: string, message: string) => problems.push(`${field} ${message}`);

  const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
  /** Keys starting with "$" or "//" are comments. Anything else not in `allowed` is most likely a typo. */
  const checkKeys = (object: Json, field: string, allowed: string[]) => {
    for (const key of Object.keys(object)) {
      if (key.startsWith("$") || key.startsWith("//")) continue;
      if (!allowed.includes(key)) problem(`${field}.${key}`, `is not a known setting (expected one of: ${allowed.join(", ")})`);
    }
  };
  const object = (value: unknown, field: string): Json | undefined => {
    if (value === undefined) {
      problem(field, "is missing");
      return undefined;
    }
    if (!isObject(value)) {
      problem(field, "must be an object");
      return undefined;
    }
    return value;
  };
  const address = (value: unknown, field: string, options: { allowZero?: boolean } = {}): string => {
    if (value === undefined || value === null || value === "") {
      problem(field, "is missing (an address, 0x followed by 40 hex digits)");
      return ZeroAddress;
    }
    if (typeof value !== "string" || !isAddress(value)) {
      problem(field, `must be an address (0x followed by 40 hex digits, with a valid checksum if mixed-case), got ${JSON.stringify(value)}`);
      return ZeroAddress;
    }
    const checksummed = getAddress(value);
    if (checksummed === ZeroAddress && !options.allowZero) problem(field, "must not be the zero address");
    return checksummed;
  };
  const integer = (value: unknown, field: string, min: number, max: number, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (value === undefined) {
      problem(field, "is missing");
      return min;
    }
    if (typeof value !== "number" || !Number.isInteger(value)) {
      problem(field, `must be a whole number, got ${JSON.stringify(value)}`);
      return min;
    }
    if (value < min || value > max) problem(field, `must be between ${min} and ${max}, got ${value}`);
    return value;
  };
  const percent = (value: unknown, field: string, max: number): bigint => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      problem(field, `must be a number of percent (4 for 4%), got ${JSON.stringify(value)}`);
      return 0n;
    }
    if (value < 0 || value > max) problem(field, `must be between 0 and ${max} (percent), got ${value}`);
    // Percent to WAD exactly for up to 4 decimals (0.0001% steps).
    return (BigInt(Math.round(Math.max(0, value) * 10_000)) * WAD) / 1_000_000n;
  };
  const amount = (value: unknown, field: string): TokenAmount => {
    if (value === "unlimited") return { unlimited: true };
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return { unlimited: false, wholeTokens: String(value) };
    if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value)) return { unlimited: false, wholeTokens: value };
    problem(field, `must be an amount in whole tokens ("2500000", "0.5") or "unlimited", got ${JSON.stringify(value)}`);
    return { unlimited: false, wholeTokens: "0" };
  };
  const addressList = (value: unknown, field: string, options: { allowZero?: boolean } = {}): string[] => {
    if (!Array.isArray(value)) {
      problem(field, "must be a list of addresses");
      return [];
    }
    const list = value.map((entry, index) => address(entry, `${field}[${index}]`, options));
    if (new Set(list).size !== list.length) problem(field, "names an address twice");
    return list;
  };

  if (!isObject(raw)) throw new DeployConfigError(source, ["the file must hold one JSON object"]);
  checkKeys(raw, "config", ["chainId", "nativeToken", "sequencerUptimeFeed", "sequencerGracePeriodSeconds", "guardian", "tokens", "dex", "rewards", "pools", "vaults", "timelock", "governanceOverrides"]);

  const chainId = raw.chainId === undefined ? undefined : integer(raw.chainId, "chainId", 1, Number.MAX_SAFE_INTEGER);
  const guardian = address(raw.guardian, "guardian");

  // The gas token is named, never assumed: the keeper prices every transaction with it.
  const rawNative = object(raw.nativeToken, 'nativeToken (the chain\'s gas token, { "symbol": "POL", "feed": its Chainlink USD feed })') ?? {};
  checkKeys(rawNative, "nativeToken", ["symbol", "feed", "maxStalenessSeconds", "pair"]);
  if (raw.nativeToken !== undefined && (typeof rawNative.symbol !== "string" || !/^[A-Za-z0-9.]{1,16}$/.test(rawNative.symbol))) {
    problem("nativeToken.symbol", `must be the gas token's symbol (letters, digits and dots, e.g. "POL"), got ${JSON.stringify(rawNative.symbol)}`);
  }
  const nativeToken: NativeTokenConfig = {
    symbol: typeof rawNative.symbol === "string" ? rawNative.symbol : "",
    feed: raw.nativeToken === undefined ? ZeroAddress : address(rawNative.feed, "nativeToken.feed (the gas token's Chainlink USD feed)"),
    ...(rawNative.maxStalenessSeconds === undefined
      ? {}
      : { maxStalenessSeconds: integer(rawNative.maxStalenessSeconds, "nativeToken.maxStalenessSeconds", 60, 2 ** 32 - 1) }),
    ...(rawNative.pair === undefined ? {} : { pair: address(rawNative.pair, "nativeToken.pair (the wrapped gas token's pair with a token)") }),
  };

  // ---------------------------------------------------------------- the L2 sequencer
  let sequencer: SequencerConfig | undefined;
  if (raw.sequencerUptimeFeed !== undefined) {
    sequencer = {
      uptimeFeed: address(raw.sequencerUptimeFeed, "sequencerUptimeFeed (Chainlink's L2 sequencer uptime feed)"),
      // uint32 on-chain; at most a day, so a sequencer outage does not freeze every price for longer.
      gracePeriodSeconds: integer(raw.sequencerGracePeriodSeconds, "sequencerGracePeriodSeconds", 0, 86_400, DEFAULT_SEQUENCER_GRACE_PERIOD_SECONDS),
    };
  } else if (raw.sequencerGracePeriodSeconds !== undefined) {
    problem("sequencerGracePeriodSeconds", "is given without sequencerUptimeFeed, the feed it is the grace period of");
  }
  if (chainId !== undefined && SEQUENCER_L2_CHAIN_IDS[chainId] && !sequencer) {
    problem(
      "sequencerUptimeFeed",
      `is missing: chain id ${chainId} is ${SEQUENCER_L2_CHAIN_IDS[chainId]}, an L2 whose prices stop while its sequencer is down; ` +
        `name Chainlink's sequencer uptime feed for it (and sequencerGracePeriodSeconds, ${DEFAULT_SEQUENCER_GRACE_PERIOD_SECONDS} s by default)`,
    );
  }

  // ---------------------------------------------------------------- tokens
  const tokens: Record<string, TokenConfig> = {};
  const rawTokens = object(raw.tokens, "tokens") ?? {};
  for (const [symbol, value] of Object.entries(rawTokens)) {
    if (symbol.startsWith("$")) continue;
    const field = `tokens.${symbol}`;
    if (!/^[A-Za-z0-9.]{1,16}$/.test(symbol)) problem(field, "must be named by a symbol of letters, digits and dots");
    const token = object(value, field);
    if (!token) continue;
    checkKeys(token, field, ["address", "decimals", "feed", "maxStalenessSeconds"]);
    tokens[symbol] = {
      symbol,
      address: address(token.address, `${field}.address`),
      decimals: token.decimals === undefined ? undefined : integer(token.decimals, `${field}.decimals`, 0, 36),
      feed: address(token.feed, `${field}.feed (its Chainlink USD feed)`),
      // uint32 on-chain; at least a minute so a live feed is never refused.
      maxStalenessSeconds: integer(token.maxStalenessSeconds, `${field}.maxStalenessSeconds`, 60, 2 ** 32 - 1),
    };
  }
  if (Object.keys(tokens).length === 0 && raw.tokens !== undefined) problem("tokens", "must name at least one token");
  const tokenAddresses = new Map<string, string>();
  for (const token of Object.values(tokens)) {
    const other = tokenAddresses.get(token.address);
    if (other && token.address !== ZeroAddress) problem(`tokens.${token.symbol}.address`, `is the same as tokens.${other}.address`);
    tokenAddresses.set(token.address, token.symbol);
  }
  const knownToken = (symbol: unknown, field: string): string => {
    if (typeof symbol !== "string" || !tokens[symbol]) {
      problem(field, `must be the symbol of a token under "tokens" (${Object.keys(tokens).join(", ") || "none defined"}), got ${JSON.stringify(symbol)}`);
      return "";
    }
    return symbol;
  };

  // ---------------------------------------------------------------- dex and rewards
  const rawDex = object(raw.dex, "dex") ?? {};
  checkKeys(rawDex, "dex", ["name", "factory", "router"]);
  if (rawDex.name !== undefined && typeof rawDex.name !== "string") problem("dex.name", "must be text");
  const dex = {
    name: typeof rawDex.name === "string" ? rawDex.name : undefined,
    factory: address(rawDex.factory, "dex.factory (the Uniswap V2-compatible factory)"),
    router: address(rawDex.router, "dex.router (the Uniswap V2-compatible router)"),
  };
  const rawRewards = object(raw.rewards, "rewards") ?? {};
  checkKeys(rawRewards, "rewards", ["token", "pair"]);
  const rewards = {
    token: knownToken(rawRewards.token, "rewards.token"),
    pair: address(rawRewards.pair, "rewards.pair (the reward token's pair with a vault token)"),
  };

  // ---------------------------------------------------------------- pools
  const pools: Record<string, PoolConfig> = {};
  const rawPools = object(raw.pools, "pools") ?? {};
  for (const [symbol, value] of Object.entries(rawPools)) {
    if (symbol.startsWith("$")) continue;
    const field = `pools.${symbol}`;
    knownToken(symbol, `${field} (the pool's asset)`);
    const pool = object(value, field);
    if (!pool) continue;
    checkKeys(pool, field, ["rateModel", "reserveFactorBps", "liquidationIncentive"]);
    let rateModel: KinkedRateParameters = STABLECOIN_RATE_MODEL;
    if (typeof pool.rateModel === "string") {
      if (RATE_MODEL_PRESETS[pool.rateModel]) rateModel = RATE_MODEL_PRESETS[pool.rateModel];
      else problem(`${field}.rateModel`, `must be a preset (${Object.keys(RATE_MODEL_PRESETS).join(", ")}) or an object, got "${pool.rateModel}"`);
    } else {
      const model = object(pool.rateModel, `${field}.rateModel`);
      if (model) {
        const modelField = `${field}.rateModel`;
        checkKeys(model, modelField, ["baseRatePercent", "rateAtOptimalPercent", "rateAtFullPercent", "optimalUtilizationPercent"]);
        rateModel = {
          baseRatePerYear: percent(model.baseRatePercent, `${modelField}.baseRatePercent`, 1_000),
          rateAtOptimalPerYear: percent(model.rateAtOptimalPercent, `${modelField}.rateAtOptimalPercent`, 1_000),
          rateAtFullPerYear: percent(model.rateAtFullPercent, `${modelField}.rateAtFullPercent`, 1_000),
          optimalUtilization: percent(model.optimalUtilizationPercent, `${modelField}.optimalUtilizationPercent`, 100),
        };
        if (rateModel.optimalUtilization === 0n || rateModel.optimalUtilization >= WAD) {
          problem(`${modelField}.optimalUtilizationPercent`, "must be strictly between 0 and 100");
        }
        if (rateModel.baseRatePerYear > rateModel.rateAtOptimalPerYear) {
          problem(`${modelField}.baseRatePercent`, "must not be above rateAtOptimalPercent (rates may not fall as utilization rises)");
        }
        if (rateModel.rateAtOptimalPerYear > rateModel.rateAtFullPerYear) {
          problem(`${modelField}.rateAtOptimalPercent`, "must not be above rateAtFullPercent (rates may not fall as utilization rises)");
        }
      }
    }
    pools[symbol] = {
      symbol,
      rateModel,
      reserveFactorBps: integer(pool.reserveFactorBps, `${field}.reserveFactorBps`, 0, 5_000, DEFAULT_RESERVE_FACTOR_BPS),
      liquidationIncentive: pool.liquidationIncentive === undefined ? { unlimited: false, wholeTokens: "0" } : amount(pool.liquidationIncentive, `${field}.liquidationIncentive`),
    };
  }

  // ---------------------------------------------------------------- vaults
  const vaults: Record<string, VaultConfig> = {};
  const rawVaults = object(raw.vaults, "vaults") ?? {};
  for (const [name, value] of Object.entries(rawVaults)) {
    if (name.startsWith("$")) continue;
    const field = `vaults["${name}"]`;
    const vault = object(value, field);
    if (!vault) continue;
    checkKeys(vault, field, ["pair", "farm", "risk", "debtCaps", "creditLimits"]);

    let risk: RiskParameters = STABLE_VAULT_RISK;
    if (typeof vault.risk === "string") {
      if (RISK_PRESETS[vault.risk]) risk = RISK_PRESETS[vault.risk];
      else problem(`${field}.risk`, `must be a preset (${Object.keys(RISK_PRESETS).join(", ")}) or an object, got "${vault.risk}"`);
    } else {
      const rawRisk = object(vault.risk, `${field}.risk`);
      if (rawRisk) {
        const riskField = `${field}.risk`;
        checkKeys(rawRisk, riskField, [
          "workFactorBps",
          "killFactorBps",
          "liquidationBountyBps",
          "maxPriceDeviationBps",
          "maxLeverage",
          "harvestSlippageBps",
          "harvestMaxSaleBps",
          "swapSlippageBps",
          "liquidationTargetBps",
          "fullLiquidationBelowUsd",
        ]);
        // The bounds LeveragedVault._setRiskParameters enforces, checked here so a bad value never reaches the chain.
        const workFactorBps = integer(rawRisk.workFactorBps, `${riskField}.workFactorBps`, 1, 9_799);
        const killFactorBps = integer(rawRisk.killFactorBps, `${riskField}.killFactorBps`, 2, 9_800);
        if (killFactorBps <= workFactorBps) {
          problem(`${riskField}.killFactorBps`, `(${killFactorBps}) must be above workFactorBps (${workFactorBps})`);
        }
        let maxLeverageWad = WAD;
        if (typeof rawRisk.maxLeverage !== "number" || !(rawRisk.maxLeverage >= 1 && rawRisk.maxLeverage <= 10)) {
          problem(`${riskField}.maxLeverage`, `must be a number from 1 to 10 (3 for 3x), got ${JSON.stringify(rawRisk.maxLeverage)}`);
        } else {
          maxLeverageWad = parseUnits(rawRisk.maxLeverage.toFixed(6), 18);
        }
        risk = {
          workFactorBps,
          killFactorBps,
          liquidationBountyBps: integer(rawRisk.liquidationBountyBps, `${riskField}.liquidationBountyBps`, 0, 500),
          maxPriceDeviationBps: integer(rawRisk.maxPriceDeviationBps, `${riskField}.maxPriceDeviationBps`, 1, 1_000),
          maxLeverageWad,
          harvestSlippageBps: integer(rawRisk.harvestSlippageBps, `${riskField}.harvestSlippageBps`, 1, 1_000),
          harvestMaxSaleBps: integer(rawRisk.harvestMaxSaleBps, `${riskField}.harvestMaxSaleBps`, 1, 25, STABLE_VAULT_RISK.harvestMaxSaleBps),
          swapSlippageBps: integer(rawRisk.swapSlippageBps, `${riskField}.swapSlippageBps`, 50, 1_000, VOLATILE_VAULT_RISK.swapSlippageBps),
          liquidationTargetBps: integer(rawRisk.liquidationTargetBps, `${riskField}.liquidationTargetBps`, 1, workFactorBps, workFactorBps),
          fullLiquidationBelowUsd: integer(
            rawRisk.fullLiquidationBelowUsd,
            `${riskField}.fullLiquidationBelowUsd`,
            0,
            4_294_967_295,
            STABLE_VAULT_RISK.fullLiquidationBelowUsd,
          ),
        };
      }
    }

    const perToken = (value: unknown, subfield: string): Record<string, TokenAmount> | undefined => {
      const entries = object(value, `${field}.${subfield}`);
      if (!entries) return undefined;
      const result: Record<string, TokenAmount> = {};
      for (const [symbol, entry] of Object.entries(entries)) {
        if (symbol.startsWith("$")) continue;
        const entryField = `${field}.${subfield}.${symbol}`;
        if (!tokens[symbol]) problem(entryField, `names a token not under "tokens" (${Object.keys(tokens).join(", ")})`);
        else if (!pools[symbol]) problem(entryField, `names ${symbol}, which has no pool under "pools" for the vault to borrow from`);
        result[symbol] = amount(entry, entryField);
      }
      return result;
    };
    const debtCaps = perToken(vault.debtCaps, "debtCaps") ?? {};
    if (vault.debtCaps !== undefined && Object.keys(debtCaps).length !== 2) {
      problem(`${field}.debtCaps`, `must name exactly the pair's two tokens, got ${Object.keys(debtCaps).join(", ") || "none"}`);
    }
    const creditLimits = vault.creditLimits === undefined ? { ...debtCaps } : perToken(vault.creditLimits, "creditLimits") ?? {};
    for (const symbol of Object.keys(creditLimits)) {
      if (!(symbol in debtCaps)) problem(`${field}.creditLimits.${symbol}`, "names a token that is not one of the vault's (its debtCaps keys)");
    }
    vaults[name] = {
      name,
      pair: address(vault.pair, `${field}.pair (the existing LP pair)`),
      farm: address(vault.farm, `${field}.farm (the existing StakingRewards-compatible farm)`),
      risk,
      debtCaps,
      creditLimits,
    };
  }
  const vaultPairs = new Map<string, string>();
  for (const vault of Object.values(vaults)) {
    const other = vaultPairs.get(vault.pair);
    if (other) problem(`vaults["${vault.name}"].pair`, `is the same pair as vaults["${other}"].pair`);
    vaultPairs.set(vault.pair, vault.name);
  }

  // ---------------------------------------------------------------- timelock
  const rawTimelock = object(raw.timelock, "timelock") ?? {};
  checkKeys(rawTimelock, "timelock", ["minDelaySeconds", "proposers", "executors", "admin", "waitForExecutionSeconds"]);
  const timelock: TimelockConfig = {
    // At most 30 days: a longer delay would freeze emergency fixes for a month.
    minDelaySeconds: integer(rawTimelock.minDelaySeconds, "timelock.minDelaySeconds", 0, 30 * 86_400),
    proposers: addressList(rawTimelock.proposers, "timelock.proposers"),
    executors: addressList(rawTimelock.executors, "timelock.executors", { allowZero: true }),
    admin: rawTimelock.admin === undefined || rawTimelock.admin === null ? ZeroAddress : address(rawTimelock.admin, "timelock.admin", { allowZero: true }),
    waitForExecutionSeconds: integer(rawTimelock.waitForExecutionSeconds, "timelock.waitForExecutionSeconds", 0, 3_600, 0),
  };
  if (raw.timelock !== undefined && timelock.proposers.length === 0 && Array.isArray(rawTimelock.proposers)) {
    problem("timelock.proposers", "must name at least one proposer, or nobody could ever change the protocol again");
  }
  if (raw.timelock !== undefined && timelock.executors.length === 0 && Array.isArray(rawTimelock.executors)) {
    problem("timelock.executors", "must name at least one executor (the zero address lets anyone execute)");
  }

  // ---------------------------------------------------------------- governance overrides
  const governanceOverrides: Partial<Record<GovernanceOverride, string>> = {};
  if (raw.governanceOverrides !== undefined) {
    const rawOverrides = object(raw.governanceOverrides, "governanceOverrides") ?? {};
    checkKeys(rawOverrides, "governanceOverrides", [...GOVERNANCE_OVERRIDES]);
    for (const key of GOVERNANCE_OVERRIDES) {
      const reason = rawOverrides[key];
      if (reason === undefined) continue;
      if (typeof reason !== "string" || reason.trim().length < 10) {
        problem(`governanceOverrides.${key}`, "must give the reason for the override in words (at least 10 characters); the deploy logs it");
      } else governanceOverrides[key] = reason.trim();
    }
  }

  if (problems.length > 0) throw new DeployConfigError(source, problems);
  return { source, chainId, nativeToken, ...(sequencer ? { sequencer } : {}), guardian, tokens, dex, rewards, pools, vaults, timelock, governanceOverrides };
}

/** An amount in a token's base units; "unlimited" becomes `unlimited`. */
export function toBaseUnits(amount: TokenAmount, decimals: number, unlimited: bigint): bigint {
  return amount.unlimited ? unlimited : parseUnits(amount.wholeTokens, decimals);
}

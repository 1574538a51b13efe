/**
 * The keeper as a long-running process: liquidates positions past the kill factor and harvests vaults when due
 * (see lib/keeper.ts for the decisions). Plain Node: an ethers JsonRpcProvider and Wallet, no Hardhat runtime.
 *
 *   npm run keeper -- [--once] [--dry-run] [--every-block] [--rpc URL] [--key HEX] [--deployment PATH]
 *                     [--interval SECONDS] [--harvest-margin N] [--max-harvest-interval SECONDS] [--page-size N]
 *                     [--bounty-gas-margin N]
 *
 * Liquidations: each is simulated, and sent only when its bounty (plus any reserve incentive), at oracle prices, is
 * worth at least its gas (estimate x gas price, priced by the gas token's feed) times --bounty-gas-margin (default 1;
 * 0 sends every liquidation whatever its gas). A declined one is logged with both numbers and stays open to anyone.
 * A position whose token the oracle refuses to price is held (logged with the token and the error) and liquidated by
 * the first pass in which the price is accepted; every other position is liquidated as usual.
 *
 * Cadence: by default a pass every --interval seconds, tightened to a quarter of it after a 2% oracle move since
 * the previous pass and to a twelfth after 5% (a crash is when liquidations cannot wait); --every-block runs a
 * pass on every new block instead.
 *
 * Defaults come from the environment: KEEPER_RPC_URL (http://127.0.0.1:8545), KEEPER_PRIVATE_KEY (on chain id
 * 31337 only, Hardhat's public account #5 when unset), FLUX_NETWORK (localhost, i.e. deployments/localhost.json).
 * Prefer KEEPER_PRIVATE_KEY over --key on a shared machine: command lines are visible to other users.
 * Every decision is one JSON line on stdout. Transient RPC errors are logged and retried with backoff, never fatal;
 * SIGINT or SIGTERM stops it after the current pass (a second one, a second or more later, stops it at once); the
 * npm script execs the keeper so that a signal sent to npm (a process manager's SIGTERM) reaches it.
 */
import fs from "node:fs";
import path from "node:path";
import { formatEther, formatUnits, JsonRpcProvider, Network, NonceManager, Wallet, type Provider } from "ethers";
import { redactRpcText, redactRpcUrl, rpcConnection, rpcFetchRequest, rpcUrlProblem } from "../lib/rpcUrl";
import { deploymentPath, readJsonFile, type Deployment } from "../lib/deployments";
import {
  backoffDelayMs,
  createJsonLineLogger,
  DEFAULT_KEEPER_OPTIONS,
  describeError,
  gasTokenOf,
  isTransientRpcError,
  Keeper,
  nextPassDelaySeconds,
} from "../lib/keeper";

/** Hardhat's account #5: public knowledge, so only ever used on the local chain. */
const LOCAL_KEEPER_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const LOCAL_CHAIN_ID = 31337;
const DEFAULT_INTERVAL_SECONDS = 60;
/** After failed passes, wait 2 s, 4 s, 8 s, ... but never more than this (or the interval, if longer). */
const MAX_FAILURE_BACKOFF_MS = 5 * 60_000;
/**
 * The gas the keeper's account must be able to pay for at the current price to count as able to act: one liquidation
 * with room to spare (a partial liquidation with its swaps measures about 600,000 gas).
 */
export const KEEPER_GAS_RESERVE_UNITS = 1_000_000n;

/**
 * Why the keeper's account cannot pay for a transaction, in words with its numbers, or undefined when it can: a keeper
 * without gas money protects nobody, so such a pass is counted failed, never reported as fine.
 */
export async function gasShortfall(provider: Provider, account: string, gasSymbol: string): Promise<string | undefined> {
  const [balance, fees] = await Promise.all([provider.getBalance(account), provider.getFeeData()]);
  const price = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
  const needed = price * KEEPER_GAS_RESERVE_UNITS;
  if (balance >= needed && balance > 0n) return undefined;
  return (
    `the keeper's account ${account} holds ${formatEther(balance)} ${gasSymbol}, less than the gas of one liquidation ` +
    `(${KEEPER_GAS_RESERVE_UNITS.toLocaleString("en-US")} gas at ${formatUnits(price, "gwei")} gwei = ${formatEther(needed)} ${gasSymbol}): ` +
    `it cannot send anything; fund it`
  );
}

/** Two stop signals closer together than this are one Ctrl-C delivered twice (see `stop` in main). */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

const USAGE = `usage: npm run keeper -- [--once] [--dry-run] [--every-block] [--rpc URL] [--key HEX] [--deployment PATH]
                         [--interval SECONDS] [--harvest-margin N] [--max-harvest-interval SECONDS] [--page-size N]
                         [--bounty-gas-margin N]`;

interface KeeperArguments {
  once: boolean;
  dryRun: boolean;
  everyBlock: boolean;
  rpcUrl: string;
  key?: string;
  deploymentFile: string;
  intervalSeconds: number;
  harvestMarginMultiplier: number;
  maxHarvestIntervalSeconds: number;
  scanPageSize: number;
  bountyGasMarginMultiplier: number;
}

export function parseArguments(argv: string[], env: NodeJS.ProcessEnv = process.env): KeeperArguments {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const valued = ["--rpc", "--key", "--deployment", "--interval", "--harvest-margin", "--max-harvest-interval", "--page-size", "--bounty-gas-margin"];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--once" || argument === "--dry-run" || argument === "--every-block" || argument === "--help") flags.add(argument);
    else if (valued.includes(argument)) {
      const value = argv[++index];
      if (value === undefined || value.startsWith("--")) throw new Error(`${argument} needs a value\n${USAGE}`);
      values.set(argument, value);
    } else throw new Error(`Unknown option "${argument}"\n${USAGE}`);
  }
  if (flags.has("--help")) {
    console.log(USAGE);
    process.exit(0);
  }
  const positiveNumber = (flag: string, fallback: number, whole = false) => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
      throw new Error(`${flag} must be a positive ${whole ? "whole " : ""}number, not "${text}"`);
    }
    return value;
  };
  const bountyGasMargin = values.get("--bounty-gas-margin");
  if (bountyGasMargin !== undefined && !(Number.isFinite(Number(bountyGasMargin)) && Number(bountyGasMargin) >= 0)) {
    throw new Error(`--bounty-gas-margin must be a number of at least 0 (0: liquidate whatever the gas), not "${bountyGasMargin}"`);
  }
  return {
    once: flags.has("--once"),
    dryRun: flags.has("--dry-run"),
    everyBlock: flags.has("--every-block"),
    rpcUrl: values.get("--rpc") ?? env.KEEPER_RPC_URL ?? "http://127.0.0.1:8545",
    key: values.get("--key") ?? (env.KEEPER_PRIVATE_KEY || undefined),
    deploymentFile: path.resolve(values.get("--deployment") ?? deploymentPath(env.FLUX_NETWORK ?? "localhost")),
    intervalSeconds: positiveNumber("--interval", DEFAULT_INTERVAL_SECONDS),
    harvestMarginMultiplier: positiveNumber("--harvest-margin", DEFAULT_KEEPER_OPTIONS.harvestMarginMultiplier),
    maxHarvestIntervalSeconds: positiveNumber("--max-harvest-interval", DEFAULT_KEEPER_OPTIONS.maxHarvestIntervalSeconds),
    scanPageSize: positiveNumber("--page-size", DEFAULT_KEEPER_OPTIONS.scanPageSize, true),
    bountyGasMarginMultiplier: bountyGasMargin === undefined ? DEFAULT_KEEPER_OPTIONS.bountyGasMarginMultiplier : Number(bountyGasMargin),
  };
}

function loadDeployment(file: string): Deployment {
  if (!fs.existsSync(file)) throw new Error(`No deployment file at ${file}: deploy first, or pass --deployment PATH`);
  return readJsonFile<Deployment>(file, "the deployment file the keeper acts on");
}

/** The node's chain id, straight over JSON-RPC, so the provider can be built with a fixed network afterwards. */
async function fetchChainId(rpcUrl: string): Promise<number> {
  // Node's fetch refuses user:pass@ in a URL: they go in an Authorization header; errors name only scheme://host:port.
  const connection = rpcConnection(rpcUrl);
  const response = await fetch(connection.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...connection.headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`The node at ${redactRpcUrl(rpcUrl)} answered HTTP ${response.status}`);
  const body = (await response.json()) as { result?: string; error?: { message: string } };
  if (!body.result) throw new Error(`The node at ${redactRpcUrl(rpcUrl)} gave no chain id: ${body.error?.message ?? "empty answer"}`);
  return Number(BigInt(body.result));
}

/** The node URL in use, so that even a fatal error's words leave its secret parts out. */
let secretUrl = "";

async function main() {
  const args = parseArguments(process.argv.slice(2));
  const urlProblem = rpcUrlProblem(args.rpcUrl, "KEEPER_RPC_URL (or --rpc)");
  if (urlProblem) throw new Error(urlProblem);
  secretUrl = args.rpcUrl;
  // Every line, the keeper's decisions and ethers' errors in them included: the node URL only as scheme://host:port.
  const log = createJsonLineLogger((line) => console.log(redactRpcText(line, args.rpcUrl)));
  const deployment = loadDeployment(args.deploymentFile);
  // Before anything else: without the chain's gas token the keeper cannot weigh a transaction's cost.
  const gasToken = gasTokenOf(deployment);

  let stopping = false;
  let stopAskedAt = 0;
  let passRunning = false;
  let wakeUp: () => void = () => {};
  const stop = (signal: string) => {
    const now = Date.now();
    if (stopping) {
      // Ctrl-C under `npm run keeper` arrives twice within milliseconds: the terminal signals the whole process group
      // and npm forwards what it received to its child as well. That is one request to stop, not two.
      if (now - stopAskedAt < DUPLICATE_SIGNAL_WINDOW_MS) return;
      // Asked again later: the operator wants out now.
      log({
        vault: "*",
        action: "stop",
        reason: `${signal} again: exiting now${passRunning ? ", abandoning the pass in progress (a transaction it sent may still be mined; the next start asks the node for the keeper's nonce before sending)" : ""}`,
      });
      process.exit(130);
    }
    stopping = true;
    stopAskedAt = now;
    log({
      vault: "*",
      action: "stop",
      reason: passRunning ? `${signal}: finishing the current pass, then exiting (send it again to exit at once)` : `${signal}: exiting`,
    });
    wakeUp();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  /** Waits, but returns early when asked to stop (and leaves no timer keeping the process alive). */
  const pause = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, milliseconds);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // The node may not be up yet (or restarting): wait for it rather than exit.
  let chainId: number | undefined;
  for (let failures = 1; chainId === undefined && !stopping; failures++) {
    try {
      chainId = await fetchChainId(args.rpcUrl);
    } catch (error) {
      const delayMs = Math.min(backoffDelayMs(failures, 2_000), MAX_FAILURE_BACKOFF_MS);
      log({ vault: "*", action: "error", reason: `node unreachable: ${describeError(error)}`, numbers: { retryInMs: delayMs } });
      if (args.once && failures >= DEFAULT_KEEPER_OPTIONS.retry.attempts) throw new Error(`The node at ${redactRpcUrl(args.rpcUrl)} does not answer`);
      await pause(delayMs);
    }
  }
  if (chainId === undefined) {
    log({ vault: "*", action: "stopped", reason: "keeper stopped before it reached the node" });
    return;
  }
  if (chainId !== deployment.chainId) {
    throw new Error(`The node is chain ${chainId} but ${args.deploymentFile} is for chain ${deployment.chainId}: refusing to act on the wrong chain`);
  }
  let key = args.key;
  if (!key) {
    if (chainId !== LOCAL_CHAIN_ID) throw new Error(`Set KEEPER_PRIVATE_KEY (or pass --key) on chain ${chainId}: the default key is for the local chain only`);
    key = LOCAL_KEEPER_KEY;
  }
  let wallet: Wallet;
  const provider = new JsonRpcProvider(rpcFetchRequest(args.rpcUrl), Network.from(chainId), { staticNetwork: true });
  try {
    wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
  } catch {
    throw new Error("The keeper key is not a valid private key (64 hex digits)");
  }

  const keeper = new Keeper(new NonceManager(wallet), deployment, {
    dryRun: args.dryRun,
    harvestMarginMultiplier: args.harvestMarginMultiplier,
    maxHarvestIntervalSeconds: args.maxHarvestIntervalSeconds,
    scanPageSize: args.scanPageSize,
    bountyGasMarginMultiplier: args.bountyGasMarginMultiplier,
    log,
  });
  log({
    vault: "*",
    action: "start",
    reason: args.dryRun ? "keeper started (dry run: nothing is sent)" : "keeper started",
    numbers: {
      chainId,
      keeper: wallet.address,
      gasToken: gasToken.symbol,
      vaults: Object.keys(deployment.farming?.vaults ?? {}).join(","),
      intervalSeconds: args.intervalSeconds,
      cadence: args.everyBlock ? "every block" : "interval, tightened when prices move fast",
      harvestMarginMultiplier: args.harvestMarginMultiplier,
      maxHarvestIntervalSeconds: args.maxHarvestIntervalSeconds,
      scanPageSize: args.scanPageSize,
      bountyGasMargin: args.bountyGasMarginMultiplier,
    },
  });

  /** A loud refusal when the account cannot pay gas (undefined when it can, or on a dry run, which sends nothing). */
  const cannotPayGas = async () => (args.dryRun ? undefined : gasShortfall(provider, wallet.address, gasToken.symbol).catch(() => undefined));
  const shortAtStart = await cannotPayGas();
  if (shortAtStart) log({ vault: "*", action: "error", reason: `NO GAS: ${shortAtStart}; every pass counts as failed until it is funded` });

  let consecutiveFailures = 0;
  let largestPriceMoveBps = 0;
  let lastBlock = -1;
  while (!stopping) {
    try {
      passRunning = true;
      const summary = await keeper.runOnce().finally(() => (passRunning = false));
      largestPriceMoveBps = summary.largestPriceMoveBps;
      const short = await cannotPayGas();
      if (short) {
        // The pass decided, but nothing it decided can be sent: a failed pass, whatever its summary says.
        log({ vault: "*", action: "pass", reason: "pass complete", numbers: { ...summary, failed: summary.failed + 1 } });
        throw new Error(`NO GAS: ${short}`);
      }
      consecutiveFailures = 0;
      log({ vault: "*", action: "pass", reason: "pass complete", numbers: { ...summary } });
    } catch (error) {
      // Reads were already retried with backoff inside the pass; what reaches here is an outage or a bug.
      // Either way a keeper that exits protects nobody: log it, wait longer each time, and try again.
      consecutiveFailures += 1;
      const delayMs = Math.min(backoffDelayMs(consecutiveFailures, 2_000), Math.max(MAX_FAILURE_BACKOFF_MS, args.intervalSeconds * 1000));
      log({
        vault: "*",
        action: "error",
        reason: `pass failed${isTransientRpcError(error) ? " (RPC)" : ""}: ${describeError(error)}`,
        numbers: { consecutiveFailures, retryInMs: args.once ? 0 : delayMs },
      });
      if (args.once) {
        process.exitCode = 1;
        break;
      }
      await pause(delayMs);
      continue;
    }
    if (args.once) break;
    if (args.everyBlock) {
      // Poll for the next block rather than subscribe: a filter on an HTTP node expires when the node restarts.
      try {
        lastBlock = lastBlock < 0 ? await provider.getBlockNumber() : lastBlock;
        while (!stopping && (await provider.getBlockNumber()) <= lastBlock) await pause(1_000);
        lastBlock = await provider.getBlockNumber();
      } catch (error) {
        log({ vault: "*", action: "error", reason: `cannot read the block number: ${describeError(error)}` });
        await pause(2_000);
      }
    } else {
      const delaySeconds = nextPassDelaySeconds(args.intervalSeconds, largestPriceMoveBps);
      if (delaySeconds < args.intervalSeconds) {
        log({ vault: "*", action: "cadence", reason: "prices moved fast: the next pass comes sooner", numbers: { largestPriceMoveBps, delaySeconds } });
      }
      await pause(delaySeconds * 1000);
    }
  }
  provider.destroy();
  if (stopping) log({ vault: "*", action: "stopped", reason: "keeper stopped cleanly: no pass was cut short" });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(redactRpcText(error instanceof Error ? error.message : String(error), secretUrl));
    process.exit(1);
  });
}

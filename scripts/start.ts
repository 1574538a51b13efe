/**
 * npm start: the local stack on one machine.
 *   1. an embedded Hardhat chain on 127.0.0.1:8545 (chain id 31337)
 *   2. the deployment: test tokens, seeded pools, oracle and feeds, Uniswap pairs, farms and vaults
 *   3. the market simulator: a gentle random walk on the price feeds, with arbitrage so each pair follows
 *   4. the keeper: harvests when worth it, liquidates past the kill factor (one JSON line per decision)
 *   5. the web app on http://127.0.0.1:3000, printed last once it answers
 * Ctrl-C stops every process it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { redactRpcText } from "../lib/rpcUrl";

const ROOT = path.join(__dirname, "..");
const RPC_URL = "http://127.0.0.1:8545";
// Both services listen on the loopback address only: the chain's unlocked accounts and the dev server are for this
// machine, never for the network it is on.
const APP_URL = "http://127.0.0.1:3000";
const BIN = path.join(ROOT, "node_modules", ".bin");
const children: ChildProcess[] = [];
const startedAt = Date.now();

function log(line: string) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  console.log(`[start ${seconds}s] ${line}`);
}

/** A stage's own duration, for its "done" line: the prefix shows the time since start, this the stage's part. */
function stageTimer(): () => string {
  const began = Date.now();
  return () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
}

/** The compiler's full output (its warnings included) goes here, not to the terminal. */
const COMPILE_LOG = path.join(ROOT, "cache", "compile-output.log");
/** While compiling, a line this often says it is still at it. */
const COMPILE_HEARTBEAT_MS = 15_000;

/**
 * The children's environment. The local stack is a development environment: a NODE_ENV inherited from a test runner
 * ("test") would make `next dev` rewrite tsconfig.json. Next would also rewrite package-lock.json on start when it
 * thinks platform packages are missing.
 */
function childEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "development",
    NEXT_IGNORE_INCORRECT_LOCKFILE: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    // The local stack reads its own chain, whatever FLUX_* an operator's shell holds for a real one (it may be keyed).
    // A wallet adding the local chain is given the Hardhat node itself: it holds no key and is this machine's only.
    FLUX_NETWORK: "localhost",
    FLUX_RPC_URL: RPC_URL,
    FLUX_WALLET_RPC_URL: RPC_URL,
  };
}

/** The RPC URLs in this environment (any *_RPC_URL): each line a child prints loses every secret part of them. */
const SECRET_URLS = Object.entries(process.env)
  .filter(([name, value]) => name.endsWith("RPC_URL") && value)
  .map(([, value]) => value!);

/** Starts a child in its own process group, so stopping it also stops whatever it spawned. */
function run(
  name: string,
  command: string,
  args: string[],
  options: { prefixOutput: boolean; capture?: (text: string) => void; env?: Record<string, string> },
): ChildProcess {
  const child = spawn(path.join(BIN, command), args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...childEnvironment(), ...options.env },
  });
  children.push(child);
  const forward = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream) => {
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      options.capture?.(chunk.toString());
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (options.prefixOutput && line.trim()) sink.write(`[${name}] ${redactRpcText(line, ...SECRET_URLS)}\n`);
    });
  };
  forward(child.stdout!, process.stdout);
  forward(child.stderr!, process.stderr);
  return child;
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    return (await fetch(url, init)).ok;
  } catch {
    return false;
  }
}

const rpcAnswers = () =>
  answers(RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });

async function waitFor(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 250));
}

/** Stops every child's process group, waits for them to exit (killing any still there after 10 s), then exits. */
let stopping = false;
async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const running = children.filter((child) => child.exitCode === null && child.signalCode === null && child.pid);
    const signal = (child: ChildProcess, name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    for (const child of running) signal(child, "SIGTERM");
    const deadline = setTimeout(() => running.forEach((child) => signal(child, "SIGKILL")), 10_000);
    await Promise.all(running.map((child) => (child.exitCode === null && child.signalCode === null ? exited(child) : 0)));
    clearTimeout(deadline);
  }
  process.exit(exitCode);
}

/**
 * `hardhat compile`, with progress instead of the compiler's wall of warnings: one line when it starts, one every
 * 15 s while it runs, one when it is done (how many files, warnings, and where the full output is). A first compile
 * of a fresh checkout takes about a minute on 2 cores (solc-js, the WebAssembly compiler, with viaIR and the optimizer); a later start
 * finds nothing changed and takes seconds. A failure prints the whole output.
 */
async function compileContracts(): Promise<void> {
  const elapsed = stageTimer();
  // On a fresh checkout only what the stack deploys is compiled (hardhat.config.ts, FLUX_COMPILE_SCOPE): 53 s instead
  // of 78 s for everything on 2 cores. Once anything is compiled the whole set is, so a scoped compile never drops
  // the test contracts' artifacts that npm test built.
  const freshCheckout = !fs.existsSync(path.join(ROOT, "artifacts", "contracts"));
  log(`compiling contracts (${freshCheckout ? "the first compile, only what the stack deploys, takes about a minute" : "reusing the last build"})`);
  let output = "";
  const compile = run("compile", "hardhat", ["compile"], {
    prefixOutput: false,
    capture: (text) => (output += text),
    env: freshCheckout ? { FLUX_COMPILE_SCOPE: "stack" } : {},
  });
  const heartbeat = setInterval(() => log(`  still compiling (${elapsed()})`), COMPILE_HEARTBEAT_MS);
  const code = await exited(compile);
  clearInterval(heartbeat);
  fs.mkdirSync(path.dirname(COMPILE_LOG), { recursive: true });
  fs.writeFileSync(COMPILE_LOG, output);
  if (code !== 0) {
    process.stderr.write(output);
    throw new Error(`compilation failed (exit ${code}); the output above is also in ${path.relative(ROOT, COMPILE_LOG)}`);
  }
  const compiled = /Compiled (\d+) Solidity files?/.exec(output);
  const warnings = (output.match(/^Warning\b/gm) ?? []).length;
  log(
    compiled
      ? `compiled ${compiled[1]} Solidity files in ${elapsed()}${warnings > 0 ? ` (${warnings} compiler warnings)` : ""}; full output in ${path.relative(ROOT, COMPILE_LOG)}`
      : `contracts already compiled (${elapsed()})`,
  );
}

async function main() {
  process.on("SIGINT", () => (log("stopping"), void stopAll(0)));
  process.on("SIGTERM", () => void stopAll(0));

  for (const [url, check] of [[RPC_URL, rpcAnswers], [APP_URL, () => answers(APP_URL)]] as const) {
    if (await check()) throw new Error(`Something already answers on ${url}. Stop it (or the earlier npm start) and try again.`);
  }

  await compileContracts();

  let elapsed = stageTimer();
  log(`starting the Hardhat chain on ${RPC_URL}`);
  const chain = run("chain", "hardhat", ["node", "--hostname", "127.0.0.1", "--port", "8545"], { prefixOutput: false });
  chain.once("exit", (code) => {
    if (stopping) return;
    log(`the chain stopped (exit ${code})`);
    void stopAll(1);
  });
  await waitFor(rpcAnswers);
  log(`chain ready (chain id 31337) in ${elapsed()}`);

  elapsed = stageTimer();
  log("deploying tokens, pools, oracle, Uniswap pairs, farms and vaults");
  // --no-compile: compiled above (on a fresh checkout only what the stack deploys; hardhat run would compile the rest).
  const deploy = run("deploy", "hardhat", ["run", "--no-compile", "--network", "localhost", "scripts/deploy-local.ts"], { prefixOutput: true });
  if ((await exited(deploy)) !== 0) throw new Error("deployment failed");
  log(`deployed in ${elapsed()}`);

  log("starting the market simulator (feeds walk, pairs follow by arbitrage)");
  const simulator = run("market", "ts-node", ["--transpile-only", "scripts/simulator.ts", "--interval", "5"], { prefixOutput: true });
  simulator.once("exit", (code) => log(`the market simulator stopped (exit ${code})`));

  log("starting the keeper (harvest and liquidate, every 15 s)");
  const keeper = run("keeper", "ts-node", ["--transpile-only", "scripts/keeper.ts", "--interval", "15"], { prefixOutput: true });
  keeper.once("exit", (code) => log(`the keeper stopped (exit ${code})`));

  elapsed = stageTimer();
  log("starting the web app (next dev compiles the first page on its first request)");
  const app = run("app", "next", ["dev", "--hostname", "127.0.0.1", "--port", "3000"], { prefixOutput: false });
  app.once("exit", (code) => {
    if (stopping) return;
    log(`the web app stopped (exit ${code})`);
    void stopAll(1);
  });
  // The first request compiles the page; wait until the lend page renders with data from the chain.
  await waitFor(() => answers(`${APP_URL}/lend`));
  log(`web app answered in ${elapsed()}`);
  log(`chain ${RPC_URL} (chain id 31337), deployment in deployments/localhost.json. Ctrl-C stops everything.`);
  log(`web app ready at ${APP_URL}`);
}

main().catch((error) => {
  console.error(`[start] ${redactRpcText(error instanceof Error ? error.message : String(error), ...SECRET_URLS)}`);
  void stopAll(1);
});

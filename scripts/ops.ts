/**
 * `npm run deploy` and `npm run upgrade` with real command-line options. Hardhat 2's `run` takes no options of its
 * own, so this turns them into environment variables and runs the Hardhat script:
 *
 *   npm run deploy -- --network bsc [--config path/to/config.json] [--fail-after pool:USDT]
 *                     [--deployments-dir DIR] [--manifest-dir DIR]
 *   npm run upgrade -- --network bsc --contract StakingRewardsVault (--target USDC-USDT | --proxy 0x...)
 *                      [--call initializeV2 --args '[7]'] [--constructor-args '[...]']
 *                      [--deployments-dir DIR] [--manifest-dir DIR]
 *
 * Keys come from the environment (or .env), named by role (see hardhat.config.ts):
 *   deploy    DEPLOYER_PRIVATE_KEY (required: the deploy never signs with another role's key)
 *   upgrade   PROPOSER_PRIVATE_KEY to schedule, EXECUTOR_PRIVATE_KEY to execute after the delay; DEPLOYER_PRIVATE_KEY
 *             while the deployer still owns the proxies (before the hand-over completes), or for every role it holds
 *
 * --deployments-dir (FLUX_DEPLOYMENTS_DIR) reads and writes the deployment files elsewhere than deployments/; the
 * plugin's manifest then goes to <dir>/.openzeppelin unless --manifest-dir (the plugin's MANIFEST_DEFAULT_DIR) says
 * otherwise.
 *
 * package.json: "deploy": "ts-node --transpile-only scripts/ops.ts deploy",
 *               "upgrade": "ts-node --transpile-only scripts/ops.ts upgrade"
 */
import "dotenv/config";
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { redactRpcText } from "../lib/rpcUrl";

const COMMANDS: Record<string, { script: string; options: Record<string, string> }> = {
  deploy: {
    script: "scripts/deploy.ts",
    options: {
      config: "FLUX_DEPLOY_CONFIG",
      "fail-after": "FLUX_DEPLOY_FAIL_AFTER",
      "deployments-dir": "FLUX_DEPLOYMENTS_DIR",
      "manifest-dir": "MANIFEST_DEFAULT_DIR",
    },
  },
  upgrade: {
    script: "scripts/upgrade.ts",
    options: {
      contract: "UPGRADE_CONTRACT",
      target: "UPGRADE_TARGET",
      proxy: "UPGRADE_PROXY",
      call: "UPGRADE_CALL",
      args: "UPGRADE_CALL_ARGS",
      "constructor-args": "UPGRADE_CONSTRUCTOR_ARGS",
      "deployments-dir": "FLUX_DEPLOYMENTS_DIR",
      "manifest-dir": "MANIFEST_DEFAULT_DIR",
    },
  },
};
/** Options whose value is a path: made absolute here, since Hardhat runs the script from the project root. */
const PATH_OPTIONS = new Set(["config", "deployments-dir", "manifest-dir"]);

function usage(message: string): never {
  console.error(`${message}\n\nusage:\n  npm run deploy -- --network <name>\n  npm run upgrade -- --network <name> --contract <Name> (--target <pool|vault name> | --proxy <address>)`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
const spec = COMMANDS[command ?? ""];
if (!spec) usage(`unknown command "${command ?? ""}"`);

const env = { ...process.env };
let network: string | undefined;
for (let index = 0; index < rest.length; index++) {
  const flag = rest[index];
  const match = /^--([a-z-]+)(?:=(.*))?$/.exec(flag);
  if (!match) usage(`unexpected argument "${flag}"`);
  const name = match[1];
  const value = match[2] ?? rest[++index];
  if (value === undefined) usage(`--${name} needs a value`);
  if (name === "network") network = value;
  else if (spec.options[name]) env[spec.options[name]] = PATH_OPTIONS.has(name) ? path.resolve(value) : value;
  else usage(`unknown option --${name} for ${command}`);
}
if (!network) usage("--network is required");
if (command === "deploy" && !env.DEPLOYER_PRIVATE_KEY && (env.PROPOSER_PRIVATE_KEY || env.EXECUTOR_PRIVATE_KEY)) {
  // hardhat.config.ts would make the proposer's or executor's key the first account, and the deploy would sign with it.
  usage("npm run deploy signs with DEPLOYER_PRIVATE_KEY, which is not set: it will not deploy with the proposer's or executor's key");
}

// Hardhat runs the script in a process of its own: the whole tree runs in its own process group, and SIGINT or
// SIGTERM sent to this process (npm's, a process manager's, a CI cancel's) is passed to that group, so nothing is
// left running. The deploy stops at once (every transaction is in its journal before it is sent) and frees its lock.
const hardhat = require.resolve("hardhat/internal/cli/bootstrap.js");
const child = spawn(process.execPath, [hardhat, "run", "--network", network, spec.script], { stdio: ["inherit", "pipe", "pipe"], env, detached: true });
// Every line the deploy or upgrade prints (Hardhat's and ethers' own errors included, which quote the node's URL)
// passes through the redaction of every configured <NAME>_RPC_URL: no key, password or query reaches a log.
const secretUrls = Object.entries(env).filter(([name, value]) => name.endsWith("_RPC_URL") && value).map(([, value]) => value as string);
const relayed = [child.stdout!, child.stderr!].map(
  (from: Readable, index) =>
    new Promise<void>((done) => {
      const to: Writable = index === 0 ? process.stdout : process.stderr;
      const lines = createInterface({ input: from, crlfDelay: Infinity });
      lines.on("line", (line) => to.write(`${redactRpcText(line, ...secretUrls)}\n`));
      lines.on("close", done);
    }),
);
/** Waits for the child's last lines (at most 2 s: a grandchild holding the pipe must not keep this process alive). */
const drained = () => Promise.race([Promise.all(relayed), new Promise((done) => setTimeout(done, 2_000))]);
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    stoppedBy ??= signal;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  });
}
child.on("exit", (code, signal) => {
  void drained().then(() => {
    if (stoppedBy) process.exit(128 + (stoppedBy === "SIGINT" ? 2 : stoppedBy === "SIGTERM" ? 15 : 1));
    process.exit(code ?? (signal ? 1 : 0));
  });
});

/**
 * What the operations tests share: a rehearsal Hardhat node of their own on a port of their own, and commands run as
 * a person runs them (a child process, its whole output kept).
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { JsonRpcProvider, Network } from "ethers";

export const ROOT = path.resolve(__dirname, "../../..");
export const HARDHAT_CLI = require.resolve("hardhat/internal/cli/bootstrap.js");
/** The rehearsal chain's id (config/hardhat.rehearsal.config.ts). */
export const REHEARSAL_CHAIN_ID = 31338;

export interface Run {
  code: number | null;
  output: string;
}

/** Runs `command args` in the project root and resolves with its exit code and everything it printed. */
export function runCommand(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A command of the deploy's running in the background: its output so far, and a kill of its whole process group. */
export interface BackgroundRun {
  child: ChildProcess;
  exited: Promise<Run>;
  output(): string;
  running(): boolean;
  kill(): Promise<Run>;
}

/** `args` run with node in the project root, in a process group of its own (`hardhat run` forks the script), so it can be killed whole. */
export function startInBackground(args: string[], env: Record<string, string>): BackgroundRun {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, output })));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    exited,
    output: () => output,
    running: () => !done,
    kill: async () => {
      if (!done) process.kill(-child.pid!, "SIGKILL");
      return exited;
    },
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.once("listening", () => server.close(() => resolve(true)));
    server.listen(port, "127.0.0.1");
  });
}

export interface RehearsalNode {
  provider: JsonRpcProvider;
  url: string;
  /** The node's last 20,000 characters of output, for failure messages. */
  log(): string;
  stop(): void;
}

/** Starts `npm run rehearsal:node`'s Hardhat node on `port` and resolves once it answers eth_chainId. */
export async function startRehearsalNode(port: number): Promise<RehearsalNode> {
  if (!(await portIsFree(port))) throw new Error(`Port ${port} is taken: stop whatever listens there (another rehearsal node?)`);
  const node: ChildProcess = spawn(
    process.execPath,
    [HARDHAT_CLI, "--config", "config/hardhat.rehearsal.config.ts", "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let nodeLog = "";
  node.stdout!.on("data", (chunk) => (nodeLog = (nodeLog + chunk).slice(-20_000)));
  node.stderr!.on("data", (chunk) => (nodeLog = (nodeLog + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, Network.from(REHEARSAL_CHAIN_ID), { staticNetwork: true, pollingInterval: 100 });
  const stop = () => {
    provider.destroy();
    if (node.exitCode === null) node.kill("SIGTERM");
  };
  for (let attempt = 0; ; attempt++) {
    if (node.exitCode !== null) throw new Error(`The rehearsal node exited:\n${nodeLog}`);
    try {
      const chainId = Number(await provider.send("eth_chainId", []));
      if (chainId !== REHEARSAL_CHAIN_ID) throw new Error(`the node on port ${port} is chain ${chainId}, not the rehearsal chain ${REHEARSAL_CHAIN_ID}`);
      break;
    } catch (error) {
      if (attempt > 150) {
        stop();
        throw new Error(`The rehearsal node did not answer within 30 s (${(error as Error).message}):\n${nodeLog}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { provider, url, log: () => nodeLog, stop };
}

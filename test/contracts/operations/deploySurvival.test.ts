/**
 * The production deploy against the node and a second operator (scripts/deploy.ts, scripts/ops.ts), each on a
 * rehearsal node of its own (ports 8625-8629), as the operator meets them:
 *
 *   - two runs at once: the second is refused by the deployments folder's lock (pid and host) and sends nothing;
 *     a lock whose owner is dead is reclaimed, and said so;
 *   - SIGTERM to `npm run deploy`'s process (what a process manager or a CI cancel sends): the whole tree stops, the
 *     lock goes, the journal stays whole and no transaction is sent after;
 *   - the node killed and restarted empty mid-deploy: the run stops, and the rerun refuses the new chain (genesis
 *     hash, deployer nonce) before it broadcasts anything, with the words to deploy afresh; nothing reaches it;
 *   - a config that makes the deployer a proposer: after the hand-over the run still refuses to say "done";
 *   - 3% of RPC answers failing (HTTP 502 from a proxy, before or after the node saw the request): one run deploys
 *     everything, naming each retry a transient RPC error, with exactly one of every contract.
 */
import { expect } from "chai";
import hre from "hardhat";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HARDHAT_CLI, ROOT, startInBackground, startRehearsalNode, type BackgroundRun, type RehearsalNode } from "./childProcesses";
import { deployRehearsalEcosystem, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import type { DeployProgress, ProtocolDeployment } from "../../../scripts/lib/deployProtocol";
import { seededRandom, startFailingRpcProxy, type FailingRpcProxy } from "./failingRpcProxy";

const DEPLOYER = { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" };
/** How long one deploy run may take before the test gives up on it (a loaded CI machine is slow). */
const RUN_TIMEOUT_MS = 150_000;

/** `hardhat run --network rehearsal scripts/deploy.ts` (or ops.ts, as npm runs it) in a process group of its own. */
function startDeploy(rpcUrl: string, directory: string, viaOps = false, env: Record<string, string> = {}): BackgroundRun {
  const args = viaOps
    ? [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/ops.ts", "deploy", "--network", "rehearsal"]
    : [HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", "scripts/deploy.ts"];
  const run = startInBackground(args, { REHEARSAL_RPC_URL: rpcUrl, DEPLOYER_PRIVATE_KEY: DEPLOYER.key, FLUX_DEPLOYMENTS_DIR: directory, FLUX_DEPLOY_CONFIG: "", FLUX_DEPLOY_FAIL_AFTER: "", ...env });
  const timer = setTimeout(() => void run.kill(), RUN_TIMEOUT_MS);
  void run.exited.then(() => clearTimeout(timer));
  return run;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = RUN_TIMEOUT_MS): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const tempDirectory = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `flux-${name}-`));
const readProgress = (directory: string) => JSON.parse(fs.readFileSync(path.join(directory, "rehearsal.progress.json"), "utf8")) as DeployProgress;
const readArtifact = (name: string) => hre.artifacts.readArtifact(name);

describe("production deploy against a second operator and a failing node (scripts/deploy.ts)", function () {
  this.timeout(4 * RUN_TIMEOUT_MS);
  const directories: string[] = [];
  const newDirectory = (name: string) => {
    const directory = tempDirectory(name);
    directories.push(directory);
    return directory;
  };
  after(() => directories.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

  describe("on one node: two operators at once, and SIGTERM", () => {
    let node: RehearsalNode | undefined;
    before(async () => {
      node = await startRehearsalNode(8625);
      await deployRehearsalEcosystem(await node.provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), readArtifact);
    });
    after(() => node?.stop());

    it("refuses a second run while the first holds the lock, then reclaims a dead owner's lock", async () => {
      const directory = newDirectory("lock");
      const lock = path.join(directory, "rehearsal.lock");
      // The first run waits on its first transaction (mining held back) while the second starts.
      await node!.provider.send("evm_setAutomine", [false]);
      const first = startDeploy(node!.url, directory);
      await until(() => fs.existsSync(lock) && /^\s*tx /m.test(first.output()), "the first run's lock and first transaction");
      const owner = JSON.parse(fs.readFileSync(lock, "utf8")) as { pid: number; host: string };
      const second = await startDeploy(node!.url, directory).exited;
      console.log(`      second run: ${second.output.trim().split("\n").at(-1)}`);
      expect(second.code, second.output).to.equal(1);
      expect(second.output).to.include(`Another deploy of this network is running: pid ${owner.pid} on ${os.hostname()}`);
      expect(second.output).to.not.match(/^\s*tx /m);
      await node!.provider.send("evm_setAutomine", [true]);
      await node!.provider.send("evm_mine", []);
      const firstRun = await first.exited;
      expect(firstRun.code, firstRun.output).to.equal(0);
      expect(fs.existsSync(lock), "the lock is freed at the end").to.equal(false);
      // One journal, every transaction in it once.
      const purposes = readProgress(directory).transactions!.map((entry) => entry.purpose);
      expect(new Set(purposes).size).to.equal(purposes.length);

      // A lock left by a process that is gone (killed with SIGKILL): reclaimed on the same host, with words.
      const dead = spawn(process.execPath, ["-e", ""]);
      await new Promise((resolve) => dead.on("close", resolve));
      fs.writeFileSync(lock, JSON.stringify({ pid: dead.pid, host: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "deploy" }));
      const rerun = await startDeploy(node!.url, directory).exited;
      expect(rerun.code, rerun.output).to.equal(0);
      expect(rerun.output).to.include(`! reclaiming the stale lock ${lock}: its owner, pid ${dead.pid} on ${os.hostname()}`);
      expect(rerun.output).to.include("0 deployment step(s) run, 0 transaction(s) sent");
    });

    it("SIGTERM to the npm process (scripts/ops.ts) stops the whole tree; the journal is whole and nothing is sent after", async () => {
      const directory = newDirectory("sigterm");
      const run = startDeploy(node!.url, directory, true);
      await until(() => (run.output().match(/^\s*tx /gm) ?? []).length >= 3, "three transactions sent");
      run.child.kill("SIGTERM"); // the ops.ts process only, as npm or a process manager signals it
      const result = await run.exited;
      const nonce = await node!.provider.getTransactionCount(DEPLOYER.address);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      console.log(`      exit ${result.code}; ${result.output.trim().split("\n").filter((line) => line.includes("SIGTERM")).join(" / ")}`);
      expect(result.code).to.equal(143);
      expect(result.output).to.include("stopped by SIGTERM: every transaction sent is in the journal");
      expect(await node!.provider.getTransactionCount(DEPLOYER.address), "no transaction after the stop").to.equal(nonce);
      expect(fs.existsSync(path.join(directory, "rehearsal.lock")), "the lock went with the run").to.equal(false);
      const journal = readProgress(directory).transactions!;
      expect(journal.filter((entry) => entry.state === "sent").length).to.be.at.most(1);
      // The rerun continues it to the end.
      const rerun = await startDeploy(node!.url, directory).exited;
      expect(rerun.code, rerun.output).to.equal(0);
      expect(rerun.output).to.include("continuing the deployment recorded in");
    });
  });

  it('says "done" only when the deployer holds no timelock role: a config naming it proposer never finishes', async () => {
    const node = await startRehearsalNode(8629);
    const directory = newDirectory("roles");
    try {
      await deployRehearsalEcosystem(await node.provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), readArtifact);
      const raw = JSON.parse(fs.readFileSync(path.join(ROOT, "config/networks/rehearsal.json"), "utf8"));
      raw.timelock.proposers = [DEPLOYER.address]; // the deployer keeps proposing (and cancelling) after the hand-over
      const file = path.join(directory, "deployer-proposes.json");
      fs.writeFileSync(file, JSON.stringify(raw));
      const first = await startDeploy(node.url, directory, false, { FLUX_DEPLOY_CONFIG: file }).exited;
      expect(first.code, first.output).to.equal(0);
      await node.provider.send("evm_increaseTime", [3_601]);
      await node.provider.send("evm_mine", []);
      const second = await startDeploy(node.url, directory, false, { FLUX_DEPLOY_CONFIG: file }).exited;
      const last = second.output.trim().split("\n").find((line) => line.startsWith("not finished") || line.startsWith("done"));
      console.log(`      after the hand-over: ${last}`);
      expect(second.code, second.output).to.equal(0);
      expect(second.output).to.not.match(/^done:/m);
      expect(last).to.equal(
        `not finished: 0 timelock operation(s) and 0 owner call(s) pending (see ${path.join(directory, "rehearsal.json")}); the deployer ` +
          `${DEPLOYER.address} still holds the timelock's proposer, canceller role(s) (named in the config's timelock settings, or not yet renounced): not done while it does`,
      );
    } finally {
      node.stop();
    }
  });

  it("the node restarted empty mid-deploy: the run stops, and the rerun refuses the new chain before broadcasting anything", async () => {
    const port = 8626;
    let node: RehearsalNode | undefined = await startRehearsalNode(port);
    const directory = newDirectory("reset");
    try {
      await deployRehearsalEcosystem(await node.provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), readArtifact);
      const run = startDeploy(node.url, directory);
      await until(() => (run.output().match(/^\s*tx /gm) ?? []).length >= 6, "six transactions sent");
      node.stop();
      // Empty: a new genesis block, the deployer at nonce 0 (once the old node has let go of the port).
      for (let attempt = 0; ; attempt++) {
        try {
          node = await startRehearsalNode(port);
          break;
        } catch (error) {
          if (attempt > 40 || !/is taken/.test((error as Error).message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      const stopped = await run.exited;
      console.log(`      the run stopped with: ${stopped.output.trim().split("\n").at(-1)}`);
      expect(stopped.code, stopped.output).to.equal(1);

      const rerun = await startDeploy(node.url, directory).exited;
      console.log(`      the rerun: ${rerun.output.trim().split("\n").at(-1)?.slice(0, 300)}`);
      expect(rerun.code, rerun.output).to.equal(1);
      expect(rerun.output).to.match(/Network rehearsal is not the chain .*rehearsal\.progress\.json records: (its genesis block is 0x[0-9a-f]{64}, but the journal was written on a chain whose genesis block is 0x[0-9a-f]{64}|the deployer's nonce there is 0)/);
      expect(rerun.output).to.include("Nothing was sent, and the journal's signed transactions must not be");
      expect(rerun.output).to.include("then deploy afresh");
      expect(rerun.output).to.not.include("broadcasting its recorded signed bytes again");
      expect(await node.provider.getTransactionCount(DEPLOYER.address), "nothing reached the new chain").to.equal(0);
      expect(await node.provider.getTransactionCount(DEPLOYER.address, "pending")).to.equal(0);
    } finally {
      node?.stop();
    }
  });

  it("deploys everything in one run with 3% of RPC answers failing (HTTP 502), exactly one of every contract", async () => {
    const node = await startRehearsalNode(8627);
    let proxy: FailingRpcProxy | undefined;
    const directory = newDirectory("flaky");
    try {
      await deployRehearsalEcosystem(await node.provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), readArtifact);
      const random = seededRandom(Number(process.env.FLUX_FLAKY_SEED ?? 17));
      // Besides the 3%, every fifth transaction's broadcast answer is lost after the node took it.
      let broadcasts = 0;
      proxy = await startFailingRpcProxy(8628, node.url, (calls) => {
        if (calls.some((call) => call.method === "eth_sendRawTransaction") && ++broadcasts % 5 === 0) return "fail-after";
        const roll = random();
        return roll < 0.015 ? "fail-before" : roll < 0.03 ? "fail-after" : "pass";
      });
      const run = await startDeploy(proxy.url, directory).exited;
      const retries = run.output.split("\n").filter((line) => line.includes("transient RPC error on"));
      const sends = proxy.failedMethods().filter((method) => method === "eth_sendRawTransaction").length;
      console.log(
        `      ${proxy.failed()} of ${proxy.requests()} requests failed (${sends} of them eth_sendRawTransaction); ${retries.length} retries logged; exit ${run.code}`,
      );
      expect(run.code, run.output).to.equal(0);
      expect(proxy.failed()).to.be.greaterThan(0);
      expect(sends, "broadcasts whose answer was lost").to.be.greaterThan(0);
      expect(retries.length).to.be.greaterThan(0);
      const deployment = JSON.parse(fs.readFileSync(path.join(directory, "rehearsal.json"), "utf8")) as ProtocolDeployment;
      // Every contract the deployer created is one the deployment names (the deploy refuses "done" otherwise), once.
      const created = deployment.createdContracts!;
      expect(created.every((contract) => !contract.what.startsWith("NOT ACCOUNTED"))).to.equal(true);
      expect(new Set(created.map((contract) => contract.what)).size).to.equal(created.length);
      const journal = readProgress(directory).transactions!;
      expect(journal.every((entry) => entry.state === "mined")).to.equal(true);
      expect(await node.provider.getTransactionCount(DEPLOYER.address)).to.equal(journal.length);
    } finally {
      await proxy?.close();
      node.stop();
    }
  });
});

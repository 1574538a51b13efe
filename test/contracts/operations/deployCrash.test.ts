/**
 * The production deployment killed with a transaction in flight, at each kind of step, on a rehearsal node of its
 * own (port 8622) that mines only when told (automine off): the deploy is run as a child process, the test mines its
 * transactions one by one until the one it wants is pending, kills the deploy (its whole process group: `hardhat run`
 * forks the script), mines the orphaned transaction, and runs the deploy again. One deployment is crashed at every
 * kind in the order the deploy reaches them, so each rerun both settles the last crash and walks on to the next:
 *
 *   implementation (the oracle's), configuration (oracle.setFeed), contract (fUSDC's rate model), proxy (fUSDC's:
 *   the measured failure, where the rerun used to deploy a second proxy), initialize (the USDC-USDT vault's proxy,
 *   whose creation runs initialize: there is no separate initialize transaction, which anyone could front-run),
 *   hand-over (transferOwnership, then, after the delay, the timelock's executeBatch);
 *
 * and two crashes whose transaction is not mined: one the node drops (the rerun broadcasts the journal's signed bytes
 * again, never a new transaction) and one the operator replaces with a 0-value transfer at its nonce (the rerun sees
 * it can never land and sends the step again).
 *
 * At the end: exactly one of every contract (the deployer's creations counted from the chain's blocks), each named
 * in the deployment file, every proxy owned by the timelock. Then a contract the deployer created outside the
 * deployment makes the rerun refuse to say "done" until it is acknowledged in the progress file and disowned.
 */
import { expect } from "chai";
import hre from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ContractFactory, JsonRpcProvider, Wallet, ZeroAddress, getCreateAddress } from "ethers";
import ERC1967_PROXY_ARTIFACT from "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";
import { loadDeployConfig } from "../../../lib/deployConfig";
import { HARDHAT_CLI, startInBackground, startRehearsalNode, type RehearsalNode, type Run } from "./childProcesses";
import { deployRehearsalEcosystem, ecosystemMismatches, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import type { DeployProgress, ProtocolDeployment, ProtocolVaultRecord } from "../../../scripts/lib/deployProtocol";
import type { JournalTransaction, TransactionKind } from "../../../scripts/lib/deployJournal";
import { FluxTimelock__factory, LendingPool__factory, StakingRewardsVault__factory } from "../../../typechain-types";

const PORT = 8622;
const RPC_URL = `http://127.0.0.1:${PORT}`;
// Hardhat's well-known default account #0 (a public test key) deploys.
const DEPLOYER = { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" };
/** How long one deploy run may take before the test gives up on it. */
const RUN_TIMEOUT_MS = 60_000;

describe("production deployment killed with a transaction pending, at every kind of step (scripts/deploy.ts)", function () {
  this.timeout(600_000);

  let node: RehearsalNode | undefined;
  let provider: JsonRpcProvider;
  let directory: string;
  let firstBlock: number;
  const config = loadDeployConfig("rehearsal");
  const rpc = (method: string, params: unknown[] = []) => provider.send(method, params);
  const progressFile = () => path.join(directory, "rehearsal.progress.json");
  const readProgress = (): DeployProgress | undefined => {
    // Written by rename, so a read sees a whole file or none.
    return fs.existsSync(progressFile()) ? (JSON.parse(fs.readFileSync(progressFile(), "utf8")) as DeployProgress) : undefined;
  };
  const readDeployment = () => JSON.parse(fs.readFileSync(path.join(directory, "rehearsal.json"), "utf8")) as ProtocolDeployment;

  /** `hardhat run --network rehearsal scripts/deploy.ts` in a process group of its own, so it can be killed whole. */
  const startDeploy = () =>
    startInBackground([HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", "scripts/deploy.ts"], {
      REHEARSAL_RPC_URL: RPC_URL,
      DEPLOYER_PRIVATE_KEY: DEPLOYER.key,
      FLUX_DEPLOYMENTS_DIR: directory,
      FLUX_DEPLOY_CONFIG: "",
      FLUX_DEPLOY_FAIL_AFTER: "",
    });

  /** A deploy run to its end on a node that mines every transaction at once. */
  async function deployToTheEnd(): Promise<Run> {
    await rpc("evm_setAutomine", [true]);
    const run = startDeploy();
    const timer = setTimeout(() => void run.kill(), RUN_TIMEOUT_MS);
    const result = await run.exited;
    clearTimeout(timer);
    return result;
  }

  /**
   * What becomes of the transaction pending when the deploy died: mined; dropped from the node's pool (the node
   * forgets it; its signed bytes are only in the journal); or replaced (dropped, and a 0-value transfer to itself
   * with the same nonce mined instead, as an operator cancels a stuck transaction).
   */
  type Aftermath = "mined" | "dropped" | "replaced";

  /**
   * A deploy run on a node that mines only when told: each transaction it sends is mined once it reaches the node,
   * until one of `kind` whose purpose matches is pending; then the deploy is killed, and the transaction meets `aftermath`.
   */
  async function killWhilePending(kind: TransactionKind, purpose: RegExp, aftermath: Aftermath = "mined"): Promise<{ killed: JournalTransaction; output: string }> {
    await rpc("evm_setAutomine", [false]);
    const run = startDeploy();
    const started = Date.now();
    const mined = new Set<string>();
    try {
      for (;;) {
        if (!run.running()) throw new Error(`The deploy ended before a ${kind} transaction matching ${purpose} was pending:\n${run.output()}`);
        if (Date.now() - started > RUN_TIMEOUT_MS) throw new Error(`No ${kind} transaction matching ${purpose} within ${RUN_TIMEOUT_MS} ms:\n${run.output()}`);
        const unsettled = readProgress()?.transactions?.find((transaction) => transaction.state === "sent");
        // Recorded is not yet sent: wait until the node has it.
        if (unsettled && !mined.has(unsettled.hash) && (await rpc("eth_getTransactionByHash", [unsettled.hash])) !== null) {
          if (unsettled.kind === kind && purpose.test(unsettled.purpose)) {
            await run.kill();
            const output = run.output();
            // Asked of the node directly: the provider would answer from its cache of the last quarter second.
            expect(await rpc("eth_getTransactionReceipt", [unsettled.hash]), "still pending when the deploy died").to.equal(null);
            if (aftermath === "mined") {
              await rpc("evm_mine");
              const receipt = (await rpc("eth_getTransactionReceipt", [unsettled.hash])) as { status: string } | null;
              expect(receipt?.status, `${unsettled.purpose} mined after the crash`).to.equal("0x1");
            } else {
              expect(await rpc("hardhat_dropTransaction", [unsettled.hash])).to.equal(true);
              expect(await rpc("eth_getTransactionByHash", [unsettled.hash])).to.equal(null);
            }
            if (aftermath === "replaced") {
              const deployer = new Wallet(DEPLOYER.key, provider);
              const cancel = await deployer.sendTransaction({ to: DEPLOYER.address, value: 0n, nonce: unsettled.nonce });
              await rpc("evm_mine");
              expect((await rpc("eth_getTransactionReceipt", [cancel.hash]))?.status).to.equal("0x1");
            }
            return { killed: unsettled, output };
          }
          mined.add(unsettled.hash);
          await rpc("evm_mine");
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    } finally {
      if (run.running()) await run.kill();
    }
  }

  /** The deployer's contract creations in blocks [firstBlock, latest], as (nonce, address). */
  async function creationsByTheDeployer(): Promise<{ nonce: number; address: string }[]> {
    const creations: { nonce: number; address: string }[] = [];
    const latest = await provider.getBlockNumber();
    for (let number = firstBlock; number <= latest; number++) {
      const block = await provider.getBlock(number, true);
      for (const transaction of block!.prefetchedTransactions) {
        if (transaction.to === null && transaction.from === DEPLOYER.address) {
          creations.push({ nonce: transaction.nonce, address: getCreateAddress({ from: DEPLOYER.address, nonce: transaction.nonce }) });
        }
      }
    }
    return creations;
  }

  /** Every address the deployment file records as a contract of the deployment. */
  function recordedContracts(deployment: ProtocolDeployment): string[] {
    const vaults = Object.values(deployment.farming!.vaults) as ProtocolVaultRecord[];
    return [
      deployment.farming!.oracle.address,
      deployment.farming!.oracle.implementation!,
      ...Object.values(deployment.pools).flatMap((pool) => [pool.pool.address, pool.pool.implementation!, pool.interestRateModel.address]),
      ...vaults.flatMap((vault) => [vault.vault.address, vault.vault.implementation!, ...(vault.modules ?? [])]),
      deployment.farming!.lens.address,
      deployment.timelock!.address,
    ];
  }

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-crash-"));
    node = await startRehearsalNode(PORT);
    provider = node.provider;
    const ecosystem = await deployRehearsalEcosystem(await provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), (name) => hre.artifacts.readArtifact(name));
    expect(ecosystemMismatches(ecosystem, config)).to.deep.equal([]);
    firstBlock = (await provider.getBlockNumber()) + 1;
  });

  after(async () => {
    if (provider) await rpc("evm_setAutomine", [true]).catch(() => {});
    node?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it("settles the pending transaction of every kind of step on the rerun: one of every contract, all recorded, all owned by the timelock", async () => {
    const crashes: { kind: TransactionKind; purpose: RegExp; aftermath?: Aftermath }[] = [
      { kind: "implementation", purpose: /^oracle\/implementation$/ },
      { kind: "configuration", purpose: /^oracle\.setFeed\(USDC,/ },
      { kind: "contract", purpose: /^pool:USDC\/rateModel$/ },
      { kind: "proxy", purpose: /^pool:USDC\/proxy$/ },
      { kind: "implementation", purpose: /^pool:USDT\/implementation$/, aftermath: "dropped" },
      { kind: "proxy", purpose: /^pool:WETH\/proxy$/, aftermath: "replaced" },
      // The vault's proxy runs initialize(owner, guardian, risk, caps) in its constructor: one transaction, so nobody can initialize it first.
      { kind: "proxy", purpose: /^vault:USDC-USDT\/proxy$/ },
      { kind: "hand-over", purpose: /^fUSDC pool\.transferOwnership\(timelock\)$/ },
    ];
    const killed: { transaction: JournalTransaction; aftermath: Aftermath }[] = [];
    /** What the rerun after a crash must say it found, before it sends anything. */
    const settledLines = ({ transaction, aftermath }: (typeof killed)[number]): string[] =>
      aftermath === "replaced"
        ? [`! ${transaction.purpose}: replaced by another transaction with nonce ${transaction.nonce}`]
        : [
            ...(aftermath === "dropped" ? [`the node does not know ${transaction.purpose}'s transaction (nonce ${transaction.nonce}): broadcasting its recorded signed bytes again`] : []),
            `= ${transaction.purpose}: mined in block`,
          ];
    for (const crash of crashes) {
      const { killed: transaction, output } = await killWhilePending(crash.kind, crash.purpose, crash.aftermath);
      // The run that was killed here had first settled the crash before it.
      for (const line of killed.length > 0 ? settledLines(killed.at(-1)!) : []) expect(output).to.include(line);
      killed.push({ transaction, aftermath: crash.aftermath ?? "mined" });
    }

    // The rerun settles the transferOwnership and schedules the timelock's acceptance (a one-hour delay).
    const scheduled = await deployToTheEnd();
    expect(scheduled.code, scheduled.output).to.equal(0);
    for (const line of settledLines(killed.at(-1)!)) expect(scheduled.output).to.include(line);
    expect(scheduled.output).to.include("not finished: 1 timelock operation(s)");

    // After the delay: killed with the timelock's executeBatch pending, then the last rerun finishes.
    await rpc("evm_increaseTime", [3_601]);
    await rpc("evm_mine");
    const { killed: execute } = await killWhilePending("hand-over", /^timelock\.executeBatch\(/);
    killed.push({ transaction: execute, aftermath: "mined" });
    const last = await deployToTheEnd();
    expect(last.code, last.output).to.equal(0);
    expect(last.output).to.include(`= ${execute.purpose}: mined in block`);
    expect(last.output).to.include("done: every contract is owned by the timelock");

    // Exactly one of every contract: the deployer created each once, and the deployment file names each.
    const deployment = readDeployment();
    const pools = Object.keys(config.pools).length;
    const vaults = Object.keys(config.vaults).length;
    // oracle implementation and proxy; per pool a rate model, implementation and proxy; per vault three modules, an
    // implementation and a proxy; the lens; the timelock.
    const expected = 2 + 3 * pools + 5 * vaults + 2;
    const creations = await creationsByTheDeployer();
    expect(creations.length, JSON.stringify(creations)).to.equal(expected);
    const recorded = recordedContracts(deployment).map((address) => address.toLowerCase());
    expect(new Set(recorded).size).to.equal(expected);
    expect(creations.map((creation) => creation.address.toLowerCase()).sort()).to.deep.equal([...recorded].sort());
    expect(deployment.createdContracts!.map((contract) => contract.address.toLowerCase()).sort()).to.deep.equal([...recorded].sort());
    expect(deployment.createdContracts!.filter((contract) => contract.what.startsWith("NOT ACCOUNTED"))).to.deep.equal([]);

    // Each crashed transaction was signed once and mined (a dropped one from its recorded bytes); the replaced one
    // was sent again, once. Nothing in the journal is left unsettled.
    const journal = readProgress()!.transactions!;
    for (const { transaction, aftermath } of killed) {
      const states = journal.filter((entry) => entry.purpose === transaction.purpose).map((entry) => entry.state);
      expect(states, transaction.purpose).to.deep.equal(aftermath === "replaced" ? ["replaced", "mined"] : ["mined"]);
    }
    expect(journal.filter((entry) => entry.state !== "mined").map((entry) => entry.purpose)).to.deep.equal(["pool:WETH/proxy"]);

    // All owned by the timelock, nothing pending; the vault whose initializing proxy was killed is initialized as configured.
    const timelock = deployment.timelock!.address;
    expect(deployment.owner).to.equal(timelock);
    const proxies = [deployment.farming!.oracle.address, ...Object.values(deployment.pools).map((pool) => pool.pool.address), ...Object.values(deployment.farming!.vaults).map((vault) => vault.vault.address)];
    for (const proxy of proxies) {
      const ownable = LendingPool__factory.connect(proxy, provider);
      expect(await ownable.owner(), proxy).to.equal(timelock);
      expect(await ownable.pendingOwner(), proxy).to.equal(ZeroAddress);
    }
    const stable = StakingRewardsVault__factory.connect(deployment.farming!.vaults["USDC-USDT"].vault.address, provider);
    const risk = await stable.riskParameters();
    for (const [key, value] of Object.entries(config.vaults["USDC-USDT"].risk)) expect(BigInt(risk[key as keyof typeof risk] as bigint), key).to.equal(BigInt(value));
    expect((await stable.configuration()).guardian).to.equal(config.guardian);
    const timelockContract = FluxTimelock__factory.connect(timelock, provider);
    for (const role of [await timelockContract.PROPOSER_ROLE(), await timelockContract.EXECUTOR_ROLE(), await timelockContract.CANCELLER_ROLE()]) {
      expect(await timelockContract.hasRole(role, DEPLOYER.address)).to.equal(false);
    }
  });

  it("refuses to say done while a contract the deployer created is not accounted for", async () => {
    // The measured failure's leftover: a second fUSDC proxy, live and owned by the deployer, in no record.
    const deployment = readDeployment();
    const usdc = deployment.pools.USDC;
    const deployer = new Wallet(DEPLOYER.key, provider);
    const initialize = LendingPool__factory.createInterface().encodeFunctionData("initialize", [
      "Flux USDC",
      "fUSDC",
      usdc.interestRateModel.address,
      1_000,
      DEPLOYER.address,
      config.guardian,
    ]);
    const proxyFactory = new ContractFactory(ERC1967_PROXY_ARTIFACT.abi, ERC1967_PROXY_ARTIFACT.bytecode, deployer);
    const stray = await proxyFactory.deploy(usdc.pool.implementation!, initialize);
    await stray.waitForDeployment();
    const strayAddress = await stray.getAddress();
    expect(await LendingPool__factory.connect(strayAddress, provider).owner()).to.equal(DEPLOYER.address);

    const run = await deployToTheEnd();
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include("not accounted for");
    expect(run.output).to.include(`${strayAddress} (nonce ${stray.deploymentTransaction()!.nonce}) is in no record of this deployment`);
    expect(run.output).to.not.match(/^done:/m);
    const created = readDeployment().createdContracts!.find((contract) => contract.address === strayAddress);
    expect(created?.what).to.match(/^NOT ACCOUNTED FOR/);

    // Declared not part of the protocol, it is still refused while the deployer owns it...
    const progress = readProgress()!;
    progress.acknowledgedContracts = { [strayAddress]: "a second fUSDC proxy from a crashed run, disowned" };
    fs.writeFileSync(progressFile(), JSON.stringify(progress, null, 2));
    const owned = await deployToTheEnd();
    expect(owned.code, owned.output).to.equal(1);
    expect(owned.output).to.include(`${strayAddress} (nonce ${stray.deploymentTransaction()!.nonce}, not part of the protocol: a second fUSDC proxy`);
    expect(owned.output).to.include(`is owned by ${DEPLOYER.address}, not the timelock ${deployment.timelock!.address}`);

    // ...and accepted once disowned.
    await (await LendingPool__factory.connect(strayAddress, deployer).renounceOwnership()).wait();
    const accepted = await deployToTheEnd();
    expect(accepted.code, accepted.output).to.equal(0);
    expect(accepted.output).to.match(/^done: every contract is owned by the timelock/m);
    expect(readDeployment().createdContracts!.find((contract) => contract.address === strayAddress)?.what).to.equal(
      "not part of the protocol: a second fUSDC proxy from a crashed run, disowned",
    );
  });
});

/**
 * The production deployment rehearsed against a second Hardhat node standing in for a real chain: the node is
 * started as a child process (chain id 31338, the `rehearsal` network), the chain's "existing" contracts are put
 * there first (tokens, Chainlink-style feeds, Uniswap V2 factory, router and pairs, StakingRewards farms, at the
 * addresses config/networks/rehearsal.json names), and scripts/deploy.ts and scripts/upgrade.ts run against it as
 * `hardhat run --network rehearsal`, exactly as an operator would run them against a real chain.
 */
import { expect } from "chai";
import hre from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ContractFactory, JsonRpcProvider, ZeroAddress, getAddress, parseUnits } from "ethers";
import { loadDeployConfig } from "../../../lib/deployConfig";
import { HARDHAT_CLI, REHEARSAL_CHAIN_ID, ROOT, runCommand, startRehearsalNode, type RehearsalNode, type Run } from "./childProcesses";
import { deployRehearsalEcosystem, ecosystemMismatches, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import type { DeployProgress, ProtocolDeployment } from "../../../scripts/lib/deployProtocol";
import {
  FluxTimelock__factory,
  LendingPool__factory,
  LendingPoolV2Test__factory,
  PriceOracle__factory,
  StakingRewardsVault__factory,
} from "../../../typechain-types";

const PORT = 8620;
const RPC_URL = `http://127.0.0.1:${PORT}`;
const CHAIN_ID = REHEARSAL_CHAIN_ID;
// Hardhat's well-known default accounts (public test keys): #0 deploys, #2 is the timelock's proposer and executor.
const DEPLOYER = { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" };
const PROPOSER = { address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", key: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" };
/** Hardhat's account #8 plays the L2's Chainlink publisher (the sequencer uptime feed). */
const FEED_PUBLISHER = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";



describe("production deployment rehearsed on a second node (scripts/deploy.ts, scripts/upgrade.ts)", function () {
  this.timeout(120_000);

  let node: RehearsalNode | undefined;
  let provider: JsonRpcProvider;
  let directory: string;
  const config = loadDeployConfig("rehearsal");
  /** The committed config plus an L2-style sequencer uptime feed, which the deploy must set before the hand-over. */
  let configWithSequencer: string;
  let sequencerFeed: string;
  const SEQUENCER_GRACE_PERIOD_SECONDS = 60;

  /** `hardhat run --network rehearsal <script>` as a child process, with the deployer's key unless told otherwise. */
  function runScript(script: string, env: Record<string, string> = {}): Promise<Run> {
    return runCommand(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", script], {
      REHEARSAL_RPC_URL: RPC_URL,
      DEPLOYER_PRIVATE_KEY: DEPLOYER.key,
      FLUX_DEPLOYMENTS_DIR: directory,
      FLUX_DEPLOY_CONFIG: configWithSequencer,
      FLUX_DEPLOY_FAIL_AFTER: "",
      ...env,
    });
  }
  const deploy = (env: Record<string, string> = {}) => runScript("scripts/deploy.ts", env);
  const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(directory, file), "utf8")) as T;
  const rpc = (method: string, params: unknown[] = []) => provider.send(method, params);
  const implementationOf = async (proxy: string) => getAddress("0x" + (await provider.getStorage(proxy, IMPLEMENTATION_SLOT)).slice(26));

  /** Every proxy, model and the timelock of a deployment file, by name. */
  function addresses(deployment: ProtocolDeployment) {
    return {
      oracle: deployment.farming!.oracle.address,
      pools: Object.fromEntries(Object.values(deployment.pools).map((pool) => [pool.symbol, [pool.pool.address, pool.interestRateModel.address]])),
      vaults: Object.fromEntries(Object.values(deployment.farming!.vaults).map((vault) => [vault.name, vault.vault.address])),
      timelock: deployment.timelock!.address,
    };
  }
  function ownedContracts(deployment: ProtocolDeployment): string[] {
    return [
      deployment.farming!.oracle.address,
      ...Object.values(deployment.pools).map((pool) => pool.pool.address),
      ...Object.values(deployment.farming!.vaults).map((vault) => vault.vault.address),
    ];
  }
  /** Transactions that created a contract in blocks [from, latest]. */
  async function contractCreationsSince(from: number): Promise<number> {
    let creations = 0;
    const latest = await provider.getBlockNumber();
    for (let number = from; number <= latest; number++) {
      const block = await provider.getBlock(number, true);
      creations += block!.prefetchedTransactions.filter((transaction) => transaction.to === null).length;
    }
    return creations;
  }

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-rehearsal-"));
    node = await startRehearsalNode(PORT);
    provider = node.provider;
    // The chain's existing contracts, from another account than the deployer, where the config says they are.
    const ecosystem = await deployRehearsalEcosystem(await provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), (name) => hre.artifacts.readArtifact(name));
    expect(ecosystemMismatches(ecosystem, config)).to.deep.equal([]);
    // A sequencer uptime feed (answer 0: up), published by another account so the ecosystem's addresses stay put; its
    // up-since is then pushed past the grace period, as on a live L2.
    const artifact = await hre.artifacts.readArtifact("SettableAggregator");
    const feed = await new ContractFactory(artifact.abi, artifact.bytecode, await provider.getSigner(FEED_PUBLISHER)).deploy(0, "L2 Sequencer Uptime Status Feed", 0);
    await feed.waitForDeployment();
    sequencerFeed = await feed.getAddress();
    await rpc("evm_increaseTime", [2 * SEQUENCER_GRACE_PERIOD_SECONDS]);
    await rpc("evm_mine");
    const raw = JSON.parse(fs.readFileSync(path.join(ROOT, "config/networks/rehearsal.json"), "utf8"));
    configWithSequencer = path.join(directory, "rehearsal-with-sequencer.json");
    fs.writeFileSync(
      configWithSequencer,
      JSON.stringify({ ...raw, sequencerUptimeFeed: sequencerFeed, sequencerGracePeriodSeconds: SEQUENCER_GRACE_PERIOD_SECONDS }),
    );
  });

  after(() => {
    node?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it("checks the config against the chain and names what is wrong before sending anything", async () => {
    const broken = JSON.parse(fs.readFileSync(path.join(ROOT, "config/networks/rehearsal.json"), "utf8"));
    // The farms swapped between the vaults, and a feed that is not a contract.
    [broken.vaults["USDC-USDT"].farm, broken.vaults["WETH-USDC"].farm] = [broken.vaults["WETH-USDC"].farm, broken.vaults["USDC-USDT"].farm];
    broken.tokens.USDT.feed = "0x000000000000000000000000000000000000fa02";
    const file = path.join(directory, "broken.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    const nonce = await provider.getTransactionCount(DEPLOYER.address);

    const run = await deploy({ FLUX_DEPLOY_CONFIG: file });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include(`vaults["USDC-USDT"].farm (${broken.vaults["USDC-USDT"].farm}) stakes ${config.vaults["WETH-USDC"].pair}, not the vault's pair`);
    expect(run.output).to.include(`vaults["WETH-USDC"].farm (${broken.vaults["WETH-USDC"].farm}) stakes`);
    expect(run.output).to.include(`tokens.USDT.feed (${getAddress(broken.tokens.USDT.feed)}) is not a contract on this chain`);
    expect(await provider.getTransactionCount(DEPLOYER.address)).to.equal(nonce);
    expect(fs.existsSync(path.join(directory, "rehearsal.json"))).to.equal(false);
  });

  let firstDeployment: ProtocolDeployment;

  it("stops when a run fails midway; the next run continues where it stopped and hands ownership to the timelock", async () => {
    const blockBefore = await provider.getBlockNumber();
    const failed = await deploy({ FLUX_DEPLOY_FAIL_AFTER: "pool:USDT" });
    expect(failed.code, failed.output).to.equal(1);
    expect(failed.output).to.include('Stopped after step "pool:USDT"');
    const partial = readJson<DeployProgress>("rehearsal.progress.json");
    expect(Object.keys(partial.steps)).to.deep.equal(["oracle", "pool:USDC", "pool:USDT"]);
    expect(partial.startBlock).to.equal(blockBefore);
    expect(fs.existsSync(path.join(directory, "rehearsal.json"))).to.equal(false);

    const run = await deploy();
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.include("= fUSDT pool (UUPS proxy) and its KinkedRateModel: done earlier");
    const deployment = readJson<ProtocolDeployment>("rehearsal.json");
    firstDeployment = deployment;
    // What the failed run deployed was kept, not deployed again.
    const earlier = partial.steps as Record<string, { address?: string; pool?: { address: string } }>;
    expect(deployment.farming!.oracle.address).to.equal(earlier.oracle.address);
    expect(deployment.pools.USDC.pool.address).to.equal(earlier["pool:USDC"].pool!.address);
    expect(deployment.pools.USDT.pool.address).to.equal(earlier["pool:USDT"].pool!.address);

    // The deployment file: the local format, pointing at the chain's existing contracts.
    expect(deployment).to.include({ network: "rehearsal", chainId: CHAIN_ID, startBlock: blockBefore, deployer: DEPLOYER.address });
    expect(deployment.guardian).to.equal(config.guardian);
    // The chain's gas token, which the keeper prices gas with, recorded from the config.
    expect(deployment.nativeToken).to.deep.equal({ symbol: "ETH", feed: config.tokens.WETH.feed });
    // The rehearsal's test-account governance passes only by the config's named overrides, each logged with its reason.
    expect(run.output).to.include("! governance override: guardian (0x70997970C51812dc3A010C7d01b50e0d17dc79C8) is an externally owned account");
    expect(run.output).to.include("(allowed by governanceOverrides.shortDelay:");
    expect(Object.keys(deployment.pools)).to.deep.equal(["USDC", "USDT", "WETH"]);
    expect(Object.keys(deployment.farming!.vaults)).to.deep.equal(["USDC-USDT", "WETH-USDC"]);
    for (const token of Object.values(config.tokens)) {
      expect(deployment.tokens[token.symbol]).to.deep.equal({ address: token.address, artifact: "IERC20Metadata", decimals: token.decimals });
      expect(deployment.farming!.feeds[token.symbol]).to.equal(token.feed);
    }
    expect(deployment.farming).to.include({
      uniswapFactory: config.dex.factory,
      uniswapRouter: config.dex.router,
      rewardPair: config.rewards.pair,
    });
    expect(deployment.farming!.flux.address).to.equal(config.tokens.FLUX.address);
    // Each ABI is named by an artifact the app and keeper can load.
    const records = [
      deployment.farming!.oracle,
      deployment.timelock!,
      ...Object.values(deployment.pools).flatMap((pool) => [pool.pool, pool.interestRateModel]),
      ...Object.values(deployment.farming!.vaults).map((vault) => vault.vault),
      ...Object.values(deployment.tokens),
    ];
    for (const record of records) expect((await hre.artifacts.readArtifact(record.artifact)).abi).to.not.be.empty;
    for (const proxy of [deployment.farming!.oracle, ...Object.values(deployment.pools).map((pool) => pool.pool)]) {
      expect(proxy.implementation).to.equal(await implementationOf(proxy.address));
    }

    // The contracts, as the config asked.
    const oracle = PriceOracle__factory.connect(deployment.farming!.oracle.address, provider);
    expect(await oracle.priceOf(config.tokens.WETH.address)).to.equal(parseUnits("2000", 18));
    // The sequencer uptime feed and its grace period, set while the deployer still owned the oracle.
    expect(run.output + failed.output).to.include(`oracle.setSequencerUptimeFeed(${sequencerFeed}, ${SEQUENCER_GRACE_PERIOD_SECONDS} s)`);
    const [uptimeFeed, gracePeriod] = await oracle.sequencerUptimeFeed();
    console.log(`      oracle.sequencerUptimeFeed() = ${uptimeFeed}, ${gracePeriod} s`);
    expect([uptimeFeed, gracePeriod]).to.deep.equal([sequencerFeed, BigInt(SEQUENCER_GRACE_PERIOD_SECONDS)]);
    expect((await oracle.feedOf(config.tokens.USDT.address)).maxStalenessSeconds).to.equal(259_200n);
    const pool = (symbol: string) => LendingPool__factory.connect(deployment.pools[symbol].pool.address, provider);
    expect(await pool("WETH").asset()).to.equal(config.tokens.WETH.address);
    expect((await pool("WETH").configuration()).reserveFactorBps).to.equal(1_500n);
    const stable = deployment.farming!.vaults["USDC-USDT"];
    const volatile = deployment.farming!.vaults["WETH-USDC"];
    expect(stable).to.include({ pair: config.vaults["USDC-USDT"].pair, farm: config.vaults["USDC-USDT"].farm, token0: "USDC", token1: "USDT" });
    expect(volatile).to.include({ token0: "USDC", token1: "WETH" });
    const volatileVault = StakingRewardsVault__factory.connect(volatile.vault.address, provider);
    expect(await volatileVault.farm()).to.equal(config.vaults["WETH-USDC"].farm);
    expect((await volatileVault.riskParameters()).maxLeverageWad).to.equal(parseUnits("3", 18));
    const [maxDebtUsdc, maxDebtWeth] = await volatileVault.configuration();
    expect([maxDebtUsdc, maxDebtWeth]).to.deep.equal([(1n << 128n) - 1n, parseUnits("250", 18)]);
    expect((await pool("USDC").borrowerAccount(stable.vault.address)).creditLimit).to.equal(parseUnits("1000000", 6));
    expect((await pool("USDC").borrowerAccount(volatile.vault.address)).creditLimit).to.equal(parseUnits("500000", 6));
    expect((await pool("WETH").borrowerAccount(volatile.vault.address)).creditLimit).to.equal(parseUnits("250", 18));

    // Ownership: transferred, and the timelock's acceptance scheduled behind its one-hour delay.
    const timelock = FluxTimelock__factory.connect(deployment.timelock!.address, provider);
    expect(await timelock.getMinDelay()).to.equal(3_600n);
    expect(deployment.owner).to.equal(DEPLOYER.address);
    expect(deployment.pendingOwner).to.equal(deployment.timelock!.address);
    for (const address of ownedContracts(deployment)) {
      const ownable = LendingPool__factory.connect(address, provider);
      expect(await ownable.owner()).to.equal(DEPLOYER.address);
      expect(await ownable.pendingOwner()).to.equal(deployment.timelock!.address);
    }
    const [operation] = deployment.pendingOperations!;
    expect(operation.state).to.equal("waiting");
    expect(operation.targets).to.deep.equal(ownedContracts(deployment));
    expect(await timelock.isOperationPending(operation.id)).to.equal(true);
    // The deployer proposed once and gave that right up; the configured proposer holds it.
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), DEPLOYER.address)).to.equal(false);
    expect(await timelock.hasRole(await timelock.CANCELLER_ROLE(), DEPLOYER.address)).to.equal(false);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), PROPOSER.address)).to.equal(true);
  });

  it("a rerun deploys nothing new; after the delay it completes the hand-over, and then it sends nothing", async () => {
    await rpc("evm_increaseTime", [3_601]);
    await rpc("evm_mine");
    const from = (await provider.getBlockNumber()) + 1;

    const run = await deploy();
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.include("0 deployment step(s) run");
    expect(run.output).to.include("and the deployer holds no timelock role");
    expect(await contractCreationsSince(from)).to.equal(0);
    const deployment = readJson<ProtocolDeployment>("rehearsal.json");
    expect(addresses(deployment)).to.deep.equal(addresses(firstDeployment));

    const timelockAddress = deployment.timelock!.address;
    expect(deployment.owner).to.equal(timelockAddress);
    expect(deployment.pendingOwner).to.equal(undefined);
    expect(deployment.pendingOperations).to.equal(undefined);
    for (const address of ownedContracts(deployment)) {
      const ownable = LendingPool__factory.connect(address, provider);
      expect(await ownable.owner()).to.equal(timelockAddress);
      expect(await ownable.pendingOwner()).to.equal(ZeroAddress);
    }
    // The deployer holds no role at the timelock any more.
    const timelock = FluxTimelock__factory.connect(timelockAddress, provider);
    for (const role of [await timelock.PROPOSER_ROLE(), await timelock.CANCELLER_ROLE(), await timelock.EXECUTOR_ROLE(), await timelock.DEFAULT_ADMIN_ROLE()]) {
      expect(await timelock.hasRole(role, DEPLOYER.address)).to.equal(false);
    }

    const nonce = await provider.getTransactionCount(DEPLOYER.address);
    const block = await provider.getBlockNumber();
    const again = await deploy();
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.include("0 deployment step(s) run, 0 transaction(s) sent");
    expect(await provider.getTransactionCount(DEPLOYER.address)).to.equal(nonce);
    expect(await provider.getBlockNumber()).to.equal(block);
    expect(addresses(readJson<ProtocolDeployment>("rehearsal.json"))).to.deep.equal(addresses(firstDeployment));
  });

  it("upgrades a pool the timelock owns: validates and schedules, then executes after the delay", async () => {
    const deployment = readJson<ProtocolDeployment>("rehearsal.json");
    const proxy = deployment.pools.USDC.pool.address;
    const implementationBefore = await implementationOf(proxy);
    const env = { DEPLOYER_PRIVATE_KEY: PROPOSER.key, UPGRADE_CONTRACT: "LendingPoolV2Test", UPGRADE_TARGET: "USDC", UPGRADE_CALL: "initializeV2", UPGRADE_CALL_ARGS: "[7]" };

    const scheduled = await runScript("scripts/upgrade.ts", env);
    expect(scheduled.code, scheduled.output).to.equal(0);
    expect(scheduled.output).to.include("timelock operation (scheduled)");
    expect(scheduled.output).to.match(/schedule\s+send to the timelock: 0x01d5062a/); // schedule(...) calldata
    expect(await implementationOf(proxy)).to.equal(implementationBefore);

    await rpc("evm_increaseTime", [3_601]);
    await rpc("evm_mine");
    const executed = await runScript("scripts/upgrade.ts", env);
    expect(executed.code, executed.output).to.equal(0);
    expect(executed.output).to.include("timelock operation (executed)");
    const upgraded = LendingPoolV2Test__factory.connect(proxy, provider);
    expect(await implementationOf(proxy)).to.not.equal(implementationBefore);
    expect(await upgraded.version()).to.equal("2-test");
    expect(await upgraded.upgradeNote()).to.equal(7n);
    expect(await upgraded.owner()).to.equal(deployment.timelock!.address);
    const after = readJson<ProtocolDeployment>("rehearsal.json").pools.USDC.pool;
    expect(after).to.deep.equal({ address: proxy, artifact: "LendingPoolV2Test", implementation: await implementationOf(proxy) });
  });
});

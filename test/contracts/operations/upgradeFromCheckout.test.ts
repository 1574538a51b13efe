/**
 * An upgrade run from a fresh checkout, on the rehearsal chain (chain id 31338, a Hardhat node that does not answer
 * `hardhat_metadata`, so the OpenZeppelin plugin treats it as a real network: config/hardhat.rehearsal.config.ts).
 *
 * The deploy runs in one directory, as on the deployer's machine, and the plugin writes its manifest there (not to the
 * OS temp folder it uses for development nodes). Only what is committed, deployments/rehearsal.json and
 * .openzeppelin/unknown-31338.json, is copied into a second directory, a fresh checkout, and `npm run upgrade` runs
 * from there with the proposer's key: the new vault implementation is validated against that manifest and scheduled.
 * What that run adds to the manifest is committed in turn, and after the delay a third checkout executes it with the
 * executor's key: it finds the same implementation and modules in the manifest, so it executes the operation that
 * was scheduled instead of building another. A checkout without the manifest is refused, in words, before anything
 * is sent.
 *
 * Every run gets an empty TMPDIR of its own, so no run can read what another left in the plugin's temp folder.
 */
import { expect } from "chai";
import hre from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getAddress, type JsonRpcProvider } from "ethers";
import { HARDHAT_CLI, REHEARSAL_CHAIN_ID, ROOT, runCommand, startRehearsalNode, type RehearsalNode, type Run } from "./childProcesses";
import { deployRehearsalEcosystem, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import type { ProtocolDeployment } from "../../../scripts/lib/deployProtocol";
import { StakingRewardsVaultV2Test__factory } from "../../../typechain-types";

const PORT = 8549;
const RPC_URL = `http://127.0.0.1:${PORT}`;
// Hardhat's well-known default accounts (public test keys): #0 deploys, #2 is the timelock's proposer and executor.
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const PROPOSER = { address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", key: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" };
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
/** The plugin's name for a chain it has no name for. */
const MANIFEST_NAME = `unknown-${REHEARSAL_CHAIN_ID}.json`;
/** The rehearsal config's timelock delay (config/networks/rehearsal.json), plus a second. */
const PAST_THE_DELAY_SECONDS = 3_601;

describe("upgrading a rehearsal deployment from a fresh checkout that has only the committed manifest", function () {
  this.timeout(180_000);

  let node: RehearsalNode | undefined;
  let provider: JsonRpcProvider;
  let work: string;
  /** The deployer's machine: where the deploy wrote the deployment file and, inside that directory, the manifest. */
  let deployerDeployments: string;
  let deployment: ProtocolDeployment;

  /** A directory laid out like a checkout of the repository, as far as the upgrade reads it. */
  interface Checkout {
    root: string;
    deployments: string;
    manifests: string;
  }
  function emptyCheckout(name: string): Checkout {
    const root = path.join(work, name);
    const checkout = { root, deployments: path.join(root, "deployments"), manifests: path.join(root, ".openzeppelin") };
    fs.mkdirSync(checkout.deployments, { recursive: true });
    return checkout;
  }
  /** What `git clone` of a commit that has the deployment file and (unless told otherwise) the manifest gives. */
  function commitInto(checkout: Checkout, from: { deploymentFile: string; manifestFile?: string }) {
    fs.copyFileSync(from.deploymentFile, path.join(checkout.deployments, "rehearsal.json"));
    if (from.manifestFile) {
      fs.mkdirSync(checkout.manifests, { recursive: true });
      fs.copyFileSync(from.manifestFile, path.join(checkout.manifests, MANIFEST_NAME));
    }
  }
  const checkoutFiles = (checkout: Checkout) => ({
    deploymentFile: path.join(checkout.deployments, "rehearsal.json"),
    manifestFile: path.join(checkout.manifests, MANIFEST_NAME),
  });
  /** An empty TMPDIR for one run. */
  const freshTemp = () => fs.mkdtempSync(path.join(work, "tmp-"));
  const pluginTempFolderOf = (temp: string) => path.join(temp, "openzeppelin-upgrades");

  /** `npm run upgrade -- ...` (scripts/ops.ts) against the rehearsal node, from `checkout`, with only the keys given. */
  function upgradeFrom(checkout: Checkout, keys: Record<string, string>, temp = freshTemp()): Promise<Run> {
    return runCommand(
      process.execPath,
      [
        require.resolve("ts-node/dist/bin.js"),
        "--transpile-only",
        "scripts/ops.ts",
        "upgrade",
        "--network",
        "rehearsal",
        "--contract",
        "StakingRewardsVaultV2Test",
        "--target",
        "USDC-USDT",
        "--deployments-dir",
        checkout.deployments,
        "--manifest-dir",
        checkout.manifests,
      ],
      { REHEARSAL_RPC_URL: RPC_URL, DEPLOYER_PRIVATE_KEY: "", PROPOSER_PRIVATE_KEY: "", EXECUTOR_PRIVATE_KEY: "", TMPDIR: temp, ...keys },
    );
  }
  const implementationOf = async (proxy: string) => getAddress("0x" + (await provider.getStorage(proxy, IMPLEMENTATION_SLOT)).slice(26));
  const advancePastTheDelay = async () => {
    await provider.send("evm_increaseTime", [PAST_THE_DELAY_SECONDS]);
    await provider.send("evm_mine", []);
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "flux-checkout-"));
    deployerDeployments = path.join(work, "deployer", "deployments");
    node = await startRehearsalNode(PORT);
    provider = node.provider;
    await deployRehearsalEcosystem(await provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), (name) => hre.artifacts.readArtifact(name));
  });

  after(() => {
    node?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("deploys with the manifest written where the deployment files go, as on a real network, and none in the temp folder", async () => {
    const repositoryManifest = path.join(ROOT, ".openzeppelin", MANIFEST_NAME);
    const repositoryManifestBefore = fs.existsSync(repositoryManifest) ? fs.readFileSync(repositoryManifest, "utf8") : undefined;
    const deployRun = (temp: string) =>
      runCommand(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", "scripts/deploy.ts"], {
        REHEARSAL_RPC_URL: RPC_URL,
        DEPLOYER_PRIVATE_KEY: DEPLOYER_KEY,
        FLUX_DEPLOYMENTS_DIR: deployerDeployments,
        FLUX_DEPLOY_CONFIG: "",
        FLUX_DEPLOY_FAIL_AFTER: "",
        MANIFEST_DEFAULT_DIR: "",
        TMPDIR: temp,
      });

    const temp = freshTemp();
    const first = await deployRun(temp);
    expect(first.code, first.output).to.equal(0);
    // The hand-over to the timelock waits out its delay: the deploy says so and what to run then.
    expect(first.output).to.match(/! ownership is pending: .* run the deploy again then/);
    await advancePastTheDelay();
    const second = await deployRun(temp);
    expect(second.code, second.output).to.equal(0);
    deployment = JSON.parse(fs.readFileSync(path.join(deployerDeployments, "rehearsal.json"), "utf8")) as ProtocolDeployment;
    expect(deployment.owner).to.equal(deployment.timelock!.address);

    // With FLUX_DEPLOYMENTS_DIR set, the manifest goes inside it; the plugin's development folder stays empty, and the
    // repository's own .openzeppelin/ is untouched.
    const manifest = JSON.parse(fs.readFileSync(path.join(deployerDeployments, ".openzeppelin", MANIFEST_NAME), "utf8"));
    const vault = deployment.farming!.vaults["USDC-USDT"].vault;
    expect(manifest.proxies.map((proxy: { address: string }) => proxy.address)).to.include(vault.address);
    const implementations = Object.values(manifest.impls as Record<string, { address: string }>).map((impl) => impl.address);
    expect(implementations).to.include(await implementationOf(vault.address));
    expect(fs.existsSync(pluginTempFolderOf(temp)), "the plugin wrote a development manifest").to.equal(false);
    expect(fs.existsSync(repositoryManifest) ? fs.readFileSync(repositoryManifest, "utf8") : undefined).to.equal(repositoryManifestBefore);
  });

  it("refuses, in words and before sending anything, to upgrade from a checkout without the manifest", async () => {
    const bare = emptyCheckout("checkout-without-manifest");
    commitInto(bare, { deploymentFile: path.join(deployerDeployments, "rehearsal.json") });
    const nonce = await provider.getTransactionCount(PROPOSER.address);
    const block = await provider.getBlockNumber();

    const run = await upgradeFrom(bare, { PROPOSER_PRIVATE_KEY: PROPOSER.key });
    expect(run.code, run.output).to.equal(1);
    const vault = deployment.farming!.vaults["USDC-USDT"].vault;
    expect(run.output).to.include(
      `Refusing to upgrade ${vault.address}: the manifest ${path.join(bare.manifests, MANIFEST_NAME)} has no record of its current implementation ${await implementationOf(vault.address)}`,
    );
    expect(await provider.getTransactionCount(PROPOSER.address)).to.equal(nonce);
    expect(await provider.getBlockNumber()).to.equal(block);
  });

  it("schedules from one checkout with the proposer's key and executes from another with the executor's", async () => {
    const vault = deployment.farming!.vaults["USDC-USDT"].vault;
    const implementationBefore = await implementationOf(vault.address);

    const proposerCheckout = emptyCheckout("checkout-of-the-proposer");
    commitInto(proposerCheckout, {
      deploymentFile: path.join(deployerDeployments, "rehearsal.json"),
      manifestFile: path.join(deployerDeployments, ".openzeppelin", MANIFEST_NAME),
    });
    const temp = freshTemp();
    const scheduled = await upgradeFrom(proposerCheckout, { PROPOSER_PRIVATE_KEY: PROPOSER.key }, temp);
    expect(scheduled.code, scheduled.output).to.equal(0);
    expect(scheduled.output).to.include(`against the manifest ${checkoutFiles(proposerCheckout).manifestFile}`);
    expect(scheduled.output).to.include("timelock operation (scheduled)");
    expect(scheduled.output).to.include(`scheduled operation`);
    expect(scheduled.output).to.match(/Next: after \S+ \(in about \d+ s by the chain's clock\), run this again with EXECUTOR_PRIVATE_KEY/);
    expect(scheduled.output).to.include(`Commit the manifest ${checkoutFiles(proposerCheckout).manifestFile} now`);
    expect(scheduled.output).to.not.include("Nothing was scheduled");
    expect(fs.existsSync(pluginTempFolderOf(temp)), "the plugin wrote a development manifest").to.equal(false);
    expect(await implementationOf(vault.address)).to.equal(implementationBefore);

    // The executor's checkout has what the proposer committed: the deployment file and the manifest with the new
    // implementation and its modules.
    await advancePastTheDelay();
    const executorCheckout = emptyCheckout("checkout-of-the-executor");
    commitInto(executorCheckout, checkoutFiles(proposerCheckout));
    const blockBeforeExecution = await provider.getBlockNumber();
    const executed = await upgradeFrom(executorCheckout, { EXECUTOR_PRIVATE_KEY: PROPOSER.key });
    expect(executed.code, executed.output).to.equal(0);
    expect(executed.output).to.include("timelock operation (executed)");
    const scheduledId = /id\s+(0x[0-9a-f]{64})/.exec(scheduled.output)?.[1];
    expect(scheduledId, scheduled.output).to.not.equal(undefined);
    expect(executed.output).to.include(`executed operation ${scheduledId}`);
    expect(executed.output).to.include("Done:");
    // Nothing was deployed again: the only block is the execution.
    expect(await provider.getBlockNumber()).to.equal(blockBeforeExecution + 1);

    const upgraded = StakingRewardsVaultV2Test__factory.connect(vault.address, provider);
    expect(await upgraded.version()).to.equal("2-test");
    expect(await upgraded.owner()).to.equal(deployment.timelock!.address);
    const record = (JSON.parse(fs.readFileSync(checkoutFiles(executorCheckout).deploymentFile, "utf8")) as ProtocolDeployment).farming!.vaults["USDC-USDT"].vault;
    expect(record).to.deep.equal({ address: vault.address, artifact: "StakingRewardsVaultV2Test", implementation: await implementationOf(vault.address) });
  });
});

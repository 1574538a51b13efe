/**
 * The deploy preflight's price sanity (scripts/lib/priceSanity.ts) on a second Hardhat node standing in for a real
 * chain, started the way deploy.test.ts starts it (its own port, so the two can run side by side): swapped feeds, a
 * feed off by 10^10 in scale, a feed 20% from its pair's price and a feed for another token of the same price are each
 * refused with words naming both tokens; governance a real chain should not trust (externally owned roles, a short
 * delay, one address holding every role) is refused unless the config waives it by name with a reason; and
 * scripts/deploy.ts refuses both before it sends anything.
 */
import { expect } from "chai";
import hre from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ContractFactory, JsonRpcProvider, parseUnits } from "ethers";
import { parseDeployConfig } from "../../../lib/deployConfig";
import { deployRehearsalEcosystem, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import { describesUsdPriceOf, priceSanityProblems, PRICE_SANITY_TOLERANCE_BPS } from "../../../scripts/lib/priceSanity";
import { LOCAL_CHAIN_ID, MIN_TIMELOCK_DELAY_SECONDS, reviewGovernance } from "../../../scripts/lib/governanceChecks";
import { HARDHAT_CLI, REHEARSAL_CHAIN_ID, ROOT, runCommand, startRehearsalNode, type RehearsalNode } from "./childProcesses";

const PORT = 8547;
const RPC_URL = `http://127.0.0.1:${PORT}`;
const CHAIN_ID = REHEARSAL_CHAIN_ID;
// Hardhat's public test keys: #0 deploys, #8 plays a feed publisher on the rehearsal chain.
const DEPLOYER = { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" };
const FEED_PUBLISHER = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";


describe("deploy preflight: every price checked against its pair and its description", function () {
  this.timeout(120_000);

  let node: RehearsalNode | undefined;
  let provider: JsonRpcProvider;
  let directory: string;
  const rehearsal = () => JSON.parse(fs.readFileSync(path.join(ROOT, "config/networks/rehearsal.json"), "utf8"));
  const problemsWith = (raw: unknown) => priceSanityProblems(provider, parseDeployConfig(raw, "test.json"));

  /** A Chainlink-style feed published by someone else on the rehearsal chain. */
  async function publishFeed(decimals: number, description: string, answer: bigint): Promise<string> {
    const artifact = await hre.artifacts.readArtifact("SettableAggregator");
    const feed = await new ContractFactory(artifact.abi, artifact.bytecode, await provider.getSigner(FEED_PUBLISHER)).deploy(decimals, description, answer);
    await feed.waitForDeployment();
    return feed.getAddress();
  }

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-preflight-"));
    node = await startRehearsalNode(PORT);
    provider = node.provider;
    await deployRehearsalEcosystem(await provider.getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT), (name) => hre.artifacts.readArtifact(name));
  });

  after(() => {
    node?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it("passes the committed rehearsal config: every feed describes its token and agrees with every pair", async () => {
    expect(await problemsWith(rehearsal())).to.deep.equal([]);
  });

  it("reads feed descriptions the way Chainlink writes them", () => {
    expect(describesUsdPriceOf("ETH / USD", "WETH")).to.equal(true);
    expect(describesUsdPriceOf("MATIC / USD", "POL")).to.equal(true);
    expect(describesUsdPriceOf("USDC / USD", "USDC.e")).to.equal(true);
    expect(describesUsdPriceOf("USDC / USD", "USDT")).to.equal(false);
    expect(describesUsdPriceOf("ETH / BTC", "WETH")).to.equal(false); // not a USD price
  });

  it("refuses swapped feeds, naming both tokens", async () => {
    const raw = rehearsal();
    [raw.tokens.USDC.feed, raw.tokens.WETH.feed] = [raw.tokens.WETH.feed, raw.tokens.USDC.feed];
    const problems = await problemsWith(raw);
    expect(problems).to.include(`tokens.USDC.feed (${raw.tokens.USDC.feed}) describes itself as "WETH / USD", not a USD price of USDC: is it another token's feed?`);
    expect(problems).to.include(`tokens.WETH.feed (${raw.tokens.WETH.feed}) describes itself as "USDC / USD", not a USD price of WETH: is it another token's feed?`);
    const onPair = problems.find((problem) => problem.startsWith('vaults["WETH-USDC"].pair'));
    expect(onPair).to.equal(
      'vaults["WETH-USDC"].pair: the feeds price USDC at $2,000 and WETH at $1 (1 USDC = 2,000 WETH), but the pair trades 1 USDC = 0.0005 WETH: ' +
        "4,000,000 times apart, more than the 10% allowed. Are the feeds of USDC and WETH swapped, on the wrong scale, or for another asset?",
    );
  });

  it("refuses a feed off by 10^10 in scale (18-decimal answers behind an 8-decimal feed)", async () => {
    const raw = rehearsal();
    raw.tokens.WETH.feed = await publishFeed(8, "WETH / USD", parseUnits("2000", 18));
    const problems = await problemsWith(raw);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^vaults\["WETH-USDC"\]\.pair: the feeds price USDC at \$1 and WETH at \$20,000,000,000,000 .* 10,000,000,000 times apart/);
    expect(problems[0]).to.include("Are the feeds of USDC and WETH swapped, on the wrong scale, or for another asset?");
  });

  it(`refuses a feed 20% from its pair's price (the tolerance is ${PRICE_SANITY_TOLERANCE_BPS / 100}%) and passes one 5% off`, async () => {
    const raw = rehearsal();
    raw.tokens.WETH.feed = await publishFeed(8, "WETH / USD", parseUnits("2400", 8));
    expect(await problemsWith(raw)).to.deep.equal([
      'vaults["WETH-USDC"].pair: the feeds price USDC at $1 and WETH at $2,400 (1 USDC = 0.000416667 WETH), but the pair trades 1 USDC = 0.0005 WETH: ' +
        "20.0% apart, more than the 10% allowed. Are the feeds of USDC and WETH swapped, on the wrong scale, or for another asset?",
    ]);
    raw.tokens.WETH.feed = await publishFeed(8, "WETH / USD", parseUnits("2100", 8));
    expect(await problemsWith(raw)).to.deep.equal([]);
  });

  it("refuses another token's feed of the same price by its description (USDC's feed under USDT)", async () => {
    const raw = rehearsal();
    raw.tokens.USDT.feed = raw.tokens.USDC.feed;
    expect(await problemsWith(raw)).to.deep.equal([
      `tokens.USDT.feed (${raw.tokens.USDC.feed}) describes itself as "USDC / USD", not a USD price of USDT (it is tokens.USDC.feed too): is it another token's feed?`,
    ]);
  });

  const reviewWith = (raw: unknown, chainId = CHAIN_ID) => reviewGovernance(provider, parseDeployConfig(raw, "test.json"), chainId);
  const GUARDIAN = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const PROPOSER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

  it("refuses externally owned governance roles and a delay under a day on a non-local chain, unless waived by name with a reason", async () => {
    const committed = await reviewWith(rehearsal());
    expect(committed.problems).to.deep.equal([]);
    expect(committed.overridden).to.have.length(4); // proposer, executor, guardian, delay: each logged with its reason
    expect(committed.overridden[0]).to.match(/^timelock\.proposers\[0\] .* \(allowed by governanceOverrides\.eoaRoles: "the rehearsal's guardian/);

    const raw = rehearsal();
    delete raw.governanceOverrides;
    expect((await reviewWith(raw)).problems).to.deep.equal([
      `timelock.proposers[0] (${PROPOSER}) is an externally owned account, not a contract: one leaked key would hold that role; use a multisig or a governor; set governanceOverrides.eoaRoles with the reason to deploy anyway`,
      `timelock.executors[0] (${PROPOSER}) is an externally owned account, not a contract: one leaked key would hold that role; use a multisig or a governor; set governanceOverrides.eoaRoles with the reason to deploy anyway`,
      `guardian (${GUARDIAN}) is an externally owned account, not a contract: one leaked key would hold that role; use a multisig or a governor; set governanceOverrides.eoaRoles with the reason to deploy anyway`,
      `timelock.minDelaySeconds is 3600 s, under the ${MIN_TIMELOCK_DELAY_SECONDS} s (one day) users need to see a scheduled change and leave before it applies; set governanceOverrides.shortDelay with the reason to deploy anyway`,
    ]);
    // Hardhat's own chain is for development: nothing is checked there.
    expect(await reviewWith(raw, LOCAL_CHAIN_ID)).to.deep.equal({ problems: [], overridden: [] });
    // An override needs its reason in words.
    expect(() => parseDeployConfig({ ...raw, governanceOverrides: { eoaRoles: "ok" } }, "test.json")).to.throw(/governanceOverrides\.eoaRoles must give the reason/);
  });

  it("refuses one address as proposer, executor and guardian, and passes contracts in separate hands with a two-day delay", async () => {
    // Contracts on the rehearsal chain stand in for multisigs.
    const [multisig, otherMultisig] = [rehearsal().vaults["USDC-USDT"].farm, rehearsal().vaults["WETH-USDC"].farm];
    const raw = rehearsal();
    delete raw.governanceOverrides;
    raw.timelock.minDelaySeconds = 2 * 86_400;
    raw.timelock.proposers = [multisig];
    raw.timelock.executors = [multisig];
    raw.guardian = multisig;
    expect((await reviewWith(raw)).problems).to.deep.equal([
      `${multisig} is proposer, executor and guardian at once: it alone could pause, schedule and carry out every change; give the guardian and the proposers different owners; set governanceOverrides.oneAddressHoldsEveryRole with the reason to deploy anyway`,
    ]);
    raw.guardian = otherMultisig;
    expect(await reviewWith(raw)).to.deep.equal({ problems: [], overridden: [] });
  });

  it("scripts/deploy.ts refuses swapped feeds and unwaived governance before sending anything", async () => {
    const raw = rehearsal();
    [raw.tokens.USDC.feed, raw.tokens.WETH.feed] = [raw.tokens.WETH.feed, raw.tokens.USDC.feed];
    delete raw.governanceOverrides;
    const file = path.join(directory, "swapped.json");
    fs.writeFileSync(file, JSON.stringify(raw));
    const nonce = await provider.getTransactionCount(DEPLOYER.address);
    const run = await runCommand(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", "scripts/deploy.ts"], {
      REHEARSAL_RPC_URL: RPC_URL,
      DEPLOYER_PRIVATE_KEY: DEPLOYER.key,
      FLUX_DEPLOYMENTS_DIR: directory,
      FLUX_DEPLOY_CONFIG: file,
      FLUX_DEPLOY_FAIL_AFTER: "",
    });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include("is not a valid deployment config");
    expect(run.output).to.include("Are the feeds of USDC and WETH swapped");
    expect(run.output).to.include('describes itself as "WETH / USD", not a USD price of USDC');
    expect(run.output).to.include(`guardian (${GUARDIAN}) is an externally owned account, not a contract`);
    expect(run.output).to.include("timelock.minDelaySeconds is 3600 s, under the 86400 s (one day)");
    expect(await provider.getTransactionCount(DEPLOYER.address)).to.equal(nonce);
    expect(fs.existsSync(path.join(directory, "rehearsal.json"))).to.equal(false);
  });
});

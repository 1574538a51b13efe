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
import { ContractFactory, JsonRpcProvider, Network, parseUnits } from "ethers";
import { parseDeployConfig } from "../../../lib/deployConfig";
import { deployRehearsalEcosystem, REHEARSAL_ECOSYSTEM_ACCOUNT } from "../../../scripts/lib/rehearsalEcosystem";
import { describesUsdPriceOf, priceSanityProblems, PRICE_SANITY_TOLERANCE_BPS } from "../../../scripts/lib/priceSanity";
import { LOCAL_CHAIN_ID, MIN_TIMELOCK_DELAY_SECONDS, reviewGovernance } from "../../../scripts/lib/governanceChecks";
import { startFailingRpcProxy, type FailingRpcProxy, type JsonRpcCall } from "./failingRpcProxy";
import { HARDHAT_CLI, REHEARSAL_CHAIN_ID, ROOT, runCommand, startRehearsalNode, type RehearsalNode } from "./childProcesses";

const PORT = 8621;
/** The failing proxy in front of the node. */
const PROXY_PORT = 8623;
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
    raw.nativeToken.feed = raw.tokens.WETH.feed; // the gas token ETH shares WETH's feed, as in the committed config
    const problems = await problemsWith(raw);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^vaults\["WETH-USDC"\]\.pair: the feeds price USDC at \$1 and WETH at \$20,000,000,000,000 .* 10,000,000,000 times apart/);
    expect(problems[0]).to.include("Are the feeds of USDC and WETH swapped, on the wrong scale, or for another asset?");
  });

  it(`refuses a feed 20% from its pair's price (the tolerance is ${PRICE_SANITY_TOLERANCE_BPS / 100}%) and passes one 5% off`, async () => {
    const raw = rehearsal();
    raw.tokens.WETH.feed = await publishFeed(8, "WETH / USD", parseUnits("2400", 8));
    raw.nativeToken.feed = raw.tokens.WETH.feed;
    expect(await problemsWith(raw)).to.deep.equal([
      'vaults["WETH-USDC"].pair: the feeds price USDC at $1 and WETH at $2,400 (1 USDC = 0.000416667 WETH), but the pair trades 1 USDC = 0.0005 WETH: ' +
        "20.0% apart, more than the 10% allowed. Are the feeds of USDC and WETH swapped, on the wrong scale, or for another asset?",
    ]);
    raw.tokens.WETH.feed = await publishFeed(8, "WETH / USD", parseUnits("2100", 8));
    raw.nativeToken.feed = raw.tokens.WETH.feed;
    expect(await problemsWith(raw)).to.deep.equal([]);
  });

  it("refuses another token's feed of the same price by its description (USDC's feed under USDT)", async () => {
    const raw = rehearsal();
    raw.tokens.USDT.feed = raw.tokens.USDC.feed;
    expect(await problemsWith(raw)).to.deep.equal([
      `tokens.USDT.feed (${raw.tokens.USDC.feed}) is the same feed as tokens.USDC.feed: one feed cannot price two tokens`,
      `tokens.USDT.feed (${raw.tokens.USDC.feed}) describes itself as "USDC / USD", not a USD price of USDT (it is tokens.USDC.feed too): is it another token's feed?`,
    ]);
  });

  it("refuses one feed without a description under two tokens (no description to tell them apart)", async () => {
    const raw = rehearsal();
    const bare = await publishFeed(8, "", parseUnits("1", 8));
    raw.tokens.USDC.feed = bare;
    raw.tokens.USDT.feed = bare;
    const problems = await problemsWith(raw);
    console.log(`      one description-less feed for USDC and USDT: ${JSON.stringify(problems)}`);
    expect(problems).to.deep.equal([`tokens.USDT.feed (${bare}) is the same feed as tokens.USDC.feed: one feed cannot price two tokens`]);
  });

  it("checks the gas token's feed like the others: scale, price, description, a feed of its own", async () => {
    // The rehearsal's gas token ETH shares WETH's feed; given a feed of its own, that feed is compared with WETH's.
    const withNativeFeed = async (decimals: number, description: string, answer: bigint) => {
      const raw = rehearsal();
      raw.nativeToken.feed = await publishFeed(decimals, description, answer);
      return { feed: raw.nativeToken.feed, problems: await problemsWith(raw) };
    };
    const scaled = await withNativeFeed(8, "ETH / USD", parseUnits("2000", 18));
    console.log(`      gas token feed at 10^10 scale: ${scaled.problems.join(" | ")}`);
    expect(scaled.problems).to.deep.equal([
      "nativeToken.feed prices ETH at $20,000,000,000,000, but tokens.WETH.feed prices WETH at $2,000: 10,000,000,000 times apart, more than the 10% allowed. " +
        "Is nativeToken.feed on the wrong scale or for another asset?",
    ]);
    const off = await withNativeFeed(8, "ETH / USD", parseUnits("2400", 8));
    expect(off.problems).to.deep.equal([
      "nativeToken.feed prices ETH at $2,400, but tokens.WETH.feed prices WETH at $2,000: 20.0% apart, more than the 10% allowed. " +
        "Is nativeToken.feed on the wrong scale or for another asset?",
    ]);
    expect((await withNativeFeed(8, "ETH / USD", parseUnits("2050", 8))).problems).to.deep.equal([]);
    const btc = await withNativeFeed(8, "BTC / USD", parseUnits("2000", 8));
    expect(btc.problems).to.deep.equal([`nativeToken.feed (${btc.feed}) describes itself as "BTC / USD", not a USD price of ETH: is it another token's feed?`]);

    // Another token's feed as the gas token's, and a gas token with nothing to compare its price with.
    const raw = rehearsal();
    raw.nativeToken.feed = raw.tokens.USDC.feed;
    expect(await problemsWith(raw)).to.include(
      `nativeToken.feed (${raw.tokens.USDC.feed}) is tokens.USDC.feed, but the gas token ETH is not USDC: name the gas token's own USD feed`,
    );
    raw.nativeToken = { symbol: "BNB", feed: await publishFeed(8, "BNB / USD", parseUnits("600", 8)) };
    expect(await problemsWith(raw)).to.deep.equal([
      `nativeToken.feed (${raw.nativeToken.feed}) cannot be checked against any price: name nativeToken.pair (a Uniswap V2 pair of the wrapped BNB with one of the tokens) or list the wrapped BNB under "tokens"`,
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
    expect(await reviewWith(raw, LOCAL_CHAIN_ID)).to.deep.equal({ problems: [], overridden: [], unchecked: [] });
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
    expect(await reviewWith(raw)).to.deep.equal({ problems: [], overridden: [], unchecked: [] });
  });

  it("counts an EIP-7702-delegated account (code 0xef0100 + an address) as the externally owned account it is", async () => {
    const raw = rehearsal();
    delete raw.governanceOverrides;
    raw.timelock.minDelaySeconds = 2 * 86_400;
    const [multisig, delegate] = [rehearsal().vaults["USDC-USDT"].farm, rehearsal().vaults["WETH-USDC"].farm];
    raw.timelock.proposers = [multisig];
    raw.timelock.executors = [multisig];
    // The guardian's key delegated its account to a contract: it has code now, but its key still rules it.
    await provider.send("hardhat_setCode", [GUARDIAN, "0xef0100" + delegate.slice(2).toLowerCase()]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // past ethers' 250 ms cache of the last getCode answer
    try {
      const review = await reviewWith(raw);
      console.log(`      guardian delegated by EIP-7702: ${review.problems.join(" | ")}`);
      expect(review.problems).to.deep.equal([
        `guardian (${GUARDIAN}) is an externally owned account (its code is an EIP-7702 delegation to 0x${delegate.slice(2).toLowerCase()}, which its own key can change), not a contract: one leaked key would hold that role; use a multisig or a governor; set governanceOverrides.eoaRoles with the reason to deploy anyway`,
      ]);
    } finally {
      await provider.send("hardhat_setCode", [GUARDIAN, "0x"]);
    }
  });

  describe("fails closed on RPC errors (a proxy answering HTTP 502 for some calls)", () => {
    let proxy: FailingRpcProxy;
    let viaProxy: JsonRpcProvider;
    const DESCRIPTION = "0x7284e416"; // description()
    const GET_RESERVES = "0x0902f1ac"; // getReserves()
    const calls = (selector: string) => (batch: JsonRpcCall[]) =>
      batch.some((call) => call.method === "eth_call" && String((call.params?.[0] as { data?: string })?.data ?? "").startsWith(selector));

    before(async () => {
      proxy = await startFailingRpcProxy(PROXY_PORT, RPC_URL, () => "pass");
      viaProxy = new JsonRpcProvider(proxy.url, Network.from(CHAIN_ID), { staticNetwork: true, batchMaxCount: 1 });
    });
    after(async () => {
      viaProxy?.destroy();
      await proxy?.close();
    });

    it("refuses, naming each check, when description() and getReserves() get 502: swapped feeds are not let through", async () => {
      const raw = rehearsal();
      [raw.tokens.USDC.feed, raw.tokens.WETH.feed] = [raw.tokens.WETH.feed, raw.tokens.USDC.feed];
      proxy.setRule((batch) => (calls(DESCRIPTION)(batch) || calls(GET_RESERVES)(batch) ? "fail-before" : "pass"));
      const problems = await priceSanityProblems(viaProxy, parseDeployConfig(raw, "test.json"));
      console.log(`      ${proxy.failed()} of ${proxy.requests()} requests failed; ${problems.length} problems, first: ${problems[0]}`);
      const unchecked = problems.filter((problem) => problem.includes("the node did not answer"));
      expect(unchecked.map((problem) => problem.split(":")[0])).to.deep.equal([
        `tokens.USDC.feed (${raw.tokens.USDC.feed})`,
        `tokens.USDT.feed (${raw.tokens.USDT.feed})`,
        `tokens.WETH.feed (${raw.tokens.WETH.feed})`,
        `tokens.FLUX.feed (${raw.tokens.FLUX.feed})`, // the gas token's feed is WETH's, checked once
        `vaults["USDC-USDT"].pair (${raw.vaults["USDC-USDT"].pair})`,
        `vaults["WETH-USDC"].pair (${raw.vaults["WETH-USDC"].pair})`,
        `rewards.pair (${raw.rewards.pair})`,
      ]);
      expect(unchecked[0]).to.match(/could not read its description\(\), the node did not answer \(.*\); a price that cannot be checked is refused: run again$/);
    });

    it("refuses when latestRoundData() fails, and passes once the node answers again", async () => {
      proxy.setRule((batch) => (calls("0xfeaf968c")(batch) ? "fail-before" : "pass")); // latestRoundData()
      const problems = await priceSanityProblems(viaProxy, parseDeployConfig(rehearsal(), "test.json"));
      expect(problems.filter((problem) => problem.includes("could not read its latest price"))).to.have.length(4);
      proxy.setRule(() => "pass");
      expect(await priceSanityProblems(viaProxy, parseDeployConfig(rehearsal(), "test.json"))).to.deep.equal([]);
    });

    it("scripts/deploy.ts retries a transient 502 (named so) and goes on to refuse the swapped feeds", async () => {
      const raw = rehearsal();
      [raw.tokens.USDC.feed, raw.tokens.WETH.feed] = [raw.tokens.WETH.feed, raw.tokens.USDC.feed];
      const file = path.join(directory, "swapped-retry.json");
      fs.writeFileSync(file, JSON.stringify(raw));
      // Every third description() call fails once: the retry gets the answer.
      let seen = 0;
      proxy.setRule((batch) => (calls(DESCRIPTION)(batch) && seen++ % 3 === 0 ? "fail-before" : "pass"));
      const nonce = await provider.getTransactionCount(DEPLOYER.address);
      const run = await runCommand(process.execPath, [HARDHAT_CLI, "run", "--no-compile", "--network", "rehearsal", "scripts/deploy.ts"], {
        REHEARSAL_RPC_URL: proxy.url,
        DEPLOYER_PRIVATE_KEY: DEPLOYER.key,
        FLUX_DEPLOYMENTS_DIR: directory,
        FLUX_DEPLOY_CONFIG: file,
        FLUX_DEPLOY_FAIL_AFTER: "",
      });
      proxy.setRule(() => "pass");
      console.log(`      ${proxy.failed()} requests failed in all; the run said: ${run.output.split("\n").filter((line) => line.includes("transient")).slice(0, 2).join(" / ")}`);
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.match(/transient RPC error on eth_call \(.*\): retrying in 250 ms/);
      expect(run.output).to.include('describes itself as "WETH / USD", not a USD price of USDC');
      expect(run.output).to.not.include("could not read");
      expect(await provider.getTransactionCount(DEPLOYER.address)).to.equal(nonce);
    });
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

  // These move the rehearsal chain's clock, so they run last (mocha runs a describe's own tests before its inner ones).
  describe("freshness", () => {
  it("refuses a staleness limit shorter than the feed's heartbeat (rounds 3,600 s apart, a limit of 3,540 s)", async () => {
    const artifact = await hre.artifacts.readArtifact("SettableAggregator");
    const feed = await new ContractFactory(artifact.abi, artifact.bytecode, await provider.getSigner(FEED_PUBLISHER)).deploy(8, "WETH / USD", parseUnits("2000", 8));
    await feed.waitForDeployment();
    await provider.send("evm_increaseTime", [3_600]);
    await (await (feed as unknown as { setAnswer(answer: bigint): Promise<{ wait(): Promise<unknown> }> }).setAnswer(parseUnits("2001", 8))).wait();
    const raw = rehearsal();
    raw.tokens.WETH.feed = await feed.getAddress();
    raw.nativeToken.feed = raw.tokens.WETH.feed;
    raw.tokens.WETH.maxStalenessSeconds = 3_540;
    const problems = await problemsWith(raw);
    console.log(`      ${problems.join(" | ")}`);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^tokens\.WETH\.maxStalenessSeconds \(3540 s\) is shorter than tokens\.WETH\.feed's heartbeat: its rounds 1 and 2 came 360\d s apart, and the oracle would refuse its price between updates/,
    );
    raw.tokens.WETH.maxStalenessSeconds = 3_700;
    expect(await problemsWith(raw)).to.deep.equal([]);
  });

  it("refuses a feed 4 days old against its 3-day limit, the gas token's feed included", async () => {
    const raw = rehearsal();
    raw.nativeToken.feed = await publishFeed(8, "ETH / USD", parseUnits("2000", 8)); // a feed of its own, checked on its own
    await provider.send("evm_increaseTime", [4 * 86_400]);
    await provider.send("evm_mine", []);
    const problems = await problemsWith(raw);
    console.log(`      after 4 days without updates: ${problems.length} problems, first: ${problems[0]}`);
    for (const field of ["tokens.USDC", "tokens.USDT", "tokens.WETH", "tokens.FLUX"]) {
      expect(problems.some((problem) => new RegExp(`^${field.replace(".", "\\.")}\\.feed \\(0x[0-9a-fA-F]{40}\\) last answered 3\\d{5} s ago, more than ${field.replace(".", "\\.")}\\.maxStalenessSeconds \\(259200 s\\): a stale feed is refused`).test(problem)), field).to.equal(true);
    }
    expect(problems.some((problem) => /^nativeToken\.feed \(0x[0-9a-fA-F]{40}\) last answered 3\d{5} s ago, more than the gas token's staleness limit \(259200 s\)/.test(problem))).to.equal(true);
  });
  });
});

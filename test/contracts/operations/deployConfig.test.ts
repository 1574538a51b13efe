import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { parseUnits } from "ethers";
import { DeployConfigError, loadDeployConfig, parseDeployConfig } from "../../../lib/deployConfig";
import { STABLECOIN_RATE_MODEL } from "../../../lib/pools";
import { STABLE_VAULT_RISK } from "../../../lib/vaults";

const DIRECTORY = path.resolve(__dirname, "../../../config/networks");
const rehearsal = () => JSON.parse(fs.readFileSync(path.join(DIRECTORY, "rehearsal.json"), "utf8"));

function problemsOf(raw: unknown): string[] {
  try {
    parseDeployConfig(raw, "test.json");
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

describe("deployment config (lib/deployConfig.ts)", () => {
  it("loads every committed config, the documented example included", () => {
    const files = fs.readdirSync(DIRECTORY).filter((file) => file.endsWith(".json"));
    expect(files).to.include.members(["rehearsal.json", "polygon.example.json"]);
    for (const file of files) {
      const config = loadDeployConfig(file.replace(/\.json$/, ""), DIRECTORY);
      expect(Object.keys(config.vaults).length, file).to.be.greaterThan(0);
    }
    const example = loadDeployConfig("polygon.example", DIRECTORY);
    expect(example.timelock.minDelaySeconds).to.equal(172_800);
    expect(example.pools.USDC.rateModel).to.deep.equal(STABLECOIN_RATE_MODEL);
    expect(example.vaults["USDC-USDT"].risk).to.deep.equal(STABLE_VAULT_RISK);
  });

  it("turns presets, percents, leverage and amounts into the contracts' units", () => {
    const config = loadDeployConfig("rehearsal", DIRECTORY);
    expect(config.pools.WETH.rateModel).to.deep.equal({
      baseRatePerYear: parseUnits("0.01", 18),
      rateAtOptimalPerYear: parseUnits("0.08", 18),
      rateAtFullPerYear: parseUnits("1.5", 18),
      optimalUtilization: parseUnits("0.8", 18),
    });
    expect(config.pools.USDT.reserveFactorBps).to.equal(1_000); // the default
    expect(config.vaults["WETH-USDC"].risk.maxLeverageWad).to.equal(parseUnits("3", 18));
    expect(config.vaults["WETH-USDC"].debtCaps.USDC).to.deep.equal({ unlimited: true });
    expect(config.vaults["WETH-USDC"].creditLimits.USDC).to.deep.equal({ unlimited: false, wholeTokens: "500000" });
    // Credit limits default to the debt caps.
    expect(config.vaults["USDC-USDT"].creditLimits).to.deep.equal(config.vaults["USDC-USDT"].debtCaps);
  });

  it("refuses a config with mistakes, naming every bad field in words", () => {
    const raw = rehearsal();
    raw.guardian = "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"; // a broken checksum
    raw.tokens.WETH.maxStalenessSeconds = 5;
    raw.pools.USDT.rateModel = { baseRatePercent: 5, rateAtOptimalPercent: 4, rateAtFullPercent: 60, optimalUtilizationPercent: 100 };
    raw.vaults["USDC-USDT"].risk = { ...raw.vaults["WETH-USDC"].risk, killFactorBps: 6_000 };
    raw.vaults["WETH-USDC"].debtCaps = { WETH: "lots", DAI: "1" };
    raw.vaults["WETH-USDC"].farms = raw.vaults["WETH-USDC"].farm;
    delete raw.vaults["WETH-USDC"].farm;
    raw.rewards.token = "CAKE";
    raw.timelock.executors = [];

    expect(problemsOf(raw)).to.have.members([
      'guardian must be an address (0x followed by 40 hex digits, with a valid checksum if mixed-case), got "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"',
      "tokens.WETH.maxStalenessSeconds must be between 60 and 4294967295, got 5",
      'rewards.token must be the symbol of a token under "tokens" (USDC, USDT, WETH, FLUX), got "CAKE"',
      "pools.USDT.rateModel.optimalUtilizationPercent must be strictly between 0 and 100",
      "pools.USDT.rateModel.baseRatePercent must not be above rateAtOptimalPercent (rates may not fall as utilization rises)",
      'vaults["USDC-USDT"].risk.killFactorBps (6000) must be above workFactorBps (7000)',
      'vaults["WETH-USDC"].farms is not a known setting (expected one of: pair, farm, risk, debtCaps, creditLimits)',
      'vaults["WETH-USDC"].debtCaps.WETH must be an amount in whole tokens ("2500000", "0.5") or "unlimited", got "lots"',
      'vaults["WETH-USDC"].debtCaps.DAI names a token not under "tokens" (USDC, USDT, WETH, FLUX)',
      'vaults["WETH-USDC"].creditLimits.USDC names a token that is not one of the vault\'s (its debtCaps keys)',
      'vaults["WETH-USDC"].farm (the existing StakingRewards-compatible farm) is missing (an address, 0x followed by 40 hex digits)',
      "timelock.executors must name at least one executor (the zero address lets anyone execute)",
    ]);
  });

  it("requires the chain's gas token (nativeToken) and records what it is", () => {
    expect(loadDeployConfig("polygon.example", DIRECTORY).nativeToken).to.deep.equal({
      symbol: "POL",
      feed: "0xAB594600376Ec9fD91F8e885dADF0CE036862dE0",
      pair: "0x6e7a5FAFcec6BB1e78bAE2A1F0B612012BF14827",
    });
    const missing = rehearsal();
    delete missing.nativeToken;
    expect(problemsOf(missing)).to.deep.equal(['nativeToken (the chain\'s gas token, { "symbol": "POL", "feed": its Chainlink USD feed }) is missing']);
    const broken = rehearsal();
    broken.nativeToken = { symbol: "", feed: "0x1234", gas: 1 };
    expect(problemsOf(broken)).to.have.members([
      "nativeToken.gas is not a known setting (expected one of: symbol, feed, maxStalenessSeconds, pair)",
      'nativeToken.symbol must be the gas token\'s symbol (letters, digits and dots, e.g. "POL"), got ""',
      'nativeToken.feed (the gas token\'s Chainlink USD feed) must be an address (0x followed by 40 hex digits, with a valid checksum if mixed-case), got "0x1234"',
    ]);
  });

  it("says which file is missing and how to start one", () => {
    expect(() => loadDeployConfig("nowhere", DIRECTORY)).to.throw(/nowhere\.json does not exist\. Copy config\/networks\/polygon\.example\.json/);
  });

  it("names the L2 sequencer uptime feed per network and refuses a known L2 without one", () => {
    const feed = "0xFdB631F5EE196F0ed6FAa767959853A9F217697D"; // Arbitrum One's, as Chainlink lists it
    for (const chainId of [42161, 42170, 421614, 10, 11155420, 8453, 84532]) {
      const problems = problemsOf({ ...rehearsal(), chainId });
      expect(problems, String(chainId)).to.have.length(1);
      expect(problems[0]).to.match(new RegExp(`^sequencerUptimeFeed is missing: chain id ${chainId} is [A-Za-z ]+, an L2 whose prices stop while its sequencer is down`));
    }
    const arbitrum = parseDeployConfig({ ...rehearsal(), chainId: 42161, sequencerUptimeFeed: feed, sequencerGracePeriodSeconds: 3600 }, "test.json");
    expect(arbitrum.sequencer).to.deep.equal({ uptimeFeed: feed, gracePeriodSeconds: 3600 });
    // The grace period defaults to Chainlink's hour; a grace period without its feed, or beyond a day, is refused.
    expect(parseDeployConfig({ ...rehearsal(), chainId: 8453, sequencerUptimeFeed: feed }, "test.json").sequencer!.gracePeriodSeconds).to.equal(3600);
    expect(problemsOf({ ...rehearsal(), sequencerGracePeriodSeconds: 3600 })).to.deep.equal([
      "sequencerGracePeriodSeconds is given without sequencerUptimeFeed, the feed it is the grace period of",
    ]);
    expect(problemsOf({ ...rehearsal(), sequencerUptimeFeed: feed, sequencerGracePeriodSeconds: 90_000 })).to.deep.equal([
      "sequencerGracePeriodSeconds must be between 0 and 86400, got 90000",
    ]);
    // An L1 needs none.
    expect(parseDeployConfig({ ...rehearsal(), chainId: 1 }, "test.json").sequencer).to.equal(undefined);
  });

  it("takes the gas token's own staleness limit and pair, checked like the other fields", () => {
    const raw = rehearsal();
    raw.nativeToken = { ...raw.nativeToken, maxStalenessSeconds: 3_700, pair: raw.vaults["WETH-USDC"].pair };
    expect(parseDeployConfig(raw, "test.json").nativeToken).to.deep.include({ maxStalenessSeconds: 3_700, pair: raw.vaults["WETH-USDC"].pair });
    raw.nativeToken = { ...raw.nativeToken, maxStalenessSeconds: 30, pair: "0x12" };
    expect(problemsOf(raw)).to.deep.equal([
      "nativeToken.maxStalenessSeconds must be between 60 and 4294967295, got 30",
      'nativeToken.pair (the wrapped gas token\'s pair with a token) must be an address (0x followed by 40 hex digits, with a valid checksum if mixed-case), got "0x12"',
    ]);
  });
});

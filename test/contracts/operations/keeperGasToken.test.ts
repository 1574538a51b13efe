/**
 * The keeper's gas token comes from the deployment file (nativeToken: symbol and USD feed), never from a guess: on a
 * chain whose gas is not ETH it prices gas with that token's own feed, and a deployment without the setting stops the
 * keeper at start-up with words naming it.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { advanceDays, FAR_FUTURE, USDC, vaultStackFixture } from "../vault/fixtures";
import { Keeper, type DecisionLogEntry } from "../../../lib/keeper";
import type { Deployment } from "../../../lib/deployments";
import { ROOT, runCommand } from "./childProcesses";

const POL_PRICE_USD = 0.25;
const ETH_PRICE_USD = 2_000; // the local WETH feed's

/** A stable-vault position, then a day of rewards: the harvest simulates and is priced against its gas. */
async function stackWithRewardsPending() {
  const fixture = await loadFixture(vaultStackFixture);
  await fixture.stable.vault
    .connect(fixture.bob)
    .open({ amount0: USDC(1_000), amount1: 0, borrow0: 0, borrow1: USDC(2_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
  await advanceDays(fixture, 1);
  const feed = await (await ethers.getContractFactory("SettableAggregator")).deploy(8, "POL / USD", BigInt(POL_PRICE_USD * 1e8));
  await feed.waitForDeployment();
  return { ...fixture, polFeed: await feed.getAddress() };
}

/** One dry-run pass over `deployment`; the harvest decisions it logged, each with its gas figures. */
async function harvestDecisions(deployment: Deployment, signer: Awaited<ReturnType<typeof stackWithRewardsPending>>["liquidator"]) {
  const entries: DecisionLogEntry[] = [];
  const keeper = new Keeper(signer, deployment, {
    dryRun: true,
    // So large that nothing is worth harvesting: every decision is a logged skip carrying its gas cost.
    harvestMarginMultiplier: 1e9,
    maxHarvestIntervalSeconds: 365 * 86_400,
    retry: { attempts: 2, baseDelayMs: 1 },
    log: (entry) => entries.push({ time: new Date().toISOString(), ...entry }),
  });
  await keeper.runOnce();
  return entries.filter((entry) => entry.action === "skip-harvest" && entry.numbers?.thresholdUsd !== undefined);
}

describe("the keeper's gas token (deployment nativeToken)", function () {
  this.timeout(120_000);

  it("prices gas with the gas token's own feed on a chain whose gas is not ETH", async () => {
    const fixture = await stackWithRewardsPending();
    const onPolygonLike: Deployment = { ...fixture.deployment, nativeToken: { symbol: "POL", feed: fixture.polFeed } };
    expect(fixture.deployment.nativeToken).to.deep.equal({ symbol: "ETH", feed: await fixture.farming.feeds.WETH.getAddress() });

    // The same state (a dry run mines nothing), priced once in POL and once in ETH.
    const inPol = await harvestDecisions(onPolygonLike, fixture.liquidator);
    const inEth = await harvestDecisions(fixture.deployment, fixture.liquidator);
    expect(inPol.map((entry) => entry.vault)).to.deep.equal(["USDC-USDT"]);
    expect(inEth.map((entry) => entry.vault)).to.deep.equal(["USDC-USDT"]);
    const gasPriceWei = (await ethers.provider.getFeeData()).gasPrice!;
    for (const [index, decision] of inPol.entries()) {
      const numbers = decision.numbers!;
      // thresholdUsd = gas x gas price x the gas token's USD price x the margin.
      const expected = (Number(numbers.gasEstimate) * Number(gasPriceWei) * POL_PRICE_USD * 1e9) / 1e18;
      expect(Number(numbers.thresholdUsd)).to.be.closeTo(expected, expected * 1e-6);
      expect(Number(inEth[index].numbers!.thresholdUsd) / Number(numbers.thresholdUsd)).to.be.closeTo(ETH_PRICE_USD / POL_PRICE_USD, 1e-3);
    }
  });

  it("refuses to start on a deployment without nativeToken, naming the setting", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { nativeToken: _dropped, ...withoutGasToken } = fixture.deployment;
    expect(() => new Keeper(fixture.liquidator, withoutGasToken as Deployment)).to.throw(
      /The deployment file for "hardhat" has no nativeToken setting \(the chain's gas token and its USD feed/,
    );

    // scripts/keeper.ts says so and exits before it asks the node anything (no node listens at this URL).
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-keeper-"));
    try {
      const file = path.join(directory, "polygon.json");
      fs.writeFileSync(file, JSON.stringify({ ...withoutGasToken, network: "polygon" }));
      const run = await runCommand(
        path.join(ROOT, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", "scripts/keeper.ts", "--once", "--deployment", file, "--rpc", "http://127.0.0.1:9"],
        { KEEPER_PRIVATE_KEY: "" },
      );
      expect(run.code, run.output).to.equal(1);
      expect(run.output).to.include('The deployment file for "polygon" has no nativeToken setting');
      expect(run.output).to.include("add nativeToken to config/networks/polygon.json");
      expect(run.output).to.not.include("node unreachable");
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});


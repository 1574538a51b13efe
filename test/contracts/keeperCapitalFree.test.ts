import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { vaultStackFixture, type VaultFixture } from "./vault/fixtures";
import { balancesOf, moveWeth, openWeth, usdValue, wethVault } from "./vault/ordersHelpers";
import { Keeper, type DecisionLogEntry, type KeeperOptions } from "../../lib/keeper";

/**
 * The keeper holds no working capital (issue 18): a keeper whose account has only gas clears an underwater
 * position through the FlashLiquidator, which it deploys on first need (or takes from its options), and logs the
 * path it took. A dry run deploys nothing and says why it cannot take that path.
 */
async function underwater(fixture: VaultFixture) {
  const id = await openWeth(fixture, fixture.alice, 1);
  await moveWeth(fixture, 500);
  const view = await fixture.volatile.vault.positionView(id);
  expect(view.valueWad, "underwater").to.be.lessThan(view.debtValueWad);
  return id;
}

async function emptyWallet(fixture: VaultFixture): Promise<Signer> {
  const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
  await fixture.deployer.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") });
  return wallet;
}

function keeperFor(fixture: VaultFixture, signer: Signer, options: Partial<KeeperOptions> = {}) {
  const entries: DecisionLogEntry[] = [];
  const keeper = new Keeper(signer, fixture.deployment, {
    harvestMarginMultiplier: 1e12,
    maxHarvestIntervalSeconds: 1e12,
    retry: { attempts: 2, baseDelayMs: 1 },
    log: (entry) => entries.push({ time: new Date().toISOString(), ...entry }),
    ...options,
  });
  return { keeper, entries };
}

describe("keeper with no working capital", () => {
  it("clears an underwater position through a FlashLiquidator it deploys, keeps the proceeds, and logs the path", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { vault } = await wethVault(fixture);
    const id = await underwater(fixture);
    const signer = await emptyWallet(fixture);
    const address = await signer.getAddress();
    expect(await balancesOf(fixture, address)).to.deep.equal([0n, 0n, 0n]);
    const { keeper, entries } = keeperFor(fixture, signer);
    const summary = await keeper.runOnce();
    expect(summary).to.include({ liquidatable: 1, liquidated: 1, liquidatedByRepayment: 0, failed: 0 });
    const deployed = entries.find((entry) => entry.action === "deploy");
    expect(deployed?.reason).to.match(/FlashLiquidator.*\(mined\)/);
    const flash = String(deployed!.numbers!.address);
    const liquidated = entries.find((entry) => entry.action === "liquidate")!;
    expect(liquidated.numbers!.path).to.equal("liquidateWithCallback");
    const events = await vault.queryFilter(vault.filters.PositionLiquidated(id));
    expect(events).to.have.length(1);
    expect(events[0].args.liquidator).to.equal(flash);
    expect((await vault.positions(id)).lpShares).to.equal(0n);
    const [b0, b1, lp] = await balancesOf(fixture, address);
    const gainUsd = await usdValue(fixture, b0, b1);
    console.log(`    keeper with 0 tokens: ${liquidated.reason}; ends with $${gainUsd.toFixed(2)} of the pair's tokens, ${lp} LP; FlashLiquidator ${flash}`);
    expect(gainUsd).to.be.greaterThan(0);
    expect(await balancesOf(fixture, flash)).to.deep.equal([0n, 0n, 0n]);
  });

  it("uses the FlashLiquidator it is given and deploys none; a dry run without one deploys nothing and names the reason", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    await underwater(fixture);
    const flash = await (await ethers.getContractFactory("FlashLiquidator")).deploy();
    const dry = keeperFor(fixture, await emptyWallet(fixture), { dryRun: true });
    const drySummary = await dry.keeper.runOnce();
    expect(drySummary).to.include({ liquidated: 0, wouldSend: 0 });
    const skipped = dry.entries.find((entry) => entry.action === "skip-liquidation")!;
    expect(skipped.reason).to.include("UnderwaterNeedsRepayment");
    expect(skipped.reason).to.include("no FlashLiquidator yet (a dry run deploys none)");
    expect(dry.entries.some((entry) => entry.action === "deploy")).to.equal(false);

    const given = keeperFor(fixture, await emptyWallet(fixture), { flashLiquidator: await flash.getAddress() });
    const summary = await given.keeper.runOnce();
    expect(summary).to.include({ liquidated: 1, failed: 0 });
    expect(given.entries.some((entry) => entry.action === "deploy")).to.equal(false);
    expect(given.entries.find((entry) => entry.action === "liquidate")!.numbers!.path).to.equal("liquidateWithCallback");
  });
});

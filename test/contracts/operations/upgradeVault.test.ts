import { expect } from "chai";
import hre, { ethers, upgrades } from "hardhat";
import { loadFixture, mine, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, type Result } from "ethers";
import { FAR_FUTURE, lensOf, vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { upgradeProxy } from "../../../scripts/lib/upgradeProxy";
import type { StakingRewardsVaultV2Test } from "../../../typechain-types";

const USD = (amount: number) => BigInt(Math.round(amount * 1e6));
const ReceiveAs = { BothTokens: 0 } as const;

/** The stable (USDC-USDT) vault with four open positions of three farmers: 3x, 10x from both tokens, 2x, 1x. */
async function vaultWithPositions() {
  const fixture = await loadFixture(vaultStackFixture);
  const { stable, alice, bob, carol } = fixture;
  const opens = [
    { farmer: alice, amount0: USD(1_000), amount1: 0n, borrow0: 0n, borrow1: USD(2_000) },
    { farmer: bob, amount0: USD(500), amount1: USD(500), borrow0: USD(4_500), borrow1: USD(4_500) },
    { farmer: carol, amount0: 0n, amount1: USD(2_000), borrow0: USD(2_000), borrow1: 0n },
    { farmer: alice, amount0: USD(3_000), amount1: 0n, borrow0: 0n, borrow1: 0n },
  ];
  for (const { farmer, ...amounts } of opens) {
    await stable.vault.connect(farmer).open({ ...amounts, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE });
  }
  return fixture;
}

// Typechain types struct outputs as tuples, but at run time they are ethers Results.
const plain = (value: unknown) => (value as Result).toObject(true);

/** Everything the vault stores or reports about its positions, and what it owes and stakes. */
async function vaultState(fixture: VaultFixture) {
  const { vault, farm } = fixture.stable;
  const address = await vault.getAddress();
  const pool0 = await ethers.getContractAt("LendingPool", await vault.pool0());
  const pool1 = await ethers.getContractAt("LendingPool", await vault.pool1());
  const lastPositionId = await vault.lastPositionId();
  const ids = Array.from({ length: Number(lastPositionId) }, (_, index) => BigInt(index + 1));
  return {
    lastPositionId,
    positions: await Promise.all(ids.map(async (id) => plain(await vault.positions(id)))),
    positionView: await Promise.all(ids.map(async (id) => plain(await vault.positionView(id)))),
    positionViews: (await lensOf(fixture).positionViews(address, 1, lastPositionId)).map(plain),
    totals: plain(await vault.totals()),
    riskParameters: plain(await vault.riskParameters()),
    configuration: plain(await vault.configuration()),
    owner: await vault.owner(),
    wiring: [await vault.pair(), await vault.pool0(), await vault.pool1(), await vault.oracle(), await vault.farm(), await vault.rewardPair()],
    staked: await farm.balanceOf(address),
    debt: [plain(await pool0.borrowerAccount(address)), plain(await pool1.borrowerAccount(address))],
  };
}

/** Only what the vault stores (views add interest and rewards as time passes). */
async function storedState(fixture: VaultFixture) {
  const { vault } = fixture.stable;
  const ids = Array.from({ length: Number(await vault.lastPositionId()) }, (_, index) => BigInt(index + 1));
  return {
    positions: await Promise.all(ids.map(async (id) => plain(await vault.positions(id)))),
    totals: plain(await vault.totals()),
    riskParameters: plain(await vault.riskParameters()),
    configuration: plain(await vault.configuration()),
  };
}

describe("upgrading a live vault (scripts/lib/upgradeProxy.ts)", () => {
  it("keeps every position unchanged across a direct upgrade to a V2, whose positions still close", async () => {
    const fixture = await vaultWithPositions();
    const { stable } = fixture;
    const proxy = await stable.vault.getAddress();
    const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);

    // Views accrue interest and value at the block's time: compare both sides at the same moment, an hour ahead
    // (later than every block the upgrade mines). The "before" side is read on a snapshot and rolled back.
    const at = (await time.latest()) + 3_600;
    const beforeUpgrade = await takeSnapshot();
    await time.setNextBlockTimestamp(at);
    await mine();
    const before = await vaultState(fixture);
    await beforeUpgrade.restore();

    const outcome = await upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultV2Test" });
    expect(outcome.mode).to.equal("direct");
    expect(outcome.previousImplementation).to.equal(implementationBefore);
    expect(outcome.newImplementation).to.not.equal(implementationBefore);
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(outcome.newImplementation);
    // The implementation was built for this vault: its immutables were read from the live proxy, and its three modules
    // were deployed with the same wiring.
    expect(outcome.constructorArgs.slice(0, 6)).to.deep.equal(before.wiring);
    const upgradedVault = await ethers.getContractAt("StakingRewardsVault", proxy);
    expect(outcome.constructorArgs.slice(6)).to.deep.equal([await upgradedVault.entries(), await upgradedVault.exits(), await upgradedVault.harvester()]);
    for (const module of outcome.constructorArgs.slice(6) as string[]) {
      expect(await (await ethers.getContractAt("StakingRewardsVaultExits", module)).pair()).to.equal(before.wiring[0]);
    }

    await time.setNextBlockTimestamp(at);
    await mine();
    const after = await vaultState(fixture);
    expect(after.positions).to.have.length(4);
    expect(after).to.deep.equal(before);

    const upgraded = (await ethers.getContractAt("StakingRewardsVaultV2Test", proxy)) as unknown as StakingRewardsVaultV2Test;
    expect(await upgraded.version()).to.equal("2-test");

    // Every position still closes in full, paying back its debt and its owner the rest.
    for (let id = 1n; id <= after.lastPositionId; id++) {
      const owner = await ethers.getSigner(String(after.positions[Number(id) - 1].owner));
      const balances = async () => [await fixture.tokens.USDC.balanceOf(owner.address), await fixture.tokens.USDT.balanceOf(owner.address)];
      const [usdcBefore, usdtBefore] = await balances();
      await upgraded.connect(owner).close({
        positionId: id,
        fractionBps: 10_000,
        receiveAs: ReceiveAs.BothTokens,
        minAmount0: 0,
        minAmount1: 0,
        deadline: FAR_FUTURE,
      });
      const [usdcAfter, usdtAfter] = await balances();
      expect(usdcAfter + usdtAfter).to.be.greaterThan(usdcBefore + usdtBefore);
      const position = await upgraded.positions(id);
      expect([position.lpShares, position.debtShares0, position.debtShares1]).to.deep.equal([0n, 0n, 0n]);
    }
    const [, totalLpShares] = await upgraded.totals();
    expect(totalLpShares).to.equal(0n);
    for (const pool of [await upgraded.pool0(), await upgraded.pool1()]) {
      const [borrowShares] = await (await ethers.getContractAt("LendingPool", pool)).borrowerAccount(proxy);
      expect(borrowShares).to.equal(0n);
    }
  });

  it("has the plugin reject a storage-breaking implementation before anything is sent", async () => {
    const fixture = await vaultWithPositions();
    const proxy = await fixture.stable.vault.getAddress();
    const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);
    const nonceBefore = await ethers.provider.getTransactionCount(fixture.deployer.address);
    const stateBefore = await storedState(fixture);

    await expect(upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultBrokenLayout" })).to.be.rejectedWith(
      /New storage layout is incompatible/,
    );
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementationBefore);
    expect(await ethers.provider.getTransactionCount(fixture.deployer.address)).to.equal(nonceBefore);
    expect(await storedState(fixture)).to.deep.equal(stateBefore);
  });

  it("goes through the timelock when it owns the vault: schedules, waits out the delay, then executes", async () => {
    const fixture = await vaultWithPositions();
    const { stable, deployer, attacker } = fixture;
    const proxy = await stable.vault.getAddress();
    const delay = 3_600;
    const timelock = await (await ethers.getContractFactory("FluxTimelock")).deploy(delay, [deployer.address], [deployer.address], ZeroAddress);
    const timelockAddress = await timelock.getAddress();
    // Hand the vault over (Ownable2Step): transfer, then the timelock accepts through its own delay.
    await stable.vault.transferOwnership(timelockAddress);
    const accept = stable.vault.interface.encodeFunctionData("acceptOwnership");
    await timelock.schedule(proxy, 0, accept, ZeroHash, ZeroHash, delay);
    await time.increase(delay);
    await timelock.execute(proxy, 0, accept, ZeroHash, ZeroHash);
    expect(await stable.vault.owner()).to.equal(timelockAddress);

    const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);
    const stateBefore = await storedState(fixture);

    // Someone who is neither owner nor proposer only gets the operation to hand to a proposer.
    const printed = await upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultV2Test", signer: attacker });
    expect(printed.mode === "timelock" && printed.status).to.equal("needs-proposer");

    const scheduled = await upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultV2Test" });
    if (scheduled.mode !== "timelock") throw new Error("expected a timelock upgrade");
    expect(scheduled.status).to.equal("scheduled");
    expect(scheduled.operation.timelock).to.equal(timelockAddress);
    expect(scheduled.operation.id).to.equal(printed.mode === "timelock" ? printed.operation.id : "");
    expect(await timelock.isOperationPending(scheduled.operation.id)).to.equal(true);
    expect(scheduled.operation.data).to.equal(
      stable.vault.interface.encodeFunctionData("upgradeToAndCall", [scheduled.newImplementation, "0x"]),
    );
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementationBefore);

    // Run again before the delay: the same operation, still waiting.
    const waiting = await upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultV2Test" });
    expect(waiting.mode === "timelock" && waiting.status).to.equal("waiting");
    expect(waiting.mode === "timelock" && waiting.operation.id).to.equal(scheduled.operation.id);

    await time.increase(delay);
    const executed = await upgradeProxy(hre, { proxy, contract: "StakingRewardsVaultV2Test" });
    expect(executed.mode === "timelock" && executed.status).to.equal("executed");
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(scheduled.newImplementation);
    const upgraded = (await ethers.getContractAt("StakingRewardsVaultV2Test", proxy)) as unknown as StakingRewardsVaultV2Test;
    expect(await upgraded.version()).to.equal("2-test");
    expect(await upgraded.owner()).to.equal(timelockAddress);
    expect(await storedState(fixture)).to.deep.equal(stateBefore);
  });
});

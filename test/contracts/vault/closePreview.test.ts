import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { FAR_FUTURE, refreshFeeds, tokenOf, vaultStackFixture, type VaultFixture } from "./fixtures";
import { moveMarket } from "./market";
import { closeMinimums, previewClose, ReceiveAs, type ClosePreview } from "../../../lib/closePreview";
import type { DeployedVault } from "../../../scripts/lib/deployVaults";

const usdc = (amount: number) => ethers.parseUnits(String(amount), 6);
const weth = (amount: number) => ethers.parseUnits(String(amount), 18);

/**
 * The app's close preview (lib/closePreview.ts) against the real LeveragedVault.close: the state is read for the
 * block the close will be mined in (its timestamp pinned, so the debt's interest is the same), the preview
 * computed, and the close sent with the preview's exact amounts as minimums; the event must report the same.
 */
async function previewFor(deployed: DeployedVault, positionId: bigint, fractionBps: bigint, receiveAs: ReceiveAs): Promise<ClosePreview> {
  const vault = deployed.vault;
  const pair = deployed.pair as Contract;
  const blockTag = "pending";
  const pool0 = await ethers.getContractAt("LendingPool", await vault.pool0());
  const pool1 = await ethers.getContractAt("LendingPool", await vault.pool1());
  const [position, totals, reserves, supply, index0, index1] = await Promise.all([
    vault.positions(positionId, { blockTag }),
    vault.totals({ blockTag }),
    pair.getReserves({ blockTag }),
    pair.totalSupply({ blockTag }),
    pool0.borrowIndex({ blockTag }),
    pool1.borrowIndex({ blockTag }),
  ]);
  return previewClose({
    lpShares: position.lpShares,
    debtShares0: position.debtShares0,
    debtShares1: position.debtShares1,
    totalLp: totals.totalLp,
    totalLpShares: totals.totalLpShares,
    reserve0: BigInt(reserves[0]),
    reserve1: BigInt(reserves[1]),
    pairTotalSupply: BigInt(supply),
    borrowIndex0: index0,
    borrowIndex1: index1,
    fractionBps,
    receiveAs,
  });
}

async function closeAndCompare(fixture: VaultFixture, deployed: DeployedVault, positionId: bigint, fractionBps: bigint, receiveAs: ReceiveAs) {
  const { alice } = fixture;
  // The close's block gets a known timestamp, and the "pending" reads above see that block's interest.
  await time.setNextBlockTimestamp((await time.latest()) + 13);
  const preview = await previewFor(deployed, positionId, fractionBps, receiveAs);
  expect(preview.insufficientProceeds).to.equal(false);
  const token0 = tokenOf(fixture, deployed, 0);
  const token1 = tokenOf(fixture, deployed, 1);
  const [before0, before1] = [await token0.balanceOf(alice.address), await token1.balanceOf(alice.address)];
  // The exact preview as the minimum: a wei less returned would revert with SlippageExceeded.
  const tx = await deployed.vault.connect(alice).close({
    positionId,
    fractionBps,
    receiveAs,
    minAmount0: preview.amount0,
    minAmount1: preview.amount1,
    deadline: FAR_FUTURE,
  });
  await expect(tx)
    .to.emit(deployed.vault, "PositionDecreased")
    .withArgs(positionId, preview.lpRemoved, preview.repaid0, preview.repaid1, preview.amount0, preview.amount1);
  expect((await token0.balanceOf(alice.address)) - before0).to.equal(preview.amount0);
  expect((await token1.balanceOf(alice.address)) - before1).to.equal(preview.amount1);
  const reserves = await (deployed.pair as Contract).getReserves();
  expect([BigInt(reserves[0]), BigInt(reserves[1])]).to.deep.equal([preview.reserve0After, preview.reserve1After]);
  return preview;
}

async function open(fixture: VaultFixture, deployed: DeployedVault, params: { amount0: bigint; amount1: bigint; borrow0: bigint; borrow1: bigint }) {
  await deployed.vault.connect(fixture.alice).open({ ...params, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
  return deployed.vault.lastPositionId();
}

describe("close preview (lib/closePreview.ts) against LeveragedVault.close", () => {
  before(async () => {
    // Hardhat mines a block per transaction; time.setNextBlockTimestamp pins the close's.
    await network.provider.send("evm_setAutomine", [true]);
  });

  const receiveModes = [ReceiveAs.BothTokens, ReceiveAs.Token0, ReceiveAs.Token1];
  for (const receiveAs of receiveModes) {
    for (const fractionBps of [10_000n, 3_333n, 1n]) {
      it(`matches to the wei on the stable vault at 10x (debt in token 1), ${fractionBps} bps, receiving ${ReceiveAs[receiveAs]}`, async () => {
        const fixture = await loadFixture(vaultStackFixture);
        const id = await open(fixture, fixture.stable, { amount0: usdc(1_000), amount1: 0n, borrow0: 0n, borrow1: usdc(8_990) });
        await time.increase(86_400 * 30); // a month of interest on the debt
        await refreshFeeds(fixture);
        await closeAndCompare(fixture, fixture.stable, id, fractionBps, receiveAs);
      });
    }
  }

  for (const receiveAs of receiveModes) {
    it(`matches with debt in both tokens and a second position in the vault, receiving ${ReceiveAs[receiveAs]}`, async () => {
      const fixture = await loadFixture(vaultStackFixture);
      await fixture.stable.vault.connect(fixture.bob).open({ amount0: usdc(5_000), amount1: usdc(5_000), borrow0: usdc(3_000), borrow1: 0n, minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
      const id = await open(fixture, fixture.stable, { amount0: usdc(700), amount1: usdc(300), borrow0: usdc(2_500), borrow1: usdc(1_500) });
      await closeAndCompare(fixture, fixture.stable, id, 6_500n, receiveAs);
      await closeAndCompare(fixture, fixture.stable, id, 10_000n, receiveAs);
    });
  }

  for (const receiveAs of receiveModes) {
    it(`matches on the volatile WETH-USDC vault after the price moved, receiving ${ReceiveAs[receiveAs]}`, async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const deployed = fixture.volatile;
      const wethIsToken0 = deployed.token0Symbol === "WETH";
      const params = wethIsToken0
        ? { amount0: weth(1), amount1: 0n, borrow0: 0n, borrow1: usdc(3_000) }
        : { amount0: 0n, amount1: weth(1), borrow0: usdc(3_000), borrow1: 0n };
      const id = await open(fixture, deployed, params);
      const [price0, price1] = wethIsToken0 ? [1_800, 1] : [1, 1_800];
      await moveMarket(fixture, deployed, price0, price1);
      await closeAndCompare(fixture, deployed, id, 5_000n, receiveAs);
      await closeAndCompare(fixture, deployed, id, 10_000n, receiveAs);
    });
  }

  it("predicts InsufficientProceeds when the position is under water", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const deployed = fixture.volatile;
    const wethIsToken0 = deployed.token0Symbol === "WETH";
    const params = wethIsToken0
      ? { amount0: weth(1), amount1: 0n, borrow0: 0n, borrow1: usdc(3_900) }
      : { amount0: 0n, amount1: weth(1), borrow0: usdc(3_900), borrow1: 0n };
    const id = await open(fixture, deployed, params);
    // WETH from $2,000 to $600: the LP is worth about sqrt(0.3) of the $5,900 it was, less than the $3,900 owed.
    await moveMarket(fixture, deployed, wethIsToken0 ? 600 : 1, wethIsToken0 ? 1 : 600);
    await time.setNextBlockTimestamp((await time.latest()) + 5);
    const preview = await previewFor(deployed, id, 10_000n, ReceiveAs.BothTokens);
    expect(preview.insufficientProceeds).to.equal(true);
    await expect(
      deployed.vault.connect(fixture.alice).close({ positionId: id, fractionBps: 10_000n, receiveAs: ReceiveAs.BothTokens, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE }),
    ).to.be.revertedWithCustomError(deployed.vault, "InsufficientProceeds");
  });

  it("its minimums with 0.5% slippage let the close through a block later, with more interest owed", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const id = await open(fixture, fixture.stable, { amount0: usdc(1_000), amount1: 0n, borrow0: 0n, borrow1: usdc(8_990) });
    const preview = await previewFor(fixture.stable, id, 10_000n, ReceiveAs.Token0);
    const { minAmount0, minAmount1 } = closeMinimums(preview, 50n);
    expect(minAmount1).to.equal(0n);
    await time.increase(600);
    await expect(
      fixture.stable.vault.connect(fixture.alice).close({ positionId: id, fractionBps: 10_000n, receiveAs: ReceiveAs.Token0, minAmount0, minAmount1, deadline: FAR_FUTURE }),
    ).to.emit(fixture.stable.vault, "PositionDecreased");
  });
});

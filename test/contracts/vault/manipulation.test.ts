import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { FAR_FUTURE, tokenOf, vaultStackFixture, type VaultFixture } from "./fixtures";
import { fund, reservesOf } from "./market";

const usd = (amount: number) => BigInt(amount) * 10n ** 6n;

async function manipulatorWith(fixture: VaultFixture, symbol: "USDC" | "USDT", amount: bigint) {
  const manipulator = await (await ethers.getContractFactory("PriceManipulator", fixture.attacker)).deploy();
  await fund(fixture, symbol, amount);
  await fixture.tokens[symbol].connect(fixture.deployer).transfer(await manipulator.getAddress(), amount);
  return manipulator;
}

describe("LeveragedVault price manipulation", () => {
  it("values positions at the fair LP price: a flash-loan-sized swap moves no position's value", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, deployer, farming } = fixture;
    await stable.vault.connect(alice).open({ amount0: usd(1_000), amount1: 0, borrow0: 0, borrow1: usd(9_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const before = await stable.vault.positionView(1);

    // Swap 1,000,000 (half the pair's depth) in, and look: spot moved ~2.2x, the position's value did not.
    const token0 = tokenOf(fixture, stable, 0);
    await fund(fixture, stable.token0Symbol, usd(1_000_000));
    const router = farming.uniswap.router.connect(deployer) as Contract;
    await token0.connect(deployer).approve(await router.getAddress(), ethers.MaxUint256);
    const [r0, r1] = await reservesOf(stable.pair as Contract);
    await router.swapExactTokensForTokens(usd(1_000_000), 0, [await token0.getAddress(), await tokenOf(fixture, stable, 1).getAddress()], deployer.address, FAR_FUTURE);
    const [s0, s1] = await reservesOf(stable.pair as Contract);
    expect(Number(r1) / Number(r0) / (Number(s1) / Number(s0))).to.be.greaterThan(2);
    const during = await stable.vault.positionView(1);
    // Only the swap fee left in the pool (it raises the invariant) moves the fair value: 0.3% x 1M on 4M of pool.
    expect(Number(during.valueWad) / Number(before.valueWad)).to.be.within(1, 1.001);
    expect(during.liquidatable).to.equal(before.liquidatable);
    expect(during.debtRatioBps).to.be.closeTo(before.debtRatioBps, 10n);
  });

  it("refuses to open while the spot price is pushed away from the oracle in the same transaction", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable } = fixture;
    const manipulator = await manipulatorWith(fixture, stable.token0Symbol as "USDC" | "USDT", usd(500_000));
    const open = stable.vault.interface.encodeFunctionData("open", [
      { amount0: 0, amount1: 0, borrow0: usd(50_000), borrow1: usd(50_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE },
    ]);
    await expect(
      manipulator.manipulateAndCall(await stable.pair.getAddress(), await tokenOf(fixture, stable, 0).getAddress(), usd(500_000), await stable.vault.getAddress(), open),
    ).to.be.revertedWithCustomError(stable.vault, "PriceDeviationTooHigh");
    expect(await stable.vault.lastPositionId()).to.equal(0n);
  });

  it("never finds a healthy position liquidatable while the spot price is pushed, in the same transaction, at any size", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice } = fixture;
    await stable.vault.connect(alice).open({ amount0: usd(1_000), amount1: 0, borrow0: 0, borrow1: usd(9_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    const liquidate = stable.vault.interface.encodeFunctionData("liquidate", [1]);
    const token0 = await tokenOf(fixture, stable, 0).getAddress();
    // Liquidation does not look at the spot price at all: value comes from the fair LP price (the pair's invariant
    // at oracle prices), which a push of any size cannot lower, so the position stays healthy...
    const big = await manipulatorWith(fixture, stable.token0Symbol as "USDC" | "USDT", usd(500_000));
    await expect(big.manipulateAndCall(await stable.pair.getAddress(), token0, usd(500_000), await stable.vault.getAddress(), liquidate)).to.be.revertedWithCustomError(
      stable.vault,
      "PositionHealthy",
    );
    // ...as it does under a push just under the entry guard's band.
    const small = await manipulatorWith(fixture, stable.token0Symbol as "USDC" | "USDT", usd(8_000));
    await expect(small.manipulateAndCall(await stable.pair.getAddress(), token0, usd(8_000), await stable.vault.getAddress(), liquidate)).to.be.revertedWithCustomError(
      stable.vault,
      "PositionHealthy",
    );
  });

  it("cannot open an over-leveraged position by skewing the price within the allowed deviation", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable } = fixture;
    const manipulator = await manipulatorWith(fixture, stable.token0Symbol as "USDC" | "USDT", usd(9_000));
    await manipulator.approve(await tokenOf(fixture, stable, 0).getAddress(), await stable.vault.getAddress());
    // 11x asked for while the spot is skewed by ~0.9%: the leverage limit is judged at oracle prices.
    const open = stable.vault.interface.encodeFunctionData("open", [
      { amount0: usd(1), amount1: 0, borrow0: 0, borrow1: usd(10), minShares: 0n, minLp: 0, deadline: FAR_FUTURE },
    ]);
    await expect(
      manipulator.manipulateAndCall(await stable.pair.getAddress(), await tokenOf(fixture, stable, 0).getAddress(), usd(8_000), await stable.vault.getAddress(), open),
    ).to.be.revertedWithCustomError(stable.vault, "LeverageTooHigh");
  });
});

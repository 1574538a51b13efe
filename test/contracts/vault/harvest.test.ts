import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { advanceDays, FAR_FUTURE, vaultStackFixture } from "./fixtures";
import { fund } from "./market";

describe("LeveragedVault harvest", () => {
  async function twoPositions() {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob } = fixture;
    const usd = (amount: number) => BigInt(amount) * 10n ** 6n;
    await stable.vault.connect(alice).open({ amount0: usd(1_000), amount1: 0, borrow0: 0, borrow1: usd(2_000), minLp: 0, deadline: FAR_FUTURE });
    await stable.vault.connect(bob).open({ amount0: usd(2_500), amount1: usd(2_500), borrow0: usd(10_000), borrow1: usd(10_000), minLp: 0, deadline: FAR_FUTURE });
    return fixture;
  }

  it("compounds farm rewards into every position's LP, pro rata", async () => {
    const fixture = await twoPositions();
    const { stable, carol } = fixture;
    // Keepers harvest about daily: a week of rewards at once would move the FLUX pair past the 3% slippage guard.
    await advanceDays(fixture, 1);

    const [pending, pendingValue] = await stable.vault.pendingHarvest();
    // The farm pays 500,000 FLUX over 60 days; the vault is its only staker, so a day is about 8,333 FLUX.
    expect(Number(pending) / 1e18).to.be.within(8_300, 8_400);
    expect(Number(pendingValue) / 1e18).to.be.closeTo((Number(pending) / 1e18) * 0.5, 1);

    const before = [(await stable.vault.positionView(1)).lpAmount, (await stable.vault.positionView(2)).lpAmount];
    const [totalLpBefore] = await stable.vault.totals();
    await expect(stable.vault.connect(carol).harvest()).to.emit(stable.vault, "Harvested");
    const after = [(await stable.vault.positionView(1)).lpAmount, (await stable.vault.positionView(2)).lpAmount];
    const [totalLpAfter, totalShares] = await stable.vault.totals();

    expect(totalLpAfter).to.be.greaterThan(totalLpBefore);
    // Both positions grew by the same factor as the vault's LP, to rounding.
    const growth = Number(totalLpAfter) / Number(totalLpBefore);
    expect(growth).to.be.within(1.13, 1.16); // ~$4.1k of FLUX, after the sale's price impact, on ~$28k of LP
    for (let i = 0; i < 2; i++) expect(Number(after[i]) / Number(before[i])).to.be.closeTo(growth, 1e-6);
    // Shares did not move: compounding is in the LP per share.
    expect(totalShares).to.equal((await stable.vault.positions(1)).lpShares + (await stable.vault.positions(2)).lpShares);
    expect(await stable.farm.balanceOf(await stable.vault.getAddress())).to.equal(totalLpAfter);
    expect(await fixture.tokens.FLUX.balanceOf(await stable.vault.getAddress())).to.equal(0n);
  });

  it("is harmless with nothing to claim", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, carol } = fixture;
    expect((await volatile.vault.pendingHarvest())[0]).to.equal(0n);
    await expect(volatile.vault.connect(carol).harvest()).to.not.emit(volatile.vault, "Harvested");
    expect(await volatile.vault.totals()).to.deep.equal([0n, 0n]);
  });

  it("reverts a sandwiched harvest instead of selling rewards below the oracle price", async () => {
    const fixture = await twoPositions();
    const { stable, attacker, farming, deployer } = fixture;
    await advanceDays(fixture, 1);
    // The attacker dumps FLUX into the FLUX-USDC pair first, so the harvest would sell into a crashed price.
    const manipulator = await (await ethers.getContractFactory("PriceManipulator", attacker)).deploy();
    await fund(fixture, "FLUX", ethers.parseUnits("400000", 18));
    await fixture.tokens.FLUX.connect(deployer).transfer(await manipulator.getAddress(), ethers.parseUnits("400000", 18));
    const harvest = stable.vault.interface.encodeFunctionData("harvest");
    await expect(
      manipulator.manipulateAndCall(
        await farming.fluxPair.getAddress(),
        await fixture.tokens.FLUX.getAddress(),
        ethers.parseUnits("400000", 18),
        await stable.vault.getAddress(),
        harvest,
      ),
    ).to.be.revertedWithCustomError(stable.vault, "HarvestSlippageExceeded");
    // Unmanipulated, the same harvest goes through.
    await expect(stable.vault.harvest()).to.emit(stable.vault, "Harvested");
  });
});

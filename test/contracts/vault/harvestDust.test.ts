import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { FAR_FUTURE, refreshFeeds, vaultStackFixture } from "./fixtures";
import { fund, reservesOf } from "./market";
import { getAmountOut } from "../../../lib/vaultMath";

/**
 * The harvest's dust bound (VaultState._harvestPlan): rewards whose sale would let the zap mint under about 500 wei
 * of LP (out x supply < 1,000 x the bought token's reserve) wait for more. Placed between a tenth of the bound and
 * the bound, so a bound lowered 10x sells them: kills the mutant `vault-harvest-dust-bound-10x` (scripts/mutants.ts).
 */
describe("LeveragedVault harvest: the dust bound", () => {
  /**
   * Sends `flux` to the stable vault, then opens a position (100 USDC, no borrowing), and reads the harvest plan and
   * the stable pair in the open's own block, with the rewards exactly the FLUX sent. The harvest sells only against
   * a reward-pair TWAP of at least 30 minutes (issue 18), so a first position (bob's) records the vault's first
   * observation 31 minutes before; both are opened after the farm's reward period has ended, so the farm owes the
   * vault nothing and the FLUX sent is all there is.
   */
  async function planWithRewards(flux: bigint) {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob, deployer } = fixture;
    const vaultAddress = await stable.vault.getAddress();
    const usdcFirst = stable.token0Symbol === "USDC";
    const hundredUsdc = { amount0: usdcFirst ? 100_000_000n : 0n, amount1: usdcFirst ? 0n : 100_000_000n, borrow0: 0, borrow1: 0, minShares: 0n, minLp: 0, deadline: FAR_FUTURE };
    await time.increaseTo(BigInt(await (stable.farm as Contract).periodFinish()) + 1n);
    await refreshFeeds(fixture);
    await stable.vault.connect(bob).open(hundredUsdc);
    await time.increase(31 * 60);
    await refreshFeeds(fixture);
    expect(await (stable.farm as Contract).earned(vaultAddress)).to.equal(0n);
    if (flux > 0n) {
      await fund(fixture, "FLUX", flux);
      await fixture.tokens.FLUX.connect(deployer).transfer(vaultAddress, flux);
    }
    const usdcIsToken0 = usdcFirst;
    const receipt = await (await stable.vault.connect(alice).open(hundredUsdc)).wait();
    const blockTag = receipt!.blockNumber;
    const pair = stable.pair as Contract;
    const reserves = await pair.getReserves({ blockTag });
    const usdcReserve = BigInt(usdcIsToken0 ? reserves[0] : reserves[1]);
    const supply = BigInt(await pair.totalSupply({ blockTag }));
    const plan = await stable.vault.previewHarvest({ blockTag });
    const rewardPair = fixture.farming.fluxPair as Contract;
    const fluxAddress = await fixture.tokens.FLUX.getAddress();
    const [r0, r1] = await reservesOf(rewardPair);
    const [reserveIn, reserveOut] = (await rewardPair.token0()) === fluxAddress ? [r0, r1] : [r1, r0];
    return { plan, usdcReserve, supply, reserveIn, reserveOut };
  }

  it("keeps rewards worth half the bound and sells rewards worth twice it", async () => {
    const { usdcReserve, supply, reserveIn, reserveOut } = await planWithRewards(0n);
    /** The least FLUX whose sale's output times the LP supply reaches `target` (at the stable pair of an open). */
    const fluxFor = (target: bigint) => {
      let low = 1n;
      let high = 10n ** 24n;
      while (low < high) {
        const mid = (low + high) / 2n;
        if (getAmountOut(mid, reserveIn, reserveOut) * supply >= target) high = mid;
        else low = mid + 1n;
      }
      return low;
    };
    const bound = 1_000n * usdcReserve;

    const halfBound = fluxFor(bound / 2n);
    const dust = await planWithRewards(halfBound);
    const dustOut = getAmountOut(halfBound, dust.reserveIn, dust.reserveOut);
    const dustRatio = (dustOut * dust.supply) / dust.usdcReserve;
    console.log(`      ${halfBound} wei FLUX sells for ${dustOut} USDC base units: out x supply / reserve = ${dustRatio} (bound 1,000): kept`);
    expect(dust.plan.rewardAvailable).to.equal(halfBound);
    expect(dust.plan.rewardToSell).to.equal(0n);
    expect(dustRatio).to.be.within(100n, 999n);

    const twiceBound = fluxFor(2n * bound);
    const sellable = await planWithRewards(twiceBound);
    const out = getAmountOut(twiceBound, sellable.reserveIn, sellable.reserveOut);
    console.log(`      ${twiceBound} wei FLUX sells for ${out}: out x supply / reserve = ${(out * sellable.supply) / sellable.usdcReserve}: sold`);
    expect(sellable.plan.rewardToSell).to.equal(twiceBound);
    expect(sellable.plan.amountOut).to.equal(out);
  });
});

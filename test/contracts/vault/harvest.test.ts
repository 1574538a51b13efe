import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { Contract } from "ethers";
import { advanceDays, FAR_FUTURE, vaultStackFixture, type VaultFixture } from "./fixtures";
import { fund, reservesOf } from "./market";
import { getAmountOut } from "../../../lib/vaultMath";

const usd = (amount: number) => BigInt(amount) * 10n ** 6n;
const FLUX = (amount: number) => ethers.parseUnits(String(amount), 18);

describe("LeveragedVault harvest", () => {
  async function twoPositions() {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob } = fixture;
    await stable.vault.connect(alice).open({ amount0: usd(1_000), amount1: 0, borrow0: 0, borrow1: usd(2_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    await stable.vault.connect(bob).open({ amount0: usd(2_500), amount1: usd(2_500), borrow0: usd(10_000), borrow1: usd(10_000), minShares: 0n, minLp: 0, deadline: FAR_FUTURE });
    return fixture;
  }

  /** Sends `amount` FLUX straight to the vault, as a donor (or a griefer) could. */
  async function donateFlux(fixture: VaultFixture, amount: bigint) {
    await fund(fixture, "FLUX", amount);
    await fixture.tokens.FLUX.connect(fixture.deployer).transfer(await fixture.stable.vault.getAddress(), amount);
  }

  it("compounds farm rewards into every position's LP, pro rata, exactly as previewHarvest said", async () => {
    const fixture = await twoPositions();
    const { stable, carol } = fixture;
    await advanceDays(fixture, 1);

    const plan = await stable.vault.previewHarvest();
    // The farm pays 200,000 FLUX over 60 days to $2M of other stakers plus the vault's ~$28k: about 1.4% of a day's
    // 3,333 FLUX.
    expect(Number(plan.rewardAvailable) / 1e18).to.be.within(40, 60);
    expect(plan.rewardToSell).to.equal(plan.rewardAvailable); // small enough to sell at once
    expect(plan.amountOut).to.be.greaterThanOrEqual(plan.minAmountOut);

    const before = [(await stable.vault.positionView(1)).lpAmount, (await stable.vault.positionView(2)).lpAmount];
    const [totalLpBefore] = await stable.vault.totals();
    // The harvest mines a block later than the preview: one more second of rewards.
    const oneSecondMore = (value: bigint, previewed: bigint) => value >= previewed && value - previewed <= previewed / 10_000n;
    await expect(stable.vault.connect(carol).harvest(plan.amountOut))
      .to.emit(stable.vault, "Harvested")
      .withArgs(
        carol.address,
        (sold: bigint) => oneSecondMore(sold, plan.rewardToSell),
        0n,
        (out: bigint) => oneSecondMore(out, plan.amountOut),
        (lp: bigint) => lp > 0n,
        (total: bigint) => total > totalLpBefore,
      );
    const after = [(await stable.vault.positionView(1)).lpAmount, (await stable.vault.positionView(2)).lpAmount];
    const [totalLpAfter, totalShares] = await stable.vault.totals();
    const growth = Number(totalLpAfter) / Number(totalLpBefore);
    expect(growth).to.be.greaterThan(1.0005);
    for (let i = 0; i < 2; i++) expect(Number(after[i]) / Number(before[i])).to.be.closeTo(growth, 1e-6);
    // Shares did not move: compounding is in the LP per share.
    expect(totalShares).to.equal((await stable.vault.positions(1)).lpShares + (await stable.vault.positions(2)).lpShares);
    expect(await stable.farm.balanceOf(await stable.vault.getAddress())).to.equal(totalLpAfter);
    expect(await fixture.tokens.FLUX.balanceOf(await stable.vault.getAddress())).to.equal(0n);
  });

  it("is harmless with nothing to claim", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, carol } = fixture;
    expect((await volatile.vault.previewHarvest()).rewardAvailable).to.equal(0n);
    await expect(volatile.vault.connect(carol).harvest(0n)).to.not.emit(volatile.vault, "Harvested");
    expect(await volatile.vault.totals()).to.deep.equal([0n, 0n]);
  });

  it("sells at most 0.2% of the reward pair's FLUX per call, never walks its spot more than 0.25% under the oracle, and carries the rest: a 30,000 FLUX donation never blocks it", async () => {
    const fixture = await twoPositions();
    const { stable, carol, farming } = fixture;
    await advanceDays(fixture, 1);
    await donateFlux(fixture, FLUX(30_000));
    const vaultAddress = await stable.vault.getAddress();
    const rewardPair = farming.fluxPair as Contract;
    const fluxIsToken0 = (await rewardPair.token0()) === (await fixture.tokens.FLUX.getAddress());
    const capped: bigint[] = [];
    for (let round = 0; round < 10 && (await fixture.tokens.FLUX.balanceOf(vaultAddress)) > 0n; round++) {
      const [reserve0, reserve1] = await reservesOf(rewardPair);
      const fluxReserve = fluxIsToken0 ? reserve0 : reserve1;
      const available = await stable.vault.previewHarvest();
      await stable.vault.connect(carol).harvest(0n);
      const left = await fixture.tokens.FLUX.balanceOf(vaultAddress);
      const sold = available.rewardAvailable - left;
      // Each call sells within its cap (0.2% of the FLUX reserve), never the whole balance, and never reverts.
      expect(sold).to.be.greaterThan(0n);
      expect(sold).to.be.lessThanOrEqual((fluxReserve * 20n) / 10_000n);
      // ...and leaves the pair's spot at most 0.25% under the oracle's 0.5 USDC per FLUX.
      const [after0, after1] = await reservesOf(rewardPair);
      const [fluxAfter, usdcAfter] = fluxIsToken0 ? [after0, after1] : [after1, after0];
      expect(usdcAfter * 10n ** 12n * 2n * 10_000n).to.be.greaterThanOrEqual(fluxAfter * 9_975n);
      if (left > 0n) capped.push(sold);
      // Arbitrage between calls brings the FLUX pair back to the oracle's price, as the simulator's does.
      await arbitrageFluxPair(fixture);
    }
    // About 5,000 FLUX a call (the 0.25% walk on a 4M FLUX reserve): five calls carried the rest forward, the sixth
    // sold what was left: all 30,000 compounded.
    console.log(`      30,000 FLUX donated: sold ${capped.map((sold) => (Number(sold) / 1e18).toFixed(0)).join(", ")} and the rest`);
    expect(capped.length).to.equal(5);
    expect(await fixture.tokens.FLUX.balanceOf(vaultAddress)).to.equal(0n);
  });

  it("sells nothing while the reward pair's TWAP is more than 10% from the FLUX feed (a feed that left the market), and sells at 5%", async () => {
    const fixture = await twoPositions();
    const { stable, carol, farming } = fixture;
    await advanceDays(fixture, 1);
    const snapshot = await takeSnapshot();
    // The feed drops 15% under the market (the pair and its day-long TWAP stay at $0.50): the TWAP guard refuses.
    await farming.feeds.FLUX.setAnswer(42_500_000n);
    expect((await stable.vault.previewHarvest()).rewardToSell).to.equal(0n);
    await expect(stable.vault.connect(carol).harvest(0n))
      .to.be.revertedWithCustomError(stable.vault, "PriceSourcesDisagree")
      .withArgs(await farming.fluxPair.getAddress(), anyValue, anyValue, anyValue, 1_000n);
    // 5% under the market: within the band, it sells (into a pair above the feed's floor).
    await snapshot.restore();
    await farming.feeds.FLUX.setAnswer(47_500_000n);
    await expect(stable.vault.connect(carol).harvest(0n)).to.emit(stable.vault, "Harvested");
  });

  it("takes the caller's own minimum when it is stricter than the oracle floor", async () => {
    const fixture = await twoPositions();
    const { stable, carol } = fixture;
    await advanceDays(fixture, 1);
    const plan = await stable.vault.previewHarvest();
    const demanded = (plan.amountOut * 101n) / 100n;
    await expect(stable.vault.connect(carol).harvest(demanded))
      .to.be.revertedWithCustomError(stable.vault, "HarvestSlippageExceeded")
      .withArgs((out: bigint) => out >= plan.amountOut && out < demanded, demanded);
    await expect(stable.vault.connect(carol).harvest(plan.amountOut)).to.emit(stable.vault, "Harvested");
  });

  it("sells nothing, and says why, while the reward pair sits below the oracle floor", async () => {
    const fixture = await twoPositions();
    const { stable, farming, deployer } = fixture;
    await advanceDays(fixture, 1);
    // Crash FLUX in its pair by 10% against the oracle (which still says $0.50).
    const router = farming.uniswap.router.connect(deployer) as Contract;
    await fund(fixture, "FLUX", FLUX(250_000));
    await fixture.tokens.FLUX.connect(deployer).approve(await router.getAddress(), FLUX(250_000));
    const usdc = await fixture.tokens.USDC.getAddress();
    await router.swapExactTokensForTokens(FLUX(250_000), 0, [await fixture.tokens.FLUX.getAddress(), usdc], deployer.address, FAR_FUTURE);
    const plan = await stable.vault.previewHarvest();
    expect(plan.rewardToSell).to.equal(0n);
    await expect(stable.vault.harvest(0n)).to.be.revertedWithCustomError(stable.vault, "HarvestNothingSellable");
    // Once arbitrage restores the pair, the same rewards sell.
    await arbitrageFluxPair(fixture);
    await expect(stable.vault.harvest(0n)).to.emit(stable.vault, "Harvested");
  });

  it("prices the sale against the oracle: its output is at least the oracle value less 3%, to the wei of the pair's formula", async () => {
    const fixture = await twoPositions();
    const { stable, farming } = fixture;
    await advanceDays(fixture, 2);
    const plan = await stable.vault.previewHarvest();
    const rewardPair = farming.fluxPair as Contract;
    const [reserve0, reserve1] = await reservesOf(rewardPair);
    const fluxIsToken0 = (await rewardPair.token0()) === (await fixture.tokens.FLUX.getAddress());
    const [reserveIn, reserveOut] = fluxIsToken0 ? [reserve0, reserve1] : [reserve1, reserve0];
    expect(plan.amountOut).to.equal(getAmountOut(plan.rewardToSell, reserveIn, reserveOut));
    // FLUX at $0.50 bought with 6-decimal USDC at $1: the floor is 97% of 0.5 USDC per FLUX.
    expect(plan.minAmountOut).to.equal((plan.rewardToSell * 5n * 97n) / (10n * 100n) / 10n ** 12n);
  });
});

/** Trades the FLUX-USDC pair back to the oracle's $0.50. */
async function arbitrageFluxPair(fixture: VaultFixture) {
  const { arbitrageSwap } = await import("../../../lib/vaultMath");
  const pair = fixture.farming.fluxPair as Contract;
  const [reserve0, reserve1] = await reservesOf(pair);
  const flux = await fixture.tokens.FLUX.getAddress();
  const usdc = await fixture.tokens.USDC.getAddress();
  const fluxIsToken0 = (await pair.token0()) === flux;
  // reserve1 / reserve0 in base units (WAD) at FLUX = $0.50: (price0 / price1) * 10^decimals1 / 10^decimals0.
  const targetWad = fluxIsToken0 ? (5n * 10n ** 17n * 10n ** 6n) / 10n ** 18n : (2n * 10n ** 18n * 10n ** 18n) / 10n ** 6n;
  const { zeroForOne, amountIn } = arbitrageSwap(reserve0, reserve1, targetWad);
  if (amountIn === 0n) return;
  const [tokenIn, tokenOut, symbol] = zeroForOne === fluxIsToken0 ? [flux, usdc, "FLUX"] : [usdc, flux, "USDC"];
  await fund(fixture, symbol, amountIn);
  const router = fixture.farming.uniswap.router.connect(fixture.deployer) as Contract;
  const token = await ethers.getContractAt("IERC20", tokenIn, fixture.deployer);
  await token.approve(await router.getAddress(), amountIn);
  await router.swapExactTokensForTokens(amountIn, 0, [tokenIn, tokenOut], fixture.deployer.address, FAR_FUTURE);
}

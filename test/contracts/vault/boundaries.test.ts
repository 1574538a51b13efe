import { expect } from "chai";
import { ethers } from "hardhat";
import type { Contract } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { FAR_FUTURE, refreshFeeds, vaultStackFixture, type VaultFixture } from "./fixtures";
import { fund, moveMarket, reservesOf } from "./market";
import {
  cumulativePriceNow,
  entryRewardValueWad,
  fairLpPriceWad,
  liquidationPrices,
  pendingRewardsAsLpUp,
  twapAverage,
  twapPrice0Wad,
  twapRate,
  type TwapObservation,
} from "../../../lib/vaultMath";
import { faucetInChunks } from "../../../scripts/lib/localFunds";

/**
 * Every threshold of the vault exactly at its limit and one step past it, with amounts that are not round
 * (1,234.567891 USDC), borrow indices far from 1, token 1 not at $1 and different debt caps per token. Each test
 * compares the contract with the exact integer arithmetic its rule states, so flipping a comparison (> for >=) or a
 * rounding direction makes it fail.
 */

const WAD = 10n ** 18n;
const BPS = 10_000n;
const units6 = (value: string) => ethers.parseUnits(value, 6);
const ceilDiv = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);
const valueDown = (amount: bigint, price: bigint, decimals: number) => (amount * price) / 10n ** BigInt(decimals);
const valueUp = (amount: bigint, price: bigint, decimals: number) => ceilDiv(amount * price, 10n ** BigInt(decimals));
const mulWadUp = (a: bigint, b: bigint) => ceilDiv(a * b, WAD);
const divWadUp = (a: bigint, b: bigint) => ceilDiv(a * WAD, b);

async function stableOf(fixture: VaultFixture) {
  const vault = fixture.stable.vault;
  const [pool0, pool1] = [await ethers.getContractAt("LendingPool", await vault.pool0()), await ethers.getContractAt("LendingPool", await vault.pool1())];
  const [token0, token1] = [await ethers.getContractAt("FaucetToken", await vault.token0()), await ethers.getContractAt("FaucetToken", await vault.token1())];
  return { vault, pool0, pool1, token0, token1 };
}

/**
 * The local stack after two years of a borrower (carol, whitelisted directly at the pools) holding 95% of the USDC
 * pool and 97% of the USDT pool: the borrow indices end far from 1 (and differ), then she repays everything, so no
 * debt accrues during the tests. Token 1 of the stable pair is then moved off $1 (the pair with it) and the farm
 * gets a new reward period.
 */
async function boundaryFixture() {
  const fixture = await vaultStackFixture();
  const { deployer, carol } = fixture;
  const { vault, pool0, pool1, token0, token1 } = await stableOf(fixture);
  for (const [pool, percent] of [
    [pool0, 95n],
    [pool1, 97n],
  ] as const) {
    await pool.connect(deployer).setCreditLimit(carol.address, ethers.MaxUint256 >> 129n);
    await pool.connect(carol).borrow(((await pool.cash()) * percent) / 100n);
  }
  await time.increase(2 * 365 * 86_400);
  for (const [pool, token] of [
    [pool0, token0],
    [pool1, token1],
  ] as const) {
    const owed = await pool.borrowBalance(carol.address);
    await faucetInChunks(token.connect(carol), owed + units6("1000"));
    await token.connect(carol).approve(await pool.getAddress(), ethers.MaxUint256);
    await pool.connect(carol).repay(carol.address, ethers.MaxUint256);
  }
  await refreshFeeds(fixture);
  await moveMarket(fixture, fixture.stable, 0.9931, 1.0173);
  // FLUX's feed follows USDC's, so the FLUX pair (untouched, 0.5 USDC per FLUX) agrees with the feeds.
  await fixture.farming.feeds.FLUX.setAnswer(((await fixture.farming.feeds.USDC.latestRoundData()).answer * 5n) / 10n);
  // A new reward period, the first having ended during the two years.
  const farm = fixture.stable.farm as Contract;
  const reward = ethers.parseUnits("100000", 18);
  await fixture.tokens.FLUX.connect(deployer).transfer(await farm.getAddress(), reward);
  await (farm.connect(deployer) as Contract).notifyRewardAmount(reward);
  return { ...fixture, vault, pool0, pool1, token0, token1 };
}

type Boundary = Awaited<ReturnType<typeof boundaryFixture>>;

async function risk(fixture: Boundary) {
  const r = await fixture.vault.riskParameters();
  return {
    workFactorBps: r.workFactorBps,
    killFactorBps: r.killFactorBps,
    liquidationBountyBps: r.liquidationBountyBps,
    maxPriceDeviationBps: r.maxPriceDeviationBps,
    maxLeverageWad: r.maxLeverageWad,
    harvestSlippageBps: r.harvestSlippageBps,
    harvestMaxSaleBps: r.harvestMaxSaleBps,
    swapSlippageBps: r.swapSlippageBps,
    liquidationTargetBps: r.liquidationTargetBps,
    fullLiquidationBelowUsd: r.fullLiquidationBelowUsd,
  };
}

async function prices(fixture: Boundary): Promise<[bigint, bigint]> {
  const oracle = fixture.farming.oracle;
  return [await oracle.priceOf(await fixture.token0.getAddress()), await oracle.priceOf(await fixture.token1.getAddress())];
}

const openParams = (amount0: bigint, amount1: bigint, borrow0: bigint, borrow1: bigint) => ({
  amount0,
  amount1,
  borrow0,
  borrow1,
  minLp: 0n,
  minShares: 0n,
  deadline: FAR_FUTURE,
});

/** The event `name` of `contract` in a receipt. */
function eventOf(contract: Contract | { interface: Contract["interface"] }, receipt: { logs: readonly unknown[] } | null, name: string) {
  for (const log of receipt!.logs) {
    try {
      const parsed = contract.interface.parseLog(log as never);
      if (parsed?.name === name) return parsed.args;
    } catch {
      /* another contract's event */
    }
  }
  throw new Error(`no ${name} event`);
}

describe("LeveragedVault boundaries and rounding", () => {
  it("starts from borrow indices far from 1 and a token 1 that is not at $1", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const [index0, index1] = [await fixture.pool0.borrowIndex(), await fixture.pool1.borrowIndex()];
    expect(index0).to.be.greaterThan((13n * WAD) / 10n);
    expect(index1).to.be.greaterThan((13n * WAD) / 10n);
    expect(index0).to.not.equal(index1);
    const [, price1] = await prices(fixture);
    expect(price1).to.not.equal(WAD);
  });

  it("work factor on open: a debt ratio exactly at the work factor opens, one wei more borrowed is refused", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, deployer, alice } = fixture;
    const workFactor = 6_000n;
    await vault.connect(deployer).setRiskParameters({ ...(await risk(fixture)), workFactorBps: workFactor, killFactorBps: 7_000, liquidationTargetBps: 6_000, maxLeverageWad: 10n * WAD });
    const collateral = units6("1234.567891");
    const opens = async (borrow1: bigint) => {
      try {
        await vault.connect(alice).open.staticCall(openParams(collateral, 0n, 0n, borrow1));
        return true;
      } catch (error) {
        expect(String(error)).to.contain("WorkFactorExceeded");
        return false;
      }
    };
    // The largest borrow that opens, to the wei.
    let [low, high] = [0n, collateral * 5n];
    expect(await opens(low + 1n)).to.equal(true);
    expect(await opens(high)).to.equal(false);
    while (high - low > 1n) {
      const mid = (low + high) / 2n;
      if (await opens(mid)) low = mid;
      else high = mid;
    }
    await expect(vault.connect(alice).open(openParams(collateral, 0n, 0n, low + 1n))).to.be.revertedWithCustomError(vault, "WorkFactorExceeded").withArgs(workFactor + 1n, workFactor);
    await vault.connect(alice).open(openParams(collateral, 0n, 0n, low));
    const view = await vault.positionView(await vault.lastPositionId());
    // At the largest borrow the ratio is the work factor itself: a tie is allowed (> not >=).
    expect(view.debtRatioBps).to.equal(workFactor);
    expect(view.debtRatioBps).to.equal(ceilDiv(view.debtValueWad * BPS, view.valueWad));
  });

  it("max leverage: exactly at the cap opens, one wei more borrowed or a cap one below is refused", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, deployer, alice } = fixture;
    const [price0, price1] = await prices(fixture);
    const collateral = units6("1234.567891");
    const borrow1 = units6("2469.135791");
    // (supplied, rounded down, + borrowed, rounded up) / equity, rounded down: the rule the vault states.
    const supplied = valueDown(collateral, price0, 6);
    const leverage = ((supplied + valueUp(borrow1, price1, 6)) * WAD) / supplied;
    const base = { ...(await risk(fixture)), workFactorBps: 9_000, killFactorBps: 9_500, liquidationTargetBps: 9_000 };
    await vault.connect(deployer).setRiskParameters({ ...base, maxLeverageWad: leverage });
    await expect(vault.connect(alice).open.staticCall(openParams(collateral, 0n, 0n, borrow1))).not.to.be.reverted;
    const leverageOneWeiMore = ((supplied + valueUp(borrow1 + 1n, price1, 6)) * WAD) / supplied;
    await expect(vault.connect(alice).open.staticCall(openParams(collateral, 0n, 0n, borrow1 + 1n)))
      .to.be.revertedWithCustomError(vault, "LeverageTooHigh")
      .withArgs(leverageOneWeiMore, leverage);
    await vault.connect(deployer).setRiskParameters({ ...base, maxLeverageWad: leverage - 1n });
    await expect(vault.connect(alice).open.staticCall(openParams(collateral, 0n, 0n, borrow1)))
      .to.be.revertedWithCustomError(vault, "LeverageTooHigh")
      .withArgs(leverage, leverage - 1n);
  });

  it("kill factor: liquidatable only strictly above it (debt x 10000 > value x kill), at and one basis point past", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, deployer, alice, liquidator } = fixture;
    const collateral = units6("1234.567891");
    await vault.connect(alice).open(openParams(collateral, 0n, units6("1500.000001"), units6("1700.123457")));
    const id = await vault.lastPositionId();
    const view = await vault.positionView(id);
    // The kill factor at which this position sits just below (at) and just above (past) the line.
    const atKill = ceilDiv(view.debtValueWad * BPS, view.valueWad); // debt x 10000 <= value x atKill
    expect(view.debtValueWad * BPS).to.be.lessThanOrEqual(view.valueWad * atKill);
    expect(view.debtValueWad * BPS).to.be.greaterThan(view.valueWad * (atKill - 1n));
    const base = await risk(fixture);
    const setKill = (kill: bigint) =>
      vault.connect(deployer).setRiskParameters({ ...base, workFactorBps: kill - 3n, killFactorBps: kill, liquidationTargetBps: kill - 3n });
    await setKill(atKill);
    const at = await vault.positionView(id);
    expect(at.debtValueWad).to.equal(view.debtValueWad); // no debt accrues (nobody else borrows), nothing moved
    expect(at.liquidatable).to.equal(false);
    await expect(vault.connect(liquidator).liquidate(id)).to.be.revertedWithCustomError(vault, "PositionHealthy").withArgs(id, at.debtRatioBps, atKill);
    await setKill(atKill - 1n);
    expect((await vault.positionView(id)).liquidatable).to.equal(true);
    await expect(vault.connect(liquidator).liquidate.staticCall(id)).not.to.be.reverted;

    // Exactly on the line: a closed position owes nothing and is worth nothing (0 x 10000 == 0 x kill). With >= it
    // would count as liquidatable.
    await setKill(BigInt(base.killFactorBps));
    await vault.connect(alice).close({ positionId: id, fractionBps: 10_000, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE });
    const closed = await vault.positionView(id);
    expect([closed.valueWad, closed.debtValueWad, closed.liquidatable]).to.deep.equal([0n, 0n, false]);
    await expect(vault.connect(liquidator).liquidate(id)).to.be.revertedWithCustomError(vault, "PositionHealthy").withArgs(id, 0, base.killFactorBps);
  });

  it("partial close: the debt part rounds up and the LP part down, to the share", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, alice, pool0, pool1 } = fixture;
    await vault.connect(alice).open(openParams(units6("1234.567891"), units6("987.654321"), units6("2345.678901"), units6("1876.543219")));
    const id = await vault.lastPositionId();
    const before = await vault.positions(id);
    const [totalLp, totalShares] = await vault.totals();
    const fraction = 3_333n;
    // Not divisible, so the rounding direction shows.
    expect((before.debtShares0 * fraction) % BPS).to.not.equal(0n);
    expect((before.debtShares1 * fraction) % BPS).to.not.equal(0n);
    expect((BigInt(before.lpShares) * fraction) % BPS).to.not.equal(0n);
    const receipt = await (await vault.connect(alice).close({ positionId: id, fractionBps: fraction, receiveAs: 0, minAmount0: 0, minAmount1: 0, deadline: FAR_FUTURE })).wait();
    const after = await vault.positions(id);
    const sharesOut = (BigInt(before.lpShares) * fraction) / BPS; // down
    const debtOut0 = ceilDiv(before.debtShares0 * fraction, BPS); // up
    const debtOut1 = ceilDiv(before.debtShares1 * fraction, BPS);
    expect(after.lpShares).to.equal(BigInt(before.lpShares) - sharesOut);
    expect(after.debtShares0).to.equal(before.debtShares0 - debtOut0);
    expect(after.debtShares1).to.equal(before.debtShares1 - debtOut1);
    // The position keeps no more debt than its LP share: the pools are repaid at least the closed part's share.
    expect(after.debtShares0 * BigInt(before.lpShares)).to.be.lessThanOrEqual(before.debtShares0 * BigInt(after.lpShares));
    // What was repaid is those shares at the index of the block, rounded up; the LP removed rounds down.
    const tag = { blockTag: receipt!.blockNumber };
    const decreased = eventOf(vault, receipt, "PositionDecreased");
    expect(decreased.repaid0).to.equal(mulWadUp(debtOut0, await pool0.borrowIndex(tag)));
    expect(decreased.repaid1).to.equal(mulWadUp(debtOut1, await pool1.borrowIndex(tag)));
    expect(decreased.lpRemoved).to.equal((sharesOut * totalLp) / totalShares);
  });

  it("after a harvest, an open gets its LP shares rounded down at the share price that counts pending rewards", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, alice, bob, carol, farming } = fixture;
    await vault.connect(bob).open(openParams(units6("1234.567891"), 0n, 0n, units6("1111.111111")));
    await time.increase(86_400);
    await refreshFeeds(fixture);
    const lpBeforeHarvest = (await vault.totals()).totalLp;
    await vault.connect(carol).harvest(0);
    const [totalLp, totalShares] = await vault.totals();
    expect(totalLp).to.be.greaterThan(lpBeforeHarvest); // it compounded: one share is now worth more than one LP
    expect(totalLp).to.be.greaterThan(totalShares);
    await time.increase(3_600); // rewards pending again, so the share price counts them
    const bobBefore = await vault.positionView(1);

    const receipt = await (await vault.connect(alice).open(openParams(0n, units6("1111.111111"), 0n, 0n))).wait();
    const increased = eventOf(vault, receipt, "PositionIncreased");
    // The share price is fixed before the zap: totals and reserves of the block before, rewards pending in this
    // block (staking does not change what the vault has earned within the block).
    const previous = { blockTag: receipt!.blockNumber - 1 };
    const [lpBefore, sharesBefore] = await vault.totals(previous);
    const pair = fixture.stable.pair as Contract;
    const reservesThen = await pair.getReserves(previous);
    const supplyThen = await pair.totalSupply(previous);
    const [price0, price1] = await prices(fixture);
    const lpPrice = fairLpPriceWad(BigInt(reservesThen[0]), BigInt(reservesThen[1]), BigInt(supplyThen), price0, price1, 6, 6);
    const pending = await vault.pendingRewards({ blockTag: receipt!.blockNumber });
    expect(pending).to.be.greaterThan(0n);
    // Pending rewards are valued as the vault values them for an entrant: at the higher of the feeds' rate and the
    // reward pair's TWAP, in LP at the lower of the feeds' fair LP price and the same with token 0 at the pair's TWAP.
    // The TWAP from the vault's own observations (its PricesObserved events) and the pairs' state in the block before.
    const flux = await fixture.tokens.FLUX.getAddress();
    const rewardPair = await ethers.getContractAt("IUniswapV2Pair", await vault.rewardPair());
    const rewardIsToken0 = (await rewardPair.token0()).toLowerCase() === flux.toLowerCase();
    const now = BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
    const observed = (await vault.queryFilter(vault.filters.PricesObserved(), 0, receipt!.blockNumber - 1));
    const observations = async (field: "pairCumulative" | "rewardCumulative"): Promise<TwapObservation[]> =>
      Promise.all(observed.map(async (event) => ({ timestamp: BigInt((await event.getBlock()).timestamp), cumulative: BigInt(event.args[field]) })));
    const averageOf = async (source: Contract | typeof rewardPair, ofToken0: boolean, field: "pairCumulative" | "rewardCumulative") => {
      const reserves = await source.getReserves(previous);
      const cumulativeLast = BigInt(ofToken0 ? await source.price0CumulativeLast(previous) : await source.price1CumulativeLast(previous));
      const cumulative = cumulativePriceNow({ cumulativeLast, reserve0: BigInt(reserves[0]), reserve1: BigInt(reserves[1]), updatedAt: BigInt(reserves[2]), now, ofToken0 });
      return twapAverage(await observations(field), cumulative, now);
    };
    const other = rewardIsToken0 ? await rewardPair.token1() : await rewardPair.token0();
    const rewardValue = entryRewardValueWad({
      rewards: pending,
      oraclePriceWad: await farming.oracle.priceOf(flux),
      twapRate: twapRate(await averageOf(rewardPair, rewardIsToken0, "rewardCumulative")),
      rewardDecimals: 18,
      otherPriceWad: await farming.oracle.priceOf(other),
      otherDecimals: 6,
    });
    const pairAverage = await averageOf(pair, true, "pairCumulative");
    const lpAtTwap = fairLpPriceWad(BigInt(reservesThen[0]), BigInt(reservesThen[1]), BigInt(supplyThen), twapPrice0Wad(pairAverage, 6, 6, price1), price1, 6, 6);
    const pendingLpUp = pendingRewardsAsLpUp(rewardValue, lpAtTwap < lpPrice ? lpAtTwap : lpPrice);
    const denominator = lpBefore + pendingLpUp;
    const lp = BigInt(increased.lpAdded);
    expect((lp * sharesBefore) % denominator).to.not.equal(0n); // so rounding up would differ
    expect(increased.sharesMinted).to.equal((lp * sharesBefore) / denominator);
    // Bob is not diluted: his LP and his pending rewards are worth no less.
    const bobAfter = await vault.positionView(1);
    expect(bobAfter.lpAmount).to.be.greaterThanOrEqual(bobBefore.lpAmount);
  });

  it("token-1 borrows are checked against token 1's cap, at the cap and one wei under it", async () => {
    const fixture = await loadFixture(boundaryFixture);
    const { vault, deployer, alice, pool1, token0, token1 } = fixture;
    const index1 = await fixture.pool1.borrowIndex();
    const borrow1 = units6("50000.123457");
    const debtAfter = mulWadUp(divWadUp(borrow1, index1), index1); // what the pool will say the vault owes
    const cap0 = units6("30000.654321"); // below the token-1 borrow: a check against the wrong cap would refuse it
    const collateral = units6("20000.654321");
    await vault.connect(deployer).setDebtCaps(cap0, debtAfter - 1n);
    await expect(vault.connect(alice).open.staticCall(openParams(collateral, 0n, 0n, borrow1)))
      .to.be.revertedWithCustomError(vault, "VaultDebtCapExceeded")
      .withArgs(await token1.getAddress(), debtAfter, debtAfter - 1n);
    // And token 0's borrows against token 0's cap (token 1's cap below its borrow does not matter there).
    const index0 = await fixture.pool0.borrowIndex();
    const borrow0 = units6("30000.654321");
    const debt0 = mulWadUp(divWadUp(borrow0, index0), index0);
    await vault.connect(deployer).setDebtCaps(debt0 - 1n, ethers.MaxUint256);
    await expect(vault.connect(alice).open.staticCall(openParams(0n, collateral, borrow0, 0n)))
      .to.be.revertedWithCustomError(vault, "VaultDebtCapExceeded")
      .withArgs(await token0.getAddress(), debt0, debt0 - 1n);
    await vault.connect(deployer).setDebtCaps(debt0, 1n);
    await expect(vault.connect(alice).open.staticCall(openParams(0n, collateral, borrow0, 0n))).not.to.be.reverted;
    // Exactly at token 1's cap (which is above token 0's): the borrow goes through.
    await vault.connect(deployer).setDebtCaps(cap0, debtAfter);
    await vault.connect(alice).open(openParams(collateral, 0n, 0n, borrow1));
    expect(await pool1.borrowBalance(await vault.getAddress())).to.equal(debtAfter);
  });
});

describe("Price deviation band, exactly at the limit", () => {
  /** Donates to the pair and syncs so its reserves are exactly (reserve0, reserve1); both must not be below now. */
  async function setReserves(fixture: VaultFixture, reserve0: bigint, reserve1: bigint) {
    const pair = fixture.stable.pair as Contract;
    const [now0, now1] = await reservesOf(pair);
    expect(reserve0 >= now0 && reserve1 >= now1, "reserves can only be raised by donation").to.equal(true);
    const symbols = [fixture.stable.token0Symbol, fixture.stable.token1Symbol];
    for (const [i, extra] of [reserve0 - now0, reserve1 - now1].entries()) {
      if (extra === 0n) continue;
      await fund(fixture, symbols[i], extra);
      const token = await ethers.getContractAt("IERC20", i === 0 ? await pair.token0() : await pair.token1(), fixture.deployer);
      await token.transfer(await pair.getAddress(), extra);
    }
    await (pair.connect(fixture.deployer) as Contract).sync();
    expect(await reservesOf(pair)).to.deep.equal([reserve0, reserve1]);
  }

  /** Both stablecoins at $1.25: the oracle's token-0 price in token 1 is exactly 1e18. The stable vault's band is
   *  1% (100 bps): with reserve0 = 2.5e12 a spot of exactly 1.01e18 is reserve1 = 2.525e12. */
  async function bandFixture() {
    const fixture = await vaultStackFixture();
    const { stable, alice } = fixture;
    const vault = stable.vault;
    // A position first, so the harvest (which needs shares) runs its price check.
    await vault.connect(alice).open(openParams(units6("1234.567891"), 0n, 0n, units6("1000.000001")));
    await time.increase(3_600);
    for (const symbol of ["USDC", "USDT"]) await fixture.farming.feeds[symbol].setAnswer(125_000_000n);
    await fixture.farming.feeds.FLUX.setAnswer(62_500_000n); // 0.5 USDC per FLUX, as its pair says
    expect((await vault.riskParameters()).maxPriceDeviationBps).to.equal(100n);
    return fixture;
  }

  const R0 = 2_500_000_000_000n;

  it("an open and the harvest's guard pass at exactly 1% above the oracle and are refused one wei and 1.2x past it", async () => {
    const fixture = await loadFixture(bandFixture);
    const { stable, alice, carol } = fixture;
    const vault = stable.vault;
    const open = () => vault.connect(alice).open.staticCall(openParams(units6("1234.567891"), 0n, 0n, 0n));
    await setReserves(fixture, R0, (R0 * 101n) / 100n); // spot = 1.01e18, fair = 1e18: gap x 10000 == fair x 100
    await expect(open()).not.to.be.reverted;
    await expect(vault.connect(carol).harvest.staticCall(0)).not.to.be.reverted;
    await expect(vault.connect(alice).increase.staticCall(1, openParams(units6("10"), 0n, 0n, 0n))).not.to.be.reverted;

    await setReserves(fixture, R0, (R0 * 101n) / 100n + 1n); // one wei of token 1 more: spot 1.01e18 + 4e5
    const spotPast = ((R0 * 101n) / 100n + 1n) * WAD / R0;
    await expect(open()).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh").withArgs(spotPast, WAD, 100);
    await expect(vault.connect(carol).harvest.staticCall(0)).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh");
    await expect(vault.connect(alice).increase.staticCall(1, openParams(units6("10"), 0n, 0n, 0n))).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh");

    await setReserves(fixture, R0, (R0 * 10_120n) / 10_000n); // 1.2x the limit
    await expect(open()).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh").withArgs((WAD * 10_120n) / 10_000n, WAD, 100);
    await expect(vault.connect(carol).harvest.staticCall(0)).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh");
  });

  it("and exactly 1% below the oracle passes, one wei further below is refused", async () => {
    const fixture = await loadFixture(bandFixture);
    const { stable, alice, carol } = fixture;
    const vault = stable.vault;
    const open = () => vault.connect(alice).open.staticCall(openParams(units6("1234.567891"), 0n, 0n, 0n));
    const r0 = 2_560_000_000_000n; // divides 1e30, so the spot price is exact
    const r1 = (r0 * 99n) / 100n; // spot = 0.99e18
    await setReserves(fixture, r0, r1);
    await expect(open()).not.to.be.reverted;
    await expect(vault.connect(carol).harvest.staticCall(0)).not.to.be.reverted;
    await setReserves(fixture, r0 + 1n, r1);
    await expect(open()).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh").withArgs((r1 * WAD) / (r0 + 1n), WAD, 100);
    await expect(vault.connect(carol).harvest.staticCall(0)).to.be.revertedWithCustomError(vault, "PriceDeviationTooHigh");
  });
});

describe("liquidationPrices (lib/vaultMath) against the contract, token 1 not at $1", () => {
  it("the position turns liquidatable just past the predicted token-0 price and not just before it", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { volatile, alice, farming } = fixture;
    const vault = volatile.vault;
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    // Token 1 off its starting price (USDC at $1.04, or WETH at $2,100 when WETH is token 1).
    const [startPrice0, price1] = wethIsToken0 ? [2_000, 1.04] : [1, 2_100];
    await moveMarket(fixture, volatile, startPrice0, price1);
    const decimals = wethIsToken0 ? [18, 6] : [6, 18];
    const whole = (amount: string, i: number) => ethers.parseUnits(amount, decimals[i]);
    // Long token 0 (its collateral, token 1 borrowed), plus a little token-0 debt: both terms of the quadratic.
    const collateral0 = wethIsToken0 ? whole("1.234567891234567891", 0) : whole("2469.135791", 0);
    const borrow1 = wethIsToken0 ? whole("3456.789012", 1) : whole("1.6543219876", 1);
    const borrow0 = collateral0 / 10n;
    await vault.connect(alice).open(openParams(collateral0, 0n, borrow0, borrow1));
    const id = await vault.lastPositionId();
    const kill = Number((await vault.riskParameters()).killFactorBps) / 10_000;
    const oracle = farming.oracle;
    const token0 = await vault.token0();
    const token1 = await vault.token1();
    const view = await vault.positionView(id);
    const p0 = Number(await oracle.priceOf(token0)) / 1e18;
    const p1 = Number(await oracle.priceOf(token1)) / 1e18;
    expect(p1).to.not.equal(1);
    const { below } = liquidationPrices({
      lpValueWad: view.valueWad,
      debt0: Number(view.debt0) / 10 ** decimals[0],
      debt1: Number(view.debt1) / 10 ** decimals[1],
      price0: p0,
      price1: p1,
      killFactor: kill,
    });
    expect(below, "a long token-0 position has a liquidation price below").to.not.equal(null);
    expect(below!).to.be.lessThan(p0);
    // Just above the predicted price (1%): not liquidatable; just below: liquidatable. Token 1 stays at p1.
    await moveMarket(fixture, volatile, below! * 1.01, p1);
    expect((await vault.positionView(id)).liquidatable, `at ${below! * 1.01} (predicted ${below})`).to.equal(false);
    await moveMarket(fixture, volatile, below! * 0.99, p1);
    expect((await vault.positionView(id)).liquidatable, `at ${below! * 0.99} (predicted ${below})`).to.equal(true);
    expect(Number(await oracle.priceOf(token1)) / 1e18).to.be.closeTo(p1, 1e-8);
  });
});

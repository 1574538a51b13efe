/**
 * Historical DeFi exploit classes replayed against Flux V2, as the attacker, on the real Uniswap V2 pairs and the
 * real StakingRewards farm of the local deployment. Each test measures the attacker's wealth in USD at oracle prices
 * (every token, claimables and open positions counted) before and after, and checks that lenders and other farmers
 * are whole. Each prints one line of numbers.
 */
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract, Interface } from "ethers";
import { STABLE_VAULT_RISK } from "../../../lib/vaults";
import { FAR_FUTURE, advanceDays, lensOf, tokenOf, vaultStackFixture, type VaultFixture } from "../vault/fixtures";
import { fund, reservesOf } from "../vault/market";
import { stablecoinPoolFixture, USDC as poolUSDC } from "../pool/fixtures";
import {
  FAR,
  ReceiveAs,
  WAD,
  deployAttacker,
  dollars,
  e18,
  errorName,
  farmerState,
  hookStack,
  lenderRates,
  opcodesOf,
  step,
  stepResults,
  usd6,
  worthUsd,
  type Step,
  type StepResult,
} from "./historicalAttackHelpers";
import type { StakingRewardsVault } from "../../../typechain-types";

type Params = { amount0?: bigint; amount1?: bigint; borrow0?: bigint; borrow1?: bigint };
const openParams = (p: Params) => ({
  amount0: p.amount0 ?? 0n,
  amount1: p.amount1 ?? 0n,
  borrow0: p.borrow0 ?? 0n,
  borrow1: p.borrow1 ?? 0n,
  minLp: 0n,
  minShares: 0n,
  deadline: FAR_FUTURE,
});
const closeParams = (positionId: bigint, fractionBps = 10_000, receiveAs: number = ReceiveAs.BothTokens) => ({
  positionId,
  fractionBps,
  receiveAs,
  minAmount0: 0n,
  minAmount1: 0n,
  deadline: FAR_FUTURE,
});

function interfacesOf(fixture: VaultFixture, extra: Interface[] = []): Interface[] {
  return [fixture.stable.vault.interface, fixture.pools.USDC.interface, ...extra];
}

/** Asserts the lenders' exchange rates did not fall and the given farmers' positions lost no LP or value. */
async function expectWhole(
  fixture: VaultFixture,
  rates: Record<string, bigint>,
  vault: StakingRewardsVault,
  farmers: Awaited<ReturnType<typeof farmerState>>,
) {
  const ratesAfter = await lenderRates(fixture);
  for (const symbol of Object.keys(rates)) expect(ratesAfter[symbol], `f${symbol} exchange rate`).to.be.greaterThanOrEqual(rates[symbol]);
  const after = await farmerState(vault, farmers.map((farmer) => farmer.id));
  for (let i = 0; i < farmers.length; i++) {
    expect(after[i].lpAmount, `position ${farmers[i].id} LP`).to.be.greaterThanOrEqual(farmers[i].lpAmount);
    expect(after[i].valueWad, `position ${farmers[i].id} value`).to.be.greaterThanOrEqual(farmers[i].valueWad);
  }
}

function decodeView(vault: StakingRewardsVault, result: StepResult) {
  expect(result.ok, "view step succeeded").to.equal(true);
  return vault.interface.decodeFunctionResult("positionView", result.result)[0];
}

const ratio = (a: bigint, b: bigint) => Number(a) / Number(b);

describe("historical DeFi attacks, replayed as the attacker", function () {
  this.timeout(300_000);

  it("1. Warp Finance: a flash-swap-sized skew moves no position's value and every entry at the skew is refused", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, volatile, alice, attacker: eoa } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const usdc = await fixture.tokens.USDC.getAddress();
    await vault.connect(alice).open(openParams({ amount0: usd6(1_000), borrow1: usd6(2_000) }));
    const atk = await deployAttacker(fixture, { USDC: usd6(100_000), USDT: usd6(100_000) });
    const atkAddress = await atk.getAddress();
    const [t0, t1] = [await tokenOf(fixture, stable, 0).getAddress(), await tokenOf(fixture, stable, 1).getAddress()];
    // An honest 3x position first, opened at fair prices.
    await atk.run([
      await step(atk, "approve", [t0, vaultAddress]),
      await step(atk, "approve", [t1, vaultAddress]),
      await step(vault, "open", [openParams({ amount0: usd6(10_000), borrow1: usd6(20_000) })]),
      // And a 2x position whose debt is in USDC, the token the skew makes abundant: it can close at the skew
      // without a swap, taking the skewed reserves' mix.
      await step(vault, "open", [stable.token0Symbol === "USDC" ? openParams({ amount1: usd6(40_000), borrow0: usd6(40_000) }) : openParams({ amount0: usd6(40_000), borrow1: usd6(40_000) })]),
    ]);
    const holders = [eoa.address, atkAddress];
    const worthBefore = await worthUsd(fixture, holders);
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n]);

    // Flash-borrow 900,000 USDC from the WETH-USDC pair and dump it into the USDC-USDT pair (2M each side).
    const flashAmount = usd6(900_000);
    const usdcIs0 = volatile.token0Symbol === "USDC";
    const pair = stable.pair as Contract;
    const inner: Step[] = [
      await step(vault, "positionView", [1n]),
      await step(vault, "positionView", [2n]),
      await step(atk, "swapExactIn", [await pair.getAddress(), usdc, flashAmount]),
      await step(pair, "getReserves", []),
      await step(vault, "positionView", [1n]),
      await step(vault, "positionView", [2n]),
      await step(vault, "increase", [2n, openParams({ borrow1: usd6(20_000) })], true),
      await step(vault, "open", [openParams({ amount0: usd6(1_000), borrow1: usd6(5_000) })], true),
      await step(vault, "liquidate", [1n], true),
      await step(vault, "close", [closeParams(2n)], true),
      await step(vault, "close", [closeParams(3n)], true),
      await step(atk, "swapBack", [await pair.getAddress()]),
    ];
    const [r0, r1] = await reservesOf(pair);
    const tx = await atk.flash(await volatile.pair.getAddress(), usdcIs0 ? flashAmount : 0n, usdcIs0 ? 0n : flashAmount, inner);
    const results = await stepResults(atk, tx);
    const names = interfacesOf(fixture);
    const skewed = pair.interface.decodeFunctionResult("getReserves", results[3].result);
    const spotMove = ratio(r1, r0) / ratio(BigInt(skewed[1]), BigInt(skewed[0]));
    const [aliceBefore, mineBefore, aliceDuring, mineDuring] = [0, 1, 4, 5].map((i) => decodeView(vault, results[i]));
    const outcome = [6, 7, 8, 9, 10].map((i) => (results[i].ok ? "ok" : errorName(results[i].result, names)));
    const worthAfter = await worthUsd(fixture, holders);
    const profit = worthAfter - worthBefore;
    console.log(
      `      [Warp] spot moved x${Math.max(spotMove, 1 / spotMove).toFixed(3)}; value alice ${dollars(aliceBefore.valueWad).toFixed(2)}->${dollars(aliceDuring.valueWad).toFixed(2)}, attacker ${dollars(mineBefore.valueWad).toFixed(2)}->${dollars(mineDuring.valueWad).toFixed(2)}; increase/open/liquidate/close(USDT debt)/close(USDC debt): ${outcome.join("/")}; attacker profit $${dollars(profit).toFixed(2)}`,
    );

    expect(Math.max(spotMove, 1 / spotMove)).to.be.greaterThan(2);
    for (const [before, during] of [[aliceBefore, aliceDuring], [mineBefore, mineDuring]]) {
      // The fair LP price ignores where the spot is; only the swap fee left in the pair raises the invariant.
      expect(ratio(during.valueWad, before.valueWad)).to.be.within(1, 1.0015);
      expect(during.debtRatioBps).to.be.lessThanOrEqual(before.debtRatioBps);
      expect(before.debtRatioBps - during.debtRatioBps).to.be.lessThanOrEqual(15n);
      expect(during.liquidatable).to.equal(false);
    }
    expect(outcome[0]).to.equal("PriceDeviationTooHigh");
    expect(outcome[1]).to.equal("PriceDeviationTooHigh");
    expect(outcome[2]).to.equal("PositionHealthy");
    expect(outcome[4], "a close needing no swap works at any skew").to.equal("ok");
    expect(profit).to.be.lessThanOrEqual(0n);
    await expectWhole(fixture, rates, vault, farmers);
  });

  it("2. Harvest Finance / Value DeFi: skew, open, unskew, close in one transaction loses at every skew size", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker: eoa } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const usdc = await fixture.tokens.USDC.getAddress();
    const pair = stable.pair as Contract;
    const pairAddress = await pair.getAddress();
    const usdcIs0 = stable.token0Symbol === "USDC";
    await vault.connect(alice).open(openParams({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(10_000), borrow1: usd6(10_000) }));
    const atk = await deployAttacker(fixture, { USDC: usd6(700_000), USDT: usd6(200_000) });
    const [t0, t1] = [await tokenOf(fixture, stable, 0).getAddress(), await tokenOf(fixture, stable, 1).getAddress()];
    await atk.run([await step(atk, "approve", [t0, vaultAddress]), await step(atk, "approve", [t1, vaultAddress])]);
    const holders = [eoa.address, await atk.getAddress()];
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n]);
    const maxDeviation = (await vault.riskParameters()).maxPriceDeviationBps;
    const lines: string[] = [];
    for (const skewUsdc of [2_000, 6_000, 9_000, 50_000, 500_000]) {
      // Deposit the token the skew made dear in the pair, then the one it made cheap: both directions of the zap.
      for (const collateral of ["USDT", "USDC"] as const) {
        const snapshot = await takeSnapshot();
        const worthBefore = await worthUsd(fixture, holders);
        const id = (await vault.lastPositionId()) + 1n;
        const deposit =
          (collateral === "USDC") === usdcIs0
            ? openParams({ amount0: usd6(20_000), borrow0: usd6(40_000) })
            : openParams({ amount1: usd6(20_000), borrow1: usd6(40_000) });
        const [r0, r1] = await reservesOf(pair);
        const tx = await atk.run([
          await step(atk, "swapExactIn", [pairAddress, usdc, usd6(skewUsdc)]),
          await step(pair, "getReserves", []),
          await step(vault, "open", [deposit], true),
          await step(atk, "swapBack", [pairAddress]),
          await step(vault, "close", [closeParams(id)], true),
        ]);
        const results = await stepResults(atk, tx);
        const skewed = pair.interface.decodeFunctionResult("getReserves", results[1].result);
        const deviationBps = Math.abs(ratio(BigInt(skewed[1]), BigInt(skewed[0])) / ratio(r1, r0) - 1) * 10_000;
        const opened = results[2].ok;
        const worthAfter = await worthUsd(fixture, holders);
        const profit = worthAfter - worthBefore;
        lines.push(`${skewUsdc / 1000}k/${collateral}: dev ${deviationBps.toFixed(0)}bps ${opened ? "opened" : errorName(results[2].result, interfacesOf(fixture))} profit $${dollars(profit).toFixed(2)}`);
        expect(profit, `profit at ${skewUsdc} USDC skew, ${collateral}`).to.be.lessThanOrEqual(0n);
        if (deviationBps > Number(maxDeviation) * 1.01) {
          expect(opened, `open at ${deviationBps.toFixed(0)} bps`).to.equal(false);
          expect(errorName(results[2].result, interfacesOf(fixture))).to.equal("PriceDeviationTooHigh");
        }
        if (deviationBps < Number(maxDeviation) * 0.9) {
          expect(opened, `open at ${deviationBps.toFixed(0)} bps`).to.equal(true);
          expect(results[4].ok, "close after unskew").to.equal(true);
        }
        await expectWhole(fixture, rates, vault, farmers);
        await snapshot.restore();
      }
    }
    console.log(`      [Harvest/ValueDeFi] ${lines.join("; ")}`);
  });

  it("3. PancakeBunny: a huge skew of the FLUX reward pair moves no position's value and the share price by at most 3% of the pending rewards; open/harvest/close at the skew lose", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker: eoa, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const usdc = await fixture.tokens.USDC.getAddress();
    const flux = await fixture.tokens.FLUX.getAddress();
    const fluxPair = farming.fluxPair as Contract;
    const fluxPairAddress = await fluxPair.getAddress();
    await vault.connect(alice).open(openParams({ amount0: usd6(25_000), amount1: usd6(25_000), borrow0: usd6(50_000), borrow1: usd6(50_000) }));
    await advanceDays(fixture, 2);
    const atk = await deployAttacker(fixture, { USDC: usd6(1_300_000), USDT: usd6(100_000), FLUX: e18(3_000_000) });
    const [t0, t1] = [await tokenOf(fixture, stable, 0).getAddress(), await tokenOf(fixture, stable, 1).getAddress()];
    await atk.run([await step(atk, "approve", [t0, vaultAddress]), await step(atk, "approve", [t1, vaultAddress])]);
    const holders = [eoa.address, await atk.getAddress()];
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n]);
    const lines: string[] = [];
    for (const [label, tokenIn, amount] of [
      ["pump FLUX with 1.2M USDC", usdc, usd6(1_200_000)],
      ["dump 3M FLUX", flux, e18(3_000_000)],
    ] as const) {
      const snapshot = await takeSnapshot();
      const worthBefore = await worthUsd(fixture, holders);
      const id = (await vault.lastPositionId()) + 1n;
      const [f0, f1] = await reservesOf(fluxPair);
      const tx = await atk.run([
        await step(vault, "sharesForLp", [10n ** 9n]),
        await step(vault, "positionView", [1n]),
        await step(atk, "swapExactIn", [fluxPairAddress, tokenIn, amount]),
        await step(fluxPair, "getReserves", []),
        await step(vault, "sharesForLp", [10n ** 9n], true),
        await step(vault, "positionView", [1n]),
        await step(vault, "open", [openParams({ amount0: usd6(10_000), amount1: usd6(10_000), borrow0: usd6(10_000), borrow1: usd6(10_000) })], true),
        await step(vault, "harvest", [0n], true),
        await step(vault, "close", [closeParams(id)], true),
        await step(vault, "claim", [flux, await atk.getAddress()], true),
        await step(atk, "swapBack", [fluxPairAddress]),
      ]);
      const results = await stepResults(atk, tx);
      const skewed = fluxPair.interface.decodeFunctionResult("getReserves", results[3].result);
      const move = ratio(BigInt(skewed[1]), BigInt(skewed[0])) / ratio(f1, f0);
      const sharesBefore = vault.interface.decodeFunctionResult("sharesForLp", results[0].result)[0];
      // While the reward pair's spot is far from the feeds, the share price that counts pending rewards waits
      // (PriceSourcesDisagree), and so does an entry; the vault's own positions are valued as before.
      const refusal = (i: number) => (results[i].ok ? "ok" : errorName(results[i].result, interfacesOf(fixture)));
      const sharesDuring = results[4].ok ? vault.interface.decodeFunctionResult("sharesForLp", results[4].result)[0] : sharesBefore;
      const [before, during] = [decodeView(vault, results[1]), decodeView(vault, results[5])];
      const harvest = results[7].ok ? "harvested" : errorName(results[7].result, interfacesOf(fixture));
      const profit = (await worthUsd(fixture, holders)) - worthBefore;
      lines.push(
        `${label}: spot x${Math.max(move, 1 / move).toFixed(2)}, sharesForLp ${sharesBefore}->${results[4].ok ? sharesDuring : refusal(4)}, alice pending ${dollars(before.pendingReward).toFixed(2)}->${dollars(during.pendingReward).toFixed(2)} FLUX, open ${refusal(6)}, harvest ${harvest}, close ${results[8].ok ? "ok" : "failed"}, profit $${dollars(profit).toFixed(2)}`,
      );
      expect(Math.max(move, 1 / move)).to.be.greaterThan(2);
      // Entrants pay for the pending rewards at the higher of the feeds' rate and the reward pair's TWAP, which the
      // skew (this block) cannot move, and only while the spot is within 3% of the feeds: the skew changes nothing.
      expect(sharesDuring).to.be.at.most(sharesBefore);
      expect(Number(sharesBefore - sharesDuring) / Number(sharesBefore)).to.be.lessThan(1e-4);
      expect(during.valueWad).to.equal(before.valueWad);
      expect(during.pendingReward).to.equal(before.pendingReward);
      expect(["ok", "PriceSourcesDisagree"]).to.include(refusal(4));
      expect(["ok", "PriceSourcesDisagree"], "open (the vault's own pair is not skewed; the reward pair is)").to.include(refusal(6));
      expect(results[8].ok, "close").to.equal(results[6].ok); // nothing to close when the entry waited
      if (tokenIn === flux) expect(harvest).to.equal("HarvestNothingSellable");
      expect(profit).to.be.lessThanOrEqual(0n);
      await expectWhole(fixture, rates, vault, farmers);
      await snapshot.restore();
    }
    console.log(`      [PancakeBunny] ${lines.join("; ")}`);
  });

  it("4. Alpha Homora V2: dust borrows never mint debt without shares and rounding never favours the borrower", async () => {
    // (a) The pool, with a whitelisted borrower (standing in for a vault) as the attacker, after 3 years of interest.
    const pf = await loadFixture(stablecoinPoolFixture);
    const { pool, token, alice, borrower } = pf;
    await pool.connect(alice).deposit(poolUSDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(poolUSDC(800_000));
    await time.increase(3 * 365 * 86_400);
    await pool.accrueInterest();
    const [sharesStart] = await pool.borrowerAccount(borrower.address);
    const tokensStart = await token.balanceOf(borrower.address);
    const indexStart = await pool.borrowIndex();
    const wholeIndex = indexStart / WAD; // amounts below the index would round to 0 shares if rounded down
    const amounts = [1n, 1n, 1n, 2n, 3n, wholeIndex, wholeIndex + 1n, 7n, 1n, 1n, 999n, 1_000_001n];
    let borrowed = 0n;
    let dustShares = 0n;
    for (const amount of amounts) {
      const receipt = await (await pool.connect(borrower).borrow(amount)).wait();
      const events = receipt!.logs.map((log) => pool.interface.parseLog(log)).filter((e) => e !== null);
      const accrued = events.find((e) => e!.name === "AccrueInterest");
      const minted = events.find((e) => e!.name === "Borrow")!.args.borrowShares as bigint;
      const index = accrued ? (accrued.args.borrowIndex as bigint) : indexStart;
      expect(minted, `shares for ${amount} wei`).to.be.greaterThanOrEqual(1n);
      expect(minted * index, `debt for ${amount} wei`).to.be.greaterThanOrEqual(amount * WAD);
      borrowed += amount;
      dustShares += minted;
    }
    // Repaying less than one share's worth is refused, not rounded into a free share.
    await expect(pool.connect(borrower).repay(borrower.address, 1n)).to.be.revertedWithCustomError(pool, "ZeroShares");
    await token.connect(borrower).approve(await pool.getAddress(), ethers.MaxUint256);
    const repaid = await pool.connect(borrower).repayShares.staticCall(borrower.address, dustShares);
    await pool.connect(borrower).repayShares(borrower.address, dustShares);
    const [sharesEnd] = await pool.borrowerAccount(borrower.address);
    const poolProfit = (await token.balanceOf(borrower.address)) - tokensStart;
    expect(sharesEnd).to.equal(sharesStart);
    expect(await pool.totalBorrowShares()).to.equal(sharesEnd);
    expect(await pool.totalBorrows()).to.be.lessThanOrEqual(await pool.borrowBalance(borrower.address));
    expect(await pool.cash()).to.equal(await token.balanceOf(await pool.getAddress()));
    expect(poolProfit).to.be.lessThanOrEqual(0n);

    // (b) Through the vault: increase a position with 1-wei borrows, at a borrow index well above 1.
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice: farmer, attacker } = fixture;
    const vault = stable.vault;
    const usdtIs1 = stable.token1Symbol === "USDT";
    const side = (amount: bigint, borrow: bigint) => (usdtIs1 ? openParams({ amount1: amount, borrow1: borrow }) : openParams({ amount0: amount, borrow0: borrow }));
    const usdtPool = fixture.pools.USDT;
    await vault.connect(farmer).open(openParams({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(20_000), borrow1: usd6(20_000) }));
    await advanceDays(fixture, 2);
    await vault.connect(farmer).increase(1n, side(usd6(1), usd6(1))); // accrue, and feeds stay fresh
    const rates = await lenderRates(fixture);
    const worthBefore = await worthUsd(fixture, [attacker.address]);
    await vault.connect(attacker).open(side(usd6(1_000), 1n));
    const mine = async () => (await vault.positions(2n))[usdtIs1 ? "debtShares1" : "debtShares0"];
    const steps: bigint[] = [await mine()];
    for (let i = 0; i < 6; i++) {
      await vault.connect(attacker).increase(2n, side(usd6(1), 1n));
      steps.push(await mine());
    }
    let bareDust = "ok";
    try {
      await vault.connect(attacker).increase(2n, side(0n, 1n));
    } catch (error) {
      bareDust = errorName((error as { data?: string }).data ?? "0x", interfacesOf(fixture));
    }
    await expect(vault.connect(attacker).repayDebt(2n, usdtIs1 ? 0n : 1n, usdtIs1 ? 1n : 0n)).to.be.revertedWithCustomError(vault, "ZeroAmount");
    for (let i = 1; i < steps.length; i++) expect(steps[i] - steps[i - 1], `1-wei borrow ${i}`).to.be.greaterThanOrEqual(1n);
    const positionShares = (await vault.positions(1n))[usdtIs1 ? "debtShares1" : "debtShares0"] + (await mine());
    const [vaultShares] = await usdtPool.borrowerAccount(await vault.getAddress());
    expect(positionShares).to.equal(vaultShares);
    expect(await usdtPool.totalBorrowShares()).to.equal(vaultShares);
    const debtOf = async (id: bigint) => (await vault.positionView(id))[usdtIs1 ? "debt1" : "debt0"];
    const positionDebt = (await debtOf(1n)) + (await debtOf(2n));
    expect(positionDebt).to.be.greaterThanOrEqual(await usdtPool.totalBorrows());
    expect(await usdtPool.cash()).to.equal(await fixture.tokens.USDT.balanceOf(await usdtPool.getAddress()));
    const profit = (await worthUsd(fixture, [attacker.address])) - worthBefore;
    console.log(
      `      [AlphaHomora] pool index ${(Number(indexStart) / 1e18).toFixed(4)}: ${amounts.length} dust borrows of ${borrowed} wei minted ${dustShares} shares, repaid ${repaid} wei (borrower net ${poolProfit} wei); vault 1-wei borrows added debt shares ${steps.slice(1).map((s, i) => s - steps[i]).join(",")}, bare 1-wei increase: ${bareDust}; positions ${positionDebt} vs pool ${await usdtPool.totalBorrows()} USDT units; attacker profit $${dollars(profit).toFixed(4)}`,
    );
    expect(profit).to.be.lessThanOrEqual(0n);
    const ratesAfter = await lenderRates(fixture);
    for (const symbol of Object.keys(rates)) expect(ratesAfter[symbol]).to.be.greaterThanOrEqual(rates[symbol]);
  });

  it("5. Cream Finance: donations to the pool, the vault and the farm move no share price; donor loses, lenders whole", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const pool = fixture.pools.USDC;
    const poolAddress = await pool.getAddress();
    const usdcToken = fixture.tokens.USDC;
    await vault.connect(alice).open(openParams({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(10_000), borrow1: usd6(10_000) }));
    await vault.connect(attacker).open(openParams({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(5_000), borrow1: usd6(5_000) }));
    await fund(fixture, "FLUX", e18(20_000));
    await fixture.tokens.FLUX.connect(fixture.deployer).transfer(attacker.address, e18(20_000));
    const holders = [attacker.address];
    const worthBefore = await worthUsd(fixture, holders);
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n]);

    // (a) The pool: lend, donate the asset and seed its reserve, then redeem.
    await usdcToken.connect(attacker).approve(poolAddress, ethers.MaxUint256);
    await pool.connect(attacker).deposit(usd6(40_000), attacker.address);
    const rate0 = await pool.exchangeRate();
    const assets0 = await pool.totalAssets();
    await usdcToken.connect(attacker).transfer(poolAddress, usd6(20_000));
    await pool.connect(attacker).depositReserves(usd6(5_000));
    const rate1 = await pool.exchangeRate();
    const assets1 = await pool.totalAssets();
    const maxBorrowValue = await pool.balanceOfUnderlying(attacker.address);
    await pool.connect(attacker).redeem(await pool.balanceOf(attacker.address), attacker.address, attacker.address);

    // (b) The vault: donate LP to the vault and to the farm, and FLUX to the vault, then close.
    const router = farming.uniswap.router.connect(attacker) as Contract;
    const [t0, t1] = [tokenOf(fixture, stable, 0), tokenOf(fixture, stable, 1)];
    for (const token of [t0, t1]) await token.connect(attacker).approve(await router.getAddress(), ethers.MaxUint256);
    await router.addLiquidity(await t0.getAddress(), await t1.getAddress(), usd6(10_000), usd6(10_000), 0, 0, attacker.address, FAR);
    const pair = stable.pair.connect(attacker) as Contract;
    const lp = BigInt(await pair.balanceOf(attacker.address));
    const totals0 = await vault.totals();
    const staked0 = BigInt(await stable.farm.balanceOf(vaultAddress));
    const view0 = await vault.positionView(2n);
    const sharesFor0 = await vault.sharesForLp(10n ** 9n);
    await pair.transfer(vaultAddress, lp / 2n);
    await pair.transfer(await stable.farm.getAddress(), lp - lp / 2n);
    const totals1 = await vault.totals();
    const staked1 = BigInt(await stable.farm.balanceOf(vaultAddress));
    const view1 = await vault.positionView(2n);
    await fixture.tokens.FLUX.connect(attacker).transfer(vaultAddress, e18(20_000));
    const view2 = await vault.positionView(2n);
    const sharesFor2 = await vault.sharesForLp(10n ** 9n);
    // The donated FLUX does not raise what a position can borrow against: value excludes rewards.
    await expect(vault.connect(attacker).increase(2n, openParams({ borrow0: usd6(200_000) }))).to.be.revertedWithCustomError(vault, "LeverageTooHigh");
    await vault.connect(attacker).close(closeParams(2n));
    await vault.connect(attacker).claim(await fixture.tokens.FLUX.getAddress(), attacker.address);
    const profit = (await worthUsd(fixture, holders)) - worthBefore;
    console.log(
      `      [Cream] pool rate ${rate0}->${rate1} (assets ${assets0}->${assets1}) after 20k donation + 5k reserve; vault totals LP ${totals0[0]}->${totals1[0]}, farm stake ${staked0}->${staked1}, position value ${dollars(view0.valueWad).toFixed(2)}->${dollars(view1.valueWad).toFixed(2)}->${dollars(view2.valueWad).toFixed(2)} (pending FLUX ${dollars(view0.pendingReward).toFixed(1)}->${dollars(view2.pendingReward).toFixed(1)}), sharesForLp ${sharesFor0}->${sharesFor2}; attacker profit $${dollars(profit).toFixed(2)}`,
    );
    expect(rate1).to.equal(rate0);
    // Only a block's interest (wei) moved totalAssets: the 25,000 USDC donated and reserved count for nothing.
    expect(assets1 - assets0).to.be.lessThan(usd6(0.01));
    expect(maxBorrowValue).to.be.lessThanOrEqual(usd6(40_000));
    expect(totals1).to.deep.equal(totals0);
    expect(staked1).to.equal(staked0);
    expect(view1.valueWad).to.equal(view0.valueWad);
    expect(view2.valueWad).to.equal(view0.valueWad);
    expect(sharesFor2).to.be.lessThanOrEqual(sharesFor0);
    expect(profit).to.be.lessThan(0n);
    await expectWhole(fixture, rates, vault, farmers);
  });

  it("6. Hundred / Sonne: first depositor of an empty pool mints 1 wei, donates; the next depositor loses nothing", async () => {
    const { pool, token, stranger: attacker, alice: victim, bob } = await loadFixture(stablecoinPoolFixture);
    const poolAddress = await pool.getAddress();
    expect(await pool.totalSupply()).to.equal(0n);
    const attackerStart = await token.balanceOf(attacker.address);
    await pool.connect(attacker).deposit(1n, attacker.address);
    const rateEmpty = await pool.exchangeRate();
    await token.connect(attacker).transfer(poolAddress, poolUSDC(5_000_000));
    await pool.connect(attacker).depositReserves(poolUSDC(1_000_000));
    const rateDonated = await pool.exchangeRate();
    const deposit = poolUSDC(1_000);
    const victimStart = await token.balanceOf(victim.address);
    await pool.connect(victim).deposit(deposit, victim.address);
    const victimAssets = await pool.balanceOfUnderlying(victim.address);
    // Hundred's variant: withdraw more than 1 wei of assets against the 1-wei share (rounding the burn down).
    await expect(pool.connect(attacker).withdraw(2n, attacker.address, attacker.address)).to.be.revertedWithCustomError(pool, "ERC4626ExceededMaxWithdraw");
    await pool.connect(bob).deposit(7n, bob.address);
    await pool.connect(attacker).redeem(await pool.balanceOf(attacker.address), attacker.address, attacker.address);
    await pool.connect(victim).redeem(await pool.balanceOf(victim.address), victim.address, victim.address);
    const victimBack = deposit - (victimStart - (await token.balanceOf(victim.address)));
    const victimLossBps = (Number(deposit - victimAssets) / Number(deposit)) * 10_000;
    const attackerProfit = (await token.balanceOf(attacker.address)) - attackerStart;
    console.log(
      `      [Hundred/Sonne] rate empty ${rateEmpty} -> after 5M donation + 1M reserve ${rateDonated}; victim deposited ${deposit} got ${victimAssets} (loss ${victimLossBps.toFixed(4)} bps), bob 7 wei -> ${await pool.balanceOfUnderlying(bob.address)}; attacker net ${attackerProfit} units`,
    );
    expect(victimBack).to.equal(deposit);
    expect(rateDonated).to.equal(rateEmpty);
    expect((deposit - victimAssets) * 10_000n).to.be.lessThanOrEqual(deposit * 1n);
    expect(await pool.balanceOfUnderlying(bob.address)).to.equal(7n);
    expect(attackerProfit).to.be.lessThanOrEqual(-poolUSDC(6_000_000));
  });

  it("7. Eleven Finance: every exit burns the shares it pays for; repeated, fractional and emergency exits pay nothing extra", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const oracle = fixture.farming.oracle;
    const [t0, t1] = [tokenOf(fixture, stable, 0), tokenOf(fixture, stable, 1)];
    const [p0, p1] = [await oracle.priceOf(await t0.getAddress()), await oracle.priceOf(await t1.getAddress())];
    const pair = stable.pair as Contract;
    await vault.connect(alice).open(openParams({ amount0: usd6(5_000), amount1: usd6(5_000), borrow0: usd6(10_000), borrow1: usd6(10_000) }));
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n]);
    const holders = [attacker.address];
    const worthBefore = await worthUsd(fixture, holders);
    await vault.connect(attacker).open(openParams({ amount0: usd6(3_000), amount1: usd6(3_000), borrow0: usd6(1_500), borrow1: usd6(1_500) }));
    const id = 2n;
    const lines: string[] = [];
    let paidTotal = 0n;
    let burnedTotal = 0n;
    const exit = async (label: string, send: () => Promise<unknown>) => {
      const [r0, r1] = await reservesOf(pair);
      const supply = BigInt(await pair.totalSupply());
      const sharesBefore = (await vault.positions(id)).lpShares;
      const [b0, b1] = [await t0.balanceOf(attacker.address), await t1.balanceOf(attacker.address)];
      const tx = (await send()) as { wait: () => Promise<{ logs: { topics: readonly string[]; data: string; address: string }[] }> };
      const receipt = await tx.wait();
      const decreased = receipt.logs.map((log) => { try { return vault.interface.parseLog(log); } catch { return null; } }).find((e) => e?.name === "PositionDecreased" || e?.name === "PriceOrderExecuted");
      const [g0, g1] = [(await t0.balanceOf(attacker.address)) - b0, (await t1.balanceOf(attacker.address)) - b1];
      const lpRemoved = decreased!.name === "PositionDecreased" ? (decreased!.args.lpRemoved as bigint) : (decreased!.args.outcome.lpRemoved as bigint);
      const repaid0 = decreased!.name === "PositionDecreased" ? (decreased!.args.repaid0 as bigint) : (decreased!.args.outcome.repaid0 as bigint);
      const repaid1 = decreased!.name === "PositionDecreased" ? (decreased!.args.repaid1 as bigint) : (decreased!.args.outcome.repaid1 as bigint);
      const paid = ((g0 + repaid0) * p0 + (g1 + repaid1) * p1) / 10n ** 6n;
      // What the burnt LP could pay at most: its share of both reserves at oracle prices.
      const burned = (lpRemoved * ((r0 * p0 + r1 * p1) / 10n ** 6n)) / supply;
      const sharesBurned = sharesBefore - (await vault.positions(id)).lpShares;
      lines.push(`${label}: shares -${sharesBurned}, paid+repaid $${dollars(paid).toFixed(4)} <= burnt LP $${dollars(burned).toFixed(4)}`);
      expect(paid, label).to.be.lessThanOrEqual(burned);
      if (lpRemoved === 0n) expect(g0 + g1, `${label} paid without burning`).to.equal(0n);
      else expect(sharesBurned, `${label} burnt shares`).to.be.greaterThan(0n);
      paidTotal += paid;
      burnedTotal += burned;
    };
    await exit("close 50%", () => vault.connect(attacker).close(closeParams(id, 5_000)));
    await exit("close 50% again", () => vault.connect(attacker).close(closeParams(id, 5_000)));
    await exit("close 0.01%", () => vault.connect(attacker).close(closeParams(id, 1)));
    await exit("close 0.01% again", () => vault.connect(attacker).close(closeParams(id, 1)));
    await exit("close 33.33%, all as token 0", () => vault.connect(attacker).close(closeParams(id, 3_333, ReceiveAs.Token0)));
    // Emergency paths on a healthy position: liquidation (both kinds) and an untriggered deleverage order refuse.
    await expect(vault.connect(attacker).liquidate(id)).to.be.revertedWithCustomError(vault, "PositionHealthy");
    await expect(vault.connect(attacker).liquidateWithRepayment(id)).to.be.revertedWithCustomError(vault, "PositionHealthy");
    await vault.connect(attacker).setDeleverageOrder(id, { triggerDebtRatioBps: 9_000, targetDebtRatioBps: 5_000, executorFeeBps: 100, maxSlippageBps: 300 });
    await expect(vault.connect(attacker).executeDeleverageOrder(id)).to.be.revertedWithCustomError(vault, "DeleverageNotTriggered");
    // A price order that is already triggered: it executes once, then there is nothing to execute.
    await vault.connect(attacker).setPriceOrder(id, { lowPriceWad: p0 + 1n, highPriceWad: 0n, priceOfToken1: false, receiveAs: ReceiveAs.BothTokens, fractionBps: 5_000, executorFeeBps: 100, maxSlippageBps: 300 });
    await exit("price order 50% (attacker as executor)", () => vault.connect(attacker).executePriceOrder(id));
    await expect(vault.connect(attacker).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "NoOrder");
    await exit("close 100%", () => vault.connect(attacker).close(closeParams(id)));
    // Closing the closed position again (in full, and a fraction of it) goes through but pays and burns nothing.
    await exit("close 100% again", () => vault.connect(attacker).close(closeParams(id)));
    await exit("close 0.01% of the closed position", () => vault.connect(attacker).close(closeParams(id, 1)));
    await expect(vault.connect(attacker).setPriceOrder(id, { lowPriceWad: p0 + 1n, highPriceWad: 0n, priceOfToken1: false, receiveAs: ReceiveAs.BothTokens, fractionBps: 10_000, executorFeeBps: 100, maxSlippageBps: 300 })).to.be.revertedWithCustomError(vault, "PositionClosed");
    await expect(vault.connect(attacker).executePriceOrder(id)).to.be.revertedWithCustomError(vault, "PositionClosed");
    const flux = await fixture.tokens.FLUX.getAddress();
    const claimable = await vault.claimable(flux, attacker.address);
    if (claimable > 0n) await vault.connect(attacker).claim(flux, attacker.address);
    await expect(vault.connect(attacker).claim(flux, attacker.address)).to.be.revertedWithCustomError(vault, "NothingToClaim");
    const [totalLp, totalShares] = await vault.totals();
    expect(totalShares).to.equal((await vault.positions(1n)).lpShares);
    expect(await stable.farm.balanceOf(vaultAddress)).to.equal(totalLp);
    const profit = (await worthUsd(fixture, holders)) - worthBefore;
    console.log(`      [Eleven] ${lines.join("; ")}; FLUX claimed ${dollars(claimable).toFixed(4)}; total paid $${dollars(paidTotal).toFixed(2)} <= burnt $${dollars(burnedTotal).toFixed(2)}; attacker profit $${dollars(profit).toFixed(2)}`);
    expect(profit).to.be.lessThanOrEqual(0n);
    await expectWhole(fixture, rates, vault, farmers);
  });

  it("8. Yearn yDAI: a sandwiched harvest sells within its oracle floor and the caller's minimum; the sandwich loses", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, bob, attacker: eoa, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const oracle = farming.oracle;
    const usdc = await fixture.tokens.USDC.getAddress();
    const flux = await fixture.tokens.FLUX.getAddress();
    const fluxPair = farming.fluxPair as Contract;
    const fluxPairAddress = await fluxPair.getAddress();
    const stablePairAddress = await stable.pair.getAddress();
    await vault.connect(alice).open(openParams({ amount0: usd6(20_000), amount1: usd6(20_000), borrow0: usd6(40_000), borrow1: usd6(40_000) }));
    await vault.connect(bob).open(openParams({ amount0: usd6(10_000), amount1: usd6(10_000), borrow0: usd6(5_000), borrow1: usd6(5_000) }));
    await advanceDays(fixture, 1);
    // A donor (not the attacker) tops the vault up so the harvest sells at its 0.2%-of-reserve cap: the worst case.
    await fund(fixture, "FLUX", e18(30_000));
    await fixture.tokens.FLUX.connect(fixture.deployer).transfer(vaultAddress, e18(30_000));
    const plan = await vault.previewHarvest();
    await expect(vault.connect(eoa).harvest(plan.amountOut * 2n)).to.be.revertedWithCustomError(vault, "HarvestSlippageExceeded");
    const atk = await deployAttacker(fixture, { USDC: usd6(300_000), FLUX: e18(250_000) });
    const holders = [eoa.address, await atk.getAddress()];
    const rates = await lenderRates(fixture);
    const farmers = await farmerState(vault, [1n, 2n]);
    const [priceFlux, priceUsdc] = [await oracle.priceOf(flux), await oracle.priceOf(usdc)];
    const slippage = BigInt((await vault.riskParameters()).harvestSlippageBps);
    const lines: string[] = [];
    const cases: [string, string, string, bigint][] = [
      ["dump 10k FLUX", fluxPairAddress, flux, e18(10_000)],
      ["dump 20k FLUX", fluxPairAddress, flux, e18(20_000)],
      ["dump 40k FLUX", fluxPairAddress, flux, e18(40_000)],
      ["dump 56k FLUX", fluxPairAddress, flux, e18(56_000)],
      ["dump 200k FLUX", fluxPairAddress, flux, e18(200_000)],
      ["pump FLUX with 20k USDC", fluxPairAddress, usdc, usd6(20_000)],
      ["skew the vault's pair 8k USDC", stablePairAddress, usdc, usd6(8_000)],
    ];
    for (const [label, pairAddress, tokenIn, amount] of cases) {
      const snapshot = await takeSnapshot();
      const worthBefore = await worthUsd(fixture, holders);
      const tx = await atk.run([
        await step(atk, "swapExactIn", [pairAddress, tokenIn, amount]),
        await step(vault, "harvest", [0n], true),
        await step(atk, "swapBack", [pairAddress]),
      ]);
      const results = await stepResults(atk, tx);
      const receipt = await tx.wait();
      const harvested = receipt!.logs
        .filter((log) => log.address.toLowerCase() === vaultAddress.toLowerCase())
        .map((log) => vault.interface.parseLog(log))
        .find((e) => e?.name === "Harvested");
      const profit = (await worthUsd(fixture, holders)) - worthBefore;
      let detail: string;
      if (harvested) {
        const sold = harvested.args.rewardSold as bigint;
        const out = harvested.args.amountOut as bigint;
        const outUsd = (out * priceUsdc) / 10n ** 6n;
        const floorUsd = (((sold * priceFlux) / WAD) * (10_000n - slippage)) / 10_000n;
        detail = `sold ${dollars(sold).toFixed(0)} FLUX for $${dollars(outUsd).toFixed(2)} (floor $${dollars(floorUsd).toFixed(2)})`;
        expect(outUsd, `${label}: sale above the oracle floor`).to.be.greaterThanOrEqual(floorUsd);
      } else {
        detail = errorName(results[1].ok ? "0x" : results[1].result, interfacesOf(fixture));
        if (results[1].ok) detail = "sold nothing";
      }
      lines.push(`${label}: ${detail}, attacker profit $${dollars(profit).toFixed(2)}`);
      expect(profit, label).to.be.lessThanOrEqual(0n);
      await expectWhole(fixture, rates, vault, farmers);
      await snapshot.restore();
    }
    console.log(`      [Yearn] caller minimum 2x plan: HarvestSlippageExceeded; ${lines.join("; ")}`);
  });

  it("9. Reentrancy through a token with transfer hooks: every reentry into the pool and the vault is blocked, no state corrupted", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { alice, attacker: eoa } = fixture;
    const { hook, hookPool, vault: hv, farm: hfarm, hookIsToken0 } = (await hookStack(fixture, true)) as Required<Awaited<ReturnType<typeof hookStack>>>;
    const lens = lensOf(fixture);
    const hvAddress = await hv.getAddress();
    const hookAddress = await hook.getAddress();
    const usdc = await fixture.tokens.USDC.getAddress();
    const flux = await fixture.tokens.FLUX.getAddress();
    const creditLine = await (await ethers.getContractFactory("PositionCreditLine", eoa)).deploy();
    const both = (hookAmount: bigint, usdcAmount: bigint, hookBorrow: bigint, usdcBorrow: bigint) =>
      hookIsToken0
        ? openParams({ amount0: hookAmount, amount1: usdcAmount, borrow0: hookBorrow, borrow1: usdcBorrow })
        : openParams({ amount0: usdcAmount, amount1: hookAmount, borrow0: usdcBorrow, borrow1: hookBorrow });

    const atk = await deployAttacker(fixture, { USDC: usd6(200_000) });
    const atkAddress = await atk.getAddress();
    await hook.mint(atkAddress, usd6(200_000));
    await atk.run([
      await step(hook, "setHook", [true]),
      await step(atk, "approve", [hookAddress, await hookPool.getAddress()]),
      await step(atk, "approve", [hookAddress, hvAddress]),
      await step(atk, "approve", [usdc, hvAddress]),
    ]);
    const extra = [{ token: hookAddress, decimals: 6 }];
    const holders = [eoa.address, atkAddress];
    const worthBefore = await worthUsd(fixture, holders, extra, [hv]);
    const rates = await lenderRates(fixture);
    const hookRate = await hookPool.exchangeRate();
    const names = interfacesOf(fixture, [hookPool.interface]);
    const blocked: string[] = [];
    const expectBlocked = (label: string, results: StepResult[], count: number) => {
      const hookSteps = results.slice(0, count);
      expect(hookSteps.length, `${label}: the hook fired`).to.equal(count);
      for (const r of hookSteps) {
        const name = r.ok ? "ok" : errorName(r.result, names);
        expect(name, `${label}: reentry step ${r.step}`).to.equal("ReentrancyGuardReentrantCall");
      }
      expect(results[count].ok, `${label}: the outer call`).to.equal(true);
      blocked.push(`${label} ${count}/${count}`);
    };
    const arm = async (calls: Step[]) => atk.setHookScript(calls);

    // (a) Pool deposit: the hook fires on transferFrom(attacker -> pool) and tries every pool entry point.
    const poolReentries = [
      await step(hookPool, "deposit", [1n, atkAddress]),
      await step(hookPool, "mint", [1n, atkAddress]),
      await step(hookPool, "withdraw", [1n, atkAddress, atkAddress]),
      await step(hookPool, "redeem", [1n, atkAddress, atkAddress]),
      await step(hookPool, "borrow", [1n]),
      await step(hookPool, "repay", [atkAddress, 1n]),
      await step(hookPool, "repayShares", [atkAddress, 1n]),
      await step(hookPool, "depositReserves", [1n]),
      await step(hookPool, "accrueInterest", []),
    ];
    await arm(poolReentries);
    expectBlocked("pool deposit", await stepResults(atk, await atk.run([await step(hookPool, "deposit", [usd6(50_000), atkAddress])])), poolReentries.length);
    // (b) Pool withdrawal: the hook fires on transfer(pool -> attacker).
    await arm(poolReentries);
    expectBlocked("pool withdraw", await stepResults(atk, await atk.run([await step(hookPool, "withdraw", [usd6(20_000), atkAddress, atkAddress])])), poolReentries.length);
    await atk.run([await step(hookPool, "redeem", [await hookPool.balanceOf(atkAddress), atkAddress, atkAddress])]);
    expect(await hookPool.balanceOf(atkAddress)).to.equal(0n);
    const poolProfit = (await worthUsd(fixture, holders, extra, [hv])) - worthBefore;
    expect(poolProfit, "pool reentry round trip").to.be.lessThanOrEqual(0n);

    // A victim farmer in the hook vault.
    await hook.mint(alice.address, usd6(100_000));
    await hook.connect(alice).approve(hvAddress, ethers.MaxUint256);
    await fixture.tokens.USDC.connect(alice).approve(hvAddress, ethers.MaxUint256);
    await hv.connect(alice).open(both(usd6(5_000), usd6(5_000), usd6(10_000), usd6(10_000)));
    const farmers = await farmerState(hv, [1n]);

    // (c) Vault open: the hook fires on transferFrom(attacker -> vault), mid-open, and tries every vault entry point
    // and view, and a third party reading the vault through the lens.
    const vaultReentries = async (id: bigint) => [
      await step(hv, "open", [both(usd6(1_000), usd6(1_000), 0n, 0n)]),
      await step(hv, "increase", [id, both(usd6(1_000), 0n, 0n, usd6(1_000))]),
      await step(hv, "close", [closeParams(id)]),
      await step(hv, "harvest", [0n]),
      await step(hv, "liquidate", [1n]),
      await step(hv, "liquidateWithRepayment", [1n]),
      await step(hv, "repayDebt", [id, 1n, 1n]),
      await step(hv, "claim", [flux, atkAddress]),
      await step(hv, "executePriceOrder", [1n]),
      await step(hv, "executeDeleverageOrder", [1n]),
      await step(hv, "positionView", [1n]),
      await step(hv, "sharesForLp", [10n ** 12n]),
      await step(hv, "previewHarvest", []),
      await step(lens, "positionViews", [hvAddress, 1n, 2n]),
      await step(creditLine, "quote", [hvAddress, 1n]),
    ];
    const openCalls = await vaultReentries(2n);
    await arm(openCalls);
    expectBlocked("vault open", await stepResults(atk, await atk.run([await step(hv, "open", [both(usd6(10_000), usd6(10_000), usd6(10_000), usd6(10_000))])])), openCalls.length);
    // (d) Vault partial close: the hook fires on transfer(vault -> attacker) of the proceeds.
    const sharesBefore = (await hv.positions(2n)).lpShares;
    const closeCalls = await vaultReentries(2n);
    await arm(closeCalls);
    expectBlocked("vault close", await stepResults(atk, await atk.run([await step(hv, "close", [closeParams(2n, 5_000)])])), closeCalls.length);
    expect((await hv.positions(2n)).lpShares).to.equal(sharesBefore - sharesBefore / 2n);
    // (e) The order setters take no lock: reentered during a close they only write the caller's own order on what
    // is left of its own position (after the close's state is final), and cannot touch a position they do not own.
    const orderCalls = [
      await step(hv, "setPriceOrder", [1n, { lowPriceWad: 1n, highPriceWad: 0n, priceOfToken1: false, receiveAs: 0, fractionBps: 10_000, executorFeeBps: 100, maxSlippageBps: 500 }]),
      await step(hv, "setDeleverageOrder", [2n, { triggerDebtRatioBps: 9_000, targetDebtRatioBps: 5_000, executorFeeBps: 100, maxSlippageBps: 300 }]),
    ];
    await arm(orderCalls);
    const orderResults = await stepResults(atk, await atk.run([await step(hv, "close", [closeParams(2n, 2_000)])]));
    expect(orderResults[0].ok ? "ok" : errorName(orderResults[0].result, names)).to.equal("NotPositionOwner");
    const orderOnOwn = orderResults[1].ok ? "ok" : errorName(orderResults[1].result, names);
    // Then the full close: the order is deleted with the position, and reentries are blocked again.
    const finalCalls = await vaultReentries(2n);
    await arm(finalCalls);
    expectBlocked("vault full close", await stepResults(atk, await atk.run([await step(hv, "close", [closeParams(2n)])])), finalCalls.length);
    expect((await hv.protectionOrders(2n)).deleverage.triggerDebtRatioBps).to.equal(0n);

    // No state corruption: the books add up at the pool, the vault and the farm.
    const [totalLp, totalShares] = await hv.totals();
    expect(totalShares).to.equal((await hv.positions(1n)).lpShares + (await hv.positions(2n)).lpShares);
    expect(await hfarm.balanceOf(hvAddress)).to.equal(totalLp);
    const hookSide = hookIsToken0 ? "debtShares0" : "debtShares1";
    const [vaultHookShares] = await hookPool.borrowerAccount(hvAddress);
    expect(vaultHookShares).to.equal((await hv.positions(1n))[hookSide] + (await hv.positions(2n))[hookSide]);
    expect(await hookPool.totalBorrowShares()).to.equal(vaultHookShares);
    expect(await hookPool.cash()).to.equal(await hook.balanceOf(await hookPool.getAddress()));
    expect(await hookPool.exchangeRate()).to.be.greaterThanOrEqual(hookRate);
    const profit = (await worthUsd(fixture, holders, extra, [hv])) - worthBefore;
    console.log(`      [Hook reentrancy] pool round trip profit $${dollars(poolProfit).toFixed(6)}; blocked: ${blocked.join(", ")}; own-order setter reentered in a close: ${orderOnOwn} (harmless); books consistent; attacker profit $${dollars(profit).toFixed(2)}`);
    expect(profit).to.be.lessThanOrEqual(0n);
    await expectWhole(fixture, rates, hv, farmers);
  });

  it("10. Read-only reentrancy: views read inside a flash-swap callback (and a token hook) match the fair price or revert", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, volatile, alice, attacker: eoa, farming } = fixture;
    const vault = stable.vault;
    const vaultAddress = await vault.getAddress();
    const lens = lensOf(fixture);
    const pair = stable.pair as Contract;
    const pairAddress = await pair.getAddress();
    const usdc = await fixture.tokens.USDC.getAddress();
    const flux = await fixture.tokens.FLUX.getAddress();
    const [t0, t1] = [await tokenOf(fixture, stable, 0).getAddress(), await tokenOf(fixture, stable, 1).getAddress()];
    const creditLine = await (await ethers.getContractFactory("PositionCreditLine", eoa)).deploy();
    await vault.connect(alice).open(openParams({ amount0: usd6(2_000), amount1: usd6(2_000), borrow0: usd6(4_000), borrow1: usd6(4_000) }));
    const atk = await deployAttacker(fixture, { USDC: usd6(100_000), USDT: usd6(100_000) });
    await atk.run([await step(atk, "approve", [t0, vaultAddress]), await step(atk, "approve", [t1, vaultAddress])]);
    const holders = [eoa.address, await atk.getAddress()];
    const worthBefore = await worthUsd(fixture, holders);
    const views = async () => [
      await step(vault, "positionView", [1n]),
      await step(vault, "sharesForLp", [10n ** 9n]),
      await step(lens, "positionViews", [vaultAddress, 1n, 1n]),
      await step(lens, "prices", [await farming.oracle.getAddress(), t0, t1, flux]),
      await step(creditLine, "quote", [vaultAddress, 1n]),
    ];
    const n = (await views()).length;
    const flashAmount = usd6(900_000);
    const usdcIs0InVolatile = volatile.token0Symbol === "USDC";
    // Flash 1: out of the vault's own pair (its reserves are stale mid-swap, and it is locked).
    const ownPairInner = [
      ...(await views()),
      await step(vault, "open", [openParams({ amount0: usd6(1_000), amount1: usd6(1_000) })], true),
      await step(vault, "harvest", [0n], true),
      await step(vault, "liquidate", [1n], true),
    ];
    // Flash 2: from the WETH-USDC pair, really skewing the vault's pair, views read at the skew.
    const skewInner = [await step(atk, "swapExactIn", [pairAddress, usdc, flashAmount]), ...(await views()), await step(atk, "swapBack", [pairAddress])];
    const tx = await atk.run([
      ...(await views()),
      await step(atk, "flash", [pairAddress, flashAmount, 0n, ownPairInner]),
      await step(atk, "flash", [await volatile.pair.getAddress(), usdcIs0InVolatile ? flashAmount : 0n, usdcIs0InVolatile ? 0n : flashAmount, skewInner]),
    ]);
    const results = await stepResults(atk, tx);
    // Order of events: outer views, inner of flash 1, flash 1 itself, inner of flash 2, flash 2 itself.
    const outer = results.slice(0, n);
    const inOwnPair = results.slice(n, 2 * n);
    const ownPairOps = results.slice(2 * n, 2 * n + 3).map((r) => (r.ok ? "ok" : errorName(r.result, interfacesOf(fixture))));
    const atSkew = results.slice(2 * n + 5, 3 * n + 5);
    for (const r of [...outer, ...inOwnPair, ...atSkew]) expect(r.ok, `view step ${r.step}`).to.equal(true);
    const value = (rs: StepResult[]) => vault.interface.decodeFunctionResult("positionView", rs[0].result)[0].valueWad as bigint;
    const lensValue = (rs: StepResult[]) => lens.interface.decodeFunctionResult("positionViews", rs[2].result)[0][0].valueWad as bigint;
    const credit = (rs: StepResult[]) => creditLine.interface.decodeFunctionResult("quote", rs[4].result)[0] as bigint;
    // Mid-swap in its own pair: exactly the values outside (same block, same reserves).
    for (let i = 0; i < n; i++) expect(inOwnPair[i].result, `view ${i} mid-swap`).to.equal(outer[i].result);
    // Open and liquidate need the locked pair and are refused; a harvest with only dust pending sells nothing and
    // touches no pair, so it may pass as a no-op.
    for (const op of [ownPairOps[0], ownPairOps[2]]) expect(op).to.not.equal("ok");
    // At a real 2x skew: the fair value, up only by the swap fee left in the pair.
    expect(ratio(value(atSkew), value(outer))).to.be.within(1, 1.0015);
    expect(ratio(lensValue(atSkew), lensValue(outer))).to.be.within(1, 1.0015);
    // The third party's quote moves only by the fee-driven value change (half of it: it lends half the equity).
    expect(credit(atSkew)).to.be.greaterThanOrEqual(credit(outer));
    expect(credit(atSkew) - credit(outer)).to.be.lessThanOrEqual((value(atSkew) - value(outer)) / 2n + 1n);
    expect(atSkew[1].result).to.equal(outer[1].result);
    expect(atSkew[3].result).to.equal(outer[3].result);

    // A token hook mid-deposit into a lending pool: a third party pricing fTokens by the pool's views.
    const { hook, hookPool } = await hookStack(fixture, false);
    const hookAtk = await deployAttacker(fixture);
    const hookAtkAddress = await hookAtk.getAddress();
    await hook.mint(hookAtkAddress, usd6(2_000_000));
    await hookAtk.run([await step(hook, "setHook", [true]), await step(hookAtk, "approve", [await hook.getAddress(), await hookPool.getAddress()])]);
    const poolViews = [await step(hookPool, "exchangeRate", []), await step(hookPool, "totalAssets", []), await step(hookPool, "convertToAssets", [10n ** 6n])];
    const rateOutside = await hookPool.exchangeRate();
    const assetsOutside = await hookPool.totalAssets();
    await hookAtk.setHookScript(poolViews);
    const hookResults = await stepResults(hookAtk, await hookAtk.run([await step(hookPool, "deposit", [usd6(1_000_000), hookAtkAddress])]));
    const rateInside = hookPool.interface.decodeFunctionResult("exchangeRate", hookResults[0].result)[0] as bigint;
    const assetsInside = hookPool.interface.decodeFunctionResult("totalAssets", hookResults[1].result)[0] as bigint;

    const profit = (await worthUsd(fixture, holders)) - worthBefore;
    console.log(
      `      [Read-only reentrancy] position value outside $${dollars(value(outer)).toFixed(4)}, mid-swap in its own pair identical (${inOwnPair.length} views), at 2x skew $${dollars(value(atSkew)).toFixed(4)} (lens $${dollars(lensValue(atSkew)).toFixed(4)}), credit quote $${dollars(credit(outer)).toFixed(2)}->$${dollars(credit(atSkew)).toFixed(2)}; vault ops in its locked pair: ${ownPairOps.join("/")}; hook pool mid-deposit: exchangeRate ${rateOutside}->${rateInside}, totalAssets ${assetsOutside}->${assetsInside}; attacker profit $${dollars(profit).toFixed(2)}`,
    );
    expect(profit).to.be.lessThanOrEqual(0n);
    // Mid-deposit the pool must not report a share price its own books do not back.
    expect(rateInside, "fToken exchange rate read mid-deposit").to.equal(rateOutside);
  });

  it("11. Upgrade attacks: no stranger upgrades or initializes anything, modules and a fake vault reach nothing, nothing can be bricked", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, alice, attacker } = fixture;
    const vault = stable.vault;
    const proxy = await vault.getAddress();
    const pool = fixture.pools.USDT;
    await vault.connect(alice).open(openParams({ amount0: usd6(2_000), amount1: usd6(2_000), borrow0: usd6(4_000), borrow1: usd6(4_000) }));
    const holders = [attacker.address];
    const worthBefore = await worthUsd(fixture, holders);
    const implementation = await upgrades.erc1967.getImplementationAddress(proxy);
    const impl = vault.attach(implementation) as StakingRewardsVault;
    const modules = [await impl.entries(), await impl.exits(), await impl.harvester()];
    const [entries, exits, harvester] = modules.map((address) => vault.attach(address) as StakingRewardsVault);
    const poolImplementation = await upgrades.erc1967.getImplementationAddress(await pool.getAddress());
    const poolImpl = pool.attach(poolImplementation) as typeof pool;
    const fake = await (await ethers.getContractFactory("FakeVault", attacker)).deploy();
    const fakeAddress = await fake.getAddress();
    const riskTuple = STABLE_VAULT_RISK;
    const stateBefore = { totals: await vault.totals(), staked: await stable.farm.balanceOf(proxy), debt0: await fixture.pools[stable.token0Symbol as "USDC"].borrowerAccount(proxy), debt1: await fixture.pools[stable.token1Symbol as "USDC"].borrowerAccount(proxy) };
    const codes = await Promise.all([implementation, ...modules, poolImplementation].map((address) => ethers.provider.getCode(address)));
    const outcomes: string[] = [];
    const refused = async (label: string, promise: Promise<unknown>, contract: { interface: Interface }, error?: string) => {
      if (error) {
        await expect(promise, label).to.be.revertedWithCustomError(contract, error);
        outcomes.push(`${label}: ${error}`);
        return;
      }
      let reason = "no revert";
      try {
        await (await (promise as Promise<{ wait: () => Promise<unknown> }>)).wait();
      } catch (caught) {
        const data = (caught as { data?: string }).data;
        const message = String((caught as Error).message);
        reason = data && data !== "0x" ? errorName(data, interfacesOf(fixture)) : (message.match(/reverted with reason string '([^']*)'/)?.[1] ?? message.match(/reverted (without a reason[^\n]*|with [^\n]*)/)?.[0] ?? "reverted");
      }
      expect(reason, label).to.not.equal("no revert");
      outcomes.push(`${label}: ${reason}`);
    };
    // Upgrades and ownership.
    await refused("stranger upgrades the vault", vault.connect(attacker).upgradeToAndCall(fakeAddress, "0x"), vault, "OwnableUnauthorizedAccount");
    await refused("stranger upgrades a pool", pool.connect(attacker).upgradeToAndCall(fakeAddress, "0x"), pool, "OwnableUnauthorizedAccount");
    await refused("stranger accepts ownership", vault.connect(attacker).acceptOwnership(), vault, "OwnableUnauthorizedAccount");
    await refused("upgradeToAndCall on the implementation", impl.connect(attacker).upgradeToAndCall(fakeAddress, "0x"), impl, "UUPSUnauthorizedCallContext");
    await refused("upgradeToAndCall on a module", entries.connect(attacker).upgradeToAndCall(fakeAddress, "0x"), vault);
    // Initializers.
    await refused("re-initialize the vault", vault.connect(attacker).initialize(attacker.address, attacker.address, riskTuple, 1n, 1n), vault, "InvalidInitialization");
    await refused("initialize the implementation", impl.connect(attacker).initialize(attacker.address, attacker.address, riskTuple, 1n, 1n), impl, "InvalidInitialization");
    await refused("initialize the pool implementation", poolImpl.connect(attacker).initialize("x", "x", attacker.address, 0, attacker.address, attacker.address), pool, "InvalidInitialization");
    for (const [index, module] of [entries, exits, harvester].entries()) {
      await refused(`initialize module ${index}`, module.connect(attacker).initialize(attacker.address, attacker.address, riskTuple, 1n, 1n), vault);
    }
    // Module functions called directly, in the modules' own (empty) storage.
    for (const token of [tokenOf(fixture, stable, 0), tokenOf(fixture, stable, 1)]) await token.connect(attacker).approve(await entries.getAddress(), ethers.MaxUint256);
    await refused("entries.open with a borrow (module storage has no risk parameters, no credit line)", entries.connect(attacker).open(openParams({ amount0: usd6(1_000), borrow1: usd6(2_000) })), vault, "LeverageTooHigh");
    await refused("exits.close", exits.connect(attacker).close(closeParams(1n)), vault, "UnknownPosition");
    await refused("exits.liquidate", exits.connect(attacker).liquidate(1n), vault, "UnknownPosition");
    await refused("exits.executePriceOrder", exits.connect(attacker).executePriceOrder(1n), vault, "UnknownPosition");
    await refused("implementation.liquidate", impl.connect(attacker).liquidate(1n), vault, "UnknownPosition");
    expect(await harvester.connect(attacker).harvest.staticCall(0n)).to.equal(0n);
    await harvester.connect(attacker).harvest(0n);
    // A fake vault running the modules in its own storage, with forged books: a position owning all the vault's
    // shares, and the vault's real debt.
    const base = BigInt("0x4216d4a4d4aeb0245a9144253d4462e32ea8799b7fcb651ef857027ef368fa00");
    const slot = (value: bigint) => ethers.toBeHex(value, 32);
    for (const offset of [0n, 1n, 3n]) await fake.poke(slot(base + offset), await ethers.provider.getStorage(proxy, base + offset));
    await fake.poke(slot(base + 2n), slot(1n));
    const positionSlot = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [1n, base + 4n])));
    const [, totalShares] = await vault.totals();
    await fake.poke(slot(positionSlot), slot((totalShares << 160n) | BigInt(attacker.address)));
    // Forged debt 100x the vault's real debt, so the forged position is deep underwater and liquidatable.
    await fake.poke(slot(positionSlot + 1n), slot(((stateBefore.debt1[0] * 100n) << 128n) | (stateBefore.debt0[0] * 100n)));
    const via = (module: StakingRewardsVault, fn: string, args: unknown[]) => fake.delegate(module.getAddress(), (vault.interface as Interface).encodeFunctionData(fn, args));
    await refused("fake vault: exits.close of a forged position", via(exits, "close", [closeParams(1n)]), vault);
    await refused("fake vault: exits.liquidate of a forged position", via(exits, "liquidate", [1n]), vault);
    await refused("fake vault: exits.liquidateWithRepayment", via(exits, "liquidateWithRepayment", [1n]), vault);
    for (const token of [tokenOf(fixture, stable, 0), tokenOf(fixture, stable, 1)]) await token.connect(attacker).approve(fakeAddress, ethers.MaxUint256);
    await refused("fake vault: entries.open with a borrow", via(entries, "open", [openParams({ amount0: usd6(1_000), borrow1: usd6(1_000) })]), vault);
    await via(harvester, "harvest", [0n]);
    outcomes.push("fake vault: harvest ran on its own (empty) farm stake");

    // Nothing moved, nothing was bricked, the vault still works.
    expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementation);
    expect(await vault.owner()).to.equal(fixture.deployer.address);
    expect(await vault.totals()).to.deep.equal(stateBefore.totals);
    expect(await stable.farm.balanceOf(proxy)).to.equal(stateBefore.staked);
    const codesAfter = await Promise.all([implementation, ...modules, poolImplementation].map((address) => ethers.provider.getCode(address)));
    expect(codesAfter).to.deep.equal(codes);
    for (const [index, code] of codes.entries()) {
      expect(code.length, `code ${index}`).to.be.greaterThan(2);
      const ops = opcodesOf(code);
      expect(ops.has(0xff), `SELFDESTRUCT in contract ${index}`).to.equal(false);
      expect(ops.has(0xf2), `CALLCODE in contract ${index}`).to.equal(false);
    }
    await vault.connect(alice).close(closeParams(1n));
    expect((await vault.positions(1n)).lpShares).to.equal(0n);
    const profit = (await worthUsd(fixture, holders)) - worthBefore;
    console.log(`      [Upgrade] ${outcomes.length} attempts refused or harmless (${outcomes.join("; ")}); no SELFDESTRUCT/CALLCODE in implementation, modules, pool implementation; attacker profit $${dollars(profit).toFixed(2)}`);
    expect(profit).to.be.lessThanOrEqual(0n);
  });
});


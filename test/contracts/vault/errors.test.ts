import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { FAR_FUTURE, tokenOf, USDC, vaultStackFixture, WETH, type VaultFixture } from "./fixtures";
import { fairLpPriceWad, simulateZap as simulateZapMath } from "../../../lib/vaultMath";
import { STABLE_VAULT_RISK, VOLATILE_VAULT_RISK, type RiskParameters } from "../../../lib/vaults";
import { WAD } from "../../../lib/math";
import type { DeployedVault } from "../../../scripts/lib/deployVaults";

const BPS = 10_000n;
const ReceiveAs = { BothTokens: 0, Token0: 1, Token1: 2 } as const;
const NO_OPEN = { amount0: 0n, amount1: 0n, borrow0: 0n, borrow1: 0n, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE };

type OpenParams = { amount0: bigint; amount1: bigint; borrow0: bigint; borrow1: bigint; minShares: bigint; minLp: bigint; deadline: bigint };

/** Everything a failed call must leave untouched: the accounts' tokens, the vault's books, the pools' cash and the
 *  vault's debt shares in them, the pair's reserves and the farm's stake. None of it moves with time alone. */
async function snapshot(deployed: DeployedVault, fixture: VaultFixture, accounts: Signer[]) {
  const { vault, pair, farm } = deployed;
  const vaultAddress = await vault.getAddress();
  const token0 = tokenOf(fixture, deployed, 0);
  const token1 = tokenOf(fixture, deployed, 1);
  const pool0 = await ethers.getContractAt("LendingPool", await vault.pool0());
  const pool1 = await ethers.getContractAt("LendingPool", await vault.pool1());
  const balances: bigint[] = [];
  for (const account of [...accounts, vault]) {
    const address = await account.getAddress();
    balances.push(await token0.balanceOf(address), await token1.balanceOf(address));
  }
  const [totalLp, totalLpShares] = await vault.totals();
  const [reserve0, reserve1] = await pair.getReserves();
  return {
    balances,
    totalLp,
    totalLpShares,
    lastPositionId: await vault.lastPositionId(),
    cash0: await pool0.cash(),
    cash1: await pool1.cash(),
    debtShares0: (await pool0.borrowerAccount(vaultAddress)).borrowShares,
    debtShares1: (await pool1.borrowerAccount(vaultAddress)).borrowShares,
    reserve0: BigInt(reserve0),
    reserve1: BigInt(reserve1),
    staked: BigInt(await farm.balanceOf(vaultAddress)),
  };
}

/** Runs `failingCall` (which asserts the revert) and asserts that nothing it could have touched moved. */
async function expectNothingMoves(
  fixture: VaultFixture,
  deployed: DeployedVault,
  accounts: Signer[],
  failingCall: () => Promise<unknown>,
) {
  const before = await snapshot(deployed, fixture, accounts);
  await failingCall();
  expect(await snapshot(deployed, fixture, accounts)).to.deep.equal(before);
}

/** The LP a zap of (amount0, amount1) mints and the pair's state after it, computed independently of the vault. */
async function simulateZap(deployed: DeployedVault, amount0: bigint, amount1: bigint) {
  const [reserve0, reserve1] = await deployed.pair.getReserves();
  const zap = simulateZapMath(amount0, amount1, BigInt(reserve0), BigInt(reserve1), BigInt(await deployed.pair.totalSupply()));
  return { lp: zap.lp, reserve0: zap.reserve0, reserve1: zap.reserve1, supply: zap.totalSupply };
}

/** The risk parameters as a plain object of bigints, for deep comparisons. */
async function riskOf(deployed: DeployedVault) {
  const risk = await deployed.vault.riskParameters();
  return {
    workFactorBps: risk.workFactorBps,
    killFactorBps: risk.killFactorBps,
    liquidationBountyBps: risk.liquidationBountyBps,
    maxPriceDeviationBps: risk.maxPriceDeviationBps,
    maxLeverageWad: risk.maxLeverageWad,
    harvestSlippageBps: risk.harvestSlippageBps,
    harvestMaxSaleBps: risk.harvestMaxSaleBps,
    swapSlippageBps: risk.swapSlippageBps,
    liquidationTargetBps: risk.liquidationTargetBps,
    fullLiquidationBelowUsd: risk.fullLiquidationBelowUsd,
  };
}
const asBigInts = (risk: RiskParameters) => Object.fromEntries(Object.entries(risk).map(([key, value]) => [key, BigInt(value)]));

const mulDivUp = (a: bigint, b: bigint, d: bigint) => (a * b === 0n ? 0n : (a * b - 1n) / d + 1n);

/** The debt ratio (bps, rounded up) of the first position in an empty vault after opening `params` on it. */
async function debtRatioAfterFirstOpen(fixture: VaultFixture, deployed: DeployedVault, params: OpenParams) {
  const { vault } = deployed;
  const zap = await simulateZap(deployed, params.amount0 + params.borrow0, params.amount1 + params.borrow1);
  const price0 = await fixture.farming.oracle.priceOf(await vault.token0());
  const price1 = await fixture.farming.oracle.priceOf(await vault.token1());
  const lpPrice = fairLpPriceWad(zap.reserve0, zap.reserve1, zap.supply, price0, price1, 6, 6);
  const value = (zap.lp * lpPrice) / WAD;
  // Debt in pool borrow shares: shares round up at the borrow, debt rounds up again.
  const debtOf = async (pool: string, amount: bigint) => {
    if (amount === 0n) return 0n;
    const index = await (await ethers.getContractAt("LendingPool", pool)).borrowIndex();
    return mulDivUp(mulDivUp(amount, WAD, index), index, WAD);
  };
  const debt0 = await debtOf(await vault.pool0(), params.borrow0);
  const debt1 = await debtOf(await vault.pool1(), params.borrow1);
  const debtValue = mulDivUp(debt0, price0, 10n ** 6n) + mulDivUp(debt1, price1, 10n ** 6n);
  return mulDivUp(debtValue, BPS, value);
}

/** Opens a position on the stable vault for `who` and returns its id. */
async function openStable(fixture: VaultFixture, who: Signer, params: Partial<OpenParams>) {
  const { vault } = fixture.stable;
  await vault.connect(who).open({ ...NO_OPEN, ...params });
  return vault.lastPositionId();
}

function closeParams(positionId: bigint, overrides: Partial<{ fractionBps: bigint | number; receiveAs: number; minAmount0: bigint; minAmount1: bigint; deadline: bigint }> = {}) {
  return { positionId, fractionBps: 10_000, receiveAs: ReceiveAs.BothTokens, minAmount0: 0n, minAmount1: 0n, deadline: FAR_FUTURE, ...overrides };
}

describe("LeveragedVault refuses bad input with its own error, moving no tokens", () => {
  describe("leverage and risk limits", () => {
    it("refuses 11x on the 10x stable vault with LeverageTooHigh(11x, 10x), and accepts exactly 10x", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      for (const params of [
        { ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(10_000) },
        { ...NO_OPEN, amount1: USDC(1_000), borrow0: USDC(10_000) },
        { ...NO_OPEN, amount0: USDC(500), amount1: USDC(500), borrow0: USDC(5_000), borrow1: USDC(5_000) },
      ]) {
        await expectNothingMoves(fixture, stable, [alice], () =>
          expect(stable.vault.connect(alice).open(params))
            .to.be.revertedWithCustomError(stable.vault, "LeverageTooHigh")
            .withArgs(11n * WAD, 10n * WAD),
        );
      }
      // One wei of borrowing too many is already refused: ($1,000 + $9,000.000001) / $1,000 > 10x.
      await expect(stable.vault.connect(alice).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(9_000) + 1n }))
        .to.be.revertedWithCustomError(stable.vault, "LeverageTooHigh")
        .withArgs(10n * WAD + 10n ** 9n, 10n * WAD);
      await stable.vault.connect(alice).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(9_000) });
      expect((await stable.vault.positionView(1)).debt1).to.equal(USDC(9_000));
    });

    it("refuses 3.5x on the 3x volatile vault with LeverageTooHigh(3.5x, 3x), from either token", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { volatile, alice } = fixture;
      const wethIsToken0 = volatile.token0Symbol === "WETH";
      // $2,000 of WETH plus $5,000 of USDC borrowed, or $2,000 of USDC plus 2.5 WETH borrowed: $7,000 on $2,000.
      const fromWeth = wethIsToken0
        ? { ...NO_OPEN, amount0: WETH(1), borrow1: USDC(5_000) }
        : { ...NO_OPEN, amount1: WETH(1), borrow0: USDC(5_000) };
      const fromUsdc = wethIsToken0
        ? { ...NO_OPEN, amount1: USDC(2_000), borrow0: WETH("2.5") }
        : { ...NO_OPEN, amount0: USDC(2_000), borrow1: WETH("2.5") };
      for (const params of [fromWeth, fromUsdc]) {
        await expectNothingMoves(fixture, volatile, [alice], () =>
          expect(volatile.vault.connect(alice).open(params))
            .to.be.revertedWithCustomError(volatile.vault, "LeverageTooHigh")
            .withArgs((7n * WAD) / 2n, 3n * WAD),
        );
      }
    });

    it("refuses a 10x open whose debt ratio after the zap's fees is above an 80% work factor: WorkFactorExceeded", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, deployer } = fixture;
      await stable.vault.connect(deployer).setRiskParameters({ ...STABLE_VAULT_RISK, workFactorBps: 8_000, liquidationTargetBps: 8_000 });
      const params = { ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(9_000) };
      const ratio = await debtRatioAfterFirstOpen(fixture, stable, params);
      // 10x is a 90% debt ratio before fees; the zap's swap fee and price impact push it slightly higher.
      expect(ratio).to.be.within(9_001n, 9_050n);
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).open(params))
          .to.be.revertedWithCustomError(stable.vault, "WorkFactorExceeded")
          .withArgs(ratio, 8_000),
      );
      // With the work factor at exactly that ratio, the same open goes through with that ratio.
      await stable.vault.connect(deployer).setRiskParameters({ ...STABLE_VAULT_RISK, workFactorBps: Number(ratio), liquidationTargetBps: Number(ratio) });
      await stable.vault.connect(alice).open(params);
      expect((await stable.vault.positionView(1)).debtRatioBps).to.equal(ratio);
    });

    it("refuses borrowing more into a position once it would pass the work factor", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, deployer } = fixture;
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(4_000) });
      await stable.vault.connect(deployer).setRiskParameters({ ...STABLE_VAULT_RISK, workFactorBps: 8_500, liquidationTargetBps: 8_500 });
      // 5x to 9.5x: within the 10x leverage limit, but ~90% debt is above an 85% work factor.
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).increase(id, { ...NO_OPEN, borrow1: USDC(4_500) }))
          .to.be.revertedWithCustomError(stable.vault, "WorkFactorExceeded")
          .withArgs((ratio: bigint) => ratio > 8_500n && ratio < 9_100n, 8_500),
      );
    });

    it("refuses a borrow that takes the vault's total debt above its cap: VaultDebtCapExceeded(token, debt after, cap)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, bob, deployer } = fixture;
      await stable.vault.connect(deployer).setDebtCaps(USDC(5_000), USDC(5_000));
      const token0 = await stable.vault.token0();
      const token1 = await stable.vault.token1();
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(6_000) }))
          .to.be.revertedWithCustomError(stable.vault, "VaultDebtCapExceeded")
          .withArgs(token1, USDC(6_000), USDC(5_000)),
      );
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).open({ ...NO_OPEN, amount1: USDC(1_000), borrow0: USDC(5_000) + 1n }))
          .to.be.revertedWithCustomError(stable.vault, "VaultDebtCapExceeded")
          .withArgs(token0, USDC(5_000) + 1n, USDC(5_000)),
      );
      // Up to the cap is fine; then the cap counts the whole vault's debt, not one position's.
      await stable.vault.connect(alice).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(4_000) });
      await expectNothingMoves(fixture, stable, [alice, bob], () =>
        expect(stable.vault.connect(bob).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(1_001) }))
          .to.be.revertedWithCustomError(stable.vault, "VaultDebtCapExceeded")
          .withArgs(token1, (debt: bigint) => debt >= USDC(5_001) && debt < USDC(5_001) + 1_000n, USDC(5_000)),
      );
    });
  });

  describe("amounts, positions and deadlines", () => {
    it("refuses an open or increase of nothing, a repayment of nothing, and a repayment too small for one debt share: ZeroAmount", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).open(NO_OPEN)).to.be.revertedWithCustomError(stable.vault, "ZeroAmount"),
      );
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).increase(id, NO_OPEN)).to.be.revertedWithCustomError(stable.vault, "ZeroAmount"),
      );
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).repayDebt(id, 0, 0)).to.be.revertedWithCustomError(stable.vault, "ZeroAmount"),
      );
      // Once interest has raised the borrow index above 1, one wei buys less than one debt share.
      await time.increase(86_400);
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).repayDebt(id, 0, 1)).to.be.revertedWithCustomError(stable.vault, "ZeroAmount"),
      );
    });

    it("refuses someone else's position: NotPositionOwner(id, caller)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, attacker } = fixture;
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      const vault = stable.vault.connect(attacker);
      const calls = [
        () => vault.increase(id, { ...NO_OPEN, amount0: USDC(100) }),
        () => vault.increase(id, { ...NO_OPEN, borrow1: USDC(100) }),
        () => vault.repayDebt(id, 0, USDC(100)),
        () => vault.close(closeParams(id)),
        () => vault.close(closeParams(id, { fractionBps: 1 })),
      ];
      for (const call of calls) {
        await expectNothingMoves(fixture, stable, [alice, attacker], () =>
          expect(call()).to.be.revertedWithCustomError(stable.vault, "NotPositionOwner").withArgs(id, attacker.address),
        );
      }
    });

    it("refuses a position that does not exist: UnknownPosition(id)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, liquidator } = fixture;
      await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      for (const id of [0n, 2n, 99n]) {
        const calls = [
          () => stable.vault.connect(alice).increase(id, { ...NO_OPEN, amount0: USDC(100) }),
          () => stable.vault.connect(alice).repayDebt(id, USDC(1), USDC(1)),
          () => stable.vault.connect(alice).close(closeParams(id)),
          () => stable.vault.connect(liquidator).liquidate(id),
        ];
        for (const call of calls) {
          await expectNothingMoves(fixture, stable, [alice, liquidator], () =>
            expect(call()).to.be.revertedWithCustomError(stable.vault, "UnknownPosition").withArgs(id),
          );
        }
        await expect(stable.vault.positionView(id)).to.be.revertedWithCustomError(stable.vault, "UnknownPosition").withArgs(id);
      }
    });

    it("refuses an expired deadline: DeadlineExpired(deadline, block time), and accepts a deadline of this very block", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      const calls = [
        (deadline: bigint) => stable.vault.connect(alice).open({ ...NO_OPEN, amount0: USDC(100), deadline }),
        (deadline: bigint) => stable.vault.connect(alice).increase(id, { ...NO_OPEN, amount0: USDC(100), deadline }),
        (deadline: bigint) => stable.vault.connect(alice).close(closeParams(id, { deadline })),
      ];
      for (const call of calls) {
        const timestamp = BigInt(await time.latest()) + 100n;
        await time.setNextBlockTimestamp(timestamp);
        await expectNothingMoves(fixture, stable, [alice], () =>
          expect(call(timestamp - 1n))
            .to.be.revertedWithCustomError(stable.vault, "DeadlineExpired")
            .withArgs(timestamp - 1n, timestamp),
        );
      }
      const timestamp = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(timestamp);
      await stable.vault.connect(alice).close(closeParams(id, { fractionBps: 5_000, deadline: timestamp }));
    });

    it("refuses a zap that mints less LP than asked: InsufficientLiquidityMinted(minted, minimum)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      const params = { ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(2_000) };
      const { lp } = await simulateZap(stable, params.amount0, params.borrow1);
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).open({ ...params, minShares: 0n, minLp: lp + 1n }))
          .to.be.revertedWithCustomError(stable.vault, "InsufficientLiquidityMinted")
          .withArgs(lp, lp + 1n),
      );
      await stable.vault.connect(alice).open({ ...params, minShares: 0n, minLp: lp });
      expect((await stable.vault.positionView(1)).lpAmount).to.equal(lp);

      const more = { ...NO_OPEN, amount1: USDC(500) };
      const { lp: lpMore } = await simulateZap(stable, 0n, more.amount1);
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).increase(1, { ...more, minShares: 0n, minLp: lpMore + 1n }))
          .to.be.revertedWithCustomError(stable.vault, "InsufficientLiquidityMinted")
          .withArgs(lpMore, lpMore + 1n),
      );
    });

    it("refuses a close paying less than the minimum of either token: SlippageExceeded(token, amount, minimum)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      // A position without debt: the close is a plain burn of its LP, whose proceeds the pair's state fixes.
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), amount1: USDC(1_000) });
      const lp = (await stable.vault.positionView(id)).lpAmount;
      const pairAddress = await stable.pair.getAddress();
      const token0 = tokenOf(fixture, stable, 0);
      const token1 = tokenOf(fixture, stable, 1);
      const [token0Address, token1Address] = [await token0.getAddress(), await token1.getAddress()];
      const supply = BigInt(await stable.pair.totalSupply());
      const amount0 = (lp * (await token0.balanceOf(pairAddress))) / supply;
      const amount1 = (lp * (await token1.balanceOf(pairAddress))) / supply;
      expect(amount0 + amount1).to.be.closeTo(USDC(2_000), USDC(1));
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).close(closeParams(id, { minAmount0: amount0 + 1n })))
          .to.be.revertedWithCustomError(stable.vault, "SlippageExceeded")
          .withArgs(token0Address, amount0, amount0 + 1n),
      );
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).close(closeParams(id, { minAmount0: amount0, minAmount1: amount1 + 1n })))
          .to.be.revertedWithCustomError(stable.vault, "SlippageExceeded")
          .withArgs(token1Address, amount1, amount1 + 1n),
      );
      // Receiving all in token 0 pays nothing in token 1, so any token-1 minimum fails.
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).close(closeParams(id, { receiveAs: ReceiveAs.Token0, minAmount1: 1n })))
          .to.be.revertedWithCustomError(stable.vault, "SlippageExceeded")
          .withArgs(token1Address, 0, 1),
      );
      // The exact amounts as minimums pass, and are what arrives.
      await expect(stable.vault.connect(alice).close(closeParams(id, { minAmount0: amount0, minAmount1: amount1 }))).to.changeTokenBalances(
        token0,
        [alice],
        [amount0],
      );
    });

    it("refuses a close fraction of 0 or above 10000 bps: FractionOutOfRange(fraction)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice } = fixture;
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      for (const fractionBps of [0n, 10_001n, 2n ** 255n]) {
        await expectNothingMoves(fixture, stable, [alice], () =>
          expect(stable.vault.connect(alice).close(closeParams(id, { fractionBps })))
            .to.be.revertedWithCustomError(stable.vault, "FractionOutOfRange")
            .withArgs(fractionBps),
        );
      }
    });
  });

  describe("pause, admin and tokens", () => {
    it("refuses opening and borrowing while paused (VaultPaused) but still closes, repays and adds collateral", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, alice, bob, guardian, deployer } = fixture;
      const id = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(2_000) });
      await expect(stable.vault.connect(guardian).setPaused(true)).to.emit(stable.vault, "PauseUpdated").withArgs(true);

      await expectNothingMoves(fixture, stable, [alice, bob], () =>
        expect(stable.vault.connect(bob).open({ ...NO_OPEN, amount0: USDC(1_000) })).to.be.revertedWithCustomError(
          stable.vault,
          "VaultPaused",
        ),
      );
      await expectNothingMoves(fixture, stable, [alice], () =>
        expect(stable.vault.connect(alice).increase(id, { ...NO_OPEN, borrow0: USDC(100) })).to.be.revertedWithCustomError(
          stable.vault,
          "VaultPaused",
        ),
      );
      // The guardian may pause but never resume; nobody else may do either.
      await expect(stable.vault.connect(guardian).setPaused(false))
        .to.be.revertedWithCustomError(stable.vault, "NotGuardian")
        .withArgs(guardian.address);
      await expect(stable.vault.connect(alice).setPaused(true))
        .to.be.revertedWithCustomError(stable.vault, "NotGuardian")
        .withArgs(alice.address);
      expect((await stable.vault.configuration()).paused).to.equal(true);

      // Lowering risk still works while paused.
      await stable.vault.connect(alice).increase(id, { ...NO_OPEN, amount0: USDC(100) });
      await stable.vault.connect(alice).repayDebt(id, 0, USDC(500));
      const token1 = tokenOf(fixture, stable, 1);
      const token1Before = await token1.balanceOf(alice.address);
      await stable.vault.connect(alice).close(closeParams(id));
      expect(await token1.balanceOf(alice.address)).to.be.greaterThan(token1Before);
      const view = await stable.vault.positionView(id);
      expect(view.lpAmount + view.debt0 + view.debt1).to.equal(0n);
      const [totalLp, totalLpShares] = await stable.vault.totals();
      expect(totalLp + totalLpShares).to.equal(0n);

      // The owner resumes; opening works again.
      await stable.vault.connect(deployer).setPaused(false);
      await stable.vault.connect(bob).open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(1_000) });
    });

    it("refuses risk parameters outside their bounds: InvalidRiskParameter(name), leaving the parameters as they were", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, volatile, deployer } = fixture;
      const invalid: Array<[string, string, RiskParameters]> = [
        ["kill factor equal to the work factor", "workFactorBps", { ...STABLE_VAULT_RISK, killFactorBps: STABLE_VAULT_RISK.workFactorBps }],
        ["kill factor below the work factor", "workFactorBps", { ...STABLE_VAULT_RISK, workFactorBps: 9_600, killFactorBps: 9_500 }],
        ["kill factor above 98%", "killFactorBps", { ...STABLE_VAULT_RISK, killFactorBps: 9_801 }],
        ["zero work factor", "workFactorBps", { ...STABLE_VAULT_RISK, workFactorBps: 0 }],
        ["bounty above 5%", "liquidationBountyBps", { ...STABLE_VAULT_RISK, liquidationBountyBps: 501 }],
        ["leverage above 10x", "maxLeverageWad", { ...STABLE_VAULT_RISK, maxLeverageWad: 10n * WAD + 1n }],
        ["leverage below 1x", "maxLeverageWad", { ...STABLE_VAULT_RISK, maxLeverageWad: WAD - 1n }],
        ["zero price deviation", "maxPriceDeviationBps", { ...STABLE_VAULT_RISK, maxPriceDeviationBps: 0 }],
        ["price deviation above 10%", "maxPriceDeviationBps", { ...STABLE_VAULT_RISK, maxPriceDeviationBps: 1_001 }],
        ["harvest slippage above 10%", "harvestSlippageBps", { ...STABLE_VAULT_RISK, harvestSlippageBps: 1_001 }],
        ["zero harvest slippage", "harvestSlippageBps", { ...STABLE_VAULT_RISK, harvestSlippageBps: 0 }],
        ["harvest sale above 0.25% of the reserve", "harvestMaxSaleBps", { ...STABLE_VAULT_RISK, harvestMaxSaleBps: 26 }],
        ["zero harvest sale", "harvestMaxSaleBps", { ...STABLE_VAULT_RISK, harvestMaxSaleBps: 0 }],
        ["swap slippage below the pair's fee", "swapSlippageBps", { ...STABLE_VAULT_RISK, swapSlippageBps: 49 }],
        ["swap slippage above 10%", "swapSlippageBps", { ...STABLE_VAULT_RISK, swapSlippageBps: 1_001 }],
        ["liquidation target above the work factor", "liquidationTargetBps", { ...STABLE_VAULT_RISK, liquidationTargetBps: 9_101 }],
        ["zero liquidation target", "liquidationTargetBps", { ...STABLE_VAULT_RISK, liquidationTargetBps: 0 }],
      ];
      for (const [reason, name, risk] of invalid) {
        await expect(stable.vault.connect(deployer).setRiskParameters(risk), reason)
          .to.be.revertedWithCustomError(stable.vault, "InvalidRiskParameter")
          .withArgs(name);
      }
      expect(await riskOf(stable)).to.deep.equal(asBigInts(STABLE_VAULT_RISK));
      // The bounds themselves are allowed.
      const edge = {
        ...VOLATILE_VAULT_RISK,
        killFactorBps: 9_800,
        liquidationBountyBps: 500,
        maxLeverageWad: 10n * WAD,
        harvestMaxSaleBps: 25,
        swapSlippageBps: 50,
        liquidationTargetBps: VOLATILE_VAULT_RISK.workFactorBps,
      };
      await volatile.vault.connect(deployer).setRiskParameters(edge);
      expect(await riskOf(volatile)).to.deep.equal(asBigInts(edge));
    });

    it("refuses admin calls from anyone but the owner: OwnableUnauthorizedAccount(caller)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, guardian, attacker } = fixture;
      const configuration = [...(await stable.vault.configuration())];
      for (const caller of [attacker, guardian]) {
        const vault = stable.vault.connect(caller);
        const calls = [
          () => vault.setRiskParameters({ ...STABLE_VAULT_RISK, workFactorBps: 5_000, liquidationTargetBps: 5_000 }),
          () => vault.setDebtCaps(0, 0),
          () => vault.setGuardian(caller.address),
          () => vault.upgradeToAndCall(caller.address, "0x"),
          () => vault.transferOwnership(caller.address),
          () => vault.renounceOwnership(),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(stable.vault, "OwnableUnauthorizedAccount").withArgs(caller.address);
        }
      }
      expect([...(await stable.vault.configuration())]).to.deep.equal(configuration);
      expect(await riskOf(stable)).to.deep.equal(asBigInts(STABLE_VAULT_RISK));
      expect(await stable.vault.owner()).to.equal(fixture.deployer.address);
    });

    it("passes on the token's own error to a farmer who has not approved or does not hold the token", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable } = fixture;
      const stranger = (await ethers.getSigners())[12];
      const vaultAddress = await stable.vault.getAddress();
      // Both stablecoins are FaucetTokens (OpenZeppelin ERC20s).
      const token0 = await ethers.getContractAt("FaucetToken", await tokenOf(fixture, stable, 0).getAddress());
      const token1 = await ethers.getContractAt("FaucetToken", await tokenOf(fixture, stable, 1).getAddress());
      const vault = stable.vault.connect(stranger);

      // No approval at all: the vault's pull of token 0 fails on the allowance.
      await expectNothingMoves(fixture, stable, [stranger], () =>
        expect(vault.open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(1_000) }))
          .to.be.revertedWithCustomError(token0, "ERC20InsufficientAllowance")
          .withArgs(vaultAddress, 0, USDC(1_000)),
      );
      // Approved token 0 but holds none of it.
      await token0.connect(stranger).approve(vaultAddress, ethers.MaxUint256);
      await expectNothingMoves(fixture, stable, [stranger], () =>
        expect(vault.open({ ...NO_OPEN, amount0: USDC(1_000), borrow1: USDC(1_000) }))
          .to.be.revertedWithCustomError(token0, "ERC20InsufficientBalance")
          .withArgs(stranger.address, 0, USDC(1_000)),
      );
      // Holds too little.
      await token0.connect(stranger).faucet(USDC(400));
      await expectNothingMoves(fixture, stable, [stranger], () =>
        expect(vault.open({ ...NO_OPEN, amount0: USDC(1_000) }))
          .to.be.revertedWithCustomError(token0, "ERC20InsufficientBalance")
          .withArgs(stranger.address, USDC(400), USDC(1_000)),
      );
      // Token 0 would be pulled, but token 1 is not approved: the whole open unwinds, token 0 included.
      await token1.connect(stranger).faucet(USDC(400));
      await expectNothingMoves(fixture, stable, [stranger], () =>
        expect(vault.open({ ...NO_OPEN, amount0: USDC(400), amount1: USDC(400) }))
          .to.be.revertedWithCustomError(token1, "ERC20InsufficientAllowance")
          .withArgs(vaultAddress, 0, USDC(400)),
      );
      // Repaying debt from a wallet that revoked its approval.
      await token1.connect(stranger).approve(vaultAddress, ethers.MaxUint256);
      await vault.open({ ...NO_OPEN, amount0: USDC(400), borrow1: USDC(800) });
      const id = await stable.vault.lastPositionId();
      await token1.connect(stranger).approve(vaultAddress, 0);
      await expectNothingMoves(fixture, stable, [stranger], () =>
        expect(vault.repayDebt(id, 0, USDC(100)))
          .to.be.revertedWithCustomError(token1, "ERC20InsufficientAllowance")
          .withArgs(vaultAddress, 0, (owed: bigint) => owed >= USDC(100) - 1n && owed <= USDC(100)),
      );
    });

    it("refuses to liquidate a healthy position: PositionHealthy(id, debt ratio, kill factor)", async () => {
      const fixture = await loadFixture(vaultStackFixture);
      const { stable, volatile, alice, liquidator } = fixture;
      // Without debt the ratio is 0.
      const unlevered = await openStable(fixture, alice, { amount0: USDC(1_000) });
      await expectNothingMoves(fixture, stable, [alice, liquidator], () =>
        expect(stable.vault.connect(liquidator).liquidate(unlevered))
          .to.be.revertedWithCustomError(stable.vault, "PositionHealthy")
          .withArgs(unlevered, 0, STABLE_VAULT_RISK.killFactorBps),
      );
      // A 9x position is at ~89%, under the 95% kill factor: read its ratio in the very block of the liquidation.
      const levered = await openStable(fixture, alice, { amount0: USDC(1_000), borrow1: USDC(8_000) });
      const timestamp = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(timestamp);
      const ratio = (await stable.vault.positionView(levered, { blockTag: "pending" })).debtRatioBps;
      expect(ratio).to.be.within(8_900n, 9_000n);
      await expectNothingMoves(fixture, stable, [alice, liquidator], () =>
        expect(stable.vault.connect(liquidator).liquidate(levered))
          .to.be.revertedWithCustomError(stable.vault, "PositionHealthy")
          .withArgs(levered, ratio, STABLE_VAULT_RISK.killFactorBps),
      );
      // The volatile vault at its 3x limit (~67%) is under its 80% kill factor.
      const wethIsToken0 = volatile.token0Symbol === "WETH";
      await volatile.vault
        .connect(alice)
        .open(wethIsToken0 ? { ...NO_OPEN, amount0: WETH(1), borrow1: USDC(4_000) } : { ...NO_OPEN, amount1: WETH(1), borrow0: USDC(4_000) });
      await expectNothingMoves(fixture, volatile, [alice, liquidator], () =>
        expect(volatile.vault.connect(liquidator).liquidate(1))
          .to.be.revertedWithCustomError(volatile.vault, "PositionHealthy")
          .withArgs(1, (ratio: bigint) => ratio > 6_600n && ratio < 6_800n, VOLATILE_VAULT_RISK.killFactorBps),
      );
    });
  });
});

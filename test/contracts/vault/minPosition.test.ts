/**
 * Issue 18, cause 3: the smallest position a vault allows is set in USD, so that liquidating it pays the
 * liquidator's gas at the bounty. A vault's minimum refuses smaller opens by name; a liquidation that would leave
 * less than the minimum unwinds the position whole, so the smallest position's liquidation earns the bounty on all
 * of it. Measured here at 50 gwei on an L1 at the oracle's ETH price, on both local vaults, through the pair (no
 * capital needed beyond gas).
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { FAR_FUTURE, vaultStackFixture, type VaultFixture } from "./fixtures";
import { moveUsdc, openStable10x } from "./stableHelpers";
import { moveWeth, openWeth, wethVault } from "./ordersHelpers";
import { eventsOf, usd6, usdOf } from "../security/vaultAttackHelpers";

/**
 * The minimums this repository states for an L1 (README, "Smallest position"), whole USD: the volatile vault's 3%
 * bounty pays the gas from $2,000; the stable vault's 1% bounty (its swaps need no more, issue 18 cause 9) from $7,000.
 */
const MIN_POSITION_USD_L1 = 2_000;
const STABLE_MIN_POSITION_USD_L1 = 7_000;
const L1_GAS_PRICE_WEI = 50n * 10n ** 9n;

async function liquidationPays(fixture: VaultFixture, vault: Contract, id: bigint, label: string) {
  const { liquidator, tokens, farming } = fixture;
  const view = await vault.positionView(id);
  expect(view.liquidatable, `${label}: past the kill factor`).to.equal(true);
  const receipt = await (await (vault.connect(liquidator) as Contract).liquidate(id)).wait();
  const outcome = eventsOf(vault, receipt, "PositionLiquidated")[0].outcome;
  expect(outcome.whole, `${label}: the smallest position is unwound whole`).to.equal(true);
  const bountyUsd = (await usdOf(fixture, await vault.token0(), BigInt(outcome.paid0))) + (await usdOf(fixture, await vault.token1(), BigInt(outcome.paid1)));
  const ethUsd = Number(await farming.oracle.priceOf(await tokens.WETH.getAddress())) / 1e18;
  const gasUsd = (Number(receipt!.gasUsed * L1_GAS_PRICE_WEI) / 1e18) * ethUsd;
  console.log(
    `    [${label}] position worth $${(Number(view.valueWad) / 1e18).toFixed(2)} at liquidation: bounty $${bountyUsd.toFixed(2)}, ` +
      `gas ${receipt!.gasUsed} = $${gasUsd.toFixed(2)} at 50 gwei and ETH $${ethUsd.toFixed(0)} (smallest position paying its gas: $${((gasUsd / bountyUsd) * Number(view.valueWad) / 1e18).toFixed(0)})`,
  );
  expect(bountyUsd, `${label}: bounty vs the liquidator's gas at 50 gwei`).to.be.greaterThan(gasUsd);
}

describe("Vault minimum position value (USD)", () => {
  it("refuses an open below the minimum by name, and the owner alone sets it", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, deployer, alice } = fixture;
    const vault = stable.vault;
    await expect(vault.connect(alice).setMinPositionValue(1)).to.be.revertedWithCustomError(vault, "OwnableUnauthorizedAccount");
    await expect(vault.connect(deployer).setMinPositionValue(MIN_POSITION_USD_L1)).to.emit(vault, "MinPositionValueUpdated").withArgs(0, MIN_POSITION_USD_L1);
    expect(await vault.minPositionValueUsd()).to.equal(BigInt(MIN_POSITION_USD_L1));
    // 2x: half supplied, half borrowed, in both tokens.
    const params = (usd: number, borrow = true) => ({
      amount0: usd6(usd / 4), amount1: usd6(usd / 4), borrow0: borrow ? usd6(usd / 4) : 0n, borrow1: borrow ? usd6(usd / 4) : 0n, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE,
    });
    const minimum = BigInt(MIN_POSITION_USD_L1) * 10n ** 18n;
    await expect(vault.connect(alice).open(params(1_990)))
      .to.be.revertedWithCustomError(vault, "PositionValueTooSmall")
      .withArgs((value: bigint) => value < minimum && value > 1_980n * 10n ** 18n, minimum);
    await expect(vault.connect(alice).open(params(2_010))).to.emit(vault, "PositionOpened");
    const id = await vault.lastPositionId();
    // Borrowing more into a position below the minimum is refused; adding collateral alone never is (a rescue).
    const small = await (await vault.connect(alice).open(params(400, false))).wait();
    expect(small!.status).to.equal(1);
    const smallId = await vault.lastPositionId();
    await expect(vault.connect(alice).increase(smallId, { ...params(0, false), amount0: 0n, amount1: 0n, borrow1: usd6(1) })).to.be.revertedWithCustomError(vault, "PositionValueTooSmall");
    await expect(vault.connect(alice).increase(smallId, params(100, false))).to.emit(vault, "PositionIncreased");
    await expect(vault.connect(alice).increase(id, params(40))).to.emit(vault, "PositionIncreased");
  });

  it(`at $${STABLE_MIN_POSITION_USD_L1}, liquidating the smallest stable position (10x, just past the kill factor) pays the liquidator's gas at 50 gwei on an L1, through the pair`, async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { stable, deployer, alice } = fixture;
    // 10x, 90% borrowed in USDT; USDC to $0.89 takes it past the 95% kill factor, not underwater.
    await stable.vault.connect(deployer).setMinPositionValue(STABLE_MIN_POSITION_USD_L1);
    const { id } = await openStable10x(fixture, alice, STABLE_MIN_POSITION_USD_L1 + 20);
    await moveUsdc(fixture, 0.89);
    await liquidationPays(fixture, stable.vault as unknown as Contract, id, "stable");
  });

  it(`at $${MIN_POSITION_USD_L1}, liquidating the smallest WETH-USDC position (3x, just past the kill factor) pays the liquidator's gas at 50 gwei on an L1, through the pair`, async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { deployer, bob } = fixture;
    // 3x from 0.34 WETH at $2,000; WETH to $1,350 takes it past the 80% kill factor.
    const { vault } = await wethVault(fixture);
    await vault.connect(deployer).setMinPositionValue(MIN_POSITION_USD_L1);
    const id = await openWeth(fixture, bob, 0.34, 3);
    await moveWeth(fixture, 1_350);
    await liquidationPays(fixture, vault as unknown as Contract, id, "volatile");
  });
});

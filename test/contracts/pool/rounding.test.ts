import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";

/** A pool whose share is worth a little more than its asset: a year of interest, then every debt repaid, so
 *  nothing accrues any more and each figure below is exact against the pool's own totals. */
async function pricedShareFixture() {
  const fixture = await stablecoinPoolFixture();
  const { pool, token, alice, bob, borrower } = fixture;
  await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
  await pool.connect(bob).deposit(USDC(333_333), bob.address);
  await pool.connect(borrower).borrow(USDC(900_000));
  await time.increase(365 * 86_400);
  await token.connect(borrower).approve(await pool.getAddress(), USDC(2_000_000));
  const { borrowShares } = await pool.borrowerAccount(borrower.address);
  await pool.connect(borrower).repayShares(borrower.address, borrowShares);
  expect(await pool.totalBorrows()).to.equal(0n);
  // 10^offset virtual shares and one virtual asset, as LendingPool._toShares and _toAssets count them.
  const virtualShares = 10n ** ((await pool.decimals()) - 6n);
  return { ...fixture, virtualShares };
}

const ceilDiv = (numerator: bigint, denominator: bigint) => (numerator + denominator - 1n) / denominator;

describe("LendingPool rounding: every conversion favours the pool", () => {
  it("withdraw burns the shares for the assets rounded up (one share more than the exact quotient)", async () => {
    const { pool, alice, virtualShares } = await loadFixture(pricedShareFixture);
    const totalAssets = await pool.totalAssets();
    const totalSupply = await pool.totalSupply();
    expect(totalAssets).to.be.greaterThan(USDC(1_333_333)); // a share is worth more than a unit of USDC now
    const assets = USDC(12_345) + 7n;
    const numerator = assets * (totalSupply + virtualShares);
    const denominator = totalAssets + 1n;
    expect(numerator % denominator).to.not.equal(0n); // the quotient is not whole: the rounding direction shows
    const expected = ceilDiv(numerator, denominator);
    expect(await pool.previewWithdraw(assets)).to.equal(expected);
    const sharesBefore = await pool.balanceOf(alice.address);
    await expect(pool.connect(alice).withdraw(assets, alice.address, alice.address))
      .to.emit(pool, "Withdraw")
      .withArgs(alice.address, alice.address, alice.address, assets, expected);
    expect(sharesBefore - (await pool.balanceOf(alice.address))).to.equal(expected);
  });

  it("redeem pays the assets for the shares rounded down", async () => {
    const { pool, token, bob, virtualShares } = await loadFixture(pricedShareFixture);
    const totalAssets = await pool.totalAssets();
    const totalSupply = await pool.totalSupply();
    const shares = (await pool.balanceOf(bob.address)) / 3n + 11n;
    const numerator = shares * (totalAssets + 1n);
    const denominator = totalSupply + virtualShares;
    expect(numerator % denominator).to.not.equal(0n);
    const expected = numerator / denominator;
    expect(await pool.previewRedeem(shares)).to.equal(expected);
    const before = await token.balanceOf(bob.address);
    await pool.connect(bob).redeem(shares, bob.address, bob.address);
    expect((await token.balanceOf(bob.address)) - before).to.equal(expected);
  });

  it("a withdraw and a redeem of the same amount never pay out more than they take", async () => {
    const { pool, alice } = await loadFixture(pricedShareFixture);
    const assets = USDC(1) + 1n;
    const burned = await pool.previewWithdraw(assets);
    // Redeeming what withdraw would burn pays at least the assets asked, never less than the shares are worth.
    expect(await pool.previewRedeem(burned)).to.be.greaterThanOrEqual(assets);
    expect(await pool.previewRedeem(burned - 1n)).to.be.lessThan(assets);
    await pool.connect(alice).withdraw(assets, alice.address, alice.address);
  });
});

describe("LendingPool repayShares: at most the shares held", () => {
  it("refuses one share more than the borrower holds, naming both, and clears the debt at exactly the shares held", async () => {
    const { pool, token, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(10_000), alice.address);
    await pool.connect(borrower).borrow(USDC(4_000));
    await time.increase(30 * 86_400);
    await token.connect(borrower).approve(await pool.getAddress(), USDC(10_000));
    const { borrowShares } = await pool.borrowerAccount(borrower.address);
    await expect(pool.connect(borrower).repayShares(borrower.address, borrowShares + 1n))
      .to.be.revertedWithCustomError(pool, "RepayExceedsDebt")
      .withArgs(borrower.address, borrowShares + 1n, borrowShares);
    await pool.connect(borrower).repayShares(borrower.address, borrowShares);
    expect((await pool.borrowerAccount(borrower.address)).borrowShares).to.equal(0n);
    expect(await pool.totalBorrows()).to.equal(0n);
  });
});

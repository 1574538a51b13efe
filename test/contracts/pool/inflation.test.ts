import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";

describe("LendingPool first-depositor inflation attack", () => {
  it("gains the attacker nothing and costs the victim nothing measurable", async () => {
    const { pool, token, stranger: attacker, alice: victim } = await loadFixture(stablecoinPoolFixture);
    const poolAddress = await pool.getAddress();
    const attackerStart = await token.balanceOf(attacker.address);
    const victimStart = await token.balanceOf(victim.address);

    // The classic attack: be first with 1 wei, then donate a large amount to inflate the share price
    // so the victim's deposit rounds down to (almost) no shares.
    await pool.connect(attacker).deposit(1n, attacker.address);
    await token.connect(attacker).transfer(poolAddress, USDC(1_000_000));
    await pool.connect(victim).deposit(USDC(1_000), victim.address);

    // The donation is not in the accounting: the victim gets full shares.
    expect(await pool.balanceOf(victim.address)).to.equal(USDC(1_000));
    expect(await pool.balanceOfUnderlying(victim.address)).to.equal(USDC(1_000));

    await pool.connect(attacker).redeem(await pool.balanceOf(attacker.address), attacker.address, attacker.address);
    await pool.connect(victim).redeem(await pool.balanceOf(victim.address), victim.address, victim.address);

    expect(await token.balanceOf(victim.address)).to.equal(victimStart);
    // The attacker got back at most its 1 wei and lost its donation.
    expect(await token.balanceOf(attacker.address)).to.be.lessThanOrEqual(attackerStart - USDC(1_000_000));
  });

  it("resists the same attack with a larger first deposit and a donation right before the victim", async () => {
    const { pool, token, stranger: attacker, alice: victim, bob } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(attacker).deposit(USDC(1), attacker.address);
    await token.connect(attacker).transfer(await pool.getAddress(), USDC(10_000_000));
    await pool.connect(victim).deposit(USDC(5), victim.address);
    await pool.connect(bob).deposit(USDC(7), bob.address);
    expect(await pool.balanceOfUnderlying(victim.address)).to.equal(USDC(5));
    expect(await pool.balanceOfUnderlying(bob.address)).to.equal(USDC(7));
    expect(await pool.balanceOfUnderlying(attacker.address)).to.equal(USDC(1));
  });

  it("refuses a deposit too small to mint a share instead of keeping it", async () => {
    const { pool, alice, bob, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(990_000));
    // Years of 100%-ish utilization push the share price well above 1, so 1 wei buys no share.
    await ethersIncreaseYears(10);
    await expect(pool.connect(bob).deposit(1n, bob.address)).to.be.revertedWithCustomError(pool, "ZeroShares");
  });
});

async function ethersIncreaseYears(years: number) {
  const { time } = await import("@nomicfoundation/hardhat-network-helpers");
  await time.increase(years * 365 * 86_400);
}

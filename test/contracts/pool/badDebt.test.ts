import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";
import { mulWadUp } from "../../../lib/math";

describe("LendingPool share-exact repayment and bad debt", () => {
  it("repays an exact number of borrow shares for their value rounded up", async () => {
    const { pool, token, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(300_000));
    await pool.connect(borrower).borrow(USDC(200_000));
    await time.increase(90 * 86_400);
    const { borrowShares } = await pool.borrowerAccount(borrower.address);
    const part = borrowShares / 3n;
    const before = await token.balanceOf(borrower.address);
    await expect(pool.connect(borrower).repayShares(borrower.address, part)).to.emit(pool, "Repay");
    const paid = before - (await token.balanceOf(borrower.address));
    expect(paid).to.equal(mulWadUp(part, await pool.borrowIndex()));
    expect((await pool.borrowerAccount(borrower.address)).borrowShares).to.equal(borrowShares - part);
    await expect(pool.connect(borrower).repayShares(borrower.address, borrowShares))
      .to.be.revertedWithCustomError(pool, "RepayExceedsDebt")
      .withArgs(borrower.address, borrowShares, borrowShares - part);
  });

  it("charges bad debt to the insurance reserve first, then to lenders, and says so", async () => {
    const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
    await pool.connect(borrower).borrow(USDC(900_000));
    await time.increase(365 * 86_400);
    await pool.accrueInterest();
    const reserves = await pool.reserves();
    expect(reserves).to.be.greaterThan(USDC(3_000));

    // A small loss: the reserve covers all of it and lenders lose nothing.
    const lenderBefore = await pool.balanceOfUnderlying(alice.address);
    const smallShares = 1_000n * 10n ** 6n;
    const smallAmount = mulWadUp(smallShares, await pool.borrowIndex());
    await expect(pool.connect(borrower).writeOffBadDebt(smallShares, ethers.ZeroAddress))
      .to.emit(pool, "BadDebtWrittenOff")
      .withArgs(
        borrower.address,
        (amount: bigint) => amount >= smallAmount && amount <= smallAmount + 100n,
        (covered: bigint) => covered >= smallAmount,
        0,
        ethers.ZeroAddress,
        0,
      );
    expect(await pool.balanceOfUnderlying(alice.address)).to.be.closeTo(lenderBefore, USDC(1) / 100n);
    expect(await pool.reserves()).to.be.closeTo(reserves - smallAmount, USDC(1) / 100n);

    // A large loss: the reserve is emptied and lenders take the rest, pro rata.
    const { borrowShares } = await pool.borrowerAccount(borrower.address);
    const half = borrowShares / 2n;
    const tx = pool.connect(borrower).writeOffBadDebt(half, ethers.ZeroAddress);
    await expect(tx).to.emit(pool, "BadDebtWrittenOff");
    const receipt = await (await tx).wait();
    const event = pool.interface.parseLog(receipt!.logs.find((log) => log.topics[0] === pool.interface.getEvent("BadDebtWrittenOff").topicHash)!)!;
    const [, amount, covered, lost] = event.args as unknown as [string, bigint, bigint, bigint];
    expect(covered + lost).to.equal(amount);
    expect(lost).to.be.greaterThan(USDC(400_000));
    expect(await pool.reserves()).to.equal(0n);
    const lenderAfter = await pool.balanceOfUnderlying(alice.address);
    expect(lenderBefore - lenderAfter).to.be.closeTo(lost, USDC(1));
  });

  it("only writes off the caller's own debt", async () => {
    const { pool, alice, borrower, stranger } = await loadFixture(stablecoinPoolFixture);
    await pool.connect(alice).deposit(USDC(1_000), alice.address);
    await pool.connect(borrower).borrow(USDC(100));
    await expect(pool.connect(stranger).writeOffBadDebt(1n, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(pool, "RepayExceedsDebt")
      .withArgs(stranger.address, 1n, 0n);
  });
});

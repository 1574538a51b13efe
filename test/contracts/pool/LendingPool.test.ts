import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { stablecoinPoolFixture, USDC } from "./fixtures";
import {
  borrowRatePerSecond as expectedBorrowRatePerSecond,
  mulWadUp,
  SECONDS_PER_YEAR,
  supplyRatePerSecond as expectedSupplyRatePerSecond,
  utilization as expectedUtilization,
  WAD,
} from "../../../lib/math";

describe("LendingPool", () => {
  describe("setup", () => {
    it("is an ERC-4626 fToken over its asset", async () => {
      const { pool, token, owner, guardian } = await loadFixture(stablecoinPoolFixture);
      expect(await pool.name()).to.equal("Flux USDC");
      expect(await pool.symbol()).to.equal("fUSDC");
      expect(await pool.decimals()).to.equal(6n);
      expect(await pool.asset()).to.equal(await token.getAddress());
      expect(await pool.owner()).to.equal(owner.address);
      const configuration = await pool.configuration();
      expect(configuration.guardian).to.equal(guardian.address);
      expect(configuration.reserveFactorBps).to.equal(1000n);
      expect(await pool.borrowIndex()).to.equal(WAD);
    });

    it("cannot be initialized twice", async () => {
      const { pool, token, model, owner } = await loadFixture(stablecoinPoolFixture);
      await expect(
        pool.initialize("x", "x", await model.getAddress(), 0, owner.address, owner.address),
      ).to.be.revertedWithCustomError(pool, "InvalidInitialization");
    });
  });

  describe("lenders", () => {
    it("mints shares 1:1 on an empty pool and tracks cash", async () => {
      const { pool, token, alice } = await loadFixture(stablecoinPoolFixture);
      await expect(pool.connect(alice).deposit(USDC(1_000), alice.address))
        .to.emit(pool, "Deposit")
        .withArgs(alice.address, alice.address, USDC(1_000), USDC(1_000));
      expect(await pool.balanceOf(alice.address)).to.equal(USDC(1_000));
      expect(await pool.cash()).to.equal(USDC(1_000));
      expect(await pool.totalAssets()).to.equal(USDC(1_000));
      expect(await token.balanceOf(await pool.getAddress())).to.equal(USDC(1_000));
    });

    it("withdraws and redeems back to the lender", async () => {
      const { pool, token, alice, bob } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      const before = await token.balanceOf(bob.address);
      await pool.connect(alice).withdraw(USDC(400), bob.address, alice.address);
      expect(await token.balanceOf(bob.address)).to.equal(before + USDC(400));
      await pool.connect(alice).redeem(USDC(600), alice.address, alice.address);
      expect(await pool.balanceOf(alice.address)).to.equal(0n);
      expect(await pool.cash()).to.equal(0n);
    });

    it("names the limit when a lender asks for more than it owns, and spends allowances for third parties", async () => {
      const { pool, token, alice, bob } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(bob).deposit(USDC(1_000), bob.address);
      await expect(pool.connect(alice).withdraw(USDC(1_001), alice.address, alice.address))
        .to.be.revertedWithCustomError(pool, "ERC4626ExceededMaxWithdraw")
        .withArgs(alice.address, USDC(1_001), USDC(1_000));
      await expect(pool.connect(alice).redeem(USDC(1_001), alice.address, alice.address))
        .to.be.revertedWithCustomError(pool, "ERC4626ExceededMaxRedeem")
        .withArgs(alice.address, USDC(1_001), USDC(1_000));
      await expect(pool.connect(bob).withdraw(USDC(10), bob.address, alice.address))
        .to.be.revertedWithCustomError(pool, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 0, USDC(10));
      await pool.connect(alice).approve(bob.address, USDC(10));
      const bobBefore = await token.balanceOf(bob.address);
      await pool.connect(bob).withdraw(USDC(10), bob.address, alice.address);
      expect(await token.balanceOf(bob.address)).to.equal(bobBefore + USDC(10));
      expect(await pool.allowance(alice.address, bob.address)).to.equal(0n);
      expect(await pool.balanceOf(alice.address)).to.equal(USDC(990));
    });

    it("mints exact shares for assets rounded up, and previews what it does", async () => {
      const { pool, token, alice, bob, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(900));
      await time.increase(180 * 86_400);
      await pool.accrueInterest();
      const shares = USDC(100);
      const preview = await pool.previewMint(shares);
      expect(preview).to.be.greaterThan(await pool.convertToAssets(shares)); // rounded up, and a share is worth > 1
      const before = await token.balanceOf(bob.address);
      await pool.connect(bob).mint(shares, bob.address);
      expect(await pool.balanceOf(bob.address)).to.equal(shares);
      expect(before - (await token.balanceOf(bob.address))).to.equal(preview);
      expect(await pool.previewRedeem(shares)).to.be.lessThan(preview); // the round trip never pays the lender
    });

    it("rejects zero amounts with ZeroAmount", async () => {
      const { pool, alice } = await loadFixture(stablecoinPoolFixture);
      await expect(pool.connect(alice).deposit(0, alice.address)).to.be.revertedWithCustomError(pool, "ZeroAmount");
      await expect(pool.connect(alice).mint(0, alice.address)).to.be.revertedWithCustomError(pool, "ZeroAmount");
      await expect(pool.connect(alice).withdraw(0, alice.address, alice.address)).to.be.revertedWithCustomError(pool, "ZeroAmount");
      await expect(pool.connect(alice).redeem(0, alice.address, alice.address)).to.be.revertedWithCustomError(pool, "ZeroAmount");
    });

    it("limits withdrawals to cash and says how much there is", async () => {
      const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(800));
      await expect(pool.connect(alice).withdraw(USDC(300), alice.address, alice.address))
        .to.be.revertedWithCustomError(pool, "InsufficientCash")
        .withArgs(USDC(300), USDC(200));
      await expect(pool.connect(alice).redeem(USDC(300), alice.address, alice.address))
        .to.be.revertedWithCustomError(pool, "InsufficientCash");
      expect(await pool.maxWithdraw(alice.address)).to.equal(USDC(200));
      await pool.connect(alice).withdraw(USDC(200), alice.address, alice.address);
      expect(await pool.cash()).to.equal(0n);
    });

    it("ignores donations: the share price only moves with interest", async () => {
      const { pool, token, alice, bob } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      const rateBefore = await pool.exchangeRate();
      await token.connect(bob).transfer(await pool.getAddress(), USDC(5_000));
      expect(await pool.exchangeRate()).to.equal(rateBefore);
      expect(await pool.totalAssets()).to.equal(USDC(1_000));
    });
  });

  describe("borrowers", () => {
    it("lends only to whitelisted borrowers", async () => {
      const { pool, alice, stranger } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await expect(pool.connect(stranger).borrow(USDC(1)))
        .to.be.revertedWithCustomError(pool, "UnknownBorrower")
        .withArgs(stranger.address);
    });

    it("enforces the credit limit with the debt it would reach", async () => {
      const { pool, owner, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(10_000), alice.address);
      await expect(pool.connect(owner).setCreditLimit(borrower.address, USDC(500)))
        .to.emit(pool, "CreditLimitUpdated")
        .withArgs(borrower.address, USDC(1_000_000_000), USDC(500));
      await pool.connect(borrower).borrow(USDC(300));
      await expect(pool.connect(borrower).borrow(USDC(201)))
        .to.be.revertedWithCustomError(pool, "CreditLimitExceeded")
        // 300 owed plus 201 asked, plus the one second of interest (a wei) since the first borrow.
        .withArgs(borrower.address, (debtAfter: bigint) => debtAfter >= USDC(501) && debtAfter <= USDC(501) + 10n, USDC(500));
    });

    it("refuses to lend more than its cash", async () => {
      const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(100), alice.address);
      await expect(pool.connect(borrower).borrow(USDC(101)))
        .to.be.revertedWithCustomError(pool, "InsufficientCash")
        .withArgs(USDC(101), USDC(100));
      await expect(pool.connect(borrower).borrow(0)).to.be.revertedWithCustomError(pool, "ZeroAmount");
    });

    it("moves tokens and records debt on borrow and repay", async () => {
      const { pool, token, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      const before = await token.balanceOf(borrower.address);
      await expect(pool.connect(borrower).borrow(USDC(600)))
        .to.emit(pool, "Borrow")
        .withArgs(borrower.address, USDC(600), USDC(600), USDC(600));
      expect(await token.balanceOf(borrower.address)).to.equal(before + USDC(600));
      expect(await pool.borrowBalance(borrower.address)).to.equal(USDC(600));
      expect(await pool.cash()).to.equal(USDC(400));

      await time.increase(30 * 24 * 3600);
      const debt = await pool.borrowBalance(borrower.address);
      expect(debt).to.be.greaterThan(USDC(600));
      await pool.connect(borrower).repay(borrower.address, ethers.MaxUint256);
      expect(await pool.borrowBalance(borrower.address)).to.equal(0n);
      expect(await pool.totalBorrowShares()).to.equal(0n);
      // One second passed between the view and the repayment, so the borrower paid at least the viewed debt.
      expect(await token.balanceOf(borrower.address)).to.be.lessThanOrEqual(before + USDC(600) - debt);
    });

    it("lets only the borrower repay its debt (NotBorrower for anyone else, 2 wei included), and only up to what is owed", async () => {
      const { pool, token, alice, bob, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(100));
      const sharesBefore = (await pool.borrowerAccount(borrower.address)).borrowShares;
      // A stranger's 2 wei would put a vault's books (kept in these shares) out of step: refused, nothing moves.
      await expect(pool.connect(bob).repay(borrower.address, 2n))
        .to.be.revertedWithCustomError(pool, "NotBorrower")
        .withArgs(bob.address, borrower.address);
      await expect(pool.connect(bob).repayShares(borrower.address, 1n))
        .to.be.revertedWithCustomError(pool, "NotBorrower")
        .withArgs(bob.address, borrower.address);
      expect((await pool.borrowerAccount(borrower.address)).borrowShares).to.equal(sharesBefore);

      await token.connect(borrower).approve(await pool.getAddress(), USDC(1_000));
      const before = await token.balanceOf(borrower.address);
      await expect(pool.connect(borrower).repay(borrower.address, USDC(1_000))).to.emit(pool, "Repay");
      const paid = before - (await token.balanceOf(borrower.address));
      expect(paid).to.be.greaterThanOrEqual(USDC(100));
      expect(paid).to.be.lessThan(USDC(100) + USDC(1) / 100n);
      expect((await pool.borrowerAccount(borrower.address)).borrowShares).to.equal(0n);
      await expect(pool.connect(borrower).repay(borrower.address, USDC(1)))
        .to.be.revertedWithCustomError(pool, "UnknownBorrower")
        .withArgs(borrower.address);
    });

    it("never mints zero debt, never clears debt it was not paid for", async () => {
      const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
      await pool.connect(borrower).borrow(USDC(950_000)); // 95% utilization: steep part of the curve
      await time.increase(5 * 365 * 24 * 3600); // index well above 1
      await pool.accrueInterest();
      const index = await pool.borrowIndex();
      expect(index).to.be.greaterThan(WAD + WAD / 2n);

      // Borrowing 1 wei must mint at least one share and at least 1 wei of debt.
      const debtBefore = await pool.borrowBalance(borrower.address);
      const sharesBefore = (await pool.borrowerAccount(borrower.address)).borrowShares;
      await pool.connect(borrower).borrow(1n);
      const sharesAfter = (await pool.borrowerAccount(borrower.address)).borrowShares;
      expect(sharesAfter - sharesBefore).to.be.greaterThanOrEqual(1n);
      expect((await pool.borrowBalance(borrower.address)) - debtBefore).to.be.greaterThanOrEqual(1n);

      // Repaying 1 wei would burn zero shares (the index is above 1): it reverts instead of taking the wei.
      await expect(pool.connect(borrower).repay(borrower.address, 1n)).to.be.revertedWithCustomError(pool, "ZeroShares");
    });

    it("lets a de-listed borrower repay but not borrow", async () => {
      const { pool, owner, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(100));
      await pool.connect(owner).setCreditLimit(borrower.address, 0);
      await expect(pool.connect(borrower).borrow(USDC(1))).to.be.revertedWithCustomError(pool, "UnknownBorrower");
      await pool.connect(borrower).repay(borrower.address, ethers.MaxUint256);
      expect(await pool.borrowBalance(borrower.address)).to.equal(0n);
    });
  });

  describe("rates and views", () => {
    it("reports utilization and rates that match the shared math", async () => {
      const { pool, alice, borrower, rateModel } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
      await pool.connect(borrower).borrow(USDC(450_000));
      await pool.accrueInterest();
      const cash = await pool.cash();
      const borrows = await pool.totalBorrows();
      const reserves = await pool.reserves();
      expect(await pool.utilization()).to.equal(expectedUtilization(cash, borrows, reserves));
      expect(await pool.borrowRatePerSecond()).to.equal(expectedBorrowRatePerSecond(rateModel, cash, borrows, reserves));
      expect(await pool.supplyRatePerSecond()).to.equal(expectedSupplyRatePerSecond(rateModel, cash, borrows, reserves, 1000n));
      // 45% utilization is halfway to the 90% kink: 2% a year.
      const borrowApr = Number(await pool.borrowRatePerYear()) / 1e18;
      expect(borrowApr).to.be.closeTo(0.02, 1e-6);
      expect(await pool.borrowRatePerYear()).to.equal((await pool.borrowRatePerSecond()) * SECONDS_PER_YEAR);
    });

    it("values a lender's fTokens in the underlying", async () => {
      const { pool, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(900));
      await time.increase(365 * 24 * 3600);
      const underlying = await pool.balanceOfUnderlying(alice.address);
      // 4% on 900 borrowed, 90% of it to lenders: about 32.4 USDC.
      expect(Number(underlying - USDC(1_000)) / 1e6).to.be.closeTo(32.4, 0.1);
      expect(await pool.exchangeRate()).to.equal(await pool.convertToAssets(USDC(1)));
    });
  });

  describe("reserves", () => {
    async function poolWithReserves() {
      const fixture = await loadFixture(stablecoinPoolFixture);
      const { pool, alice, borrower } = fixture;
      await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
      await pool.connect(borrower).borrow(USDC(900_000));
      await time.increase(365 * 24 * 3600);
      await pool.accrueInterest();
      return fixture;
    }

    it("collects the reserve factor's share of interest", async () => {
      const { pool } = await poolWithReserves();
      const reserves = await pool.reserves();
      const interest = (await pool.totalBorrows()) - USDC(900_000);
      // 10% of the interest, within a wei of rounding per accrual.
      expect(reserves).to.be.closeTo(interest / 10n, 2n);
      expect(Number(reserves) / 1e6).to.be.closeTo(3_600, 10);
    });

    it("lets only the owner withdraw reserves, and only above the floor", async () => {
      const { pool, token, owner, stranger } = await poolWithReserves();
      await expect(pool.connect(owner).setReserveFloor(USDC(3_000))).to.emit(pool, "ReserveFloorUpdated").withArgs(0, USDC(3_000));
      const reserves = await pool.reserves();
      await expect(pool.connect(stranger).withdrawReserves(USDC(1), stranger.address))
        .to.be.revertedWithCustomError(pool, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(pool.connect(owner).withdrawReserves(reserves, owner.address)).to.be.revertedWithCustomError(
        pool,
        "ReserveFloorBreached",
      );
      const before = await token.balanceOf(owner.address);
      await expect(pool.connect(owner).withdrawReserves(USDC(500), owner.address)).to.emit(pool, "ReservesWithdrawn");
      expect(await token.balanceOf(owner.address)).to.equal(before + USDC(500));
      expect(await pool.reserves()).to.be.greaterThanOrEqual(reserves - USDC(500));
    });

    it("bounds the reserve factor", async () => {
      const { pool, owner, stranger } = await loadFixture(stablecoinPoolFixture);
      await expect(pool.connect(owner).setReserveFactor(5_001))
        .to.be.revertedWithCustomError(pool, "ReserveFactorTooHigh")
        .withArgs(5_001, 5_000);
      await expect(pool.connect(owner).setReserveFactor(2_000)).to.emit(pool, "ReserveFactorUpdated").withArgs(1_000, 2_000);
      await expect(pool.connect(stranger).setReserveFactor(0)).to.be.revertedWithCustomError(pool, "OwnableUnauthorizedAccount");
    });

    it("switches rate model after accruing at the old one", async () => {
      const { pool, owner, alice, borrower } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(500));
      const model = await (await ethers.getContractFactory("KinkedRateModel")).deploy(WAD / 10n, WAD / 10n, WAD / 10n, WAD / 2n);
      const oldModel = (await pool.configuration()).interestRateModel;
      await time.increase(1000);
      await expect(pool.connect(owner).setInterestRateModel(await model.getAddress()))
        .to.emit(pool, "AccrueInterest")
        .and.to.emit(pool, "InterestRateModelUpdated")
        .withArgs(oldModel, await model.getAddress());
      expect(await pool.borrowRatePerYear()).to.be.closeTo(WAD / 10n, SECONDS_PER_YEAR);
    });
  });

  describe("pause", () => {
    it("lets the guardian pause deposits and borrows but never withdrawals or repayments", async () => {
      const { pool, guardian, owner, alice, borrower, stranger } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000), alice.address);
      await pool.connect(borrower).borrow(USDC(100));

      await expect(pool.connect(stranger).setPaused(true, true)).to.be.revertedWithCustomError(pool, "NotGuardian").withArgs(stranger.address);
      await expect(pool.connect(guardian).setPaused(true, true)).to.emit(pool, "PauseUpdated").withArgs(true, true);

      await expect(pool.connect(alice).deposit(USDC(1), alice.address)).to.be.revertedWithCustomError(pool, "DepositsPaused");
      await expect(pool.connect(alice).mint(USDC(1), alice.address)).to.be.revertedWithCustomError(pool, "DepositsPaused");
      await expect(pool.connect(borrower).borrow(USDC(1))).to.be.revertedWithCustomError(pool, "BorrowsPaused");
      expect(await pool.maxDeposit(alice.address)).to.equal(0n);

      await pool.connect(borrower).repay(borrower.address, USDC(50));
      await pool.connect(alice).withdraw(USDC(100), alice.address, alice.address);

      await expect(pool.connect(guardian).setPaused(false, false)).to.be.revertedWithCustomError(pool, "NotGuardian");
      await pool.connect(owner).setPaused(false, false);
      await pool.connect(alice).deposit(USDC(1), alice.address);
    });
  });

  describe("interest accrual event", () => {
    it("records interest, index and total borrows", async () => {
      const { pool, alice, borrower, rateModel } = await loadFixture(stablecoinPoolFixture);
      await pool.connect(alice).deposit(USDC(1_000_000), alice.address);
      await pool.connect(borrower).borrow(USDC(900_000));
      const timestampBefore = BigInt(await time.latest());
      const cash = await pool.cash();
      const rate = expectedBorrowRatePerSecond(rateModel, cash, USDC(900_000), 0n);
      expect(rate).to.equal(await pool.borrowRatePerSecond());
      await time.setNextBlockTimestamp(timestampBefore + 86_400n);
      const index = WAD + mulWadUp(WAD, rate * 86_400n);
      const borrows = mulWadUp(USDC(900_000), index);
      const interest = borrows - USDC(900_000);
      await expect(pool.accrueInterest())
        .to.emit(pool, "AccrueInterest")
        .withArgs(interest, index, borrows);
      // The reserve took 10% of it, rounded down.
      expect(await pool.reserves()).to.equal(interest / 10n);
    });
  });
});

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";

import {IInterestRateModel} from "../interfaces/IInterestRateModel.sol";
import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {PoolMath} from "../libraries/PoolMath.sol";

/// @title LendingPool
/// @notice One core pool per asset. Lenders deposit the asset and hold the pool's ERC-4626 share, the fToken,
///         whose exchange rate grows as whitelisted borrowers (the leveraged vaults) pay interest.
/// @dev Accounting:
///      - `cash` is tracked internally, never read from balanceOf, so a donation cannot move the share price.
///      - Debt is held in borrow shares against a borrow index that compounds per second, Compound-style:
///        a borrower owes shares * borrowIndex, rounded up; no loop over borrowers ever runs.
///      - totalAssets = cash + totalBorrows - reserves.
///      Every rounding favours the pool: shares minted to lenders and debt repaid round down, shares burnt from
///      lenders and debt owed round up.
contract LendingPool is
    ILendingPool,
    ERC4626Upgradeable, Ownable2StepUpgradeable, UUPSUpgradeable, ReentrancyGuardTransientUpgradeable {
    using SafeERC20 for IERC20;
    using PoolMath for uint256;
    using SafeCast for uint256;
    using Math for uint256;

    /// @notice Highest reserve factor the owner may set (50% of interest).
    uint16 public constant MAX_RESERVE_FACTOR_BPS = 5_000;

    /// @notice Share of the bad debt a write-off clears that the reserve pays whoever cleared it (5%).
    /// @dev Below 1 / (L - 1) at the highest leverage L any vault offers (10x: 11.1%), so a farmer who lets his
    ///      own position go underwater and clears it himself loses his equity E and gets back at most
    ///      5% x (L - 1) x E = 0.45 E: dust positions, split positions and a second account earn nothing.
    uint256 public constant LIQUIDATION_INCENTIVE_BPS = 500;

    struct Borrower {
        uint128 borrowShares;
        uint128 creditLimit;
    }

    /// @custom:storage-location erc7201:flux.storage.LendingPool
    /// @dev Packed for gas: every operation reads slots 0 and 1, the rate model only when interest accrues; a
    ///      deposit or withdrawal that also accrues writes two of the pool's own slots; and slot 0 is non-zero from
    ///      `initialize` on, so the first deposit does not pay for a fresh slot. 112-bit amounts, as in Uniswap V2,
    ///      hold 5e15 whole tokens of an 18-decimal asset; a 112-bit index can grow 5e15-fold.
    struct LendingPoolStorage {
        // slot 0: the pool's own money and the accrual clock
        uint112 cash;
        uint112 reserves;
        uint32 lastAccrualTime;
        // slot 1: debt, and the switches every entry checks
        uint112 totalBorrowShares;
        uint112 borrowIndex;
        uint16 reserveFactorBps;
        bool depositsPaused;
        bool borrowsPaused;
        // slot 2: read only when interest accrues
        IInterestRateModel interestRateModel;
        // slot 3+: rarely read
        address guardian;
        uint256 reserveFloor;
        mapping(address borrower => Borrower) borrowers;
        // appended: read only when a liquidation writes off bad debt
        uint256 liquidationIncentive;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.LendingPool")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LENDING_POOL_STORAGE_LOCATION =
        0xda13aa14d41fd33694db99976baf5d1fe1541ea8c0582885379ded1b3faa8a00;

    // ---------------------------------------------------------------- events

    /// @notice `interest` was added to the borrows, which now total `totalBorrows`.
    /// @dev The insurance reserve took interest * reserveFactorBps / 10000 of it, rounded down. The borrow rate over
    ///      the period is (borrowIndex / previous borrowIndex - 1) / elapsed seconds.
    event AccrueInterest(uint256 interest, uint256 borrowIndex, uint256 totalBorrows);
    /// @notice `borrower` took `amount` of cash, minting `borrowShares` of debt.
    event Borrow(address indexed borrower, uint256 amount, uint256 borrowShares, uint256 totalBorrows);
    /// @notice `payer` repaid `amount` of `borrower`'s debt, burning `borrowShares`.
    event Repay(
        address indexed borrower, address indexed payer, uint256 amount, uint256 borrowShares, uint256 totalBorrows
    );
    /// @notice `borrower` could not repay `amount`: the reserve covered `coveredByReserves`, lenders lost the rest,
    ///         and the reserve then paid `incentive` (a share of `amount`, from above its floor) to
    ///         `incentiveRecipient`, the liquidator who cleared it.
    event BadDebtWrittenOff(
        address indexed borrower,
        uint256 amount,
        uint256 coveredByReserves,
        uint256 lostByLenders,
        address incentiveRecipient,
        uint256 incentive
    );
    /// @notice `from` added `amount` to the insurance reserve, which now holds `reservesAfter`.
    event ReservesDeposited(address indexed from, uint256 amount, uint256 reservesAfter);
    /// @notice The cap on the reserve's payment per write-off changed.
    event LiquidationIncentiveUpdated(uint256 oldIncentive, uint256 newIncentive);
    /// @notice The owner took `amount` out of the insurance reserve.
    event ReservesWithdrawn(address indexed to, uint256 amount, uint256 reservesAfter);
    event ReserveFactorUpdated(uint256 oldReserveFactorBps, uint256 newReserveFactorBps);
    event ReserveFloorUpdated(uint256 oldReserveFloor, uint256 newReserveFloor);
    event InterestRateModelUpdated(address indexed oldModel, address indexed newModel);
    event CreditLimitUpdated(address indexed borrower, uint256 oldCreditLimit, uint256 newCreditLimit);
    event GuardianUpdated(address indexed oldGuardian, address indexed newGuardian);
    event PauseUpdated(bool depositsPaused, bool borrowsPaused);

    // ---------------------------------------------------------------- errors

    error ZeroAmount();
    error ZeroAddress();
    /// @notice The operation would mint or burn zero shares, so the caller would pay for nothing.
    error ZeroShares();
    /// @notice The pool holds `available` cash and cannot hand out `requested`.
    error InsufficientCash(uint256 requested, uint256 available);
    /// @notice `borrower` has no credit line with this pool.
    error UnknownBorrower(address borrower);
    /// @notice The borrow would take `borrower`'s debt to `debtAfter`, above its `creditLimit`.
    error CreditLimitExceeded(address borrower, uint256 debtAfter, uint256 creditLimit);
    /// @notice `borrower` holds `sharesHeld` debt shares, fewer than the `borrowShares` to repay or write off.
    error RepayExceedsDebt(address borrower, uint256 borrowShares, uint256 sharesHeld);
    error DepositsPaused();
    error BorrowsPaused();
    /// @notice Only the guardian or the owner may pause.
    error NotGuardian(address caller);
    /// @notice Taking the reserves to `reservesAfter` would cross the `reserveFloor`.
    error ReserveFloorBreached(uint256 reservesAfter, uint256 reserveFloor);
    error ReserveFactorTooHigh(uint256 reserveFactorBps, uint256 maximum);
    /// @notice Only a borrower changes its own debt: `caller` tried to repay `borrower`'s.
    error NotBorrower(address caller, address borrower);
    /// @notice An upgrade must keep the pool's asset: the new implementation was built for `newAsset`.
    error UpgradeChangesAsset(address asset, address newAsset);

    // ---------------------------------------------------------------- setup

    /// @notice The pool's asset. An immutable of the implementation rather than storage: it never changes, and
    ///         reading it from code saves a cold storage read on every deposit, withdrawal, borrow and repayment.
    ///         Each pool therefore has its own implementation; `_authorizeUpgrade` refuses one for another asset.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20Metadata private immutable _assetToken;

    /// @param asset_ The token this implementation's pool lends.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20Metadata asset_) {
        if (address(asset_) == address(0)) revert ZeroAddress();
        _assetToken = asset_;
        _disableInitializers();
    }

    /// @notice Sets the pool up behind its proxy. The asset is the implementation's (see the constructor).
    /// @dev Public rather than external so that the upgrades plugin sees later versions inherit it.
    /// @param name_ The fToken's name, e.g. "Flux USDC".
    /// @param symbol_ The fToken's symbol, e.g. "fUSDC".
    /// @param interestRateModel_ The rate model the pool starts with.
    /// @param reserveFactorBps_ Share of interest that goes to the insurance reserve (1000 is 10%).
    /// @param owner_ The admin (a TimelockController on real chains).
    /// @param guardian_ Who may pause deposits and borrows.
    function initialize(
        string memory name_,
        string memory symbol_,
        IInterestRateModel interestRateModel_,
        uint16 reserveFactorBps_,
        address owner_,
        address guardian_
    ) public initializer {
        if (address(interestRateModel_) == address(0) || owner_ == address(0)) {
            revert ZeroAddress();
        }
        if (reserveFactorBps_ > MAX_RESERVE_FACTOR_BPS) {
            revert ReserveFactorTooHigh(reserveFactorBps_, MAX_RESERVE_FACTOR_BPS);
        }
        __ERC20_init(name_, symbol_);
        __ERC4626_init(_assetToken);
        __Ownable_init(owner_);
        __ReentrancyGuardTransient_init();

        LendingPoolStorage storage $ = _storage();
        $.borrowIndex = uint112(PoolMath.WAD);
        $.lastAccrualTime = uint32(block.timestamp);
        $.interestRateModel = interestRateModel_;
        $.reserveFactorBps = reserveFactorBps_;
        $.guardian = guardian_;
        emit InterestRateModelUpdated(address(0), address(interestRateModel_));
        emit ReserveFactorUpdated(0, reserveFactorBps_);
        emit GuardianUpdated(address(0), guardian_);
    }

    // ---------------------------------------------------------------- lenders (ERC-4626)

    /// @notice Deposits `assets` and mints fTokens to `receiver`, rounded down.
    /// @dev Reverts with ZeroShares rather than take a deposit too small to mint one share.
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256 shares) {
        _requireDepositsOpen(assets);
        shares = _toShares(assets, _accrueInterest(), Math.Rounding.Floor);
        if (shares == 0) revert ZeroShares();
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Mints exactly `shares` fTokens to `receiver` for the assets they are worth, rounded up.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256 assets) {
        _requireDepositsOpen(shares);
        assets = _toAssets(shares, _accrueInterest(), Math.Rounding.Ceil);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Burns `owner`'s fTokens (rounded up) to send exactly `assets` to `receiver`.
    /// @dev Never paused. Limited by the pool's cash: lent-out tokens come back as borrowers repay.
    function withdraw(uint256 assets, address receiver, address owner)
        public
        override
        nonReentrant
        returns (uint256 shares)
    {
        if (assets == 0) revert ZeroAmount();
        uint256 totalAssets_ = _accrueInterest();
        _requireCash(assets);
        shares = _toShares(assets, totalAssets_, Math.Rounding.Ceil);
        uint256 balance = balanceOf(owner);
        if (shares > balance) {
            revert ERC4626ExceededMaxWithdraw(owner, assets, _toAssets(balance, totalAssets_, Math.Rounding.Floor));
        }
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @notice Burns exactly `shares` of `owner`'s fTokens and sends what they are worth (rounded down) to `receiver`.
    /// @dev Never paused. Limited by the pool's cash.
    function redeem(uint256 shares, address receiver, address owner)
        public
        override
        nonReentrant
        returns (uint256 assets)
    {
        if (shares == 0) revert ZeroAmount();
        uint256 totalAssets_ = _accrueInterest();
        uint256 balance = balanceOf(owner);
        if (shares > balance) revert ERC4626ExceededMaxRedeem(owner, shares, balance);
        assets = _toAssets(shares, totalAssets_, Math.Rounding.Floor);
        if (assets == 0) revert ZeroAmount();
        _requireCash(assets);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @notice The token lenders deposit and borrowers borrow.
    function asset() public view override(ERC4626Upgradeable, ILendingPool) returns (address) {
        return address(_assetToken);
    }

    /// @notice Cash plus what borrowers owe, less the insurance reserve, as of this block.
    function totalAssets() public view override returns (uint256) {
        (uint256 cash_, uint256 borrows, uint256 reserves_,) = _currentState();
        return _lenderAssets(cash_, borrows, reserves_);
    }

    /// @notice Zero while deposits are paused.
    function maxDeposit(address) public view override returns (uint256) {
        return _storage().depositsPaused ? 0 : type(uint256).max;
    }

    /// @notice Zero while deposits are paused.
    function maxMint(address) public view override returns (uint256) {
        return _storage().depositsPaused ? 0 : type(uint256).max;
    }

    /// @notice What `owner` can withdraw now: its balance, capped by the pool's cash.
    function maxWithdraw(address owner) public view override returns (uint256) {
        return Math.min(super.maxWithdraw(owner), _storage().cash);
    }

    /// @notice fTokens `owner` can redeem now: its balance, capped by the shares the pool's cash covers.
    function maxRedeem(address owner) public view override returns (uint256) {
        return Math.min(balanceOf(owner), _convertToShares(_storage().cash, Math.Rounding.Floor));
    }

    // ---------------------------------------------------------------- borrowers

    /// @notice Borrows `amount` of the asset to the caller, a whitelisted borrower.
    /// @dev Borrow shares round up, so a borrow can never mint zero debt.
    /// @return borrowShares The debt shares minted.
    function borrow(uint256 amount) external nonReentrant returns (uint256 borrowShares) {
        if (amount == 0) revert ZeroAmount();
        LendingPoolStorage storage $ = _storage();
        if ($.borrowsPaused) revert BorrowsPaused();
        Borrower storage account = $.borrowers[msg.sender];
        uint256 creditLimit = account.creditLimit;
        if (creditLimit == 0) revert UnknownBorrower(msg.sender);
        _accrueInterest();
        _requireCash(amount);

        uint256 index = $.borrowIndex;
        borrowShares = amount.divWadUp(index);
        uint256 sharesAfter = account.borrowShares + borrowShares;
        uint256 debtAfter = sharesAfter.mulWadUp(index);
        if (debtAfter > creditLimit) revert CreditLimitExceeded(msg.sender, debtAfter, creditLimit);

        uint256 totalSharesAfter = $.totalBorrowShares + borrowShares;
        account.borrowShares = sharesAfter.toUint128();
        $.totalBorrowShares = totalSharesAfter.toUint112();
        // With no debt outstanding the clock stands still (see _accrueInterest); the first debt restarts it.
        $.lastAccrualTime = uint32(block.timestamp);
        $.cash -= uint112(amount); // fits: amount <= cash
        emit Borrow(msg.sender, amount, borrowShares, totalSharesAfter.mulWadUp(index));
        IERC20(_assetToken).safeTransfer(msg.sender, amount);
    }

    /// @notice Repays up to `amount` of the caller's own debt; type(uint256).max repays it all. `borrower` must be
    ///         the caller: nobody else can change a borrower's debt (a vault keeps its positions' books in the pool's
    ///         shares, and a stranger's repayment would put them out of step).
    /// @dev Shares burnt round down, so a partial repayment never clears more debt than it pays. Never paused.
    /// @return repaid The tokens taken from the caller.
    /// @return borrowShares The debt shares burnt.
    function repay(address borrower, uint256 amount) external nonReentrant returns (uint256 repaid, uint256 borrowShares) {
        if (borrower != msg.sender) revert NotBorrower(msg.sender, borrower);
        if (amount == 0) revert ZeroAmount();
        _accrueInterest();
        uint256 index = _storage().borrowIndex;
        uint256 sharesHeld = _storage().borrowers[borrower].borrowShares;
        uint256 debt = sharesHeld.mulWadUp(index);
        if (debt == 0) revert UnknownBorrower(borrower);
        if (amount >= debt) {
            (repaid, borrowShares) = (debt, sharesHeld);
        } else {
            borrowShares = amount.divWadDown(index);
            if (borrowShares == 0) revert ZeroShares();
            repaid = amount;
        }
        _burnDebt(borrower, borrowShares, repaid, index);
    }

    /// @notice Repays exactly `borrowShares` of the caller's own debt shares, for what they are worth now, rounded
    ///         up. A borrower that keeps its own books in pool shares (a vault's positions) clears a position's debt
    ///         with it to the wei. `borrower` must be the caller.
    /// @return repaid The tokens taken from the caller.
    function repayShares(address borrower, uint256 borrowShares) external nonReentrant returns (uint256 repaid) {
        if (borrower != msg.sender) revert NotBorrower(msg.sender, borrower);
        if (borrowShares == 0) revert ZeroAmount();
        _accrueInterest();
        uint256 sharesHeld = _storage().borrowers[borrower].borrowShares;
        if (borrowShares > sharesHeld) revert RepayExceedsDebt(borrower, borrowShares, sharesHeld);
        uint256 index = _storage().borrowIndex;
        repaid = borrowShares.mulWadUp(index);
        _burnDebt(borrower, borrowShares, repaid, index);
    }

    /// @notice Writes off `borrowShares` of the caller's own debt that cannot be repaid (a liquidation that left a
    ///         shortfall). The insurance reserve absorbs the loss first; what it cannot cover lowers totalAssets, so
    ///         lenders share it pro rata. Recorded in BadDebtWrittenOff, never silent.
    ///         Then the reserve pays `incentiveRecipient` (zero: nobody) a share of the bad debt it cleared:
    ///         LIQUIDATION_INCENTIVE_BPS of the amount written off, rounded down, at most `liquidationIncentive`, and
    ///         only out of what the reserve holds above `reserveFloor` after absorbing the loss. It never comes out of
    ///         lenders' money, a write-off of a few wei pays nothing, and splitting a position's bad debt into many
    ///         write-offs (many small positions, or one per debt token) never pays more in total than the share.
    /// @param borrowShares The caller's debt shares to write off.
    /// @param incentiveRecipient Who cleared the bad debt (the liquidator), or zero for no incentive.
    /// @return amount The debt written off.
    /// @return coveredByReserves The part the insurance reserve absorbed.
    /// @return incentive What the reserve paid `incentiveRecipient`.
    function writeOffBadDebt(uint256 borrowShares, address incentiveRecipient)
        external
        nonReentrant
        returns (uint256 amount, uint256 coveredByReserves, uint256 incentive)
    {
        if (borrowShares == 0) revert ZeroAmount();
        _accrueInterest();
        LendingPoolStorage storage $ = _storage();
        Borrower storage account = $.borrowers[msg.sender];
        uint256 sharesHeld = account.borrowShares;
        if (borrowShares > sharesHeld) revert RepayExceedsDebt(msg.sender, borrowShares, sharesHeld);
        amount = borrowShares.mulWadUp($.borrowIndex);
        uint256 reserves_ = $.reserves;
        coveredByReserves = amount < reserves_ ? amount : reserves_;
        reserves_ -= coveredByReserves;
        account.borrowShares = uint128(sharesHeld - borrowShares);
        $.totalBorrowShares -= uint112(borrowShares);
        if (incentiveRecipient != address(0)) {
            incentive = _writeOffIncentive(amount, reserves_, $);
            reserves_ -= incentive;
            $.cash -= uint112(incentive); // fits: incentive <= cash
        }
        $.reserves = uint112(reserves_);
        emit BadDebtWrittenOff(msg.sender, amount, coveredByReserves, amount - coveredByReserves, incentiveRecipient, incentive);
        if (incentive > 0) IERC20(_assetToken).safeTransfer(incentiveRecipient, incentive);
    }

    /// @dev The reserve's payment for clearing `amount` of bad debt when `reserves_` remain after covering it: the
    ///      share of the amount (down), capped by the owner's per-write-off cap, the reserve above its floor and cash.
    function _writeOffIncentive(uint256 amount, uint256 reserves_, LendingPoolStorage storage $)
        private
        view
        returns (uint256)
    {
        uint256 floor = $.reserveFloor;
        uint256 aboveFloor = reserves_ > floor ? reserves_ - floor : 0;
        uint256 share = (amount * LIQUIDATION_INCENTIVE_BPS) / PoolMath.BPS;
        return Math.min(Math.min(share, $.liquidationIncentive), Math.min(aboveFloor, $.cash));
    }

    /// @notice Adds `amount` of the asset to the insurance reserve, from the caller: how the reserve is seeded.
    ///         Anyone may; the tokens then belong to the reserve (only the owner withdraws reserves, never below the
    ///         floor).
    function depositReserves(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _accrueInterest();
        LendingPoolStorage storage $ = _storage();
        uint256 reservesAfter = uint256($.reserves) + amount;
        $.reserves = reservesAfter.toUint112();
        $.cash = (uint256($.cash) + amount).toUint112();
        emit ReservesDeposited(msg.sender, amount, reservesAfter);
        IERC20(_assetToken).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Burns repaid debt shares and takes the tokens: the one path every repayment goes through.
    function _burnDebt(address borrower, uint256 borrowShares, uint256 repaid, uint256 index) private {
        LendingPoolStorage storage $ = _storage();
        Borrower storage account = $.borrowers[borrower];
        uint256 totalSharesAfter = $.totalBorrowShares - borrowShares;
        account.borrowShares = uint128(account.borrowShares - borrowShares);
        $.totalBorrowShares = uint112(totalSharesAfter);
        $.cash = (uint256($.cash) + repaid).toUint112();
        emit Repay(borrower, msg.sender, repaid, borrowShares, totalSharesAfter.mulWadUp(index));
        IERC20(_assetToken).safeTransferFrom(msg.sender, address(this), repaid);
    }

    // ---------------------------------------------------------------- interest

    /// @notice Brings interest up to this block. Every entry point calls it; anyone may.
    function accrueInterest() external nonReentrant {
        _accrueInterest();
    }

    /// @dev Brings the stored state up to this block and returns the lenders' assets (totalAssets) after it.
    ///      With no debt outstanding nothing accrues and nothing is written; borrow() restarts the clock.
    function _accrueInterest() internal returns (uint256 totalAssets_) {
        (uint256 cash_, uint256 borrows, uint256 reserves_, uint256 index, uint256 interest, bool accruing) =
            _pendingState();
        totalAssets_ = _lenderAssets(cash_, borrows, reserves_);
        if (!accruing) return totalAssets_;
        LendingPoolStorage storage $ = _storage();
        $.lastAccrualTime = uint32(block.timestamp);
        $.borrowIndex = index.toUint112();
        $.reserves = reserves_.toUint112();
        emit AccrueInterest(interest, index, borrows);
    }

    /// @dev What belongs to lenders: cash + borrows - reserves. Reserves exceed the rest only after bad debt.
    function _lenderAssets(uint256 cash_, uint256 borrows, uint256 reserves_) private pure returns (uint256) {
        return cash_ + borrows > reserves_ ? cash_ + borrows - reserves_ : 0;
    }

    /// @dev The pool's state as of this block: stored state plus interest pending since the last accrual.
    ///      The one place the accrual formula lives, used by the views and by _accrueInterest.
    ///      index' = index * (1 + rate * elapsed), rounded up; the reserve takes its share of the interest, rounded down.
    ///      `accruing` is whether there is debt and time has passed since the last accrual.
    function _pendingState()
        internal
        view
        returns (uint256 cash_, uint256 borrows, uint256 reserves_, uint256 index, uint256 interest, bool accruing)
    {
        LendingPoolStorage storage $ = _storage();
        cash_ = $.cash;
        reserves_ = $.reserves;
        index = $.borrowIndex;
        uint256 shares = $.totalBorrowShares;
        borrows = shares.mulWadUp(index);
        uint256 elapsed = block.timestamp - $.lastAccrualTime;
        // Only ask the rate model when interest is pending: it is an external call on every deposit's path.
        if (shares == 0 || elapsed == 0) return (cash_, borrows, reserves_, index, 0, false);
        uint256 ratePerSecond = $.interestRateModel.borrowRatePerSecond(cash_, borrows, reserves_);
        index += index.mulWadUp(ratePerSecond * elapsed);
        uint256 borrowsAfter = shares.mulWadUp(index);
        interest = borrowsAfter - borrows;
        reserves_ += (interest * $.reserveFactorBps) / PoolMath.BPS;
        return (cash_, borrowsAfter, reserves_, index, interest, true);
    }

    /// @dev _pendingState without the accrual details, for the views.
    function _currentState() internal view returns (uint256 cash_, uint256 borrows, uint256 reserves_, uint256 index) {
        (cash_, borrows, reserves_, index,,) = _pendingState();
    }

    // ---------------------------------------------------------------- admin

    /// @notice Sends `amount` of the insurance reserve to `to`, never below the reserve floor. Owner only.
    function withdrawReserves(uint256 amount, address to) external onlyOwner nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        _accrueInterest();
        LendingPoolStorage storage $ = _storage();
        uint256 reserves_ = $.reserves;
        uint256 floor = $.reserveFloor;
        if (amount > reserves_ || reserves_ - amount < floor) {
            revert ReserveFloorBreached(amount > reserves_ ? 0 : reserves_ - amount, floor);
        }
        _requireCash(amount);
        $.reserves = uint112(reserves_ - amount);
        $.cash -= uint112(amount);
        emit ReservesWithdrawn(to, amount, reserves_ - amount);
        IERC20(_assetToken).safeTransfer(to, amount);
    }

    /// @notice Sets the share of interest that goes to the insurance reserve. Owner only.
    function setReserveFactor(uint16 newReserveFactorBps) external onlyOwner {
        if (newReserveFactorBps > MAX_RESERVE_FACTOR_BPS) {
            revert ReserveFactorTooHigh(newReserveFactorBps, MAX_RESERVE_FACTOR_BPS);
        }
        _accrueInterest();
        LendingPoolStorage storage $ = _storage();
        emit ReserveFactorUpdated($.reserveFactorBps, newReserveFactorBps);
        $.reserveFactorBps = newReserveFactorBps;
    }

    /// @notice Sets the reserve level that withdrawReserves may not go below. Owner only.
    function setReserveFloor(uint256 newReserveFloor) external onlyOwner {
        LendingPoolStorage storage $ = _storage();
        emit ReserveFloorUpdated($.reserveFloor, newReserveFloor);
        $.reserveFloor = newReserveFloor;
    }

    /// @notice Switches the pool to another rate model; interest so far accrues at the old one. Owner only.
    function setInterestRateModel(IInterestRateModel newModel) external onlyOwner {
        if (address(newModel) == address(0)) revert ZeroAddress();
        _accrueInterest();
        LendingPoolStorage storage $ = _storage();
        emit InterestRateModelUpdated(address($.interestRateModel), address(newModel));
        $.interestRateModel = newModel;
    }

    /// @notice Whitelists `borrower` up to `creditLimit` of debt; zero stops new borrowing (repaying still works).
    ///         Owner only.
    function setCreditLimit(address borrower, uint256 creditLimit) external onlyOwner {
        if (borrower == address(0)) revert ZeroAddress();
        Borrower storage account = _storage().borrowers[borrower];
        emit CreditLimitUpdated(borrower, account.creditLimit, creditLimit);
        account.creditLimit = creditLimit.toUint128();
    }

    /// @notice Sets the most the reserve pays a liquidator per write-off of bad debt (asset units). What it pays is
    ///         LIQUIDATION_INCENTIVE_BPS of the bad debt cleared, up to this cap, only from the reserve above its
    ///         floor after absorbing the loss. Owner only.
    /// @param newIncentive The cap, in the asset's base units.
    function setLiquidationIncentive(uint256 newIncentive) external onlyOwner {
        LendingPoolStorage storage $ = _storage();
        emit LiquidationIncentiveUpdated($.liquidationIncentive, newIncentive);
        $.liquidationIncentive = newIncentive;
    }

    /// @notice The most the reserve pays a liquidator per write-off of bad debt (asset units); see writeOffBadDebt.
    function liquidationIncentive() external view returns (uint256) {
        return _storage().liquidationIncentive;
    }

    /// @notice Names the guardian, who may pause deposits and borrows. Owner only.
    function setGuardian(address newGuardian) external onlyOwner {
        LendingPoolStorage storage $ = _storage();
        emit GuardianUpdated($.guardian, newGuardian);
        $.guardian = newGuardian;
    }

    /// @notice Pauses or resumes deposits and borrows. The guardian may only pause; the owner may do both.
    /// @dev Withdrawals and repayments are never paused: lenders can always leave, borrowers can always pay.
    function setPaused(bool depositsPaused_, bool borrowsPaused_) external {
        LendingPoolStorage storage $ = _storage();
        bool isOwner = msg.sender == owner();
        bool unpausing = ($.depositsPaused && !depositsPaused_) || ($.borrowsPaused && !borrowsPaused_);
        if (!isOwner && (msg.sender != $.guardian || unpausing)) revert NotGuardian(msg.sender);
        $.depositsPaused = depositsPaused_;
        $.borrowsPaused = borrowsPaused_;
        emit PauseUpdated(depositsPaused_, borrowsPaused_);
    }

    // ---------------------------------------------------------------- views

    /// @notice Tokens the pool holds for lending and withdrawals (reserves included).
    function cash() external view returns (uint256) {
        return _storage().cash;
    }

    /// @notice Total debt owed by borrowers as of this block.
    function totalBorrows() external view returns (uint256 borrows) {
        (, borrows,,) = _currentState();
    }

    /// @notice The insurance reserve as of this block.
    function reserves() external view returns (uint256 reserves_) {
        (,, reserves_,) = _currentState();
    }

    /// @notice The borrow index as of this block (WAD, starts at 1e18).
    function borrowIndex() external view returns (uint256 index) {
        (,,, index) = _currentState();
    }

    /// @notice Borrowed share of lendable assets (WAD).
    function utilization() public view returns (uint256) {
        (uint256 cash_, uint256 borrows, uint256 reserves_,) = _currentState();
        return PoolMath.utilization(cash_, borrows, reserves_);
    }

    /// @notice Current borrow rate per second (WAD).
    function borrowRatePerSecond() public view returns (uint256) {
        LendingPoolStorage storage $ = _storage();
        (uint256 cash_, uint256 borrows, uint256 reserves_,) = _currentState();
        return $.interestRateModel.borrowRatePerSecond(cash_, borrows, reserves_);
    }

    /// @notice Current supply rate per second (WAD): borrow rate x utilization x (1 - reserve factor), rounded down.
    function supplyRatePerSecond() public view returns (uint256) {
        LendingPoolStorage storage $ = _storage();
        (uint256 cash_, uint256 borrows, uint256 reserves_,) = _currentState();
        uint256 borrowRate = $.interestRateModel.borrowRatePerSecond(cash_, borrows, reserves_);
        uint256 utilization_ = PoolMath.utilization(cash_, borrows, reserves_);
        return (borrowRate.mulWadDown(utilization_) * (PoolMath.BPS - $.reserveFactorBps)) / PoolMath.BPS;
    }

    /// @notice Current borrow APR (WAD): the per-second rate times a 365-day year, not compounded.
    function borrowRatePerYear() external view returns (uint256) {
        return borrowRatePerSecond() * PoolMath.SECONDS_PER_YEAR;
    }

    /// @notice Current supply APR (WAD): the per-second rate times a 365-day year, not compounded.
    function supplyRatePerYear() external view returns (uint256) {
        return supplyRatePerSecond() * PoolMath.SECONDS_PER_YEAR;
    }

    /// @notice Underlying value of one whole fToken (10**decimals shares), rounded down.
    function exchangeRate() external view returns (uint256) {
        return convertToAssets(10 ** decimals());
    }

    /// @notice A lender's fTokens valued in the underlying asset, rounded down.
    function balanceOfUnderlying(address account) external view returns (uint256) {
        return convertToAssets(balanceOf(account));
    }

    /// @notice What `borrower` owes as of this block, rounded up.
    function borrowBalance(address borrower) external view returns (uint256) {
        (,,, uint256 index) = _currentState();
        return uint256(_storage().borrowers[borrower].borrowShares).mulWadUp(index);
    }

    /// @notice `borrower`'s debt shares and credit limit.
    function borrowerAccount(address borrower) external view returns (uint256 borrowShares, uint256 creditLimit) {
        Borrower storage account = _storage().borrowers[borrower];
        return (account.borrowShares, account.creditLimit);
    }

    /// @notice Sum of all borrowers' debt shares.
    function totalBorrowShares() external view returns (uint256) {
        return _storage().totalBorrowShares;
    }

    /// @notice The pool's configuration in one call.
    function configuration()
        external
        view
        returns (
            address interestRateModel,
            uint256 reserveFactorBps,
            uint256 reserveFloor,
            address guardian,
            bool depositsPaused,
            bool borrowsPaused,
            uint256 lastAccrualTime
        )
    {
        LendingPoolStorage storage $ = _storage();
        return (
            address($.interestRateModel),
            $.reserveFactorBps,
            $.reserveFloor,
            $.guardian,
            $.depositsPaused,
            $.borrowsPaused,
            $.lastAccrualTime
        );
    }

    // ---------------------------------------------------------------- internals

    function _requireDepositsOpen(uint256 amount) private view {
        if (amount == 0) revert ZeroAmount();
        if (_storage().depositsPaused) revert DepositsPaused();
    }

    /// @dev The one share/asset conversion, used by the entry points (with totalAssets from the accrual they just
    ///      ran) and, through the overrides below, by every ERC-4626 view. OpenZeppelin's virtual share and asset
    ///      (offset 0) keep an empty pool's first price at 1:1.
    function _toShares(uint256 assets, uint256 totalAssets_, Math.Rounding rounding) private view returns (uint256) {
        return assets.mulDiv(totalSupply() + 10 ** _decimalsOffset(), totalAssets_ + 1, rounding);
    }

    function _toAssets(uint256 shares, uint256 totalAssets_, Math.Rounding rounding) private view returns (uint256) {
        return shares.mulDiv(totalAssets_ + 1, totalSupply() + 10 ** _decimalsOffset(), rounding);
    }

    function _convertToShares(uint256 assets, Math.Rounding rounding) internal view override returns (uint256) {
        return _toShares(assets, totalAssets(), rounding);
    }

    function _convertToAssets(uint256 shares, Math.Rounding rounding) internal view override returns (uint256) {
        return _toAssets(shares, totalAssets(), rounding);
    }

    /// @dev Keeps `cash` in step with the tokens that came in. Counted after the transfer and the mint, so a token
    ///      that calls back during its transfer finds the pool's views as they were before the deposit, never cash
    ///      that already counts it against shares not yet minted (read-only reentrancy).
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        super._deposit(caller, receiver, assets, shares);
        LendingPoolStorage storage $ = _storage();
        $.cash = (uint256($.cash) + assets).toUint112();
    }

    /// @dev Keeps `cash` in step with the tokens that go out.
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        _storage().cash -= uint112(assets); // fits: _requireCash ran
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    function _requireCash(uint256 amount) private view {
        uint256 available = _storage().cash;
        if (amount > available) revert InsufficientCash(amount, available);
    }

    /// @dev Owner only, and never to an implementation built for another asset.
    function _authorizeUpgrade(address newImplementation) internal view override onlyOwner {
        address newAsset = LendingPool(newImplementation).asset();
        if (newAsset != address(_assetToken)) revert UpgradeChangesAsset(address(_assetToken), newAsset);
    }

    function _storage() private pure returns (LendingPoolStorage storage $) {
        assembly {
            $.slot := LENDING_POOL_STORAGE_LOCATION
        }
    }
}

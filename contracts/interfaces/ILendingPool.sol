// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ILendingPool
/// @notice What a borrower (a leveraged vault) and the vault lens ask of a Flux core lending pool.
interface ILendingPool {
    /// @notice The token the pool lends.
    function asset() external view returns (address);

    /// @notice Borrows `amount` to the caller, a whitelisted borrower; returns the debt shares minted (rounded up).
    function borrow(uint256 amount) external returns (uint256 borrowShares);

    /// @notice Repays exactly `borrowShares` of the caller's own debt shares for what they are worth now, rounded
    ///         up. Only the borrower itself may repay its debt.
    function repayShares(address borrower, uint256 borrowShares) external returns (uint256 repaid);

    /// @notice Writes off `borrowShares` of the caller's own debt that cannot be repaid: the insurance reserve
    ///         absorbs it first, lenders the rest. Then the reserve pays `incentiveRecipient` a share of the bad
    ///         debt cleared (capped per write-off, only from the reserve above its floor, never lenders' money), so
    ///         clearing real bad debt pays and clearing dust does not.
    /// @return amount The debt written off.
    /// @return coveredByReserves The part of it the insurance reserve absorbed.
    /// @return incentive What the reserve paid `incentiveRecipient`.
    function writeOffBadDebt(uint256 borrowShares, address incentiveRecipient)
        external
        returns (uint256 amount, uint256 coveredByReserves, uint256 incentive);

    /// @notice The borrow index as of this block (WAD, starts at 1e18): a debt share is worth this much.
    function borrowIndex() external view returns (uint256);

    /// @notice What `borrower` owes as of this block, rounded up.
    function borrowBalance(address borrower) external view returns (uint256);

    /// @notice `borrower`'s debt shares and credit limit.
    function borrowerAccount(address borrower) external view returns (uint256 borrowShares, uint256 creditLimit);

    /// @notice Tokens the pool holds for lending and withdrawals (reserves included).
    function cash() external view returns (uint256);

    /// @notice Total debt owed by borrowers as of this block.
    function totalBorrows() external view returns (uint256);

    /// @notice The insurance reserve as of this block.
    function reserves() external view returns (uint256);

    /// @notice Current borrow APR (WAD), not compounded.
    function borrowRatePerYear() external view returns (uint256);

    /// @notice Current supply APR (WAD), not compounded.
    function supplyRatePerYear() external view returns (uint256);

    /// @notice Borrowed share of lendable assets (WAD).
    function utilization() external view returns (uint256);

    /// @notice The pool's settings: rate model, reserve factor and floor, guardian, pause flags, last accrual.
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
        );
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IInterestRateModel
/// @notice What a lending pool asks of its interest rate model. Models are swappable per pool.
interface IInterestRateModel {
    /// @notice The borrow rate per second (WAD) for a pool in the given state.
    /// @param cash Tokens the pool holds (including reserves).
    /// @param borrows Tokens owed to the pool by borrowers, interest included.
    /// @param reserves The part of the pool's assets that belongs to its insurance reserve.
    function borrowRatePerSecond(uint256 cash, uint256 borrows, uint256 reserves) external view returns (uint256);

    /// @notice The annual borrow rate (WAD) at a given utilization (WAD), for drawing the rate curve.
    function borrowRatePerYearAtUtilization(uint256 utilization) external view returns (uint256);
}

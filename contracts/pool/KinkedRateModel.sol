// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IInterestRateModel} from "../interfaces/IInterestRateModel.sol";
import {PoolMath} from "../libraries/PoolMath.sol";

/// @title KinkedRateModel
/// @notice Utilization-based borrow rate with one kink: it rises gently from the base rate to the rate at the
///         optimal utilization, then steeply to the rate at full utilization, pushing utilization back down.
/// @dev Immutable by design: a pool changes its rates by pointing at a new model, so a model never changes
///      under a pool without an event on the pool.
contract KinkedRateModel is IInterestRateModel {
    /// @notice Rates above this many WAD per year (1000%) are rejected as a misconfiguration.
    uint256 public constant MAX_RATE_PER_YEAR = 10 * PoolMath.WAD;

    /// @notice Annual borrow rate at 0% utilization (WAD).
    uint256 public immutable baseRatePerYear;
    /// @notice Annual borrow rate at the optimal utilization (WAD).
    uint256 public immutable rateAtOptimalPerYear;
    /// @notice Annual borrow rate at 100% utilization (WAD).
    uint256 public immutable rateAtFullPerYear;
    /// @notice Utilization at the kink (WAD), strictly between 0 and 100%.
    uint256 public immutable optimalUtilization;

    /// @notice The optimal utilization is not strictly between 0 and 100%.
    error OptimalUtilizationOutOfRange(uint256 optimalUtilization);
    /// @notice Rates must not fall as utilization rises: base <= at optimal <= at full.
    error RatesNotIncreasing(uint256 baseRatePerYear, uint256 rateAtOptimalPerYear, uint256 rateAtFullPerYear);
    /// @notice The rate at full utilization is above MAX_RATE_PER_YEAR.
    error RateTooHigh(uint256 rateAtFullPerYear, uint256 maximum);

    /// @param baseRatePerYear_ Annual borrow rate at 0% utilization (WAD, 0.02e18 is 2%).
    /// @param rateAtOptimalPerYear_ Annual borrow rate at the kink (WAD).
    /// @param rateAtFullPerYear_ Annual borrow rate at 100% utilization (WAD).
    /// @param optimalUtilization_ Utilization at the kink (WAD, 0.9e18 is 90%).
    constructor(
        uint256 baseRatePerYear_,
        uint256 rateAtOptimalPerYear_,
        uint256 rateAtFullPerYear_,
        uint256 optimalUtilization_
    ) {
        if (optimalUtilization_ == 0 || optimalUtilization_ >= PoolMath.WAD) {
            revert OptimalUtilizationOutOfRange(optimalUtilization_);
        }
        if (baseRatePerYear_ > rateAtOptimalPerYear_ || rateAtOptimalPerYear_ > rateAtFullPerYear_) {
            revert RatesNotIncreasing(baseRatePerYear_, rateAtOptimalPerYear_, rateAtFullPerYear_);
        }
        if (rateAtFullPerYear_ > MAX_RATE_PER_YEAR) revert RateTooHigh(rateAtFullPerYear_, MAX_RATE_PER_YEAR);
        baseRatePerYear = baseRatePerYear_;
        rateAtOptimalPerYear = rateAtOptimalPerYear_;
        rateAtFullPerYear = rateAtFullPerYear_;
        optimalUtilization = optimalUtilization_;
    }

    /// @inheritdoc IInterestRateModel
    /// @dev Rounded up to the next wei per second: the rounding goes to the lenders, never to the borrower.
    function borrowRatePerSecond(uint256 cash, uint256 borrows, uint256 reserves) external view returns (uint256) {
        uint256 ratePerYear = borrowRatePerYearAtUtilization(PoolMath.utilization(cash, borrows, reserves));
        return ratePerYear == 0 ? 0 : (ratePerYear - 1) / PoolMath.SECONDS_PER_YEAR + 1;
    }

    /// @inheritdoc IInterestRateModel
    /// @dev Linear interpolation on each side of the kink, rounded down; utilization above 100% counts as 100%.
    function borrowRatePerYearAtUtilization(uint256 utilization) public view returns (uint256) {
        if (utilization >= PoolMath.WAD) return rateAtFullPerYear;
        if (utilization <= optimalUtilization) {
            return baseRatePerYear + ((rateAtOptimalPerYear - baseRatePerYear) * utilization) / optimalUtilization;
        }
        return rateAtOptimalPerYear
            + ((rateAtFullPerYear - rateAtOptimalPerYear) * (utilization - optimalUtilization))
                / (PoolMath.WAD - optimalUtilization);
    }
}

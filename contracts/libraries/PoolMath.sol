// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PoolMath
/// @notice Fixed-point helpers shared by the lending pool and its interest rate models.
/// @dev WAD (1e18) fixed point. Every function names its rounding direction; callers pick the one
///      that favours the pool.
library PoolMath {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;
    /// @dev 365 days, the convention Compound and Aave quote APRs in.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;

    /// @notice Share of lendable assets that is borrowed: borrows / (cash + borrows - reserves), WAD, rounded down.
    /// @dev Capped at 100%: reserves can be lent out, so cash - reserves may go negative.
    function utilization(uint256 cash, uint256 borrows, uint256 reserves) internal pure returns (uint256) {
        if (borrows == 0) return 0;
        uint256 assets = cash + borrows;
        if (assets <= reserves + borrows) return WAD;
        return (borrows * WAD) / (assets - reserves);
    }

    /// @notice x * y / WAD, rounded down.
    function mulWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return (x * y) / WAD;
    }

    /// @notice x * y / WAD, rounded up.
    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        uint256 product = x * y;
        return product == 0 ? 0 : (product - 1) / WAD + 1;
    }

    /// @notice x * WAD / y, rounded down.
    function divWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return (x * WAD) / y;
    }

    /// @notice x * WAD / y, rounded up.
    function divWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        uint256 product = x * WAD;
        return product == 0 ? 0 : (product - 1) / y + 1;
    }
}

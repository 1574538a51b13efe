// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PositionMath
/// @notice Valuation and deleverage math for the leveraged vaults, in USD WAD (1e18 = $1) and basis points.
/// @dev Mirrored to the wei by lib/vaultMath.ts. Every function names its rounding; callers pick the direction that
///      favours the pools: values of collateral round down, values of debt round up.
library PositionMath {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;

    /// @notice USD value (WAD) of `amount` base units at `priceWad` per whole token, rounded down.
    function value(uint256 amount, uint256 priceWad, uint8 decimals) internal pure returns (uint256) {
        return Math.mulDiv(amount, priceWad, 10 ** decimals);
    }

    /// @notice The same, rounded up: for debts.
    function valueUp(uint256 amount, uint256 priceWad, uint8 decimals) internal pure returns (uint256) {
        return Math.mulDiv(amount, priceWad, 10 ** decimals, Math.Rounding.Ceil);
    }

    /// @notice Base units worth `valueWad` at `priceWad`, rounded down.
    function amountFor(uint256 valueWad, uint256 priceWad, uint8 decimals) internal pure returns (uint256) {
        return Math.mulDiv(valueWad, 10 ** decimals, priceWad);
    }

    /// @notice The same, rounded up.
    function amountForUp(uint256 valueWad, uint256 priceWad, uint8 decimals) internal pure returns (uint256) {
        return Math.mulDiv(valueWad, 10 ** decimals, priceWad, Math.Rounding.Ceil);
    }

    /// @notice Debt value over position value in basis points, rounded up (a position never looks healthier than it
    ///         is); type(uint256).max for debt against nothing, zero without debt.
    function debtRatioBps(uint256 debtValueWad, uint256 valueWad) internal pure returns (uint256) {
        if (debtValueWad == 0) return 0;
        if (valueWad == 0) return type(uint256).max;
        return Math.mulDiv(debtValueWad, BPS, valueWad, Math.Rounding.Ceil);
    }

    /// @notice The LP shares of a position (`shares` in all) to unwind so that, after the unwound value less
    ///         `rewardBps` of it (the bounty or the executor's fee) repays debt, the debt ratio is `targetBps`.
    ///         With D the debt, V the value, t the target and b the reward, unwinding a fraction f and repaying
    ///         f * V * (1 - b) leaves (D - f V (1 - b)) / ((1 - f) V) = t, so f = (D - t V) / (V (1 - b - t)).
    ///         Rounded up (a little more is unwound, never less). type(uint256).max when no part of the position can
    ///         reach the target: 1 - b - t <= 0, or the debt ratio is already at or below it.
    function sharesToReachTarget(uint256 shares, uint256 valueWad, uint256 debtValueWad, uint256 targetBps, uint256 rewardBps)
        internal
        pure
        returns (uint256)
    {
        if (targetBps + rewardBps >= BPS || valueWad == 0) return type(uint256).max;
        uint256 targetDebt = valueWad * targetBps;
        if (debtValueWad * BPS <= targetDebt) return type(uint256).max;
        return Math.mulDiv(shares, debtValueWad * BPS - targetDebt, valueWad * (BPS - rewardBps - targetBps), Math.Rounding.Ceil);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IPriceOracle
/// @notice What the protocol asks of its price oracle: USD prices and values, always in WAD whatever the token's or
///         the price source's decimals.
interface IPriceOracle {
    /// @notice USD price of one whole `token`, WAD (1e18 = $1).
    /// @param token The token to price.
    function priceOf(address token) external view returns (uint256);

    /// @notice USD value (WAD) of `amount` base units of `token`: amount * price / 10**decimals, rounded down.
    /// @param token The token to value.
    /// @param amount The amount, in the token's base units.
    function usdValueOf(address token, uint256 amount) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IFluxLiquidationCallee
/// @notice What a contract implements to liquidate through `ILeveragedVault.liquidateWithCallback` with no capital of
///         its own (the pattern of Morpho Blue's `onMorphoLiquidate` and of a Uniswap V2 flash swap).
interface IFluxLiquidationCallee {
    /// @notice Called by the vault on the liquidator (`msg.sender` of `liquidateWithCallback`) after it has been sent
    ///         `lp` LP tokens of the vault's pair and before the vault takes `owed0` of token 0 and `owed1` of token 1
    ///         from it with `transferFrom`. The callee must hold and have approved at least those amounts when it
    ///         returns, or the whole liquidation reverts. The vault's lock is held: every vault entry point refuses.
    /// @param positionId The position being liquidated.
    /// @param lp LP tokens of the vault's pair just sent to the callee.
    /// @param owed0 Token 0 the vault takes on return.
    /// @param owed1 Token 1 the vault takes on return.
    /// @param data Passed through unchanged from `liquidateWithCallback`.
    function onFluxLiquidation(uint256 positionId, uint256 lp, uint256 owed0, uint256 owed1, bytes calldata data) external;
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {IFluxLiquidationCallee} from "../interfaces/IFluxLiquidationCallee.sol";
import {ILeveragedVault} from "../interfaces/ILeveragedVault.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";

/// @title FlashLiquidator
/// @notice Liquidates a leveraged-vault position for a caller that holds none of the pair's tokens: it calls the
///         vault's `liquidateWithCallback`, burns the LP it is sent in the vault's own pair, buys what the repayment
///         lacks in one token with the other in that pair, lets the vault take the repayment, and sends everything
///         left (the bounty and any pool incentive) to the caller's recipient. Holds nothing between transactions
///         and has no owner: anyone may use it, and nobody can take anything from it.
contract FlashLiquidator is IFluxLiquidationCallee {
    using SafeERC20 for IERC20;

    /// @notice The callback came from `caller`, which is not the vault this contract is liquidating right now.
    error NotInLiquidation(address caller);
    /// @notice A liquidation is already running through this contract (a callback tried to start another).
    error LiquidationInProgress();
    /// @notice Burning the LP and swapping the surplus leaves `available` of `token`, less than the `owed` the vault
    ///         takes: the pair is too far from the oracle for a capital-free liquidation now.
    error CannotRepay(address token, uint256 owed, uint256 available);
    /// @notice The liquidation would leave the recipient less than it asked for (USD is the caller's own measure, so
    ///         this checks token amounts).
    error ProfitTooLow(uint256 amount0, uint256 minAmount0, uint256 amount1, uint256 minAmount1);

    /// @notice `caller` liquidated position `positionId` of `vault` through this contract; `to` received `amount0`
    ///         of the pair's token 0 and `amount1` of token 1 (bounty, unspent surplus and any pool incentive).
    event FlashLiquidated(
        address indexed vault, uint256 indexed positionId, address indexed caller, address to, uint256 amount0, uint256 amount1
    );

    /// @dev The vault being liquidated, for the length of one `liquidate` call only.
    address private transient _activeVault;

    /// @notice Liquidates `positionId` of `vault` with no capital and sends what is left to `to`.
    /// @param vault The leveraged vault.
    /// @param positionId The position past the kill factor.
    /// @param to Who receives the proceeds.
    /// @param minAmount0 The least of token 0 `to` must receive, or everything reverts.
    /// @param minAmount1 The least of token 1 `to` must receive, or everything reverts.
    /// @return amount0 Token 0 sent to `to`.
    /// @return amount1 Token 1 sent to `to`.
    function liquidate(ILeveragedVault vault, uint256 positionId, address to, uint256 minAmount0, uint256 minAmount1)
        external
        returns (uint256 amount0, uint256 amount1)
    {
        if (_activeVault != address(0)) revert LiquidationInProgress();
        _activeVault = address(vault);
        vault.liquidateWithCallback(positionId, "");
        _activeVault = address(0);
        (IERC20 token0, IERC20 token1) = (vault.token0(), vault.token1());
        amount0 = token0.balanceOf(address(this));
        amount1 = token1.balanceOf(address(this));
        if (amount0 < minAmount0 || amount1 < minAmount1) revert ProfitTooLow(amount0, minAmount0, amount1, minAmount1);
        if (amount0 > 0) token0.safeTransfer(to, amount0);
        if (amount1 > 0) token1.safeTransfer(to, amount1);
        emit FlashLiquidated(address(vault), positionId, msg.sender, to, amount0, amount1);
    }

    /// @inheritdoc IFluxLiquidationCallee
    /// @dev Only the vault this contract is liquidating may call it, and only during that call.
    function onFluxLiquidation(uint256, uint256 lp, uint256 owed0, uint256 owed1, bytes calldata) external {
        if (msg.sender != _activeVault || msg.sender == address(0)) revert NotInLiquidation(msg.sender);
        ILeveragedVault vault = ILeveragedVault(msg.sender);
        IUniswapV2Pair pair = vault.pair();
        (IERC20 token0, IERC20 token1) = (vault.token0(), vault.token1());
        IERC20(address(pair)).safeTransfer(address(pair), lp);
        pair.burn(address(this));
        uint256 balance0 = token0.balanceOf(address(this));
        uint256 balance1 = token1.balanceOf(address(this));
        if (balance0 < owed0 && balance1 > owed1) {
            balance1 -= _buy(pair, token1, true, owed0 - balance0, balance1 - owed1);
            balance0 = owed0;
        } else if (balance1 < owed1 && balance0 > owed0) {
            balance0 -= _buy(pair, token0, false, owed1 - balance1, balance0 - owed0);
            balance1 = owed1;
        }
        if (balance0 < owed0) revert CannotRepay(address(token0), owed0, balance0);
        if (balance1 < owed1) revert CannotRepay(address(token1), owed1, balance1);
        token0.forceApprove(msg.sender, owed0);
        token1.forceApprove(msg.sender, owed1);
    }

    /// @dev Buys exactly `amountOut` of the pair's token 0 (`buyToken0`) or token 1 with at most `spendable` of the
    ///      other, `tokenIn`; returns what it spent.
    function _buy(IUniswapV2Pair pair, IERC20 tokenIn, bool buyToken0, uint256 amountOut, uint256 spendable)
        private
        returns (uint256 amountIn)
    {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = buyToken0 ? (uint256(reserve1), uint256(reserve0)) : (uint256(reserve0), uint256(reserve1));
        if (amountOut >= reserveOut) revert CannotRepay(buyToken0 ? pair.token0() : pair.token1(), amountOut, reserveOut);
        amountIn = LiquidityMath.getAmountIn(amountOut, reserveIn, reserveOut);
        if (amountIn > spendable) revert CannotRepay(address(tokenIn), amountIn, spendable);
        tokenIn.safeTransfer(address(pair), amountIn);
        if (buyToken0) pair.swap(amountOut, 0, address(this), "");
        else pair.swap(0, amountOut, address(this), "");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";

/// @title PriceManipulator
/// @notice Test attacker: in one transaction, dumps a large amount into a pair (as a flash loan would), calls the
///         vault while the spot price is skewed, then swaps back. Used to show the vault's oracle-based guards hold.
contract PriceManipulator {
    /// @notice Swaps `amountIn` of `tokenIn` (held by this contract) into `pair`, calls `target` with `data`
    ///         (bubbling up its revert), then swaps everything received back.
    function manipulateAndCall(IUniswapV2Pair pair, IERC20 tokenIn, uint256 amountIn, address target, bytes calldata data)
        external
    {
        bool zeroForOne = pair.token0() == address(tokenIn);
        IERC20 tokenOut = IERC20(zeroForOne ? pair.token1() : pair.token0());
        uint256 received = _swap(pair, zeroForOne, tokenIn, amountIn);
        // The attacker calls whatever vault function it is given.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        _swap(pair, !zeroForOne, tokenOut, received);
    }

    /// @notice Approves `spender` for `token`, so this contract can act as a farmer.
    function approve(IERC20 token, address spender) external {
        token.approve(spender, type(uint256).max);
    }

    function _swap(IUniswapV2Pair pair, bool zeroForOne, IERC20 tokenIn, uint256 amountIn) private returns (uint256 out) {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        out = zeroForOne
            ? LiquidityMath.getAmountOut(amountIn, reserve0, reserve1)
            : LiquidityMath.getAmountOut(amountIn, reserve1, reserve0);
        tokenIn.transfer(address(pair), amountIn);
        if (zeroForOne) pair.swap(0, out, address(this), "");
        else pair.swap(out, 0, address(this), "");
    }
}

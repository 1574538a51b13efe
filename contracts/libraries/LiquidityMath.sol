// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LiquidityMath
/// @notice Uniswap V2 pair math for the leveraged vaults: swap quotes, the one-sided zap, and the fair LP price.
/// @dev Mirrored to the wei by lib/vaultMath.ts. Every function names its rounding.
library LiquidityMath {
    /// @notice Output of swapping `amountIn` into a pair with the given reserves (0.3% fee), rounded down,
    ///         exactly as UniswapV2Library.getAmountOut.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) internal pure returns (uint256) {
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    /// @notice Input needed to receive `amountOut` (0.3% fee), rounded up, exactly as UniswapV2Library.getAmountIn.
    function getAmountIn(uint256 amountOut, uint256 reserveIn, uint256 reserveOut) internal pure returns (uint256) {
        return (reserveIn * amountOut * 1000) / ((reserveOut - amountOut) * 997) + 1;
    }

    /// @notice The largest amount whose sale into the pair returns at least `rateNum / rateDen` of the other token
    ///         per unit sold (0.3% fee included), rounded down; zero when even a tiny sale returns less.
    /// @dev getAmountOut(x) >= x * q  <=>  997 * reserveOut >= q * (1000 * reserveIn + 997 * x)
    ///      <=>  x <= reserveOut / q - 1000 * reserveIn / 997. The first term rounds down and the second up, so the
    ///      bound never admits a sale that falls short of the rate by more than getAmountOut's own rounding.
    function maxSaleAtRate(uint256 reserveIn, uint256 reserveOut, uint256 rateNum, uint256 rateDen)
        internal
        pure
        returns (uint256)
    {
        uint256 atRate = Math.mulDiv(reserveOut, rateDen, rateNum);
        uint256 inFee = Math.ceilDiv(reserveIn * 1000, 997);
        return atRate > inFee ? atRate - inFee : 0;
    }

    /// @notice The largest sale after which the pair's spot (reserveOut / reserveIn after it) is still at least
    ///         `rateNum / rateDen`, rounded down; zero when the spot is already at or below it.
    /// @dev Without the fee the reserves after a sale x keep the product k, so the spot after is k / (reserveIn + x)^2;
    ///      the fee only raises reserveOut after the sale. So x <= sqrt(k * rateDen / rateNum) - reserveIn (the root
    ///      rounded down) never walks the spot below the rate.
    function maxSaleToSpot(uint256 reserveIn, uint256 reserveOut, uint256 rateNum, uint256 rateDen)
        internal
        pure
        returns (uint256)
    {
        uint256 limit = Math.sqrt(Math.mulDiv(reserveIn * reserveOut, rateDen, rateNum));
        return limit > reserveIn ? limit - reserveIn : 0;
    }

    /// @notice How much of the token in excess to swap so the two amounts match the pair's ratio afterwards and
    ///         add as liquidity with no leftover beyond rounding (Alpha Homora V2's closed form, 0.3% fee).
    /// @return swapAmount Amount of the token in excess to swap, rounded down.
    /// @return swapAToB Whether the excess is token A.
    function optimalSwapAmount(uint256 amountA, uint256 amountB, uint256 reserveA, uint256 reserveB)
        internal
        pure
        returns (uint256 swapAmount, bool swapAToB)
    {
        if (amountA * reserveB >= amountB * reserveA) {
            return (_optimalDepositA(amountA, amountB, reserveA, reserveB), true);
        }
        return (_optimalDepositA(amountB, amountA, reserveB, reserveA), false);
    }

    /// @dev Solves for the swap s of token A that leaves (amountA - s) : (amountB + out(s)) equal to the reserves'
    ///      ratio after the swap. Requires amountA * reserveB >= amountB * reserveA.
    function _optimalDepositA(uint256 amountA, uint256 amountB, uint256 reserveA, uint256 reserveB)
        private
        pure
        returns (uint256)
    {
        uint256 a = 997;
        uint256 b = 1997 * reserveA;
        uint256 excess = amountA * reserveB - amountB * reserveA;
        uint256 c = ((excess * 1000) / (amountB + reserveB)) * reserveA;
        uint256 d = a * c * 4;
        uint256 e = Math.sqrt(b * b + d);
        return (e - b) / (2 * a);
    }

    /// @notice USD price (WAD) of one whole LP token (18 decimals) that a flash loan cannot move:
    ///         2 * sqrt(r0 * r1) * sqrt(p0 * p1) / totalSupply, reserves normalised to 18 decimals, rounded down.
    /// @dev sqrt(r0 * r1) is the pair's invariant, which a swap cannot lower; the prices come from the oracle.
    function fairLpPriceWad(
        uint256 reserve0,
        uint256 reserve1,
        uint256 totalSupply,
        uint256 price0Wad,
        uint256 price1Wad,
        uint8 decimals0,
        uint8 decimals1
    ) internal pure returns (uint256) {
        uint256 normalized0 = reserve0 * 10 ** (18 - decimals0);
        uint256 normalized1 = reserve1 * 10 ** (18 - decimals1);
        return (2 * Math.sqrt(normalized0 * normalized1) * Math.sqrt(price0Wad * price1Wad)) / totalSupply;
    }
}

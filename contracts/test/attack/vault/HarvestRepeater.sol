// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";
import {ILeveragedVault} from "../../../interfaces/ILeveragedVault.sol";
import {VaultAttacker} from "./VaultAttacker.sol";

/// @title HarvestRepeater
/// @notice Test attacker for the harvest: optionally dumps the reward token into its pair, calls `harvest` many times
///         (in this one transaction, or one call per transaction across blocks), then buys the reward token back up to
///         a target price, keeping the cheap rewards the harvests sold. Everything it holds goes back to its deployer
///         (VaultAttacker's owner, swap and sweep).
contract HarvestRepeater is VaultAttacker {
    /// @notice How many of the last batch's harvest calls succeeded, and how many sold something.
    uint256 public lastSucceeded;
    uint256 public lastSold;

    /// @notice Sells `amount` of `reward` (held here) into `pair`.
    function dump(IUniswapV2Pair pair, IERC20 reward, uint256 amount) public onlyOwner {
        if (amount > 0) _swap(pair, pair.token0() == address(reward), reward, amount);
    }

    /// @notice Calls `vault.harvest(minAmountOut)` `calls` times, carrying on past a refusal.
    function harvestMany(ILeveragedVault vault, uint256 calls, uint256 minAmountOut) public onlyOwner {
        (lastSucceeded, lastSold) = (0, 0);
        for (uint256 i; i < calls; ++i) {
            try vault.harvest(minAmountOut) returns (uint256 lp) {
                ++lastSucceeded;
                if (lp > 0) ++lastSold;
            } catch {} // solhint-disable-line no-empty-blocks
        }
    }

    /// @notice Buys `reward` back with the other token (held here) until the pair's spot is `targetOtherPerRewardWad`
    ///         (other base units per reward base unit, WAD), then sends `reward` and `other` to the owner.
    function buyBack(IUniswapV2Pair pair, IERC20 reward, IERC20 other, uint256 targetOtherPerRewardWad) public onlyOwner {
        bool rewardIsToken0 = pair.token0() == address(reward);
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveReward, uint256 reserveOther) = rewardIsToken0 ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        // The other token's reserve at the target with the same product, and the input (fee included) to reach it.
        uint256 targetOther = Math.sqrt(Math.mulDiv(reserveReward * reserveOther, targetOtherPerRewardWad, 1e18));
        if (targetOther > reserveOther) {
            uint256 amountIn = ((targetOther - reserveOther) * 1000) / 997;
            uint256 held = other.balanceOf(address(this));
            if (amountIn > held) amountIn = held;
            if (amountIn > 0) _swap(pair, !rewardIsToken0, other, amountIn);
        }
        _sweep(reward);
        _sweep(other);
    }

    /// @notice All in one transaction: dump, `calls` harvests, buy back.
    function run(
        IUniswapV2Pair pair,
        IERC20 reward,
        IERC20 other,
        uint256 dumpAmount,
        ILeveragedVault vault,
        uint256 calls,
        uint256 minAmountOut,
        uint256 targetOtherPerRewardWad
    ) external onlyOwner {
        dump(pair, reward, dumpAmount);
        harvestMany(vault, calls, minAmountOut);
        buyBack(pair, reward, other, targetOtherPerRewardWad);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {VaultState} from "./VaultState.sol";

/// @title VaultHarvest
/// @notice The leveraged vault's harvest module: claims the farm's rewards, sells them within bounds and compounds the
///         proceeds into LP shared by every position. Reached only through the vault, which delegatecalls it.
abstract contract VaultHarvest is VaultState {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice See ILeveragedVault.
    /// @dev Rewards too few for the zap to mint any LP are left for a later harvest (it returns zero).
    /// @dev Sells at most `harvestMaxSaleBps` of the reward pair's reward reserve, and no more than sells at the
    ///      oracle price less `harvestSlippageBps`; the rest is carried to the next harvest, so no donation and no gap
    ///      between harvests can stop compounding. The sale must also return at least `minAmountOut`.
    function harvest(uint256 minAmountOut) external nonReentrant returns (uint256 lpAdded) {
        VaultStorage storage $ = _storage();
        // With no position holding shares, compounded LP would belong to nobody: leave the rewards for the next.
        if ($.totalLpShares == 0) return 0;
        _claimFarmRewards();
        (uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1) = _checkedPrices();
        HarvestPlan memory plan = _harvestPlan(price0, price1, 0, reserve0, reserve1);
        if (plan.rewardAvailable == 0) return 0;
        if (plan.rewardToSell == 0) {
            // Either the reward pair is below the oracle floor (say so), or there is too little to compound yet.
            (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
            (uint256 reserveIn, uint256 reserveOut) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
            uint256 spotRate = Math.mulDiv(reserveOut, WAD, reserveIn);
            uint256 floorRate = _harvestFloorRateWad(price0, price1);
            if (spotRate * 997 <= floorRate * 1000) revert HarvestNothingSellable(plan.rewardAvailable, spotRate, floorRate);
            return 0;
        }
        uint256 minOut = Math.max(plan.minAmountOut, minAmountOut);
        if (plan.amountOut < minOut) revert HarvestSlippageExceeded(plan.amountOut, minOut);
        rewardToken.safeTransfer(address(rewardPair), plan.rewardToSell);
        if (_rewardIsToken0InRewardPair) rewardPair.swap(0, plan.amountOut, address(this), "");
        else rewardPair.swap(plan.amountOut, 0, address(this), "");

        lpAdded = _rewardBuysToken0 ? _zapAndStake(plan.amountOut, 0) : _zapAndStake(0, plan.amountOut);
        uint256 totalLp = $.totalLp + lpAdded;
        $.totalLp = totalLp.toUint128();
        emit Harvested(msg.sender, plan.rewardToSell, plan.rewardAvailable - plan.rewardToSell, plan.amountOut, lpAdded, totalLp);
    }

}

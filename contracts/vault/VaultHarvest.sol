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
    /// @dev Records the pairs' prices for the TWAP (so a harvest that sells nothing still advances it). Sells at
    ///      most `harvestMaxSaleBps` of the reward pair's reward reserve, judged against the feeds' rate (guarded by the
    ///      reward pair's TWAP), never its spot: no less than that less `harvestSlippageBps`, and never walking
    ///      the spot more than HARVEST_WALK_BPS below it, so repeating the harvest (in one block or across blocks)
    ///      and buying the sold rewards back costs the caller the pair's fee. Sells nothing while the TWAP is missing
    ///      (returns zero) or is more than TWAP_BAND_BPS from the feeds (PriceSourcesDisagree). The rest is carried to the next
    ///      harvest, so no donation and no gap between harvests can stop compounding. The sale must also return at
    ///      least `minAmountOut`.
    function harvest(uint256 minAmountOut) external nonReentrant returns (uint256 lpAdded) {
        lpAdded = _harvest(minAmountOut);
        _recordTwap();
    }

    function _harvest(uint256 minAmountOut) private returns (uint256 lpAdded) {
        VaultStorage storage $ = _storage();
        // With no position holding shares, compounded LP would belong to nobody: leave the rewards for the next.
        if ($.totalLpShares == 0) return 0;
        _claimFarmRewards();
        (uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1) = _checkedPrices();
        HarvestPlan memory plan = _harvestPlan(price0, price1, 0, reserve0, reserve1);
        if (plan.rewardAvailable == 0) return 0;
        if (plan.rewardToSell == 0) {
            // The TWAP is missing (this call records the first observation: return), it disagrees with the feeds,
            // the reward pair is below the floor (say so), or there is too little to compound yet.
            uint256 rewardPrice = oracle.priceOf(address(rewardToken));
            (uint256 reserveIn, uint256 reserveOut,) = _harvestReference(price0, price1);
            (uint256 feedRate, uint256 twapRate, uint256 spotRate) = _rewardRates(price0, price1, rewardPrice, reserveIn, reserveOut);
            if (twapRate == 0) return 0;
            if (_gapExceeds(twapRate, feedRate, TWAP_BAND_BPS)) revert PriceSourcesDisagree(address(rewardPair), spotRate, twapRate, feedRate, TWAP_BAND_BPS);
            uint256 floorRate = (feedRate * (BPS - HARVEST_WALK_BPS)) / BPS;
            if (spotRate <= floorRate) revert HarvestNothingSellable(plan.rewardAvailable, spotRate / 1e18, floorRate / 1e18);
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

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMasterChef} from "../../interfaces/IMasterChef.sol";
import {VaultState} from "../VaultState.sol";
import {MasterChefAdapter} from "./MasterChefAdapter.sol";

/// @title MasterChefFarm
/// @notice The farm adapter for SushiSwap's MasterChef: the vault stakes all positions' LP in one MasterChef pool as
///         one staker and compounds SUSHI. Mixed into the vault and its modules, as StakingRewardsFarm is.
/// @dev The vault's reward token must be MasterChef's SUSHI and its pair the pool's LP token (checked here).
///      MasterChef's owner can move every staked LP through its migrator: a trust assumption (see the README).
abstract contract MasterChefFarm is VaultState, MasterChefAdapter {
    /// @param chef_ The MasterChef.
    /// @param pid_ The MasterChef pool of the vault's pair.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IMasterChef chef_, uint256 pid_) MasterChefAdapter(chef_, pid_) {
        _checkMasterChefPool(address(pair), address(rewardToken));
    }

    function _stakeInFarm(uint256 lp) internal override {
        _chefStake(lp);
    }

    function _unstakeFromFarm(uint256 lp) internal override {
        _chefUnstake(lp);
    }

    function _claimFarmRewards() internal override {
        _chefHarvest();
    }

    function _pendingFarmRewards() internal view override returns (uint256) {
        return _chefPending();
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IStakingRewards} from "../../interfaces/IStakingRewards.sol";
import {VaultState} from "../VaultState.sol";

/// @title StakingRewardsFarm
/// @notice The farm adapter for Synthetix-style StakingRewards farms (as in Uniswap's liquidity-staker): the vault
///         stakes all positions' LP as one staker. Mixed into both the vault and its exit module.
abstract contract StakingRewardsFarm is VaultState {
    /// @notice The farm the vault's LP is staked in.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IStakingRewards public immutable farm;

    /// @notice The farm stakes another token or pays another reward than the vault expects.
    error FarmMismatch(address farm);

    /// @param farm_ The StakingRewards farm for the pair's LP.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IStakingRewards farm_) {
        if (farm_.stakingToken() != address(pair) || farm_.rewardsToken() != address(rewardToken)) {
            revert FarmMismatch(address(farm_));
        }
        farm = farm_;
    }

    function _stakeInFarm(uint256 lp) internal override {
        farm.stake(lp);
    }

    function _unstakeFromFarm(uint256 lp) internal override {
        farm.withdraw(lp);
    }

    function _claimFarmRewards() internal override {
        farm.getReward();
    }

    function _pendingFarmRewards() internal view override returns (uint256) {
        return farm.earned(address(this));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";
import {StakingRewardsFarm} from "./farms/StakingRewardsFarm.sol";
import {VaultHarvest} from "./VaultHarvest.sol";
import {VaultState} from "./VaultState.sol";

/// @title StakingRewardsVaultHarvest
/// @notice The harvest module of a StakingRewardsVault, with the same farm adapter. Holds nothing itself; it only ever
///         runs inside the vault through delegatecall.
contract StakingRewardsVaultHarvest is VaultHarvest, StakingRewardsFarm {
    /// @param pair_ The Uniswap V2 pair.
    /// @param pool0_ The core pool lending the pair's token 0.
    /// @param pool1_ The core pool lending the pair's token 1.
    /// @param oracle_ The price oracle.
    /// @param farm_ The StakingRewards farm for the pair's LP.
    /// @param rewardPair_ A pair of the farm's reward token with token 0 or token 1, used to sell rewards.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IUniswapV2Pair pair_,
        ILendingPool pool0_,
        ILendingPool pool1_,
        IPriceOracle oracle_,
        IStakingRewards farm_,
        IUniswapV2Pair rewardPair_
    ) VaultState(pair_, pool0_, pool1_, oracle_, IERC20(farm_.rewardsToken()), rewardPair_) StakingRewardsFarm(farm_) {}
}

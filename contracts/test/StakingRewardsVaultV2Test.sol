// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {StakingRewardsVault} from "../vault/StakingRewardsVault.sol";
import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {VaultState} from "../vault/VaultState.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";

/// @title StakingRewardsVaultV2Test
/// @notice A second vault implementation for upgrade tests: the same wiring and storage, plus a version.
/// @dev No initializer of its own: it adds no state, and the proxy it upgrades was initialized by the inherited
///      StakingRewardsVault.initialize, which initializes every parent. The plugin's missing-initializer check does
///      not follow that chain through two levels of inheritance, hence the annotation.
/// @custom:oz-upgrades-from contracts/vault/StakingRewardsVault.sol:StakingRewardsVault
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract StakingRewardsVaultV2Test is StakingRewardsVault {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IUniswapV2Pair pair_,
        ILendingPool pool0_,
        ILendingPool pool1_,
        IPriceOracle oracle_,
        IStakingRewards farm_,
        IUniswapV2Pair rewardPair_,
        VaultState entries_,
        VaultState exits_,
        VaultState harvester_
    ) StakingRewardsVault(pair_, pool0_, pool1_, oracle_, farm_, rewardPair_, entries_, exits_, harvester_) {}

    /// @notice The implementation's version.
    function version() external pure returns (string memory) {
        return "2-test";
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {LeveragedVault} from "./LeveragedVault.sol";
import {LendingPool} from "../pool/LendingPool.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";

/// @title StakingRewardsVault
/// @notice A LeveragedVault whose farm is a Synthetix-style StakingRewards contract, as in the
///         liquidity-staker package. The vault stakes all positions' LP as one staker.
contract StakingRewardsVault is LeveragedVault {
    using SafeERC20 for IERC20;

    /// @notice The farm the vault's LP is staked in.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IStakingRewards public immutable farm;

    /// @notice The farm stakes another token or pays another reward than the vault expects.
    error FarmMismatch(address farm);

    /// @param farm_ The StakingRewards farm for the pair's LP.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IUniswapV2Pair pair_,
        LendingPool pool0_,
        LendingPool pool1_,
        IPriceOracle oracle_,
        IStakingRewards farm_,
        IUniswapV2Pair rewardPair_
    ) LeveragedVault(pair_, pool0_, pool1_, oracle_, IERC20(farm_.rewardsToken()), rewardPair_) {
        if (farm_.stakingToken() != address(pair_)) revert FarmMismatch(address(farm_));
        farm = farm_;
    }

    /// @notice Sets the vault up behind its proxy.
    /// @param owner_ The admin (a TimelockController on real chains).
    /// @param guardian_ Who may pause opening and borrowing.
    /// @param risk The risk parameters.
    /// @param maxDebt0 Cap on the vault's total token 0 debt.
    /// @param maxDebt1 Cap on the vault's total token 1 debt.
    function initialize(
        address owner_,
        address guardian_,
        RiskParameters calldata risk,
        uint256 maxDebt0,
        uint256 maxDebt1
    ) public initializer {
        __LeveragedVault_init(owner_, guardian_, risk, maxDebt0, maxDebt1);
        IERC20(address(pair)).forceApprove(address(farm), type(uint256).max);
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

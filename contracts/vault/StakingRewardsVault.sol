// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";
import {StakingRewardsFarm} from "./farms/StakingRewardsFarm.sol";
import {LeveragedVault} from "./LeveragedVault.sol";
import {VaultState} from "./VaultState.sol";

/// @title StakingRewardsVault
/// @notice A LeveragedVault whose farm is a Synthetix-style StakingRewards contract. Its exit module is a
///         StakingRewardsVaultExits built with the same arguments.
contract StakingRewardsVault is LeveragedVault, StakingRewardsFarm {
    using SafeERC20 for IERC20;

    /// @param pair_ The Uniswap V2 pair.
    /// @param pool0_ The core pool lending the pair's token 0.
    /// @param pool1_ The core pool lending the pair's token 1.
    /// @param oracle_ The price oracle.
    /// @param farm_ The StakingRewards farm for the pair's LP.
    /// @param rewardPair_ A pair of the farm's reward token with token 0 or token 1, used to sell rewards.
    /// @param entries_ The entry module (StakingRewardsVaultEntries with the same wiring).
    /// @param exits_ The exit module (StakingRewardsVaultExits with the same wiring).
    /// @param harvester_ The harvest module (StakingRewardsVaultHarvest with the same wiring).
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
    )
        VaultState(pair_, pool0_, pool1_, oracle_, IERC20(farm_.rewardsToken()), rewardPair_)
        StakingRewardsFarm(farm_)
        LeveragedVault(entries_, exits_, harvester_)
    {
        // The rest of the wiring is checked by LeveragedVault; the farm is this adapter's, so it is checked here.
        _requireSameFarm(entries_, farm_);
        _requireSameFarm(exits_, farm_);
        _requireSameFarm(harvester_, farm_);
    }

    /// @notice Sets the vault up behind its proxy.
    /// @dev Public rather than external so that the upgrades plugin sees later versions inherit it.
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

    /// @dev A module that stakes in another farm (or has none) would unstake LP the vault never staked there:
    ///      WrongModule. Read with a static call so that a module without `farm()` is refused by name too.
    function _requireSameFarm(VaultState module, IStakingRewards farm_) private view {
        (bool ok, bytes memory data) = address(module).staticcall(abi.encodeWithSignature("farm()"));
        if (!ok || data.length != 32 || abi.decode(data, (address)) != address(farm_)) revert WrongModule(address(module));
    }
}

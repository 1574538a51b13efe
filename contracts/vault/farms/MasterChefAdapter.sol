// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IMasterChef} from "../../interfaces/IMasterChef.sol";

/// @title MasterChefAdapter
/// @notice The calls a vault makes to SushiSwap's MasterChef, for one pool: stake, unstake, harvest, pending reward,
///         emergency exit. Separate from VaultState so that it can be tested on its own against the real MasterChef
///         (MasterChefFarm mixes it into the vault's hooks).
/// @dev MasterChef pays the staker's pending SUSHI on every deposit and withdraw, not only on harvest: a stake or
///      an unstake moves reward from "pending in the farm" to "held by the staker", and their sum, which the vault
///      prices its shares with, does not change. Its LP accounting is exact (what is staked is what comes back).
abstract contract MasterChefAdapter {
    /// @notice The MasterChef the LP is staked in.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IMasterChef public immutable chef;
    /// @notice The MasterChef pool id of the LP.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint256 public immutable chefPid;

    /// @notice MasterChef's pool `pid` stakes `lpToken` and pays `rewardToken`, not what the caller expects.
    error MasterChefPoolMismatch(address chef, uint256 pid, address lpToken, address rewardToken);

    /// @param chef_ The MasterChef.
    /// @param pid_ The pool id of the LP in it.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IMasterChef chef_, uint256 pid_) {
        chef = chef_;
        chefPid = pid_;
    }

    /// @dev Reverts unless pool `chefPid` stakes `lpToken` and MasterChef pays `rewardToken`.
    function _checkMasterChefPool(address lpToken, address rewardToken) internal view {
        (address poolToken,,,) = chef.poolInfo(chefPid);
        address sushi = chef.sushi();
        if (poolToken != lpToken || sushi != rewardToken) revert MasterChefPoolMismatch(address(chef), chefPid, poolToken, sushi);
    }

    /// @dev Stakes `lp` LP tokens this contract holds (MasterChef must be approved); pays the pending SUSHI here.
    function _chefStake(uint256 lp) internal {
        chef.deposit(chefPid, lp);
    }

    /// @dev Unstakes `lp` LP tokens to this contract and pays the pending SUSHI here.
    function _chefUnstake(uint256 lp) internal {
        chef.withdraw(chefPid, lp);
    }

    /// @dev MasterChef's harvest: a deposit of nothing pays the pending SUSHI.
    function _chefHarvest() internal {
        chef.deposit(chefPid, 0);
    }

    /// @dev SUSHI MasterChef would pay this contract now.
    function _chefPending() internal view returns (uint256) {
        return chef.pendingSushi(chefPid, address(this));
    }

    /// @dev LP this contract has staked.
    function _chefStaked() internal view returns (uint256 lp) {
        (lp,) = chef.userInfo(chefPid, address(this));
    }

    /// @dev Takes every staked LP token back without touching rewards (which are forfeited): the way out when
    ///      MasterChef's reward arithmetic reverts. Returns the LP received.
    function _chefEmergencyExit() internal returns (uint256 lp) {
        lp = _chefStaked();
        chef.emergencyWithdraw(chefPid);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IMasterChef} from "../../interfaces/IMasterChef.sol";
import {MasterChefAdapter} from "../../vault/farms/MasterChefAdapter.sol";

/// @title MasterChefAdapterHarness
/// @notice MasterChefAdapter on its own, staking as one staker the way a vault does, so its calls can be tested
///         against the real MasterChef without a vault around them.
contract MasterChefAdapterHarness is MasterChefAdapter {
    using SafeERC20 for IERC20;

    /// @notice The LP token staked.
    IERC20 public immutable lpToken;

    /// @notice The harness staked, unstaked or harvested; `lp` moved and the SUSHI it then held.
    event HarnessAction(string action, uint256 lp, uint256 sushiHeld);

    /// @param chef_ The MasterChef.
    /// @param pid_ The pool of `lpToken_`.
    /// @param lpToken_ The LP token the pool must stake.
    /// @param rewardToken_ The reward token MasterChef must pay.
    constructor(IMasterChef chef_, uint256 pid_, IERC20 lpToken_, address rewardToken_) MasterChefAdapter(chef_, pid_) {
        _checkMasterChefPool(address(lpToken_), rewardToken_);
        lpToken = lpToken_;
        lpToken_.forceApprove(address(chef_), type(uint256).max);
    }

    /// @notice Pulls `lp` LP from the caller and stakes it.
    /// @param lp The LP amount.
    function stake(uint256 lp) external {
        lpToken.safeTransferFrom(msg.sender, address(this), lp);
        _chefStake(lp);
        emit HarnessAction("stake", lp, _sushiHeld());
    }

    /// @notice Unstakes `lp` LP to this harness.
    /// @param lp The LP amount.
    function unstake(uint256 lp) external {
        _chefUnstake(lp);
        emit HarnessAction("unstake", lp, _sushiHeld());
    }

    /// @notice Harvests the pending SUSHI to this harness.
    function harvest() external {
        _chefHarvest();
        emit HarnessAction("harvest", 0, _sushiHeld());
    }

    /// @notice Takes every staked LP back, forfeiting the pending SUSHI.
    /// @return lp The LP received.
    function emergencyExit() external returns (uint256 lp) {
        lp = _chefEmergencyExit();
        emit HarnessAction("emergencyExit", lp, _sushiHeld());
    }

    /// @notice SUSHI MasterChef would pay this harness now.
    /// @return The pending SUSHI.
    function pending() external view returns (uint256) {
        return _chefPending();
    }

    /// @notice LP this harness has staked.
    /// @return The staked LP.
    function staked() external view returns (uint256) {
        return _chefStaked();
    }

    function _sushiHeld() private view returns (uint256) {
        return IERC20(chef.sushi()).balanceOf(address(this));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IMasterChef
/// @notice The parts of SushiSwap's MasterChef (as shipped in @sushiswap/core 1.4.2) that a farm adapter uses.
///         MasterChef pays a staker's pending SUSHI on every deposit and withdraw, so `deposit(pid, 0)` is its
///         harvest.
interface IMasterChef {
    /// @notice The reward token MasterChef mints.
    function sushi() external view returns (address);
    /// @notice Pool `pid`: its LP token, allocation points, last rewarded block and SUSHI per share (1e12 scale).
    function poolInfo(uint256 pid)
        external
        view
        returns (address lpToken, uint256 allocPoint, uint256 lastRewardBlock, uint256 accSushiPerShare);
    /// @notice `user`'s stake in pool `pid` and the reward already accounted to it.
    function userInfo(uint256 pid, address user) external view returns (uint256 amount, uint256 rewardDebt);
    /// @notice Stakes `amount` LP from the caller in pool `pid`, paying the caller's pending SUSHI first.
    function deposit(uint256 pid, uint256 amount) external;
    /// @notice Unstakes `amount` LP to the caller from pool `pid`, paying the caller's pending SUSHI.
    function withdraw(uint256 pid, uint256 amount) external;
    /// @notice Returns all the caller's LP in pool `pid` without any reward arithmetic; pending SUSHI is forfeited.
    function emergencyWithdraw(uint256 pid) external;
    /// @notice SUSHI `user` would be paid from pool `pid` at the current block.
    function pendingSushi(uint256 pid, address user) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IStakingRewards
/// @notice The parts of Synthetix's StakingRewards, as shipped in the Uniswap liquidity-staker package, that the vaults use.
interface IStakingRewards {
    /// @notice Stakes `amount` of the staking token from the caller.
    function stake(uint256 amount) external;
    /// @notice Withdraws `amount` of the caller's stake.
    function withdraw(uint256 amount) external;
    /// @notice Sends the caller's accrued rewards to it.
    function getReward() external;
    /// @notice Rewards `account` has accrued and not claimed.
    function earned(address account) external view returns (uint256);
    /// @notice `account`'s stake.
    function balanceOf(address account) external view returns (uint256);
    /// @notice The token paid as reward.
    function rewardsToken() external view returns (address);
    /// @notice The token staked.
    function stakingToken() external view returns (address);
    /// @notice Reward tokens paid per second to all stakers together.
    function rewardRate() external view returns (uint256);
    /// @notice Total staked.
    function totalSupply() external view returns (uint256);
    /// @notice End of the current reward period.
    function periodFinish() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title FluxTimelock
/// @notice The owner of every Flux contract on a real chain: OpenZeppelin's TimelockController, unchanged. Every
///         admin call (parameters, credit limits, upgrades) is scheduled by a proposer, waits at least `minDelay`
///         and is then executed by an executor.
/// @dev Exists only so that Hardhat compiles the timelock and the deploy script has an artifact to deploy.
contract FluxTimelock is TimelockController {
    /// @param minDelay Seconds every operation waits between schedule and execute.
    /// @param proposers Who may schedule (and cancel) operations.
    /// @param executors Who may execute ready operations; address(0) lets anyone execute.
    /// @param admin An optional admin who may grant roles without delay; address(0) for none.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}

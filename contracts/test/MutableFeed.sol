// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title MutableFeed
/// @notice Test only: a Chainlink-style feed whose every field can be set, for the edges a real feed can show and
///         SettableAggregator cannot: decimals that change (a proxy moved to an aggregator with other decimals), and
///         a round's `startedAt` set apart from its `updatedAt` (a sequencer uptime feed that never started, or whose
///         clock is ahead of the chain's).
contract MutableFeed is AggregatorV3Interface {
    uint8 private _decimals;
    int256 private _answer;
    uint256 private _startedAt;
    uint256 private _updatedAt;

    /// @param decimals_ Decimals of the answers.
    /// @param answer_ The first answer, started and updated in this block.
    constructor(uint8 decimals_, int256 answer_) {
        _decimals = decimals_;
        setRound(answer_, block.timestamp, block.timestamp);
    }

    /// @notice Changes what decimals() reports, as a Chainlink proxy does when its aggregator is replaced.
    function setDecimals(uint8 decimals_) external {
        _decimals = decimals_;
    }

    /// @notice Sets the latest round's answer and times.
    function setRound(int256 answer_, uint256 startedAt_, uint256 updatedAt_) public {
        (_answer, _startedAt, _updatedAt) = (answer_, startedAt_, updatedAt_);
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "mutable test feed";
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 4;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        return (roundId, _answer, _startedAt, _updatedAt, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (1, _answer, _startedAt, _updatedAt, 1);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title SettableAggregator
/// @notice The local simulation of a Chainlink price feed: its owner types in the price. It exists only so that a
///         local node and the tests have a feed to point the PriceOracle at; it is never deployed where real money is
///         at stake, where the oracle reads the chain's real Chainlink feeds instead.
/// @dev Answers the same interface as a Chainlink feed and keeps every past round, so code reading it behaves as it
///      would against the real thing. Unlike a real feed it accepts any answer, zero and negative ones included, so
///      that the oracle's refusal of them can be tested.
contract SettableAggregator is AggregatorV3Interface, Ownable {
    /// @notice The aggregator version reported by version(); the one Chainlink's current aggregators report.
    uint256 public constant VERSION = 4;

    struct Round {
        int256 answer;
        uint64 updatedAt;
    }

    uint8 private immutable _decimals;
    string private _description;
    uint80 private _latestRoundId;
    mapping(uint80 roundId => Round) private _rounds;

    /// @notice Round `roundId` answered `current` at `updatedAt`. Chainlink's own event, so indexers treat it alike.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice Round `roundId` has not happened yet (round ids start at 1).
    error UnknownRound(uint80 roundId, uint80 latestRoundId);

    /// @param decimals_ Decimals of the answers (8 like Chainlink's USD feeds, or 18).
    /// @param description_ What the feed prices, e.g. "ETH / USD".
    /// @param initialAnswer The answer of round 1, written at deployment.
    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) Ownable(msg.sender) {
        _decimals = decimals_;
        _description = description_;
        _recordAnswer(initialAnswer);
    }

    /// @notice Starts a new round answering `answer` as of this block. Owner only.
    /// @param answer The new price, with `decimals()` decimals.
    function setAnswer(int256 answer) external onlyOwner {
        _recordAnswer(answer);
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return _description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        // A real feed reverts on a round it never had rather than answer zeros a caller might take for a price.
        if (roundId_ == 0 || roundId_ > _latestRoundId) revert UnknownRound(roundId_, _latestRoundId);
        return _roundData(roundId_);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _roundData(_latestRoundId);
    }

    /// @dev Each answer starts and completes its round in the same block, so startedAt equals updatedAt.
    function _roundData(uint80 roundId_)
        private
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Round storage round = _rounds[roundId_];
        return (roundId_, round.answer, round.updatedAt, round.updatedAt, roundId_);
    }

    function _recordAnswer(int256 answer) private {
        uint80 roundId = _latestRoundId + 1;
        _latestRoundId = roundId;
        _rounds[roundId] = Round({answer: answer, updatedAt: uint64(block.timestamp)});
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }
}

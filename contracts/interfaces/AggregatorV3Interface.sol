// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title AggregatorV3Interface
/// @notice Chainlink's price feed interface, written out here so the protocol does not depend on Chainlink's package.
///         Same function names, argument and return types as Chainlink's, so any deployed Chainlink feed (or its
///         proxy) answers it.
/// @dev Keeps Chainlink's name rather than an I-prefixed one so that it reads as the well-known interface it is.
// solhint-disable-next-line interface-starts-with-i
interface AggregatorV3Interface {
    /// @notice Decimals of the feed's answer (8 for most USD pairs, 18 for most ETH pairs).
    function decimals() external view returns (uint8);

    /// @notice What the feed prices, e.g. "ETH / USD".
    function description() external view returns (string memory);

    /// @notice Version of the aggregator behind the feed.
    function version() external view returns (uint256);

    /// @notice The answer of a past round.
    /// @param roundId_ The round to read.
    /// @return roundId The round read.
    /// @return answer The price, with `decimals()` decimals.
    /// @return startedAt When the round started.
    /// @return updatedAt When the answer was last written; zero for a round that has not completed.
    /// @return answeredInRound The round in which the answer was computed (deprecated by Chainlink; equals roundId).
    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The answer of the latest round.
    /// @return roundId The latest round.
    /// @return answer The price, with `decimals()` decimals.
    /// @return startedAt When the round started.
    /// @return updatedAt When the answer was last written.
    /// @return answeredInRound The round in which the answer was computed (deprecated by Chainlink; equals roundId).
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}

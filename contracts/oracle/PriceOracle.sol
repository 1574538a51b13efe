// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";

/// @title PriceOracle
/// @notice USD prices for the protocol, one Chainlink feed per token. Every price and value comes out in WAD
///         (1e18 = $1) whatever the feed's decimals and the token's decimals.
/// @dev A price is refused rather than guessed: no feed, a non-positive answer or an answer older than the token's
///      staleness limit all revert, so a caller never values collateral on a price the feed no longer stands behind.
contract PriceOracle is IPriceOracle, Ownable2StepUpgradeable, UUPSUpgradeable {
    uint256 private constant WAD_DECIMALS = 18;

    /// @dev One slot per token: a price read costs a single cold storage read before the feed call. The feed's
    ///      decimals are those it had at `setFeed`; a price read asks the feed again (a Chainlink proxy's decimals are
    ///      its current aggregator's, which a phase change can replace) and refuses a feed whose decimals changed. A
    ///      token's decimals are cached: they are part of its balances and never change.
    struct Feed {
        AggregatorV3Interface feed;
        uint8 feedDecimals;
        uint8 tokenDecimals;
        uint32 maxStalenessSeconds;
    }

    /// @custom:storage-location erc7201:flux.storage.PriceOracle
    struct PriceOracleStorage {
        mapping(address token => Feed) feeds;
        // appended: the L2 sequencer's uptime feed (none on L1s), read once per transaction
        AggregatorV3Interface sequencerUptimeFeed;
        uint32 sequencerGracePeriodSeconds;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.PriceOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PRICE_ORACLE_STORAGE_LOCATION =
        0xbc471ecec69dfeaa8bbda38405c59b18b190bfd390a618f6f4db061291544100;

    // ---------------------------------------------------------------- events

    /// @notice `token` is now priced by `feed`, whose answers are refused once older than `maxStalenessSeconds`.
    /// @dev A removal (feed zero) is reported with a zero staleness, which is what feedOf then returns.
    event FeedSet(address indexed token, address indexed feed, uint32 maxStalenessSeconds);

    /// @notice Prices now also require the L2 sequencer `feed` to report it up, for `gracePeriodSeconds` since it
    ///         came back; a zero feed removes the check.
    event SequencerUptimeFeedSet(address indexed feed, uint32 gracePeriodSeconds);

    // ---------------------------------------------------------------- errors

    /// @notice No feed prices `token`.
    error FeedNotSet(address token);
    /// @notice `token`'s feed last answered at `updatedAt`, more than `maxStalenessSeconds` ago.
    error StalePrice(address token, uint256 updatedAt, uint256 maxStalenessSeconds);
    /// @notice `token`'s feed answered `answer`, and a price must be positive.
    error InvalidPrice(address token, int256 answer);
    error ZeroAddress();
    /// @notice The L2 sequencer is down: feeds cannot update, so no price can be trusted.
    error SequencerDown();
    /// @notice The L2 sequencer came back up at `upSince`, less than `gracePeriodSeconds` ago: feeds may still be
    ///         catching up, and users could not act while it was down.
    error SequencerGracePeriodNotOver(uint256 upSince, uint256 gracePeriodSeconds);
    /// @notice The L2 sequencer uptime feed reports a status that never started (`startedAt` zero, as on Arbitrum
    ///         before the feed's first update): nothing says the sequencer is up, so no price can be trusted.
    error SequencerStatusNotStarted();
    /// @notice The L2 sequencer uptime feed says the sequencer came up at `startedAt`, after this block's time
    ///         `blockTimestamp`: its clock and the chain's disagree, so the grace period cannot be measured.
    error SequencerStatusFromFuture(uint256 startedAt, uint256 blockTimestamp);
    /// @notice `token`'s feed answered with `feedDecimals` decimals, but it was set with `expectedDecimals`: its
    ///         answers would be priced 10^difference off, so the owner must set the feed again.
    error FeedDecimalsChanged(address token, uint256 expectedDecimals, uint256 feedDecimals);

    // ---------------------------------------------------------------- setup

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the oracle up behind its proxy, with no feeds.
    /// @dev Public rather than external so that the upgrades plugin sees later versions inherit it.
    /// @param owner_ The admin who sets feeds (a TimelockController on real chains).
    function initialize(address owner_) public initializer {
        if (owner_ == address(0)) revert ZeroAddress();
        __Ownable_init(owner_);
    }

    // ---------------------------------------------------------------- admin

    /// @notice Prices `token` with `feed`, refusing answers older than `maxStalenessSeconds`. A zero `feed` removes
    ///         the token's feed, after which its price reverts with FeedNotSet. Owner only.
    /// @dev The staleness limit should sit a little above the feed's heartbeat, so that a feed that is on time is
    ///      never refused while one that has stopped is caught within a heartbeat.
    /// @param token The token to price.
    /// @param feed A Chainlink feed quoting `token` in USD, or zero to remove the token's feed.
    /// @param maxStalenessSeconds The oldest answer, in seconds, the oracle accepts from `feed`.
    function setFeed(address token, AggregatorV3Interface feed, uint32 maxStalenessSeconds) external onlyOwner {
        if (token == address(0)) revert ZeroAddress();
        PriceOracleStorage storage $ = _storage();
        if (address(feed) == address(0)) {
            delete $.feeds[token];
            emit FeedSet(token, address(0), 0);
            return;
        }
        $.feeds[token] = Feed({
            feed: feed,
            feedDecimals: feed.decimals(),
            tokenDecimals: IERC20Metadata(token).decimals(),
            maxStalenessSeconds: maxStalenessSeconds
        });
        emit FeedSet(token, address(feed), maxStalenessSeconds);
    }

    /// @notice On an L2, refuses every price while the sequencer is down and for `gracePeriodSeconds` after it comes
    ///         back (Chainlink's L2 sequencer uptime feed: answer 0 is up, 1 is down; startedAt is when it changed).
    ///         A zero `feed` removes the check. Owner only.
    /// @param feed Chainlink's sequencer uptime feed for this chain, or zero.
    /// @param gracePeriodSeconds How long after the sequencer is back up prices stay refused.
    function setSequencerUptimeFeed(AggregatorV3Interface feed, uint32 gracePeriodSeconds) external onlyOwner {
        PriceOracleStorage storage $ = _storage();
        $.sequencerUptimeFeed = feed;
        $.sequencerGracePeriodSeconds = address(feed) == address(0) ? 0 : gracePeriodSeconds;
        emit SequencerUptimeFeedSet(address(feed), $.sequencerGracePeriodSeconds);
    }

    /// @notice The sequencer uptime feed and its grace period; zero on a chain without one.
    /// @return feed The uptime feed.
    /// @return gracePeriodSeconds How long after the sequencer is back up prices stay refused.
    function sequencerUptimeFeed() external view returns (AggregatorV3Interface feed, uint32 gracePeriodSeconds) {
        PriceOracleStorage storage $ = _storage();
        return ($.sequencerUptimeFeed, $.sequencerGracePeriodSeconds);
    }

    // ---------------------------------------------------------------- prices

    /// @inheritdoc IPriceOracle
    function priceOf(address token) external view returns (uint256) {
        (uint256 price,) = _priceOf(token);
        return price;
    }

    /// @inheritdoc IPriceOracle
    function usdValueOf(address token, uint256 amount) external view returns (uint256) {
        (uint256 price, uint256 tokenDecimals) = _priceOf(token);
        // mulDiv so that a large balance of a high-priced token cannot overflow the intermediate product.
        return Math.mulDiv(amount, price, 10 ** tokenDecimals);
    }

    /// @notice The feed pricing `token` and its staleness limit; both zero when the token has no feed.
    /// @param token The token to look up.
    /// @return feed The token's Chainlink feed.
    /// @return maxStalenessSeconds The oldest answer, in seconds, the oracle accepts from `feed`.
    function feedOf(address token) external view returns (AggregatorV3Interface feed, uint32 maxStalenessSeconds) {
        Feed storage configuration = _storage().feeds[token];
        return (configuration.feed, configuration.maxStalenessSeconds);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The checked feed answer scaled to WAD, and the token's decimals for usdValueOf.
    function _priceOf(address token) private view returns (uint256 price, uint256 tokenDecimals) {
        PriceOracleStorage storage $ = _storage();
        AggregatorV3Interface sequencer = $.sequencerUptimeFeed;
        if (address(sequencer) != address(0)) {
            (, int256 status, uint256 startedAt,,) = sequencer.latestRoundData();
            if (status != 0) revert SequencerDown();
            // startedAt is zero on a round that never started (seen on Arbitrum before the feed's first update).
            if (startedAt == 0) revert SequencerStatusNotStarted();
            // Checked before the subtraction, which would otherwise fail with a Panic instead of a reason.
            if (startedAt > block.timestamp) revert SequencerStatusFromFuture(startedAt, block.timestamp);
            if (block.timestamp - startedAt < $.sequencerGracePeriodSeconds) {
                revert SequencerGracePeriodNotOver(startedAt, $.sequencerGracePeriodSeconds);
            }
        }
        Feed memory configuration = $.feeds[token];
        if (address(configuration.feed) == address(0)) revert FeedNotSet(token);
        (, int256 answer,, uint256 updatedAt,) = configuration.feed.latestRoundData();
        if (answer <= 0) revert InvalidPrice(token, answer);
        // Written as an addition so that an updatedAt ahead of this block (clocks differ across L2 sequencers)
        // counts as fresh instead of underflowing. A round that never completed has updatedAt zero and is stale.
        if (updatedAt + configuration.maxStalenessSeconds < block.timestamp) {
            revert StalePrice(token, updatedAt, configuration.maxStalenessSeconds);
        }
        uint256 feedDecimals = configuration.feed.decimals();
        if (feedDecimals != configuration.feedDecimals) {
            revert FeedDecimalsChanged(token, configuration.feedDecimals, feedDecimals);
        }
        // The rare feed with more than 18 decimals loses its extra digits, rounded down: they are below a wei of USD.
        price = feedDecimals <= WAD_DECIMALS
            ? uint256(answer) * 10 ** (WAD_DECIMALS - feedDecimals)
            : uint256(answer) / 10 ** (feedDecimals - WAD_DECIMALS);
        // Only such a feed can round a positive answer to nothing; a zero price would value collateral at nothing.
        if (price == 0) revert InvalidPrice(token, answer);
        tokenDecimals = configuration.tokenDecimals;
    }

    /// @dev Owner only.
    function _authorizeUpgrade(address) internal view override onlyOwner {}

    function _storage() private pure returns (PriceOracleStorage storage $) {
        assembly {
            $.slot := PRICE_ORACLE_STORAGE_LOCATION
        }
    }
}

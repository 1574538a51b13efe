// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {ILeveragedVaultTypes, ILeveragedVaultWiring} from "../interfaces/ILeveragedVault.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";
import {PoolMath} from "../libraries/PoolMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";

/// @title VaultState
/// @notice What the leveraged vault and its exit module share: the vault's storage (ERC-7201), its wiring (immutable
///         code), the farm hooks, and the valuation every operation judges by. Both run in the vault proxy's storage:
///         the vault directly, the exit module through delegatecall.
/// @dev Leveraged liquidity positions on one Uniswap V2 pair, staked in one farm. A farmer supplies token 0, token 1
///      or both, borrows more of either from the core pools, and the vault zaps everything into LP and stakes it.
///      Positions hold LP shares, so a harvest that compounds rewards grows every position at once. No opening,
///      deposit, withdrawal or performance fee.
///
///      Abstract over the farm: an adapter supplies the four farm hooks (StakingRewardsFarm for Synthetix-style
///      farms; a MasterChef adapter would implement the same hooks with a pid).
///
///      Rewards belong to the time that earned them. Rewards waiting in the farm (or carried by the vault after a
///      partial harvest) are part of what a share is worth: an entering position pays for its share of them at the
///      oracle price, in LP, and a leaving position is paid its share of them in the reward token. So nobody can buy
///      into rewards earned before it came, and nobody leaving loses rewards earned while it stayed.
///
///      Valuation always uses the fair LP price from oracle prices. Entries (open, increase) and the harvest check
///      that the pair's spot price is within `maxPriceDeviationBps` of the oracle's before they trade. Exits and
///      liquidations never wait for the pair: every swap they make is instead bounded by the oracle price less
///      `swapSlippageBps`, and a liquidator may take the other side of that swap itself at the oracle price.
///
///      Per-position debt is held in the core pools' own borrow shares, and only the vault can change its debt at a
///      pool, so the positions' debts add up exactly to what the vault owes.
abstract contract VaultState is ILeveragedVaultTypes, ILeveragedVaultWiring, ReentrancyGuardTransientUpgradeable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    /// @notice No vault ever allows more than 10x leverage.
    uint256 public constant MAX_LEVERAGE_WAD = 10 * WAD;
    /// @notice The liquidation bounty can never be set above 5% of the liquidated value.
    uint256 public constant MAX_LIQUIDATION_BOUNTY_BPS = 500;
    /// @notice A protection order pays its executor at most 1% of the value it unwinds.
    uint256 public constant MAX_EXECUTOR_FEE_BPS = 100;
    /// @notice A protection order's swaps may lose at most 5% against the oracle.
    uint256 public constant MAX_ORDER_SLIPPAGE_BPS = 500;
    /// @dev The TWAP window: a price that moves value between farmers is judged against the pairs' own average over
    ///      at least this long (Compound's anchored view and most Uniswap V2 integrations use 30 minutes: 150 blocks
    ///      of 12 s, so holding a pair off by x for one block moves the average by x / 150). Observations are kept
    ///      once per half window, four deep, so one at least a window old always exists once the first has aged.
    uint256 internal constant TWAP_WINDOW_SECONDS = 1_800;
    /// @dev How far below the reference rate (the stricter of feed and TWAP) a harvest's sale may walk the reward
    ///      pair's spot: under the pair's 0.3% fee, so buying the sold rewards back always costs more than the
    ///      reference price, however many harvests ran (a second harvest in the same block finds nothing to sell).
    uint256 internal constant HARVEST_WALK_BPS = 25;
    /// @dev How far the reward pair's TWAP may sit from the feeds before an entry waits and a harvest sells nothing:
    ///      it catches a feed that has left the market (stale, broken or lagging), not the pair's ordinary moves
    ///      within a window, which a volatile reward token makes several percent (the spot, which one block can
    ///      move, is held to the tighter `harvestSlippageBps`).
    uint256 internal constant TWAP_BAND_BPS = 1_000;
    /// @dev Scale of the reward pair's rates (base units per base unit): 1e36 keeps a cheap reward sold into a
    ///      6-decimal token exact to 18 digits.
    uint256 internal constant RATE_SCALE = 1e36;

    /// @custom:storage-location erc7201:flux.storage.LeveragedVault
    struct VaultStorage {
        // slot 0: the shared LP
        uint128 totalLp;
        uint128 totalLpShares;
        // slot 1
        RiskParameters risk;
        // slot 2
        uint64 lastPositionId;
        bool paused;
        address guardian;
        // slot 3
        uint128 maxDebt0;
        uint128 maxDebt1;
        mapping(uint256 positionId => Position) positions;
        mapping(uint256 positionId => ProtectionOrders) orders;
        /// Payments the vault could not deliver, kept for their owners to claim.
        mapping(address token => mapping(address account => uint256)) claimable;
        /// Of `claimable`, kept for the reward token only (see _credit).
        mapping(address token => uint256) claimableTotal;
        // appended: the least a position may be worth after an open or increase (whole USD; zero: no minimum)
        uint256 minPositionValueUsd;
        // appended: the time-weighted average prices (see _recordTwap), four observations at the same times: the
        // vault pair's cumulative price of token 0, and the reward pair's of the reward token (in the other token).
        Observation[4] pairObservations;
        Observation[4] rewardObservations;
    }

    /// @dev A Uniswap V2 cumulative price at a time, its low 224 bits (differences are taken modulo 2^224, exact for
    ///      any average price below 2^112 in the pair's UQ112x112 over any window below 2^80 seconds).
    struct Observation {
        uint32 timestamp;
        uint224 cumulative;
    }

    /// @dev Prices and token balances carried through one close, liquidation or order; prices are read lazily
    ///      (zero until needed), so an exit that needs no swap works with a stale feed.
    ///      The pools' borrow indexes are read lazily too (zero until needed) and then reused: within one
    ///      transaction a pool's index is a function of the block alone (its view adds the interest pending since
    ///      the last accrual, which an accrual in this block then writes), so one read serves every debt valuation.
    struct Settlement {
        uint256 price0;
        uint256 price1;
        uint256 balance0;
        uint256 balance1;
        uint256 index0;
        uint256 index1;
        /// For a protection order (`order`): what its swaps returned below a swap of the same size at the oracle
        /// price on the pair's depth (USD WAD), which the executor's fee absorbs (VaultExits._swapWithinBound).
        uint256 shortfall;
        bool order;
        /// The reserves a fair execution would trade against: the pair's product at the oracle price when the
        /// order's first swap runs, moved by each fair swap after it (so the order's own price impact is fair).
        uint256 fair0;
        uint256 fair1;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.LeveragedVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE_LOCATION = 0x4216d4a4d4aeb0245a9144253d4462e32ea8799b7fcb651ef857027ef368fa00;

    // The vault's wiring is immutable code of its implementation, not storage: it never changes and costs no
    // storage reads. Each vault has its own implementation; _authorizeUpgrade refuses one for another pair.

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IUniswapV2Pair public immutable pair;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable token0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable token1;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILendingPool public immutable pool0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILendingPool public immutable pool1;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPriceOracle public immutable oracle;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable rewardToken;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IUniswapV2Pair public immutable rewardPair;
    /// @notice Every position holds no LP shares or at least this many (10 ** ((decimals0 + decimals1) / 2), about
    ///         $2 of a stablecoin pair's LP): a dust position cannot make one share worth enough that the next
    ///         farmer's rounding matters.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint256 public immutable minPositionShares;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    bool internal immutable _rewardIsToken0InRewardPair;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    bool internal immutable _rewardBuysToken0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 internal immutable _decimals0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 internal immutable _decimals1;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 internal immutable _rewardDecimals;

    // ---------------------------------------------------------------- setup

    /// @param pair_ The Uniswap V2 pair.
    /// @param pool0_ The core pool lending the pair's token 0.
    /// @param pool1_ The core pool lending the pair's token 1.
    /// @param oracle_ The price oracle.
    /// @param rewardToken_ The farm's reward token.
    /// @param rewardPair_ A pair of the reward token with token 0 or token 1, used to sell rewards.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IUniswapV2Pair pair_,
        ILendingPool pool0_,
        ILendingPool pool1_,
        IPriceOracle oracle_,
        IERC20 rewardToken_,
        IUniswapV2Pair rewardPair_
    ) {
        if (address(pair_) == address(0) || address(oracle_) == address(0) || address(rewardToken_) == address(0)) {
            revert ZeroAddress();
        }
        pair = pair_;
        token0 = IERC20(pair_.token0());
        token1 = IERC20(pair_.token1());
        if (pool0_.asset() != address(token0)) revert WrongToken(pool0_.asset());
        if (pool1_.asset() != address(token1)) revert WrongToken(pool1_.asset());
        // The vault's own token balances are never read as rewards, so the reward must be a third token.
        if (address(rewardToken_) == address(token0) || address(rewardToken_) == address(token1)) {
            revert WrongToken(address(rewardToken_));
        }
        _rewardIsToken0InRewardPair = rewardPair_.token0() == address(rewardToken_);
        address rewardPairOther = _rewardIsToken0InRewardPair ? rewardPair_.token1() : rewardPair_.token0();
        if (rewardPairOther != address(token0) && rewardPairOther != address(token1)) revert WrongToken(rewardPairOther);
        _rewardBuysToken0 = rewardPairOther == address(token0);
        pool0 = pool0_;
        pool1 = pool1_;
        oracle = oracle_;
        rewardToken = rewardToken_;
        rewardPair = rewardPair_;
        _decimals0 = IERC20Metadata(address(token0)).decimals();
        _decimals1 = IERC20Metadata(address(token1)).decimals();
        _rewardDecimals = IERC20Metadata(address(rewardToken_)).decimals();
        minPositionShares = 10 ** ((uint256(_decimals0) + _decimals1) / 2);
        _disableInitializers();
    }

    // ---------------------------------------------------------------- farm hooks

    /// @dev Stakes `lp` LP tokens the vault holds.
    function _stakeInFarm(uint256 lp) internal virtual;
    /// @dev Unstakes `lp` LP tokens to the vault.
    function _unstakeFromFarm(uint256 lp) internal virtual;
    /// @dev Claims accrued rewards to the vault.
    function _claimFarmRewards() internal virtual;
    /// @dev Rewards accrued in the farm and not yet claimed.
    function _pendingFarmRewards() internal view virtual returns (uint256);

    // ---------------------------------------------------------------- shared internals

    /// @dev Reward tokens that belong to the positions: pending in the farm plus held by the vault, less what the
    ///      vault keeps for owners to claim.
    function _pendingRewards() internal view returns (uint256) {
        return _pendingFarmRewards() + rewardToken.balanceOf(address(this)) - _storage().claimableTotal[address(rewardToken)];
    }

    /// @dev The uncompounded rewards in LP, rounded up: what an entering position pays for. A reward token is
    ///      priced at the stricter (higher) of the feeds' rate and the reward pair's TWAP, and only while the pair's
    ///      spot is within `harvestSlippageBps` of the feeds and its TWAP within TWAP_BAND_BPS (else the entry
    ///      waits, PriceSourcesDisagree):
    ///      no single block can move what an entrant pays, and a feed lagging the market cannot sell the carry cheap.
    ///      Without a pair TWAP yet (a vault upgraded with positions, before its first observation) the LP is valued
    ///      at the feeds alone.
    function _pendingRewardsAsLpUp(uint256 lpPrice, uint256 price0, uint256 price1) internal view returns (uint256) {
        uint256 rewards = _pendingRewards();
        if (rewards == 0) return 0;
        uint256 rewardPrice = oracle.priceOf(address(rewardToken));
        (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
        (uint256 reserveReward, uint256 reserveOther) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
        (uint256 feedRate, uint256 twapRate, uint256 spotRate) = _rewardRates(price0, price1, rewardPrice, reserveReward, reserveOther);
        _requireAgree(address(rewardPair), spotRate, twapRate, feedRate, _storage().risk.harvestSlippageBps);
        uint256 rewardValue;
        if (twapRate > feedRate) {
            (uint256 priceOther, uint8 decimalsOther) = _rewardBuysToken0 ? (price0, _decimals0) : (price1, _decimals1);
            rewardValue = PositionMath.valueUp(Math.mulDiv(rewards, twapRate, RATE_SCALE, Math.Rounding.Ceil), priceOther, decimalsOther);
        } else {
            rewardValue = PositionMath.valueUp(rewards, rewardPrice, _rewardDecimals);
        }
        // The LP they are paid in is valued at the lower of the feeds' fair price and the same with token 0 priced
        // at the pair's TWAP (in token 1): the stricter for the entrant.
        uint256 average = _twapOf(_storage().pairObservations, _cumulativeNow(pair, true));
        if (average != 0) {
            (reserve0, reserve1,) = pair.getReserves();
            uint256 twapPrice0 = Math.mulDiv(Math.mulDiv(average, 10 ** (18 + uint256(_decimals0)), (10 ** uint256(_decimals1)) << 112), price1, WAD);
            if (twapPrice0 != 0) lpPrice = Math.min(lpPrice, _lpPriceAt(reserve0, reserve1, twapPrice0, price1));
        }
        return Math.mulDiv(rewardValue, WAD, lpPrice, Math.Rounding.Ceil);
    }

    // ---------------------------------------------------------------- TWAP

    /// @dev Records both pairs' cumulative prices when the newest observation is at least half a window old, over
    ///      the oldest of the four (an empty slot first). Each observation is thus at least half a window older than
    ///      the next, so once three exist the third newest is at least a window old: overwriting never leaves the
    ///      TWAP without one. Called after the operation's prices were judged.
    function _recordTwap() internal {
        VaultStorage storage $ = _storage();
        uint256 newest;
        uint256 oldestSlot;
        uint256 oldest = type(uint256).max;
        for (uint256 i; i < 4; ++i) {
            uint256 at = $.pairObservations[i].timestamp;
            if (at > newest) newest = at;
            if (at < oldest) (oldest, oldestSlot) = (at, i);
        }
        if (newest != 0 && block.timestamp - newest < TWAP_WINDOW_SECONDS / 2) return;
        uint256 pairCumulative = _cumulativeNow(pair, true);
        uint256 rewardCumulative = _cumulativeNow(rewardPair, _rewardIsToken0InRewardPair);
        $.pairObservations[oldestSlot] = Observation(uint32(block.timestamp), uint224(pairCumulative));
        $.rewardObservations[oldestSlot] = Observation(uint32(block.timestamp), uint224(rewardCumulative));
        emit PricesObserved(pairCumulative, rewardCumulative);
    }

    /// @dev `pair_`'s cumulative price of its token 0 (in token 1) or of its token 1 now, as the pair would write it
    ///      (its last cumulative plus the current reserves' price for the time since). Trades in this block do not
    ///      enter it: the pair accumulated the reserves before them.
    function _cumulativeNow(IUniswapV2Pair pair_, bool ofToken0) internal view returns (uint256 cumulative) {
        (uint112 reserve0, uint112 reserve1, uint32 updatedAt) = pair_.getReserves();
        cumulative = ofToken0 ? pair_.price0CumulativeLast() : pair_.price1CumulativeLast();
        if (updatedAt != uint32(block.timestamp) && reserve0 != 0 && reserve1 != 0) {
            unchecked {
                uint256 price = ofToken0 ? (uint256(reserve1) << 112) / reserve0 : (uint256(reserve0) << 112) / reserve1;
                cumulative += price * uint32(uint32(block.timestamp) - updatedAt); // wraps, as the pair's does
            }
        }
    }

    /// @dev The average price (UQ112x112) since the newest observation at least a window old, or, while none is (the
    ///      vault's first half hour), since the oldest one from an earlier block; zero when there is none.
    function _twapOf(Observation[4] storage observations, uint256 cumulativeNow) internal view returns (uint256) {
        uint256 chosen;
        uint224 chosenCumulative;
        uint256 oldest = type(uint256).max;
        uint224 oldestCumulative;
        for (uint256 i; i < 4; ++i) {
            Observation memory observation = observations[i];
            uint256 at = observation.timestamp;
            if (at == 0 || at >= block.timestamp) continue;
            if (block.timestamp - at >= TWAP_WINDOW_SECONDS && at > chosen) (chosen, chosenCumulative) = (at, observation.cumulative);
            if (at < oldest) (oldest, oldestCumulative) = (at, observation.cumulative);
        }
        if (chosen == 0) {
            if (oldest == type(uint256).max) return 0;
            (chosen, chosenCumulative) = (oldest, oldestCumulative);
        }
        unchecked {
            return uint224(uint224(cumulativeNow) - chosenCumulative) / (block.timestamp - chosen);
        }
    }

    /// @dev The reward pair's rates, reward base units to base units of the token it sells into, scaled by
    ///      RATE_SCALE: the feeds' (rounded down), the pair's TWAP (zero without an observation) and its spot.
    function _rewardRates(uint256 price0, uint256 price1, uint256 rewardPrice, uint256 reserveReward, uint256 reserveOther)
        internal
        view
        returns (uint256 feedRate, uint256 twapRate, uint256 spotRate)
    {
        (uint256 priceOther, uint8 decimalsOther) = _rewardBuysToken0 ? (price0, _decimals0) : (price1, _decimals1);
        feedRate = Math.mulDiv(rewardPrice * 10 ** decimalsOther, RATE_SCALE, priceOther * 10 ** _rewardDecimals);
        uint256 average = _twapOf(_storage().rewardObservations, _cumulativeNow(rewardPair, _rewardIsToken0InRewardPair));
        twapRate = Math.mulDiv(average, RATE_SCALE, 1 << 112);
        spotRate = reserveReward == 0 ? 0 : Math.mulDiv(reserveOther, RATE_SCALE, reserveReward);
    }

    /// @dev Refuses unless `pair_` has a TWAP, its spot is within `bandBps` of the feeds' price and its TWAP within
    ///      TWAP_BAND_BPS.
    function _requireAgree(address pair_, uint256 spot, uint256 twap, uint256 feed, uint256 bandBps) internal pure {
        if (twap == 0) revert TwapUnavailable(pair_);
        if (_gapExceeds(spot, feed, bandBps)) revert PriceSourcesDisagree(pair_, spot, twap, feed, bandBps);
        if (_gapExceeds(twap, feed, TWAP_BAND_BPS)) revert PriceSourcesDisagree(pair_, spot, twap, feed, TWAP_BAND_BPS);
    }

    function _gapExceeds(uint256 price, uint256 reference_, uint256 bandBps) internal pure returns (bool) {
        return (price > reference_ ? price - reference_ : reference_ - price) * BPS > reference_ * bandBps;
    }

    /// @dev Oracle prices of both tokens, after checking the pair's spot price is close to them (for entries and
    ///      the harvest, which add liquidity at the pair's ratio).
    ///      Also returns the reserves it judged, for a caller that values LP before anything else calls out.
    function _checkedPrices() internal view returns (uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1) {
        price0 = oracle.priceOf(address(token0));
        price1 = oracle.priceOf(address(token1));
        (reserve0, reserve1,) = pair.getReserves();
        (uint256 spot, uint256 fair) = _spotAndFairPrices(price0, price1, reserve0, reserve1);
        uint256 maxDeviation = _storage().risk.maxPriceDeviationBps;
        if (_gapExceeds(spot, fair, maxDeviation)) revert PriceDeviationTooHigh(spot, fair, maxDeviation);
    }

    /// @dev Token 0 priced in token 1, WAD, whole tokens: spot from the reserves, fair from the oracle.
    function _spotAndFairPrices(uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1)
        internal
        view
        returns (uint256 spot, uint256 fair)
    {
        spot = Math.mulDiv(reserve1 * 10 ** (18 - _decimals1), WAD, reserve0 * 10 ** (18 - _decimals0));
        fair = Math.mulDiv(price0, WAD, price1);
    }

    function _loadPrices(Settlement memory s) internal view {
        if (s.price0 != 0) return;
        s.price0 = oracle.priceOf(address(token0));
        s.price1 = oracle.priceOf(address(token1));
    }

    function _lpPriceWad(uint256 price0, uint256 price1) internal view returns (uint256) {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        return _lpPriceAt(reserve0, reserve1, price0, price1);
    }

    /// @dev The fair LP price on reserves just read from the pair.
    function _lpPriceAt(uint256 reserve0, uint256 reserve1, uint256 price0, uint256 price1) internal view returns (uint256) {
        return LiquidityMath.fairLpPriceWad(reserve0, reserve1, pair.totalSupply(), price0, price1, _decimals0, _decimals1);
    }

    /// @dev The full view, pending rewards included (for the external views).
    function _positionView(uint256 positionId, Position storage position, uint256 price0, uint256 price1)
        internal
        view
        returns (PositionView memory)
    {
        Settlement memory s;
        return _positionViewAt(positionId, position, price0, price1, _lpPriceWad(price0, price1), s, true);
    }

    /// @dev The view an operation judges a position's health by: the same valuation and debts, without the pending
    ///      rewards (`pendingReward` stays zero; no check reads it), on the indexes `s` carries or loads.
    function _health(uint256 positionId, Position storage position, Settlement memory s) internal view returns (PositionView memory) {
        return _positionViewAt(positionId, position, s.price0, s.price1, _lpPriceWad(s.price0, s.price1), s, false);
    }

    function _positionViewAt(
        uint256 positionId,
        Position storage position,
        uint256 price0,
        uint256 price1,
        uint256 lpPrice,
        Settlement memory s,
        bool withReward
    ) internal view returns (PositionView memory result) {
        VaultStorage storage $ = _storage();
        result.positionId = positionId;
        result.owner = position.owner;
        result.lpShares = position.lpShares;
        uint256 totalShares = $.totalLpShares;
        if (totalShares != 0 && result.lpShares != 0) {
            result.lpAmount = Math.mulDiv(result.lpShares, $.totalLp, totalShares);
            if (withReward) result.pendingReward = Math.mulDiv(result.lpShares, _pendingRewards(), totalShares);
        }
        // Value rounds down and debt rounds up: a position never looks healthier than it is.
        result.valueWad = Math.mulDiv(result.lpAmount, lpPrice, WAD);
        result.debt0 = _owedAt(s, true, position.debtShares0);
        result.debt1 = _owedAt(s, false, position.debtShares1);
        result.debtValueWad = PositionMath.valueUp(result.debt0, price0, _decimals0) + PositionMath.valueUp(result.debt1, price1, _decimals1);
        result.equityWad = result.valueWad > result.debtValueWad ? result.valueWad - result.debtValueWad : 0;
        result.debtRatioBps = PositionMath.debtRatioBps(result.debtValueWad, result.valueWad);
        result.liquidatable = result.debtValueWad * BPS > result.valueWad * $.risk.killFactorBps;
    }

    /// @dev What `debtShares` of the token's pool are worth now, rounded up, at the borrow index `s` carries for
    ///      that pool (read once, on first need).
    function _owedAt(Settlement memory s, bool isToken0, uint256 debtShares) internal view returns (uint256) {
        return debtShares == 0 ? 0 : PoolMath.mulWadUp(debtShares, _borrowIndex(s, isToken0));
    }

    function _borrowIndex(Settlement memory s, bool isToken0) internal view returns (uint256) {
        if (isToken0) {
            if (s.index0 == 0) s.index0 = pool0.borrowIndex();
            return s.index0;
        }
        if (s.index1 == 0) s.index1 = pool1.borrowIndex();
        return s.index1;
    }

    function _partRoundedUp(uint256 amount, uint256 fractionBps) internal pure returns (uint256) {
        return fractionBps == BPS ? amount : Math.mulDiv(amount, fractionBps, BPS, Math.Rounding.Ceil);
    }

    function _requireBefore(uint256 deadline) internal view {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
    }

    function _ownedPosition(uint256 positionId) internal view returns (Position storage position) {
        position = _storage().positions[positionId];
        if (position.owner == address(0)) revert UnknownPosition(positionId);
        if (position.owner != msg.sender) revert NotPositionOwner(positionId, msg.sender);
    }

    function _openPosition(uint256 positionId) internal view returns (Position storage position) {
        position = _storage().positions[positionId];
        if (position.owner == address(0)) revert UnknownPosition(positionId);
        if (position.lpShares == 0) revert PositionClosed(positionId);
    }

    /// @dev Sends `amount` of `token` to `to`; if the token refuses (a blocklisted address), keeps it for them to
    ///      claim, so nobody's address can block an order.
    function _pay(address to, IERC20 token, uint256 amount) internal {
        if (amount == 0) return;
        if (!token.trySafeTransfer(to, amount)) {
            _credit(to, token, amount);
            emit PaymentDeferred(to, address(token), amount);
        }
    }

    /// @dev Keeps `amount` of `token`, held by the vault, for `account` to claim. Only the reward token's total is
    ///      kept: it is the one token whose balance the vault reads (as rewards, less what is kept for owners); the
    ///      pair's tokens are only ever moved in amounts the vault computes, so their total has no reader.
    function _credit(address account, IERC20 token, uint256 amount) internal {
        if (amount == 0) return;
        VaultStorage storage $ = _storage();
        $.claimable[address(token)][account] += amount;
        if (token == rewardToken) $.claimableTotal[address(token)] += amount;
    }


    /// @dev Swaps the excess side to the pair's ratio, adds the liquidity and stakes it; returns the LP minted.
    ///      What cannot be matched (a few wei of rounding) stays in the pair, shared by its liquidity providers.
    function _zapAndStake(uint256 amount0, uint256 amount1) internal returns (uint256 lp) {
        (uint112 reserve0_, uint112 reserve1_,) = pair.getReserves();
        (uint256 reserve0, uint256 reserve1) = (reserve0_, reserve1_);
        (uint256 swapAmount, bool swapZeroForOne) = LiquidityMath.optimalSwapAmount(amount0, amount1, reserve0, reserve1);
        // A swap of dust that buys nothing (out rounds to 0) would make the pair revert: skip it, and the dust is
        // added with the rest, unmatched.
        if (swapAmount > 0) {
            if (swapZeroForOne) {
                uint256 out = LiquidityMath.getAmountOut(swapAmount, reserve0, reserve1);
                if (out > 0) {
                    token0.safeTransfer(address(pair), swapAmount);
                    pair.swap(0, out, address(this), "");
                    (amount0, amount1) = (amount0 - swapAmount, amount1 + out);
                    (reserve0, reserve1) = (reserve0 + swapAmount, reserve1 - out);
                }
            } else {
                uint256 out = LiquidityMath.getAmountOut(swapAmount, reserve1, reserve0);
                if (out > 0) {
                    token1.safeTransfer(address(pair), swapAmount);
                    pair.swap(out, 0, address(this), "");
                    (amount0, amount1) = (amount0 + out, amount1 - swapAmount);
                    (reserve0, reserve1) = (reserve0 - out, reserve1 + swapAmount);
                }
            }
        }
        // What the pair will mint, rounded down as it rounds (a protocol fee minted first only raises it): when that
        // is zero the pair would revert, so the amounts stay in the vault and the caller sees zero LP (an entry then
        // refuses by name, a harvest compounds nothing this time).
        uint256 supply = pair.totalSupply();
        if (supply != 0 && Math.min(Math.mulDiv(amount0, supply, reserve0), Math.mulDiv(amount1, supply, reserve1)) == 0) return 0;
        if (amount0 > 0) token0.safeTransfer(address(pair), amount0);
        if (amount1 > 0) token1.safeTransfer(address(pair), amount1);
        lp = pair.mint(address(this));
        _stakeInFarm(lp);
    }


    /// @dev What a harvest sells now. `farmPending` is added to the vault's balance when the rewards are not yet
    ///      claimed (the view); the harvest itself claims first and passes zero. `pairReserve0` and `pairReserve1`
    ///      are the vault pair's reserves as just read (nothing but views runs between that read and this plan).
    ///      Nothing is sold while the reward pair has no TWAP or its TWAP is more than TWAP_BAND_BPS from the feeds.
    ///      The sale is bounded against the feeds' rate (which no call in this block can move), never against the
    ///      spot: it returns at least that less `harvestSlippageBps`, and leaves the spot no more than
    ///      HARVEST_WALK_BPS below it.
    function _harvestPlan(uint256 price0, uint256 price1, uint256 farmPending, uint256 pairReserve0, uint256 pairReserve1)
        internal
        view
        returns (HarvestPlan memory plan)
    {
        VaultStorage storage $ = _storage();
        plan.rewardAvailable = rewardToken.balanceOf(address(this)) + farmPending - $.claimableTotal[address(rewardToken)];
        if (plan.rewardAvailable == 0) return plan;
        (uint256 reserveIn, uint256 reserveOut, uint256 referenceRate) = _harvestReference(price0, price1);
        if (referenceRate == 0) return plan;
        uint256 slippage = $.risk.harvestSlippageBps;
        uint256 sell = Math.min(
            Math.min(plan.rewardAvailable, (reserveIn * $.risk.harvestMaxSaleBps) / BPS),
            Math.min(
                // one basis point inside the bound, so that getAmountOut's rounding cannot take it across
                LiquidityMath.maxSaleAtRate(reserveIn, reserveOut, referenceRate * (BPS - slippage - 1), RATE_SCALE * BPS),
                LiquidityMath.maxSaleToSpot(reserveIn, reserveOut, referenceRate * (BPS - HARVEST_WALK_BPS), RATE_SCALE * BPS)
            )
        );
        uint256 out = LiquidityMath.getAmountOut(sell, reserveIn, reserveOut);
        // The zap then swaps about half of `out` in the vault's pair: keep that swap within the same size cap.
        uint256 zapCap = ((_rewardBuysToken0 ? pairReserve0 : pairReserve1) * 2 * $.risk.harvestMaxSaleBps) / BPS;
        if (out > zapCap) {
            sell = Math.mulDiv(sell, zapCap, out);
            out = LiquidityMath.getAmountOut(sell, reserveIn, reserveOut);
        }
        // Rewards so few that the zap would mint almost no LP wait for more: the zap mints about out x supply /
        // (2 reserve) LP, and below 500 wei of it the swap's rounding on an unbalanced pair can leave the smaller side
        // worth zero LP, which Uniswap refuses.
        if (out * pair.totalSupply() < 1_000 * (_rewardBuysToken0 ? pairReserve0 : pairReserve1)) return plan;
        (plan.rewardToSell, plan.amountOut, plan.minAmountOut) =
            (sell, out, Math.mulDiv(sell, referenceRate * (BPS - slippage), RATE_SCALE * BPS));
    }

    /// @dev The reward pair's reserves (reward in, the other token out) and the rate a harvest's sale is judged by:
    ///      the feeds' (no call in this block can move it), or zero while the pair's TWAP is missing or more than
    ///      TWAP_BAND_BPS from it (the feed may have left the market). Not the higher of the two: a TWAP lagging a
    ///      falling market would stop compounding at every dip.
    function _harvestReference(uint256 price0, uint256 price1)
        internal
        view
        returns (uint256 reserveIn, uint256 reserveOut, uint256 referenceRate)
    {
        (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
        (reserveIn, reserveOut) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
        (uint256 feedRate, uint256 twapRate,) = _rewardRates(price0, price1, oracle.priceOf(address(rewardToken)), reserveIn, reserveOut);
        if (twapRate == 0 || _gapExceeds(twapRate, feedRate, TWAP_BAND_BPS)) return (reserveIn, reserveOut, 0);
        referenceRate = feedRate;
    }

    function _requireNotEntered() internal view {
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
    }

    function _storage() internal pure returns (VaultStorage storage $) {
        assembly {
            $.slot := VAULT_STORAGE_LOCATION
        }
    }
}

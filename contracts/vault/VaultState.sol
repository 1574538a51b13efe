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
    ///      priced at the higher of the oracle and the reward pair's spot price (the spot capped at the oracle plus
    ///      the harvest's slippage bound), so nobody can buy rewards through the vault cheaper than the market sells
    ///      them while the feed lags, and pushing the pair moves the price by at most that bound.
    function _pendingRewardsAsLpUp(uint256 lpPrice, uint256 price0, uint256 price1) internal view returns (uint256) {
        uint256 rewards = _pendingRewards();
        if (rewards == 0) return 0;
        uint256 rewardPrice = oracle.priceOf(address(rewardToken));
        (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
        (uint256 reserveReward, uint256 reserveOther) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
        if (reserveReward > 0) {
            (uint256 priceOther, uint8 decimalsOther) = _rewardBuysToken0 ? (price0, _decimals0) : (price1, _decimals1);
            // USD per whole reward token at the pair's spot, rounded up.
            uint256 spot = Math.mulDiv(reserveOther * 10 ** _rewardDecimals, priceOther, reserveReward * 10 ** decimalsOther, Math.Rounding.Ceil);
            uint256 cap = (rewardPrice * (BPS + _storage().risk.harvestSlippageBps)) / BPS;
            if (spot > rewardPrice) rewardPrice = spot < cap ? spot : cap;
        }
        uint256 rewardValue = PositionMath.valueUp(rewards, rewardPrice, _rewardDecimals);
        return Math.mulDiv(rewardValue, WAD, lpPrice, Math.Rounding.Ceil);
    }

    /// @dev Oracle prices of both tokens, after checking the pair's spot price is close to them (for entries and
    ///      the harvest, which add liquidity at the pair's ratio).
    ///      Also returns the reserves it judged, for a caller that values LP before anything else calls out.
    function _checkedPrices() internal view returns (uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1) {
        price0 = oracle.priceOf(address(token0));
        price1 = oracle.priceOf(address(token1));
        (reserve0, reserve1,) = pair.getReserves();
        (uint256 spot, uint256 fair) = _spotAndFairPrices(price0, price1, reserve0, reserve1);
        uint256 gap = spot > fair ? spot - fair : fair - spot;
        uint256 maxDeviation = _storage().risk.maxPriceDeviationBps;
        if (gap * BPS > fair * maxDeviation) revert PriceDeviationTooHigh(spot, fair, maxDeviation);
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
    function _harvestPlan(uint256 price0, uint256 price1, uint256 farmPending, uint256 pairReserve0, uint256 pairReserve1)
        internal
        view
        returns (HarvestPlan memory plan)
    {
        VaultStorage storage $ = _storage();
        plan.rewardAvailable = rewardToken.balanceOf(address(this)) + farmPending - $.claimableTotal[address(rewardToken)];
        if (plan.rewardAvailable == 0) return plan;
        (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 rewardPrice = oracle.priceOf(address(rewardToken));
        (uint256 rateNum, uint256 rateDen) = _harvestFloorRate(price0, price1, rewardPrice, 1);
        uint256 sell = Math.min(
            Math.min(plan.rewardAvailable, (reserveIn * $.risk.harvestMaxSaleBps) / BPS),
            LiquidityMath.maxSaleAtRate(reserveIn, reserveOut, rateNum, rateDen)
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
        (rateNum, rateDen) = _harvestFloorRate(price0, price1, rewardPrice, 0);
        (plan.rewardToSell, plan.amountOut, plan.minAmountOut) = (sell, out, Math.mulDiv(sell, rateNum, rateDen));
    }


    /// @dev The least the harvest's sale may return per reward base unit, as a fraction: the oracle rate less
    ///      `harvestSlippageBps` (plus `extraBps`, which sizes the sale one basis point inside the bound so that
    ///      getAmountOut's rounding cannot take it across).
    function _harvestFloorRate(uint256 price0, uint256 price1, uint256 rewardPrice, uint256 extraBps)
        internal
        view
        returns (uint256 rateNum, uint256 rateDen)
    {
        (uint256 priceOut, uint8 decimalsOut) = _rewardBuysToken0 ? (price0, _decimals0) : (price1, _decimals1);
        rateNum = rewardPrice * 10 ** decimalsOut * (BPS - _storage().risk.harvestSlippageBps - extraBps);
        rateDen = priceOut * 10 ** _rewardDecimals * BPS;
    }


    function _harvestFloorRateWad(uint256 price0, uint256 price1) internal view returns (uint256) {
        (uint256 rateNum, uint256 rateDen) = _harvestFloorRate(price0, price1, oracle.priceOf(address(rewardToken)), 0);
        return Math.mulDiv(rateNum, WAD, rateDen);
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

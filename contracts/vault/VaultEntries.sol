// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {VaultState} from "./VaultState.sol";

/// @title VaultEntries
/// @notice The leveraged vault's entry module: opening a position and adding collateral or debt to one. Reached only
///         through the vault, which delegatecalls it.
/// @dev Entries trade in the pair at its ratio, so they first check the pair's spot price against the oracle. The
///      share price they mint at counts the rewards waiting to be compounded (see VaultState).
abstract contract VaultEntries is VaultState {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice See ILeveragedVault.
    function open(OpenParams calldata params) external nonReentrant returns (uint256 positionId) {
        _requireBefore(params.deadline);
        VaultStorage storage $ = _storage();
        if ($.paused) revert VaultPaused();
        positionId = ++$.lastPositionId;
        Position storage position = $.positions[positionId];
        position.owner = msg.sender;
        emit PositionOpened(positionId, msg.sender);
        _increase(positionId, position, params);
    }


    /// @notice See ILeveragedVault.
    /// @dev While paused, adding collateral without borrowing still works.
    function increase(uint256 positionId, OpenParams calldata params) external nonReentrant {
        _requireBefore(params.deadline);
        Position storage position = _ownedPosition(positionId);
        if (_storage().paused && (params.borrow0 != 0 || params.borrow1 != 0)) revert VaultPaused();
        _increase(positionId, position, params);
    }


    /// @dev The position as the increase left it, valued after the zap (its swap fee raised the pair's invariant, and
    ///      so the LP's fair price): within the work factor and, when it borrowed, worth at least the vault's minimum.
    function _checkIncreased(uint256 positionId, Position storage position, Settlement memory s, bool borrowed) private view {
        VaultStorage storage $ = _storage();
        PositionView memory after_ = _health(positionId, position, s);
        if (after_.debtRatioBps > $.risk.workFactorBps) revert WorkFactorExceeded(after_.debtRatioBps, $.risk.workFactorBps);
        // Only a borrow makes a position that may need liquidating: adding collateral alone is never refused.
        if (borrowed) {
            uint256 minimumWad = $.minPositionValueUsd * WAD;
            if (after_.valueWad < minimumWad) revert PositionValueTooSmall(after_.valueWad, minimumWad);
        }
    }

    function _increase(uint256 positionId, Position storage position, OpenParams calldata params) private {
        if (params.amount0 == 0 && params.amount1 == 0 && params.borrow0 == 0 && params.borrow1 == 0) revert ZeroAmount();
        VaultStorage storage $ = _storage();
        (uint256 price0, uint256 price1, uint256 reserve0, uint256 reserve1) = _checkedPrices();
        uint256 lpPrice = _lpPriceAt(reserve0, reserve1, price0, price1);
        // Carries the prices and the pools' borrow indexes (read once) to both health checks.
        Settlement memory s;
        (s.price0, s.price1) = (price0, price1);
        // Leverage asked for, at oracle prices, before any swap: (position + supplied + borrowed) / (equity + supplied).
        if (params.borrow0 != 0 || params.borrow1 != 0) {
            uint256 currentValue;
            uint256 currentEquity;
            if (position.lpShares != 0) {
                PositionView memory current = _positionViewAt(positionId, position, price0, price1, lpPrice, s, false);
                (currentValue, currentEquity) = (current.valueWad, current.equityWad);
            }
            uint256 supplied = PositionMath.value(params.amount0, price0, _decimals0) + PositionMath.value(params.amount1, price1, _decimals1);
            uint256 borrowed = PositionMath.valueUp(params.borrow0, price0, _decimals0) + PositionMath.valueUp(params.borrow1, price1, _decimals1);
            uint256 equity = currentEquity + supplied;
            // Rounded down: the check compares against the cap, and a tie at the cap is allowed.
            uint256 leverage = equity == 0 ? type(uint256).max : ((currentValue + supplied + borrowed) * WAD) / equity;
            if (leverage > $.risk.maxLeverageWad) revert LeverageTooHigh(leverage, $.risk.maxLeverageWad);
        }
        // The share price is fixed before anything moves: staked LP plus the rewards waiting to be compounded.
        uint256 totalLp = $.totalLp;
        uint256 totalShares = $.totalLpShares;
        uint256 sharesPerLpNum = totalShares;
        uint256 sharesPerLpDen = totalShares == 0 ? 0 : totalLp + _pendingRewardsAsLpUp(lpPrice, price0, price1);
        if (params.amount0 > 0) token0.safeTransferFrom(msg.sender, address(this), params.amount0);
        if (params.amount1 > 0) token1.safeTransferFrom(msg.sender, address(this), params.amount1);
        if (params.borrow0 > 0) position.debtShares0 = (position.debtShares0 + _borrow(pool0, params.borrow0, $.maxDebt0)).toUint128();
        if (params.borrow1 > 0) position.debtShares1 = (position.debtShares1 + _borrow(pool1, params.borrow1, $.maxDebt1)).toUint128();
        uint256 lp = _zapAndStake(params.amount0 + params.borrow0, params.amount1 + params.borrow1);
        if (lp < params.minLp) revert InsufficientLiquidityMinted(lp, params.minLp);
        // Shares round down: a new deposit never dilutes the positions already in the vault. The first position
        // (or the first after all have left) gets one share per LP and whatever dust the vault still holds.
        uint256 shares = sharesPerLpDen == 0 ? lp : Math.mulDiv(lp, sharesPerLpNum, sharesPerLpDen);
        if (shares == 0) revert ZeroShares();
        if (shares < params.minShares) revert InsufficientSharesMinted(shares, params.minShares);
        $.totalLp = (totalLp + lp).toUint128();
        $.totalLpShares = (totalShares + shares).toUint128();
        uint256 positionShares = position.lpShares + shares;
        if (positionShares < minPositionShares) revert PositionTooSmall(positionShares, minPositionShares);
        position.lpShares = positionShares.toUint96();
        _checkIncreased(positionId, position, s, params.borrow0 != 0 || params.borrow1 != 0);
        emit PositionIncreased(positionId, params.amount0, params.amount1, params.borrow0, params.borrow1, lp, shares, positionShares);
        _recordTwap();
    }


    /// @dev Borrows from `pool` for the vault and checks the vault's cap; returns the debt shares minted.
    function _borrow(ILendingPool pool, uint256 amount, uint256 cap) private returns (uint256 debtShares) {
        debtShares = pool.borrow(amount);
        uint256 debtAfter = pool.borrowBalance(address(this));
        if (debtAfter > cap) revert VaultDebtCapExceeded(pool.asset(), debtAfter, cap);
    }
}

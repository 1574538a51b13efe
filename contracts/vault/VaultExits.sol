// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IFluxLiquidationCallee} from "../interfaces/IFluxLiquidationCallee.sol";
import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";
import {PoolMath} from "../libraries/PoolMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {VaultState} from "./VaultState.sol";

/// @title VaultExits
/// @notice The leveraged vault's exit module: everything that unwinds a position. The owner's close, liquidation
///         (by the pair within the oracle bound, or with the liquidator as counterparty at the oracle price) and the
///         execution of protection orders. Deployed once per vault implementation and reached only through the vault,
///         which delegatecalls it with the caller's calldata, so it runs in the vault's storage and balances.
/// @dev Exits never wait for the pair: a close that needs no swap reads no price, and every swap an exit makes is
///      bounded by the oracle price less a stated slippage instead of being blocked by a spot-price guard. The
///      entry points carry their own reentrancy lock, which is the vault's (same transient slot, same storage).
abstract contract VaultExits is VaultState {
    using SafeERC20 for IERC20;

    /// @notice Value (USD WAD) above the liquidator's bounty or the executor's fee below which what is left after a
    ///         deleverage goes to the caller with its reward instead of being kept for the owner: rounding, not worth
    ///         the owner's claim.
    uint256 public constant OWNER_CREDIT_DUST_WAD = 1e16;

    /// @dev How a deleverage (liquidation or deleverage order) is to run.
    struct DeleveragePlan {
        /// Debt ratio to return to; zero repays all debt.
        uint256 targetBps;
        /// The bounty or the executor's fee, as a share of the value unwound.
        uint256 rewardBps;
        uint256 slippageBps;
        /// Value set aside for the swap that buys the debt tokens (half the slippage bound: at most about half the
        /// unwound value is swapped), so the proceeds always cover the planned repayment; what the swap does not
        /// use goes to the owner. Zero when the caller brings the repayment.
        uint256 swapAllowanceBps;
        /// Liquidations may unwind everything; an order must stop short of it.
        bool wholeAllowed;
        /// By callback: an underwater position's LP is sold for its value less this (the swap allowance), so that a
        /// liquidator with no capital can burn it and swap in the pair to pay; zero when the caller brings capital.
        uint256 underwaterDiscountBps;
    }

    /// @dev How a liquidation is settled.
    enum LiquidationPath {
        /// The vault swaps in the pair within the oracle bound (`liquidate`).
        Swap,
        /// The caller pays the repayment and takes the LP (`liquidateWithRepayment`).
        Repayment,
        /// As Repayment, but the LP is sent first and the caller called back before it pays (`liquidateWithCallback`).
        Callback
    }

    /// @dev What a deleverage unwinds and repays.
    struct DeleverageAmounts {
        /// LP shares to take from the position; all of them when nothing less reaches the target.
        uint256 lpShares;
        bool whole;
        /// The fair value of those shares' LP.
        uint256 unwoundValue;
        uint256 debtShares0;
        uint256 debtShares1;
        uint256 need0;
        uint256 need1;
    }

    // ---------------------------------------------------------------- protection orders

    /// @notice See ILeveragedVault.
    /// @dev The trigger lies strictly between 0 and the kill factor, the target below the trigger; setting over an
    ///      existing order changes it.
    function setDeleverageOrder(uint256 positionId, DeleverageOrder calldata order) external {
        _ownedOpenPosition(positionId);
        uint256 killFactor = _storage().risk.killFactorBps;
        if (order.triggerDebtRatioBps == 0 || order.triggerDebtRatioBps >= killFactor) {
            revert TriggerOutOfRange(order.triggerDebtRatioBps, killFactor);
        }
        if (order.targetDebtRatioBps == 0 || order.targetDebtRatioBps >= order.triggerDebtRatioBps) {
            revert TargetNotBelowTrigger(order.targetDebtRatioBps, order.triggerDebtRatioBps);
        }
        _requireOrderCosts(order.executorFeeBps, order.maxSlippageBps);
        DeleverageOrder storage stored = _storage().orders[positionId].deleverage;
        bool replaced = stored.triggerDebtRatioBps != 0;
        _storage().orders[positionId].deleverage = order;
        emit DeleverageOrderSet(positionId, order, replaced);
    }


    /// @notice See ILeveragedVault.
    function setPriceOrder(uint256 positionId, PriceOrder calldata order) external {
        _ownedOpenPosition(positionId);
        if (
            (order.lowPriceWad == 0 && order.highPriceWad == 0)
                || (order.highPriceWad != 0 && order.lowPriceWad >= order.highPriceWad)
        ) revert InvalidPriceRange(order.lowPriceWad, order.highPriceWad);
        if (order.fractionBps == 0 || order.fractionBps > BPS) revert FractionOutOfRange(order.fractionBps);
        _requireOrderCosts(order.executorFeeBps, order.maxSlippageBps);
        PriceOrder storage stored = _storage().orders[positionId].price;
        bool replaced = stored.lowPriceWad != 0 || stored.highPriceWad != 0;
        _storage().orders[positionId].price = order;
        emit PriceOrderSet(positionId, order, replaced);
    }


    /// @notice See ILeveragedVault.
    function cancelDeleverageOrder(uint256 positionId) external {
        _ownedPosition(positionId);
        if (_storage().orders[positionId].deleverage.triggerDebtRatioBps == 0) revert NoOrder(positionId);
        delete _storage().orders[positionId].deleverage;
        emit DeleverageOrderCancelled(positionId);
    }


    /// @notice See ILeveragedVault.
    function cancelPriceOrder(uint256 positionId) external {
        _ownedPosition(positionId);
        PriceOrder storage stored = _storage().orders[positionId].price;
        if (stored.lowPriceWad == 0 && stored.highPriceWad == 0) revert NoOrder(positionId);
        delete _storage().orders[positionId].price;
        emit PriceOrderCancelled(positionId);
    }


    // ---------------------------------------------------------------- exits

    /// @notice See ILeveragedVault.
    /// @dev Closes `fractionBps` of the position: that part of its LP shares (rounded down) and of each debt
    ///      (rounded up). Never paused. A close that needs no swap (its proceeds cover its debt in each token and
    ///      the owner takes both tokens) reads no price, so it works with a stale feed and an unbalanced pair.
    function close(CloseParams calldata params) external nonReentrant returns (uint256 amount0, uint256 amount1) {
        _requireBefore(params.deadline);
        Position storage position = _ownedPosition(params.positionId);
        if (params.fractionBps == 0 || params.fractionBps > BPS) revert FractionOutOfRange(params.fractionBps);
        Settlement memory s;
        CloseOutcome memory outcome = _closePart(
            params.positionId, position, params.fractionBps, params.receiveAs, _storage().risk.swapSlippageBps, 0, s
        );
        (amount0, amount1) = (outcome.amount0, outcome.amount1);
        if (amount0 < params.minAmount0) revert SlippageExceeded(address(token0), amount0, params.minAmount0);
        if (amount1 < params.minAmount1) revert SlippageExceeded(address(token1), amount1, params.minAmount1);
        if (amount0 > 0) token0.safeTransfer(msg.sender, amount0);
        if (amount1 > 0) token1.safeTransfer(msg.sender, amount1);
        emit PositionDecreased(params.positionId, outcome.lpRemoved, outcome.repaid0, outcome.repaid1, amount0, amount1);
    }

    /// @notice See ILeveragedVault.
    /// @dev Judged at oracle prices only: the pair's spot price never blocks it. A position just past the kill
    ///      factor has only as much debt repaid as brings it back to `liquidationTargetBps`; a position worth less
    ///      than `fullLiquidationBelowUsd` has all its debt repaid. The vault unwinds LP worth the repayment plus the
    ///      bounty, repays the pools first (swapping within the oracle bound), pays the bounty out of what is left
    ///      and keeps anything above it for the owner; the rest of the position's LP stays the owner's, in the
    ///      position. A position that cannot cover its debt and the bounty is unwound whole: its shortfall is
    ///      written off by the pools (insurance reserve first), which pay the liquidator a capped incentive from what
    ///      the reserve has left. Nothing is ever sent to the owner, so no owner can block its own liquidation.
    function liquidate(uint256 positionId) external nonReentrant returns (DeleverageOutcome memory outcome) {
        return _liquidate(positionId, LiquidationPath.Swap, msg.data[0:0]);
    }

    /// @notice See ILeveragedVault.
    /// @dev The same plan as `liquidate`, with no trade in the pair: the caller pays the debt to be repaid (in each
    ///      debt token) and receives the LP it frees, unstaked, at the fair LP price, worth the repayment plus the
    ///      bounty. For an underwater position the caller pays the LP's whole value and the pools' reserves pay the
    ///      incentive.
    function liquidateWithRepayment(uint256 positionId) external nonReentrant returns (DeleverageOutcome memory outcome) {
        return _liquidate(positionId, LiquidationPath.Repayment, msg.data[0:0]);
    }

    /// @notice See ILeveragedVault.
    /// @dev The plan of `liquidateWithRepayment`, settled in the order of a flash swap: the position's LP shares and
    ///      the owner's credit are taken and the LP is sent to the caller, then the caller (`msg.sender`, never
    ///      another address) is called back, then the vault takes the repayment with `transferFrom` and repays the
    ///      pools and writes off. Every amount is fixed before the call back and nothing after it reads a price or a
    ///      balance, so a callee that re-enters (refused by the lock), moves the pair or pays less cannot change what
    ///      the pools and the owner get: paying less reverts the whole liquidation.
    function liquidateWithCallback(uint256 positionId, bytes calldata data)
        external
        nonReentrant
        returns (DeleverageOutcome memory outcome)
    {
        return _liquidate(positionId, LiquidationPath.Callback, data);
    }

    /// @notice See ILeveragedVault.
    /// @dev Anyone may execute a triggered order, also while the vault is paused; it runs once and is deleted.
    function executeDeleverageOrder(uint256 positionId) external nonReentrant returns (DeleverageOutcome memory outcome) {
        Position storage position = _openPosition(positionId);
        VaultStorage storage $ = _storage();
        DeleverageOrder memory order = $.orders[positionId].deleverage;
        if (order.triggerDebtRatioBps == 0) revert NoOrder(positionId);
        Settlement memory s;
        s.order = true;
        _loadPrices(s);
        PositionView memory health = _health(positionId, position, s);
        if (health.debtRatioBps < order.triggerDebtRatioBps) {
            revert DeleverageNotTriggered(positionId, health.debtRatioBps, order.triggerDebtRatioBps);
        }
        delete $.orders[positionId].deleverage;
        outcome = _deleverage(
            positionId,
            position,
            health,
            s,
            DeleveragePlan({
                targetBps: order.targetDebtRatioBps,
                rewardBps: order.executorFeeBps,
                slippageBps: order.maxSlippageBps,
                swapAllowanceBps: (uint256(order.maxSlippageBps) + 1) / 2, // rounded up
                wholeAllowed: false,
                underwaterDiscountBps: 0
            })
        );
        emit DeleverageOrderExecuted(positionId, msg.sender, health.debtRatioBps, outcome);
    }

    /// @notice See ILeveragedVault.
    /// @dev Token A's price reaching a bound counts: at or below `lowPriceWad`, at or above `highPriceWad`.
    function executePriceOrder(uint256 positionId) external nonReentrant returns (CloseOutcome memory outcome) {
        Position storage position = _openPosition(positionId);
        VaultStorage storage $ = _storage();
        PriceOrder memory order = $.orders[positionId].price;
        if (order.lowPriceWad == 0 && order.highPriceWad == 0) revert NoOrder(positionId);
        Settlement memory s;
        s.order = true;
        _loadPrices(s);
        uint256 price = order.priceOfToken1 ? s.price1 : s.price0;
        if (!((order.lowPriceWad != 0 && price <= order.lowPriceWad) || (order.highPriceWad != 0 && price >= order.highPriceWad))) {
            revert PriceNotTriggered(positionId, price, order.lowPriceWad, order.highPriceWad);
        }
        delete $.orders[positionId].price;
        outcome = _closePart(positionId, position, order.fractionBps, order.receiveAs, order.maxSlippageBps, order.executorFeeBps, s);
        address owner_ = position.owner;
        _pay(owner_, token0, outcome.amount0);
        _pay(owner_, token1, outcome.amount1);
        emit PriceOrderExecuted(positionId, msg.sender, price, outcome);
    }

    /// @dev Takes `lpShares` out of the position and returns the LP they hold (rounded down). Their share of the
    ///      uncompounded rewards (rounded down) is kept for the owner to claim in the reward token: a leaving
    ///      position takes the rewards it earned, and none that others earned.
    function _removeShares(uint256 positionId, Position storage position, uint256 lpShares) private returns (uint256 lp) {
        if (lpShares == 0) return 0;
        VaultStorage storage $ = _storage();
        uint256 totalLp = $.totalLp;
        uint256 totalShares = $.totalLpShares;
        uint256 reward = Math.mulDiv(lpShares, _pendingRewards(), totalShares);
        lp = Math.mulDiv(lpShares, totalLp, totalShares);
        $.totalLp = uint128(totalLp - lp);
        $.totalLpShares = uint128(totalShares - lpShares);
        position.lpShares -= uint96(lpShares); // fits: lpShares <= position.lpShares
        if (reward > 0) {
            address owner_ = position.owner;
            _credit(owner_, rewardToken, reward);
            emit RewardCredited(positionId, owner_, reward);
        }
    }

    /// @dev Removes `lpShares` of the position and unstakes and burns their LP into the two tokens. LP worth less
    ///      than one base unit of either token cannot be burnt: it stays with the positions that remain.
    function _unwind(uint256 positionId, Position storage position, uint256 lpShares)
        private
        returns (uint256 lp, uint256 amount0, uint256 amount1)
    {
        lp = _removeShares(positionId, position, lpShares);
        if (lp == 0) return (0, 0, 0);
        // burn() pays out of balances, which are at least the reserves.
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        uint256 pairSupply = pair.totalSupply();
        if (Math.mulDiv(lp, reserve0, pairSupply) == 0 || Math.mulDiv(lp, reserve1, pairSupply) == 0) {
            _storage().totalLp += uint128(lp); // fits: it was there a moment ago
            return (0, 0, 0);
        }
        _unstakeFromFarm(lp);
        IERC20(address(pair)).safeTransfer(address(pair), lp);
        (amount0, amount1) = pair.burn(address(this));
    }

    /// @dev Closes `fractionBps` of a position for its owner or its price order: repays that part of each debt from
    ///      the proceeds (swapping only what repayment needs, within the oracle bound), takes the executor's fee
    ///      when there is one, and converts the rest as asked. Returns the tokens for the owner without sending them.
    function _closePart(
        uint256 positionId,
        Position storage position,
        uint256 fractionBps,
        ReceiveAs receiveAs,
        uint256 slippageBps,
        uint256 feeBps,
        Settlement memory s
    ) private returns (CloseOutcome memory outcome) {
        uint256 lpShares = fractionBps == BPS ? position.lpShares : (uint256(position.lpShares) * fractionBps) / BPS;
        uint256 remaining = position.lpShares - lpShares;
        if (remaining != 0 && remaining < minPositionShares) revert PositionTooSmall(remaining, minPositionShares);
        uint256 debtShares0 = _partRoundedUp(position.debtShares0, fractionBps);
        uint256 debtShares1 = _partRoundedUp(position.debtShares1, fractionBps);
        uint256 unwoundValue;
        if (feeBps > 0) unwoundValue = (_health(positionId, position, s).valueWad * lpShares) / position.lpShares;

        (outcome.lpRemoved, s.balance0, s.balance1) = _unwind(positionId, position, lpShares);
        uint256 owed0 = _owedAt(s, true, debtShares0);
        uint256 owed1 = _owedAt(s, false, debtShares1);
        _coverDeficits(s, owed0, owed1, slippageBps);
        if (s.balance0 < owed0 || s.balance1 < owed1) revert InsufficientProceeds(positionId, owed0, s.balance0, owed1, s.balance1);
        outcome.repaid0 = _repayShares(position, true, debtShares0);
        outcome.repaid1 = _repayShares(position, false, debtShares1);
        (s.balance0, s.balance1) = (s.balance0 - outcome.repaid0, s.balance1 - outcome.repaid1);

        if (receiveAs == ReceiveAs.Token0 && s.balance1 > 0) _sell(s, false, s.balance1, slippageBps);
        else if (receiveAs == ReceiveAs.Token1 && s.balance0 > 0) _sell(s, true, s.balance0, slippageBps);
        if (s.order) {
            // The executor's fee absorbs what its swaps lost beyond a fair execution, so no front-run pays it more
            // than the fee; when the fee cannot absorb it, the order waits.
            uint256 feeValue = (unwoundValue * feeBps) / BPS;
            if (s.shortfall > feeValue) revert ExecutionShortfall(positionId, s.shortfall, feeValue);
            (outcome.fee0, outcome.fee1) = _takeValue(s, feeValue - s.shortfall);
            if (outcome.fee0 > 0) token0.safeTransfer(msg.sender, outcome.fee0);
            if (outcome.fee1 > 0) token1.safeTransfer(msg.sender, outcome.fee1);
        }
        (outcome.amount0, outcome.amount1) = (s.balance0, s.balance1);
        if (position.lpShares == 0) delete _storage().orders[positionId];
    }

    function _liquidate(uint256 positionId, LiquidationPath path, bytes calldata data) private returns (DeleverageOutcome memory outcome) {
        VaultStorage storage $ = _storage();
        Position storage position = $.positions[positionId];
        if (position.owner == address(0)) revert UnknownPosition(positionId);
        Settlement memory s;
        _loadPrices(s);
        PositionView memory health = _health(positionId, position, s);
        RiskParameters memory risk = $.risk;
        if (!health.liquidatable) revert PositionHealthy(positionId, health.debtRatioBps, risk.killFactorBps);
        DeleveragePlan memory plan = DeleveragePlan({
            targetBps: health.valueWad < uint256(risk.fullLiquidationBelowUsd) * WAD ? 0 : risk.liquidationTargetBps,
            rewardBps: risk.liquidationBountyBps,
            slippageBps: risk.swapSlippageBps,
            swapAllowanceBps: path == LiquidationPath.Swap ? (uint256(risk.swapSlippageBps) + 1) / 2 : 0, // rounded up
            wholeAllowed: true,
            underwaterDiscountBps: path == LiquidationPath.Callback ? (uint256(risk.swapSlippageBps) + 1) / 2 : 0
        });
        outcome = path == LiquidationPath.Swap
            ? _deleverage(positionId, position, health, s, plan)
            : _deleverageByRepayment(positionId, position, health, s, plan, path == LiquidationPath.Callback, data);
        emit PositionLiquidated(positionId, msg.sender, outcome);
    }

    /// @dev What to unwind and repay so the debt ratio lands on the plan's target after the reward and the swap
    ///      allowance: LP shares worth U with U (1 - reward - allowance) of debt repaid, each debt in proportion to
    ///      its value (shares rounded down, so the plan never repays more than that can pay for). A target of zero
    ///      repays all the debt. When the target needs the whole position (or would leave less than the minimum
    ///      position), the whole position is unwound and all its debt is to be repaid, as far as it goes.
    function _planDeleverage(
        uint256 positionId,
        Position storage position,
        PositionView memory health,
        Settlement memory s,
        DeleveragePlan memory plan
    ) private view returns (DeleverageAmounts memory amounts)
    {
        uint256 shares = position.lpShares;
        uint256 haircutBps = plan.rewardBps + plan.swapAllowanceBps;
        amounts.lpShares = PositionMath.sharesToReachTarget(shares, health.valueWad, health.debtValueWad, plan.targetBps, haircutBps);
        // A liquidation never leaves a position too small to be worth liquidating again (the vault's minimum value).
        if (
            amounts.lpShares >= shares || shares - amounts.lpShares < minPositionShares
                || (plan.wholeAllowed && health.valueWad - Math.mulDiv(health.valueWad, amounts.lpShares, shares) < _storage().minPositionValueUsd * WAD)
        ) {
            if (!plan.wholeAllowed) revert TargetUnreachable(positionId, health.debtRatioBps, plan.targetBps);
            amounts.lpShares = shares;
            amounts.whole = true;
        }
        amounts.unwoundValue = Math.mulDiv(health.valueWad, amounts.lpShares, shares);
        uint256 repayValue = (amounts.unwoundValue * (BPS - haircutBps)) / BPS;
        if (amounts.whole || repayValue >= health.debtValueWad) {
            (amounts.debtShares0, amounts.debtShares1, amounts.need0, amounts.need1) =
                (position.debtShares0, position.debtShares1, health.debt0, health.debt1);
        } else {
            amounts.debtShares0 = Math.mulDiv(position.debtShares0, repayValue, health.debtValueWad);
            amounts.debtShares1 = Math.mulDiv(position.debtShares1, repayValue, health.debtValueWad);
            amounts.need0 = _owedAt(s, true, amounts.debtShares0);
            amounts.need1 = _owedAt(s, false, amounts.debtShares1);
        }
    }

    /// @dev Liquidation or deleverage order through the pair: unwinds the planned LP, buys what repayment lacks in
    ///      one token with the other within the oracle bound, repays the pools, then pays the caller its reward out
    ///      of what is left. The caller is the residual claimant up to its reward, so a swap that executes badly (a
    ///      sandwich) costs the caller, never the owner or the pools; value above the reward (more than dust) is
    ///      kept for the owner to claim.
    function _deleverage(
        uint256 positionId,
        Position storage position,
        PositionView memory health,
        Settlement memory s,
        DeleveragePlan memory plan
    ) private returns (DeleverageOutcome memory outcome) {
        DeleverageAmounts memory amounts = _planDeleverage(positionId, position, health, s, plan);
        // Unwound whole with too little value for the bounty after the debt, nothing would absorb a swap's loss:
        // the pools would. Such a position is liquidated by repayment, where lenders lose exactly the shortfall.
        if (amounts.whole && health.debtValueWad * BPS > amounts.unwoundValue * (BPS - plan.rewardBps)) {
            revert UnderwaterNeedsRepayment(positionId, health.debtValueWad, health.valueWad);
        }
        outcome.whole = amounts.whole;
        (outcome.lpRemoved, s.balance0, s.balance1) = _unwind(positionId, position, amounts.lpShares);
        _coverDeficits(s, amounts.need0, amounts.need1, plan.slippageBps);
        _repayFromProceeds(positionId, position, amounts, s, outcome);
        // The owner is owed the unwound value at oracle prices less the debt repaid and the reward; the caller takes
        // what is left up to its reward, so it (not the owner) pays for any swap that executed badly.
        uint256 repaidValue = PositionMath.valueUp(outcome.repaid0, s.price0, _decimals0) + PositionMath.valueUp(outcome.repaid1, s.price1, _decimals1);
        // The swap allowance the swap did not use is part of what the owner is due.
        (uint256 ownerDue, uint256 rewardValue) = _ownerDue(amounts.unwoundValue, plan.rewardBps, repaidValue);
        uint256 residual = PositionMath.value(s.balance0, s.price0, _decimals0) + PositionMath.value(s.balance1, s.price1, _decimals1);
        uint256 ownerValue = Math.max(Math.min(residual, ownerDue), residual > rewardValue ? residual - rewardValue : 0);
        if (s.order) {
            // A deleverage order's executor is paid its fee less what its swaps lost beyond a fair execution (the
            // owner bears only that fair cost), or the order waits: no front-run pays the executor more than the fee.
            if (s.shortfall > rewardValue) revert ExecutionShortfall(positionId, s.shortfall, rewardValue);
            uint256 executorPay = rewardValue - s.shortfall;
            ownerValue = residual > executorPay ? residual - executorPay : 0;
        }
        if (ownerValue > OWNER_CREDIT_DUST_WAD) {
            (outcome.returned0, outcome.returned1) = _takeValue(s, ownerValue);
            address owner_ = position.owner;
            _credit(owner_, token0, outcome.returned0);
            _credit(owner_, token1, outcome.returned1);
        }
        (outcome.paid0, outcome.paid1) = (s.balance0, s.balance1);
        if (outcome.paid0 > 0) token0.safeTransfer(msg.sender, outcome.paid0);
        if (outcome.paid1 > 0) token1.safeTransfer(msg.sender, outcome.paid1);
        if (position.lpShares == 0) delete _storage().orders[positionId];
    }

    /// @dev Repays the pools out of the unwound proceeds held in `s`, which it debits. Unwound whole: all that the
    ///      proceeds cover, and the rest is written off; in part: exactly the planned debt shares, or it reverts.
    function _repayFromProceeds(
        uint256 positionId,
        Position storage position,
        DeleverageAmounts memory amounts,
        Settlement memory s,
        DeleverageOutcome memory outcome
    ) private {
        if (amounts.whole) {
            (outcome.repaid0, outcome.badDebt0, outcome.reserveCovered0, outcome.incentive0) = _repayOrWriteOff(position, true, s.balance0, s);
            s.balance0 -= outcome.repaid0;
            (outcome.repaid1, outcome.badDebt1, outcome.reserveCovered1, outcome.incentive1) = _repayOrWriteOff(position, false, s.balance1, s);
            s.balance1 -= outcome.repaid1;
        } else {
            if (s.balance0 < amounts.need0 || s.balance1 < amounts.need1) {
                revert InsufficientProceeds(positionId, amounts.need0, s.balance0, amounts.need1, s.balance1);
            }
            outcome.repaid0 = _repayShares(position, true, amounts.debtShares0);
            outcome.repaid1 = _repayShares(position, false, amounts.debtShares1);
            s.balance0 -= outcome.repaid0;
            s.balance1 -= outcome.repaid1;
        }
    }

    /// @dev Liquidation with the caller as the counterparty: it pays the planned repayment and takes the freed LP,
    ///      unstaked, worth the repayment plus the bounty at the fair LP price. An underwater position's LP costs its
    ///      whole value (less the plan's underwater discount, by callback), in proportion to the debts, and the rest
    ///      of the debt is written off; a position unwound whole above water costs its debt plus the owner's equity
    ///      above the bounty. By callback, the LP goes out and the caller is called back before it pays.
    function _deleverageByRepayment(
        uint256 positionId,
        Position storage position,
        PositionView memory health,
        Settlement memory s,
        DeleveragePlan memory plan,
        bool callback,
        bytes calldata data
    ) private returns (DeleverageOutcome memory outcome) {
        DeleverageAmounts memory amounts = _planDeleverage(positionId, position, health, s, plan);
        outcome.whole = amounts.whole;
        // What the caller pays for an underwater position's LP: its value, less the discount (rounded up).
        uint256 price = Math.mulDiv(amounts.unwoundValue, BPS - plan.underwaterDiscountBps, BPS, Math.Rounding.Ceil);
        if (amounts.whole && health.debtValueWad > price) {
            // Underwater: the LP is sold to the caller for that price (no bounty out of it). The debt it repays is
            // rounded up, so the part written off (the lenders' loss) never exceeds the shortfall and the discount.
            amounts.debtShares0 = Math.mulDiv(position.debtShares0, price, health.debtValueWad, Math.Rounding.Ceil);
            amounts.debtShares1 = Math.mulDiv(position.debtShares1, price, health.debtValueWad, Math.Rounding.Ceil);
            amounts.need0 = _owedAt(s, true, amounts.debtShares0);
            amounts.need1 = _owedAt(s, false, amounts.debtShares1);
        } else if (amounts.whole) {
            // Whole but above water (a small position, or one whose remainder would be dust): the caller also pays
            // the owner's equity above the bounty, in the debt tokens in proportion to the debts (rounded up, so
            // the caller never gets more than the bounty), kept for the owner to claim.
            // Between debt and debt plus the bounty, the caller's bounty shrinks to what is there; the owner gets none.
            (uint256 ownerValue,) = _ownerDue(amounts.unwoundValue, plan.rewardBps, health.debtValueWad);
            if (ownerValue > OWNER_CREDIT_DUST_WAD) {
                uint256 ownerValue0 = Math.mulDiv(
                    ownerValue, PositionMath.valueUp(health.debt0, s.price0, _decimals0), health.debtValueWad, Math.Rounding.Ceil
                );
                if (ownerValue0 > ownerValue) ownerValue0 = ownerValue;
                outcome.returned0 = PositionMath.amountForUp(ownerValue0, s.price0, _decimals0);
                outcome.returned1 = PositionMath.amountForUp(ownerValue - ownerValue0, s.price1, _decimals1);
                address owner_ = position.owner;
                _credit(owner_, token0, outcome.returned0);
                _credit(owner_, token1, outcome.returned1);
            }
        }
        outcome.lpRemoved = _handOverAndCollect(
            positionId, position, amounts.lpShares, amounts.need0 + outcome.returned0, amounts.need1 + outcome.returned1, callback, data
        );
        outcome.lpPaid = outcome.lpRemoved;
        outcome.repaid0 = _repayShares(position, true, amounts.debtShares0);
        outcome.repaid1 = _repayShares(position, false, amounts.debtShares1);
        if (amounts.whole) {
            (, outcome.badDebt0, outcome.reserveCovered0, outcome.incentive0) = _repayOrWriteOff(position, true, 0, s);
            (, outcome.badDebt1, outcome.reserveCovered1, outcome.incentive1) = _repayOrWriteOff(position, false, 0, s);
        }
        if (position.lpShares == 0) delete _storage().orders[positionId];
    }

    /// @dev Takes `lpShares` out of the position and sends their LP, unstaked, to the caller first (a flash swap's
    ///      order), calls the caller back when asked, then takes `pay0` and `pay1` from it: if they do not come, the
    ///      whole liquidation reverts. Returns the LP sent.
    function _handOverAndCollect(
        uint256 positionId,
        Position storage position,
        uint256 lpShares,
        uint256 pay0,
        uint256 pay1,
        bool callback,
        bytes calldata data
    ) private returns (uint256 lp) {
        lp = _removeShares(positionId, position, lpShares);
        if (lp > 0) {
            _unstakeFromFarm(lp);
            IERC20(address(pair)).safeTransfer(msg.sender, lp);
        }
        if (callback) IFluxLiquidationCallee(msg.sender).onFluxLiquidation(positionId, lp, pay0, pay1, data);
        if (pay0 > 0) token0.safeTransferFrom(msg.sender, address(this), pay0);
        if (pay1 > 0) token1.safeTransferFrom(msg.sender, address(this), pay1);
    }

    /// @dev What the owner of a position is due out of `unwoundValue` (USD WAD, oracle prices): what is left after
    ///      `debtValue` and the caller's bounty of `rewardBps` on the value unwound, or zero when nothing is.
    function _ownerDue(uint256 unwoundValue, uint256 rewardBps, uint256 debtValue) private pure returns (uint256 ownerDue, uint256 rewardValue) {
        rewardValue = (unwoundValue * rewardBps) / BPS; // down: the bounty is never more than its rate
        ownerDue = unwoundValue > debtValue + rewardValue ? unwoundValue - debtValue - rewardValue : 0;
    }

    /// @dev Makes each balance cover its need where the other token has a surplus: buys the deficit with the surplus
    ///      in the pair, within the oracle bound, spending the whole surplus when it cannot buy all of it.
    function _coverDeficits(Settlement memory s, uint256 need0, uint256 need1, uint256 slippageBps) private {
        if (s.balance0 < need0 && s.balance1 > need1) _buy(s, true, need0 - s.balance0, s.balance1 - need1, slippageBps);
        else if (s.balance1 < need1 && s.balance0 > need0) _buy(s, false, need1 - s.balance1, s.balance0 - need0, slippageBps);
    }

    function _buy(Settlement memory s, bool buyToken0, uint256 amountNeeded, uint256 spendable, uint256 slippageBps) private {
        _loadPrices(s);
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = buyToken0 ? (uint256(reserve1), uint256(reserve0)) : (uint256(reserve0), uint256(reserve1));
        uint256 amountOut = amountNeeded;
        uint256 amountIn = amountOut < reserveOut ? LiquidityMath.getAmountIn(amountOut, reserveIn, reserveOut) : type(uint256).max;
        if (amountIn > spendable) {
            amountIn = spendable;
            amountOut = LiquidityMath.getAmountOut(amountIn, reserveIn, reserveOut);
        }
        if (amountOut == 0) return;
        _swapWithinBound(s, !buyToken0, amountIn, amountOut, slippageBps, reserve0, reserve1);
        if (buyToken0) (s.balance0, s.balance1) = (s.balance0 + amountOut, s.balance1 - amountIn);
        else (s.balance0, s.balance1) = (s.balance0 - amountIn, s.balance1 + amountOut);
    }

    /// @dev Sells exactly `amountIn` of token 0 (sellToken0) or token 1 into the pair, within the oracle bound.
    function _sell(Settlement memory s, bool sellToken0, uint256 amountIn, uint256 slippageBps) private {
        _loadPrices(s);
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        uint256 amountOut = sellToken0
            ? LiquidityMath.getAmountOut(amountIn, reserve0, reserve1)
            : LiquidityMath.getAmountOut(amountIn, reserve1, reserve0);
        if (amountOut == 0) return; // dust that buys nothing stays with the owner as it is
        _swapWithinBound(s, sellToken0, amountIn, amountOut, slippageBps, reserve0, reserve1);
        if (sellToken0) (s.balance0, s.balance1) = (s.balance0 - amountIn, s.balance1 + amountOut);
        else (s.balance0, s.balance1) = (s.balance0 + amountOut, s.balance1 - amountIn);
    }

    /// @dev Swaps in the pair after checking that what comes out is worth at least (1 - slippage) of what goes in at
    ///      oracle prices (input valued up, output down).
    function _swapWithinBound(
        Settlement memory s,
        bool sellToken0,
        uint256 amountIn,
        uint256 amountOut,
        uint256 slippageBps,
        uint256 reserve0,
        uint256 reserve1
    ) private {
        uint256 valueIn = sellToken0 ? PositionMath.valueUp(amountIn, s.price0, _decimals0) : PositionMath.valueUp(amountIn, s.price1, _decimals1);
        uint256 valueOut = sellToken0 ? PositionMath.value(amountOut, s.price1, _decimals1) : PositionMath.value(amountOut, s.price0, _decimals0);
        if (s.order) {
            // A fair execution: the same sale into reserves of the pair's product k priced at the oracle
            // (x = sqrt(k / p), y = k / x) when the order's first swap runs, fee and price impact included.
            if (s.fair0 == 0) {
                s.fair0 = Math.sqrt(Math.mulDiv(reserve0 * reserve1, s.price1 * 10 ** _decimals0, s.price0 * 10 ** _decimals1));
                s.fair1 = Math.mulDiv(reserve0, reserve1, s.fair0);
            }
            uint256 fairValue;
            if (sellToken0) {
                uint256 fairOut = LiquidityMath.getAmountOut(amountIn, s.fair0, s.fair1);
                fairValue = PositionMath.value(fairOut, s.price1, _decimals1);
                (s.fair0, s.fair1) = (s.fair0 + amountIn, s.fair1 - fairOut);
            } else {
                uint256 fairOut = LiquidityMath.getAmountOut(amountIn, s.fair1, s.fair0);
                fairValue = PositionMath.value(fairOut, s.price0, _decimals0);
                (s.fair0, s.fair1) = (s.fair0 - fairOut, s.fair1 + amountIn);
            }
            if (fairValue > valueOut + OWNER_CREDIT_DUST_WAD) s.shortfall += fairValue - valueOut;
        }
        if (valueOut * BPS < valueIn * (BPS - slippageBps)) {
            (uint256 spot, uint256 fair) = _spotAndFairPrices(s.price0, s.price1, reserve0, reserve1);
            revert SwapOutsideOracleBound(spot, fair, ((valueIn - valueOut) * BPS) / valueIn, slippageBps);
        }
        if (sellToken0) {
            token0.safeTransfer(address(pair), amountIn);
            pair.swap(0, amountOut, address(this), "");
        } else {
            token1.safeTransfer(address(pair), amountIn);
            pair.swap(amountOut, 0, address(this), "");
        }
    }

    /// @dev Takes tokens worth `valueWad` at oracle prices out of the settlement's balances, pro rata across both
    ///      tokens (rounded down), or everything when the balances are worth less.
    function _takeValue(Settlement memory s, uint256 valueWad) private view returns (uint256 taken0, uint256 taken1) {
        if (valueWad == 0) return (0, 0);
        uint256 total = PositionMath.value(s.balance0, s.price0, _decimals0) + PositionMath.value(s.balance1, s.price1, _decimals1);
        if (total <= valueWad) {
            (taken0, taken1) = (s.balance0, s.balance1);
        } else {
            taken0 = Math.mulDiv(s.balance0, valueWad, total);
            taken1 = Math.mulDiv(s.balance1, valueWad, total);
        }
        (s.balance0, s.balance1) = (s.balance0 - taken0, s.balance1 - taken1);
    }

    /// @dev Repays exactly `debtShares` of the position's debt in one token from the vault's balance.
    function _repayShares(Position storage position, bool isToken0, uint256 debtShares) private returns (uint256 repaid) {
        if (debtShares == 0) return 0;
        if (isToken0) {
            repaid = pool0.repayShares(address(this), debtShares);
            position.debtShares0 -= uint128(debtShares); // fits: debtShares <= position.debtShares0
        } else {
            repaid = pool1.repayShares(address(this), debtShares);
            position.debtShares1 -= uint128(debtShares);
        }
    }

    /// @dev When the whole position is unwound: repays its remaining debt in one token with `balance` if it covers it,
    ///      else the whole shares `balance` can pay (a leftover below one share's worth stays in the balance), and
    ///      the pool writes off the rest, paying the caller (unless it is the owner) a share of that bad debt from
    ///      the reserve above its floor.
    function _repayOrWriteOff(Position storage position, bool isToken0, uint256 balance, Settlement memory s)
        private
        returns (uint256 repaid, uint256 badDebt, uint256 reserveCovered, uint256 incentive)
    {
        ILendingPool pool = isToken0 ? pool0 : pool1;
        uint256 debtShares = isToken0 ? position.debtShares0 : position.debtShares1;
        if (debtShares == 0) return (0, 0, 0, 0);
        uint256 payable_ = balance == 0 ? 0 : Math.min(debtShares, PoolMath.divWadDown(balance, _borrowIndex(s, isToken0)));
        repaid = _repayShares(position, isToken0, payable_);
        uint256 unpaid = debtShares - payable_;
        if (unpaid > 0) {
            // The incentive is a share of the bad debt this write-off clears; an owner clearing his own position's
            // gets none (a second account gets the same share, which never pays for the equity lost).
            (badDebt, reserveCovered, incentive) = pool.writeOffBadDebt(unpaid, msg.sender == position.owner ? address(0) : msg.sender);
            if (isToken0) position.debtShares0 = 0;
            else position.debtShares1 = 0;
        }
    }

    function _ownedOpenPosition(uint256 positionId) private view {
        Position storage position = _ownedPosition(positionId);
        if (position.lpShares == 0) revert PositionClosed(positionId);
    }


    function _requireOrderCosts(uint256 executorFeeBps, uint256 maxSlippageBps) private pure {
        if (executorFeeBps > MAX_EXECUTOR_FEE_BPS) revert ExecutorFeeTooHigh(executorFeeBps, MAX_EXECUTOR_FEE_BPS);
        if (maxSlippageBps == 0 || maxSlippageBps > MAX_ORDER_SLIPPAGE_BPS) {
            revert OrderSlippageOutOfRange(maxSlippageBps, MAX_ORDER_SLIPPAGE_BPS);
        }
    }

}

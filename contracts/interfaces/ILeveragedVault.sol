// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {ILendingPool} from "./ILendingPool.sol";
import {IPriceOracle} from "./IPriceOracle.sol";

/// @title ILeveragedVaultTypes
/// @notice The leveraged vault's records, events and errors, shared by the vault, its exit module and callers.
interface ILeveragedVaultTypes {
    // ---------------------------------------------------------------- records

    /// @notice How a closing position's proceeds come back: as both tokens (minimize trading) or as one token.
    enum ReceiveAs {
        BothTokens,
        Token0,
        Token1
    }

    /// @notice A position: its owner, its share of the vault's staked LP, and its debt in the pools' own shares.
    struct Position {
        address owner;
        uint96 lpShares;
        uint128 debtShares0;
        uint128 debtShares1;
    }

    /// @notice Risk parameters, all checked against bounds on-chain. One storage slot.
    struct RiskParameters {
        /// Highest debt ratio a position may have after open or adjust (9000 = 90%, i.e. 10x).
        uint16 workFactorBps;
        /// Debt ratio above which anyone may liquidate; above the work factor.
        uint16 killFactorBps;
        /// Share of the liquidated value paid to the liquidator, after the debt is repaid.
        uint16 liquidationBountyBps;
        /// Largest gap between the pair's spot price and the oracle's that an open, increase or harvest accepts;
        /// an open or increase into a vault with positions also holds the pair's TWAP to it.
        uint16 maxPriceDeviationBps;
        /// Largest leverage a farmer may ask for (WAD, 3e18 is 3x); never above 10x.
        uint64 maxLeverageWad;
        /// Largest loss against the oracle price that a harvest's reward sale accepts; also the band within which
        /// the reward pair's spot must agree with the feeds for an entry that pays for pending rewards.
        uint16 harvestSlippageBps;
        /// Most a harvest sells in one call, as a share of the reward pair's reward-token reserve: below the
        /// 0.3% at which a sandwich around the sale starts to pay for its own swap fees.
        uint16 harvestMaxSaleBps;
        /// Largest loss against the oracle price that any swap inside close, liquidation or a protection order
        /// accepts (fees and price impact included).
        uint16 swapSlippageBps;
        /// Debt ratio a partial liquidation brings a position back to; at or below the work factor.
        uint16 liquidationTargetBps;
        /// Positions worth less than this (whole USD) are liquidated in full rather than in part.
        uint32 fullLiquidationBelowUsd;
    }

    /// @notice Collateral to supply, amounts to borrow, the least LP and LP shares to accept, and a deadline: for
    ///         opening a position and for adding to one.
    struct OpenParams {
        uint256 amount0;
        uint256 amount1;
        uint256 borrow0;
        uint256 borrow1;
        uint256 minLp;
        uint256 minShares;
        uint256 deadline;
    }

    struct CloseParams {
        uint256 positionId;
        /// Part of the position to close: 10000 closes it fully.
        uint256 fractionBps;
        ReceiveAs receiveAs;
        uint256 minAmount0;
        uint256 minAmount1;
        uint256 deadline;
    }

    /// @notice What a position is worth, as the vault judges it (oracle prices, fair LP price).
    struct PositionView {
        uint256 positionId;
        address owner;
        uint256 lpShares;
        uint256 lpAmount;
        /// Farm rewards earned by the position and not yet compounded (paid in the reward token when it closes).
        uint256 pendingReward;
        uint256 debt0;
        uint256 debt1;
        uint256 valueWad;
        uint256 debtValueWad;
        uint256 equityWad;
        uint256 debtRatioBps;
        bool liquidatable;
    }

    /// @notice "When the debt ratio reaches `triggerDebtRatioBps`, unwind just enough to bring it back to
    ///         `targetDebtRatioBps`." Active while the trigger is non-zero.
    struct DeleverageOrder {
        uint16 triggerDebtRatioBps;
        uint16 targetDebtRatioBps;
        /// Paid to whoever executes the order, as a share of the value unwound; at most MAX_EXECUTOR_FEE_BPS.
        uint16 executorFeeBps;
        /// Largest loss against the oracle price the order's swaps may take.
        uint16 maxSlippageBps;
    }

    /// @notice "When token A's oracle price reaches `lowPriceWad` or `highPriceWad`, close `fractionBps` of the
    ///         position and send the proceeds as `receiveAs`." A zero bound is not set. Active while a bound is set.
    struct PriceOrder {
        uint96 lowPriceWad;
        uint96 highPriceWad;
        /// Token A is token 1 (else token 0).
        bool priceOfToken1;
        ReceiveAs receiveAs;
        uint16 fractionBps;
        uint16 executorFeeBps;
        uint16 maxSlippageBps;
    }

    /// @notice A position's protection orders.
    struct ProtectionOrders {
        DeleverageOrder deleverage;
        PriceOrder price;
    }

    /// @notice Everything a liquidation or a deleverage order did, in token units.
    struct DeleverageOutcome {
        /// Whether the whole position was unwound (it could not reach the target with less).
        bool whole;
        uint256 lpRemoved;
        uint256 repaid0;
        uint256 repaid1;
        /// Paid to the liquidator (the bounty) or the order's executor (its fee), from what was left after the debt.
        uint256 paid0;
        uint256 paid1;
        /// LP tokens the caller took, in `liquidateWithRepayment` or `liquidateWithCallback` (worth its repayment plus
        /// the bounty).
        uint256 lpPaid;
        /// Kept for the owner to claim: value left above the bounty or fee.
        uint256 returned0;
        uint256 returned1;
        /// Debt the proceeds could not repay, written off by the pools...
        uint256 badDebt0;
        uint256 badDebt1;
        /// ...of which their insurance reserves absorbed this much (lenders lost the rest)...
        uint256 reserveCovered0;
        uint256 reserveCovered1;
        /// ...and the reserves paid the liquidator this incentive for clearing it.
        uint256 incentive0;
        uint256 incentive1;
    }

    /// @notice Everything a close (by the owner or by a price order) did, in token units.
    struct CloseOutcome {
        uint256 lpRemoved;
        uint256 repaid0;
        uint256 repaid1;
        uint256 fee0;
        uint256 fee1;
        uint256 amount0;
        uint256 amount1;
    }

    /// @notice What a harvest would do now.
    struct HarvestPlan {
        /// Reward tokens the vault would hold after claiming: pending in the farm plus already in the vault.
        uint256 rewardAvailable;
        /// What it sells in this call: the most that fits the oracle bound and the size cap.
        uint256 rewardToSell;
        /// What the sale returns, and the oracle-derived least it must return.
        uint256 amountOut;
        uint256 minAmountOut;
    }

    // ---------------------------------------------------------------- events

    event PositionOpened(uint256 indexed positionId, address indexed owner);
    /// @notice Collateral and/or borrowed tokens went into position `positionId` as `lpAdded` LP and `sharesMinted`
    ///         LP shares; the position now holds `lpShares`.
    event PositionIncreased(
        uint256 indexed positionId,
        uint256 amount0,
        uint256 amount1,
        uint256 borrow0,
        uint256 borrow1,
        uint256 lpAdded,
        uint256 sharesMinted,
        uint256 lpShares
    );
    /// @notice The owner repaid debt of position `positionId` from its wallet.
    event DebtRepaid(uint256 indexed positionId, uint256 repaid0, uint256 repaid1);
    /// @notice Part of position `positionId` was closed by its owner (or by its price order, see PriceOrderExecuted).
    event PositionDecreased(
        uint256 indexed positionId,
        uint256 lpRemoved,
        uint256 repaid0,
        uint256 repaid1,
        uint256 returned0,
        uint256 returned1
    );
    /// @notice The uncompounded rewards owed to LP shares leaving position `positionId` are kept for its owner to
    ///         claim (`claim(rewardToken, to)`).
    event RewardCredited(uint256 indexed positionId, address indexed owner, uint256 amount);
    /// @notice Position `positionId` was liquidated, fully or in part; `outcome` says how each token was covered.
    event PositionLiquidated(uint256 indexed positionId, address indexed liquidator, DeleverageOutcome outcome);
    /// @notice Farm rewards were sold and compounded into `lpAdded` LP shared by every position; `rewardCarried`
    ///         did not fit the harvest's bounds and waits for the next harvest.
    event Harvested(
        address indexed caller, uint256 rewardSold, uint256 rewardCarried, uint256 amountOut, uint256 lpAdded, uint256 totalLp
    );
    /// @notice A payment to `account` could not be delivered (a token that blocks the address): it is kept for
    ///         them to claim with `claim`.
    event PaymentDeferred(address indexed account, address indexed token, uint256 amount);
    event Claimed(address indexed account, address indexed token, address to, uint256 amount);
    /// @notice The owner of position `positionId` set (`replaced` false) or changed its deleverage order.
    event DeleverageOrderSet(uint256 indexed positionId, DeleverageOrder order, bool replaced);
    event PriceOrderSet(uint256 indexed positionId, PriceOrder order, bool replaced);
    event DeleverageOrderCancelled(uint256 indexed positionId);
    event PriceOrderCancelled(uint256 indexed positionId);
    /// @notice `executor` executed position `positionId`'s deleverage order at debt ratio `debtRatioBps`.
    event DeleverageOrderExecuted(
        uint256 indexed positionId, address indexed executor, uint256 debtRatioBps, DeleverageOutcome outcome
    );
    /// @notice `executor` executed position `positionId`'s price order at oracle price `priceWad` of token A.
    event PriceOrderExecuted(uint256 indexed positionId, address indexed executor, uint256 priceWad, CloseOutcome outcome);
    event RiskParametersUpdated(RiskParameters parameters);
    event DebtCapsUpdated(uint256 maxDebt0, uint256 maxDebt1);
    /// @notice Positions must now be worth at least `newUsd` (whole USD) after an open or increase that borrows.
    event MinPositionValueUpdated(uint256 oldUsd, uint256 newUsd);
    event GuardianUpdated(address indexed oldGuardian, address indexed newGuardian);
    event PauseUpdated(bool paused);

    // ---------------------------------------------------------------- errors

    error ZeroAmount();
    error ZeroAddress();
    /// @notice An open or increase would mint no LP shares.
    error ZeroShares();
    error DeadlineExpired(uint256 deadline, uint256 timestamp);
    error VaultPaused();
    error NotGuardian(address caller);
    error UnknownPosition(uint256 positionId);
    error NotPositionOwner(uint256 positionId, address caller);
    /// @notice The position holds no LP: it has been closed or fully liquidated.
    error PositionClosed(uint256 positionId);
    /// @notice A position would hold fewer LP shares than `minPositionShares` (and more than none).
    error PositionTooSmall(uint256 lpShares, uint256 minPositionShares);
    /// @notice After this borrowing open or increase the position would be worth `valueWad` (USD WAD), below the
    ///         vault's minimum `minimumWad`: smaller positions do not pay a liquidator's gas at the bounty.
    error PositionValueTooSmall(uint256 valueWad, uint256 minimumWad);
    /// @notice A token that does not fit the vault's wiring (at construction: a pool or reward pair).
    error WrongToken(address token);
    /// @notice The farmer asked for more leverage than the vault allows.
    error LeverageTooHigh(uint256 leverageWad, uint256 maxLeverageWad);
    /// @notice After the operation the position's debt ratio would be above the work factor.
    error WorkFactorExceeded(uint256 debtRatioBps, uint256 workFactorBps);
    /// @notice The vault's total debt in `token` would exceed its cap.
    error VaultDebtCapExceeded(address token, uint256 debtAfter, uint256 cap);
    /// @notice The pair's spot price (token 0 in token 1, WAD) is too far from the oracle's for an entry or a
    ///         harvest to trade in it: someone may be manipulating it, or it has not caught up with the market.
    error PriceDeviationTooHigh(uint256 spotPriceWad, uint256 oraclePriceWad, uint256 maxDeviationBps);
    /// @notice A swap inside close, liquidation or an order would lose `shortfallBps` against the oracle, more than
    ///         `maxSlippageBps`; the pair's spot price (token 0 in token 1) stands at `spotPriceWad` against the
    ///         oracle's `oraclePriceWad`. A liquidation can still go through `liquidateWithRepayment`.
    error SwapOutsideOracleBound(uint256 spotPriceWad, uint256 oraclePriceWad, uint256 shortfallBps, uint256 maxSlippageBps);
    /// @notice Fewer LP tokens than the caller's minimum were minted.
    error InsufficientLiquidityMinted(uint256 lp, uint256 minLp);
    /// @notice Fewer LP shares than the caller's minimum were minted: the share price moved against the caller.
    error InsufficientSharesMinted(uint256 shares, uint256 minShares);
    /// @notice The caller would receive less than its minimum of `token`.
    error SlippageExceeded(address token, uint256 amount, uint256 minAmount);
    /// @notice The harvest's sale returned less than the stricter of the oracle floor and the caller's minimum.
    error HarvestSlippageExceeded(uint256 amountOut, uint256 minAmountOut);
    /// @notice The reward pair's price is so far below the oracle's that no sale fits the harvest's bound now.
    error HarvestNothingSellable(uint256 rewardAvailable, uint256 spotOutPerRewardWad, uint256 floorOutPerRewardWad);
    /// @notice The position's debt ratio is at or below the kill factor.
    error PositionHealthy(uint256 positionId, uint256 debtRatioBps, uint256 killFactorBps);
    /// @notice The proceeds of this part of the position would not repay its debt; repay from the wallet first.
    error InsufficientProceeds(uint256 positionId, uint256 owed0, uint256 available0, uint256 owed1, uint256 available1);
    error FractionOutOfRange(uint256 fractionBps);
    /// @notice A risk parameter is outside its on-chain bounds; `parameter` names it.
    error InvalidRiskParameter(string parameter);
    /// @notice A module was built for another pair, pools, oracle or farm.
    error WrongModule(address module);
    /// @notice An upgrade must keep the vault's pair.
    error UpgradeChangesPair(address pair, address newPair);
    /// @notice A deleverage trigger must lie strictly between 0 and the kill factor.
    error TriggerOutOfRange(uint256 triggerDebtRatioBps, uint256 killFactorBps);
    /// @notice A deleverage target must be above 0 and below its trigger.
    error TargetNotBelowTrigger(uint256 targetDebtRatioBps, uint256 triggerDebtRatioBps);
    /// @notice A price order needs at least one bound, and its low bound below its high bound.
    error InvalidPriceRange(uint256 lowPriceWad, uint256 highPriceWad);
    /// @notice An order's executor fee is above MAX_EXECUTOR_FEE_BPS.
    error ExecutorFeeTooHigh(uint256 executorFeeBps, uint256 maxExecutorFeeBps);
    /// @notice An order's slippage bound is zero or above MAX_ORDER_SLIPPAGE_BPS.
    error OrderSlippageOutOfRange(uint256 maxSlippageBps, uint256 maxOrderSlippageBps);
    /// @notice The position has no active order of this kind.
    error NoOrder(uint256 positionId);
    /// @notice The deleverage order's trigger has not been reached: the debt ratio is `debtRatioBps`.
    error DeleverageNotTriggered(uint256 positionId, uint256 debtRatioBps, uint256 triggerDebtRatioBps);
    /// @notice Token A's oracle price `priceWad` is inside the order's range.
    error PriceNotTriggered(uint256 positionId, uint256 priceWad, uint256 lowPriceWad, uint256 highPriceWad);
    /// @notice Position `positionId` is underwater (its value less the bounty does not cover its debt): liquidate it
    ///         with `liquidateWithRepayment` or `liquidateWithCallback`, so no swap's loss falls on the pools.
    error UnderwaterNeedsRepayment(uint256 positionId, uint256 debtValueWad, uint256 valueWad);
    /// @notice No partial unwind can bring the position to the order's target (it would need the whole position).
    error TargetUnreachable(uint256 positionId, uint256 debtRatioBps, uint256 targetDebtRatioBps);
    /// @notice Nothing is kept for the caller to claim in `token`.
    error NothingToClaim(address token);
    /// @notice `pair` has no price observation from an earlier block yet, so its time-weighted average is unknown;
    ///         a harvest (anyone may call it) records one.
    error TwapUnavailable(address pair);
    /// @notice `pair`'s spot price or its time-weighted average disagrees with the feeds' price by more than
    ///         `bandBps`, so an action that would move value between farmers waits (all three in the same units:
    ///         the vault pair's token 0 in token 1, WAD; the reward pair's reward base unit in the other token's base
    ///         units, scaled by 1e36).
    error PriceSourcesDisagree(address pair, uint256 spot, uint256 twap, uint256 feed, uint256 bandBps);
    /// @notice An order's swaps returned `shortfallWad` (USD) less than they would at the reference price (the
    ///         stricter of the feeds and the pair's TWAP, the same pair's depth), more than the executor's fee
    ///         `feeWad` can absorb: the owner would lose to the execution, so it waits.
    error ExecutionShortfall(uint256 positionId, uint256 shortfallWad, uint256 feeWad);

    /// @notice The vault recorded the cumulative prices of its pair and its reward pair (the TWAP's observations).
    event PricesObserved(uint256 pairCumulative, uint256 rewardCumulative);
}

/// @title ILeveragedVaultWiring
/// @notice What a leveraged vault is built on: fixed at construction, immutable code of its implementation.
interface ILeveragedVaultWiring {
    /// @notice The pair whose LP this vault farms, its tokens in the pair's order, and the pools lending them.
    function pair() external view returns (IUniswapV2Pair);
    function token0() external view returns (IERC20);
    function token1() external view returns (IERC20);
    function pool0() external view returns (ILendingPool);
    function pool1() external view returns (ILendingPool);
    /// @notice USD prices of both tokens and of the reward token.
    function oracle() external view returns (IPriceOracle);
    /// @notice The farm's reward token, and the pair that sells it for one of the vault's tokens.
    function rewardToken() external view returns (IERC20);
    function rewardPair() external view returns (IUniswapV2Pair);
    /// @notice Every position holds no LP shares or at least this many.
    function minPositionShares() external view returns (uint256);
}

/// @title ILeveragedVault
/// @notice The leveraged farming vault as the lens, keepers, the app and other contracts see it: its records, its
///         events and errors, and its entry points. One vault per Uniswap V2 pair and farm.
interface ILeveragedVault is ILeveragedVaultTypes, ILeveragedVaultWiring {
    // ---------------------------------------------------------------- farmers

    /// @notice Opens a position: pulls the collateral, borrows, zaps into LP and stakes it.
    function open(OpenParams calldata params) external returns (uint256 positionId);

    /// @notice Adds collateral and/or borrows more into an existing position.
    function increase(uint256 positionId, OpenParams calldata params) external;

    /// @notice Repays debt of a position from the owner's wallet; type(uint256).max repays that debt in full.
    function repayDebt(uint256 positionId, uint256 amount0, uint256 amount1) external;

    /// @notice Closes part or all of a position and sends the proceeds to its owner.
    function close(CloseParams calldata params) external returns (uint256 amount0, uint256 amount1);

    /// @notice Sends the caller what the vault keeps for it in `token` (payments it could not deliver) to `to`.
    function claim(address token, address to) external returns (uint256 amount);

    function setDeleverageOrder(uint256 positionId, DeleverageOrder calldata order) external;
    function setPriceOrder(uint256 positionId, PriceOrder calldata order) external;
    function cancelDeleverageOrder(uint256 positionId) external;
    function cancelPriceOrder(uint256 positionId) external;

    // ---------------------------------------------------------------- keepers

    /// @notice Liquidates a position past the kill factor, swapping in the pair within the oracle bound.
    function liquidate(uint256 positionId) external returns (DeleverageOutcome memory outcome);

    /// @notice Liquidates a position past the kill factor with the caller as the swap's counterparty at the oracle
    ///         price: it pays what the proceeds lack in one token and takes the other's surplus, then the bounty.
    function liquidateWithRepayment(uint256 positionId) external returns (DeleverageOutcome memory outcome);

    /// @notice Liquidates a position past the kill factor with no capital: the same plan as `liquidateWithRepayment`,
    ///         but the vault first sends the caller the freed LP, then calls the caller's
    ///         `IFluxLiquidationCallee.onFluxLiquidation` with `data`, then takes the repayment; all in one transaction.
    ///         An underwater position's LP costs its value less the vault's swap allowance, so that burning it and
    ///         swapping in the pair can pay; the rest of its debt is written off.
    function liquidateWithCallback(uint256 positionId, bytes calldata data) external returns (DeleverageOutcome memory outcome);

    function executeDeleverageOrder(uint256 positionId) external returns (DeleverageOutcome memory outcome);
    function executePriceOrder(uint256 positionId) external returns (CloseOutcome memory outcome);

    /// @notice Claims, sells within bounds and compounds farm rewards; `minAmountOut` is the caller's own floor.
    function harvest(uint256 minAmountOut) external returns (uint256 lpAdded);

    // ---------------------------------------------------------------- views


    function positionView(uint256 positionId) external view returns (PositionView memory);
    function positions(uint256 positionId) external view returns (Position memory);
    function protectionOrders(uint256 positionId) external view returns (ProtectionOrders memory);
    function lastPositionId() external view returns (uint256);
    /// @notice LP staked for all positions, and the LP shares they hold.
    function totals() external view returns (uint256 totalLp, uint256 totalLpShares);
    /// @notice Reward tokens not yet compounded: pending in the farm plus held by the vault.
    function pendingRewards() external view returns (uint256);
    /// @notice LP shares an open or increase adding `lp` LP would mint now.
    function sharesForLp(uint256 lp) external view returns (uint256);
    function previewHarvest() external view returns (HarvestPlan memory);
    function riskParameters() external view returns (RiskParameters memory);
    function configuration() external view returns (uint256 maxDebt0, uint256 maxDebt1, address guardian, bool paused);
    function claimable(address token, address account) external view returns (uint256);
    /// @notice The least a position may be worth (whole USD, oracle prices) after an open or increase that borrows;
    ///         zero: none.
    function minPositionValueUsd() external view returns (uint256);
}

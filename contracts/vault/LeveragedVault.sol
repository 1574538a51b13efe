// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {LendingPool} from "../pool/LendingPool.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";
import {PoolMath} from "../libraries/PoolMath.sol";

/// @title LeveragedVault
/// @notice Leveraged liquidity positions on one Uniswap V2 pair, staked in one farm. A farmer supplies token 0,
///         token 1 or both, borrows more of either from the core pools, and the vault zaps everything into LP
///         and stakes it. Positions share the vault's staked LP through LP shares, so a harvest that compounds
///         rewards grows every position at once. No opening, deposit, withdrawal or performance fee.
/// @dev Abstract over the farm: a concrete vault supplies the four farm hooks (StakingRewardsVault for
///      Synthetix-style farms; a MasterChef vault would implement the same hooks with a pid).
///      Valuation always uses the fair LP price from oracle prices; every entry that trades or judges health first
///      checks that the pair's spot price is within `maxPriceDeviationBps` of the oracle's.
///      Per-position debt is held in the core pools' own borrow shares, so the positions' debts add up exactly to
///      what the vault owes the pools.
abstract contract LeveragedVault is Ownable2StepUpgradeable, UUPSUpgradeable, ReentrancyGuardTransientUpgradeable {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant WAD = 1e18;
    /// @notice No vault ever allows more than 10x leverage.
    uint256 public constant MAX_LEVERAGE_WAD = 10 * WAD;
    /// @notice The liquidation bounty can never be set above 5% of the position's value.
    uint256 public constant MAX_LIQUIDATION_BOUNTY_BPS = 500;

    /// @notice How a closing position's proceeds come back: as both tokens (minimize trading) or as one token.
    enum ReceiveAs {
        BothTokens,
        Token0,
        Token1
    }

    struct Position {
        address owner;
        uint96 lpShares;
        uint128 debtShares0;
        uint128 debtShares1;
    }

    /// @notice Risk parameters, all checked against bounds on-chain.
    struct RiskParameters {
        /// Highest debt ratio a position may have after open or adjust (9000 = 90%, i.e. 10x).
        uint16 workFactorBps;
        /// Debt ratio at which anyone may liquidate; above the work factor.
        uint16 killFactorBps;
        /// Share of the position's value paid to the liquidator.
        uint16 liquidationBountyBps;
        /// Largest allowed gap between the pair's spot price and the oracle's.
        uint16 maxPriceDeviationBps;
        /// Largest leverage a farmer may ask for (WAD, 3e18 is 3x); never above 10x.
        uint64 maxLeverageWad;
        /// Largest loss to slippage a harvest swap accepts against the oracle price.
        uint16 harvestSlippageBps;
    }

    /// @notice Collateral to supply, amounts to borrow, the least LP to accept, and a deadline: for opening a
    ///         position and for adding to one.
    struct OpenParams {
        uint256 amount0;
        uint256 amount1;
        uint256 borrow0;
        uint256 borrow1;
        uint256 minLp;
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
        uint256 lpAmount;
        uint256 debt0;
        uint256 debt1;
        uint256 valueWad;
        uint256 debtValueWad;
        uint256 equityWad;
        uint256 debtRatioBps;
        bool liquidatable;
    }

    /// @custom:storage-location erc7201:flux.storage.LeveragedVault
    struct VaultStorage {
        // slot 0: the shared LP
        uint128 totalLp;
        uint128 totalLpShares;
        // slot 1: risk parameters and switches
        RiskParameters risk;
        uint64 lastPositionId;
        bool paused;
        // slot 2+
        uint128 maxDebt0;
        uint128 maxDebt1;
        address guardian;
        mapping(uint256 positionId => Position) positions;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.LeveragedVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE_LOCATION = 0x4216d4a4d4aeb0245a9144253d4462e32ea8799b7fcb651ef857027ef368fa00;

    // The vault's wiring is immutable code of its implementation, not storage: it never changes and costs no
    // storage reads. Each vault has its own implementation; _authorizeUpgrade refuses one for another pair.

    /// @notice The pair whose LP this vault farms.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IUniswapV2Pair public immutable pair;
    /// @notice The pair's tokens, in the pair's order.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable token0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable token1;
    /// @notice The core pools this vault borrows token 0 and token 1 from.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    LendingPool public immutable pool0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    LendingPool public immutable pool1;
    /// @notice USD prices of both tokens and of the reward token.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPriceOracle public immutable oracle;
    /// @notice The farm's reward token, and the pair that converts it into one of this vault's tokens.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IERC20 public immutable rewardToken;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IUniswapV2Pair public immutable rewardPair;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    bool private immutable _rewardIsToken0InRewardPair;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    bool private immutable _rewardBuysToken0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 private immutable _decimals0;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    uint8 private immutable _decimals1;

    // ---------------------------------------------------------------- events

    event PositionOpened(uint256 indexed positionId, address indexed owner);
    /// @notice Collateral and/or borrowed tokens went into position `positionId` as `lpAdded` LP.
    event PositionIncreased(
        uint256 indexed positionId,
        uint256 amount0,
        uint256 amount1,
        uint256 borrow0,
        uint256 borrow1,
        uint256 lpAdded,
        uint256 lpShares
    );
    /// @notice The owner repaid debt of position `positionId` from its wallet.
    event DebtRepaid(uint256 indexed positionId, uint256 repaid0, uint256 repaid1);
    /// @notice `lpRemoved` LP of position `positionId` was unwound; debt repaid; the rest sent to the owner.
    event PositionDecreased(
        uint256 indexed positionId,
        uint256 lpRemoved,
        uint256 repaid0,
        uint256 repaid1,
        uint256 returned0,
        uint256 returned1
    );
    /// @notice Position `positionId` was liquidated. `badDebt0/1` are what the proceeds could not repay and the
    ///         pools wrote off (reserve first, then lenders).
    event PositionLiquidated(
        uint256 indexed positionId,
        address indexed liquidator,
        uint256 bounty0,
        uint256 bounty1,
        uint256 repaid0,
        uint256 repaid1,
        uint256 returned0,
        uint256 returned1,
        uint256 badDebt0,
        uint256 badDebt1
    );
    /// @notice Farm rewards were sold and compounded into `lpAdded` LP shared by every position.
    event Harvested(address indexed caller, uint256 rewardAmount, uint256 lpAdded, uint256 totalLp);
    event RiskParametersUpdated(RiskParameters parameters);
    event DebtCapsUpdated(uint256 maxDebt0, uint256 maxDebt1);
    event GuardianUpdated(address indexed oldGuardian, address indexed newGuardian);
    event PauseUpdated(bool paused);

    // ---------------------------------------------------------------- errors

    error ZeroAmount();
    error ZeroAddress();
    error DeadlineExpired(uint256 deadline, uint256 timestamp);
    error VaultPaused();
    error NotGuardian(address caller);
    error UnknownPosition(uint256 positionId);
    error NotPositionOwner(uint256 positionId, address caller);
    /// @notice A token that is neither of the pair's (at construction: a pool or reward pair that does not fit).
    error WrongToken(address token);
    /// @notice The farmer asked for more leverage than the vault allows.
    error LeverageTooHigh(uint256 leverageWad, uint256 maxLeverageWad);
    /// @notice After the operation the position's debt ratio would be above the work factor.
    error WorkFactorExceeded(uint256 debtRatioBps, uint256 workFactorBps);
    /// @notice The vault's total debt in `token` would exceed its cap.
    error VaultDebtCapExceeded(address token, uint256 debtAfter, uint256 cap);
    /// @notice The pair's spot price is too far from the oracle price: someone may be manipulating it.
    error PriceDeviationTooHigh(uint256 spotPriceWad, uint256 oraclePriceWad, uint256 maxDeviationBps);
    /// @notice Fewer LP tokens than the caller's minimum were minted.
    error InsufficientLiquidityMinted(uint256 lp, uint256 minLp);
    /// @notice The caller would receive less than its minimum of `token`.
    error SlippageExceeded(address token, uint256 amount, uint256 minAmount);
    /// @notice The harvest swap returned less than the oracle-derived minimum.
    error HarvestSlippageExceeded(uint256 amountOut, uint256 minAmountOut);
    /// @notice The position's debt ratio is at or below the kill factor.
    error PositionHealthy(uint256 positionId, uint256 debtRatioBps, uint256 killFactorBps);
    /// @notice Closing this position would not repay its debt; add collateral or repay first.
    error InsufficientProceeds(uint256 positionId);
    error FractionOutOfRange(uint256 fractionBps);
    /// @notice A risk parameter is outside its on-chain bounds.
    error InvalidRiskParameters();
    /// @notice An upgrade must keep the vault's pair.
    error UpgradeChangesPair(address pair, address newPair);

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
        LendingPool pool0_,
        LendingPool pool1_,
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
        _disableInitializers();
    }

    // OpenZeppelin's naming for the initializer of an abstract parent.
    // solhint-disable-next-line func-name-mixedcase
    function __LeveragedVault_init(
        address owner_,
        address guardian_,
        RiskParameters calldata risk,
        uint256 maxDebt0,
        uint256 maxDebt1
    ) internal onlyInitializing {
        if (owner_ == address(0)) revert ZeroAddress();
        __Ownable_init(owner_);
        __ReentrancyGuardTransient_init();
        _setRiskParameters(risk);
        _setDebtCaps(maxDebt0, maxDebt1);
        _storage().guardian = guardian_;
        emit GuardianUpdated(address(0), guardian_);
        // The vault repays the pools and pays the pair from its own balance; approving once here saves an
        // approval on every operation.
        token0.forceApprove(address(pool0), type(uint256).max);
        token1.forceApprove(address(pool1), type(uint256).max);
    }

    // ---------------------------------------------------------------- farm hooks

    /// @dev Stakes `lp` LP tokens the vault holds.
    function _stakeInFarm(uint256 lp) internal virtual;
    /// @dev Unstakes `lp` LP tokens to the vault.
    function _unstakeFromFarm(uint256 lp) internal virtual;
    /// @dev Claims accrued rewards to the vault.
    function _claimFarmRewards() internal virtual;
    /// @dev Rewards accrued and not yet claimed.
    function _pendingFarmRewards() internal view virtual returns (uint256);

    // ---------------------------------------------------------------- farmers

    /// @notice Opens a position: pulls the collateral, borrows, zaps into LP and stakes it.
    /// @return positionId The new position's id; the caller owns it.
    function open(OpenParams calldata params) external nonReentrant returns (uint256 positionId) {
        _requireBefore(params.deadline);
        VaultStorage storage $ = _storage();
        if ($.paused) revert VaultPaused();
        positionId = ++$.lastPositionId;
        $.positions[positionId].owner = msg.sender;
        emit PositionOpened(positionId, msg.sender);
        _increase(positionId, params.amount0, params.amount1, params.borrow0, params.borrow1, params.minLp);
    }

    /// @notice Adds collateral and/or borrows more into an existing position (raising or lowering leverage).
    /// @dev While paused, adding collateral without borrowing still works.
    function increase(uint256 positionId, OpenParams calldata params) external nonReentrant {
        _requireBefore(params.deadline);
        _requireOwner(positionId);
        if (_storage().paused && (params.borrow0 != 0 || params.borrow1 != 0)) revert VaultPaused();
        _increase(positionId, params.amount0, params.amount1, params.borrow0, params.borrow1, params.minLp);
    }

    /// @notice Repays up to `amount0` / `amount1` of the position's debt from the caller's wallet (lowers leverage).
    ///         type(uint256).max repays that debt in full.
    function repayDebt(uint256 positionId, uint256 amount0, uint256 amount1) external nonReentrant {
        _requireOwner(positionId);
        if (amount0 == 0 && amount1 == 0) revert ZeroAmount();
        Position storage position = _storage().positions[positionId];
        uint256 repaid0 = _repayFromWallet(pool0, token0, position, true, amount0);
        uint256 repaid1 = _repayFromWallet(pool1, token1, position, false, amount1);
        emit DebtRepaid(positionId, repaid0, repaid1);
    }

    /// @notice Closes `fractionBps` of a position: unstakes and removes that part of its LP, repays that part of
    ///         its debt (swapping only what repayment needs) and sends the rest to the owner, as both tokens or as
    ///         one token. Never paused.
    function close(CloseParams calldata params) external nonReentrant returns (uint256 amount0, uint256 amount1) {
        _requireBefore(params.deadline);
        _requireOwner(params.positionId);
        if (params.fractionBps == 0 || params.fractionBps > BPS) revert FractionOutOfRange(params.fractionBps);
        _checkedPrices(); // the manipulation guard: a close trades in the pair
        Position storage position = _storage().positions[params.positionId];
        uint256 lpShares = (uint256(position.lpShares) * params.fractionBps) / BPS;
        uint256 debtShares0 = _partRoundedUp(position.debtShares0, params.fractionBps);
        uint256 debtShares1 = _partRoundedUp(position.debtShares1, params.fractionBps);

        (uint256 lpRemoved, uint256 balance0, uint256 balance1) = _removeLiquidity(position, lpShares);
        uint256 repaid0;
        uint256 repaid1;
        (balance0, balance1, repaid0, repaid1) = _repayFromProceeds(
            position,
            [debtShares0, debtShares1],
            [_owed(pool0, debtShares0), _owed(pool1, debtShares1)],
            balance0,
            balance1
        );
        if ((debtShares0 > 0 && repaid0 == 0) || (debtShares1 > 0 && repaid1 == 0)) {
            revert InsufficientProceeds(params.positionId);
        }
        (amount0, amount1) = _convertProceeds(balance0, balance1, params.receiveAs);
        if (amount0 < params.minAmount0) revert SlippageExceeded(address(token0), amount0, params.minAmount0);
        if (amount1 < params.minAmount1) revert SlippageExceeded(address(token1), amount1, params.minAmount1);
        _send(msg.sender, amount0, amount1);
        emit PositionDecreased(params.positionId, lpRemoved, repaid0, repaid1, amount0, amount1);
    }

    // ---------------------------------------------------------------- keepers

    /// @notice Liquidates a position whose debt ratio is above the kill factor: unwinds it, pays the caller the
    ///         bounty, repays the pools and returns what remains to the owner. A shortfall is written off by the
    ///         pools (insurance reserve first, then lenders) and recorded in the event.
    function liquidate(uint256 positionId) external nonReentrant {
        VaultStorage storage $ = _storage();
        Position storage position = $.positions[positionId];
        address owner_ = position.owner;
        if (owner_ == address(0)) revert UnknownPosition(positionId);
        (uint256 price0, uint256 price1) = _checkedPrices();
        PositionView memory health = _view(positionId, position, price0, price1);
        if (!health.liquidatable) revert PositionHealthy(positionId, health.debtRatioBps, $.risk.killFactorBps);

        // bounty0, bounty1, repaid0, repaid1, returned0, returned1, badDebt0, badDebt1 (an array: stack depth)
        uint256[8] memory outcome;
        (, uint256 balance0, uint256 balance1) = _removeLiquidity(position, position.lpShares);
        // The bounty comes first, from both tokens pro rata, so liquidating stays worth a keeper's gas even when
        // the position is underwater; its size is capped at 5% of the position by the admin bound.
        uint256 bountyBps = $.risk.liquidationBountyBps;
        outcome[0] = (balance0 * bountyBps) / BPS;
        outcome[1] = (balance1 * bountyBps) / BPS;
        _send(msg.sender, outcome[0], outcome[1]);
        balance0 -= outcome[0];
        balance1 -= outcome[1];

        uint256 debtShares0 = position.debtShares0;
        uint256 debtShares1 = position.debtShares1;
        // The health check valued the whole debt in this block: the same amounts repay it.
        (balance0, balance1, outcome[2], outcome[3]) =
            _repayFromProceeds(position, [debtShares0, debtShares1], [health.debt0, health.debt1], balance0, balance1);
        // Whatever the proceeds could not cover: repay with what is left, write off the rest.
        if (debtShares0 > 0 && outcome[2] == 0) {
            (balance0, outcome[2], outcome[6]) = _settleShortfall(pool0, position, true, balance0);
        }
        if (debtShares1 > 0 && outcome[3] == 0) {
            (balance1, outcome[3], outcome[7]) = _settleShortfall(pool1, position, false, balance1);
        }
        outcome[4] = balance0;
        outcome[5] = balance1;
        _send(owner_, balance0, balance1);
        emit PositionLiquidated(
            positionId,
            msg.sender,
            outcome[0],
            outcome[1],
            outcome[2],
            outcome[3],
            outcome[4],
            outcome[5],
            outcome[6],
            outcome[7]
        );
    }

    /// @notice Claims the farm's rewards, sells them for the pair's tokens at no worse than the oracle price less
    ///         the harvest slippage, adds the liquidity and restakes it. Every position's LP grows pro rata.
    ///         Permissionless and fee-free; harmless when there is nothing to claim or no position to credit.
    function harvest() external nonReentrant returns (uint256 lpAdded) {
        // With no position holding shares, compounded LP would belong to nobody: leave the rewards in the farm
        // for the positions that come next.
        if (_storage().totalLpShares == 0) return 0;
        _claimFarmRewards();
        uint256 rewardAmount = rewardToken.balanceOf(address(this));
        if (rewardAmount == 0) return 0;
        (uint256 price0, uint256 price1) = _checkedPrices();

        // Sell the reward for whichever of the pair's tokens its reward pair holds.
        (uint112 reserve0, uint112 reserve1,) = rewardPair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = _rewardIsToken0InRewardPair ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 amountOut = LiquidityMath.getAmountOut(rewardAmount, reserveIn, reserveOut);
        uint256 minAmountOut = _harvestMinimumOut(rewardAmount, _rewardBuysToken0 ? price0 : price1, _rewardBuysToken0);
        if (amountOut < minAmountOut) revert HarvestSlippageExceeded(amountOut, minAmountOut);
        rewardToken.safeTransfer(address(rewardPair), rewardAmount);
        if (_rewardIsToken0InRewardPair) rewardPair.swap(0, amountOut, address(this), "");
        else rewardPair.swap(amountOut, 0, address(this), "");

        lpAdded = _rewardBuysToken0 ? _zapAndStake(amountOut, 0) : _zapAndStake(0, amountOut);
        VaultStorage storage $ = _storage();
        uint256 totalLp = $.totalLp + lpAdded;
        $.totalLp = uint128(totalLp);
        emit Harvested(msg.sender, rewardAmount, lpAdded, totalLp);
    }

    // ---------------------------------------------------------------- views

    /// @notice What a harvest would sell now: pending rewards and their USD value (WAD), for keepers weighing gas.
    function pendingHarvest() external view returns (uint256 rewardAmount, uint256 rewardValueWad) {
        rewardAmount = _pendingFarmRewards() + rewardToken.balanceOf(address(this));
        rewardValueWad = rewardAmount == 0 ? 0 : oracle.usdValueOf(address(rewardToken), rewardAmount);
    }

    /// @notice A position's value, debt, equity, debt ratio and whether it may be liquidated, at oracle prices.
    function positionView(uint256 positionId) external view returns (PositionView memory) {
        Position storage position = _storage().positions[positionId];
        if (position.owner == address(0)) revert UnknownPosition(positionId);
        return _view(positionId, position, oracle.priceOf(address(token0)), oracle.priceOf(address(token1)));
    }

    /// @notice Up to `count` positions from id `firstId` on (closed ones included, with zero values), so a keeper
    ///         scans thousands of positions in a few calls. Ids start at 1; `lastPositionId` is the newest.
    function positionViews(uint256 firstId, uint256 count) external view returns (PositionView[] memory views) {
        VaultStorage storage $ = _storage();
        uint256 lastId = $.lastPositionId;
        if (firstId == 0) firstId = 1;
        if (firstId > lastId) return views;
        uint256 end = firstId + count - 1 > lastId ? lastId : firstId + count - 1;
        views = new PositionView[](end - firstId + 1);
        uint256 price0 = oracle.priceOf(address(token0));
        uint256 price1 = oracle.priceOf(address(token1));
        for (uint256 id = firstId; id <= end; ++id) {
            views[id - firstId] = _view(id, $.positions[id], price0, price1);
        }
    }

    /// @notice The newest position id (ids run from 1).
    function lastPositionId() external view returns (uint256) {
        return _storage().lastPositionId;
    }

    /// @notice A position's raw record.
    function positions(uint256 positionId) external view returns (Position memory) {
        return _storage().positions[positionId];
    }

    /// @notice LP staked for all positions, and the LP shares they hold.
    function totals() external view returns (uint256 totalLp, uint256 totalLpShares) {
        VaultStorage storage $ = _storage();
        return ($.totalLp, $.totalLpShares);
    }

    /// @notice The risk parameters.
    function riskParameters() external view returns (RiskParameters memory) {
        return _storage().risk;
    }

    /// @notice The caps on the vault's total debt per token, the guardian and the pause switch.
    function configuration() external view returns (uint256 maxDebt0, uint256 maxDebt1, address guardian, bool paused) {
        VaultStorage storage $ = _storage();
        return ($.maxDebt0, $.maxDebt1, $.guardian, $.paused);
    }

    // ---------------------------------------------------------------- admin

    /// @notice Sets the risk parameters, within on-chain bounds. Owner only.
    function setRiskParameters(RiskParameters calldata risk) external onlyOwner {
        _setRiskParameters(risk);
    }

    /// @notice Caps the vault's total debt in each token. Owner only.
    function setDebtCaps(uint256 maxDebt0, uint256 maxDebt1) external onlyOwner {
        _setDebtCaps(maxDebt0, maxDebt1);
    }

    /// @notice Names the guardian, who may pause. Owner only.
    function setGuardian(address newGuardian) external onlyOwner {
        VaultStorage storage $ = _storage();
        emit GuardianUpdated($.guardian, newGuardian);
        $.guardian = newGuardian;
    }

    /// @notice Pauses or resumes opening and borrowing. The guardian may only pause; the owner may do both.
    ///         Closing, repaying, harvesting and liquidation never pause.
    function setPaused(bool paused_) external {
        VaultStorage storage $ = _storage();
        if (msg.sender != owner() && (msg.sender != $.guardian || !paused_)) revert NotGuardian(msg.sender);
        $.paused = paused_;
        emit PauseUpdated(paused_);
    }

    // ---------------------------------------------------------------- internals: positions

    function _increase(
        uint256 positionId,
        uint256 amount0,
        uint256 amount1,
        uint256 borrow0,
        uint256 borrow1,
        uint256 minLp
    ) private {
        if (amount0 == 0 && amount1 == 0 && borrow0 == 0 && borrow1 == 0) revert ZeroAmount();
        VaultStorage storage $ = _storage();
        Position storage position = $.positions[positionId];
        (uint256 price0, uint256 price1) = _checkedPrices();

        // Leverage asked for, at oracle prices, before any swap: (position + supplied + borrowed) / (equity + supplied).
        {
            // A new position holds nothing yet: skip valuing it.
            PositionView memory current;
            if (position.lpShares != 0) current = _view(positionId, position, price0, price1);
            uint256 supplied = _value(amount0, price0, _decimals0) + _value(amount1, price1, _decimals1);
            uint256 borrowed = _valueUp(borrow0, price0, _decimals0) + _valueUp(borrow1, price1, _decimals1);
            uint256 equity = current.equityWad + supplied;
            if (borrowed > 0) {
                uint256 leverage = equity == 0 ? type(uint256).max : ((current.valueWad + supplied + borrowed) * WAD) / equity;
                if (leverage > $.risk.maxLeverageWad) revert LeverageTooHigh(leverage, $.risk.maxLeverageWad);
            }
        }

        if (amount0 > 0) token0.safeTransferFrom(msg.sender, address(this), amount0);
        if (amount1 > 0) token1.safeTransferFrom(msg.sender, address(this), amount1);
        if (borrow0 > 0) position.debtShares0 += uint128(_borrow(pool0, borrow0, $.maxDebt0));
        if (borrow1 > 0) position.debtShares1 += uint128(_borrow(pool1, borrow1, $.maxDebt1));

        uint256 lp = _zapAndStake(amount0 + borrow0, amount1 + borrow1);
        if (lp < minLp) revert InsufficientLiquidityMinted(lp, minLp);
        uint256 totalLp = $.totalLp;
        uint256 totalShares = $.totalLpShares;
        // Shares round down: a new deposit never dilutes the positions already in the vault.
        uint256 shares = totalShares == 0 ? lp : (lp * totalShares) / totalLp;
        if (shares == 0) revert ZeroAmount();
        $.totalLp = uint128(totalLp + lp);
        $.totalLpShares = uint128(totalShares + shares);
        position.lpShares += uint96(shares);

        PositionView memory after_ = _view(positionId, position, price0, price1);
        if (after_.debtRatioBps > $.risk.workFactorBps) revert WorkFactorExceeded(after_.debtRatioBps, $.risk.workFactorBps);
        emit PositionIncreased(positionId, amount0, amount1, borrow0, borrow1, lp, position.lpShares);
    }

    /// @dev Borrows from `pool` for the vault and checks the vault's cap; returns the debt shares minted.
    function _borrow(LendingPool pool, uint256 amount, uint256 cap) private returns (uint256 debtShares) {
        debtShares = pool.borrow(amount);
        uint256 debtAfter = pool.borrowBalance(address(this));
        if (debtAfter > cap) revert VaultDebtCapExceeded(pool.asset(), debtAfter, cap);
    }

    /// @dev Swaps the excess side to the pair's ratio, adds the liquidity and stakes it; returns the LP minted.
    ///      What cannot be matched (a few wei of rounding) stays in the pair, shared by its liquidity providers.
    function _zapAndStake(uint256 amount0, uint256 amount1) private returns (uint256 lp) {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
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
                }
            } else {
                uint256 out = LiquidityMath.getAmountOut(swapAmount, reserve1, reserve0);
                if (out > 0) {
                    token1.safeTransfer(address(pair), swapAmount);
                    pair.swap(out, 0, address(this), "");
                    (amount0, amount1) = (amount0 + out, amount1 - swapAmount);
                }
            }
        }
        if (amount0 > 0) token0.safeTransfer(address(pair), amount0);
        if (amount1 > 0) token1.safeTransfer(address(pair), amount1);
        lp = pair.mint(address(this));
        _stakeInFarm(lp);
    }

    /// @dev Unstakes and burns `lpShares` worth of the position's LP; returns the LP and the tokens received.
    function _removeLiquidity(Position storage position, uint256 lpShares)
        private
        returns (uint256 lp, uint256 amount0, uint256 amount1)
    {
        // An emptied position has nothing to remove (and the vault may hold no shares at all).
        if (lpShares == 0) return (0, 0, 0);
        VaultStorage storage $ = _storage();
        uint256 totalLp = $.totalLp;
        uint256 totalShares = $.totalLpShares;
        // LP out rounds down: a withdrawal never takes LP that belongs to other positions.
        lp = (lpShares * totalLp) / totalShares;
        $.totalLp = uint128(totalLp - lp);
        $.totalLpShares = uint128(totalShares - lpShares);
        position.lpShares -= uint96(lpShares);
        if (lp == 0) return (0, 0, 0);
        _unstakeFromFarm(lp);
        IERC20(address(pair)).safeTransfer(address(pair), lp);
        (amount0, amount1) = pair.burn(address(this));
    }

    /// @dev Repays `debtShares0/1` of the position from the balances, swapping the surplus of one token for the
    ///      other only as much as repayment needs. Repays nothing of a token it cannot fully cover.
    ///      Returns what is left of each token and the tokens repaid (zero where the debt could not be covered).
    function _repayFromProceeds(
        Position storage position,
        uint256[2] memory debtShares,
        uint256[2] memory owed,
        uint256 balance0,
        uint256 balance1
    ) private returns (uint256, uint256, uint256 repaid0, uint256 repaid1) {
        (uint256 debtShares0, uint256 debtShares1) = (debtShares[0], debtShares[1]);
        (uint256 owed0, uint256 owed1) = (owed[0], owed[1]);
        if (balance0 < owed0 && balance1 > owed1) (balance0, balance1) = _buyExact(true, owed0 - balance0, balance0, balance1 - owed1, balance1);
        else if (balance1 < owed1 && balance0 > owed0) (balance0, balance1) = _buyExact(false, owed1 - balance1, balance0, balance0 - owed0, balance1);
        if (owed0 > 0 && balance0 >= owed0) {
            repaid0 = pool0.repayShares(address(this), debtShares0);
            balance0 -= repaid0;
            position.debtShares0 -= uint128(debtShares0);
        }
        if (owed1 > 0 && balance1 >= owed1) {
            repaid1 = pool1.repayShares(address(this), debtShares1);
            balance1 -= repaid1;
            position.debtShares1 -= uint128(debtShares1);
        }
        return (balance0, balance1, repaid0, repaid1);
    }

    /// @dev What `debtShares` of `pool` are worth now, rounded up.
    function _owed(LendingPool pool, uint256 debtShares) private view returns (uint256) {
        return debtShares == 0 ? 0 : PoolMath.mulWadUp(debtShares, pool.borrowIndex());
    }

    /// @dev Buys up to `amountNeeded` of token 0 (buyToken0) or token 1 with at most `spendable` of the other.
    ///      When `spendable` cannot buy all of it, spends it all.
    function _buyExact(bool buyToken0, uint256 amountNeeded, uint256 balance0, uint256 spendable, uint256 balance1)
        private
        returns (uint256, uint256)
    {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = buyToken0 ? (uint256(reserve1), uint256(reserve0)) : (uint256(reserve0), uint256(reserve1));
        uint256 amountIn = amountNeeded < reserveOut ? LiquidityMath.getAmountIn(amountNeeded, reserveIn, reserveOut) : type(uint256).max;
        uint256 amountOut = amountNeeded;
        if (amountIn > spendable) {
            amountIn = spendable;
            amountOut = LiquidityMath.getAmountOut(amountIn, reserveIn, reserveOut);
        }
        if (amountOut == 0) return (balance0, balance1);
        if (buyToken0) {
            token1.safeTransfer(address(pair), amountIn);
            pair.swap(amountOut, 0, address(this), "");
            return (balance0 + amountOut, balance1 - amountIn);
        }
        token0.safeTransfer(address(pair), amountIn);
        pair.swap(0, amountOut, address(this), "");
        return (balance0 - amountIn, balance1 + amountOut);
    }

    /// @dev In a liquidation, repays what is left of one token against the position's remaining debt in it and
    ///      writes the rest off at the pool. Returns the balance left, the tokens repaid and the debt written off.
    function _settleShortfall(LendingPool pool, Position storage position, bool isToken0, uint256 balance)
        private
        returns (uint256, uint256 repaid, uint256 badDebt)
    {
        uint256 debtShares = isToken0 ? position.debtShares0 : position.debtShares1;
        if (balance > 0) {
            uint256 sharesBurnt;
            (repaid, sharesBurnt) = pool.repay(address(this), balance);
            balance -= repaid;
            debtShares -= sharesBurnt;
        }
        if (debtShares > 0) (badDebt,) = pool.writeOffBadDebt(debtShares);
        if (isToken0) position.debtShares0 = 0;
        else position.debtShares1 = 0;
        return (balance, repaid, badDebt);
    }

    function _repayFromWallet(LendingPool pool, IERC20 token, Position storage position, bool isToken0, uint256 amount)
        private
        returns (uint256 repaid)
    {
        if (amount == 0) return 0;
        uint256 debtShares = isToken0 ? position.debtShares0 : position.debtShares1;
        if (debtShares == 0) return 0;
        uint256 index = pool.borrowIndex();
        // Pay whole shares only, rounded down, so the position never clears more debt than it pays for.
        uint256 shares = amount >= PoolMath.mulWadUp(debtShares, index) ? debtShares : PoolMath.divWadDown(amount, index);
        if (shares == 0) revert ZeroAmount();
        uint256 owed = PoolMath.mulWadUp(shares, index);
        token.safeTransferFrom(msg.sender, address(this), owed);
        repaid = pool.repayShares(address(this), shares);
        if (isToken0) position.debtShares0 -= uint128(shares);
        else position.debtShares1 -= uint128(shares);
    }

    /// @dev Converts proceeds to the form the owner asked for.
    function _convertProceeds(uint256 balance0, uint256 balance1, ReceiveAs receiveAs)
        private
        returns (uint256, uint256)
    {
        if (receiveAs == ReceiveAs.Token0 && balance1 > 0) {
            (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
            uint256 out = LiquidityMath.getAmountOut(balance1, reserve1, reserve0);
            token1.safeTransfer(address(pair), balance1);
            pair.swap(out, 0, address(this), "");
            return (balance0 + out, 0);
        }
        if (receiveAs == ReceiveAs.Token1 && balance0 > 0) {
            (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
            uint256 out = LiquidityMath.getAmountOut(balance0, reserve0, reserve1);
            token0.safeTransfer(address(pair), balance0);
            pair.swap(0, out, address(this), "");
            return (0, balance1 + out);
        }
        return (balance0, balance1);
    }

    function _send(address to, uint256 amount0, uint256 amount1) private {
        if (amount0 > 0) token0.safeTransfer(to, amount0);
        if (amount1 > 0) token1.safeTransfer(to, amount1);
    }

    // ---------------------------------------------------------------- internals: valuation

    /// @dev Oracle prices of both tokens, after checking the pair's spot price is close to them.
    function _checkedPrices() private view returns (uint256 price0, uint256 price1) {
        price0 = oracle.priceOf(address(token0));
        price1 = oracle.priceOf(address(token1));
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        // Token 0 priced in token 1, both in WAD, whole tokens: spot from reserves, fair from the oracle.
        uint256 spot = (uint256(reserve1) * 10 ** (36 - _decimals1)) / (uint256(reserve0) * 10 ** (18 - _decimals0));
        uint256 fair = (price0 * WAD) / price1;
        uint256 gap = spot > fair ? spot - fair : fair - spot;
        uint256 maxDeviation = _storage().risk.maxPriceDeviationBps;
        if (gap * BPS > fair * maxDeviation) revert PriceDeviationTooHigh(spot, fair, maxDeviation);
    }

    function _view(uint256 positionId, Position storage position, uint256 price0, uint256 price1)
        private
        view
        returns (PositionView memory result)
    {
        VaultStorage storage $ = _storage();
        result.positionId = positionId;
        result.owner = position.owner;
        uint256 totalShares = $.totalLpShares;
        result.lpAmount = totalShares == 0 ? 0 : (uint256(position.lpShares) * $.totalLp) / totalShares;
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        uint256 lpPrice = LiquidityMath.fairLpPriceWad(
            reserve0, reserve1, pair.totalSupply(), price0, price1, _decimals0, _decimals1
        );
        // Value rounds down and debt rounds up: a position never looks healthier than it is.
        result.valueWad = (result.lpAmount * lpPrice) / WAD;
        result.debt0 = _owed(pool0, position.debtShares0);
        result.debt1 = _owed(pool1, position.debtShares1);
        result.debtValueWad = _valueUp(result.debt0, price0, _decimals0) + _valueUp(result.debt1, price1, _decimals1);
        result.equityWad = result.valueWad > result.debtValueWad ? result.valueWad - result.debtValueWad : 0;
        if (result.debtValueWad > 0) {
            result.debtRatioBps = result.valueWad == 0
                ? type(uint256).max
                : (result.debtValueWad * BPS + result.valueWad - 1) / result.valueWad;
            result.liquidatable = result.debtValueWad * BPS > result.valueWad * $.risk.killFactorBps;
        }
    }

    /// @dev USD value (WAD) of `amount` base units at `price` (WAD per whole token), rounded down.
    function _value(uint256 amount, uint256 price, uint8 decimals) private pure returns (uint256) {
        return (amount * price) / 10 ** decimals;
    }

    /// @dev The same, rounded up: for debts.
    function _valueUp(uint256 amount, uint256 price, uint8 decimals) private pure returns (uint256) {
        uint256 product = amount * price;
        return product == 0 ? 0 : (product - 1) / 10 ** decimals + 1;
    }

    /// @dev Least acceptable output of selling `rewardAmount` for a token priced `boughtPrice`, from the oracle.
    function _harvestMinimumOut(uint256 rewardAmount, uint256 boughtPrice, bool boughtIsToken0)
        private
        view
        returns (uint256)
    {
        uint256 rewardValue = oracle.usdValueOf(address(rewardToken), rewardAmount);
        uint256 fairOut = (rewardValue * 10 ** (boughtIsToken0 ? _decimals0 : _decimals1)) / boughtPrice;
        return (fairOut * (BPS - _storage().risk.harvestSlippageBps)) / BPS;
    }

    function _partRoundedUp(uint256 amount, uint256 fractionBps) private pure returns (uint256) {
        return fractionBps == BPS ? amount : (amount * fractionBps + BPS - 1) / BPS;
    }

    function _requireBefore(uint256 deadline) private view {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);
    }

    function _requireOwner(uint256 positionId) private view {
        address owner_ = _storage().positions[positionId].owner;
        if (owner_ == address(0)) revert UnknownPosition(positionId);
        if (owner_ != msg.sender) revert NotPositionOwner(positionId, msg.sender);
    }

    function _setRiskParameters(RiskParameters calldata risk) private {
        if (
            risk.workFactorBps == 0 || risk.workFactorBps >= risk.killFactorBps || risk.killFactorBps > 9_800
                || risk.liquidationBountyBps > MAX_LIQUIDATION_BOUNTY_BPS || risk.maxPriceDeviationBps == 0
                || risk.maxPriceDeviationBps > 1_000 || risk.maxLeverageWad < WAD || risk.maxLeverageWad > MAX_LEVERAGE_WAD
                || risk.harvestSlippageBps > 1_000
        ) revert InvalidRiskParameters();
        _storage().risk = risk;
        emit RiskParametersUpdated(risk);
    }

    function _setDebtCaps(uint256 maxDebt0, uint256 maxDebt1) private {
        VaultStorage storage $ = _storage();
        $.maxDebt0 = uint128(maxDebt0 > type(uint128).max ? type(uint128).max : maxDebt0);
        $.maxDebt1 = uint128(maxDebt1 > type(uint128).max ? type(uint128).max : maxDebt1);
        emit DebtCapsUpdated(maxDebt0, maxDebt1);
    }

    /// @dev Owner only, and never to an implementation built for another pair.
    function _authorizeUpgrade(address newImplementation) internal view override onlyOwner {
        address newPair = address(LeveragedVault(newImplementation).pair());
        if (newPair != address(pair)) revert UpgradeChangesPair(address(pair), newPair);
    }

    function _storage() private pure returns (VaultStorage storage $) {
        assembly {
            $.slot := VAULT_STORAGE_LOCATION
        }
    }
}

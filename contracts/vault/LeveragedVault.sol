// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {ILeveragedVault} from "../interfaces/ILeveragedVault.sol";
import {PoolMath} from "../libraries/PoolMath.sol";
import {VaultState} from "./VaultState.sol";

/// @title LeveragedVault
/// @notice Leveraged liquidity positions on one Uniswap V2 pair, staked in one farm: the vault behind its proxy.
///         Repaying from the wallet, claims, the views and the admin live here. The operations live in modules
///         that this contract delegatecalls with the caller's calldata: opening and adding in VaultEntries, closing,
///         liquidation and protection orders in VaultExits, compounding in VaultHarvest; so each reads in one
///         sitting and stays well within the code-size limit.
/// @dev See VaultState for how rewards, valuation and debt are kept.
abstract contract LeveragedVault is VaultState, ILeveragedVault, Ownable2StepUpgradeable, UUPSUpgradeable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice The modules this implementation delegates to: `entries` opens and adds to positions; `exits` closes,
    ///         liquidates and keeps protection orders; `harvester` compounds rewards. Built for the same pair, pools,
    ///         oracle, reward pair and farm (checked at construction: the farm by the farm adapter's vault, e.g.
    ///         StakingRewardsVault); an upgrade deploys new ones with the new implementation.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable entries;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable exits;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable harvester;

    /// @param entries_ The entry module, built with the same wiring.
    /// @param exits_ The exit module, built with the same wiring.
    /// @param harvester_ The harvest module, built with the same wiring.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(VaultState entries_, VaultState exits_, VaultState harvester_) {
        _requireSameWiring(entries_);
        _requireSameWiring(exits_);
        _requireSameWiring(harvester_);
        entries = address(entries_);
        exits = address(exits_);
        harvester = address(harvester_);
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
        // The vault repays the pools from its own balance; approving once here saves an approval per operation.
        token0.forceApprove(address(pool0), type(uint256).max);
        token1.forceApprove(address(pool1), type(uint256).max);
    }

    // ---------------------------------------------------------------- farmers

    /// @inheritdoc ILeveragedVault
    function open(OpenParams calldata) external returns (uint256) {
        _delegate(entries);
    }

    /// @inheritdoc ILeveragedVault
    function increase(uint256, OpenParams calldata) external {
        _delegate(entries);
    }

    /// @inheritdoc ILeveragedVault
    /// @dev Needs no price and is never paused: lowering debt always works.
    function repayDebt(uint256 positionId, uint256 amount0, uint256 amount1) external nonReentrant {
        Position storage position = _ownedPosition(positionId);
        if (amount0 == 0 && amount1 == 0) revert ZeroAmount();
        uint256 repaid0 = _repayFromWallet(position, true, amount0);
        uint256 repaid1 = _repayFromWallet(position, false, amount1);
        emit DebtRepaid(positionId, repaid0, repaid1);
    }

    /// @inheritdoc ILeveragedVault
    function close(CloseParams calldata) external returns (uint256, uint256) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    /// @dev To another address too, so that an owner whose address a token blocks can still take what it is owed.
    function claim(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        VaultStorage storage $ = _storage();
        amount = $.claimable[token][msg.sender];
        if (amount == 0) revert NothingToClaim(token);
        $.claimable[token][msg.sender] = 0;
        emit Claimed(msg.sender, token, to, amount);
        if (token == address(rewardToken)) {
            // Only the reward token's total is kept (see _credit).
            $.claimableTotal[token] -= amount;
            // Rewards kept for owners may still sit in the farm.
            if (rewardToken.balanceOf(address(this)) < amount) _claimFarmRewards();
        }
        IERC20(token).safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- protection orders (in the exit module)

    /// @inheritdoc ILeveragedVault
    function setDeleverageOrder(uint256, DeleverageOrder calldata) external {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function setPriceOrder(uint256, PriceOrder calldata) external {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function cancelDeleverageOrder(uint256) external {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function cancelPriceOrder(uint256) external {
        _delegate(exits);
    }

    // ---------------------------------------------------------------- keepers

    /// @inheritdoc ILeveragedVault
    function harvest(uint256) external returns (uint256) {
        _delegate(harvester);
    }

    /// @inheritdoc ILeveragedVault
    function liquidate(uint256) external returns (DeleverageOutcome memory) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function liquidateWithRepayment(uint256) external returns (DeleverageOutcome memory) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function liquidateWithCallback(uint256, bytes calldata) external returns (DeleverageOutcome memory) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function executeDeleverageOrder(uint256) external returns (DeleverageOutcome memory) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    function executePriceOrder(uint256) external returns (CloseOutcome memory) {
        _delegate(exits);
    }

    /// @inheritdoc ILeveragedVault
    /// @dev Refuses to answer in the middle of a vault operation, so nobody can read a half-updated state from a
    ///      token or pair callback (read-only reentrancy).
    function positionView(uint256 positionId) external view returns (PositionView memory) {
        _requireNotEntered();
        Position storage position = _storage().positions[positionId];
        if (position.owner == address(0)) revert UnknownPosition(positionId);
        return _positionView(positionId, position, oracle.priceOf(address(token0)), oracle.priceOf(address(token1)));
    }

    /// @inheritdoc ILeveragedVault
    function positions(uint256 positionId) external view returns (Position memory) {
        return _storage().positions[positionId];
    }

    /// @inheritdoc ILeveragedVault
    function protectionOrders(uint256 positionId) external view returns (ProtectionOrders memory) {
        return _storage().orders[positionId];
    }

    /// @inheritdoc ILeveragedVault
    function lastPositionId() external view returns (uint256) {
        return _storage().lastPositionId;
    }

    /// @inheritdoc ILeveragedVault
    function totals() external view returns (uint256 totalLp, uint256 totalLpShares) {
        VaultStorage storage $ = _storage();
        return ($.totalLp, $.totalLpShares);
    }

    /// @inheritdoc ILeveragedVault
    function pendingRewards() external view returns (uint256) {
        return _pendingRewards();
    }

    /// @inheritdoc ILeveragedVault
    function sharesForLp(uint256 lp) external view returns (uint256) {
        _requireNotEntered();
        uint256 price0 = oracle.priceOf(address(token0));
        uint256 price1 = oracle.priceOf(address(token1));
        VaultStorage storage $ = _storage();
        uint256 totalShares = $.totalLpShares;
        if (totalShares == 0) return lp;
        return Math.mulDiv(lp, totalShares, $.totalLp + _pendingRewardsAsLpUp(_lpPriceWad(price0, price1), price0, price1));
    }

    /// @inheritdoc ILeveragedVault
    function previewHarvest() external view returns (HarvestPlan memory) {
        _requireNotEntered();
        if (_storage().totalLpShares == 0) return HarvestPlan(0, 0, 0, 0);
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        return _harvestPlan(oracle.priceOf(address(token0)), oracle.priceOf(address(token1)), _pendingFarmRewards(), reserve0, reserve1);
    }

    /// @inheritdoc ILeveragedVault
    function riskParameters() external view returns (RiskParameters memory) {
        return _storage().risk;
    }

    /// @inheritdoc ILeveragedVault
    function configuration() external view returns (uint256 maxDebt0, uint256 maxDebt1, address guardian, bool paused) {
        VaultStorage storage $ = _storage();
        return ($.maxDebt0, $.maxDebt1, $.guardian, $.paused);
    }

    /// @inheritdoc ILeveragedVault
    function claimable(address token, address account) external view returns (uint256) {
        return _storage().claimable[token][account];
    }

    /// @notice Sets the risk parameters, within on-chain bounds. Owner only.
    function setRiskParameters(RiskParameters calldata risk) external onlyOwner {
        _setRiskParameters(risk);
    }

    /// @notice Caps the vault's total debt in each token. Owner only.
    function setDebtCaps(uint256 maxDebt0, uint256 maxDebt1) external onlyOwner {
        _setDebtCaps(maxDebt0, maxDebt1);
    }

    /// @notice Sets the least a position may be worth after an open or increase that borrows (whole USD at oracle
    ///         prices; zero for no minimum), so that liquidating the smallest position pays the liquidator's gas at
    ///         the bounty (see the README for the figures). Adding collateral alone is never refused; a liquidation
    ///         that would leave less than the minimum unwinds the position whole. Owner only.
    /// @param usd The minimum, in whole USD.
    function setMinPositionValue(uint256 usd) external onlyOwner {
        VaultStorage storage $ = _storage();
        emit MinPositionValueUpdated($.minPositionValueUsd, usd);
        $.minPositionValueUsd = usd;
    }

    /// @inheritdoc ILeveragedVault
    function minPositionValueUsd() external view returns (uint256) {
        return _storage().minPositionValueUsd;
    }

    /// @notice Names the guardian, who may pause. Owner only.
    function setGuardian(address newGuardian) external onlyOwner {
        VaultStorage storage $ = _storage();
        emit GuardianUpdated($.guardian, newGuardian);
        $.guardian = newGuardian;
    }

    /// @notice Pauses or resumes opening and borrowing. The guardian may only pause; the owner may do both.
    ///         Closing, repaying, harvesting, liquidation and protection orders never pause.
    function setPaused(bool paused_) external {
        VaultStorage storage $ = _storage();
        if (msg.sender != owner() && (msg.sender != $.guardian || !paused_)) revert NotGuardian(msg.sender);
        $.paused = paused_;
        emit PauseUpdated(paused_);
    }

    function _repayFromWallet(Position storage position, bool isToken0, uint256 amount) private returns (uint256 repaid) {
        if (amount == 0) return 0;
        (ILendingPool pool, IERC20 token) = isToken0 ? (pool0, token0) : (pool1, token1);
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

    function _setRiskParameters(RiskParameters calldata risk) private {
        if (risk.workFactorBps == 0 || risk.workFactorBps >= risk.killFactorBps) revert InvalidRiskParameter("workFactorBps");
        if (risk.killFactorBps > 9_800) revert InvalidRiskParameter("killFactorBps");
        if (risk.liquidationBountyBps > MAX_LIQUIDATION_BOUNTY_BPS) revert InvalidRiskParameter("liquidationBountyBps");
        if (risk.maxPriceDeviationBps == 0 || risk.maxPriceDeviationBps > 1_000) revert InvalidRiskParameter("maxPriceDeviationBps");
        if (risk.maxLeverageWad < WAD || risk.maxLeverageWad > MAX_LEVERAGE_WAD) revert InvalidRiskParameter("maxLeverageWad");
        if (risk.harvestSlippageBps == 0 || risk.harvestSlippageBps > 1_000) revert InvalidRiskParameter("harvestSlippageBps");
        // Above 0.3% of the reserve a sandwich around the sale pays for its own fees.
        if (risk.harvestMaxSaleBps == 0 || risk.harvestMaxSaleBps > 25) revert InvalidRiskParameter("harvestMaxSaleBps");
        // A bound below the pair's 0.3% fee would refuse every swap; above the bounty the liquidator could not
        // absorb a bad execution out of it.
        if (risk.swapSlippageBps < 50 || risk.swapSlippageBps > 1_000) revert InvalidRiskParameter("swapSlippageBps");
        if (
            risk.liquidationTargetBps == 0 || risk.liquidationTargetBps > risk.workFactorBps
                || risk.liquidationTargetBps + risk.liquidationBountyBps >= BPS
        ) revert InvalidRiskParameter("liquidationTargetBps");
        _storage().risk = risk;
        emit RiskParametersUpdated(risk);
    }

    function _setDebtCaps(uint256 maxDebt0, uint256 maxDebt1) private {
        VaultStorage storage $ = _storage();
        $.maxDebt0 = uint128(Math.min(maxDebt0, type(uint128).max));
        $.maxDebt1 = uint128(Math.min(maxDebt1, type(uint128).max));
        emit DebtCapsUpdated(maxDebt0, maxDebt1);
    }

    /// @dev Owner only, and never to an implementation built for another pair.
    function _authorizeUpgrade(address newImplementation) internal view override onlyOwner {
        address newPair = address(LeveragedVault(newImplementation).pair());
        if (newPair != address(pair)) revert UpgradeChangesPair(address(pair), newPair);
    }

    function _requireSameWiring(VaultState module) private view {
        if (
            module.pair() != pair || module.pool0() != pool0 || module.pool1() != pool1 || module.oracle() != oracle
                || module.rewardToken() != rewardToken || module.rewardPair() != rewardPair
        ) revert WrongModule(address(module));
    }

    /// @dev Runs `module` on this call's calldata in this contract's storage and returns (or reverts with) exactly
    ///      what it returned. The modules' entry points take the vault's reentrancy lock themselves.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function _delegate(address module) private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = module.delegatecall(msg.data);
        assembly ("memory-safe") {
            if iszero(ok) { revert(add(result, 32), mload(result)) }
            return(add(result, 32), mload(result))
        }
    }

}

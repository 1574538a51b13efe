// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {ILendingPool} from "../interfaces/ILendingPool.sol";
import {ILeveragedVault, ILeveragedVaultTypes} from "../interfaces/ILeveragedVault.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";
import {LiquidityMath} from "../libraries/LiquidityMath.sol";

/// @notice The farm adapter's one view the lens needs; vaults without a StakingRewards farm simply lack it.
interface IStakingRewardsFarmVault {
    function farm() external view returns (IStakingRewards);
}

/// @title VaultLens
/// @notice Read-only answers for the app and keepers, many reads in one call: everything a vault page needs per
///         block, and positions in batches. Holds nothing and changes nothing; it only calls the vaults' own views,
///         so every number comes from the one place the vault computes it.
/// @dev A price the oracle refuses (stale feed, sequencer down) is reported as zero with `pricesAvailable` false
///      rather than reverting the whole answer; a position the vault cannot value then comes back with its raw
///      record only and `valued` false.
contract VaultLens {
    /// @notice A core pool as a borrower's page shows it.
    struct PoolState {
        ILendingPool pool;
        address asset;
        uint256 cash;
        uint256 totalBorrows;
        uint256 reserves;
        uint256 utilizationWad;
        uint256 borrowRatePerYearWad;
        uint256 supplyRatePerYearWad;
        uint256 borrowIndexWad;
        /// What the vault owes this pool, and the pool's credit limit for it.
        uint256 vaultDebt;
        uint256 vaultDebtShares;
        uint256 vaultCreditLimit;
        bool borrowsPaused;
    }

    /// @notice The farm the vault stakes in (zeros for a farm the lens does not know).
    struct FarmState {
        address farm;
        uint256 totalStaked;
        uint256 vaultStaked;
        uint256 rewardRatePerSecond;
        uint256 periodFinish;
    }

    /// @notice One vault's state in one call: the app's per-block read.
    struct VaultStateView {
        ILeveragedVault vault;
        uint256 blockNumber;
        uint256 timestamp;
        IUniswapV2Pair pair;
        IERC20 token0;
        IERC20 token1;
        uint256 reserve0;
        uint256 reserve1;
        uint256 pairTotalSupply;
        bool pricesAvailable;
        uint256 price0Wad;
        uint256 price1Wad;
        uint256 rewardPriceWad;
        uint256 lpPriceWad;
        uint256 totalLp;
        uint256 totalLpShares;
        uint256 pendingRewards;
        uint256 lastPositionId;
        uint256 minPositionShares;
        ILeveragedVaultTypes.RiskParameters risk;
        uint256 maxDebt0;
        uint256 maxDebt1;
        address guardian;
        bool paused;
        ILeveragedVaultTypes.HarvestPlan harvest;
        PoolState pool0;
        PoolState pool1;
        FarmState farm;
    }

    /// @notice A position as the vault values it, or only its record when it cannot be valued now.
    struct PositionEntry {
        bool valued;
        ILeveragedVaultTypes.Position record;
        ILeveragedVaultTypes.PositionView view_;
        ILeveragedVaultTypes.ProtectionOrders orders;
        uint256 claimableReward;
    }

    /// @notice Why a position in a keeper page comes without the vault's valuation. All false and empty when the
    ///         view is the vault's own. A refused price stops only the positions that hold that token: the keeper
    ///         reports them with this reason and liquidates them once the oracle accepts a price again.
    struct ViewStatus {
        /// The view is the vault's `positionView`; when false only `positionId`, `owner` and `lpShares`
        /// of the view are set (from the position's record) and `liquidatable` is false.
        bool valued;
        /// The oracle refused token 0's price (stale or invalid feed, sequencer down)...
        bool price0Refused;
        /// ...or token 1's.
        bool price1Refused;
        /// The refusal's revert data (the oracle's custom error with its numbers), or positionView's own.
        bytes reason;
    }

    /// @notice Everything the app reads about `vault` each block.
    /// @param vault The vault.
    /// @return state The vault, its pair, prices, pools, farm and pending harvest.
    function vaultState(ILeveragedVault vault) public view returns (VaultStateView memory state) {
        state.vault = vault;
        state.blockNumber = block.number;
        state.timestamp = block.timestamp;
        state.pair = vault.pair();
        state.token0 = vault.token0();
        state.token1 = vault.token1();
        (uint112 reserve0, uint112 reserve1,) = state.pair.getReserves();
        (state.reserve0, state.reserve1) = (reserve0, reserve1);
        state.pairTotalSupply = state.pair.totalSupply();
        (state.totalLp, state.totalLpShares) = vault.totals();
        state.pendingRewards = vault.pendingRewards();
        state.lastPositionId = vault.lastPositionId();
        state.minPositionShares = vault.minPositionShares();
        state.risk = vault.riskParameters();
        (state.maxDebt0, state.maxDebt1, state.guardian, state.paused) = vault.configuration();
        IPriceOracle oracle = vault.oracle();
        try this.prices(oracle, address(state.token0), address(state.token1), address(vault.rewardToken())) returns (
            uint256 price0, uint256 price1, uint256 rewardPrice
        ) {
            (state.pricesAvailable, state.price0Wad, state.price1Wad, state.rewardPriceWad) = (true, price0, price1, rewardPrice);
            uint8 decimals0 = _decimals(address(state.token0));
            uint8 decimals1 = _decimals(address(state.token1));
            state.lpPriceWad = state.pairTotalSupply == 0
                ? 0
                : LiquidityMath.fairLpPriceWad(reserve0, reserve1, state.pairTotalSupply, price0, price1, decimals0, decimals1);
            try vault.previewHarvest() returns (ILeveragedVaultTypes.HarvestPlan memory plan) {
                state.harvest = plan;
            } catch {}
        } catch {}
        state.pool0 = poolState(vault.pool0(), address(vault));
        state.pool1 = poolState(vault.pool1(), address(vault));
        state.farm = farmState(address(vault));
    }

    /// @notice `vaultState` for several vaults at once (the Farms page).
    /// @param vaults The vaults.
    /// @return states One state per vault, in order.
    function vaultStates(ILeveragedVault[] calldata vaults) external view returns (VaultStateView[] memory states) {
        states = new VaultStateView[](vaults.length);
        for (uint256 i = 0; i < vaults.length; ++i) {
            states[i] = vaultState(vaults[i]);
        }
    }

    /// @notice Up to `count` positions from id `firstId` on (closed ones included), so a keeper scans thousands of
    ///         positions in a few calls. Ids start at 1.
    /// @param vault The vault.
    /// @param firstId The first id to read (0 reads from 1).
    /// @param count How many ids to read at most.
    /// @return views The positions' views, in id order.
    function positionViews(ILeveragedVault vault, uint256 firstId, uint256 count)
        external
        view
        returns (ILeveragedVaultTypes.PositionView[] memory views)
    {
        uint256 lastId = vault.lastPositionId();
        if (firstId == 0) firstId = 1;
        if (firstId > lastId || count == 0) return views;
        uint256 end = firstId + count - 1 > lastId ? lastId : firstId + count - 1;
        views = new ILeveragedVaultTypes.PositionView[](end - firstId + 1);
        for (uint256 id = firstId; id <= end; ++id) {
            views[id - firstId] = vault.positionView(id);
        }
    }

    /// @notice `positionViews` with each position's protection orders: a keeper's scan, one call per page. Never
    ///         reverts for a price the oracle refuses: such positions come back unvalued with the reason, so one bad
    ///         feed stops only what depends on it.
    /// @param vault The vault.
    /// @param firstId The first id to read (0 reads from 1).
    /// @param count How many ids to read at most.
    /// @return views The positions' views, in id order (only the record's fields where `statuses[i].valued` is false).
    /// @return orders The positions' orders, in the same order.
    /// @return statuses Per position, whether it was valued and, if not, which price was refused and why.
    function keeperPage(ILeveragedVault vault, uint256 firstId, uint256 count)
        external
        view
        returns (
            ILeveragedVaultTypes.PositionView[] memory views,
            ILeveragedVaultTypes.ProtectionOrders[] memory orders,
            ViewStatus[] memory statuses
        )
    {
        uint256 lastId = vault.lastPositionId();
        if (firstId == 0) firstId = 1;
        if (firstId > lastId || count == 0) return (views, orders, statuses);
        uint256 end = firstId + count - 1 > lastId ? lastId : firstId + count - 1;
        views = new ILeveragedVaultTypes.PositionView[](end - firstId + 1);
        orders = new ILeveragedVaultTypes.ProtectionOrders[](end - firstId + 1);
        statuses = new ViewStatus[](end - firstId + 1);
        // Both prices once per page: when one is refused no position of this vault can be valued.
        ViewStatus memory priced = _priceStatus(vault);
        for (uint256 id = firstId; id <= end; ++id) {
            uint256 index = id - firstId;
            orders[index] = vault.protectionOrders(id);
            if (priced.valued) {
                try vault.positionView(id) returns (ILeveragedVaultTypes.PositionView memory view_) {
                    views[index] = view_;
                    statuses[index].valued = true;
                    continue;
                } catch (bytes memory reason) {
                    statuses[index].reason = reason;
                }
            } else {
                statuses[index] = priced;
            }
            ILeveragedVaultTypes.Position memory record = vault.positions(id);
            views[index].positionId = id;
            views[index].owner = record.owner;
            views[index].lpShares = record.lpShares;
        }
    }

    /// @notice The given positions with their orders and the owner's claimable rewards (the My positions page).
    /// @param vault The vault.
    /// @param ids The position ids.
    /// @return entries One entry per id, in order.
    function positionEntries(ILeveragedVault vault, uint256[] calldata ids) external view returns (PositionEntry[] memory entries) {
        entries = new PositionEntry[](ids.length);
        address rewardToken = address(vault.rewardToken());
        for (uint256 i = 0; i < ids.length; ++i) {
            PositionEntry memory entry = entries[i];
            entry.record = vault.positions(ids[i]);
            entry.orders = vault.protectionOrders(ids[i]);
            entry.claimableReward = vault.claimable(rewardToken, entry.record.owner);
            try vault.positionView(ids[i]) returns (ILeveragedVaultTypes.PositionView memory view_) {
                (entry.valued, entry.view_) = (true, view_);
            } catch {}
        }
    }

    /// @notice The oracle's prices of two tokens and the reward token (reverts when the oracle refuses one).
    /// @param oracle The oracle.
    /// @param token0 The pair's token 0.
    /// @param token1 The pair's token 1.
    /// @param rewardToken The reward token.
    /// @return price0 USD price of token 0 (WAD).
    /// @return price1 USD price of token 1 (WAD).
    /// @return rewardPrice USD price of the reward token (WAD).
    function prices(IPriceOracle oracle, address token0, address token1, address rewardToken)
        external
        view
        returns (uint256 price0, uint256 price1, uint256 rewardPrice)
    {
        return (oracle.priceOf(token0), oracle.priceOf(token1), oracle.priceOf(rewardToken));
    }

    /// @notice A pool's state and `borrower`'s account at it.
    /// @param pool The pool.
    /// @param borrower The borrower (a vault).
    /// @return state The pool's cash, borrows, reserves, rates and the borrower's debt and credit limit.
    function poolState(ILendingPool pool, address borrower) public view returns (PoolState memory state) {
        state.pool = pool;
        state.asset = pool.asset();
        state.cash = pool.cash();
        state.totalBorrows = pool.totalBorrows();
        state.reserves = pool.reserves();
        state.utilizationWad = pool.utilization();
        state.borrowRatePerYearWad = pool.borrowRatePerYear();
        state.supplyRatePerYearWad = pool.supplyRatePerYear();
        state.borrowIndexWad = pool.borrowIndex();
        state.vaultDebt = pool.borrowBalance(borrower);
        (state.vaultDebtShares, state.vaultCreditLimit) = pool.borrowerAccount(borrower);
        (,,,,, state.borrowsPaused,) = pool.configuration();
    }

    /// @notice The StakingRewards farm of `vault` (zeros when the vault has no such farm).
    /// @param vault The vault.
    /// @return state The farm's stake, the vault's stake, the reward rate and the end of the period.
    function farmState(address vault) public view returns (FarmState memory state) {
        try IStakingRewardsFarmVault(vault).farm() returns (IStakingRewards farm) {
            state.farm = address(farm);
            state.totalStaked = farm.totalSupply();
            state.vaultStaked = farm.balanceOf(vault);
            state.rewardRatePerSecond = farm.rewardRate();
            state.periodFinish = farm.periodFinish();
        } catch {}
    }

    /// @dev `valued` true when the oracle prices both of the vault's tokens; else which one it refused and why.
    function _priceStatus(ILeveragedVault vault) private view returns (ViewStatus memory status) {
        IPriceOracle oracle = vault.oracle();
        try oracle.priceOf(address(vault.token0())) {} catch (bytes memory reason) {
            (status.price0Refused, status.reason) = (true, reason);
        }
        try oracle.priceOf(address(vault.token1())) {} catch (bytes memory reason) {
            status.price1Refused = true;
            if (!status.price0Refused) status.reason = reason;
        }
        status.valued = !status.price0Refused && !status.price1Refused;
    }

    function _decimals(address token) private view returns (uint8) {
        return IERC20Metadata(token).decimals();
    }
}

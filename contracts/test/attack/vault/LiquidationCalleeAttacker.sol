// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFluxLiquidationCallee} from "../../../interfaces/IFluxLiquidationCallee.sol";
import {ILeveragedVault, ILeveragedVaultTypes} from "../../../interfaces/ILeveragedVault.sol";

/// @title LiquidationCalleeAttacker
/// @notice An attacker's liquidation callee for `liquidateWithCallback`: inside the callback it runs one armed call
///         (re-entering the vault, trading in the pair, calling another callee) and then approves the vault for
///         what it owes less `shortBy` of each owed token, paying with whatever it holds.
contract LiquidationCalleeAttacker is IFluxLiquidationCallee {
    /// @notice Who may arm and use it.
    address public immutable owner;
    /// @notice The call made inside the callback (none when the target is zero).
    address public hookTarget;
    /// @notice Its calldata.
    bytes public hookData;
    /// @notice How much less than owed it approves of each owed token.
    uint256 public shortBy;
    /// @notice What the last callback was told.
    uint256 public seenLp;
    /// @notice Token 0 the vault said it would take.
    uint256 public seenOwed0;
    /// @notice Token 1 the vault said it would take.
    uint256 public seenOwed1;

    /// @notice Only the owner may.
    error NotOwner(address caller);

    constructor() {
        owner = msg.sender;
    }

    /// @notice Arms the callback: the call to make inside it and how much to underpay.
    /// @param target Called with `data` inside the callback (zero: no call).
    /// @param data The calldata.
    /// @param shortBy_ Approve this much less than owed of each token owed.
    function arm(address target, bytes calldata data, uint256 shortBy_) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        (hookTarget, hookData, shortBy) = (target, data, shortBy_);
    }

    /// @notice Liquidates through the callback.
    /// @param vault The vault.
    /// @param positionId The position.
    /// @return outcome The vault's outcome.
    function liquidate(ILeveragedVault vault, uint256 positionId) external returns (ILeveragedVaultTypes.DeleverageOutcome memory outcome) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        return vault.liquidateWithCallback(positionId, "attack");
    }

    /// @notice Any call as this contract (approvals, swaps, sweeping).
    /// @param target The contract.
    /// @param data The calldata.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        return _call(target, data);
    }

    /// @inheritdoc IFluxLiquidationCallee
    function onFluxLiquidation(uint256, uint256 lp, uint256 owed0, uint256 owed1, bytes calldata) external {
        (seenLp, seenOwed0, seenOwed1) = (lp, owed0, owed1);
        if (hookTarget != address(0)) _call(hookTarget, hookData);
        ILeveragedVault vault = ILeveragedVault(msg.sender);
        vault.token0().approve(msg.sender, owed0 > shortBy ? owed0 - shortBy : 0);
        vault.token1().approve(msg.sender, owed1 > shortBy ? owed1 - shortBy : 0);
    }

    function _call(address target, bytes memory data) private returns (bytes memory result) {
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}

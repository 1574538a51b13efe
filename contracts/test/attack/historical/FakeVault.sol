// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title FakeVault
/// @notice Test attacker: a contract that pretends to be a leveraged vault by delegatecalling the real vault's
///         modules in its own storage, after forging whatever storage it likes (positions, totals, risk parameters).
///         Shows that the modules hold nothing and reach only what the caller itself owns at the pools and the farm.
contract FakeVault {
    /// @notice The EOA running the attack.
    address public immutable owner;

    error NotOwner(address caller);

    constructor() {
        owner = msg.sender;
    }

    /// @notice Writes `value` at storage `slot` of this contract (forging vault storage).
    /// @param slot The storage slot.
    /// @param value The word to write.
    function poke(bytes32 slot, bytes32 value) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        assembly {
            sstore(slot, value)
        }
    }

    /// @notice Delegatecalls `module` with `data` and returns (or reverts with) exactly what it did.
    /// @param module The module to run in this contract's storage.
    /// @param data The calldata.
    /// @return result What the module returned.
    function delegate(address module, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        bool ok;
        // The attacker runs the real module's code in its own storage.
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = module.delegatecall(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }
}

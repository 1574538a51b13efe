// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice What a hook token calls on a registered account, before a transfer from or to it moves any balance.
interface ITokenTransferHook {
    /// @notice Called before `value` moves from `from` to `to`.
    function onTokenTransfer(address from, address to, uint256 value) external;
}

/// @title HookToken
/// @notice Test token with ERC777-style transfer hooks: before any transfer from or to an account that registered a
///         hook, the token calls that account's `onTokenTransfer`, which may call back into whoever is moving the
///         token (a lending pool, a vault). Freely mintable: it is a test asset.
contract HookToken is ERC20 {
    uint8 private immutable _decimalsValue;

    /// @notice Accounts whose transfers call their hook.
    mapping(address account => bool) public hasHook;

    /// @param name_ The token's name.
    /// @param symbol_ The token's symbol.
    /// @param decimals_ The token's decimals.
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimalsValue = decimals_;
    }

    /// @notice Mints `amount` to `to` (test token: anyone may).
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Registers (or unregisters) the caller's hook, as ERC1820 would for ERC777.
    /// @param enabled Whether transfers from or to the caller call its hook.
    function setHook(bool enabled) external {
        hasHook[msg.sender] = enabled;
    }

    /// @notice The token's decimals.
    /// @return The decimals set at construction.
    function decimals() public view override returns (uint8) {
        return _decimalsValue;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && hasHook[from]) ITokenTransferHook(from).onTokenTransfer(from, to, value);
        else if (to != address(0) && hasHook[to]) ITokenTransferHook(to).onTokenTransfer(from, to, value);
        super._update(from, to, value);
    }
}

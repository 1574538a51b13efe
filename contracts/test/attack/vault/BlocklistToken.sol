// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title BlocklistToken
/// @notice Test ERC20 that anyone may mint and whose admin may block addresses (as USDC and USDT do): a transfer to
///         or from a blocked address reverts. Written against the interface only, so the attack suite compiles fast.
contract BlocklistToken is IERC20Metadata {
    /// @notice The token's name.
    string public name;
    /// @notice The token's symbol.
    string public symbol;
    /// @notice The token's decimals.
    uint8 public immutable decimals;
    /// @notice Who may block addresses.
    address public immutable admin;
    /// @notice All tokens minted.
    uint256 public totalSupply;
    /// @notice Balances.
    mapping(address account => uint256) public balanceOf;
    /// @notice Allowances.
    mapping(address owner => mapping(address spender => uint256)) public allowance;
    /// @notice Blocked addresses.
    mapping(address account => bool) public blocked;

    /// @notice The address is blocked.
    error Blocked(address account);
    /// @notice The balance or allowance is too low.
    error Insufficient(uint256 available, uint256 needed);
    /// @notice Only the admin may block.
    error NotAdmin(address caller);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        admin = msg.sender;
    }

    /// @notice Mints `amount` to `to`: a test token, anyone may.
    /// @param to The receiver.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Blocks or unblocks `account`. Admin only.
    /// @param account The address.
    /// @param isBlocked Whether it is blocked.
    function setBlocked(address account, bool isBlocked) external {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        blocked[account] = isBlocked;
    }

    /// @notice See IERC20.
    /// @param spender The spender.
    /// @param amount The allowance.
    /// @return Always true.
    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @notice See IERC20.
    /// @param to The receiver.
    /// @param amount The amount.
    /// @return Always true (reverts otherwise).
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice See IERC20.
    /// @param from The payer.
    /// @param to The receiver.
    /// @param amount The amount.
    /// @return Always true (reverts otherwise).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert Insufficient(allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        uint256 balance = balanceOf[from];
        if (balance < amount) revert Insufficient(balance, amount);
        balanceOf[from] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FaucetToken
/// @notice A test token for local and testnet deployments: anyone may mint themselves a bounded amount.
/// @dev Never deployed on a chain with real money; real deployments point at the chain's existing tokens.
contract FaucetToken is ERC20 {
    uint8 private immutable _decimals;
    /// @notice The most one faucet call hands out.
    uint256 public immutable faucetLimit;

    /// @notice The faucet was asked for `requested`, above its `limit` per call.
    error FaucetLimitExceeded(uint256 requested, uint256 limit);

    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    /// @param decimals_ Token decimals (6 for USDC-like tokens).
    /// @param faucetLimit_ The most one faucet call hands out, in base units.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 faucetLimit_)
        ERC20(name_, symbol_)
    {
        _decimals = decimals_;
        faucetLimit = faucetLimit_;
    }

    /// @notice Mints `amount` to the caller, at most faucetLimit per call.
    function faucet(uint256 amount) external {
        if (amount > faucetLimit) revert FaucetLimitExceeded(amount, faucetLimit);
        _mint(msg.sender, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}

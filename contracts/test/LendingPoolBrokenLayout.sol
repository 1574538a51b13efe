// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";

/// @title LendingPoolBrokenLayout
/// @notice A deliberately wrong upgrade for tests: it reuses the pool's storage namespace with the fields
///         reordered and retyped, which would scramble every balance. The upgrades plugin must refuse it.
contract LendingPoolBrokenLayout is
    ERC4626Upgradeable,
    Ownable2StepUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransientUpgradeable
{
    /// @custom:storage-location erc7201:flux.storage.LendingPool
    struct LendingPoolStorage {
        uint256 reserves;
        uint256 cash;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes every parent, so the only thing wrong with this contract is its storage layout.
    function initialize(IERC20 asset_) external initializer {
        __ERC20_init("broken", "broken");
        __ERC4626_init(asset_);
        __Ownable_init(msg.sender);
        __ReentrancyGuardTransient_init();
    }

    /// @notice Reads the misplaced field (keeps the struct in use).
    function reserves() external view returns (uint256) {
        LendingPoolStorage storage $;
        assembly {
            $.slot := 0xda13aa14d41fd33694db99976baf5d1fe1541ea8c0582885379ded1b3faa8a00
        }
        return $.reserves;
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}

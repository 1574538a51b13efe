// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {LendingPool} from "../pool/LendingPool.sol";

/// @title LendingPoolV2Test
/// @notice A second implementation for upgrade tests: same storage, one new namespaced field and function.
/// @custom:oz-upgrades-from contracts/pool/LendingPool.sol:LendingPool
contract LendingPoolV2Test is LendingPool {
    /// @custom:storage-location erc7201:flux.storage.LendingPoolV2Test
    struct V2Storage {
        uint256 upgradeNote;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.LendingPoolV2Test")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE_LOCATION = 0xdc5e796bdf24f18348118f3a3bba10759dcbc4e219d232e547ea393a5af4a300;

    event UpgradeNoteSet(uint256 note);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IERC20Metadata asset_) LendingPool(asset_) {}

    /// @notice Runs once, in the upgrade transaction, to set the new field.
    function initializeV2(uint256 note) external reinitializer(2) {
        _v2Storage().upgradeNote = note;
        emit UpgradeNoteSet(note);
    }

    /// @notice The implementation's version.
    function version() external pure returns (string memory) {
        return "2-test";
    }

    /// @notice Writes the new field, to show new storage works after the upgrade.
    function setUpgradeNote(uint256 note) external onlyOwner {
        _v2Storage().upgradeNote = note;
        emit UpgradeNoteSet(note);
    }

    /// @notice Reads the new field.
    function upgradeNote() external view returns (uint256) {
        return _v2Storage().upgradeNote;
    }

    function _v2Storage() private pure returns (V2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE_LOCATION
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransientUpgradeable} from
    "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";

import {LendingPool} from "../pool/LendingPool.sol";
import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";

/// @title StakingRewardsVaultBrokenLayout
/// @notice A deliberately wrong vault upgrade for tests: it takes the vault's constructor arguments and keeps its
///         pair, parents and initializer, but reuses the vault's storage namespace with the fields reordered and
///         retyped, which would scramble every position. The upgrades plugin must refuse it.
contract StakingRewardsVaultBrokenLayout is
    Ownable2StepUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransientUpgradeable
{
    struct Position {
        uint256 debtShares0;
        uint256 debtShares1;
        address owner;
    }

    /// @custom:storage-location erc7201:flux.storage.LeveragedVault
    struct VaultStorage {
        uint256 totalLpShares;
        uint256 totalLp;
        address guardian;
        mapping(uint256 positionId => Position) positions;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.LeveragedVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE_LOCATION = 0x4216d4a4d4aeb0245a9144253d4462e32ea8799b7fcb651ef857027ef368fa00;

    /// @notice The same pair as the vault, so that the vault's own upgrade check would let this through.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IUniswapV2Pair public immutable pair;

    error UpgradeChangesPair(address pair, address newPair);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IUniswapV2Pair pair_,
        LendingPool,
        LendingPool,
        IPriceOracle,
        IStakingRewards,
        IUniswapV2Pair,
        address,
        address,
        address
    ) {
        pair = pair_;
        _disableInitializers();
    }

    /// @notice Initializes every parent, so the only thing wrong with this contract is its storage layout.
    function initialize(address owner_) public initializer {
        __Ownable_init(owner_);
        __UUPSUpgradeable_init();
        __ReentrancyGuardTransient_init();
    }

    /// @notice Reads a misplaced field (keeps the struct in use).
    function totalLp() external view returns (uint256) {
        return _storage().totalLp;
    }

    function _authorizeUpgrade(address newImplementation) internal view override onlyOwner {
        address newPair = address(StakingRewardsVaultBrokenLayout(newImplementation).pair());
        if (newPair != address(pair)) revert UpgradeChangesPair(address(pair), newPair);
    }

    function _storage() private pure returns (VaultStorage storage $) {
        assembly {
            $.slot := VAULT_STORAGE_LOCATION
        }
    }
}

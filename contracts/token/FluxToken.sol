// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20CappedUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20CappedUpgradeable.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title FluxToken
/// @notice FLUX, the protocol's reward token. Its supply can never exceed 21,000,000 FLUX; within that cap it is minted
///         only by the contracts the owner names as minters (the reward distributors).
/// @dev The cap lives in OpenZeppelin's ERC20Capped storage, set once in `initialize`; no function changes it, so an
///      upgrade would have to add one on purpose to raise it.
contract FluxToken is ERC20Upgradeable, ERC20CappedUpgradeable, Ownable2StepUpgradeable, UUPSUpgradeable {
    /// @notice The most FLUX that can ever exist: 21,000,000 tokens of 18 decimals.
    uint256 public constant MAX_SUPPLY = 21_000_000 * 1e18;

    /// @custom:storage-location erc7201:flux.storage.FluxToken
    struct FluxTokenStorage {
        mapping(address minter => bool allowed) minters;
    }

    // keccak256(abi.encode(uint256(keccak256("flux.storage.FluxToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FLUX_TOKEN_STORAGE_LOCATION =
        0x14440d951fa8a010c6fafb77a4a36644fb2f3c6c9c21d6330623736de3e27600;

    // ---------------------------------------------------------------- events

    /// @notice `minter` may now mint FLUX if `allowed`, and no longer may if not.
    event MinterUpdated(address indexed minter, bool allowed);

    // ---------------------------------------------------------------- errors

    /// @notice `caller` is not one of the minters.
    error NotMinter(address caller);
    error ZeroAddress();

    // ---------------------------------------------------------------- setup

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the token up behind its proxy: name "Flux", symbol "FLUX", the 21M cap, no supply and no minters.
    /// @dev Public rather than external so that the upgrades plugin sees later versions inherit it.
    /// @param owner_ The admin who names the minters (a TimelockController on real chains).
    function initialize(address owner_) public initializer {
        if (owner_ == address(0)) revert ZeroAddress();
        __ERC20_init("Flux", "FLUX");
        __ERC20Capped_init(MAX_SUPPLY);
        __Ownable_init(owner_);
    }

    // ---------------------------------------------------------------- minting

    /// @notice Mints `amount` FLUX to `to`. Minters only.
    /// @dev Reverts with ERC20ExceededCap when the supply would pass MAX_SUPPLY.
    /// @param to The receiver.
    /// @param amount The FLUX to mint, in base units.
    function mint(address to, uint256 amount) external {
        if (!_storage().minters[msg.sender]) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    /// @notice Allows or stops `minter` minting FLUX. Owner only.
    /// @param minter The account or contract (a reward distributor) to allow or stop.
    /// @param allowed Whether it may mint from now on.
    function setMinter(address minter, bool allowed) external onlyOwner {
        if (minter == address(0)) revert ZeroAddress();
        _storage().minters[minter] = allowed;
        emit MinterUpdated(minter, allowed);
    }

    /// @notice Whether `account` may mint FLUX.
    /// @param account The account to look up.
    function isMinter(address account) external view returns (bool) {
        return _storage().minters[account];
    }

    // ---------------------------------------------------------------- internals

    /// @dev The capped version, which checks the supply after every mint.
    function _update(address from, address to, uint256 value)
        internal
        override(ERC20Upgradeable, ERC20CappedUpgradeable)
    {
        super._update(from, to, value);
    }

    /// @dev Owner only.
    function _authorizeUpgrade(address) internal view override onlyOwner {}

    function _storage() private pure returns (FluxTokenStorage storage $) {
        assembly {
            $.slot := FLUX_TOKEN_STORAGE_LOCATION
        }
    }
}

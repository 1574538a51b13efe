// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILeveragedVault} from "../../../interfaces/ILeveragedVault.sol";

/// @title PositionCreditLine
/// @notice A third party that trusts the vault's views: it would lend half the equity a position shows. The attacker
///         asks it for a quote from inside a flash-swap or token callback, to see whether it can be fooled.
contract PositionCreditLine {
    /// @notice The last credit quoted, per vault and position.
    mapping(address vault => mapping(uint256 positionId => uint256)) public lastCredit;

    /// @notice A credit line was quoted for `positionId` from its reported equity.
    event CreditQuoted(address indexed vault, uint256 indexed positionId, uint256 equityWad, uint256 creditWad);

    /// @notice Quotes (and records) the credit this lender would extend against `positionId`: half its equity.
    /// @param vault The vault holding the position.
    /// @param positionId The position.
    /// @return credit The credit, USD WAD.
    function quote(ILeveragedVault vault, uint256 positionId) external returns (uint256 credit) {
        uint256 equity = vault.positionView(positionId).equityWad;
        credit = equity / 2;
        lastCredit[address(vault)][positionId] = credit;
        emit CreditQuoted(address(vault), positionId, equity, credit);
    }
}

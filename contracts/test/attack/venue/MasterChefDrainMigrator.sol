// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title MasterChefDrainMigrator
/// @notice What MasterChef's owner can do through its migrator. `MasterChef.migrate(pid)` (callable by anyone once a
///         migrator is set) approves the migrator for the pool's whole LP balance and checks only that the token it
///         returns has the same balance in MasterChef. This migrator keeps every staked LP token for `beneficiary`
///         and returns itself, a token worth nothing, minted to MasterChef in the same amount; stakers then withdraw
///         that instead of their LP.
contract MasterChefDrainMigrator is ERC20 {
    using SafeERC20 for IERC20;

    /// @notice The MasterChef this migrator serves.
    address public immutable chef;
    /// @notice Who receives the LP tokens taken.
    address public immutable beneficiary;

    /// @notice `amount` of `lpToken` left MasterChef for `beneficiary`.
    event Drained(address indexed lpToken, uint256 amount, address indexed beneficiary);

    /// @notice Only MasterChef calls migrate.
    error NotChef(address caller, address chef);

    /// @param chef_ The MasterChef whose owner sets this migrator.
    /// @param beneficiary_ Who receives the LP tokens.
    constructor(address chef_, address beneficiary_) ERC20("Worthless LP", "WLP") {
        chef = chef_;
        beneficiary = beneficiary_;
    }

    /// @notice MasterChef's migration hook: takes MasterChef's whole balance of `lpToken` and returns this token.
    /// @param lpToken The pool's LP token, approved to this contract for MasterChef's whole balance.
    /// @return The token MasterChef records as the pool's LP token from now on.
    function migrate(IERC20 lpToken) external returns (IERC20) {
        if (msg.sender != chef) revert NotChef(msg.sender, chef);
        uint256 amount = lpToken.balanceOf(chef);
        lpToken.safeTransferFrom(chef, beneficiary, amount);
        _mint(chef, amount);
        emit Drained(address(lpToken), amount, beneficiary);
        return IERC20(address(this));
    }
}

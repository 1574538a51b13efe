// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";
import {ILeveragedVault, ILeveragedVaultTypes} from "../../../interfaces/ILeveragedVault.sol";

/// @title VaultAttacker
/// @notice Test attacker for the leveraged vault: does in one transaction what an attacker would bundle (open, harvest
///         and close; or swap, call the vault, swap back), then sends everything it holds back to its deployer.
contract VaultAttacker {
    /// @notice Who deployed the attacker and receives its proceeds.
    address public immutable owner;
    /// @notice Whether the vault call inside the last sandwich succeeded.
    bool public lastCallOk;

    /// @notice Only the deployer may run the attacker.
    error NotOwner(address caller);
    /// @notice A token refused a transfer.
    error TransferFailed(address token);

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Opens a position with the tokens this contract holds, optionally harvests, closes it fully and claims
    ///         any reward credited, all in this one transaction; then sends every token back to the owner.
    /// @param vault The vault to attack.
    /// @param params The open's parameters.
    /// @param harvestBetween Whether to call harvest between the open and the close.
    /// @param deadline The close's deadline.
    /// @return positionId The position opened (and closed).
    function snipe(ILeveragedVault vault, ILeveragedVaultTypes.OpenParams calldata params, bool harvestBetween, uint256 deadline)
        external
        onlyOwner
        returns (uint256 positionId)
    {
        IERC20 token0 = vault.token0();
        IERC20 token1 = vault.token1();
        IERC20 reward = vault.rewardToken();
        _approve(token0, address(vault));
        _approve(token1, address(vault));
        positionId = vault.open(params);
        if (harvestBetween) vault.harvest(0);
        vault.close(
            ILeveragedVaultTypes.CloseParams({
                positionId: positionId,
                fractionBps: 10_000,
                receiveAs: ILeveragedVaultTypes.ReceiveAs.BothTokens,
                minAmount0: 0,
                minAmount1: 0,
                deadline: deadline
            })
        );
        if (vault.claimable(address(reward), address(this)) > 0) vault.claim(address(reward), address(this));
        _sweep(token0);
        _sweep(token1);
        _sweep(reward);
    }

    /// @notice Swaps `amountIn` of `tokenIn` (held here) into `pair`, calls `target` with `data` (recording, not
    ///         bubbling, a failure), swaps back everything the first swap bought, then sends `sweep` tokens to the owner.
    /// @param pair The pair to push.
    /// @param tokenIn The token sold into the pair first.
    /// @param amountIn How much of it.
    /// @param target The contract called while the pair is pushed.
    /// @param data The call.
    /// @param sweep The tokens to send back to the owner afterwards.
    function sandwich(
        IUniswapV2Pair pair,
        IERC20 tokenIn,
        uint256 amountIn,
        address target,
        bytes calldata data,
        IERC20[] calldata sweep
    ) external onlyOwner {
        bool zeroForOne = pair.token0() == address(tokenIn);
        IERC20 tokenOut = IERC20(zeroForOne ? pair.token1() : pair.token0());
        uint256 received = _swap(pair, zeroForOne, tokenIn, amountIn);
        // The attacker calls whatever it is given, and carries on (buying back) whether it worked or not.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok,) = target.call(data);
        lastCallOk = ok;
        _swap(pair, !zeroForOne, tokenOut, received);
        for (uint256 i = 0; i < sweep.length; ++i) {
            _sweep(sweep[i]);
        }
    }

    function _swap(IUniswapV2Pair pair, bool zeroForOne, IERC20 tokenIn, uint256 amountIn) internal returns (uint256 out) {
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        uint256 amountInWithFee = amountIn * 997;
        out = (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
        if (!tokenIn.transfer(address(pair), amountIn)) revert TransferFailed(address(tokenIn));
        if (zeroForOne) pair.swap(0, out, address(this), "");
        else pair.swap(out, 0, address(this), "");
    }

    function _approve(IERC20 token, address spender) private {
        if (!token.approve(spender, type(uint256).max)) revert TransferFailed(address(token));
    }

    function _sweep(IERC20 token) internal {
        uint256 balance = token.balanceOf(address(this));
        if (balance > 0 && !token.transfer(owner, balance)) revert TransferFailed(address(token));
    }
}

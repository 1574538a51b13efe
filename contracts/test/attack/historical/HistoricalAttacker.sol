// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV2Pair} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Pair.sol";
import {IUniswapV2Callee} from "@uniswap/v2-core/contracts/interfaces/IUniswapV2Callee.sol";

/// @title HistoricalAttacker
/// @notice Test attacker for the historical-exploit suite: runs a scripted list of calls in one transaction, inside a
///         Uniswap V2 flash swap if asked, and inside a token's transfer hook (ERC777-style) if one is armed. Every
///         call's outcome is emitted, so the test can read what each step returned or why it reverted.
contract HistoricalAttacker is IUniswapV2Callee {
    using SafeERC20 for IERC20;

    /// @notice One scripted step: `target.call(data)`; a failing step reverts the script unless `allowFailure`.
    struct Call {
        address target;
        bytes data;
        bool allowFailure;
    }

    /// @notice The EOA running the attack.
    address public immutable owner;
    /// @notice Output of the last `swapExactIn`, and the token it paid out.
    uint256 public lastOut;
    /// @notice Token paid out by the last `swapExactIn`.
    address public lastTokenOut;
    /// @notice The pair whose flash swap is under way (zero outside one).
    address private _flashPair;
    /// @notice Script run once by the next token hook (abi-encoded Call[]).
    bytes private _hookScript;
    /// @notice Steps run so far, numbering the CallResult events.
    uint256 private _step;

    /// @notice Step `step` of a script ran with outcome `ok` and returned (or reverted with) `result`.
    event CallResult(uint256 indexed step, address indexed target, bool ok, bytes result);
    /// @notice A token hook fired for a transfer of `value` from `from` to `to`.
    event HookFired(address indexed token, address from, address to, uint256 value);

    error NotOwner(address caller);
    error UnexpectedCallback(address caller, address sender);
    error StepFailed(uint256 step, bytes result);

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwnerOrSelf() {
        if (msg.sender != owner && msg.sender != address(this)) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Runs `calls` in order.
    /// @param calls The script.
    function run(Call[] calldata calls) external onlyOwnerOrSelf {
        _run(abi.decode(abi.encode(calls), (Call[])));
    }

    /// @notice Flash-swaps `amount0Out` / `amount1Out` out of `pair`, runs `calls` inside `uniswapV2Call`, then repays
    ///         the same tokens plus the 0.3% fee.
    /// @param pair The pair to borrow from.
    /// @param amount0Out Token 0 to borrow.
    /// @param amount1Out Token 1 to borrow.
    /// @param calls The script run while the flash swap is open.
    function flash(IUniswapV2Pair pair, uint256 amount0Out, uint256 amount1Out, Call[] calldata calls) external onlyOwnerOrSelf {
        _flashPair = address(pair);
        pair.swap(amount0Out, amount1Out, address(this), abi.encode(calls));
        _flashPair = address(0);
    }

    /// @notice Uniswap V2 flash-swap callback: runs the script, then repays the pair.
    /// @param sender Who started the swap (must be this contract).
    /// @param amount0 Token 0 borrowed.
    /// @param amount1 Token 1 borrowed.
    /// @param data The abi-encoded script.
    function uniswapV2Call(address sender, uint256 amount0, uint256 amount1, bytes calldata data) external override {
        if (msg.sender != _flashPair || sender != address(this)) revert UnexpectedCallback(msg.sender, sender);
        _run(abi.decode(data, (Call[])));
        IUniswapV2Pair pair = IUniswapV2Pair(msg.sender);
        if (amount0 > 0) IERC20(pair.token0()).safeTransfer(msg.sender, (amount0 * 1000) / 997 + 1);
        if (amount1 > 0) IERC20(pair.token1()).safeTransfer(msg.sender, (amount1 * 1000) / 997 + 1);
    }

    /// @notice Sells exactly `amountIn` of `tokenIn` (held here) into `pair` at its current reserves.
    /// @param pair The pair to trade in.
    /// @param tokenIn The token sold.
    /// @param amountIn How much to sell.
    /// @return out What the sale bought.
    function swapExactIn(IUniswapV2Pair pair, IERC20 tokenIn, uint256 amountIn) external onlyOwnerOrSelf returns (uint256 out) {
        out = _swap(pair, tokenIn, amountIn);
    }

    /// @notice Sells back what the last `swapExactIn` bought, into `pair`.
    /// @param pair The pair to trade in.
    /// @return out What the sale bought.
    function swapBack(IUniswapV2Pair pair) external onlyOwnerOrSelf returns (uint256 out) {
        out = _swap(pair, IERC20(lastTokenOut), lastOut);
    }

    /// @notice Approves `spender` for all of this contract's `token`.
    /// @param token The token.
    /// @param spender Who may spend it.
    function approve(IERC20 token, address spender) external onlyOwnerOrSelf {
        token.forceApprove(spender, type(uint256).max);
    }

    /// @notice Sends all of this contract's `token` to the owner.
    /// @param token The token.
    function sweep(IERC20 token) external onlyOwnerOrSelf {
        uint256 balance = token.balanceOf(address(this));
        if (balance > 0) token.safeTransfer(owner, balance);
    }

    /// @notice Arms the token hook: the next `onTokenTransfer` runs `calls` (failures recorded, never reverting).
    /// @param calls The script the hook runs.
    function setHookScript(Call[] calldata calls) external onlyOwnerOrSelf {
        _hookScript = abi.encode(calls);
    }

    /// @notice ERC777-style transfer hook, called by a hook token on every transfer from or to this contract.
    /// @param from The sender.
    /// @param to The recipient.
    /// @param value The amount.
    function onTokenTransfer(address from, address to, uint256 value) external {
        bytes memory script = _hookScript;
        if (script.length == 0) return;
        delete _hookScript;
        emit HookFired(msg.sender, from, to, value);
        Call[] memory calls = abi.decode(script, (Call[]));
        for (uint256 i = 0; i < calls.length; ++i) calls[i].allowFailure = true;
        _run(calls);
    }

    function _run(Call[] memory calls) private {
        for (uint256 i = 0; i < calls.length; ++i) {
            uint256 step = _step;
            ++_step;
            // The attacker calls whatever its script says.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory result) = calls[i].target.call(calls[i].data);
            emit CallResult(step, calls[i].target, ok, result);
            if (!ok && !calls[i].allowFailure) revert StepFailed(step, result);
        }
    }

    function _swap(IUniswapV2Pair pair, IERC20 tokenIn, uint256 amountIn) private returns (uint256 out) {
        bool zeroForOne = pair.token0() == address(tokenIn);
        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        uint256 amountInWithFee = amountIn * 997;
        out = (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
        tokenIn.safeTransfer(address(pair), amountIn);
        if (zeroForOne) pair.swap(0, out, address(this), "");
        else pair.swap(out, 0, address(this), "");
        lastOut = out;
        lastTokenOut = zeroForOne ? pair.token1() : pair.token0();
    }
}

import { describe, expect, it } from "vitest";
import { Interface, makeError } from "ethers";
import { describeError, decodeProtocolError, tokenBook } from "../../lib/errors";
import { LendingPool__factory, StakingRewardsVault__factory } from "../../typechain-types";

const vault = new Interface(StakingRewardsVault__factory.abi);
const pool = new Interface(LendingPool__factory.abi);
const USDC = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const tokens = tokenBook({ USDC: { address: USDC, decimals: 6 } });

/** The shape ethers gives a reverted estimateGas / call: a CALL_EXCEPTION carrying the revert data. */
function reverted(data: string) {
  return makeError("execution reverted", "CALL_EXCEPTION", { action: "estimateGas", data, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
}

describe("describeError", () => {
  it("decodes the vault's custom errors into sentences with the numbers in units", () => {
    const workFactor = vault.encodeErrorResult("WorkFactorExceeded", [9_312n, 9_100n]);
    expect(describeError(reverted(workFactor))).toBe(
      "The position would have a debt ratio of 93.12%, above the 91% this vault lets a position open or borrow at. Borrow less or add more collateral.",
    );
    const leverage = vault.encodeErrorResult("LeverageTooHigh", [3_500_000_000_000_000_000n, 3_000_000_000_000_000_000n]);
    expect(describeError(reverted(leverage))).toBe("Leverage 3.50x is above this vault's maximum of 3.00x.");
    const cap = vault.encodeErrorResult("VaultDebtCapExceeded", [USDC, 1_500_000_000n, 1_000_000_000n]);
    expect(describeError(reverted(cap), tokens)).toBe("The vault would owe 1,500 USDC, above its cap of 1,000 USDC. Borrow less.");
  });

  it("decodes the pools' errors and OpenZeppelin's inherited ones", () => {
    expect(describeError(reverted(pool.encodeErrorResult("DepositsPaused", [])))).toBe("Deposits to this pool are paused by its guardian.");
    const balance = pool.encodeErrorResult("ERC20InsufficientBalance", [USDC, 1n, 2n]);
    expect(describeError(reverted(balance))).toBe("Your wallet holds less of the token than this needs.");
  });

  it("finds revert data nested the way browser wallets nest it", () => {
    const data = vault.encodeErrorResult("VaultPaused", []);
    const walletError = { code: -32603, message: "Internal JSON-RPC error.", data: { code: 3, message: "execution reverted", data } };
    expect(describeError({ error: walletError })).toMatch(/^The vault is paused by its guardian/);
  });

  it("says a rejected signature in words, from ethers or straight from the wallet", () => {
    const sentence = "You rejected the request in your wallet; nothing was sent.";
    expect(describeError(makeError("user rejected action", "ACTION_REJECTED", { action: "sendTransaction", reason: "rejected" }))).toBe(sentence);
    expect(describeError({ code: 4001, message: "User denied transaction signature." })).toBe(sentence);
  });

  it("never shows a hex blob for data that is not ours", () => {
    const unknown = reverted("0xdeadbeef00000000000000000000000000000000000000000000000000000000000000ff");
    expect(decodeProtocolError("0xdeadbeef")).toBeNull();
    expect(describeError(unknown)).toBe("The transaction would fail (the contract reverted without a reason).");
  });
  it("puts every error a farmer, lender or order executor can meet into words, never the generic fallback", () => {
    // Errors only an admin, a deployer or a broken wiring can meet may fall back to their name and arguments.
    const notForUsers = new Set([
      "WrongModule", "UpgradeChangesPair", "UpgradeChangesAsset", "NotGuardian", "ReserveFloorBreached", "ReserveFactorTooHigh",
      "ZeroAddress", "UnknownBorrower", "FarmMismatch", "NotInitializing", "InvalidInitialization", "AddressEmptyCode", "FailedCall",
      "ERC1967InvalidImplementation", "ERC1967NonPayable", "UUPSUnauthorizedCallContext", "UUPSUnsupportedProxiableUUID",
      "OwnableInvalidOwner", "SafeCastOverflowedUintDowncast", "WrongToken",
      // ERC-20 and ERC-4626 inputs the app never builds (zero addresses, mint by shares).
      "ERC20InvalidApprover", "ERC20InvalidReceiver", "ERC20InvalidSender", "ERC20InvalidSpender", "ERC4626ExceededMaxMint",
    ]);
    const generic: string[] = [];
    const seen: string[] = [];
    for (const abi of [vault, pool]) {
      abi.forEachError((fragment) => {
        if (notForUsers.has(fragment.name)) return;
        const values = fragment.inputs.map((input) => (input.type === "address" ? USDC : input.type === "string" ? "killFactorBps" : 1n));
        seen.push(fragment.name);
        if (/^The contract refused/.test(describeError(reverted(abi.encodeErrorResult(fragment, values)), tokens))) generic.push(fragment.name);
      });
    }
    expect(generic).toEqual([]);
    expect(seen).toEqual(expect.arrayContaining(["SwapOutsideOracleBound", "TriggerOutOfRange", "NotBorrower", "PositionTooSmall", "InsufficientSharesMinted", "NoOrder"]));
  });

  it("says which guard stopped a close that had to swap, with the pair's distance from the oracle", () => {
    const bound = vault.encodeErrorResult("SwapOutsideOracleBound", [10n ** 18n * 97n / 100n, 10n ** 18n, 300n, 100n]);
    expect(describeError(reverted(bound))).toBe(
      "The pair's price (0.970000) is 3% worse than the oracle's (1.00000), beyond the 1% a swap may lose. Wait for arbitrage, or close receiving both tokens (no swap).",
    );
  });
});

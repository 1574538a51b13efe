import { describe, expect, it } from "vitest";
import { GAS_LIMIT_HEADROOM_PERCENT, readTransactionDeadline, TRANSACTION_DEADLINE_SECONDS, transactionDeadline, withGasHeadroom } from "../../lib/transactionPolicy";

describe("the transaction deadline (lib/transactionPolicy.ts)", () => {
  it("is twenty minutes after the later of the chain's clock and this computer's", () => {
    expect(TRANSACTION_DEADLINE_SECONDS).toBe(1_200n);
    // The chain is behind the wall clock: the wall clock counts.
    expect(transactionDeadline(1_700_000_000, 1_700_000_500)).toBe(1_700_001_700n);
    // The chain is ahead (a node whose blocks were mined with advanced time): the chain's clock counts.
    expect(transactionDeadline(1_700_009_000n, 1_700_000_500)).toBe(1_700_010_200n);
  });

  it("reads the latest block, and falls back to the wall clock when the node returns none", async () => {
    expect(await readTransactionDeadline({ getBlock: async () => ({ timestamp: 2_000_000_000 }) })).toBe(2_000_001_200n);
    const before = BigInt(Math.floor(Date.now() / 1000));
    const fallback = await readTransactionDeadline({ getBlock: async () => null });
    expect(fallback - TRANSACTION_DEADLINE_SECONDS >= before).toBe(true);
    expect(fallback - TRANSACTION_DEADLINE_SECONDS <= before + 5n).toBe(true);
  });
});

describe("the gas headroom (lib/transactionPolicy.ts)", () => {
  it("sends 20% above the estimate, rounded up to the unit", () => {
    expect(GAS_LIMIT_HEADROOM_PERCENT).toBe(20);
    expect(withGasHeadroom(460_163n)).toBe(552_196n);
    expect(withGasHeadroom(100n)).toBe(120n);
    expect(withGasHeadroom(101n)).toBe(122n);
    expect(withGasHeadroom(1_000n, 50)).toBe(1_500n);
  });
});

/**
 * How every transaction the app and the keeper send is bounded in time and in gas.
 */

/**
 * The one deadline policy for every transaction the app sends to a vault: twenty minutes after the later of this
 * computer's clock and the chain's latest block. Long enough to read the confirmation and sign; short enough that a
 * transaction stuck in the mempool dies instead of landing at a price the farmer no longer expects (the vault
 * refuses it with DeadlineExpired). Taking the later clock keeps a chain whose clock runs behind (a local node
 * between blocks) from killing a transaction before it is mined, and one that runs ahead from doing the same.
 */
export const TRANSACTION_DEADLINE_SECONDS = 20n * 60n;

/** The deadline for a transaction signed now, given the latest block's timestamp (seconds). */
export function transactionDeadline(latestBlockTimestamp: number | bigint, nowSeconds: number = Math.floor(Date.now() / 1000)): bigint {
  const chainNow = BigInt(latestBlockTimestamp);
  const wallNow = BigInt(nowSeconds);
  return (chainNow > wallNow ? chainNow : wallNow) + TRANSACTION_DEADLINE_SECONDS;
}

/** Reads the latest block and returns the deadline for a transaction signed now. */
export async function readTransactionDeadline(provider: { getBlock(tag: "latest"): Promise<{ timestamp: number } | null> }): Promise<bigint> {
  const latest = await provider.getBlock("latest");
  return transactionDeadline(latest?.timestamp ?? 0);
}

/**
 * The gas limit a transaction is sent with, as a share above its eth_estimateGas: 20%. An estimate is exact for the
 * block it was simulated in, but a harvest, open or close claims the farm's rewards first, and the block that mines
 * it is often a second later than the one estimated (the local node even estimates in the latest block's second, when
 * the farm has paid nothing new): more rewards take the longer path through the sale and the zap. Without room, the
 * call runs out of gas inside the vault's module, and the delegatecall hands back an empty revert that names nothing.
 */
export const GAS_LIMIT_HEADROOM_PERCENT = 20;

/** The estimate plus the headroom, rounded up. */
export function withGasHeadroom(estimate: bigint, headroomPercent: number = GAS_LIMIT_HEADROOM_PERCENT): bigint {
  return (estimate * BigInt(100 + headroomPercent) + 99n) / 100n;
}

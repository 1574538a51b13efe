/** Helpers for tests on the local stable vault (USDC-USDT). */
import type { Signer } from "ethers";
import { FAR_FUTURE, type VaultFixture } from "./fixtures";
import { moveMarket } from "./market";
import { usd6 } from "../security/vaultAttackHelpers";

/** Opens a 10x stable position worth about `valueUsd`: 10% supplied in USDC, 90% borrowed in USDT, so a USDC depeg
 *  lowers its value and not its debt. */
export async function openStable10x(fixture: VaultFixture, owner: Signer, valueUsd: number): Promise<{ id: bigint; gas: bigint }> {
  const vault = fixture.stable.vault;
  const usdcIs0 = fixture.stable.token0Symbol === "USDC";
  const supply = usd6(valueUsd / 10);
  const borrow = usd6((valueUsd * 9) / 10);
  const receipt = await (
    await vault.connect(owner).open({
      amount0: usdcIs0 ? supply : 0n,
      amount1: usdcIs0 ? 0n : supply,
      borrow0: usdcIs0 ? 0n : borrow,
      borrow1: usdcIs0 ? borrow : 0n,
      minShares: 0n,
      minLp: 0n,
      deadline: FAR_FUTURE,
    })
  ).wait();
  return { id: await vault.lastPositionId(), gas: receipt!.gasUsed };
}

/** USDC to `usdcUsd` on the feed, the stable pair arbitraged to it. */
export async function moveUsdc(fixture: VaultFixture, usdcUsd: number) {
  const usdcIs0 = fixture.stable.token0Symbol === "USDC";
  await moveMarket(fixture, fixture.stable, usdcIs0 ? usdcUsd : 1, usdcIs0 ? 1 : usdcUsd);
}

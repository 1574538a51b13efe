import { notFound } from "next/navigation";
import { JsonRpcProvider } from "ethers";
import { StakingRewardsVault__factory } from "../../../../typechain-types";
import { decodeSegment, parsePositionId } from "../../../../lib/appRoutes";
import { loadDeployment, RPC_URL } from "../../../chain";
import { PositionDetail } from "../../PositionDetail";
import { rpcFetchRequest } from "../../../../lib/rpcUrl";

export const metadata = { title: "Position · Flux V2" };
export const dynamic = "force-dynamic";

/**
 * The vault's last position id, or null when the chain cannot be read: the page then renders and the browser's reads
 * say what failed, rather than a 404 for a position that may exist.
 */
async function lastPositionId(vaultAddress: string, chainId: number): Promise<bigint | null> {
  const provider = new JsonRpcProvider(rpcFetchRequest(RPC_URL), chainId, { staticNetwork: true });
  try {
    return await StakingRewardsVault__factory.connect(vaultAddress, provider).lastPositionId();
  } catch {
    return null;
  } finally {
    provider.destroy();
  }
}

/**
 * /positions/<vault name, URL-encoded>/<position id>: one position's figures, history and events, for anyone; the
 * owner also gets its actions. Everything is read from the chain in the browser. An unknown vault, an id that is not
 * a whole number from 1, or one beyond the vault's last position answers 404 (this page has no loading state, so
 * notFound() runs before anything streams; proxy.ts checks the first two even earlier).
 */
export default async function PositionPage({ params }: { params: Promise<{ vault: string; id: string }> }) {
  const { vault, id } = await params;
  const vaultName = decodeSegment(vault);
  const positionId = parsePositionId(id);
  const deployment = loadDeployment();
  if (positionId === null) notFound();
  if (deployment.ok) {
    const vaults = deployment.value.farming?.vaults ?? {};
    // Own keys only: "constructor" is not a vault.
    if (!Object.hasOwn(vaults, vaultName)) notFound();
    const record = vaults[vaultName];
    const last = await lastPositionId(record.vault.address, deployment.value.chainId);
    if (last !== null && positionId > last) notFound();
  }
  return <PositionDetail vaultName={vaultName} positionId={positionId.toString()} />;
}

import { notFound } from "next/navigation";
import { inNameOrder, pairLabel } from "../../../lib/names";
import { ChainReadError, NETWORK, RPC_URL } from "../../chain";
import { OpenPositionForm } from "../OpenPositionForm";
import { readOpenSetup, type OpenSetup } from "../vaults";
import styles from "../open.module.css";

export const dynamic = "force-dynamic";

/** The name in the URL, decoded once: /farms/USDC-USDT, or an encoded name with spaces or slashes. */
function vaultNameFrom(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default async function OpenPositionPage({ params }: { params: Promise<{ vault: string }> }) {
  const name = vaultNameFrom((await params).vault);
  let setup: OpenSetup | null;
  try {
    setup = await readOpenSetup(NETWORK, RPC_URL, name);
  } catch (error) {
    return <ChainReadError title={`Open a ${name} position`} what="vault" error={error} />;
  }
  if (!setup) notFound();
  const [first, second] = inNameOrder(setup.name, setup.token0.symbol, setup.token1.symbol, [setup.token0.symbol, setup.token1.symbol]);
  return (
    <section>
      <p className={styles.back}>
        <a href="/farms">← Farms</a>
      </p>
      <h1>Open a {setup.name} position</h1>
      <p>
        Supply {first}, {second} or both, choose your leverage, and the vault borrows the rest from the core pools, zaps it
        all into {pairLabel(setup.name, setup.token0.symbol, setup.token1.symbol)} LP and stakes it in the farm.
        Nothing is signed until you press Open; the preview is computed from the chain&apos;s state at every block.
      </p>
      <OpenPositionForm setup={setup} />
    </section>
  );
}

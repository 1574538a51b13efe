import { PositionDetail } from "../../PositionDetail";

export const metadata = { title: "Position · Flux V2" };

/**
 * /positions/<vault name, URL-encoded>/<position id>: one position's figures, history and events, for anyone; the
 * owner also gets its actions. Everything is read from the chain in the browser.
 */
export default async function PositionPage({ params }: { params: Promise<{ vault: string; id: string }> }) {
  const { vault, id } = await params;
  const vaultName = safeDecode(vault);
  if (!/^\d{1,30}$/.test(id) || BigInt(id) === 0n) {
    return (
      <section>
        <a href="/positions">← My positions</a>
        <h1>No such position</h1>
        <p className="notice">&quot;{id}&quot; is not a position id: ids are whole numbers from 1.</p>
      </section>
    );
  }
  return <PositionDetail vaultName={vaultName} positionId={id} />;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

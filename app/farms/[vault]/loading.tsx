/** Shown while the server reads the vault's wiring and its pair's recent swaps. */
export default function OpenPositionLoading() {
  return (
    <section>
      <h1>Open a position</h1>
      <p className="notice">Reading the vault from the chain…</p>
    </section>
  );
}

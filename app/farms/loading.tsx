/** Shown while the server reads the vaults, which takes a few JSON-RPC round trips per vault. */
export default function FarmsLoading() {
  return (
    <section>
      <h1>Farms</h1>
      <p className="notice">Reading the vaults from the chain…</p>
    </section>
  );
}

import { NETWORK } from "../../chain";
import { vaultNames } from "../vaults";

/** An unknown vault name in the URL: say so and offer the vaults that exist. */
export default function VaultNotFound() {
  let names: string[] = [];
  try {
    names = vaultNames(NETWORK);
  } catch {
    // No deployment file: the layout already says so.
  }
  return (
    <section>
      <h1>No such vault</h1>
      <p className="notice" data-testid="vault-not-found">
        The {NETWORK} deployment has no vault by that name.{" "}
        {names.length > 0 ? "Its vaults are: " : "It has no leveraged vaults yet."}
        {names.map((name, index) => (
          <span key={name}>
            {index > 0 && ", "}
            <a href={`/farms/${encodeURIComponent(name)}`}>{name}</a>
          </span>
        ))}
        {names.length > 0 && "."}
      </p>
      <p>
        <a href="/farms">Back to the farms</a>
      </p>
    </section>
  );
}

import { loadDeployment } from "./chain";

export const metadata = { title: "Not found · Flux V2" };

/**
 * Every 404: an unknown page, an unknown vault (/farms/<name>) or a position that does not exist
 * (/positions/<vault>/<id>). Says so in words and leads back to the farms, with each vault named.
 */
export default function NotFound() {
  const deployment = loadDeployment();
  const vaultNames = deployment.ok ? Object.keys(deployment.value.farming?.vaults ?? {}) : [];
  return (
    <section data-testid="not-found">
      <h1>Nothing here</h1>
      <p className="notice">
        This page does not exist: the vault is not in this deployment, the position id is not one of the vault&apos;s
        positions (ids are whole numbers from 1, counted per vault), or the address was mistyped.
      </p>
      {vaultNames.length > 0 && (
        <p>
          The vaults are:{" "}
          {vaultNames.map((name, index) => (
            <span key={name}>
              {index > 0 && ", "}
              <a href={`/farms/${encodeURIComponent(name)}`}>{name}</a>
            </span>
          ))}
          .
        </p>
      )}
      <p className="home-actions">
        <a className="button-link" href="/farms" data-testid="not-found-farms">
          Farms
        </a>
        <a className="button-link button-secondary" href="/positions">
          My positions
        </a>
        <a className="button-link button-secondary" href="/lend">
          Lend
        </a>
        <a className="button-link button-secondary" href="/" data-testid="not-found-home">
          Home
        </a>
      </p>
    </section>
  );
}

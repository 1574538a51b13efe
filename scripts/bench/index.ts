/**
 * npm run bench: measures gas on the Hardhat network, prints a table and writes bench/results.json
 * (one flat object from operation name to gas used).
 */
import fs from "node:fs";
import path from "node:path";
import { benchPool, POOL_ANCHORS, type GasResults } from "./poolBench";
import { benchVaults, VAULT_ANCHORS, VAULT_PARTS } from "./vaultBench";
import { benchKeeperScan } from "./keeperBench";

/** Targets from the issues: the pool at 3/4 of its anchor, the vault at 1/2 of Alpaca's. */
const TARGET_SHARE: Record<string, number> = { pool: 0.75, vault: 0.5 };

async function main() {
  const results: GasResults = { ...(await benchPool()), ...(await benchVaults()), ...(await benchKeeperScan()) };
  const anchors: GasResults = { ...POOL_ANCHORS, ...VAULT_ANCHORS };

  const rows = Object.entries(results).map(([operation, gas]) => {
    const anchor = anchors[operation];
    const share = TARGET_SHARE[operation.split(".")[0]];
    const parts = VAULT_PARTS[operation];
    const sumOfParts = parts?.reduce((sum, part) => sum + results[part], 0);
    return {
      operation,
      gas,
      anchor: anchor ?? "",
      "vs anchor": anchor ? `${((gas / anchor) * 100).toFixed(1)}%` : "",
      target: anchor ? `${Math.floor(anchor * share)} ${gas <= anchor * share ? "met" : "missed"}` : "",
      "x sum of parts": sumOfParts ? (gas / sumOfParts).toFixed(2) : "",
    };
  });
  console.table(rows);

  const file = path.join(__dirname, "..", "..", "bench", "results.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

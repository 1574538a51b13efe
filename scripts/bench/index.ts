/**
 * npm run bench: measures gas on the Hardhat network, prints a table and writes bench/results.json
 * (one flat object from operation name to gas used).
 */
import fs from "node:fs";
import path from "node:path";
import { benchPool, POOL_ANCHORS, type GasResults } from "./poolBench";

const TARGET_SHARE_OF_ANCHOR = 0.75;

async function main() {
  const results: GasResults = { ...(await benchPool()) };

  const rows = Object.entries(results).map(([operation, gas]) => {
    const anchor = POOL_ANCHORS[operation];
    return {
      operation,
      gas,
      anchor: anchor ?? "",
      "vs anchor": anchor ? `${((gas / anchor) * 100).toFixed(1)}%` : "",
      "target (3/4 anchor)": anchor ? `${Math.floor(anchor * TARGET_SHARE_OF_ANCHOR)} ${gas <= anchor * TARGET_SHARE_OF_ANCHOR ? "met" : "missed"}` : "",
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

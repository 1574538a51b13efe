/**
 * Deploys Flux to a real chain (or a rehearsal node) from config/networks/<network>.json and writes
 * deployments/<network>.json. Safe to run again: it continues a run that failed and sends nothing when done. Safe to
 * kill: every transaction is recorded in deployments/<network>.progress.json before it is sent, and the next run
 * settles it (mined, replaced, or waited for) before sending anything (scripts/lib/deployJournal.ts). It exits 1,
 * not "done", while the deployer has created a contract the deployment file does not account for.
 *
 *   npm run deploy -- --network bsc
 *   npx hardhat run --network bsc scripts/deploy.ts          # the same
 *
 * Environment: DEPLOYER_PRIVATE_KEY and <NETWORK>_RPC_URL (see .env.example); FLUX_DEPLOY_CONFIG to read another
 * config file; FLUX_DEPLOYMENTS_DIR to write elsewhere than deployments/; FLUX_DEPLOY_FAIL_AFTER=<step> stops
 * after that step (rehearsing a failed run).
 */
import hre from "hardhat";
import { loadDeployConfig } from "../lib/deployConfig";
import { deployProtocol } from "./lib/deployProtocol";
import { redactRpcText } from "../lib/rpcUrl";

/** The network's node URL, whose credentials and keys no line may show (every URL is shown as scheme://host:port). */
const nodeUrl = process.env[`${hre.network.name.replace(/([A-Z])/g, "_$1").toUpperCase()}_RPC_URL`] ?? ""; // as hardhat.config.ts names it
const say = (line: string) => redactRpcText(line, ...(nodeUrl ? [nodeUrl] : []));

// A process manager's SIGTERM or a Ctrl-C: stop at once. Every transaction is recorded before it is sent and every
// file is written by rename, so the journal is whole wherever this lands; exiting runs the lock's release.
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    console.error(`stopped by ${signal}: every transaction sent is in the journal; run the deploy again to continue`);
    process.exit(code);
  });
}

async function main() {
  if (hre.network.name === "hardhat") {
    throw new Error("Pick a network: npm run deploy -- --network <name> (the in-process Hardhat network forgets everything on exit)");
  }
  const config = loadDeployConfig(hre.network.name);
  const result = await deployProtocol(hre, {
    config,
    log: (line) => console.log(say(line)),
    failAfterStep: process.env.FLUX_DEPLOY_FAIL_AFTER || undefined,
  });
  console.log(
    `${result.stepsRun.length} deployment step(s) run, ${result.transactionsSent} transaction(s) sent` +
      (result.complete ? "" : "; see pendingOperations / governanceActions in the deployment file"),
  );
}

main().catch((error) => {
  console.error(say(error instanceof Error ? error.message : String(error)));
  if (process.env.DEBUG && error instanceof Error) console.error(say(error.stack ?? ""));
  process.exitCode = 1;
});

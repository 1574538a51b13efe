/**
 * Deploys the stand-in for a real chain's existing contracts (tokens, feeds, Uniswap V2, farms) to a fresh rehearsal
 * node, from Hardhat's default account #9, and checks they landed where config/networks/rehearsal.json says:
 *
 *   npx hardhat --config config/hardhat.rehearsal.config.ts node --port 8546      # in another terminal
 *   REHEARSAL_RPC_URL=http://127.0.0.1:8546 npx hardhat run --network rehearsal scripts/rehearsal-ecosystem.ts
 *   REHEARSAL_RPC_URL=http://127.0.0.1:8546 DEPLOYER_PRIVATE_KEY=<account #0's key> npm run deploy -- --network rehearsal
 */
import hre from "hardhat";
import { JsonRpcProvider } from "ethers";
import { deployRehearsalEcosystem, ecosystemMismatches, REHEARSAL_ECOSYSTEM_ACCOUNT } from "./lib/rehearsalEcosystem";
import { loadDeployConfig } from "../lib/deployConfig";

async function main() {
  if (hre.network.name === "hardhat") throw new Error("Run this against a rehearsal node: --network rehearsal");
  // The node signs for its own unlocked accounts; Hardhat's network config only knows the deployer's key.
  const url = (hre.network.config as { url?: string }).url;
  if (!url) throw new Error(`Network ${hre.network.name} has no URL`);
  const signer = await new JsonRpcProvider(url).getSigner(REHEARSAL_ECOSYSTEM_ACCOUNT);
  const ecosystem = await deployRehearsalEcosystem(signer, (name) => hre.artifacts.readArtifact(name));
  console.log(JSON.stringify(ecosystem, null, 2));
  const mismatches = ecosystemMismatches(ecosystem, loadDeployConfig("rehearsal"));
  if (mismatches.length > 0) {
    throw new Error(`config/networks/rehearsal.json does not match what was deployed (was the node fresh?):\n${mismatches.join("\n")}`);
  }
  console.log("the ecosystem is where config/networks/rehearsal.json says");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

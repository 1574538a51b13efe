/**
 * Deploys the local stack to the network Hardhat is pointed at and writes deployments/<network>.json.
 *   npx hardhat run --network localhost scripts/deploy-local.ts
 */
import hre from "hardhat";
import { writeDeployment } from "../lib/deployments";
import { deployLocal } from "./lib/deployLocal";
import { seedLocalBorrowers, seedLocalFarmers } from "./lib/localMarket";

async function main() {
  const { deployment } = await deployLocal(hre, { log: (line) => console.log(line) });
  // The local market has another farmer in each vault and other borrowers in the pools, so a vault's TVL and
  // harvests are not zero and the pools' rates are the rate model's at a realistic utilization. Farmers first: the
  // borrowers then top each pool up to its target utilization.
  await seedLocalFarmers(hre, deployment, (line) => console.log(line));
  await seedLocalBorrowers(hre, deployment, (line) => console.log(line));
  const file = writeDeployment(deployment);
  console.log(`wrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

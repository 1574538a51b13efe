/** Gas profile of every vault operation the bench measures (`npx hardhat run scripts/bench/profileVaults.ts`,
 *  PROFILE_ONLY=open3x,harvest to narrow it): which calls and opcodes each one pays for. A development aid. */
import hre from "hardhat";
import { benchVaults } from "./vaultBench";
import { measuredTransactions } from "./poolBench";
import { opcodeProfile, printProfile, profileTransaction } from "./profile";

async function main() {
  const results = await benchVaults();
  console.table(results);
  const keys = Object.keys(results);
  const only = process.env.PROFILE_ONLY?.split(",") ?? [];
  for (let i = 0; i < keys.length; i++) {
    if (!only.includes(keys[i])) continue;
    printProfile(`${keys[i]} ${results[keys[i]]}`, await profileTransaction(hre, measuredTransactions[i]), Number(process.env.DEPTH ?? 3));
    const ops = await opcodeProfile(hre, measuredTransactions[i], Number(process.env.OPDEPTH ?? 3));
    console.log(ops.slice(0, 14).map(([op, gas, count]) => `${op}:${gas}(${count})`).join(" "));
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });

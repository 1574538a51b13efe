import "dotenv/config";
import path from "node:path";

/**
 * Where the OpenZeppelin plugin keeps a real network's manifest (`<dir>/unknown-<chain id>.json`, or the chain's name
 * for the chains it knows): the implementations it deployed and their storage layouts, which every later upgrade is
 * validated against. It is committed with the deployment file, so it lives with it: `.openzeppelin/` at the project
 * root beside `deployments/`, or `.openzeppelin/` inside FLUX_DEPLOYMENTS_DIR when the deployment files are written
 * elsewhere (a rehearsal in a temporary directory then leaves nothing in the working tree). The plugin's own
 * MANIFEST_DEFAULT_DIR wins when set. (Development nodes, the in-process network and `npm start`'s chain 31337, get
 * throw-away manifests in the OS temp folder whatever this says.)
 *
 * The plugin reads MANIFEST_DEFAULT_DIR once, when it is first loaded, so it is set before the imports below load the
 * plugin and put back right after: a child process (a test running `hardhat run` with its own FLUX_DEPLOYMENTS_DIR)
 * must work out its own directory, not inherit this one.
 */
const MANIFEST_DIRECTORY_SETTING = process.env.MANIFEST_DEFAULT_DIR;
process.env.MANIFEST_DEFAULT_DIR =
  MANIFEST_DIRECTORY_SETTING ||
  (process.env.FLUX_DEPLOYMENTS_DIR ? path.join(path.resolve(process.env.FLUX_DEPLOYMENTS_DIR), ".openzeppelin") : path.join(__dirname, ".openzeppelin"));

import { subtask, task } from "hardhat/config";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_COMPILE_SOLIDITY_GET_SOURCE_PATHS, TASK_NODE } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import { buildSushiVenue } from "./scripts/lib/sushiBuild";

if (MANIFEST_DIRECTORY_SETTING === undefined) delete process.env.MANIFEST_DEFAULT_DIR;
else process.env.MANIFEST_DEFAULT_DIR = MANIFEST_DIRECTORY_SETTING;

/** The one compiler we ship with: the `solc` npm package pinned in package.json (no downloads on CI). */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: solc.version() as string,
  };
});

/**
 * `npm start` compiles only what the stack deploys (FLUX_COMPILE_SCOPE=stack, set by scripts/start.ts): the test-only
 * contracts under contracts/test (upgrade targets and broken layouts that inherit the whole vault or pool, attack
 * contracts) would make solc-js generate and optimize the vault's and the pool's code a second and third time. They
 * are compiled by `npm test`'s own `hardhat compile`, which reuses everything else from the cache.
 */
subtask(TASK_COMPILE_SOLIDITY_GET_SOURCE_PATHS, async (args, _hre, runSuper) => {
  const paths: string[] = await runSuper(args);
  if (process.env.FLUX_COMPILE_SCOPE !== "stack") return paths;
  const testContracts = path.join(__dirname, "contracts", "test") + path.sep;
  return paths.filter((sourcePath) => !sourcePath.startsWith(testContracts));
});

/**
 * The SushiSwap venue (scripts/lib/sushiBuild.ts): after the project's own contracts, every `hardhat compile` (and so
 * `hardhat test`, `hardhat run`, npm test and npm start) builds SushiSwap's factory, pair, router, SushiToken and
 * MasterChef from @sushiswap/core's shipped sources with solc 0.6.12 into artifacts-sushi/, or finds them up to date.
 */
task(TASK_COMPILE, async (args: { quiet: boolean }, _hre, runSuper) => {
  const result = await runSuper(args);
  buildSushiVenue({ quiet: args.quiet });
  return result;
});

/**
 * `hardhat node` on chain 31337 (npm start's local chain) keeps wall-clock time. By default Hardhat gives every block
 * a timestamp strictly above the previous one, so each block mined within the same second pushes the chain's clock a
 * second ahead: the deployment's few hundred transactions, then the market simulator's feed updates and swaps (about
 * 1.5 blocks a second) and the keeper ran it 11 minutes ahead after 14. Blocks in the same second now share its
 * timestamp. The in-process network the tests use keeps Hardhat's default (they move time explicitly).
 */
task(TASK_NODE, async (args, hre, runSuper) => {
  const network = hre.config.networks.hardhat;
  if (network.chainId === 31337) network.allowBlocksWithSameTimestamp = true;
  return runSuper(args);
});

/**
 * Any real EVM chain is described by environment variables, never by committed secrets:
 *   <NAME>_RPC_URL          the JSON-RPC endpoint
 *   DEPLOYER_PRIVATE_KEY    the key that deploys (and, until handed to the timelock, owns) the contracts; the first
 *                           account, so `npm run deploy` signs with it
 *   PROPOSER_PRIVATE_KEY    a timelock proposer's key: `npm run upgrade` schedules with it after the hand-over
 *   EXECUTOR_PRIVATE_KEY    a timelock executor's key: `npm run upgrade` executes with it once the delay is over
 * Each key that is set becomes an account of every configured network (scripts/upgrade.ts picks the one for each
 * role; a key set once counts for every role it holds). See .env.example. A network is only configured when its RPC
 * URL is set.
 */
const REMOTE_NETWORKS: Record<string, number> = {
  bsc: 56,
  bscTestnet: 97,
  polygon: 137,
  polygonAmoy: 80002,
  arbitrum: 42161,
  arbitrumSepolia: 421614,
  sepolia: 11155111,
  // A second local node that stands in for a real chain in deployment rehearsals.
  rehearsal: 31338,
};

function remoteNetworks(): Record<string, NetworkUserConfig> {
  const networks: Record<string, NetworkUserConfig> = {};
  // The deployer first: the deploy and every script that takes "the network's first account" act as the deployer.
  const keys = [process.env.DEPLOYER_PRIVATE_KEY, process.env.PROPOSER_PRIVATE_KEY, process.env.EXECUTOR_PRIVATE_KEY]
    .filter((key): key is string => Boolean(key))
    .map((key) => (key.startsWith("0x") ? key : `0x${key}`).toLowerCase());
  const accounts = [...new Set(keys)];
  for (const [name, chainId] of Object.entries(REMOTE_NETWORKS)) {
    const url = process.env[`${name.replace(/([A-Z])/g, "_$1").toUpperCase()}_RPC_URL`];
    if (!url) continue;
    networks[name] = { url, chainId, accounts };
  }
  return networks;
}

const COMPILER_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  viaIR: true,
  // Cancun is live on BSC, Polygon PoS and Arbitrum; we use transient storage for reentrancy locks.
  evmVersion: "cancun",
};

const EXITS_OPTIMIZER_RUNS = 50;

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: COMPILER_SETTINGS }],
    // The exits module carries every way out (close, three liquidation paths, two kinds of order): tuned for size
    // (fewer optimizer runs: a little more gas per call) so it stays under the 22,000-byte budget.
    overrides: {
      "contracts/vault/StakingRewardsVaultExits.sol": {
        version: SOLC_VERSION,
        settings: { ...COMPILER_SETTINGS, optimizer: { enabled: true, runs: EXITS_OPTIMIZER_RUNS } },
      },
    },
  },
  networks: {
    // A million ETH per development account: the suite deploys the whole stack dozens of times from the same
    // deployer (each deployment wraps ETH into WETH), and 10,000 ETH ran dry part-way through.
    hardhat: { chainId: 31337, accounts: { accountsBalance: (10n ** 24n).toString() } },
    localhost: { url: "http://127.0.0.1:8545", chainId: 31337 },
    ...remoteNetworks(),
  },
  paths: { tests: "./test/contracts" },
  mocha: { timeout: 300_000 },
  gasReporter: { enabled: false },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;

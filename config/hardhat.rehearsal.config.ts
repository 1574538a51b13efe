/**
 * The project's Hardhat config with two changes, so that `hardhat node` stands in for a real chain:
 *
 *   - the built-in network has chain id 31338, the `rehearsal` network's (hardhat.config.ts's `rehearsal` network
 *     expects 31338);
 *   - the node does not answer `hardhat_metadata`, the one call by which the OpenZeppelin upgrades plugin tells a
 *     Hardhat development node from a real chain (upgrades-core's Manifest.forNetwork: a node that answers it gets a
 *     throw-away manifest, `hardhat-31338-<instance id>.json` under the OS temp folder). Without it the plugin does
 *     what it does on a real network: it keeps the manifest in `.openzeppelin/unknown-31338.json` (31338 has no
 *     name of its own in the plugin), which the README says to commit, and an upgrade run from another checkout
 *     validates against that file.
 *
 *   npx hardhat --config config/hardhat.rehearsal.config.ts node --port 8546      (npm run rehearsal:node)
 *   npm run rehearsal:node -- --port 8650                                         (another port: a setting)
 *
 * Without --port the node listens on 127.0.0.1:8546 (REHEARSAL_NODE_PORT overrides), not Hardhat's 8545, which
 * `npm start`'s chain uses; the tests start their rehearsal nodes on ports of their own (8620 and up).
 *
 * then REHEARSAL_RPC_URL=http://127.0.0.1:8546 for `--network rehearsal`. test/contracts/operations/ starts it the
 * same way (childProcesses.ts).
 *
 * What still gives the node away, on purpose: `web3_clientVersion` says HardhatNetwork, which the plugin reads only to
 * let a deployment recorded on an earlier, since restarted node be redeployed instead of refused (a rehearsal
 * restarts its chain; a real chain does not), and the `evm_*` calls the rehearsal needs to move time.
 */
import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { MethodNotFoundError } from "hardhat/internal/core/providers/errors";
import type { EIP1193Provider, HardhatUserConfig, RequestArguments } from "hardhat/types";
import base from "../hardhat.config";

export const REHEARSAL_CHAIN_ID = 31338;

/** Calls only a development node answers, which the rehearsal node refuses as a real chain's node does. */
export const DEVELOPMENT_NODE_ONLY_METHODS = new Set(["hardhat_metadata"]);

/** The node's provider as seen over JSON-RPC, minus the calls a real chain's node would not know. */
function asRealChainNode(provider: EIP1193Provider): EIP1193Provider {
  return new Proxy(provider, {
    get(target, property) {
      if (property === "request") {
        return async (request: RequestArguments) => {
          if (DEVELOPMENT_NODE_ONLY_METHODS.has(request.method)) {
            throw new MethodNotFoundError(`Method ${request.method} is not supported by the rehearsal node (it stands in for a real chain)`);
          }
          return target.request(request);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The rehearsal node's port when the command line names none. */
export const DEFAULT_REHEARSAL_NODE_PORT = 8546;
/** Whether the command line set `--<name>` itself (Hardhat fills in its own default otherwise, 8545 for the port). */
const givenOnCommandLine = (name: string) => process.argv.some((argument) => argument === `--${name}` || argument.startsWith(`--${name}=`));

subtask(TASK_NODE_CREATE_SERVER, async (args: { hostname: string; port: number; provider: EIP1193Provider }, _hre, runSuper) =>
  runSuper({
    ...args,
    hostname: givenOnCommandLine("hostname") ? args.hostname : "127.0.0.1",
    port: givenOnCommandLine("port") ? args.port : Number(process.env.REHEARSAL_NODE_PORT ?? DEFAULT_REHEARSAL_NODE_PORT),
    provider: asRealChainNode(args.provider),
  }),
);

const config: HardhatUserConfig = {
  ...base,
  paths: { ...base.paths, root: path.resolve(__dirname, "..") },
  networks: {
    ...base.networks,
    hardhat: { ...base.networks?.hardhat, chainId: REHEARSAL_CHAIN_ID },
  },
};

export default config;

/**
 * The project's Hardhat config with one change: the built-in network has chain id 31338, the `rehearsal` network's,
 * so that `hardhat node` stands in for a real chain (hardhat.config.ts's `rehearsal` network expects 31338):
 *
 *   npx hardhat --config config/hardhat.rehearsal.config.ts node --port 8546
 *
 * then REHEARSAL_RPC_URL=http://127.0.0.1:8546 for `--network rehearsal`. test/contracts/operations/deploy.test.ts
 * starts it the same way.
 */
import path from "node:path";
import type { HardhatUserConfig } from "hardhat/types";
import base from "../hardhat.config";

export const REHEARSAL_CHAIN_ID = 31338;

const config: HardhatUserConfig = {
  ...base,
  paths: { ...base.paths, root: path.resolve(__dirname, "..") },
  networks: {
    ...base.networks,
    hardhat: { ...base.networks?.hardhat, chainId: REHEARSAL_CHAIN_ID },
  },
};

export default config;

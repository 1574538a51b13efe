/**
 * The keeper on a node it reaches through a keyed URL (user:pass@, a key in the path and the query) with an account
 * that holds no gas money: it says so loudly, counts the pass failed and exits non-zero with --once, and no line it
 * prints carries any part of the URL's secrets.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import type { Deployment } from "../../../lib/deployments";
import { REHEARSAL_CHAIN_ID, runCommand, startRehearsalNode, type RehearsalNode } from "./childProcesses";

const PORT = 8624;

describe("keeper without gas money, on a keyed RPC URL (scripts/keeper.ts)", function () {
  this.timeout(120_000);
  let node: RehearsalNode | undefined;
  let directory: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "flux-keeper-nogas-"));
    node = await startRehearsalNode(PORT);
  });
  after(() => {
    node?.stop();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it("refuses loudly, counts the pass failed, exits 1 with --once, and logs no credential", async () => {
    const deployment: Deployment = {
      network: "nogas",
      chainId: REHEARSAL_CHAIN_ID,
      startBlock: 0,
      deployer: Wallet.createRandom().address,
      owner: Wallet.createRandom().address,
      guardian: Wallet.createRandom().address,
      nativeToken: { symbol: "ETH", feed: Wallet.createRandom().address },
      tokens: {},
      pools: {},
      // No vault to watch: the pass has nothing to do, and still it must say the keeper could not act if it had to.
      farming: {
        flux: { address: Wallet.createRandom().address, artifact: "IERC20Metadata" },
        oracle: { address: Wallet.createRandom().address, artifact: "PriceOracle" },
        feeds: {},
        uniswapFactory: Wallet.createRandom().address,
        uniswapRouter: Wallet.createRandom().address,
        rewardPair: Wallet.createRandom().address,
        lens: { address: Wallet.createRandom().address, artifact: "VaultLens" },
        vaults: {},
      },
      updatedAt: new Date().toISOString(),
    };
    const file = path.join(directory, "nogas.json");
    fs.writeFileSync(file, JSON.stringify(deployment));
    const keeper = Wallet.createRandom(); // a fresh account: 0 ETH
    const url = `http://flux-user:s3cretpass@127.0.0.1:${PORT}/key123abc?apikey=q456def`;
    const run = await runCommand(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/keeper.ts", "--once", "--deployment", file], {
      KEEPER_RPC_URL: url,
      KEEPER_PRIVATE_KEY: keeper.privateKey,
    });
    console.log(`      exit ${run.code}; ${run.output.split("\n").filter((line) => line.includes("NO GAS")).length} lines say NO GAS, e.g. ${run.output.split("\n").find((line) => line.includes("NO GAS"))?.slice(0, 260)}`);
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include(`NO GAS: the keeper's account ${keeper.address} holds 0.0 ETH, less than the gas of one liquidation (1,000,000 gas at`);
    expect(run.output).to.match(/"action":"pass".*"failed":1/);
    for (const secret of ["flux-user", "s3cretpass", "key123abc", "q456def"]) expect(run.output, secret).to.not.include(secret);
  });
});

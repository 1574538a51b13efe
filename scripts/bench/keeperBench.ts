/**
 * How the keeper's scan scales: 10,000 open positions on the local stable vault (USDC-USDT), then one full scan
 * of every vault with the keeper's own scan (the lens's `keeperPage`: views and orders in pages), counting its JSON-RPC calls and timing it.
 *
 * The positions are real `open` transactions from several funded farmers, sent straight to the in-process node
 * (no ethers population or gas estimation per transaction), a few dozen in flight at a time. Measured on 2 cores:
 * automining off with `evm_mine` every 100 or 1,000 transactions was 2.5x slower than automining, and used far
 * more memory, so the bench automines.
 */
import v8 from "node:v8";
import vm from "node:vm";
import hre from "hardhat";
import { deployLocal } from "../lib/deployLocal";
import { faucetInChunks } from "../lib/localFunds";
import { Keeper } from "../../lib/keeper";

export const KEEPER_BENCH_POSITIONS = 10_000;

const FAR_FUTURE = 2n ** 40n;
/** The first accounts are the deployer, guardian, farmers and keeper of the other benches and tests. */
const FIRST_FARMER_ACCOUNT = 7;
/** Small positions, both tokens in the pair's ratio, no borrowing: the zap barely trades, so 10,000 of them do not
 *  push the pair's price past the vault's 1% deviation guard. */
const POSITION_UNITS_PER_TOKEN = 5_000_000n; // 5 USDC and 5 USDT
/** Transactions in flight at once: enough to keep the node busy, few enough to bound memory. */
const TRANSACTIONS_IN_FLIGHT = 50;
/** Every response of the in-process node holds the transaction's execution trace in native memory that V8 does not
 *  see, so V8 rarely collects it: about 8,000 transactions reached 24 GB and the OOM killer. Collecting every few
 *  hundred transactions keeps the process near 1.5 GB (and makes it faster). */
const COLLECT_GARBAGE_EVERY = 500;

/** V8's collector, even when Node was started without --expose-gc. */
function garbageCollector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

export async function benchKeeperScan(): Promise<Record<string, number>> {
  const { ethers } = hre;
  const node = hre.network.provider;
  const { deployment, farming } = await deployLocal(hre);
  const signers = await ethers.getSigners();
  const farmers = signers.slice(FIRST_FARMER_ACCOUNT);
  if (farmers.length === 0) throw new Error(`The bench needs more than ${FIRST_FARMER_ACCOUNT} Hardhat accounts`);
  const keeperSigner = signers[5];
  const vault = farming.vaults.stable.vault;
  const vaultAddress = await vault.getAddress();
  const usdc = await ethers.getContractAt("FaucetToken", deployment.tokens.USDC.address);
  const usdt = await ethers.getContractAt("FaucetToken", deployment.tokens.USDT.address);

  const positionsPerFarmer = Math.ceil(KEEPER_BENCH_POSITIONS / farmers.length);
  const neededPerToken = POSITION_UNITS_PER_TOKEN * BigInt(positionsPerFarmer);
  for (const farmer of farmers) {
    for (const token of [usdc, usdt]) {
      await faucetInChunks(token.connect(farmer), neededPerToken);
      await token.connect(farmer).approve(vaultAddress, ethers.MaxUint256);
    }
  }

  // Every position is the same call; only the sender differs.
  const open = { amount0: POSITION_UNITS_PER_TOKEN, amount1: POSITION_UNITS_PER_TOKEN, borrow0: 0n, borrow1: 0n, minShares: 0n, minLp: 0n, deadline: FAR_FUTURE };
  const data = vault.interface.encodeFunctionData("open", [open]);
  const gasLimit = ((await vault.connect(farmers[0]).open.estimateGas(open)) * 3n) / 2n;
  const firstNewId = (await vault.lastPositionId()) + 1n;

  const collectGarbage = garbageCollector();
  for (let sent = 0; sent < KEEPER_BENCH_POSITIONS; ) {
    const batch = Math.min(TRANSACTIONS_IN_FLIGHT, KEEPER_BENCH_POSITIONS - sent);
    const hashes: Promise<unknown>[] = [];
    for (let index = 0; index < batch; index++, sent++) {
      const from = farmers[sent % farmers.length].address;
      hashes.push(node.send("eth_sendTransaction", [{ from, to: vaultAddress, data, gas: ethers.toQuantity(gasLimit) }]));
    }
    await Promise.all(hashes);
    if (sent % COLLECT_GARBAGE_EVERY === 0) collectGarbage();
  }
  const opened = (await vault.lastPositionId()) - firstNewId + 1n;
  if (opened !== BigInt(KEEPER_BENCH_POSITIONS)) {
    throw new Error(`Only ${opened} of ${KEEPER_BENCH_POSITIONS} positions opened: some open transactions reverted`);
  }

  // A scan-only keeper with the default page size (300 positions per call): it reads and sends nothing.
  collectGarbage();
  const keeper = new Keeper(keeperSigner, deployment, { dryRun: true, log: () => {} });
  const startedAt = performance.now();
  const scan = await keeper.scanPositions();
  const milliseconds = performance.now() - startedAt;
  if (scan.positionsScanned !== KEEPER_BENCH_POSITIONS) {
    throw new Error(`The scan saw ${scan.positionsScanned} positions, not ${KEEPER_BENCH_POSITIONS}`);
  }
  return {
    "keeper.scan10k.rpcCalls": scan.rpcCalls,
    "keeper.scan10k.milliseconds": Math.round(milliseconds),
    "keeper.scan10k.positions": scan.positionsScanned,
  };
}

/**
 * The deployer's transaction journal: every transaction the production deployment sends is signed here, written to
 * the progress file (hash, nonce, purpose and the signed bytes) and only then broadcast. A run killed at any moment
 * therefore leaves a record of every transaction that may land, and the next run settles each one before it sends
 * anything:
 *
 *   - mined (successfully or not): its receipt completes the step (a creation's contract address is reused);
 *   - replaced: the deployer's nonce moved past it and its hash is not mined, so another transaction with the same
 *     nonce took its place and it can never land; the step is redone if the chain still needs it, unless the
 *     replacement created a contract where this creation would have (then the run refuses: which contract is it?);
 *   - pending or forgotten by the node: its recorded signed bytes are broadcast again and the run waits for it; a
 *     step whose transaction may still land is never sent a second time.
 *
 * Sends are one at a time (each waits for its receipt), so at most one transaction is ever unsettled.
 */
import { writeFileDurably } from "../../lib/deployments";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Wallet, getCreateAddress, keccak256, type TransactionReceipt, type TransactionRequest } from "ethers";

/** What a transaction does, so a reader (and the crash test) can tell the deployment's steps apart. */
export type TransactionKind =
  /** An implementation behind a proxy, or a vault's module (its code, no state). */
  | "implementation"
  /** An ERC1967 proxy; its constructor calls initialize(...) in the same transaction, so nobody can initialize it first. */
  | "proxy"
  /** A plain contract: a rate model, the lens, the timelock. */
  | "contract"
  /** An owner call that brings a contract in line with the config (feeds, reserve factors, caps, credit limits). */
  | "configuration"
  /** Giving the timelock the ownership: transferOwnership, scheduleBatch / executeBatch, renounceRole. */
  | "hand-over";

export type JournalState =
  /** Signed and recorded; broadcast or about to be; not known to be settled. */
  | "sent"
  | "mined"
  | "reverted"
  /** Another transaction with the same nonce was mined instead: this one can never land. */
  | "replaced";

export interface JournalTransaction {
  /** Unique per intent within a deployment, e.g. "pool:USDC/proxy" or "oracle.setFeed(USDC, ...)". */
  purpose: string;
  kind: TransactionKind;
  nonce: number;
  hash: string;
  /** The signed transaction, to broadcast again if the node forgot it; dropped once settled (a creation's is its whole initcode). */
  raw?: string;
  /** The called contract; null for a contract creation. */
  to: string | null;
  /** For a creation: keccak256 of its initcode, so a rerun reuses a contract only if it was built from the same code and arguments. */
  initcodeHash?: string;
  /** For a creation: where its contract lands (the deployer's address and the nonce decide it). */
  createsAddress?: string;
  state: JournalState;
  blockNumber?: number;
  recordedAt: string;
  settledAt?: string;
}

/** The part of the progress file the journal owns. */
export interface JournalRecord {
  /** The deployer's nonce when the deployment started: every contract it created since is the deployment's to account for. */
  startNonce?: number;
  transactions?: JournalTransaction[];
}

// Written by rename (lib/deployments.ts): a crash leaves the old progress file or the new one.
export { writeFileDurably };

/**
 * The deployer's key (DEPLOYER_PRIVATE_KEY) as a wallet that signs locally: a transaction must be signed (so its hash
 * is known) before it is recorded, and recorded before it is broadcast, which a node-held account cannot do. Only
 * that key: the network's other accounts (a proposer's, an executor's) never deploy.
 */
export function deployerWallet(hre: HardhatRuntimeEnvironment): Wallet {
  const key = process.env.DEPLOYER_PRIVATE_KEY;
  if (!key) {
    throw new Error(
      `No DEPLOYER_PRIVATE_KEY for network ${hre.network.name}: the deploy signs and records every transaction with the ` +
        `deployer's key before sending it (see .env.example)`,
    );
  }
  return new Wallet(key.startsWith("0x") ? key : `0x${key}`);
}

/** How often a pending transaction's receipt is asked for: soon at first (a local node mines at once), then every 2 s. */
const RECEIPT_POLL_FIRST_MS = 50;
const RECEIPT_POLL_MAX_MS = 2_000;
/** How often a long wait for a receipt is logged. */
const WAIT_LOG_EVERY_MS = 60_000;

export interface DeployJournalOptions {
  hre: HardhatRuntimeEnvironment;
  wallet: Wallet;
  /** The progress file's journal part (saved with the rest of the progress file by `save`). */
  record: JournalRecord;
  /** Writes the whole progress file durably. */
  save: () => void;
  log: (line: string) => void;
}

export class DeployJournal {
  readonly address: string;
  private readonly hre: HardhatRuntimeEnvironment;
  private readonly wallet: Wallet;
  private readonly record: JournalRecord;
  private readonly save: () => void;
  private readonly log: (line: string) => void;
  private chainId?: bigint;

  constructor(options: DeployJournalOptions) {
    this.hre = options.hre;
    this.wallet = options.wallet;
    this.address = options.wallet.address;
    this.record = options.record;
    this.record.transactions ??= [];
    this.save = options.save;
    this.log = options.log;
  }

  get transactions(): JournalTransaction[] {
    return this.record.transactions!;
  }

  private get provider() {
    return this.hre.ethers.provider;
  }

  private nonce(blockTag: "latest" | "pending"): Promise<number> {
    return this.provider.getTransactionCount(this.address, blockTag);
  }

  /**
   * Settles every recorded transaction that is not known to be mined or replaced, waiting for those that may still
   * land; then refuses if the deployer has pending transactions the journal does not know. Run before anything else.
   */
  async settle(): Promise<void> {
    for (const entry of this.transactions.filter((transaction) => transaction.state === "sent")) {
      this.log(`  settling ${entry.purpose} (nonce ${entry.nonce}, ${entry.hash}), recorded by an earlier run`);
      await this.waitForSettlement(entry, true);
      this.describeSettled(entry);
    }
    await this.refuseUnknownPending();
  }

  private describeSettled(entry: JournalTransaction): void {
    if (entry.state === "mined") this.log(`  = ${entry.purpose}: mined in block ${entry.blockNumber}${entry.createsAddress ? ` (${entry.createsAddress})` : ""}`);
    else if (entry.state === "reverted") this.log(`  ! ${entry.purpose}: reverted in block ${entry.blockNumber}; the step is tried again`);
    else if (entry.state === "replaced") this.log(`  ! ${entry.purpose}: replaced by another transaction with nonce ${entry.nonce}; it can never be mined, the step is redone if still needed`);
  }

  private async refuseUnknownPending(): Promise<void> {
    const [latest, pending] = await Promise.all([this.nonce("latest"), this.nonce("pending")]);
    if (pending > latest) {
      throw new Error(
        `The deployer ${this.address} has ${pending - latest} pending transaction(s) (nonces ${latest} to ${pending - 1}) that ` +
          `the deploy's journal does not record: wait until they are mined (or replace them), then run again`,
      );
    }
  }

  /**
   * Waits until `entry` is mined or replaced and records which. On a rerun (`rebroadcast`), a transaction the node
   * does not know is broadcast again from its recorded bytes: until its nonce is used it may still land, from this
   * node or another's pool, so it is seen through rather than sent anew.
   */
  private async waitForSettlement(entry: JournalTransaction, rebroadcast: boolean): Promise<TransactionReceipt | undefined> {
    const started = Date.now();
    let lastLog = started;
    let broadcastAgain = rebroadcast;
    let pollMs = RECEIPT_POLL_FIRST_MS;
    for (;;) {
      // The nonce first, then the receipt: a nonce past this one with no receipt then means another transaction took it.
      const latest = await this.nonce("latest");
      const receipt = await this.provider.getTransactionReceipt(entry.hash);
      if (!receipt && latest < entry.nonce) {
        // Nonces never go down on one chain: the deployer's transactions before this one are gone, so is the chain.
        throw new Error(
          `The deployer's nonce on the node is now ${latest}, below ${entry.purpose}'s nonce ${entry.nonce}: the node was reset or ` +
            `replaced while the deploy waited (a restarted development node starts empty). Stopped without sending anything more; ` +
            `the next run refuses this chain and says what to do`,
        );
      }
      if (receipt) {
        entry.state = receipt.status === 1 ? "mined" : "reverted";
        entry.blockNumber = receipt.blockNumber;
        entry.settledAt = new Date().toISOString();
        delete entry.raw;
        this.save();
        return receipt;
      }
      if (latest > entry.nonce) {
        if (entry.createsAddress && (await this.provider.getCode(entry.createsAddress)) !== "0x") {
          throw new Error(
            `The transaction for ${entry.purpose} (nonce ${entry.nonce}, ${entry.hash}) was replaced by another transaction with ` +
              `nonce ${entry.nonce} that created the contract at ${entry.createsAddress}, where this creation would have put ` +
              `its contract. The deploy cannot tell whether it is the contract this step meant: check what it is before going on ` +
              `(the journal is ${entry.purpose}'s entry in the progress file)`,
          );
        }
        entry.state = "replaced";
        entry.settledAt = new Date().toISOString();
        delete entry.raw;
        this.save();
        return undefined;
      }
      if (broadcastAgain) {
        broadcastAgain = false;
        if ((await this.provider.getTransaction(entry.hash)) === null) {
          this.log(`  the node does not know ${entry.purpose}'s transaction (nonce ${entry.nonce}): broadcasting its recorded signed bytes again`);
          try {
            if (!entry.raw) throw new Error("its signed bytes are missing from the journal");
            await this.provider.send("eth_sendRawTransaction", [entry.raw]);
          } catch (error) {
            throw new Error(
              `${entry.purpose}'s transaction (nonce ${entry.nonce}, ${entry.hash}) is not mined and could not be broadcast again ` +
                `(${(error as Error).message}). It may still be mined from another node's pool, so the deploy will not send the ` +
                `step anew: wait and run again, or replace nonce ${entry.nonce} with a transaction of your own (a 0-value ` +
                `transfer to ${this.address} with a higher fee) and run again`,
            );
          }
        }
      }
      if (Date.now() - lastLog >= WAIT_LOG_EVERY_MS) {
        lastLog = Date.now();
        this.log(`  still waiting for ${entry.purpose} (nonce ${entry.nonce}, ${entry.hash}) after ${Math.round((lastLog - started) / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      pollMs = Math.min(pollMs * 2, RECEIPT_POLL_MAX_MS);
    }
  }

  /** The latest recorded attempt at `purpose`. */
  latest(purpose: string): JournalTransaction | undefined {
    return this.transactions.filter((transaction) => transaction.purpose === purpose).at(-1);
  }

  /**
   * Creates a contract from `initcode` (bytecode and encoded constructor arguments) unless an earlier run's creation
   * for `purpose` was mined, in which case that contract's address is returned and nothing is sent.
   */
  async create(purpose: string, kind: TransactionKind, initcode: string): Promise<string> {
    const initcodeHash = keccak256(initcode);
    const earlier = this.latest(purpose);
    if (earlier?.state === "mined" && earlier.createsAddress) {
      if (earlier.initcodeHash !== initcodeHash) {
        throw new Error(
          `${purpose} was created at ${earlier.createsAddress} (nonce ${earlier.nonce}) by an earlier run from other code or ` +
            `constructor arguments (initcode hash ${earlier.initcodeHash}, now ${initcodeHash}): the config or the contracts ` +
            `changed in between. Restore them to finish this deployment, or move the progress file away to start afresh`,
        );
      }
      return earlier.createsAddress;
    }
    const entry = await this.send(purpose, kind, { data: initcode }, initcodeHash);
    return entry.createsAddress!;
  }

  /** Calls `to` with `data` (an owner call, a timelock call). Every call is sent only after reading that the chain needs it. */
  async call(purpose: string, kind: TransactionKind, to: string, data: string): Promise<void> {
    await this.send(purpose, kind, { to, data });
  }

  private async send(purpose: string, kind: TransactionKind, request: { to?: string; data: string }, initcodeHash?: string): Promise<JournalTransaction> {
    await this.refuseUnknownPending();
    const unsettled = this.transactions.find((transaction) => transaction.state === "sent");
    if (unsettled) throw new Error(`${unsettled.purpose} (nonce ${unsettled.nonce}) is not settled; nothing else is sent before it is`);

    this.chainId ??= (await this.provider.getNetwork()).chainId;
    // After refuseUnknownPending the two agree on a sound node; a node whose pending view lags would give a used nonce.
    const nonce = Math.max(await this.nonce("latest"), await this.nonce("pending"));
    const settled = this.transactions.filter((transaction) => transaction.state !== "sent").map((transaction) => transaction.nonce);
    if (settled.length > 0 && nonce <= Math.max(...settled)) {
      throw new Error(
        `The deployer's nonce on the node is ${nonce}, but the journal saw its transaction with nonce ${Math.max(...settled)} mined: ` +
          `the node was reset or replaced during this run. Stopped before signing ${purpose}; the next run refuses this chain and says what to do`,
      );
    }
    const from = this.address;
    // Refused here, before anything is signed or recorded, if it would revert.
    const estimate = await this.provider.estimateGas({ from, to: request.to, data: request.data });
    const feeData = await this.provider.getFeeData();
    const transaction: TransactionRequest = {
      from,
      to: request.to ?? null,
      data: request.data,
      nonce,
      chainId: this.chainId,
      value: 0n,
      // Estimates at the latest block can fall short for a creation whose constructor makes calls: a fifth more.
      gasLimit: (estimate * 6n) / 5n,
      ...(feeData.maxFeePerGas !== null
        ? { type: 2, maxFeePerGas: feeData.maxFeePerGas, maxPriorityFeePerGas: feeData.maxPriorityFeePerGas ?? 0n }
        : { type: 0, gasPrice: feeData.gasPrice }),
    };
    const raw = await this.wallet.signTransaction(transaction);
    const entry: JournalTransaction = {
      purpose,
      kind,
      nonce,
      hash: keccak256(raw),
      raw,
      to: request.to ?? null,
      ...(request.to ? {} : { initcodeHash, createsAddress: getCreateAddress({ from, nonce }) }),
      state: "sent",
      recordedAt: new Date().toISOString(),
    };
    this.transactions.push(entry);
    this.save(); // durable before the transaction exists anywhere but here
    this.log(`  tx ${purpose} (nonce ${nonce}, ${entry.hash})`);
    try {
      await this.provider.send("eth_sendRawTransaction", [raw]);
    } catch (error) {
      // The node may have taken it all the same (a dropped connection): it stays recorded as sent, and the rerun
      // broadcasts the same signed bytes again or finds them mined, rather than signing the step anew.
      throw new Error(
        `Broadcasting ${purpose} (nonce ${nonce}, ${entry.hash}) failed: ${(error as Error).message}. It is recorded; run ` +
          `again once the cause is fixed and the same signed transaction is broadcast again`,
      );
    }
    const receipt = await this.waitForSettlement(entry, false);
    if (entry.state !== "mined" || !receipt) {
      throw new Error(
        entry.state === "replaced"
          ? `${purpose} (nonce ${nonce}) was replaced by another transaction from the deployer before it was mined: run again`
          : `Transaction failed: ${purpose} (nonce ${nonce}, ${entry.hash}) reverted in block ${entry.blockNumber}`,
      );
    }
    if (entry.createsAddress && receipt.contractAddress && receipt.contractAddress.toLowerCase() !== entry.createsAddress.toLowerCase()) {
      throw new Error(`${purpose} created ${receipt.contractAddress}, not ${entry.createsAddress} as its nonce ${nonce} says: is the node sound?`);
    }
    return entry;
  }
}

/**
 * Every contract the deployer's account created from `startNonce` on, by nonce: a creation at nonce n puts its
 * contract at getCreateAddress(deployer, n) and nothing else can, so the chain itself, not the journal, says what
 * there is to account for.
 */
export async function contractsCreatedSince(
  hre: HardhatRuntimeEnvironment,
  deployer: string,
  startNonce: number,
): Promise<{ nonce: number; address: string }[]> {
  const provider = hre.ethers.provider;
  const endNonce = await provider.getTransactionCount(deployer, "latest");
  const created: { nonce: number; address: string }[] = [];
  const BATCH = 20;
  for (let from = startNonce; from < endNonce; from += BATCH) {
    const nonces = Array.from({ length: Math.min(BATCH, endNonce - from) }, (_, index) => from + index);
    const codes = await Promise.all(nonces.map((nonce) => provider.getCode(getCreateAddress({ from: deployer, nonce }))));
    nonces.forEach((nonce, index) => {
      if (codes[index] !== "0x") created.push({ nonce, address: getCreateAddress({ from: deployer, nonce }) });
    });
  }
  return created;
}

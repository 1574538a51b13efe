/**
 * The built-in wallet for the local chain: Hardhat's well-known test accounts, signing in the page. Their keys are
 * public (derived from Hardhat's default mnemonic), so the app offers this wallet only when the deployment's chain
 * is Hardhat's 31337, never on a real chain.
 */
import { getBytes, HDNodeWallet, isHexString, Mnemonic, toQuantity, toUtf8String, type JsonRpcProvider, type TransactionRequest, type Wallet } from "ethers";
import type { Eip1193Provider, WalletChoice } from "./discovery";

export const LOCAL_CHAIN_ID = 31337;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/**
 * Accounts #2-#4: #0 deploys and drives the market simulator, #1 is the guardian and #5 the keeper, and sharing an
 * account with a running script would make both fight over nonces.
 */
export const DEVELOPMENT_ACCOUNT_INDEXES = [2, 3, 4];

/** eth_sendTransaction's parameter, as a dapp sends it. */
export interface RpcTransaction {
  from?: string;
  to?: string;
  data?: string;
  value?: string;
  gas?: string;
}

/**
 * What a wallet does with eth_sendTransaction: sign `transaction` with `signer` and send it; returns the hash. Shared
 * by the development wallet and the browser tests' injected wallet.
 */
export async function sendRpcTransaction(signer: Wallet | HDNodeWallet, provider: JsonRpcProvider, transaction: RpcTransaction): Promise<string> {
  // Asked uncached: ethers' provider answers a repeated getTransactionCount from a 250 ms cache, so a second
  // transaction sent right after the first was mined (approve, then deposit) would reuse the spent nonce.
  const nonce = Number(await provider.send("eth_getTransactionCount", [signer.address, "pending"]));
  const request: TransactionRequest = {
    nonce,
    to: transaction.to,
    data: transaction.data,
    value: transaction.value ? BigInt(transaction.value) : undefined,
    gasLimit: transaction.gas ? BigInt(transaction.gas) : undefined,
  };
  return (await signer.connect(provider).sendTransaction(request)).hash;
}

/** What the development wallet asks the person before it signs: a transaction, or a message. */
export type SignatureRequest =
  | { kind: "transaction"; account: string; accountName: string; transaction: RpcTransaction }
  | { kind: "message"; account: string; accountName: string; message: string };

/** Shows the request and resolves true on Confirm, false on Reject. */
export type ConfirmSignature = (request: SignatureRequest) => Promise<boolean>;

/** The error a wallet answers with when its user refuses (EIP-1193 code 4001); describeError puts it in words. */
export function userRejectedRequest(): Error & { code: number } {
  return Object.assign(new Error("User rejected the request."), { code: 4001 });
}

/** The message personal_sign shows: UTF-8 text when it is text, else the hex. */
function readableMessage(message: unknown): string {
  const text = String(message);
  if (!isHexString(text)) return text;
  try {
    const decoded = toUtf8String(getBytes(text));
    return /^[\P{C}\n\r\t]*$/u.test(decoded) ? decoded : text;
  } catch {
    return text;
  }
}

/**
 * An EIP-1193 provider that signs with `wallet` and sends everything else to the app's read provider. Nothing is
 * signed before `confirm` said yes; a refusal fails the request as a wallet's user rejection does.
 */
function developmentProvider(wallet: HDNodeWallet, accountName: string, readProvider: JsonRpcProvider, confirm: ConfirmSignature): Eip1193Provider {
  const signer = wallet.connect(readProvider);
  return {
    async request({ method, params }) {
      const list = (params ?? []) as unknown[];
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [signer.address];
        case "eth_chainId":
          return toQuantity(LOCAL_CHAIN_ID);
        case "wallet_switchEthereumChain":
          return null;
        case "eth_sendTransaction": {
          const transaction = list[0] as RpcTransaction;
          const approved = await confirm({ kind: "transaction", account: signer.address, accountName, transaction: { ...transaction, from: transaction.from ?? signer.address } });
          if (!approved) throw userRejectedRequest();
          return sendRpcTransaction(signer, readProvider, transaction);
        }
        case "personal_sign": {
          if (!(await confirm({ kind: "message", account: signer.address, accountName, message: readableMessage(list[0]) }))) throw userRejectedRequest();
          return signer.signMessage(isHexString(list[0]) ? getBytes(list[0]) : String(list[0]));
        }
        default:
          return readProvider.send(method, list);
      }
    },
  };
}

/** The development wallet's accounts as wallet choices for the connect menu; `confirm` asks before each signature. */
export function developmentWalletChoices(readProvider: JsonRpcProvider, confirm: ConfirmSignature): WalletChoice[] {
  // The seed is derived once (2048 PBKDF2 rounds); each account is then one cheap child derivation.
  const accounts = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), "m/44'/60'/0'/0");
  return DEVELOPMENT_ACCOUNT_INDEXES.map((index) => {
    const wallet = accounts.deriveChild(index);
    const name = `Development account #${index} (${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)})`;
    return {
      id: `development:${index}`,
      name,
      provider: developmentProvider(wallet, name, readProvider, confirm),
      kind: "development" as const,
    };
  });
}

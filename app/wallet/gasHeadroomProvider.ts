import { BrowserProvider, type TransactionRequest } from "ethers";
import { withGasHeadroom } from "../../lib/transactionPolicy";

/**
 * The wallet's provider, with every gas estimate carrying the headroom of lib/transactionPolicy. ethers' signer
 * estimates the gas of each transaction it hands the wallet, and wallets send the dapp's figure as it is: an exact
 * estimate runs out of gas when the transaction is mined a second later with more farm rewards to claim.
 */
export class GasHeadroomBrowserProvider extends BrowserProvider {
  override async estimateGas(transaction: TransactionRequest): Promise<bigint> {
    return withGasHeadroom(await super.estimateGas(transaction));
  }
}

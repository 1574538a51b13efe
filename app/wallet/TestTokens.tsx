"use client";

import { Contract, parseEther, parseUnits, type TransactionResponse } from "ethers";
import { FaucetToken__factory } from "../../lib/contracts";
import { formatTokenAmount } from "../../lib/format";
import { TransactionStatus } from "../tx/TransactionStatus";
import { useTransactionFlow, type TransactionStep } from "../tx/useTransactionFlow";
import { LOCAL_CHAIN_ID } from "./developmentWallet";
import { useChain, useWallet } from "./WalletProvider";
import styles from "./TestTokens.module.css";

/** Whole tokens each faucet token hands out per click; enough to try every pool and vault at a realistic size. */
const FAUCET_WHOLE_TOKENS = "10000";
/** ETH wrapped into WETH per click; Hardhat's accounts start with 10,000 ETH. */
const WRAP_ETHER = "5";
/** WETH9 turns ETH sent to deposit() into the same amount of WETH; this is all of its ABI the faucet needs. */
const WETH_DEPOSIT_ABI = ["function deposit() payable"];

export interface TestTokensProps {
  /** Called after every step was confirmed, e.g. to reload a server-rendered page's figures. */
  onFunded?: () => void;
}

/**
 * "Get test tokens" for the local chain: mints each faucet token to the connected account (within the faucet's
 * per-call limit) and wraps some ETH into WETH, one transaction each, every step's state shown. Renders nothing on
 * any other chain: real deployments use real tokens and have no faucet.
 */
export function TestTokens({ onFunded }: TestTokensProps) {
  const { deployment } = useChain();
  const { address, signer, wrongChain } = useWallet();
  const flow = useTransactionFlow();

  if (deployment.chainId !== LOCAL_CHAIN_ID || !address) return null;

  const faucetTokens = Object.entries(deployment.tokens).filter(([, token]) => token.artifact === "FaucetToken");
  const weth = deployment.tokens.WETH;

  const steps: TransactionStep[] = faucetTokens.map(([symbol, token]) => {
    const wanted = parseUnits(FAUCET_WHOLE_TOKENS, token.decimals);
    return {
      label: `Mint ${formatTokenAmount(wanted, token.decimals)} ${symbol} from the faucet`,
      async send(signer): Promise<TransactionResponse> {
        const faucet = FaucetToken__factory.connect(token.address, signer);
        // The faucet refuses more than its per-call limit; ask for what it gives rather than fail.
        const limit = await faucet.faucetLimit();
        return faucet.faucet(wanted < limit ? wanted : limit);
      },
    };
  });
  if (weth) {
    steps.push({
      label: `Wrap ${WRAP_ETHER} ETH into WETH`,
      async send(signer): Promise<TransactionResponse> {
        const value = parseEther(WRAP_ETHER);
        const balance = await signer.provider.getBalance(await signer.getAddress());
        if (balance < value) {
          throw new Error(`Your account holds ${formatTokenAmount(balance, 18, 4)} ETH, less than the ${WRAP_ETHER} ETH to wrap.`);
        }
        const wethContract = new Contract(weth.address, WETH_DEPOSIT_ABI, signer);
        return wethContract.deposit({ value }) as Promise<TransactionResponse>;
      },
    });
  }

  const get = async () => {
    if (await flow.run(steps)) onFunded?.();
  };

  const summary = [
    ...faucetTokens.map(([symbol]) => `${Number(FAUCET_WHOLE_TOKENS).toLocaleString("en-US")} ${symbol}`),
    ...(weth ? [`${WRAP_ETHER} WETH`] : []),
  ].join(", ");

  return (
    <div className={`card ${styles.testTokens}`} data-testid="test-tokens">
      <div className={styles.row}>
        <div className={styles.text}>
          <strong>Test tokens</strong>
          <span className={`badge ${styles.badge}`}>local chain</span>
          <p className="muted">
            This is the local test chain: get {summary} for the connected account, free.
          </p>
        </div>
        <button type="button" onClick={() => void get()} disabled={flow.busy || !signer} data-testid="test-tokens-button">
          {flow.busy ? "Getting test tokens…" : "Get test tokens"}
        </button>
      </div>
      {wrongChain && <p className="field-error">Switch your wallet to the local chain first.</p>}
      <TransactionStatus flow={flow} />
    </div>
  );
}

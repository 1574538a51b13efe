/**
 * The local market: moves the simulated price feeds in a gentle random walk and arbitrages every pair so its spot
 * price follows the oracle, as real arbitrageurs would. Keeps APYs, charts and debt ratios alive on the local
 * chain. Local chains only (it signs with Hardhat's first well-known account, the feeds' owner).
 *
 *   ts-node --transpile-only scripts/simulator.ts [--interval SECONDS] [--once]
 */
import { Contract, JsonRpcProvider, Wallet, type Signer } from "ethers";
import UniswapV2Pair from "@uniswap/v2-core/build/UniswapV2Pair.json";
import UniswapV2Router02 from "@uniswap/v2-periphery/build/UniswapV2Router02.json";
import { readDeployment, type Deployment } from "../lib/deployments";
import { arbitrageSwap } from "../lib/vaultMath";
import { FaucetToken__factory, SettableAggregator__factory } from "../typechain-types";
import { fundFromLocalSources } from "./lib/localFunds";

/** Hardhat's account #0: the local deployer, owner of the simulated feeds. Public knowledge; local chains only. */
const LOCAL_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const LOCAL_CHAIN_ID = 31337n;

/** Volatility per step (standard deviation of the log-return) and, for stablecoins, the pull back to $1. */
const WALKS: Record<string, { volatility: number; peg?: number }> = {
  WETH: { volatility: 0.004 },
  FLUX: { volatility: 0.006 },
  USDC: { volatility: 0.0002, peg: 1 },
  USDT: { volatility: 0.0002, peg: 1 },
};

function gaussian(): number {
  // Box-Muller: two uniforms to one standard normal draw.
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

export function nextPrice(price: number, walk: { volatility: number; peg?: number }): number {
  const drift = walk.peg === undefined ? 0 : 0.5 * Math.log(walk.peg / price);
  return price * Math.exp(drift + walk.volatility * gaussian());
}

export class MarketSimulator {
  private readonly prices: Record<string, number> = {};

  constructor(
    private readonly deployment: Deployment,
    // A plain wallet, not a NonceManager: it asks the node for the pending nonce on every send, so a transaction
    // someone else signs with the feeds' owner (a browser test's price shock) costs one failed step, not every later one.
    private readonly signer: Signer,
    private readonly log: (line: string) => void = (line) => console.log(line),
  ) {}

  /** One step: move every feed, then arbitrage every pair back to the oracle. */
  async step(): Promise<void> {
    const farming = this.deployment.farming;
    if (!farming) throw new Error("The deployment has no farming section: deploy the full local stack first.");
    for (const [symbol, walk] of Object.entries(WALKS)) {
      const feed = SettableAggregator__factory.connect(farming.feeds[symbol], this.signer);
      // Walk from the feed's latest answer, not from the last price this process set: a price someone else set
      // (a crash rehearsed on the local chain) stands, and the walk and the arbitrage go on from it.
      const current = Number((await feed.latestRoundData()).answer) / 1e8;
      this.prices[symbol] = nextPrice(current, walk);
      await (await feed.setAnswer(BigInt(Math.round(this.prices[symbol] * 1e8)))).wait();
    }
    const pairs = [...Object.values(farming.vaults).map((vault) => vault.pair), farming.rewardPair];
    for (const pairAddress of pairs) await this.arbitrage(pairAddress);
    this.log(
      `${Object.entries(this.prices)
        .map(([symbol, price]) => `${symbol} $${price.toFixed(symbol === "WETH" ? 2 : 4)}`)
        .join("  ")}`,
    );
  }

  private async arbitrage(pairAddress: string): Promise<void> {
    const pair = new Contract(pairAddress, UniswapV2Pair.abi, this.signer);
    const [address0, address1] = [String(await pair.token0()), String(await pair.token1())];
    const [symbol0, symbol1] = [this.symbolOf(address0), this.symbolOf(address1)];
    const [decimals0, decimals1] = [this.deployment.tokens[symbol0].decimals, this.deployment.tokens[symbol1].decimals];
    const reserves = await pair.getReserves();
    // Token 0's price in token 1, in base units, WAD.
    const ratio = this.prices[symbol0] / this.prices[symbol1];
    const targetWad = (BigInt(Math.round(ratio * 1e18)) * 10n ** BigInt(decimals1)) / 10n ** BigInt(decimals0);
    const { zeroForOne, amountIn } = arbitrageSwap(BigInt(reserves[0]), BigInt(reserves[1]), targetWad);
    if (amountIn === 0n) return;
    const [tokenIn, tokenOut, symbolIn] = zeroForOne ? [address0, address1, symbol0] : [address1, address0, symbol1];
    await this.fund(symbolIn, tokenIn, amountIn);
    const router = new Contract(this.deployment.farming!.uniswapRouter, UniswapV2Router02.abi, this.signer);
    const token = FaucetToken__factory.connect(tokenIn, this.signer);
    const owner = await this.signer.getAddress();
    if ((await token.allowance(owner, await router.getAddress())) < amountIn) {
      await (await token.approve(await router.getAddress(), 2n ** 255n)).wait();
    }
    // Chain time, not wall time: a local chain's clock may have been moved.
    const deadline = BigInt((await this.signer.provider!.getBlock("latest"))!.timestamp + 600);
    await (await router.swapExactTokensForTokens(amountIn, 0, [tokenIn, tokenOut], owner, deadline)).wait();
  }

  /** Tops the simulator's balance up from the faucet, WETH9 or the FLUX minter. */
  private async fund(symbol: string, token: string, amount: bigint): Promise<void> {
    const balance = await FaucetToken__factory.connect(token, this.signer).balanceOf(await this.signer.getAddress());
    if (balance < amount) await fundFromLocalSources(this.deployment, symbol, this.signer, amount - balance);
  }

  private symbolOf(address: string): string {
    const entry = Object.entries(this.deployment.tokens).find(([, token]) => token.address.toLowerCase() === address.toLowerCase());
    if (!entry) throw new Error(`Token ${address} is not in the deployment file`);
    return entry[0];
  }
}

async function main() {
  const args = process.argv.slice(2);
  const intervalSeconds = Number(args[args.indexOf("--interval") + 1] ?? 0) || 5;
  // No response cache: each send reads the pending nonce afresh (ethers would answer a repeat within 250 ms from cache).
  const provider = new JsonRpcProvider(process.env.FLUX_RPC_URL ?? "http://127.0.0.1:8545", undefined, { cacheTimeout: -1 });
  if ((await provider.getNetwork()).chainId !== LOCAL_CHAIN_ID) {
    throw new Error("The market simulator only runs on a local chain (chain id 31337): it moves the simulated feeds.");
  }
  const deployment = readDeployment(process.env.FLUX_NETWORK ?? "localhost");
  const simulator = new MarketSimulator(deployment, new Wallet(LOCAL_DEPLOYER_KEY, provider));
  let stopping = false;
  process.on("SIGINT", () => (stopping = true));
  process.on("SIGTERM", () => (stopping = true));
  do {
    try {
      await simulator.step();
    } catch (error) {
      // A failed step (a user's transaction raced ours, the node restarted) is retried on the next tick.
      console.error(`step failed: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    }
    if (args.includes("--once")) break;
    await new Promise((resolve) => setTimeout(resolve, intervalSeconds * 1000));
  } while (!stopping);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/**
 * Getting test tokens on a local deployment: from the FaucetTokens (bounded per call), by wrapping ETH in WETH9,
 * or from the FLUX minter. Used by the deployment, the market simulator, the benchmarks and the tests.
 */
import { Contract, type Signer } from "ethers";
import WETH9 from "@uniswap/v2-periphery/build/WETH9.json";
import type { Deployment } from "../../lib/deployments";
import { FaucetToken__factory, FluxToken__factory, type FaucetToken } from "../../typechain-types";

/** Asks `faucet` (connected to the receiver) for `amount`, in as many calls as its per-call limit needs. */
export async function faucetInChunks(faucet: FaucetToken, amount: bigint): Promise<void> {
  const limit = await faucet.faucetLimit();
  for (let left = amount; left > 0n; ) {
    const chunk = left < limit ? left : limit;
    await (await faucet.faucet(chunk)).wait();
    left -= chunk;
  }
}

/** Gives `signer` `amount` more of a local deployment's `symbol`. FLUX needs the signer to be a minter. */
export async function fundFromLocalSources(deployment: Deployment, symbol: string, signer: Signer, amount: bigint): Promise<void> {
  const address = deployment.tokens[symbol].address;
  if (symbol === "WETH") {
    // deposit() explicitly: this WETH9 build's bare-ETH fallback reverts on the current EVM.
    await (await new Contract(address, WETH9.abi, signer).deposit({ value: amount })).wait();
  } else if (symbol === "FLUX") {
    await (await FluxToken__factory.connect(address, signer).mint(await signer.getAddress(), amount)).wait();
  } else {
    await faucetInChunks(FaucetToken__factory.connect(address, signer), amount);
  }
}

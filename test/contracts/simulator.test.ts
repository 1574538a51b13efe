import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { vaultStackFixture } from "./vault/fixtures";
import { reservesOf } from "./vault/market";
import { MarketSimulator, nextPrice } from "../../scripts/simulator";
import { SettableAggregator__factory } from "../../typechain-types";

describe("local market simulator", () => {
  it("walks the feeds and arbitrages every pair so its spot follows the oracle", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { deployment, deployer, farming, stable, volatile } = fixture;
    const lines: string[] = [];
    const simulator = new MarketSimulator(deployment, deployer, (line) => lines.push(line));
    const wethBefore = await farming.oracle.priceOf(deployment.tokens.WETH.address);
    for (let step = 0; step < 3; step++) {
      await simulator.step();
      for (const deployed of [stable, volatile]) {
        const [reserve0, reserve1] = await reservesOf(deployed.pair);
        const decimals = (symbol: string) => deployment.tokens[symbol].decimals;
        const spot = (Number(reserve1) / 10 ** decimals(deployed.token1Symbol)) / (Number(reserve0) / 10 ** decimals(deployed.token0Symbol));
        const oracle = async (symbol: string) => Number(await farming.oracle.priceOf(deployment.tokens[symbol].address)) / 1e18;
        const fair = (await oracle(deployed.token0Symbol)) / (await oracle(deployed.token1Symbol));
        // Within the swap fee of the arbitrage trade, far inside the vaults' deviation guards (1% and 2%).
        expect(Math.abs(spot / fair - 1)).to.be.lessThan(0.004);
      }
    }
    expect(await farming.oracle.priceOf(deployment.tokens.WETH.address)).to.not.equal(wethBefore);
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/WETH \$\d+\.\d{2}/);
  });

  it("walks on from a price someone else set on the feed, and arbitrages the pair to it", async () => {
    const fixture = await loadFixture(vaultStackFixture);
    const { deployment, deployer, farming, volatile } = fixture;
    const simulator = new MarketSimulator(deployment, deployer, () => undefined);
    await simulator.step();
    // A crash rehearsed by hand: WETH to $1,300 in one answer.
    const feed = SettableAggregator__factory.connect(deployment.farming!.feeds.WETH, deployer);
    await (await feed.setAnswer(1_300n * 10n ** 8n)).wait();
    await simulator.step();
    const weth = Number(await farming.oracle.priceOf(deployment.tokens.WETH.address)) / 1e18;
    // One step of the walk (0.4% volatility) from $1,300, not from the $2,000 the simulator set before.
    expect(weth).to.be.closeTo(1_300, 1_300 * 0.03);
    const [reserve0, reserve1] = await reservesOf(volatile.pair);
    const decimals = (symbol: string) => deployment.tokens[symbol].decimals;
    const spot = Number(reserve1) / 10 ** decimals(volatile.token1Symbol) / (Number(reserve0) / 10 ** decimals(volatile.token0Symbol));
    const wethIsToken0 = volatile.token0Symbol === "WETH";
    const spotWeth = wethIsToken0 ? spot : 1 / spot;
    expect(spotWeth / weth - 1).to.be.closeTo(0, 0.004);
  });

  it("pulls stablecoins back to their peg and lets volatile prices wander", () => {
    let stable = 1.01;
    for (let step = 0; step < 50; step++) stable = nextPrice(stable, { volatility: 0, peg: 1 });
    expect(stable).to.be.closeTo(1, 1e-6);
    const moved = new Set(Array.from({ length: 20 }, () => nextPrice(2_000, { volatility: 0.004 })));
    expect(moved.size).to.equal(20);
  });
});

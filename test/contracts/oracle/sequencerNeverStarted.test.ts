import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { PriceOracle } from "../../../typechain-types";

/**
 * A sequencer uptime feed whose latest round never started (startedAt == 0; seen on Arbitrum before the feed's
 * first update) and which answers "up" (0): the oracle must refuse every price with a named error, however long
 * ago "0" is. Kills the mutant `oracle-sequencer-never-started` (scripts/mutants.ts).
 */
describe("PriceOracle: a sequencer round that never started", () => {
  it("refuses prices with a named error though block time is far past the grace period", async () => {
    const [owner] = await ethers.getSigners();
    const token = await (await ethers.getContractFactory("FaucetToken")).deploy("USD Coin", "USDC", 6, 0n);
    const feed = await (await ethers.getContractFactory("SettableAggregator")).deploy(8, "USDC / USD", 100_000_000n);
    const oracle = (await upgrades.deployProxy(await ethers.getContractFactory("PriceOracle"), [owner.address], { kind: "uups" })) as unknown as PriceOracle;
    await oracle.setFeed(await token.getAddress(), await feed.getAddress(), 86_400);
    // A feed whose every answer is five zero words: round 0, status 0 (up), startedAt 0, updatedAt 0.
    // Runtime code: PUSH1 0xa0 PUSH1 0x00 RETURN.
    const neverStarted = ethers.Wallet.createRandom().address;
    await ethers.provider.send("hardhat_setCode", [neverStarted, "0x60a06000f3"]);
    const grace = 3_600;
    await oracle.setSequencerUptimeFeed(neverStarted, grace);
    await time.increase(10 * grace);
    await feed.setAnswer(100_000_000n);
    const now = await time.latest();
    console.log(`      block time ${now} s since startedAt 0, grace ${grace} s`);
    // Refused with a named error: SequencerGracePeriodNotOver(0, grace), or a dedicated SequencerStatusNotStarted()
    // where the oracle has one. Never a price, never an unnamed revert.
    const refusal = await oracle.priceOf(await token.getAddress()).then(
      (price) => ({ name: `a price of ${price}`, args: [] as unknown[] }),
      (error: { data?: string }) => oracle.interface.parseError(error.data ?? "0x") ?? { name: `an unnamed revert (${error.data})`, args: [] },
    );
    console.log(`      refused with ${refusal.name}(${[...refusal.args].join(", ")})`);
    if (refusal.name === "SequencerGracePeriodNotOver") expect([...refusal.args]).to.deep.equal([0n, BigInt(grace)]);
    else expect(refusal.name).to.equal("SequencerStatusNotStarted");
    // The same oracle with a sequencer that did start long ago gives the price: only the never-started round is refused.
    const started = await (await ethers.getContractFactory("SettableAggregator")).deploy(0, "L2 Sequencer Uptime Status Feed", 0n);
    await oracle.setSequencerUptimeFeed(await started.getAddress(), grace);
    await time.increase(grace);
    await feed.setAnswer(100_000_000n);
    expect(await oracle.priceOf(await token.getAddress())).to.equal(10n ** 18n);
  });
});

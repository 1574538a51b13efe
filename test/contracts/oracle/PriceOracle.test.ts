import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { PriceOracle, SettableAggregator } from "../../../typechain-types";

const WAD = 10n ** 18n;
const ONE_HOUR = 3_600;
const ONE_DAY = 86_400;
/** Chainlink-style answer with 8 decimals: "3000.12345678" -> 300012345678n. */
const EIGHT = (price: string): bigint => ethers.parseUnits(price, 8);
const USDC = (wholeTokens: string): bigint => ethers.parseUnits(wholeTokens, 6);


async function deployFeed(decimals: number, description: string, answer: bigint): Promise<SettableAggregator> {
  return (await ethers.getContractFactory("SettableAggregator")).deploy(decimals, description, answer);
}

/** An oracle pricing USDC (6 decimals) with an 8-decimal feed and WETH (18 decimals) with an 18-decimal feed. */
async function oracleFixture() {
  const [owner, stranger] = await ethers.getSigners();
  const tokenFactory = await ethers.getContractFactory("FaucetToken");
  const usdc = await tokenFactory.deploy("USD Coin", "USDC", 6, 0n);
  const weth = await tokenFactory.deploy("Wrapped Ether", "WETH", 18, 0n);
  const unpriced = await tokenFactory.deploy("Unpriced", "NOPE", 18, 0n);
  const usdcFeed = await deployFeed(8, "USDC / USD", EIGHT("1"));
  const wethFeed = await deployFeed(18, "ETH / USD", ethers.parseEther("3000.5"));
  const oracle = (await upgrades.deployProxy(await ethers.getContractFactory("PriceOracle"), [owner.address], {
    kind: "uups",
  })) as unknown as PriceOracle;
  await oracle.waitForDeployment();
  await oracle.setFeed(await usdc.getAddress(), await usdcFeed.getAddress(), ONE_DAY);
  await oracle.setFeed(await weth.getAddress(), await wethFeed.getAddress(), ONE_HOUR);
  return { oracle, usdc, weth, unpriced, usdcFeed, wethFeed, owner, stranger };
}

describe("PriceOracle", () => {
  describe("setup", () => {
    it("is owned by the initializer's owner and knows each token's feed and staleness limit", async () => {
      const { oracle, usdc, weth, unpriced, usdcFeed, wethFeed, owner } = await loadFixture(oracleFixture);
      expect(await oracle.owner()).to.equal(owner.address);
      const usdcConfiguration = await oracle.feedOf(await usdc.getAddress());
      expect(usdcConfiguration.feed).to.equal(await usdcFeed.getAddress());
      expect(usdcConfiguration.maxStalenessSeconds).to.equal(BigInt(ONE_DAY));
      const wethConfiguration = await oracle.feedOf(await weth.getAddress());
      expect(wethConfiguration.feed).to.equal(await wethFeed.getAddress());
      expect(wethConfiguration.maxStalenessSeconds).to.equal(BigInt(ONE_HOUR));
      const none = await oracle.feedOf(await unpriced.getAddress());
      expect(none.feed).to.equal(ethers.ZeroAddress);
      expect(none.maxStalenessSeconds).to.equal(0n);
    });

    it("cannot be initialized twice, nor with a zero owner", async () => {
      const { oracle, stranger } = await loadFixture(oracleFixture);
      await expect(oracle.initialize(stranger.address)).to.be.revertedWithCustomError(oracle, "InvalidInitialization");
      const factory = await ethers.getContractFactory("PriceOracle");
      await expect(upgrades.deployProxy(factory, [ethers.ZeroAddress], { kind: "uups" })).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
    });
  });

  describe("normalisation to WAD", () => {
    it("values USDC (6 decimals) on an 8-decimal feed at $1.00", async () => {
      const { oracle, usdc } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      expect(await oracle.priceOf(token)).to.equal(WAD);
      expect(await oracle.usdValueOf(token, 1_500_000n)).to.equal(1_500_000_000_000_000_000n); // 1.5 USDC = $1.5
      expect(await oracle.usdValueOf(token, USDC("1234567.891011"))).to.equal(ethers.parseEther("1234567.891011"));
      expect(await oracle.usdValueOf(token, 0n)).to.equal(0n);
    });

    it("values WETH (18 decimals) on an 18-decimal feed", async () => {
      const { oracle, weth } = await loadFixture(oracleFixture);
      const token = await weth.getAddress();
      expect(await oracle.priceOf(token)).to.equal(ethers.parseEther("3000.5"));
      // 2.5 WETH at $3000.5 = $7501.25
      expect(await oracle.usdValueOf(token, ethers.parseEther("2.5"))).to.equal(ethers.parseEther("7501.25"));
      expect(await oracle.usdValueOf(token, 1n)).to.equal(3000n); // 1 wei is worth 3000.5 wei of USD, rounded down
    });

    it("values an 18-decimal token on an 8-decimal feed", async () => {
      const { oracle, weth, owner } = await loadFixture(oracleFixture);
      const token = await weth.getAddress();
      const feed = await deployFeed(8, "ETH / USD", EIGHT("3000.12345678"));
      await oracle.connect(owner).setFeed(token, await feed.getAddress(), ONE_HOUR);
      expect(await oracle.priceOf(token)).to.equal(ethers.parseEther("3000.12345678"));
      // 2.5 * 3000.12345678 = 7500.30864195
      expect(await oracle.usdValueOf(token, ethers.parseEther("2.5"))).to.equal(ethers.parseEther("7500.30864195"));
    });

    it("values a 6-decimal token on an 18-decimal feed and rounds the value down", async () => {
      const { oracle, usdc, owner } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      const feed = await deployFeed(18, "USDC / USD", ethers.parseEther("0.999"));
      await oracle.connect(owner).setFeed(token, await feed.getAddress(), ONE_DAY);
      expect(await oracle.priceOf(token)).to.equal(ethers.parseEther("0.999"));
      expect(await oracle.usdValueOf(token, 1_500_000n)).to.equal(ethers.parseEther("1.4985"));

      // A third of a dollar: one base unit is worth 333333333333.333333 wei of USD, which rounds down.
      await feed.setAnswer(333_333_333_333_333_333n);
      expect(await oracle.usdValueOf(token, 1n)).to.equal(333_333_333_333n);
      expect(await oracle.usdValueOf(token, 3n)).to.equal(999_999_999_999n);
    });

    it("drops the extra digits of a feed with more than 18 decimals, and refuses an answer that rounds to zero", async () => {
      const { oracle, usdc, owner } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      const feed = await deployFeed(20, "USDC / USD", ethers.parseUnits("1.23456789012345678912", 20));
      await oracle.connect(owner).setFeed(token, await feed.getAddress(), ONE_DAY);
      expect(await oracle.priceOf(token)).to.equal(1_234_567_890_123_456_789n);
      expect(await oracle.usdValueOf(token, 2_000_000n)).to.equal(2_469_135_780_246_913_578n);

      await feed.setAnswer(99n); // 0.99e-18 dollars: under a wei of USD
      await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "InvalidPrice").withArgs(token, 99n);
    });

    it("values a large balance without overflowing", async () => {
      const { oracle, weth, wethFeed } = await loadFixture(oracleFixture);
      const token = await weth.getAddress();
      await wethFeed.setAnswer(ethers.parseEther("1000000")); // $1M per token
      const amount = 10n ** 60n; // amount * price overflows 2**256 before the division
      expect(await oracle.usdValueOf(token, amount)).to.equal(10n ** 66n);
    });
  });

  describe("refusing bad prices", () => {
    it("accepts an answer exactly at the staleness limit and refuses it one second later with the exact values", async () => {
      const { oracle, weth, wethFeed } = await loadFixture(oracleFixture);
      const token = await weth.getAddress();
      await wethFeed.setAnswer(ethers.parseEther("2900"));
      const [, , , updatedAt] = await wethFeed.latestRoundData();

      await time.increaseTo(updatedAt + BigInt(ONE_HOUR));
      expect(await oracle.priceOf(token)).to.equal(ethers.parseEther("2900"));

      await time.increase(1);
      await expect(oracle.priceOf(token))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(token, updatedAt, ONE_HOUR);
      await expect(oracle.usdValueOf(token, WAD))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(token, updatedAt, ONE_HOUR);

      // A fresh round makes the token priceable again.
      await wethFeed.setAnswer(ethers.parseEther("2950"));
      expect(await oracle.priceOf(token)).to.equal(ethers.parseEther("2950"));
    });

    it("applies each token's own staleness limit", async () => {
      const { oracle, usdc, weth, usdcFeed, wethFeed } = await loadFixture(oracleFixture);
      const [, , , usdcUpdatedAt] = await usdcFeed.latestRoundData();
      const [, , , wethUpdatedAt] = await wethFeed.latestRoundData();
      await time.increaseTo(wethUpdatedAt + BigInt(ONE_HOUR) + 1n);
      await expect(oracle.priceOf(await weth.getAddress()))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(await weth.getAddress(), wethUpdatedAt, ONE_HOUR);
      // The one-day USDC limit is not reached yet.
      expect(await oracle.priceOf(await usdc.getAddress())).to.equal(WAD);
      await time.increaseTo(usdcUpdatedAt + BigInt(ONE_DAY) + 1n);
      await expect(oracle.priceOf(await usdc.getAddress()))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(await usdc.getAddress(), usdcUpdatedAt, ONE_DAY);
    });

    it("refuses zero and negative answers", async () => {
      const { oracle, usdc, usdcFeed } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      await usdcFeed.setAnswer(0n);
      await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "InvalidPrice").withArgs(token, 0n);
      await expect(oracle.usdValueOf(token, 1_000_000n))
        .to.be.revertedWithCustomError(oracle, "InvalidPrice")
        .withArgs(token, 0n);
      await usdcFeed.setAnswer(-EIGHT("1"));
      await expect(oracle.priceOf(token))
        .to.be.revertedWithCustomError(oracle, "InvalidPrice")
        .withArgs(token, -100_000_000n);
      await usdcFeed.setAnswer(1n); // the smallest positive answer is a price
      expect(await oracle.priceOf(token)).to.equal(10n ** 10n);
    });

    it("refuses tokens without a feed", async () => {
      const { oracle, unpriced } = await loadFixture(oracleFixture);
      const token = await unpriced.getAddress();
      await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "FeedNotSet").withArgs(token);
      await expect(oracle.usdValueOf(token, WAD)).to.be.revertedWithCustomError(oracle, "FeedNotSet").withArgs(token);
    });
  });

  describe("admin", () => {
    it("sets a feed, reading the feed's and the token's decimals, and emits FeedSet", async () => {
      const { oracle, unpriced, owner } = await loadFixture(oracleFixture);
      const token = await unpriced.getAddress();
      const feed = await deployFeed(8, "NOPE / USD", EIGHT("0.5"));
      await expect(oracle.connect(owner).setFeed(token, await feed.getAddress(), 900))
        .to.emit(oracle, "FeedSet")
        .withArgs(token, await feed.getAddress(), 900);
      const configuration = await oracle.feedOf(token);
      expect(configuration.feed).to.equal(await feed.getAddress());
      expect(configuration.maxStalenessSeconds).to.equal(900n);
      expect(await oracle.priceOf(token)).to.equal(WAD / 2n);
      expect(await oracle.usdValueOf(token, ethers.parseEther("3"))).to.equal(ethers.parseEther("1.5"));
    });

    it("removes a feed with a zero address, still emitting FeedSet", async () => {
      const { oracle, usdc, owner } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      await expect(oracle.connect(owner).setFeed(token, ethers.ZeroAddress, ONE_DAY))
        .to.emit(oracle, "FeedSet")
        .withArgs(token, ethers.ZeroAddress, 0);
      const configuration = await oracle.feedOf(token);
      expect(configuration.feed).to.equal(ethers.ZeroAddress);
      expect(configuration.maxStalenessSeconds).to.equal(0n);
      await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "FeedNotSet").withArgs(token);
    });

    it("refuses a zero token address", async () => {
      const { oracle, usdcFeed, owner } = await loadFixture(oracleFixture);
      await expect(
        oracle.connect(owner).setFeed(ethers.ZeroAddress, await usdcFeed.getAddress(), ONE_DAY),
      ).to.be.revertedWithCustomError(oracle, "ZeroAddress");
    });

    it("lets only the owner set feeds", async () => {
      const { oracle, usdc, wethFeed, stranger } = await loadFixture(oracleFixture);
      const token = await usdc.getAddress();
      await expect(oracle.connect(stranger).setFeed(token, await wethFeed.getAddress(), ONE_DAY))
        .to.be.revertedWithCustomError(oracle, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(oracle.connect(stranger).setFeed(token, ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(oracle, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      expect(await oracle.priceOf(token)).to.equal(WAD);
    });

    it("hands ownership over in two steps", async () => {
      const { oracle, usdc, usdcFeed, owner, stranger } = await loadFixture(oracleFixture);
      await oracle.connect(owner).transferOwnership(stranger.address);
      expect(await oracle.owner()).to.equal(owner.address);
      await oracle.connect(stranger).acceptOwnership();
      expect(await oracle.owner()).to.equal(stranger.address);
      await expect(oracle.connect(owner).setFeed(await usdc.getAddress(), await usdcFeed.getAddress(), 1))
        .to.be.revertedWithCustomError(oracle, "OwnableUnauthorizedAccount")
        .withArgs(owner.address);
    });
  });

  describe("upgrades", () => {
    it("lets the owner upgrade and keeps the feeds", async () => {
      const { oracle, usdc, usdcFeed, owner } = await loadFixture(oracleFixture);
      const proxy = await oracle.getAddress();
      const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);
      const newImplementation = await (await ethers.getContractFactory("PriceOracle")).deploy();
      await expect(oracle.connect(owner).upgradeToAndCall(await newImplementation.getAddress(), "0x"))
        .to.emit(oracle, "Upgraded")
        .withArgs(await newImplementation.getAddress());
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.not.equal(implementationBefore);
      expect((await oracle.feedOf(await usdc.getAddress())).feed).to.equal(await usdcFeed.getAddress());
      expect(await oracle.usdValueOf(await usdc.getAddress(), 1_500_000n)).to.equal(ethers.parseEther("1.5"));
    });

    it("reverts an upgrade by anyone but the owner", async () => {
      const { oracle, stranger } = await loadFixture(oracleFixture);
      const implementation = await upgrades.deployImplementation(await ethers.getContractFactory("PriceOracle"), {
        kind: "uups",
      });
      await expect(oracle.connect(stranger).upgradeToAndCall(implementation as string, "0x"))
        .to.be.revertedWithCustomError(oracle, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
    });

    it("cannot initialize the implementation directly", async () => {
      const { oracle, stranger } = await loadFixture(oracleFixture);
      const implementation = await ethers.getContractAt(
        "PriceOracle",
        await upgrades.erc1967.getImplementationAddress(await oracle.getAddress()),
      );
      await expect(implementation.initialize(stranger.address)).to.be.revertedWithCustomError(
        implementation,
        "InvalidInitialization",
      );
    });
  });
});

describe("PriceOracle: feed decimals are checked at price time", () => {
  it("refuses a feed whose decimals changed since setFeed with the numbers, where it would price 10^10 off; setting the feed again prices it", async () => {
    const { oracle, usdc } = await loadFixture(oracleFixture);
    const token = await usdc.getAddress();
    const feed = await (await ethers.getContractFactory("MutableFeed")).deploy(8, EIGHT("1"));
    await oracle.setFeed(token, await feed.getAddress(), ONE_DAY);
    expect(await oracle.priceOf(token)).to.equal(WAD);
    // The proxy moves to an aggregator answering $1 with 18 decimals: the cached 8 would price USDC at $10^10.
    await feed.setDecimals(18);
    await feed.setRound(ethers.parseUnits("1", 18), BigInt(await time.latest()), BigInt(await time.latest()));
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "FeedDecimalsChanged").withArgs(token, 8, 18);
    await expect(oracle.usdValueOf(token, USDC("1"))).to.be.revertedWithCustomError(oracle, "FeedDecimalsChanged").withArgs(token, 8, 18);
    // Fewer decimals are refused too (10^-2 off the other way).
    await feed.setDecimals(6);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "FeedDecimalsChanged").withArgs(token, 8, 6);
    // The owner sets the feed again: read with its decimals now.
    await feed.setDecimals(18);
    await oracle.setFeed(token, await feed.getAddress(), ONE_DAY);
    expect(await oracle.priceOf(token)).to.equal(WAD);
    expect(await oracle.usdValueOf(token, USDC("2.5"))).to.equal((WAD * 5n) / 2n);
  });
});

describe("PriceOracle on an L2: the sequencer uptime feed", () => {
  const GRACE = 3_600;

  /** The oracle of oracleFixture with Chainlink's sequencer uptime feed (answer 0: up, 1: down) and a one-hour grace. */
  async function sequencerFixture() {
    const base = await oracleFixture();
    const sequencer = await deployFeed(0, "L2 Sequencer Uptime Status Feed", 0n);
    await expect(base.oracle.setSequencerUptimeFeed(await sequencer.getAddress(), GRACE))
      .to.emit(base.oracle, "SequencerUptimeFeedSet")
      .withArgs(await sequencer.getAddress(), GRACE);
    // The feed's own answers keep WETH fresh; only the sequencer's timing is under test.
    return { ...base, sequencer };
  }

  it("refuses every price while the sequencer is down", async () => {
    const { oracle, usdc, sequencer } = await loadFixture(sequencerFixture);
    await time.increase(GRACE * 2);
    await sequencer.setAnswer(1n);
    await expect(oracle.priceOf(await usdc.getAddress())).to.be.revertedWithCustomError(oracle, "SequencerDown");
  });

  it("refuses prices one second before the grace period is over and gives them at its end", async () => {
    const { oracle, usdc, usdcFeed, sequencer } = await loadFixture(sequencerFixture);
    await sequencer.setAnswer(1n);
    await sequencer.setAnswer(0n); // back up: startedAt is this block's time
    const upSince = (await sequencer.latestRoundData()).startedAt;
    await usdcFeed.setAnswer(EIGHT("1"));
    await time.increaseTo(upSince + BigInt(GRACE) - 1n);
    await expect(oracle.priceOf(await usdc.getAddress()))
      .to.be.revertedWithCustomError(oracle, "SequencerGracePeriodNotOver")
      .withArgs(upSince, GRACE);
    await time.increaseTo(upSince + BigInt(GRACE));
    expect(await oracle.priceOf(await usdc.getAddress())).to.equal(WAD);
  });

  it("lets only the owner change the feed, and a zero feed removes the check with its grace period", async () => {
    const { oracle, usdc, stranger, sequencer } = await loadFixture(sequencerFixture);
    await expect(oracle.connect(stranger).setSequencerUptimeFeed(ethers.ZeroAddress, 0)).to.be.revertedWithCustomError(oracle, "OwnableUnauthorizedAccount");
    // A zero feed removes the check (and its grace period with it).
    await expect(oracle.setSequencerUptimeFeed(ethers.ZeroAddress, GRACE)).to.emit(oracle, "SequencerUptimeFeedSet").withArgs(ethers.ZeroAddress, 0);
    expect(await oracle.sequencerUptimeFeed()).to.deep.equal([ethers.ZeroAddress, 0n]);
    await sequencer.setAnswer(1n); // down, but no longer asked
    expect(await oracle.priceOf(await usdc.getAddress())).to.equal(WAD);
  });

  /** The oracle with a MutableFeed as its sequencer feed, whose round times are set apart. */
  async function mutableSequencerFixture() {
    const base = await oracleFixture();
    const sequencer = await (await ethers.getContractFactory("MutableFeed")).deploy(0, 0n);
    await base.oracle.setSequencerUptimeFeed(await sequencer.getAddress(), GRACE);
    return { ...base, sequencer };
  }

  it("names each edge of the sequencer feed, never a Panic: never started, started in the future, down, the grace period's last second", async () => {
    const { oracle, usdc, usdcFeed, sequencer } = await loadFixture(mutableSequencerFixture);
    const token = await usdc.getAddress();
    const now = BigInt(await time.latest());
    await usdcFeed.setAnswer(EIGHT("1"));
    // Never started: Arbitrum's feed answers 0 ("up") with startedAt 0 before its first update.
    await sequencer.setRound(0n, 0n, now);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "SequencerStatusNotStarted");
    // Up since a moment after this block (the feed's clock is ahead): named, where a subtraction would Panic(0x11).
    await sequencer.setRound(0n, now + 1_000n, now);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "SequencerStatusFromFuture").withArgs(now + 1_000n, anyValue);
    await expect(oracle.usdValueOf(token, USDC("1"))).to.be.revertedWithCustomError(oracle, "SequencerStatusFromFuture");
    // Down (whatever its times say).
    await sequencer.setRound(1n, 0n, now);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "SequencerDown");
    // Up since this very second: the grace period has all its length to run.
    const upSince = BigInt(await time.latest()) + 1n;
    await time.setNextBlockTimestamp(upSince);
    await sequencer.setRound(0n, upSince, upSince);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "SequencerGracePeriodNotOver").withArgs(upSince, GRACE);
    // The last refused second, then the first accepted one.
    await time.increaseTo(upSince + BigInt(GRACE) - 1n);
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "SequencerGracePeriodNotOver").withArgs(upSince, GRACE);
    await time.increaseTo(upSince + BigInt(GRACE));
    await usdcFeed.setAnswer(EIGHT("1"));
    expect(await oracle.priceOf(token)).to.equal(WAD);
  });

  it("names a zero answer as invalid even when the answer is also stale", async () => {
    const { oracle, usdc, usdcFeed } = await loadFixture(oracleFixture);
    const token = await usdc.getAddress();
    await usdcFeed.setAnswer(0n);
    await time.increase(ONE_DAY + 1);
    // A zero answer is the worse problem: the feed reports no price at all, however old the report.
    await expect(oracle.priceOf(token)).to.be.revertedWithCustomError(oracle, "InvalidPrice").withArgs(token, 0n);
  });
});

describe("SettableAggregator", () => {
  async function feedFixture() {
    const [owner, stranger] = await ethers.getSigners();
    const feed = await deployFeed(8, "ETH / USD", EIGHT("3000"));
    return { feed, owner, stranger };
  }

  it("describes itself like a Chainlink feed and answers round 1 from deployment", async () => {
    const { feed } = await loadFixture(feedFixture);
    expect(await feed.decimals()).to.equal(8n);
    expect(await feed.description()).to.equal("ETH / USD");
    expect(await feed.version()).to.equal(4n);
    const deploymentTimestamp = BigInt((await ethers.provider.getBlock((await feed.deploymentTransaction())!.blockNumber!))!.timestamp);
    const [roundId, answer, startedAt, updatedAt, answeredInRound] = await feed.latestRoundData();
    expect([roundId, answer, startedAt, updatedAt, answeredInRound]).to.deep.equal([
      1n,
      EIGHT("3000"),
      deploymentTimestamp,
      deploymentTimestamp,
      1n,
    ]);
  });

  it("starts a new round on each answer, emits AnswerUpdated and keeps past rounds", async () => {
    const { feed, owner } = await loadFixture(feedFixture);
    const firstRound = await feed.getRoundData(1);
    await time.increase(ONE_HOUR);
    const transaction = feed.connect(owner).setAnswer(EIGHT("3100.5"));
    await expect(transaction)
      .to.emit(feed, "AnswerUpdated")
      .withArgs(EIGHT("3100.5"), 2n, (updatedAt: bigint) => updatedAt === BigInt(firstRound.updatedAt) + BigInt(ONE_HOUR) + 1n);
    const latest = await feed.latestRoundData();
    expect(latest.roundId).to.equal(2n);
    expect(latest.answer).to.equal(EIGHT("3100.5"));
    expect(latest.updatedAt).to.equal(BigInt(await time.latest()));
    expect(latest.answeredInRound).to.equal(2n);
    // Round 1 is unchanged.
    expect([...(await feed.getRoundData(1))]).to.deep.equal([...firstRound]);
    expect([...(await feed.getRoundData(2))]).to.deep.equal([...latest]);
    await feed.connect(owner).setAnswer(-5n);
    expect((await feed.latestRoundData()).answer).to.equal(-5n);
  });

  it("reverts on rounds it never had", async () => {
    const { feed, owner } = await loadFixture(feedFixture);
    await expect(feed.getRoundData(0)).to.be.revertedWithCustomError(feed, "UnknownRound").withArgs(0n, 1n);
    await expect(feed.getRoundData(2)).to.be.revertedWithCustomError(feed, "UnknownRound").withArgs(2n, 1n);
    await feed.connect(owner).setAnswer(EIGHT("1"));
    expect((await feed.getRoundData(2)).answer).to.equal(EIGHT("1"));
    await expect(feed.getRoundData(3)).to.be.revertedWithCustomError(feed, "UnknownRound").withArgs(3n, 2n);
  });

  it("lets only its owner set the answer", async () => {
    const { feed, stranger } = await loadFixture(feedFixture);
    await expect(feed.connect(stranger).setAnswer(1n))
      .to.be.revertedWithCustomError(feed, "OwnableUnauthorizedAccount")
      .withArgs(stranger.address);
    expect((await feed.latestRoundData()).roundId).to.equal(1n);
  });
});

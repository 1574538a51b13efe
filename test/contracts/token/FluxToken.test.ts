import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { FluxToken } from "../../../typechain-types";

const FLUX = (wholeTokens: string): bigint => ethers.parseEther(wholeTokens);
const CAP = 21_000_000n * 10n ** 18n;

async function fluxFixture() {
  const [owner, minter, secondMinter, alice, stranger] = await ethers.getSigners();
  const flux = (await upgrades.deployProxy(await ethers.getContractFactory("FluxToken"), [owner.address], {
    kind: "uups",
  })) as unknown as FluxToken;
  await flux.waitForDeployment();
  await flux.connect(owner).setMinter(minter.address, true);
  return { flux, owner, minter, secondMinter, alice, stranger };
}

describe("FluxToken", () => {
  describe("setup", () => {
    it("is FLUX, 18 decimals, capped at 21M, with no supply", async () => {
      const { flux, owner } = await loadFixture(fluxFixture);
      expect(await flux.name()).to.equal("Flux");
      expect(await flux.symbol()).to.equal("FLUX");
      expect(await flux.decimals()).to.equal(18n);
      expect(await flux.cap()).to.equal(21_000_000_000_000_000_000_000_000n);
      expect(await flux.MAX_SUPPLY()).to.equal(CAP);
      expect(await flux.totalSupply()).to.equal(0n);
      expect(await flux.owner()).to.equal(owner.address);
      expect(await flux.isMinter(owner.address)).to.equal(false);
    });

    it("cannot be initialized twice, nor with a zero owner", async () => {
      const { flux, stranger } = await loadFixture(fluxFixture);
      await expect(flux.initialize(stranger.address)).to.be.revertedWithCustomError(flux, "InvalidInitialization");
      const factory = await ethers.getContractFactory("FluxToken");
      await expect(upgrades.deployProxy(factory, [ethers.ZeroAddress], { kind: "uups" })).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
    });
  });

  describe("minting", () => {
    it("mints to any receiver for a minter, and the tokens transfer like any ERC-20", async () => {
      const { flux, minter, alice, stranger } = await loadFixture(fluxFixture);
      await expect(flux.connect(minter).mint(alice.address, FLUX("1000")))
        .to.emit(flux, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, FLUX("1000"));
      expect(await flux.balanceOf(alice.address)).to.equal(FLUX("1000"));
      expect(await flux.totalSupply()).to.equal(FLUX("1000"));
      await flux.connect(alice).transfer(stranger.address, FLUX("250"));
      expect(await flux.balanceOf(alice.address)).to.equal(FLUX("750"));
      expect(await flux.balanceOf(stranger.address)).to.equal(FLUX("250"));
    });

    it("mints up to exactly 21M and reverts one wei more with ERC20ExceededCap", async () => {
      const { flux, owner, minter, secondMinter, alice } = await loadFixture(fluxFixture);
      await flux.connect(owner).setMinter(secondMinter.address, true);
      await flux.connect(minter).mint(alice.address, FLUX("20000000"));
      await expect(flux.connect(secondMinter).mint(alice.address, FLUX("1000000") + 1n))
        .to.be.revertedWithCustomError(flux, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
      await flux.connect(secondMinter).mint(alice.address, FLUX("1000000"));
      expect(await flux.totalSupply()).to.equal(CAP);
      expect(await flux.balanceOf(alice.address)).to.equal(CAP);
      await expect(flux.connect(minter).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(flux, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
      expect(await flux.totalSupply()).to.equal(CAP);
    });

    it("refuses a single mint above the cap", async () => {
      const { flux, minter, alice } = await loadFixture(fluxFixture);
      await expect(flux.connect(minter).mint(alice.address, CAP + 1n))
        .to.be.revertedWithCustomError(flux, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
      await flux.connect(minter).mint(alice.address, CAP);
      expect(await flux.totalSupply()).to.equal(CAP);
    });

    it("reverts NotMinter for anyone not named, the owner included", async () => {
      const { flux, owner, stranger, alice } = await loadFixture(fluxFixture);
      await expect(flux.connect(stranger).mint(stranger.address, 1n))
        .to.be.revertedWithCustomError(flux, "NotMinter")
        .withArgs(stranger.address);
      await expect(flux.connect(owner).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(flux, "NotMinter")
        .withArgs(owner.address);
      expect(await flux.totalSupply()).to.equal(0n);
    });
  });

  describe("minters", () => {
    it("adds and removes minters with MinterUpdated", async () => {
      const { flux, owner, minter, secondMinter, alice } = await loadFixture(fluxFixture);
      await expect(flux.connect(owner).setMinter(secondMinter.address, true))
        .to.emit(flux, "MinterUpdated")
        .withArgs(secondMinter.address, true);
      expect(await flux.isMinter(secondMinter.address)).to.equal(true);
      await flux.connect(secondMinter).mint(alice.address, FLUX("5"));

      await expect(flux.connect(owner).setMinter(minter.address, false))
        .to.emit(flux, "MinterUpdated")
        .withArgs(minter.address, false);
      expect(await flux.isMinter(minter.address)).to.equal(false);
      await expect(flux.connect(minter).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(flux, "NotMinter")
        .withArgs(minter.address);
      // Removing one minter leaves the other.
      await flux.connect(secondMinter).mint(alice.address, FLUX("5"));
      expect(await flux.balanceOf(alice.address)).to.equal(FLUX("10"));
    });

    it("lets only the owner name minters, and never the zero address", async () => {
      const { flux, owner, minter, stranger } = await loadFixture(fluxFixture);
      await expect(flux.connect(stranger).setMinter(stranger.address, true))
        .to.be.revertedWithCustomError(flux, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(flux.connect(minter).setMinter(minter.address, false))
        .to.be.revertedWithCustomError(flux, "OwnableUnauthorizedAccount")
        .withArgs(minter.address);
      expect(await flux.isMinter(stranger.address)).to.equal(false);
      expect(await flux.isMinter(minter.address)).to.equal(true);
      await expect(flux.connect(owner).setMinter(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        flux,
        "ZeroAddress",
      );
    });
  });

  describe("upgrades", () => {
    it("lets the owner upgrade and keeps balances, minters and the cap", async () => {
      const { flux, owner, minter, alice } = await loadFixture(fluxFixture);
      await flux.connect(minter).mint(alice.address, FLUX("42"));
      const proxy = await flux.getAddress();
      const implementationBefore = await upgrades.erc1967.getImplementationAddress(proxy);
      const newImplementation = await (await ethers.getContractFactory("FluxToken")).deploy();
      await expect(flux.connect(owner).upgradeToAndCall(await newImplementation.getAddress(), "0x"))
        .to.emit(flux, "Upgraded")
        .withArgs(await newImplementation.getAddress());
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.not.equal(implementationBefore);
      expect(await flux.balanceOf(alice.address)).to.equal(FLUX("42"));
      expect(await flux.isMinter(minter.address)).to.equal(true);
      expect(await flux.cap()).to.equal(CAP);
      expect(await flux.name()).to.equal("Flux");
    });

    it("reverts an upgrade by anyone but the owner", async () => {
      const { flux, minter } = await loadFixture(fluxFixture);
      const implementation = await upgrades.deployImplementation(await ethers.getContractFactory("FluxToken"), {
        kind: "uups",
      });
      await expect(flux.connect(minter).upgradeToAndCall(implementation as string, "0x"))
        .to.be.revertedWithCustomError(flux, "OwnableUnauthorizedAccount")
        .withArgs(minter.address);
    });

    it("cannot initialize the implementation directly", async () => {
      const { flux, stranger } = await loadFixture(fluxFixture);
      const implementation = await ethers.getContractAt(
        "FluxToken",
        await upgrades.erc1967.getImplementationAddress(await flux.getAddress()),
      );
      await expect(implementation.initialize(stranger.address)).to.be.revertedWithCustomError(
        implementation,
        "InvalidInitialization",
      );
      expect(await implementation.name()).to.equal("");
    });
  });
});

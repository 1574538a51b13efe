import { Interface, MaxUint256, parseEther, parseUnits } from "ethers";
import { describe, expect, it } from "vitest";
import { FaucetToken__factory, ILeveragedVault__factory, LendingPool__factory } from "../../typechain-types";
import type { Deployment } from "../../lib/deployments";
import { describeTransaction, shortAddress, transactionBook } from "../../lib/transactionDescription";

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const USDC = address(1);
const WETH = address(2);
const USDC_POOL = address(3);
const VAULT = address(4);
const ME = address(99);

// A vault named WETH-USDC whose token0 is USDC (sorted by address), as on the local chain.
const deployment = {
  network: "localhost",
  chainId: 31337,
  startBlock: 0,
  deployer: address(90),
  owner: address(90),
  guardian: address(91),
  tokens: {
    USDC: { address: USDC, artifact: "FaucetToken", decimals: 6 },
    WETH: { address: WETH, artifact: "@uniswap/v2-periphery/build/WETH9.json", decimals: 18 },
  },
  pools: {
    USDC: { asset: USDC, symbol: "USDC", decimals: 6, pool: { address: USDC_POOL, artifact: "LendingPool" }, interestRateModel: { address: address(5), artifact: "KinkedRateModel" } },
  },
  farming: {
    flux: { address: address(6), artifact: "FluxToken" },
    oracle: { address: address(7), artifact: "PriceOracle" },
    feeds: { WETH: address(8) },
    uniswapFactory: address(9),
    uniswapRouter: address(10),
    rewardPair: address(11),
    lens: { address: address(12), artifact: "VaultLens" },
    vaults: { "WETH-USDC": { name: "WETH-USDC", vault: { address: VAULT, artifact: "StakingRewardsVault" }, pair: address(13), farm: address(14), token0: USDC, token1: WETH } },
  },
  updatedAt: "",
} satisfies Deployment;

const book = transactionBook(deployment);
const token = new Interface(FaucetToken__factory.abi);
const pool = new Interface(LendingPool__factory.abi);
const vault = new Interface(ILeveragedVault__factory.abi);

describe("describeTransaction", () => {
  it("names an approval's amount, token and spender", () => {
    const data = token.encodeFunctionData("approve", [VAULT, parseUnits("1000", 6)]);
    expect(describeTransaction({ to: USDC, data }, book)).toEqual({
      action: "Approve 1,000 USDC for the WETH-USDC vault",
      details: [],
      contract: `USDC token (${shortAddress(USDC)})`,
      known: true,
    });
    expect(describeTransaction({ to: USDC, data: token.encodeFunctionData("approve", [USDC_POOL, MaxUint256]) }, book).action).toBe(
      "Approve an unlimited amount of USDC for the USDC lending pool",
    );
  });

  it("shows amounts at their useful precision, never scientific notation", () => {
    const data = token.encodeFunctionData("approve", [VAULT, parseEther("0.995025062025527468")]);
    expect(describeTransaction({ to: WETH, data }, book).action).toBe("Approve 0.995025 WETH for the WETH-USDC vault");
  });

  it("describes an open in the vault name's order with its supply and borrowing", () => {
    const data = vault.encodeFunctionData("open", [
      { amount0: parseUnits("500", 6), amount1: parseEther("1"), borrow0: parseUnits("2500", 6), borrow1: 0n, minLp: 1n, minShares: 1n, deadline: 1_700_000_000n },
    ]);
    const description = describeTransaction({ to: VAULT, data }, book);
    expect(description.action).toBe("Open a position on WETH-USDC");
    expect(description.details).toEqual([
      "You supply 1 WETH and 500 USDC",
      "The vault borrows 2,500 USDC from the lending pools",
      "Valid until 2023-11-14 22:13 UTC (chain time)",
    ]);
    expect(description.contract).toBe(`WETH-USDC vault (${shortAddress(VAULT)})`);
  });

  it("describes closing part of a position, repaying, adding and protection orders", () => {
    const close = vault.encodeFunctionData("close", [{ positionId: 3n, fractionBps: 5000n, receiveAs: 1, minAmount0: parseUnits("10", 6), minAmount1: 0n, deadline: 0n }]);
    expect(describeTransaction({ to: VAULT, data: close }, book)).toMatchObject({
      action: "Close 50.00% of WETH-USDC #3",
      details: ["You receive all in USDC", "At least 10 USDC, or the transaction fails"],
    });
    const full = vault.encodeFunctionData("close", [{ positionId: 3n, fractionBps: 10_000n, receiveAs: 0, minAmount0: 0n, minAmount1: 0n, deadline: 0n }]);
    expect(describeTransaction({ to: VAULT, data: full }, book).action).toBe("Close WETH-USDC #3");
    const repay = vault.encodeFunctionData("repayDebt", [2n, parseUnits("1955.5", 6), 0n]);
    expect(describeTransaction({ to: VAULT, data: repay }, book).action).toBe("Repay 1,955.5 USDC of WETH-USDC #2's debt");
    const increase = vault.encodeFunctionData("increase", [2n, { amount0: 0n, amount1: 0n, borrow0: parseUnits("100", 6), borrow1: parseEther("0.05"), minLp: 0n, minShares: 0n, deadline: 0n }]);
    expect(describeTransaction({ to: VAULT, data: increase }, book)).toMatchObject({
      action: "Add to WETH-USDC #2",
      details: ["You supply nothing", "The vault borrows 0.05 WETH and 100 USDC from the lending pools"],
    });
    const order = vault.encodeFunctionData("setDeleverageOrder", [2n, { triggerDebtRatioBps: 8000, targetDebtRatioBps: 6000, executorFeeBps: 50, maxSlippageBps: 100 }]);
    expect(describeTransaction({ to: VAULT, data: order }, book).details[0]).toBe("When the debt ratio reaches 80.00%, bring it back to 60.00%");
    const price = vault.encodeFunctionData("setPriceOrder", [
      2n,
      { lowPriceWad: parseEther("1500"), highPriceWad: 0n, priceOfToken1: true, receiveAs: 0, fractionBps: 10_000, executorFeeBps: 50, maxSlippageBps: 100 },
    ]);
    expect(describeTransaction({ to: VAULT, data: price }, book).details[0]).toBe(
      "When WETH's oracle price is at or below $1,500.00, close 100.00% and receive both tokens",
    );
    expect(describeTransaction({ to: VAULT, data: vault.encodeFunctionData("cancelPriceOrder", [2n]) }, book).action).toBe("Cancel the price order on WETH-USDC #2");
  });

  it("describes lending, withdrawing, the faucet and wrapping ETH", () => {
    const deposit = pool.encodeFunctionData("deposit", [parseUnits("15", 6), ME]);
    expect(describeTransaction({ to: USDC_POOL, data: deposit, from: ME }, book)).toEqual({
      action: "Lend 15 USDC to the USDC pool",
      details: ["You receive fUSDC, which grows in value as interest accrues"],
      contract: `USDC lending pool (${shortAddress(USDC_POOL)})`,
      known: true,
    });
    const withdraw = pool.encodeFunctionData("withdraw", [parseUnits("1.5", 6), address(50), ME]);
    expect(describeTransaction({ to: USDC_POOL, data: withdraw, from: ME }, book)).toMatchObject({
      action: "Withdraw 1.5 USDC from the USDC pool",
      details: [`Sent to ${shortAddress(address(50))}`],
    });
    expect(describeTransaction({ to: USDC, data: token.encodeFunctionData("faucet", [parseUnits("10000", 6)]) }, book).action).toBe(
      "Get 10,000 USDC from the test faucet",
    );
    const wrap = describeTransaction({ to: WETH, data: "0xd0e30db0", value: "0x" + parseEther("5").toString(16) }, book);
    expect(wrap).toMatchObject({ action: "Wrap 5 ETH into WETH", details: [] });
  });

  it("says so when it cannot put a call in words", () => {
    const stranger = address(77);
    const unknown = describeTransaction({ to: stranger, data: "0x12345678" }, book);
    expect(unknown).toEqual({ action: "Call an unknown function (0x12345678)", details: [], contract: shortAddress(stranger), known: false });
    // A known function on a contract the deployment does not name.
    const approve = describeTransaction({ to: stranger, data: token.encodeFunctionData("approve", [VAULT, 1n]), value: 10n ** 18n }, book);
    expect(approve).toMatchObject({ action: `Call approve on ${shortAddress(stranger)}`, details: ["Sends 1 ETH with it"], known: false });
    expect(describeTransaction({ to: ME, value: parseEther("0.5") }, book).action).toBe(`Send 0.5 ETH to ${shortAddress(ME)}`);
    // Calldata that does not decode against its selector's ABI never throws.
    expect(describeTransaction({ to: VAULT, data: vault.getFunction("open")!.selector + "00" }, book).known).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { inNameOrder, nameListsToken1First, pairLabel, positionName } from "../../lib/names";

describe("positionName", () => {
  it("names the vault with the id, since ids count per vault", () => {
    expect(positionName("USDC-USDT", 1n)).toBe("USDC-USDT #1");
    expect(positionName("WETH-USDC", 1)).toBe("WETH-USDC #1");
    expect(positionName("WETH-USDC", "12")).toBe("WETH-USDC #12");
  });
});

describe("pairLabel", () => {
  it("follows the vault's name, not the pair's token0/token1 order", () => {
    // The local WETH-USDC pair sorts USDC first by address.
    expect(pairLabel("WETH-USDC", "USDC", "WETH")).toBe("WETH / USDC");
    expect(pairLabel("WETH-USDC", "WETH", "USDC")).toBe("WETH / USDC");
    expect(pairLabel("USDC-USDT", "USDC", "USDT")).toBe("USDC / USDT");
    expect(pairLabel("USDC-USDT", "USDT", "USDC")).toBe("USDC / USDT");
  });

  it("keeps the pair's order when the name does not list both tokens", () => {
    expect(pairLabel("Stable farm", "USDT", "USDC")).toBe("USDT / USDC");
    // Whole parts only: USDC does not match inside USDC.E.
    expect(nameListsToken1First("USDC.E-USDC", "USDC", "USDC.E")).toBe(true);
    expect(nameListsToken1First("weth-usdc", "USDC", "WETH")).toBe(true);
  });

  it("orders anything paired with the tokens the same way", () => {
    expect(inNameOrder("WETH-USDC", "USDC", "WETH", [1, 2] as const)).toEqual([2, 1]);
    expect(inNameOrder("USDC-USDT", "USDC", "USDT", ["a", "b"] as const)).toEqual(["a", "b"]);
  });
});

import { describe, expect, it } from "vitest";
import { decodeSegment, parsePositionId, routeVerdict } from "../../lib/appRoutes";

const vaults = new Set(["WETH-USDC", "USDC-USDT", "A B"]);

describe("routeVerdict", () => {
  it("knows the deployment's vaults, encoded or not", () => {
    expect(routeVerdict("/farms/WETH-USDC", vaults)).toBe("found");
    expect(routeVerdict("/farms/A%20B", vaults)).toBe("found");
    expect(routeVerdict("/farms/NOPE-USDC", vaults)).toBe("not-found");
    expect(routeVerdict("/farms/weth-usdc", vaults)).toBe("not-found");
    expect(routeVerdict("/farms/constructor", vaults)).toBe("not-found");
    expect(routeVerdict("/farms/%E0%A4%A", vaults)).toBe("not-found");
  });

  it("needs a known vault and a position id for a position page", () => {
    expect(routeVerdict("/positions/WETH-USDC/1", vaults)).toBe("found");
    expect(routeVerdict("/positions/WETH-USDC/123456", vaults)).toBe("found");
    expect(routeVerdict("/positions/NOPE/1", vaults)).toBe("not-found");
    for (const id of ["0", "-1", "01", "1.5", "abc", "1e3", "9".repeat(31)]) {
      expect(routeVerdict(`/positions/WETH-USDC/${id}`, vaults), id).toBe("not-found");
    }
  });

  it("leaves every other page alone", () => {
    for (const path of ["/", "/farms", "/positions", "/lend", "/api/rpc", "/farms/WETH-USDC/extra"]) {
      expect(routeVerdict(path, vaults), path).toBe("not-checked");
    }
  });
});

describe("parsePositionId and decodeSegment", () => {
  it("reads whole numbers from 1 only", () => {
    expect(parsePositionId("7")).toBe(7n);
    expect(parsePositionId("0")).toBeNull();
    expect(parsePositionId("")).toBeNull();
    expect(parsePositionId(" 7")).toBeNull();
  });

  it("decodes once and keeps a malformed escape", () => {
    expect(decodeSegment("USDC%2FUSDT")).toBe("USDC/USDT");
    expect(decodeSegment("%E0%A4%A")).toBe("%E0%A4%A");
  });
});

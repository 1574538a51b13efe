import { describe, expect, it } from "vitest";
import type { Filter, Log } from "ethers";
import { getLogsChunked } from "../../lib/chainLogs";

describe("getLogsChunked", () => {
  function fakeNode(maxRange: number, logsAt: number[], message = "query exceeds max block range 1000") {
    const requests: [number, number][] = [];
    return {
      requests,
      async getLogs(filter: Filter): Promise<Log[]> {
        const from = Number(filter.fromBlock);
        const to = Number(filter.toBlock);
        requests.push([from, to]);
        if (to - from + 1 > maxRange) throw Object.assign(new Error("could not coalesce error"), { error: { code: -32005, message } });
        return logsAt.filter((block) => block >= from && block <= to).map((block) => ({ blockNumber: block, index: 0 }) as Log);
      },
    };
  }

  it("covers the whole range in chunks, in order, and returns the logs sorted", async () => {
    const node = fakeNode(10_000, [5, 12_000, 30_001]);
    const logs = await getLogsChunked(node, { address: "0x1" }, 0, 30_001, { chunkSize: 10_000 });
    expect(logs.map((entry) => entry.blockNumber)).toEqual([5, 12_000, 30_001]);
    expect(node.requests).toEqual([
      [0, 9_999],
      [10_000, 19_999],
      [20_000, 29_999],
      [30_000, 30_001],
    ]);
  });

  it("halves a chunk the node refuses as too large, keeps the smaller size, and misses nothing", async () => {
    const node = fakeNode(1_000, [0, 999, 1_000, 2_500, 4_999]);
    const logs = await getLogsChunked(node, {}, 0, 4_999, { chunkSize: 5_000 });
    expect(logs.map((entry) => entry.blockNumber)).toEqual([0, 999, 1_000, 2_500, 4_999]);
    const served = node.requests.filter(([from, to]) => to - from + 1 <= 1_000);
    // Every block asked for exactly once among the answered requests.
    const covered = served.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
    expect(covered).toBe(5_000);
    // 5000 -> 2500 -> 1250 -> 625, then 625-block requests to the end.
    expect(served[0]).toEqual([0, 624]);
  });

  it("throws errors that are not about the range, and refusals at the minimum size", async () => {
    const broken = { getLogs: async () => Promise.reject(new Error("connection refused")) };
    await expect(getLogsChunked(broken, {}, 0, 10)).rejects.toThrow(/connection refused/);
    const strict = fakeNode(0, []);
    await expect(getLogsChunked(strict, {}, 0, 10, { chunkSize: 4, minChunkSize: 2 })).rejects.toThrow();
  });

  it("asks nothing for an empty range", async () => {
    const node = fakeNode(10, []);
    expect(await getLogsChunked(node, {}, 10, 9)).toEqual([]);
    expect(node.requests).toEqual([]);
  });
});

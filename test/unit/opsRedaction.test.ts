/**
 * `npm run deploy` / `npm run upgrade` (scripts/ops.ts) print what Hardhat, ethers and the scripts say, and those
 * quote what the node answered, which may echo the request's path and query key. Against a stand-in node that
 * refuses with an echo of the URL, the upgrade run straight through Hardhat leaks the key (the control: the test
 * can fail), and the same run through ops.ts shows no part of the secret (user, password, path, query key).
 */
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET_PARTS = ["opsuser", "s3cret-pw", "key-77ab", "apikey=q-909"];
let server: http.Server;
let keyedUrl = "";

function run(args: string[]): Promise<{ status: number; output: string }> {
  const env = { ...process.env, SEPOLIA_RPC_URL: keyedUrl, UPGRADE_CONTRACT: "LendingPool", UPGRADE_PROXY: "0x00000000000000000000000000000000000000a1" };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, encoding: "utf8", timeout: 200_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

beforeAll(async () => {
  // Answers every call with HTTP 401 and the path it was asked for, as some providers' error pages do.
  server = http.createServer((request, response) => {
    response.writeHead(401, { "content-type": "text/plain" });
    response.end(`unauthorized for ${request.url}`);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  keyedUrl = `http://opsuser:s3cret-pw@127.0.0.1:${(server.address() as AddressInfo).port}/key-77ab?apikey=q-909`;
});
afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

describe("scripts/ops.ts redacts the node URL from every line", () => {
  it("npm run upgrade against a keyed node that echoes its URL: the bare Hardhat run leaks the key, ops.ts shows none of it", async () => {
    const bare = await run([path.join("node_modules", "hardhat", "internal", "cli", "bootstrap.js"), "run", "--network", "sepolia", "scripts/upgrade.ts"]);
    expect(bare.status).not.toBe(0);
    expect(bare.output, "the control: without ops.ts the node's echo reaches the output").toContain("key-77ab");
    const viaOps = await run([path.join("node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "scripts/ops.ts", "upgrade", "--network", "sepolia", "--contract", "LendingPool", "--proxy", "0x00000000000000000000000000000000000000a1"]);
    console.log(`      bare: ${bare.output.trim().split("\n")[0]?.slice(0, 120)}\n      ops.ts (exit ${viaOps.status}): ${viaOps.output.trim().split("\n")[0]?.slice(0, 120)}`);
    expect(viaOps.status).not.toBe(0);
    expect(viaOps.output).toContain("HH110");
    for (const part of SECRET_PARTS) expect(viaOps.output, `output quotes "${part}"`).not.toContain(part);
  }, 240_000);
});

import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readDeployment, writeDeployment, writeFileDurably, type Deployment } from "../../lib/deployments";

const deployment: Deployment = {
  network: "unitnet",
  chainId: 31338,
  startBlock: 7,
  deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  owner: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  guardian: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  tokens: {},
  pools: {},
  updatedAt: "2026-12-07T00:00:00.000Z",
};

describe("the deployment file (lib/deployments.ts)", () => {
  const directories: string[] = [];
  const directory = () => {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), "flux-deployment-file-"));
    directories.push(made);
    return made;
  };
  afterEach(() => directories.splice(0).forEach((made) => fs.rmSync(made, { recursive: true, force: true })));

  it("is written by rename: the old file or the new one, no temporary left behind", () => {
    const folder = directory();
    const file = writeDeployment(deployment, folder);
    writeDeployment({ ...deployment, startBlock: 8 }, folder);
    expect(readDeployment("unitnet", folder).startBlock).toBe(8);
    expect(fs.readdirSync(folder)).toEqual(["unitnet.json"]);
    expect(file).toBe(path.join(folder, "unitnet.json"));
  });

  it("a file cut short names itself, its length and what to do, not only where the JSON ended", () => {
    const folder = directory();
    const whole = JSON.stringify(deployment, null, 2);
    const file = path.join(folder, "unitnet.json");
    writeFileDurably(file, whole.slice(0, 120)); // cut mid-way, as a full disk or an interrupted copy leaves it
    expect(() => readDeployment("unitnet", folder)).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(the deployment file of network "unitnet"\\) is not valid JSON: .* \\(120 characters; truncated or edited by hand\\?\\)\\. Restore it`),
    );
    writeFileDurably(file, "");
    expect(() => readDeployment("unitnet", folder)).toThrow(/\(0 characters; it is empty\)/);
  });
});

/**
 * Gas profile of one transaction: how much each external call inside it cost, by depth, from the node's
 * debug_traceTransaction struct logs. A development aid for the gas work (`npx hardhat run` a script that calls it).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";

interface StructLog {
  depth: number;
  op: string;
  gas: number;
  gasCost: number;
  stack?: string[];
}

export interface CallCost {
  depth: number;
  op: string;
  to: string;
  selector: string;
  gas: number;
}

export async function profileTransaction(hre: HardhatRuntimeEnvironment, hash: string, names: Record<string, string> = {}): Promise<CallCost[]> {
  const trace = (await hre.network.provider.send("debug_traceTransaction", [hash, { disableMemory: true, disableStorage: true }])) as {
    structLogs: StructLog[];
  };
  const logs = trace.structLogs;
  const calls: CallCost[] = [];
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (!["CALL", "STATICCALL", "DELEGATECALL"].includes(step.op)) continue;
    const stack = step.stack ?? [];
    const to = "0x" + (stack[stack.length - 2] ?? "").slice(-40);
    // gas used by the call = gas before it minus gas at the next step back at this depth
    let j = i + 1;
    while (j < logs.length && logs[j].depth > step.depth) j++;
    const used = j < logs.length ? step.gas - logs[j].gas : step.gasCost;
    calls.push({ depth: step.depth, op: step.op, to: names[to.toLowerCase()] ?? to, selector: "", gas: used });
  }
  return calls;
}

export function printProfile(title: string, calls: CallCost[], maxDepth = 3) {
  console.log(`\n${title}`);
  for (const call of calls) {
    if (call.depth > maxDepth) continue;
    console.log(`${"  ".repeat(call.depth)}${call.op.padEnd(12)} ${call.to.padEnd(44)} ${call.gas}`);
  }
}

/** Gas spent by each opcode executed at `depth` itself (not in calls it makes), largest first. */
export async function opcodeProfile(hre: HardhatRuntimeEnvironment, hash: string, depth: number): Promise<Array<[string, number, number]>> {
  const trace = (await hre.network.provider.send("debug_traceTransaction", [hash, { disableMemory: true, disableStorage: true, disableStack: true }])) as {
    structLogs: StructLog[];
  };
  const totals = new Map<string, [number, number]>();
  for (const step of trace.structLogs) {
    if (step.depth !== depth) continue;
    const cost = ["CALL", "STATICCALL", "DELEGATECALL"].includes(step.op) ? Math.min(step.gasCost, 2600) : step.gasCost;
    const entry = totals.get(step.op) ?? [0, 0];
    totals.set(step.op, [entry[0] + cost, entry[1] + 1]);
  }
  return [...totals.entries()].map(([op, [gas, count]]) => [op, gas, count] as [string, number, number]).sort((a, b) => b[1] - a[1]);
}

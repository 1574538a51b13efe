/**
 * Long stateful fuzzing of the vaults and pools with the invariant model of test/contracts/invariants/model.ts.
 *
 *   npm run fuzz                                   100,000 operations from a random seed
 *   FUZZ_OPS=2000 FUZZ_SEED=42 npm run fuzz        a given size and seed (the replay of a reported failure)
 *
 * Sessions of FUZZ_SESSION (500) operations each start from the same deployment snapshot; session s uses seed
 * FUZZ_SEED + s, so FUZZ_FIRST_SESSION=s replays one failing session without the ones before it. On a violation
 * the script prints the failing step and the command that replays it, tries to shrink the failing session to
 * fewer operations (FUZZ_SHRINK_SECONDS, default 300; 0 skips it), and exits with status 1.
 */
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { invariantFixture, InvariantViolation, Model, opArbitrary, runSession, type Op } from "../test/contracts/invariants/model";

const FULL_EVERY = Number(process.env.FUZZ_FULL_EVERY ?? 50);

function sessionOps(seed: number, session: number, length: number): Op[] {
  return fc.sample(fc.array(opArbitrary, { minLength: length, maxLength: length }), { seed: seed + session, numRuns: 1 })[0];
}

async function runOps(ops: Op[], onStep?: (index: number) => void): Promise<{ error: Error | null; model: Model }> {
  const t0 = Date.now();
  const fixture = await loadFixture(invariantFixture);
  if (process.env.FUZZ_VERBOSE) console.log(`  fixture ready in ${Date.now() - t0} ms`);
  const model = new Model(fixture);
  await model.init();
  try {
    await runSession(model, ops, FULL_EVERY, onStep);
    return { error: null, model };
  } catch (error) {
    return { error: error as Error, model };
  }
}

/** Greedy shrinking: drops chunks of operations (halving the chunk size) while the session still violates an
 *  invariant, within a time budget. */
/** What kind of violation a message reports, without the step, its numbers and addresses: a shrink keeps it. */
function kindOf(message: string): string {
  return message.replace(/^step \d+ \{[^}]*\}: /, "").replace(/0x[0-9a-fA-F]+/g, "").replace(/[0-9.]+/g, "#").slice(0, 80);
}

async function shrink(ops: Op[], budgetMs: number, original: string): Promise<{ ops: Op[]; message: string }> {
  const deadline = Date.now() + budgetMs;
  let current = ops;
  let message = "";
  const kind = kindOf(original);
  for (let chunk = Math.max(1, Math.floor(current.length / 2)); chunk >= 1 && Date.now() < deadline; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start < current.length && Date.now() < deadline; ) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      const { error } = await runOps(candidate);
      if (error instanceof InvariantViolation && kindOf(error.message) === kind) {
        current = candidate;
        message = error.message;
        const index = (error as { stepIndex?: number }).stepIndex;
        if (index !== undefined) current = current.slice(0, index + 1);
      } else {
        start += chunk;
      }
    }
    if (chunk === 1) break;
  }
  return { ops: current, message };
}

async function main() {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const totalOps = Number(process.env.FUZZ_OPS ?? 100_000);
  const sessionLength = Number(process.env.FUZZ_SESSION ?? 500);
  const firstSession = Number(process.env.FUZZ_FIRST_SESSION ?? 0);
  const shrinkSeconds = Number(process.env.FUZZ_SHRINK_SECONDS ?? 300);
  console.log(`fuzz seed ${seed}: ${totalOps} operations in sessions of ${sessionLength}, full checks every ${FULL_EVERY}`);
  const sessions = Math.ceil(totalOps / sessionLength);
  const started = Date.now();
  let done = 0;
  const outcomes: Record<string, Record<string, number>> = {};
  for (let session = firstSession; session < sessions; session++) {
    const length = Math.min(sessionLength, totalOps - session * sessionLength);
    const ops = sessionOps(seed, session, length);
    const { error, model } = await runOps(ops, (index) => {
      if ((done + index + 1) % 250 === 0) {
        const seconds = (Date.now() - started) / 1000;
        console.log(`  ${done + index + 1}/${totalOps} operations, ${seconds.toFixed(0)} s (${((done + index + 1) / seconds).toFixed(1)} ops/s)`);
      }
    });
    if (error) {
      const index = (error as { stepIndex?: number }).stepIndex;
      console.error(`\nVIOLATION in session ${session} (seed ${seed + session}) at step ${index ?? "?"}:\n${error.message}\n${error instanceof InvariantViolation ? "" : error.stack ?? ""}`);
      console.error(`replay: FUZZ_SEED=${seed} FUZZ_OPS=${totalOps} FUZZ_SESSION=${sessionLength} FUZZ_FIRST_SESSION=${session} npx hardhat run scripts/fuzz.ts`);
      const failing = index === undefined ? ops : ops.slice(0, index + 1);
      console.error(`the session's operations up to the failure (${failing.length}):\n${failing.map((op, i) => `  ${i}: ${JSON.stringify(op)}`).join("\n")}`);
      if (shrinkSeconds > 0 && error instanceof InvariantViolation) {
        console.error(`\nshrinking (up to ${shrinkSeconds} s)...`);
        const shrunk = await shrink(failing, shrinkSeconds * 1000, error.message);
        console.error(`shrunk to ${shrunk.ops.length} operations${shrunk.message ? `: ${shrunk.message}` : ""}`);
        for (const [i, op] of shrunk.ops.entries()) console.error(`  ${i}: ${JSON.stringify(op)}`);
      }
      process.exitCode = 1;
      return;
    }
    done += length;
    if (process.env.FUZZ_VERBOSE) console.log(`  timings ${JSON.stringify(model.timings)}`);
    for (const [kind, byOutcome] of Object.entries(model.stats.outcomes)) {
      const into = (outcomes[kind] ??= {});
      for (const [outcome, count] of Object.entries(byOutcome)) into[outcome] = (into[outcome] ?? 0) + count;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`done: ${done} operations in ${seconds.toFixed(0)} s, no violation (seed ${seed})`);
  console.log(`outcomes: ${JSON.stringify(outcomes)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Brings up the real local stack (`npm start`: chain, deployment, simulator, keeper, web app) for the browser tests.
 * No vitest imports: test/e2e/globalStack.ts runs it in vitest's main process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** scripts/start.ts binds the app to the loopback address only; asking for it there avoids a "localhost" that resolves to ::1. */
export const APP_URL = "http://127.0.0.1:3000";

export interface RunningStack {
  stop(): Promise<void>;
  output(): string;
}

/**
 * Starts `scripts/start.ts` and resolves once it prints that the web app is ready. With FLUX_E2E_REUSE_STACK=1 the
 * tests run against an `npm start` that is already up (a faster loop while writing tests; CI always starts afresh).
 */
export async function startStack(readyTimeoutMs = 200_000): Promise<RunningStack> {
  if (process.env.FLUX_E2E_REUSE_STACK === "1") return { output: () => "", stop: async () => undefined };
  const child: ChildProcess = spawn(path.join("node_modules", ".bin", "ts-node"), ["--transpile-only", "scripts/start.ts"], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack was not ready in ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    const check = setInterval(() => {
      if (output.includes(`web app ready at ${APP_URL}`)) {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
      if (child.exitCode !== null) {
        clearTimeout(timer);
        clearInterval(check);
        reject(new Error(`npm start exited with ${child.exitCode}:\n${output}`));
      }
    }, 250);
  });
  return {
    output: () => output,
    // Ctrl-C, as a person would: start.ts stops every process it started.
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}


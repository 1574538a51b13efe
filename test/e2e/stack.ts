/**
 * Brings up the real local stack (`npm start`: chain, deployment, simulator, keeper, web app) for browser tests,
 * and Debian's chromium through playwright-core (no browser download: see DEVELOPERS.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const APP_URL = "http://localhost:3000";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIRECTORY = path.join(process.cwd(), "test-results", "screenshots");

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

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * Registers the suite's setup: the local stack and a browser before its tests, both stopped after them. Returns a
 * getter for the browser (it exists once the setup has run).
 */
export function useStackAndBrowser(): () => Browser {
  let stack: RunningStack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  return () => {
    if (!browser) throw new Error("the browser is not running: useStackAndBrowser's setup has not run");
    return browser;
  };
}

/**
 * One local stack for the whole browser run: started before the first test file, stopped after the last. Every file
 * signs with its own Hardhat account, so they share the chain without sharing nonces or positions, and the app's
 * pages are compiled by Next once, not once per file.
 */
import { startStack, type RunningStack } from "./localStack";

let stack: RunningStack | undefined;

export async function setup(): Promise<void> {
  stack = await startStack();
}

export async function teardown(): Promise<void> {
  await stack?.stop();
}

import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files share one stack (test/e2e/globalStack.ts), so their order matters once: the crash test moves WETH's feed
 * 35% and lets the keeper liquidate, so it runs last; the others run in name order.
 */
class CrashLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const crashLast = (file: TestSpecification) => (file.moduleId.endsWith("crash.e2e.ts") ? 1 : 0);
    return [...files].sort((a, b) => crashLast(a) - crashLast(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// The browser tests: the real local stack (npm start) driven by Debian's chromium. Slow by nature, run alone.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["test/e2e/globalStack.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    sequence: { sequencer: CrashLastSequencer },
  },
});

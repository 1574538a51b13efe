import { defineConfig } from "vitest/config";

// The browser tests: the real local stack (npm start) driven by Debian's chromium. Slow by nature, run alone.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});

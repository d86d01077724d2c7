import { defineConfig } from "vitest/config";

/** The browser suite (test/e2e): one Chromium, one built studio, tests in order. `npm run test:e2e`. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: "forks",
  },
});

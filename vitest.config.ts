import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**", "dist/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Render tests start worker pools of their own; two cores are shared better by fewer test files at once.
    maxWorkers: 2,
    // Builds dist/ once: the CLI tests spawn bin/traitloom.js.
    globalSetup: ["test/globalSetup.ts"],
  },
});

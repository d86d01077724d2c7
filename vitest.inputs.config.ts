import { defineConfig } from "vitest/config";

/**
 * The bad-input suite (test/inputs): 100+ odd and broken inputs, each run through the CLI and held to exit 0 with
 * a correct collection or exit 1 with one `error:` line naming the input. `npm run test:inputs`.
 */
export default defineConfig({
  test: {
    include: ["test/inputs/**/*.inputs.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each case starts a render worker; two cores are shared better by two files at once.
    maxWorkers: 2,
    // Builds dist/ once: the concurrency and Ctrl-C cases spawn bin/traitloom.js.
    globalSetup: ["test/globalSetup.ts"],
  },
});

import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "web-dist/", "out/", "node_modules/", "coverage/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["bin/**/*.js"],
    languageOptions: { globals: { process: "readonly" } },
  },
  {
    // core and render run unchanged in Node, workers and the browser: no Node built-ins, no sharp, no clock, no Math.random.
    files: ["src/core/**/*.ts", "src/render/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["node:*", "sharp", "fs", "path", "crypto"] }],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "core is seeded: take an Rng argument" },
        { object: "Date", property: "now", message: "core takes no clock" },
      ],
    },
  },
);

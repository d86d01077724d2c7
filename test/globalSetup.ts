/**
 * Builds dist/ once before the tests: the CLI tests spawn bin/traitloom.js, which runs dist/cli/main.js, so a
 * stale build would test yesterday's code.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  } catch (e) {
    const out = e && typeof e === "object" && "stdout" in e ? String(e.stdout) : "";
    throw new Error(`npm run build failed before the tests:\n${out}`, { cause: e });
  }
}

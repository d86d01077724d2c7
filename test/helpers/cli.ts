/**
 * Two ways to run the CLI in a test: `runMain` calls main() in-process with captured output (fast, for
 * argument and error handling); `spawnCli` runs the built bin/traitloom.js as a child process, for what needs
 * a real process: signals, exit codes, resuming after a kill. The bin needs dist/: test/globalSetup.ts builds it.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/traitloom.js", import.meta.url));
export const DEMO_LAYERS = fileURLToPath(new URL("../../assets/demo-layers", import.meta.url));

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs main(argv) in this process; what it prints goes to `out`/`err`, one entry per line. */
export async function runMain(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const split = (sink: string[]) => (text: string) => sink.push(...text.split("\n"));
  const code = await main(argv, { out: split(out), err: split(err) });
  return { code, out, err };
}

export interface SpawnedCli {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node bin/traitloom.js ...args` in cwd. */
export function spawnCli(args: string[], cwd: string = REPO_ROOT): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the bin to the end. */
export async function runCli(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnCli(args, cwd);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Lines that look like a JavaScript stack frame: a user error must never print one. */
export function stackLines(text: string | string[]): string[] {
  const lines = Array.isArray(text) ? text : text.split("\n");
  return lines.filter((l) => /^\s+at .+[(:]/.test(l));
}

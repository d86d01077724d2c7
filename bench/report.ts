/** How the Node benchmarks print their table and keep it in docs/benchmarks.md (one marked section per key). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";

const DOC = "docs/benchmarks.md";

/** What bench/variant.ts prints for one run. */
export interface Figures {
  tokens: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  meanBytes: number;
}

/**
 * Every variant of one benchmark process writes into its own folder under this root, removed only when the
 * process exits, never between variants: see settleDisk for why.
 */
let runRoot: string | undefined;
function benchRoot(): string {
  if (!runRoot) {
    const root = mkdtempSync(join(tmpdir(), "traitloom-bench-"));
    process.on("exit", () => rmSync(root, { recursive: true, force: true }));
    process.on("SIGINT", () => process.exit(130));
    runRoot = root;
  }
  return runRoot;
}

/** Empty files created to time file creation, and the time one may take on a settled disk. */
const PROBE_FILES = 500;
const SETTLED_MS_PER_FILE = 0.08;
const SETTLE_WAIT_MS = 15_000;
const SETTLE_MAX_WAITS = 24;
const FIRST_PROBE_DELAY_MS = 1500;
let settledOnce = false;

/**
 * Waits until creating a file is cheap again before a variant is timed. Creating a file right after many were
 * deleted can cost 20-40 times more system time for a minute or two: ext4 without a journal (this machine's
 * disk) walks every inode freed from one second to 60 seconds ago (360 while their inode table is unwritten)
 * before it picks a free one: 0.2-0.7 ms per new file here instead of 0.02. A variant run right after the
 * previous one's output was deleted paid that for each of its files, so outputs are now kept until the process
 * exits, and each variant starts only once a probe of 500 new files shows the disk settled (after an earlier
 * benchmark's clean-up, say); each probe is kept too, as deleting it would undo the settling. The first probe
 * waits a little over a second: inodes freed within the current second are not walked yet.
 */
export function settleDisk(): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  if (!settledOnce) Atomics.wait(sleeper, 0, 0, FIRST_PROBE_DELAY_MS);
  settledOnce = true;
  for (let wait = 0; ; wait++) {
    const dir = join(benchRoot(), `probe-${Date.now()}-${wait}`);
    mkdirSync(dir);
    const t0 = performance.now();
    for (let i = 0; i < PROBE_FILES; i++) writeFileSync(join(dir, String(i)), "");
    const ms = (performance.now() - t0) / PROBE_FILES;
    if (ms <= SETTLED_MS_PER_FILE) return;
    if (wait === SETTLE_MAX_WAITS) {
      process.stderr.write(`warning: creating a file still costs ${ms.toFixed(2)} ms; timing anyway\n`);
      return;
    }
    process.stderr.write(
      `waiting ${SETTLE_WAIT_MS / 1000} s for the disk to settle: creating a file costs ${ms.toFixed(2)} ms now (files were deleted in the last minutes)\n`,
    );
    Atomics.wait(sleeper, 0, 0, SETTLE_WAIT_MS);
  }
}

/** Writes dirty file data out, so a run never pays for writing back an earlier run's files. */
function flushDisk(): void {
  try {
    execFileSync("sync", { stdio: "ignore" });
  } catch {
    // No `sync` command (Windows): runs then share the disk's write-back as it comes.
  }
}

/**
 * Runs bench/variant.ts once in its own process (so peak RSS and CPU time are that run's alone) into a fresh
 * folder, once the disk is flushed and settled: `args` are the variant's arguments after its output folder.
 */
export function runOnce(kind: string, layersDir: string, rest: string[]): Figures {
  const out = mkdtempSync(join(benchRoot(), `${kind}-`));
  flushDisk();
  settleDisk();
  const stdout = execFileSync(process.execPath, ["--import", "tsx", "bench/variant.ts", kind, layersDir, out, ...rest], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Figures;
}

export const tokensPerSecond = (f: Figures): number => f.tokens / f.seconds;

/** One variant over several runs: the figures of its median run (by tokens/s), and the spread. */
export interface Summary extends Figures {
  runs: number;
  minRate: number;
  maxRate: number;
}

/** The median run of `runs` (the slower of the middle two for an even count), with the slowest and fastest rate. */
export function summarise(runs: Figures[]): Summary {
  const sorted = [...runs].sort((a, b) => tokensPerSecond(a) - tokensPerSecond(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const slowest = sorted[0];
  const fastest = sorted[sorted.length - 1];
  if (!median || !slowest || !fastest) throw new Error("summarise: no runs");
  return { ...median, runs: runs.length, minRate: tokensPerSecond(slowest), maxRate: tokensPerSecond(fastest) };
}

/** The command, date and machine line every section starts with. */
export function machineLine(command: string): string {
  return `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Prints the section and, unless `print` only, replaces (or appends) its marked block in docs/benchmarks.md. */
export function publishSection(key: string, heading: string, command: string, table: string[], write: boolean): void {
  const section = [`<!-- bench:${key} -->`, heading, "", machineLine(command), "", ...table, `<!-- /bench:${key} -->`].join("\n");
  console.log(section);
  if (!write) return;
  let doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n";
  const esc = key.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(`<!-- bench:${esc} -->[\\s\\S]*?<!-- /bench:${esc} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  console.log(`written to ${DOC}`);
}

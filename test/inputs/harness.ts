/**
 * The bad-input suite's harness: every case writes its own input into a temp folder, runs the CLI once and
 * asserts one of the two outcomes a user may expect of any input, however odd:
 *
 * - `expectCollection`: exit 0 and a correct collection (every manifest image hash matches its file, the token
 *   count is right, no temp file or lock is left);
 * - `expectRefused`: exit 1 whose first stderr line is `error: …` naming the file or option and saying what was
 *   expected and what was found (stored.ts and merge say "received": the same shape), nothing half-written or
 *   lost (a folder that held a collection before holds it byte for byte after).
 *
 * An exit 2 (internal error) is never an expected outcome: both checks fail on it, with the line the CLI printed.
 * Runs are in-process through `runMain` (fast); `spawnCli` only where a real process is needed. generate runs
 * pass -q, so stderr holds errors only and its first line is the error's, not a warning's.
 * `INPUTS_LOG=/tmp/inputs.log npm run test:inputs` writes what the CLI said to each input, one line each.
 */
import { appendFileSync, existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { CliRun } from "../helpers/cli.js";
import { runMain, stackLines } from "../helpers/cli.js";
import type { LayerFiles, ShapeSpec } from "../helpers/fixtures.js";
import { listFiles, removeDir, sha256Hex, snapshotDir, tempDir, writeLayers } from "../helpers/fixtures.js";

/** Trait size of the suite's layers: tiny, so a case renders in milliseconds. */
export const PX = 8;
/** Tokens per run unless a case says otherwise (the base layers allow 6). */
export const COUNT = 4;
export const SEED = "bad-inputs";

/** The base layers every case starts from: 3 backgrounds x 2 hats = 6 unique tokens. */
export function baseLayerFiles(): LayerFiles {
  return {
    "01-Background": {
      "Blue#3.png": { width: PX, height: PX, color: [20, 40, 200] },
      "Green#2.png": { width: PX, height: PX, color: [20, 160, 60] },
      "Red.png": { width: PX, height: PX, color: [200, 30, 30] },
    },
    "02-Hat": {
      "None.png": { width: PX, height: PX, color: [0, 0, 0], shape: "none" },
      "Cap.png": { width: PX, height: PX, color: [10, 10, 10], shape: "square" },
    },
  };
}

/** A shape at the suite's size. */
export function shape(spec: Partial<ShapeSpec> = {}): ShapeSpec {
  return { width: PX, height: PX, color: [250, 220, 0], shape: "disc", ...spec };
}

/** The suite's temp root for one test file: created before its tests, removed after. */
export function suiteRoot(prefix: string): { dir: () => string; next: (label: string) => Promise<string> } {
  let root = "";
  let n = 0;
  beforeAll(async () => {
    root = await tempDir(`traitloom-inputs-${prefix}-`);
  });
  afterAll(async () => {
    await removeDir(root);
  });
  return {
    dir: () => root,
    next: async (label: string) => {
      const dir = join(root, `${String(++n).padStart(3, "0")}-${label.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`);
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
}

/**
 * Writes the base layers into `dir/layers` with `changes` applied: a file entry adds or replaces a file, `null`
 * removes it; a folder entry `null` removes the folder.
 */
export async function writeBase(dir: string, changes: Record<string, Record<string, ShapeSpec | Buffer | string | null> | null> = {}): Promise<string> {
  const files = baseLayerFiles();
  for (const [folder, entries] of Object.entries(changes)) {
    if (entries === null) {
      delete files[folder];
      continue;
    }
    const target = (files[folder] ??= {});
    for (const [name, content] of Object.entries(entries)) {
      if (content === null) delete target[name];
      else target[name] = content;
    }
  }
  const layers = join(dir, "layers");
  await mkdir(layers, { recursive: true });
  return writeLayers(layers, files);
}

/** `traitloom generate <layers> -n COUNT -o <out> --seed SEED --workers 1 -q` with `extra` after it. */
export function generateArgs(layers: string | undefined, out: string, extra: string[] = [], count = COUNT): string[] {
  return ["generate", ...(layers === undefined ? [] : [layers]), "-n", String(count), "-o", out, "--seed", SEED, "--workers", "1", "-q", ...extra];
}

export async function generate(layers: string | undefined, out: string, extra: string[] = [], count = COUNT): Promise<CliRun> {
  return logged(await runMain(generateArgs(layers, out, extra, count)));
}

/** runMain, its outcome logged where INPUTS_LOG names a file. */
export async function cli(argv: string[]): Promise<CliRun> {
  return logged(await runMain(argv));
}

/**
 * With INPUTS_LOG=<file>, each run's test name, exit code and first stderr line go to that file (tab-separated):
 * the list of what the CLI says to every input, to read through.
 */
export function logged<T extends { code: number | null; err: string[] }>(run: T): T {
  const file = process.env.INPUTS_LOG;
  if (file) appendFileSync(file, `${expect.getState().currentTestName ?? "?"}\t${String(run.code)}\t${errLines(run)[0] ?? ""}\n`);
  return run;
}

/** The lines a run printed on stderr, without empty ones. */
export function errLines(run: { err: string[] } | { stderr: string }): string[] {
  const lines = "err" in run ? run.err : run.stderr.split("\n");
  return lines.filter((l) => l.trim() !== "");
}

function describeRun(run: { code: number | null; err: string[] }): string {
  const lines = errLines(run);
  return `exit ${String(run.code)}${lines[0] !== undefined ? `, stderr: ${lines.slice(0, 3).join(" | ")}` : ", nothing on stderr"}`;
}

interface StoredManifest {
  count: number;
  startId: number;
  format: string;
  provenance: string;
  shard?: { index: number; of: number; firstId: number; lastId: number };
  tokens: Array<{ id: number; image: string }>;
}

/** Names a killed or failed run could leave: atomic-write temp files, the render temp folder, the lock. */
function leftovers(files: readonly string[]): string[] {
  return files.filter((f) => /\.tmp$/.test(f) || f.startsWith(".traitloom/tmp/") || f === ".traitloom.lock" || /(^|\/)\.[^/]+\.\d+(\.\d+)?\.tmp/.test(f));
}

/**
 * What a correct collection in `out` is: `count` tokens in the manifest, in images/ and metadata/ and in
 * _metadata.json, every image's sha256 as the manifest says, the provenance over them, rarity files, no leftovers.
 */
export async function verifyCollection(out: string, count: number, ext = "png"): Promise<void> {
  const manifestPath = join(out, "manifest.json");
  expect(existsSync(manifestPath), `${manifestPath} should exist`).toBe(true);
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as StoredManifest;
  const own = manifest.shard ? manifest.shard.lastId - manifest.shard.firstId + 1 : count;
  if (!manifest.shard) expect(manifest.count, "manifest count").toBe(count);
  expect(manifest.tokens, "manifest tokens").toHaveLength(own);
  for (const t of manifest.tokens) {
    const image = join(out, "images", `${t.id}.${ext}`);
    const bytes = await readFile(image).catch(() => undefined);
    expect(bytes, `${image} should exist`).toBeDefined();
    expect(sha256Hex(bytes ?? ""), `${image}: sha256 as in the manifest`).toBe(t.image);
    const meta = JSON.parse(await readFile(join(out, "metadata", `${t.id}.json`), "utf8")) as { edition?: unknown };
    expect(meta.edition, `metadata/${t.id}.json edition`).toBe(t.id);
  }
  expect(sha256Hex(manifest.tokens.map((t) => t.image).join("")), "provenance").toBe(manifest.provenance);
  const images = (await readdir(join(out, "images"))).filter((n) => !n.startsWith("."));
  expect(images.sort(), "images/ holds exactly the collection's images").toEqual(manifest.tokens.map((t) => `${t.id}.${ext}`).sort());
  const metas = (await readdir(join(out, "metadata"))).filter((n) => !n.startsWith("."));
  expect(metas.sort(), "metadata/ holds exactly the collection's files").toEqual(manifest.tokens.map((t) => `${t.id}.json`).sort());
  const all = JSON.parse(await readFile(join(out, "_metadata.json"), "utf8")) as unknown[];
  expect(all, "_metadata.json").toHaveLength(manifest.count);
  for (const f of ["rarity.json", "rarity.csv"]) expect(existsSync(join(out, f)), `${f} should exist`).toBe(true);
  expect(leftovers(await listFiles(out)), "temp files or lock left in the output").toEqual([]);
}

/** Exit 0 and a correct collection of `count` tokens in `out`. */
export async function expectCollection(run: CliRun, out: string, count = COUNT, ext = "png"): Promise<void> {
  expect(run.code, `expected exit 0 and a collection, got ${describeRun(run)}`).toBe(0);
  expect(run.err.filter((l) => l.startsWith("error")), "no error line on a successful run").toEqual([]);
  expect(stackLines([...run.err, ...run.out])).toEqual([]);
  await verifyCollection(out, count, ext);
}

export interface Refusal {
  /** What the first line must name: the file, folder, option or config field (each one). */
  names: Array<string | RegExp> | string | RegExp;
  /** The output folder: it must be left as it was (`before`), or hold no half-written file where it was not there. */
  out?: string | undefined;
  before?: Record<string, string> | undefined;
}

function includes(line: string, name: string | RegExp): boolean {
  return typeof name === "string" ? line.includes(name) : name.test(line);
}

/**
 * Exit 1, the first stderr line `error: …` naming each of `names`, with "expected" and "found" (or "received");
 * where it is a summary of several layer problems (`<layers>: 3 problems:`), the line listing the named one is
 * checked instead. No stack trace, and the output as it was.
 */
export async function expectRefused(run: CliRun | { code: number | null; err: string[] }, refusal: Refusal): Promise<void> {
  const names = Array.isArray(refusal.names) ? refusal.names : [refusal.names];
  const shown = names.map(String).join(", ");
  expect(run.code, `expected exit 1 naming ${shown}, got ${describeRun(run)}`).toBe(1);
  const lines = errLines(run);
  const first = lines[0] ?? "";
  expect(first, "first stderr line starts with error:").toMatch(/^error: /);
  let line = first;
  if (/: \d+ problems(, the first \d+ below)?:$/.test(first)) {
    line = lines.slice(1).find((l) => names.every((n) => includes(l, n))) ?? first;
  }
  for (const n of names) expect(includes(line, n), `the error line names ${String(n)}: ${line}`).toBe(true);
  expect(line, `the error line says what was expected: ${line}`).toMatch(/\bexpected\b/);
  expect(line, `the error line says what was found: ${line}`).toMatch(/\b(found|received)\b/);
  expect(stackLines(run.err)).toEqual([]);
  if (refusal.out !== undefined) await expectUntouched(refusal.out, refusal.before);
}

/** A snapshot of `out` to compare after a refused run, or undefined where there is nothing there. */
export async function snapshot(out: string): Promise<Record<string, string> | undefined> {
  const s = await stat(out).catch(() => undefined);
  if (!s?.isDirectory()) return undefined;
  return snapshotDir(out, { includeJournal: true });
}

/** `out` as it was before (every file, byte for byte), or, where nothing was there, no half-written file in it. */
export async function expectUntouched(out: string, before: Record<string, string> | undefined): Promise<void> {
  if (before !== undefined) {
    expect(await snapshotDir(out, { includeJournal: true }), `${out} as it was before the refused run`).toEqual(before);
    return;
  }
  const s = await stat(out).catch(() => undefined);
  if (!s?.isDirectory()) return;
  expect(leftovers(await listFiles(out)), "temp files or lock left in the output").toEqual([]);
  if (existsSync(join(out, "manifest.json"))) {
    const m = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as StoredManifest;
    await verifyCollection(out, m.count, m.format === "jpeg" ? "jpg" : m.format);
  }
}

/** A finished collection of the base layers in `out` (seed SEED unless given), to damage or to run into. */
export async function finishedCollection(layers: string, out: string, extra: string[] = [], count = COUNT): Promise<void> {
  const run = await generate(layers, out, extra, count);
  expect(run.code, `setup: generate into ${out}: ${describeRun(run)}`).toBe(0);
}

/** Whether this process is root: permission bits then stop nothing, and cases that rely on them use other means. */
export const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;

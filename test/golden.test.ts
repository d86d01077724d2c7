/**
 * Golden outputs: whole collections generated from the committed fixture in test/fixtures/golden/ and compared,
 * byte for byte, with the files committed under test/fixtures/golden/expected/<case>/: the DNA list, every
 * metadata/<id>.json, _metadata.json, manifest.json (which carries every image's sha256), rarity.json, rarity.csv
 * and the provenance hash. Only the public call `generateCollection` and its result are used, so the test stays
 * valid however the pipeline behind it is arranged.
 *
 * `npm run golden:update` (GOLDEN_UPDATE=1) rewrites the expected files instead of comparing: only for a change
 * of output that is meant, together with a bump of TOOL_VERSION.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateOptions } from "../src/node/generate.js";
import { generateCollection } from "../src/node/generate.js";

const GOLDEN_DIR = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const LAYERS_DIR = join(GOLDEN_DIR, "layers");
const CONFIG_PATH = join(GOLDEN_DIR, "traitloom.json");
const EXPECTED_DIR = join(GOLDEN_DIR, "expected");
const UPDATE = process.env.GOLDEN_UPDATE === "1";

const ON_PURPOSE =
  "output bytes changed: if this is on purpose, bump TOOL_VERSION in src/core/output.ts (the output format version), " +
  "run `npm run golden:update`, and say so in the commit";
/** Differing files described in one failure; the rest are counted. */
const MAX_FILES_SHOWN = 5;
/** Characters of a differing line shown around its first differing column. */
const LINE_WINDOW_CHARS = 120;

interface GoldenCase {
  name: string;
  options: Pick<GenerateOptions, "layersDir" | "configPath" | "count" | "seed" | "workers">;
}

const CASES: readonly GoldenCase[] = [
  { name: "layers-12", options: { layersDir: LAYERS_DIR, count: 12, seed: "golden-12", workers: 1 } },
  { name: "layers-30", options: { layersDir: LAYERS_DIR, count: 30, seed: "golden-30", workers: 2 } },
  // startId 0, every metadata key of the config, a trait renamed and reweighted, a layer that does not count for uniqueness.
  { name: "config-24", options: { configPath: CONFIG_PATH, count: 24, seed: "golden-config", workers: 2 } },
];

/** The files a case pins, by path relative to the output folder (and to expected/<case>/), with their text. */
async function goldenFiles(outDir: string, provenance: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const manifestText = await readFile(join(outDir, "manifest.json"), "utf8");
  const manifest = JSON.parse(manifestText) as { tokens: Array<{ id: number; dna: string }> };
  files.set("dna.txt", manifest.tokens.map((t) => `${t.id} ${t.dna}\n`).join(""));
  for (const name of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"]) {
    files.set(name, name === "manifest.json" ? manifestText : await readFile(join(outDir, name), "utf8"));
  }
  const metadataNames = (await readdir(join(outDir, "metadata"))).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  for (const name of metadataNames) files.set(`metadata/${name}`, await readFile(join(outDir, "metadata", name), "utf8"));
  files.set("provenance.txt", `${provenance}\n`);
  return files;
}

async function readExpected(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else files.set(rel, await readFile(join(dir, rel), "utf8"));
    }
  };
  await walk("").catch((e: unknown) => {
    throw new Error(`golden case has no expected files in ${dir}; run \`npm run golden:update\` to write them`, { cause: e });
  });
  return files;
}

/** A line cut around `column`, in backticks as it is, or JSON-quoted where it holds control characters or ends in white space. */
function excerpt(line: string | undefined, column: number): string {
  if (line === undefined) return "(end of file)";
  const start = Math.max(0, column - LINE_WINDOW_CHARS / 2);
  const cut = line.slice(start, start + LINE_WINDOW_CHARS);
  // eslint-disable-next-line no-control-regex -- control characters are what must be made visible
  const shown = /[\u0000-\u001f\u007f]|\s$/.test(cut) ? JSON.stringify(cut) : `\`${cut}\``;
  return `${start > 0 ? "…" : ""}${shown}${start + LINE_WINDOW_CHARS < line.length ? "…" : ""}`;
}

/** Where two texts first differ, as "line N, column C" and both lines. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split("\n");
  const have = actual.split("\n");
  let n = 0;
  while (n < want.length && n < have.length && want[n] === have[n]) n++;
  const a = want[n] ?? "";
  const b = have[n] ?? "";
  let column = 0;
  while (column < a.length && column < b.length && a[column] === b[column]) column++;
  return `line ${n + 1}, column ${column + 1}\n    expected: ${excerpt(want[n], column)}\n    actual:   ${excerpt(have[n], column)}`;
}

/** One message naming the case, each differing file (up to MAX_FILES_SHOWN) with its first differing line, or undefined where all match. */
function describeMismatch(caseName: string, expected: Map<string, string>, actual: Map<string, string>): string | undefined {
  const problems: string[] = [];
  // In the run's order (collection files first, then metadata by id), then what only the expected files hold.
  for (const name of new Set([...actual.keys(), ...expected.keys()])) {
    const want = expected.get(name);
    const have = actual.get(name);
    if (want === undefined) problems.push(`${name}: written by the run, but not in the expected files`);
    else if (have === undefined) problems.push(`${name}: expected, but the run did not write it`);
    else if (have !== want) problems.push(`${name}: differs at ${firstDifference(want, have)}`);
  }
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, MAX_FILES_SHOWN).map((p) => `  ${caseName}/${p}`);
  if (problems.length > MAX_FILES_SHOWN) shown.push(`  … and ${problems.length - MAX_FILES_SHOWN} more file(s)`);
  return `golden case "${caseName}": ${problems.length} file(s) differ from test/fixtures/golden/expected/${caseName}/\n${shown.join("\n")}\n${ON_PURPOSE}`;
}

async function writeExpected(dir: string, files: Map<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [name, text] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "traitloom-golden-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("golden outputs (test/fixtures/golden)", () => {
  for (const c of CASES) {
    it(`${c.name}: every pinned file is byte-identical to expected/${c.name}/`, async () => {
      const outDir = join(root, c.name);
      const result = await generateCollection({ ...c.options, outDir });
      const actual = await goldenFiles(outDir, result.provenance);
      const expectedDir = join(EXPECTED_DIR, c.name);
      if (UPDATE) {
        await writeExpected(expectedDir, actual);
        console.log(`golden: wrote ${actual.size} files to test/fixtures/golden/expected/${c.name}/`);
        return;
      }
      const mismatch = describeMismatch(c.name, await readExpected(expectedDir), actual);
      if (mismatch !== undefined) expect.fail(mismatch);
    });
  }
});

/**
 * The output folder belongs to one run at a time, and never to the layers: a second run into a folder being
 * written is refused naming the process that holds it (a lock left by a killed run does not count), two runs
 * started together leave one whole collection, and -o inside (or equal to) the layers folder is refused.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import { generateCollection } from "../src/node/generate.js";
import { DEMO_LAYERS, runCli, runMain } from "./helpers/cli.js";
import { removeDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

let root: string;
let layers: string;
beforeAll(async () => {
  root = await tempDir("traitloom-outdir-");
  layers = join(root, "layers");
  await writeBasicLayers(layers);
});
afterAll(async () => {
  await removeDir(root);
});

/** The pid of a process that has ended: a lock holding it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => child.on("close", r));
  return child.pid ?? 999_999;
}

describe("the output folder's lock", () => {
  it("refuses a run while a live process holds the folder, naming it, and touches nothing", async () => {
    const out = join(root, "held");
    await mkdir(out, { recursive: true });
    const lock = JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-12-01T09:00:00.000Z" });
    await writeFile(join(out, ".traitloom.lock"), lock);
    const run = generateCollection({ layersDir: layers, outDir: out, count: 3, seed: "lock", workers: 1 });
    await expect(run).rejects.toSatisfy(
      (e) =>
        isTraitloomError(e) &&
        e.code === "OUTPUT_CONFLICT" &&
        e.message === `${out}: expected no other run writing this folder, found process ${process.pid} (started 2026-12-01T09:00:00.000Z) writing it; wait for it to finish or stop it, then run again`,
    );
    expect(existsSync(join(out, "images"))).toBe(false);
    expect(await readFile(join(out, ".traitloom.lock"), "utf8")).toBe(lock);
  });

  it("replaces a lock left by a process that is gone, and removes its own when done", async () => {
    const out = join(root, "stale");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, ".traitloom.lock"), JSON.stringify({ pid: await deadPid(), host: hostname(), started: "x" }));
    const result = await generateCollection({ layersDir: layers, outDir: out, count: 3, seed: "lock", workers: 1 });
    expect(result.rendered).toBe(3);
    expect(existsSync(join(out, ".traitloom.lock"))).toBe(false);
  });

  it("removes its lock when a run fails or stops", async () => {
    const out = join(root, "stopped");
    const run = generateCollection({ layersDir: layers, outDir: out, count: 3, seed: "lock", workers: 1, signal: AbortSignal.timeout(0) });
    await expect(run).rejects.toSatisfy((e) => isTraitloomError(e) && e.code === "ABORTED");
    expect(existsSync(join(out, ".traitloom.lock"))).toBe(false);
  });

  it("two --overwrite runs started together into one folder: one finishes, the other is refused, the folder is whole", async () => {
    const out = join(root, "race");
    const args = ["generate", DEMO_LAYERS, "-n", "200", "-o", out, "--seed", "race", "--workers", "1", "--overwrite", "-q"];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const refused = a.code === 1 ? a : b;
    expect(refused.stderr).toMatch(/expected no other run writing this folder, found process \d+ \(started .+\) writing it/);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { tokens: Array<{ id: number; image: string }> };
    expect(manifest.tokens).toHaveLength(200);
    for (const t of manifest.tokens) {
      const image = await readFile(join(out, "images", `${t.id}.png`));
      expect(createHash("sha256").update(image).digest("hex")).toBe(t.image);
    }
  });
});

describe("-o and the layers folder", () => {
  for (const [what, out] of [
    ["the layers folder itself", () => layers],
    ["a layer folder", () => join(layers, "Background")],
    ["a new folder inside the layers folder", () => join(layers, "out")],
  ] as const) {
    it(`refuses -o = ${what}, naming both, and writes nothing there`, async () => {
      const before = existsSync(join(out(), "images"));
      const run = await runMain(["generate", layers, "-n", "2", "-o", out(), "--seed", "x"]);
      expect(run.code).toBe(1);
      expect(run.err.filter((l) => l !== "")).toEqual([
        `error: -o ${out()}: expected an output folder outside the layers folder, found ${what === "the layers folder itself" ? "the layers folder itself" : `inside the layers folder ${layers}`}; choose another -o folder`,
      ]);
      expect(existsSync(join(out(), "images"))).toBe(before);
    });
  }
});

describe("the run state", () => {
  it("a folder copied without .traitloom/ but with its manifest resumes from the manifest, hash-checking every file", async () => {
    const out = join(root, "no-state");
    const first = await generateCollection({ layersDir: layers, outDir: out, count: 6, seed: "state", workers: 1 });
    await removeDir(join(out, ".traitloom"));
    // One image damaged: the manifest's hash no longer matches it, so it alone is rendered again.
    await writeFile(join(out, "images", "2.png"), "not the image");
    const again = await generateCollection({ layersDir: layers, outDir: out, count: 6, seed: "state", workers: 1 });
    expect([again.resumed, again.rendered]).toEqual([5, 1]);
    expect(again.provenance).toBe(first.provenance);
    expect(existsSync(join(out, ".traitloom", "state.json"))).toBe(true);
  });

  it("a damaged state.json is refused naming the file and field, and --overwrite replaces the collection", async () => {
    const out = join(root, "bad-state");
    await generateCollection({ layersDir: layers, outDir: out, count: 3, seed: "state", workers: 1 });
    const statePath = join(out, ".traitloom", "state.json");
    const state = JSON.parse(await readFile(statePath, "utf8")) as Record<string, unknown>;
    await writeFile(statePath, JSON.stringify({ ...state, count: -4 }));
    const refused = await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "state"]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/^error: .*\.traitloom\/state\.json: count: .*; the folder's run state is damaged: pass --overwrite to replace the collection, or choose another -o folder$/);
    const replaced = await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "state", "--overwrite", "-q"]);
    expect(replaced.code).toBe(0);
  });
});

describe("render threads", () => {
  it("the library lowers a thread count past twice the cores, with a warning line, and still makes the collection", async () => {
    const log: string[] = [];
    const result = await generateCollection({ layersDir: layers, outDir: join(root, "many-workers"), count: 3, seed: "w", workers: 1000, onLog: (l) => log.push(l) });
    expect(result.rendered).toBe(3);
    const cores = (await import("node:os")).availableParallelism();
    expect(log).toContain(`warning: workers: using ${cores * 2} render threads, twice this machine's ${cores} cores, instead of 1000`);
  });
});

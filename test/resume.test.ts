/**
 * Interrupted runs: a real `traitloom generate` killed mid-run (SIGKILL) or stopped with Ctrl-C (SIGINT) leaves
 * only whole files, and the same command resumes to a folder byte-identical to a clean run. A damaged image is
 * rendered again; a folder holding another collection is refused and left alone unless --overwrite is given.
 */
import { mkdirSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import type { GenerateOptions, GenerateResult } from "../src/node/generate.js";
import { generateCollection } from "../src/node/generate.js";
import type { SpawnedCli } from "./helpers/cli.js";
import { DEMO_LAYERS, runCli, runMain, spawnCli, stackLines } from "./helpers/cli.js";
import { removeDir, snapshotDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

/** Enough 512x512 tokens on one worker that a run is still going when the test stops it. */
const N = 300;
const SEED = "resume";
const args = (out: string): string[] => ["generate", DEMO_LAYERS, "-n", String(N), "-o", out, "--seed", SEED, "--workers", "1"];

let root: string;
let clean: Record<string, string>;
beforeAll(async () => {
  root = await tempDir("traitloom-resume-");
  const out = join(root, "clean");
  const run = await runCli([...args(out), "--workers", "2", "-q"]);
  expect(run.code).toBe(0);
  clean = await snapshotDir(out);
  expect(Object.keys(clean).filter((f) => f.startsWith("images/"))).toHaveLength(N);
});
afterAll(async () => {
  await removeDir(root);
});

async function countImages(out: string): Promise<number> {
  return (await readdir(join(out, "images")).catch(() => [])).filter((f) => f.endsWith(".png")).length;
}

/** Polls until at least `n` images exist; fails if the run ends first. */
async function waitForImages(run: SpawnedCli, out: string, n: number): Promise<void> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  while ((await countImages(out)) < n) {
    if (ended) throw new Error(`the run ended before ${n} images existed: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whatever an interrupted run left: only <id>.png / <id>.json names (or hidden temp files), and every image whole. */
async function expectOnlyWholeFiles(out: string): Promise<number> {
  const images = await readdir(join(out, "images"));
  const visible = images.filter((f) => !f.startsWith("."));
  for (const f of visible) expect(f).toMatch(/^\d+\.png$/);
  for (const f of images.filter((f) => f.startsWith("."))) expect(f).toMatch(/\.tmp$/);
  for (const f of visible) {
    const { info } = await sharp(join(out, "images", f)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([512, 512]);
  }
  for (const f of (await readdir(join(out, "metadata"))).filter((f) => !f.startsWith("."))) {
    expect(f).toMatch(/^\d+\.json$/);
    const text = await readFile(join(out, "metadata", f), "utf8");
    expect(() => JSON.parse(text) as unknown, f).not.toThrow();
  }
  return visible.length;
}

function journalLines(text: string): number {
  return text.split("\n").filter((l) => /^\d+ [0-9a-f]{64}$/.test(l)).length;
}

describe("interrupted runs of the CLI", () => {
  it("SIGKILL mid-run leaves only whole files; the same command resumes to a clean run's bytes", async () => {
    const out = join(root, "killed");
    const run = spawnCli([...args(out), "-q"]);
    await waitForImages(run, out, 20);
    run.child.kill("SIGKILL");
    const ended = await run.exited;
    expect(ended.signal).toBe("SIGKILL");
    const left = await expectOnlyWholeFiles(out);
    expect(left).toBeGreaterThanOrEqual(20);
    expect(left).toBeLessThan(N);

    // A kill between writing a temp file and renaming it leaves the temp file: plant one, as a kill would.
    await writeFile(join(out, "images", `.${N}.png.99999.tmp`), Buffer.alloc(100));
    await writeFile(join(out, "metadata", `.${N}.json.99999.tmp`), "{");

    const again = await runCli(args(out));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming: \d+ of 300 tokens already done/);
    const kept = Number(/\((\d+) rendered, (\d+) kept\)/.exec(again.stdout)?.[2]);
    expect(kept).toBeGreaterThan(0);
    expect(await snapshotDir(out)).toEqual(clean);
  });

  it("SIGINT stops the run with exit 130 and 'stopped: N of M tokens done'; running again resumes", async () => {
    const out = join(root, "interrupted");
    const run = spawnCli([...args(out), "-q"]);
    await waitForImages(run, out, 10);
    run.child.kill("SIGINT");
    const ended = await run.exited;
    expect(ended.code).toBe(130);
    const m = /stopped: (\d+) of (\d+) tokens done/.exec(run.stderr());
    expect(m, run.stderr()).not.toBeNull();
    const done = Number(m?.[1]);
    expect(Number(m?.[2])).toBe(N);
    expect(done).toBeGreaterThanOrEqual(10);
    // Stopped promptly: far from the end, and what it counts as done is what the journal and the folder hold.
    expect(done).toBeLessThan(N);
    expect(journalLines(await readFile(join(out, ".traitloom", "done.log"), "utf8"))).toBe(done);
    expect(await expectOnlyWholeFiles(out)).toBe(done);
    expect(stackLines(run.stderr())).toEqual([]);

    const again = await runCli(args(out));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`resuming: ${done} of ${N} tokens already done`);
    expect(again.stdout).toContain(`(${N - done} rendered, ${done} kept)`);
    expect(await snapshotDir(out)).toEqual(clean);
  });
});

describe("resuming and protecting an output folder", () => {
  let layers: string;
  let cleanA: Record<string, string>;
  let cleanB: Record<string, string>;
  beforeAll(async () => {
    layers = await writeBasicLayers(join(root, "basic"));
    await generateCollection({ layersDir: layers, outDir: join(root, "clean-a"), count: 12, seed: "a", workers: 1 });
    await generateCollection({ layersDir: layers, outDir: join(root, "clean-b"), count: 12, seed: "b", workers: 1 });
    cleanA = await snapshotDir(join(root, "clean-a"));
    cleanB = await snapshotDir(join(root, "clean-b"));
  });
  /** Collection "a" of the basic layers on one worker, into `out`. */
  const generateA = (out: string, options: Partial<GenerateOptions> = {}): Promise<GenerateResult> =>
    generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "a", workers: 1, ...options });

  it("re-renders an image overwritten with junk and rewrites a damaged metadata file (its image is kept), keeping the rest", async () => {
    const out = join(root, "damaged");
    await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "a", workers: 2 });
    await writeFile(join(out, "images", "3.png"), "not a png any more");
    await writeFile(join(out, "metadata", "7.json"), "{}\n");
    const log: string[] = [];
    const result = await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "a", workers: 2, onLog: (l) => log.push(l) });
    expect(result.resumed).toBe(11);
    expect(result.rendered).toBe(1);
    expect(log).toContain(`resuming: 11 of 12 tokens already done in ${out}`);
    expect(await snapshotDir(out)).toEqual(cleanA);
  });

  it("a run stopped by its AbortSignal reports the tokens done; a signal aborted before rendering is a stop, not a crash", async () => {
    const out = join(root, "aborted");
    const controller = new AbortController();
    // More tokens than one worker holds in flight (two batches of 8), so some are still waiting when it stops.
    const stopped = generateCollection({
      layersDir: layers,
      outDir: out,
      count: 18,
      seed: "a",
      workers: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 1) controller.abort();
      },
    });
    await expect(stopped).rejects.toSatisfy((e) => {
      const m = isTraitloomError(e) && e.code === "ABORTED" ? /stopped: (\d+) of 18 tokens done/.exec(e.message) : null;
      return m !== null && Number(m[1]) < 18;
    });

    const early = generateCollection({ layersDir: layers, outDir: join(root, "aborted-early"), count: 12, seed: "a", workers: 1, signal: AbortSignal.abort() });
    await expect(early).rejects.toSatisfy((e) => isTraitloomError(e) && e.code === "ABORTED" && /stopped: 0 of 12 tokens done/.test(e.message));

    const result = await generateCollection({ layersDir: layers, outDir: out, count: 18, seed: "a", workers: 1 });
    expect(result.resumed).toBeGreaterThan(0);
    const clean = join(root, "aborted-clean");
    await generateCollection({ layersDir: layers, outDir: clean, count: 18, seed: "a", workers: 1 });
    expect(await snapshotDir(out)).toEqual(await snapshotDir(clean));
  });

  it("refuses a folder holding another collection (other seed), leaves it untouched; --overwrite replaces it", async () => {
    const out = join(root, "conflict");
    await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "a", workers: 1 });
    const before = await snapshotDir(out, { includeJournal: true });
    const cli = ["generate", layers, "-n", "12", "-o", out, "--seed", "b", "--workers", "1", "-q"];

    const refused = await runMain(cli);
    expect(refused.code).toBe(1);
    const lines = refused.err.filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*different collection \(seed "a", 12 tokens\).*--overwrite/);
    expect(await snapshotDir(out, { includeJournal: true })).toEqual(before);

    const replaced = await runMain([...cli, "--overwrite"]);
    expect(replaced.code).toBe(0);
    expect(await snapshotDir(out)).toEqual(cleanB);
  });

  it("a write refused mid-run (a folder in the way) stops in one line; what was done stays, and the run resumes", async () => {
    const out = join(root, "refused-mid-run");
    const stopped = generateA(out, {
      onProgress: (p) => {
        // Before any token renders (the first progress report comes once the folder is open): token 12, in the
        // second batch of 8, then cannot be written, while the first batch is.
        if (p.done === 0) mkdirSync(join(out, "images", "12.png", "in-the-way"), { recursive: true });
      },
    });
    const path = join(out, "images", "12.png");
    await expect(stopped).rejects.toSatisfy(
      (e) =>
        isTraitloomError(e) &&
        e.code === "WRITE_FAILED" &&
        e.message ===
          `${path}: expected to write token 12's image, found a folder in the way (EISDIR); 8 of 12 tokens are done in ${out}: fix that and run the same command again to resume`,
    );
    expect(journalLines(await readFile(join(out, ".traitloom", "done.log"), "utf8"))).toBe(8);
    const kept = await snapshotDir(out);
    for (let id = 1; id <= 8; id++) expect(kept[`images/${id}.png`]).toBe(cleanA[`images/${id}.png`]);

    await rm(path, { recursive: true });
    const result = await generateA(out);
    expect(result.resumed).toBe(8);
    expect(await snapshotDir(out)).toEqual(cleanA);
  });

  it("the CLI reports a refused write in one line with exit 1, and runs again once it is fixed", async () => {
    const out = join(root, "refused-cli");
    const cli = ["generate", layers, "-n", "12", "-o", out, "--seed", "a", "--workers", "2", "-q"];
    expect((await runMain(cli)).code).toBe(0);
    // Something takes the place of one image: the next run renders it again and cannot write it.
    await rm(join(out, "images", "5.png"));
    await mkdir(join(out, "images", "5.png", "in-the-way"), { recursive: true });
    const refused = await runMain(cli);
    expect(refused.code).toBe(1);
    expect(refused.err.filter((l) => l.trim() !== "")).toEqual([
      `error: ${join(out, "images", "5.png")}: expected to write token 5's image, found a folder in the way (EISDIR); 11 of 12 tokens are done in ${out}: fix that and run the same command again to resume`,
    ]);
    await rm(join(out, "images", "5.png"), { recursive: true });
    expect((await runMain(cli)).code).toBe(0);
    expect(await snapshotDir(out)).toEqual(cleanA);
  });

  it("an output folder that cannot be made is one line naming it", async () => {
    const file = join(root, "plain-file");
    await writeFile(file, "keep me");
    const out = join(file, "collection");
    const refused = await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "a", "-q"]);
    expect(refused.code).toBe(1);
    expect(refused.err.filter((l) => l !== "")).toEqual([`error: ${out}: expected to write a folder, found a file where a folder should be (ENOTDIR)`]);
    expect(await readFile(file, "utf8")).toBe("keep me");
  });

  it("refuses an output path that is a file, in one line", async () => {
    const out = join(root, "a-file");
    await writeFile(out, "keep me");
    const refused = await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "a", "-q"]);
    expect(refused.code).toBe(1);
    expect(refused.err.filter((l) => l !== "")).toEqual([`error: ${out}: expected an output folder, found a file; choose another -o folder`]);
    expect(await readFile(out, "utf8")).toBe("keep me");
  });

  it("refuses a folder with images/ from another tool and leaves it untouched", async () => {
    const out = join(root, "foreign");
    await mkdir(join(out, "images"), { recursive: true });
    await writeFile(join(out, "images", "1.png"), "someone else's art");
    const refused = await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "a", "-q"]);
    expect(refused.code).toBe(1);
    expect(refused.err.join("\n")).toMatch(/images\/ or metadata\/ from another tool/);
    expect(await readdir(out)).toEqual(["images"]);
    expect(await readFile(join(out, "images", "1.png"), "utf8")).toBe("someone else's art");
  });
});

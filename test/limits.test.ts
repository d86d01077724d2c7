/**
 * Size limits, each as it was found by the bad-input matrix: decoded traits past 2 GiB (the trait pack split into
 * several shared buffers, with the same output bytes as one), past free memory (one line with the size needed), a
 * canvas past the schema's maximum, counts past what the planner holds (refused at once, where they enter), planning
 * progress for long plans, and Ctrl-C on a big canvas (exit 130, only whole files; the backend starts no token once stopped).
 * No test here measures time: the stop latency is measured by hand (docs/benchmarks.md).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CANVAS_PX, MAX_TOKEN_COUNT, parseConfig } from "../src/core/config.js";
import { isTraitloomError } from "../src/core/errors.js";
import { buildLayerSet, type LayerSet } from "../src/core/layers.js";
import { planCollection, type PlanProgress } from "../src/core/planner.js";
import { resolveSettings } from "../src/core/settings.js";
import { FolderSink } from "../src/render/folderSink.js";
import { packTraits } from "../src/render/pack.js";
import type { PlannedToken } from "../src/render/pipeline.js";
import { runCollection } from "../src/render/pipeline.js";
import { NodeFileStore } from "../src/node/fileStore.js";
import { generateCollection, prepareCollection } from "../src/node/generate.js";
import { NodeRenderBackend } from "../src/node/pool.js";
import { loadTraits } from "../src/node/traits.js";
import { runMain, spawnCli, stackLines } from "./helpers/cli.js";
import { removeDir, snapshotDir, tempDir } from "./helpers/fixtures.js";

const GOLDEN_LAYERS = new URL("./fixtures/golden/layers", import.meta.url).pathname;

let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-limits-");
});
afterAll(async () => {
  await removeDir(root);
});

/** A layer set of `layers` layers of `traits` traits each, from a listing alone (no files): for the planner. */
function listedLayers(layers: number, traits: number): LayerSet {
  return buildLayerSet(
    {
      root: "listed",
      rootFiles: [],
      folders: Array.from({ length: layers }, (_, l) => ({
        folder: `${String(l + 1).padStart(2, "0")}-L${l}`,
        files: Array.from({ length: traits }, (_, t) => ({ name: `T${t}#${1 + ((t * 7 + l * 3) % 10)}.png`, size: 1 })),
        subfolders: [],
      })),
    },
    {},
  );
}

describe("decoded traits in several shared buffers", () => {
  it("a run whose traits are spread over several pack buffers writes the same bytes as a one-buffer run", async () => {
    const options = { layersDir: GOLDEN_LAYERS, count: 30, seed: "limits-pack", workers: 2 };
    const oneBuffer = join(root, "pack-one");
    await generateCollection({ ...options, outDir: oneBuffer });

    const { config, layersDir, layerSet, settings, plan } = await prepareCollection(options);
    const biggest = await loadTraits(layersDir, layerSet, config);
    const limit = Math.max(...biggest.prepared.flat().map((t) => t.pixels.length + t.spans.length * 4)) + 8;
    const loaded = await loadTraits(layersDir, layerSet, config, undefined, { maxPackBufferBytes: limit });
    const buffers = new Set(loaded.prepared.flat().map((t) => t.pixels.buffer));
    expect(buffers.size).toBeGreaterThanOrEqual(3);
    for (const b of buffers) expect(b).toBeInstanceOf(SharedArrayBuffer);

    const several = join(root, "pack-several");
    const sink = new FolderSink(new NodeFileStore(several));
    const pack = packTraits(loaded.prepared, loaded.width, loaded.height);
    // Traits already in shared buffers are referenced where they are: the pack has the loader's buffers, no copy.
    expect(new Set(pack.buffers)).toEqual(buffers);
    const backend = new NodeRenderBackend(
      { pack, placement: sink.placement, format: settings.format, compression: settings.compression, quality: settings.quality, flattenColor: "ffffff" },
      2,
    );
    try {
      await runCollection({ layerSet, settings, width: loaded.width, height: loaded.height, fileHashes: loaded.fileHashes, plan }, backend, sink);
    } finally {
      await backend.close();
    }
    expect(await snapshotDir(several)).toEqual(await snapshotDir(oneBuffer));
  });

  it("traits past the memory there is for them are one error naming the size they need", async () => {
    const { config, layersDir, layerSet } = await prepareCollection({ layersDir: GOLDEN_LAYERS, count: 1, seed: "x" });
    const all = await loadTraits(layersDir, layerSet, config);
    const needed = all.prepared.flat().reduce((sum, t) => sum + Math.ceil(t.pixels.length / 4) * 4 + t.spans.length * 4, 0);
    const error = await loadTraits(layersDir, layerSet, config, undefined, { maxPackBufferBytes: 4096, memoryBudgetBytes: 8192 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTraitloomError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(/^traits: expected decoded traits that fit in the memory free for them \(0\.000 GiB\), found 12 traits at 24x24 that need /);
    // The size needed is every trait's, measured to the end, not only what was packed when memory ran out.
    expect(message).toContain(`need ${(needed / 2 ** 30).toFixed(3)} GiB`);
  });
});

describe("canvas size", () => {
  it(`accepts ${MAX_CANVAS_PX} and refuses more at config validation, naming the field and the limit`, () => {
    expect(MAX_CANVAS_PX).toBe(16384);
    expect(parseConfig({ width: 16384, height: 16384 })).toEqual({ width: 16384, height: 16384 });
    expect(() => parseConfig({ width: 16385 })).toThrow("traitloom.json: width: expected at most 16384, found 16385");
    expect(() => parseConfig({ height: 40000 }, "big.json")).toThrow("big.json: height: expected at most 16384, found 40000");
  });
});

describe("token counts", () => {
  const tooMany = 20_000_000_000;

  it("a config count past the limit is refused at validation, naming it", () => {
    expect(MAX_TOKEN_COUNT).toBe(10_000_000);
    expect(parseConfig({ count: MAX_TOKEN_COUNT })).toEqual({ count: MAX_TOKEN_COUNT });
    expect(() => parseConfig({ count: tooMany })).toThrow("traitloom.json: count: expected at most 10,000,000 tokens, found 20000000000");
  });

  it("-n (or the library's count) and a config object given in code are refused when settings are resolved", () => {
    expect(() => resolveSettings({}, { count: tooMany, seed: "s" })).toThrow("-n 20000000000: expected at most 10,000,000 tokens, found 20,000,000,000");
    expect(() => resolveSettings({ count: MAX_TOKEN_COUNT + 1, seed: "s" })).toThrow("count: expected at most 10,000,000 tokens, found 10,000,001");
    expect(resolveSettings({}, { count: MAX_TOKEN_COUNT, seed: "s" }).count).toBe(MAX_TOKEN_COUNT);
  });

  it("the planner refuses such a count before allocating anything for it (it once died with 'Invalid typed array length')", () => {
    const set = listedLayers(12, 10);
    for (const count of [MAX_TOKEN_COUNT + 1, 1e9, tooMany]) {
      let error: unknown;
      try {
        planCollection(set, count, "s");
      } catch (e) {
        error = e;
      }
      expect(isTraitloomError(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/^count: expected at most 10,000,000 tokens, found [\d,]+$/);
    }
  });

  it("the library refuses it before reading a trait, as one BAD_ARGUMENT error", async () => {
    const error = await generateCollection({ layersDir: GOLDEN_LAYERS, count: tooMany, seed: "s", outDir: join(root, "too-many") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTraitloomError(error) && error.code).toBe("BAD_ARGUMENT");
    expect((error as Error).message).toBe("-n 20000000000: expected at most 10,000,000 tokens, found 20,000,000,000");
    await expect(readdir(join(root, "too-many"))).rejects.toThrow();
  });

  it("the CLI refuses -n and a config count past the limit with exit 1 and one line", async () => {
    const cli = await runMain(["generate", GOLDEN_LAYERS, "-n", String(tooMany), "-o", join(root, "cli-n"), "--seed", "s"]);
    expect(cli.code).toBe(1);
    expect(cli.err.filter((l) => l !== "")).toEqual([expect.stringMatching(/^error: -n: .*10000000.*20000000000/)]);
    const configPath = join(root, "too-many.json");
    await writeFile(configPath, JSON.stringify({ layersDir: GOLDEN_LAYERS, count: tooMany }));
    const fromConfig = await runMain(["generate", "-c", configPath, "-o", join(root, "cli-c"), "--seed", "s"]);
    expect(fromConfig.code).toBe(1);
    expect(fromConfig.err.filter((l) => l !== "")).toEqual([`error: ${configPath}: count: expected at most 10,000,000 tokens, found 20000000000`]);
  });
});

describe("planning progress", () => {
  it("planCollection tells each step's progress in order, and the plan is the same with or without listening", () => {
    const set = listedLayers(6, 8);
    const count = 200_000;
    const heard: PlanProgress[] = [];
    const plan = planCollection(set, count, "progress", { onProgress: (p) => heard.push(p) });
    const quiet = planCollection(set, count, "progress");
    expect(Buffer.from(plan.traits.buffer).equals(Buffer.from(quiet.traits.buffer))).toBe(true);
    expect(plan.counts).toEqual(quiet.counts);

    const order = ["laying out traits", "indexing combinations", "indexing traits", "finding collisions", "mending collisions", "moving stuck tokens", "shuffling tokens"];
    const steps = heard.map((p) => p.step).filter((s, i, all) => s !== all[i - 1]);
    // Steps come in planCollection's order; "finding collisions" runs again before each pass, so it is left out here.
    const passes = steps.filter((s) => s !== "finding collisions").map((s) => order.indexOf(s));
    expect(passes).toEqual([...passes].sort((a, b) => a - b));
    expect(steps.indexOf("finding collisions")).toBe(3);
    for (const s of ["laying out traits", "indexing combinations", "indexing traits", "finding collisions", "shuffling tokens"]) expect(steps).toContain(s);
    for (const p of heard) {
      expect(p.done).toBeGreaterThanOrEqual(0);
      expect(p.done).toBeLessThanOrEqual(p.total);
    }
    // Every 65,536 tokens of a token loop: several reports for 200,000 tokens.
    expect(heard.filter((p) => p.step === "shuffling tokens").map((p) => p.done)).toEqual([0, 65536, 131072, 196608]);
    expect(heard.filter((p) => p.step === "laying out traits").map((p) => `${p.done}/${p.total}`)).toEqual(["1/6", "2/6", "3/6", "4/6", "5/6", "6/6"]);
  });
});

/** 2048x2048 layers drawn with sharp: a full-canvas background and seven layers of two translucent shapes each. */
async function writeBigLayers(dir: string, size: number): Promise<void> {
  for (let l = 0; l < 8; l++) {
    const folder = join(dir, `${String(l + 1).padStart(2, "0")}-Layer${l}`);
    await mkdir(folder, { recursive: true });
    for (let t = 0; t < 2; t++) {
      const color = { r: (l * 40 + t * 90) % 256, g: (t * 120 + 30) % 256, b: (l * 25) % 256, alpha: l === 0 ? 1 : 0.75 };
      const file = join(folder, `T${t}.png`);
      if (l === 0) {
        await sharp({ create: { width: size, height: size, channels: 4, background: color } }).png({ compressionLevel: 1 }).toFile(file);
        continue;
      }
      const w = Math.round(size * (0.3 + 0.05 * l));
      const h = Math.round(size * (0.2 + 0.1 * t));
      const shape = await sharp({ create: { width: w, height: h, channels: 4, background: color } }).png().toBuffer();
      await sharp({ create: { width: size, height: size, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([{ input: shape, left: Math.round(size * 0.05 * l), top: Math.round(size * 0.07 * l) }])
        .png({ compressionLevel: 1 })
        .toFile(file);
    }
  }
}

async function pngsIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).filter((f) => f.endsWith(".png"));
}

describe("stopping on a big canvas", () => {
  const SIZE = 2048;
  let layers: string;
  beforeAll(async () => {
    layers = join(root, "big-layers");
    await writeBigLayers(layers, SIZE);
  }, 120_000);

  it("the render backend, stopped mid-batch, starts no further token and reports exactly what it wrote", async () => {
    const { config, layersDir, layerSet, settings, plan } = await prepareCollection({ layersDir: layers, count: 16, seed: "stop" });
    const loaded = await loadTraits(layersDir, layerSet, config);
    const out = join(root, "backend-stop");
    const sink = new FolderSink(new NodeFileStore(out));
    const stop = new AbortController();
    const backend = new NodeRenderBackend(
      { pack: packTraits(loaded.prepared, loaded.width, loaded.height), placement: sink.placement, format: "png", compression: settings.compression, quality: 90, flattenColor: "ffffff" },
      2,
      { signal: stop.signal },
    );
    const tokens: PlannedToken[] = Array.from({ length: 16 }, (_, i) => {
      const traits = Array.from({ length: layerSet.layers.length }, (_, l) => plan.traits[i * plan.layerCount + l] ?? 0);
      return { index: i, id: i + 1, traits, image: `images/${i + 1}.png`, metadataPath: `metadata/${i + 1}.json`, metadata: `{"id":${i + 1}}\n` };
    });
    try {
      await mkdir(join(out, "images"), { recursive: true });
      await mkdir(join(out, "metadata"), { recursive: true });
      // Two batches of eight, one per worker: stopped once the first image is written, neither renders all eight.
      const batches = [backend.renderBatch(tokens.slice(0, 8)), backend.renderBatch(tokens.slice(8))];
      while ((await pngsIn(join(out, "images"))).length === 0) await new Promise((r) => setTimeout(r, 5));
      stop.abort();
      const results = (await Promise.all(batches)).flat();
      expect(results.length).toBeGreaterThanOrEqual(1);
      expect(results.length).toBeLessThan(16);
      // A token is written and reported, or neither: what the folder holds is exactly what came back.
      const images = (await pngsIn(join(out, "images"))).sort();
      expect(images).toEqual(results.map((r) => `${r.index + 1}.png`).sort());
      expect((await readdir(join(out, "metadata"))).sort()).toEqual(results.map((r) => `${r.index + 1}.json`).sort());
      // Once stopped, it renders nothing more.
      expect(await backend.renderBatch(tokens.slice(0, 1))).toEqual([]);
    } finally {
      await backend.close();
      await sink.close();
    }
  }, 120_000);

  it("Ctrl-C (SIGINT) after the first image: exit 130, the 'stopped' line, and only whole files, each journaled", async () => {
    const out = join(root, "cli-stop");
    const N = 120;
    const run = spawnCli(["generate", layers, "-n", String(N), "-o", out, "--seed", "stop", "--workers", "2"]);
    let ended = false;
    void run.exited.then(() => (ended = true));
    while ((await pngsIn(join(out, "images"))).length === 0) {
      if (ended) throw new Error(`the run ended before its first image: ${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(130);
    const m = /stopped: (\d+) of (\d+) tokens done in .*; run the same command again to resume/.exec(run.stderr());
    expect(m, run.stderr()).not.toBeNull();
    const done = Number(m?.[1]);
    expect(Number(m?.[2])).toBe(N);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(N);
    expect(stackLines(run.stderr())).toEqual([]);
    const images = await pngsIn(join(out, "images"));
    expect(images).toHaveLength(done);
    for (const f of images) {
      const meta = await sharp(await readFile(join(out, "images", f))).metadata();
      expect([meta.width, meta.height]).toEqual([SIZE, SIZE]);
    }
    const journal = (await readFile(join(out, ".traitloom", "done.log"), "utf8")).split("\n").filter((l) => /^\d+ [0-9a-f]{64}$/.test(l));
    expect(journal).toHaveLength(done);
  }, 180_000);
});

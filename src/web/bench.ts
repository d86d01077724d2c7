/**
 * The page bench/browser.ts drives: loads the demo layers, then runs the studio engine (or the starting
 * design's path) through generateCollection on request, exactly as the studio does, and reports the figures.
 */
import { generateCollection, removeArchive, WarmWorkers, type GenerateRequest } from "../browser/engine.js";
import { analyzeProject, DEFAULT_SETTINGS } from "../browser/project.js";
import type { BenchCase, BenchResult, ShortRunCase, ShortRunResult } from "../browser/benchVariant.js";

function newBenchWorker(): Worker {
  return new Worker(new URL("../browser/bench.worker.ts", import.meta.url), { type: "module", name: "traitloom-bench-render" });
}
import { decodeSize, fromDemo } from "./loaders.js";

async function runCase(c: BenchCase): Promise<BenchResult> {
  const loaded = await fromDemo();
  const files = new Map(loaded.files.map((f) => [f.path, f.blob]));
  const decoded = new Map(await Promise.all([...files].map(async ([p, b]) => [p, await decodeSize(b)] as const)));
  const native = c.width === 512 && c.height === 512;
  const analysis = analyzeProject(
    loaded.root,
    [...files].map(([path, b]) => ({ path, size: b.size })),
    decoded,
    { ...DEFAULT_SETTINGS, count: c.count, seed: c.seed, width: native ? undefined : c.width, height: native ? undefined : c.height, resize: native ? "error" : "stretch" },
  );
  if (!analysis.layerSet || !analysis.canvas) throw new Error(analysis.error ?? "bench: demo layers do not load");
  const sources = analysis.layerSet.layers.map((l) =>
    l.traits.map((t) => {
      const d = decoded.get(t.file);
      if (!d || "error" in d) throw new Error(`bench: ${t.file} does not decode`);
      return { file: files.get(t.file) as Blob, width: d.width, height: d.height };
    }),
  );
  const req: GenerateRequest = {
    listing: analysis.listing,
    config: analysis.config,
    count: c.count,
    seed: c.seed,
    width: analysis.canvas.width,
    height: analysis.canvas.height,
    resize: analysis.config.resize ?? "error",
    sources,
    workers: c.workers,
    renderWorker: newBenchWorker,
    variant: { mode: c.mode, encoder: c.encoder.name, level: c.encoder.level, compositor: c.compositor },
  };
  const result = await generateCollection(req);
  // A run no longer deletes the archives before it (the studio keeps finished runs): the bench drops each at once.
  await removeArchive(result.zipName);
  let imageBytes = 0;
  for (const s of result.imageSizes) imageBytes += s;
  const per = (ms: number): number => ms / result.count;
  return {
    tokensPerSecond: result.tokensPerSecond,
    elapsedMs: result.elapsedMs,
    zipBytes: result.bytes,
    meanImageBytes: imageBytes / result.count,
    perToken: { draw: per(result.timing.draw), encode: per(result.timing.encode), hash: per(result.timing.hash), write: per(result.writeMs) },
  };
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** The request the studio makes for these files, order and size, as its Generate button does. */
async function studioRequest(c: ShortRunCase): Promise<GenerateRequest> {
  const loaded = c.fixture ? { root: c.fixture.root, files: c.fixture.files.map((f) => ({ path: f.path, blob: new Blob([fromBase64(f.base64)]) })) } : await fromDemo();
  const files = new Map(loaded.files.map((f) => [f.path, f.blob]));
  const decoded = new Map(await Promise.all([...files].map(async ([p, b]) => [p, await decodeSize(b)] as const)));
  const folders = [...new Set(loaded.files.map((f) => f.path.split("/")[0] ?? ""))];
  const order = c.order ?? [];
  const layers = c.order ? [...order, ...folders.filter((f) => !order.includes(f))].map((folder) => ({ folder, name: folder, visible: order.includes(folder), weights: {} })) : [];
  const analysis = analyzeProject(loaded.root, [...files].map(([path, b]) => ({ path, size: b.size })), decoded, { ...DEFAULT_SETTINGS, count: c.count, seed: c.seed, layers });
  if (!analysis.layerSet || !analysis.canvas) throw new Error(analysis.error ?? "bench: the layers do not load");
  const sources = analysis.layerSet.layers.map((l) =>
    l.traits.map((t) => {
      const d = decoded.get(t.file);
      if (!d || "error" in d) throw new Error(`bench: ${t.file} does not decode`);
      return { file: files.get(t.file) as Blob, width: d.width, height: d.height };
    }),
  );
  return {
    listing: analysis.listing,
    config: analysis.config,
    count: c.count,
    seed: c.seed,
    width: analysis.canvas.width,
    height: analysis.canvas.height,
    resize: analysis.config.resize ?? "error",
    sources,
    workers: c.workers,
  };
}

/** A short run (benchVariant.ts, ShortRunStart): what the studio's user waits for after the click. */
async function shortRun(c: ShortRunCase): Promise<ShortRunResult> {
  const req = await studioRequest(c);
  const pool = c.start === "cold" ? undefined : new WarmWorkers();
  let warmMs = 0;
  let warmDecodeMs = 0;
  try {
    if (pool) {
      // As the studio does on project load: the workers, the traits' decode and the plan of the settings as they are.
      const warming = pool.warm({ ...req, plan: req });
      if (c.start !== "at-load") {
        const w = await warming;
        await pool.settled();
        warmMs = w.ms;
        warmDecodeMs = w.decodeMs;
      }
      if (c.start === "again") await removeArchive((await generateCollection({ ...req, warm: pool })).zipName);
    }
    const result = await generateCollection({ ...req, warm: pool });
    // A run no longer deletes the archives before it (the studio keeps finished runs): the bench drops each at once.
    await removeArchive(result.zipName);
    const timeline = result.timeline as Record<string, number>;
    return {
      count: result.count,
      width: req.width,
      height: req.height,
      firstTokenMs: timeline["first-token"] ?? NaN,
      zipMs: timeline.archive ?? NaN,
      timeline,
      warmMs,
      warmDecodeMs,
      zipBytes: result.bytes,
      perToken: { draw: result.timing.draw / result.count, encode: result.timing.encode / result.count, hash: result.timing.hash / result.count, write: result.writeMs / result.count },
    };
  } finally {
    pool?.dispose();
  }
}

const api = window as unknown as { traitloomBench: (c: BenchCase) => Promise<BenchResult>; traitloomShortRun: (c: ShortRunCase) => Promise<ShortRunResult> };
api.traitloomBench = runCase;
api.traitloomShortRun = shortRun;
document.getElementById("log")!.textContent = "bench page ready";

/**
 * The page bench/browser.ts drives: loads the demo layers, then runs the studio engine (or the starting
 * design's path) through generateCollection on request, exactly as the studio does, and reports the figures.
 */
import { generateCollection, removeArchive, type GenerateRequest } from "../browser/engine.js";
import { analyzeProject, DEFAULT_SETTINGS } from "../browser/project.js";
import type { BenchCase, BenchResult } from "../browser/benchVariant.js";

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

(window as unknown as { traitloomBench: (c: BenchCase) => Promise<BenchResult> }).traitloomBench = runCase;
document.getElementById("log")!.textContent = "bench page ready";

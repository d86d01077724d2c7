/**
 * The Node side of the contract cases (test/contract/cases.ts): how a case runs through the CLI's adapters
 * (generateCollection: worker threads writing into a folder, the folder sink) and through the same backend and
 * sink written by hand (runCollection, images back in the reply, the folder sink over memory), and what a run
 * leaves: every file of the collection by its path. Used by test/contract.test.ts and test/e2e/contract.e2e.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { TraitloomConfig } from "../../src/core/config.js";
import { renderPlanOf } from "../../src/core/draw.js";
import { FolderSink, MemoryFileStore } from "../../src/render/folderSink.js";
import { packTraits } from "../../src/render/pack.js";
import type { CollectionInput, CollectionSink, PlannedToken, RenderBackend, RenderedToken, RunOptions, RunResult } from "../../src/render/pipeline.js";
import { runCollection } from "../../src/render/pipeline.js";
import { NodeFileStore } from "../../src/node/fileStore.js";
import type { GenerateOptions } from "../../src/node/generate.js";
import { prepareCollection } from "../../src/node/generate.js";
import { NodeRenderBackend } from "../../src/node/pool.js";
import type { NodeRenderInit } from "../../src/node/protocol.js";
import { loadTraits } from "../../src/node/traits.js";
import type { ContractCase } from "./cases.js";

export const GOLDEN_DIR = fileURLToPath(new URL("../fixtures/golden/", import.meta.url));
export const LAYERS_DIR = join(GOLDEN_DIR, "layers");
export const CONFIG_PATH = join(GOLDEN_DIR, "traitloom.json");
export const NFTCHEF_LAYERS_DIR = fileURLToPath(new URL("../fixtures/nftchef-mini/layers", import.meta.url));

/** The layers folder of a case. */
export function layersDirOf(c: ContractCase): string {
  return c.layers === "nftchef-mini" ? NFTCHEF_LAYERS_DIR : LAYERS_DIR;
}

/** A collection as files: path relative to its folder ("images/3.png", ".traitloom/state.json") → bytes. */
export type CollectionFiles = Map<string, Uint8Array>;

/** The options of the library's generateCollection for a case (outDir aside). */
export function caseOptions(c: ContractCase): Pick<GenerateOptions, "layersDir" | "configPath" | "config" | "count" | "seed" | "workers"> {
  const base = { count: c.count, seed: c.seed, workers: c.workers };
  if (c.config === "golden") return { ...base, configPath: CONFIG_PATH };
  if (c.config === "none") return { ...base, layersDir: layersDirOf(c) };
  return { ...base, layersDir: layersDirOf(c), config: c.config };
}

/** The config a case gives the browser: the golden file's JSON as it is, an inline one, or none. */
export async function caseConfig(c: ContractCase): Promise<TraitloomConfig | undefined> {
  if (c.config === "golden") return JSON.parse(await readFile(CONFIG_PATH, "utf8")) as TraitloomConfig;
  if (c.config === "none") return undefined;
  return c.config;
}

/** What runCollection needs for a case, made as generateCollection makes it, and the render workers' start-up data. */
export async function prepareNodeRun(c: ContractCase): Promise<{ input: CollectionInput; init: NodeRenderInit }> {
  const { config, layersDir, layerSet, settings, plan } = await prepareCollection(caseOptions(c));
  const loaded = await loadTraits(layersDir, layerSet, config);
  return {
    input: { layerSet, settings, width: loaded.width, height: loaded.height, fileHashes: loaded.fileHashes, plan },
    init: {
      pack: packTraits(loaded.prepared, loaded.width, loaded.height),
      steps: renderPlanOf(layerSet)?.steps,
      format: settings.format,
      compression: settings.compression,
      quality: settings.quality,
      flattenColor: settings.backgroundColor ?? "ffffff",
    },
  };
}

/**
 * A backend as it is, handing it one token at a time: the Node backend's own batches (8 tokens, two per worker
 * in flight) hold the whole of a small case at once, so a stop half-way would find every token already rendering.
 */
export class OneTokenBatches implements RenderBackend {
  readonly batchTokens = 1;
  readonly slots: number;
  constructor(private readonly inner: RenderBackend) {
    this.slots = inner.slots;
  }
  renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]> {
    return this.inner.renderBatch(tokens);
  }
}

/** Runs a case with a Node render backend made for `sink` (writing into it where it is a disk folder), then ends the workers. */
export async function runWithNodeBackend(
  prepared: { input: CollectionInput; init: NodeRenderInit },
  c: ContractCase,
  sink: CollectionSink,
  options: RunOptions & { oneTokenBatches?: boolean } = {},
): Promise<RunResult> {
  const backend = new NodeRenderBackend({ ...prepared.init, placement: sink.placement }, c.workers);
  try {
    return await runCollection(prepared.input, options.oneTokenBatches ? new OneTokenBatches(backend) : backend, sink, options);
  } finally {
    await backend.close();
  }
}

/** The in-memory sink: the folder sink over a MemoryFileStore. */
export function memorySink(): { store: MemoryFileStore; sink: FolderSink } {
  const store = new MemoryFileStore(`memory`);
  return { store, sink: new FolderSink(store) };
}

/** The files a memory store holds. */
export function memoryFiles(store: MemoryFileStore): CollectionFiles {
  return new Map([...store.files].map(([k, v]) => [k, v.slice()]));
}

/** Every file under `dir`, hidden ones included, by relative path with "/". */
export async function folderFiles(dir: string): Promise<CollectionFiles> {
  const out: CollectionFiles = new Map();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(relative(dir, full).split("\\").join("/"), new Uint8Array(await readFile(full)));
    }
  };
  await walk(dir);
  return out;
}

/** The folder sink over a disk folder, as generateCollection makes it. */
export function diskSink(dir: string): FolderSink {
  return new FolderSink(new NodeFileStore(dir));
}

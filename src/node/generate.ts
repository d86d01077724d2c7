import { randomBytes } from "node:crypto";
import { readFile, realpath } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, isAbsolute } from "node:path";
import type { TraitloomConfig } from "../core/config.js";
import { formatCount, parseConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import { renderPlanOf } from "../core/draw.js";
import type { LayerSet } from "../core/layers.js";
import { buildLayerSet } from "../core/layers.js";
import { ONE_OF_ONES_WITH_EDITIONS } from "../core/editionCapacity.js";
import { editionsCount } from "../core/editions.js";
import { withRules } from "../core/ruleModel.js";
import type { Deviation, Plan, PlanProgress } from "../core/planner.js";
import { planCollection } from "../core/planner.js";
import type { CollectionSettings, CompressionPreset, ImageFormat } from "../core/settings.js";
import { resolveSettings } from "../core/settings.js";
import { seedFromEntropy } from "../core/rng.js";
import { FolderSink } from "../render/folderSink.js";
import { packTraits } from "../render/pack.js";
import { checkShard, extraTargets, runCollection } from "../render/pipeline.js";
import { checkOutputs } from "../core/targets/index.js";
import { listLayersDir } from "./files.js";
import { NodeFileStore } from "./fileStore.js";
import { NodeRenderBackend, defaultWorkerCount } from "./pool.js";
import { loadTraits } from "./traits.js";
import { loadOneOfOnes } from "./oneOfOnes.js";
import type { OneOfOnes } from "../core/oneOfOnes.js";

export interface GenerateProgress {
  done: number;
  total: number;
  /** Tokens kept from an earlier, interrupted run of the same collection. */
  resumed: number;
}

export interface GenerateOptions {
  /** The layers folder; else the config's layersDir. */
  layersDir?: string | undefined;
  /** A traitloom.json to read; `config` wins where both are given. */
  configPath?: string | undefined;
  config?: TraitloomConfig | undefined;
  outDir: string;
  count?: number | undefined;
  seed?: string | undefined;
  /** Output format and PNG preset; the config's `image` otherwise. */
  format?: ImageFormat | undefined;
  compression?: CompressionPreset | undefined;
  /** How layer folders are read; wins over the config's `dialect`. */
  dialect?: TraitloomConfig["dialect"];
  workers?: number | undefined;
  /** Replace a different collection already in outDir instead of refusing. */
  overwrite?: boolean | undefined;
  /** Render only share `index` (1-based) of `of` equal parts of the planned collection, for `traitloom merge`. */
  shard?: { index: number; of: number } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: GenerateProgress) => void) | undefined;
  /** Lines worth telling the user: skipped files, warnings, the seed. */
  onLog?: ((line: string) => void) | undefined;
}

export interface GenerateResult {
  outDir: string;
  seed: string;
  seedWasGenerated: boolean;
  count: number;
  width: number;
  height: number;
  rendered: number;
  resumed: number;
  capacity: number;
  deviations: Deviation[];
  provenance: string;
  imageBytes: number;
  /** Lines for the user from the metadata targets: ERC-1155's `{id}` URI for the contract, and such. */
  notes: string[];
}

/**
 * The files the config's targets copy in from the project (`outputs.solana.collection.image`), read relative to the
 * config file; one that cannot be read is a BAD_CONFIG error naming the field and the path.
 */
async function readProjectFiles(config: TraitloomConfig, configPath: string | undefined): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const image = config.outputs?.solana?.collection?.image;
  if (image !== undefined) {
    const path = resolve(configPath ? dirname(configPath) : ".", image);
    try {
      files.set(image, await readFile(path));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new TraitloomError("BAD_CONFIG", `outputs.solana.collection.image: expected the collection image ${path}, found ${code === "ENOENT" ? "nothing there" : `a file it cannot read (${String(code)})`}`);
    }
  }
  return files;
}

/**
 * Reads and validates a traitloom.json, with one-line errors naming the file. A UTF-8 byte-order mark is read past:
 * Windows editors (Notepad, PowerShell's Out-File) write one, and JSON.parse refuses it as a syntax error.
 */
export async function readConfigFile(path: string): Promise<TraitloomConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    const found =
      code === "EISDIR" ? "a folder" : code === "ENOENT" || code === "ENOTDIR" ? "nothing there" : typeof code === "string" ? `a file it cannot read (${code})` : undefined;
    if (found === undefined) throw e;
    throw new TraitloomError("BAD_CONFIG", `${path}: expected a config file, found ${found}`);
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraitloomError("BAD_CONFIG", `${path}: expected JSON, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseConfig(raw, path);
}

/**
 * Planning says how far it is once it has run a second (most plans end well before), then every few seconds: a
 * line each, since onLog takes lines (10,000,000 tokens plan in a few minutes).
 */
const PLAN_PROGRESS_AFTER_MS = 1000;
const PLAN_PROGRESS_EVERY_MS = 3000;

/** Lines about a plan that takes a while: how far each step is, then how long it took (core has no clock: this side keeps it). */
function planningLog(log: (line: string) => void, count: number): { onProgress: (p: PlanProgress) => void; finish: () => void } {
  const start = Date.now();
  let last = start;
  let said = false;
  const seconds = (now: number): string => `${((now - start) / 1000).toFixed(1)} s`;
  return {
    onProgress(p) {
      const now = Date.now();
      if (now - start < PLAN_PROGRESS_AFTER_MS || (said && now - last < PLAN_PROGRESS_EVERY_MS)) return;
      last = now;
      said = true;
      const share = p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : "";
      log(`planning ${formatCount(count)} tokens: ${p.step}${share} (${seconds(now)})`);
    },
    finish() {
      if (said) log(`planned ${formatCount(count)} tokens in ${seconds(Date.now())}`);
    },
  };
}

/** Loads config and layers and plans the collection: everything up to rendering, in milliseconds up to 100,000 tokens. */
export async function prepareCollection(
  options: Pick<GenerateOptions, "layersDir" | "configPath" | "config" | "count" | "seed" | "format" | "compression" | "dialect" | "onLog">,
): Promise<{
  config: TraitloomConfig;
  layersDir: string;
  layerSet: LayerSet;
  settings: CollectionSettings;
  seedWasGenerated: boolean;
  plan: Plan;
  /** The config's 1-of-1s at their ids; the plan holds the other tokens. */
  oneOfOnes: OneOfOnes | undefined;
}> {
  const log = options.onLog ?? (() => undefined);
  const read = options.config ?? (options.configPath ? await readConfigFile(options.configPath) : {});
  const config = options.dialect !== undefined ? { ...read, dialect: options.dialect } : read;
  const layersDir =
    options.layersDir ??
    (config.layersDir !== undefined ? resolve(options.configPath ? dirname(options.configPath) : ".", config.layersDir) : undefined);
  if (layersDir === undefined) {
    throw new TraitloomError("BAD_ARGUMENT", "layersDir: expected a layers folder (argument, or \"layersDir\" in traitloom.json), found none");
  }
  // Rules and fixed counts (config `rules`, `counts`) travel with the layer set into the planner and the input hash.
  const layerSet = withRules(buildLayerSet(await listLayersDir(layersDir), config, options.configPath ?? "config"), config, options.configPath ?? "config");
  if (layerSet.skipped.length > 0) log(`skipped ${layerSet.skipped.length} non-layer file(s): ${layerSet.skipped.join(", ")}`);
  if (layerSet.unusedFolders.length > 0) log(`folders not in the config's layers, not used: ${layerSet.unusedFolders.join(", ")}`);
  if (layerSet.detected) log(`dialect: ${layerSet.detected.dialect} (auto: ${layerSet.detected.reason})`);
  for (const w of layerSet.warnings) log(`warning: ${w}`);
  const seedWasGenerated = options.seed === undefined && config.seed === undefined;
  const seed = options.seed ?? config.seed ?? seedFromEntropy(() => randomBytes(4).readUInt32BE() / 2 ** 32);
  const settings = resolveSettings(config, { count: options.count ?? editionsCount(config), seed, format: options.format, compression: options.compression });
  // WebP with Solana and such are refused before planning; each token's limits are checked by the pipeline.
  const extra = extraTargets(settings);
  if (extra) checkOutputs(extra, { settings, width: 0, height: 0 });
  const oneOfOnes = loadOneOfOnes(config, settings, options.configPath ? dirname(options.configPath) : ".");
  if (oneOfOnes && layerSet.editions) throw new TraitloomError("BAD_CONFIG", ONE_OF_ONES_WITH_EDITIONS);
  if (oneOfOnes) log(`1-of-1s: ${oneOfOnes.placed.map((p) => `${p.one.file} at id ${p.record.id}`).join(", ")}`);
  const planning = planningLog(log, settings.count);
  const plan = planCollection(layerSet, oneOfOnes ? oneOfOnes.generated : settings.count, settings.seed, { onProgress: planning.onProgress });
  planning.finish();
  if (plan.editionCapacities && layerSet.editions) {
    log(`capacity per edition: ${layerSet.editions.map((e, i) => `${e.id} ${formatCount(plan.editionCapacities?.[i] ?? 0)} (${formatCount(e.count)} planned)`).join(", ")}`);
  }
  // The config's re-rolls and bans, as regenerate reports its one token: the combinations and the counts moved.
  for (const t of plan.edits?.tokens ?? []) log(`${t.by.startsWith("ban") ? "banned combination" : "re-rolled"} (${t.by}): token ${t.id}: dna ${t.from} → ${t.to}`);
  for (const m of plan.edits?.moved ?? []) log(`count moved by reroll/ban: ${m.layer} / ${m.trait}: ${m.from} → ${m.to} (expected ${m.expected.toFixed(1)})`);
  for (const d of plan.deviations) {
    log(`rarity moved ${d.rule ? `by ${d.rule}` : "for uniqueness"}: ${d.layer} / ${d.trait}: expected ${d.expected.toFixed(1)}, got ${d.actual}`);
  }
  return { config, layersDir, layerSet, settings, seedWasGenerated, plan, oneOfOnes };
}

/**
 * Render threads for a run: the cores by default, at most twice the cores. More only wait for the same cores and
 * take memory (1,000 threads on 2 cores: 3.5 GB and ten times slower), so a larger number is lowered, with a line.
 */
function workerCount(asked: number | undefined, log: ((line: string) => void) | undefined): number {
  const cores = defaultWorkerCount();
  if (asked === undefined) return cores;
  const most = cores * 2;
  if (asked <= most) return asked;
  log?.(`warning: workers: using ${most} render threads, twice this machine's ${cores} cores, instead of ${asked}`);
  return most;
}

/** A path with symlinks resolved as far as it exists (the rest as given), to compare folders that may not exist yet. */
async function realPathOf(path: string): Promise<string> {
  const full = resolve(path);
  const real = await realpath(full).catch(() => undefined);
  if (real) return real;
  const parent = dirname(full);
  return parent === full ? full : join(await realPathOf(parent), basename(full));
}

/** The collection must not land in the layers folder: the next run would read it as layers (or trip over it). */
async function checkOutsideLayers(outDir: string, layersDir: string): Promise<void> {
  const [out, layers] = await Promise.all([realPathOf(outDir), realPathOf(layersDir)]);
  const rel = relative(layers, out);
  if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) {
    const where = rel === "" ? "the layers folder itself" : `inside the layers folder ${layersDir}`;
    throw new TraitloomError("BAD_ARGUMENT", `-o ${outDir}: expected an output folder outside the layers folder, found ${where}; choose another -o folder`);
  }
}

/**
 * Generates a whole collection into outDir: images/<id>.<ext>, metadata/<id>.json, _metadata.json,
 * manifest.json, rarity.json, rarity.csv. Running it again on the same outDir resumes: tokens whose image
 * hash matches the journal are kept, the rest rendered. Abort (Ctrl-C) stops within a second and throws
 * an ABORTED TraitloomError saying how many tokens are done.
 *
 * This is the CLI's choice of adapters for the one pipeline (src/render/pipeline.ts): worker threads that
 * write straight into the output folder, and the folder sink with its journal.
 */
export async function generateCollection(options: GenerateOptions): Promise<GenerateResult> {
  return generateWith(options);
}

/** generateCollection with the knobs only the benchmark turns (not part of the library's options). */
export async function generateWith(options: GenerateOptions, internal: { bandCache?: boolean } = {}): Promise<GenerateResult> {
  checkShard(options.shard);
  const { config, layersDir, layerSet, settings, seedWasGenerated, plan, oneOfOnes } = await prepareCollection(options);
  await checkOutsideLayers(options.outDir, layersDir);
  const loaded = await loadTraits(layersDir, layerSet, config, options.signal).catch((e: unknown) => {
    // Ctrl-C while traits decode is a stop like any other, not an internal error with a stack trace.
    if (options.signal?.aborted) throw new TraitloomError("ABORTED", `stopped: 0 of ${settings.count} tokens done; nothing was written to ${options.outDir}`);
    throw e;
  });
  const { width, height } = loaded;
  for (const w of loaded.warnings) options.onLog?.(`warning: ${w}`);
  const projectFiles = await readProjectFiles(config, options.configPath);
  const sink = new FolderSink(new NodeFileStore(options.outDir), { overwrite: options.overwrite });
  const backend = new NodeRenderBackend(
    {
      pack: packTraits(loaded.prepared, width, height),
      steps: renderPlanOf(layerSet)?.steps,
      placement: sink.placement,
      format: settings.format,
      compression: settings.compression,
      quality: settings.quality,
      flattenColor: settings.backgroundColor ?? "ffffff",
      bandCache: internal.bandCache,
    },
    workerCount(options.workers, options.onLog),
    // Ctrl-C reaches the workers too: none starts another token, and one being encoded stops between two bands.
    { signal: options.signal },
  );
  try {
    const result = await runCollection(
      { layerSet, settings, width, height, fileHashes: loaded.fileHashes, plan, shard: options.shard, projectFiles, oneOfOnes },
      backend,
      sink,
      { signal: options.signal, onProgress: options.onProgress, onLog: options.onLog },
    );
    return {
      outDir: options.outDir,
      seed: settings.seed,
      seedWasGenerated,
      count: result.count,
      width,
      height,
      rendered: result.rendered,
      resumed: result.resumed,
      capacity: result.capacity,
      deviations: result.deviations,
      provenance: result.provenance,
      imageBytes: result.imageBytes,
      notes: result.notes,
    };
  } finally {
    await backend.close();
  }
}

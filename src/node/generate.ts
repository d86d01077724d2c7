import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { TraitloomConfig } from "../core/config.js";
import { parseConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import type { LayerSet } from "../core/layers.js";
import { buildLayerSet } from "../core/layers.js";
import type { TokenRecord } from "../core/metadata.js";
import { metadataJson, tokenMetadata, tokenRecord } from "../core/metadata.js";
import type { ManifestHeader } from "../core/output.js";
import { TOOL_VERSION, allMetadataChunks, layerSetFingerprint, manifestChunks, manifestEntry, rarityJsonChunks } from "../core/output.js";
import type { Deviation, Plan } from "../core/planner.js";
import { planCollection } from "../core/planner.js";
import { rarityCsv, rarityReport } from "../core/rarity.js";
import type { CollectionSettings, CompressionPreset, ImageFormat } from "../core/settings.js";
import { imageExtensionOf, resolveSettings } from "../core/settings.js";
import { seedFromEntropy } from "../core/rng.js";
import { packTraits } from "../render/pack.js";
import { ensureDir, listLayersDir, removeTempFiles, writeChunksAtomic, writeFailure, writeFileAtomic } from "./files.js";
import { defaultWorkerCount, renderTokens } from "./pool.js";
import type { NodeRenderTask } from "../render/protocol.js";
import { loadTraits } from "./traits.js";

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
  workers?: number | undefined;
  /** Replace a different collection already in outDir instead of refusing. */
  overwrite?: boolean | undefined;
  /** Reuse compressed PNG bands across tokens (default true); false only to measure what it saves. */
  bandCache?: boolean | undefined;
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
}

/** Files in outDir/.traitloom: what the collection is (state.json) and which tokens are done (done.log). */
const STATE_DIR = ".traitloom";
/** Files verified at once when resuming. */
const RESUME_VERIFY_BATCH = 32;

interface RunState {
  tool: "traitloom";
  version: string;
  inputHash: string;
  seed: string;
  count: number;
  /** "i/n" for a shard run. */
  shard?: string | undefined;
}

/** Reads and validates a traitloom.json, with one-line errors naming the file. */
export async function readConfigFile(path: string): Promise<TraitloomConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new TraitloomError("BAD_CONFIG", `${path}: expected a config file, found nothing there`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraitloomError("BAD_CONFIG", `${path}: expected JSON, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseConfig(raw, path);
}

/** Loads config and layers and plans the collection: everything up to rendering, in milliseconds. */
export async function prepareCollection(
  options: Pick<GenerateOptions, "layersDir" | "configPath" | "config" | "count" | "seed" | "format" | "compression" | "onLog">,
): Promise<{
  config: TraitloomConfig;
  layersDir: string;
  layerSet: LayerSet;
  settings: CollectionSettings;
  seedWasGenerated: boolean;
  plan: Plan;
}> {
  const log = options.onLog ?? (() => undefined);
  const config = options.config ?? (options.configPath ? await readConfigFile(options.configPath) : {});
  const layersDir =
    options.layersDir ??
    (config.layersDir !== undefined ? resolve(options.configPath ? dirname(options.configPath) : ".", config.layersDir) : undefined);
  if (layersDir === undefined) {
    throw new TraitloomError("BAD_ARGUMENT", "layersDir: expected a layers folder (argument, or \"layersDir\" in traitloom.json), found none");
  }
  const layerSet = buildLayerSet(await listLayersDir(layersDir), config, options.configPath ?? "config");
  if (layerSet.skipped.length > 0) log(`skipped ${layerSet.skipped.length} non-layer file(s): ${layerSet.skipped.join(", ")}`);
  if (layerSet.unusedFolders.length > 0) log(`folders not in the config's layers, not used: ${layerSet.unusedFolders.join(", ")}`);
  for (const w of layerSet.warnings) log(`warning: ${w}`);
  const seedWasGenerated = options.seed === undefined && config.seed === undefined;
  const seed = options.seed ?? config.seed ?? seedFromEntropy(() => randomBytes(4).readUInt32BE() / 2 ** 32);
  const settings = resolveSettings(config, { count: options.count, seed, format: options.format, compression: options.compression });
  const plan = planCollection(layerSet, settings.count, settings.seed);
  for (const d of plan.deviations) {
    log(`rarity moved for uniqueness: ${d.layer} / ${d.trait}: expected ${d.expected.toFixed(1)}, got ${d.actual}`);
  }
  return { config, layersDir, layerSet, settings, seedWasGenerated, plan };
}

/**
 * The sha256 of every token's image, by position: 32 bytes each in one buffer (3.2 MB at 100,000 tokens)
 * instead of 100,000 hex strings on the heap (about 10 MB), so memory barely grows with the collection.
 */
class ImageHashes {
  private readonly bytes: Buffer;
  private readonly present: Uint8Array;
  constructor(count: number) {
    this.bytes = Buffer.alloc(count * 32);
    this.present = new Uint8Array(count);
  }
  set(i: number, hex: string): void {
    this.bytes.write(hex, i * 32, 32, "hex");
    this.present[i] = 1;
  }
  has(i: number): boolean {
    return this.present[i] === 1;
  }
  get(i: number): string | undefined {
    return this.has(i) ? this.bytes.toString("hex", i * 32, i * 32 + 32) : undefined;
  }
  *known(): Generator<[number, string]> {
    for (let i = 0; i < this.present.length; i++) {
      const hash = this.get(i);
      if (hash) yield [i, hash];
    }
  }
}

function* mapIterable<T, R>(items: Iterable<T>, fn: (item: T) => R): Generator<R> {
  for (const item of items) yield fn(item);
}

async function fileSha256(path: string): Promise<string | undefined> {
  try {
    return createHash("sha256").update(await readFile(path)).digest("hex");
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Generates a whole collection into outDir: images/<id>.<ext>, metadata/<id>.json, _metadata.json,
 * manifest.json, rarity.json, rarity.csv. Running it again on the same outDir resumes: tokens whose image
 * hash matches the journal are kept, the rest rendered. Abort (Ctrl-C) stops within a second and throws
 * an ABORTED TraitloomError saying how many tokens are done.
 */
export async function generateCollection(options: GenerateOptions): Promise<GenerateResult> {
  const shard = options.shard;
  if (shard && (!Number.isInteger(shard.index) || !Number.isInteger(shard.of) || shard.of < 1 || shard.index < 1 || shard.index > shard.of)) {
    throw new TraitloomError("BAD_ARGUMENT", `--shard: expected i/n with 1 <= i <= n, found ${shard.index}/${shard.of}`);
  }
  const log = options.onLog ?? (() => undefined);
  const { config, layersDir, layerSet, settings, seedWasGenerated, plan } = await prepareCollection(options);
  const N = settings.count;
  const loaded = await loadTraits(layersDir, layerSet, config, options.signal).catch((e: unknown) => {
    // Ctrl-C while traits decode is a stop like any other, not an internal error with a stack trace.
    if (options.signal?.aborted) throw new TraitloomError("ABORTED", `stopped: 0 of ${N} tokens done; nothing was written to ${options.outDir}`);
    throw e;
  });
  const { width, height } = loaded;
  const ext = imageExtensionOf(settings.format);

  const settingsJson = JSON.stringify({ ...settings, width, height });
  const configHash = createHash("sha256").update(settingsJson).digest("hex");
  const inputHash = createHash("sha256")
    .update(JSON.stringify([TOOL_VERSION, settingsJson, layerSetFingerprint(layerSet), loaded.fileHashes]))
    .digest("hex");

  const outDir = options.outDir;
  const imagesDir = join(outDir, "images");
  const metadataDir = join(outDir, "metadata");
  const stateDir = join(outDir, STATE_DIR);
  const statePath = join(stateDir, "state.json");
  const journalPath = join(stateDir, "done.log");

  const outStat = await stat(outDir).catch(() => undefined);
  if (outStat && !outStat.isDirectory()) {
    throw new TraitloomError("OUTPUT_CONFLICT", `${outDir}: expected an output folder, found a file; choose another -o folder`);
  }
  let previous: RunState | undefined;
  try {
    previous = JSON.parse(await readFile(statePath, "utf8")) as RunState;
  } catch {
    previous = undefined;
  }
  // Shards split tokens by position into equal blocks, so every shard of a plan agrees on who renders what.
  const first = shard ? Math.floor((N * (shard.index - 1)) / shard.of) : 0;
  const end = shard ? Math.floor((N * shard.index) / shard.of) : N;
  const total = end - first;
  const shardKey = shard ? `${shard.index}/${shard.of}` : undefined;
  const sameCollection = previous?.inputHash === inputHash && previous.shard === shardKey;
  if (!sameCollection) {
    const occupied = previous !== undefined || (await exists(imagesDir)) || (await exists(metadataDir));
    if (occupied && !options.overwrite) {
      const what = previous
        ? `a different collection (seed "${previous.seed}", ${previous.count} tokens${previous.shard ? `, shard ${previous.shard}` : ""})`
        : "images/ or metadata/ from another tool";
      throw new TraitloomError(
        "OUTPUT_CONFLICT",
        `${outDir}: expected an empty folder or this collection's earlier run, found ${what}; choose another -o folder or pass --overwrite to replace it`,
      );
    }
    if (occupied) {
      for (const p of [imagesDir, metadataDir, stateDir]) await rm(p, { recursive: true, force: true });
      for (const f of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"]) await rm(join(outDir, f), { force: true });
    }
  }
  await ensureDir(outDir);
  await Promise.all([ensureDir(imagesDir), ensureDir(metadataDir), ensureDir(stateDir)]);
  // A run killed between writing a temp file and renaming it leaves the temp file behind: never part of the output.
  await Promise.all([outDir, imagesDir, metadataDir, stateDir].map((dir) => removeTempFiles(dir)));
  const tempRoot = join(stateDir, "tmp");
  await rm(tempRoot, { recursive: true, force: true });

  // Token records are cheap to derive from the plan: made when needed, never held for the whole collection.
  const recordAt = (i: number): TokenRecord => tokenRecord(layerSet, plan, i, settings);
  const records = function* (from = 0, to = N): Generator<TokenRecord> {
    for (let i = from; i < to; i++) yield recordAt(i);
  };
  const imageHashes = new ImageHashes(N);
  let resumed = 0;
  if (sameCollection) {
    const journal = await readFile(journalPath, "utf8").catch(() => "");
    const claimed = new Map<number, string>();
    for (const line of journal.split("\n")) {
      const m = /^(\d+) ([0-9a-f]{64})$/.exec(line);
      if (m?.[1] && m[2]) claimed.set(Number(m[1]), m[2]);
    }
    const verify = async (i: number): Promise<void> => {
      const token = recordAt(i);
      const want = claimed.get(token.id);
      if (!want) return;
      const [have, meta] = await Promise.all([
        fileSha256(join(imagesDir, `${token.id}.${ext}`)),
        readFile(join(metadataDir, `${token.id}.json`), "utf8").catch(() => undefined),
      ]);
      if (have === want && meta === metadataJson(tokenMetadata(token, settings))) {
        imageHashes.set(i, want);
        resumed++;
      }
    };
    for (let i = first; i < end; i += RESUME_VERIFY_BATCH) {
      const batch: Array<Promise<void>> = [];
      for (let k = i; k < Math.min(end, i + RESUME_VERIFY_BATCH); k++) batch.push(verify(k));
      await Promise.all(batch);
    }
    if (resumed > 0) log(`resuming: ${resumed} of ${total} tokens already done in ${outDir}`);
  }
  const state: RunState = { tool: "traitloom", version: TOOL_VERSION, inputHash, seed: settings.seed, count: N, shard: shardKey };
  await writeFileAtomic(statePath, `${JSON.stringify(state, null, 2)}\n`);
  // The journal is rewritten with what was verified, then appended to as tokens finish.
  await writeChunksAtomic(
    journalPath,
    mapIterable(imageHashes.known(), ([i, hash]) => `${settings.startId + i} ${hash}\n`),
  );

  const todo = function* (): Generator<NodeRenderTask> {
    for (let i = first; i < end; i++) {
      if (imageHashes.has(i)) continue;
      const token = recordAt(i);
      yield { id: token.id, traits: token.dna.split("-").map(Number), metadata: metadataJson(tokenMetadata(token, settings)) };
    }
  };
  let done = resumed;
  let imageBytes = 0;
  options.onProgress?.({ done, total, resumed });
  let journal: number;
  try {
    journal = openSync(journalPath, "a");
  } catch (e) {
    throw writeFailure(e, journalPath, "the run's journal");
  }
  try {
    await renderTokens(
      {
        pack: packTraits(loaded.prepared, width, height),
        imagesDir,
        metadataDir,
        tempRoot,
        extension: ext,
        format: settings.format,
        compression: settings.compression,
        quality: settings.quality,
        flattenColor: settings.backgroundColor ?? "ffffff",
        bandCache: options.bandCache,
      },
      todo(),
      {
        workers: options.workers ?? defaultWorkerCount(),
        signal: options.signal,
        onRendered: (r) => {
          const i = r.id - settings.startId;
          imageHashes.set(i, r.sha256);
          imageBytes += r.bytes;
          try {
            writeSync(journal, `${r.id} ${r.sha256}\n`);
          } catch (e) {
            throw writeFailure(e, journalPath, "the run's journal");
          }
          done++;
          options.onProgress?.({ done, total, resumed });
        },
      },
    );
  } catch (e) {
    // A refused write (disk full, say) stops the run like Ctrl-C: what is done stays done, the rest resumes.
    if (e instanceof TraitloomError && e.code === "WRITE_FAILED") {
      throw new TraitloomError("WRITE_FAILED", `${e.message}; ${done} of ${total} tokens are done in ${outDir}: fix that and run the same command again to resume`);
    }
    throw e;
  } finally {
    closeSync(journal);
    await rm(tempRoot, { recursive: true, force: true });
  }
  if (options.signal?.aborted || done < total) {
    throw new TraitloomError("ABORTED", `stopped: ${done} of ${total} tokens done in ${outDir}; run the same command again to resume`);
  }

  await writeChunksAtomic(join(outDir, "_metadata.json"), allMetadataChunks(mapIterable(records(), (t) => tokenMetadata(t, settings))));
  const header: ManifestHeader = { seed: settings.seed, count: N, startId: settings.startId, width, height, format: settings.format, configHash, inputHash };
  let provenance = "";
  const manifestTokens = mapIterable(records(first, end), (token) => manifestEntry(token, imageHashes.get(token.id - settings.startId) ?? ""));
  const shardInfo = shard ? { index: shard.index, of: shard.of, firstId: settings.startId + first, lastId: settings.startId + end - 1 } : undefined;
  await writeChunksAtomic(join(outDir, "manifest.json"), manifestChunks(header, manifestTokens, (p) => (provenance = p), shardInfo));
  const rarity = rarityReport(layerSet, plan);
  await writeChunksAtomic(join(outDir, "rarity.json"), rarityJsonChunks(rarity, (i) => settings.startId + i));
  await writeFileAtomic(join(outDir, "rarity.csv"), rarityCsv(rarity));

  return {
    outDir,
    seed: settings.seed,
    seedWasGenerated,
    count: N,
    width,
    height,
    rendered: done - resumed,
    resumed,
    capacity: plan.capacity,
    deviations: plan.deviations,
    provenance,
    imageBytes,
  };
}

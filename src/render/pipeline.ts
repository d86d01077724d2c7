/**
 * The one collection pipeline of the CLI and the studio: plan → input and config hashes → resume filter →
 * micro-batches to a RenderBackend → tokens to a CollectionSink → _metadata.json, manifest.json, rarity.json,
 * rarity.csv. It does no I/O of its own: the backend (Node worker threads, browser Web Workers) renders, the sink
 * (a folder on disk, a ZIP in browser storage, a folder the user picked, memory) stores. Every capability written
 * here exists in both the CLI and the studio.
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { TraitloomError, isTraitloomError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { renderPlanOf } from "../core/draw.js";
import type { LayerSet } from "../core/layers.js";
import { metadataJson, tokenMetadata, tokenRecord, type TokenMetadata, type TokenRecord } from "../core/metadata.js";
import type { OneOfOnes } from "../core/oneOfOnes.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  TOOL_VERSION,
  allMetadataChunks,
  collectionHashes,
  manifestChunks,
  manifestEntry,
  provenanceVariants,
  rarityJsonChunks,
  type HistoryEntry,
  type ManifestHeader,
  type PackRecord,
} from "../core/output.js";
import { planCollection, type Deviation, type Plan } from "../core/planner.js";
import { applyHistory } from "../core/edit.js";
import { rarityAttributes, rarityCsv, rarityReport, type RarityReport } from "../core/rarity.js";
import { imageExtensionOf, metadataSettingsOf, type CollectionSettings } from "../core/settings.js";
import { checkOutputs, collectionFiles, enabledTargets, tokenFiles, type OutputsConfig, type TargetCollection, type TargetFile } from "../core/targets/index.js";

/** A token ready to render: its traits, where its files go in the collection, and its metadata file's bytes. */
export interface PlannedToken {
  /** 0-based position in the collection (output order). */
  index: number;
  id: number;
  /** Trait index per layer. */
  traits: number[];
  /**
   * What to draw, bottom first, as indices of the render plan's steps (core/draw.ts renderPlanOf), where the layer
   * set has one (parts, z, blend, variants); absent for a flat set: one trait per layer, in layer order.
   */
  draw?: number[] | undefined;
  /** Path of the image in the collection, e.g. "images/1.png". */
  image: string;
  /** Path of the metadata file, e.g. "metadata/1.json". */
  metadataPath: string;
  /** The bytes of the metadata file. */
  metadata: string;
  /**
   * The other targets' files of this token (`outputs` besides erc721: Solana's `solana/assets/0.json`, ERC-1155's
   * hex-named JSON, …), which the sink writes beside the image and metadata. Absent for erc721 alone.
   */
  targetFiles?: TargetFile[] | undefined;
  /** Where the other targets need a copy of the image (`solana/assets/0.png`, `erc1155/images/<64 hex>.png`): same bytes. */
  imageCopies?: string[] | undefined;
  /** The token's number in the Solana assets folder (its 0-based position), where that target is written. */
  solanaAsset?: number | undefined;
}

export interface RenderedToken {
  index: number;
  /** sha256 of the image file, hex. */
  sha256: string;
  /** Size of the image file. */
  bytes: number;
  /** The encoded image, unless the backend wrote it into the sink's folder itself (`CollectionSink.placement`). */
  image?: Uint8Array | undefined;
  /** CRC-32 of the image where the backend computed it (a ZIP needs it). */
  crc32?: number | undefined;
}

/** Renders planned tokens to encoded images and their hashes. */
export interface RenderBackend {
  /** How many batches to keep in flight so no worker waits (e.g. two per worker). */
  readonly slots: number;
  /** Tokens per batch: enough to amortise messages, few enough for a prompt stop. */
  readonly batchTokens: number;
  renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]>;
}

/** What a run is, as a sink records it to recognise the same collection when asked to resume. */
export interface RunIdentity {
  tool: "traitloom";
  version: string;
  inputHash: string;
  seed: string;
  count: number;
  /** "i/n" for a shard run. */
  shard?: string | undefined;
}

/** A disk folder a backend may write token files into directly, skipping a copy through the pipeline. */
export interface FolderPlacement {
  /** The collection's folder. */
  root: string;
  /** A folder on the same file system for temp files, renamed into place. */
  tempRoot: string;
}

/** Where a collection is stored. */
export interface CollectionSink {
  /** Where the collection goes, for messages ("out/demo"). */
  readonly location: string;
  /** Set where the sink is a disk folder a backend may write into directly. */
  readonly placement?: FolderPlacement | undefined;
  /**
   * Prepares the sink for this run and says what it already holds of it: the verified image hash of every token
   * of `first`..`end` kept from an earlier run of the same collection (`token(i)` gives what each must be).
   */
  open(run: RunIdentity, range: { first: number; end: number }, token: (index: number) => PlannedToken): Promise<Array<[number, string]>>;
  /** Stores one token's image and metadata (or records them, where the backend placed them). */
  putToken(token: PlannedToken, rendered: RenderedToken): void | Promise<void>;
  /** Stores a collection file, streamed as string chunks. */
  putFile(name: string, chunks: Iterable<string>): Promise<void>;
  /** Stores a file of bytes the collection carries from the user's project (Solana's collection image). */
  putBytes(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * What manifest.json of an earlier run of the collection `inputHash` names says beyond the tokens, to carry on:
   * its history (update, regenerate, extend) and pack record, with the metadataHash the pack was made under.
   */
  previousManifest?(inputHash: string): Promise<{ history?: HistoryEntry[] | undefined; pack?: PackRecord | undefined; metadataHash?: string | undefined } | undefined>;
  /** The bytes of an image the collection holds (the keccak-256 provenance reads back images it did not see). */
  readImage?(path: string): Promise<Uint8Array | undefined>;
  /** Completes the collection. */
  finish(): Promise<void>;
  /** Releases what the sink holds after a stop or failure, keeping what is done for a resume. */
  close(): Promise<void>;
}

export interface CollectionInput {
  layerSet: LayerSet;
  settings: CollectionSettings;
  width: number;
  height: number;
  /** sha256 of every trait file, [layer][trait]: the inputHash covers the art, not only its names. */
  fileHashes: string[][];
  /** The plan, where the caller made it already (to fail on capacity before decoding anything). */
  plan?: Plan | undefined;
  /** Render only share `index` (1-based) of `of` equal parts of the planned collection. */
  shard?: { index: number; of: number } | undefined;
  /**
   * Files the targets copy in from the user's project (`outputs.solana.collection.image`), by the path the config
   * gives: the caller reads them (core does no I/O). One that a target needs and is missing here is an error.
   */
  projectFiles?: ReadonlyMap<string, Uint8Array> | undefined;
  /** Hand-made tokens at their ids (core/oneOfOnes.ts): the plan then holds the other `oneOfOnes.generated` tokens. */
  oneOfOnes?: OneOfOnes | undefined;
  /** manifest.json's history to carry on (what update, regenerate and extend did). */
  history?: HistoryEntry[] | undefined;
}

export interface RunProgress {
  done: number;
  total: number;
  /** Tokens kept from an earlier, interrupted run of the same collection. */
  resumed: number;
}

export interface RunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: RunProgress) => void) | undefined;
  onLog?: ((line: string) => void) | undefined;
}

export interface RunResult {
  plan: Plan;
  rarity: RarityReport;
  count: number;
  rendered: number;
  resumed: number;
  capacity: number;
  deviations: Deviation[];
  provenance: string;
  /** Bytes of the images rendered by this run. */
  imageBytes: number;
  configHash: string;
  inputHash: string;
  metadataHash: string;
  /** Lines for the user once the run is done: ERC-1155's `{id}` URI for the contract, and such. */
  notes: string[];
}

/** Where a token's files go in the collection. */
export function tokenPaths(id: number, settings: Pick<CollectionSettings, "format">): { image: string; metadataPath: string } {
  return { image: `images/${id}.${imageExtensionOf(settings.format)}`, metadataPath: `metadata/${id}.json` };
}

/**
 * The targets besides erc721 (`metadata/<id>.json`, which every collection has: `_metadata.json`, resume, `update`
 * and `pack` read it), or undefined where there are none.
 */
export function extraTargets(settings: Pick<CollectionSettings, "outputs">): OutputsConfig | undefined {
  const outputs = settings.outputs;
  if (outputs === undefined) return undefined;
  const { erc721: _erc721, ...rest } = outputs;
  return enabledTargets(rest).length > 0 ? rest : undefined;
}

/**
 * Token `index` of the plan, ready to render; with `outputs` beyond erc721 also every other target's files of it.
 * `canvas` is the collection's size (Tezos records it in `formats`).
 */
export function plannedToken(
  layerSet: LayerSet,
  plan: Plan,
  settings: CollectionSettings,
  index: number,
  canvas: { width: number; height: number } = { width: 0, height: 0 },
  rarity?: Pick<RarityReport, "scores" | "ranks">,
): PlannedToken {
  const record = tokenRecordAt(layerSet, plan, settings, index, rarity);
  const traits = record.dna.split("-").map(Number);
  const token: PlannedToken = { index, traits, ...tokenFilesOf(record, index, settings, canvas) };
  const render = renderPlanOf(layerSet);
  if (render) token.draw = render.drawList(traits);
  return token;
}

/**
 * The files of one token record at position `index`: its paths, its erc721 metadata, and every other target's files
 * and image copies. What plannedToken renders, and what `traitloom update` rewrites from the manifest's records.
 */
export function tokenFilesOf(record: TokenRecord, index: number, settings: CollectionSettings, canvas: { width: number; height: number }): Omit<PlannedToken, "index" | "traits"> {
  const paths = tokenPaths(record.id, settings);
  const token: Omit<PlannedToken, "index" | "traits"> = { id: record.id, ...paths, metadata: metadataJson(tokenMetadata(record, settings)) };
  const extra = extraTargets(settings);
  if (extra) {
    const targetFiles: TargetFile[] = [];
    const imageCopies: string[] = [];
    for (const out of tokenFiles(extra, { settings, ...canvas }, { token: record, index })) {
      targetFiles.push(...out.files);
      if (out.image !== paths.image && !imageCopies.includes(out.image)) imageCopies.push(out.image);
      if (out.assetIndex !== undefined) token.solanaAsset = out.assetIndex;
    }
    token.targetFiles = targetFiles;
    token.imageCopies = imageCopies;
  }
  return token;
}

/** Token `index`'s record, with the rarity attributes `settings.rarity.attributes` asks for. */
export function tokenRecordAt(layerSet: LayerSet, plan: Plan, settings: CollectionSettings, index: number, rarity?: Pick<RarityReport, "scores" | "ranks">): TokenRecord {
  const record = tokenRecord(layerSet, plan, index, settings);
  const extra = rarity ? rarityAttributes(rarity, index, settings.rarity?.attributes) : [];
  if (extra.length > 0) record.extraAttributes = extra;
  return record;
}

/** Every target's metadata files of a token: erc721's and the others', path → text (what update and resume compare). */
export function tokenTextFiles(token: Pick<PlannedToken, "metadataPath" | "metadata" | "targetFiles">): TargetFile[] {
  return [{ path: token.metadataPath, text: token.metadata }, ...(token.targetFiles ?? [])];
}

/**
 * The sha256 of every token's image, by position: 32 bytes each in one buffer (3.2 MB at 100,000 tokens)
 * instead of 100,000 hex strings on the heap, so memory barely grows with the collection.
 */
class ImageHashes {
  private readonly bytes: Uint8Array;
  private readonly present: Uint8Array;
  constructor(count: number) {
    this.bytes = new Uint8Array(count * 32);
    this.present = new Uint8Array(count);
  }
  set(i: number, hex: string): void {
    this.bytes.set(hexToBytes(hex), i * 32);
    this.present[i] = 1;
  }
  has(i: number): boolean {
    return this.present[i] === 1;
  }
  get(i: number): string | undefined {
    return this.has(i) ? bytesToHex(this.bytes.subarray(i * 32, i * 32 + 32)) : undefined;
  }
}

function* indexes(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

function* mapIterable<T, R>(items: Iterable<T>, fn: (item: T) => R): Generator<R> {
  for (const item of items) yield fn(item);
}

/** Checks `--shard i/n` before anything else is done. */
export function checkShard(shard: { index: number; of: number } | undefined): void {
  if (shard && (!Number.isInteger(shard.index) || !Number.isInteger(shard.of) || shard.of < 1 || shard.index < 1 || shard.index > shard.of)) {
    throw new TraitloomError("BAD_ARGUMENT", `--shard: expected i/n with 1 <= i <= n, found ${shard.index}/${shard.of}`);
  }
}

/**
 * Runs a whole collection (or one shard of it) from `backend` into `sink`. Tokens the sink already holds from an
 * earlier run of the same collection are kept. On abort it stops handing out work, lets batches in flight finish
 * and throws an ABORTED TraitloomError saying how many tokens are done; a refused write (WRITE_FAILED) stops it
 * the same way, with what is done kept for a resume.
 */
export async function runCollection(input: CollectionInput, backend: RenderBackend, sink: CollectionSink, options: RunOptions = {}): Promise<RunResult> {
  const { layerSet, settings, shard } = input;
  checkShard(shard);
  const log = options.onLog ?? (() => undefined);
  const ones = input.oneOfOnes;
  const basePlan = input.plan ?? planCollection(layerSet, ones ? ones.generated : settings.count, settings.seed);
  // 1-of-1s: their images and metadata are inputs too (unchanged without them).
  const fileHashes = ones ? [...input.fileHashes, ones.fingerprint()] : input.fileHashes;
  const { configHash, inputHash, metadataHash } = collectionHashes(settings, input.width, input.height, layerSet, fileHashes);
  // What regenerate and extend did to this collection (manifest.json's history) is applied on top of the seed's plan.
  const previous = await sink.previousManifest?.(inputHash);
  const history = input.history ?? previous?.history;
  const edited = history?.some((h) => h.command !== "update") === true;
  if (shard && edited) throw new TraitloomError("BAD_ARGUMENT", "--shard: expected a collection without regenerated or extended tokens, found some in its manifest's history");
  if (ones && edited) throw new TraitloomError("BAD_ARGUMENT", "oneOfOnes: expected a collection without regenerated or extended tokens, found some in its manifest's history (not supported together yet)");
  const plan = applyHistory(layerSet, basePlan, history);
  const N = settings.count + (plan.count - basePlan.count);
  // Rarity comes from the plan alone: known before rendering, so rank, score and tier can be in every token's metadata.
  const rarity = rarityReport(layerSet, plan, settings.rarity?.method ?? "openrarity", settings.noneTraitNames);
  // Shards split tokens by position into equal blocks, so every shard of a plan agrees on who renders what.
  const first = shard ? Math.floor((N * (shard.index - 1)) / shard.of) : 0;
  const end = shard ? Math.floor((N * shard.index) / shard.of) : N;
  const total = end - first;
  const canvas = { width: input.width, height: input.height };
  // Collection index i → the plan's token, or the 1-of-1 placed there (the plan's tokens keep their ids around them).
  const generatedAt = (i: number): { p: number; at: CollectionSettings } => {
    const p = ones ? ones.planIndex(i) : i;
    return { p, at: p === i ? settings : { ...settings, startId: settings.startId + i - p } };
  };
  const recordAt = (i: number): TokenRecord => {
    const one = ones?.at(i);
    if (one) return one.record;
    const { p, at } = generatedAt(i);
    return tokenRecordAt(layerSet, plan, at, p, rarity);
  };
  const metadataAt = (i: number): TokenMetadata => ones?.at(i)?.metadata ?? tokenMetadata(recordAt(i), settings);
  const token = (i: number): PlannedToken => {
    const one = ones?.at(i);
    if (one) return { index: i, id: one.record.id, traits: [], ...tokenPaths(one.record.id, settings), metadata: metadataJson(one.metadata) };
    const { p, at } = generatedAt(i);
    return { ...plannedToken(layerSet, plan, at, p, canvas, rarity), index: i };
  };
  // Every target's limits (Solana's 32-byte names, WebP refused for Solana, …) before anything is rendered.
  const extra = extraTargets(settings);
  if (extra && ones) throw new TraitloomError("BAD_CONFIG", `oneOfOnes: expected outputs to be erc721 alone with 1-of-1s, found ${Object.keys(extra).join(", ")} (1-of-1s in other targets are not supported yet)`);
  const targetCollection: TargetCollection = { settings, ...canvas };
  if (extra) checkOutputs(extra, targetCollection, mapIterable(indexes(first, end), (index) => ({ token: recordAt(index), index })));
  const identity: RunIdentity = { tool: "traitloom", version: TOOL_VERSION, inputHash, seed: settings.seed, count: settings.count, shard: shard ? `${shard.index}/${shard.of}` : undefined };

  const hashes = new ImageHashes(N);
  const keccak = settings.provenance?.keccak256 ? new ImageHashes(N) : undefined;
  let done = 0;
  let imageBytes = 0;
  let rendering = false;
  try {
    // A pack's CIDs hold while the metadata is what was packed: another metadataHash makes them stale.
    const pack = previous?.metadataHash === metadataHash ? previous.pack : undefined;
    for (const [i, hash] of await sink.open(identity, { first, end }, token)) hashes.set(i, hash);
    const resumed = countHeld(hashes, first, end);
    if (resumed > 0) log(`resuming: ${resumed} of ${total} tokens already done in ${sink.location}`);
    done = resumed;
    options.onProgress?.({ done, total, resumed });

    let next = first;
    let failure: unknown;
    const nextBatch = (): PlannedToken[] | undefined => {
      const batch: PlannedToken[] = [];
      while (batch.length < backend.batchTokens && next < end && !options.signal?.aborted && failure === undefined) {
        if (!hashes.has(next)) batch.push(token(next));
        next++;
      }
      return batch.length > 0 ? batch : undefined;
    };
    const slot = async (): Promise<void> => {
      for (let batch = nextBatch(); batch; batch = nextBatch()) {
        // A 1-of-1's image is the file as given, so it goes straight to the sink.
        const own: RenderedToken[] = [];
        for (const t of batch) {
          const one = ones?.at(t.index)?.one;
          if (one) own.push({ index: t.index, sha256: one.sha256, bytes: one.bytes.length, image: one.bytes });
        }
        const rest = own.length > 0 ? batch.filter((t) => !ones?.at(t.index)) : batch;
        const results = [...own, ...(rest.length > 0 ? await backend.renderBatch(rest) : [])];
        for (const r of results) {
          const t = batch.find((b) => b.index === r.index);
          if (!t) throw new Error(`render backend answered for token index ${r.index}, which its batch did not hold`);
          await sink.putToken(t, r);
          hashes.set(r.index, r.sha256);
          if (keccak && r.image) keccak.set(r.index, bytesToHex(keccak_256(r.image)));
          imageBytes += r.bytes;
          done++;
          options.onProgress?.({ done, total, resumed });
        }
      }
    };
    rendering = true;
    const slots = Array.from({ length: Math.max(1, backend.slots) }, () =>
      slot().catch((e: unknown) => {
        failure ??= e;
      }),
    );
    await Promise.all(slots);
    if (failure !== undefined) throw failure;
    rendering = false;
    // A stop heard after the last token (Ctrl-C as the run ends) has nothing left to stop: the collection files are
    // written, or the folder would hold every token and no collection.
    if (done < total) {
      throw new TraitloomError("ABORTED", `stopped: ${done} of ${total} tokens done in ${sink.location}; run the same command again to resume`);
    }

    // keccak-256 of the images this run did not see (kept from an earlier run, or written by the backend itself).
    if (keccak) {
      for (let i = first; i < end; i++) {
        if (keccak.has(i)) continue;
        const path = token(i).image;
        const bytes = await sink.readImage?.(path);
        if (!bytes) throw new TraitloomError("WRITE_FAILED", `${sink.location}/${path}: expected to read the image back for the keccak-256 provenance, found nothing`);
        keccak.set(i, bytesToHex(keccak_256(bytes)));
      }
    }
    await sink.putFile("_metadata.json", allMetadataChunks(mapIterable(indexes(0, N), metadataAt)));
    const header: ManifestHeader = {
      seed: settings.seed,
      count: N,
      startId: settings.startId,
      width: input.width,
      height: input.height,
      format: settings.format,
      configHash,
      inputHash,
      // Written only where `outputs` names targets, so a collection without them has no such key.
      outputs: settings.outputs ? enabledTargets(settings.outputs) : undefined,
      metadataHash,
      metadataSettings: metadataSettingsOf(settings),
      history,
      pack,
    };
    const solana = settings.outputs?.solana !== undefined;
    let provenance = "";
    const entries = mapIterable(indexes(first, end), (i) => {
      const t = recordAt(i);
      // Sugar's assets are numbered by position from 0 whatever the ids: the manifest keeps id ↔ asset.
      return manifestEntry(t, hashes.get(i) ?? "", sha256Hex(metadataJson(metadataAt(i))), solana ? { solana: i } : undefined);
    });
    // A shard of no token (more shards than tokens: -n 2 in 3) is the empty range lastId = firstId - 1, as stored.ts reads it.
    const shardInfo = shard ? { index: shard.index, of: shard.of, firstId: settings.startId + first, lastId: settings.startId + end - 1 } : undefined;
    const variants = shard ? {} : provenanceVariants(N, settings.provenance, (i) => hashes.get(i) ?? "", (i) => keccak?.get(i) ?? "");
    await sink.putFile("manifest.json", manifestChunks(header, entries, (p) => (provenance = p), shardInfo, variants));
    // Trait rarity is the generated tokens' (1-of-1s are left out of it), each under its own id.
    await sink.putFile("rarity.json", rarityJsonChunks(rarity, (i) => settings.startId + (ones ? ones.indexOfPlan(i) : i)));
    await sink.putFile("rarity.csv", [rarityCsv(rarity)]);
    const notes: string[] = [];
    if (extra) {
      for (const out of collectionFiles(extra, targetCollection)) {
        for (const f of out.files) await sink.putFile(f.path, [f.text]);
        for (const c of out.copies) {
          const bytes = input.projectFiles?.get(c.from);
          if (!bytes) throw new TraitloomError("BAD_CONFIG", `outputs.${out.target}: expected the ${c.what} ${c.from}, found no such file`);
          await sink.putBytes(c.path, bytes);
        }
        notes.push(...out.notes);
      }
    }
    await sink.finish();
    return {
      plan,
      rarity,
      count: N,
      rendered: done - resumed,
      resumed,
      capacity: plan.capacity,
      deviations: plan.deviations,
      provenance,
      imageBytes,
      configHash,
      inputHash,
      metadataHash,
      notes,
    };
  } catch (e) {
    await sink.close();
    // A refused write (disk full, say) stops the run like Ctrl-C: what is done stays done, the rest resumes.
    if (rendering && isTraitloomError(e) && e.code === "WRITE_FAILED") {
      throw new TraitloomError("WRITE_FAILED", `${e.message}; ${done} of ${total} tokens are done in ${sink.location}: fix that and run the same command again to resume`);
    }
    throw e;
  }
}

function countHeld(hashes: ImageHashes, first: number, end: number): number {
  let n = 0;
  for (let i = first; i < end; i++) if (hashes.has(i)) n++;
  return n;
}

import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { TraitloomError } from "../core/errors.js";
import type { ManifestEntry, ManifestHeader, ProvenanceVariants, ShardInfo } from "../core/output.js";
import { manifestChunks, provenanceVariants } from "../core/output.js";
import { imageExtensionOf, type CollectionSettings } from "../core/settings.js";
import { collectionFiles, TARGET_NAMES } from "../core/targets/index.js";
import type { TokenRecord } from "../core/metadata.js";
import { extraTargets, tokenFilesOf } from "../render/pipeline.js";
import { collectionOfManifest } from "../render/update.js";
import type { StoredManifest } from "../core/stored.js";
import { parseManifest } from "../core/stored.js";
import { ensureDir, writeChunksAtomic, writeFailure } from "./files.js";

/** The files every shard writes whole (they depend on the plan, not on images): identical across shards. */
const COLLECTION_FILES = ["_metadata.json", "rarity.json", "rarity.csv"] as const;
/** What a Traitloom output folder holds: --overwrite replaces a folder of only these, never one with other files. */
const COLLECTION_ENTRIES = new Set<string>(["manifest.json", ...COLLECTION_FILES, "images", "metadata", ".traitloom", ...TARGET_NAMES.filter((t) => t !== "erc721")]);
/** Tokens verified and copied at once. */
const COPY_BATCH = 32;
/** The temp folders beside the output: ".<name>.merge-<pid>.tmp" (being filled) and ".<name>.merge-old-<pid>.tmp" (the replaced folder). */
const MERGE_TEMP_RE = /^\.(.+)\.merge-(?:old-)?(\d+)\.tmp$/;

interface Shard {
  dir: string;
  path: string;
  manifest: StoredManifest;
  /** The manifest's shard field; a whole run's manifest counts as shard 1 of 1. */
  info: ShardInfo;
}

export interface MergeResult {
  outDir: string;
  count: number;
  shards: number;
  provenance: string;
}

const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

async function readShard(dir: string): Promise<Shard> {
  const path = join(dir, "manifest.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new TraitloomError("BAD_ARGUMENT", `${path}: expected the manifest of a finished generate run, found none`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraitloomError("BAD_ARGUMENT", `${path}: expected the JSON of a manifest, received a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  const manifest = parseManifest(raw, path);
  // Provenance as manifestChunks writes it: sha256 over the tokens' image hashes in order. A mismatch is an edited token list.
  const provenance = createHash("sha256");
  for (const t of manifest.tokens) provenance.update(t.image);
  const have = provenance.digest("hex");
  if (have !== manifest.provenance) {
    throw new TraitloomError("BAD_ARGUMENT", `${path}: provenance: expected ${have.slice(0, 16)}… (the sha256 of its tokens' image hashes), received ${manifest.provenance.slice(0, 16)}…`);
  }
  const info = manifest.shard ?? { index: 1, of: 1, firstId: manifest.startId, lastId: manifest.startId + manifest.count - 1 };
  return { dir, path, manifest, info };
}

/** Refuses shards of different collections, tokens given twice or not at all, and shard fields that do not add up. */
function checkShards(shards: readonly Shard[]): Map<number, { shard: Shard; entry: ManifestEntry }> {
  const first = shards[0];
  if (!first) throw new Error("unreachable");
  const ref = first.manifest;
  for (const { path, manifest: m } of shards) {
    const same =
      m.inputHash === ref.inputHash &&
      m.configHash === ref.configHash &&
      m.count === ref.count &&
      m.seed === ref.seed &&
      m.startId === ref.startId &&
      m.width === ref.width &&
      m.height === ref.height &&
      m.format === ref.format;
    if (!same) {
      throw new TraitloomError(
        "BAD_ARGUMENT",
        `${path}: expected a shard of the same collection as ${first.dir} (seed "${ref.seed}", ${ref.count} tokens from ${ref.startId}, ${ref.width}x${ref.height} ${ref.format}, input ${ref.inputHash.slice(0, 12)}, config ${ref.configHash.slice(0, 12)}), found seed "${m.seed}", ${m.count} tokens from ${m.startId}, ${m.width}x${m.height} ${m.format}, input ${m.inputHash.slice(0, 12)}, config ${m.configHash.slice(0, 12)}`,
      );
    }
  }
  // One shard given twice (the same folder, or two copies of one shard): named before its tokens clash.
  shards.forEach((shard, k) => {
    const twin = shards.slice(0, k).find((s) => resolve(s.dir) === resolve(shard.dir));
    if (twin) throw new TraitloomError("BAD_ARGUMENT", `${shard.path}: expected each shard once, found it given twice (shard folders ${shards.indexOf(twin) + 1} and ${k + 1})`);
    const copy = shards.slice(0, k).find((s) => s.info.of === shard.info.of && s.info.index === shard.info.index);
    if (copy) throw new TraitloomError("BAD_ARGUMENT", `${shard.path}: shard: expected each shard once, found shard ${shard.info.index}/${shard.info.of} also in ${copy.path}`);
  });
  const lastId = ref.startId + ref.count - 1;
  const byId = new Map<number, { shard: Shard; entry: ManifestEntry; index: number }>();
  for (const shard of shards) {
    shard.manifest.tokens.forEach((entry, i) => {
      if (entry.id < shard.info.firstId || entry.id > shard.info.lastId) {
        throw new TraitloomError(
          "BAD_ARGUMENT",
          `${shard.path}: tokens[${i}].id: expected an id from ${shard.info.firstId} to ${shard.info.lastId} (shard ${shard.info.index}/${shard.info.of}), received ${entry.id}`,
        );
      }
      const other = byId.get(entry.id);
      if (other) {
        const where = other.shard === shard ? `tokens[${other.index}] has it too` : `also in ${other.shard.path}`;
        throw new TraitloomError("BAD_ARGUMENT", `${shard.path}: tokens[${i}].id: expected each token id once, received ${entry.id} again (${where})`);
      }
      byId.set(entry.id, { shard, entry, index: i });
    });
  }
  const missing: number[] = [];
  for (let id = ref.startId; id <= lastId && missing.length < 5; id++) if (!byId.has(id)) missing.push(id);
  // A token missing from the shard whose range holds it is that manifest's fault (its token list cut short or emptied).
  const short = shards.find((s) => missing.some((id) => id >= s.info.firstId && id <= s.info.lastId));
  if (short) {
    const size = short.info.lastId - short.info.firstId + 1;
    throw new TraitloomError(
      "BAD_ARGUMENT",
      `${short.path}: tokens: expected ${size} tokens (ids ${short.info.firstId}..${short.info.lastId}, shard ${short.info.index}/${short.info.of}), received ${short.manifest.tokens.length}`,
    );
  }
  if (missing.length > 0) {
    const of = first.info.of;
    const given = new Set(shards.map((s) => s.info.index));
    const notGiven = shards.every((s) => s.info.of === of) ? Array.from({ length: of }, (_, i) => i + 1).filter((i) => !given.has(i)) : [];
    const which = notGiven.length > 0 ? ` (not given: shard ${notGiven.map((i) => `${i}/${of}`).join(", ")})` : "";
    throw new TraitloomError(
      "BAD_ARGUMENT",
      `merge: expected tokens ${ref.startId}..${lastId} from all shards, found none for id ${missing.join(", ")}${missing.length === 5 ? ", …" : ""}; is a shard missing or unfinished?${which}`,
    );
  }
  // Every token is there once; the shard fields must describe that: 1..n of n, contiguous blocks, each block whole.
  const ordered = [...shards].sort((a, b) => a.info.index - b.info.index);
  let nextId = ref.startId;
  ordered.forEach((s, k) => {
    const expected = `shard ${k + 1}/${shards.length} from id ${nextId}`;
    if (s.info.of !== shards.length || s.info.index !== k + 1 || s.info.firstId !== nextId) {
      throw new TraitloomError("BAD_ARGUMENT", `${s.path}: shard: expected ${expected}, received shard ${s.info.index}/${s.info.of} from id ${s.info.firstId}`);
    }
    const size = s.info.lastId - s.info.firstId + 1;
    if (s.manifest.tokens.length !== size) {
      throw new TraitloomError("BAD_ARGUMENT", `${s.path}: tokens: expected ${size} tokens (ids ${s.info.firstId}..${s.info.lastId}), received ${s.manifest.tokens.length}`);
    }
    nextId = s.info.lastId + 1;
  });
  return byId;
}

/** Whether `pid` is a process that still runs (a temp folder of a live merge is not ours to remove). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code === "EPERM";
  }
}

/** Removes the temp folders a killed merge into the same output left beside it. */
async function removeStaleTemps(parent: string, name: string): Promise<void> {
  for (const entry of await readdir(parent).catch(() => [])) {
    const m = MERGE_TEMP_RE.exec(entry);
    if (m?.[1] === name && !isRunning(Number(m[2]))) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * What outDir holds now: nothing, an empty folder, or a collection that --overwrite may replace. Anything else
 * (a file, a folder with other files in it) is refused even with --overwrite: merge replaces the folder whole.
 */
async function checkOutput(outDir: string, overwrite: boolean): Promise<"absent" | "empty" | "replace"> {
  const s = await stat(outDir).catch(() => undefined);
  if (!s) return "absent";
  if (!s.isDirectory()) throw new TraitloomError("OUTPUT_CONFLICT", `${outDir}: expected an output folder, found a file; choose another -o folder`);
  const entries = await readdir(outDir);
  if (entries.length === 0) return "empty";
  const other = entries.filter((e) => !COLLECTION_ENTRIES.has(e) && !/^\..+\.tmp$/.test(e));
  if (other.length > 0) {
    throw new TraitloomError(
      "OUTPUT_CONFLICT",
      `${outDir}: expected an empty folder or a collection, found other files (${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}); choose another -o folder`,
    );
  }
  if (!overwrite) {
    const what = entries.includes("manifest.json") ? "a collection" : "part of a collection (no manifest.json)";
    throw new TraitloomError("OUTPUT_CONFLICT", `${outDir}: expected an empty folder, found ${what}; choose another -o folder or pass --overwrite`);
  }
  return "replace";
}

/**
 * Joins the outputs of `traitloom generate --shard i/n` runs into one collection folder equal, byte for byte,
 * to a single run's. Every shard manifest is validated (src/core/stored.ts) and checked against the others (one
 * collection, every shard present, contiguous, every token once) before anything is written; then every image
 * is checked against its manifest's sha256 and every metadata file against its token while the collection is
 * assembled in a temp folder beside outDir, which is renamed into place only when whole. So a refused or
 * interrupted merge leaves outDir as it was: absent, empty, or its earlier collection.
 */
export async function mergeShards(
  dirs: readonly string[],
  outDir: string,
  options: { overwrite?: boolean | undefined; signal?: AbortSignal | undefined } = {},
): Promise<MergeResult> {
  if (dirs.length === 0) throw new TraitloomError("BAD_ARGUMENT", "merge: expected one or more shard folders, found none");
  const shards: Shard[] = [];
  for (const dir of dirs) shards.push(await readShard(dir));
  const byId = checkShards(shards);
  const first = shards[0];
  if (!first) throw new Error("unreachable");
  const ref = first.manifest;
  for (const file of COLLECTION_FILES) {
    const hashes = await Promise.all(shards.map(({ dir }) => readFile(join(dir, file)).then(sha256, () => undefined)));
    const odd = hashes.findIndex((h) => h === undefined || h !== hashes[0]);
    if (odd >= 0) throw new TraitloomError("BAD_ARGUMENT", `${join(shards[odd]?.dir ?? "", file)}: expected the same file in every shard, found ${hashes[odd] ? "a different one" : "none"}`);
  }
  const mode = await checkOutput(outDir, options.overwrite === true);

  const target = resolve(outDir);
  const parent = dirname(target);
  const name = basename(target);
  await ensureDir(parent);
  await removeStaleTemps(parent, name);
  const tmp = join(parent, `.${name}.merge-${process.pid}.tmp`);
  const ext = imageExtensionOf(ref.format);
  const ids = [...byId.keys()].sort((a, b) => a - b);
  let provenance = "";
  let placed = false;
  try {
    await rm(tmp, { recursive: true, force: true });
    await Promise.all([ensureDir(join(tmp, "images")), ensureDir(join(tmp, "metadata"))]);
    const entries = ids.map((id) => (byId.get(id) as { entry: ManifestEntry }).entry);
    const whole = wholeCollection(ref, entries, first.path);
    const keccaks = whole?.settings.provenance?.keccak256 ? new Array<string>(ids.length) : undefined;
    for (let i = 0; i < ids.length; i += COPY_BATCH) {
      if (options.signal?.aborted) throw new TraitloomError("ABORTED", `stopped: merge interrupted; ${outDir} is as it was`);
      // Every copy of the batch settles before a failure is thrown: none may still write into tmp as it is removed.
      const batch = ids.slice(i, i + COPY_BATCH);
      const results = await Promise.allSettled(batch.map((id) => copyToken(byId.get(id) as { shard: Shard; entry: ManifestEntry }, ext, tmp, keccaks !== undefined)));
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
      results.forEach((r, k) => {
        if (keccaks && r.status === "fulfilled" && r.value) keccaks[i + k] = r.value;
      });
    }
    if (whole) await writeTargetFiles(whole, shards, tmp, ext, { width: ref.width, height: ref.height });
    for (const file of COLLECTION_FILES) {
      await copyFile(join(first.dir, file), join(tmp, file)).catch((e: unknown) => {
        throw writeFailure(e, join(tmp, file), `a copy of ${join(first.dir, file)}`);
      });
    }
    const header: ManifestHeader = {
      seed: ref.seed,
      count: ref.count,
      startId: ref.startId,
      width: ref.width,
      height: ref.height,
      format: ref.format,
      configHash: ref.configHash,
      inputHash: ref.inputHash,
      outputs: ref.outputs,
      metadataHash: ref.metadataHash,
      metadataSettings: ref.metadataSettings,
    };
    await writeChunksAtomic(
      join(tmp, "manifest.json"),
      manifestChunks(
        header,
        entries,
        (p) => (provenance = p),
        undefined,
        whole ? provenanceVariants(entries.length, whole.settings.provenance, (i) => entries[i]?.image ?? "", (i) => keccaks?.[i] ?? "") : ({} as ProvenanceVariants),
      ),
    );
    if (options.signal?.aborted) throw new TraitloomError("ABORTED", `stopped: merge interrupted; ${outDir} is as it was`);
    await placeInto(tmp, target, mode, `.${name}.merge-old-${process.pid}.tmp`);
    placed = true;
  } finally {
    if (!placed) await rm(tmp, { recursive: true, force: true });
  }
  return { outDir, count: ref.count, shards: shards.length, provenance };
}

/**
 * The whole collection's settings and token records as `traitloom update` reads them (the shards' shared
 * metadataSettings, every shard's tokens), where the collection has anything beyond ERC-721 files and the sha256
 * provenance to write: other targets' files, provenance variants. undefined for a plain collection (and for
 * manifests older than metadataSettings), whose merge is the copy alone.
 */
function wholeCollection(ref: StoredManifest, tokens: readonly ManifestEntry[], path: string): { settings: CollectionSettings; records: TokenRecord[] } | undefined {
  if (!ref.metadataSettings) return undefined;
  const { shard: _shard, ...rest } = ref;
  const { provenance, outputs } = collectionOfManifest({ ...rest, tokens: [] }, path).settings;
  const hasVariants = provenance !== undefined && (provenance.keccak256 === true || provenance.startingIndex !== undefined);
  if (!extraTargets({ outputs }) && !hasVariants) return undefined;
  return collectionOfManifest({ ...rest, tokens: [...tokens] }, path);
}

/**
 * Every target's files beyond ERC-721 for the merged collection: each token's made again from its record, as a
 * single run writes them (Solana's assets numbered from 0 over the whole collection, not per shard), its image
 * copied where a target keeps one; the collection-level files (Solana's collection.json and its image) taken from
 * the first shard after checking every shard holds the same bytes.
 */
async function writeTargetFiles(
  whole: { settings: CollectionSettings; records: TokenRecord[] },
  shards: readonly Shard[],
  tmp: string,
  ext: string,
  canvas: { width: number; height: number },
): Promise<void> {
  const extra = extraTargets(whole.settings);
  if (!extra) return;
  const made = new Set<string>();
  const place = async (path: string, write: (to: string) => Promise<void>, what: string): Promise<void> => {
    const to = join(tmp, path);
    const dir = dirname(to);
    if (!made.has(dir)) {
      await ensureDir(dir);
      made.add(dir);
    }
    await write(to).catch((e: unknown) => {
      throw writeFailure(e, to, what);
    });
  };
  for (const [i, record] of whole.records.entries()) {
    const files = tokenFilesOf(record, i, whole.settings, canvas);
    for (const f of files.targetFiles ?? []) await place(f.path, (to) => writeFile(to, f.text), `token ${record.id}'s ${f.path}`);
    const image = join(tmp, "images", `${record.id}.${ext}`);
    for (const copy of files.imageCopies ?? []) await place(copy, (to) => copyFile(image, to), `a copy of ${image}`);
  }
  for (const out of collectionFiles(extra, { settings: whole.settings, ...canvas })) {
    for (const f of out.files) await place(f.path, (to) => writeFile(to, f.text), f.path);
    for (const c of out.copies) {
      const hashes = await Promise.all(shards.map(({ dir }) => readFile(join(dir, c.path)).then(sha256, () => undefined)));
      const odd = hashes.findIndex((h) => h === undefined || h !== hashes[0]);
      if (odd >= 0) throw new TraitloomError("BAD_ARGUMENT", `${join(shards[odd]?.dir ?? "", c.path)}: expected the ${c.what} in every shard, found ${hashes[odd] ? "a different file" : "none"}`);
      await place(c.path, (to) => copyFile(join(shards[0]?.dir ?? "", c.path), to), `a copy of the ${c.what}`);
    }
  }
}

/**
 * Verifies one token's image and metadata (each against its sha256 in the manifest) and copies both into tmp.
 * Returns the image's keccak-256 (hex) where asked, for the keccak provenance.
 */
async function copyToken({ shard, entry }: { shard: Shard; entry: ManifestEntry }, ext: string, tmp: string, keccak = false): Promise<string | undefined> {
  const image = join(shard.dir, "images", `${entry.id}.${ext}`);
  const bytes = await readFile(image).catch(() => undefined);
  const have = bytes && sha256(bytes);
  if (!bytes || have !== entry.image) {
    throw new TraitloomError(
      "BAD_IMAGE",
      `${image}: expected sha256 ${entry.image.slice(0, 16)}… from ${shard.path}, found ${have ? `${have.slice(0, 16)}…` : "no file"}`,
    );
  }
  const metaPath = join(shard.dir, "metadata", `${entry.id}.json`);
  const meta = await readFile(metaPath, "utf8").catch(() => undefined);
  if (meta === undefined) throw new TraitloomError("BAD_ARGUMENT", `${metaPath}: expected token ${entry.id}'s metadata, found no file`);
  const metaHave = sha256(meta);
  if (metaHave !== entry.metadata) {
    throw new TraitloomError(
      "BAD_ARGUMENT",
      `${metaPath}: expected sha256 ${entry.metadata.slice(0, 16)}… from ${shard.path}, found ${metaHave.slice(0, 16)}… (the file was changed after the run)`,
    );
  }
  const imageCopy = join(tmp, "images", `${entry.id}.${ext}`);
  const metaCopy = join(tmp, "metadata", `${entry.id}.json`);
  await writeFile(imageCopy, bytes).catch((e: unknown) => {
    throw writeFailure(e, imageCopy, `a copy of ${image}`);
  });
  await writeFile(metaCopy, meta).catch((e: unknown) => {
    throw writeFailure(e, metaCopy, `a copy of ${metaPath}`);
  });
  return keccak ? bytesToHex(keccak_256(bytes)) : undefined;
}

/**
 * Renames the finished tmp folder to target. An earlier collection there is renamed aside first and removed
 * only once the new one is in place (put back if the rename fails), so target is never half of either.
 */
async function placeInto(tmp: string, target: string, mode: "absent" | "empty" | "replace", oldName: string): Promise<void> {
  try {
    if (mode === "absent") {
      await rename(tmp, target);
      return;
    }
    if (mode === "empty") {
      await rmdir(target);
      try {
        await rename(tmp, target);
      } catch (e) {
        await mkdir(target).catch(() => undefined);
        throw e;
      }
      return;
    }
    const old = join(dirname(target), oldName);
    await rm(old, { recursive: true, force: true });
    await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (e) {
      await rename(old, target).catch(() => undefined);
      throw e;
    }
    await rm(old, { recursive: true, force: true });
  } catch (e) {
    throw writeFailure(e, target, "the merged collection");
  }
}

import { createHash } from "node:crypto";
import { copyFile, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TraitloomError } from "../core/errors.js";
import type { ManifestEntry, ManifestHeader, ShardInfo } from "../core/output.js";
import { manifestChunks } from "../core/output.js";
import { imageExtensionOf } from "../core/settings.js";
import { ensureDir, replaceAtomically, writeChunksAtomic } from "./files.js";

interface ShardManifest extends ManifestHeader {
  tool: string;
  version: string;
  shard?: ShardInfo;
  tokens: ManifestEntry[];
}

/** The files every shard writes whole (they depend on the plan, not on images): identical across shards. */
const COLLECTION_FILES = ["_metadata.json", "rarity.json", "rarity.csv"] as const;
/** Files checked and copied at once. */
const COPY_BATCH = 32;

async function sha256File(path: string): Promise<string | undefined> {
  try {
    return createHash("sha256").update(await readFile(path)).digest("hex");
  } catch {
    return undefined;
  }
}

async function copyAtomic(from: string, to: string): Promise<void> {
  await replaceAtomically(to, `a copy of ${from}`, (tmp) => copyFile(from, tmp));
}

export interface MergeResult {
  outDir: string;
  count: number;
  shards: number;
  provenance: string;
}

/**
 * Joins the outputs of `traitloom generate --shard i/n` runs into one collection folder equal, byte for byte,
 * to a single run's: checks that the shards come from one plan and cover every token once, verifies every
 * image against its shard's manifest, copies images and metadata, and writes the whole manifest.
 */
export async function mergeShards(dirs: readonly string[], outDir: string, options: { overwrite?: boolean | undefined } = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new TraitloomError("BAD_ARGUMENT", "merge: expected one or more shard folders, found none");
  const manifests: Array<{ dir: string; manifest: ShardManifest }> = [];
  for (const dir of dirs) {
    const path = join(dir, "manifest.json");
    let manifest: ShardManifest;
    try {
      manifest = JSON.parse(await readFile(path, "utf8")) as ShardManifest;
    } catch {
      throw new TraitloomError("BAD_ARGUMENT", `${path}: expected the manifest of a finished generate run, found none or unreadable JSON`);
    }
    if (manifest.tool !== "traitloom" || !Array.isArray(manifest.tokens)) {
      throw new TraitloomError("BAD_ARGUMENT", `${path}: expected a Traitloom manifest, found another file`);
    }
    manifests.push({ dir, manifest });
  }
  const firstShard = manifests[0];
  if (!firstShard) throw new Error("unreachable");
  const ref = firstShard.manifest;
  for (const { dir, manifest } of manifests) {
    if (manifest.inputHash !== ref.inputHash || manifest.configHash !== ref.configHash || manifest.count !== ref.count || manifest.seed !== ref.seed) {
      throw new TraitloomError(
        "BAD_ARGUMENT",
        `${join(dir, "manifest.json")}: expected a shard of the same collection as ${firstShard.dir} (seed "${ref.seed}", ${ref.count} tokens, input ${ref.inputHash.slice(0, 12)}), found seed "${manifest.seed}", ${manifest.count} tokens, input ${manifest.inputHash.slice(0, 12)}`,
      );
    }
  }
  const byId = new Map<number, { dir: string; entry: ManifestEntry }>();
  for (const { dir, manifest } of manifests) {
    for (const entry of manifest.tokens) {
      const other = byId.get(entry.id);
      if (other) throw new TraitloomError("BAD_ARGUMENT", `${dir}: token ${entry.id} is also in ${other.dir}; expected each shard once`);
      byId.set(entry.id, { dir, entry });
    }
  }
  const missing: number[] = [];
  for (let id = ref.startId; id < ref.startId + ref.count && missing.length < 5; id++) if (!byId.has(id)) missing.push(id);
  if (missing.length > 0) {
    throw new TraitloomError("BAD_ARGUMENT", `merge: expected tokens ${ref.startId}..${ref.startId + ref.count - 1} from all shards, found none for id ${missing.join(", ")}${missing.length === 5 ? ", …" : ""}; is a shard missing or unfinished?`);
  }
  for (const file of COLLECTION_FILES) {
    const hashes = await Promise.all(manifests.map(({ dir }) => sha256File(join(dir, file))));
    const odd = hashes.findIndex((h) => h === undefined || h !== hashes[0]);
    if (odd >= 0) throw new TraitloomError("BAD_ARGUMENT", `${join(manifests[odd]?.dir ?? "", file)}: expected the same file in every shard, found ${hashes[odd] ? "a different one" : "none"}`);
  }

  const outStat = await stat(join(outDir, "manifest.json")).catch(() => undefined);
  if (outStat && !options.overwrite) {
    throw new TraitloomError("OUTPUT_CONFLICT", `${outDir}: expected an empty folder, found a collection; choose another -o folder or pass --overwrite`);
  }
  const ext = imageExtensionOf(ref.format);
  await Promise.all([ensureDir(join(outDir, "images")), ensureDir(join(outDir, "metadata"))]);
  const ids = [...byId.keys()].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += COPY_BATCH) {
    await Promise.all(
      ids.slice(i, i + COPY_BATCH).map(async (id) => {
        const { dir, entry } = byId.get(id) as { dir: string; entry: ManifestEntry };
        const image = join(dir, "images", `${id}.${ext}`);
        const have = await sha256File(image);
        if (have !== entry.image) {
          throw new TraitloomError(
            "BAD_IMAGE",
            `${image}: expected sha256 ${entry.image.slice(0, 16)}… from ${join(dir, "manifest.json")}, found ${have ? `${have.slice(0, 16)}…` : "no file"}`,
          );
        }
        await copyAtomic(image, join(outDir, "images", `${id}.${ext}`));
        await copyAtomic(join(dir, "metadata", `${id}.json`), join(outDir, "metadata", `${id}.json`));
      }),
    );
  }
  for (const file of COLLECTION_FILES) await copyAtomic(join(firstShard.dir, file), join(outDir, file));
  const header: ManifestHeader = {
    seed: ref.seed,
    count: ref.count,
    startId: ref.startId,
    width: ref.width,
    height: ref.height,
    format: ref.format,
    configHash: ref.configHash,
    inputHash: ref.inputHash,
  };
  let provenance = "";
  await writeChunksAtomic(
    join(outDir, "manifest.json"),
    manifestChunks(
      header,
      ids.map((id) => (byId.get(id) as { entry: ManifestEntry }).entry),
      (p) => (provenance = p),
    ),
  );
  return { outDir, count: ref.count, shards: manifests.length, provenance };
}

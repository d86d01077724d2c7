/**
 * `traitloom update` and the studio's "set base URI": a finished collection's metadata rewritten, in every target,
 * from manifest.json alone (its records and `metadataSettings`), without the layers or the config and without
 * touching an image. Pure over a FileStore, so a disk folder (src/node/fileStore.ts), a folder the studio's user
 * picked and memory (tests, the studio's files) are updated alike.
 */
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import type { TokenRecord } from "../core/metadata.js";
import { tokenMetadata } from "../core/metadata.js";
import { allMetadataChunks, manifestChunks, metadataHashOf, type HistoryEntry, type ManifestEntry, type ManifestHeader } from "../core/output.js";
import { rarityAttributes, scoreTokens, valueColumns } from "../core/rarity.js";
import { METADATA_SETTING_KEYS, metadataSettingsOf, resolveSettings, type CollectionSettings } from "../core/settings.js";
import { sha256Hex } from "../core/hash.js";
import { parseManifest, type StoredManifest } from "../core/stored.js";
import type { FileStore } from "./folderSink.js";
import { tokenFilesOf, tokenTextFiles } from "./pipeline.js";

/** What `update` can change: the settings a launch changes once the images are uploaded. */
export interface MetadataChanges {
  baseUri?: string | undefined;
  namePrefix?: string | undefined;
  description?: string | undefined;
  /** "{id}" is replaced by the token id; "" removes external_url. */
  externalUrl?: string | undefined;
}

export interface UpdateResult {
  tokens: number;
  /** The settings that changed, as config keys ("baseUri"); empty where the files already said so. */
  fields: string[];
  /** Metadata files rewritten (every target's, _metadata.json and manifest.json not counted). */
  filesWritten: number;
  metadataHash: string;
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

/**
 * The collection a manifest describes, as settings and records: metadataSettings parsed as the config fields they
 * are (so a hand-edited manifest gets the config's one-line errors), the ids, seed and format from its header.
 */
export function collectionOfManifest(manifest: StoredManifest, path: string, changes: MetadataChanges = {}): { settings: CollectionSettings; records: TokenRecord[] } {
  if (manifest.shard) throw badArgument(`${path}: expected a whole collection, found shard ${manifest.shard.index}/${manifest.shard.of} of one; update the folder traitloom merge makes of all shards`);
  if (!manifest.metadataSettings) {
    throw badArgument(`${path}: expected metadataSettings (written since output format 0.3.0), found none; run traitloom generate on the folder again with this version first`);
  }
  const stored = manifest.metadataSettings;
  const raw: Record<string, unknown> = {};
  for (const k of METADATA_SETTING_KEYS) if (stored[k] !== undefined) raw[k] = stored[k];
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) raw[k] = v;
  if (raw.externalUrl === "") delete raw.externalUrl;
  const config: TraitloomConfig = { ...parseConfig(raw, `${path}: metadataSettings`), startId: manifest.startId, image: { format: manifest.format } };
  const settings = resolveSettings(config, { count: manifest.tokens.length, seed: manifest.seed });
  const records: TokenRecord[] = manifest.tokens.map((t) => ({
    id: t.id,
    dna: t.dna,
    dnaHash: t.dnaHash,
    // The manifest keeps trait_type → value: the value stands for the trait's name (a "None" trait is found by it).
    traits: Object.entries(t.traits).map(([layer, value]) => ({ layer, trait: value, value, file: "" })),
  }));
  if (settings.rarity?.attributes) {
    const none = new Set(settings.noneTraitNames.map((n) => n.toLowerCase()));
    const layers = records[0]?.traits.map((t) => t.layer) ?? [];
    const scored = scoreTokens(valueColumns(layers, manifest.tokens.map((t) => t.traits), (v) => none.has(v.toLowerCase())), settings.rarity.method ?? "openrarity");
    records.forEach((r, i) => {
      const extra = rarityAttributes(scored, i, settings.rarity?.attributes);
      if (extra.length > 0) r.extraAttributes = extra;
    });
  }
  return { settings, records };
}

/** The header of a stored manifest as manifestChunks takes it, everything kept (pack included). */
export function storedHeader(manifest: StoredManifest): ManifestHeader {
  return {
    seed: manifest.seed,
    count: manifest.count,
    startId: manifest.startId,
    width: manifest.width,
    height: manifest.height,
    format: manifest.format,
    configHash: manifest.configHash,
    inputHash: manifest.inputHash,
    outputs: manifest.outputs,
    metadataHash: manifest.metadataHash,
    metadataSettings: manifest.metadataSettings,
    history: manifest.history,
    pack: manifest.pack,
  };
}

/**
 * manifest.json rewritten with `header` (from storedHeader, changed) and the manifest's own tokens and provenance
 * hashes: the provenance is computed again from the same image hashes, so it comes out the same.
 */
export async function rewriteManifest(store: FileStore, manifest: StoredManifest, header: ManifestHeader, tokens: readonly ManifestEntry[] = manifest.tokens): Promise<void> {
  const { provenanceKeccak256, startingIndex, provenanceFromStartingIndex } = manifest;
  await store.writeChunks("manifest.json", manifestChunks(header, tokens, undefined, undefined, { provenanceKeccak256, startingIndex, provenanceFromStartingIndex }));
}

/** The manifest's header, with new metadata settings and history (an update drops `pack`: its CIDs are stale). */
function headerOf(manifest: StoredManifest, settings: CollectionSettings, history: HistoryEntry[]): ManifestHeader {
  const metadataSettings = metadataSettingsOf(settings);
  const { pack: _stale, ...kept } = storedHeader(manifest);
  return { ...kept, metadataHash: metadataHashOf(metadataSettings), metadataSettings, history };
}

/** Reads and checks manifest.json of the collection in `store`. */
export async function readStoredManifest(store: FileStore): Promise<StoredManifest> {
  const path = `${store.location}/manifest.json`;
  const text = await store.readText("manifest.json");
  if (text === undefined) throw badArgument(`${path}: expected the manifest of a finished generate run, found none (run traitloom generate until it says done)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw badArgument(`${path}: expected the JSON of a manifest, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseManifest(raw, path);
}

/**
 * Rewrites the metadata of every target of the collection in `store` with `changes` applied (base URI, name prefix,
 * description, external URL), and records it in manifest.json: its metadataSettings, metadataHash, each token's
 * metadata sha256 and a `history` entry. Image bytes, their hashes, the provenance and rarity are left as they are,
 * and so is the run's identity (inputHash), so a later `generate` with the updated config resumes with nothing to do.
 * Each file is replaced whole (atomically); the manifest is written last, and running the same update again finishes
 * one that was interrupted. Holds the folder's lock meanwhile.
 *
 * @example await updateCollection(new NodeFileStore("out"), { baseUri: "ipfs://bafy…" })
 */
export async function updateCollection(store: FileStore, changes: MetadataChanges, options: { signal?: AbortSignal | undefined } = {}): Promise<UpdateResult> {
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (given.length === 0) throw badArgument("update: expected at least one of --base-uri, --name-prefix, --description, --external-url, found none");
  if (changes.baseUri !== undefined && changes.baseUri.trim() === "") throw badArgument('--base-uri: expected a URI such as "ipfs://<CID>", found an empty value');
  const held = await store.lock();
  try {
    const manifest = await readStoredManifest(store);
    const path = `${store.location}/manifest.json`;
    const before = collectionOfManifest(manifest, path).settings;
    const { settings, records } = collectionOfManifest(manifest, path, changes);
    const fields = given.map(([k]) => k).filter((k) => JSON.stringify(before[k as keyof CollectionSettings]) !== JSON.stringify(settings[k as keyof CollectionSettings]));
    const canvas = { width: manifest.width, height: manifest.height };
    let filesWritten = 0;
    const entries: ManifestEntry[] = [];
    for (const [i, record] of records.entries()) {
      if (options.signal?.aborted) throw new TraitloomError("ABORTED", `stopped: ${i} of ${records.length} tokens updated in ${store.location}; run the same update again to finish`);
      const files = tokenFilesOf(record, i, settings, canvas);
      for (const f of tokenTextFiles(files)) {
        if ((await store.readText(f.path)) === f.text) continue;
        await store.write(f.path, f.text);
        filesWritten++;
      }
      const old = manifest.tokens[i] as StoredManifest["tokens"][number];
      entries.push({ ...old, metadata: sha256Hex(files.metadata) });
    }
    await store.writeChunks("_metadata.json", allMetadataChunks(records.map((r) => tokenMetadata(r, settings))));
    const header = headerOf(manifest, settings, [...(manifest.history ?? [])]);
    if (fields.length > 0) header.history?.push({ command: "update", fields, metadataHash: header.metadataHash ?? "" });
    await rewriteManifest(store, manifest, header, entries);
    return { tokens: records.length, fields, filesWritten, metadataHash: header.metadataHash ?? "" };
  } finally {
    await held.release();
  }
}

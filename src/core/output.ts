import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { sha256Hex } from "./hash.js";
import type { LayerSet } from "./layers.js";
import { ruleFingerprint } from "./ruleModel.js";
import { tokenEditsFingerprint } from "./tokenEdits.js";
import type { TokenRecord } from "./metadata.js";
import { roundScore, type RarityReport } from "./rarity.js";
import { metadataSettingsOf, renderSettingsOf, type CollectionSettings, type MetadataSettings } from "./settings.js";

/**
 * The collection files that hold every token (manifest.json, _metadata.json, rarity.json) are written as a
 * stream of string chunks, never one giant string, so 100,000 tokens cost no more memory than 1,000. The
 * CLI writes the chunks to files, the studio into its ZIP: the bytes are the same.
 */

export const TOOL_NAME = "traitloom";
/**
 * The output format version, bumped when output bytes for the same inputs change.
 * 0.2.0: manifest.json records every metadata file's sha256 (`metadata`), so tampered metadata is caught.
 * 0.3.0: rarity scored and ranked by OpenRarity's information content (rarity.json names the method; scores with 6
 * decimals, ties share a rank); manifest.json records metadataHash and metadataSettings, and configHash/inputHash
 * cover only what decides images (metadata-only settings are rewritten in place, never a "different collection").
 * 0.3.1: with editions, rarity.json/rarity.csv expect each trait's count of its own edition's tokens (its share
 * that count over the whole collection); `traitloom merge` writes the other targets' files and the provenance
 * variants as a single run does (they were left out). Flat collections: only the version and inputHash change.
 */
export const TOOL_VERSION = "0.3.1";

/** What was done to a collection after `generate` made it, in manifest.json's `history`, oldest first. */
export type HistoryEntry =
  | { command: "update"; fields: string[]; metadataHash: string }
  | { command: "regenerate"; id: number; index: number; oldDna: string; newDna: string }
  | { command: "extend"; from: number; dna: string[] };

/** The provenance hashes besides the sha256 one (`provenance` in the config), for the end of manifest.json. */
export interface ProvenanceVariants {
  /** keccak-256 over the concatenated keccak-256 hex of every image, in id order (nftchef's provenance.js). */
  provenanceKeccak256?: string | undefined;
  startingIndex?: number | undefined;
  /** sha256 over the image hashes from position `startingIndex` on, wrapping around (BAYC's starting index). */
  provenanceFromStartingIndex?: string | undefined;
}

export interface ManifestHeader {
  seed: string;
  count: number;
  startId: number;
  width: number;
  height: number;
  format: CollectionSettings["format"];
  /** sha256 of the validated config and settings that shaped the collection. */
  configHash: string;
  /** sha256 over the layers, traits, weights and trait file contents: same inputHash, same collection. */
  inputHash: string;
  /** The metadata targets written (`outputs` in the config), where the config names them. */
  outputs?: string[] | undefined;
  /** sha256 of the metadata-only settings: a change there rewrites metadata and keeps every image. */
  metadataHash?: string | undefined;
  /** The metadata-only settings the metadata files were written with, so `traitloom update` needs no config. */
  metadataSettings?: MetadataSettings | Readonly<Record<string, unknown>> | undefined;
  /** What update, regenerate and extend did to the collection since generate made it. */
  history?: HistoryEntry[] | undefined;
  /** What `traitloom pack` made of it: the importer profile and both roots (CIDs depend on the profile). */
  pack?: PackRecord | undefined;
}

/** manifest.json's `pack`: the importer profile the CIDs were computed with, and the roots. */
export interface PackRecord {
  /** The importer profile: name, cidVersion, rawLeaves, chunkSize, maxChildren, shard (src/render/ipfs.ts IpfsProfile). */
  profile: Readonly<Record<string, unknown>>;
  images: string;
  metadata: string;
  baseUri: string;
}

/** One token's line in manifest.json. */
export interface ManifestEntry {
  id: number;
  dna: string;
  dnaHash: string;
  /** sha256 of the image file, hex. */
  image: string;
  /** sha256 of the metadata file, hex. */
  metadata: string;
  /** trait_type → value, in layer order. */
  traits: Record<string, string>;
  /** The token's number in the Solana assets folder (`solana/assets/<n>.json`), where that target is written. */
  solana?: number | undefined;
}

/** A shard run's place in the whole collection (`--shard index/of`), recorded in its manifest. */
export interface ShardInfo {
  index: number;
  of: number;
  firstId: number;
  lastId: number;
}

export function manifestEntry(token: TokenRecord, imageSha256: string, metadataSha256: string, assets?: { solana: number }): ManifestEntry {
  const traits: Record<string, string> = {};
  for (const t of token.traits) traits[t.layer] = t.value;
  const entry: ManifestEntry = { id: token.id, dna: token.dna, dnaHash: token.dnaHash, image: imageSha256, metadata: metadataSha256, traits };
  if (assets) entry.solana = assets.solana;
  return entry;
}

/**
 * manifest.json: seed, hashes, tool version, every token (id, dna, traits, image sha256) and the provenance
 * hash. A shard's manifest carries `shard` and only its own tokens; `traitloom merge` joins them into the
 * manifest a single run writes, byte for byte.
 */
export function* manifestChunks(
  header: ManifestHeader,
  entries: Iterable<ManifestEntry>,
  onProvenance?: (provenance: string) => void,
  shard?: ShardInfo,
  variants: ProvenanceVariants = {},
): Generator<string> {
  const { history, pack, ...rest } = header;
  const head = { tool: TOOL_NAME, version: TOOL_VERSION, ...rest, ...(shard ? { shard } : {}), ...(history && history.length > 0 ? { history } : {}), ...(pack ? { pack } : {}) };
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "tokens": [\n`;
  // Provenance as BAYC published it: sha256 over the concatenated image hashes in id order.
  const provenance = sha256.create();
  let first = true;
  for (const entry of entries) {
    provenance.update(utf8ToBytes(entry.image));
    const line = JSON.stringify({ id: entry.id, dna: entry.dna, dnaHash: entry.dnaHash, image: entry.image, metadata: entry.metadata, traits: entry.traits, solana: entry.solana });
    yield `${first ? "" : ",\n"}    ${line}`;
    first = false;
  }
  const hex = bytesToHex(provenance.digest());
  onProvenance?.(hex);
  const tail = JSON.stringify({ provenance: hex, ...variants }, null, 2).slice(2, -2);
  yield `\n  ],\n${tail}\n}\n`;
}

/**
 * The provenance variants of a collection's images: `sha256Of(i)` and `keccakOf(i)` give image i's hashes (hex), by
 * position. keccak-256 as nftchef's provenance.js computes it (over the concatenated hex strings), the starting index
 * as nftool's `provenance --startingIndex` (the sequence rotated to start there).
 */
export function provenanceVariants(
  count: number,
  options: { keccak256?: boolean | undefined; startingIndex?: number | undefined } | undefined,
  sha256Of: (index: number) => string,
  keccakOf: (index: number) => string,
): ProvenanceVariants {
  const out: ProvenanceVariants = {};
  if (!options) return out;
  if (options.keccak256) {
    const h = keccak_256.create();
    for (let i = 0; i < count; i++) h.update(utf8ToBytes(keccakOf(i)));
    out.provenanceKeccak256 = bytesToHex(h.digest());
  }
  if (options.startingIndex !== undefined && count > 0) {
    const start = options.startingIndex % count;
    const h = sha256.create();
    for (let k = 0; k < count; k++) h.update(utf8ToBytes(sha256Of((start + k) % count)));
    out.startingIndex = options.startingIndex;
    out.provenanceFromStartingIndex = bytesToHex(h.digest());
  }
  return out;
}

/** _metadata.json: an array of every token's metadata, as HashLips writes it. */
export function* allMetadataChunks(metadata: Iterable<Record<string, unknown>>): Generator<string> {
  yield "[\n";
  let first = true;
  for (const meta of metadata) {
    const body = JSON.stringify(meta, null, 2).replaceAll("\n", "\n  ");
    yield `${first ? "" : ",\n"}  ${body}`;
    first = false;
  }
  yield "\n]\n";
}

/** rarity.json: the method, per trait expected vs actual, per token score and rank. */
export function* rarityJsonChunks(report: Pick<RarityReport, "traits" | "scores" | "ranks"> & { method?: RarityReport["method"] }, ids: (index: number) => number): Generator<string> {
  yield `{\n${report.method !== undefined ? `  "method": "${report.method}",\n` : ""}  "traits": [\n`;
  yield report.traits.map((t) => `    ${JSON.stringify(t)}`).join(",\n");
  yield `\n  ],\n  "tokens": [\n`;
  const n = report.scores.length;
  for (let i = 0; i < n; i++) {
    const score = roundScore(report.scores[i] ?? 0);
    yield `${i === 0 ? "" : ",\n"}    {"id":${ids(i)},"score":${score},"rank":${report.ranks[i] ?? 0}}`;
  }
  yield "\n  ]\n}\n";
}

/** The part of a layer set that decides output: layer names, order, uniqueness flags, trait names, values, weights, files. */
export function layerSetFingerprint(layerSet: LayerSet): string {
  const layers = layerSet.layers.map((l) => [l.name, l.folder, l.countsForUniqueness, l.traits.map((t) => [t.name, t.value, t.weight, t.file])]);
  // Rules and fixed counts shape the plan: a folder planned under other rules is another collection. Without
  // rules the fingerprint is what it always was, so today's collections keep their inputHash.
  const rules = ruleFingerprint(layerSet);
  // Re-rolls and bans (tokenEdits.ts) likewise: a third entry only where the config has them.
  const edits = tokenEditsFingerprint(layerSet);
  if (edits !== undefined) return JSON.stringify([layers, rules ?? null, edits]);
  return JSON.stringify(rules === undefined ? layers : [layers, rules]);
}

/**
 * The run's two hashes: configHash over the settings that shaped the collection, inputHash over those plus the
 * layers, traits, weights and every trait file's sha256 (`fileHashes[layer][trait]`). Same inputHash, same collection.
 */
export function collectionHashes(
  settings: CollectionSettings,
  width: number,
  height: number,
  layerSet: LayerSet,
  fileHashes: readonly (readonly string[])[],
): { configHash: string; inputHash: string; metadataHash: string } {
  // Since 0.3.0 the metadata-only settings (base URI, names, targets, rarity attributes) are hashed apart: a folder
  // whose inputHash matches holds this collection's images, whatever its metadata says; its metadata is rewritten.
  const settingsJson = JSON.stringify({ ...renderSettingsOf(settings), width, height });
  return {
    configHash: sha256Hex(settingsJson),
    inputHash: sha256Hex(JSON.stringify([TOOL_VERSION, settingsJson, layerSetFingerprint(layerSet), fileHashes])),
    metadataHash: metadataHashOf(metadataSettingsOf(settings)),
  };
}

/** sha256 of the metadata-only settings (manifest.json's metadataHash). */
export function metadataHashOf(settings: MetadataSettings): string {
  return sha256Hex(JSON.stringify(settings));
}

/**
 * The collection files besides images and per-token metadata, written in pieces so a 10,000-token collection
 * is never one giant string: _metadata.json, manifest.json, rarity.json. Pure.
 *
 * Until src/core/output.ts lands (shared with the CLI), this is the studio's own writer of the layout in
 * issue 2; the bytes of _metadata.json equal JSON.stringify(allMetadata, null, 2) + "\n".
 */
import type { LayerSet } from "../core/layers.js";
import { metadataJson, tokenMetadata, tokenRecord, type TokenRecord } from "../core/metadata.js";
import type { Plan } from "../core/planner.js";
import type { RarityReport } from "../core/rarity.js";
import type { CollectionSettings } from "../core/settings.js";
import { sha256Hex } from "../core/hash.js";

/** Tokens per piece handed to the sink. */
const PIECE_TOKENS = 200;

function indent(json: string, pad: string): string {
  return json.replaceAll("\n", `\n${pad}`);
}

/** A JSON array written item by item: the same bytes as JSON.stringify(items, null, 2). */
function* arrayPieces<T>(count: number, item: (i: number) => T, pad: string): Generator<string> {
  if (count === 0) {
    yield "[]";
    return;
  }
  let piece = "[\n";
  for (let i = 0; i < count; i++) {
    piece += `${pad}  ${indent(JSON.stringify(item(i), null, 2), `${pad}  `)}${i + 1 < count ? "," : ""}\n`;
    if ((i + 1) % PIECE_TOKENS === 0) {
      yield piece;
      piece = "";
    }
  }
  yield `${piece}${pad}]`;
}

/** _metadata.json: every token's metadata, in id order. */
export function* allMetadataPieces(layerSet: LayerSet, plan: Plan, settings: CollectionSettings): Generator<string> {
  yield* arrayPieces(plan.count, (i) => tokenMetadata(tokenRecord(layerSet, plan, i, settings), settings), "");
  yield "\n";
}

/** The metadata file of token `index`, exactly as metadata/<id>.json holds it. */
export function tokenMetadataJson(layerSet: LayerSet, plan: Plan, settings: CollectionSettings, index: number): { record: TokenRecord; json: string } {
  const record = tokenRecord(layerSet, plan, index, settings);
  return { record, json: metadataJson(tokenMetadata(record, settings)) };
}

/** Provenance hash: sha256 over the image hashes in id order, concatenated as hex. */
export function provenanceOf(imageHashes: readonly string[]): string {
  return sha256Hex(imageHashes.join(""));
}

export interface ManifestHead {
  tool: string;
  version: string;
  seed: string;
  configHash: string;
  count: number;
  startId: number;
  width: number;
  height: number;
  provenance: string;
}

/** manifest.json: run facts, then per token id, dna, traits and the image's sha256. */
export function* manifestPieces(head: ManifestHead, layerSet: LayerSet, plan: Plan, settings: CollectionSettings, imageHashes: readonly string[]): Generator<string> {
  const headJson = JSON.stringify(head, null, 2);
  yield `${headJson.slice(0, -2)},\n  "tokens": `;
  yield* arrayPieces(
    plan.count,
    (i) => {
      const r = tokenRecord(layerSet, plan, i, settings);
      return { id: r.id, dna: r.dna, dnaHash: r.dnaHash, traits: Object.fromEntries(r.traits.map((t) => [t.layer, t.trait])), image: `images/${r.id}.png`, sha256: imageHashes[i] ?? "" };
    },
    "  ",
  );
  yield "\n}\n";
}

/** rarity.json: per trait expected vs actual, per token score and rank. */
export function* rarityJsonPieces(report: RarityReport, startId: number): Generator<string> {
  yield `{\n  "traits": ${indent(JSON.stringify(report.traits, null, 2), "  ")},\n  "tokens": `;
  yield* arrayPieces(report.ranks.length, (i) => ({ id: startId + i, score: Number((report.scores[i] ?? 0).toFixed(4)), rank: report.ranks[i] ?? 0 }), "  ");
  yield "\n}\n";
}

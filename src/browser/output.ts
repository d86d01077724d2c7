/**
 * Per-token metadata bytes for the studio's archive and preview. The collection-wide files (_metadata.json,
 * manifest.json, rarity.json) come from core's output.ts, the same chunks the CLI writes.
 */
import type { LayerSet } from "../core/layers.js";
import { metadataJson, tokenMetadata, tokenRecord, type TokenRecord } from "../core/metadata.js";
import type { Plan } from "../core/planner.js";
import type { CollectionSettings } from "../core/settings.js";

/** The metadata file of token `index`, exactly as metadata/<id>.json holds it. */
export function tokenMetadataJson(layerSet: LayerSet, plan: Plan, settings: CollectionSettings, index: number): { record: TokenRecord; json: string } {
  const record = tokenRecord(layerSet, plan, index, settings);
  return { record, json: metadataJson(tokenMetadata(record, settings)) };
}

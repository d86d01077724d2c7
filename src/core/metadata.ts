import { sha256Hex } from "./hash.js";
import type { LayerSet } from "./layers.js";
import type { Plan } from "./planner.js";
import { traitOf } from "./planner.js";
import type { CollectionSettings } from "./settings.js";
import { imageExtensionOf } from "./settings.js";

/** One token as planned: what the manifest records and metadata is made from. */
export interface TokenRecord {
  id: number;
  /** Trait index per layer, joined by "-" (HashLips-style DNA). */
  dna: string;
  /** sha256 over the layer:trait pairs that count for uniqueness: equal hashes mean equal tokens. */
  dnaHash: string;
  /** Per layer, in layer order: the trait's file relative to the layers folder and its attribute value. */
  traits: Array<{ layer: string; trait: string; value: string; file: string; inMetadata?: false }>;
  /** With editions: the token's edition's name prefix and description where it has its own, and its name number. */
  namePrefix?: string | undefined;
  description?: string | undefined;
  nameNumber?: number | undefined;
  /** Attributes of this token alone, after the collection's extraAttributes (rarity rank, score, tier). */
  extraAttributes?: Array<{ trait_type: string; value: string | number; display_type?: string }> | undefined;
}

/** Reads token `index` (0-based, output order) of the plan. */
export function tokenRecord(layerSet: LayerSet, plan: Plan, index: number, settings: Pick<CollectionSettings, "startId">): TokenRecord {
  const traits: TokenRecord["traits"] = [];
  const dna: number[] = [];
  const uniqueParts: string[] = [];
  for (const layer of layerSet.layers) {
    const t = traitOf(plan, index, layer.index);
    const trait = layer.traits[t];
    if (!trait) throw new Error(`plan names trait ${t} of layer ${layer.name}, which has ${layer.traits.length}`);
    dna.push(t);
    // A layer of another edition: nothing drawn, nothing written.
    if (trait.absent) continue;
    const entry: TokenRecord["traits"][number] = { layer: layer.traitType ?? layer.name, trait: trait.name, value: trait.value, file: trait.file };
    // A layer or trait kept out of metadata (datlips exclude, NONE) is still drawn and still counts for uniqueness.
    if (layer.inMetadata === false || trait.inMetadata === false) entry.inMetadata = false;
    traits.push(entry);
    // Traits of a tree are told apart by their path: two folders may hold a trait of one name.
    const traitKey = trait.path ? [...trait.path, trait.name].join("/") : trait.name;
    if (layer.countsForUniqueness) uniqueParts.push(`${layer.name}\u0000${traitKey}`);
  }
  const record: TokenRecord = { id: settings.startId + index, dna: dna.join("-"), dnaHash: sha256Hex(uniqueParts.join("\u0001")), traits };
  const edition = plan.editionOf ? layerSet.editions?.[plan.editionOf[index] ?? 0] : undefined;
  if (edition) {
    if (edition.namePrefix !== undefined) record.namePrefix = edition.namePrefix;
    if (edition.description !== undefined) record.description = edition.description;
    // nftchef's resetNameIndex: names count from the first id within the edition.
    if (edition.restartNameNumbers) record.nameNumber = settings.startId + (plan.nameNumbers?.[index] ?? 1) - 1;
  }
  return record;
}

export type TokenMetadata = Record<string, unknown>;

/**
 * ERC-721 / OpenSea metadata of one token. Key order is fixed so the JSON bytes are the same in the CLI and the
 * studio. Traits named like "None" (settings.noneTraitNames) are left out of attributes: OpenSea would show
 * "None" as a trait value that every token without the layer shares.
 */
export function tokenMetadata(token: TokenRecord, settings: CollectionSettings): TokenMetadata {
  const none = new Set(settings.noneTraitNames.map((n) => n.toLowerCase()));
  const attributes: Array<Record<string, unknown>> = token.traits
    .filter((t) => t.inMetadata !== false && !none.has(t.value.toLowerCase()) && !none.has(t.trait.toLowerCase()))
    .map((t) => ({ trait_type: t.layer, value: t.value }));
  for (const extra of settings.extraAttributes) attributes.push({ ...extra });
  for (const extra of token.extraAttributes ?? []) attributes.push({ ...extra });
  const meta: TokenMetadata = {
    name: `${token.namePrefix ?? settings.namePrefix} #${token.nameNumber ?? token.id}`,
    description: token.description ?? settings.description,
    image: `${settings.baseUri}/${token.id}.${imageExtensionOf(settings.format)}`,
    dna: token.dnaHash,
    edition: token.id,
    attributes,
  };
  if (settings.externalUrl !== undefined) meta.external_url = settings.externalUrl.replaceAll("{id}", String(token.id));
  if (settings.backgroundColor !== undefined) meta.background_color = settings.backgroundColor;
  for (const [k, v] of Object.entries(settings.extraMetadata)) if (!(k in meta)) meta[k] = v;
  meta.compiler = "Traitloom";
  return meta;
}

/** The exact bytes written to metadata/<id>.json (two-space indent, trailing newline). */
export function metadataJson(meta: TokenMetadata): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

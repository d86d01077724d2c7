import type { TraitloomConfig } from "./config.js";
import { MAX_TOKEN_COUNT, tokenCountError } from "./config.js";
import { TraitloomError } from "./errors.js";
import type { OutputsConfig } from "./targets/index.js";

export type ImageFormat = "png" | "webp" | "jpeg";
export type CompressionPreset = "fast" | "balanced" | "small";

/** Everything a run needs besides the layers, with defaults applied: the same object in the CLI and the studio. */
export interface CollectionSettings {
  count: number;
  seed: string;
  startId: number;
  namePrefix: string;
  description: string;
  baseUri: string;
  externalUrl: string | undefined;
  backgroundColor: string | undefined;
  noneTraitNames: string[];
  extraAttributes: NonNullable<TraitloomConfig["extraAttributes"]>;
  extraMetadata: Record<string, unknown>;
  format: ImageFormat;
  compression: CompressionPreset;
  quality: number;
  /**
   * The metadata targets (`outputs` in the config); undefined is erc721 alone. Left undefined where the config has
   * none, so the hashes of a collection without `outputs` are what they were (JSON.stringify drops undefined).
   */
  outputs?: OutputsConfig | undefined;
  /** `rarity` in the config: the method (openrarity by default) and the attributes added to metadata. */
  rarity?: TraitloomConfig["rarity"] | undefined;
  /** `provenance` in the config: a keccak-256 variant and a starting index. */
  provenance?: TraitloomConfig["provenance"] | undefined;
}

/**
 * The settings that decide only metadata, never an image: changing them (a base URI once the images are uploaded,
 * a name prefix, a target) rewrites metadata files and keeps every image, in `generate` as in `traitloom update`.
 * manifest.json records them (`metadataSettings`) so `update` can rewrite metadata without the config.
 */
export const METADATA_SETTING_KEYS = [
  "namePrefix",
  "description",
  "baseUri",
  "externalUrl",
  "backgroundColor",
  "noneTraitNames",
  "extraAttributes",
  "extraMetadata",
  "outputs",
  "rarity",
  "provenance",
] as const satisfies ReadonlyArray<keyof CollectionSettings>;

export type MetadataSettings = Pick<CollectionSettings, (typeof METADATA_SETTING_KEYS)[number]>;

/** The metadata-only part of the settings, in a fixed key order. */
export function metadataSettingsOf(settings: CollectionSettings): MetadataSettings {
  const out: Record<string, unknown> = {};
  for (const k of METADATA_SETTING_KEYS) out[k] = settings[k];
  return out as MetadataSettings;
}

/**
 * The settings that decide images and which files exist: count, seed, ids, format and encoding, and the colour a
 * JPEG is flattened onto (backgroundColor, which for PNG and WebP is metadata only).
 */
export function renderSettingsOf(settings: CollectionSettings): Record<string, unknown> {
  return {
    count: settings.count,
    seed: settings.seed,
    startId: settings.startId,
    format: settings.format,
    compression: settings.compression,
    quality: settings.quality,
    flatten: settings.format === "jpeg" ? (settings.backgroundColor ?? "ffffff") : undefined,
  };
}

export const DEFAULT_BASE_URI = "ipfs://REPLACE_WITH_CID";

export function imageExtensionOf(format: ImageFormat): string {
  return format === "jpeg" ? "jpg" : format;
}

/** Applies defaults and command-line overrides (which win) to a validated config. */
export function resolveSettings(
  config: TraitloomConfig,
  overrides: {
    count?: number | undefined;
    seed?: string | undefined;
    format?: ImageFormat | undefined;
    compression?: CompressionPreset | undefined;
  } = {},
): CollectionSettings {
  const count = overrides.count ?? config.count;
  if (count === undefined) throw new TraitloomError("BAD_ARGUMENT", "count: expected how many tokens to make (-n <count> or \"count\" in traitloom.json), found none");
  // Checked here too, not only by the config schema: -n, the library's count and a config object given in code
  // reach the planner without passing through it.
  if (count > MAX_TOKEN_COUNT) throw tokenCountError(overrides.count !== undefined ? `-n ${count}` : "count", count);
  // Ids past 2^53 collide when JavaScript (and every JSON reader) rounds them: 4 files for 5 tokens.
  const startId = config.startId ?? 1;
  if (!Number.isSafeInteger(startId) || !Number.isSafeInteger(startId + count - 1)) {
    throw new TraitloomError(
      "BAD_CONFIG",
      `startId: expected token ids up to ${Number.MAX_SAFE_INTEGER} (the largest whole number JSON readers keep exact), found ids from ${startId} to ${startId + count - 1}`,
    );
  }
  const seed = overrides.seed ?? config.seed;
  if (seed === undefined || seed.length === 0) throw new TraitloomError("BAD_ARGUMENT", "seed: expected a seed (--seed <text> or \"seed\" in traitloom.json), found none");
  return {
    count,
    seed,
    startId,
    namePrefix: config.namePrefix ?? "Traitloom",
    description: config.description ?? "",
    baseUri: (config.baseUri ?? DEFAULT_BASE_URI).replace(/\/+$/, ""),
    externalUrl: config.externalUrl,
    backgroundColor: config.backgroundColor,
    noneTraitNames: config.noneTraitNames ?? ["None"],
    extraAttributes: config.extraAttributes ?? [],
    extraMetadata: config.extraMetadata ?? {},
    format: overrides.format ?? config.image?.format ?? "png",
    compression: overrides.compression ?? config.image?.compression ?? "balanced",
    quality: config.image?.quality ?? 90,
    outputs: config.outputs,
    rarity: config.rarity,
    provenance: config.provenance,
  };
}

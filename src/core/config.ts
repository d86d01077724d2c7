import { z } from "zod";
import { TraitloomError } from "./errors.js";
import { layerEntrySchema } from "./dialects/types.js";
import { DIALECTS } from "./model.js";
import { oneOfOnesSchema } from "./oneOfOnesConfig.js";
import { countsSchema, rulesSchema, uniquenessSchema } from "./rules.js";
import { outputsSchema, TARGET_NAMES } from "./targets/options.js";
import { banSchema, rerollSchema } from "./tokenEditsConfig.js";

/**
 * Most tokens one collection has: the planner keeps about 170 bytes per token in memory while it plans (1.7 GB
 * at 10,000,000 tokens of 8 layers, measured in docs/benchmarks.md "Planner limits"), and a JavaScript Map, which
 * counts the combinations of a large space, holds at most 2^24 entries.
 */
export const MAX_TOKEN_COUNT = 10_000_000;
/**
 * Largest canvas side: a 16384x16384 token is 1 GiB of RGBA per render worker and each full-canvas trait 1 GiB
 * decoded (a 3-layer collection peaks at 6.5 GB, about a minute a token on 2 cores; docs/config.md "Limits").
 */
export const MAX_CANVAS_PX = 16384;

/** A count with thousands separators, as limits are written in messages: 10,000,000. */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString("en-US") : String(n);
}

/** The one-line error for a count past MAX_TOKEN_COUNT; `what` names where it came from ("count", "-n 20000000000"). */
export function tokenCountError(what: string, count: number): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", `${what}: expected at most ${formatCount(MAX_TOKEN_COUNT)} tokens, found ${formatCount(count)}`);
}

const weight = z.number().min(0);

/** A layer entry: name, folder, countsForUniqueness, traits, and the trait model's layer options (dialects/types.ts). */
export const layerConfigSchema = layerEntrySchema;

const layerListSchema = z.array(z.union([z.string().min(1), layerConfigSchema])).min(1);

const imageConfigSchema = z.strictObject({
  format: z.enum(["png", "webp", "jpeg"]).optional().describe("Output image format. Default png."),
  compression: z.enum(["fast", "balanced", "small"]).optional().describe("PNG compression preset. Default balanced."),
  quality: z.number().int().min(1).max(100).optional().describe("WebP/JPEG quality 1-100. Default 90."),
});

const attributeSchema = z.strictObject({
  trait_type: z.string().min(1),
  value: z.union([z.string(), z.number()]),
  display_type: z.enum(["number", "boost_number", "boost_percentage", "date"]).optional(),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  layersDir: z.string().min(1).optional().describe("The layers folder, relative to this file. The CLI's layersDir argument wins."),
  namePrefix: z.string().optional().describe('Token names are "<namePrefix> #<id>". Default "Traitloom".'),
  description: z.string().optional(),
  baseUri: z.string().optional().describe('Image URLs are "<baseUri>/<id>.<ext>". Default "ipfs://REPLACE_WITH_CID".'),
  externalUrl: z.string().optional().describe('external_url per token; "{id}" is replaced by the token id.'),
  backgroundColor: z
    .string()
    .regex(/^[0-9a-fA-F]{6}$/, "expected six hex digits without #")
    .optional()
    .describe("OpenSea background_color, six hex digits without #."),
  extraAttributes: z.array(attributeSchema).optional().describe("Attributes added to every token after the layer traits."),
  extraMetadata: z.record(z.string(), z.unknown()).optional().describe("Extra top-level fields added to every token's metadata."),
  count: z
    .number()
    .int()
    .min(1)
    .max(MAX_TOKEN_COUNT, { error: `expected at most ${formatCount(MAX_TOKEN_COUNT)} tokens` })
    .optional()
    .describe(`How many tokens, at most ${formatCount(MAX_TOKEN_COUNT)}. The CLI's -n wins.`),
  seed: z.string().min(1).optional().describe("Seed of the collection. The CLI's --seed wins."),
  startId: z.number().int().min(0).optional().describe("First token id: 1 by default, 0 for Solana-style collections."),
  width: z
    .number()
    .int()
    .min(1)
    .max(MAX_CANVAS_PX, { error: `expected at most ${MAX_CANVAS_PX}` })
    .optional()
    .describe(`Canvas width, at most ${MAX_CANVAS_PX}; default the most common trait width.`),
  height: z
    .number()
    .int()
    .min(1)
    .max(MAX_CANVAS_PX, { error: `expected at most ${MAX_CANVAS_PX}` })
    .optional()
    .describe(`Canvas height, at most ${MAX_CANVAS_PX}; default the most common trait height.`),
  resize: z.enum(["error", "fit", "stretch"]).optional().describe('Traits of another size: "error" (default), "fit" (keep aspect, centred) or "stretch".'),
  noneTraitNames: z.array(z.string()).optional().describe('Trait names left out of attributes. Default ["None"].'),
  namedWeights: z.record(z.string(), weight).optional().describe("Named weights (#Rare) and their numbers; replaces entries of the default table."),
  weightSyntax: z.enum(["auto", "hashlips", "nftool"]).optional().describe('How file names carry weights. "auto" (default) reads nftool "12-Name.png" where every file of a layer is written so.'),
  dialect: z
    .enum(["auto", ...DIALECTS])
    .optional()
    .describe('How layer folders are read: "traitloom" (default; reads HashLips folders unchanged), an engine\'s ("hashlips", "nftchef", "datlips", "hl2", "nftool"), or "auto" (an engine where the folder\'s markers point to one).'),
  layers: layerListSchema.optional().describe("Layer order, bottom first. Default: numeric folder prefixes, else alphabetical."),
  editions: z
    .array(
      z.strictObject({
        id: z.string().min(1).describe("The edition's name in messages and capacity reports."),
        count: z.number().int().min(1).describe("Tokens of this edition."),
        layers: layerListSchema.describe("This edition's layers, bottom first."),
        namePrefix: z.string().optional().describe("Token names of this edition; default the collection's namePrefix."),
        description: z.string().optional(),
        restartNameNumbers: z.boolean().optional().describe("true: names count from 1 in this edition (nftchef resetNameIndex)."),
      }),
    )
    .min(1)
    .optional()
    .describe("Several layer configurations (HashLips layerConfigurations): each its own layers and count; uniqueness is shared. Replaces top-level count and layers."),
  shuffle: z.enum(["ids"]).optional().describe('"ids": mix the editions across ids by the seed (HashLips shuffleLayerConfigurations); default edition after edition.'),
  image: imageConfigSchema.optional(),
  rules: rulesSchema.optional(),
  counts: countsSchema.optional(),
  uniqueness: uniquenessSchema.optional(),
  reroll: rerollSchema.optional(),
  ban: banSchema.optional(),
  rarity: z
    .strictObject({
      method: z.enum(["openrarity", "rarity-tools"]).optional().describe('Score and rank: "openrarity" (information content, the default) or "rarity-tools" (sum of N / trait count, before 0.3.0).'),
      attributes: z
        .strictObject({
          rank: z.boolean().optional().describe('Add "Rarity Rank" (a number, 1 = rarest) to every token\'s attributes.'),
          score: z.boolean().optional().describe('Add "Rarity Score" (a number).'),
          tier: z.boolean().optional().describe('Add "Rarity Tier" (Mythic, Legendary, Epic, Rare, Uncommon, Common by rank).'),
        })
        .optional(),
    })
    .optional()
    .describe("How rarity is scored and ranked, and whether rank, score and tier go into the metadata."),
  provenance: z
    .strictObject({
      keccak256: z.boolean().optional().describe("Also a keccak-256 provenance as nftchef computes it: keccak-256 over every image's keccak-256 hex, in id order."),
      startingIndex: z.number().int().min(0).optional().describe("BAYC-style starting index: also the sha256 provenance over the image hashes from this position on, wrapping around."),
    })
    .optional()
    .describe("Provenance hashes besides today's sha256 over the image hashes in id order."),
  outputs: outputsSchema
    .optional()
    .describe("Metadata targets to write (erc721, erc1155, solana, cardano, tezos), several at once. Default: erc721 alone."),
  oneOfOnes: oneOfOnesSchema.optional(),
});

export type TraitloomConfig = z.infer<typeof configSchema>;
export type LayerConfig = z.infer<typeof layerConfigSchema>;

const KNOWN_KEYS: Record<"top" | "layer" | "image" | "trait" | "attribute" | "uniqueness", readonly string[]> = {
  top: Object.keys(configSchema.shape),
  layer: Object.keys(layerConfigSchema.shape),
  image: Object.keys(imageConfigSchema.shape),
  trait: ["weight", "value", "z", "blend", "opacity", "inMetadata"],
  attribute: Object.keys(attributeSchema.shape),
  uniqueness: Object.keys(uniquenessSchema.shape),
};

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0;
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] ?? 0;
}

/** The known key nearest to `key`, where one is near enough to be a likely typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return KNOWN_KEYS.top;
  if (path[0] === "layers" && path.length === 2) return KNOWN_KEYS.layer;
  if (path[0] === "layers" && path[2] === "traits" && path.length === 4) return KNOWN_KEYS.trait;
  if (path[0] === "extraAttributes" && path.length === 2) return KNOWN_KEYS.attribute;
  if (path[0] === "image") return KNOWN_KEYS.image;
  if (path[0] === "uniqueness" && path.length === 1) return KNOWN_KEYS.uniqueness;
  if (path[0] === "outputs" && path.length === 1) return TARGET_NAMES;
  return [];
}

function describeReceived(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "string") return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (typeof input === "object") return "an object";
  return String(input);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

type Issue = z.core.$ZodIssue;

/** zod's type names ("int", "record") in plain words, as messages say what was expected. */
const TYPE_WORDS: Record<string, string> = { int: "a whole number", number: "a number", string: "a string", boolean: "true or false", array: "an array", object: "an object", record: "an object" };

function formatIssue(issue: Issue, base: readonly PropertyKey[], raw: unknown): string {
  const path = [...base, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys
      .map((key) => {
        const near = nearestKey(key, knownKeysAt(path));
        return `${formatPath([...path, key])}: expected a known key${near ? ` (did you mean "${near}"?)` : ""}, found ${JSON.stringify(key)}`;
      })
      .join("; ");
  }
  const found = describeReceived(valueAt(raw, path));
  if (issue.code === "invalid_union") {
    // Report the branch that matches the value's shape (an object goes to the object form), not "no branch matched".
    const input = valueAt(raw, path);
    const inputKind = input !== null && typeof input === "object" && !Array.isArray(input) ? "object" : typeof input;
    for (const branch of issue.errors) {
      const first = branch.find((i) => i.code === "unrecognized_keys") ?? branch[0];
      if (first && !(first.code === "invalid_type" && first.path.length === 0)) return formatIssue(first, path, raw);
    }
    const forms = issue.errors.map((b) => (b[0]?.code === "invalid_type" ? (TYPE_WORDS[b[0].expected] ?? b[0].expected) : "?")).join(" or ");
    return `${formatPath(path) || "(top level)"}: expected ${forms}, found ${inputKind === "object" ? "an object" : found}`;
  }
  let expected = issue.message.replace(/^Invalid input: /, "").replace(/^Invalid option: /, "");
  if (issue.code === "invalid_type") {
    expected = `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
  } else if (issue.code === "too_small") {
    expected = `expected ${issue.origin === "array" ? `at least ${String(issue.minimum)} item(s)` : issue.origin === "string" ? "a non-empty string" : `a number >= ${String(issue.minimum)}`}`;
  } else if (issue.code === "too_big") {
    // A limit given its own words in the schema ("expected at most 10,000,000 tokens") keeps them.
    expected = issue.message.startsWith("expected ") ? issue.message : `expected a number <= ${String(issue.maximum)}`;
  }
  expected = expected.replace(/, received .*$/, "");
  return `${formatPath(path) || "(top level)"}: ${expected}, found ${found}`;
}

/**
 * Validates a parsed traitloom.json. Throws one TraitloomError whose message names the file, the field,
 * what was expected and what was found, e.g. `traitloom.json: layers[2].traits.Blue: expected a number >= 0, found -3`.
 * Unknown keys suggest the nearest known key.
 */
export function parseConfig(raw: unknown, source = "traitloom.json"): TraitloomConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 3).map((issue) => formatIssue(issue, [], raw));
  throw new TraitloomError("BAD_CONFIG", `${source}: ${lines.join("; ")}`);
}

/** The JSON Schema of traitloom.json, published in schema/ so editors autocomplete it. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return { ...schema, title: "Traitloom collection config (traitloom.json)" };
}

/**
 * What Traitloom reads back that it wrote itself earlier: a run's state (`.traitloom/state.json`), the
 * manifest.json of a finished (shard) run, and the studio's saved project. Each is outside input by the time it
 * is read (a crash, a hand edit, an older version, a damaged disk can change it), so each goes through one zod
 * schema here, with errors of one line naming the file, the field, what was expected and what was received:
 * `shard-2/manifest.json: tokens[3].image: expected 64 hex digits, received "zz"`.
 */
import { layerOptionsSchema } from "./dialects/types.js";
import { DIALECTS } from "./model.js";
import { z } from "zod";
import { MAX_CANVAS_SIDE, type ResizeMode } from "./canvas.js";
import { TraitloomError, type TraitloomErrorCode } from "./errors.js";
import { TOOL_NAME, TOOL_VERSION } from "./output.js";
import { countsSchema, rulesSchema } from "./rules.js";
import { outputsSchema } from "./targets/options.js";
import { banSchema, rerollSchema } from "./tokenEditsConfig.js";
import type { WeightSyntax } from "./weights.js";

/** sha256 as the tool writes it: 64 lowercase hex digits. */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits");
const count = z.number().int().min(1);
const tokenId = z.number().int().min(0);

// ---- run state -------------------------------------------------------------------------------------------

/** `.traitloom/state.json`: which collection an output folder holds, so a second run knows whether to resume. */
export const runStateSchema = z.strictObject({
  tool: z.literal(TOOL_NAME),
  version: z.string().min(1),
  inputHash: sha256Hex,
  seed: z.string().min(1),
  count,
  /** "i/n" for a shard run. */
  shard: z
    .string()
    .regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, { message: 'expected "i/n" such as "2/3"', abort: true })
    .refine((s) => {
      const [i, n] = s.split("/").map(Number);
      return i !== undefined && n !== undefined && i <= n;
    }, 'expected "i/n" with i <= n')
    .optional(),
});

export type RunState = z.infer<typeof runStateSchema>;

/**
 * Validates the parsed JSON of a run's `.traitloom/state.json`. Throws a TraitloomError (code
 * OUTPUT_CONFLICT: the folder holds a state this run cannot trust) whose message is one line naming `path`
 * and the field, e.g. `out/.traitloom/state.json: inputHash: expected 64 hex digits, received "zz"`.
 *
 * @example
 * const state = parseRunState(JSON.parse(await readFile(statePath, "utf8")), statePath);
 */
export function parseRunState(raw: unknown, path: string): RunState {
  return parseOrThrow(runStateSchema, raw, path, "OUTPUT_CONFLICT");
}

// ---- manifest.json ---------------------------------------------------------------------------------------

/** One token's line in manifest.json (src/core/output.ts `ManifestEntry`). */
export const manifestEntrySchema = z.strictObject({
  id: tokenId,
  // "1-of-1": a hand-made token of config oneOfOnes (src/core/oneOfOnes.ts), which has no trait indexes.
  dna: z.string().regex(/^([0-9]+(-[0-9]+)*|1-of-1)$/, 'expected trait indexes joined by "-" such as "0-2-1", or "1-of-1"'),
  dnaHash: sha256Hex,
  image: sha256Hex,
  metadata: sha256Hex,
  traits: z.record(z.string(), z.string()),
  /** The token's number in the Solana assets folder, where that target was written. */
  solana: z.number().int().min(0).optional(),
});

const dnaString = z.string().regex(/^[0-9]+(-[0-9]+)*$/, 'expected trait indexes joined by "-" such as "0-2-1"');

/** One entry of manifest.json's `history` (src/core/output.ts `HistoryEntry`). */
export const historyEntrySchema = z.discriminatedUnion("command", [
  z.strictObject({ command: z.literal("update"), fields: z.array(z.string()), metadataHash: sha256Hex }),
  z.strictObject({ command: z.literal("regenerate"), id: tokenId, index: z.number().int().min(0), oldDna: dnaString, newDna: dnaString }),
  z.strictObject({ command: z.literal("extend"), from: z.number().int().min(0), dna: z.array(dnaString) }),
]);

/**
 * A shard run's place in the collection (src/core/output.ts `ShardInfo`): ids firstId..lastId. A shard that holds
 * no token (more shards than tokens: `-n 2` in 3) is legitimate and writes lastId = firstId - 1, so -1 where the
 * collection starts at id 0.
 */
export const shardInfoSchema = z
  .strictObject({ index: count, of: count, firstId: tokenId, lastId: z.number().int().min(-1) })
  .refine((s) => s.index <= s.of, { message: "expected index <= of", path: ["index"] })
  .refine((s) => s.lastId >= s.firstId - 1, { message: "expected lastId >= firstId (or firstId - 1 for a shard that holds no token)", path: ["lastId"] });

/**
 * manifest.json as `manifestChunks` writes it, read back by `traitloom merge`. The version must be this tool's:
 * merge writes its own version into the joined manifest, which then equals a single run's only if they agree.
 */
export const manifestSchema = z.strictObject({
  tool: z.literal(TOOL_NAME),
  version: z.literal(TOOL_VERSION),
  seed: z.string().min(1),
  count,
  startId: tokenId,
  width: z.number().int().min(1).max(MAX_CANVAS_SIDE),
  height: z.number().int().min(1).max(MAX_CANVAS_SIDE),
  format: z.enum(["png", "webp", "jpeg"]),
  configHash: sha256Hex,
  inputHash: sha256Hex,
  outputs: z.array(z.enum(["erc721", "erc1155", "solana", "cardano", "tezos"])).optional(),
  metadataHash: sha256Hex.optional(),
  /** Checked field by field where it is used (`traitloom update` parses it as config fields). */
  metadataSettings: z.record(z.string(), z.unknown()).optional(),
  shard: shardInfoSchema.optional(),
  history: z.array(historyEntrySchema).optional(),
  tokens: z.array(manifestEntrySchema),
  provenance: sha256Hex,
  provenanceKeccak256: sha256Hex.optional(),
  startingIndex: z.number().int().min(0).optional(),
  provenanceFromStartingIndex: sha256Hex.optional(),
  /** What `traitloom pack` made of the collection: the importer profile and both roots, since CIDs depend on them. */
  pack: z
    .strictObject({
      profile: z.record(z.string(), z.unknown()),
      images: z.string().min(1),
      metadata: z.string().min(1),
      baseUri: z.string().min(1),
    })
    .optional(),
});

export type StoredManifest = z.infer<typeof manifestSchema>;

/**
 * Validates the parsed JSON of a manifest.json. Throws a BAD_ARGUMENT TraitloomError of one line naming `path`
 * and the field, e.g. `shard-2/manifest.json: tokens[3].image: expected 64 hex digits, received "zz"`.
 */
export function parseManifest(raw: unknown, path: string): StoredManifest {
  return parseOrThrow(manifestSchema, raw, path, "BAD_ARGUMENT");
}

// ---- the studio's saved project --------------------------------------------------------------------------

const problemSchema = z.object({ path: z.string(), message: z.string() });

const layerStateSchema = z.object({
  folder: z.string(),
  name: z.string(),
  visible: z.boolean(),
  weights: z.record(z.string(), z.number().min(0)),
  options: layerOptionsSchema.optional(),
  countsForUniqueness: z.boolean().optional(),
  values: z.record(z.string(), z.string()).optional(),
});

const resizeModes = ["error", "fit", "stretch"] as const satisfies readonly ResizeMode[];
const weightSyntaxes = ["auto", "hashlips", "nftool"] as const satisfies readonly WeightSyntax[];

/**
 * The studio's settings (src/browser/project.ts `StudioSettings`) as IndexedDB keeps them. The bounds are the
 * ones the settings panel lets through, so every value the UI can save also loads.
 */
export const studioSettingsSchema = z.object({
  count,
  seed: z.string(),
  namePrefix: z.string(),
  description: z.string(),
  baseUri: z.string(),
  startId: tokenId,
  width: z.number().int().min(1).max(MAX_CANVAS_SIDE).optional(),
  height: z.number().int().min(1).max(MAX_CANVAS_SIDE).optional(),
  resize: z.enum(resizeModes),
  workers: z.number().int().min(0),
  layers: z.array(layerStateSchema),
  weightSyntax: z.enum(weightSyntaxes).optional(),
  namedWeights: z.record(z.string(), z.number().min(0)).optional(),
  dialect: z.enum(["auto", ...DIALECTS]).optional(),
  rules: rulesSchema.optional(),
  counts: countsSchema.optional(),
  layerOrder: z.object({ source: z.enum(["prefix", "alphabetical", "config.js", "traitloom.json", "you"]), detail: z.string() }).optional(),
  externalUrl: z.string().optional(),
  backgroundColor: z.string().optional(),
  extraAttributes: z
    .array(
      z.object({
        trait_type: z.string(),
        value: z.union([z.string(), z.number()]),
        display_type: z.enum(["number", "boost_number", "boost_percentage", "date"]).optional(),
      }),
    )
    .optional(),
  extraMetadata: z.record(z.string(), z.unknown()).optional(),
  noneTraitNames: z.array(z.string()).optional(),
  image: z
    .object({
      format: z.enum(["png", "webp", "jpeg"]).optional(),
      compression: z.enum(["fast", "balanced", "small"]).optional(),
      quality: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
  outputs: outputsSchema.optional(),
  // Editions as the studio keeps them: layers by folder (src/browser/project.ts StudioEdition).
  editions: z
    .array(
      z.object({
        id: z.string().min(1),
        count: z.number().int().min(1),
        layers: z.array(z.string()),
        namePrefix: z.string().optional(),
        description: z.string().optional(),
        restartNameNumbers: z.boolean().optional(),
      }),
    )
    .optional(),
  shuffle: z.enum(["ids"]).optional(),
  reroll: rerollSchema.optional(),
  ban: banSchema.optional(),
});

export type StoredStudioSettings = z.infer<typeof studioSettingsSchema>;

/**
 * The saved project (src/web/storage.ts `SavedProject`). Core knows no DOM, so the file contents' check comes
 * from the caller: the studio passes `(v) => v instanceof Blob`. Unknown keys are let through and dropped.
 */
export function savedProjectSchema<B>(isBlob: (value: unknown) => value is B) {
  return z.object({
    root: z.string(),
    files: z.array(z.object({ path: z.string().min(1), blob: z.custom<B>(isBlob, "expected a Blob") })),
    loadProblems: z.array(problemSchema),
    settings: studioSettingsSchema,
  });
}

export type StoredProject<B> = z.infer<ReturnType<typeof savedProjectSchema<B>>>;

/**
 * Validates what IndexedDB gave back for the saved project. Never throws: the studio drops a project that
 * does not parse (an older shape, damage) and shows `error`, one line such as
 * `saved project: settings.count: expected a number >= 1, received 0`.
 */
export function parseSavedProject<B>(
  raw: unknown,
  isBlob: (value: unknown) => value is B,
  source = "saved project",
): { ok: true; project: StoredProject<B> } | { ok: false; error: string } {
  const result = savedProjectSchema(isBlob).safeParse(raw);
  return result.success ? { ok: true, project: result.data } : { ok: false, error: `${source}: ${describeIssues(result.error.issues, raw)}` };
}

// ---- errors of one line ----------------------------------------------------------------------------------

function parseOrThrow<T>(schema: z.ZodType<T>, raw: unknown, source: string, code: TraitloomErrorCode): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new TraitloomError(code, `${source}: ${describeIssues(result.error.issues, raw)}`);
}

/** The first issue as "path: expected …, received …", and how many more there are. */
function describeIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const first = issues[0];
  if (!first) return "(top level): expected a valid value";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return `${issueLine(first, raw)}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(top level)";
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function describeReceived(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return `an array of ${input.length}`;
  if (typeof input === "string") return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (typeof input === "object") return "an object";
  return String(input);
}

const TYPE_NAMES: Record<string, string> = {
  int: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  record: "an object",
};

function issueLine(issue: z.core.$ZodIssue, raw: unknown): string {
  const received = describeReceived(valueAt(raw, issue.path));
  const at = formatPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return `${formatPath([...issue.path, issue.keys[0] ?? ""])}: expected no such field, received ${describeReceived(valueAt(raw, [...issue.path, issue.keys[0] ?? ""]))}`;
    case "invalid_type":
      return `${at}: expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, received ${received}`;
    case "invalid_value":
      return `${at}: expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, received ${received}`;
    case "too_small":
      if (issue.origin === "string") return `${at}: expected a non-empty string, received ${received}`;
      if (issue.origin === "array") return `${at}: expected at least ${String(issue.minimum)} item(s), received ${received}`;
      return `${at}: expected a number >= ${String(issue.minimum)}, received ${received}`;
    case "too_big":
      return `${at}: expected ${issue.origin === "array" ? `at most ${String(issue.maximum)} item(s)` : `a number <= ${String(issue.maximum)}`}, received ${received}`;
    default:
      // Our own messages ("expected 64 hex digits", "expected a Blob") already say what was expected.
      return `${at}: ${issue.message.startsWith("expected") ? issue.message : `expected ${issue.message}`}, received ${received}`;
  }
}

import { z } from "zod";
import type { LayerProblem } from "../layers.js";
import type { Dialect, LayerModel } from "../model.js";
import type { WeightSyntax } from "../weights.js";

const weight = z.number().min(0);
const opacity = z.number().min(0).max(1);
const blend = z.string().min(1).describe('A canvas globalCompositeOperation name ("multiply"), a HashLips MODE name ("sourceAtop"), or "normal".');
const int = z.number().int();

/** How one part (an image file of a trait) is drawn, where the file name does not say or says otherwise. */
export const partOptionsSchema = z.strictObject({
  z: int.optional().describe("Absolute draw height of this part."),
  blend: blend.optional(),
  opacity: opacity.optional(),
  x: int.optional().describe("Offset in canvas pixels."),
  y: int.optional(),
});
export type PartOptions = z.infer<typeof partOptionsSchema>;

/** A trait override: a weight alone, or what to change about the trait. */
export const traitOptionsSchema = z.union([
  weight,
  z.strictObject({
    weight: weight.optional().describe("Relative weight; 0 means never chosen."),
    value: z.string().min(1).optional().describe("The attribute value written to metadata, where it differs from the trait name (nftchef traitValueOverrides)."),
    z: int.optional().describe("Draw height of the trait's parts that carry none in their file name (datlips z35$ prefix)."),
    blend: blend.optional(),
    opacity: opacity.optional(),
    inMetadata: z.boolean().optional().describe("false: drawn, but no attribute."),
  }),
]);
export type TraitOptions = z.infer<typeof traitOptionsSchema>;

/**
 * What a config's layer entry may say about a layer beyond its name and folder. Today's entry
 * (`countsForUniqueness`, `traits` with weight and value) is a subset, so every config that parses today parses
 * with `layerEntrySchema`.
 */
export const layerOptionsSchema = z.strictObject({
  trait: z.string().min(1).optional().describe("The metadata trait_type, where it differs from the layer name (nftchef `trait`)."),
  displayName: z.string().min(1).optional().describe("Same as trait (HashLips/datlips options.displayName)."),
  inMetadata: z.boolean().optional().describe("false: the layer is drawn but adds no attribute (datlips exclude). Default true."),
  countsForUniqueness: z.boolean().optional().describe("false: this layer's trait does not make a token unique (HashLips bypassDNA). Default true."),
  z: int.optional().describe("Draw height of the layer's parts that carry none in their name. Default 10 × layer index (nftchef: 0)."),
  blend: blend.optional(),
  opacity: opacity.optional(),
  variantOf: z.string().min(1).optional().describe("The layer whose drawn trait picks this layer's art: <Layer>/<parent trait>/<trait>.png."),
  parts: z
    .record(z.string(), partOptionsSchema)
    .optional()
    .describe('Per part: "<Trait>/<file name>", "*" for any trait or file (datlips subTraits). In datlips, a sub-trait file is drawn only where one matches.'),
  traits: z.record(z.string(), traitOptionsSchema).optional().describe('Per trait, by name or "<Folder>/<Trait>".'),
  none: z
    .strictObject({ weight, inMetadata: z.boolean().optional() })
    .optional()
    .describe("An implicit empty choice (no image; no attribute unless inMetadata)."),
});
export type LayerOptions = z.infer<typeof layerOptionsSchema>;

/**
 * A config layer entry: today's (name, folder, countsForUniqueness, traits) with every layer option. config.ts's
 * `layers` entries are this schema (defined here, so the dialects do not import config.ts).
 */
export const layerEntrySchema = z.strictObject({
  name: z.string().min(1).describe("The layer's name: metadata trait_type unless `trait` renames it. Matches a folder name with or without its numeric prefix."),
  folder: z.string().min(1).optional().describe("The folder under the layers folder, where it differs from name."),
  ...layerOptionsSchema.shape,
});
export type LayerEntry = z.infer<typeof layerEntrySchema>;

/** Another layer of the same set (edition), as a layer's reader needs to know it. */
export interface LayerRef {
  /** The config entry's name (or the folder's clean name without a config). */
  name: string;
  /** The folder under the layers folder. */
  folder: string;
  /** Its metadata trait_type where renamed (`trait`/`displayName`). */
  traitType?: string | undefined;
  /** Clean names of its traits, where already read: what a `variantOf` sub-folder may be named. */
  traits?: readonly string[] | undefined;
}

/** Named weights: a table, or the name of a built-in one. */
export type NamedWeights = "traitloom" | "datlips" | Readonly<Record<string, number>>;

export interface LayerReadOptions {
  dialect: Dialect;
  /** Position in the set's layer list, bottom first: the default z is 10 × this in most dialects. */
  layerIndex: number;
  /** The layer's name: the config entry's name, trait_type unless `options.trait` renames it. */
  name: string;
  /** The layer's folder path under the layers folder, "/"-separated: part files are this plus the path inside. */
  folder: string;
  options?: LayerOptions | undefined;
  /** How the layers folder is named in problems and warnings. Default "layers". */
  root?: string | undefined;
  /** Where the layer's entry is, for problems with its options: "traitloom.json: layers[2]". Default "layers[<layerIndex>]". */
  configPath?: string | undefined;
  /** Default: datlips' table in the datlips dialect, Traitloom's (weights.ts) otherwise. */
  namedWeights?: NamedWeights | undefined;
  /** Root files of the traitloom dialect: "auto" (default) reads nftool `12-Name.png` where every file is so. */
  weightSyntax?: WeightSyntax | undefined;
  /**
   * Trait names that are empty choices: no image needed (a 0-byte file is fine), no parts, no attribute.
   * Default: ["NONE", "None"] in the traitloom dialect, ["NONE"] in nftchef (its emptyLayerName), none elsewhere
   * (HashLips, datlips v1.4, HashLips v2 and nftool draw `None.png` and write its attribute).
   */
  emptyNames?: readonly string[] | undefined;
  /** Every layer of the set, this one included, in order: for `variantOf` and HashLips v2 edge cases. */
  layerSet?: readonly LayerRef[] | undefined;
}

export interface LayerRead {
  model: LayerModel;
  /** What stops the layer from being used as is, each naming its file or config field; the model leaves those out. */
  problems: LayerProblem[];
  /** What the user should hear: how a name was read, what the engine would have done instead, what is never drawn. */
  warnings: string[];
}

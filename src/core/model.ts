/**
 * The one trait model every folder dialect loads into (HashLips, nftchef, datlips, HashLips v2, nftool and
 * Traitloom's own): a layer is a tree of choices (pick one weighted child) whose leaves are traits; a trait draws
 * parts (image files, each with z, blend mode, opacity and offset), and may have variant art keyed by the trait
 * another layer drew. Capacity, exact counts, uniqueness, metadata and rendering are written once against it.
 *
 * Trait ids are paths: `Layer/Trait`, `Layer/Folder/Trait`, and `Layer/Folder/*` for a whole folder.
 */

/** Every canvas `globalCompositeOperation`, the non-separable modes included. */
export const BLEND_MODES = [
  "source-over",
  "source-in",
  "source-out",
  "source-atop",
  "destination-over",
  "destination-in",
  "destination-out",
  "destination-atop",
  "lighter",
  "copy",
  "xor",
  "multiply",
  "screen",
  "overlay",
  "darken",
  "lighten",
  "color-dodge",
  "color-burn",
  "hard-light",
  "soft-light",
  "difference",
  "exclusion",
  "hue",
  "saturation",
  "color",
  "luminosity",
] as const;
export type BlendMode = (typeof BLEND_MODES)[number];

/** HashLips' `constants/blend_mode.js` MODE keys (camelCase: `sourceAtop`) → canvas names, sourceAtop as meant. */
export const HASHLIPS_MODES: Readonly<Record<string, BlendMode>> = Object.fromEntries(
  BLEND_MODES.map((m) => [m.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), m]),
);

/** One image drawn for a trait. */
export interface PartSpec {
  /** Path relative to the layers folder, "/"-separated. */
  file: string;
  /** Absolute draw height: parts are drawn by (z, layer index, part index), lowest first. */
  z: number;
  blend: BlendMode;
  /** 0-1. */
  opacity: number;
  /** Offset in canvas pixels (HashLips v2 `__x`/`__y`). */
  x: number;
  y: number;
}

/** A leaf of a layer's tree: what a token gets for that layer. */
export interface TraitNode {
  kind: "trait";
  /** Clean name (weight, z and query strings removed). */
  name: string;
  /** Attribute value in metadata (a `value` override, or the name). */
  value: string;
  /** Weight among its siblings; 0 = never chosen. */
  weight: number;
  /** What it draws; none for an empty choice (`NONE`). */
  parts: PartSpec[];
  /** False for empty choices and traits kept out of metadata: no attribute. */
  inMetadata: boolean;
  /**
   * Variant art: the name of the trait the layer's `variantOf` layer drew → the parts drawn instead of `parts`
   * (datlips `Variant`, conditional art).
   */
  variants?: Record<string, PartSpec[]> | undefined;
  /** The file or folder that made it, relative to the layers folder, for messages. */
  source: string;
}

/** A folder of choices: one weighted child is picked; `required` parts are drawn whenever it is reached. */
export interface ChoiceNode {
  kind: "choice";
  /** Clean folder name ("" for the layer itself). */
  name: string;
  /** Weight among its siblings (the layer root: 1). */
  weight: number;
  /** Parts drawn whenever the walk passes through this folder (nftchef required files and groups). */
  required: PartSpec[];
  children: Array<ChoiceNode | TraitNode>;
  source: string;
}

export type ModelNode = ChoiceNode | TraitNode;

/** One layer as a dialect reads it, before it is flattened into the planner's traits. */
export interface LayerModel {
  /** trait_type in metadata (`trait`/`displayName` renames; two layers may share one). */
  name: string;
  /** The folder under the layers folder. */
  folder: string;
  /** False: the layer draws but adds no attribute (datlips `exclude`, `inMetadata: false`). */
  inMetadata: boolean;
  countsForUniqueness: boolean;
  /** The layer whose drawn trait picks this layer's variant art. */
  variantOf?: string | undefined;
  root: ChoiceNode;
}

/** The dialects a folder can be read in. */
export const DIALECTS = ["traitloom", "hashlips", "nftchef", "datlips", "hl2", "nftool"] as const;
export type Dialect = (typeof DIALECTS)[number];

/** A flattened leaf: a trait with the path that reached it and everything it draws. */
export interface Outcome {
  trait: TraitNode;
  /** Folder names from the layer root to the trait's parent. */
  path: string[];
  /** Product of local shares along the path. */
  share: number;
  /** Required parts met along the path, then the trait's own. */
  parts: PartSpec[];
}

/** The layer's leaves in tree order, each with its path, share and parts. */
export function flattenLayer(root: ChoiceNode): Outcome[] {
  const out: Outcome[] = [];
  const walk = (node: ChoiceNode, path: string[], share: number, required: PartSpec[]): void => {
    const sum = node.children.reduce((a, c) => a + c.weight, 0);
    const here = [...required, ...node.required];
    for (const child of node.children) {
      const local = sum > 0 ? child.weight / sum : 0;
      if (child.kind === "trait") out.push({ trait: child, path, share: share * local, parts: [...here, ...child.parts] });
      else walk(child, [...path, child.name], share * local, here);
    }
  };
  walk(root, [], 1, []);
  return out;
}

/** Whether a layer is flat (one level of traits, no required parts): it plans exactly as a HashLips layer. */
export function isFlat(root: ChoiceNode): boolean {
  return root.required.length === 0 && root.children.every((c) => c.kind === "trait");
}

/** The id of a trait reached by `path`: `Layer/Folder/Trait`. */
export function traitId(layer: string, path: readonly string[], trait: string): string {
  return [layer, ...path, trait].join("/");
}

/** A folder as listed, with everything under it (names and sizes only: dialects read names, never pixels). */
export interface ListedDir {
  name: string;
  files: Array<{ name: string; size: number }>;
  dirs: ListedDir[];
}

/**
 * What every reader shares: the layer's context (paths, problems, warnings), a draft tree the readers fill from
 * names alone, and `finish`, which applies the config's layer options (traits, parts, none, z, blend, opacity)
 * and turns the draft into the model, so options mean the same in every dialect.
 */
import { nearestKey } from "../config.js";
import { problem, type TraitloomErrorCode } from "../errors.js";
import { ALL_WEIGHTS_ZERO, type LayerProblem } from "../layers.js";
import {
  flattenLayer,
  type BlendMode,
  type ChoiceNode,
  type Dialect,
  type LayerModel,
  type ListedDir,
  type ModelNode,
  type PartSpec,
  type TraitNode,
} from "../model.js";
import { isJunkFile, isJunkFolder, type WeightSyntax } from "../weights.js";
import { namedWeightTable, nfc, readBlend, shownPath, trimmedName } from "./names.js";
import type { LayerOptions, LayerRead, LayerReadOptions, LayerRef, PartOptions, TraitOptions } from "./types.js";

/** One image file as read from its name, before the config's options are applied. */
export interface PartDraft {
  /** Path relative to the layers folder. */
  file: string;
  /** Clean name: what a `parts` key names it by ("<Trait>/<name>"). */
  name: string;
  /** The file that makes a file trait (`Red#5.png`): set through `traits`, never through `parts`. */
  own: boolean;
  /** A datlips sub-trait file: in the datlips dialect drawn only where a `parts` key matches it. */
  subTrait: boolean;
  /** Absolute z written in the file's own name. */
  zAbs?: number | undefined;
  /** z inherited from a folder's or the parent trait's name (nftchef `z1,Hair#20/`, a datlips sub-trait). */
  zInherited?: number | undefined;
  /** z relative to the trait's or layer's base (HashLips v2 `__z`). */
  zRel: number;
  blend?: BlendMode | undefined;
  opacity?: number | undefined;
  x?: number | undefined;
  y?: number | undefined;
  /** What nftchef makes of the file, to tell where its draw order or attribute would differ (nftchef.ts). */
  nc?: NftchefStrand | undefined;
}

/** A drawn file as nftchef v2.2.0 writes it into a token's DNA: `${address}:${zindex}${filename}`. */
export interface NftchefStrand {
  /** Dot path of readdir indices from the layer ("3.0.1"). */
  address: string;
  /** The z flag text in force ("z-10,", inherited from a folder, or ""). */
  zflag: string;
  filename: string;
  /** The attribute value nftchef writes for it: a weighted file's clean name, a required file's folder's; undefined at the layer root. */
  value: string | undefined;
}

export interface TraitDraft {
  kind: "trait";
  name: string;
  weight: number;
  parts: PartDraft[];
  inMetadata: boolean;
  /** Variant art by the parent layer's trait name. */
  variants?: Map<string, PartDraft[]> | undefined;
  source: string;
}

export interface ChoiceDraft {
  kind: "choice";
  name: string;
  weight: number;
  required: PartDraft[];
  children: Draft[];
  source: string;
}

export type Draft = TraitDraft | ChoiceDraft;

export function choiceDraft(name: string, weight: number, source: string): ChoiceDraft {
  return { kind: "choice", name, weight, required: [], children: [], source };
}

export function partDraft(file: string, name: string, fields: Partial<PartDraft> = {}): PartDraft {
  return { file, name, own: false, subTrait: false, zRel: 0, ...fields };
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A layer being read: its options, where its files are, and what was found wrong or worth a warning. */
export class LayerContext {
  readonly dialect: Dialect;
  readonly options: LayerOptions;
  readonly read: LayerReadOptions;
  readonly root: string;
  readonly named: Readonly<Record<string, number>>;
  readonly emptyNames: readonly string[];
  readonly weightSyntax: WeightSyntax;
  readonly problems: LayerProblem[] = [];
  readonly warnings: string[] = [];
  /** z of parts that carry none: 10 × layer index unless the dialect or the config says otherwise. */
  baseZ: number;
  /** The folder (LayerModel.folder) of the layer whose trait picks the variant art, where there is one. */
  variantOf: string | undefined;
  private readonly said = new Set<string>();
  private readonly cases = new Map<string, { head: string; files: string[] }>();

  constructor(read: LayerReadOptions) {
    this.read = read;
    this.dialect = read.dialect;
    this.options = read.options ?? {};
    this.root = read.root ?? "layers";
    this.named = namedWeightTable(read.namedWeights, read.dialect);
    this.emptyNames = read.emptyNames ?? (read.dialect === "traitloom" ? ["NONE", "None"] : read.dialect === "nftchef" ? ["NONE"] : []);
    this.weightSyntax = read.weightSyntax ?? "auto";
    this.baseZ = this.options.z ?? (read.dialect === "nftchef" || read.dialect === "hl2" ? 0 : 10 * read.layerIndex);
    this.variantOf = undefined;
  }

  /** Path relative to the layers folder of something inside the layer ("" = the layer folder). */
  file(rel: string): string {
    return rel ? `${this.read.folder}/${rel}` : this.read.folder;
  }

  /** How a message names it: the layers folder, the layer folder, the path inside. */
  where(rel: string): string {
    return `${this.root}/${this.file(rel)}`;
  }

  problem(code: TraitloomErrorCode, rel: string, detail: string): void {
    this.problems.push({ ...problem(code, this.where(rel), detail), file: rel ? this.file(rel) : undefined });
  }

  configProblem(field: string, detail: string): void {
    const at = this.read.configPath ?? `layers[${this.read.layerIndex}]`;
    this.problems.push({ ...problem("BAD_CONFIG", `${at}${field ? `.${field}` : ""}`, detail), file: undefined });
  }

  warn(rel: string | undefined, text: string): void {
    this.warnings.push(rel === undefined ? `${this.where("")}: ${text}` : `${shownPath(this.where(rel))}: ${text}`);
  }

  /** A warning said once per layer however many files cause it (`key` tells the cases apart). */
  once(key: string, rel: string | undefined, text: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.warn(rel, text);
  }

  /**
   * One case of an engine behaviour the user should hear about (nftchef reading `#0.5` as 0, say), met in
   * `rel`: every file of one case goes into one warning, `head` followed by the files (see flushCases).
   */
  caseOf(key: string, head: string, rel: string): void {
    const c = this.cases.get(key) ?? { head, files: [] };
    c.files.push(shownPath(this.file(rel)));
    this.cases.set(key, c);
  }

  /** The collected cases, one warning each, in the order they were first met. */
  flushCases(): void {
    for (const c of this.cases.values()) this.warn(undefined, `${c.head}: ${c.files.join(", ")}`);
    this.cases.clear();
  }

  /**
   * A name cut of spaces at its ends (with a warning naming the file, quoted); undefined and a problem where
   * nothing is left. `engine` is who would keep the spaces.
   */
  cleanName(raw: string, rel: string, engine: string): string | undefined {
    const { name, warning } = trimmedName(raw, this.where(rel), engine);
    if (warning) this.warnings.push(warning);
    if (name) return name;
    this.problem("BAD_WEIGHT", rel, `expected a trait name before the weight, found "${rel.split("/").pop() ?? rel}"`);
    return undefined;
  }

  isEmptyName(name: string): boolean {
    return this.emptyNames.includes(name);
  }

  /** The set's layers, or this one alone. */
  layerSet(): readonly LayerRef[] {
    return this.read.layerSet ?? [{ name: this.read.name, folder: this.read.folder }];
  }

  /** A layer of the set by its config name, trait_type or folder (clean or not). */
  findLayer(ref: string): LayerRef | undefined {
    const want = nfc(ref);
    const set = this.layerSet();
    return set.find((l) => l.name === want) ?? set.find((l) => l.traitType === want) ?? set.find((l) => l.folder === want || l.folder.split("/").pop() === want);
  }
}

/** A folder's entries as a reader walks them: junk left out (and not an error), files and folders in byte order. */
export interface Entries {
  files: Array<{ name: string; size: number }>;
  dirs: ListedDir[];
}

export function entriesOf(dir: ListedDir): Entries {
  return {
    files: dir.files.filter((f) => !isJunkFile(f.name)).sort((a, b) => byteOrder(a.name, b.name)),
    dirs: dir.dirs.filter((d) => !isJunkFolder(d.name)).sort((a, b) => byteOrder(a.name, b.name)),
  };
}

/** A file that is no image we read: a problem named after it. */
export function notAnImage(ctx: LayerContext, rel: string): void {
  ctx.problem("NOT_AN_IMAGE", rel, "expected a .png, .jpg, .jpeg or .webp image, found another file");
}

/** Where a file that must be drawn is empty: a problem named after it, and false. Empty choices are never opened. */
export function drawable(ctx: LayerContext, rel: string, file: { size: number }): boolean {
  if (file.size > 0) return true;
  ctx.problem("BAD_IMAGE", rel, "expected an image, found an empty file (0 bytes)");
  return false;
}

/** Joins a folder path inside the layer and a name. */
export function join(rel: string, name: string): string {
  return rel ? `${rel}/${name}` : name;
}

/** Files and folders of a folder in one byte-ordered list, as readdir gives them on Linux and macOS (strcmp). */
export function mergedEntries(dir: ListedDir): Array<{ file: { name: string; size: number } } | { dir: ListedDir }> {
  const { files, dirs } = entriesOf(dir);
  const all: Array<{ name: string; entry: { file: { name: string; size: number } } | { dir: ListedDir } }> = [
    ...files.map((f) => ({ name: f.name, entry: { file: f } })),
    ...dirs.map((d) => ({ name: d.name, entry: { dir: d } })),
  ];
  return all.sort((a, b) => byteOrder(a.name, b.name)).map((e) => e.entry);
}

/** Counts the image files under a folder, for messages about what is never drawn. */
export function countFiles(dir: ListedDir): number {
  const { files, dirs } = entriesOf(dir);
  return files.length + dirs.reduce((a, d) => a + countFiles(d), 0);
}

type TraitOptionObject = Exclude<TraitOptions, number>;

interface ResolvedOptions {
  z?: number | undefined;
  blend?: BlendMode | undefined;
  opacity?: number | undefined;
}

function parseBlendOption(ctx: LayerContext, field: string, text: string | undefined): BlendMode | undefined {
  if (text === undefined) return undefined;
  const read = readBlend(text);
  if (!read.ok) {
    ctx.configProblem(field, read.detail);
    return undefined;
  }
  if (read.warning) ctx.once(`blend:${field}`, undefined, `${field}: ${read.warning}`);
  return read.blend;
}

/** Folder names from the layer root to a node, and the node's own. */
function nodePath(path: readonly string[], name: string): string {
  return [...path, name].join("/");
}

/**
 * Applies the layer's options to the draft and makes the model: `none` adds an empty choice, `traits` changes a
 * trait's weight, value, z, blend, opacity and inMetadata, `parts` a part's; a sub-trait part no `parts` key
 * matches is left out in the datlips dialect (datlips draws sub-traits only where `subTraits` names them).
 * z: the file's own name wins, then `parts`, then a folder's or parent trait's name, then `traits`, then the
 * layer's base; HashLips v2's relative `__z` is added to the last three. Blend and opacity likewise.
 */
export function finish(ctx: LayerContext, root: ChoiceDraft): LayerRead {
  const opts = ctx.options;
  if (opts.none) {
    if (root.children.some((c) => c.name === "None")) ctx.configProblem("none", 'a trait "None" is already in the folder; remove it or the "none" option');
    else root.children.push({ kind: "trait", name: "None", weight: opts.none.weight, parts: [], inMetadata: opts.none.inMetadata ?? false, source: ctx.file("") });
  }

  // `traits`: by "<Folder>/<Trait>" path, or by a name that is one node's only.
  const byPath = new Map<string, Draft>();
  const byName = new Map<string, Draft[]>();
  const walk = (node: ChoiceDraft, path: string[]): void => {
    for (const child of node.children) {
      byPath.set(nodePath(path, child.name), child);
      byName.set(child.name, [...(byName.get(child.name) ?? []), child]);
      if (child.kind === "choice") walk(child, [...path, child.name]);
    }
  };
  walk(root, []);
  const traitOptions = new Map<Draft, TraitOptionObject & ResolvedOptions>();
  const values = new Map<Draft, string>();
  for (const [key, override] of Object.entries(opts.traits ?? {})) {
    const wanted = nfc(key);
    const named = byName.get(wanted) ?? [];
    const node = byPath.get(wanted) ?? (named.length === 1 ? named[0] : undefined);
    if (!node) {
      const near = nearestKey(wanted, [...byPath.keys()]);
      const detail =
        named.length > 1
          ? `"${key}" names ${named.length} traits (${[...byPath].filter(([, n]) => n.name === wanted).map(([p]) => p).join(", ")}); write "<Folder>/${key}"`
          : `expected a trait of layer "${ctx.read.name}", found none${near ? ` (did you mean "${near}"?)` : ""}`;
      ctx.configProblem(`traits.${key}`, detail);
      continue;
    }
    const o: TraitOptionObject = typeof override === "number" ? { weight: override } : override;
    if (o.weight !== undefined) node.weight = o.weight;
    if (o.value !== undefined) values.set(node, o.value);
    if (o.inMetadata !== undefined && node.kind === "trait") node.inMetadata = o.inMetadata;
    traitOptions.set(node, { ...o, blend: parseBlendOption(ctx, `traits.${key}.blend`, o.blend) });
  }

  const layerBlend = parseBlendOption(ctx, "blend", opts.blend);
  const partKeys = Object.entries(opts.parts ?? {}).map(([k, v]) => ({ key: nfc(k), options: v, blend: parseBlendOption(ctx, `parts.${k}.blend`, v.blend), used: false }));
  const neverDrawn: string[] = [];

  const partOptionsFor = (tracePath: string | undefined, traitName: string | undefined, part: PartDraft): { matched: boolean; options: PartOptions & ResolvedOptions } => {
    const candidates = ["*", "*/*", `*/${part.name}`];
    if (traitName !== undefined) candidates.push(`${traitName}/*`);
    if (tracePath !== undefined && tracePath !== traitName) candidates.push(`${tracePath}/*`);
    if (traitName !== undefined) candidates.push(`${traitName}/${part.name}`);
    if (tracePath !== undefined && tracePath !== traitName) candidates.push(`${tracePath}/${part.name}`);
    let merged: PartOptions & ResolvedOptions = {};
    let matched = false;
    for (const c of candidates) {
      for (const k of partKeys) {
        if (k.key !== c) continue;
        k.used = true;
        matched = true;
        const { blend: _text, ...rest } = k.options;
        merged = { ...merged, ...rest, ...(k.blend ? { blend: k.blend } : {}) };
      }
    }
    return { matched, options: merged };
  };

  const resolve = (parts: PartDraft[], tracePath: string | undefined, traitName: string | undefined, trait: ResolvedOptions | undefined): PartSpec[] => {
    const out: PartSpec[] = [];
    for (const p of parts) {
      const { matched, options: po } = p.own ? { matched: false, options: {} as PartOptions & ResolvedOptions } : partOptionsFor(tracePath, traitName, p);
      if (p.subTrait && ctx.dialect === "datlips" && !matched) {
        neverDrawn.push(p.file);
        continue;
      }
      out.push({
        file: p.file,
        z: p.zAbs ?? po.z ?? (p.zInherited ?? trait?.z ?? ctx.baseZ) + p.zRel,
        blend: p.blend ?? po.blend ?? trait?.blend ?? layerBlend ?? "source-over",
        opacity: p.opacity ?? po.opacity ?? trait?.opacity ?? opts.opacity ?? 1,
        x: p.x ?? po.x ?? 0,
        y: p.y ?? po.y ?? 0,
      });
    }
    return out;
  };

  const convert = (node: ChoiceDraft, path: string[]): ChoiceNode => {
    const here = node === root ? undefined : nodePath(path.slice(0, -1), node.name);
    const choice: ChoiceNode = {
      kind: "choice",
      name: node.name,
      weight: node.weight,
      required: resolve(node.required, here, node === root ? undefined : node.name, traitOptions.get(node)),
      children: [],
      source: node.source,
    };
    for (const child of node.children) {
      if (child.kind === "choice") {
        choice.children.push(convert(child, [...path, child.name]));
        continue;
      }
      const tp = nodePath(path, child.name);
      const to = traitOptions.get(child);
      const trait: TraitNode = {
        kind: "trait",
        name: child.name,
        value: values.get(child) ?? child.name,
        weight: child.weight,
        parts: resolve(child.parts, tp, child.name, to),
        inMetadata: child.inMetadata,
        source: child.source,
      };
      if (child.variants && child.variants.size > 0) {
        trait.variants = {};
        for (const [parentTrait, parts] of child.variants) trait.variants[parentTrait] = resolve(parts, tp, child.name, to);
      }
      choice.children.push(trait);
    }
    return choice;
  };
  const model: LayerModel = {
    name: nfc(opts.trait ?? opts.displayName ?? ctx.read.name),
    folder: ctx.read.folder,
    inMetadata: opts.inMetadata ?? true,
    countsForUniqueness: opts.countsForUniqueness ?? true,
    variantOf: ctx.variantOf,
    root: convert(root, []),
  };
  if (opts.trait !== undefined && opts.displayName !== undefined && opts.trait !== opts.displayName) {
    ctx.configProblem("displayName", `"trait" ("${opts.trait}") and "displayName" ("${opts.displayName}") both rename the layer; keep one`);
  }

  for (const k of partKeys) if (!k.used) ctx.warn(undefined, `parts.${k.key}: matches no part file of the layer, so it changes nothing`);
  if (neverDrawn.length > 0) {
    ctx.warn(
      undefined,
      `${neverDrawn.length} sub-trait file(s) never drawn: ${neverDrawn.join(", ")} (datlips draws a sub-trait folder's files only where the layer's subTraits name them; add "parts": { "<Trait>/<file>": {} } or "*" to draw them)`,
    );
  }
  ctx.flushCases();
  checkOutcomes(ctx, model.root);
  return { model, problems: ctx.problems, warnings: ctx.warnings };
}

/** A layer every token can draw from, and what the user should know about its traits. */
function checkOutcomes(ctx: LayerContext, root: ChoiceNode): void {
  const outcomes = flattenLayer(root);
  if (outcomes.length === 0) {
    if (!ctx.problems.some((p) => p.code === "LAYER_EMPTY")) ctx.problem("LAYER_EMPTY", "", "expected at least one trait image, found none");
    return;
  }
  if (!outcomes.some((o) => o.share > 0)) {
    ctx.problem("BAD_WEIGHT", "", ALL_WEIGHTS_ZERO);
    return;
  }
  const never = outcomes.filter((o) => o.share === 0).map((o) => [...o.path, o.trait.name].join("/"));
  if (never.length > 0) ctx.warn(undefined, `never chosen at random (weight 0 on the trait or a folder above it): ${never.join(", ")}`);
  const byValue = new Map<string, string[]>();
  for (const o of outcomes) {
    if (!o.trait.inMetadata) continue;
    const id = [...o.path, o.trait.name].join("/");
    byValue.set(o.trait.value, [...(byValue.get(o.trait.value) ?? []), id]);
  }
  for (const [value, ids] of byValue) {
    if (ids.length > 1) ctx.warn(undefined, `traits ${ids.join(", ")} all write the value "${value}": metadata and rarity cannot tell them apart`);
  }
}

/** Every leaf of a model tree, depth first. */
export function leaves(node: ModelNode): TraitNode[] {
  return node.kind === "trait" ? [node] : node.children.flatMap(leaves);
}

/**
 * Resolves `variantOf` to the parent layer's folder, with the parent's trait names where known; a reference to
 * no layer of the set is a config problem.
 */
export function resolveVariantOf(ctx: LayerContext, ref: string): LayerRef | undefined {
  const parent = ctx.findLayer(ref);
  if (!parent) {
    const near = nearestKey(ref, ctx.layerSet().map((l) => l.name));
    ctx.configProblem("variantOf", `expected the name of another layer of the set, found "${ref}"${near ? ` (did you mean "${near}"?)` : ""}`);
    return undefined;
  }
  if (parent.folder === ctx.read.folder) {
    ctx.configProblem("variantOf", `a layer cannot take its variant art from itself ("${ref}")`);
    return undefined;
  }
  ctx.variantOf = parent.folder;
  return parent;
}

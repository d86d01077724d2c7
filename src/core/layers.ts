import type { TraitloomConfig } from "./config.js";
import { detectDialect, readLayer as readModelLayer, type DialectChoice, type LayerEntry, type LayerRef } from "./dialects/index.js";
import { DATLIPS_NAMED_WEIGHTS } from "./dialects/names.js";
import { flattenLayer, isFlat, type ChoiceNode, type Dialect, type ListedDir, type PartSpec } from "./model.js";
import { analyzeEditions, type EditionInfo } from "./editions.js";
import type { RuleSpec } from "./rules.js";
import type { CountNode } from "./treeCounts.js";
import { nearestKey } from "./config.js";
import { problem, problemsError, type TraitloomErrorCode, type TraitloomProblem } from "./errors.js";
import { canonicalName, DEFAULT_NAMED_WEIGHTS, imageExtension, isJunkFile, isJunkFolder, looksNftool, parseLayerFolderName, readTraitFileName } from "./weights.js";

/** A file as listed in a layer folder, by Node's fs or by the browser's File API. */
export interface ListedFile {
  name: string;
  size: number;
  /**
   * Where the lister found the file cannot be read (a symlink to a missing file, no permission): what was
   * expected and found, the message after its path. The file is then a problem of its layer.
   */
  unreadable?: string | undefined;
}

export interface ListedFolder {
  /** The folder's name directly under the layers folder. */
  folder: string;
  files: ListedFile[];
  subfolders: string[];
  /**
   * The whole folder with everything under it (names and sizes), where it has sub-folders: what the trait model's
   * dialects read (nested choices, parts, variants). Listers fill it; without it the sub-folders read as empty.
   */
  tree?: ListedDir | undefined;
  /** Where the folder could not be listed (no permission): what was expected and found; `files` is then empty. */
  unreadable?: string | undefined;
}

/** What the layers folder holds: the input of buildLayerSet, the same from disk and from a dropped folder. */
export interface LayersListing {
  /** How the layers folder is named in messages, e.g. "assets/demo-layers". */
  root: string;
  folders: ListedFolder[];
  /** Files lying directly in the layers folder, not in a layer folder. */
  rootFiles: string[];
  /** What the lister found worth a warning (symlinks out of the folder, say), each one line naming its file. */
  warnings?: string[] | undefined;
}

export interface Trait {
  /** Index in its layer: the trait's number in a token's DNA. */
  index: number;
  /** The trait name read from the file name: metadata value unless the config gives another. */
  name: string;
  /** Attribute value written to metadata. */
  value: string;
  /** Path relative to the layers folder, e.g. "01-Background/Sky#30.png" (a trait of several parts: its first, or its folder). */
  file: string;
  /** Flat layers: the weight; a layer read into the trait model: the trait's share (product of local shares). */
  weight: number;
  /** Folders from the layer folder to the trait, where the layer is a tree (`Layer/Folder/Trait`); absent at the root. */
  path?: string[] | undefined;
  /**
   * What the trait draws, where the layer was read into the trait model: required parts met on its path, then its
   * own, each with z, blend, opacity and offset. Absent: `file`, drawn plainly at the layer's place.
   */
  parts?: PartSpec[] | undefined;
  /** Variant art: the name of the trait the layer's `variantOf` layer drew → the parts drawn instead. */
  variants?: Record<string, PartSpec[]> | undefined;
  /** false: no attribute (an empty choice such as NONE, or `inMetadata: false`). Default true. */
  inMetadata?: boolean | undefined;
  /** The trait a layer holds on tokens of another edition (editions.ts): draws nothing, no attribute, not unique. */
  absent?: true | undefined;
}

export interface Layer {
  index: number;
  /** trait_type in metadata. */
  name: string;
  folder: string;
  countsForUniqueness: boolean;
  traits: Trait[];
  /** The metadata trait_type where it differs from `name` (`trait`/`displayName`; two layers may share one). */
  traitType?: string | undefined;
  /** false: the layer is drawn but adds no attribute (datlips `exclude`). Default true. */
  inMetadata?: boolean | undefined;
  /** The index of the layer whose drawn trait picks this layer's variant art. */
  variantOf?: number | undefined;
  /** The layer's choice tree for exact counts per folder (apportionTree), where it is not flat. */
  tree?: CountNode | undefined;
}

export interface LayerSet {
  layers: Layer[];
  /** The dialect the folders were read in ("traitloom" unless the config says otherwise). */
  dialect?: Dialect | undefined;
  /** Where the config said "auto": the dialect picked and the marker (file) that decided it. */
  detected?: DialectChoice | undefined;
  /** The editions (config `editions`), each a range of the layers; the planner plans each on its own (editions.ts). */
  editions?: readonly EditionInfo[] | undefined;
  /** Mix the editions' tokens across ids by the seed (config `shuffle: "ids"`). */
  shuffleIds?: boolean | undefined;
  /** With editions: the config's rules and counts, which the planner applies per edition (editions.ts). */
  editionRules?: (RuleSpec & { source: string }) | undefined;
  /** Junk files passed over (.DS_Store and the like), as paths relative to the layers folder. */
  skipped: string[];
  /** Layer folders present but not named in the config's `layers`. */
  unusedFolders: string[];
  warnings: string[];
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A problem with the layer files or the config's layers, as buildLayerSet's error lists it. */
export interface LayerProblem extends TraitloomProblem {
  /**
   * Where the problem is one file of a layer, or a folder inside one: its path relative to the layers folder
   * ("02-Body/notes.txt"), and the layer's traits are read without it. Undefined where the problem is a whole
   * layer's, the layers folder's or the config's.
   */
  file: string | undefined;
}

/** What analyzeLayers makes of a listing and a config: the layer set where nothing is wrong, and every problem. */
export interface LayerAnalysis {
  /** The layer set, where `problems` is empty; undefined otherwise. */
  layerSet: LayerSet | undefined;
  /** Every problem, in layer order and, within a layer, in file order. */
  problems: LayerProblem[];
  /**
   * Every layer of the config (or every folder, without one) that was found, with the traits of its files
   * that have no problem: what a panel can show while problems stand in the way of the layer set.
   */
  layers: Layer[];
  /** As in LayerSet. */
  skipped: string[];
  unusedFolders: string[];
  warnings: string[];
  /** As in LayerSet. */
  dialect?: Dialect | undefined;
  detected?: DialectChoice | undefined;
}

interface LayerChoice {
  /** Position in the config's `layers` (or in the folder order): the layer's index. */
  index: number;
  folder: ListedFolder;
  name: string;
  countsForUniqueness: boolean;
  overrides: LayerEntry["traits"];
  configPath: string | undefined;
  /** The config entry (or the folder's name alone). */
  entry: LayerEntry;
}

/**
 * The detail of a trait name given twice in one folder: the one wording of it, for today's reader and every
 * dialect's. `also` names the other file (or folder).
 */
export function duplicateTraitDetail(name: string, also: string, twin = ""): string {
  return `expected one file per trait name, found trait "${name}" also given by ${also}${twin}`;
}

/** The detail of a layer none of whose traits can be chosen. */
export const ALL_WEIGHTS_ZERO = "expected at least one trait with a weight > 0, found all weights 0";

function layerProblem(code: TraitloomErrorCode, path: string, detail: string, file?: string): LayerProblem {
  return { ...problem(code, path, detail), file };
}

/** A path as a warning about names shows it: in quotes where a part of it starts or ends with white space, so it shows. */
export function shownPath(path: string): string {
  return /(^|[/#])\s|\s($|[/#.])/.test(path) ? JSON.stringify(path) : path;
}

/** True where the name is written another way than Unicode NFC (macOS writes NFD into ZIPs and some disks). */
function notNfc(name: string): boolean {
  return canonicalName(name) !== name;
}

/**
 * The CLI's layer order without a config `layers`: folders with a numeric prefix first, by number, the rest
 * alphabetically; the prefix only orders and is never part of the layer name. `warning` says so where the
 * order is (partly) alphabetical, with how to set it.
 *
 * @example orderLayerFolders([hat, background]) // layers [{ folder: background, name: "Background" }, { folder: hat, name: "Hat" }], a warning
 */
export function orderLayerFolders(folders: readonly ListedFolder[]): { layers: Array<{ folder: ListedFolder; name: string }>; warning: string | undefined } {
  const parsed = folders.map((folder) => ({ folder, ...parseLayerFolderName(folder.folder) }));
  parsed.sort(
    (a, b) =>
      (a.order === undefined ? 1 : 0) - (b.order === undefined ? 1 : 0) || (a.order ?? 0) - (b.order ?? 0) || byName(a.folder.folder, b.folder.folder),
  );
  const unordered = parsed.filter((p) => p.order === undefined);
  let warning: string | undefined;
  if (parsed.length > 1 && unordered.length > 0) {
    const what = unordered.length === parsed.length ? "alphabetical" : `alphabetical for folders without a numeric prefix (${unordered.map((p) => p.folder.folder).join(", ")})`;
    warning = `layer order is ${what}: ${parsed.map((p) => p.name).join(", ")}; set it with "layers" in traitloom.json or prefix folders 01-, 02-, … (bottom first)`;
  }
  return { layers: parsed.map((p) => ({ folder: p.folder, name: p.name })), warning };
}

function chooseLayers(listing: LayersListing, config: TraitloomConfig, folders: ListedFolder[], out: LayerAnalysis, configSource: string): LayerChoice[] {
  const configured = config.layers;
  if (configured) {
    const choices: LayerChoice[] = [];
    configured.forEach((entry, i) => {
      const spec = typeof entry === "string" ? { name: entry } : entry;
      const wanted = spec.folder ?? spec.name;
      // By NFC, as names are read: a config typed on one system names the folder unpacked on another.
      const wantedName = canonicalName(wanted);
      const folder =
        folders.find((f) => f.folder === wanted) ??
        folders.find((f) => canonicalName(f.folder) === wantedName) ??
        (spec.folder === undefined ? folders.find((f) => parseLayerFolderName(f.folder).name === canonicalName(spec.name)) : undefined);
      const taken = folder && choices.find((c) => c.folder === folder);
      if (taken) {
        // Two entries drawing one folder would make two layers of the same images: each would count twice.
        out.problems.push(
          layerProblem(
            "BAD_CONFIG",
            `${configSource}: layers[${i}]`,
            `expected each folder under one layer, found "${folder.folder}" also under layers[${taken.index}] ("${taken.name}")`,
          ),
        );
        return;
      }
      if (!folder) {
        const near = nearestKey(wanted, folders.map((f) => f.folder));
        out.problems.push(
          layerProblem(
            "LAYER_MISSING",
            `${configSource}: layers[${i}]`,
            `expected a folder "${wanted}" in ${listing.root}, found none${near ? ` (did you mean "${near}"?)` : ` (folders: ${folders.map((f) => f.folder).join(", ") || "none"})`}`,
          ),
        );
        return;
      }
      choices.push({
        index: i,
        folder,
        name: canonicalName(spec.name),
        countsForUniqueness: (typeof entry === "string" ? undefined : entry.countsForUniqueness) ?? true,
        overrides: typeof entry === "string" ? undefined : entry.traits,
        configPath: `${configSource}: layers[${i}]`,
        entry: spec,
      });
    });
    return choices;
  }
  const order = orderLayerFolders(folders);
  if (order.warning !== undefined) out.warnings.push(order.warning);
  return order.layers.map((l, index) => ({
    index,
    folder: l.folder,
    name: l.name,
    countsForUniqueness: true,
    overrides: undefined,
    configPath: undefined,
    entry: { name: l.name },
  }));
}

/** One layer's traits from its folder; its problems go to `out`, file problems in file order. */
function readLayer(root: string, choice: LayerChoice, config: TraitloomConfig, namedWeights: Readonly<Record<string, number>>, out: LayerAnalysis): Layer {
  const { folder } = choice;
  const where = `${root}/${folder.folder}`;
  const layer: Layer = { index: choice.index, name: choice.name, folder: folder.folder, countsForUniqueness: choice.countsForUniqueness, traits: [] };
  const rename = choice.entry.trait ?? choice.entry.displayName;
  if (rename !== undefined && canonicalName(rename) !== layer.name) layer.traitType = canonicalName(rename);
  if (choice.entry.inMetadata === false) layer.inMetadata = false;
  if (folder.unreadable !== undefined) {
    out.problems.push(layerProblem("LAYERS_NOT_FOUND", where, folder.unreadable));
    return layer;
  }
  for (const sub of folder.subfolders.filter((s) => !isJunkFolder(s))) {
    out.problems.push(
      layerProblem(
        "LAYER_NESTED",
        `${where}/${sub}`,
        `expected only image files in ${where}, found a sub-folder (nftchef/datlips nested and multi-part traits and variants are not read yet)`,
        `${folder.folder}/${sub}`,
      ),
    );
  }
  const fileProblems: LayerProblem[] = [];
  const images: ListedFile[] = [];
  for (const file of [...folder.files].sort((a, b) => byName(a.name, b.name))) {
    const path = `${folder.folder}/${file.name}`;
    if (isJunkFile(file.name)) out.skipped.push(path);
    else if (file.unreadable !== undefined) fileProblems.push(layerProblem("BAD_IMAGE", `${root}/${path}`, file.unreadable, path));
    else if (!imageExtension(file.name)) {
      fileProblems.push(layerProblem("NOT_AN_IMAGE", `${root}/${path}`, "expected a .png, .jpg, .jpeg or .webp image, found another file", path));
    } else if (file.size === 0) {
      fileProblems.push(layerProblem("BAD_IMAGE", `${root}/${path}`, "expected an image, found an empty file (0 bytes)", path));
    } else images.push(file);
  }
  if (images.length === 0) {
    out.problems.push(...fileProblems, layerProblem("LAYER_EMPTY", where, "expected at least one trait image, found none"));
    return layer;
  }
  const syntaxSetting = config.weightSyntax ?? "auto";
  const syntax = syntaxSetting === "auto" ? (images.every((f) => looksNftool(f.name)) ? "nftool" : "hashlips") : syntaxSetting;
  const byTraitName = new Map<string, Trait>();
  for (const file of images) {
    const path = `${folder.folder}/${file.name}`;
    const read = readTraitFileName(file.name, syntax, namedWeights);
    if (!read.ok) {
      fileProblems.push(layerProblem("BAD_WEIGHT", `${root}/${path}`, read.detail, path));
      continue;
    }
    for (const w of read.warnings) out.warnings.push(`${shownPath(`${root}/${path}`)}: ${w}`);
    const clash = byTraitName.get(read.name);
    if (clash) {
      // Names are compared in NFC, so "Café" composed and decomposed (a macOS ZIP) clash here. That is a problem,
      // not a warning: both would write the same attribute value, which metadata, marketplaces and rarity
      // cannot tell apart, so there is no keeping them as two traits without a rename.
      const twin = notNfc(file.name) || notNfc(clash.file.slice(folder.folder.length + 1)) ? ", the same name written in another Unicode form (NFC and NFD: macOS ZIPs do this)" : "";
      fileProblems.push(
        layerProblem("DUPLICATE_TRAIT", `${root}/${path}`, duplicateTraitDetail(read.name, clash.file, twin), path),
      );
      continue;
    }
    const trait: Trait = { index: layer.traits.length, name: read.name, value: read.name, file: path, weight: read.weight ?? 1 };
    byTraitName.set(read.name, trait);
    layer.traits.push(trait);
  }
  out.problems.push(...fileProblems.sort((a, b) => byName(a.file ?? "", b.file ?? "")));
  for (const [traitName, override] of Object.entries(choice.overrides ?? {})) {
    const trait = byTraitName.get(canonicalName(traitName));
    if (!trait) {
      const near = nearestKey(traitName, [...byTraitName.keys()]);
      out.problems.push(
        layerProblem(
          "BAD_CONFIG",
          `${choice.configPath ?? "layers"}.traits.${traitName}`,
          `expected a trait of layer "${choice.name}", found none${near ? ` (did you mean "${near}"?)` : ""}`,
        ),
      );
      continue;
    }
    if (typeof override === "number") trait.weight = override;
    else {
      if (override.weight !== undefined) trait.weight = override.weight;
      if (override.value !== undefined) trait.value = override.value;
      if (override.inMetadata === false) trait.inMetadata = false;
    }
  }
  if (layer.traits.length > 0 && !layer.traits.some((t) => t.weight > 0)) {
    out.problems.push(layerProblem("BAD_WEIGHT", where, ALL_WEIGHTS_ZERO));
  }
  return layer;
}

/** Layer options only the trait model carries: a layer with any of them is read by the dialect readers. */
const MODEL_OPTIONS = ["blend", "opacity", "z", "parts", "variantOf", "none"] as const;

/**
 * Whether a layer is read into the trait model (src/core/dialects) rather than by today's flat reader: any
 * dialect but Traitloom's own, a layer folder with sub-folders, or an option only the model has. A flat
 * HashLips or nftool folder in Traitloom's dialect keeps today's reader, so its output stays byte for byte.
 */
function needsModel(dialect: Dialect, choice: LayerChoice): boolean {
  if (dialect !== "traitloom") return true;
  if (choice.folder.subfolders.some((s) => !isJunkFolder(s))) return true;
  const entry = choice.entry;
  if (MODEL_OPTIONS.some((k) => entry[k] !== undefined)) return true;
  return Object.values(entry.traits ?? {}).some((o) => typeof o === "object" && (o.z !== undefined || o.blend !== undefined || o.opacity !== undefined));
}

/** A listed layer folder as the dialects read it: its tree where the lister made one, else its files alone. */
export function listedDirOf(folder: ListedFolder): ListedDir {
  if (folder.tree) return folder.tree;
  return {
    name: folder.folder,
    files: folder.files.filter((f) => f.unreadable === undefined).map((f) => ({ name: f.name, size: f.size })),
    dirs: folder.subfolders.map((name) => ({ name, files: [], dirs: [] })),
  };
}

/** The counting tree of a layer's choices, leaves numbered as flattenLayer lists them. */
function countTree(root: ChoiceNode): CountNode {
  let next = 0;
  const walk = (node: ChoiceNode): CountNode => ({
    weight: node.weight,
    children: node.children.map((c) => (c.kind === "trait" ? { weight: c.weight, trait: next++ } : walk(c))),
  });
  return walk(root);
}

/** One layer read by its dialect's reader into the trait model, then flattened into the planner's traits. */
function readModel(root: string, choice: LayerChoice, dialect: Dialect, config: TraitloomConfig, refs: readonly LayerRef[], out: LayerAnalysis): Layer {
  const { folder } = choice;
  const layer: Layer = { index: choice.index, name: choice.name, folder: folder.folder, countsForUniqueness: choice.countsForUniqueness, traits: [] };
  if (folder.unreadable !== undefined) {
    out.problems.push(layerProblem("LAYERS_NOT_FOUND", `${root}/${folder.folder}`, folder.unreadable));
    return layer;
  }
  for (const file of folder.files) {
    if (file.unreadable !== undefined && !isJunkFile(file.name)) {
      const path = `${folder.folder}/${file.name}`;
      out.problems.push(layerProblem("BAD_IMAGE", `${root}/${path}`, file.unreadable, path));
    }
  }
  const { name: _name, folder: _folder, ...options } = choice.entry;
  const read = readModelLayer(listedDirOf(folder), {
    dialect,
    layerIndex: choice.index,
    name: choice.name,
    folder: folder.folder,
    options,
    root,
    configPath: choice.configPath,
    namedWeights: config.namedWeights ? { ...(dialect === "datlips" ? DATLIPS_NAMED_WEIGHTS : DEFAULT_NAMED_WEIGHTS), ...config.namedWeights } : undefined,
    weightSyntax: config.weightSyntax,
    layerSet: refs,
  });
  out.problems.push(...read.problems);
  out.warnings.push(...read.warnings);
  const model = read.model;
  if (model.name !== layer.name) layer.traitType = model.name;
  if (!model.inMetadata) layer.inMetadata = false;
  if (!model.countsForUniqueness) layer.countsForUniqueness = false;
  if (model.variantOf !== undefined) {
    const parent = refs.findIndex((r) => r.folder === model.variantOf);
    // refs are in the choices' order, which is the layers' order wherever the set has no problem.
    if (parent >= 0) layer.variantOf = parent;
  }
  const flat = isFlat(model.root);
  layer.traits = flattenLayer(model.root).map((o, index) => {
    // A flat layer keeps its weights as written (rarity.csv shows them); a tree's traits weigh their shares.
    const weight = flat ? o.trait.weight : o.share;
    const trait: Trait = { index, name: o.trait.name, value: o.trait.value, file: o.trait.source, weight, parts: o.parts };
    if (o.path.length > 0) trait.path = o.path;
    if (!o.trait.inMetadata) trait.inMetadata = false;
    const variants = o.trait.variants;
    if (variants) {
      // Variant art replaces the trait's own parts; the required parts met on its path stay.
      const required = o.parts.slice(0, o.parts.length - o.trait.parts.length);
      trait.variants = Object.fromEntries(Object.entries(variants).map(([k, parts]) => [k, [...required, ...parts]]));
    }
    return trait;
  });
  if (!flat) layer.tree = countTree(model.root);
  return layer;
}

/**
 * Reads layers and traits from a listing of the layers folder and the config, as buildLayerSet does, and
 * lists every problem instead of stopping at the first: each names its file, folder or config field, what was
 * expected and what was found. A file with a problem is left out of its layer (and named in `file`), so the
 * other files of the layer are still read and checked; the layer set is made only where nothing is wrong.
 * The studio calls this and adds the problems only it can know (images that do not decode in the browser).
 *
 * @example
 * const { layerSet, problems } = analyzeLayers(listing, config);
 * for (const p of problems) console.log(p.message); // "layers/02-Body/notes.txt: expected a .png, …"
 */
export function analyzeLayers(listing: LayersListing, config: TraitloomConfig = {}, configSource = "traitloom.json"): LayerAnalysis {
  if (config.editions) return analyzeEditions(listing, config, configSource);
  const out: LayerAnalysis = { layerSet: undefined, problems: [], layers: [], skipped: [], unusedFolders: [], warnings: [] };
  const folders = listing.folders.filter((f) => {
    if (isJunkFolder(f.folder)) {
      out.skipped.push(`${f.folder}/`);
      return false;
    }
    return true;
  });
  out.skipped.push(...listing.rootFiles);
  out.warnings.push(...(listing.warnings ?? []));
  if (folders.length === 0) {
    out.problems.push(layerProblem("LAYERS_NOT_FOUND", listing.root, "expected one sub-folder per layer, found no folders"));
    return out;
  }
  const namedWeights = { ...DEFAULT_NAMED_WEIGHTS, ...config.namedWeights };
  const choices = chooseLayers(listing, config, folders, out, configSource);
  const used = new Set(choices.map((c) => c.folder.folder));
  out.unusedFolders = folders.filter((f) => !used.has(f.folder)).map((f) => f.folder);
  const setting = config.dialect ?? "traitloom";
  if (setting === "auto") {
    out.detected = detectDialect(folders.map(listedDirOf));
    out.dialect = out.detected.dialect;
  } else out.dialect = setting;
  const dialect = out.dialect;
  const seenNames = new Map<string, string>();
  for (const choice of choices) {
    const where = `${listing.root}/${choice.folder.folder}`;
    // A config entry is named by its place in "layers" and its folder; a folder read without a config by its path.
    const shown = choice.configPath !== undefined ? `layers[${choice.index}] (folder ${choice.folder.folder})` : where;
    const previous = seenNames.get(choice.name);
    if (previous !== undefined) {
      const found = choice.configPath !== undefined ? `"${choice.name}" (folder ${choice.folder.folder})` : `"${choice.name}"`;
      out.problems.push(
        layerProblem("BAD_CONFIG", choice.configPath ?? where, `expected each layer name once, found ${found} also given by ${previous}; give each layer its own name`),
      );
    } else seenNames.set(choice.name, shown);
  }
  // Layers read into the trait model are read parents first (`variantOf`, datlips' Variant first layer), so a
  // reader knows the parent's traits; problems and layers keep the config's order.
  const refs: LayerRef[] = choices.map((c) => ({ name: c.name, folder: c.folder.folder, traitType: c.entry.trait ?? c.entry.displayName }));
  const reads: Array<{ layer: Layer; problems: LayerProblem[]; warnings: string[] } | undefined> = choices.map(() => undefined);
  const reading = new Set<number>();
  const readAt = (i: number): void => {
    const choice = choices[i];
    if (!choice || reads[i] || reading.has(i)) return;
    reading.add(i);
    const sub: LayerAnalysis = { layerSet: undefined, problems: [], layers: [], skipped: [], unusedFolders: [], warnings: [] };
    let layer: Layer;
    if (needsModel(dialect, choice)) {
      const parentRef = choice.entry.variantOf ?? (dialect === "datlips" && i > 0 && refs[0]?.folder.includes("Variant") ? refs[0].name : undefined);
      const parent = parentRef === undefined ? -1 : refs.findIndex((r) => r.name === parentRef || r.traitType === parentRef || r.folder === parentRef);
      if (parent >= 0 && parent !== i) readAt(parent);
      layer = readModel(listing.root, choice, dialect, config, refs, sub);
    } else {
      layer = readLayer(listing.root, choice, config, namedWeights, sub);
    }
    const ref = refs[i];
    if (ref) ref.traits = layer.traits.map((t) => t.name);
    reads[i] = { layer, problems: sub.problems, warnings: sub.warnings };
    out.skipped.push(...sub.skipped);
  };
  choices.forEach((_, i) => readAt(i));
  const said = new Set(out.warnings);
  for (const read of reads) {
    if (!read) continue;
    out.layers.push(read.layer);
    out.problems.push(...read.problems);
    for (const w of read.warnings) {
      if (said.has(w)) continue;
      said.add(w);
      out.warnings.push(w);
    }
  }
  if (out.problems.length === 0) {
    out.layerSet = { layers: out.layers, skipped: out.skipped, unusedFolders: out.unusedFolders, warnings: out.warnings, dialect: out.dialect, detected: out.detected };
  }
  return out;
}

/**
 * Reads layers and traits from a listing of the layers folder and the config: layer order, trait names and
 * weights from file names (HashLips, named and nftool syntaxes), config overrides. Junk files are skipped and
 * listed. Any problem throws one TraitloomError: a single problem is its own one-line message naming the file or
 * config field; several (code "PROBLEMS") are summed up on the first line and listed under it, all of them in
 * the error's `problems` (analyzeLayers returns them without throwing).
 * Images are not opened here: the render backend checks that they decode and share one size.
 */
export function buildLayerSet(listing: LayersListing, config: TraitloomConfig = {}, configSource = "traitloom.json"): LayerSet {
  const analysis = analyzeLayers(listing, config, configSource);
  if (!analysis.layerSet) throw problemsError(listing.root, analysis.problems);
  return analysis.layerSet;
}

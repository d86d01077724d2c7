import type { TraitloomConfig } from "./config.js";
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
  /** Path relative to the layers folder, e.g. "01-Background/Sky#30.png". */
  file: string;
  weight: number;
}

export interface Layer {
  index: number;
  /** trait_type in metadata. */
  name: string;
  folder: string;
  countsForUniqueness: boolean;
  traits: Trait[];
}

export interface LayerSet {
  layers: Layer[];
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
}

interface LayerChoice {
  /** Position in the config's `layers` (or in the folder order): the layer's index. */
  index: number;
  folder: ListedFolder;
  name: string;
  countsForUniqueness: boolean;
  overrides: Record<string, number | { weight?: number | undefined; value?: string | undefined }> | undefined;
  configPath: string | undefined;
}

function layerProblem(code: TraitloomErrorCode, path: string, detail: string, file?: string): LayerProblem {
  return { ...problem(code, path, detail), file };
}

/** A path as a warning about names shows it: in quotes where a part of it starts or ends with white space, so it shows. */
function shownPath(path: string): string {
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
  }));
}

/** One layer's traits from its folder; its problems go to `out`, file problems in file order. */
function readLayer(root: string, choice: LayerChoice, config: TraitloomConfig, namedWeights: Readonly<Record<string, number>>, out: LayerAnalysis): Layer {
  const { folder } = choice;
  const where = `${root}/${folder.folder}`;
  const layer: Layer = { index: choice.index, name: choice.name, folder: folder.folder, countsForUniqueness: choice.countsForUniqueness, traits: [] };
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
        layerProblem("DUPLICATE_TRAIT", `${root}/${path}`, `expected one file per trait name, found trait "${read.name}" also given by ${clash.file}${twin}`, path),
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
    }
  }
  if (layer.traits.length > 0 && !layer.traits.some((t) => t.weight > 0)) {
    out.problems.push(layerProblem("BAD_WEIGHT", where, "expected at least one trait with a weight > 0, found all weights 0"));
  }
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
    out.layers.push(readLayer(listing.root, choice, config, namedWeights, out));
  }
  if (out.problems.length === 0) out.layerSet = { layers: out.layers, skipped: out.skipped, unusedFolders: out.unusedFolders, warnings: out.warnings };
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

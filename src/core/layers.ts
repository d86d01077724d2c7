import type { TraitloomConfig } from "./config.js";
import { nearestKey } from "./config.js";
import { TraitloomError } from "./errors.js";
import {
  DEFAULT_NAMED_WEIGHTS,
  imageExtension,
  isJunkFile,
  looksNftool,
  parseLayerFolderName,
  parseTraitFileName,
} from "./weights.js";

/** A file as listed in a layer folder, by Node's fs or by the browser's File API. */
export interface ListedFile {
  name: string;
  size: number;
}

export interface ListedFolder {
  /** The folder's name directly under the layers folder. */
  folder: string;
  files: ListedFile[];
  subfolders: string[];
}

/** What the layers folder holds: the input of buildLayerSet, the same from disk and from a dropped folder. */
export interface LayersListing {
  /** How the layers folder is named in messages, e.g. "assets/demo-layers". */
  root: string;
  folders: ListedFolder[];
  /** Files lying directly in the layers folder, not in a layer folder. */
  rootFiles: string[];
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

const JUNK_FOLDERS = new Set(["__macosx", ".git", "node_modules"]);

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface LayerChoice {
  folder: ListedFolder;
  name: string;
  countsForUniqueness: boolean;
  overrides: Record<string, number | { weight?: number | undefined; value?: string | undefined }> | undefined;
  configPath: string | undefined;
}

function chooseLayers(listing: LayersListing, config: TraitloomConfig, folders: ListedFolder[], warnings: string[], configSource: string): LayerChoice[] {
  const configured = config.layers;
  if (configured) {
    return configured.map((entry, i) => {
      const spec = typeof entry === "string" ? { name: entry } : entry;
      const wanted = spec.folder ?? spec.name;
      const folder =
        folders.find((f) => f.folder === wanted) ??
        (spec.folder === undefined ? folders.find((f) => parseLayerFolderName(f.folder).name === spec.name) : undefined);
      if (!folder) {
        const near = nearestKey(wanted, folders.map((f) => f.folder));
        throw new TraitloomError(
          "LAYER_MISSING",
          `${configSource}: layers[${i}]: expected a folder "${wanted}" in ${listing.root}, found none${near ? ` (did you mean "${near}"?)` : ` (folders: ${folders.map((f) => f.folder).join(", ") || "none"})`}`,
        );
      }
      return {
        folder,
        name: spec.name,
        countsForUniqueness: (typeof entry === "string" ? undefined : entry.countsForUniqueness) ?? true,
        overrides: typeof entry === "string" ? undefined : entry.traits,
        configPath: `${configSource}: layers[${i}]`,
      };
    });
  }
  const parsed = folders.map((folder) => ({ folder, ...parseLayerFolderName(folder.folder) }));
  // Prefixed folders first, by number; the rest alphabetically. A prefix only orders: it is never part of the name.
  parsed.sort(
    (a, b) =>
      (a.order === undefined ? 1 : 0) - (b.order === undefined ? 1 : 0) ||
      (a.order ?? 0) - (b.order ?? 0) ||
      byName(a.folder.folder, b.folder.folder),
  );
  const unordered = parsed.filter((p) => p.order === undefined);
  if (parsed.length > 1 && unordered.length > 0) {
    const what = unordered.length === parsed.length ? "alphabetical" : `alphabetical for folders without a numeric prefix (${unordered.map((p) => p.folder.folder).join(", ")})`;
    warnings.push(
      `layer order is ${what}: ${parsed.map((p) => p.name).join(", ")}; set it with "layers" in traitloom.json or prefix folders 01-, 02-, … (bottom first)`,
    );
  }
  return parsed.map((p) => ({
    folder: p.folder,
    name: p.name,
    countsForUniqueness: true,
    overrides: undefined,
    configPath: undefined,
  }));
}

/**
 * Reads layers and traits from a listing of the layers folder and the config: layer order, trait names and
 * weights from file names (HashLips, named and nftool syntaxes), config overrides. Junk files are skipped and
 * listed; any other problem is one TraitloomError naming the file or config field.
 * Images are not opened here: the render backend checks that they decode and share one size.
 */
export function buildLayerSet(listing: LayersListing, config: TraitloomConfig = {}, configSource = "traitloom.json"): LayerSet {
  const warnings: string[] = [];
  const skipped: string[] = [];
  const folders = listing.folders.filter((f) => {
    if (JUNK_FOLDERS.has(f.folder.toLowerCase()) || f.folder.startsWith(".")) {
      skipped.push(`${f.folder}/`);
      return false;
    }
    return true;
  });
  for (const f of listing.rootFiles) {
    skipped.push(f);
  }
  if (folders.length === 0) {
    throw new TraitloomError("LAYERS_NOT_FOUND", `${listing.root}: expected one sub-folder per layer, found no folders`);
  }
  const namedWeights = { ...DEFAULT_NAMED_WEIGHTS, ...config.namedWeights };
  const choices = chooseLayers(listing, config, folders, warnings, configSource);
  const used = new Set(choices.map((c) => c.folder.folder));
  const unusedFolders = folders.filter((f) => !used.has(f.folder)).map((f) => f.folder);
  const seenNames = new Map<string, string>();

  const layers = choices.map((choice, layerIndex): Layer => {
    const { folder } = choice;
    const where = `${listing.root}/${folder.folder}`;
    const previous = seenNames.get(choice.name);
    if (previous !== undefined) {
      throw new TraitloomError("BAD_CONFIG", `${where}: layer name "${choice.name}" is used twice (also ${previous}); give each layer its own name`);
    }
    seenNames.set(choice.name, where);
    const nested = folder.subfolders.filter((s) => !JUNK_FOLDERS.has(s.toLowerCase()) && !s.startsWith("."));
    if (nested.length > 0) {
      throw new TraitloomError(
        "LAYER_NESTED",
        `${where}/${nested[0]}: sub-folders inside a layer (nftchef/datlips multi-part traits and variants) are not supported yet; expected only image files in ${where}`,
      );
    }
    const images: ListedFile[] = [];
    for (const file of [...folder.files].sort((a, b) => byName(a.name, b.name))) {
      const path = `${folder.folder}/${file.name}`;
      if (isJunkFile(file.name)) skipped.push(path);
      else if (!imageExtension(file.name)) {
        throw new TraitloomError("NOT_AN_IMAGE", `${listing.root}/${path}: expected a .png, .jpg, .jpeg or .webp image, found another file`);
      } else if (file.size === 0) {
        throw new TraitloomError("BAD_IMAGE", `${listing.root}/${path}: expected an image, found an empty file (0 bytes)`);
      } else images.push(file);
    }
    if (images.length === 0) {
      throw new TraitloomError("LAYER_EMPTY", `${where}: expected at least one trait image, found none`);
    }
    const syntaxSetting = config.weightSyntax ?? "auto";
    const syntax =
      syntaxSetting === "auto" ? (images.every((f) => looksNftool(f.name)) ? "nftool" : "hashlips") : syntaxSetting;
    const byTraitName = new Map<string, Trait>();
    const traits = images.map((file, index): Trait => {
      const path = `${folder.folder}/${file.name}`;
      const parsed = parseTraitFileName(`${listing.root}/${path}`, file.name, syntax, namedWeights);
      const clash = byTraitName.get(parsed.name);
      if (clash) {
        throw new TraitloomError(
          "DUPLICATE_TRAIT",
          `${listing.root}/${path}: trait "${parsed.name}" is already given by ${clash.file}; expected one file per trait name`,
        );
      }
      const trait: Trait = { index, name: parsed.name, value: parsed.name, file: path, weight: parsed.weight ?? 1 };
      byTraitName.set(parsed.name, trait);
      return trait;
    });
    if (choice.overrides) {
      for (const [traitName, override] of Object.entries(choice.overrides)) {
        const trait = byTraitName.get(traitName);
        if (!trait) {
          const near = nearestKey(traitName, [...byTraitName.keys()]);
          throw new TraitloomError(
            "BAD_CONFIG",
            `${choice.configPath ?? "layers"}.traits.${traitName}: expected a trait of layer "${choice.name}", found none${near ? ` (did you mean "${near}"?)` : ""}`,
          );
        }
        if (typeof override === "number") trait.weight = override;
        else {
          if (override.weight !== undefined) trait.weight = override.weight;
          if (override.value !== undefined) trait.value = override.value;
        }
      }
    }
    if (!traits.some((t) => t.weight > 0)) {
      throw new TraitloomError("BAD_WEIGHT", `${where}: expected at least one trait with a weight > 0, found all weights 0`);
    }
    return { index: layerIndex, name: choice.name, folder: folder.folder, countsForUniqueness: choice.countsForUniqueness, traits };
  });
  return { layers, skipped, unusedFolders, warnings };
}

/**
 * The studio's project model, pure: the files a user gave (folder, drop or ZIP), what each decoded to, and the
 * studio settings; from them the layers listing and traitloom config that core reads, exactly as the CLI would
 * read a folder and a traitloom.json. Core's analyzeLayers finds the problems (the CLI's rules, one copy); the
 * studio adds only what it alone knows: images that do not decode in the browser, and sizes. Files with a problem
 * are listed, each with its reason, and left out, so the rest still makes a collection.
 */
import { chooseCanvasSize, type ImageSize, type ResizeMode } from "../core/canvas.js";
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { editionCapacities, type EditionCapacity } from "../core/editionCapacity.js";
import { isTraitloomError, problem } from "../core/errors.js";
import { analyzeLayers, identicalImagesWarning, orderLayerFolders, type Layer, type LayerAnalysis, type LayerProblem, type LayerSet, type LayersListing, type ListedFolder } from "../core/layers.js";
import type { DialectChoice, LayerOptions } from "../core/dialects/index.js";
import type { TraitOptions } from "../core/dialects/types.js";
import type { Dialect, ListedDir } from "../core/model.js";
import { capacityOf } from "../core/planner.js";
import type { CountsConfig, RulesConfig } from "../core/rules.js";
import type { BanConfig, RerollConfig } from "../core/tokenEditsConfig.js";
import type { OutputsConfig } from "../core/targets/options.js";
import { isJunkFolder, type WeightSyntax } from "../core/weights.js";

/** A file of the project, by its path under the layers folder ("01-Background/Sky#30.png"). */
export interface ProjectFile {
  path: string;
  size: number;
}

/**
 * What a file decoded to: its size (and, where the loader hashed them, a hash of its decoded pixels, for the
 * identical-images warning), or why it does not decode.
 */
export type Decoded = { width: number; height: number; pixels?: string | undefined } | { error: string };

/** A problem as the studio lists it: what it is about, and what was expected and found. */
export interface Problem {
  path: string;
  message: string;
}

export interface LayerState {
  folder: string;
  /** trait_type in metadata. */
  name: string;
  visible: boolean;
  /** Weights the user changed, by trait name; the rest come from file names. */
  weights: Record<string, number>;
  /**
   * The trait model's layer options (traitloom.json's layer entry: trait/displayName, inMetadata, blend, opacity,
   * z, variantOf, parts, traits, none, countsForUniqueness), as the layers panel sets them.
   */
  options?: LayerOptions | undefined;
  /** As traitloom.json's `countsForUniqueness`: false, the layer's trait does not make a token unique (HashLips bypassDNA). */
  countsForUniqueness?: boolean;
  /** Trait value renames, by trait name: the attribute value written to metadata (traitloom.json's `traits.<name>.value`). */
  values?: Record<string, string>;
}

/** Where the layer order came from, said to the user above the layers. */
export type LayerOrderSource = "prefix" | "alphabetical" | "config.js" | "traitloom.json" | "you";

export interface LayerOrder {
  source: LayerOrderSource;
  /** One line: how and why ("read from src/config.js (HashLips): Background, Eyeball, …"). */
  detail: string;
}

/** An attribute added to every token (traitloom.json's `extraAttributes`). */
export interface ExtraAttribute {
  trait_type: string;
  value: string | number;
  display_type?: "number" | "boost_number" | "boost_percentage" | "date" | undefined;
}

/** traitloom.json's `image`. */
export interface ImageSettings {
  format?: "png" | "webp" | "jpeg" | undefined;
  compression?: "fast" | "balanced" | "small" | undefined;
  quality?: number | undefined;
}

export interface StudioSettings {
  count: number;
  seed: string;
  namePrefix: string;
  description: string;
  baseUri: string;
  startId: number;
  /** Output size; undefined: the traits' own size. */
  width: number | undefined;
  height: number | undefined;
  resize: ResizeMode;
  /** Render workers; 0: one per core (navigator.hardwareConcurrency). */
  workers: number;
  layers: LayerState[];
  /** As traitloom.json's `weightSyntax`: how file names carry weights; undefined: "auto". */
  weightSyntax?: WeightSyntax;
  /** As traitloom.json's `namedWeights`: named weights (#Rare) replacing entries of the default table. */
  namedWeights?: Record<string, number>;
  /** As traitloom.json's `dialect`: how the folders are read; undefined: "traitloom". */
  dialect?: TraitloomConfig["dialect"];
  /** As traitloom.json's `rules` and `counts` (the rules panel writes them). */
  rules?: RulesConfig;
  counts?: CountsConfig;
  /** How the layers were ordered and why; undefined in projects saved before the studio said so. */
  layerOrder?: LayerOrder;
  /** The rest of traitloom.json, as the CLI reads it. */
  externalUrl?: string;
  backgroundColor?: string;
  extraAttributes?: ExtraAttribute[];
  extraMetadata?: Record<string, unknown>;
  noneTraitNames?: string[];
  image?: ImageSettings;
  /** As traitloom.json's `outputs`: the metadata targets written into the ZIP (the outputs panel sets them); undefined: erc721 alone. */
  outputs?: OutputsConfig | undefined;
  /** As traitloom.json's `reroll` and `ban`: tokens given a new combination, combinations no token may have (the preview sets them). */
  reroll?: RerollConfig;
  ban?: BanConfig;
  /**
   * As traitloom.json's `editions` (several layer configurations, HashLips' layerConfigurations): each its own count
   * and layers, named by folder and drawn in that order; every layer's name, weights and options are the layers
   * panel's. While there are editions, `count` is their sum and the layers panel's order and Show do not apply.
   */
  editions?: StudioEdition[] | undefined;
  /** As traitloom.json's `shuffle`: "ids" mixes the editions' tokens across ids by the seed. */
  shuffle?: "ids" | undefined;
}

/** One edition as the studio keeps it: traitloom.json's edition with its layers as folders of `layers`. */
export interface StudioEdition {
  id: string;
  count: number;
  /** Layer folders, bottom first: a subset of the settings' layers, in this edition's drawing order. */
  layers: string[];
  namePrefix?: string | undefined;
  description?: string | undefined;
  restartNameNumbers?: boolean | undefined;
}

/** The settings' editions where there are any (an empty list is none). */
export function editionsOf(settings: Pick<StudioSettings, "editions">): StudioEdition[] | undefined {
  return settings.editions !== undefined && settings.editions.length > 0 ? settings.editions : undefined;
}

/**
 * `patch` with editions, kept consistent: `count` their sum, and each layer shown where an edition draws it (the
 * layers panel then reads the others alone, as hidden layers).
 */
export function withEditions(settings: Pick<StudioSettings, "layers">, editions: StudioEdition[] | undefined, shuffle?: "ids" | undefined): Partial<StudioSettings> {
  if (editions === undefined || editions.length === 0) return { editions: undefined, shuffle: undefined };
  const used = new Set(editions.flatMap((e) => e.layers));
  return {
    editions,
    shuffle,
    count: editions.reduce((a, e) => a + e.count, 0),
    layers: settings.layers.map((l) => (l.visible === used.has(l.folder) ? l : { ...l, visible: used.has(l.folder) })),
  };
}

export const DEFAULT_SETTINGS: StudioSettings = {
  count: 100,
  seed: "traitloom",
  namePrefix: "Traitloom",
  description: "",
  baseUri: "",
  startId: 1,
  width: undefined,
  height: undefined,
  resize: "error",
  workers: 0,
  layers: [],
};

/** Characters after which a ZIP entry path is refused: it would leave the folder or name a device. */
export function unsafeZipPath(name: string): string | undefined {
  if (name.includes("\u0000")) return "contains a NUL character";
  const p = name.replaceAll("\\", "/");
  if (p.startsWith("/") || /^[a-zA-Z]:/.test(p)) return "is an absolute path";
  if (p.split("/").some((s) => s === "..")) return 'leaves the folder ("..")';
  return undefined;
}

/**
 * Paths relative to the layers folder: where every file lies under one common top folder (the folder the user
 * picked, or the one a ZIP was made of), that folder is dropped.
 */
export function relativeToLayersFolder(paths: readonly string[]): { root: string | undefined; paths: string[] } {
  const parts = paths.map((p) => p.replaceAll("\\", "/").split("/").filter((s) => s.length > 0 && s !== "."));
  const first = parts[0]?.[0];
  const common = first !== undefined && parts.every((s) => s.length >= 3 && s[0] === first);
  return { root: common ? first : undefined, paths: parts.map((s) => (common ? s.slice(1) : s).join("/")) };
}

/** The layer folders in the CLI's default order and with its names (core's orderLayerFolders), all shown. */
export function defaultLayers(listing: LayersListing): LayerState[] {
  const { layers } = orderLayerFolders(listing.folders.filter((f) => !isJunkFolder(f.folder)));
  return layers.map((l) => ({ folder: l.folder.folder, name: l.name, visible: true, weights: {} }));
}

/** Keeps the user's layer choices for folders that still exist, and adds new folders at the end. */
export function mergeLayers(saved: readonly LayerState[], listing: LayersListing): LayerState[] {
  const fresh = defaultLayers(listing);
  const known = new Set(fresh.map((l) => l.folder));
  const kept = saved.filter((l) => known.has(l.folder));
  const keptFolders = new Set(kept.map((l) => l.folder));
  return [...kept, ...fresh.filter((l) => !keptFolders.has(l.folder))];
}

/** The traitloom.json the studio's settings amount to: what `traitloom generate -c` needs to give the same tokens. */
export function studioConfig(settings: StudioSettings): TraitloomConfig {
  const config: TraitloomConfig = {};
  if (settings.namePrefix !== DEFAULT_SETTINGS.namePrefix) config.namePrefix = settings.namePrefix;
  if (settings.description !== "") config.description = settings.description;
  if (settings.baseUri.trim() !== "") config.baseUri = settings.baseUri.trim();
  if (settings.startId !== 1) config.startId = settings.startId;
  if (settings.width !== undefined) config.width = settings.width;
  if (settings.height !== undefined) config.height = settings.height;
  if (settings.resize !== "error") config.resize = settings.resize;
  if (settings.weightSyntax !== undefined && settings.weightSyntax !== "auto") config.weightSyntax = settings.weightSyntax;
  if (settings.namedWeights !== undefined && Object.keys(settings.namedWeights).length > 0) config.namedWeights = { ...settings.namedWeights };
  if (settings.dialect !== undefined && settings.dialect !== "traitloom") config.dialect = settings.dialect;
  if (settings.externalUrl !== undefined && settings.externalUrl.trim() !== "") config.externalUrl = settings.externalUrl.trim();
  if (settings.backgroundColor !== undefined && settings.backgroundColor !== "") config.backgroundColor = settings.backgroundColor;
  if (settings.extraAttributes !== undefined && settings.extraAttributes.length > 0) config.extraAttributes = settings.extraAttributes.map((a) => ({ ...a }));
  if (settings.extraMetadata !== undefined && Object.keys(settings.extraMetadata).length > 0) config.extraMetadata = { ...settings.extraMetadata };
  if (settings.noneTraitNames !== undefined) config.noneTraitNames = [...settings.noneTraitNames];
  if (settings.image !== undefined && Object.keys(settings.image).length > 0) config.image = { ...settings.image };
  const editions = editionsOf(settings);
  if (editions) {
    // Editions replace the top-level layers (and count, which callers leave out with them: core refuses both).
    const byFolder = new Map(settings.layers.map((l) => [l.folder, l]));
    config.editions = editions.map((e) => ({
      id: e.id,
      count: e.count,
      layers: e.layers.flatMap((folder) => {
        const layer = byFolder.get(folder);
        return layer ? [layerConfig(layer)] : [];
      }),
      ...(e.namePrefix !== undefined ? { namePrefix: e.namePrefix } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.restartNameNumbers !== undefined ? { restartNameNumbers: e.restartNameNumbers } : {}),
    }));
    if (settings.shuffle !== undefined) config.shuffle = settings.shuffle;
  } else config.layers = settings.layers.filter((l) => l.visible).map(layerConfig);
  if (settings.rules !== undefined && settings.rules.length > 0) config.rules = settings.rules.map((r) => structuredClone(r));
  if (settings.counts !== undefined && Object.keys(settings.counts).length > 0) config.counts = structuredClone(settings.counts);
  if (settings.outputs !== undefined) config.outputs = structuredClone(settings.outputs);
  if (settings.reroll !== undefined && settings.reroll.length > 0) config.reroll = structuredClone(settings.reroll);
  if (settings.ban !== undefined && settings.ban.length > 0) config.ban = structuredClone(settings.ban);
  return config;
}

/** One shown layer as traitloom.json writes it: the folder, its trait_type, changed weights and renamed values. */
function layerConfig(l: LayerState): NonNullable<TraitloomConfig["layers"]>[number] {
  // The trait model's options first (blend, z, …), then what the layers panel changed: weights and value renames.
  const { traits: optionTraits, ...options } = l.options ?? {};
  const traits: Record<string, TraitOptions> = { ...optionTraits };
  for (const name of new Set([...Object.keys(l.weights), ...Object.keys(l.values ?? {})])) {
    const base = traits[name];
    const entry: Exclude<TraitOptions, number> = typeof base === "object" ? { ...base } : base !== undefined ? { weight: base } : {};
    const weight = l.weights[name];
    const value = l.values?.[name];
    if (weight !== undefined) entry.weight = weight;
    if (value !== undefined && value !== "") entry.value = value;
    const keys = Object.keys(entry);
    if (keys.length === 0) continue;
    traits[name] = keys.length === 1 && entry.weight !== undefined ? entry.weight : entry;
  }
  return {
    name: l.name,
    folder: l.folder,
    ...options,
    ...(l.countsForUniqueness === false ? { countsForUniqueness: false } : {}),
    ...(Object.keys(traits).length > 0 ? { traits } : {}),
  };
}

export interface Analysis {
  /** The listing core reads (and the workers get): every file but those left out for a problem. */
  listing: LayersListing;
  config: TraitloomConfig;
  /** Every problem, as the studio lists it: core's, then images that do not decode and sizes. */
  problems: Problem[];
  /** The same problems in core's shape (code, path, detail, message, the file left out). */
  layerProblems: LayerProblem[];
  /** The shown layers as far as they could be read, also where problems stand in the way of the layer set. */
  layers: Layer[];
  skipped: string[];
  warnings: string[];
  /** The dialect the folders were read in, and where settings say "auto", what decided it (its reason names the file). */
  dialect: Dialect;
  detected: DialectChoice | undefined;
  /** Where the layers and settings make a collection: the layer set, canvas and capacity. */
  layerSet: LayerSet | undefined;
  canvas: { width: number; height: number } | undefined;
  capacity: number;
  /** With editions: each one's capacity on its own layers and, where its count is more, core's refusal. */
  editions?: EditionCapacity[] | undefined;
  /** With editions: core's refusal of the rules or fixed counts for them (one no edition holds); it stops generation. */
  editionsError?: string | undefined;
  /** The one error that stops generation and is no problem of the layers (every layer hidden, a bad setting). */
  error: string | undefined;
}

/** How problems with the studio's settings name them, as parseConfig does. */
const SETTINGS_SOURCE = "studio settings";

function describe(e: unknown): string {
  return isTraitloomError(e) || e instanceof Error ? e.message : String(e);
}

function byPath(a: LayerProblem, b: LayerProblem): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The listing of the project's files as Node's listLayersDir would give it, without the files left out: a layer
 * folder with sub-folders gets its whole tree (nested choices, parts, variants), in byte order.
 */
export function listingOf(root: string, files: readonly ProjectFile[], leftOut: ReadonlyMap<string, unknown> = new Map()): LayersListing {
  const folders = new Map<string, ListedFolder>();
  const rootFiles: string[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const parts = f.path.split("/");
    const [folder = "", name = ""] = parts;
    if (parts.length === 1) {
      rootFiles.push(f.path);
      continue;
    }
    let entry = folders.get(folder);
    if (!entry) {
      entry = { folder, files: [], subfolders: [] };
      folders.set(folder, entry);
    }
    if (parts.length > 2) {
      if (!leftOut.has(`${folder}/${name}`) && !entry.subfolders.includes(name)) entry.subfolders.push(name);
      if (leftOut.has(f.path) || isJunkFolder(name)) continue;
      entry.tree ??= { name: folder, files: [], dirs: [] };
      let dir: ListedDir = entry.tree;
      for (const segment of parts.slice(1, -1)) {
        let next = dir.dirs.find((d) => d.name === segment);
        if (!next) {
          next = { name: segment, files: [], dirs: [] };
          dir.dirs.push(next);
        }
        dir = next;
      }
      dir.files.push({ name: parts[parts.length - 1] ?? "", size: f.size });
    } else if (!leftOut.has(f.path)) entry.files.push({ name, size: f.size });
  }
  for (const entry of folders.values()) if (entry.tree) entry.tree.files = entry.files.map((f) => ({ name: f.name, size: f.size }));
  return { root, folders: [...folders.values()], rootFiles };
}

/** Every image file a trait may draw: its parts and variant art, or its file. */
function traitFilesOf(t: Layer["traits"][number]): string[] {
  if (!t.parts) return [t.file];
  return [...t.parts.map((p) => p.file), ...Object.values(t.variants ?? {}).flatMap((parts) => parts.map((p) => p.file))];
}

interface Reading {
  listing: LayersListing;
  /** Core's analysis of the listing: no file problems left, only those of whole layers or the config. */
  core: LayerAnalysis;
  /** Every problem, by path: the files left out, then those of whole layers and the config. */
  problems: LayerProblem[];
  /** Sizes of the traits read, all of one size where sizes are checked. */
  sizes: ImageSize[];
}

/**
 * Core's analyzeLayers on the project, again without each file it or the studio finds a problem with, until
 * none is left: a file left out can change how the rest reads (an nftool layer, a duplicate name gone), and what
 * remains is exactly what the workers' buildLayerSet will read. The studio's own problems are for the files
 * core reads as traits: one that does not decode, and with `checkSizes`, one of another size than most.
 */
function readLayers(root: string, files: readonly ProjectFile[], decoded: ReadonlyMap<string, Decoded>, config: TraitloomConfig, checkSizes: boolean): Reading {
  const leftOut = new Map<string, LayerProblem>();
  const leave = (p: LayerProblem & { file: string }): boolean => {
    if (leftOut.has(p.file)) return false;
    leftOut.set(p.file, p);
    return true;
  };
  for (;;) {
    const listing = listingOf(root, files, leftOut);
    const core = analyzeLayers(listing, config, SETTINGS_SOURCE);
    let changed = false;
    for (const p of core.problems) if (p.file !== undefined && leave({ ...p, file: p.file })) changed = true;
    const traitFiles = [...new Set(core.layers.flatMap((l) => l.traits.flatMap(traitFilesOf)))];
    const sizes: ImageSize[] = [];
    for (const file of traitFiles) {
      const d = decoded.get(file);
      if (d && "error" in d) {
        if (leave({ ...problem("BAD_IMAGE", `${root}/${file}`, d.error), file })) changed = true;
      } else if (d) sizes.push({ file, width: d.width, height: d.height });
    }
    if (changed) continue;
    if (checkSizes && sizes.length > 0) {
      const natural = chooseCanvasSize(sizes, { resize: "fit" });
      for (const s of sizes) {
        if (s.width === natural.width && s.height === natural.height) continue;
        const detail = `size ${s.width}x${s.height}, expected ${natural.width}x${natural.height} like the other traits; choose "fit" or "stretch" to scale it`;
        if (leave({ ...problem("SIZE_MISMATCH", `${root}/${s.file}`, detail), file: s.file })) changed = true;
      }
      if (changed) continue;
    }
    return { listing, core, problems: [...leftOut.values(), ...core.problems].sort(byPath), sizes };
  }
}

function shown(problems: readonly LayerProblem[]): Problem[] {
  return problems.map((p) => ({ path: p.path, message: p.detail }));
}

/**
 * Reads the project as the CLI reads a folder and the traitloom.json the settings amount to: core's
 * analyzeLayers lists every problem (not an image, empty, a weight that does not parse under the settings'
 * weight syntax and named weights, a duplicate trait, an empty layer, …); the studio adds images that do not
 * decode and, with resize "error", sizes other than the canvas. Files with a problem are left out and the rest
 * is read again, so the layer set (where no problem of a whole layer stands in the way) is what generation gets.
 */
export function analyzeProject(root: string, files: readonly ProjectFile[], decoded: ReadonlyMap<string, Decoded>, given: StudioSettings): Analysis {
  let settings = given;
  const layers = settings.layers.length > 0 ? settings.layers : defaultLayers(listingOf(root, files, new Map()));
  let reading: Reading;
  let refused: string | undefined;
  try {
    reading = readLayers(root, files, decoded, studioConfig({ ...settings, layers }), settings.resize === "error");
  } catch (e) {
    // Editions core refuses as a whole (an id twice): said as the error, the shown layers read without them.
    if (!editionsOf(settings)) throw e;
    refused = describe(e);
    settings = { ...settings, editions: undefined };
    reading = readLayers(root, files, decoded, studioConfig({ ...settings, layers }), settings.resize === "error");
  }
  const sizeConfig = { width: settings.width, height: settings.height, resize: "fit" as const };
  const canvas = reading.sizes.length > 0 ? chooseCanvasSize(reading.sizes, sizeConfig) : undefined;
  // Traits all of one size, an output size asked for: the studio scales them ("list as problems" is about traits).
  const scaled = settings.resize === "error" && canvas !== undefined && (settings.width !== undefined || settings.height !== undefined);
  const config = studioConfig({ ...settings, layers, ...(scaled ? { resize: "fit" as const } : {}) });
  let layerSet: LayerSet | undefined;
  let capacity = 0;
  let editions: EditionCapacity[] | undefined;
  let editionsError: string | undefined;
  let error: string | undefined;
  try {
    if (refused !== undefined) throw new Error(refused);
    if (config.editions) {
      const empty = config.editions.findIndex((e) => e.layers.length === 0);
      if (empty >= 0) throw new Error(`editions[${empty}] ("${config.editions[empty]?.id ?? ""}"): layers: expected at least one layer, found none; pick its layers`);
    } else if ((config.layers ?? []).length === 0) throw new Error("every layer is hidden: show at least one layer");
    parseConfig(config, SETTINGS_SOURCE);
    if (!canvas) throw new Error(`${root}: no trait images could be read`);
    layerSet = reading.core.layerSet;
    if (layerSet?.editions) {
      try {
        editions = editionCapacities({ ...layerSet, editions: layerSet.editions });
        // The capacity of the whole: each edition's own, as the plan counts it.
        capacity = editions.reduce((a, e) => a + Number(e.capacity), 0);
      } catch (e) {
        // A rule or fixed count no edition holds: the layers still read (the rules panel lists the rule to remove).
        if (!isTraitloomError(e)) throw e;
        editionsError = e.message;
      }
    } else if (layerSet) capacity = capacityOf(layerSet.layers);
  } catch (e) {
    error = describe(e);
    layerSet = undefined;
    editions = undefined;
  }
  // Trait files of one layer that decode to the same pixels, where the loader hashed them: the CLI's warning, in its
  // words (across layers the same art is common: each layer's empty "None").
  const byPixels = new Map<string, string[]>();
  reading.core.layers.forEach((layer, l) => {
    for (const file of new Set(layer.traits.flatMap(traitFilesOf))) {
      const d = decoded.get(file);
      if (!d || "error" in d || d.pixels === undefined) continue;
      const key = `${l}:${d.pixels}`;
      byPixels.set(key, [...(byPixels.get(key) ?? []), `${root}/${file}`]);
    }
  });
  const identical = [...byPixels.values()].filter((g) => g.length > 1).map(identicalImagesWarning).sort();
  return {
    listing: reading.listing,
    config,
    problems: shown(reading.problems),
    layerProblems: reading.problems,
    layers: reading.core.layers,
    skipped: reading.core.skipped,
    warnings: [...reading.core.warnings, ...identical],
    dialect: reading.core.dialect ?? "traitloom",
    detected: reading.core.detected,
    layerSet,
    canvas,
    capacity,
    ...(editions ? { editions } : {}),
    ...(editionsError !== undefined ? { editionsError } : {}),
    error,
  };
}

/**
 * One layer read on its own, as it would be if shown: for a hidden layer, which analyzeProject leaves out as
 * the CLI leaves out a folder the config does not name. `layer` is undefined where its folder is gone.
 */
export function readLayerAlone(
  root: string,
  files: readonly ProjectFile[],
  decoded: ReadonlyMap<string, Decoded>,
  settings: StudioSettings,
  layer: LayerState,
): { layer: Layer | undefined; problems: Problem[] } {
  const reading = readLayers(root, files, decoded, studioConfig({ ...settings, editions: undefined, layers: [{ ...layer, visible: true }] }), false);
  return { layer: reading.core.layers[0], problems: shown(reading.problems) };
}

/**
 * The studio's project model, pure: the files a user gave (folder, drop or ZIP), what each decoded to, and the
 * studio settings; from them the layers listing and traitloom config that core reads, exactly as the CLI would
 * read a folder and a traitloom.json. Files that cannot be used are listed, each with a reason, and left out.
 */
import { chooseCanvasSize, type ImageSize, type ResizeMode } from "../core/canvas.js";
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { isTraitloomError } from "../core/errors.js";
import { buildLayerSet, type LayerSet, type LayersListing, type ListedFolder } from "../core/layers.js";
import { capacityOf } from "../core/planner.js";
import { DEFAULT_NAMED_WEIGHTS, imageExtension, isJunkFile, looksNftool, parseLayerFolderName, parseTraitFileName } from "../core/weights.js";

/** A file of the project, by its path under the layers folder ("01-Background/Sky#30.png"). */
export interface ProjectFile {
  path: string;
  size: number;
}

export type Decoded = { width: number; height: number } | { error: string };

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

/** The layer folders in the CLI's default order: numeric prefixes where every folder has one, else by name. */
export function defaultLayers(listing: LayersListing): LayerState[] {
  const folders = listing.folders.filter((f) => !f.folder.startsWith(".") && !["__macosx", ".git", "node_modules"].includes(f.folder.toLowerCase()));
  const parsed = folders.map((f) => ({ folder: f.folder, ...parseLayerFolderName(f.folder) }));
  const allPrefixed = parsed.length > 0 && parsed.every((p) => p.order !== undefined);
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  if (allPrefixed) parsed.sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || byName(a.folder, b.folder));
  else parsed.sort((a, b) => byName(a.folder, b.folder));
  return parsed.map((p) => ({ folder: p.folder, name: allPrefixed ? p.name : p.folder, visible: true, weights: {} }));
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
  config.layers = settings.layers
    .filter((l) => l.visible)
    .map((l) => (Object.keys(l.weights).length > 0 ? { name: l.name, folder: l.folder, traits: { ...l.weights } } : { name: l.name, folder: l.folder }));
  return config;
}

export interface Analysis {
  listing: LayersListing;
  config: TraitloomConfig;
  /** Files left out, each with why. */
  problems: Problem[];
  skipped: string[];
  warnings: string[];
  /** Where the layers and settings make a collection: the layer set, canvas and capacity. */
  layerSet: LayerSet | undefined;
  canvas: { width: number; height: number } | undefined;
  capacity: number;
  /** The one error that stops generation (a layer left empty, a bad setting), if any. */
  error: string | undefined;
}

function describe(e: unknown): string {
  return isTraitloomError(e) || e instanceof Error ? e.message : String(e);
}

/**
 * Reads the project as the CLI reads a folder: junk skipped, every other unusable file listed with its reason
 * (not an image, empty, a weight that does not parse, a duplicate trait, an image that does not decode, a size
 * other than the canvas) and left out; then core's buildLayerSet and chooseCanvasSize on what remains.
 */
export function analyzeProject(root: string, files: readonly ProjectFile[], decoded: ReadonlyMap<string, Decoded>, settings: StudioSettings): Analysis {
  const problems: Problem[] = [];
  const skipped: string[] = [];
  const folders = new Map<string, ListedFolder>();
  const rootFiles: string[] = [];
  const usable: ProjectFile[] = [];
  for (const f of files) {
    const parts = f.path.split("/");
    if (parts.length === 1) {
      rootFiles.push(f.path);
      continue;
    }
    const folder = parts[0] ?? "";
    let entry = folders.get(folder);
    if (!entry) {
      entry = { folder, files: [], subfolders: [] };
      folders.set(folder, entry);
    }
    if (parts.length > 2) {
      const sub = parts[1] ?? "";
      if (!entry.subfolders.includes(sub)) entry.subfolders.push(sub);
      continue;
    }
    usable.push(f);
  }
  const namedWeights = { ...DEFAULT_NAMED_WEIGHTS };
  // Per folder: the CLI's checks, file by file, so every bad file is listed rather than the first.
  const kept: ProjectFile[] = [];
  const byFolder = new Map<string, ProjectFile[]>();
  for (const f of usable) {
    const folder = f.path.slice(0, f.path.indexOf("/"));
    const list = byFolder.get(folder) ?? [];
    list.push(f);
    byFolder.set(folder, list);
  }
  for (const [folder, list] of byFolder) {
    const images: ProjectFile[] = [];
    for (const f of list) {
      const name = f.path.slice(folder.length + 1);
      if (isJunkFile(name)) skipped.push(f.path);
      else if (!imageExtension(name)) problems.push({ path: f.path, message: "not an image: expected a .png, .jpg, .jpeg or .webp file" });
      else if (f.size === 0) problems.push({ path: f.path, message: "empty file (0 bytes): expected an image" });
      else images.push(f);
    }
    const syntax = images.every((f) => looksNftool(f.path.slice(folder.length + 1))) ? "nftool" : "hashlips";
    const seen = new Map<string, string>();
    for (const f of images.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const name = f.path.slice(folder.length + 1);
      let traitName: string;
      try {
        traitName = parseTraitFileName(`${root}/${f.path}`, name, syntax, namedWeights).name;
      } catch (e) {
        problems.push({ path: f.path, message: describe(e).replace(`${root}/${f.path}: `, "") });
        continue;
      }
      const clash = seen.get(traitName);
      if (clash) {
        problems.push({ path: f.path, message: `trait "${traitName}" is already given by ${clash}` });
        continue;
      }
      const d = decoded.get(f.path);
      if (d && "error" in d) {
        problems.push({ path: f.path, message: d.error });
        continue;
      }
      seen.set(traitName, f.path);
      kept.push(f);
    }
  }
  const layers = settings.layers.length > 0 ? settings.layers : defaultLayers({ root, folders: [...folders.values()], rootFiles });
  const visible = new Set(layers.filter((l) => l.visible).map((l) => l.folder));
  // Canvas size over the traits of visible layers; with resize "error", every trait of another size is listed.
  const sizes: ImageSize[] = [];
  for (const f of kept) {
    const d = decoded.get(f.path);
    if (d && !("error" in d) && visible.has(f.path.slice(0, f.path.indexOf("/")))) sizes.push({ file: f.path, width: d.width, height: d.height });
  }
  let canvas: { width: number; height: number } | undefined;
  let error: string | undefined;
  const sizeConfig = { width: settings.width, height: settings.height, resize: settings.resize };
  const wrongSize = new Set<string>();
  if (sizes.length > 0) {
    canvas = chooseCanvasSize(sizes, { ...sizeConfig, resize: "fit" });
    const natural = chooseCanvasSize(sizes, { resize: "fit" });
    if (settings.resize === "error") {
      for (const s of sizes) {
        if (s.width !== natural.width || s.height !== natural.height) {
          wrongSize.add(s.file);
          problems.push({ path: s.file, message: `size ${s.width}x${s.height}, expected ${natural.width}x${natural.height} like the other traits; choose "fit" or "stretch" to scale it` });
        }
      }
    }
  }
  for (const f of kept) if (!wrongSize.has(f.path)) folders.get(f.path.slice(0, f.path.indexOf("/")))?.files.push({ name: f.path.slice(f.path.indexOf("/") + 1), size: f.size });
  const listing: LayersListing = { root, folders: [...folders.values()], rootFiles };
  const config = studioConfig({ ...settings, layers, ...(settings.resize === "error" && canvas && (settings.width !== undefined || settings.height !== undefined) ? { resize: "fit" as const } : {}) });
  let layerSet: LayerSet | undefined;
  let capacity = 0;
  const warnings: string[] = [];
  try {
    if ((config.layers ?? []).length === 0) throw new Error("every layer is hidden: show at least one layer");
    parseConfig(config, "studio settings");
    if (!canvas) throw new Error(`${root}: no trait images could be read`);
    layerSet = buildLayerSet(listing, config);
    capacity = capacityOf(layerSet.layers);
    skipped.push(...layerSet.skipped.filter((s) => !skipped.includes(s)));
  } catch (e) {
    error = describe(e);
    layerSet = undefined;
  }
  return { listing, config, problems, skipped, warnings, layerSet, canvas, capacity, error };
}

/**
 * Settings that come from a file beside the layers: a traitloom.json (the studio's own download, or the CLI's), or
 * another engine's config.js, read statically by core's migrate (acorn; never run) for its layer order. Pure: text
 * and the folder listing in, studio settings and lines for the user out.
 */
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import { orderLayerFolders, type LayersListing } from "../core/layers.js";
import { readEngineConfig, toTraitloomConfig } from "../core/migrate/index.js";
import { canonicalName, isJunkFolder, parseLayerFolderName } from "../core/weights.js";
import { DEFAULT_SETTINGS, defaultLayers, type LayerOrder, type LayerState, type StudioSettings } from "./project.js";

export interface Imported {
  settings: StudioSettings;
  /** What the user should know: layers named that no folder matches, what was not carried over. */
  notes: string[];
}

type LayerEntry = NonNullable<TraitloomConfig["layers"]>[number];

/** The default order of the listing's folders and why, as the CLI decides it (core's orderLayerFolders). */
export function defaultLayerOrder(listing: LayersListing): LayerOrder {
  const { layers, warning } = orderLayerFolders(listing.folders.filter((f) => !isJunkFolder(f.folder)));
  if (warning !== undefined) return { source: "alphabetical", detail: warning };
  return { source: "prefix", detail: `layer order from the folders' numeric prefixes: ${layers.map((l) => l.name).join(", ")} (bottom first)` };
}

/**
 * Layers in the order `entries` name them, each matched to a folder as core matches them (the folder, else the
 * name with or without a numeric prefix, by NFC); folders not named come after them, hidden, as the CLI leaves
 * out a folder its config does not name.
 */
function orderedLayers(entries: readonly LayerEntry[], listing: LayersListing, source: string, notes: string[]): LayerState[] {
  const folders = defaultLayers(listing);
  const out: LayerState[] = [];
  entries.forEach((entry, i) => {
    const spec = typeof entry === "string" ? { name: entry } : entry;
    const wanted = canonicalName(spec.folder ?? spec.name);
    const found =
      folders.find((f) => canonicalName(f.folder) === wanted) ??
      (spec.folder === undefined ? folders.find((f) => canonicalName(parseLayerFolderName(f.folder).name) === canonicalName(spec.name)) : undefined);
    if (!found) {
      notes.push(`${source}: layers[${i}]: expected a folder named “${spec.folder ?? spec.name}”, found none; left out`);
      return;
    }
    if (out.some((l) => l.folder === found.folder)) {
      notes.push(`${source}: layers[${i}]: expected each folder once, found “${found.folder}” again; left out`);
      return;
    }
    const weights: Record<string, number> = {};
    const values: Record<string, string> = {};
    if (typeof entry !== "string") {
      for (const [trait, o] of Object.entries(entry.traits ?? {})) {
        if (typeof o === "number") weights[trait] = o;
        else {
          if (o.weight !== undefined) weights[trait] = o.weight;
          if (o.value !== undefined) values[trait] = o.value;
        }
      }
    }
    out.push({
      folder: found.folder,
      name: spec.name,
      visible: true,
      weights,
      ...(Object.keys(values).length > 0 ? { values } : {}),
      ...(typeof entry !== "string" && entry.countsForUniqueness === false ? { countsForUniqueness: false } : {}),
    });
  });
  const named = new Set(out.map((l) => l.folder));
  const rest = folders.filter((f) => !named.has(f.folder)).map((f) => ({ ...f, visible: false }));
  if (rest.length > 0) notes.push(`${source} does not name ${rest.map((f) => `“${f.folder}”`).join(", ")}: hidden (show them in the layers panel)`);
  return [...out, ...rest];
}

/**
 * The studio settings a traitloom.json amounts to for these layers: the inverse of studioConfig, so the file the
 * studio downloads loads back into it, and a CLI project opens in the studio.
 *
 * @throws TraitloomError BAD_CONFIG naming the file and field where the JSON does not parse or fails the schema.
 */
export function settingsFromConfigText(text: string, fileName: string, listing: LayersListing, base: StudioSettings): Imported {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const error = new TraitloomError("BAD_CONFIG", `${fileName}: expected JSON, found text that does not parse (${e instanceof Error ? e.message : String(e)})`);
    error.cause = e;
    throw error;
  }
  return settingsFromConfig(parseConfig(raw, fileName), fileName, listing, base);
}

export function settingsFromConfig(config: TraitloomConfig, fileName: string, listing: LayersListing, base: StudioSettings): Imported {
  const notes: string[] = [];
  const layers = config.layers ? orderedLayers(config.layers, listing, fileName, notes) : defaultLayers(listing);
  const layerOrder: LayerOrder = config.layers
    ? { source: "traitloom.json", detail: `layer order read from ${fileName}: ${layers.filter((l) => l.visible).map((l) => l.name).join(", ")} (bottom first)` }
    : defaultLayerOrder(listing);
  if (config.rules !== undefined || config.counts !== undefined) notes.push(`${fileName}: rules and counts are not applied by the studio yet; the CLI applies them`);
  const settings: StudioSettings = {
    ...DEFAULT_SETTINGS,
    seed: config.seed ?? base.seed,
    count: config.count ?? base.count,
    workers: base.workers,
    namePrefix: config.namePrefix ?? DEFAULT_SETTINGS.namePrefix,
    description: config.description ?? "",
    baseUri: config.baseUri ?? "",
    startId: config.startId ?? 1,
    width: config.width,
    height: config.height,
    resize: config.resize ?? "error",
    layers,
    layerOrder,
    ...(config.weightSyntax !== undefined ? { weightSyntax: config.weightSyntax } : {}),
    ...(config.namedWeights !== undefined ? { namedWeights: { ...config.namedWeights } } : {}),
    ...(config.externalUrl !== undefined ? { externalUrl: config.externalUrl } : {}),
    ...(config.backgroundColor !== undefined ? { backgroundColor: config.backgroundColor } : {}),
    ...(config.extraAttributes !== undefined ? { extraAttributes: config.extraAttributes.map((a) => ({ ...a })) } : {}),
    ...(config.extraMetadata !== undefined ? { extraMetadata: { ...config.extraMetadata } } : {}),
    ...(config.noneTraitNames !== undefined ? { noneTraitNames: [...config.noneTraitNames] } : {}),
    ...(config.image !== undefined ? { image: { ...config.image } } : {}),
  };
  return { settings, notes };
}

/**
 * The layer order of another engine's config.js (HashLips, nftchef, datlips), read without running it: its first
 * layer configuration's layersOrder, with displayName / trait as trait_type and bypassDNA as countsForUniqueness.
 * Only the layers are taken; the rest of the file (size, blend modes, editions…) is for `traitloom init --from`.
 *
 * @throws TraitloomError BAD_CONFIG where the file does not parse or no engine can be told, naming the file.
 */
export function layerOrderFromEngineConfig(text: string, fileName: string, listing: LayersListing, base: StudioSettings): Imported {
  const read = readEngineConfig(text, fileName);
  const conversion = toTraitloomConfig(read, read.engine === "unknown" ? { engine: "hashlips" } : {});
  const entries = conversion.config.layers;
  if (!entries || entries.length === 0) throw new Error(`${fileName}: expected layerConfigurations[0].layersOrder, found no layers to order`);
  const notes: string[] = [];
  const layers = orderedLayers(entries, listing, fileName, notes);
  const engine = { hashlips: "HashLips", nftchef: "nftchef", datlips: "datlips" }[conversion.engine];
  const order = layers.filter((l) => l.visible).map((l) => l.name);
  const extraConfigs = conversion.editions.length > 1 ? `; its ${conversion.editions.length - 1} other layer configuration(s) are not read` : "";
  return {
    settings: { ...base, layers, layerOrder: { source: "config.js", detail: `layer order read from ${fileName} (${engine}, layerConfigurations[0]; read, never run): ${order.join(", ")} (bottom first)${extraConfigs}` } },
    notes,
  };
}

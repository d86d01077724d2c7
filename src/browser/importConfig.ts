/**
 * Settings that come from a file beside the layers: a traitloom.json (the studio's own download, or the CLI's); an
 * engine's config.js is read in engineOrder.ts (loaded only when one comes: it brings acorn). Pure: text and the
 * folder listing in, studio settings and lines for the user out.
 */
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { editionsCount } from "../core/editions.js";
import { TraitloomError } from "../core/errors.js";
import { orderLayerFolders, type LayersListing } from "../core/layers.js";
import { canonicalName, isJunkFolder, parseLayerFolderName } from "../core/weights.js";
import { DEFAULT_SETTINGS, defaultLayers, type LayerOrder, type LayerState, type StudioEdition, type StudioSettings } from "./project.js";

export interface Imported {
  settings: StudioSettings;
  /** What the user should know: layers named that no folder matches, what was not carried over. */
  notes: string[];
}

type LayerEntry = NonNullable<TraitloomConfig["layers"]>[number];

/** traitloom.json keys the studio has no setting for yet: said on load, never silently dropped. */
const NOT_IN_STUDIO = new Set(["uniqueness"]);

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
function folderOf(entry: LayerEntry, folders: readonly LayerState[]): LayerState | undefined {
  const spec = typeof entry === "string" ? { name: entry } : entry;
  const wanted = canonicalName(spec.folder ?? spec.name);
  return (
    folders.find((f) => canonicalName(f.folder) === wanted) ??
    (spec.folder === undefined ? folders.find((f) => canonicalName(parseLayerFolderName(f.folder).name) === canonicalName(spec.name)) : undefined)
  );
}

export function orderedLayers(entries: readonly LayerEntry[], listing: LayersListing, source: string, notes: string[]): LayerState[] {
  const folders = defaultLayers(listing);
  const out: LayerState[] = [];
  entries.forEach((entry, i) => {
    const spec = typeof entry === "string" ? { name: entry } : entry;
    const found = folderOf(entry, folders);
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
    let options: LayerState["options"];
    if (typeof entry !== "string") {
      // Weights and value renames go where the layers panel edits them; every other option (the trait model's
      // blend, z, inMetadata, parts, a trait's other keys…) stays in `options`, written back as it came.
      const { name: _name, folder: _folder, countsForUniqueness: _unique, traits, ...rest } = entry;
      const otherTraits: NonNullable<NonNullable<LayerState["options"]>["traits"]> = {};
      for (const [trait, o] of Object.entries(traits ?? {})) {
        if (typeof o === "number") weights[trait] = o;
        else {
          const { weight, value, ...more } = o;
          if (weight !== undefined) weights[trait] = weight;
          if (value !== undefined) values[trait] = value;
          if (Object.keys(more).length > 0) otherTraits[trait] = more;
        }
      }
      const kept = { ...rest, ...(Object.keys(otherTraits).length > 0 ? { traits: otherTraits } : {}) };
      if (Object.keys(kept).length > 0) options = kept;
    }
    out.push({
      folder: found.folder,
      name: spec.name,
      visible: true,
      weights,
      ...(options !== undefined ? { options } : {}),
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

/** An entry as a comparable key: a bare name is `{ name }`, keys in order. */
function entryKey(entry: LayerEntry): string {
  const spec = typeof entry === "string" ? { name: entry } : entry;
  const sorted = (v: unknown): unknown =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v;
  return JSON.stringify(sorted(spec));
}

/**
 * A config's editions as the studio keeps them: each edition's layers as folders (matched as core matches them),
 * and one layer per folder for the layers panel, from the first edition that names it. Where a later edition sets
 * the same folder otherwise (another name, weights, blend…), the studio cannot hold both: the note says so.
 */
export function editionsFromConfig(
  editions: NonNullable<TraitloomConfig["editions"]>,
  listing: LayersListing,
  source: string,
  notes: string[],
): { layers: LayerState[]; editions: StudioEdition[] } {
  const folders = defaultLayers(listing);
  const first = new Map<string, { entry: LayerEntry; at: string }>();
  const out = editions.map((edition, e): StudioEdition => {
    const own: string[] = [];
    edition.layers.forEach((entry, j) => {
      const at = `editions[${e}].layers[${j}]`;
      const found = folderOf(entry, folders);
      const spec = typeof entry === "string" ? { name: entry } : entry;
      if (!found) {
        notes.push(`${source}: ${at}: expected a folder named “${spec.folder ?? spec.name}”, found none; left out`);
        return;
      }
      if (own.includes(found.folder)) {
        notes.push(`${source}: ${at}: expected each folder once in an edition, found “${found.folder}” again; left out`);
        return;
      }
      own.push(found.folder);
      const seen = first.get(found.folder);
      if (!seen) first.set(found.folder, { entry: { ...spec, folder: found.folder }, at });
      else if (entryKey({ ...spec, folder: found.folder }) !== entryKey(seen.entry)) {
        notes.push(`${source}: ${at}: expected “${found.folder}” set as at ${seen.at} (the studio holds one setting per layer folder), found it set otherwise; ${seen.at}'s setting is used`);
      }
    });
    return {
      id: edition.id,
      count: edition.count,
      layers: own,
      ...(edition.namePrefix !== undefined ? { namePrefix: edition.namePrefix } : {}),
      ...(edition.description !== undefined ? { description: edition.description } : {}),
      ...(edition.restartNameNumbers !== undefined ? { restartNameNumbers: edition.restartNameNumbers } : {}),
    };
  });
  const layers = orderedLayers([...first.values()].map((f) => f.entry), listing, source, notes);
  return { layers, editions: out };
}

export function settingsFromConfig(config: TraitloomConfig, fileName: string, listing: LayersListing, base: StudioSettings): Imported {
  const notes: string[] = [];
  const fromEditions = config.editions ? editionsFromConfig(config.editions, listing, fileName, notes) : undefined;
  if (fromEditions) {
    // Core refuses both (editions.ts); the studio keeps the editions and says what it left out.
    const beside = (["layers", "count"] as const).filter((k) => config[k] !== undefined);
    if (beside.length > 0) notes.push(`${fileName}: editions: expected "editions" alone, found also top-level ${beside.map((k) => `"${k}"`).join(" and ")}; left out, the editions are used`);
  }
  const layers = fromEditions ? fromEditions.layers : config.layers ? orderedLayers(config.layers, listing, fileName, notes) : defaultLayers(listing);
  const layerOrder: LayerOrder = fromEditions
    ? { source: "traitloom.json", detail: `${fromEditions.editions.length} edition(s) read from ${fileName}, each with its own layers: see Editions` }
    : config.layers
      ? { source: "traitloom.json", detail: `layer order read from ${fileName}: ${layers.filter((l) => l.visible).map((l) => l.name).join(", ")} (bottom first)` }
      : defaultLayerOrder(listing);
  const ruleCount = config.rules?.length ?? 0;
  const countCount = Object.keys(config.counts ?? {}).length;
  if (ruleCount + countCount > 0) notes.push(`${fileName}: ${ruleCount} rule(s) and ${countCount} fixed count(s) loaded: see the rules panel`);
  const editCount = (config.reroll?.length ?? 0) + (config.ban?.length ?? 0);
  if (editCount > 0) notes.push(`${fileName}: ${config.reroll?.length ?? 0} re-rolled token(s) and ${config.ban?.length ?? 0} banned combination(s) loaded: see the preview`);
  const dropped = Object.keys(config).filter((k) => NOT_IN_STUDIO.has(k));
  if (dropped.length > 0) notes.push(`${fileName}: ${dropped.join(", ")}: not applied by the studio (the CLI reads them); left out of what it saves`);
  if (config.oneOfOnes) notes.push(`${fileName}: oneOfOnes: the 1-of-1 files of ${config.oneOfOnes.dir}/ are not read from here; drop them into the 1-of-1s panel`);
  const settings: StudioSettings = {
    ...DEFAULT_SETTINGS,
    seed: config.seed ?? base.seed,
    count: editionsCount(config) ?? config.count ?? base.count,
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
    ...(config.dialect !== undefined ? { dialect: config.dialect } : {}),
    ...(config.externalUrl !== undefined ? { externalUrl: config.externalUrl } : {}),
    ...(config.backgroundColor !== undefined ? { backgroundColor: config.backgroundColor } : {}),
    ...(config.extraAttributes !== undefined ? { extraAttributes: config.extraAttributes.map((a) => ({ ...a })) } : {}),
    ...(config.extraMetadata !== undefined ? { extraMetadata: { ...config.extraMetadata } } : {}),
    ...(config.noneTraitNames !== undefined ? { noneTraitNames: [...config.noneTraitNames] } : {}),
    ...(config.image !== undefined ? { image: { ...config.image } } : {}),
    ...(config.rules !== undefined ? { rules: structuredClone(config.rules) } : {}),
    ...(config.counts !== undefined ? { counts: structuredClone(config.counts) } : {}),
    ...(config.outputs !== undefined ? { outputs: structuredClone(config.outputs) } : {}),
    ...(fromEditions ? { editions: fromEditions.editions } : {}),
    ...(config.shuffle !== undefined ? { shuffle: config.shuffle } : {}),
    ...(config.reroll !== undefined ? { reroll: structuredClone(config.reroll) } : {}),
    ...(config.ban !== undefined ? { ban: structuredClone(config.ban) } : {}),
  };
  if (fromEditions) notes.push(`${fileName}: ${fromEditions.editions.length} edition(s) loaded, ${settings.count} tokens in all: see Editions (each edition's own count and layers)`);
  return { settings, notes };
}

/**
 * Another engine's config.js read for its layer order, statically, by core's migrate (acorn; never run). A module of
 * its own so the studio loads acorn only when a config.js comes.
 */
import { readEngineConfig, toTraitloomConfig } from "../core/migrate/index.js";
import { modelConfigFromConversion } from "../core/migrate/modelConfig.js";
import type { LayersListing } from "../core/layers.js";
import { editionsFromConfig, orderedLayers, type Imported } from "./importConfig.js";
import { withEditions, type StudioSettings } from "./project.js";

/**
 * The layer order of another engine's config.js (HashLips, nftchef, datlips), read without running it: its first
 * layer configuration's layersOrder, with displayName / trait as trait_type and bypassDNA as countsForUniqueness,
 * and what the trait model reads from the file: the engine's dialect, its format size (every engine stretches
 * layers to it) and each layer's blend, opacity, sub-traits (parts) and exclude (inMetadata). Layers only other
 * layer configurations use come hidden, with their options. Several layer configurations become editions, as
 * `traitloom init --from` writes them.
 *
 * @throws TraitloomError BAD_CONFIG where the file does not parse or no engine can be told, naming the file.
 */
export function layerOrderFromEngineConfig(text: string, fileName: string, listing: LayersListing, base: StudioSettings): Imported {
  const read = readEngineConfig(text, fileName);
  const conversion = toTraitloomConfig(read, read.engine === "unknown" ? { engine: "hashlips" } : {});
  const model = modelConfigFromConversion(conversion, read);
  const modelEntries = model.layers ?? model.editions?.flatMap((e) => e.layers) ?? [];
  const modelEntryOf = (folder: string) => modelEntries.find((x) => typeof x !== "string" && (x.folder ?? x.name) === folder);
  const entries = conversion.config.layers?.map((e) => {
    const m = modelEntryOf(typeof e === "string" ? e : (e.folder ?? e.name));
    if (m === undefined || typeof m === "string") return e;
    return typeof e === "string" ? m : { ...m, ...e };
  });
  if (!entries || entries.length === 0) throw new Error(`${fileName}: expected layerConfigurations[0].layersOrder, found no layers to order`);
  const notes: string[] = [];
  const engine = { hashlips: "HashLips", nftchef: "nftchef", datlips: "datlips" }[conversion.engine];
  if (model.editions !== undefined && model.editions.length > 1) {
    // Several layer configurations: editions, as `traitloom init --from` writes them (each layer with the traits'
    // weights the conversion read), so the studio runs what the CLI runs from that traitloom.json.
    const traitsOf = new Map((conversion.config.layers ?? []).flatMap((l) => (typeof l !== "string" && l.traits ? [[l.name, l.traits] as const] : [])));
    const editions = model.editions.map((e) => ({
      ...e,
      layers: e.layers.map((l) => {
        const traits = typeof l === "string" ? undefined : traitsOf.get(l.name);
        return traits && typeof l !== "string" ? { ...l, traits } : l;
      }),
    }));
    const read = editionsFromConfig(editions, listing, fileName, notes);
    return {
      settings: {
        ...base,
        layers: read.layers,
        ...withEditions(read, read.editions, model.shuffle),
        ...(model.dialect !== undefined ? { dialect: model.dialect } : {}),
        ...(model.resize !== undefined ? { resize: model.resize, width: model.width, height: model.height } : {}),
        layerOrder: { source: "config.js", detail: `${read.editions.length} layer configurations read from ${fileName} (${engine}; read, never run) as editions, each with its own layers: see Editions` },
      },
      notes: [...notes, `${fileName}: ${read.editions.length} layer configurations loaded as editions, ${read.editions.reduce((a, e) => a + e.count, 0)} tokens in all: see Editions`],
    };
  }
  const layers = orderedLayers(entries, listing, fileName, notes).map((l) => {
    if (l.visible || l.options !== undefined) return l;
    const m = modelEntryOf(l.folder);
    const options = m === undefined ? undefined : orderedLayers([m], listing, fileName, [])[0]?.options;
    return options !== undefined ? { ...l, options } : l;
  });
  const order = layers.filter((l) => l.visible).map((l) => l.name);
  const extraConfigs = conversion.editions.length > 1 ? `; its ${conversion.editions.length - 1} other layer configuration(s) are not read` : "";
  return {
    settings: {
      ...base,
      layers,
      editions: undefined,
      shuffle: undefined,
      ...(model.dialect !== undefined ? { dialect: model.dialect } : {}),
      // The engine draws every layer stretched to its format's size: variant art of another size included.
      ...(model.resize !== undefined ? { resize: model.resize, width: model.width, height: model.height } : {}),
      layerOrder: { source: "config.js", detail: `layer order read from ${fileName} (${engine}, layerConfigurations[0]; read, never run): ${order.join(", ")} (bottom first)${extraConfigs}` },
    },
    notes,
  };
}

/**
 * Another engine's config.js read for its layer order, statically, by core's migrate (acorn; never run). A module of
 * its own so the studio loads acorn only when a config.js comes.
 */
import { readEngineConfig, toTraitloomConfig } from "../core/migrate/index.js";
import { modelConfigFromConversion } from "../core/migrate/modelConfig.js";
import type { LayersListing } from "../core/layers.js";
import { orderedLayers, type Imported } from "./importConfig.js";
import type { StudioSettings } from "./project.js";

/**
 * The layer order of another engine's config.js (HashLips, nftchef, datlips), read without running it: its first
 * layer configuration's layersOrder, with displayName / trait as trait_type and bypassDNA as countsForUniqueness,
 * and what the trait model reads from the file: the engine's dialect, its format size (every engine stretches
 * layers to it) and each layer's blend, opacity, sub-traits (parts) and exclude (inMetadata). Layers only other
 * layer configurations use come hidden, with their options: the studio runs one layer configuration, not editions.
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
  const layers = orderedLayers(entries, listing, fileName, notes).map((l) => {
    if (l.visible || l.options !== undefined) return l;
    const m = modelEntryOf(l.folder);
    const options = m === undefined ? undefined : orderedLayers([m], listing, fileName, [])[0]?.options;
    return options !== undefined ? { ...l, options } : l;
  });
  const engine = { hashlips: "HashLips", nftchef: "nftchef", datlips: "datlips" }[conversion.engine];
  const order = layers.filter((l) => l.visible).map((l) => l.name);
  const extraConfigs = conversion.editions.length > 1 ? `; its ${conversion.editions.length - 1} other layer configuration(s) are not read` : "";
  return {
    settings: {
      ...base,
      layers,
      ...(model.dialect !== undefined ? { dialect: model.dialect } : {}),
      // The engine draws every layer stretched to its format's size: variant art of another size included.
      ...(model.resize !== undefined ? { resize: model.resize, width: model.width, height: model.height } : {}),
      layerOrder: { source: "config.js", detail: `layer order read from ${fileName} (${engine}, layerConfigurations[0]; read, never run): ${order.join(", ")} (bottom first)${extraConfigs}` },
    },
    notes,
  };
}

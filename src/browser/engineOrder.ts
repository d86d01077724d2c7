/**
 * Another engine's config.js read for its layer order, statically, by core's migrate (acorn; never run). A module of
 * its own so the studio loads acorn only when a config.js comes.
 */
import { readEngineConfig, toTraitloomConfig } from "../core/migrate/index.js";
import type { LayersListing } from "../core/layers.js";
import { orderedLayers, type Imported } from "./importConfig.js";
import type { StudioSettings } from "./project.js";

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

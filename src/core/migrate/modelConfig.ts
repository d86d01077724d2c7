/**
 * What the trait model adds to a converted config.js (toTraitloomConfig's "raw pieces later features need"): the
 * engine's dialect, every layer configuration as an edition with its own layers, blend modes and opacities, datlips'
 * sub-traits as `parts` and `exclude` as `inMetadata: false`, nftchef's sub-layer options as `parts`, and
 * `shuffleLayerConfigurations` as `shuffle: "ids"`. `init --from` (src/cli) writes its result.
 */
import type { TraitloomConfig } from "../config.js";
import type { LayerEntry, PartOptions } from "../dialects/types.js";
import type { EngineConfigRead } from "./readEngineConfig.js";
import type { BlendSetting, EngineConversion } from "./toTraitloomConfig.js";

/**
 * The blend a config.js meant: HashLips' and datlips' `MODE.sourceAtop` is drawn source-out by the engine (its
 * constants map it so), but the name says source-atop, which is what Traitloom draws (the reader warned of it).
 */
function meant(blend: BlendSetting | undefined): string | undefined {
  if (!blend) return undefined;
  return blend.written === "MODE.sourceAtop" ? "source-atop" : blend.operation;
}

/**
 * The traitloom.json for an engine's config.js with the trait model: `conversion` is initFromEngineConfig's,
 * `read` the file it read (for `shuffleLayerConfigurations`). One layer configuration stays top-level `layers` +
 * `count`; several become `editions`.
 *
 * @example
 * const config = modelConfigFromConversion(initFromEngineConfig(listing, read), read);
 * // { dialect: "datlips", editions: [{ id: "Your Collection", count: 50, layers: [{ name: "Color", folder: "Variant" }, …] }, …] }
 */
export function modelConfigFromConversion(conversion: EngineConversion, read?: EngineConfigRead): TraitloomConfig {
  const { layers: _layers, count: _count, ...base } = conversion.config;
  const editions = conversion.editions.filter((e) => e.count > 0);
  const entries = (edition: number): LayerEntry[] =>
    (editions.find((e) => e.index === edition)?.layers ?? []).map((l) => {
      const entry: LayerEntry = { name: l.traitType, ...(l.traitType !== l.folder ? { folder: l.folder } : {}) };
      if (!l.countsForUniqueness) entry.countsForUniqueness = false;
      if (!l.inMetadata) entry.inMetadata = false;
      const blend = conversion.blend.find((b) => b.edition === edition && b.layer === l.folder);
      const mode = meant(blend?.blend);
      if (mode !== undefined) entry.blend = mode;
      if (blend?.opacity !== undefined) entry.opacity = blend.opacity;
      const subTraits = conversion.subTraits.find((s) => s.edition === edition && s.layer === l.folder);
      if (subTraits) {
        const parts: Record<string, PartOptions> = {};
        for (const s of subTraits.subTraits) {
          const options: PartOptions = {};
          const sb = meant(s.blend);
          if (sb !== undefined) options.blend = sb;
          if (s.opacity !== undefined) options.opacity = s.opacity;
          if (s.zindex !== undefined) options.z = s.zindex;
          parts[s.name === undefined ? "*" : `*/${s.name}`] = options;
        }
        entry.parts = parts;
      }
      const sublayers = conversion.sublayerOptions.find((s) => s.edition === edition && s.layer === l.folder);
      if (sublayers) {
        const parts: Record<string, PartOptions> = { ...entry.parts };
        for (const [folder, o] of Object.entries(sublayers.options)) {
          const options: PartOptions = {};
          const sb = meant(o.blend);
          if (sb !== undefined) options.blend = sb;
          if (o.opacity !== undefined) options.opacity = o.opacity;
          if (Object.keys(options).length > 0) parts[`${folder}/*`] = options;
        }
        if (Object.keys(parts).length > 0) entry.parts = parts;
      }
      return entry;
    });
  const config: TraitloomConfig = { ...base, dialect: conversion.engine };
  if (editions.length <= 1) {
    const only = editions[0];
    return { ...config, count: only?.count ?? conversion.config.count ?? 1, layers: entries(only?.index ?? 0) };
  }
  const ids = new Set<string>();
  config.editions = editions.map((e) => {
    let id = e.namePrefix ?? `edition ${e.index + 1}`;
    if (ids.has(id)) id = `${id} (${e.index + 1})`;
    ids.add(id);
    return {
      id,
      count: e.count,
      layers: entries(e.index),
      ...(e.namePrefix !== undefined ? { namePrefix: e.namePrefix } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.resetNameIndex ? { restartNameNumbers: true } : {}),
    };
  });
  if (read?.values.shuffleLayerConfigurations === true) config.shuffle = "ids";
  return config;
}

import { readExports, type ResolvedConstant, type UnreadableValue } from "./evaluate.js";

/** The engines whose `src/config.js` Traitloom reads: HashLips art engine v1.1.1, nftchef/art-engine v2.2.0, datlips v1.4.0. */
export type EngineName = "hashlips" | "nftchef" | "datlips";

export const ENGINE_NAMES: readonly EngineName[] = ["hashlips", "nftchef", "datlips"];

/** What readEngineConfig makes of one config.js. */
export interface EngineConfigRead {
  /** The file as named in messages. */
  fileName: string;
  engine: EngineName | "unknown";
  /** What decided `engine`, in words: `requires src/blendMode.js (nftchef's blend modes)`. */
  marker: string;
  /** Every marker found, in file order within each kind: what points to which engine. */
  markers: Array<{ engine: EngineName; marker: string }>;
  /** What the exports evaluate to, where they could be read: plain JSON-like data. */
  values: Record<string, unknown>;
  /** Every key module.exports holds, in order, whether its value could be read or not. */
  exportedKeys: string[];
  /** What could not be read, with its key path and the 1-based line and column of its expression. */
  unreadable: UnreadableValue[];
  /** Values read from the engine's constants (`MODE.*`, `NETWORK.*`) or the project folder (`basePath`), by key path. */
  resolved: ResolvedConstant[];
}

/** Exported only by datlips' config.js (v1.4.0). */
const DATLIPS_KEYS = ["rarity_config", "collectionSize", "exactWeight", "enableStats", "statBlocks", "resumeNum", "importOldDna", "allowDuplicates"];
/** Exported only by nftchef's config.js (v2.2.0). */
const NFTCHEF_KEYS = ["incompatible", "forcedCombinations", "traitValueOverrides", "emptyLayerName", "useRootTraitType", "hashImages", "outputJPEG"];
/** Keys of a layersOrder entry only nftchef reads (HashLips before v1.1 also put blend/opacity there, so those decide nothing). */
const NFTCHEF_LAYER_KEYS = ["trait", "sublayerOptions", "display_type"];
/** Keys of a layersOrder entry's options only datlips reads. */
const DATLIPS_LAYER_OPTIONS = ["subTraits", "exclude"];

/**
 * Reads an engine's `src/config.js` without running it (see readExports for what is read and what is refused)
 * and tells which engine wrote it from its markers: the blend-mode module it requires (`src/blendMode.js` is
 * nftchef's, `constants/blend_mode.js` HashLips' and datlips'), keys only one engine exports (`rarity_config`,
 * `collectionSize` … datlips; `incompatible`, `traitValueOverrides` … nftchef), and layer keys only one engine
 * reads (`options.subTraits`, `options.exclude`: datlips; `trait`, `sublayerOptions`: nftchef). Markers of
 * nftchef and datlips together, or none at all with no layerConfigurations, give "unknown".
 *
 * @example
 * const read = readEngineConfig(await file.text(), "src/config.js");
 * read.engine; // "nftchef"
 * read.marker; // "requires src/blendMode.js (nftchef's blend modes)"
 * read.unreadable; // [{ path: "extraAttributes", line: 98, column: 25, reason: "a function: …" }]
 * @throws TraitloomError BAD_CONFIG where the source does not parse, naming the file, line and column.
 */
export function readEngineConfig(source: string, fileName: string): EngineConfigRead {
  const read = readExports(source, fileName);
  const markers: EngineConfigRead["markers"] = [];
  let family: { engine: "nftchef" | "hashlips-family"; marker: string } | undefined;
  for (const r of read.requires) {
    if (r.module.kind === "blendMode") {
      const marker = `requires ${r.module.file} (${r.module.flavour === "nftchef" ? "nftchef's blend modes" : "the blend modes of HashLips and datlips"}, line ${r.line})`;
      markers.push({ engine: r.module.flavour === "nftchef" ? "nftchef" : "hashlips", marker });
      family ??= { engine: r.module.flavour === "nftchef" ? "nftchef" : "hashlips-family", marker };
    } else if (r.module.kind === "network") {
      const marker = `requires ${r.module.file} (the networks of HashLips and datlips, line ${r.line})`;
      markers.push({ engine: "hashlips", marker });
      family ??= { engine: "hashlips-family", marker };
    }
  }
  const topKeys = new Set(read.exportedKeys);
  for (const key of DATLIPS_KEYS) if (topKeys.has(key)) markers.push({ engine: "datlips", marker: `exports ${key} (datlips only)` });
  for (const key of NFTCHEF_KEYS) if (topKeys.has(key)) markers.push({ engine: "nftchef", marker: `exports ${key} (nftchef only)` });
  const configs = read.values.layerConfigurations;
  if (Array.isArray(configs)) {
    configs.forEach((cfg: unknown, i) => {
      const order = isRecord(cfg) ? cfg.layersOrder : undefined;
      if (!Array.isArray(order)) return;
      order.forEach((entry: unknown, j) => {
        if (!isRecord(entry)) return;
        const at = `layerConfigurations[${i}].layersOrder[${j}]`;
        for (const key of NFTCHEF_LAYER_KEYS) if (key in entry) markers.push({ engine: "nftchef", marker: `${at}.${key} (nftchef only)` });
        const options = entry.options;
        if (isRecord(options)) {
          for (const key of DATLIPS_LAYER_OPTIONS) if (key in options) markers.push({ engine: "datlips", marker: `${at}.options.${key} (datlips only)` });
        }
      });
    });
  }
  const firstOf = (engine: EngineName): string | undefined => markers.find((m) => m.engine === engine)?.marker;
  const datlips = firstOf("datlips");
  const nftchef = firstOf("nftchef");
  let engine: EngineConfigRead["engine"];
  let marker: string;
  if (family?.engine === "nftchef") {
    engine = "nftchef";
    marker = family.marker;
  } else if (family) {
    engine = datlips ? "datlips" : "hashlips";
    marker = datlips ?? `${family.marker}, and no key only datlips exports`;
  } else if (datlips && nftchef) {
    engine = "unknown";
    marker = `markers of two engines: ${nftchef}; ${datlips}`;
  } else if (datlips) {
    engine = "datlips";
    marker = datlips;
  } else if (nftchef) {
    engine = "nftchef";
    marker = nftchef;
  } else if (topKeys.has("layerConfigurations")) {
    engine = "hashlips";
    marker = "exports layerConfigurations, with no blend-mode module and no key only nftchef or datlips exports";
  } else {
    engine = "unknown";
    marker = "no marker of any engine: no layerConfigurations, no blend-mode module, no engine-only key";
  }
  return { fileName, engine, marker, markers, values: read.values, exportedKeys: read.exportedKeys, unreadable: read.unreadable, resolved: read.resolved };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Folder dialects: every engine's layer folders read into the one trait model (model.ts), from names and sizes
 * alone. `readLayer` reads one layer folder in a given dialect; `readLayers` a whole layers folder with a config's
 * layer list (parents of `variantOf` first, so their traits are known); `detectDialect` picks the dialect for
 * `dialect: "auto"`.
 */
import { problem, assertNever } from "../errors.js";
import type { LayerProblem } from "../layers.js";
import type { Dialect, ListedDir } from "../model.js";
import { isJunkFolder, parseLayerFolderName } from "../weights.js";
import { LayerContext, leaves } from "./build.js";
import { readDatlips } from "./datlips.js";
import { detectDialect, type DialectChoice } from "./detect.js";
import { readHashlips } from "./hashlips.js";
import { readHl2 } from "./hl2.js";
import { cleanLayerName, nfc } from "./names.js";
import { readNftchef } from "./nftchef.js";
import { readNftool } from "./nftool.js";
import { readTraitloom } from "./traitloom.js";
import type { LayerEntry, LayerRead, LayerReadOptions, LayerRef, NamedWeights } from "./types.js";
import type { WeightSyntax } from "../weights.js";

export { detectDialect, type DialectChoice } from "./detect.js";
export { cleanLayerName, DATLIPS_NAMED_WEIGHTS, DATLIPS_WEIGHT_BANDS, readBlend } from "./names.js";
export * from "./types.js";

/**
 * Reads one layer folder in one dialect into a LayerModel: its choice tree, traits, parts (z, blend, opacity,
 * offset), variant art, with the config's layer options applied. Every problem names its file or config field
 * (the model leaves that file out); warnings say how names were read where the engine would differ.
 *
 * @example
 * const { model, problems } = readLayer(dir, { dialect: "nftchef", layerIndex: 6, name: "Accessory", folder: "Accessory" });
 * flattenLayer(model.root).map((o) => [o.trait.name, o.share]); // [["Helmet", 10/136], ["MetallicShades", 1/136], …]
 */
export function readLayer(dir: ListedDir, options: LayerReadOptions): LayerRead {
  const ctx = new LayerContext(options);
  switch (options.dialect) {
    case "traitloom":
      return readTraitloom(dir, ctx);
    case "hashlips":
      return readHashlips(dir, ctx);
    case "nftchef":
      return readNftchef(dir, ctx);
    case "datlips":
      return readDatlips(dir, ctx);
    case "hl2":
      return readHl2(dir, ctx);
    case "nftool":
      return readNftool(dir, ctx);
    default:
      return assertNever(options.dialect, "dialect");
  }
}

export interface LayerSetReadOptions {
  dialect: Dialect | "auto";
  /** The config's layers, bottom first (names or entries); default every folder, ordered as the dialect orders them. */
  layers?: ReadonlyArray<string | LayerEntry> | undefined;
  /** How the layers folder is named in messages. Default "layers". */
  root?: string | undefined;
  /** Where in the config `layers` is, for problems with it. Default "traitloom.json". */
  configSource?: string | undefined;
  namedWeights?: NamedWeights | undefined;
  weightSyntax?: WeightSyntax | undefined;
  emptyNames?: readonly string[] | undefined;
}

export interface LayerSetRead {
  dialect: Dialect;
  /** Where `dialect` was "auto": what was picked and why. */
  detected: DialectChoice | undefined;
  /** In layer order. */
  layers: LayerRead[];
  /** Every layer's problems and the set's own (a config layer without a folder). */
  problems: LayerProblem[];
  warnings: string[];
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The folders' default order: alphabetical in HashLips v2 (readdir), else numeric prefixes first, then alphabetical. */
function defaultOrder(dialect: Dialect, dirs: ListedDir[]): ListedDir[] {
  if (dialect === "hl2") return [...dirs].sort((a, b) => byteOrder(a.name, b.name));
  return [...dirs].sort((a, b) => {
    const pa = parseLayerFolderName(a.name).order;
    const pb = parseLayerFolderName(b.name).order;
    return (pa === undefined ? 1 : 0) - (pb === undefined ? 1 : 0) || (pa ?? 0) - (pb ?? 0) || byteOrder(a.name, b.name);
  });
}

/**
 * Reads a whole layers folder: picks the dialect where it is "auto", matches the config's layers to folders
 * (by folder, name, or the name the dialect gives a folder), and reads every layer with the set in view, parents
 * of `variantOf` (and datlips' `Variant` first layer) before their children so their traits are known.
 */
export function readLayers(layersDir: ListedDir, options: LayerSetReadOptions): LayerSetRead {
  const dirs = layersDir.dirs.filter((d) => !isJunkFolder(d.name));
  const detected = options.dialect === "auto" ? detectDialect(dirs) : undefined;
  const dialect = detected?.dialect ?? (options.dialect as Dialect);
  const root = options.root ?? "layers";
  const out: LayerSetRead = { dialect, detected, layers: [], problems: [], warnings: [] };
  const chosen: Array<{ dir: ListedDir; entry: LayerEntry }> = [];
  if (options.layers) {
    options.layers.forEach((raw, i) => {
      const entry: LayerEntry = typeof raw === "string" ? { name: raw } : raw;
      const wanted = nfc(entry.folder ?? entry.name);
      const dir =
        dirs.find((d) => d.name === wanted) ??
        dirs.find((d) => nfc(d.name) === wanted) ??
        (entry.folder === undefined ? dirs.find((d) => cleanLayerName(dialect, d.name) === wanted) : undefined);
      if (!dir) {
        out.problems.push({
          ...problem("LAYER_MISSING", `${options.configSource ?? "traitloom.json"}: layers[${i}]`, `expected a folder "${wanted}" in ${root}, found none (folders: ${dirs.map((d) => d.name).join(", ") || "none"})`),
          file: undefined,
        });
        return;
      }
      chosen.push({ dir, entry });
    });
  } else {
    for (const dir of defaultOrder(dialect, dirs)) chosen.push({ dir, entry: { name: cleanLayerName(dialect, dir.name) } });
  }
  const refs: LayerRef[] = chosen.map(({ dir, entry }) => ({ name: entry.name, folder: dir.name, traitType: entry.trait ?? entry.displayName }));
  const reads: Array<LayerRead | undefined> = chosen.map(() => undefined);
  const reading = new Set<number>();
  const readAt = (i: number): LayerRead | undefined => {
    const done = reads[i];
    if (done) return done;
    const c = chosen[i];
    if (!c || reading.has(i)) return undefined;
    reading.add(i);
    const parentRef = c.entry.variantOf ?? (dialect === "datlips" && i > 0 && refs[0]?.folder.includes("Variant") ? refs[0].name : undefined);
    const parent = parentRef === undefined ? -1 : refs.findIndex((r) => r.name === parentRef || r.traitType === parentRef || r.folder === parentRef);
    if (parent >= 0 && parent !== i) readAt(parent);
    const { name: _name, folder: _folder, ...layerOptions } = c.entry;
    const read = readLayer(c.dir, {
      dialect,
      layerIndex: i,
      name: c.entry.name,
      folder: c.dir.name,
      options: layerOptions,
      root,
      configPath: options.layers ? `${options.configSource ?? "traitloom.json"}: layers[${i}]` : undefined,
      namedWeights: options.namedWeights,
      weightSyntax: options.weightSyntax,
      emptyNames: options.emptyNames,
      layerSet: refs,
    });
    const ref = refs[i];
    if (ref) ref.traits = leaves(read.model.root).map((t) => t.name);
    reads[i] = read;
    return read;
  };
  chosen.forEach((_, i) => readAt(i));
  // A warning about the whole folder (datlips' named-weight bands) comes from every layer in the same words: once.
  const said = new Set<string>();
  for (const read of reads) {
    if (!read) continue;
    out.layers.push(read);
    out.problems.push(...read.problems);
    for (const w of read.warnings) {
      if (said.has(w)) continue;
      said.add(w);
      out.warnings.push(w);
    }
  }
  return out;
}

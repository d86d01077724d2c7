import { configSchema, layerConfigSchema, type LayerConfig, type TraitloomConfig } from "../config.js";
import { TraitloomError } from "../errors.js";
import { analyzeLayers, type LayersListing } from "../layers.js";
import { convertDatlipsRules, convertNftchefRules, type ConvertedRules, type DatlipsIncompatibility } from "./engineRules.js";
import { canonicalName, readTraitFileName } from "../weights.js";
import type { ResolvedConstant } from "./evaluate.js";
import { formatKeyPath } from "./evaluate.js";
import type { EngineConfigRead, EngineName } from "./readEngineConfig.js";

export interface ConvertOptions {
  /** The engine to read the file as (the CLI's `--from`); wins over the one readEngineConfig detected. */
  engine?: EngineName | undefined;
  /**
   * The layers folder, where known: nftchef's traitValueOverrides are then written as `traits.<name>.value` on
   * each layer whose folder holds a file of that trait name.
   */
  listing?: LayersListing | undefined;
  /**
   * datlips' `compatibility/incompatibilities.json`, read (readDatlipsIncompatibilities), for initFromEngineConfig to
   * convert into rules; `fileName` as messages name it.
   */
  datlipsIncompatibilities?: { fileName: string; entries: DatlipsIncompatibility[] } | undefined;
}

/** A blend mode as the config wrote it and as the engine hands it to canvas `globalCompositeOperation`. */
export interface BlendSetting {
  /** The canvas operation the engine draws with: "multiply", "source-out". */
  operation: string;
  /** As written: `MODE.sourceAtop`, or the string itself (`"multiply"`). */
  written: string;
  /** Where the engine's constant is not what its name says (HashLips' MODE.sourceAtop draws source-out). */
  note?: string;
}

/** One layersOrder entry of one layer configuration. */
export interface EngineLayer {
  /** `layersOrder[i].name`: the folder under the layers folder. */
  folder: string;
  /** The metadata trait_type: `options.displayName` (HashLips, datlips), `trait` (nftchef), else the folder. */
  traitType: string;
  /** false where `options.bypassDNA` is true. */
  countsForUniqueness: boolean;
  /** false where datlips' `options.exclude` is true: drawn, left out of metadata. */
  inMetadata: boolean;
  /** nftchef's `display_type` for this layer's attributes. */
  displayType?: string;
  /** Key path of the entry in config.js: `layerConfigurations[0].layersOrder[3]`. */
  path: string;
}

/** One layer configuration: a range of tokens drawn from its own layers (an edition, once Traitloom has them). */
export interface EngineEdition {
  /** Index in layerConfigurations. */
  index: number;
  /** `growEditionSizeTo` as written: cumulative in HashLips and nftchef, per configuration in datlips. */
  growEditionSizeTo: number;
  /** Tokens of this configuration, cumulative sizes resolved: 0 where a cumulative size does not grow. */
  count: number;
  /** The ids of its tokens before any shuffle, `firstId` … `firstId + count - 1`. */
  firstId: number;
  namePrefix?: string;
  description?: string;
  /** nftchef: name numbers restart at 1 in this configuration. */
  resetNameIndex?: boolean;
  layers: EngineLayer[];
  path: string;
}

/** A layer's blend mode and opacity (HashLips, datlips: `options.blend/opacity`; nftchef: `blend/opacity`). */
export interface LayerBlend {
  /** Index of the layer configuration. */
  edition: number;
  /** The layer's folder. */
  layer: string;
  blend?: BlendSetting;
  /** 0 … 1, canvas globalAlpha. */
  opacity?: number;
  path: string;
}

/** One datlips `options.subTraits[i]`: files of a sub-folder named like the picked trait, drawn with it (art only). */
export interface SubTrait {
  /** Which file of the sub-folder (clean name); every file where absent. */
  name?: string;
  blend?: BlendSetting;
  opacity?: number;
  /** Absolute z of the part; datlips draws layer i at z 10·i. */
  zindex?: number;
  path: string;
}

export interface LayerSubTraits {
  edition: number;
  layer: string;
  subTraits: SubTrait[];
  path: string;
}

/** nftchef `sublayerOptions[<sub-folder clean name>]`: options of a nested folder and everything under it. */
export interface SublayerOption {
  blend?: BlendSetting;
  opacity?: number;
  /** trait_type of the attributes under it (nftchef writes none where this is missing: nftchef L214-218). */
  trait?: string;
  bypassDNA?: boolean;
  path: string;
}

export interface LayerSublayerOptions {
  edition: number;
  layer: string;
  options: Record<string, SublayerOption>;
  path: string;
}

/**
 * nftchef's rules as written: keys and values are trait clean names, global (not per layer); a key must be
 * picked in an earlier layer than its values (pick order = layersOrder). Which layer a name belongs to is left
 * to the caller, which has the folder listing.
 */
export interface EngineRules {
  /** A trait's name → names that may not be picked after it. */
  incompatible: Record<string, string[]>;
  /** A trait's name → names picked in later layers whenever it is. */
  forcedCombinations: Record<string, string[]>;
}

/** What toTraitloomConfig makes of an engine's config.js. */
export interface EngineConversion {
  engine: EngineName;
  /** The traitloom.json for what Traitloom supports today (no `layersDir`, `seed` or `$schema`: the CLI adds those). */
  config: TraitloomConfig;
  /** Every value whose effect is lost, one line each, in words: `incompatible: 2 rules (rules are not supported yet …)`. */
  notCarried: string[];
  /** Values that need no counterpart (debug logs, preview sizes, the DNA retry limit), one line each. */
  notNeeded: string[];
  /** What the conversion decided or the user should know, one line each (resize, startId, None in metadata…). */
  notes: string[];
  /** Where the engine reads its layers, relative to its project folder ("layers"). */
  layersDir: string;
  editions: EngineEdition[];
  rules: EngineRules;
  /** Layers drawn with a blend mode other than source-over or an opacity other than 1, every configuration. */
  blend: LayerBlend[];
  /** nftchef `traitValueOverrides`: a trait's clean name → the value written to metadata, in every layer. */
  traitValueOverrides: Record<string, string>;
  sublayerOptions: LayerSublayerOptions[];
  subTraits: LayerSubTraits[];
  /** The engine's rules as written into `config.rules`, where initFromEngineConfig had the layers to name them. */
  ruleConversion?: ConvertedRules | undefined;
}

const LABEL: Record<EngineName, string> = { hashlips: "HashLips", nftchef: "nftchef", datlips: "datlips" };

/** Top-level keys each engine reads (HashLips v1.1.1, nftchef v2.2.0, datlips v1.4.0 config.js and main.js). */
const KEYS: Record<EngineName, readonly string[]> = {
  hashlips: [
    "layerConfigurations", "format", "baseUri", "description", "namePrefix", "network", "solanaMetadata", "background", "uniqueDnaTorrance",
    "rarityDelimiter", "preview", "preview_gif", "shuffleLayerConfigurations", "debugLogs", "extraMetadata", "pixelFormat", "text", "gif",
  ],
  nftchef: [
    "layerConfigurations", "format", "baseUri", "description", "namePrefix", "background", "uniqueDnaTorrance", "rarityDelimiter", "preview",
    "preview_gif", "shuffleLayerConfigurations", "debugLogs", "extraMetadata", "extraAttributes", "buildDir", "layersDir", "incompatible",
    "forcedCombinations", "traitValueOverrides", "outputJPEG", "emptyLayerName", "hashImages", "startIndex", "useRootTraitType", "solanaMetadata",
  ],
  datlips: [
    "layerConfigurations", "format", "baseUri", "description", "namePrefix", "network", "solanaMetadata", "background", "uniqueDnaTorrance",
    "rarityDelimiter", "preview", "preview_gif", "shuffleLayerConfigurations", "debugLogs", "extraMetadata", "pixelFormat", "text", "gif",
    "collectionSize", "exactWeight", "collectionName", "symbol", "extraAttributes", "enableStats", "statBlocks", "rarity_config", "resumeNum",
    "importOldDna", "allowDuplicates", "startIndex",
  ],
};

/** Keys that change nothing Traitloom makes: an unreadable one is listed under notNeeded. */
const NOT_NEEDED_KEYS = new Set(["debugLogs", "uniqueDnaTorrance", "preview", "preview_gif", "pixelFormat", "buildDir", "layersDir"]);

/** Keys of a layersOrder entry, and of its options, each engine reads. */
const LAYER_KEYS: Record<EngineName, { entry: readonly string[]; options: readonly string[] }> = {
  hashlips: { entry: ["name", "options"], options: ["bypassDNA", "displayName", "blend", "opacity"] },
  nftchef: { entry: ["name", "options", "trait", "blend", "opacity", "display_type", "sublayerOptions"], options: ["bypassDNA"] },
  datlips: { entry: ["name", "options"], options: ["bypassDNA", "displayName", "blend", "opacity", "exclude", "subTraits"] },
};

/** Keys of a layer configuration each engine reads. */
const EDITION_KEYS: Record<EngineName, readonly string[]> = {
  hashlips: ["growEditionSizeTo", "layersOrder"],
  nftchef: ["growEditionSizeTo", "layersOrder", "namePrefix", "resetNameIndex"],
  datlips: ["growEditionSizeTo", "layersOrder", "namePrefix", "description"],
};

/** `path.key`, or `path["a key"]` where the key is not an identifier, as readEngineConfig writes key paths. */
function childPath(path: string, key: string): string {
  const tail = formatKeyPath([key]);
  return tail.startsWith("[") ? `${path}${tail}` : `${path}.${tail}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return "an array";
  if (isRecord(v)) return "an object";
  return String(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/**
 * The traitloom.json equivalent of an engine's config.js, for what Traitloom supports today: layer order, folder
 * and trait_type (displayName / trait), bypassDNA (countsForUniqueness: false), namePrefix, description, baseUri,
 * format (width, height; every engine stretches layers to it, so resize "stretch"), extraMetadata, datlips'
 * extraAttributes and rarity_config (namedWeights), nftchef's outputJPEG and emptyLayerName, the token count (the
 * last cumulative growEditionSizeTo in HashLips and nftchef, the sum in datlips) and the first id (startIndex;
 * HashLips and datlips start at 1, at 0 on Solana). Every value it cannot carry over is one line of `notCarried`;
 * what later features need (editions, rules, blend modes, trait value overrides, sub-layer options, sub-traits)
 * comes back as data of its own.
 *
 * @example
 * const { config, notCarried } = toTraitloomConfig(readEngineConfig(source, "src/config.js"));
 * // config.layers: ["Background", { name: "Color", folder: "Variant" }, …]
 * // notCarried: ["layerConfigurations[1]: another layer configuration (15 tokens from SkeletalArms, …) (editions are not supported yet …)", …]
 * @throws TraitloomError BAD_CONFIG where the engine is "unknown" and `options.engine` does not say which.
 */
export function toTraitloomConfig(read: EngineConfigRead, options: ConvertOptions = {}): EngineConversion {
  const engine = options.engine ?? (read.engine === "unknown" ? undefined : read.engine);
  if (!engine) {
    throw new TraitloomError(
      "BAD_CONFIG",
      `${read.fileName}: expected the config.js of HashLips, nftchef or datlips, found ${read.marker}; say which engine wrote it (--from hashlips|nftchef|datlips)`,
    );
  }
  return new Conversion(read, engine, options.listing).run(options.engine !== undefined && read.engine !== "unknown" && read.engine !== options.engine);
}

/**
 * What `traitloom init <layersDir> --from <engine> <config.js>` writes: toTraitloomConfig with the layers folder
 * known, so that what needs the folder (nftchef's traitValueOverrides, by trait name) lands on its layers.
 * Without a listing it is toTraitloomConfig itself.
 *
 * @example
 * const { config, notCarried } = initFromEngineConfig(await listLayersDir("layers"), readEngineConfig(src, "src/config.js"));
 */
export function initFromEngineConfig(listing: LayersListing | undefined, read: EngineConfigRead, options: ConvertOptions = {}): EngineConversion {
  const conversion = toTraitloomConfig(read, { ...options, listing });
  return listing ? withEngineRules(conversion, listing, options.datlipsIncompatibilities) : conversion;
}

/** The lines toTraitloomConfig writes for nftchef's rule keys while it has no layers to name their traits. */
function isRuleKeyLine(line: string): boolean {
  return /^(incompatible|forcedCombinations): .*\(rules are not supported yet/.test(line);
}

/**
 * nftchef's incompatible / forcedCombinations and datlips' incompatibilities as `config.rules`, their bare names
 * resolved on the layers the converted config reads from `listing`; what cannot be converted stays in notCarried.
 */
function withEngineRules(conversion: EngineConversion, listing: LayersListing, datlips: ConvertOptions["datlipsIncompatibilities"]): EngineConversion {
  const { engine, rules: engineRules } = conversion;
  const nftchef = engine === "nftchef" && Object.keys(engineRules.incompatible).length + Object.keys(engineRules.forcedCombinations).length > 0;
  const dl = engine === "datlips" && datlips !== undefined && datlips.entries.length > 0;
  if (!nftchef && !dl) return conversion;
  const analysis = analyzeLayers(listing, conversion.config);
  if (!analysis.layerSet) {
    const first = analysis.problems[0];
    const why = first?.message ?? "no layers";
    const what = nftchef ? "incompatible and forcedCombinations" : (datlips?.fileName ?? "incompatibilities");
    return { ...conversion, notCarried: [...conversion.notCarried.filter((l) => !isRuleKeyLine(l)), `${what}: not converted into rules: the layers of ${listing.root} could not be read (${why})`] };
  }
  const layers = analysis.layerSet.layers;
  const converted = nftchef ? convertNftchefRules(engineRules, layers) : convertDatlipsRules(datlips?.entries ?? [], conversion.editions, layers, datlips?.fileName ?? "incompatibilities.json");
  const config: TraitloomConfig = converted.rules.length > 0 ? { ...conversion.config, rules: converted.rules } : conversion.config;
  return {
    ...conversion,
    config,
    notCarried: [...conversion.notCarried.filter((l) => !isRuleKeyLine(l)), ...converted.notCarried],
    notes: [...conversion.notes, ...converted.converted, ...converted.ignoredByEngine],
    ruleConversion: converted,
  };
}

class Conversion {
  private readonly values: Record<string, unknown>;
  private readonly resolvedAt = new Map<string, ResolvedConstant>();
  private readonly config: TraitloomConfig = {};
  private readonly notCarried: string[] = [];
  private readonly notNeeded: string[] = [];
  private readonly notes: string[] = [];
  private readonly editions: EngineEdition[] = [];
  private readonly blend: LayerBlend[] = [];
  private readonly subTraits: LayerSubTraits[] = [];
  private readonly sublayerOptions: LayerSublayerOptions[] = [];
  private readonly rules: EngineRules = { incompatible: {}, forcedCombinations: {} };
  private traitValueOverrides: Record<string, string> = {};
  private readonly label: string;

  constructor(
    private readonly read: EngineConfigRead,
    private readonly engine: EngineName,
    private readonly listing: LayersListing | undefined,
  ) {
    this.values = read.values;
    this.label = LABEL[engine];
    for (const r of read.resolved) this.resolvedAt.set(r.path, r);
  }

  run(overridden: boolean): EngineConversion {
    if (overridden) this.notes.push(`read as ${this.label} as asked, though it looks like ${LABEL[this.read.engine as EngineName]} (${this.read.marker})`);
    const v = this.values;
    const network = typeof v.network === "string" ? v.network : "eth";
    const startId = this.startId(network);
    this.layerConfigurations(startId);
    const first = this.editions[0];

    // The metadata fields, in the order traitloom.json lists them.
    // nftchef and datlips name tokens per layer configuration, datlips describes them per configuration too.
    if (first?.namePrefix !== undefined) this.carry("namePrefix", first.namePrefix, `${first.path}.namePrefix`);
    else if (v.namePrefix !== undefined) this.carry("namePrefix", v.namePrefix, "namePrefix");
    if (first?.description !== undefined) this.carry("description", first.description, `${first.path}.description`);
    else if (v.description !== undefined) this.carry("description", v.description, "description");
    if (v.baseUri !== undefined) this.carry("baseUri", v.baseUri, "baseUri");
    const count = this.editions.reduce((a, e) => a + e.count, 0);
    if (count > 0) this.carry("count", count, "layerConfigurations");
    if (startId !== undefined) this.carry("startId", startId, this.engine === "hashlips" ? "network" : "startIndex");
    this.format();
    this.noneNames();
    this.namedWeights();
    if (isRecord(v.extraMetadata) && Object.keys(v.extraMetadata).length > 0) this.carry("extraMetadata", v.extraMetadata, "extraMetadata");
    else if (v.extraMetadata !== undefined && !isRecord(v.extraMetadata)) this.notCarried.push(`extraMetadata: expected an object, found ${shown(v.extraMetadata)}`);
    this.extraAttributes();
    if (this.engine === "nftchef" && v.outputJPEG === true) this.carry("image", { format: "jpeg" }, "outputJPEG");
    this.datlipsLayers();
    this.layers(first);
    this.otherEditions();

    this.otherKeys(network);
    this.unreadableValues();
    return {
      engine: this.engine,
      config: this.config,
      notCarried: this.inExportOrder(this.notCarried),
      notNeeded: this.inExportOrder(this.notNeeded),
      notes: this.notes,
      layersDir: typeof v.layersDir === "string" && this.engine === "nftchef" ? v.layersDir : "layers",
      editions: this.editions,
      rules: this.rules,
      blend: this.blend,
      traitValueOverrides: this.traitValueOverrides,
      sublayerOptions: this.sublayerOptions,
      subTraits: this.subTraits,
    };
  }

  /** Lines sorted by the place of their leading key in module.exports (stable: each key's lines keep their order). */
  private inExportOrder(lines: string[]): string[] {
    const order = new Map(this.read.exportedKeys.map((k, i) => [k, i]));
    const rank = (line: string): number => order.get(/^[A-Za-z_$][\w$]*/.exec(line)?.[0] ?? "") ?? order.size;
    return lines.map((line, i) => ({ line, i, r: rank(line) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.line);
  }

  /**
   * datlips reads more from a configuration's layers than their options: a first layer named Variant picks the
   * colour sub-folder of every layer (FIELD.md F3), and counts are exact with every trait at least once (F9).
   */
  private datlipsLayers(): void {
    if (this.engine !== "datlips") return;
    for (const edition of this.editions) {
      // datlips: layersOrder[0]'s picked file path includes "Variant" (checkVariant, main.js L465).
      const variant = edition.layers[0];
      if (!variant?.folder.includes("Variant")) continue;
      const line = `${variant.path}: Variant first: each layer draws <layer>/<the Variant picked>/<trait> where that file exists, else its own file (colour variants are not supported yet: Traitloom refuses the sub-folders)`;
      if (edition.index === 0) this.notCarried.push(line);
    }
    this.notes.push(
      "datlips makes each layer's counts exact, every trait at least once per configuration; Traitloom keeps each trait within 1 of count × weight / total, which can be 0 for a rare trait in a small collection",
    );
  }

  /** Sets one traitloom.json field where the schema accepts the value; otherwise says why it is not carried. */
  private carry<K extends keyof TraitloomConfig>(key: K, value: unknown, from: string): void {
    const result = configSchema.shape[key].safeParse(value);
    if (result.success) this.config[key] = result.data as TraitloomConfig[K];
    else this.notCarried.push(`${from}: ${shown(value)} does not fit traitloom.json's ${key} (${result.error.issues[0]?.message ?? "invalid"})`);
  }

  private startId(network: string): number | undefined {
    const { startIndex } = this.values;
    if (this.engine !== "hashlips" && startIndex !== undefined) {
      if (isCount(startIndex)) return startIndex;
      this.notCarried.push(`startIndex: expected a whole number >= 0, found ${shown(startIndex)}`);
    }
    if (this.engine === "nftchef") return undefined;
    // HashLips v1.1.1 (and datlips after it) number Solana tokens from 0, all others from 1 (main.js startCreating).
    return network === "sol" ? 0 : 1;
  }

  private blendSetting(value: unknown, path: string): BlendSetting | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.notCarried.push(`${path}: expected a blend mode (MODE.multiply or "multiply"), found ${shown(value)}`);
      return undefined;
    }
    const r = this.resolvedAt.get(path);
    if (r?.note !== undefined) this.notes.push(`${path}: ${r.expression}: ${r.note}`);
    return { operation: value, written: r?.expression ?? JSON.stringify(value), ...(r?.note !== undefined ? { note: r.note } : {}) };
  }

  private opacity(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "number" && value >= 0 && value <= 1) return value;
    this.notCarried.push(`${path}: expected an opacity from 0 to 1, found ${shown(value)}`);
    return undefined;
  }

  private layerConfigurations(startId: number | undefined): void {
    const configs = this.values.layerConfigurations;
    if (configs === undefined) {
      if (!this.read.unreadable.some((u) => u.path === "layerConfigurations")) {
        this.notCarried.push("layerConfigurations: not found: the layers are taken in folder order (numeric prefixes, else alphabetical)");
      }
      return;
    }
    if (!Array.isArray(configs) || configs.length === 0) {
      this.notCarried.push(`layerConfigurations: expected an array of { growEditionSizeTo, layersOrder }, found ${Array.isArray(configs) ? "an empty array" : shown(configs)}`);
      return;
    }
    let before = 0; // tokens of the configurations before this one
    let grown = 0; // the largest cumulative size so far (HashLips, nftchef)
    configs.forEach((cfg: unknown, index) => {
      const path = `layerConfigurations[${index}]`;
      if (!isRecord(cfg)) {
        this.notCarried.push(`${path}: expected { growEditionSizeTo, layersOrder }, found ${shown(cfg)}`);
        return;
      }
      for (const key of Object.keys(cfg)) {
        if (!EDITION_KEYS[this.engine].includes(key)) this.notes.push(`${path}.${key}: ${this.label} does not read this key of a layer configuration; left out`);
      }
      const size = cfg.growEditionSizeTo;
      let count = 0;
      if (!isCount(size)) this.notCarried.push(`${path}.growEditionSizeTo: expected a whole number >= 0, found ${shown(size)}: no tokens counted from it`);
      else if (this.engine === "datlips") count = size;
      else {
        count = Math.max(0, size - grown);
        if (index > 0 && size <= grown) {
          this.notes.push(`${path}.growEditionSizeTo: ${size} is not above the ${grown} before it, and ${this.label} grows the collection TO it (it is cumulative): no token is made from this configuration`);
        }
        grown = Math.max(grown, size);
      }
      const edition: EngineEdition = {
        index,
        growEditionSizeTo: isCount(size) ? size : 0,
        count,
        firstId: (startId ?? 1) + before,
        layers: [],
        path,
      };
      const text = (key: "namePrefix" | "description"): string | undefined => {
        const value = cfg[key];
        if (value === undefined || !EDITION_KEYS[this.engine].includes(key)) return undefined;
        if (typeof value === "string") return value;
        this.notCarried.push(`${path}.${key}: expected a string, found ${shown(value)}`);
        return undefined;
      };
      const namePrefix = text("namePrefix");
      if (namePrefix !== undefined) edition.namePrefix = namePrefix;
      const description = text("description");
      if (description !== undefined) edition.description = description;
      if (this.engine === "nftchef" && typeof cfg.resetNameIndex === "boolean") edition.resetNameIndex = cfg.resetNameIndex;
      before += count;
      const order = cfg.layersOrder;
      if (!Array.isArray(order)) this.notCarried.push(`${path}.layersOrder: expected an array of { name }, found ${shown(order)}`);
      else order.forEach((entry: unknown, j) => this.layerEntry(edition, entry, `${path}.layersOrder[${j}]`));
      this.editions.push(edition);
    });
    if (this.engine === "datlips" && this.values.collectionSize !== undefined && this.values.collectionSize !== before) {
      this.notes.push(`collectionSize: ${shown(this.values.collectionSize)}, but the layer configurations make ${before} tokens: datlips stops with an error where they differ; count is ${before}`);
    }
  }

  /** After the first configuration's own lines: each further configuration is one line. */
  private otherEditions(): void {
    const total = this.editions.reduce((a, e) => a + e.count, 0);
    for (const edition of this.editions.slice(1)) {
      const layers = edition.layers.map((l) => l.folder).join(", ");
      this.notCarried.push(
        `${edition.path}: another layer configuration (${plural(edition.count, "token")} from ${layers || "no layers"}) (editions are not supported yet: count ${total} covers every token, all drawn from ${this.editions[0]?.path ?? "the first"}'s layers)`,
      );
    }
  }

  private layerEntry(edition: EngineEdition, entry: unknown, path: string): void {
    if (!isRecord(entry) || typeof entry.name !== "string" || entry.name === "") {
      this.notCarried.push(`${path}: expected { name: "<folder>" }, found ${isRecord(entry) ? `an object without a name` : shown(entry)}`);
      return;
    }
    const keys = LAYER_KEYS[this.engine];
    for (const key of Object.keys(entry)) {
      if (!keys.entry.includes(key)) this.notes.push(`${path}.${key}: ${this.label} does not read this key of a layer${this.whereRead(key)}; left out`);
    }
    const options = isRecord(entry.options) ? entry.options : {};
    if (entry.options !== undefined && !isRecord(entry.options)) this.notCarried.push(`${path}.options: expected an object, found ${shown(entry.options)}`);
    for (const key of Object.keys(options)) {
      if (!keys.options.includes(key)) this.notes.push(`${path}.options.${key}: ${this.label} does not read this option${this.whereRead(key)}; left out`);
    }
    const nftchef = this.engine === "nftchef";
    const named = nftchef ? entry.trait : options.displayName;
    const namedPath = nftchef ? `${path}.trait` : `${path}.options.displayName`;
    let traitType = entry.name;
    if (typeof named === "string" && named !== "") traitType = named;
    else if (named !== undefined) this.notCarried.push(`${namedPath}: expected a trait_type name, found ${shown(named)}`);
    const layer: EngineLayer = {
      folder: entry.name,
      traitType,
      countsForUniqueness: options.bypassDNA !== true,
      inMetadata: !(this.engine === "datlips" && options.exclude === true),
      path,
    };
    if (nftchef && typeof entry.display_type === "string") layer.displayType = entry.display_type;
    edition.layers.push(layer);

    const blendPath = nftchef ? `${path}.blend` : `${path}.options.blend`;
    const opacityPath = nftchef ? `${path}.opacity` : `${path}.options.opacity`;
    const blend = this.blendSetting(nftchef ? entry.blend : options.blend, blendPath);
    const opacity = this.opacity(nftchef ? entry.opacity : options.opacity, opacityPath);
    if ((blend && blend.operation !== "source-over") || (opacity !== undefined && opacity !== 1)) {
      this.blend.push({ edition: edition.index, layer: entry.name, ...(blend ? { blend } : {}), ...(opacity !== undefined ? { opacity } : {}), path });
    }
    if (this.engine === "datlips" && options.subTraits !== undefined) this.readSubTraits(edition, entry.name, options.subTraits, `${path}.options.subTraits`);
    if (nftchef && entry.sublayerOptions !== undefined) this.readSublayerOptions(edition, entry.name, entry.sublayerOptions, `${path}.sublayerOptions`);
  }

  /** Where a key that this engine does not read at this place is read by the engines that do. */
  private whereRead(key: string): string {
    if ((key === "blend" || key === "opacity") && this.engine !== "nftchef") return ` there (it reads options.${key})`;
    if ((key === "blend" || key === "opacity" || key === "displayName") && this.engine === "nftchef") return ` under options (it reads ${key === "displayName" ? "trait" : key} on the entry itself)`;
    return "";
  }

  private readSubTraits(edition: EngineEdition, layer: string, value: unknown, path: string): void {
    if (!Array.isArray(value)) {
      this.notCarried.push(`${path}: expected an array of { name?, blend?, opacity?, zindex? }, found ${shown(value)}`);
      return;
    }
    const subTraits: SubTrait[] = [];
    value.forEach((item: unknown, i) => {
      const at = `${path}[${i}]`;
      if (!isRecord(item)) {
        this.notCarried.push(`${at}: expected { name?, blend?, opacity?, zindex? }, found ${shown(item)}`);
        return;
      }
      const sub: SubTrait = { path: at };
      if (typeof item.name === "string") sub.name = item.name;
      const blend = this.blendSetting(item.blend, `${at}.blend`);
      if (blend) sub.blend = blend;
      const opacity = this.opacity(item.opacity, `${at}.opacity`);
      if (opacity !== undefined) sub.opacity = opacity;
      if (typeof item.zindex === "number" && Number.isInteger(item.zindex)) sub.zindex = item.zindex;
      else if (item.zindex !== undefined) this.notCarried.push(`${at}.zindex: expected a whole number, found ${shown(item.zindex)}`);
      subTraits.push(sub);
    });
    this.subTraits.push({ edition: edition.index, layer, subTraits, path });
  }

  private readSublayerOptions(edition: EngineEdition, layer: string, value: unknown, path: string): void {
    if (!isRecord(value)) {
      this.notCarried.push(`${path}: expected an object of sub-folder names, found ${shown(value)}`);
      return;
    }
    const options: Record<string, SublayerOption> = {};
    for (const [name, item] of Object.entries(value)) {
      const at = childPath(path, name);
      if (!isRecord(item)) {
        this.notCarried.push(`${at}: expected { blend?, opacity?, trait? }, found ${shown(item)}`);
        continue;
      }
      const option: SublayerOption = { path: at };
      const blend = this.blendSetting(item.blend, `${at}.blend`);
      if (blend) option.blend = blend;
      const opacity = this.opacity(item.opacity, `${at}.opacity`);
      if (opacity !== undefined) option.opacity = opacity;
      if (typeof item.trait === "string") option.trait = item.trait;
      if (typeof item.bypassDNA === "boolean") option.bypassDNA = item.bypassDNA;
      Object.defineProperty(options, name, { value: option, enumerable: true, writable: true, configurable: true });
    }
    this.sublayerOptions.push({ edition: edition.index, layer, options, path });
  }

  /** traitloom.json's `layers` from the first layer configuration, and what of its layers is not carried. */
  private layers(first: EngineEdition | undefined): void {
    if (!first) return;
    const entries: Array<string | LayerConfig> = [];
    const seen = new Map<string, string>();
    for (const layer of first.layers) {
      const previous = seen.get(layer.traitType);
      if (previous !== undefined) {
        this.notCarried.push(
          `${layer.path}: "${layer.traitType}" a second time (also ${previous}): a layer drawn twice or two layers with one trait_type are not supported; left out`,
        );
        continue;
      }
      seen.set(layer.traitType, layer.path);
      const entry: LayerConfig = { name: layer.traitType };
      if (layer.traitType !== layer.folder) entry.folder = layer.folder;
      if (!layer.countsForUniqueness) entry.countsForUniqueness = false;
      const parsed = layerConfigSchema.safeParse(entry);
      if (!parsed.success) {
        this.notCarried.push(`${layer.path}: does not fit a traitloom.json layer (${parsed.error.issues[0]?.message ?? "invalid"})`);
        continue;
      }
      entries.push(Object.keys(entry).length === 1 ? entry.name : entry);
      if (!layer.inMetadata) this.notCarried.push(`${layer.path}.options.exclude: ${layer.folder} is drawn but left out of metadata (hiding a layer is not supported yet)`);
      if (layer.displayType !== undefined) this.notCarried.push(`${layer.path}.display_type: "${layer.displayType}" on ${layer.traitType} attributes (a display_type per layer is not supported yet)`);
    }
    if (entries.length > 0) this.carry("layers", entries, `${first.path}.layersOrder`);
    for (const b of this.blend.filter((x) => x.edition === first.index)) {
      const how = [b.blend ? `"${b.blend.operation}"` : undefined, b.opacity !== undefined ? `opacity ${b.opacity}` : undefined].filter((x) => x !== undefined);
      const note = b.blend?.note !== undefined ? `; ${b.blend.note}` : "";
      this.notCarried.push(`${b.path}: ${b.layer} drawn with ${how.join(" at ")} (blend modes and opacity are not supported yet)${note}`);
    }
    for (const s of this.subTraits.filter((x) => x.edition === first.index)) {
      const parts = s.subTraits.map((t) => {
        const bits = [t.blend ? t.blend.operation : undefined, t.opacity !== undefined ? `opacity ${t.opacity}` : undefined, t.zindex !== undefined ? `z ${t.zindex}` : undefined];
        const said = bits.filter((x) => x !== undefined).join(", ");
        return `${t.name ?? "every file"}${said ? ` (${said})` : ""}`;
      });
      this.notCarried.push(
        `${s.path}: ${s.layer}: ${plural(s.subTraits.length, "sub-trait part")} drawn from a sub-folder named like the trait: ${parts.join("; ") || "none"} (sub-trait parts are not supported yet)`,
      );
    }
    for (const s of this.sublayerOptions.filter((x) => x.edition === first.index)) {
      const names = Object.keys(s.options);
      this.notCarried.push(`${s.path}: ${s.layer}: options of ${plural(names.length, "sub-folder")} (${names.join(", ")}) (nested folders are not supported yet)`);
    }
  }

  private format(): void {
    const { format } = this.values;
    if (format === undefined) return;
    if (!isRecord(format)) {
      this.notCarried.push(`format: expected { width, height }, found ${shown(format)}`);
      return;
    }
    if (format.width !== undefined) this.carry("width", format.width, "format.width");
    if (format.height !== undefined) this.carry("height", format.height, "format.height");
    // main.js of all three: ctx.drawImage(img, 0, 0, format.width, format.height), whatever the trait's own size.
    this.carry("resize", "stretch", "format");
    this.notes.push(`resize: "stretch": ${this.label} draws every layer stretched to format.width × format.height, whatever its own size`);
    if (format.smoothing === false) {
      this.notCarried.push("format.smoothing: false: layers of another size are scaled without smoothing (pixel art); Traitloom's stretch always smooths (not supported)");
    } else if (format.smoothing !== undefined) this.notNeeded.push(`format.smoothing: ${shown(format.smoothing)}: Traitloom's stretch smooths too`);
    if (format.dpi !== undefined) this.notCarried.push(`format.dpi: ${shown(format.dpi)} dpi written into each image (not supported)`);
    for (const key of Object.keys(format)) {
      if (!["width", "height", "smoothing", "dpi"].includes(key)) this.notes.push(`format.${key}: not read by ${this.label}; left out`);
    }
  }

  private noneNames(): void {
    if (this.engine === "nftchef") {
      const { emptyLayerName } = this.values;
      if (emptyLayerName === undefined) {
        this.carry("noneTraitNames", [], "emptyLayerName");
        this.notes.push("noneTraitNames: []: without emptyLayerName nftchef writes every trait into metadata, None too");
      } else if (typeof emptyLayerName === "string") {
        this.carry("noneTraitNames", [emptyLayerName], "emptyLayerName");
        this.notes.push(
          `emptyLayerName "${emptyLayerName}": nftchef never opens these files, Traitloom does: a 0-byte ${emptyLayerName} file must become a transparent PNG`,
        );
      } else this.notCarried.push(`emptyLayerName: expected a trait name, found ${shown(emptyLayerName)}`);
      return;
    }
    this.carry("noneTraitNames", [], "layerConfigurations");
    this.notes.push(`noneTraitNames: []: ${this.label} writes a None trait into metadata like any other; remove this line to leave None out`);
  }

  private namedWeights(): void {
    if (this.engine !== "datlips") return;
    const table = this.values.rarity_config;
    if (table === undefined) return;
    if (!isRecord(table) || !Object.values(table).every((w) => typeof w === "number" && w >= 0)) {
      this.notCarried.push(`rarity_config: expected named weights { Common: 100, … }, found ${shown(table)}`);
      return;
    }
    this.carry("namedWeights", table, "rarity_config");
    this.notes.push(
      "namedWeights: datlips' rarity_config; datlips draws each named weight at random on every run, from the next lower weight up to just below its own (Rare 15-30 by default), Traitloom uses the numbers as written",
    );
  }

  private extraAttributes(): void {
    const { extraAttributes } = this.values;
    if (extraAttributes === undefined || this.engine !== "datlips") return;
    if (Array.isArray(extraAttributes) && extraAttributes.length === 0) return;
    this.carry("extraAttributes", extraAttributes, "extraAttributes");
  }

  /** Every other key, in the order exported. */
  private otherKeys(network: string): void {
    const done = new Set(["layerConfigurations", "namePrefix", "description", "baseUri", "format", "extraMetadata", "extraAttributes", "startIndex", "rarity_config", "emptyLayerName", "outputJPEG"]);
    const v = this.values;
    const editions = this.editions.length;
    for (const [key, value] of Object.entries(v)) {
      if (done.has(key)) continue;
      if (!KEYS[this.engine].includes(key)) {
        const owner = (Object.keys(KEYS) as EngineName[]).filter((e) => KEYS[e].includes(key)).map((e) => LABEL[e]);
        this.notes.push(
          owner.length > 0
            ? `${key}: ${this.label} does not read this key (${owner.join(" and ")} ${owner.length > 1 ? "do" : "does"}); left out`
            : `${key}: not a key Traitloom knows ${this.label} to read (a fork's?); left out`,
        );
        continue;
      }
      const line = this.otherKey(key, value, network, editions);
      if (line) (line.needed ? this.notCarried : this.notNeeded).push(`${key}: ${line.text}`);
    }
  }

  private otherKey(key: string, value: unknown, network: string, editions: number): { needed: boolean; text: string } | undefined {
    const lost = (text: string) => ({ needed: true, text });
    const fine = (text: string) => ({ needed: false, text });
    const on = (b: unknown) => b === true;
    switch (key) {
      case "network":
        if (value === "eth") return undefined;
        return lost(`${shown(value)}: ${value === "sol" ? "Solana (Metaplex)" : "another chain's"} metadata (not supported yet${value === "sol" ? `; ids start at 0 as ${this.label} numbers them` : ""})`);
      case "solanaMetadata":
      case "symbol":
        return network === "sol" || (network === "sei" && key === "symbol") ? lost(`used in Solana metadata (not supported yet)`) : fine(`used only for network sol${key === "symbol" ? " and sei" : ""}`);
      case "collectionName":
        return fine("the collection name of Solana and SEI metadata; token names come from namePrefix");
      case "background": {
        if (!isRecord(value)) return lost(`expected { generate, … }, found ${shown(value)}`);
        const parts: string[] = [];
        if (on(value.generate)) parts.push(`background.generate: a random background colour per token${value.brightness !== undefined ? ` (brightness ${shown(value.brightness)})` : ""} (not supported)`);
        if (on(value.static)) parts.push(`background.static: ${shown(value.default)} drawn under every token (not supported: backgroundColor only sets metadata background_color)`);
        for (const p of parts) this.notCarried.push(p);
        return parts.length > 0 ? undefined : fine("no background drawn (generate and static off)");
      }
      case "uniqueDnaTorrance":
        return fine("Traitloom computes the capacity before it generates and never gives up while combinations remain");
      case "rarityDelimiter":
        return value === "#" ? fine(`"#", as Traitloom reads weights`) : lost(`${shown(value)}: weights after another delimiter than # (not supported)`);
      case "preview":
      case "preview_gif":
      case "pixelFormat":
        return fine(`read only by ${key === "pixelFormat" ? "the pixelate utility" : "the preview utilities"} (npm run ${key === "pixelFormat" ? "pixelate" : key === "preview" ? "preview" : "preview_gif"})`);
      case "debugLogs":
        return fine("log output only");
      case "buildDir":
        return fine("the output folder is generate's -o");
      case "layersDir":
        return fine(`${shown(value)}: the layers folder is init's layersDir argument`);
      case "shuffleLayerConfigurations":
        if (!on(value)) return fine("off");
        return editions > 1 ? lost("ids mixed across layer configurations (editions are not supported yet)") : fine("true has no effect with one layer configuration: ids are already in no order of traits");
      case "gif":
        return isRecord(value) && on(value.export) ? lost("export: a GIF of each token's layering (not supported)") : fine("off (export: false)");
      case "text":
        return isRecord(value) && on(value.only) ? lost("only: tokens drawn as text instead of images (a debug mode; not supported)") : fine("off (only: false)");
      case "incompatible":
      case "forcedCombinations":
        return this.ruleKey(key, value);
      case "traitValueOverrides": {
        if (!isRecord(value) || !Object.values(value).every((x) => typeof x === "string")) return lost(`expected { "<trait>": "<value>" }, found ${shown(value)}`);
        this.traitValueOverrides = value as Record<string, string>;
        const pairs = Object.entries(this.traitValueOverrides);
        if (pairs.length === 0) return fine("none set");
        const left = this.listing ? pairs.filter(([name, to]) => !this.placeOverride(name, to)) : pairs;
        if (left.length === 0) return undefined;
        const shownPairs = left.map(([k, x]) => `${k} → ${x}`).join(", ");
        return lost(
          this.listing
            ? `${plural(left.length, "value")} (${shownPairs}) for traits that are no file at the root of a layer of ${this.listing.root} (nested folders are not supported yet)`
            : `${plural(left.length, "value")} (${shownPairs}) for traits of any layer (set per layer as traits.<name>.value once each trait's layer is known from the folder)`,
        );
      }
      case "hashImages":
        return on(value)
          ? lost("a keccak256 imageHash in each token's metadata (not supported: Traitloom records sha256 image hashes and the provenance hash in manifest.json)")
          : fine("off");
      case "useRootTraitType":
        return on(value) ? fine("true: how nested folders name trait_type; nested folders are not supported yet") : lost("false: each weighted sub-folder its own trait_type (nested folders are not supported yet)");
      case "collectionSize":
        return fine(`${shown(value)}: count is the sum of the layer configurations`);
      case "exactWeight":
        return on(value) ? lost("the file weights are exact counts (Traitloom keeps each trait within 1 of count × weight / total, not exactly the weight)") : fine("off");
      case "enableStats":
        return on(value) ? lost("random numeric attributes from statBlocks on every token (not supported)") : fine("off");
      case "statBlocks":
        return on(this.values.enableStats) ? undefined : fine("used only with enableStats");
      case "resumeNum":
        return isCount(value) && value > 0 ? lost(`${value}: numbering resumes after an earlier run (not supported; Traitloom resumes a stopped run in the same -o folder)`) : fine("0: no earlier run to follow");
      case "importOldDna":
        return on(value) ? lost("the DNA of an earlier run kept out of this one (not supported yet)") : fine("off");
      case "allowDuplicates":
        return on(value) ? lost("two tokens may share a combination (Traitloom always makes every token unique)") : fine("off");
      default:
        return lost(`${shown(value)}: not carried`);
    }
  }

  /**
   * nftchef replaces a trait's value wherever its clean name appears: set it on each carried layer whose folder
   * holds a file of that trait name. False where no layer does.
   */
  private placeOverride(name: string, to: string): boolean {
    const layers = this.config.layers;
    if (!layers || !this.listing) return false;
    let placed = false;
    layers.forEach((entry, i) => {
      const spec: LayerConfig = typeof entry === "string" ? { name: entry } : entry;
      const folderName = canonicalName(spec.folder ?? spec.name);
      const folder = this.listing?.folders.find((f) => canonicalName(f.folder) === folderName);
      const has = folder?.files.some((f) => {
        const t = readTraitFileName(f.name);
        return t.ok && t.name === canonicalName(name);
      });
      if (!has) return;
      spec.traits = { ...spec.traits, [name]: { value: to } };
      layers[i] = spec;
      placed = true;
      this.notes.push(`traitValueOverrides: ${name} → ${to} written as ${childPath(`layers[${i}].traits`, name)}.value`);
    });
    return placed;
  }

  private ruleKey(key: "incompatible" | "forcedCombinations", value: unknown): { needed: boolean; text: string } | undefined {
    if (!isRecord(value) || !Object.values(value).every((x) => Array.isArray(x) && x.every((y) => typeof y === "string"))) {
      return { needed: true, text: `expected { "<trait>": ["<trait>", …] }, found ${shown(value)}` };
    }
    const rules = value as Record<string, string[]>;
    this.rules[key] = rules;
    const n = Object.keys(rules).length;
    if (n === 0) return { needed: false, text: "none set" };
    const what = key === "incompatible" ? "never picked after" : "always picked after";
    return {
      needed: true,
      text: `${plural(n, "rule")} (${Object.entries(rules)
        .map(([k, xs]) => `${xs.join(", ")} ${what} ${k}`)
        .join("; ")}) (rules are not supported yet: converted once they are)`,
    };
  }

  private unreadableValues(): void {
    for (const u of this.read.unreadable) {
      const top = /^[^.[]+/.exec(u.path)?.[0] ?? u.path;
      const hint =
        top === "extraAttributes" && this.engine === "nftchef"
          ? "; nftchef calls it for every token, usually for random values: write fixed ones as extraAttributes in traitloom.json"
          : "";
      const line = `${u.path}: could not be read (line ${u.line}, column ${u.column}: ${u.reason})${hint}`;
      if (NOT_NEEDED_KEYS.has(top)) this.notNeeded.push(line);
      else if (u.path !== "module.exports" && !KEYS[this.engine].includes(top)) this.notes.push(`${line}; ${this.label} does not read this key anyway`);
      else this.notCarried.push(line);
    }
  }
}

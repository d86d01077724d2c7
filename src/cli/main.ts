import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { checkCanvasLimit, chooseCanvasSize, type ImageSize } from "../core/canvas.js";
import { nearestKey, type TraitloomConfig } from "../core/config.js";
import { isTraitloomError, TraitloomError } from "../core/errors.js";
import { analyzeLayers, buildLayerSet, type Layer, type LayerSet } from "../core/layers.js";
import { ENGINE_NAMES, initFromEngineConfig, readDatlipsIncompatibilities, readEngineConfig, type EngineName } from "../core/migrate/index.js";
import { modelConfigFromConversion } from "../core/migrate/modelConfig.js";
import { capacityOf } from "../core/planner.js";
import { withRules } from "../core/ruleModel.js";
import { collectionCapacity } from "../core/rulePlanner.js";
import { TOOL_VERSION } from "../core/output.js";
import { ensureDir, writeFileAtomic, listLayersDir } from "../node/files.js";
import { generateCollection } from "../node/generate.js";
import { mergeShards } from "../node/merge.js";
import { defaultWorkerCount } from "../node/pool.js";
import { ProgressReporter } from "./progress.js";
import { runPack } from "./pack.js";
import { runPreview } from "./preview.js";
import { runValidate } from "./validate.js";
import { runUpdate } from "./update.js";
import { runEdit } from "./edit.js";

/** schema/traitloom.schema.json of this package: dist/cli/main.js and src/cli/main.ts both sit two folders down. */
const SCHEMA_PATH = fileURLToPath(new URL("../../schema/traitloom.schema.json", import.meta.url));

/** The package's version (what --version prints); TOOL_VERSION is the output format's, recorded in every manifest. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : TOOL_VERSION;
  } catch {
    return TOOL_VERSION;
  }
}

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL_ERROR = 2;
/** Stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

const HELP = `traitloom ${TOOL_VERSION}: generate a generative-art collection (images, metadata, rarity) from a folder of trait layers.

Usage:
  traitloom init <layersDir> [--from hashlips|nftchef|datlips <their config.js>] [--compatibility <file>]
                 [-o traitloom.json] [--force]
  traitloom generate [layersDir] [-c traitloom.json] -n <count> -o <outDir> [--seed <s>] [--workers N]
                     [--compression fast|balanced|small] [--format png|webp|jpeg]
                     [--dialect auto|traitloom|hashlips|nftchef|datlips|hl2|nftool]
                     [--shard i/n] [--overwrite] [--quiet]
  traitloom merge <shardDir...> -o <outDir> [--overwrite]
  traitloom validate <folder> --target opensea|erc1155|solana|cardano|tezos
  traitloom pack <out> [--profile ipfs-car|kubo|kubo-cidv1] [--quiet]
  traitloom update <out> [--base-uri <uri>] [--name-prefix <text>] [--description <text>] [--external-url <url>]
  traitloom regenerate <out> --id <id> [--avoid Layer/Trait]… [layersDir] [-c traitloom.json]
  traitloom extend <out> -n <count> [layersDir] [-c traitloom.json]
  traitloom preview <out> [--collage N] [--columns C] [--thumb PX] [--pick seeded|rank|first] [--banner] [--gif N] [--delay MS] [--seed S]

Commands:
  init       Write a traitloom.json listing the layers in the order found and every trait with its weight;
             --from reads another engine's config.js (never runs it) and converts it, its rules too.
  generate   Plan and render the collection into <outDir>. Running it again on the same <outDir> resumes.
  merge      Join the outputs of --shard runs into one collection, verifying every image hash.
  pack       Compute every file's CID offline and write CAR files to upload: images, then metadata pointing at them.
  update     Rewrite every target's metadata of a finished collection (base URI, names…); images untouched.
  regenerate Give one token a new unique combination and render it again; the manifest records old and new DNA.
  extend     Add tokens after the last id, unique against the existing ones.
  preview    Draw a collage, a banner and an animated GIF of a finished collection into <out>/preview/.
  validate   Check a metadata folder (Traitloom's or another tool's) against a target; every problem with its file and field.

Options:
  -c, --config <file>  Config file (default: ./traitloom.json where it exists).
  -n, --count <n>      How many tokens (or "count" in the config).
  -o, --out <dir>      Output folder (default: out).
  --seed <s>           Seed: same layers + config + seed give the same collection, byte for byte.
                       Without one a seed is made up and printed so the run can be repeated.
                       A seed may start with "-" (--seed -x); a file or folder starting with "-" takes the
                       = form (--out=-x) or ./-x, so a forgotten value is never taken for a name.
  --workers <n>        Render threads (default: the number of cores; at most twice that, with a warning).
  --dialect <d>        How layer folders are read (or "dialect" in the config): traitloom (default; HashLips
                       folders unchanged), an engine's (hashlips, nftchef, datlips, hl2, nftool), or auto.
  --compression <p>    PNG preset: fast, balanced (default) or small (speed and size in docs/benchmarks.md).
  --format <f>         png (default), webp or jpeg.
  --shard <i/n>        Render only part i of n of the planned collection (for many machines); join with merge.
  --overwrite          Replace a different collection already in <outDir>.
  -q, --quiet          Print only errors and the final line.
  -h, --help           This help.  -v, --version  The version.

Examples:
  traitloom init ./layers                        # writes ./traitloom.json to edit
  traitloom generate ./layers -n 1000 -o out --seed launch-1
  traitloom generate -c traitloom.json -n 10000 -o out --workers 2

Exit codes: 0 done, 1 user error (one line on stderr; several problems with the layers: a summary line, then
one line each), 2 internal error, 130 stopped by Ctrl-C (run again to resume).
Layer folders: one per layer, bottom first by config "layers", else numeric prefixes (01-Background), else
alphabetical. Weights in file names: Name#12.png, Name#0.5.png, Name#Rare.png, nftool 12-Name.png.`;

/** How a command-line option is read, and named in its messages. */
interface OptionSpec {
  short?: string;
  /** What its value is, for messages ("a folder"); a switch (--quiet) has none. */
  value?: string;
  /**
   * A value starting with "-" after a space (`--seed -x`, `-n -1`), which node:util's parseArgs refuses as
   * "ambiguous" without naming the option. "value" takes it unless it reads as one of the command's options or
   * starts with "--": a seed is any text ("-x" is a fine seed), a choice is then checked against its list.
   * "number" takes a negative number (`-n -1`), so the number check says what was expected; anything else there is a
   * forgotten value. "refuse" (files and folders, the default) asks for the `=` form: "-x" there is a forgotten value
   * far more often than a name, and a folder made with that name would go unnoticed.
   */
  dash?: "value" | "number" | "refuse";
}

type OptionSpecs = Record<string, OptionSpec>;

type OptionValues<S extends OptionSpecs> = { [K in keyof S]?: S[K] extends { value: string } ? string : boolean };

interface ParsedCommand<S extends OptionSpecs> {
  values: OptionValues<S>;
  positionals: string[];
  /** How the user wrote each option given ("-n" or "--count"), so a message names it the same way. */
  spelled: { [K in keyof S]: string };
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

/**
 * Reads a command's arguments: parseArgs (non-strict, so it hands over every token) with the checks done here,
 * each a one-line BAD_ARGUMENT naming the option as typed: unknown options, missing and empty values, values that
 * start with "-" (see OptionSpec.dash), a value given to a switch.
 */
function parseCommand<S extends OptionSpecs>(command: string, args: string[], specs: S): ParsedCommand<S> {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.value === undefined ? ("boolean" as const) : ("string" as const), ...(spec.short ? { short: spec.short } : {}) }]),
  );
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const shorts = new Set(Object.values(specs).flatMap((s) => (s.short ? [s.short] : [])));
  const isOwnOption = (v: string): boolean => (v.startsWith("--") ? Object.hasOwn(specs, v.slice(2).split("=")[0] ?? "") : shorts.has(v.charAt(1)));
  const values: Record<string, string | boolean> = {};
  const spelled: Record<string, string> = Object.fromEntries(Object.keys(specs).map((k) => [k, `--${k}`]));
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    const spec = specs[t.name];
    if (!spec) {
      const near = t.rawName.startsWith("--") ? nearestKey(t.name, Object.keys(specs)) : undefined;
      throw badArgument(`${t.rawName}: expected an option of ${command}, found an unknown one${near ? ` (did you mean --${near}?)` : ""}; traitloom --help lists them`);
    }
    spelled[t.name] = t.rawName;
    if (spec.value === undefined) {
      if (t.value !== undefined) throw badArgument(`${t.rawName}: expected no value (it is a switch), found "${t.value}"`);
      values[t.name] = true;
      continue;
    }
    if (t.value === undefined) throw badArgument(`${t.rawName}: expected ${spec.value}, found none`);
    if (!t.inlineValue && t.value.startsWith("-")) {
      const own = isOwnOption(t.value);
      const refused = spec.dash === "number" ? !/^-[\d.]/.test(t.value) : own || t.value.startsWith("--") || spec.dash === "refuse";
      if (refused) {
        const found = own ? `the option ${t.value}` : `"${t.value}", which reads as an option`;
        const hint = spec.dash === "number" ? "" : `; for a value starting with "-", write --${t.name}=${t.value}`;
        throw badArgument(`${t.rawName}: expected ${spec.value}, found ${found}${hint}`);
      }
    }
    if (t.value === "") throw badArgument(`${t.rawName}: expected ${spec.value}, found an empty value`);
    values[t.name] = t.value;
  }
  return { values: values as OptionValues<S>, positionals, spelled: spelled as { [K in keyof S]: string } };
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badArgument(`${option}: expected one of ${allowed.join(", ")}, found "${value}"`);
  return value as T;
}

/**
 * Most tokens one run makes (-n): a hundred times the largest collection measured (100,000 tokens, flat memory),
 * and far past any collection a marketplace lists; beyond it the per-token state (image hashes, plan columns)
 * would outgrow a laptop's memory before a render starts.
 */
const MAX_COUNT = 10_000_000;

/** A whole number option in [min, max]: digits only, so 1.5, 1e3, 0x10, -1 and "ten" are refused by name. */
function wholeNumber(option: string, value: string | undefined, what: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw badArgument(`${option}: expected a whole number ${what}, ${range}, found "${value}"`);
  }
  return n;
}

/**
 * Most render threads `--workers` starts: twice the cores. Rendering is CPU-bound, so threads past the cores only
 * wait for the same cores while each holds its own heap and buffers (1000 threads on 2 cores took 3.5 GB and ran
 * ten times slower); up to twice the cores still lets one thread render while another writes its files.
 */
export function maxWorkers(): number {
  return 2 * defaultWorkerCount();
}

const GENERATE_OPTIONS = {
  config: { short: "c", value: "a config file", dash: "refuse" },
  count: { short: "n", value: "a whole number of tokens", dash: "number" },
  out: { short: "o", value: "an output folder", dash: "refuse" },
  seed: { value: "a seed (any text)", dash: "value" },
  workers: { value: "a whole number of render threads", dash: "number" },
  shard: { value: "i/n such as 2/3", dash: "number" },
  compression: { value: "one of fast, balanced, small", dash: "value" },
  format: { value: "one of png, webp, jpeg", dash: "value" },
  dialect: { value: "one of auto, traitloom, hashlips, nftchef, datlips, hl2, nftool", dash: "value" },
  overwrite: {},
  quiet: { short: "q" },
  help: { short: "h" },
} as const satisfies OptionSpecs;

/** Traits whose headers are read at once by init. */
const INIT_READ_CONCURRENCY = 16;

/** Every trait's size from its image header (sharp reads no pixels), [layer][trait]. */
async function traitSizes(layersDir: string, layers: readonly Layer[]): Promise<ImageSize[][]> {
  // A trait of the trait model is sized by the first part it draws (its folder is no image); an empty choice has none.
  const files = layers.flatMap((l) =>
    l.traits.flatMap((t) => {
      const file = t.parts ? t.parts[0]?.file : t.file;
      return file === undefined ? [] : [{ layer: l.index, trait: t.index, shown: join(layersDir, file) }];
    }),
  );
  const sizes: ImageSize[][] = layers.map(() => []);
  for (let i = 0; i < files.length; i += INIT_READ_CONCURRENCY) {
    await Promise.all(
      files.slice(i, i + INIT_READ_CONCURRENCY).map(async (f) => {
        let meta;
        try {
          meta = await sharp(f.shown).metadata();
        } catch (e) {
          const why = (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
          throw new TraitloomError("BAD_IMAGE", `${f.shown}: expected a PNG, JPEG or WebP image, found data that does not decode (${why})`);
        }
        if (!meta.width || !meta.height) throw new TraitloomError("BAD_IMAGE", `${f.shown}: expected a PNG, JPEG or WebP image, found ${meta.format ?? "an unknown format"}`);
        (sizes[f.layer] as ImageSize[])[f.trait] = { file: f.shown, width: meta.width, height: meta.height };
      }),
    );
  }
  return sizes;
}

function sizeList(sizes: readonly ImageSize[]): string {
  return [...new Set(sizes.map((s) => `${s.width}x${s.height}`))].join(", ");
}

/** Most tokens init writes into "count": a first run to look at, not a launch. */
const INIT_MAX_COUNT = 1000;

/**
 * `traitloom init`: a traitloom.json that `generate -c` runs as written. Sizes are checked from the image headers
 * against the canvas generate would choose (the most common trait size): a layer drawn wholly at another size is
 * left out of "layers" (HashLips' sample ships such a layer, Goo at 1000x1000 among 512x512, and leaves it out of its
 * own layersOrder); a layer with only some traits at another size is kept with "resize": "fit", scaling them in with
 * their aspect kept. The count is at most the number of unique combinations. Each choice is said in a line.
 */
async function runInit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, spelled } = parseCommand("init", args, {
    out: { short: "o", value: "a config file to write", dash: "refuse" },
    from: { value: "one of hashlips, nftchef, datlips", dash: "value" },
    compatibility: { value: "datlips' compatibility/incompatibilities.json", dash: "refuse" },
    force: {},
    help: { short: "h" },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const from = oneOf(spelled.from, values.from, ENGINE_NAMES);
  const layersDir = positionals[0];
  if (layersDir === undefined) throw badArgument("init: expected a layers folder, as in `traitloom init ./layers`, found none");
  if (layersDir === "") throw badArgument("init: expected a layers folder, found an empty argument");
  if (from === undefined) {
    if (values.compatibility !== undefined) throw badArgument(`${spelled.compatibility}: expected --from datlips with it, found no --from`);
    if (positionals.length > 1) throw badArgument(`init: expected one layers folder, found ${positionals.length}: ${positionals.join(" ")}`);
  } else {
    if (positionals.length < 2 || positionals[1] === "") {
      throw badArgument(`init --from ${from}: expected ${from}'s config.js after the layers folder, as in \`traitloom init ./layers --from ${from} ./src/config.js\`, found none`);
    }
    if (positionals.length > 2) throw badArgument(`init --from ${from}: expected a layers folder and a config.js, found ${positionals.length} arguments: ${positionals.join(" ")}`);
    if (values.compatibility !== undefined && from !== "datlips") throw badArgument(`${spelled.compatibility}: expected --from datlips with it, found --from ${from}`);
  }
  const target = values.out ?? "traitloom.json";
  if (existsSync(target) && !values.force) {
    throw new TraitloomError("OUTPUT_CONFLICT", `${target}: expected a new file, found one already there (pass --force to replace it, or -o another.json)`);
  }
  if (from !== undefined) return initFrom(from, layersDir, positionals[1] as string, target, values.compatibility, io);
  const layerSet = buildLayerSet(await listLayersDir(layersDir));
  for (const w of layerSet.warnings) io.err(`warning: ${w}`);

  const sizes = await traitSizes(layersDir, layerSet.layers);
  const canvas = chooseCanvasSize(sizes.flat(), { resize: "fit" });
  checkCanvasLimit(canvas, sizes.flat());
  const isOdd = (s: ImageSize): boolean => s.width !== canvas.width || s.height !== canvas.height;
  const notes: string[] = [];
  const kept: Layer[] = [];
  let resize: "fit" | undefined;
  for (const layer of layerSet.layers) {
    const layerSizes = sizes[layer.index] ?? [];
    const odd = layerSizes.filter(isOdd);
    if (odd.length > 0 && odd.length === layerSizes.length) {
      notes.push(
        `left out layer ${layer.name}${layer.folder === layer.name ? "" : ` (${layer.folder})`}: its ${odd.length} trait(s) are ${sizeList(odd)}, not the canvas's ${canvas.width}x${canvas.height}; to use it, add it to "layers" and set "resize": "fit"`,
      );
      continue;
    }
    if (odd.length > 0) {
      resize = "fit";
      const first = odd[0] as ImageSize;
      notes.push(
        `"resize": "fit": layer ${layer.name} has ${odd.length} of ${layerSizes.length} traits at another size (${first.file} is ${first.width}x${first.height}), scaled to fit ${canvas.width}x${canvas.height} keeping their aspect; redraw them at ${canvas.width}x${canvas.height} to use them as drawn`,
      );
    }
    kept.push(layer);
  }
  if (notes.length > 0) {
    const atCanvas = sizes.flat().filter((s) => !isOdd(s)).length;
    notes.unshift(`canvas ${canvas.width}x${canvas.height}: the most common trait size (${atCanvas} of ${sizes.flat().length} traits)`);
  }
  const capacity = capacityOf(kept);
  const count = Math.min(INIT_MAX_COUNT, capacity);
  notes.push(
    count < INIT_MAX_COUNT
      ? `count ${count}: every unique combination of these layers (init writes at most ${INIT_MAX_COUNT}; edit "count" or pass -n)`
      : `count ${count} of ${capacity} unique combinations (edit "count" or pass -n)`,
  );

  // generate reads layersDir relative to the config file, so write it so: `init ./layers -o config/x.json` gives "../layers".
  const targetDir = dirname(resolve(target));
  const config = {
    // The schema this Traitloom ships (from a clone or node_modules), so editors autocomplete without a network.
    $schema: relative(targetDir, SCHEMA_PATH).split(sep).join("/"),
    layersDir: relative(targetDir, resolve(layersDir)).split(sep).join("/") || ".",
    namePrefix: "Traitloom",
    description: "",
    baseUri: "ipfs://REPLACE_WITH_CID",
    count,
    ...(resize ? { resize } : {}),
    // A tree's weights are in its folder names (its traits weigh their shares): only flat layers list theirs.
    layers: kept.map((l) => ({
      name: l.name,
      folder: l.folder,
      ...(l.traits.some((t) => t.path !== undefined) ? {} : { traits: Object.fromEntries(l.traits.map((t) => [t.name, t.weight])) }),
    })),
  };
  await ensureDir(targetDir);
  await writeFileAtomic(target, `${JSON.stringify(config, null, 2)}\n`);
  io.out(`wrote ${target}: ${kept.length} layers, ${kept.reduce((a, l) => a + l.traits.length, 0)} traits, ${capacity} unique combinations`);
  for (const note of notes) io.out(note);
  return EXIT_OK;
}

/** A text file for init --from, or one line naming it and what is there instead. */
async function readTextFile(path: string, expected: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown } | undefined)?.code;
    const found = code === "EISDIR" ? "a folder" : code === "ENOENT" || code === "ENOTDIR" ? "nothing there" : typeof code === "string" ? `a file it cannot read (${code})` : undefined;
    if (found === undefined) throw e;
    throw new TraitloomError("BAD_CONFIG", `${path}: expected ${expected}, found ${found}`);
  }
}

const ENGINE_LABEL: Record<EngineName, string> = { hashlips: "HashLips", nftchef: "nftchef", datlips: "datlips" };

/** What the trait model's config (modelConfigFromConversion) carries that toTraitloomConfig lists as not carried. */
const CARRIED_BY_MODEL = [/\(blend modes and opacity are not supported yet\)/, /\(sub-trait parts are not supported yet\)/, /\(hiding a layer is not supported yet\)/, /sublayerOptions: .*\(nested folders are not supported yet\)/];

/**
 * The converted config with the trait model's keys (modelConfigFromConversion: the engine's dialect, blend and
 * opacity, parts, inMetadata, editions), the traits' value overrides kept, and the not-carried lines it makes
 * moot dropped. Rules are not resolved per edition yet, so where the engine's rules were converted and it has
 * several layer configurations, the first configuration's layers stay the config's (as its line says).
 */
function withTraitModel(conversion: ReturnType<typeof initFromEngineConfig>, read: ReturnType<typeof readEngineConfig>): { config: TraitloomConfig; notCarried: string[] } {
  const model = modelConfigFromConversion(conversion, read);
  const rules = (conversion.config.rules?.length ?? 0) > 0;
  const keepFirst = rules && model.editions !== undefined;
  const traitsOf = new Map((conversion.config.layers ?? []).flatMap((l) => (typeof l !== "string" && l.traits ? [[l.name, l.traits] as const] : [])));
  const withTraits = <T,>(entries: readonly T[] | undefined): T[] | undefined =>
    entries?.map((e) => {
      if (typeof e !== "object" || e === null || !("name" in e) || typeof e.name !== "string") return e;
      const traits = traitsOf.get(e.name);
      return traits ? ({ ...e, traits } as T) : e;
    });
  let config: TraitloomConfig;
  if (keepFirst) {
    const { editions, shuffle: _shuffle, ...rest } = model;
    config = { ...rest, count: conversion.config.count ?? editions?.[0]?.count ?? 1, layers: withTraits(editions?.[0]?.layers) ?? [] } as TraitloomConfig;
  } else {
    config = model;
    if (config.layers) config.layers = withTraits(config.layers) ?? config.layers;
    if (config.editions) config.editions = config.editions.map((e) => ({ ...e, layers: withTraits(e.layers) ?? e.layers }));
  }
  const notCarried = conversion.notCarried.filter((line) => {
    if (CARRIED_BY_MODEL.some((re) => re.test(line))) return false;
    if (!keepFirst && config.editions && /\(editions are not supported yet/.test(line) && /^layerConfigurations\[\d+\]: another layer configuration/.test(line)) return false;
    if (config.shuffle === "ids" && line.startsWith("shuffleLayerConfigurations:")) return false;
    return true;
  });
  if (keepFirst) notCarried.push("editions: the rules are kept, and rules per edition are not supported yet: traitloom.json holds layerConfigurations[0]'s layers for every token");
  return { config, notCarried };
}

/**
 * `traitloom init <layersDir> --from <engine> <config.js>`: the engine's config.js read statically (never run) and
 * converted (src/core/migrate), its rules (nftchef's incompatible / forcedCombinations, datlips'
 * compatibility/incompatibilities.json beside its src/ folder, or --compatibility) named on the layers folder, the
 * capacity under those rules counted, and every value not carried over listed. Layers generate would refuse are
 * said as warnings: the file is still written, for the user to fix the folder.
 */
async function initFrom(engine: EngineName, layersDir: string, configJs: string, target: string, compatibility: string | undefined, io: CliIo): Promise<number> {
  const label = ENGINE_LABEL[engine];
  const read = readEngineConfig(await readTextFile(configJs, `a ${label} config.js`), configJs);
  const listing = await listLayersDir(layersDir);
  let datlips: { fileName: string; entries: ReturnType<typeof readDatlipsIncompatibilities> } | undefined;
  const lines: string[] = [];
  if (engine === "datlips") {
    // datlips reads `${basePath}/compatibility/incompatibilities.json`, basePath being the project (config.js is in src/).
    const project = dirname(dirname(resolve(configJs)));
    const candidates = compatibility !== undefined ? [compatibility] : [join(project, "compatibility", "incompatibilities.json"), join(dirname(resolve(configJs)), "compatibility", "incompatibilities.json")];
    const found = compatibility ?? candidates.find((c) => existsSync(c));
    if (found !== undefined) {
      const shown = relative(".", found) || found;
      datlips = { fileName: shown, entries: readDatlipsIncompatibilities(await readTextFile(found, "datlips' compatibility/incompatibilities.json"), shown) };
    } else lines.push(`no compatibility/incompatibilities.json beside ${configJs}'s project: no datlips rules read (pass --compatibility <file> where it is elsewhere)`);
  }
  const conversion = initFromEngineConfig(listing, read, { engine, datlipsIncompatibilities: datlips });
  const { config: converted, notCarried } = withTraitModel(conversion, read);

  const targetDir = dirname(resolve(target));
  const config = {
    $schema: relative(targetDir, SCHEMA_PATH).split(sep).join("/"),
    layersDir: relative(targetDir, resolve(layersDir)).split(sep).join("/") || ".",
    ...converted,
  };
  const warnings: string[] = [];
  let summary = "";
  const analysis = analyzeLayers(listing, config, target);
  if (!analysis.layerSet) {
    warnings.push(`generate refuses these layers as they are (${analysis.problems.length} problem(s)); fix them, then run generate:`);
    warnings.push(...analysis.problems.slice(0, 10).map((p) => `  ${p.message}`));
    if (analysis.problems.length > 10) warnings.push(`  … and ${analysis.problems.length - 10} more`);
  } else {
    const layerSet = analysis.layerSet;
    if (layerSet.editions) {
      // Each edition plans on its own layers: its capacity is theirs (a layer's "absent" trait is other editions').
      const per = layerSet.editions.map((e) => {
        let n = 1n;
        for (const l of layerSet.layers.slice(e.firstLayer, e.firstLayer + e.layerCount)) if (l.countsForUniqueness) n *= BigInt(l.traits.filter((t) => t.weight > 0 && !t.absent).length);
        if (BigInt(e.count) > n) lines.push(`editions "${e.id}": count ${e.count} is more than its ${n.toLocaleString("en-US")} unique combinations: generate refuses it`);
        return `${e.id} ${n.toLocaleString("en-US")} (${e.count} planned)`;
      });
      lines.unshift(`capacity per edition: ${per.join(", ")}`);
    }
    const plain = collectionCapacity(layerSet);
    const traits = layerSet.layers.reduce((a, l) => a + l.traits.filter((t) => !t.absent).length, 0);
    summary = `${layerSet.editions ? `${layerSet.editions.length} editions, ` : ""}${layerSet.layers.length} layers, ${traits} traits, `;
    warnings.push(...layerSet.warnings);
    let ruled: LayerSet | undefined;
    try {
      ruled = withRules(layerSet, config, target);
    } catch (e) {
      if (!isTraitloomError(e)) throw e;
      warnings.push(...e.message.split("\n").map((l, i) => (i === 0 ? l : `  ${l.trim()}`)));
    }
    if (layerSet.editions) summary += "capacity per edition below";
    else if (!ruled) summary += `${plain.toLocaleString("en-US")} unique combinations without the rules`;
    else {
      warnings.push(...ruled.warnings.slice(layerSet.warnings.length));
      const capacity = collectionCapacity(ruled);
      const n = config.rules?.length ?? 0;
      summary += n > 0 ? `${capacity.toLocaleString("en-US")} unique combinations under ${n} rule(s) (${plain.toLocaleString("en-US")} without them)` : `${plain.toLocaleString("en-US")} unique combinations`;
      if (config.count !== undefined && BigInt(config.count) > capacity) {
        lines.push(`count ${config.count}: more than the ${capacity.toLocaleString("en-US")} unique combinations: generate refuses it; lower "count" or pass -n`);
      }
    }
  }
  await ensureDir(targetDir);
  await writeFileAtomic(target, `${JSON.stringify(config, null, 2)}\n`);
  io.out(`wrote ${target} from ${configJs} (${label}): ${summary || "layers not read"}`);
  for (const w of warnings) io.err(`warning: ${w}`);
  if (notCarried.length > 0) {
    io.out(`not carried over (${notCarried.length}):`);
    for (const line of notCarried) io.out(`  ${line}`);
  }
  for (const line of [...lines, ...conversion.notes]) io.out(line);
  return EXIT_OK;
}

async function runGenerate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, spelled } = parseCommand("generate", args, GENERATE_OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  const compression = oneOf(spelled.compression, values.compression, ["fast", "balanced", "small"] as const);
  const format = oneOf(spelled.format, values.format, ["png", "webp", "jpeg"] as const);
  const dialect = oneOf(spelled.dialect, values.dialect, ["auto", "traitloom", "hashlips", "nftchef", "datlips", "hl2", "nftool"] as const);
  const count = wholeNumber(spelled.count, values.count, "of tokens", 1, MAX_COUNT);
  const requestedWorkers = wholeNumber(spelled.workers, values.workers, "of render threads", 1, Number.MAX_SAFE_INTEGER);
  let shard: { index: number; of: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m) throw badArgument(`${spelled.shard}: expected i/n such as 2/3, found "${values.shard}"`);
    const [index, of] = [Number(m[1]), Number(m[2])];
    if (!(index >= 1 && index <= of)) throw badArgument(`${spelled.shard}: expected i/n with 1 <= i <= n, found ${values.shard}`);
    // No more shards than tokens can exist: a bound that also keeps n a number that is exact.
    if (of > MAX_COUNT) throw badArgument(`${spelled.shard}: expected i/n with n <= ${MAX_COUNT}, found ${values.shard}`);
    shard = { index, of };
  }
  if (positionals.length > 1) throw badArgument(`generate: expected at most one layers folder, found ${positionals.length}: ${positionals.join(" ")}`);
  if (positionals[0] === "") throw badArgument("generate: expected a layers folder, found an empty argument");
  let workers = requestedWorkers;
  if (workers !== undefined && workers > maxWorkers()) {
    workers = maxWorkers();
    if (!values.quiet) {
      io.err(`warning: ${spelled.workers} ${values.workers}: using ${workers} render threads, twice this machine's ${defaultWorkerCount()} cores (more only wait for the same cores and take memory)`);
    }
  }
  const configPath = values.config ?? (existsSync("traitloom.json") ? "traitloom.json" : undefined);
  if (values.config === undefined && configPath) io.err(`using ${configPath}`);
  const outDir = values.out ?? "out";
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    io.err("\nstopping (Ctrl-C again to quit at once)…");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const progress = values.quiet ? undefined : new ProgressReporter(process.stderr, process.stderr.isTTY === true);
  try {
    const result = await generateCollection({
      layersDir: positionals[0],
      configPath,
      outDir,
      count,
      seed: values.seed,
      format,
      compression,
      dialect,
      workers,
      overwrite: values.overwrite,
      shard,
      signal: controller.signal,
      onLog: values.quiet ? undefined : (line) => io.err(line),
      onProgress: progress ? (p) => progress.update(p.done, p.total, p.done === p.total) : undefined,
    });
    progress?.finish();
    const seconds = progress?.seconds() ?? 0;
    if (result.seedWasGenerated) io.err(`seed: ${result.seed} (pass --seed ${result.seed} to make this collection again)`);
    const rate = seconds > 0 ? ` in ${seconds.toFixed(1)}s (${(result.rendered / seconds).toFixed(1)} tokens/s)` : "";
    io.out(
      `done: ${shard ? `shard ${shard.index}/${shard.of}, ${result.rendered + result.resumed} of ` : ""}${result.count} tokens (${result.rendered} rendered, ${result.resumed} kept) at ${result.width}x${result.height}${rate}, seed "${result.seed}"\n` +
        `open ${join(outDir, "images")}/ for the images, ${join(outDir, "rarity.csv")} for rarity, ${join(outDir, "manifest.json")} for provenance ${result.provenance.slice(0, 16)}…`,
    );
    for (const note of result.notes) io.out(note);
    return EXIT_OK;
  } catch (e) {
    throw namingCount(e, values.count !== undefined ? spelled.count : undefined, configPath);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

async function runMerge(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand("merge", args, {
    out: { short: "o", value: "an output folder", dash: "refuse" },
    overwrite: {},
    help: { short: "h" },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (!values.out) throw badArgument("merge: expected -o <outDir>, found none");
  if (positionals.includes("")) throw badArgument("merge: expected shard folders, found an empty argument");
  const result = await mergeShards(positionals, values.out, { overwrite: values.overwrite });
  io.out(`merged ${result.shards} shard(s): ${result.count} tokens in ${result.outDir}, every image hash verified; provenance ${result.provenance}`);
  return EXIT_OK;
}

const COMMANDS = ["init", "generate", "merge", "validate", "pack", "preview", "update", "regenerate", "extend"];

/**
 * An error about the collection's "count" (more tokens than the layers allow, say), named where the count came
 * from: the option as typed (`-n: expected at most 6 tokens …`), else the config's field (`traitloom.json: count: …`).
 */
function namingCount(e: unknown, option: string | undefined, configPath: string | undefined): unknown {
  if (!isTraitloomError(e) || e.code === "PROBLEMS" || !e.message.startsWith("count: ")) return e;
  const rest = e.message.slice("count: ".length);
  if (option !== undefined) return new TraitloomError(e.code, `${option}: ${rest}`);
  if (configPath !== undefined) return new TraitloomError(e.code, `${configPath}: count: ${rest}`);
  return e;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs the CLI and returns its exit code; a user mistake is one line on stderr (several problems with the layer
 * files: the summary line, then one line each, as the error's message lists them), never a stack trace.
 */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.out(HELP);
        return command === undefined ? EXIT_USER_ERROR : EXIT_OK;
      case "-v":
      case "--version":
        io.out(packageVersion());
        return EXIT_OK;
      case "init":
        return await runInit(rest, io);
      case "generate":
        return await runGenerate(rest, io);
      case "merge":
        return await runMerge(rest, io);
      case "validate":
        return await runValidate(rest, io);
      case "pack":
        return await runPack(rest, io);
      case "update":
        return await runUpdate(rest, io);
      case "regenerate":
      case "extend":
        return await runEdit(command, rest, io);
      case "preview": {
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once("SIGINT", stop);
        try {
          return await runPreview(rest, { ...io, signal: controller.signal });
        } finally {
          process.off("SIGINT", stop);
        }
      }
      default: {
        const near = nearestKey(command, COMMANDS);
        throw new TraitloomError("BAD_ARGUMENT", `command: expected init, generate, merge, validate, pack, preview, update, regenerate or extend, found "${command}"${near ? ` (did you mean ${near}?)` : ""}; traitloom --help lists them`);
      }
    }
  } catch (e) {
    if (isTraitloomError(e)) {
      // Several problems found in one pass (every bad layer file) come as a summary line and one line each under it.
      const [summary = "", ...list] = e.message.split("\n");
      io.err(`${e.code === "ABORTED" ? "" : "error: "}${summary}`);
      for (const line of list) io.err(line);
      return e.code === "ABORTED" ? EXIT_INTERRUPTED : EXIT_USER_ERROR;
    }
    if (e instanceof TypeError && "code" in e && typeof e.code === "string" && e.code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`error: ${e.message.split("\n")[0] ?? ""} (traitloom --help)`);
      return EXIT_USER_ERROR;
    }
    io.err(`internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT_INTERNAL_ERROR;
  }
}


import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isTraitloomError, TraitloomError } from "../core/errors.js";
import { buildLayerSet } from "../core/layers.js";
import { capacityOf } from "../core/planner.js";
import { TOOL_VERSION } from "../core/output.js";
import { writeFileAtomic, listLayersDir } from "../node/files.js";
import { generateCollection } from "../node/generate.js";
import { mergeShards } from "../node/merge.js";
import { ProgressReporter } from "./progress.js";

/** schema/traitloom.schema.json of this package: dist/cli/main.js and src/cli/main.ts both sit two folders down. */
const SCHEMA_PATH = fileURLToPath(new URL("../../schema/traitloom.schema.json", import.meta.url));

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL_ERROR = 2;
/** Stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

const HELP = `traitloom ${TOOL_VERSION}: generate a generative-art collection (images, metadata, rarity) from a folder of trait layers.

Usage:
  traitloom init <layersDir> [-o traitloom.json] [--force]
  traitloom generate [layersDir] [-c traitloom.json] -n <count> -o <outDir> [--seed <s>] [--workers N]
                     [--compression fast|balanced|small] [--format png|webp|jpeg]
                     [--shard i/n] [--overwrite] [--quiet]
  traitloom merge <shardDir...> -o <outDir> [--overwrite]

Commands:
  init       Write a traitloom.json listing the layers in the order found and every trait with its weight.
  generate   Plan and render the collection into <outDir>. Running it again on the same <outDir> resumes.
  merge      Join the outputs of --shard runs into one collection, verifying every image hash.

Options:
  -c, --config <file>  Config file (default: ./traitloom.json where it exists).
  -n, --count <n>      How many tokens (or "count" in the config).
  -o, --out <dir>      Output folder (default: out).
  --seed <s>           Seed: same layers + config + seed give the same collection, byte for byte.
                       Without one a seed is made up and printed so the run can be repeated.
  --workers <n>        Render threads (default: the number of cores).
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

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new TraitloomError("BAD_ARGUMENT", `--${name}: expected one of ${allowed.join(", ")}, found "${value}"`);
  }
  return value as T;
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new TraitloomError("BAD_ARGUMENT", `--${name}: expected a whole number, found "${value}"`);
  return Number.parseInt(value, 10);
}

async function runInit(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string", short: "o" }, force: { type: "boolean" } },
  });
  const layersDir = positionals[0];
  if (!layersDir) throw new TraitloomError("BAD_ARGUMENT", "init: expected a layers folder, as in `traitloom init ./layers`, found none");
  const target = values.out ?? "traitloom.json";
  if (existsSync(target) && !values.force) {
    throw new TraitloomError("OUTPUT_CONFLICT", `${target}: already exists; expected a new file (pass --force to replace it, or -o another.json)`);
  }
  const layerSet = buildLayerSet(await listLayersDir(layersDir));
  for (const w of layerSet.warnings) io.err(`warning: ${w}`);
  // generate reads layersDir relative to the config file, so write it so: `init ./layers -o config/x.json` gives "../layers".
  const targetDir = dirname(resolve(target));
  const config = {
    // The schema this Traitloom ships (from a clone or node_modules), so editors autocomplete without a network.
    $schema: relative(targetDir, SCHEMA_PATH).split(sep).join("/"),
    layersDir: relative(targetDir, resolve(layersDir)).split(sep).join("/") || ".",
    namePrefix: "Traitloom",
    description: "",
    baseUri: "ipfs://REPLACE_WITH_CID",
    count: Math.min(1000, capacityOf(layerSet.layers)),
    layers: layerSet.layers.map((l) => ({
      name: l.name,
      folder: l.folder,
      traits: Object.fromEntries(l.traits.map((t) => [t.name, t.weight])),
    })),
  };
  await mkdir(targetDir, { recursive: true });
  await writeFileAtomic(target, `${JSON.stringify(config, null, 2)}\n`);
  io.out(`wrote ${target}: ${layerSet.layers.length} layers, ${layerSet.layers.reduce((a, l) => a + l.traits.length, 0)} traits, ${capacityOf(layerSet.layers)} unique combinations`);
  return EXIT_OK;
}

async function runGenerate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      count: { type: "string", short: "n" },
      out: { type: "string", short: "o" },
      seed: { type: "string" },
      workers: { type: "string" },
      shard: { type: "string" },
      compression: { type: "string" },
      format: { type: "string" },
      overwrite: { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
    },
  });
  const compression = oneOf("compression", values.compression, ["fast", "balanced", "small"] as const);
  const format = oneOf("format", values.format, ["png", "webp", "jpeg"] as const);
  let shard: { index: number; of: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m?.[1] || !m[2]) throw new TraitloomError("BAD_ARGUMENT", `--shard: expected i/n such as 2/3, found "${values.shard}"`);
    shard = { index: Number(m[1]), of: Number(m[2]) };
  }
  if (positionals.length > 1) throw new TraitloomError("BAD_ARGUMENT", `generate: expected at most one layers folder, found ${positionals.length}: ${positionals.join(" ")}`);
  const configPath = values.config ?? (existsSync("traitloom.json") ? "traitloom.json" : undefined);
  if (values.config === undefined && configPath) io.err(`using ${configPath}`);
  const workers = intOption("workers", values.workers);
  if (workers === 0) throw new TraitloomError("BAD_ARGUMENT", "--workers: expected a whole number >= 1, found 0");
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
      count: intOption("count", values.count),
      seed: values.seed,
      format,
      compression,
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
    return EXIT_OK;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

async function runMerge(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string", short: "o" }, overwrite: { type: "boolean" } },
  });
  if (!values.out) throw new TraitloomError("BAD_ARGUMENT", "merge: expected -o <outDir>, found none");
  const result = await mergeShards(positionals, values.out, { overwrite: values.overwrite });
  io.out(`merged ${result.shards} shard(s): ${result.count} tokens in ${result.outDir}, every image hash verified; provenance ${result.provenance}`);
  return EXIT_OK;
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
        io.out(TOOL_VERSION);
        return EXIT_OK;
      case "init":
        return await runInit(rest, io);
      case "generate":
        return await runGenerate(rest, io);
      case "merge":
        return await runMerge(rest, io);
      default:
        throw new TraitloomError("BAD_ARGUMENT", `unknown command "${command}": expected init, generate or merge (traitloom --help)`);
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


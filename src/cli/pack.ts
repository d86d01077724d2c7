/**
 * `traitloom pack <out> [--profile kubo|kubo-cidv1|ipfs-car]`: the collection's images and metadata as two CAR files
 * with every CID computed offline (src/node/pack.ts), and the base URI to give the contract.
 */
import { parseArgs } from "node:util";
import { TraitloomError } from "../core/errors.js";
import { IPFS_PROFILE_NAMES, packCollection, type IpfsProfileName, type PackCollectionResult, type PackStage } from "../node/pack.js";

const EXIT_OK = 0;
/** The profile when none is given: the CAR-upload services' own tool (ipfs-car 3.x), CIDv1. */
export const DEFAULT_PROFILE: IpfsProfileName = "ipfs-car";

export interface PackIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const PACK_HELP = `Usage: traitloom pack <out> [--profile ipfs-car|kubo|kubo-cidv1] [--quiet]

Packs a finished collection for IPFS without any network: every file's CID is computed here and written into
CAR files, so the CIDs below are the ones a service reports when it is given the CAR files as they are.

  1. images:   <out>/images/ → <out>/ipfs/images.car, root CID R1
  2. metadata: each metadata/<id>.json with "image" set to ipfs://R1/<id>.<ext> (nothing else changes)
               → <out>/ipfs/metadata/ and <out>/ipfs/metadata.car, root CID R2
  3. the contract's base URI: ipfs://R2/  (token 7's metadata is ipfs://R2/7.json)
  <out>/ipfs/cids.json lists the profile, both roots and every file's CID; metadata/ itself is not changed.

Upload images.car, then metadata.car, each as a CAR (not the folders: another importer would give other CIDs).

  --profile <p>  How files become blocks, which decides every CID (default ${DEFAULT_PROFILE}):
                 ipfs-car    ipfs-car 3.x: CIDv1, raw leaves, 1 MiB chunks, 1024 links, folders of more
                             than 1,000 files sharded
                 kubo        kubo's ipfs add: CIDv0 (Qm…), 256 KiB chunks, 174 links
                 kubo-cidv1  ipfs add --cid-version 1: CIDv1, raw leaves, 256 KiB chunks, 174 links
  -q, --quiet    Print only the base URI line.

Examples:
  traitloom pack out
  traitloom pack out --profile kubo        # CIDs equal to ipfs add -r out/images with kubo's defaults`;

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function readArgs(args: string[]): { out: string; profile: IpfsProfileName; quiet: boolean } | "help" {
  const { tokens } = parseArgs({
    args,
    options: { profile: { type: "string", short: "p" }, quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  let profile: string | undefined;
  let quiet = false;
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    if (t.name === "help") return "help";
    if (t.name === "quiet") {
      if (t.value !== undefined) throw badArgument(`${t.rawName}: expected no value (it is a switch), found "${t.value}"`);
      quiet = true;
      continue;
    }
    if (t.name !== "profile") throw badArgument(`${t.rawName}: unknown option for pack; traitloom pack --help lists them`);
    if (t.value === undefined || t.value === "" || (!t.inlineValue && t.value.startsWith("-"))) {
      throw badArgument(`${t.rawName}: expected one of ${IPFS_PROFILE_NAMES.join(", ")}, found ${t.value ? `"${t.value}"` : "none"}`);
    }
    profile = t.value;
  }
  if (positionals.length === 0) throw badArgument("pack: expected a collection folder, as in `traitloom pack out`, found none");
  if (positionals.length > 1) throw badArgument(`pack: expected one collection folder, found ${positionals.length}: ${positionals.join(" ")}`);
  const out = positionals[0] ?? "";
  if (out === "") throw badArgument("pack: expected a collection folder, found an empty argument");
  const chosen = profile ?? DEFAULT_PROFILE;
  if (!(IPFS_PROFILE_NAMES as readonly string[]).includes(chosen)) throw badArgument(`--profile: expected one of ${IPFS_PROFILE_NAMES.join(", ")}, found "${chosen}"`);
  return { out, profile: chosen as IpfsProfileName, quiet };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;
}

/** The lines a finished pack prints: both roots, where the CARs are, the base URI. */
export function packSummary(result: PackCollectionResult): string[] {
  const { images, metadata } = result;
  return [
    `images:   ${images.root}  (${images.files} files, ${images.car}, ${megabytes(images.carBytes)})`,
    `metadata: ${metadata.root}  (${metadata.files} files, ${metadata.car}, ${megabytes(metadata.carBytes)}; image fields point at ${result.imageBaseUri})`,
    `profile ${result.profile.name}; every CID in ${result.dir}/cids.json`,
    `upload ${images.car} first, then ${metadata.car}, each as a CAR file as it is (see docs/ipfs.md)`,
    `base URI for the contract: ${result.baseUri}`,
  ];
}

/**
 * Runs `traitloom pack`: progress on stderr (one line per stage where it is not a terminal), the summary on stdout.
 * Ctrl-C stops it with nothing written (an ABORTED error for main() to print, exit 130); a bad argument or a folder
 * that is not a finished collection is a BAD_ARGUMENT error for main() to print.
 */
export async function runPack(args: string[], io: PackIo): Promise<number> {
  const parsed = readArgs(args);
  if (parsed === "help") {
    io.out(PACK_HELP);
    return EXIT_OK;
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);
  let lastShown = "";
  const onProgress = (stage: PackStage, done: number, total: number): void => {
    if (parsed.quiet) return;
    // A line at each tenth, so a 100,000-token pack says where it is without flooding a log.
    const step = Math.max(1, Math.ceil(total / 10));
    if (done !== total && done % step !== 0) return;
    const line = `${stage}: ${done}/${total} packed`;
    if (line !== lastShown) io.err(line);
    lastShown = line;
  };
  try {
    const result = await packCollection(parsed.out, { profile: parsed.profile, signal: controller.signal, onProgress });
    const lines = packSummary(result);
    for (const line of parsed.quiet ? lines.slice(-1) : lines) io.out(line);
    return EXIT_OK;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

/**
 * `traitloom update <out> [--base-uri …] [--name-prefix …] [--description …] [--external-url …]`: a finished
 * collection's metadata rewritten in every target from its manifest (src/render/update.ts), images untouched.
 */
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { TraitloomError } from "../core/errors.js";
import { NodeFileStore } from "../node/fileStore.js";
import { updateCollection, type MetadataChanges } from "../render/update.js";

const EXIT_OK = 0;

export interface UpdateIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const UPDATE_HELP = `Usage: traitloom update <out> [--base-uri <uri>] [--name-prefix <text>] [--description <text>] [--external-url <url>]

Rewrites the metadata of every target in a finished collection (metadata/, _metadata.json, and the solana, erc1155,
cardano and tezos files where they were written) from its manifest.json, without the layers or the config and
without re-rendering: every image byte, the provenance hash and rarity stay as they are. manifest.json records the
new settings and a history entry. Then set the same values in traitloom.json: a later generate on the folder
resumes with nothing to render.

  --base-uri <uri>       Where the images are: image URLs become <uri>/<id>.<ext> (ipfs://<CID> after an upload).
  --name-prefix <text>   Token names become "<text> #<id>".
  --description <text>   Every token's description.
  --external-url <url>   external_url per token, "{id}" replaced by its id; "" removes it.

Examples:
  traitloom update out --base-uri ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi
  traitloom update out --name-prefix "Loom Genesis" --description "The first 1,000 looms."`;

const KEYS = { "base-uri": "baseUri", "name-prefix": "namePrefix", description: "description", "external-url": "externalUrl" } as const;

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function readArgs(args: string[]): { out: string; changes: MetadataChanges; quiet: boolean } | "help" {
  const options = Object.fromEntries(Object.keys(KEYS).map((k) => [k, { type: "string" as const }]));
  const { tokens } = parseArgs({ args, options: { ...options, quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" } }, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const changes: MetadataChanges = {};
  let quiet = false;
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    if (t.name === "help") return "help";
    if (t.name === "quiet") {
      quiet = true;
      continue;
    }
    const key = (KEYS as Record<string, keyof MetadataChanges>)[t.name];
    if (!key) throw badArgument(`${t.rawName}: expected an option of update (--base-uri, --name-prefix, --description, --external-url), found an unknown one`);
    // A value may start with "-" only in the = form: otherwise a forgotten value would swallow the next option.
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith("-"))) throw badArgument(`${t.rawName}: expected a value, found ${t.value === undefined ? "none" : `"${t.value}" (write ${t.rawName}=${t.value} for a value starting with "-")`}`);
    changes[key] = t.value;
  }
  if (positionals.length === 0) throw badArgument("update: expected a collection folder, as in `traitloom update out --base-uri ipfs://<CID>`, found none");
  if (positionals.length > 1) throw badArgument(`update: expected one collection folder, found ${positionals.length}: ${positionals.join(" ")}`);
  const out = positionals[0] ?? "";
  if (out === "") throw badArgument("update: expected a collection folder, found an empty argument");
  return { out, changes, quiet };
}

/** Runs `traitloom update`; errors are TraitloomErrors for main() to print as one line. */
export async function runUpdate(args: string[], io: UpdateIo): Promise<number> {
  const parsed = readArgs(args);
  if (parsed === "help") {
    io.out(UPDATE_HELP);
    return EXIT_OK;
  }
  const store = new NodeFileStore(parsed.out);
  const s = await stat(parsed.out).catch(() => undefined);
  if (!s) throw badArgument(`${parsed.out}: expected a collection folder to update, found nothing there`);
  if (!s.isDirectory()) throw badArgument(`${parsed.out}: expected a collection folder to update, found a file`);
  const result = await updateCollection(store, parsed.changes);
  const what = result.fields.length > 0 ? result.fields.join(", ") : "nothing (the files already said so)";
  io.out(`updated ${what}: ${result.filesWritten} metadata files rewritten for ${result.tokens} tokens in ${parsed.out}; images and provenance unchanged`);
  if (!parsed.quiet && result.fields.length > 0) io.out(`set the same in traitloom.json (${result.fields.join(", ")}) so a later generate on ${parsed.out} keeps them; run traitloom pack again for new CIDs`);
  return EXIT_OK;
}

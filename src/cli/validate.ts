/**
 * `traitloom validate <folder> --target opensea|erc1155|solana|cardano|tezos`: checks any folder, made by Traitloom or
 * another tool, against a target's rules (core/targets) and prints every problem with its file and field.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TraitloomError } from "../core/errors.js";
import { validateFolder, type FolderEntry, type FolderView, type ValidateTarget } from "../core/targets/index.js";
import { VALIDATE_TARGETS, validationSummary } from "../core/targets/summary.js";

/** main.ts's exit codes: 0 done, 1 user error; here 1 also when the folder has problems. */
const EXIT_OK = 0;
const EXIT_PROBLEMS = 1;

export interface ValidateIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const TARGETS = VALIDATE_TARGETS;

export const VALIDATE_HELP = `Usage: traitloom validate <folder> --target opensea|erc1155|solana|cardano|tezos

Checks a folder of token metadata, made by Traitloom or by another tool, against a target's rules and prints every
problem with its file and field; exits 1 when there is one. <folder> is the target's own folder (a Sugar assets
folder, a metadata folder) or a whole Traitloom collection, whose folder for the target is then checked.

  opensea   ERC-721 / OpenSea: <id>.json files, required fields and types, URL schemes, background_color,
            display_type and numeric values (alias: erc721)
  erc1155   ERC-1155: files named by the id in 64 lower-case hex digits, EIP-1155 and OpenSea fields
  solana    Sugar / Candy Machine: 0.json … n-1.json without gaps, one jpg/jpeg/gif/png image each, the JSON
            fields as Sugar 2.x reads them (names <= 32 bytes, attribute values as strings, creators, …)
  cardano   CIP-25: label 721 → policy id → asset name, strings <= 64 bytes, metadata types
  tezos     TZIP-21: artifactUri/displayUri/thumbnailUri, decimals 0, formats, attributes {name, value}

Examples:
  traitloom validate out/solana/assets --target solana
  traitloom validate out --target opensea          # checks out/metadata/
  traitloom validate ../hashlips/build/json --target opensea`;

/** A disk folder as the validators read it; symbolic links are followed, and one to nothing is left out. */
export function nodeFolderView(root: string): FolderView {
  return {
    async list(dir: string): Promise<FolderEntry[]> {
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, dir), { withFileTypes: true });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw e;
      }
      const out: FolderEntry[] = [];
      for (const e of entries) {
        if (e.isSymbolicLink()) {
          const target = await stat(join(root, dir, e.name)).catch(() => undefined);
          if (target) out.push({ name: e.name, folder: target.isDirectory() });
        } else if (e.isFile() || e.isDirectory()) {
          out.push({ name: e.name, folder: e.isDirectory() });
        }
      }
      return out;
    },
    readText: (path: string) => readFile(join(root, path), "utf8"),
  };
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function readArgs(args: string[]): { folder: string; target: ValidateTarget } | "help" {
  const { tokens } = parseArgs({ args, options: { target: { type: "string", short: "t" }, help: { type: "boolean", short: "h" } }, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  let target: string | undefined;
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    if (t.name === "help") return "help";
    if (t.name !== "target") throw badArgument(`${t.rawName}: unknown option for validate; traitloom validate --help lists them`);
    if (t.value === undefined || t.value === "" || (!t.inlineValue && t.value.startsWith("-"))) {
      throw badArgument(`${t.rawName}: expected one of ${TARGETS.join(", ")}, found ${t.value ? `"${t.value}"` : "none"}`);
    }
    target = t.value;
  }
  if (positionals.length === 0) throw badArgument("validate: expected a folder, as in `traitloom validate out/solana/assets --target solana`, found none");
  if (positionals.length > 1) throw badArgument(`validate: expected one folder, found ${positionals.length}: ${positionals.join(" ")}`);
  const folder = positionals[0] ?? "";
  if (folder === "") throw badArgument("validate: expected a folder, found an empty argument");
  if (target === undefined) throw badArgument(`validate: expected --target ${TARGETS.join("|")}, found none`);
  const chosen = target === "erc721" ? "opensea" : target;
  if (!(TARGETS as readonly string[]).includes(chosen)) throw badArgument(`--target: expected one of ${TARGETS.join(", ")}, found "${target}"`);
  return { folder, target: chosen as ValidateTarget };
}

/**
 * Runs `traitloom validate`: every problem on stdout, one line each (file: field: what was expected, what was found),
 * then a closing line; warnings on stderr. Returns 0 when there are no problems, 1 when there are; a bad argument or
 * a folder that is not there is a BAD_ARGUMENT error for main() to print.
 */
export async function runValidate(args: string[], io: ValidateIo): Promise<number> {
  const parsed = readArgs(args);
  if (parsed === "help") {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  const { folder, target } = parsed;
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw badArgument(`${folder}: expected a folder to validate, found nothing there`);
  if (!info.isDirectory()) throw badArgument(`${folder}: expected a folder to validate, found a file (give the folder that holds it)`);

  const report = await validateFolder(nodeFolderView(folder), target);
  const checked = report.folder === "" ? folder : join(folder, report.folder);
  for (const w of report.warnings) io.err(`warning: ${w.message}`);
  for (const p of report.problems) io.out(p.message);
  io.out(validationSummary(report, checked));
  return report.problems.length === 0 ? EXIT_OK : EXIT_PROBLEMS;
}

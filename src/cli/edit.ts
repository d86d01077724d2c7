/**
 * `traitloom regenerate <out> --id N [--avoid Layer/Trait]…` and `traitloom extend <out> -n N`, with the layers and
 * config generate made the collection from (src/node/edit.ts).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { TraitloomError } from "../core/errors.js";
import { extendCollection, regenerateToken, type EditOptions } from "../node/edit.js";

export interface EditIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const EDIT_HELP = `Usage: traitloom regenerate <out> --id <id> [--avoid Layer/Trait]… [layersDir] [-c traitloom.json] [--workers N]
       traitloom extend <out> -n <count> [layersDir] [-c traitloom.json] [--workers N]

regenerate gives one token a new combination: unique against every other token, keeping the rules, without the
--avoid traits, nearest the expected counts (the counts it moves are listed); old and new DNA go into manifest.json's
history, and only that token is rendered again. extend adds <count> tokens after the last id, unique against every
token before them. Both need the layers and config generate used; a later generate on <out> keeps the edits.`;

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function wholeNumber(option: string, value: string | undefined, min: number): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && Number.isSafeInteger(n))) throw badArgument(`${option}: expected a whole number, ${min} or more, found ${value === undefined ? "none" : `"${value}"`}`);
  return n;
}

export async function runEdit(command: "regenerate" | "extend", args: string[], io: EditIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      id: { type: "string" },
      avoid: { type: "string", multiple: true },
      count: { type: "string", short: "n" },
      config: { type: "string", short: "c" },
      workers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(EDIT_HELP);
    return 0;
  }
  const [out, layersDir, ...more] = positionals;
  if (out === undefined || out === "") throw badArgument(`${command}: expected a collection folder, as in \`traitloom ${command} out ${command === "extend" ? "-n 500" : "--id 42"}\`, found none`);
  if (more.length > 0) throw badArgument(`${command}: expected a collection folder and at most one layers folder, found ${positionals.length} arguments`);
  const configPath = values.config ?? (existsSync("traitloom.json") ? "traitloom.json" : undefined);
  const options: EditOptions = {
    layersDir,
    configPath,
    workers: values.workers !== undefined ? wholeNumber("--workers", values.workers, 1) : undefined,
    onLog: (line) => io.err(line),
  };
  if (command === "regenerate") {
    if (values.count !== undefined) throw badArgument("-n: expected no count for regenerate (it keeps the collection's), found one; use extend to add tokens");
    const id = wholeNumber("--id", values.id, 0);
    const r = await regenerateToken(out, id, values.avoid ?? [], options);
    io.out(`regenerated token ${r.id}: dna ${r.oldDna} → ${r.newDna}; ${r.run.rendered} rendered, ${r.run.resumed} kept; provenance ${r.run.provenance.slice(0, 16)}…`);
    for (const m of r.moved) io.out(`count moved: ${m.layer} / ${m.trait}: ${m.from} → ${m.to} (expected ${m.expected.toFixed(1)})`);
    return 0;
  }
  if (values.id !== undefined || values.avoid !== undefined) throw badArgument("extend: expected -n <count> only, found --id or --avoid (those are regenerate's)");
  const n = wholeNumber("-n", values.count, 1);
  const r = await extendCollection(out, n, options);
  io.out(`extended by ${r.added} tokens (positions ${r.from} to ${r.from + r.added - 1}): ${r.run.rendered} rendered, ${r.run.resumed} kept, ${r.run.count} tokens; provenance ${r.run.provenance.slice(0, 16)}…`);
  return 0;
}

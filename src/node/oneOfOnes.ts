/**
 * The CLI's side of 1-of-1s (config `oneOfOnes`): the folder read from disk, relative to the config file, into
 * core's readOneOfOnes and placed by placeOneOfOnes (src/core/oneOfOnes.ts, pure).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { TraitloomConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import { placeOneOfOnes, readOneOfOnes, type OneOfOnes } from "../core/oneOfOnes.js";
import type { CollectionSettings } from "../core/settings.js";

/**
 * The config's 1-of-1s placed among the collection's ids, or undefined where it has none. `baseDir` is the
 * config file's folder (where `dir` is relative to). A folder that is not there is one line naming it.
 */
export function loadOneOfOnes(config: TraitloomConfig, settings: CollectionSettings, baseDir: string): OneOfOnes | undefined {
  const spec = config.oneOfOnes;
  if (!spec) return undefined;
  const full = resolve(baseDir, spec.dir);
  const shown = relative(".", full) || full;
  let names: string[];
  try {
    if (!statSync(full).isDirectory()) throw new TraitloomError("BAD_CONFIG", `oneOfOnes.dir: expected a folder of 1-of-1 images, found a file at ${shown}`);
    names = readdirSync(full).filter((n) => statSync(join(full, n)).isFile());
  } catch (e) {
    if (e instanceof TraitloomError) throw e;
    const code = (e as { code?: unknown } | undefined)?.code;
    const found = code === "ENOENT" || code === "ENOTDIR" ? "nothing there" : `a folder it cannot read (${typeof code === "string" ? code : String(e)})`;
    throw new TraitloomError("BAD_CONFIG", `oneOfOnes.dir: expected a folder of 1-of-1 images at ${shown}, found ${found}`);
  }
  const ones = readOneOfOnes(
    { dir: shown, names, read: (n) => new Uint8Array(readFileSync(join(full, n))), readText: (n) => readFileSync(join(full, n), "utf8") },
    settings.format,
  );
  return placeOneOfOnes(ones, spec, settings, shown);
}

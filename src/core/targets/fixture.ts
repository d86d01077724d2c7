/**
 * A small collection written for each target into memory, as the targets' tests use it: every test starts from a
 * writer's real output (which its validator must pass) and breaks one rule.
 */
import { buildLayerSet } from "../layers.js";
import { tokenRecord } from "../metadata.js";
import { planCollection } from "../planner.js";
import { resolveSettings } from "../settings.js";
import type { TraitloomConfig } from "../config.js";
import { collectionFiles, memoryFolder, tokenFiles, validateFolder, type OutputsConfig } from "./index.js";
import type { TargetCollection, TargetToken, ValidateTarget } from "./types.js";

export const FIXTURE_COUNT = 6;

/** Six tokens of two layers (one with a "None" trait) and an extra numeric attribute; `config` overrides settings. */
export function fixtureCollection(config: TraitloomConfig = {}, count = FIXTURE_COUNT): { collection: TargetCollection; tokens: TargetToken[] } {
  const layerSet = buildLayerSet({
    root: "mem",
    rootFiles: [],
    folders: [
      { folder: "01-Background", files: [{ name: "Sky#3.png", size: 1 }, { name: "Night#1.png", size: 1 }, { name: "Dawn#1.png", size: 1 }], subfolders: [] },
      { folder: "02-Hat", files: [{ name: "None#2.png", size: 1 }, { name: "Cap#1.png", size: 1 }, { name: "Crown#1.png", size: 1 }], subfolders: [] },
    ],
  });
  const settings = resolveSettings(
    { namePrefix: "Loom", description: "A test collection.", baseUri: "ipfs://bafyimages", startId: 1, extraAttributes: [{ trait_type: "Generation", value: 1 }], ...config },
    { count, seed: "targets" },
  );
  const plan = planCollection(layerSet, count, "targets");
  const tokens = Array.from({ length: count }, (_, index) => ({ token: tokenRecord(layerSet, plan, index, settings), index }));
  return { collection: { settings, width: 64, height: 64 }, tokens };
}

/** Stand-in bytes of an image: the validators look at image file names, never their contents. */
export const FIXTURE_IMAGE = "image bytes";

/** Every file the targets in `outputs` write for the fixture, images (and copied files) included, path → text. */
export function writeFixture(outputs: OutputsConfig, fixture = fixtureCollection()): Record<string, string> {
  const files: Record<string, string> = {};
  for (const input of fixture.tokens) {
    for (const out of tokenFiles(outputs, fixture.collection, input)) {
      for (const f of out.files) files[f.path] = f.text;
      files[out.image] = FIXTURE_IMAGE;
    }
  }
  for (const out of collectionFiles(outputs, fixture.collection)) {
    for (const f of out.files) files[f.path] = f.text;
    for (const c of out.copies) files[c.path] = FIXTURE_IMAGE;
  }
  return files;
}

/** The files under `dir`, with paths relative to it: one target's folder as a validator is given it. */
export function filesUnder(files: Readonly<Record<string, string>>, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) if (path.startsWith(`${dir}/`)) out[path.slice(dir.length + 1)] = text;
  return out;
}

/** A copy of `files` with the JSON file at `path` changed by `edit` (which may return a whole new value). */
export function withJson(files: Readonly<Record<string, string>>, path: string, edit: (json: Record<string, unknown>) => unknown): Record<string, string> {
  const text = files[path];
  if (text === undefined) throw new Error(`withJson: no file ${path}`);
  const json = JSON.parse(text) as Record<string, unknown>;
  const replaced = edit(json);
  return { ...files, [path]: JSON.stringify(replaced === undefined ? json : replaced, null, 2) };
}

/** The problems a validator finds in `files`, as [rule, message] pairs, for one `toEqual`. */
export async function problemsOf(files: Readonly<Record<string, string>>, target: ValidateTarget): Promise<Array<[string, string]>> {
  const report = await validateFolder(memoryFolder(files), target);
  return report.problems.map((p) => [p.rule, p.message]);
}

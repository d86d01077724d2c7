/**
 * `traitloom regenerate` and `traitloom extend`: a finished collection edited, then rendered through generate. The
 * edit goes into manifest.json's `history` (src/core/edit.ts), the images to redo are removed, and generate resumes
 * the folder: the history is applied to the seed's plan, every kept token is verified, only the edited ones render.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { applyHistory, newCombination, resolveAvoid, uniquenessKeyOf, uniquenessKeys, type MovedCount } from "../core/edit.js";
import { TraitloomError } from "../core/errors.js";
import type { HistoryEntry } from "../core/output.js";
import { createRng } from "../core/rng.js";
import type { StoredManifest } from "../core/stored.js";
import { plannedToken } from "../render/pipeline.js";
import { readStoredManifest, rewriteManifest, storedHeader } from "../render/update.js";
import { NodeFileStore } from "./fileStore.js";
import { generateCollection, prepareCollection, type GenerateOptions, type GenerateResult } from "./generate.js";

export type EditOptions = Pick<GenerateOptions, "layersDir" | "configPath" | "config" | "seed" | "count" | "workers" | "onLog" | "signal">;

/** The folder's manifest and the config's plan with the folder's history, checked to be the same collection. */
async function editable(outDir: string, options: EditOptions) {
  const manifest = await readStoredManifest(new NodeFileStore(outDir));
  if (manifest.shard) throw new TraitloomError("BAD_ARGUMENT", `${outDir}/manifest.json: expected a whole collection, found shard ${manifest.shard.index}/${manifest.shard.of} of one`);
  const prepared = await prepareCollection({ ...options, seed: options.seed ?? manifest.seed, count: options.count ?? manifest.count - extendedBy(manifest) });
  const plan = applyHistory(prepared.layerSet, prepared.plan, manifest.history);
  const same = plan.count === manifest.tokens.length && manifest.tokens.every((t, i) => plannedToken(prepared.layerSet, plan, prepared.settings, i).traits.join("-") === t.dna);
  if (!same) {
    throw new TraitloomError("OUTPUT_CONFLICT", `${outDir}: expected the collection this config and seed make (seed "${prepared.settings.seed}", ${prepared.settings.count} tokens), found another; give the same layers, config, -n and --seed as generate`);
  }
  return { manifest, ...prepared, plan };
}

function extendedBy(manifest: StoredManifest): number {
  return (manifest.history ?? []).reduce((a, h) => a + (h.command === "extend" ? h.dna.length : 0), 0);
}

async function recordHistory(outDir: string, manifest: StoredManifest, entry: HistoryEntry): Promise<void> {
  const store = new NodeFileStore(outDir);
  const held = await store.lock();
  try {
    await rewriteManifest(store, manifest, { ...storedHeader(manifest), history: [...(manifest.history ?? []), entry] });
  } finally {
    await held.release();
  }
}

export interface RegenerateResult {
  id: number;
  oldDna: string;
  newDna: string;
  /** The trait counts the new combination moved (one token fewer of each old trait, one more of each new one). */
  moved: MovedCount[];
  run: GenerateResult;
}

/**
 * Gives token `id` a new combination (unique against every other token, keeping the rules, without the `avoid`
 * traits "Layer/Trait", nearest the expected counts), records old and new DNA in manifest.json's history, removes its
 * image files and renders it through generate (which updates its metadata, the manifest and the provenance).
 */
export async function regenerateToken(outDir: string, id: number, avoid: readonly string[], options: EditOptions): Promise<RegenerateResult> {
  const { manifest, layerSet, plan, settings } = await editable(outDir, options);
  const index = manifest.tokens.findIndex((t) => t.id === id);
  const first = manifest.tokens[0]?.id ?? 0;
  const last = manifest.tokens.at(-1)?.id ?? 0;
  if (index < 0) throw new TraitloomError("BAD_ARGUMENT", `--id: expected a token id of the collection (${first} to ${last}), found ${id}`);
  const rng = createRng(settings.seed, `regenerate:${id}:${(manifest.history ?? []).length}`);
  const found = newCombination(layerSet, plan, index, { rng, avoid: avoid.map((a) => resolveAvoid(layerSet, a)) });
  const oldDna = manifest.tokens[index]?.dna ?? "";
  const newDna = found.traits.join("-");
  await recordHistory(outDir, manifest, { command: "regenerate", id, index, oldDna, newDna });
  const old = plannedToken(layerSet, plan, settings, index);
  for (const path of [old.image, ...(old.imageCopies ?? [])]) await rm(join(outDir, path), { force: true });
  const run = await generateCollection({ ...options, outDir, seed: settings.seed, count: settings.count });
  return { id, oldDna, newDna, moved: found.moved, run };
}

export interface ExtendResult {
  from: number;
  added: number;
  run: GenerateResult;
}

/** Adds `count` tokens after the last id, each unique against every token before it, then renders them through generate. */
export async function extendCollection(outDir: string, count: number, options: EditOptions): Promise<ExtendResult> {
  const { manifest, layerSet, plan, settings } = await editable(outDir, options);
  const rng = createRng(settings.seed, `extend:${manifest.tokens.length}`);
  const taken = uniquenessKeys(layerSet, plan);
  let grown = plan;
  const dna: string[] = [];
  for (let k = 0; k < count; k++) {
    const found = newCombination(layerSet, grown, grown.count, { rng, isNew: true, taken });
    dna.push(found.traits.join("-"));
    grown = applyHistory(layerSet, plan, [{ command: "extend", from: plan.count, dna }]);
    taken.add(uniquenessKeyOf(layerSet, found.traits));
  }
  await recordHistory(outDir, manifest, { command: "extend", from: plan.count, dna });
  const run = await generateCollection({ ...options, outDir, seed: settings.seed, count: settings.count });
  return { from: plan.count, added: count, run };
}

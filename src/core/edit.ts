/**
 * Edits of a finished collection's plan, as manifest.json's `history` records them: `regenerate` gives one token a
 * new combination, `extend` adds tokens after the last. The plan of the seed stays what it is; its history is
 * applied on top, in the CLI and the studio alike, so a later `generate` on the folder resumes the edited collection.
 */
import { TraitloomError } from "./errors.js";
import type { LayerSet } from "./layers.js";
import { tokenRecord } from "./metadata.js";
import type { HistoryEntry } from "./output.js";
import { traitOf, type Plan } from "./planner.js";
import type { Rng } from "./rng.js";
import { brokenRules, hasRules } from "./ruleModel.js";

/** Candidate combinations looked at for one token; the one that keeps the counts best is taken. */
const CANDIDATES_KEPT = 64;
/** Draws before giving up on finding a unique, rule-keeping combination. */
const MAX_DRAWS = 200_000;

function parseDna(dna: string, layers: number, what: string): number[] {
  const traits = dna.split("-").map(Number);
  if (traits.length !== layers || traits.some((t) => !Number.isInteger(t) || t < 0)) {
    throw new TraitloomError("BAD_ARGUMENT", `${what}: expected ${layers} trait indexes joined by "-", found "${dna}"`);
  }
  return traits;
}

/** Counts per layer and trait of a plan's tokens. */
export function countsOf(layerSet: LayerSet, traits: Uint16Array, count: number, layerCount: number): number[][] {
  const counts = layerSet.layers.map((l) => new Array<number>(l.traits.length).fill(0));
  for (let i = 0; i < count; i++) {
    for (let l = 0; l < layerCount; l++) {
      const row = counts[l];
      const t = traits[i * layerCount + l] ?? 0;
      if (row) row[t] = (row[t] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * The plan with `history` applied: regenerated tokens' traits replaced, extensions appended, counts recounted.
 * Entries of `update` change no plan. Returns `plan` itself where the history changes nothing.
 */
export function applyHistory(layerSet: LayerSet, plan: Plan, history: readonly HistoryEntry[] | undefined): Plan {
  const edits = (history ?? []).filter((h) => h.command !== "update");
  if (edits.length === 0) return plan;
  const L = plan.layerCount;
  const extra = edits.reduce((a, h) => a + (h.command === "extend" ? h.dna.length : 0), 0);
  const count = plan.count + extra;
  const traits = new Uint16Array(count * L);
  traits.set(plan.traits.subarray(0, plan.count * L));
  let n = plan.count;
  for (const h of edits) {
    if (h.command === "regenerate") {
      if (h.index >= n) throw new TraitloomError("BAD_ARGUMENT", `manifest.json: history: regenerate of token ${h.id} at position ${h.index}, expected a position below ${n}`);
      traits.set(parseDna(h.newDna, L, `history: regenerate of token ${h.id}`), h.index * L);
    } else if (h.command === "extend") {
      if (h.from !== n) throw new TraitloomError("BAD_ARGUMENT", `manifest.json: history: extend from position ${h.from}, expected ${n} (the collection's end)`);
      for (const dna of h.dna) traits.set(parseDna(dna, L, "history: extend"), n++ * L);
    }
  }
  const counts = countsOf(layerSet, traits, count, L);
  const expected = layerSet.layers.map((layer) => {
    const total = layer.traits.reduce((a, t) => a + t.weight, 0);
    return layer.traits.map((t) => (total > 0 ? (count * t.weight) / total : 0));
  });
  return { ...plan, count, traits, counts, expected };
}

/** A trait id "Layer/Trait" as --avoid takes it, resolved to [layer, trait] by name or folder. */
export function resolveAvoid(layerSet: LayerSet, id: string): [number, number] {
  const cut = id.lastIndexOf("/");
  const layerName = id.slice(0, cut);
  const traitName = id.slice(cut + 1);
  const layer = layerSet.layers.find((l) => l.name === layerName || l.folder === layerName);
  const trait = layer?.traits.findIndex((t) => t.name === traitName || t.value === traitName) ?? -1;
  if (cut < 1 || !layer || trait < 0) {
    const known = layerSet.layers.flatMap((l) => l.traits.map((t) => `${l.name}/${t.name}`));
    throw new TraitloomError("BAD_ARGUMENT", `--avoid: expected a trait such as "${known[0] ?? "Hat/Crown"}", found "${id}"`);
  }
  return [layer.index, trait];
}

/** One count a new combination moves: a trait one token fewer or one more. */
export interface MovedCount {
  layer: string;
  trait: string;
  from: number;
  to: number;
  expected: number;
}

/**
 * A new combination for the token at `index` of `plan`: unique against every other token (by the uniqueness of
 * tokenRecord's dnaHash), keeping every rule, without the `avoid` traits, drawn by weight with `rng`; of the first
 * CANDIDATES_KEPT that qualify, the one whose traits' counts end nearest their expected counts. `isNew` is set
 * when the token is a new one (extend): nothing of it is taken away; `refuse` turns down combinations besides
 * the taken ones (banned ones). Throws where no combination qualifies.
 */
export function newCombination(
  layerSet: LayerSet,
  plan: Plan,
  index: number,
  options: {
    rng: Rng;
    avoid?: ReadonlyArray<[number, number]> | undefined;
    isNew?: boolean | undefined;
    taken?: Set<string> | undefined;
    /** Combinations never taken besides the taken ones (traitloom.json's `ban`). */
    refuse?: ((traits: readonly number[]) => boolean) | undefined;
  },
): { traits: number[]; moved: MovedCount[] } {
  const L = plan.layerCount;
  const avoid = options.avoid ?? [];
  const taken = options.taken ?? uniquenessKeys(layerSet, plan, index);
  const old = options.isNew ? undefined : Array.from({ length: L }, (_, l) => traitOf(plan, index, l));
  const weights = layerSet.layers.map((layer) => layer.traits.map((t, ti) => (avoid.some(([al, at]) => al === layer.index && at === ti) ? 0 : t.weight)));
  const ruled = hasRules(layerSet) ? layerSet.ruleSet : undefined;
  const probe: Plan = { ...plan, traits: new Uint16Array(L), count: 1 };
  let best: { traits: number[]; cost: number } | undefined;
  let found = 0;
  for (let draw = 0; draw < MAX_DRAWS && found < CANDIDATES_KEPT; draw++) {
    const traits = weights.map((w) => pick(w, options.rng));
    if (traits.some((t) => t < 0)) break;
    if (old && traits.every((t, l) => t === old[l])) continue;
    if (ruled && brokenRules(ruled, traits).length > 0) continue;
    if (options.refuse?.(traits)) continue;
    probe.traits.set(traits);
    if (taken.has(tokenRecord(layerSet, probe, 0, { startId: 0 }).dnaHash)) continue;
    found++;
    let cost = 0;
    traits.forEach((t, l) => {
      if (old?.[l] === t) return;
      const have = plan.counts[l]?.[t] ?? 0;
      cost += have + 1 - (plan.expected[l]?.[t] ?? 0);
      if (old) cost -= (plan.counts[l]?.[old[l] ?? 0] ?? 0) - (plan.expected[l]?.[old[l] ?? 0] ?? 0);
    });
    if (!best || cost < best.cost) best = { traits, cost };
  }
  if (!best) {
    throw new TraitloomError("CAPACITY", `token at position ${index}: expected a combination unlike every other token's${avoid.length > 0 ? " and without the --avoid traits" : ""} that keeps the rules, found none`);
  }
  const moved: MovedCount[] = [];
  best.traits.forEach((t, l) => {
    const layer = layerSet.layers[l];
    if (!layer || old?.[l] === t) return;
    const push = (trait: number, delta: number): void => {
      const from = plan.counts[l]?.[trait] ?? 0;
      moved.push({ layer: layer.name, trait: layer.traits[trait]?.name ?? String(trait), from, to: from + delta, expected: plan.expected[l]?.[trait] ?? 0 });
    };
    if (old) push(old[l] ?? 0, -1);
    push(t, 1);
  });
  return { traits: best.traits, moved };
}

/** The uniqueness key (tokenRecord's dnaHash) of one combination. */
export function uniquenessKeyOf(layerSet: LayerSet, traits: readonly number[]): string {
  const probe: Plan = { count: 1, seed: "", capacity: 0, layerCount: traits.length, traits: Uint16Array.from(traits), counts: [], expected: [], deviations: [] };
  return tokenRecord(layerSet, probe, 0, { startId: 0 }).dnaHash;
}

/** The uniqueness keys (dnaHash) of every token of the plan but `except`. */
export function uniquenessKeys(layerSet: LayerSet, plan: Plan, except = -1): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < plan.count; i++) if (i !== except) keys.add(tokenRecord(layerSet, plan, i, { startId: 0 }).dnaHash);
  return keys;
}

function pick(weights: readonly number[], rng: Rng): number {
  const total = weights.reduce((a, w) => a + w, 0);
  if (total <= 0) return -1;
  let r = rng.next() * total;
  for (let t = 0; t < weights.length; t++) {
    r -= weights[t] ?? 0;
    if (r < 0) return t;
  }
  return weights.length - 1;
}

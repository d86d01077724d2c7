/**
 * Re-roll or ban single tokens before generating (traitloom.json's `reroll` and `ban`): edits of the seed's plan,
 * made by the planner itself (planCollection), so the CLI's generate, the studio's preview and its runs make the
 * same tokens from the same config. A re-rolled token gets a new combination from core's newCombination (the one
 * `traitloom regenerate` uses for a finished collection): unique, keeping the rules, nearest the expected counts.
 */
import { newCombination, uniquenessKeyOf, uniquenessKeys, type MovedCount } from "./edit.js";
import { TraitloomError, isTraitloomError } from "./errors.js";
import type { Layer, LayerSet } from "./layers.js";
import type { Plan } from "./planner.js";
import { createRng } from "./rng.js";
import { brokenRules, hasRules, resolveTraitId } from "./ruleModel.js";
import type { TokenEditSpec } from "./tokenEditsConfig.js";

export interface TokenEdits {
  /** Where the edits came from, as errors name it ("traitloom.json", "studio settings"). */
  source: string;
  /** Ids are token ids: the plan's position plus startId. */
  startId: number;
  reroll: Array<{ id: number; times: number; avoid: Array<[number, number]>; avoidIds: string[] }>;
  /** Each banned combination: one trait index per layer, and its ids as written. */
  ban: Array<{ traits: number[]; ids: string[] }>;
}

/** A layer set whose config re-rolls or bans tokens: planCollection applies the edits to its plan. */
export interface EditedLayerSet extends LayerSet {
  tokenEdits: TokenEdits;
}

export function hasTokenEdits(layerSet: LayerSet): layerSet is EditedLayerSet {
  return (layerSet as Partial<EditedLayerSet>).tokenEdits !== undefined;
}

/** One token the edits changed: which, why, and its combination (trait index per layer, "-"-joined) before and after. */
export interface EditedToken {
  id: number;
  index: number;
  /** `reroll[2]`, or `ban[0]` for a token whose planned combination is banned. */
  by: string;
  from: string;
  to: string;
}

/** What the edits did to a plan: the tokens changed, and the trait counts that moved (as regenerate reports them). */
export interface PlanEdits {
  tokens: EditedToken[];
  moved: MovedCount[];
  /** Combinations the bans take out of the capacity (bannedCapacity); the plan's capacity is already less them. */
  banned: number;
}

/**
 * How many unique combinations the bans take away: the distinct banned combinations the layers could otherwise make
 * (every trait chooseable, every rule kept). Where a layer does not count for uniqueness a ban removes a
 * combination but no uniqueness key, so the capacity is not lowered there (0).
 */
export function bannedCapacity(layerSet: EditedLayerSet): number {
  if (layerSet.layers.some((l) => !l.countsForUniqueness)) return 0;
  const ruled = hasRules(layerSet) ? layerSet.ruleSet : undefined;
  const possible = new Set<string>();
  for (const b of layerSet.tokenEdits.ban) {
    const chooseable = b.traits.every((t, l) => {
      const trait = layerSet.layers[l]?.traits[t];
      return trait !== undefined && trait.weight > 0 && !trait.absent;
    });
    if (chooseable && (!ruled || brokenRules(ruled, b.traits).length === 0)) possible.add(b.traits.join("-"));
  }
  return possible.size;
}

/**
 * The one line for re-rolls or bans with 1-of-1s: the 1-of-1s take ids among the plan's tokens, so a token id would
 * name another token with them than without. The studio's collection worker, which gets the 1-of-1s beside the
 * config, refuses them with it too.
 */
export function oneOfOnesConflict(source: string, key: "reroll" | "ban"): TraitloomError {
  return new TraitloomError("BAD_CONFIG", `${source}: ${key}: expected a collection without oneOfOnes, found both (re-rolls and bans with 1-of-1s are not supported yet)`);
}

function fail(source: string, path: string, detail: string): never {
  throw new TraitloomError("BAD_CONFIG", `${source}: ${path}: ${detail}`);
}

/**
 * The layer set with the spec's `reroll` and `ban` resolved against its layers (trait ids as rules name them, an
 * unknown one with the nearest id suggested), or the layer set itself where there are none. Token ids are checked
 * against the count when planning (the count is not known here).
 *
 * @example withTokenEdits(layerSet, { reroll: [{ id: 42 }], ban: [["Background/Blue", "Eyes/Red"]] }, "traitloom.json")
 */
export function withTokenEdits<T extends LayerSet>(layerSet: T, spec: TokenEditSpec, source = "traitloom.json"): T | (T & EditedLayerSet) {
  const reroll = spec.reroll ?? [];
  const ban = spec.ban ?? [];
  if (reroll.length === 0 && ban.length === 0) return layerSet;
  const key = reroll.length > 0 ? "reroll" : "ban";
  if (spec.editions !== undefined || layerSet.editions) fail(source, key, "expected a collection without editions, found both (re-rolls and bans among editions are not supported yet)");
  if (spec.oneOfOnes !== undefined) throw oneOfOnesConflict(source, key);
  const layers = layerSet.layers;
  const seen = new Map<number, number>();
  const edits: TokenEdits = {
    source,
    startId: spec.startId ?? 1,
    reroll: reroll.map((r, i) => {
      const before = seen.get(r.id);
      if (before !== undefined) fail(source, `reroll[${i}].id`, `expected each token once, found ${r.id} again (reroll[${before}])`);
      seen.set(r.id, i);
      const avoid: Array<[number, number]> = [];
      (r.avoid ?? []).forEach((id, j) => {
        const found = resolveTraitId(layers, id);
        if (!found.ok) fail(source, `reroll[${i}].avoid[${j}]`, found.detail);
        for (const t of found.ref.traits) avoid.push([found.ref.layer, t]);
      });
      return { id: r.id, times: r.times ?? 1, avoid, avoidIds: [...(r.avoid ?? [])] };
    }),
    ban: ban.map((ids, i) => {
      const traits: Array<number | undefined> = layers.map(() => undefined);
      ids.forEach((id, j) => {
        const found = resolveTraitId(layers, id);
        if (!found.ok) fail(source, `ban[${i}][${j}]`, found.detail);
        const layer = layers[found.ref.layer];
        const trait = found.ref.traits[0];
        if (found.ref.traits.length !== 1 || trait === undefined) fail(source, `ban[${i}][${j}]`, `expected one trait, found "${id}" naming ${found.ref.traits.length}`);
        const had = traits[found.ref.layer];
        if (had !== undefined) fail(source, `ban[${i}][${j}]`, `expected one trait per layer, found "${id}" after "${layer?.name}/${layer?.traits[had]?.name}"`);
        traits[found.ref.layer] = trait;
      });
      const missing = layers.filter((l) => traits[l.index] === undefined).map((l) => l.name);
      if (missing.length > 0) fail(source, `ban[${i}]`, `expected one trait of every layer (${layers.map((l) => l.name).join(", ")}), found none of ${missing.join(", ")}`);
      return { traits: traits.map((t) => t ?? 0), ids: [...ids] };
    }),
  };
  return { ...layerSet, tokenEdits: edits };
}

/**
 * The plan with the layer set's re-rolls and bans applied. Re-rolls go in the order written, then every token whose
 * combination is banned, in id order; each draws from its own stream of the seed (`reroll:<id>`, then `reroll:<id>:<k>`
 * for the k-th time, each unlike the draws before it), so the same config
 * gives the same tokens everywhere. A re-rolled token's new combination is unique against every other token, keeps
 * the rules, has none of its `avoid` traits and no banned combination; every other token keeps its combination and
 * position. Throws a one-line BAD_CONFIG error for an id outside the collection, CAPACITY where no combination is left.
 */
export function applyTokenEdits(layerSet: EditedLayerSet, plan: Plan): Plan & { edits: PlanEdits } {
  const { source, startId, reroll, ban } = layerSet.tokenEdits;
  const N = plan.count;
  const L = plan.layerCount;
  reroll.forEach((r, i) => {
    if (r.id < startId || r.id >= startId + N) fail(source, `reroll[${i}].id`, `expected a token id from ${startId} to ${startId + N - 1}, found ${r.id}`);
  });
  const lost = bannedCapacity(layerSet);
  const capacity = Math.max(0, plan.capacity - lost);
  if (N > capacity) {
    throw new TraitloomError("CAPACITY", `${source}: ban: expected at most ${capacity} tokens (${plan.capacity} unique combinations less ${lost} banned), found ${N}; lower the count or remove a ban`);
  }
  const banned = new Set(ban.map((b) => b.traits.join("-")));
  const bannedBy = new Map(ban.map((b, i) => [b.traits.join("-"), i]));
  const refuse = (traits: readonly number[]): boolean => banned.has(traits.join("-"));
  const traits = plan.traits.slice();
  const counts = plan.counts.map((row) => [...row]);
  const current: Plan = { ...plan, traits, counts };
  const taken = uniquenessKeys(layerSet, plan);
  const combinationAt = (index: number): number[] => Array.from(traits.subarray(index * L, index * L + L));
  const tokens: EditedToken[] = [];

  const rerollAt = (index: number, by: string, avoid: Array<[number, number]>, times: number): void => {
    const old = combinationAt(index);
    const id = startId + index;
    taken.delete(uniquenessKeyOf(layerSet, old));
    let found: { traits: number[] } = { traits: old };
    try {
      // The k-th re-roll (`times`) is a draw of its own that none of the draws before it gave: a second press of
      // "Re-roll" always shows another combination, and the first press's result stays what it was.
      const earlier = new Set<string>();
      for (let k = 1; k <= times; k++) {
        const stream = k === 1 ? `reroll:${id}` : `reroll:${id}:${k}`;
        found = newCombination(layerSet, current, index, { rng: createRng(plan.seed, stream), avoid, taken, refuse: (t) => refuse(t) || earlier.has(t.join("-")) });
        earlier.add(found.traits.join("-"));
      }
    } catch (e) {
      if (!isTraitloomError(e) || e.code !== "CAPACITY") throw e;
      const without = [avoid.length > 0 ? "without its avoid traits" : "", banned.size > 0 ? "not banned" : ""].filter((s) => s !== "");
      throw new TraitloomError(
        "CAPACITY",
        `${source}: ${by}: expected a new combination for token ${id} unlike every other token's, keeping the rules${without.length > 0 ? `, ${without.join(" and ")}` : ""}, found none left`,
      );
    }
    found.traits.forEach((t, l) => {
      const row = counts[l];
      const was = old[l] ?? 0;
      if (row) {
        row[was] = (row[was] ?? 0) - 1;
        row[t] = (row[t] ?? 0) + 1;
      }
    });
    traits.set(found.traits, index * L);
    taken.add(uniquenessKeyOf(layerSet, found.traits));
    tokens.push({ id, index, by, from: old.join("-"), to: found.traits.join("-") });
  };

  reroll.forEach((r, i) => rerollAt(r.id - startId, `reroll[${i}]`, r.avoid, r.times));
  if (banned.size > 0) {
    for (let index = 0; index < N; index++) {
      const b = bannedBy.get(combinationAt(index).join("-"));
      if (b !== undefined) rerollAt(index, `ban[${b}]`, [], 1);
    }
  }

  const moved: MovedCount[] = [];
  layerSet.layers.forEach((layer, l) => {
    layer.traits.forEach((trait, t) => {
      const from = plan.counts[l]?.[t] ?? 0;
      const to = counts[l]?.[t] ?? 0;
      if (from !== to) moved.push({ layer: layer.name, trait: trait.name, from, to, expected: plan.expected[l]?.[t] ?? 0 });
    });
  });
  return { ...current, capacity, edits: { tokens, moved, banned: lost } };
}

/**
 * The edits as they decide output, for the collection hashes (output.ts): a folder planned with other re-rolls or
 * bans is another collection. Undefined without edits, so every other collection keeps its inputHash.
 */
export function tokenEditsFingerprint(layerSet: LayerSet): string | undefined {
  if (!hasTokenEdits(layerSet)) return undefined;
  const { startId, reroll, ban } = layerSet.tokenEdits;
  return JSON.stringify({ startId, reroll: reroll.map((r) => [r.id, r.avoid, r.times]), ban: ban.map((b) => b.traits) });
}

/**
 * A combination (trait index per layer) as the trait ids a `ban` entry names: "Layer/Trait", with the folders of a
 * tree ("Layer/Folder/Trait"), as rules name traits. What the studio's "Ban this combination" writes.
 */
export function combinationIds(layers: readonly Layer[], traits: readonly number[]): string[] {
  return layers.map((layer, l) => {
    const t = layer.traits[traits[l] ?? 0];
    return `${layer.name}/${t ? [...(t.path ?? []), t.name].join("/") : String(traits[l])}`;
  });
}

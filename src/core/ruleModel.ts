/**
 * Trait rules, fixed counts and uniqueness layers, resolved against a layer set: ids checked (with suggestions),
 * rules compiled to clauses the counter and the planner share, and the rules that can never be met or that
 * remove a trait found when the config loads.
 *
 * A rule becomes clauses of one form, "on one of these layers the token's trait is in this set":
 * - never [A, B]        ¬A ∨ ¬B (per B; B's on one layer are taken together)
 * - only A with [B, C]  ¬A ∨ B ∨ C (one clause; B's on one layer merge)
 * - always [A, B, C]    A→B, B→A, B→C, C→B: both or neither along the chain, so chains across rules hold too
 * - if A then [B, C]    ¬A ∨ B, ¬A ∨ C (B and C on one layer: ¬A ∨ B ∨ C)
 */
import { nearestKey } from "./config.js";
import { problem, problemsError, type TraitloomProblem } from "./errors.js";
import type { Layer, LayerSet, Trait } from "./layers.js";
import { clauseAlwaysHolds, countCombinations, isSatisfiable, pruneInOrder, RuleComplexityError, supportAll, type CountModel, type RuleClause } from "./ruleCount.js";
import type { RuleConfig, RuleSpec } from "./rules.js";
import { withTokenEdits } from "./tokenEdits.js";
import type { TokenEditSpec } from "./tokenEditsConfig.js";

/** A trait id resolved: the layer and the traits it stands for (one, or every trait of the layer for `Layer/*`). */
export interface TraitRef {
  /** As written in the config. */
  id: string;
  layer: number;
  traits: number[];
}

export type IdResolution = { ok: true; ref: TraitRef } | { ok: false; detail: string };

/** A trait's id inside its layer: `Trait`, or `Folder/Trait` in a tree. */
function localId(t: Trait): string {
  return t.path ? [...t.path, t.name].join("/") : t.name;
}

function layerKeys(layer: Layer): string[] {
  return layer.name === layer.folder ? [layer.name] : [layer.name, layer.folder];
}

/**
 * Resolves a trait id: `Layer/Trait` or `Layer/*`, Layer being the layer's name (trait_type) or its folder,
 * Trait the trait's name (its file name without the weight). The one place ids are read, so nested folders
 * (`Layer/Folder/Trait`, `Layer/Folder/*`) are added here alone. An unknown id gets a detail that says what was
 * expected and suggests the nearest id.
 *
 * @example resolveTraitId(layers, "Hat/Crwn") // { ok: false, detail: 'expected a trait id such as "Hat/Crown", found "Hat/Crwn"; did you mean "Hat/Crown"?' }
 */
export function resolveTraitId(layers: readonly Layer[], id: string): IdResolution {
  let layer: Layer | undefined;
  let rest = "";
  let keyLength = -1;
  for (const l of layers) {
    for (const key of layerKeys(l)) {
      if (id.startsWith(`${key}/`) && key.length > keyLength) {
        layer = l;
        rest = id.slice(key.length + 1);
        keyLength = key.length;
      }
    }
  }
  if (layer) {
    if (rest === "*") return { ok: true, ref: { id, layer: layer.index, traits: layer.traits.map((t) => t.index) } };
    const ids = layer.traits.map(localId);
    const exact = layer.traits.filter((t, i) => ids[i] === rest);
    // A trait of a tree by its name alone, where no other trait of the layer has that name.
    const named = exact.length > 0 ? exact : layer.traits.filter((t) => t.path !== undefined && t.name === rest);
    if (named.length === 1 && named[0]) return { ok: true, ref: { id, layer: layer.index, traits: [named[0].index] } };
    if (rest.endsWith("/*")) {
      const folder = rest.slice(0, -1);
      const inFolder = layer.traits.filter((t, i) => (ids[i] ?? "").startsWith(folder));
      if (inFolder.length > 0) return { ok: true, ref: { id, layer: layer.index, traits: inFolder.map((t) => t.index) } };
    }
    if (named.length > 1) {
      return { ok: false, detail: `expected one trait, found "${id}" naming ${named.length} (${named.map((t) => `${layer.name}/${localId(t)}`).join(", ")}); write the folder too` };
    }
    const near = nearestKey(rest, ids);
    const example = `${layer.name}/${near ?? ids[0] ?? "*"}`;
    return { ok: false, detail: `expected a trait id such as "${example}", found "${id}"${near ? `; did you mean "${layer.name}/${near}"?` : ` (layer ${layer.name} has no trait "${rest}")`}` };
  }
  const all = layers.flatMap((l) => [...l.traits.map((t) => `${l.name}/${localId(t)}`), `${l.name}/*`]);
  const near = nearestKey(id, all);
  const first = layers[0];
  const example = near ?? (first ? `${first.name}/${first.traits[0]?.name ?? "*"}` : "Layer/Trait");
  const slash = id.indexOf("/");
  const named = slash < 0 ? id : id.slice(0, slash);
  const why = near ? `; did you mean "${near}"?` : slash < 0 ? ' (ids are "Layer/Trait" or "Layer/*")' : ` (no layer "${named}"; layers: ${layers.map((l) => l.name).join(", ")})`;
  return { ok: false, detail: `expected a trait id such as "${example}", found "${id}"${why}` };
}

/** Resolves a layer by its name or folder, for `uniqueness.layers`. */
export function resolveLayerName(layers: readonly Layer[], name: string): { ok: true; layer: number } | { ok: false; detail: string } {
  const layer = layers.find((l) => l.name === name) ?? layers.find((l) => l.folder === name);
  if (layer) return { ok: true, layer: layer.index };
  const near = nearestKey(name, layers.flatMap(layerKeys));
  return { ok: false, detail: `expected a layer name, found "${name}"${near ? `; did you mean "${near}"?` : ` (layers: ${layers.map((l) => l.name).join(", ")})`}` };
}

export type RuleKind = "never" | "only" | "always" | "if";

/** A clause and the rule it came from. */
export interface RuleSetClause extends RuleClause {
  /** Index of the rule in the config's `rules`. */
  rule: number;
}

export interface CompiledRule {
  index: number;
  kind: RuleKind;
  /** How messages name it: `rules[3] (only "Eyes/Laser" with "Body/Gold")`. */
  label: string;
  /** The rule's ids, subject first (never, only, if), resolved. */
  refs: TraitRef[];
  /** The ids after the subject, grouped by layer (never: the others; only: with; if: then; always: all). */
  groups: TraitRef[];
}

/** A count bound on one trait, from `counts`. */
export interface CountBound {
  /** Where it is written: `counts["Hat/Crown"]`. */
  path: string;
  layer: number;
  trait: number;
  min: number;
  /** Infinity where there is no upper bound. */
  max: number;
}

/** The rules, counts and uniqueness of a config, resolved against its layer set. */
export interface RuleSet {
  /** The config file, as messages name it. */
  source: string;
  rules: CompiledRule[];
  clauses: RuleSetClause[];
  /** Per layer: whether it counts for uniqueness (uniqueness.layers, else the layer's countsForUniqueness). */
  unique: boolean[];
  /** One per bounded trait (a wildcard gives one per trait of its layer), bounds of several entries intersected. */
  bounds: CountBound[];
  /** Every two tokens differ in at least this many unique layers (1: they differ at all). */
  minDifferences: number;
  /** Traits the rules leave no token for, with the rule (index) after which none is left. */
  removed: Array<{ layer: number; trait: number; rule: number }>;
}

/** A layer set whose config has rules or counts: planCollection plans it with the rule planner. */
export interface RuledLayerSet extends LayerSet {
  ruleSet: RuleSet;
}

export function hasRules(layerSet: LayerSet): layerSet is RuledLayerSet {
  return (layerSet as Partial<RuledLayerSet>).ruleSet !== undefined;
}

/** What analyzeRules makes of a config's rules: the rule set where nothing is wrong, and every problem. */
export interface RuleAnalysis {
  ruleSet: RuleSet | undefined;
  problems: TraitloomProblem[];
  warnings: string[];
}

function quote(ids: readonly string[], join: string): string {
  return ids.map((id) => `"${id}"`).join(join);
}

function asList(x: string | readonly string[]): readonly string[] {
  return typeof x === "string" ? [x] : x;
}

function ruleLabel(index: number, rule: RuleConfig): string {
  let text: string;
  if ("never" in rule) {
    const others = asList(rule.never[1]);
    text = `never "${rule.never[0]}" with ${others.length > 1 ? `any of ${quote(others, ", ")}` : quote(others, "")}`;
  } else if ("only" in rule) text = `only "${rule.only}" with ${quote(asList(rule.with), " or ")}`;
  else if ("always" in rule) text = `always ${quote(rule.always, ", ")} together`;
  else text = `if "${rule.if}" then ${quote(asList(rule.then), " and ")}`;
  return `rules[${index}] (${text})`;
}

/** The ids of a rule with their config paths, subject first. */
function idsOf(rule: RuleConfig): Array<{ id: string; path: string }> {
  const list = (key: string, x: string | readonly string[], at: string): Array<{ id: string; path: string }> =>
    typeof x === "string" ? [{ id: x, path: `${at}.${key}` }] : x.map((id, i) => ({ id, path: `${at}.${key}[${i}]` }));
  if ("never" in rule) {
    const second = rule.never[1];
    return [
      { id: rule.never[0], path: ".never[0]" },
      ...(typeof second === "string" ? [{ id: second, path: ".never[1]" }] : second.map((id, i) => ({ id, path: `.never[1][${i}]` }))),
    ];
  }
  if ("only" in rule) return [{ id: rule.only, path: ".only" }, ...list("with", rule.with, "")];
  if ("always" in rule) return list("always", rule.always, "");
  return [{ id: rule.if, path: ".if" }, ...list("then", rule.then, "")];
}

/** Refs on the same layer merged into one (their traits together), in first-seen order. */
function byLayer(refs: readonly TraitRef[]): TraitRef[] {
  const out: TraitRef[] = [];
  for (const r of refs) {
    const same = out.find((o) => o.layer === r.layer);
    if (same) {
      same.id = `${same.id}, ${r.id}`;
      for (const t of r.traits) if (!same.traits.includes(t)) same.traits.push(t);
    } else out.push({ id: r.id, layer: r.layer, traits: [...r.traits] });
  }
  return out;
}

function membership(layers: readonly Layer[], layer: number, traits: readonly number[], negate: boolean): Uint8Array {
  const n = layers[layer]?.traits.length ?? 0;
  const m = new Uint8Array(n).fill(negate ? 1 : 0);
  for (const t of traits) m[t] = negate ? 0 : 1;
  return m;
}

/** A clause from literals (layer, allowed set), literals on one layer united. */
function clause(rule: number, literals: Array<{ layer: number; allowed: Uint8Array }>): RuleSetClause {
  const layers: number[] = [];
  const allowed: Uint8Array[] = [];
  for (const lit of literals) {
    const at = layers.indexOf(lit.layer);
    if (at >= 0) {
      const m = allowed[at] as Uint8Array;
      lit.allowed.forEach((x, t) => (m[t] = (m[t] ?? 0) | x));
    } else {
      layers.push(lit.layer);
      allowed.push(Uint8Array.from(lit.allowed));
    }
  }
  return { layers, allowed, rule };
}

function compileRule(layers: readonly Layer[], index: number, kind: RuleKind, refs: TraitRef[]): { rule: CompiledRule; clauses: RuleSetClause[] } {
  const not = (r: TraitRef): { layer: number; allowed: Uint8Array } => ({ layer: r.layer, allowed: membership(layers, r.layer, r.traits, true) });
  const is = (r: TraitRef): { layer: number; allowed: Uint8Array } => ({ layer: r.layer, allowed: membership(layers, r.layer, r.traits, false) });
  const clauses: RuleSetClause[] = [];
  const [subject, ...others] = refs as [TraitRef, ...TraitRef[]];
  let groups: TraitRef[];
  switch (kind) {
    case "never":
      groups = byLayer(others);
      for (const g of groups) clauses.push(clause(index, [not(subject), not(g)]));
      break;
    case "only":
      groups = byLayer(others);
      clauses.push(clause(index, [not(subject), ...groups.map(is)]));
      break;
    case "if":
      groups = byLayer(others);
      for (const g of groups) clauses.push(clause(index, [not(subject), is(g)]));
      break;
    case "always":
      groups = refs;
      for (let k = 0; k + 1 < refs.length; k++) {
        const a = refs[k] as TraitRef;
        const b = refs[k + 1] as TraitRef;
        clauses.push(clause(index, [not(a), is(b)]), clause(index, [not(b), is(a)]));
      }
      break;
  }
  return { rule: { index, kind, label: "", refs, groups }, clauses };
}

/**
 * The clauses of config rules on a layer set, without the checks analyzeRules adds (a rule no token keeps gives
 * a clause nothing satisfies). Throws on an unknown id. For tests and tools that count rules as written.
 */
export function compileRuleClauses(layers: readonly Layer[], rules: readonly RuleConfig[]): RuleSetClause[] {
  return rules.flatMap((rule, index) => {
    const refs = idsOf(rule).map(({ id }) => {
      const r = resolveTraitId(layers, id);
      if (!r.ok) throw new Error(`rules[${index}]: ${r.detail}`);
      return r.ref;
    });
    return compileRule(layers, index, kindOf(rule), refs).clauses;
  });
}

function kindOf(rule: RuleConfig): RuleKind {
  return "never" in rule ? "never" : "only" in rule ? "only" : "always" in rule ? "always" : "if";
}

/** Per layer, the traits a token may have: weight > 0 or a count that asks for it, and no count of at most 0. */
export function domainsOf(layers: readonly Layer[], bounds: readonly CountBound[]): number[][] {
  return layers.map((layer) =>
    layer.traits
      .filter((t) => {
        const b = bounds.find((x) => x.layer === layer.index && x.trait === t.index);
        if (b && b.max === 0) return false;
        return t.weight > 0 || (b !== undefined && b.min > 0);
      })
      .map((t) => t.index),
  );
}

/** The counting model of a rule set, with the clauses of the rules `keep` says (all by default). */
export function countModelOf(layers: readonly Layer[], ruleSet: Pick<RuleSet, "clauses" | "unique" | "bounds">, keep?: (rule: number) => boolean): CountModel {
  return {
    traitCounts: layers.map((l) => l.traits.length),
    domains: domainsOf(layers, ruleSet.bounds),
    clauses: keep ? ruleSet.clauses.filter((c) => keep(c.rule)) : ruleSet.clauses,
    unique: ruleSet.unique,
  };
}

/** The indices of the rules a token breaks (traits: one per layer), in order; empty where it keeps them all. */
export function brokenRules(ruleSet: Pick<RuleSet, "clauses">, traits: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (const c of ruleSet.clauses) {
    let ok = false;
    for (let k = 0; k < c.layers.length && !ok; k++) if (c.allowed[k]?.[traits[c.layers[k] ?? 0] ?? 0]) ok = true;
    if (!ok && !out.includes(c.rule)) out.push(c.rule);
  }
  return out.sort((a, b) => a - b);
}

/** How `rules[i]` is named in messages, e.g. `rules[3] (only "Eyes/Laser" with "Body/Gold")`. */
export function describeRule(ruleSet: Pick<RuleSet, "rules">, index: number): string {
  return ruleSet.rules.find((r) => r.index === index)?.label ?? `rules[${index}]`;
}

/** The exact number of unique combinations the rules allow, as a BigInt. */
export function ruleCapacity(layerSet: RuledLayerSet): bigint {
  return countCombinations(countModelOf(layerSet.layers, layerSet.ruleSet));
}

/**
 * Reads the `rules`, `counts` and `uniqueness` of a config against its layer set and lists every problem instead
 * of stopping at the first, as analyzeLayers does for files. Unknown ids are errors naming the rule and
 * suggesting the nearest id. Then, by exact counting:
 * - a rule after which no token at all is left is an error (the config is unusable), naming the rule;
 * - a rule that leaves no token for some trait is a warning naming the rule and the trait (the trait is left
 *   out and its share goes to the other traits of its layer), and an error where `counts` asks for that trait;
 * - a rule no token can break (`never` of two traits of one layer) is a warning: it does nothing.
 *
 * @example
 * const { ruleSet, problems, warnings } = analyzeRules(layerSet, config);
 * // problems[0].message: 'traitloom.json: rules[3].never[1]: expected a trait id such as "Hat/Crown", found "Hat/Crwn"; did you mean "Hat/Crown"?'
 */
export function analyzeRules(layerSet: LayerSet, spec: RuleSpec, source = "traitloom.json"): RuleAnalysis {
  const layers = layerSet.layers;
  const out: RuleAnalysis = { ruleSet: undefined, problems: [], warnings: [] };
  const bad = (path: string, detail: string): void => void out.problems.push(problem("BAD_CONFIG", `${source}: ${path}`, detail));

  let unique = layers.map((l) => l.countsForUniqueness);
  const uniqueLayers = spec.uniqueness?.layers;
  if (uniqueLayers) {
    unique = layers.map(() => false);
    uniqueLayers.forEach((name, i) => {
      const r = resolveLayerName(layers, name);
      if (r.ok) unique[r.layer] = true;
      else bad(`uniqueness.layers[${i}]`, r.detail);
    });
  }

  const rules: CompiledRule[] = [];
  const clauses: RuleSetClause[] = [];
  (spec.rules ?? []).forEach((rule, index) => {
    const refs: TraitRef[] = [];
    for (const { id, path } of idsOf(rule)) {
      const r = resolveTraitId(layers, id);
      if (r.ok) refs.push(r.ref);
      else bad(`rules[${index}]${path}`, r.detail);
    }
    if (refs.length !== idsOf(rule).length) return;
    const compiled = compileRule(layers, index, kindOf(rule), refs);
    compiled.rule.label = ruleLabel(index, rule);
    rules.push(compiled.rule);
    clauses.push(...compiled.clauses);
  });

  const bounds: CountBound[] = [];
  for (const [id, value] of Object.entries(spec.counts ?? {})) {
    const path = `counts[${JSON.stringify(id)}]`;
    const r = resolveTraitId(layers, id);
    if (!r.ok) {
      bad(path, r.detail);
      continue;
    }
    const min = typeof value === "number" ? value : (value.min ?? 0);
    const max = typeof value === "number" ? value : (value.max ?? Infinity);
    for (const trait of r.ref.traits) {
      const b = bounds.find((x) => x.layer === r.ref.layer && x.trait === trait);
      if (!b) {
        bounds.push({ path, layer: r.ref.layer, trait, min, max });
        continue;
      }
      b.min = Math.max(b.min, min);
      b.max = Math.min(b.max, max);
      if (b.min > b.max) {
        bad(path, `expected a count that ${b.path} allows too, found bounds ${b.min} > ${b.max} for "${layers[r.ref.layer]?.name}/${layers[r.ref.layer]?.traits[trait]?.name}"`);
      }
      b.path = `${b.path} and ${path}`;
    }
  }
  for (const b of bounds) {
    const trait = layers[b.layer]?.traits[b.trait];
    if (trait && trait.weight === 0 && b.min === 0 && b.max > 0) {
      out.warnings.push(`${source}: ${b.path}: "${layers[b.layer]?.name}/${trait.name}" has weight 0 and no minimum, so it is never chosen`);
    }
  }
  if (out.problems.length > 0) return out;

  const ruleSet: RuleSet = { source, rules, clauses, unique, bounds, minDifferences: spec.uniqueness?.minDifferences ?? 1, removed: [] };
  try {
    findImpossible(layers, ruleSet, out);
  } catch (e) {
    if (!(e instanceof RuleComplexityError)) throw e;
    bad("rules", `${e.message}; expected rules Traitloom can count exactly: split the tangle or drop some of its rules`);
  }
  if (out.problems.length === 0) out.ruleSet = ruleSet;
  return out;
}

/** The rules no token can break, after which no token is left, or after which a trait has none. */
function findImpossible(layers: readonly Layer[], ruleSet: RuleSet, out: RuleAnalysis): void {
  const { source } = ruleSet;
  const full = countModelOf(layers, ruleSet);
  const model = (upTo: number): CountModel => countModelOf(layers, ruleSet, (r) => r <= upTo);
  for (const rule of ruleSet.rules) {
    const own = ruleSet.clauses.filter((c) => c.rule === rule.index);
    if (own.every((c) => clauseAlwaysHolds(full, c))) {
      out.warnings.push(`${source}: ${rule.label}: no token can break it (its traits share a layer, and a token has one trait per layer, or are never chosen), so it does nothing`);
    }
  }
  const lastRule = ruleSet.rules.length > 0 ? Math.max(...ruleSet.rules.map((r) => r.index)) : -1;
  const support = supportAll(full);
  if (!support) {
    // The first rule after which no token is left.
    let lo = -1;
    let hi = lastRule;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (isSatisfiable(model(mid))) lo = mid;
      else hi = mid;
    }
    const alone = isSatisfiable(countModelOf(layers, ruleSet, (r) => r === hi));
    out.problems.push(
      problem(
        "BAD_CONFIG",
        `${source}: rules[${hi}]`,
        `${describeRule(ruleSet, hi)} ${alone ? "together with the rules before it leaves no token that keeps them all" : "can never be met: no token keeps it"}; expected rules that some token can keep`,
      ),
    );
    return;
  }
  // Which rule removes a trait: arc consistency rule by rule finds it cheaply where it can; exact counting over
  // the rules up to k (a binary search on k) where it cannot.
  const indices = [...new Set(ruleSet.clauses.map((c) => c.rule))].sort((a, b) => a - b);
  const byRule = indices.map((r) => ruleSet.clauses.filter((c) => c.rule === r));
  const pruned = new Map<string, number>();
  for (const p of pruneInOrder(full, byRule)) pruned.set(`${p.layer}:${p.trait}`, indices[p.group] ?? 0);
  const domains = domainsOf(layers, ruleSet.bounds);
  const prefixSupport = new Map<number, Uint8Array[] | undefined>();
  const supportedUpTo = (k: number, l: number, t: number): boolean => {
    if (!prefixSupport.has(k)) prefixSupport.set(k, supportAll(model(k)));
    return Boolean(prefixSupport.get(k)?.[l]?.[t]);
  };
  for (let l = 0; l < layers.length; l++) {
    for (const t of domains[l] ?? []) {
      if (support[l]?.[t]) continue;
      let hi: number = pruned.get(`${l}:${t}`) ?? -1;
      if (hi < 0) {
        let lo = -1;
        hi = lastRule;
        while (hi - lo > 1) {
          const mid: number = (lo + hi) >> 1;
          if (supportedUpTo(mid, l, t)) lo = mid;
          else hi = mid;
        }
      }
      ruleSet.removed.push({ layer: l, trait: t, rule: hi });
      const id = `${layers[l]?.name}/${layers[l]?.traits[t]?.name}`;
      const bound = ruleSet.bounds.find((b) => b.layer === l && b.trait === t && b.min > 0);
      const alone = supportAll(countModelOf(layers, ruleSet, (r) => r === hi))?.[l]?.[t];
      const why = alone ? "together with the rules before it leaves no token that can have" : "leaves no token that can have";
      if (bound) {
        out.problems.push(problem("BAD_CONFIG", `${source}: ${bound.path}`, `expected ${bound.min === bound.max ? bound.min : `at least ${bound.min}`} tokens with "${id}", but ${describeRule(ruleSet, hi)} ${why} it`));
      } else {
        out.warnings.push(`${source}: ${describeRule(ruleSet, hi)} ${why} "${id}": it is left out and its share goes to the other traits of ${layers[l]?.name}`);
      }
    }
  }
}

/**
 * The layer set with the config's rules, counts and uniqueness attached, for planCollection. Without rules or
 * counts it is the layer set itself (uniqueness.layers applied to its layers' countsForUniqueness), so such plans
 * are the planner's plans without rules, byte for byte. Problems throw one TraitloomError listing them all;
 * warnings are added to the layer set's warnings.
 *
 * @example const layerSet = withRules(buildLayerSet(listing, config), config); planCollection(layerSet, n, seed);
 */
export function withRules(layerSet: LayerSet, spec: RuleSpec & TokenEditSpec, source = "traitloom.json"): LayerSet | RuledLayerSet {
  // The config's re-rolls and bans (tokenEdits.ts) travel the same way, into the planner and the input hash.
  return withTokenEdits(withRulesOnly(layerSet, spec, source), spec, source);
}

function withRulesOnly(layerSet: LayerSet, spec: RuleSpec, source: string): LayerSet | RuledLayerSet {
  const active = (spec.rules?.length ?? 0) > 0 || Object.keys(spec.counts ?? {}).length > 0;
  if (!active && spec.uniqueness === undefined) return layerSet;
  const analysis = analyzeRules(layerSet, spec, source);
  if (!analysis.ruleSet) throw problemsError(`${source}: rules`, analysis.problems);
  const unique = analysis.ruleSet.unique;
  const layers = layerSet.layers.map((l) => (l.countsForUniqueness === unique[l.index] ? l : { ...l, countsForUniqueness: unique[l.index] ?? true }));
  const base: LayerSet = { ...layerSet, layers, warnings: [...layerSet.warnings, ...analysis.warnings] };
  const needsRules = active || analysis.ruleSet.minDifferences > 1;
  return needsRules ? { ...base, ruleSet: analysis.ruleSet } : base;
}

/**
 * The part of a ruled layer set that decides output besides its layers: the rules as written (their labels),
 * the counts and the uniqueness settings; undefined without rules. For the collection hashes (output.ts), so
 * a folder planned under other rules is not taken for the same collection.
 */
export function ruleFingerprint(layerSet: LayerSet): string | undefined {
  if (!hasRules(layerSet)) return undefined;
  const { rules, bounds, unique, minDifferences } = layerSet.ruleSet;
  return JSON.stringify({
    rules: rules.map((r) => r.label),
    counts: bounds.map((b) => [b.layer, b.trait, b.min, b.max === Infinity ? null : b.max]),
    unique,
    minDifferences,
  });
}

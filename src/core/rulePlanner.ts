/**
 * Planning under trait rules and fixed counts: planCollection comes here when the layer set has rules or
 * counts (withRules), and only then, so plans without them stay what they were.
 *
 * 1. Capacity: the exact number of unique combinations the rules allow (ruleCount.ts); asking for more fails at
 *    once with the number and the rules that cost the most combinations.
 * 2. Targets: per layer, fixed counts exact, bounded counts clamped, the rest shared by weight (water-filling),
 *    rounded to quotas within 1 of their share.
 * 3. Repair: quotas the rules make impossible are moved to the nearest counts each rule allows (a trait no
 *    token can have gives its share to its layer; `only A with B` lowers A to B's count; `if A then B` raises
 *    B to A's; `never A with B` lowers both to fit; `always` meets in the middle), fixed counts never moved;
 *    each move remembers its rule.
 * 4. Layout: each layer's quota in a seeded shuffled column, as the planner without rules does.
 * 5. Rules by swaps: a token breaking a rule swaps one layer's trait with another token, only where that breaks
 *    fewer rules in the two (counts stay exact); what swaps cannot mend moves to the nearest rule-keeping token
 *    (a walk that can always complete, ruleCount's Completer), which moves counts and is reported with the rule.
 * 6. Uniqueness by swaps that keep every rule, then ejection chains, then moves to free rule-keeping
 *    combinations, as the planner without rules does.
 * 7. Every token is checked against every rule, counts against `counts`; tokens shuffled by the seed.
 */
import { CollisionIndex } from "./collisions.js";
import { TraitloomError } from "./errors.js";
import type { Layer, LayerSet } from "./layers.js";
import { apportion, shuffleTokens } from "./placement.js";
import type { Deviation, Plan } from "./planner.js";
import { createRng, shuffleInPlace, type Rng } from "./rng.js";
import { Completer, countCombinations, countPerTrait, RuleComplexityError, type CountModel } from "./ruleCount.js";
import { brokenRules, countModelOf, describeRule, domainsOf, hasRules, ruleCapacity, type CompiledRule, type RuledLayerSet, type RuleSet, type TraitRef } from "./ruleModel.js";

/** Passes over the rules while repairing quotas; each pass moves only what some rule still needs. */
const REPAIR_PASSES = 40;
/** Random swap attempts per token breaking a rule, before a scan of partners. */
const RULE_SWAP_ATTEMPTS = 24;
/** Partners looked at per wanted trait in the scan after the random attempts. */
const RULE_SCAN_PARTNERS = 100;
/** Swaps, in all and per token of the collection, that may leave the partner breaking a rule (mended in its turn). */
const RULE_KICKS_PER_TOKEN = 0.05;
/** Partners the scans may look at in all, per token of the collection: tokens left after it move instead. */
const RULE_SCAN_BUDGET_PER_TOKEN = 5;
/** Attempts per colliding token to mend it by a rule-keeping swap (as the planner without rules). */
const SWAP_ATTEMPTS_PER_COLLISION = 200;
const KICK_BUDGET_PER_TOKEN = 2;
const KICK_PASS_MAX_SHARE = 0.1;
/** Up to this many rule-keeping combinations, the free ones are listed once for the tokens that must move. */
const FREE_LIST_MAX_COMBINATIONS = 4_000_000;
const FREE_LIST_SAMPLE = 64;
/** More stuck tokens than this, where the free combinations can be listed, go to the list first. */
const FREE_LIST_AFTER_STUCK = 256;
/** Random rule-keeping completions tried per stuck token before a full walk. */
const RANDOM_COMPLETIONS = 64;
/** Nodes of the search for the nearest rule-keeping token of one token that breaks a rule. */
const NEAREST_SEARCH_NODES = 20_000;
/** How many rules the capacity error names. */
const COSTLIEST_RULES = 3;

/** Per layer, per trait: the tokens that hold it, kept right through swaps and moves. */
class Holders {
  private readonly lists: number[][][];
  private readonly pos: Int32Array[];

  constructor(columns: readonly Uint16Array[], traitCounts: readonly number[]) {
    this.lists = traitCounts.map((n) => Array.from({ length: n }, () => [] as number[]));
    this.pos = columns.map((col, l) => {
      const pos = new Int32Array(col.length);
      const lists = this.lists[l] as number[][];
      for (let i = 0; i < col.length; i++) {
        const list = lists[col[i] ?? 0] as number[];
        pos[i] = list.length;
        list.push(i);
      }
      return pos;
    });
  }

  count(l: number, t: number): number {
    return this.lists[l]?.[t]?.length ?? 0;
  }

  at(l: number, t: number, k: number): number {
    return this.lists[l]?.[t]?.[k] ?? 0;
  }

  pick(l: number, t: number, rng: Rng): number {
    const list = this.lists[l]?.[t] as number[];
    return list[rng.int(list.length)] ?? 0;
  }

  /** Records that token i's trait on layer l changed from `from` to `to`. */
  move(l: number, i: number, from: number, to: number): void {
    if (from === to) return;
    const pos = this.pos[l] as Int32Array;
    const src = this.lists[l]?.[from] as number[];
    const at = pos[i] ?? 0;
    const last = src.pop() as number;
    if (last !== i) {
      src[at] = last;
      pos[last] = at;
    }
    const dst = this.lists[l]?.[to] as number[];
    pos[i] = dst.length;
    dst.push(i);
  }
}

/** What the planning steps share. */
interface Board {
  layers: readonly Layer[];
  ruleSet: RuleSet;
  N: number;
  L: number;
  columns: Uint16Array[];
  holders: Holders;
  /** clausesOf[l]: the clauses that name layer l. */
  clausesOf: number[][];
  /** Per layer: the traits a token may have (domain minus what the rules remove). */
  domain: number[][];
  /** counts[l][t] now; quota, lo, hi: what they aim at and must stay within. */
  counts: number[][];
  quota: number[][];
  lo: number[][];
  hi: number[][];
  /** Per layer, per trait: how much each rule (by index) moved it, in quotas or in tokens; uniqueness under UNIQUENESS. */
  movedBy: Array<Array<Map<number, number>>>;
  rng: Rng;
}

/** The key movedBy records moves made for uniqueness under (rules are their index, from 0). */
const UNIQUENESS = -1;

/** Records that one token moved from trait `from` to `to` on layer l, for `rule` (or UNIQUENESS). */
function recordMove(board: Board, l: number, from: number, to: number, rule: number): void {
  for (const t of [from, to]) {
    const m = board.movedBy[l]?.[t] as Map<number, number>;
    m.set(rule, (m.get(rule) ?? 0) + 1);
  }
}

function clauseHolds(board: Board, c: number, token: number): boolean {
  const clause = board.ruleSet.clauses[c];
  if (!clause) return true;
  for (let k = 0; k < clause.layers.length; k++) {
    const l = clause.layers[k] ?? 0;
    if (clause.allowed[k]?.[board.columns[l]?.[token] ?? 0]) return true;
  }
  return false;
}

/** How many of the clauses naming layer l the token breaks. */
function brokenOn(board: Board, l: number, token: number): number {
  let n = 0;
  for (const c of board.clausesOf[l] ?? []) if (!clauseHolds(board, c, token)) n++;
  return n;
}

function brokenClauses(board: Board, token: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < board.ruleSet.clauses.length; c++) if (!clauseHolds(board, c, token)) out.push(c);
  return out;
}

/**
 * out[t]: how many of the clauses naming layer l token i would break with trait t there, its other traits as they
 * are. Only the clauses no other layer of the token satisfies can break, so the cost is those times the domain.
 */
function missesOn(board: Board, l: number, i: number, out: Int32Array): Int32Array {
  out.fill(0);
  for (const c of board.clausesOf[l] ?? []) {
    const clause = board.ruleSet.clauses[c];
    if (!clause) continue;
    let here = -1;
    let elsewhere = false;
    for (let k = 0; k < clause.layers.length && !elsewhere; k++) {
      const lk = clause.layers[k] ?? 0;
      if (lk === l) here = k;
      else if (clause.allowed[k]?.[board.columns[lk]?.[i] ?? 0]) elsewhere = true;
    }
    if (elsewhere) continue;
    const allowed = here >= 0 ? (clause.allowed[here] as Uint8Array) : undefined;
    for (const t of board.domain[l] ?? []) if (!allowed?.[t]) out[t] = (out[t] ?? 0) + 1;
  }
  return out;
}

function traitId(layers: readonly Layer[], l: number, t: number): string {
  return `${layers[l]?.name}/${layers[l]?.traits[t]?.name}`;
}

function boundPath(ruleSet: RuleSet, l: number, t: number): string | undefined {
  return ruleSet.bounds.find((b) => b.layer === l && b.trait === t)?.path;
}

/** Rules that name a trait of layer l (or, with `trait`, that trait), for messages. */
function rulesNaming(ruleSet: RuleSet, l: number, trait?: number): CompiledRule[] {
  return ruleSet.rules.filter((r) => r.refs.some((ref) => ref.layer === l && (trait === undefined || ref.traits.includes(trait))));
}

function countsError(detail: string): TraitloomError {
  return new TraitloomError("CAPACITY", detail);
}

// ---- 1. capacity ----------------------------------------------------------------------------------------------

function checkCapacity(layerSet: RuledLayerSet, model: CountModel, N: number): bigint {
  const { layers, ruleSet } = layerSet;
  let capacity: bigint;
  try {
    capacity = countCombinations(model);
  } catch (e) {
    if (e instanceof RuleComplexityError) throw new TraitloomError("BAD_CONFIG", `${ruleSet.source}: rules: ${e.message}; expected rules Traitloom can count exactly`);
    throw e;
  }
  if (BigInt(N) <= capacity) return capacity;
  const plain = countCombinations({ ...model, clauses: [] });
  const costs = ruleSet.rules
    .map((r) => ({ rule: r, without: countCombinations(countModelOf(layers, ruleSet, (i) => i !== r.index)) }))
    .filter((c) => c.without > capacity)
    .sort((a, b) => (b.without > a.without ? 1 : b.without < a.without ? -1 : a.rule.index - b.rule.index))
    .slice(0, COSTLIEST_RULES);
  const named = costs.map((c) => `${c.rule.label} (without it: ${c.without})`).join(", ");
  const factors = layers
    .filter((l) => ruleSet.unique[l.index])
    .map((l) => `${l.name} ${domainsOf(layers, ruleSet.bounds)[l.index]?.length ?? 0}`)
    .join(" × ");
  throw new TraitloomError(
    "CAPACITY",
    `asked for ${N} tokens but the layers and rules allow only ${capacity} unique combinations (the layers alone: ${plain}, ${factors || "no layer counts for uniqueness"})` +
      `${named ? `; the rules that cost the most: ${named}` : ""}: add traits, drop rules or lower the count`,
  );
}

// ---- 2. targets -------------------------------------------------------------------------------------------------

interface Targets {
  expected: number[][];
  base: number[][];
  lo: number[][];
  hi: number[][];
}

/**
 * Per layer: expected shares (fixed counts as given, bounded ones clamped, the rest of the tokens by weight) and
 * quotas within 1 of them. A layer without counts is apportioned exactly as the planner without rules does.
 */
function targetsOf(layers: readonly Layer[], ruleSet: RuleSet, domains: readonly (readonly number[])[], N: number, rng: Rng): Targets {
  const out: Targets = { expected: [], base: [], lo: [], hi: [] };
  for (const layer of layers) {
    const l = layer.index;
    const n = layer.traits.length;
    const inDomain = new Uint8Array(n);
    for (const t of domains[l] ?? []) inDomain[t] = 1;
    const lo = new Array<number>(n).fill(0);
    const hi = layer.traits.map((t) => (inDomain[t.index] ? Infinity : 0));
    const bounds = ruleSet.bounds.filter((b) => b.layer === l);
    for (const b of bounds) {
      lo[b.trait] = inDomain[b.trait] ? b.min : 0;
      hi[b.trait] = inDomain[b.trait] ? b.max : 0;
    }
    const weights = layer.traits.map((t) => (inDomain[t.index] ? t.weight : 0));
    out.lo.push(lo);
    out.hi.push(hi);
    if (bounds.length === 0) {
      const sum = layer.traits.reduce((a, t) => a + t.weight, 0);
      out.expected.push(layer.traits.map((t) => (N * t.weight) / sum));
      out.base.push(apportion(N, layer.traits.map((t) => t.weight), rng));
      continue;
    }
    const minSum = lo.reduce((a, b) => a + b, 0);
    const maxSum = hi.reduce((a, b, t) => a + (b === Infinity && (weights[t] ?? 0) === 0 ? lo[t] ?? 0 : b), 0);
    const named = bounds.map((b) => `${b.path} ${b.min === b.max ? b.min : `${b.min}..${b.max === Infinity ? "" : b.max}`}`).join(", ");
    if (minSum > N) throw countsError(`${ruleSet.source}: counts ask for at least ${minSum} tokens on layer ${layer.name} (${named}), but the collection has ${N}: lower the counts or raise the count`);
    if (maxSum < N) throw countsError(`${ruleSet.source}: counts allow at most ${maxSum} tokens on layer ${layer.name} (${named}), but the collection has ${N}: give another trait of ${layer.name} a weight, or raise the counts`);
    const share = (lambda: number): number[] => weights.map((w, t) => Math.min(hi[t] ?? 0, Math.max(lo[t] ?? 0, lambda * w)));
    const total = (lambda: number): number => share(lambda).reduce((a, b) => a + b, 0);
    let top = 1;
    while (total(top) < N && top < 1e300) top *= 2;
    let bottom = 0;
    for (let k = 0; k < 200; k++) {
      const mid = (bottom + top) / 2;
      if (total(mid) < N) bottom = mid;
      else top = mid;
    }
    const expected = share(top).map((e) => (Number.isFinite(e) ? e : 0));
    out.expected.push(expected);
    out.base.push(roundWithin(expected, lo, hi, N, rng));
  }
  return out;
}

/** Whole counts within 1 of `exact`, within [lo, hi], summing to `total`: largest remainder, ties by the seed. */
function roundWithin(exact: readonly number[], lo: readonly number[], hi: readonly number[], total: number, rng: Rng): number[] {
  const q = exact.map((e, t) => Math.min(hi[t] ?? 0, Math.max(lo[t] ?? 0, Math.floor(e + 1e-9))));
  let left = total - q.reduce((a, b) => a + b, 0);
  const order = shuffleInPlace(
    exact.map((_, t) => t),
    rng,
  );
  order.sort((a, b) => (exact[b] ?? 0) - (q[b] ?? 0) - ((exact[a] ?? 0) - (q[a] ?? 0)));
  for (let guard = 0; left !== 0 && guard < 4 * total + 8; guard++) {
    let moved = false;
    for (const t of left > 0 ? order : [...order].reverse()) {
      if (left > 0 && (q[t] ?? 0) < (hi[t] ?? 0)) {
        q[t] = (q[t] ?? 0) + 1;
        left--;
        moved = true;
      } else if (left < 0 && (q[t] ?? 0) > (lo[t] ?? 0)) {
        q[t] = (q[t] ?? 0) - 1;
        left++;
        moved = true;
      }
      if (left === 0) break;
    }
    if (!moved) break;
  }
  return q;
}

// ---- 3. repair --------------------------------------------------------------------------------------------------

/** The quotas being repaired, with the moves each rule made. */
class Quotas {
  constructor(
    private readonly board: Board,
    private readonly weights: readonly (readonly number[])[],
  ) {}

  total(ref: Pick<TraitRef, "layer" | "traits">): number {
    const q = this.board.quota[ref.layer] ?? [];
    let s = 0;
    for (const t of ref.traits) s += q[t] ?? 0;
    return s;
  }

  /** The totals the set can reach: its own bounds, and what the rest of its layer must keep or can take. */
  range(ref: Pick<TraitRef, "layer" | "traits">): [number, number] {
    const { lo, hi, domain, N } = this.board;
    const inSet = new Set(ref.traits);
    let minS = 0;
    let maxS = 0;
    let minO = 0;
    let maxO = 0;
    for (const t of domain[ref.layer] ?? []) {
      if (inSet.has(t)) {
        minS += lo[ref.layer]?.[t] ?? 0;
        maxS += hi[ref.layer]?.[t] ?? 0;
      } else {
        minO += lo[ref.layer]?.[t] ?? 0;
        maxO += hi[ref.layer]?.[t] ?? 0;
      }
    }
    return [Math.max(minS, N - maxO), Math.min(maxS, N - minO)];
  }

  pinned(ref: Pick<TraitRef, "layer" | "traits">): boolean {
    const [a, b] = this.range(ref);
    return a === b;
  }

  /** Moves the set's total toward `target`, the difference to or from the rest of its layer by weight. */
  shift(ref: Pick<TraitRef, "layer" | "traits">, target: number, rule: number): boolean {
    const { domain } = this.board;
    const l = ref.layer;
    const [min, max] = this.range(ref);
    const goal = Math.min(max, Math.max(min, Math.round(target)));
    const delta = goal - this.total(ref);
    if (delta === 0) return false;
    const inSet = new Set(ref.traits.filter((t) => domain[l]?.includes(t)));
    const set = [...inSet];
    const others = (domain[l] ?? []).filter((t) => !inSet.has(t));
    const [up, down] = delta > 0 ? [set, others] : [others, set];
    const amount = Math.abs(delta);
    this.give(l, up, amount, rule);
    this.give(l, down, -amount, rule);
    return true;
  }

  /** Takes a trait the rules remove out: its quota goes to the other traits of its layer by weight. */
  clear(l: number, t: number, rule: number): void {
    const q = this.board.quota[l] as number[];
    const amount = q[t] ?? 0;
    this.board.lo[l]![t] = 0;
    this.board.hi[l]![t] = 0;
    if (amount === 0) return;
    q[t] = 0;
    const m = this.board.movedBy[l]?.[t] as Map<number, number>;
    m.set(rule, (m.get(rule) ?? 0) + amount);
    this.give(
      l,
      (this.board.domain[l] ?? []).filter((x) => x !== t),
      amount,
      rule,
    );
  }

  /** Adds (or takes, amount < 0) `amount` over the traits by weight, within their bounds. */
  private give(l: number, traits: readonly number[], amount: number, rule: number): void {
    const { quota, lo, hi, movedBy } = this.board;
    const q = quota[l] as number[];
    const sign = Math.sign(amount);
    let left = Math.abs(amount);
    const room = (t: number): number => (sign > 0 ? (hi[l]?.[t] ?? 0) - (q[t] ?? 0) : (q[t] ?? 0) - (lo[l]?.[t] ?? 0));
    const weightOf = (t: number): number => Math.max(this.weights[l]?.[t] ?? 0, 1e-6);
    const record = (t: number, d: number): void => {
      q[t] = (q[t] ?? 0) + sign * d;
      const m = movedBy[l]?.[t] as Map<number, number>;
      m.set(rule, (m.get(rule) ?? 0) + d);
    };
    while (left > 0) {
      const open = traits.filter((t) => room(t) > 0);
      if (open.length === 0) break;
      const W = open.reduce((a, t) => a + weightOf(t), 0);
      let given = 0;
      for (const t of open) {
        const d = Math.min(room(t), Math.floor((left * weightOf(t)) / W));
        if (d > 0) {
          record(t, d);
          given += d;
        }
      }
      if (given === 0) {
        const t = open.reduce((a, b) => (weightOf(b) > weightOf(a) ? b : a));
        record(t, 1);
        given = 1;
      }
      left -= given;
    }
  }
}

interface AlwaysClass {
  items: TraitRef[];
  rules: number[];
}

/** The `always` items tied together across rules (the same id in two rules joins their classes). */
function alwaysClasses(ruleSet: RuleSet): AlwaysClass[] {
  const key = (r: TraitRef): string => `${r.layer}:${[...r.traits].sort((a, b) => a - b).join(",")}`;
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let p = parent.get(k) ?? k;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    parent.set(k, p);
    return p;
  };
  const refs = new Map<string, TraitRef>();
  const ruleOf = new Map<string, number>();
  for (const rule of ruleSet.rules.filter((r) => r.kind === "always")) {
    const keys = rule.refs.map(key);
    rule.refs.forEach((r, i) => {
      refs.set(keys[i] as string, r);
      if (!ruleOf.has(keys[i] as string)) ruleOf.set(keys[i] as string, rule.index);
    });
    for (let i = 1; i < keys.length; i++) parent.set(find(keys[i] as string), find(keys[0] as string));
  }
  const classes = new Map<string, AlwaysClass>();
  for (const [k, r] of refs) {
    const root = find(k);
    const c = classes.get(root) ?? { items: [], rules: [] };
    c.items.push(r);
    const rule = ruleOf.get(k) ?? 0;
    if (!c.rules.includes(rule)) c.rules.push(rule);
    classes.set(root, c);
  }
  return [...classes.values()];
}

/** A rule's count condition that the quotas still break, for the error where fixed counts leave no way out. */
interface Unmet {
  rule: number;
  refs: TraitRef[];
}

/**
 * Moves quotas to counts each rule allows: the nearest such counts rule by rule, repeated while some rule still
 * needs a move (a move for one rule can break another's condition). Traits the rules remove give their share to
 * their layer first. Returns the conditions still unmet.
 */
function repairQuotas(board: Board, weights: readonly (readonly number[])[]): Unmet[] {
  const { ruleSet, N } = board;
  const quotas = new Quotas(board, weights);
  for (const r of ruleSet.removed) quotas.clear(r.layer, r.trait, r.rule);
  const classes = alwaysClasses(ruleSet);
  const check = (apply: boolean): Unmet[] => {
    const unmet: Unmet[] = [];
    for (const rule of ruleSet.rules) {
      const [a] = rule.refs as [TraitRef];
      const groups = rule.groups.filter((g) => g.layer !== a.layer);
      switch (rule.kind) {
        case "never":
          for (const g of groups) {
            const sa = quotas.total(a);
            const sg = quotas.total(g);
            if (sa + sg <= N) continue;
            if (!apply) {
              unmet.push({ rule: rule.index, refs: [a, g] });
              continue;
            }
            const x = sa + sg - N;
            const xa = Math.round((x * sa) / (sa + sg));
            quotas.shift(a, sa - xa, rule.index);
            quotas.shift(g, N - quotas.total(a), rule.index);
            if (quotas.total(a) + quotas.total(g) > N) quotas.shift(a, N - quotas.total(g), rule.index);
          }
          break;
        case "only": {
          if (groups.length === 0) break;
          const sb = groups.reduce((s, g) => s + quotas.total(g), 0);
          if (quotas.total(a) <= sb) break;
          if (!apply) {
            unmet.push({ rule: rule.index, refs: [a, ...groups] });
            break;
          }
          quotas.shift(a, sb, rule.index);
          for (const g of groups) {
            const need = quotas.total(a) - groups.reduce((s, h) => s + quotas.total(h), 0);
            if (need <= 0) break;
            quotas.shift(g, quotas.total(g) + need, rule.index);
          }
          break;
        }
        case "if":
          for (const g of groups) {
            if (quotas.total(g) >= quotas.total(a)) continue;
            if (!apply) {
              unmet.push({ rule: rule.index, refs: [a, g] });
              continue;
            }
            quotas.shift(g, quotas.total(a), rule.index);
            if (quotas.total(g) < quotas.total(a)) quotas.shift(a, quotas.total(g), rule.index);
          }
          break;
        case "always":
          break;
      }
    }
    for (const c of classes) {
      const totals = c.items.map((r) => quotas.total(r));
      if (totals.every((x) => x === totals[0])) continue;
      if (!apply) {
        unmet.push({ rule: c.rules[0] ?? 0, refs: c.items });
        continue;
      }
      let lo = 0;
      let hi = N;
      for (const r of c.items) {
        const [a, b] = quotas.range(r);
        lo = Math.max(lo, a);
        hi = Math.min(hi, b);
      }
      const pinned = c.items.find((r) => quotas.pinned(r));
      const mean = totals.reduce((s, x) => s + x, 0) / totals.length;
      const target = pinned ? quotas.total(pinned) : Math.min(hi, Math.max(lo, Math.round(mean)));
      const rule = c.rules[0] ?? 0;
      for (const r of c.items) quotas.shift(r, target, ruleSet.rules.find((x) => x.kind === "always" && x.refs.includes(r))?.index ?? rule);
    }
    return unmet;
  };
  for (let pass = 0; pass < REPAIR_PASSES; pass++) {
    if (check(false).length === 0) break;
    check(true);
  }
  return check(false);
}

// ---- 4. layout ---------------------------------------------------------------------------------------------------

/**
 * Lays out every layer's quota over the tokens, layer by layer in the completer's order: each token draws, in
 * proportion to what is left of each quota, among the traits that keep it completable to a rule-keeping token
 * (the most constrained tokens first). Counts are exact by construction; a token whose allowed traits have no
 * quota left takes another with quota left and breaks a rule, for the swaps after to mend.
 */
function layOutUnderRules(board: Board, completer: Completer): Uint16Array[] {
  const { N, L, rng } = board;
  const columns = board.quota.map(() => new Uint16Array(N));
  const token = new Int32Array(L).fill(-1);
  const done: number[] = [];
  const load = (i: number): void => {
    for (const l of done) token[l] = columns[l]?.[i] ?? 0;
  };
  for (const l of completer.order) {
    const left = [...(board.quota[l] ?? [])];
    const cache = new Map<number | string, number[]>();
    const candidatesOf: number[][] = new Array<number[]>(N);
    for (let i = 0; i < N; i++) {
      load(i);
      const key = completer.contextKey(l, token);
      let c = cache.get(key);
      if (!c) {
        c = completer.candidates(l, token).filter((t) => (board.quota[l]?.[t] ?? 0) > 0);
        cache.set(key, c);
      }
      candidatesOf[i] = c;
    }
    const order = shuffleInPlace(
      Array.from({ length: N }, (_, i) => i),
      rng,
    );
    order.sort((a, b) => (candidatesOf[a]?.length ?? 0) - (candidatesOf[b]?.length ?? 0));
    const all = (board.quota[l] ?? []).map((_, t) => t);
    const col = columns[l] as Uint16Array;
    // How many tokens still to place could take each trait: a trait whose quota left nears that number must be
    // taken by the tokens that can, or it ends on tokens that break a rule for it.
    const eligible = new Array<number>(all.length).fill(0);
    for (let i = 0; i < N; i++) for (const t of candidatesOf[i] ?? []) eligible[t] = (eligible[t] ?? 0) + 1;
    for (const i of order) {
      const own = candidatesOf[i] ?? [];
      let pick = -1;
      let total = 0;
      let urgent = 0;
      for (const t of own) {
        const n = left[t] ?? 0;
        if (n === 0) continue;
        const pressure = n / Math.max(1, eligible[t] ?? 0);
        if (pressure >= 1 && pressure > urgent) {
          urgent = pressure;
          pick = t;
        }
        total += pressure;
      }
      if (pick < 0 && total > 0) {
        // In proportion to quota left over the tokens left that could take it (proportional to the quota where
        // every token can take every trait, as without rules).
        let r = rng.next() * total;
        for (const t of own) {
          const n = left[t] ?? 0;
          if (n === 0) continue;
          r -= n / Math.max(1, eligible[t] ?? 0);
          pick = t;
          if (r < 0) break;
        }
      }
      if (pick < 0) {
        // No trait this token can keep a rule with has quota left: one that has, for the swaps to mend.
        let sum = 0;
        for (const t of all) sum += left[t] ?? 0;
        let r = rng.int(sum);
        for (const t of all) {
          const n = left[t] ?? 0;
          if (r < n) {
            pick = t;
            break;
          }
          r -= n;
        }
      }
      for (const t of own) eligible[t] = (eligible[t] ?? 0) - 1;
      col[i] = pick;
      left[pick] = (left[pick] ?? 0) - 1;
    }
    done.push(l);
  }
  return columns;
}

// ---- 5. rules by swaps ------------------------------------------------------------------------------------------

/** Partners tried per trait, in a swap mending a collision: the first that works is taken. */
const PARTNERS_PER_TRAIT = 8;
/** Partners tried per attempt to mend a broken rule, over the traits that would mend it. */
const PARTNERS_PER_ATTEMPT = 8;

/** Swaps that mend tokens breaking rules, counts unchanged; returns the tokens still breaking one. */
function mendRulesBySwaps(board: Board): number[] {
  const { N, columns, holders, rng, ruleSet } = board;
  const queue: number[] = [];
  for (let i = 0; i < N; i++) if (brokenClauses(board, i).length > 0) queue.push(i);
  const kickBudget = RULE_KICKS_PER_TOKEN * N;
  let kicks = 0;
  const scanBudget = RULE_SCAN_BUDGET_PER_TOKEN * N;
  let scanned = 0;
  /** Tries the swap of layer l between i and j; keeps it where the two break fewer clauses (or, as a kick, i does). */
  const trySwap = (l: number, i: number, j: number, kick: boolean): boolean => {
    const col = columns[l] as Uint16Array;
    const ti = col[i] ?? 0;
    const tj = col[j] ?? 0;
    if (ti === tj || i === j) return false;
    const bi = brokenOn(board, l, i);
    const bj = brokenOn(board, l, j);
    col[i] = tj;
    col[j] = ti;
    const ai = brokenOn(board, l, i);
    const aj = brokenOn(board, l, j);
    const better = ai + aj < bi + bj;
    const kicked = !better && kick && ai < bi && kicks < kickBudget;
    if (!better && !kicked) {
      col[i] = ti;
      col[j] = tj;
      return false;
    }
    holders.move(l, i, ti, tj);
    holders.move(l, j, tj, ti);
    if (kicked) kicks++;
    if (aj > 0) queue.push(j);
    return true;
  };
  const scratch = board.layers.map((l) => new Int32Array(l.traits.length));
  /** The traits of layer l that would leave token i breaking fewer of the layer's clauses, in seeded order. */
  const better = (l: number, i: number): number[] => {
    const ti = columns[l]?.[i] ?? 0;
    const misses = missesOn(board, l, i, scratch[l] as Int32Array);
    const before = misses[ti] ?? 0;
    const out: number[] = [];
    for (const t of board.domain[l] ?? []) if (t !== ti && (misses[t] ?? 0) < before && holders.count(l, t) > 0) out.push(t);
    return shuffleInPlace(out, rng);
  };
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q] ?? 0;
    let broken = brokenClauses(board, i);
    for (let attempt = 0; attempt < RULE_SWAP_ATTEMPTS && broken.length > 0; attempt++) {
      const clause = ruleSet.clauses[broken[rng.int(broken.length)] ?? 0];
      if (!clause) break;
      const l = clause.layers[rng.int(clause.layers.length)] ?? 0;
      const kick = attempt >= RULE_SWAP_ATTEMPTS / 2;
      const wanted = better(l, i);
      let swapped = false;
      // Partners among the holders of traits that mend the token, a few per attempt.
      for (let p = 0; p < PARTNERS_PER_ATTEMPT && !swapped && wanted.length > 0; p++) {
        const t = wanted[p % wanted.length] ?? 0;
        swapped = trySwap(l, i, holders.pick(l, t, rng), kick && p === PARTNERS_PER_ATTEMPT - 1);
      }
      if (swapped) broken = brokenClauses(board, i);
    }
    if (broken.length === 0 || scanned > scanBudget) continue;
    // A scan of partners, every layer of every broken clause, before the token is left to move.
    scan: for (const c of broken) {
      const clause = ruleSet.clauses[c];
      if (!clause) continue;
      for (const l of clause.layers) {
        for (const t of better(l, i)) {
          const n = holders.count(l, t);
          const start = rng.int(n);
          for (let s = 0; s < Math.min(n, RULE_SCAN_PARTNERS); s++) {
            scanned++;
            if (trySwap(l, i, holders.at(l, t, (start + s) % n), false)) {
              if (brokenClauses(board, i).length === 0) break scan;
              break;
            }
          }
        }
      }
    }
  }
  const left: number[] = [];
  for (let i = 0; i < N; i++) if (brokenClauses(board, i).length > 0) left.push(i);
  return left;
}

/** The change in how far counts sit from their quotas if one token takes trait t on layer l (its old trait taken off first). */
function traitCost(board: Board, l: number, t: number): number {
  const d = (board.counts[l]?.[t] ?? 0) - (board.quota[l]?.[t] ?? 0);
  return Math.abs(d + 1) - Math.abs(d);
}

/** Whether a token leaving `old` for `t` on layer l keeps every count within its bounds (its old trait already taken off). */
function withinBounds(board: Board, l: number, old: number, t: number): boolean {
  if (t === old) return true;
  if ((board.counts[l]?.[t] ?? 0) + 1 > (board.hi[l]?.[t] ?? 0)) return false;
  return (board.counts[l]?.[old] ?? 0) >= (board.lo[l]?.[old] ?? 0);
}

function takeOff(board: Board, token: ArrayLike<number>): void {
  for (let l = 0; l < board.L; l++) board.counts[l]![token[l] ?? 0]! -= 1;
}

function putOn(board: Board, token: ArrayLike<number>): void {
  for (let l = 0; l < board.L; l++) board.counts[l]![token[l] ?? 0]! += 1;
}

/**
 * A rule-keeping token near `current`: layers in the completer's order, each trying the token's own trait
 * first and then the traits that move counts the least, within the count bounds. `accept` may refuse a
 * finished token (a taken combination); the search then goes on, at most `nodes` steps.
 */
function nearestToken(
  board: Board,
  completer: Completer,
  current: ArrayLike<number>,
  nodes: number,
  accept: (token: Int32Array) => boolean,
  random = false,
  acceptDepth = completer.order.length,
): Int32Array | undefined {
  const order = completer.order;
  const token = new Int32Array(board.L).fill(-1);
  let budget = nodes;
  const options = (l: number): number[] => {
    const old = current[l] ?? 0;
    const list = completer.candidates(l, token).filter((t) => withinBounds(board, l, old, t));
    shuffleInPlace(list, board.rng);
    if (random) return list;
    const cost = new Map(list.map((t) => [t, t === old ? -Infinity : traitCost(board, l, t)]));
    return list.sort((a, b) => (cost.get(a) ?? 0) - (cost.get(b) ?? 0));
  };
  const walk = (d: number): boolean => {
    if (d === acceptDepth && !accept(token)) return false;
    if (d === order.length) return true;
    const l = order[d] ?? 0;
    for (const t of options(l)) {
      if (--budget < 0) return false;
      token[l] = t;
      if (walk(d + 1)) return true;
    }
    token[l] = -1;
    return false;
  };
  return walk(0) ? token : undefined;
}

/** Gives each token still breaking a rule the nearest rule-keeping token; counts move, each move named by its rule. */
function moveRuleBreakers(board: Board, completer: Completer, tokens: readonly number[]): void {
  const { columns, holders, ruleSet, layers } = board;
  for (const i of tokens) {
    const current = columns.map((c) => c[i] ?? 0);
    const broken = brokenRules(ruleSet, current);
    if (broken.length === 0) continue;
    takeOff(board, current);
    const next = nearestToken(board, completer, current, NEAREST_SEARCH_NODES, () => true);
    if (!next) {
      putOn(board, current);
      const pinned = current
        .map((t, l) => ({ l, t, path: boundPath(ruleSet, l, t) }))
        .filter((x) => x.path !== undefined)
        .map((x) => `${x.path} (${traitId(layers, x.l, x.t)})`);
      throw countsError(
        `${ruleSet.source}: counts and rules conflict: no token can keep ${broken.map((r) => describeRule(ruleSet, r)).join(", ")} within the counts${pinned.length ? ` ${pinned.join(", ")}` : ""}: loosen a count or a rule`,
      );
    }
    putOn(board, next);
    for (let l = 0; l < board.L; l++) {
      const from = current[l] ?? 0;
      const to = next[l] ?? 0;
      if (from === to) continue;
      (columns[l] as Uint16Array)[i] = to;
      holders.move(l, i, from, to);
      recordMove(board, l, from, to, broken[0] ?? 0);
    }
  }
}

// ---- 6. uniqueness ----------------------------------------------------------------------------------------------

interface Unique {
  index: CollisionIndex;
  /** The layer of each counting position u. */
  layerOf: number[];
}

/** Rule-keeping swaps mending collisions (as the planner without rules), with ejection chains after `kickBudget` > 0. */
function mendCollisions(board: Board, unique: Unique, tokens: readonly number[], kickBudget: number): void {
  const { index, layerOf } = unique;
  const { rng, holders, columns } = board;
  const swappable = layerOf.map((_, u) => u).filter((u) => (board.domain[layerOf[u] ?? 0]?.length ?? 0) > 1);
  const queue = [...tokens];
  let kicks = 0;
  const scratch = board.layers.map((x) => new Int32Array(x.traits.length));
  const attempts = Math.max(8, Math.ceil(SWAP_ATTEMPTS_PER_COLLISION / 10));
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q] ?? 0;
    if (!index.isShared(i)) continue;
    let mended = false;
    for (let attempt = 0; attempt < attempts && swappable.length > 0 && !mended; attempt++) {
      const kick = kicks < kickBudget && attempt >= attempts / 2;
      const u = swappable[rng.int(swappable.length)] ?? 0;
      const l = layerOf[u] ?? 0;
      const ti = index.traitOf(i, u);
      const col = columns[l] as Uint16Array;
      // The traits this token could take on the layer and keep every rule, free ones first.
      const free: number[] = [];
      const taken: number[] = [];
      const misses = missesOn(board, l, i, scratch[l] as Int32Array);
      for (const t2 of board.domain[l] ?? []) {
        if (t2 === ti || (misses[t2] ?? 0) > 0 || holders.count(l, t2) === 0) continue;
        const selfCollides = index.isTaken(index.keyWith(i, u, t2));
        if (selfCollides && !kick) continue;
        (selfCollides ? taken : free).push(t2);
      }
      for (const t2 of [...shuffleInPlace(free, rng), ...shuffleInPlace(taken, rng)]) {
        const selfCollides = taken.includes(t2);
        for (let p = 0; p < PARTNERS_PER_TRAIT && !mended; p++) {
          const j = holders.pick(l, t2, rng);
          const partnerCollides = index.isTaken(index.keyWith(j, u, ti));
          if ((partnerCollides && !kick) || (partnerCollides && selfCollides)) continue;
          col[j] = ti;
          const partnerKeeps = brokenOn(board, l, j) === 0;
          col[j] = t2;
          if (!partnerKeeps) continue;
          if (selfCollides || partnerCollides) {
            kicks++;
            queue.push(selfCollides ? i : j);
          }
          index.swap(u, i, j);
          holders.move(l, i, ti, t2);
          holders.move(l, j, t2, ti);
          mended = true;
        }
        if (mended) break;
      }
    }
  }
}

/** Attempts per token still colliding to mend it by exchanging two layers' traits with one partner. */
const PAIR_ATTEMPTS_PER_COLLISION = 60;

/** Writes combinations a (token i) and b (token j) on layers l1, l2 (counting positions u1, u2) into the columns. */
function setPair(columns: Uint16Array[], l1: number, l2: number, u1: number, u2: number, i: number, j: number, a: readonly number[], b: readonly number[]): void {
  (columns[l1] as Uint16Array)[i] = a[u1] ?? 0;
  (columns[l2] as Uint16Array)[i] = a[u2] ?? 0;
  (columns[l1] as Uint16Array)[j] = b[u1] ?? 0;
  (columns[l2] as Uint16Array)[j] = b[u2] ?? 0;
}

/**
 * Mends collisions that one-layer swaps cannot: the token and a partner exchange their traits on two layers at
 * once (counts unchanged), where both end free and keep every rule. Reaches free combinations two traits away,
 * which crowded corners of a ruled collection often leave as the only ones.
 */
function mendByPairs(board: Board, unique: Unique, tokens: readonly number[]): void {
  const { index, layerOf } = unique;
  const { rng, holders, columns, N } = board;
  const U = layerOf.length;
  if (U < 2) return;
  for (const i of tokens) {
    if (!index.isShared(i)) continue;
    let mended = false;
    for (let attempt = 0; attempt < PAIR_ATTEMPTS_PER_COLLISION && !mended; attempt++) {
      const j = rng.int(N);
      if (j === i) continue;
      const ci = index.comboOf(i);
      const cj = index.comboOf(j);
      const u1 = rng.int(U);
      if (ci[u1] === cj[u1]) continue;
      for (const u2 of shuffleInPlace(
        Array.from({ length: U }, (_, u) => u),
        rng,
      )) {
        if (u2 === u1 || ci[u2] === cj[u2]) continue;
        const ni = [...ci];
        const nj = [...cj];
        ni[u1] = cj[u1] ?? 0;
        ni[u2] = cj[u2] ?? 0;
        nj[u1] = ci[u1] ?? 0;
        nj[u2] = ci[u2] ?? 0;
        if (index.isTaken(index.keyOfCombo(ni)) || index.isTaken(index.keyOfCombo(nj))) continue;
        const l1 = layerOf[u1] ?? 0;
        const l2 = layerOf[u2] ?? 0;
        setPair(columns, l1, l2, u1, u2, i, j, ni, nj);
        const keeps = brokenOn(board, l1, i) + brokenOn(board, l2, i) + brokenOn(board, l1, j) + brokenOn(board, l2, j) === 0;
        setPair(columns, l1, l2, u1, u2, i, j, ci, cj);
        if (!keeps) continue;
        for (const [u, l] of [
          [u1, l1],
          [u2, l2],
        ] as const) {
          index.swap(u, i, j);
          holders.move(l, i, ci[u] ?? 0, cj[u] ?? 0);
          holders.move(l, j, cj[u] ?? 0, ci[u] ?? 0);
        }
        mended = true;
        break;
      }
    }
  }
}

/** Every rule-keeping combination of the unique layers that no token has, walked once in the completer's order. */
function listFreeCombinations(board: Board, completer: Completer, unique: Unique, limit: number): Int32Array[] {
  const free: Int32Array[] = [];
  const order = completer.order.filter((l) => board.ruleSet.unique[l]);
  const token = new Int32Array(board.L).fill(-1);
  let visited = 0;
  const walk = (d: number): void => {
    if (visited > limit) return;
    if (d === order.length) {
      visited++;
      const combo = unique.layerOf.map((l) => token[l] ?? 0);
      if (!unique.index.isTaken(unique.index.keyOfCombo(combo))) free.push(Int32Array.from(token));
      return;
    }
    const l = order[d] ?? 0;
    for (const t of completer.candidates(l, token)) {
      token[l] = t;
      walk(d + 1);
    }
    token[l] = -1;
  };
  walk(0);
  return free;
}

/** Gives each token that still shares its combination a free rule-keeping one, moving counts the least. */
function moveStuck(board: Board, completer: Completer, unique: Unique, capacity: bigint): void {
  const { index, layerOf } = unique;
  const { columns, holders } = board;
  const stuck = index.duplicates();
  if (stuck.length === 0) return;
  const listable = capacity <= BigInt(FREE_LIST_MAX_COMBINATIONS);
  let freeList: Int32Array[] | undefined;
  const scratch = layerOf.map(() => 0);
  const isFree = (token: ArrayLike<number>): boolean => {
    for (let u = 0; u < layerOf.length; u++) scratch[u] = token[layerOf[u] ?? 0] ?? 0;
    return !index.isTaken(index.keyOfCombo(scratch));
  };
  // The completer's order has the unique layers first: whether a combination is free is known after them.
  const uniqueDepth = completer.order.filter((l) => board.ruleSet.unique[l]).length;
  for (const i of stuck) {
    if (!index.isShared(i)) continue;
    const current = columns.map((c) => c[i] ?? 0);
    takeOff(board, current);
    // Many stuck tokens mean a crowded collection, where searching near each token mostly fails: the free
    // combinations are listed once and sampled instead (as the planner without rules does).
    let next: Int32Array | undefined;
    if (listable && stuck.length > FREE_LIST_AFTER_STUCK) {
      freeList ??= listFreeCombinations(board, completer, unique, FREE_LIST_MAX_COMBINATIONS);
      next = pickFromFreeList(board, completer, freeList, current, isFree);
    }
    next ??= nearestToken(board, completer, current, 4 * board.L * 64, isFree, false, uniqueDepth);
    for (let r = 0; !next && r < RANDOM_COMPLETIONS; r++) next = nearestToken(board, completer, current, 4 * board.L, isFree, true, uniqueDepth);
    if (!next && listable) {
      freeList ??= listFreeCombinations(board, completer, unique, FREE_LIST_MAX_COMBINATIONS);
      next = pickFromFreeList(board, completer, freeList, current, isFree);
    }
    if (!next) next = nearestToken(board, completer, current, Number.MAX_SAFE_INTEGER, isFree, true, uniqueDepth);
    if (!next) {
      putOn(board, current);
      // count <= capacity, so a free rule-keeping combination exists: only the count bounds can have ruled it out.
      const named = board.ruleSet.bounds.map((b) => b.path);
      throw countsError(
        `${board.ruleSet.source}: ${[...new Set(named)].join(", ") || "counts"}: no unique combination is left that keeps every count and rule for ${board.N} tokens: change a count, a rule or the count of tokens`,
      );
    }
    putOn(board, next);
    index.move(
      i,
      layerOf.map((l) => next[l] ?? 0),
    );
    for (let l = 0; l < board.L; l++) {
      const from = current[l] ?? 0;
      const to = next[l] ?? 0;
      if (from === to) continue;
      (columns[l] as Uint16Array)[i] = to;
      holders.move(l, i, from, to);
      recordMove(board, l, from, to, UNIQUENESS);
    }
  }
}

/** The cheapest of a seeded sample of the listed free combinations that the counts allow, completed on the other layers. */
function pickFromFreeList(
  board: Board,
  completer: Completer,
  free: Int32Array[],
  current: ArrayLike<number>,
  isFree: (token: ArrayLike<number>) => boolean,
): Int32Array | undefined {
  let best: Int32Array | undefined;
  let bestCost = Infinity;
  let bestAt = -1;
  for (let s = 0; s < Math.min(FREE_LIST_SAMPLE, free.length * 2) && free.length > 0; s++) {
    const at = board.rng.int(free.length);
    const combo = free[at] as Int32Array;
    if (!isFree(combo)) {
      // Taken since it was listed: out of the list, the last one moving into its place.
      const last = free.length - 1;
      free[at] = free[last] as Int32Array;
      free.pop();
      if (bestAt === last) bestAt = at;
      continue;
    }
    let cost = 0;
    let ok = true;
    for (let l = 0; l < board.L && ok; l++) {
      if (!board.ruleSet.unique[l]) continue;
      const t = combo[l] ?? 0;
      ok = withinBounds(board, l, current[l] ?? 0, t);
      cost += t === current[l] ? 0 : traitCost(board, l, t);
    }
    if (ok && cost < bestCost) {
      bestCost = cost;
      best = combo;
      bestAt = at;
    }
  }
  if (!best) return undefined;
  // The unique layers as listed, the others nearest to the token's own.
  const pinned = best;
  const token = nearestToken(board, completer, mixed(board, pinned, current), board.L * 64, (t) => board.ruleSet.unique.every((u, l) => !u || t[l] === pinned[l]));
  if (token) {
    free[bestAt] = free[free.length - 1] as Int32Array;
    free.pop();
  }
  return token;
}

function mixed(board: Board, combo: Int32Array, current: ArrayLike<number>): number[] {
  return Array.from({ length: board.L }, (_, l) => (board.ruleSet.unique[l] ? (combo[l] ?? 0) : (current[l] ?? 0)));
}

// ---- minDifferences ----------------------------------------------------------------------------------------------

/** Most subsets of unique layers minDifferences may have to compare (C(unique layers, minDifferences - 1)). */
const MAX_DIFFERENCE_SUBSETS = 512;

function subsetsOf(n: number, size: number): number[][] {
  const out: number[][] = [];
  const pick = (from: number, acc: number[]): void => {
    if (acc.length === size) {
      out.push([...acc]);
      return;
    }
    for (let u = from; u < n; u++) pick(u + 1, [...acc, u]);
  };
  pick(0, []);
  return out;
}

/**
 * Two tokens closer than k layers agree on the unique layers outside some k-1 of them: one key per such subset
 * (the combination with those layers blanked) finds every close pair, exactly.
 */
class CloseIndex {
  readonly subsets: number[][];
  private readonly maps: Array<Map<string, number>>;

  constructor(uniqueLayers: number, k: number) {
    this.subsets = subsetsOf(uniqueLayers, k - 1);
    this.maps = this.subsets.map(() => new Map<string, number>());
  }

  private key(combo: ArrayLike<number>, s: number): string {
    const blank = this.subsets[s] as number[];
    let key = "";
    for (let u = 0; u < combo.length; u++) key += blank.includes(u) ? "*," : `${combo[u] ?? 0},`;
    return key;
  }

  add(combo: ArrayLike<number>, by: number): void {
    this.maps.forEach((m, s) => {
      const k = this.key(combo, s);
      const n = (m.get(k) ?? 0) + by;
      if (n <= 0) m.delete(k);
      else m.set(k, n);
    });
  }

  /** Whether the combination has another token (`self` of its own holders not counted) within k-1 layers. */
  isClose(combo: ArrayLike<number>, self: number): boolean {
    return this.maps.some((m, s) => (m.get(this.key(combo, s)) ?? 0) > self);
  }
}

/**
 * Every two tokens differ in at least `uniqueness.minDifferences` unique layers: tokens closer than that to
 * another move to the nearest rule-keeping combination that is not (counts move; reported as uniqueness moves).
 * The capacity under minDifferences is not counted (it is a code-distance problem, hard to count exactly): where
 * no such combination is found, the plan fails saying how many tokens could not be placed.
 */
function enforceMinDifferences(board: Board, completer: Completer, unique: Unique): void {
  const k = board.ruleSet.minDifferences;
  const { layerOf, index } = unique;
  if (k <= 1) return;
  const U = layerOf.length;
  if (k > U) throw new TraitloomError("BAD_CONFIG", `${board.ruleSet.source}: uniqueness.minDifferences: expected at most ${U} (the unique layers), found ${k}`);
  const subsets = subsetsOf(U, k - 1).length;
  if (subsets > MAX_DIFFERENCE_SUBSETS) {
    throw new TraitloomError("BAD_CONFIG", `${board.ruleSet.source}: uniqueness.minDifferences: ${k} over ${U} unique layers needs ${subsets} comparisons per token; expected at most ${MAX_DIFFERENCE_SUBSETS}`);
  }
  const close = new CloseIndex(U, k);
  const comboOf = (i: number): number[] => layerOf.map((l) => board.columns[l]?.[i] ?? 0);
  for (let i = 0; i < board.N; i++) close.add(comboOf(i), 1);
  const uniqueDepth = completer.order.filter((l) => board.ruleSet.unique[l]).length;
  let failed = 0;
  for (let i = 0; i < board.N; i++) {
    const combo = comboOf(i);
    if (!close.isClose(combo, 1)) continue;
    const current = board.columns.map((c) => c[i] ?? 0);
    close.add(combo, -1);
    takeOff(board, current);
    const far = (token: ArrayLike<number>): boolean => !close.isClose(layerOf.map((l) => token[l] ?? 0), 0);
    let next = nearestToken(board, completer, current, 4 * board.L * 64, far, false, uniqueDepth);
    for (let r = 0; !next && r < RANDOM_COMPLETIONS; r++) next = nearestToken(board, completer, current, 4 * board.L, far, true, uniqueDepth);
    if (!next) {
      putOn(board, current);
      close.add(combo, 1);
      failed++;
      continue;
    }
    putOn(board, next);
    const nextCombo = layerOf.map((l) => next[l] ?? 0);
    close.add(nextCombo, 1);
    index.move(i, nextCombo);
    for (let l = 0; l < board.L; l++) {
      const from = current[l] ?? 0;
      const to = next[l] ?? 0;
      if (from === to) continue;
      (board.columns[l] as Uint16Array)[i] = to;
      board.holders.move(l, i, from, to);
      recordMove(board, l, from, to, UNIQUENESS);
    }
  }
  if (failed > 0) {
    throw countsError(
      `${board.ruleSet.source}: uniqueness.minDifferences: ${k}: ${failed} of ${board.N} tokens found no combination that differs from every other token in ${k} layers (the capacity under minDifferences is not counted exactly): lower the count or minDifferences`,
    );
  }
}

/**
 * How many tokens of a plan have another token that differs from them in fewer than `k` of the unique layers
 * (0: the plan keeps `uniqueness.minDifferences: k`). For checking a plan, with or without rules.
 */
export function tokensCloserThan(plan: Plan, uniqueLayers: readonly number[], k: number): number {
  if (k <= 1) return 0;
  const close = new CloseIndex(uniqueLayers.length, k);
  const comboOf = (i: number): number[] => uniqueLayers.map((l) => plan.traits[i * plan.layerCount + l] ?? 0);
  for (let i = 0; i < plan.count; i++) close.add(comboOf(i), 1);
  let n = 0;
  for (let i = 0; i < plan.count; i++) if (close.isClose(comboOf(i), 1)) n++;
  return n;
}

// ---- the plan ---------------------------------------------------------------------------------------------------

/** Targets, checks and repaired quotas: everything before the layout, shared by the plan and its preview. */
function repairedBoard(layerSet: RuledLayerSet, model: CountModel, N: number, rng: Rng): { board: Board; targets: Targets; planDomain: number[][] } {
  const { layers, ruleSet } = layerSet;
  const L = layers.length;
  const removed = new Set(ruleSet.removed.map((r) => `${r.layer}:${r.trait}`));
  const domains = model.domains.map((d) => [...d]);
  const targets = targetsOf(layers, ruleSet, domains, N, rng);
  checkBoundedTraits(layerSet, model, targets, N);
  const planDomain = domains.map((d, l) => d.filter((t) => !removed.has(`${l}:${t}`)));
  const board: Board = {
    layers,
    ruleSet,
    N,
    L,
    columns: [],
    holders: undefined as unknown as Holders,
    clausesOf: layers.map((l) => ruleSet.clauses.flatMap((c, i) => (c.layers.includes(l.index) ? [i] : []))),
    domain: planDomain,
    counts: [],
    quota: targets.base.map((q) => [...q]),
    lo: targets.lo.map((x) => [...x]),
    hi: targets.hi.map((x) => [...x]),
    movedBy: layers.map((l) => l.traits.map(() => new Map<number, number>())),
    rng,
  };
  const weights = layers.map((l) => l.traits.map((t) => t.weight));
  const unmet = repairQuotas(board, weights);
  failWherePinned(board, unmet);
  return { board, targets, planDomain };
}

/**
 * What the rules and counts will do to the counts of a collection of `count` tokens, before planning it: the
 * deviations the repaired quotas already hold (each with its rule), for a panel to show live. Throws what
 * planning would throw at once (capacity, counts that conflict); moves uniqueness forces later are not in it.
 */
export function previewRuleCounts(layerSet: RuledLayerSet, count: number): Deviation[] {
  const model = countModelOf(layerSet.layers, layerSet.ruleSet);
  checkCapacity(layerSet, model, count);
  checkSpread(layerSet, model, count);
  const { board, targets } = repairedBoard(layerSet, model, count, createRng("preview", "plan"));
  board.counts = board.quota;
  return findRuleDeviations(board, targets);
}

/** How many tokens `uniqueness.minDifferences` lets a layer set have, and whether that number is exact. */
export interface SpreadCapacity {
  /** minDifferences itself. */
  k: number;
  /** The layers that count for uniqueness. */
  uniqueLayers: number;
  /** Exact where `exact`, else an upper bound (the plan is then checked token by token). */
  tokens: bigint;
  exact: boolean;
}

/**
 * The most tokens that differ pairwise in at least `uniqueness.minDifferences` (k) of the U unique layers. Two such
 * tokens never agree on any U − k + 1 of those layers, so there are at most as many as the U − k + 1 smallest
 * unique layers have combinations (the Singleton bound of coding theory), and never more than the combinations
 * the rules allow. Where k = U and there are no rules the bound is exact: each unique layer's trait differs on every
 * token, and the i-th trait of every layer on token i reaches it. Otherwise the number is an upper bound: how many
 * combinations sit pairwise k apart is a packing problem with no exact count at these sizes. Undefined where
 * minDifferences is 1 (plain uniqueness) or more than the unique layers (the plan refuses that, naming it).
 */
export function spreadCapacity(layerSet: RuledLayerSet, model: CountModel = countModelOf(layerSet.layers, layerSet.ruleSet)): SpreadCapacity | undefined {
  const { ruleSet } = layerSet;
  const k = ruleSet.minDifferences;
  const sizes = layerSet.layers.filter((l) => ruleSet.unique[l.index]).map((l) => model.domains[l.index]?.length ?? 0);
  const U = sizes.length;
  if (k <= 1 || k > U) return undefined;
  sizes.sort((a, b) => a - b);
  let bound = 1n;
  for (const n of sizes.slice(0, U - k + 1)) bound *= BigInt(n);
  const exact = k === U && ruleSet.clauses.length === 0;
  if (exact) return { k, uniqueLayers: U, tokens: bound, exact };
  const combinations = countCombinations(model);
  return { k, uniqueLayers: U, tokens: combinations < bound ? combinations : bound, exact: false };
}

function checkSpread(layerSet: RuledLayerSet, model: CountModel, N: number): SpreadCapacity | undefined {
  const spread = spreadCapacity(layerSet, model);
  if (!spread || BigInt(N) <= spread.tokens) return spread;
  const { k, uniqueLayers: U, tokens, exact } = spread;
  const why = exact
    ? `every unique layer must differ between any two tokens, and the smallest has ${tokens} traits`
    : `no two tokens may agree on ${U - k + 1} of the ${U} unique layers, so they are at most as many as the combinations of the ${U - k + 1} smallest${layerSet.ruleSet.clauses.length > 0 ? " (or the rules allow)" : ""}`;
  throw new TraitloomError(
    "CAPACITY",
    `asked for ${N} tokens but uniqueness.minDifferences ${k} allows ${exact ? "only" : "at most"} ${tokens} tokens that differ pairwise in ${k} of the ${U} unique layers (${why}): lower the count or minDifferences, or add traits`,
  );
}

/**
 * The exact number of unique combinations a layer set allows, with its rules where it has them; under
 * `uniqueness.minDifferences`, the number of tokens where that is exact (spreadCapacity), else the combinations
 * (the plan is then checked against the distance).
 */
export function collectionCapacity(layerSet: LayerSet): bigint {
  if (hasRules(layerSet)) {
    const spread = spreadCapacity(layerSet);
    return spread?.exact ? spread.tokens : ruleCapacity(layerSet);
  }
  let product = 1n;
  for (const layer of layerSet.layers) if (layer.countsForUniqueness) product *= BigInt(layer.traits.filter((t) => t.weight > 0).length);
  return product;
}

/**
 * Plans `count` tokens that keep every rule of `layerSet.ruleSet`, unique on its unique layers, every fixed count
 * exact, every other count within 1 of its share where the rules allow it; where they do not, the deviations
 * name the rule that moved each trait. Fails at once where the rules and counts leave fewer combinations than
 * `count`, or where fixed counts and rules conflict.
 */
export function planWithRules(layerSet: RuledLayerSet, count: number, seed: string): Plan {
  const { layers, ruleSet } = layerSet;
  const N = count;
  const model = countModelOf(layers, ruleSet);
  const combinations = checkCapacity(layerSet, model, N);
  const spread = checkSpread(layerSet, model, N);
  const capacity = spread?.exact ? spread.tokens : combinations;
  const rng = createRng(seed, "plan");
  const { board, targets, planDomain } = repairedBoard(layerSet, model, N, rng);

  const completer = new Completer({ ...model, domains: planDomain });
  if (!completer.satisfiable) throw new Error("rule planner: no rule-keeping token although the rules were checked");
  board.columns = layOutUnderRules(board, completer);
  board.counts = board.quota.map((q) => [...q]);
  board.holders = new Holders(board.columns, layers.map((l) => l.traits.length));
  moveRuleBreakers(board, completer, mendRulesBySwaps(board));

  const layerOf = layers.filter((l) => ruleSet.unique[l.index]).map((l) => l.index);
  const index = new CollisionIndex(
    layerOf.map((l) => board.columns[l] as Uint16Array),
    layerOf.map((l) => layers[l]?.traits.length ?? 1),
    N,
  );
  const unique: Unique = { index, layerOf };
  mendCollisions(board, unique, index.duplicates(), 0);
  const left = index.duplicates();
  // As for the kick pass: where many are left, the counts rule out uniqueness for most, and they go to moving.
  if (left.length <= N * KICK_PASS_MAX_SHARE) {
    mendCollisions(board, unique, left, KICK_BUDGET_PER_TOKEN * N);
    mendByPairs(board, unique, index.duplicates());
  }
  moveStuck(board, completer, unique, combinations);
  enforceMinDifferences(board, completer, unique);

  verify(board, unique);
  const traits = shuffleTokens(board.columns, N, rng);
  const deviations = findRuleDeviations(board, targets);
  return { count: N, seed, capacity: Number(capacity), layerCount: layers.length, traits, counts: board.counts, expected: targets.expected, deviations };
}

/**
 * A fixed or minimum count larger than the combinations that can have its trait fails at once, and so does a
 * fixed or maximum count that leaves more tokens without the trait than the combinations without it.
 */
function checkBoundedTraits(layerSet: RuledLayerSet, model: CountModel, targets: Targets, N: number): void {
  const { layers, ruleSet } = layerSet;
  for (const b of ruleSet.bounds.filter((x) => x.max < N)) {
    const without = (model.domains[b.layer] ?? []).filter((t) => t !== b.trait);
    const room = countCombinations({ ...model, domains: model.domains.map((d, l) => (l === b.layer ? without : d)) });
    const need = N - (targets.hi[b.layer]?.[b.trait] ?? 0);
    if (room >= BigInt(need)) continue;
    const rules = rulesNaming(ruleSet, b.layer).map((r) => r.label);
    throw countsError(
      `${ruleSet.source}: ${b.path}: ${b.min === b.max ? "exactly" : "at most"} ${b.max} tokens with "${traitId(layers, b.layer, b.trait)}" leaves ${need} tokens without it, but only ${room} unique combinations are without it${rules.length ? ` under ${rules.join(", ")}` : ""}: raise the count or lower the count of tokens`,
    );
  }
  const wanted = ruleSet.bounds.filter((b) => b.min > 0);
  for (const l of [...new Set(wanted.map((b) => b.layer))]) {
    const per = countPerTrait(model, l);
    for (const b of wanted.filter((x) => x.layer === l)) {
      const room = per[b.trait] ?? 0n;
      if (room >= BigInt(targets.lo[l]?.[b.trait] ?? 0)) continue;
      const rules = rulesNaming(ruleSet, l, b.trait).map((r) => r.label);
      throw countsError(
        `${ruleSet.source}: ${b.path}: expected ${b.min === b.max ? b.min : `at least ${b.min}`} tokens with "${traitId(layers, l, b.trait)}", but only ${room} unique combinations have it${rules.length ? ` under ${rules.join(", ")}` : ""}: lower the count`,
      );
    }
  }
}

/** Where a rule's count condition is still unmet and every trait it needs to move is fixed, the plan fails now. */
function failWherePinned(board: Board, unmet: readonly Unmet[]): void {
  const { ruleSet } = board;
  for (const u of unmet) {
    const q = new Quotas(board, []);
    if (!u.refs.every((r) => q.pinned(r))) continue;
    const counts = u.refs.flatMap((r) => r.traits.map((t) => boundPath(ruleSet, r.layer, t)).filter((p): p is string => p !== undefined));
    const what = u.refs.map((r) => `${r.id} ${q.total(r)}`).join(", ");
    throw countsError(
      `${ruleSet.source}: ${[...new Set(counts)].join(" and ") || "counts"} conflict with ${describeRule(ruleSet, u.rule)}: the counts (${what}) leave it no way to hold; change a count or the rule`,
    );
  }
}

/** No token breaks a rule, none is shared, and every count is within its bounds: else the plan is not returned. */
function verify(board: Board, unique: Unique): void {
  const { ruleSet, columns, layers } = board;
  const token = new Array<number>(board.L);
  for (let i = 0; i < board.N; i++) {
    for (let l = 0; l < board.L; l++) token[l] = columns[l]?.[i] ?? 0;
    const broken = brokenRules(ruleSet, token);
    if (broken.length > 0) throw new Error(`rule planner: token ${i} breaks ${describeRule(ruleSet, broken[0] ?? 0)}`);
  }
  if (unique.index.duplicates().length > 0) throw new Error("rule planner: tokens share a combination although count <= capacity");
  for (const b of ruleSet.bounds) {
    const n = board.counts[b.layer]?.[b.trait] ?? 0;
    if (n < b.min || n > b.max) {
      const rules = rulesNaming(ruleSet, b.layer, b.trait).map((r) => r.label);
      throw countsError(
        `${ruleSet.source}: ${b.path}: expected ${b.min === b.max ? b.min : `${b.min} to ${b.max}`} tokens with "${traitId(layers, b.layer, b.trait)}", but only ${n} could be placed${rules.length ? ` under ${rules.join(", ")}` : ""} with every token unique: change the count or the rules`,
      );
    }
  }
}

/** Every trait whose count ended away from its quota, with the rule that moved it most where a rule did. */
function findRuleDeviations(board: Board, targets: Targets): Deviation[] {
  const deviations: Deviation[] = [];
  board.layers.forEach((layer, l) =>
    layer.traits.forEach((trait, t) => {
      const actual = board.counts[l]?.[t] ?? 0;
      if (actual === targets.base[l]?.[t]) return;
      const d: Deviation = { layer: layer.name, trait: trait.name, expected: targets.expected[l]?.[t] ?? 0, actual };
      // The rule that moved it most; none where uniqueness moved it more than any rule did.
      let best = UNIQUENESS;
      let most = 0;
      for (const [rule, n] of board.movedBy[l]?.[t] ?? []) {
        if (rule !== UNIQUENESS && (n > most || (n === most && rule < best))) {
          most = n;
          best = rule;
        }
      }
      const byUniqueness = board.movedBy[l]?.[t]?.get(UNIQUENESS) ?? 0;
      if (best !== UNIQUENESS && most >= byUniqueness) d.rule = describeRule(board.ruleSet, best);
      deviations.push(d);
    }),
  );
  return deviations;
}

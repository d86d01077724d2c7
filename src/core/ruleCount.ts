/**
 * Exact counting over the rule graph: how many combinations of the unique layers the rules allow, whether a trait
 * can appear at all, and backtrack-free completion of a partial token. Never enumerates combinations.
 *
 * The rules arrive as clauses (`RuleClause`: "on some layer of the clause, the token's trait is in that layer's
 * allowed set"). Each becomes a factor over its layers; variables (layers) are eliminated one at a time along a
 * greedy order that keeps the tables smallest (bucket / variable elimination). The trick that makes 20 layers of
 * 100 traits cheap: a factor never has one row per trait, only one per CLASS of traits that behave alike in it
 * (each factor keeps its own trait → class map per layer, and classes that turn out alike after an elimination
 * are merged), so a layer whose rules name three of its traits costs four rows, not a hundred.
 *
 * Layers that do not count for uniqueness are eliminated first with "exists" instead of "sum": a combination of
 * the unique layers counts once where at least one choice of the other layers completes it (Σ_unique ∃_other).
 * That is exact because the existential layers are all eliminated before any summed one.
 *
 * Worst case the work is exponential in how tightly the rules tie layers together (counting is #P-hard); a step
 * larger than MAX_STEP_CELLS throws a RuleComplexityError rather than run for minutes.
 */

/** One clause: satisfied where, for some k, the token's trait on `layers[k]` is one with `allowed[k][trait]` = 1. */
export interface RuleClause {
  layers: readonly number[];
  allowed: readonly Uint8Array[];
}

/** What to count over. */
export interface CountModel {
  /** Per layer: how many traits it has (trait indices are below this). */
  traitCounts: readonly number[];
  /** Per layer: the trait indices a token may have there. */
  domains: readonly (readonly number[])[];
  clauses: readonly RuleClause[];
  /** Per layer: summed over (counts for uniqueness) or only required to exist (does not). */
  unique: readonly boolean[];
}

/** Above this many table cells in one elimination step, counting stops with a RuleComplexityError. */
export const MAX_STEP_CELLS = 1 << 25;

export class RuleComplexityError extends Error {
  readonly layers: readonly number[];
  constructor(layers: readonly number[], cells: number) {
    super(`rules tie layers ${layers.join(", ")} together too tightly to count exactly (a step of ${Math.round(cells / 1e6)} million cells)`);
    this.name = "RuleComplexityError";
    this.layers = layers;
  }
}

type Values = Float64Array | bigint[];

interface Factor {
  vars: number[];
  /** maps[k][trait]: the class of that trait of vars[k] in this factor; -1 outside the domain. */
  maps: Int32Array[];
  dims: number[];
  /** Row-major, the last var fastest. */
  values: Values;
  /** The largest value, for choosing doubles (exact below 2^53) or BigInt. */
  max: number;
}

const EXACT_MAX = 2 ** 53;

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= dims[k] ?? 1;
  }
  return s;
}

function maxOf(values: Values): number {
  let m = 0;
  if (values instanceof Float64Array) {
    for (const v of values) if (v > m) m = v;
    return m;
  }
  let b = 0n;
  for (const v of values) if (v > b) b = v;
  return Number(b);
}

function toBig(values: Float64Array): bigint[] {
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] ?? 0);
  return out;
}

function toNumber(values: Values, i: number): number {
  return Number(values[i] ?? 0);
}

/** The factor of one clause: 0 where every literal is false, 1 elsewhere. Undefined where the clause always holds. */
function clauseFactor(model: CountModel, clause: RuleClause): Factor | "false" | undefined {
  const vars: number[] = [];
  const maps: Int32Array[] = [];
  for (let k = 0; k < clause.layers.length; k++) {
    const layer = clause.layers[k] ?? 0;
    const allowed = clause.allowed[k] as Uint8Array;
    const domain = model.domains[layer] ?? [];
    let some = 0;
    for (const t of domain) if (allowed[t]) some++;
    if (some === 0) continue; // this literal is never true
    if (some === domain.length) return undefined; // always true: the clause holds
    const at = vars.indexOf(layer);
    if (at >= 0) {
      // Two literals on one layer: their union.
      const map = maps[at] as Int32Array;
      for (const t of domain) if (allowed[t]) map[t] = 1;
      if (domain.every((t) => map[t] === 1)) return undefined;
      continue;
    }
    const map = new Int32Array(model.traitCounts[layer] ?? 0).fill(-1);
    for (const t of domain) map[t] = allowed[t] ? 1 : 0;
    vars.push(layer);
    maps.push(map);
  }
  if (vars.length === 0) return "false";
  const dims = vars.map(() => 2);
  const values = new Float64Array(1 << vars.length).fill(1);
  values[0] = 0;
  return { vars, maps, dims, values, max: 1 };
}

/** Whether a clause holds for every token (each trait it names on some layer covers that layer's domain). */
export function clauseAlwaysHolds(model: CountModel, clause: RuleClause): boolean {
  return clauseFactor(model, clause) === undefined;
}

/** The classes of `layer` that tell apart the traits in every one of `factors` (their common refinement). */
function refine(model: CountModel, layer: number, factors: readonly Factor[]): { map: Int32Array; reps: number[]; sizes: number[] } {
  const map = new Int32Array(model.traitCounts[layer] ?? 0).fill(-1);
  const reps: number[] = [];
  const sizes: number[] = [];
  const seen = new Map<number, number>();
  const parts = factors.map((f) => {
    const k = f.vars.indexOf(layer);
    return { m: f.maps[k] as Int32Array, d: f.dims[k] ?? 1 };
  });
  for (const t of model.domains[layer] ?? []) {
    let key = 0;
    for (const p of parts) key = key * p.d + (p.m[t] ?? 0);
    let c = seen.get(key);
    if (c === undefined) {
      c = reps.length;
      seen.set(key, c);
      reps.push(t);
      sizes.push(0);
    }
    map[t] = c;
    sizes[c] = (sizes[c] ?? 0) + 1;
  }
  return { map, reps, sizes };
}

/** How many cells eliminating `v` would visit: the refined classes of every layer its factors touch. */
function stepCells(model: CountModel, v: number, factors: readonly Factor[]): number {
  const fs = factors.filter((f) => f.vars.includes(v));
  const scope = new Set<number>();
  for (const f of fs) for (const w of f.vars) scope.add(w);
  let cells = 1;
  for (const w of scope) cells *= refine(model, w, fs.filter((f) => f.vars.includes(w))).reps.length;
  return cells;
}

/**
 * Multiplies `fs` and, where `v` is given, sums `v` out (`sum`: weighted by how many traits each class holds;
 * `or`: whether any trait of v works). The result's alike classes are merged and layers it no longer depends on
 * dropped. Factors that are 0/1 (clauses, and everything while "exists" is eliminated) are checked as a mask
 * before the counting ones are multiplied, in doubles while the bound allows and in BigInt beyond.
 */
function combine(model: CountModel, fs: readonly Factor[], v: number | undefined, mode: "sum" | "or"): Factor {
  const scope: number[] = [];
  for (const f of fs) for (const w of f.vars) if (w !== v && !scope.includes(w)) scope.push(w);
  const refined = new Map<number, ReturnType<typeof refine>>();
  const all = v === undefined ? scope : [...scope, v];
  for (const w of all) refined.set(w, refine(model, w, fs.filter((f) => f.vars.includes(w))));
  const dims = scope.map((w) => refined.get(w)?.reps.length ?? 1);
  const rv = v === undefined ? { reps: [0], sizes: [1] } : (refined.get(v) as ReturnType<typeof refine>);
  const vClasses = rv.reps.length;
  const weights = mode === "sum" ? rv.sizes : rv.sizes.map(() => 1);
  const cells = dims.reduce((a, b) => a * b, 1);
  if (cells * Math.max(1, vClasses) > MAX_STEP_CELLS) throw new RuleComplexityError(all, cells * vClasses);
  const masks = fs.filter((f) => f.max <= 1 && f.values instanceof Float64Array);
  const counts = fs.filter((f) => !masks.includes(f));
  const ordered = [...masks, ...counts];
  // contrib[f][k][class]: how far the refined class of var k of `all` moves f's index.
  const contrib = ordered.map((f) => {
    const strides = stridesOf(f.dims);
    return all.map((w) => {
      const at = f.vars.indexOf(w);
      const r = refined.get(w) as ReturnType<typeof refine>;
      if (at < 0) return new Int32Array(r.reps.length);
      const m = f.maps[at] as Int32Array;
      const stride = strides[at] ?? 1;
      const c = new Int32Array(r.reps.length);
      for (let i = 0; i < c.length; i++) c[i] = (m[r.reps[i] ?? 0] ?? 0) * stride;
      return c;
    });
  });
  const vContrib = contrib.map((cs) => (v === undefined ? new Int32Array(1) : (cs[scope.length] as Int32Array)));
  let bound = mode === "sum" ? weights.reduce((a, b) => a + b, 0) : 1;
  for (const f of counts) bound *= Math.max(f.max, 1);
  const useDouble = bound <= EXACT_MAX && counts.every((f) => f.values instanceof Float64Array);
  const M = masks.length;
  const F = ordered.length;
  const vals = ordered.map((f) => f.values);
  const big = useDouble ? [] : ordered.map((f) => (f.values instanceof Float64Array ? toBig(f.values) : f.values));
  const bigWeights = weights.map((w) => BigInt(w));
  const out: Values = useDouble ? new Float64Array(cells) : new Array<bigint>(cells).fill(0n);
  // Each factor's index at the first cell (every scope var at its class 0), moved by the odometer below.
  const base = contrib.map((cs) => cs.slice(0, scope.length).reduce((a, c) => a + (c[0] ?? 0), 0));
  const digits = new Array<number>(scope.length).fill(0);
  for (let cell = 0; cell < cells; cell++) {
    let accD = 0;
    let accB = 0n;
    for (let c = 0; c < vClasses; c++) {
      let ok = true;
      for (let fi = 0; fi < M && ok; fi++) ok = (vals[fi] as Float64Array)[(base[fi] ?? 0) + (vContrib[fi] as Int32Array)[c]!] !== 0;
      if (!ok) continue;
      if (mode === "or" && M === F) {
        accD = 1;
        accB = 1n;
        break;
      }
      if (useDouble) {
        let prod = weights[c] ?? 0;
        for (let fi = M; fi < F && prod !== 0; fi++) prod *= (vals[fi] as Float64Array)[(base[fi] ?? 0) + (vContrib[fi] as Int32Array)[c]!] as number;
        if (mode === "sum") accD += prod;
        else if (prod !== 0) {
          accD = 1;
          break;
        }
      } else {
        let prod = bigWeights[c] ?? 0n;
        for (let fi = M; fi < F && prod !== 0n; fi++) prod *= (big[fi] as bigint[])[(base[fi] ?? 0) + (vContrib[fi] as Int32Array)[c]!] as bigint;
        if (mode === "sum") accB += prod;
        else if (prod !== 0n) {
          accB = 1n;
          break;
        }
      }
    }
    if (useDouble) (out as Float64Array)[cell] = accD;
    else (out as bigint[])[cell] = accB;
    // Odometer over the scope, last var fastest, moving each factor's base index with it.
    for (let k = scope.length - 1; k >= 0; k--) {
      const d = digits[k] ?? 0;
      const next = d + 1 < (dims[k] ?? 1) ? d + 1 : 0;
      for (let fi = 0; fi < F; fi++) {
        const ck = (contrib[fi] as Int32Array[])[k] as Int32Array;
        base[fi] = (base[fi] ?? 0) + (ck[next] ?? 0) - (ck[d] ?? 0);
      }
      digits[k] = next;
      if (next !== 0) break;
    }
  }
  let values: Values = out;
  let max = maxOf(values);
  if (!(values instanceof Float64Array) && max <= EXACT_MAX) {
    const doubles = new Float64Array(values.length);
    for (let i = 0; i < doubles.length; i++) doubles[i] = Number(values[i] ?? 0n);
    values = doubles;
    max = maxOf(values);
  }
  return lump({ vars: scope, maps: scope.map((w) => (refined.get(w) as ReturnType<typeof refine>).map), dims, values, max });
}

/** Merges classes whose slices are equal, and drops layers left with one class. */
function lump(f: Factor): Factor {
  let cur = f;
  for (let k = cur.vars.length - 1; k >= 0; k--) {
    const strides = stridesOf(cur.dims);
    const d = cur.dims[k] ?? 1;
    const stride = strides[k] ?? 1;
    const outer = cur.values.length / (d * stride);
    // Classes compared slice by slice with the first class of each kind found so far.
    const vals = cur.values;
    const sameSlice = (a: number, b: number): boolean => {
      for (let o = 0; o < outer; o++) {
        const pa = o * d * stride + a * stride;
        const pb = o * d * stride + b * stride;
        for (let i = 0; i < stride; i++) if (vals[pa + i] !== vals[pb + i]) return false;
      }
      return true;
    };
    const classOf = new Int32Array(d);
    const kinds: number[] = [];
    for (let c = 0; c < d; c++) {
      let found = -1;
      for (let k2 = 0; k2 < kinds.length && found < 0; k2++) if (sameSlice(kinds[k2] ?? 0, c)) found = k2;
      if (found < 0) {
        classOf[c] = kinds.length;
        kinds.push(c);
      } else classOf[c] = found;
    }
    const nd = kinds.length;
    if (nd === d) continue;
    const firstOf = new Int32Array(nd).fill(-1);
    for (let c = 0; c < d; c++) if ((firstOf[classOf[c] ?? 0] ?? -1) < 0) firstOf[classOf[c] ?? 0] = c;
    const n = outer * nd * stride;
    const values: Values = cur.values instanceof Float64Array ? new Float64Array(n) : new Array<bigint>(n).fill(0n);
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < nd; c++) {
        const src = o * d * stride + (firstOf[c] ?? 0) * stride;
        const dst = o * nd * stride + c * stride;
        for (let i = 0; i < stride; i++) (values as (number | bigint)[])[dst + i] = cur.values[src + i] as number | bigint;
      }
    }
    const oldMap = cur.maps[k] as Int32Array;
    const map = new Int32Array(oldMap.length);
    for (let t = 0; t < map.length; t++) map[t] = (oldMap[t] ?? -1) < 0 ? -1 : (classOf[oldMap[t] ?? 0] ?? 0);
    const vars = [...cur.vars];
    const maps = [...cur.maps];
    const dims = [...cur.dims];
    if (nd === 1) {
      vars.splice(k, 1);
      maps.splice(k, 1);
      dims.splice(k, 1);
    } else {
      maps[k] = map;
      dims[k] = nd;
    }
    cur = { vars, maps, dims, values, max: cur.max };
  }
  return cur;
}

function initialFactors(model: CountModel): Factor[] | "false" {
  const factors: Factor[] = [];
  for (let l = 0; l < model.domains.length; l++) if ((model.domains[l]?.length ?? 0) === 0) return "false";
  for (const clause of model.clauses) {
    const f = clauseFactor(model, clause);
    if (f === "false") return "false";
    if (f) factors.push(f);
  }
  // Clauses over the same layers become one factor: rules mostly pair the same few layers.
  const byScope = new Map<string, Factor[]>();
  for (const f of factors) {
    const key = [...f.vars].sort((a, b) => a - b).join(",");
    byScope.set(key, [...(byScope.get(key) ?? []), f]);
  }
  const merged: Factor[] = [];
  for (const group of byScope.values()) {
    if (group.length === 1) merged.push(group[0] as Factor);
    else {
      const g = combine(model, group, undefined, "or");
      if (g.vars.length === 0 && toNumber(g.values, 0) === 0) return "false";
      if (g.vars.length > 0) merged.push(g);
    }
  }
  return merged;
}

interface Elimination {
  /** The layers in the order they were eliminated. */
  order: number[];
  /** buckets[v]: the factors multiplied when v was eliminated (they hold v and only layers eliminated later). */
  buckets: Factor[][];
  /** messages[v]: what eliminating v left for the layers eliminated after it (undefined: nothing, or a scalar). */
  messages: Array<Factor | undefined>;
  /** What is left: factors over `keep` only (or none), and the scalars. */
  rest: Factor[];
  scalar: bigint;
}

/**
 * Eliminates every layer but `keep` along a greedy order (cheapest step first); in `sum` mode the layers that do
 * not count for uniqueness go first and with "exists". A layer in no factor is eliminated at once: its traits
 * multiply the count (summed) or it needs only a trait at all (exists).
 */
function run(model: CountModel, mode: "sum" | "or", keep: number | undefined, keepBuckets: boolean, existentialFirst = mode === "sum"): Elimination | "false" {
  const initial = initialFactors(model);
  if (initial === "false") return "false";
  const factors = new Set(initial);
  const L = model.domains.length;
  const left = new Set<number>();
  for (let l = 0; l < L; l++) if (l !== keep) left.add(l);
  const order: number[] = [];
  const buckets: Factor[][] = Array.from({ length: L }, () => []);
  const messages: Array<Factor | undefined> = Array.from({ length: L }, () => undefined);
  const of = (v: number): Factor[] => [...factors].filter((f) => f.vars.includes(v));
  // A step's cost changes only where its factors changed: the layers next to the one just eliminated.
  const cost = new Map<number, number>();
  let scalar = 1n;
  const summed = (l: number): boolean => mode === "sum" && (model.unique[l] ?? false);
  while (left.size > 0) {
    let pool = [...left];
    if (existentialFirst) {
      const existential = pool.filter((l) => !(model.unique[l] ?? false));
      if (existential.length > 0) pool = existential;
    }
    let best = -1;
    let bestCells = Infinity;
    for (const v of pool) {
      let cells = cost.get(v);
      if (cells === undefined) {
        const fs = of(v);
        cells = fs.length === 0 ? 0 : stepCells(model, v, fs);
        cost.set(v, cells);
      }
      if (cells < bestCells) {
        bestCells = cells;
        best = v;
        if (cells === 0) break;
      }
    }
    const v = best;
    left.delete(v);
    order.push(v);
    const fs = of(v);
    if (fs.length === 0) {
      if (summed(v)) scalar *= BigInt(model.domains[v]?.length ?? 0);
      continue;
    }
    for (const f of fs) {
      factors.delete(f);
      for (const w of f.vars) cost.delete(w);
    }
    if (keepBuckets) buckets[v] = fs;
    const g = combine(model, fs, v, summed(v) ? "sum" : "or");
    if (g.vars.length === 0) {
      const x = g.values[0] ?? 0;
      const b = typeof x === "bigint" ? x : BigInt(x);
      if (b === 0n) return "false";
      scalar *= b;
    } else {
      factors.add(g);
      messages[v] = g;
    }
  }
  return { order, buckets, messages, rest: [...factors], scalar };
}

/** `fs` multiplied and every layer but `keep` taken out by "exists". */
function project(model: CountModel, fs: readonly Factor[], keep: readonly number[]): Factor {
  let g = combine(model, fs, undefined, "or");
  for (const w of [...g.vars]) if (!keep.includes(w) && g.vars.includes(w)) g = combine(model, [g], w, "or");
  return g;
}

/**
 * Per layer, per trait: 1 where some full token meeting every clause has it; undefined where no token does.
 * Two passes over the elimination tree (messages up as in `run`, then down), so every layer's answer costs
 * about two countings in all instead of one each.
 */
export function supportAll(model: CountModel): Uint8Array[] | undefined {
  const e = run(model, "or", undefined, true);
  if (e === "false") return undefined;
  const L = model.domains.length;
  const out = Array.from({ length: L }, (_, l) => {
    const m = new Uint8Array(model.traitCounts[l] ?? 0);
    for (const t of model.domains[l] ?? []) m[t] = 1;
    return m;
  });
  const position = new Map(e.order.map((v, i) => [v, i]));
  /** The bucket a message goes to: the first of its layers to be eliminated after the sender. */
  const receiver = (msg: Factor): number => msg.vars.reduce((a, b) => ((position.get(b) ?? 0) < (position.get(a) ?? 0) ? b : a));
  const down: Array<Factor | undefined> = Array.from({ length: L }, () => undefined);
  for (let i = e.order.length - 1; i >= 0; i--) {
    const v = e.order[i] ?? 0;
    const bucket = e.buckets[v] ?? [];
    if (bucket.length === 0) continue;
    const belief = [...bucket, ...(down[v] ? [down[v]] : [])];
    const marginal = project(model, belief, [v]);
    const m = out[v] as Uint8Array;
    for (const t of model.domains[v] ?? []) {
      const c = marginal.vars.length === 0 ? 0 : (marginal.maps[0]?.[t] ?? 0);
      if (toNumber(marginal.values, c) === 0) m[t] = 0;
    }
    // Down to every layer whose message v received ("exists" is idempotent, so v's whole belief may go down).
    for (let j = 0; j < i; j++) {
      const u = e.order[j] ?? 0;
      const msg = e.messages[u];
      if (msg && receiver(msg) === v) down[u] = project(model, belief, msg.vars);
    }
  }
  return out;
}

/**
 * Arc consistency, the clauses added group by group (a group: one rule's clauses): which traits each group's
 * arrival prunes (no trait of some other layer is left to go with them), as `group` indices. Cheap, and it finds
 * what a rule removes in the cases people write (wildcards, always-chains back onto a layer, if/then into the
 * same layer); removals it misses are found by exact counting (`supportAll`).
 */
export function pruneInOrder(model: CountModel, groups: readonly (readonly RuleClause[])[]): Array<{ layer: number; trait: number; group: number }> {
  const L = model.domains.length;
  const alive = Array.from({ length: L }, (_, l) => {
    const m = new Uint8Array(model.traitCounts[l] ?? 0);
    for (const t of model.domains[l] ?? []) m[t] = 1;
    return m;
  });
  const byScope = new Map<string, Factor>();
  /** The scopes (keys of byScope) each layer is in. */
  const scopesOf = Array.from({ length: L }, () => new Set<string>());
  const pruned: Array<{ layer: number; trait: number; group: number }> = [];
  /** Prunes the traits of f's layers that no allowed cell of f supports; returns the layers that lost some. */
  const revise = (f: Factor, group: number): number[] => {
    const supported = f.vars.map((_, k) => new Uint8Array(f.dims[k] ?? 1));
    const live = f.vars.map((w, k) => {
      const cls = new Uint8Array(f.dims[k] ?? 1);
      const map = f.maps[k] as Int32Array;
      for (const t of model.domains[w] ?? []) if (alive[w]?.[t]) cls[map[t] ?? 0] = 1;
      return cls;
    });
    const strides = stridesOf(f.dims);
    for (let cell = 0; cell < f.values.length; cell++) {
      if (toNumber(f.values, cell) === 0) continue;
      let ok = true;
      for (let k = 0; k < f.vars.length && ok; k++) ok = (live[k] as Uint8Array)[Math.floor(cell / (strides[k] ?? 1)) % (f.dims[k] ?? 1)] === 1;
      if (!ok) continue;
      for (let k = 0; k < f.vars.length; k++) (supported[k] as Uint8Array)[Math.floor(cell / (strides[k] ?? 1)) % (f.dims[k] ?? 1)] = 1;
    }
    const lost: number[] = [];
    f.vars.forEach((w, k) => {
      const map = f.maps[k] as Int32Array;
      for (const t of model.domains[w] ?? []) {
        if (alive[w]?.[t] && !supported[k]?.[map[t] ?? 0]) {
          (alive[w] as Uint8Array)[t] = 0;
          pruned.push({ layer: w, trait: t, group });
          if (!lost.includes(w)) lost.push(w);
        }
      }
    });
    return lost;
  };
  groups.forEach((clauses, group) => {
    const queue = new Set<string>();
    for (const c of clauses) {
      const f = clauseFactor(model, c);
      if (f === undefined || f === "false") continue;
      const key = [...f.vars].sort((a, b) => a - b).join(",");
      const had = byScope.get(key);
      byScope.set(key, had ? combine(model, [had, f], undefined, "or") : f);
      for (const w of f.vars) scopesOf[w]?.add(key);
      queue.add(key);
    }
    while (queue.size > 0) {
      const key = queue.values().next().value as string;
      queue.delete(key);
      for (const w of revise(byScope.get(key) as Factor, group)) for (const other of scopesOf[w] ?? []) if (other !== key) queue.add(other);
    }
  });
  return pruned;
}

/** The number of combinations of the unique layers that some full token meeting every clause extends. */
export function countCombinations(model: CountModel): bigint {
  const e = run(model, "sum", undefined, false);
  if (e === "false") return 0n;
  return e.scalar;
}

/**
 * Per trait of `layer`: how many combinations of the unique layers have it there and extend to a full token
 * (for a layer that counts for uniqueness, the combinations with that trait; for one that does not, the unique
 * combinations it can complete). Traits outside the domain get 0.
 */
export function countPerTrait(model: CountModel, layer: number): bigint[] {
  const out = new Array<bigint>(model.traitCounts[layer] ?? 0).fill(0n);
  const e = run(model, "sum", layer, false);
  if (e === "false") return out;
  for (const t of model.domains[layer] ?? []) {
    let x = e.scalar;
    for (const f of e.rest) {
      const c = f.maps[0]?.[t] ?? 0;
      const v = f.values[c] ?? 0;
      x *= typeof v === "bigint" ? v : BigInt(v);
    }
    out[t] = x;
  }
  return out;
}

/** Whether any full token meets every clause. */
export function isSatisfiable(model: CountModel): boolean {
  return run(model, "or", undefined, false) !== "false";
}

/** Per trait of `layer`: 1 where some full token meeting every clause has it. */
export function supportedTraits(model: CountModel, layer: number): Uint8Array {
  const out = new Uint8Array(model.traitCounts[layer] ?? 0);
  const e = run(model, "or", layer, false);
  if (e === "false") return out;
  for (const t of model.domains[layer] ?? []) {
    let ok = true;
    for (const f of e.rest) if (toNumber(f.values, f.maps[0]?.[t] ?? 0) === 0) ok = false;
    if (ok) out[t] = 1;
  }
  return out;
}

/**
 * Builds full tokens that meet every clause without backtracking: layers are chosen in `order` (the reverse of
 * an elimination order), and `candidates` lists, given the traits already chosen on earlier layers of the
 * order, exactly the traits of the next one that still complete to a valid token (adaptive consistency).
 * The layers that count for uniqueness come first in `order`, so a walk over them visits each combination of
 * them that some token has exactly once, and the other layers can always be filled in after.
 *
 * @example
 * const c = new Completer(model);
 * const token = new Int32Array(L).fill(-1);
 * for (const l of c.order) token[l] = c.candidates(l, token)[0]!; // a valid token
 */
export class Completer {
  /** The order in which layers are chosen. */
  readonly order: readonly number[];
  /** Whether any valid token exists at all. */
  readonly satisfiable: boolean;
  private readonly model: CountModel;
  private readonly buckets: Factor[][];
  private readonly strides: Map<Factor, number[]>;

  constructor(model: CountModel) {
    this.model = model;
    const e = run(model, "or", undefined, true, true);
    this.satisfiable = e !== "false";
    this.order = e === "false" ? [] : [...e.order].reverse();
    this.buckets = e === "false" ? [] : e.buckets;
    this.strides = new Map();
    for (const bucket of this.buckets) for (const f of bucket) this.strides.set(f, stridesOf(f.dims));
  }

  /** Whether trait t on `layer` is consistent with `token`'s traits on the layers chosen before it. */
  allows(layer: number, t: number, token: ArrayLike<number>): boolean {
    for (const f of this.buckets[layer] ?? []) {
      const strides = this.strides.get(f) as number[];
      let at = 0;
      for (let k = 0; k < f.vars.length; k++) {
        const w = f.vars[k] ?? 0;
        const trait = w === layer ? t : (token[w] ?? -1);
        const c = trait < 0 ? -1 : (f.maps[k]?.[trait] ?? -1);
        if (c < 0) return false;
        at += c * (strides[k] ?? 1);
      }
      if (toNumber(f.values, at) === 0) return false;
    }
    return true;
  }

  /**
   * A number that is the same for two tokens whenever `candidates(layer, …)` is: the classes of the traits the
   * layer's rules look at on the layers chosen before it. For caching candidate lists over many tokens.
   */
  contextKey(layer: number, token: ArrayLike<number>): number | string {
    let key = 0;
    for (const f of this.buckets[layer] ?? []) {
      for (let k = 0; k < f.vars.length; k++) {
        const w = f.vars[k] ?? 0;
        if (w === layer) continue;
        const trait = token[w] ?? -1;
        key = key * ((f.dims[k] ?? 1) + 1) + (trait < 0 ? 0 : (f.maps[k]?.[trait] ?? -1) + 1);
      }
    }
    if (key < 2 ** 52) return key;
    // Too many digits for a double to hold exactly: the digits as text.
    let parts = "";
    for (const f of this.buckets[layer] ?? []) {
      for (let k = 0; k < f.vars.length; k++) {
        const w = f.vars[k] ?? 0;
        if (w === layer) continue;
        const trait = token[w] ?? -1;
        parts += `${trait < 0 ? 0 : (f.maps[k]?.[trait] ?? -1) + 1},`;
      }
    }
    return parts;
  }

  /** The traits of `layer` that complete `token` (its traits on the layers before this one in `order`). */
  candidates(layer: number, token: ArrayLike<number>): number[] {
    const domain = this.model.domains[layer] ?? [];
    const bucket = this.buckets[layer] ?? [];
    if (bucket.length === 0) return [...domain];
    // Per factor, which classes of this layer it allows given the other layers' traits: then trait by trait.
    const maps: Int32Array[] = [];
    const masks: Uint8Array[] = [];
    for (const f of bucket) {
      const strides = this.strides.get(f) as number[];
      let base = 0;
      let at = -1;
      for (let k = 0; k < f.vars.length; k++) {
        const w = f.vars[k] ?? 0;
        if (w === layer) {
          at = k;
          continue;
        }
        const trait = token[w] ?? -1;
        const c = trait < 0 ? -1 : (f.maps[k]?.[trait] ?? -1);
        if (c < 0) return [];
        base += c * (strides[k] ?? 1);
      }
      const stride = strides[at] ?? 1;
      const mask = new Uint8Array(f.dims[at] ?? 1);
      for (let c = 0; c < mask.length; c++) mask[c] = toNumber(f.values, base + c * stride) === 0 ? 0 : 1;
      maps.push(f.maps[at] as Int32Array);
      masks.push(mask);
    }
    const out: number[] = [];
    for (const t of domain) {
      let ok = true;
      for (let m = 0; m < masks.length && ok; m++) ok = (masks[m] as Uint8Array)[(maps[m] as Int32Array)[t] ?? 0] === 1;
      if (ok) out.push(t);
    }
    return out;
  }
}

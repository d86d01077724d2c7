import { TraitloomError } from "./errors.js";
import type { Layer, LayerSet } from "./layers.js";
import type { Rng } from "./rng.js";
import { createRng, shuffleInPlace } from "./rng.js";

/** How many unique tokens the layers allow: the product of chooseable traits over layers that count for uniqueness. */
export function capacityOf(layers: readonly Layer[]): number {
  let product = 1;
  for (const layer of layers) {
    if (layer.countsForUniqueness) product *= activeTraitCount(layer);
  }
  return product;
}

function activeTraitCount(layer: Layer): number {
  return layer.traits.filter((t) => t.weight > 0).length;
}

/** "Background 1 × Eyeball 2 × …": how the capacity is made up, smallest factors named first in CAPACITY errors. */
export function describeCapacity(layers: readonly Layer[]): string {
  return layers
    .filter((l) => l.countsForUniqueness)
    .map((l) => `${l.name} ${activeTraitCount(l)}`)
    .join(" × ");
}

/**
 * Splits `total` among weights so every share is within 1 of total × weight / Σweights (largest remainder).
 * Ties in the remainders are broken by the seeded rng, never by position.
 */
export function apportion(total: number, weights: readonly number[], rng: Rng): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new RangeError("apportion: weights must have a positive sum");
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map((e) => Math.floor(e + 1e-9));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = shuffleInPlace(
    weights.map((_, i) => i).filter((i) => (weights[i] ?? 0) > 0),
    rng,
  );
  // Stable sort after a seeded shuffle: equal remainders are ordered by the seed.
  order.sort((a, b) => (exact[b] ?? 0) - (shares[b] ?? 0) - ((exact[a] ?? 0) - (shares[a] ?? 0)));
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) {
    const i = order[k] ?? 0;
    shares[i] = (shares[i] ?? 0) + 1;
  }
  return shares;
}

/** A trait whose count differs from its weight's share because uniqueness left no other way. */
export interface Deviation {
  layer: string;
  trait: string;
  /** count × weight / Σweights, unrounded. */
  expected: number;
  actual: number;
}

/** The planned collection: which trait every token has on every layer, in output order. */
export interface Plan {
  count: number;
  seed: string;
  capacity: number;
  layerCount: number;
  /** traits[token * layerCount + layer] is the trait index of that token on that layer. */
  traits: Uint16Array;
  /** Per layer, per trait: how many tokens have it. */
  counts: number[][];
  /** Per layer, per trait: count × weight / Σweights, unrounded. */
  expected: number[][];
  deviations: Deviation[];
}

export function traitOf(plan: Plan, token: number, layer: number): number {
  return plan.traits[token * plan.layerCount + layer] ?? 0;
}

type Key = number | string;

/** Attempts per colliding token to mend it by swapping one layer's trait with another token (keeps every count). */
const SWAP_ATTEMPTS_PER_COLLISION = 200;
/** Ejection-chain kicks allowed per token of the collection, in all. */
const KICK_BUDGET_PER_TOKEN = 2;
/** The ejection-chain pass runs when the first pass left at most this share of the collection colliding. */
const KICK_PASS_MAX_SHARE = 0.1;
/** Up to this many combinations, the free ones are listed once for the tokens that must move. */
const FREE_LIST_MAX_COMBINATIONS = 4_000_000;
/** Free combinations compared (by how much they would move counts) for each token that must move. */
const FREE_LIST_SAMPLE = 64;
/** Random combinations tried per token before the linear scan, when no single-trait change is free. */
const RANDOM_COMBO_ATTEMPTS = 256;

/**
 * Plans `count` unique tokens with exact rarity, before anything is rendered.
 *
 * 1. Fails at once where `count` exceeds the capacity, naming it and the layers that make it up.
 * 2. Per layer, trait counts are apportioned from the weights (each within 1 of its exact share), laid out
 *    in seeded random order, one column per layer.
 * 3. Tokens that collide are mended by swapping a trait between two tokens on one layer: swaps keep every
 *    count exact. Only where the counts themselves make uniqueness impossible (a layer's share leaves too
 *    few combinations) does a token take an unused combination, chosen to move counts the least; those
 *    moves are reported as deviations. It never gives up while combinations remain: the last resort is
 *    a scan of the combination space, which finds a free one whenever count <= capacity.
 * 4. Tokens are shuffled by the seed.
 */
export function planCollection(layerSet: LayerSet, count: number, seed: string): Plan {
  const layers = layerSet.layers;
  const L = layers.length;
  const N = count;
  if (!Number.isInteger(N) || N < 1) throw new TraitloomError("BAD_ARGUMENT", `count: expected a whole number >= 1, found ${N}`);
  for (const layer of layers) {
    if (layer.traits.length > 65535) throw new TraitloomError("BAD_ARGUMENT", `${layer.folder}: at most 65535 traits per layer, found ${layer.traits.length}`);
  }
  const capacity = capacityOf(layers);
  if (N > capacity) {
    throw new TraitloomError(
      "CAPACITY",
      `asked for ${N} tokens but the layers allow only ${capacity} unique combinations (${describeCapacity(layers)}): add traits or lower the count`,
    );
  }
  const rng = createRng(seed, "plan");
  const expected: number[][] = [];
  const quotas: number[][] = [];
  const cols: Uint16Array[] = [];
  for (const layer of layers) {
    const weights = layer.traits.map((t) => t.weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    expected.push(weights.map((w) => (N * w) / sum));
    const quota = apportion(N, weights, rng);
    quotas.push(quota);
    const col = new Uint16Array(N);
    let at = 0;
    quota.forEach((q, t) => {
      col.fill(t, at, at + q);
      at += q;
    });
    cols.push(shuffleInPlace(col, rng));
  }
  const counts = quotas.map((q) => [...q]);

  const unique = layers.filter((l) => l.countsForUniqueness).map((l) => l.index);
  const radix = unique.map((l) => layers[l]?.traits.length ?? 1);
  const numericKeys = radix.reduce((a, b) => a * b, 1) <= 2 ** 52;
  const keyOf = (i: number): Key => {
    if (numericKeys) {
      let k = 0;
      for (let u = 0; u < unique.length; u++) k = k * (radix[u] ?? 1) + (cols[unique[u] ?? 0]?.[i] ?? 0);
      return k;
    }
    let s = "";
    for (const l of unique) s += `${cols[l]?.[i] ?? 0},`;
    return s;
  };

  /** How many tokens hold each combination. */
  const seen = new Map<Key, number>();
  const inc = (k: Key): void => {
    seen.set(k, (seen.get(k) ?? 0) + 1);
  };
  const dec = (k: Key): void => {
    const c = seen.get(k) ?? 0;
    if (c <= 1) seen.delete(k);
    else seen.set(k, c - 1);
  };

  for (let i = 0; i < N; i++) inc(keyOf(i));
  /** Every token but the first of each shared combination. */
  const collisionsNow = (): number[] => {
    const out: number[] = [];
    const first = new Set<Key>();
    for (let i = 0; i < N; i++) {
      const k = keyOf(i);
      if ((seen.get(k) ?? 0) <= 1) continue;
      if (first.has(k)) out.push(i);
      else first.add(k);
    }
    return out;
  };

  // Swaps draw the partner among the tokens that hold the wanted trait, and check both new combinations are
  // free before touching anything: each accepted swap mends a collision and keeps every count.
  const mult = unique.map((_, u) => radix.slice(u + 1).reduce((a, b) => a * b, 1));
  const keyWith = (i: number, u: number, t: number): Key => {
    const l = unique[u] ?? 0;
    const k = keyOf(i);
    if (typeof k === "number") return k + (t - (cols[l]?.[i] ?? 0)) * (mult[u] ?? 1);
    let s = "";
    unique.forEach((ll, uu) => (s += `${uu === u ? t : (cols[ll]?.[i] ?? 0)},`));
    return s;
  };
  const swappableU = unique.map((_, u) => u).filter((u) => (layers[unique[u] ?? 0] ? activeTraitCount(layers[unique[u] ?? 0] as Layer) : 0) > 1);
  const activeTraits = unique.map((l) => (layers[l]?.traits ?? []).filter((t) => t.weight > 0).map((t) => t.index));
  const members: Int32Array[][] = [];
  const position: Int32Array[] = [];
  unique.forEach((l, u) => {
    const col = cols[l] as Uint16Array;
    const lists = (layers[l]?.traits ?? []).map((_, t) => new Int32Array(quotas[l]?.[t] ?? 0));
    const fill = new Int32Array(lists.length);
    const pos = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      const t = col[i] ?? 0;
      pos[i] = fill[t] ?? 0;
      (lists[t] as Int32Array)[pos[i] ?? 0] = i;
      fill[t] = (fill[t] ?? 0) + 1;
    }
    members[u] = lists;
    position[u] = pos;
  });
  /**
   * Mends collisions by swaps. With `kickBudget`, a token that finds no clean swap may take a swap that frees
   * it but moves its partner onto a taken combination; the partner is mended in turn (an ejection chain),
   * so a collision can walk out of a crowded region. The budget bounds the walk.
   */
  const mendBySwaps = (tokens: readonly number[], attempts: number, kickBudget = 0): void => {
    const queue = [...tokens];
    let kicks = 0;
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q] ?? 0;
      if ((seen.get(keyOf(i)) ?? 0) <= 1) continue;
      let mended = false;
      for (let attempt = 0; attempt < attempts && swappableU.length > 0 && !mended; attempt++) {
        const kick = kicks < kickBudget && attempt >= attempts / 2;
        const u = swappableU[rng.int(swappableU.length)] ?? 0;
        const col = cols[unique[u] ?? 0] as Uint16Array;
        const active = activeTraits[u] ?? [];
        const ti = col[i] ?? 0;
        const t2 = active[rng.int(active.length)] ?? 0;
        if (t2 === ti) continue;
        const ki2 = keyWith(i, u, t2);
        const selfCollides = seen.has(ki2);
        if (selfCollides && !kick) continue;
        const list = members[u]?.[t2];
        if (!list || list.length === 0) continue;
        const j = list[rng.int(list.length)] ?? 0;
        const kj2 = keyWith(j, u, ti);
        const partnerCollides = seen.has(kj2);
        // A kick lets one of the two land on a taken combination, which is then mended in its turn.
        if ((partnerCollides && !kick) || (partnerCollides && selfCollides)) continue;
        if (selfCollides || partnerCollides) {
          kicks++;
          queue.push(selfCollides ? i : j);
        }
        dec(keyOf(i));
        dec(keyOf(j));
        col[i] = t2;
        col[j] = ti;
        inc(ki2);
        inc(kj2);
        const pos = position[u] as Int32Array;
        const pi = pos[i] ?? 0;
        const pj = pos[j] ?? 0;
        (members[u]?.[ti] as Int32Array)[pi] = j;
        list[pj] = i;
        pos[i] = pj;
        pos[j] = pi;
        mended = true;
      }
    }
  };
  mendBySwaps(collisionsNow(), SWAP_ATTEMPTS_PER_COLLISION);
  // Where the first pass left many (a collection dense in its combination space), the counts themselves
  // rule out uniqueness for most of them: the walk would only spend time, so they go straight to moving.
  const left = collisionsNow();
  if (left.length <= N * KICK_PASS_MAX_SHARE) mendBySwaps(left, SWAP_ATTEMPTS_PER_COLLISION, KICK_BUDGET_PER_TOKEN * N);

  // What is left cannot be mended without moving a count: give each such token the free combination that moves counts least.
  const deviationCost = (l: number, t: number): number => {
    const d = (counts[l]?.[t] ?? 0) - (quotas[l]?.[t] ?? 0);
    return Math.abs(d + 1) - Math.abs(d);
  };
  const stuck = collisionsNow();
  // Where the combinations can be listed, list the free ones once: each stuck token then picks among a sample
  // of them, instead of scanning the whole space per token (which made near-capacity plans quadratic).
  const freeList = numericKeys && capacity <= FREE_LIST_MAX_COMBINATIONS && stuck.length > 0 ? listFreeCombinations() : undefined;
  for (const i of stuck) {
    const k = keyOf(i);
    if ((seen.get(k) ?? 0) <= 1) continue;
    dec(k);
    for (const l of unique) {
      const row = counts[l];
      const t = cols[l]?.[i] ?? 0;
      if (row) row[t] = (row[t] ?? 0) - 1;
    }
    const choice = freeList ? pickFromFreeList(freeList) : (bestSingleChange(i) ?? bestRandomCombo(i) ?? scanForFreeCombo(i));
    unique.forEach((l, u) => {
      const col = cols[l];
      if (col) col[i] = choice[u] ?? 0;
      const row = counts[l];
      if (row) row[choice[u] ?? 0] = (row[choice[u] ?? 0] ?? 0) + 1;
    });
    inc(keyOf(i));
  }

  function listFreeCombinations(): number[] {
    const active = activeTraits;
    const free: number[] = [];
    const digits = active.map(() => 0);
    for (;;) {
      let key = 0;
      for (let u = 0; u < unique.length; u++) key += (active[u]?.[digits[u] ?? 0] ?? 0) * (mult[u] ?? 1);
      if (!seen.has(key)) free.push(key);
      let u = digits.length - 1;
      for (; u >= 0; u--) {
        digits[u] = (digits[u] ?? 0) + 1;
        if ((digits[u] ?? 0) < (active[u]?.length ?? 1)) break;
        digits[u] = 0;
      }
      if (u < 0) return free;
    }
  }
  function pickFromFreeList(free: number[]): number[] {
    if (free.length === 0) throw new Error("planner: no free combination although count <= capacity");
    let bestAt = -1;
    let bestCost = Infinity;
    let best: number[] = [];
    for (let s = 0; s < Math.min(FREE_LIST_SAMPLE, free.length); s++) {
      const at = rng.int(free.length);
      const key = free[at] ?? 0;
      const combo = unique.map((_, u) => Math.floor(key / (mult[u] ?? 1)) % (radix[u] ?? 1));
      const cost = comboCost(combo);
      if (cost < bestCost) {
        bestCost = cost;
        bestAt = at;
        best = combo;
      }
    }
    free[bestAt] = free[free.length - 1] ?? 0;
    free.pop();
    return best;
  }
  function current(i: number): number[] {
    return unique.map((l) => cols[l]?.[i] ?? 0);
  }
  function isFree(i: number, combo: number[]): boolean {
    const saved = current(i);
    unique.forEach((l, u) => {
      const col = cols[l];
      if (col) col[i] = combo[u] ?? 0;
    });
    const free = !seen.has(keyOf(i));
    unique.forEach((l, u) => {
      const col = cols[l];
      if (col) col[i] = saved[u] ?? 0;
    });
    return free;
  }
  function comboCost(combo: number[]): number {
    let cost = 0;
    unique.forEach((l, u) => (cost += deviationCost(l, combo[u] ?? 0)));
    return cost;
  }
  function bestSingleChange(i: number): number[] | undefined {
    const base = current(i);
    let best: number[] | undefined;
    let bestCost = Infinity;
    for (const u of shuffleInPlace(unique.map((_, u) => u), rng)) {
      const layer = layers[unique[u] ?? 0];
      if (!layer) continue;
      for (const trait of layer.traits) {
        if (trait.weight <= 0 || trait.index === base[u]) continue;
        const combo = [...base];
        combo[u] = trait.index;
        const cost = comboCost(combo);
        if (cost < bestCost && isFree(i, combo)) {
          best = combo;
          bestCost = cost;
        }
      }
    }
    return best;
  }
  function bestRandomCombo(i: number): number[] | undefined {
    let best: number[] | undefined;
    let bestCost = Infinity;
    for (let attempt = 0; attempt < RANDOM_COMBO_ATTEMPTS; attempt++) {
      const combo = unique.map((l) => {
        const active = layers[l]?.traits.filter((t) => t.weight > 0) ?? [];
        return active[rng.int(active.length)]?.index ?? 0;
      });
      const cost = comboCost(combo);
      if (cost < bestCost && isFree(i, combo)) {
        best = combo;
        bestCost = cost;
      }
    }
    return best;
  }
  function scanForFreeCombo(i: number): number[] {
    const active = unique.map((l) => (layers[l]?.traits ?? []).filter((t) => t.weight > 0).map((t) => t.index));
    // Mixed-radix walk from a random start: visits every combination once, so it finds a free one whenever one exists.
    const digits = active.map((a) => rng.int(a.length));
    for (let step = 0; step <= capacity; step++) {
      const combo = digits.map((d, u) => active[u]?.[d] ?? 0);
      if (isFree(i, combo)) return combo;
      for (let u = digits.length - 1; u >= 0; u--) {
        digits[u] = (digits[u] ?? 0) + 1;
        if ((digits[u] ?? 0) < (active[u]?.length ?? 1)) break;
        digits[u] = 0;
      }
    }
    throw new Error("planner: no free combination although count <= capacity");
  }

  const order = shuffleInPlace(
    Array.from({ length: N }, (_, i) => i),
    rng,
  );
  const traits = new Uint16Array(N * L);
  order.forEach((src, dst) => {
    for (let l = 0; l < L; l++) traits[dst * L + l] = cols[l]?.[src] ?? 0;
  });

  const deviations: Deviation[] = [];
  layers.forEach((layer, l) =>
    layer.traits.forEach((trait, t) => {
      const actual = counts[l]?.[t] ?? 0;
      if (actual !== quotas[l]?.[t]) {
        deviations.push({ layer: layer.name, trait: trait.name, expected: expected[l]?.[t] ?? 0, actual });
      }
    }),
  );
  return { count: N, seed, capacity, layerCount: L, traits, counts, expected, deviations };
}

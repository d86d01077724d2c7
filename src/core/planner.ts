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

  const seen = new Map<Key, number>();
  let distinct = 0;
  const inc = (k: Key): void => {
    const c = seen.get(k) ?? 0;
    if (c === 0) distinct++;
    seen.set(k, c + 1);
  };
  const dec = (k: Key): void => {
    const c = seen.get(k) ?? 0;
    if (c <= 1) {
      seen.delete(k);
      distinct--;
    } else seen.set(k, c - 1);
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

  const swappable = unique.filter((l) => (layers[l] ? activeTraitCount(layers[l]) : 0) > 1);
  const mendBySwaps = (tokens: readonly number[], attempts: number): void => {
    for (const i of tokens) {
      if ((seen.get(keyOf(i)) ?? 0) <= 1) continue;
      for (let attempt = 0; attempt < attempts && swappable.length > 0; attempt++) {
        const col = cols[swappable[rng.int(swappable.length)] ?? 0];
        const j = rng.int(N);
        if (!col || col[j] === col[i]) continue;
        const before = distinct;
        const ki = keyOf(i);
        const kj = keyOf(j);
        dec(ki);
        dec(kj);
        swapCells(col, i, j);
        const ki2 = keyOf(i);
        const kj2 = keyOf(j);
        inc(ki2);
        inc(kj2);
        if (distinct > before) {
          if ((seen.get(ki2) ?? 0) === 1) break;
        } else {
          dec(ki2);
          dec(kj2);
          swapCells(col, i, j);
          inc(ki);
          inc(kj);
        }
      }
    }
  };
  mendBySwaps(collisionsNow(), SWAP_ATTEMPTS_PER_COLLISION);
  // A swap may have moved another token onto a taken combination: collect again over every token, and try harder.
  mendBySwaps(collisionsNow(), SWAP_ATTEMPTS_PER_COLLISION * 20);

  // What is left cannot be mended without moving a count: give each such token the free combination that moves counts least.
  const deviationCost = (l: number, t: number): number => {
    const d = (counts[l]?.[t] ?? 0) - (quotas[l]?.[t] ?? 0);
    return Math.abs(d + 1) - Math.abs(d);
  };
  for (const i of collisionsNow()) {
    const k = keyOf(i);
    if ((seen.get(k) ?? 0) <= 1) continue;
    dec(k);
    for (const l of unique) {
      const row = counts[l];
      const t = cols[l]?.[i] ?? 0;
      if (row) row[t] = (row[t] ?? 0) - 1;
    }
    const choice = bestSingleChange(i) ?? bestRandomCombo(i) ?? scanForFreeCombo(i);
    unique.forEach((l, u) => {
      const col = cols[l];
      if (col) col[i] = choice[u] ?? 0;
      const row = counts[l];
      if (row) row[choice[u] ?? 0] = (row[choice[u] ?? 0] ?? 0) + 1;
    });
    inc(keyOf(i));
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

function swapCells(col: Uint16Array, i: number, j: number): void {
  const tmp = col[i] ?? 0;
  col[i] = col[j] ?? 0;
  col[j] = tmp;
}

/**
 * The steps of planning a collection, in the order planCollection runs them: apportion each layer's counts,
 * lay them out in columns, mend collisions by swaps (then by ejection chains), move the tokens that cannot be
 * mended without changing a count, report what moved, and shuffle the tokens. Every step draws from the one
 * seeded Rng it is given, so the order of the steps and of their draws is part of what a seed means.
 */
import { apportionTree } from "./treeCounts.js";
import type { CollisionIndex, StepTick } from "./collisions.js";
import { TICK_MASK } from "./collisions.js";
import type { Layer } from "./layers.js";
import type { Deviation } from "./planner.js";
import type { Rng } from "./rng.js";
import { shuffleInPlace } from "./rng.js";

/** Attempts per colliding token to mend it by swapping one layer's trait with another token (keeps every count). */
export const SWAP_ATTEMPTS_PER_COLLISION = 200;
/** Up to this many combinations, the free ones are listed once for the tokens that must move. */
const FREE_LIST_MAX_COMBINATIONS = 4_000_000;
/** Free combinations compared (by how much they would move counts) for each token that must move. */
const FREE_LIST_SAMPLE = 64;
/** Random combinations tried per token before the linear scan, when no single-trait change is free. */
const RANDOM_COMBO_ATTEMPTS = 256;

/** The layers that count for uniqueness, as the steps below see them; `u` is a position in these lists. */
export interface CountingLayers {
  /** The layer index of each counting layer, bottom first. */
  layers: number[];
  /** How many traits each has (weight 0 included): the base of its digit in a combination key. */
  radix: number[];
  /** The indices of each one's chooseable traits (weight > 0), in order. */
  active: number[][];
}

/** The layers that count for uniqueness, with their trait counts and chooseable traits. */
export function countingLayersOf(layers: readonly Layer[]): CountingLayers {
  const counting = layers.filter((l) => l.countsForUniqueness).map((l) => l.index);
  return {
    layers: counting,
    radix: counting.map((l) => layers[l]?.traits.length ?? 1),
    active: counting.map((l) => (layers[l]?.traits ?? []).filter((t) => t.weight > 0).map((t) => t.index)),
  };
}

/**
 * Splits `total` among weights so every share is within 1 of total × weight / Σweights (largest remainder).
 * Ties in the remainders are broken by the seeded rng, never by position.
 */
export function apportion(total: number, weights: readonly number[], rng: Rng): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new RangeError("apportion: weights must have a positive sum");
  return distribute(
    total,
    weights.map((w) => (total * w) / sum),
    weights,
    rng,
  );
}

/**
 * Splits `count` among children whose expected counts are `exact` (summing to about `count`): each gets the floor
 * of its expectation, and what is left goes one each by largest remainder, equal remainders ordered by the seed.
 * Children of weight 0 get nothing.
 */
export function distribute(count: number, exact: readonly number[], weights: readonly number[], rng: Rng): number[] {
  const shares = exact.map((e) => Math.floor(e + 1e-9));
  let left = count - shares.reduce((a, b) => a + b, 0);
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

/** A column of `Σquota` tokens holding trait t exactly quota[t] times, in seeded random order. */
export function layOutColumn(quota: readonly number[], rng: Rng): Uint16Array {
  const col = new Uint16Array(quota.reduce((a, b) => a + b, 0));
  let at = 0;
  quota.forEach((q, t) => {
    col.fill(t, at, at + q);
    at += q;
  });
  return shuffleInPlace(col, rng);
}

/** Where planning starts: per layer, the apportioned counts and a column of that many of each trait. */
export interface InitialAssignment {
  /** Per layer, per trait: the apportioned count, each within 1 of `expected`. */
  quotas: number[][];
  /** Per layer, per trait: count × weight / Σweights, unrounded. */
  expected: number[][];
  /** Per layer: columns[layer][token] is the token's trait. */
  columns: Uint16Array[];
}

/**
 * Apportions every layer's counts and lays each out as a shuffled column. Layer by layer, the apportioning
 * and the column draw from `rng` in turn, which is what fixes the plan a seed gives.
 */
export function assignInitialTraits(layers: readonly Layer[], count: number, rng: Rng, tick?: StepTick): InitialAssignment {
  const quotas: number[][] = [];
  const expected: number[][] = [];
  const columns: Uint16Array[] = [];
  for (const layer of layers) {
    let quota: number[];
    if (layer.tree) {
      // A tree of choices: exact counts per trait and per folder at once (treeCounts.ts).
      const split = apportionTree(count, layer.tree, rng);
      quota = split.quota;
      expected.push(split.expected);
    } else {
      const weights = layer.traits.map((t) => t.weight);
      const sum = weights.reduce((a, b) => a + b, 0);
      expected.push(weights.map((w) => (count * w) / sum));
      quota = apportion(count, weights, rng);
    }
    quotas.push(quota);
    columns.push(layOutColumn(quota, rng));
    tick?.(columns.length, layers.length);
  }
  return { quotas, expected, columns };
}

/**
 * For every counting layer and trait, the tokens that hold it: where a swap draws its partner from, so that
 * the partner always has the wanted trait. Kept right through `exchange`; counts never change.
 */
export class TraitHolders {
  /** lists[u][t]: the tokens with trait t on counting layer u, in no particular order. */
  private readonly lists: Int32Array[][];
  /** position[u][token]: where the token is in its trait's list on counting layer u. */
  private readonly position: Int32Array[];

  /** From the counting layers' columns, as given to the CollisionIndex, and each layer's trait count; `tick` hears each layer done. */
  constructor(columns: readonly Uint16Array[], radix: readonly number[], tick?: StepTick) {
    this.lists = [];
    this.position = [];
    columns.forEach((col, u) => {
      const sizes = new Int32Array(radix[u] ?? 0);
      for (const t of col) sizes[t] = (sizes[t] ?? 0) + 1;
      const lists = Array.from(sizes, (n) => new Int32Array(n));
      const fill = new Int32Array(lists.length);
      const pos = new Int32Array(col.length);
      for (let i = 0; i < col.length; i++) {
        const t = col[i] ?? 0;
        pos[i] = fill[t] ?? 0;
        (lists[t] as Int32Array)[pos[i] ?? 0] = i;
        fill[t] = (fill[t] ?? 0) + 1;
      }
      this.lists.push(lists);
      this.position.push(pos);
      tick?.(u + 1, columns.length);
    });
  }

  /** How many tokens hold trait t on counting layer u. */
  count(u: number, t: number): number {
    return this.lists[u]?.[t]?.length ?? 0;
  }

  /** The tokens holding trait t on counting layer u (a copy). */
  tokens(u: number, t: number): number[] {
    return [...(this.lists[u]?.[t] ?? [])];
  }

  /** A holder of trait t on counting layer u, drawn from `rng`; the trait must have one. */
  pick(u: number, t: number, rng: Rng): number {
    const list = this.lists[u]?.[t] as Int32Array;
    return list[rng.int(list.length)] ?? 0;
  }

  /** Records that tokens i (which had trait ti) and j (which had tj) exchanged them on counting layer u. */
  exchange(u: number, i: number, ti: number, j: number, tj: number): void {
    const pos = this.position[u] as Int32Array;
    const pi = pos[i] ?? 0;
    const pj = pos[j] ?? 0;
    (this.lists[u]?.[ti] as Int32Array)[pi] = j;
    (this.lists[u]?.[tj] as Int32Array)[pj] = i;
    pos[i] = pj;
    pos[j] = pi;
  }
}

/** What the swap passes work on. */
export interface SwapBoard {
  index: CollisionIndex;
  holders: TraitHolders;
  /** Per counting layer, the chooseable traits (CountingLayers.active). */
  active: readonly (readonly number[])[];
}

/** What a swap pass did. */
export interface SwapStats {
  swaps: number;
  /** Swaps that moved one of the two tokens onto a taken combination (ejection-chain pass only). */
  kicks: number;
}

/**
 * Mends the given colliding tokens by swapping one counting layer's trait with another token: every count
 * stays as it is. The partner is drawn among the holders of the wanted trait, and both new combinations are
 * checked free before anything changes, so each swap mends a collision and makes none. A token still
 * colliding after `attempts` tries is left as it is.
 */
export function swapPass(board: SwapBoard, tokens: readonly number[], rng: Rng, attempts = SWAP_ATTEMPTS_PER_COLLISION, tick?: StepTick): SwapStats {
  return mendBySwaps(board, tokens, rng, attempts, 0, tick);
}

/**
 * The swap pass, where a token that finds no clean swap in the first half of its attempts may take one that
 * frees it but lands its partner (or, the other way round, itself) on a taken combination; that token is
 * queued and mended in its turn (an ejection chain), so a collision can walk out of a crowded region of the
 * combinations. At most `kickBudget` such swaps in all; counts stay as they are.
 */
export function ejectionChainPass(
  board: SwapBoard,
  tokens: readonly number[],
  kickBudget: number,
  rng: Rng,
  attempts = SWAP_ATTEMPTS_PER_COLLISION,
  tick?: StepTick,
): SwapStats {
  return mendBySwaps(board, tokens, rng, attempts, kickBudget, tick);
}

/** Colliding tokens mended between two ticks: each may take up to `attempts` tries. */
const MEND_TICK_MASK = 0xfff;

function mendBySwaps({ index, holders, active }: SwapBoard, tokens: readonly number[], rng: Rng, attempts: number, kickBudget: number, tick?: StepTick): SwapStats {
  const swappable = active.map((_, u) => u).filter((u) => (active[u]?.length ?? 0) > 1);
  const queue = [...tokens];
  let kicks = 0;
  let swaps = 0;
  for (let q = 0; q < queue.length; q++) {
    if (tick && (q & MEND_TICK_MASK) === 0) tick(q, queue.length);
    const i = queue[q] ?? 0;
    if (!index.isShared(i)) continue;
    let mended = false;
    for (let attempt = 0; attempt < attempts && swappable.length > 0 && !mended; attempt++) {
      const kick = kicks < kickBudget && attempt >= attempts / 2;
      const u = swappable[rng.int(swappable.length)] ?? 0;
      const traits = active[u] ?? [];
      const ti = index.traitOf(i, u);
      const t2 = traits[rng.int(traits.length)] ?? 0;
      if (t2 === ti) continue;
      const selfCollides = index.isTaken(index.keyWith(i, u, t2));
      if (selfCollides && !kick) continue;
      if (holders.count(u, t2) === 0) continue;
      const j = holders.pick(u, t2, rng);
      const partnerCollides = index.isTaken(index.keyWith(j, u, ti));
      // A kick lets one of the two land on a taken combination, which is then mended in its turn.
      if ((partnerCollides && !kick) || (partnerCollides && selfCollides)) continue;
      if (selfCollides || partnerCollides) {
        kicks++;
        queue.push(selfCollides ? i : j);
      }
      index.swap(u, i, j);
      holders.exchange(u, i, ti, j, t2);
      swaps++;
      mended = true;
    }
  }
  return { swaps, kicks };
}

/**
 * Gives each token that still shares its combination a free one, chosen to move the counts the least (by how
 * far each trait's count would end from its quota), and updates `counts` to match. This is the one step that
 * changes counts, so what it moves becomes the plan's deviations. Where the combinations can be listed, the
 * free ones are listed once and each token compares a sample of them; otherwise it tries every single-trait
 * change, then random combinations, then a scan of the whole space, which finds a free combination whenever
 * the collection does not exceed `capacity`.
 *
 * @param counts per layer, per trait: how many tokens have it now; changed in place.
 * @param quotas per layer, per trait: the apportioned counts, which moves try to stay near.
 * @param ticks how far the scan for colliding tokens (`finding`) and their moves (`moving`) are.
 */
export function moveStuckTokens(
  index: CollisionIndex,
  counting: CountingLayers,
  counts: number[][],
  quotas: readonly (readonly number[])[],
  capacity: number,
  rng: Rng,
  ticks: { finding?: StepTick | undefined; moving?: StepTick | undefined } = {},
): void {
  const tick = ticks.moving;
  const stuck = index.duplicates(ticks.finding);
  const countRows = counting.layers.map((l) => counts[l] ?? []);
  const quotaRows = counting.layers.map((l) => quotas[l] ?? []);
  /** How much giving a token trait t on counting layer u moves that trait's count away from its quota (+1) or back (-1). */
  const traitCost = (u: number, t: number): number => {
    const d = (countRows[u]?.[t] ?? 0) - (quotaRows[u]?.[t] ?? 0);
    return Math.abs(d + 1) - Math.abs(d);
  };
  const comboCost = (combo: readonly number[]): number => {
    let cost = 0;
    for (let u = 0; u < combo.length; u++) cost += traitCost(u, combo[u] ?? 0);
    return cost;
  };
  const keyCost = (key: number): number => {
    let cost = 0;
    for (let u = 0; u < countRows.length; u++) cost += traitCost(u, index.traitInKey(key, u));
    return cost;
  };
  const isFree = (combo: readonly number[]): boolean => !index.isTaken(index.keyOfCombo(combo));
  // Where the combinations can be listed, list the free ones once: each stuck token then picks among a sample
  // of them, instead of scanning the whole space per token (which made near-capacity plans quadratic).
  const freeList =
    index.numeric && capacity <= FREE_LIST_MAX_COMBINATIONS && stuck.length > 0 ? listFreeCombinations(index, counting.active) : undefined;
  for (let s = 0; s < stuck.length; s++) {
    if (tick && (s & MEND_TICK_MASK) === 0) tick(s, stuck.length);
    const i = stuck[s] ?? 0;
    if (!index.isShared(i)) continue;
    countRows.forEach((row, u) => {
      const t = index.traitOf(i, u);
      row[t] = (row[t] ?? 0) - 1;
    });
    const choice = freeList
      ? pickFromFreeList(freeList, index, keyCost, rng)
      : (bestSingleChange(index.comboOf(i), counting.active, comboCost, isFree, rng) ??
        bestRandomCombo(counting.active, comboCost, isFree, rng) ??
        scanForFreeCombination(index, counting.active, capacity, rng));
    countRows.forEach((row, u) => {
      const t = choice[u] ?? 0;
      row[t] = (row[t] ?? 0) + 1;
    });
    index.move(i, choice);
  }
}

/** Every combination of chooseable traits that no token has, as numeric keys in mixed-radix order. */
export function listFreeCombinations(index: CollisionIndex, active: readonly (readonly number[])[]): number[] {
  if (!index.numeric) throw new RangeError("listFreeCombinations: needs numeric keys");
  const free: number[] = [];
  const digits = active.map(() => 0);
  const combo = active.map((a) => a[0] ?? 0);
  for (;;) {
    const key = index.keyOfCombo(combo);
    if (!index.isTaken(key)) free.push(key as number);
    let u = digits.length - 1;
    for (; u >= 0; u--) {
      digits[u] = (digits[u] ?? 0) + 1;
      if ((digits[u] ?? 0) < (active[u]?.length ?? 1)) break;
      digits[u] = 0;
    }
    if (u < 0) return free;
    for (let v = u; v < digits.length; v++) combo[v] = active[v]?.[digits[v] ?? 0] ?? 0;
  }
}

/** The cheapest of a seeded sample of the free combinations (the first found of equal cost), taken out of the list. */
function pickFromFreeList(free: number[], index: CollisionIndex, keyCost: (key: number) => number, rng: Rng): number[] {
  if (free.length === 0) throw new Error("planner: no free combination although count <= capacity");
  let bestAt = -1;
  let bestCost = Infinity;
  for (let s = 0; s < Math.min(FREE_LIST_SAMPLE, free.length); s++) {
    const at = rng.int(free.length);
    const cost = keyCost(free[at] ?? 0);
    if (cost < bestCost) {
      bestCost = cost;
      bestAt = at;
    }
  }
  const best = index.comboOfKey(free[bestAt] ?? 0);
  free[bestAt] = free[free.length - 1] ?? 0;
  free.pop();
  return best;
}

/** The cheapest free combination that differs from `base` in one trait, layers tried in seeded order. */
function bestSingleChange(
  base: readonly number[],
  active: readonly (readonly number[])[],
  comboCost: (combo: readonly number[]) => number,
  isFree: (combo: readonly number[]) => boolean,
  rng: Rng,
): number[] | undefined {
  let best: number[] | undefined;
  let bestCost = Infinity;
  for (const u of shuffleInPlace(
    active.map((_, u) => u),
    rng,
  )) {
    for (const t of active[u] ?? []) {
      if (t === base[u]) continue;
      const combo = [...base];
      combo[u] = t;
      const cost = comboCost(combo);
      if (cost < bestCost && isFree(combo)) {
        best = combo;
        bestCost = cost;
      }
    }
  }
  return best;
}

/** The cheapest free one of RANDOM_COMBO_ATTEMPTS seeded random combinations. */
function bestRandomCombo(
  active: readonly (readonly number[])[],
  comboCost: (combo: readonly number[]) => number,
  isFree: (combo: readonly number[]) => boolean,
  rng: Rng,
): number[] | undefined {
  let best: number[] | undefined;
  let bestCost = Infinity;
  for (let attempt = 0; attempt < RANDOM_COMBO_ATTEMPTS; attempt++) {
    const combo = active.map((a) => a[rng.int(a.length)] ?? 0);
    const cost = comboCost(combo);
    if (cost < bestCost && isFree(combo)) {
      best = combo;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * The first free combination of chooseable traits in a mixed-radix walk from a seeded random start. The walk
 * visits every combination once, so it finds one whenever one exists; it throws where none does.
 */
export function scanForFreeCombination(index: CollisionIndex, active: readonly (readonly number[])[], capacity: number, rng: Rng): number[] {
  const digits = active.map((a) => rng.int(a.length));
  for (let step = 0; step <= capacity; step++) {
    const combo = digits.map((d, u) => active[u]?.[d] ?? 0);
    if (!index.isTaken(index.keyOfCombo(combo))) return combo;
    for (let u = digits.length - 1; u >= 0; u--) {
      digits[u] = (digits[u] ?? 0) + 1;
      if ((digits[u] ?? 0) < (active[u]?.length ?? 1)) break;
      digits[u] = 0;
    }
  }
  throw new Error("planner: no free combination although count <= capacity");
}

/** Every trait whose count ended away from its quota: where uniqueness left no other way. */
export function findDeviations(
  layers: readonly Layer[],
  counts: readonly (readonly number[])[],
  quotas: readonly (readonly number[])[],
  expected: readonly (readonly number[])[],
): Deviation[] {
  const deviations: Deviation[] = [];
  layers.forEach((layer, l) =>
    layer.traits.forEach((trait, t) => {
      const actual = counts[l]?.[t] ?? 0;
      if (actual !== quotas[l]?.[t]) {
        deviations.push({ layer: layer.name, trait: trait.name, expected: expected[l]?.[t] ?? 0, actual });
      }
    }),
  );
  return deviations;
}

/**
 * Puts the tokens in seeded random order and lays them out token by token: the result's
 * [token * columns.length + layer] is that token's trait on that layer.
 */
export function shuffleTokens(columns: readonly Uint16Array[], count: number, rng: Rng, tick?: StepTick): Uint16Array {
  const L = columns.length;
  // A typed array: at 10,000,000 tokens half the memory of an array of numbers, and the same draws.
  const identity = new Uint32Array(count);
  for (let i = 0; i < count; i++) identity[i] = i;
  const order = shuffleInPlace(identity, rng);
  const traits = new Uint16Array(count * L);
  order.forEach((src, dst) => {
    if (tick && (dst & TICK_MASK) === 0) tick(dst, count);
    for (let l = 0; l < L; l++) traits[dst * L + l] = columns[l]?.[src] ?? 0;
  });
  return traits;
}


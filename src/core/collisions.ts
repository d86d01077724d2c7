/**
 * The combination of traits each token has on the layers that count for uniqueness, and how many tokens hold
 * each combination: the planner's one answer to "does this token share its combination" and "is this
 * combination free".
 */

/**
 * A combination as one value. While every key fits exactly in a double (the product of the layers' trait
 * counts is at most 2^52) it is a mixed-radix number, digit u being the trait on the u-th counting layer;
 * beyond that it is the string "t0,t1,…,".
 */
export type ComboKey = number | string;

/**
 * Says how far a long step of planning is, `done` of `total` items: how planCollection's onProgress hears from
 * the steps. Core keeps no clock, so a step only counts; the caller decides when a line is worth printing.
 */
export type StepTick = (done: number, total: number) => void;
/** A step's loop ticks once every TICK_MASK + 1 items (65,536 tokens: a few milliseconds of work). */
export const TICK_MASK = 0xffff;

// Holder counts are one flat Int32Array indexed by key (a Map otherwise) where the possible keys are at most
// DENSE_MAX_KEYS (16 MB of counts) and at most DENSE_KEYS_PER_TOKEN per token or DENSE_ALWAYS_KEYS, so a small
// collection in a large space does not pay for a large array.
const DENSE_MAX_KEYS = 2 ** 22;
const DENSE_KEYS_PER_TOKEN = 64;
const DENSE_ALWAYS_KEYS = 2 ** 16;
const NUMERIC_MAX_KEYS = 2 ** 52;

/**
 * Holder counts of every combination in a collection being planned, kept right as tokens change traits.
 *
 * It holds the counting layers' columns (columns[u][token] is the token's trait on the u-th counting layer)
 * by reference and, once built, is the only thing that should write to them: `swap` and `move` change a
 * token's traits and its combination's count together, so the two never disagree. Layers that do not count
 * for uniqueness are simply not given to it. With no counting layer at all, every token has the same, empty,
 * combination.
 *
 * @example
 * const index = new CollisionIndex([bodies, eyes], [5, 6], 1000);
 * index.duplicates();                  // tokens whose combination an earlier token already has
 * index.isTaken(index.keyWith(7, 1, 3)); // would token 7 collide with eyes 3?
 */
export class CollisionIndex {
  /** Whether keys are numbers (else strings: more combinations than a double counts exactly). */
  readonly numeric: boolean;
  readonly tokenCount: number;
  private readonly columns: readonly Uint16Array[];
  private readonly radix: readonly number[];
  /** place[u]: the value of one step of digit u in a numeric key. */
  private readonly place: readonly number[];
  /** Every token's current key. */
  private readonly keys: Float64Array | string[];
  private readonly dense: Int32Array | undefined;
  private readonly sparse = new Map<ComboKey, number>();

  /**
   * @param columns one column per counting layer, `tokenCount` long, trait indices below that layer's radix.
   * @param radix per counting layer, how many traits it has (weight 0 included): the digit's base in a key.
   * @param tick told how many tokens are indexed, every TICK_MASK + 1 of them.
   */
  constructor(columns: readonly Uint16Array[], radix: readonly number[], tokenCount: number, tick?: StepTick) {
    if (columns.length !== radix.length) throw new RangeError("CollisionIndex: one radix per column");
    this.columns = columns;
    this.radix = radix;
    this.tokenCount = tokenCount;
    const keySpace = radix.reduce((a, b) => a * b, 1);
    this.numeric = keySpace <= NUMERIC_MAX_KEYS;
    this.place = radix.map((_, u) => radix.slice(u + 1).reduce((a, b) => a * b, 1));
    const dense = keySpace <= DENSE_MAX_KEYS && keySpace <= Math.max(DENSE_ALWAYS_KEYS, DENSE_KEYS_PER_TOKEN * tokenCount);
    this.dense = this.numeric && dense ? new Int32Array(keySpace) : undefined;
    if (this.numeric) {
      const keys = new Float64Array(tokenCount);
      for (let u = 0; u < columns.length; u++) {
        const col = columns[u] as Uint16Array;
        const r = radix[u] ?? 1;
        for (let i = 0; i < tokenCount; i++) keys[i] = (keys[i] ?? 0) * r + (col[i] ?? 0);
      }
      this.keys = keys;
    } else {
      this.keys = Array.from({ length: tokenCount }, (_, i) => this.keyOfCombo(this.comboOf(i)) as string);
    }
    for (let i = 0; i < tokenCount; i++) {
      if (tick && (i & TICK_MASK) === 0) tick(i, tokenCount);
      this.add(this.keys[i] ?? 0);
    }
  }

  /** The token's current combination key. */
  keyOf(token: number): ComboKey {
    return this.keys[token] ?? 0;
  }

  /** The key of a combination given as one trait index per counting layer. */
  keyOfCombo(combo: readonly number[]): ComboKey {
    if (this.numeric) {
      let k = 0;
      for (let u = 0; u < this.radix.length; u++) k = k * (this.radix[u] ?? 1) + (combo[u] ?? 0);
      return k;
    }
    let s = "";
    for (let u = 0; u < this.radix.length; u++) s += `${combo[u] ?? 0},`;
    return s;
  }

  /** The key the token would have with `trait` on counting layer `u` and its other traits unchanged. */
  keyWith(token: number, u: number, trait: number): ComboKey {
    const col = this.columns[u] as Uint16Array;
    if (this.numeric) return (this.keys[token] as number) + (trait - (col[token] ?? 0)) * (this.place[u] ?? 1);
    let s = "";
    for (let v = 0; v < this.columns.length; v++) s += `${v === u ? trait : (this.columns[v]?.[token] ?? 0)},`;
    return s;
  }

  /** The combination (one trait index per counting layer) of a numeric key. */
  comboOfKey(key: number): number[] {
    return this.radix.map((_, u) => this.traitInKey(key, u));
  }

  /** The trait on counting layer `u` in a numeric key. */
  traitInKey(key: number, u: number): number {
    return Math.floor(key / (this.place[u] ?? 1)) % (this.radix[u] ?? 1);
  }

  /** The token's current combination, one trait index per counting layer. */
  comboOf(token: number): number[] {
    return this.columns.map((col) => col[token] ?? 0);
  }

  /** The token's trait on counting layer `u`. */
  traitOf(token: number, u: number): number {
    return this.columns[u]?.[token] ?? 0;
  }

  /** How many tokens have this combination. */
  holders(key: ComboKey): number {
    if (this.dense) return this.dense[key as number] ?? 0;
    return this.sparse.get(key) ?? 0;
  }

  /** Whether some token has this combination. */
  isTaken(key: ComboKey): boolean {
    return this.holders(key) > 0;
  }

  /** Whether another token has the same combination as this one. */
  isShared(token: number): boolean {
    return this.holders(this.keyOf(token)) > 1;
  }

  /** Every token but the first (lowest numbered) of each combination held more than once, in token order; `tick` hears how far. */
  duplicates(tick?: StepTick): number[] {
    const out: number[] = [];
    const first = new Set<ComboKey>();
    for (let i = 0; i < this.tokenCount; i++) {
      if (tick && (i & TICK_MASK) === 0) tick(i, this.tokenCount);
      const k = this.keyOf(i);
      if (this.holders(k) <= 1) continue;
      if (first.has(k)) out.push(i);
      else first.add(k);
    }
    return out;
  }

  /** Exchanges two tokens' traits on counting layer `u`, and their combinations' counts with them. */
  swap(u: number, i: number, j: number): void {
    if (i === j) return;
    const col = this.columns[u] as Uint16Array;
    const ti = col[i] ?? 0;
    const tj = col[j] ?? 0;
    const ki = this.keyWith(i, u, tj);
    const kj = this.keyWith(j, u, ti);
    this.remove(this.keyOf(i));
    this.remove(this.keyOf(j));
    col[i] = tj;
    col[j] = ti;
    this.setKey(i, ki);
    this.setKey(j, kj);
    this.add(ki);
    this.add(kj);
  }

  /** Gives the token another combination (one trait index per counting layer). */
  move(token: number, combo: readonly number[]): void {
    this.remove(this.keyOf(token));
    this.columns.forEach((col, u) => (col[token] = combo[u] ?? 0));
    const k = this.keyOfCombo(combo);
    this.setKey(token, k);
    this.add(k);
  }

  private setKey(token: number, key: ComboKey): void {
    if (this.keys instanceof Float64Array) this.keys[token] = key as number;
    else this.keys[token] = key as string;
  }

  private add(key: ComboKey): void {
    if (this.dense) this.dense[key as number] = (this.dense[key as number] ?? 0) + 1;
    else this.sparse.set(key, (this.sparse.get(key) ?? 0) + 1);
  }

  private remove(key: ComboKey): void {
    if (this.dense) {
      this.dense[key as number] = (this.dense[key as number] ?? 0) - 1;
      return;
    }
    const c = this.sparse.get(key) ?? 0;
    if (c <= 1) this.sparse.delete(key);
    else this.sparse.set(key, c - 1);
  }
}

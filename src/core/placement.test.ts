import { describe, expect, it } from "vitest";
import { CollisionIndex } from "./collisions.js";
import type { Layer } from "./layers.js";
import type { CountingLayers, SwapBoard } from "./placement.js";
import {
  apportion,
  assignInitialTraits,
  countingLayersOf,
  ejectionChainPass,
  findDeviations,
  layOutColumn,
  listFreeCombinations,
  moveStuckTokens,
  scanForFreeCombination,
  shuffleTokens,
  swapPass,
  TraitHolders,
} from "./placement.js";
import { capacityOf } from "./planner.js";
import { createRng } from "./rng.js";

function makeLayers(spec: Array<{ weights: number[]; unique?: boolean }>): Layer[] {
  return spec.map((l, index) => ({
    index,
    name: `L${index}`,
    folder: `L${index}`,
    countsForUniqueness: l.unique ?? true,
    traits: l.weights.map((weight, t) => ({ index: t, name: `T${t}`, value: `T${t}`, file: `L${index}/T${t}.png`, weight })),
  }));
}

function tally(col: Uint16Array, traits: number): number[] {
  const out = Array.from({ length: traits }, () => 0);
  for (const t of col) out[t] = (out[t] ?? 0) + 1;
  return out;
}

/** Everything the swap passes and the moves need, set up the way planCollection does it. */
function setUp(layers: Layer[], count: number, seed: string) {
  const rng = createRng(seed);
  const initial = assignInitialTraits(layers, count, rng);
  const counting = countingLayersOf(layers);
  const countingColumns = counting.layers.map((l) => initial.columns[l] as Uint16Array);
  const index = new CollisionIndex(countingColumns, counting.radix, count);
  const board: SwapBoard = { index, holders: new TraitHolders(countingColumns, counting.radix), active: counting.active };
  return { rng, ...initial, counting, countingColumns, index, board };
}

const DEMO_LIKE = makeLayers([
  { weights: [30, 25, 20, 15, 8, 2] },
  { weights: [35, 28, 20, 14, 3] },
  { weights: [40, 30, 20, 10] },
  { weights: [30, 20, 18, 15, 12, 5] },
  { weights: [35, 25, 20, 15, 5] },
  { weights: [35, 25, 18, 12, 8, 2] },
  { weights: [50, 22, 18, 10] },
]);

describe("countingLayersOf", () => {
  it("lists the layers that count, their trait counts with weight 0 included, and the chooseable traits without", () => {
    const c = countingLayersOf(makeLayers([{ weights: [1, 0, 2] }, { weights: [1, 1], unique: false }, { weights: [0, 5, 5, 0] }]));
    expect(c).toEqual({ layers: [0, 2], radix: [3, 4], active: [[0, 2], [1, 2]] });
  });
});

describe("apportion", () => {
  it("gives zero to weight 0, refuses weights that sum to 0, and breaks ties by the seed, not by position", () => {
    expect(apportion(10, [1, 0, 1], createRng("z"))).toEqual([5, 0, 5]);
    expect(() => apportion(10, [0, 0], createRng("z"))).toThrow(RangeError);
    // 1 among 4 equal weights: which trait gets it depends on the seed only.
    const winners = new Set(Array.from({ length: 40 }, (_, s) => apportion(1, [1, 1, 1, 1], createRng(`tie-${s}`)).indexOf(1)));
    expect(winners.size).toBeGreaterThan(1);
    expect(apportion(1, [1, 1, 1, 1], createRng("same"))).toEqual(apportion(1, [1, 1, 1, 1], createRng("same")));
  });

  it("sums to the total and stays within 1 of each share for random weights and totals", () => {
    const rng = createRng("apportion-random");
    for (let c = 0; c < 200; c++) {
      const weights = Array.from({ length: 1 + rng.int(12) }, () => (rng.next() < 0.1 ? 0 : rng.next() * 100));
      if (!weights.some((w) => w > 0)) weights.push(1);
      const total = 1 + rng.int(100_000);
      const shares = apportion(total, weights, rng);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((s, i) => expect(Math.abs(s - (total * (weights[i] ?? 0)) / sum)).toBeLessThan(1));
    }
  });
});

describe("layOutColumn and assignInitialTraits", () => {
  it("a column holds each trait exactly its quota, in an order set by the seed", () => {
    const quota = [5, 0, 3, 12];
    const a = layOutColumn(quota, createRng("col"));
    expect(a.length).toBe(20);
    expect(tally(a, 4)).toEqual(quota);
    expect([...layOutColumn(quota, createRng("col"))]).toEqual([...a]);
    expect([...layOutColumn(quota, createRng("other"))]).not.toEqual([...a]);
  });

  it("every layer gets quotas within 1 of count × weight / Σweights, summing to count, and a column that matches them", () => {
    const layers = makeLayers([{ weights: [3, 1] }, { weights: [1, 0, 2, 7], unique: false }, { weights: [1] }]);
    const { quotas, expected, columns } = assignInitialTraits(layers, 1001, createRng("init"));
    layers.forEach((layer, l) => {
      const sum = layer.traits.reduce((a, t) => a + t.weight, 0);
      expect(expected[l]).toEqual(layer.traits.map((t) => (1001 * t.weight) / sum));
      expect(quotas[l]?.reduce((a, b) => a + b, 0)).toBe(1001);
      quotas[l]?.forEach((q, t) => expect(Math.abs(q - (expected[l]?.[t] ?? 0))).toBeLessThan(1));
      expect(tally(columns[l] as Uint16Array, layer.traits.length)).toEqual(quotas[l]);
    });
  });
});

describe("TraitHolders", () => {
  it("lists the holders of each trait and follows exchanges", () => {
    const col = Uint16Array.from([0, 1, 1, 2, 0, 1]);
    const holders = new TraitHolders([col], [4]);
    expect([0, 1, 2, 3].map((t) => holders.count(0, t))).toEqual([2, 3, 1, 0]);
    expect(holders.tokens(0, 1).sort()).toEqual([1, 2, 5]);
    const rng = createRng("pick");
    for (let k = 0; k < 20; k++) expect(col[holders.pick(0, 1, rng)]).toBe(1);
    holders.exchange(0, 0, 0, 3, 2);
    expect(holders.tokens(0, 0).sort()).toEqual([3, 4]);
    expect(holders.tokens(0, 2)).toEqual([0]);
  });
});

describe("swapPass", () => {
  it("keeps every count, mends collisions without making any, and leaves the holders lists right", () => {
    const { index, board, countingColumns, counting, rng } = setUp(DEMO_LIKE, 20_000, "swap");
    const before = countingColumns.map((c, u) => tally(c, counting.radix[u] ?? 0));
    const colliding = index.duplicates();
    const uniqueBefore = Array.from({ length: 20_000 }, (_, i) => i).filter((i) => !index.isShared(i));
    expect(colliding.length).toBeGreaterThan(1000);
    const stats = swapPass(board, colliding, rng);
    expect(stats.kicks).toBe(0);
    expect(stats.swaps).toBeGreaterThan(0);
    expect(countingColumns.map((c, u) => tally(c, counting.radix[u] ?? 0))).toEqual(before);
    // A clean swap lands both tokens on free combinations: no token that was unique becomes shared.
    expect(uniqueBefore.filter((i) => index.isShared(i))).toEqual([]);
    expect(index.duplicates().length).toBeLessThan(colliding.length);
    countingColumns.forEach((col, u) =>
      counting.active[u]?.forEach((t) => expect(board.holders.tokens(u, t).every((i) => col[i] === t)).toBe(true)),
    );
  });

  it("mends every collision where the combinations are plenty", () => {
    const layers = makeLayers([{ weights: Array(30).fill(1) }, { weights: Array(30).fill(1) }, { weights: [5, 3, 2] }]);
    const { index, board, rng } = setUp(layers, 500, "sparse");
    expect(index.duplicates().length).toBeGreaterThan(0);
    swapPass(board, index.duplicates(), rng);
    expect(index.duplicates()).toEqual([]);
  });

  it("does nothing where no layer has two chooseable traits", () => {
    const layers = makeLayers([{ weights: [1] }, { weights: [0, 3] }]);
    const { index, board, rng } = setUp(layers, 3, "stuck");
    expect(swapPass(board, index.duplicates(), rng)).toEqual({ swaps: 0, kicks: 0 });
  });
});

describe("ejectionChainPass", () => {
  it("mends, by kicks within the budget and with every count kept, what the swap pass left in a crowded corner", () => {
    const { index, board, countingColumns, counting, rng } = setUp(DEMO_LIKE, 10_000, "crowded");
    const before = countingColumns.map((c, u) => tally(c, counting.radix[u] ?? 0));
    swapPass(board, index.duplicates(), rng);
    const left = index.duplicates();
    expect(left.length).toBeGreaterThan(0);
    const budget = 2 * 10_000;
    const stats = ejectionChainPass(board, left, budget, rng);
    expect(stats.kicks).toBeGreaterThan(0);
    expect(stats.kicks).toBeLessThanOrEqual(budget);
    expect(index.duplicates()).toEqual([]);
    expect(countingColumns.map((c, u) => tally(c, counting.radix[u] ?? 0))).toEqual(before);
  });

  it("with no budget is the swap pass", () => {
    const a = setUp(DEMO_LIKE, 5000, "same");
    const b = setUp(DEMO_LIKE, 5000, "same");
    expect(ejectionChainPass(a.board, a.index.duplicates(), 0, a.rng)).toEqual(swapPass(b.board, b.index.duplicates(), b.rng));
    expect(a.countingColumns.map((c) => [...c])).toEqual(b.countingColumns.map((c) => [...c]));
  });

  it("stops kicking at its budget", () => {
    const { index, board, rng } = setUp(DEMO_LIKE, 10_000, "crowded");
    swapPass(board, index.duplicates(), rng);
    expect(ejectionChainPass(board, index.duplicates(), 3, rng).kicks).toBeLessThanOrEqual(3);
  });
});

describe("moveStuckTokens", () => {
  function expectAllUniqueAndCounted(layers: Layer[], set: ReturnType<typeof setUp>, counts: number[][], count: number): void {
    expect(set.index.duplicates()).toEqual([]);
    layers.forEach((layer, l) => expect(tally(set.columns[l] as Uint16Array, layer.traits.length)).toEqual(counts[l]));
    expect(new Set(Array.from({ length: count }, (_, i) => set.index.keyOf(i))).size).toBe(count);
  }

  it("makes every token unique where counts rule it out, keeps counts true to the columns, and changes only counting layers", () => {
    const layers = makeLayers([{ weights: [1, 1, 1, 1, 10, 1] }, { weights: [20, 60, 20] }, { weights: [9, 1], unique: false }, { weights: [50, 20, 30] }]);
    const set = setUp(layers, 54, "move");
    const counts = set.quotas.map((q) => [...q]);
    swapPass(set.board, set.index.duplicates(), set.rng);
    expect(set.index.duplicates().length).toBeGreaterThan(0);
    moveStuckTokens(set.index, set.counting, counts, set.quotas, capacityOf(layers), set.rng);
    expectAllUniqueAndCounted(layers, set, counts, 54);
    expect(counts[2]).toEqual(set.quotas[2]);
    expect(counts).not.toEqual(set.quotas);
  });

  it("fills every combination, weight 0 never used, where the keys are strings (single changes, random combinations, scan)", () => {
    // 1500^5 trait slots is more than 2^52: no free list; only 3 traits of each are chooseable.
    const layers = makeLayers(Array.from({ length: 5 }, () => ({ weights: Array.from({ length: 1500 }, (_, t) => (t < 3 ? 3 - t : 0)) })));
    const set = setUp(layers, 243, "strings");
    expect(set.index.numeric).toBe(false);
    const counts = set.quotas.map((q) => [...q]);
    moveStuckTokens(set.index, set.counting, counts, set.quotas, capacityOf(layers), set.rng);
    expectAllUniqueAndCounted(layers, set, counts, 243);
    counts.forEach((row) => expect(row.slice(3).every((c) => c === 0)).toBe(true));
  });

  it("tries every single-trait change and takes the one that moves counts least", () => {
    // Tokens 0 and 1 share [0, 0]; the quotas want one more of trait 1 and one fewer of trait 0 on layer 1, so
    // [0, 1] brings counts back to the quotas where [1, 0] would move two of them away. A radix of 2^27 per
    // layer makes the keys strings: no free list, single changes first.
    const counting: CountingLayers = { layers: [0, 1], radix: [2 ** 27, 2 ** 27], active: [[0, 1], [0, 1]] };
    const columns = [Uint16Array.from([0, 0, 1]), Uint16Array.from([0, 0, 1])];
    const index = new CollisionIndex(columns, counting.radix, 3);
    expect(index.numeric).toBe(false);
    const counts = [
      [2, 1],
      [2, 1],
    ];
    const quotas = [
      [2, 1],
      [1, 2],
    ];
    for (let s = 0; s < 5; s++) {
      const c = counts.map((r) => [...r]);
      const idx = new CollisionIndex(
        columns.map((col) => col.slice()),
        counting.radix,
        3,
      );
      moveStuckTokens(idx, counting, c, quotas, 4, createRng(`cheap-${s}`));
      expect(idx.comboOf(1)).toEqual([0, 1]);
      expect(c).toEqual(quotas);
    }
  });
});

describe("listFreeCombinations and scanForFreeCombination", () => {
  const counting: CountingLayers = { layers: [0, 1], radix: [3, 3], active: [[0, 2], [1, 2]] };

  it("lists exactly the untaken combinations of chooseable traits, in mixed-radix order", () => {
    const index = new CollisionIndex([Uint16Array.from([0, 2]), Uint16Array.from([2, 1])], counting.radix, 2);
    expect(listFreeCombinations(index, counting.active).map((k) => index.comboOfKey(k))).toEqual([
      [0, 1],
      [2, 2],
    ]);
  });

  it("the scan finds the one free combination from any start, and fails where none is left", () => {
    const index = new CollisionIndex([Uint16Array.from([0, 0, 2]), Uint16Array.from([1, 2, 1])], counting.radix, 3);
    for (let s = 0; s < 5; s++) expect(scanForFreeCombination(index, counting.active, 4, createRng(`scan-${s}`))).toEqual([2, 2]);
    const full = new CollisionIndex([Uint16Array.from([0, 0, 2, 2]), Uint16Array.from([1, 2, 1, 2])], counting.radix, 4);
    expect(() => scanForFreeCombination(full, counting.active, 4, createRng("full"))).toThrow(/no free combination/);
  });
});

describe("findDeviations", () => {
  it("reports exactly the traits whose count is not their quota, with the unrounded share", () => {
    const layers = makeLayers([{ weights: [1, 2] }, { weights: [1, 1, 1] }]);
    const expected = [
      [10 / 3, 20 / 3],
      [10 / 3, 10 / 3, 10 / 3],
    ];
    const quotas = [
      [3, 7],
      [4, 3, 3],
    ];
    expect(findDeviations(layers, quotas, quotas, expected)).toEqual([]);
    expect(
      findDeviations(
        layers,
        [
          [3, 7],
          [2, 4, 4],
        ],
        quotas,
        expected,
      ),
    ).toEqual([
      { layer: "L1", trait: "T0", expected: 10 / 3, actual: 2 },
      { layer: "L1", trait: "T1", expected: 10 / 3, actual: 4 },
      { layer: "L1", trait: "T2", expected: 10 / 3, actual: 4 },
    ]);
  });
});

describe("shuffleTokens", () => {
  // Two columns spell each token's number in base 256, so every token's row is recognisable after the shuffle.
  const N = 1000;
  const columns = [Uint16Array.from({ length: N }, (_, i) => i >> 8), Uint16Array.from({ length: N }, (_, i) => i & 255)];
  const ids = (traits: Uint16Array): number[] => Array.from({ length: N }, (_, d) => ((traits[d * 2] ?? 0) << 8) | (traits[d * 2 + 1] ?? 0));

  it("lays out a permutation of the tokens, rows kept whole", () => {
    const order = ids(shuffleTokens(columns, N, createRng("perm")));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it("depends on the seed and only on it", () => {
    const a = ids(shuffleTokens(columns, N, createRng("one")));
    expect(ids(shuffleTokens(columns, N, createRng("one")))).toEqual(a);
    expect(ids(shuffleTokens(columns, N, createRng("two")))).not.toEqual(a);
  });
});

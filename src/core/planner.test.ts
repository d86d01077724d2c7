import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.js";
import type { LayerSet } from "./layers.js";
import { buildLayerSet } from "./layers.js";
import type { Plan } from "./planner.js";
import { apportion, capacityOf, planCollection, traitOf } from "./planner.js";
import { createRng } from "./rng.js";

function layerSet(layers: Array<{ name: string; weights: number[]; unique?: boolean }>): LayerSet {
  return buildLayerSet(
    {
      root: "mem",
      rootFiles: [],
      folders: layers.map((l, i) => ({
        folder: `${String(i).padStart(2, "0")}-${l.name}`,
        files: l.weights.map((w, t) => ({ name: `T${String(t).padStart(2, "0")}#${w}.png`, size: 1 })),
        subfolders: [],
      })),
    },
    { layers: layers.map((l, i) => ({ name: l.name, folder: `${String(i).padStart(2, "0")}-${l.name}`, countsForUniqueness: l.unique ?? true })) },
  );
}

function uniqueKeys(set: LayerSet, plan: Plan): number {
  const keys = new Set<string>();
  for (let i = 0; i < plan.count; i++) {
    keys.add(set.layers.filter((l) => l.countsForUniqueness).map((l) => traitOf(plan, i, l.index)).join(","));
  }
  return keys.size;
}

function recount(set: LayerSet, plan: Plan): number[][] {
  const counts = set.layers.map((l) => l.traits.map(() => 0));
  for (let i = 0; i < plan.count; i++) for (const l of set.layers) (counts[l.index] as number[])[traitOf(plan, i, l.index)]! += 1;
  return counts;
}

const HASHLIPS_LIKE = layerSet([
  { name: "Background", weights: [1] },
  { name: "Eyeball", weights: [50, 50] },
  { name: "Eye color", weights: [1, 1, 1, 1, 10, 1] },
  { name: "Iris", weights: [20, 60, 20] },
  { name: "Shine", weights: [100] },
  { name: "Bottom lid", weights: [40, 20, 40] },
  { name: "Top lid", weights: [50, 20, 30] },
]);

describe("apportion", () => {
  it("every share is within 1 of its exact value and the shares sum to the total", () => {
    const rng = createRng("a");
    for (const [total, weights] of [
      [1000, [1, 2, 3, 4]],
      [7, [1, 1, 1]],
      [100, [0.5, 0.25, 0.25, 0]],
      [12345, [33, 0, 1, 7, 7, 7]],
    ] as Array<[number, number[]]>) {
      const shares = apportion(total, weights, rng);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((s, i) => expect(Math.abs(s - (total * (weights[i] ?? 0)) / sum)).toBeLessThan(1));
      weights.forEach((w, i) => w === 0 && expect(shares[i]).toBe(0));
    }
  });
});

describe("planCollection", () => {
  it("capacity of the HashLips sample order is 324, and 325 fails naming it and the layers", () => {
    expect(capacityOf(HASHLIPS_LIKE.layers)).toBe(324);
    expect(() => planCollection(HASHLIPS_LIKE, 325, "s")).toThrow(
      "count: expected at most 324 tokens (the unique combinations: Background 1 × Eyeball 2 × Eye color 6 × Iris 3 × Shine 1 × Bottom lid 3 × Top lid 3), found 325",
    );
  });

  it("makes every one of the 324 combinations when asked for all, and reports the moved rarity", () => {
    const plan = planCollection(HASHLIPS_LIKE, 324, "s");
    expect(uniqueKeys(HASHLIPS_LIKE, plan)).toBe(324);
    expect(plan.counts[2]).toEqual([54, 54, 54, 54, 54, 54]);
    expect(plan.deviations.find((d) => d.layer === "Eye color" && d.trait === "T04")).toMatchObject({ expected: 216, actual: 54 });
  });

  it.each([50, 100, 200, 300, 323])("never fails while combinations remain: %i of 324 are unique", (n) => {
    const plan = planCollection(HASHLIPS_LIKE, n, `seed-${n}`);
    expect(uniqueKeys(HASHLIPS_LIKE, plan)).toBe(n);
    expect(recount(HASHLIPS_LIKE, plan)).toEqual(plan.counts);
  });

  it("exact rarity on a large layer set: every count within 1 of count × weight / Σweights, all unique", () => {
    const set = layerSet(
      Array.from({ length: 9 }, (_, l) => ({
        name: `L${l}`,
        weights: Array.from({ length: 3 + ((l * 5) % 9) }, (_, t) => 1 + ((t * 13 + l * 7) % 40)),
      })),
    );
    const N = 20000;
    const plan = planCollection(set, N, "large");
    expect(uniqueKeys(set, plan)).toBe(N);
    expect(plan.deviations).toEqual([]);
    const counts = recount(set, plan);
    set.layers.forEach((layer, l) => {
      const total = layer.traits.reduce((a, t) => a + t.weight, 0);
      layer.traits.forEach((t, i) => expect(Math.abs((counts[l]?.[i] ?? 0) - (N * t.weight) / total)).toBeLessThan(1));
    });
  });

  it("skewed weights that still allow exact counts stay exact", () => {
    const set = layerSet([
      { name: "Rare", weights: [90, 5, 5] },
      { name: "A", weights: Array.from({ length: 20 }, () => 1) },
      { name: "B", weights: Array.from({ length: 20 }, (_, i) => 1 + (i % 4)) },
      { name: "C", weights: [1, 2, 3, 4, 5] },
    ]);
    const plan = planCollection(set, 1000, "skew");
    expect(uniqueKeys(set, plan)).toBe(1000);
    expect(plan.deviations).toEqual([]);
  });

  it("stays exact where popular traits crowd one corner of the combinations (the demo layers' weights, 10,000 tokens)", () => {
    const set = layerSet([
      { name: "Background", weights: [30, 25, 20, 15, 8, 2] },
      { name: "Body", weights: [35, 28, 20, 14, 3] },
      { name: "Pattern", weights: [40, 30, 20, 10] },
      { name: "Eyes", weights: [30, 20, 18, 15, 12, 5] },
      { name: "Mouth", weights: [35, 25, 20, 15, 5] },
      { name: "Headwear", weights: [35, 25, 18, 12, 8, 2] },
      { name: "Accessory", weights: [50, 22, 18, 10] },
    ]);
    const plan = planCollection(set, 10000, "crowded");
    expect(uniqueKeys(set, plan)).toBe(10000);
    expect(plan.deviations).toEqual([]);
  });

  it("plans a collection of nearly every combination, unique, reporting what moved", () => {
    const set = layerSet([
      { name: "A", weights: [50, 30, 10, 5, 5] },
      { name: "B", weights: [60, 20, 10, 5, 5] },
      { name: "C", weights: [1, 2, 3, 4, 90] },
      { name: "D", weights: [70, 10, 10, 10] },
    ]);
    const plan = planCollection(set, 480, "full");
    expect(plan.capacity).toBe(500);
    expect(uniqueKeys(set, plan)).toBe(480);
    expect(recount(set, plan)).toEqual(plan.counts);
    expect(plan.deviations.length).toBeGreaterThan(0);
  });

  it("weight 0 is never chosen", () => {
    const set = layerSet([
      { name: "A", weights: [1, 0, 1] },
      { name: "B", weights: [0, 3, 1, 1] },
    ]);
    const plan = planCollection(set, 6, "z");
    expect(capacityOf(set.layers)).toBe(6);
    expect(recount(set, plan)[0]?.[1]).toBe(0);
    expect(recount(set, plan)[1]?.[0]).toBe(0);
    expect(() => planCollection(set, 7, "z")).toThrow(/expected at most 6 tokens/);
  });

  it("layers that do not count for uniqueness do not add capacity but still follow their weights", () => {
    const set = layerSet([
      { name: "A", weights: [1, 1, 1] },
      { name: "Sparkle", weights: [2, 1], unique: false },
    ]);
    expect(capacityOf(set.layers)).toBe(3);
    const plan = planCollection(set, 3, "u");
    expect(uniqueKeys(set, plan)).toBe(3);
    expect(plan.counts[1]).toEqual([2, 1]);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = planCollection(HASHLIPS_LIKE, 200, "same");
    const b = planCollection(HASHLIPS_LIKE, 200, "same");
    const c = planCollection(HASHLIPS_LIKE, 200, "other");
    expect(Buffer.from(a.traits.buffer).equals(Buffer.from(b.traits.buffer))).toBe(true);
    expect(Buffer.from(a.traits.buffer).equals(Buffer.from(c.traits.buffer))).toBe(false);
  });

  it("shuffles tokens: the rarest trait is not clustered at the start or end", () => {
    const set = layerSet([
      { name: "A", weights: [90, 10] },
      { name: "B", weights: Array.from({ length: 50 }, () => 1) },
      { name: "C", weights: Array.from({ length: 50 }, () => 1) },
    ]);
    const plan = planCollection(set, 1000, "spread");
    const rareAt: number[] = [];
    for (let i = 0; i < 1000; i++) if (traitOf(plan, i, 0) === 1) rareAt.push(i);
    expect(rareAt.length).toBe(100);
    const firstHalf = rareAt.filter((i) => i < 500).length;
    expect(firstHalf).toBeGreaterThan(25);
    expect(firstHalf).toBeLessThan(75);
  });

  it("rejects a count that is not a whole number >= 1", () => {
    expect(() => planCollection(HASHLIPS_LIKE, 0, "s")).toThrow(/count: expected a whole number >= 1, found 0/);
    expect(() => planCollection(HASHLIPS_LIKE, 1.5, "s")).toThrow(/found 1.5/);
  });
});

/** sha256 of the traits array (token order included) with capacity, counts, expected shares and deviations. */
function fingerprint(plan: Plan): string {
  const traits = sha256Hex(new Uint8Array(plan.traits.buffer, plan.traits.byteOffset, plan.traits.byteLength));
  return sha256Hex(`${traits}\n${JSON.stringify({ capacity: plan.capacity, counts: plan.counts, expected: plan.expected, deviations: plan.deviations })}`);
}

const dominant = (n: number): number[] => Array.from({ length: n }, (_, t) => (t === 0 ? 1000 : 1));

// Fingerprints recorded from the planner as it was before it was split into collisions.ts and placement.ts
// (scripts/planner-fingerprints.ts checks ~200 more): any change to any plan, token order included, fails here.
// Each case names the path of the planner it reaches.
describe("planCollection gives the same plans as before", () => {
  it.each([
    ["every combination, moved rarity (free list)", HASHLIPS_LIKE, 324, "s", "04349ac2d4f66fd56980e87b1953141fcf8d1f7f5c0a2d02e0c5ea98c753d362"],
    ["most combinations (free list)", HASHLIPS_LIKE, 200, "same", "b7078063610be37dfdb1e9796eb9eb4cd3f7199a75da5bfe0d43360bec6c06f6"],
    ["one token", HASHLIPS_LIKE, 1, "one", "d49c7baef7eadf65026b1194b669e8c95e16a2052f5fa4aba81ad6af10a67fb2"],
    [
      "crowded corner, exact (ejection chains)",
      layerSet([
        { name: "Background", weights: [30, 25, 20, 15, 8, 2] },
        { name: "Body", weights: [35, 28, 20, 14, 3] },
        { name: "Pattern", weights: [40, 30, 20, 10] },
        { name: "Eyes", weights: [30, 20, 18, 15, 12, 5] },
        { name: "Mouth", weights: [35, 25, 20, 15, 5] },
        { name: "Headwear", weights: [35, 25, 18, 12, 8, 2] },
        { name: "Accessory", weights: [50, 22, 18, 10] },
      ]),
      10000,
      "crowded",
      "f73852185d8fcbac457ee50618859f6122237a323061268ca2f43104f58dd373",
    ],
    [
      "480 of 500 (free list)",
      layerSet([
        { name: "A", weights: [50, 30, 10, 5, 5] },
        { name: "B", weights: [60, 20, 10, 5, 5] },
        { name: "C", weights: [1, 2, 3, 4, 90] },
        { name: "D", weights: [70, 10, 10, 10] },
      ]),
      480,
      "full",
      "0aa9a3b9d88c37b5dbafbcbc833b8c16fff07dc6468be0935ab6ba0a6ffb5c67",
    ],
    [
      "a layer that does not count, a weight 0",
      layerSet([
        { name: "A", weights: [3, 1, 1, 2] },
        { name: "Sparkle", weights: [2, 1], unique: false },
        { name: "B", weights: [1, 0, 5] },
      ]),
      8,
      "u",
      "5cb93b5814ab63dc28412db6d5b75c5917e035bf9732c8b08130089031789f9f",
    ],
    [
      "2^23 combinations, too many to list (single changes, random combinations)",
      layerSet(Array.from({ length: 23 }, (_, l) => ({ name: `L${l}`, weights: dominant(2) }))),
      600,
      "no-free-list",
      "e9d94df49874bdea73bf9830f62603abec556384beb5ec5fec2830eda9e769e6",
    ],
    [
      "2^53 combinations (string keys)",
      layerSet(Array.from({ length: 53 }, (_, l) => ({ name: `L${l}`, weights: dominant(2) }))),
      120,
      "string-keys",
      "84f43fbf48c8d3f28e25295b96bb28f9bce25925a59d041004a3c708d108a0f8",
    ],
    [
      "500^6 traits with 3^6 chooseable, all of them (string keys down to the scan)",
      layerSet(
        Array.from({ length: 6 }, (_, l) => ({
          name: `L${l}`,
          weights: Array.from({ length: 500 }, (_, t) => (t < 3 ? (t === 0 ? 60 : t === 1 ? 30 : 10) + (l === 5 && t === 0 ? 100 : 0) : 0)),
        })),
      ),
      729,
      "scan",
      "dfb9976fd8b4536bdf3d40f0a9b91a7062e8f3b78c315eea791606d821a01638",
    ],
  ] as Array<[string, LayerSet, number, string, string]>)("%s", (_name, set, count, seed, expected) => {
    expect(fingerprint(planCollection(set, count, seed))).toBe(expected);
  });
});

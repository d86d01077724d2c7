import { describe, expect, it } from "vitest";
import { isTraitloomError } from "./errors.js";
import type { LayerSet } from "./layers.js";
import { buildLayerSet } from "./layers.js";
import type { Plan } from "./planner.js";
import { planCollection, traitOf } from "./planner.js";
import { analyzeRules, hasRules, ruleCapacity, withRules, type RuledLayerSet } from "./ruleModel.js";
import { collectionCapacity, previewRuleCounts, spreadCapacity, tokensCloserThan } from "./rulePlanner.js";
import type { CountsConfig, RuleConfig, RuleSpec } from "./rules.js";
import { createRng, type Rng } from "./rng.js";

interface LayerSpec {
  name: string;
  traits: Record<string, number>;
  unique?: boolean;
}

function makeSet(layers: LayerSpec[]): LayerSet {
  return buildLayerSet(
    {
      root: "mem",
      rootFiles: [],
      folders: layers.map((l, i) => ({
        folder: `${String(i).padStart(2, "0")}-${l.name}`,
        files: Object.entries(l.traits).map(([t, w]) => ({ name: `${t}#${w}.png`, size: 1 })),
        subfolders: [],
      })),
    },
    { layers: layers.map((l, i) => ({ name: l.name, folder: `${String(i).padStart(2, "0")}-${l.name}`, countsForUniqueness: l.unique ?? true })) },
  );
}

function ruled(set: LayerSet, spec: RuleSpec): RuledLayerSet {
  const r = withRules(set, spec);
  if (!hasRules(r)) throw new Error("expected rules");
  return r;
}

/** The token's trait names by layer name. */
function tokenOf(set: LayerSet, plan: Plan, i: number): Record<string, string> {
  return Object.fromEntries(set.layers.map((l) => [l.name, l.traits[traitOf(plan, i, l.index)]?.name ?? "?"]));
}

/** The rules' meaning from the config's words, not from the compiler: the test's own reading. */
function keeps(set: LayerSet, rule: RuleConfig, token: Record<string, string>): boolean {
  const layerName = (id: string): string => {
    const key = id.split("/")[0] as string;
    return (set.layers.find((l) => l.name === key || l.folder === key) ?? { name: "?" }).name;
  };
  const has = (id: string): boolean => {
    const trait = id.split("/")[1];
    return trait === "*" || token[layerName(id)] === trait;
  };
  const list = (x: string | string[]): string[] => (typeof x === "string" ? [x] : x);
  if ("never" in rule) return !(has(rule.never[0]) && list(rule.never[1]).some(has));
  if ("only" in rule) return !has(rule.only) || list(rule.with).some(has);
  if ("always" in rule) return rule.always.every(has) || !rule.always.some(has);
  const groups = new Map<string, string[]>();
  for (const id of list(rule.then)) groups.set(layerName(id), [...(groups.get(layerName(id)) ?? []), id]);
  return !has(rule.if) || [...groups.values()].every((g) => g.some(has));
}

/** Checks every token against every rule and uniqueness, and the plan's counts against a recount. */
function checkPlan(set: RuledLayerSet, plan: Plan, rules: RuleConfig[]): { counts: Record<string, number> } {
  const keys = new Set<string>();
  const counts: Record<string, number> = {};
  const unique = set.layers.filter((l) => set.ruleSet.unique[l.index]);
  for (let i = 0; i < plan.count; i++) {
    const token = tokenOf(set, plan, i);
    for (const [r, rule] of rules.entries()) if (!keeps(set, rule, token)) throw new Error(`token ${i} ${JSON.stringify(token)} breaks rules[${r}]`);
    keys.add(unique.map((l) => token[l.name]).join("|"));
    for (const [layer, trait] of Object.entries(token)) counts[`${layer}/${trait}`] = (counts[`${layer}/${trait}`] ?? 0) + 1;
  }
  expect(keys.size).toBe(plan.count);
  set.layers.forEach((l) => l.traits.forEach((t) => expect(plan.counts[l.index]?.[t.index] ?? 0).toBe(counts[`${l.name}/${t.name}`] ?? 0)));
  return { counts };
}

const PFP = makeSet([
  { name: "Background", traits: { Sky: 30, Night: 5, Sunset: 10 }, unique: false },
  { name: "Body", traits: { Blue: 50, Gold: 5, Robot: 10, Green: 35 } },
  { name: "Eyes", traits: { Plain: 50, Laser: 20, Sleepy: 30 } },
  { name: "Hair", traits: { Short: 40, Mohawk: 20, Bald: 20, Long: 20 } },
  { name: "Hat", traits: { None: 50, Crown: 10, Cap: 40 } },
  { name: "Mouth", traits: { Smile: 50, Frown: 30, Open: 20 } },
  { name: "Clothes", traits: { Tee: 40, Floral: 20, Suit: 40 } },
  { name: "Accessory", traits: { None: 70, Shades: 20, Pipe: 10 } },
  { name: "Pattern", traits: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`P${i}`, 10])) },
]);

function expectedOf(plan: Plan, set: LayerSet, id: string): number {
  const [layer, trait] = id.split("/") as [string, string];
  const l = set.layers.find((x) => x.name === layer)!;
  return plan.expected[l.index]?.[l.traits.find((t) => t.name === trait)!.index] ?? NaN;
}

describe("planCollection with rules: each rule kind, both directions", () => {
  const rules: RuleConfig[] = [
    { never: ["Hat/Crown", "Hair/Mohawk"] },
    { only: "Eyes/Laser", with: ["Body/Gold", "Body/Robot"] },
    { always: ["Hat/Cap", "Hair/Bald"] },
    { if: "Clothes/Floral", then: ["Accessory/Shades", "Accessory/Pipe"] },
    { if: "Clothes/Floral", then: "Background/Night" },
  ];
  const set = ruled(PFP, { rules });
  const N = 2000;
  const plan = planCollection(set, N, "kinds");
  const { counts } = checkPlan(set, plan, rules);

  it("never: Crown and Mohawk both appear, never together", () => {
    expect(counts["Hat/Crown"]).toBeGreaterThan(100);
    expect(counts["Hair/Mohawk"]).toBeGreaterThan(100);
  });

  it("only: Laser only with Gold or Robot, lowered to what they allow; Gold and Robot stay free (one way)", () => {
    // Laser's share is 400 but Gold and Robot have 100 + 200: Laser moves down to 300, the nearest the rule allows.
    expect(counts["Eyes/Laser"]).toBe((counts["Body/Gold"] ?? 0) + (counts["Body/Robot"] ?? 0));
    expect(Math.abs((counts["Body/Gold"] ?? 0) - expectedOf(plan, set, "Body/Gold"))).toBeLessThan(1);
    expect(Math.abs((counts["Body/Robot"] ?? 0) - expectedOf(plan, set, "Body/Robot"))).toBeLessThan(1);
    const laser = plan.deviations.find((d) => d.trait === "Laser");
    expect(laser).toMatchObject({ layer: "Eyes", expected: 400, actual: 300, rule: 'rules[1] (only "Eyes/Laser" with "Body/Gold" or "Body/Robot")' });
    // The Laser share went to the other eyes by weight: Plain 50, Sleepy 30 of the 100 left.
    expect(Math.abs((counts["Eyes/Plain"] ?? 0) - (1000 + 100 * (50 / 80)))).toBeLessThanOrEqual(1);
    expect(Math.abs((counts["Eyes/Sleepy"] ?? 0) - (600 + 100 * (30 / 80)))).toBeLessThanOrEqual(1);
  });

  it("always: Cap and Bald on the same tokens, their counts met in the middle", () => {
    expect(counts["Hat/Cap"]).toBe(counts["Hair/Bald"]);
    // Shares 800 and 400 (the Cap share without Crown's): the nearest common count is between them.
    expect(counts["Hat/Cap"]).toBeGreaterThanOrEqual(400);
    expect(counts["Hat/Cap"]).toBeLessThanOrEqual(800);
    expect(plan.deviations.find((d) => d.trait === "Cap")?.rule).toMatch(/^rules\[2\]/);
  });

  it("if/then: every Floral token has Shades or Pipe and Night; Shades, Pipe and Night appear without Floral too", () => {
    expect(Math.abs((counts["Clothes/Floral"] ?? 0) - 400)).toBeLessThan(1);
    // Shades and Pipe have 600 between them: no move, and 200 of them go to tokens without Floral (one way).
    expect((counts["Accessory/Shades"] ?? 0) + (counts["Accessory/Pipe"] ?? 0)).toBe(600);
    expect(plan.deviations.filter((d) => d.layer === "Accessory")).toEqual([]);
    // Night's share is 222 but every Floral token needs it: raised to 400, the nearest the rule allows.
    expect(plan.deviations.find((d) => d.trait === "Night")).toMatchObject({ expected: 2000 / 9, actual: 400, rule: 'rules[4] (if "Clothes/Floral" then "Background/Night")' });
    let nightWithoutFloral = 0;
    for (let i = 0; i < plan.count; i++) {
      const token = tokenOf(set, plan, i);
      if (token.Background === "Night" && token.Clothes !== "Floral") nightWithoutFloral++;
    }
    expect(nightWithoutFloral).toBe((counts["Background/Night"] ?? 0) - (counts["Clothes/Floral"] ?? 0));
  });

  it("layers no rule names keep every count within 1 of its share", () => {
    for (const layer of ["Mouth", "Pattern"]) expect(plan.deviations.filter((d) => d.layer === layer)).toEqual([]);
    for (const d of plan.deviations) expect(d.rule, `${d.layer}/${d.trait}`).toBeDefined();
  });

  it("the preview before planning names the same moves, and the capacity is the same with or without the rules' planner", () => {
    const preview = previewRuleCounts(set, N);
    for (const trait of ["Laser", "Night", "Cap", "Bald"]) {
      const planned = plan.deviations.find((d) => d.trait === trait);
      expect(preview.find((d) => d.trait === trait), trait).toEqual(planned);
    }
    expect(collectionCapacity(set)).toBe(ruleCapacity(set));
    expect(collectionCapacity(PFP)).toBe(BigInt(planCollection(PFP, 1, "c").capacity));
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const again = planCollection(set, N, "kinds");
    expect(Buffer.from(again.traits.buffer).equals(Buffer.from(plan.traits.buffer))).toBe(true);
    const other = planCollection(set, N, "other");
    expect(Buffer.from(other.traits.buffer).equals(Buffer.from(plan.traits.buffer))).toBe(false);
  });
});

describe("planCollection with rules: counts", () => {
  it("fixed counts are exact, a wildcard minimum reaches every trait, other traits share the rest by weight", () => {
    const counts: CountsConfig = { "Hat/Crown": 10, "Accessory/*": { min: 150 }, "Mouth/Open": { max: 30 } };
    const rules: RuleConfig[] = [{ never: ["Hat/Crown", "Hair/Mohawk"] }];
    const set = ruled(PFP, { rules, counts });
    const plan = planCollection(set, 1000, "counts");
    const c = checkPlan(set, plan, rules).counts;
    expect(c["Hat/Crown"]).toBe(10);
    // None 50, Cap 40 share the other 990.
    expect(Math.abs((c["Hat/None"] ?? 0) - 550)).toBeLessThan(1);
    expect(Math.abs((c["Hat/Cap"] ?? 0) - 440)).toBeLessThan(1);
    // Pipe's share (100) is raised to its minimum; None 70 and Shades 20 share the other 850.
    expect(c["Accessory/Pipe"]).toBe(150);
    expect(Math.abs((c["Accessory/Shades"] ?? 0) - (850 * 20) / 90)).toBeLessThan(1);
    expect(Math.abs((c["Accessory/None"] ?? 0) - (850 * 70) / 90)).toBeLessThan(1);
    expect(c["Mouth/Open"]).toBe(30);
    expect(Math.abs((c["Mouth/Smile"] ?? 0) - (970 * 50) / 80)).toBeLessThan(1);
    expect(plan.deviations).toEqual([]);
    expect(expectedOf(plan, set, "Hat/Crown")).toBe(10);
  });

  it("fixed counts with rules: the rule moves the free side, never the fixed one", () => {
    const rules: RuleConfig[] = [{ only: "Eyes/Laser", with: ["Body/Gold"] }];
    const set = ruled(PFP, { rules, counts: { "Eyes/Laser": 120 } });
    const plan = planCollection(set, 1000, "fixed-only");
    const c = checkPlan(set, plan, rules).counts;
    expect(c["Eyes/Laser"]).toBe(120);
    expect(c["Body/Gold"]).toBeGreaterThanOrEqual(120);
    expect(plan.deviations.find((d) => d.trait === "Gold")).toMatchObject({ expected: 50, actual: 120, rule: expect.stringMatching(/^rules\[0\]/) });
  });

  it("fixed counts that a rule cannot hold fail at once, naming the counts and the rule", () => {
    const set = ruled(PFP, { rules: [{ only: "Eyes/Laser", with: ["Body/Gold"] }], counts: { "Eyes/Laser": 120, "Body/Gold": 40 } });
    expect(() => planCollection(set, 1000, "s")).toThrow(
      /counts\["Eyes\/Laser"\] and counts\["Body\/Gold"\] conflict with rules\[0\] \(only "Eyes\/Laser" with "Body\/Gold"\)/,
    );
    const always = ruled(PFP, { rules: [{ always: ["Hat/Cap", "Hair/Bald"] }], counts: { "Hat/Cap": 100, "Hair/Bald": 90 } });
    expect(() => planCollection(always, 1000, "s")).toThrow(/conflict with rules\[0\] \(always "Hat\/Cap", "Hair\/Bald" together\)/);
  });

  it("a fixed count larger than the combinations that can have its trait fails at once", () => {
    const small = makeSet([
      { name: "A", traits: { x: 1, y: 1, z: 1 } },
      { name: "B", traits: { p: 1, q: 1, r: 1 } },
    ]);
    const set = ruled(small, { rules: [{ only: "A/x", with: ["B/p"] }], counts: { "A/x": 2 } });
    expect(() => planCollection(set, 5, "s")).toThrow(/counts\["A\/x"\]: expected 2 tokens with "A\/x", but only 1 unique combinations have it under rules\[0\]/);
  });

  it("a weight-0 trait with a count appears exactly that often; a move forced by uniqueness carries no rule", () => {
    const set = buildLayerSet({
      root: "mem",
      rootFiles: [],
      folders: [
        { folder: "01-Hat", files: ["None#50.png", "Gold#0.png", "Cap#40.png"].map((name) => ({ name, size: 1 })), subfolders: [] },
        { folder: "02-Eyes", files: ["A#1000.png", "B#1000.png", "Rare#0.01.png"].map((name) => ({ name, size: 1 })), subfolders: [] },
        { folder: "03-X", files: Array.from({ length: 40 }, (_, i) => ({ name: `x${i}.png`, size: 1 })), subfolders: [] },
      ],
    });
    const rules: RuleConfig[] = [{ if: "Hat/Gold", then: "Eyes/Rare" }];
    const r = ruled(set, { rules, counts: { "Hat/Gold": 3, "Eyes/*": { min: 1 } } });
    const plan = planCollection(r, 200, "w0");
    const c = checkPlan(r, plan, rules).counts;
    expect(c["Hat/Gold"]).toBe(3);
    // A and B fit at most 80 tokens each (2 hats × 40): Rare takes the rest, a move uniqueness forced.
    expect(c["Eyes/Rare"]).toBe(40);
    expect(plan.deviations.find((d) => d.trait === "Rare")).toEqual({ layer: "Eyes", trait: "Rare", expected: 1, actual: 40 });
    // 247 tokens without Gold do not fit the 240 combinations without it.
    expect(() => planCollection(r, 250, "w0")).toThrow(
      'counts["Hat/Gold"]: exactly 3 tokens with "Hat/Gold" leaves 247 tokens without it, but only 240 unique combinations are without it under rules[0] (if "Hat/Gold" then "Eyes/Rare")',
    );
  });

  it("counts a layer cannot hold fail at once", () => {
    expect(() => planCollection(ruled(PFP, { counts: { "Hat/Crown": 600, "Hat/Cap": 600 } }), 1000, "s")).toThrow(/counts ask for at least 1200 tokens on layer Hat/);
    expect(() => planCollection(ruled(PFP, { counts: { "Hat/*": { max: 300 } } }), 1000, "s")).toThrow(/counts allow at most 900 tokens on layer Hat/);
  });
});

describe("planCollection with rules: capacity", () => {
  it("asking for more than the rules allow fails at once with the number and the costliest rules", () => {
    const small = makeSet([
      { name: "A", traits: { a1: 1, a2: 1, a3: 1 } },
      { name: "B", traits: { b1: 1, b2: 1, b3: 1 } },
      { name: "C", traits: { c1: 1, c2: 1 } },
    ]);
    const set = ruled(small, { rules: [{ never: ["A/a1", "B/b1"] }, { only: "A/a2", with: ["B/b2"] }] });
    // 18 combinations; never removes 2, only removes 4.
    expect(ruleCapacity(set)).toBe(12n);
    try {
      planCollection(set, 13, "s");
      expect.unreachable();
    } catch (e) {
      expect(isTraitloomError(e) && e.code).toBe("CAPACITY");
      expect((e as Error).message).toBe(
        'asked for 13 tokens but the layers and rules allow only 12 unique combinations (the layers alone: 18, A 3 × B 3 × C 2); the rules that cost the most: rules[1] (only "A/a2" with "B/b2") (without it: 16), rules[0] (never "A/a1" with "B/b1") (without it: 14): add traits, drop rules or lower the count',
      );
    }
  });

  it("plans every combination the rules allow when asked for all, a layer that does not count included", () => {
    const small = makeSet([
      { name: "Bg", traits: { Day: 1, Night: 1 }, unique: false },
      { name: "A", traits: { a1: 3, a2: 1, a3: 1 } },
      { name: "B", traits: { b1: 1, b2: 5, b3: 1, b4: 1 } },
      { name: "C", traits: { c1: 1, c2: 1, c3: 2 } },
    ]);
    const rules: RuleConfig[] = [
      { if: "Bg/Night", then: ["A/a1"] },
      { if: "Bg/Day", then: ["C/c3", "C/c1"] },
      { never: ["A/a2", "B/b2"] },
      { always: ["A/a3", "C/c2"] },
    ];
    const set = ruled(small, { rules });
    const capacity = Number(ruleCapacity(set));
    const plan = planCollection(set, capacity, "all");
    expect(plan.capacity).toBe(capacity);
    checkPlan(set, plan, rules);
    expect(() => planCollection(set, capacity + 1, "all")).toThrow(/allow only/);
  });

  it("plans every rule-keeping combination of a few thousand (the listed free combinations, sampled)", () => {
    const rng = createRng("full");
    const set = makeSet(
      Array.from({ length: 5 }, (_, l) => ({ name: `L${l}`, traits: Object.fromEntries(Array.from({ length: 7 }, (_, t) => [`t${t}`, 1 + rng.int(20)])) })),
    );
    const rules: RuleConfig[] = [
      { never: ["L0/t0", ["L1/t1", "L2/t2"]] },
      { only: "L3/t3", with: ["L4/t4", "L4/t5"] },
      { always: ["L1/t3", "L2/t3"] },
      { if: "L4/t0", then: ["L0/t1", "L0/t2"] },
    ];
    const r = ruled(set, { rules });
    const capacity = Number(ruleCapacity(r));
    expect(capacity).toBeGreaterThan(3000);
    const plan = planCollection(r, capacity, "full");
    checkPlan(r, plan, rules);
  });

  it("uniqueness.layers: unique on those layers only, counted in the capacity", () => {
    const set = ruled(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }], uniqueness: { layers: ["Hat", "Hair"] } });
    // Hat 3 × Hair 4 = 12, less Crown with Mohawk.
    expect(ruleCapacity(set)).toBe(11n);
    const plan = planCollection(set, 11, "u");
    checkPlan(set, plan, [{ never: ["Hat/Crown", "Hair/Mohawk"] }]);
  });
});

describe("planCollection with rules: uniqueness.minDifferences", () => {
  const rules: RuleConfig[] = [{ never: ["Hat/Crown", "Hair/Mohawk"] }, { only: "Eyes/Laser", with: ["Body/Gold", "Body/Robot"] }];
  const uniqueLayers = PFP.layers.filter((l) => l.countsForUniqueness).map((l) => l.index);
  it("every two tokens differ in at least 2 (or 3) unique layers, rules kept", () => {
    const loose = planCollection(ruled(PFP, { rules }), 600, "md");
    expect(tokensCloserThan(loose, uniqueLayers, 2)).toBeGreaterThan(0);
    for (const [k, n] of [
      [2, 600],
      [3, 60],
    ] as const) {
      const set = ruled(PFP, { rules, uniqueness: { minDifferences: k } });
      const plan = planCollection(set, n, "md");
      checkPlan(set, plan, rules);
      expect(tokensCloserThan(plan, uniqueLayers, k), `minDifferences ${k}`).toBe(0);
    }
  });

  it("counted exactly over every unique layer without rules; with rules a bound, and the plan fails saying so where no far enough combination is left", () => {
    const small = makeSet([
      { name: "A", traits: { a: 1, b: 1, c: 1 } },
      { name: "B", traits: { a: 1, b: 1, c: 1 } },
    ]);
    // 9 combinations, but at most 3 pairwise 2 apart (a Latin-square row): counted exactly, so 4 fails at once.
    const set = ruled(small, { uniqueness: { minDifferences: 2 } });
    expect(collectionCapacity(set)).toBe(3n);
    const three = planCollection(set, 3, "s");
    expect(three.capacity).toBe(3);
    expect(tokensCloserThan(three, [0, 1], 2)).toBe(0);
    expect(() => planCollection(set, 4, "s")).toThrow(
      "asked for 4 tokens but uniqueness.minDifferences 2 allows only 3 tokens that differ pairwise in 2 of the 2 unique layers (every unique layer must differ between any two tokens, and the smallest has 3 traits): lower the count or minDifferences, or add traits",
    );
    // With a rule the number is a bound: the plan is checked, and fails saying how many found no place.
    // a and b both need B/a, so no 3 tokens differ in both layers, though the bound says 3 might.
    const tied = ruled(small, { rules: [{ only: "A/a", with: "B/a" }, { only: "A/b", with: "B/a" }], uniqueness: { minDifferences: 2 } });
    expect(spreadCapacity(tied)).toEqual({ k: 2, uniqueLayers: 2, tokens: 3n, exact: false });
    expect(collectionCapacity(tied)).toBe(5n);
    expect(planCollection(tied, 2, "s").count).toBe(2);
    expect(() => planCollection(tied, 3, "s")).toThrow(/minDifferences: 2: \d+ of 3 tokens found no combination/);
  });

  it("below every unique layer, the Singleton bound refuses at once what cannot fit; up to it the plan is checked", () => {
    const cube = makeSet([
      { name: "A", traits: { a: 1, b: 1, c: 1 } },
      { name: "B", traits: { a: 1, b: 1, c: 1, d: 1 } },
      { name: "C", traits: { a: 1, b: 1, c: 1, d: 1, e: 1 } },
    ]);
    const set = ruled(cube, { uniqueness: { minDifferences: 2 } });
    // No two tokens agree on 2 of the 3 layers: at most 3 x 4 combinations of the two smallest.
    expect(spreadCapacity(set)).toEqual({ k: 2, uniqueLayers: 3, tokens: 12n, exact: false });
    expect(collectionCapacity(set)).toBe(60n);
    expect(() => planCollection(set, 13, "s")).toThrow(/allows at most 12 tokens that differ pairwise in 2 of the 3 unique layers \(no two tokens may agree on 2 of the 3 unique layers/);
    const plan = planCollection(set, 10, "s");
    expect(tokensCloserThan(plan, [0, 1, 2], 2)).toBe(0);
  });
});

function randomId(set: LayerSet, rng: Rng): string {
  const layer = set.layers[rng.int(set.layers.length)]!;
  if (rng.int(12) === 0) return `${layer.name}/*`;
  return `${layer.name}/${layer.traits[rng.int(layer.traits.length)]!.name}`;
}

function randomRule(set: LayerSet, rng: Rng): RuleConfig {
  const ids = (n: number): string[] => Array.from({ length: n }, () => randomId(set, rng));
  const kind = rng.int(4);
  if (kind === 0) return { never: [randomId(set, rng), ids(1 + rng.int(2))] };
  if (kind === 1) return { only: randomId(set, rng), with: ids(1 + rng.int(3)) };
  if (kind === 2) return { always: ids(2) };
  return { if: randomId(set, rng), then: ids(1 + rng.int(2)) };
}

describe("planCollection with rules: seeded random sets", () => {
  it("120 small random sets with random rules: every token keeps every rule, all unique, up to every combination", () => {
    const rng = createRng("random-plans");
    let planned = 0;
    for (let c = 0; c < 120; c++) {
      const set = makeSet(
        Array.from({ length: 3 + rng.int(3) }, (_, l) => ({
          name: `L${l}`,
          traits: Object.fromEntries(Array.from({ length: 2 + rng.int(4) }, (_, t) => [`t${t}`, 1 + rng.int(9)])),
          unique: rng.int(5) !== 0,
        })),
      );
      const rules = Array.from({ length: 1 + rng.int(6) }, () => randomRule(set, rng));
      const a = analyzeRules(set, { rules });
      if (!a.ruleSet) continue;
      const r = ruled(set, { rules });
      const capacity = Number(ruleCapacity(r));
      if (capacity === 0) continue;
      const n = 1 + rng.int(capacity);
      const plan = planCollection(r, n, `case-${c}`);
      checkPlan(r, plan, rules);
      planned++;
    }
    expect(planned).toBeGreaterThan(80);
  });

  it("20,000 tokens over 8 layers with 30 rules and fixed counts: no token breaks a rule, fixed counts exact, moves named", () => {
    const rng = createRng("large");
    const set = makeSet(
      Array.from({ length: 8 }, (_, l) => ({
        name: `L${l}`,
        traits: Object.fromEntries(Array.from({ length: 12 }, (_, t) => [`t${String(t).padStart(2, "0")}`, 1 + rng.int(30)])),
        unique: l !== 0,
      })),
    );
    const id = (l: number): string => `L${l}/t${String(rng.int(12)).padStart(2, "0")}`;
    const rules: RuleConfig[] = [];
    for (let r = 0; r < 30; r++) {
      const a = rng.int(8);
      const b = (a + 1 + rng.int(7)) % 8;
      const k = r % 4;
      rules.push(k === 0 ? { never: [id(a), [id(b), id(b)]] } : k === 1 ? { only: id(a), with: [id(b), id(b), id(b)] } : k === 2 ? { always: [id(a), id(b)] } : { if: id(a), then: [id(b), id(b)] });
    }
    const a = analyzeRules(set, { rules });
    // Fixed counts on traits of layers 0..7 that no always-rule ties (those must equal their partners).
    const counts: CountsConfig = {};
    for (let l = 0; l < 8 && Object.keys(counts).length < 4; l++) {
      const t = `L${l}/t11`;
      if (!rules.some((r) => "always" in r && r.always.includes(t))) counts[t] = 300 + 40 * l;
    }
    const r = ruled(set, { rules, counts });
    const N = 20000;
    const plan = planCollection(r, N, "large");
    const c = checkPlan(r, plan, rules).counts;
    for (const [t, n] of Object.entries(counts)) expect(c[t], t).toBe(n);
    // Traits away from their share were moved by a rule, and say which; uniqueness moved few others, and little.
    const byRule = plan.deviations.filter((d) => d.rule !== undefined);
    for (const d of byRule) expect(d.rule, `${d.layer}/${d.trait}`).toMatch(/^rules\[\d+\] \(/);
    const byUniqueness = plan.deviations.filter((d) => d.rule === undefined);
    console.log(`20,000 tokens: ${byRule.length} traits moved by rules, ${byUniqueness.length} by uniqueness`, byUniqueness);
    expect(byRule.length).toBeGreaterThan(20);
    expect(byUniqueness.reduce((s, d) => s + Math.abs(d.actual - d.expected), 0)).toBeLessThan(N / 200);
    // Traits of layers no rule names are within 1 of their share.
    const named = new Set(a.ruleSet!.rules.flatMap((x) => x.refs.map((ref) => ref.layer)));
    for (const layer of r.layers.filter((l) => !named.has(l.index))) {
      layer.traits.forEach((t) => expect(Math.abs((plan.counts[layer.index]?.[t.index] ?? 0) - (plan.expected[layer.index]?.[t.index] ?? 0))).toBeLessThan(1));
    }
  });
});

describe("planCollection with rules: plans without rules are untouched", () => {
  it("an empty rules list or no counts give the planner's plan without rules, byte for byte", () => {
    const a = planCollection(PFP, 500, "same");
    for (const spec of [{}, { rules: [] }, { counts: {} }] as RuleSpec[]) {
      const b = planCollection(withRules(PFP, spec), 500, "same");
      expect(Buffer.from(b.traits.buffer).equals(Buffer.from(a.traits.buffer))).toBe(true);
      expect(b.deviations).toEqual(a.deviations);
    }
  });
});

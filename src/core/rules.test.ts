import { describe, expect, it } from "vitest";
import { configSchema } from "./config.js";
import { isTraitloomError } from "./errors.js";
import type { LayerSet } from "./layers.js";
import { buildLayerSet } from "./layers.js";
import { countCombinations, countPerTrait, MAX_STEP_CELLS, RuleComplexityError, supportedTraits } from "./ruleCount.js";
import {
  analyzeRules,
  brokenRules,
  compileRuleClauses,
  countModelOf,
  domainsOf,
  hasRules,
  resolveTraitId,
  ruleCapacity,
  ruleFingerprint,
  withRules,
  type RuledLayerSet,
} from "./ruleModel.js";
import { countsSchema, rulesSchema, type RuleConfig, type RuleSpec } from "./rules.js";
import { createRng, type Rng } from "./rng.js";

interface LayerSpec {
  name: string;
  traits: Record<string, number>;
  unique?: boolean;
}

/** A layer set from trait names and weights, folders numbered "00-Name", … */
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

const PFP = makeSet([
  { name: "Background", traits: { Sky: 3, Night: 1 }, unique: false },
  { name: "Body", traits: { Blue: 5, Gold: 1, Robot: 1 } },
  { name: "Eyes", traits: { Plain: 5, Laser: 1, Sleepy: 2 } },
  { name: "Hair", traits: { Short: 4, Mohawk: 1, Bald: 2 } },
  { name: "Hat", traits: { None: 5, Crown: 1, Cap: 2 } },
]);

function ruled(set: LayerSet, spec: RuleSpec): RuledLayerSet {
  const r = withRules(set, spec);
  if (!hasRules(r)) throw new Error("expected rules");
  return r;
}

/** Every full token of the layer set (weight > 0 traits, or as counts say), as trait indices per layer. */
function* allTokens(set: LayerSet, domains: number[][]): Generator<number[]> {
  const token = set.layers.map(() => 0);
  const L = set.layers.length;
  const idx = token.map(() => 0);
  if (domains.some((d) => d.length === 0)) return;
  for (;;) {
    for (let l = 0; l < L; l++) token[l] = domains[l]?.[idx[l] ?? 0] ?? 0;
    yield [...token];
    let l = L - 1;
    for (; l >= 0; l--) {
      idx[l] = (idx[l] ?? 0) + 1;
      if ((idx[l] ?? 0) < (domains[l]?.length ?? 0)) break;
      idx[l] = 0;
    }
    if (l < 0) return;
  }
}

/** The rules' meaning, written from the config's words and not from the compiler: the test's own reading. */
function keepsRule(set: LayerSet, rule: RuleConfig, token: readonly number[]): boolean {
  const layerOf = (id: string): number => {
    const layerName = id.split("/")[0] as string;
    const layer = set.layers.find((l) => l.name === layerName || l.folder === layerName);
    if (!layer) throw new Error(`test: no layer ${layerName}`);
    return layer.index;
  };
  const has = (id: string): boolean => {
    const traitName = id.split("/")[1] as string;
    const layer = set.layers[layerOf(id)]!;
    return traitName === "*" || layer.traits[token[layer.index] ?? -1]?.name === traitName;
  };
  const list = (x: string | string[]): string[] => (typeof x === "string" ? [x] : x);
  if ("never" in rule) return !(has(rule.never[0]) && list(rule.never[1]).some(has));
  if ("only" in rule) return !has(rule.only) || list(rule.with).some(has);
  if ("always" in rule) return rule.always.every(has) || !rule.always.some(has);
  const groups = new Map<number, string[]>();
  for (const id of list(rule.then)) groups.set(layerOf(id), [...(groups.get(layerOf(id)) ?? []), id]);
  return !has(rule.if) || [...groups.values()].every((g) => g.some(has));
}

/** Capacity by enumeration: distinct combinations of the unique layers that some rule-keeping token has. */
function bruteCapacity(set: LayerSet, rules: RuleConfig[], domains: number[][], unique: boolean[]): { capacity: number; supported: Set<string> } {
  const combos = new Set<string>();
  const supported = new Set<string>();
  for (const token of allTokens(set, domains)) {
    if (!rules.every((r) => keepsRule(set, r, token))) continue;
    combos.add(token.filter((_, l) => unique[l]).join(","));
    token.forEach((t, l) => supported.add(`${l}:${t}`));
  }
  return { capacity: combos.size, supported };
}

function randomId(set: LayerSet, rng: Rng): string {
  const layer = set.layers[rng.int(set.layers.length)]!;
  if (rng.int(8) === 0) return `${layer.name}/*`;
  return `${rng.int(3) === 0 ? layer.folder : layer.name}/${layer.traits[rng.int(layer.traits.length)]!.name}`;
}

function randomRule(set: LayerSet, rng: Rng): RuleConfig {
  const ids = (n: number): string[] => Array.from({ length: n }, () => randomId(set, rng));
  const kind = rng.int(4);
  if (kind === 0) return rng.int(2) === 0 ? { never: [randomId(set, rng), randomId(set, rng)] } : { never: [randomId(set, rng), ids(1 + rng.int(3))] };
  if (kind === 1) return { only: randomId(set, rng), with: ids(1 + rng.int(3)) };
  if (kind === 2) return { always: ids(2 + rng.int(2)) };
  return { if: randomId(set, rng), then: rng.int(2) === 0 ? randomId(set, rng) : ids(1 + rng.int(3)) };
}

function randomSet(rng: Rng): LayerSet {
  const L = 2 + rng.int(4);
  return makeSet(
    Array.from({ length: L }, (_, l) => ({
      name: `L${l}`,
      traits: Object.fromEntries(Array.from({ length: 1 + rng.int(4) }, (_, t) => [`t${t}`, t > 0 && rng.int(6) === 0 ? 0 : 1 + rng.int(5)])),
      unique: rng.int(4) !== 0,
    })),
  );
}

describe("rulesSchema and countsSchema", () => {
  it("accepts every rule kind and rejects what is not one", () => {
    expect(
      rulesSchema.safeParse([
        { never: ["Hat/Crown", "Hair/Mohawk"] },
        { never: ["Hat/Crown", ["Hair/Mohawk", "Hair/Bald"]] },
        { only: "Eyes/Laser", with: ["Body/Gold", "Body/Robot"] },
        { always: ["Hat/Cap", "Hair/Short"] },
        { if: "Hat/Crown", then: ["Hair/Bald"] },
      ]).success,
    ).toBe(true);
    expect(rulesSchema.safeParse([{ never: ["Hat/Crown"] }]).success).toBe(false);
    expect(rulesSchema.safeParse([{ always: ["Hat/Crown"] }]).success).toBe(false);
    expect(rulesSchema.safeParse([{ only: "Eyes/Laser" }]).success).toBe(false);
    expect(rulesSchema.safeParse([{ nevr: ["a/b", "c/d"] }]).success).toBe(false);
    expect(countsSchema.safeParse({ "Hat/Crown": 10, "Eyes/*": { min: 1 } }).success).toBe(true);
    expect(countsSchema.safeParse({ "Hat/Crown": -1 }).success).toBe(false);
    expect(countsSchema.safeParse({ "Hat/Crown": { min: 5, max: 2 } }).success).toBe(false);
  });

  it("the config takes rules and counts", () => {
    const parsed = configSchema.safeParse({ rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }], counts: { "Hat/Crown": 1 } });
    expect(parsed.success).toBe(true);
  });
});

describe("resolveTraitId", () => {
  const layers = PFP.layers;
  it("reads Layer/Trait by layer name or folder, and Layer/* as every trait", () => {
    // Hat's traits in name order: Cap, Crown, None.
    expect(resolveTraitId(layers, "Hat/Crown")).toEqual({ ok: true, ref: { id: "Hat/Crown", layer: 4, traits: [1] } });
    expect(resolveTraitId(layers, "04-Hat/Crown")).toMatchObject({ ok: true, ref: { layer: 4, traits: [1] } });
    expect(resolveTraitId(layers, "Hat/*")).toMatchObject({ ok: true, ref: { layer: 4, traits: [0, 1, 2] } });
  });

  it("an unknown id says what was expected and suggests the nearest", () => {
    expect(resolveTraitId(layers, "Hat/Crwn")).toEqual({ ok: false, detail: 'expected a trait id such as "Hat/Crown", found "Hat/Crwn"; did you mean "Hat/Crown"?' });
    expect(resolveTraitId(layers, "Hta/Crown")).toMatchObject({ ok: false, detail: expect.stringContaining('did you mean "Hat/Crown"?') });
    expect(resolveTraitId(layers, "Hat/Tiara")).toMatchObject({ ok: false, detail: expect.stringContaining('layer Hat has no trait "Tiara"') });
    expect(resolveTraitId(layers, "Wings/Big")).toMatchObject({ ok: false, detail: expect.stringContaining('no layer "Wings"') });
    expect(resolveTraitId(layers, "Crown")).toMatchObject({ ok: false, detail: expect.stringContaining('ids are "Layer/Trait"') });
  });
});

describe("analyzeRules", () => {
  it("names the rule and the position of an unknown id, with a suggestion, and lists every one", () => {
    const a = analyzeRules(PFP, {
      rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }, { only: "Eyes/Lazer", with: ["Body/Gold"] }, { never: ["Hat/Crown", ["Hair/Bald", "Hair/Mohwk"]] }],
      counts: { "Hat/Crwn": 1 },
      uniqueness: { layers: ["Bdy"] },
    });
    expect(a.ruleSet).toBeUndefined();
    expect(a.problems.map((p) => p.message)).toEqual([
      'traitloom.json: uniqueness.layers[0]: expected a layer name, found "Bdy"; did you mean "Body"?',
      'traitloom.json: rules[1].only: expected a trait id such as "Eyes/Laser", found "Eyes/Lazer"; did you mean "Eyes/Laser"?',
      'traitloom.json: rules[2].never[1][1]: expected a trait id such as "Hair/Mohawk", found "Hair/Mohwk"; did you mean "Hair/Mohawk"?',
      'traitloom.json: counts["Hat/Crwn"]: expected a trait id such as "Hat/Crown", found "Hat/Crwn"; did you mean "Hat/Crown"?',
    ]);
    expect(() => withRules(PFP, { rules: [{ if: "Hat/Crown", then: "Hair/Bld" }] })).toThrow(
      'traitloom.json: rules[0].then: expected a trait id such as "Hair/Bald", found "Hair/Bld"; did you mean "Hair/Bald"?',
    );
  });

  it("a rule no token can keep is an error naming it; after others, it says so", () => {
    const alone = analyzeRules(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }, { never: ["Hat/*", "Body/*"] }] });
    expect(alone.problems.map((p) => p.message)).toEqual([
      'traitloom.json: rules[1]: rules[1] (never "Hat/*" with "Body/*") can never be met: no token keeps it; expected rules that some token can keep',
    ]);
    const together = analyzeRules(PFP, { rules: [{ if: "Body/*", then: "Hat/Crown" }, { never: ["Hat/Crown", "Eyes/*"] }] });
    expect(together.problems[0]?.message).toMatch(/rules\[1\]: rules\[1\] \(never "Hat\/Crown" with "Eyes\/\*"\) together with the rules before it leaves no token/);
    try {
      withRules(PFP, { rules: [{ never: ["Hat/*", "Body/*"] }] });
      expect.unreachable();
    } catch (e) {
      expect(isTraitloomError(e) && e.code).toBe("BAD_CONFIG");
    }
  });

  it("a rule that removes a trait is a warning naming the rule and the trait; an error where counts ask for it", () => {
    const a = analyzeRules(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Short"] }, { never: ["Hat/Crown", ["Hair/Mohawk", "Hair/Bald"]] }] });
    expect(a.problems).toEqual([]);
    expect(a.warnings).toEqual([
      'traitloom.json: rules[1] (never "Hat/Crown" with any of "Hair/Mohawk", "Hair/Bald") together with the rules before it leaves no token that can have "Hat/Crown": it is left out and its share goes to the other traits of Hat',
    ]);
    expect(a.ruleSet?.removed).toEqual([{ layer: 4, trait: 1, rule: 1 }]);
    const b = analyzeRules(PFP, { rules: [{ always: ["Hat/Crown", "Hair/Mohawk", "Hat/Cap"] }], counts: { "Hat/Cap": 3 } });
    expect(b.problems.map((p) => p.message)).toEqual([
      'traitloom.json: counts["Hat/Cap"]: expected 3 tokens with "Hat/Cap", but rules[0] (always "Hat/Crown", "Hair/Mohawk", "Hat/Cap" together) leaves no token that can have it',
    ]);
  });

  it("a rule that no token can break is a warning: it does nothing", () => {
    const a = analyzeRules(PFP, { rules: [{ never: ["Hat/Crown", "Hat/Cap"] }] });
    expect(a.warnings).toEqual([expect.stringContaining('rules[0] (never "Hat/Crown" with "Hat/Cap"): no token can break it')]);
  });

  it("counts on a wildcard bound each trait of the layer; two entries on one trait intersect", () => {
    const a = analyzeRules(PFP, { counts: { "Eyes/*": { min: 1 }, "Eyes/Laser": 4 } });
    // Eyes in name order: Laser, Plain, Sleepy.
    expect(a.ruleSet?.bounds.map((b) => [b.trait, b.min, b.max])).toEqual([
      [0, 4, 4],
      [1, 1, Infinity],
      [2, 1, Infinity],
    ]);
    const clash = analyzeRules(PFP, { counts: { "Eyes/*": { max: 2 }, "Eyes/Laser": 4 } });
    expect(clash.problems[0]?.message).toMatch(/counts\["Eyes\/Laser"\]: expected a count that counts\["Eyes\/\*"\] allows too, found bounds 4 > 2/);
  });

  it("the fingerprint tells rule sets apart and is undefined without rules", () => {
    const a = ruleFingerprint(ruled(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }] }));
    const b = ruleFingerprint(ruled(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Bald"] }] }));
    const c = ruleFingerprint(ruled(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }], counts: { "Hat/Crown": 3 } }));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(ruleFingerprint(PFP)).toBeUndefined();
  });

  it("without rules or counts the layer set is returned as it is; uniqueness.layers sets what counts", () => {
    expect(withRules(PFP, {})).toBe(PFP);
    const u = withRules(PFP, { uniqueness: { layers: ["Body", "04-Hat"] } });
    expect(hasRules(u)).toBe(false);
    expect(u.layers.map((l) => l.countsForUniqueness)).toEqual([false, true, false, false, true]);
  });
});

describe("brokenRules: every rule kind, both directions, wildcards", () => {
  const set = ruled(PFP, {
    rules: [
      { never: ["Hat/Crown", "Hair/Mohawk"] },
      { only: "Eyes/Laser", with: ["Body/Gold", "Body/Robot"] },
      { always: ["Hat/Cap", "Hair/Bald"] },
      { if: "Background/Night", then: ["Eyes/Sleepy", "Hat/Crown", "Hat/None"] },
    ],
  });
  /** A token by trait names: Background, Body, Eyes, Hair, Hat. */
  const t = (...names: [string, string, string, string, string]): number[] =>
    names.map((n, l) => {
      const trait = PFP.layers[l]?.traits.find((x) => x.name === n);
      if (!trait) throw new Error(`test: no trait ${n}`);
      return trait.index;
    });
  it("never: both ways round", () => {
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Mohawk", "Crown"))).toEqual([0]);
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Mohawk", "None"))).toEqual([]);
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Short", "Crown"))).toEqual([]);
  });
  it("only: one way", () => {
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Laser", "Short", "None"))).toEqual([1]);
    expect(brokenRules(set.ruleSet, t("Sky", "Gold", "Laser", "Short", "None"))).toEqual([]);
    expect(brokenRules(set.ruleSet, t("Sky", "Robot", "Laser", "Short", "None"))).toEqual([]);
    expect(brokenRules(set.ruleSet, t("Sky", "Gold", "Plain", "Short", "None"))).toEqual([]); // Gold without Laser is fine
  });
  it("always: both or neither", () => {
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Short", "Cap"))).toEqual([2]);
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Bald", "None"))).toEqual([2]);
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Bald", "Cap"))).toEqual([]);
  });
  it("if/then: every listed layer, any one of a layer's listed traits", () => {
    expect(brokenRules(set.ruleSet, t("Night", "Blue", "Sleepy", "Short", "None"))).toEqual([]);
    expect(brokenRules(set.ruleSet, t("Night", "Blue", "Sleepy", "Short", "Crown"))).toEqual([]);
    expect(brokenRules(set.ruleSet, t("Night", "Blue", "Plain", "Short", "None"))).toEqual([3]);
    expect(brokenRules(set.ruleSet, t("Night", "Blue", "Sleepy", "Bald", "Cap"))).toEqual([3]);
    expect(brokenRules(set.ruleSet, t("Sky", "Blue", "Plain", "Short", "Cap"))).toEqual([2]); // Cap without Night: only the always rule
  });
  it("chains of always hold across rules", () => {
    const chain = ruled(PFP, { rules: [{ always: ["Hat/Cap", "Hair/Bald"] }, { always: ["Hair/Bald", "Eyes/Sleepy"] }] });
    expect(brokenRules(chain.ruleSet, t("Sky", "Blue", "Plain", "Bald", "Cap"))).toEqual([1]);
    expect(brokenRules(chain.ruleSet, t("Sky", "Blue", "Sleepy", "Bald", "Cap"))).toEqual([]);
    expect(brokenRules(chain.ruleSet, t("Sky", "Blue", "Sleepy", "Short", "None"))).toEqual([1]);
    // Cap and Sleepy are tied through Bald, though no rule names both.
    expect(brokenRules(chain.ruleSet, t("Sky", "Blue", "Sleepy", "Short", "Cap"))).toEqual([0, 1]);
    expect(brokenRules(chain.ruleSet, t("Sky", "Blue", "Plain", "Short", "None"))).toEqual([]);
  });
});

describe("exact capacity under rules", () => {
  it("counts the PFP set by hand", () => {
    // Unique layers Body 3 × Eyes 3 × Hair 3 × Hat 3 = 81; never Crown+Mohawk removes 3 × 3 = 9.
    expect(ruleCapacity(ruled(PFP, { rules: [{ never: ["Hat/Crown", "Hair/Mohawk"] }] }))).toBe(72n);
    // Laser only with Gold: the Laser combinations with Blue or Robot go, 2 × 9 = 18.
    expect(ruleCapacity(ruled(PFP, { rules: [{ only: "Eyes/Laser", with: ["Body/Gold"] }] }))).toBe(63n);
  });

  it("a layer that does not count for uniqueness: a combination counts once where some choice of it completes it", () => {
    // Night forces Sleepy; Sky forces Plain. Background does not count: every Eyes choice but Laser has a background.
    const set = ruled(PFP, { rules: [{ if: "Background/Night", then: "Eyes/Sleepy" }, { if: "Background/Sky", then: "Eyes/Plain" }] });
    expect(ruleCapacity(set)).toBe(3n * 2n * 3n * 3n);
    const dom = domainsOf(set.layers, set.ruleSet.bounds);
    expect(ruleCapacity(set)).toBe(BigInt(bruteCapacity(set, [{ if: "Background/Night", then: "Eyes/Sleepy" }, { if: "Background/Sky", then: "Eyes/Plain" }], dom, set.ruleSet.unique).capacity));
    // Eyes are Laser, Plain, Sleepy (files in name order): Laser has no background that allows it.
    expect(countPerTrait(countModelOf(set.layers, set.ruleSet), 2)).toEqual([0n, 27n, 27n]);
    expect(countPerTrait(countModelOf(set.layers, set.ruleSet), 0)).toEqual([27n, 27n]);
  });

  it("matches enumeration on 400 seeded random layer sets with many rules", () => {
    const rng = createRng("capacity-vs-brute-force");
    let checked = 0;
    let nonTrivial = 0;
    for (let c = 0; c < 400; c++) {
      const set = randomSet(rng);
      const rules = Array.from({ length: 1 + rng.int(8) }, () => randomRule(set, rng));
      const a = analyzeRules(set, { rules });
      const unique = set.layers.map((l) => l.countsForUniqueness);
      const domains = domainsOf(set.layers, []);
      const brute = bruteCapacity(set, rules, domains, unique);
      const model = countModelOf(set.layers, { clauses: compileRuleClauses(set.layers, rules), unique, bounds: [] });
      expect(countCombinations(model), `case ${c}`).toBe(BigInt(brute.capacity));
      if (a.ruleSet) {
        // Every trait the analysis kept is on some rule-keeping token, every one it removed is on none.
        for (let l = 0; l < set.layers.length; l++) {
          const supported = supportedTraits(model, l);
          for (const t of domains[l] ?? []) expect(Boolean(supported[t]), `case ${c} ${l}:${t}`).toBe(brute.supported.has(`${l}:${t}`));
          const per = countPerTrait(model, l);
          if (unique[l]) expect(per.reduce((s, x) => s + x, 0n), `case ${c} per trait`).toBe(BigInt(brute.capacity));
        }
        expect(a.ruleSet.removed.every((r) => !brute.supported.has(`${r.layer}:${r.trait}`))).toBe(true);
      } else expect(brute.capacity === 0 || a.problems.length > 0).toBe(true);
      const free = bruteCapacity(set, [], domains, unique).capacity;
      if (brute.capacity > 0 && brute.capacity < free) nonTrivial++;
      checked++;
    }
    expect(checked).toBe(400);
    // Most cases are ones where the rules cut some combinations but leave some: not all-or-nothing.
    console.log(`${nonTrivial} of 400 cases with rules that cut some combinations and leave some`);
    expect(nonTrivial).toBeGreaterThan(150);
  });

  it("20 layers of 100 traits with 300 rules clustered the way collections write them counts in well under a second", () => {
    const rng = createRng("big");
    const set = makeSet(
      Array.from({ length: 20 }, (_, l) => ({ name: `L${l}`, traits: Object.fromEntries(Array.from({ length: 100 }, (_, t) => [`t${t}`, 1 + rng.int(20)])), unique: l !== 0 })),
    );
    const id = (l: number): string => `L${l}/t${rng.int(100)}`;
    const rules: RuleConfig[] = [];
    for (let r = 0; r < 300; r++) {
      // Rules between neighbouring layer groups (Hat/Hair, Body/Eyes, …), as collections write them.
      const a = rng.int(20);
      const b = Math.min(19, a + 1 + rng.int(2));
      const k = r % 4;
      rules.push(k === 0 ? { never: [id(a), id(b)] } : k === 1 ? { only: id(a), with: [id(b), id(b)] } : k === 2 ? { always: [id(a), id(b)] } : { if: id(a), then: [id(b)] });
    }
    // CPU time, not wall time: the machine is shared and a loaded one would time the neighbours.
    const start = process.cpuUsage();
    const a = analyzeRules(set, { rules });
    const capacity = countCombinations(countModelOf(set.layers, a.ruleSet!));
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    expect(a.problems).toEqual([]);
    expect(capacity).toBeGreaterThan(10n ** 30n);
    expect(capacity).toBeLessThan(100n ** 19n);
    const plain = countCombinations(countModelOf(set.layers, a.ruleSet!));
    expect(plain).toBe(capacity);
    console.log(`capacity of 20 × 100 with 300 rules: ${capacity} (analysis + count in ${ms.toFixed(0)} ms)`);
    expect(ms).toBeLessThan(5000);
  });

  it("rules too tangled to count exactly are an error that says so, not a hang", () => {
    const rng = createRng("tangle");
    const set = makeSet(Array.from({ length: 14 }, (_, l) => ({ name: `L${l}`, traits: Object.fromEntries(Array.from({ length: 40 }, (_, t) => [`t${t}`, 1])) })));
    const rules: RuleConfig[] = [];
    for (let a = 0; a < 14; a++) for (let b = a + 1; b < 14; b++) for (let k = 0; k < 6; k++) rules.push({ never: [`L${a}/t${rng.int(40)}`, `L${b}/t${rng.int(40)}`] });
    const model = countModelOf(set.layers, { clauses: compileRuleClauses(set.layers, rules), unique: set.layers.map(() => true), bounds: [] });
    expect(() => countCombinations(model)).toThrow(RuleComplexityError);
    expect(MAX_STEP_CELLS).toBeGreaterThan(1e6);
  });
});


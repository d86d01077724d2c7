import { describe, expect, it } from "vitest";
import { parseConfig, type TraitloomConfig } from "./config.js";
import { isTraitloomError } from "./errors.js";
import { buildLayerSet, type LayersListing } from "./layers.js";
import { collectionHashes } from "./output.js";
import { planCollection, traitOf, type Plan } from "./planner.js";
import { brokenRules, hasRules, withRules } from "./ruleModel.js";
import { resolveSettings } from "./settings.js";
import { uniquenessKeys } from "./edit.js";
import { combinationIds } from "./tokenEdits.js";

const files = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}.png`, size: 1 }));
const listing: LayersListing = {
  root: "mem",
  rootFiles: [],
  folders: [
    { folder: "01-Background", files: files("bg", 4), subfolders: [] },
    { folder: "02-Eyes", files: files("eye", 3), subfolders: [] },
    { folder: "03-Hat", files: files("hat", 3), subfolders: [] },
  ],
};
const COUNT = 20;
const SEED = "reroll-test";

function layerSetOf(config: TraitloomConfig) {
  const parsed = parseConfig(config);
  return withRules(buildLayerSet(listing, parsed), parsed, "traitloom.json");
}
function planOf(config: TraitloomConfig, count = COUNT): Plan {
  return planCollection(layerSetOf(config), count, SEED);
}
const dnaAt = (plan: Plan, i: number): string => Array.from({ length: plan.layerCount }, (_, l) => traitOf(plan, i, l)).join("-");
const dnas = (plan: Plan): string[] => Array.from({ length: plan.count }, (_, i) => dnaAt(plan, i));
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return isTraitloomError(e) ? e.message : String(e);
  }
  return "no error";
};
/** A DNA "1-2-0" as the trait ids a ban names. */
const idsOf = (dna: string): string[] => {
  const names = ["Background/bg", "Eyes/eye", "Hat/hat"];
  return dna.split("-").map((t, l) => `${names[l]}${t}`);
};

describe("reroll", () => {
  const base = planOf({});

  it("gives the token a new combination and keeps every other token's", () => {
    const edited = planOf({ reroll: [{ id: 5 }] });
    const before = dnas(base);
    const after = dnas(edited);
    expect(after[4]).not.toBe(before[4]);
    after.forEach((d, i) => {
      if (i !== 4) expect(d).toBe(before[i]);
    });
    expect(new Set(after).size).toBe(COUNT);
    expect(edited.edits?.tokens).toEqual([{ id: 5, index: 4, by: "reroll[0]", from: before[4], to: after[4] }]);
  });

  it("is the same from the same config, and another seed's plan is another", () => {
    expect(dnas(planOf({ reroll: [{ id: 5 }, { id: 9 }] }))).toEqual(dnas(planOf({ reroll: [{ id: 5 }, { id: 9 }] })));
    const other = planCollection(layerSetOf({ reroll: [{ id: 5 }] }), COUNT, "another seed");
    expect(other.edits?.tokens[0]?.id).toBe(5);
  });

  it("draws another combination for times 2 (a second re-roll), the same for times 1 as for none", () => {
    expect(dnas(planOf({ reroll: [{ id: 5, times: 1 }] }))).toEqual(dnas(planOf({ reroll: [{ id: 5 }] })));
    const twice = Array.from({ length: 6 }, (_, k) => dnaAt(planOf({ reroll: [{ id: 5, times: k + 1 }] }), 4));
    // Each time another combination than every time before it.
    expect(new Set(twice).size).toBe(6);
    expect(twice.every((d) => d !== dnaAt(base, 4))).toBe(true);
  });

  it("reports the counts it moved, one fewer of each old trait and one more of each new one", () => {
    const edited = planOf({ reroll: [{ id: 3 }] });
    const token = edited.edits?.tokens[0];
    expect(token).toBeDefined();
    const moved = edited.edits?.moved ?? [];
    const changedLayers = (token?.from.split("-") ?? []).filter((t, l) => t !== token?.to.split("-")[l]).length;
    expect(moved).toHaveLength(2 * changedLayers);
    for (const m of moved) expect(Math.abs(m.to - m.from)).toBe(1);
    edited.counts.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBe(COUNT));
    // The counts the plan says are the tokens' counts.
    const recount = edited.counts.map((row, l) => row.map((_, t) => dnas(edited).filter((d) => d.split("-")[l] === String(t)).length));
    expect(edited.counts).toEqual(recount);
  });

  it("keeps the avoid traits off the new combination", () => {
    for (const id of [1, 2, 3, 4, 5, 6]) {
      const edited = planOf({ reroll: [{ id, avoid: ["Hat/hat0", "Hat/hat1"] }] });
      expect(dnaAt(edited, id - 1).split("-")[2]).toBe("2");
    }
  });

  it("keeps the rules", () => {
    const rules: TraitloomConfig["rules"] = [{ never: ["Eyes/eye0", "Hat/hat0"] }];
    const layerSet = layerSetOf({ rules, reroll: Array.from({ length: 10 }, (_, i) => ({ id: i + 1 })) });
    const edited = planCollection(layerSet, COUNT, SEED);
    expect(hasRules(layerSet)).toBe(true);
    if (!hasRules(layerSet)) return;
    for (let i = 0; i < COUNT; i++) expect(brokenRules(layerSet.ruleSet, dnaAt(edited, i).split("-").map(Number))).toEqual([]);
    expect(new Set(dnas(edited)).size).toBe(COUNT);
  });

  it("keeps uniqueness on the unique layers only (the uniqueness key)", () => {
    const layerSet = layerSetOf({ uniqueness: { layers: ["Background", "Eyes"] }, reroll: [{ id: 2 }, { id: 7 }] });
    const edited = planCollection(layerSet, 12, SEED);
    expect(uniquenessKeys(layerSet, edited).size).toBe(12);
  });

  it("refuses an id outside the collection, a repeated id and an unknown avoid trait, in one line each", () => {
    expect(message(() => planOf({ reroll: [{ id: 21 }] }))).toBe("traitloom.json: reroll[0].id: expected a token id from 1 to 20, found 21");
    expect(message(() => planOf({ startId: 0, reroll: [{ id: 20 }] }))).toBe("traitloom.json: reroll[0].id: expected a token id from 0 to 19, found 20");
    expect(message(() => planOf({ reroll: [{ id: 3 }, { id: 3 }] }))).toBe("traitloom.json: reroll[1].id: expected each token once, found 3 again (reroll[0])");
    expect(message(() => planOf({ reroll: [{ id: 3, avoid: ["Hat/hatt1"] }] }))).toBe('traitloom.json: reroll[0].avoid[0]: expected a trait id such as "Hat/hat1", found "Hat/hatt1"; did you mean "Hat/hat1"?');
    expect(message(() => parseConfig({ reroll: [{ id: -1 }] }))).toBe("traitloom.json: reroll[0].id: expected a number >= 0, found -1");
    expect(message(() => parseConfig({ reroll: [{ id: 1, times: 101 }] }))).toBe("traitloom.json: reroll[0].times: expected at most 100, found 101");
    expect(message(() => parseConfig({ ban: [[]] }))).toBe("traitloom.json: ban[0]: expected at least 1 item(s), found an array");
  });

  it("says so when no combination is left", () => {
    // 36 combinations, 36 tokens: a re-roll has nowhere to go.
    expect(message(() => planOf({ reroll: [{ id: 1 }] }, 36))).toBe(
      "traitloom.json: reroll[0]: expected a new combination for token 1 unlike every other token's, keeping the rules, found none left",
    );
  });

  it("refuses editions and 1-of-1s alongside", () => {
    expect(message(() => withRules(buildLayerSet(listing, {}), { reroll: [{ id: 1 }], oneOfOnes: { dir: "ones" } }, "traitloom.json"))).toBe(
      "traitloom.json: reroll: expected a collection without oneOfOnes, found both (re-rolls and bans with 1-of-1s are not supported yet)",
    );
    expect(message(() => withRules(buildLayerSet(listing, {}), { ban: [idsOf("0-0-0")], editions: [] }, "traitloom.json"))).toBe(
      "traitloom.json: ban: expected a collection without editions, found both (re-rolls and bans among editions are not supported yet)",
    );
  });
});

describe("ban", () => {
  const base = planOf({});

  it("never leaves a banned combination in the plan; the token that had it is re-rolled, the others kept", () => {
    const target = dnaAt(base, 7);
    const edited = planOf({ ban: [idsOf(target)] });
    expect(dnas(edited)).not.toContain(target);
    dnas(edited).forEach((d, i) => {
      if (i !== 7) expect(d).toBe(dnaAt(base, i));
    });
    expect(edited.edits?.tokens).toEqual([{ id: 8, index: 7, by: "ban[0]", from: target, to: dnaAt(edited, 7) }]);
  });

  it("is not taken by a re-roll either", () => {
    const unused = ["0-0-0", "1-1-1", "2-2-2", "3-0-1", "0-1-2", "1-2-0"].find((d) => !dnas(base).includes(d)) ?? "";
    const bans = [idsOf(unused)];
    for (let id = 1; id <= COUNT; id++) expect(dnas(planOf({ ban: bans, reroll: [{ id }] }))).not.toContain(unused);
  });

  it("bans what combinationIds names (the studio's button): the token's own ids resolve to its combination", () => {
    const layerSet = layerSetOf({});
    const target = dnaAt(base, 11);
    const ids = combinationIds(layerSet.layers, target.split("-").map(Number));
    expect(ids).toEqual(idsOf(target));
    expect(dnas(planOf({ ban: [ids] }))).not.toContain(target);
  });

  it("takes a possible combination out of the capacity, one a rule rules out not", () => {
    const ban = [idsOf("1-1-1")];
    expect(message(() => planOf({ ban }, 36))).toBe("traitloom.json: ban: expected at most 35 tokens (36 unique combinations less 1 banned), found 36; lower the count or remove a ban");
    const full = planOf({ ban }, 35);
    expect(full.capacity).toBe(35);
    expect(full.edits?.banned).toBe(1);
    expect(dnas(full)).not.toContain("1-1-1");
    expect(new Set(dnas(full)).size).toBe(35);
    // The same ban twice is one combination; one a rule already forbids costs nothing.
    expect(planOf({ ban: [...ban, [...ban[0]!].reverse()] }).edits?.banned).toBe(1);
    const ruled = planOf({ rules: [{ never: ["Eyes/eye1", "Hat/hat1"] }], ban });
    expect(ruled.edits?.banned).toBe(0);
    expect(ruled.capacity).toBe(planOf({ rules: [{ never: ["Eyes/eye1", "Hat/hat1"] }] }).capacity);
  });

  it("names traits by layer name or folder, in any order", () => {
    const target = dnaAt(base, 2).split("-");
    const edited = planOf({ ban: [[`03-Hat/hat${target[2]}`, `Background/bg${target[0]}`, `Eyes/eye${target[1]}`]] });
    expect(dnaAt(edited, 2)).not.toBe(target.join("-"));
  });

  it("refuses an unknown trait (with a suggestion), a missing layer, two of one layer and a wildcard", () => {
    expect(message(() => planOf({ ban: [["Background/bg0", "Eyes/eye1", "Hat/crown"]] }))).toBe(
      'traitloom.json: ban[0][2]: expected a trait id such as "Hat/hat0", found "Hat/crown" (layer Hat has no trait "crown")',
    );
    expect(message(() => planOf({ ban: [["Background/bg0", "Eyes/eye1", "Hat/hat9"]] }))).toBe(
      'traitloom.json: ban[0][2]: expected a trait id such as "Hat/hat0", found "Hat/hat9"; did you mean "Hat/hat0"?',
    );
    expect(message(() => planOf({ ban: [["Background/bg0", "Eyes/eye1"]] }))).toBe("traitloom.json: ban[0]: expected one trait of every layer (Background, Eyes, Hat), found none of Hat");
    expect(message(() => planOf({ ban: [["Background/bg0", "Eyes/eye1", "Eyes/eye2"]] }))).toBe('traitloom.json: ban[0][2]: expected one trait per layer, found "Eyes/eye2" after "Eyes/eye1"');
    expect(message(() => planOf({ ban: [["Background/bg0", "Eyes/*", "Hat/hat0"]] }))).toBe('traitloom.json: ban[0][1]: expected one trait, found "Eyes/*" naming 3');
  });
});

describe("configs without reroll or ban", () => {
  it("plan and hash as before; with them the input hash differs", () => {
    const plain = buildLayerSet(listing, {});
    const settings = resolveSettings({}, { count: COUNT, seed: SEED });
    const hashOf = (layerSet: ReturnType<typeof layerSetOf>) => collectionHashes(settings, 10, 10, layerSet, []).inputHash;
    expect(withRules(plain, { reroll: [], ban: [] })).toBe(plain);
    expect(hashOf(layerSetOf({ reroll: [], ban: [] }))).toBe(hashOf(plain));
    expect(planOf({}).edits).toBeUndefined();
    expect(dnas(planOf({ reroll: [] }))).toEqual(dnas(planCollection(plain, COUNT, SEED)));
    const a = hashOf(layerSetOf({ reroll: [{ id: 4 }] }));
    expect(a).not.toBe(hashOf(plain));
    expect(a).not.toBe(hashOf(layerSetOf({ reroll: [{ id: 5 }] })));
    expect(hashOf(layerSetOf({ ban: [idsOf("0-0-0")] }))).not.toBe(hashOf(plain));
  });
});

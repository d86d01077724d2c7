/**
 * The trait model wired into core: layers read through the dialects (analyzeLayers), tree traits planned with
 * exact counts per folder, ids `Layer/Folder/Trait` and `Layer/Folder/*` in rules and counts, draw lists, metadata
 * (renames, inMetadata, empty choices), and editions. Folders are ListedDir trees written here.
 */
import { describe, expect, it } from "vitest";
import type { TraitloomConfig } from "./config.js";
import { parseConfig } from "./config.js";
import { renderImagesOf, renderPlanOf, traitFileHashes } from "./draw.js";
import { isTraitloomError, type TraitloomError } from "./errors.js";
import { analyzeLayers, buildLayerSet, type LayersListing, type ListedFolder } from "./layers.js";
import { tokenMetadata, tokenRecord } from "./metadata.js";
import type { ListedDir } from "./model.js";
import { modelConfigFromConversion } from "./migrate/modelConfig.js";
import type { EngineConversion } from "./migrate/toTraitloomConfig.js";
import { planCollection, traitOf } from "./planner.js";
import { rarityReport } from "./rarity.js";
import { resolveTraitId, withRules } from "./ruleModel.js";
import { resolveSettings } from "./settings.js";

/** A listed layer folder from paths inside it ("Common#70/Dark#20.png"), each 100 bytes (0 where named in `empty`). */
function tree(name: string, paths: string[], empty: string[] = []): ListedFolder {
  const root: ListedDir = { name, files: [], dirs: [] };
  for (const p of paths) {
    const parts = p.split("/");
    let dir = root;
    for (const seg of parts.slice(0, -1)) {
      let next = dir.dirs.find((d) => d.name === seg);
      if (!next) dir.dirs.push((next = { name: seg, files: [], dirs: [] }));
      dir = next;
    }
    dir.files.push({ name: parts[parts.length - 1] ?? "", size: empty.includes(p) ? 0 : 100 });
  }
  return { folder: name, files: root.files, subfolders: root.dirs.map((d) => d.name), tree: root.dirs.length > 0 ? root : undefined };
}
const listing = (...folders: ListedFolder[]): LayersListing => ({ root: "layers", folders, rootFiles: [] });

function thrown(f: () => unknown): TraitloomError {
  try {
    f();
  } catch (e) {
    if (isTraitloomError(e)) return e;
    throw e;
  }
  throw new Error("expected a TraitloomError");
}

const hair = tree("Hair", ["Common#70/Dark Long#20.png", "Common#70/Dark Short#20.png", "Rare#30/Pink#1.png", "Rare#30/Blue#1.png", "Bald#0.png"]);
const back = tree("Background", ["Sky#1.png", "Night#1.png"]);
const hat = tree("Hat", ["NONE#60.png", "Crown#5.png", "Cap#35.png"], ["NONE#60.png"]);

describe("analyzeLayers through the dialects", () => {
  it("keeps today's reader for flat folders in Traitloom's dialect: no parts, weights as written", () => {
    const set = buildLayerSet(listing(back));
    expect(set.dialect).toBe("traitloom");
    expect(set.layers[0]?.traits.map((t) => [t.name, t.weight, t.parts])).toEqual([
      ["Night", 1, undefined],
      ["Sky", 1, undefined],
    ]);
    expect(renderPlanOf(set)).toBeUndefined();
  });

  it("reads a tree of choices into leaves with their paths and shares", () => {
    const set = buildLayerSet(listing(back, hair), { layers: ["Background", "Hair"] });
    const h = set.layers[1];
    expect(h?.traits.map((t) => [[...(t.path ?? []), t.name].join("/"), t.weight])).toEqual([
      ["Bald", 0],
      ["Common/Dark Long", 0.35],
      ["Common/Dark Short", 0.35],
      ["Rare/Blue", 0.15],
      ["Rare/Pink", 0.15],
    ]);
    expect(h?.tree).toBeDefined();
    // The tree as read, for a layers panel: folders with their weights, leaves in the same order as `traits`.
    expect(h?.model?.root.children.map((c) => [c.kind, c.name, c.weight])).toEqual([
      ["trait", "Bald", 0],
      ["choice", "Common", 70],
      ["choice", "Rare", 30],
    ]);
    expect(set.warnings.some((w) => w.includes("never chosen") && w.includes("Bald"))).toBe(true);
  });

  it('an empty choice (NONE) needs no image, draws nothing and writes no attribute', () => {
    const set = buildLayerSet(listing(back, hat), { dialect: "nftchef", layers: ["Background", "Hat"] });
    const none = set.layers[1]?.traits.find((t) => t.name === "NONE");
    expect(none?.parts).toEqual([]);
    expect(none?.inMetadata).toBe(false);
    const plan = planCollection(set, 4, "none");
    const settings = resolveSettings({ noneTraitNames: [] }, { count: 4, seed: "none" });
    for (let i = 0; i < 4; i++) {
      const meta = tokenMetadata(tokenRecord(set, plan, i, settings), settings) as { attributes: Array<{ value: string }> };
      const hatTrait = set.layers[1]?.traits[traitOf(plan, i, 1)];
      expect(meta.attributes.some((a) => a.value === "NONE")).toBe(false);
      expect(meta.attributes.length).toBe(hatTrait?.name === "NONE" ? 1 : 2);
    }
  });

  it('"auto" picks nftchef from a weighted sub-folder and says which file decided', () => {
    const a = analyzeLayers(listing(back, hair), { dialect: "auto", layers: ["Background", "Hair"] });
    expect(a.dialect).toBe("nftchef");
    expect(a.detected?.reason).toMatch(/Hair\/Common#70/);
  });

  it('"auto" without any engine\'s markers reads Traitloom\'s dialect', () => {
    const a = analyzeLayers(listing(back), { dialect: "auto" });
    expect(a.dialect).toBe("traitloom");
  });

  it("a config dialect that is not one is a one-line error naming the field", () => {
    expect(() => parseConfig({ dialect: "nftchief" }, "t.json")).toThrow(/^t\.json: dialect: expected one of .*nftchef.*found "nftchief"$/);
  });

  it("trait and displayName rename the trait_type (two layers may share one); inMetadata false keeps a layer out", () => {
    const hair2 = tree("Hair2", ["Short#1.png", "Long#1.png"]);
    const set = buildLayerSet(listing(back, hair2, tree("Skin", ["Pale#1.png"])), {
      layers: [{ name: "Background", trait: "Hair" }, { name: "Hair2", displayName: "Hair" }, { name: "Skin", inMetadata: false }],
    });
    const plan = planCollection(set, 2, "rename");
    const settings = resolveSettings({}, { count: 2, seed: "rename" });
    const meta = tokenMetadata(tokenRecord(set, plan, 0, settings), settings) as { attributes: Array<{ trait_type: string }> };
    expect(meta.attributes.map((a) => a.trait_type)).toEqual(["Hair", "Hair"]);
  });

  it("uses today's wording for a trait named twice, in every dialect", () => {
    const twice = tree("A", ["Red#1.png", "Red#2.png"]);
    for (const dialect of ["traitloom", "hashlips", "nftchef"] as const) {
      const a = analyzeLayers(listing(twice), { dialect });
      expect(a.problems.map((p) => p.message)).toEqual(['layers/A/Red#2.png: expected one file per trait name, found trait "Red" also given by A/Red#1.png']);
    }
  });
});

describe("planning over a tree", () => {
  const set = buildLayerSet(listing(back, hair), { layers: ["Background", "Hair"] });
  const serial = tree("Serial", Array.from({ length: 120 }, (_, i) => `n${String(i).padStart(3, "0")}.png`));
  const big = buildLayerSet(listing(back, hair, serial), { layers: ["Background", "Hair", "Serial"] });

  it("counts every leaf and every folder within 1 of its share", () => {
    const N = 101;
    const plan = planCollection(big, N, "tree");
    const counts = plan.counts[1] ?? [];
    const shares = big.layers[1]?.traits.map((t) => t.weight) ?? [];
    counts.forEach((c, t) => expect(Math.abs(c - N * (shares[t] ?? 0))).toBeLessThanOrEqual(1));
    expect(Math.abs((counts[1] ?? 0) + (counts[2] ?? 0) - N * 0.7)).toBeLessThanOrEqual(1);
    expect(Math.abs((counts[3] ?? 0) + (counts[4] ?? 0) - N * 0.3)).toBeLessThanOrEqual(1);
    expect(counts[0]).toBe(0);
    expect(plan.capacity).toBe(2 * 4 * 120);
  });

  it("resolves Layer/Folder/Trait, Layer/Trait where the name is the layer's only, and Layer/Folder/*", () => {
    const layers = set.layers;
    const ids = (id: string): number[] | string => {
      const r = resolveTraitId(layers, id);
      return r.ok ? r.ref.traits : r.detail;
    };
    expect(ids("Hair/Common/Dark Long")).toEqual([1]);
    expect(ids("Hair/Pink")).toEqual([4]);
    expect(ids("Hair/Rare/*")).toEqual([3, 4]);
    expect(ids("Hair/*")).toEqual([0, 1, 2, 3, 4]);
    expect(ids("Hair/Comon/Dark Long")).toBe('expected a trait id such as "Hair/Common/Dark Long", found "Hair/Comon/Dark Long"; did you mean "Hair/Common/Dark Long"?');
  });

  it("a name two folders share needs its folder", () => {
    const dup = buildLayerSet(listing(tree("Hair", ["A#1/Red#1.png", "B#1/Red#1.png"])));
    const r = resolveTraitId(dup.layers, "Hair/Red");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toBe('expected one trait, found "Hair/Red" naming 2 (Hair/A/Red, Hair/B/Red); write the folder too');
  });

  it("fixed counts take folder wildcards", () => {
    const ruled = withRules(set, { counts: { "Hair/Rare/*": { max: 0 } } }, "t.json");
    const plan = planCollection(ruled, 4, "counts");
    expect((plan.counts[1]?.[3] ?? 0) + (plan.counts[1]?.[4] ?? 0)).toBe(0);
  });
});

describe("draw lists", () => {
  const parts = tree("Hair", ["Mohawk#20/front.png", "Mohawk#20/z-5,back.png", "Short#40.png"]);
  const set = buildLayerSet(listing(back, parts), { layers: ["Background", { name: "Hair", blend: "multiply", opacity: 0.5 }] });
  const plan = renderPlanOf(set);

  it("draws by (z, layer index, part index): a z-5 part under the z-0 background, the layer's blend on its parts", () => {
    expect(plan).toBeDefined();
    if (!plan) return;
    const mohawk = set.layers[1]?.traits.findIndex((t) => t.name === "Mohawk") ?? -1;
    const files = plan.drawList([0, mohawk]).map((d) => {
      const s = plan.steps[d];
      return `${plan.images[s?.image ?? -1]?.file} ${s?.blend} ${s?.opacity}`;
    });
    expect(files).toEqual(["Hair/Mohawk#20/z-5,back.png multiply 0.5", "Background/Night#1.png source-over 1", "Hair/Mohawk#20/front.png multiply 0.5"]);
    // One image per distinct file, in one row.
    expect(renderImagesOf(set)).toHaveLength(1);
    expect(renderImagesOf(set)[0]?.map((i) => i.file)).toEqual(["Background/Night#1.png", "Background/Sky#1.png", "Hair/Mohawk#20/front.png", "Hair/Mohawk#20/z-5,back.png", "Hair/Short#40.png"]);
  });

  it("hashes a trait of parts over its files, a flat trait as its file", () => {
    const hashes = traitFileHashes(set, (f) => `h(${f})`, (t) => `c(${t})`);
    expect(hashes[0]).toEqual(["h(Background/Night#1.png)", "h(Background/Sky#1.png)"]);
    expect(hashes[1]?.[0]).toBe('c([["h(Hair/Mohawk#20/front.png)","h(Hair/Mohawk#20/z-5,back.png)"],[]])');
  });

  it("draws variant art keyed by the variantOf layer's trait, the trait's own file where there is none", () => {
    const body = tree("Body", ["Blue#1.png", "Red#1.png"]);
    const cape = tree("Cape", ["Long#1.png", "Short#1.png", "Blue/Long.png"]);
    const v = buildLayerSet(listing(body, cape), { layers: ["Body", { name: "Cape", variantOf: "Body" }] });
    expect(v.warnings).toEqual([
      "layers/Cape: no variant art for 1 trait and variant pair(s), so those tokens draw the trait's root file instead (datlips does so without a word): missing Cape/Blue/Short.png",
      'layers/Cape: no variant folder for "Red" of layer "Body": every trait draws its root file then',
    ]);
    const p = renderPlanOf(v);
    if (!p) throw new Error("expected a render plan");
    const file = (traits: number[]): string[] => p.drawList(traits).map((d) => p.images[p.steps[d]?.image ?? -1]?.file ?? "");
    expect(file([0, 0])).toEqual(["Body/Blue#1.png", "Cape/Blue/Long.png"]);
    expect(file([1, 0])).toEqual(["Body/Red#1.png", "Cape/Long#1.png"]);
  });
});

describe("editions", () => {
  const folders = listing(back, hair, tree("Skull", ["Bone#1.png", "Ivory#1.png", "Ash#1.png"]));
  const config: TraitloomConfig = {
    editions: [
      { id: "people", count: 6, layers: ["Background", "Hair"] },
      { id: "skulls", count: 3, namePrefix: "Skull", restartNameNumbers: true, layers: ["Skull"] },
    ],
  };

  it("plans each edition on its own layers, ids edition after edition, names per edition", () => {
    const set = buildLayerSet(folders, config);
    const plan = planCollection(set, 9, "eds");
    expect(plan.editionCapacities).toEqual([8, 3]);
    expect(plan.capacity).toBe(11);
    const settings = resolveSettings({}, { count: 9, seed: "eds" });
    const names = Array.from({ length: 9 }, (_, i) => (tokenMetadata(tokenRecord(set, plan, i, settings), settings) as { name: string; attributes: Array<{ trait_type: string }> }));
    expect(names.map((m) => m.name)).toEqual(["Traitloom #1", "Traitloom #2", "Traitloom #3", "Traitloom #4", "Traitloom #5", "Traitloom #6", "Skull #1", "Skull #2", "Skull #3"]);
    expect(names[0]?.attributes.map((a) => a.trait_type)).toEqual(["Background", "Hair"]);
    expect(names[8]?.attributes.map((a) => a.trait_type)).toEqual(["Skull"]);
  });

  it("expects each trait's count of its own edition's tokens in the rarity report, its share of the whole collection", () => {
    const set = buildLayerSet(folders, config);
    const report = rarityReport(set, planCollection(set, 9, "eds"));
    const skull = report.traits.filter((t) => t.layer === "Skull");
    expect(skull.map((t) => t.trait).sort()).toEqual(["Ash", "Bone", "Ivory"]);
    for (const t of skull) {
      expect(t.expectedCount).toBeCloseTo(1, 12);
      expect(t.expectedShare).toBeCloseTo(1 / 9, 12);
      expect(t.actualCount).toBe(1);
    }
    const sky = report.traits.find((t) => t.layer === "Background" && t.trait === "Sky");
    expect(sky?.expectedCount).toBeCloseTo(3, 12);
    expect(sky?.expectedShare).toBeCloseTo(3 / 9, 12);
    expect(report.traits.reduce((a, t) => (t.layer === "Background" ? a + t.expectedCount : a), 0)).toBeCloseTo(6, 12);
  });

  it('mixes editions across ids by the seed with shuffle "ids", every id used once', () => {
    const set = buildLayerSet(folders, { ...config, shuffle: "ids" });
    const plan = planCollection(set, 9, "eds");
    const editions = [...(plan.editionOf ?? [])];
    expect(editions.filter((e) => e === 1)).toHaveLength(3);
    expect(editions).not.toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("refuses a count other than the editions' sum, an edition past its capacity, and the same id twice", () => {
    const set = buildLayerSet(folders, config);
    expect(thrown(() => planCollection(set, 10, "x")).message).toBe("count: expected 9 (the editions' counts: people 6 + skulls 3), found 10");
    const over = buildLayerSet(folders, { editions: [{ id: "a", count: 1, layers: ["Background"] }, { id: "b", count: 4, layers: ["Skull"] }] });
    expect(thrown(() => planCollection(over, 5, "x")).message).toMatch(/^editions\[1\] \("b"\): count: expected at most 3 tokens/);
    expect(thrown(() => buildLayerSet(folders, { editions: [{ id: "a", count: 1, layers: ["Skull"] }, { id: "a", count: 1, layers: ["Skull"] }] })).message).toBe(
      'traitloom.json: editions[1].id: expected each edition id once, found "a" twice',
    );
  });

  it("refuses editions beside top-level layers", () => {
    expect(thrown(() => buildLayerSet(folders, { ...config, layers: ["Skull"] })).message).toBe(
      'traitloom.json: editions: expected "editions" alone, found also top-level "layers"; move them into an edition',
    );
  });

  it("applies each rule and fixed count in the editions whose layers it names; one no edition holds is an error", () => {
    const ruled: TraitloomConfig = {
      editions: [
        { id: "people", count: 5, layers: ["Background", "Hair"] },
        { id: "skulls", count: 2, layers: ["Skull"] },
      ],
      rules: [{ if: "Background/Sky", then: ["Hair/Rare/Pink"] }],
      counts: { "Skull/Ash": 0 },
    };
    const set = withRules(buildLayerSet(folders, ruled), ruled, "t.json");
    const plan = planCollection(set, 7, "ruled");
    expect(plan.counts[2]?.[0]).toBe(0);
    for (let i = 0; i < 7; i++) {
      if (plan.editionOf?.[i] === 0 && traitOf(plan, i, 0) === 1) expect(set.layers[1]?.traits[traitOf(plan, i, 1)]?.name).toBe("Pink");
    }
    expect(thrown(() => planCollection(buildLayerSet(folders, { ...config, counts: { "Skull/Ash": 0 } }), 9, "x")).message).toMatch(/^editions\[1\] \("skulls"\): .*/);
    const across: TraitloomConfig = { ...config, rules: [{ never: ["Skull/Bone", "Hair/Rare/Pink"] }] };
    expect(thrown(() => planCollection(buildLayerSet(folders, across), 9, "x")).message).toBe(
      "traitloom.json: rules[0]: expected ids of one edition's layers, found a rule no edition can hold (ids of several editions, or unknown ids)",
    );
  });

  it("names its layers' problems by edition", () => {
    const a = analyzeLayers(folders, { editions: [{ id: "a", count: 1, layers: ["Gone"] }] });
    expect(a.problems[0]?.message).toMatch(/^traitloom\.json: editions\[0\]: layers\[0\]: expected a folder "Gone"/);
  });

  it("keeps tokens of two editions apart by their attributes: a token showing an earlier edition's gets another combination", () => {
    // Two editions over the same layer: b's one token is planned alone, so it often shows what one of a's shows.
    const same = buildLayerSet(folders, { editions: [{ id: "a", count: 2, layers: ["Skull"] }, { id: "b", count: 1, layers: ["Skull"] }] });
    const alone = buildLayerSet(folders, { editions: [{ id: "b", count: 1, layers: ["Skull"] }] });
    let mends = 0;
    for (let k = 0; k < 30; k++) {
      const seed = `mend-${k}`;
      const plan = planCollection(same, 3, seed);
      const shown = [0, 1, 2].map((i) => traitOf(plan, i, 0 + (plan.editionOf?.[i] === 1 ? 1 : 0)));
      expect(new Set(shown).size, seed).toBe(3);
      expect(planCollection(same, 3, seed).traits).toEqual(plan.traits);
      // Edition a keeps its own plan (the first edition plans with the collection's seed).
      const first = planCollection(buildLayerSet(folders, { editions: [{ id: "a", count: 2, layers: ["Skull"] }] }), 2, seed);
      expect([traitOf(plan, 0, 0), traitOf(plan, 1, 0)]).toEqual([traitOf(first, 0, 0), traitOf(first, 1, 0)]);
      // b's planned token, had it been alone with its sub-seed, against what it got.
      const own = planCollection(alone, 1, `${seed}\u0000b`);
      if (traitOf(own, 0, 0) !== shown[2]) mends++;
      expect(plan.counts[1]?.reduce((a, n) => a + n, 0)).toBe(3);
    }
    expect(mends).toBeGreaterThan(0);
  });

  it("refuses editions that cannot be kept apart, naming both: the same attributes in every combination left", () => {
    const same = buildLayerSet(folders, { editions: [{ id: "a", count: 3, layers: ["Skull"] }, { id: "b", count: 3, layers: ["Skull"] }] });
    expect(thrown(() => planCollection(same, 6, "x")).message).toBe(
      'editions: expected tokens unique by their attributes across editions, found a token of "b" showing the same attributes as one of "a" and no other combination of "b" left; give the editions a layer or trait_type of their own, or fewer tokens',
    );
  });

  it("mends collisions of editions sharing layers, ids shuffled: every token unique by attributes, counts recounted", () => {
    const big = listing(tree("Background", ["Sky#1.png", "Night#1.png", "Dawn#1.png", "Dusk#1.png"]), tree("Hair", ["Long#1.png", "Short#1.png", "Bald#1.png", "Pink#1.png", "Blue#1.png"]));
    const shared = buildLayerSet(big, { shuffle: "ids", editions: [{ id: "one", count: 9, layers: ["Background", "Hair"] }, { id: "two", count: 9, layers: ["Background", "Hair"] }] });
    const plan = planCollection(shared, 18, "shared");
    const settings = resolveSettings({}, { count: 18, seed: "shared" });
    const shownSets = Array.from({ length: 18 }, (_, i) => JSON.stringify((tokenMetadata(tokenRecord(shared, plan, i, settings), settings) as { attributes: unknown[] }).attributes));
    expect(new Set(shownSets).size).toBe(18);
    const total = (row: readonly number[] | undefined): number => (row ?? []).reduce((a, n) => a + n, 0);
    for (let l = 0; l < 4; l++) expect(total(plan.counts[l])).toBe(18);
    for (let i = 0; i < 18; i++) {
      const e = plan.editionOf?.[i] ?? 0;
      for (let l = 0; l < 4; l++) {
        const t = traitOf(plan, i, l);
        if (Math.floor(l / 2) === e) expect(shared.layers[l]?.traits[t]?.absent).not.toBe(true);
      }
    }
  });
});

describe("converting a config.js with several layer configurations", () => {
  it("writes editions, the engine's dialect, sub-traits as parts, exclude as inMetadata false, and shuffle", () => {
    const conversion = {
      engine: "datlips",
      config: { namePrefix: "Fish", count: 3, layers: ["A"], resize: "stretch" },
      editions: [
        { index: 0, growEditionSizeTo: 2, count: 2, firstId: 1, namePrefix: "Fish", layers: [{ folder: "Variant", traitType: "Color", countsForUniqueness: true, inMetadata: true, path: "" }], path: "" },
        { index: 1, growEditionSizeTo: 1, count: 1, firstId: 3, layers: [{ folder: "Bones", traitType: "Bones", countsForUniqueness: true, inMetadata: false, path: "" }], path: "" },
      ],
      blend: [],
      subTraits: [{ edition: 1, layer: "Bones", subTraits: [{ name: "Shadow", blend: { operation: "source-out", written: "MODE.sourceAtop" }, opacity: 0.5, zindex: 35, path: "" }], path: "" }],
      sublayerOptions: [],
    } as unknown as EngineConversion;
    const config = modelConfigFromConversion(conversion, { values: { shuffleLayerConfigurations: true } } as never);
    expect(config).toEqual({
      namePrefix: "Fish",
      resize: "stretch",
      dialect: "datlips",
      shuffle: "ids",
      editions: [
        { id: "Fish", count: 2, namePrefix: "Fish", layers: [{ name: "Color", folder: "Variant" }] },
        { id: "edition 2", count: 1, layers: [{ name: "Bones", inMetadata: false, parts: { "*/Shadow": { blend: "source-atop", opacity: 0.5, z: 35 } } }] },
      ],
    });
    expect(() => parseConfig(config)).not.toThrow();
  });
});


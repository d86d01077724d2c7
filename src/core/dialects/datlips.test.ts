import { describe, expect, it } from "vitest";
import { flattenLayer, type LayerModel, type TraitNode } from "../model.js";
import { DATLIPS_NAMED_WEIGHTS, readLayer, readLayers, type LayerSetRead } from "./index.js";
import { datlipsSample, DATLIPS_CONFIG_0, DATLIPS_CONFIG_1, dir } from "./sampleTrees.js";

const capacity = (set: LayerSetRead): number => set.layers.reduce((a, l) => a * flattenLayer(l.model.root).filter((o) => o.share > 0).length, 1);
const traitOf = (model: LayerModel, name: string): TraitNode | undefined => flattenLayer(model.root).find((o) => o.trait.name === name)?.trait;
const layerOf = (set: LayerSetRead, folder: string): LayerModel => {
  const l = set.layers.find((x) => x.model.folder === folder);
  if (!l) throw new Error(`no layer ${folder}`);
  return l.model;
};

describe("datlips dialect: the v1.4.0 sample, configuration 0 (FIELD §3)", () => {
  const set = readLayers(datlipsSample(), { dialect: "datlips", layers: DATLIPS_CONFIG_0 });

  it("reads without problems; Variant 4 · Arms 8 · Back 7 · Body 12 · Eyes 7 · Head 1 · Legs 6 · Mouth 5 = 564,480", () => {
    expect(set.problems).toEqual([]);
    expect(set.layers.map((l) => flattenLayer(l.model.root).length)).toEqual([4, 8, 7, 12, 7, 1, 6, 5]);
    expect(capacity(set)).toBe(564_480);
  });

  it("the Variant layer's trait_type is its displayName, Color; named weights at datlips' fixed table", () => {
    const variant = layerOf(set, "Variant");
    expect(variant.name).toBe("Color");
    const shares = new Map(flattenLayer(variant.root).map((o) => [o.trait.name, o.share]));
    const total = 31 + 100 + 15 + 56;
    expect(shares).toEqual(new Map([["Blue", 31 / total], ["Green", 100 / total], ["Purple", 15 / total], ["Red", 56 / total]]));
    expect(DATLIPS_NAMED_WEIGHTS).toEqual({ Common: 100, Uncommon: 56, Rare: 31, Epic: 15, Legendary: 6, Mythic: 1 });
  });

  it("one warning, for the whole set, saying datlips re-draws named weights from bands every run", () => {
    const bands = set.warnings.filter((w) => /draws each anew on every run/.test(w));
    expect(bands).toHaveLength(1);
    expect(bands[0]).toMatch(/Common 56-99, Uncommon 31-55, Rare 15-30, Epic 6-14, Legendary 1-5, Mythic 1\).*fixed numbers \(Common 100, Uncommon 56, Rare 31, Epic 15, Legendary 6, Mythic 1\)/);
  });

  it("default z = 10 × layer index; TentacleLegs' z35$ prefix puts it at 35, above Body (30) and below Eyes (40)", () => {
    const z = set.layers.map((l) => [l.model.folder, flattenLayer(l.model.root)[0]?.parts[0]?.z]);
    expect(z).toEqual([
      ["Variant", 0],
      ["Arms", 10],
      ["Back", 20],
      ["Body", 30],
      ["Eyes", 40],
      ["Head", 50],
      ["Legs", 60],
      ["Mouth", 70],
    ]);
    expect(traitOf(layerOf(set, "Legs"), "TentacleLegs")?.parts).toEqual([{ file: "Legs/z35$TentacleLegs#Legendary.png", z: 35, blend: "source-over", opacity: 1, x: 0, y: 0 }]);
  });

  it("variant art for the six coloured Arms traits in all four colours, at the root file's z", () => {
    const arms = layerOf(set, "Arms");
    expect(arms.variantOf).toBe("Variant");
    for (const name of ["BetaArms", "FidlerClaws", "FinArms", "NemoFins", "TentacleArms", "TurtleArms"]) {
      const t = traitOf(arms, name);
      expect(Object.keys(t?.variants ?? {}), name).toEqual(["Blue", "Green", "Purple", "Red"]);
      expect(t?.variants?.Blue).toEqual([{ file: `Arms/Blue/${name}.png`, z: 10, blend: "source-over", opacity: 1, x: 0, y: 0 }]);
    }
    expect(Object.keys(traitOf(arms, "LobsterClaws")?.variants ?? {})).toEqual(["Purple", "Red"]);
    expect(traitOf(arms, "LureArms")?.variants).toBeUndefined();
    // Variants change art only: the metadata and weights stay the root trait's.
    expect(traitOf(arms, "LureArms")?.parts[0]?.file).toBe("Arms/LureArms#Rare.png");
  });

  it("the missing variant files are listed in one warning: LobsterClaws in Blue and Green, LureArms in all four", () => {
    const w = set.warnings.filter((x) => /no variant art/.test(x));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /^layers\/Arms: no variant art for 6 .*root file.*missing Arms\/Blue\/LobsterClaws\.png, Arms\/Green\/LobsterClaws\.png, Arms\/Blue\/LureArms\.png, Arms\/Green\/LureArms\.png, Arms\/Purple\/LureArms\.png, Arms\/Red\/LureArms\.png$/,
    );
  });

  it("Head draws its coloured file for every colour", () => {
    const head = traitOf(layerOf(set, "Head"), "FishHead");
    expect(Object.entries(head?.variants ?? {}).map(([c, p]) => [c, p.map((x) => x.file)])).toEqual(
      ["Blue", "Green", "Purple", "Red"].map((c) => [c, [`Head/${c}/FishHead.png`]]),
    );
  });

  it("Eyes/AnglerEyes/Light.png is not drawn: the config's only sub-trait is named Shadow (both said)", () => {
    expect(traitOf(layerOf(set, "Eyes"), "AnglerEyes")?.parts.map((p) => p.file)).toEqual(["Eyes/AnglerEyes#Common.png"]);
    expect(set.warnings.some((w) => /sub-trait file\(s\) never drawn: Eyes\/AnglerEyes\/Light\.png/.test(w))).toBe(true);
    expect(set.warnings.some((w) => /parts\.\*\/Shadow: matches no part/.test(w))).toBe(true);
  });

  it("with a parts key that names it, Light.png is drawn with its blend, opacity and z", () => {
    const eyes = datlipsSample().dirs.find((d) => d.name === "Eyes") ?? dir("Eyes");
    const r = readLayer(eyes, { dialect: "datlips", layerIndex: 4, name: "Eyes", folder: "Eyes", options: { parts: { "AnglerEyes/Light": { blend: "screen", opacity: 0.5, z: 45 } } } });
    expect(traitOf(r.model, "AnglerEyes")?.parts.slice(1)).toEqual([{ file: "Eyes/AnglerEyes/Light.png", z: 45, blend: "screen", opacity: 0.5, x: 0, y: 0 }]);
  });
});

describe("datlips dialect: the v1.4.0 sample, configuration 1 (FIELD §3)", () => {
  const set = readLayers(datlipsSample(), { dialect: "datlips", layers: DATLIPS_CONFIG_1 });

  it("SkeletalArms 8 · SkeletalBack 7 · SkeletalBody 12 · SkeletalLegs 6 · SkeletalAccessories 2 = 8,064", () => {
    expect(set.problems).toEqual([]);
    expect(capacity(set)).toBe(8064);
    // datlips prints "a maximum of 572,545" for both: 564,480 + 8,064 + 1.
    expect(564_480 + capacity(set) + 1).toBe(572_545);
  });

  it("SkeletalArms is drawn but not in metadata (exclude); its z19$ and SkeletalBack's z9$/z18$ prefixes", () => {
    const arms = layerOf(set, "SkeletalArms");
    expect(arms.inMetadata).toBe(false);
    expect(traitOf(arms, "SkeletalTentacleArms")?.parts[0]?.z).toBe(19);
    expect(traitOf(arms, "SkeletalBetaArms")?.parts[0]?.z).toBe(0);
    const back = layerOf(set, "SkeletalBack");
    expect(traitOf(back, "SkeletalTurtleShell")?.parts[0]?.z).toBe(9);
    expect(traitOf(back, "SkeletalStrapOnShark")?.parts[0]?.z).toBe(18);
    expect(traitOf(back, "SkeletalBetaFins")?.parts[0]?.z).toBe(10);
  });

  it("no Variant first layer: SkeletalArms' colour folders are never used, said in one warning", () => {
    expect(layerOf(set, "SkeletalArms").variantOf).toBeUndefined();
    expect(flattenLayer(layerOf(set, "SkeletalArms").root).every((o) => o.trait.variants === undefined)).toBe(true);
    const w = set.warnings.filter((x) => x.startsWith("layers/SkeletalArms:"));
    expect(w).toEqual([expect.stringMatching(/sub-folders Blue\/ \(6 file\(s\)\), Green\/ \(6 file\(s\)\), Purple\/ \(7 file\(s\)\), Red\/ \(7 file\(s\)\) .*never drawn/)]);
  });

  it("Seaweed draws Behind and Light at z 35 (subTraits zindex) under its own file at 40; None is a value (v1.4)", () => {
    const acc = layerOf(set, "SkeletalAccessories");
    const seaweed = flattenLayer(acc.root).find((o) => o.trait.name === "Seaweed");
    expect(seaweed?.parts.map((p) => [p.file, p.z])).toEqual([
      ["SkeletalAccessories/Seaweed#Rare.png", 40],
      ["SkeletalAccessories/Seaweed/Behind.png", 35],
      ["SkeletalAccessories/Seaweed/Light.png", 35],
    ]);
    const drawOrder = [...(seaweed?.parts ?? [])].sort((a, b) => a.z - b.z).map((p) => p.file.split("/").pop());
    expect(drawOrder).toEqual(["Behind.png", "Light.png", "Seaweed#Rare.png"]);
    expect(traitOf(acc, "None")).toMatchObject({ inMetadata: true, value: "None" });
    expect(traitOf(acc, "None")?.parts).toHaveLength(1);
  });

  it("without subTraits (no parts option) the Seaweed folder is not drawn, and the user hears so", () => {
    const acc = datlipsSample().dirs.find((d) => d.name === "SkeletalAccessories") ?? dir("x");
    const r = readLayer(acc, { dialect: "datlips", layerIndex: 4, name: "SkeletalAccessories", folder: "SkeletalAccessories" });
    expect(traitOf(r.model, "Seaweed")?.parts).toHaveLength(1);
    expect(r.warnings.some((w) => /2 sub-trait file\(s\) never drawn: SkeletalAccessories\/Seaweed\/Behind\.png, SkeletalAccessories\/Seaweed\/Light\.png/.test(w))).toBe(true);
  });
});

describe("datlips dialect: every rule", () => {
  const read = (d: ReturnType<typeof dir>, options = {}) => readLayer(d, { dialect: "datlips", layerIndex: 2, name: d.name, folder: d.name, options });

  it("a root file without a rarity or with an unknown one is a problem, as datlips stops there", () => {
    const r = read(dir("L", "a.png", "b#Shiny.png", "c#Rare.png"));
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([
      ["BAD_WEIGHT", "L/a.png"],
      ["BAD_WEIGHT", "L/b#Shiny.png"],
    ]);
    expect(r.problems[0]?.detail).toMatch(/not a valid rarity/);
  });

  it("numbers work too (#0.5 is 0.5, last # segment); several # are warned", () => {
    const r = read(dir("L", "a#0.5.png", "b#x#1.5.png"));
    expect(flattenLayer(r.model.root).map((o) => [o.trait.name, o.trait.weight])).toEqual([
      ["a", 0.5],
      ["b", 1.5],
    ]);
    expect(r.warnings.some((w) => /b#x#1\.5\.png: expected one "#"/.test(w))).toBe(true);
  });

  it("a custom named-weight table wins where given", () => {
    const r = readLayer(dir("L", "a#Rare.png", "b#Common.png"), { dialect: "datlips", layerIndex: 0, name: "L", folder: "L", namedWeights: { Rare: 50 } });
    expect(flattenLayer(r.model.root).map((o) => o.trait.weight)).toEqual([50, 100]);
  });

  it("an explicit variantOf takes variant folders without a Variant layer; parent traits decide which folders are variants", () => {
    const set = readLayers(dir("layers", dir("Skin", "Gold#1.png", "Plain#3.png"), dir("Cape", "Red#1.png", dir("Gold", "Red.png"), dir("Other", "x.png"))), {
      dialect: "datlips",
      layers: ["Skin", { name: "Cape", variantOf: "Skin", parts: { "*": {} } }],
    });
    const cape = layerOf(set, "Cape");
    expect(cape.variantOf).toBe("Skin");
    expect(traitOf(cape, "Red")?.variants).toEqual({ Gold: [{ file: "Cape/Gold/Red.png", z: 10, blend: "source-over", opacity: 1, x: 0, y: 0 }] });
    expect(set.warnings.some((w) => /sub-folders Other\/ \(1 file\(s\)\) named like no trait of this layer nor of "Skin"/.test(w))).toBe(true);
    expect(set.warnings.some((w) => /no variant folder for "Plain" of layer "Skin"/.test(w))).toBe(true);
  });

  it("through readLayers, config problems name the config file and the entry", () => {
    const set = readLayers(dir("layers", dir("A", "a#1.png")), { dialect: "datlips", layers: [{ name: "A", traits: { b: 2 } }], configSource: "fish.json" });
    expect(set.problems.map((p) => p.path)).toEqual(["fish.json: layers[0].traits.b"]);
  });

  it("a variantOf naming no layer is a config problem", () => {
    const r = read(dir("L", "a#1.png"), { variantOf: "Colour" });
    expect(r.problems.map((p) => [p.code, p.path])).toEqual([["BAD_CONFIG", "layers[2].variantOf"]]);
  });

  it("the Variant layer must come first, as in datlips: alphabetical order puts Arms first and no colour folder is read", () => {
    const set = readLayers(dir("layers", dir("Variant", "Blue#1.png"), dir("Arms", "Fin#1.png", dir("Blue", "Fin.png"))), { dialect: "datlips" });
    expect(set.layers.map((l) => l.model.folder)).toEqual(["Arms", "Variant"]);
    expect(traitOf(layerOf(set, "Arms"), "Fin")?.variants).toBeUndefined();
  });

  it("a variant file named like no trait is warned and never drawn; variant files carry their own z$ if written", () => {
    const set = readLayers(dir("layers", dir("Variant", "Blue#1.png"), dir("Arms", "Fin#1.png", dir("Blue", "Fin.png", "Fins.png"))), {
      dialect: "datlips",
      layers: ["Variant", "Arms"],
    });
    expect(set.warnings.some((w) => /layers\/Arms\/Blue\/Fins\.png: a variant file named like no trait/.test(w))).toBe(true);
    const z = readLayers(dir("layers", dir("Variant", "Blue#1.png"), dir("Arms", "z5$Fin#1.png", dir("Blue", "z7$Fin.png"))), {
      dialect: "datlips",
      layers: ["Variant", "Arms"],
    });
    const fin = traitOf(layerOf(z, "Arms"), "Fin");
    expect([fin?.parts[0]?.z, fin?.variants?.Blue?.[0]?.z]).toEqual([5, 7]);
  });
});

import { describe, expect, it } from "vitest";
import { flattenLayer, type ListedDir } from "../model.js";
import { readLayer, readLayers, type LayerEntry, type LayerRead } from "./index.js";
import { dir, emptyFile, nftchefSample, NFTCHEF_ORDER } from "./sampleTrees.js";

/** Outcome id → share, parts (file inside the layer @ z) and value, in tree order. */
function outcomes(read: LayerRead): Array<{ id: string; share: number; parts: string[]; value: string; inMetadata: boolean }> {
  const folder = read.model.folder;
  return flattenLayer(read.model.root).map((o) => ({
    id: [...o.path, o.trait.name].join("/"),
    share: o.share,
    parts: o.parts.map((p) => `${p.file.slice(folder.length + 1)}@${p.z}`),
    value: o.trait.value,
    inMetadata: o.trait.inMetadata,
  }));
}

function layer(tree: ListedDir, name: string, options: LayerEntry | undefined = undefined, layerIndex = 0): LayerRead {
  const d = tree.dirs.find((x) => x.name === name) ?? dir(name);
  const { name: _n, folder: _f, ...rest } = options ?? { name };
  return readLayer(d, { dialect: "nftchef", layerIndex, name, folder: name, options: rest });
}

describe("nftchef dialect: the v2.2.0 sample, layer by layer (FIELD §3)", () => {
  const tree = nftchefSample();
  const read = (name: string, options?: LayerEntry): LayerRead => layer(tree, name, options, NFTCHEF_ORDER.indexOf(name));

  it("Background: three equal files at z 0", () => {
    const r = read("Background");
    expect(outcomes(r).map((o) => [o.id, o.share, o.parts])).toEqual([
      ["coulds", 1 / 3, ["coulds#5.png@0"]],
      ["stars", 1 / 3, ["stars#5.png@0"]],
      ["swirl", 1 / 3, ["swirl#5.png@0"]],
    ]);
    expect(r.problems).toEqual([]);
  });

  it("Back Accessory: the Backpack folder is one trait (5/9) of its two required files in byte order", () => {
    const o = outcomes(read("Back Accessory"));
    expect(o.map((x) => x.id)).toEqual(["Backpack", "rockets"]);
    expect(o[0]?.share).toBeCloseTo(5 / 9, 12);
    expect(o[0]?.parts).toEqual(["Backpack#50/1backpack-lines.png@0", "Backpack#50/backpack-FILL.png@0"]);
    expect(o[1]?.share).toBeCloseTo(4 / 9, 12);
  });

  it("Clothes: Shirt three 2/5 with 3shadow then shirt-FILL; the trailing space of `shirt one ` warned and cut", () => {
    const r = read("Clothes");
    const o = outcomes(r);
    expect(o.map((x) => x.id)).toEqual(["Shirt three", "floral", "gray tee", "shirt one", "shirt two"]);
    expect(o.map((x) => x.share)).toEqual([44 / 110, 30 / 110, 30 / 110, 3 / 110, 3 / 110]);
    expect(o[0]?.parts).toEqual(["Shirt three#44/3shadow.png@0", "Shirt three#44/shirt-FILL.png@0"]);
    expect(o[0]?.value).toBe("Shirt three");
    expect(r.warnings).toEqual([expect.stringMatching(/^"layers\/Clothes\/shirt one #3\.png": .*found "shirt one "; read as "shirt one"/)]);
  });

  it("Eyes: the z1 folder passes z +1 down; happy and normal 5/16 each, star eyes 3/8", () => {
    const o = outcomes(read("Eyes"));
    expect(o.map((x) => [x.id, x.share, x.parts])).toEqual([
      ["eye/happy", 5 / 16, ["z1,eye#50/happy#50/eye2.png@1"]],
      ["eye/normal", 5 / 16, ["z1,eye#50/normal#50/eye1.png@1"]],
      ["star eyes", 3 / 8, ["z1,star eyes#30.png@1"]],
    ]);
    expect(o[0]?.value).toBe("happy");
  });

  it("Hair: the only weighted folder is always reached; its files 1/2 each at z 1", () => {
    expect(outcomes(read("Hair")).map((x) => [x.id, x.share, x.parts])).toEqual([
      ["Hair/bluehair", 1 / 2, ["z1,Hair#20/bluehair#50.png@1"]],
      ["Hair/purplehair", 1 / 2, ["z1,Hair#20/purplehair#50.png@1"]],
    ]);
  });

  it("Accessory: the 0-byte NONE is 25/34 with no parts and no attribute; Purple Glasses 25/136 with parts at z 0 and −10; Helmet renamed by a value override", () => {
    const r = read("Accessory", { name: "Accessory", traits: { Helmet: { value: "Space Helmet" } } });
    expect(r.problems).toEqual([]);
    const o = new Map(outcomes(r).map((x) => [x.id, x]));
    expect(o.get("NONE")).toEqual({ id: "NONE", share: 25 / 34, parts: [], value: "NONE", inMetadata: false });
    expect(o.get("Purple Glasses")?.share).toBeCloseTo(25 / 136, 12);
    expect(o.get("Purple Glasses")?.parts).toEqual(["Purple Glasses#25/Glasses front.png@0", "Purple Glasses#25/z-10,Glasses back.png@-10"]);
    expect(o.get("Helmet")).toMatchObject({ share: 10 / 136, value: "Space Helmet", parts: ["Helmet#10/Helmet.png@0"], inMetadata: true });
    expect(o.get("MetallicShades")?.share).toBeCloseTo(1 / 136, 12);
  });

  it("Shirt Accessories: Golden Sakura 1/81, gold chain and nametag 40/81", () => {
    expect(outcomes(read("Shirt Accessories")).map((x) => [x.id, x.share])).toEqual([
      ["Golden Sakura", 1 / 81],
      ["gold chain", 40 / 81],
      ["nametag", 40 / 81],
    ]);
  });

  it("the whole sample: capacity 3·2·2·5·3·2·4·3 = 4,320, every layer at z 0 unless its names say otherwise", () => {
    const set = readLayers(tree, { dialect: "nftchef", layers: NFTCHEF_ORDER });
    expect(set.problems).toEqual([]);
    const counts = set.layers.map((l) => flattenLayer(l.model.root).filter((o) => o.share > 0).length);
    expect(counts).toEqual([3, 2, 2, 5, 3, 2, 4, 3]);
    expect(counts.reduce((a, b) => a * b, 1)).toBe(4320);
    const zs = new Set(set.layers.flatMap((l) => flattenLayer(l.model.root).flatMap((o) => o.parts.map((p) => p.z))));
    expect([...zs].sort((a, b) => a - b)).toEqual([-10, 0, 1]);
  });
});

describe("nftchef dialect: every rule", () => {
  const one = (...entries: Parameters<typeof dir>[1][]): LayerRead => layer(dir("layers", dir("L", ...entries)), "L");

  it("weight = the first #(\\d*): #0.5 read as 0.5 and #2.5 as 2.5 with ONE warning saying nftchef reads 0 and 2", () => {
    const r = one("a#0.5.png", "b#2.5.png", "c#1.png");
    expect(outcomes(r).map((o) => o.share)).toEqual([0.5 / 4, 2.5 / 4, 1 / 4]);
    const w = r.warnings.filter((x) => /decimals/.test(x));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/"#0\.5" → 0, never chosen; "#2\.5" → 2\); read as written: L\/a#0\.5\.png, L\/b#2\.5\.png$/);
  });

  it("#Rare, a bare # and C#Minor#10 are weight 0 as nftchef reads them, never chosen, with a warning", () => {
    const r = one("a#Rare.png", "b#.png", "C#Minor#10.png", "d#3.png");
    const o = outcomes(r);
    // Byte order: "C#…" sorts before "a#…".
    expect(o.map((x) => [x.id, x.share])).toEqual([
      ["C", 0],
      ["a", 0],
      ["b", 0],
      ["d", 1],
    ]);
    expect(r.warnings.some((w) => /not followed by digits.*L\/C#Minor#10\.png, L\/a#Rare\.png, L\/b#\.png$/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /never chosen at random .*: C, a, b$/.test(w))).toBe(true);
  });

  it("a layer whose weights are all 0 is a problem", () => {
    expect(one("a#0.png").problems.map((p) => p.code)).toEqual(["BAD_WEIGHT"]);
  });

  it("an un-weighted root file is a part of every token, with a warning about nftchef #187", () => {
    const r = one("frame.png", "a#1.png", "b#1.png");
    const o = outcomes(r);
    expect(o.map((x) => x.parts)).toEqual([
      ["frame.png@0", "a#1.png@0"],
      ["frame.png@0", "b#1.png@0"],
    ]);
    expect(r.warnings.some((w) => /nftchef #187.*L\/frame\.png$/.test(w))).toBe(true);
  });

  it("a layer of un-weighted files only is one trait named after the layer", () => {
    const o = outcomes(one("a.png", "b.png"));
    expect(o.map((x) => [x.id, x.share, x.parts])).toEqual([["L", 1, ["a.png@0", "b.png@0"]]]);
  });

  it("an un-weighted folder is a group drawn whenever its parent is reached; a weighted entry inside it is a problem", () => {
    const r = one(dir("Mohawk#5", "top.png", dir("shadow", "s1.png", "z-3,s2.png")), "Bald#5.png");
    expect(outcomes(r).map((x) => x.parts)).toEqual([["Bald#5.png@0"], ["Mohawk#5/shadow/s1.png@0", "Mohawk#5/shadow/z-3,s2.png@-3", "Mohawk#5/top.png@0"]]);
    const bad = one(dir("group", "x#2.png"), "a#1.png");
    expect(bad.problems.map((p) => [p.code, p.file])).toEqual([["LAYER_NESTED", "L/group/x#2.png"]]);
  });

  it("a weighted folder with weighted files and required files: a choice whose required parts come first (deeper drawn above)", () => {
    const r = one(dir("Special#10", "base.png", "x#1.png", "y#3.png"), "plain#10.png");
    const o = outcomes(r);
    expect(o.map((x) => [x.id, x.share, x.parts])).toEqual([
      ["Special/x", 1 / 8, ["Special#10/base.png@0", "Special#10/x#1.png@0"]],
      ["Special/y", 3 / 8, ["Special#10/base.png@0", "Special#10/y#3.png@0"]],
      ["plain", 1 / 2, ["plain#10.png@0"]],
    ]);
    // nftchef writes the first drawn file's value: the required base.png gives "Special".
    expect(r.warnings.some((w) => /writes the value of the first file it draws, so "Special\/x" gets "Special"/.test(w))).toBe(true);
  });

  it("z: a file's own z wins over its folder's, inherited by every level below", () => {
    const o = outcomes(one(dir("z5,outer#1", dir("inner#1", "a.png", "z-2,b.png")), "c#1.png"));
    expect(o.map((x) => [x.id, x.parts])).toEqual([
      ["c", ["c#1.png@0"]],
      ["outer/inner", ["z5,outer#1/inner#1/a.png@5", "z5,outer#1/inner#1/z-2,b.png@-2"]],
    ]);
  });

  it("?blend=multiply&opacity=50 in a file name; a bad blend is drawn source-over with a warning", () => {
    const r = one("a?blend=multiply&opacity=50#3.png", "b#1?blend=bogus.png");
    const parts = flattenLayer(r.model.root).map((o) => o.parts[0]);
    expect(parts.map((p) => [p?.blend, p?.opacity])).toEqual([
      ["multiply", 0.5],
      ["source-over", 1],
    ]);
    expect(flattenLayer(r.model.root).map((o) => [o.trait.name, o.trait.weight])).toEqual([
      ["a", 3],
      ["b", 1],
    ]);
    expect(r.warnings.some((w) => /blend "bogus".*source-over/.test(w))).toBe(true);
  });

  it("NONE needs no image: a 0-byte NONE is fine, a 0-byte trait is a problem", () => {
    const r = one(emptyFile("NONE#3.png"), emptyFile("Hat#1.png"), "Cap#1.png");
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([["BAD_IMAGE", "L/Hat#1.png"]]);
    expect(outcomes(r).map((o) => [o.id, o.inMetadata, o.parts.length])).toEqual([
      ["Cap", true, 1],
      ["NONE", false, 0],
    ]);
  });

  it("a required folder of ten or more entries: nftchef's text sort of addresses (x.10 before x.2) is warned, byte order kept", () => {
    const files = Array.from({ length: 11 }, (_, i) => `p${String.fromCharCode(97 + i)}.png`);
    const r = one(dir("Many#1", ...files), "other#1.png");
    expect(outcomes(r).find((o) => o.id === "Many")?.parts).toEqual(files.map((f) => `Many#1/${f}@0`));
    expect(r.warnings.some((w) => /nftchef v2\.2\.0 draws "Many" as pa\.png, pk\.png, pb\.png, pc\.png/.test(w))).toBe(true);
  });

  it("required files at z > 0 drawn in reverse by nftchef (unshift) are warned", () => {
    const r = one(dir("z2,Two#1", "a.png", "b.png"), "other#1.png");
    expect(outcomes(r).find((o) => o.id === "Two")?.parts).toEqual(["z2,Two#1/a.png@2", "z2,Two#1/b.png@2"]);
    expect(r.warnings.some((w) => /draws "Two" as b\.png, a\.png/.test(w))).toBe(true);
  });

  it("the sample itself draws in nftchef's own order: no order or value warnings", () => {
    const set = readLayers(nftchefSample(), { dialect: "nftchef", layers: NFTCHEF_ORDER });
    expect(set.warnings.filter((w) => /nftchef v2\.2\.0 (draws|writes)/.test(w))).toEqual([]);
  });

  it("two entries of one name in a folder are a problem", () => {
    const r = one("Red#1.png", dir("Red#2", "x.png"));
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([["DUPLICATE_TRAIT", "L/Red#2"]]);
  });
});

import { describe, expect, it } from "vitest";
import { layerConfigSchema } from "../config.js";
import { flattenLayer, type LayerModel, type ListedDir, type Outcome } from "../model.js";
import { detectDialect, layerEntrySchema, readLayer, readLayers, type LayerOptions, type LayerRead, type LayerSetRead } from "./index.js";
import { dir, emptyFile, hashlipsSample, HASHLIPS_ORDER } from "./sampleTrees.js";

const read = (d: ListedDir, options: LayerOptions = {}, layerIndex = 2): LayerRead => readLayer(d, { dialect: "traitloom", layerIndex, name: d.name, folder: d.name, options });
const outcomes = (r: LayerRead | LayerModel): Outcome[] => flattenLayer("model" in r ? r.model.root : r.root);
const byId = (r: LayerRead | LayerModel): Map<string, Outcome> => new Map(outcomes(r).map((o) => [[...o.path, o.trait.name].join("/"), o]));
const layerOf = (set: LayerSetRead, folder: string): LayerModel => {
  const l = set.layers.find((x) => x.model.folder === folder);
  if (!l) throw new Error(`no layer ${folder}`);
  return l.model;
};

/** FIELD.md §6's example folder: every rule of the dialect at once. */
const example = (): ListedDir =>
  dir(
    "layers",
    dir("01-Background", "Sky#30.png", "Night#8.png"),
    dir("02-Body", "Blue#50.png", "Gold#Rare.png"),
    dir("03-Hair", "Short#40.png", dir("Mohawk#20", "front.png", "z5,back.png")),
    dir("04-Hat", emptyFile("NONE#60.png"), "Crown#5.png", "Cap#35.png"),
    dir("05-Eyes", "Plain#50.png", "Laser#5.png", dir("Laser", "glow.png")),
    dir("06-Cape", "Red.png", "Blue.png", dir("Gold", "Red.png", "Blue.png")),
  );
const EXAMPLE_LAYERS = ["Background", "Body", "Hair", "Hat", { name: "Eyes", parts: { "Laser/glow": { blend: "screen", opacity: 0.7 } } }, { name: "Cape", variantOf: "Body" }];

describe("traitloom dialect: FIELD §6's example, with only the blend and variantOf written", () => {
  const set = readLayers(example(), { dialect: "traitloom", layers: EXAMPLE_LAYERS });

  it("reads without problems; layers at z 10 × index", () => {
    expect(set.problems).toEqual([]);
    const zs = (l: LayerRead): number[] => [...new Set(outcomes(l).flatMap((o) => o.parts.filter((p) => !p.file.includes("z5,")).map((p) => p.z)))];
    expect(set.layers.map((l) => [l.model.name, zs(l)])).toEqual([
      ["Background", [0]],
      ["Body", [10]],
      ["Hair", [20]],
      ["Hat", [30]],
      ["Eyes", [40]],
      ["Cape", [50]],
    ]);
  });

  it("rule 1: Mohawk#20/ is a nested choice whose un-weighted files are parts; z5,back sits between Background and Body", () => {
    const hair = byId(layerOf(set, "03-Hair"));
    expect(hair.get("Mohawk")?.share).toBe(20 / 60);
    expect(hair.get("Mohawk")?.parts.map((p) => [p.file, p.z])).toEqual([
      ["03-Hair/Mohawk#20/front.png", 20],
      ["03-Hair/Mohawk#20/z5,back.png", 5],
    ]);
  });

  it("named weights from Traitloom's table (Rare 20); NONE is an empty choice (0 bytes fine, no attribute)", () => {
    expect(byId(layerOf(set, "02-Body")).get("Gold")?.trait.weight).toBe(20);
    expect(byId(layerOf(set, "04-Hat")).get("NONE")).toMatchObject({ share: 0.6, parts: [], trait: { inMetadata: false } });
  });

  it("rule 3: Laser/ holds Laser's parts, with the blend and opacity of its parts entry", () => {
    expect(byId(layerOf(set, "05-Eyes")).get("Laser")?.parts).toEqual([
      { file: "05-Eyes/Laser#5.png", z: 40, blend: "source-over", opacity: 1, x: 0, y: 0 },
      { file: "05-Eyes/Laser/glow.png", z: 40, blend: "screen", opacity: 0.7, x: 0, y: 0 },
    ]);
  });

  it("rule 2: Cape/Gold/ is the capes' art on a Gold body; un-weighted root files are weight 1; no Blue folder is said", () => {
    const cape = layerOf(set, "06-Cape");
    expect(cape.variantOf).toBe("02-Body");
    const c = byId(cape);
    expect([c.get("Blue")?.share, c.get("Red")?.share]).toEqual([0.5, 0.5]);
    expect(c.get("Red")?.trait.variants).toEqual({ Gold: [{ file: "06-Cape/Gold/Red.png", z: 50, blend: "source-over", opacity: 1, x: 0, y: 0 }] });
    expect(set.warnings).toEqual([expect.stringMatching(/^layers\/06-Cape: no variant folder for "Blue" of layer "Body"/)]);
  });

  it("auto: markers of nftchef (a weighted folder, z5,) and datlips (#Rare) → traitloom, with the reason", () => {
    const d = detectDialect(example().dirs);
    expect(d.dialect).toBe("traitloom");
    expect(d.reason).toMatch(/datlips \(named weight "#Rare" in 02-Body\/Gold#Rare\.png\) and nftchef \(a weighted sub-folder in 03-Hair\/Mohawk#20\)/);
    expect(d.file).toBe("02-Body/Gold#Rare.png");
  });
});

describe("traitloom dialect: the resolution order of a sub-folder", () => {
  it("reads HashLips' sample exactly as the hashlips dialect does", () => {
    const a = readLayers(hashlipsSample(), { dialect: "traitloom", layers: HASHLIPS_ORDER });
    const b = readLayers(hashlipsSample(), { dialect: "hashlips", layers: HASHLIPS_ORDER });
    expect(a.layers.map((l) => l.model)).toEqual(b.layers.map((l) => l.model));
    expect(a.warnings).toEqual([]);
  });

  it("rule 2 before rule 3: a folder named like both a parent trait and a sibling trait is variant art", () => {
    const set = readLayers(dir("layers", dir("Body", "Red#1.png", "Blue#1.png"), dir("Cape", "Red#1.png", dir("Red", "Red.png"))), {
      dialect: "traitloom",
      layers: ["Body", { name: "Cape", variantOf: "Body" }],
    });
    const red = byId(layerOf(set, "Cape")).get("Red");
    expect(red?.parts.map((p) => p.file)).toEqual(["Cape/Red#1.png"]);
    expect(red?.trait.variants?.Red?.map((p) => p.file)).toEqual(["Cape/Red/Red.png"]);
  });

  it("without variantOf, colour folders are rule 5: a group on every token, with a warning that says how to fix it", () => {
    const r = read(dir("Arms", "Fin#1.png", "Claw#1.png", dir("Blue", "Fin.png", "Claw.png")));
    expect(outcomes(r).map((o) => o.parts.map((p) => p.file))).toEqual([
      ["Arms/Blue/Claw.png", "Arms/Blue/Fin.png", "Arms/Claw#1.png"],
      ["Arms/Blue/Claw.png", "Arms/Blue/Fin.png", "Arms/Fin#1.png"],
    ]);
    expect(r.warnings).toEqual([expect.stringMatching(/^layers\/Arms\/Blue: a folder without a weight, named like no trait: .*drawn on every token.*"variantOf"/)]);
  });

  it("rule 4: edge-cases/ in the HashLips v2 syntax, keyed on another layer", () => {
    const set = readLayers(dir("layers", dir("Body", "Round#1.png", "Square#1.png"), dir("Hat", "Cap#1.png", dir("edge-cases", "Cap__tBody__vSquare.png"))), {
      dialect: "traitloom",
      layers: ["Body", "Hat"],
    });
    const hat = layerOf(set, "Hat");
    expect(hat.variantOf).toBe("Body");
    expect(byId(hat).get("Cap")?.trait.variants).toEqual({ Square: [{ file: "Hat/edge-cases/Cap__tBody__vSquare.png", z: 10, blend: "source-over", opacity: 1, x: 0, y: 0 }] });
  });

  it("inside a nested choice: a #w folder is a deeper choice, a folder named like a sibling trait its parts, others a group", () => {
    const r = read(dir("L", dir("Long#10", "Dark#1.png", dir("Dark", "shine.png"), dir("Light#3", "a.png"), dir("base", "b.png")), "Bald#10.png"));
    const o = byId(r);
    expect([...o.keys()]).toEqual(["Bald", "Long/Dark", "Long/Light"]);
    expect(o.get("Long/Dark")?.share).toBe(0.5 * 0.25);
    expect(o.get("Long/Dark")?.parts.map((p) => p.file)).toEqual(["L/Long#10/base/b.png", "L/Long#10/Dark#1.png", "L/Long#10/Dark/shine.png"]);
    expect(o.get("Long/Light")?.parts.map((p) => p.file)).toEqual(["L/Long#10/base/b.png", "L/Long#10/Light#3/a.png"]);
    expect(r.warnings).toEqual([expect.stringMatching(/^layers\/L\/Long#10\/base: a folder without a weight/)]);
  });

  it("a weighted file inside a group drawn on every token is a problem (a second choice in one layer)", () => {
    const r = read(dir("L", "a.png", dir("group", "x#2.png")));
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([["LAYER_NESTED", "L/group/x#2.png"]]);
  });
});

describe("traitloom dialect: the folder itself", () => {
  it("junk (.DS_Store, __MACOSX, ._x) is skipped without a word; a folder with no image is a problem", () => {
    const r = read(dir("L", ".DS_Store", "._a.png", "a#1.png", dir("__MACOSX", "x.png")));
    expect([r.problems, r.warnings, outcomes(r).map((o) => o.trait.name)]).toEqual([[], [], ["a"]]);
    expect(read(dir("L", ".DS_Store")).problems.map((p) => [p.code, p.path])).toEqual([["LAYER_EMPTY", "layers/L"]]);
  });

  it("variantOf read alone (the parent's traits unknown): every folder not named like a trait of the layer is a variant folder", () => {
    const r = readLayer(dir("Cape", "Red#1.png", dir("Gold", "Red.png"), dir("Red", "trim.png")), {
      dialect: "traitloom",
      layerIndex: 1,
      name: "Cape",
      folder: "Cape",
      options: { variantOf: "Body" },
      layerSet: [
        { name: "Body", folder: "01-Body" },
        { name: "Cape", folder: "Cape" },
      ],
    });
    expect(r.model.variantOf).toBe("01-Body");
    const red = byId(r).get("Red");
    expect(red?.parts.map((p) => p.file)).toEqual(["Cape/Red#1.png", "Cape/Red/trim.png"]);
    expect(Object.keys(red?.trait.variants ?? {})).toEqual(["Gold"]);
  });
});

describe("traitloom dialect: names", () => {
  it("both z syntaxes are absolute; the layer's z option moves the rest", () => {
    const r = read(dir("L", "z-3,a#1.png", "z35$b#1.png", "c#1.png"), { z: 7 });
    expect(outcomes(r).map((o) => [o.trait.name, o.parts[0]?.z])).toEqual([
      ["c", 7],
      ["a", -3],
      ["b", 35],
    ]);
  });

  it("None and NONE are empty choices; a 0-byte other trait is a problem", () => {
    const r = read(dir("L", emptyFile("None#2.png"), "NONE#1.png", emptyFile("Hat#1.png"), "Cap#1.png"));
    expect(outcomes(r).map((o) => [o.trait.name, o.parts.length, o.trait.inMetadata])).toEqual([
      ["Cap", 1, true],
      ["NONE", 0, false],
      ["None", 0, false],
    ]);
    expect(r.problems.map((p) => p.file)).toEqual(["L/Hat#1.png"]);
  });

  it("spaces at a name's ends are cut, with a warning naming the file in quotes", () => {
    const r = read(dir("L", " Cap #2.png", dir("Hat #1 ", "x.png")));
    expect(outcomes(r).map((o) => o.trait.name)).toEqual(["Cap", "Hat"]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^"layers\/L\/ Cap #2\.png": expected a name without spaces at its ends, found " Cap "; read as "Cap"/),
      expect.stringMatching(/^"layers\/L\/Hat #1 ": expected a name without spaces at its ends, found "Hat "/),
    ]);
  });

  it("nftool names at the root where every file is written so (weightSyntax auto)", () => {
    const r = read(dir("L", "3-Red.png", "1-Blue.png"));
    expect(outcomes(r).map((o) => [o.trait.name, o.trait.weight])).toEqual([
      ["Blue", 1],
      ["Red", 3],
    ]);
  });

  it("a bad weight is a problem naming the file", () => {
    expect(read(dir("L", "a#lots.png", "b.png")).problems.map((p) => [p.code, p.path])).toEqual([["BAD_WEIGHT", "layers/L/a#lots.png"]]);
  });

  it("a name in NFD (a macOS ZIP) is read in NFC", () => {
    const r = read(dir("L", "Cafe\u0301#1.png"));
    expect(outcomes(r)[0]?.trait.name).toBe("Caf\u00e9");
  });
});

describe("layer options, the same in every dialect", () => {
  it("traits: weight, value, z, blend, opacity, inMetadata, by name or Folder/Trait", () => {
    const r = read(dir("L", "a#1.png", "b#1.png", dir("F#2", "a#1.png", "c#1.png")), {
      traits: { b: { weight: 3, value: "Bee", z: 99, blend: "multiply", opacity: 0.25, inMetadata: false }, "F/a": 5, F: 0 },
    });
    const o = byId(r);
    expect(o.get("b")?.trait).toMatchObject({ weight: 3, value: "Bee", inMetadata: false });
    expect(o.get("b")?.parts[0]).toMatchObject({ z: 99, blend: "multiply", opacity: 0.25 });
    expect(o.get("b")?.share).toBe(0.75);
    expect(o.get("F/a")?.trait.weight).toBe(5);
    expect(o.get("F/a")?.share).toBe(0);
    expect(r.problems).toEqual([]);
  });

  it("a traits key naming no trait, or two, is a config problem with a suggestion", () => {
    const r = read(dir("L", "Red#1.png", dir("F#1", "Blue#1.png", "x#1.png"), dir("G#1", "Blue#1.png")), { traits: { Red: 2, Blue: 3, Rde: 1, Bleu: 1 } });
    expect(r.problems.map((p) => [p.path, p.detail])).toEqual([
      ["layers[2].traits.Blue", expect.stringMatching(/names 2 traits \(F\/Blue, G\/Blue\); write "<Folder>\/Blue"/)],
      ["layers[2].traits.Rde", expect.stringMatching(/found none \(did you mean "Red"\?\)/)],
      ["layers[2].traits.Bleu", expect.stringMatching(/found none/)],
    ]);
    expect(byId(r).get("Red")?.trait.weight).toBe(2);
  });

  it("a file's own z wins over traits.z; a parts key wins over the trait for its part", () => {
    const r = read(dir("L", "z3,a#1.png", "b#1.png", dir("b", "glow.png", "z8,rim.png")), { traits: { a: { z: 50 }, b: { z: 60 } }, parts: { "b/glow": { z: 61, x: 2, y: 3 }, "*/rim": { opacity: 0.5 } } });
    const o = byId(r);
    expect(o.get("a")?.parts.map((p) => p.z)).toEqual([3]);
    expect(o.get("b")?.parts.map((p) => [p.file, p.z, p.x, p.y, p.opacity])).toEqual([
      ["L/b#1.png", 60, 0, 0, 1],
      ["L/b/glow.png", 61, 2, 3, 1],
      ["L/b/z8,rim.png", 8, 0, 0, 0.5],
    ]);
  });

  it("none adds an empty choice; trait renames the trait_type; layer flags pass to the model", () => {
    const r = read(dir("L", "a#3.png"), { none: { weight: 1 }, trait: "Hat", inMetadata: false, countsForUniqueness: false, blend: "screen", opacity: 0.5 });
    expect(r.model).toMatchObject({ name: "Hat", folder: "L", inMetadata: false, countsForUniqueness: false });
    expect(outcomes(r).map((o) => [o.trait.name, o.share, o.trait.inMetadata, o.parts.map((p) => `${p.blend}:${p.opacity}`)])).toEqual([
      ["a", 0.75, true, ["screen:0.5"]],
      ["None", 0.25, false, []],
    ]);
    expect(read(dir("L", "a#3.png"), { displayName: "Color" }).model.name).toBe("Color");
    expect(read(dir("L", "a#3.png"), { displayName: "Color", trait: "Hue" }).problems.map((p) => p.path)).toEqual(["layers[2].displayName"]);
  });

  it("a parts key that matches nothing is warned", () => {
    expect(read(dir("L", "a#1.png"), { parts: { "a/glow": { z: 1 } } }).warnings).toEqual([expect.stringMatching(/parts\.a\/glow: matches no part file/)]);
  });

  it("layerEntrySchema takes every entry today's schema takes, and the new options", () => {
    const today = [{ name: "Eyes" }, { name: "Hat", folder: "04-Hat", countsForUniqueness: false, traits: { Crown: 5, Cap: { weight: 2, value: "A Cap" } } }];
    for (const e of today) {
      expect(layerConfigSchema.safeParse(e).success).toBe(true);
      expect(layerEntrySchema.parse(e)).toEqual(e);
    }
    const full = {
      name: "Arms",
      trait: "Arm",
      inMetadata: false,
      z: 10,
      blend: "multiply",
      opacity: 0.5,
      variantOf: "Variant",
      parts: { "Seaweed/Light": { z: 35, blend: "screen", opacity: 1, x: 0, y: -2 } },
      traits: { TentacleLegs: { z: 35, inMetadata: true } },
      none: { weight: 40, inMetadata: false },
    };
    expect(layerEntrySchema.parse(full)).toEqual(full);
    expect(layerEntrySchema.safeParse({ name: "A", variant: "B" }).success).toBe(false);
    expect(layerEntrySchema.safeParse({ name: "A", opacity: 50 }).success).toBe(false);
  });
});

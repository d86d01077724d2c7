import { describe, expect, it } from "vitest";
import { flattenLayer, type ChoiceNode, type ListedDir } from "../model.js";
import { readBlend, readLayer, readLayers, type LayerRead } from "./index.js";
import { dir, emptyFile, hashlipsSample, HASHLIPS_ORDER, nftoolSample } from "./sampleTrees.js";

const shares = (r: LayerRead): Array<[string, number]> => flattenLayer(r.model.root).map((o) => [o.trait.name, o.share]);
const hl = (d: ListedDir, options = {}): LayerRead => readLayer(d, { dialect: "hashlips", layerIndex: 1, name: d.name, folder: d.name, options });

describe("hashlips dialect: the v1.1.1 sample (FIELD §3)", () => {
  const set = readLayers(hashlipsSample(), { dialect: "hashlips", layers: HASHLIPS_ORDER });

  it("its default order gives 1·2·6·3·1·3·3 = 324, Goo left out", () => {
    expect(set.problems).toEqual([]);
    expect(set.layers.map((l) => l.model.name)).toEqual(HASHLIPS_ORDER);
    const counts = set.layers.map((l) => flattenLayer(l.model.root).length);
    expect(counts).toEqual([1, 2, 6, 3, 1, 3, 3]);
    expect(counts.reduce((a, b) => a * b, 1)).toBe(324);
  });

  it("shares: Eye color Yellow 10/15, the five others 1/15; Iris Small 3/5; Bottom lid 2/5, 2/5, 1/5; Top lid 1/2, 3/10, 1/5", () => {
    const byLayer = new Map(set.layers.map((l) => [l.model.name, new Map(shares(l))]));
    expect(byLayer.get("Eye color")?.get("Yellow")).toBeCloseTo(10 / 15, 12);
    for (const c of ["Cyan", "Green", "Pink", "Purple", "Red"]) expect(byLayer.get("Eye color")?.get(c)).toBeCloseTo(1 / 15, 12);
    expect(byLayer.get("Iris")?.get("Small")).toBe(0.6);
    expect([...(byLayer.get("Bottom lid") ?? [])]).toEqual([
      ["High", 0.2],
      ["Low", 0.4],
      ["Middle", 0.4],
    ]);
    expect([...(byLayer.get("Top lid") ?? [])]).toEqual([
      ["High", 0.3],
      ["Low", 0.2],
      ["Middle", 0.5],
    ]);
  });

  it("trait_type is the folder name with its spaces; layers stack in order (z 10 × index)", () => {
    const bottom = set.layers.find((l) => l.model.folder === "Bottom lid");
    expect(bottom?.model.name).toBe("Bottom lid");
    expect(set.layers.map((l) => flattenLayer(l.model.root)[0]?.parts[0]?.z)).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });
});

describe("hashlips dialect: every rule", () => {
  it("the name ends at the first #, the weight follows the last; no weight = 1", () => {
    const r = hl(dir("L", "Cap#1#5.png", "Hat.png"));
    expect(flattenLayer(r.model.root).map((o) => [o.trait.name, o.trait.weight])).toEqual([
      ["Cap", 5],
      ["Hat", 1],
    ]);
    expect(r.warnings.some((w) => /Cap#1#5\.png: expected one "#"/.test(w))).toBe(true);
  });

  it("a decimal comma and a named weight: read as meant, each with one warning saying HashLips reads 1", () => {
    const r = hl(dir("L", "a#0,5.png", "b#0,25.png", "c#Rare.png", "d#2.png"));
    expect(flattenLayer(r.model.root).map((o) => o.trait.weight)).toEqual([0.5, 0.25, 20, 2]);
    expect(r.warnings.filter((w) => /decimal comma/.test(w))).toEqual([expect.stringMatching(/reads them as 1.*: L\/a#0,5\.png, L\/b#0,25\.png$/)]);
    expect(r.warnings.filter((w) => /named weights: HashLips v1\.1\.1 reads them as 1/.test(w))).toHaveLength(1);
  });

  it("fractional weights: one warning that HashLips floors its random number", () => {
    const r = hl(dir("L", "a#0.5.png", "b#0.5.png"));
    expect(shares(r)).toEqual([
      ["a", 0.5],
      ["b", 0.5],
    ]);
    expect(r.warnings.filter((w) => /floors its random number/.test(w))).toHaveLength(1);
  });

  it("a sub-folder is a problem (HashLips crashes on it); a non-image and a 0-byte image too", () => {
    const r = hl(dir("L", "a#1.png", "notes.txt", emptyFile("b#1.png"), dir("Blue", "a.png")));
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([
      ["LAYER_NESTED", "L/Blue"],
      ["BAD_IMAGE", "L/b#1.png"],
      ["NOT_AN_IMAGE", "L/notes.txt"],
    ]);
    expect(shares(r)).toEqual([["a", 1]]);
  });

  it("None is an ordinary trait in HashLips (drawn, in metadata) unless emptyNames says otherwise", () => {
    const d = dir("L", "None#3.png", "Cap#1.png");
    expect(flattenLayer(hl(d).model.root).map((o) => [o.trait.name, o.trait.inMetadata, o.parts.length])).toEqual([
      ["Cap", true, 1],
      ["None", true, 1],
    ]);
    const r = readLayer(d, { dialect: "hashlips", layerIndex: 0, name: "L", folder: "L", emptyNames: ["None"] });
    expect(flattenLayer(r.model.root).map((o) => [o.trait.name, o.trait.inMetadata, o.parts.length])).toEqual([
      ["Cap", true, 1],
      ["None", false, 0],
    ]);
  });

  it("blend: HashLips MODE names map to canvas names; sourceAtop is read as source-atop with a warning", () => {
    const r = hl(dir("L", "a#1.png"), { blend: "sourceAtop", opacity: 0.4 });
    expect(flattenLayer(r.model.root)[0]?.parts[0]).toMatchObject({ blend: "source-atop", opacity: 0.4 });
    expect(r.warnings).toEqual([expect.stringMatching(/map MODE\.sourceAtop to "source-out".*read as source-atop/)]);
    expect(readBlend("MODE.colorDodge")).toEqual({ ok: true, blend: "color-dodge", warning: undefined });
    expect(readBlend("multiply")).toEqual({ ok: true, blend: "multiply", warning: undefined });
    expect(readBlend("dest-over")).toMatchObject({ ok: true, blend: "destination-over" });
    const bad = hl(dir("L", "a#1.png"), { blend: "glow" });
    expect(bad.problems.map((p) => [p.code, p.path])).toEqual([["BAD_CONFIG", "layers[1].blend"]]);
  });
});

const dirless: ChoiceNode = { kind: "choice", name: "", weight: 1, required: [], children: [], source: "" };

describe("nftool dialect", () => {
  it("the example: 3 · 2 · 4 = 24, weights before the dash, layer names without the prefix", () => {
    const set = readLayers(nftoolSample(), { dialect: "nftool" });
    expect(set.problems).toEqual([]);
    expect(set.layers.map((l) => l.model.name)).toEqual(["Background", "Shape", "Direction"]);
    const counts = set.layers.map((l) => flattenLayer(l.model.root).length);
    expect(counts.reduce((a, b) => a * b, 1)).toBe(24);
    expect(flattenLayer(set.layers[2]?.model.root ?? dirless).map((o) => [o.trait.name, o.share])).toEqual([
      ["Down", 1 / 7],
      ["Left", 2 / 7],
      ["Right", 2 / 7],
      ["Top", 2 / 7],
    ]);
  });

  it("a folder ending in _ is optional: an empty choice of weight 1 without attribute", () => {
    const r = readLayer(dir("03-Hat_", "1-Cap.png", "2-Crown.png"), { dialect: "nftool", layerIndex: 3, name: "Hat", folder: "03-Hat_" });
    expect(flattenLayer(r.model.root).map((o) => [o.trait.name, o.share, o.trait.inMetadata])).toEqual([
      ["Cap", 1 / 4, true],
      ["Crown", 2 / 4, true],
      ["None", 1 / 4, false],
    ]);
  });

  it("weight 0, no weight and a non-integer weight are problems", () => {
    const r = readLayer(dir("01-A", "0-Zero.png", "Plain.png", "1.5-Half.png", "1-Ok.png"), { dialect: "nftool", layerIndex: 0, name: "A", folder: "01-A" });
    expect(r.problems.map((p) => p.file)).toEqual(["01-A/0-Zero.png", "01-A/1.5-Half.png", "01-A/Plain.png"]);
  });
});

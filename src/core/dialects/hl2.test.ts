import { describe, expect, it } from "vitest";
import { flattenLayer, type ChoiceNode, type LayerModel, type ListedDir } from "../model.js";
import { readLayer, readLayers } from "./index.js";
import { dir, hl2Sample } from "./sampleTrees.js";

const rootOf = (model: LayerModel | undefined): ChoiceNode => {
  if (!model) throw new Error("no such layer");
  return model.root;
};
const read = (d: ListedDir, layerIndex = 0) => readLayer(d, { dialect: "hl2", layerIndex, name: d.name.split("__")[0] ?? d.name, folder: d.name });

describe("hl2 dialect (HashLips v2)", () => {
  const set = readLayers(hl2Sample(), { dialect: "hl2" });

  it("layers in alphabetical folder order, named without their __ settings", () => {
    expect(set.problems).toEqual([]);
    expect(set.layers.map((l) => [l.model.name, l.model.folder])).toEqual([
      ["Background", "Background"],
      ["Body", "Body__z10"],
      ["Hat", "Hat__z20"],
    ]);
  });

  it("__w is the weight (none = 1); names end at the first __", () => {
    const bg = set.layers[0]?.model;
    expect(flattenLayer(rootOf(bg)).map((o) => [o.trait.name, o.share])).toEqual([
      ["Blue", 3 / 4],
      ["Red", 1 / 4],
    ]);
  });

  it("several files of one option are its parts; the folder's __z is a base, a file's __z is added; __x/__y offsets", () => {
    const hat = set.layers[2]?.model;
    const cap = flattenLayer(rootOf(hat)).find((o) => o.trait.name === "Cap");
    expect(cap?.trait.weight).toBe(5);
    expect(cap?.share).toBe(5 / 6);
    expect(cap?.parts).toEqual([
      { file: "Hat__z20/Cap__w5__z5.png", z: 25, blend: "source-over", opacity: 1, x: 0, y: 0 },
      { file: "Hat__z20/Cap__z-25__x10__y-4.png", z: -5, blend: "source-over", opacity: 1, x: 10, y: -4 },
    ]);
    const body = set.layers[1]?.model;
    expect(flattenLayer(rootOf(body)).map((o) => o.parts[0]?.z)).toEqual([10, 10]);
  });

  it("edge-cases/ become variant art keyed by the other layer's value, that layer the variantOf", () => {
    const hat = set.layers[2]?.model;
    expect(hat?.variantOf).toBe("Body__z10");
    const cap = flattenLayer(rootOf(hat)).find((o) => o.trait.name === "Cap");
    expect(cap?.trait.variants).toEqual({
      Square: [
        { file: "Hat__z20/edge-cases/Cap__tBody__vSquare.png", z: 20, blend: "source-over", opacity: 1, x: 0, y: 0 },
        { file: "Hat__z20/edge-cases/Cap__tBody__vSquare__z-25.png", z: -5, blend: "source-over", opacity: 1, x: 0, y: 0 },
      ],
    });
  });

  it("edge cases keyed on two layers are not supported yet: a warning, read without them", () => {
    const tree = dir("layers", dir("A", "x.png"), dir("B", "y.png"), dir("Hat", "Cap.png", dir("edge-cases", "Cap__tA__vx.png", "Cap__tB__vy.png")));
    const s = readLayers(tree, { dialect: "hl2" });
    const hat = s.layers[2]?.model;
    expect(hat?.variantOf).toBeUndefined();
    expect(flattenLayer(rootOf(hat))[0]?.trait.variants).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/^layers\/Hat\/edge-cases: edge cases keyed on 2 layers \(A, B\): not supported yet/)]);
  });

  it("an edge case for no option, or for a value the layer does not have, is warned", () => {
    const tree = dir("layers", dir("A", "x.png"), dir("Hat", "Cap.png", dir("edge-cases", "Cape__tA__vx.png", "Cap__tA__vz.png")));
    const s = readLayers(tree, { dialect: "hl2" });
    expect(s.warnings.some((w) => /Cape__tA__vx\.png: an edge case for "Cape", which is no option/.test(w))).toBe(true);
    expect(s.warnings.some((w) => /edge cases for value\(s\) "z" that layer "A" does not have/.test(w))).toBe(true);
  });

  it("__w must be a whole number > 0 (__w0.5 and __w0 refused); two different weights on one option are a problem", () => {
    const r = read(dir("L", "a__w0.5.png", "b__w0.png", "c__w2.png", "c__w3__z1.png", "d.png"));
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([
      ["BAD_WEIGHT", "L/a__w0.5.png"],
      ["BAD_WEIGHT", "L/b__w0.png"],
      ["BAD_WEIGHT", "L/c__w3__z1.png"],
    ]);
  });

  it("unknown settings and other sub-folders are warned, never drawn", () => {
    const r = read(dir("L", "a__q5.png", dir("extra", "b.png")));
    expect(r.warnings).toEqual([expect.stringMatching(/a__q5\.png: "__q5" is not a HashLips v2 setting/), expect.stringMatching(/L\/extra: HashLips v2 reads no sub-folder but edge-cases/)]);
  });

  it("a config z replaces the folder's base", () => {
    const r = readLayer(dir("Hat__z20", "Cap__z5.png"), { dialect: "hl2", layerIndex: 0, name: "Hat", folder: "Hat__z20", options: { z: 100 } });
    expect(flattenLayer(r.model.root)[0]?.parts[0]?.z).toBe(105);
  });
});

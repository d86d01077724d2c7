import { describe, expect, it } from "vitest";
import type { LayersListing, ListedFolder } from "./layers.js";
import { buildLayerSet } from "./layers.js";

const folder = (name: string, files: string[], subfolders: string[] = []): ListedFolder => ({
  folder: name,
  files: files.map((f) => ({ name: f, size: f.startsWith("empty") ? 0 : 100 })),
  subfolders,
});
const listing = (folders: ListedFolder[], rootFiles: string[] = []): LayersListing => ({ root: "layers", folders, rootFiles });

describe("buildLayerSet", () => {
  it("orders by numeric prefix and strips it from the layer name", () => {
    const set = buildLayerSet(listing([folder("02-Eyes", ["Blue#2.png"]), folder("10-Hat", ["Cap.png"]), folder("01-Background", ["Sky#5.png"])]));
    expect(set.layers.map((l) => [l.name, l.folder])).toEqual([
      ["Background", "01-Background"],
      ["Eyes", "02-Eyes"],
      ["Hat", "10-Hat"],
    ]);
    expect(set.warnings).toEqual([]);
  });

  it("falls back to alphabetical order with a warning that says how to set it", () => {
    const set = buildLayerSet(listing([folder("Eyes", ["a.png"]), folder("Background", ["b.png"])]));
    expect(set.layers.map((l) => l.name)).toEqual(["Background", "Eyes"]);
    expect(set.warnings[0]).toMatch(/alphabetical.*"layers" in traitloom.json.*01-/);
  });

  it("takes the config's order, matching folder names with or without prefix, and leaves out other folders", () => {
    const set = buildLayerSet(listing([folder("01-Background", ["a.png"]), folder("Eyes", ["b.png"]), folder("Goo", ["c.png"])]), {
      layers: ["Eyes", { name: "Background" }],
    });
    expect(set.layers.map((l) => l.name)).toEqual(["Eyes", "Background"]);
    expect(set.unusedFolders).toEqual(["Goo"]);
  });

  it("a config naming a missing layer is one error with a suggestion", () => {
    expect(() => buildLayerSet(listing([folder("Eye color", ["a.png"])]), { layers: ["Eye colour"] })).toThrow(
      /^traitloom\.json: layers\[0\]: expected a folder "Eye colour" in layers, found none \(did you mean "Eye color"\?\)$/,
    );
  });

  it("skips and lists junk; a non-image is an error naming it", () => {
    const set = buildLayerSet(listing([folder("A", ["x.png", ".DS_Store", "Thumbs.db", "._x.png"])], ["README.md"]));
    expect(set.skipped).toEqual(["README.md", "A/.DS_Store", "A/._x.png", "A/Thumbs.db"]);
    expect(() => buildLayerSet(listing([folder("A", ["x.png", "notes.txt"])]))).toThrow(/^layers\/A\/notes\.txt: expected a \.png, \.jpg, \.jpeg or \.webp image, found another file$/);
  });

  it("an empty file, an empty layer, a nested folder and no folders are errors", () => {
    expect(() => buildLayerSet(listing([folder("A", ["empty#1.png"])]))).toThrow(/layers\/A\/empty#1\.png: expected an image, found an empty file \(0 bytes\)/);
    expect(() => buildLayerSet(listing([folder("A", [".DS_Store"])]))).toThrow(/^layers\/A: expected at least one trait image, found none$/);
    expect(() => buildLayerSet(listing([folder("A", ["a.png"], ["Variant"])]))).toThrow(/layers\/A\/Variant: sub-folders inside a layer .* not supported yet/);
    expect(() => buildLayerSet(listing([]))).toThrow(/layers: expected one sub-folder per layer, found no folders/);
  });

  it("two files for one trait name are an error", () => {
    expect(() => buildLayerSet(listing([folder("A", ["Red#1.png", "Red#2.png"])]))).toThrow(/layers\/A\/Red#2\.png: trait "Red" is already given by A\/Red#1\.png/);
  });

  it("reads nftool layers when every file is written weight-Name", () => {
    const set = buildLayerSet(listing([folder("00-Background", ["1-Red.png", "3-Green.png"]), folder("01-Shape", ["Circle#2.png"])]));
    expect(set.layers[0]?.traits.map((t) => [t.name, t.weight])).toEqual([
      ["Red", 1],
      ["Green", 3],
    ]);
    expect(set.layers[1]?.traits.map((t) => [t.name, t.weight])).toEqual([["Circle", 2]]);
  });

  it("config overrides weights and values, and rejects unknown traits with a suggestion", () => {
    const set = buildLayerSet(listing([folder("A", ["Red#1.png", "Blue#1.png"])]), {
      layers: [{ name: "A", traits: { Red: 5, Blue: { weight: 0, value: "Navy" } } }],
    });
    expect(set.layers[0]?.traits.map((t) => [t.name, t.value, t.weight])).toEqual([
      ["Blue", "Navy", 0],
      ["Red", "Red", 5],
    ]);
    expect(() => buildLayerSet(listing([folder("A", ["Red#1.png"])]), { layers: [{ name: "A", traits: { Redd: 2 } }] })).toThrow(
      /^traitloom\.json: layers\[0\]\.traits\.Redd: expected a trait of layer "A", found none \(did you mean "Red"\?\)$/,
    );
  });

  it("a layer whose weights are all 0 is an error", () => {
    expect(() => buildLayerSet(listing([folder("A", ["Red#0.png"])]))).toThrow(/layers\/A: expected at least one trait with a weight > 0/);
  });

  it("countsForUniqueness comes from the config", () => {
    const set = buildLayerSet(listing([folder("A", ["a.png"]), folder("B", ["b.png"])]), { layers: ["A", { name: "B", countsForUniqueness: false }] });
    expect(set.layers.map((l) => l.countsForUniqueness)).toEqual([true, false]);
  });
});

describe("partly prefixed folders", () => {
  it("orders prefixed folders first, strips every prefix from names, and warns about the rest", () => {
    const set = buildLayerSet(listing([folder("Hat", ["a.png"]), folder("02-Eyes", ["b.png"]), folder("01-Background", ["c.png"]), folder("Aura", ["d.png"])]));
    expect(set.layers.map((l) => l.name)).toEqual(["Background", "Eyes", "Aura", "Hat"]);
    expect(set.warnings[0]).toMatch(/alphabetical for folders without a numeric prefix \(Aura, Hat\)/);
  });
});

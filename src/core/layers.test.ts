import { describe, expect, it } from "vitest";
import { isTraitloomError, PROBLEMS_IN_MESSAGE, type TraitloomError } from "./errors.js";
import type { LayersListing, ListedFolder } from "./layers.js";
import { analyzeLayers, buildLayerSet, orderLayerFolders } from "./layers.js";

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

  it("an empty file, an empty layer and no folders are errors; a sub-folder is read into the trait model", () => {
    expect(() => buildLayerSet(listing([folder("A", ["empty#1.png"])]))).toThrow(/layers\/A\/empty#1\.png: expected an image, found an empty file \(0 bytes\)/);
    expect(() => buildLayerSet(listing([folder("A", [".DS_Store"])]))).toThrow(/^layers\/A: expected at least one trait image, found none$/);
    // Traitloom's dialect, rule 5: a folder without a weight named like no trait is a group drawn on every token, with a warning.
    const nested = buildLayerSet(listing([folder("A", ["a.png"], ["Variant"])]));
    expect(nested.layers[0]?.traits.map((t) => [t.name, t.parts?.map((p) => p.file)])).toEqual([["a", ["A/a.png"]]]);
    expect(nested.warnings).toEqual([expect.stringMatching(/^layers\/A\/Variant: a folder without a weight, named like no trait: read as a group of parts drawn on every token/)]);
    expect(() => buildLayerSet(listing([]))).toThrow(/layers: expected one sub-folder per layer, found no folders/);
  });

  it("two files for one trait name are an error", () => {
    expect(() => buildLayerSet(listing([folder("A", ["Red#1.png", "Red#2.png"])]))).toThrow(/layers\/A\/Red#2\.png: expected one file per trait name, found trait "Red" also given by A\/Red#1\.png/);
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

function thrown(f: () => unknown): TraitloomError {
  try {
    f();
  } catch (e) {
    if (isTraitloomError(e)) return e;
    throw e;
  }
  throw new Error("expected a TraitloomError, none was thrown");
}

describe("every problem in one pass", () => {
  const bad = listing([
    folder("01-A", ["Red#1.png", "notes.txt", "empty.png", "Blue#x.png"]),
    folder("02-B", ["Cap#2.png", "Cap#3.png", "Hat.png"], ["Variant", ".git"]),
    folder("03-C", [".DS_Store"]),
    folder("04-D", ["Zero#0.png"]),
  ]);
  const config = { layers: ["A", { name: "B", traits: { Capp: 2 } }, "C", "Gone", "D"] };

  it("lists each file, folder and config problem with its path, in layer and file order", () => {
    const a = analyzeLayers(bad, config);
    expect(a.layerSet).toBeUndefined();
    expect(a.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      ["LAYER_MISSING", undefined, 'traitloom.json: layers[3]: expected a folder "Gone" in layers, found none (folders: 01-A, 02-B, 03-C, 04-D)'],
      ["BAD_WEIGHT", "01-A/Blue#x.png", 'layers/01-A/Blue#x.png: expected a weight after "#": a number >= 0 (like #12, #0.5, #0,5) or a named weight (Common, Uncommon, Rare, Epic, Legendary, Mythic), found "x"'],
      ["BAD_IMAGE", "01-A/empty.png", "layers/01-A/empty.png: expected an image, found an empty file (0 bytes)"],
      ["NOT_AN_IMAGE", "01-A/notes.txt", "layers/01-A/notes.txt: expected a .png, .jpg, .jpeg or .webp image, found another file"],
      ["DUPLICATE_TRAIT", "02-B/Cap#3.png", 'layers/02-B/Cap#3.png: expected one file per trait name, found trait "Cap" also given by 02-B/Cap#2.png'],
      ["BAD_CONFIG", undefined, 'traitloom.json: layers[1].traits.Capp: expected a trait of layer "B", found none (did you mean "Cap"?)'],
      ["LAYER_EMPTY", undefined, "layers/03-C: expected at least one trait image, found none"],
      ["BAD_WEIGHT", undefined, "layers/04-D: expected at least one trait with a weight > 0, found all weights 0"],
    ]);
    for (const p of a.problems) expect(p.message).toBe(`${p.path}: ${p.detail}`);
  });

  it("still reads every file without a problem, numbering traits among those", () => {
    const a = analyzeLayers(bad, config);
    expect(a.layers.map((l) => [l.index, l.name, l.traits.map((t) => `${t.index}:${t.name}:${t.weight}`)])).toEqual([
      [0, "A", ["0:Red:1"]],
      [1, "B", ["0:Cap:2", "1:Hat:1"]],
      [2, "C", []],
      [4, "D", ["0:Zero:0"]],
    ]);
    expect(a.skipped).toEqual(["03-C/.DS_Store"]);
  });

  it("buildLayerSet throws them all as one error: a summary line, then one line each; all in `problems`", () => {
    const e = thrown(() => buildLayerSet(bad, config));
    expect(e.code).toBe("PROBLEMS");
    expect(e.problems).toHaveLength(8);
    expect(e.message.split("\n")).toEqual(["layers: 8 problems:", ...analyzeLayers(bad, config).problems.map((p) => `  ${p.message}`)]);
  });

  it(`past ${PROBLEMS_IN_MESSAGE}, the message lists the first ${PROBLEMS_IN_MESSAGE} and how many more; \`problems\` keeps them all`, () => {
    const files = Array.from({ length: PROBLEMS_IN_MESSAGE + 5 }, (_, i) => `n${String(i).padStart(2, "0")}.txt`);
    const e = thrown(() => buildLayerSet(listing([folder("A", ["ok.png", ...files])])));
    const lines = e.message.split("\n");
    expect(lines[0]).toBe(`layers: ${PROBLEMS_IN_MESSAGE + 5} problems, the first ${PROBLEMS_IN_MESSAGE} below:`);
    expect(lines).toHaveLength(PROBLEMS_IN_MESSAGE + 2);
    expect(lines[1]).toBe("  layers/A/n00.txt: expected a .png, .jpg, .jpeg or .webp image, found another file");
    expect(lines.at(-1)).toBe("  … and 5 more");
    expect(e.problems.map((p) => p.path)).toEqual(files.map((f) => `layers/A/${f}`));
  });

  it("a single problem is today's one-line error with its own code", () => {
    const e = thrown(() => buildLayerSet(listing([folder("A", ["x.png", "notes.txt"])])));
    expect(e.code).toBe("NOT_AN_IMAGE");
    expect(e.message).toBe("layers/A/notes.txt: expected a .png, .jpg, .jpeg or .webp image, found another file");
    expect(e.problems).toEqual([expect.objectContaining({ code: "NOT_AN_IMAGE", path: "layers/A/notes.txt", file: "A/notes.txt" })]);
  });

  it("a layer whose only image has a bad name: that file's problem, and no layer set", () => {
    const a = analyzeLayers(listing([folder("A", ["Blue#x.png"]), folder("B", ["b.png"])]), { layers: ["A", "B"] });
    expect(a.problems.map((p) => p.file)).toEqual(["A/Blue#x.png"]);
    expect(a.layerSet).toBeUndefined();
  });

  it("two layers of one name are a problem naming both folders", () => {
    const a = analyzeLayers(listing([folder("01-Eyes", ["a.png"]), folder("02-Eyes", ["b.png"])]));
    expect(a.problems.map((p) => p.message)).toEqual(['layers/02-Eyes: expected each layer name once, found "Eyes" also given by layers/01-Eyes; give each layer its own name']);
  });

  it("two config entries of one layer name are a problem naming both entries and their folders", () => {
    const a = analyzeLayers(listing([folder("01-Eyes", ["a.png"]), folder("02-Eyes", ["b.png"])]), {
      layers: [{ name: "Eyes", folder: "01-Eyes" }, { name: "Eyes", folder: "02-Eyes" }],
    });
    expect(a.problems.map((p) => p.message)).toEqual([
      'traitloom.json: layers[1]: expected each layer name once, found "Eyes" (folder 02-Eyes) also given by layers[0] (folder 01-Eyes); give each layer its own name',
    ]);
  });

  it("one folder under two config entries is a problem naming both entries", () => {
    const a = analyzeLayers(listing([folder("01-Background", ["a.png"]), folder("02-Hat", ["b.png"])]), {
      layers: ["Background", "Hat", { name: "Backdrop", folder: "01-Background" }],
    });
    expect(a.problems.map((p) => p.message)).toEqual(['traitloom.json: layers[2]: expected each folder under one layer, found "01-Background" also under layers[0] ("Background")']);
  });

  it("a valid folder gives the same layer set from analyzeLayers as from buildLayerSet, with no problems", () => {
    const good = listing([folder("01-Background", ["Sky#5.png", "Sea#Rare.png", ".DS_Store"]), folder("Hat", ["Cap.png"])]);
    const a = analyzeLayers(good);
    expect(a.problems).toEqual([]);
    expect(a.layerSet).toEqual(buildLayerSet(good));
    expect(a.layerSet?.layers).toBe(a.layers);
  });
});

describe("the config's weight syntax and named weights", () => {
  it("a custom named weight replaces the default, and a new name is read", () => {
    const set = buildLayerSet(listing([folder("A", ["Red#Rare.png", "Blue#Shiny.png", "Green#Common.png"])]), { namedWeights: { Rare: 7, Shiny: 4 } });
    expect(set.layers[0]?.traits.map((t) => [t.name, t.weight])).toEqual([
      ["Blue", 4],
      ["Green", 100],
      ["Red", 7],
    ]);
    expect(thrown(() => buildLayerSet(listing([folder("A", ["Blue#Shiny.png"])]))).message).toMatch(/^layers\/A\/Blue#Shiny\.png: expected a weight after "#".*found "Shiny"$/);
  });

  it('weightSyntax "hashlips" reads 12-Name.png as a name, "nftool" requires it', () => {
    const files = [folder("A", ["1-Red.png", "3-Green.png"])];
    expect(buildLayerSet(listing(files)).layers[0]?.traits.map((t) => [t.name, t.weight])).toEqual([["Red", 1], ["Green", 3]]);
    expect(buildLayerSet(listing(files), { weightSyntax: "hashlips" }).layers[0]?.traits.map((t) => [t.name, t.weight])).toEqual([["1-Red", 1], ["3-Green", 1]]);
    const a = analyzeLayers(listing([folder("A", ["1-Red.png", "Blue.png"])]), { weightSyntax: "nftool" });
    expect(a.problems.map((p) => p.message)).toEqual(['layers/A/Blue.png: expected an nftool name "<weight>-<Name>", found "Blue.png"']);
  });
});

describe("orderLayerFolders", () => {
  it("is the order and the names buildLayerSet gives without a config", () => {
    const folders = [folder("Hat", ["a.png"]), folder("02-Eyes", ["b.png"]), folder("01-Background", ["c.png"])];
    const order = orderLayerFolders(folders);
    expect(order.layers.map((l) => [l.folder.folder, l.name])).toEqual(buildLayerSet(listing(folders)).layers.map((l) => [l.folder, l.name]));
    expect(order.warning).toBe(buildLayerSet(listing(folders)).warnings[0]);
  });
});

describe("names that print alike, read as HashLips reads them", () => {
  const NFC = "Caf\u00e9";
  const NFD = "Cafe\u0301";

  it("several # in a name: HashLips' reading, and a warning naming the file and what was read", () => {
    const a = analyzeLayers(listing([folder("01-Hat", ["Cap#1#5.png", "Crown#2.png"])]));
    expect(a.problems).toEqual([]);
    expect(a.layers[0]?.traits.map((t) => [t.name, t.weight])).toEqual([
      ["Cap", 5],
      ["Crown", 2],
    ]);
    expect(a.warnings).toEqual(['layers/01-Hat/Cap#1#5.png: expected one "#" before the weight, found 2; read as HashLips reads it: trait "Cap" (up to the first "#"), weight 5 (after the last "#")']);
  });

  it("the same name composed and decomposed in one layer is a duplicate naming both files, and says why they look alike", () => {
    const a = analyzeLayers(listing([folder("01-Hat", [`${NFC}#1.png`, `${NFD}#2.png`])]));
    expect(a.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      [
        "DUPLICATE_TRAIT",
        // Files are read in code-unit order: "e" + accent (NFD) before "é" (NFC).
        `01-Hat/${NFC}#1.png`,
        `layers/01-Hat/${NFC}#1.png: expected one file per trait name, found trait "${NFC}" also given by 01-Hat/${NFD}#2.png, the same name written in another Unicode form (NFC and NFD: macOS ZIPs do this)`,
      ],
    ]);
  });

  it("trait and layer names are NFC, and the config names them in either form", () => {
    const decomposed = listing([folder(`01-${NFD}`, [`${NFD} Noir#1.png`, "Plain.png"])]);
    const set = buildLayerSet(decomposed);
    expect(set.layers[0]?.name).toBe(NFC);
    expect(set.layers[0]?.folder).toBe(`01-${NFD}`);
    expect(set.layers[0]?.traits.map((t) => [t.name, t.value, t.file])).toEqual([
      [`${NFC} Noir`, `${NFC} Noir`, `01-${NFD}/${NFD} Noir#1.png`],
      ["Plain", "Plain", `01-${NFD}/Plain.png`],
    ]);
    const configured = buildLayerSet(decomposed, { layers: [{ name: NFC, traits: { [`${NFC} Noir`]: 4 } }] });
    expect(configured.layers[0]?.traits.map((t) => t.weight)).toEqual([4, 1]);
    const byFolder = buildLayerSet(decomposed, { layers: [{ name: "Top", folder: `01-${NFC}` }] });
    expect(byFolder.layers[0]?.folder).toBe(`01-${NFD}`);
  });

  it("two layer folders that differ only in Unicode form are one name used twice", () => {
    const a = analyzeLayers(listing([folder(`01-${NFC}`, ["a.png"]), folder(`02-${NFD}`, ["b.png"])]));
    expect(a.problems.map((p) => p.message)).toEqual([`layers/02-${NFD}: expected each layer name once, found "${NFC}" also given by layers/01-${NFC}; give each layer its own name`]);
  });

  it("spaces at the ends of a trait name: a warning with the path in quotes, so the space shows", () => {
    const a = analyzeLayers(listing([folder("01-Hat", ["Cap .png", "Crown.png"])]));
    expect(a.problems).toEqual([]);
    expect(a.layers[0]?.traits.map((t) => t.name)).toEqual(["Cap", "Crown"]);
    expect(a.warnings).toEqual(['"layers/01-Hat/Cap .png": expected a trait name without spaces at its ends, found "Cap "; read as "Cap" (HashLips keeps the spaces)']);
  });
});

describe("what the lister could not read", () => {
  it("a file listed as unreadable is a problem of its layer naming it; the rest is read", () => {
    const hat: ListedFolder = { folder: "01-Hat", files: [{ name: "Cap.png", size: 0, unreadable: "expected a readable trait image, found a symlink to a missing file ../art/Cap.png" }, { name: "Crown.png", size: 9 }], subfolders: [] };
    const a = analyzeLayers(listing([hat]));
    expect(a.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      ["BAD_IMAGE", "01-Hat/Cap.png", "layers/01-Hat/Cap.png: expected a readable trait image, found a symlink to a missing file ../art/Cap.png"],
    ]);
    expect(a.layers[0]?.traits.map((t) => t.name)).toEqual(["Crown"]);
  });

  it("a junk file listed as unreadable is still only skipped", () => {
    const hat: ListedFolder = { folder: "01-Hat", files: [{ name: ".DS_Store", size: 0, unreadable: "x" }, { name: "Crown.png", size: 9 }], subfolders: [] };
    expect(analyzeLayers(listing([hat])).problems).toEqual([]);
  });

  it("a folder listed as unreadable is one problem naming it, not also an empty layer", () => {
    const locked: ListedFolder = { folder: "02-Eyes", files: [], subfolders: [], unreadable: "expected a layer folder, found no permission to read it (EACCES)" };
    const a = analyzeLayers(listing([folder("01-Hat", ["Cap.png"]), locked]));
    expect(a.problems.map((p) => p.message)).toEqual(["layers/02-Eyes: expected a layer folder, found no permission to read it (EACCES)"]);
  });

  it("the lister's warnings are the analysis' warnings", () => {
    const a = analyzeLayers({ ...listing([folder("01-Hat", ["Cap.png"])]), warnings: ["layers/01-Hat/Cap.png: a symlink to /art/Cap.png, outside the layers folder; read from there"] });
    expect(a.warnings).toEqual(["layers/01-Hat/Cap.png: a symlink to /art/Cap.png, outside the layers folder; read from there"]);
    expect(a.layerSet?.warnings).toEqual(a.warnings);
  });
});

import { describe, expect, it } from "vitest";
import { analyzeLayers, buildLayerSet, type LayersListing } from "../core/layers.js";
import { analyzeProject, DEFAULT_SETTINGS, defaultLayers, readLayerAlone, relativeToLayersFolder, studioConfig, unsafeZipPath, type Decoded } from "./project.js";

const ok: Decoded = { width: 8, height: 8 };

function project(paths: Record<string, Decoded | number>) {
  const files = Object.keys(paths).map((path) => ({ path, size: typeof paths[path] === "number" ? (paths[path] as number) : 10 }));
  const decoded = new Map(Object.entries(paths).filter((e): e is [string, Decoded] => typeof e[1] !== "number"));
  return { files, decoded };
}

/** The listing Node's listLayersDir gives for the same files on disk: what the CLI reads. */
function cliListing(root: string, paths: Record<string, Decoded | number>): LayersListing {
  const folders = new Map<string, { folder: string; files: Array<{ name: string; size: number }>; subfolders: string[] }>();
  for (const [path, d] of Object.entries(paths)) {
    const [folder = "", name = ""] = path.split("/");
    const entry = folders.get(folder) ?? { folder, files: [], subfolders: [] };
    entry.files.push({ name, size: typeof d === "number" ? d : 10 });
    folders.set(folder, entry);
  }
  return { root, folders: [...folders.values()], rootFiles: [] };
}

describe("studio project", () => {
  it("drops the picked folder's name from paths, and only where every file is under it", () => {
    expect(relativeToLayersFolder(["my/01-A/x.png", "my/02-B/y.png"])).toEqual({ root: "my", paths: ["01-A/x.png", "02-B/y.png"] });
    expect(relativeToLayersFolder(["01-A/x.png", "02-B/y.png"]).root).toBeUndefined();
  });

  it("refuses ZIP paths that leave the folder", () => {
    expect(unsafeZipPath("../x.png")).toMatch(/leaves the folder/);
    expect(unsafeZipPath("a/../../x.png")).toMatch(/leaves the folder/);
    expect(unsafeZipPath("/etc/x.png")).toMatch(/absolute/);
    expect(unsafeZipPath("C:\\x.png")).toMatch(/absolute/);
    expect(unsafeZipPath("layers/01-A/x..y.png")).toBeUndefined();
  });

  it("lists every bad file with core's message (the CLI's line) or its decode error, skips junk, and builds the rest", () => {
    const paths = {
      "01-Back/Sky#3.png": ok,
      "01-Back/Bad#x.png": ok,
      "01-Back/.DS_Store": 5,
      "02-Hat/Cap.png": ok,
      "02-Hat/Cap#2.png": ok,
      "02-Hat/readme.txt": 4,
      "02-Hat/Empty.png": 0,
      "02-Hat/Broken.png": { error: "not a readable image" },
      "02-Hat/Big.png": { width: 16, height: 16 },
    } satisfies Record<string, Decoded | number>;
    const { files, decoded } = project(paths);
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    const byFile = Object.fromEntries(a.layerProblems.map((p) => [p.file, p]));
    expect(Object.keys(byFile).sort()).toEqual(["01-Back/Bad#x.png", "02-Hat/Big.png", "02-Hat/Broken.png", "02-Hat/Cap.png", "02-Hat/Empty.png", "02-Hat/readme.txt"]);
    // Core's problems are the very lines the CLI prints for the same folder.
    const cli = (() => {
      try {
        buildLayerSet(cliListing("root", paths), studioConfig({ ...DEFAULT_SETTINGS, layers: defaultLayers(a.listing) }), "studio settings");
      } catch (e) {
        return (e as { problems: Array<{ message: string }> }).problems.map((p) => p.message);
      }
      return [];
    })();
    expect(cli).toHaveLength(4);
    for (const line of cli) expect(a.layerProblems.map((p) => p.message)).toContain(line);
    expect(byFile["01-Back/Bad#x.png"]?.message).toMatch(/^root\/01-Back\/Bad#x\.png: expected a weight after "#"/);
    expect(byFile["02-Hat/Cap.png"]?.message).toMatch(/also given by 02-Hat\/Cap#2\.png/);
    expect(byFile["02-Hat/readme.txt"]?.message).toBe("root/02-Hat/readme.txt: expected a .png, .jpg, .jpeg or .webp image, found another file");
    expect(byFile["02-Hat/Empty.png"]?.message).toMatch(/0 bytes/);
    // What only the studio knows: it does not decode, or it is of another size.
    expect(byFile["02-Hat/Broken.png"]).toMatchObject({ code: "BAD_IMAGE", path: "root/02-Hat/Broken.png", detail: "not a readable image" });
    expect(byFile["02-Hat/Big.png"]?.detail).toMatch(/16x16, expected 8x8/);
    // As listed: the path, then what was expected and found.
    expect(a.problems).toContainEqual({ path: "root/02-Hat/readme.txt", message: "expected a .png, .jpg, .jpeg or .webp image, found another file" });
    expect(a.problems).toHaveLength(6);
    expect(a.skipped).toContain("01-Back/.DS_Store");
    expect(a.error).toBeUndefined();
    expect(a.layerSet?.layers.map((l) => [l.name, l.traits.map((t) => `${t.name}:${t.weight}`)])).toEqual([
      ["Back", ["Sky:3"]],
      ["Hat", ["Cap:2"]],
    ]);
    expect(a.capacity).toBe(1);
    // The workers read the listing with core's buildLayerSet: it must give the same layers, without throwing.
    expect(buildLayerSet(a.listing, a.config)).toEqual(a.layerSet);
  });

  it("honours the settings' named weights and weight syntax exactly as core does for the CLI's traitloom.json", () => {
    const paths = { "01-Back/Sky#Rare.png": ok, "01-Back/Sea#Shiny.png": ok, "02-Hat/1-Cap.png": ok, "02-Hat/3-Crown.png": ok };
    const { files, decoded } = project(paths);
    const settings = { ...DEFAULT_SETTINGS, namedWeights: { Rare: 7, Shiny: 4 } };
    const a = analyzeProject("root", files, decoded, settings);
    expect(a.config.namedWeights).toEqual({ Rare: 7, Shiny: 4 });
    const weights = (layers: ReadonlyArray<{ traits: ReadonlyArray<{ name: string; weight: number }> }> | undefined) => layers?.map((l) => l.traits.map((t) => `${t.name}:${t.weight}`));
    const cli = buildLayerSet(cliListing("root", paths), { namedWeights: { Rare: 7, Shiny: 4 } });
    expect(weights(a.layerSet?.layers)).toEqual(weights(cli.layers));
    expect(weights(a.layerSet?.layers)).toEqual([["Sea:4", "Sky:7"], ["Cap:1", "Crown:3"]]);
    // Without the table, "Shiny" is a weight that does not parse: the same problem the CLI reports.
    const plain = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(plain.layerProblems.map((p) => p.message)).toEqual([expect.stringMatching(/^root\/01-Back\/Sea#Shiny\.png: expected a weight after "#".*found "Shiny"$/)]);
    expect(weights(plain.layerSet?.layers)).toEqual([["Sky:20"], ["Cap:1", "Crown:3"]]);
    // weightSyntax "hashlips": 1-Cap.png is the trait "1-Cap", as the CLI reads it with that config.
    const hashlips = analyzeProject("root", files, decoded, { ...settings, weightSyntax: "hashlips" });
    expect(hashlips.config.weightSyntax).toBe("hashlips");
    expect(weights(hashlips.layerSet?.layers)).toEqual(weights(buildLayerSet(cliListing("root", paths), { namedWeights: { Rare: 7, Shiny: 4 }, weightSyntax: "hashlips" }).layers));
    expect(weights(hashlips.layerSet?.layers)?.[1]).toEqual(["1-Cap:1", "3-Crown:1"]);
  });

  it("reads again without a left-out file, so the layers are what the workers will read", () => {
    // With Blue#x.png the layer reads HashLips style ("1-Red"); without it, every file is nftool.
    const { files, decoded } = project({ "01-A/1-Red.png": ok, "01-A/3-Green.png": ok, "01-A/Blue#x.png": ok, "02-B/Hat.png": ok });
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(a.layerProblems.map((p) => p.file)).toEqual(["01-A/Blue#x.png"]);
    expect(a.layerSet?.layers[0]?.traits.map((t) => `${t.name}:${t.weight}`)).toEqual(["Red:1", "Green:3"]);
    expect(buildLayerSet(a.listing, a.config)).toEqual(a.layerSet);
  });

  it("warns of trait files that decode to the same pixels, in the CLI's words, where the loader hashed them", () => {
    const same = { width: 8, height: 8, pixels: "abc" };
    // Body's None looks like Hat's None: the same art in two layers is no warning (each layer's empty choice).
    const { files, decoded } = project({
      "Head/faceA#3.png": same,
      "Head/faceB#3.png": same,
      "Head/faceC#3.png": { ...same, pixels: "def" },
      "Body/Blob.png": ok,
      "Body/None.png": { ...same, pixels: "empty" },
      "Hat/None.png": { ...same, pixels: "empty" },
    });
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(a.warnings.filter((w) => w.startsWith("identical"))).toEqual([
      "identical images: root/Head/faceA#3.png, root/Head/faceB#3.png decode to the same pixels; they stay 2 traits, which tokens tell apart by metadata only",
    ]);
  });

  it("a layer left with no trait: listed, and no layer set while a layer is empty; a nested folder is read into the trait model", () => {
    const { files, decoded } = project({ "01-A/Sky.png": { error: "not a readable image" }, "02-B/Hat.png": ok, "02-B/Variant/x.png": ok });
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(a.problems.map((p) => [p.path, p.message])).toEqual([
      ["root/01-A", "expected at least one trait image, found none"],
      ["root/01-A/Sky.png", "not a readable image"],
    ]);
    // Traitloom's dialect, rule 5: a folder named like no trait is drawn on every token, with the CLI's warning.
    expect(a.warnings).toEqual([expect.stringMatching(/^root\/02-B\/Variant: a folder without a weight, named like no trait/)]);
    expect(a.layers[1]?.traits[0]?.parts?.map((p) => p.file)).toEqual(["02-B/Variant/x.png", "02-B/Hat.png"]);
    expect(a.dialect).toBe("traitloom");
    expect(a.layerSet).toBeUndefined();
    expect(a.layers.map((l) => [l.folder, l.traits.length])).toEqual([
      ["01-A", 0],
      ["02-B", 1],
    ]);
  });

  it("a hidden layer is left out of the problems as the CLI leaves out a folder; read alone, it shows its own", () => {
    const { files, decoded } = project({ "01-Back/Sky.png": ok, "02-Hat/Cap.png": ok, "02-Hat/notes.txt": 3, "02-Hat/Bad.png": { error: "not a readable image" } });
    const first = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(first.problems).toHaveLength(2);
    const layers = defaultLayers(first.listing).map((l) => (l.folder === "02-Hat" ? { ...l, visible: false } : l));
    const settings = { ...DEFAULT_SETTINGS, layers };
    const a = analyzeProject("root", files, decoded, settings);
    expect(a.problems).toEqual([]);
    expect(a.layerSet?.layers.map((l) => l.name)).toEqual(["Back"]);
    const hat = readLayerAlone("root", files, decoded, settings, layers[1]!);
    expect(hat.layer?.traits.map((t) => t.name)).toEqual(["Cap"]);
    expect(hat.problems.map((p) => p.path)).toEqual(["root/02-Hat/Bad.png", "root/02-Hat/notes.txt"]);
  });

  it("turns layer order, visibility and changed weights into the traitloom.json the CLI reads", () => {
    const { files, decoded } = project({ "01-Back/Sky#3.png": ok, "01-Back/Sea#1.png": ok, "02-Hat/Cap.png": ok });
    const first = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    const layers = defaultLayers(first.listing);
    expect(layers.map((l) => l.name)).toEqual(["Back", "Hat"]);
    const settings = { ...DEFAULT_SETTINGS, namePrefix: "Loom", layers: [{ ...layers[1]!, visible: false }, { ...layers[0]!, weights: { Sea: 5 } }] };
    expect(studioConfig(settings)).toEqual({ namePrefix: "Loom", layers: [{ name: "Back", folder: "01-Back", traits: { Sea: 5 } }] });
    const a = analyzeProject("root", files, decoded, settings);
    expect(a.layerSet?.layers.map((l) => l.traits.map((t) => t.weight))).toEqual([[1 * 5, 3]]);
  });

  it("reads names as the CLI does: several # (HashLips), NFC twins as one duplicate, spaces at the ends, with the same warnings", () => {
    const paths = { "01-Back/Sky.png": ok, "02-Hat/Cap#1#5.png": ok, "02-Hat/Caf\u00e9#1.png": ok, "02-Hat/Cafe\u0301#2.png": ok, "02-Hat/Bow .png": ok } satisfies Record<string, Decoded | number>;
    const { files, decoded } = project(paths);
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    expect(a.layerProblems.map((p) => p.message)).toEqual([
      'root/02-Hat/Caf\u00e9#1.png: expected one file per trait name, found trait "Caf\u00e9" also given by 02-Hat/Cafe\u0301#2.png, the same name written in another Unicode form (NFC and NFD: macOS ZIPs do this)',
    ]);
    expect(a.layerSet?.layers[1]?.traits.map((t) => `${t.name}:${t.weight}`)).toEqual(["Bow:1", "Caf\u00e9:2", "Cap:5"]);
    expect(a.warnings).toEqual([
      '"root/02-Hat/Bow .png": expected a trait name without spaces at its ends, found "Bow "; read as "Bow" (HashLips keeps the spaces)',
      'root/02-Hat/Cap#1#5.png: expected one "#" before the weight, found 2; read as HashLips reads it: trait "Cap" (up to the first "#"), weight 5 (after the last "#")',
    ]);
    const cli = analyzeLayers(cliListing("root", paths), studioConfig({ ...DEFAULT_SETTINGS, layers: defaultLayers(a.listing) }), "studio settings");
    expect(cli.problems.map((p) => p.message)).toEqual(a.layerProblems.map((p) => p.message));
    expect(cli.warnings).toEqual(a.warnings);
  });

  it("says so when every layer is hidden, without throwing", () => {
    const { files, decoded } = project({ "01-Back/Sky#3.png": ok });
    const first = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    const a = analyzeProject("root", files, decoded, { ...DEFAULT_SETTINGS, layers: defaultLayers(first.listing).map((l) => ({ ...l, visible: false })) });
    expect(a.error).toMatch(/every layer is hidden/);
    expect(a.layerSet).toBeUndefined();
  });
});

describe("collection worker requests", () => {
  it("are checked field by field before core sees them", async () => {
    const { checkCollectionInput } = await import("./messages.js");
    const good = { listing: { root: "r", folders: [{ folder: "a", files: [{ name: "x.png", size: 3 }], subfolders: [] }], rootFiles: [] }, config: {}, count: 5, seed: "s" };
    expect(() => checkCollectionInput("start", good)).not.toThrow();
    expect(() => checkCollectionInput("start", { ...good, count: 0 })).toThrow(/^start\.count: /);
    const bad = { ...good, listing: { ...good.listing, folders: [{ folder: "a", files: [{ name: "x.png", size: -1 }], subfolders: [] }] } };
    expect(() => checkCollectionInput("plan", bad)).toThrow(/^plan\.listing\.folders\[0\]\.files\[0\]\.size: /);
  });
});

import { describe, expect, it } from "vitest";
import { analyzeProject, DEFAULT_SETTINGS, defaultLayers, relativeToLayersFolder, studioConfig, unsafeZipPath, type Decoded } from "./project.js";

const ok: Decoded = { width: 8, height: 8 };

function project(paths: Record<string, Decoded | number>) {
  const files = Object.keys(paths).map((path) => ({ path, size: typeof paths[path] === "number" ? (paths[path] as number) : 10 }));
  const decoded = new Map(Object.entries(paths).filter((e): e is [string, Decoded] => typeof e[1] !== "number"));
  return { files, decoded };
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

  it("lists every bad file with its reason, skips junk, and builds the rest as the CLI would", () => {
    const { files, decoded } = project({
      "01-Back/Sky#3.png": ok,
      "01-Back/Bad#x.png": ok,
      "01-Back/.DS_Store": 5,
      "02-Hat/Cap.png": ok,
      "02-Hat/Cap#2.png": ok,
      "02-Hat/readme.txt": 4,
      "02-Hat/Empty.png": 0,
      "02-Hat/Broken.png": { error: "not a readable image" },
      "02-Hat/Big.png": { width: 16, height: 16 },
    });
    const a = analyzeProject("root", files, decoded, DEFAULT_SETTINGS);
    const byPath = Object.fromEntries(a.problems.map((p) => [p.path, p.message]));
    expect(byPath["01-Back/Bad#x.png"]).toMatch(/weight after "#"/);
    expect(byPath["02-Hat/Cap.png"] ?? byPath["02-Hat/Cap#2.png"]).toMatch(/already given/);
    expect(byPath["02-Hat/readme.txt"]).toMatch(/not an image/);
    expect(byPath["02-Hat/Empty.png"]).toMatch(/0 bytes/);
    expect(byPath["02-Hat/Broken.png"]).toMatch(/not a readable image/);
    expect(byPath["02-Hat/Big.png"]).toMatch(/16x16, expected 8x8/);
    expect(a.skipped).toContain("01-Back/.DS_Store");
    expect(a.error).toBeUndefined();
    expect(a.layerSet?.layers.map((l) => [l.name, l.traits.map((t) => `${t.name}:${t.weight}`)])).toEqual([
      ["Back", ["Sky:3"]],
      ["Hat", ["Cap:2"]],
    ]);
    expect(a.capacity).toBe(1);
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

import { describe, expect, it } from "vitest";
import { detectLayout } from "./layout.js";

describe("what was picked, read as a layers folder", () => {
  it("takes a layers folder as it is, dropping the picked folder's name, and keeps config files out of the layers", () => {
    const l = detectLayout("layers", ["my/01-A/x.png", "my/02-B/y.png", "my/README.md", "my/traitloom.json", "my/config.js"], true);
    expect(l.root).toBe("my");
    expect(l.paths).toEqual(["01-A/x.png", "02-B/y.png", "README.md", undefined, undefined]);
    expect(l.notice).toBeUndefined();
    expect(l.traitloomJson).toEqual({ path: "my/traitloom.json", index: 3 });
    expect(l.engineConfig).toEqual({ path: "my/config.js", index: 4 });
  });

  it("uses the layers/ sub-folder of a project folder (README, LICENSE, src/config.js) and says so", () => {
    const l = detectLayout("x", ["art/README.md", "art/LICENSE", "art/src/config.js", "art/layers/Eyeball/White#50.png", "art/layers/Iris/Large#20.png"], true);
    expect(l.root).toBe("art/layers");
    expect(l.paths).toEqual([undefined, undefined, undefined, "Eyeball/White#50.png", "Iris/Large#20.png"]);
    expect(l.notice).toMatch(/“art” is a project folder .*README\.md.*not a layers folder: its layers\/ sub-folder was loaded, with the layer order of art\/src\/config\.js/);
    expect(l.engineConfig).toEqual({ path: "art/src/config.js", index: 2 });
  });

  it("reads a project file (layers/ + traitloom.json) as a project, from a ZIP without a top folder", () => {
    const l = detectLayout("p", ["traitloom.json", "layers/01-A/x.png", "layers/02-B/y.png"], false);
    expect(l.root).toBe("p/layers");
    expect(l.paths).toEqual([undefined, "01-A/x.png", "02-B/y.png"]);
    expect(l.traitloomJson?.index).toBe(0);
    expect(l.notice).toMatch(/is a project \(layers\/ and traitloom\.json\)/);
  });

  it("refuses a flat folder of images, saying what to pick", () => {
    expect(() => detectLayout("layers", ["flat/a#1.png", "flat/b#2.png", "flat/.DS_Store"], true)).toThrow(
      /flat: expected one sub-folder per layer .*found 2 image\(s\) and no layer folders: pick the folder that holds the layer folders/,
    );
    expect(() => detectLayout("z", ["a.png", "b.png"], false)).toThrow(/z: expected one sub-folder per layer/);
  });

  it("refuses a pick without any image, and does not take junk folders for layers", () => {
    expect(() => detectLayout("layers", ["docs/README.md", "docs/LICENSE"], true)).toThrow(/docs: expected one sub-folder per layer holding .png, .jpg, .jpeg or .webp images, found none/);
    expect(() => detectLayout("z", ["__MACOSX/._a.png", "notes.txt"], false)).toThrow(/found none/);
  });

  it("keeps a ZIP's only folder as a layer where nothing lies deeper (a one-layer collection)", () => {
    const l = detectLayout("one", ["Background/a.png", "Background/b.png"], false);
    expect(l.root).toBe("one");
    expect(l.paths).toEqual(["Background/a.png", "Background/b.png"]);
  });
});

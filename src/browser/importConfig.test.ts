import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayersListing } from "../core/layers.js";
import { layerOrderFromEngineConfig } from "./engineOrder.js";
import { defaultLayerOrder, settingsFromConfig, settingsFromConfigText } from "./importConfig.js";
import { DEFAULT_SETTINGS, studioConfig, type StudioSettings } from "./project.js";

const FIXTURES = join(import.meta.dirname, "../../test/fixtures/engine-configs");

function listing(folders: string[]): LayersListing {
  return { root: "layers", folders: folders.map((folder) => ({ folder, files: [{ name: "A#1.png", size: 10 }], subfolders: [] })), rootFiles: [] };
}

const HASHLIPS = listing(["Background", "Bottom lid", "Eye color", "Eyeball", "Goo", "Iris", "Shine", "Top lid"]);
const base: StudioSettings = { ...DEFAULT_SETTINGS, seed: "s", count: 10, workers: 3 };

describe("settings from files beside the layers", () => {
  it("says a folder without prefixes is ordered alphabetically, with the CLI's warning, and prefixes otherwise", () => {
    expect(defaultLayerOrder(HASHLIPS)).toEqual({ source: "alphabetical", detail: expect.stringMatching(/^layer order is alphabetical: Background, Bottom lid, Eye color/) });
    expect(defaultLayerOrder(listing(["02-Body", "01-Back"]))).toEqual({ source: "prefix", detail: "layer order from the folders' numeric prefixes: Back, Body (bottom first)" });
  });

  it("reads HashLips' config.js statically for the layer order, names and bypassDNA, hiding folders it does not name", () => {
    const text = readFileSync(join(FIXTURES, "hashlips-v1.1.1.config.js"), "utf8");
    const { settings, notes } = layerOrderFromEngineConfig(text, "src/config.js", HASHLIPS, base);
    expect(settings.layers.map((l) => [l.folder, l.name, l.visible])).toEqual([
      ["Background", "Background", true],
      ["Eyeball", "Eyeball", true],
      ["Eye color", "Eye Colour", true],
      ["Iris", "Iris", true],
      ["Shine", "Shine", true],
      ["Bottom lid", "Bottom lid", true],
      ["Top lid", "Top lid", true],
      ["Goo", "Goo", false],
    ]);
    expect(settings.layers[0]?.countsForUniqueness).toBe(false);
    expect(settings.layerOrder?.source).toBe("config.js");
    expect(settings.layerOrder?.detail).toMatch(/^layer order read from src\/config\.js \(HashLips, layerConfigurations\[0\]; read, never run\): Background, Eyeball, Eye Colour, Iris/);
    expect(settings.layerOrder?.detail).toMatch(/its 1 other layer configuration\(s\) are not read/);
    expect(notes).toEqual(["src/config.js does not name “Goo”: hidden (show them in the layers panel)"]);
    expect(settings.seed).toBe("s");
  });

  it("names a layer of config.js that no folder matches, and refuses a file that does not parse", () => {
    const text = `module.exports = { layerConfigurations: [{ growEditionSizeTo: 5, layersOrder: [{ name: "Background" }, { name: "Wings" }] }] };`;
    const { notes } = layerOrderFromEngineConfig(text, "config.js", HASHLIPS, base);
    expect(notes[0]).toBe("config.js: layers[1]: expected a folder named “Wings”, found none; left out");
    expect(() => layerOrderFromEngineConfig("module.exports = {", "config.js", HASHLIPS, base)).toThrow(/config\.js/);
  });

  it("loads back the traitloom.json the studio writes: same config again", () => {
    const settings: StudioSettings = {
      ...base,
      namePrefix: "Eyes",
      description: "d",
      baseUri: "ipfs://x",
      startId: 0,
      width: 256,
      height: 256,
      resize: "fit",
      externalUrl: "https://x.test/{id}",
      backgroundColor: "ff00aa",
      extraAttributes: [{ trait_type: "Artist", value: "Me" }],
      extraMetadata: { creator: "me" },
      noneTraitNames: ["Nothing"],
      image: { compression: "small" },
      layers: [
        { folder: "Iris", name: "Iris", visible: true, weights: { A: 4 }, values: { A: "Big A" } },
        { folder: "Background", name: "Back", visible: true, weights: {}, countsForUniqueness: false },
        { folder: "Goo", name: "Goo", visible: false, weights: {} },
      ],
    };
    const config = { ...studioConfig(settings), count: 10, seed: "s2" };
    const again = settingsFromConfigText(JSON.stringify(config), "traitloom.json", HASHLIPS, base);
    expect(studioConfig(again.settings)).toEqual(studioConfig(settings));
    expect(again.settings.seed).toBe("s2");
    expect(again.settings.layers.filter((l) => l.visible).map((l) => l.folder)).toEqual(["Iris", "Background"]);
    expect(again.settings.layerOrder).toEqual({ source: "traitloom.json", detail: "layer order read from traitloom.json: Iris, Back (bottom first)" });
    expect(again.settings.workers).toBe(3);
  });

  it("keeps the trait model's layer options (blend, z, inMetadata) and the dialect of a traitloom.json, written back as they came", () => {
    const config = {
      dialect: "hashlips" as const,
      layers: [
        { name: "Iris", blend: "multiply" as const, opacity: 0.5, z: 5, inMetadata: false, traits: { A: { weight: 2, value: "Big A" } } },
        { name: "Shine", folder: "Shine" },
      ],
    };
    const { settings } = settingsFromConfig(config, "t.json", HASHLIPS, base);
    expect(settings.layers[0]).toMatchObject({ folder: "Iris", weights: { A: 2 }, values: { A: "Big A" }, options: { blend: "multiply", opacity: 0.5, z: 5, inMetadata: false } });
    expect(studioConfig(settings)).toMatchObject({
      dialect: "hashlips",
      layers: [
        { name: "Iris", folder: "Iris", blend: "multiply", opacity: 0.5, z: 5, inMetadata: false, traits: { A: { weight: 2, value: "Big A" } } },
        { name: "Shine", folder: "Shine" },
      ],
    });
  });

  it("refuses a traitloom.json that is no JSON or fails the schema, naming the file and field", () => {
    expect(() => settingsFromConfigText("{ nope", "my.json", HASHLIPS, base)).toThrow(/^my\.json: expected JSON, found text that does not parse/);
    expect(() => settingsFromConfigText(JSON.stringify({ count: 0 }), "my.json", HASHLIPS, base)).toThrow(/^my\.json: count: expected a number >= 1, found 0/);
    expect(() => settingsFromConfigText(JSON.stringify({ nmePrefix: "x" }), "my.json", HASHLIPS, base)).toThrow(/did you mean "namePrefix"/);
  });

  it("carries rules and fixed counts over into the config it generates with, pointing to the rules panel", () => {
    const config = { rules: [{ never: ["Iris/A", "Shine/A"] as [string, string] }], counts: { "Iris/A": 2 } };
    const { settings, notes } = settingsFromConfig(config, "t.json", HASHLIPS, base);
    expect(notes).toEqual([
      "t.json: 1 rule(s) and 1 fixed count(s) loaded: see the rules panel",
    ]);
    expect(studioConfig(settings)).toMatchObject(config);
    expect(settings.layerOrder?.source).toBe("alphabetical");
    expect(settingsFromConfig({}, "t.json", HASHLIPS, base).notes).toEqual([]);
    expect(settingsFromConfig({ uniqueness: { minDifferences: 2 } } as never, "t.json", HASHLIPS, base).notes).toEqual([
      "t.json: uniqueness: not applied by the studio (the CLI reads them); left out of what it saves",
    ]);
  });
});

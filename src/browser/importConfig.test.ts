import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayersListing } from "../core/layers.js";
import { defaultLayerOrder, layerOrderFromEngineConfig, settingsFromConfig, settingsFromConfigText } from "./importConfig.js";
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

  it("refuses a traitloom.json that is no JSON or fails the schema, naming the file and field", () => {
    expect(() => settingsFromConfigText("{ nope", "my.json", HASHLIPS, base)).toThrow(/^my\.json: expected JSON, found text that does not parse/);
    expect(() => settingsFromConfigText(JSON.stringify({ count: 0 }), "my.json", HASHLIPS, base)).toThrow(/^my\.json: count: expected a number >= 1, found 0/);
    expect(() => settingsFromConfigText(JSON.stringify({ nmePrefix: "x" }), "my.json", HASHLIPS, base)).toThrow(/did you mean "namePrefix"/);
  });

  it("says rules and counts are not applied, and keeps the default order without layers", () => {
    const { settings, notes } = settingsFromConfig({ rules: [] } as never, "t.json", HASHLIPS, base);
    expect(notes).toEqual(["t.json: rules and counts are not applied by the studio yet; the CLI applies them"]);
    expect(settings.layerOrder?.source).toBe("alphabetical");
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayersListing } from "../core/layers.js";
import { studioSettingsSchema } from "../core/stored.js";
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

  it("reads datlips' config.js with the trait model: dialect, stretch to its format, sub-traits, exclude on a hidden layer", () => {
    const text = readFileSync(join(import.meta.dirname, "../../test/fixtures/datlips-mini/config.js"), "utf8");
    const folders = ["Arms", "Body", "Eyes", "Head", "Legs", "SkeletalAccessories", "SkeletalArms", "SkeletalBody", "Variant"];
    const { settings } = layerOrderFromEngineConfig(text, "config.js", listing(folders), base);
    expect(settings.dialect).toBe("datlips");
    expect([settings.resize, settings.width, settings.height]).toEqual(["stretch", 24, 24]);
    const byFolder = new Map(settings.layers.map((l) => [l.folder, l]));
    expect(byFolder.get("Variant")?.name).toBe("Color");
    expect(byFolder.get("Eyes")?.options?.parts?.["*/Shadow"]).toEqual({ blend: "multiply", opacity: 0.5, z: 35 });
    expect(byFolder.get("Body")?.options?.parts?.["*"]).toEqual({ blend: "source-atop", opacity: 0.8 });
    // The second layer configuration's layers: hidden (the studio runs one), with their options kept.
    expect(byFolder.get("SkeletalArms")?.visible).toBe(false);
    expect(byFolder.get("SkeletalArms")?.options?.inMetadata).toBe(false);
    expect(studioConfig({ ...settings, layers: settings.layers.map((l) => ({ ...l, visible: true })) }).layers?.find((l) => typeof l !== "string" && l.folder === "SkeletalArms")).toMatchObject({ inMetadata: false });
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

  it("keeps outputs from a traitloom.json, writes them back, and the saved settings' schema takes them", () => {
    const outputs = {
      erc721: {},
      solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: "11111111111111111111111111111111", share: 100 }] },
      cardano: { policyId: "a".repeat(56) },
    };
    const { settings, notes } = settingsFromConfig({ outputs }, "t.json", HASHLIPS, base);
    expect(notes).toEqual([]);
    expect(settings.outputs).toEqual(outputs);
    expect(studioConfig(settings).outputs).toEqual(outputs);
    expect(studioSettingsSchema.parse(settings).outputs).toEqual(outputs);
    expect(studioSettingsSchema.safeParse({ ...settings, outputs: { cardano: { policyId: "x" } } }).success).toBe(false);
    expect(studioConfig(base).outputs).toBeUndefined();
  });
});

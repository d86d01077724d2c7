import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import type { LayersListing } from "../core/layers.js";
import { studioSettingsSchema } from "../core/stored.js";
import { layerOrderFromEngineConfig } from "./engineOrder.js";
import { defaultLayerOrder, settingsFromConfig, settingsFromConfigText } from "./importConfig.js";
import { DEFAULT_SETTINGS, studioConfig, type StudioSettings } from "./project.js";

/** Editions' layer entries with the folder spelled out (the studio writes it, `init --from` only where it differs). */
function withFolders(editions: TraitloomConfig["editions"]): unknown {
  return editions?.map((e) => ({ ...e, layers: e.layers.map((l) => (typeof l === "string" ? { name: l, folder: l } : { ...l, folder: l.folder ?? l.name })) }));
}

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

  it("reads HashLips' config.js statically for the layer order, names and bypassDNA; its two layer configurations as editions", () => {
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
      ["Goo", "Goo", true],
    ]);
    expect(settings.layers[0]?.countsForUniqueness).toBe(false);
    // growEditionSizeTo is cumulative in HashLips: 300, then 20 more.
    expect(settings.editions).toEqual([
      { id: "edition 1", count: 300, layers: ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"] },
      { id: "edition 2", count: 20, layers: ["Background", "Goo", "Top lid"] },
    ]);
    expect([settings.count, settings.shuffle]).toEqual([320, "ids"]);
    expect(settings.layerOrder).toEqual({ source: "config.js", detail: "2 layer configurations read from src/config.js (HashLips; read, never run) as editions, each with its own layers: see Editions" });
    // Background is bypassDNA in the first configuration only: the studio holds one setting per folder, and says so.
    expect(notes).toEqual([
      "src/config.js: editions[1].layers[0]: expected “Background” set as at editions[0].layers[0] (the studio holds one setting per layer folder), found it set otherwise; editions[0].layers[0]'s setting is used",
      "src/config.js: 2 layer configurations loaded as editions, 320 tokens in all: see Editions",
    ]);
    expect(settings.seed).toBe("s");
  });

  it("reads one layer configuration's layer order as before, hiding folders it does not name, and drops editions set before", () => {
    const text = `module.exports = { layerConfigurations: [{ growEditionSizeTo: 5, layersOrder: [{ name: "Iris" }, { name: "Background" }] }] };`;
    const before: StudioSettings = { ...base, editions: [{ id: "x", count: 1, layers: ["Goo"] }], shuffle: "ids" };
    const { settings, notes } = layerOrderFromEngineConfig(text, "config.js", HASHLIPS, before);
    expect(settings.layers.filter((l) => l.visible).map((l) => l.folder)).toEqual(["Iris", "Background"]);
    expect(settings.layerOrder?.detail).toMatch(/^layer order read from config\.js \(HashLips, layerConfigurations\[0\]; read, never run\): Iris, Background/);
    expect([settings.editions, settings.shuffle]).toEqual([undefined, undefined]);
    expect(notes[0]).toMatch(/^config\.js does not name “Bottom lid”/);
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
    // Both layer configurations: editions, as `traitloom init --from datlips` writes them (the fixture's traitloom.json).
    expect(settings.editions?.map((e) => [e.id, e.count, e.layers])).toEqual([
      ["Mini Fish", 12, ["Variant", "Arms", "Body", "Eyes", "Head", "Legs"]],
      ["Skeletal Mini Fish", 8, ["SkeletalArms", "SkeletalBody", "SkeletalAccessories"]],
    ]);
    expect([settings.count, settings.shuffle]).toEqual([20, "ids"]);
    expect(byFolder.get("SkeletalArms")?.visible).toBe(true);
    expect(byFolder.get("SkeletalArms")?.options?.inMetadata).toBe(false);
    const cli = JSON.parse(readFileSync(join(import.meta.dirname, "../../test/fixtures/datlips-mini/traitloom.json"), "utf8")) as TraitloomConfig;
    expect(withFolders(studioConfig(settings).editions)).toEqual(withFolders(cli.editions));
    expect(studioConfig(settings).shuffle).toBe("ids");
  });

  it("keeps a traitloom.json's editions and shuffle: layers by folder, the count their sum, written back as it came", () => {
    const text = readFileSync(join(import.meta.dirname, "../../test/fixtures/datlips-mini/traitloom.json"), "utf8");
    const folders = ["Arms", "Body", "Eyes", "Head", "Legs", "SkeletalAccessories", "SkeletalArms", "SkeletalBody", "Variant", "Unused"];
    const { settings, notes } = settingsFromConfigText(text, "traitloom.json", listing(folders), base);
    expect(settings.editions?.map((e) => [e.id, e.count, e.layers.length, e.namePrefix])).toEqual([
      ["Mini Fish", 12, 6, "Mini Fish"],
      ["Skeletal Mini Fish", 8, 3, "Skeletal Mini Fish"],
    ]);
    expect(settings.count).toBe(20);
    expect(notes).toContain("traitloom.json: 2 edition(s) loaded, 20 tokens in all: see Editions (each edition's own count and layers)");
    expect(notes.some((n) => n.includes("not applied by the studio"))).toBe(false);
    // A folder no edition draws: hidden.
    expect(settings.layers.find((l) => l.folder === "Unused")?.visible).toBe(false);
    const cli = JSON.parse(text) as TraitloomConfig;
    const config = studioConfig(settings);
    expect(withFolders(config.editions)).toEqual(withFolders(cli.editions));
    expect(config.layers).toBeUndefined();
    expect(config.shuffle).toBe("ids");
    expect(studioSettingsSchema.parse(settings).editions).toEqual(settings.editions);
    // What the studio writes (its download, its project ZIP) loads back to the same editions and layers.
    const again = settingsFromConfig(parseConfig(JSON.parse(JSON.stringify({ ...config, count: undefined })), "again.json"), "again.json", listing(folders), base).settings;
    expect(again.editions).toEqual(settings.editions);
    expect(again.layers).toEqual(settings.layers);
    expect(studioConfig(again)).toEqual(config);
    // Without editions the shown layers are the config's again.
    expect(studioConfig({ ...settings, editions: undefined }).layers).toHaveLength(9);
  });

  it("says where an edition names no folder, a folder twice, or a folder set otherwise than in an earlier edition", () => {
    const config: TraitloomConfig = {
      editions: [
        { id: "A", count: 2, layers: [{ name: "Iris", traits: { "A": 3 } }, "Shine"] },
        { id: "B", count: 1, layers: ["Wings", { name: "Iris", blend: "multiply" }, "Shine", "Shine"] },
      ],
    };
    const { settings, notes } = settingsFromConfig(config, "t.json", HASHLIPS, base);
    expect(settings.editions?.map((e) => e.layers)).toEqual([["Iris", "Shine"], ["Iris", "Shine"]]);
    expect(notes).toEqual(
      expect.arrayContaining([
        "t.json: editions[1].layers[0]: expected a folder named “Wings”, found none; left out",
        "t.json: editions[1].layers[1]: expected “Iris” set as at editions[0].layers[0] (the studio holds one setting per layer folder), found it set otherwise; editions[0].layers[0]'s setting is used",
        "t.json: editions[1].layers[3]: expected each folder once in an edition, found “Shine” again; left out",
      ]),
    );
    expect(settingsFromConfig({ ...config, count: 9, layers: ["Iris"] }, "t.json", HASHLIPS, base).notes).toContain(
      't.json: editions: expected "editions" alone, found also top-level "layers" and "count"; left out, the editions are used',
    );
    expect(settingsFromConfig({ ...config, count: 9, layers: ["Iris"] }, "t.json", HASHLIPS, base).settings.count).toBe(3);
    // The same folder set alike in two editions (a bare name and { name }) is no difference.
    expect(notes.filter((n) => n.includes("Shine") && n.includes("set otherwise"))).toEqual([]);
    expect(settings.layers.find((l) => l.folder === "Iris")?.weights).toEqual({ A: 3 });
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

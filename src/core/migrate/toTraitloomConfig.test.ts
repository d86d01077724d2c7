import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config.js";
import type { LayersListing } from "../layers.js";
import { readEngineConfig } from "./readEngineConfig.js";
import { initFromEngineConfig, toTraitloomConfig } from "./toTraitloomConfig.js";

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engine-configs/${name}`, import.meta.url), "utf8");
const convert = (source: string, engine?: "hashlips" | "nftchef" | "datlips") => toTraitloomConfig(readEngineConfig(source, "src/config.js"), { engine });

describe("toTraitloomConfig: the three fixtures", () => {
  it("HashLips v1.1.1: the first configuration's layers, displayName and bypassDNA, the cumulative count, blend modes not carried", () => {
    const c = convert(fixture("hashlips-v1.1.1.config.js"));
    expect(c.engine).toBe("hashlips");
    expect(c.config).toEqual({
      namePrefix: "Eyes of the Deep",
      description: "Hand-drawn eyes, stacked from seven layers.",
      baseUri: "ipfs://NewUriToReplace",
      count: 320,
      startId: 1,
      width: 512,
      height: 512,
      resize: "stretch",
      noneTraitNames: [],
      extraMetadata: { creator: "Deep Sea Studio" },
      layers: [
        { name: "Background", countsForUniqueness: false },
        "Eyeball",
        { name: "Eye Colour", folder: "Eye color" },
        "Iris",
        "Shine",
        "Bottom lid",
        "Top lid",
      ],
    });
    expect(parseConfig(c.config)).toEqual(c.config);
    expect(c.notCarried).toEqual([
      "format.smoothing: false: layers of another size are scaled without smoothing (pixel art); Traitloom's stretch always smooths (not supported)",
      'background.generate: a random background colour per token (brightness "80%") (not supported)',
      'layerConfigurations[0].layersOrder[2]: Eye color drawn with "source-out" at opacity 0.8 (blend modes and opacity are not supported yet); constants/blend_mode.js maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out',
      'layerConfigurations[0].layersOrder[5]: Bottom lid drawn with "overlay" at opacity 0.7 (blend modes and opacity are not supported yet)',
      "layerConfigurations[1]: another layer configuration (20 tokens from Background, Goo, Top lid) (editions are not supported yet: count 320 covers every token, all drawn from layerConfigurations[0]'s layers)",
      "shuffleLayerConfigurations: ids mixed across layer configurations (editions are not supported yet)",
    ]);
    expect(c.notNeeded).toEqual([
      "uniqueDnaTorrance: Traitloom computes the capacity before it generates and never gives up while combinations remain",
      'rarityDelimiter: "#", as Traitloom reads weights',
      "preview: read only by the preview utilities (npm run preview)",
      "debugLogs: log output only",
      "pixelFormat: read only by the pixelate utility (npm run pixelate)",
      "text: off (only: false)",
      "solanaMetadata: used only for network sol",
      "gif: off (export: false)",
      "preview_gif: read only by the preview utilities (npm run preview_gif)",
    ]);
    expect(c.notes).toContain(
      'layerConfigurations[0].layersOrder[2].options.blend: MODE.sourceAtop: constants/blend_mode.js maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out',
    );
    expect(c.editions.map((e) => [e.index, e.growEditionSizeTo, e.count, e.firstId, e.layers.map((l) => l.folder)])).toEqual([
      [0, 300, 300, 1, ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"]],
      [1, 320, 20, 301, ["Background", "Goo", "Top lid"]],
    ]);
    expect(c.blend).toEqual([
      {
        edition: 0,
        layer: "Eye color",
        blend: {
          operation: "source-out",
          written: "MODE.sourceAtop",
          note: 'constants/blend_mode.js maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out',
        },
        opacity: 0.8,
        path: "layerConfigurations[0].layersOrder[2]",
      },
      { edition: 0, layer: "Bottom lid", blend: { operation: "overlay", written: "MODE.overlay" }, opacity: 0.7, path: "layerConfigurations[0].layersOrder[5]" },
    ]);
    expect(c.rules).toEqual({ incompatible: {}, forcedCombinations: {} });
    expect(c.layersDir).toBe("layers");
  });

  it("nftchef v2.2.0: trait as trait_type, startIndex, emptyLayerName; rules, overrides, sub-layer options and the extraAttributes function not carried", () => {
    const c = convert(fixture("nftchef-v2.2.0.config.js"));
    expect(c.engine).toBe("nftchef");
    expect(c.config).toEqual({
      namePrefix: "Space Monkey",
      description: "Monkeys in space, stitched from nested folders.",
      baseUri: "ipfs://NewUriToReplace",
      count: 110,
      startId: 0,
      width: 1080,
      height: 1080,
      resize: "stretch",
      noneTraitNames: ["NONE"],
      extraMetadata: { external_url: "https://example.com/monkeys" },
      layers: [
        "Background",
        { name: "Back Accessory", countsForUniqueness: false },
        "Head",
        "Clothes",
        "Eyes",
        { name: "Hairstyle", folder: "Hair" },
        "Accessory",
        "Shirt Accessories",
      ],
    });
    expect(parseConfig(c.config)).toEqual(c.config);
    expect(c.notCarried).toEqual([
      'background.generate: a random background colour per token (brightness "80%") (not supported)',
      "extraAttributes: could not be read (line 119, column 25: a function: Traitloom reads config.js without running it); nftchef calls it for every token, usually for random values: write fixed ones as extraAttributes in traitloom.json",
      "forcedCombinations: 1 rule (MetallicShades, Golden Sakura always picked after floral) (rules are not supported yet: converted once they are)",
      "hashImages: a keccak256 imageHash in each token's metadata (not supported: Traitloom records sha256 image hashes and the provenance hash in manifest.json)",
      "incompatible: 2 rules (Helmet never picked after Backpack; Golden Sakura, gold chain never picked after gray tee) (rules are not supported yet: converted once they are)",
      'layerConfigurations[0].layersOrder[4]: Eyes drawn with "source-atop" at opacity 0.9 (blend modes and opacity are not supported yet)',
      "layerConfigurations[0].layersOrder[4].sublayerOptions: Eyes: options of 1 sub-folder (eye) (nested folders are not supported yet)",
      "layerConfigurations[1]: another layer configuration (10 tokens from Background, Head, Hair) (editions are not supported yet: count 110 covers every token, all drawn from layerConfigurations[0]'s layers)",
      "traitValueOverrides: 2 values (Helmet → Space Helmet, gold chain → GOLDEN NECKLACE) for traits of any layer (set per layer as traits.<name>.value once each trait's layer is known from the folder)",
    ]);
    expect(c.rules).toEqual({
      incompatible: { Backpack: ["Helmet"], "gray tee": ["Golden Sakura", "gold chain"] },
      forcedCombinations: { floral: ["MetallicShades", "Golden Sakura"] },
    });
    expect(c.traitValueOverrides).toEqual({ Helmet: "Space Helmet", "gold chain": "GOLDEN NECKLACE" });
    expect(c.sublayerOptions).toEqual([
      {
        edition: 0,
        layer: "Eyes",
        options: {
          eye: {
            blend: { operation: "multiply", written: "MODE.multiply" },
            opacity: 0.5,
            trait: "Eyes",
            path: "layerConfigurations[0].layersOrder[4].sublayerOptions.eye",
          },
        },
        path: "layerConfigurations[0].layersOrder[4].sublayerOptions",
      },
    ]);
    // nftchef's own src/blendMode.js maps sourceAtop to source-atop: nothing to warn about.
    expect(c.blend).toEqual([
      { edition: 0, layer: "Eyes", blend: { operation: "source-atop", written: "MODE.sourceAtop" }, opacity: 0.9, path: "layerConfigurations[0].layersOrder[4]" },
    ]);
    expect(c.editions.map((e) => [e.count, e.firstId, e.namePrefix, e.resetNameIndex])).toEqual([
      [100, 0, "Space Monkey", undefined],
      [10, 100, "Lion", true],
    ]);
    expect(c.editions[1]?.layers[1]).toEqual({
      folder: "Head",
      traitType: "Head",
      countsForUniqueness: true,
      inMetadata: true,
      displayType: "string",
      path: "layerConfigurations[1].layersOrder[1]",
    });
    expect(c.layersDir).toBe("layers");
  });

  it("datlips v1.4.0: per-configuration counts summed, displayName Color, rarity_config as named weights; variants, sub-traits and the second configuration not carried", () => {
    const c = convert(fixture("datlips-v1.4.0.config.js"));
    expect(c.engine).toBe("datlips");
    expect(c.config).toEqual({
      namePrefix: "Your Collection",
      description: "Remember to replace this description",
      baseUri: "ipfs://ReplaceWithYourCID",
      count: 65,
      startId: 1,
      width: 512,
      height: 512,
      resize: "stretch",
      noneTraitNames: [],
      namedWeights: { Mythic: 1, Legendary: 6, Epic: 15, Rare: 31, Uncommon: 56, Common: 100 },
      extraAttributes: [{ trait_type: "Season", value: 1, display_type: "number" }],
      layers: [{ name: "Color", folder: "Variant" }, "Arms", "Back", "Body", "Eyes", "Head", "Legs", "Mouth"],
    });
    expect(parseConfig(c.config)).toEqual(c.config);
    expect(c.notCarried).toEqual([
      "format.smoothing: false: layers of another size are scaled without smoothing (pixel art); Traitloom's stretch always smooths (not supported)",
      "format.dpi: 72 dpi written into each image (not supported)",
      "layerConfigurations[0].layersOrder[0]: Variant first: each layer draws <layer>/<the Variant picked>/<trait> where that file exists, else its own file (colour variants are not supported yet: Traitloom refuses the sub-folders)",
      "layerConfigurations[0].layersOrder[3].options.subTraits: Body: 1 sub-trait part drawn from a sub-folder named like the trait: every file (source-out, opacity 0.8) (sub-trait parts are not supported yet)",
      "layerConfigurations[0].layersOrder[4].options.subTraits: Eyes: 1 sub-trait part drawn from a sub-folder named like the trait: Shadow (multiply, opacity 0.5, z 35) (sub-trait parts are not supported yet)",
      "layerConfigurations[1]: another layer configuration (15 tokens from SkeletalArms, SkeletalBack, SkeletalBody, SkeletalLegs, SkeletalAccessories) (editions are not supported yet: count 65 covers every token, all drawn from layerConfigurations[0]'s layers)",
      "shuffleLayerConfigurations: ids mixed across layer configurations (editions are not supported yet)",
    ]);
    expect(c.editions.map((e) => [e.growEditionSizeTo, e.count, e.firstId, e.namePrefix, e.description])).toEqual([
      [50, 50, 1, "Your Collection", "Remember to replace this description"],
      [15, 15, 51, "Skeletal Your Collection", "The bones of Your Collection"],
    ]);
    expect(c.editions[1]?.layers.map((l) => [l.folder, l.inMetadata])).toEqual([
      ["SkeletalArms", false],
      ["SkeletalBack", true],
      ["SkeletalBody", true],
      ["SkeletalLegs", true],
      ["SkeletalAccessories", true],
    ]);
    expect(c.subTraits).toEqual([
      {
        edition: 0,
        layer: "Body",
        subTraits: [
          {
            blend: {
              operation: "source-out",
              written: "MODE.sourceAtop",
              note: 'constants/blend_mode.js maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out',
            },
            opacity: 0.8,
            path: "layerConfigurations[0].layersOrder[3].options.subTraits[0]",
          },
        ],
        path: "layerConfigurations[0].layersOrder[3].options.subTraits",
      },
      {
        edition: 0,
        layer: "Eyes",
        subTraits: [
          {
            name: "Shadow",
            blend: { operation: "multiply", written: "MODE.multiply" },
            opacity: 0.5,
            zindex: 35,
            path: "layerConfigurations[0].layersOrder[4].options.subTraits[0]",
          },
        ],
        path: "layerConfigurations[0].layersOrder[4].options.subTraits",
      },
      { edition: 1, layer: "SkeletalAccessories", subTraits: [{ zindex: 35, path: "layerConfigurations[1].layersOrder[4].options.subTraits[0]" }], path: "layerConfigurations[1].layersOrder[4].options.subTraits" },
    ]);
    expect(c.blend).toEqual([]);
  });
});

describe("toTraitloomConfig: counts, ids and engines", () => {
  const hl = (body: string) => `const { NETWORK } = require("../constants/network.js");\nconst { MODE } = require("../constants/blend_mode.js");\n${body}`;

  it("a cumulative growEditionSizeTo that does not grow makes no token, and says why", () => {
    const c = convert(hl("module.exports = { layerConfigurations: [{ growEditionSizeTo: 10, layersOrder: [{ name: 'A' }] }, { growEditionSizeTo: 10, layersOrder: [{ name: 'B' }] }] };"));
    expect(c.config.count).toBe(10);
    expect(c.editions.map((e) => e.count)).toEqual([10, 0]);
    expect(c.notes).toContain(
      "layerConfigurations[1].growEditionSizeTo: 10 is not above the 10 before it, and HashLips grows the collection TO it (it is cumulative): no token is made from this configuration",
    );
  });

  it("datlips sums its configurations and says where collectionSize differs", () => {
    const c = convert(
      hl("module.exports = { collectionSize: 40, layerConfigurations: [{ growEditionSizeTo: 10, layersOrder: [{ name: 'A' }] }, { growEditionSizeTo: 20, layersOrder: [{ name: 'B' }] }] };"),
    );
    expect(c.engine).toBe("datlips");
    expect(c.config.count).toBe(30);
    expect(c.editions.map((e) => [e.count, e.firstId])).toEqual([
      [10, 1],
      [20, 11],
    ]);
    expect(c.notes).toContain("collectionSize: 40, but the layer configurations make 30 tokens: datlips stops with an error where they differ; count is 30");
  });

  it("HashLips on Solana starts at 0 and does not carry the Solana metadata", () => {
    const c = convert(hl("module.exports = { network: NETWORK.sol, solanaMetadata: { symbol: 'X' }, layerConfigurations: [{ growEditionSizeTo: 5, layersOrder: [{ name: 'A' }] }] };"));
    expect(c.config.startId).toBe(0);
    expect(c.notCarried).toEqual([
      'network: "sol": Solana (Metaplex) metadata (not supported yet; ids start at 0 as HashLips numbers them)',
      "solanaMetadata: used in Solana metadata (not supported yet)",
    ]);
  });

  it("datlips' startIndex wins; nftchef without startIndex leaves Traitloom's first id", () => {
    expect(convert(hl("module.exports = { startIndex: 7, collectionSize: 1, layerConfigurations: [] };")).config.startId).toBe(7);
    expect(convert("module.exports = { incompatible: {}, layerConfigurations: [{ growEditionSizeTo: 3, layersOrder: [{ name: 'A' }] }] };").config.startId).toBeUndefined();
  });

  it("nftchef: outputJPEG as image.format, no emptyLayerName as None kept in metadata", () => {
    const c = convert("module.exports = { outputJPEG: true, layerConfigurations: [{ growEditionSizeTo: 3, layersOrder: [{ name: 'A' }] }] };");
    expect(c.config.image).toEqual({ format: "jpeg" });
    expect(c.config.noneTraitNames).toEqual([]);
    expect(c.notes).toContain("noneTraitNames: []: without emptyLayerName nftchef writes every trait into metadata, None too");
  });

  it("a layer listed twice is carried once, and keys the engine does not read at that place are named", () => {
    const c = convert(
      hl(
        "module.exports = { layerConfigurations: [{ growEditionSizeTo: 5, layersOrder: [{ name: 'A', blend: MODE.multiply }, { name: 'B', options: { trait: 'x' } }, { name: 'A' }] }], nope: 1, incompatible: {} };",
      ),
      "hashlips",
    );
    expect(c.config.layers).toEqual(["A", "B"]);
    expect(c.notCarried).toContain(
      'layerConfigurations[0].layersOrder[2]: "A" a second time (also layerConfigurations[0].layersOrder[0]): a layer drawn twice or two layers with one trait_type are not supported; left out',
    );
    expect(c.notes).toEqual(
      expect.arrayContaining([
        "layerConfigurations[0].layersOrder[0].blend: HashLips does not read this key of a layer there (it reads options.blend); left out",
        "layerConfigurations[0].layersOrder[1].options.trait: HashLips does not read this option; left out",
        "nope: not a key Traitloom knows HashLips to read (a fork's?); left out",
        "incompatible: HashLips does not read this key (nftchef does); left out",
      ]),
    );
    expect(c.blend).toEqual([]);
  });

  it("a value that does not fit traitloom.json is not carried, with the reason", () => {
    const c = convert(hl("module.exports = { format: { width: 0, height: '512' }, baseUri: 5, layerConfigurations: [{ growEditionSizeTo: 'ten', layersOrder: [{ name: 'A' }] }] };"));
    expect(c.config.width).toBeUndefined();
    expect(c.config.count).toBeUndefined();
    expect(c.notCarried).toEqual(
      expect.arrayContaining([
        "format.width: 0 does not fit traitloom.json's width (Too small: expected number to be >=1)",
        'format.height: "512" does not fit traitloom.json\'s height (Invalid input: expected number, received string)',
        "baseUri: 5 does not fit traitloom.json's baseUri (Invalid input: expected string, received number)",
        'layerConfigurations[0].growEditionSizeTo: expected a whole number >= 0, found "ten": no tokens counted from it',
      ]),
    );
  });

  it("an unreadable value of a key Traitloom has no use for is listed as not needed", () => {
    const c = convert(hl("module.exports = { preview: { imageRatio: compute() }, layerConfigurations: [] };"));
    expect(c.notNeeded).toContain("preview.imageRatio: could not be read (line 3, column 43: compute(): a call, never run)");
    expect(c.notCarried.some((l) => l.startsWith("preview"))).toBe(false);
  });

  it("refuses a file no engine wrote unless told which, and says when told otherwise than it looks", () => {
    expect(() => toTraitloomConfig(readEngineConfig("module.exports = { width: 5 };", "x/config.js"))).toThrow(
      "x/config.js: expected the config.js of HashLips, nftchef or datlips, found no marker of any engine: no layerConfigurations, no blend-mode module, no engine-only key; say which engine wrote it (--from hashlips|nftchef|datlips)",
    );
    expect(convert("module.exports = { width: 5 };", "hashlips").engine).toBe("hashlips");
    const asked = convert("module.exports = { incompatible: {}, layerConfigurations: [] };", "datlips");
    expect(asked.engine).toBe("datlips");
    expect(asked.notes[0]).toBe("read as datlips as asked, though it looks like nftchef (exports incompatible (nftchef only))");
  });
});

describe("initFromEngineConfig", () => {
  const listing: LayersListing = {
    root: "layers",
    rootFiles: [],
    folders: [
      { folder: "Accessory", files: [{ name: "NONE#100.png", size: 0 }], subfolders: ["Helmet#10"] },
      { folder: "Shirt Accessories", files: [{ name: "gold chain#40.png", size: 9 }, { name: "nametag#40.png", size: 9 }], subfolders: [] },
    ],
  };
  const source =
    "module.exports = { traitValueOverrides: { Helmet: 'Space Helmet', 'gold chain': 'GOLDEN NECKLACE' }, layerConfigurations: [{ growEditionSizeTo: 3, layersOrder: [{ name: 'Accessory' }, { name: 'Shirt Accessories' }] }] };";

  it("writes traitValueOverrides on the layers whose folder holds the trait, and keeps the rest not carried", () => {
    const c = initFromEngineConfig(listing, readEngineConfig(source, "src/config.js"));
    expect(c.config.layers).toEqual(["Accessory", { name: "Shirt Accessories", traits: { "gold chain": { value: "GOLDEN NECKLACE" } } }]);
    expect(parseConfig(c.config)).toEqual(c.config);
    expect(c.notes).toContain('traitValueOverrides: gold chain → GOLDEN NECKLACE written as layers[1].traits["gold chain"].value');
    expect(c.notCarried).toContain(
      "traitValueOverrides: 1 value (Helmet → Space Helmet) for traits that are no file at the root of a layer of layers (nested folders are not supported yet)",
    );
  });

  it("without a listing is toTraitloomConfig", () => {
    const read = readEngineConfig(source, "src/config.js");
    expect(initFromEngineConfig(undefined, read)).toEqual(toTraitloomConfig(read));
  });
});

import { describe, expect, it } from "vitest";
import type { LayersListing } from "../layers.js";
import { buildLayerSet } from "../layers.js";
import { convertDatlipsRules, convertNftchefRules, readDatlipsIncompatibilities } from "./engineRules.js";
import { readEngineConfig } from "./readEngineConfig.js";
import { initFromEngineConfig, toTraitloomConfig } from "./toTraitloomConfig.js";

const listing: LayersListing = {
  root: "layers",
  rootFiles: [],
  folders: [
    { folder: "Back", files: [{ name: "Shark#1.png", size: 9 }, { name: "Fin#1.png", size: 9 }], subfolders: [] },
    { folder: "Eyes", files: [{ name: "Scar#1.png", size: 9 }, { name: "Plain#1.png", size: 9 }, { name: "Fin#1.png", size: 9 }], subfolders: [] },
  ],
};
const layers = buildLayerSet(listing, { layers: ["Back", "Eyes"] }).layers;

describe("convertNftchefRules", () => {
  it("a name in two layers gives a rule per layer of the key; a value in the key's own layer is left out, said so", () => {
    const r = convertNftchefRules({ incompatible: { Fin: ["Scar", "Shark"] }, forcedCombinations: {} }, layers);
    expect(r.rules).toEqual([{ never: ["Back/Fin", "Eyes/Scar"] }, { never: ["Eyes/Fin", "Back/Shark"] }]);
    expect(r.ignoredByEngine).toEqual([
      'incompatible.Fin: "Back/Shark" is in the layer of "Back/Fin": a token has one trait per layer, so the pair never meets anyway; left out',
      'incompatible.Fin: "Eyes/Scar" is in the layer of "Eyes/Fin": a token has one trait per layer, so the pair never meets anyway; left out',
      expect.stringMatching(/^incompatible\.Fin → rules\[1\]: nftchef itself would have ignored it for "Back\/Shark": its key "Eyes\/Fin" is in a later layer/),
    ]);
  });

  it("forced names sharing a layer are said to mean one of them", () => {
    const r = convertNftchefRules({ incompatible: {}, forcedCombinations: { Shark: ["Scar", "Plain"] } }, layers);
    expect(r.rules).toEqual([{ if: "Back/Shark", then: ["Eyes/Scar", "Eyes/Plain"] }]);
    expect(r.converted[1]).toBe('forcedCombinations.Shark → rules[0]: "Eyes/Scar", "Eyes/Plain" share a layer, so a token with "Back/Shark" has one of them (nftchef picks the first it finds)');
  });
});

describe("datlips incompatibilities", () => {
  const editions = toTraitloomConfig(
    readEngineConfig(
      "module.exports = { collectionSize: 3, rarity_config: {}, layerConfigurations: [{ growEditionSizeTo: 2, layersOrder: [{ name: 'Back' }, { name: 'Eyes' }] }, { growEditionSizeTo: 1, layersOrder: [{ name: 'Eyes' }, { name: 'Back' }] }] };",
      "src/config.js",
    ),
  ).editions;
  const entry = (over: Record<string, unknown>): string => JSON.stringify({ Scar: { "0": { incompatibleParents: ["Shark"], parentIndex: 0, childIndex: 1, layerIndex: 0, ...over } } });

  it("a universal rule of another configuration is converted on the first's layers; a forced one is if/then", () => {
    const universal = readDatlipsIncompatibilities(entry({ layerIndex: 1, parentIndex: 1, childIndex: 0, universal: true, forced: true }), "i.json");
    expect(convertDatlipsRules(universal, editions, layers, "i.json").rules).toEqual([{ if: "Back/Shark", then: "Eyes/Scar" }]);
  });

  it("entries that name no configuration, layer or trait are not carried, one line each", () => {
    const lines = (over: Record<string, unknown>): string[] => convertDatlipsRules(readDatlipsIncompatibilities(entry(over), "i.json"), editions, layers, "i.json").notCarried;
    expect(lines({ layerIndex: 4 })).toEqual(['i.json: "Scar"."0": layerIndex 4: no such layer configuration (2 in config.js); left out']);
    expect(lines({ childIndex: 7 })).toEqual(['i.json: "Scar"."0": childIndex 7: no such layer in traitloom.json\'s layers; left out']);
    expect(lines({ incompatibleParents: ["Whale"] })).toEqual(['i.json: "Scar"."0": incompatibleParents: no trait "Whale" in layer Back; left out']);
    const child = convertDatlipsRules(readDatlipsIncompatibilities(JSON.stringify({ Squint: { parentIndex: 0, childIndex: 1, incompatibleParents: ["Shark"] } }), "i.json"), editions, layers, "i.json");
    expect(child.notCarried).toEqual(['i.json: "Squint": no trait "Squint" in layer Eyes; left out']);
  });

  it("a file that is not an object of children is one line", () => {
    expect(() => readDatlipsIncompatibilities("[]", "i.json")).toThrow("i.json: expected an object of child traits, found an array");
    expect(() => readDatlipsIncompatibilities('{"Scar": 3}', "i.json")).toThrow('i.json: "Scar": expected an object, found 3');
  });
});

describe("initFromEngineConfig with rules", () => {
  it("where the layers cannot be read, the rules are one line not carried", () => {
    const read = readEngineConfig("module.exports = { incompatible: { Shark: ['Scar'] }, layerConfigurations: [{ growEditionSizeTo: 2, layersOrder: [{ name: 'Back' }, { name: 'Tail' }] }] };", "src/config.js");
    const c = initFromEngineConfig(listing, read);
    expect(c.config.rules).toBeUndefined();
    expect(c.notCarried.filter((l) => l.startsWith("incompatible"))).toEqual([expect.stringMatching(/^incompatible and forcedCombinations: not converted into rules: the layers of layers could not be read \(.*Tail/)]);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readEngineConfig } from "./readEngineConfig.js";

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engine-configs/${name}`, import.meta.url), "utf8");

describe("readEngineConfig: which engine, and the marker that decided", () => {
  it("the HashLips v1.1.1 fixture: HashLips' blend modes and no datlips key", () => {
    const read = readEngineConfig(fixture("hashlips-v1.1.1.config.js"), "hashlips/src/config.js");
    expect(read.engine).toBe("hashlips");
    expect(read.marker).toBe("requires constants/blend_mode.js (the blend modes of HashLips and datlips, line 3), and no key only datlips exports");
    expect(read.markers).toEqual([
      { engine: "hashlips", marker: "requires constants/blend_mode.js (the blend modes of HashLips and datlips, line 3)" },
      { engine: "hashlips", marker: "requires constants/network.js (the networks of HashLips and datlips, line 4)" },
    ]);
    expect(read.unreadable).toEqual([]);
    expect(read.fileName).toBe("hashlips/src/config.js");
  });

  it("the nftchef v2.2.0 fixture: its src/blendMode.js, with every nftchef-only key and layer key listed", () => {
    const read = readEngineConfig(fixture("nftchef-v2.2.0.config.js"), "src/config.js");
    expect(read.engine).toBe("nftchef");
    expect(read.marker).toBe("requires src/blendMode.js (nftchef's blend modes, line 7)");
    expect(read.markers.map((m) => m.marker)).toEqual([
      "requires src/blendMode.js (nftchef's blend modes, line 7)",
      "exports incompatible (nftchef only)",
      "exports forcedCombinations (nftchef only)",
      "exports traitValueOverrides (nftchef only)",
      "exports emptyLayerName (nftchef only)",
      "exports useRootTraitType (nftchef only)",
      "exports hashImages (nftchef only)",
      "exports outputJPEG (nftchef only)",
      "layerConfigurations[0].layersOrder[4].sublayerOptions (nftchef only)",
      "layerConfigurations[0].layersOrder[5].trait (nftchef only)",
      "layerConfigurations[1].layersOrder[1].display_type (nftchef only)",
    ]);
    expect(read.markers.every((m) => m.engine === "nftchef")).toBe(true);
  });

  it("the datlips v1.4.0 fixture: HashLips' blend modes, but a key only datlips exports", () => {
    const read = readEngineConfig(fixture("datlips-v1.4.0.config.js"), "src/config.js");
    expect(read.engine).toBe("datlips");
    expect(read.marker).toBe("exports rarity_config (datlips only)");
    expect(read.markers.filter((m) => m.engine === "datlips").map((m) => m.marker)).toEqual([
      "exports rarity_config (datlips only)",
      "exports collectionSize (datlips only)",
      "exports exactWeight (datlips only)",
      "exports enableStats (datlips only)",
      "exports statBlocks (datlips only)",
      "exports resumeNum (datlips only)",
      "exports importOldDna (datlips only)",
      "exports allowDuplicates (datlips only)",
      "layerConfigurations[0].layersOrder[3].options.subTraits (datlips only)",
      "layerConfigurations[0].layersOrder[4].options.subTraits (datlips only)",
      "layerConfigurations[1].layersOrder[0].options.exclude (datlips only)",
      "layerConfigurations[1].layersOrder[4].options.subTraits (datlips only)",
    ]);
  });

  it.each([
    ["a datlips layer option alone", "module.exports = { layerConfigurations: [{ layersOrder: [{ name: 'A', options: { exclude: true } }] }] };", "datlips", "layerConfigurations[0].layersOrder[0].options.exclude (datlips only)"],
    ["an nftchef layer key alone", "module.exports = { layerConfigurations: [{ layersOrder: [{ name: 'A', trait: 'B' }] }] };", "nftchef", "layerConfigurations[0].layersOrder[0].trait (nftchef only)"],
    ["an nftchef key whose value could not be read", "module.exports = { traitValueOverrides: build() };", "nftchef", "exports traitValueOverrides (nftchef only)"],
    ["nftchef's blend modes over a datlips key", "const { MODE } = require('./blendMode.js');\nmodule.exports = { collectionSize: 5 };", "nftchef", "requires src/blendMode.js (nftchef's blend modes, line 1)"],
    ["only layerConfigurations", "module.exports = { layerConfigurations: [] };", "hashlips", "exports layerConfigurations, with no blend-mode module and no key only nftchef or datlips exports"],
    ["markers of nftchef and datlips without a blend-mode module", "module.exports = { incompatible: {}, collectionSize: 5 };", "unknown", "markers of two engines: exports incompatible (nftchef only); exports collectionSize (datlips only)"],
    ["nothing an engine writes", "module.exports = { width: 5 };", "unknown", "no marker of any engine: no layerConfigurations, no blend-mode module, no engine-only key"],
  ])("%s", (_what, source, engine, marker) => {
    const read = readEngineConfig(source, "config.js");
    expect(read.engine).toBe(engine);
    expect(read.marker).toBe(marker);
  });

  it("passes on a parse error naming the file, line and column", () => {
    expect(() => readEngineConfig("module.exports = {\n  a: 1\n  b: 2\n};", "my/src/config.js")).toThrow(
      "my/src/config.js: line 3, column 3: expected JavaScript that parses, found a syntax error: Unexpected token",
    );
  });
});

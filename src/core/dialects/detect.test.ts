import { describe, expect, it } from "vitest";
import type { ListedDir } from "../model.js";
import { detectDialect, readLayers } from "./index.js";
import { datlipsSample, dir, hashlipsSample, hl2Sample, nftchefSample, nftoolSample } from "./sampleTrees.js";

const countFiles = (d: ListedDir): number => d.files.length + d.dirs.reduce((a, x) => a + countFiles(x), 0);

describe("the sample trees have the datasets' structure (datasets README)", () => {
  it("folders and image counts: hashlips 8/20, nftchef 8/27, datlips 13/144, nftool 3/9", () => {
    expect([hashlipsSample(), nftchefSample(), datlipsSample(), nftoolSample()].map((t) => [t.dirs.length, countFiles(t)])).toEqual([
      [8, 20],
      [8, 27],
      [13, 144],
      [3, 9],
    ]);
  });
});

describe("detectDialect", () => {
  it("the HashLips sample has no engine's markers: traitloom, which reads HashLips folders", () => {
    const d = detectDialect(hashlipsSample().dirs);
    expect(d).toEqual({ dialect: "traitloom", reason: expect.stringMatching(/no other engine's markers/) });
  });

  it("the nftchef sample: nftchef, named by the first marker in byte order", () => {
    expect(detectDialect(nftchefSample().dirs)).toEqual({ dialect: "nftchef", reason: "a weighted sub-folder in Accessory/Helmet#10", file: "Accessory/Helmet#10" });
    // Without weighted folders, its z flags alone decide.
    const flat = dir("layers", dir("Eyes", "z1,star eyes#30.png", "plain#10.png"));
    expect(detectDialect(flat.dirs)).toEqual({ dialect: "nftchef", reason: 'z flag "z1," in Eyes/z1,star eyes#30.png', file: "Eyes/z1,star eyes#30.png" });
  });

  it("the datlips sample: datlips, by its named weights; a Variant layer or a z$ prefix alone also decide", () => {
    expect(detectDialect(datlipsSample().dirs)).toEqual({ dialect: "datlips", reason: 'named weight "#Common" in Arms/BetaArms#Common.png', file: "Arms/BetaArms#Common.png" });
    expect(detectDialect(dir("l", dir("Legs", "z35$Tentacle#3.png", "Fin#1.png")).dirs)).toMatchObject({ dialect: "datlips", file: "Legs/z35$Tentacle#3.png" });
    expect(detectDialect(dir("l", dir("Variant", "Blue#3.png"), dir("Arms", "Fin#1.png")).dirs)).toMatchObject({ dialect: "datlips", reason: 'a layer named "Variant" in Variant' });
  });

  it("the nftool sample: nftool, every file N-Name in NN-Layer folders", () => {
    expect(detectDialect(nftoolSample().dirs)).toMatchObject({ dialect: "nftool", file: "00-Background/1-Green.png" });
    // One file in another style and it is no longer nftool's.
    const mixed = dir("l", dir("00-A", "1-Red.png", "Blue.png"));
    expect(detectDialect(mixed.dirs).dialect).toBe("traitloom");
  });

  it("a HashLips v2 tree: hl2, by __w, __z or edge-cases/", () => {
    expect(detectDialect(hl2Sample().dirs)).toMatchObject({ dialect: "hl2", reason: '"__w3" setting in Background/Blue__w3.png' });
    expect(detectDialect(dir("l", dir("Hat", "Cap.png", dir("edge-cases", "Cap__tA__vB.png"))).dirs)).toMatchObject({ dialect: "hl2", reason: "an edge-cases folder in Hat/edge-cases", file: "Hat/edge-cases" });
  });

  it("markers of two engines: traitloom, with both named", () => {
    const d = detectDialect(dir("l", dir("A", "z1,x#1.png"), dir("B", "y#Rare.png")).dirs);
    expect(d.dialect).toBe("traitloom");
    expect(d.reason).toBe('markers of several engines: nftchef (z flag "z1," in A/z1,x#1.png) and datlips (named weight "#Rare" in B/y#Rare.png); read in Traitloom\'s own dialect, which takes both');
  });

  it("datlips markers with a root file datlips would refuse (no rarity): traitloom", () => {
    const d = detectDialect(dir("l", dir("A", "x#Rare.png", "y.png")).dirs);
    expect(d).toMatchObject({ dialect: "traitloom", reason: expect.stringMatching(/root file without a rarity \(A\/y\.png\)/) });
  });

  it("readLayers with auto reads each sample in its dialect, without problems", () => {
    for (const [tree, dialect] of [
      [nftchefSample(), "nftchef"],
      [datlipsSample(), "datlips"],
      [nftoolSample(), "nftool"],
      [hl2Sample(), "hl2"],
      [hashlipsSample(), "traitloom"],
    ] as const) {
      const set = readLayers(tree, { dialect: "auto" });
      expect([set.dialect, set.detected?.dialect, set.problems]).toEqual([dialect, dialect, []]);
    }
  });

  it("a config layer without a folder is a problem naming the config", () => {
    const set = readLayers(nftchefSample(), { dialect: "nftchef", layers: ["Background", "Hat"] });
    expect(set.problems.map((p) => [p.code, p.path])).toEqual([["LAYER_MISSING", "traitloom.json: layers[1]"]]);
  });
});

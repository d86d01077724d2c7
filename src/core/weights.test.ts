import { describe, expect, it } from "vitest";
import { TraitloomError } from "./errors.js";
import { imageExtension, isJunkFile, isJunkFolder, looksNftool, parseLayerFolderName, parseTraitFileName, readTraitFileName } from "./weights.js";

const parse = (f: string, syntax: "hashlips" | "nftool" = "hashlips", named?: Record<string, number>) => parseTraitFileName(`L/${f}`, f, syntax, named);

describe("trait file names", () => {
  it.each([
    ["Blue#12.png", "Blue", 12],
    ["Blue#0.5.png", "Blue", 0.5],
    ["Blue#0,5.png", "Blue", 0.5],
    ["Blue.png", "Blue", undefined],
    ["Light Blue #3.png", "Light Blue", 3],
    ["shirt one #3.png", "shirt one", 3],
    ["Zero#0.png", "Zero", 0],
    ["A#B#7.jpeg", "A", 7],
    ["Eyes#Rare.webp", "Eyes", 20],
    ["Eyes#mythic.PNG", "Eyes", 1],
    ["Eyes#Common.png", "Eyes", 100],
  ])("%s → %s weight %s", (file, name, weight) => {
    expect(parse(file)).toEqual({ name, weight });
  });

  it("reads nftool names weight-Name", () => {
    expect(parse("2-Left.png", "nftool")).toEqual({ name: "Left", weight: 2 });
    expect(parse("0,5-Half Moon.png", "nftool")).toEqual({ name: "Half Moon", weight: 0.5 });
    expect(looksNftool("12-Name.png")).toBe(true);
    expect(looksNftool("Name#12.png")).toBe(false);
    expect(looksNftool("Name.png")).toBe(false);
  });

  it("a config table changes named weights", () => {
    expect(parse("Eyes#Rare.png", "hashlips", { Rare: 7 })).toEqual({ name: "Eyes", weight: 7 });
  });

  it.each(["Blue#abc.png", "Blue#-3.png", "Blue#.png", "Blue#1.2.3.png", "Blue#1e5.png"])("%s is an error naming the file", (file) => {
    expect(() => parse(file)).toThrow(TraitloomError);
    expect(() => parse(file)).toThrow(new RegExp(`^L/${file.replace(/[.]/g, "\\.")}: expected a weight after "#"`));
  });

  it("a name without a trait name is an error", () => {
    expect(() => parse("#5.png")).toThrow(/L\/#5\.png: expected a trait name/);
  });

  it("readTraitFileName returns the problem parseTraitFileName throws, without the path", () => {
    expect(readTraitFileName("Blue#3.png")).toEqual({ ok: true, name: "Blue", weight: 3, warnings: [] });
    expect(readTraitFileName("Blue#abc.png")).toEqual({ ok: false, detail: expect.stringMatching(/^expected a weight after "#": a number >= 0 .*found "abc"$/) });
    const read = readTraitFileName("#5.png");
    expect(read.ok).toBe(false);
    expect(() => parse("#5.png")).toThrow(`L/#5.png: ${read.ok ? "" : read.detail}`);
  });

  it.each([
    ["Cap#1#5.png", "Cap", 5, 'expected one "#" before the weight, found 2; read as HashLips reads it: trait "Cap" (up to the first "#"), weight 5 (after the last "#")'],
    ["C#Minor#10.png", "C", 10, 'expected one "#" before the weight, found 2; read as HashLips reads it: trait "C" (up to the first "#"), weight 10 (after the last "#")'],
    ["Cap#a#b#Rare.png", "Cap", 20, 'expected one "#" before the weight, found 3; read as HashLips reads it: trait "Cap" (up to the first "#"), weight Rare (20) (after the last "#")'],
  ])("several # in %s: the name up to the first, the weight after the last (HashLips' cleanName and getRarityWeight), with a warning", (file, name, weight, warning) => {
    expect(readTraitFileName(file)).toEqual({ ok: true, name, weight, warnings: [warning] });
    expect(parse(file)).toEqual({ name, weight });
  });

  it("several # with a weight that does not parse is still the weight's error", () => {
    expect(readTraitFileName("Cap#1#abc.png")).toEqual({ ok: false, detail: expect.stringMatching(/found "abc"$/) });
  });

  it("names are NFC: the composed and the decomposed spelling read as one name", () => {
    const composed = "Caf\u00e9#3.png";
    const decomposed = "Cafe\u0301#3.png";
    expect(decomposed).not.toBe(composed);
    expect(parse(decomposed)).toEqual(parse(composed));
    expect(parse(decomposed).name).toBe("Caf\u00e9");
    expect(parse("3-Cafe\u0301.png", "nftool").name).toBe("Caf\u00e9");
    expect(parseLayerFolderName("02-Cafe\u0301").name).toBe("Caf\u00e9");
    expect(parseLayerFolderName("Cafe\u0301").name).toBe("Caf\u00e9");
  });

  it.each([
    ["Cap .png", "Cap ", "Cap", undefined],
    [" Cap#5.png", " Cap", "Cap", 5],
    ["shirt one #3.png", "shirt one ", "shirt one", 3],
    ["7- Cap.png", " Cap", "Cap", 7],
  ])("spaces at the ends of the name in %j are cut, with a warning quoting the name", (file, raw, name, weight) => {
    const read = readTraitFileName(file, file.startsWith("7-") ? "nftool" : "hashlips");
    expect(read).toEqual({ ok: true, name, weight, warnings: [`expected a trait name without spaces at its ends, found "${raw}"; read as "${name}" (HashLips keeps the spaces)`] });
  });

  it("a name without spaces at its ends and one # has no warning", () => {
    expect(readTraitFileName("Light Blue#3.png")).toEqual({ ok: true, name: "Light Blue", weight: 3, warnings: [] });
    expect(readTraitFileName("Plain.png")).toEqual({ ok: true, name: "Plain", weight: undefined, warnings: [] });
  });

  it("an nftool name without a weight is an error in nftool mode", () => {
    expect(() => parse("Left.png", "nftool")).toThrow(/expected an nftool name/);
  });
});

describe("folders and junk", () => {
  it("numeric prefixes order layers and are not part of the name", () => {
    expect(parseLayerFolderName("01-Background")).toEqual({ name: "Background", order: 1 });
    expect(parseLayerFolderName("10_Eye color")).toEqual({ name: "Eye color", order: 10 });
    expect(parseLayerFolderName("Eye color")).toEqual({ name: "Eye color", order: undefined });
    expect(parseLayerFolderName("3D")).toEqual({ name: "3D", order: undefined });
  });

  it.each([".DS_Store", "Thumbs.db", "desktop.ini", "._Blue#1.png", ".hidden.png", "thumbs.DB"])("%s is junk", (f) => {
    expect(isJunkFile(f)).toBe(true);
  });

  it.each([
    [".git", true],
    ["__MACOSX", true],
    ["node_modules", true],
    [".hidden", true],
    ["01-Background", false],
    ["git", false],
  ])("folder %s is junk: %s", (name, junk) => {
    expect(isJunkFolder(name)).toBe(junk);
  });

  it("images are recognised by extension only", () => {
    expect(imageExtension("a.PNG")).toBe(".png");
    expect(imageExtension("a.jpeg")).toBe(".jpeg");
    expect(imageExtension("a.txt")).toBeUndefined();
    expect(imageExtension(".png")).toBeUndefined();
    expect(isJunkFile("Blue#1.png")).toBe(false);
  });
});

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
    ["A#B#7.jpeg", "A#B", 7],
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
    expect(() => parse(file)).toThrow(new RegExp(`^L/${file.replace(/[.]/g, "\\.")}: weight after "#"`));
  });

  it("a name without a trait name is an error", () => {
    expect(() => parse("#5.png")).toThrow(/L\/#5\.png: expected a trait name/);
  });

  it("readTraitFileName returns the problem parseTraitFileName throws, without the path", () => {
    expect(readTraitFileName("Blue#3.png")).toEqual({ ok: true, name: "Blue", weight: 3 });
    expect(readTraitFileName("Blue#abc.png")).toEqual({ ok: false, detail: expect.stringMatching(/^weight after "#" must be a number >= 0 .*found "abc"$/) });
    const read = readTraitFileName("#5.png");
    expect(read.ok).toBe(false);
    expect(() => parse("#5.png")).toThrow(`L/#5.png: ${read.ok ? "" : read.detail}`);
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

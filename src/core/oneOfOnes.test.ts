import { describe, expect, it } from "vitest";
import { oneOfOnesOfFiles, placeOneOfOnes, readOneOfOnes, type OneOfOne } from "./oneOfOnes.js";
import { resolveSettings } from "./settings.js";

function ones(n: number): OneOfOne[] {
  return readOneOfOnes({ dir: "ones", names: Array.from({ length: n }, (_, i) => `o${i}.png`), read: (name) => new TextEncoder().encode(name), readText: () => "{}" }, "png");
}

describe("placeOneOfOnes", () => {
  it("generated tokens fill the other ids in order: planIndex and indexOfPlan are inverse around every 1-of-1", () => {
    for (const seed of ["a", "b", "c"]) {
      const settings = resolveSettings({}, { count: 40, seed });
      const layout = placeOneOfOnes(ones(7), {}, settings, "ones");
      const oneIndices = new Set(layout.placed.map((p) => p.index));
      expect(oneIndices.size).toBe(7);
      const free = Array.from({ length: 40 }, (_, i) => i).filter((i) => !oneIndices.has(i));
      expect(layout.generated).toBe(33);
      free.forEach((index, p) => {
        expect(layout.planIndex(index)).toBe(p);
        expect(layout.indexOfPlan(p)).toBe(index);
      });
    }
  });

  it("the seed decides the seeded ids, the same in every run; given ids are kept; startId 0 counts from 0", () => {
    const settings = resolveSettings({ startId: 0 }, { count: 10, seed: "s" });
    const a = placeOneOfOnes(ones(3), { place: { o1: 0 } }, settings, "ones");
    const b = placeOneOfOnes(ones(3), { place: { "o1.png": 0 } }, settings, "ones");
    expect(a.placed.map((p) => [p.one.file, p.record.id])).toEqual(b.placed.map((p) => [p.one.file, p.record.id]));
    expect(a.at(0)?.one.file).toBe("o1.png");
    expect(() => placeOneOfOnes(ones(3), { place: { o1: 10 } }, settings, "ones")).toThrow('oneOfOnes.place["o1"]: expected an id from 0 to 9, found 10');
  });

  it("a folder of no image, or of another file, is one line", () => {
    const read = (names: string[]) => () => readOneOfOnes({ dir: "ones", names, read: () => new Uint8Array(), readText: () => "{}" }, "png");
    expect(read(["Thumbs.db"])).toThrow("ones: expected .png images of 1-of-1 tokens, found none");
    expect(read(["a.png", "notes.txt"])).toThrow("ones/notes.txt: expected a .png image or its .json, found another file");
  });

  it("dropped files (the studio's) place as the folder of the same files does, with the JSON's name and attributes", () => {
    const settings = resolveSettings({}, { count: 20, seed: "files" });
    const enc = (t: string) => new TextEncoder().encode(t);
    const files = [
      { name: "ghost.png", bytes: enc("ghost") },
      { name: "legend.png", bytes: enc("legend") },
      { name: "legend.json", bytes: enc('{ "name": "The Legend", "attributes": [{ "trait_type": "Type", "value": "Legendary" }] }') },
    ];
    const fromFiles = oneOfOnesOfFiles(files, { dir: "one-of-ones", place: { "legend.png": 7 } }, settings);
    const byName = new Map(files.map((f) => [f.name, f.bytes]));
    const folder = readOneOfOnes({ dir: "one-of-ones", names: [...byName.keys()], read: (n) => byName.get(n) ?? new Uint8Array(), readText: (n) => new TextDecoder().decode(byName.get(n)) }, "png");
    expect(fromFiles.fingerprint()).toEqual(placeOneOfOnes(folder, { place: { "legend.png": 7 } }, settings, "one-of-ones").fingerprint());
    expect(fromFiles.at(6)?.metadata).toMatchObject({ name: "The Legend", attributes: [{ trait_type: "Type", value: "Legendary" }] });
    expect(() => oneOfOnesOfFiles([...files.slice(0, 2), { name: "legend.json", bytes: enc("{ nope") }], { dir: "one-of-ones" }, settings)).toThrow("one-of-ones/legend.json: expected JSON, found a syntax error");
    expect(() => oneOfOnesOfFiles(files, { dir: "one-of-ones", place: { "legend.png": 3, ghost: 3 } }, settings)).toThrow('are both at id 3; expected one 1-of-1 per id');
  });
});

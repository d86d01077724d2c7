/**
 * A layers folder with several bad files reports every one of them, not only the first: through the CLI (a
 * summary line, then one line per problem, exit 1) and through the library (one TraitloomError carrying them all).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError, PROBLEMS_IN_MESSAGE } from "../src/core/errors.js";
import { analyzeLayers, buildLayerSet } from "../src/core/layers.js";
import { generateCollection } from "../src/node/generate.js";
import { listLayersDir } from "../src/node/files.js";
import { runMain, stackLines } from "./helpers/cli.js";
import { removeDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

let root: string;
let layers: string;

/** The three bad files, each wrong in its own way, with the line that must name it. */
const BAD = {
  "01-Background/notes.txt": /01-Background\/notes\.txt: expected a \.png, \.jpg, \.jpeg or \.webp image, found another file$/,
  "02-Body/Empty.png": /02-Body\/Empty\.png: expected an image, found an empty file \(0 bytes\)$/,
  "03-Hat/Halo#abc.png": /03-Hat\/Halo#abc\.png: expected a weight after "#": a number >= 0 .*found "abc"$/,
} as const;

beforeAll(async () => {
  root = await tempDir("traitloom-problems-");
  layers = await writeBasicLayers(join(root, "layers"));
  await writeFile(join(layers, "01-Background/notes.txt"), "remember the hats\n");
  await writeFile(join(layers, "02-Body/Empty.png"), Buffer.alloc(0));
  await writeFile(join(layers, "03-Hat/Halo#abc.png"), await readFile(join(layers, "03-Hat/Crown.png")));
});
afterAll(async () => {
  await removeDir(root);
});

describe("a layers folder with three bad files", () => {
  it("the CLI prints a summary line, then each of the three on its own line, and exits 1", async () => {
    const out = join(root, "out");
    const run = await runMain(["generate", layers, "-n", "2", "-o", out, "--seed", "x", "-q"]);
    expect(run.code).toBe(1);
    const lines = run.err.filter((l) => l.trim() !== "");
    expect(lines[0]).toBe(`error: ${layers}: 3 problems:`);
    expect(lines).toHaveLength(4);
    for (const [i, pattern] of Object.values(BAD).entries()) {
      expect(lines[i + 1]?.startsWith(`  ${layers}/`)).toBe(true);
      expect(lines[i + 1]).toMatch(pattern);
    }
    expect(stackLines(run.err)).toEqual([]);
    expect(run.out.join("")).toBe("");
  });

  it("traitloom init reports the same three", async () => {
    const run = await runMain(["init", layers, "-o", join(root, "init.json")]);
    expect(run.code).toBe(1);
    const lines = run.err.filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/: 3 problems:$/);
  });

  it("the library throws one TraitloomError whose problems are all three, and analyzeLayers returns them without throwing", async () => {
    const listing = await listLayersDir(layers);
    let caught: unknown;
    try {
      buildLayerSet(listing);
    } catch (e) {
      caught = e;
    }
    expect(isTraitloomError(caught)).toBe(true);
    if (!isTraitloomError(caught)) return;
    expect(caught.code).toBe("PROBLEMS");
    expect(caught.problems.map((p) => p.code)).toEqual(["NOT_AN_IMAGE", "BAD_IMAGE", "BAD_WEIGHT"]);
    for (const [i, pattern] of Object.values(BAD).entries()) expect(caught.problems[i]?.message).toMatch(pattern);
    expect(caught.message.split("\n")).toEqual([`${layers}: 3 problems:`, ...caught.problems.map((p) => `  ${p.message}`)]);

    const analysis = analyzeLayers(listing);
    expect(analysis.layerSet).toBeUndefined();
    expect(analysis.problems.map((p) => p.file)).toEqual(Object.keys(BAD));
    // Every other file is still read: the panel can show the layers as they stand.
    expect(analysis.layers.map((l) => l.traits.map((t) => t.name))).toEqual([["Blue", "Green", "Red"], ["Disc", "Square"], ["Cap", "Crown", "None"]]);
  });

  it("generateCollection rejects with the same error before rendering anything", async () => {
    const out = join(root, "out-lib");
    await expect(generateCollection({ layersDir: layers, outDir: out, count: 2, seed: "x", workers: 1 })).rejects.toMatchObject({
      code: "PROBLEMS",
      problems: Object.keys(BAD).map((file) => expect.objectContaining({ message: expect.stringContaining(file) })),
    });
  });

  it(`past ${PROBLEMS_IN_MESSAGE} problems the CLI lists the first ${PROBLEMS_IN_MESSAGE} and says how many more`, async () => {
    const many = join(root, "many");
    await writeBasicLayers(many);
    await mkdir(join(many, "02-Body"), { recursive: true });
    for (let i = 0; i < PROBLEMS_IN_MESSAGE + 3; i++) await writeFile(join(many, "02-Body", `note${String(i).padStart(2, "0")}.txt`), "x");
    const run = await runMain(["generate", many, "-n", "2", "-o", join(root, "many-out"), "--seed", "x", "-q"]);
    expect(run.code).toBe(1);
    const lines = run.err.filter((l) => l.trim() !== "");
    expect(lines[0]).toBe(`error: ${many}: ${PROBLEMS_IN_MESSAGE + 3} problems, the first ${PROBLEMS_IN_MESSAGE} below:`);
    expect(lines.slice(1, -1)).toHaveLength(PROBLEMS_IN_MESSAGE);
    expect(lines[1]).toMatch(/02-Body\/note00\.txt: expected a \.png/);
    expect(lines.at(-1)).toBe("  … and 3 more");
  });
});

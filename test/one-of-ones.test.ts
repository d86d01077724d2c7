/**
 * 1-of-1s in a real run (config `oneOfOnes`): hand-made images at the ids given or drawn by the seed, byte for byte
 * in images/, their own metadata, in the manifest and its provenance hash, out of trait rarity, taking no generated
 * combination; a run resumes over them; every mistake in the folder or `place` is one line naming it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { generateCollection } from "../src/node/generate.js";
import { runMain } from "./helpers/cli.js";
import { removeDir, sha256Hex, shapeImage, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

let root: string;
let layers: string;
let legend: Buffer;
let ghost: Buffer;
beforeAll(async () => {
  root = await tempDir("traitloom-1of1-");
  layers = await writeBasicLayers(join(root, "layers"));
  legend = await shapeImage({ color: [255, 0, 255], shape: "disc" });
  ghost = await shapeImage({ color: [250, 250, 250], shape: "square", alpha: 90 });
});
afterAll(async () => {
  await removeDir(root);
});

async function oneOfOnesDir(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) await writeFile(join(dir, f), data);
  return dir;
}

interface Manifest {
  provenance: string;
  inputHash: string;
  tokens: Array<{ id: number; dna: string; image: string; traits: Record<string, string> }>;
}

describe("oneOfOnes", () => {
  it("places 1-of-1s at the given and seeded ids, writes them as given, counts them in provenance and not in rarity", async () => {
    const dir = await oneOfOnesDir("ones", {
      "legend.png": legend,
      "legend.json": JSON.stringify({ name: "The Legend", description: "Drawn by hand", attributes: [{ trait_type: "Type", value: "Legendary" }] }),
      "ghost.png": ghost,
      ".DS_Store": "junk",
    });
    const config: TraitloomConfig = { namePrefix: "Fish", oneOfOnes: { dir, place: { "legend.png": 5 } } };
    const out = join(root, "out");
    const result = await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "ones", workers: 1, config });
    expect(result.count).toBe(12);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.tokens.map((t) => t.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    // The legend at id 5, the file itself; its metadata from its JSON.
    expect(await readFile(join(out, "images", "5.png"))).toEqual(legend);
    const five = JSON.parse(await readFile(join(out, "metadata", "5.json"), "utf8")) as Record<string, unknown>;
    expect(five).toMatchObject({ name: "The Legend", description: "Drawn by hand", edition: 5, image: "ipfs://REPLACE_WITH_CID/5.png", attributes: [{ trait_type: "Type", value: "Legendary" }] });
    expect(manifest.tokens[4]).toMatchObject({ id: 5, dna: "1-of-1", image: sha256Hex(legend), traits: { Type: "Legendary" } });

    // The ghost at the id the seed drew, named like the others.
    const ghostTokens = manifest.tokens.filter((t) => t.image === sha256Hex(ghost));
    expect(ghostTokens).toHaveLength(1);
    const ghostId = ghostTokens[0]?.id ?? 0;
    expect(ghostId).not.toBe(5);
    expect(await readFile(join(out, "images", `${ghostId}.png`))).toEqual(ghost);
    expect(JSON.parse(await readFile(join(out, "metadata", `${ghostId}.json`), "utf8"))).toMatchObject({ name: `Fish #${ghostId}`, attributes: [] });

    // Ten generated tokens around them, all unique, each image the one on disk; the provenance covers all twelve.
    const generated = manifest.tokens.filter((t) => t.dna !== "1-of-1");
    expect(generated).toHaveLength(10);
    expect(new Set(generated.map((t) => t.dna)).size).toBe(10);
    let concatenated = "";
    for (const t of manifest.tokens) {
      const bytes = await readFile(join(out, "images", `${t.id}.png`));
      expect(sha256Hex(bytes)).toBe(t.image);
      concatenated += t.image;
    }
    expect(manifest.provenance).toBe(sha256Hex(concatenated));
    expect(result.provenance).toBe(manifest.provenance);
    const all = JSON.parse(await readFile(join(out, "_metadata.json"), "utf8")) as Array<{ edition: number; name: string }>;
    expect(all.map((m) => m.edition)).toEqual(manifest.tokens.map((t) => t.id));
    expect(all[4]?.name).toBe("The Legend");

    // Rarity is the generated tokens': 10 per layer, ranked under their own ids.
    const rarity = JSON.parse(await readFile(join(out, "rarity.json"), "utf8")) as { traits: Array<{ layer: string; actualCount: number }>; tokens: Array<{ id: number }> };
    for (const layer of ["Background", "Body", "Hat"]) expect(rarity.traits.filter((t) => t.layer === layer).reduce((a, t) => a + t.actualCount, 0)).toBe(10);
    expect(rarity.tokens.map((t) => t.id).sort((a, b) => a - b)).toEqual(generated.map((t) => t.id));

    // A preview by rank shows them first: they have no rank, by design.
    const preview = await runMain(["preview", out, "--collage", "12", "--pick", "rank"]);
    expect(preview.err.filter((l) => l !== "")).toEqual([]);
    expect(preview.code).toBe(0);

    // The same command again resumes: nothing rendered, the same provenance.
    const again = await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "ones", workers: 1, config });
    expect(again.rendered).toBe(0);
    expect(again.resumed).toBe(12);
    expect(again.provenance).toBe(manifest.provenance);

    // Another 1-of-1 image is another collection: its inputHash differs, so the folder is not resumed into.
    const changed = await oneOfOnesDir("ones-changed", { "legend.png": ghost, "ghost.png": legend });
    const other = join(root, "out-other");
    await generateCollection({ layersDir: layers, outDir: other, count: 12, seed: "ones", workers: 1, config: { ...config, oneOfOnes: { dir: changed, place: { "legend.png": 5 } } } });
    const otherManifest = JSON.parse(await readFile(join(other, "manifest.json"), "utf8")) as Manifest;
    expect(otherManifest.inputHash).not.toBe(manifest.inputHash);
  });

  it("1-of-1s take ids, not combinations: 18 combinations and 2 1-of-1s make 20 tokens", async () => {
    const dir = await oneOfOnesDir("two", { "a.png": legend, "b.png": ghost });
    const out = join(root, "out-full");
    await generateCollection({ layersDir: layers, outDir: out, count: 20, seed: "full", workers: 1, config: { oneOfOnes: { dir } } });
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.tokens.filter((t) => t.dna === "1-of-1")).toHaveLength(2);
    expect(new Set(manifest.tokens.filter((t) => t.dna !== "1-of-1").map((t) => t.dna)).size).toBe(18);
    await expect(generateCollection({ layersDir: layers, outDir: join(root, "out-21"), count: 21, seed: "full", workers: 1, config: { oneOfOnes: { dir } } })).rejects.toThrow(/expected at most 18 tokens/);
  });

  it("each mistake is one line naming the folder, file or place", async () => {
    const run = (oneOfOnes: TraitloomConfig["oneOfOnes"], count = 12) =>
      generateCollection({ layersDir: layers, outDir: join(root, "err"), count, seed: "e", workers: 1, config: { oneOfOnes } });
    await expect(run({ dir: join(root, "nope") })).rejects.toThrow(/^oneOfOnes\.dir: expected a folder of 1-of-1 images at .*nope, found nothing there$/);
    const badJson = await oneOfOnesDir("bad-json", { "x.png": legend, "x.json": "{ name: " });
    await expect(run({ dir: badJson })).rejects.toThrow(/bad-json\/x\.json: expected JSON, found a syntax error/);
    const badShape = await oneOfOnesDir("bad-shape", { "x.png": legend, "x.json": JSON.stringify({ attributes: [{ trait_type: "T" }] }) });
    await expect(run({ dir: badShape })).rejects.toThrow(/bad-shape\/x\.json: attributes\[0\]\.value: expected/);
    const lonely = await oneOfOnesDir("lonely", { "x.png": legend, "y.json": "{}" });
    await expect(run({ dir: lonely })).rejects.toThrow(/lonely\/y\.json: expected the 1-of-1 image y\.png beside it, found none/);
    const webp = await oneOfOnesDir("webp", { "x.webp": legend });
    await expect(run({ dir: webp })).rejects.toThrow(/webp\/x\.webp: expected a \.png image \(the collection's format, image\.format\), found \.webp/);
    const two = await oneOfOnesDir("two-err", { "a.png": legend, "b.png": ghost });
    await expect(run({ dir: two, place: { "a.png": 13 } })).rejects.toThrow('oneOfOnes.place["a.png"]: expected an id from 1 to 12, found 13');
    await expect(run({ dir: two, place: { "a.png": 3, "b.png": 3 } })).rejects.toThrow('oneOfOnes.place["b.png"]: "a.png" and "b.png" are both at id 3; expected one 1-of-1 per id');
    await expect(run({ dir: two, place: { "c.png": 3 } })).rejects.toThrow(/oneOfOnes\.place\["c\.png"\]: expected a 1-of-1 of .* \(a\.png, b\.png\), found none named "c\.png"/);
    await expect(run({ dir: two }, 2)).rejects.toThrow(/holds 2 1-of-1s, expected fewer than the 2 tokens of the collection/);
  });
});

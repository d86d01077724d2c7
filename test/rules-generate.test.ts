/**
 * Rules and fixed counts reach a real run: the CLI's generate plans with them (no token breaks a rule, a fixed count
 * is met exactly), and a folder planned under other rules is another collection (its inputHash differs).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { generateCollection } from "../src/node/generate.js";
import { removeDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

let root: string;
let layers: string;
beforeAll(async () => {
  root = await tempDir("traitloom-rules-");
  layers = await writeBasicLayers(join(root, "layers"));
});
afterAll(async () => {
  await removeDir(root);
});

interface Manifest {
  inputHash: string;
  tokens: Array<{ traits: Record<string, string> }>;
}

describe("rules in a run", () => {
  it("never Blue with Disc and a fixed count of Red: every token keeps them; other rules are another collection", async () => {
    const config: TraitloomConfig = { rules: [{ never: ["Background/Blue", "Body/Disc"] }], counts: { "Background/Red": 4 } };
    const out = join(root, "ruled");
    const result = await generateCollection({ layersDir: layers, outDir: out, count: 12, seed: "rules", workers: 1, config });
    expect(result.rendered).toBe(12);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
    for (const t of manifest.tokens) expect(t.traits.Background === "Blue" && t.traits.Body === "Disc").toBe(false);
    expect(manifest.tokens.filter((t) => t.traits.Background === "Red")).toHaveLength(4);

    const plain = join(root, "plain");
    await generateCollection({ layersDir: layers, outDir: plain, count: 12, seed: "rules", workers: 1 });
    const other = JSON.parse(await readFile(join(plain, "manifest.json"), "utf8")) as Manifest;
    expect(other.inputHash).not.toBe(manifest.inputHash);
  });

  it("uniqueness reaches the run: unique on some layers only, and minDifferences counted where exact", async () => {
    // Unique on Background and Hat alone: 3 x 3 = 9; a tenth token is refused before anything renders.
    const some: TraitloomConfig = { uniqueness: { layers: ["Background", "Hat"] } };
    await expect(generateCollection({ layersDir: layers, outDir: join(root, "u10"), count: 10, seed: "u", workers: 1, config: some })).rejects.toThrow("count: expected at most 9 tokens (the unique combinations: Background 3 × Hat 3), found 10");
    const out = join(root, "u9");
    await generateCollection({ layersDir: layers, outDir: out, count: 9, seed: "u", workers: 1, config: some });
    const nine = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(new Set(nine.tokens.map((t) => `${t.traits.Background}/${t.traits.Hat ?? "None"}`)).size).toBe(9);
    // Every two tokens differ in all 3 layers: as many tokens as the smallest layer (Body) has traits.
    const apart: TraitloomConfig = { uniqueness: { minDifferences: 3 } };
    await expect(generateCollection({ layersDir: layers, outDir: join(root, "d3"), count: 3, seed: "d", workers: 1, config: apart })).rejects.toThrow(
      /asked for 3 tokens but uniqueness\.minDifferences 3 allows only 2 tokens that differ pairwise in 3 of the 3 unique layers/,
    );
    const two = join(root, "d2");
    await generateCollection({ layersDir: layers, outDir: two, count: 2, seed: "d", workers: 1, config: apart });
    const [a, b] = (JSON.parse(await readFile(join(two, "manifest.json"), "utf8")) as Manifest).tokens;
    for (const layer of ["Background", "Body", "Hat"]) expect(a?.traits[layer]).not.toBe(b?.traits[layer]);
  });

  it("an unknown trait id in a rule is refused naming the rule, before anything renders", async () => {
    const run = generateCollection({ layersDir: layers, outDir: join(root, "bad"), count: 3, seed: "r", workers: 1, config: { rules: [{ never: ["Background/Blu", "Body/Disc"] }] } });
    await expect(run).rejects.toThrow(/rules\[0\]\.never\[0\]: expected a trait id .*found "Background\/Blu"; did you mean "Background\/Blue"\?/);
  });
});

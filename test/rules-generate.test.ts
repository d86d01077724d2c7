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

  it("an unknown trait id in a rule is refused naming the rule, before anything renders", async () => {
    const run = generateCollection({ layersDir: layers, outDir: join(root, "bad"), count: 3, seed: "r", workers: 1, config: { rules: [{ never: ["Background/Blu", "Body/Disc"] }] } });
    await expect(run).rejects.toThrow(/rules\[0\]\.never\[0\]: expected a trait id .*found "Background\/Blu"; did you mean "Background\/Blue"\?/);
  });
});

/**
 * `reroll` and `ban` in traitloom.json through the CLI's generate: the named tokens get new combinations, every other
 * token is the seed's, the combinations and counts moved are printed, and the input hash belongs to the edits.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "./helpers/cli.js";
import { removeDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

interface Manifest {
  inputHash: string;
  tokens: Array<{ id: number; dna: string; dnaHash: string; traits: Record<string, string> }>;
}

let root: string;
const N = 10;
const read = async (dir: string): Promise<Manifest> => JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
const generate = async (name: string, config: Record<string, unknown>) => {
  const configPath = join(root, `${name}.json`);
  await writeFile(configPath, JSON.stringify({ layersDir: "layers", seed: "reroll-cli", count: N, ...config }));
  const run = await runMain(["generate", "-c", configPath, "-o", join(root, name), "--workers", "1"]);
  return { run, configPath, out: join(root, name) };
};

beforeAll(async () => {
  root = await tempDir("traitloom-reroll-");
  await writeBasicLayers(join(root, "layers")); // 18 combinations
});
afterAll(async () => {
  await removeDir(root);
});

describe("generate with reroll and ban", () => {
  it("re-rolls token 4, bans token 7's combination, keeps every other token and says what moved", async () => {
    const plain = await generate("plain", {});
    expect(plain.run.code).toBe(0);
    const before = await read(plain.out);
    const seven = before.tokens[6]!;
    const ban = [`Background/${seven.traits.Background}`, `Body/${seven.traits.Body}`, `Hat/${seven.traits.Hat}`];
    const edited = await generate("edited", { reroll: [{ id: 4, avoid: ["Hat/Crown"] }], ban: [ban] });
    expect(edited.run.err.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(edited.run.code).toBe(0);
    const after = await read(edited.out);
    after.tokens.forEach((t, i) => {
      if (i !== 3 && i !== 6) expect(t.dna).toBe(before.tokens[i]!.dna);
    });
    expect(after.tokens[3]!.dna).not.toBe(before.tokens[3]!.dna);
    expect(after.tokens[3]!.traits.Hat).not.toBe("Crown");
    expect(after.tokens.map((t) => t.dna)).not.toContain(seven.dna);
    expect(new Set(after.tokens.map((t) => t.dnaHash)).size).toBe(N);
    expect(edited.run.err).toContain(`re-rolled (reroll[0]): token 4: dna ${before.tokens[3]!.dna} → ${after.tokens[3]!.dna}`);
    expect(edited.run.err).toContain(`banned combination (ban[0]): token 7: dna ${seven.dna} → ${after.tokens[6]!.dna}`);
    const moved = edited.run.err.filter((l) => l.startsWith("count moved by reroll/ban: "));
    expect(moved.length).toBeGreaterThan(0);
    for (const line of moved) expect(line).toMatch(/^count moved by reroll\/ban: (Background|Body|Hat) \/ \w+: \d+ → \d+ \(expected \d+\.\d\)$/);
    // Another collection: its inputHash is not the plain one's, so neither folder is taken for the other.
    expect(after.inputHash).not.toBe(before.inputHash);
    const again = await generate("edited", { reroll: [{ id: 4, avoid: ["Hat/Crown"] }], ban: [ban] });
    expect(again.run.code).toBe(0);
    expect((await read(edited.out)).tokens.map((t) => t.dna)).toEqual(after.tokens.map((t) => t.dna));
  });

  it("refuses a token id outside the collection and an unknown trait in one line each", async () => {
    const outside = await generate("outside", { reroll: [{ id: 11 }] });
    expect(outside.run.code).toBe(1);
    expect(outside.run.err.filter((l) => l.trim() !== "")).toEqual([`error: ${outside.configPath}: reroll[0].id: expected a token id from 1 to 10, found 11`]);
    const unknown = await generate("unknown", { ban: [["Background/Blue", "Body/Disc", "Hat/Crwn"]] });
    expect(unknown.run.code).toBe(1);
    expect(unknown.run.err.filter((l) => l.trim() !== "")).toEqual([
      `error: ${unknown.configPath}: ban[0][2]: expected a trait id such as "Hat/Crown", found "Hat/Crwn"; did you mean "Hat/Crown"?`,
    ]);
  });
});

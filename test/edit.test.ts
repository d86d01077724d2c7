/**
 * `traitloom regenerate` and `traitloom extend`: uniqueness kept, only the edited tokens rendered, old and new DNA in
 * the manifest's history, and a later generate keeping the edits.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFolder } from "../src/core/targets/index.js";
import { nodeFolderView } from "../src/cli/validate.js";
import { generateCollection } from "../src/node/generate.js";
import { runMain } from "./helpers/cli.js";
import { removeDir, sha256Hex, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

interface Manifest {
  count: number;
  provenance: string;
  history?: Array<Record<string, unknown>>;
  tokens: Array<{ id: number; dna: string; dnaHash: string; image: string }>;
}

let root: string;
let layers: string;
let out: string;
let configPath: string;
const N = 10;
const read = async (): Promise<Manifest> => JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Manifest;
beforeAll(async () => {
  root = await tempDir("traitloom-edit-");
  layers = await writeBasicLayers(join(root, "layers")); // 18 combinations
  out = join(root, "out");
  configPath = join(root, "traitloom.json");
  await writeFile(configPath, JSON.stringify({ layersDir: "layers", outputs: { erc721: {}, solana: {} } }));
  await generateCollection({ configPath, outDir: out, count: N, seed: "edit", workers: 1 });
});
afterAll(async () => {
  await removeDir(root);
});

describe("regenerate", () => {
  it("gives token 4 a new unique combination without Hat/Crown, renders only it, and records old and new DNA", async () => {
    const before = await read();
    const run = await runMain(["regenerate", out, "--id", "4", "--avoid", "Hat/Crown", "-c", configPath]);
    expect(run.err.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(run.code).toBe(0);
    const after = await read();
    const old = before.tokens[3]!;
    const now = after.tokens[3]!;
    expect(now.dna).not.toBe(old.dna);
    expect(run.out[0]).toBe(`regenerated token 4: dna ${old.dna} → ${now.dna}; 1 rendered, ${N - 1} kept; provenance ${after.provenance.slice(0, 16)}…`);
    expect(run.out.slice(1).every((l) => l.startsWith("count moved: "))).toBe(true);
    expect(new Set(after.tokens.map((t) => t.dnaHash)).size).toBe(N);
    // --avoid Hat/Crown: the new combination has no crown.
    const meta = JSON.parse(await readFile(join(out, "metadata/4.json"), "utf8")) as { attributes: Array<{ trait_type: string; value: string }> };
    expect(meta.attributes.find((a) => a.trait_type === "Hat")?.value).not.toBe("Crown");
    expect(after.history).toEqual([{ command: "regenerate", id: 4, index: 3, oldDna: old.dna, newDna: now.dna }]);
    // Its files: the image is new, every other token's is the same; the provenance follows.
    expect(now.image).toBe(sha256Hex(await readFile(join(out, "images/4.png"))));
    expect(now.image).not.toBe(old.image);
    after.tokens.forEach((t, i) => i !== 3 && expect(t.image).toBe(before.tokens[i]!.image));
    expect(after.provenance).not.toBe(before.provenance);
    expect(sha256Hex(await readFile(join(out, "solana/assets/3.png")))).toBe(now.image);
    expect((await validateFolder(nodeFolderView(out), "solana")).problems).toEqual([]);
  });

  it("a later generate keeps the regenerated token", async () => {
    const before = await read();
    const r = await generateCollection({ configPath, outDir: out, count: N, seed: "edit", workers: 1 });
    expect([r.rendered, r.resumed]).toEqual([0, N]);
    expect(await read()).toEqual(before);
  });

  it("refuses an id outside the collection, an unknown --avoid trait, and another collection's config", async () => {
    expect((await runMain(["regenerate", out, "--id", "99", layers])).err[0]).toBe("error: --id: expected a token id of the collection (1 to 10), found 99");
    expect((await runMain(["regenerate", out, "--id", "2", "--avoid", "Hat/Crwn", layers])).err[0]).toContain('--avoid: expected a trait such as "Background/Blue", found "Hat/Crwn"');
    expect((await runMain(["regenerate", out, "--id", "x", layers])).err[0]).toBe('error: --id: expected a whole number, 0 or more, found "x"');
    expect((await runMain(["regenerate", out, "--id", "2", "-n", "3", layers])).err[0]).toContain("-n: expected no count for regenerate");
    const other = await runMain(["regenerate", out, "--id", "2", "-c", join(root, "none.json"), layers]);
    expect(other.code).toBe(1);
  });
});

describe("extend", () => {
  it("adds 5 tokens after the last id, unique against all, rendering only them", async () => {
    const before = await read();
    const run = await runMain(["extend", out, "-n", "5", "-c", configPath]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/^extended by 5 tokens \(positions 10 to 14\): 5 rendered, 10 kept, 15 tokens/);
    const after = await read();
    expect(after.count).toBe(15);
    expect(after.tokens.map((t) => t.id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(after.tokens.map((t) => t.dnaHash)).size).toBe(15);
    after.tokens.slice(0, N).forEach((t, i) => expect(t.image).toBe(before.tokens[i]!.image));
    expect((await validateFolder(nodeFolderView(out), "solana")).tokens).toBe(15);
    expect((await validateFolder(nodeFolderView(out), "solana")).problems).toEqual([]);
    const r = await generateCollection({ configPath, outDir: out, count: N, seed: "edit", workers: 1 });
    expect([r.rendered, r.resumed, r.count]).toEqual([0, 15, 15]);
  });

  it("refuses more tokens than unique combinations remain, in one line", async () => {
    const run = await runMain(["extend", out, "-n", "10", "-c", configPath]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/^error: token at position 18: expected a combination unlike every other token's that keeps the rules, found none$/);
  });
});

import { copyFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCollection } from "../src/node/generate.js";
import { mergeShards } from "../src/node/merge.js";
import { runMain } from "./helpers/cli.js";
import { readJson, removeDir, snapshotDir, tempDir, writeHashlipsLikeLayers } from "./helpers/fixtures.js";

const ORDER = ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"];

describe("sharded runs and merge", () => {
  let root: string;
  let layers: string;
  const config = { layers: ORDER, namePrefix: "Shard" };
  const N = 100;

  beforeAll(async () => {
    root = await tempDir();
    layers = await writeHashlipsLikeLayers(join(root, "layers"));
    await generateCollection({ layersDir: layers, config, outDir: join(root, "single"), count: N, seed: "sh", workers: 2 });
    for (const i of [1, 2, 3]) {
      await generateCollection({ layersDir: layers, config, outDir: join(root, `s${i}`), count: N, seed: "sh", workers: 1, shard: { index: i, of: 3 } });
    }
  });
  afterAll(async () => removeDir(root));

  it("each shard renders only its block of the planned collection", async () => {
    const manifests = await Promise.all([1, 2, 3].map((i) => readJson<{ shard: { firstId: number; lastId: number }; tokens: unknown[] }>(join(root, `s${i}`, "manifest.json"))));
    expect(manifests.map((m) => [m.shard.firstId, m.shard.lastId, m.tokens.length])).toEqual([
      [1, 33, 33],
      [34, 66, 33],
      [67, 100, 34],
    ]);
  });

  it("3 shards merged equal a single run byte for byte", async () => {
    const out = join(root, "merged");
    const result = await mergeShards([join(root, "s3"), join(root, "s1"), join(root, "s2")], out);
    const single = await snapshotDir(join(root, "single"));
    for (const k of Object.keys(single)) if (k.startsWith(".traitloom/")) delete single[k];
    expect(await snapshotDir(out)).toEqual(single);
    expect(result.provenance).toBe((await readJson<{ provenance: string }>(join(root, "single", "manifest.json"))).provenance);
  });

  it("merged shards carry every target's files and the provenance variants, as a single run writes them", async () => {
    // Solana numbers its assets from 0 over the whole collection (startId 1 here), so shard 2's assets start at 33.
    const targets = {
      ...config,
      startId: 1,
      provenance: { keccak256: true, startingIndex: 7 },
      outputs: {
        erc721: {},
        erc1155: {},
        solana: {
          symbol: "SH",
          sellerFeeBasisPoints: 500,
          creators: [{ address: "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV", share: 100 }],
          collection: { name: "Shards", image: join(root, "cover.png") },
        },
        tezos: {},
        cardano: { policyId: "0123456789abcdef0123456789abcdef0123456789abcdef01234567" },
      },
    };
    const n = 30;
    const dir = (name: string): string => join(root, `targets-${name}`);
    const background = (await readdir(join(layers, "Background"))).find((f) => f.endsWith(".png")) ?? "";
    await copyFile(join(layers, "Background", background), join(root, "cover.png"));
    await generateCollection({ layersDir: layers, config: targets, outDir: dir("single"), count: n, seed: "tg", workers: 1 });
    for (const i of [1, 2, 3]) {
      await generateCollection({ layersDir: layers, config: targets, outDir: dir(`s${i}`), count: n, seed: "tg", workers: 1, shard: { index: i, of: 3 } });
    }
    await mergeShards([dir("s2"), dir("s3"), dir("s1")], dir("merged"));
    const single = await snapshotDir(dir("single"));
    for (const k of Object.keys(single)) if (k.startsWith(".traitloom/")) delete single[k];
    const merged = await snapshotDir(dir("merged"));
    expect(Object.keys(merged).filter((k) => /^solana\/assets\/\d+\.(json|png)$/.test(k)).length).toBe(2 * n);
    expect(merged["solana/assets/0.json"]).toBeDefined();
    expect(Object.keys(merged).some((k) => k.startsWith("erc1155/") || k.startsWith("tezos/") || k.startsWith("cardano/"))).toBe(true);
    expect(merged).toEqual(single);
    const manifest = await readJson<{ provenanceKeccak256?: string; provenanceFromStartingIndex?: string }>(join(dir("merged"), "manifest.json"));
    expect(manifest.provenanceKeccak256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.provenanceFromStartingIndex).toMatch(/^[0-9a-f]{64}$/);
    // A merged folder with targets is a Traitloom collection: --overwrite replaces it.
    await mergeShards([dir("s1"), dir("s2"), dir("s3")], dir("merged"), { overwrite: true });
    expect(await snapshotDir(dir("merged"))).toEqual(single);
    expect(single["solana/assets/collection.png"]).toBeDefined();

    // The collection image is the same file in every shard, or the merge names the odd one.
    await writeFile(join(dir("s2"), "solana", "assets", "collection.png"), "another image");
    await expect(mergeShards([dir("s1"), dir("s2"), dir("s3")], dir("merged-odd"))).rejects.toThrow(
      /targets-s2\/solana\/assets\/collection\.png: expected the Solana collection image in every shard, found a different file/,
    );
  });

  it("a missing shard, a tampered image and a shard of another collection are one-line errors", async () => {
    await expect(mergeShards([join(root, "s1"), join(root, "s2")], join(root, "m-missing"))).rejects.toThrow(/found none for id 67.*is a shard missing/);
    await expect(mergeShards([join(root, "s1"), join(root, "s1")], join(root, "m-dup"))).rejects.toThrow(/s1\/manifest\.json: expected each shard once, found it given twice/);

    const other = join(root, "other");
    await generateCollection({ layersDir: layers, config, outDir: other, count: N, seed: "another", workers: 1, shard: { index: 3, of: 3 } });
    await expect(mergeShards([join(root, "s1"), join(root, "s2"), other], join(root, "m-other"))).rejects.toThrow(/expected a shard of the same collection/);

    const tampered = join(root, "tampered");
    await generateCollection({ layersDir: layers, config, outDir: tampered, count: N, seed: "sh", workers: 1, shard: { index: 2, of: 3 } });
    await writeFile(join(tampered, "images", "40.png"), "not the image");
    await expect(mergeShards([join(root, "s1"), tampered, join(root, "s3")], join(root, "m-tampered"))).rejects.toThrow(/images\/40\.png: expected sha256 [0-9a-f]{16}… from .*manifest\.json, found [0-9a-f]{16}…/);
  });

  it("the CLI takes --shard i/n and merge, and rejects a bad shard", async () => {
    const bad = await runMain(["generate", layers, "-n", "10", "-o", join(root, "bad"), "--seed", "x", "--shard", "4/3"]);
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toMatch(/--shard: expected i\/n with 1 <= i <= n, found 4\/3/);
    const worse = await runMain(["generate", layers, "-n", "10", "-o", join(root, "bad"), "--seed", "x", "--shard", "half"]);
    expect(worse.err.join("\n")).toMatch(/--shard: expected i\/n such as 2\/3, found "half"/);
    const merged = await runMain(["merge", join(root, "s1"), join(root, "s2"), join(root, "s3"), "-o", join(root, "cli-merged")]);
    expect(merged.code).toBe(0);
    expect(merged.out.join("\n")).toMatch(/merged 3 shard\(s\): 100 tokens/);
    const again = await runMain(["merge", join(root, "s1"), join(root, "s2"), join(root, "s3"), "-o", join(root, "cli-merged")]);
    expect(again.code).toBe(1);
    expect(again.err.join("\n")).toMatch(/found a collection; choose another -o folder or pass --overwrite/);
    const noOut = await runMain(["merge", join(root, "s1")]);
    expect(noOut.err.join("\n")).toMatch(/merge: expected -o <outDir>/);
  });
});

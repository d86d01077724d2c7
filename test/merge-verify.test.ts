/**
 * merge verifies everything before the output is there: every refused merge is one line naming the file and
 * what was expected and found, and leaves the output folder as it was (absent, or its earlier collection).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCollection } from "../src/node/generate.js";
import { mergeShards } from "../src/node/merge.js";
import { HASHLIPS_ORDER, readJson, removeDir, snapshotDir, tempDir, writeHashlipsLikeLayers, writeJson } from "./helpers/fixtures.js";

interface Manifest {
  shard?: { index: number; of: number; firstId: number; lastId: number };
  tokens: Array<{ id: number; image: string; metadata: string; dnaHash: string }>;
}

describe("merge verifies before writing", () => {
  let root: string;
  let single: Record<string, string>;
  let caseNo = 0;
  const N = 30;

  beforeAll(async () => {
    root = await tempDir();
    const layers = await writeHashlipsLikeLayers(join(root, "layers"));
    const config = { layers: [...HASHLIPS_ORDER] };
    await generateCollection({ layersDir: layers, config, outDir: join(root, "single"), count: N, seed: "mv", workers: 1 });
    for (const i of [1, 2, 3]) {
      await generateCollection({ layersDir: layers, config, outDir: join(root, `s${i}`), count: N, seed: "mv", workers: 1, shard: { index: i, of: 3 } });
    }
    await generateCollection({ layersDir: layers, config, outDir: join(root, "earlier"), count: N, seed: "mv-earlier", workers: 1 });
    single = await snapshotDir(join(root, "single"));
    for (const k of Object.keys(single)) if (k.startsWith(".traitloom/")) delete single[k];
  });
  afterAll(async () => removeDir(root));

  /** A fresh copy of the three shards in their own folder, to damage; and an output path beside them. */
  async function freshCase(): Promise<{ dir: string; shards: string[]; out: string }> {
    const dir = join(root, `case-${++caseNo}`);
    const shards = [1, 2, 3].map((i) => join(dir, `s${i}`));
    await Promise.all([1, 2, 3].map((i) => cp(join(root, `s${i}`), join(dir, `s${i}`), { recursive: true })));
    return { dir, shards, out: join(dir, "merged") };
  }

  /** The one-line message of the refused merge. */
  async function refused(shards: string[], out: string, options: { overwrite?: boolean } = {}): Promise<string> {
    const e: unknown = await mergeShards(shards, out, options).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(e instanceof Error)) throw new Error("expected the merge to be refused");
    expect(e.name).toBe("TraitloomError");
    expect(e.message).not.toContain("\n");
    return e.message;
  }

  /** Nothing at `out`, and no temp folder left beside it. */
  async function expectAbsent(dir: string, out: string): Promise<void> {
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).filter((n) => n.includes(".merge-"))).toEqual([]);
  }

  it("merges into an absent folder, byte for byte a single run, leaving no temp folder", async () => {
    const { dir, shards, out } = await freshCase();
    const result = await mergeShards(shards, out);
    expect(await snapshotDir(out)).toEqual(single);
    expect(result.provenance).toBe((await readJson<{ provenance: string }>(join(root, "single", "manifest.json"))).provenance);
    expect((await readdir(dir)).sort()).toEqual(["merged", "s1", "s2", "s3"]);
  });

  it("a tampered shard manifest (a bad field) is refused naming the file and field; nothing is written", async () => {
    const { dir, shards, out } = await freshCase();
    const path = join(dir, "s2", "manifest.json");
    const m = await readJson<Manifest>(path);
    const t = m.tokens[3];
    if (!t) throw new Error("fixture: shard 2 has fewer than 4 tokens");
    t.image = "zz";
    await writeJson(path, m);
    expect(await refused(shards, out)).toBe(`${path}: tokens[3].image: expected 64 hex digits, received "zz"`);
    await expectAbsent(dir, out);

    await writeFile(path, "{ not json");
    expect(await refused(shards, out)).toMatch(new RegExp(`^${escape(path)}: expected the JSON of a manifest, received a syntax error`));
    await expectAbsent(dir, out);
  });

  it("a token list edited by hand no longer matches the manifest's provenance", async () => {
    const { dir, shards, out } = await freshCase();
    const path = join(dir, "s1", "manifest.json");
    const m = await readJson<Manifest>(path);
    const [a, b] = m.tokens;
    if (!a || !b) throw new Error("fixture: shard 1 has fewer than 2 tokens");
    [a.image, b.image] = [b.image, a.image];
    await writeJson(path, m);
    expect(await refused(shards, out)).toMatch(new RegExp(`^${escape(path)}: provenance: expected [0-9a-f]{16}… \\(the sha256 of its tokens' image hashes\\), received [0-9a-f]{16}…$`));
    await expectAbsent(dir, out);
  });

  it("a missing image file is refused naming it; the earlier collection in the output stays as it was", async () => {
    const { dir, shards, out } = await freshCase();
    await cp(join(root, "earlier"), out, { recursive: true });
    const before = await snapshotDir(out, { includeJournal: true });
    const image = join(dir, "s2", "images", "15.png");
    await rm(image);
    expect(await refused(shards, out, { overwrite: true })).toMatch(
      new RegExp(`^${escape(image)}: expected sha256 [0-9a-f]{16}… from ${escape(join(dir, "s2", "manifest.json"))}, found no file$`),
    );
    expect(await snapshotDir(out, { includeJournal: true })).toEqual(before);
    expect((await readdir(dir)).filter((n) => n.includes(".merge-"))).toEqual([]);
  });

  it("a wrong image (another token's) is refused with both hashes; the output stays absent", async () => {
    const { dir, shards, out } = await freshCase();
    const image = join(dir, "s3", "images", "25.png");
    const m = await readJson<Manifest>(join(dir, "s3", "manifest.json"));
    const want = m.tokens.find((t) => t.id === 25)?.image ?? "";
    const other = m.tokens.find((t) => t.id !== 25 && t.image !== want);
    if (!other) throw new Error("fixture: shard 3 has no token with another image");
    await writeFile(image, await readFile(join(dir, "s3", "images", `${other.id}.png`)));
    expect(await refused(shards, out)).toBe(`${image}: expected sha256 ${want.slice(0, 16)}… from ${join(dir, "s3", "manifest.json")}, found ${other.image.slice(0, 16)}…`);
    await expectAbsent(dir, out);
  });

  it("a missing shard is refused naming the shard not given; an empty output folder stays empty", async () => {
    const { dir, shards, out } = await freshCase();
    await mkdir(out);
    const [s1, , s3] = shards;
    if (!s1 || !s3) throw new Error("unreachable");
    expect(await refused([s1, s3], out)).toBe(
      "merge: expected tokens 1..30 from all shards, found none for id 11, 12, 13, 14, 15, …; is a shard missing or unfinished? (not given: shard 2/3)",
    );
    expect(await readdir(out)).toEqual([]);
    expect((await readdir(dir)).filter((n) => n.includes(".merge-"))).toEqual([]);
  });

  it("a missing or foreign metadata file is refused naming it", async () => {
    const { dir, shards, out } = await freshCase();
    const meta = join(dir, "s1", "metadata", "4.json");
    await rm(meta);
    expect(await refused(shards, out)).toBe(`${meta}: expected token 4's metadata, found no file`);
    await expectAbsent(dir, out);

    await writeFile(meta, await readFile(join(dir, "s1", "metadata", "5.json")));
    const m = await readJson<Manifest>(join(dir, "s1", "manifest.json"));
    const want = m.tokens.find((t) => t.id === 4)?.metadata ?? "";
    const other = createHash("sha256").update(await readFile(meta)).digest("hex");
    expect(await refused(shards, out)).toBe(
      `${meta}: expected sha256 ${want.slice(0, 16)}… from ${join(dir, "s1", "manifest.json")}, found ${other.slice(0, 16)}… (the file was changed after the run)`,
    );
    await expectAbsent(dir, out);

    // One changed byte (the description) is caught too: the whole file is hashed, not only its id and dna.
    const original = await readFile(join(dir, "s1", "metadata", "5.json"), "utf8");
    await writeFile(join(dir, "s1", "metadata", "5.json"), original.replace('"description": "', '"description": "!'));
    await writeFile(meta, (await readFile(join(dir, "s1", "metadata", "5.json"), "utf8")).replaceAll('"edition": 5', '"edition": 4'));
    expect(await refused(shards, out)).toMatch(/expected sha256 [0-9a-f]{16}… from .*manifest\.json, found [0-9a-f]{16}… \(the file was changed after the run\)$/);
    await expectAbsent(dir, out);
  });

  it("shard fields that do not add up are refused, though every token is there", async () => {
    const { dir, shards, out } = await freshCase();
    const path = join(dir, "s2", "manifest.json");
    const m = await readJson<Manifest & { shard: NonNullable<Manifest["shard"]> }>(path);
    m.shard.index = 3;
    await writeJson(path, m);
    const m3 = await readJson<Manifest & { shard: NonNullable<Manifest["shard"]> }>(join(dir, "s3", "manifest.json"));
    m3.shard.index = 2;
    await writeJson(join(dir, "s3", "manifest.json"), m3);
    expect(await refused(shards, out)).toBe(`${join(dir, "s3", "manifest.json")}: shard: expected shard 2/3 from id 11, received shard 2/3 from id 21`);
    await expectAbsent(dir, out);
  });

  it("--overwrite replaces an earlier collection whole, but never a folder holding other files", async () => {
    const { dir, shards, out } = await freshCase();
    await mkdir(join(out, "images"), { recursive: true });
    await writeFile(join(out, "images", "999.png"), "left by an older, interrupted merge");
    expect(await refused(shards, out)).toBe(`${out}: expected an empty folder, found part of a collection (no manifest.json); choose another -o folder or pass --overwrite`);
    await mergeShards(shards, out, { overwrite: true });
    expect(await snapshotDir(out)).toEqual(single);

    const mine = join(dir, "mine");
    await mkdir(mine);
    await writeFile(join(mine, "notes.md"), "mine");
    expect(await refused(shards, mine, { overwrite: true })).toBe(`${mine}: expected an empty folder or a collection, found other files (notes.md); choose another -o folder`);
    expect(await readdir(mine)).toEqual(["notes.md"]);
  });

  it("removes the temp folder a killed merge left beside the output, not one of a live merge", async () => {
    const { dir, shards, out } = await freshCase();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    if (dead === undefined) throw new Error("could not start a child process");
    const stale = join(dir, `.merged.merge-${dead}.tmp`);
    const live = join(dir, `.merged.merge-${process.ppid}.tmp`);
    await mkdir(join(stale, "images"), { recursive: true });
    await mkdir(live);
    await mergeShards(shards, out);
    expect((await readdir(dir)).filter((n) => n.includes(".merge-"))).toEqual([`.merged.merge-${process.ppid}.tmp`]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * merge and resume with every kind of damage: shards missing, given twice, of another collection; manifests cut
 * short or with a field tampered; images and metadata missing, damaged or swapped; journals with bad lines. merge
 * refuses naming the file and leaves its output as it was; a resumed generate repairs the collection.
 */
import { cp, mkdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readJson, sha256Hex, writeJson } from "../helpers/fixtures.js";
import { cli, expectCollection, expectRefused, finishedCollection, generate, snapshot, suiteRoot, writeBase } from "./harness.js";

const root = suiteRoot("merge");
/** The base layers' whole capacity, in 3 shards of 2. */
const N = 6;

let layers = "";
/** The single run's files, without .traitloom/: what every merge and every repaired resume must give. */
let single: Record<string, string> = {};

/** Every file of a collection folder but its run state, as sha256. */
async function collectionFiles(out: string): Promise<Record<string, string>> {
  const all = (await snapshot(out)) ?? {};
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(".traitloom")));
}

beforeAll(async () => {
  const dir = await root.next("reference");
  layers = await writeBase(dir);
  await finishedCollection(layers, join(dir, "single"), [], N);
  for (const i of [1, 2, 3]) await finishedCollection(layers, join(dir, `s${i}`), ["--shard", `${i}/3`], N);
  await finishedCollection(layers, join(dir, "other"), ["--seed", "other", "--shard", "2/3"], N);
  single = await collectionFiles(join(dir, "single"));
});

/** A fresh copy of the three shards (and of another collection's shard 2) to damage, and an output path. */
async function shards(label: string): Promise<{ dir: string; s: [string, string, string]; other: string; out: string }> {
  const dir = await root.next(label);
  const ref = join(root.dir(), "001-reference");
  for (const name of ["s1", "s2", "s3", "other"]) await cp(join(ref, name), join(dir, name), { recursive: true });
  return { dir, s: [join(dir, "s1"), join(dir, "s2"), join(dir, "s3")], other: join(dir, "other"), out: join(dir, "merged") };
}

interface Manifest {
  seed: string;
  count: number;
  tool: string;
  version: string;
  width: unknown;
  provenance: string;
  shard?: { index: number; of: number; firstId: number; lastId: number };
  tokens: Array<{ id: number; image: string; dna: string; dnaHash: string }>;
  [k: string]: unknown;
}

/** Edits shard 2's manifest.json; `fixProvenance` recomputes the provenance so only the edit itself is wrong. */
async function tamper(shard: string, edit: (m: Manifest) => void, fixProvenance = false): Promise<string> {
  const path = join(shard, "manifest.json");
  const m = await readJson<Manifest>(path);
  edit(m);
  if (fixProvenance) m.provenance = sha256Hex(m.tokens.map((t) => t.image).join(""));
  await writeJson(path, m);
  return path;
}

const merge = (dirs: string[], out: string, extra: string[] = []) => cli(["merge", ...dirs, "-o", out, ...extra]);

describe("merge: shards that make the collection", () => {
  it("the three shards: the single run's bytes", async () => {
    const c = await shards("merge-ok");
    await expectCollection(await merge(c.s, c.out), c.out, N);
    expect(await collectionFiles(c.out)).toEqual(single);
  });

  it("the shards given out of order (3 1 2)", async () => {
    const c = await shards("merge-order");
    await expectCollection(await merge([c.s[2], c.s[0], c.s[1]], c.out), c.out, N);
  });

  it("into an empty folder that exists", async () => {
    const c = await shards("merge-empty-dir");
    await mkdir(c.out);
    await expectCollection(await merge(c.s, c.out), c.out, N);
  });

  it("into a folder holding another collection, with --overwrite", async () => {
    const c = await shards("merge-overwrite");
    await finishedCollection(layers, c.out, ["--seed", "earlier"]);
    await expectCollection(await merge(c.s, c.out, ["--overwrite"]), c.out, N);
  });

  it("one whole (unsharded) collection", async () => {
    const c = await shards("merge-single");
    await expectCollection(await merge([join(root.dir(), "001-reference", "single")], c.out), c.out, N);
  });

  it("-n 2 in 3 shards (one shard holds no token)", async () => {
    const dir = await root.next("empty-shard");
    const runs = await Promise.all([1, 2, 3].map(async (i) => ({ i, run: await generate(layers, join(dir, `s${i}`), ["--shard", `${i}/3`], 2) })));
    for (const { i, run } of runs) expect(run.code, `shard ${i}/3 of 2 tokens: ${run.err.join(" | ")}`).toBe(0);
    const out = join(dir, "merged");
    await expectCollection(await merge([1, 2, 3].map((i) => join(dir, `s${i}`)), out), out, 2);
  });
});

describe("merge: damaged shards, refused naming the file", () => {
  type Damage = (c: Awaited<ReturnType<typeof shards>>) => Promise<{ dirs?: string[]; names: string | RegExp | Array<string | RegExp> }>;
  const damages: Array<[string, Damage]> = [
    ["a shard missing (2 of 3 given)", async (c) => ({ dirs: [c.s[0], c.s[2]], names: /2\/3/ })],
    ["a shard given twice", async (c) => ({ dirs: [c.s[0], c.s[0], c.s[1], c.s[2]], names: c.s[0] })],
    ["a shard of another collection", async (c) => ({ dirs: [c.s[0], c.other, c.s[2]], names: join(c.other, "manifest.json") })],
    ["an image missing", async (c) => (await rm(join(c.s[1], "images", "3.png")), { names: join(c.s[1], "images", "3.png") })],
    ["an image with a flipped byte", async (c) => {
      const p = join(c.s[1], "images", "3.png");
      const b = await readFile(p);
      b[b.length - 20] = (b[b.length - 20] ?? 0) ^ 1;
      await writeFile(p, b);
      return { names: p };
    }],
    ["an image cut in half", async (c) => {
      const p = join(c.s[1], "images", "4.png");
      await truncate(p, Math.floor((await readFile(p)).length / 2));
      return { names: p };
    }],
    ["an image swapped with another token's", async (c) => {
      await cp(join(c.s[1], "images", "4.png"), join(c.s[1], "images", "3.png"));
      return { names: join(c.s[1], "images", "3.png") };
    }],
    ["a metadata file cut short", async (c) => {
      const p = join(c.s[1], "metadata", "3.json");
      await truncate(p, 10);
      return { names: p };
    }],
    ["a metadata file missing", async (c) => (await rm(join(c.s[1], "metadata", "4.json")), { names: join(c.s[1], "metadata", "4.json") })],
    ["a metadata file of another token", async (c) => {
      await cp(join(c.s[1], "metadata", "4.json"), join(c.s[1], "metadata", "3.json"));
      return { names: join(c.s[1], "metadata", "3.json") };
    }],
    ["manifest.json missing", async (c) => (await rm(join(c.s[1], "manifest.json")), { names: join(c.s[1], "manifest.json") })],
    ["manifest.json cut short", async (c) => {
      const p = join(c.s[1], "manifest.json");
      await truncate(p, 100);
      return { names: p };
    }],
    ["manifest.json empty", async (c) => (await writeFile(join(c.s[1], "manifest.json"), ""), { names: join(c.s[1], "manifest.json") })],
    ["manifest tokens[0].image changed", async (c) => ({ names: [await tamper(c.s[1], (m) => void ((m.tokens[0] as { image: string }).image = "0".repeat(64))), "provenance"] })],
    ["manifest tokens[0].image changed, provenance recomputed", async (c) => {
      await tamper(c.s[1], (m) => void ((m.tokens[0] as { image: string }).image = "0".repeat(64)), true);
      return { names: join(c.s[1], "images", "3.png") };
    }],
    ["manifest provenance changed", async (c) => ({ names: [await tamper(c.s[1], (m) => void (m.provenance = "f".repeat(64))), "provenance"] })],
    ["manifest seed changed", async (c) => ({ names: await tamper(c.s[1], (m) => void (m.seed = "edited")) })],
    ["manifest count changed", async (c) => ({ names: await tamper(c.s[1], (m) => void (m.count = 7)) })],
    ["manifest shard.index changed (2 -> 1)", async (c) => ({ names: await tamper(c.s[1], (m) => void ((m.shard as { index: number }).index = 1)) })],
    ["manifest shard field removed", async (c) => ({ names: await tamper(c.s[1], (m) => void delete m.shard) })],
    ["manifest tool changed", async (c) => ({ names: [await tamper(c.s[1], (m) => void (m.tool = "hashlips")), "tool"] })],
    ["manifest version changed", async (c) => ({ names: [await tamper(c.s[1], (m) => void (m.version = "9.9.9")), "version"] })],
    ["manifest width a string", async (c) => ({ names: [await tamper(c.s[1], (m) => void (m.width = "8")), "width"] })],
    ["manifest tokens[1].id the same as tokens[0].id", async (c) => ({ names: await tamper(c.s[1], (m) => void ((m.tokens[1] as { id: number }).id = 3), true) })],
    ["manifest with an unknown field", async (c) => ({ names: [await tamper(c.s[1], (m) => void (m.signature = "x")), "signature"] })],
    ["manifest tokens[0].dna malformed", async (c) => ({ names: [await tamper(c.s[1], (m) => void ((m.tokens[0] as { dna: string }).dna = "a-b")), "tokens[0].dna"] })],
    ["manifest tokens emptied", async (c) => ({ names: await tamper(c.s[1], (m) => void (m.tokens = []), true) })],
    ["_metadata.json different in one shard", async (c) => (await writeFile(join(c.s[2], "_metadata.json"), "[]\n"), { names: join(c.s[2], "_metadata.json") })],
    ["rarity.csv missing in one shard", async (c) => (await rm(join(c.s[1], "rarity.csv")), { names: join(c.s[1], "rarity.csv") })],
  ];
  for (const [what, damage] of damages) {
    it(what, async () => {
      const c = await shards(what);
      const { dirs = c.s, names } = await damage(c);
      await expectRefused(await merge(dirs, c.out), { names, out: c.out, before: undefined });
    });
  }
});

describe("merge: output folders it must not touch", () => {
  it("a folder holding another collection, without --overwrite", async () => {
    const c = await shards("merge-into-collection");
    await finishedCollection(layers, c.out, ["--seed", "earlier"]);
    const before = await snapshot(c.out);
    await expectRefused(await merge(c.s, c.out), { names: c.out, out: c.out, before });
  });

  it("a file in place of -o", async () => {
    const c = await shards("merge-into-file");
    await writeFile(c.out, "mine\n");
    await expectRefused(await merge(c.s, c.out), { names: c.out });
    expect(await readFile(c.out, "utf8")).toBe("mine\n");
  });

  it("a folder with the user's own files, even with --overwrite", async () => {
    const c = await shards("merge-into-user-files");
    await finishedCollection(layers, c.out, ["--seed", "earlier"]);
    await writeFile(join(c.out, "notes.txt"), "mine\n");
    const before = await snapshot(c.out);
    await expectRefused(await merge(c.s, c.out, ["--overwrite"]), { names: c.out, out: c.out, before });
  });

  it("a damaged shard while -o holds another collection, with --overwrite: the earlier collection stays", async () => {
    const c = await shards("merge-damaged-overwrite");
    await finishedCollection(layers, c.out, ["--seed", "earlier"]);
    await rm(join(c.s[2], "images", "6.png"));
    const before = await snapshot(c.out);
    await expectRefused(await merge(c.s, c.out, ["--overwrite"]), { names: join(c.s[2], "images", "6.png"), out: c.out, before });
  });
});

describe("resume: generate again on a damaged collection repairs it", () => {
  const damages: Array<[string, (out: string) => Promise<void>]> = [
    ["an image missing", (out) => rm(join(out, "images", "2.png"))],
    ["an image with a flipped byte", async (out) => {
      const b = await readFile(join(out, "images", "2.png"));
      b[b.length - 20] = (b[b.length - 20] ?? 0) ^ 1;
      await writeFile(join(out, "images", "2.png"), b);
    }],
    ["an image cut to 0 bytes", (out) => truncate(join(out, "images", "3.png"), 0)],
    ["a metadata file missing", (out) => rm(join(out, "metadata", "4.json"))],
    ["a metadata file cut short", (out) => truncate(join(out, "metadata", "4.json"), 7)],
    ["journal lines damaged (garbage, a line cut short, a bad hash)", async (out) => {
      const p = join(out, ".traitloom", "done.log");
      const lines = (await readFile(p, "utf8")).trim().split("\n");
      await writeFile(p, ["garbage", (lines[0] ?? "").slice(0, 20), `2 ${"0".repeat(64)}`, "99 zz", ...lines.slice(1)].join("\n"));
    }],
    ["the journal claiming a wrong hash for every token", async (out) => {
      const p = join(out, ".traitloom", "done.log");
      await writeFile(p, Array.from({ length: N }, (_, i) => `${i + 1} ${"a".repeat(64)}\n`).join(""));
    }],
    ["the journal removed", (out) => rm(join(out, ".traitloom", "done.log"))],
    ["the journal with binary junk", (out) => writeFile(join(out, ".traitloom", "done.log"), Buffer.from([0, 255, 10, 13, 0, 1]))],
    ["manifest.json removed", (out) => rm(join(out, "manifest.json"))],
    ["manifest.json cut short", (out) => truncate(join(out, "manifest.json"), 50)],
    ["_metadata.json cut short", (out) => truncate(join(out, "_metadata.json"), 30)],
    ["rarity.csv removed", (out) => rm(join(out, "rarity.csv"))],
    ["state.json removed (the journal kept)", (out) => rm(join(out, ".traitloom", "state.json"))],
    ["the whole .traitloom/ removed and an image damaged", async (out) => {
      await rm(join(out, ".traitloom"), { recursive: true });
      await writeFile(join(out, "images", "5.png"), "damaged");
    }],
  ];
  for (const [what, damage] of damages) {
    it(what, async () => {
      const dir = await root.next(`resume ${what}`);
      const out = join(dir, "out");
      await cp(join(root.dir(), "001-reference", "single"), out, { recursive: true });
      await damage(out);
      await expectCollection(await generate(layers, out, [], N), out, N);
      expect(await collectionFiles(out)).toEqual(single);
    });
  }

  it("a shard output resumed with an image missing", async () => {
    const dir = await root.next("resume-shard");
    const out = join(dir, "s2");
    await cp(join(root.dir(), "001-reference", "s2"), out, { recursive: true });
    const before = await collectionFiles(out);
    await rm(join(out, "images", "3.png"));
    await expectCollection(await generate(layers, out, ["--shard", "2/3"], N), out, N);
    expect(await collectionFiles(out)).toEqual(before);
  });
});

/**
 * A whole collection from a layers folder: the documented output layout, metadata, manifest and rarity files,
 * byte-identical output for a seed at any worker count, and the exact capacity of a HashLips-style layer set.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCollection } from "../src/node/generate.js";
import { DEMO_LAYERS, runMain, stackLines } from "./helpers/cli.js";
import {
  HASHLIPS_ORDER,
  listFiles,
  readJson,
  removeDir,
  sha256Hex,
  snapshotDir,
  tempDir,
  writeBasicLayers,
  writeHashlipsLikeLayers,
  writeJson,
} from "./helpers/fixtures.js";

let root: string;
let basic: string;
beforeAll(async () => {
  root = await tempDir("traitloom-generate-");
  basic = await writeBasicLayers(join(root, "basic"));
});
afterAll(async () => {
  await removeDir(root);
});

interface Metadata {
  name: string;
  description: string;
  image: string;
  edition: number;
  dna: string;
  attributes: Array<{ trait_type: string; value: string }>;
}

interface Manifest {
  seed: string;
  count: number;
  startId: number;
  tokens: Array<{ id: number; dna: string; dnaHash: string; image: string; traits: Record<string, string> }>;
  provenance: string;
}

const BASIC_LAYERS = ["Background", "Body", "Hat"];

/** rarity.csv as rows of named cells (no quoted cells in these fixtures). */
async function readRarityCsv(path: string): Promise<Array<Record<string, string>>> {
  const [head, ...rows] = (await readFile(path, "utf8")).trimEnd().split("\n");
  const keys = (head ?? "").split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [keys[i] ?? "", v])));
}

describe("output layout and metadata", () => {
  const N = 12;
  let out: string;
  beforeAll(async () => {
    out = join(root, "basic-out");
    await generateCollection({ layersDir: basic, outDir: out, count: N, seed: "layout", workers: 2 });
  });

  it("writes images/<id>.png and metadata/<id>.json for ids 1..N and the collection files", async () => {
    const ids = Array.from({ length: N }, (_, i) => i + 1);
    expect((await readdir(join(out, "images"))).sort()).toEqual(ids.map((id) => `${id}.png`).sort());
    expect((await readdir(join(out, "metadata"))).sort()).toEqual(ids.map((id) => `${id}.json`).sort());
    for (const f of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"]) expect((await stat(join(out, f))).isFile()).toBe(true);
    // Nothing else at the top: no stray temp files beside the documented layout.
    expect((await readdir(out)).filter((f) => f !== ".traitloom").sort()).toEqual(
      ["_metadata.json", "images", "manifest.json", "metadata", "rarity.csv", "rarity.json"].sort(),
    );
    for (const f of await listFiles(out)) expect(f).not.toMatch(/\.tmp$/);
  });

  it("writes name, image, edition and attributes in layer order, leaving None out, without folder prefixes", async () => {
    const manifest = await readJson<Manifest>(join(out, "manifest.json"));
    let withoutHat = 0;
    for (let id = 1; id <= N; id++) {
      const meta = await readJson<Metadata>(join(out, "metadata", `${id}.json`));
      expect(meta.name).toBe(`Traitloom #${id}`);
      expect(meta.edition).toBe(id);
      expect(meta.image).toBe(`ipfs://REPLACE_WITH_CID/${id}.png`);
      const token = manifest.tokens.find((t) => t.id === id);
      expect(token).toBeDefined();
      const types = meta.attributes.map((a) => a.trait_type);
      // Layer order, and the prefix "01-" is not part of the trait_type.
      expect(types).toEqual(BASIC_LAYERS.filter((l) => types.includes(l)));
      expect(types.slice(0, 2)).toEqual(["Background", "Body"]);
      if (token?.traits.Hat === "None") {
        withoutHat++;
        expect(types).not.toContain("Hat");
      } else expect(meta.attributes[2]).toEqual({ trait_type: "Hat", value: token?.traits.Hat });
      expect(meta.attributes.map((a) => a.value)).not.toContain("None");
    }
    // None#2 of weight 4 in all: exactly half the tokens have no hat.
    expect(withoutHat).toBe(N / 2);
  });

  it("_metadata.json holds every token's metadata, equal to the per-token files, in id order", async () => {
    const all = await readJson<Metadata[]>(join(out, "_metadata.json"));
    expect(all).toHaveLength(N);
    for (let id = 1; id <= N; id++) expect(all[id - 1]).toEqual(await readJson(join(out, "metadata", `${id}.json`)));
  });

  it("manifest.json: each image sha256 matches its file; provenance is sha256 over them in id order", async () => {
    const manifest = await readJson<Manifest>(join(out, "manifest.json"));
    expect(manifest.seed).toBe("layout");
    expect(manifest.tokens.map((t) => t.id)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    for (const t of manifest.tokens) expect(t.image).toBe(sha256Hex(await readFile(join(out, "images", `${t.id}.png`))));
    expect(manifest.provenance).toBe(sha256Hex(manifest.tokens.map((t) => t.image).join("")));
    // Unique: no two tokens share a trait combination.
    expect(new Set(manifest.tokens.map((t) => t.dna)).size).toBe(N);
    expect(new Set(manifest.tokens.map((t) => t.dnaHash)).size).toBe(N);
  });

  it("rarity.csv has a row per trait whose actual counts are the tokens' and sum to N per layer", async () => {
    const rows = await readRarityCsv(join(out, "rarity.csv"));
    expect(rows.map((r) => `${r.layer}/${r.trait}`)).toEqual([
      "Background/Blue",
      "Background/Green",
      "Background/Red",
      "Body/Disc",
      "Body/Square",
      "Hat/Cap",
      "Hat/Crown",
      "Hat/None",
    ]);
    const manifest = await readJson<Manifest>(join(out, "manifest.json"));
    for (const layer of BASIC_LAYERS) {
      const layerRows = rows.filter((r) => r.layer === layer);
      expect(layerRows.reduce((a, r) => a + Number(r.actual_count), 0)).toBe(N);
      for (const r of layerRows) expect(Number(r.actual_count)).toBe(manifest.tokens.filter((t) => t.traits[layer] === r.trait).length);
    }
    // Weights 3:2:1 over 12 tokens are met exactly.
    expect(rows.filter((r) => r.layer === "Background").map((r) => Number(r.actual_count))).toEqual([6, 4, 2]);
    const rarity = await readJson<{ method: string; tokens: Array<{ id: number; rank: number }> }>(join(out, "rarity.json"));
    expect(rarity.method).toBe("openrarity");
    // Ranked as SQL's RANK: sorted, each rank is its position (1-based) or, in a tie, the rank of the tie's first.
    const sorted = rarity.tokens.map((t) => t.rank).sort((a, b) => a - b);
    sorted.forEach((rank, k) => expect(rank === k + 1 || rank === sorted[k - 1]).toBe(true));
    expect(sorted[0]).toBe(1);
  });

  it("every image is a 32x32 PNG", async () => {
    for (let id = 1; id <= N; id++) {
      const meta = await sharp(join(out, "images", `${id}.png`)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 32, 32]);
    }
  });

  it('startId 0 numbers tokens 0..N-1 in files, names and editions', async () => {
    const config = join(root, "start0.json");
    await writeJson(config, { startId: 0, namePrefix: "Zero" });
    const out0 = join(root, "start0-out");
    const run = await runMain(["generate", basic, "-c", config, "-n", "5", "-o", out0, "--seed", "zero", "--workers", "1", "-q"]);
    expect(run.code).toBe(0);
    expect((await readdir(join(out0, "images"))).sort()).toEqual(["0.png", "1.png", "2.png", "3.png", "4.png"]);
    const all = await readJson<Metadata[]>(join(out0, "_metadata.json"));
    expect(all.map((m) => [m.edition, m.name, m.image])).toEqual(
      [0, 1, 2, 3, 4].map((id) => [id, `Zero #${id}`, `ipfs://REPLACE_WITH_CID/${id}.png`]),
    );
    const manifest = await readJson<Manifest>(join(out0, "manifest.json"));
    expect(manifest.tokens.map((t) => t.id)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("config options in the output", () => {
  it("namePrefix, description, baseUri, externalUrl, backgroundColor and extraAttributes reach every token's metadata", async () => {
    const config = join(root, "options.json");
    await writeJson(config, {
      namePrefix: "Loom",
      description: "Woven",
      baseUri: "https://example.com/art/",
      externalUrl: "https://example.com/token/{id}",
      backgroundColor: "112233",
      extraAttributes: [{ trait_type: "Generation", value: 1, display_type: "number" }],
    });
    const out = join(root, "options-out");
    const run = await runMain(["generate", basic, "-c", config, "-n", "3", "-o", out, "--seed", "opts", "--workers", "1", "-q"]);
    expect(run.code).toBe(0);
    const all = await readJson<Array<Metadata & Record<string, unknown>>>(join(out, "_metadata.json"));
    all.forEach((m, i) => {
      const id = i + 1;
      expect(m).toMatchObject({
        name: `Loom #${id}`,
        description: "Woven",
        image: `https://example.com/art/${id}.png`,
        external_url: `https://example.com/token/${id}`,
        background_color: "112233",
      });
      expect(m.attributes.at(-1)).toEqual({ trait_type: "Generation", value: 1, display_type: "number" });
    });
  });

  it.each([
    ["webp", "webp"],
    ["jpeg", "jpg"],
  ] as const)('image.format "%s" writes images/<id>.%s that decode at the canvas size', async (format, ext) => {
    const config = join(root, `${format}.json`);
    await writeJson(config, { image: { format } });
    const out = join(root, `${format}-out`);
    const run = await runMain(["generate", basic, "-c", config, "-n", "3", "-o", out, "--seed", "fmt", "--workers", "1", "-q"]);
    expect(run.code).toBe(0);
    expect((await readdir(join(out, "images"))).sort()).toEqual([1, 2, 3].map((id) => `${id}.${ext}`));
    const manifest = await readJson<Manifest>(join(out, "manifest.json"));
    for (const t of manifest.tokens) {
      const file = join(out, "images", `${t.id}.${ext}`);
      const meta = await sharp(file).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 32, 32]);
      expect(t.image).toBe(sha256Hex(await readFile(file)));
    }
    expect((await readJson<Metadata[]>(join(out, "_metadata.json")))[0]?.image).toBe(`ipfs://REPLACE_WITH_CID/1.${ext}`);
    // Same seed again: resumed whole, nothing rendered.
    const again = await runMain(["generate", basic, "-c", config, "-n", "3", "-o", out, "--seed", "fmt", "--workers", "1", "-q"]);
    expect(again.out.join("\n")).toContain("(0 rendered, 3 kept)");
  });
});

describe("determinism", () => {
  it("the same seed gives byte-identical folders with 1 and 2 workers; another seed differs", async () => {
    const runs: Record<string, Record<string, string>> = {};
    for (const [name, seed, workers] of [
      ["w1", "same", 1],
      ["w2", "same", 2],
      ["other", "different", 2],
    ] as const) {
      const out = join(root, `det-${name}`);
      await generateCollection({ layersDir: basic, outDir: out, count: 15, seed, workers });
      runs[name] = await snapshotDir(out);
    }
    const w1 = runs.w1 ?? {};
    for (const f of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv", "images/1.png", "metadata/15.json"]) expect(Object.keys(w1)).toContain(f);
    expect(runs.w2).toEqual(w1);
    const other = runs.other ?? {};
    expect(Object.keys(other).sort()).toEqual(Object.keys(w1).sort());
    expect(other["manifest.json"]).not.toBe(w1["manifest.json"]);
    expect(Object.keys(w1).filter((f) => f.startsWith("images/") && other[f] !== w1[f]).length).toBeGreaterThan(0);
  });

  it("on the demo layers (512x512), 1 and 2 workers give the same bytes", async () => {
    const a = join(root, "demo-w1");
    const b = join(root, "demo-w2");
    const ra = await generateCollection({ layersDir: DEMO_LAYERS, outDir: a, count: 12, seed: "demo-det", workers: 1 });
    const rb = await generateCollection({ layersDir: DEMO_LAYERS, outDir: b, count: 12, seed: "demo-det", workers: 2 });
    expect(rb.provenance).toBe(ra.provenance);
    expect(await snapshotDir(b)).toEqual(await snapshotDir(a));
  });
});

describe("HashLips-style capacity (1,2,6,3,1,3,3 traits)", () => {
  let layers: string;
  let config: string;
  beforeAll(async () => {
    layers = await writeHashlipsLikeLayers(join(root, "hashlips"));
    config = join(root, "hashlips.json");
    await writeJson(config, { layers: [...HASHLIPS_ORDER] });
  });

  it("generates exactly 324 unique tokens", async () => {
    const out = join(root, "hashlips-324");
    const run = await runMain(["generate", layers, "-c", config, "-n", "324", "-o", out, "--seed", "hl", "-q"]);
    expect(run.code).toBe(0);
    expect(await readdir(join(out, "images"))).toHaveLength(324);
    const manifest = await readJson<Manifest>(join(out, "manifest.json"));
    expect(new Set(manifest.tokens.map((t) => t.dna)).size).toBe(324);
    expect(Object.keys(manifest.tokens[0]?.traits ?? {})).toEqual([...HASHLIPS_ORDER]);
  });

  it("325 fails before rendering, naming 324", async () => {
    const out = join(root, "hashlips-325");
    const run = await runMain(["generate", layers, "-c", config, "-n", "325", "-o", out, "--seed", "hl", "-q"]);
    expect(run.code).toBe(1);
    const lines = run.err.filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: -n: expected at most 324 tokens .*found 325\b/);
    expect(stackLines(run.err)).toEqual([]);
    await expect(stat(out)).rejects.toThrow();
  });
});

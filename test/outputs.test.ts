/**
 * `outputs` through the whole pipeline: generate writes every chosen target's files (images copied or linked as
 * each needs them), each passes its own validator, the Solana folder is numbered from 0 whatever the ids, and the
 * collection without `outputs` is what it always was.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { isTraitloomError } from "../src/core/errors.js";
import { erc1155Id, validateFolder, type ValidateTarget } from "../src/core/targets/index.js";
import { nodeFolderView } from "../src/cli/validate.js";
import { generateCollection } from "../src/node/generate.js";
import { runMain } from "./helpers/cli.js";
import { colorOf, removeDir, sha256Hex, tempDir, writeBasicLayers, writeLayers, type LayerFiles } from "./helpers/fixtures.js";

const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const POLICY = "a".repeat(56);
export const ALL_OUTPUTS: NonNullable<TraitloomConfig["outputs"]> = {
  erc721: {},
  erc1155: { metadataUri: "ipfs://bafymeta" },
  solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: CREATOR, share: 100 }], collection: { name: "Loom", image: "collection.png", family: "Loom" } },
  cardano: { policyId: POLICY },
  tezos: { symbol: "LOOM" },
};

let root: string;
let layers: string;
beforeAll(async () => {
  root = await tempDir("traitloom-outputs-");
  layers = await writeBasicLayers(join(root, "layers"));
  await writeFile(join(root, "collection.png"), await readFile(join(layers, "01-Background", "Blue#3.png")));
});
afterAll(async () => {
  await removeDir(root);
});

async function writeConfig(name: string, config: TraitloomConfig): Promise<string> {
  const path = join(root, name);
  await writeFile(path, JSON.stringify({ layersDir: "layers", namePrefix: "Loom", baseUri: "ipfs://bafyimages", ...config }));
  return path;
}

describe("generate with every target", () => {
  let out: string;
  let notes: string[];
  beforeAll(async () => {
    out = join(root, "all");
    const configPath = await writeConfig("all.json", { outputs: ALL_OUTPUTS, startId: 5 });
    notes = (await generateCollection({ configPath, outDir: out, count: 12, seed: "outputs", workers: 1 })).notes;
  });

  for (const target of ["opensea", "erc1155", "solana", "cardano", "tezos"] as const satisfies readonly ValidateTarget[]) {
    it(`${target}: the folder passes its validator with 12 tokens`, async () => {
      const report = await validateFolder(nodeFolderView(out), target);
      expect(report.problems.map((p) => p.message)).toEqual([]);
      expect(report.tokens).toBe(12);
    });
  }

  it("Solana assets are 0..11 for ids 5..16, each image the same bytes as images/<id>.png, and the manifest maps them", async () => {
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { outputs: string[]; tokens: Array<{ id: number; solana: number; image: string }> };
    expect(manifest.outputs).toEqual(["erc721", "erc1155", "solana", "cardano", "tezos"]);
    expect(manifest.tokens.map((t) => [t.id, t.solana])).toEqual(Array.from({ length: 12 }, (_, i) => [i + 5, i]));
    for (const t of manifest.tokens) {
      expect(sha256Hex(await readFile(join(out, "solana/assets", `${t.solana}.png`)))).toBe(t.image);
      const meta = JSON.parse(await readFile(join(out, "solana/assets", `${t.solana}.json`), "utf8")) as { name: string; image: string };
      expect(meta).toMatchObject({ name: `Loom #${t.id}`, image: `${t.solana}.png` });
    }
    const names = await readdir(join(out, "solana/assets"));
    expect(names).toContain("collection.json");
    expect(await readFile(join(out, "solana/assets/collection.png"))).toEqual(await readFile(join(root, "collection.png")));
  });

  it("ERC-1155 files are named by 64 lower-case hex digits, images to match, and the {id} URI is given", async () => {
    const hex = erc1155Id(10);
    expect(hex).toBe(`${"0".repeat(63)}a`);
    const meta = JSON.parse(await readFile(join(out, "erc1155/metadata", `${hex}.json`), "utf8")) as { image: string };
    expect(meta.image).toBe(`ipfs://bafyimages/${hex}.png`);
    expect((await stat(join(out, "erc1155/images", `${hex}.png`))).size).toBe((await stat(join(out, "images/10.png"))).size);
    expect(notes).toEqual(["ERC-1155 uri for the contract: ipfs://bafymeta/{id}.json (upload erc1155/metadata/ there; clients put in the id as 64 lower-case hex digits)"]);
  });

  it("running it again keeps every token (a resume with every target's files verified)", async () => {
    const configPath = join(root, "all.json");
    const again = await generateCollection({ configPath, outDir: out, count: 12, seed: "outputs", workers: 1 });
    expect([again.rendered, again.resumed]).toEqual([0, 12]);
  });

  it("a deleted Solana asset is put back on resume, without rendering again", async () => {
    const { rm } = await import("node:fs/promises");
    await rm(join(out, "solana/assets/3.png"));
    await rm(join(out, "solana/assets/4.json"));
    const again = await generateCollection({ configPath: join(root, "all.json"), outDir: out, count: 12, seed: "outputs", workers: 1 });
    expect(again.rendered).toBe(0);
    const report = await validateFolder(nodeFolderView(out), "solana");
    expect(report.problems).toEqual([]);
  });
});

describe("refusals", () => {
  it("WebP with the Solana target is refused before anything is written, saying what to do", async () => {
    const configPath = await writeConfig("webp.json", { outputs: { solana: {} }, image: { format: "webp" } });
    const out = join(root, "webp");
    const e: unknown = await generateCollection({ configPath, outDir: out, count: 4, seed: "x", workers: 1 }).catch((err: unknown) => err);
    expect(isTraitloomError(e) && e.code).toBe("BAD_CONFIG");
    expect(String((e as Error).message)).toContain('outputs.solana: expected png or jpeg images (Sugar takes only jpg, jpeg, gif and png), found "format": "webp"; set image.format to "png"');
    await expect(stat(out)).rejects.toThrow();
  });

  it("a Solana name over 32 bytes names the token", async () => {
    const configPath = await writeConfig("long.json", { outputs: { solana: {} }, namePrefix: "A very long collection name indeed" });
    const e: unknown = await generateCollection({ configPath, outDir: join(root, "long"), count: 4, seed: "x", workers: 1 }).catch((err: unknown) => err);
    expect(String((e as Error).message)).toContain('token 1: name "A very long collection name indeed #1" is 37 bytes, expected at most 32');
  });

  it("a missing Solana collection image is one line naming the field", async () => {
    const configPath = await writeConfig("noimage.json", { outputs: { solana: { collection: { name: "Loom", image: "missing.png" } } } });
    const e: unknown = await generateCollection({ configPath, outDir: join(root, "noimage"), count: 4, seed: "x", workers: 1 }).catch((err: unknown) => err);
    expect(isTraitloomError(e) && e.message).toBe(`outputs.solana.collection.image: expected the collection image ${join(root, "missing.png")}, found nothing there`);
  });

  it("an unknown target is a config error with the nearest name", async () => {
    const configPath = await writeConfig("typo.json", { outputs: { solna: {} } } as unknown as TraitloomConfig);
    const run = await runMain(["generate", "-c", configPath, "-n", "2", "-o", join(root, "typo"), "--seed", "x", "-q"]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toBe(`error: ${configPath}: outputs.solna: expected a known key (did you mean "solana"?), found "solna"`);
  });
});

/** 4 layers of 6 traits (1,296 combinations) and a one-trait badge at 8x8: a thousand tokens render in a few seconds. */
function bigLayers(): LayerFiles {
  const layersOut: LayerFiles = {};
  for (let l = 0; l < 4; l++) {
    const files: LayerFiles[string] = {};
    for (let t = 0; t < 6; t++) files[`T${t}.png`] = { color: colorOf(l * 6 + t), width: 8, height: 8, shape: l === 0 ? "full" : "square", alpha: 200 };
    layersOut[`0${l + 1}-L${l}`] = files;
  }
  // Edition b's own layer, so no token of b shows the same attributes as one of a.
  layersOut["05-Badge"] = { "Star.png": { color: colorOf(30), width: 8, height: 8, shape: "disc", alpha: 255 } };
  return layersOut;
}

describe("a 1,000-token collection with startId 1 and shuffled editions", () => {
  it("its Solana folder is 0.json + 0.png … 999 without a gap, and passes Sugar's rules", async () => {
    const big = await writeLayers(join(root, "big-layers"), bigLayers());
    const out = join(root, "big");
    const layersOf = ["L0", "L1", "L2", "L3"];
    // HashLips' shuffleLayerConfigurations skips one id here (FIELD.md F10); editions with shuffle "ids" must not.
    const config: TraitloomConfig = { startId: 1, editions: [{ id: "a", count: 600, layers: layersOf }, { id: "b", count: 400, layers: [...layersOf, "Badge"], namePrefix: "B" }], shuffle: "ids", outputs: { solana: {} } };
    await generateCollection({ layersDir: big, config, outDir: out, seed: "big", workers: 2 });
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { tokens: Array<{ id: number; solana: number }> };
    expect(manifest.tokens.map((t) => t.solana)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(manifest.tokens.map((t) => t.id)).size).toBe(1000);
    // The editions are mixed: edition B's 400 tokens are spread over the assets, not the last 400.
    const bFirst = await Promise.all(Array.from({ length: 600 }, async (_, n) => (JSON.parse(await readFile(join(out, "solana/assets", `${n}.json`), "utf8")) as { name: string }).name.startsWith("B #")));
    expect(bFirst.filter(Boolean).length).toBeGreaterThan(0);
    const names = new Set(await readdir(join(out, "solana/assets")));
    expect(names.size).toBe(2000);
    for (let n = 0; n < 1000; n++) expect(names.has(`${n}.json`) && names.has(`${n}.png`), String(n)).toBe(true);
    const report = await validateFolder(nodeFolderView(out), "solana");
    expect(report.problems).toEqual([]);
    expect(report.tokens).toBe(1000);
  });
});

describe("without outputs", () => {
  it("only images/ and metadata/ are written, and the manifest has no outputs or solana fields", async () => {
    const out = join(root, "plain");
    await generateCollection({ layersDir: layers, outDir: out, count: 4, seed: "plain", workers: 1 });
    expect((await readdir(out)).sort()).toEqual([".traitloom", "_metadata.json", "images", "manifest.json", "metadata", "rarity.csv", "rarity.json"]);
    const text = await readFile(join(out, "manifest.json"), "utf8");
    expect(text).not.toContain('"outputs"');
    expect(text).not.toContain('"solana"');
  });
});

describe("rarity and provenance options", () => {
  it("rank, score and tier attributes land in every target's metadata; keccak-256 and the starting index in the manifest", async () => {
    const out = join(root, "rarity");
    await generateCollection({
      layersDir: layers,
      config: { rarity: { attributes: { rank: true, score: true, tier: true } }, provenance: { keccak256: true, startingIndex: 3 }, outputs: { erc721: {}, solana: {} } },
      outDir: out,
      count: 6,
      seed: "rarity",
      workers: 1,
    });
    const rarity = JSON.parse(await readFile(join(out, "rarity.json"), "utf8")) as { tokens: Array<{ id: number; rank: number; score: number }> };
    for (const t of rarity.tokens) {
      const meta = JSON.parse(await readFile(join(out, "metadata", `${t.id}.json`), "utf8")) as { attributes: Array<{ trait_type: string; value: unknown }> };
      expect(meta.attributes.find((a) => a.trait_type === "Rarity Rank")?.value).toBe(t.rank);
      expect(meta.attributes.find((a) => a.trait_type === "Rarity Score")?.value).toBe(t.score);
      const sol = JSON.parse(await readFile(join(out, "solana/assets", `${t.id - 1}.json`), "utf8")) as { attributes: Array<{ trait_type: string; value: unknown }> };
      expect(sol.attributes.find((a) => a.trait_type === "Rarity Rank")?.value).toBe(String(t.rank));
    }
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { tokens: Array<{ image: string }>; provenanceKeccak256: string; startingIndex: number; provenanceFromStartingIndex: string };
    const { keccak_256 } = await import("@noble/hashes/sha3.js");
    const { bytesToHex } = await import("@noble/hashes/utils.js");
    const keccaks: string[] = [];
    for (let id = 1; id <= 6; id++) keccaks.push(bytesToHex(keccak_256(await readFile(join(out, "images", `${id}.png`)))));
    expect(manifest.provenanceKeccak256).toBe(bytesToHex(keccak_256(new TextEncoder().encode(keccaks.join("")))));
    expect(manifest.startingIndex).toBe(3);
    const images = manifest.tokens.map((t) => t.image);
    expect(manifest.provenanceFromStartingIndex).toBe(sha256Hex([...images.slice(3), ...images.slice(0, 3)].join("")));
    // A resume reads the kept images back for the keccak: the same manifest.
    const before = await readFile(join(out, "manifest.json"), "utf8");
    await generateCollection({ layersDir: layers, config: { rarity: { attributes: { rank: true, score: true, tier: true } }, provenance: { keccak256: true, startingIndex: 3 }, outputs: { erc721: {}, solana: {} } }, outDir: out, count: 6, seed: "rarity", workers: 1 });
    expect(await readFile(join(out, "manifest.json"), "utf8")).toBe(before);
  });
});

describe("generate again with only metadata settings changed", () => {
  it("rewrites the metadata of every target in place: no token rendered, every image byte and the provenance kept", async () => {
    const out = join(root, "meta-change");
    const base: TraitloomConfig = { baseUri: "ipfs://old", namePrefix: "Old", outputs: { erc721: {}, solana: {}, tezos: {} } };
    const first = await generateCollection({ layersDir: layers, config: base, outDir: out, count: 8, seed: "m", workers: 1 });
    const { snapshotDir } = await import("./helpers/fixtures.js");
    const before = await snapshotDir(out);
    const changed: TraitloomConfig = { ...base, baseUri: "ipfs://new", namePrefix: "New", outputs: { erc721: {}, solana: {}, tezos: {}, erc1155: {} } };
    const second = await generateCollection({ layersDir: layers, config: changed, outDir: out, count: 8, seed: "m", workers: 1 });
    expect([second.rendered, second.resumed]).toEqual([0, 8]);
    expect(second.provenance).toBe(first.provenance);
    const after = await snapshotDir(out);
    for (const [path, hash] of Object.entries(before)) if (path.startsWith("images/") || /^solana\/assets\/\d+\.png$/.test(path)) expect(after[path], path).toBe(hash);
    const meta = JSON.parse(await readFile(join(out, "metadata/3.json"), "utf8")) as { name: string; image: string };
    expect(meta).toMatchObject({ name: "New #3", image: "ipfs://new/3.png" });
    const tezos = JSON.parse(await readFile(join(out, "tezos/3.json"), "utf8")) as { artifactUri: string };
    expect(tezos.artifactUri).toBe("ipfs://new/3.png");
    expect(JSON.parse(await readFile(join(out, "solana/assets/2.json"), "utf8"))).toMatchObject({ name: "New #3" });
    // The new target is there too, and passes its validator.
    expect((await validateFolder(nodeFolderView(out), "erc1155")).problems).toEqual([]);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { metadataSettings: { baseUri: string }; tokens: Array<{ id: number; metadata: string }> };
    expect(manifest.metadataSettings.baseUri).toBe("ipfs://new");
    expect(manifest.tokens[2]?.metadata).toBe(sha256Hex(await readFile(join(out, "metadata/3.json"))));
  });
});

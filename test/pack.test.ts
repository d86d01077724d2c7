/**
 * `traitloom pack` on a generated collection: the roots checked against a second implementation (the ipfs-car CLI
 * itself on the same folders for the ipfs-car profile; @ipld/unixfs at kubo's parameters for kubo), both CARs read
 * back block by block, the metadata second pass changing only `image`, and every refusal leaving the folder as it was.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CarReader } from "@ipld/car";
import * as UnixFS from "@ipld/unixfs";
import { withMaxChunkSize } from "@ipld/unixfs/file/chunker/fixed";
import { withWidth } from "@ipld/unixfs/file/layout/balanced";
import { exporter } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPack } from "../src/cli/pack.js";
import { generateCollection } from "../src/node/generate.js";
import { packCollection } from "../src/node/pack.js";
import { REPO_ROOT } from "./helpers/cli.js";
import { HASHLIPS_ORDER, readJson, removeDir, sha256Hex, snapshotDir, tempDir, writeHashlipsLikeLayers } from "./helpers/fixtures.js";

const N = 24;
const IPFS_CAR_BIN = join(REPO_ROOT, "node_modules/ipfs-car/bin.js");

interface CidsJson {
  profile: { name: string; cidVersion: number };
  imageBaseUri: string;
  baseUri: string;
  images: { root: string; car: string; files: Array<{ path: string; cid: string; bytes: number }> };
  metadata: { root: string; car: string; files: Array<{ path: string; cid: string; bytes: number }> };
}

/** `ipfs-car pack <dir> --output <car>`, the package's own CLI: the root CID it prints. */
function ipfsCarCli(dir: string, car: string): string {
  const run = spawnSync(process.execPath, [IPFS_CAR_BIN, "pack", dir, "--output", car], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
}

/** Every block of a CAR, each hash checked against its CID, and its one root. */
async function readCar(path: string): Promise<{ root: string; blocks: Map<string, Uint8Array> }> {
  const reader = await CarReader.fromBytes(await readFile(path));
  const roots = (await reader.getRoots()).map(String);
  expect(roots).toHaveLength(1);
  const blocks = new Map<string, Uint8Array>();
  for await (const { cid, bytes } of reader.blocks()) {
    expect(cid.multihash.code).toBe(0x12);
    expect(Buffer.from(cid.multihash.digest).toString("hex"), `${path}: block ${cid.toString()}`).toBe(sha256Hex(bytes));
    expect(blocks.has(cid.toString())).toBe(false);
    blocks.set(cid.toString(), bytes);
  }
  expect(blocks.has(roots[0] as string)).toBe(true);
  return { root: roots[0] as string, blocks };
}

/** A file by path under the CAR's root, read through ipfs-unixfs-exporter: its CID and bytes. */
async function fileInCar(car: { root: string; blocks: Map<string, Uint8Array> }, path: string): Promise<{ cid: string; bytes: Buffer }> {
  const store = {
    *get(cid: CID): Generator<Uint8Array> {
      const bytes = car.blocks.get(cid.toString());
      if (!bytes) throw new Error(`block ${cid.toString()} is not in the CAR`);
      yield bytes;
    },
  };
  const entry = await exporter(`${car.root}/${path}`, store);
  if (entry.type !== "file" && entry.type !== "raw") throw new Error(`${path}: expected a file, found a ${entry.type}`);
  const parts: Uint8Array[] = [];
  for await (const part of entry.content()) parts.push(part);
  return { cid: entry.cid.toString(), bytes: Buffer.concat(parts) };
}

/** @ipld/unixfs at kubo's defaults (CIDv0, UnixFS leaves, 256 KiB chunks, 174 links): a flat folder's root. */
async function kuboOracleRoot(files: Array<{ name: string; bytes: Uint8Array }>): Promise<string> {
  const settings = UnixFS.configure({
    chunker: withMaxChunkSize(256 * 1024),
    fileLayout: withWidth(174),
    fileChunkEncoder: UnixFS.UnixFSLeaf,
    smallFileEncoder: UnixFS.UnixFSLeaf,
    linker: { createLink: (_code: number, digest: never) => CID.createV0(digest) as never },
  });
  const { readable, writable } = new TransformStream({}, UnixFS.withCapacity());
  const drained = (async () => {
    const reader = readable.getReader();
    while (!(await reader.read()).done);
  })();
  const writer = UnixFS.createWriter({ writable, settings });
  const dir = UnixFS.createDirectoryWriter(writer);
  for (const f of files) {
    const file = UnixFS.createFileWriter(writer);
    await file.write(f.bytes);
    dir.set(f.name, await file.close());
  }
  const root = await dir.close();
  await writer.close();
  await drained;
  return root.cid.toString();
}

describe("traitloom pack", () => {
  let root: string;
  let collection: string;
  let caseNo = 0;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
  };

  beforeAll(async () => {
    root = await tempDir();
    const layers = await writeHashlipsLikeLayers(join(root, "layers"));
    collection = join(root, "collection");
    await generateCollection({ layersDir: layers, config: { layers: [...HASHLIPS_ORDER], baseUri: "https://example.com/art" }, outDir: collection, count: N, seed: "pack", workers: 1 });
  });
  afterAll(async () => removeDir(root));

  async function freshCopy(): Promise<string> {
    const dir = join(root, `case-${++caseNo}`);
    await cp(collection, dir, { recursive: true });
    return dir;
  }

  it("ipfs-car profile (the default): both roots equal the ipfs-car CLI's on the same folders; both CARs read back whole", async () => {
    const out = await freshCopy();
    const before = await snapshotDir(out);
    const originalManifest = await readFile(join(out, "manifest.json"), "utf8");
    const run = io();
    expect(await runPack([out], run.io)).toBe(0);
    const cids = await readJson<CidsJson>(join(out, "ipfs/cids.json"));
    expect(cids.profile.name).toBe("ipfs-car");

    // The second implementation: ipfs-car's own `pack` over images/ and over the rewritten metadata.
    expect(cids.images.root).toBe(ipfsCarCli(join(out, "images"), join(root, `oracle-${caseNo}-images.car`)));
    expect(cids.metadata.root).toBe(ipfsCarCli(join(out, "ipfs/metadata"), join(root, `oracle-${caseNo}-metadata.car`)));
    const oracleImages = await readCar(join(root, `oracle-${caseNo}-images.car`));

    const images = await readCar(join(out, "ipfs/images.car"));
    const metadata = await readCar(join(out, "ipfs/metadata.car"));
    expect(images.root).toBe(cids.images.root);
    expect(metadata.root).toBe(cids.metadata.root);
    expect([...images.blocks.keys()].sort()).toEqual([...oracleImages.blocks.keys()].sort());

    const manifest = await readJson<{ tokens: Array<{ id: number; image: string }> }>(join(out, "manifest.json"));
    expect(cids.images.files.map((f) => f.path)).toEqual(manifest.tokens.map((t) => `${t.id}.png`));
    for (const [i, token] of manifest.tokens.entries()) {
      const png = await readFile(join(out, "images", `${token.id}.png`));
      const inCar = await fileInCar(images, `${token.id}.png`);
      expect(inCar.bytes.equals(png)).toBe(true);
      expect(inCar.cid).toBe(cids.images.files[i]?.cid);
      expect(cids.images.files[i]?.bytes).toBe(png.length);

      // Second pass: only the image value changed, to the image's place under the images root.
      const original = await readFile(join(out, "metadata", `${token.id}.json`), "utf8");
      const uploaded = await readFile(join(out, "ipfs/metadata", `${token.id}.json`), "utf8");
      const uri = `ipfs://${cids.images.root}/${token.id}.png`;
      const oldImage = `"image": "https://example.com/art/${token.id}.png"`;
      expect(original).toContain(oldImage);
      expect(uploaded).toBe(original.replace(oldImage, `"image": "${uri}"`));
      expect({ ...JSON.parse(uploaded), image: "" }).toEqual({ ...JSON.parse(original), image: "" });
      const metaInCar = await fileInCar(metadata, `${token.id}.json`);
      expect(metaInCar.bytes.toString("utf8")).toBe(uploaded);
      expect(metaInCar.cid).toBe(cids.metadata.files[i]?.cid);
      // The URI resolves in the images CAR to the token's own image.
      expect((await fileInCar(images, uri.slice(`ipfs://${cids.images.root}/`.length))).bytes.equals(png)).toBe(true);
    }

    expect(cids.baseUri).toBe(`ipfs://${cids.metadata.root}/`);
    expect(run.out.at(-1)).toBe(`base URI for the contract: ipfs://${cids.metadata.root}/`);
    expect(run.out.join("\n")).toContain(cids.images.root);
    // The collection itself is as generate wrote it; pack added ipfs/ and recorded itself in manifest.json.
    const after = await snapshotDir(out);
    for (const [k, v] of Object.entries(before)) if (k !== "manifest.json") expect(after[k], k).toBe(v);
    expect(Object.keys(after).filter((k) => !(k in before) && !k.startsWith("ipfs/"))).toEqual([]);
    const packed = await readJson<Record<string, unknown> & { pack: { profile: Record<string, unknown>; images: string; metadata: string; baseUri: string } }>(join(out, "manifest.json"));
    expect(packed.pack).toEqual({ profile: cids.profile, images: cids.images.root, metadata: cids.metadata.root, baseUri: cids.baseUri });
    expect(packed.pack.profile).toMatchObject({ name: "ipfs-car", cidVersion: 1, rawLeaves: true, chunkSize: 1 << 20, maxChildren: 1024 });
    const { pack: _pack, ...rest } = packed;
    expect(rest).toEqual(JSON.parse(originalManifest) as unknown);
    // A later generate on the folder (same config) keeps the record: the metadata it packed is unchanged.
    await generateCollection({ layersDir: join(root, "layers"), config: { layers: [...HASHLIPS_ORDER], baseUri: "https://example.com/art" }, outDir: out, count: N, seed: "pack", workers: 1 });
    expect((await readJson<{ pack: unknown }>(join(out, "manifest.json"))).pack).toEqual(packed.pack);
  });

  it("kubo profile: the images root equals @ipld/unixfs at kubo's parameters, CIDv0; a second pack replaces ipfs/ whole", async () => {
    const out = await freshCopy();
    await packCollection(out, { profile: "ipfs-car" });
    const result = await packCollection(out, { profile: "kubo" });
    const manifest = await readJson<{ tokens: Array<{ id: number }> }>(join(out, "manifest.json"));
    const files = await Promise.all(manifest.tokens.map(async (t) => ({ name: `${t.id}.png`, bytes: await readFile(join(out, "images", `${t.id}.png`)) })));
    expect(result.images.root).toBe(await kuboOracleRoot(files));
    expect(result.images.root).toMatch(/^Qm/);
    const cids = await readJson<CidsJson>(join(out, "ipfs/cids.json"));
    expect(cids.profile).toMatchObject({ name: "kubo", cidVersion: 0 });
    expect(cids.metadata.root).toBe(result.metadata.root);
    const metas = await Promise.all(manifest.tokens.map(async (t) => ({ name: `${t.id}.json`, bytes: await readFile(join(out, "ipfs/metadata", `${t.id}.json`)) })));
    expect(result.metadata.root).toBe(await kuboOracleRoot(metas));
    expect(metas[0]?.bytes.toString()).toContain(`"image": "ipfs://${result.images.root}/${manifest.tokens[0]?.id}.png"`);
    expect((await readCar(result.images.car)).root).toBe(result.images.root);
    // No temp folder left beside it.
    expect((await readdir(out)).filter((n) => n.startsWith(".ipfs"))).toEqual([]);
  });

  it("refuses an image that is not the one the manifest records, and leaves an earlier pack as it was", async () => {
    const out = await freshCopy();
    await packCollection(out, { profile: "kubo" });
    const earlier = await snapshotDir(join(out, "ipfs"));
    const good = await readFile(join(out, "images/3.png"));
    const png = Buffer.from(good);
    png[png.length - 20] = (png[png.length - 20] ?? 0) ^ 0xff;
    await writeFile(join(out, "images/3.png"), png);
    await expect(packCollection(out, { profile: "ipfs-car" })).rejects.toThrow(/^images\/3\.png: expected the image the manifest records \(sha256 [0-9a-f]{16}…\), found other bytes/);
    expect(await snapshotDir(join(out, "ipfs"))).toEqual(earlier);
    expect((await readdir(out)).filter((n) => n.startsWith(".ipfs"))).toEqual([]);
    await writeFile(join(out, "images/3.png"), good);
    await rm(join(out, "images/5.png"));
    await expect(packCollection(out, { profile: "ipfs-car" })).rejects.toThrow(/^images\/5\.png: expected the token's image the manifest records, found nothing there$/);
    expect(await snapshotDir(join(out, "ipfs"))).toEqual(earlier);
  });

  it("metadata edited since generate: refused where the manifest records its sha256, else uploaded as it is on disk", async () => {
    const out = await freshCopy();
    const path = join(out, "metadata/4.json");
    const edited = (await readFile(path, "utf8")).replace('"description": "', '"description": "edited by hand, ');
    expect(edited).toContain("edited by hand");
    await writeFile(path, edited);
    const manifest = await readJson<{ tokens: Array<{ id: number; metadata?: string }> }>(join(out, "manifest.json"));
    if (manifest.tokens.every((t) => typeof t.metadata === "string")) {
      await expect(packCollection(out, { profile: "kubo" })).rejects.toThrow(/^metadata\/4\.json: expected the metadata the manifest records \(sha256 [0-9a-f]{16}…\), found other bytes/);
      await expect(stat(join(out, "ipfs"))).rejects.toThrow(/ENOENT/);
    } else {
      const result = await packCollection(out, { profile: "kubo" });
      expect(await readFile(join(out, "ipfs/metadata/4.json"), "utf8")).toBe(edited.replace("https://example.com/art/4.png", `ipfs://${result.images.root}/4.png`));
    }
  });

  it("refuses what is not a finished whole collection, with one line each", async () => {
    const missing = io();
    await expect(runPack([join(root, "nothing")], missing.io)).rejects.toThrow(/nothing: expected a collection folder to pack, found nothing there$/);
    const empty = join(root, "empty");
    await mkdir(empty);
    await expect(packCollection(empty, { profile: "kubo" })).rejects.toThrow(/manifest\.json: expected the manifest of a finished generate run, found none/);

    const shard = await freshCopy();
    const manifest = await readJson<Record<string, unknown>>(join(shard, "manifest.json"));
    await writeFile(join(shard, "manifest.json"), JSON.stringify({ ...manifest, shard: { index: 1, of: 2, firstId: 1, lastId: 12 } }));
    await expect(packCollection(shard, { profile: "kubo" })).rejects.toThrow(/expected a whole collection, found shard 1\/2 of one; pack the folder traitloom merge makes/);

    const foreign = await freshCopy();
    await mkdir(join(foreign, "ipfs"));
    await writeFile(join(foreign, "ipfs/notes.txt"), "mine");
    await expect(packCollection(foreign, { profile: "kubo" })).rejects.toMatchObject({ code: "OUTPUT_CONFLICT" });
    expect(await readFile(join(foreign, "ipfs/notes.txt"), "utf8")).toBe("mine");

    const args = io();
    await expect(runPack([collection, "--profile", "pinata"], args.io)).rejects.toThrow('--profile: expected one of kubo, kubo-cidv1, ipfs-car, found "pinata"');
    await expect(runPack([collection, "--profile"], args.io)).rejects.toThrow("--profile: expected one of kubo, kubo-cidv1, ipfs-car, found none");
    await expect(runPack([], args.io)).rejects.toThrow(/expected a collection folder, as in `traitloom pack out`, found none/);
    await expect(runPack([collection, "--cid", "1"], args.io)).rejects.toThrow(/--cid: unknown option for pack/);
    const help = io();
    expect(await runPack(["--help"], help.io)).toBe(0);
    expect(help.out.join("\n")).toContain("Usage: traitloom pack <out>");
  });

  it("a pack stopped midway writes nothing and leaves no temp folder", async () => {
    const out = await freshCopy();
    const controller = new AbortController();
    const stopped = packCollection(out, { profile: "ipfs-car", signal: controller.signal, onProgress: (stage, done) => stage === "images" && done === 5 && controller.abort() });
    await expect(stopped).rejects.toMatchObject({ code: "ABORTED" });
    await expect(stat(join(out, "ipfs"))).rejects.toThrow(/ENOENT/);
    expect((await readdir(out)).filter((n) => n.startsWith(".ipfs") || n === ".traitloom.lock")).toEqual([]);
  });
});

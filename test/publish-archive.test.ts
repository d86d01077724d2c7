/**
 * The studio's "set base URI / metadata" on a run's archive (src/browser/archiveStore.ts) is `traitloom update`:
 * the same collection updated as a folder by the CLI and as a ZIP by updateArchive gives the same bytes in every
 * file, images and provenance untouched; an archive that is no ZIP, or holds no manifest, is refused in one line.
 * The studio's "Pack for IPFS" (src/browser/packArchive.ts) gives the CLI's roots and cids.json for the same files,
 * and refuses a changed or missing file in the CLI's words.
 */
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { isTraitloomError } from "../src/core/errors.js";
import { generateCollection } from "../src/node/generate.js";
import { updateArchive } from "../src/browser/archiveStore.js";
import { packArchive, recordPack } from "../src/browser/packArchive.js";
import { packCollection } from "../src/node/pack.js";
import { MemoryBytes } from "../src/browser/zipSink.js";
import { ZipWriter } from "../src/browser/zipWriter.js";
import { runMain } from "./helpers/cli.js";
import { listFiles, removeDir, sha256Hex, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

const CONFIG: TraitloomConfig = {
  namePrefix: "Loom",
  baseUri: "ipfs://REPLACE_WITH_CID",
  description: "Before.",
  outputs: { erc721: {}, erc1155: {}, solana: { symbol: "LOOM" }, cardano: { policyId: "c".repeat(56) }, tezos: {} },
};
const N = 6;
const CHANGES = { baseUri: "ipfs://bafyupdated", namePrefix: "Loom Genesis", description: "After.", externalUrl: "https://loom.example/{id}" };

let root: string;
let out: string;
let archive: Blob;

/** The collection folder as the studio's archive holds it: every file but the CLI's .traitloom/ journal. */
async function zipOfFolder(dir: string): Promise<Blob> {
  const bytes = new MemoryBytes();
  const zip = new ZipWriter(bytes, new Date(2026, 0, 1));
  for (const f of await listFiles(dir)) if (!f.startsWith(".traitloom")) zip.addFile(f, new Uint8Array(await readFile(join(dir, f))));
  zip.finish();
  return bytes.blob();
}

async function update(blob: Blob, changes: Record<string, string>): Promise<{ files: Record<string, Uint8Array>; blob: Blob; offsets: Float64Array; fields: string[] }> {
  const parts: Uint8Array[] = [];
  const done = await updateArchive(blob, changes, async (chunks) => void parts.push(...chunks), { modified: new Date(2026, 0, 2) });
  const next = new Blob(parts as Uint8Array<ArrayBuffer>[]);
  return { files: unzipSync(new Uint8Array(await next.arrayBuffer())), blob: next, offsets: done.imageOffsets, fields: done.result.fields };
}

beforeAll(async () => {
  root = await tempDir("traitloom-publish-");
  const layers = await writeBasicLayers(join(root, "layers"));
  out = join(root, "out");
  await generateCollection({ layersDir: layers, config: CONFIG, outDir: out, count: N, seed: "publish", workers: 1 });
  archive = await zipOfFolder(out);
});
afterAll(async () => {
  await removeDir(root);
});

describe("updateArchive (the studio's set base URI)", () => {
  it("writes the very files traitloom update writes in the folder, every image byte kept", async () => {
    const before = unzipSync(new Uint8Array(await archive.arrayBuffer()));
    const { files, fields } = await update(archive, CHANGES);
    expect(fields).toEqual(["baseUri", "namePrefix", "description", "externalUrl"]);

    const cliOut = join(root, "cli");
    await cp(out, cliOut, { recursive: true });
    const run = await runMain(["update", cliOut, "--base-uri", CHANGES.baseUri, "--name-prefix", CHANGES.namePrefix, "--description", CHANGES.description, "--external-url", CHANGES.externalUrl]);
    expect(run.code).toBe(0);
    const cliFiles = (await listFiles(cliOut)).filter((f) => !f.startsWith(".traitloom"));
    expect(Object.keys(files).sort()).toEqual(cliFiles);
    for (const f of cliFiles) expect(sha256Hex(files[f] ?? new Uint8Array()), f).toBe(sha256Hex(await readFile(join(cliOut, f))));

    const images = Object.keys(before).filter((f) => f.endsWith(".png"));
    expect(images.length).toBe(N * 3);
    for (const f of images) expect(sha256Hex(files[f] ?? new Uint8Array()), f).toBe(sha256Hex(before[f] ?? new Uint8Array()));
    const manifest = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as { provenance: string; history?: unknown[] };
    expect(manifest(files["manifest.json"]).provenance).toBe(manifest(before["manifest.json"]).provenance);
    expect(manifest(files["manifest.json"]).history).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode(files["metadata/2.json"]))).toMatchObject({ name: "Loom Genesis #2", image: "ipfs://bafyupdated/2.png", external_url: "https://loom.example/2" });
  });

  it("says where each token's image starts in the new archive", async () => {
    const { files, blob, offsets } = await update(archive, { baseUri: "ipfs://bafyother" });
    expect(offsets.length).toBe(N);
    for (let i = 0; i < N; i++) {
      const image = files[`images/${i + 1}.png`] ?? new Uint8Array();
      const at = offsets[i] ?? 0;
      expect(at).toBeGreaterThan(0);
      expect(sha256Hex(new Uint8Array(await blob.slice(at, at + image.length).arrayBuffer()))).toBe(sha256Hex(image));
    }
  });

  it("updated twice records two history entries; the same values again change nothing", async () => {
    const once = await update(archive, { baseUri: "ipfs://bafyone" });
    const twice = await update(once.blob, { baseUri: "ipfs://bafytwo" });
    expect((JSON.parse(new TextDecoder().decode(twice.files["manifest.json"])) as { history: unknown[] }).history).toHaveLength(2);
    const same = await update(twice.blob, { baseUri: "ipfs://bafytwo" });
    expect(same.fields).toEqual([]);
  });

  it("stops when its signal is aborted, writing nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    let written = 0;
    const err = await updateArchive(archive, { baseUri: "ipfs://x" }, async () => void written++, { modified: new Date(), signal: controller.signal }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.code).toBe("ABORTED");
    expect(written).toBe(0);
  });

  it("refuses a file that is no ZIP in one line naming it", async () => {
    const err = await updateArchive(new Blob(["not a zip"]), { baseUri: "ipfs://x" }, async () => undefined, { modified: new Date(), location: "notes.txt" }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.message).toBe("notes.txt: expected a ZIP archive, found zip: no end of central directory");
  });

  it("refuses an archive without manifest.json, naming what it expected", async () => {
    const bytes = new MemoryBytes();
    const zip = new ZipWriter(bytes, new Date());
    zip.addFile("images/1.png", new Uint8Array([1, 2, 3]));
    zip.finish();
    const err = await updateArchive(bytes.blob(), { baseUri: "ipfs://x" }, async () => undefined, { modified: new Date(), location: "other.zip" }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.message).toBe("other.zip/manifest.json: expected the manifest of a finished generate run, found none (run traitloom generate until it says done)");
  });

  it("refuses an empty base URI as traitloom update does", async () => {
    const err = await updateArchive(archive, { baseUri: " " }, async () => undefined, { modified: new Date() }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.message).toBe('--base-uri: expected a URI such as "ipfs://<CID>", found an empty value');
  });
});

/** The archive with `path` replaced by `bytes`, or left out where `bytes` is undefined. */
async function withEntry(blob: Blob, path: string, bytes: Uint8Array | undefined): Promise<Blob> {
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  const out = new MemoryBytes();
  const zip = new ZipWriter(out, new Date(2026, 0, 1));
  for (const [name, data] of Object.entries(files)) {
    if (name !== path) zip.addFile(name, data);
    else if (bytes) zip.addFile(name, bytes);
  }
  zip.finish();
  return out.blob();
}

describe("packArchive (the studio's pack for IPFS)", () => {
  it("gives the roots, base URI and cids.json of traitloom pack on the same collection, for each profile", async () => {
    const cliOut = join(root, "pack-cli");
    await cp(out, cliOut, { recursive: true });
    let last: Awaited<ReturnType<typeof packArchive>> | undefined;
    for (const profile of ["ipfs-car", "kubo", "kubo-cidv1"] as const) {
      const studio = await packArchive(archive, { profile });
      last = studio;
      const cli = await packCollection(cliOut, { profile });
      expect([studio.images.root, studio.metadata.root, studio.baseUri], profile).toEqual([cli.images.root, cli.metadata.root, cli.baseUri]);
      expect(await studio.cids.text(), profile).toBe(await readFile(join(cliOut, "ipfs/cids.json"), "utf8"));
      expect(studio.images.car.size, profile).toBe(cli.images.carBytes);
      expect(studio.metadata.car.size, profile).toBe(cli.metadata.carBytes);
    }
    // Recorded in the archive: the manifest and cids.json the CLI leaves in the folder, every other entry as it was.
    const parts: Uint8Array[] = [];
    const offsets = await recordPack(archive, last as NonNullable<typeof last>, async (c) => void parts.push(...c), { modified: new Date() });
    const recorded = unzipSync(new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
    expect(new TextDecoder().decode(recorded["manifest.json"])).toBe(await readFile(join(cliOut, "manifest.json"), "utf8"));
    expect(new TextDecoder().decode(recorded["ipfs/cids.json"])).toBe(await readFile(join(cliOut, "ipfs/cids.json"), "utf8"));
    const before = unzipSync(new Uint8Array(await archive.arrayBuffer()));
    for (const [path, bytes] of Object.entries(before)) if (path !== "manifest.json") expect(recorded[path], path).toEqual(bytes);
    expect(offsets.length).toBe(N);
  });

  it("stops when its signal is aborted, the CAR discarded", async () => {
    const controller = new AbortController();
    controller.abort();
    let discarded = 0;
    const car = { write: () => undefined, finish: async () => new Blob([]), discard: async () => void discarded++ };
    await expect(packArchive(archive, { profile: "kubo", signal: controller.signal, images: car })).rejects.toThrow();
    expect(discarded).toBe(1);
  });

  it("refuses an image other than the manifest records, naming it", async () => {
    const err = await packArchive(await withEntry(archive, "images/3.png", new Uint8Array([1, 2, 3])), { profile: "kubo" }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.message).toMatch(/^images\/3\.png: expected the image the manifest records \(sha256 [0-9a-f]{16}…\), found other bytes/);
  });

  it("refuses a missing image or metadata file, naming it", async () => {
    const noImage = await packArchive(await withEntry(archive, "images/5.png", undefined), { profile: "kubo" }).catch((e: unknown) => e);
    expect(isTraitloomError(noImage) && noImage.message).toBe("images/5.png: expected the token's image the manifest records, found nothing there");
    const noMeta = await packArchive(await withEntry(archive, "metadata/4.json", undefined), { profile: "kubo" }).catch((e: unknown) => e);
    expect(isTraitloomError(noMeta) && noMeta.message).toBe("metadata/4.json: expected the token's metadata, found nothing there");
  });

  it("refuses metadata edited after generate, as traitloom pack does", async () => {
    const err = await packArchive(await withEntry(archive, "metadata/2.json", new TextEncoder().encode('{"image":"x"}')), { profile: "ipfs-car" }).catch((e: unknown) => e);
    expect(isTraitloomError(err) && err.message).toMatch(/^metadata\/2\.json: expected the metadata the manifest records \(sha256 [0-9a-f]{16}…\), found other bytes/);
  });
});

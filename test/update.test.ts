/**
 * `traitloom update`: every target's metadata rewritten from the manifest, images and provenance untouched, the
 * manifest recording it, and a later generate on the folder resuming with nothing to render.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { isTraitloomError } from "../src/core/errors.js";
import { erc1155Id, validateFolder, type ValidateTarget } from "../src/core/targets/index.js";
import { nodeFolderView } from "../src/cli/validate.js";
import { generateCollection } from "../src/node/generate.js";
import { NodeFileStore } from "../src/node/fileStore.js";
import { MemoryFileStore } from "../src/render/folderSink.js";
import { updateCollection } from "../src/render/update.js";
import { runMain } from "./helpers/cli.js";
import { listFiles, removeDir, snapshotDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

const POLICY = "b".repeat(56);
const CONFIG: TraitloomConfig = {
  namePrefix: "Loom",
  baseUri: "ipfs://REPLACE_WITH_CID",
  description: "Before.",
  rarity: { attributes: { rank: true } },
  outputs: { erc721: {}, erc1155: {}, solana: { symbol: "LOOM" }, cardano: { policyId: POLICY }, tezos: {} },
};
const N = 10;

let root: string;
let layers: string;
let out: string;
let before: Record<string, string>;
let provenance: string;
beforeAll(async () => {
  root = await tempDir("traitloom-update-");
  layers = await writeBasicLayers(join(root, "layers"));
  out = join(root, "out");
  provenance = (await generateCollection({ layersDir: layers, config: CONFIG, outDir: out, count: N, seed: "update", workers: 1 })).provenance;
  before = await snapshotDir(out);
});
afterAll(async () => {
  await removeDir(root);
});

const isImage = (path: string): boolean => /\.(png|jpg|webp)$/.test(path);
const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(join(out, path), "utf8")) as T;

describe("traitloom update", () => {
  let after: Record<string, string>;
  let run: Awaited<ReturnType<typeof runMain>>;
  beforeAll(async () => {
    run = await runMain(["update", out, "--base-uri", "ipfs://bafynew/", "--name-prefix", "Loom Genesis", "--description", "After.", "--external-url", "https://loom.example/{id}"]);
    after = await snapshotDir(out);
  });

  it("says what changed, in one line, with exit 0", () => {
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(new RegExp(`^updated baseUri, namePrefix, description, externalUrl: \\d+ metadata files rewritten for ${N} tokens in `));
  });

  it("leaves every image byte (and every target's image copy) as it was", () => {
    const images = Object.keys(before).filter(isImage);
    expect(images.length).toBe(N * 3); // images/, solana/assets/, erc1155/images/
    for (const path of images) expect(after[path], path).toBe(before[path]);
  });

  it("rewrites the metadata of every target", async () => {
    const m = await json<Record<string, unknown>>("metadata/3.json");
    expect(m).toMatchObject({ name: "Loom Genesis #3", description: "After.", image: "ipfs://bafynew/3.png", external_url: "https://loom.example/3" });
    expect((m.attributes as Array<{ trait_type: string }>).some((a) => a.trait_type === "Rarity Rank")).toBe(true);
    expect(await json<Record<string, unknown>>(`erc1155/metadata/${erc1155Id(3)}.json`)).toMatchObject({ name: "Loom Genesis #3", image: `ipfs://bafynew/${erc1155Id(3)}.png` });
    expect(await json<Record<string, unknown>>("solana/assets/2.json")).toMatchObject({ name: "Loom Genesis #3", description: "After.", image: "2.png", external_url: "https://loom.example/3" });
    const cardano = await json<{ "721": Record<string, Record<string, { name: string; image: string }>> }>("cardano/3.json");
    expect(Object.values(cardano["721"][POLICY] ?? {})[0]).toMatchObject({ name: "Loom Genesis #3", image: "ipfs://bafynew/3.png" });
    expect(await json<Record<string, unknown>>("tezos/3.json")).toMatchObject({ name: "Loom Genesis #3", artifactUri: "ipfs://bafynew/3.png" });
    const all = await json<Array<{ name: string }>>("_metadata.json");
    expect(all.map((t) => t.name)).toEqual(Array.from({ length: N }, (_, i) => `Loom Genesis #${i + 1}`));
    for (const target of ["opensea", "erc1155", "solana", "cardano", "tezos"] as const satisfies readonly ValidateTarget[]) {
      expect((await validateFolder(nodeFolderView(out), target)).problems.map((p) => p.message), target).toEqual([]);
    }
  });

  it("records it in the manifest: settings, metadata hashes, a history entry; the provenance hash is unchanged", async () => {
    const m = await json<{ provenance: string; metadataSettings: { baseUri: string }; history: unknown[]; tokens: Array<{ id: number; metadata: string }> }>("manifest.json");
    expect(m.provenance).toBe(provenance);
    expect(m.metadataSettings.baseUri).toBe("ipfs://bafynew");
    expect(m.history).toEqual([{ command: "update", fields: ["baseUri", "namePrefix", "description", "externalUrl"], metadataHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string }]);
    const { createHash } = await import("node:crypto");
    for (const t of m.tokens) expect(t.metadata).toBe(createHash("sha256").update(await readFile(join(out, "metadata", `${t.id}.json`))).digest("hex"));
  });

  it("the same update again writes nothing and records nothing more", async () => {
    const again = await runMain(["update", out, "--base-uri", "ipfs://bafynew"]);
    expect(again.out[0]).toContain("updated nothing (the files already said so): 0 metadata files rewritten");
    expect((await json<{ history: unknown[] }>("manifest.json")).history).toHaveLength(1);
  });

  it("a later generate with the updated config resumes with nothing to render and keeps the history", async () => {
    const updated: TraitloomConfig = { ...CONFIG, baseUri: "ipfs://bafynew", namePrefix: "Loom Genesis", description: "After.", externalUrl: "https://loom.example/{id}" };
    const manifestBefore = await readFile(join(out, "manifest.json"), "utf8");
    const r = await generateCollection({ layersDir: layers, config: updated, outDir: out, count: N, seed: "update", workers: 1 });
    expect([r.rendered, r.resumed]).toEqual([0, N]);
    expect(await readFile(join(out, "manifest.json"), "utf8")).toBe(manifestBefore);
    expect((await snapshotDir(out))).toEqual(after);
  });

  it("a later generate with the old config resumes too: images kept, metadata back to the config's", async () => {
    const r = await generateCollection({ layersDir: layers, config: CONFIG, outDir: out, count: N, seed: "update", workers: 1 });
    expect([r.rendered, r.resumed]).toEqual([0, N]);
    expect(await json<{ name: string }>("metadata/1.json")).toMatchObject({ name: "Loom #1" });
    const now = await snapshotDir(out);
    for (const path of Object.keys(before).filter(isImage)) expect(now[path]).toBe(before[path]);
  });

  it("is the same pure function over any FileStore: memory gives the disk's bytes (the studio's path)", async () => {
    const copy = join(root, "copy");
    await generateCollection({ layersDir: layers, config: CONFIG, outDir: copy, count: N, seed: "update", workers: 1 });
    const memory = new MemoryFileStore();
    for (const f of await listFiles(copy)) await memory.write(f, await readFile(join(copy, f)));
    const changes = { baseUri: "ipfs://bafymem" };
    await updateCollection(memory, changes);
    await updateCollection(new NodeFileStore(copy), changes);
    for (const f of await listFiles(copy)) {
      if (f.startsWith(".traitloom")) continue;
      expect(new TextDecoder().decode(memory.files.get(f)), f).toBe(await readFile(join(copy, f), "utf8"));
    }
  });
});

describe("update refusals, one line each", () => {
  it.each([
    [["update"], "error: update: expected a collection folder, as in `traitloom update out --base-uri ipfs://<CID>`, found none"],
    [["update", "OUT"], "error: update: expected at least one of --base-uri, --name-prefix, --description, --external-url, found none"],
    [["update", "OUT", "--base-uri", ""], '--base-uri: expected a URI such as "ipfs://<CID>", found an empty value'],
    [["update", "OUT", "--base-uri", "--name-prefix", "x"], '--base-uri: expected a value, found "--name-prefix"'],
    [["update", "OUT", "--baseuri", "x"], "--baseuri: expected an option of update"],
  ])("%j", async (args, line) => {
    const run = await runMain(args.map((a) => (a === "OUT" ? out : a)));
    expect(run.code).toBe(1);
    expect(run.err[0]).toContain(line);
  });

  it("a folder that is not there, a folder without a manifest, a damaged manifest", async () => {
    expect((await runMain(["update", join(root, "nope"), "--base-uri", "x"])).err[0]).toBe(`error: ${join(root, "nope")}: expected a collection folder to update, found nothing there`);
    const empty = join(root, "empty");
    await (await import("node:fs/promises")).mkdir(empty, { recursive: true });
    expect((await runMain(["update", empty, "--base-uri", "x"])).err[0]).toBe(`error: ${empty}/manifest.json: expected the manifest of a finished generate run, found none (run traitloom generate until it says done)`);
    await writeFile(join(empty, "manifest.json"), "{");
    expect((await runMain(["update", empty, "--base-uri", "x"])).err[0]).toMatch(/manifest\.json: expected the JSON of a manifest, found a syntax error/);
  });

  it("a manifest without metadataSettings (an older collection) says to generate again first", async () => {
    const store = new MemoryFileStore("old");
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Record<string, unknown>;
    delete manifest.metadataSettings;
    await store.write("manifest.json", JSON.stringify(manifest));
    const e: unknown = await updateCollection(store, { baseUri: "x" }).catch((err: unknown) => err);
    expect(isTraitloomError(e) && e.message).toBe("old/manifest.json: expected metadataSettings (written since output format 0.3.0), found none; run traitloom generate on the folder again with this version first");
  });

  it("a shard's folder is refused, naming the shard", async () => {
    const store = new MemoryFileStore("shard");
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as Record<string, unknown>;
    manifest.shard = { index: 1, of: 2, firstId: 1, lastId: 5 };
    await store.write("manifest.json", JSON.stringify(manifest));
    const e: unknown = await updateCollection(store, { baseUri: "x" }).catch((err: unknown) => err);
    expect(isTraitloomError(e) && e.message).toContain("shard/manifest.json: expected a whole collection, found shard 1/2 of one");
  });

  it("a hand-broken metadataSettings field is the config's one-line error", async () => {
    const store = new MemoryFileStore("bad");
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as { metadataSettings: Record<string, unknown> };
    manifest.metadataSettings.namePrefix = 7;
    await store.write("manifest.json", JSON.stringify(manifest));
    const e: unknown = await updateCollection(store, { baseUri: "x" }).catch((err: unknown) => err);
    expect(isTraitloomError(e) && e.message).toBe("bad/manifest.json: metadataSettings: namePrefix: expected a string, found 7");
  });
});

/**
 * CIDs checked against a second implementation for the same files and profile:
 * - kubo's own documented CIDs (kubo's test/sharness/t0040-add-and-cat.sh and t0260-sharding.sh: `ipfs add` output
 *   for known strings, folders, and 2,000 files flat and sharded), for `kubo` and `kubo-cidv1`;
 * - ipfs-car 3.x itself (its library's createDirectoryEncoderStream / createFileEncoderStream), for `ipfs-car`;
 * - @ipld/unixfs (the encoder ipfs-car is built on, a different code base from ipfs-unixfs-importer) configured to
 *   kubo's parameters, for files below and above the chunk size and past one level of links.
 * Every CAR is read back with @ipld/car's CarReader and ipfs-unixfs-exporter: every block's hash against its CID,
 * the root in the header, every file reachable by its path and its bytes equal.
 */
import { createHash } from "node:crypto";
import { CarReader } from "@ipld/car";
import * as UnixFS from "@ipld/unixfs";
import { withMaxChunkSize } from "@ipld/unixfs/file/chunker/fixed";
import { withWidth } from "@ipld/unixfs/file/layout/balanced";
import { createDirectoryEncoderStream, createFileEncoderStream } from "ipfs-car";
import { exporter } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { describe, expect, it } from "vitest";
import { metadataJson } from "../core/metadata.js";
import { IPFS_PROFILES, ipfsUri, packFolder, withImageUri, type IpfsProfile, type IpfsProfileName, type PackInput, type PackResult } from "./ipfs.js";

const KIB = 1024;
const MIB = 1024 * KIB;
const enc = new TextEncoder();

/** Incompressible bytes, like a PNG's, from a seed (xorshift32). */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

interface File {
  path: string;
  data: Uint8Array;
}

const inputs = (files: readonly File[]): PackInput[] => files.map((f) => ({ path: f.path, content: f.data }));

/** A packed CAR, its header finished as node/pack.ts does: the placeholder overwritten. */
async function packCar(files: readonly File[], profile: IpfsProfileName | IpfsProfile): Promise<{ car: Uint8Array; result: PackResult }> {
  const chunks: Uint8Array[] = [];
  const result = await packFolder(inputs(files), { profile, write: (c) => void chunks.push(c) });
  const car = concat(chunks);
  expect(result.header).toBeDefined();
  car.set(result.header as Uint8Array, 0);
  expect(car.length).toBe(result.carBytes);
  return { car, result };
}

/** Reads a CAR back and checks it whole: header root, every block's sha2-256 against its CID, each block once, each file's bytes. */
async function checkCar(car: Uint8Array, root: string, files: readonly File[]): Promise<Set<string>> {
  const reader = await CarReader.fromBytes(car);
  expect((await reader.getRoots()).map(String)).toEqual([root]);
  const blocks = new Map<string, Uint8Array>();
  for await (const { cid, bytes } of reader.blocks()) {
    expect(cid.multihash.code).toBe(0x12);
    expect(Buffer.from(cid.multihash.digest).toString("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(blocks.has(cid.toString())).toBe(false);
    blocks.set(cid.toString(), bytes);
  }
  expect(blocks.has(root)).toBe(true);
  const store = {
    *get(cid: CID): Generator<Uint8Array> {
      const bytes = blocks.get(cid.toString());
      if (!bytes) throw new Error(`block ${cid.toString()} is not in the CAR`);
      yield bytes;
    },
  };
  for (const f of files) {
    const entry = await exporter(`${root}/${f.path}`, store);
    if (entry.type !== "file" && entry.type !== "raw") throw new Error(`${f.path}: expected a file in the CAR, found a ${entry.type}`);
    const parts: Uint8Array[] = [];
    for await (const part of entry.content()) parts.push(part);
    expect(Buffer.from(concat(parts)).equals(Buffer.from(f.data)), `${f.path} read back from the CAR`).toBe(true);
  }
  return new Set(blocks.keys());
}

// ---- the second implementations --------------------------------------------------------------------------

type Block = { cid: { toString(): string }; bytes: Uint8Array };

async function drain(stream: ReadableStream<Block>): Promise<Block[]> {
  const blocks: Block[] = [];
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return blocks;
    blocks.push(r.value);
  }
}

/** ipfs-car 3.x's own CIDs: its library, default settings, the files named as `ipfs-car pack <folder>` names them. */
async function ipfsCarOracle(files: readonly File[], perFile = true): Promise<{ root: string; files: string[]; blocks: Set<string> }> {
  const like = (f: File) => ({ name: f.path, stream: () => new Blob([f.data as Uint8Array<ArrayBuffer>]).stream() });
  const blocks = await drain(createDirectoryEncoderStream(files.map(like)) as ReadableStream<Block>);
  const perFiles: string[] = [];
  for (const f of perFile ? files : []) perFiles.push(((await drain(createFileEncoderStream(like(f)) as ReadableStream<Block>)).at(-1) as Block).cid.toString());
  return { root: (blocks.at(-1) as Block).cid.toString(), files: perFiles, blocks: new Set(blocks.map((b) => b.cid.toString())) };
}

/** @ipld/unixfs set to kubo's parameters: CIDv0 or v1, UnixFS or raw leaves, 256 KiB chunks, 174 links. */
function kuboSettings(profile: "kubo" | "kubo-cidv1") {
  const v0 = profile === "kubo";
  return UnixFS.configure({
    chunker: withMaxChunkSize(256 * KIB),
    fileLayout: withWidth(174),
    fileChunkEncoder: v0 ? UnixFS.UnixFSLeaf : raw,
    smallFileEncoder: v0 ? UnixFS.UnixFSLeaf : raw,
    linker: { createLink: (code: number, digest: never) => (v0 ? CID.createV0(digest) : CID.createV1(code, digest)) as never },
  });
}

/**
 * A flat folder through @ipld/unixfs: each file's CID and the folder's; `sharded` picks its HAMT writer. Files are
 * written one after the other, as ipfs-car does.
 */
async function unixfsOracle(files: readonly File[], settings: ReturnType<typeof kuboSettings>, sharded: boolean): Promise<{ root: string; files: string[] }> {
  const { readable, writable } = new TransformStream({}, UnixFS.withCapacity());
  const collected = drain(readable as ReadableStream<Block>);
  const writer = UnixFS.createWriter({ writable, settings });
  const dir = sharded ? UnixFS.createShardedDirectoryWriter(writer) : UnixFS.createDirectoryWriter(writer);
  const perFile: string[] = [];
  for (const f of files) {
    const file = UnixFS.createFileWriter(writer);
    await file.write(f.data);
    const link = await file.close();
    perFile.push(link.cid.toString());
    dir.set(f.path, link);
  }
  const root = await dir.close();
  await writer.close();
  await collected;
  return { root: root.cid.toString(), files: perFile };
}

// ---- kubo: its documented CIDs ------------------------------------------------------------------------

describe("kubo profiles: CIDs kubo documents for known inputs", () => {
  // kubo test/sharness/t0040-add-and-cat.sh: `echo "Hello Worlds!" > hello.txt; ipfs add hello.txt`, a zero-length
  // file, and `ipfs add -r planets` with mars.txt and venus.txt, under the defaults and --cid-version=1.
  it("kubo: a short file, the empty file and a folder as `ipfs add` prints them", async () => {
    const hello = await packFolder([{ path: "hello.txt", content: enc.encode("Hello Worlds!\n") }], { profile: "kubo" });
    expect(hello.files[0]?.cid).toBe("QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH");
    const two = await packFolder(
      [
        { path: "hello.txt", content: enc.encode("Hello Worlds!\n") },
        { path: "hello2.txt", content: enc.encode("Helloo Worlds!\n") },
      ],
      { profile: "kubo" },
    );
    expect(two.files.map((f) => f.cid)).toEqual(["QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", "Qmf35k66MZNW2GijohUmXQEWKZU4cCGTCwK6idfnt152wJ"]);
    const empty = await packFolder([{ path: "zero-length-file", content: new Uint8Array(0) }], { profile: "kubo" });
    expect(empty.files[0]?.cid).toBe("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
    expect(empty.files[0]?.bytes).toBe(0);
  });

  const planets = [
    { path: "mars.txt", data: enc.encode("Hello Mars!\n") },
    { path: "venus.txt", data: enc.encode("Hello Venus!\n") },
  ];
  it("kubo: ipfs add -r planets", async () => {
    const r = await packFolder(inputs(planets), { profile: "kubo" });
    expect(r.files.map((f) => f.cid)).toEqual(["QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN", "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"]);
    expect(r.root).toBe("QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY");
  });
  it("kubo-cidv1: ipfs add -r --cid-version=1 planets (raw leaves)", async () => {
    const r = await packFolder(inputs(planets), { profile: "kubo-cidv1" });
    expect(r.files.map((f) => f.cid)).toEqual(["bafkreibmlvvgdyihetgocpof6xk64kjjzdeq2e4c7hqs3krdheosk4tgj4", "bafkreihfsphazrk2ilejpekyltjeh5k4yvwgjuwg26ueafohqioeo3sdca"]);
    expect(r.root).toBe("bafybeih7e5dmkyk25up5vxug4q3hrg2fxbzf23dfrac2fns5h7z4aa7ioi");
  });
  it("kubo: ipfs add -r moons, folders inside the folder", async () => {
    const moons = [
      ["jupiter/europa.txt", "Hello Europa!\n"],
      ["mercury.txt", "hey youre no moon!\n"],
      ["saturn/titan.txt", "Hello Titan!\n"],
    ].map(([path, text]) => ({ path: path as string, data: enc.encode(text) }));
    const { car, result } = await packCar(moons, "kubo");
    expect(result.files.map((f) => f.cid)).toEqual(["Qmbjg7zWdqdMaK2BucPncJQDxiALExph5k3NkQv5RHpccu", "QmUJjVtnN8YEeYcS8VmUeWffTWhnMQAkk5DzZdKnPhqUdK", "QmZzppb9WHn552rmRqpPfgU5FEiHH6gDwi3MrB9cTdPwdb"]);
    expect(result.root).toBe("QmVKvomp91nMih5j6hYBA8KjbiaYvEetU2Q7KvtZkLe9nQ");
    const blocks = await checkCar(car, result.root, moons);
    // The two sub-folders as kubo names them, in the CAR.
    expect(blocks.has("QmS5mZddhFPLWFX3w6FzAy9QxyYkaxvUpsWCtZ3r7jub9J")).toBe(true);
    expect(blocks.has("QmaMagZT4rTE7Nonw8KGSK4oe1bh533yhZrCo1HihSG8FK")).toBe(true);
  });

  // kubo test/sharness/t0260-sharding.sh: 2,000 files `echo $i > testdata/file$i`, flat (the default threshold is not
  // reached: 2,000 × ~42 link bytes < 256 KiB) and with Internal.UnixFSShardingSizeThreshold "1B" (a HAMT).
  const testdata = Array.from({ length: 2000 }, (_, i) => ({ path: `file${i + 1}`, data: enc.encode(`${i + 1}\n`) }));
  it("kubo: 2,000 files flat under the default threshold", async () => {
    const r = await packFolder(inputs(testdata), { profile: "kubo" });
    expect(r.root).toBe("QmavrTrQG4VhoJmantURAYuw3bowq3E2WcvP36NRQDAC1N");
    expect(r.files[99]?.cid).toBe("QmZ3RfWk1u5LEGYLHA633B5TNJy3Du27K6Fny9wcxpowGS");
  });
  it("kubo and kubo-cidv1: the same 2,000 files as a HAMT shard, as kubo makes it", async () => {
    const forced = (p: IpfsProfile): IpfsProfile => ({ ...p, shard: { by: "linkBytes", over: 1 } });
    const { car, result } = await packCar(testdata, forced(IPFS_PROFILES.kubo));
    expect(result.root).toBe("QmSCJD1KYLhVVHqBK3YyXuoEqHt7vggyJhzoFYbT8v1XYL");
    await checkCar(car, result.root, testdata.slice(0, 50));
    expect((await packFolder(inputs(testdata), { profile: forced(IPFS_PROFILES["kubo-cidv1"]) })).root).toBe("bafybeibiemewfzzdyhq2l74wrd6qj2oz42usjlktgnlqv4yfawgouaqn4u");
  });
});

// ---- kubo's parameters through @ipld/unixfs -------------------------------------------------------------

describe("kubo profiles against @ipld/unixfs at kubo's parameters", () => {
  // Below one chunk, a few bytes over, exactly one, 300 KiB (2 leaves), 2 MiB + 7 (9 leaves), and 181 chunks: more
  // than 174 leaves, so a second level of links.
  const files: File[] = [
    { path: "1.png", data: noise(1000, 1) },
    { path: "2.png", data: noise(256 * KIB, 2) },
    { path: "3.png", data: noise(256 * KIB + 1, 3) },
    { path: "4.png", data: noise(300 * KIB, 4) },
    { path: "5.png", data: noise(2 * MIB + 7, 5) },
    { path: "6.png", data: noise(181 * 256 * KIB - 5, 6) },
    { path: "7.png", data: new Uint8Array(0) },
  ];
  for (const profile of ["kubo", "kubo-cidv1"] as const) {
    it(`${profile}: every file's CID and the folder's, and the CAR round-trips`, async () => {
      const oracle = await unixfsOracle(files, kuboSettings(profile), false);
      const { car, result } = await packCar(files, profile);
      expect(result.files.map((f) => f.cid)).toEqual(oracle.files);
      expect(result.root).toBe(oracle.root);
      expect(result.files.map((f) => f.bytes)).toEqual(files.map((f) => f.data.length));
      expect(result.root.startsWith(profile === "kubo" ? "Qm" : "bafy")).toBe(true);
      const blocks = await checkCar(car, result.root, files);
      expect(result.blocks).toBe(blocks.size);
      // One block each for 1.png, 2.png and 7.png; 2 leaves + a root for 3.png and 4.png; 9 + 1 for 5.png; 181
      // leaves under 2 nodes (174 + 7) under a root for 6.png; the folder.
      expect(blocks.size).toBe(3 + 3 + 3 + 10 + 184 + 1);
    });
  }

  it("kubo: a folder shards once its names and CIDs pass 256 KiB, not at it (boxo: > not >=)", async () => {
    // 1,024 links of 34 CID bytes + 222 name bytes = 262,144 bytes: flat. One name a byte longer: a HAMT.
    const named = (extra: number): File[] =>
      Array.from({ length: 1024 }, (_, i) => ({ path: `${String(i).padStart(4, "0")}${"x".repeat(218 + (i === 0 ? extra : 0))}`, data: enc.encode(`${i}\n`) }));
    const atLimit = named(0);
    expect(atLimit.reduce((n, f) => n + f.path.length + 34, 0)).toBe(256 * KIB);
    const flat = await packFolder(inputs(atLimit), { profile: "kubo" });
    expect(flat.root).toBe((await unixfsOracle(atLimit, kuboSettings("kubo"), false)).root);
    const over = named(1);
    const sharded = await packFolder(inputs(over), { profile: "kubo" });
    expect(sharded.root).toBe((await unixfsOracle(over, kuboSettings("kubo"), true)).root);
    expect(sharded.root).not.toBe((await unixfsOracle(over, kuboSettings("kubo"), false)).root);
  });
});

// ---- ipfs-car: the package itself ----------------------------------------------------------------------

describe("ipfs-car profile against ipfs-car 3.x", () => {
  it("files below and above 1 MiB, empty and nested: every CID, the root and the very same blocks", async () => {
    const files: File[] = [
      { path: "1.png", data: noise(300 * KIB, 11) },
      { path: "2.png", data: noise(2 * MIB, 12) },
      { path: "3.png", data: noise(MIB, 13) },
      { path: "4.png", data: noise(MIB + 1, 14) },
      { path: "5.json", data: enc.encode('{\n  "name": "x"\n}\n') },
      { path: "6.png", data: new Uint8Array(0) },
      { path: "art/7.png", data: noise(5000, 17) },
    ];
    const oracle = await ipfsCarOracle(files);
    const { car, result } = await packCar(files, "ipfs-car");
    expect(result.files.map((f) => f.cid)).toEqual(oracle.files);
    expect(result.root).toBe(oracle.root);
    const blocks = await checkCar(car, result.root, files);
    expect([...blocks].sort()).toEqual([...oracle.blocks].sort());
  });

  it("writes a block that two files share once: identical files, repeated chunks", async () => {
    const zeros = new Uint8Array(3 * MIB);
    const same = noise(5000, 21);
    const files: File[] = [
      { path: "a.png", data: same },
      { path: "b.png", data: same },
      { path: "zeros.bin", data: zeros },
    ];
    const oracle = await ipfsCarOracle(files);
    const { car, result } = await packCar(files, "ipfs-car");
    expect(result.files.map((f) => f.cid)).toEqual(oracle.files);
    expect(result.files[0]?.cid).toBe(result.files[1]?.cid);
    expect(result.root).toBe(oracle.root);
    // checkCar refuses a block written twice: one for both small files, one zero leaf for three, the zeros' root, the folder.
    const blocks = await checkCar(car, result.root, files);
    expect(blocks.size).toBe(4);
    expect(result.blocks).toBe(4);
  });

  it("1,000 entries stay one folder node, 1,001 become a HAMT shard, as ipfs-car decides", async () => {
    const many = (n: number): File[] => Array.from({ length: n }, (_, i) => ({ path: `${i + 1}.json`, data: enc.encode(`{"edition":${i + 1}}\n`) }));
    for (const n of [1000, 1001]) {
      const files = many(n);
      const oracle = await ipfsCarOracle(files, false);
      const { car, result } = await packCar(files, "ipfs-car");
      expect(result.root, `${n} entries`).toBe(oracle.root);
      const blocks = await checkCar(car, result.root, files.slice(-20));
      expect([...blocks].sort()).toEqual([...oracle.blocks].sort());
      // One folder block above the files, or a HAMT's several.
      if (n === 1000) expect(blocks.size).toBe(n + 1);
      else expect(blocks.size).toBeGreaterThan(n + 1);
    }
  });
});

// ---- the CAR as a stream --------------------------------------------------------------------------------

describe("packFolder streams", () => {
  it("reads files only a few ahead of the CAR, whatever their number", async () => {
    let pulled = 0;
    let packed = 0;
    let most = 0;
    async function* lazily(): AsyncGenerator<PackInput> {
      for (let i = 0; i < 300; i++) {
        pulled++;
        most = Math.max(most, pulled - packed);
        yield { path: `${i}.png`, content: noise(64 * KIB, i + 1) };
      }
    }
    let written = 0;
    const result = await packFolder(lazily(), { profile: "ipfs-car", write: (c) => void (written += c.length), onFile: () => void packed++ });
    expect(result.files).toHaveLength(300);
    expect(written).toBe(result.carBytes);
    // parallel batches of FILES_AT_ONCE (4): at most two batches in hand.
    expect(most).toBeLessThanOrEqual(8);
  });

  it("waits for a slow writer instead of queueing blocks", async () => {
    let inWrite = 0;
    let overlapped = false;
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `${i}.png`, data: noise(40 * KIB, i + 7) }));
    await packFolder(inputs(files), {
      profile: "kubo",
      write: async () => {
        inWrite++;
        if (inWrite > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 1));
        inWrite--;
      },
    });
    expect(overlapped).toBe(false);
  });

  it("with the root known from a first pass, writes the final header up front: the same bytes", async () => {
    const files = [
      { path: "1.png", data: noise(3000, 1) },
      { path: "2.png", data: noise(2 * MIB, 2) },
    ];
    for (const profile of ["kubo", "ipfs-car"] as const) {
      const { car, result } = await packCar(files, profile);
      const first = await packFolder(inputs(files), { profile });
      expect(first.root).toBe(result.root);
      expect(first.carBytes).toBe(0);
      const chunks: Uint8Array[] = [];
      const second = await packFolder(inputs(files), { profile, root: first.root, write: (c) => void chunks.push(c) });
      expect(second.header).toBeUndefined();
      expect(Buffer.from(concat(chunks)).equals(Buffer.from(car))).toBe(true);
      const changed = [{ ...files[0], data: noise(3000, 99) } as File, files[1] as File];
      await expect(packFolder(inputs(changed), { profile, root: first.root, write: () => undefined })).rejects.toThrow(/expected the folder's CID to be .*, found /);
    }
  });

  it("a writer that fails stops the packing with its error", async () => {
    const files = Array.from({ length: 10 }, (_, i) => ({ path: `${i}.png`, data: noise(20 * KIB, i + 3) }));
    let calls = 0;
    const failing = packFolder(inputs(files), {
      profile: "kubo",
      write: () => {
        if (++calls === 5) throw new Error("ENOSPC: disk full");
      },
    });
    await expect(failing).rejects.toThrow("ENOSPC: disk full");
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    async function* files(): AsyncGenerator<PackInput> {
      for (let i = 0; i < 100; i++) {
        if (i === 10) controller.abort();
        yield { path: `${i}.png`, content: noise(1000, i + 1) };
      }
    }
    await expect(packFolder(files(), { profile: "kubo", signal: controller.signal, write: () => undefined })).rejects.toThrow(/abort/i);
  });

  it("refuses paths that do not name one file", async () => {
    const one = (path: string) => packFolder([{ path, content: new Uint8Array(1) }], { profile: "kubo" });
    await expect(one("")).rejects.toThrow(/expected a relative file path/);
    await expect(one("/1.png")).rejects.toThrow(/expected a relative file path/);
    await expect(one("a/../1.png")).rejects.toThrow(/expected a relative file path/);
    const twice = [
      { path: "1.png", content: new Uint8Array(1) },
      { path: "1.png", content: new Uint8Array(2) },
    ];
    await expect(packFolder(twice, { profile: "kubo" })).rejects.toThrow("1.png: expected each path once, found it twice");
    await expect(packFolder([], { profile: "nope" as IpfsProfileName })).rejects.toThrow('--profile: expected one of kubo, kubo-cidv1, ipfs-car, found "nope"');
  });
});

// ---- the metadata's second pass --------------------------------------------------------------------------

describe("withImageUri changes only the image value", () => {
  const meta = {
    name: 'Loom "quoted" #7',
    description: "Back\\slash, tab\t, é, 🦊, </script>",
    image: "https://example.com/old/7.png",
    dna: "ab12",
    edition: 7,
    attributes: [
      { trait_type: "image", value: "image" },
      { trait_type: "Hat", value: '"image": "not this"' },
    ],
    properties: { image: "nested-stays", files: [{ uri: "7.png", type: "image/png" }] },
    compiler: "Traitloom",
  };
  const uri = ipfsUri("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "7.png");

  it("in the metadata writer's own bytes: the same text with only the image value new", () => {
    const before = metadataJson(meta);
    const after = withImageUri(before, uri, "metadata/7.json");
    expect(after).toBe(metadataJson({ ...meta, image: uri }));
    const old = '"https://example.com/old/7.png"';
    const at = before.indexOf(old);
    expect(after).toBe(`${before.slice(0, at)}${JSON.stringify(uri)}${before.slice(at + old.length)}`);
  });

  it("in another writer's layout (minified, image last, odd spacing) every other byte kept", () => {
    const minified = '{"attributes":[{"image":1}],"name":"a","image" :  "old.png" }';
    expect(withImageUri(minified, uri, "m.json")).toBe(`{"attributes":[{"image":1}],"name":"a","image" :  ${JSON.stringify(uri)} }`);
    const crlf = '{\r\n\t"image": "x\\"y",\r\n\t"n": [1, {"image": "k"}]\r\n}';
    expect(withImageUri(crlf, "ipfs://r/1.png", "c.json")).toBe('{\r\n\t"image": "ipfs://r/1.png",\r\n\t"n": [1, {"image": "k"}]\r\n}');
    expect(withImageUri('{"\\u0069mage":"old"}', "u", "e.json")).toBe('{"\\u0069mage":"u"}');
  });

  it("refuses what is not one string image in a JSON object", () => {
    expect(() => withImageUri("{", uri, "metadata/1.json")).toThrow(/^metadata\/1.json: expected JSON metadata, found text that does not parse/);
    expect(() => withImageUri("[1]", uri, "metadata/1.json")).toThrow("metadata/1.json: expected a JSON object of token metadata, found an array");
    expect(() => withImageUri('{"name":"x","attributes":[{"image":"y"}]}', uri, "metadata/1.json")).toThrow('metadata/1.json: expected an "image" field to point at the uploaded image, found none');
    expect(() => withImageUri('{"image":null}', uri, "metadata/1.json")).toThrow("metadata/1.json: image: expected a string, found null");
    expect(() => withImageUri('{"image":"a","image":"b"}', uri, "metadata/1.json")).toThrow('metadata/1.json: expected one "image" field, found 2');
  });

  it("ipfsUri percent-encodes what a URI cannot hold", () => {
    expect(ipfsUri("bafyroot", "1.png")).toBe("ipfs://bafyroot/1.png");
    expect(ipfsUri("bafyroot", "art/a b#1.png")).toBe("ipfs://bafyroot/art/a%20b%231.png");
  });
});

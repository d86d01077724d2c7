/**
 * IPFS without a network: every file's CID and the folder's root CID, computed here, and a CAR (v1) of every block
 * under that root, streamed as the files come. Upload the CAR as given and the service holds these very blocks, so
 * the CIDs printed before the upload are the ones it reports (FIELD.md F14). Pure: no node:*, no DOM, so the CLI
 * (src/node/pack.ts) and the studio's workers run the same code.
 *
 * A CID depends on how a file was cut into blocks (the importer profile: CID version, chunk size, raw leaves,
 * children per node, when a directory becomes a HAMT shard), so the same image has one CID under kubo's defaults
 * and another under ipfs-car's. The profile is a preset named by the caller and recorded beside the CIDs.
 *
 * Memory: files are imported a few at a time (FILES_AT_ONCE) and their blocks written to the CAR as they are made,
 * so at most those few files' chunks are held, whatever the collection's size. What grows with the collection is
 * the directory being built (one name, CID and size per file) and the set of blocks already written (one CID string
 * per block, to write none twice): about 200 bytes per file, 20 MB for 100,000 tokens.
 */
import { CarWriter } from "@ipld/car/writer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { importer, type ImportCandidate, type ImporterOptions, type ImportResult, type InProgressImportResult, type WritableStorage } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { TraitloomError } from "../core/errors.js";

export type IpfsProfileName = "kubo" | "kubo-cidv1" | "ipfs-car";

export const IPFS_PROFILE_NAMES: readonly IpfsProfileName[] = ["kubo", "kubo-cidv1", "ipfs-car"];

/** When a directory stops being one dag-pb node and becomes a HAMT shard (UnixFS spec, fanout 256, murmur3-x64-64). */
export type ShardRule =
  /** kubo: the names' UTF-8 bytes plus the links' CID bytes add up to more than this (boxo `needsToSwitchByLinkSize`). */
  | { by: "linkBytes"; over: number }
  /** ipfs-car: more entries than this (its `SHARD_THRESHOLD`, 1,000). */
  | { by: "entries"; over: number };

/** Everything about how files become blocks that changes a CID. */
export interface IpfsProfile {
  name: IpfsProfileName;
  cidVersion: 0 | 1;
  /** Leaves as raw blocks (codec raw) rather than UnixFS file nodes; a one-chunk file is then a raw block itself. */
  rawLeaves: boolean;
  /** Bytes per leaf (fixed-size chunker). */
  chunkSize: number;
  /** Most links in one file node (balanced layout). */
  maxChildren: number;
  shard: ShardRule;
}

const KIB = 1024;
const MIB = 1024 * KIB;
/** boxo's HAMTShardingSize, kubo's Import.UnixFSHAMTDirectorySizeThreshold default. */
const KUBO_SHARD_LINK_BYTES = 256 * KIB;

/**
 * The presets. `kubo`: `ipfs add -r` with kubo's defaults (CIDv0, 256 KiB chunks, 174 links, UnixFS leaves; IPIP-499's
 * unixfs-v0-2015). `kubo-cidv1`: `ipfs add -r --cid-version 1`, which implies raw leaves. `ipfs-car`: ipfs-car ≥ 3.0.0's
 * `pack` (1 MiB chunks, 1024 children, CIDv1, raw leaves, directories of more than 1,000 entries sharded).
 */
export const IPFS_PROFILES: Readonly<Record<IpfsProfileName, IpfsProfile>> = {
  kubo: { name: "kubo", cidVersion: 0, rawLeaves: false, chunkSize: 256 * KIB, maxChildren: 174, shard: { by: "linkBytes", over: KUBO_SHARD_LINK_BYTES } },
  "kubo-cidv1": { name: "kubo-cidv1", cidVersion: 1, rawLeaves: true, chunkSize: 256 * KIB, maxChildren: 174, shard: { by: "linkBytes", over: KUBO_SHARD_LINK_BYTES } },
  "ipfs-car": { name: "ipfs-car", cidVersion: 1, rawLeaves: true, chunkSize: MIB, maxChildren: 1024, shard: { by: "entries", over: 1000 } },
};

/** A profile by name, or a one-line BAD_ARGUMENT naming the choices. */
export function ipfsProfile(name: string): IpfsProfile {
  const profile = (IPFS_PROFILES as Record<string, IpfsProfile | undefined>)[name];
  if (!profile) throw new TraitloomError("BAD_ARGUMENT", `--profile: expected one of ${IPFS_PROFILE_NAMES.join(", ")}, found "${name}"`);
  return profile;
}

/** One file to pack. */
export interface PackInput {
  /** Its path inside the packed folder, "/"-separated, without leading "/" ("1.png", "art/1.png"). */
  path: string;
  /** The bytes, or a stream of them, read only when the file's turn comes. */
  content: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

export interface PackedFile {
  path: string;
  cid: string;
  /** The file's length in bytes. */
  bytes: number;
}

export interface PackResult {
  profile: IpfsProfileName;
  /** The folder's CID: `ipfs://<root>/<path>` reaches each file. */
  root: string;
  /** Every file in the order given, with its CID. */
  files: PackedFile[];
  /** Blocks written to the CAR (each once). */
  blocks: number;
  /** The CAR's length in bytes (0 when no CAR was asked for). */
  carBytes: number;
  /**
   * The CAR header naming `root`, when the CAR was written before its root was known: it has the length of the
   * placeholder header written first, so writing it over the CAR's first `header.length` bytes finishes the CAR
   * (what `ipfs-car pack --output` does). Absent when the caller gave `root` (its header is right already) or asked
   * for no CAR.
   */
  header?: Uint8Array;
}

export interface PackOptions {
  profile: IpfsProfileName | IpfsProfile;
  /**
   * Receives the CAR's bytes in order; awaited, so a slow disk slows the packing rather than filling memory.
   * Without it only the CIDs are computed.
   */
  write?: (chunk: Uint8Array) => void | Promise<void>;
  /**
   * The root CID, when known from an earlier pass (`packFolder` without `write`): the header is written with it
   * up front, so the CAR can go to a stream that cannot be rewritten (a ZIP entry, an upload). A different
   * computed root is an error.
   */
  root?: string;
  /** Called as each file's CID is known, in the order given (progress, or a listing written as it goes). */
  onFile?: (file: PackedFile, index: number) => void;
  signal?: AbortSignal;
}

/**
 * Files between two turns of the event loop. Hashing is synchronous in Node (multiformats' sha256 is node:crypto),
 * so without these turns a pack of 100,000 files would run as one long chain of microtasks: no Ctrl-C, no
 * progress line, no worker message until it ended.
 */
const FILES_PER_TURN = 32;

/** Files imported at once: a few keep the hashing busy; each holds up to BLOCKS_AT_ONCE chunks. */
const FILES_AT_ONCE = 4;
const BLOCKS_AT_ONCE = 8;
/** multicodec dag-pb: every directory and every non-leaf file node. */
const DAG_PB_CODE = 0x70;
const SHA2_256_CODE = 0x12;

/** The part of @ipld/car's CarWriter the blocks go through. */
interface BlockWriter {
  put(block: { cid: CID; bytes: Uint8Array }): Promise<void>;
}

interface DirEntry {
  cid: CID;
  /** Cumulative DAG size (a link's Tsize). */
  size: bigint;
}

/**
 * A packed file as the folder keeps it until the folder is made: its CID's bytes (one small buffer, where a CID
 * object holds three) and its Tsize.
 */
interface FileEntry {
  cid: Uint8Array;
  size: number;
}

interface DirNode {
  files: Map<string, FileEntry>;
  dirs: Map<string, DirNode>;
}

function badInput(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

/** Splits a path into its names, refusing what would not name one file in one folder tree. */
function pathNames(path: string): string[] {
  const names = path.split("/");
  if (path === "" || names.some((n) => n === "" || n === "." || n === "..")) {
    throw badInput(`${JSON.stringify(path)}: expected a relative file path such as "1.png" or "art/1.png", without empty, "." or ".." parts`);
  }
  return names;
}

function placeDirectory(root: DirNode, names: readonly string[], path: string): DirNode {
  let dir = root;
  for (const name of names) {
    if (dir.files.has(name)) throw badInput(`${path}: expected ${name} to be a folder, found a file of that name packed already`);
    let next = dir.dirs.get(name);
    if (!next) {
      next = { files: new Map(), dirs: new Map() };
      dir.dirs.set(name, next);
    }
    dir = next;
  }
  return dir;
}

/**
 * A CID as text, without keeping V8's rope of it: multiformats builds the string a character at a time (a rope of
 * ~47 pieces, 1.5 KB) and caches it on the CID object for as long as that lives, and the folder being built keeps
 * every file's CID. So the text is made from a copy, and copied flat.
 */
function cidText(cid: CID): string {
  return JSON.parse(JSON.stringify(CID.create(cid.version, cid.code, cid.multihash).toString())) as string;
}

/** The blocks go here: each written to the CAR once, in the order the importer makes them. */
class CarSink implements WritableStorage {
  /** Every block written, by its CID's bytes as a one-byte string (flat, and shorter than the CID's text). */
  readonly seen = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  /** `failed` rejects when the CAR's bytes can no longer be written, so no put waits for a drain that never comes. */
  constructor(
    private readonly writer: BlockWriter | undefined,
    private readonly failed: Promise<never>,
  ) {}

  put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<CID> {
    if (!(bytes instanceof Uint8Array)) throw new Error("ipfs: the importer handed a block as a stream; expected bytes");
    const key = String.fromCharCode(...cid.bytes);
    if (this.seen.has(key)) return Promise.resolve(cid);
    this.seen.add(key);
    const writer = this.writer;
    if (!writer) return Promise.resolve(cid);
    // The importer puts several blocks at once; the CAR takes them one after the other.
    const done = Promise.race([this.queue.then(() => writer.put({ cid, bytes })), this.failed]);
    this.queue = done;
    return done.then(() => cid);
  }
}

function importerOptions(profile: IpfsProfile, extra: ImporterOptions): ImporterOptions {
  return {
    cidVersion: profile.cidVersion,
    rawLeaves: profile.rawLeaves,
    // kubo's balanced layout makes non-raw leaves UnixFS "file" nodes; a one-chunk file is its own root.
    leafType: "file",
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: profile.chunkSize }),
    layout: balanced({ maxChildrenPerNode: profile.maxChildren }),
    shardSplitStrategy: "links-bytes",
    shardFanoutBits: 8,
    fileImportConcurrency: FILES_AT_ONCE,
    blockWriteConcurrency: BLOCKS_AT_ONCE,
    ...extra,
  };
}

/**
 * One folder's node from its entries (already made): flat, or a HAMT shard where the profile's rule says so. The
 * importer's own tree builder does it, fed the finished entries, so flat and sharded directories are exactly the
 * importer's (sorted links, Tsize, kubo-compatible HAMT).
 */
async function directoryNode(dir: DirNode, profile: IpfsProfile, store: CarSink): Promise<DirEntry> {
  const entries: Array<[string, DirEntry]> = [];
  for (const [name, file] of dir.files) entries.push([name, { cid: CID.decode(file.cid), size: BigInt(file.size) }]);
  for (const [name, sub] of dir.dirs) entries.push([name, await directoryNode(sub, profile, store)]);
  const count = entries.length;
  // The importer shards on link bytes only; ipfs-car's count rule becomes "always" or "never" for this folder.
  const threshold = profile.shard.by === "linkBytes" ? profile.shard.over : count > profile.shard.over ? 0 : Number.MAX_SAFE_INTEGER;
  const dagBuilder = async function* (): AsyncGenerator<() => Promise<InProgressImportResult>> {
    for (const [name, entry] of entries) yield () => Promise.resolve({ cid: entry.cid, size: entry.size, path: name });
  };
  let last: ImportResult | undefined;
  for await (const result of importer([], store, importerOptions(profile, { wrapWithDirectory: true, shardSplitThresholdBytes: threshold, dagBuilder }))) last = result;
  if (!last || last.path !== "") throw new Error("ipfs: the importer made no folder node");
  return { cid: last.cid, size: last.size };
}

/** A CID of the right length for the header written before the root is known; never a real block's. */
function placeholderRoot(profile: IpfsProfile): CID {
  const digest = Digest.create(SHA2_256_CODE, new Uint8Array(32));
  return profile.cidVersion === 0 ? CID.createV0(digest) : CID.createV1(DAG_PB_CODE, digest);
}

function parseRoot(root: string): CID {
  try {
    return CID.parse(root);
  } catch {
    throw badInput(`root: expected a CID, found ${JSON.stringify(root)}`);
  }
}

/**
 * Packs a folder of files: each file's CID, the folder's root CID and, given `write`, a CAR (v1) of every block
 * with that root, written as the blocks are made. `files` may be a lazy (async) iterable that reads each file when
 * it is pulled, so a 100,000-token collection is never in memory at once (see the module comment).
 *
 * @example
 * const chunks: Uint8Array[] = [];
 * const result = await packFolder([{ path: "1.png", content: png }], { profile: "ipfs-car", write: (c) => void chunks.push(c) });
 * // CAR = chunks with result.header written over its start; image URI: `ipfs://${result.root}/1.png`
 */
export async function packFolder(files: Iterable<PackInput> | AsyncIterable<PackInput>, options: PackOptions): Promise<PackResult> {
  const profile = typeof options.profile === "string" ? ipfsProfile(options.profile) : options.profile;
  const signal = options.signal;
  const expected = options.root === undefined ? undefined : parseRoot(options.root);
  if (expected && expected.version !== profile.cidVersion) {
    throw badInput(`root: expected a CIDv${profile.cidVersion} for the ${profile.name} profile, found ${options.root} (CIDv${expected.version})`);
  }

  let channel: ReturnType<typeof CarWriter.create> | undefined;
  let pump: Promise<void> = Promise.resolve();
  let carBytes = 0;
  let firstChunk: Uint8Array | undefined;
  if (options.write) {
    const write = options.write;
    channel = CarWriter.create([expected ?? placeholderRoot(profile)]);
    const out = channel.out;
    pump = (async () => {
      for await (const chunk of out) {
        if (firstChunk === undefined) firstChunk = chunk.slice();
        carBytes += chunk.length;
        await write(chunk);
      }
    })();
  }
  const failed = pump.then(() => new Promise<never>(() => undefined));
  failed.catch(() => undefined);
  const store = new CarSink(channel?.writer, failed);

  const tree: DirNode = { files: new Map(), dirs: new Map() };
  const packed: PackedFile[] = [];
  const lengths = new Map<string, number>();
  async function* candidates(): AsyncGenerator<ImportCandidate> {
    let count = 0;
    for await (const file of files) {
      if (++count % FILES_PER_TURN === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      signal?.throwIfAborted();
      pathNames(file.path);
      const path = file.path;
      const content = file.content;
      const counted = (async function* () {
        let length = 0;
        for await (const chunk of content instanceof Uint8Array ? [content] : content) {
          length += chunk.length;
          yield chunk;
        }
        lengths.set(path, length);
      })();
      yield { path, content: counted };
    }
  }

  try {
    // Files only here: each comes back in order as soon as its blocks are made; folders are made at the end.
    const treeBuilder = async function* (source: AsyncIterable<InProgressImportResult>): AsyncGenerator<ImportResult> {
      for await (const entry of source) yield entry;
    };
    for await (const result of importer(candidates(), store, importerOptions(profile, { treeBuilder }))) {
      signal?.throwIfAborted();
      const path = result.path ?? "";
      const names = pathNames(path);
      const name = names.pop() as string;
      const dir = placeDirectory(tree, names, path);
      if (dir.dirs.has(name)) throw badInput(`${path}: expected a file, found a folder of that name packed already`);
      if (dir.files.has(name)) throw badInput(`${path}: expected each path once, found it twice`);
      dir.files.set(name, { cid: result.cid.bytes.slice(), size: Number(result.size) });
      const file: PackedFile = { path, cid: cidText(result.cid), bytes: lengths.get(path) ?? 0 };
      lengths.delete(path);
      options.onFile?.(file, packed.length);
      packed.push(file);
    }
    const root = await directoryNode(tree, profile, store);
    if (expected && expected.toString() !== root.cid.toString()) {
      throw badInput(`root: expected the folder's CID to be ${expected.toString()}, found ${root.cid.toString()} (the files changed since the first pass)`);
    }
    if (channel) {
      await Promise.race([channel.writer.close(), failed]);
      await pump;
    }
    const result: PackResult = { profile: profile.name, root: root.cid.toString(), files: packed, blocks: store.seen.size, carBytes };
    if (channel && !expected) {
      if (!firstChunk) throw new Error("ipfs: the CAR writer wrote no header");
      result.header = await CarWriter.updateRootsInBytes(firstChunk, [root.cid]);
    }
    return result;
  } catch (e) {
    // Let the pump finish or fail on its own; the caller discards a half-written CAR.
    pump.catch(() => undefined);
    throw e;
  }
}

/** `ipfs://<root>/<path>`, each path part percent-encoded where a URI needs it. */
export function ipfsUri(root: string, path: string): string {
  return `ipfs://${root}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

const JSON_SPACE = new Set([" ", "\t", "\n", "\r"]);

function skipSpace(json: string, i: number): number {
  while (i < json.length && JSON_SPACE.has(json[i] as string)) i++;
  return i;
}

/** Index just past the string literal starting at `i`. */
function skipString(json: string, i: number): number {
  i++;
  while (i < json.length && json[i] !== '"') i += json[i] === "\\" ? 2 : 1;
  return i + 1;
}

/** Index just past the JSON value starting at `i` (the text is known to parse). */
function skipValue(json: string, i: number): number {
  const c = json[i];
  if (c === '"') return skipString(json, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    while (i < json.length) {
      const d = json[i];
      if (d === '"') {
        i = skipString(json, i);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < json.length && !JSON_SPACE.has(json[i] as string) && json[i] !== "," && json[i] !== "}" && json[i] !== "]") i++;
  return i;
}

/**
 * The top-level members of a JSON object text, each key with the [start, end) of its value: a small scanner rather
 * than JSON.parse + stringify, so a caller can change one value and keep every other byte as it was written.
 */
function topLevelMembers(json: string): Array<{ key: string; start: number; end: number }> {
  const members: Array<{ key: string; start: number; end: number }> = [];
  let i = skipSpace(json, 0) + 1; // past "{"
  for (;;) {
    i = skipSpace(json, i);
    if (json[i] !== '"') break; // "}"
    const keyEnd = skipString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipSpace(json, skipSpace(json, keyEnd) + 1); // past ":"
    const end = skipValue(json, i);
    members.push({ key, start: i, end });
    i = skipSpace(json, end);
    if (json[i] !== ",") break;
    i++;
  }
  return members;
}

/**
 * The metadata JSON with its top-level `image` value replaced by `uri` and every other byte kept: the second pass
 * of a launch, after the images' root CID is known. `file` names the file in errors. The text must be a JSON object
 * with a string `image` (what every metadata writer of the erc721 target writes).
 *
 * @example
 * withImageUri(metadataJson(meta), "ipfs://bafy…/1.png", "metadata/1.json")
 */
export function withImageUri(json: string, uri: string, file: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw badInput(`${file}: expected JSON metadata, found text that does not parse (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badInput(`${file}: expected a JSON object of token metadata, found ${Array.isArray(parsed) ? "an array" : typeof parsed}`);
  const images = topLevelMembers(json).filter((m) => m.key === "image");
  const image = (parsed as Record<string, unknown>).image;
  if (images.length === 0) throw badInput(`${file}: expected an "image" field to point at the uploaded image, found none`);
  if (images.length > 1) throw badInput(`${file}: expected one "image" field, found ${images.length}`);
  if (typeof image !== "string") throw badInput(`${file}: image: expected a string, found ${JSON.stringify(image)}`);
  const span = images[0] as { start: number; end: number };
  return `${json.slice(0, span.start)}${JSON.stringify(uri)}${json.slice(span.end)}`;
}

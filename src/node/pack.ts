/**
 * `traitloom pack`: a finished collection folder to two CAR files, with every CID computed here (src/render/ipfs.ts).
 * Pass 1 packs images/ → the images' root CID; pass 2 rewrites each metadata file's `image` to
 * `ipfs://<images root>/<id>.<ext>` (nothing else changes) and packs those → the metadata root CID, the base URI for
 * the contract. Everything lands in `<out>/ipfs/` at once:
 *
 *   ipfs/images.car      upload first, as a CAR
 *   ipfs/metadata.car    upload second, as a CAR
 *   ipfs/metadata/       the rewritten metadata, byte for byte what metadata.car holds
 *   ipfs/cids.json       the profile, both roots, every file's CID
 *
 * The collection's own metadata/ is left as generate wrote it (and as resume checks it): the copies that were
 * uploaded are the ones in ipfs/metadata/, so what a user keeps beside the CARs is what went up.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { TraitloomError } from "../core/errors.js";
import { parseManifest, type StoredManifest } from "../core/stored.js";
import { IPFS_PROFILES, packFolder, type IpfsProfile, type IpfsProfileName, type PackInput, type PackResult } from "../render/ipfs.js";
import { NodeFileStore } from "./fileStore.js";
import { checkPackable, cidsJsonChunks, missingImage, missingMetadata, otherImage, packedMetadata, packTokens, type PackToken } from "../render/packCollection.js";
import { rewriteManifest, storedHeader } from "../render/update.js";
import { readRefusal, writeFailure } from "./files.js";

export { IPFS_PROFILE_NAMES, type IpfsProfileName } from "../render/ipfs.js";

/** The folder pack writes inside the collection. */
export const PACK_DIR = "ipfs";
/** Temp folders of a pack being written (".ipfs.<pid>.tmp") and of the one it replaces (".ipfs.<pid>.old"). */
const PACK_TEMP_RE = /^\.ipfs\.\d+\.(?:tmp|old)$/;
/** CAR bytes gathered before one write to disk: the CAR writer hands over three small pieces per block. */
const WRITE_BUFFER_BYTES = 1 << 20;
/** Read size for images: one ipfs-car chunk. */
const READ_CHUNK_BYTES = 1 << 20;

export type PackStage = "images" | "metadata";

export interface PackCollectionOptions {
  profile: IpfsProfileName;
  signal?: AbortSignal;
  /** Files packed so far in a stage, of `total`. */
  onProgress?: (stage: PackStage, done: number, total: number) => void;
}

export interface PackedFolder {
  root: string;
  /** The CAR's path. */
  car: string;
  files: number;
  carBytes: number;
}

export interface PackCollectionResult {
  profile: IpfsProfile;
  images: PackedFolder;
  metadata: PackedFolder;
  /** `ipfs://<images root>/`: where every rewritten `image` points. */
  imageBaseUri: string;
  /** `ipfs://<metadata root>/`: the contract's base URI; token 7's metadata is `<baseUri>7.json`. */
  baseUri: string;
  /** The pack's folder, `<out>/ipfs`. */
  dir: string;
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

async function readManifest(outDir: string): Promise<StoredManifest> {
  const path = join(outDir, "manifest.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      const folder = await stat(outDir).catch(() => undefined);
      if (!folder) throw badArgument(`${outDir}: expected a collection folder to pack, found nothing there`);
      if (!folder.isDirectory()) throw badArgument(`${outDir}: expected a collection folder to pack, found a file`);
      throw badArgument(`${path}: expected the manifest of a finished generate run, found none (run traitloom generate until it says done)`);
    }
    throw badArgument(`${path}: expected to read the manifest, found ${readRefusal(e) ?? String(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw badArgument(`${path}: expected the JSON of a manifest, received a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  const manifest = parseManifest(raw, path);
  checkPackable(manifest, path);
  return manifest;
}

/** CAR bytes to a file: gathered into large writes, then the finished header written over the placeholder. */
class CarFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<CarFile> {
    try {
      return new CarFile(path, await open(path, "w"));
    } catch (e) {
      throw writeFailure(e, path, "the CAR file");
    }
  }

  readonly write = async (chunk: Uint8Array): Promise<void> => {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BUFFER_BYTES) await this.flush();
  };

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.handle.write(bytes);
    } catch (e) {
      throw writeFailure(e, this.path, "the CAR file");
    }
  }

  async finish(header: Uint8Array | undefined): Promise<void> {
    await this.flush();
    try {
      if (header) await this.handle.write(header, 0, header.length, 0);
      await this.handle.sync();
    } catch (e) {
      throw writeFailure(e, this.path, "the CAR file");
    } finally {
      await this.handle.close();
    }
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

async function packToCar(path: string, files: AsyncIterable<PackInput>, profile: IpfsProfile, options: PackCollectionOptions, stage: PackStage, total: number): Promise<PackResult> {
  const car = await CarFile.create(path);
  try {
    const result = await packFolder(files, {
      profile,
      write: car.write,
      onFile: (_file, index) => options.onProgress?.(stage, index + 1, total),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await car.finish(result.header);
    return result;
  } catch (e) {
    await car.discard();
    throw e;
  }
}

/** One image as a stream, its sha256 checked against the manifest's when the last byte has gone by. */
async function* verifiedImage(path: string, shown: string, sha256: string): AsyncGenerator<Uint8Array> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      yield chunk;
    }
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw missingImage(shown, code === "ENOENT" ? "nothing there" : (readRefusal(e) ?? String(e)));
  }
  const have = hash.digest("hex");
  if (have !== sha256) throw otherImage(shown, sha256, have);
}

/** The images in manifest order, read one at a time as the packer pulls them. */
async function* imageInputs(outDir: string, tokens: readonly PackToken[]): AsyncGenerator<PackInput> {
  for (const token of tokens) yield { path: token.image, content: verifiedImage(join(outDir, token.imagePath), token.imagePath, token.imageSha256) };
}

/** The metadata with `image` pointing into the images' root, written to `into` and handed to the packer. */
async function* metadataInputs(outDir: string, into: string, tokens: readonly PackToken[], imagesRoot: string): AsyncGenerator<PackInput> {
  for (const token of tokens) {
    let raw: Buffer;
    try {
      raw = await readFile(join(outDir, token.metadataPath));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw missingMetadata(token.metadataPath, code === "ENOENT" ? "nothing there" : (readRefusal(e) ?? String(e)));
    }
    const bytes = packedMetadata(raw, token, imagesRoot);
    const target = join(into, token.metadata);
    try {
      await writeFile(target, bytes);
    } catch (e) {
      throw writeFailure(e, target, "the rewritten metadata");
    }
    yield { path: token.metadata, content: bytes };
  }
}

async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(path, "w").catch((e: unknown) => {
    throw writeFailure(e, path, "the CID list");
  });
  try {
    let buffered = "";
    for (const chunk of chunks) {
      buffered += chunk;
      if (buffered.length >= WRITE_BUFFER_BYTES) {
        await handle.write(buffered);
        buffered = "";
      }
    }
    await handle.write(buffered);
  } catch (e) {
    throw writeFailure(e, path, "the CID list");
  } finally {
    await handle.close();
  }
}

/** Removes the temp folders a killed pack left beside ipfs/. */
async function removeStaleTemps(outDir: string): Promise<void> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => PACK_TEMP_RE.test(n)).map((n) => rm(join(outDir, n), { recursive: true, force: true })));
}

/** ipfs/ replaced whole: the old one moved aside, the new one renamed in, the old one removed. */
async function putInPlace(outDir: string, tmp: string): Promise<string> {
  const dir = join(outDir, PACK_DIR);
  const existing = await stat(dir).catch(() => undefined);
  if (existing) {
    const ours = existing.isDirectory() && (await stat(join(dir, "cids.json")).catch(() => undefined)) !== undefined;
    if (!ours) throw new TraitloomError("OUTPUT_CONFLICT", `${dir}: expected nothing there or an earlier pack (with cids.json), found ${existing.isDirectory() ? "a folder pack did not write" : "a file"}; move it away and run pack again`);
    const old = join(outDir, `.${PACK_DIR}.${process.pid}.old`);
    await rename(dir, old);
    await rename(tmp, dir);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(tmp, dir);
  }
  return dir;
}

/**
 * Packs a finished collection folder (see the module comment): reads manifest.json for the tokens, checks each image
 * against its recorded sha256 while packing it, and returns both roots and the profile (for the manifest). Holds the
 * folder's lock meanwhile, so no generate rewrites it under the packer. Nothing is left half-written: a failure or
 * an abort removes the temp folder and leaves an earlier ipfs/ as it was.
 */
export async function packCollection(outDir: string, options: PackCollectionOptions): Promise<PackCollectionResult> {
  const profile = IPFS_PROFILES[options.profile];
  const manifest = await readManifest(outDir);
  const tokens = packTokens(manifest);
  const total = tokens.length;
  const held = await new NodeFileStore(outDir).lock();
  const tmp = join(outDir, `.${PACK_DIR}.${process.pid}.tmp`);
  try {
    await removeStaleTemps(outDir);
    try {
      await mkdir(join(tmp, "metadata"), { recursive: true });
    } catch (e) {
      throw writeFailure(e, tmp, "the pack's folder");
    }
    const images = await packToCar(join(tmp, "images.car"), imageInputs(outDir, tokens), profile, options, "images", total);
    options.signal?.throwIfAborted();
    const metadata = await packToCar(join(tmp, "metadata.car"), metadataInputs(outDir, join(tmp, "metadata"), tokens, images.root), profile, options, "metadata", total);
    const imageBaseUri = `ipfs://${images.root}/`;
    const baseUri = `ipfs://${metadata.root}/`;
    await writeChunks(join(tmp, "cids.json"), cidsJsonChunks(profile, images, metadata, imageBaseUri, baseUri));
    options.signal?.throwIfAborted();
    const dir = await putInPlace(outDir, tmp).catch((e: unknown) => {
      throw writeFailure(e, join(outDir, PACK_DIR), "the pack's folder");
    });
    // The manifest records the profile and both roots: the CIDs depend on the profile, and the base URI is the contract's.
    await rewriteManifest(new NodeFileStore(outDir), manifest, { ...storedHeader(manifest), pack: { profile: { ...profile }, images: images.root, metadata: metadata.root, baseUri } });
    const folder = (name: string, r: PackResult): PackedFolder => ({ root: r.root, car: join(dir, name), files: r.files.length, carBytes: r.carBytes });
    return { profile, images: folder("images.car", images), metadata: folder("metadata.car", metadata), imageBaseUri, baseUri, dir };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (options.signal?.aborted && !(e instanceof TraitloomError)) throw new TraitloomError("ABORTED", "stopped: nothing was packed (an earlier ipfs/ is as it was)");
    throw e;
  } finally {
    await held.release();
  }
}

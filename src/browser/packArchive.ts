/**
 * `traitloom pack` on a run's archive: the images (checked against the manifest) packed into images.car, then the
 * metadata with `image` pointing at ipfs://<images root>/… packed into metadata.car, with the CLI's profiles, rules
 * and cids.json (src/render/ipfs.ts, src/render/packCollection.ts), so the CIDs are the CLI's for the same files.
 * Where the CAR bytes go is the caller's (an OPFS file or memory: `memoryCar`).
 */
import { sha256Hex } from "../core/hash.js";
import { IPFS_PROFILES, packFolder, type IpfsProfile, type IpfsProfileName, type PackInput, type PackResult } from "../render/ipfs.js";
import { checkPackable, cidsJsonChunks, missingImage, missingMetadata, otherImage, packedMetadata, packTokens, type PackToken } from "../render/packCollection.js";
import { readStoredManifest, rewriteManifest, storedHeader } from "../render/update.js";
import { ArchiveStore, rewriteArchive, type ArchiveOutput } from "./archiveStore.js";
import { tokenPaths } from "../render/pipeline.js";

/** Where one CAR's bytes go, in order; `finish` writes the header over its start and gives the CAR. */
export interface CarOutput {
  write(chunk: Uint8Array): Promise<void> | void;
  finish(header: Uint8Array | undefined): Promise<Blob>;
  discard(): Promise<void>;
}

/** A CAR in memory: its chunks, then one Blob with the finished header in front. */
export function memoryCar(): CarOutput {
  const parts: Uint8Array[] = [];
  return {
    write(chunk) {
      parts.push(chunk.slice());
    },
    async finish(header) {
      const whole = new Blob(parts as Uint8Array<ArrayBuffer>[], { type: "application/vnd.ipld.car" });
      return header ? new Blob([header as Uint8Array<ArrayBuffer>, whole.slice(header.length)], { type: "application/vnd.ipld.car" }) : whole;
    },
    async discard() {
      parts.length = 0;
    },
  };
}

export interface PackedCar {
  root: string;
  files: number;
  carBytes: number;
  car: Blob;
}

export interface ArchivePack {
  profile: IpfsProfile;
  images: PackedCar;
  metadata: PackedCar;
  /** `ipfs://<images root>/`: where every rewritten `image` points. */
  imageBaseUri: string;
  /** `ipfs://<metadata root>/`: the contract's base URI. */
  baseUri: string;
  /** cids.json as `traitloom pack` writes it. */
  cids: Blob;
}

export type ArchivePackStage = "images" | "metadata";

async function* imageInputs(store: ArchiveStore, tokens: readonly PackToken[]): AsyncGenerator<PackInput> {
  for (const token of tokens) {
    const bytes = await store.readBytes(token.imagePath);
    if (!bytes) throw missingImage(token.imagePath);
    const have = sha256Hex(bytes);
    if (have !== token.imageSha256) throw otherImage(token.imagePath, token.imageSha256, have);
    yield { path: token.image, content: bytes };
  }
}

async function* metadataInputs(store: ArchiveStore, tokens: readonly PackToken[], imagesRoot: string): AsyncGenerator<PackInput> {
  for (const token of tokens) {
    const raw = await store.readBytes(token.metadataPath);
    if (!raw) throw missingMetadata(token.metadataPath);
    yield { path: token.metadata, content: packedMetadata(raw, token, imagesRoot) };
  }
}

async function toCar(files: AsyncIterable<PackInput>, profile: IpfsProfile, out: CarOutput, stage: ArchivePackStage, total: number, options: PackArchiveOptions): Promise<{ result: PackResult; car: Blob }> {
  try {
    const result = await packFolder(files, {
      profile,
      write: (c) => out.write(c),
      onFile: (_f, i) => options.onProgress?.(stage, i + 1, total),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { result, car: await out.finish(result.header) };
  } catch (e) {
    await out.discard();
    throw e;
  }
}

export interface PackArchiveOptions {
  profile: IpfsProfileName;
  /** Where each CAR goes; memory where not given. */
  images?: CarOutput | undefined;
  metadata?: CarOutput | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((stage: ArchivePackStage, done: number, total: number) => void) | undefined;
  /** The archive as the user knows it, for messages. */
  location?: string | undefined;
}

/**
 * Packs the collection in `archive` for IPFS as `traitloom pack` packs a folder: images.car (root R1), then the
 * metadata with `image` set to ipfs://R1/<id>.<ext> into metadata.car (root R2, the contract's base URI ipfs://R2/).
 * A shard, a missing file or one whose bytes the manifest does not record is refused in the CLI's words.
 */
export async function packArchive(archive: Blob, options: PackArchiveOptions): Promise<ArchivePack> {
  const profile = IPFS_PROFILES[options.profile];
  const store = await ArchiveStore.open(archive, options.location ?? "the run's archive");
  const manifest = await readStoredManifest(store);
  checkPackable(manifest, `${store.location}/manifest.json`);
  const tokens = packTokens(manifest);
  const images = await toCar(imageInputs(store, tokens), profile, options.images ?? memoryCar(), "images", tokens.length, options);
  options.signal?.throwIfAborted();
  const metadata = await toCar(metadataInputs(store, tokens, images.result.root), profile, options.metadata ?? memoryCar(), "metadata", tokens.length, options);
  const imageBaseUri = `ipfs://${images.result.root}/`;
  const baseUri = `ipfs://${metadata.result.root}/`;
  const cids = new Blob([...cidsJsonChunks(profile, images.result, metadata.result, imageBaseUri, baseUri)], { type: "application/json" });
  const packed = (r: { result: PackResult; car: Blob }): PackedCar => ({ root: r.result.root, files: r.result.files.length, carBytes: r.result.carBytes, car: r.car });
  return { profile, images: packed(images), metadata: packed(metadata), imageBaseUri, baseUri, cids };
}

/**
 * The pack recorded in the run's archive as `traitloom pack` records it in the folder: manifest.json's `pack` (the
 * profile and both roots, which the CIDs depend on) and ipfs/cids.json; every other entry copied as it is, into a
 * new archive at `output`. Returns where each token's image starts in it.
 */
export async function recordPack(archive: Blob, pack: ArchivePack, output: ArchiveOutput, options: { modified: Date; location?: string | undefined; signal?: AbortSignal | undefined }): Promise<Float64Array> {
  const store = await ArchiveStore.open(archive, options.location ?? "the run's archive");
  const manifest = await readStoredManifest(store);
  await rewriteManifest(store, manifest, { ...storedHeader(manifest), pack: { profile: { ...pack.profile }, images: pack.images.root, metadata: pack.metadata.root, baseUri: pack.baseUri } });
  await store.write("ipfs/cids.json", await pack.cids.text());
  const offsets = await rewriteArchive(store, output, options);
  const imageOffsets = new Float64Array(manifest.tokens.length);
  manifest.tokens.forEach((t, i) => {
    imageOffsets[i] = offsets.get(tokenPaths(t.id, manifest).image) ?? 0;
  });
  return imageOffsets;
}

/**
 * A finished run's archive (a ZIP in the origin-private file system, or any ZIP of a collection) as the FileStore
 * that src/render/update.ts takes, so the studio's "set base URI / metadata" is `traitloom update` itself: files are
 * read from the archive as the update asks for them, what it writes is held apart, and `rewriteArchive` then writes a
 * new archive with every entry in its place: untouched entries (every image) copied byte for byte, rewritten ones
 * replaced. Only Blob and TextDecoder: it runs in the page, a worker and Node tests alike.
 */
import { sha256Hex } from "../core/hash.js";
import { TraitloomError } from "../core/errors.js";
import type { StoredManifest } from "../core/stored.js";
import type { Appender, FileStore } from "../render/folderSink.js";
import { tokenPaths } from "../render/pipeline.js";
import { readStoredManifest, updateCollection, type MetadataChanges, type UpdateResult } from "../render/update.js";
import { entryBlob, readZipIndex, type ZipIndexEntry } from "./zipIndex.js";
import { ZipWriter, type ZipSink } from "./zipWriter.js";

const utf8 = new TextEncoder();

/** The archive, read lazily, with the files written since held in memory (metadata only: a few KB a token). */
export class ArchiveStore implements FileStore {
  readonly location: string;
  private readonly byName = new Map<string, ZipIndexEntry>();
  private readonly written = new Map<string, Uint8Array>();
  private readonly removed = new Set<string>();
  private locked = false;

  private constructor(
    readonly archive: Blob,
    readonly index: readonly ZipIndexEntry[],
    location: string,
  ) {
    this.location = location;
    for (const e of index) this.byName.set(e.name, e);
  }

  /** Opens `archive`; a Blob that is no ZIP is a one-line BAD_ARGUMENT naming `location`. */
  static async open(archive: Blob, location: string): Promise<ArchiveStore> {
    let index: ZipIndexEntry[];
    try {
      index = await readZipIndex(archive);
    } catch (e) {
      throw new TraitloomError("BAD_ARGUMENT", `${location}: expected a ZIP archive, found ${e instanceof Error ? e.message : String(e)}`);
    }
    return new ArchiveStore(archive, index, location);
  }

  /** The paths written or replaced since the archive was opened. */
  get changed(): string[] {
    return [...this.written.keys()];
  }

  async checkRoot(): Promise<void> {}

  async readBytes(name: string): Promise<Uint8Array | undefined> {
    const mine = this.written.get(name);
    if (mine) return mine.slice();
    const entry = this.removed.has(name) ? undefined : this.byName.get(name);
    if (!entry) return undefined;
    return new Uint8Array(await (await entryBlob(this.archive, entry)).arrayBuffer());
  }

  async readText(name: string): Promise<string | undefined> {
    const bytes = await this.readBytes(name);
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  }

  async sha256(name: string): Promise<string | undefined> {
    const bytes = await this.readBytes(name);
    return bytes ? sha256Hex(bytes) : undefined;
  }

  async exists(name: string): Promise<boolean> {
    if (this.written.has(name) || (this.byName.has(name) && !this.removed.has(name))) return true;
    const prefix = `${name}/`;
    for (const n of this.written.keys()) if (n.startsWith(prefix)) return true;
    for (const n of this.byName.keys()) if (n.startsWith(prefix) && !this.removed.has(n)) return true;
    return false;
  }

  async ensureDir(): Promise<void> {}

  async remove(name: string): Promise<void> {
    const prefix = `${name}/`;
    for (const n of [...this.written.keys()]) if (n === name || n.startsWith(prefix)) this.written.delete(n);
    for (const n of this.byName.keys()) if (n === name || n.startsWith(prefix)) this.removed.add(n);
  }

  async removeTempFiles(): Promise<void> {}

  async write(name: string, data: string | Uint8Array): Promise<void> {
    this.written.set(name, typeof data === "string" ? utf8.encode(data) : data.slice());
    this.removed.delete(name);
  }

  async writeChunks(name: string, chunks: Iterable<string>): Promise<void> {
    let text = "";
    for (const c of chunks) text += c;
    await this.write(name, text);
  }

  async copy(from: string, to: string): Promise<void> {
    const bytes = await this.readBytes(from);
    if (!bytes) throw new TraitloomError("WRITE_FAILED", `${this.location}/${to}: expected to copy ${from}, found no such file`);
    await this.write(to, bytes);
  }

  async openAppend(name: string): Promise<Appender> {
    let text = (await this.readText(name)) ?? "";
    return {
      append: (line) => {
        text += line;
      },
      close: async () => this.write(name, text),
    };
  }

  async lock(): Promise<{ release(): Promise<void> }> {
    if (this.locked) throw new TraitloomError("OUTPUT_CONFLICT", `${this.location}: expected no other update of this archive, found one under way`);
    this.locked = true;
    return { release: async () => void (this.locked = false) };
  }
}

/** Where a new archive's bytes go, a few entries at a time (an OPFS file's writable, or Blob parts in memory). */
export type ArchiveOutput = (chunks: Uint8Array[]) => Promise<void>;

/** Bytes gathered before one call of the output: about one token's image and metadata. */
const OUTPUT_BUFFER_BYTES = 1 << 20;

/** A ZipSink that gathers bytes for the async output; the writer only appends (no streamed entries here). */
class GatheringSink implements ZipSink {
  parts: Uint8Array[] = [];
  bytes = 0;
  write(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.bytes += bytes.length;
  }
  writeAt(): void {
    throw new Error("archive: a rewritten archive holds no streamed entry");
  }
  take(): Uint8Array[] {
    const out = this.parts;
    this.parts = [];
    this.bytes = 0;
    return out;
  }
}

/**
 * Writes the store's archive again to `output`: the entries in their order, each as the store now holds it (the
 * original bytes where nothing replaced them), then the files written that it did not hold. Returns where each
 * entry's data starts in the new archive (the token browser reads images by offset).
 */
export async function rewriteArchive(store: ArchiveStore, output: ArchiveOutput, options: { modified: Date; signal?: AbortSignal | undefined }): Promise<Map<string, number>> {
  const sink = new GatheringSink();
  const zip = new ZipWriter(sink, options.modified);
  const offsets = new Map<string, number>();
  const held = new Set(store.index.map((e) => e.name));
  const names = [...held, ...store.changed.filter((n) => !held.has(n))];
  for (const name of names) {
    options.signal?.throwIfAborted();
    const bytes = await store.readBytes(name);
    if (!bytes) continue;
    offsets.set(name, zip.addFile(name, bytes).dataOffset);
    if (sink.bytes >= OUTPUT_BUFFER_BYTES) await output(sink.take());
  }
  zip.finish();
  await output(sink.take());
  return offsets;
}

export interface ArchiveUpdate {
  result: UpdateResult;
  /** The updated manifest. */
  manifest: StoredManifest;
  /** Per token (manifest order): where its image's bytes start in the new archive. */
  imageOffsets: Float64Array;
}

/**
 * `traitloom update` on an archive: `updateCollection` over an ArchiveStore, then the new archive written to
 * `output`. Images keep every byte (copied from the old archive), so the provenance hash is the one generate made.
 *
 * @example const parts: Uint8Array[] = []; await updateArchive(zip, { baseUri: "ipfs://bafy…" }, async (c) => void parts.push(...c), { modified: new Date() })
 */
export async function updateArchive(archive: Blob, changes: MetadataChanges, output: ArchiveOutput, options: { modified: Date; location?: string; signal?: AbortSignal | undefined }): Promise<ArchiveUpdate> {
  const store = await ArchiveStore.open(archive, options.location ?? "the run's archive");
  const result = await updateCollection(store, changes, { signal: options.signal });
  const manifest = await readStoredManifest(store);
  const offsets = await rewriteArchive(store, output, options);
  const imageOffsets = new Float64Array(manifest.tokens.length);
  manifest.tokens.forEach((t, i) => {
    imageOffsets[i] = offsets.get(tokenPaths(t.id, manifest).image) ?? 0;
  });
  return { result, manifest, imageOffsets };
}

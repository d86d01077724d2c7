/**
 * The studio's archive as a CollectionSink: one ZIP with the CLI's layout, streamed into a file of the
 * origin-private file system through a sync access handle (so images never pile up in memory), or into memory
 * where the browser offers no such file. A fresh archive per run: a ZIP holds no journal to resume from.
 */
import type { CollectionSink, PlannedToken, RenderedToken } from "../render/pipeline.js";
import { ZipWriter, type ZipSink as ZipBytes } from "./zipWriter.js";

/** Bytes gathered before one write into the archive file. */
const OPFS_BUFFER_BYTES = 4 << 20;

const utf8 = new TextEncoder();

/** The part of a FileSystemSyncAccessHandle the archive needs. */
export interface SyncHandle {
  write(bytes: Uint8Array<ArrayBuffer>, options: { at: number }): number;
  flush(): void;
  close(): void;
}

/**
 * The archive file in the origin-private file system. Writes are gathered into one buffer and handed to the
 * sync access handle a few MiB at a time: each write() is a call into the browser's file backend, and a call
 * per ZIP header cost more than the whole render of a token.
 */
export class OpfsBytes implements ZipBytes {
  readonly kind = "opfs";
  private readonly buffer = new Uint8Array(OPFS_BUFFER_BYTES);
  private used = 0;
  /** Archive offset of buffer[0]. */
  private base = 0;
  private closed = false;
  constructor(private readonly handle: SyncHandle) {}
  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flushBuffer();
    if (bytes.length >= this.buffer.length) {
      this.writeThrough(bytes, this.base);
      this.base += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  writeAt(bytes: Uint8Array, offset: number): void {
    if (offset >= this.base && offset + bytes.length <= this.base + this.used) this.buffer.set(bytes, offset - this.base);
    else this.writeThrough(bytes, offset);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flushBuffer();
    this.handle.flush();
    this.handle.close();
  }
  private flushBuffer(): void {
    if (this.used === 0) return;
    this.writeThrough(this.buffer.subarray(0, this.used), this.base);
    this.base += this.used;
    this.used = 0;
  }
  private writeThrough(bytes: Uint8Array, at: number): void {
    let done = 0;
    while (done < bytes.length) done += this.handle.write(bytes.subarray(done) as Uint8Array<ArrayBuffer>, { at: at + done });
  }
}

export class MemoryBytes implements ZipBytes {
  readonly kind = "memory";
  private readonly parts: Uint8Array[] = [];
  private readonly starts: number[] = [];
  private at = 0;
  write(bytes: Uint8Array): void {
    this.starts.push(this.at);
    this.parts.push(bytes.slice());
    this.at += bytes.length;
  }
  writeAt(bytes: Uint8Array, offset: number): void {
    // Patches are headers written in one piece: find that piece.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const part = this.parts[lo];
    if (!part) throw new Error("zip: patch outside the archive");
    part.set(bytes, offset - (this.starts[lo] ?? 0));
  }
  blob(): Blob {
    return new Blob(this.parts as Uint8Array<ArrayBuffer>[], { type: "application/zip" });
  }
  close(): void {}
}

export class ZipCollectionSink implements CollectionSink {
  readonly location = "the studio's archive";
  readonly placement = undefined;
  private readonly zip: ZipWriter;
  /** Per token (output order): where its image's bytes lie in the archive, for the token browser. */
  readonly imageOffsets: Float64Array;
  readonly imageSizes: Uint32Array;
  /** Milliseconds spent storing images and their metadata. */
  writeMs = 0;

  constructor(
    readonly bytes: OpfsBytes | MemoryBytes,
    modified: Date,
    count: number,
  ) {
    this.zip = new ZipWriter(bytes, modified);
    this.imageOffsets = new Float64Array(count);
    this.imageSizes = new Uint32Array(count);
  }

  get size(): number {
    return this.zip.size;
  }

  async open(): Promise<Array<[number, string]>> {
    return [];
  }

  putToken(token: PlannedToken, rendered: RenderedToken): void {
    const t0 = performance.now();
    if (!rendered.image) throw new Error(`zip sink: token ${token.id} came without its image`);
    const { dataOffset } = this.zip.addFile(token.image, rendered.image, rendered.crc32);
    this.imageOffsets[token.index] = dataOffset;
    this.imageSizes[token.index] = rendered.image.length;
    this.zip.addFile(token.metadataPath, utf8.encode(token.metadata));
    // Every other target chosen: its files, and the image again under the names it needs (solana/assets/0.png).
    for (const f of token.targetFiles ?? []) this.zip.addFile(f.path, utf8.encode(f.text));
    for (const copy of token.imageCopies ?? []) this.zip.addFile(copy, rendered.image, rendered.crc32);
    this.writeMs += performance.now() - t0;
  }

  async putFile(name: string, chunks: Iterable<string>): Promise<void> {
    const entry = this.zip.beginFile(name);
    for (const piece of chunks) entry.append(utf8.encode(piece));
    entry.end();
  }

  async putBytes(name: string, bytes: Uint8Array): Promise<void> {
    this.zip.addFile(name, bytes);
  }

  async finish(): Promise<void> {
    this.zip.finish();
    this.bytes.close();
  }

  async close(): Promise<void> {
    this.bytes.close();
  }
}

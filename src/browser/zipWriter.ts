/**
 * A streaming ZIP writer (store only: PNGs are already deflated) over a byte sink, with ZIP64 where a
 * collection passes 65,535 entries or 4 GiB, so 10,000+ tokens at 1024x1024 fit in one archive.
 * Entries are written as they come; only the central directory (a few dozen bytes per entry) is held.
 * Pure: no DOM, no Node; the sink decides where the bytes go (an OPFS file, memory, a Node buffer in tests).
 */
import { crc32 } from "./crc32.js";

/** Where the archive's bytes go, in order. `writeAt` patches bytes already written (a streamed entry's header). */
export interface ZipSink {
  write(bytes: Uint8Array): void;
  writeAt(bytes: Uint8Array, offset: number): void;
}

interface CentralEntry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
/** "Version needed": 2.0 plain, 4.5 where ZIP64 fields are used (APPNOTE 4.4.3). */
const VERSION_20 = 20;
const VERSION_45 = 45;
const MAX_U32 = 0xffffffff;
const MAX_U16 = 0xffff;

const utf8 = new TextEncoder();

/** MS-DOS date and time of a Date, as ZIP headers store them (local time, 2-second steps). */
export function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A stored entry being streamed: append pieces, then end it. */
export interface ZipEntryStream {
  append(bytes: Uint8Array): void;
  end(): void;
}

export class ZipWriter {
  private readonly sink: ZipSink;
  private readonly entries: CentralEntry[] = [];
  private offset = 0;
  private readonly stamp: { time: number; date: number };
  private open: { entry: CentralEntry; headerAt: number } | undefined;
  private finished = false;

  constructor(sink: ZipSink, modified: Date) {
    this.sink = sink;
    this.stamp = dosDateTime(modified);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  get entryCount(): number {
    return this.entries.length;
  }

  /**
   * Adds a whole file. `crc` may be given where the caller computed it already (a render worker does, so the
   * writer thread does not read every image again). Returns where the file's data starts in the archive.
   */
  addFile(name: string, data: Uint8Array, crc?: number): { dataOffset: number } {
    this.checkWritable();
    const entry: CentralEntry = { name: utf8.encode(name), crc: crc ?? crc32(data), size: data.length, offset: this.offset };
    const header = this.localHeader(entry);
    this.put(header);
    const dataOffset = this.offset;
    this.put(data);
    this.entries.push(entry);
    return { dataOffset };
  }

  /** Starts a file whose bytes come in pieces (e.g. _metadata.json of 10,000 tokens, never one string). */
  beginFile(name: string): ZipEntryStream {
    this.checkWritable();
    const entry: CentralEntry = { name: utf8.encode(name), crc: 0, size: 0, offset: this.offset };
    // CRC and size are patched at end(); a streamed entry stays under 4 GiB (JSON of a collection does).
    const header = this.localHeader(entry);
    this.open = { entry, headerAt: this.offset };
    this.put(header);
    return {
      append: (bytes) => {
        if (this.open?.entry !== entry) throw new Error("zip: append after end");
        entry.crc = crc32(bytes, entry.crc);
        entry.size += bytes.length;
        if (entry.size >= MAX_U32) throw new RangeError(`zip: streamed entry ${name} passed 4 GiB`);
        this.put(bytes);
      },
      end: () => {
        if (this.open?.entry !== entry) throw new Error("zip: end twice");
        this.sink.writeAt(this.localHeader(entry), this.open.headerAt);
        this.entries.push(entry);
        this.open = undefined;
      },
    };
  }

  /** Writes the central directory and the end records. Nothing may be added after. */
  finish(): void {
    this.checkWritable();
    this.finished = true;
    const cdStart = this.offset;
    for (const e of this.entries) this.put(this.centralHeader(e));
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const needs64 = count >= MAX_U16 || cdStart >= MAX_U32 || cdSize >= MAX_U32;
    if (needs64) {
      const z64At = this.offset;
      const rec = new Uint8Array(56);
      const v = new DataView(rec.buffer);
      v.setUint32(0, ZIP64_END, true);
      setU64(v, 4, 44);
      v.setUint16(12, VERSION_45, true);
      v.setUint16(14, VERSION_45, true);
      setU64(v, 24, count);
      setU64(v, 32, count);
      setU64(v, 40, cdSize);
      setU64(v, 48, cdStart);
      this.put(rec);
      const loc = new Uint8Array(20);
      const lv = new DataView(loc.buffer);
      lv.setUint32(0, ZIP64_LOCATOR, true);
      setU64(lv, 8, z64At);
      lv.setUint32(16, 1, true);
      this.put(loc);
    }
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, END_OF_CENTRAL, true);
    ev.setUint16(8, Math.min(count, MAX_U16), true);
    ev.setUint16(10, Math.min(count, MAX_U16), true);
    ev.setUint32(12, Math.min(cdSize, MAX_U32), true);
    ev.setUint32(16, Math.min(cdStart, MAX_U32), true);
    this.put(end);
  }

  private checkWritable(): void {
    if (this.finished) throw new Error("zip: the archive is finished");
    if (this.open) throw new Error("zip: a streamed entry is still open");
  }

  private put(bytes: Uint8Array): void {
    this.sink.write(bytes);
    this.offset += bytes.length;
  }

  private localHeader(e: CentralEntry): Uint8Array {
    const zip64 = e.size >= MAX_U32;
    const extraLength = zip64 ? 20 : 0;
    const h = new Uint8Array(30 + e.name.length + extraLength);
    const v = new DataView(h.buffer);
    v.setUint32(0, LOCAL_HEADER, true);
    v.setUint16(4, zip64 ? VERSION_45 : VERSION_20, true);
    v.setUint16(6, FLAG_UTF8, true);
    v.setUint16(8, 0, true);
    v.setUint16(10, this.stamp.time, true);
    v.setUint16(12, this.stamp.date, true);
    v.setUint32(14, e.crc, true);
    v.setUint32(18, zip64 ? MAX_U32 : e.size, true);
    v.setUint32(22, zip64 ? MAX_U32 : e.size, true);
    v.setUint16(26, e.name.length, true);
    v.setUint16(28, extraLength, true);
    h.set(e.name, 30);
    if (zip64) {
      const x = 30 + e.name.length;
      v.setUint16(x, ZIP64_EXTRA, true);
      v.setUint16(x + 2, 16, true);
      setU64(v, x + 4, e.size);
      setU64(v, x + 12, e.size);
    }
    return h;
  }

  private centralHeader(e: CentralEntry): Uint8Array {
    const bigSize = e.size >= MAX_U32;
    const bigOffset = e.offset >= MAX_U32;
    const extraLength = (bigSize || bigOffset ? 4 : 0) + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
    const h = new Uint8Array(46 + e.name.length + extraLength);
    const v = new DataView(h.buffer);
    const version = extraLength > 0 ? VERSION_45 : VERSION_20;
    v.setUint32(0, CENTRAL_HEADER, true);
    v.setUint16(4, version, true);
    v.setUint16(6, version, true);
    v.setUint16(8, FLAG_UTF8, true);
    v.setUint16(10, 0, true);
    v.setUint16(12, this.stamp.time, true);
    v.setUint16(14, this.stamp.date, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, bigSize ? MAX_U32 : e.size, true);
    v.setUint32(24, bigSize ? MAX_U32 : e.size, true);
    v.setUint16(28, e.name.length, true);
    v.setUint16(30, extraLength, true);
    v.setUint32(42, bigOffset ? MAX_U32 : e.offset, true);
    h.set(e.name, 46);
    if (extraLength > 0) {
      let x = 46 + e.name.length;
      v.setUint16(x, ZIP64_EXTRA, true);
      v.setUint16(x + 2, extraLength - 4, true);
      x += 4;
      // APPNOTE 4.5.3: only the fields that overflowed, in this order.
      if (bigSize) {
        setU64(v, x, e.size);
        setU64(v, x + 8, e.size);
        x += 16;
      }
      if (bigOffset) setU64(v, x, e.offset);
    }
    return h;
  }
}

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n % 0x100000000, true);
  v.setUint32(at + 4, Math.floor(n / 0x100000000), true);
}

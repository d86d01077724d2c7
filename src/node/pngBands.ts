import { constants as zlibConstants, deflateRawSync } from "node:zlib";
import type { PreparedTrait } from "../render/composite.js";
import { adler32, adler32Combine } from "../render/adler32.js";
import { compositeRows, topCoveringLayer } from "../render/composite.js";
import { filterRows, rgbaToRgb } from "../render/png/filters.js";
import type { PngEncodeSettings } from "./png.js";
import { pngFile, ZLIB_STRATEGY } from "./png.js";

/**
 * PNG encoding that reuses work across tokens, band by band.
 *
 * Tokens of a collection share most of their rows: the sky above the character, the ground under it, the
 * rows a hat does not reach. The image is cut into bands of BAND_ROWS rows, each deflated on its own with a
 * full flush (so it needs nothing from the bands before it: how pigz splits a stream across threads). A
 * band's pixels depend only on the traits whose bounding boxes reach its rows (and the row above, which the
 * PNG filters read), so that list of traits is the band's key: a band seen before is copied from the cache
 * already compressed, without compositing, filtering or deflating it again. The zlib stream is the bands in
 * order, an empty final block, and the Adler-32 combined from the bands' own.
 *
 * The bytes do not depend on what the cache holds: a band compressed now equals the cached copy, so output
 * is the same for any worker count and order. Tokens without a full-canvas opaque layer take the whole-image
 * path (encodePng).
 */

/** Rows per band: smaller bands are reused more often, larger ones deflate a little better. */
export const BAND_ROWS = 16;
/** Compressed bands kept per worker thread (least recently used dropped first). */
export const BAND_CACHE_BYTES = 64 * 1024 * 1024;

/** A final, empty, fixed-Huffman deflate block: BFINAL=1, BTYPE=01, end-of-block. */
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00);
/** zlib header: deflate, 32K window, no preset dictionary, "fastest" level (RFC 1950: a multiple of 31). */
const ZLIB_HEADER = Uint8Array.of(0x78, 0x01);

interface Band {
  data: Uint8Array;
  adler: number;
  /** Uncompressed (filtered) bytes. */
  length: number;
}

export interface BandStats {
  hits: number;
  misses: number;
}

/** Thrown by an encode that heard the run's stop: the token is left unwritten, for a resume to render. */
export class StoppedMidToken extends Error {
  constructor() {
    super("stopped in the middle of a token");
    this.name = "StoppedMidToken";
  }
}

export class BandedPngEncoder {
  private readonly cache = new Map<string, Band>();
  private cacheBytes = 0;
  private readonly rgb: Uint8Array;
  private readonly reaches = new WeakMap<PreparedTrait, Uint8Array>();
  readonly stats: BandStats = { hits: 0, misses: 0 };

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly settings: PngEncodeSettings,
    private readonly maxCacheBytes = BAND_CACHE_BYTES,
    private readonly bandRows = BAND_ROWS,
  ) {
    this.rgb = new Uint8Array(width * (bandRows + 1) * 3);
  }

  /**
   * Encodes the token made of `traits` (bottom first; `ids[i]` a number unique to traits[i] in the run) as
   * an RGB PNG, drawing into `canvas` only the bands it has not encoded before. Returns undefined, touching
   * nothing, where no layer covers the canvas: the caller then composites and encodes the whole image.
   */
  encode(canvas: Uint8Array, traits: readonly PreparedTrait[], ids: readonly number[], stopped?: () => boolean): Buffer | undefined {
    const start = topCoveringLayer(traits);
    if (start < 0) return undefined;
    const { width, height, bandRows } = this;
    const parts: Uint8Array[] = [];
    let adler = 1;
    let total = ZLIB_HEADER.length;
    for (let y0 = 0; y0 < height; y0 += bandRows) {
      // A stop is heard between bands, so a 4096x4096 token never holds it up for the whole token.
      if (stopped?.()) throw new StoppedMidToken();
      const y1 = Math.min(height, y0 + bandRows);
      let key = `${y0}`;
      const band = y0 / bandRows;
      for (let i = start; i < traits.length; i++) {
        if (this.reach(traits[i]!)[band] === 1) key += `,${ids[i]!}`;
      }
      let cached = this.cache.get(key);
      if (cached) {
        this.stats.hits++;
        // Least recently used goes first: move a hit to the end.
        this.cache.delete(key);
        this.cache.set(key, cached);
      } else {
        this.stats.misses++;
        cached = this.compressBand(canvas, traits, y0, y1);
        this.remember(key, cached);
      }
      parts.push(cached.data);
      total += cached.data.length;
      adler = adler32Combine(adler, cached.adler, cached.length);
    }
    const idat = Buffer.allocUnsafe(total + FINAL_EMPTY_BLOCK.length + 4);
    idat.set(ZLIB_HEADER, 0);
    let at = ZLIB_HEADER.length;
    for (const p of parts) {
      idat.set(p, at);
      at += p.length;
    }
    idat.set(FINAL_EMPTY_BLOCK, at);
    idat.writeUInt32BE(adler, at + FINAL_EMPTY_BLOCK.length);
    return pngFile(idat, width, height, 3);
  }

  /**
   * Per band, 1 where the trait has a pixel in the band's rows or in the row above it (which the PNG filters
   * read): finer than its bounding box, so a hat's empty corners do not make every band under it differ.
   */
  private reach(t: PreparedTrait): Uint8Array {
    let mask = this.reaches.get(t);
    if (mask) return mask;
    const bands = Math.ceil(this.height / this.bandRows);
    mask = new Uint8Array(bands);
    for (let s = 0; s < t.spans.length; s += 4) {
      const y = t.y + t.spans[s]!;
      mask[Math.floor(y / this.bandRows)] = 1;
      // The last row of a band is the row above the next band.
      if ((y + 1) % this.bandRows === 0 && y + 1 < this.height) mask[(y + 1) / this.bandRows] = 1;
    }
    this.reaches.set(t, mask);
    return mask;
  }

  private compressBand(canvas: Uint8Array, traits: readonly PreparedTrait[], y0: number, y1: number): Band {
    const { width } = this;
    const from = Math.max(0, y0 - 1);
    compositeRows(canvas, traits, from, y1);
    const rows = y1 - from;
    const rgb = rgbaToRgb(canvas.subarray(from * width * 4, y1 * width * 4), this.rgb.subarray(0, rows * width * 3));
    const filtered = filterRows(rgb, width, y1 - y0, 3, this.settings.filter, y0 > 0);
    const deflated = deflateRawSync(filtered, {
      level: this.settings.level,
      strategy: ZLIB_STRATEGY[this.settings.strategy],
      memLevel: this.settings.memLevel,
      // Ends on a byte boundary with the dictionary emptied: the next band may start a fresh stream.
      finishFlush: zlibConstants.Z_FULL_FLUSH,
    });
    // deflateRawSync's result is a view into its 16 KiB-or-larger output chunk: kept in the cache as it is,
    // every few-KiB band would hold a whole chunk alive (measured: 1.5 GB RSS at 10,000 tokens). Copy it out.
    const data = new Uint8Array(deflated);
    return { data, adler: adler32(filtered), length: filtered.length };
  }

  /** Bytes of memory the cached bands keep alive (their backing buffers), for checking the cache's bound. */
  retainedBytes(): number {
    let sum = 0;
    for (const band of this.cache.values()) sum += band.data.buffer.byteLength;
    return sum;
  }

  /** Compressed bytes the cache counts against its bound. */
  cachedBytes(): number {
    let sum = 0;
    for (const band of this.cache.values()) sum += band.data.length;
    return sum;
  }

  private remember(key: string, band: Band): void {
    this.cache.set(key, band);
    this.cacheBytes += band.data.length + key.length * 2 + 64;
    for (const [oldKey, old] of this.cache) {
      if (this.cacheBytes <= this.maxCacheBytes) break;
      this.cache.delete(oldKey);
      this.cacheBytes -= old.data.length + oldKey.length * 2 + 64;
    }
  }
}

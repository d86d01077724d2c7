/**
 * A PNG encoder for composited tokens in plain JS: straight-alpha RGBA in (as getImageData gives it), PNG out.
 * Filtering is typed-array code; deflate is fflate's, whose low levels are several times faster than the
 * zlib level Chromium's canvas.convertToBlob uses, at a file size close to it (docs/benchmarks.md, "Browser").
 * A fully opaque token is written as RGB, a quarter less data to deflate.
 */
import { zlibSync } from "fflate";
import { pngContainer } from "../render/pngContainer.js";
import { crc32 } from "./crc32.js";
import { DeflateScratch, zlibRuns } from "./fastDeflate.js";

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface PngEncodeOptions {
  /** fflate deflate level 1-9, or 0 for deflateRuns (runs at distance 1 and bpp only: the fastest). */
  level: DeflateLevel;
}

/** PNG filter type bytes (PNG spec 9.2). */
const FILTER_SUB = 1;
const FILTER_UP = 2;
const FILTER_PAETH = 4;
/** Rows are scored on one byte in this many when choosing a filter. */
const SCORE_STRIDE = 7;

/** True where every pixel of straight-alpha RGBA has alpha 255. */
export function isOpaque(rgba: Uint8Array | Uint8ClampedArray): boolean {
  for (let p = 3; p < rgba.length; p += 4) if (rgba[p] !== 255) return false;
  return true;
}

/**
 * Encodes `rgba` (width*height*4 bytes, straight alpha) as an 8-bit PNG: RGB where every pixel is opaque, RGBA
 * otherwise. Each row gets Sub, Up or Paeth, whichever scores the smallest on a sample of the row.
 */
export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, options: PngEncodeOptions): Uint8Array {
  const { filtered, opaque } = filterRows(rgba, width, height);
  const idat = options.level === 0 ? zlibRuns(filtered, opaque ? 3 : 4) : zlibSync(filtered, { level: options.level, mem: 8 });
  return assemblePng(width, height, opaque, idat);
}

/**
 * As encodePng, with the zlib stream made by the browser's native CompressionStream("deflate") (zlib's default
 * level), which outruns fflate's JS deflate by several times where the browser has it.
 */
export async function encodePngNative(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Uint8Array> {
  const { filtered, opaque } = filterRows(rgba, width, height);
  const stream = new CompressionStream("deflate");
  const writer = stream.writable.getWriter();
  void writer.write(filtered as Uint8Array<ArrayBuffer>);
  void writer.close();
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  const idat = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    idat.set(c, at);
    at += c.length;
  }
  return assemblePng(width, height, opaque, idat);
}

/**
 * The studio's fastest encoder: Up filter on every row (None on the first), read straight from RGBA a pixel
 * (one 32-bit word) at a time, alpha dropped where every pixel is opaque; then deflateRuns. Composited art is
 * flat in large areas, which Up turns into zero runs coded in a few bits; the per-row filter choice of
 * encodePng saves a little size for twice the time. Buffers are kept between calls: one encoder per worker.
 */
export class FastPngEncoder {
  private filtered = new Uint8Array(0);
  private readonly scratch = new DeflateScratch();

  /** `opaque`: where the caller knows (the span compositor says so), the scan for a non-opaque pixel is skipped. */
  encode(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, opaque?: boolean): Uint8Array {
    if (rgba.length !== width * height * 4) {
      throw new RangeError(`encodePng: expected ${width * height * 4} bytes for ${width}x${height} RGBA, received ${rgba.length}`);
    }
    // One 32-bit word per pixel (little-endian: R in the low byte); a copy only where the bytes are unaligned.
    const px = rgba.byteOffset % 4 === 0 ? new Uint32Array(rgba.buffer, rgba.byteOffset, width * height) : new Uint32Array(rgba.slice().buffer);
    if (opaque === undefined) {
      opaque = true;
      for (let p = 0; p < px.length; p++) {
        if (px[p]! < 0xff000000) {
          opaque = false;
          break;
        }
      }
    }
    const bpp = opaque ? 3 : 4;
    const stride = width * bpp;
    const size = (stride + 1) * height;
    if (this.filtered.length < size) this.filtered = new Uint8Array(size);
    const filtered = this.filtered.subarray(0, size);
    if (opaque) {
      filtered[0] = 0;
      for (let x = 0, o = 1; x < width; x++, o += 3) {
        const v = px[x]!;
        filtered[o] = v;
        filtered[o + 1] = v >>> 8;
        filtered[o + 2] = v >>> 16;
      }
      for (let y = 1; y < height; y++) {
        let o = y * (stride + 1);
        filtered[o++] = FILTER_UP;
        for (let p = y * width, end = p + width; p < end; p++, o += 3) {
          const v = px[p]!;
          const u = px[p - width]!;
          // Bytes wrap mod 256 on store: no masking needed.
          filtered[o] = v - u;
          filtered[o + 1] = (v >>> 8) - (u >>> 8);
          filtered[o + 2] = (v >>> 16) - (u >>> 16);
        }
      }
    } else {
      const rowBytes = width * 4;
      const src = rgba;
      filtered[0] = 0;
      filtered.set(src.subarray(0, rowBytes), 1);
      for (let y = 1; y < height; y++) {
        const row = y * rowBytes;
        let o = y * (stride + 1);
        filtered[o++] = FILTER_UP;
        for (let x = row, end = row + rowBytes; x < end; x++, o++) filtered[o] = src[x]! - src[x - rowBytes]!;
      }
    }
    return assemblePng(width, height, opaque, zlibRuns(filtered, bpp, this.scratch));
  }
}

/** PNG scanlines: each row's filter byte and filtered bytes (RGB where every pixel is opaque). */
export function filterRows(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): { filtered: Uint8Array; opaque: boolean } {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: expected ${width * height * 4} bytes for ${width}x${height} RGBA, received ${rgba.length}`);
  }
  const opaque = isOpaque(rgba);
  const bpp = opaque ? 3 : 4;
  const stride = width * bpp;
  // Pixels repacked (RGB drops alpha) into one buffer so filtering reads contiguous rows.
  const raw = new Uint8Array(stride * height);
  if (opaque) {
    for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
      raw[d] = rgba[s]!;
      raw[d + 1] = rgba[s + 1]!;
      raw[d + 2] = rgba[s + 2]!;
    }
  } else raw.set(rgba);
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = row - stride;
    const out = y * (stride + 1);
    const filter = y === 0 ? FILTER_SUB : chooseFilter(raw, row, prev, stride, bpp);
    filtered[out] = filter;
    const o = out + 1;
    if (filter === FILTER_SUB) {
      for (let x = 0; x < bpp; x++) filtered[o + x] = raw[row + x]!;
      for (let x = bpp; x < stride; x++) filtered[o + x] = raw[row + x]! - raw[row + x - bpp]!;
    } else if (filter === FILTER_UP) {
      for (let x = 0; x < stride; x++) filtered[o + x] = raw[row + x]! - raw[prev + x]!;
    } else {
      for (let x = 0; x < bpp; x++) filtered[o + x] = raw[row + x]! - raw[prev + x]!;
      for (let x = bpp; x < stride; x++) filtered[o + x] = raw[row + x]! - paeth(raw[row + x - bpp]!, raw[prev + x]!, raw[prev + x - bpp]!);
    }
  }
  return { filtered, opaque };
}

function assemblePng(width: number, height: number, opaque: boolean, idat: Uint8Array): Uint8Array {
  return pngContainer(idat, width, height, opaque ? 3 : 4, crc32);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function chooseFilter(raw: Uint8Array, row: number, prev: number, stride: number, bpp: number): number {
  let sub = 0;
  let up = 0;
  let pae = 0;
  for (let x = bpp; x < stride; x += SCORE_STRIDE) {
    const cur = raw[row + x]!;
    const left = raw[row + x - bpp]!;
    const above = raw[prev + x]!;
    const d1 = (cur - left) & 0xff;
    const d2 = (cur - above) & 0xff;
    const d3 = (cur - paeth(left, above, raw[prev + x - bpp]!)) & 0xff;
    sub += d1 < 128 ? d1 : 256 - d1;
    up += d2 < 128 ? d2 : 256 - d2;
    pae += d3 < 128 ? d3 : 256 - d3;
  }
  // Up first on ties: it is the cheapest to apply and the best on flat art.
  return up <= sub && up <= pae ? FILTER_UP : sub <= pae ? FILTER_SUB : FILTER_PAETH;
}


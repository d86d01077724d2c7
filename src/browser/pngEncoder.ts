/**
 * The studio's PNG encoders for composited tokens: straight-alpha RGBA in (as getImageData or the span
 * compositor gives it), PNG out. Rows are filtered by the toolkit both backends share (src/render/png: the
 * WebAssembly SIMD kernels, which Chromium's workers run, typed-array JavaScript where an engine lacks them);
 * only the deflate is the studio's own: src/browser/fastDeflate.ts for the default "fast" encoder, fflate or
 * the browser's CompressionStream for the benchmark's others. A fully opaque token is written as RGB, a quarter
 * less data to deflate. Pure but `encodePngNative`: runs in Node tests and bench/png.ts.
 */
import { zlibSync } from "fflate";
import { filterRows, isOpaque, rgbaToRgb, type PngFilterMode } from "../render/png/filters.js";
import { pngContainer } from "../render/pngContainer.js";
import { crc32 } from "./crc32.js";
import { DeflateScratch, zlibRuns } from "./fastDeflate.js";

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface PngEncodeOptions {
  /** fflate deflate level 1-9, or 0 for deflateRuns (runs at distance 1 and bpp only: the fastest). */
  level: DeflateLevel;
}

/**
 * The fast encoder's row filter: Paeth, through the SIMD kernels, made the demo layers' tokens 6% (512x512) and
 * 12% (1024x1024) smaller than the Up-only filter the studio had, and encoded them no slower (0.81-0.85x the
 * time in Node, 0.9x in a Chromium worker, deflate included): `npx tsx bench/png.ts --studio`, docs/benchmarks.md "One PNG toolkit (shared
 * filters)". "adaptive" was 1-2% smaller again but up to 1.06x the time. Engines without WebAssembly SIMD run
 * the same filter in JavaScript (about 2x the time of the old Up-only encoder), so every engine writes the
 * same bytes.
 */
export const FAST_PNG_FILTER: PngFilterMode = "paeth";

/** The "js" and "native" encoders' filter: Sub, Up or Paeth per row, whichever scores least on a sample of it. */
const SAMPLED_FILTER: PngFilterMode = "sampled";

/**
 * Encodes `rgba` (width*height*4 bytes, straight alpha) as an 8-bit PNG: RGB where every pixel is opaque, RGBA
 * otherwise. Each row gets Sub, Up or Paeth, whichever scores the smallest on a sample of the row; then fflate's
 * deflate at `options.level`, or deflateRuns at 0.
 */
export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, options: PngEncodeOptions): Uint8Array {
  const { filtered, bpp } = scanlines(rgba, width, height, SAMPLED_FILTER);
  const idat = options.level === 0 ? zlibRuns(filtered, bpp) : zlibSync(filtered, { level: options.level, mem: 8 });
  return pngContainer(idat, width, height, bpp, crc32);
}

/**
 * As encodePng, with the zlib stream made by the browser's native CompressionStream("deflate") (zlib's default
 * level), which outruns fflate's JS deflate by several times where the browser has it.
 */
export async function encodePngNative(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Uint8Array> {
  const { filtered, bpp } = scanlines(rgba, width, height, SAMPLED_FILTER);
  const stream = new CompressionStream("deflate");
  const writer = stream.writable.getWriter();
  // A copy: the filtered rows are scratch memory, and the stream may read them after this call has moved on.
  void writer.write(filtered.slice());
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
  return pngContainer(idat, width, height, bpp, crc32);
}

export interface FastPngEncoderOptions {
  /** The row filter, from src/render/png/filters.ts. Default FAST_PNG_FILTER. */
  readonly filter?: PngFilterMode;
  /** false forces the JavaScript filters (the bytes are the same); by default the SIMD kernels where the engine has them. */
  readonly simd?: boolean;
}

/**
 * The studio's default encoder: the shared filters (FAST_PNG_FILTER on every row), alpha dropped where every
 * pixel is opaque, then deflateRuns. Composited art is flat in large areas, which filtering turns into zero
 * runs coded in a few bits. Buffers are kept between calls: one encoder per worker.
 */
export class FastPngEncoder {
  private rgb = new Uint8Array(0);
  private readonly scratch = new DeflateScratch();
  private readonly filter: PngFilterMode;
  private readonly simd: boolean;

  constructor(options: FastPngEncoderOptions = {}) {
    this.filter = options.filter ?? FAST_PNG_FILTER;
    this.simd = options.simd ?? true;
  }

  /** `opaque`: where the caller knows (the span compositor says so), the scan for a non-opaque pixel is skipped. */
  encode(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, opaque?: boolean): Uint8Array {
    checkRgba(rgba, width, height);
    const bytes = plainBytes(rgba);
    const bpp = (opaque ?? isOpaque(bytes, 4)) ? 3 : 4;
    let pixels = bytes;
    if (bpp === 3) {
      if (this.rgb.length < width * height * 3) this.rgb = new Uint8Array(width * height * 3);
      pixels = rgbaToRgb(bytes, this.rgb.subarray(0, width * height * 3));
    }
    const filtered = filterRows(pixels, width, height, bpp, this.filter, false, this.simd);
    return pngContainer(zlibRuns(filtered, bpp, this.scratch), width, height, bpp, crc32);
  }
}

/** PNG scanlines (each row's filter byte and filtered bytes) of RGBA, as RGB where every pixel is opaque. */
function scanlines(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, filter: PngFilterMode): { filtered: Uint8Array; bpp: 3 | 4 } {
  checkRgba(rgba, width, height);
  const bytes = plainBytes(rgba);
  const bpp = isOpaque(bytes, 4) ? 3 : 4;
  return { filtered: filterRows(bpp === 3 ? rgbaToRgb(bytes) : bytes, width, height, bpp, filter, false), bpp };
}

function checkRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): void {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: expected ${width * height * 4} bytes for ${width}x${height} RGBA, received ${rgba.length}`);
  }
}

/** The same memory as a plain Uint8Array: getImageData gives a Uint8ClampedArray, which the filters only read. */
function plainBytes(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  return rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
}

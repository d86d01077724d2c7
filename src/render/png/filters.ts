/**
 * PNG scanline filtering (PNG spec, section 9) for both render backends: the Node encoder (src/node/png.ts, then
 * node:zlib) and the studio's (src/browser/pngEncoder.ts, then src/browser/fastDeflate.ts or fflate) hand raw
 * 8-bit RGB/RGBA rows to `filterRows` and deflate what it returns. Rows go through the WebAssembly SIMD kernels
 * of filters.wat (simd.ts) where the runtime has them, else through the typed-array JavaScript below, which is
 * also the reference the kernels are tested against: both give the same bytes. Pure: no node:*, no DOM.
 */
import { kernelMemory, SIMD_MIN_ROW_BYTES, simdKernels, type SimdKernels } from "./simd.js";

/**
 * How each row is filtered before deflate (PNG spec, section 9).
 * - "none" | "sub" | "up" | "average" | "paeth": the same filter on every row.
 * - "adaptive": all five tried on every row, the one with the smallest sum of absolute
 *   (signed) differences kept; the libpng heuristic that HashLips files are written with.
 * - "sampled": Sub, Up and Paeth scored on every 8th pixel of each row, the best applied:
 *   near "adaptive" in size at about the cost of one JavaScript filter. Meant for the
 *   JavaScript filters: with the SIMD ones "adaptive" is quicker.
 */
export type PngFilterMode = "none" | "sub" | "up" | "average" | "paeth" | "adaptive" | "sampled";

export const PNG_FILTER_MODES: readonly PngFilterMode[] = ["none", "sub", "up", "average", "paeth", "adaptive", "sampled"];

/** PNG filter type bytes (spec 9.2), the first byte of each filtered row. */
export const FILTER_NONE = 0;
export const FILTER_SUB = 1;
export const FILTER_UP = 2;
export const FILTER_AVERAGE = 3;
export const FILTER_PAETH = 4;

/** "sampled" scores one pixel in this many; 8 kept sizes within 1% of scoring every pixel. */
const SAMPLE_STEP_PX = 8;

/**
 * Filters `rows` scanlines of 8-bit pixels (row-major, no padding) into what a PNG's zlib stream holds: per
 * row a filter-type byte, then the filtered row. Where `withRowAbove`, `pixels` starts with the row above the
 * band, which the filters read and which is not output, so a band filters exactly as it would inside the whole
 * image. `simd` false forces the JavaScript filters; the bytes are the same either way. Returns a view of
 * scratch memory (the kernels' memory or a reused array), valid until the next call on this thread: deflate it
 * before filtering again.
 *
 * @example
 * const rgb = isOpaque(rgba, 4) ? rgbaToRgb(rgba) : undefined;
 * const scanlines = filterRows(rgb ?? rgba, width, height, rgb ? 3 : 4, "paeth", false);
 * const idat = deflateToZlib(scanlines); // node:zlib's deflateSync, or src/browser/fastDeflate.ts's zlibRuns
 */
export function filterRows(
  pixels: Uint8Array,
  width: number,
  rows: number,
  channels: 3 | 4,
  filter: PngFilterMode,
  withRowAbove: boolean,
  simd = true,
): Uint8Array {
  const height = rows + (withRowAbove ? 1 : 0);
  const expected = width * height * channels;
  if (pixels.length !== expected) {
    throw new Error(`filterRows: pixels: expected ${expected} bytes (${width}x${height}x${channels}), received ${pixels.length}`);
  }
  if (!PNG_FILTER_MODES.includes(filter)) {
    throw new Error(`filterRows: filter: expected one of ${PNG_FILTER_MODES.join(", ")}, received ${String(filter)}`);
  }
  const kernels = !simd || width * channels < SIMD_MIN_ROW_BYTES ? undefined : simdKernels();
  const filtered =
    kernels === undefined
      ? filterImage(plainBytes(pixels), width, height, channels, filter)
      : filterImageSimd(kernels, pixels, width, height, channels, filter);
  return withRowAbove ? filtered.subarray(width * channels + 1) : filtered;
}

/** True where this thread filters with the WebAssembly SIMD kernels (rows of 32 bytes or more), false where in JavaScript. */
export function hasSimdFilters(): boolean {
  return simdKernels() !== undefined;
}

/**
 * True when every pixel is fully opaque (alpha 255), so the token can be written as RGB:
 * a quarter less data to filter and deflate, and a smaller file. RGB is always opaque.
 */
export function isOpaque(pixels: Uint8Array, channels: 3 | 4): boolean {
  if (channels === 3) return true;
  const end = pixels.length;
  // Four alpha bytes per test: fewer branches on the common, opaque path.
  let i = 3;
  for (; i + 12 < end; i += 16) {
    if ((pixels[i]! & pixels[i + 4]! & pixels[i + 8]! & pixels[i + 12]!) !== 0xff) return false;
  }
  for (; i < end; i += 4) {
    if (pixels[i] !== 0xff) return false;
  }
  return true;
}

/**
 * Drops the alpha channel: RGBA in, RGB out, into `out` when given (length pixels/4*3),
 * else a new array. Check `isOpaque` first: translucent pixels are not blended.
 */
export function rgbaToRgb(rgba: Uint8Array, out?: Uint8Array): Uint8Array {
  if (rgba.length % 4 !== 0) {
    throw new Error(`rgbaToRgb: rgba: expected a length that is a multiple of 4, received ${rgba.length}`);
  }
  const pixelCount = rgba.length / 4;
  const rgb = out ?? new Uint8Array(pixelCount * 3);
  if (rgb.length !== pixelCount * 3) {
    throw new Error(`rgbaToRgb: out: expected ${pixelCount * 3} bytes, received ${rgb.length}`);
  }
  if (rgba.byteOffset % 4 === 0 && rgb.byteOffset % 4 === 0) {
    packRgbWords(new Uint32Array(rgba.buffer, rgba.byteOffset, pixelCount), rgb);
    return rgb;
  }
  for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
    rgb[d] = rgba[s]!;
    rgb[d + 1] = rgba[s + 1]!;
    rgb[d + 2] = rgba[s + 2]!;
  }
  return rgb;
}

/**
 * Four RGBA words in, three RGB words out, by shifts: about 3x faster than copying bytes.
 * Word order is the platform's; reading and writing with the same order makes it cancel
 * out, but the shifts assume little-endian, which is every platform Node and the browsers run on.
 */
function packRgbWords(src: Uint32Array, rgb: Uint8Array): void {
  const groups = src.length >>> 2;
  const dst = new Uint32Array(rgb.buffer, rgb.byteOffset, groups * 3);
  for (let g = 0, s = 0, d = 0; g < groups; g++, s += 4, d += 3) {
    const p0 = src[s]!;
    const p1 = src[s + 1]!;
    const p2 = src[s + 2]!;
    const p3 = src[s + 3]!;
    dst[d] = (p0 & 0xffffff) | (p1 << 24);
    dst[d + 1] = ((p1 >>> 8) & 0xffff) | (p2 << 16);
    dst[d + 2] = ((p2 >>> 16) & 0xff) | (p3 << 8);
  }
  for (let p = groups * 4; p < src.length; p++) {
    const word = src[p]!;
    rgb[p * 3] = word & 0xff;
    rgb[p * 3 + 1] = (word >>> 8) & 0xff;
    rgb[p * 3 + 2] = (word >>> 16) & 0xff;
  }
}

/**
 * A plain Uint8Array view of the same memory. Buffer is a Uint8Array subclass with its own
 * hidden class: handing both to the filter loops makes V8's loads polymorphic and slower.
 */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

// ---------------------------------------------------------------------------------------
// JavaScript filters: the fallback where WebAssembly SIMD is missing, and the reference
// the SIMD kernels are tested against.

/**
 * Returns the filtered scanlines (a filter-type byte, then the row) that IDAT deflates.
 * The filters read the row above from `pixels` itself; the first row, whose row above is
 * zeros (spec 9.2), goes through `filterFirstRow` rather than a zero-filled array, since
 * giving the loops two different arrays measured slower.
 */
function filterImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  bpp: 3 | 4,
  mode: PngFilterMode,
): Uint8Array {
  const stride = width * bpp;
  const out = filteredScratch(height * (stride + 1));
  const scratch = mode === "adaptive" ? new Uint8Array(stride * 4) : new Uint8Array(0);
  for (let y = 0; y < height; y++) {
    const rowStart = y * stride;
    const outStart = y * (stride + 1);
    const first = y === 0;
    if (mode === "adaptive") {
      adaptiveRow(pixels, rowStart, first, stride, bpp, out, outStart, scratch);
      continue;
    }
    let type: number;
    if (mode === "sampled") type = first ? FILTER_SUB : chooseSampled(pixels, rowStart, stride, bpp);
    else type = FIXED_FILTER[mode];
    out[outStart] = type;
    if (first) filterFirstRow(type, pixels, stride, bpp, out, outStart + 1);
    else applyFilter(type, pixels, rowStart, stride, bpp, out, outStart + 1);
  }
  return out.subarray(0, height * (stride + 1));
}

const FIXED_FILTER: Record<Exclude<PngFilterMode, "adaptive" | "sampled">, number> = {
  none: FILTER_NONE,
  sub: FILTER_SUB,
  up: FILTER_UP,
  average: FILTER_AVERAGE,
  paeth: FILTER_PAETH,
};

/**
 * The filtered image is deflated and dropped before the next filterRows call, so its memory
 * is kept for that call (one per thread: each worker has its own module instance).
 */
let filteredBytes = new Uint8Array(0);

function filteredScratch(length: number): Uint8Array {
  if (filteredBytes.length < length) filteredBytes = new Uint8Array(length);
  return filteredBytes;
}

/** Row 0: the row above is zeros, so Up is None, Paeth is Sub and Average halves the left byte. */
function filterFirstRow(type: number, row: Uint8Array, stride: number, bpp: number, out: Uint8Array, o: number): void {
  switch (type) {
    case FILTER_NONE:
    case FILTER_UP:
      out.set(row.subarray(0, stride), o);
      return;
    case FILTER_AVERAGE:
      for (let i = 0; i < bpp; i++) out[o + i] = row[i]!;
      for (let i = bpp; i < stride; i++) out[o + i] = row[i]! - (row[i - bpp]! >> 1);
      return;
    default:
      filterSub(row, 0, stride, bpp, out, o);
  }
}

/** Rows 1 and on; the row above starts at `r - stride` in the same array. */
function applyFilter(
  type: number,
  row: Uint8Array,
  r: number,
  stride: number,
  bpp: number,
  out: Uint8Array,
  o: number,
): void {
  switch (type) {
    case FILTER_NONE:
      out.set(row.subarray(r, r + stride), o);
      return;
    case FILTER_SUB:
      filterSub(row, r, stride, bpp, out, o);
      return;
    case FILTER_UP:
      filterUp(row, r, stride, out, o);
      return;
    case FILTER_AVERAGE:
      filterAverage(row, r, stride, bpp, out, o);
      return;
    default:
      filterPaeth(row, r, stride, bpp, out, o);
  }
}

// The loops store into a Uint8Array, which keeps each difference modulo 256 as the spec says.

function filterSub(row: Uint8Array, r: number, stride: number, bpp: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]!;
  for (let i = bpp; i < stride; i++) out[o + i] = row[r + i]! - row[r + i - bpp]!;
}

function filterUp(row: Uint8Array, r: number, stride: number, out: Uint8Array, o: number): void {
  const p = r - stride;
  for (let i = 0; i < stride; i++) out[o + i] = row[r + i]! - row[p + i]!;
}

function filterAverage(row: Uint8Array, r: number, stride: number, bpp: number, out: Uint8Array, o: number): void {
  const p = r - stride;
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]! - (row[p + i]! >> 1);
  for (let i = bpp; i < stride; i++) {
    out[o + i] = row[r + i]! - ((row[r + i - bpp]! + row[p + i]!) >> 1);
  }
}

function filterPaeth(row: Uint8Array, r: number, stride: number, bpp: number, out: Uint8Array, o: number): void {
  const p = r - stride;
  // With no left neighbour the predictor is the byte above.
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]! - row[p + i]!;
  for (let i = bpp; i < stride; i++) {
    out[o + i] = row[r + i]! - paethPredictor(row[r + i - bpp]!, row[p + i]!, row[p + i - bpp]!);
  }
}

function paethPredictor(left: number, above: number, upperLeft: number): number {
  const pa = Math.abs(above - upperLeft);
  const pb = Math.abs(left - upperLeft);
  const pc = Math.abs(left + above - 2 * upperLeft);
  if (pa <= pb && pa <= pc) return left;
  return pb <= pc ? above : upperLeft;
}

/** A filtered byte scored as a signed difference: 1 and 255 are both "1 away", as libpng counts. */
function signedMagnitude(v: number): number {
  return v < 128 ? v : 256 - v;
}

/**
 * libpng's heuristic: filter the row all five ways and keep the smallest sum of signed
 * magnitudes (ties to the lower filter number). `scratch` holds four rows for Sub..Paeth.
 */
function adaptiveRow(
  row: Uint8Array,
  r: number,
  first: boolean,
  stride: number,
  bpp: number,
  out: Uint8Array,
  outStart: number,
  scratch: Uint8Array,
): void {
  let bestType = FILTER_NONE;
  let bestSum = 0;
  for (let i = 0; i < stride; i++) bestSum += signedMagnitude(row[r + i]!);
  for (let type = FILTER_SUB; type <= FILTER_PAETH; type++) {
    const s = (type - 1) * stride;
    if (first) filterFirstRow(type, row, stride, bpp, scratch, s);
    else applyFilter(type, row, r, stride, bpp, scratch, s);
    let sum = 0;
    for (let i = 0; i < stride && sum < bestSum; i++) sum += signedMagnitude(scratch[s + i]!);
    if (sum < bestSum) {
      bestSum = sum;
      bestType = type;
    }
  }
  out[outStart] = bestType;
  if (bestType === FILTER_NONE) {
    out.set(row.subarray(r, r + stride), outStart + 1);
  } else {
    const s = (bestType - 1) * stride;
    out.set(scratch.subarray(s, s + stride), outStart + 1);
  }
}

/**
 * Scores Sub, Up and Paeth on every SAMPLE_STEP_PX-th pixel of a row after the first (all
 * its channels) and returns the filter with the smallest sum of signed magnitudes.
 */
function chooseSampled(row: Uint8Array, r: number, stride: number, bpp: number): number {
  const p = r - stride;
  let sub = 0;
  let up = 0;
  let paeth = 0;
  const step = SAMPLE_STEP_PX * bpp;
  for (let px = bpp; px < stride; px += step) {
    for (let c = 0; c < bpp; c++) {
      const i = px + c;
      const x = row[r + i]!;
      const a = row[r + i - bpp]!;
      const b = row[p + i]!;
      sub += signedMagnitude((x - a) & 0xff);
      up += signedMagnitude((x - b) & 0xff);
      paeth += signedMagnitude((x - paethPredictor(a, b, row[p + i - bpp]!)) & 0xff);
    }
  }
  if (paeth < sub && paeth < up) return FILTER_PAETH;
  return up <= sub ? FILTER_UP : FILTER_SUB;
}

// ---------------------------------------------------------------------------------------
// The SIMD path: rows copied into the kernels' memory, filtered there 16 bytes at a time.

/**
 * Filters through the kernels. Wasm memory holds, 16-byte aligned: a zero row (the row
 * above row 0), the pixels, the filtered image, then four scratch rows for "adaptive".
 * Returns a view of the filtered image in wasm memory, valid until the next filterRows call.
 */
function filterImageSimd(
  k: SimdKernels,
  pixels: Uint8Array,
  width: number,
  height: number,
  bpp: 3 | 4,
  mode: PngFilterMode,
): Uint8Array {
  const stride = width * bpp;
  const zeroRow = 0;
  const pixelStart = align16(stride);
  const outStart = align16(pixelStart + height * stride);
  const scratchStart = align16(outStart + height * (stride + 1));
  const mem = kernelMemory(k, scratchStart + (mode === "adaptive" ? 4 * stride : 0));
  mem.fill(0, zeroRow, stride);
  mem.set(pixels, pixelStart);

  for (let y = 0; y < height; y++) {
    const cur = pixelStart + y * stride;
    const prior = y === 0 ? zeroRow : cur - stride;
    const out = outStart + y * (stride + 1);
    let type: number;
    if (mode === "adaptive") {
      type = FILTER_NONE;
      let bestSum = k.sad(cur, stride);
      for (let t = FILTER_SUB; t <= FILTER_PAETH; t++) {
        const candidate = scratchStart + (t - 1) * stride;
        simdFilterRow(k, mem, t, cur, prior, candidate, stride, bpp);
        const sum = k.sad(candidate, stride);
        if (sum < bestSum) {
          bestSum = sum;
          type = t;
        }
      }
      const from = type === FILTER_NONE ? cur : scratchStart + (type - 1) * stride;
      mem[out] = type;
      mem.copyWithin(out + 1, from, from + stride);
      continue;
    }
    if (mode === "sampled") type = y === 0 ? FILTER_SUB : chooseSampled(mem, cur, stride, bpp);
    else type = FIXED_FILTER[mode];
    mem[out] = type;
    simdFilterRow(k, mem, type, cur, prior, out + 1, stride, bpp);
  }
  return mem.subarray(outStart, outStart + height * (stride + 1));
}

/** One row through a kernel, then its first pixel, whose left neighbours are zeros. */
function simdFilterRow(
  k: SimdKernels,
  mem: Uint8Array,
  type: number,
  cur: number,
  prior: number,
  out: number,
  stride: number,
  bpp: number,
): void {
  switch (type) {
    case FILTER_NONE:
      mem.copyWithin(out, cur, cur + stride);
      return;
    case FILTER_SUB:
      k.sub(cur, prior, out, stride, bpp);
      for (let i = 0; i < bpp; i++) mem[out + i] = mem[cur + i]!;
      return;
    case FILTER_UP:
      k.up(cur, prior, out, stride, bpp);
      return;
    case FILTER_AVERAGE:
      k.avg(cur, prior, out, stride, bpp);
      for (let i = 0; i < bpp; i++) mem[out + i] = mem[cur + i]! - (mem[prior + i]! >> 1);
      return;
    default:
      k.paeth(cur, prior, out, stride, bpp);
      for (let i = 0; i < bpp; i++) mem[out + i] = mem[cur + i]! - mem[prior + i]!;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}


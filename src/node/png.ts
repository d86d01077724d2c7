/**
 * PNG encoder for composited tokens: raw 8-bit RGB/RGBA pixels in, a PNG file out.
 *
 * Why not sharp's encoder: on a 512x512 token it costs ~19 ms and writes ~1.4x the bytes
 * of a HashLips (libpng) file. Here the rows are filtered by WebAssembly SIMD kernels
 * (typed-array JavaScript where WebAssembly is missing) and compressed by node:zlib's
 * deflateSync, so the time goes almost all to zlib. `npx tsx bench/png.ts` measures it.
 */
import { constants as zlibConstants, crc32, deflateSync } from "node:zlib";
import { pngContainer } from "../render/pngContainer.js";

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

/** zlib strategies (zlib's deflateInit2): Z_DEFAULT_STRATEGY, Z_FILTERED, Z_RLE, Z_HUFFMAN_ONLY. */
export type PngZlibStrategy = "default" | "filtered" | "rle" | "huffman";

/** What a preset fixes: the filter and the zlib settings. */
export interface PngEncodeSettings {
  /** zlib compression level, 0 (store) to 9; Z_RLE and Z_HUFFMAN_ONLY ignore it above 0. */
  readonly level: number;
  readonly strategy: PngZlibStrategy;
  readonly filter: PngFilterMode;
  /** zlib memLevel, 1 to 9: 9 means larger deflate blocks and hash table. */
  readonly memLevel: number;
}

export interface PngOptions extends Partial<PngEncodeSettings> {
  /**
   * Filter with the WebAssembly SIMD kernels when the runtime has them (default true).
   * false forces the JavaScript filters; the bytes written are the same either way.
   */
  readonly simd?: boolean;
}

/**
 * Named settings, chosen with `npx tsx bench/png.ts` on composited HashLips tokens at
 * 512x512 and 1024x1024, RGB and RGBA (sizes relative to `baseline`, same channels):
 * - `fast`: Up, Z_RLE: the cheapest filter with the run matcher. Huffman-only deflate was
 *   ~20% quicker per image on HashLips' art but 3x larger and slower end to end on flat
 *   vector art (the project's sample layers), where Z_RLE's runs are what keeps files small.
 * - `balanced` (the default): Paeth, Z_RLE. The quickest setting within 1.1x of
 *   `baseline` at both sizes (1.0-1.03x), 8-10x quicker than `baseline`. Z_RLE matches
 *   only runs of the previous byte, which is where filtered pixels repeat; zlib's level-1
 *   matcher on the same data was slower and ~1.3x larger.
 * - `small`: adaptive, zlib level 8: 3-7% under `baseline` at ~6x its time. Level 9
 *   saved 1-2% more at twice the time again (~1.8 s per 1024x1024 token).
 * - `baseline`: what HashLips writes through node-canvas and libpng: zlib level 6,
 *   Z_FILTERED (libpng's default strategy when filtering), adaptive filters.
 */
export const PNG_PRESETS = {
  fast: { level: 1, strategy: "rle", filter: "up", memLevel: 9 },
  balanced: { level: 1, strategy: "rle", filter: "paeth", memLevel: 9 },
  small: { level: 8, strategy: "filtered", filter: "adaptive", memLevel: 9 },
  baseline: { level: 6, strategy: "filtered", filter: "adaptive", memLevel: 8 },
} as const satisfies Record<string, PngEncodeSettings>;

export type PngPresetName = keyof typeof PNG_PRESETS;

/** PNG filter type bytes (spec 9.2). */
const FILTER_NONE = 0;
const FILTER_SUB = 1;
const FILTER_UP = 2;
const FILTER_AVERAGE = 3;
const FILTER_PAETH = 4;

/** The spec caps width and height at 2^31 - 1. */
const MAX_DIMENSION_PX = 0x7fffffff;

/** "sampled" scores one pixel in this many; 8 kept sizes within 1% of scoring every pixel. */
const SAMPLE_STEP_PX = 8;

const FILTER_MODES: readonly PngFilterMode[] = ["none", "sub", "up", "average", "paeth", "adaptive", "sampled"];

const ZLIB_STRATEGY: Record<PngZlibStrategy, number> = {
  default: zlibConstants.Z_DEFAULT_STRATEGY,
  filtered: zlibConstants.Z_FILTERED,
  rle: zlibConstants.Z_RLE,
  huffman: zlibConstants.Z_HUFFMAN_ONLY,
};

/**
 * Encodes raw 8-bit pixels (row-major, no padding) as a PNG with one IDAT chunk. Options
 * override the `balanced` preset one by one. Throws an Error naming the argument, what
 * was expected and what was received, for a bad size, buffer length or option.
 *
 * @example
 * const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
 * const png = isOpaque(data, 4)
 *   ? encodePng(rgbaToRgb(data), info.width, info.height, 3)
 *   : encodePng(data, info.width, info.height, 4, PNG_PRESETS.small);
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
  options: PngOptions = {},
): Buffer {
  checkDimension("width", width);
  checkDimension("height", height);
  if (channels !== 3 && channels !== 4) {
    throw new Error(`encodePng: channels: expected 3 or 4, received ${String(channels)}`);
  }
  const expectedLength = width * height * channels;
  if (pixels.length !== expectedLength) {
    throw new Error(
      `encodePng: pixels: expected ${expectedLength} bytes (${width}x${height}x${channels}), received ${pixels.length}`,
    );
  }
  const settings = resolvePngSettings(options);

  const filtered = filterRows(pixels, width, height, channels, settings.filter, false, options.simd !== false);
  // `filtered` may be a view of scratch memory that the next encode reuses: deflate it now.
  const idat = deflateSync(filtered, {
    level: settings.level,
    strategy: ZLIB_STRATEGY[settings.strategy],
    memLevel: settings.memLevel,
  });

  return pngFile(idat, width, height, channels);
}

/** Wraps a zlib stream of filtered scanlines as a PNG file (src/render/pngContainer.ts), as a Buffer. */
export function pngFile(idat: Uint8Array, width: number, height: number, channels: 3 | 4): Buffer {
  const png = pngContainer(idat, width, height, channels, crc32);
  return Buffer.from(png.buffer, png.byteOffset, png.length);
}

/**
 * Filters `rows` scanlines exactly as encodePng filters them inside a whole image. Where `withRowAbove`,
 * `pixels` starts with the row above the band, which the filters read and which is not output. Returns a
 * view of scratch memory, valid until the next filter or encode call.
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
  const kernels = !simd || width * channels < SIMD_MIN_ROW_BYTES ? undefined : simdKernels();
  const filtered =
    kernels === undefined
      ? filterImage(plainBytes(pixels), width, height, channels, filter)
      : filterImageSimd(kernels, pixels, width, height, channels, filter);
  return withRowAbove ? filtered.subarray(width * channels + 1) : filtered;
}

/** Every encode setting filled in: the `balanced` preset overridden by `options`. Throws on a bad value. */
export function resolvePngSettings(options: PngOptions = {}): PngEncodeSettings {
  const settings: PngEncodeSettings = {
    level: options.level ?? PNG_PRESETS.balanced.level,
    strategy: options.strategy ?? PNG_PRESETS.balanced.strategy,
    filter: options.filter ?? PNG_PRESETS.balanced.filter,
    memLevel: options.memLevel ?? PNG_PRESETS.balanced.memLevel,
  };
  if (!Number.isInteger(settings.level) || settings.level < 0 || settings.level > 9) {
    throw new Error(`encodePng: options.level: expected an integer 0-9, received ${String(settings.level)}`);
  }
  if (!Number.isInteger(settings.memLevel) || settings.memLevel < 1 || settings.memLevel > 9) {
    throw new Error(`encodePng: options.memLevel: expected an integer 1-9, received ${String(settings.memLevel)}`);
  }
  if (!Object.hasOwn(ZLIB_STRATEGY, settings.strategy)) {
    throw new Error(
      `encodePng: options.strategy: expected one of ${Object.keys(ZLIB_STRATEGY).join(", ")}, received ${String(settings.strategy)}`,
    );
  }
  if (!FILTER_MODES.includes(settings.filter)) {
    throw new Error(
      `encodePng: options.filter: expected one of ${FILTER_MODES.join(", ")}, received ${String(settings.filter)}`,
    );
  }
  return settings;
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
 * out, but the shifts assume little-endian, which is every platform Node ships for.
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

function checkDimension(name: "width" | "height", value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION_PX) {
    throw new Error(`encodePng: ${name}: expected an integer 1-${MAX_DIMENSION_PX}, received ${String(value)}`);
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
 * The filtered image is deflated and dropped within one encodePng call, so its memory is
 * kept for the next call (one per worker thread: each has its own module instance).
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
// WebAssembly SIMD filters. The kernels work 16 bytes at a time, which a filter allows
// because every predictor reads the unfiltered image, never the filtered output. Paeth,
// the filter smooth art needs, costs ~0.25 ms per 512x512 RGBA token here against 4-5 ms
// in JavaScript, which makes it and "adaptive" nearly free next to deflate (~6 ms).
//
// The module is assembled below from named opcodes rather than shipped as a binary, so it
// can be read and changed here. Its text form, for reading against the spec:
//
//   (func $sub   (param $cur $prior $out $n $bpp)  out[i] = cur[i] - cur[i-bpp]
//   (func $up    (param $cur $prior $out $n $bpp)  out[i] = cur[i] - prior[i]
//   (func $avg   (param $cur $prior $out $n $bpp)  out[i] = cur[i] - avg(cur[i-bpp], prior[i])
//   (func $paeth (param $cur $prior $out $n $bpp)  out[i] = cur[i] - paeth(cur[i-bpp], prior[i], prior[i-bpp])
//   (func $sad   (param $ptr $n) (result i32)      sum of |int8(ptr[i])| for i in [0, n)
//
// The filters write bytes [start, n), start being bpp (0 for up): JavaScript writes the
// first pixel. Each loop steps 16 bytes and moves its last step back to end at n, so
// they need n - start >= 16 (SIMD_MIN_ROW_BYTES) and write nothing past n.

/** Rows shorter than this are filtered in JavaScript (the kernels need 16 bytes after the first pixel). */
const SIMD_MIN_ROW_BYTES = 32;

const WASM_PAGE_BYTES = 65536;

/**
 * The part of the WebAssembly API used here. The project's TypeScript libs (ES2023 and
 * @types/node 20) do not declare WebAssembly, so it is typed locally and read off globalThis.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
}

interface SimdKernels {
  readonly memory: WasmMemory;
  readonly sub: SimdFilter;
  readonly up: SimdFilter;
  readonly avg: SimdFilter;
  readonly paeth: SimdFilter;
  readonly sad: (ptr: number, n: number) => number;
}

type SimdFilter = (cur: number, prior: number, out: number, n: number, bpp: number) => void;

/** undefined: not tried yet; null: this runtime has no WebAssembly SIMD. */
let kernels: SimdKernels | null | undefined;

function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined) kernels = instantiateKernels();
  return kernels ?? undefined;
}

function instantiateKernels(): SimdKernels | null {
  // `node --jitless` has no WebAssembly; a runtime without SIMD fails validation.
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  const bytes = kernelModuleBytes();
  if (!wasm.validate(bytes)) return null;
  const memory = new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  return { memory, ...(exports as unknown as Omit<SimdKernels, "memory">) };
}

/**
 * Filters through the kernels. Wasm memory holds, 16-byte aligned: a zero row (the row
 * above row 0), the pixels, the filtered image, then four scratch rows for "adaptive".
 * Returns a view of the filtered image in wasm memory, valid until the next encode.
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
  const mem = wasmBytes(k, scratchStart + (mode === "adaptive" ? 4 * stride : 0));
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

/** A view of the whole wasm memory, grown to at least `length` bytes (growing detaches older views). */
function wasmBytes(k: SimdKernels, length: number): Uint8Array {
  const have = k.memory.buffer.byteLength;
  if (length > have) k.memory.grow(Math.ceil((length - have) / WASM_PAGE_BYTES));
  return new Uint8Array(k.memory.buffer);
}

/** WebAssembly opcodes used by the kernels (core spec 5.4). */
const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i32Load8S: 0x2c,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Xor: 0x73,
  i32ShrS: 0x75,
  simdPrefix: 0xfd,
} as const;

/** SIMD opcodes, written after OP.simdPrefix as LEB128 (SIMD spec, "Binary encoding"). */
const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  i32x4ExtractLane: 0x1b,
  i16x8LeS: 0x33,
  v128And: 0x4e,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  i8x16Abs: 0x60,
  i8x16NarrowI16x8S: 0x65,
  i8x16ShrU: 0x6d,
  i8x16Add: 0x6e,
  i8x16Sub: 0x71,
  i16x8ExtaddPairwiseI8x16U: 0x7d,
  i32x4ExtaddPairwiseI16x8U: 0x7f,
  i16x8Abs: 0x80,
  i16x8ExtendLowI8x16U: 0x89,
  i16x8ExtendHighI8x16U: 0x8a,
  i16x8Add: 0x8e,
  i16x8Sub: 0x91,
  i32x4Add: 0xae,
} as const;

const TYPE_I32 = 0x7f;
const TYPE_V128 = 0x7b;
const BLOCK_VOID = 0x40;
/** log2 of the natural alignment that memarg records: 16 bytes for v128, 1 for a byte. */
const ALIGN_V128 = 4;
const ALIGN_BYTE = 0;

function uleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    const low = v & 0x7f;
    v >>>= 7;
    bytes.push(v === 0 ? low : low | 0x80);
  } while (v !== 0);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value | 0;
  for (;;) {
    const low = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (low & 0x40) === 0) || (v === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

const get = (local: number): number[] => [OP.localGet, ...uleb(local)];
const set = (local: number): number[] => [OP.localSet, ...uleb(local)];
const i32 = (value: number): number[] => [OP.i32Const, ...sleb(value)];
const simd = (op: number): number[] => [OP.simdPrefix, ...uleb(op)];
const v128Load = (): number[] => [...simd(SIMD.v128Load), ALIGN_V128, 0];
const v128Store = (): number[] => [...simd(SIMD.v128Store), ALIGN_V128, 0];

/** Locals of the filter kernels: the five parameters, then i32 i and last, then v128 temporaries. */
const F = {
  cur: 0, prior: 1, out: 2, n: 3, bpp: 4,
  i: 5, last: 6,
  a: 7, b: 8, c: 9, da: 10, db: 11, pa: 12, pb: 13, pc: 14, selA: 15, selB: 16,
} as const;
const FILTER_V128_LOCALS = 10;

/** base + i */
const at = (base: number): number[] => [...get(base), ...get(F.i), OP.i32Add];
/** base + i - bpp */
const leftOf = (base: number): number[] => [...at(base), ...get(F.bpp), OP.i32Sub];

/**
 * The loop every filter kernel shares: i from `start` (bpp, or 0 for up) in steps of 16,
 * the last step moved back to end at n; `body` stores out[i..i+16).
 */
function filterKernelBody(startAtBpp: boolean, body: number[]): number[] {
  return [
    ...(startAtBpp ? [...get(F.bpp), ...set(F.i)] : []),
    ...get(F.n), ...i32(16), OP.i32Sub, ...set(F.last),
    OP.loop, BLOCK_VOID,
    ...get(F.i), ...get(F.last), OP.i32GtU, OP.if, BLOCK_VOID, ...get(F.last), ...set(F.i), OP.end,
    ...body,
    ...get(F.i), ...i32(16), OP.i32Add, ...set(F.i),
    ...get(F.i), ...get(F.n), OP.i32LtU, OP.brIf, 0,
    OP.end,
  ];
}

/** One half (low or high 8 bytes, widened to i16) of the Paeth distances pa, pb, pc. */
function paethDistances(extend: number): number[] {
  return [
    ...get(F.a), ...simd(extend), ...get(F.c), ...simd(extend), ...simd(SIMD.i16x8Sub), ...set(F.da),
    ...get(F.b), ...simd(extend), ...get(F.c), ...simd(extend), ...simd(SIMD.i16x8Sub), ...set(F.db),
    ...get(F.db), ...simd(SIMD.i16x8Abs), ...set(F.pa),
    ...get(F.da), ...simd(SIMD.i16x8Abs), ...set(F.pb),
    ...get(F.da), ...get(F.db), ...simd(SIMD.i16x8Add), ...simd(SIMD.i16x8Abs), ...set(F.pc),
  ];
}

/** Leaves (pa <= pb && pa <= pc) then (pb <= pc) on the stack, as i16 lane masks. */
const paethMasks = (): number[] => [
  ...get(F.pa), ...get(F.pb), ...simd(SIMD.i16x8LeS), ...get(F.pa), ...get(F.pc), ...simd(SIMD.i16x8LeS), ...simd(SIMD.v128And),
];

const SUB_KERNEL = filterKernelBody(true, [
  ...at(F.out),
  ...at(F.cur), ...v128Load(), ...leftOf(F.cur), ...v128Load(), ...simd(SIMD.i8x16Sub),
  ...v128Store(),
]);

const UP_KERNEL = filterKernelBody(false, [
  ...at(F.out),
  ...at(F.cur), ...v128Load(), ...at(F.prior), ...v128Load(), ...simd(SIMD.i8x16Sub),
  ...v128Store(),
]);

/** floor((a + b) / 2) without overflow: (a & b) + ((a ^ b) >> 1). */
const AVG_KERNEL = filterKernelBody(true, [
  ...leftOf(F.cur), ...v128Load(), ...set(F.a),
  ...at(F.prior), ...v128Load(), ...set(F.b),
  ...at(F.out),
  ...at(F.cur), ...v128Load(),
  ...get(F.a), ...get(F.b), ...simd(SIMD.v128And),
  ...get(F.a), ...get(F.b), ...simd(SIMD.v128Xor), ...i32(1), ...simd(SIMD.i8x16ShrU),
  ...simd(SIMD.i8x16Add),
  ...simd(SIMD.i8x16Sub),
  ...v128Store(),
]);

/** The distances in i16 lanes, the choice narrowed to byte masks, then two bitselects. */
const PAETH_KERNEL = filterKernelBody(true, [
  ...leftOf(F.cur), ...v128Load(), ...set(F.a),
  ...at(F.prior), ...v128Load(), ...set(F.b),
  ...leftOf(F.prior), ...v128Load(), ...set(F.c),
  ...paethDistances(SIMD.i16x8ExtendLowI8x16U),
  ...paethMasks(), ...set(F.selA),
  ...get(F.pb), ...get(F.pc), ...simd(SIMD.i16x8LeS), ...set(F.selB),
  ...paethDistances(SIMD.i16x8ExtendHighI8x16U),
  ...get(F.selA), ...paethMasks(), ...simd(SIMD.i8x16NarrowI16x8S), ...set(F.selA),
  ...get(F.selB), ...get(F.pb), ...get(F.pc), ...simd(SIMD.i16x8LeS), ...simd(SIMD.i8x16NarrowI16x8S), ...set(F.selB),
  ...at(F.out),
  ...at(F.cur), ...v128Load(),
  ...get(F.a), ...get(F.b), ...get(F.c), ...get(F.selB), ...simd(SIMD.v128Bitselect), ...get(F.selA), ...simd(SIMD.v128Bitselect),
  ...simd(SIMD.i8x16Sub),
  ...v128Store(),
]);

/** Locals of sad: parameters ptr and n, then i32 i, end, v128 acc, i32 sum, v. */
const S = { ptr: 0, n: 1, i: 2, end: 3, acc: 4, sum: 5, v: 6 } as const;

/** 16 bytes at a time into four i32 lanes, then the n % 16 tail one byte at a time. */
const SAD_KERNEL = [
  ...get(S.n), ...i32(-16), OP.i32And, ...set(S.end),
  OP.block, BLOCK_VOID, OP.loop, BLOCK_VOID,
  ...get(S.i), ...get(S.end), OP.i32GeU, OP.brIf, 1,
  ...get(S.acc),
  ...get(S.ptr), ...get(S.i), OP.i32Add, ...v128Load(),
  ...simd(SIMD.i8x16Abs), ...simd(SIMD.i16x8ExtaddPairwiseI8x16U), ...simd(SIMD.i32x4ExtaddPairwiseI16x8U),
  ...simd(SIMD.i32x4Add), ...set(S.acc),
  ...get(S.i), ...i32(16), OP.i32Add, ...set(S.i),
  OP.br, 0, OP.end, OP.end,
  ...get(S.acc), ...simd(SIMD.i32x4ExtractLane), 0, ...get(S.acc), ...simd(SIMD.i32x4ExtractLane), 1, OP.i32Add,
  ...get(S.acc), ...simd(SIMD.i32x4ExtractLane), 2, ...get(S.acc), ...simd(SIMD.i32x4ExtractLane), 3, OP.i32Add,
  OP.i32Add, ...set(S.sum),
  OP.block, BLOCK_VOID, OP.loop, BLOCK_VOID,
  ...get(S.i), ...get(S.n), OP.i32GeU, OP.brIf, 1,
  ...get(S.ptr), ...get(S.i), OP.i32Add, OP.i32Load8S, ALIGN_BYTE, 0, ...set(S.v),
  // |v| = (v ^ (v >> 31)) - (v >> 31)
  ...get(S.sum), ...get(S.v), ...get(S.v), ...i32(31), OP.i32ShrS, OP.i32Xor, ...get(S.v), ...i32(31), OP.i32ShrS, OP.i32Sub,
  OP.i32Add, ...set(S.sum),
  ...get(S.i), ...i32(1), OP.i32Add, ...set(S.i),
  OP.br, 0, OP.end, OP.end,
  ...get(S.sum),
];

function kernelModuleBytes(): Uint8Array {
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const code = (locals: [count: number, type: number][], body: number[]): number[] => {
    const fn = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...body, OP.end];
    return [...uleb(fn.length), ...fn];
  };
  const FUNC_TYPE = 0x60;
  const filterType = [FUNC_TYPE, ...vec([[TYPE_I32], [TYPE_I32], [TYPE_I32], [TYPE_I32], [TYPE_I32]]), ...vec([])];
  const sadType = [FUNC_TYPE, ...vec([[TYPE_I32], [TYPE_I32]]), ...vec([[TYPE_I32]])];
  const filterLocals: [number, number][] = [[2, TYPE_I32], [FILTER_V128_LOCALS, TYPE_V128]];
  const exportNames = ["sub", "up", "avg", "paeth", "sad"];
  const IMPORT_MEMORY = 0x02;
  const EXPORT_FUNC = 0x00;
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec([filterType, sadType])),
    ...section(2, vec([[...name("env"), ...name("memory"), IMPORT_MEMORY, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [0], [0], [0], [1]])),
    ...section(7, vec(exportNames.map((n, index) => [...name(n), EXPORT_FUNC, index]))),
    ...section(
      10,
      [
        ...uleb(5),
        ...code(filterLocals, SUB_KERNEL),
        ...code(filterLocals, UP_KERNEL),
        ...code(filterLocals, AVG_KERNEL),
        ...code(filterLocals, PAETH_KERNEL),
        ...code([[2, TYPE_I32], [1, TYPE_V128], [2, TYPE_I32]], SAD_KERNEL),
      ],
    ),
  ]);
}

/**
 * PNG encoder for composited tokens: raw 8-bit RGB/RGBA pixels in, a PNG file out.
 *
 * Why not sharp's encoder: for the 512x512 token pipeline it costs ~19 ms and writes
 * ~1.35x the bytes of a HashLips (libpng) file. Filtering here is plain typed-array code
 * and the compression is node:zlib's deflateSync, so a worker thread encodes a token in a
 * few milliseconds; figures and the command that produced them are in docs/benchmarks.md.
 */
import { constants as zlibConstants, crc32, deflateSync } from "node:zlib";

/**
 * How each row is filtered before deflate (PNG spec, section 9).
 * - "none" | "sub" | "up" | "average" | "paeth": the same filter on every row.
 * - "adaptive": all five tried on every row, the one with the smallest sum of absolute
 *   (signed) differences kept; the libpng heuristic that HashLips files are written with.
 * - "sampled": Sub, Up and Paeth scored on a sample of each row, the best one applied:
 *   close to "adaptive" in size for about the cost of one filter.
 */
export type PngFilterMode = "none" | "sub" | "up" | "average" | "paeth" | "adaptive" | "sampled";

/** zlib strategy names; see zlib's deflateInit2 for their meaning. */
export type PngZlibStrategy = "default" | "filtered" | "rle" | "huffman";

export interface PngOptions {
  /** zlib compression level, 0 (store) to 9. */
  readonly level?: number;
  readonly strategy?: PngZlibStrategy;
  readonly filter?: PngFilterMode;
  /** zlib memLevel, 1 to 9: 9 gives a larger hash table, a little faster and smaller at low levels. */
  readonly memLevel?: number;
}

/** The settings an encode actually uses: every option filled in. */
export type PngSettings = Required<PngOptions>;

/**
 * Named settings, measured by `npx tsx bench/png.ts` on composited HashLips tokens at
 * 512x512 and 1024x1024 (table in docs/benchmarks.md).
 * - `fast`: the quickest; files may exceed the size target.
 * - `balanced` (the default): the quickest setting whose mean size stays within 1.1x of `baseline`.
 * - `small`: the smallest files this encoder writes in reasonable time.
 * - `baseline`: what HashLips writes through node-canvas/libpng: zlib 6, Z_FILTERED, adaptive.
 */
export const PNG_PRESETS = {
  fast: { level: 1, strategy: "rle", filter: "up", memLevel: 9 },
  balanced: { level: 1, strategy: "rle", filter: "sampled", memLevel: 9 },
  small: { level: 9, strategy: "filtered", filter: "adaptive", memLevel: 9 },
  baseline: { level: 6, strategy: "filtered", filter: "adaptive", memLevel: 8 },
} as const satisfies Record<string, PngSettings>;

export type PngPresetName = keyof typeof PNG_PRESETS;

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** PNG colour types (spec 11.2.2) for 8-bit truecolour. */
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_RGBA = 6;

/** PNG filter type bytes (spec 9.2). */
const FILTER_NONE = 0;
const FILTER_SUB = 1;
const FILTER_UP = 2;
const FILTER_AVERAGE = 3;
const FILTER_PAETH = 4;

/** The spec caps width and height at 2^31 - 1; a token larger than this is a mistake. */
const MAX_DIMENSION_PX = 0x7fffffff;

/** "sampled" scores one pixel in this many; 8 kept sizes within 1% of scoring every pixel. */
const SAMPLE_STEP_PX = 8;

const ZLIB_STRATEGY: Record<PngZlibStrategy, number> = {
  default: zlibConstants.Z_DEFAULT_STRATEGY,
  filtered: zlibConstants.Z_FILTERED,
  rle: zlibConstants.Z_RLE,
  huffman: zlibConstants.Z_HUFFMAN_ONLY,
};

/**
 * Encodes raw 8-bit pixels (row-major, no padding) as a PNG with one IDAT chunk.
 * Options override the `balanced` preset one by one; pass `PNG_PRESETS.small` for the
 * smallest files. Throws an Error for a size or buffer length that does not match.
 *
 * @example
 * const rgba = await sharp(file).ensureAlpha().raw().toBuffer();
 * const png = isOpaque(rgba, 4)
 *   ? encodePng(rgbaToRgb(rgba), 512, 512, 3)
 *   : encodePng(rgba, 512, 512, 4);
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

  const filtered = filterImage(pixels, width, height, channels, settings.filter);
  const idat = deflateSync(filtered, {
    level: settings.level,
    strategy: ZLIB_STRATEGY[settings.strategy],
    memLevel: settings.memLevel,
  });

  const ihdr = new Uint8Array(13);
  const ihdrView = new DataView(ihdr.buffer);
  ihdrView.setUint32(0, width);
  ihdrView.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? COLOR_TYPE_RGBA : COLOR_TYPE_RGB;
  // ihdr[10..12]: compression 0 (deflate), filter method 0 (adaptive), interlace 0 (none).

  const out = Buffer.allocUnsafe(PNG_SIGNATURE.length + 12 * 3 + ihdr.length + idat.length);
  let offset = 0;
  out.set(PNG_SIGNATURE, offset);
  offset += PNG_SIGNATURE.length;
  offset = writeChunk(out, offset, "IHDR", ihdr);
  offset = writeChunk(out, offset, "IDAT", idat);
  offset = writeChunk(out, offset, "IEND", new Uint8Array(0));
  return out;
}

/** Fills in every option: the `balanced` preset overridden by the given options; throws on a bad value. */
export function resolvePngSettings(options: PngOptions = {}): PngSettings {
  const settings: PngSettings = { ...PNG_PRESETS.balanced, ...options };
  if (!Number.isInteger(settings.level) || settings.level < 0 || settings.level > 9) {
    throw new Error(`encodePng: options.level: expected an integer 0-9, received ${String(settings.level)}`);
  }
  if (!Number.isInteger(settings.memLevel) || settings.memLevel < 1 || settings.memLevel > 9) {
    throw new Error(`encodePng: options.memLevel: expected an integer 1-9, received ${String(settings.memLevel)}`);
  }
  if (!(settings.strategy in ZLIB_STRATEGY)) {
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

const FILTER_MODES: readonly PngFilterMode[] = ["none", "sub", "up", "average", "paeth", "adaptive", "sampled"];

/**
 * True when every pixel is fully opaque (alpha 255), so the token can be written as RGB:
 * 25% less data to filter and deflate, and a smaller file. RGB pixels are always opaque.
 */
export function isOpaque(pixels: Uint8Array, channels: 3 | 4): boolean {
  if (channels === 3) return true;
  const end = pixels.length;
  // Four pixels per iteration with one comparison: fewer branches on the common opaque path.
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
 * Drops the alpha channel: RGBA in, a new RGB array out (or `out`, if given, of length
 * pixels/4*3). Use it after `isOpaque`; it does not blend translucent pixels.
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
  for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
    rgb[d] = rgba[s]!;
    rgb[d + 1] = rgba[s + 1]!;
    rgb[d + 2] = rgba[s + 2]!;
  }
  return rgb;
}

function checkDimension(name: "width" | "height", value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION_PX) {
    throw new Error(`encodePng: ${name}: expected an integer 1-${MAX_DIMENSION_PX}, received ${String(value)}`);
  }
}

function writeChunk(out: Buffer, offset: number, type: string, data: Uint8Array): number {
  out.writeUInt32BE(data.length, offset);
  const typeStart = offset + 4;
  out.write(type, typeStart, "latin1");
  out.set(data, typeStart + 4);
  const dataEnd = typeStart + 4 + data.length;
  // The chunk CRC covers the type and the data, not the length (spec 5.3).
  out.writeUInt32BE(crc32(out.subarray(typeStart, dataEnd)), dataEnd);
  return dataEnd + 4;
}

/**
 * Returns the filtered scanlines (one filter-type byte, then the row) that IDAT deflates.
 * The row above the first row is all zeros (spec 9.2), hence the zero `prior` row.
 */
function filterImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  bpp: 3 | 4,
  mode: PngFilterMode,
): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const zeroRow = new Uint8Array(stride);
  const scratch = mode === "adaptive" ? new Uint8Array(stride * 4) : undefined;
  for (let y = 0; y < height; y++) {
    const rowStart = y * stride;
    const prior = y === 0 ? zeroRow : pixels;
    const priorStart = y === 0 ? 0 : rowStart - stride;
    const outStart = y * (stride + 1);
    let type: number;
    switch (mode) {
      case "none":
        type = FILTER_NONE;
        break;
      case "sub":
        type = FILTER_SUB;
        break;
      case "up":
        type = FILTER_UP;
        break;
      case "average":
        type = FILTER_AVERAGE;
        break;
      case "paeth":
        type = FILTER_PAETH;
        break;
      case "sampled":
        type = chooseSampled(pixels, rowStart, prior, priorStart, stride, bpp);
        break;
      case "adaptive":
        // scratch is defined for this mode; the check keeps the type checker and a bad call honest.
        if (scratch === undefined) throw new Error("encodePng: internal: adaptive scratch missing");
        adaptiveRow(pixels, rowStart, prior, priorStart, stride, bpp, out, outStart, scratch);
        continue;
      default:
        return assertNever(mode);
    }
    out[outStart] = type;
    applyFilter(type, pixels, rowStart, prior, priorStart, stride, bpp, out, outStart + 1);
  }
  return out;
}

function applyFilter(
  type: number,
  row: Uint8Array,
  rowStart: number,
  prior: Uint8Array,
  priorStart: number,
  stride: number,
  bpp: number,
  out: Uint8Array,
  outStart: number,
): void {
  switch (type) {
    case FILTER_NONE:
      out.set(row.subarray(rowStart, rowStart + stride), outStart);
      return;
    case FILTER_SUB:
      filterSub(row, rowStart, stride, bpp, out, outStart);
      return;
    case FILTER_UP:
      filterUp(row, rowStart, prior, priorStart, stride, out, outStart);
      return;
    case FILTER_AVERAGE:
      filterAverage(row, rowStart, prior, priorStart, stride, bpp, out, outStart);
      return;
    default:
      filterPaeth(row, rowStart, prior, priorStart, stride, bpp, out, outStart);
  }
}

// The filter loops write into a Uint8Array, which stores each difference modulo 256 as the spec requires.

function filterSub(row: Uint8Array, r: number, stride: number, bpp: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]!;
  for (let i = bpp; i < stride; i++) out[o + i] = row[r + i]! - row[r + i - bpp]!;
}

function filterUp(
  row: Uint8Array,
  r: number,
  prior: Uint8Array,
  p: number,
  stride: number,
  out: Uint8Array,
  o: number,
): void {
  for (let i = 0; i < stride; i++) out[o + i] = row[r + i]! - prior[p + i]!;
}

function filterAverage(
  row: Uint8Array,
  r: number,
  prior: Uint8Array,
  p: number,
  stride: number,
  bpp: number,
  out: Uint8Array,
  o: number,
): void {
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]! - (prior[p + i]! >> 1);
  for (let i = bpp; i < stride; i++) {
    out[o + i] = row[r + i]! - ((row[r + i - bpp]! + prior[p + i]!) >> 1);
  }
}

function filterPaeth(
  row: Uint8Array,
  r: number,
  prior: Uint8Array,
  p: number,
  stride: number,
  bpp: number,
  out: Uint8Array,
  o: number,
): void {
  // With no left neighbour the Paeth predictor is the byte above.
  for (let i = 0; i < bpp; i++) out[o + i] = row[r + i]! - prior[p + i]!;
  for (let i = bpp; i < stride; i++) {
    out[o + i] = row[r + i]! - paethPredictor(row[r + i - bpp]!, prior[p + i]!, prior[p + i - bpp]!);
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
  prior: Uint8Array,
  p: number,
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
    applyFilter(type, row, r, prior, p, stride, bpp, scratch, s);
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
 * Scores Sub, Up and Paeth on every SAMPLE_STEP_PX-th pixel of the row (all its channels)
 * and returns the filter with the smallest sum of signed magnitudes.
 */
function chooseSampled(
  row: Uint8Array,
  r: number,
  prior: Uint8Array,
  p: number,
  stride: number,
  bpp: number,
): number {
  let sub = 0;
  let up = 0;
  let paeth = 0;
  const step = SAMPLE_STEP_PX * bpp;
  for (let px = bpp; px < stride; px += step) {
    for (let c = 0; c < bpp; c++) {
      const i = px + c;
      const x = row[r + i]!;
      const a = row[r + i - bpp]!;
      const b = prior[p + i]!;
      sub += signedMagnitude((x - a) & 0xff);
      up += signedMagnitude((x - b) & 0xff);
      paeth += signedMagnitude((x - paethPredictor(a, b, prior[p + i - bpp]!)) & 0xff);
    }
  }
  if (paeth < sub && paeth < up) return FILTER_PAETH;
  return up <= sub ? FILTER_UP : FILTER_SUB;
}

function assertNever(value: never): never {
  throw new Error(`encodePng: unexpected value ${String(value)}`);
}

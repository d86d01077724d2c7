/**
 * PNG encoder for composited tokens: raw 8-bit RGB/RGBA pixels in, a PNG file out.
 *
 * Why not sharp's encoder: on a 512x512 token it costs ~19 ms and writes ~1.4x the bytes
 * of a HashLips (libpng) file. Here the rows are filtered by the shared PNG toolkit
 * (src/render/png: WebAssembly SIMD kernels, typed-array JavaScript where WebAssembly is
 * missing; the studio filters with the same code) and compressed by node:zlib's
 * deflateSync, so the time goes almost all to zlib. `npx tsx bench/png.ts` measures it.
 */
import { constants as zlibConstants, crc32, deflateSync } from "node:zlib";
import { filterRows, PNG_FILTER_MODES, type PngFilterMode } from "../render/png/filters.js";
import { pngContainer } from "../render/pngContainer.js";

export { filterRows, isOpaque, rgbaToRgb, type PngFilterMode } from "../render/png/filters.js";

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

/** The spec caps width and height at 2^31 - 1. */
const MAX_DIMENSION_PX = 0x7fffffff;

/** zlib's numbers for the strategies (also the band cache's, src/node/pngBands.ts). */
export const ZLIB_STRATEGY: Readonly<Record<PngZlibStrategy, number>> = {
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
  if (!PNG_FILTER_MODES.includes(settings.filter)) {
    throw new Error(
      `encodePng: options.filter: expected one of ${PNG_FILTER_MODES.join(", ")}, received ${String(settings.filter)}`,
    );
  }
  return settings;
}

function checkDimension(name: "width" | "height", value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION_PX) {
    throw new Error(`encodePng: ${name}: expected an integer 1-${MAX_DIMENSION_PX}, received ${String(value)}`);
  }
}


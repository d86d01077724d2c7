/**
 * An image's size read from its first bytes, before anything decodes it: a 20000x20000 PNG is 1.6 GB of RGBA once
 * decoded, so the studio refuses or warns from the header alone. PNG (IHDR), WebP (VP8, VP8L, VP8X) and JPEG (the
 * first SOFn marker) are read; anything else gives undefined and is left to the decoder.
 */

/**
 * Most pixels one layer image may have: sharp's default `limitInputPixels` (16383 x 16383), the limit the CLI
 * decodes under, so the studio refuses what the CLI would.
 */
export const MAX_INPUT_PIXELS = 268_402_689;
/** From this many pixels (4096 x 4096, 64 MiB of RGBA per decoded copy) a layer image is loaded with a warning. */
export const LARGE_INPUT_PIXELS = 4096 * 4096;
/** Bytes read to find the size: enough for every PNG and WebP, and for JPEGs whose EXIF comes before SOF. */
export const HEADER_BYTES = 64 * 1024;

export interface HeaderSize {
  width: number;
  height: number;
  format: "png" | "webp" | "jpeg";
}

const u16be = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u32be = (b: Uint8Array, i: number): number => (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>> 0;
const u24le = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16);
const ascii = (b: Uint8Array, i: number, n: number): string => String.fromCharCode(...b.subarray(i, i + n));

/** The size in an image's header, or undefined where the bytes are no PNG, WebP or JPEG header (or too short). */
export function readHeaderSize(b: Uint8Array): HeaderSize | undefined {
  if (b.length >= 24 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a && ascii(b, 12, 4) === "IHDR") {
    return { width: u32be(b, 16), height: u32be(b, 20), format: "png" };
  }
  if (b.length >= 30 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    const chunk = ascii(b, 12, 4);
    if (chunk === "VP8 " && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
      return { width: (b[26] ?? 0) | (((b[27] ?? 0) & 0x3f) << 8), height: (b[28] ?? 0) | (((b[29] ?? 0) & 0x3f) << 8), format: "webp" };
    }
    if (chunk === "VP8L" && b[20] === 0x2f) {
      const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, format: "webp" };
    }
    if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, format: "webp" };
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1] ?? 0;
      if (marker === 0xff) {
        i++;
        continue;
      }
      // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: u16be(b, i + 7), height: u16be(b, i + 5), format: "jpeg" };
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      i += 2 + u16be(b, i + 2);
    }
  }
  return undefined;
}

/** What the header says about loading an image: fine, big (a warning line), or past the limit (a problem line). */
export function checkPixels(size: { width: number; height: number }): { refuse: string } | { warn: string } | undefined {
  const pixels = size.width * size.height;
  const dims = `${size.width}×${size.height}`;
  if (pixels > MAX_INPUT_PIXELS || size.width === 0 || size.height === 0) {
    return {
      refuse: `${dims} is ${pixels === 0 ? "an empty image" : `${(pixels / 1e6).toFixed(0)} megapixels`}: expected at most ${MAX_INPUT_PIXELS.toLocaleString("en-US")} pixels (16383×16383, the CLI's limit); not decoded, scale it down`,
    };
  }
  if (pixels >= LARGE_INPUT_PIXELS) return { warn: `${dims}: a large image, ${Math.round((pixels * 4) / 1048576)} MiB per decoded copy; loading and generating will be slow` };
  return undefined;
}

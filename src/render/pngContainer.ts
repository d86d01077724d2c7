/**
 * The PNG file around a zlib stream of filtered 8-bit truecolour scanlines: signature, IHDR, one IDAT, IEND
 * (PNG spec 5 and 11.2). Both backends wrap their encoders' output with it, each with its own CRC-32 (Node's
 * zlib, the browser's slice-by-8).
 */

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** PNG colour types (spec 11.2.2) for 8-bit truecolour. */
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_RGBA = 6;
/** Length, type and CRC around each chunk's data. */
const CHUNK_OVERHEAD = 12;
const IHDR_LENGTH = 13;

export function pngContainer(idat: Uint8Array, width: number, height: number, channels: 3 | 4, crc32: (bytes: Uint8Array) => number): Uint8Array {
  const ihdr = new Uint8Array(IHDR_LENGTH);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? COLOR_TYPE_RGBA : COLOR_TYPE_RGB;
  // ihdr[10..12] stay 0: deflate compression, adaptive filter method, no interlace.
  const out = new Uint8Array(SIGNATURE.length + 3 * CHUNK_OVERHEAD + IHDR_LENGTH + idat.length);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  at = writeChunk(out, at, "IHDR", ihdr, crc32);
  at = writeChunk(out, at, "IDAT", idat, crc32);
  writeChunk(out, at, "IEND", new Uint8Array(0), crc32);
  return out;
}

function writeChunk(out: Uint8Array, at: number, type: string, data: Uint8Array, crc32: (bytes: Uint8Array) => number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  const dataEnd = at + 8 + data.length;
  // The CRC covers the chunk type and data, not the length (spec 5.3).
  view.setUint32(dataEnd, crc32(out.subarray(at + 4, dataEnd)));
  return dataEnd + 4;
}

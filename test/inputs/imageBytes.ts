/**
 * Odd and broken image files, made at test time: sharp encodes the real ones (16-bit, palette, grey, CMYK JPEG,
 * animated WebP/GIF); the ones sharp will not write (APNG, a header claiming 100000x100000, a bad CRC) are built
 * chunk by chunk from a sharp-encoded PNG.
 */
import { crc32, deflateSync } from "node:zlib";
import type { Sharp } from "sharp";
import sharp from "sharp";
import { shapeImage, shapeRgba } from "../helpers/fixtures.js";
import { PX } from "./harness.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A disc at the suite's size, encoded as `encode` says (default 8-bit RGBA PNG). */
export async function disc(encode?: (img: Sharp) => Sharp, size = PX): Promise<Buffer> {
  return shapeImage({ width: size, height: size, color: [250, 220, 0], shape: "disc" }, encode);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

interface Chunk {
  type: string;
  data: Buffer;
  /** Offset of the chunk's length field in the file. */
  offset: number;
}

export function pngChunks(png: Buffer): Chunk[] {
  const out: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    out.push({ type: png.toString("latin1", at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length), offset: at });
    at += 12 + length;
  }
  return out;
}

function ihdr(width: number, height: number, bitDepth = 8, colourType = 6): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = bitDepth;
  d[9] = colourType;
  return pngChunk("IHDR", d);
}

/** A PNG whose header claims width x height, with one row of pixel data: sharp reads its size, never its pixels. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk("IDAT", deflateSync(Buffer.alloc(1 + 4 * 4))), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A valid PNG whose IDAT chunk's CRC is wrong. */
export async function pngBadCrc(): Promise<Buffer> {
  const png = Buffer.from(await disc());
  const idat = pngChunks(png).find((c) => c.type === "IDAT");
  if (!idat) throw new Error("no IDAT");
  const crcAt = idat.offset + 8 + idat.data.length;
  png[crcAt] = (png[crcAt] ?? 0) ^ 0xff;
  return png;
}

/** A valid PNG with a flipped byte inside its compressed pixels (the CRC fixed up): the deflate stream is damaged. */
export async function pngBadPixels(): Promise<Buffer> {
  const png = await disc();
  const parts = pngChunks(png).map((c) => {
    if (c.type !== "IDAT") return pngChunk(c.type, c.data);
    const data = Buffer.from(c.data);
    for (let i = 2; i < data.length - 4; i += 3) data[i] = (data[i] ?? 0) ^ 0x5a;
    return pngChunk("IDAT", data);
  });
  return Buffer.concat([PNG_SIGNATURE, ...parts]);
}

/** The concatenated IDAT contents of a PNG: a frame's compressed pixels. */
function idatData(png: Buffer): Buffer {
  return Buffer.concat(pngChunks(png).filter((c) => c.type === "IDAT").map((c) => c.data));
}

function fctl(sequence: number, width: number, height: number): Buffer {
  const d = Buffer.alloc(26);
  d.writeUInt32BE(sequence, 0);
  d.writeUInt32BE(width, 4);
  d.writeUInt32BE(height, 8);
  d.writeUInt16BE(1, 20); // delay 1/10 s
  d.writeUInt16BE(10, 22);
  return pngChunk("fcTL", d);
}

/** An animated PNG (APNG) of two frames: a disc, then a square, at the suite's size. */
export async function apng(): Promise<Buffer> {
  const frame = async (s: "disc" | "square") =>
    shapeImage({ width: PX, height: PX, color: [250, 220, 0], shape: s }, (img) => img.png({ adaptiveFiltering: false, palette: false }));
  const [a, b] = await Promise.all([frame("disc"), frame("square")]);
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(2, 0);
  const seq = Buffer.alloc(4);
  seq.writeUInt32BE(2);
  const header = pngChunks(a).find((c) => c.type === "IHDR");
  if (!header) throw new Error("no IHDR");
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", header.data),
    pngChunk("acTL", actl),
    fctl(0, PX, PX),
    pngChunk("IDAT", idatData(a)),
    fctl(1, PX, PX),
    pngChunk("fdAT", Buffer.concat([seq, idatData(b)])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Two frames (a disc, then a full square) stacked as one raw image with a page height: sharp writes it animated. */
function twoFrames(): Sharp {
  const a = shapeRgba({ width: PX, height: PX, color: [250, 220, 0], shape: "disc" });
  const b = shapeRgba({ width: PX, height: PX, color: [20, 200, 250], shape: "square" });
  return sharp(Buffer.concat([a.data, b.data]), { raw: { width: PX, height: PX * 2, channels: 4, pageHeight: PX } });
}

export async function animatedWebp(): Promise<Buffer> {
  return twoFrames().webp({ loop: 0, delay: [100, 100], lossless: true }).toBuffer();
}

export async function animatedGif(): Promise<Buffer> {
  return twoFrames().gif({ loop: 0, delay: [100, 100] }).toBuffer();
}

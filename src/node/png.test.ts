import { inflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import * as toolkit from "../render/png/filters.js";
import {
  encodePng,
  filterRows,
  isOpaque,
  PNG_PRESETS,
  resolvePngSettings,
  rgbaToRgb,
  type PngFilterMode,
  type PngPresetName,
} from "./png.js";

const FILTER_MODES: readonly PngFilterMode[] = ["none", "sub", "up", "average", "paeth", "adaptive", "sampled"];
const PRESET_NAMES = Object.keys(PNG_PRESETS) as PngPresetName[];

/** Seeded so a failure reproduces: xorshift32. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/**
 * Gradients with a little noise and a flat block, like a composited token: each filter
 * wins somewhere, so "adaptive" and "sampled" mix filter types within one image.
 */
function tokenLike(width: number, height: number, channels: 3 | 4, seed: number): Uint8Array {
  const jitter = noise(width * height, seed);
  const px = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const flat = x > width / 2 && y > height / 2;
      const j = jitter[y * width + x]! & 3;
      px[i] = flat ? 40 : (x * 255) / width + j;
      px[i + 1] = flat ? 200 : (y * 255) / height;
      px[i + 2] = flat ? 90 : ((x + y) * 127) / (width + height) + j;
      if (channels === 4) px[i + 3] = (x + y) % 7 === 0 ? 128 : 255;
    }
  }
  return px;
}

async function decode(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
  readonly crc: number;
  /** Type and data, the bytes the CRC covers. */
  readonly covered: Buffer;
}

function chunks(png: Buffer): Chunk[] {
  const list: Chunk[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const covered = png.subarray(offset + 4, offset + 8 + length);
    list.push({
      type: png.toString("latin1", offset + 4, offset + 8),
      data: png.subarray(offset + 8, offset + 8 + length),
      crc: png.readUInt32BE(offset + 8 + length),
      covered,
    });
    offset += 12 + length;
  }
  return list;
}

/** Bitwise CRC-32 (PNG spec, annex D), independent of the zlib.crc32 the encoder uses. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The filter-type byte of every row, read back from IDAT. */
function rowFilters(png: Buffer, width: number, height: number, channels: number): number[] {
  const idat = chunks(png).find((c) => c.type === "IDAT");
  if (idat === undefined) throw new Error("no IDAT");
  const raw = inflateSync(idat.data);
  expect(raw.length).toBe(height * (width * channels + 1));
  return Array.from({ length: height }, (_, y) => raw[y * (width * channels + 1)]!);
}

describe("encodePng", () => {
  // 7x5 is the odd size the brief asks for; 40x9 has rows long enough for the SIMD kernels
  // and a width that is not a multiple of 16; 1x1 and 3x2 exercise the smallest rows.
  const sizes: [number, number][] = [
    [7, 5],
    [40, 9],
    [1, 1],
    [3, 2],
    [64, 33],
  ];

  for (const channels of [3, 4] as const) {
    for (const [width, height] of sizes) {
      for (const filter of FILTER_MODES) {
        it(`round-trips ${width}x${height} ${channels === 4 ? "RGBA" : "RGB"} with filter ${filter}`, async () => {
          const pixels = tokenLike(width, height, channels, width * 31 + height);
          const png = encodePng(pixels, width, height, channels, { filter });
          const decoded = await decode(png);
          expect([decoded.width, decoded.height, decoded.channels]).toEqual([width, height, channels]);
          expect(Buffer.compare(decoded.data, Buffer.from(pixels))).toBe(0);
        });
      }
    }
  }

  for (const preset of PRESET_NAMES) {
    it(`round-trips with preset ${preset}`, async () => {
      for (const channels of [3, 4] as const) {
        const pixels = tokenLike(50, 21, channels, 7);
        const decoded = await decode(encodePng(pixels, 50, 21, channels, PNG_PRESETS[preset]));
        expect(decoded.channels).toBe(channels);
        expect(Buffer.compare(decoded.data, Buffer.from(pixels))).toBe(0);
      }
    });
  }

  it("round-trips pure noise, where no filter helps", async () => {
    const pixels = noise(33 * 17 * 4, 99);
    for (const filter of FILTER_MODES) {
      const decoded = await decode(encodePng(pixels, 33, 17, 4, { filter }));
      expect(Buffer.compare(decoded.data, Buffer.from(pixels))).toBe(0);
    }
  });

  it("accepts a Buffer that is a view into a larger allocation", async () => {
    const backing = Buffer.alloc(7 * 5 * 3 + 11);
    const pixels = backing.subarray(5, 5 + 7 * 5 * 3);
    pixels.set(tokenLike(7, 5, 3, 3));
    const decoded = await decode(encodePng(pixels, 7, 5, 3));
    expect(Buffer.compare(decoded.data, pixels)).toBe(0);
  });

  it("writes the same bytes with the SIMD and the JavaScript filters", () => {
    for (const channels of [3, 4] as const) {
      for (const [width, height] of [
        [40, 9],
        [123, 7],
        [8, 3],
      ] as const) {
        const pixels = tokenLike(width, height, channels, 5);
        for (const filter of FILTER_MODES) {
          const simd = encodePng(pixels, width, height, channels, { filter, level: 0 });
          const js = encodePng(pixels, width, height, channels, { filter, level: 0, simd: false });
          expect(Buffer.compare(simd, js), `${width}x${height}x${channels} ${filter}`).toBe(0);
        }
      }
    }
  });

  it("writes signature, IHDR, one IDAT and IEND, each with a correct CRC", () => {
    const png = encodePng(tokenLike(7, 5, 4, 1), 7, 5, 4);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    for (const c of list) expect(c.crc, c.type).toBe(referenceCrc32(c.covered));
    const ihdr = list[0]!.data;
    expect(ihdr.readUInt32BE(0)).toBe(7);
    expect(ihdr.readUInt32BE(4)).toBe(5);
    expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    expect(chunks(encodePng(tokenLike(7, 5, 3, 1), 7, 5, 3))[0]!.data[9]).toBe(2);
  });

  it("uses the filter type asked for on every row", () => {
    const fixed: [PngFilterMode, number][] = [
      ["none", 0],
      ["sub", 1],
      ["up", 2],
      ["average", 3],
      ["paeth", 4],
    ];
    for (const simd of [true, false]) {
      for (const [filter, type] of fixed) {
        const png = encodePng(tokenLike(40, 9, 3, 2), 40, 9, 3, { filter, simd });
        expect(new Set(rowFilters(png, 40, 9, 3))).toEqual(new Set([type]));
      }
    }
  });

  it("picks more than one filter type per image with the adaptive heuristics", () => {
    for (const filter of ["adaptive", "sampled"] as const) {
      const png = encodePng(tokenLike(64, 33, 4, 4), 64, 33, 4, { filter });
      const types = rowFilters(png, 64, 33, 4);
      expect(types.every((t) => t >= 0 && t <= 4)).toBe(true);
      expect(new Set(types).size, filter).toBeGreaterThan(1);
    }
  });

  it("writes smaller files with the small preset than with fast, on a smooth image", () => {
    const pixels = tokenLike(64, 64, 3, 8);
    const small = encodePng(pixels, 64, 64, 3, PNG_PRESETS.small).length;
    const fast = encodePng(pixels, 64, 64, 3, PNG_PRESETS.fast).length;
    expect(small).toBeLessThan(fast);
  });

  it("defaults to the balanced preset, option by option", () => {
    expect(resolvePngSettings()).toEqual(PNG_PRESETS.balanced);
    expect(resolvePngSettings({ level: 9 })).toEqual({ ...PNG_PRESETS.balanced, level: 9 });
    expect(PNG_PRESETS.baseline).toMatchObject({ level: 6, filter: "adaptive" });
  });

  it("throws naming the expected and the received length when pixels do not match the size", () => {
    expect(() => encodePng(new Uint8Array(7 * 5 * 4 - 1), 7, 5, 4)).toThrowError(
      "encodePng: pixels: expected 140 bytes (7x5x4), received 139",
    );
    expect(() => encodePng(new Uint8Array(7 * 5 * 4), 7, 5, 3)).toThrowError(/expected 105 bytes.*received 140/);
  });

  it("throws for a bad size, channel count or option", () => {
    const px = new Uint8Array(12);
    expect(() => encodePng(px, 0, 4, 3)).toThrowError(/width: expected an integer 1-\d+, received 0/);
    expect(() => encodePng(px, 2, 1.5, 3)).toThrowError(/height: expected an integer 1-\d+, received 1.5/);
    expect(() => encodePng(px, 2, 2, 2 as 3)).toThrowError("encodePng: channels: expected 3 or 4, received 2");
    expect(() => encodePng(px, 2, 2, 3, { level: 10 })).toThrowError(/options.level: expected an integer 0-9, received 10/);
    expect(() => encodePng(px, 2, 2, 3, { memLevel: 0 })).toThrowError(/options.memLevel: expected an integer 1-9/);
    expect(() => encodePng(px, 2, 2, 3, { filter: "best" as PngFilterMode })).toThrowError(
      /options.filter: expected one of none, sub, up, average, paeth, adaptive, sampled, received best/,
    );
    expect(() => encodePng(px, 2, 2, 3, { strategy: "toString" as "rle" })).toThrowError(
      /options.strategy: expected one of default, filtered, rle, huffman, received toString/,
    );
  });
});

describe("the toolkit's pixel helpers", () => {
  // Tested with the filters in src/render/png/filters.test.ts; callers of src/node/png.ts keep importing them here.
  it("are re-exported as they are", () => {
    expect(isOpaque).toBe(toolkit.isOpaque);
    expect(rgbaToRgb).toBe(toolkit.rgbaToRgb);
    expect(filterRows).toBe(toolkit.filterRows);
  });
});

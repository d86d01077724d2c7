import { unzlibSync, inflateSync } from "fflate";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { adler32 } from "../render/adler32.js";
import { rgbaToRgb } from "../render/png/filters.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEFLATE_MODULE, expectedModuleSource } from "../../scripts/build-wasm.js";
import { filterRows } from "../render/png/filters.js";
import { DeflateScratch, deflateRuns, hasWasmDeflate, huffmanLengths, zlibRuns } from "./fastDeflate.js";
import { encodePng, FAST_PNG_FILTER, FastPngEncoder } from "./pngEncoder.js";

/** A small seeded generator, so failures repeat. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function imageLike(n: number, seed: number): Uint8Array {
  const r = lcg(seed);
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const kind = r();
    const len = 1 + Math.floor(r() * (kind < 0.3 ? 600 : 40));
    const v = Math.floor(r() * 256);
    for (let k = 0; k < len && i < n; k++, i++) out[i] = kind < 0.5 ? v : kind < 0.8 ? [v, 7, 200][k % 3]! : Math.floor(r() * 256);
  }
  return out;
}

/** Byte equality without a deep-equal per element (which takes seconds on a megabyte). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("deflateRuns", () => {
  it("round-trips through an independent inflater, for runs, pixel repeats, noise and edge sizes", () => {
    for (const [n, bpp] of [[0, 3], [1, 3], [2, 4], [3, 3], [259, 3], [70_000, 3], [300_000, 4], [1_000_000, 3]] as const) {
      const data = imageLike(n, n + bpp);
      expect(same(inflateSync(deflateRuns(data, bpp)), data), `raw ${n}`).toBe(true);
      expect(same(unzlibSync(zlibRuns(data, bpp)), data), `zlib ${n}`).toBe(true);
    }
  });

  it("sums the zlib trailer's Adler-32 while it scans, equal to a plain Adler-32 (long runs included)", () => {
    const scratch = new DeflateScratch();
    for (const n of [1, 5552, 5553, 2_000_000]) {
      const data = imageLike(n, 7 * n);
      if (n === 2_000_000) data.fill(255, 0, 1_500_000);
      deflateRuns(data, 3, scratch);
      expect(scratch.adler, `n=${n}`).toBe(adler32(data));
    }
  });

  it("compresses long runs to a sliver", () => {
    const data = new Uint8Array(768 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = [10, 20, 30][i % 3]!;
    const z = zlibRuns(data, 3);
    expect(z.length).toBeLessThan(data.length / 100);
    expect(same(unzlibSync(z), data)).toBe(true);
  });

  it("writes the same bytes and Adler-32 in WebAssembly as in TypeScript, whatever the data and its size", () => {
    expect(hasWasmDeflate()).toBe(true);
    const js = new DeflateScratch();
    const wasm = new DeflateScratch();
    // Block edges: a block holds 32,768 symbols, so 32,768 + far literals end a block at the very end.
    const noise = (n: number, seed: number): Uint8Array => {
      const r = lcg(seed);
      return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
    };
    const cases: [string, Uint8Array, number][] = [
      ["empty", new Uint8Array(0), 3],
      ["one byte", Uint8Array.of(9), 4],
      ["shorter than a pixel", Uint8Array.of(1, 1), 3],
      ["a run that ends the data", Uint8Array.of(5, 5, 5, 5, 5, 5), 3],
      ["two short of a match at the end", Uint8Array.of(1, 2, 3, 1, 2), 3],
      ["noise filling one block exactly", noise(32_768, 1), 3],
      ["noise filling one block exactly, bpp 4", noise(32_768, 2), 4],
      ["noise one past a block", noise(32_769, 3), 3],
      ["long runs", new Uint8Array(600_000).fill(77), 3],
      ["runs at distance 4", Uint8Array.from({ length: 100_000 }, (_, i) => [1, 2, 3, 4][i % 4]!), 4],
    ];
    for (const n of [259, 5_553, 70_000, 300_000, 1_000_000]) cases.push([`image-like ${n}`, imageLike(n, 3 * n), n % 2 === 0 ? 3 : 4]);
    for (const [name, data, bpp] of cases) {
      const a = deflateRuns(data, bpp, js, "js");
      const b = deflateRuns(data, bpp, wasm, "wasm");
      expect(same(a, b), `${name}: ${a.length} vs ${b.length} bytes`).toBe(true);
      expect(wasm.adler, name).toBe(js.adler);
      expect(same(inflateSync(b), data), name).toBe(true);
    }
  });

  it("writes the bytes the studio's images have had since output format 0.3.0 (both implementations)", () => {
    // sha256 of zlibRuns as the TypeScript-only encoder of commit f06dd01 wrote them: the studio's PNG bytes
    // (and so its image hashes and provenance) are a contract like the CLI's.
    const pinned: [number, number, string][] = [
      [1_000_000, 3, "ca7890552851d33201205d4d6d8ef1a38eae0f60c33f1bf8bb8d7e7602f4108b"],
      [300_001, 4, "9d3b6c0a0c9f811f7fc989090f6136e071e5c5f3a03ff97c2b4ba4a272453446"],
    ];
    for (const [n, bpp, sha] of pinned) {
      for (const engine of ["js", "wasm"] as const) {
        const z = zlibRuns(imageLike(n, 42), bpp, new DeflateScratch(), engine);
        expect(createHash("sha256").update(z).digest("hex"), `${n} bytes, bpp ${bpp}, ${engine}`).toBe(sha);
      }
    }
  });

  it("deflates filtered rows where the filters wrote them (their WebAssembly memory), as from a copy", () => {
    const width = 300;
    const height = 200;
    const rgb = rgbaToRgb(tokenRgba(width, height, true, 5));
    const inPlace = filterRows(rgb, width, height, 3, "paeth", false, true);
    const copy = inPlace.slice();
    const a = zlibRuns(inPlace, 3, new DeflateScratch(), "wasm");
    const b = zlibRuns(copy, 3, new DeflateScratch(), "js");
    expect(same(a, b)).toBe(true);
    expect(same(unzlibSync(a), copy)).toBe(true);
  });

  it("carries the WebAssembly that fastDeflate.wat compiles to now", async () => {
    const committed = readFileSync(DEFLATE_MODULE.module, "utf8");
    expect(committed === (await expectedModuleSource(DEFLATE_MODULE)), "src/browser/fastDeflateWasm.ts is stale: run npm run build:wasm").toBe(true);
  });

  it("keeps every Huffman code within the length limit and the Kraft sum exact", () => {
    // Fibonacci frequencies make the deepest unlimited tree.
    const freqs = [1, 1];
    while (freqs.length < 40) freqs.push(freqs[freqs.length - 1]! + freqs[freqs.length - 2]!);
    const lengths = huffmanLengths(freqs, 15);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(15);
    let kraft = 0;
    for (const l of lengths) kraft += 2 ** -l;
    expect(kraft).toBeCloseTo(1, 12);
  });
});

/** A token-like straight-alpha RGBA image: gradients, flat areas, noise rows and, unless opaque, translucent pixels. */
function tokenRgba(width: number, height: number, opaque: boolean, seed: number): Uint8Array {
  const r = lcg(seed);
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const flat = x > width / 3 && y > height / 2;
      const rough = y % 6 === 2;
      px[i] = rough ? Math.floor(r() * 256) : flat ? 40 : (x * 255) / width;
      px[i + 1] = flat ? 200 : (y * 255) / height;
      px[i + 2] = flat ? 90 : ((x + y) * 127) / (width + height) + Math.floor(r() * 4);
      px[i + 3] = opaque || (x + y) % 5 !== 0 ? 255 : 100;
    }
  }
  return px;
}

/** The filter-type byte of each row of a PNG with one IDAT. */
function rowFilterTypes(png: Uint8Array, width: number, height: number, bpp: number): number[] {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  const idatLength = view.getUint32(33);
  const raw = unzlibSync(png.subarray(41, 41 + idatLength));
  expect(raw.length).toBe(height * (width * bpp + 1));
  return Array.from({ length: height }, (_, y) => raw[y * (width * bpp + 1)]!);
}

describe("FastPngEncoder (the shared filters, then deflateRuns)", () => {
  const sizes: [number, number][] = [[1, 1], [7, 5], [40, 9], [123, 31]];

  it("gives the token's pixels back through an independent decoder, as RGB where opaque and RGBA where not", async () => {
    const encoder = new FastPngEncoder();
    for (const [width, height] of sizes) {
      for (const opaque of [true, false]) {
        const rgba = tokenRgba(width, height, opaque, width + height);
        for (const given of [opaque, undefined]) {
          const { data, info } = await sharp(encoder.encode(rgba, width, height, given)).raw().toBuffer({ resolveWithObject: true });
          expect([info.width, info.height, info.channels], `${width}x${height} opaque=${opaque}`).toEqual([width, height, opaque ? 3 : 4]);
          expect(same(data, opaque ? rgbaToRgb(rgba) : rgba), `${width}x${height} opaque=${opaque} given=${given}`).toBe(true);
        }
      }
    }
  });

  it("reads getImageData's Uint8ClampedArray, and RGBA that is not 4-byte aligned, as their bytes", () => {
    const rgba = tokenRgba(40, 9, true, 3);
    const expected = new FastPngEncoder().encode(rgba, 40, 9);
    const clamped = new Uint8ClampedArray(rgba);
    const unaligned = new Uint8Array(rgba.length + 1).subarray(1);
    unaligned.set(rgba);
    expect(same(new FastPngEncoder().encode(clamped, 40, 9), expected)).toBe(true);
    expect(same(new FastPngEncoder().encode(unaligned, 40, 9), expected)).toBe(true);
  });

  it("writes the same bytes with the WebAssembly SIMD filters and the JavaScript ones, for every filter", () => {
    for (const filter of ["up", "paeth", "adaptive", "sampled"] as const) {
      for (const opaque of [true, false]) {
        const rgba = tokenRgba(123, 31, opaque, 11);
        const simd = new FastPngEncoder({ filter }).encode(rgba, 123, 31);
        const js = new FastPngEncoder({ filter, simd: false }).encode(rgba, 123, 31);
        expect(same(simd, js), `${filter} opaque=${opaque}`).toBe(true);
      }
    }
  });

  it("filters every row with FAST_PNG_FILTER (Paeth) by default, and with the filter it is given", () => {
    expect(FAST_PNG_FILTER).toBe("paeth");
    const rgba = tokenRgba(40, 9, true, 5);
    expect(new Set(rowFilterTypes(new FastPngEncoder().encode(rgba, 40, 9), 40, 9, 3))).toEqual(new Set([4]));
    expect(new Set(rowFilterTypes(new FastPngEncoder({ filter: "up" }).encode(rgba, 40, 9), 40, 9, 3))).toEqual(new Set([2]));
  });

  it("throws naming the expected and received length", () => {
    expect(() => new FastPngEncoder().encode(new Uint8Array(10), 2, 2)).toThrowError("encodePng: expected 16 bytes for 2x2 RGBA, received 10");
  });
});

describe("encodePng (the studio's fflate encoder)", () => {
  it("gives the token's pixels back at deflateRuns (0) and fflate levels", async () => {
    for (const opaque of [true, false]) {
      const rgba = tokenRgba(64, 17, opaque, 9);
      for (const level of [0, 1, 6] as const) {
        const { data, info } = await sharp(encodePng(rgba, 64, 17, { level })).raw().toBuffer({ resolveWithObject: true });
        expect(info.channels).toBe(opaque ? 3 : 4);
        expect(same(data, opaque ? rgbaToRgb(rgba) : rgba), `level ${level} opaque=${opaque}`).toBe(true);
      }
    }
  });
});

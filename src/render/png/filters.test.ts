import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { filterRows, hasSimdFilters, isOpaque, PNG_FILTER_MODES, rgbaToRgb, type PngFilterMode } from "./filters.js";

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

/** Gradients, a flat block, noise and translucent pixels: every filter wins somewhere, so "adaptive" mixes them. */
function tokenLike(width: number, height: number, channels: 3 | 4, seed: number): Uint8Array {
  const jitter = noise(width * height, seed);
  const px = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const flat = x > width / 2 && y > height / 2;
      const rough = y % 5 === 1;
      const j = jitter[y * width + x]!;
      px[i] = rough ? j : flat ? 40 : (x * 255) / width + (j & 3);
      px[i + 1] = flat ? 200 : (y * 255) / height;
      px[i + 2] = flat ? 90 : ((x + y) * 127) / (width + height) + (j & 3);
      if (channels === 4) px[i + 3] = (x + y) % 7 === 0 ? 128 : 255;
    }
  }
  return px;
}

/**
 * Undoes the filters as a decoder does (PNG spec 9.2-9.4), written from the spec rather than from the encoder:
 * the pixels back from scanlines, or undefined where a filter-type byte is not 0-4.
 */
function unfilter(scanlines: Uint8Array, width: number, height: number, bpp: number, above?: Uint8Array): Uint8Array | undefined {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const type = scanlines[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = scanlines[y * (stride + 1) + 1 + i]!;
      const up = (row: number, at: number): number => (row >= 0 ? out[row * stride + at]! : (above?.[at] ?? 0));
      const a = i >= bpp ? out[y * stride + i - bpp]! : 0;
      const b = up(y - 1, i);
      const c = i >= bpp ? up(y - 1, i - bpp) : 0;
      let predictor: number;
      if (type === 0) predictor = 0;
      else if (type === 1) predictor = a;
      else if (type === 2) predictor = b;
      else if (type === 3) predictor = Math.floor((a + b) / 2);
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else return undefined;
      out[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return out;
}

/** filterRows returns scratch memory that the next call reuses: tests keep copies. */
function filtered(pixels: Uint8Array, width: number, rows: number, channels: 3 | 4, mode: PngFilterMode, withRowAbove: boolean, simd: boolean): Uint8Array {
  return filterRows(pixels, width, rows, channels, mode, withRowAbove, simd).slice();
}

/** Byte equality without a deep-equal per element, which takes seconds on large images. */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.compare(a, b) === 0;
}

function rowTypes(scanlines: Uint8Array, width: number, height: number, bpp: number): number[] {
  return Array.from({ length: height }, (_, y) => scanlines[y * (width * bpp + 1)]!);
}

/** Widths around the kernels' 16-byte steps and their 32-byte minimum row, and rows too short for them. */
const SIZES: [width: number, height: number][] = [
  [1, 1],
  [3, 2],
  [7, 5],
  [8, 3],
  [10, 4],
  [11, 4],
  [16, 6],
  [40, 9],
  [123, 7],
  [64, 33],
];

describe("filterRows", () => {
  it("filters with the WebAssembly SIMD kernels in Node (so the comparisons below compare two paths)", () => {
    expect(hasSimdFilters()).toBe(true);
  });

  for (const channels of [3, 4] as const) {
    for (const mode of PNG_FILTER_MODES) {
      it(`gives the same bytes with SIMD and in JavaScript, which undo to the pixels: ${mode}, ${channels} channels`, () => {
        for (const [width, height] of SIZES) {
          const pixels = tokenLike(width, height, channels, width * 31 + height);
          const simd = filtered(pixels, width, height, channels, mode, false, true);
          const js = filtered(pixels, width, height, channels, mode, false, false);
          expect(simd.length, `${width}x${height}`).toBe(height * (width * channels + 1));
          expect(Buffer.compare(simd, js), `${width}x${height}`).toBe(0);
          expect(sameBytes(unfilter(simd, width, height, channels), pixels), `${width}x${height}`).toBe(true);
        }
      });
    }
  }

  it("falls back to JavaScript in a runtime without WebAssembly (node --jitless), with the same bytes", () => {
    const [width, height] = [64, 33];
    const pixels = tokenLike(width, height, 4, 12);
    const script = [
      "const { filterRows, hasSimdFilters } = await import(process.argv[1]);",
      "const pixels = Uint8Array.from(Buffer.from(process.argv[2], 'base64'));",
      `const out = ${JSON.stringify(PNG_FILTER_MODES)}.map((m) => Buffer.from(filterRows(pixels, ${width}, ${height}, 4, m, false)).toString('base64'));`,
      "console.log(JSON.stringify({ simd: hasSimdFilters(), out }));",
    ].join("\n");
    const modulePath = fileURLToPath(new URL("./filters.ts", import.meta.url));
    const stdout = execFileSync(
      process.execPath,
      ["--jitless", "--import", "tsx", "--input-type=module", "-e", script, modulePath, Buffer.from(pixels).toString("base64")],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    const result = JSON.parse(stdout) as { simd: boolean; out: string[] };
    expect(result.simd).toBe(false);
    const here = PNG_FILTER_MODES.map((m) => Buffer.from(filterRows(pixels, width, height, 4, m, false, true)).toString("base64"));
    expect(result.out).toEqual(here);
  });

  it("writes the asked-for filter type on every row, first row included, on both paths", () => {
    const fixed: [PngFilterMode, number][] = [["none", 0], ["sub", 1], ["up", 2], ["average", 3], ["paeth", 4]];
    for (const simd of [true, false]) {
      for (const [mode, type] of fixed) {
        const out = filtered(tokenLike(40, 9, 3, 2), 40, 9, 3, mode, false, simd);
        expect(new Set(rowTypes(out, 40, 9, 3)), `${mode} simd=${simd}`).toEqual(new Set([type]));
      }
    }
  });

  it("mixes filter types with the adaptive and sampled choices, the same rows on both paths", () => {
    for (const mode of ["adaptive", "sampled"] as const) {
      const simd = rowTypes(filtered(tokenLike(64, 33, 4, 4), 64, 33, 4, mode, false, true), 64, 33, 4);
      const js = rowTypes(filtered(tokenLike(64, 33, 4, 4), 64, 33, 4, mode, false, false), 64, 33, 4);
      expect(simd).toEqual(js);
      expect(new Set(simd).size, mode).toBeGreaterThan(1);
    }
  });

  it("filters a band after its row above exactly as the same rows inside the whole image", () => {
    const [width, height, channels] = [50, 12, 3] as const;
    const pixels = tokenLike(width, height, channels, 9);
    const stride = width * channels;
    for (const mode of PNG_FILTER_MODES) {
      for (const simd of [true, false]) {
        const whole = filtered(pixels, width, height, channels, mode, false, simd);
        const band = filtered(pixels.subarray(4 * stride, 9 * stride), width, 4, channels, mode, true, simd);
        expect(Buffer.compare(band, whole.subarray(5 * (stride + 1), 9 * (stride + 1))), `${mode} simd=${simd}`).toBe(0);
      }
    }
  });

  it("reads a Buffer or a view into a larger allocation as its bytes", () => {
    const backing = new Uint8Array(40 * 9 * 4 + 7);
    const pixels = backing.subarray(7);
    pixels.set(tokenLike(40, 9, 4, 3));
    for (const simd of [true, false]) {
      const fromView = filtered(pixels, 40, 9, 4, "paeth", false, simd);
      const fromBuffer = filtered(Buffer.from(pixels), 40, 9, 4, "paeth", false, simd);
      expect(Buffer.compare(fromView, fromBuffer)).toBe(0);
      expect(sameBytes(unfilter(fromView, 40, 9, 4), pixels)).toBe(true);
    }
  });

  it("keeps working when a larger image grows the kernels' memory after a smaller one", () => {
    const small = tokenLike(40, 9, 4, 1);
    const large = tokenLike(300, 200, 4, 2);
    const before = filtered(small, 40, 9, 4, "adaptive", false, true);
    expect(sameBytes(unfilter(filtered(large, 300, 200, 4, "adaptive", false, true), 300, 200, 4), large)).toBe(true);
    expect(Buffer.compare(filtered(small, 40, 9, 4, "adaptive", false, true), before)).toBe(0);
  });

  it("throws naming the expected and received length, or the bad filter", () => {
    expect(() => filterRows(new Uint8Array(10), 2, 2, 3, "up", false)).toThrowError(
      "filterRows: pixels: expected 12 bytes (2x2x3), received 10",
    );
    // With the row above, one row of output reads two rows of pixels.
    expect(() => filterRows(new Uint8Array(6), 2, 1, 3, "up", true)).toThrowError(
      "filterRows: pixels: expected 12 bytes (2x2x3), received 6",
    );
    expect(() => filterRows(new Uint8Array(12), 2, 2, 3, "best" as PngFilterMode, false)).toThrowError(
      "filterRows: filter: expected one of none, sub, up, average, paeth, adaptive, sampled, received best",
    );
  });
});

describe("isOpaque", () => {
  it("is true for RGB and for RGBA whose alpha is all 255", () => {
    expect(isOpaque(noise(30, 1), 3)).toBe(true);
    expect(isOpaque(new Uint8Array(4 * 37).fill(255), 4)).toBe(true);
    expect(isOpaque(new Uint8Array(0), 4)).toBe(true);
  });

  it("finds one translucent pixel anywhere, including the last ones", () => {
    for (const pixelCount of [1, 3, 4, 5, 37]) {
      for (let p = 0; p < pixelCount; p++) {
        const px = new Uint8Array(4 * pixelCount).fill(255);
        px[p * 4 + 3] = 254;
        expect(isOpaque(px, 4), `pixel ${p} of ${pixelCount}`).toBe(false);
      }
    }
  });
});

describe("rgbaToRgb", () => {
  const expectedRgb = (rgba: Uint8Array): number[] => Array.from(rgba).filter((_, i) => i % 4 !== 3);

  it("drops every fourth byte, for any pixel count", () => {
    for (const pixelCount of [0, 1, 2, 3, 4, 5, 8, 11]) {
      const rgba = noise(pixelCount * 4, pixelCount + 1);
      expect(Array.from(rgbaToRgb(rgba)), `${pixelCount} pixels`).toEqual(expectedRgb(rgba));
    }
  });

  it("handles input that is not 4-byte aligned and writes into a given array", () => {
    const backing = new Uint8Array(4 * 9 + 1);
    backing.set(noise(4 * 9, 3), 1);
    const rgba = backing.subarray(1);
    const out = new Uint8Array(27);
    expect(rgbaToRgb(rgba, out)).toBe(out);
    expect(Array.from(out)).toEqual(expectedRgb(rgba));
  });

  it("throws for a length that is not whole pixels or an out of the wrong size", () => {
    expect(() => rgbaToRgb(new Uint8Array(7))).toThrowError(/expected a length that is a multiple of 4, received 7/);
    expect(() => rgbaToRgb(new Uint8Array(8), new Uint8Array(5))).toThrowError("rgbaToRgb: out: expected 6 bytes, received 5");
  });
});

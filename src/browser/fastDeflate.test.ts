import { unzlibSync, inflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { adler32 } from "../render/adler32.js";
import { DeflateScratch, deflateRuns, huffmanLengths, zlibRuns } from "./fastDeflate.js";

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

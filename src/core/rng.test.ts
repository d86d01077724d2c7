import { describe, expect, it } from "vitest";
import { createRng, shuffleInPlace } from "./rng.js";

describe("createRng", () => {
  it("gives the same sequence for the same seed and stream, another for another", () => {
    const seq = (seed: string, stream?: string) => {
      const r = createRng(seed, stream);
      return Array.from({ length: 5 }, () => r.int(1_000_000));
    };
    expect(seq("a")).toEqual(seq("a"));
    expect(seq("a")).not.toEqual(seq("b"));
    expect(seq("a", "x")).not.toEqual(seq("a", "y"));
  });

  it("int(n) stays in range and covers it evenly", () => {
    const r = createRng("even");
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const v = r.int(10);
      expect(v >= 0 && v < 10).toBe(true);
      buckets[v] = (buckets[v] ?? 0) + 1;
    }
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(RangeError);
  });

  it("shuffleInPlace keeps every element", () => {
    const a = shuffleInPlace(Array.from({ length: 100 }, (_, i) => i), createRng("s"));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

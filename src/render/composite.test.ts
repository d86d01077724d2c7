import { describe, expect, it } from "vitest";
import { compositeTraits, prepareTrait } from "./composite.js";
import { packTraits, unpackTraits } from "./pack.js";

/** Independent reference: straight-alpha "over" in floating point, rounded once at the end. */
export function referenceOver(layers: Uint8Array[], w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (const L of layers) {
      const sa = (L[p * 4 + 3] ?? 0) / 255;
      const na = sa + a * (1 - sa);
      if (na > 0) {
        r = ((L[p * 4] ?? 0) * sa + r * a * (1 - sa)) / na;
        g = ((L[p * 4 + 1] ?? 0) * sa + g * a * (1 - sa)) / na;
        b = ((L[p * 4 + 2] ?? 0) * sa + b * a * (1 - sa)) / na;
      }
      a = na;
    }
    out.set([Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)], p * 4);
  }
  return out;
}

function randomLayer(w: number, h: number, seed: number, kind: "sparse" | "opaque" | "soft"): Uint8Array {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const px = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const a = kind === "opaque" ? 255 : kind === "soft" ? Math.floor(rand() * 256) : rand() < 0.6 ? 0 : rand() < 0.5 ? 255 : Math.floor(rand() * 256);
    px.set([Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256), a], p * 4);
  }
  return px;
}

function maxChannelDiff(a: Uint8Array, b: Uint8Array, opaqueOnlyColour = true): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 4) {
    const alpha = Math.max(a[i + 3] ?? 0, b[i + 3] ?? 0);
    for (let c = 0; c < 4; c++) {
      // Colour under alpha 0 is invisible and carries no meaning.
      if (c < 3 && opaqueOnlyColour && alpha === 0) continue;
      max = Math.max(max, Math.abs((a[i + c] ?? 0) - (b[i + c] ?? 0)));
    }
  }
  return max;
}

describe("compositeTraits", () => {
  const W = 37,
    H = 23;

  it.each([
    ["sparse layers", ["sparse", "sparse", "sparse"]],
    ["soft layers", ["soft", "soft", "soft", "soft"]],
    ["an opaque base", ["opaque", "soft", "sparse"]],
    ["an opaque layer in the middle", ["soft", "opaque", "sparse"]],
  ] as const)("matches the float reference within 1 per channel with %s", (_, kinds) => {
    const layers = kinds.map((k, i) => randomLayer(W, H, 17 + i * 101, k));
    const canvas = new Uint8Array(W * H * 4).fill(77);
    const opaque = compositeTraits(
      canvas,
      layers.map((l) => prepareTrait(l, W, H)),
    );
    const ref = referenceOver(layers, W, H);
    expect(maxChannelDiff(canvas, ref)).toBeLessThanOrEqual(1);
    expect(opaque).toBe((kinds as readonly string[]).includes("opaque"));
  });

  it("crops a trait to its bounding box and skips transparent pixels", () => {
    const px = new Uint8Array(10 * 10 * 4);
    px.set([1, 2, 3, 255], (4 * 10 + 3) * 4);
    px.set([4, 5, 6, 128], (6 * 10 + 7) * 4);
    const t = prepareTrait(px, 10, 10);
    expect([t.x, t.y, t.width, t.height]).toEqual([3, 4, 5, 3]);
    expect(Array.from(t.spans)).toEqual([0, 0, 1, 2, 2, 4, 5, 1]);
    expect(t.coversCanvas).toBe(false);
    const empty = prepareTrait(new Uint8Array(10 * 10 * 4), 10, 10);
    expect(empty.width).toBe(0);
  });

  it("works the same from a shared pack (what workers see)", () => {
    const layers = ["opaque", "soft", "sparse"].map((k, i) => prepareTrait(randomLayer(W, H, i + 5, k as "soft"), W, H));
    const direct = new Uint8Array(W * H * 4);
    compositeTraits(direct, layers);
    const viaPack = new Uint8Array(W * H * 4);
    const unpacked = unpackTraits(packTraits([layers], W, H));
    compositeTraits(viaPack, unpacked[0] ?? []);
    expect(Buffer.from(viaPack).equals(Buffer.from(direct))).toBe(true);
  });

  it("rejects a buffer of the wrong size", () => {
    expect(() => prepareTrait(new Uint8Array(10), 2, 2)).toThrow(/expected 16 bytes for 2x2 RGBA, received 10/);
  });
});

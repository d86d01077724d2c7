import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { PreparedTrait } from "../render/composite.js";
import { compositeTraits, prepareTrait } from "../render/composite.js";
import { PNG_PRESETS } from "./png.js";
import { adler32, adler32Combine } from "../render/adler32.js";
import { BandedPngEncoder, StoppedMidToken } from "./pngBands.js";

const W = 70;
const H = 53;

/** A layer: opaque background, or shapes with soft edges placed at `seed`-dependent rows. */
function layer(seed: number, kind: "background" | "shape" | "empty" | "line"): PreparedTrait {
  const px = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      if (kind === "background") px.set([(seed * 40 + y) & 255, (x * 3) & 255, 90, 255], i);
      // Only on the last row of the first 8-row band: what the band below reads as its row above.
      else if (kind === "line") {
        if (y === 7) px.set([255, 255, 255, 255], i);
      } else if (kind === "shape") {
        const d = Math.hypot(x - 20 - seed * 7, y - 10 - seed * 9);
        const a = d < 6 ? 255 : d < 10 ? Math.round(((10 - d) / 4) * 255) : 0;
        if (a > 0) px.set([200, seed * 50, 30, a], i);
      }
    }
  return prepareTrait(px, W, H);
}

const layers = [
  [layer(0, "background"), layer(1, "background")],
  [layer(0, "shape"), layer(1, "shape"), layer(2, "empty")],
  [layer(2, "shape"), layer(3, "shape"), layer(4, "shape"), layer(0, "line")],
];
const tokens: number[][] = [];
for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) tokens.push([a, b, c]);
const idOf = (l: number, t: number) => l * 10 + t;

async function decodeRgb(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return data;
}

function expectedRgb(traits: PreparedTrait[]): Buffer {
  const canvas = new Uint8Array(W * H * 4);
  compositeTraits(canvas, traits);
  const rgb = Buffer.alloc(W * H * 3);
  for (let p = 0; p < W * H; p++) rgb.set(canvas.subarray(p * 4, p * 4 + 3), p * 3);
  return rgb;
}

describe("adler32", () => {
  it("matches the RFC 1950 checksum and combines like zlib", () => {
    expect(adler32(new TextEncoder().encode("Wikipedia"))).toBe(0x11e60398);
    const data = new Uint8Array(20000).map((_, i) => (i * 31 + (i >> 7)) & 255);
    for (const cut of [0, 1, 5552, 7000, 20000]) {
      expect(adler32Combine(adler32(data.subarray(0, cut)), adler32(data.subarray(cut)), data.length - cut)).toBe(adler32(data));
    }
  });
});

describe("BandedPngEncoder", () => {
  it("writes every token pixel for pixel as the whole-image compositor makes it, with bands reused", async () => {
    const enc = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, undefined, 8);
    const canvas = new Uint8Array(W * H * 4);
    for (const token of [...tokens, ...tokens]) {
      const traits = token.map((t, l) => layers[l]![t]!);
      const png = enc.encode(canvas, traits, token.map((t, l) => idOf(l, t)));
      expect(png).toBeDefined();
      expect(await decodeRgb(png!)).toEqual(expectedRgb(traits));
    }
    expect(enc.stats.hits).toBeGreaterThan(enc.stats.misses);
  });

  it("gives the same bytes whatever the cache holds (any worker count, any order)", () => {
    const warm = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, undefined, 8);
    const cold = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, 1, 8);
    const canvasA = new Uint8Array(W * H * 4);
    const canvasB = new Uint8Array(W * H * 4);
    const order = [...tokens].reverse();
    const a = tokens.map((token) => warm.encode(canvasA, token.map((t, l) => layers[l]![t]!), token.map((t, l) => idOf(l, t)))!);
    const b = new Map(order.map((token) => [token.join(), cold.encode(canvasB, token.map((t, l) => layers[l]![t]!), token.map((t, l) => idOf(l, t)))!]));
    tokens.forEach((token, i) => expect(b.get(token.join())!.equals(a[i]!)).toBe(true));
    expect(cold.stats.hits).toBe(0);
  });

  it("keeps no more memory alive than the bytes it counts (a band must not pin zlib's whole output chunk)", () => {
    const enc = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, undefined, 8);
    const canvas = new Uint8Array(W * H * 4);
    for (const token of tokens) enc.encode(canvas, token.map((t, l) => layers[l]![t]!), token.map((t, l) => idOf(l, t)));
    expect(enc.cachedBytes()).toBeGreaterThan(0);
    expect(enc.retainedBytes()).toBe(enc.cachedBytes());
  });

  it("declines a token without a full-canvas opaque layer", () => {
    const enc = new BandedPngEncoder(W, H, PNG_PRESETS.balanced);
    expect(enc.encode(new Uint8Array(W * H * 4), [layers[1]![0]!, layers[2]![0]!], [10, 20])).toBeUndefined();
  });
});

describe("a stop heard between bands", () => {
  it("throws StoppedMidToken part-way through a token, and the encoder then writes the same bytes as a fresh one", () => {
    const stopped = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, undefined, 8);
    const fresh = new BandedPngEncoder(W, H, PNG_PRESETS.balanced, undefined, 8);
    const traits = tokens[5]!.map((t, l) => layers[l]![t]!);
    const ids = tokens[5]!.map((t, l) => idOf(l, t));
    let asked = 0;
    expect(() => stopped.encode(new Uint8Array(W * H * 4), traits, ids, () => ++asked > 3)).toThrow(StoppedMidToken);
    // It stopped at the fourth band, not at the end: the rest of the token was never drawn.
    expect(asked).toBe(4);
    const again = stopped.encode(new Uint8Array(W * H * 4), traits, ids, () => false);
    expect(again).toEqual(fresh.encode(new Uint8Array(W * H * 4), traits, ids));
  });
});

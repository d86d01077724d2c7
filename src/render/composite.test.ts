import { describe, expect, it } from "vitest";
import { BLEND_MODES, blendPixels, clearsUncovered, keepsOpaque } from "./blend.js";
import { compositeRows, compositeTraits, prepareTrait, topCoveringLayer, type DrawStep } from "./composite.js";
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

/** Two straight-alpha images hold the same pixels as a canvas would: the same premultiplied bytes and alpha. */
function samePremultiplied(a: Uint8Array, b: Uint8Array): boolean {
  const p = (c: number, al: number): number => Math.round((c * al) / 255);
  for (let i = 0; i < a.length; i += 4) {
    if (a[i + 3] !== b[i + 3]) return false;
    for (let c = 0; c < 3; c++) if (p(a[i + c]!, a[i + 3]!) !== p(b[i + c]!, b[i + 3]!)) return false;
  }
  return true;
}

describe("compositeTraits with blend modes and opacity", () => {
  const W = 29,
    H = 17;
  /** A layer covering only a box inside the canvas, with transparent runs inside the box. */
  function boxLayer(seed: number): Uint8Array {
    const px = randomLayer(W, H, seed, "sparse");
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x < 5 || x > 20 || y < 3 || y > 12) px[(y * W + x) * 4 + 3] = 0;
    return px;
  }
  const base = randomLayer(W, H, 3, "soft");
  const top = boxLayer(11);

  it("draws a step with source-over at opacity 1 (or neither given) byte for byte as the bare trait", () => {
    const layers = [randomLayer(W, H, 1, "opaque"), randomLayer(W, H, 2, "soft"), randomLayer(W, H, 4, "sparse")].map((l) => prepareTrait(l, W, H));
    const bare = new Uint8Array(W * H * 4);
    const bareOpaque = compositeTraits(bare, layers);
    const steps = new Uint8Array(W * H * 4);
    const stepsOpaque = compositeTraits(steps, [{ trait: layers[0]! }, { trait: layers[1]!, blend: "source-over", opacity: 1 }, { trait: layers[2]!, blend: "source-over" }]);
    expect(Buffer.from(steps).equals(Buffer.from(bare))).toBe(true);
    expect(stepsOpaque).toBe(bareOpaque);
  });

  // The spans are a shortcut: drawing through them must give what blending every canvas pixel with the whole
  // image gives (its transparent pixels included), for every mode, including the ones that clear what the image
  // does not cover.
  // (source-over at opacity 1 is the plain path, exact "over", tested above and against libvips.)
  const stepCases = BLEND_MODES.flatMap((m) => [[m, 1] as const, [m, 0.4] as const]).filter(([m, o]) => m !== "source-over" || o !== 1);
  it.each(stepCases)("%s at %s: the spans give what the whole canvas gives", (mode, opacity) => {
    const canvas = new Uint8Array(W * H * 4);
    compositeTraits(canvas, [prepareTrait(base, W, H), { trait: prepareTrait(top, W, H), blend: mode, opacity }]);
    const whole = new Uint8Array(W * H * 4);
    compositeTraits(whole, [prepareTrait(base, W, H)]);
    blendPixels(whole, 0, top, 0, W * H, mode, opacity);
    expect(samePremultiplied(canvas, whole)).toBe(true);
    if (clearsUncovered(mode)) {
      // Outside the box nothing is left.
      expect(canvas[3]).toBe(0);
      expect(canvas[(W * H - 1) * 4 + 3]).toBe(0);
    } else {
      // Outside the box (its first three rows here) the base is untouched, byte for byte.
      const plain = new Uint8Array(W * H * 4);
      compositeTraits(plain, [prepareTrait(base, W, H)]);
      expect([...canvas.subarray(0, W * 3 * 4)]).toEqual([...plain.subarray(0, W * 3 * 4)]);
    }
  });

  it("tells whether the result is opaque, where a mode above an opaque layer can make it transparent", () => {
    const opaque = prepareTrait(randomLayer(W, H, 5, "opaque"), W, H);
    const t = prepareTrait(top, W, H);
    for (const mode of BLEND_MODES) {
      const canvas = new Uint8Array(W * H * 4);
      const said = compositeTraits(canvas, [opaque, { trait: t, blend: mode, opacity: 0.7 }]);
      let all = true;
      for (let p = 3; p < canvas.length; p += 4) if (canvas[p] !== 255) all = false;
      expect(said, mode).toBe(all);
      if (keepsOpaque(mode)) expect(said, mode).toBe(true);
    }
  });

  it("starts at the topmost opaque layer drawn plainly, not at one drawn with a mode or an opacity", () => {
    const opaque = prepareTrait(randomLayer(W, H, 5, "opaque"), W, H);
    const soft = prepareTrait(base, W, H);
    expect(topCoveringLayer([opaque, soft, { trait: opaque, blend: "multiply" }])).toBe(0);
    expect(topCoveringLayer([opaque, soft, { trait: opaque, opacity: 0.5 }])).toBe(0);
    expect(topCoveringLayer([soft, { trait: opaque }, soft])).toBe(1);
    // A covering layer at half opacity lets the layers under it show.
    const canvas = new Uint8Array(W * H * 4);
    compositeTraits(canvas, [soft, { trait: opaque, opacity: 0.5 }]);
    const alone = new Uint8Array(W * H * 4);
    compositeTraits(alone, [{ trait: opaque, opacity: 0.5 }]);
    expect(Buffer.from(canvas).equals(Buffer.from(alone))).toBe(false);
  });

  it("draws the rows of a token with steps as compositeTraits does (compositeRows)", () => {
    const opaque = prepareTrait(randomLayer(W, H, 5, "opaque"), W, H);
    const steps: DrawStep[] = [{ trait: opaque }, { trait: prepareTrait(base, W, H), blend: "color-burn", opacity: 0.8 }, { trait: prepareTrait(top, W, H), blend: "destination-in", opacity: 0.6 }];
    const full = new Uint8Array(W * H * 4);
    compositeTraits(full, steps);
    const rows = new Uint8Array(W * H * 4);
    for (const [y0, y1] of [[0, 4], [4, 11], [11, H]] as const) expect(compositeRows(rows, steps, y0, y1)).toBe(true);
    expect(Buffer.from(rows).equals(Buffer.from(full))).toBe(true);
  });

  it("refuses an opacity outside 0-1", () => {
    const canvas = new Uint8Array(W * H * 4);
    expect(() => compositeTraits(canvas, [{ trait: prepareTrait(top, W, H), opacity: 1.5 }])).toThrow(/opacity must be a number from 0 to 1, received 1.5/);
    expect(() => compositeTraits(canvas, [{ trait: prepareTrait(top, W, H), opacity: Number.NaN }])).toThrow(/received NaN/);
  });
});

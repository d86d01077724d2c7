import { describe, expect, it } from "vitest";
import { BLEND_MODES, blendPixels, clearsUncovered, HASHLIPS_MODES, keepsOpaque, parseBlendMode, type BlendMode } from "./blend.js";

/**
 * Each expected pixel is worked out by hand from W3C Compositing and Blending Level 1 (§9.1 Porter-Duff, §10 blend
 * modes) in exact arithmetic, rounded once; the arithmetic is in the comments. blendPixels rounds as Chromium does
 * (premultiplied bytes at each step, Skia's divisions by 255), so it may land a little away: within 1 in alpha and
 * within 1 in colour weighted by alpha (|Δc| × a / 255, a premultiplied byte), as a canvas would hold it.
 */
const TOLERANCE = 1;

function blend(dst: readonly number[], src: readonly number[], mode: BlendMode, opacity = 1): number[] {
  const canvas = Uint8Array.from(dst);
  blendPixels(canvas, 0, Uint8Array.from(src), 0, 1, mode, opacity);
  return [...canvas];
}

function expectPixel(got: number[], want: readonly number[]): void {
  const weight = Math.max(got[3]!, want[3]!) / 255;
  const far = Math.abs(got[3]! - want[3]!) > TOLERANCE || [0, 1, 2].some((i) => Math.abs(got[i]! - want[i]!) * weight > TOLERANCE);
  expect(far ? got : want, `got ${got.join(",")}, want ${want.join(",")}`).toEqual(want);
}

// Opaque pixels for the blend modes: the result is B(Cb, Cs) itself. Cs = (0.8, 0.6, 0.2), Cb = (0.2, 0.4, 0.8).
const CS = [204, 153, 51, 255];
const CB = [51, 102, 204, 255];

// Partly transparent pixels for the Porter-Duff operators, chosen so that premultiplying is exact:
// source (205, 155, 55) at alpha 0.6 = premultiplied (123, 93, 33)/255; destination (50, 100, 200) at 0.4 = (20, 40, 80)/255.
const S = [205, 155, 55, 153];
const D = [50, 100, 200, 102];

const cases: Array<[name: string, mode: BlendMode, dst: number[], src: number[], want: number[]]> = [
  // co = s + d (1 - sa) = (123 + 8, 93 + 16, 33 + 32); ao = 0.6 + 0.4 × 0.4 = 0.76; colour = co / ao.
  ["source-over", "source-over", D, S, [172, 143, 86, 194]],
  // co = s da, ao = sa da = 0.24: the source colour at alpha 61.2.
  ["source-in", "source-in", D, S, [205, 155, 55, 61]],
  // co = s (1 - da), ao = 0.36: the source colour at 91.8.
  ["source-out", "source-out", D, S, [205, 155, 55, 92]],
  // co = s da + d (1 - sa) = (49.2 + 8, 37.2 + 16, 13.2 + 32); ao = da = 0.4: (57.2, 53.2, 45.2) / 0.4.
  ["source-atop", "source-atop", D, S, [143, 133, 113, 102]],
  // co = s (1 - da) + d = (73.8 + 20, 55.8 + 40, 19.8 + 80); ao = 0.36 + 0.4 = 0.76.
  ["destination-over", "destination-over", D, S, [123, 126, 131, 194]],
  // co = d sa, ao = da sa = 0.24: the destination colour at 61.2.
  ["destination-in", "destination-in", D, S, [50, 100, 200, 61]],
  // co = d (1 - sa), ao = 0.16: the destination colour at 40.8.
  ["destination-out", "destination-out", D, S, [50, 100, 200, 41]],
  // co = s (1 - da) + d sa = (73.8 + 12, 55.8 + 24, 19.8 + 48); ao = 0.36 + 0.24 = 0.6.
  ["destination-atop", "destination-atop", D, S, [143, 133, 113, 153]],
  // co = min(1, s + d) = (143, 133, 113)/255; ao = min(1, 0.6 + 0.4) = 1.
  ["lighter", "lighter", D, S, [143, 133, 113, 255]],
  // co = s, ao = sa.
  ["copy", "copy", D, S, [205, 155, 55, 153]],
  // co = s (1 - da) + d (1 - sa) = (73.8 + 8, 55.8 + 16, 19.8 + 32); ao = 0.36 + 0.16 = 0.52 (132.6).
  ["xor", "xor", D, S, [157, 138, 100, 133]],
  // Cs Cb = (0.16, 0.24, 0.16) × 255 = (40.8, 61.2, 40.8).
  ["multiply", "multiply", CB, CS, [41, 61, 41, 255]],
  // Partly transparent: co = s (1 - da) + d (1 - sa) + s d = (73.8 + 8 + 9.647, 55.8 + 16 + 14.588, 19.8 + 32 + 10.353);
  // ao = 0.6 + 0.4 - 0.24 = 0.76: (91.447, 86.388, 62.153) / 0.76.
  ["multiply, partly transparent", "multiply", D, S, [120, 114, 82, 194]],
  // Cb + Cs - Cb Cs = (0.84, 0.76, 0.84) × 255 = (214.2, 193.8, 214.2).
  ["screen", "screen", CB, CS, [214, 194, 214, 255]],
  // HardLight(Cs, Cb): Cb 0.2 and 0.4 ≤ 0.5 → 2 Cb Cs = 0.32, 0.48; Cb 0.8 → Screen(Cs, 2 Cb - 1) = 0.2 + 0.6 - 0.12 = 0.68.
  ["overlay", "overlay", CB, CS, [82, 122, 173, 255]],
  ["darken", "darken", CB, CS, [51, 102, 51, 255]],
  ["lighten", "lighten", CB, CS, [204, 153, 204, 255]],
  // Cb = (0.2, 0.6, 0), Cs = (0.8, 0.2, 1): min(1, 0.2 / 0.2) = 1; 0.6 / 0.8 = 0.75 (191.25); Cb = 0 → 0 even where Cs = 1.
  ["color-dodge", "color-dodge", [51, 153, 0, 255], [204, 51, 255, 255], [255, 191, 0, 255]],
  // Cb = 0.4, Cs = (1, 0, 0.6): Cs = 1 → 1; 0.4 / 1 = 0.4 (102); 0.4 / 0.4 = 1.
  ["color-dodge, Cs = 1", "color-dodge", [102, 102, 102, 255], [255, 0, 153, 255], [255, 102, 255, 255]],
  // Cb = (0.8, 1, 0.6), Cs = (0.8, 0, 0.2): 1 - 0.2 / 0.8 = 0.75; Cb = 1 → 1 even where Cs = 0; 1 - min(1, 0.4 / 0.2) = 0.
  ["color-burn", "color-burn", [204, 255, 153, 255], [204, 0, 51, 255], [191, 255, 0, 255]],
  // Cb = 0.6, Cs = (0, 0.6, 1): Cs = 0 → 0; 1 - 0.4 / 0.6 = 1/3 (85); 1 - 0.4 / 1 = 0.6.
  ["color-burn, Cs = 0", "color-burn", [153, 153, 153, 255], [0, 153, 255, 255], [0, 85, 153, 255]],
  // Cs 0.8 → Screen(Cb, 0.6) = 0.2 + 0.6 - 0.12 = 0.68; Cs 0.6 → Screen(0.4, 0.2) = 0.52 (132.6); Cs 0.2 → 2 × 0.2 × 0.8 = 0.32.
  ["hard-light", "hard-light", CB, CS, [173, 133, 82, 255]],
  // Cs 0.8: Cb 0.2 ≤ 0.25, D = ((16 × 0.2 - 12) 0.2 + 4) 0.2 = 0.448, 0.2 + 0.6 (0.448 - 0.2) = 0.3488 (88.9);
  // Cs 0.6: D = √0.4 = 0.63246, 0.4 + 0.2 × 0.23246 = 0.44649 (113.9); Cs 0.2: 0.8 - 0.6 × 0.8 × 0.2 = 0.704 (179.5).
  ["soft-light", "soft-light", CB, CS, [89, 114, 180, 255]],
  // A dark backdrop, Cb = 25/255 = 0.098039 ≤ 0.25, Cs 0.8: D = ((16 Cb - 12) Cb + 4) Cb = 0.291894 (√Cb would be 0.313);
  // 0.098039 + 0.6 (0.291894 - 0.098039) = 0.214352 (54.66).
  ["soft-light, dark backdrop", "soft-light", [25, 25, 25, 255], [204, 204, 204, 255], [55, 55, 55, 255]],
  // |Cb - Cs| = (0.6, 0.2, 0.6).
  ["difference", "difference", CB, CS, [153, 51, 153, 255]],
  // Cb + Cs - 2 Cb Cs = (0.68, 0.52, 0.68).
  ["exclusion", "exclusion", CB, CS, [173, 133, 173, 255]],
  // SetSat(Cs, Sat(Cb) = 0.6) = (0.6, 0.4, 0), Lum 0.416; SetLum to Lum(Cb) = 0.384: (0.568, 0.368, -0.032);
  // ClipColor (min < 0): L + (C - L) L / (L - min) = 0.384 + (C - 0.384) × 0.923077 = (0.55385, 0.36923, 0).
  ["hue", "hue", CB, CS, [141, 94, 0, 255]],
  // Cs = (0.2, 0.4, 0.4), Sat 0.2: SetSat(Cb, 0.2) = (0, 0.066667, 0.2), Lum 0.061333; + 0.322667 to Lum(Cb) = 0.384.
  ["saturation", "saturation", CB, [51, 102, 102, 255], [82, 99, 133, 255]],
  // Cs = (0.2, 0.4, 0.4), Lum 0.34; SetLum to 0.384: + 0.044 = (0.244, 0.444, 0.444).
  ["color", "color", CB, [51, 102, 102, 255], [62, 113, 113, 255]],
  // SetLum(Cb, Lum(Cs) = 0.616): Cb + 0.232 = (0.432, 0.632, 1.032); ClipColor (max > 1):
  // L + (C - L)(1 - L)/(max - L) = 0.616 + (C - 0.616) × 0.923077 = (0.44615, 0.63077, 1).
  ["luminosity", "luminosity", CB, CS, [114, 161, 255, 255]],
];

describe("blendPixels against hand-computed W3C results", () => {
  it("has a case for every mode", () => {
    expect(new Set(cases.map((c) => c[1]))).toEqual(new Set(BLEND_MODES));
  });

  it.each(cases)("%s", (_, mode, dst, src, want) => {
    expectPixel(blend(dst, src, mode), want);
  });

  it("applies opacity to the source's alpha", () => {
    // multiply at opacity 0.5 on opaque pixels: Cb (1 - 0.5) + 0.5 Cs Cb = 0.5 (0.2 + 0.16, 0.4 + 0.24, 0.8 + 0.16).
    expectPixel(blend(CB, CS, "multiply", 0.5), [46, 82, 122, 255]);
    // source-over at 0.5: ao = 0.3 + 0.4 × 0.7 = 0.58; co = 0.5 s + 0.7 d = (61.5 + 14, 46.5 + 28, 16.5 + 56) / 0.58.
    expectPixel(blend(D, S, "source-over", 0.5), [130, 128, 125, 148]);
    // destination-in at 0.5: ao = da × 0.3 = 0.12, colour the destination's.
    expectPixel(blend(D, S, "destination-in", 0.5), [50, 100, 200, 31]);
    // hue at 0.5 over opaque: half the hue result, half the backdrop: 0.5 (0.55385 + 0.2, 0.36923 + 0.4, 0 + 0.8).
    expectPixel(blend(CB, CS, "hue", 0.5), [96, 98, 102, 255]);
  });

  it.each(BLEND_MODES)("%s at opacity 0 leaves the canvas as it is, or clears it for the clearing modes", (mode) => {
    const got = blend(D, S, mode, 0);
    expectPixel(got, clearsUncovered(mode) ? [0, 0, 0, 0] : D);
  });

  it.each(BLEND_MODES)("%s with a transparent source pixel: as at opacity 0", (mode) => {
    const got = blend(CB, [255, 255, 255, 0], mode);
    expectPixel(got, clearsUncovered(mode) ? [0, 0, 0, 0] : CB);
  });

  it("keepsOpaque names exactly the modes that keep an opaque pixel opaque", () => {
    for (const mode of BLEND_MODES) {
      const got = blend(CB, S, mode);
      expect(got[3] === 255, mode).toBe(keepsOpaque(mode));
    }
  });

  it("refuses an unknown mode", () => {
    expect(() => blend(D, S, "normal" as BlendMode)).toThrow(/unknown mode "normal"/);
  });
});

describe("parseBlendMode", () => {
  it("reads canvas names, HashLips MODE keys and sharp names", () => {
    expect(parseBlendMode("multiply")).toEqual({ mode: "multiply" });
    expect(parseBlendMode("colorDodge")).toEqual({ mode: "color-dodge" });
    expect(parseBlendMode("destinationOver")).toEqual({ mode: "destination-over" });
    expect(parseBlendMode("add")).toEqual({ mode: "lighter" });
    expect(parseBlendMode("over")).toEqual({ mode: "source-over" });
    expect(parseBlendMode("colour-burn")).toEqual({ mode: "color-burn" });
    expect(parseBlendMode("normal")).toBeUndefined();
    expect(parseBlendMode("toString")).toBeUndefined();
  });

  it("reads HashLips' sourceAtop as source-atop, with a warning", () => {
    const r = parseBlendMode("sourceAtop");
    expect(r?.mode).toBe("source-atop");
    expect(r?.warning).toMatch(/source-out/);
  });

  it("has a HashLips key for every mode", () => {
    expect(new Set(Object.values(HASHLIPS_MODES))).toEqual(new Set(BLEND_MODES));
  });
});

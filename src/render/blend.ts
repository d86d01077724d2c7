/**
 * Blend modes and opacity for the span compositor: every canvas `globalCompositeOperation` and `globalAlpha`,
 * pixel for pixel as W3C Compositing and Blending Level 1 defines them (§9.1 Porter-Duff operators, §10 blend
 * modes, §10.2 the non-separable ones, which sharp/libvips lacks), so a collection drawn by Traitloom looks like
 * the same layers drawn on a 2D canvas. No I/O, no DOM: runs in Node workers and browser workers alike.
 *
 * 8-bit rounding follows Chromium (Skia), which holds the canvas and every drawn image as premultiplied 8-bit
 * values: the source and destination are rounded to premultiplied bytes before blending, the blend runs in
 * floating point, and the premultiplied result is rounded to bytes before it is turned back into the straight
 * alpha our canvas keeps. Without that, modes that divide by a colour (color-dodge, color-burn) land up to ~20
 * apart from Chromium on half-transparent pixels; with it, within 2 (test/e2e/blend.e2e.ts).
 */

import { BLEND_MODES, HASHLIPS_MODES, type BlendMode } from "../core/model.js";

/** Every canvas `globalCompositeOperation` value (defined once, in the trait model that carries them). */
export { BLEND_MODES, HASHLIPS_MODES, type BlendMode };

const MODE_CODE = new Map<string, number>(BLEND_MODES.map((m, i) => [m, i]));

export function isBlendMode(name: string): name is BlendMode {
  return MODE_CODE.has(name);
}

// HashLips' `MODE` keys (HASHLIPS_MODES, in the trait model): HashLips maps `sourceAtop` to "source-out" (a typo in its
// table); Traitloom reads the key as what it says, source-atop, and `parseBlendMode` warns.
/** sharp's `blend` names (libvips) that differ from the canvas ones: a folder made for a sharp-based engine reads too. */
const SHARP_NAMES: Readonly<Record<string, BlendMode>> = {
  over: "source-over",
  in: "source-in",
  out: "source-out",
  atop: "source-atop",
  dest: "destination-over",
  "dest-over": "destination-over",
  "dest-in": "destination-in",
  "dest-out": "destination-out",
  "dest-atop": "destination-atop",
  add: "lighter",
  source: "copy",
  "colour-dodge": "color-dodge",
  "colour-burn": "color-burn",
};

/**
 * Reads a blend mode as users write it: a canvas name (`"multiply"`), a HashLips `MODE` key (`"colorDodge"`), or a
 * sharp name (`"over"`, `"add"`). Undefined for anything else. `warning` is set where the name means something
 * else in the engine it comes from.
 *
 * @example parseBlendMode("sourceAtop") // { mode: "source-atop", warning: "HashLips maps MODE.sourceAtop to ..." }
 */
export function parseBlendMode(name: string): { mode: BlendMode; warning?: string } | undefined {
  if (isBlendMode(name)) return { mode: name };
  if (name === "sourceAtop") {
    return {
      mode: "source-atop",
      warning: 'blend "sourceAtop" is read as source-atop; HashLips and datlips map MODE.sourceAtop to "source-out", so their images differ here',
    };
  }
  const mode = (Object.hasOwn(HASHLIPS_MODES, name) ? HASHLIPS_MODES[name] : undefined) ?? (Object.hasOwn(SHARP_NAMES, name) ? SHARP_NAMES[name] : undefined);
  return mode ? { mode } : undefined;
}

/**
 * Modes whose result is transparent where the source is (alpha 0): drawn, they clear every canvas pixel the
 * image does not cover, as canvas does ("compositing is applied to the whole canvas").
 */
export function clearsUncovered(mode: BlendMode): boolean {
  return mode === "source-in" || mode === "source-out" || mode === "destination-in" || mode === "destination-atop" || mode === "copy";
}

/** Modes that keep an opaque canvas opaque: sa + da(1 - sa), da, or min(1, sa + da) is 1 where da is. */
export function keepsOpaque(mode: BlendMode): boolean {
  return !clearsUncovered(mode) && mode !== "destination-out" && mode !== "xor";
}

// Mode codes: indices in BLEND_MODES.
const SOURCE_OVER = 0,
  SOURCE_IN = 1,
  SOURCE_OUT = 2,
  SOURCE_ATOP = 3,
  DESTINATION_OVER = 4,
  DESTINATION_IN = 5,
  DESTINATION_OUT = 6,
  DESTINATION_ATOP = 7,
  LIGHTER = 8,
  COPY = 9,
  XOR = 10,
  MULTIPLY = 11,
  SCREEN = 12,
  OVERLAY = 13,
  DARKEN = 14,
  LIGHTEN = 15,
  COLOR_DODGE = 16,
  COLOR_BURN = 17,
  HARD_LIGHT = 18,
  SOFT_LIGHT = 19,
  DIFFERENCE = 20,
  EXCLUSION = 21,
  HUE = 22,
  SATURATION = 23,
  COLOR = 24,
  LUMINOSITY = 25;

/** round(x / 255) for x in [0, 65025], exactly (as composite.ts does it). */
function div255(x: number): number {
  const y = x + 128;
  return (y + (y >> 8)) >> 8;
}

/** W3C §10.1 B(Cb, Cs) of a separable mode, colours in [0, 1]. */
function separable(code: number, cb: number, cs: number): number {
  switch (code) {
    case MULTIPLY:
      return cb * cs;
    case SCREEN:
      return cb + cs - cb * cs;
    case OVERLAY:
      return hardLight(cs, cb);
    case DARKEN:
      return Math.min(cb, cs);
    case LIGHTEN:
      return Math.max(cb, cs);
    case COLOR_DODGE:
      if (cb === 0) return 0;
      if (cs >= 1) return 1;
      return Math.min(1, cb / (1 - cs));
    case COLOR_BURN:
      if (cb >= 1) return 1;
      if (cs <= 0) return 0;
      return 1 - Math.min(1, (1 - cb) / cs);
    case HARD_LIGHT:
      return hardLight(cb, cs);
    case SOFT_LIGHT: {
      if (cs <= 0.5) return cb - (1 - 2 * cs) * cb * (1 - cb);
      const d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb);
      return cb + (2 * cs - 1) * (d - cb);
    }
    case DIFFERENCE:
      return Math.abs(cb - cs);
    case EXCLUSION:
      return cb + cs - 2 * cb * cs;
    default:
      throw new Error(`blend: mode ${code} is not separable`);
  }
}

/** HardLight(Cb, Cs): Multiply(Cb, 2Cs) below one half, Screen(Cb, 2Cs - 1) above. */
function hardLight(cb: number, cs: number): number {
  return cs <= 0.5 ? cb * 2 * cs : cb + (2 * cs - 1) - cb * (2 * cs - 1);
}

// The non-separable modes (W3C §10.2) work on a colour as a whole; these hold the colour being worked on.
let nr = 0,
  ng = 0,
  nb = 0;

function lum(r: number, g: number, b: number): number {
  return 0.3 * r + 0.59 * g + 0.11 * b;
}

/** SetLum(C, l) with ClipColor: the colour (nr, ng, nb) moved to luminosity l, brought back into [0, 1]. */
function setLum(l: number): void {
  const d = l - lum(nr, ng, nb);
  nr += d;
  ng += d;
  nb += d;
  const L = lum(nr, ng, nb);
  const n = Math.min(nr, ng, nb);
  const x = Math.max(nr, ng, nb);
  if (n < 0 && L - n !== 0) {
    nr = L + ((nr - L) * L) / (L - n);
    ng = L + ((ng - L) * L) / (L - n);
    nb = L + ((nb - L) * L) / (L - n);
  }
  if (x > 1 && x - L !== 0) {
    nr = L + ((nr - L) * (1 - L)) / (x - L);
    ng = L + ((ng - L) * (1 - L)) / (x - L);
    nb = L + ((nb - L) * (1 - L)) / (x - L);
  }
}

/** SetSat(C, s): the colour (nr, ng, nb) with its spread max - min set to s, its hue kept. */
function setSat(s: number): void {
  const mn = Math.min(nr, ng, nb);
  const spread = Math.max(nr, ng, nb) - mn;
  if (spread > 0) {
    nr = ((nr - mn) * s) / spread;
    ng = ((ng - mn) * s) / spread;
    nb = ((nb - mn) * s) / spread;
  } else {
    nr = ng = nb = 0;
  }
}

const sat = (r: number, g: number, b: number): number => Math.max(r, g, b) - Math.min(r, g, b);

/** B(Cb, Cs) of a non-separable mode into (nr, ng, nb). */
function nonSeparable(code: number, br: number, bg: number, bb: number, sr: number, sg: number, sb: number): void {
  switch (code) {
    case HUE:
      nr = sr;
      ng = sg;
      nb = sb;
      setSat(sat(br, bg, bb));
      setLum(lum(br, bg, bb));
      return;
    case SATURATION:
      nr = br;
      ng = bg;
      nb = bb;
      setSat(sat(sr, sg, sb));
      setLum(lum(br, bg, bb));
      return;
    case COLOR:
      nr = sr;
      ng = sg;
      nb = sb;
      setLum(lum(br, bg, bb));
      return;
    case LUMINOSITY:
      nr = br;
      ng = bg;
      nb = bb;
      setLum(lum(sr, sg, sb));
      return;
    default:
      throw new Error(`blend: mode ${code} is separable`);
  }
}

/** Skia's 16-bit pipeline's division by 255 on x86, (v + 255) >> 8: within 1 of round(v / 255). */
function skDiv255(v: number): number {
  return (v + 255) >> 8;
}

/**
 * One channel of a mode Skia runs on integers, premultiplied bytes in and out: s, d the channel, sa, da the
 * alphas, `div` the division by 255 that Skia's stage for the mode uses. W3C's general formulas multiplied out.
 */
function integerChannel(code: number, s: number, d: number, sa: number, da: number, div: (v: number) => number): number {
  switch (code) {
    case SOURCE_IN:
      return div(s * da);
    case SOURCE_OUT:
      return div(s * (255 - da));
    case SOURCE_ATOP:
      return div(s * da + d * (255 - sa));
    case DESTINATION_OVER:
      return d + div(s * (255 - da));
    case DESTINATION_IN:
      return div(d * sa);
    case DESTINATION_OUT:
      return div(d * (255 - sa));
    case DESTINATION_ATOP:
      return div(d * sa + s * (255 - da));
    case LIGHTER:
      return Math.min(s + d, 255);
    case COPY:
      return s;
    case XOR:
      return div(s * (255 - da) + d * (255 - sa));
    case MULTIPLY:
      return div(s * (255 - da) + d * (255 - sa) + s * d);
    case SCREEN:
      return s + d - div(s * d);
    case DARKEN:
      return s + d - div(Math.max(s * da, d * sa));
    case LIGHTEN:
      return s + d - div(Math.min(s * da, d * sa));
    case DIFFERENCE:
      return s + d - 2 * div(Math.min(s * da, d * sa));
    case EXCLUSION:
      return s + d - 2 * div(s * d);
    case HARD_LIGHT:
      return div(s * (255 - da) + d * (255 - sa) + (2 * s <= sa ? 2 * s * d : sa * da - 2 * (sa - s) * (da - d)));
    case OVERLAY:
      return div(s * (255 - da) + d * (255 - sa) + (2 * d <= da ? 2 * s * d : sa * da - 2 * (sa - s) * (da - d)));
    default:
      throw new Error(`blend: mode ${code} has no integer formula`);
  }
}

/** Modes whose alpha is source-over's, sa + da (1 - sa), rather than their channel formula applied to the alphas. */
const OVER_ALPHA = new Set([DARKEN, LIGHTEN, DIFFERENCE, EXCLUSION, HARD_LIGHT, OVERLAY]);
/** Modes Skia blends in floating point: its 16-bit pipeline has no stage for them. */
const FLOAT_MODES = new Set([COLOR_DODGE, COLOR_BURN, SOFT_LIGHT, HUE, SATURATION, COLOR, LUMINOSITY]);
/** Modes whose Skia stage divides by 255 exactly (the others use skDiv255). */
const EXACT_DIVISION = new Set([SOURCE_IN, SOURCE_OUT, DESTINATION_IN, DESTINATION_OVER, DESTINATION_OUT, SCREEN]);
/**
 * Modes Chromium draws through a layer (they clear what the image does not cover): the image is first drawn into
 * a transparent layer with globalAlpha, scaled as (x (alpha + 1)) >> 8, then the layer is composited with the mode.
 */
const LAYER_MODES = new Set([SOURCE_IN, SOURCE_OUT, DESTINATION_IN, DESTINATION_ATOP]);

/** Writes the straight pixel for premultiplied bytes (r, g, b, a). */
function storeBytes(canvas: Uint8Array, d: number, r: number, g: number, b: number, a: number): void {
  if (a <= 0) {
    canvas[d] = canvas[d + 1] = canvas[d + 2] = canvas[d + 3] = 0;
    return;
  }
  const k = 255 / a;
  canvas[d] = Math.min(255, Math.round(r * k));
  canvas[d + 1] = Math.min(255, Math.round(g * k));
  canvas[d + 2] = Math.min(255, Math.round(b * k));
  canvas[d + 3] = a;
}

/** The straight 8-bit pixel for a premultiplied result in [0, 1], rounded as Chromium stores it. */
function store(canvas: Uint8Array, d: number, r: number, g: number, b: number, a: number): void {
  const A = Math.round(Math.min(1, Math.max(0, a)) * 255);
  if (A === 0) {
    canvas[d] = canvas[d + 1] = canvas[d + 2] = canvas[d + 3] = 0;
    return;
  }
  const k = 255 / A;
  canvas[d] = Math.min(255, Math.round(Math.round(Math.min(1, Math.max(0, r)) * 255) * k));
  canvas[d + 1] = Math.min(255, Math.round(Math.round(Math.min(1, Math.max(0, g)) * 255) * k));
  canvas[d + 2] = Math.min(255, Math.round(Math.round(Math.min(1, Math.max(0, b)) * 255) * k));
  canvas[d + 3] = A;
}

/**
 * Blends `n` straight-alpha RGBA source pixels (`src` from byte `s`) onto the straight-alpha canvas (from byte `d`)
 * with `mode` at `opacity` (0-1, canvas globalAlpha: the source's alpha is multiplied by it). Each result is
 * W3C's general formula: co = cs Fa + cb Fb for the Porter-Duff operators; for the blend modes (composited with
 * source-over) co = cs (1 - ab) + cb (1 - as) + as ab B(Cb, Cs), ao = as + ab (1 - as); lighter is
 * min(1, cs + cb). Where the source is transparent the formula still runs: the clearing modes make such pixels
 * transparent.
 *
 * Rounding as Chromium's: the modes Skia has integer stages for are computed as those stages do, on premultiplied
 * bytes (globalAlpha as a byte, every product divided by 255 with skDiv255); the others (color-dodge, color-burn,
 * soft-light, hue, saturation, color, luminosity) in floating point from the premultiplied bytes, rounded once.
 */
export function blendPixels(canvas: Uint8Array, d: number, src: Uint8Array, s: number, n: number, mode: BlendMode, opacity: number): void {
  const code = MODE_CODE.get(mode);
  if (code === undefined) throw new RangeError(`blend: unknown mode "${String(mode)}"`);
  // Skia turns globalAlpha into a byte, round(opacity * 255), in both its pipelines.
  const o8 = Math.floor(opacity * 255 + 0.5);
  if (FLOAT_MODES.has(code)) {
    blendFloat(canvas, d, src, s, n, code, o8 / 255);
    return;
  }
  const overAlpha = OVER_ALPHA.has(code);
  const layer = LAYER_MODES.has(code);
  const div = EXACT_DIVISION.has(code) ? div255 : skDiv255;
  for (let k = 0; k < n; k++, s += 4, d += 4) {
    let sa = src[s + 3]!;
    // Premultiplied bytes, as Chromium holds the image and the canvas.
    let sr = div255(src[s]! * sa);
    let sg = div255(src[s + 1]! * sa);
    let sb = div255(src[s + 2]! * sa);
    const da = canvas[d + 3]!;
    const dr = div255(canvas[d]! * da);
    const dg = div255(canvas[d + 1]! * da);
    const db = div255(canvas[d + 2]! * da);
    if (code === SOURCE_OVER) {
      // Skia's sprite blitter for source-over (SkBlendARGB32): both scales out of 256, one shift.
      const srcScale = o8 + 1;
      const prod = 0xffff - sa * srcScale;
      const dstScale = (prod + (prod >> 8)) >> 8;
      storeBytes(canvas, d, (sr * srcScale + dr * dstScale) >> 8, (sg * srcScale + dg * dstScale) >> 8, (sb * srcScale + db * dstScale) >> 8, (sa * srcScale + da * dstScale) >> 8);
      continue;
    }
    if (layer) {
      sr = (sr * (o8 + 1)) >> 8;
      sg = (sg * (o8 + 1)) >> 8;
      sb = (sb * (o8 + 1)) >> 8;
      sa = (sa * (o8 + 1)) >> 8;
    } else if (o8 !== 255) {
      sr = skDiv255(sr * o8);
      sg = skDiv255(sg * o8);
      sb = skDiv255(sb * o8);
      sa = skDiv255(sa * o8);
    }
    const a = overAlpha ? sa + div(da * (255 - sa)) : integerChannel(code, sa, da, sa, da, div);
    storeBytes(canvas, d, integerChannel(code, sr, dr, sa, da, div), integerChannel(code, sg, dg, sa, da, div), integerChannel(code, sb, db, sa, da, div), a);
  }
}

/** The floating-point modes, as Skia's float pipeline runs them: premultiplied bytes in, the result rounded once. */
function blendFloat(canvas: Uint8Array, d: number, src: Uint8Array, s: number, n: number, code: number, opacity: number): void {
  for (let k = 0; k < n; k++, s += 4, d += 4) {
    const sa8 = src[s + 3]!;
    const da8 = canvas[d + 3]!;
    // Colours over their alpha from the premultiplied bytes Chromium holds the image and the canvas in.
    const sa = (sa8 / 255) * opacity;
    const da = da8 / 255;
    const sr = sa8 === 0 ? 0 : div255(src[s]! * sa8) / sa8;
    const sg = sa8 === 0 ? 0 : div255(src[s + 1]! * sa8) / sa8;
    const sb = sa8 === 0 ? 0 : div255(src[s + 2]! * sa8) / sa8;
    const br = da8 === 0 ? 0 : div255(canvas[d]! * da8) / da8;
    const bg = da8 === 0 ? 0 : div255(canvas[d + 1]! * da8) / da8;
    const bb = da8 === 0 ? 0 : div255(canvas[d + 2]! * da8) / da8;
    let xr: number, xg: number, xb: number;
    if (code >= HUE) {
      nonSeparable(code, br, bg, bb, sr, sg, sb);
      xr = nr;
      xg = ng;
      xb = nb;
    } else {
      xr = separable(code, br, sr);
      xg = separable(code, bg, sg);
      xb = separable(code, bb, sb);
    }
    const both = sa * da;
    const onlyS = sa * (1 - da);
    const onlyD = da * (1 - sa);
    store(canvas, d, onlyS * sr + onlyD * br + both * xr, onlyS * sg + onlyD * bg + both * xg, onlyS * sb + onlyD * bb + both * xb, sa + da - both);
  }
}

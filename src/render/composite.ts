/**
 * The pure typed-array compositor: straight-alpha RGBA "over", bottom layer first. No I/O, no DOM, so it
 * runs unchanged in Node worker threads and in a browser worker.
 *
 * Each trait is prepared once per run: cropped to its non-transparent bounding box and cut into spans of
 * opaque pixels (copied), partly transparent pixels (blended) and fully transparent pixels (skipped), so a
 * token touches only the pixels its traits cover. A trait drawn with a blend mode or an opacity (a DrawStep)
 * goes through src/render/blend.ts instead, with canvas' rules.
 */

import { blendPixels, clearsUncovered, keepsOpaque, type BlendMode } from "./blend.js";

/** Span kinds. */
const SPAN_PARTIAL = 1;
const SPAN_OPAQUE = 2;

export interface PreparedTrait {
  /** Canvas size the trait was prepared for. */
  canvasWidth: number;
  canvasHeight: number;
  /** Bounding box of the non-transparent pixels, in canvas pixels; width 0 for a fully transparent trait. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Straight-alpha RGBA of the bounding box, row-major, width*height*4 bytes. */
  pixels: Uint8Array;
  /** Quads (row in box, first x in box, end x in box exclusive, kind) in row order. */
  spans: Int32Array;
  /** True where every canvas pixel is opaque: a token with such a layer is opaque from there up. */
  coversCanvas: boolean;
}

/** Crops a full-canvas straight-alpha RGBA image to its bounding box and computes its spans. */
export function prepareTrait(rgba: Uint8Array, canvasWidth: number, canvasHeight: number): PreparedTrait {
  if (rgba.length !== canvasWidth * canvasHeight * 4) {
    throw new RangeError(`prepareTrait: expected ${canvasWidth * canvasHeight * 4} bytes for ${canvasWidth}x${canvasHeight} RGBA, received ${rgba.length}`);
  }
  let minX = canvasWidth,
    minY = canvasHeight,
    maxX = -1,
    maxY = -1;
  let opaqueCount = 0;
  for (let y = 0; y < canvasHeight; y++) {
    const row = y * canvasWidth * 4;
    for (let x = 0; x < canvasWidth; x++) {
      const a = rgba[row + x * 4 + 3] ?? 0;
      if (a === 0) continue;
      if (a === 255) opaqueCount++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) {
    return { canvasWidth, canvasHeight, x: 0, y: 0, width: 0, height: 0, pixels: new Uint8Array(0), spans: new Int32Array(0), coversCanvas: false };
  }
  const width = maxX - minX + 1;
  const height = maxY - minY + 1;
  const pixels = new Uint8Array(width * height * 4);
  const spans: number[] = [];
  for (let y = 0; y < height; y++) {
    const srcRow = ((minY + y) * canvasWidth + minX) * 4;
    pixels.set(rgba.subarray(srcRow, srcRow + width * 4), y * width * 4);
    let x = 0;
    while (x < width) {
      const a = rgba[srcRow + x * 4 + 3] ?? 0;
      const kind = a === 0 ? 0 : a === 255 ? SPAN_OPAQUE : SPAN_PARTIAL;
      let end = x + 1;
      while (end < width) {
        const b = rgba[srcRow + end * 4 + 3] ?? 0;
        if ((b === 0 ? 0 : b === 255 ? SPAN_OPAQUE : SPAN_PARTIAL) !== kind) break;
        end++;
      }
      if (kind !== 0) spans.push(y, x, end, kind);
      x = end;
    }
  }
  return {
    canvasWidth,
    canvasHeight,
    x: minX,
    y: minY,
    width,
    height,
    pixels,
    spans: Int32Array.from(spans),
    coversCanvas: opaqueCount === canvasWidth * canvasHeight,
  };
}

/**
 * A trait drawn with a blend mode and an opacity, as canvas draws an image with `globalCompositeOperation` and
 * `globalAlpha`. Absent, they are "source-over" and 1: the plain draw, the same pixels as the bare trait.
 */
export interface DrawStep {
  trait: PreparedTrait;
  /** Canvas `globalCompositeOperation` name (src/render/blend.ts); default "source-over". */
  blend?: BlendMode | undefined;
  /** 0-1, canvas `globalAlpha`: the trait's alpha is multiplied by it; default 1. */
  opacity?: number | undefined;
}

/** What compositeTraits draws: a bare trait (source-over, opacity 1) or a step with its own blend and opacity. */
export type Drawable = PreparedTrait | DrawStep;

const isStep = (t: Drawable): t is DrawStep => "trait" in t;

/** True where the step draws as a bare trait: source-over at opacity 1, the fast span path. */
function isPlainStep(t: DrawStep): boolean {
  return (t.blend === undefined || t.blend === "source-over") && (t.opacity === undefined || t.opacity === 1);
}

/**
 * Draws `traits` bottom first onto `canvas` (straight-alpha RGBA, canvasWidth*canvasHeight*4 bytes), which is
 * cleared first. Returns true where the result is fully opaque (it can then be written as RGB).
 * Math: out.a = s.a + d.a(1 - s.a); out.c = (s.c s.a + d.c d.a (1 - s.a)) / out.a, rounded to nearest.
 * Steps with a blend mode or an opacity are drawn by src/render/blend.ts over the whole canvas.
 *
 * @example compositeTraits(canvas, [background, { trait: shadow, blend: "multiply", opacity: 0.5 }, hat])
 */
export function compositeTraits(canvas: Uint8Array, traits: readonly Drawable[]): boolean {
  // Layers under the topmost full-canvas opaque layer are hidden: start there.
  const top = topCoveringLayer(traits);
  const start = Math.max(0, top);
  let opaqueBase = top >= 0;
  if (!opaqueBase) canvas.fill(0);
  for (let i = start; i < traits.length; i++) {
    const t = traits[i];
    if (!t) continue;
    if (!isStep(t)) drawTrait(canvas, t);
    else if (isPlainStep(t)) drawTrait(canvas, t.trait);
    else {
      drawStep(canvas, t);
      if (!keepsOpaque(t.blend ?? "source-over")) opaqueBase = false;
    }
  }
  if (opaqueBase) return true;
  for (let p = 3; p < canvas.length; p += 4) if (canvas[p] !== 255) return false;
  return true;
}

/** Opaque spans shorter than this are copied pixel by pixel: cheaper than making a subarray for set(). */
const SHORT_SPAN_PX = 24;

/**
 * Index of the topmost trait that covers the whole canvas opaquely, drawn plainly (source-over at opacity 1), so
 * everything under it is hidden; or -1.
 */
export function topCoveringLayer(traits: readonly Drawable[]): number {
  for (let i = traits.length - 1; i >= 0; i--) {
    const t = traits[i];
    if (!t) continue;
    if (isStep(t) ? t.trait.coversCanvas && isPlainStep(t) : t.coversCanvas) return i;
  }
  return -1;
}

/**
 * Draws canvas rows [y0, y1) of a token whose traits include a full-canvas opaque layer (`coversCanvas`):
 * those rows come out exactly as compositeTraits would make them. Used to redraw only the bands of a token
 * that are not already encoded. Returns false, drawing nothing, where no layer covers the canvas.
 * Every blend mode works pixel by pixel, so steps draw row by row too; but a step whose mode clears what its
 * trait does not cover (`clearsUncovered`) changes every row, not only those its trait reaches, and one that is
 * not `keepsOpaque` can leave the rows transparent: a caller keyed on the rows a trait reaches must allow for both.
 */
export function compositeRows(canvas: Uint8Array, traits: readonly Drawable[], y0: number, y1: number): boolean {
  const start = topCoveringLayer(traits);
  if (start < 0) return false;
  for (let i = start; i < traits.length; i++) {
    const t = traits[i];
    if (!t) continue;
    if (isStep(t) && !isPlainStep(t)) drawStep(canvas, t, y0, y1);
    else {
      const p = isStep(t) ? t.trait : t;
      if (p.width > 0 && p.y < y1 && p.y + p.height > y0) drawTrait(canvas, p, y0, y1);
    }
  }
  return true;
}

/** Index of the first span quad whose canvas row is >= y (spans are in row order). */
function firstSpanAtRow(t: PreparedTrait, y: number): number {
  const row = y - t.y;
  if (row <= 0) return 0;
  let lo = 0;
  let hi = t.spans.length / 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.spans[mid * 4]! < row) lo = mid + 1;
    else hi = mid;
  }
  return lo * 4;
}

function drawTrait(canvas: Uint8Array, t: PreparedTrait, y0 = 0, y1 = t.canvasHeight): void {
  const { spans, pixels, width: bw } = t;
  const rowEnd = y1 - t.y;
  const cw = t.canvasWidth;
  // Word views for pixel copies: the canvas and packed trait pixels start on 4-byte boundaries.
  const aligned = pixels.byteOffset % 4 === 0 && canvas.byteOffset % 4 === 0;
  const src32 = aligned ? new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length >> 2) : undefined;
  const dst32 = aligned ? new Uint32Array(canvas.buffer, canvas.byteOffset, canvas.length >> 2) : undefined;
  for (let s = firstSpanAtRow(t, y0); s < spans.length; s += 4) {
    const row = spans[s]!;
    if (row >= rowEnd) break;
    const x0 = spans[s + 1]!;
    const n = spans[s + 2]! - x0;
    const srcPx = row * bw + x0;
    const dstPx = (t.y + row) * cw + t.x + x0;
    if (spans[s + 3] === SPAN_OPAQUE) {
      if (src32 && dst32 && n < SHORT_SPAN_PX) for (let k = 0; k < n; k++) dst32[dstPx + k] = src32[srcPx + k]!;
      else canvas.set(pixels.subarray(srcPx * 4, (srcPx + n) * 4), dstPx * 4);
      continue;
    }
    for (let k = 0; k < n; k++) {
      const si = (srcPx + k) * 4;
      const d = (dstPx + k) * 4;
      const sa = pixels[si + 3]!;
      const da = canvas[d + 3]!;
      if (da === 255) {
        // round(x / 255) for x in [0, 65025], exactly, without a division.
        const inv = 255 - sa;
        let x = pixels[si]! * sa + canvas[d]! * inv + 128;
        canvas[d] = (x + (x >> 8)) >> 8;
        x = pixels[si + 1]! * sa + canvas[d + 1]! * inv + 128;
        canvas[d + 1] = (x + (x >> 8)) >> 8;
        x = pixels[si + 2]! * sa + canvas[d + 2]! * inv + 128;
        canvas[d + 2] = (x + (x >> 8)) >> 8;
      } else if (da === 0) {
        canvas[d] = pixels[si]!;
        canvas[d + 1] = pixels[si + 1]!;
        canvas[d + 2] = pixels[si + 2]!;
        canvas[d + 3] = sa;
      } else {
        // Scaled by 255*255 to stay in integers.
        const ws = sa * 255;
        const wd = da * (255 - sa);
        const oa = ws + wd;
        const half = oa >>> 1;
        canvas[d] = (pixels[si]! * ws + canvas[d]! * wd + half) / oa;
        canvas[d + 1] = (pixels[si + 1]! * ws + canvas[d + 1]! * wd + half) / oa;
        canvas[d + 2] = (pixels[si + 2]! * ws + canvas[d + 2]! * wd + half) / oa;
        canvas[d + 3] = (oa + 127) / 255;
      }
    }
  }
}

/**
 * Draws canvas rows [y0, y1) of a step with a blend mode or an opacity. The trait's spans (partly transparent and
 * opaque pixels alike) are blended by src/render/blend.ts; what lies outside them (the bounding box's transparent
 * runs, the rows and columns outside the box) counts as drawn with alpha 0, as canvas treats a transparent image
 * pixel. For most modes alpha 0 leaves the canvas as it is, so those pixels are skipped as in the plain path; the
 * modes that make them transparent (`clearsUncovered`: source-in, source-out, destination-in, destination-atop,
 * copy) clear them, walking the canvas in the spans' order and clearing each gap before the span that ends it.
 */
function drawStep(canvas: Uint8Array, step: DrawStep, y0 = 0, y1 = step.trait.canvasHeight): void {
  const t = step.trait;
  const mode = step.blend ?? "source-over";
  const opacity = step.opacity ?? 1;
  if (!(opacity >= 0 && opacity <= 1)) throw new RangeError(`compositeTraits: opacity must be a number from 0 to 1, received ${opacity}`);
  const clears = clearsUncovered(mode);
  if (opacity === 0 && !clears) return;
  const { spans, pixels, width: bw } = t;
  const cw = t.canvasWidth;
  const rowEnd = y1 - t.y;
  // Next canvas pixel not yet drawn or cleared, for the clearing modes.
  let next = y0 * cw;
  for (let s = firstSpanAtRow(t, y0); s < spans.length; s += 4) {
    const row = spans[s]!;
    if (row >= rowEnd) break;
    const x0 = spans[s + 1]!;
    const n = spans[s + 2]! - x0;
    const srcPx = row * bw + x0;
    const dstPx = (t.y + row) * cw + t.x + x0;
    if (clears) {
      canvas.fill(0, next * 4, dstPx * 4);
      next = dstPx + n;
    }
    blendPixels(canvas, dstPx * 4, pixels, srcPx * 4, n, mode, opacity);
  }
  if (clears) canvas.fill(0, next * 4, y1 * cw * 4);
}

/**
 * Writes test/fixtures/blend: three 32x32 partly transparent layers for the blend-mode test against Chromium's
 * canvas (test/e2e/blend.e2e.ts). Between them they hold every kind of pixel the formulas branch on: alpha 0, 255
 * and ramps between; channels at 0 and 255 and near them (color-dodge and color-burn divide by 1 - Cs and Cs);
 * colours below and above one half (overlay, hard-light, soft-light); grey and saturated colours (hue,
 * saturation, color, luminosity); transparent gaps inside a layer's bounding box (the spans' gaps).
 * Run `npx tsx scripts/make-blend-fixture.ts`.
 */
import { mkdirSync } from "node:fs";
import sharp from "sharp";

const dir = new URL("../test/fixtures/blend/", import.meta.url);
mkdirSync(dir, { recursive: true });
const S = 32;
const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

function layer(fn: (x: number, y: number) => [number, number, number, number]): Buffer {
  const buf = Buffer.alloc(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) buf.set(fn(x, y).map(clamp), (y * S + x) * 4);
  return buf;
}

/** Hue h in [0, 1) at full saturation, value v, as RGB 0-255. */
function hsv(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return v * (1 - s * Math.max(0, Math.min(k, 4 - k, 1))) * 255;
  };
  return [f(5), f(3), f(1)];
}

const layers = [
  // Base: colour ramps across, alpha ramp along the diagonal: transparent top-left corner, opaque bottom-right.
  layer((x, y) => [x * 8.2, 255 - y * 8.2, 96 + ((x * y) % 64), (x + y - 6) * 7]),
  // Middle: extremes of each channel (0, 1, 254, 255 and ramps), alpha by row, a transparent band of columns.
  layer((x, y) => {
    const ramp = [0, 1, 2, 127, 128, 253, 254, 255][x % 8] ?? 0;
    return [ramp, y * 8.2, 255 - x * 8.2, x >= 12 && x < 16 ? 0 : y === 31 ? 255 : 20 + y * 7.5];
  }),
  // Top: a hue wheel with a soft round edge (transparent corners), greys along one row.
  layer((x, y) => {
    const d = Math.hypot(x - 15.5, y - 15.5);
    const a = d < 9 ? 255 : d < 15 ? (255 * (15 - d)) / 6 : 0;
    const [r, g, b] = y === 10 ? [x * 8.2, x * 8.2, x * 8.2] : hsv(((Math.atan2(y - 15.5, x - 15.5) / (2 * Math.PI)) + 1) % 1, Math.min(1, d / 12), 0.35 + (x % 4) * 0.2);
    return [r, g, b, a];
  }),
];

await Promise.all(
  layers.map((px, i) => sharp(px, { raw: { width: S, height: S, channels: 4 } }).png().toFile(new URL(`layer${i}.png`, dir).pathname)),
);

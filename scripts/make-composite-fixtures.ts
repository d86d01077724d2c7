/**
 * Writes test/fixtures/composite: three 64x64 layers with hard and soft alpha, and expected.png, their
 * "over" composite made by libvips (sharp.composite), an implementation independent of ours.
 * Run `npx tsx scripts/make-composite-fixtures.ts`; the test compares our compositor with expected.png.
 */
import { mkdirSync } from "node:fs";
import sharp from "sharp";

const dir = new URL("../test/fixtures/composite/", import.meta.url);
mkdirSync(dir, { recursive: true });
const S = 64;

function layer(fn: (x: number, y: number) => [number, number, number, number]): Buffer {
  const buf = Buffer.alloc(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const [r, g, b, a] = fn(x, y);
      buf.set([r, g, b, a], (y * S + x) * 4);
    }
  return buf;
}

const layers = [
  // Half-transparent background gradient: the result is not opaque everywhere.
  layer((x, y) => [x * 4, 255 - y * 4, 128, y < 16 ? 0 : Math.min(255, 96 + y * 2)]),
  // Opaque disc with a soft edge.
  layer((x, y) => {
    const d = Math.hypot(x - 32, y - 32);
    const a = d < 16 ? 255 : d < 24 ? Math.round(255 * (24 - d) / 8) : 0;
    return [220, 40, 90, a];
  }),
  // Thin semi-transparent stripes on top.
  layer((x, y) => [20, 200, 240, (x + y) % 8 < 3 ? 140 : 0]),
];

await Promise.all(
  layers.map((px, i) => sharp(px, { raw: { width: S, height: S, channels: 4 } }).png().toFile(new URL(`layer${i}.png`, dir).pathname)),
);
await sharp({ create: { width: S, height: S, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
  .composite(layers.map((px) => ({ input: px, raw: { width: S, height: S, channels: 4 as const }, blend: "over" as const })))
  .png()
  .toFile(new URL("expected.png", dir).pathname);

/**
 * Draws test/fixtures/golden/layers/: four layers of tiny 24x24 RGBA traits that test/golden.test.ts turns into
 * collections whose every output byte is pinned. The drawings hit the paths output bytes depend on: an opaque
 * background and one with transparent corners (RGB and RGBA tokens), soft and half-transparent upper layers, a
 * fully transparent `None` hat, and every weight syntax of file names (`#12`, `#0.5`, `#2,5`, `#Rare`, none).
 * Pixels are computed here with no randomness and no date, so a rerun gives the same pixels.
 *
 * The PNG files are inputs of the golden test and are committed: sharp may encode the same pixels to other bytes
 * in another version, which would change the manifest's inputHash. Rerun this only to change the fixture, then
 * `npm run golden:update`.
 *
 * Run: `npx tsx scripts/make-golden-fixture.ts`
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

const SIZE_PX = 24;
const OUT_DIR = path.resolve(import.meta.dirname, "..", "test", "fixtures", "golden", "layers");
/** Layer folders are `NN-Name`; only these are wiped before a run. */
const LAYER_DIR_RE = /^\d{2}-/;

type Rgba = readonly [number, number, number, number];
type Pixel = (x: number, y: number) => Rgba | undefined;

const CLEAR: Rgba = [0, 0, 0, 0];
const CENTRE = (SIZE_PX - 1) / 2;

function disc(radius: number, color: Rgba, rimAlpha: number): Pixel {
  return (x, y) => {
    const d = Math.hypot(x - CENTRE, y - CENTRE);
    if (d <= radius) return color;
    if (d <= radius + 1) return [color[0], color[1], color[2], rimAlpha];
    return undefined;
  };
}

const LAYERS: Record<string, Record<string, Pixel>> = {
  "01-Background": {
    "Sand#12.png": (x, y) => ((x + y) % 6 === 0 ? [210, 178, 120, 255] : [226, 196, 140, 255]),
    "Dusk#6.png": (_x, y) => [40 + y * 6, 30, 90 + y * 5, 255],
    // Transparent top-left corner and a half-transparent bottom band: tokens on Glass stay RGBA.
    "Glass#2,5.png": (x, y) => (x < 8 && y < 8 ? CLEAR : y >= 20 ? [180, 220, 240, 128] : [180, 220, 240, 255]),
  },
  "02-Body": {
    "Blob#60.png": disc(7.5, [90, 170, 80, 255], 128),
    "Square#30.png": (x, y) => (Math.abs(x - CENTRE) <= 6 && Math.abs(y - CENTRE) <= 6 ? [200, 90, 60, 255] : undefined),
    "Ghost#Rare.png": disc(8, [240, 240, 255, 110], 40),
  },
  "03-Eyes": {
    "Dots.png": (x, y) => ((x === 9 || x === 10 || x === 13 || x === 14) && (y === 10 || y === 11) ? [20, 20, 30, 255] : undefined),
    "Visor#2.png": (x, y) => (x >= 6 && x <= 17 && (y === 10 || y === 11) ? [20, 220, 200, 200] : undefined),
    "Wink#0.5.png": (x, y) => ((x === 9 || x === 10) && (y === 10 || y === 11) ? [20, 20, 30, 255] : x >= 13 && x <= 15 && y === 11 ? [20, 20, 30, 180] : undefined),
  },
  "04-Hat": {
    "None#20.png": () => undefined,
    "Cap#10.png": (x, y) => (x >= 6 && x <= 17 && y >= 2 && y <= 5 ? [190, 30, 40, 255] : x >= 16 && x <= 20 && y === 5 ? [150, 20, 30, 255] : undefined),
    "Crown#Epic.png": (x, y) => (x >= 7 && x <= 16 && y >= 2 && y <= 5 && (y >= 4 || x % 3 === 1) ? [240, 200, 40, 230] : undefined),
  },
};

function rgba(pixel: Pixel): Buffer {
  const data = Buffer.alloc(SIZE_PX * SIZE_PX * 4);
  for (let y = 0; y < SIZE_PX; y++) {
    for (let x = 0; x < SIZE_PX; x++) data.set(pixel(x, y) ?? CLEAR, (y * SIZE_PX + x) * 4);
  }
  return data;
}

await mkdir(OUT_DIR, { recursive: true });
for (const entry of await readdir(OUT_DIR)) {
  if (LAYER_DIR_RE.test(entry)) await rm(path.join(OUT_DIR, entry), { recursive: true, force: true });
}
for (const [folder, traits] of Object.entries(LAYERS)) {
  await mkdir(path.join(OUT_DIR, folder), { recursive: true });
  for (const [file, pixel] of Object.entries(traits)) {
    await sharp(rgba(pixel), { raw: { width: SIZE_PX, height: SIZE_PX, channels: 4 } })
      .png()
      .toFile(path.join(OUT_DIR, folder, file));
  }
}
console.log(`wrote ${Object.values(LAYERS).reduce((n, t) => n + Object.keys(t).length, 0)} traits to ${OUT_DIR}`);

/**
 * Reading trait files: every PNG flavour, JPEG and WebP decode and composite; bad files fail with one line
 * naming the file; OS junk is skipped and listed once; sizes must agree unless the config says fit or stretch.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Metadata, Sharp } from "sharp";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCollection } from "../src/node/generate.js";
import { runMain, stackLines } from "./helpers/cli.js";
import type { Rgb, ShapeSpec } from "./helpers/fixtures.js";
import { pixelAt, readJson, removeDir, sha256Hex, shapeImage, tempDir, writeJson, writeLayers } from "./helpers/fixtures.js";

let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-decode-");
});
afterAll(async () => {
  await removeDir(root);
});

let caseNo = 0;
/** A fresh folder per case under the file's temp dir. */
function caseDir(name: string): string {
  caseNo++;
  return join(root, `${String(caseNo).padStart(2, "0")}-${name}`);
}

interface Variant {
  file: string;
  spec: ShapeSpec;
  encode: (img: Sharp) => Sharp;
  /** What the file must be, so the test really covers that flavour. */
  check: (meta: Metadata) => boolean;
  /** The RGBA every output pixel outside the top layer must have. */
  expected: readonly [number, number, number, number];
  tolerance: number;
}

const grey = (v: number): Rgb => [v, v, v];

const VARIANTS: Variant[] = [
  {
    file: "Rgba8.png",
    spec: { color: [200, 60, 40], alpha: 180 },
    encode: (i) => i.png(),
    check: (m) => m.format === "png" && m.channels === 4 && m.depth === "uchar" && !m.isPalette,
    expected: [200, 60, 40, 180],
    tolerance: 0,
  },
  {
    file: "Rgb.png",
    spec: { color: [30, 120, 220] },
    encode: (i) => i.removeAlpha().png(),
    check: (m) => m.format === "png" && m.channels === 3,
    expected: [30, 120, 220, 255],
    tolerance: 0,
  },
  {
    file: "Grey.png",
    spec: { color: grey(128) },
    encode: (i) => i.removeAlpha().toColourspace("b-w").png(),
    check: (m) => m.format === "png" && m.channels === 1,
    expected: [128, 128, 128, 255],
    tolerance: 1,
  },
  {
    file: "GreyAlpha.png",
    spec: { color: grey(90), alpha: 200 },
    encode: (i) => i.toColourspace("b-w").png(),
    check: (m) => m.format === "png" && m.channels === 2,
    expected: [90, 90, 90, 200],
    tolerance: 1,
  },
  {
    file: "Palette.png",
    spec: { color: [250, 200, 0], alpha: 255 },
    encode: (i) => i.png({ palette: true }),
    check: (m) => m.format === "png" && m.isPalette,
    expected: [250, 200, 0, 255],
    tolerance: 0,
  },
  {
    file: "Deep16.png",
    spec: { color: [10, 200, 90], alpha: 220 },
    encode: (i) => i.toColourspace("rgb16").png(),
    check: (m) => m.format === "png" && m.depth === "ushort",
    expected: [10, 200, 90, 220],
    tolerance: 1,
  },
  {
    file: "Photo.jpg",
    spec: { color: [240, 100, 160] },
    encode: (i) => i.removeAlpha().jpeg({ quality: 95 }),
    check: (m) => m.format === "jpeg",
    expected: [240, 100, 160, 255],
    tolerance: 6,
  },
  {
    file: "Art.webp",
    spec: { color: [70, 70, 200], alpha: 150 },
    encode: (i) => i.webp({ lossless: true }),
    check: (m) => m.format === "webp" && m.channels === 4,
    expected: [70, 70, 200, 150],
    tolerance: 0,
  },
];

describe("trait formats", () => {
  it("generates from 8-bit RGBA, RGB, grey, grey+alpha, palette and 16-bit PNG, JPEG and WebP traits", async () => {
    const layers = caseDir("formats");
    const base: Record<string, Buffer> = {};
    for (const v of VARIANTS) {
      const bytes = await shapeImage(v.spec, v.encode);
      expect(v.check(await sharp(bytes).metadata()), `${v.file} is the flavour it claims`).toBe(true);
      base[v.file] = bytes;
    }
    // A half-transparent square on top in the middle; the corners show the base trait alone.
    await writeLayers(layers, { "01-Base": base, "02-Top": { "Square.png": { color: [0, 0, 0], shape: "square", alpha: 128 } } });
    const out = join(layers, "..", "formats-out");
    const result = await generateCollection({ layersDir: layers, outDir: out, count: VARIANTS.length, seed: "formats", workers: 1 });
    expect(result.count).toBe(VARIANTS.length);

    const seen = new Set<string>();
    for (let id = 1; id <= VARIANTS.length; id++) {
      const meta = await readJson<{ attributes: Array<{ trait_type: string; value: string }> }>(join(out, "metadata", `${id}.json`));
      const baseTrait = meta.attributes.find((a) => a.trait_type === "Base")?.value;
      const variant = VARIANTS.find((v) => v.file.replace(/\.\w+$/, "") === baseTrait);
      expect(variant, `token ${id} has a base trait`).toBeDefined();
      if (!variant) continue;
      seen.add(variant.file);
      const corner = await pixelAt(join(out, "images", `${id}.png`), 1, 1);
      corner.forEach((c, k) => {
        expect(Math.abs(c - (variant.expected[k] ?? 0)), `${variant.file} channel ${k}: ${corner.join(",")}`).toBeLessThanOrEqual(variant.tolerance);
      });
    }
    // 8 tokens, 8 traits of equal weight: exact rarity gives every flavour exactly one token.
    expect([...seen].sort()).toEqual(VARIANTS.map((v) => v.file).sort());
  });
});

/** Runs `traitloom generate` in-process on a layers folder that must fail; returns its stderr lines. */
async function generateFails(layers: string): Promise<string[]> {
  const run = await runMain(["generate", layers, "-n", "2", "-o", `${layers}-out`, "--seed", "x", "-q"]);
  expect(run.code).toBe(1);
  const lines = run.err.filter((l) => l.trim() !== "");
  expect(lines).toHaveLength(1);
  expect(stackLines(run.err)).toEqual([]);
  expect(run.out.join("")).toBe("");
  return lines;
}

/** Two good traits on every layer: only the file under test is wrong. */
async function layersWith(name: string, file: string, bytes: Buffer | string): Promise<string> {
  const dir = caseDir(name);
  await writeLayers(dir, {
    "01-Background": { "Red.png": { color: [200, 0, 0] }, "Blue.png": { color: [0, 0, 200] } },
    "02-Body": { "Disc.png": { color: [0, 200, 0], shape: "disc" }, [file]: bytes },
  });
  return dir;
}

/** Bytes that are not an image, the same on every run. */
function junkBytes(n: number, salt: string): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i * 32 < n; i++) Buffer.from(sha256Hex(`${salt}${i}`), "hex").copy(out, i * 32);
  return out;
}

/** A PNG of noise, large enough that cutting it leaves part of the pixel data missing. */
async function noisyPng(): Promise<Buffer> {
  const px = junkBytes(32 * 32 * 4, "noise");
  for (let i = 3; i < px.length; i += 4) px[i] = 255;
  return sharp(px, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
}

describe("bad trait files", () => {
  it("a corrupt PNG (random bytes) fails with one line naming the file", async () => {
    const [line] = await generateFails(await layersWith("corrupt", "Broken.png", junkBytes(600, "corrupt")));
    expect(line).toMatch(/^error: .*02-Body\/Broken\.png: /);
  });

  it("a truncated PNG fails with one line naming the file", async () => {
    const png = await noisyPng();
    const cut = png.subarray(0, Math.floor(png.length * 0.6));
    await expect(sharp(cut).raw().toBuffer()).rejects.toThrow();
    const [line] = await generateFails(await layersWith("truncated", "Cut.png", cut));
    expect(line).toMatch(/^error: .*02-Body\/Cut\.png: .*(corrupt|decode)/);
  });

  it("a 0-byte image fails naming the file", async () => {
    const [line] = await generateFails(await layersWith("empty", "Empty.png", Buffer.alloc(0)));
    expect(line).toMatch(/^error: .*02-Body\/Empty\.png: .*empty file/);
  });

  it("a non-image file in a layer fails naming it", async () => {
    const [line] = await generateFails(await layersWith("notes", "notes.txt", "remember to add hats\n"));
    expect(line).toMatch(/^error: .*02-Body\/notes\.txt: expected a \.png/);
  });

  it("a GIF named .png fails naming the file", async () => {
    const gif = await sharp({ create: { width: 32, height: 32, channels: 4, background: "#ff0000" } }).gif().toBuffer();
    const [line] = await generateFails(await layersWith("gif", "Moving.png", gif));
    expect(line).toMatch(/^error: .*02-Body\/Moving\.png: expected a PNG, JPEG or WebP image, found gif/);
  });

  it("skips OS junk and lists it once", async () => {
    const dir = caseDir("junk");
    await writeLayers(dir, {
      "01-Background": { "Red.png": { color: [200, 0, 0] }, ".DS_Store": junkBytes(40, "ds"), "Thumbs.db": junkBytes(40, "th") },
      "02-Body": { "Disc.png": { color: [0, 200, 0], shape: "disc" }, "._Disc.png": junkBytes(40, "apple"), "desktop.ini": "[.ShellClassInfo]\n" },
    });
    const log: string[] = [];
    const result = await generateCollection({ layersDir: dir, outDir: `${dir}-out`, count: 1, seed: "junk", workers: 1, onLog: (l) => log.push(l) });
    expect(result.count).toBe(1);
    const skipped = log.filter((l) => /skipped/i.test(l));
    expect(skipped).toHaveLength(1);
    for (const f of ["01-Background/.DS_Store", "01-Background/Thumbs.db", "02-Body/._Disc.png", "02-Body/desktop.ini"]) {
      expect(skipped[0]).toContain(f);
    }
    expect(await readdir(join(`${dir}-out`, "images"))).toEqual(["1.png"]);
  });
});

describe("trait sizes", () => {
  it("mixed sizes fail naming the odd file and both sizes", async () => {
    const dir = caseDir("mixed");
    await writeLayers(dir, {
      "01-Background": { "Red.png": { color: [200, 0, 0] }, "Blue.png": { color: [0, 0, 200] } },
      "02-Body": { "Disc.png": { color: [0, 200, 0], shape: "disc" }, "Small.png": { color: [0, 200, 0], width: 16, height: 16 } },
    });
    const [line] = await generateFails(dir);
    expect(line).toMatch(/02-Body\/Small\.png/);
    expect(line).toContain("32x32");
    expect(line).toContain("16x16");
  });

  /** Discs at 32x32 (transparent corners) under a 16x8 opaque red banner: 2:1, so "fit" leaves a margin above and below. */
  async function wideBanner(name: string, resize: "fit" | "stretch"): Promise<string> {
    const dir = caseDir(name);
    await writeLayers(dir, {
      "01-Body": { "Disc.png": { color: [0, 200, 0], shape: "disc" }, "Ring.png": { color: [0, 0, 200], shape: "disc", alpha: 120 } },
      "02-Banner": { "Red.png": { color: [255, 0, 0], width: 16, height: 8 } },
    });
    const out = `${dir}-out`;
    const config = join(dir, "..", `${name}.json`);
    await writeJson(config, { resize });
    const run = await runMain(["generate", dir, "-c", config, "-n", "2", "-o", out, "--seed", "size", "--workers", "1", "-q"]);
    expect(run.err.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(run.code).toBe(0);
    for (const id of [1, 2]) {
      const meta = await sharp(join(out, "images", `${id}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([32, 32]);
    }
    return out;
  }

  it('resize "fit" scales to the canvas keeping aspect, centred, with a transparent margin', async () => {
    const out = await wideBanner("fit", "fit");
    const image = join(out, "images", "1.png");
    // The banner fills the middle rows edge to edge; the rows above and below are transparent.
    expect(await pixelAt(image, 0, 16)).toEqual([255, 0, 0, 255]);
    expect(await pixelAt(image, 16, 16)).toEqual([255, 0, 0, 255]);
    expect((await pixelAt(image, 16, 1))[3]).toBe(0);
    expect((await pixelAt(image, 16, 30))[3]).toBe(0);
  });

  it('resize "stretch" scales to the whole canvas', async () => {
    const out = await wideBanner("stretch", "stretch");
    const image = join(out, "images", "1.png");
    expect(await pixelAt(image, 16, 1)).toEqual([255, 0, 0, 255]);
    expect(await pixelAt(image, 16, 30)).toEqual([255, 0, 0, 255]);
  });
});

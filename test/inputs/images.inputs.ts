/**
 * Trait images of every odd kind: the formats docs/config.md promises (PNG 8/16-bit, RGB, RGBA, grey, palette;
 * JPEG; WebP) make a collection; broken, animated, foreign or impossible ones are refused naming the file.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readJson, writeJson } from "../helpers/fixtures.js";
import { COUNT, expectCollection, expectRefused, generate, PX, suiteRoot, writeBase } from "./harness.js";
import { animatedGif, animatedWebp, apng, disc, pngBadCrc, pngBadPixels, pngHeaderOnly } from "./imageBytes.js";

const root = suiteRoot("images");

/** The base layers with one extra hat trait `file` holding `bytes`; runs generate, with `config` where given. */
async function runWithTrait(label: string, file: string, bytes: Buffer | string, config?: Record<string, unknown>) {
  const dir = await root.next(label);
  const layers = await writeBase(dir, { "02-Hat": { [file]: bytes } });
  const out = join(dir, "out");
  let extra: string[] = [];
  if (config) {
    await writeJson(join(dir, "traitloom.json"), config);
    extra = ["-c", join(dir, "traitloom.json")];
  }
  // -n 9: every combination of 3 backgrounds x 3 hats, so the odd trait is drawn.
  return { run: await generate(layers, out, extra, 9), out, layers };
}

describe("images a user may give that make a collection", () => {
  const accepted: Array<[string, string, () => Promise<Buffer>]> = [
    ["a 16-bit RGBA PNG", "Deep.png", () => disc((i) => i.toColourspace("rgb16").png())],
    ["a palette PNG", "Palette.png", () => disc((i) => i.png({ palette: true, colours: 4 }))],
    ["a grey PNG (one channel)", "Grey.png", () => disc((i) => i.flatten({ background: "#808080" }).greyscale().png())],
    ["a grey+alpha PNG", "GreyAlpha.png", () => disc((i) => i.greyscale().png())],
    ["an RGB PNG without alpha", "Opaque.png", () => disc((i) => i.removeAlpha().png())],
    ["an interlaced (Adam7) PNG", "Interlaced.png", () => disc((i) => i.png({ progressive: true }))],
    ["a CMYK JPEG", "Cmyk.jpg", () => disc((i) => i.flatten({ background: "#ffffff" }).toColourspace("cmyk").jpeg())],
    ["a JPEG trait (.jpg)", "Photo.jpg", () => disc((i) => i.jpeg())],
    ["a JPEG trait (.jpeg)", "Photo2.jpeg", () => disc((i) => i.jpeg())],
    ["a lossless WebP trait", "Web.webp", () => disc((i) => i.webp({ lossless: true }))],
    ["a lossy WebP trait with alpha", "WebLossy.webp", () => disc((i) => i.webp({ quality: 60 }))],
    ["PNG bytes named .jpg (wrong extension)", "Misnamed.jpg", () => disc()],
    ["JPEG bytes named .png (wrong extension)", "Misnamed.png", () => disc((i) => i.jpeg())],
    ["an upper-case extension (.PNG)", "Shout.PNG", () => disc()],
    ["a PNG with bytes after IEND", "Trailing.png", async () => Buffer.concat([await disc(), Buffer.from("trailing garbage")])],
  ];
  for (const [what, file, make] of accepted) {
    it(what, async () => {
      const { run, out } = await runWithTrait(what, file, await make());
      await expectCollection(run, out, 9, "png");
    });
  }

  it("mixed trait sizes with \"resize\": \"fit\"", async () => {
    const { run, out } = await runWithTrait("fit", "Big.png", await disc(undefined, PX * 3), { resize: "fit" });
    await expectCollection(run, out, 9);
    expect((await readJson<{ width: number }>(join(out, "manifest.json"))).width).toBe(PX);
  });

  it("mixed trait sizes with \"resize\": \"stretch\"", async () => {
    const wide = await sharp({ create: { width: PX * 2, height: PX, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0.5 } } }).png().toBuffer();
    const { run, out } = await runWithTrait("stretch", "Wide.png", wide, { resize: "stretch" });
    await expectCollection(run, out, 9);
  });

  it("1x1 traits everywhere (a 1x1 canvas)", async () => {
    const dir = await root.next("1x1");
    const dot = (r: number) => sharp({ create: { width: 1, height: 1, channels: 4, background: { r, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
    const layers = await writeBase(dir, {
      "01-Background": { "Blue#3.png": await dot(1), "Green#2.png": await dot(2), "Red.png": await dot(3) },
      "02-Hat": { "None.png": await dot(4), "Cap.png": await dot(5) },
    });
    await expectCollection(await generate(layers, join(dir, "out")), join(dir, "out"));
  });
});

describe("images that are refused naming the file", () => {
  const refused: Array<[string, string, () => Promise<Buffer | string>]> = [
    ["random bytes named .png", "Noise.png", async () => randomBytes(300)],
    ["a truncated PNG (first half)", "Half.png", async () => (await disc()).subarray(0, Math.floor((await disc()).length / 2))],
    ["a PNG with a bad IDAT CRC", "Crc.png", pngBadCrc],
    ["a PNG with damaged compressed pixels", "Inflate.png", pngBadPixels],
    ["a 0-byte .png", "Empty.png", async () => Buffer.alloc(0)],
    ["a PNG signature and nothing else", "Sig.png", async () => (await disc()).subarray(0, 8)],
    ["a text file named .png", "Text.png", async () => "this is not an image\n"],
    ["an animated PNG (APNG, 2 frames)", "Blink.png", apng],
    ["an animated WebP (2 frames)", "Blink.webp", animatedWebp],
    ["an animated GIF", "Blink.gif", animatedGif],
    ["an animated GIF named .png", "BlinkGif.png", animatedGif],
    ["a still GIF named .png", "StillGif.png", () => disc((i) => i.gif())],
    ["a TIFF named .png", "Tiff.png", () => disc((i) => i.tiff())],
    ["an SVG file", "Vector.svg", async () => `<svg xmlns="http://www.w3.org/2000/svg" width="${PX}" height="${PX}"/>`],
    ["a truncated JPEG", "Cut.jpg", async () => (await disc((i) => i.jpeg())).subarray(0, 200)],
    ["a corrupt WebP (RIFF header, damaged body)", "Broken.webp", async () => {
      const w = Buffer.from(await disc((i) => i.webp({ lossless: true })));
      for (let i = 20; i < w.length; i++) w[i] = (w[i] ?? 0) ^ 0xa5;
      return w;
    }],
    ["a PNG header claiming 100000x100000 among 8x8 traits", "Huge.png", async () => pngHeaderOnly(100_000, 100_000)],
  ];
  for (const [what, file, make] of refused) {
    it(what, async () => {
      const { run, out } = await runWithTrait(what, file, await make());
      await expectRefused(run, { names: `02-Hat/${file}`, out, before: undefined });
    });
  }

  it("a PNG header claiming 100000x100000 with \"resize\": \"fit\" (would decode 10^10 pixels)", async () => {
    const { run, out } = await runWithTrait("huge-fit", "Huge.png", pngHeaderOnly(100_000, 100_000), { resize: "fit" });
    await expectRefused(run, { names: "02-Hat/Huge.png", out, before: undefined });
  });

  it("every trait's header claiming 100000x100000 (a canvas past 16384)", async () => {
    const dir = await root.next("all-huge");
    const huge = pngHeaderOnly(100_000, 100_000);
    const layers = await writeBase(dir, {
      "01-Background": { "Blue#3.png": huge, "Green#2.png": huge, "Red.png": huge },
      "02-Hat": { "None.png": huge, "Cap.png": huge },
    });
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: /01-Background\/\w+.*\.png|100000x100000/, out, before: undefined });
  });

  it("every trait a real 16400x8 PNG (a canvas wider than 16384, under sharp's pixel limit)", async () => {
    const dir = await root.next("all-wide");
    const wide = (r: number) => sharp({ create: { width: 16_400, height: PX, channels: 4, background: { r, g: 9, b: 9, alpha: 1 } } }).png().toBuffer();
    const layers = await writeBase(dir, {
      "01-Background": { "Blue#3.png": await wide(1), "Green#2.png": await wide(2), "Red.png": await wide(3) },
      "02-Hat": { "None.png": await wide(4), "Cap.png": await wide(5) },
    });
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: [/\.png/, "16384"], out, before: undefined });
  });

  it("mixed trait sizes without \"resize\"", async () => {
    const { run, out } = await runWithTrait("mixed", "Big.png", await disc(undefined, PX * 2));
    await expectRefused(run, { names: ["02-Hat/Big.png", `${PX * 2}x${PX * 2}`], out, before: undefined });
  });

  it("config width/height other than the traits' size, without \"resize\"", async () => {
    const dir = await root.next("config-size");
    const layers = await writeBase(dir);
    await writeJson(join(dir, "traitloom.json"), { width: PX * 2, height: PX * 2 });
    const out = join(dir, "out");
    const run = await generate(layers, out, ["-c", join(dir, "traitloom.json")], COUNT);
    await expectRefused(run, { names: [/\.png/, `${PX}x${PX}`], out, before: undefined });
  });
});

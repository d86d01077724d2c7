/**
 * Other engines' folders in the studio, at 1440×900 and 390×844: the nftchef-shaped fixture (nested weighted
 * folders, multi-part traits with z prefixes, NONE, its traitloom.json) and the datlips-shaped one (variant art by
 * the Variant layer, sub-trait parts, z$ prefixes, its config.js with two layer configurations, run as editions) are loaded as a user
 * picks a project folder; the layer tree shows folders, parts with z and the dialect; a small collection is
 * generated and its ZIP checked against the Node engine given the studio's own exported traitloom.json (same
 * metadata bytes, pixels within 3 per channel), and against the fixture itself (no NONE attribute, both parts of a
 * multi-part trait drawn, variant art drawn, an excluded layer without attribute). axe-core finds no violation
 * with the tree open.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, compareWithNode, generateInStudio, MAX_CHANNEL_DIFFERENCE, openStudio, WINDOW_SIZES } from "./studio-driver.js";
import { decodePng } from "./reference.js";

const FIXTURES = join(REPO, "test/fixtures");

const executable = chromiumOrSkip();



interface Metadata {
  name: string;
  attributes: Array<{ trait_type: string; value: string | number }>;
}

/** RGBA of a fixture image, straight alpha. */
async function pixelsOf(path: string): Promise<{ width: number; rgba: Uint8Array }> {
  const { data, info } = await sharp(readFileSync(path)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, rgba: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Straight-alpha source-over of `top` onto `bottom`, per pixel, in floating point: an independent compositor. */
function over(bottom: Float64Array, top: Uint8Array): Float64Array {
  const out = new Float64Array(bottom.length);
  for (let i = 0; i < bottom.length; i += 4) {
    const ta = (top[i + 3] ?? 0) / 255;
    const ba = (bottom[i + 3] ?? 0) / 255;
    const oa = ta + ba * (1 - ta);
    for (let c = 0; c < 3; c++) out[i + c] = oa === 0 ? 0 : ((top[i + c] ?? 0) * ta + (bottom[i + c] ?? 0) * ba * (1 - ta)) / oa;
    out[i + 3] = oa * 255;
  }
  return out;
}

/** Every image file under a folder, recursively. */
function imagesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((n) => n.endsWith(".png"))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).size > 0);
}

describe.skipIf(!executable)("other engines' folders in the studio (headless Chromium)", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  const temp: string[] = [];

  beforeAll(async () => {
    await buildStudio();
    ({ url, close } = await serveStudio());
    browser = await launchChromium(executable ?? "");
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    for (const t of temp) rmSync(t, { recursive: true, force: true });
  });

  /** A copy of a fixture project folder (layers/ beside its traitloom.json or config.js), named like a user's. */
  function project(fixture: string): string {
    const base = mkdtempSync(join(tmpdir(), "traitloom-dialects-"));
    temp.push(base);
    const dir = join(base, fixture);
    // datlips-mini's traitloom.json (what `init --from datlips` writes, with editions) is the CLI's: the studio test
    // loads the folder with the engine's config.js beside it, as a datlips user has it.
    cpSync(join(FIXTURES, fixture), dir, { recursive: true, filter: (src) => !(fixture === "datlips-mini" && src.endsWith("traitloom.json")) });
    return dir;
  }

  function tokens(zip: Record<string, Uint8Array>): Array<{ id: number; meta: Metadata; image: Uint8Array }> {
    const decoder = new TextDecoder();
    return Object.keys(zip)
      .filter((n) => /^metadata\/\d+\.json$/.test(n))
      .map((n) => {
        const id = Number(/(\d+)\.json$/.exec(n)?.[1]);
        return { id, meta: JSON.parse(decoder.decode(zip[n])) as Metadata, image: zip[`images/${id}.png`] ?? new Uint8Array() };
      });
  }

  for (const size of WINDOW_SIZES) {
    it(`nftchef's nested folders and multi-part traits, ${size.name}`, async () => {
      const page = await openStudio(browser, url, size);
      const dir = project("nftchef-mini");
      await page.getByTestId("layers-input").setInputFiles(dir);
      await expect.poll(() => page.getByTestId("layer").count(), { timeout: 30_000 }).toBe(6);
      // The dialect, from traitloom.json: said above the layers and set in the settings.
      expect(await page.getByTestId("dialect").getAttribute("data-dialect")).toBe("nftchef");
      expect(await page.getByTestId("dialect-select").inputValue()).toBe("nftchef");
      // Identical art and the space in "shirt one " as the CLI warns of them.
      await page.getByTestId("reading-warnings-summary").click();
      const warnings = await page.getByTestId("reading-warning").allTextContents();
      expect(warnings.some((w) => w.startsWith("identical images:") && w.includes("Head/faceA#3.png") && w.includes("Head/faceB#3.png"))).toBe(true);
      expect(warnings.some((w) => /shirt one/.test(w))).toBe(true);
      // Nested folders with their local shares, and the leaf's overall share (50% × 50% of 80%).
      const eyes = page.locator('[data-testid=layer-tree][data-folder="Eyes"]');
      expect(await eyes.locator('[data-testid=tree-folder][data-folder="eye"]').count()).toBe(1);
      const normal = eyes.locator('[data-testid=tree-trait][data-trait="eye/normal"]');
      expect(Number(await normal.getAttribute("data-share"))).toBeCloseTo((50 / 80) * 0.5, 6);
      // Parts with their z: Purple Glasses' back part below everything (z-10), its front part at the layer's z.
      const glasses = page.locator('[data-testid=layer-tree][data-folder="Accessory"] [data-testid=tree-trait][data-trait="Purple Glasses"]');
      const parts = glasses.getByTestId("part");
      expect(await parts.count()).toBe(2);
      expect(await glasses.locator('[data-testid=part][data-file="Accessory/Purple Glasses#25/z-10,Glasses back.png"]').getAttribute("data-z")).toBe("-10");
      expect(await page.locator('[data-testid=layer-tree][data-folder="Back Accessory"] [data-testid=tree-trait][data-trait="Backpack"] [data-testid=part]').count()).toBe(2);
      // A flat layer keeps the plain table.
      expect(await page.locator('[data-testid=layer][data-folder="Background"] [data-testid=layer-tree]').count()).toBe(0);
      expect(await axeViolations(page), "axe with the tree open").toEqual([]);

      const { zip, config } = await generateInStudio(page, 24, `nftchef-${size.name}`);
      expect(config.dialect).toBe("nftchef");
      await compareWithNode(join(dir, "layers"), config, zip, join(dir, "node-out"));
      const all = tokens(zip);
      const layers = join(dir, "layers");
      const lines = await pixelsOf(join(layers, "Back Accessory/Backpack#50/1backpack-lines.png"));
      const fill = await pixelsOf(join(layers, "Back Accessory/Backpack#50/backpack-FILL.png"));
      // Pixels no file of a layer above Back Accessory ever touches: there the token is Background, then both parts.
      const above = await Promise.all(["Head", "Clothes", "Eyes", "Accessory"].flatMap((l) => imagesUnder(join(layers, l))).map(pixelsOf));
      const free = (i: number) => above.every((a) => (a.rgba[i * 4 + 3] ?? 0) === 0) && ((lines.rgba[i * 4 + 3] ?? 0) > 0 || (fill.rgba[i * 4 + 3] ?? 0) > 0);
      let multiPart = 0;
      for (const t of all) {
        expect(t.meta.attributes.map((a) => a.value)).not.toContain("NONE");
        const accessory = t.meta.attributes.find((a) => a.trait_type === "Accessory");
        if (accessory !== undefined) expect(["Space Helmet", "Purple Glasses"]).toContain(accessory.value);
        if (!t.meta.attributes.some((a) => a.trait_type === "Back Accessory" && a.value === "Backpack")) continue;
        const background = t.meta.attributes.find((a) => a.trait_type === "Background")?.value;
        const bg = await pixelsOf(join(layers, `Background/${String(background)}#5.png`));
        // nftchef draws a trait's files in name order: 1backpack-lines, then backpack-FILL.
        const both = over(over(Float64Array.from(bg.rgba), lines.rgba), fill.rgba);
        const fillOnly = over(Float64Array.from(bg.rgba), fill.rgba);
        const image = (await decodePng(t.image)).rgba;
        let checked = 0;
        let linesMatter = 0;
        for (let i = 0; i < image.length / 4; i++) {
          if (!free(i)) continue;
          checked++;
          for (let c = 0; c < 4; c++) expect(Math.abs((image[i * 4 + c] ?? 0) - Math.round(both[i * 4 + c] ?? 0)), `token ${t.id} pixel ${i} channel ${c}`).toBeLessThanOrEqual(MAX_CHANNEL_DIFFERENCE);
          if ([0, 1, 2, 3].some((c) => Math.abs((both[i * 4 + c] ?? 0) - (fillOnly[i * 4 + c] ?? 0)) > 8)) linesMatter++;
        }
        expect(checked, `token ${t.id}: Backpack pixels no upper layer covers`).toBeGreaterThan(0);
        expect(linesMatter, "the lines part changes pixels the fill part alone would not give").toBeGreaterThan(0);
        multiPart++;
      }
      expect(multiPart).toBeGreaterThan(0);
      await page.context().close();
    }, 180_000);

    it(`datlips' variant art, sub-trait parts and config.js, ${size.name}`, async () => {
      const page = await openStudio(browser, url, size);
      const dir = project("datlips-mini");
      await page.getByTestId("layers-input").setInputFiles(dir);
      await expect.poll(() => page.getByTestId("layer").count(), { timeout: 30_000 }).toBe(9);
      expect(await page.getByTestId("dialect").getAttribute("data-dialect")).toBe("datlips");
      // Variant art per parent trait, and what has none.
      const arms = page.locator('[data-testid=layer-tree][data-folder="Arms"]');
      await arms.getByTestId("variant-of").waitFor();
      const beta = arms.locator('[data-testid=tree-trait][data-trait="BetaArms"]');
      expect((await beta.getByTestId("variant").evaluateAll((els) => els.map((e) => e.getAttribute("data-parent")))).sort()).toEqual(["Blue", "Red"]);
      const claws = arms.locator('[data-testid=tree-trait][data-trait="LobsterClaws"]');
      expect(await claws.getByTestId("missing-variants").textContent()).toMatch(/Blue/);
      // Sub-trait parts with z: AnglerEyes' Shadow part at z 35 (config.js subTraits zindex).
      const angler = page.locator('[data-testid=layer-tree][data-folder="Eyes"] [data-testid=tree-trait][data-trait="AnglerEyes"]');
      expect(await angler.locator('[data-testid=part][data-file="Eyes/AnglerEyes/Shadow.png"]').getAttribute("data-z")).toBe("35");
      // Both layer configurations are editions (12 Mini Fish, 8 Skeletal Mini Fish, ids mixed): every layer one of
      // them draws is shown, SkeletalArms with config.js's exclude (a plain table: its edition has no Variant layer
      // whose colours would pick its Blue/ art).
      expect(await page.getByTestId("edition").evaluateAll((els) => els.map((e) => [e.getAttribute("data-id"), e.getAttribute("data-count")]))).toEqual([
        ["Mini Fish", "12"],
        ["Skeletal Mini Fish", "8"],
      ]);
      expect(await page.locator('[data-testid=layer][data-folder="SkeletalArms"] [data-testid=layer-visible]').isChecked()).toBe(true);
      expect(await page.locator('[data-testid=layer-tree][data-folder="SkeletalArms"]').count()).toBe(0);
      expect(await axeViolations(page), "axe with the tree open").toEqual([]);

      const { zip, config } = await generateInStudio(page, undefined, `datlips-${size.name}`);
      expect(config.dialect).toBe("datlips");
      expect([config.editions?.map((e) => [e.id, e.count]), config.shuffle, config.count]).toEqual([[["Mini Fish", 12], ["Skeletal Mini Fish", 8]], "ids", undefined]);
      // Every token's pixels within 3 of the Node engine's for the same config and seed: variant art stretched to the
      // canvas, Body's source-atop at opacity 0.8, AnglerEyes' multiply Shadow part (Node's pixels are checked against
      // an independent composite of the fixture's art in test/model-generate.test.ts).
      expect(await compareWithNode(join(dir, "layers"), config, zip, join(dir, "node-out"))).toBe(20);
      const all = tokens(zip);
      expect(all).toHaveLength(20);
      for (const t of all) {
        const types = t.meta.attributes.map((a) => a.trait_type);
        expect(types).not.toContain("SkeletalArms");
        // SkeletalArms is not in metadata (exclude), SkeletalAccessories' None writes no attribute.
        if (t.meta.name.startsWith("Skeletal Mini Fish #")) expect(types.filter((x) => x !== "SkeletalAccessories")).toEqual(["SkeletalBody"]);
        else expect(types).toContain("Color");
      }
      expect(all.filter((t) => t.meta.name.startsWith("Skeletal Mini Fish #"))).toHaveLength(8);
      await page.context().close();
    }, 180_000);
  }
});

/**
 * Blend modes and opacity against the oracle, Chromium's 2D canvas: the three layers of test/fixtures/blend
 * (scripts/make-blend-fixture.ts) are drawn with drawImage under every globalCompositeOperation × a few globalAlpha
 * values, and read back with getImageData; our compositor (src/render/composite.ts + blend.ts) draws the same steps
 * from the same pixels twice, in the page (the pure module bundled by vite, as the studio's workers run it) and here
 * in Node. Both must land within 2 per channel of the canvas, and agree with each other byte for byte.
 *
 * Both sides start from the same straight RGBA: the page decodes each PNG, reads it back from a canvas, and draws
 * images made from exactly those bytes; Node gets those bytes too.
 *
 * The rule for colour: the canvas keeps premultiplied 8-bit values, so at alpha a a colour it reads back is only
 * known to within about 255 / (2a) (at alpha 3 the colour comes in steps of 85). Colours are therefore compared as
 * the premultiplied bytes the canvas would hold, round(c × a / 255), wherever either side has alpha > 0 (the
 * colour weighted by alpha, |c1 - c2| × max(a1, a2) / 255, is printed beside it); alpha is compared as it is. Both
 * must be ≤ 2. The largest differences come from plain source-over at opacity 1, which is our exact fast path
 * (test/golden.test.ts pins it) against Chromium's sprite blitter, which truncates (d (256 - sa)) >> 8 at each
 * draw; every other step is drawn by src/render/blend.ts the way Skia rounds, and lands within 1.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build, type Rolldown } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLEND_MODES, type BlendMode } from "../../src/render/blend.js";
import { compositeTraits, prepareTrait, type DrawStep } from "../../src/render/composite.js";
import { launchChromium, REPO } from "./harness.js";
import { chromiumOrSkip } from "./studio-driver.js";

const SIZE = 32;
const LAYERS = [0, 1, 2].map((i) => resolve(REPO, `test/fixtures/blend/layer${i}.png`));
const OPACITIES = [1, 0.6, 0.25, 0];
/** Per channel, premultiplied, as the file's comment explains. */
const MAX_DIFFERENCE = 2;

const executable = chromiumOrSkip();

interface StepSpec {
  layer: number;
  blend: BlendMode;
  opacity: number;
}
interface Case {
  /** What the case draws: layer 0 plainly, then layers 1 and 2 with the mode ("over a base"); or all three with it. */
  name: string;
  mode: BlendMode;
  steps: StepSpec[];
}

/** Two stacks per mode and opacity: over an opaque-and-transparent base drawn plainly, and from an empty canvas. */
const CASES: Case[] = BLEND_MODES.flatMap((mode) =>
  OPACITIES.flatMap((opacity) => [
    {
      name: `${mode} at ${opacity} over a base`,
      mode,
      steps: [
        { layer: 0, blend: "source-over" as const, opacity: 1 },
        { layer: 1, blend: mode, opacity },
        { layer: 2, blend: mode, opacity },
      ],
    },
    { name: `${mode} at ${opacity} from an empty canvas`, mode, steps: [0, 1, 2].map((layer) => ({ layer, blend: mode, opacity })) },
  ]),
);

/** Wrong formulas the comparison must catch: [what Chromium draws, what we draw instead]. */
const WRONG: Array<[BlendMode, BlendMode]> = [
  ["source-atop", "source-out"], // HashLips' MODE.sourceAtop
  ["overlay", "hard-light"],
  ["color", "hue"],
  ["soft-light", "overlay"],
  ["color-dodge", "screen"],
];

interface PageResult {
  /** Each layer's straight RGBA as the page decoded it, base64. */
  decoded: string[];
  /** Per case: the canvas' pixels and our compositor's in the page, base64. */
  results: Array<{ canvas: string; ours: string }>;
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, "base64"));

/** The pure compositor bundled for the page, exposing `TraitloomCompositor.{compositeTraits, prepareTrait}`. */
async function bundledCompositor(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: "warn",
    build: {
      write: false,
      minify: false,
      lib: { entry: resolve(REPO, "src/render/composite.ts"), formats: ["iife"], name: "TraitloomCompositor", fileName: "compositor" },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === "chunk");
  if (!chunk || chunk.type !== "chunk") throw new Error("vite build gave no chunk for the compositor");
  return chunk.code;
}

/**
 * The page's APIs this test uses, typed here: the test tsconfig has no DOM library (core and render must not
 * reach for it), and the page function is only serialized from this file.
 */
interface PageContext {
  globalCompositeOperation: string;
  globalAlpha: number;
  drawImage(image: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface PageGlobals {
  OffscreenCanvas: new (w: number, h: number) => { getContext(kind: "2d", options: { willReadFrequently: boolean }): PageContext | null };
  ImageData: new (data: Uint8ClampedArray, w: number, h: number) => unknown;
  createImageBitmap(source: unknown, options: Record<string, string>): Promise<unknown>;
  TraitloomCompositor: {
    prepareTrait(rgba: Uint8Array, w: number, h: number): unknown;
    compositeTraits(canvas: Uint8Array, steps: unknown[]): boolean;
  };
}

/** Runs in the page: decode, draw every case on a canvas and with our compositor, return both. */
async function drawInPage(page: Page, pngs: string[], cases: Case[]): Promise<PageResult> {
  return page.evaluate(
    async ({ pngs, cases, size }) => {
      const g = globalThis as unknown as PageGlobals;
      const compositor = g.TraitloomCompositor;
      const toBase64 = (px: Uint8Array | Uint8ClampedArray): string => {
        let s = "";
        for (let i = 0; i < px.length; i++) s += String.fromCharCode(px[i]!);
        return btoa(s);
      };
      const context = (): PageContext => {
        const ctx = new g.OffscreenCanvas(size, size).getContext("2d", { willReadFrequently: true });
        if (!ctx) throw new Error("no 2d context");
        return ctx;
      };
      const decoded: Uint8Array[] = [];
      for (const png of pngs) {
        const file = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
        const bitmap = await g.createImageBitmap(new Blob([file], { type: "image/png" }), { premultiplyAlpha: "none", colorSpaceConversion: "none" });
        const ctx = context();
        ctx.drawImage(bitmap, 0, 0);
        decoded.push(new Uint8Array(ctx.getImageData(0, 0, size, size).data));
      }
      // What the canvas draws is made from exactly the bytes our compositor gets.
      const images = await Promise.all(decoded.map((px) => g.createImageBitmap(new g.ImageData(new Uint8ClampedArray(px), size, size), { colorSpaceConversion: "none" })));
      const prepared = decoded.map((px) => compositor.prepareTrait(px, size, size));
      const results = cases.map((c) => {
        const ctx = context();
        for (const s of c.steps) {
          ctx.globalCompositeOperation = s.blend;
          ctx.globalAlpha = s.opacity;
          ctx.drawImage(images[s.layer], 0, 0);
        }
        const ours = new Uint8Array(size * size * 4);
        compositor.compositeTraits(
          ours,
          c.steps.map((s) => ({ trait: prepared[s.layer], blend: s.blend, opacity: s.opacity })),
        );
        return { canvas: toBase64(ctx.getImageData(0, 0, size, size).data), ours: toBase64(ours) };
      });
      return { decoded: decoded.map(toBase64), results };
    },
    { pngs, cases, size: SIZE },
  );
}

/** round(x / 255) for x in [0, 65025]. */
const div255 = (x: number): number => (x + 128 + ((x + 128) >> 8)) >> 8;

/**
 * The largest differences between two straight-alpha images: of the colours as premultiplied bytes (what the
 * canvas stores: the asserted rule), of the colours weighted by alpha (reported), and of alpha.
 */
function difference(a: Uint8Array, b: Uint8Array): { colour: number; weighted: number; alpha: number } {
  let colour = 0;
  let weighted = 0;
  let alpha = 0;
  for (let i = 0; i < a.length; i += 4) {
    const aa = a[i + 3]!;
    const ba = b[i + 3]!;
    alpha = Math.max(alpha, Math.abs(aa - ba));
    const weight = Math.max(aa, ba) / 255;
    for (let c = 0; c < 3; c++) {
      colour = Math.max(colour, Math.abs(div255(a[i + c]! * aa) - div255(b[i + c]! * ba)));
      weighted = Math.max(weighted, Math.abs(a[i + c]! - b[i + c]!) * weight);
    }
  }
  return { colour, weighted, alpha };
}

function nodeComposite(decoded: Uint8Array[], steps: StepSpec[]): Uint8Array {
  const prepared = decoded.map((px) => prepareTrait(px, SIZE, SIZE));
  const canvas = new Uint8Array(SIZE * SIZE * 4);
  compositeTraits(
    canvas,
    steps.map((s): DrawStep => ({ trait: prepared[s.layer]!, blend: s.blend, opacity: s.opacity })),
  );
  return canvas;
}

describe.skipIf(!executable)("blend modes and opacity against Chromium's 2D canvas", () => {
  let browser: Browser;
  let page: Page;
  let decoded: Uint8Array[];
  const outcome = new Map<string, { canvas: Uint8Array; browser: Uint8Array; node: Uint8Array }>();
  const worst = new Map<BlendMode, { colour: number; weighted: number; alpha: number }>();

  beforeAll(async () => {
    const code = await bundledCompositor();
    browser = await launchChromium(executable!);
    page = await browser.newPage();
    await page.setContent("<!doctype html><title>blend</title>");
    await page.addScriptTag({ content: code });
    const pngs = LAYERS.map((p) => readFileSync(p).toString("base64"));
    const drawn = await drawInPage(page, pngs, CASES);
    decoded = drawn.decoded.map(bytes);
    CASES.forEach((c, i) => {
      const r = drawn.results[i]!;
      outcome.set(c.name, { canvas: bytes(r.canvas), browser: bytes(r.ours), node: nodeComposite(decoded, c.steps) });
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (worst.size > 0) {
      const rows = [...worst].map(([m, w]) => `  ${m.padEnd(17)} ${String(w.colour).padStart(2)} ${w.weighted.toFixed(2).padStart(9)} ${String(w.alpha).padStart(6)}`);
      console.log(`largest difference from Chromium's canvas per mode, Node and page alike:\n  mode          premultiplied  weighted  alpha\n${rows.join("\n")}`);
    }
  });

  it("has a fixture with transparent, partly transparent and opaque pixels in every layer", () => {
    for (const px of decoded) {
      const alphas = new Set<number>();
      for (let i = 3; i < px.length; i += 4) alphas.add(px[i]!);
      expect(alphas.has(0) && alphas.has(255)).toBe(true);
      expect(alphas.size).toBeGreaterThan(20);
    }
  });

  it.each(BLEND_MODES)("%s at every opacity: our compositor, in Node and in the page, lands within 2 of the canvas", (mode) => {
    let colour = 0;
    let weighted = 0;
    let alpha = 0;
    for (const c of CASES.filter((x) => x.mode === mode)) {
      const o = outcome.get(c.name)!;
      // The same module in two engines: the same bytes.
      expect(Buffer.from(o.browser).equals(Buffer.from(o.node)), `${c.name}: page and Node differ`).toBe(true);
      const d = difference(o.node, o.canvas);
      colour = Math.max(colour, d.colour);
      weighted = Math.max(weighted, d.weighted);
      alpha = Math.max(alpha, d.alpha);
      expect(d.colour, `${c.name}: colour`).toBeLessThanOrEqual(MAX_DIFFERENCE);
      expect(d.alpha, `${c.name}: alpha`).toBeLessThanOrEqual(MAX_DIFFERENCE);
    }
    worst.set(mode, { colour, weighted, alpha });
  });

  it.each(WRONG)("catches a wrong formula: %s drawn by the canvas, %s by us, is more than 2 apart", (right, wrong) => {
    const c = CASES.find((x) => x.mode === right && x.steps[1]!.opacity === 1)!;
    const canvas = outcome.get(c.name)!.canvas;
    const ours = nodeComposite(
      decoded,
      c.steps.map((s, i) => (i === 0 ? s : { ...s, blend: wrong })),
    );
    const d = difference(ours, canvas);
    expect(Math.max(d.colour, d.alpha)).toBeGreaterThan(MAX_DIFFERENCE);
  });
});

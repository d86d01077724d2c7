/**
 * A bench-only render worker (never loaded by the studio): the studio render worker's protocol with the variants
 * `npm run bench:browser` compares, chosen by RenderInit.variant:
 * - mode "engine" keeps every decoded trait for the run; "baseline" is the starting design's path (a fresh canvas
 *   and a decode of every layer for every token);
 * - compositor "span" (core's span compositor, as the studio) or "canvas" (drawImage on one OffscreenCanvas);
 * - encoder "fast" (the studio's), "js" (filter per row, fflate at `level`), "native" (CompressionStream) or
 *   "canvas" (convertToBlob).
 */
import { compositeTraits, prepareTrait, type PreparedTrait } from "../render/composite.js";
import { serve, Transfer, type Handlers } from "../render/rpc.js";
import { crc32 } from "./crc32.js";
import { sha256HexOf } from "./hash.js";
import { encodePng, encodePngNative, FastPngEncoder, type DeflateLevel } from "./pngEncoder.js";
import type { RenderDone, RenderedImage, RenderInit, RenderMethods, RenderTiming } from "./protocol.js";
import { decodeBitmap } from "./traitDecode.js";

declare const self: DedicatedWorkerGlobalScope;

interface Variant {
  mode: "engine" | "baseline";
  compositor: "span" | "canvas";
  encoder: "fast" | "js" | "native" | "canvas";
  level: number;
}

interface Placed {
  bitmap: ImageBitmap;
  x: number;
  y: number;
}

let init: RenderInit | undefined;
let variant: Variant = { mode: "engine", compositor: "span", encoder: "fast", level: 0 };
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | undefined;
const fastEncoder = new FastPngEncoder();
const decoded = new Map<number, Placed>();
const prepared = new Map<number, PreparedTrait>();
let pixels: Uint8Array<ArrayBuffer> | undefined;

async function traitBitmap(r: RenderInit, layer: number, trait: number): Promise<Placed> {
  const key = layer * 65536 + trait;
  const hit = decoded.get(key);
  if (hit) return hit;
  const src = r.sources[layer]?.[trait];
  if (!src) throw new Error(`render: no trait ${trait} in layer ${layer}`);
  const placed = await decodeBitmap(src, r);
  decoded.set(key, placed);
  return placed;
}

async function traitSpans(r: RenderInit, layer: number, trait: number): Promise<PreparedTrait> {
  const key = layer * 65536 + trait;
  const hit = prepared.get(key);
  if (hit) return hit;
  const placed = await traitBitmap(r, layer, trait);
  const scratch = new OffscreenCanvas(r.width, r.height);
  const g = scratch.getContext("2d", { willReadFrequently: true });
  if (!g) throw new Error("render: no 2d context");
  g.drawImage(placed.bitmap, placed.x, placed.y);
  const rgba = g.getImageData(0, 0, r.width, r.height).data;
  const spans = prepareTrait(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length), r.width, r.height);
  placed.bitmap.close();
  decoded.delete(key);
  prepared.set(key, spans);
  return spans;
}

async function encode(c: OffscreenCanvas, g: OffscreenCanvasRenderingContext2D, r: RenderInit, rgba?: Uint8Array<ArrayBuffer>, opaque?: boolean): Promise<Uint8Array<ArrayBuffer>> {
  if (variant.encoder === "canvas") {
    if (rgba) g.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), r.width, r.height), 0, 0);
    return new Uint8Array(await (await c.convertToBlob({ type: "image/png" })).arrayBuffer());
  }
  const image = rgba ?? g.getImageData(0, 0, r.width, r.height).data;
  if (variant.encoder === "fast") return fastEncoder.encode(image, r.width, r.height, opaque) as Uint8Array<ArrayBuffer>;
  if (variant.encoder === "native") return (await encodePngNative(image, r.width, r.height)) as Uint8Array<ArrayBuffer>;
  return encodePng(image, r.width, r.height, { level: Math.max(0, Math.min(9, Math.round(variant.level))) as DeflateLevel }) as Uint8Array<ArrayBuffer>;
}

async function finishToken(index: number, drawStart: number, timing: RenderTiming, images: RenderedImage[], encodeToken: () => Promise<Uint8Array<ArrayBuffer>>): Promise<void> {
  const drawn = performance.now();
  timing.draw += drawn - drawStart;
  const bytes = await encodeToken();
  const encoded = performance.now();
  timing.encode += encoded - drawn;
  images.push({ index, bytes: bytes.buffer, crc32: crc32(bytes), sha256: await sha256HexOf(bytes) });
  timing.hash += performance.now() - encoded;
}

const handlers: Handlers<RenderMethods> = {
  init(params) {
    for (const p of decoded.values()) p.bitmap.close();
    decoded.clear();
    prepared.clear();
    pixels = undefined;
    init = params;
    variant = { ...variant, ...(params.variant as Partial<Variant> | undefined) };
    canvas = new OffscreenCanvas(params.width, params.height);
    // willReadFrequently keeps the canvas in CPU memory, where getImageData is a copy rather than a GPU readback.
    ctx = canvas.getContext("2d", { willReadFrequently: variant.encoder !== "canvas" && variant.compositor === "canvas" }) ?? undefined;
    if (!ctx) throw new Error("render: OffscreenCanvas has no 2d context in this browser");
    return { ready: true };
  },
  attach({ port }) {
    serve<RenderMethods>(port, handlers);
    port.start();
    return { attached: true };
  },
  async render(batch) {
    const r = init;
    if (!r || !canvas || !ctx) throw new Error("render: init first");
    const L = r.sources.length;
    const images: RenderedImage[] = [];
    const timing = { draw: 0, encode: 0, hash: 0 };
    for (const token of batch.tokens) {
      const t0 = performance.now();
      if (variant.mode === "baseline") {
        const c = new OffscreenCanvas(r.width, r.height);
        const g = c.getContext("2d");
        if (!g) throw new Error("render: no 2d context");
        for (let l = 0; l < L; l++) {
          const src = r.sources[l]?.[token.traits[l] ?? 0];
          if (!src) throw new Error(`render: no trait in layer ${l}`);
          const p = await decodeBitmap(src, r);
          g.drawImage(p.bitmap, p.x, p.y);
          p.bitmap.close();
        }
        await finishToken(token.index, t0, timing, images, () => encode(c, g, r));
        continue;
      }
      const [c, g] = [canvas, ctx];
      let opaque: boolean | undefined;
      if (variant.compositor === "span") {
        const traits: PreparedTrait[] = [];
        for (let l = 0; l < L; l++) traits.push(await traitSpans(r, l, token.traits[l] ?? 0));
        pixels ??= new Uint8Array(r.width * r.height * 4);
        opaque = compositeTraits(pixels, traits);
      } else {
        g.clearRect(0, 0, r.width, r.height);
        for (let l = 0; l < L; l++) {
          const p = await traitBitmap(r, l, token.traits[l] ?? 0);
          g.drawImage(p.bitmap, p.x, p.y);
        }
      }
      await finishToken(token.index, t0, timing, images, () => encode(c, g, r, variant.compositor === "span" ? pixels : undefined, opaque));
    }
    const done: RenderDone = { images, timing };
    return new Transfer(done, images.map((i) => i.bytes));
  },
};

serve<RenderMethods>(self, handlers);

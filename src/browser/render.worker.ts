/**
 * A render worker: composites tokens bottom layer first and encodes them as PNG. Each trait is decoded once
 * (createImageBitmap) on first use and kept for the run, as an ImageBitmap for the "canvas" compositor (drawImage
 * on one reused OffscreenCanvas) or as straight-alpha spans for the "span" compositor (core's typed-array
 * compositor into one reused buffer, no canvas readback per token). Images go straight to the collection worker
 * through a MessagePort, transferred; the page only hears "batch done".
 * The "baseline" mode is the starting design's path (fresh canvas and decodes per token), for the benchmark.
 */
import type { RenderBatch, RenderDone, RenderedImage, RenderInit, RenderMethods, RenderTiming, TraitSource } from "../render/protocol.js";
import { compositeTraits, prepareTrait, type PreparedTrait } from "../render/composite.js";
import { crc32 } from "./crc32.js";
import { sha256HexOf } from "./hash.js";
import { encodePng, encodePngNative, FastPngEncoder, type DeflateLevel } from "./pngEncoder.js";
import { serve, Transfer } from "./rpc.js";

declare const self: DedicatedWorkerGlobalScope;

interface Placed {
  bitmap: ImageBitmap;
  x: number;
  y: number;
}

let init: RenderInit | undefined;
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | undefined;
let port: MessagePort | undefined;
const fastEncoder = new FastPngEncoder();
/** Decoded traits, key layer * 65536 + trait. */
const decoded = new Map<number, Placed>();
/** Traits as spans for the "span" compositor, same keys. */
const prepared = new Map<number, PreparedTrait>();
/** The "span" compositor's canvas: straight-alpha RGBA, reused for every token. */
let pixels: Uint8Array<ArrayBuffer> | undefined;

/** Where a trait of another size goes on the canvas: stretched over it, or fitted keeping aspect and centred. */
function placement(src: TraitSource, r: RenderInit): { x: number; y: number; width: number; height: number } {
  if (src.width === r.width && src.height === r.height) return { x: 0, y: 0, width: r.width, height: r.height };
  if (r.resize === "stretch") return { x: 0, y: 0, width: r.width, height: r.height };
  const scale = Math.min(r.width / src.width, r.height / src.height);
  const width = Math.max(1, Math.round(src.width * scale));
  const height = Math.max(1, Math.round(src.height * scale));
  return { x: Math.floor((r.width - width) / 2), y: Math.floor((r.height - height) / 2), width, height };
}

async function decode(src: TraitSource, r: RenderInit): Promise<Placed> {
  const at = placement(src, r);
  const options: ImageBitmapOptions = { colorSpaceConversion: "none", premultiplyAlpha: "default" };
  // Scaling once at decode keeps every drawImage a 1:1 copy.
  if (at.width !== src.width || at.height !== src.height) Object.assign(options, { resizeWidth: at.width, resizeHeight: at.height, resizeQuality: "high" });
  const bitmap = await createImageBitmap(src.file as Blob, options);
  return { bitmap, x: at.x, y: at.y };
}

async function traitBitmap(r: RenderInit, layer: number, trait: number): Promise<Placed> {
  const key = layer * 65536 + trait;
  const hit = decoded.get(key);
  if (hit) return hit;
  const src = r.sources[layer]?.[trait];
  if (!src) throw new Error(`render: no trait ${trait} in layer ${layer}`);
  const placed = await decode(src, r);
  decoded.set(key, placed);
  return placed;
}

/** A trait as spans: drawn once at its place on a scratch canvas, read back once, cut into spans. */
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
  // The bitmap is not needed again: the spans hold the pixels.
  placed.bitmap.close();
  decoded.delete(key);
  prepared.set(key, spans);
  return spans;
}

async function encode(c: OffscreenCanvas, g: OffscreenCanvasRenderingContext2D, r: RenderInit, rgba?: Uint8Array<ArrayBuffer>, opaque?: boolean): Promise<Uint8Array<ArrayBuffer>> {
  if (r.encoder.name === "canvas") {
    if (rgba) g.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), r.width, r.height), 0, 0);
    return new Uint8Array(await (await c.convertToBlob({ type: "image/png" })).arrayBuffer());
  }
  const image = rgba ?? g.getImageData(0, 0, r.width, r.height).data;
  if (r.encoder.name === "fast") return fastEncoder.encode(image, r.width, r.height, opaque) as Uint8Array<ArrayBuffer>;
  if (r.encoder.name === "native") return (await encodePngNative(image, r.width, r.height)) as Uint8Array<ArrayBuffer>;
  return encodePng(image, r.width, r.height, { level: Math.max(0, Math.min(9, Math.round(r.encoder.level))) as DeflateLevel }) as Uint8Array<ArrayBuffer>;
}

async function renderEngine(r: RenderInit, batch: RenderBatch): Promise<RenderDone> {
  if (!canvas || !ctx) throw new Error("render: init first");
  const [c, g] = [canvas, ctx];
  const L = r.sources.length;
  const n = batch.traits.length / Math.max(1, L);
  const images: RenderedImage[] = [];
  const timing = { draw: 0, encode: 0, hash: 0 };
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    let opaque: boolean | undefined;
    if (r.compositor === "span") {
      const traits: PreparedTrait[] = [];
      for (let l = 0; l < L; l++) traits.push(await traitSpans(r, l, batch.traits[k * L + l] ?? 0));
      pixels ??= new Uint8Array(r.width * r.height * 4);
      opaque = compositeTraits(pixels, traits);
    } else {
      g.clearRect(0, 0, r.width, r.height);
      for (let l = 0; l < L; l++) {
        const p = await traitBitmap(r, l, batch.traits[k * L + l] ?? 0);
        g.drawImage(p.bitmap, p.x, p.y);
      }
    }
    await finishToken(batch, k, t0, timing, images, () => encode(c, g, r, r.compositor === "span" ? pixels : undefined, opaque));
  }
  return { rendered: n, images, timing };
}

/** The starting design: one fresh canvas and a fresh decode of every layer for every token. */
async function renderBaseline(r: RenderInit, batch: RenderBatch): Promise<RenderDone> {
  const L = r.sources.length;
  const n = batch.traits.length / Math.max(1, L);
  const images: RenderedImage[] = [];
  const timing = { draw: 0, encode: 0, hash: 0 };
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    const c = new OffscreenCanvas(r.width, r.height);
    const g = c.getContext("2d");
    if (!g) throw new Error("render: no 2d context");
    for (let l = 0; l < L; l++) {
      const src = r.sources[l]?.[batch.traits[k * L + l] ?? 0];
      if (!src) throw new Error(`render: no trait in layer ${l}`);
      const p = await decode(src, r);
      g.drawImage(p.bitmap, p.x, p.y);
      p.bitmap.close();
    }
    await finishToken(batch, k, t0, timing, images, () => encode(c, g, r));
  }
  return { rendered: n, images, timing };
}

/**
 * The end of every token, on both paths: counts the drawing since `drawStart`, encodes, hashes and hands the
 * image on, adding each stage's milliseconds to `timing`.
 */
async function finishToken(
  batch: RenderBatch,
  k: number,
  drawStart: number,
  timing: RenderTiming,
  images: RenderedImage[],
  encodeToken: () => Promise<Uint8Array<ArrayBuffer>>,
): Promise<void> {
  const drawn = performance.now();
  timing.draw += drawn - drawStart;
  const bytes = await encodeToken();
  const encoded = performance.now();
  timing.encode += encoded - drawn;
  const image: RenderedImage = { index: batch.first + k, bytes: bytes.buffer, crc32: crc32(bytes), sha256: await sha256HexOf(bytes) };
  timing.hash += performance.now() - encoded;
  deliver(batch, image, images);
}

function deliver(batch: RenderBatch, image: RenderedImage, replies: RenderedImage[]): void {
  if (batch.deliver === "reply") {
    replies.push(image);
    return;
  }
  if (!port) throw new Error("render: deliver \"writer\" needs a writer port at init");
  port.postMessage({ type: "image", ...image }, [image.bytes]);
}

serve<RenderMethods>(self, {
  init(params) {
    for (const p of decoded.values()) p.bitmap.close();
    decoded.clear();
    prepared.clear();
    pixels = undefined;
    init = params;
    port = params.writerPort as MessagePort | undefined;
    canvas = new OffscreenCanvas(params.width, params.height);
    // willReadFrequently keeps the canvas in CPU memory, where getImageData is a copy rather than a GPU readback.
    ctx = canvas.getContext("2d", { willReadFrequently: params.encoder.name !== "canvas" && params.compositor === "canvas" }) ?? undefined;
    if (!ctx) throw new Error("render: OffscreenCanvas has no 2d context in this browser");
    return { ready: true };
  },
  async render(batch) {
    if (!init) throw new Error("render: init first");
    const done = init.mode === "baseline" ? await renderBaseline(init, batch) : await renderEngine(init, batch);
    return new Transfer(done, done.images.map((i) => i.bytes));
  },
});

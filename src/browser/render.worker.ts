/**
 * A studio render worker: composites tokens bottom layer first with core's span compositor and encodes them with
 * the fast PNG encoder. Each trait is decoded once (createImageBitmap) on first use, or all of them up front for an
 * `eager` init (a warm-up), read back once as straight-alpha spans and kept until an init with other traits, so
 * no token needs a canvas readback and a warm worker's next run starts rendering at once. It answers whoever calls it:
 * the collection worker over an attached MessagePort during a run (images transferred, never through the page),
 * the page for the preview.
 */
import { compositeTraits, prepareTrait, type Drawable, type PreparedTrait } from "../render/composite.js";
import { serve, Transfer, type Handlers } from "../render/rpc.js";
import { crc32 } from "./crc32.js";
import { sha256HexOf } from "./hash.js";
import { FastPngEncoder } from "./pngEncoder.js";
import type { RenderDone, RenderedImage, RenderInit, RenderMethods } from "./protocol.js";
import { decodeTrait } from "./traitDecode.js";

declare const self: DedicatedWorkerGlobalScope;

let init: RenderInit | undefined;
const fastEncoder = new FastPngEncoder();
/** Traits as spans, key layer * 65536 + trait; a promise, so a render and an eager decode share one decode. */
const prepared = new Map<number, Promise<PreparedTrait>>();
/** The canvas: straight-alpha RGBA, reused for every token. */
let pixels: Uint8Array<ArrayBuffer> | undefined;
/** Decodes at once during an eager init: enough to keep the browser's decoder threads busy, not every file at once. */
const EAGER_DECODES = 4;

function traitSpans(r: RenderInit, layer: number, trait: number): Promise<PreparedTrait> {
  const key = layer * 65536 + trait;
  const hit = prepared.get(key);
  if (hit) return hit;
  const src = r.sources[layer]?.[trait];
  if (!src) return Promise.reject(new Error(`render: no trait ${trait} in layer ${layer}`));
  const spans = decodeTrait(src, r).then((rgba) => prepareTrait(rgba, r.width, r.height));
  prepared.set(key, spans);
  // A failed decode is not kept: the next token asks again and reports it again.
  spans.catch(() => prepared.get(key) === spans && prepared.delete(key));
  return spans;
}

/** Decodes every trait of `r`, a few at a time. */
async function decodeAll(r: RenderInit): Promise<number> {
  const all = r.sources.flatMap((row, layer) => row.map((_, trait) => [layer, trait] as const));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < all.length) {
      const [layer, trait] = all[next++]!;
      await traitSpans(r, layer, trait);
    }
  };
  await Promise.all(Array.from({ length: Math.min(EAGER_DECODES, all.length) }, lane));
  return all.length;
}

/** Throw-away tokens a warm-up renders at most, and the spread at which their times count as settled. */
const REHEARSAL_TOKENS = 6;
const REHEARSAL_SETTLED = 1.25;

/**
 * Renders a few tokens and throws them away, until one takes about as long as the one before: the compositor,
 * encoder and hashes are then compiled by the JavaScript engine (its optimising compiler runs beside the code, so on
 * a busy machine the first tokens run several times slower), during a warm-up rather than on the run's first tokens.
 */
async function rehearse(r: RenderInit): Promise<void> {
  const scratch = new Uint8Array(r.width * r.height * 4);
  let last = Infinity;
  for (let n = 0; n < REHEARSAL_TOKENS; n++) {
    const traits = await Promise.all(r.sources.map((row, layer) => traitSpans(r, layer, row.length > 0 ? n % row.length : 0)));
    const t0 = performance.now();
    const bytes = fastEncoder.encode(scratch, r.width, r.height, compositeTraits(scratch, traits)) as Uint8Array<ArrayBuffer>;
    crc32(bytes);
    await sha256HexOf(bytes);
    const ms = performance.now() - t0;
    if (ms * REHEARSAL_SETTLED >= last) break;
    last = ms;
  }
}

const handlers: Handlers<RenderMethods> = {
  async init(params) {
    // The same traits and canvas as before (a warm worker's next run): keep what is decoded.
    const same = params.key !== undefined && init?.key === params.key;
    if (!same) {
      prepared.clear();
      pixels = undefined;
    }
    init = params;
    if (!params.eager) return { ready: true };
    const t0 = performance.now();
    const decoded = await decodeAll(params);
    const decodeMs = same ? 0 : performance.now() - t0;
    if (!same && decoded > 0) await rehearse(params);
    return { ready: true, decoded, decodeMs };
  },
  attach({ port }) {
    serve<RenderMethods>(port, handlers);
    port.start();
    return { attached: true };
  },
  async render(batch) {
    const r = init;
    if (!r) throw new Error("render: init first");
    const L = r.sources.length;
    const images: RenderedImage[] = [];
    const timing = { draw: 0, encode: 0, hash: 0 };
    for (const token of batch.tokens) {
      const t0 = performance.now();
      const traits: Drawable[] = [];
      if (token.draw) {
        // A render plan's draw list: images of row 0, each with its blend mode and opacity (the shared compositor).
        for (const step of token.draw) {
          const image = await traitSpans(r, 0, step.image);
          traits.push(step.blend === "source-over" && step.opacity === 1 ? image : { trait: image, blend: step.blend, opacity: step.opacity });
        }
      } else for (let l = 0; l < L; l++) traits.push(await traitSpans(r, l, token.traits[l] ?? 0));
      pixels ??= new Uint8Array(r.width * r.height * 4);
      const opaque = compositeTraits(pixels, traits);
      const t1 = performance.now();
      const bytes = fastEncoder.encode(pixels, r.width, r.height, opaque) as Uint8Array<ArrayBuffer>;
      const t2 = performance.now();
      images.push({ index: token.index, bytes: bytes.buffer, crc32: crc32(bytes), sha256: await sha256HexOf(bytes) });
      timing.draw += t1 - t0;
      timing.encode += t2 - t1;
      timing.hash += performance.now() - t2;
    }
    const done: RenderDone = { images, timing };
    return new Transfer(done, images.map((i) => i.bytes));
  },
};

serve<RenderMethods>(self, handlers);

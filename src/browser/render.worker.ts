/**
 * A studio render worker: composites tokens bottom layer first with core's span compositor and encodes them with
 * the fast PNG encoder. Each trait is decoded once (createImageBitmap) on first use, read back once as
 * straight-alpha spans and kept for the run, so no token needs a canvas readback. It answers whoever calls it:
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
/** Traits as spans, key layer * 65536 + trait. */
const prepared = new Map<number, PreparedTrait>();
/** The canvas: straight-alpha RGBA, reused for every token. */
let pixels: Uint8Array<ArrayBuffer> | undefined;

async function traitSpans(r: RenderInit, layer: number, trait: number): Promise<PreparedTrait> {
  const key = layer * 65536 + trait;
  const hit = prepared.get(key);
  if (hit) return hit;
  const src = r.sources[layer]?.[trait];
  if (!src) throw new Error(`render: no trait ${trait} in layer ${layer}`);
  const spans = prepareTrait(await decodeTrait(src, r), r.width, r.height);
  prepared.set(key, spans);
  return spans;
}

const handlers: Handlers<RenderMethods> = {
  init(params) {
    prepared.clear();
    pixels = undefined;
    init = params;
    return { ready: true };
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

import type { PreparedTrait } from "./composite.js";

/** Where one prepared trait sits inside a TraitPack buffer. */
export interface PackedTraitDescriptor {
  x: number;
  y: number;
  width: number;
  height: number;
  coversCanvas: boolean;
  pixelsOffset: number;
  pixelsLength: number;
  /** Offset in bytes of the spans (Int32, 4-byte aligned) and their count in Int32s. */
  spansOffset: number;
  spansLength: number;
}

/**
 * Every prepared trait of a run in one buffer (a SharedArrayBuffer where available), so workers read the
 * decoded traits in place: decoded once, never copied per token or per worker.
 */
export interface TraitPack {
  canvasWidth: number;
  canvasHeight: number;
  buffer: ArrayBufferLike;
  /** [layer][trait] */
  traits: PackedTraitDescriptor[][];
}

export function packTraits(
  prepared: readonly (readonly PreparedTrait[])[],
  canvasWidth: number,
  canvasHeight: number,
  makeBuffer: (bytes: number) => ArrayBufferLike = (n) => new SharedArrayBuffer(n),
): TraitPack {
  let size = 0;
  const align4 = (n: number): number => (n + 3) & ~3;
  for (const layer of prepared) for (const t of layer) size = align4(size + t.pixels.length) + t.spans.length * 4;
  const buffer = makeBuffer(Math.max(size, 4));
  const bytes = new Uint8Array(buffer);
  let at = 0;
  const traits = prepared.map((layer) =>
    layer.map((t): PackedTraitDescriptor => {
      const pixelsOffset = at;
      bytes.set(t.pixels, at);
      at = align4(at + t.pixels.length);
      const spansOffset = at;
      new Int32Array(buffer, spansOffset, t.spans.length).set(t.spans);
      at += t.spans.length * 4;
      return {
        x: t.x,
        y: t.y,
        width: t.width,
        height: t.height,
        coversCanvas: t.coversCanvas,
        pixelsOffset,
        pixelsLength: t.pixels.length,
        spansOffset,
        spansLength: t.spans.length,
      };
    }),
  );
  return { canvasWidth, canvasHeight, buffer, traits };
}

/** Views of a pack's traits as PreparedTrait objects, over the pack's buffer (no copy). */
export function unpackTraits(pack: TraitPack): PreparedTrait[][] {
  return pack.traits.map((layer) =>
    layer.map((d) => ({
      canvasWidth: pack.canvasWidth,
      canvasHeight: pack.canvasHeight,
      x: d.x,
      y: d.y,
      width: d.width,
      height: d.height,
      coversCanvas: d.coversCanvas,
      pixels: new Uint8Array(pack.buffer, d.pixelsOffset, d.pixelsLength),
      spans: new Int32Array(pack.buffer, d.spansOffset, d.spansLength),
    })),
  );
}

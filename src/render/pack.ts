import type { PreparedTrait } from "./composite.js";

/** Where one prepared trait sits inside a TraitPack: which of its buffers, and where in it. */
export interface PackedTraitDescriptor {
  x: number;
  y: number;
  width: number;
  height: number;
  coversCanvas: boolean;
  /** Index in TraitPack.buffers of the buffer holding the trait's pixels and spans. */
  buffer: number;
  pixelsOffset: number;
  pixelsLength: number;
  /** Offset in bytes of the spans (Int32, 4-byte aligned) and their count in Int32s. */
  spansOffset: number;
  spansLength: number;
}

/**
 * Every prepared trait of a run in a few buffers (SharedArrayBuffers where available), so workers read the
 * decoded traits in place: decoded once, never copied per token or per worker. Several buffers rather than one so
 * that no buffer, and no offset into one, needs to grow past what typed arrays address (a view's length is at most
 * 2^32 - 1 elements): a high-resolution collection's traits fill tens of GiB.
 */
export interface TraitPack {
  canvasWidth: number;
  canvasHeight: number;
  buffers: ArrayBufferLike[];
  /** [layer][trait] */
  traits: PackedTraitDescriptor[][];
}

/**
 * Bytes per pack buffer by default: a trait larger than this gets a buffer of its own. Small enough that
 * gathering a buffer's traits before copying them in costs little beside the traits themselves.
 */
export const PACK_BUFFER_BYTES = 256 * 1024 * 1024;

export interface PackOptions {
  /** Most bytes per buffer (PACK_BUFFER_BYTES by default); a trait larger than this gets a buffer of its own. */
  maxBufferBytes?: number | undefined;
  /** Makes a buffer of `bytes` bytes (a SharedArrayBuffer by default); may throw where memory is short. */
  makeBuffer?: ((bytes: number) => ArrayBufferLike) | undefined;
}

/** `n` rounded up to a multiple of 4, in plain arithmetic: bitwise operators would wrap past 2^31. */
function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Bytes a trait takes in a pack buffer: its pixels, padded to 4, then its spans. */
export function packedBytesOf(t: Pick<PreparedTrait, "pixels" | "spans">): number {
  return align4(t.pixels.length) + t.spans.length * 4;
}

function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
}

/**
 * Builds a TraitPack trait by trait, so a caller decoding traits can hand each over as soon as it is prepared and
 * drop its own copy: traits are gathered until they fill a buffer (`maxBufferBytes`), then copied into one of
 * exactly their size. Memory then holds the pack, at most one buffer's worth of gathered traits and what the
 * caller is decoding, instead of every trait twice.
 *
 * @example
 * const builder = new TraitPackBuilder(width, height, { maxBufferBytes: 64 * 1024 });
 * builder.add(0, 0, prepareTrait(rgba, width, height));
 * const { pack, prepared } = builder.finish(); // prepared[0][0] is a view into pack.buffers[0]
 */
export class TraitPackBuilder {
  private readonly maxBufferBytes: number;
  private readonly makeBuffer: (bytes: number) => ArrayBufferLike;
  private readonly buffers: ArrayBufferLike[] = [];
  private readonly descriptors: PackedTraitDescriptor[][] = [];
  private readonly views: PreparedTrait[][] = [];
  private readonly adopted = new Map<ArrayBufferLike, number>();
  private pending: Array<{ layer: number; index: number; trait: PreparedTrait }> = [];
  private pendingBytes = 0;
  /** Bytes in buffers made so far. */
  private packed = 0;

  constructor(
    private readonly canvasWidth: number,
    private readonly canvasHeight: number,
    options: PackOptions = {},
  ) {
    this.maxBufferBytes = options.maxBufferBytes ?? PACK_BUFFER_BYTES;
    if (!(this.maxBufferBytes >= 4)) throw new RangeError(`TraitPackBuilder: maxBufferBytes: expected at least 4, received ${this.maxBufferBytes}`);
    this.makeBuffer = options.makeBuffer ?? ((n) => new SharedArrayBuffer(n));
  }

  /** Bytes of the buffers made so far and of the traits gathered for the next one. */
  get bytes(): number {
    return this.packed + this.pendingBytes;
  }

  /**
   * Adds the trait of `layer` with index `index`. A trait whose pixels and spans are already views of one
   * SharedArrayBuffer (a pack's, as loadTraits leaves them) is referenced where it is, not copied.
   */
  add(layer: number, index: number, trait: PreparedTrait): void {
    const buffer = trait.pixels.buffer;
    if (isShared(buffer) && trait.spans.buffer === buffer) {
      let at = this.adopted.get(buffer);
      if (at === undefined) {
        at = this.buffers.push(buffer) - 1;
        this.adopted.set(buffer, at);
      }
      this.place(layer, index, trait, at, trait.pixels.byteOffset, trait.spans.byteOffset);
      return;
    }
    const bytes = packedBytesOf(trait);
    if (this.pending.length > 0 && this.pendingBytes + bytes > this.maxBufferBytes) this.flush();
    this.pending.push({ layer, index, trait });
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.maxBufferBytes) this.flush();
  }

  /** The pack, and every trait as a view into it ([layer][trait], as added). */
  finish(): { pack: TraitPack; prepared: PreparedTrait[][] } {
    this.flush();
    const traits = Array.from(this.descriptors, (layer) => layer ?? []);
    const prepared = Array.from(this.views, (layer) => layer ?? []);
    return { pack: { canvasWidth: this.canvasWidth, canvasHeight: this.canvasHeight, buffers: this.buffers, traits }, prepared };
  }

  /** Copies the gathered traits into one new buffer of their size. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const buffer = this.makeBuffer(Math.max(this.pendingBytes, 4));
    const at = this.buffers.push(buffer) - 1;
    const bytes = new Uint8Array(buffer);
    let offset = 0;
    for (const { layer, index, trait } of this.pending) {
      const pixelsOffset = offset;
      bytes.set(trait.pixels, offset);
      offset = align4(offset + trait.pixels.length);
      const spansOffset = offset;
      new Int32Array(buffer, spansOffset, trait.spans.length).set(trait.spans);
      offset += trait.spans.length * 4;
      this.place(layer, index, trait, at, pixelsOffset, spansOffset);
    }
    this.packed += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private place(layer: number, index: number, t: PreparedTrait, buffer: number, pixelsOffset: number, spansOffset: number): void {
    const descriptor: PackedTraitDescriptor = {
      x: t.x,
      y: t.y,
      width: t.width,
      height: t.height,
      coversCanvas: t.coversCanvas,
      buffer,
      pixelsOffset,
      pixelsLength: t.pixels.length,
      spansOffset,
      spansLength: t.spans.length,
    };
    (this.descriptors[layer] ??= [])[index] = descriptor;
    (this.views[layer] ??= [])[index] = viewOf(descriptor, this.buffers[buffer] as ArrayBufferLike, this.canvasWidth, this.canvasHeight);
  }
}

/**
 * Every prepared trait ([layer][trait]) in a TraitPack: copied into buffers of at most `maxBufferBytes` (a trait
 * larger than that in one of its own), except traits already in a shared buffer, which are referenced in place.
 */
export function packTraits(prepared: readonly (readonly PreparedTrait[])[], canvasWidth: number, canvasHeight: number, options: PackOptions = {}): TraitPack {
  const builder = new TraitPackBuilder(canvasWidth, canvasHeight, options);
  prepared.forEach((layer, l) => layer.forEach((t, i) => builder.add(l, i, t)));
  const { pack } = builder.finish();
  // Layers without traits keep their place.
  for (let l = 0; l < prepared.length; l++) pack.traits[l] ??= [];
  return pack;
}

function viewOf(d: PackedTraitDescriptor, buffer: ArrayBufferLike, canvasWidth: number, canvasHeight: number): PreparedTrait {
  return {
    canvasWidth,
    canvasHeight,
    x: d.x,
    y: d.y,
    width: d.width,
    height: d.height,
    coversCanvas: d.coversCanvas,
    pixels: new Uint8Array(buffer, d.pixelsOffset, d.pixelsLength),
    spans: new Int32Array(buffer, d.spansOffset, d.spansLength),
  };
}

/** Views of a pack's traits as PreparedTrait objects, over the pack's buffers (no copy). */
export function unpackTraits(pack: TraitPack): PreparedTrait[][] {
  return pack.traits.map((layer) =>
    layer.map((d) => {
      const buffer = pack.buffers[d.buffer];
      if (!buffer) throw new RangeError(`unpackTraits: expected buffer ${d.buffer} of ${pack.buffers.length}, found none`);
      return viewOf(d, buffer, pack.canvasWidth, pack.canvasHeight);
    }),
  );
}

/**
 * Types for gifenc 1.0.3 (it ships none): the part Traitloom calls. Its README is the reference; node reads its
 * CommonJS build, whose named exports Node's ESM loader cannot see, so src/node/preview.ts loads it with require.
 */
declare module "gifenc" {
  export type GifPixelFormat = "rgb565" | "rgb444" | "rgba4444";
  /** [r, g, b] or, with an rgba format, [r, g, b, a]; bytes. */
  export type GifPalette = number[][];

  export interface QuantizeOptions {
    format?: GifPixelFormat;
    oneBitAlpha?: boolean | number;
    clearAlpha?: boolean;
    clearAlphaThreshold?: number;
    clearAlphaColor?: number;
  }

  export interface WriteFrameOptions {
    /** Required on the first frame (the global colour table); on later frames a local one. */
    palette?: GifPalette;
    /** With `GIFEncoder({ auto: false })`: this frame writes the logical screen, global table and loop block. */
    first?: boolean;
    transparent?: boolean;
    transparentIndex?: number;
    /** Milliseconds; stored in centiseconds. */
    delay?: number;
    /** 0 forever, -1 once (no NETSCAPE2.0 block), n: n more times. */
    repeat?: number;
    colorDepth?: number;
    dispose?: number;
  }

  export interface GifEncoder {
    writeHeader(): void;
    writeFrame(index: Uint8Array, width: number, height: number, options?: WriteFrameOptions): void;
    finish(): void;
    /** A copy of the bytes written so far. */
    bytes(): Uint8Array;
    /** A view of the bytes written so far, valid until the next write or reset. */
    bytesView(): Uint8Array;
    /** Starts the stream over at byte 0 (the internal buffer is kept). */
    reset(): void;
  }

  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): GifEncoder;
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: QuantizeOptions): GifPalette;
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: GifPalette, format?: GifPixelFormat): Uint8Array;
}

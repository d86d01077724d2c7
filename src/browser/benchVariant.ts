/**
 * What `npm run bench:browser` varies in the bench-only render worker (bench.worker.ts) and reports per case: pure
 * types, shared by the bench page (src/web/bench.ts) and the Node driver (bench/browser.ts).
 */

/** "engine" keeps every decoded trait for the run; "baseline" is the starting design's path (fresh canvas and decodes per token). */
export type RenderMode = "engine" | "baseline";
/** "span": core's span compositor (the studio's); "canvas": drawImage on one OffscreenCanvas. */
export type CompositorName = "span" | "canvas";
export interface EncoderChoice {
  /** "fast" (the studio's), "js" (fflate at `level`), "native" (CompressionStream), "canvas" (convertToBlob). */
  name: "fast" | "js" | "native" | "canvas";
  /** Deflate level of the "js" encoder, 1-9 (0: runs only). */
  level: number;
}

export interface BenchCase {
  count: number;
  width: number;
  height: number;
  workers: number;
  mode: RenderMode;
  encoder: EncoderChoice;
  compositor: CompositorName;
  seed: string;
}

export interface BenchResult {
  tokensPerSecond: number;
  elapsedMs: number;
  zipBytes: number;
  meanImageBytes: number;
  /** Per token, ms: draw, encode, hash (summed over workers, divided by tokens). */
  perToken: { draw: number; encode: number; hash: number; write: number };
}

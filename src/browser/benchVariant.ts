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

/**
 * A short run as the studio makes it: its own render worker, end to end from the Generate click to the archive
 * in hand. "cold": the workers start and decode after the click (the studio before warm workers); "warm": the
 * studio's warm-up on project load has finished before the click; "at-load": the click comes as the project
 * loads, while the warm-up still runs; "again": a second run after a first, on the workers it left.
 */
export type ShortRunStart = "cold" | "warm" | "at-load" | "again";

export interface ShortRunCase {
  /** A layers folder by path relative to it (base64); undefined: the demo layers. */
  fixture?: { root: string; files: Array<{ path: string; base64: string }> } | undefined;
  /** Layer folders to show, bottom first; undefined: the folder's own order. */
  order?: string[] | undefined;
  count: number;
  seed: string;
  workers: number;
  start: ShortRunStart;
}

export interface ShortRunResult {
  count: number;
  width: number;
  height: number;
  /** ms from the click: first token stored, archive in hand, and every stage of the run's timeline. */
  firstTokenMs: number;
  zipMs: number;
  timeline: Record<string, number>;
  /** The warm-up before the click (0 for "cold"): its whole time and the slowest render worker's decode. */
  warmMs: number;
  warmDecodeMs: number;
  zipBytes: number;
  /** Render workers' ms per token: draw (with decodes on first use), encode, hash; the collection worker's write. */
  perToken: { draw: number; encode: number; hash: number; write: number };
}

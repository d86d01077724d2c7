/**
 * The worker protocols of both backends: one method map per worker kind (the browser's render and collection
 * workers, the Node render worker), from which requests, responses and events are derived (vite's InvokeMethods
 * style). Pure types: no DOM, no Node, so the main tsconfig and the browser tsconfigs both check it. Handles the
 * browser owns (Blob, MessagePort) appear as the opaque types below and are cast by the browser code that sends
 * and receives them.
 */
import type { ResizeMode } from "../core/canvas.js";
import type { TraitloomConfig } from "../core/config.js";
import type { LayersListing } from "../core/layers.js";
import type { Deviation } from "../core/planner.js";
import type { TraitRarity } from "../core/rarity.js";
import type { CompressionPreset, ImageFormat } from "../core/settings.js";
import type { TraitPack } from "./pack.js";

/** A Blob (the trait's file) as seen by pure code. */
export interface BlobHandle {
  readonly size: number;
  readonly type: string;
}

/** A MessagePort as seen by pure code. */
export type PortHandle = object;

/**
 * How a render worker turns its canvas into PNG bytes: "fast" (the default) Up-filters rows and deflates runs
 * only (src/browser/fastDeflate.ts); "js" picks a filter per row and deflates with fflate at `level`;
 * "native" filters the same way and deflates with the browser's CompressionStream (zlib, default level);
 * "canvas" is OffscreenCanvas.convertToBlob.
 */
export type EncoderName = "fast" | "js" | "native" | "canvas";

export interface EncoderChoice {
  name: EncoderName;
  /** Deflate level of the "js" encoder, 1-9 (0: runs only); unused by the others. */
  level: number;
}

/**
 * How a render worker works: "engine" keeps one canvas and every decoded trait for the whole run; "baseline" is
 * the starting design's path (a fresh canvas and a decode of every layer for every token), kept for the benchmark.
 */
export type RenderMode = "engine" | "baseline";

/**
 * How a render worker composites: "span" decodes each trait once to straight-alpha RGBA and draws tokens with
 * src/render/composite.ts (the Node backend's compositor: no canvas readback per token); "canvas" draws
 * ImageBitmaps with drawImage on the worker's OffscreenCanvas.
 */
export type CompositorName = "span" | "canvas";

/** One trait image and its decoded size. */
export interface TraitSource {
  file: BlobHandle;
  width: number;
  height: number;
}

export interface RenderInit {
  width: number;
  height: number;
  resize: ResizeMode;
  /** sources[layer][trait], in the layer set's order: index = the trait's number in the DNA. */
  sources: TraitSource[][];
  encoder: EncoderChoice;
  compositor: CompositorName;
  mode: RenderMode;
  /** Where images go when a batch says deliver "writer": a port into the collection worker. */
  writerPort?: PortHandle;
}

export interface RenderBatch {
  /** Index (0-based, output order) of the batch's first token. */
  first: number;
  /** Trait index per token and layer: traits[k * layerCount + layer] for token first + k. */
  traits: Uint16Array;
  /** "writer": each image goes to the collection worker's port; "reply": images come back in the result. */
  deliver: "writer" | "reply";
}

export interface RenderedImage {
  index: number;
  bytes: ArrayBuffer;
  crc32: number;
  sha256: string;
}

export interface RenderTiming {
  draw: number;
  encode: number;
  hash: number;
}

export interface RenderDone {
  rendered: number;
  /** Only where the batch asked for deliver "reply". */
  images: RenderedImage[];
  /** Milliseconds spent per stage, summed over the batch (draw includes decode on first use). */
  timing: RenderTiming;
}

/** Methods of src/browser/render.worker.ts (a type alias, not an interface, so it fits AnyMethods' index signature). */
export type RenderMethods = {
  init: (params: RenderInit) => { ready: true };
  render: (params: RenderBatch) => RenderDone;
};

/** What the collection worker is told to plan: the same inputs as the CLI's generate. */
export interface CollectionInput {
  listing: LayersListing;
  config: TraitloomConfig;
  count: number;
  seed: string;
}

export interface PlannedToken {
  index: number;
  id: number;
  /** Trait index per layer. */
  traits: number[];
  dna: string;
  /** metadata/<id>.json exactly as the ZIP holds it. */
  metadataJson: string;
}

export interface PlanRequest extends CollectionInput {
  /** Which tokens (output order) to return in full, for the preview. */
  sample: { first: number; count: number };
}

export interface PlanResult {
  count: number;
  capacity: number;
  deviations: Deviation[];
  tokens: PlannedToken[];
}

export interface StartRequest extends CollectionInput {
  width: number;
  height: number;
  /** The archive's file name in the origin-private file system. */
  zipName: string;
  /** Modification time written in the ZIP headers, ms since 1970 (core takes no clock). */
  modified: number;
  /** One port per render worker; images arrive on them as ImageMessage. */
  ports: PortHandle[];
  /** traitFiles[layer][trait]: hashed for the manifest's inputHash, as the CLI hashes the files it reads. */
  traitFiles: BlobHandle[][];
}

export interface StartResult {
  count: number;
  layerCount: number;
  startId: number;
  /** plan.traits: traits[token * layerCount + layer]. */
  traits: Uint16Array;
  deviations: Deviation[];
  /** "opfs": the archive is a file in the origin-private file system; "memory": the browser offers none. */
  storage: "opfs" | "memory";
}

export interface FinishResult {
  zipName: string;
  storage: "opfs" | "memory";
  /** The archive where storage is "memory"; with "opfs" the page opens it by name. */
  blob?: BlobHandle;
  bytes: number;
  /** Per token (output order): where images/<id>.png's bytes lie in the archive, for the token browser. */
  imageOffsets: Float64Array;
  imageSizes: Uint32Array;
  traits: TraitRarity[];
  /** Per token (output order): rarity rank, 1 = rarest, and score. */
  ranks: Uint32Array;
  scores: Float64Array;
  provenance: string;
  /** Milliseconds the collection worker spent writing images and per-token metadata into the archive. */
  writeMs: number;
}

/** Methods of src/browser/collection.worker.ts: plans, then writes the archive as images arrive. */
export type CollectionMethods = {
  plan: (params: PlanRequest) => PlanResult;
  start: (params: StartRequest) => StartResult;
  finish: (params: Record<string, never>) => FinishResult;
};

/** A rendered image on its way from a render worker to the collection worker (bytes transferred, not copied). */
export interface ImageMessage extends RenderedImage {
  type: "image";
}

/** Events the collection worker sends unasked, a few times a second at most. */
export type CollectionEvent =
  | { type: "event"; event: "progress"; written: number; bytes: number }
  | { type: "event"; event: "error"; error: WorkerError };

export interface WorkerError {
  /** A TraitloomError code where the error is a user's, else "INTERNAL". */
  code: string;
  message: string;
}

/** Turns a thrown value into the error a response carries: a TraitloomError keeps its code and one-line message. */
export function toWorkerError(e: unknown): WorkerError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === "string" ? code : "INTERNAL", message: e.message };
  }
  return { code: "INTERNAL", message: String(e) };
}

/** What a Node render worker (src/node/renderWorker.ts) is started with, as its workerData. */
export interface NodeRenderInit {
  pack: TraitPack;
  imagesDir: string;
  metadataDir: string;
  /** Where workers write temp files before renaming them into place (same file system as the output). */
  tempRoot: string;
  extension: string;
  format: ImageFormat;
  compression: CompressionPreset;
  quality: number;
  /** Six hex digits: what JPEG output flattens transparency onto. */
  flattenColor: string;
  /** Reuse compressed PNG bands across tokens (src/node/pngBands.ts). Default true; false for measuring it. */
  bandCache?: boolean | undefined;
}

/** One token for a Node render worker: it writes images/<id>.<ext> and metadata/<id>.json. */
export interface NodeRenderTask {
  id: number;
  /** Trait index per layer. */
  traits: number[];
  /** The bytes of metadata/<id>.json, written beside the image. */
  metadata: string;
}

export interface NodeRenderedToken {
  id: number;
  sha256: string;
  bytes: number;
}

/** Methods of src/node/renderWorker.ts: renders a batch of tokens to files, in order. */
export type NodeRenderMethods = {
  render: (params: { tokens: NodeRenderTask[] }) => { results: NodeRenderedToken[] };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethods = Record<string, (params: any) => unknown>;

/** A call to method K of a worker. */
export type Request<M extends AnyMethods> = {
  [K in keyof M & string]: { type: "request"; id: number; method: K; params: Parameters<M[K]>[0] };
}[keyof M & string];

/** The answer to a call: a result, or an error keyed on `ok`. */
export type Response<M extends AnyMethods> = {
  [K in keyof M & string]:
    | { type: "response"; id: number; method: K; ok: true; result: ReturnType<M[K]> }
    | { type: "response"; id: number; method: K; ok: false; error: WorkerError };
}[keyof M & string];

export type ResultOf<M extends AnyMethods, K extends keyof M> = ReturnType<M[K]>;
export type ParamsOf<M extends AnyMethods, K extends keyof M> = Parameters<M[K]>[0];
export type { AnyMethods };

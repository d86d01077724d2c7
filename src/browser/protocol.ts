/**
 * The studio's worker protocols, in the one transport's terms (src/render/rpc.ts), with the real types of what
 * they carry (Blob, MessagePort, FileSystemDirectoryHandle):
 * - a render worker (render.worker.ts, or a bench-only worker speaking the same methods) renders batches for
 *   whoever calls it: the collection worker over a MessagePort during a run, the page for the preview;
 * - the collection worker (collection.worker.ts) hosts the pipeline: the page starts a run, cancels it, and hears
 *   progress; the plan and the images never pass through the page.
 */
import type { ResizeMode } from "../core/canvas.js";
import type { TraitloomConfig } from "../core/config.js";
import type { RenderStep } from "../core/draw.js";
import type { LayersListing } from "../core/layers.js";
import type { OneOfOneFile, OneOfOnesConfig } from "../core/oneOfOnes.js";
import type { Deviation } from "../core/planner.js";
import type { TraitRarity } from "../core/rarity.js";
import type { PlanEdits } from "../core/tokenEdits.js";

/** One trait image and its decoded size. */
export interface TraitSource {
  file: Blob;
  width: number;
  height: number;
  /** Offset on the canvas in pixels (HashLips v2 `__x`/`__y`), where the render plan's image has one. */
  x?: number | undefined;
  y?: number | undefined;
}

export interface RenderInit {
  width: number;
  height: number;
  resize: ResizeMode;
  /**
   * sources[layer][trait], in the layer set's order: index = the trait's number in the DNA; a layer set with a
   * render plan (parts, z, blend, variants: core/draw.ts renderImagesOf): its images, in one row.
   */
  sources: TraitSource[][];
  /** What a bench-only render worker varies (encoder, compositor…); the studio's render worker has none. */
  variant?: Record<string, string | number> | undefined;
  /**
   * Names these sources and canvas: an init with the key the worker already holds keeps its decoded traits (a
   * warm worker's next run starts rendering at once). Undefined: always start afresh.
   */
  key?: string | undefined;
  /** Decode every trait now, answering once all are ready, instead of each on first use (a run's warm-up). */
  eager?: boolean | undefined;
}

/** What an init did: how many traits it decoded and how long that took (0 where the worker kept its traits). */
export interface RenderReady {
  ready: true;
  decoded?: number | undefined;
  decodeMs?: number | undefined;
}

export interface RenderBatch {
  /**
   * Per token: its index (0-based, output order) and trait index per layer; where the layer set has a render plan,
   * its draw list, bottom first: each an image of sources[0] with its blend mode and opacity.
   */
  tokens: Array<{ index: number; traits: number[]; draw?: RenderStep[] | undefined }>;
}

export interface RenderedImage {
  index: number;
  bytes: ArrayBuffer;
  crc32: number;
  sha256: string;
}

/** Milliseconds spent per stage, summed over tokens (draw includes decoding a trait on first use). */
export interface RenderTiming {
  draw: number;
  encode: number;
  hash: number;
}

export interface RenderDone {
  images: RenderedImage[];
  timing: RenderTiming;
}

/** Methods of a render worker. */
export type RenderMethods = {
  init: (params: RenderInit) => RenderReady;
  /** Serves these same methods on `port` too (the collection worker's end of a channel). */
  attach: (params: { port: MessagePort }) => { attached: true };
  render: (params: RenderBatch) => RenderDone;
};

/** What the collection worker is told to plan: the same inputs as the CLI's generate. */
export interface CollectionInput {
  listing: LayersListing;
  config: TraitloomConfig;
  count: number;
  seed: string;
}

export interface PlannedTokenView {
  index: number;
  id: number;
  /** Trait index per layer. */
  traits: number[];
  /** The token's draw list where the layer set has a render plan (see RenderBatch). */
  draw?: RenderStep[] | undefined;
  dna: string;
  /** metadata/<id>.json exactly as the collection holds it. */
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
  tokens: PlannedTokenView[];
  /** Where the config re-rolls or bans tokens: the tokens changed and the counts moved (core's PlanEdits). */
  edits?: PlanEdits | undefined;
}

/** Where a run's collection goes: a ZIP in the origin-private file system, or a folder (the CLI's layout, resumable). */
export type CollectionTarget =
  | { kind: "zip"; zipName: string; modified: number }
  | { kind: "directory"; handle: FileSystemDirectoryHandle; overwrite?: boolean | undefined };

export interface GenerateParams extends CollectionInput {
  width: number;
  height: number;
  resize: ResizeMode;
  /** sources[layer][trait]: sent to every render worker, and hashed for the manifest's inputHash as the CLI hashes files. */
  sources: TraitSource[][];
  /** One port per render worker (their `attach`ed end); empty: the render workers of an earlier `connect`. */
  ports: MessagePort[];
  target: CollectionTarget;
  variant?: Record<string, string | number> | undefined;
  batchTokens?: number | undefined;
  /** The sources' key (RenderInit.key): render workers holding it keep their traits, and their file hashes are kept. */
  key?: string | undefined;
  /** Hand-made 1-of-1s (the config's `oneOfOnes`, as the CLI reads it): their files (images and .json) and placement. */
  oneOfOnes?: StudioOneOfOnes | undefined;
}

/** The studio's 1-of-1s: the files dropped in, as if they were the folder `config.dir`. */
export interface StudioOneOfOnes {
  config: OneOfOnesConfig;
  files: OneOfOneFile[];
}

export interface FinishResult {
  target: "zip" | "directory";
  /** The archive's name in the origin-private file system (zip target). */
  zipName: string;
  /** "opfs": the archive is a file in the origin-private file system; "memory": the browser offers none. */
  storage: "opfs" | "memory" | "directory";
  /** The archive where storage is "memory"; with "opfs" the page opens it by name. */
  blob?: Blob | undefined;
  bytes: number;
  count: number;
  startId: number;
  rendered: number;
  resumed: number;
  deviations: Deviation[];
  /** Per token (output order): where images/<id>.png's bytes lie in the archive, for the token browser. */
  imageOffsets: Float64Array;
  imageSizes: Uint32Array;
  traits: TraitRarity[];
  /** Per token (output order): rarity rank, 1 = rarest (0: a 1-of-1, left out of rarity), and score. */
  ranks: Uint32Array;
  scores: Float64Array;
  provenance: string;
  /** Milliseconds the collection worker spent storing images and per-token metadata. */
  writeMs: number;
  /** Render workers' time per stage, summed. */
  timing: RenderTiming;
}

/** Render workers handed to the collection worker ahead of a run and kept for every run after (a warm-up). */
export interface ConnectParams {
  /** One port per render worker (their `attach`ed end). */
  ports: MessagePort[];
  /** What they decode now (`eager`), under its `key`. */
  init: RenderInit;
}

/** Milestones of a run, as the collection worker reaches them. */
export type RunStage = "planned" | "connected" | "first-token" | "rendered" | "stored";

/** Methods of the collection worker. */
export type CollectionMethods = {
  plan: (params: PlanRequest) => PlanResult;
  /** Keeps these render workers for the runs to come and has them decode the traits; answers once they have. */
  connect: (params: ConnectParams) => { connected: number; decoded: number; decodeMs: number };
  generate: (params: GenerateParams) => FinishResult;
  /** Stops the run in progress: batches in flight finish, what is stored stays (a directory target resumes). */
  cancel: (params: Record<string, never>) => { cancelled: boolean };
};

/** Events of the collection worker, a few times a second at most. */
export type CollectionEvents = {
  progress: { done: number; total: number; resumed: number; bytes: number };
  /** A milestone of the run; `at` is the worker's clock as epoch milliseconds (performance.timeOrigin + now()). */
  stage: { stage: RunStage; at: number };
};

/**
 * The studio's page side of a run: it makes the workers (a collection worker that hosts the pipeline, and render
 * workers), connects each render worker to the collection worker with a MessageChannel, starts the run, and hears
 * progress a few times a second. The plan, the pixels and the PNG bytes never pass through the page.
 */
import type { RenderStep } from "../core/draw.js";
import type { ResizeMode } from "../core/canvas.js";
import type { TraitloomConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import type { LayersListing } from "../core/layers.js";
import { createClient, type RpcClient } from "../render/rpc.js";
import type { CollectionEvents, CollectionInput, CollectionMethods, CollectionTarget, FinishResult, PlanRequest, PlanResult, RenderedImage, RenderInit, RenderMethods, RunStage, StudioOneOfOnes, TraitSource } from "./protocol.js";

/** The UI hears progress at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
/** How long a cancelled run may take to stop on its own (batches in flight finish) before its workers are ended. */
const CANCEL_GRACE_MS = 1500;
/**
 * Decoded canvas bytes (width * height * 4 per trait) above which a warm-up leaves decoding to the run: each render
 * worker holds every trait it decodes, and an idle project should not hold gigabytes. Below it (any project up to
 * ~60 traits at 1024x1024, ~250 at 512x512) every trait is decoded on project load.
 */
export const WARM_DECODE_BUDGET_BYTES = 256 << 20;

/** What render workers are made for and decode ahead of a run: the canvas, the traits, how many workers. */
interface RenderSetup {
  width: number;
  height: number;
  resize: ResizeMode;
  /** sources[layer][trait] in the layer set's order (buildLayerSet of listing + config). */
  sources: TraitSource[][];
  workers: number;
  /** A bench-only render worker and what it varies; the studio's own render worker by default. */
  renderWorker?: (() => Worker) | undefined;
  variant?: Record<string, string | number> | undefined;
}

export interface GenerateRequest extends RenderSetup {
  listing: LayersListing;
  config: TraitloomConfig;
  count: number;
  seed: string;
  batchTokens?: number | undefined;
  /** Workers kept between runs (the studio's, warmed up on project load); without it each run starts its own. */
  warm?: WarmWorkers | undefined;
  /** Hand-made 1-of-1s placed among the tokens, as the CLI's `oneOfOnes` (the files instead of the folder). */
  oneOfOnes?: StudioOneOfOnes | undefined;
  /** Files the config names besides the layers (Solana's collection image), by the path it gives. */
  projectFiles?: ReadonlyMap<string, Uint8Array> | undefined;
}

export interface GenerateProgress {
  done: number;
  total: number;
  elapsedMs: number;
  tokensPerSecond: number;
  /** Seconds left at the current rate; undefined before the first tokens. */
  etaSeconds: number | undefined;
  bytes: number;
}

/**
 * Milestones of a run in milliseconds since the call (generateCollection / generateIntoFolder): "workers" the
 * render workers attached (at once for warm ones), then the collection worker's stages (RunStage): "planned",
 * "connected" (render workers hold the traits), "first-token" stored, "rendered" all, "stored" the archive or
 * folder complete; "archive" the page holds the archive's File.
 */
export type RunTimeline = Partial<Record<RunStage | "workers" | "archive", number>>;

/** A finished run into a folder: what was rendered and kept, the rarity report, the provenance. */
export interface FolderRun extends Omit<FinishResult, "blob"> {
  /** From the first token handed out to the collection stored (without start-up: see `timeline`). */
  elapsedMs: number;
  timeline: RunTimeline;
  /** Tokens rendered by this run per second (kept ones not counted). */
  tokensPerSecond: number;
}

/** A finished run into an archive. */
export interface GeneratedCollection extends FolderRun {
  /** The archive, read from disk (OPFS) or memory. */
  file: Blob;
}

type RunOptions = {
  signal?: AbortSignal;
  onProgress?: (p: GenerateProgress) => void;
  /** Hears each milestone as the page learns of it, in ms since the call. */
  onStage?: (stage: keyof RunTimeline, ms: number) => void;
  now?: () => number;
};

export function newRenderWorker(): Worker {
  return new Worker(new URL("./render.worker.ts", import.meta.url), { type: "module", name: "traitloom-render" });
}

export function newCollectionWorker(): Worker {
  return new Worker(new URL("./collection.worker.ts", import.meta.url), { type: "module", name: "traitloom-collection" });
}

/** The archive of a finished run: a disk-backed File from the origin-private file system, or the Blob itself. */
export async function openArchive(result: FinishResult): Promise<Blob> {
  if (result.storage === "memory") {
    if (!result.blob) throw new Error("collection: no archive");
    return result.blob;
  }
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle("runs");
  return (await dir.getFileHandle(result.zipName)).getFile();
}

/** Deletes one archive from the origin-private file system (a run cancelled or failed part-way). */
export async function removeArchive(name: string): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    await (await root.getDirectoryHandle("runs", { create: true })).removeEntry(name);
  } catch {
    // Not there, or no origin-private file system.
  }
}

/** Deletes earlier archives in the origin-private file system, keeping `keep`. */
export async function removeArchives(keep?: string): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle("runs", { create: true });
    const names: string[] = [];
    for await (const name of dir.keys()) names.push(name);
    for (const name of names) if (name !== keep) await dir.removeEntry(name).catch(() => undefined);
  } catch {
    // No origin-private file system: nothing was stored there.
  }
}

let archiveCount = 0;

function abortError(): TraitloomError {
  return new TraitloomError("ABORTED", "generation cancelled");
}

/**
 * Generates the collection into one ZIP with the CLI's layout. Resolves with the archive and the rarity report;
 * rejects with a TraitloomError "ABORTED" when `signal` aborts. With `req.warm`, the run takes that pool's workers
 * where they hold these traits (no start-up, no decode) and leaves its workers there for the next run.
 */
export async function generateCollection(req: GenerateRequest, options: RunOptions = {}): Promise<GeneratedCollection> {
  // Warm runs can follow each other within a millisecond: the counter keeps their names apart.
  const target: CollectionTarget = { kind: "zip", zipName: `collection-${Date.now().toString(36)}-${(archiveCount++).toString(36)}.zip`, modified: Date.now() };
  const { finished, elapsedMs, timeline, mark } = await runInWorkers(req, target, options);
  const { blob: _blob, ...rest } = finished;
  const file = await openArchive(finished);
  mark("archive");
  return { ...rest, file, elapsedMs, timeline, tokensPerSecond: (finished.rendered * 1000) / elapsedMs };
}

/**
 * Generates the collection into a folder (the CLI's layout, with its .traitloom/ journal): running it again on
 * the same folder resumes, keeping every token whose files check out, as `traitloom generate` does.
 */
export async function generateIntoFolder(req: GenerateRequest, folder: FileSystemDirectoryHandle, options: RunOptions & { overwrite?: boolean } = {}): Promise<FolderRun> {
  const { finished, elapsedMs, timeline } = await runInWorkers(req, { kind: "directory", handle: folder, overwrite: options.overwrite }, options);
  const { blob: _blob, ...rest } = finished;
  return { ...rest, elapsedMs, timeline, tokensPerSecond: (finished.rendered * 1000) / elapsedMs };
}

/** Render workers made and their traits decoded ahead of a run, and the collection planned ahead too. */
export interface WarmSetup extends RenderSetup {
  /** The collection as now set (listing, config, count, seed): planned ahead too, so a run of it plans nothing. */
  plan?: CollectionInput | undefined;
}

/** Distinct numbers for distinct Blobs: sources are the same when they hold the same Blob objects. */
const blobIds = new WeakMap<Blob, number>();
let nextBlobId = 1;
function blobId(b: Blob): number {
  let id = blobIds.get(b);
  if (id === undefined) blobIds.set(b, (id = nextBlobId++));
  return id;
}

/** The key render workers hold their decoded traits under (RenderInit.key). */
export function sourcesKey(s: Pick<WarmSetup, "width" | "height" | "resize" | "sources" | "variant">): string {
  return `${s.width}x${s.height}:${s.resize}:${JSON.stringify(s.variant ?? {})}:${s.sources.map((row) => row.map((t) => blobId(t.file)).join(",")).join(";")}`;
}

/** One set of workers: a collection worker and the render workers connected to it. */
interface WorkerSet {
  collectionWorker: Worker;
  collection: RpcClient<CollectionMethods, CollectionEvents>;
  renderWorkers: Worker[];
  factory: () => Worker;
  /** RenderInit.key of the traits the render workers hold (or are decoding), "" for none yet. */
  key: string;
  /** Settles once the collection worker has been sent its render workers (`connect`): a run may be sent after. */
  connectSent: Promise<void>;
  /** The run using the set hears its events and failures through these. */
  listen: { progress?: ((p: CollectionEvents["progress"]) => void) | undefined; stage?: ((s: CollectionEvents["stage"]) => void) | undefined; fail: (e: Error) => void };
}

function workerSet(count: number, factory: () => Worker): WorkerSet {
  const collectionWorker = newCollectionWorker();
  const renderWorkers = Array.from({ length: Math.max(1, Math.floor(count)) }, () => factory());
  const collection = createClient<CollectionMethods, CollectionEvents>(collectionWorker);
  const set: WorkerSet = { collectionWorker, collection, renderWorkers, factory, key: "", connectSent: Promise.resolve(), listen: { fail: () => undefined } };
  collection.on("progress", (p) => set.listen.progress?.(p));
  collection.on("stage", (s) => set.listen.stage?.(s));
  collectionWorker.addEventListener("error", (e) => set.listen.fail(new Error(`collection worker: ${e.message}`)));
  for (const w of renderWorkers) w.addEventListener("error", (e) => set.listen.fail(new Error(`render worker: ${e.message}`)));
  return set;
}

/** Attaches each render worker to the collection worker over a channel; the ports are the collection worker's ends. */
async function attachAll(set: WorkerSet): Promise<MessagePort[]> {
  const ports: MessagePort[] = [];
  await Promise.all(
    set.renderWorkers.map((worker) => {
      const channel = new MessageChannel();
      ports.push(channel.port2);
      return createClient<RenderMethods>(worker).call("attach", { port: channel.port1 }, [channel.port1]);
    }),
  );
  return ports;
}

function endSet(set: WorkerSet): void {
  for (const w of set.renderWorkers) w.terminate();
  set.collectionWorker.terminate();
  set.collection.rejectAll(new Error("collection worker ended"));
}

/**
 * Workers kept ready between runs, so a run does not pay for starting workers and decoding traits after the
 * Generate click: `warm` (on project load, and whenever the traits, canvas or worker count change) starts a
 * collection worker and the render workers and has them decode every trait; a run given this pool
 * (`GenerateRequest.warm`) takes those workers when they hold its traits, and hands its workers back after, so the
 * next run starts warm too. A cancelled or failed run's workers are ended and the pool warms up again.
 *
 * @example
 * const pool = new WarmWorkers();
 * void pool.warm({ width, height, resize, sources, workers: navigator.hardwareConcurrency || 2 });
 * // later, on Generate:
 * await generateCollection({ ...request, warm: pool });
 */
export class WarmWorkers {
  private idle: WorkerSet | undefined;
  private warming: Promise<WarmResult> | undefined;
  /** What to warm up for after the run in progress hands its workers back (or fails). */
  private wanted: WarmSetup | undefined;
  private busy = false;
  private disposed = false;
  /** The latest collection to plan ahead, and whether a plan is under way (only the latest waits its turn). */
  private nextPlan: CollectionInput | undefined;
  private planning: Promise<void> | undefined;

  /**
   * Makes the workers for `setup` and has them decode its traits (within WARM_DECODE_BUDGET_BYTES); resolves
   * once they have. Workers already holding these traits are kept (resolves at once); others are ended. During a
   * run, the warm-up waits for the run to end (resolving at once, `deferred`). After `dispose`, warms up again.
   */
  warm(setup: WarmSetup): Promise<WarmResult> {
    this.disposed = false;
    this.wanted = setup;
    if (this.busy) return Promise.resolve({ decoded: 0, decodeMs: 0, ms: 0, deferred: true });
    const key = sourcesKey(setup);
    const factory = setup.renderWorker ?? newRenderWorker;
    const count = Math.max(1, Math.floor(setup.workers));
    const idle = this.idle;
    if (idle && idle.key === key && idle.renderWorkers.length === count && idle.factory === factory) {
      if (setup.plan) this.planAhead(setup.plan);
      return this.warming ?? Promise.resolve({ decoded: 0, decodeMs: 0, ms: 0 });
    }
    if (idle) endSet(idle);
    const set = workerSet(count, factory);
    set.key = key;
    this.idle = set;
    const t0 = performance.now();
    let sent: () => void = () => undefined;
    set.connectSent = new Promise<void>((resolve) => (sent = resolve));
    const warming = (async (): Promise<WarmResult> => {
      try {
        const ports = await attachAll(set);
        const traits = setup.sources.reduce((n, row) => n + row.length, 0);
        const eager = traits * setup.width * setup.height * 4 <= WARM_DECODE_BUDGET_BYTES;
        const init: RenderInit = { width: setup.width, height: setup.height, resize: setup.resize, sources: setup.sources, variant: setup.variant, key, eager };
        const connected = set.collection.call("connect", { ports, init }, ports);
        sent();
        const r = await connected;
        return { decoded: r.decoded, decodeMs: r.decodeMs, ms: performance.now() - t0 };
      } finally {
        sent();
      }
    })();
    this.warming = warming;
    if (setup.plan) this.planAhead(setup.plan);
    warming.then(
      () => this.warming === warming && (this.warming = undefined),
      () => {
        // A trait that does not decode: the run reports it; a later warm starts afresh.
        if (this.warming === warming) this.warming = undefined;
        if (this.idle === set) {
          endSet(set);
          this.idle = undefined;
        }
      },
    );
    return warming;
  }

  private planAhead(input: CollectionInput): void {
    this.nextPlan = { listing: input.listing, config: input.config, count: input.count, seed: input.seed };
    if (this.planning) return;
    this.planning = (async () => {
      try {
        for (let next = this.nextPlan; next; next = this.nextPlan) {
          this.nextPlan = undefined;
          // The collection worker keeps its last plan: a run of the same inputs takes it.
          const client = this.idle?.collection;
          if (!client || this.busy) break;
          await client.call("plan", { ...next, sample: { first: 0, count: 0 } }).catch(() => undefined);
        }
      } finally {
        this.planning = undefined;
      }
    })();
  }

  /** Resolves once the warm-up and the plan ahead are done (or failed). */
  async settled(): Promise<void> {
    await this.warming?.catch(() => undefined);
    await this.planning;
  }

  /** The idle workers if they suit `req` (its traits and worker count), now the run's. */
  take(req: GenerateRequest): WorkerSet | undefined {
    const set = this.idle;
    const factory = req.renderWorker ?? newRenderWorker;
    if (this.busy || !set || set.factory !== factory || set.renderWorkers.length !== Math.max(1, Math.floor(req.workers)) || set.key !== sourcesKey(req)) return undefined;
    this.idle = undefined;
    this.busy = true;
    return set;
  }

  /**
   * A run started without this pool's workers (they did not suit it): it is busy until `done`, and the idle
   * workers are ended now rather than decoding beside the run; the run's workers take their place after.
   */
  begin(): void {
    this.busy = true;
    if (this.idle) endSet(this.idle);
    this.idle = undefined;
    this.warming = undefined;
  }

  /** The run ended: its workers (`set`, when it ended well) are kept for the next one. */
  done(set: WorkerSet | undefined): void {
    this.busy = false;
    if (this.disposed) {
      if (set) endSet(set);
      return;
    }
    if (set) {
      if (this.idle) endSet(this.idle);
      this.idle = set;
      this.warming = undefined;
    }
    const wanted = this.wanted;
    if (wanted) void this.warm(wanted).catch(() => undefined);
  }

  /** Ends the idle workers, and those of the run in progress when it ends (the project was closed). */
  dispose(): void {
    this.disposed = true;
    this.wanted = undefined;
    this.nextPlan = undefined;
    if (this.idle) endSet(this.idle);
    this.idle = undefined;
    this.warming = undefined;
  }
}

/** What a warm-up did: traits decoded per render worker, the slowest worker's decode, the whole warm-up in ms. */
export interface WarmResult {
  decoded: number;
  decodeMs: number;
  ms: number;
  /** A run is in progress: the warm-up happens after it. */
  deferred?: boolean;
}

interface RunOutcome {
  finished: FinishResult;
  elapsedMs: number;
  timeline: RunTimeline;
  mark: (stage: keyof RunTimeline) => void;
}

async function runInWorkers(req: GenerateRequest, target: CollectionTarget, options: RunOptions): Promise<RunOutcome> {
  const { signal, onProgress } = options;
  const now = options.now ?? (() => performance.now());
  const start = performance.now();
  const timeline: RunTimeline = {};
  const mark = (stage: keyof RunTimeline, at = performance.now()): void => {
    const ms = at - start;
    timeline[stage] = ms;
    options.onStage?.(stage, ms);
  };
  if (signal?.aborted) throw abortError();
  const pool = req.warm;
  const key = sourcesKey(req);
  let set = pool?.take(req);
  const warm = set !== undefined;
  if (!set) {
    pool?.begin();
    set = workerSet(req.workers, req.renderWorker ?? newRenderWorker);
  }
  const run = set;
  let fail: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  run.listen.fail = fail;
  let ended = false;
  const stopAll = (): void => {
    ended = true;
    endSet(run);
  };
  const collection = run.collection;
  const onAbort = (): void => {
    // A graceful stop first (a folder target keeps its journal for a resume), then the workers are ended.
    void collection.call("cancel", {}).catch(() => undefined);
    setTimeout(() => {
      stopAll();
      fail(abortError());
    }, CANCEL_GRACE_MS);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let ok = false;
  let failedRun = false;
  try {
    // Earlier archives stay: the studio keeps finished runs (src/web/runs.ts) and deletes partial ones at start-up.
    if (warm) await run.connectSent;
    const ports = warm ? [] : await Promise.race([attachAll(run), failed]);
    run.key = key;
    mark("workers");
    const t0 = now();
    let lastReport = -Infinity;
    run.listen.stage = (s) => mark(s.stage, s.at - performance.timeOrigin);
    run.listen.progress = (p) => {
      const t = now();
      if (!onProgress || (p.done < p.total && t - lastReport < PROGRESS_INTERVAL_MS)) return;
      lastReport = t;
      const elapsedMs = t - t0;
      const made = p.done - p.resumed;
      const rate = elapsedMs > 0 ? (made * 1000) / elapsedMs : 0;
      onProgress({ done: p.done, total: p.total, elapsedMs, tokensPerSecond: rate, etaSeconds: rate > 0 ? (p.total - p.done) / rate : undefined, bytes: p.bytes });
    };
    const finished = await Promise.race([
      collection.call(
        "generate",
        {
          listing: req.listing,
          config: req.config,
          count: req.count,
          seed: req.seed,
          width: req.width,
          height: req.height,
          resize: req.resize,
          sources: req.sources,
          ports,
          target,
          variant: req.variant,
          batchTokens: req.batchTokens,
          key,
          oneOfOnes: req.oneOfOnes,
          projectFiles: req.projectFiles,
        },
        ports,
      ),
      failed,
    ]);
    ok = !signal?.aborted;
    return { finished, elapsedMs: now() - t0, timeline, mark };
  } catch (e) {
    failedRun = true;
    if (signal?.aborted) throw abortError();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    run.listen = { fail: () => undefined };
    const keep = ok && !ended && pool !== undefined;
    if (!keep && !ended) stopAll();
    pool?.done(keep ? run : undefined);
    // Only this run's partial archive: the others are finished runs the studio keeps.
    if ((failedRun || signal?.aborted) && target.kind === "zip") void removeArchive(target.zipName);
  }
}

/**
 * Preview and planning without writing anything: one collection worker for plans, one render worker that
 * answers with PNG bytes. Kept alive between calls, re-initialised when the layers change.
 */
export class PreviewRenderer {
  private collectionWorker: Worker | undefined;
  private collection: RpcClient<CollectionMethods, CollectionEvents> | undefined;
  private renderWorker: Worker | undefined;
  private render: RpcClient<RenderMethods> | undefined;
  private initKey = "";

  /** Plans with core in the collection worker; a plan still running is stopped by the next call or by `signal`. */
  async plan(input: PlanRequest, signal?: AbortSignal): Promise<PlanResult> {
    if (!this.collection) {
      this.collectionWorker = newCollectionWorker();
      this.collection = createClient<CollectionMethods, CollectionEvents>(this.collectionWorker);
    }
    const client = this.collection;
    const worker = this.collectionWorker;
    const onAbort = (): void => {
      // A long plan cannot be interrupted inside the worker: replace the worker.
      worker?.terminate();
      client.rejectAll(abortError());
      if (this.collection === client) {
        this.collection = undefined;
        this.collectionWorker = undefined;
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await client.call("plan", input);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Renders tokens (trait indices per layer) to PNG bytes with the studio's render worker. */
  async renderTokens(
    key: string,
    setup: { width: number; height: number; resize: ResizeMode; sources: TraitSource[][] },
    tokens: Array<{ index: number; traits: number[]; draw?: RenderStep[] | undefined }>,
  ): Promise<RenderedImage[]> {
    if (!this.render) {
      this.renderWorker = newRenderWorker();
      this.render = createClient<RenderMethods>(this.renderWorker);
      this.initKey = "";
    }
    if (this.initKey !== key) {
      await this.render.call("init", setup);
      this.initKey = key;
    }
    const L = setup.sources.length;
    const done = await this.render.call("render", { tokens: tokens.map((t) => ({ index: t.index, traits: t.traits.slice(0, L), draw: t.draw })) });
    return done.images;
  }

  dispose(): void {
    this.collectionWorker?.terminate();
    this.renderWorker?.terminate();
    this.collection = undefined;
    this.render = undefined;
    this.collectionWorker = undefined;
    this.renderWorker = undefined;
  }
}

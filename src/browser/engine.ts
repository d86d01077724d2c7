/**
 * The browser render backend, main-thread side: a pool of render workers (one OffscreenCanvas each) fed
 * micro-batches of tokens, and a collection worker that plans and writes the archive. The page only
 * dispatches batches and hears progress a few times a second; pixels and PNG bytes never pass through it.
 */
import type { ResizeMode } from "../core/canvas.js";
import type { TraitloomConfig } from "../core/config.js";
import { TraitloomError } from "../core/errors.js";
import type { LayersListing } from "../core/layers.js";
import type {
  CollectionMethods,
  CompositorName,
  EncoderChoice,
  FinishResult,
  PlanResult,
  RenderedImage,
  RenderMethods,
  RenderMode,
  RenderTiming,
  TraitSource,
} from "../render/protocol.js";
import { createClient, WorkerCallError, type RpcClient } from "./rpc.js";

/** Tokens handed to a worker at once: large enough to amortise messages, small enough for cancel and balance. */
export const BATCH_TOKENS = 8;
/** Batches queued per worker, so a worker never waits for the page between batches. */
const BATCHES_PER_WORKER = 2;
/** Rendered-but-not-yet-written tokens allowed, so a slow archive never lets images pile up. */
const MAX_AHEAD_TOKENS = 96;
/** The UI hears progress at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
/** The fastest encoder measured (docs/benchmarks.md, "Browser studio"), at a size below convertToBlob's. */
export const DEFAULT_ENCODER: EncoderChoice = { name: "fast", level: 0 };
/** Core's span compositor: no per-token canvas readback (docs/benchmarks.md, "Browser studio"). */
export const DEFAULT_COMPOSITOR: CompositorName = "span";

export interface GenerateRequest {
  listing: LayersListing;
  config: TraitloomConfig;
  count: number;
  seed: string;
  width: number;
  height: number;
  resize: ResizeMode;
  /** sources[layer][trait] in the layer set's order (buildLayerSet of listing + config). */
  sources: TraitSource[][];
  workers: number;
  encoder?: EncoderChoice;
  compositor?: CompositorName;
  mode?: RenderMode;
  batchTokens?: number;
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

export interface GeneratedCollection extends Omit<FinishResult, "blob"> {
  /** The archive, read from disk (OPFS) or memory. */
  file: Blob;
  count: number;
  startId: number;
  elapsedMs: number;
  tokensPerSecond: number;
  /** Render workers' time per stage, summed over workers and tokens. */
  timing: RenderTiming;
}

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
    return result.blob as Blob;
  }
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle("runs");
  return (await dir.getFileHandle(result.zipName)).getFile();
}

/** Deletes earlier archives in the origin-private file system, keeping `keep`. */
export async function removeArchives(keep?: string): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle("runs", { create: true });
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    for (const name of names) if (name !== keep) await dir.removeEntry(name).catch(() => undefined);
  } catch {
    // No origin-private file system: nothing was stored there.
  }
}

function abortError(): TraitloomError {
  return new TraitloomError("ABORTED", "generation cancelled");
}

/**
 * Generates the collection into one ZIP with the CLI's layout. Resolves with the archive and the rarity report;
 * rejects with a TraitloomError "ABORTED" when `signal` aborts (every worker is stopped at once).
 */
export async function generateCollection(
  req: GenerateRequest,
  options: { signal?: AbortSignal; onProgress?: (p: GenerateProgress) => void; now?: () => number } = {},
): Promise<GeneratedCollection> {
  const { signal, onProgress } = options;
  const now = options.now ?? (() => performance.now());
  if (signal?.aborted) throw abortError();
  const workerCount = Math.max(1, Math.floor(req.workers));
  const batchTokens = Math.max(1, Math.floor(req.batchTokens ?? BATCH_TOKENS));
  const collectionWorker = newCollectionWorker();
  const renderWorkers: Worker[] = [];
  const zipName = `collection-${Date.now().toString(36)}.zip`;
  let stopped = false;
  let fail: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const stopAll = (): void => {
    if (stopped) return;
    stopped = true;
    for (const w of renderWorkers) w.terminate();
    collectionWorker.terminate();
  };
  const onAbort = (): void => {
    stopAll();
    fail(abortError());
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const collection = createClient<CollectionMethods>(collectionWorker);
  collectionWorker.addEventListener("error", (e) => fail(new Error(`collection worker: ${e.message}`)));
  try {
    await removeArchives();
    const channels = Array.from({ length: workerCount }, () => new MessageChannel());
    const t0 = now();
    const started = await Promise.race([
      collection.call(
        "start",
        {
          listing: req.listing,
          config: req.config,
          count: req.count,
          seed: req.seed,
          width: req.width,
          height: req.height,
          zipName,
          modified: Date.now(),
          ports: channels.map((c) => c.port2),
          traitFiles: req.sources.map((row) => row.map((t) => t.file)),
        },
        channels.map((c) => c.port2),
      ),
      failed,
    ]);
    const total = started.count;
    const L = started.layerCount;
    const clients: Array<RpcClient<RenderMethods>> = [];
    for (let w = 0; w < workerCount; w++) {
      const worker = newRenderWorker();
      worker.addEventListener("error", (e) => fail(new Error(`render worker: ${e.message}`)));
      renderWorkers.push(worker);
      const client = createClient<RenderMethods>(worker);
      clients.push(client);
      const port = channels[w]?.port1;
      await Promise.race([
        client.call(
          "init",
          {
            width: req.width,
            height: req.height,
            resize: req.resize,
            sources: req.sources,
            encoder: req.encoder ?? DEFAULT_ENCODER,
            compositor: req.compositor ?? DEFAULT_COMPOSITOR,
            mode: req.mode ?? "engine",
            ...(port ? { writerPort: port } : {}),
          },
          port ? [port] : [],
        ),
        failed,
      ]);
    }

    let next = 0;
    let written = 0;
    let bytes = 0;
    let lastReport = -Infinity;
    const inFlight = new Array<number>(workerCount).fill(0);
    const timing: RenderTiming = { draw: 0, encode: 0, hash: 0 };
    let allWritten: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allWritten = resolve));
    const report = (force: boolean): void => {
      const t = now();
      if (!onProgress || (!force && t - lastReport < PROGRESS_INTERVAL_MS)) return;
      lastReport = t;
      const elapsedMs = t - t0;
      const rate = elapsedMs > 0 ? (written * 1000) / elapsedMs : 0;
      onProgress({ done: written, total, elapsedMs, tokensPerSecond: rate, etaSeconds: rate > 0 ? (total - written) / rate : undefined, bytes });
    };
    const pump = (): void => {
      for (let w = 0; w < workerCount && !stopped; w++) {
        while ((inFlight[w] ?? 0) < BATCHES_PER_WORKER && next < total && next - written < MAX_AHEAD_TOKENS) {
          const first = next;
          const end = Math.min(total, first + batchTokens);
          next = end;
          inFlight[w] = (inFlight[w] ?? 0) + 1;
          const traits = started.traits.slice(first * L, end * L);
          clients[w]
            ?.call("render", { first, traits, deliver: "writer" }, [traits.buffer])
            .then((result) => {
              timing.draw += result.timing.draw;
              timing.encode += result.timing.encode;
              timing.hash += result.timing.hash;
              inFlight[w] = (inFlight[w] ?? 0) - 1;
              pump();
            })
            .catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
        }
      }
    };
    collection.onEvent((data) => {
      const event = data as { type?: string; event?: string; written?: number; bytes?: number; error?: { code: string; message: string } };
      if (event.type !== "event") return;
      if (event.event === "error" && event.error) fail(new WorkerCallError(event.error));
      if (event.event === "progress") {
        written = event.written ?? written;
        bytes = event.bytes ?? bytes;
        report(written === total);
        if (written === total) allWritten();
        else pump();
      }
    });
    report(true);
    pump();
    await Promise.race([done, failed]);
    const finished = await Promise.race([collection.call("finish", {}), failed]);
    const elapsedMs = now() - t0;
    const file = await openArchive(finished);
    const { blob: _blob, ...rest } = finished;
    return { ...rest, file, count: total, startId: started.startId, elapsedMs, tokensPerSecond: (total * 1000) / elapsedMs, timing };
  } catch (e) {
    if (signal?.aborted) throw abortError();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stopAll();
    if (signal?.aborted) void removeArchives();
  }
}

/**
 * Preview and planning without writing anything: one collection worker for plans, one render worker that
 * answers with PNG bytes. Kept alive between calls, re-initialised when the layers change.
 */
export class PreviewRenderer {
  private collectionWorker: Worker | undefined;
  private collection: RpcClient<CollectionMethods> | undefined;
  private renderWorker: Worker | undefined;
  private render: RpcClient<RenderMethods> | undefined;
  private initKey = "";

  /** Plans with core in the collection worker; a plan still running is stopped by the next call or by `signal`. */
  async plan(
    input: { listing: LayersListing; config: TraitloomConfig; count: number; seed: string; sample: { first: number; count: number } },
    signal?: AbortSignal,
  ): Promise<PlanResult> {
    if (!this.collection) {
      this.collectionWorker = newCollectionWorker();
      this.collection = createClient<CollectionMethods>(this.collectionWorker);
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

  /** Renders tokens (trait indices per layer) to PNG bytes with the studio engine's code path. */
  async renderTokens(
    key: string,
    setup: { width: number; height: number; resize: ResizeMode; sources: TraitSource[][] },
    tokens: Array<{ index: number; traits: number[] }>,
  ): Promise<RenderedImage[]> {
    if (!this.render) {
      this.renderWorker = newRenderWorker();
      this.render = createClient<RenderMethods>(this.renderWorker);
      this.initKey = "";
    }
    if (this.initKey !== key) {
      await this.render.call("init", { ...setup, encoder: DEFAULT_ENCODER, compositor: DEFAULT_COMPOSITOR, mode: "engine" });
      this.initKey = key;
    }
    const L = setup.sources.length;
    const out: RenderedImage[] = [];
    for (const t of tokens) {
      const traits = Uint16Array.from(t.traits.slice(0, L));
      const done = await this.render.call("render", { first: t.index, traits, deliver: "reply" }, [traits.buffer]);
      out.push(...done.images);
    }
    return out;
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

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
import type { CollectionEvents, CollectionMethods, CollectionTarget, FinishResult, PlanRequest, PlanResult, RenderedImage, RenderMethods, TraitSource } from "./protocol.js";

/** The UI hears progress at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
/** How long a cancelled run may take to stop on its own (batches in flight finish) before its workers are ended. */
const CANCEL_GRACE_MS = 1500;

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
  /** A bench-only render worker and what it varies; the studio's own render worker by default. */
  renderWorker?: (() => Worker) | undefined;
  variant?: Record<string, string | number> | undefined;
  batchTokens?: number | undefined;
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

/** A finished run into a folder: what was rendered and kept, the rarity report, the provenance. */
export interface FolderRun extends Omit<FinishResult, "blob"> {
  elapsedMs: number;
  /** Tokens rendered by this run per second (kept ones not counted). */
  tokensPerSecond: number;
}

/** A finished run into an archive. */
export interface GeneratedCollection extends FolderRun {
  /** The archive, read from disk (OPFS) or memory. */
  file: Blob;
}

type RunOptions = { signal?: AbortSignal; onProgress?: (p: GenerateProgress) => void; now?: () => number };

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

function abortError(): TraitloomError {
  return new TraitloomError("ABORTED", "generation cancelled");
}

/**
 * Generates the collection into one ZIP with the CLI's layout. Resolves with the archive and the rarity report;
 * rejects with a TraitloomError "ABORTED" when `signal` aborts.
 */
export async function generateCollection(req: GenerateRequest, options: RunOptions = {}): Promise<GeneratedCollection> {
  const target: CollectionTarget = { kind: "zip", zipName: `collection-${Date.now().toString(36)}.zip`, modified: Date.now() };
  const { finished, elapsedMs } = await runInWorkers(req, target, options);
  const { blob: _blob, ...rest } = finished;
  return { ...rest, file: await openArchive(finished), elapsedMs, tokensPerSecond: (finished.rendered * 1000) / elapsedMs };
}

/**
 * Generates the collection into a folder (the CLI's layout, with its .traitloom/ journal): running it again on
 * the same folder resumes, keeping every token whose files check out, as `traitloom generate` does.
 */
export async function generateIntoFolder(req: GenerateRequest, folder: FileSystemDirectoryHandle, options: RunOptions & { overwrite?: boolean } = {}): Promise<FolderRun> {
  const { finished, elapsedMs } = await runInWorkers(req, { kind: "directory", handle: folder, overwrite: options.overwrite }, options);
  const { blob: _blob, ...rest } = finished;
  return { ...rest, elapsedMs, tokensPerSecond: (finished.rendered * 1000) / elapsedMs };
}

async function runInWorkers(req: GenerateRequest, target: CollectionTarget, options: RunOptions): Promise<{ finished: FinishResult; elapsedMs: number }> {
  const { signal, onProgress } = options;
  const now = options.now ?? (() => performance.now());
  if (signal?.aborted) throw abortError();
  const workerCount = Math.max(1, Math.floor(req.workers));
  const collectionWorker = newCollectionWorker();
  const renderWorkers = Array.from({ length: workerCount }, () => (req.renderWorker ?? newRenderWorker)());
  let fail: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const stopAll = (): void => {
    for (const w of renderWorkers) w.terminate();
    collectionWorker.terminate();
  };
  const collection = createClient<CollectionMethods, CollectionEvents>(collectionWorker);
  collectionWorker.addEventListener("error", (e) => fail(new Error(`collection worker: ${e.message}`)));
  const onAbort = (): void => {
    // A graceful stop first (a folder target keeps its journal for a resume), then the workers are ended.
    void collection.call("cancel", {}).catch(() => undefined);
    setTimeout(() => {
      stopAll();
      fail(abortError());
    }, CANCEL_GRACE_MS);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let failedRun = false;
  try {
    // Earlier archives stay: the studio keeps finished runs (src/web/runs.ts) and deletes partial ones at start-up.
    const ports: MessagePort[] = [];
    await Promise.race([
      Promise.all(
        renderWorkers.map((worker) => {
          worker.addEventListener("error", (e) => fail(new Error(`render worker: ${e.message}`)));
          const channel = new MessageChannel();
          ports.push(channel.port2);
          return createClient<RenderMethods>(worker).call("attach", { port: channel.port1 }, [channel.port1]);
        }),
      ),
      failed,
    ]);
    const t0 = now();
    let lastReport = -Infinity;
    collection.on("progress", (p) => {
      const t = now();
      if (!onProgress || (p.done < p.total && t - lastReport < PROGRESS_INTERVAL_MS)) return;
      lastReport = t;
      const elapsedMs = t - t0;
      const made = p.done - p.resumed;
      const rate = elapsedMs > 0 ? (made * 1000) / elapsedMs : 0;
      onProgress({ done: p.done, total: p.total, elapsedMs, tokensPerSecond: rate, etaSeconds: rate > 0 ? (p.total - p.done) / rate : undefined, bytes: p.bytes });
    });
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
        },
        ports,
      ),
      failed,
    ]);
    return { finished, elapsedMs: now() - t0 };
  } catch (e) {
    failedRun = true;
    if (signal?.aborted) throw abortError();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stopAll();
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

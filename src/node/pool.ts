import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PlannedToken, RenderBackend, RenderedToken } from "../render/pipeline.js";
import { createClient, type RpcClient } from "../render/rpc.js";
import { nodeEndpoint, type NodeRenderInit, type NodeRenderMethods } from "./protocol.js";

/** Tokens per message to a worker at most: enough to keep message overhead negligible at small sizes. */
const BATCH_TOKENS = 8;
/** Canvas pixels per batch at most: 8 tokens up to 1448x1448, 2 at 2048x2048, 1 from 2900x2900 up. */
const BATCH_PIXELS = 16 * 1024 * 1024;
/** Batches queued per worker, so a worker never waits for the main thread between batches. */
const BATCHES_PER_WORKER = 2;
/**
 * From this many canvas pixels (4096x4096) a worker holds one token at a time: a token then takes a few tenths of a
 * second or more, against about a millisecond of waiting for the next, and Ctrl-C waits for at most the tokens in
 * flight (measured: 32 tokens of 12 layers at 4096x4096 in flight took 14 s to stop).
 */
const ONE_TOKEN_PIXELS = 4096 * 4096;

/** Tokens per batch and batches per worker for a canvas size: see BATCH_PIXELS and ONE_TOKEN_PIXELS. */
export function batchingFor(width: number, height: number): { batchTokens: number; batchesPerWorker: number } {
  const pixels = width * height;
  return {
    batchTokens: Math.max(1, Math.min(BATCH_TOKENS, Math.floor(BATCH_PIXELS / pixels))),
    batchesPerWorker: pixels >= ONE_TOKEN_PIXELS ? 1 : BATCHES_PER_WORKER,
  };
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A render worker's JavaScript heap holds little that lives (band keys, one token's buffers), but left to
 * itself V8 lets it grow with the run's length before collecting: a bound keeps memory flat at any
 * collection size (pixels and cached bands live outside this heap).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

const RUNNING_FROM_SOURCE = import.meta.url.endsWith(".ts");

/**
 * What a render worker starts with: the run's NodeRenderInit and, where the backend can be stopped, the shared
 * words that say so (`control`): word STOP_WORD is 1 once the run is stopped; word `slot` is this worker's state.
 */
export interface RenderWorkerData extends NodeRenderInit {
  control?: { buffer: SharedArrayBuffer; slot: number } | undefined;
}

/** control word 0: 1 once the run is stopped; workers look at it before each token. */
export const STOP_WORD = 0;
/**
 * A worker's state word. RENDERING: nothing of its current batch is written (or, without placement, answered)
 * yet, so it may be terminated mid-token and the batch counted as not done. WRITING: it has begun writing a
 * token of the batch: it must be let answer. STOPPED: the main thread claimed it for termination; it writes
 * nothing more. The two sides change it only by compare-and-exchange, so a token is either written and
 * reported, or neither.
 */
export const WORKER_RENDERING = 0;
export const WORKER_WRITING = 1;
export const WORKER_STOPPED = 2;

function startWorker(data: RenderWorkerData): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL("./renderWorker.js", import.meta.url), { workerData: data, resourceLimits: WORKER_HEAP });
  // From source (tests, benchmarks) the worker is TypeScript. Node 20 ignores `--import tsx` in a worker's
  // execArgv ("Unknown file extension .ts"), so a two-line bootstrap registers tsx in the worker, then loads it.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const worker = JSON.stringify(new URL("./renderWorker.ts", import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${worker}); });`, { eval: true, workerData: data, resourceLimits: WORKER_HEAP });
}

interface PoolWorker {
  worker: Worker;
  client: RpcClient<NodeRenderMethods>;
  queued: number;
  slot: number;
  /** Claimed for termination by a stop: its batch in flight counts as not done. */
  stopped: boolean;
}

export interface NodeRenderBackendOptions {
  /**
   * Stops the run: workers start no further token, and a worker still drawing a token it has written nothing of
   * is terminated at once, so a stop takes milliseconds even where one token takes seconds. Batches then answer
   * with the tokens written so far (none, for a terminated worker's), which the pipeline counts as done.
   */
  signal?: AbortSignal | undefined;
}

/**
 * The Node render backend: `workers` worker threads sharing one TraitPack, started on the first batch. Each
 * batch goes to the worker with the least work queued. With `init.placement` the workers write token files into
 * the sink's folder themselves (no copy of the image through the main thread); without it images come back.
 */
export class NodeRenderBackend implements RenderBackend {
  readonly slots: number;
  readonly batchTokens: number;
  private readonly count: number;
  private readonly control: Int32Array | undefined;
  private readonly signal: AbortSignal | undefined;
  private workers: PoolWorker[] | undefined;

  constructor(
    private readonly init: NodeRenderInit,
    workers: number,
    options: NodeRenderBackendOptions = {},
  ) {
    this.count = Math.max(1, Math.floor(workers));
    const { batchTokens, batchesPerWorker } = batchingFor(init.pack.canvasWidth, init.pack.canvasHeight);
    this.batchTokens = batchTokens;
    this.slots = this.count * batchesPerWorker;
    this.signal = options.signal;
    if (this.signal) {
      this.control = new Int32Array(new SharedArrayBuffer(4 * (1 + this.count)));
      this.signal.addEventListener("abort", () => this.stop(), { once: true });
    }
  }

  private start(): PoolWorker[] {
    this.workers ??= Array.from({ length: this.count }, (_, i) => {
      const slot = 1 + i;
      const control = this.control ? { buffer: this.control.buffer as SharedArrayBuffer, slot } : undefined;
      const worker = startWorker({ ...this.init, control });
      const client = createClient<NodeRenderMethods>(nodeEndpoint(worker));
      worker.on("error", (e) => client.rejectAll(e instanceof Error ? e : new Error(String(e))));
      worker.on("exit", (code) => client.rejectAll(new Error(`render worker exited with code ${code}`)));
      return { worker, client, queued: 0, slot, stopped: false };
    });
    return this.workers;
  }

  async renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]> {
    if (this.signal?.aborted) return [];
    const pool = this.start();
    const w = pool.reduce((a, b) => (b.queued < a.queued ? b : a));
    w.queued++;
    try {
      return (await w.client.call("render", { tokens })).results;
    } catch (e) {
      if (w.stopped) return [];
      throw e;
    } finally {
      w.queued--;
    }
  }

  /** On abort: no worker starts another token; those with nothing of their batch written are terminated now. */
  private stop(): void {
    const control = this.control;
    if (!control) return;
    Atomics.store(control, STOP_WORD, 1);
    for (const w of this.workers ?? []) {
      if (w.queued === 0) continue;
      if (Atomics.compareExchange(control, w.slot, WORKER_RENDERING, WORKER_STOPPED) !== WORKER_RENDERING) continue;
      w.stopped = true;
      w.client.rejectAll(new Error("render worker stopped"));
      void w.worker.terminate();
    }
  }

  async close(): Promise<void> {
    const pool = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(pool.map((w) => w.worker.terminate()));
  }
}

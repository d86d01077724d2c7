import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PlannedToken, RenderBackend, RenderedToken } from "../render/pipeline.js";
import { createClient, type RpcClient } from "../render/rpc.js";
import { nodeEndpoint, type NodeRenderInit, type NodeRenderMethods } from "./protocol.js";

/** Tokens per message to a worker at most: enough to keep message overhead negligible at small sizes. */
const BATCH_TOKENS = 8;
/** Canvas pixels per batch at most: 8 tokens at 512x512 and below, 4 at 1024x1024, 2 at 1448x1448, 1 from 2048x2048. */
const BATCH_PIXELS = 4 * 1024 * 1024;
/** Batches queued per worker, so a worker never waits for the main thread between batches. */
const BATCHES_PER_WORKER = 2;
/**
 * From this many canvas pixels (2048x2048) a worker holds one token at a time: a token then takes a tenth of a second
 * or more, against about a millisecond of waiting for the next, and Ctrl-C waits for the tokens in flight (measured
 * on a busy 2-core machine: 32 tokens in flight took 6.5 s to stop at 2048x2048 with 8 layers, 18 s at 4096x4096
 * with 12 and 60 s with 31).
 */
const ONE_TOKEN_PIXELS = 2048 * 2048;

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
 * What a render worker starts with: the run's NodeRenderInit and, where the backend can be stopped, a shared word
 * that says so (`stop`: 1 once the run is stopped), which the worker reads before each token.
 */
export interface RenderWorkerData extends NodeRenderInit {
  stop?: SharedArrayBuffer | undefined;
}

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
}

export interface NodeRenderBackendOptions {
  /**
   * Stops the run: no worker starts another token, so a batch in flight answers with the tokens done so far (the
   * pipeline counts the rest as not done) once the token being drawn is written. A worker is not terminated in the
   * middle of a token: Node 20 aborts the whole process when a worker dies between creating a zlib stream and
   * initialising it ("close before init", node_zlib.cc), which a token's encoder does once per band.
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
  private readonly stop: Int32Array | undefined;
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
      const stop = new Int32Array(new SharedArrayBuffer(4));
      this.stop = stop;
      this.signal.addEventListener("abort", () => Atomics.store(stop, 0, 1), { once: true });
    }
  }

  private start(): PoolWorker[] {
    this.workers ??= Array.from({ length: this.count }, () => {
      const worker = startWorker({ ...this.init, stop: this.stop?.buffer as SharedArrayBuffer | undefined });
      const client = createClient<NodeRenderMethods>(nodeEndpoint(worker));
      worker.on("error", (e) => client.rejectAll(e instanceof Error ? e : new Error(String(e))));
      worker.on("exit", (code) => client.rejectAll(new Error(`render worker exited with code ${code}`)));
      return { worker, client, queued: 0 };
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
    } finally {
      w.queued--;
    }
  }

  async close(): Promise<void> {
    const pool = this.workers ?? [];
    this.workers = undefined;
    await Promise.all(pool.map((w) => w.worker.terminate()));
  }
}

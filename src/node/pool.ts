import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PlannedToken, RenderBackend, RenderedToken } from "../render/pipeline.js";
import { createClient, type RpcClient } from "../render/rpc.js";
import { nodeEndpoint, type NodeRenderInit, type NodeRenderMethods } from "./protocol.js";

/** Tokens per message to a worker: enough to keep message overhead negligible, few enough for a prompt Ctrl-C. */
const BATCH_TOKENS = 8;
/** Batches queued per worker, so a worker never waits for the main thread between batches. */
const BATCHES_PER_WORKER = 2;

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

function startWorker(init: NodeRenderInit): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL("./renderWorker.js", import.meta.url), { workerData: init, resourceLimits: WORKER_HEAP });
  // From source (tests, benchmarks) the worker is TypeScript. Node 20 ignores `--import tsx` in a worker's
  // execArgv ("Unknown file extension .ts"), so a two-line bootstrap registers tsx in the worker, then loads it.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const worker = JSON.stringify(new URL("./renderWorker.ts", import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${worker}); });`, { eval: true, workerData: init, resourceLimits: WORKER_HEAP });
}

/**
 * The Node render backend: `workers` worker threads sharing one TraitPack, started on the first batch. Each
 * batch goes to the worker with the least work queued. With `init.placement` the workers write token files into
 * the sink's folder themselves (no copy of the image through the main thread); without it images come back.
 */
export class NodeRenderBackend implements RenderBackend {
  readonly slots: number;
  readonly batchTokens = BATCH_TOKENS;
  private readonly count: number;
  private workers: Array<{ worker: Worker; client: RpcClient<NodeRenderMethods>; queued: number }> | undefined;

  constructor(
    private readonly init: NodeRenderInit,
    workers: number,
  ) {
    this.count = Math.max(1, Math.floor(workers));
    this.slots = this.count * BATCHES_PER_WORKER;
  }

  private start(): NonNullable<NodeRenderBackend["workers"]> {
    this.workers ??= Array.from({ length: this.count }, () => {
      const worker = startWorker(this.init);
      const client = createClient<NodeRenderMethods>(nodeEndpoint(worker));
      worker.on("error", (e) => client.rejectAll(e instanceof Error ? e : new Error(String(e))));
      worker.on("exit", (code) => client.rejectAll(new Error(`render worker exited with code ${code}`)));
      return { worker, client, queued: 0 };
    });
    return this.workers;
  }

  async renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]> {
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

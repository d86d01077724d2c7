import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RenderedToken, RenderTask, RenderWorkerInit, RenderWorkerResponse } from "./renderWorkerProtocol.js";

/** Tokens per message to a worker: enough to keep message overhead negligible, few enough for a prompt Ctrl-C. */
const BATCH_TOKENS = 8;

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

function startWorker(init: RenderWorkerInit): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL("./renderWorker.js", import.meta.url), { workerData: init, resourceLimits: WORKER_HEAP });
  // From source (tests, benchmarks) the worker is TypeScript. Node 20 ignores `--import tsx` in a worker's
  // execArgv ("Unknown file extension .ts"), so a two-line bootstrap registers tsx in the worker, then loads it.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const worker = JSON.stringify(new URL("./renderWorker.ts", import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${worker}); });`, { eval: true, workerData: init, resourceLimits: WORKER_HEAP });
}

/**
 * Renders tokens on `workers` worker threads sharing one TraitPack. Calls onRendered for every finished
 * token (in completion order). On abort it stops handing out work, lets batches in flight finish
 * (milliseconds), and resolves; the caller reads signal.aborted.
 */
export async function renderTokens(
  init: RenderWorkerInit,
  tasks: Iterable<RenderTask>,
  options: { workers: number; signal?: AbortSignal | undefined; onRendered: (token: RenderedToken) => void },
): Promise<void> {
  const iterator = tasks[Symbol.iterator]();
  let batchNo = 0;
  const nextBatch = (): RenderTask[] | undefined => {
    if (options.signal?.aborted) return undefined;
    const batch: RenderTask[] = [];
    while (batch.length < BATCH_TOKENS) {
      const r = iterator.next();
      if (r.done) break;
      batch.push(r.value);
    }
    return batch.length > 0 ? batch : undefined;
  };
  const workers = Array.from({ length: Math.max(1, options.workers) }, () => startWorker(init));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              const batch = nextBatch();
              if (!batch) return resolve();
              worker.postMessage({ type: "render", batch: batchNo++, tokens: batch });
            };
            worker.on("message", (msg: RenderWorkerResponse) => {
              if (!msg.ok) return reject(new Error(msg.message));
              for (const r of msg.results) options.onRendered(r);
              send();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`render worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

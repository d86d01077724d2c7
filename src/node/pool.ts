import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { TraitloomError } from "../core/errors.js";
import type { TraitloomErrorCode } from "../core/errors.js";
import type { NodeRenderInit, NodeRenderMethods, NodeRenderTask, NodeRenderedToken, Request, Response, WorkerError } from "../render/protocol.js";

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

function startWorker(init: NodeRenderInit): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL("./renderWorker.js", import.meta.url), { workerData: init, resourceLimits: WORKER_HEAP });
  // From source (tests, benchmarks) the worker is TypeScript. Node 20 ignores `--import tsx` in a worker's
  // execArgv ("Unknown file extension .ts"), so a two-line bootstrap registers tsx in the worker, then loads it.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const worker = JSON.stringify(new URL("./renderWorker.ts", import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${worker}); });`, { eval: true, workerData: init, resourceLimits: WORKER_HEAP });
}

/** A worker's error as thrown here: a user's (a TraitloomError code) stays one, anything else is internal. */
function workerFailure(error: WorkerError): Error {
  return error.code === "INTERNAL" ? new Error(error.message) : new TraitloomError(error.code as TraitloomErrorCode, error.message);
}

/**
 * Renders tokens on `workers` worker threads sharing one TraitPack. Calls onRendered for every finished
 * token (in completion order). On abort it stops handing out work, lets batches in flight finish
 * (milliseconds), and resolves; the caller reads signal.aborted.
 */
export async function renderTokens(
  init: NodeRenderInit,
  tasks: Iterable<NodeRenderTask>,
  options: { workers: number; signal?: AbortSignal | undefined; onRendered: (token: NodeRenderedToken) => void },
): Promise<void> {
  const iterator = tasks[Symbol.iterator]();
  let batchNo = 0;
  const nextBatch = (): NodeRenderTask[] | undefined => {
    if (options.signal?.aborted) return undefined;
    const batch: NodeRenderTask[] = [];
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
              const request: Request<NodeRenderMethods> = { type: "request", id: batchNo++, method: "render", params: { tokens: batch } };
              worker.postMessage(request);
            };
            worker.on("message", (msg: Response<NodeRenderMethods>) => {
              if (!msg.ok) return reject(workerFailure(msg.error));
              try {
                for (const r of msg.result.results) options.onRendered(r);
              } catch (e) {
                return reject(e);
              }
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

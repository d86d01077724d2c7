/**
 * Typed calls over postMessage, derived from a method map in src/render/protocol.ts. The client side numbers
 * requests and resolves them from responses; the serving side runs handlers and answers, errors included.
 * Results that carry buffers say which ones to transfer, so pixels and PNG bytes are never copied by accident.
 */
import type { AnyMethods, ParamsOf, Request, Response, ResultOf, WorkerError } from "../render/protocol.js";
import { toWorkerError } from "../render/protocol.js";

/** The part of Worker, MessagePort and a worker's global scope that calls need. */
export interface Endpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** A result and the buffers to transfer with it. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

/** A failure inside a worker, with the code the worker gave it (TraitloomError codes, or "INTERNAL"). */
export class WorkerCallError extends Error {
  readonly code: string;
  constructor(error: WorkerError) {
    super(error.message);
    this.name = "WorkerCallError";
    this.code = error.code;
  }
}

export interface RpcClient<M extends AnyMethods> {
  call<K extends keyof M & string>(method: K, params: ParamsOf<M, K>, transfer?: Transferable[]): Promise<ResultOf<M, K>>;
  /** Messages that are not responses (events). */
  onEvent(listener: (data: unknown) => void): void;
  /** Rejects every call still waiting, e.g. when the worker is terminated. */
  rejectAll(reason: Error): void;
}

export function createClient<M extends AnyMethods>(endpoint: Endpoint): RpcClient<M> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const listeners: Array<(data: unknown) => void> = [];
  endpoint.addEventListener("message", (event) => {
    const data = event.data as Response<M> | { type?: unknown };
    if (data && typeof data === "object" && data.type === "response") {
      const res = data as Response<M>;
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if (res.ok) p.resolve(res.result as never);
      else p.reject(new WorkerCallError(res.error));
      return;
    }
    for (const l of listeners) l(data);
  });
  return {
    call(method, params, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject });
        endpoint.postMessage({ type: "request", id, method, params } as Request<M>, transfer);
      });
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    rejectAll(reason) {
      for (const p of pending.values()) p.reject(reason);
      pending.clear();
    },
  };
}

export type Handlers<M extends AnyMethods> = {
  [K in keyof M & string]: (params: ParamsOf<M, K>) => Promise<ResultOf<M, K> | Transfer<ResultOf<M, K>>> | ResultOf<M, K> | Transfer<ResultOf<M, K>>;
};

/** Answers requests arriving on `endpoint` with `handlers`; requests are handled one after another, in order. */
export function serve<M extends AnyMethods>(endpoint: Endpoint, handlers: Handlers<M>): void {
  let queue: Promise<void> = Promise.resolve();
  endpoint.addEventListener("message", (event) => {
    const req = event.data as Request<M> | { type?: unknown };
    if (!req || typeof req !== "object" || req.type !== "request") return;
    const { id, method, params } = req as Request<M>;
    queue = queue.then(async () => {
      try {
        const handler = handlers[method];
        if (typeof handler !== "function") throw new Error(`unknown method ${String(method)}`);
        const out = await handler(params);
        if (out instanceof Transfer) endpoint.postMessage({ type: "response", id, method, ok: true, result: out.value }, out.transfer);
        else endpoint.postMessage({ type: "response", id, method, ok: true, result: out }, []);
      } catch (e) {
        endpoint.postMessage({ type: "response", id, method, ok: false, error: toWorkerError(e) }, []);
      }
    });
  });
}

/**
 * The one transport of both backends: typed calls and events over anything with postMessage (a browser Worker,
 * MessagePort or worker scope; a Node worker_threads Worker or parentPort, through `nodeEndpoint`). Requests,
 * responses and events are derived from a protocol's method and event maps (src/render/protocol.ts); errors travel
 * keyed on `ok`, carrying the TraitloomError code, and come out as TraitloomErrors again on the calling side. Results
 * and requests that carry buffers say which to transfer, so pixels and PNG bytes are never copied by accident.
 */
import { TraitloomError, type TraitloomErrorCode } from "../core/errors.js";
import type { AnyEvents, AnyMethods, EventMessage, ParamsOf, Request, Response, ResultOf, WorkerError } from "./protocol.js";
import { toWorkerError } from "./protocol.js";

/** What can be transferred: ArrayBuffers, MessagePorts, ImageBitmaps…, as the platform defines them. */
export type Transferable = object;

/** The part of a Worker, MessagePort or worker scope that calls need. */
export interface Endpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
}

/** A value and the buffers to transfer with it (a handler's result, an event's data). */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

/** A worker's internal failure (not a user's mistake), with the worker's message. */
export class WorkerCallError extends Error {
  readonly code = "INTERNAL";
  constructor(message: string) {
    super(message);
    this.name = "WorkerCallError";
  }
}

/** A worker's error as thrown on the calling side: a user's stays a TraitloomError with its code and line. */
export function fromWorkerError(error: WorkerError): Error {
  return error.code === "INTERNAL" ? new WorkerCallError(error.message) : new TraitloomError(error.code satisfies TraitloomErrorCode, error.message);
}

export interface RpcClient<M extends AnyMethods, E extends AnyEvents = Record<never, never>> {
  call<K extends keyof M & string>(method: K, params: ParamsOf<M, K>, transfer?: Transferable[]): Promise<Awaited<ResultOf<M, K>>>;
  /** Listens to event `name` the other side emits unasked. */
  on<K extends keyof E & string>(name: K, listener: (data: E[K]) => void): void;
  /** Rejects every call still waiting, e.g. when the worker is terminated. */
  rejectAll(reason: Error): void;
}

function isMessage(data: unknown): data is { type: string } {
  return typeof data === "object" && data !== null && typeof (data as { type?: unknown }).type === "string";
}

export function createClient<M extends AnyMethods, E extends AnyEvents = Record<never, never>>(endpoint: Endpoint): RpcClient<M, E> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Array<(data: never) => void>>();
  endpoint.addEventListener("message", (event) => {
    const data = event.data;
    if (!isMessage(data)) return;
    if (data.type === "response") {
      const res = data as Response<M>;
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if (res.ok) p.resolve(res.result as never);
      else p.reject(fromWorkerError(res.error));
    } else if (data.type === "event") {
      const ev = data as EventMessage<E>;
      for (const l of listeners.get(ev.name) ?? []) l(ev.data as never);
    }
  });
  return {
    call(method, params, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject });
        const request: Request<M> = { type: "request", id, method, params } as Request<M>;
        endpoint.postMessage(request, transfer);
      });
    },
    on(name, listener) {
      const list = listeners.get(name) ?? [];
      list.push(listener as (data: never) => void);
      listeners.set(name, list);
    },
    rejectAll(reason) {
      for (const p of pending.values()) p.reject(reason);
      pending.clear();
    },
  };
}

export type Handlers<M extends AnyMethods> = {
  [K in keyof M & string]: (
    params: ParamsOf<M, K>,
  ) => Promise<Awaited<ResultOf<M, K>> | Transfer<Awaited<ResultOf<M, K>>>> | Awaited<ResultOf<M, K>> | Transfer<Awaited<ResultOf<M, K>>>;
};

export interface Server<E extends AnyEvents> {
  /** Sends event `name` to the other side. */
  emit<K extends keyof E & string>(name: K, data: E[K] | Transfer<E[K]>): void;
}

/**
 * Answers requests arriving on `endpoint` with `handlers`. By default requests are handled one after another, in
 * order; `concurrent` lets a long call (a whole generation) leave the endpoint free for others (cancel).
 */
export function serve<M extends AnyMethods, E extends AnyEvents = Record<never, never>>(
  endpoint: Endpoint,
  handlers: Handlers<M>,
  options: { concurrent?: ReadonlyArray<keyof M & string> } = {},
): Server<E> {
  let queue: Promise<void> = Promise.resolve();
  const concurrent = new Set<string>(options.concurrent ?? []);
  endpoint.addEventListener("message", (event) => {
    const data = event.data;
    if (!isMessage(data) || data.type !== "request") return;
    const { id, method, params } = data as Request<M>;
    const answer = async (): Promise<void> => {
      try {
        const handler = handlers[method];
        if (typeof handler !== "function") throw new Error(`unknown method ${String(method)}`);
        const out = await handler(params);
        if (out instanceof Transfer) endpoint.postMessage({ type: "response", id, method, ok: true, result: out.value }, out.transfer);
        else endpoint.postMessage({ type: "response", id, method, ok: true, result: out }, []);
      } catch (e) {
        endpoint.postMessage({ type: "response", id, method, ok: false, error: toWorkerError(e) }, []);
      }
    };
    if (concurrent.has(method)) void answer();
    else queue = queue.then(answer);
  });
  return {
    emit(name, data) {
      if (data instanceof Transfer) endpoint.postMessage({ type: "event", name, data: data.value }, data.transfer);
      else endpoint.postMessage({ type: "event", name, data }, []);
    },
  };
}

/**
 * How worker protocols are written: one method map (and one event map) per worker kind, from which requests,
 * responses and events are derived (vite's InvokeMethods style). The maps themselves live beside their workers, with
 * the real types of what they carry: src/browser/protocol.ts (Blob, MessagePort) and src/node/protocol.ts. Pure
 * types: no DOM, no Node.
 */
import type { TraitloomErrorCode } from "../core/errors.js";
import { isTraitloomError } from "../core/errors.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethods = Record<string, (params: any) => unknown>;
export type AnyEvents = Record<string, unknown>;

/** A call to method K of a worker. */
export type Request<M extends AnyMethods> = {
  [K in keyof M & string]: { type: "request"; id: number; method: K; params: Parameters<M[K]>[0] };
}[keyof M & string];

/** The answer to a call: a result, or an error keyed on `ok`. */
export type Response<M extends AnyMethods> = {
  [K in keyof M & string]:
    | { type: "response"; id: number; method: K; ok: true; result: Awaited<ReturnType<M[K]>> }
    | { type: "response"; id: number; method: K; ok: false; error: WorkerError };
}[keyof M & string];

/** An event a worker sends unasked. */
export type EventMessage<E extends AnyEvents> = {
  [K in keyof E & string]: { type: "event"; name: K; data: E[K] };
}[keyof E & string];

export type ResultOf<M extends AnyMethods, K extends keyof M> = ReturnType<M[K]>;
export type ParamsOf<M extends AnyMethods, K extends keyof M> = Parameters<M[K]>[0];

export interface WorkerError {
  /** The TraitloomError code where the error is a user's, else "INTERNAL". */
  code: TraitloomErrorCode | "INTERNAL";
  message: string;
}

/** Turns a thrown value into the error a response carries: a TraitloomError keeps its code and one-line message. */
export function toWorkerError(e: unknown): WorkerError {
  if (isTraitloomError(e)) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: "INTERNAL", message: e.message };
  return { code: "INTERNAL", message: String(e) };
}

/**
 * The Node render worker's protocol (src/node/renderWorker.ts), in the one transport's terms (src/render/rpc.ts),
 * and the adapter that makes a worker_threads Worker or parentPort an rpc Endpoint.
 */
import type { PlannedToken, FolderPlacement, RenderedToken } from "../render/pipeline.js";
import type { RenderStep } from "../core/draw.js";
import type { TraitPack } from "../render/pack.js";
import type { Endpoint, Transferable } from "../render/rpc.js";
import type { CompressionPreset, ImageFormat } from "../core/settings.js";

/** What a Node render worker is started with, as its workerData. */
export interface NodeRenderInit {
  /** Flat sets: traits [layer][trait]; a set with a render plan: its images, in one row. */
  pack: TraitPack;
  /** The render plan's steps (core/draw.ts), where the set has one: tokens then carry draw lists of them. */
  steps?: RenderStep[] | undefined;
  /** Where the worker writes token files itself; without it, images come back in the reply. */
  placement?: FolderPlacement | undefined;
  format: ImageFormat;
  compression: CompressionPreset;
  quality: number;
  /** Six hex digits: what JPEG output flattens transparency onto. */
  flattenColor: string;
  /** Reuse compressed PNG bands across tokens (src/node/pngBands.ts). Default true; false only to measure it (bench). */
  bandCache?: boolean | undefined;
}

/** Methods of src/node/renderWorker.ts: renders a batch of tokens, in order. */
export type NodeRenderMethods = {
  render: (params: { tokens: PlannedToken[] }) => { results: RenderedToken[] };
};

/** The part of a worker_threads Worker or MessagePort that calls need. */
interface NodePort {
  postMessage(value: unknown, transferList?: readonly Transferable[]): void;
  on(event: "message", listener: (value: unknown) => void): unknown;
}

/** A worker_threads Worker or parentPort as an rpc Endpoint. */
export function nodeEndpoint(port: NodePort): Endpoint {
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer as never),
    addEventListener: (_type, listener) => port.on("message", (data) => listener({ data })),
  };
}

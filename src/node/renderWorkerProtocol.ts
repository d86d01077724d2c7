import type { ImageFormat, CompressionPreset } from "../core/settings.js";
import type { TraitPack } from "../render/pack.js";

/** What a Node render worker is started with (workerData). */
export interface RenderWorkerInit {
  pack: TraitPack;
  imagesDir: string;
  metadataDir: string;
  /** Where workers write temp files before renaming them into place (same file system as the output). */
  tempRoot: string;
  extension: string;
  format: ImageFormat;
  compression: CompressionPreset;
  quality: number;
  /** Six hex digits: what JPEG output flattens transparency onto. */
  flattenColor: string;
  /** Reuse compressed PNG bands across tokens (pngBands.ts). Default true; false for measuring it. */
  bandCache?: boolean | undefined;
}

export interface RenderTask {
  id: number;
  /** Trait index per layer. */
  traits: number[];
  /** The bytes of metadata/<id>.json, written beside the image. */
  metadata: string;
}

export type RenderWorkerRequest = { type: "render"; batch: number; tokens: RenderTask[] } | { type: "close" };

export interface RenderedToken {
  id: number;
  sha256: string;
  bytes: number;
}

export type RenderWorkerResponse =
  | { type: "rendered"; batch: number; ok: true; results: RenderedToken[] }
  | { type: "rendered"; batch: number; ok: false; message: string };

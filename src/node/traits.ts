import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { ImageSize, ResizeMode } from "../core/canvas.js";
import { chooseCanvasSize } from "../core/canvas.js";
import { TraitloomError } from "../core/errors.js";
import type { LayerSet } from "../core/layers.js";
import type { PreparedTrait } from "../render/composite.js";
import { prepareTrait } from "../render/composite.js";
import { readRefusal } from "./files.js";

/** Every trait of a run decoded once: straight-alpha RGBA at canvas size, cropped to its bounding box. */
export interface LoadedTraits {
  width: number;
  height: number;
  /** [layer][trait] */
  prepared: PreparedTrait[][];
  /** [layer][trait] sha256 of the file bytes, for the run's input hash. */
  fileHashes: string[][];
}

const READABLE_FORMATS = new Set(["png", "jpeg", "webp"]);
/** Files decoded at once: sharp runs each on its own libuv thread. */
const DECODE_CONCURRENCY = 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/**
 * Reads, checks and decodes every trait file of the layer set with sharp: PNG (8/16-bit, RGB, RGBA, grey,
 * palette), JPEG and WebP. A file that does not decode is an error naming it; sizes are checked against the
 * canvas (config width/height, else the most common size) unless resize is "fit" or "stretch".
 */
export async function loadTraits(
  layersDir: string,
  layerSet: LayerSet,
  config: { width?: number | undefined; height?: number | undefined; resize?: ResizeMode | undefined },
  signal?: AbortSignal,
): Promise<LoadedTraits> {
  const files = layerSet.layers.flatMap((layer) => layer.traits.map((t) => ({ layer: layer.index, trait: t.index, file: t.file })));
  const read = await mapLimit(files, DECODE_CONCURRENCY, async (f) => {
    signal?.throwIfAborted();
    const shown = join(layersDir, f.file);
    const bytes = await readTraitFile(shown);
    let meta;
    try {
      meta = await sharp(bytes).metadata();
    } catch (e) {
      throw new TraitloomError("BAD_IMAGE", `${shown}: expected a PNG, JPEG or WebP image, found data that does not decode (${firstLine(e)})`);
    }
    if (!meta.format || !READABLE_FORMATS.has(meta.format) || !meta.width || !meta.height) {
      throw new TraitloomError("BAD_IMAGE", `${shown}: expected a PNG, JPEG or WebP image, found ${meta.format ?? "an unknown format"}`);
    }
    const size: ImageSize = { file: shown, width: meta.width, height: meta.height };
    return { ...f, shown, bytes, size, hash: createHash("sha256").update(bytes).digest("hex") };
  });
  const { width, height } = chooseCanvasSize(
    read.map((r) => r.size),
    config,
  );
  const prepared: PreparedTrait[][] = layerSet.layers.map(() => []);
  const fileHashes: string[][] = layerSet.layers.map(() => []);
  await mapLimit(read, DECODE_CONCURRENCY, async (r) => {
    signal?.throwIfAborted();
    let pipeline = sharp(r.bytes).toColourspace("srgb").ensureAlpha();
    if (r.size.width !== width || r.size.height !== height) {
      pipeline = pipeline.resize(width, height, {
        fit: config.resize === "stretch" ? "fill" : "contain",
        background: { r: 0, g: 0, b: 0, alpha: 0 },
        kernel: "lanczos3",
      });
    }
    let raw;
    try {
      raw = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw new TraitloomError("BAD_IMAGE", `${r.shown}: expected an image that decodes, found a corrupt file (${firstLine(e)})`);
    }
    if (raw.info.channels !== 4 || raw.info.width !== width || raw.info.height !== height) {
      throw new Error(`${r.shown}: decoded to ${raw.info.width}x${raw.info.height}x${raw.info.channels}, expected ${width}x${height}x4`);
    }
    const pixels = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
    (prepared[r.layer] as PreparedTrait[])[r.trait] = prepareTrait(pixels, width, height);
    (fileHashes[r.layer] as string[])[r.trait] = r.hash;
  });
  return { width, height, prepared, fileHashes };
}

/** A trait file's bytes; a refused read (no permission, say) is a one-line BAD_IMAGE error naming the file. */
async function readTraitFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw traitReadFailure(e, path);
  }
}

/**
 * A trait file that could not be read, as one line naming it and what the file system said ("no permission to
 * read it (EACCES)"); anything that is not a file system error is returned unchanged, to be reported as a bug.
 */
export function traitReadFailure(e: unknown, path: string): unknown {
  const found = readRefusal(e);
  return found === undefined ? e : new TraitloomError("BAD_IMAGE", `${path}: expected a trait image, found ${found}`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
}

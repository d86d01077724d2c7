import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { freemem, totalmem } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { ImageSize, ResizeMode } from "../core/canvas.js";
import { checkCanvasLimit, chooseCanvasSize } from "../core/canvas.js";
import { TraitloomError } from "../core/errors.js";
import { renderImagesOf, renderPlanOf, traitFileHashes } from "../core/draw.js";
import { identicalImagesWarning, type LayerSet } from "../core/layers.js";
import type { PreparedTrait } from "../render/composite.js";
import { prepareTrait } from "../render/composite.js";
import { readRefusal } from "./files.js";
import { TraitPackBuilder, packedBytesOf } from "../render/pack.js";

/** Every trait of a run decoded once: straight-alpha RGBA at canvas size, cropped to its bounding box. */
export interface LoadedTraits {
  width: number;
  height: number;
  /** [layer][trait], views into shared pack buffers: packTraits references them in place, without a copy. */
  prepared: PreparedTrait[][];
  /** [layer][trait] sha256 of the file bytes (a trait of parts: of its files' hashes), for the run's input hash. */
  fileHashes: string[][];
  /** Traits whose files decode to the same pixels, one line per group naming every file: they stay distinct traits. */
  warnings: string[];
}

const READABLE_FORMATS = new Set(["png", "jpeg", "webp"]);
/** Files decoded at once: sharp runs each on its own libuv thread. */
const DECODE_CONCURRENCY = 8;

export interface LoadTraitsOptions {
  /** Most bytes per shared buffer of decoded traits (src/render/pack.ts PACK_BUFFER_BYTES by default); tests lower it. */
  maxPackBufferBytes?: number | undefined;
  /** Memory the decoded traits may take; by default what the machine has free, less what rendering needs. */
  memoryBudgetBytes?: number | undefined;
}

/** Raw decodes in flight at most, in bytes: eight small traits at once, but one or two 4096x4096 ones. */
const DECODE_BYTES_IN_FLIGHT = 256 * 1024 * 1024;

function decodeConcurrency(width: number, height: number): number {
  return Math.max(1, Math.min(DECODE_CONCURRENCY, Math.floor(DECODE_BYTES_IN_FLIGHT / (width * height * 4))));
}

/**
 * Memory kept free for everything but the decoded traits: the main thread's heap and the decodes in flight
 * (1 GiB), and per render worker a canvas (RGBA), its RGB copy and the deflate buffers, about 8 bytes a pixel
 * for each of two workers.
 */
function renderReserveBytes(width: number, height: number): number {
  return 2 ** 30 + 16 * width * height;
}

/** Memory free for the run: Linux's MemAvailable (the cgroup's limit where a container sets a lower one). */
function freeMemory(): number {
  // macOS counts as free only pages never used, not the cache it hands back at once: half the RAM is the better guess.
  if (process.platform === "darwin") return Math.max(freemem(), totalmem() / 2);
  return Math.min(freemem(), process.availableMemory?.() ?? Infinity);
}

/**
 * What the decoded traits may take: free memory less the render reserve, and at least half the free memory, so a
 * small collection on a machine with little free is not refused for a reserve its small canvas does not need.
 */
function memoryForTraits(width: number, height: number): number {
  const free = freeMemory();
  return Math.max(free - renderReserveBytes(width, height), free / 2);
}

/**
 * The decoded traits' memory: makes pack buffers while they fit in the budget (and the allocation succeeds),
 * then counts what the rest would need, so the error names the whole size.
 */
class PackMemory {
  exceeded = false;
  private made = 0;
  private needed = 0;
  private count = 0;

  constructor(
    private readonly budget: number,
    private readonly width: number,
    private readonly height: number,
  ) {}

  decoded(trait: PreparedTrait): void {
    this.needed += packedBytesOf(trait);
    this.count++;
  }

  makeBuffer(bytes: number): SharedArrayBuffer {
    if (this.made + bytes > this.budget) {
      this.exceeded = true;
      throw new RangeError("decoded traits past the memory budget");
    }
    try {
      const buffer = new SharedArrayBuffer(bytes);
      this.made += bytes;
      return buffer;
    } catch (e) {
      this.exceeded = true;
      throw e;
    }
  }

  error(): TraitloomError {
    return new TraitloomError(
      "CAPACITY",
      `traits: expected decoded traits that fit in the memory free for them (${gib(Math.max(0, this.budget))}), found ${this.count} traits at ${this.width}x${this.height} that need ${gib(this.needed)}; free memory, or use fewer or smaller traits or a smaller canvas (width, height and resize in traitloom.json)`,
    );
  }
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;
}

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
  options: LoadTraitsOptions = {},
): Promise<LoadedTraits> {
  // Pack rows: [layer][trait] for a flat set, else the render plan's images in one row (a file drawn by several
  // traits, or as a part and a variant, is decoded once).
  const files = renderImagesOf(layerSet).flatMap((row, r) => row.map((image, k) => ({ layer: r, trait: k, file: image.file, dx: image.x, dy: image.y })));
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
    const frames = animationFrames(bytes, meta);
    if (frames !== undefined) {
      // sharp would draw the first frame only: a trait meant to move would come out as a still without a word.
      throw new TraitloomError("BAD_IMAGE", `${shown}: expected a still image, found an animated ${meta.format === "png" ? "PNG" : "WebP"} with ${frames} frames`);
    }
    const size: ImageSize = { file: shown, width: meta.width, height: meta.height };
    return { ...f, shown, bytes, size, hash: createHash("sha256").update(bytes).digest("hex") };
  });
  const { width, height } = chooseCanvasSize(
    read.map((r) => r.size),
    config,
  );
  checkCanvasLimit(
    { width, height },
    read.map((r) => r.size),
  );
  const imageHashes = new Map<string, string>();
  for (const r of read) imageHashes.set(r.file, r.hash);
  const fileHashes = traitFileHashes(layerSet, (file) => imageHashes.get(file) ?? "", (text) => createHash("sha256").update(text).digest("hex"));
  /**
   * Files by layer and the sha256 of their decoded pixels (drawn at no offset), for the identical-art warning: two
   * traits of one layer that look the same. Across layers the same art is common (each layer's empty "None").
   */
  const byPixels = new Map<string, string[]>();
  const memory = new PackMemory(options.memoryBudgetBytes ?? memoryForTraits(width, height), width, height);
  let builder: TraitPackBuilder | undefined = new TraitPackBuilder(width, height, {
    maxBufferBytes: options.maxPackBufferBytes,
    makeBuffer: (bytes) => memory.makeBuffer(bytes),
  });
  await mapLimit(read, decodeConcurrency(width, height), async (r) => {
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
    // A 4096x4096 trait takes a tenth of a second to decode and as long again to prepare: Ctrl-C is heard between the two.
    signal?.throwIfAborted();
    if (raw.info.channels !== 4 || raw.info.width !== width || raw.info.height !== height) {
      throw new Error(`${r.shown}: decoded to ${raw.info.width}x${raw.info.height}x${raw.info.channels}, expected ${width}x${height}x4`);
    }
    let pixels: Uint8Array = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
    if (r.dx === 0 && r.dy === 0) {
      // The layer is the file's first folder (with a render plan every image is in row 0).
      const key = `${r.file.split("/")[0] ?? ""}:${createHash("sha256").update(pixels).digest("hex")}`;
      byPixels.set(key, [...(byPixels.get(key) ?? []), r.shown]);
    } else pixels = shifted(pixels, width, height, r.dx, r.dy);
    const trait = prepareTrait(pixels, width, height);
    memory.decoded(trait);
    // Past the memory there is for them, traits are only measured (the pack dropped), so the error can say how much they need.
    try {
      builder?.add(r.layer, r.trait, trait);
    } catch (e) {
      if (!memory.exceeded) throw e;
      builder = undefined;
    }
  });
  let packed: PreparedTrait[][] | undefined;
  try {
    packed = builder?.finish().prepared;
  } catch (e) {
    if (!memory.exceeded) throw e;
  }
  if (!packed) throw memory.error();
  const prepared = renderPlanOf(layerSet) ? [packed[0] ?? []] : layerSet.layers.map((_, l) => packed[l] ?? []);
  const warnings: string[] = [];
  for (const group of byPixels.values()) {
    if (group.length < 2) continue;
    warnings.push(identicalImagesWarning(group));
  }
  return { width, height, prepared, fileHashes, warnings: warnings.sort() };
}

/** A full-canvas RGBA image moved by (dx, dy) pixels (HashLips v2 `__x`/`__y`), what leaves the canvas cut off. */
function shifted(rgba: Uint8Array, width: number, height: number, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) continue;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(width, width + dx);
    if (x1 <= x0) continue;
    out.set(rgba.subarray((sy * width + x0 - dx) * 4, (sy * width + x1 - dx) * 4), (y * width + x0) * 4);
  }
  return out;
}

/**
 * How many frames an animated trait has, or undefined for a still one: an animated WebP is several pages to
 * sharp; an APNG is a PNG to sharp (its first frame), known by the acTL chunk before the image data.
 */
export function animationFrames(bytes: Uint8Array, meta: { format?: string | undefined; pages?: number | undefined }): number | undefined {
  if (meta.format === "webp") return (meta.pages ?? 1) > 1 ? meta.pages : undefined;
  if (meta.format !== "png") return undefined;
  const frames = apngFrameCount(bytes);
  return frames !== undefined && frames > 1 ? frames : undefined;
}

/** The num_frames of a PNG's acTL chunk, or undefined where the chunks before IDAT hold none. */
function apngFrameCount(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // After the 8-byte signature, chunks: length (4), type (4), data, CRC (4).
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4] ?? 0, bytes[at + 5] ?? 0, bytes[at + 6] ?? 0, bytes[at + 7] ?? 0);
    if (type === "IDAT" || type === "IEND") return undefined;
    if (type === "acTL") return at + 12 <= bytes.length ? view.getUint32(at + 8) : undefined;
    at += 12 + length;
  }
  return undefined;
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

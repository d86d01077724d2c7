import { createHash } from "node:crypto";
import type Sharp from "sharp";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { compositeTraits } from "../render/composite.js";
import type { Drawable, PreparedTrait } from "../render/composite.js";
import { unpackTraits } from "../render/pack.js";
import { PNG_PRESETS, encodePng, rgbaToRgb } from "./png.js";
import { BandedPngEncoder, StoppedMidToken } from "./pngBands.js";
import type { PlannedToken, RenderedToken } from "../render/pipeline.js";
import { serve, Transfer } from "../render/rpc.js";
import { writeFailure } from "./files.js";
import { nodeEndpoint, type NodeRenderMethods } from "./protocol.js";
import type { RenderWorkerData } from "./pool.js";

const init = workerData as RenderWorkerData;
/** The run's stop word (src/node/pool.ts), where the backend can be stopped: 1 once it is. */
const stop = init.stop ? new Int32Array(init.stop) : undefined;
const isStopped = (): boolean => stop !== undefined && Atomics.load(stop, 0) === 1;
const traits = unpackTraits(init.pack);
const { canvasWidth: width, canvasHeight: height } = init.pack;
const canvas = new Uint8Array(width * height * 4);
const rgb = new Uint8Array(width * height * 3);
const layerTraits: PreparedTrait[] = [];
const layerTraitIds: number[] = [];
/** A token's draw list as the compositor takes it, where it has steps that are not plain (blend, opacity). */
const drawSteps: Drawable[] = [];
let blended = false;
/** The render plan's steps, where the set has one: each its image (pack row 0), blend and opacity. */
const steps = init.steps?.map((s) => {
  const image = traits[0]?.[s.image];
  if (!image) throw new Error(`render plan: step names image ${s.image}, which the pack does not hold`);
  return { image, plain: s.blend === "source-over" && s.opacity === 1, step: { trait: image, blend: s.blend, opacity: s.opacity } };
});
/** A number per trait of the run, for the band cache's keys. */
const traitIdBase: number[] = [];
traits.reduce((base, layer) => {
  traitIdBase.push(base);
  return base + layer.length;
}, 0);
// "small" deflates the whole image at once: bands would cost it the matches that reach across them.
const banded = init.format === "png" && init.compression !== "small" && init.bandCache !== false ? new BandedPngEncoder(width, height, PNG_PRESETS[init.compression]) : undefined;

/** sharp is loaded only for WebP and JPEG: PNG workers start without its native module. */
let sharpModule: typeof Sharp | undefined;
async function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= (await import("sharp")).default;
  return sharpModule;
}

async function encode(): Promise<Uint8Array> {
  // The band cache keys bands on the plain traits that reach them: a step with a blend mode or an opacity (which
  // may change rows its trait does not reach) goes the whole-image way.
  const fromBands = blended ? undefined : banded?.encode(canvas, layerTraits, layerTraitIds, isStopped);
  if (fromBands) return fromBands;
  const opaque = compositeTraits(canvas, blended ? drawSteps : layerTraits);
  switch (init.format) {
    case "png":
      return opaque
        ? encodePng(rgbaToRgb(canvas, rgb), width, height, 3, PNG_PRESETS[init.compression])
        : encodePng(canvas, width, height, 4, PNG_PRESETS[init.compression]);
    case "webp":
      return (await loadSharp())(canvas, { raw: { width, height, channels: 4 } })
        .webp({ quality: init.quality, alphaQuality: 100 })
        .toBuffer();
    case "jpeg":
      return (await loadSharp())(canvas, { raw: { width, height, channels: 4 } })
        .flatten({ background: `#${init.flattenColor}` })
        .jpeg({ quality: init.quality, mozjpeg: false })
        .toBuffer();
  }
}

const placement = init.placement;
/**
 * Each worker writes its temp files into a folder of its own, then renames them into place: creating files
 * in one folder from two threads at once costs each thread more system time (the folder's lock), measured
 * ~10% more per file on a settled disk and twice as much (1.18 vs 0.57 ms) while ext4 without a journal walks
 * recently freed inodes, while a rename into a shared folder is cheap.
 */
const tempDir = placement ? join(placement.tempRoot, `worker-${threadId}`) : undefined;
/** A temp folder that cannot be made fails the first batch, as a refused write of the token, through the protocol. */
let tempDirFailure: unknown;
if (tempDir) {
  try {
    mkdirSync(tempDir, { recursive: true });
  } catch (e) {
    tempDirFailure = writeFailure(e, tempDir, "a temp folder");
  }
}

/** A killed run leaves whole files or none, never half of one; a refused write is a one-line error naming the file. */
function writeAtomic(root: string, dir: string, name: string, data: Uint8Array | string, what: string): void {
  const tmp = join(dir, `${name.replaceAll("/", "_")}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, join(root, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(e, join(root, name), what);
  }
}

async function renderOne(task: PlannedToken): Promise<{ rendered: RenderedToken; buffer?: ArrayBuffer }> {
  if (tempDirFailure) throw tempDirFailure;
  layerTraits.length = 0;
  layerTraitIds.length = 0;
  drawSteps.length = 0;
  blended = false;
  if (task.draw && steps) {
    for (const d of task.draw) {
      const s = steps[d];
      if (!s) throw new Error(`token ${task.id}: no draw step ${d}`);
      layerTraits.push(s.image);
      layerTraitIds.push(d);
      drawSteps.push(s.plain ? s.image : s.step);
      if (!s.plain) blended = true;
    }
  } else {
    task.traits.forEach((t, l) => {
      const trait = traits[l]?.[t];
      if (!trait) throw new Error(`token ${task.id}: no trait ${t} on layer ${l}`);
      layerTraits.push(trait);
      layerTraitIds.push((traitIdBase[l] ?? 0) + t);
    });
  }
  const bytes = await encode();
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (placement && tempDir) {
    writeAtomic(placement.root, tempDir, task.image, bytes, `token ${task.id}'s image`);
    writeAtomic(placement.root, tempDir, task.metadataPath, task.metadata, `token ${task.id}'s metadata`);
    return { rendered: { index: task.index, sha256, bytes: bytes.length } };
  }
  // The image leaves the worker: a copy of its own, so its buffer can be transferred rather than cloned.
  const image = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  return { rendered: { index: task.index, sha256, bytes: image.length, image }, buffer: image.buffer as ArrayBuffer };
}

if (parentPort) {
  serve<NodeRenderMethods>(nodeEndpoint(parentPort), {
    async render({ tokens }) {
      const results: RenderedToken[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const task of tokens) {
        // Stopped: the tokens done so far are the answer; the pipeline counts the rest as not done.
        if (isStopped()) break;
        let done: Awaited<ReturnType<typeof renderOne>>;
        try {
          done = await renderOne(task);
        } catch (e) {
          // Heard between two bands: this token is not written and not reported; a resume renders it.
          if (e instanceof StoppedMidToken) break;
          throw e;
        }
        const { rendered, buffer } = done;
        results.push(rendered);
        if (buffer) buffers.push(buffer);
      }
      return new Transfer({ results }, buffers);
    },
  });
}

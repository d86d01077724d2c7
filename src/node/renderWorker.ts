import { createHash } from "node:crypto";
import type Sharp from "sharp";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { compositeTraits } from "../render/composite.js";
import type { PreparedTrait } from "../render/composite.js";
import { unpackTraits } from "../render/pack.js";
import { PNG_PRESETS, encodePng, rgbaToRgb } from "./png.js";
import { BandedPngEncoder } from "./pngBands.js";
import type { NodeRenderInit, NodeRenderMethods, NodeRenderTask, NodeRenderedToken, Request, Response } from "../render/protocol.js";
import { toWorkerError } from "../render/protocol.js";
import { writeFailure } from "./files.js";

const init = workerData as NodeRenderInit;
const traits = unpackTraits(init.pack);
const { canvasWidth: width, canvasHeight: height } = init.pack;
const canvas = new Uint8Array(width * height * 4);
const rgb = new Uint8Array(width * height * 3);
const layerTraits: PreparedTrait[] = [];
const layerTraitIds: number[] = [];
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
  const fromBands = banded?.encode(canvas, layerTraits, layerTraitIds);
  if (fromBands) return fromBands;
  const opaque = compositeTraits(canvas, layerTraits);
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

/**
 * Each worker writes its temp files into a folder of its own, then renames them into place: creating files
 * in one folder from two threads at once costs each thread more system time (the folder's lock), measured
 * ~10% more per file on a settled disk and twice as much (1.18 vs 0.57 ms) while ext4 without a journal walks
 * recently freed inodes, while a rename into a shared folder is cheap.
 */
const tempDir = join(init.tempRoot, `worker-${threadId}`);
/** A temp folder that cannot be made fails the first batch, as a refused write of the token, through the protocol. */
let tempDirFailure: unknown;
try {
  mkdirSync(tempDir, { recursive: true });
} catch (e) {
  tempDirFailure = writeFailure(e, tempDir, "a temp folder");
}

/** A killed run leaves whole files or none, never half of one; a refused write is a one-line error naming the file. */
function writeAtomic(dir: string, name: string, data: Uint8Array | string, what: string): void {
  const tmp = join(tempDir, `${name}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeFailure(e, join(dir, name), what);
  }
}

async function renderOne(task: NodeRenderTask): Promise<NodeRenderedToken> {
  if (tempDirFailure) throw tempDirFailure;
  layerTraits.length = 0;
  layerTraitIds.length = 0;
  task.traits.forEach((t, l) => {
    const trait = traits[l]?.[t];
    if (!trait) throw new Error(`token ${task.id}: no trait ${t} on layer ${l}`);
    layerTraits.push(trait);
    layerTraitIds.push((traitIdBase[l] ?? 0) + t);
  });
  const bytes = await encode();
  writeAtomic(init.imagesDir, `${task.id}.${init.extension}`, bytes, `token ${task.id}'s image`);
  writeAtomic(init.metadataDir, `${task.id}.json`, task.metadata, `token ${task.id}'s metadata`);
  return { id: task.id, sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length };
}

parentPort?.on("message", (msg: Request<NodeRenderMethods>) => {
  void (async () => {
    let reply: Response<NodeRenderMethods>;
    try {
      const results: NodeRenderedToken[] = [];
      for (const task of msg.params.tokens) results.push(await renderOne(task));
      reply = { type: "response", id: msg.id, method: msg.method, ok: true, result: { results } };
    } catch (e) {
      reply = { type: "response", id: msg.id, method: msg.method, ok: false, error: toWorkerError(e) };
    }
    parentPort?.postMessage(reply);
  })();
});

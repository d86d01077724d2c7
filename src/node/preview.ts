/**
 * Previews of a finished collection folder, drawn with sharp: a collage (collage.png), a banner (banner.png) and
 * an animated GIF (preview.gif) under <out>/preview/. core/preview.ts decides what goes where; this file makes the
 * pixels in bounded memory:
 *
 * - A PNG canvas is never held whole. It is composed in horizontal bands (BAND_MAX_BYTES of raw pixels each),
 *   every band filtered with the row above it and fed to one zlib stream that is written out as IDAT chunks
 *   while the next band is composed. What is in memory is one band and the thumbnails of the cells crossing it,
 *   each made from its token file one at a time (read, resized, flattened onto the background) and dropped once
 *   the bands have passed it: an 8192 × 8192 collage costs what a 1400 × 400 banner does plus a row of thumbs.
 * - The GIF is written a frame at a time: each frame quantised to its own 256-colour palette (gifenc), its bytes
 *   appended to the file, the encoder's buffer reset. Per frame rather than one palette because the frames are
 *   different tokens: one backdrop or body colour per token can be all of a frame, and one table shared by 20
 *   tokens either drops some of those colours or needs every frame decoded first (a second pass, or all frames
 *   in memory). A local colour table costs 768 bytes a frame.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDeflate, crc32 } from "node:zlib";
import type * as Gifenc from "gifenc";
import sharp, { type OutputInfo } from "sharp";
import { TraitloomError } from "../core/errors.js";
import {
  BAND_MAX_BYTES,
  bandsOf,
  cellRect,
  DEFAULT_BACKGROUND,
  parsePreviewManifest,
  parsePreviewRanks,
  previewManifestReader,
  previewRanksReader,
  piecesInBand,
  planPreviews,
  type BannerRequest,
  type CollageRequest,
  type GifPlan,
  type GifRequest,
  type GridLayout,
  type PickRule,
  type PreviewCollection,
  type PreviewKernel,
  type PreviewPick,
  type Rgb,
  type TokenLineReader,
} from "../core/preview.js";
import { imageExtensionOf } from "../core/settings.js";
import { filterRows } from "../render/png/filters.js";
import { ensureDir, readRefusal, replaceAtomically } from "./files.js";
import { PNG_PRESETS, ZLIB_STRATEGY } from "./png.js";

// gifenc's CommonJS build sets its exports through a helper Node's ESM loader cannot read: import() sees only `default`.
const gifenc = createRequire(import.meta.url)("gifenc") as typeof Gifenc;

/** The folder under the collection that previews are written to. */
export const PREVIEW_DIR = "preview";
const CHANNELS = 3;

export type PreviewKind = "collage" | "banner" | "gif";

export interface PreviewOptions {
  /** The finished collection: images/, manifest.json (and rarity.json for pick "rank"). */
  outDir: string;
  /** Omitted or false: no collage. */
  collage?: Omit<CollageRequest, "tokens" | "tokenWidth" | "tokenHeight" | "gap"> | false | undefined;
  banner?: Omit<BannerRequest, "tokenWidth" | "tokenHeight" | "gap"> | false | undefined;
  gif?: Omit<GifRequest, "tokens" | "tokenWidth" | "tokenHeight"> | false | undefined;
  /** Default "seeded". */
  pick?: PreviewPick | undefined;
  /** For pick "seeded"; default the collection's own seed, so a collection always previews the same. */
  seed?: string | undefined;
  gap?: number | undefined;
  background?: Rgb | undefined;
  signal?: AbortSignal | undefined;
}

export interface PreviewFile {
  kind: PreviewKind;
  path: string;
  width: number;
  height: number;
  /** The ids shown, in order (a banner larger than the collection shows some twice). */
  tokens: number[];
  bytes: number;
  /** The grid of the collage or banner. */
  layout?: GridLayout;
  gif?: GifPlan;
}

export interface PreviewResult {
  files: PreviewFile[];
  /** What was adjusted: fewer tokens than asked, smaller thumbs. */
  notes: string[];
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function checkAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new TraitloomError("ABORTED", `stopped: ${what} not written`);
}

async function readCollectionFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw unreadable(e, path, what);
  }
}

function unreadable(e: unknown, path: string, what: string): TraitloomError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return badArgument(`${path}: expected ${what}, found no file`);
  return badArgument(`${path}: expected to read ${what}, found ${readRefusal(e) ?? String(e)}`);
}

/**
 * A collection file a line at a time through `reader` (core's TokenLineReader: one parsed token line in memory,
 * not the file); where the file is laid out otherwise, its whole text through `whole`.
 */
async function readTokenFile<R>(path: string, what: string, reader: TokenLineReader<R>, whole: (text: string, path: string) => R): Promise<R> {
  let lineByLine = true;
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!reader.line(line)) {
        lineByLine = false;
        break;
      }
    }
  } catch (e) {
    if (e instanceof TraitloomError) throw e;
    throw unreadable(e, path, what);
  } finally {
    lines.close();
    input.destroy();
  }
  const read = lineByLine ? reader.finish() : undefined;
  return read ?? whole(await readCollectionFile(path, what), path);
}

/** manifest.json of a finished collection, as a preview reads it (core/preview.ts previewManifestReader). */
export async function readPreviewCollection(outDir: string): Promise<PreviewCollection> {
  const path = join(outDir, "manifest.json");
  return readTokenFile(path, "the manifest of a finished collection (traitloom generate writes it)", previewManifestReader(path), parsePreviewManifest);
}

async function pickRule(options: PreviewOptions, collection: PreviewCollection): Promise<PickRule> {
  const pick = options.pick ?? "seeded";
  switch (pick) {
    case "first":
      return { pick };
    case "seeded":
      return { pick, seed: options.seed ?? collection.seed };
    case "rank": {
      const path = join(options.outDir, "rarity.json");
      const ranks = await readTokenFile(path, "the collection's rarity ranks (for --pick rank)", previewRanksReader(path), parsePreviewRanks);
      return { pick, ranks, unranked: new Set(collection.oneOfOnes ?? []) };
    }
  }
}

/** Where token `id`'s image is: images/<id>.<ext>. */
export function tokenImagePath(outDir: string, collection: PreviewCollection, id: number): string {
  return join(outDir, "images", `${id}.${imageExtensionOf(collection.format)}`);
}

async function readTokenImage(path: string, id: number): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw badArgument(`${path}: expected token ${id}'s image (manifest.json lists it), found no file`);
    throw badArgument(`${path}: expected to read token ${id}'s image, found ${readRefusal(e) ?? String(e)}`);
  }
}

function sharpBackground(background: Rgb): { r: number; g: number; b: number } {
  return { r: background[0], g: background[1], b: background[2] };
}

/** How the renderers draw each token. */
export interface DrawOptions {
  /** Behind the thumbs, in the gaps, and under transparent pixels. */
  background: Rgb;
  /**
   * sharp's resampling kernel. makePreviews takes "nearest" where thumbs are larger than the tokens (24 px pixel
   * art stays crisp blocks instead of a blur) and sharp's default, "lanczos3", where they are smaller.
   */
  kernel?: "nearest" | "lanczos3" | undefined;
  /** Seen between thumbnails: a stop is an ABORTED TraitloomError and no file (the temp file removed). */
  signal?: AbortSignal | undefined;
}

/**
 * One token as `width` × `height` pixels flattened onto the background: RGB, or RGBA (alpha 255) where
 * `channels` is 4. A token of another aspect ratio is letterboxed in the background colour rather than stretched.
 */
export async function tokenThumbnail(path: string, id: number, width: number, height: number, draw: DrawOptions, channels: 3 | 4): Promise<Buffer> {
  const input = await readTokenImage(path, id);
  const bg = sharpBackground(draw.background);
  let image = sharp(input)
    .resize(width, height, { fit: "contain", background: bg, kernel: draw.kernel ?? "lanczos3" })
    .flatten({ background: bg })
    .toColourspace("srgb");
  image = channels === 4 ? image.ensureAlpha(1) : image.removeAlpha();
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await image.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new TraitloomError("BAD_IMAGE", `${path}: expected token ${id}'s image, found a file sharp cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.info.width !== width || out.info.height !== height || out.info.channels !== channels) {
    throw new Error(`tokenThumbnail: expected ${width}x${height}x${channels} from sharp, received ${out.info.width}x${out.info.height}x${out.info.channels}`);
  }
  return out.data;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function pngHead(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type 2: RGB
  // Bytes 10-12 stay 0: deflate, adaptive filtering, no interlace (PNG spec 11.2.2).
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr)]);
}

/**
 * Draws a grid (collage or banner) into a PNG at `path`, band by band (see the file's comment): `fileOfCell(cell)`
 * names the token image of each cell and its id. Memory: one band, its row above, and the thumbnails of the
 * cells crossing the band, whatever the canvas's size. `bandMaxBytes` is for tests (bands that cut through
 * thumbnails must join without a seam). Returns the file's size in bytes.
 */
export async function renderGridPng(
  layout: GridLayout,
  fileOfCell: (cell: number) => { path: string; id: number },
  path: string,
  draw: DrawOptions & { bandMaxBytes?: number | undefined },
): Promise<number> {
  const { signal } = draw;
  const rowBytes = layout.width * CHANNELS;
  const bands = bandsOf(layout, CHANNELS, draw.bandMaxBytes ?? BAND_MAX_BYTES);
  const pattern = Buffer.from(draw.background);
  const thumbs = new Map<number, Buffer>();

  async function* filteredBands(): AsyncGenerator<Buffer> {
    // The band with the row above it in front, so Paeth filters each band exactly as inside the whole image.
    let above: Buffer | undefined;
    for (const band of bands) {
      const pixels = Buffer.alloc((band.height + 1) * rowBytes);
      const body = pixels.subarray(rowBytes);
      body.fill(pattern);
      for (const piece of piecesInBand(layout, band)) {
        let thumb = thumbs.get(piece.cell);
        if (thumb === undefined) {
          checkAborted(signal, path);
          const { path: file, id } = fileOfCell(piece.cell);
          thumb = await tokenThumbnail(file, id, layout.thumbWidth, layout.thumbHeight, draw, CHANNELS);
          thumbs.set(piece.cell, thumb);
        }
        const thumbRow = layout.thumbWidth * CHANNELS;
        for (let r = 0; r < piece.source.height; r++) {
          const from = (piece.source.y + r) * thumbRow + piece.source.x * CHANNELS;
          thumb.copy(body, (piece.y + r) * rowBytes + piece.x * CHANNELS, from, from + piece.source.width * CHANNELS);
        }
      }
      const bandEnd = band.y + band.height;
      for (const cell of thumbs.keys()) {
        const r = cellRect(layout, cell);
        if (r.y + r.height <= bandEnd) thumbs.delete(cell);
      }
      if (above) above.copy(pixels, 0);
      const filtered = filterRows(above ? pixels : body, layout.width, band.height, CHANNELS, PNG_PRESETS.balanced.filter, above !== undefined);
      above = Buffer.from(body.subarray(body.length - rowBytes));
      // filterRows returns scratch memory that its next call reuses; zlib reads the chunk later, on its own thread.
      yield Buffer.from(filtered);
    }
  }

  async function* pngChunks(idat: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    yield pngHead(layout.width, layout.height);
    for await (const data of idat) yield pngChunk("IDAT", data);
    yield pngChunk("IEND", new Uint8Array(0));
  }

  let bytes = 0;
  await replaceAtomically(path, "the preview image", async (tmp) => {
    const file = createWriteStream(tmp);
    const deflate = createDeflate({
      level: PNG_PRESETS.balanced.level,
      strategy: ZLIB_STRATEGY[PNG_PRESETS.balanced.strategy],
      memLevel: PNG_PRESETS.balanced.memLevel,
    });
    // highWaterMark 1: the stream pulls the next band only once zlib has taken the last (16 objects by default).
    // No signal for pipeline itself: a stop is seen between thumbnails (checkAborted), as an ABORTED error.
    await pipeline(Readable.from(filteredBands(), { highWaterMark: 1 }), deflate, pngChunks, file);
    bytes = file.bytesWritten;
  });
  return bytes;
}

/**
 * Writes the GIF at `path`: one frame per file, each `plan.width` × `plan.height` on the background, quantised to
 * its own palette and appended to the file before the next is decoded. Returns the file's size in bytes.
 */
export async function renderGif(
  plan: GifPlan,
  files: readonly { path: string; id: number }[],
  path: string,
  draw: DrawOptions,
): Promise<number> {
  const { signal } = draw;
  let bytes = 0;
  await replaceAtomically(path, "the preview GIF", async (tmp) => {
    const out = await open(tmp, "w");
    try {
      const gif = gifenc.GIFEncoder({ auto: false });
      gif.writeHeader();
      const flush = async (): Promise<void> => {
        const view = gif.bytesView();
        await out.write(view, 0, view.length);
        bytes += view.length;
        gif.reset();
      };
      for (const [i, file] of files.entries()) {
        checkAborted(signal, path);
        const rgba = await tokenThumbnail(file.path, file.id, plan.width, plan.height, draw, 4);
        // rgb565: the frames are opaque, and 5-6-5 bits keep skin and sky gradients apart better than 4-4-4.
        const palette = gifenc.quantize(rgba, 256, { format: "rgb565" });
        const index = gifenc.applyPalette(rgba, palette, "rgb565");
        gif.writeFrame(index, plan.width, plan.height, { palette, delay: plan.delayMs, repeat: plan.repeat, first: i === 0 });
        await flush();
      }
      gif.finish();
      await flush();
    } finally {
      await out.close();
    }
  });
  return bytes;
}

/**
 * Makes the previews of a finished collection in <outDir>/preview/: collage.png, banner.png and preview.gif, each
 * that `options` asks for. The tokens are picked once (core/preview.ts pickTokens) so the GIF's frames and the
 * banner's first cells are the collage's first tokens. Errors are one-line TraitloomErrors: a missing manifest or
 * image, a collage that does not fit (BAD_ARGUMENT), an image sharp cannot read (BAD_IMAGE), a stop (ABORTED).
 *
 * @example
 * const { files } = await makePreviews({ outDir: "out", collage: { count: 400 }, banner: {}, gif: { count: 30 } });
 */
export async function makePreviews(options: PreviewOptions): Promise<PreviewResult> {
  const collection = await readPreviewCollection(options.outDir);
  const rule = await pickRule(options, collection);
  const background = options.background ?? DEFAULT_BACKGROUND;
  const planned = planPreviews(collection, rule, options);
  const kernelOf = (k: PreviewKernel): DrawOptions["kernel"] => (k === "nearest" ? "nearest" : "lanczos3");
  const fileOf = (id: number): { path: string; id: number } => ({ path: tokenImagePath(options.outDir, collection, id), id });

  const dir = join(options.outDir, PREVIEW_DIR);
  await ensureDir(dir);
  const files: PreviewFile[] = [];
  for (const [kind, grid] of [["collage", planned.collage], ["banner", planned.banner]] as const) {
    if (!grid) continue;
    const { layout, ids } = grid;
    const path = join(dir, `${kind}.png`);
    const draw = { background, signal: options.signal, kernel: kernelOf(grid.kernel) };
    const bytes = await renderGridPng(layout, (cell) => fileOf(ids[cell] as number), path, draw);
    files.push({ kind, path, width: layout.width, height: layout.height, tokens: ids, bytes, layout });
  }
  if (planned.gif) {
    const { plan, ids, kernel } = planned.gif;
    const path = join(dir, "preview.gif");
    const bytes = await renderGif(plan, ids.map(fileOf), path, { background, signal: options.signal, kernel: kernelOf(kernel) });
    files.push({ kind: "gif", path, width: plan.width, height: plan.height, tokens: ids, bytes, gif: plan });
  }
  return { files, notes: planned.notes };
}

/**
 * `traitloom preview` in the studio: a collage, a banner and an animated GIF of a finished run, read from its
 * archive. What goes where, which tokens and how many is core's (planPreviews, pickTokens, the size limits); here
 * the pixels are drawn with a canvas instead of sharp: each token flattened onto the background and fitted into its
 * cell, the GIF a frame at a time with a palette per frame (gifenc), as the CLI does.
 */
import { applyPalette, GIFEncoder, quantize } from "gifenc";
import { TraitloomError } from "../core/errors.js";
import {
  DEFAULT_BACKGROUND,
  parsePreviewManifest,
  parsePreviewRanks,
  planPreviews,
  type PickRule,
  type PlannedGrid,
  type PreviewChoices,
  type PreviewCollection,
  type PreviewKernel,
  type PreviewPick,
  type Rgb,
  cellRect,
} from "../core/preview.js";
import { tokenPaths } from "../render/pipeline.js";
import { entryBlob, readZipIndex, type ZipIndexEntry } from "./zipIndex.js";

export type StudioPreviewKind = "collage" | "banner" | "gif";

export interface StudioPreview {
  kind: StudioPreviewKind;
  /** The file's name, as `traitloom preview` names it: collage.png, banner.png, preview.gif. */
  name: string;
  blob: Blob;
  width: number;
  height: number;
  /** The ids shown, in order. */
  tokens: number[];
}

export interface StudioPreviewOptions extends PreviewChoices {
  /** Default "seeded". */
  pick?: PreviewPick | undefined;
  /** For pick "seeded"; default the collection's own seed. */
  seed?: string | undefined;
  background?: Rgb | undefined;
  signal?: AbortSignal | undefined;
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

type Canvas2D = OffscreenCanvasRenderingContext2D;

/** A run's archive, as the previews read it: the manifest, the ranks where asked, each token's image by id. */
class ArchiveImages {
  private readonly bitmaps = new Map<number, ImageBitmap>();
  constructor(
    private readonly archive: Blob,
    private readonly index: ReadonlyMap<string, ZipIndexEntry>,
    private readonly collection: PreviewCollection,
    private readonly location: string,
  ) {}

  static async open(archive: Blob, location: string): Promise<{ images: ArchiveImages; collection: PreviewCollection; text: (name: string, what: string) => Promise<string> }> {
    const index = new Map((await readZipIndex(archive)).map((e) => [e.name, e]));
    const text = async (name: string, what: string): Promise<string> => {
      const entry = index.get(name);
      if (!entry) throw badArgument(`${location}/${name}: expected ${what}, found no file`);
      return (await entryBlob(archive, entry)).text();
    };
    const collection = parsePreviewManifest(await text("manifest.json", "the manifest of a finished collection (traitloom generate writes it)"), `${location}/manifest.json`);
    return { images: new ArchiveImages(archive, index, collection, location), collection, text };
  }

  /** Refuses, before anything is drawn, a token whose image the archive does not hold. */
  checkHeld(ids: Iterable<number>): void {
    for (const id of new Set(ids)) {
      const path = tokenPaths(id, this.collection).image;
      if (!this.index.has(path)) throw badArgument(`${this.location}/${path}: expected token ${id}'s image (manifest.json lists it), found no file`);
    }
  }

  async bitmap(id: number): Promise<ImageBitmap> {
    const held = this.bitmaps.get(id);
    if (held) return held;
    const path = tokenPaths(id, this.collection).image;
    const entry = this.index.get(path);
    if (!entry) throw badArgument(`${this.location}/${path}: expected token ${id}'s image (manifest.json lists it), found no file`);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(await entryBlob(this.archive, entry, "image/png"));
    } catch (e) {
      throw new TraitloomError("BAD_IMAGE", `${this.location}/${path}: expected token ${id}'s image, found a file the browser cannot read (${e instanceof Error ? e.message : String(e)})`);
    }
    this.bitmaps.set(id, bitmap);
    return bitmap;
  }

  close(): void {
    for (const b of this.bitmaps.values()) b.close();
    this.bitmaps.clear();
  }
}

function cssColor(rgb: Rgb): string {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

/**
 * A token fitted into a `width` × `height` box at (x, y), aspect kept and centred (sharp's fit "contain"): the
 * background shows where the aspect differs, and under transparent pixels, as the box was filled with it first.
 */
function drawToken(ctx: Canvas2D, bitmap: ImageBitmap, x: number, y: number, width: number, height: number, kernel: PreviewKernel): void {
  const scale = Math.min(width / bitmap.width, height / bitmap.height);
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  ctx.imageSmoothingEnabled = kernel !== "nearest";
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, x + Math.floor((width - w) / 2), y + Math.floor((height - h) / 2), w, h);
}

async function drawGrid(grid: PlannedGrid, images: ArchiveImages, background: Rgb, signal: AbortSignal | undefined): Promise<Blob> {
  const { layout } = grid;
  const canvas = new OffscreenCanvas(layout.width, layout.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("previews: no 2D canvas");
  ctx.fillStyle = cssColor(background);
  ctx.fillRect(0, 0, layout.width, layout.height);
  for (let cell = 0; cell < layout.cells; cell++) {
    if (signal?.aborted) throw new TraitloomError("ABORTED", "stopped: the previews were not made");
    const r = cellRect(layout, cell);
    if (r.x >= layout.width || r.y >= layout.height || r.x + r.width <= 0 || r.y + r.height <= 0) continue;
    drawToken(ctx, await images.bitmap(grid.ids[cell] as number), r.x, r.y, r.width, r.height, grid.kernel);
  }
  return canvas.convertToBlob({ type: "image/png" });
}

async function drawGif(plan: { width: number; height: number; delayMs: number; repeat: number }, ids: readonly number[], kernel: PreviewKernel, images: ArchiveImages, background: Rgb, signal: AbortSignal | undefined): Promise<Blob> {
  const canvas = new OffscreenCanvas(plan.width, plan.height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("previews: no 2D canvas");
  const gif = GIFEncoder({ auto: false });
  gif.writeHeader();
  const parts: Uint8Array[] = [];
  const flush = (): void => {
    parts.push(gif.bytes());
    gif.reset();
  };
  for (const [i, id] of ids.entries()) {
    if (signal?.aborted) throw new TraitloomError("ABORTED", "stopped: the previews were not made");
    ctx.fillStyle = cssColor(background);
    ctx.fillRect(0, 0, plan.width, plan.height);
    drawToken(ctx, await images.bitmap(id), 0, 0, plan.width, plan.height, kernel);
    const rgba = ctx.getImageData(0, 0, plan.width, plan.height).data;
    // rgb565, as the CLI: the frames are opaque, and 5-6-5 bits keep gradients apart better than 4-4-4.
    const palette = quantize(rgba, 256, { format: "rgb565" });
    const index = applyPalette(rgba, palette, "rgb565");
    gif.writeFrame(index, plan.width, plan.height, { palette, delay: plan.delayMs, repeat: plan.repeat, first: i === 0 });
    flush();
  }
  gif.finish();
  flush();
  return new Blob(parts as Uint8Array<ArrayBuffer>[], { type: "image/gif" });
}

/**
 * The previews `options` asks for, of the run in `archive` (its manifest.json, rarity.json for pick "rank", its
 * images): planned by core before anything is drawn, so a collage that does not fit is refused in core's words.
 */
export async function makeStudioPreviews(archive: Blob, options: StudioPreviewOptions, location = "the run's archive"): Promise<{ files: StudioPreview[]; notes: string[] }> {
  const { images, collection, text } = await ArchiveImages.open(archive, location);
  try {
    const pick = options.pick ?? "seeded";
    let rule: PickRule;
    switch (pick) {
      case "first":
        rule = { pick };
        break;
      case "seeded":
        rule = { pick, seed: options.seed ?? collection.seed };
        break;
      case "rank":
        rule = {
          pick,
          ranks: parsePreviewRanks(await text("rarity.json", "the collection's rarity ranks (for --pick rank)"), `${location}/rarity.json`),
          unranked: new Set(collection.oneOfOnes ?? []),
        };
        break;
    }
    const planned = planPreviews(collection, rule, options);
    images.checkHeld([...(planned.collage?.ids ?? []), ...(planned.banner?.ids ?? []), ...(planned.gif?.ids ?? [])]);
    const background = options.background ?? DEFAULT_BACKGROUND;
    const files: StudioPreview[] = [];
    for (const [kind, grid] of [["collage", planned.collage], ["banner", planned.banner]] as const) {
      if (!grid) continue;
      files.push({ kind, name: `${kind}.png`, blob: await drawGrid(grid, images, background, options.signal), width: grid.layout.width, height: grid.layout.height, tokens: grid.ids });
    }
    if (planned.gif) {
      const { plan, ids, kernel } = planned.gif;
      files.push({ kind: "gif", name: "preview.gif", blob: await drawGif(plan, ids, kernel, images, background, options.signal), width: plan.width, height: plan.height, tokens: ids });
    }
    return { files, notes: planned.notes };
  } finally {
    images.close();
  }
}

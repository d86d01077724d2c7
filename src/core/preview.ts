/**
 * Previews of a finished collection, as pure layout: which tokens, where each thumbnail sits in the collage and
 * the banner, which horizontal bands the renderer composes one after another, and the GIF's frames. No pixels
 * here: src/node/preview.ts (and later the studio) draws what this plans.
 *
 * HashLips' preview draws every token of the collection into one canvas (250 × 10·N px: 5,000 tokens make a
 * 100 × 125,000 canvas that cairo refuses, HL #720, FIELD.md F12). Here a collage holds N chosen tokens, its sides
 * are capped at MAX_PREVIEW_SIDE_PX, and the renderer never holds the canvas at all, only one band of it.
 */
import { z } from "zod";
import { TraitloomError } from "./errors.js";
import { createRng } from "./rng.js";
import type { ImageFormat } from "./settings.js";

/**
 * Longest side of a collage or banner. 8192 px is the texture limit of most GPUs and the largest image the
 * common viewers and marketplaces' uploaders take whole; past it a "preview" is no longer one look.
 */
export const MAX_PREVIEW_SIDE_PX = 8192;
/** Smallest thumbnail a collage shrinks to before refusing: below 16 px a token is a few coloured pixels. */
export const MIN_THUMB_PX = 16;
/** Largest thumbnail (its longer side): a bigger one is the token, not a thumbnail, and the renderer keeps a row of them. */
export const MAX_THUMB_PX = 2048;
export const DEFAULT_COLLAGE_COUNT = 100;
export const DEFAULT_THUMB_PX = 128;
export const DEFAULT_GAP_PX = 4;
export const DEFAULT_BACKGROUND: Rgb = [255, 255, 255];
/** OpenSea's collection banner (and HL #265's hand-made one): 1400 × 400. */
export const DEFAULT_BANNER_WIDTH_PX = 1400;
export const DEFAULT_BANNER_HEIGHT_PX = 400;
/** A banner has one row of thumbs per this many pixels of height (two rows in 400 px). */
const BANNER_ROW_PX = 200;
export const DEFAULT_GIF_COUNT = 20;
/** Frame delay; GIF stores centiseconds, and browsers show delays under 20 ms as 100 ms. */
export const DEFAULT_GIF_DELAY_MS = 500;
export const MIN_GIF_DELAY_MS = 20;
/** The largest delay a GIF holds: 65,535 centiseconds. */
export const MAX_GIF_DELAY_MS = 655_350;
/** Longer side of a GIF frame unless asked; never larger than the tokens themselves. */
export const DEFAULT_GIF_SIZE_PX = 512;
export const MAX_GIF_SIDE_PX = 2048;
/** Frames one GIF holds at most: each is a full frame, so 1,000 at 512 px is already a file of tens of MB. */
export const MAX_GIF_FRAMES = 1000;
/**
 * Bytes of raw pixels one band of a collage or banner holds: what the renderer keeps of the canvas at a time
 * (the band, its filtered copy and zlib's input each hold about this much). 16 MiB bands took ~70 MB more peak
 * RSS than 4 MiB ones on a 5,944 px collage; smaller bands only add calls.
 */
export const BAND_MAX_BYTES = 4 * 1024 * 1024;

export type Rgb = readonly [number, number, number];

/** How the tokens of a preview are chosen: by the seed, by rarity rank (rarest first), or the first ids. */
export type PreviewPick = "seeded" | "rank" | "first";
export const PREVIEW_PICKS: readonly PreviewPick[] = ["seeded", "rank", "first"];

/** `unranked`: ids that have no rank by design (1-of-1s, left out of trait rarity): shown first, by id. */
export type PickRule = { pick: "first" } | { pick: "seeded"; seed: string } | { pick: "rank"; ranks: ReadonlyMap<number, number>; unranked?: ReadonlySet<number> };

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * The ids of `count` tokens of `ids` (manifest order), in the order the preview shows them. "first": the first
 * `count`. "seeded": a partial Fisher-Yates shuffle from the seed (stream "preview"), so a longer pick starts with
 * a shorter one's tokens: the GIF's frames are the collage's first cells. "rank": rarest first (rank ascending,
 * ties by id); a token without a rank is a BAD_ARGUMENT error naming rarity.json. `count` is capped at ids.length.
 * Memory is O(count), not O(ids) (beyond the rank sort), so a 100,000-token collection costs nothing extra.
 *
 * @example pickTokens(collection.ids, 100, { pick: "seeded", seed: collection.seed })
 */
export function pickTokens(ids: readonly number[], count: number, rule: PickRule): number[] {
  const n = Math.min(count, ids.length);
  switch (rule.pick) {
    case "first":
      return ids.slice(0, n);
    case "seeded": {
      const rng = createRng(rule.seed, "preview");
      // The array being shuffled, held as its swapped entries only: index → id where it differs from ids[index].
      const swapped = new Map<number, number>();
      const at = (i: number): number => swapped.get(i) ?? (ids[i] as number);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const j = i + rng.int(ids.length - i);
        const chosen = at(j);
        swapped.set(j, at(i));
        swapped.delete(i);
        out.push(chosen);
      }
      return out;
    }
    case "rank": {
      const unranked = rule.unranked ?? new Set<number>();
      for (const id of ids) {
        if (!rule.ranks.has(id) && !unranked.has(id)) throw badArgument(`rarity.json: tokens: expected a rank for token ${id} (manifest.json lists it), found none`);
      }
      const rank = (id: number): number => (unranked.has(id) ? 0 : (rule.ranks.get(id) as number));
      const sorted = [...ids].sort((a, b) => rank(a) - rank(b) || a - b);
      return sorted.slice(0, n);
    }
  }
}

/** The token shown in `cell`: a banner with more cells than the collection has tokens shows them again in order. */
export function tokenOfCell(picked: readonly number[], cell: number): number {
  const id = picked[cell % picked.length];
  if (id === undefined) throw new Error("tokenOfCell: no tokens picked");
  return id;
}

/** A thumbnail's size: the longer side `longSide`, the other in the tokens' aspect ratio (at least 1 px). */
export function thumbSize(tokenWidth: number, tokenHeight: number, longSide: number): { width: number; height: number } {
  if (tokenWidth >= tokenHeight) return { width: longSide, height: Math.max(1, Math.round((longSide * tokenHeight) / tokenWidth)) };
  return { width: Math.max(1, Math.round((longSide * tokenWidth) / tokenHeight)), height: longSide };
}

/**
 * Thumbnails in a grid on a canvas: cell i is in column i % columns, row ⌊i / columns⌋, its top-left corner at
 * (originX + column·(thumbWidth + gap), originY + row·(thumbHeight + gap)). Cells may reach past the canvas (a
 * banner's edges are cropped); `cells` of them hold a token.
 */
export interface GridLayout {
  width: number;
  height: number;
  columns: number;
  rows: number;
  cells: number;
  thumbWidth: number;
  thumbHeight: number;
  gap: number;
  originX: number;
  originY: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function cellRect(layout: GridLayout, cell: number): Rect {
  const column = cell % layout.columns;
  const row = Math.floor(cell / layout.columns);
  return {
    x: layout.originX + column * (layout.thumbWidth + layout.gap),
    y: layout.originY + row * (layout.thumbHeight + layout.gap),
    width: layout.thumbWidth,
    height: layout.thumbHeight,
  };
}

export interface CollageRequest {
  /** Tokens in the collection. */
  tokens: number;
  /** Tokens in the collage (--collage N); capped at `tokens`. */
  count?: number | undefined;
  columns?: number | undefined;
  /** The thumbnails' longer side (--thumb). Given, a collage that does not fit is refused; left out, the thumbs shrink to fit. */
  thumb?: number | undefined;
  gap?: number | undefined;
  tokenWidth: number;
  tokenHeight: number;
  maxSide?: number | undefined;
}

export interface PlannedLayout {
  layout: GridLayout;
  /** What was adjusted, for the user: "collage: 30 tokens, all the collection has (asked for 100)". */
  notes: string[];
}

function gridSide(cells: number, thumb: number, gap: number): number {
  return cells * thumb + (cells + 1) * gap;
}

/** How many cells of `thumb` px fit in `side` px with a gap between them and around them. */
function cellsThatFit(side: number, thumb: number, gap: number): number {
  return Math.max(0, Math.floor((side - gap) / (thumb + gap)));
}

function checkWhole(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw badArgument(`${name}: expected a whole number from ${min} to ${max}, found ${value}`);
}

/** What to do when even MIN_THUMB_PX thumbs do not fit: how many tokens (or columns) would. */
function tooManyHint(req: CollageRequest, gap: number, maxSide: number): string {
  const atMin = thumbSize(req.tokenWidth, req.tokenHeight, MIN_THUMB_PX);
  const columnsFit = cellsThatFit(maxSide, atMin.width, gap);
  const rowsFit = cellsThatFit(maxSide, atMin.height, gap);
  if (req.columns !== undefined && req.columns > columnsFit) return `at most ${fmt(columnsFit)} columns fit at ${MIN_THUMB_PX} px: use --columns ${columnsFit} or less`;
  const most = (req.columns ?? columnsFit) * rowsFit;
  return `at most ${fmt(most)} tokens fit at ${MIN_THUMB_PX} px${req.columns !== undefined ? ` in ${req.columns} columns` : ""}: use --collage ${most} or less`;
}

/**
 * The collage's grid: N tokens in C columns (⌈√N⌉ for square tokens unless given) of thumbs with the gap between
 * them and as a margin, no side over `maxSide` (MAX_PREVIEW_SIDE_PX). A thumb size that was not asked for shrinks
 * until the grid fits (down to MIN_THUMB_PX, said in a note); one that was asked for, or a grid that does not fit
 * even at MIN_THUMB_PX, is a one-line BAD_ARGUMENT error saying what would fit.
 *
 * @example planCollage({ tokens: 10_000, count: 400, tokenWidth: 512, tokenHeight: 512 }) // 20 × 20 at 128 px
 */
export function planCollage(req: CollageRequest): PlannedLayout {
  const maxSide = req.maxSide ?? MAX_PREVIEW_SIDE_PX;
  const gap = req.gap ?? DEFAULT_GAP_PX;
  checkWhole("--gap", gap, 0, 256);
  if (req.count !== undefined) checkWhole("--collage", req.count, 1, Number.MAX_SAFE_INTEGER);
  if (req.columns !== undefined) checkWhole("--columns", req.columns, 1, maxSide);
  if (req.thumb !== undefined) checkWhole("--thumb", req.thumb, 1, MAX_THUMB_PX);
  if (req.tokens < 1) throw badArgument("collage: expected a collection with at least one token, found none");
  const notes: string[] = [];
  const asked = req.count ?? DEFAULT_COLLAGE_COUNT;
  const n = Math.min(asked, req.tokens);
  if (n < asked && req.count !== undefined) notes.push(`collage: ${fmt(n)} tokens, all the collection has (asked for ${fmt(asked)})`);

  const shape = (long: number): { columns: number; rows: number; tw: number; th: number } => {
    const { width: tw, height: th } = thumbSize(req.tokenWidth, req.tokenHeight, long);
    // Columns for a squarish collage: C·tw ≈ R·th with R·C ≈ N.
    const columns = Math.min(n, req.columns ?? Math.max(1, Math.ceil(Math.sqrt((n * th) / tw))));
    return { columns, rows: Math.ceil(n / columns), tw, th };
  };
  const fits = (long: number): boolean => {
    const s = shape(long);
    return gridSide(s.columns, s.tw, gap) <= maxSide && gridSide(s.rows, s.th, gap) <= maxSide;
  };

  const requested = req.thumb ?? DEFAULT_THUMB_PX;
  let long = requested;
  if (!fits(long)) {
    let best: number | undefined;
    for (let l = requested - 1; l >= MIN_THUMB_PX && best === undefined; l--) if (fits(l)) best = l;
    if (req.thumb !== undefined || best === undefined) {
      const s = shape(requested);
      const size = `${fmt(gridSide(s.columns, s.tw, gap))} × ${fmt(gridSide(s.rows, s.th, gap))} px`;
      const subject = req.thumb !== undefined ? `--thumb ${req.thumb}` : `--collage ${n}`;
      const grid = `${fmt(n)} tokens in ${fmt(s.columns)} columns at ${requested} px make a ${size} collage, over the ${fmt(maxSide)} px limit`;
      throw badArgument(`${subject}: ${grid}; ${best !== undefined ? `use --thumb ${best} or less, or fewer tokens (--collage)` : tooManyHint(req, gap, maxSide)}`);
    }
    long = best;
    notes.push(`collage: thumbs of ${long} px instead of ${requested} px, so the collage fits in ${fmt(maxSide)} px a side`);
  }
  const s = shape(long);
  return {
    layout: {
      width: gridSide(s.columns, s.tw, gap),
      height: gridSide(s.rows, s.th, gap),
      columns: s.columns,
      rows: s.rows,
      cells: n,
      thumbWidth: s.tw,
      thumbHeight: s.th,
      gap,
      originX: gap,
      originY: gap,
    },
    notes,
  };
}

export interface BannerRequest {
  width?: number | undefined;
  height?: number | undefined;
  /** Rows of thumbs; one per 200 px of height unless given. */
  rows?: number | undefined;
  gap?: number | undefined;
  tokenWidth: number;
  tokenHeight: number;
}

/**
 * The banner: `rows` rows of thumbs as tall as the height allows (with the gap between and around them), as many
 * columns as cover the width, the grid centred so its overflow is cropped evenly at both ends. Every cell holds a
 * token (tokenOfCell repeats them when the collection is smaller than the banner).
 */
export function planBanner(req: BannerRequest): GridLayout {
  const width = req.width ?? DEFAULT_BANNER_WIDTH_PX;
  const height = req.height ?? DEFAULT_BANNER_HEIGHT_PX;
  const gap = req.gap ?? DEFAULT_GAP_PX;
  const sideOk = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_PREVIEW_SIDE_PX;
  if (!sideOk(width) || !sideOk(height)) {
    throw badArgument(`--banner-size: expected a width and a height from 1 to ${MAX_PREVIEW_SIDE_PX} px, found ${width}x${height}`);
  }
  const rows = req.rows ?? Math.max(1, Math.round(height / BANNER_ROW_PX));
  checkWhole("banner rows", rows, 1, height);
  const th = Math.floor((height - (rows + 1) * gap) / rows);
  if (th < 1) throw badArgument(`banner: ${rows} rows with a ${gap} px gap leave no room in ${height} px; use a smaller --gap`);
  const tw = Math.max(1, Math.round((th * req.tokenWidth) / req.tokenHeight));
  const columns = Math.max(1, Math.ceil((width - gap) / (tw + gap)));
  return {
    width,
    height,
    columns,
    rows,
    cells: rows * columns,
    thumbWidth: tw,
    thumbHeight: th,
    gap,
    originX: gap + Math.floor((width - gridSide(columns, tw, gap)) / 2),
    originY: gap + Math.floor((height - gridSide(rows, th, gap)) / 2),
  };
}

/** Rows [y, y + height) of a canvas that the renderer composes and encodes together. */
export interface Band {
  y: number;
  height: number;
}

/** The canvas in bands of at most `maxBytes` of raw pixels (at least one row each), top to bottom. */
export function bandsOf(layout: Pick<GridLayout, "width" | "height">, channels: number, maxBytes = BAND_MAX_BYTES): Band[] {
  const rows = Math.max(1, Math.floor(maxBytes / (layout.width * channels)));
  const bands: Band[] = [];
  for (let y = 0; y < layout.height; y += rows) bands.push({ y, height: Math.min(rows, layout.height - y) });
  return bands;
}

/** The part of a cell's thumbnail inside a band: `source` in the thumbnail's pixels, (`x`, `y`) in the band's. */
export interface Piece {
  cell: number;
  source: Rect;
  x: number;
  y: number;
}

/** Every piece of a thumbnail that lands in `band` and on the canvas, clipped to both, cells in order. */
export function piecesInBand(layout: GridLayout, band: Band): Piece[] {
  const pitch = layout.thumbHeight + layout.gap;
  const firstRow = Math.max(0, Math.floor((band.y - layout.originY - layout.thumbHeight) / pitch));
  const lastRow = Math.min(layout.rows - 1, Math.floor((band.y + band.height - 1 - layout.originY) / pitch));
  const pieces: Piece[] = [];
  for (let row = firstRow; row <= lastRow; row++) {
    for (let column = 0; column < layout.columns; column++) {
      const cell = row * layout.columns + column;
      if (cell >= layout.cells) break;
      const r = cellRect(layout, cell);
      const x0 = Math.max(r.x, 0);
      const x1 = Math.min(r.x + r.width, layout.width);
      const y0 = Math.max(r.y, band.y, 0);
      const y1 = Math.min(r.y + r.height, band.y + band.height, layout.height);
      if (x1 <= x0 || y1 <= y0) continue;
      pieces.push({ cell, source: { x: x0 - r.x, y: y0 - r.y, width: x1 - x0, height: y1 - y0 }, x: x0, y: y0 - band.y });
    }
  }
  return pieces;
}

export type GifLoop = "forever" | "once" | number;

export interface GifRequest {
  tokens: number;
  count?: number | undefined;
  /** Longer side of the frames; DEFAULT_GIF_SIZE_PX, or the tokens' own size where smaller. */
  size?: number | undefined;
  delayMs?: number | undefined;
  loop?: GifLoop | undefined;
  tokenWidth: number;
  tokenHeight: number;
}

export interface GifPlan {
  frames: number;
  width: number;
  height: number;
  delayMs: number;
  /** The NETSCAPE2.0 loop count as gifenc takes it: 0 forever, -1 no loop block (play once), n: n more times. */
  repeat: number;
}

/** The GIF: how many frames (one token each, in pick order), their size, delay and looping. */
export function planGif(req: GifRequest): { plan: GifPlan; notes: string[] } {
  if (req.count !== undefined) checkWhole("--gif", req.count, 1, MAX_GIF_FRAMES);
  if (req.size !== undefined) checkWhole("--gif-size", req.size, 1, MAX_GIF_SIDE_PX);
  const delayMs = req.delayMs ?? DEFAULT_GIF_DELAY_MS;
  checkWhole("--delay", delayMs, MIN_GIF_DELAY_MS, MAX_GIF_DELAY_MS);
  const loop = req.loop ?? "forever";
  if (typeof loop === "number") checkWhole("--loop", loop, 1, 65_535);
  if (req.tokens < 1) throw badArgument("gif: expected a collection with at least one token, found none");
  const notes: string[] = [];
  const asked = req.count ?? DEFAULT_GIF_COUNT;
  const frames = Math.min(asked, req.tokens);
  if (frames < asked && req.count !== undefined) notes.push(`gif: ${fmt(frames)} frames, all the collection has (asked for ${fmt(asked)})`);
  const long = req.size ?? Math.min(DEFAULT_GIF_SIZE_PX, Math.max(req.tokenWidth, req.tokenHeight));
  const { width, height } = thumbSize(req.tokenWidth, req.tokenHeight, long);
  const repeat = loop === "forever" ? 0 : loop === "once" ? -1 : loop;
  return { plan: { frames, width, height, delayMs, repeat }, notes };
}

// ---- the previews of one collection, planned together ------------------------------------------------------

/** What to make, as `traitloom preview` and the studio's previews ask for it; a kind left out or false is not made. */
export interface PreviewChoices {
  collage?: Omit<CollageRequest, "tokens" | "tokenWidth" | "tokenHeight" | "gap"> | false | undefined;
  banner?: Omit<BannerRequest, "tokenWidth" | "tokenHeight" | "gap"> | false | undefined;
  gif?: Omit<GifRequest, "tokens" | "tokenWidth" | "tokenHeight"> | false | undefined;
  gap?: number | undefined;
}

/** How a thumbnail is resampled: "nearest" where it is larger than the token (pixel art stays crisp), else smooth. */
export type PreviewKernel = "nearest" | "smooth";

export interface PlannedGrid {
  layout: GridLayout;
  /** The token of every cell, in cell order (a banner larger than the collection shows tokens again). */
  ids: number[];
  kernel: PreviewKernel;
}

export interface PlannedPreviews {
  collage?: PlannedGrid | undefined;
  banner?: PlannedGrid | undefined;
  gif?: { plan: GifPlan; ids: number[]; kernel: PreviewKernel } | undefined;
  /** What was adjusted: fewer tokens than asked, smaller thumbs. */
  notes: string[];
}

/**
 * Every preview of a collection planned before a pixel is drawn (so a collage that does not fit fails first), the
 * tokens picked once (pickTokens) so the GIF's frames and the banner's first cells are the collage's first tokens.
 * The CLI (src/node/preview.ts) and the studio draw what this returns.
 */
export function planPreviews(collection: PreviewCollection, rule: PickRule, choices: PreviewChoices): PlannedPreviews {
  const gap = choices.gap ?? DEFAULT_GAP_PX;
  const token = { tokenWidth: collection.width, tokenHeight: collection.height };
  const tokens = collection.ids.length;
  const notes: string[] = [];
  const collage = choices.collage ? planCollage({ ...choices.collage, ...token, tokens, gap }) : undefined;
  const banner = choices.banner ? planBanner({ ...choices.banner, ...token, gap }) : undefined;
  const gif = choices.gif ? planGif({ ...choices.gif, ...token, tokens }) : undefined;
  if (collage) notes.push(...collage.notes);
  if (gif) notes.push(...gif.notes);
  const most = Math.max(collage?.layout.cells ?? 0, banner ? Math.min(banner.cells, tokens) : 0, gif?.plan.frames ?? 0);
  const picked = pickTokens(collection.ids, most, rule);
  const kernel = (thumbWidth: number): PreviewKernel => (thumbWidth > collection.width ? "nearest" : "smooth");
  const grid = (layout: GridLayout): PlannedGrid => {
    const shown = picked.slice(0, Math.min(layout.cells, tokens));
    return { layout, ids: Array.from({ length: layout.cells }, (_, cell) => tokenOfCell(shown, cell)), kernel: kernel(layout.thumbWidth) };
  };
  return {
    collage: collage ? grid(collage.layout) : undefined,
    banner: banner ? grid(banner) : undefined,
    gif: gif ? { plan: gif.plan, ids: picked.slice(0, gif.plan.frames), kernel: kernel(gif.plan.width) } : undefined,
    notes,
  };
}

// ---- what a preview reads of the collection ----------------------------------------------------------------

/** What a preview needs of manifest.json: the tokens' ids in order, their size and format, and the seed. */
export interface PreviewCollection {
  seed: string;
  width: number;
  height: number;
  format: ImageFormat;
  ids: number[];
  /** Ids of the 1-of-1s (manifest dna "1-of-1"), where there are any: they have no rarity rank. */
  oneOfOnes?: number[];
}

const size = z.number("expected a whole number of pixels").int("expected a whole number of pixels").min(1).max(16384);
const tokenId = z.number("expected a token id, a whole number >= 0").int("expected a token id, a whole number >= 0").min(0, "expected a token id, a whole number >= 0");

const manifestTokenSchema = z.looseObject({ id: tokenId, dna: z.string().optional() });
const rarityTokenSchema = z.looseObject({
  id: tokenId,
  rank: z.number("expected a rank, a whole number >= 1").int("expected a rank, a whole number >= 1").min(1, "expected a rank, a whole number >= 1"),
});
const manifestHeadSchema = z.looseObject({
  seed: z.string("expected the collection's seed").min(1, "expected the collection's seed, found an empty string"),
  width: size,
  height: size,
  format: z.enum(["png", "webp", "jpeg"], 'expected "png", "webp" or "jpeg"'),
  tokens: z.array(z.unknown(), "expected the list of tokens"),
});
const rarityHeadSchema = z.looseObject({ tokens: z.array(z.unknown(), "expected the list of tokens' ranks") });

type ManifestToken = z.infer<typeof manifestTokenSchema>;
type RarityToken = z.infer<typeof rarityTokenSchema>;

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badArgument(`${path}: expected JSON, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
}

function firstIssue(error: z.ZodError, path: string, prefix: readonly PropertyKey[] = []): TraitloomError {
  const issue = error.issues[0];
  const at = [...prefix, ...(issue?.path ?? [])].map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(top level)";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return badArgument(`${path}: ${at}: ${issue?.message ?? "expected a valid value"}${more}`);
}

function checked<T>(schema: z.ZodType<T>, raw: unknown, path: string, prefix: readonly PropertyKey[] = []): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw firstIssue(result.error, path, prefix);
  return result.data;
}

/**
 * A collection file read a line at a time: manifest.json and rarity.json as src/core/output.ts writes them hold
 * their `tokens` array one token a line, between a `"tokens": [` line and a `]` line. `line` parses each token
 * line on its own and keeps only what the caller takes of it, so a 100,000-token manifest (37 MB) never exists
 * as one string or one parsed tree. A file laid out otherwise (pretty-printed by hand, minified) makes `line`
 * return false, or `finish` undefined: the caller then reads the whole text instead.
 */
export interface TokenLineReader<R> {
  /** Takes the next line (without its line break); false once the layout is not one token a line. */
  line(text: string): boolean;
  /** What was read, or undefined where the layout was not one token a line. Throws on a bad field. */
  finish(): R | undefined;
}

function tokenLineReader<T, R>(
  path: string,
  pickToken: (raw: unknown, index: number) => T,
  build: (root: unknown, tokens: T[]) => R,
): TokenLineReader<R> {
  let state: "head" | "tokens" | "tail" | "other" = "head";
  let first = true;
  // The file without its token lines: parsed at the end, it holds everything but the tokens ("tokens": []).
  const outside: string[] = [];
  const tokens: T[] = [];
  return {
    line(text) {
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      switch (state) {
        case "head":
          outside.push(text);
          if (/^\s*"tokens"\s*:\s*\[\s*$/.test(text)) state = "tokens";
          return true;
        case "tokens": {
          if (/^\s*\]\s*,?\s*$/.test(text)) {
            outside.push(text);
            state = "tail";
            return true;
          }
          const body = text.trim().replace(/,$/, "");
          if (body === "") return true;
          if (!body.startsWith("{") || !body.endsWith("}")) {
            state = "other";
            return false;
          }
          let raw: unknown;
          try {
            raw = JSON.parse(body);
          } catch {
            state = "other";
            return false;
          }
          tokens.push(pickToken(raw, tokens.length));
          return true;
        }
        case "tail":
          outside.push(text);
          return true;
        case "other":
          return false;
      }
    },
    finish() {
      if (state !== "tail") return undefined;
      return build(parseJson(outside.join("\n"), path), tokens);
    },
  };
}

function manifestOf(path: string, root: unknown, tokens: ManifestToken[]): PreviewCollection {
  const m = checked(manifestHeadSchema, root, path);
  if (tokens.length === 0) throw badArgument(`${path}: tokens: expected at least one token, found none`);
  const oneOfOnes = tokens.filter((t) => t.dna === "1-of-1").map((t) => t.id);
  return { seed: m.seed, width: m.width, height: m.height, format: m.format, ids: tokens.map((t) => t.id), ...(oneOfOnes.length > 0 ? { oneOfOnes } : {}) };
}

function ranksOf(path: string, root: unknown, tokens: RarityToken[]): Map<number, number> {
  checked(rarityHeadSchema, root, path);
  return new Map(tokens.map((t) => [t.id, t.rank]));
}

/**
 * manifest.json read a line at a time for a preview (TokenLineReader): seed, size, format and token ids. Only
 * these fields are checked, so a manifest of another version still previews; errors are one-line BAD_ARGUMENT
 * TraitloomErrors naming `path` and the field ("out/manifest.json: tokens[3].id: expected a token id, …").
 */
export function previewManifestReader(path: string): TokenLineReader<PreviewCollection> {
  return tokenLineReader(
    path,
    (raw, i) => {
      const t = checked(manifestTokenSchema, raw, path, ["tokens", i]);
      // Only the mark of a 1-of-1 is kept of each token's dna: 100,000 ids hold little memory, their dna more.
      return t.dna === "1-of-1" ? { id: t.id, dna: t.dna } : { id: t.id };
    },
    (root, tokens) => manifestOf(path, root, tokens),
  );
}

/** rarity.json read a line at a time: each token's rank by id. Errors as previewManifestReader's. */
export function previewRanksReader(path: string): TokenLineReader<Map<number, number>> {
  return tokenLineReader(
    path,
    (raw, i) => {
      const t = checked(rarityTokenSchema, raw, path, ["tokens", i]);
      return { id: t.id, rank: t.rank };
    },
    (root, tokens) => ranksOf(path, root, tokens),
  );
}

function readWhole<T, R>(text: string, path: string, schema: z.ZodType<T>, build: (root: unknown, tokens: T[]) => R): R {
  const root = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  const tokens = (root !== null && typeof root === "object" && "tokens" in root && Array.isArray(root.tokens) ? root.tokens : []) as unknown[];
  const picked = tokens.map((t, i) => checked(schema, t, path, ["tokens", i]));
  return build(root, picked);
}

/** manifest.json's whole text for a preview, laid out any way; previewManifestReader reads Traitloom's own in less memory. */
export function parsePreviewManifest(text: string, path: string): PreviewCollection {
  return readWhole(text, path, manifestTokenSchema, (root, tokens) => manifestOf(path, root, tokens));
}

/** rarity.json's whole text: each token's rank by id. */
export function parsePreviewRanks(text: string, path: string): Map<number, number> {
  return readWhole(text, path, rarityTokenSchema, (root, tokens) => ranksOf(path, root, tokens));
}

/** "1a2b3c" or "#1a2b3c" as an RGB triple; anything else is a BAD_ARGUMENT error naming `option`. */
export function parseHexColor(option: string, value: string): Rgb {
  const m = /^#?([0-9a-fA-F]{6})$/.exec(value);
  if (!m) throw badArgument(`${option}: expected a colour as 6 hex digits such as 1a2b3c, found "${value}"`);
  const hex = Number.parseInt(m[1] as string, 16);
  return [(hex >> 16) & 255, (hex >> 8) & 255, hex & 255];
}

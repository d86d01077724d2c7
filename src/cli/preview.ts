/**
 * `traitloom preview <out>`: a collage, a banner and an animated GIF of a finished collection, written to
 * <out>/preview/ by src/node/preview.ts in bounded memory, and one line printed per file.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { TraitloomError } from "../core/errors.js";
import {
  DEFAULT_BANNER_HEIGHT_PX,
  DEFAULT_BANNER_WIDTH_PX,
  DEFAULT_COLLAGE_COUNT,
  DEFAULT_GAP_PX,
  DEFAULT_GIF_COUNT,
  DEFAULT_GIF_DELAY_MS,
  DEFAULT_GIF_SIZE_PX,
  DEFAULT_THUMB_PX,
  MAX_GIF_DELAY_MS,
  MAX_GIF_FRAMES,
  MAX_PREVIEW_SIDE_PX,
  MIN_GIF_DELAY_MS,
  PREVIEW_PICKS,
  parseHexColor,
  type GifLoop,
  type PreviewPick,
  type Rgb,
} from "../core/preview.js";
import { makePreviews, type PreviewFile, type PreviewOptions } from "../node/preview.js";

const EXIT_OK = 0;

export interface PreviewIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Stops the preview between thumbnails (Ctrl-C in main): an ABORTED error, no half-written file. */
  signal?: AbortSignal | undefined;
}

export const PREVIEW_HELP = `Usage: traitloom preview <out> [--collage N] [--columns C] [--thumb PX] [--pick seeded|rank|first]
                         [--banner] [--gif N] [--delay MS] [--seed S]

Draws previews of the finished collection in <out> into <out>/preview/: collage.png (N tokens in a grid),
banner.png (a ${DEFAULT_BANNER_WIDTH_PX}×${DEFAULT_BANNER_HEIGHT_PX} banner of thumbs) and preview.gif (N tokens, one a frame). --collage, --banner and --gif choose
what to make; without any of them all three are. Memory stays flat whatever the collection's or collage's size.

  --collage <n>        Tokens in the collage (default ${DEFAULT_COLLAGE_COUNT}).
  --columns <c>        Collage columns (default: a square-ish grid).
  --thumb <px>         Longer side of each collage thumb (default ${DEFAULT_THUMB_PX}, made smaller if the collage
                       would pass ${MAX_PREVIEW_SIDE_PX} px a side; one given is kept or refused).
  --pick <how>         seeded (default: drawn with the seed), rank (rarest first, from rarity.json) or first (ids in order).
  --seed <s>           Seed for --pick seeded (default: the collection's own seed).
  --banner             Make banner.png.
  --banner-size <wxh>  Its size (default ${DEFAULT_BANNER_WIDTH_PX}x${DEFAULT_BANNER_HEIGHT_PX}, each side at most ${MAX_PREVIEW_SIDE_PX}).
  --gif <n>            Frames (tokens) in preview.gif (default ${DEFAULT_GIF_COUNT}, at most ${MAX_GIF_FRAMES}).
  --delay <ms>         Time per frame (default ${DEFAULT_GIF_DELAY_MS}; ${MIN_GIF_DELAY_MS} to ${MAX_GIF_DELAY_MS}, kept in hundredths of a second).
  --loop <l>           forever (default), once, or a number of repeats after the first play.
  --gif-size <px>      Longer side of the frames (default ${DEFAULT_GIF_SIZE_PX}, or the tokens' size where smaller).
  --gap <px>           Space between and around thumbs (default ${DEFAULT_GAP_PX}).
  --background <hex>   Colour behind the thumbs and transparent pixels (default ffffff).

Examples:
  traitloom preview out                               # all three, tokens drawn with the collection's seed
  traitloom preview out --collage 400 --pick rank     # the 400 rarest in a 20×20 grid
  traitloom preview out --gif 30 --delay 300 --seed teaser`;

const NUMBER_OPTIONS = ["collage", "columns", "thumb", "gif", "delay", "gif-size", "gap"] as const;
type NumberOption = (typeof NUMBER_OPTIONS)[number];
const STRING_OPTIONS = ["pick", "seed", "banner-size", "loop", "background"] as const;
type StringOption = (typeof STRING_OPTIONS)[number];

interface PreviewArgs {
  folder: string;
  numbers: Partial<Record<NumberOption, number>>;
  strings: Partial<Record<StringOption, string>>;
  banner: boolean;
  /** How each option was spelled, for messages. */
  spelled: Map<string, string>;
}

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

function readArgs(args: string[]): PreviewArgs | "help" {
  const options = Object.fromEntries([
    ...[...NUMBER_OPTIONS, ...STRING_OPTIONS].map((name) => [name, { type: "string" as const }]),
    ["banner", { type: "boolean" as const }],
    ["help", { type: "boolean" as const, short: "h" }],
  ]);
  // Not strict: every option is checked here, so a mistake is one line in this command's words.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const parsed: PreviewArgs = { folder: "", numbers: {}, strings: {}, banner: false, spelled: new Map() };
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    if (t.name === "help" || t.name === "h") return "help";
    parsed.spelled.set(t.name, t.rawName);
    if (t.name === "banner") {
      if (t.value !== undefined) throw badArgument(`${t.rawName}: takes no value, found "${t.value}"`);
      parsed.banner = true;
      continue;
    }
    const isNumber = (NUMBER_OPTIONS as readonly string[]).includes(t.name);
    if (!isNumber && !(STRING_OPTIONS as readonly string[]).includes(t.name)) {
      throw badArgument(`${t.rawName}: unknown option for preview; traitloom preview --help lists them`);
    }
    // A value starting with "-" is the next option, not this one's value, except for a seed (as in generate).
    const missing = t.value === undefined || t.value === "" || (!t.inlineValue && t.value.startsWith("-") && t.name !== "seed");
    if (missing) throw badArgument(`${t.rawName}: expected ${isNumber ? "a whole number" : "a value"}, found none`);
    const value = t.value as string;
    if (isNumber) {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw badArgument(`${t.rawName}: expected a whole number, found "${value}"`);
      parsed.numbers[t.name as NumberOption] = Number(value);
    } else {
      parsed.strings[t.name as StringOption] = value;
    }
  }
  if (positionals.length === 0) throw badArgument("preview: expected a collection folder, as in `traitloom preview out`, found none");
  if (positionals.length > 1) throw badArgument(`preview: expected one collection folder, found ${positionals.length}: ${positionals.join(" ")}`);
  parsed.folder = positionals[0] ?? "";
  if (parsed.folder === "") throw badArgument("preview: expected a collection folder, found an empty argument");
  return parsed;
}

function readPick(option: string, value: string | undefined): PreviewPick | undefined {
  if (value === undefined) return undefined;
  if (!(PREVIEW_PICKS as readonly string[]).includes(value)) throw badArgument(`${option}: expected one of ${PREVIEW_PICKS.join(", ")}, found "${value}"`);
  return value as PreviewPick;
}

function readLoop(option: string, value: string | undefined): GifLoop | undefined {
  if (value === undefined) return undefined;
  if (value === "forever" || value === "once") return value;
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65_535) return Number(value);
  throw badArgument(`${option}: expected forever, once or a number of repeats from 1 to 65535, found "${value}"`);
}

function readSize(option: string, value: string | undefined): { width: number; height: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(value);
  if (!m) throw badArgument(`${option}: expected <width>x<height> such as 1400x400, found "${value}"`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function describe(file: PreviewFile, shownAs: string): string {
  const size = `${file.width}×${file.height} px`;
  const kb = `${Math.max(1, Math.round(file.bytes / 1024)).toLocaleString("en-US")} KB`;
  switch (file.kind) {
    case "collage": {
      const l = file.layout;
      return `wrote ${shownAs}: ${file.tokens.length} tokens, ${l?.columns ?? 0} × ${l?.rows ?? 0} thumbs of ${l?.thumbWidth ?? 0}×${l?.thumbHeight ?? 0} px, ${size}, ${kb}`;
    }
    case "banner": {
      const l = file.layout;
      return `wrote ${shownAs}: ${l?.rows ?? 0} rows of ${l?.thumbWidth ?? 0}×${l?.thumbHeight ?? 0} px thumbs (${new Set(file.tokens).size} tokens), ${size}, ${kb}`;
    }
    case "gif":
      return `wrote ${shownAs}: ${file.tokens.length} frames of ${size}, ${file.gif?.delayMs ?? 0} ms each, ${kb}`;
  }
}

/**
 * Runs `traitloom preview`: makes what the options ask for (all three without --collage, --banner or --gif), one
 * line per file written on stdout, adjustments ("thumbs of 60 px instead of 128 px") and warnings on stderr.
 * A bad option, a collection folder without a manifest or a collage that cannot fit is a TraitloomError for
 * main() to print in one line.
 */
export async function runPreview(args: string[], io: PreviewIo): Promise<number> {
  const parsed = readArgs(args);
  if (parsed === "help") {
    io.out(PREVIEW_HELP);
    return EXIT_OK;
  }
  const { numbers: n, strings: s, spelled } = parsed;
  const name = (option: string): string => spelled.get(option) ?? `--${option}`;
  const chosen = n.collage !== undefined || parsed.banner || n.gif !== undefined;
  const makeCollage = !chosen || n.collage !== undefined;
  const makeBanner = !chosen || parsed.banner;
  const makeGif = !chosen || n.gif !== undefined;
  const unused = (options: readonly string[], what: string): void => {
    for (const o of options) if (spelled.has(o)) io.err(`warning: ${name(o)} is for ${what}, which this run does not make`);
  };
  if (!makeCollage) unused(["columns", "thumb"], "the collage");
  if (!makeBanner) unused(["banner-size"], "the banner");
  if (!makeGif) unused(["delay", "loop", "gif-size"], "the GIF");

  const bannerSize = readSize(name("banner-size"), s["banner-size"]);
  const background: Rgb | undefined = s.background === undefined ? undefined : parseHexColor(name("background"), s.background);
  const options: PreviewOptions = {
    outDir: parsed.folder,
    collage: makeCollage && { count: n.collage, columns: n.columns, thumb: n.thumb },
    banner: makeBanner && { width: bannerSize?.width, height: bannerSize?.height },
    gif: makeGif && { count: n.gif, delayMs: n.delay, size: n["gif-size"], loop: readLoop(name("loop"), s.loop) },
    pick: readPick(name("pick"), s.pick),
    seed: s.seed,
    gap: n.gap,
    background,
    signal: io.signal,
  };
  if (s.seed !== undefined && options.pick !== undefined && options.pick !== "seeded") {
    io.err(`warning: ${name("seed")} is for --pick seeded; --pick ${options.pick} does not draw tokens`);
  }
  const result = await makePreviews(options);
  for (const note of result.notes) io.err(note);
  for (const file of result.files) io.out(describe(file, relative(process.cwd(), file.path) || file.path));
  return EXIT_OK;
}

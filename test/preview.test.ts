/**
 * `traitloom preview` on a real collection: 30 tokens generated from test/fixtures/golden/layers by the library's
 * generateCollection. The files' sizes, the collage's cells against the token images downscaled on their own, the
 * gaps, the GIF decoded by a second implementation (omggif), the CLI's lines and refusals.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GifReader } from "omggif";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TraitloomError } from "../src/core/errors.js";
import { cellRect, pickTokens, planCollage, type GridLayout, type Rgb } from "../src/core/preview.js";
import { runPreview } from "../src/cli/preview.js";
import { generateCollection } from "../src/node/generate.js";
import { makePreviews, renderGridPng, type PreviewFile } from "../src/node/preview.js";

const LAYERS_DIR = fileURLToPath(new URL("./fixtures/golden/layers/", import.meta.url));
const COUNT = 30;
/** The fixture's tokens are 24 × 24. */
const TOKEN_PX = 24;
const BACKGROUND: Rgb = [10, 200, 30];

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

async function rawRgb(input: string | Buffer): Promise<Raw> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { data, width: info.width, height: info.height };
}

/** A token image at thumb size, on the background, made here with sharp directly (not through the preview code). */
async function expectedThumb(outDir: string, id: number, width: number, height: number): Promise<Raw> {
  const bg = { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2] };
  return rawRgb(await sharp(join(outDir, "images", `${id}.png`)).flatten({ background: bg }).resize(width, height, { fit: "fill" }).png().toBuffer());
}

/** Pixels of `cell` in the collage that differ from `thumb` by more than `tolerance` in some channel. */
function differingPixels(collage: Raw, layout: GridLayout, cell: number, thumb: Raw, tolerance: number): number {
  const r = cellRect(layout, cell);
  let differing = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const a = ((r.y + y) * collage.width + r.x + x) * 3;
      const b = (y * thumb.width + x) * 3;
      for (let c = 0; c < 3; c++) {
        if (Math.abs((collage.data[a + c] ?? -999) - (thumb.data[b + c] ?? 999)) > tolerance) {
          differing++;
          break;
        }
      }
    }
  }
  return differing;
}

/** The mean colour of a token, flattened on the background, from its own 24 × 24 pixels (no resampling). */
async function meanColour(file: string | Buffer, region?: { x: number; y: number; width: number; height: number }, image?: Raw): Promise<number[]> {
  const raw = image ?? (await rawRgb(await sharp(file).flatten({ background: { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2] } }).png().toBuffer()));
  const area = region ?? { x: 0, y: 0, width: raw.width, height: raw.height };
  const sum = [0, 0, 0];
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) for (let c = 0; c < 3; c++) sum[c]! += raw.data[(y * raw.width + x) * 3 + c] ?? 0;
  }
  return sum.map((s) => s / (area.width * area.height));
}

function byKind(files: PreviewFile[], kind: PreviewFile["kind"]): PreviewFile {
  const file = files.find((f) => f.kind === kind);
  if (!file) throw new Error(`no ${kind} made`);
  return file;
}

let root: string;
let outDir: string;
let ids: number[];
let seed: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "traitloom-preview-"));
  outDir = join(root, "collection");
  const result = await generateCollection({ layersDir: LAYERS_DIR, outDir, count: COUNT, seed: "preview-test", workers: 1 });
  expect(result.count).toBe(COUNT);
  const manifest = JSON.parse(await readFile(join(outDir, "manifest.json"), "utf8")) as { tokens: { id: number }[] };
  ids = manifest.tokens.map((t) => t.id);
  seed = result.seed;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("makePreviews on a 30-token collection", () => {
  let files: PreviewFile[];
  let collage: PreviewFile;
  let collageRaw: Raw;

  beforeAll(async () => {
    const result = await makePreviews({
      outDir,
      collage: { count: 12, columns: 4, thumb: 12 },
      banner: {},
      gif: { count: 5, delayMs: 120 },
      pick: "seeded",
      background: BACKGROUND,
    });
    files = result.files;
    expect(result.notes).toEqual([]);
    collage = byKind(files, "collage");
    collageRaw = await rawRgb(collage.path);
  });

  it("writes collage.png, banner.png and preview.gif under preview/ at their planned sizes", async () => {
    expect(files.map((f) => f.path)).toEqual(["collage.png", "banner.png", "preview.gif"].map((n) => join(outDir, "preview", n)));
    // 4 columns × 3 rows of 12 px with a 4 px gap between and around.
    expect([collageRaw.width, collageRaw.height]).toEqual([4 * 12 + 5 * 4, 3 * 12 + 4 * 4]);
    const banner = await sharp(byKind(files, "banner").path).metadata();
    expect([banner.width, banner.height, banner.format]).toEqual([1400, 400, "png"]);
    for (const f of files) expect((await stat(f.path)).size).toBe(f.bytes);
  });

  it("shows the seeded pick, each cell equal to its token downscaled, gaps in the background colour", async () => {
    expect(collage.tokens).toEqual(pickTokens(ids, 12, { pick: "seeded", seed }));
    expect(new Set(collage.tokens).size).toBe(12);
    const layout = collage.layout as GridLayout;
    for (const [cell, id] of collage.tokens.entries()) {
      const thumb = await expectedThumb(outDir, id, 12, 12);
      expect(differingPixels(collageRaw, layout, cell, thumb, 2), `cell ${cell} (token ${id})`).toBe(0);
      // On its own, without any resampler: the cell's mean colour is the token's.
      const mean = await meanColour(Buffer.alloc(0), cellRect(layout, cell), collageRaw);
      const want = await meanColour(join(outDir, "images", `${id}.png`));
      for (let c = 0; c < 3; c++) expect(Math.abs((mean[c] ?? 0) - (want[c] ?? 0)), `cell ${cell} channel ${c}`).toBeLessThan(6);
    }
    // And the check can fail: each cell against the next cell's token differs.
    for (let cell = 0; cell < 11; cell++) {
      const other = await expectedThumb(outDir, collage.tokens[cell + 1] as number, 12, 12);
      expect(differingPixels(collageRaw, layout, cell, other, 2)).toBeGreaterThan(0);
    }
    // Cells start at 4 + 16·k: columns 16-19 and rows 16-19 are between cells.
    const gapPixels = [
      [0, 0],
      [16, 10],
      [30, 17],
      [19, 40],
      [collageRaw.width - 1, collageRaw.height - 1],
    ];
    for (const [x, y] of gapPixels) {
      const at = ((y as number) * collageRaw.width + (x as number)) * 3;
      expect([...collageRaw.data.subarray(at, at + 3)], `(${x}, ${y})`).toEqual([...BACKGROUND]);
    }
  });

  it("the banner's first cells are the collage's tokens, and it repeats them to fill 1400 px", () => {
    const banner = byKind(files, "banner");
    const layout = banner.layout as GridLayout;
    expect(layout.rows).toBe(2);
    expect(banner.tokens).toHaveLength(layout.rows * layout.columns);
    expect(banner.tokens.slice(0, 12)).toEqual(collage.tokens);
  });

  it("the GIF decodes (omggif): 5 frames of 24 × 24, 120 ms, looping forever, each frame its token", async () => {
    const gif = byKind(files, "gif");
    expect(gif.tokens).toEqual(collage.tokens.slice(0, 5));
    const reader = new GifReader(await readFile(gif.path));
    expect([reader.width, reader.height, reader.numFrames(), reader.loopCount()]).toEqual([TOKEN_PX, TOKEN_PX, 5, 0]);
    for (let f = 0; f < 5; f++) {
      const info = reader.frameInfo(f);
      expect([info.width, info.height, info.delay]).toEqual([TOKEN_PX, TOKEN_PX, 12]);
      const rgba = new Uint8Array(TOKEN_PX * TOKEN_PX * 4);
      reader.decodeAndBlitFrameRGBA(f, rgba);
      const rgb = Buffer.alloc(TOKEN_PX * TOKEN_PX * 3);
      for (let i = 0; i < TOKEN_PX * TOKEN_PX; i++) rgba.subarray(i * 4, i * 4 + 3).forEach((v, c) => (rgb[i * 3 + c] = v));
      const token = await expectedThumb(outDir, gif.tokens[f] as number, TOKEN_PX, TOKEN_PX);
      // 256 colours a frame for flat art of a few dozen: almost every pixel within the quantiser's rounding.
      const frame = { data: rgb, width: TOKEN_PX, height: TOKEN_PX };
      const layout: GridLayout = { width: TOKEN_PX, height: TOKEN_PX, columns: 1, rows: 1, cells: 1, thumbWidth: TOKEN_PX, thumbHeight: TOKEN_PX, gap: 0, originX: 0, originY: 0 };
      expect(differingPixels(frame, layout, 0, token, 8), `frame ${f}`).toBeLessThan(TOKEN_PX * TOKEN_PX * 0.02);
      const next = await expectedThumb(outDir, gif.tokens[(f + 1) % 5] as number, TOKEN_PX, TOKEN_PX);
      expect(differingPixels(frame, layout, 0, next, 8)).toBeGreaterThan(TOKEN_PX * TOKEN_PX * 0.02);
    }
  });

  it("bands that cut through the thumbnails join without a seam", async () => {
    const layout = collage.layout as GridLayout;
    const path = join(root, "banded.png");
    // 7 rows a band: every band boundary but a few falls inside a row of thumbs.
    await renderGridPng(layout, (cell) => ({ path: join(outDir, "images", `${collage.tokens[cell]}.png`), id: collage.tokens[cell] as number }), path, {
      background: BACKGROUND,
      bandMaxBytes: layout.width * 3 * 7,
    });
    const banded = await rawRgb(path);
    expect(banded.data.equals(collageRaw.data)).toBe(true);
  });
});

describe("upscaled thumbs", () => {
  it("thumbs twice the tokens' size are each token pixel as a 2 × 2 block (no blur)", async () => {
    const { files } = await makePreviews({ outDir, collage: { count: 4, thumb: 2 * TOKEN_PX }, pick: "first", background: BACKGROUND });
    const collage = byKind(files, "collage");
    const raw = await rawRgb(collage.path);
    const layout = collage.layout as GridLayout;
    for (const [cell, id] of collage.tokens.entries()) {
      const bg = { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2] };
      const token = await rawRgb(await sharp(join(outDir, "images", `${id}.png`)).flatten({ background: bg }).png().toBuffer());
      const r = cellRect(layout, cell);
      let differing = 0;
      for (let y = 0; y < r.height; y++) {
        for (let x = 0; x < r.width; x++) {
          const a = ((r.y + y) * raw.width + r.x + x) * 3;
          const b = (Math.floor(y / 2) * token.width + Math.floor(x / 2)) * 3;
          if (!raw.data.subarray(a, a + 3).equals(token.data.subarray(b, b + 3))) differing++;
        }
      }
      expect(differing, `cell ${cell} (token ${id})`).toBe(0);
    }
  });
});

describe("picks", () => {
  it("rank: the rarest tokens first, by rarity.json", async () => {
    const { files } = await makePreviews({ outDir, collage: { count: 6, thumb: TOKEN_PX }, pick: "rank", background: BACKGROUND });
    const rarity = JSON.parse(await readFile(join(outDir, "rarity.json"), "utf8")) as { tokens: { id: number; rank: number }[] };
    const expected = [...rarity.tokens].sort((a, b) => a.rank - b.rank || a.id - b.id).slice(0, 6).map((t) => t.id);
    const collage = byKind(files, "collage");
    expect(collage.tokens).toEqual(expected);
    const raw = await rawRgb(collage.path);
    const thumb = await expectedThumb(outDir, expected[0] as number, TOKEN_PX, TOKEN_PX);
    expect(differingPixels(raw, collage.layout as GridLayout, 0, thumb, 2)).toBe(0);
  });

  it("first: ids in order; a whole collection asked for is capped, with a note", async () => {
    const { files, notes } = await makePreviews({ outDir, collage: { count: 100 }, pick: "first" });
    expect(byKind(files, "collage").tokens).toEqual(ids);
    expect(notes).toEqual([`collage: ${COUNT} tokens, all the collection has (asked for 100)`]);
  });
});

describe("stopping", () => {
  it("a stop between thumbnails is an ABORTED error and leaves no file, not even a temp file", async () => {
    const dir = join(root, "stopped");
    await mkdir(dir, { recursive: true });
    const layout = planCollage({ tokens: COUNT, count: 20, thumb: 16, tokenWidth: TOKEN_PX, tokenHeight: TOKEN_PX }).layout;
    const controller = new AbortController();
    const fileOfCell = (cell: number): { path: string; id: number } => {
      if (cell === 6) controller.abort();
      return { path: join(outDir, "images", `${ids[cell]}.png`), id: ids[cell] as number };
    };
    const stopped = renderGridPng(layout, fileOfCell, join(dir, "collage.png"), { background: BACKGROUND, signal: controller.signal });
    await expect(stopped).rejects.toMatchObject({ code: "ABORTED" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("makePreviews with a signal already stopped writes nothing", async () => {
    const folder = join(root, "stopped-before");
    await cp(outDir, folder, { recursive: true });
    await rm(join(folder, "preview"), { recursive: true, force: true });
    const controller = new AbortController();
    controller.abort();
    await expect(makePreviews({ outDir: folder, collage: {}, gif: {}, signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
    expect(await readdir(join(folder, "preview"))).toEqual([]);
  });
});

describe("manifest layouts", () => {
  it("a manifest re-saved by another tool (pretty-printed) previews the same as Traitloom's own", async () => {
    const folder = join(root, "pretty");
    await cp(outDir, folder, { recursive: true });
    const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as unknown;
    await writeFile(join(folder, "manifest.json"), JSON.stringify(manifest, null, 2));
    const own = await makePreviews({ outDir, gif: { count: 4 } });
    const pretty = await makePreviews({ outDir: folder, gif: { count: 4 } });
    expect(byKind(pretty.files, "gif").tokens).toEqual(byKind(own.files, "gif").tokens);
    expect(await readFile(byKind(pretty.files, "gif").path)).toEqual(await readFile(byKind(own.files, "gif").path));
  });
});

describe("traitloom preview (runPreview)", () => {
  const run = async (...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPreview(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it("makes only what is asked for and prints a line for each file", async () => {
    const folder = join(root, "cli");
    await cp(outDir, folder, { recursive: true });
    await rm(join(folder, "preview"), { recursive: true, force: true });
    const r = await run(folder, "--gif", "3", "--delay", "200", "--loop", "once", "--thumb", "40");
    expect(r.code).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(/^wrote .*preview[/\\]preview\.gif: 3 frames of 24×24 px, 200 ms each, \d+ KB$/)]);
    expect(r.err).toEqual(["warning: --thumb is for the collage, which this run does not make"]);
    await expect(stat(join(folder, "preview", "collage.png"))).rejects.toMatchObject({ code: "ENOENT" });
    const reader = new GifReader(await readFile(join(folder, "preview", "preview.gif")));
    expect(reader.numFrames()).toBe(3);
    // Played once: no NETSCAPE2.0 block, which omggif reports as null.
    expect(reader.loopCount()).toBeNull();

    const all = await run(folder, "--seed", "-other", "--collage", "9", "--banner", "--banner-size", "600x200");
    expect(all.out.map((l) => l.replace(/^wrote .*preview[/\\]/, ""))).toEqual([
      expect.stringMatching(/^collage\.png: 9 tokens, 3 × 3 thumbs of 128×128 px, 400×400 px, \d+ KB$/),
      expect.stringMatching(/^banner\.png: 1 rows of 192×192 px thumbs \(\d+ tokens\), 600×200 px, \d+ KB$/),
    ]);
    expect((await sharp(join(folder, "preview", "banner.png")).metadata()).width).toBe(600);
  });

  it.each([
    [["--thumb", "5000"], "--thumb: expected a whole number from 1 to 2048, found 5000"],
    [["--collage"], "--collage: expected a whole number, found none"],
    [["--collage", "--banner"], "--collage: expected a whole number, found none"],
    [["--gif", "2.5"], '--gif: expected a whole number, found "2.5"'],
    [["--pick", "best"], '--pick: expected one of seeded, rank, first, found "best"'],
    [["--banner=yes"], '--banner: takes no value, found "yes"'],
    [["--loop", "0"], '--loop: expected forever, once or a number of repeats from 1 to 65535, found "0"'],
    [["--background", "red"], '--background: expected a colour as 6 hex digits such as 1a2b3c, found "red"'],
    [["--frames", "3"], "--frames: unknown option for preview; traitloom preview --help lists them"],
  ])("refuses %j in one line", async (args, message) => {
    const e = await runPreview([outDir, ...args], { out: () => undefined, err: () => undefined }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TraitloomError);
    expect((e as TraitloomError).message).toBe(message);
  });

  it("names the missing manifest, rarity.json and image", async () => {
    const empty = join(root, "empty");
    await expect(runPreview([empty], { out: () => undefined, err: () => undefined })).rejects.toThrow(
      `${join(empty, "manifest.json")}: expected the manifest of a finished collection (traitloom generate writes it), found no file`,
    );
    const partial = join(root, "partial");
    await cp(join(outDir, "manifest.json"), join(partial, "manifest.json"));
    await expect(runPreview([partial, "--pick", "rank"], { out: () => undefined, err: () => undefined })).rejects.toThrow(
      `${join(partial, "rarity.json")}: expected the collection's rarity ranks (for --pick rank), found no file`,
    );
    await expect(runPreview([partial, "--pick", "first", "--gif", "1"], { out: () => undefined, err: () => undefined })).rejects.toThrow(
      `${join(partial, "images", `${ids[0]}.png`)}: expected token ${ids[0]}'s image (manifest.json lists it), found no file`,
    );
  });

  it("a collage too large for --thumb is refused before anything is written", async () => {
    const folder = join(root, "refused");
    await cp(join(outDir, "manifest.json"), join(folder, "manifest.json"));
    await expect(runPreview([folder, "--collage", "30", "--thumb", "2048", "--gif", "2"], { out: () => undefined, err: () => undefined })).rejects.toThrow(
      "--thumb 2048: 30 tokens in 6 columns at 2048 px make a 12,316 × 10,264 px collage, over the 8,192 px limit; use --thumb 1360 or less, or fewer tokens (--collage)",
    );
    await expect(stat(join(folder, "preview"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

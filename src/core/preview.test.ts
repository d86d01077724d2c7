import { describe, expect, it } from "vitest";
import { TraitloomError } from "./errors.js";
import {
  bandsOf,
  cellRect,
  DEFAULT_GAP_PX,
  MAX_PREVIEW_SIDE_PX,
  MIN_THUMB_PX,
  parseHexColor,
  parsePreviewManifest,
  parsePreviewRanks,
  pickTokens,
  piecesInBand,
  planBanner,
  planCollage,
  planGif,
  previewManifestReader,
  previewRanksReader,
  tokenOfCell,
  type GridLayout,
  type TokenLineReader,
} from "./preview.js";
import { manifestChunks, rarityJsonChunks } from "./output.js";

const SQUARE = { tokenWidth: 512, tokenHeight: 512 };
const ids = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

function errorOf(f: () => unknown): TraitloomError {
  try {
    f();
  } catch (e) {
    if (e instanceof TraitloomError) return e;
    throw e;
  }
  throw new Error("expected a TraitloomError, none was thrown");
}

/** Every cell inside the canvas (a collage's are), none overlapping, `gap` apart, in reading order. */
function expectCleanGrid(layout: GridLayout): void {
  const rects = Array.from({ length: layout.cells }, (_, i) => cellRect(layout, i));
  for (const r of rects) {
    expect(r.x).toBeGreaterThanOrEqual(layout.gap);
    expect(r.y).toBeGreaterThanOrEqual(layout.gap);
    expect(r.x + r.width + layout.gap).toBeLessThanOrEqual(layout.width);
    expect(r.y + r.height + layout.gap).toBeLessThanOrEqual(layout.height);
  }
  for (let i = 1; i < rects.length; i++) {
    const [a, b] = [rects[i - 1]!, rects[i]!];
    if (b.y === a.y) expect(b.x - (a.x + a.width)).toBe(layout.gap);
    else expect(b.y - (a.y + a.height)).toBe(layout.gap);
  }
}

describe("planCollage", () => {
  it.each([
    { n: 1, columns: undefined, grid: [1, 1] },
    { n: 2, columns: undefined, grid: [2, 1] },
    { n: 30, columns: undefined, grid: [6, 5] },
    { n: 100, columns: undefined, grid: [10, 10] },
    { n: 101, columns: undefined, grid: [11, 10] },
    { n: 7, columns: 3, grid: [3, 3] },
    { n: 12, columns: 12, grid: [12, 1] },
    { n: 5, columns: 9, grid: [5, 1] },
  ])("$n tokens, columns $columns: $grid.0 × $grid.1", ({ n, columns, grid }) => {
    const { layout, notes } = planCollage({ tokens: 1000, count: n, columns, ...SQUARE });
    expect([layout.columns, layout.rows]).toEqual(grid);
    expect(layout.cells).toBe(n);
    expect(layout.width).toBe(layout.columns * 128 + (layout.columns + 1) * DEFAULT_GAP_PX);
    expect(layout.height).toBe(layout.rows * 128 + (layout.rows + 1) * DEFAULT_GAP_PX);
    expect(notes).toEqual([]);
    expectCleanGrid(layout);
  });

  it("keeps non-square tokens' aspect, with columns that make the collage squarish", () => {
    const { layout } = planCollage({ tokens: 50, count: 50, thumb: 100, gap: 0, tokenWidth: 300, tokenHeight: 150 });
    expect([layout.thumbWidth, layout.thumbHeight]).toEqual([100, 50]);
    expect([layout.columns, layout.rows]).toEqual([5, 10]);
    expect([layout.width, layout.height]).toEqual([500, 500]);
    const tall = planCollage({ tokens: 8, count: 8, thumb: 90, tokenWidth: 600, tokenHeight: 900 }).layout;
    expect([tall.thumbWidth, tall.thumbHeight]).toEqual([60, 90]);
    expectCleanGrid(tall);
  });

  it("shows the whole collection when asked for more than it has, and says so", () => {
    const asked = planCollage({ tokens: 30, count: 100, ...SQUARE });
    expect(asked.layout.cells).toBe(30);
    expect(asked.notes).toEqual(["collage: 30 tokens, all the collection has (asked for 100)"]);
    expect(planCollage({ tokens: 30, ...SQUARE }).notes).toEqual([]);
  });

  it("shrinks a default thumb to the largest that fits in 8192 px, and says so", () => {
    const { layout, notes } = planCollage({ tokens: 100_000, count: 10_000, ...SQUARE });
    expect(layout.columns).toBe(100);
    expect(layout.width).toBeLessThanOrEqual(MAX_PREVIEW_SIDE_PX);
    expect(layout.height).toBeLessThanOrEqual(MAX_PREVIEW_SIDE_PX);
    // One pixel more and 100 columns pass the limit.
    expect(100 * (layout.thumbWidth + 1) + 101 * DEFAULT_GAP_PX).toBeGreaterThan(MAX_PREVIEW_SIDE_PX);
    expect(layout.thumbWidth).toBe(77);
    expect(notes).toEqual(["collage: thumbs of 77 px instead of 128 px, so the collage fits in 8,192 px a side"]);
  });

  it("refuses a thumb that was asked for and does not fit, naming the size that would", () => {
    const e = errorOf(() => planCollage({ tokens: 100_000, count: 10_000, thumb: 128, ...SQUARE }));
    expect(e.code).toBe("BAD_ARGUMENT");
    expect(e.message).toBe(
      "--thumb 128: 10,000 tokens in 100 columns at 128 px make a 13,204 × 13,204 px collage, over the 8,192 px limit; use --thumb 77 or less, or fewer tokens (--collage)",
    );
    expect(planCollage({ tokens: 100_000, count: 10_000, thumb: 77, ...SQUARE }).layout.width).toBeLessThanOrEqual(MAX_PREVIEW_SIDE_PX);
  });

  it("refuses more tokens than fit at 16 px, and the count it names does fit", () => {
    const e = errorOf(() => planCollage({ tokens: 1_000_000, count: 200_000, ...SQUARE }));
    const most = Number(/use --collage (\d+) or less/.exec(e.message)?.[1]);
    expect(e.message).toMatch(/^--collage 200000: 200,000 tokens in 448 columns .* at most [\d,]+ tokens fit at 16 px/);
    const fitting = planCollage({ tokens: 1_000_000, count: most, ...SQUARE }).layout;
    expect(fitting.thumbWidth).toBe(MIN_THUMB_PX);
    expect(fitting.width).toBeLessThanOrEqual(MAX_PREVIEW_SIDE_PX);
    expect(() => planCollage({ tokens: 1_000_000, count: most + 1, ...SQUARE })).toThrow(/at most/);
  });

  it("refuses more columns than fit at 16 px", () => {
    expect(errorOf(() => planCollage({ tokens: 5000, count: 5000, columns: 1000, ...SQUARE })).message).toMatch(
      /; at most 409 columns fit at 16 px: use --columns 409 or less$/,
    );
  });

  it.each([
    [{ count: 0 }, /^--collage: expected a whole number from 1/],
    [{ columns: 1.5 }, /^--columns: /],
    [{ thumb: 4096 }, /^--thumb: expected a whole number from 1 to 2048, found 4096$/],
    [{ gap: -1 }, /^--gap: /],
  ])("refuses %o", (bad, message) => {
    expect(() => planCollage({ tokens: 10, ...SQUARE, ...bad })).toThrow(message);
  });
});

describe("planBanner", () => {
  it("1400 × 400: two rows of the tallest thumbs, columns covering the width, centred", () => {
    const b = planBanner(SQUARE);
    expect([b.width, b.height, b.rows]).toEqual([1400, 400, 2]);
    expect(b.thumbHeight).toBe(Math.floor((400 - 3 * DEFAULT_GAP_PX) / 2));
    expect(b.thumbWidth).toBe(b.thumbHeight);
    const first = cellRect(b, 0);
    const last = cellRect(b, b.columns - 1);
    expect(first.x).toBeLessThanOrEqual(DEFAULT_GAP_PX);
    expect(last.x + last.width).toBeGreaterThanOrEqual(1400 - DEFAULT_GAP_PX);
    // Centred: what is cropped at the left and at the right differs by a pixel at most.
    expect(Math.abs(-first.x - (last.x + last.width - 1400))).toBeLessThanOrEqual(1);
    // Every column shows at least some of its thumb.
    expect(first.x + first.width).toBeGreaterThan(0);
    expect(last.x).toBeLessThan(1400);
    expect(b.cells).toBe(2 * b.columns);
  });

  it("takes other sizes, rows and wide tokens", () => {
    const b = planBanner({ width: 1500, height: 500, rows: 1, gap: 0, tokenWidth: 200, tokenHeight: 100 });
    expect([b.thumbWidth, b.thumbHeight, b.columns, b.rows]).toEqual([1000, 500, 2, 1]);
    expect(planBanner({ height: 1000, ...SQUARE }).rows).toBe(5);
    expect(() => planBanner({ height: 10, rows: 3, gap: 4, ...SQUARE })).toThrow(/leave no room/);
    expect(() => planBanner({ width: 900, height: 9000, ...SQUARE })).toThrow("--banner-size: expected a width and a height from 1 to 8192 px, found 900x9000");
  });
});

describe("bands and pieces", () => {
  /** The canvas painted with cell numbers (+1, 0 for the gap), straight from cellRect. */
  function paintDirect(layout: GridLayout): Int32Array {
    const canvas = new Int32Array(layout.width * layout.height);
    for (let c = 0; c < layout.cells; c++) {
      const r = cellRect(layout, c);
      for (let y = Math.max(0, r.y); y < Math.min(layout.height, r.y + r.height); y++) {
        for (let x = Math.max(0, r.x); x < Math.min(layout.width, r.x + r.width); x++) canvas[y * layout.width + x] = c + 1;
      }
    }
    return canvas;
  }
  /** The same canvas put together band by band from the pieces, checking each piece's source is in its thumb. */
  function paintInBands(layout: GridLayout, maxBytes: number): Int32Array {
    const canvas = new Int32Array(layout.width * layout.height);
    for (const band of bandsOf(layout, 3, maxBytes)) {
      for (const p of piecesInBand(layout, band)) {
        expect(p.source.x + p.source.width).toBeLessThanOrEqual(layout.thumbWidth);
        expect(p.source.y + p.source.height).toBeLessThanOrEqual(layout.thumbHeight);
        expect(p.y + p.source.height).toBeLessThanOrEqual(band.height);
        for (let y = 0; y < p.source.height; y++) {
          for (let x = 0; x < p.source.width; x++) {
            const at = (band.y + p.y + y) * layout.width + p.x + x;
            expect(canvas[at]).toBe(0);
            canvas[at] = p.cell + 1;
          }
        }
      }
    }
    return canvas;
  }

  it("bands cover the canvas top to bottom within the byte budget", () => {
    const bands = bandsOf({ width: 1000, height: 777 }, 3, 3000 * 50);
    expect(bands[0]).toEqual({ y: 0, height: 50 });
    expect(bands.reduce((a, b) => a + b.height, 0)).toBe(777);
    expect(bands.at(-1)).toEqual({ y: 750, height: 27 });
    expect(bandsOf({ width: 10_000, height: 3 }, 3, 1)).toHaveLength(3);
  });

  it.each([
    ["a collage in bands that cut through thumbs", planCollage({ tokens: 23, count: 23, thumb: 17, gap: 3, ...SQUARE }).layout, 109 * 3 * 7],
    ["a collage one row a band", planCollage({ tokens: 9, count: 9, thumb: 8, gap: 0, ...SQUARE }).layout, 24 * 3],
    ["a banner cropped at both ends", planBanner({ width: 140, height: 40, gap: 2, tokenWidth: 30, tokenHeight: 20 }), 140 * 3 * 6],
  ])("%s is the same as painted whole", (_name, layout, maxBytes) => {
    expect(paintInBands(layout, maxBytes)).toEqual(paintDirect(layout));
  });
});

describe("pickTokens", () => {
  const collection = ids(1000, 1);

  it("first: the first ids in order", () => {
    expect(pickTokens(collection, 4, { pick: "first" })).toEqual([1, 2, 3, 4]);
    expect(pickTokens([5, 6], 10, { pick: "first" })).toEqual([5, 6]);
  });

  it("seeded: distinct ids, the same for the same seed, a longer pick starting with a shorter one", () => {
    const a = pickTokens(collection, 50, { pick: "seeded", seed: "s1" });
    expect(new Set(a).size).toBe(50);
    for (const id of a) expect(collection).toContain(id);
    expect(pickTokens(collection, 50, { pick: "seeded", seed: "s1" })).toEqual(a);
    expect(pickTokens(collection, 20, { pick: "seeded", seed: "s1" })).toEqual(a.slice(0, 20));
    expect(pickTokens(collection, 50, { pick: "seeded", seed: "s2" })).not.toEqual(a);
    expect(a).not.toEqual([...a].sort((x, y) => x - y));
    const all = pickTokens(collection, 1000, { pick: "seeded", seed: "s1" });
    expect([...all].sort((x, y) => x - y)).toEqual(collection);
  });

  it("seeded: every token is about as likely to be drawn", () => {
    const draws = new Array<number>(10).fill(0);
    for (let s = 0; s < 2000; s++) for (const id of pickTokens(ids(10), 3, { pick: "seeded", seed: `seed-${s}` })) draws[id]!++;
    // 600 expected each; 5 sigma of a binomial(2000, 0.3) is ~102.
    for (const d of draws) expect(Math.abs(d - 600)).toBeLessThan(102);
  });

  it("rank: rarest first, ties by id; a token without a rank is named", () => {
    const ranks = new Map([
      [10, 3],
      [11, 1],
      [12, 3],
      [13, 2],
    ]);
    expect(pickTokens([10, 11, 12, 13], 3, { pick: "rank", ranks })).toEqual([11, 13, 10]);
    expect(pickTokens([10, 11, 12, 13], 9, { pick: "rank", ranks })).toEqual([11, 13, 10, 12]);
    expect(() => pickTokens([10, 11, 14], 1, { pick: "rank", ranks })).toThrow("rarity.json: tokens: expected a rank for token 14 (manifest.json lists it), found none");
  });

  it("rank: 1-of-1s, which have no rank by design, come first", () => {
    const ranks = new Map([
      [10, 2],
      [12, 1],
    ]);
    expect(pickTokens([10, 11, 12, 13], 3, { pick: "rank", ranks, unranked: new Set([13, 11]) })).toEqual([11, 13, 12]);
    const manifest = JSON.stringify({ seed: "s", width: 8, height: 8, format: "png", tokens: [{ id: 1, dna: "0-1" }, { id: 2, dna: "1-of-1" }] });
    expect(parsePreviewManifest(manifest, "m.json").oneOfOnes).toEqual([2]);
  });

  it("tokenOfCell repeats the picked tokens for a banner larger than the collection", () => {
    expect([0, 1, 2, 3, 4].map((c) => tokenOfCell([7, 8], c))).toEqual([7, 8, 7, 8, 7]);
  });
});

describe("planGif", () => {
  it("frames capped at the collection, size capped at the tokens' unless asked", () => {
    expect(planGif({ tokens: 5, ...SQUARE, tokenWidth: 24, tokenHeight: 24 })).toEqual({
      plan: { frames: 5, width: 24, height: 24, delayMs: 500, repeat: 0 },
      notes: [],
    });
    const asked = planGif({ tokens: 5, count: 8, size: 100, delayMs: 120, loop: "once", tokenWidth: 400, tokenHeight: 200 });
    expect(asked.plan).toEqual({ frames: 5, width: 100, height: 50, delayMs: 120, repeat: -1 });
    expect(asked.notes).toEqual(["gif: 5 frames, all the collection has (asked for 8)"]);
    expect(planGif({ tokens: 50, loop: 3, ...SQUARE }).plan).toMatchObject({ frames: 20, width: 512, repeat: 3 });
  });

  it.each([
    [{ delayMs: 10 }, /^--delay: expected a whole number from 20 to 655350, found 10$/],
    [{ count: 1001 }, /^--gif: /],
    [{ size: 4096 }, /^--gif-size: /],
    [{ loop: 0 }, /^--loop: /],
  ])("refuses %o", (bad, message) => {
    expect(() => planGif({ tokens: 10, ...SQUARE, ...bad })).toThrow(message);
  });
});

describe("reading the collection", () => {
  const manifest = (tokens: string, head = '"seed": "s", "width": 24, "height": 32, "format": "jpeg"'): string =>
    `{\n  "tool": "traitloom", ${head},\n  "tokens": [\n${tokens}\n  ],\n  "provenance": "x"\n}\n`;
  const line = (id: number): string => `    {"id":${id},"dna":"0-1","dnaHash":"${"a".repeat(64)}","image":"${"b".repeat(64)}","traits":{"id":"x","Hat":"Cap"}}`;

  /** The text fed to a TokenLineReader a line at a time, as src/node/preview.ts does: its result, or "whole text" where it gives up. */
  function viaLines<R>(reader: TokenLineReader<R>, text: string): R | "whole text" {
    for (const l of text.split(/\r?\n/)) if (!reader.line(l)) return "whole text";
    return reader.finish() ?? "whole text";
  }
  const bothWays = (text: string, path: string): [unknown, unknown] => [viaLines(previewManifestReader(path), text), parsePreviewManifest(text, path)];

  it("reads manifest.json as output.ts writes it line by line, the same as from its whole text", () => {
    const entries = [5, 6, 9].map((id) => ({ id, dna: "1-0", dnaHash: "c".repeat(64), image: "d".repeat(64), metadata: "0".repeat(64), traits: { Hat: "Cap" } }));
    const header = { seed: "launch", count: 3, startId: 5, width: 64, height: 48, format: "png" as const, configHash: "e".repeat(64), inputHash: "f".repeat(64) };
    const text = [...manifestChunks(header, entries)].join("");
    const expected = { seed: "launch", width: 64, height: 48, format: "png", ids: [5, 6, 9] };
    expect(bothWays(text, "m.json")).toEqual([expected, expected]);
    expect(viaLines(previewManifestReader("m.json"), text.replaceAll("\n", "\r\n"))).toEqual(expected);
    expect(viaLines(previewManifestReader("m.json"), `\ufeff${text}`)).toEqual(expected);
  });

  it("leaves a manifest laid out otherwise to the whole-text reader, which reads it", () => {
    const doc = { seed: "s", width: 8, height: 8, format: "webp", tokens: [{ id: 2, dna: "0" }, { id: 1 }] };
    const expected = { seed: "s", width: 8, height: 8, format: "webp", ids: [2, 1] };
    for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc), JSON.stringify(doc, null, "\t")]) {
      expect(bothWays(text, "m.json")).toEqual(["whole text", expected]);
    }
  });

  it("keeps what a preview needs and drops the rest of each token", () => {
    const text = `\ufeff${manifest([line(3), line(1)].join(",\n"))}`;
    expect(bothWays(text, "out/manifest.json")).toEqual([
      { seed: "s", width: 24, height: 32, format: "jpeg", ids: [3, 1] },
      { seed: "s", width: 24, height: 32, format: "jpeg", ids: [3, 1] },
    ]);
  });

  it.each([
    ["no width", manifest(line(1), '"seed": "s", "height": 32, "format": "png"'), "out/manifest.json: width: expected a whole number of pixels"],
    ["a bad id", manifest([line(1), line(2), '    {"id":-1}'].join(",\n")), "out/manifest.json: tokens[2].id: expected a token id, a whole number >= 0"],
    ["no tokens", manifest(""), "out/manifest.json: tokens: expected at least one token, found none"],
    ["a gif", manifest(line(1), '"seed": "s", "width": 24, "height": 32, "format": "gif"'), 'out/manifest.json: format: expected "png", "webp" or "jpeg"'],
    ["a syntax error", manifest(line(1), '"seed": "s", "width": 24 "height": 32, "format": "png"'), /^out\/manifest\.json: expected JSON, found a syntax error/],
  ])("names the file and the field of a manifest with %s, read either way", (_name, text, message) => {
    expect(() => viaLines(previewManifestReader("out/manifest.json"), text)).toThrow(message);
    expect(() => parsePreviewManifest(text, "out/manifest.json")).toThrow(message);
  });

  it("reads ranks from rarity.json, as output.ts writes it and otherwise", () => {
    const report = { traits: [], scores: Float64Array.of(2.5, 9), ranks: Uint32Array.of(2, 1) };
    const text = [...rarityJsonChunks(report, (i) => i + 1)].join("");
    expect([...(viaLines(previewRanksReader("rarity.json"), text) as Map<number, number>)]).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect([...parsePreviewRanks(text, "rarity.json")]).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const bad = '{\n  "tokens": [\n    {"id":1}\n  ]\n}';
    expect(() => viaLines(previewRanksReader("out/rarity.json"), bad)).toThrow("out/rarity.json: tokens[0].rank: expected a rank, a whole number >= 1");
    expect(() => parsePreviewRanks(bad, "out/rarity.json")).toThrow("out/rarity.json: tokens[0].rank: expected a rank, a whole number >= 1");
  });

  it("parseHexColor", () => {
    expect(parseHexColor("--background", "#1a2B3c")).toEqual([0x1a, 0x2b, 0x3c]);
    expect(parseHexColor("--background", "ffffff")).toEqual([255, 255, 255]);
    expect(() => parseHexColor("--background", "fff")).toThrow('--background: expected a colour as 6 hex digits such as 1a2b3c, found "fff"');
  });
});

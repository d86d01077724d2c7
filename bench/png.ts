/**
 * PNG encoder benchmark: time per image and file size for encodePng's presets and settings,
 * and for sharp's own encoder, on real composited tokens.
 *
 *   npx tsx bench/png.ts            presets, the candidates they were picked from, and sharp
 *   npx tsx bench/png.ts --sweep    every filter with every zlib setting as well
 *   npx tsx bench/png.ts --studio   the studio's fast encoder (src/browser/pngEncoder.ts) with each
 *                                   shared filter, against its Up-only encoder from before them
 *   npx tsx bench/png.ts --deflate  the studio's deflate (src/browser/fastDeflate.ts): its WebAssembly
 *                                   loops against the same loops in TypeScript, on HashLips and demo tokens
 *
 * Tokens are the HashLips example layers (shared/datasets/hashlips/layers, or the folder in
 * TRAITLOOM_HASHLIPS_LAYERS) composited with sharp in the HashLips order, at 512x512 and
 * upscaled to 1024x1024. Timings are medians over every image in interleaved rounds, on one
 * thread, so other work on the machine spreads over all rows alike; "RGB" rows include the
 * isOpaque check and the alpha drop. Sizes are means over the tokens.
 *
 * --studio uses the project's demo layers instead (assets/demo-layers, the studio's "Load demo"),
 * planned by core with the browser bench's seed and composited by the span compositor as the
 * studio's workers do (at 1024x1024 the traits are stretched once at decode, as the studio does).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { versions } from "node:process";
import { availableParallelism } from "node:os";
import sharp, { type PngOptions as SharpPngOptions } from "sharp";
import { encodePng, isOpaque, PNG_PRESETS, rgbaToRgb, type PngOptions } from "../src/node/png.js";
import { buildLayerSet } from "../src/core/layers.js";
import { planCollection, traitOf } from "../src/core/planner.js";
import { listLayersDir } from "../src/node/files.js";
import { loadTraits } from "../src/node/traits.js";
import { compositeTraits } from "../src/render/composite.js";
import { filterRows, hasSimdFilters, type PngFilterMode } from "../src/render/png/filters.js";
import { pngContainer } from "../src/render/pngContainer.js";
import { crc32 } from "../src/browser/crc32.js";
import { DeflateScratch, hasWasmDeflate, zlibRuns } from "../src/browser/fastDeflate.js";
import { FAST_PNG_FILTER, FastPngEncoder } from "../src/browser/pngEncoder.js";

const LAYERS_DIR =
  process.env["TRAITLOOM_HASHLIPS_LAYERS"] ??
  fileURLToPath(new URL("../../shared/datasets/hashlips/layers", import.meta.url));
/** HashLips' layer order for its example collection, bottom first. */
const LAYER_ORDER = ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"];
const TOKEN_COUNT = 8;
const SIZES_PX = [512, 1024] as const;
/** Rounds over all tokens per encoder; fewer at 1024 where one encode takes ~4x longer. */
const ROUNDS: Record<(typeof SIZES_PX)[number], number> = { 512: 12, 1024: 5 };
const MIN_ROUNDS = 2;
/** Past MIN_ROUNDS, an encoder that has used this much time (per size) sits out the remaining rounds. */
const ENCODER_BUDGET_MS = 4000;

interface Token {
  readonly rgba: Buffer;
  readonly size: number;
}

interface Encoder {
  readonly name: string;
  /** "rgba": writes the RGBA composite; "rgb": checks it is opaque and drops alpha first, timed. */
  readonly input: "rgba" | "rgb";
  readonly encode: (token: Token) => Promise<number> | number;
}

interface Row {
  readonly encoder: Encoder;
  /** Median wall-clock time. */
  readonly msPerImage: number;
  /** Median process CPU time (all threads, so libvips' too): steadier on a busy machine. */
  readonly cpuMsPerImage: number;
  readonly meanBytes: number;
}

/** Token k takes trait k modulo the count in each layer folder (sorted), so tokens differ. */
async function buildTokens(): Promise<Token[]> {
  const traitsByLayer = LAYER_ORDER.map((layer) =>
    readdirSync(join(LAYERS_DIR, layer))
      .filter((file) => file.endsWith(".png"))
      .sort()
      .map((file) => join(LAYERS_DIR, layer, file)),
  );
  const tokens: Token[] = [];
  for (let k = 0; k < TOKEN_COUNT; k++) {
    const files = traitsByLayer.map((traits, layer) => traits[(k * (layer + 1)) % traits.length]!);
    const [background, ...rest] = files;
    const rgba = await sharp(background)
      .ensureAlpha()
      .composite(rest.map((input) => ({ input })))
      .raw()
      .toBuffer();
    tokens.push({ rgba, size: 512 });
  }
  const upscaled = await Promise.all(
    tokens.map(async (t) => ({
      rgba: await sharp(t.rgba, { raw: { width: 512, height: 512, channels: 4 } }).resize(1024, 1024).raw().toBuffer(),
      size: 1024,
    })),
  );
  return [...tokens, ...upscaled];
}

function ours(name: string, input: "rgba" | "rgb", options: PngOptions): Encoder {
  if (input === "rgba") {
    return { name, input, encode: (t) => encodePng(t.rgba, t.size, t.size, 4, options).length };
  }
  return {
    name,
    input,
    encode: (t) => {
      if (!isOpaque(t.rgba, 4)) throw new Error("bench: the tokens are expected to be opaque");
      return encodePng(rgbaToRgb(t.rgba), t.size, t.size, 3, options).length;
    },
  };
}

function viaSharp(name: string, input: "rgba" | "rgb", png: SharpPngOptions): Encoder {
  return {
    name,
    input,
    encode: async (t) => {
      const raw = input === "rgba" ? t.rgba : Buffer.from(rgbaToRgb(t.rgba));
      const channels = input === "rgba" ? 4 : 3;
      const out = await sharp(raw, { raw: { width: t.size, height: t.size, channels } })
        .png({ ...png, palette: false })
        .toBuffer();
      return out.length;
    },
  };
}

function encoders(sweep: boolean): Encoder[] {
  const list: Encoder[] = [];
  for (const input of ["rgba", "rgb"] as const) {
    for (const [preset, settings] of Object.entries(PNG_PRESETS)) list.push(ours(preset, input, settings));
    list.push(ours("balanced, JS filters", input, { ...PNG_PRESETS.balanced, simd: false }));
    const candidates: [string, PngOptions][] = sweep
      ? (["rle", "huffman", "default", "filtered"] as const).flatMap((strategy) =>
          ([1, 3] as const).flatMap((level) =>
            (["none", "sub", "up", "average", "paeth", "sampled", "adaptive"] as const).map(
              (filter): [string, PngOptions] => [`L${level} ${strategy} ${filter}`, { level, strategy, filter, memLevel: 9 }],
            ),
          ),
        )
      : [
          ["L1 rle sub", { level: 1, strategy: "rle", filter: "sub" }],
          ["L1 rle up", { level: 1, strategy: "rle", filter: "up" }],
          ["L1 rle average", { level: 1, strategy: "rle", filter: "average" }],
          ["L1 rle sampled", { level: 1, strategy: "rle", filter: "sampled" }],
          ["L1 rle adaptive", { level: 1, strategy: "rle", filter: "adaptive" }],
          ["L1 huffman up", { level: 1, strategy: "huffman", filter: "up" }],
          ["L1 huffman adaptive", { level: 1, strategy: "huffman", filter: "adaptive" }],
          ["L1 default paeth", { level: 1, strategy: "default", filter: "paeth" }],
          ["L3 default paeth", { level: 3, strategy: "default", filter: "paeth" }],
          ["L6 filtered paeth", { level: 6, strategy: "filtered", filter: "paeth" }],
          ["L7 filtered adaptive", { level: 7, strategy: "filtered", filter: "adaptive" }],
          ["L9 filtered adaptive", { level: 9, strategy: "filtered", filter: "adaptive" }],
        ];
    for (const [name, options] of candidates) list.push(ours(name, input, { memLevel: 9, ...options }));
    list.push(viaSharp("sharp default (level 6)", input, {}));
    list.push(viaSharp("sharp level 1", input, { compressionLevel: 1 }));
    list.push(viaSharp("sharp level 1 adaptive", input, { compressionLevel: 1, adaptiveFiltering: true }));
    list.push(viaSharp("sharp level 6 adaptive", input, { compressionLevel: 6, adaptiveFiltering: true }));
    list.push(viaSharp("sharp level 9 adaptive effort 10", input, { compressionLevel: 9, adaptiveFiltering: true, effort: 10 }));
  }
  return list;
}

async function measure(list: Encoder[], tokens: Token[], rounds: number): Promise<Row[]> {
  const wall = list.map(() => [] as number[]);
  const cpu = list.map(() => [] as number[]);
  const spentMs = list.map(() => 0);
  const bytes = list.map(() => 0);
  for (let round = -1; round < rounds; round++) {
    for (const [e, encoder] of list.entries()) {
      // Slow settings (zlib 8-9, sharp's effort 10) stop early; MIN_ROUNDS still give a median.
      if (round >= MIN_ROUNDS && spentMs[e]! > ENCODER_BUDGET_MS) continue;
      for (const token of tokens) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        const size = await encoder.encode(token);
        const ms = performance.now() - start;
        const cpuUsed = process.cpuUsage(cpuStart);
        // Round -1 warms the JIT and the allocators, and records the sizes.
        if (round < 0) {
          bytes[e] = bytes[e]! + size;
          continue;
        }
        wall[e]!.push(ms);
        cpu[e]!.push((cpuUsed.user + cpuUsed.system) / 1000);
        spentMs[e] = spentMs[e]! + ms;
      }
    }
  }
  return list.map((encoder, e) => ({
    encoder,
    msPerImage: median(wall[e]!),
    cpuMsPerImage: median(cpu[e]!),
    meanBytes: bytes[e]! / tokens.length,
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printTable(size: number, rows: Row[]): void {
  const baselineOf = (input: "rgba" | "rgb"): number =>
    rows.find((r) => r.encoder.name === "baseline" && r.encoder.input === input)!.meanBytes;
  const hashLips = baselineOf("rgba");
  console.log(`\n### ${size}x${size}, ${TOKEN_COUNT} tokens`);
  console.log("| encoder | writes | ms/image | CPU ms/image | mean KB | vs baseline, same channels | vs baseline RGBA (HashLips) |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const same = r.meanBytes / baselineOf(r.encoder.input);
    const flag = same <= 1.1 ? "" : " (over 1.1)";
    const cells = [
      r.encoder.name,
      r.encoder.input.toUpperCase(),
      r.msPerImage.toFixed(2),
      r.cpuMsPerImage.toFixed(2),
      (r.meanBytes / 1000).toFixed(1),
      `${same.toFixed(3)}${flag}`,
      (r.meanBytes / hashLips).toFixed(3),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

// ---------------------------------------------------------------------------------------
// --studio: the studio's fast encoder, all of it pure code that runs here as in its workers.

const DEMO_LAYERS_DIR = fileURLToPath(new URL("../assets/demo-layers", import.meta.url));
/** bench/browser.ts's seed, so the tokens are the ones the browser bench renders first. */
const STUDIO_SEED = "bench";
const STUDIO_TOKENS: Record<(typeof SIZES_PX)[number], number> = { 512: 96, 1024: 32 };
const STUDIO_ROUNDS = 7;

interface StudioToken {
  readonly rgba: Uint8Array;
  readonly opaque: boolean;
  readonly size: number;
}

interface StudioEncoder {
  readonly name: string;
  readonly encode: (t: StudioToken) => Uint8Array;
}

/**
 * The studio's fast encoder as it was before it used the shared filters (src/browser/pngEncoder.ts as of
 * commit 233ca60), kept here only as the reference the shared filters are measured against: Up on every
 * row (None on the first), read straight from RGBA a pixel (one 32-bit word) at a time, then deflateRuns.
 */
class UpOnlyPngEncoder {
  private filtered = new Uint8Array(0);
  private readonly scratch = new DeflateScratch();

  encode(rgba: Uint8Array, width: number, height: number, opaque: boolean): Uint8Array {
    const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
    const bpp = opaque ? 3 : 4;
    const stride = width * bpp;
    const size = (stride + 1) * height;
    if (this.filtered.length < size) this.filtered = new Uint8Array(size);
    const filtered = this.filtered.subarray(0, size);
    if (opaque) {
      filtered[0] = 0;
      for (let x = 0, o = 1; x < width; x++, o += 3) {
        const v = px[x]!;
        filtered[o] = v;
        filtered[o + 1] = v >>> 8;
        filtered[o + 2] = v >>> 16;
      }
      for (let y = 1; y < height; y++) {
        let o = y * (stride + 1);
        filtered[o++] = 2;
        for (let p = y * width, end = p + width; p < end; p++, o += 3) {
          const v = px[p]!;
          const u = px[p - width]!;
          filtered[o] = v - u;
          filtered[o + 1] = (v >>> 8) - (u >>> 8);
          filtered[o + 2] = (v >>> 16) - (u >>> 16);
        }
      }
    } else {
      const rowBytes = width * 4;
      filtered[0] = 0;
      filtered.set(rgba.subarray(0, rowBytes), 1);
      for (let y = 1; y < height; y++) {
        const row = y * rowBytes;
        let o = y * (stride + 1);
        filtered[o++] = 2;
        for (let x = row, end = row + rowBytes; x < end; x++, o++) filtered[o] = rgba[x]! - rgba[x - rowBytes]!;
      }
    }
    return pngContainer(zlibRuns(filtered, bpp, this.scratch), width, height, bpp, crc32);
  }
}

/** The demo layers planned with core and composited with the span compositor, as the studio's workers do. */
async function studioTokens(size: (typeof SIZES_PX)[number]): Promise<StudioToken[]> {
  const layerSet = buildLayerSet(await listLayersDir(DEMO_LAYERS_DIR));
  const loaded = await loadTraits(DEMO_LAYERS_DIR, layerSet, size === 512 ? {} : { width: size, height: size, resize: "stretch" });
  if (loaded.width !== size || loaded.height !== size) throw new Error(`bench: the demo layers are ${loaded.width}x${loaded.height}, not ${size}x${size}`);
  const count = STUDIO_TOKENS[size];
  const plan = planCollection(layerSet, count, STUDIO_SEED);
  const canvas = new Uint8Array(size * size * 4);
  const tokens: StudioToken[] = [];
  for (let k = 0; k < count; k++) {
    const traits = loaded.prepared.map((layer, l) => layer[traitOf(plan, k, l)]!);
    const opaque = compositeTraits(canvas, traits);
    tokens.push({ rgba: canvas.slice(), opaque, size });
  }
  return tokens;
}

function studioEncoders(): StudioEncoder[] {
  const before = new UpOnlyPngEncoder();
  const list: StudioEncoder[] = [{ name: "before: Up only, fused JS (the studio's encoder until now)", encode: (t) => before.encode(t.rgba, t.size, t.size, t.opaque) }];
  const shared = (filter: PngFilterMode, simd: boolean): StudioEncoder => {
    const encoder = new FastPngEncoder({ filter, simd });
    const name = `shared ${filter}, ${simd ? "SIMD" : "JS"}${filter === FAST_PNG_FILTER && simd ? " (FastPngEncoder's default)" : ""}`;
    return { name, encode: (t) => encoder.encode(t.rgba, t.size, t.size, t.opaque) };
  };
  for (const filter of ["up", "sub", "average", "paeth", "sampled", "adaptive"] as const) list.push(shared(filter, true));
  for (const filter of ["up", "paeth", "sampled", "adaptive"] as const) list.push(shared(filter, false));
  return list;
}

/** Every encoder's file, decoded by sharp, must give the token's pixels (RGB where the token is opaque). */
async function checkPixels(list: StudioEncoder[], token: StudioToken): Promise<void> {
  const expected = token.opaque ? rgbaToRgb(token.rgba) : token.rgba;
  for (const e of list) {
    const { data } = await sharp(e.encode(token)).raw().toBuffer({ resolveWithObject: true });
    if (Buffer.compare(data, expected) !== 0) throw new Error(`bench: ${e.name} does not give the token's pixels back`);
  }
}

async function measureStudio(): Promise<void> {
  console.log(`node ${versions.node}, ${availableParallelism()} cores, shared filters with SIMD: ${hasSimdFilters()}`);
  const list = studioEncoders();
  for (const size of SIZES_PX) {
    const tokens = await studioTokens(size);
    await checkPixels(list, tokens[0]!);
    const times = list.map(() => [] as number[]);
    const bytes = list.map(() => 0);
    // Round -1 warms the JIT and records the sizes; then the encoders take turns, token by token.
    for (let round = -1; round < STUDIO_ROUNDS; round++) {
      for (const token of tokens) {
        for (const [e, encoder] of list.entries()) {
          const start = performance.now();
          const length = encoder.encode(token).length;
          const ms = performance.now() - start;
          if (round < 0) bytes[e] = bytes[e]! + length;
          else times[e]!.push(ms);
        }
      }
    }
    const opaqueCount = tokens.filter((t) => t.opaque).length;
    const reference = { ms: median(times[0]!), bytes: bytes[0]! / tokens.length };
    console.log(`\n### ${size}x${size}, ${tokens.length} demo tokens (${opaqueCount} opaque), seed "${STUDIO_SEED}", ${STUDIO_ROUNDS} rounds`);
    console.log("| encoder (all deflate with fastDeflate) | ms/token | vs before | KB/token | vs before |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [e, encoder] of list.entries()) {
      const ms = median(times[e]!);
      const kb = bytes[e]! / tokens.length;
      const cells = [encoder.name, ms.toFixed(2), (ms / reference.ms).toFixed(2), (kb / 1000).toFixed(1), (kb / reference.bytes).toFixed(3)];
      console.log(`| ${cells.join(" | ")} |`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// --deflate: fastDeflate's two implementations of the same bytes, on the studio's filtered rows.

const DEFLATE_ROUNDS = 9;

async function measureDeflate(): Promise<void> {
  console.log(`node ${versions.node}, ${availableParallelism()} cores, deflate loops in WebAssembly: ${hasWasmDeflate()}`);
  const hashlips = (await buildTokens()).filter((t) => t.size === 512).map((t) => ({ rgba: new Uint8Array(t.rgba), opaque: isOpaque(t.rgba, 4), size: 512 }));
  const sets: Array<[string, StudioToken[]]> = [
    [`HashLips sample, ${hashlips.length} tokens, 512x512`, hashlips],
    ["demo layers, 96 tokens, 512x512", await studioTokens(512)],
    ["demo layers, 32 tokens, 1024x1024", await studioTokens(1024)],
  ];
  console.log(`\nms per token: median over ${DEFLATE_ROUNDS} rounds, the two taking turns token by token; rows filtered with Paeth (FastPngEncoder's default) beforehand, not timed.`);
  console.log("| tokens | TypeScript ms | WebAssembly ms | speed-up | KB/token (both) |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const [name, tokens] of sets) {
    const rows = tokens.map((t) => {
      const bpp = t.opaque ? 3 : 4;
      return { rows: filterRows(t.opaque ? rgbaToRgb(t.rgba) : t.rgba, t.size, t.size, bpp, FAST_PNG_FILTER, false).slice(), bpp };
    });
    const js = new DeflateScratch();
    const wasm = new DeflateScratch();
    const times = { js: [] as number[], wasm: [] as number[] };
    let bytes = 0;
    for (let round = -1; round < DEFLATE_ROUNDS; round++) {
      for (const r of rows) {
        let start = performance.now();
        const a = zlibRuns(r.rows, r.bpp, js, "js");
        const msJs = performance.now() - start;
        start = performance.now();
        const b = zlibRuns(r.rows, r.bpp, wasm, "wasm");
        const msWasm = performance.now() - start;
        if (round < 0) {
          if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) throw new Error(`bench: ${name}: the two deflates wrote different bytes`);
          bytes += a.length;
        } else {
          times.js.push(msJs);
          times.wasm.push(msWasm);
        }
      }
    }
    const js50 = median(times.js);
    const wasm50 = median(times.wasm);
    console.log(`| ${name} | ${js50.toFixed(2)} | ${wasm50.toFixed(2)} | ${(js50 / wasm50).toFixed(2)}x | ${(bytes / rows.length / 1000).toFixed(1)} |`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--deflate")) {
    await measureDeflate();
    return;
  }
  if (process.argv.includes("--studio")) {
    await measureStudio();
    return;
  }
  const sweep = process.argv.includes("--sweep");
  // One libvips thread, so sharp is timed on one core like encodePng (each worker runs one encode).
  sharp.concurrency(1);
  console.log(
    `node ${versions.node}, zlib ${versions.zlib}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ${availableParallelism()} cores`,
  );
  const tokens = await buildTokens();
  const list = encoders(sweep);
  for (const size of SIZES_PX) {
    const rows = await measure(
      list,
      tokens.filter((t) => t.size === size),
      ROUNDS[size],
    );
    printTable(size, rows);
  }
}

await main();

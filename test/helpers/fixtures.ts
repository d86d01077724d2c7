/**
 * Layer folders drawn at test time: small RGBA shapes encoded by sharp into a temp dir, so the integration
 * tests read nothing outside the repo and every fixture says in the test what it holds.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Sharp } from "sharp";
import sharp from "sharp";

export type Rgb = readonly [number, number, number];

/** A shape on a transparent canvas: "full" covers it, "disc" and "square" sit in the middle, "none" is empty. */
export interface ShapeSpec {
  width?: number;
  height?: number;
  color: Rgb;
  /** 0-255; the shape's alpha. */
  alpha?: number;
  shape?: "full" | "disc" | "square" | "none";
}

/** The canvas size of most fixtures: small enough that a few hundred tokens render in well under a second. */
export const FIXTURE_PX = 32;

/** Straight-alpha RGBA pixels of a shape: a 1-pixel half-alpha rim around discs gives partial alpha to every trait. */
export function shapeRgba(spec: ShapeSpec): { data: Buffer; width: number; height: number } {
  const width = spec.width ?? FIXTURE_PX;
  const height = spec.height ?? FIXTURE_PX;
  const alpha = spec.alpha ?? 255;
  const data = Buffer.alloc(width * height * 4);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const r = Math.min(width, height) * 0.35;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      switch (spec.shape ?? "full") {
        case "full":
          a = alpha;
          break;
        case "square":
          a = Math.abs(x - cx) <= r && Math.abs(y - cy) <= r ? alpha : 0;
          break;
        case "disc": {
          const d = Math.hypot(x - cx, y - cy);
          a = d <= r ? alpha : d <= r + 1 ? Math.round(alpha / 2) : 0;
          break;
        }
        case "none":
          a = 0;
      }
      const i = (y * width + x) * 4;
      if (a > 0) {
        data[i] = spec.color[0];
        data[i + 1] = spec.color[1];
        data[i + 2] = spec.color[2];
        data[i + 3] = a;
      }
    }
  }
  return { data, width, height };
}

/** The shape encoded by sharp; `encode` picks the format (default 8-bit RGBA PNG). */
export async function shapeImage(spec: ShapeSpec, encode: (img: Sharp) => Sharp = (img) => img.png()): Promise<Buffer> {
  const { data, width, height } = shapeRgba(spec);
  return encode(sharp(data, { raw: { width, height, channels: 4 } })).toBuffer();
}

/** Folder name → file name → an image to draw, or the exact bytes to write. */
export type LayerFiles = Record<string, Record<string, ShapeSpec | Buffer | string>>;

/** Writes a layers folder (creating it) and returns its path. */
export async function writeLayers(root: string, layers: LayerFiles): Promise<string> {
  for (const [folder, files] of Object.entries(layers)) {
    await mkdir(join(root, folder), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      const bytes = typeof content === "string" || Buffer.isBuffer(content) ? content : await shapeImage(content);
      await writeFile(join(root, folder, name), bytes);
    }
  }
  return root;
}

/** A colour per index, far enough apart that traits never look alike. */
export function colorOf(i: number): Rgb {
  const palette: Rgb[] = [
    [230, 25, 75],
    [60, 180, 75],
    [255, 225, 25],
    [0, 130, 200],
    [245, 130, 48],
    [145, 30, 180],
    [70, 240, 240],
    [240, 50, 230],
    [210, 245, 60],
    [250, 190, 212],
  ];
  return palette[i % palette.length] ?? [0, 0, 0];
}

/**
 * Layers "01-Background" (3 opaque traits, weights 3:2:1), "02-Body" (2 half-transparent shapes) and "03-Hat"
 * (None#2, Cap, Crown): 18 combinations, numeric prefixes and a None trait.
 */
export async function writeBasicLayers(root: string): Promise<string> {
  return writeLayers(root, {
    "01-Background": {
      "Blue#3.png": { color: [20, 40, 200] },
      "Green#2.png": { color: [20, 160, 60] },
      "Red#1.png": { color: [200, 30, 30] },
    },
    "02-Body": {
      "Disc.png": { color: [240, 200, 120], shape: "disc", alpha: 200 },
      "Square.png": { color: [90, 60, 30], shape: "square", alpha: 160 },
    },
    "03-Hat": {
      "None#2.png": { color: [0, 0, 0], shape: "none" },
      "Cap.png": { color: [10, 10, 10], shape: "square", alpha: 255, width: FIXTURE_PX, height: FIXTURE_PX },
      "Crown.png": { color: [250, 220, 0], shape: "disc", alpha: 255 },
    },
  });
}

/**
 * HashLips' sample layer set rebuilt with our own drawings: the same layers, trait counts (1,2,6,3,1,3,3) and
 * weights, so exactly 324 unique tokens exist. Folder names carry no prefix: the order comes from the config.
 */
export const HASHLIPS_ORDER = ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"] as const;

export async function writeHashlipsLikeLayers(root: string): Promise<string> {
  const traits: Record<(typeof HASHLIPS_ORDER)[number], string[]> = {
    Background: ["Black#1"],
    Eyeball: ["Red#50", "White#50"],
    "Eye color": ["Cyan#1", "Green#1", "Pink#1", "Purple#1", "Red#1", "Yellow#1"],
    Iris: ["Large#20", "Medium#20", "Small#60"],
    Shine: ["Shapes#100"],
    "Bottom lid": ["High#20", "Low#40", "Middle#40"],
    "Top lid": ["High#30", "Low#20", "Middle#50"],
  };
  const layers: LayerFiles = {};
  HASHLIPS_ORDER.forEach((layer, l) => {
    const files: Record<string, ShapeSpec> = {};
    traits[layer].forEach((t, i) => {
      files[`${t}.png`] = { width: 16, height: 16, color: colorOf(l * 3 + i), shape: l === 0 ? "full" : l % 2 ? "disc" : "square", alpha: 128 + i * 40 };
    });
    layers[layer] = files;
  });
  return writeLayers(root, layers);
}

/** A fresh empty folder under the OS temp dir. */
export async function tempDir(prefix = "traitloom-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Every file under dir (hidden ones too), as relative paths, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(relative(dir, full).split("\\").join("/"));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Relative path → sha256 of every file under dir, hidden files included (a stray temp file is a difference).
 * `.traitloom/done.log` is left out by default: it lists tokens in the order workers finished them.
 */
export async function snapshotDir(dir: string, options: { includeJournal?: boolean } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await listFiles(dir)) {
    if (!options.includeJournal && f === ".traitloom/done.log") continue;
    out[f] = createHash("sha256").update(await readFile(join(dir, f))).digest("hex");
  }
  return out;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function readJson<T = unknown>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** RGBA of one pixel of an image file, decoded by sharp. */
export async function pixelAt(path: string, x: number, y: number): Promise<[number, number, number, number]> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return [data[i] ?? -1, data[i + 1] ?? -1, data[i + 2] ?? -1, data[i + 3] ?? -1];
}

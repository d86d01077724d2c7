/**
 * The trait model end to end through the Node engine (generateCollection), over small folders of the shared
 * nftchef and datlips samples' shape (test/fixtures/nftchef-mini, test/fixtures/datlips-mini; made by
 * scripts/make-model-fixtures.ts). Every token's pixels are checked against an independent composite of the part
 * files in the order FIELD.md §3 gives (the engines' own order), computed here from the files and the token's
 * metadata, not from the draw lists the engine made.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { readEngineConfig } from "../src/core/migrate/readEngineConfig.js";
import { initFromEngineConfig } from "../src/core/migrate/toTraitloomConfig.js";
import { modelConfigFromConversion } from "../src/core/migrate/modelConfig.js";
import { listLayersDir } from "../src/node/files.js";
import { generateCollection, generateWith, readConfigFile, type GenerateResult } from "../src/node/generate.js";
import { runMain } from "./helpers/cli.js";
import { FIXTURE_PX, pixelAt, removeDir, sha256Hex, shapeRgba, tempDir, writeLayers } from "./helpers/fixtures.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const NC = join(FIXTURES, "nftchef-mini");
const DL = join(FIXTURES, "datlips-mini");
const S = 24;

type Rgba = Uint8Array;
interface Part {
  file: string;
  blend?: "multiply";
  opacity?: number;
}
interface Meta {
  name: string;
  dna: string;
  description: string;
  attributes: Array<{ trait_type: string; value: string }>;
}

/** A layer file as straight-alpha RGBA at the canvas size, stretched as the engines do. */
async function pixelsOf(layersDir: string, file: string): Promise<Rgba> {
  const bytes = await readFile(join(layersDir, file));
  let p = sharp(bytes).toColourspace("srgb").ensureAlpha();
  const m = await sharp(bytes).metadata();
  if (m.width !== S || m.height !== S) p = p.resize(S, S, { fit: "fill", kernel: "lanczos3", background: { r: 0, g: 0, b: 0, alpha: 0 } });
  return new Uint8Array(await p.raw().toBuffer());
}

/**
 * Straight-alpha compositing as the W3C compositing spec writes it (source-over with a separable blend function),
 * each step stored as 8-bit like a canvas: an oracle independent of src/render.
 */
function composite(layers: ReadonlyArray<{ rgba: Rgba; blend?: "multiply" | undefined; opacity?: number | undefined }>): Rgba {
  const out = new Uint8Array(S * S * 4);
  for (const { rgba, blend, opacity = 1 } of layers) {
    for (let i = 0; i < S * S * 4; i += 4) {
      const as = ((rgba[i + 3] ?? 0) / 255) * opacity;
      const ab = (out[i + 3] ?? 0) / 255;
      const ao = as + ab * (1 - as);
      for (let c = 0; c < 3; c++) {
        const cs = (rgba[i + c] ?? 0) / 255;
        const cb = (out[i + c] ?? 0) / 255;
        const mixed = blend === "multiply" ? cs * cb : cs;
        const co = as * (1 - ab) * cs + as * ab * mixed + (1 - as) * ab * cb;
        out[i + c] = ao > 0 ? Math.round((co / ao) * 255) : 0;
      }
      out[i + 3] = Math.round(ao * 255);
    }
  }
  return out;
}

async function imageOf(outDir: string, id: number): Promise<Rgba> {
  return new Uint8Array(await sharp(join(outDir, "images", `${id}.png`)).ensureAlpha().raw().toBuffer());
}

/** The largest per-channel difference between two images, over pixels either shows (alpha > 0). */
function maxDiff(a: Rgba, b: Rgba): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 4) {
    if ((a[i + 3] ?? 0) === 0 && (b[i + 3] ?? 0) === 0) continue;
    for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs((a[i + c] ?? 0) - (b[i + c] ?? 0)));
  }
  return worst;
}

async function metadataOf(outDir: string): Promise<Map<number, Meta>> {
  const out = new Map<number, Meta>();
  for (const name of await readdir(join(outDir, "metadata"))) out.set(Number.parseInt(name, 10), JSON.parse(await readFile(join(outDir, "metadata", name), "utf8")) as Meta);
  return out;
}

function attr(meta: Meta, type: string): string | undefined {
  return meta.attributes.find((a) => a.trait_type === type)?.value;
}

describe("nftchef's folder shape (nested choices, multi-part traits, z, NONE)", () => {
  let out: string;
  let result: GenerateResult;
  const logs: string[] = [];
  let metadata: Map<number, Meta>;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "traitloom-nc-"));
    result = await generateCollection({ configPath: join(NC, "traitloom.json"), outDir: out, workers: 1, onLog: (l) => logs.push(l) });
    metadata = await metadataOf(out);
  });
  afterAll(async () => rm(out, { recursive: true, force: true }));

  it("has nftchef's capacity: 2·2·2·4·3·3 outcomes (a folder with un-weighted files is one trait)", () => {
    expect(result.capacity).toBe(288);
    expect(metadata.size).toBe(60);
  });

  it("writes no attribute for NONE, and the value override for Helmet", () => {
    const values = [...metadata.values()].flatMap((m) => m.attributes.map((a) => a.value));
    expect(values).not.toContain("NONE");
    expect(values).toContain("Space Helmet");
    expect(values).not.toContain("Helmet");
    // Tokens with the empty choice have no Accessory attribute at all.
    expect([...metadata.values()].some((m) => attr(m, "Accessory") === undefined)).toBe(true);
  });

  it("plans exact counts per trait and per folder: within 1 of count × the product of local shares", () => {
    const count = (type: string, value: string): number => [...metadata.values()].filter((m) => attr(m, type) === value).length;
    const within1 = (actual: number, expected: number): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1);
    within1(count("Eyes", "happy"), (60 * 50 * 50) / (80 * 100));
    within1(count("Eyes", "normal"), (60 * 50 * 50) / (80 * 100));
    // The folder z1,eye#50: its two traits together.
    within1(count("Eyes", "happy") + count("Eyes", "normal"), (60 * 50) / 80);
    within1(count("Eyes", "star eyes"), (60 * 30) / 80);
    within1(count("Accessory", "Purple Glasses"), (60 * 25) / 135);
    within1(count("Accessory", "Space Helmet"), (60 * 10) / 135);
    within1(60 - count("Accessory", "Purple Glasses") - count("Accessory", "Space Helmet"), (60 * 100) / 135);
    within1(count("Back Accessory", "Backpack"), (60 * 50) / 90);
  });

  it("draws every part of every multi-part trait in nftchef's order: z -10 under all, then layers in order, z 1 on top", async () => {
    const L = join(NC, "layers");
    const files: Record<string, Record<string, string[]>> = {
      Background: { coulds: ["Background/coulds#5.png"], stars: ["Background/stars#5.png"] },
      "Back Accessory": { Backpack: ["Back Accessory/Backpack#50/1backpack-lines.png", "Back Accessory/Backpack#50/backpack-FILL.png"], rockets: ["Back Accessory/rockets#40.png"] },
      Head: { faceA: ["Head/faceA#3.png"], faceB: ["Head/faceB#3.png"] },
      Clothes: {
        "Shirt three": ["Clothes/Shirt three#44/3shadow.png", "Clothes/Shirt three#44/shirt-FILL.png"],
        floral: ["Clothes/floral#30.png"],
        "shirt one": ["Clothes/shirt one #3.png"],
        "shirt two": ["Clothes/shirt two#3.png"],
      },
      Accessory: { "Purple Glasses": ["Accessory/Purple Glasses#25/Glasses front.png"], "Space Helmet": ["Accessory/Helmet#10/Helmet.png"] },
      Eyes: { happy: ["Eyes/z1,eye#50/happy#50/eye2.png"], normal: ["Eyes/z1,eye#50/normal#50/eye1.png"], "star eyes": ["Eyes/z1,star eyes#30.png"] },
    };
    let glassesChecked = 0;
    for (const [id, meta] of metadata) {
      const order: string[] = [];
      if (attr(meta, "Accessory") === "Purple Glasses") {
        order.push("Accessory/Purple Glasses#25/z-10,Glasses back.png");
        glassesChecked++;
      }
      for (const type of ["Background", "Back Accessory", "Head", "Clothes", "Accessory", "Eyes"]) {
        const value = attr(meta, type);
        if (value !== undefined) order.push(...(files[type]?.[value] ?? [`missing ${type}/${value}`]));
      }
      const expected = composite(await Promise.all(order.map(async (f) => ({ rgba: await pixelsOf(L, f) }))));
      expect(maxDiff(await imageOf(out, id), expected), `token ${id}: ${order.join(" → ")}`).toBeLessThanOrEqual(2);
    }
    expect(glassesChecked).toBeGreaterThan(0);
  });

  it("warns of both pairs of identical images and of the trailing space, naming the files", () => {
    const identical = logs.filter((l) => l.includes("identical images"));
    expect(identical).toHaveLength(2);
    expect(identical.some((l) => l.includes("Head/faceA#3.png") && l.includes("Head/faceB#3.png"))).toBe(true);
    expect(identical.some((l) => l.includes('Clothes/shirt one #3.png"') && l.includes("Clothes/shirt two#3.png"))).toBe(true);
    expect(logs.some((l) => l.includes("shirt one #3.png") && l.includes("spaces at its ends"))).toBe(true);
  });

  it('with dialect "auto" reads it as nftchef, says so and names the file that decided, and makes the same collection', async () => {
    const autoOut = await mkdtemp(join(tmpdir(), "traitloom-nc-auto-"));
    try {
      const autoLogs: string[] = [];
      const config = await readConfigFile(join(NC, "traitloom.json"));
      const auto = await generateCollection({ config: { ...config, dialect: "auto" }, layersDir: join(NC, "layers"), outDir: autoOut, workers: 1, onLog: (l) => autoLogs.push(l) });
      expect(autoLogs.find((l) => l.startsWith("dialect:"))).toMatch(/^dialect: nftchef \(auto: .*(Accessory|Back Accessory|Clothes|Eyes)\/.*\)$/);
      expect(auto.provenance).toBe(result.provenance);
    } finally {
      await rm(autoOut, { recursive: true, force: true });
    }
  });
});

describe("datlips' folder shape (Variant colours, z prefix, sub-traits, exclude, two layer configurations)", () => {
  let out: string;
  let result: GenerateResult;
  const logs: string[] = [];
  let metadata: Map<number, Meta>;
  let config: TraitloomConfig;

  beforeAll(async () => {
    const read = readEngineConfig(await readFile(join(DL, "config.js"), "utf8"), "config.js");
    config = modelConfigFromConversion(initFromEngineConfig(await listLayersDir(join(DL, "layers")), read), read);
    out = await mkdtemp(join(tmpdir(), "traitloom-dl-"));
    result = await generateCollection({ config: { ...config, seed: "datlips-mini" }, layersDir: join(DL, "layers"), outDir: out, workers: 2, onLog: (l) => logs.push(l) });
    metadata = await metadataOf(out);
  });
  afterAll(async () => rm(out, { recursive: true, force: true }));

  it("converts the config.js into two editions with the datlips dialect, mixed ids", () => {
    expect(config.dialect).toBe("datlips");
    expect(config.shuffle).toBe("ids");
    expect(config.editions?.map((e) => [e.id, e.count, e.layers.length])).toEqual([
      ["Mini Fish", 12, 6],
      ["Skeletal Mini Fish", 8, 3],
    ]);
  });

  it("plans each edition on its own layers and reports capacity per edition", () => {
    expect(result.count).toBe(20);
    expect(result.capacity).toBe(48 + 8);
    expect(logs).toContain("capacity per edition: Mini Fish 48 (12 planned), Skeletal Mini Fish 8 (8 planned)");
    const fish = [...metadata.values()].filter((m) => m.name.startsWith("Mini Fish #"));
    const skeletal = [...metadata.values()].filter((m) => m.name.startsWith("Skeletal Mini Fish #"));
    expect([fish.length, skeletal.length]).toEqual([12, 8]);
    expect(skeletal.every((m) => m.description === "The bones of Mini Fish")).toBe(true);
    // Shuffled: the skeletal tokens do not all sit after the fish.
    const ids = [...metadata].filter(([, m]) => m.name.startsWith("Skeletal")).map(([id]) => id);
    expect(Math.min(...ids)).toBeLessThan(13);
    // Every skeletal token unique (edition 2 is at its full capacity): by its traits, the excluded layer's included.
    expect(new Set(skeletal.map((m) => m.dna)).size).toBe(8);
    expect(new Set(skeletal.map((m) => JSON.stringify(m.attributes))).size).toBe(4);
  });

  it("keeps the excluded layer out of metadata and names the Variant layer Color", () => {
    const types = new Set([...metadata.values()].flatMap((m) => m.attributes.map((a) => a.trait_type)));
    expect(types.has("SkeletalArms")).toBe(false);
    expect(types.has("Color")).toBe(true);
    expect(types.has("Variant")).toBe(false);
  });

  it("lists the missing-variant fallbacks", () => {
    expect(logs.some((l) => l.includes("Arms/Blue/LobsterClaws.png") && l.includes("Arms/Blue/LureArms.png") && l.includes("Arms/Red/LureArms.png"))).toBe(true);
  });

  it("draws variant art for every coloured trait (else the root file), parts in z order, the multiply shadow, Seaweed's parts under it", async () => {
    const L = join(DL, "layers");
    const entries = async (layer: string): Promise<string[]> => (await readdir(join(L, layer))).filter((f) => f.endsWith(".png"));
    const rootFile = async (layer: string, value: string): Promise<string> => {
      const f = (await entries(layer)).find((n) => n.replace(/^z\d+\$/, "").startsWith(`${value}#`));
      if (!f) throw new Error(`no file for ${layer}/${value}`);
      return `${layer}/${f}`;
    };
    const colourFile = async (layer: string, colour: string, value: string): Promise<string> => {
      const files = await readdir(join(L, layer, colour)).catch(() => [] as string[]);
      return files.includes(`${value}.png`) ? `${layer}/${colour}/${value}.png` : rootFile(layer, value);
    };
    let coloured = 0;
    let seaweed = 0;
    for (const [id, meta] of metadata) {
      const steps: Array<{ z: number; part: Part }> = [];
      if (meta.name.startsWith("Mini Fish")) {
        const colour = attr(meta, "Color") ?? "";
        steps.push({ z: 0, part: { file: await rootFile("Variant", colour) } });
        const arms = await colourFile("Arms", colour, attr(meta, "Arms") ?? "");
        if (arms.includes(`/${colour}/`)) coloured++;
        steps.push({ z: 10, part: { file: arms } });
        steps.push({ z: 20, part: { file: await rootFile("Body", attr(meta, "Body") ?? "") } });
        const eyes = attr(meta, "Eyes") ?? "";
        steps.push({ z: 30, part: { file: await rootFile("Eyes", eyes) } });
        if (eyes === "AnglerEyes") steps.push({ z: 35, part: { file: "Eyes/AnglerEyes/Shadow.png", blend: "multiply", opacity: 0.5 } });
        steps.push({ z: 40, part: { file: await colourFile("Head", colour, "FishHead") } });
        const legs = attr(meta, "Legs") ?? "";
        steps.push({ z: legs === "TentacleLegs" ? 25 : 50, part: { file: await rootFile("Legs", legs) } });
      } else {
        // SkeletalArms has no attribute: which arm it drew is read from the image itself below, both tried.
        steps.push({ z: 10, part: { file: await rootFile("SkeletalBody", attr(meta, "SkeletalBody") ?? "") } });
        const acc = attr(meta, "SkeletalAccessories") ?? "";
        steps.push({ z: 20, part: { file: await rootFile("SkeletalAccessories", acc) } });
        if (acc === "Seaweed") {
          seaweed++;
          steps.push({ z: 15, part: { file: "SkeletalAccessories/Seaweed/Behind.png" } }, { z: 15, part: { file: "SkeletalAccessories/Seaweed/Light.png" } });
        }
      }
      const image = await imageOf(out, id);
      const candidates = meta.name.startsWith("Mini Fish")
        ? [steps]
        : [
            [{ z: 0, part: { file: "SkeletalArms/BoneArms#Common.png" } }, ...steps],
            // z15 ties with Seaweed's parts: the arms' layer comes first.
            [{ z: 15, part: { file: "SkeletalArms/z15$SkeletalTentacleArms#Rare.png" } }, ...steps],
          ];
      let best = Infinity;
      for (const candidate of candidates) {
        const sorted = candidate.map((s, i) => ({ ...s, i })).sort((a, b) => a.z - b.z || a.i - b.i);
        const layers = await Promise.all(sorted.map(async (s) => ({ rgba: await pixelsOf(L, s.part.file), blend: s.part.blend, opacity: s.part.opacity })));
        best = Math.min(best, maxDiff(image, composite(layers)));
      }
      expect(best, `token ${id} (${meta.name})`).toBeLessThanOrEqual(2);
    }
    expect(coloured).toBeGreaterThan(0);
    expect(seaweed).toBeGreaterThan(0);
  });
});

describe("blend modes with the band cache, and offsets", () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir("traitloom-model-bands-");
    await writeLayers(join(root, "layers"), {
      Background: { "Sky#1.png": { color: [40, 90, 200], shape: "full" }, "Dusk#1.png": { color: [200, 90, 40], shape: "full" } },
      Body: { "Blob#1.png": { color: [20, 200, 60], shape: "disc", alpha: 200 }, "Box#1.png": { color: [220, 220, 30], shape: "square" } },
      "Hair/Mohawk#1": { "front.png": { color: [250, 10, 200], shape: "square", alpha: 160 }, "back.png": { color: [10, 250, 250], shape: "disc" } },
      Hair: { "Short#1.png": { color: [90, 40, 10], shape: "disc", alpha: 120 } },
    });
    await writeLayers(join(root, "hl2"), {
      Base: { "Plain.png": { color: [255, 255, 255], shape: "full" } },
      Spot: { "Dot__x5__y3.png": { color: [255, 0, 0], width: 32, height: 32, shape: "square" } },
    });
  });
  afterAll(async () => removeDir(root));

  async function images(config: TraitloomConfig, bandCache: boolean, layersDir = join(root, "layers")): Promise<Map<string, string>> {
    const out = join(root, `out-${bandCache}-${Math.random().toString(36).slice(2)}`);
    await generateWith({ layersDir, config, count: 8, seed: "bands", outDir: out, workers: 1 }, { bandCache });
    const files = new Map<string, string>();
    // Pixels, not bytes: banded PNGs deflate band by band, so their bytes differ from a whole-image encode.
    for (const f of await readdir(join(out, "images"))) files.set(f, sha256Hex(await sharp(join(out, "images", f)).ensureAlpha().raw().toBuffer()));
    return files;
  }

  it("draws a blended layer past the band cache and a plain multi-part one through it: the same pixels with and without the cache", async () => {
    const blended: TraitloomConfig = { layers: ["Background", { name: "Body", blend: "difference", opacity: 0.7 }, "Hair"] };
    expect(await images(blended, true)).toEqual(await images(blended, false));
    const plain: TraitloomConfig = { layers: ["Background", "Body", "Hair"] };
    expect(await images(plain, true)).toEqual(await images(plain, false));
    // The blend changes the pixels: the same plan drawn plainly differs.
    expect(await images(blended, true)).not.toEqual(await images(plain, true));
  });

  it("draws HashLips v2's __x/__y offsets", async () => {
    const out = join(root, "out-hl2");
    await generateWith({ layersDir: join(root, "hl2"), config: { dialect: "hl2", layers: ["Base", "Spot"] }, count: 1, seed: "hl2", outDir: out, workers: 1 }, {});
    const plain = shapeRgba({ color: [255, 0, 0], shape: "square" });
    // The square's first opaque pixel in the file, and where it lands on the canvas: 5 right and 3 down.
    let first = -1;
    for (let i = 0; i < plain.data.length; i += 4) if ((plain.data[i + 3] ?? 0) === 255) { first = i / 4; break; }
    const [fx, fy] = [first % FIXTURE_PX, Math.floor(first / FIXTURE_PX)];
    expect(await pixelAt(join(out, "images", "1.png"), fx + 5, fy + 3)).toEqual([255, 0, 0, 255]);
    expect(await pixelAt(join(out, "images", "1.png"), fx, fy)).toEqual([255, 255, 255, 255]);
  });
});

describe("traitloom generate --dialect", () => {
  it("reads the folder in the dialect given, printing what auto decided", async () => {
    const out = await tempDir("traitloom-cli-dialect-");
    try {
      const run = await runMain(["generate", join(NC, "layers"), "--dialect", "auto", "-n", "6", "--seed", "cli", "-o", join(out, "o"), "--workers", "1"]);
      expect(run.code).toBe(0);
      expect(run.err).toContain("dialect: nftchef (auto: a weighted sub-folder in Accessory/Helmet#10)");
    } finally {
      await removeDir(out);
    }
  });

  it("refuses a dialect that is not one, in one line", async () => {
    const run = await runMain(["generate", join(NC, "layers"), "--dialect", "nftchief", "-n", "1"]);
    expect(run.code).toBe(1);
    expect(run.err.filter((l) => l !== "")).toEqual(['error: --dialect: expected one of auto, traitloom, hashlips, nftchef, datlips, hl2, nftool, found "nftchief"']);
  });
});

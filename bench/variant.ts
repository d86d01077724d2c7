/**
 * One benchmark variant, run in its own process so peak RSS and CPU time are its own.
 * Prints one JSON line: { tokens, seconds, cpuSeconds, peakRssMb, meanBytes }.
 *
 *   tsx bench/variant.ts <baseline|engine> <layersDir> <outDir> <count> <size> <configJson> [compression] [workers]
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type { TraitloomConfig } from "../src/core/config.js";
import { parseConfig } from "../src/core/config.js";
import { tokenMetadata, tokenRecord } from "../src/core/metadata.js";
import { renderPlanOf } from "../src/core/draw.js";
import { compositeTraits, prepareTrait, type Drawable, type PreparedTrait } from "../src/render/composite.js";
import type * as GenerateModule from "../src/node/generate.js";
import { PNG_PRESETS, encodePng } from "../src/node/png.js";

const argv = process.argv.slice(2);
if (argv.length < 6) throw new Error("usage: variant.ts <kind> <layersDir> <outDir> <count> <size> <configJson> [compression] [workers]");
const [kind, layersDir, outDir, countText, sizeText, configJson] = argv as [string, string, string, string, string, string];
const compression = argv[6] ?? "balanced";
const workersText = argv[7];
const count = Number(countText);
const size = Number(sizeText);
const config: TraitloomConfig = parseConfig({
  ...(JSON.parse(configJson) as object),
  width: size,
  height: size,
  resize: "stretch",
  image: { compression },
});

/**
 * The HashLips art engine's way, on one thread: every layer file decoded again for every token, composited,
 * encoded as PNG at zlib level 6 with adaptive filtering (libpng's default, what node-canvas writes), and
 * per-token metadata JSON written beside it plus _metadata.json at the end, as HashLips' saveMetaDataSingleFile
 * and writeMetaData do (plain writes, no temp file).
 */
async function baseline(): Promise<void> {
  sharp.concurrency(1);
  const { prepareCollection } = await import("../src/node/generate.js");
  const { layerSet, plan, settings } = await prepareCollection({ layersDir, config, count, seed: "bench" });
  mkdirSync(join(outDir, "images"), { recursive: true });
  mkdirSync(join(outDir, "json"), { recursive: true });
  const all: unknown[] = [];
  const canvas = new Uint8Array(size * size * 4);
  const render = renderPlanOf(layerSet);
  const decode = async (file: string): Promise<PreparedTrait> => {
    // The bench hands every variant trait files already at `size`.
    const { data } = await sharp(join(layersDir, file)).toColourspace("srgb").ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return prepareTrait(new Uint8Array(data.buffer, data.byteOffset, data.length), size, size);
  };
  for (let i = 0; i < count; i++) {
    const record = tokenRecord(layerSet, plan, i, settings);
    const traits: Drawable[] = [];
    if (render) {
      // The trait model: the token's draw list (parts, z, blend), each part file decoded again, as HashLips would.
      for (const d of render.drawList(record.dna.split("-").map(Number))) {
        const step = render.steps[d];
        const image = step && render.images[step.image];
        if (!step || !image) throw new Error(`bench: no draw step ${d}`);
        traits.push({ trait: await decode(image.file), blend: step.blend, opacity: step.opacity });
      }
    } else for (const t of record.traits) traits.push(await decode(t.file));
    compositeTraits(canvas, traits);
    writeFileSync(join(outDir, "images", `${record.id}.png`), encodePng(canvas, size, size, 4, PNG_PRESETS.baseline));
    const meta = tokenMetadata(record, settings);
    all.push(meta);
    writeFileSync(join(outDir, "json", `${record.id}.json`), JSON.stringify(meta, null, 2));
  }
  writeFileSync(join(outDir, "json", "_metadata.json"), JSON.stringify(all, null, 2));
}

/** The engine as users run it: the built dist/ (`npm run bench` builds it first), workers without tsx. */
async function engine(): Promise<void> {
  const dist = new URL("../dist/node/generate.js", import.meta.url).href;
  const { generateWith } = (await import(dist)) as typeof GenerateModule;
  await generateWith({
    layersDir,
    config,
    outDir,
    count,
    seed: "bench",
    overwrite: true,
    workers: workersText ? Number(workersText) : undefined,
  }, { bandCache: kind !== "engine-no-bands" });
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await (kind === "baseline" ? baseline() : engine());
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const images = join(outDir, "images");
const files = readdirSync(images).filter((f) => f.endsWith(".png"));
const bytes = files.reduce((a, f) => a + statSync(join(images, f)).size, 0);
process.stdout.write(
  `${JSON.stringify({
    tokens: count,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    meanBytes: bytes / Math.max(1, files.length),
  })}\n`,
);

/**
 * npm run bench -- [layersDir] [--size 512] [--count 1000] [-c traitloom.json] [--runs 3] [--no-write]
 * npm run bench -- --fixture multipart [--size 512] [--count 200] …
 *
 * `--fixture multipart`: the trait model's case, test/fixtures/nftchef-mini/layers with bench/multipart-blend.json
 * (nested choices, multi-part traits, a z -10 part, multiply, hue and screen steps at partial opacity): draw lists
 * through the shared compositor, blended steps past the band cache.
 * npm run bench -- --plan-only     the planning benchmark alone (bench/planning.ts); --no-plan skips it
 *
 * One table from one run: tokens/s, CPU seconds, peak RSS and mean image bytes for (a) a HashLips-style
 * baseline (one thread, every layer decoded for every token, PNG zlib 6 adaptive), (b) the engine at default
 * settings, (c) the engine's fastest preset. Each run of a variant is its own process; the variants take turns
 * for `--runs` rounds (so a slow spell of the machine hits them alike) and each row shows its median run, with
 * the slowest and fastest. The table is printed and written to docs/benchmarks.md (a section per layer set and
 * size) with the machine, the command and the date.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import sharp from "sharp";
import { parseArgs } from "node:util";
import { renderImagesOf } from "../src/core/draw.js";
import { prepareCollection, readConfigFile } from "../src/node/generate.js";
import type { Figures, Summary } from "./report.js";
import { planningBench } from "./planning.js";
import { publishSection, runOnce, summarise, tokensPerSecond } from "./report.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: "string", default: "512" },
    count: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    config: { type: "string", short: "c" },
    "no-write": { type: "boolean" },
    fixture: { type: "string" },
    "plan-only": { type: "boolean" },
    "no-plan": { type: "boolean" },
  },
});
// The planning benchmark: 100,000 tokens under 40 rules and 5 fixed counts beside today's plan without rules.
if (values["plan-only"]) {
  planningBench({ write: !values["no-write"] });
  process.exit(0);
}
if (values.fixture !== undefined && values.fixture !== "multipart") throw new Error(`--fixture: expected "multipart", found "${values.fixture}"`);
const multipart = values.fixture === "multipart";
const sourceDir = positionals[0] ?? (multipart ? "test/fixtures/nftchef-mini/layers" : "assets/demo-layers");
const size = Number(values.size);
const config = values.config ? await readConfigFile(values.config) : multipart ? await readConfigFile("bench/multipart-blend.json") : {};
delete config.layersDir;
const { plan, layerSet } = await prepareCollection({ layersDir: sourceDir, config, count: 1, seed: "bench" });
const layersDir = await layersAtSize(sourceDir, size);

/**
 * Every variant reads trait files already at the measured size, scaled once here before any timing (as the
 * reference HashLips figures at 1024 and 2048 were taken with upscaled layer files): the baseline then pays
 * for decoding per token, not for rescaling per token.
 */
async function layersAtSize(dir: string, px: number): Promise<string> {
  // Every image a token may draw: traits' files, or a render plan's part and variant files.
  const files = renderImagesOf(layerSet).flatMap((row) => row.map((i) => i.file));
  const sizes = await Promise.all(files.map(async (f) => (await sharp(join(dir, f)).metadata()).width));
  if (sizes.every((w) => w === px)) return dir;
  const out = join(tmpdir(), `traitloom-bench-layers-${basename(resolve(dir))}-${px}`);
  for (const f of files) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    await sharp(join(dir, f)).resize(px, px, { fit: "fill", kernel: "lanczos3" }).png().toFile(join(out, f));
  }
  // Every other file as it is: an empty choice (nftchef's 0-byte NONE) draws nothing but is a choice all the same.
  const drawn = new Set(files);
  for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (drawn.has(f) || !statSync(join(dir, f)).isFile()) continue;
    mkdirSync(dirname(join(out, f)), { recursive: true });
    copyFileSync(join(dir, f), join(out, f));
  }
  return out;
}
let count = Number(values.count);
if (count > plan.capacity) {
  console.log(`note: ${sourceDir} allows ${plan.capacity} unique tokens; measuring ${plan.capacity}`);
  count = plan.capacity;
}

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number of rounds of at least 1, found ${values.runs}`);

const VARIANTS = [
  ["(a) HashLips-style baseline: 1 thread, decode per token, zlib 6 adaptive", "baseline", undefined],
  ["(b) engine, default (balanced)", "engine", "balanced"],
  ["(c) engine, fastest preset (fast)", "engine", "fast"],
  ["(d) engine, default without the band cache (whole-image encode)", "engine-no-bands", "balanced"],
] as const;
const measured: Figures[][] = VARIANTS.map(() => []);
for (let round = 1; round <= runs; round++) {
  VARIANTS.forEach(([label, kind, compression], v) => {
    process.stderr.write(`round ${round} of ${runs}: ${label}…\n`);
    measured[v]?.push(runOnce(kind, layersDir, [String(count), String(size), JSON.stringify(config), ...(compression ? [compression] : [])]));
  });
}
const summaries: Summary[] = measured.map(summarise);
const base = summaries[0];
const rows = VARIANTS.map(([label], v) => {
  const f = summaries[v] as Summary;
  const rate = tokensPerSecond(f);
  const baseRate = base ? tokensPerSecond(base) : rate;
  const spread = f.runs > 1 ? ` (${f.minRate.toFixed(1)}-${f.maxRate.toFixed(1)})` : "";
  return `| ${label} | ${rate.toFixed(1)}${spread} | ${(rate / baseRate).toFixed(1)}x | ${f.cpuSeconds.toFixed(1)} | ${f.peakRssMb.toFixed(0)} | ${(f.meanBytes / 1024).toFixed(1)} | ${base ? (f.meanBytes / base.meanBytes).toFixed(2) : "1.00"}x |`;
});
publishSection(
  `${sourceDir}@${size}`,
  `### ${sourceDir} at ${size}x${size}, ${count} tokens${layersDir === sourceDir ? "" : " (layers scaled to this size once, before timing)"}`,
  `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
  [
    `Median of ${runs} run${runs === 1 ? "" : "s"} per variant${runs > 1 ? " (slowest-fastest in brackets; CPU s and peak RSS of the median run)" : ""}.`,
    "",
    "| variant | tokens/s | vs baseline | CPU s | peak RSS MB | mean KB/image | size vs baseline |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ],
  !values["no-write"],
);
if (!values["no-plan"]) planningBench({ write: !values["no-write"] });

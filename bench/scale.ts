/**
 * npm run bench:scale -- [layersDir] [--size 512] [--counts 10000,100000] [--no-write]
 *
 * Without a layersDir it draws its own: 8 layers of 6 traits (1.7 million combinations), since the sample
 * layers allow 86,400 tokens, fewer than 100,000.
 *
 * Memory must not grow with the collection: runs the engine (default settings) at each count in its own
 * process and prints peak RSS, tokens/s and the RSS ratio of the largest to the smallest run. Written to
 * docs/benchmarks.md with the machine, the command and the date. Not part of npm test (it writes ~5 GB).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Figures } from "./report.js";
import { publishSection, runOnce } from "./report.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: "string", default: "512" },
    counts: { type: "string", default: "10000,100000" },
    "no-write": { type: "boolean" },
  },
});
const layersDir = positionals[0] ?? (await drawScaleLayers(Number(values.size)));
const label = positionals[0] ?? "generated layers (8 layers x 6 traits)";

/** 8 layers x 6 traits of soft-edged shapes over an opaque background, drawn with sharp from SVG. */
async function drawScaleLayers(size: number): Promise<string> {
  const { default: sharp } = await import("sharp");
  const { mkdirSync } = await import("node:fs");
  const root = join(tmpdir(), `traitloom-scale-layers-${size}`);
  for (let l = 0; l < 8; l++) {
    const dir = join(root, `${String(l + 1).padStart(2, "0")}-Layer${l + 1}`);
    mkdirSync(dir, { recursive: true });
    for (let t = 0; t < 6; t++) {
      const hue = (l * 47 + t * 61) % 360;
      const r = size * (0.08 + 0.02 * t);
      const cx = size * (0.2 + 0.08 * l);
      const cy = size * (0.25 + 0.07 * ((l + t) % 8));
      const shape =
        l === 0
          ? `<rect width="${size}" height="${size}" fill="hsl(${hue},60%,70%)"/>`
          : `<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${hue},70%,50%)" fill-opacity="${0.6 + 0.06 * t}" stroke="#222" stroke-width="${size / 128}"/>`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${shape}</svg>`;
      await sharp(Buffer.from(svg)).png().toFile(join(dir, `T${t}#${6 - t}.png`));
    }
  }
  return root;
}
const size = Number(values.size);
const counts = values.counts.split(",").map(Number);

const results: Array<[number, Figures]> = [];
for (const count of counts) {
  process.stderr.write(`generating ${count} tokens…\n`);
  results.push([count, runOnce("engine", layersDir, [String(count), String(size), "{}"])]);
}
const smallest = results[0]?.[1];
const rows = results.map(
  ([count, f]) =>
    `| ${count} | ${(f.tokens / f.seconds).toFixed(1)} | ${f.seconds.toFixed(0)} | ${f.peakRssMb.toFixed(0)} | ${smallest ? ((f.peakRssMb / smallest.peakRssMb - 1) * 100).toFixed(1) : "0"}% |`,
);
publishSection(
  `scale:${label}@${size}`,
  `### Scale: ${label} at ${size}x${size}`,
  `npm run bench:scale -- ${process.argv.slice(2).join(" ")}`.trim(),
  ["| tokens | tokens/s | seconds | peak RSS MB | RSS vs smallest run |", "|---|---|---|---|---|", ...rows],
  !values["no-write"],
);

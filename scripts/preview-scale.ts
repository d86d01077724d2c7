/**
 * Previews of a 100,000-token collection, in bounded memory: makes a synthetic collection folder (a few distinct
 * token PNGs hard-linked, or copied where links fail, under 100,000 names in images/, a manifest.json written by
 * core's manifestChunks with realistic token lines, and a rarity.json), then runs `traitloom preview` on it
 * several ways, each in a process of its own so its peak RSS (process.resourceUsage().maxRSS) is its own, and
 * prints a table. The folder is removed afterwards (unless --keep). Not a test: figures go to docs/preview.md.
 *
 * Run: `npx tsx scripts/preview-scale.ts [--count 100000] [--size 256] [--only 1,2,3] [--keep]`
 */
import { execFileSync } from "node:child_process";
import { copyFile, link, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { sha256Hex } from "../src/core/hash.js";
import { manifestChunks, rarityJsonChunks, type ManifestEntry } from "../src/core/output.js";
import { parsePreviewManifest } from "../src/core/preview.js";
import { createRng } from "../src/core/rng.js";
import { runPreview } from "../src/cli/preview.js";
import { writeChunksAtomic } from "../src/node/files.js";
import { readPreviewCollection } from "../src/node/preview.js";

/** Distinct token images; every token is one of them. */
const DISTINCT_IMAGES = 8;
const LAYERS = ["Background", "Body", "Eyes", "Mouth", "Hat", "Clothes", "Accessory", "Pattern"];

/** What each child process runs: the preview's arguments, or one of the --floor/--lines/--whole probes. */
const CASES: Array<{ name: string; args: string[] }> = [
  { name: "imports only (the floor)", args: ["--floor"] },
  { name: "read manifest.json line by line (what preview does)", args: ["--lines"] },
  { name: "read manifest.json whole (the fallback for other layouts)", args: ["--whole"] },
  { name: "defaults: collage 100, banner, gif 20", args: [] },
  { name: "--pick rank --collage 400", args: ["--pick", "rank", "--collage", "400"] },
  { name: "--collage 10000 (8,000 px a side)", args: ["--collage", "10000"] },
  { name: "--gif 200 --gif-size 512", args: ["--gif", "200", "--gif-size", "512"] },
];

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    size: { type: "string", default: "256" },
    keep: { type: "boolean", default: false },
    /** Only these cases, by number in CASES (1-based), comma-separated. */
    only: { type: "string" },
    child: { type: "string" },
    dir: { type: "string" },
  },
});

async function child(dir: string, argsJson: string): Promise<void> {
  const args = JSON.parse(argsJson) as string[];
  const started = performance.now();
  const lines: string[] = [];
  if (args[0] === "--lines") {
    lines.push(`${(await readPreviewCollection(dir)).ids.length} ids`);
  } else if (args[0] === "--whole") {
    const c = parsePreviewManifest(await readFile(join(dir, "manifest.json"), "utf8"), "manifest.json");
    lines.push(`${c.ids.length} ids`);
  } else if (args[0] !== "--floor") {
    await runPreview([dir, ...args], { out: (l) => lines.push(l.replace(/^wrote .*preview\//, "")), err: (l) => lines.push(l) });
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, rssMb: process.resourceUsage().maxRSS / 1024, lines }));
}

/** A token image: a backdrop and a disc in colours of their own, flat art like most collections. */
async function tokenPng(i: number, size: number): Promise<Buffer> {
  const rng = createRng("preview-scale", `image-${i}`);
  const colour = (): string => `#${rng.int(0xffffff).toString(16).padStart(6, "0")}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${colour()}"/><circle cx="${size / 2}" cy="${size / 2}" r="${size / 3}" fill="${colour()}"/><rect x="${size / 3}" y="${size / 2.6}" width="${size / 3}" height="${size / 12}" fill="${colour()}"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function makeCollection(dir: string, count: number, size: number): Promise<{ linked: boolean }> {
  const images = join(dir, "images");
  await mkdir(images, { recursive: true });
  const sources: string[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < DISTINCT_IMAGES; i++) {
    const png = await tokenPng(i, size);
    const path = join(dir, `source-${i}.png`);
    await sharp(png).toFile(path);
    sources.push(path);
    hashes.push(sha256Hex(new Uint8Array(png)));
  }
  let linked = true;
  for (let id = 1; id <= count; id++) {
    const source = sources[id % DISTINCT_IMAGES] as string;
    const target = join(images, `${id}.png`);
    if (linked) {
      try {
        await link(source, target);
        continue;
      } catch {
        linked = false;
      }
    }
    await copyFile(source, target);
  }
  const rng = createRng("preview-scale", "tokens");
  function* entries(): Generator<ManifestEntry> {
    for (let id = 1; id <= count; id++) {
      const dna = LAYERS.map(() => rng.int(20)).join("-");
      const traits = Object.fromEntries(LAYERS.map((l, i) => [l, `${l} ${dna.split("-")[i]}`]));
      // `metadata` (the metadata file's sha256) is in newer manifests; with an older ManifestEntry it is one field more.
      const entry = { id, dna, dnaHash: sha256Hex(dna), image: hashes[id % DISTINCT_IMAGES] as string, metadata: sha256Hex(`${id}.json`), traits };
      yield entry;
    }
  }
  const header = { seed: "preview-scale", count, startId: 1, width: size, height: size, format: "png" as const, configHash: "0".repeat(64), inputHash: "1".repeat(64) };
  await writeChunksAtomic(join(dir, "manifest.json"), manifestChunks(header, entries()));
  const scores = new Float64Array(count);
  const rankRng = createRng("preview-scale", "scores");
  for (let i = 0; i < count; i++) scores[i] = 8 + rankRng.next() * 40;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const ranks = new Uint32Array(count);
  order.forEach((index, r) => (ranks[index] = r + 1));
  await writeChunksAtomic(join(dir, "rarity.json"), rarityJsonChunks({ traits: [], scores, ranks }, (i) => i + 1));
  return { linked };
}

async function main(): Promise<void> {
  if (values.child !== undefined) return child(values.dir as string, values.child);
  const count = Number(values.count);
  const size = Number(values.size);
  const root = await mkdtemp(join(tmpdir(), "traitloom-preview-scale-"));
  const dir = join(root, "collection");
  try {
    const made = performance.now();
    const { linked } = await makeCollection(dir, count, size);
    const manifestMb = (await stat(join(dir, "manifest.json"))).size / 1e6;
    console.log(
      `synthetic collection: ${count.toLocaleString("en-US")} tokens of ${size}×${size} px (${DISTINCT_IMAGES} distinct images, ${linked ? "hard-linked" : "copied"}), ` +
        `manifest.json ${manifestMb.toFixed(1)} MB, made in ${((performance.now() - made) / 1000).toFixed(1)} s`,
    );
    console.log("| run | time | peak RSS | wrote |");
    console.log("|---|---:|---:|---|");
    const self = fileURLToPath(import.meta.url);
    const only = values.only?.split(",").map(Number);
    for (const [i, c] of CASES.entries()) {
      if (only && !only.includes(i + 1)) continue;
      const out = execFileSync(process.execPath, [...process.execArgv, self, "--child", JSON.stringify(c.args), "--dir", dir], { encoding: "utf8", maxBuffer: 1 << 24 });
      const r = JSON.parse(out) as { seconds: number; rssMb: number; lines: string[] };
      console.log(`| ${c.name} | ${r.seconds.toFixed(1)} s | ${Math.round(r.rssMb)} MB | ${r.lines.join("; ")} |`);
    }
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(root, { recursive: true, force: true });
  }
}

await main();

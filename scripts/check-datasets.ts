/**
 * Dev check, not a test (the tests must not read ../shared): generates the shared datasets through the Node engine
 * as FIELD.md §3 reads them, and prints what to compare with §3.
 *
 * - nftchef/layers with `--dialect nftchef` and with `auto`: capacity, the dialect auto picked and why, per-trait
 *   counts of a 1,000-token plan against §3's shares (within 1), NONE never in metadata, the identical-image and
 *   trailing-space warnings, and the pixels of every rendered token against an independent composite of its
 *   parts in §3's order (z -10 part, then layersOrder, z 1 layers on top).
 * - datlips/layers with its two layer configurations, from test/fixtures/engine-configs/datlips-v1.4.0.config.js
 *   (datlips' sample config) converted by initFromEngineConfig + modelConfigFromConversion: capacity per edition,
 *   variant art drawn for every coloured trait, the missing-variant fallbacks, Seaweed's parts in z order,
 *   TentacleLegs before Eyes, SkeletalArms out of metadata, each edition's counts.
 *
 *   npx tsx scripts/check-datasets.ts [datasets folder] [--render N]   (default: 40 nftchef tokens rendered)
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { TraitloomConfig } from "../src/core/config.js";
import { readEngineConfig } from "../src/core/migrate/readEngineConfig.js";
import { initFromEngineConfig } from "../src/core/migrate/toTraitloomConfig.js";
import { modelConfigFromConversion } from "../src/core/migrate/modelConfig.js";
import { plannedToken } from "../src/render/pipeline.js";
import { renderPlanOf } from "../src/core/draw.js";
import { listLayersDir } from "../src/node/files.js";
import { generateCollection, prepareCollection } from "../src/node/generate.js";

const args = process.argv.slice(2);
const renderAt = args.indexOf("--render");
const RENDER = renderAt >= 0 ? Number(args[renderAt + 1]) : 40;
const datasets = args.find((a, i) => !a.startsWith("--") && (renderAt < 0 || i !== renderAt + 1)) ?? join(import.meta.dirname, "../../shared/datasets");
const fixtures = join(import.meta.dirname, "../test/fixtures");
let failures = 0;
/** Tokens planned to check the shares of FIELD.md §3: as many as stay unique at those exact counts. */
const PLAN_COUNT = 300;

function check(ok: boolean, what: string): void {
  if (!ok) failures++;
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
}

type Meta = { name: string; attributes: Array<{ trait_type: string; value: string }> };
async function metadataOf(out: string): Promise<Map<number, Meta>> {
  const m = new Map<number, Meta>();
  for (const f of await readdir(join(out, "metadata"))) m.set(Number.parseInt(f, 10), JSON.parse(await readFile(join(out, "metadata", f), "utf8")) as Meta);
  return m;
}

/** Straight-alpha source-over (W3C compositing), 8-bit between steps: an oracle independent of src/render. */
function composite(width: number, layers: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(layers[0]?.length ?? width * width * 4);
  for (const src of layers) {
    for (let i = 0; i < out.length; i += 4) {
      const as = (src[i + 3] ?? 0) / 255;
      const ab = (out[i + 3] ?? 0) / 255;
      const ao = as + ab * (1 - as);
      for (let c = 0; c < 3; c++) out[i + c] = ao > 0 ? Math.round((((src[i + c] ?? 0) / 255) * as + ((out[i + c] ?? 0) / 255) * ab * (1 - as)) / ao * 255) : 0;
      out[i + 3] = Math.round(ao * 255);
    }
  }
  return out;
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 4) {
    if ((a[i + 3] ?? 0) === 0 && (b[i + 3] ?? 0) === 0) continue;
    for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs((a[i + c] ?? 0) - (b[i + c] ?? 0)));
  }
  return worst;
}

async function nftchef(): Promise<void> {
  const layersDir = join(datasets, "nftchef/layers");
  if (!existsSync(layersDir)) return;
  const layers = ["Background", "Back Accessory", "Head", "Clothes", "Eyes", "Hair", { name: "Accessory", traits: { Helmet: { value: "Space Helmet" } } }, { name: "Shirt Accessories", traits: { "gold chain": { value: "GOLDEN NECKLACE" } } }];
  const base: TraitloomConfig = { layers, seed: "check-nftchef" };
  const provenance: Record<string, string> = {};
  for (const dialect of ["nftchef", "auto"] as const) {
    console.log(`\n=== nftchef/layers, --dialect ${dialect}`);
    // 1,000 tokens (§3's figures) cannot all be unique at those counts: the 735 NONE tokens would need 735 distinct
    // combinations of the other layers, most of which hold a rare trait at these counts; the planner then moves rare traits up
    // (each move is printed as a deviation). The shares are checked at PLAN_COUNT tokens, where they fit.
    const big: string[] = [];
    await prepareCollection({ layersDir, config: { ...base, dialect }, count: 1000, onLog: (l) => big.push(l) });
    console.log(`  1000 tokens: ${big.filter((l) => l.startsWith("rarity moved")).length} trait counts moved for uniqueness (the counts of §3 leave too few unique combinations)`);
    const logs: string[] = [];
    const prepared = await prepareCollection({ layersDir, config: { ...base, dialect }, count: PLAN_COUNT, onLog: (l) => logs.push(l) });
    for (const l of logs.filter((l) => l.startsWith("dialect") || l.startsWith("warning") || l.startsWith("rarity moved"))) console.log(`  ${l}`);
    check(prepared.plan.capacity === 4320, `capacity ${prepared.plan.capacity} (FIELD.md §3: 4,320)`);
    const counts = new Map<string, number>();
    for (let i = 0; i < PLAN_COUNT; i++) {
      const t = plannedToken(prepared.layerSet, prepared.plan, prepared.settings, i);
      for (const a of (JSON.parse(t.metadata) as Meta).attributes) counts.set(`${a.trait_type}/${a.value}`, (counts.get(`${a.trait_type}/${a.value}`) ?? 0) + 1);
    }
    const accessory = ["Accessory/Purple Glasses", "Accessory/Space Helmet", "Accessory/MetallicShades"].reduce((a, k) => a + (counts.get(k) ?? 0), 0);
    const shares: Array<[string, number, string]> = [
      ["NONE (no Accessory attribute)", 100 / 136, "25/34"],
      ["Accessory/Purple Glasses", 25 / 136, "25/136"],
      ["Accessory/Space Helmet", 10 / 136, "10/136"],
      ["Accessory/MetallicShades", 1 / 136, "1/136"],
      ["Shirt Accessories/Golden Sakura", 1 / 81, "1/81"],
      ["Shirt Accessories/GOLDEN NECKLACE", 40 / 81, "40/81"],
      ["Eyes/happy", 5 / 16, "5/16"],
      ["Eyes/normal", 5 / 16, "5/16"],
      ["Eyes/star eyes", 3 / 8, "3/8"],
      ["Back Accessory/Backpack", 5 / 9, "5/9"],
      ["Clothes/Shirt three", 2 / 5, "2/5"],
      ["Clothes/shirt one", 3 / 110, "3/110"],
    ];
    for (const [key, share, text] of shares) {
      const actual = key.startsWith("NONE") ? PLAN_COUNT - accessory : (counts.get(key) ?? 0);
      const exp = PLAN_COUNT * share;
      check(Math.abs(actual - exp) <= 1, `${key}: ${actual} of ${PLAN_COUNT} (FIELD.md §3 share ${text}: ${exp.toFixed(2)} ± 1)`);
    }
    check(![...counts.keys()].some((k) => k.endsWith("/NONE")), "NONE never in metadata");
    check(logs.filter((l) => l.includes("spaces at its ends") && l.includes("shirt one")).length === 1, "trailing-space warning for shirt one");

    const out = await mkdtemp(join(tmpdir(), `check-nftchef-${dialect}-`));
    try {
      const genLogs: string[] = [];
      const result = await generateCollection({ layersDir, config: { ...base, dialect }, count: RENDER, outDir: out, onLog: (l) => genLogs.push(l) });
      provenance[dialect] = result.provenance;
      const identical = genLogs.filter((l) => l.includes("identical images"));
      for (const l of identical) console.log(`  ${l}`);
      check(identical.length === 2 && identical.some((l) => l.includes("faceA")) && identical.some((l) => l.includes("shirt two")), "identical-image warnings: faceA/faceB, shirt one/shirt two");
      if (dialect === "auto") continue;
      // FIELD.md §3's draw order: z-10 part, Background, Back Accessory, Head, Clothes, Accessory, Shirt Accessories, then Eyes and Hair (z 1).
      const L = layersDir;
      const filesOf = async (folder: string): Promise<string[]> => {
        const walk = async (rel: string): Promise<string[]> => {
          const out: string[] = [];
          for (const e of (await readdir(join(L, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            if (e.isDirectory()) out.push(...(await walk(`${rel}/${e.name}`)));
            else out.push(`${rel}/${e.name}`);
          }
          return out;
        };
        return walk(folder);
      };
      const all = new Map<string, string[]>();
      for (const f of ["Background", "Back Accessory", "Head", "Clothes", "Eyes", "Hair", "Accessory", "Shirt Accessories"]) all.set(f, await filesOf(f));
      /** A trait's files: its own file, or every file of its folder (byte order), by the value's clean name. */
      const partsOf = (layer: string, value: string): string[] => {
        const clean = (s: string): string => s.replace(/z-?\d+,/g, "").replace(/#\d*/g, "").replace(/\.png$/, "").trim();
        const v = { "Space Helmet": "Helmet", "GOLDEN NECKLACE": "gold chain" }[value] ?? value;
        const files = all.get(layer) ?? [];
        const own = files.filter((f) => clean(f.split("/").pop() ?? "") === v);
        if (own.length > 0) return own;
        return files.filter((f) => f.split("/").slice(1, -1).some((seg) => clean(seg) === v));
      };
      const meta = await metadataOf(out);
      let worst = 0;
      let multi = 0;
      for (const [id, m] of meta) {
        const attr = (t: string): string | undefined => m.attributes.find((a) => a.trait_type === t)?.value;
        const order: string[] = [];
        const glasses = attr("Accessory") === "Purple Glasses" ? partsOf("Accessory", "Purple Glasses") : [];
        order.push(...glasses.filter((f) => f.includes("z-10,")));
        for (const layer of ["Background", "Back Accessory", "Head", "Clothes", "Accessory", "Shirt Accessories", "Eyes", "Hair"]) {
          const value = attr(layer);
          if (value === undefined) continue;
          const parts = partsOf(layer, value).filter((f) => !f.includes("z-10,"));
          if (parts.length > 1) multi++;
          order.push(...parts);
        }
        const pixels = await Promise.all(order.map(async (f) => new Uint8Array(await sharp(join(L, f)).ensureAlpha().raw().toBuffer())));
        const image = new Uint8Array(await sharp(join(out, "images", `${id}.png`)).ensureAlpha().raw().toBuffer());
        worst = Math.max(worst, maxDiff(image, composite(1080, pixels)));
      }
      check(worst <= 2, `pixels of ${meta.size} rendered tokens vs an independent composite in FIELD.md's order: largest difference ${worst} per channel (${multi} multi-part traits drawn)`);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  check(provenance.nftchef === provenance.auto, "auto makes the same collection as --dialect nftchef (same provenance)");
}

async function datlips(): Promise<void> {
  const layersDir = join(datasets, "datlips/layers");
  if (!existsSync(layersDir)) return;
  console.log("\n=== datlips/layers, its two layer configurations (test/fixtures/engine-configs/datlips-v1.4.0.config.js)");
  const read = readEngineConfig(await readFile(join(fixtures, "engine-configs/datlips-v1.4.0.config.js"), "utf8"), "datlips-v1.4.0.config.js");
  const conversion = initFromEngineConfig(await listLayersDir(layersDir), read);
  const config = { ...modelConfigFromConversion(conversion, read), seed: "check-datlips" };
  console.log(`  editions: ${config.editions?.map((e) => `${e.id} (${e.count}: ${e.layers.map((l) => (typeof l === "string" ? l : l.name)).join(", ")})`).join("; ")}`);
  const out = await mkdtemp(join(tmpdir(), "check-datlips-"));
  try {
    const logs: string[] = [];
    const result = await generateCollection({ layersDir, config, outDir: out, onLog: (l) => logs.push(l) });
    for (const l of logs.filter((l) => l.startsWith("capacity") || l.includes("variant") || l.includes("never drawn") || l.startsWith("dialect"))) console.log(`  ${l}`);
    check(logs.includes("capacity per edition: Your Collection 564,480 (50 planned), Skeletal Your Collection 8,064 (15 planned)"), "capacities 564,480 and 8,064 (FIELD.md §3)");
    check(result.count === 65, `65 tokens (${result.count})`);
    check(logs.some((l) => l.includes("Arms/Blue/LobsterClaws.png") && l.includes("Arms/Green/LobsterClaws.png") && l.includes("LureArms")), "missing-variant fallbacks listed (LobsterClaws Blue/Green, LureArms)");
    const meta = await metadataOf(out);
    const types = new Set([...meta.values()].flatMap((m) => m.attributes.map((a) => a.trait_type)));
    check(!types.has("SkeletalArms") && types.has("Color"), "SkeletalArms out of metadata, Variant as Color");
    const fish = [...meta.values()].filter((m) => m.name.startsWith("Your Collection"));
    const skeletal = [...meta.values()].filter((m) => m.name.startsWith("Skeletal"));
    check(fish.length === 50 && skeletal.length === 15, `50 + 15 tokens by edition (${fish.length} + ${skeletal.length})`);
    // What each token drew: from its plan (the draw lists), to check variant art, Seaweed's and TentacleLegs' order.
    const prepared = await prepareCollection({ layersDir, config });
    const plan = renderPlanOf(prepared.layerSet);
    let coloured = 0;
    let colouredExpected = 0;
    let seaweedOk = 0;
    let seaweed = 0;
    let tentacleOk = 0;
    let tentacle = 0;
    for (let i = 0; i < 65; i++) {
      const t = plannedToken(prepared.layerSet, prepared.plan, prepared.settings, i);
      const files = (t.draw ?? []).map((d) => plan?.images[plan.steps[d]?.image ?? -1]?.file ?? "");
      const m = JSON.parse(t.metadata) as Meta;
      const colour = m.attributes.find((a) => a.trait_type === "Color")?.value;
      const arms = m.attributes.find((a) => a.trait_type === "Arms")?.value;
      if (colour && arms && !["LureArms"].includes(arms) && !(arms === "LobsterClaws" && (colour === "Blue" || colour === "Green"))) {
        colouredExpected++;
        if (files.includes(`Arms/${colour}/${arms}.png`) && files.some((f) => f === `Head/${colour}/FishHead.png`)) coloured++;
      }
      if (m.attributes.some((a) => a.value === "Seaweed")) {
        seaweed++;
        const at = (name: string): number => files.findIndex((f) => f.includes(name));
        if (at("Seaweed/Behind") >= 0 && at("Seaweed/Behind") < at("Seaweed/Light") && at("Seaweed/Light") < at("Seaweed#")) seaweedOk++;
      }
      if (m.attributes.some((a) => a.value === "TentacleLegs")) {
        tentacle++;
        const legs = files.findIndex((f) => f.includes("TentacleLegs"));
        const eyes = files.findIndex((f) => f.startsWith("Eyes/"));
        const body = files.findIndex((f) => f.startsWith("Body/"));
        if (body < legs && legs < eyes) tentacleOk++;
      }
    }
    check(coloured === colouredExpected, `variant art drawn for every coloured trait: ${coloured} of ${colouredExpected} tokens (Arms and Head in the token's colour)`);
    check(seaweedOk === seaweed, `Seaweed drawn Behind, Light (z 35) then Seaweed (z 40): ${seaweedOk} of ${seaweed} tokens`);
    check(tentacleOk === tentacle, `TentacleLegs (z 35) drawn above Body, below Eyes: ${tentacleOk} of ${tentacle} tokens`);
    const counts = prepared.plan.counts;
    const sums = counts.map((c) => c.slice(0, -1).reduce((a, b) => a + b, 0));
    console.log(`  planned per layer (own tokens): ${prepared.layerSet.layers.map((l, i) => `${l.name} ${sums[i]}`).join(", ")}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

await nftchef();
await datlips();
console.log(failures === 0 ? "\nall checks passed" : `\n${failures} check(s) FAILED`);
process.exitCode = failures === 0 ? 0 : 1;

/**
 * Pins the planner: records a fingerprint of planCollection's Plan for a spread of cases, or checks that the
 * planner still gives the same ones. A fingerprint is the sha256 of the traits array (token order included)
 * with the JSON of capacity, counts, expected shares and deviations, so any change to any plan shows.
 *
 * Cases: the demo layers at 10, 1,000, 20,000 and 86,400 (every combination); the HashLips sample in
 * bench/hashlips-order.json's order at 324 (when ../shared/datasets/hashlips/layers is there); ~200 seeded
 * random layer sets with random weights, some near or at capacity, some with layers that do not count for
 * uniqueness; and a few built to reach the planner's rarer paths (string keys, no list of free combinations).
 *
 * Run: `npx tsx scripts/planner-fingerprints.ts record /tmp/fingerprints.json`, change the planner, then
 * `npx tsx scripts/planner-fingerprints.ts check /tmp/fingerprints.json` (exits 1 on any difference). A third
 * argument sets how many random cases (200 by default); record and check must be given the same.
 * `npx tsx scripts/planner-fingerprints.ts time [runs]` times 86,400 of 86,400 demo tokens (median of runs, 5 by default).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../src/core/config.js";
import { sha256Hex } from "../src/core/hash.js";
import type { Layer, LayerSet } from "../src/core/layers.js";
import { buildLayerSet } from "../src/core/layers.js";
import type { Plan } from "../src/core/planner.js";
import { capacityOf, planCollection } from "../src/core/planner.js";
import { createRng } from "../src/core/rng.js";
import { listLayersDir } from "../src/node/files.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const HASHLIPS_LAYERS = path.resolve(ROOT, "..", "shared", "datasets", "hashlips", "layers");
/** Random cases by default; a third argument asks for more. */
const RANDOM_CASES = 200;
/** Random layer sets stay under this many combinations, so a check takes seconds, not minutes. */
const RANDOM_MAX_CAPACITY = 60_000;

interface Case {
  name: string;
  layerSet: LayerSet;
  count: number;
  seed: string;
}

interface Recorded {
  name: string;
  fingerprint: string;
  deviations: number;
  ms: number;
}

export function fingerprint(plan: Plan): string {
  const traits = sha256Hex(new Uint8Array(plan.traits.buffer, plan.traits.byteOffset, plan.traits.byteLength));
  const rest = JSON.stringify({ capacity: plan.capacity, counts: plan.counts, expected: plan.expected, deviations: plan.deviations });
  return sha256Hex(`${traits}\n${rest}`);
}

/** A layer set straight from weights, without file names: weights may be any number >= 0. */
function syntheticSet(layers: Array<{ weights: number[]; unique: boolean }>): LayerSet {
  return {
    layers: layers.map(
      (l, index): Layer => ({
        index,
        name: `L${index}`,
        folder: `L${index}`,
        countsForUniqueness: l.unique,
        traits: l.weights.map((weight, t) => ({ index: t, name: `T${t}`, value: `T${t}`, file: `L${index}/T${t}.png`, weight })),
      }),
    ),
    skipped: [],
    unusedFolders: [],
    warnings: [],
  };
}

function randomCases(howMany: number): Case[] {
  const rng = createRng("planner-fingerprints", "cases");
  const cases: Case[] = [];
  while (cases.length < howMany) {
    const layerCount = 1 + rng.int(7);
    const style = rng.int(4);
    const layers = Array.from({ length: layerCount }, () => {
      const n = 1 + rng.int(10);
      const weights = Array.from({ length: n }, (_, t) => {
        if (n > 1 && rng.next() < 0.1) return 0;
        switch (style) {
          case 0:
            return 1 + rng.int(100);
          case 1:
            return t === 0 ? 200 + rng.int(800) : 1 + rng.int(20);
          case 2:
            return 1;
          default:
            return Math.round(rng.next() * 1000) / 100 + 0.01;
        }
      });
      if (!weights.some((w) => w > 0)) weights[0] = 1;
      return { weights, unique: rng.next() > 0.15 };
    });
    const set = syntheticSet(layers);
    const capacity = capacityOf(set.layers);
    if (capacity > RANDOM_MAX_CAPACITY) continue;
    const mode = rng.int(5);
    const count =
      mode === 0
        ? capacity
        : mode === 1
          ? Math.max(1, capacity - rng.int(Math.max(1, Math.ceil(capacity * 0.05))))
          : mode === 2
            ? 1 + rng.int(Math.min(5, capacity))
            : 1 + rng.int(capacity);
    cases.push({ name: `random-${cases.length} (${layers.map((l) => `${l.weights.length}${l.unique ? "" : "n"}`).join("x")}, cap ${capacity}, n ${count})`, layerSet: set, count, seed: `case-${cases.length}` });
  }
  return cases;
}

/** Layer sets that reach the planner's rarer paths. */
function edgeCases(): Case[] {
  const dominant = (n: number): number[] => Array.from({ length: n }, (_, t) => (t === 0 ? 1000 : 1));
  return [
    // 2^23 combinations (over the free-list limit), crowded at all-zeros: tokens move by single changes / random combos.
    { name: "edge: 23 layers of 2, dominant, 3000", layerSet: syntheticSet(Array.from({ length: 23 }, () => ({ weights: dominant(2), unique: true }))), count: 3000, seed: "edge-a" },
    // 2^53 combinations: keys are strings.
    { name: "edge: 53 layers of 2, dominant, 400", layerSet: syntheticSet(Array.from({ length: 53 }, () => ({ weights: dominant(2), unique: true }))), count: 400, seed: "edge-b" },
    // 500^6 trait slots (string keys) but 3^6 combinations: near capacity without a free list, down to the scan.
    ...[700, 729].map((count) => ({
      name: `edge: 6 layers of 500 traits, 3 active, ${count}`,
      layerSet: syntheticSet(Array.from({ length: 6 }, (_, l) => ({ weights: Array.from({ length: 500 }, (_, t) => (t < 3 ? [60, 30, 10][t] ?? 1 : 0) + (l === 5 && t === 0 ? 100 : 0)), unique: true }))),
      count,
      seed: `edge-c-${count}`,
    })),
    // One layer only, and a layer set where only one layer counts.
    { name: "edge: one layer of 50, all", layerSet: syntheticSet([{ weights: Array.from({ length: 50 }, (_, t) => 1 + t), unique: true }]), count: 50, seed: "edge-d" },
    { name: "edge: one counting layer of 4 among non-counting", layerSet: syntheticSet([{ weights: [5, 1], unique: false }, { weights: [1, 2, 3, 4], unique: true }, { weights: [9, 1, 1], unique: false }]), count: 4, seed: "edge-e" },
  ];
}

async function fileCases(): Promise<Case[]> {
  const demo = buildLayerSet(await listLayersDir(path.join(ROOT, "assets", "demo-layers")));
  const cases: Case[] = [10, 1000, 20000, 86400].map((count) => ({ name: `demo ${count}`, layerSet: demo, count, seed: "demo" }));
  if (existsSync(HASHLIPS_LAYERS)) {
    const configPath = path.join(ROOT, "bench", "hashlips-order.json");
    const config = parseConfig(JSON.parse(await readFile(configPath, "utf8")), configPath);
    cases.push({ name: "hashlips 324", layerSet: buildLayerSet(await listLayersDir(HASHLIPS_LAYERS), config, configPath), count: 324, seed: "golden" });
  } else {
    console.warn(`no ${HASHLIPS_LAYERS}: the HashLips case is left out`);
  }
  return cases;
}

async function timeDemo(runs: number): Promise<void> {
  const demo = buildLayerSet(await listLayersDir(path.join(ROOT, "assets", "demo-layers")));
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    planCollection(demo, 86400, "demo");
    ms.push(performance.now() - start);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`86,400 of 86,400 demo tokens: median ${Math.round(sorted[Math.floor(runs / 2)] ?? 0)} ms of ${runs} runs (${ms.map((m) => Math.round(m)).join(", ")} ms)`);
}

async function main(): Promise<void> {
  const [mode, file, randomCount] = process.argv.slice(2);
  if (mode === "time") return timeDemo(file ? Number(file) : 5);
  if ((mode !== "record" && mode !== "check") || !file) {
    console.error("usage: tsx scripts/planner-fingerprints.ts record|check <fingerprints.json> [random cases, 200 by default]");
    process.exit(2);
  }
  const cases = [...(await fileCases()), ...edgeCases(), ...randomCases(randomCount ? Number(randomCount) : RANDOM_CASES)];
  const results: Recorded[] = [];
  for (const c of cases) {
    const start = performance.now();
    const plan = planCollection(c.layerSet, c.count, c.seed);
    const ms = performance.now() - start;
    results.push({ name: c.name, fingerprint: fingerprint(plan), deviations: plan.deviations.length, ms: Math.round(ms * 10) / 10 });
  }
  const total = results.reduce((a, r) => a + r.ms, 0);
  const slow = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(`${results.length} cases in ${Math.round(total)} ms; slowest: ${slow.map((r) => `${r.name} ${r.ms} ms`).join("; ")}`);
  console.log(`cases with deviations: ${results.filter((r) => r.deviations > 0).length}`);
  if (mode === "record") {
    await writeFile(file, `${JSON.stringify(results, null, 1)}\n`);
    console.log(`recorded ${results.length} fingerprints in ${file}`);
    return;
  }
  const recorded = JSON.parse(await readFile(file, "utf8")) as Recorded[];
  const byName = new Map(recorded.map((r) => [r.name, r.fingerprint]));
  const differ = results.filter((r) => byName.get(r.name) !== r.fingerprint);
  const missing = recorded.filter((r) => !results.some((x) => x.name === r.name));
  for (const r of differ) console.log(`DIFFERS: ${r.name}`);
  for (const r of missing) console.log(`MISSING: ${r.name}`);
  if (differ.length > 0 || missing.length > 0) {
    console.log(`${differ.length} of ${results.length} differ, ${missing.length} missing`);
    process.exit(1);
  }
  console.log(`all ${results.length} fingerprints identical`);
}

await main();

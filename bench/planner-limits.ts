/**
 * The planner at large counts: plans N tokens of a synthetic layer set with enough combinations (the demo layers
 * allow only 86,400), each N in a process of its own so its peak RSS is its own, and prints a table of planning
 * time, peak RSS and the time each step took (from planCollection's onProgress).
 *
 * Run: `npx tsx bench/planner-limits.ts [counts…] [--layers 8] [--traits 10]`, e.g. `npx tsx bench/planner-limits.ts
 * 100000 1000000 10000000` (the figures in docs/benchmarks.md "Planner limits").
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildLayerSet, type LayerSet } from "../src/core/layers.js";
import { planCollection, type PlanStep } from "../src/core/planner.js";

/** `layers` layers of `traits` traits each, weights 1-10 spread over the traits, every layer counting for uniqueness. */
export function syntheticLayers(layers: number, traits: number): LayerSet {
  return buildLayerSet(
    {
      root: "synthetic",
      rootFiles: [],
      folders: Array.from({ length: layers }, (_, l) => ({
        folder: `${String(l + 1).padStart(2, "0")}-Layer ${l + 1}`,
        files: Array.from({ length: traits }, (_, t) => ({ name: `Trait ${t + 1}#${1 + ((t * 7 + l * 3) % 10)}.png`, size: 1 })),
        subfolders: [],
      })),
    },
    {},
  );
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { layers: { type: "string", default: "8" }, traits: { type: "string", default: "10" }, child: { type: "boolean" } },
});
const layers = Number(values.layers);
const traits = Number(values.traits);

if (values.child) {
  // One plan, in this process: print one JSON line for the parent.
  const count = Number(positionals[0]);
  const set = syntheticLayers(layers, traits);
  const steps = new Map<PlanStep, number>();
  let step: PlanStep | undefined;
  let stepStart = performance.now();
  const start = performance.now();
  const plan = planCollection(set, count, "planner-limits", {
    onProgress: (p) => {
      if (p.step === step) return;
      const now = performance.now();
      if (step) steps.set(step, (steps.get(step) ?? 0) + now - stepStart);
      step = p.step;
      stepStart = now;
    },
  });
  const end = performance.now();
  if (step) steps.set(step, (steps.get(step) ?? 0) + end - stepStart);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ count, capacity: plan.capacity, seconds: (end - start) / 1000, rssMb, deviations: plan.deviations.length, steps: Object.fromEntries(steps) }));
} else {
  const counts = positionals.length > 0 ? positionals.map(Number) : [100_000, 1_000_000, 10_000_000];
  const self = fileURLToPath(import.meta.url);
  console.log(`synthetic layers: ${layers} layers of ${traits} traits (${traits ** layers} combinations)\n`);
  console.log("| tokens | planning | peak RSS | slowest steps |");
  console.log("|---:|---:|---:|---|");
  for (const count of counts) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, "--child", "--layers", String(layers), "--traits", String(traits), String(count)], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { seconds: number; rssMb: number; steps: Record<string, number> };
    const slowest = Object.entries(r.steps)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`)
      .join(", ");
    console.log(`| ${count.toLocaleString("en-US")} | ${r.seconds.toFixed(1)} s | ${Math.round(r.rssMb)} MB | ${slowest} |`);
  }
}

/**
 * Dev check, not a test: lists the shared datasets (../shared/datasets/<engine>/layers) into ListedDir trees and
 * prints how each dialect reads them, layer by layer (outcomes, shares, parts with z, variants), with the
 * capacity, the detected dialect and every warning and problem, to compare with FIELD.md §3 by eye.
 *
 *   npx tsx scripts/check-dialects.ts [datasets folder]
 */
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { flattenLayer, type ListedDir } from "../src/core/model.js";
import { readLayers, type LayerEntry, type LayerSetReadOptions } from "../src/core/dialects/index.js";

function list(path: string, name: string): ListedDir {
  const dir: ListedDir = { name, files: [], dirs: [] };
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) dir.dirs.push(list(full, entry.name));
    else if (entry.isFile()) dir.files.push({ name: entry.name, size: statSync(full).size });
  }
  return dir;
}

/** A share as the fraction it most likely is (denominators up to 10,000). */
function fraction(x: number): string {
  if (x === 0) return "0";
  if (x === 1) return "1";
  for (let d = 1; d <= 10_000; d++) {
    const n = Math.round(x * d);
    if (Math.abs(n / d - x) < 1e-12) return `${n}/${d}`;
  }
  return x.toFixed(6);
}

function show(title: string, layersDir: ListedDir, options: LayerSetReadOptions): void {
  const set = readLayers(layersDir, options);
  console.log(`\n=== ${title}: dialect ${set.dialect}${set.detected ? ` (auto: ${set.detected.reason})` : ""}`);
  let capacity = 1;
  for (const layer of set.layers) {
    const m = layer.model;
    const outcomes = flattenLayer(m.root);
    const reachable = outcomes.filter((o) => o.share > 0).length;
    capacity *= reachable;
    const flags = [m.inMetadata ? "" : "not in metadata", m.countsForUniqueness ? "" : "not unique", m.variantOf ? `variantOf ${m.variantOf}` : ""].filter(Boolean);
    console.log(`  ${m.name} (${m.folder})${flags.length ? ` [${flags.join(", ")}]` : ""}: ${reachable} outcome(s)`);
    for (const o of outcomes) {
      const id = [...o.path, o.trait.name].join("/");
      const value = o.trait.value !== o.trait.name ? ` value "${o.trait.value}"` : "";
      const meta = o.trait.inMetadata ? "" : " (no attribute)";
      const parts = o.parts.map((p) => `${p.file.slice(m.folder.length + 1)}@z${p.z}${p.blend !== "source-over" ? ` ${p.blend}` : ""}${p.opacity !== 1 ? ` ${p.opacity}` : ""}`).join(" + ");
      const variants = o.trait.variants ? ` variants: ${Object.keys(o.trait.variants).join(",")}` : "";
      console.log(`    ${id.padEnd(28)} ${fraction(o.share).padStart(8)}${value}${meta}  [${parts || "nothing drawn"}]${variants}`);
    }
  }
  console.log(`  capacity ${set.layers.map((l) => flattenLayer(l.model.root).filter((o) => o.share > 0).length).join("·")} = ${capacity.toLocaleString("en")}`);
  for (const w of set.warnings) console.log(`  warning: ${w}`);
  for (const p of set.problems) console.log(`  PROBLEM ${p.code}: ${p.message}`);
}

const datasets = process.argv[2] ?? join(import.meta.dirname, "../../shared/datasets");
const tree = (engine: string): ListedDir | undefined => {
  const path = join(datasets, engine, "layers");
  return existsSync(path) ? list(path, "layers") : undefined;
};

const hashlips = tree("hashlips");
if (hashlips) {
  const order = ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"];
  show("hashlips, auto, its default order", hashlips, { dialect: "auto", layers: order });
  show("hashlips, dialect hashlips", hashlips, { dialect: "hashlips", layers: order });
}

const nftchef = tree("nftchef");
if (nftchef) {
  const layers: LayerEntry[] = [
    { name: "Background" },
    { name: "Back Accessory" },
    { name: "Head" },
    { name: "Clothes" },
    { name: "Eyes" },
    { name: "Hair" },
    // traitValueOverrides of its config.js, per layer.
    { name: "Accessory", traits: { Helmet: { value: "Space Helmet" } } },
    { name: "Shirt Accessories", traits: { "gold chain": { value: "GOLDEN NECKLACE" } } },
  ];
  show("nftchef, auto, its layersOrder", nftchef, { dialect: "auto", layers });
}

const datlips = tree("datlips");
if (datlips) {
  show("datlips config 0 (Your Collection, 50), auto", datlips, {
    dialect: "auto",
    layers: [
      { name: "Variant", displayName: "Color" },
      "Arms",
      "Back",
      "Body",
      { name: "Eyes", parts: { "*/Shadow": { blend: "multiply", opacity: 0.5, z: 35 } } },
      "Head",
      "Legs",
      "Mouth",
    ],
  });
  show("datlips config 1 (Skeletal, 15), auto", datlips, {
    dialect: "auto",
    layers: [{ name: "SkeletalArms", inMetadata: false }, "SkeletalBack", "SkeletalBody", "SkeletalLegs", { name: "SkeletalAccessories", parts: { "*": { z: 35 } } }],
  });
}

const nftool = tree("nftool");
if (nftool) show("nftool, auto", nftool, { dialect: "auto" });

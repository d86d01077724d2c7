/**
 * What the CLI makes of a layers folder, computed with core in Node: the reference the studio's ZIP is
 * compared with (same DNA list, same metadata bytes), and reference pixels from the span compositor.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import {
  buildLayerSet,
  metadataJson,
  parseConfig,
  planCollection,
  resolveSettings,
  tokenMetadata,
  tokenRecord,
  type LayerSet,
  type LayersListing,
  type TraitloomConfig,
} from "../../src/core/index.js";
import { compositeTraits, prepareTrait, type PreparedTrait } from "../../src/render/composite.js";

export function listFolder(root: string): LayersListing {
  const folders = [];
  const rootFiles = [];
  for (const name of readdirSync(root).sort()) {
    const p = join(root, name);
    if (!statSync(p).isDirectory()) {
      rootFiles.push(name);
      continue;
    }
    const files = [];
    const subfolders = [];
    for (const f of readdirSync(p).sort()) {
      const fp = join(p, f);
      if (statSync(fp).isDirectory()) subfolders.push(f);
      else files.push({ name: f, size: statSync(fp).size });
    }
    folders.push({ folder: name, files, subfolders });
  }
  return { root, folders, rootFiles };
}

export interface ReferenceToken {
  id: number;
  dna: string;
  metadataJson: string;
  files: string[];
}

export function referenceCollection(root: string, config: TraitloomConfig, count: number, seed: string): { layerSet: LayerSet; tokens: ReferenceToken[] } {
  const cfg = parseConfig(config);
  const layerSet = buildLayerSet(listFolder(root), cfg);
  const settings = resolveSettings(cfg, { count, seed });
  const plan = planCollection(layerSet, settings.count, settings.seed);
  const tokens = Array.from({ length: plan.count }, (_, i) => {
    const r = tokenRecord(layerSet, plan, i, settings);
    return { id: r.id, dna: r.dna, metadataJson: metadataJson(tokenMetadata(r, settings)), files: r.traits.map((t) => t.file) };
  });
  return { layerSet, tokens };
}

/** Reference pixels of a token: sharp decodes each trait, core's span compositor draws them (straight alpha). */
export async function referencePixels(root: string, files: string[], width: number, height: number, cache = new Map<string, PreparedTrait>()): Promise<Uint8Array> {
  const traits: PreparedTrait[] = [];
  for (const f of files) {
    let t = cache.get(f);
    if (!t) {
      const { data } = await sharp(readFileSync(join(root, f))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      t = prepareTrait(new Uint8Array(data.buffer, data.byteOffset, data.length), width, height);
      cache.set(f, t);
    }
    traits.push(t);
  }
  const canvas = new Uint8Array(width * height * 4);
  compositeTraits(canvas, traits);
  return canvas;
}

/** Decodes a PNG to straight-alpha RGBA. */
export async function decodePng(bytes: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Largest per-channel difference between two RGBA buffers. */
export function maxChannelDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    if (d > max) max = d;
  }
  return max;
}

/**
 * Comparing two collections file by file, with failures that say which file and which byte: the contract tests
 * assert `differences(...)` is empty, so a mismatch shows as a list of exact places rather than a boolean.
 */
import type { CollectionFiles } from "./node.js";

/** The journal of finished tokens: one "<id> <sha256>" line per token, in the order workers finished them. */
export const JOURNAL = ".traitloom/done.log";
export const STATE = ".traitloom/state.json";
/** The collection files every run ends with. */
export const COLLECTION_FILES = ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"] as const;
/** Bytes shown either side of a first difference. */
const CONTEXT_BYTES = 40;

const decoder = new TextDecoder();

/** The journal's lines, sorted: which tokens it holds, whatever order they finished in. */
export function journalLines(bytes: Uint8Array | undefined): string[] {
  return decoder
    .decode(bytes ?? new Uint8Array())
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

function isText(name: string): boolean {
  return /\.(json|csv|log|txt)$/.test(name);
}

/** Where two byte strings first differ, with the text around it for text files. */
export function firstByteDifference(name: string, expected: Uint8Array, actual: Uint8Array): string | undefined {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  if (i === expected.length && i === actual.length) return undefined;
  const hex = (b: number | undefined): string => (b === undefined ? "end of file" : `0x${b.toString(16).padStart(2, "0")}`);
  let line = `${name}: first differs at byte ${i} (expected ${hex(expected[i])}, found ${hex(actual[i])}; sizes ${expected.length} and ${actual.length})`;
  if (isText(name)) {
    const cut = (b: Uint8Array): string => JSON.stringify(decoder.decode(b.subarray(Math.max(0, i - CONTEXT_BYTES), i + CONTEXT_BYTES)));
    line += `\n    expected: ${cut(expected)}\n    found:    ${cut(actual)}`;
  }
  return line;
}

/**
 * Every difference between two collections: files only one holds, files whose bytes differ (first differing
 * byte). The journal is compared as the set of its lines; `only` limits the comparison to some files.
 */
export function differences(expected: CollectionFiles, actual: CollectionFiles, options: { only?: (name: string) => boolean } = {}): string[] {
  const only = options.only ?? (() => true);
  const out: string[] = [];
  for (const name of [...new Set([...expected.keys(), ...actual.keys()])].filter(only).sort()) {
    const want = expected.get(name);
    const have = actual.get(name);
    if (want === undefined) out.push(`${name}: not expected, but present`);
    else if (have === undefined) out.push(`${name}: expected, but missing`);
    else if (name === JOURNAL) {
      const a = journalLines(want).join("\n");
      const b = journalLines(have).join("\n");
      if (a !== b) out.push(`${name} (lines sorted): ${firstByteDifference(name, new TextEncoder().encode(a), new TextEncoder().encode(b))}`);
    } else {
      const d = firstByteDifference(name, want, have);
      if (d !== undefined) out.push(d);
    }
  }
  return out;
}

export function text(files: CollectionFiles, name: string): string {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`${name}: not in the collection`);
  return decoder.decode(bytes);
}

interface Manifest {
  provenance?: unknown;
  tokens: Array<{ id: number; dna: string; image?: unknown }>;
}

/** The manifest's tokens' DNA, in order. */
export function manifestDna(files: CollectionFiles): string[] {
  return (JSON.parse(text(files, "manifest.json")) as Manifest).tokens.map((t) => `${t.id} ${t.dna}`);
}

/**
 * The manifest without what depends on the PNG encoder's bytes: each token's `image` hash and the provenance
 * (a hash over them). Everything else (header, inputHash, configHash, DNA, order) stays.
 */
export function manifestWithoutImageHashes(files: CollectionFiles): unknown {
  const m = JSON.parse(text(files, "manifest.json")) as Manifest & Record<string, unknown>;
  return { ...m, provenance: "(masked)", tokens: m.tokens.map((t) => ({ ...t, image: "(masked)" })) };
}

/** Names of a collection's images, "images/<id>.png", by id. */
export function imageNames(files: CollectionFiles): string[] {
  return [...files.keys()].filter((n) => /^images\/\d+\.\w+$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
}

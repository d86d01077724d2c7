/**
 * What a result belongs to: the config the run was given (layers, weights, metadata settings), its size and seed,
 * the canvas, and the layer files. A result whose key differs from the project's is outdated, and says which
 * settings changed since.
 */
import type { Analysis, StudioSettings } from "../browser/project.js";

/** A short, stable digest (FNV-1a, 2 x 32 bits) of `length` values: keys are compared, never trusted as hashes. */
function digestOf(length: number, at: (i: number) => number): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ length;
  for (let i = 0; i < length; i++) {
    const c = at(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

const digest = (s: string): string => digestOf(s.length, (i) => s.charCodeAt(i));

/** The 1-of-1s a run places, as far as the key needs them: where they go, and each file's name and bytes. */
export interface RunOneOfOnes {
  config: { place?: unknown };
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
}

/** The key of a run's 1-of-1s: where they go and each file's name and bytes (a changed pixel changes it); "" for none. */
export function oneOfOnesKey(oneOfOnes: RunOneOfOnes | undefined): string {
  if (!oneOfOnes || oneOfOnes.files.length === 0) return "";
  const files = oneOfOnes.files.map((f) => [f.name, f.bytes.length, digestOf(f.bytes.length, (i) => f.bytes[i] ?? 0)]);
  return digest(JSON.stringify({ place: oneOfOnes.config.place, files }));
}

/**
 * The key of what a run of these settings makes (not the worker count, which changes no byte of it), with its
 * 1-of-1s' key (oneOfOnesKey, computed once per change of them: it reads every byte).
 */
export function runKey(analysis: Analysis, settings: StudioSettings, ones = ""): string {
  const files = analysis.listing.folders.map((f) => [f.folder, f.files.map((x) => [x.name, x.size])]);
  return digest(JSON.stringify({ config: analysis.config, count: settings.count, seed: settings.seed, canvas: analysis.canvas, files, ...(ones ? { ones } : {}) }));
}

/**
 * The preview renderer's key for its trait sources: they follow the files, the canvas and the layers drawn (the
 * shown layers, or every edition's, one after the other), so a change of any of them sends the sources again.
 */
export function previewRenderKey(version: number, analysis: Pick<Analysis, "canvas" | "config"> | undefined): string {
  const config = analysis?.config;
  const drawn = config?.layers ?? config?.editions?.flatMap((e) => e.layers) ?? [];
  return `${version}:${analysis?.canvas?.width ?? 0}x${analysis?.canvas?.height ?? 0}:${config?.resize ?? "error"}:${JSON.stringify(drawn.map((l) => (typeof l === "string" ? l : l.folder)))}`;
}

const LABELS: Array<[keyof StudioSettings, string]> = [
  ["count", "the size"],
  ["seed", "the seed"],
  ["namePrefix", "the name prefix"],
  ["description", "the description"],
  ["baseUri", "the base URI"],
  ["startId", "the start id"],
  ["width", "the output width"],
  ["height", "the output height"],
  ["resize", "the resize mode"],
  ["layers", "the layers (order, weights, shown, names)"],
  ["weightSyntax", "the weight syntax"],
  ["namedWeights", "the named weights"],
  ["dialect", "the folder dialect"],
  ["externalUrl", "the external URL"],
  ["backgroundColor", "the background colour"],
  ["extraAttributes", "the extra attributes"],
  ["extraMetadata", "the extra metadata"],
  ["noneTraitNames", "the traits left out of attributes"],
  ["image", "the image format"],
  ["rules", "the rules"],
  ["counts", "the fixed counts"],
  ["editions", "the editions"],
  ["shuffle", "the id order across editions"],
  ["reroll", "the re-rolled tokens"],
  ["ban", "the banned combinations"],
];

/**
 * Which settings differ between a run's and the current ones, in words, and "the 1-of-1s" where their keys
 * (oneOfOnesKey) differ; "the layer files" where nothing else does. A run kept from before 1-of-1s had a key has
 * `madeOnes` undefined: read as none.
 */
export function settingsChanges(made: StudioSettings, now: StudioSettings, madeOnes?: string, nowOnes = ""): string[] {
  const changed = LABELS.filter(([k]) => JSON.stringify(made[k]) !== JSON.stringify(now[k])).map(([, label]) => label);
  if ((madeOnes ?? "") !== nowOnes) changed.push("the 1-of-1s");
  return changed.length > 0 ? changed : ["the layer files"];
}

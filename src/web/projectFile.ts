/**
 * A whole project in one ZIP: `layers/` (the files as loaded) and `traitloom.json` (the settings, with `layersDir`,
 * `count` (or its editions) and `seed`), the shape of a CLI project: unzipped, `traitloom generate -c traitloom.json -o out` makes
 * the studio's tokens; opened in the studio (Open ZIP…, a drop), it loads the layers and the settings.
 */
import { zip } from "fflate";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { StudioOneOfOnes } from "../browser/protocol.js";
import type { TraitloomConfig } from "../core/config.js";

/**
 * The traitloom.json of the studio's settings as the CLI reads it (the analysed config, with the size and seed):
 * the same tokens for the same layers. `layersDir` where the file sits beside the layers folder.
 */
export function projectConfig(analysis: Analysis, settings: StudioSettings, layersDir?: string): TraitloomConfig {
  // With editions their counts are the size: core refuses a top-level count beside them.
  return { ...(layersDir !== undefined ? { layersDir } : {}), ...analysis.config, ...(analysis.config.editions ? {} : { count: settings.count }), seed: settings.seed };
}

export function configJson(config: TraitloomConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The project file: layers/<path> for every file, traitloom.json beside them, and the 1-of-1s' files in their folder (`oneOfOnes.dir`). */
export async function projectZip(files: ReadonlyMap<string, Blob>, analysis: Analysis, settings: StudioSettings, oneOfOnes?: StudioOneOfOnes): Promise<Blob> {
  const config = { ...projectConfig(analysis, settings, "layers"), ...(oneOfOnes ? { oneOfOnes: oneOfOnes.config } : {}) };
  const entries: Record<string, Uint8Array> = { "traitloom.json": new TextEncoder().encode(configJson(config)) };
  for (const [path, blob] of files) entries[`layers/${path}`] = new Uint8Array(await blob.arrayBuffer());
  for (const f of oneOfOnes?.files ?? []) entries[`${oneOfOnes?.config.dir ?? ""}/${f.name}`] = f.bytes;
  const bytes = await new Promise<Uint8Array>((resolve, reject) => zip(entries, { level: 0 }, (err, data) => (err ? reject(err) : resolve(data))));
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/zip" });
}

/** Starts a download of `blob` as `name`. */
export function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
